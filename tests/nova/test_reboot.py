"""The ``reboot`` server action: Nova's gates, task states, the compute's reboot and the guest.

Nova's ``ServersController._reboot`` → ``API.reboot`` (``_soft_reboot``/``_hard_reboot``) →
the ``reboot_instance`` cast → ``ComputeManager._reboot_instance`` → ``LibvirtDriver.reboot``.
"""

from __future__ import annotations

import pytest

from fakecloud.nova import states
from fakecloud.nova.virt.driver import WAIT_SOFT_REBOOT_S
from tests.nova.conftest import NovaEnv
from tests.nova.volume_backed_env import QGA, BfvEnv


def _reboot(env: NovaEnv, sid: str, kind: str = "SOFT", **kw):
    return env.action(sid, {"reboot": {"type": kind}}, **kw)


def _conflict(resp) -> str:
    assert resp.status == 409, resp.json()
    return resp.json()["conflictingRequest"]["message"]


def _events(env: NovaEnv, sid: str) -> list[tuple[str, str | None]]:
    """(event, result) of the server's newest action, as an admin reads them."""
    resp = env.request("GET", f"/v2.1/servers/{sid}/os-instance-actions", user="admin")
    newest = resp.json()["instanceActions"][0]
    req = newest["request_id"]
    resp = env.request(
        "GET", f"/v2.1/servers/{sid}/os-instance-actions/{req}", user="admin", microversion="2.51"
    )
    action = resp.json()["instanceAction"]
    return action["action"], [(e["event"], e["result"]) for e in action["events"]]


@pytest.mark.parametrize("kind", ["SOFT", "soft", "Hard", "HARD"])
def test_reboot_of_an_active_server(any_env: NovaEnv, kind):
    sid = any_env.boot()
    resp = _reboot(any_env, sid, kind)
    assert resp.status == 202
    assert resp.body in (b"", None)
    hard = kind.upper() == "HARD"
    server = any_env.server(sid)
    assert server["status"] == ("HARD_REBOOT" if hard else "REBOOT")
    assert server["OS-EXT-STS:task_state"] == ("rebooting_hard" if hard else "rebooting")
    any_env.cloud.run_until_idle()
    server = any_env.server(sid)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("ACTIVE", None)
    assert server["OS-EXT-STS:power_state"] == states.RUNNING
    suffix = "_hard" if hard else ""
    assert any_env.states(sid)[-4:] == [
        f"rebooting{suffix}",
        f"reboot_pending{suffix}",
        f"reboot_started{suffix}",
        None,
    ]
    # The guest went down and came back.
    powers = [
        e["new"]
        for e in any_env.cloud.trace.filter(kind="state", subject=sid)
        if e.get("machine") == "libvirt.domain.power_state"
    ]
    assert powers[-2:] == [states.SHUTDOWN, states.RUNNING]
    assert _events(any_env, sid) == ("reboot", [("compute_reboot_instance", "Success")])


@pytest.mark.parametrize(
    ("setup", "vm_state"),
    [("os-stop", "stopped"), ("pause", "paused"), ("suspend", "suspended")],
)
def test_hard_reboot_brings_back_what_soft_refuses(env: NovaEnv, setup, vm_state):
    sid = env.boot()
    assert env.action(sid, {setup: None}).status == 202
    env.cloud.run_until_idle()
    assert _conflict(_reboot(env, sid, "SOFT")) == (
        f"Cannot 'reboot' instance {sid} while it is in vm_state {vm_state}"
    )
    assert _reboot(env, sid, "HARD").status == 202
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert (server["status"], server["OS-EXT-STS:power_state"]) == ("ACTIVE", states.RUNNING)


def test_hard_reboot_of_an_errored_server(env: NovaEnv):
    sid = env.boot()
    env.nova.force_state(sid, vm_state=states.ERROR)
    assert _conflict(_reboot(env, sid)) == (
        f"Cannot 'reboot' instance {sid} while it is in vm_state error"
    )
    assert _reboot(env, sid, "HARD").status == 202
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "ACTIVE"


def test_hard_reboot_overtakes_a_soft_one_and_the_soft_cast_stands_down(env: NovaEnv):
    sid = env.boot()
    assert _reboot(env, sid, "SOFT").status == 202
    assert _conflict(_reboot(env, sid, "SOFT")) == (
        f"Cannot 'reboot' instance {sid} while it is in task_state rebooting"
    )
    assert _reboot(env, sid, "HARD").status == 202
    assert env.server(sid)["status"] == "HARD_REBOOT"
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "ACTIVE"
    # The soft cast found a hard reboot under way: preempted, it leaves the task state be.
    assert env.states(sid)[-5:] == [
        "rebooting",
        "rebooting_hard",
        "reboot_pending_hard",
        "reboot_started_hard",
        None,
    ]


@pytest.mark.parametrize("task_state", [states.IMAGE_UPLOADING, states.POWERING_OFF])
def test_a_busy_server_refuses_both(env: NovaEnv, task_state):
    sid = env.boot()
    env.nova.force_state(sid, task_state=task_state)
    for kind in ("SOFT", "HARD"):
        assert _conflict(_reboot(env, sid, kind)) == (
            f"Cannot 'reboot' instance {sid} while it is in task_state {task_state}"
        )


def test_a_locked_server_refuses_its_owner(env: NovaEnv):
    sid = env.boot()
    assert env.action(sid, {"lock": None}, user="admin").status == 202
    assert _conflict(_reboot(env, sid)) == f"Instance {sid} is locked"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"reboot": {"type": "WARM"}},
            "Invalid input for field/attribute type. Value: WARM. 'WARM' is not one of "
            "['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']",
        ),
        (
            {"reboot": {}},
            "Invalid input for field/attribute reboot. Value: {}. 'type' is a required property",
        ),
        (
            {"reboot": None},
            "Invalid input for field/attribute reboot. Value: None. None is not of type 'object'",
        ),
    ],
)
def test_bad_bodies_are_400(env: NovaEnv, body, message):
    sid = env.boot()
    resp = env.action(sid, body)
    assert resp.status == 400
    assert resp.json()["badRequest"]["message"] == message
    assert env.server(sid)["OS-EXT-STS:task_state"] is None


def test_policy_and_lookup_order_by_release():
    upstream, seed = NovaEnv("upstream"), NovaEnv("seed")
    for env in (upstream, seed):
        sid = env.boot()
        missing = "00000000-0000-0000-0000-000000000000"
        assert _reboot(env, missing).status == 404
        resp = _reboot(env, sid, user="demo-reader")
        expected = 403 if env is upstream else 202  # Queens: admin_or_owner lets a reader in
        assert resp.status == expected, resp.json()
        if expected == 403:
            assert resp.json()["forbidden"]["message"] == (
                "Policy doesn't allow os_compute_api:servers:reboot to be performed."
            )


def test_a_soft_reboot_of_a_guest_that_is_not_running_ends_hard(env: NovaEnv):
    sid = env.boot()
    manager = next(m for m in env.nova.hosts.values() if sid in m.driver.domains)
    manager.driver.domains[sid].power_state = states.SHUTDOWN  # the guest crashed quietly
    start = env.cloud.now
    assert _reboot(env, sid).status == 202
    env.cloud.run_until_idle()
    assert env.cloud.now - start >= WAIT_SOFT_REBOOT_S
    assert env.server(sid)["OS-EXT-STS:power_state"] == states.RUNNING
    logs = [e["message"] for e in env.cloud.trace.filter(kind="log", subject=sid)]
    assert "Failed to soft reboot instance. Trying hard reboot." in logs


def _frozen_by_a_snapshot(env: BfvEnv):
    """A volume-backed server with the guest agent, its createImage under way and the clock
    stopped just after the guest froze: its id, the createImage's answer box, its guest."""
    sid = env.boot_bfv(image=QGA)
    box = env.spawn_request(
        env.cloud.now, "POST", f"/v2.1/servers/{sid}/action", {"createImage": {"name": "snap"}}
    )
    dom = env.domain(sid)
    while not dom.frozen:
        env.cloud.advance(0.001)
    return sid, box, dom


def test_a_reboot_during_a_quiesced_snapshot_thaws_the_guest():
    """A volume-backed createImage sets no task_state, so a reboot may land while the guest is
    frozen: the guest's OS restarts, its filesystems come back thawed, and the snapshot's own
    thaw later finds nothing to do."""
    env = BfvEnv("upstream")
    sid, box, dom = _frozen_by_a_snapshot(env)
    assert _reboot(env, sid, "HARD").status == 202
    env.cloud.run_until_idle()
    assert box["response"].status == 202
    assert not dom.frozen
    ((frozen_at, thawed_at),) = dom.frozen_intervals
    assert thawed_at is not None and thawed_at > frozen_at
    # The guest went down at the reboot, before the snapshot's thaw reached the agent.
    down = env.t("state", subject=sid, machine="libvirt.guest.fsfreeze", new="thawed")
    assert down == pytest.approx(thawed_at)
    assert not env.events("guest.thaw", subject=sid)
    assert env.server(sid)["status"] == "ACTIVE"
    image = env.images_named("snap")[0]
    assert image["status"] == "active"


def test_a_stop_during_a_quiesced_snapshot_thaws_the_guest():
    """A stop may land in the same window: the guest's OS goes down with its filesystems frozen,
    so nothing of it stays frozen (a start is a hard reboot in nova 17.0.13-34.0.0's libvirt
    driver: the guest boots afresh) and the server starts thawed. A copying backend keeps the
    guest frozen ~10 s, so the stop's power-off lands inside the freeze."""
    backends = {"store": {"kind": "copy", "throughput_mb_per_s": 100}}
    cinder = {"backends": backends, "volume_types": {"__DEFAULT__": {"backend": "store"}}}
    env = BfvEnv("upstream", config={"cinder": cinder})
    sid, box, dom = _frozen_by_a_snapshot(env)
    assert env.request("POST", f"/v2.1/servers/{sid}/action", {"os-stop": None}).status == 202
    env.cloud.run_until_idle()
    assert box["response"].status == 202
    assert env.server(sid)["status"] == "SHUTOFF" and not dom.frozen
    off = env.t("state", subject=sid, machine="libvirt.domain.power_state", new=states.SHUTDOWN)
    assert env.t("state", subject=sid, machine="libvirt.guest.fsfreeze", new="thawed") == off
    assert env.request("POST", f"/v2.1/servers/{sid}/action", {"os-start": None}).status == 202
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "ACTIVE" and not env.domain(sid).frozen
    assert env.cloud.check_invariants(["no_frozen_guest"]) == []
