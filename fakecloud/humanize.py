"""Numbers as a person reads them in reports and messages (traces keep the exact values).

>>> secs(7.154999999999998), secs(0.10715136), secs(2.0)
('7.155', '0.107', '2')
>>> detail("duration_s", 0.10715136), detail("requested_at", 10.291, t0=10.189)
('0.107', '0.102')
>>> counted(1, "seed"), counted(3, "seed"), counted(0, "run")
('1 seed', '3 seeds', '0 runs')
>>> clipped("referenced by no image", 16)
'referenced by n…'
"""

from __future__ import annotations

from typing import Any

#: Trace details that are instants on the virtual clock (not durations or rates).
INSTANTS = frozenset({"requested_at"})


def secs(seconds: float) -> str:
    """Virtual seconds rounded to the millisecond, without trailing zeros."""
    text = f"{seconds:.3f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def counted(n: int, noun: str) -> str:
    """`n` and `noun`, plural unless `n` is 1 ("1 run", "2 runs")."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def clipped(text: str, width: int) -> str:
    """`text`, or its first `width` - 1 characters and "…" when it is longer: a cut line says
    it was cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def detail(key: str, value: Any, t0: float = 0.0) -> Any:
    """A trace event's detail `key`: `value` as a report shows it: a number with a fraction
    rounded to the millisecond, an instant counted from `t0` as the report's times are;
    anything else unchanged."""
    if isinstance(value, float):
        return secs(value - t0 if key in INSTANTS else value)
    return value
