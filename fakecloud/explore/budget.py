"""The explorer's one use of real time: a wall-clock budget and the seeds-per-second rate.

Runs themselves never read the wall clock (their time is virtual); how many seeds fit in
``--time-budget`` seconds, and how fast they go, are facts about the machine running them.
"""

from __future__ import annotations

import time


class Budget:
    """Real seconds since it started, against an optional limit."""

    def __init__(self, limit_s: float | None = None):
        self.limit_s = limit_s
        self._start = time.monotonic()
        self.until = None if limit_s is None else time.time() + limit_s
        """When the limit is reached, in seconds since the epoch (None: no limit): what a
        worker process, here or on another machine of a Dask cluster, compares its own clock
        with (`past`) before each seed of a batch."""

    @property
    def elapsed(self) -> float:
        """Real seconds since the start."""
        return time.monotonic() - self._start

    def spent(self) -> bool:
        """Whether the limit (if any) has been reached."""
        return self.limit_s is not None and self.elapsed >= self.limit_s

    def rate(self, count: int) -> float:
        """`count` per real second so far."""
        return count / self.elapsed if self.elapsed > 0 else 0.0


def past(until: float) -> bool:
    """Whether the clock of the machine this runs on has reached `until` (`Budget.until`): a
    batch under way starts no more seeds then (`fakecloud.explore.runner.run_batch`)."""
    return time.time() >= until
