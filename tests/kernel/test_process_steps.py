"""A simulated process steps as a simpy process does: the kernel resumes its processes with
`fakecloud.sim.resume.resume`, and a script of values, failures, interrupts and a bad yield
gives the same outcomes, times and tracebacks under it as under simpy's own ``Process``."""

from __future__ import annotations

import traceback

import simpy

from fakecloud import Cloud
from fakecloud.sim.kernel import Kernel


def _script(env, spawn, log):
    """Processes that return, fail, wait on failed children and get interrupted."""

    def child_ok():
        yield env.timeout(1)
        return "done"

    def child_fail():
        yield env.timeout(1)
        raise ValueError("boom")

    def parent():
        log.append(("ok", (yield spawn(child_ok())), env.now))
        try:
            yield spawn(child_fail())
        except ValueError as exc:
            log.append(("caught", str(exc), type(exc.__cause__).__name__, env.now))
        try:
            yield env.timeout(5)
        except simpy.Interrupt as stop:
            log.append(("interrupted", stop.cause, env.now))
        yield env.timeout(0)  # an event already due
        return "parent"

    main = spawn(parent())

    def interrupter():
        yield env.timeout(3)
        main.interrupt("stop")

    spawn(interrupter())
    return main


def _failing(env, spawn):
    def fails():
        yield env.timeout(2)
        {}["missing"]  # noqa: B018 - a KeyError raised inside the process

    spawn(fails())


def _bad_yield(env, spawn):
    def bad():
        yield env.timeout(1)
        yield 42

    spawn(bad())


def _run_simpy(build):
    env = simpy.Environment()
    log: list = []
    main = build(env, env.process, log)
    env.run()
    return log, main.value


def _run_kernel(build):
    kernel = Kernel(seed=0)
    env = kernel.env
    log: list = []
    main = build(env, lambda work: kernel.spawn(work, "work"), log)
    kernel.run_until_idle()
    return log, main.value


def _error(run, build):
    try:
        run(lambda env, spawn, log: build(env, spawn))
    except Exception as exc:  # noqa: BLE001 - what a run raises is what is compared
        cause = exc.__cause__
        frames = [f.name for f in traceback.extract_tb(cause.__traceback__)] if cause else []
        return type(exc).__name__, str(exc), frames
    raise AssertionError("the run did not fail")


def test_processes_step_as_simpy_processes_do():
    assert _run_kernel(_script) == _run_simpy(_script)
    log, value = _run_kernel(_script)
    assert value == "parent"
    assert log == [
        ("ok", "done", 1),
        ("caught", "boom", "ValueError", 2),
        ("interrupted", "stop", 3),
    ]


def test_a_failing_process_fails_the_run_as_in_simpy():
    assert _error(_run_kernel, _failing) == _error(_run_simpy, _failing)
    assert _error(_run_kernel, _failing)[:2] == ("KeyError", "'missing'")
    assert _error(_run_kernel, _failing)[2] == ["fails"]  # the process's own frame only


def test_a_bad_yield_is_reported_as_simpy_reports_it():
    kind, message, _ = _error(_run_kernel, _bad_yield)
    assert (kind, message) == _error(_run_simpy, _bad_yield)[:2]
    assert kind == "RuntimeError" and 'Invalid yield value "42"' in message


def test_a_spawned_process_is_queued_and_checked_as_simpy_queues_it():
    kernel, env = Kernel(seed=0), simpy.Environment()

    def work():
        yield env.timeout(1)

    ours, theirs = kernel.spawn(work(), "work"), env.process(work())
    (t, priority, eid, start), (t2, priority2, eid2, start2) = kernel.env._queue[0], env._queue[0]
    assert (t, priority, eid, type(start)) == (t2, priority2, eid2, type(start2))
    assert (start._ok, start._value, ours._target) == (start2._ok, start2._value, start)
    # the fields in simpy's order, then the resumer (as `_resumer` too: `fakecloud.sim.resume`)
    assert list(vars(ours)) == [*vars(theirs), "_resume", "_resumer"]
    for spawn in (lambda w: kernel.spawn(w, "w"), env.process):
        try:
            spawn(42)
        except ValueError as exc:
            assert str(exc) == "42 is not a generator."
        else:
            raise AssertionError("a non-generator was accepted")


def test_an_ended_process_lets_go_of_its_resumer():
    """A spawned process and an RPC delivery running a generator each keep their resumer (under
    both names, `fakecloud.sim.resume`) while they wait, and neither once they end: the
    reference cycle it makes is broken, the process collected without the cycle collector."""
    cloud = Cloud(config={"rpc": {"delay_s": 0.5}})
    kernel, seen = cloud.kernel, []

    class Endpoint:
        def slow(self):
            seen.append(kernel.env.active_process)
            yield kernel.timeout(1.0)

    def work():
        yield kernel.timeout(1.0)

    kernel.rpc.register("compute.cmp-1", Endpoint())
    kernel.rpc.cast("compute.cmp-1", "slow")
    proc = kernel.spawn(work(), "work")
    cloud.advance(0.75)  # both wait: the process until 1.0, the delivery until 1.5
    for waiting in (proc, seen[0]):
        assert waiting._resumer is waiting._resume
    cloud.run_until_idle()
    for ended in (proc, seen[0]):
        assert not {"_resume", "_resumer"} & set(vars(ended))
