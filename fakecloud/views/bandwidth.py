"""Bandwidth over time on each I/O resource, read back from the trace.

The trace says when each transfer started (``io.start``: size, path), stalled, resumed, failed
or finished, and each resource's throughput (``io.resource`` when it is made, ``io.capacity``
when it changes). Between two such instants every rate is constant, and the rates are the
max-min fair ones (`fakecloud.sim.io`), so this module recomputes them at each instant by plain
progressive filling over the transfers running then: the scarcest resource is split evenly,
what its flows cannot use goes to the others. A resource whose throughput the trace does not
give (a trace from before ``io.resource`` existed) falls back to each transfer's average rate.

    >>> usage = bandwidth(events)
    >>> usage["glance.store"].points[:2]     # (t, bytes/s in use)
    [(5.689, 125000000.0), (6.719, 0.0)]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

_CHANGES = ("io.start", "io.finish", "io.fail", "io.stall", "io.resume", "io.capacity")


@dataclass
class Usage:
    """One resource: its throughput over time and the rate of each transfer crossing it.

    `points` is a step function: ``(t, total bytes/s)`` holding until the next point;
    `flows` maps a transfer id to its own ``(t, bytes/s)`` steps; `capacity` is a step function
    of the throughput (empty when the trace does not give it).
    """

    name: str
    points: list[tuple[float, float]] = field(default_factory=list)
    flows: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    capacity: list[tuple[float, float]] = field(default_factory=list)

    @property
    def peak(self) -> float:
        """The highest throughput in use or available."""
        values = [v for _, v in self.points] + [v for _, v in self.capacity]
        return max(values, default=0.0)


@dataclass
class _Flow:
    id: str
    path: tuple[str, ...]
    size: float
    start: float
    end: float | None = None


def max_min_rates(flows: dict[str, tuple[str, ...]], capacity: dict[str, float]) -> dict:
    """The max-min fair rate of each flow (id → bytes/s) over resources of `capacity`."""
    left = {r: capacity[r] for path in flows.values() for r in path}
    crossing: dict[str, set[str]] = {}
    for fid, path in flows.items():
        for r in path:
            crossing.setdefault(r, set()).add(fid)
    rates: dict[str, float] = {}
    while crossing:
        bottleneck = min(crossing, key=lambda r: (left[r] / len(crossing[r]), r))
        share = max(0.0, left[bottleneck] / len(crossing[bottleneck]))
        for fid in sorted(crossing[bottleneck]):
            rates[fid] = share
            for r in flows[fid]:
                left[r] -= share
                users = crossing.get(r)
                if users is not None:
                    users.discard(fid)
                    if not users:
                        del crossing[r]
    return rates


def bandwidth(events: Iterable[dict[str, Any]]) -> dict[str, Usage]:
    """Each resource that carried a transfer → its `Usage`, in order of first use."""
    capacity: dict[str, float] = {}
    cap_steps: dict[str, list[tuple[float, float]]] = {}
    flows: dict[str, _Flow] = {}
    running: dict[str, _Flow] = {}
    moments: list[tuple[float, dict[str, float]]] = []
    last_t: float | None = None
    pending = False

    def settle(t: float) -> None:
        moments.append((t, _rates(running, capacity)))

    for e in events:
        kind = e["kind"]
        if kind == "io.resource" or kind == "io.capacity":
            name = str(e["subject"])
            capacity[name] = float(e.get("bytes_per_s") or 0.0)
            cap_steps.setdefault(name, []).append((e["t"], capacity[name]))
            if kind == "io.resource":
                continue
        elif kind not in _CHANGES:
            continue
        t = e["t"]
        if pending and last_t is not None and t != last_t:
            settle(last_t)
            pending = False
        fid = str(e["subject"])
        if kind == "io.start":
            flow = _Flow(fid, tuple(e.get("path") or ()), float(e.get("size") or 0), t)
            flows[fid] = running[fid] = flow
        elif kind in ("io.finish", "io.fail"):
            flow = running.pop(fid, None) or flows.get(fid)
            if flow is not None:
                flow.end = t
        elif kind == "io.stall":
            running.pop(fid, None)
        elif kind == "io.resume" and fid in flows:
            running[fid] = flows[fid]
        last_t, pending = t, True
    if pending and last_t is not None:
        settle(last_t)
    return _usages(flows, moments, cap_steps)


def _rates(running: dict[str, _Flow], capacity: dict[str, float]) -> dict[str, float]:
    known = {fid: f.path for fid, f in running.items() if all(r in capacity for r in f.path)}
    rates = max_min_rates(known, capacity) if known else {}
    for fid, f in running.items():
        if fid not in rates:  # no throughput in the trace: the transfer's average rate
            took = (f.end - f.start) if f.end is not None else 0.0
            rates[fid] = f.size / took if took > 0 else 0.0
    return rates


def _usages(
    flows: dict[str, _Flow],
    moments: list[tuple[float, dict[str, float]]],
    cap_steps: dict[str, list[tuple[float, float]]],
) -> dict[str, Usage]:
    usages: dict[str, Usage] = {}
    for f in flows.values():
        for r in f.path:
            if r not in usages:
                usages[r] = Usage(r, capacity=cap_steps.get(r, []))
    before: set[str] = set()
    busy: set[str] = set()  # resources in use after the previous moment
    for t, rates in moments:
        totals: dict[str, float] = dict.fromkeys(busy, 0.0)
        for fid, rate in rates.items():
            for r in flows[fid].path:
                totals[r] = totals.get(r, 0.0) + rate
                _step(usages[r].flows.setdefault(fid, []), t, rate)
        for fid in before.difference(rates):
            for r in flows[fid].path:
                _step(usages[r].flows[fid], t, 0.0)
        for r, total in totals.items():
            _step(usages[r].points, t, total)
        before = set(rates)
        busy = {r for fid in rates for r in flows[fid].path}
    return usages


def _step(points: list[tuple[float, float]], t: float, value: float) -> None:
    """Append a step, replacing one at the same instant and skipping an unchanged value."""
    if points and points[-1][0] == t:
        points[-1] = (t, value)
        if len(points) > 1 and points[-2][1] == value:
            points.pop()
    elif not points or points[-1][1] != value:
        points.append((t, value))
