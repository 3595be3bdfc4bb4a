"""How `make bench` measures: CPU time over repeated runs, and the record each case leaves.

CPU time (``time.process_time``: this process's user + system time) rather than wall time,
because other work on a shared machine stretches wall time but not the CPU a run needs. Each
case runs several times; the result keeps the median, the minimum, the maximum and the count.
Wall clocks are read here on purpose: this package measures fakecloud, it is not part of it.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Result:
    """One case: its samples' median, min and max in `unit`, the target and the peer's."""

    case: str
    unit: str
    median: float
    min: float
    max: float
    runs: int
    target: float | None = None
    better: str = "higher"
    """``higher`` (a rate: at least the target) or ``lower`` (a cost: at most the target)."""
    peer: dict[str, Any] | None = None
    """The peer's measure of the same case (name, median, min, max, runs), if one exists."""
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool | None:
        """Whether the median meets the target (None: no target)."""
        if self.target is None:
            return None
        return self.median >= self.target if self.better == "higher" else self.median <= self.target

    @property
    def ratio(self) -> float | None:
        """The peer's median over ours for a cost, ours over the peer's for a rate: > 1 means
        fakecloud is faster."""
        if not self.peer or not self.peer.get("median") or not self.median:
            return None
        if self.better == "higher":
            return self.median / self.peer["median"]
        return self.peer["median"] / self.median

    def as_json(self) -> dict[str, Any]:
        """The record written to bench-results.json."""
        out = asdict(self)
        out["ratio"] = self.ratio
        out["ok"] = self.ok
        return out


def summary(samples: list[float]) -> dict[str, float]:
    """Median, min, max and count of `samples`."""
    return {
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "runs": len(samples),
    }


def cpu_seconds(work: Callable[[], Any]) -> float:
    """CPU seconds `work()` takes, the collector running as it does for users."""
    start = time.process_time()
    work()
    return time.process_time() - start


def repeat(work: Callable[[], Any], runs: int, warmup: int = 1) -> list[float]:
    """CPU seconds of `runs` calls of `work` after `warmup` unmeasured ones."""
    for _ in range(warmup):
        work()
    gc.collect()
    return [cpu_seconds(work) for _ in range(runs)]


def rate(case: str, samples_s: list[float], per_run: int, target: float | None) -> Result:
    """A rate case: `per_run` operations per sample, as operations per CPU-second."""
    rates = [per_run / s for s in samples_s]
    return Result(case, "per CPU-s", **summary(rates), target=target, better="higher")


def cost_ms(case: str, samples_s: list[float], target: float | None, per_run: int = 1) -> Result:
    """A cost case: CPU milliseconds per operation."""
    costs = [s * 1000 / per_run for s in samples_s]
    return Result(case, "CPU ms", **summary(costs), target=target, better="lower")
