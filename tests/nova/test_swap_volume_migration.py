"""Cinder's migration of an attached volume through Nova's swap (cinder ``volume/manager.py``
``_migrate_volume_generic``/``migrate_volume_completion``, nova ``compute/manager.py``
``swap_volume``/``_swap_volume``): the temporary volume, the states a user reads while Nova
copies, the ids kept at completion, a swap Nova refuses, and what a createImage sees."""

from __future__ import annotations

import json

import pytest

from tests.nova.volume_backed_env import BfvEnv

#: Two backends; ``plain`` names none (the weigher puts its volumes on lvm, the roomier),
#: ``fast`` names ceph.
CONFIG = {
    "cinder": {
        "backends": {"lvm": {"kind": "lvm-thin"}, "ceph": {"kind": "rbd", "capacity_gb": 50_000}},
        "volume_types": {"__DEFAULT__": {"backend": "lvm"}},
    }
}


@pytest.fixture(scope="module")
def world():
    env = BfvEnv("upstream", config=CONFIG)
    for name, specs in (("plain", {}), ("fast", {"volume_backend_name": "ceph"})):
        body = {"volume_type": {"name": name, "extra_specs": specs}}
        assert _cinder(env, "POST", "types", body).status == 200
    sid = env.boot_bfv()
    (root,) = [b.volume_id for b in env.nova.db.bdms_by_instance(sid)]
    body = {"volume": {"size": 2, "volume_type": "plain"}}
    data = _cinder(env, "POST", "volumes", body, user="demo").json()["volume"]["id"]
    env.cloud.run_until_idle()
    path = f"/v2.1/servers/{sid}/os-volume_attachments"
    assert env.request("POST", path, {"volumeAttachment": {"volumeId": data}}).status == 200
    env.cloud.run_until_idle()
    return env, sid, root, data


def _cinder(env, method, path, body=None, user="admin"):
    return env.cloud.request("volumev3", method, f"/v3/{{project_id}}/{path}", body, user=user)


def _volumes(env):
    """(id, status, migration_status, host, name_id) of every volume, as an admin lists them."""
    listed = _cinder(env, "GET", "volumes/detail?all_tenants=1").json()["volumes"]
    return sorted(
        (
            v["id"],
            v["status"],
            v["migration_status"],
            v["os-vol-host-attr:host"],
            v["os-vol-mig-status-attr:name_id"],
        )
        for v in listed
    )


def _migrate(env, vid, host="cinder@ceph"):
    body = {"os-migrate_volume": {"host": host}}
    assert _cinder(env, "POST", f"volumes/{vid}/action", body).status == 202


def test_an_attached_volume_migrates_through_novas_swap(world):
    env, sid, root, data = world
    env = env.fork()
    t0 = env.cloud.now
    before = env.request("GET", f"/v2.1/servers/{sid}/os-volume_attachments", microversion="2.89")
    _migrate(env, data)
    env.cloud.advance(6)  # the temporary volume polled at 1 and 5 s; Nova copies 2 GiB
    (temp,) = [v for v in _volumes(env) if v[0] not in (root, data)]
    assert temp[1:4] == ("attaching", f"target:{data}", "cinder@ceph#ceph")
    assert (data, "in-use", "migrating", "cinder@lvm#lvm", None) in _volumes(env)
    env.cloud.run_until_idle()
    assert _volumes(env) == sorted(
        [
            (root, "in-use", None, "cinder@lvm#lvm", None),
            # in-use: the drivers keep the temporary volume's name (and provider_location).
            (data, "in-use", "success", "cinder@ceph#ceph", temp[0]),
        ]
    )
    after = env.request("GET", f"/v2.1/servers/{sid}/os-volume_attachments", microversion="2.89")
    (old,) = [a for a in before.json()["volumeAttachments"] if a["volumeId"] == data]
    (new,) = [a for a in after.json()["volumeAttachments"] if a["volumeId"] == data]
    assert (new["device"], new["bdm_uuid"]) == (old["device"], old["bdm_uuid"])
    assert new["attachment_id"] != old["attachment_id"]
    (swap, *_rest) = env.actions(sid)
    nova = env.cloud.keystone.directory.user_by_name("nova", "default")  # Cinder's [nova]
    assert (swap["action"], swap["user_id"]) == ("swap_volume", nova.id)
    assert [(e["event"], e["result"]) for e in swap["events"]] == [
        ("compute_swap_volume", "Success")
    ]
    (copy,) = env.events("io.finish", label="nova.swap_volume")
    assert copy["t"] - t0 > 5.0 and env.cloud.check_invariants() == []
    assert {n: d.allocated_gb for n, d in env.cloud.cinder.drivers.items()} == {"lvm": 1, "ceph": 2}


def test_a_retype_stays_retyping_until_the_swap_completes(world):
    env, _sid, _root, data = world
    env = env.fork()
    body = {"os-retype": {"new_type": "fast", "migration_policy": "on-demand"}}
    assert _cinder(env, "POST", f"volumes/{data}/action", body, user="demo").status == 202
    env.cloud.advance(6)
    shown = env.volume(data)
    assert (shown["status"], shown["volume_type"]) == ("retyping", "plain")
    env.cloud.run_until_idle()
    shown = env.volume(data)
    assert (shown["status"], shown["volume_type"]) == ("in-use", "fast")


def test_a_swap_nova_refuses_fails_the_migration(world):
    env, sid, root, data = world
    env = env.fork()
    env.server_action(sid, "os-stop")
    _migrate(env, data)
    env.cloud.run_until_idle()
    # The temporary volume is deleted; the volume stays where it was, in-use.
    assert (data, "in-use", "error", "cinder@lvm#lvm", None) in _volumes(env)
    assert len(_volumes(env)) == 2
    (error,) = env.events("cinder.error", subject=data)
    assert error["error"] == (
        f"Cannot 'swap_volume' instance {sid} while it is in vm_state stopped (HTTP 409)"
    )


def test_a_createimage_while_the_root_volume_is_swapped(world):
    env, sid, root, data = world
    env = env.fork()
    _migrate(env, root, "cinder@lvm")  # the same backend, no pool: a new volume all the same
    env.cloud.advance(6)  # Nova is copying: no task_state, so Nova accepts the snapshot
    resp = env.create_image(sid)
    assert resp.json()["badRequest"]["message"].startswith(
        "Invalid input received: Invalid volume: Snapshot cannot be created while volume is "
        "migrating. (HTTP 400)"
    )
    env.cloud.run_until_idle()
    assert env.create_image(sid).status == 202  # after: the root's id names the new data
    env.cloud.run_until_idle()
    snapshots = sorted((s["volume_id"], s["status"]) for s in env.volume_snapshots())
    assert snapshots == sorted([(root, "available"), (data, "available")])


def test_a_swap_while_the_server_is_snapshotted_is_novas_409(world):
    env, _sid, _root, _data = world
    env = env.fork()
    web = env.boot("web")  # image-backed: its createImage holds a task_state
    body = {"volume": {"size": 1, "volume_type": "plain"}}
    vid = _cinder(env, "POST", "volumes", body, user="demo").json()["volume"]["id"]
    env.cloud.run_until_idle()
    path = f"/v2.1/servers/{web}/os-volume_attachments"
    assert env.request("POST", path, {"volumeAttachment": {"volumeId": vid}}).status == 200
    env.cloud.run_until_idle()
    _migrate(env, vid)
    env.cloud.advance(4.5)  # Cinder asks Nova at 5 s, while the snapshot uploads
    assert env.create_image(web).status == 202
    env.cloud.run_until_idle()
    (error,) = env.events("cinder.error", subject=vid)
    assert error["error"] == (
        f"Cannot 'swap_volume' instance {web} while it is in task_state image_pending_upload "
        "(HTTP 409)"
    )
    assert (vid, "in-use", "error", "cinder@lvm#lvm", None) in _volumes(env)


def test_a_copy_that_fails_rolls_the_migration_back(world):
    env, sid, root, data = world
    env = env.fork()
    match = {"label": "nova.swap_volume"}
    env.cloud.faults.add("io.transfer", error="LibvirtError", match=match)
    _migrate(env, data)
    env.cloud.run_until_idle()
    # Nova deletes the new attachment and calls the completion with error: the temporary
    # volume goes, the volume stays attached where it was.
    assert _volumes(env) == sorted(
        [
            (root, "in-use", None, "cinder@lvm#lvm", None),
            (data, "in-use", "error", "cinder@lvm#lvm", None),
        ]
    )
    (swap, *_rest) = env.actions(sid)
    assert [(e["event"], e["result"]) for e in swap["events"]] == [("compute_swap_volume", "Error")]
    # then swap_volume's wrap_exception: the legacy error, its args in the cast's order
    (legacy,) = env.cloud.trace.filter(event_type="swap_volume")
    assert list(legacy["args"]) == [
        "instance",
        "old_volume_id",
        "new_volume_id",
        "new_attachment_id",
    ]
    assert env.cloud.check_invariants() == []


def test_a_delete_during_the_swap_waits_for_it(world):
    env, sid, _root, data = world
    env = env.fork()
    _migrate(env, data)
    env.cloud.advance(6)  # Nova is copying
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    env.cloud.run_until_idle()
    # The host's terminate waits for the swap (utils.synchronized(instance.uuid)), then
    # detaches the migrated volume: available on its new backend, no attachment left.
    assert _volumes(env) == [
        (data, "available", "success", "cinder@ceph#ceph", _volumes(env)[0][4])
    ]
    assert env.volume(data)["attachments"] == []


def test_a_volume_with_two_read_write_attachments_is_not_swapped(world):
    env, sid, _root, _data = world
    env = env.fork()
    body = {"volume_type": {"name": "shared", "extra_specs": {"multiattach": "<is> True"}}}
    assert _cinder(env, "POST", "types", body).status == 200
    body = {"volume": {"size": 1, "volume_type": "shared"}}
    vid = _cinder(env, "POST", "volumes", body, user="demo").json()["volume"]["id"]
    env.cloud.run_until_idle()
    for server in (sid, env.boot("web")):
        path = f"/v2.1/servers/{server}/os-volume_attachments"
        attach = {"volumeAttachment": {"volumeId": vid}}
        assert env.request("POST", path, attach, microversion="2.60").status == 200
        env.cloud.run_until_idle()
    # Cinder's NFS driver would meet the same two mappings in Nova's assisted snapshots: the
    # delete does not catch VolumeBDMIsMultiAttach (the create does: 400)
    query = json.dumps({"volume_id": vid})
    path = f"/v2.1/os-assisted-volume-snapshots/s1?delete_info={query}"
    refused = env.request("DELETE", path, user="admin")
    assert refused.status == 500
    assert refused.json()["computeFault"]["message"].endswith(
        "<class 'nova.exception.VolumeBDMIsMultiAttach'>"
    )
    _migrate(env, vid)
    env.cloud.run_until_idle()
    (error,) = env.events("cinder.error", subject=vid)
    assert error["error"] == (
        "Swapping multi-attach volumes with more than one read/write attachment is not "
        "supported. (HTTP 400)"
    )
    assert (vid, "in-use", "error", "cinder@lvm#lvm", None) in _volumes(env)
