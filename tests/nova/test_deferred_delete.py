"""Deferred delete (``[DEFAULT] reclaim_instance_interval``, config
``nova.reclaim_instance_interval_s``): a ``DELETE`` soft-deletes, ``restore`` and
``forceDelete`` act on the soft-deleted server, and the host's periodic
``_reclaim_queued_deletes`` deletes it once the interval has passed (nova 17.0.13, 20.6.0,
23.2.2, 27.5.1, 29.2.0, 34.0.0: ``api/openstack/compute/servers.py`` ``_delete``,
``deferred_delete.py``, ``compute/api.py`` ``soft_delete``/``restore``/``force_delete``/
``_delete``, ``compute/manager.py`` ``soft_delete_instance``/``restore_instance``/
``_reclaim_queued_deletes``, ``objects/instance.py`` ``_get_counts_in_db``)."""

from __future__ import annotations

import pytest

from fakecloud import Cloud
from tests.nova.conftest import TIMED, NovaEnv
from tests.tokens import revoke

INTERVAL = 300
DEFERRED = {"nova": {"reclaim_instance_interval_s": INTERVAL, "quota_instances": 3}}


def _booted(profile: str) -> tuple[NovaEnv, str, str]:
    env = NovaEnv(profile, DEFERRED)
    vm = env.boot(name="vm", wait=False)
    bfv = env.boot(name="bfv", bfv=True, wait=False)
    env.cloud.run_until_idle()
    return env, vm, bfv


@pytest.fixture(scope="module")
def worlds() -> dict:
    return {}


@pytest.fixture
def world(worlds, request):
    """A fork of a booted world per profile: an image-backed server and a volume-backed one
    (its root volume deleted on termination)."""
    profile = getattr(request, "param", "upstream")
    if profile not in worlds:
        worlds[profile] = _booted(profile)
    env, vm, bfv = worlds[profile]
    twin = env.fork()
    return twin, vm, bfv


def _delete(env: NovaEnv, sid: str) -> None:
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    env.cloud.run_until_idle()


def _listed(env: NovaEnv, query: str = "", user: str = "demo") -> list[str]:
    return [
        s["name"] for s in env.request("GET", f"/v2.1/servers{query}", user=user).json()["servers"]
    ]


def test_delete_soft_deletes_and_restore_brings_the_server_back(world):
    env, vm, _ = world
    _delete(env, vm)
    server = env.server(vm)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("SOFT_DELETED", None)
    assert (server["OS-EXT-STS:vm_state"], server["OS-EXT-STS:power_state"]) == ("soft-delete", 4)
    # Out of the default list (``deleted`` False keeps soft-deleted rows out), an admin's
    # ``deleted=true`` has it; it no longer counts against the quota.
    assert _listed(env) == ["bfv"]
    assert _listed(env, "?deleted=true&all_tenants=1", user="admin") == ["vm"]
    # status=SOFT_DELETED still has deleted false: nothing; an admin's soft_deleted=true has it.
    assert _listed(env, "?status=SOFT_DELETED") == []
    assert _listed(env, "?status=SOFT_DELETED&soft_deleted=true&all_tenants=1", "admin") == ["vm"]
    absolute = env.request("GET", "/v2.1/limits").json()["limits"]["absolute"]
    assert absolute["totalInstancesUsed"] == 1
    assert env.states(vm, "vm_state")[-1:] == ["soft-delete"]
    events = [
        (e["event"], e["phase"]) for e in env.cloud.trace.filter(kind="nova.event", subject=vm)
    ]
    assert events[-2:] == [
        ("compute_soft_delete_instance", "start"),
        ("compute_soft_delete_instance", "finish"),
    ]

    assert env.action(vm, {"restore": None}).status == 202
    assert env.server(vm)["OS-EXT-STS:task_state"] == "restoring"
    env.cloud.run_until_idle()
    server = env.server(vm)
    assert (server["status"], server["OS-EXT-STS:power_state"]) == ("ACTIVE", 1)
    actions = env.request("GET", f"/v2.1/servers/{vm}/os-instance-actions").json()
    assert [a["action"] for a in actions["instanceActions"]][:2] == ["restore", "delete"]
    again = env.action(vm, {"restore": None})
    assert (again.status, again.json()["conflictingRequest"]["message"]) == (
        409,
        f"Cannot 'restore' instance {vm} while it is in vm_state active",
    )


@pytest.mark.parametrize(
    ("world", "versioned"),
    [
        # 17.0.13: the versioned end inside the block, before the legacy one.
        ("seed", ["soft_delete.start", "soft_delete.end"]),
        ("nova-20.6.0", []),  # notification_format unversioned from 20.0.0
    ],
    indirect=["world"],
)
def test_soft_delete_notifications_by_release(world, versioned):
    env, vm, _ = world
    _delete(env, vm)
    sent = [
        (e["format"], e["event_type"].split("instance.")[1])
        for e in env.cloud.trace.filter(kind="notification")
        if "soft_delete" in e["event_type"]
    ]
    legacy = [("unversioned", "soft_delete.start"), ("unversioned", "soft_delete.end")]
    if versioned:
        assert sent == [legacy[0], *(("versioned", v) for v in versioned), legacy[1]]
    else:
        assert sent == legacy


def test_restore_checks_the_quota_and_the_lock(world):
    env, vm, _ = world
    _delete(env, vm)
    env.boot(name="c", wait=False)
    env.boot(name="d", wait=False)
    env.cloud.run_until_idle()
    over = env.action(vm, {"restore": None})
    assert (over.status, over.json()["forbidden"]["message"]) == (
        403,
        "Quota exceeded for instances: Requested 1, but already used 3 of 3 instances",
    )
    assert env.action(vm, {"lock": None}).status == 202
    # InstanceIsLocked is an InstanceInvalidState without a state: Nova's fallback text.
    locked = env.action(vm, {"restore": None})
    assert (locked.status, locked.json()["conflictingRequest"]["message"]) == (
        409,
        f"Instance {vm} is in an invalid state for 'restore'",
    )


def test_force_delete_deletes_a_soft_deleted_server_and_its_volume(world):
    env, _, bfv = world
    root = env.nova.db.bdms_by_instance(bfv)[0].volume_id
    _delete(env, bfv)
    assert env.cloud.cinder.store.volumes[root].status == "in-use"  # kept while soft-deleted
    assert env.action(bfv, {"forceDelete": None}).status == 202
    env.cloud.run_until_idle()
    assert env.request("GET", f"/v2.1/servers/{bfv}").status == 404
    assert root not in env.cloud.cinder.store.volumes or (
        env.cloud.cinder.store.volumes[root].status == "deleted"
    )


def test_force_delete_deletes_any_server_and_refuses_a_locked_one(world):
    env, vm, bfv = world
    assert env.action(vm, {"lock": None}).status == 202
    locked = env.action(vm, {"forceDelete": None})
    assert (locked.status, locked.json()["conflictingRequest"]["message"]) == (
        409,
        f"Instance {vm} is locked",
    )
    assert env.action(bfv, {"forceDelete": None}).status == 202  # active: deleted at once
    env.cloud.run_until_idle()
    assert env.request("GET", f"/v2.1/servers/{bfv}").status == 404


def test_the_periodic_reclaim_deletes_after_the_interval(world):
    env, vm, bfv = world
    _delete(env, vm)
    deleted_at = env.kernel.now
    env.cloud.advance(INTERVAL - 60)
    assert env.server(vm)["status"] == "SOFT_DELETED"
    env.cloud.advance(120)
    assert env.request("GET", f"/v2.1/servers/{vm}").status == 404
    reclaimed = env.cloud.trace.filter(
        kind="log", subject=vm, message="Reclaiming deleted instance"
    )
    # The first whole-minute tick more than the interval after the soft delete.
    assert [e["t"] for e in reclaimed] == [(int((deleted_at + INTERVAL) // 60) + 1) * 60]
    # No instance action or event of its own (``_delete_instance`` is called directly).
    actions = env.request("GET", f"/v2.1/servers/{vm}/os-instance-actions", user="admin")
    assert actions.status == 404
    assert env.server(bfv)["status"] == "ACTIVE"


def test_the_reclaim_reaches_cinder_with_the_cinder_plugin_s_own_token(world):
    """The reclaim's context is ``get_admin_context()``: its requests to Cinder authenticate
    with the compute's ``[cinder]`` password plugin (nova ``volume/cinder.py`` ``_ADMIN_AUTH``,
    from 33.0.0 ``service_auth._AUTHS['cinder']``), a plugin apart from its
    ``[service_user]`` one: a token of its own, asked at the first such request, the service
    token the host already held going beside it. fakecloud's ``[cinder]`` user sent the
    service token twice."""
    env, _, bfv = world
    host = f"nova-compute:{env.nova.db.instances[bfv].host}"
    keystone = env.cloud.keystone
    serving = keystone.held_token("nova", host)
    _delete(env, bfv)
    mark = len(env.cloud.trace)
    env.cloud.advance(INTERVAL + 60)
    assert env.request("GET", f"/v2.1/servers/{bfv}").status == 404
    issued = [e["t"] for e in env.cloud.trace[mark:] if e["kind"] == "identity.token_issued"]
    cinder, *_ = [e for e in env.cloud.trace[mark:] if e.get("call") == "attachment_delete"]
    assert issued == [cinder["t"]]
    own = keystone.held_token("nova", host + "[cinder]")
    assert own.issued_at == cinder["t"]
    assert keystone.held_token("nova", host) is serving


def test_cinder_s_401_to_a_reclaim_drops_both_plugins_tokens_and_sends_again(world):
    """A 401 to a ``get_admin_context()`` request: ``ServiceTokenAuthWrapper.invalidate``
    asks both plugins, the ``[cinder]`` one drops its token too (keystoneauth1
    ``service_token.py``), and the request goes again, once, with a new token of each."""
    env, _, bfv = world
    compute = env.nova.db.instances[bfv].host
    volume = {
        "boot_index": 0,
        "uuid": env.image.id,
        "source_type": "image",
        "destination_type": "volume",
        "volume_size": 1,
        "delete_on_termination": True,
    }
    body = {"server": {"name": "bfv2", "flavorRef": "1", "networks": "none", "imageRef": "",
                       "block_device_mapping_v2": [volume],
                       "availability_zone": f"nova:{compute}"}}  # fmt: skip
    made = env.request("POST", "/v2.1/servers", body, user="admin", microversion="2.45")
    other = made.json()["server"]["id"]
    env.cloud.run_until_idle()
    assert env.nova.db.instances[other].host == compute
    host = f"nova-compute:{compute}"
    keystone = env.cloud.keystone
    _delete(env, bfv)
    env.cloud.advance(INTERVAL + 60)  # reclaimed: the [cinder] plugin holds its token
    own, serving = keystone.held_token("nova", host + "[cinder]"), keystone.held_token("nova", host)
    revoke(env.cloud, own.id)
    env.cloud.advance(301)  # past cinder-api's cache entries (300 s)
    assert env.request("DELETE", f"/v2.1/servers/{other}", user="admin").status == 204
    mark = len(env.cloud.trace)
    env.cloud.advance(INTERVAL + 60)
    assert env.request("GET", f"/v2.1/servers/{other}", user="admin").status == 404
    answered = [
        (e["call"], e["status"])
        for e in env.cloud.trace[mark:]
        if e["kind"] == "http.response" and e.get("callee") == "cinder-api"
    ]
    assert answered[:2] == [("attachment_delete", 401), ("attachment_delete", 200)]
    assert keystone.held_token("nova", host + "[cinder]") not in (None, own)
    assert keystone.held_token("nova", host) not in (None, serving)


def test_a_down_compute_reclaims_nothing_until_it_is_up(world):
    env, vm, _ = world
    _delete(env, vm)
    host = env.server(vm)["OS-EXT-SRV-ATTR:host"]
    env.kernel.rpc.set_up(f"compute.{host}", False)
    env.cloud.advance(INTERVAL + 120)
    assert env.server(vm)["status"] == "SOFT_DELETED"
    env.kernel.rpc.set_up(f"compute.{host}", True)
    env.cloud.advance(60)
    assert env.request("GET", f"/v2.1/servers/{vm}").status == 404


def test_a_pending_reclaim_survives_save_and_fork(world, tmp_path):
    env, vm, _ = world
    _delete(env, vm)
    twin = env.cloud.fork()
    env.cloud.save(tmp_path / "soft.json")
    loaded = Cloud.load(tmp_path / "soft.json")
    for cloud in (twin, loaded, env.cloud):
        cloud.advance(INTERVAL + 60)
    assert twin.trace.to_jsonl() == loaded.trace.to_jsonl() == env.cloud.trace.to_jsonl()
    assert twin.request("compute", "GET", f"/v2.1/servers/{vm}").status == 404


def test_a_negative_interval_soft_deletes_never_reclaims_and_skips_unlaunched_servers():
    """``if CONF.reclaim_instance_interval``: -1 soft-deletes too; the periodic task skips
    an interval <= 0. A server that never launched is deleted at once (``soft_delete``'s
    ``must_have_launched``, then ``delete``)."""
    env = NovaEnv("upstream", {"nova": {"reclaim_instance_interval_s": -1}})
    sid = env.boot()
    building = env.boot(name="building", wait=False)
    assert env.request("DELETE", f"/v2.1/servers/{building}").status == 204
    _delete(env, sid)
    assert env.request("GET", f"/v2.1/servers/{building}").status == 404
    assert "soft-delete" not in env.states(building, "vm_state")
    env.cloud.advance(3600)
    assert env.server(sid)["status"] == "SOFT_DELETED"


def test_actions_with_a_vm_state_check_refuse_a_soft_deleted_server(world):
    env, vm, _ = world
    _delete(env, vm)
    for action, body in (
        ("createImage", {"createImage": {"name": "snap"}}),
        ("createBackup", {"createBackup": {"name": "b", "backup_type": "daily", "rotation": 1}}),
        ("shelve", {"shelve": None}),
        ("stop", {"os-stop": None}),
    ):
        r = env.action(vm, body)
        assert (r.status, r.json()["conflictingRequest"]["message"]) == (
            409,
            f"Cannot '{action}' instance {vm} while it is in vm_state soft-delete",
        )


def test_a_shelved_server_loses_its_image_and_an_offloaded_one_is_deleted_at_once():
    env = NovaEnv("upstream", {"nova": {**DEFERRED["nova"], "shelved_offload_time_s": -1}})
    kept, offloaded = env.boot(name="kept", wait=False), env.boot(name="gone", wait=False)
    env.cloud.run_until_idle()
    for sid in (kept, offloaded):
        assert env.action(sid, {"shelve": None}).status == 202
    env.cloud.run_until_idle()
    assert env.action(offloaded, {"shelveOffload": None}, user="admin").status == 202
    env.cloud.run_until_idle()
    images = {
        s: env.nova.db.instance_row(s).system_metadata["shelved_image_id"]
        for s in (kept, offloaded)
    }
    _delete(env, kept)
    _delete(env, offloaded)
    # No host: a local delete, soft-deleted then destroyed at once (``_do_soft_delete(local)``).
    assert env.request("GET", f"/v2.1/servers/{offloaded}").status == 404
    assert env.states(offloaded, "vm_state")[-2:] == ["soft-delete", "deleted"]
    assert env.server(kept)["status"] == "SOFT_DELETED"
    assert all(env.glance_image(i) is None for i in images.values())
    assert env.action(kept, {"restore": None}).status == 202
    env.cloud.run_until_idle()
    assert env.server(kept)["status"] == "ACTIVE"


@pytest.mark.parametrize(
    ("rules", "profile", "status"),
    [
        ({"os_compute_api:os-deferred-delete": "!"}, "seed", 403),  # one rule until 21.0.0
        ({"os_compute_api:os-deferred-delete:restore": "!"}, "upstream", 403),
    ],
)
def test_restore_policy_by_release(rules, profile, status):
    env = NovaEnv(profile, {"nova": {**DEFERRED["nova"], "policy": rules}})
    sid = env.boot()
    _delete(env, sid)
    assert env.action(sid, {"restore": None}).status == status


def test_a_compute_restart_during_the_soft_delete_leaves_it_soft_deleting(world):
    """``_init_instance`` has no branch for ``soft-deleting`` (17.0.13-34.0.0): the server
    stays so, and a DELETE or forceDelete is ignored ('already in deleting state')."""
    env, vm, _ = world
    host = env.server(vm)["OS-EXT-SRV-ATTR:host"]
    assert env.request("DELETE", f"/v2.1/servers/{vm}").status == 204
    env.cloud.advance(0.5)  # the guest is being powered off
    env.nova.restart_compute(host)
    env.cloud.run_until_idle()
    stuck = env.server(vm)
    assert (stuck["status"], stuck["OS-EXT-STS:task_state"]) == ("ACTIVE", "soft-deleting")
    assert env.request("DELETE", f"/v2.1/servers/{vm}").status == 204
    assert env.action(vm, {"forceDelete": None}).status == 202
    env.cloud.run_until_idle()
    assert env.server(vm)["OS-EXT-STS:task_state"] == "deleting"
    assert env.action(vm, {"os-resetState": {"state": "active"}}, user="admin").status == 202
    _delete(env, vm)
    assert env.server(vm)["status"] == "SOFT_DELETED"


def test_a_restart_finishes_a_delete_it_cut_short(world):
    """``_init_instance``'s ``deleting`` branch (17.0.13-34.0.0): 'Restarting the deletion
    now', before the host takes messages. A forceDelete (any interval) cut short likewise."""
    env, vm, bfv = world
    host = env.server(vm)["OS-EXT-SRV-ATTR:host"]
    assert env.action(vm, {"forceDelete": None}).status == 202
    env.cloud.advance(1.0)  # terminate_instance is destroying the guest
    env.nova.restart_compute(host)
    env.cloud.run_until_idle()
    assert env.request("GET", f"/v2.1/servers/{vm}").status == 404
    assert env.cloud.trace.filter(
        kind="log",
        subject=vm,
        message="Service started deleting the instance during the previous run, but did not "
        "finish. Restarting the deletion now.",
    )
    assert env.server(bfv)["status"] == "ACTIVE"


@pytest.fixture(scope="module")
def timed_world():
    """The TIMED world's 1 GB "big" server, deferred delete on: a live createImage's mirror
    runs to t0+10 s, its upload to t0+18 s."""
    env = NovaEnv("upstream", {**TIMED, "nova": {**TIMED["nova"], **DEFERRED["nova"]}})
    big = next(i for i in env.images if i.name == "big")
    return env, env.boot(image=big)


@pytest.mark.parametrize(
    ("at", "log"),
    [
        # The hard power-off ends the mirror (a transient domain destroyed): the snapshot
        # sees the instance gone and deletes its queued image.
        (3.0, "Instance disappeared during snapshot"),
        # During the upload: the upload ends, then the last save (expected image_uploading)
        # fails and delete_image_on_error deletes the uploaded image.
        (15.0, "Failed to snapshot image"),
    ],
)
def test_a_delete_during_createimage_loses_the_image_and_restore_works(timed_world, at, log):
    base, sid = timed_world
    env = object.__new__(NovaEnv)
    env.cloud = base.cloud.fork()
    env.kernel, env.nova = env.cloud.kernel, env.cloud.nova
    t0 = env.kernel.now
    image_id = env.create_image(sid).json()["image_id"]
    env.spawn_request(t0 + at, "DELETE", f"/v2.1/servers/{sid}")
    restore = env.spawn_request(
        t0 + at + 1.5, "POST", f"/v2.1/servers/{sid}/action", {"restore": None}
    )
    env.cloud.run_until_idle()
    assert env.glance_image(image_id) is None
    assert env.cloud.trace.filter(kind="log", subject=sid, message=log)
    assert restore["response"].status == 202
    assert env.server(sid)["status"] == "ACTIVE"


def test_a_soft_delete_during_a_resize_leaves_the_server_in_error(world):
    """The resize's next save (``resize_instance``: expected ``resize_migrating``) meets the
    soft delete's task state: a plain `UnexpectedTaskStateError` (not the deleting one), so
    ``_error_out_instance_on_exception`` sets ERROR, with the destination as host (the
    object's host was set before the failed save); a DELETE then soft-deletes it."""
    env, vm, _ = world
    t0 = env.kernel.now
    assert env.action(vm, {"resize": {"flavorRef": "2"}}).status == 202
    env.spawn_request(t0 + 0.5, "DELETE", f"/v2.1/servers/{vm}")
    env.cloud.run_until_idle()
    assert env.states(vm, "vm_state")[-2:] == ["soft-delete", "error"]
    assert env.server(vm)["OS-EXT-SRV-ATTR:host"] == "cmp-2"
    _delete(env, vm)
    assert env.server(vm)["status"] == "SOFT_DELETED"


def test_a_stop_of_a_guest_already_off_overwrites_the_soft_delete_it_raced(world):
    """``do_stop_instance`` accepts no task state when the guest is off already, and
    ``soft_delete_instance`` takes no lock: the soft delete ends first, the stop then saves
    ``stopped`` over it (the server escapes the reclaim)."""
    env, vm, _ = world
    env.cloud.nova.hosts[env.cloud.nova.db.instances[vm].host].guest_stopped(vm)
    assert env.request("POST", f"/v2.1/servers/{vm}/action", {"os-stop": None}).status == 202
    _delete(env, vm)
    server = env.server(vm)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("SHUTOFF", None)
    assert env.states(vm, "vm_state")[-2:] == ["soft-delete", "stopped"]


def test_a_compute_restart_during_the_restore_leaves_it_restoring(world):
    """``_init_instance`` returns at once for a ``soft-delete`` server: one whose restore the
    restart cut short stays ``restoring``, which the reclaim skips (it wants no task); a
    DELETE soft-deletes it again, and a restore then works."""
    env, vm, _ = world
    host = env.server(vm)["OS-EXT-SRV-ATTR:host"]
    _delete(env, vm)
    assert env.action(vm, {"restore": None}).status == 202
    env.cloud.advance(0.5)  # the guest is being powered on
    env.nova.restart_compute(host)
    env.cloud.advance(INTERVAL + 120)
    stuck = env.server(vm)
    assert (stuck["status"], stuck["OS-EXT-STS:task_state"]) == ("SOFT_DELETED", "restoring")
    _delete(env, vm)
    assert env.action(vm, {"restore": None}).status == 202
    env.cloud.run_until_idle()
    assert env.server(vm)["status"] == "ACTIVE"


def test_a_terminate_queued_across_the_restart_finds_the_server_gone(world):
    """The restart's ``deleting`` branch deletes first; the queued ``terminate_instance``
    then meets `InstanceNotFound`, which ``do_terminate_instance`` catches ('Instance
    disappeared during terminate'): its event succeeds (17.0.13-34.0.0)."""
    env, vm, _ = world
    host = env.server(vm)["OS-EXT-SRV-ATTR:host"]
    assert env.action(vm, {"forceDelete": None}).status == 202
    env.nova.restart_compute(host)  # before the cast is delivered
    env.cloud.run_until_idle()
    assert env.cloud.trace.filter(
        kind="log", subject=vm, message="Instance disappeared during terminate"
    )
    events = env.cloud.trace.filter(
        kind="nova.event", subject=vm, event="compute_terminate_instance"
    )
    assert [e.get("result") for e in events] == [None, "Success"]
