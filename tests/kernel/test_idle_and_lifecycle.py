"""Running the clock: run, advance, run_until_idle and its clear errors; Cloud() cost."""

import pytest

from fakecloud import Cloud
from fakecloud.errors import SimulationNotIdle


def test_run_until_idle_returns_the_time_the_last_work_finished():
    cloud = Cloud()

    def job(seconds):
        yield cloud.kernel.env.timeout(seconds)

    cloud.kernel.spawn(job(5), name="five")
    cloud.kernel.spawn(job(12.5), name="twelve and a half")
    assert cloud.run_until_idle() == 12.5
    assert cloud.kernel.running() == []


def test_a_never_ending_poll_hits_the_cap_and_is_named():
    cloud = Cloud()

    def thaw_waiting_for_snapshot():
        while True:
            yield cloud.kernel.env.timeout(0.5)

    cloud.kernel.spawn(thaw_waiting_for_snapshot(), name="unquiesce server-1 (polling snap-9)")
    with pytest.raises(SimulationNotIdle) as info:
        cloud.run_until_idle(cap_s=3600)
    assert "unquiesce server-1 (polling snap-9)" in str(info.value)
    assert info.value.still_running == ["unquiesce server-1 (polling snap-9)"]
    assert cloud.now <= 3600


def test_waiting_on_an_event_nothing_triggers_is_reported_at_once():
    cloud = Cloud()

    def waits_forever():
        yield cloud.kernel.env.event()

    cloud.kernel.spawn(waits_forever(), name="orphan waiter")
    with pytest.raises(SimulationNotIdle, match="can never become idle.*orphan waiter"):
        cloud.run_until_idle()


def test_a_wait_queued_at_an_infinite_time_can_never_end_either():
    # the queue is not empty, its head is never due: told apart from a cap reached only past
    # the limit (a6cbfb17), the same error as an empty queue, not "not idle after"
    cloud = Cloud()

    def waits_forever():
        yield cloud.kernel.env.timeout(float("inf"))

    cloud.kernel.spawn(waits_forever(), name="endless sleeper")
    with pytest.raises(SimulationNotIdle, match="can never become idle.*endless sleeper"):
        cloud.run_until_idle(cap_s=60)
    assert cloud.now == 0


def test_run_until_an_absolute_time():
    cloud = Cloud()
    cloud.run(until=42)
    assert cloud.now == 42


def test_a_crash_in_simulated_work_surfaces_loudly():
    cloud = Cloud()

    def buggy():
        yield cloud.kernel.env.timeout(1)
        raise RuntimeError("bug in a fake service")

    cloud.kernel.spawn(buggy(), name="buggy")
    with pytest.raises(RuntimeError, match="bug in a fake service"):
        cloud.run_until_idle()


def test_state_machine_moves_are_traced_and_illegal_ones_raise():
    from fakecloud.errors import IllegalTransition
    from fakecloud.sim.states import StateMachine

    class Snap:
        id = "snap-1"
        status = "creating"

    machine = StateMachine("snapshot.status", {"creating": {"available", "error"}})
    cloud = Cloud()
    snap = Snap()
    machine.move(cloud.kernel, snap, "available", actor="cinder-volume")
    event = cloud.trace.first(kind="state", subject="snap-1")
    assert (event["old"], event["new"], event["actor"]) == (
        "creating",
        "available",
        "cinder-volume",
    )
    with pytest.raises(IllegalTransition, match="'available' -> 'creating'"):
        machine.move(cloud.kernel, snap, "creating", actor="cinder-volume")


def test_a_killed_tasks_wait_stays_queued_as_the_plain_timeout_it_stands_for():
    # Kernel.timeout's wait is its own callbacks list; once no one waits for it (a task killed
    # by a compute restart) it stays in its queue entry as simpy's Timeout, which a saved
    # cloud holds, and the killed process still names it as its target.
    import simpy

    cloud = Cloud()
    kernel = cloud.kernel

    def round_trip():
        yield kernel.timeout(5.0)

    proc = kernel.spawn(round_trip(), name="round trip")
    cloud.advance(1.0)
    before = [(t, prio, eid) for t, prio, eid, _ in kernel.env._queue]
    kernel.unhook(proc)
    proc._generator.close()
    assert [(t, prio, eid) for t, prio, eid, _ in kernel.env._queue] == before
    (left,) = [event for t, _, _, event in kernel.env._queue if t == 5.0]
    assert type(left) is simpy.Timeout and left.callbacks == [] and left._delay == 5.0
    assert proc._target is left


def test_many_flows_in_flight_space_out_full_collections_until_idle():
    import gc

    cloud = Cloud()
    seen = []

    def flow(i):
        yield cloud.kernel.timeout(1)
        if i == 0:
            seen.append(gc.get_threshold())

    before = gc.get_threshold()
    for i in range(2_500):
        cloud.kernel.spawn(flow(i), name=f"flow {i}")
    cloud.run_until_idle()
    # 2,500 alive: a middle collection per 250 young ones at most, an old one per 25 middle
    spaced = (before[0], max(before[1], 250), max(before[2], 25)) if before[0] else before
    assert seen == [spaced]
    assert gc.get_threshold() == before

    def stuck_cloud():
        stuck = Cloud()

        def wait():
            yield stuck.kernel.env.event()

        for i in range(2_500):
            stuck.kernel.spawn(wait(), name=f"stuck {i}")
        with pytest.raises(SimulationNotIdle):
            stuck.run_until_idle()
        # the run's failure leaves the processes alive, and their kernel's ask with them
        assert gc.get_threshold() == spaced

    stuck_cloud()
    # restored when that cloud goes: it is young, so the young generations are walked first
    # (a full collection walks all that share 1's client tests imported, 0.1-0.2 CPU-s)
    gc.collect(1)
    if gc.get_threshold() != before:
        gc.collect()
    assert gc.get_threshold() == before


def test_many_processes_alive_between_runs_space_out_full_collections_while_they_live():
    """Flows sent one by one (each request answered while the others stay in flight) keep
    the oldest generation's collections spaced out by how many are alive, not only while the
    clock runs until idle: restored when a drive of the clock ends with few alive."""
    import gc

    cloud = Cloud()
    before = gc.get_threshold()
    spaced = (before[0], max(before[1], 220), max(before[2], 22)) if before[0] else before

    def flow():
        yield cloud.kernel.timeout(1)

    for i in range(1_100):
        cloud.kernel.spawn(flow(), name=f"flow {i}")
    assert gc.get_threshold() == before  # 1,100 alive: Python's own spacing
    for i in range(1_100, 2_300):
        cloud.kernel.spawn(flow(), name=f"flow {i}")
    # asked at 1,101 alive and again at 2,203
    assert gc.get_threshold() == spaced
    cloud.advance(0.5)  # a drive that ends with all of them alive keeps the ask
    assert gc.get_threshold() == spaced
    cloud.advance(1)  # all ended
    assert gc.get_threshold() == before
    assert cloud.kernel._spaced_above == 1_100


def test_a_storm_run_leaves_the_world_out_of_its_collections_and_thaws_it_after():
    """While many flows run until idle, what existed before the run is frozen out of the
    collector's walks and thawed when it ends; a process that froze objects of its own (as
    this suite's conftest does) keeps exactly its own freeze."""
    import gc

    cloud = Cloud()
    counts = []

    def flow(i):
        yield cloud.kernel.timeout(1)
        if i == 0:
            counts.append(gc.get_freeze_count())

    def storm():
        for i in range(1_500):
            cloud.kernel.spawn(flow(i), name=f"flow {i}")
        cloud.run_until_idle()

    collecting = gc.isenabled() and gc.get_threshold()[0]
    gc.freeze()  # a process with a freeze of its own
    held = gc.get_freeze_count()
    storm()
    assert counts[0] <= held and gc.get_freeze_count() <= held  # (frozen objects may die)
    gc.unfreeze()  # none: the run freezes what exists, and thaws it
    try:
        storm()
        assert (counts[1] > 0) == bool(collecting)
        assert gc.get_freeze_count() == 0
    finally:
        gc.freeze()  # the suite's own, as conftest left it
