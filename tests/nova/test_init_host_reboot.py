"""A compute restart and an interrupted reboot: ``ComputeManager._init_instance``'s reboot
branch and ``_retry_reboot`` (nova/compute/manager.py, the same from 17.0.0 to 34.0.0). A reboot
whose guest is down when nova-compute comes back is done again, hard, before the host takes
messages; a reboot state over a guest that runs is cleared, and a reboot still queued for the
host then finds its task state gone (UnexpectedTaskStateError: nothing happens)."""

from __future__ import annotations

from fakecloud.nova import states
from tests.nova.conftest import NovaEnv


def _reboot(env: NovaEnv, sid: str, kind: str) -> None:
    assert env.action(sid, {"reboot": {"type": kind}}).status == 202


def _task_states(env: NovaEnv, sid: str, since: float) -> list:
    return [
        e["new"]
        for e in env.cloud.trace.filter(kind="state", subject=sid)
        if e.get("field") == "task_state" and e["t"] >= since
    ]


def test_a_hard_reboot_cut_while_the_guest_is_down_is_retried_at_start_up(env: NovaEnv):
    sid = env.boot()
    _reboot(env, sid, "HARD")
    env.cloud.advance(0.5)  # the guest destroyed, not yet created again (1 s)
    assert env.server(sid)["OS-EXT-STS:task_state"] == states.REBOOT_STARTED_HARD
    assert env.server(sid)["OS-EXT-STS:power_state"] == states.RUNNING  # the row's, as saved
    restarted_at = env.cloud.now
    env.nova.restart_compute("cmp-1", down_s=10.0)
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("ACTIVE", None)
    assert server["OS-EXT-STS:power_state"] == states.RUNNING
    assert _task_states(env, sid, restarted_at) == [
        states.REBOOT_PENDING_HARD, states.REBOOT_STARTED_HARD, None,
    ]  # fmt: skip
    up = env.cloud.trace.first(kind="nova.compute", phase="init_host")
    assert up["t"] == restarted_at + 10.0


def test_a_soft_reboot_cut_while_the_guest_is_down_becomes_hard(env: NovaEnv):
    sid = env.boot()
    _reboot(env, sid, "SOFT")
    env.cloud.advance(1.5)  # guest.shutdown() done (1 s), guest.launch() not yet
    assert env.server(sid)["OS-EXT-STS:task_state"] == states.REBOOT_STARTED
    restarted_at = env.cloud.now
    env.nova.restart_compute("cmp-1", down_s=10.0)
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "ACTIVE"
    assert _task_states(env, sid, restarted_at) == [
        states.REBOOT_PENDING_HARD, states.REBOOT_STARTED_HARD, None,
    ]  # fmt: skip


def test_a_reboot_queued_for_a_down_host_is_cleared_and_then_dropped(env: NovaEnv):
    sid = env.boot()
    env.nova.restart_compute("cmp-1", down_s=30.0)
    env.cloud.advance(1.0)
    _reboot(env, sid, "SOFT")
    assert env.server(sid)["OS-EXT-STS:task_state"] == states.REBOOTING
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("ACTIVE", None)
    # init_host cleared ``rebooting`` (the guest runs); the queued reboot's compare-and-swap
    # then fails, so the guest was never rebooted.
    assert not env.cloud.trace.filter(kind="state", subject=sid, new=states.REBOOT_PENDING)
    cleared = [e for e in env.cloud.trace.filter(kind="log") if "clearing task state" in str(e)]
    assert len(cleared) == 1
