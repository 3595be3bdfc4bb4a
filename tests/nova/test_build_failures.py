"""The compute's build-failure counter and the scheduler's ``BuildFailureWeigher``, as nova
17.0.13, 20.6.0, 23.2.2, 25.2.1, 28.0.0, 29.2.0 and 34.0.0 have them
(``ComputeManager._build_failed``/``_build_succeeded``, ``ResourceTracker.build_failed``,
``scheduler/weights/compute.py``; 91e29079a0 made it a weigher in 17.0.6 and 18.0.0, so no
compute disables itself; 56d320a203 (28.0.0, 25.3.0, 26.2.1, 27.2.0) keeps the group policy's
failures out of it)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv
from tests.nova.test_reschedule import boot, spawn_fails, world


def host_of(env, sid):
    return env.server(sid)["OS-EXT-SRV-ATTR:host"]


def failed_once(config=None):
    """Two empty hosts; the first boot fails to spawn on cmp-1 and runs on cmp-2."""
    env = NovaEnv("upstream", config={"nova": {"compute_hosts": 2, **(config or {})}})
    spawn_fails(env)
    first = env.boot("a")
    assert host_of(env, first) == "cmp-2"
    return env


def test_failed_builds_reach_the_scheduler_at_a_claim_or_the_periodic_tick():
    env = failed_once()
    assert env.kernel.now < 60
    # not saved yet: the scheduler still sees 0 and picks the emptier cmp-1
    second = env.boot("b")
    assert host_of(env, second) == "cmp-1"
    # b's claim saved cmp-1's 1; its success reset the tracker's count, saved at the tick
    third = env.boot("c")
    assert host_of(env, third) == "cmp-2"
    env.cloud.advance(60)
    fourth = env.boot("d")
    assert host_of(env, fourth) == "cmp-1"


@pytest.mark.parametrize("how", ["threshold 0", "restart"])
def test_no_count_when_off_or_after_a_restart(how):
    env = failed_once(
        {"consecutive_build_service_disable_threshold": 0} if how == "threshold 0" else None
    )
    if how == "restart":
        env.nova.restart_compute("cmp-1", down_s=1.0)
        env.cloud.run_until_idle()
    env.cloud.advance(60)
    assert host_of(env, env.boot("b")) == "cmp-1"


def test_counted_by_default():
    env = failed_once()
    env.cloud.advance(60)
    # cmp-1 is emptier, but one failed build outweighs every other weigher
    assert host_of(env, env.boot("b")) == "cmp-2"


@pytest.mark.parametrize("profile, counted", [("seed", True), ("upstream", False)])
def test_the_late_group_check_counts_until_28(profile, counted):
    env, group = world(profile)
    boot(env, None, "busy", zone="nova:cmp-2", user="admin")
    env.cloud.run_until_idle()
    # both members placed on cmp-1; a's build gets there after b's has ended, and fails the
    # late check: the last build cmp-1 ended failed, and a runs on cmp-2
    env.cloud.faults.add(
        "rpc.cast", "delay", delay_s=10.0, times=1, match={"method": "build_and_run_instance"}
    )
    first, second = boot(env, group, "a"), boot(env, group, "b")
    env.cloud.run_until_idle()
    assert (host_of(env, first), host_of(env, second)) == ("cmp-2", "cmp-1")
    env.cloud.advance(60)
    assert host_of(env, env.boot("c")) == ("cmp-2" if counted else "cmp-1")


def test_an_unshelve_claim_passes_the_count_on():
    env = NovaEnv("upstream", config={"nova": {"compute_hosts": 2}})
    shelved = env.boot("x")
    assert host_of(env, shelved) == "cmp-1"
    assert env.action(shelved, {"shelve": None}).status == 202
    env.cloud.run_until_idle()
    spawn_fails(env)
    assert host_of(env, env.boot("a")) == "cmp-2"  # failed on cmp-1 first
    assert env.action(shelved, {"unshelve": None}).status == 202
    env.cloud.run_until_idle()
    assert env.kernel.now < 60 and host_of(env, shelved) == "cmp-1"
    # its claim saved cmp-1's failure (an unshelve is no build: nothing resets it)
    assert host_of(env, env.boot("b")) == "cmp-2"
