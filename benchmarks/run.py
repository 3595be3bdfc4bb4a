"""fakecloud's speed and memory benchmarks (``make bench``).

    python benchmarks/run.py                  # everything, full size (the storm takes minutes)
    python benchmarks/run.py --quick          # small sizes: a smoke run (used by the tests)
    python benchmarks/run.py --only direct,sdk
    python benchmarks/run.py --storm-sizes 1000,10000

Every case is measured in CPU time over repeated runs (median, min, max, runs) and printed as
a markdown table beside its target and, where one exists, its peer (moto + boto3, run from
``benchmarks/.venv-peer``, which ``make bench`` creates). The results go to
``bench-results.json`` and ``bench-results.md``. Exit status 1 if a full-size run misses a
target (never in --quick mode, where sizes are too small to compare).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import direct  # noqa: E402
import explore_seeds  # noqa: E402
import floor  # noqa: E402
import report_render  # noqa: E402
import sdk  # noqa: E402
import state_copies  # noqa: E402
import storm  # noqa: E402
from measure import Result  # noqa: E402
from peer import Peer  # noqa: E402


def _direct(quick: bool) -> list[Result]:
    return [
        direct.fresh_cloud(quick),
        direct.create_image_volume_backed(quick),
        direct.create_image_image_backed(quick),
        direct.boot_snapshot_delete(quick),
    ]


def _sdk(quick: bool) -> list[Result]:
    peer = Peer.start()
    try:
        results = sdk.sdk_flow(quick, peer) + sdk.fresh_start(quick, peer)
    finally:
        if peer:
            peer.close()
    return results + [sdk.mock_activation(quick), sdk.slow_upload_wait(quick)]


def _floor(quick: bool) -> list[Result]:
    return [floor.simpy_rate(quick), floor.trace_bytes(quick)]


def _state(quick: bool) -> list[Result]:
    return [state_copies.fork(quick), *state_copies.save_load(quick)]


def _explore(quick: bool) -> list[Result]:
    return [
        explore_seeds.seeds_per_core(quick),
        explore_seeds.two_workers(quick),
        explore_seeds.sweep(quick),
        explore_seeds.sweep_with_groups(quick),
    ]


def _report(quick: bool) -> list[Result]:
    return [report_render.render_10k(quick)]


STORM_SIZES: list[int] = []


def _storm(quick: bool) -> list[Result]:
    return storm.storm(quick, STORM_SIZES or None)


GROUPS: dict[str, Callable[[bool], list[Result]]] = {
    "direct": _direct,
    "sdk": _sdk,
    "floor": _floor,
    "state": _state,
    "storm": _storm,
    "explore": _explore,
    "report": _report,
}


def interpreter() -> str:
    """Which Python ran the benchmark, and whether its libpython is a shared library.

    CPU figures depend on the interpreter's build as much as on fakecloud: the same code runs
    about a sixth faster on a CPython whose executable holds libpython (Debian's python3.11)
    than on one linked to libpython.so and built without PGO (pyenv's default build).
    """
    try:
        with open("/proc/self/maps") as maps:
            shared = any("libpython" in line for line in maps)
    except OSError:
        return f"{platform.python_implementation()} {platform.python_version()}"
    linked = "linked to a shared libpython" if shared else "libpython in the executable"
    return f"{platform.python_implementation()} {platform.python_version()}, {linked}"


def table(results: list[Result]) -> str:
    """The results as a markdown table."""
    lines = [
        "| case | unit | median | min | max | runs | target | peer median | ratio | verdict |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        sign = ">=" if r.better == "higher" else "<="
        target = f"{sign} {r.target:g}" if r.target is not None else ""
        peer = f"{r.peer['median']:.4g}" if r.peer else ""
        ratio = f"{r.ratio:.2f}x" if r.ratio else ""
        verdict = {True: "PASS", False: "MISS", None: ""}[r.ok]
        lines.append(
            f"| {r.case} | {r.unit} | {r.median:.4g} | {r.min:.4g} | {r.max:.4g} | {r.runs} | "
            f"{target} | {peer} | {ratio} | {verdict} |"
        )
    notes = [f"- {r.case}: {r.note}" for r in results if r.note]
    return "\n".join(lines + ([""] + notes if notes else [])) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmark groups; write bench-results.json/.md; exit 1 on a miss."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    p.add_argument("--only", help=f"comma-separated subset of {','.join(GROUPS)}")
    p.add_argument("--storm-sizes", help="servers per storm run, e.g. 1000,10000,100000")
    p.add_argument("--storm-one", nargs=2, type=int, metavar=("N", "HOSTS"), help=argparse.SUPPRESS)
    p.add_argument("--out", default=".", help="directory for bench-results.json and .md")
    args = p.parse_args(argv)
    if args.storm_one:
        print(json.dumps(storm.one(*args.storm_one)))
        return 0
    STORM_SIZES[:] = [int(s) for s in args.storm_sizes.split(",")] if args.storm_sizes else []
    names = args.only.split(",") if args.only else list(GROUPS)
    unknown = [n for n in names if n not in GROUPS]
    if unknown:
        p.error(f"unknown group(s) {', '.join(unknown)}; choose from {', '.join(GROUPS)}")
    results: list[Result] = []
    for name in names:
        for result in GROUPS[name](args.quick):
            results.append(result)
            print(table([result]).splitlines()[-1], flush=True)
    text = table(results) + f"\nInterpreter: {interpreter()}.\n"
    print("\n" + text)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench-results.json").write_text(
        json.dumps([r.as_json() for r in results], indent=1) + "\n"
    )
    (out / "bench-results.md").write_text(text)
    if args.quick:
        return 0
    return 1 if any(r.ok is False for r in results) else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    sys.exit(main())
