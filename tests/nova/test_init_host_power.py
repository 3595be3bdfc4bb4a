"""A compute restart and an interrupted stop or start: ``ComputeManager._init_instance``'s
``powering-off`` and ``powering-on`` branches (8f7056f48c, nova 2014.1 to 34.0.0). The stop or
start the restart cut short is done again before the host takes messages; a stop still queued
for the host then finds the guest off and no task state, which ``do_stop_instance`` accepts."""

from __future__ import annotations

from fakecloud.nova import states
from tests.nova.conftest import NovaEnv


def _results(env: NovaEnv, sid: str, event: str) -> list:
    return [
        e["result"]
        for e in env.cloud.trace.filter(kind="nova.event", subject=sid, event=event)
        if e.get("phase") == "finish"
    ]


def _retried(env: NovaEnv, what: str) -> list:
    return [e for e in env.cloud.trace.filter(kind="log") if f"retrying {what} request" in str(e)]


def test_a_stop_cut_short_by_a_restart_is_done_again_at_start_up(env: NovaEnv):
    sid = env.boot()
    assert env.action(sid, {"os-stop": None}).status == 202
    env.cloud.advance(0.5)  # delivered, the guest shutting down (1 s)
    assert env.server(sid)["OS-EXT-STS:task_state"] == states.POWERING_OFF
    env.nova.restart_compute("cmp-1", down_s=10.0)
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("SHUTOFF", None)
    assert len(_retried(env, "stop")) == 1
    assert _results(env, sid, "compute_stop_instance") == ["Success"]


def test_a_stop_queued_for_a_down_host_finds_the_stop_done_and_succeeds(env: NovaEnv):
    sid = env.boot()
    env.nova.restart_compute("cmp-1", down_s=30.0)
    env.cloud.advance(1.0)
    assert env.action(sid, {"os-stop": None}).status == 202
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("SHUTOFF", None)
    # init_host's stop, then the queued one: the guest already off, no task state expected
    assert _results(env, sid, "compute_stop_instance") == ["Success", "Success"]


def test_a_start_cut_short_by_a_restart_is_done_again_at_start_up(env: NovaEnv):
    sid = env.boot()
    assert env.action(sid, {"os-stop": None}).status == 202
    env.cloud.run_until_idle()
    assert env.action(sid, {"os-start": None}).status == 202
    env.cloud.advance(0.5)
    assert env.server(sid)["OS-EXT-STS:task_state"] == states.POWERING_ON
    env.nova.restart_compute("cmp-1", down_s=10.0)
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("ACTIVE", None)
    assert server["OS-EXT-STS:power_state"] == states.RUNNING
    assert len(_retried(env, "start")) == 1
