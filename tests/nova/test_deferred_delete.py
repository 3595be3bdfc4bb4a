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

from tests.nova.conftest import NovaEnv

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
    twin = object.__new__(NovaEnv)
    twin.cloud = env.cloud.fork()
    twin.kernel, twin.nova, twin.images, twin.image = (
        twin.cloud.kernel, twin.cloud.nova, env.images, env.image,
    )  # fmt: skip
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


def test_a_pending_reclaim_survives_save_and_fork(world):
    env, vm, _ = world
    _delete(env, vm)
    twin = env.cloud.fork()
    twin.advance(INTERVAL + 60)
    env.cloud.advance(INTERVAL + 60)
    assert twin.trace.to_jsonl() == env.cloud.trace.to_jsonl()
    assert twin.request("compute", "GET", f"/v2.1/servers/{vm}").status == 404


def test_a_server_never_launched_is_deleted_at_once():
    env = NovaEnv("upstream", DEFERRED)
    sid = env.boot(wait=False)
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    env.cloud.run_until_idle()
    assert env.request("GET", f"/v2.1/servers/{sid}").status == 404
    assert "soft-delete" not in env.states(sid, "vm_state")


def test_a_negative_interval_soft_deletes_and_never_reclaims():
    env = NovaEnv("upstream", {"nova": {"reclaim_instance_interval_s": -1}})
    sid = env.boot()
    _delete(env, sid)
    env.cloud.advance(3600)
    assert env.server(sid)["status"] == "SOFT_DELETED"
