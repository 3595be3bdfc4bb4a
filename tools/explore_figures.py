"""Count again the figures of docs/exploration.md's tables, in one command.

Runs ``fakecloud explore FILE --seeds N --jobs J --windows W --json OUT`` on every hunt of
``scenarios/explore/`` (and the seed-profile copies the tables quote), once per draw, and every
``scenarios/races/`` file with its own seeds by moment; then prints, per case and per thing
broken (the report's ``what broke:`` lines: a seed counts once per check it broke), how many of
the first 100 seeds broke it, how many of all N, and the first seed, one column per draw, with
the sums the page quotes. The JSON reports are kept in ``--out`` (one per file and draw), and a
second run with ``--reuse`` prints the tables from them without exploring again.

    .venv/bin/python tools/explore_figures.py                       # every table, 300 seeds
    .venv/bin/python tools/explore_figures.py --windows moments --only quota_race
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HUNTS = ROOT / "scenarios/explore"
RACES = ROOT / "scenarios/races"
DRAWS = ("events", "moments", "mixed")

#: Hunts the tables also count on another profile: a copy of the file with one line changed.
VARIANTS = {
    "detach_during_createimage.yaml": ("seed", "profile: upstream", "profile: seed"),
    "disable_during_boot.yaml": ("seed", "profile: upstream", "profile: seed"),
}


def explore(path: Path, out: Path, seeds: int | None, jobs: int, windows: str) -> dict:
    """One ``fakecloud explore`` run's ``--json`` report (run unless ``out`` exists)."""
    if not out.exists():
        argv = [sys.executable, "-m", "fakecloud", "explore", str(path), "--jobs", str(jobs)]
        argv += ["--windows", windows, "--json", str(out), "--no-progress"]
        argv += ["--out", str(out.with_suffix(".replays"))]
        if seeds is not None:
            argv += ["--seeds", str(seeds)]
        done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(argv)}: exit {done.returncode}\n{done.stderr}")
    return json.loads(out.read_text())


def broken_by_case(report: dict) -> dict[tuple[str, str], list[int]]:
    """(case, what broke) -> the sorted seeds that broke it, over every group."""
    seeds: dict[tuple[str, str], set[int]] = defaultdict(set)
    for group in report["groups"]:
        # an invariant or a named state check by its name, a step's expectation by its step
        broke = group["broke"].removeprefix("invariant ").removeprefix("state ")
        broke = broke.split(":")[0] if group["kind"] != "invariant" else broke
        seeds[group["case"], broke].update(group["seeds"])
    return {key: sorted(found) for key, found in seeds.items()}


def cell(seeds: list[int], first_n: int) -> str:
    """``of the first N, of all (first)``, as the page's tables write it."""
    if not seeds:
        return "0, 0"
    return f"{sum(s < first_n for s in seeds)}, {len(seeds)} ({seeds[0]})"


def merged(rows: dict[tuple[str, str, str], dict]) -> dict[tuple[str, str, str], dict]:
    """Checks of one case broken by the same seeds in every draw as one row
    (`` `no_stuck_snapshot_image` and `no_unexpected_500` ``, as the page writes them)."""
    out: dict[tuple[str, str, str], dict] = {}
    same: dict[tuple, list[str]] = defaultdict(list)
    for (label, case, broke), by in sorted(rows.items()):
        same[label, case, tuple(sorted((d, tuple(s)) for d, s in by.items()))].append(broke)
    for (label, case, _), names in same.items():
        out[label, case, "` and `".join(names)] = rows[label, case, names[0]]
    return out


def hunts(args: argparse.Namespace) -> list[tuple[str, Path]]:
    """(label, file) of every hunt to count, variants included."""
    found = []
    for path in sorted(HUNTS.glob("*.yaml")):
        if args.only and not any(o in path.name for o in args.only):
            continue
        found.append((path.name, path))
        variant = VARIANTS.get(path.name)
        if variant:
            profile, old, new = variant
            copy = args.out / f"{path.stem}-{profile}.yaml"
            copy.write_text(path.read_text().replace(old, new, 1))
            found.append((f"{path.name} ({profile} profile)", copy))
    return found


#: The files of the page's table of where inserts land, and their case.
LANDINGS = ("compute_down_during_createimage.yaml", "volume_service_down_during_createimage.yaml")


def landings(path: Path, windows: str, seeds: int) -> tuple[str, list[int]]:
    """The plain run's span and windows, and where each landed insert of `seeds` seeds fell,
    counted by tenth of that span (t0 to its last event while it runs), drawn as `windows`
    says."""
    from fakecloud.explore.runner import prepared
    from fakecloud.scenario.runner import run_case

    text = path.read_text()
    name = str(path.relative_to(ROOT))
    ready = prepared(text, name, ready_case(text, name), windows)
    plain = run_case(ready.case, world=ready.world)
    events = plain.trace[plain.first_seq : plain.driven_seq]
    span = events[-1]["t"] - plain.t0
    tenths = [0] * 10
    for seed in range(seeds):
        for where in ready.play(seed, marks=False).landed.values():
            # an int: after the (where - 1)-th event from t0 (1: at t0); a float: a heartbeat
            at = (
                where
                if isinstance(where, float)
                else (events[where - 2]["t"] - plain.t0 if where > 1 else 0.0)
            )
            tenths[min(9, int(10 * at / span))] += 1
    instants = len({e["t"] for e in events})
    beats = len(ready.moments.beats) if ready.moments else 0
    about = f"{span:.0f} s: {len(events)} events at {instants} instants, {beats} heartbeats"
    return about, tenths


def ready_case(text: str, name: str) -> str:
    """The id of a file's one case."""
    from fakecloud.scenario.loader import loads

    (case,) = loads(text, name).cases
    return case.id


def parser() -> argparse.ArgumentParser:
    """The command line's options (the docs' test parses the documented lines with it)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=300, help="seeds a hunt's case (300)")
    parser.add_argument("--first", type=int, default=100, help="the first column's seeds (100)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--windows", default=",".join(DRAWS), help="draws, comma-separated")
    parser.add_argument("--only", action="append", help="files whose name contains this")
    parser.add_argument("--no-races", action="store_true", help="skip scenarios/races/")
    parser.add_argument("--out", type=Path, default=Path("/tmp/explore-figures"))
    parser.add_argument(
        "--landings", type=int, metavar="N", help="only the table of where N seeds' inserts land"
    )
    parser.add_argument("--reuse", action="store_true", help="keep reports already in --out")
    return parser


def main() -> None:
    """Explore, then print the tables."""
    args = parser().parse_args()
    draws = [d for d in args.windows.split(",") if d]
    if args.landings:
        print(f"| file | {' | '.join(f'`{d}`' for d in draws)} |\n|---|{'---|' * len(draws)}")
        for name in LANDINGS:
            found = [landings(HUNTS / name, d, args.landings) for d in draws]
            cells = [", ".join(map(str, tenths)) for _, tenths in found]
            print(f"| `{name}` ({found[-1][0]}) | {' | '.join(cells)} |")
        return
    args.out.mkdir(parents=True, exist_ok=True)
    if not args.reuse:
        for old in args.out.glob("*.json"):
            old.unlink()

    rows: dict[tuple[str, str, str], dict[str, list[int]]] = defaultdict(dict)
    cases: set[tuple[str, str]] = set()
    drawn: set[tuple[str, str]] = set()  # cases with an adversary or a restart to place
    files = hunts(args)
    for draw in draws:  # in the order given: the first draw's table is complete first
        for label, path in files:
            name = f"{Path(label.split()[0]).stem}{'-seed' if '(' in label else ''}-{draw}"
            report = explore(path, args.out / f"{name}.json", args.seeds, args.jobs, draw)
            cases.update((label, c["case"]) for c in report["cases"])
            drawn.update(
                (label, c["case"]) for c in report["cases"] if "adversary" in c["explores"]
            )
            print(f"# {label} --windows {draw}: {report['seeds_run']} seeds", file=sys.stderr)
            for (case, broke), seeds in broken_by_case(report).items():
                rows[label, case, broke][draw] = seeds
    for case in cases:  # a case where nothing broke whatever the draw: one row saying so
        if not any(k[:2] == case for k in rows):
            rows[case[0], case[1], "-"] = {}
    draws = [d for d in DRAWS if d in draws]
    rows = merged(rows)

    print("Nothing to draw (faults only: the same each way):\n")
    print("| hunt and case | what broke | seeds |\n|---|---|---|")
    for (label, case, broke), by in sorted(rows.items()):
        if (label, case) not in drawn:
            print(f"| `{label}` {case} | `{broke}` | {cell(by.get(draws[0], []), args.first)} |")
    print("\nAn adversary or a restart drawn, each way:\n")
    print(f"| hunt and case | what broke | {' | '.join(f'`{d}`' for d in draws)} |")
    print(f"|---|---|{'---|' * len(draws)}")
    sums = {d: [0, 0, 0] for d in draws}
    for (label, case, broke), by in sorted(rows.items()):
        if (label, case) not in drawn:
            continue
        cells = [cell(by.get(d, []), args.first) for d in draws]
        print(f"| `{label}` {case} | `{broke}` | {' | '.join(cells)} |")
        each = broke.count("` and `") + 1  # a seed counts once per check it broke
        for d in draws:
            seeds = by.get(d, [])
            sums[d][0] += each * sum(s < args.first for s in seeds)
            sums[d][1] += each * len(seeds)
            sums[d][2] += each if any(s < args.first for s in seeds) else 0
    checks = sum(k[2].count("` and `") + 1 for k in rows if k[2] != "-" and k[:2] in drawn)
    for d in draws:
        of_first, of_all, within = sums[d]
        print(
            f"{d}: {of_first} of the first {args.first} seeds a case, {of_all} of {args.seeds}; "
            f"{within} of {checks} checks broken within {args.first}"
        )

    if args.no_races or args.only:
        return
    print("\n| file | cases | seeds per case | broke |\n|---|---|---|---|")
    for path in sorted(RACES.glob("*.yaml")):
        report = explore(path, args.out / f"races-{path.stem}.json", None, args.jobs, "moments")
        cases = report["cases"]
        per_case = sorted({c["seeds"] for c in cases})
        broke = sum(c["failed"] for c in cases)
        print(f"| `{path.name}` | {len(cases)} | {', '.join(map(str, per_case))} | {broke} |")


if __name__ == "__main__":
    main()
