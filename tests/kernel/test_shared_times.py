"""Times queued while many processes are alive are shared (`fakecloud.sim.instants`): flows in
lockstep still run in simpy's order, at simpy's times, and a time keeps its class."""

from __future__ import annotations

import simpy

from fakecloud.sim.collector import ASKING, SPACED_ABOVE
from fakecloud.sim.instants import forget, share
from fakecloud.sim.kernel import Kernel

FLOWS = SPACED_ABOVE + 200  # more processes alive at once than the sharing starts at


def _lockstep(env, sleep, spawn, log):
    """FLOWS processes started at one instant, each sleeping the same delays in turn."""

    def flow(i):
        for delay in (1, 2, 0.1, 0.2, 1, 0.3):  # int times first, as simpy keeps them
            yield sleep(delay)
            log.append((i, env.now))

    for i in range(FLOWS):
        spawn(flow(i))


def test_lockstep_flows_run_in_simpys_order_and_at_its_times():
    plain = simpy.Environment()
    expected: list = []
    _lockstep(plain, plain.timeout, plain.process, expected)
    plain.run()

    kernel = Kernel()
    log: list = []
    _lockstep(kernel.env, kernel.timeout, lambda g: kernel.spawn(g, "flow"), log)
    kernel.run_until_idle()

    assert log == expected
    assert [type(t) for _, t in log] == [type(t) for _, t in expected]
    assert type(log[0][1]) is int and type(log[-1][1]) is float


def test_equal_times_are_shared_as_one_object_until_forgotten():
    tenth = 0.1
    first = tenth + 7.25
    again = tenth + 7.25
    later = tenth + 7.25
    assert first is not again and first == again
    forget()
    assert share(first, first) is first and share(again, again) is first
    forget()
    assert share(later, later) is later


def test_waits_queued_at_one_instant_share_their_time_while_many_processes_are_alive():
    kernel = Kernel()
    env = kernel.env

    def flow():
        yield kernel.timeout(0.25)

    for _ in range(FLOWS):
        kernel.spawn(flow(), "flow")
    kernel.run(until=0.1)  # every flow started and queued its wait
    assert ASKING  # the kernel asked the collector for a wider spacing: many are alive
    times = [entry[0] for entry in env._queue if entry[0] == 0.25]
    assert len(times) == FLOWS
    assert len({id(t) for t in times}) == 1
    kernel.run_until_idle()
    assert kernel.now == 0.25
