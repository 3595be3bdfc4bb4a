"""``fakecloud explore``: run a scenario under many seeds with chance switched on.

A plain run is exact. Exploring hands the choices a real cloud leaves to chance to the seed
(see `fakecloud.sim.explore`): RPC delivery delays, the order of events due at the same virtual
instant, and throughput jitter. Each seed names one exact run, so a seed that breaks an
expectation or an invariant is a replayable counterexample::

    fakecloud explore scenarios/races/delete_during_snapshot.yaml --seeds 200
    fakecloud explore scenarios/races/delete_during_snapshot.yaml --replay 37   # full report
"""

from __future__ import annotations

import argparse
import copy
import sys
from collections.abc import Iterable
from typing import Any

CHOICES = ("rpc_delay", "tie_order", "throughput_jitter")


def explored(case: Any, choices: Iterable[str]) -> Any:
    """A copy of `case` whose cloud leaves `choices` to the seed."""
    case = copy.deepcopy(case)
    section = case.cloud.config.setdefault("explore", {})
    for choice in choices:
        section[choice] = True
    return case


def explore_case(case: Any, seeds: Iterable[int], choices: Iterable[str]) -> list[tuple[int, Any]]:
    """Run `case` once per seed with `choices` on; the (seed, result) of every run."""
    from fakecloud.scenario.runner import run_case

    variant = explored(case, choices)
    return [(seed, run_case(variant, seed=seed)) for seed in seeds]


def main(argv: list[str] | None = None) -> int:
    """Explore the cases of a scenario file; exit 1 if any seed fails, 2 on a bad file."""
    from fakecloud.scenario.errors import ScenarioError
    from fakecloud.scenario.loader import load
    from fakecloud.scenario.report import render

    p = argparse.ArgumentParser(prog="fakecloud explore", description=__doc__.split("\n")[0])
    p.add_argument("file", metavar="FILE")
    p.add_argument("--seeds", type=int, default=50, help="how many seeds (default 50)")
    p.add_argument("--first-seed", type=int, default=0, help="the first seed (default 0)")
    p.add_argument("--case", action="append", metavar="ID", help="only these case ids")
    p.add_argument(
        "--choices",
        default=",".join(CHOICES),
        help=f"comma-separated choices left to chance (default: {','.join(CHOICES)})",
    )
    p.add_argument("--replay", type=int, metavar="SEED", help="run one seed, print its report")
    args = p.parse_args(argv)
    choices = [c.strip() for c in args.choices.split(",") if c.strip()]
    unknown = sorted(set(choices) - set(CHOICES))
    if unknown:
        print(f"fakecloud explore: unknown choice(s) {unknown}; known: {CHOICES}", file=sys.stderr)
        return 2
    try:
        scenario = load(args.file)
    except ScenarioError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    cases = [c for c in scenario.cases if not args.case or c.id in args.case]
    if not cases:
        print(f"fakecloud explore: no case matches {args.case}", file=sys.stderr)
        return 2
    seeds = (
        [args.replay]
        if args.replay is not None
        else range(args.first_seed, args.first_seed + args.seeds)
    )
    failed = 0
    for case in cases:
        runs = explore_case(case, seeds, choices)
        bad = [(seed, r) for seed, r in runs if not r.passed]
        failed += len(bad)
        if args.replay is not None:
            print(render(runs[0][1], trace_tail=15 if bad else 0))
            continue
        print(f"{case.file} [{case.id}]: {len(runs) - len(bad)}/{len(runs)} seeds pass")
        for seed, result in bad[:10]:
            first = result.failures[0]
            print(f"  seed {seed}: {first.what}: {'; '.join(first.details)[:160]}")
            print(
                f"    replay: fakecloud explore {case.file} --case {case.id} --replay {seed} "
                f"--choices {','.join(choices)}"
            )
    return 1 if failed else 0
