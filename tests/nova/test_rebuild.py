"""The ``rebuild`` server action: a server again from an image (its own snapshot, to restore it).

Nova's ``ServersController._action_rebuild`` (``_rebuild`` in 34.0.0) → ``API.rebuild`` → the
``rebuild_instance`` cast → ``ComputeManager._do_rebuild_instance`` / ``_rebuild_default_impl``
→ ``LibvirtDriver.destroy`` and ``spawn``.
"""

from __future__ import annotations

import pytest

from fakecloud.nova import states
from tests.nova.conftest import NovaEnv


def _rebuild(env: NovaEnv, sid: str, image_id: str, microversion: str | None = None, **extra):
    return env.action(sid, {"rebuild": {"imageRef": image_id, **extra}}, microversion=microversion)


def _snapshot(env: NovaEnv, sid: str, name: str = "snap") -> str:
    resp = env.create_image(sid, name)
    assert resp.status == 202, resp.json()
    env.cloud.run_until_idle()
    return resp.json()["image_id"]


def _seed(env: NovaEnv) -> NovaEnv | None:
    """`env` if it is the Queens (seed) profile's."""
    return env if env.kernel.switches.max_microversion == "2.60" else None


def _bad(resp, status: int = 400) -> str:
    assert resp.status == status, resp.json()
    return next(iter(resp.json().values()))["message"]


def _events(env: NovaEnv, sid: str):
    resp = env.request("GET", f"/v2.1/servers/{sid}/os-instance-actions", user="admin")
    newest = resp.json()["instanceActions"][0]
    resp = env.request(
        "GET",
        f"/v2.1/servers/{sid}/os-instance-actions/{newest['request_id']}",
        user="admin",
        microversion="2.51",
    )
    action = resp.json()["instanceAction"]
    return action["action"], [(e["event"], e["result"]) for e in action["events"]]


def test_restore_an_active_server_from_its_snapshot(any_env: NovaEnv):
    env = any_env
    sid = env.boot()
    snap = _snapshot(env, sid)
    manager = next(m for m in env.nova.hosts.values() if sid in m.driver.domains)
    dom = manager.driver.domains[sid]
    resp = _rebuild(env, sid, snap, adminPass="s3cret", name="restored")
    assert resp.status == 202, resp.json()
    body = resp.json()["server"]
    assert body["status"] == "REBUILD"
    assert body["adminPass"] == "s3cret"
    assert body["name"] == "restored"
    assert body["image"]["id"] == snap
    assert "OS-EXT-STS:task_state" not in body  # before 2.75, the base view
    assert resp.headers["Location"].endswith(f"/servers/{sid}")
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("ACTIVE", None)
    assert server["image"]["id"] == snap
    assert server["OS-EXT-STS:power_state"] == states.RUNNING
    assert env.states(sid)[-4:] == [
        "rebuilding",
        "rebuild_block_device_mapping",
        "rebuild_spawning",
        None,
    ]
    new = manager.driver.domains[sid]
    assert new is not dom and new.name == dom.name  # the guest re-created, its name kept
    row = env.nova.db.instance_row(sid)
    assert row.system_metadata["image_base_image_ref"] == snap
    assert _events(env, sid) == ("rebuild", [("compute_rebuild_instance", "Success")])
    kinds = [
        e["event_type"]
        for e in env.cloud.trace.filter(kind="notification")
        if "rebuild" in e["event_type"]
    ]
    legacy = ["compute.instance.rebuild.start", "compute.instance.rebuild.end"]
    versioned = ["instance.rebuild.start", "instance.rebuild.end"]
    # Queens sends both formats; from 20.0.0 the default is unversioned only.
    assert sorted(kinds) == sorted(legacy + versioned if env is _seed(env) else legacy)


def test_a_stopped_server_is_stopped_again(env: NovaEnv):
    sid = env.boot()
    assert env.action(sid, {"os-stop": None}).status == 202
    env.cloud.run_until_idle()
    assert _rebuild(env, sid, env.image.id).status == 202
    assert env.server(sid)["status"] == "REBUILD"
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert (server["status"], server["OS-EXT-STS:power_state"]) == ("SHUTOFF", states.SHUTDOWN)
    # ``_update_instance_after_spawn`` ends the task, then the stop takes its own.
    assert env.states(sid)[-6:] == [
        "rebuilding",
        "rebuild_block_device_mapping",
        "rebuild_spawning",
        None,
        "powering-off",
        None,
    ]
    assert env.states(sid, "vm_state")[-3:] == ["stopped", "active", "stopped"]


def test_the_2_75_view_and_user_data(env: NovaEnv):
    sid = env.boot()
    resp = _rebuild(env, sid, env.image.id, "2.75", user_data="aGk=", key_name=None)
    assert resp.status == 202, resp.json()
    body = resp.json()["server"]
    assert body["OS-EXT-STS:task_state"] == "rebuilding"
    assert body["user_data"] == "aGk="
    assert body["key_name"] is None
    assert body["server_groups"] == []
    # An admin's view has the extended attributes, but not ``OS-EXT-SRV-ATTR:user_data``.
    env.cloud.run_until_idle()
    body = env.action(sid, {"rebuild": {"imageRef": env.image.id}}, "admin", "2.75").json()
    assert body["server"]["OS-EXT-SRV-ATTR:hostname"] == "vm"
    assert "OS-EXT-SRV-ATTR:user_data" not in body["server"]


def test_errors(any_env: NovaEnv):
    env = any_env
    sid = env.boot()
    missing = "11111111-2222-3333-4444-555555555555"
    assert _bad(_rebuild(env, sid, missing)) == "Cannot find image for rebuild"
    assert "'imageRef' is a required property" in _bad(env.action(sid, {"rebuild": {}}))
    assert "Additional properties" in _bad(_rebuild(env, sid, env.image.id, "2.56", user_data=""))
    too_many = {f"k{i}": "v" for i in range(129)}
    assert _bad(_rebuild(env, sid, env.image.id, metadata=too_many), 403) == (
        "Maximum number of metadata items exceeds 128"
    )
    assert env.action(sid, {"lock": None}).status == 202
    assert _bad(_rebuild(env, sid, env.image.id), 409) == f"Instance {sid} is locked"
    assert env.action(sid, {"unlock": None}).status == 202
    assert env.action(sid, {"pause": None}).status == 202
    env.cloud.run_until_idle()
    assert _bad(_rebuild(env, sid, env.image.id), 409) == (
        f"Cannot 'rebuild' instance {sid} while it is in vm_state paused"
    )


def test_a_flavor_too_small_for_the_image(env: NovaEnv):
    sid = env.boot()
    resp = env.cloud.request(
        "image",
        "POST",
        "/v2/images",
        body={"name": "big", "disk_format": "qcow2", "container_format": "bare", "min_disk": 100},
        user="demo",
    )
    assert resp.status == 201, resp.json()
    image_id = resp.json()["id"]
    assert _bad(_rebuild(env, sid, image_id)) == f"Image {image_id} is not active."


def test_a_volume_backed_server_from_another_image_from_2_93(env: NovaEnv):
    sid = env.boot(bfv=True)
    other = env.images[1]
    assert _bad(_rebuild(env, sid, other.id, "2.92")) == (
        f"Image {other.id} is unacceptable: Unable to rebuild with a different image for "
        "a volume-backed server."
    )
    (root,) = env.server(sid)["os-extended-volumes:volumes_attached"]
    path = f"/v3/{{project_id}}/volumes/{root['id']}"

    def volume():
        return env.cloud.request("volumev3", "GET", path).json()["volume"]

    (before,) = volume()["attachments"]
    resp = _rebuild(env, sid, env.image.id)
    assert resp.status == 202, resp.json()
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert server["status"] == "ACTIVE"
    assert server["image"] == ""
    # detach_block_devices swapped the attachment for a new one, attach_block_devices
    # connected and completed it.
    (after,) = volume()["attachments"]
    assert volume()["status"] == "in-use"
    assert after["attachment_id"] != before["attachment_id"]
    # 2.93: the root volume reimaged by Cinder (os-reimage of the reserved volume, Nova waiting
    # for its volume-reimaged event), then attached again.
    assert _rebuild(env, sid, other.id, "2.93").status == 202
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "ACTIVE"
    assert _events(env, sid) == ("rebuild", [("compute_rebuild_instance", "Success")])
    now = volume()
    assert (now["status"], now["volume_image_metadata"]["image_id"]) == ("in-use", other.id)
    assert now["attachments"][0]["attachment_id"] != after["attachment_id"]
    statuses = [
        e["new"] for e in env.cloud.trace.filter(kind="state", subject=root["id"], field="status")
    ]
    assert statuses[-5:] == ["reserved", "downloading", "reserved", "attaching", "in-use"]
    # The server's own snapshot image has no data: Nova's deadline is 0 s (20 s per GiB of
    # its size), so the wait times out at once. From 32.0.0 an abort like any failure.
    snap = _snapshot(env, sid)
    assert _rebuild(env, sid, snap, "2.93").status == 202
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert server["status"] == "ERROR"
    assert server["fault"]["message"] == (
        f"Build of instance {sid} aborted: Failed to rebuild volume backed instance."
    )


def test_a_reimage_timing_out_before_nova_32_leaves_the_server_rebuilding():
    # eventlet's Timeout is no Exception: past every handler but the action event's.
    env = NovaEnv("nova-29.4.0")
    sid = env.boot(bfv=True)
    env.cloud.faults.add(
        "cinder.driver", error="CinderBackendError", match={"op": "copy_image_to_volume"}
    )
    assert _rebuild(env, sid, env.images[1].id, "2.93").status == 202
    start = env.cloud.now
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("REBUILD", "rebuilding")
    assert _events(env, sid) == ("rebuild", [("compute_rebuild_instance", "Error")])
    (stuck,) = env.cloud.check_invariants(["task_state_cleared"])
    assert stuck.subject == f"server {sid}"
    (warning,) = [
        e
        for e in env.cloud.trace.filter(subject=sid)
        if e.get("message", "").startswith("Timeout waiting for ['volume-reimaged-")
    ]
    # 20 s per GiB of the image (rounded up to 1 GiB).
    assert warning["t"] - start == pytest.approx(20, abs=2)


def _cinder_volume_reads(env: NovaEnv, since: float) -> list[tuple[str, str, int]]:
    """cinder-volume's requests to Glance from virtual time `since`: subject, call, status."""
    return [
        (e["subject"], e["call"], e["status"])
        for e in env.cloud.trace.filter(kind="http.response", callee="glance-api")
        if e["actor"].startswith("cinder-volume") and e["t"] >= since
    ]


def test_a_volume_backed_rebuild_has_cinder_read_the_images_location_before_its_download(
    env: NovaEnv,
):
    """``VolumeManager.reimage`` (cinder 20.0.0-29.0.0) asks ``image_service.get_location``
    before ``copy_image_to_volume``: on this Cinder (27.0.0 on) and Glance (29.0.0 on) the
    location API, as the ``[glance]`` user, then the download."""
    sid = env.boot(bfv=True)
    other = env.images[1]
    start = env.cloud.now
    assert _rebuild(env, sid, other.id, "2.93").status == 202
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "ACTIVE"
    assert _cinder_volume_reads(env, start) == [
        ("GET /versions", "get_image_locations", 200),
        (f"GET /v2/images/{other.id}/locations", "get_image_locations", 200),
        (f"GET /v2/images/{other.id}/file", "download", 200),
    ]


def test_an_image_deleted_before_cinders_manager_fails_the_volume_backed_rebuild(env: NovaEnv):
    """An image deleted after cinder-api's checks of the ``os-reimage`` is gone when the manager
    reads its location (404, ``ImageNotFound``): the root volume goes to ``error``, Cinder
    sends no ``volume-reimaged`` event, and Nova's wait (20 s per GiB of the image) ends the
    rebuild: from 32.0.0 an abort like any failure."""
    sid = env.boot(bfv=True)
    (root,) = env.server(sid)["os-extended-volumes:volumes_attached"]
    other = env.images[1]
    env.cloud.faults.add("rpc.cast", action="delay", delay_s=10, match={"method": "reimage"})
    start = env.cloud.now
    assert _rebuild(env, sid, other.id, "2.93").status == 202
    while not [
        e
        for e in env.cloud.trace.filter(kind="http.response", callee="glance-api")
        if e["actor"] == "cinder-api" and e["t"] >= start
    ]:
        env.cloud.run(until=env.cloud.now + 0.5)
    assert env.cloud.request("image", "DELETE", f"/v2/images/{other.id}", user="admin").status == (
        204
    )
    env.cloud.run_until_idle()
    assert _cinder_volume_reads(env, start) == [
        ("GET /versions", "get_image_locations", 200),
        (f"GET /v2/images/{other.id}/locations", "get_image_locations", 404),
    ]
    path = f"/v3/{{project_id}}/volumes/{root['id']}"
    assert env.cloud.request("volumev3", "GET", path).json()["volume"]["status"] == "error"
    server = env.server(sid)
    assert server["status"] == "ERROR"
    assert server["fault"]["message"] == (
        f"Build of instance {sid} aborted: Failed to rebuild volume backed instance."
    )


@pytest.mark.parametrize("value", [True, "true"])
def test_preserve_ephemeral_is_an_error_on_libvirt(env: NovaEnv, value):
    sid = env.boot()
    assert _rebuild(env, sid, env.image.id, preserve_ephemeral=value).status == 202
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert server["status"] == "ERROR"
    assert server["fault"]["message"] == (
        "The current driver does not support preserving ephemeral partitions."
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("min_ram", 4096, "Flavor's memory is too small for requested image."),
        (
            "min_disk",
            5,
            "Flavor's disk is smaller than the minimum size specified in image metadata. "
            "Flavor disk is 1073741824 bytes, minimum size is 5368709120 bytes.",
        ),
    ],
)
def test_an_image_the_flavor_is_too_small_for(env: NovaEnv, field, value, message):
    sid = env.boot()  # flavor 1: 512 MB, a 1 GB root disk
    resp = env.cloud.request(
        "image",
        "PATCH",
        f"/v2/images/{env.image.id}",
        body=[{"op": "replace", "path": f"/{field}", "value": value}],
        user="admin",
        headers={"Content-Type": "application/openstack-images-v2.1-json-patch"},
    )
    assert resp.status == 200, resp.json()
    assert _bad(_rebuild(env, sid, env.image.id)) == message
    assert env.server(sid)["status"] == "ACTIVE"


def test_policy_after_the_lookup_in_every_release():
    upstream, seed = NovaEnv("upstream"), NovaEnv("seed")
    for env in (upstream, seed):
        sid = env.boot()
        missing = "11111111-2222-3333-4444-555555555555"
        resp = env.action(missing, {"rebuild": {"imageRef": env.image.id}}, user="demo-reader")
        assert _bad(resp, 404) == f"Instance {missing} could not be found."
        resp = env.action(sid, {"rebuild": {"imageRef": env.image.id}}, user="demo-reader")
        expected = 403 if env is upstream else 202  # Queens: admin_or_owner lets a reader in
        assert resp.status == expected, resp.json()
        if expected == 403:
            assert _bad(resp, 403) == (
                "Policy doesn't allow os_compute_api:servers:rebuild to be performed."
            )


def test_an_image_gone_before_the_compute_reads_it_is_only_a_fault(env: NovaEnv):
    """``rebuild_instance`` reads the image before ``_error_out_instance_on_exception``: the
    failure is a fault and the task state reverted, the server stays ACTIVE (its image_ref
    already the deleted image's, as the API set it)."""
    sid = env.boot()
    snap = _snapshot(env, sid)
    assert _rebuild(env, sid, snap).status == 202
    resp = env.cloud.request("image", "DELETE", f"/v2/images/{snap}", user="demo")
    assert resp.status == 204, resp.json()
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("ACTIVE", None)
    assert server["image"]["id"] == snap
    row = env.nova.db.fault_latest(sid)
    assert row.message == f"Image {snap} could not be found."
    errors = [
        e["event_type"]
        for e in env.cloud.trace.filter(kind="notification")
        if e.get("priority") == "ERROR"
    ]
    assert errors == ["rebuild_instance"]  # wrap_exception's; no rebuild.error before start
    assert _events(env, sid) == ("rebuild", [("compute_rebuild_instance", "Error")])


def test_a_failed_spawn_is_an_error_and_an_error_server_may_be_rebuilt(env: NovaEnv):
    sid = env.boot()
    assert _rebuild(env, sid, env.image.id, preserve_ephemeral=True).status == 202
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "ERROR"
    assert _events(env, sid) == ("rebuild", [("compute_rebuild_instance", "Error")])
    assert _rebuild(env, sid, env.image.id).status == 202
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "ACTIVE"


@pytest.mark.parametrize("after_s", [1, 4, 10])  # rebuilding, rebuild_spawning, done
def test_a_delete_during_the_rebuild_wins(env: NovaEnv, after_s):
    sid = env.boot()
    assert _rebuild(env, sid, env.image.id).status == 202
    env.cloud.run(until=env.cloud.now + after_s)
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    env.cloud.run_until_idle()
    resp = env.request("GET", f"/v2.1/servers/{sid}", user="admin")
    assert resp.status == 404
    assert not any(sid in m.driver.domains for m in env.nova.hosts.values())


def test_a_server_busy_with_a_snapshot_or_shelved_is_409(env: NovaEnv):
    sid = env.boot()
    assert env.create_image(sid).status == 202
    assert _bad(_rebuild(env, sid, env.image.id), 409) == (
        f"Cannot 'rebuild' instance {sid} while it is in task_state image_snapshot_pending"
    )
    env.cloud.run_until_idle()
    assert env.action(sid, {"shelve": None}).status == 202
    env.cloud.run_until_idle()
    state = env.server(sid)["OS-EXT-STS:vm_state"]
    assert _bad(_rebuild(env, sid, env.image.id), 409) == (
        f"Cannot 'rebuild' instance {sid} while it is in vm_state {state}"
    )


@pytest.mark.parametrize(
    ("entity", "microversion", "message"),
    [
        (
            {"imageRef": "not-a-uuid"},
            None,
            "Invalid input for field/attribute imageRef. Value: not-a-uuid. "
            "'not-a-uuid' is not a 'uuid'",
        ),
        (
            {"imageRef": "IMAGE", "accessIPv4": "1.2.3"},
            None,
            "Invalid input for field/attribute accessIPv4. Value: 1.2.3. '1.2.3' is not a 'ipv4'",
        ),
        (
            {"imageRef": "IMAGE", "key_name": "k"},
            "2.53",
            "Invalid input for field/attribute rebuild. Value: {'imageRef': 'IMAGE', "
            "'key_name': 'k'}. Additional properties are not allowed ('key_name' was "
            "unexpected)",
        ),
        (
            {"imageRef": "IMAGE", "hostname": "a"},
            "2.90",
            # Nova's ``hostname`` lists ``pattern`` before ``minLength``: that error first.
            "Invalid input for field/attribute hostname. Value: a. 'a' does not match "
            "'^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$'",
        ),
    ],
)
def test_bad_bodies_are_400(env: NovaEnv, entity, microversion, message):
    sid = env.boot()
    entity = {k: env.image.id if v == "IMAGE" else v for k, v in entity.items()}
    resp = env.action(sid, {"rebuild": entity}, microversion=microversion)
    assert _bad(resp) == message.replace("IMAGE", env.image.id)
    assert env.server(sid)["OS-EXT-STS:task_state"] is None


def test_trusted_certificates_are_refused_for_a_volume_backed_server(env: NovaEnv):
    sid = env.boot(bfv=True)
    resp = _rebuild(env, sid, env.image.id, "2.63", trusted_image_certificates=["cert-1"])
    assert _bad(resp) == "Image certificate validation is not supported for volume-backed servers."


def test_no_admin_pass_when_instance_passwords_are_off():
    env = NovaEnv(config={"nova": {"enable_instance_password": False}})
    sid = env.boot()
    resp = _rebuild(env, sid, env.image.id, adminPass="x")
    assert resp.status == 202, resp.json()
    assert "adminPass" not in resp.json()["server"]


@pytest.mark.parametrize(
    ("profile", "later"),
    [
        ("nova-22.0.0", ["accel_uuids"]),
        ("upstream", ["accel_uuids", "reimage_boot_volume", "target_state"]),
    ],
)
def test_the_error_notification_carries_the_call_arguments(profile, later):
    """``wrap_exception``'s legacy ``rebuild_instance`` error: ``getcallargs`` less self,
    context and ``new_pass`` (``_cleanse_dict``), nova 17.0.0-34.0.0 exception_wrapper.py;
    manager.py's signature gains ``accel_uuids`` in 22.0.0, ``reimage_boot_volume`` in 26.0.0,
    ``target_state`` in 27.0.0 (17.0.0-21.x: none of them). Objects (bdms, request_spec) are
    not modelled."""
    env = NovaEnv(profile)
    sid = env.boot()
    assert _rebuild(env, sid, env.image.id, preserve_ephemeral=True).status == 202
    env.cloud.run_until_idle()
    (error,) = [
        e
        for e in env.cloud.trace.filter(kind="notification")
        if e.get("event_type") == "rebuild_instance"
    ]
    args = error["args"]
    assert list(args) == [
        "instance",
        "orig_image_ref",
        "image_ref",
        "injected_files",
        "orig_sys_metadata",
        "recreate",
        "on_shared_storage",
        "preserve_ephemeral",
        "scheduled_node",
        *later,
    ]
    assert (args["instance"], args["image_ref"], args["orig_image_ref"]) == (
        sid,
        env.image.id,
        env.image.id,
    )
    assert (args["recreate"], args["preserve_ephemeral"], args["scheduled_node"]) == (
        False,
        True,
        None,
    )
    assert args.get("accel_uuids", []) == [] and args.get("target_state") is None


@pytest.mark.parametrize("profile", ["upstream", "nova-21.1.0"])
def test_a_volume_not_in_use_refuses_the_rebuild_from_22_0_0(profile: str):
    """``_check_volume_status`` (LP #1489304; 22.0.0, backports 19.3.2, 20.4.1, 21.1.1)."""
    env = NovaEnv(profile)
    sid = env.boot(bfv=True)
    (root,) = env.server(sid)["os-extended-volumes:volumes_attached"]
    reset = {"os-reset_status": {"status": "maintenance"}}
    path = f"/v3/{{project_id}}/volumes/{root['id']}/action"
    assert env.cloud.request("volumev3", "POST", path, reset, user="admin").status == 202
    resp = _rebuild(env, sid, env.image.id)
    if profile == "upstream":
        assert _bad(resp) == (
            f"Invalid volume: volume '{root['id']}' status must be 'in-use'. Currently in "
            "'maintenance' status"
        )
        assert (env.server(sid)["status"], env.server(sid)["OS-EXT-STS:task_state"]) == (
            "ACTIVE",
            None,
        )
    else:
        assert resp.status == 202, resp.json()
