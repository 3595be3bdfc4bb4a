"""`fakecloud explore`: seeds per second on a race scenario, and the gain of a second worker.

The race is the library's two createImage requests at one instant
(``scenarios/races/concurrent_createimage_500.yaml``, case ``seed-same_instant``) with its
``explore:`` chance: every seed starts from a fork of the booted world, plays the race with
its delays and orders drawn, and checks the expectations and the invariant library.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from measure import Result, rate, repeat, summary

from fakecloud.explore.runner import Executor, batches, prepared

ROOT = Path(__file__).resolve().parents[1]
RACE = ROOT / "scenarios/races/concurrent_createimage_500.yaml"
CASE = "seed-same_instant"


def _ready():
    text = RACE.read_text()
    return text, prepared(text, "scenarios/races/concurrent_createimage_500.yaml", CASE)


def seeds_per_core(quick: bool) -> Result:
    """Explored seeds per CPU-second in one process (target 1,000)."""
    _, ready = _ready()
    per_run, runs = (5, 2) if quick else (200, 5)
    start = [0]

    def work() -> None:
        for seed in range(start[0], start[0] + per_run):
            ready.play(seed)
        start[0] += per_run

    result = rate("explore: seeds of a race, one core", repeat(work, runs), per_run, 1000.0)
    result.note = f"{RACE.name} [{CASE}], forked world, expectations + invariants checked"
    return result


def two_workers(quick: bool) -> Result:
    """Wall-time speed-up of 2 local worker processes over 1 (target 1.8x).

    Wall time on purpose: this is about using a second core. On a machine busy with other
    work the second core is not free and the ratio says so; the note therefore also gives the
    load average and the pool's CPU efficiency (CPU per seed in this process with one worker
    over CPU per seed in the two workers, children included): near 1.0 means the pool adds no
    work of its own (batches, not one seed per task; nothing but the file's text sent), so the
    speed-up on two free cores is close to 2x.
    """
    text, _ = _ready()
    seeds = 16 if quick else 400
    ratios, efficiency = [], []
    for _ in range(1 if quick else 3):
        took, cpu = {}, {}
        for jobs in (1, 2):
            work = batches(
                text,
                "scenarios/races/concurrent_createimage_500.yaml",
                CASE,
                range(seeds),
                max(1, seeds // 16),
                jobs,
            )
            start, before = time.monotonic(), os.times()
            with Executor(jobs) as executor:
                outcomes = [o for batch in executor.map(work) for o in batch]
            took[jobs] = time.monotonic() - start
            after = os.times()
            cpu[jobs] = sum(after[:4]) - sum(before[:4])  # user + system, children included
            assert len(outcomes) == seeds
        ratios.append(took[1] / took[2])
        efficiency.append(cpu[1] / cpu[2])
    return Result(
        "explore: speed-up from 1 to 2 local workers",
        "x (wall)",
        **summary(ratios),
        target=1.8,
        note=(
            f"{seeds} seeds in batches of up to {max(1, seeds // 16)}, smaller toward the end; "
            f"each pool forks its workers from this process, case loaded; CPU efficiency "
            f"{statistics.median(efficiency):.2f}; load average {os.getloadavg()[0]:.1f} "
            f"on {os.cpu_count()} cores"
        ),
        extra={"cpu_efficiency": efficiency, "load_average": os.getloadavg()[0]},
    )
