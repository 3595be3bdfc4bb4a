"""`fakecloud explore`: seeds per second on a race scenario, and the gain of a second worker.

The race is the library's two createImage requests at one instant
(``scenarios/races/concurrent_createimage_500.yaml``, case ``seed-same_instant``) with its
``explore:`` chance: every seed starts from a fork of the booted world, plays the race with
its delays and orders drawn, and checks the expectations and the invariant library.
"""

from __future__ import annotations

import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from measure import Result, rate, repeat, summary

from fakecloud.explore.runner import Batch, Executor, batch_size, batches, prepared, run_batch

ROOT = Path(__file__).resolve().parents[1]
RACE = ROOT / "scenarios/races/concurrent_createimage_500.yaml"
FILE = "scenarios/races/concurrent_createimage_500.yaml"
CASE = "seed-same_instant"


def _ready():
    text = RACE.read_text()
    return text, prepared(text, FILE, CASE)


def seeds_per_core(quick: bool) -> Result:
    """Explored seeds per CPU-second in one process (target 1,000), run as
    ``fakecloud explore`` runs them: a batch of seeds, each played, checked and summed up."""
    text, _ = _ready()
    per_run, runs = (5, 2) if quick else (200, 5)
    start = [0]

    def work() -> None:
        run_batch(Batch(text, FILE, CASE, tuple(range(start[0], start[0] + per_run))))
        start[0] += per_run

    result = rate("explore: seeds of a race, one core", repeat(work, runs), per_run, 1000.0)
    result.note = f"{RACE.name} [{CASE}], forked world, expectations + invariants checked"
    return result


def two_workers(quick: bool) -> Result:
    """Wall-time speed-up of 2 local worker processes over 1 (target 1.8x).

    Wall time on purpose: this is about using a second core. On a machine busy with other
    work the second core is not free and the ratio says so. Linux's autogroup scheduling
    (``/proc/sys/kernel/sched_autogroup_enabled``) shares the CPUs fairly between sessions,
    not processes: this run and its workers are one session, so with two other busy sessions
    on two cores a second worker gets no more CPU than the first had alone.

    The note therefore also gives the load average and two measures in CPU time that do not
    depend on the other sessions: the pool's CPU efficiency (CPU of the one-worker run over
    the CPU of the two-worker run, workers included; near 1.0 means the pool adds no work of
    its own) and the speed-up on two free cores that the CPU times give (the one-worker run's
    CPU over the busier process's: this one, which runs batches too, or its forked worker).
    """
    text, _ = _ready()
    seeds = 16 if quick else 400
    ratios, efficiency, free = [], [], []
    for _ in range(1 if quick else 3):
        took, cpu = {}, {}
        for jobs in (1, 2):
            size = batch_size(seeds, jobs)
            start, before = time.monotonic(), os.times()
            with Executor(jobs) as executor:
                work = batches(text, FILE, CASE, range(seeds), size, jobs, executor.spread)
                outcomes = [o for batch in executor.map(work) for o in batch]
            took[jobs] = time.monotonic() - start
            after = os.times()
            cpu[jobs] = sum(after[:4]) - sum(before[:4])  # user + system, children included
            own = sum(after[:2]) - sum(before[:2])
            worker = sum(after[2:4]) - sum(before[2:4])  # the one worker, waited for on close
            assert len(outcomes) == seeds
        ratios.append(took[1] / took[2])
        efficiency.append(cpu[1] / cpu[2])
        if worker > 0:
            free.append(cpu[1] / max(own, worker))
    load = os.getloadavg()[0]
    free_note = (
        f"; on two free cores (from CPU times) {statistics.median(free):.2f}x" if free else ""
    )
    return Result(
        "explore: speed-up from 1 to 2 local workers",
        "x (wall)",
        **summary(ratios),
        target=1.8,
        note=(
            f"{seeds} seeds in batches as fakecloud explore makes them (up to "
            f"{batch_size(seeds, 1)} for one worker, {batch_size(seeds, 2)} for two, smaller "
            f"toward the end); "
            f"this process runs batches too and forks its worker, case loaded; CPU efficiency "
            f"{statistics.median(efficiency):.2f}{free_note}; load average {load:.1f} "
            f"on {os.cpu_count()} cores"
        ),
        extra={"cpu_efficiency": efficiency, "free_core_speedup": free, "load_average": load},
    )


def sweep(quick: bool) -> Result:
    """Wall-time speed-up of ``--jobs 2`` over ``--jobs 1`` for a user's sweep of a file of
    several cases: ``fakecloud explore`` on the race's four cases, 50 seeds each, run as a user
    runs it (a new interpreter: its imports, the cases' set-up, the replay files and the report
    included), the two alternated. What a second core buys a real sweep, where `two_workers`
    is the steady state of one case's seeds; the imports and set-up, which one process does
    before any seed runs, bound it well below 2x. No seed of it breaks: no replay file."""
    return _sweep(quick, FILE, "explore: a 4-case sweep, --jobs 1 -> 2", "4 cases")


#: A sweep that finds groups: the quota race (two createImage requests one snapshot slot
#: short), whose seeds break no_orphan_volume_snapshot two ways (about 21 of 50 seeds).
GROUPS_FILE = "scenarios/explore/quota_race.yaml"


def sweep_with_groups(quick: bool) -> Result:
    """`sweep` of a file whose seeds break: its groups' replay files are made too (each group's
    seed run again and its replay checked), which no other case measures. The note gives the
    part of each wall time after the seeds (grouping and replay files, and the start)."""
    return _sweep(quick, GROUPS_FILE, "explore: a sweep finding groups, --jobs 1 -> 2", "2 groups")


_SEEDS_IN = re.compile(r"^(\d+) seeds? in ([0-9.]+) s ", re.M)


def _sweep(quick: bool, file: str, title: str, what: str) -> Result:
    seeds = 8 if quick else 50
    took: dict[int, list[float]] = {1: [], 2: []}
    rest: dict[int, list[float]] = {1: [], 2: []}  # the wall outside the seeds' own time
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's install has its bytecode written
    with tempfile.TemporaryDirectory() as out:

        def explore(jobs: int, seeds: int) -> tuple[float, float]:
            argv = [sys.executable, "-m", "fakecloud", "explore", file, "--seeds", str(seeds)]
            argv += ["--jobs", str(jobs), "--no-progress", "--out", out]
            start = time.monotonic()
            done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
            wall = time.monotonic() - start
            said = _SEEDS_IN.search(done.stdout)
            return wall, wall - float(said[2]) if said else math.nan

        explore(1, 1)  # untimed: the bytecode written, the files in the page cache
        for _ in range(1 if quick else 5):
            for jobs in (1, 2):
                wall, other = explore(jobs, seeds)
                took[jobs].append(wall)
                rest[jobs].append(other)
    ratios = [one / two for one, two in zip(took[1], took[2], strict=True)]
    load = os.getloadavg()[0]

    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:.0f} ms"

    return Result(
        title,
        "x (wall)",
        **summary(ratios),
        note=(
            f"fakecloud explore {file} --seeds {seeds} ({what}), a new process each, the two "
            f"alternated: --jobs 1 {ms(took[1])} ({ms(rest[1])} of it outside the seeds), "
            f"--jobs 2 {ms(took[2])} ({ms(rest[2])}) (medians); load average {load:.1f} "
            f"on {os.cpu_count()} cores"
        ),
        extra={
            "jobs1_s": took[1],
            "jobs2_s": took[2],
            "outside_seeds_s": {"1": rest[1], "2": rest[2]},
            "load_average": load,
        },
    )
