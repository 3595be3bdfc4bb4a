"""The clock bridge: Python's clocks read virtual time, and sleep advances it."""

import datetime
import threading
import time

import pytest

from fakecloud import Cloud
from fakecloud.errors import ReentrantClockError
from tests.turns import polls, standing, wait_until_blocked, waiting_at


def test_sleep_polling_observes_a_one_hour_process_in_no_wall_time():
    cloud = Cloud()
    state = {"done": False}

    def hour_long_job():
        yield cloud.kernel.env.timeout(3600)
        state["done"] = True

    cloud.kernel.spawn(hour_long_job(), name="hour-long job")
    polls = 0
    with cloud.clock():
        while not state["done"]:
            time.sleep(2)  # a real sleep would keep this test busy for an hour
            polls += 1
    assert cloud.now == 3600.0
    assert polls == 1800


def test_python_clocks_read_the_epoch_plus_virtual_time():
    cloud = Cloud(config={"clock": {"epoch": "2030-05-01T12:00:00Z"}})
    cloud.advance(90)
    with cloud.clock():
        assert datetime.datetime.utcnow() == datetime.datetime(2030, 5, 1, 12, 1, 30)
        assert datetime.datetime.now(datetime.UTC).minute == 1
        assert datetime.date.today() == datetime.date(2030, 5, 1)
        t0, m0, p0 = time.time(), time.monotonic(), time.perf_counter()
        time.sleep(10)
        assert time.time() - t0 == pytest.approx(10)
        assert time.monotonic() - m0 == pytest.approx(10)
        assert time.perf_counter() - p0 == pytest.approx(10)
    assert cloud.now == 100.0


def test_default_epoch_is_2026_new_year():
    cloud = Cloud()
    with cloud.clock():
        assert datetime.datetime.utcnow() == datetime.datetime(2026, 1, 1)


def test_the_bridge_is_reentrant_and_restores_real_time():
    cloud = Cloud()
    real_sleep = time.sleep
    with cloud.clock():
        with cloud.clock():
            time.sleep(5)
        time.sleep(5)
    assert cloud.now == 10.0
    assert time.sleep is real_sleep
    assert datetime.datetime.now().year >= 2026


def test_leaving_the_clock_once_too_often_is_refused_and_the_next_binding_still_binds():
    """A second __exit__ took the depth below 0: the next ``with cloud.clock()`` bound
    nothing, and its time.sleep(100) slept 100 real seconds."""
    cloud = Cloud()
    bridge = cloud.clock()
    with bridge:
        pass
    with pytest.raises(RuntimeError, match="^the clock is not bound: it was left more often"):
        bridge.__exit__(None, None, None)
    with cloud.clock():
        time.sleep(100)
    assert cloud.now == 100.0


def test_a_sleep_no_clock_can_take_is_named_as_time_sleep():
    """Were "advance: expected ..." (a name the caller never wrote) and, for a string,
    "'<' not supported between instances of 'str' and 'int'"."""
    cloud = Cloud()
    with cloud.clock():
        with pytest.raises(ValueError, match=r"^time.sleep: expected a number of .* got nan$"):
            time.sleep(float("nan"))
        with pytest.raises(TypeError, match=r"^time.sleep: expected a number of seconds, got '1'"):
            time.sleep("1")
    assert cloud.now == 0.0


def test_sleep_from_inside_the_simulation_fails_loudly():
    cloud = Cloud()

    def bad():
        time.sleep(1)
        yield cloud.kernel.env.timeout(1)

    cloud.kernel.spawn(bad(), name="bad")
    with cloud.clock(), pytest.raises(ReentrantClockError):
        cloud.run_until_idle()


def test_a_thread_that_sleeps_while_another_runs_the_clock_waits_its_turn():
    """Session 39: a client's thread pool inside ``intercept()`` (openstacksdk sleeps between
    polls): a thread's ``time.sleep`` while another thread ran the clock was the
    `ReentrantClockError` of simulated work ("from inside the simulation"; 12 of 32 sdk
    server flows in 8 threads). It now waits for that run to end, then sleeps its own: the
    sleep begun at t=1, during a run to t=5, wakes at 11, when it was due (begun after the
    run, it would wake at 15)."""
    cloud = Cloud()
    seen = {}

    def other_thread():
        try:
            time.sleep(10)  # the cloud's clock is bound: virtual seconds
            seen["woke at"] = cloud.now
        except Exception as exc:  # noqa: BLE001 - what this test is about
            seen["error"] = exc

    other = threading.Thread(target=other_thread)

    def during_the_run():  # at t=1, inside this thread's cloud.advance(5)
        other.start()
        seen["blocked on"] = wait_until_blocked(other)  # its sleep waits for this run's end

    with cloud.clock():
        cloud.kernel.at(1, during_the_run)
        cloud.advance(5)
        assert cloud.now == 5.0
        other.join()
    assert seen == {"blocked on": "self.lock.acquire()", "woke at": 11.0}


def test_a_request_from_another_thread_waits_whole_for_the_cloud():
    """Session 39: cloud.request issued its user's token before taking its turn, so a thread
    pool's first requests changed Keystone's tokens while another thread ran the cloud (a
    stress of 8 threads met "dictionary changed size during iteration" once)."""
    cloud = Cloud()
    cloud.request("compute", "GET", "/", user=None)  # the gateway and Nova's REST service built
    answers = []
    other = threading.Thread(
        target=lambda: answers.append(cloud.request("compute", "GET", "/", user="admin").status)
    )
    with cloud.kernel.lock:  # this thread's turn, as during a run of the clock
        seen = len(cloud.trace)
        other.start()
        assert wait_until_blocked(other, on="kernel.lock")  # the request waits for the turn
        assert len(cloud.trace) == seen  # no token issued, nothing traced meanwhile
    other.join()
    assert answers == [200]
    assert cloud.trace.first(kind="identity.token_issued") is not None


def test_threads_binding_one_clouds_clock_at_once_leave_python_clocks_real():
    """Session 40: two threads entering ``cloud.clock()`` at once both found it unbound and
    both patched: the one patching second kept the first one's patches as "the real ones",
    so after both left ``time.sleep`` stayed on the cloud's clock (and time-machine kept one
    travel going, the calendar on the cloud's epoch) for good; or the last to leave met
    "'NoneType' object has no attribute 'stop'". The first thread is held inside its
    binding (a trace function on time-machine's ``start``, no patch) while the second enters
    as far as it can."""
    import sys

    import time_machine

    cloud = Cloud(config={"clock": {"epoch": "1980-01-01T00:00:00Z"}})
    real_sleep = time.sleep
    paused, resume, second_in, leave = (threading.Event() for _ in range(4))

    def hold_in_start(frame, event, arg):
        if event == "call" and frame.f_code is time_machine.travel.start.__code__:
            sys.settrace(None)
            paused.set()
            resume.wait()
        return None

    def first():
        sys.settrace(hold_in_start)
        with cloud.clock():
            time.sleep(1)
            leave.wait()

    def second():
        with cloud.clock():
            second_in.set()
            time.sleep(2)
            leave.wait()

    binding, entering = threading.Thread(target=first), threading.Thread(target=second)
    binding.start()
    paused.wait()
    entering.start()
    for _ in polls(lambda: standing(entering)):
        if second_in.is_set() or "_BINDING" in (waiting_at(entering) or ""):
            break
    resume.set()
    second_in.wait()
    leave.set()
    binding.join()
    entering.join()
    assert cloud.now == 3.0
    assert time.sleep is real_sleep and datetime.datetime.now().year != 1980


def test_another_clouds_clock_bound_from_another_thread_is_refused():
    """Session 40: two clouds' clocks bound by two threads were left in an order neither
    could undo (``time.sleep`` kept on one cloud's clock for good); the second is refused,
    changing nothing."""
    from fakecloud.sim.clock import ClockOrderError

    first, second = Cloud(), Cloud(seed=1)
    real_sleep, bound, leave, seen = time.sleep, threading.Event(), threading.Event(), []

    def other_thread():
        with first.clock():
            bound.set()
            leave.wait()

    other = threading.Thread(target=other_thread, name="other")
    other.start()
    bound.wait()
    try:
        with pytest.raises(ClockOrderError, match="^another cloud's clock is bound, by thread "):
            second.clock().__enter__()
        seen.append(time.sleep == first.kernel.clock._sleep)
    finally:
        leave.set()
        other.join()
    assert seen == [True] and time.sleep is real_sleep


def test_advance_runs_events_due_exactly_at_the_target():
    cloud = Cloud()
    seen = []
    cloud.kernel.at(5.0, lambda: seen.append(cloud.now))
    cloud.advance(5)
    assert seen == [5.0]
    cloud.advance(0)
    assert cloud.now == 5.0
    with pytest.raises(ValueError, match="negative"):
        cloud.advance(-1)


def test_pytests_durations_measure_the_run_not_the_simulation():
    # `pytest --durations` and the run's total come from _pytest.timing's perf_counter, taken
    # before any binding; a test body, even one called by pytest, reads the virtual clock.
    from _pytest import timing

    cloud = Cloud(config={"clock": {"epoch": "2000-01-01T00:00:00Z"}})
    started = timing.Instant()
    with cloud.clock():
        assert time.time() == 946684800.0
        time.sleep(3600)
        assert time.perf_counter() == 3600.0
        assert started.elapsed().seconds < 3600  # an hour of virtual time, not of the run


def test_names_imported_before_the_binding_read_virtual_time_too():
    from datetime import datetime as imported_datetime
    from time import time as imported_time

    cloud = Cloud(config={"clock": {"epoch": "2030-05-01T12:00:00Z"}})
    with cloud.clock():
        time.sleep(60)
        assert imported_datetime.utcnow() == datetime.datetime(2030, 5, 1, 12, 1)
        assert imported_datetime.now() == datetime.datetime(2030, 5, 1, 12, 1)  # local is UTC
        assert (
            imported_time() == datetime.datetime(2030, 5, 1, 12, 1, tzinfo=datetime.UTC).timestamp()
        )
    assert imported_datetime.now().year >= 2026
