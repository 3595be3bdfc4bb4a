"""A build the compute's restart killed before its claim (here: waiting for a build slot,
still ``scheduling``): from nova 21.0.0 (a1a735bc6e, LP #1833581; backports 18.3.0, 19.1.0,
20.0.1) ``init_host``'s ``_error_out_instances_whose_build_was_interrupted`` puts it in ERROR,
task_state none; before, nothing does and it stays building for good (nova 17.0.13, 20.0.0
compute/manager.py). Found by scenarios/explore/disable_during_boot.yaml."""

from __future__ import annotations

import pytest

from fakecloud.explore.paths import hosts_of
from tests.nova.conftest import NovaEnv

CONFIG = {"nova": {"compute_hosts": 1, "max_concurrent_builds": 1, "max_concurrent_snapshots": 1}}


@pytest.mark.parametrize(
    ("profile", "waiting"),
    [("upstream", ("ERROR", None)), ("nova-20.0.1", ("ERROR", None)),
     ("nova-20.0.0", ("BUILD", "scheduling"))],
)  # fmt: skip
def test_a_build_killed_before_its_claim_ends_in_error_from_the_fix(profile, waiting):
    env = NovaEnv(profile, config=CONFIG)
    first = env.boot("first", wait=False)
    second = env.boot("second", wait=False)
    env.cloud.advance(1.0)  # first spawns (claimed); second waits for the one build slot
    assert env.server(second)["OS-EXT-STS:task_state"] == "scheduling"
    env.nova.restart_compute("cmp-1", down_s=10.0)
    env.cloud.run_until_idle()
    assert env.server(first)["status"] == "ERROR"  # _init_instance: spawn interrupted
    server = env.server(second)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == waiting
    # the host an explorer's path ties to it, even left building with no host (its claim
    # never came): the one it was scheduled to, whose restart is on its path
    assert hosts_of(env.cloud, {second}) == {"cmp-1"}


def test_a_plain_stop_then_start_runs_init_host_as_a_restart_does():
    """A stopped nova-compute started again (``rpc.set_up``, not `restart_compute`) runs
    ``init_host`` before its RPC server (nova 27.5.1 service.py ``Service.start``): the build
    it killed while spawning and the one it killed before its claim end in ERROR."""
    env = NovaEnv("upstream", config=CONFIG)
    first = env.boot("first", wait=False)
    second = env.boot("second", wait=False)
    env.cloud.advance(1.0)
    env.kernel.rpc.set_up("compute.cmp-1", False)
    env.cloud.advance(10.0)
    env.kernel.rpc.set_up("compute.cmp-1", True)
    env.cloud.run_until_idle()
    for sid in (first, second):
        server = env.server(sid)
        assert (server["status"], server["OS-EXT-STS:task_state"]) == ("ERROR", None)
    assert env.cloud.check_invariants() == []
