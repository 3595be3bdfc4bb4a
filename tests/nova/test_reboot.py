"""The ``reboot`` server action: Nova's gates, task states, the compute's reboot and the guest.

Nova's ``ServersController._reboot`` → ``API.reboot`` (``_soft_reboot``/``_hard_reboot``) →
the ``reboot_instance`` cast → ``ComputeManager._reboot_instance`` → ``LibvirtDriver.reboot``.
"""

from __future__ import annotations

import pytest

from fakecloud.nova import states
from fakecloud.nova.virt.driver import WAIT_SOFT_REBOOT_S
from tests.nova.conftest import NovaEnv
from tests.nova.volume_backed_env import QGA, STRICT, BfvEnv


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


# -- a restart while the freeze is under way ---------------------------------------------------

#: A slow guest-fsfreeze-freeze (big filesystems): 5 s from the quiesce's delivery to the
#: frozen guest, room for a reboot, or a stop and a start, to land inside it (and for `vm`, as
#: slow a thaw).
_SLOW_FREEZE = {
    "nova": {"guest_agents": {"vm": {"freeze_s": 5.0, "thaw_s": 5.0}, "db": {"freeze_s": 5.0}}}
}
#: The freeze's failure as a restarted guest's agent gives it (libvirt's EOF on the channel).
_DISAPPEARED = (
    "[Error Code 86] Guest agent is not responding: Guest agent disappeared while executing command"
)


@pytest.fixture(scope="module")
def slow_freeze() -> tuple[BfvEnv, str, str]:
    """A world with two volume-backed servers whose freezes take 5 s: `vm` (the agent) and
    `db` (the agent and ``os_require_quiesce``)."""
    env = BfvEnv("upstream", _SLOW_FREEZE)
    return env, env.boot_bfv(name="vm", image=QGA), env.boot_bfv(name="db", image=STRICT, size=4)


def _restart(env: BfvEnv, sid: str, how: str) -> None:
    """Restart the guest of `sid` as a user (or the guest itself) would, `how`."""
    if how in ("SOFT", "HARD"):
        assert _reboot(env, sid, how).status == 202
    elif how == "stop-start":
        assert env.request("POST", f"/v2.1/servers/{sid}/action", {"os-stop": None}).status == 202
        while env.server(sid)["OS-EXT-STS:task_state"] is not None:
            env.cloud.advance(0.1)
        assert env.request("POST", f"/v2.1/servers/{sid}/action", {"os-start": None}).status == 202
    else:  # the guest crashes (libvirt's on_crash destroys it); its user reboots it hard
        env.nova.hosts["cmp-1"].guest_stopped(sid, crashed=True)
        assert _reboot(env, sid, "HARD").status == 202


def _in_the_freeze(env: BfvEnv, sid: str, how: str) -> dict:
    """createImage of `sid`, its guest restarted `how` while the freeze runs; its answer box."""
    box = env.spawn_request(
        env.cloud.now, "POST", f"/v2.1/servers/{sid}/action", {"createImage": {"name": "snap"}}
    )
    while not env.events("rpc.deliver", method="quiesce_instance"):
        env.cloud.advance(0.01)
    _restart(env, sid, how)
    env.cloud.run_until_idle()
    assert env.domain(sid).power_state == states.RUNNING  # up again before the freeze ended
    return box


@pytest.mark.parametrize("how", ["SOFT", "HARD", "stop-start", "crash-HARD"])
def test_a_guest_restarted_during_the_freeze_fails_it_and_boots_thawed(slow_freeze, how):
    """A restarted guest's qemu-ga starts thawed and closes the channel of the freeze in flight:
    libvirt fails it ("Guest agent disappeared while executing command", 86), Nova's
    ``_set_quiesced`` makes that InstanceQuiesceFailed (27.0.0 on), and ``snapshot_volume_backed``
    skips the quiesce (a NovaException) and snapshots unquiesced (nova 17.0.13, 27.5.1, 34.0.0
    ``compute/api.py``): no thaw cast, nothing frozen, no fault."""
    env, sid, _ = slow_freeze
    env = env.fork()
    box = _in_the_freeze(env, sid, how)
    assert box["response"].status == 202
    server = env.server(sid)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("ACTIVE", None)
    assert "fault" not in server
    assert env.images_named("snap")[0]["status"] == "active"
    (error,) = env.events("guest.agent_error", subject=sid)
    assert (error["command"], error["code"]) == ("guest-fsfreeze-freeze", 86)
    (skipped,) = [
        e["message"] for e in env.events("log", subject=sid)
        if e["message"].startswith("Skipping quiescing instance")
    ]  # fmt: skip
    assert f"quiescing {env.domain(sid).name}: {_DISAPPEARED}, libvirt cannot" in skipped
    assert env.events("guest.freeze", subject=sid) == []
    assert env.events("rpc.cast", method="unquiesce_instance") == []
    assert not env.domain(sid).frozen and env.domain(sid).frozen_intervals == ()
    held = ["no_frozen_guest", "no_long_freeze", "no_freeze_across_restart"]
    assert env.cloud.check_invariants(held) == []


def test_a_required_quiesce_restarted_mid_freeze_is_a_409(slow_freeze):
    """With ``os_require_quiesce`` the InstanceQuiesceFailed is raised to the user: 409, no
    volume snapshot, no image."""
    env, _, sid = slow_freeze
    env = env.fork()
    box = _in_the_freeze(env, sid, "SOFT")
    resp = box["response"]
    assert resp.status == 409
    message = resp.json()["conflictingRequest"]["message"]
    assert message.startswith("Failed to quiesce instance: Error from libvirt while quiescing")
    assert _DISAPPEARED in message
    assert env.volume_snapshots() == [] and env.images_named("snap") == []
    assert env.server(sid)["status"] == "ACTIVE" and not env.domain(sid).frozen


def test_a_guest_restarted_during_the_thaw_fails_it(slow_freeze):
    """The thaw in flight when the guest goes down fails as the freeze does (its qemu-ga closes
    the channel: libvirt's "Guest agent disappeared", 86; Nova's unquiesce_instance raises it to
    nobody, a cast); the guest is thawed by its restart, not by the thaw (no guest.thaw)."""
    env, sid, _ = slow_freeze
    env = env.fork()
    env.spawn_request(
        env.cloud.now, "POST", f"/v2.1/servers/{sid}/action", {"createImage": {"name": "snap"}}
    )
    while not (env.volume_snapshots() and env.volume_snapshots()[0]["status"] == "available"):
        env.cloud.advance(0.1)
    env.cloud.advance(2.0)  # the unquiesce's next poll found it: the 5 s thaw is under way
    assert env.events("rpc.deliver", method="unquiesce_instance") and env.domain(sid).frozen
    assert _reboot(env, sid, "HARD").status == 202
    env.cloud.run_until_idle()
    (error,) = env.events("guest.agent_error", subject=sid)
    assert (error["command"], error["code"]) == ("guest-fsfreeze-thaw", 86)
    assert env.events("guest.thaw", subject=sid) == []
    assert env.server(sid)["status"] == "ACTIVE" and not env.domain(sid).frozen
    assert env.cloud.check_invariants(["no_frozen_guest"]) == []
