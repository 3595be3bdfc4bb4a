"""The kernel: one simpy environment and everything that hangs on its clock.

A `Kernel` owns the virtual clock (``env``), the seeded id source, the trace, the fault plan,
the RPC bus, the I/O model, the exploration choices, the switches and the configuration. Every
service of a cloud is built on one kernel; `fakecloud.Cloud` is its public face.

Simulated work is a generator run with `spawn`, which names it so that `run_until_idle` can say
what is still running when the cloud does not settle.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass
from heapq import heappop, heappush
from random import Random
from types import MethodType
from typing import Any

import simpy
from simpy.core import EmptySchedule, StopSimulation
from simpy.events import NORMAL, PENDING, URGENT, Initialize

from fakecloud.bounds import MAX_SECONDS, OutOfRange, clock_time, finite_seconds
from fakecloud.config import Config, config_section
from fakecloud.errors import ReentrantClockError, SimulationNotIdle
from fakecloud.humanize import secs
from fakecloud.profiles import Switches
from fakecloud.sim import cancel, collector
from fakecloud.sim import resume as resume_module
from fakecloud.sim.cancel import CANCELLED
from fakecloud.sim.clock import ClockBridge
from fakecloud.sim.collector import ASKING
from fakecloud.sim.explore import Choices
from fakecloud.sim.faults import FaultPlan
from fakecloud.sim.ids import IdSource, stream
from fakecloud.sim.instants import TIMES
from fakecloud.sim.instants import forget as forget_times
from fakecloud.sim.instants import share as share_time
from fakecloud.sim.io import IoModel
from fakecloud.sim.resume import resume
from fakecloud.sim.rpc import RpcBus
from fakecloud.sim.trace import Trace


@config_section("kernel")
@dataclass(frozen=True)
class KernelConfig:
    """How long `run_until_idle` may run (virtual seconds) before it gives up."""

    idle_cap_s: float = 7 * 24 * 3600.0
    """The most virtual seconds `run_until_idle` runs (a week) before it gives up: work that
    never ends (a poll of something that never comes) stops there."""


class Kernel:
    """The shared machinery of one simulated cloud."""

    _live: dict[simpy.Process, str]
    horizon: Callable[[], float | None] | None
    polls_asleep: int

    #: The cloud's Keystone (`fakecloud.identity.keystone.Keystone`), whom every other
    #: service's ``auth_token`` middleware asks about the tokens it is sent
    #: (`fakecloud.transport.token_cache`); None for a kernel without one. A world saved
    #: before session 40 has none in its file: its Keystone gives itself on load
    #: (`Keystone._rewire`), named in ``_completed`` so that it saves the bytes it did.
    keystone: Any = None
    #: What a load added to the kernel (`fakecloud.state.kinds.COMPLETED`): a save leaves it out.
    _completed: frozenset[str] = frozenset()

    def __init__(
        self,
        seed: int = 0,
        profile: str = "seed",
        config: Config | None = None,
        switches: dict[str, Any] | None = None,
    ):
        self.seed = seed
        self.config = config if config is not None else Config.from_mapping()
        self.switches = Switches.for_profile(profile, switches)
        self.choices = Choices(self.config.explore, self.streams)
        self.env = simpy.Environment()
        self.choices.on_start.append(self._chance_started)
        self.ids = IdSource(seed)
        self.trace = Trace(lambda: self.env._now).read_clock(self.env)  # reads env._now
        self.faults = FaultPlan(self)
        self.rpc = RpcBus(self, self.config.rpc)
        self.io = IoModel(self)
        self.clock = ClockBridge(self, self.config.clock)
        self._live = {}
        # One bound method for every process's end, not one per process: a storm holds a few
        # live processes per server.
        self._forget_ended = self._forget
        self._running = False
        #: The cloud's one lock. The simulation is single-threaded: threads that share a cloud
        #: (a client's thread pool inside ``intercept()``, a server's workers) take turns, each
        #: drive of the clock (`_drive`), each request (`Gateway.handle`; over HTTP the whole
        #: answer, `fakecloud.transport.wsgi`), each control request, fork and save whole. A
        #: server hands its lock on to each cloud it serves after a reset or a load. Not saved:
        #: a copy has its own.
        self.lock = threading.RLock()
        # Live processes above which this kernel asks the collector for a wider spacing next
        # (`_space_out`); not saved, a copy starts from the first step.
        self._spaced_above = collector.SPACED_ABOVE
        # Cancelled events still in the queue, at most (`cancel`; some expire there first).
        self._cancelled = 0
        #: Where the run driving this kernel ends, as a function of nothing (None: no driver
        #: says; see `fakecloud.sim.polling`), and how many pollers sleep between polls.
        #: Neither is saved: a copy starts with no driver and no poller asleep.
        self.horizon = None
        self.polls_asleep = 0
        self.choices.start_from_config(self.config.rpc.delay_s)

    def _complete(self) -> None:
        """After a load (`fakecloud.state.kinds.COMPLETED`): nothing the kernel derives by
        itself; what the services give it back is theirs to name in ``_completed``
        (`fakecloud.identity.keystone.Keystone._rewire`)."""

    def _chance_started(self) -> None:
        """Exploration switched chance on: events due at one instant may now be reordered, and
        its fault points are armed (set before it starts)."""
        self.faults.rearm()
        if self.choices.chance.tie_order:
            self.env.step = self.choices.step_with_ties(self.env, self._live)  # type: ignore[method-assign]

    def streams(self, purpose: str) -> Random:
        """A seeded random generator for one purpose (each purpose its own stream)."""
        return stream(self.seed, purpose)

    @property
    def now(self) -> float:
        """Virtual seconds since the cloud started."""
        return self.env._now  # simpy's own `now` property, without a second call

    # -- simulated work ----------------------------------------------------------------------

    def spawn(self, work: Generator, name: str) -> simpy.Process:
        """Run a generator as a simulated process called `name`.

        The process is simpy's ``Process`` and its start simpy's ``Initialize``, with the
        fields simpy's constructors give them, queued as they queue it (at once, urgent), but
        made without their three Python calls (the two constructors and ``schedule``).

        Every step of it, the first included, is `fakecloud.sim.resume.resume` (simpy's
        ``Process._resume``, a call fewer), one bound method kept on the process: simpy's
        own appends a new bound ``self._resume`` to each event the process yields, which
        lives as long as the wait does (in a storm every wait outlives the collector's young
        generations, and each is one more object its full collections walk). The reference
        cycle it makes is broken when the process ends (`Kernel._forget`)."""
        if not hasattr(work, "throw"):
            raise ValueError(f"{work} is not a generator.")  # simpy's own check and message
        env = self.env
        proc = _new_event(simpy.Process)
        proc.env = env  # the fields in simpy's order, as Process.__init__ sets them
        proc.callbacks = [self._forget_ended]
        proc._generator = work
        start = _new_event(Initialize)
        start.env = env  # as Initialize.__init__ sets them
        start.callbacks = [MethodType(resume, proc)]
        start._value = None
        start._ok = True
        heappush(env._queue, (env._now, URGENT, next(env._eid), start))
        proc._target = start
        proc._resume = proc._resumer = start.callbacks[0]
        live = self._live
        live[proc] = name
        if len(live) > self._spaced_above:
            self._space_out()
        return proc

    def _space_out(self) -> None:
        """Many processes alive (past `_spaced_above`): ask Python's collector to walk its
        oldest generation less often while they are (`fakecloud.sim.collector`), and ask
        again when their number doubles. The ask ends when a drive of the clock ends with
        `collector.SPACED_ABOVE` or fewer alive (`_Driving`), or with this kernel."""
        live = len(self._live)
        collector.ask_while_alive(self, live)
        self._spaced_above = 2 * live

    def _drive(self) -> None:
        """A drive of the clock starts, once no other thread drives it (`lock`): marked, or
        `ReentrantClockError` if this thread's own drive is under way (simulated work called
        ``time.sleep``: waiting would deadlock). Another thread's drive was that error too."""
        self.lock.acquire()
        if self._running:
            self.lock.release()
            raise ReentrantClockError(
                "virtual time cannot be advanced from inside the simulation (was time.sleep, "
                "cloud.advance or cloud.request called by simulated work? "
                "cloud.request_at(t, ...) has the clock send a request at virtual time t)"
            )
        self._running = True

    def _driven(self) -> None:
        """A drive of the clock ended: unmarked, the turn handed on, and the collector's ask
        ended if few processes are alive again."""
        self._running = False
        try:
            if self._spaced_above > collector.SPACED_ABOVE and (
                len(self._live) <= collector.SPACED_ABOVE
            ):
                self._unspace()
        finally:
            self.lock.release()

    def _unspace(self) -> None:
        """End this kernel's ask of the collector (few processes are alive again)."""
        collector.release(id(self))
        self._spaced_above = collector.SPACED_ABOVE
        forget_times()

    def _forget(self, proc: Any) -> None:
        self._live.pop(proc, None)
        if proc._generator is not None:
            try:
                del proc._resume  # `spawn`'s cycle, broken as the process ends
                del proc._resumer
            except AttributeError:  # a process that did not keep it
                pass

    def process_name(self) -> str | None:
        """The name of the simulated process running now (None outside any)."""
        return self._live.get(self.env.active_process)

    def running(self) -> list[str]:
        """Names of the simulated processes still alive, oldest first."""
        return list(self._live.values())

    def timeout(self, delay: float) -> _Sleep:
        """A wait of `delay` virtual seconds for a simulated process to ``yield``: queued as
        ``env.timeout(delay)`` is (time, priority, eid), without simpy's constructor and
        ``schedule`` (two Python calls fewer for the waits every round trip between services
        makes), and one object, not a Timeout and its list of callbacks (see `_Sleep`). Only
        to be yielded; use ``env.timeout`` for an event to combine or inspect."""
        if delay < 0.0:  # a float literal: the compare stays specialized for float delays
            raise ValueError(f"Negative delay {delay}")
        env = self.env
        sleep = _Sleep()
        sleep.callbacks = sleep
        sleep._delay = delay
        when = env._now + delay
        if ASKING and type(when) is float:  # many processes alive (`fakecloud.sim.instants`)
            when = share_time(when, when)
        heappush(env._queue, (when, NORMAL, next(env._eid), sleep))
        return sleep

    def unhook(self, proc: simpy.Process) -> None:
        """Take `proc` off the event it waits for (a task killed where it stands). A wait of
        `timeout` that no one waits for any more stays queued as the simpy ``Timeout`` it
        stands for, in the same queue entry (what a saved or forked cloud holds of it)."""
        target = proc._target
        if target is None or target.callbacks is None:
            return
        if proc._resume in target.callbacks:
            target.callbacks.remove(proc._resume)
            if not target.callbacks and target._value is not PENDING and not target._ok:
                # It had already failed (a transfer failing as it starts, at the instant
                # its task dies): the error was the dead task's to handle, no one else's.
                target._defused = True
        if type(target) is _Sleep and target.callbacks is target and not len(target):
            queue = self.env._queue
            for i, entry in enumerate(queue):
                if entry[3] is target:
                    plain = proc._target = _plain_timeout(self.env, target._delay)
                    queue[i] = (*entry[:3], plain)
                    break

    def kill(self, proc: simpy.Process) -> None:
        """End `proc` where it stands, as a process dies with its service: no error handler
        runs, only ``finally`` blocks (the generator is closed; one that waits there is closed
        again where it waits), and whoever waits on it sees it finish."""
        self.unhook(proc)
        generator = proc._generator
        for _ in range(_CLOSE_TRIES):
            try:
                generator.close()
                break
            except RuntimeError:  # "generator ignored GeneratorExit": a finally that waits
                continue
        proc._ok, proc._value = True, None
        self.env.schedule(proc)

    def cancel(self, event: Any) -> None:
        """Unschedule `event`, queued and waited for by no one any more (an answered RPC
        call's reply deadline): from now on it is not there for the clock, the explorer, a
        saved or a forked cloud (`fakecloud.sim.cancel`). Its entry leaves the queue with the
        other cancelled ones once they are a quarter of it."""
        event.callbacks = CANCELLED
        self._cancelled += 1
        queue = self.env._queue
        if self._cancelled * 4 > len(queue):
            cancel.drop(queue)
            self._cancelled = 0

    def drop_cancelled(self) -> None:
        """Take the cancelled events' entries out of the queue now (before a save or a fork;
        `cancel` does it as they pile up). The other events keep their order."""
        if self._cancelled:
            cancel.drop(self.env._queue)
            self._cancelled = 0

    def ready_to_copy(self) -> None:
        """Leave in the state only what a save or a fork must hold: the cancelled events'
        entries out of the queue (`drop_cancelled`), and the books of a transfer the I/O model
        runs the short way written out (`IoModel.write_books`)."""
        self.drop_cancelled()
        self.io.write_books()

    def at(self, t: float, action: Callable[[], Any]) -> None:
        """Call `action()` at virtual time `t` (at once if `t` is now or past)."""
        if t.__class__ not in _NUMBERS or not -_NEVER < t - self.env._now <= MAX_SECONDS:
            clock_time(t, "kernel.at", self.env._now)  # (a NaN: max(0, NaN) ran it at once)
        self.after(max(0.0, t - self.env.now), action)

    def after(self, delay_s: float, action: Callable[[], Any]) -> None:
        """Call `action()` `delay_s` virtual seconds from now (`OutOfRange` for a delay that
        is no finite duration: a NaN one, queued first, stopped the clock at every later
        event; an int stays an int, as the clock keeps the time's type)."""
        if delay_s.__class__ not in _NUMBERS or not 0 <= delay_s <= MAX_SECONDS:
            finite_seconds(delay_s, "kernel.after")
        if not callable(action):  # was a TypeError from inside a later run
            raise TypeError(f"kernel.after: expected a function to call, got {action!r}")
        self.env.timeout(delay_s).callbacks.append(_Action(action))

    # -- driving the clock -------------------------------------------------------------------

    def run(self, until: float | Any = None) -> Any:
        """Run the simulation until virtual time `until`, an event, or nothing is scheduled."""
        # A request's process (every API call that starts work) is a plain simpy Process.
        process = until.__class__ is simpy.Process
        if until is not None and not process and not isinstance(until, simpy.Event):
            until = float(clock_time(until, "run(until)", self.env.now))  # names a str, a bool
            self.clock.check_horizon(until, "run(until)")
            if until <= self.env.now:  # simpy's bare ValueError, for a time or a duration mixed up
                if until == self.env.now:
                    return self.advance(0)  # what is due now runs, as at any other until
                raise OutOfRange(
                    f"run(until={until:g}): the clock is already at {self.env.now:g}; until "
                    f"is a time on the clock (advance({until:g}) moves it {until:g} s on)"
                )
        if until is None or (
            (process or isinstance(until, simpy.Event)) and until.callbacks is not None
        ):
            self._drive()  # `driving()`'s marks without its object
            try:
                return self._run_to(until)
            finally:
                self._driven()
        with self.driving():
            return self.env.run(until=until)

    def _run_to(self, until: simpy.Event | None) -> Any:
        """``env.run(until=event)`` (or ``env.run()`` for None: until nothing is scheduled),
        with simpy's step inline (one Python call less per event; the same events in the same
        order, the same stop). A cancelled event does not move the clock: a run to the end
        stops at the last thing that happened."""
        env = self.env
        queue = env._queue
        # Chance's tie order replaces env.step (`_chance_started`); without it that step is
        # simpy's. (Not read from env.__dict__: that would turn env's attributes into a dict.)
        choices = self.choices
        if until is not None:
            until.callbacks.append(StopSimulation.callback)
        try:
            while True:
                if not queue or choices.chance.tie_order:
                    env.step()  # EmptySchedule when nothing is left
                    continue
                when, _, _, event = heappop(queue)
                callbacks, event.callbacks = event.callbacks, None
                if when != env._now or when.__class__ is not env._now.__class__:
                    if callbacks is CANCELLED:  # not there: the clock stays
                        continue
                    env._now = when  # else the instant keeps one time object (run_until_idle)
                    if TIMES:  # shared at the last instant (`fakecloud.sim.instants`)
                        forget_times()
                try:
                    for callback in callbacks:
                        callback(event)
                except StopSimulation as stop:
                    _requeue_rest(env, event, callbacks, callback)
                    # the run's answer here, not by raising `stop` again to the handler below
                    # (every request's run ends so: a second unwinding of this frame)
                    return stop.args[0]
                if not event._ok and not hasattr(event, "_defused"):
                    raise _failure(event)
        except StopSimulation as exc:  # chance's step (`env.step`) stopped the run
            return exc.args[0]
        except EmptySchedule:
            if until is None:
                return None
            raise RuntimeError(
                f'No scheduled events left but "until" event was not triggered: {until}'
            ) from None

    def step(self) -> None:
        """Run the next event, as the run loops take it (their step is inline, for speed):
        chance's step when it orders an instant's events, else simpy's, a cancelled event
        dropped without moving the clock. For a caller that watches the world between events
        (a scenario's setup waiting for a resource, `fakecloud.scenario.readiness`)."""
        env = self.env
        if self.choices.chance.tie_order:
            env.step()
            return
        when, _, _, event = heappop(env._queue)
        callbacks, event.callbacks = event.callbacks, None
        if when != env._now or when.__class__ is not env._now.__class__:
            if callbacks is CANCELLED:  # not there: the clock stays
                return
            env._now = when
            if TIMES:
                forget_times()
        for callback in callbacks:
            callback(event)
        if not event._ok and not hasattr(event, "_defused"):
            raise _failure(event)

    def advance(self, seconds: float) -> None:
        """Move virtual time forward by `seconds`, running everything due meanwhile.

        `seconds` must be a finite duration (`fakecloud.bounds.finite_seconds`); anything else
        is an `OutOfRange` error and the clock does not move. Called while another thread runs
        the clock, it waits for that run to end and then runs to the time it was due (`seconds`
        from when it was called), so threads sleeping at once wake together.
        """
        if seconds.__class__ is not float or not 0.0 <= seconds <= MAX_SECONDS:
            # anything but a float in range (an int, NaN, text...): made float, or refused
            seconds = finite_seconds(seconds, "advance")
        env = self.env
        start = env._now
        self.clock.check_horizon(start + seconds, "advance")
        self._drive()  # `driving()`'s marks without its object: a client's every sleep comes here
        try:
            if env._now != start:  # another thread's run moved the clock while this one waited
                seconds = max(0.0, start + seconds - env._now)
            target = env._now + seconds
            queue = env._queue  # env.peek() without a call per step
            choices = self.choices
            while queue and queue[0][0] <= target:
                if choices.chance.tie_order:
                    env.step()
                    continue
                # simpy's Environment.step, inline (as in _run_to): a client's time.sleep runs
                # here, and every event of the work it waits on paid two calls more.
                when, _, _, event = heappop(queue)
                callbacks, event.callbacks = event.callbacks, None
                if when != env._now or when.__class__ is not env._now.__class__:
                    if callbacks is CANCELLED:  # not there: the clock stays
                        continue
                    env._now = when  # else the instant keeps one time object (run_until_idle)
                    if TIMES:  # shared at the last instant (`fakecloud.sim.instants`)
                        forget_times()
                try:
                    for callback in callbacks:
                        callback(event)
                except StopSimulation:
                    _requeue_rest(env, event, callbacks, callback)
                    raise
                if not event._ok and not hasattr(event, "_defused"):
                    raise _failure(event)
            # Unlike env.run(until=...), events due exactly at the target have run; simpy has no
            # public way to move its clock to a time where nothing is scheduled.
            env._now = target
        finally:
            self._driven()

    def run_until_idle(self, cap_s: float | None = None) -> float:
        """Run until no simulated process is alive; returns the virtual time reached.

        Raises `SimulationNotIdle`, naming the live processes, when more than `cap_s` virtual
        seconds (default ``kernel.idle_cap_s``) would pass, or when processes wait on events
        that nothing will ever trigger (a stalled upload, a lost reply with no timeout).

        With many processes alive at the start (a storm: thousands of flows in flight at once),
        Python's collector walks its middle and oldest generations less often while this runs
        (`fakecloud.sim.collector`), and leaves what existed when the run started out of those
        walks (``gc.freeze``; see `_StormCollections`); its thresholds are restored and those
        objects thawed after.
        """
        cap = self.config.kernel.idle_cap_s if cap_s is None else finite_seconds(cap_s, "cap_s")
        env = self.env
        limit = env._now + cap
        queue = env._queue  # env.peek() without a call per step
        # Chance's tie order replaces env.step (`_chance_started`); without it that step is
        # simpy's. (Not read from env.__dict__: that would turn env's attributes into a dict.)
        choices = self.choices
        live = self._live
        # `driving()`'s marks and the storm's collections (`_StormCollections`, which do
        # nothing unless many processes are alive) without their objects and `with`: a
        # flow's every run until idle comes here, most of them with a few processes alive.
        self._drive()
        try:
            storm = None
            if collector.spaced(len(live)):
                storm = _StormCollections(len(live))
                storm.__enter__()
            try:
                while live:
                    # (an empty queue, or a head never due, told apart only past the limit, which
                    # is finite (a cap is at most `MAX_SECONDS`): a step tests the head once)
                    if not queue or queue[0][0] > limit:
                        if not queue or queue[0][0] == _NEVER:
                            raise SimulationNotIdle(
                                f"the cloud can never become idle (t={secs(env.now)}): these "
                                f"processes wait on events nothing will trigger: "
                                f"{self._describe_live()}",
                                self.running(),
                            )
                        if cancel.pop_head(queue):  # nothing is due then: look again
                            continue
                        raise SimulationNotIdle(
                            f"the cloud is not idle after {cap:g} virtual seconds "
                            f"(t={secs(env.now)}); "
                            f"still running: {self._describe_live()}",
                            self.running(),
                        )
                    if choices.chance.tie_order:
                        env.step()
                        continue
                    # simpy's Environment.step, inline (as in _run_to)
                    when, _, _, event = heappop(queue)
                    callbacks, event.callbacks = event.callbacks, None
                    if when != env._now or when.__class__ is not env._now.__class__:
                        if callbacks is CANCELLED:  # not there: the clock stays
                            continue
                        # An equal time keeps the instant's float: flows in lockstep (a storm)
                        # compute each instant apart, and every row stamped then keeps the time.
                        env._now = when
                        if TIMES:  # shared at the last instant (`fakecloud.sim.instants`)
                            forget_times()
                    try:
                        for callback in callbacks:
                            callback(event)
                    except StopSimulation:
                        _requeue_rest(env, event, callbacks, callback)
                        raise
                    if not event._ok and not hasattr(event, "_defused"):
                        raise _failure(event)
            finally:
                if storm is not None:
                    storm.__exit__(None, None, None)
        finally:
            self._driven()
        return env._now

    def _describe_live(self, most: int = 10) -> str:
        names = self.running()
        shown = ", ".join(names[:most])
        return shown + (f" and {len(names) - most} more" if len(names) > most else "")

    def driving(self) -> _Driving:
        """Context manager held while something drives the clock; a nested drive (simulated
        work calling ``time.sleep``) raises `ReentrantClockError` instead of deadlocking."""
        return _Driving(self)


#: The types of a time `Kernel.at` and `Kernel.after` take as they are (checked otherwise).
_NUMBERS = (int, float)

#: How many times `Kernel.kill` closes a generator whose ``finally`` blocks wait.
_CLOSE_TRIES = 8


def _requeue_rest(env: Any, event: Any, callbacks: list, stopped_at: Any) -> None:
    """What simpy's step does when a callback stops the run: the event's remaining callbacks
    run when the simulation resumes (the event queued again, most urgent)."""
    event.callbacks = callbacks[callbacks.index(stopped_at) + 1 :]
    # ``env.schedule(event, EventPriority(-1))`` without its two calls (the same entry:
    # ``EventPriority`` is a NewType of int, and ``schedule`` adds its delay, 0)
    heappush(env._queue, (env._now + 0, -1, next(env._eid), event))


def _failure(event: Any) -> BaseException:
    """What simpy's step raises for a failed event nobody defused: a copy of its exception."""
    exc = type(event._value)(*event._value.args)
    exc.__cause__ = event._value
    return exc


_new_event = object.__new__

#: The time of an event that never comes (an empty queue's next).
_NEVER = float("inf")


class _Sleep(list):
    """A wait made by `Kernel.timeout`, which is its own list of callbacks.

    A process that yields it appends its resume to ``callbacks``, as to any simpy event's;
    here that list is the wait itself, so a wait in flight is one object for the collector,
    not a ``Timeout`` and a list (a storm keeps every flow's current wait across all the
    others' steps, so each is promoted and walked by the full collections). It has what
    simpy's steps and processes read of an event (``callbacks``, ``_ok``, ``_value``), not
    the rest of `simpy.Event`: only to be yielded. It equals only itself."""

    __slots__ = ("callbacks", "_delay")
    _ok = True
    _value = None
    __hash__ = object.__hash__
    __eq__ = object.__eq__
    __ne__ = object.__ne__


resume_module.WAIT = _Sleep  # `resume`'s test for a wait (that module cannot import this one)


def _plain_timeout(env: simpy.Environment, delay: float) -> simpy.Timeout:
    """The simpy ``Timeout`` a `_Sleep` stands for, with no one waiting, not queued."""
    event = _new_event(simpy.Timeout)
    event.env = env  # the fields in simpy's order, as Timeout.__init__ sets them
    event.callbacks = []
    event._value = None
    event._delay = delay
    event._ok = True
    return event


class _Action:
    """A scheduled call of ``action()``: a record rather than a closure, so that a saved cloud
    keeps what is scheduled on its clock (`fakecloud.state`)."""

    __slots__ = ("action",)

    def __init__(self, action: Callable[[], Any]):
        self.action = action

    def __call__(self, _event: Any) -> None:
        self.action()


class _StormCollections:
    """While a run until idle starts with many processes alive (a storm), Python's collector
    waits longer between its middle and oldest generations' collections, as the processes
    alive ask (`fakecloud.sim.collector`: a kernel asks so between runs too).

    What exists when the first such run starts (the booted world, the flows as they were
    sent) is also left out of the run's collections (``gc.freeze``) and handed back to the
    oldest generation when the last run ends (``gc.unfreeze``): the world's objects outlive
    any storm, so walking them finds nothing, and a full collection walks only what the run
    made. Cyclic garbage among them waits for the first full collection after the run. A
    process that froze objects of its own (``gc.get_freeze_count()`` not 0) is left as it
    is."""

    __slots__ = ("_live",)

    def __init__(self, live: int):
        self._live = live if collector.spaced(live) else 0

    def __enter__(self) -> None:
        global _GC_RUNS, _GC_FROZEN
        if not self._live:  # Python's default spacing: nothing to widen
            return
        with _GC_LOCK:
            if _GC_RUNS == 0:
                _GC_FROZEN = (
                    bool(gc.get_threshold()[0]) and gc.isenabled() and not gc.get_freeze_count()
                )
                if _GC_FROZEN:
                    gc.freeze()
            _GC_RUNS += 1
            collector.ask(id(self), self._live)

    def __exit__(self, *exc: Any) -> None:
        global _GC_RUNS
        if not self._live:
            return
        with _GC_LOCK:
            _GC_RUNS -= 1
            collector.release(id(self))
            if _GC_RUNS == 0 and _GC_FROZEN:
                gc.unfreeze()


_GC_LOCK = threading.Lock()
_GC_RUNS = 0
_GC_FROZEN = False  # whether the first spaced run froze what existed (and the last thaws it)


class _Driving:
    """Marks the clock as being driven, so a nested drive (a deadlock) fails loudly."""

    __slots__ = ("_kernel",)

    def __init__(self, kernel: Kernel):
        self._kernel = kernel

    def __enter__(self) -> None:
        self._kernel._drive()

    def __exit__(self, *exc: Any) -> None:
        self._kernel._driven()
