"""The clock bridge: while it is bound, Python's own clocks read the simulation's virtual time.

Inside ``with cloud.clock():`` (and inside every cloud context built on it, such as
``cloud.intercept()``), ``datetime.datetime.now()``/``utcnow()``, ``datetime.date.today()``,
``time.time()``, ``time.monotonic()`` and ``time.perf_counter()`` read the virtual clock through
freezegun, and ``time.sleep(s)`` advances the simulation by `s` seconds, running everything due
meanwhile, and returns at once in wall time. Real client code (openstacksdk's wait loops,
keystoneauth's token expiry checks) therefore runs unchanged on virtual time.

    >>> with cloud.clock():
    ...     time.sleep(3600)        # returns at once; cloud.now advanced by 3600 s
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from typing import Any

from fakecloud.bounds import OutOfRange
from fakecloud.config import config_section
from fakecloud.errors import ConfigError


@config_section("clock")
@dataclass(frozen=True)
class ClockConfig:
    """Where virtual second 0 sits on the calendar (UTC, ISO 8601)."""

    epoch: str = "2026-01-01T00:00:00Z"


#: The latest calendar time a virtual clock may reach (what ``datetime`` and HTTP dates hold).
LAST_CALENDAR_TIME = datetime.datetime(9999, 1, 1)

#: Modules whose clock reads stay on the wall clock while a cloud's clock is bound: pytest's own
#: timers (``--durations``, the run's total) measure the test run, not the simulation.
#: freezegun looks a few frames up from each clock read, so only the timer module itself is
#: named, never ``_pytest`` as a whole (a test body called by pytest must read virtual time).
REAL_TIME_MODULES = ("_pytest.timing",)


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


class _VirtualNow:
    """What freezegun asks for the current time: the epoch plus the simulation's now."""

    def __init__(self, kernel: Any, epoch: datetime.datetime):
        self._kernel = kernel
        self._epoch = epoch
        self._last: tuple[float, datetime.datetime] = (0, epoch)

    def __call__(self) -> datetime.datetime:
        now = self._kernel.env.now
        last_now, last = self._last
        if now != last_now:  # clients read the clock many times per virtual instant
            last = self._epoch + datetime.timedelta(seconds=now)
            self._last = (now, last)
        return last

    # freezegun's factory interface, used by code that holds the factory (tick/move_to):
    def tick(self, delta: Any = 1) -> datetime.datetime:
        seconds = delta.total_seconds() if isinstance(delta, datetime.timedelta) else float(delta)
        self._kernel.advance(seconds)
        return self()

    def move_to(self, target: Any) -> None:
        raise NotImplementedError("virtual time only moves forward through the simulation")


class ClockBridge:
    """Binds freezegun and ``time.sleep`` to one kernel's virtual time; re-entrant."""

    def __init__(self, kernel: Any, config: ClockConfig):
        self._kernel = kernel
        self.epoch = parse_epoch(config.epoch)
        self._formatted: dict[tuple[float, str], str] = {}
        self._depth = 0
        self._freezer: Any = None
        self._real_sleep: Any = None

    def set_epoch(self, epoch: datetime.datetime) -> None:
        """Move the whole calendar: virtual second 0 is `epoch` (naive UTC) from now on
        (server mode puts a loaded cloud's now at the wall-clock time it is served)."""
        if self._depth:
            raise RuntimeError("the calendar cannot move while the clock is bound")
        self.epoch = epoch
        self._formatted.clear()

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
        return self.epoch + datetime.timedelta(seconds=now)

    def strftime(self, virtual_s: float, fmt: str) -> str:
        """``wall_time(virtual_s).strftime(fmt)``, remembered: services stamp many records
        at one instant, and a flow formats the same few instants again and again."""
        key = (virtual_s, fmt)
        text = self._formatted.get(key)
        if text is None:
            if len(self._formatted) >= 512:
                self._formatted.clear()
            text = self._formatted[key] = self.wall_time(virtual_s).strftime(fmt)
        return text

    def __enter__(self) -> ClockBridge:
        if self._depth == 0:
            import freezegun
            import freezegun.api

            self._freezer = freezegun.freeze_time(self.epoch, ignore=list(REAL_TIME_MODULES))
            self._freezer.start()
            # Replace freezegun's fixed-time factory with one that follows the simulation.
            freezegun.api.freeze_factories[-1] = _VirtualNow(self._kernel, self.epoch)
            self._real_sleep = time.sleep
            time.sleep = self._sleep
        self._depth += 1
        return self

    def __exit__(self, *exc: Any) -> None:
        self._depth -= 1
        if self._depth == 0:
            time.sleep = self._real_sleep
            self._freezer.stop()
            self._freezer = None

    def _sleep(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        self._kernel.advance(seconds)
