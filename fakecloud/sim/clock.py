"""The clock bridge: while it is bound, Python's own clocks read the simulation's virtual time.

Inside ``with cloud.clock():`` (and inside every cloud context built on it, such as
``cloud.intercept()``), ``datetime.datetime.now()``/``utcnow()``, ``datetime.date.today()``,
``time.time()``, ``time.gmtime()``, ``time.localtime()`` and ``time.strftime()`` read the virtual
clock (through time-machine, which patches the C functions themselves, so a module that did
``from datetime import datetime`` or ``from time import time`` reads it too), naive local time is
UTC, ``time.monotonic()`` and ``time.perf_counter()`` (called as attributes of ``time``) advance
with it, and ``time.sleep(s)`` advances the simulation by `s` seconds, running everything due
meanwhile, and returns at once in wall time. Real client code (openstacksdk's wait loops,
keystoneauth's token expiry checks) therefore runs unchanged on virtual time. Binding costs the
same whatever the process has imported (no module is scanned).

pytest's own timers keep the wall clock: they hold ``perf_counter`` from before any binding, so
``--durations`` and the run's total are real.

    >>> with cloud.clock():
    ...     time.sleep(3600)        # returns at once; cloud.now advanced by 3600 s
"""

from __future__ import annotations

import datetime
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from fakecloud import late
from fakecloud.bounds import OutOfRange
from fakecloud.config import config_section
from fakecloud.errors import ConfigError
from fakecloud.sim.settled_spans import SettledSpans


@config_section("clock")
@dataclass(frozen=True)
class ClockConfig:
    """Where virtual second 0 sits on the calendar (UTC, ISO 8601)."""

    epoch: str = "2026-01-01T00:00:00Z"
    """The calendar time of virtual second 0, UTC, ISO 8601: every timestamp a service writes
    (``created_at``, a token's ``expires_at``) counts from it."""


#: The latest calendar time a virtual clock may reach (what ``datetime`` and HTTP dates hold).
LAST_CALENDAR_TIME = datetime.datetime(9999, 1, 1)

#: The ``time`` attributes a binding replaces with readings of virtual time (time-machine
#: covers the calendar clocks; these are the interval clocks clients time their waits with).
_INTERVAL_CLOCKS = ("monotonic", "monotonic_ns", "perf_counter", "perf_counter_ns")


def parse_epoch(text: str) -> datetime.datetime:
    """The naive-UTC datetime of an ISO 8601 epoch such as ``2026-01-01T00:00:00Z``;
    `ConfigError` if it is not one."""
    try:
        value = datetime.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    except (ValueError, OverflowError):
        raise ConfigError(
            f"config clock.epoch: expected an ISO 8601 UTC time such as "
            f"2026-01-01T00:00:00Z, got {text!r}"
        ) from None
    if not datetime.datetime(1970, 1, 1) <= value <= datetime.datetime(9000, 1, 1):
        raise ConfigError(f"config clock.epoch: expected a time from 1970 to 9000, got {text!r}")
    return value


@lru_cache(maxsize=64)
def _epoch_of(text: str) -> datetime.datetime:
    """`parse_epoch` once per text (a datetime is immutable): every cloud reads its epoch."""
    return parse_epoch(text)


_TRAVELLER: list[type] = []  # made at the first binding of a process (see _traveller)


def _traveller() -> tuple[Any, type]:
    """time-machine, and its traveller whose destination is the epoch plus the simulation's now.

    Imported when a clock is first bound, not with fakecloud: time-machine imports pytest and
    dateutil when they are installed (~0.13 CPU-s), which a process that never binds a clock
    (``fakecloud serve``, ``run``, ``demo``, an explorer's worker) has no use for. Found
    through `fakecloud.late.module` (the one ``sys.modules`` holds now, 086252c7), not an
    import statement: every intercept's enter comes here (a statement is ~5,000 instructions)."""
    time_machine = late.module("time_machine")

    if not _TRAVELLER:

        class _VirtualTraveller(time_machine.Traveller):
            _kernel: Any
            _epoch_ns: int

            def time_ns(self) -> int:
                return self._epoch_ns + round(self._kernel.env.now * 1_000_000_000)

        _TRAVELLER.append(_VirtualTraveller)
    return time_machine, _TRAVELLER[0]


def _format(when: datetime.datetime, fmt: str) -> str:
    """``when.strftime(fmt)``; the two formats the services stamp records with are cut from
    ``isoformat()`` instead (strftime with ``%f`` costs several times more)."""
    if when.year >= 1000:  # %Y pads nothing; isoformat pads the year to four digits
        if fmt == "%Y-%m-%dT%H:%M:%S.%f":
            text = when.isoformat()
            return text if when.microsecond else text + ".000000"
        if fmt == "%Y-%m-%dT%H:%M:%SZ":
            return when.isoformat()[:19] + "Z"
    return when.strftime(fmt)


_timedelta = datetime.timedelta
#: Half a second: MySQL rounds a fraction of .5 or more up as it stores it (`stored_time`).
_HALF_SECOND = datetime.timedelta(microseconds=500_000)


def stored_time(moment: datetime.datetime) -> datetime.datetime:
    """What MySQL keeps of `moment` in a ``DATETIME`` column without a fraction of a second
    (Nova's, Cinder's and Glance's ``DateTime`` columns): the nearest whole second, a half
    rounded up. MySQL 5.6.4 on rounds a time with more fractional digits than its column has
    as it stores it ("Fractional Seconds in Time Values"; devstack's database on Ubuntu);
    MariaDB and ``TIME_TRUNCATE_FRACTIONAL`` truncate instead. Every time a service's API reads
    back from such a column shows it, and its filters compare it: a server saved at
    ``12:00:04.6`` shows ``12:00:05Z`` and is listed ``changes-since=12:00:04.9``."""
    return (moment + _HALF_SECOND).replace(microsecond=0)


class ClockOrderError(RuntimeError):
    """A binding of Python's clocks that would break another: another cloud's clock bound by
    another thread, or a clock left while a later one is bound over it. Nothing was changed."""


#: Held while a binding patches or unpatches Python's clocks (the whole process's) and counts:
#: threads binding one cloud's clock at once raced the count, and the last to leave met
#: "'NoneType' object has no attribute 'stop'" with time-machine left travelling for good.
_BINDING = threading.RLock()
#: The clocks bound now, innermost last (each patched over the one before), with the thread
#: that bound each.
_BOUND: list[tuple[ClockBridge, threading.Thread]] = []


def _check_may_bind() -> None:
    """`ClockOrderError` if another cloud's clock is bound by another thread: binding this one
    over it from here, the two would be left in an order neither could undo (``time.sleep``
    kept on a cloud's clock, or the calendar on its epoch, for good)."""
    if _BOUND and _BOUND[-1][1] is not threading.current_thread():
        raise ClockOrderError(
            f"another cloud's clock is bound, by thread {_BOUND[-1][1].name!r}, and Python's "
            "clocks are the whole process's: one cloud's at a time (threads may share one: "
            "bind the same cloud's clock, or bind it once around them); nothing was changed"
        )


class ClockBridge:
    """Binds Python's clocks and ``time.sleep`` to one kernel's virtual time; re-entrant, and
    shared by threads (each may bind it; the last to leave unbinds). Another cloud's clock
    binds over it only in the thread that bound it, and is left first (`ClockOrderError`)."""

    _formatted: dict[tuple[float, str], str]
    _stored: dict[tuple[float, str], str]
    #: Server mode's `SettledSpans` when settling takes no calendar time; None: the calendar
    #: is the epoch plus virtual time (as the clocks a binding patches read).
    settled: SettledSpans | None
    _travel: Any
    _real: dict[str, Any]

    def __init__(self, kernel: Any, config: ClockConfig):
        self._kernel = kernel
        epoch = config.epoch
        self.epoch = _epoch_of(epoch) if type(epoch) is str else parse_epoch(epoch)
        self._formatted = {}
        self._stored = {}
        self.settled = None
        self._depth = 0
        self._travel = None
        self._real = {}

    def set_epoch(self, epoch: datetime.datetime) -> None:
        """Move the whole calendar: virtual second 0 is `epoch` (naive UTC) from now on
        (server mode puts a loaded cloud's now at the wall-clock time it is served)."""
        if self._depth:
            raise RuntimeError("the calendar cannot move while the clock is bound")
        self.epoch = epoch
        self._formatted.clear()
        self._stored.clear()

    def check_horizon(self, virtual_s: float, what: str) -> None:
        """`OutOfRange` if virtual second `virtual_s` lies past the last calendar time."""
        horizon = (LAST_CALENDAR_TIME - self.epoch).total_seconds()
        if virtual_s > horizon:
            raise OutOfRange(
                f"{what}: the virtual clock would pass {LAST_CALENDAR_TIME:%Y-%m-%d} "
                f"(t={virtual_s:g} s; the clock may reach t={horizon:g} s)"
            )

    def wall_time(self, virtual_s: float | None = None) -> datetime.datetime:
        """The calendar time (naive UTC) of a virtual second (default: now)."""
        now = self._kernel.env.now if virtual_s is None else virtual_s
        if self.settled is not None:
            now -= self.settled.skipped(now, self._kernel.env.now)
        return self.epoch + datetime.timedelta(seconds=now)

    def virtual_time(self, when: datetime.datetime) -> float:
        """The virtual second of calendar time `when` (naive UTC): `wall_time`'s inverse
        (where settling stood the calendar still, the last second it stood at `when`)."""
        seconds = (when - self.epoch).total_seconds()
        if self.settled is not None:
            return self.settled.virtual(seconds, self._kernel.env.now)
        return seconds

    def strftime(self, virtual_s: float, fmt: str) -> str:
        """``wall_time(virtual_s).strftime(fmt)``, remembered: services stamp many records
        at one instant, and a flow formats the same few instants again and again."""
        if self.settled is not None:  # a second not yet reached moves as spans settle
            return _format(self.wall_time(virtual_s), fmt)
        key = (virtual_s, fmt)
        text = self._formatted.get(key)
        if text is None:
            if len(self._formatted) >= 512:
                self._formatted.clear()
            # wall_time(virtual_s), without its call: a flow meets a new instant at most stamps
            when = self.epoch + _timedelta(seconds=virtual_s)
            text = self._formatted[key] = _format(when, fmt)
        return text

    def stored_strftime(self, virtual_s: float, fmt: str) -> str:
        """`strftime` of what a database's ``DATETIME`` column keeps of virtual second
        `virtual_s` (`stored_time`), remembered as `strftime` remembers."""
        if self.settled is not None:
            return _format(stored_time(self.wall_time(virtual_s)), fmt)
        key = (virtual_s, fmt)
        text = self._stored.get(key)
        if text is None:
            if len(self._stored) >= 512:
                self._stored.clear()
            when = stored_time(self.epoch + _timedelta(seconds=virtual_s))
            text = self._stored[key] = _format(when, fmt)
        return text

    def __enter__(self) -> ClockBridge:
        with _BINDING:
            if self._depth == 0:
                _check_may_bind()
                self._bind()
                _BOUND.append((self, threading.current_thread()))
            self._depth += 1
        return self

    def __exit__(self, *exc: Any) -> None:
        with _BINDING:
            if self._depth == 0:  # below 0, the next `with` would not bind: real time, real sleeps
                raise RuntimeError("the clock is not bound: it was left more often than entered")
            if self._depth == 1 and _BOUND[-1][0] is not self:
                raise ClockOrderError(
                    "this cloud's clock was bound before another cloud's, still bound: leave "
                    "that one first (each patched Python's clocks over the one before); "
                    "nothing was changed"
                )
            self._depth -= 1
            if self._depth == 0:
                _BOUND.pop()
                self._unbind()

    def _bind(self) -> None:
        """Patch Python's clocks (time-machine for the calendar ones) to read this kernel's."""
        epoch = self.epoch.replace(tzinfo=datetime.UTC)
        time_machine, virtual = _traveller()
        self._travel = time_machine.travel(epoch, tick=False)
        traveller = self._travel.start()
        # The traveller stays where time-machine put it (its stop undoes its time zone);
        # only its reading changes, to follow the simulation.
        traveller.__class__ = virtual
        traveller._kernel = self._kernel
        traveller._epoch_ns = traveller._destination_timestamp_ns
        self._real = {name: getattr(time, name) for name in (*_INTERVAL_CLOCKS, "sleep")}
        time.monotonic = time.perf_counter = self._virtual_seconds
        time.monotonic_ns = time.perf_counter_ns = self._virtual_ns
        time.sleep = self._sleep

    def _unbind(self) -> None:
        """Put back what `_bind` replaced."""
        for name, real in self._real.items():
            setattr(time, name, real)
        self._real = {}
        self._travel.stop()
        self._travel = None

    def _virtual_seconds(self) -> float:
        return self._kernel.env.now

    def _virtual_ns(self) -> int:
        return round(self._kernel.env.now * 1_000_000_000)

    def _sleep(self, seconds: float) -> None:
        try:
            negative = seconds < 0
        except TypeError:  # was "'<' not supported between 'str' and 'int'"
            raise TypeError(f"time.sleep: expected a number of seconds, got {seconds!r}") from None
        if negative:
            raise ValueError("sleep length must be non-negative")
        try:
            self._kernel.advance(seconds)
        except OutOfRange as exc:  # NaN, inf, past the calendar: named as the caller wrote it
            text = str(exc)
            if not text.startswith("advance: "):
                raise
            raise OutOfRange("time.sleep: " + text.removeprefix("advance: ")) from None
