"""Range checks for times, rates, sizes and counts, shared by every way a number gets in.

A NaN, an infinity or an absurd magnitude given as a time (``cloud.advance(nan)``, a scenario's
``at: .nan``, ``--speed 1e300``, ``POST /fakecloud/advance {"seconds": Infinity}``) would poison
the virtual clock for good, so every entry point checks its numbers here and refuses them with
one clear sentence: the Python API raises `OutOfRange` (a `ConfigError`, hence a `ValueError`),
the control endpoints answer 400 with it, the CLI turns it into a usage error, scenario files
report it at file:line:field, and config sections at ``section.key``.

    >>> finite_seconds(1.5, "advance")
    1.5
    >>> finite_seconds(float("nan"), "advance")
    Traceback (most recent call last):
    ...
    fakecloud.bounds.OutOfRange: advance: expected a number of seconds from 0 to 1e+09, got nan

The limits are generous for any real use and small enough that sums of them stay finite and
calendar times stay representable: one duration is at most `MAX_SECONDS` (about 31.7 years),
a rate at most `MAX_RATE` per second, a count at most `MAX_COUNT`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from fakecloud.errors import ConfigError

#: The longest duration accepted anywhere (virtual seconds, about 31.7 years).
MAX_SECONDS = 1e9
#: The largest rate (bytes, MB, Gbit... per second) or speed factor accepted.
MAX_RATE = 1e15
#: The fastest virtual clock pacing accepted (virtual seconds per wall second: 11.6 days).
MAX_SPEED = 1e6
#: The largest count (items, bytes, quota) accepted: what a signed 64-bit column holds.
MAX_COUNT = 2**63 - 1


class OutOfRange(ConfigError):
    """A number that is not finite, of the wrong type, or outside what the field accepts."""


def _number(value: Any, what: str, bounds: Bounds) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise OutOfRange(f"{what}: expected {bounds.describe()}, got {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise OutOfRange(f"{what}: expected {bounds.describe()}, got {value!r}")
    return value


@dataclass(frozen=True)
class Bounds:
    """An allowed range: `minimum` ≤ x ≤ `maximum` (x > `minimum` when `exclusive`).

    `unit` words the message ("a number of seconds"); `integer` refuses non-whole numbers.
    """

    minimum: float
    maximum: float
    exclusive: bool = False
    unit: str = "a number"
    integer: bool = False

    def describe(self) -> str:
        """The range in words, as messages show it."""
        high = f"{int(self.maximum)}" if self.integer else f"{self.maximum:g}"
        if self.exclusive:
            return f"{self.unit} above {self.minimum:g} and at most {high}"
        return f"{self.unit} from {self.minimum:g} to {high}"

    def check(self, value: Any, what: str) -> Any:
        """`value` if it is in range (an int stays an int), else `OutOfRange` naming `what`."""
        # The range is worded only for a message (a client's every time.sleep checks here).
        number = _number(value, what, self)
        if self.integer and not isinstance(number, int):
            if not float(number).is_integer():
                raise OutOfRange(
                    f"{what}: expected {self.describe()} (a whole number), got {value!r}"
                )
            number = int(number)
        too_low = number <= self.minimum if self.exclusive else number < self.minimum
        if too_low or number > self.maximum:
            why = " (negative)" if number < 0 <= self.minimum else ""
            raise OutOfRange(f"{what}: expected {self.describe()}, got {value!r}{why}")
        return number


SECONDS = Bounds(0.0, MAX_SECONDS, unit="a number of seconds")
POSITIVE_SECONDS = Bounds(0.0, MAX_SECONDS, exclusive=True, unit="a number of seconds")
RATE = Bounds(0.0, MAX_RATE, exclusive=True, unit="a rate")
#: An I/O resource's capacity in bytes per second (0 stalls it): up to the largest rate a
#: config field gives in its unit (``*_gbit_per_s`` of `MAX_RATE`: 1.25e23 B/s, jittered).
THROUGHPUT = Bounds(0.0, MAX_RATE * 1e9, unit="a throughput in bytes per second")
SPEED = Bounds(0.0, MAX_SPEED, unit="a speed factor")
FRACTION = Bounds(0.0, 1.0, unit="a fraction")
COUNT = Bounds(0, MAX_COUNT, unit="a count", integer=True)
POSITIVE_COUNT = Bounds(1, MAX_COUNT, unit="a count", integer=True)
QUOTA = Bounds(-1, MAX_COUNT, unit="a limit (-1: unlimited)", integer=True)
FINITE = Bounds(-MAX_RATE, MAX_RATE, unit="a number")


def finite_seconds(value: Any, what: str, *, positive: bool = False) -> float:
    """`value` as float seconds if it is a finite duration in range, else `OutOfRange`."""
    return float((POSITIVE_SECONDS if positive else SECONDS).check(value, what))


def clock_time(value: Any, what: str, now: float) -> Any:
    """`value` if it is a time on the virtual clock (absolute seconds: ``run(until=...)``, a
    fault rule's ``at`` and ``until``; an int stays an int), else `OutOfRange`: finite, from 0
    to `MAX_SECONDS` after `now`, and to `MAX_SECONDS` at least. Checked as a duration, a time
    was refused once the clock had been advanced past `MAX_SECONDS`, however near."""
    if now <= 0.0:
        return SECONDS.check(value, what)
    return Bounds(0.0, max(MAX_SECONDS, now + MAX_SECONDS), unit=SECONDS.unit).check(value, what)


def finite_rate(value: Any, what: str) -> float:
    """`value` as a float rate (> 0, finite, at most `MAX_RATE`), else `OutOfRange`."""
    return float(RATE.check(value, what))


def speed_factor(value: Any, what: str = "speed") -> float:
    """A virtual-per-wall speed factor (0 allowed: time moves only on demand)."""
    return float(SPEED.check(value, what))


def for_field(name: str, default: Any) -> Bounds | None:
    """The bounds a config field gets from its name and default when it declares none.

    ``*_per_s`` is a rate, ``*_poll_s``/``*_interval_s`` a positive duration, ``*_s`` a
    duration, ``*_fraction`` a fraction, ``quota_*`` a limit where -1 means unlimited, any
    other whole number a count and any other float a finite number.
    """
    if isinstance(default, bool) or not isinstance(default, (int, float)):
        return None
    if name.endswith("_per_s"):
        return RATE
    if name.endswith(("_poll_s", "_interval_s")):
        return POSITIVE_SECONDS
    if name.endswith("_s"):
        return SECONDS
    if name.endswith("_fraction"):
        return FRACTION
    if isinstance(default, int):
        unlimited = name.startswith("quota_") or name.endswith("_quota") or default < 0
        return QUOTA if unlimited else COUNT
    return FINITE
