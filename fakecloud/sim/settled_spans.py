"""The spans of virtual time a served cloud settled in, which its calendar does not count.

``fakecloud serve --settle`` runs the cloud until idle after each request: a server's build
takes its virtual seconds at once, between two wall-clock instants. A calendar that counted
them would run ahead of the wall clock by every build so far, and a client comparing the
cloud's dates with its own clock (``nova list --changes-since`` the time it booted a server,
``usage`` over the window it booted two in) finds the cloud's work dated in its future. So the
calendar stands still while a request is answered and settled: every virtual second of the
span is the calendar time of its start, and the calendar goes on from there at the pace of
the clock (the wall clock times ``--speed``). At speed 1 the served calendar then never runs
ahead of the wall clock.

    >>> spans = SettledSpans()
    >>> spans.open(10.0); spans.close(40.0)   # a request at t=10 settled at t=40
    >>> spans.skipped(25.0, now=60.0), spans.skipped(50.0, now=60.0)
    (15.0, 30.0)
    >>> spans.virtual(10.0, now=60.0)          # calendar second 10 is t=10 to t=40: the last
    40.0

A span is opened at the virtual second the request arrives and closed once its work is done,
so every time stamped meanwhile reads as that start. Only seconds not yet reached move when a
later span opens; a second that has passed keeps its calendar time. Traces keep virtual time.
"""

from __future__ import annotations

from bisect import bisect_right


class SettledSpans:
    """Closed spans ``[start, end]`` of virtual time (sorted, disjoint) and an open one."""

    _starts: list[float]
    _lengths: list[float]
    #: `skipped` at each span's start: the lengths of the spans before it.
    _before: list[float]
    #: Each span's calendar second (virtual second minus what was skipped before it).
    _calendar: list[float]
    _open: float | None

    def __init__(self) -> None:
        self._starts = []
        self._lengths = []
        self._before = []
        self._calendar = []
        self._open = None

    def open(self, now: float) -> None:
        """A request arrives at virtual second `now`: the calendar stands still from here."""
        self._open = now

    def close(self, now: float) -> None:
        """The request's work is done at virtual second `now`: the calendar goes on from here."""
        start, self._open = self._open, None
        if start is None or now <= start:
            return
        skipped = self._total()
        if self._starts and self._starts[-1] + self._lengths[-1] == start:
            self._lengths[-1] += now - start  # back to back with the last one: one span
            return
        self._starts.append(start)
        self._lengths.append(now - start)
        self._before.append(skipped)
        self._calendar.append(start - skipped)

    def _total(self) -> float:
        return self._before[-1] + self._lengths[-1] if self._starts else 0.0

    def skipped(self, virtual_s: float, now: float) -> float:
        """How many of the virtual seconds before `virtual_s` the calendar does not count;
        `now` is the clock's now, as far as an open span reaches so far."""
        i = bisect_right(self._starts, virtual_s) - 1
        out = 0.0 if i < 0 else self._before[i] + min(virtual_s - self._starts[i], self._lengths[i])
        if self._open is not None and virtual_s > self._open:
            out += min(virtual_s, now) - self._open
        return out

    def virtual(self, calendar_s: float, now: float) -> float:
        """The last virtual second whose calendar second (seconds from the epoch, the
        calendar's count) is `calendar_s`: a span's own calendar second reaches to its end,
        where the calendar goes on. `now` is the clock's now, as for `skipped`."""
        i = bisect_right(self._calendar, calendar_s) - 1
        out = calendar_s if i < 0 else calendar_s + self._before[i] + self._lengths[i]
        if self._open is not None and out >= self._open:
            out += now - self._open
        return out
