"""The ``fakecloud explore`` and ``fakecloud shrink`` commands.

    fakecloud explore FILE... [--seeds N] [--case ID] [--jobs J] [--time-budget S] [--shrink]
                           [--windows moments|events|mixed] [--json OUT.json]
                           [--junit OUT.xml] [--out DIR] [--scheduler tcp://HOST:PORT]
                           [--profile NAME] [--shrink-time S]
    fakecloud shrink FILE --seed N [--case ID] [--windows W] [--profile NAME] [--target TEXT]
                          [--shrink-time S] [--database DIR | --no-database] -o minimal.yaml

``explore`` takes files, folders (every scenario below, as ``fakecloud run``) and library
scenarios' names, and makes one report of them all. It exits 0 when every seed passed, 1 when
anything broke (a bug hunt: anything it does not list, or a listed find missed), 2 on a bad
file or
argument, 130 when Ctrl-C stopped it (the seeds run by then are reported all the same:
`fakecloud.explore.interrupt`). Each group of failing seeds gets a replay file in ``--out`` (default
``explore-replays/``) and the ``fakecloud run`` command that replays it exactly.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any

from fakecloud.bounds import MAX_COUNT, OutOfRange, finite_seconds
from fakecloud.cli_args import (
    address_argument,
    case_argument,
    comma_list,
    file_and_case,
    path_argument,
)
from fakecloud.explore.interrupt import FirstInterrupt
from fakecloud.explore.runner import (
    INSTALL_CLUSTER,
    ClusterUnavailable,
    Executor,
    batch_size,
    default_jobs,
)
from fakecloud.humanize import clipped, counted
from fakecloud.outputs import new_folder_problem, output_problem, write_atomic
from fakecloud.scenario.errors import ScenarioError
from fakecloud.views.names import Names

SHOWN_SEEDS = 10
WINDOWS = ("moments", "events", "mixed")
"""``--windows``: how an insert's moment is drawn (``explore.windows``'s values)."""
MAX_JOBS = 256
"""The most local worker processes: ``--jobs 100000`` forked one process per seed up to the
seed count, enough to exhaust a host's memory and process table."""


def _explore_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="fakecloud explore",
        description="Run a scenario under many seeds, each choosing delays, event orders, "
        "faults and adversary moments (the file's explore: section); group what breaks; write "
        "a replay file per group.",
    )
    p.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        type=path_argument,
        help="scenario YAML file(s), folders (every *.yaml below, as fakecloud run takes "
        "them), FILE::CASE, or a library scenario's name (fakecloud list scenarios)",
    )
    p.add_argument("--seeds", type=int, help="seeds per case (default: the file's, else 100)")
    p.add_argument("--first-seed", type=int, default=0, help="the first seed (default 0)")
    p.add_argument(
        "--case",
        action="append",
        metavar="ID",
        type=case_argument,
        help="only these cases (repeatable or comma-separated)",
    )
    p.add_argument(
        "--jobs",
        "-j",
        type=int,
        help=f"local worker processes (default: the cores, {default_jobs()})",
    )
    p.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        type=address_argument,
        help="run the seeds on this Dask scheduler's workers (needs the [cluster] extra)",
    )
    p.add_argument(
        "--time-budget",
        type=float,
        metavar="S",
        help="stop starting seeds after S s, in the batches under way too (each case runs its "
        "first seed)",
    )
    _windows_option(p)
    _profile_option(p)
    p.add_argument("--shrink", action="store_true", help="shrink each group's replay first")
    _shrink_time_option(p)
    p.add_argument(
        "-o",  # as `fakecloud shrink` and `report` take theirs (it was "unrecognized arguments")
        "--out",
        default="explore-replays",
        metavar="DIR",
        type=path_argument,
        help="replay files' folder (default explore-replays)",
    )
    p.add_argument(
        "--json", metavar="OUT.json", type=path_argument, help="write the groups as JSON"
    )
    p.add_argument(
        "--junit", metavar="OUT.xml", type=path_argument, help="write a JUnit XML report for CI"
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    return p


def _windows_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--windows",
        choices=WINDOWS,
        help="how an adversary's or a restart's moment is drawn, over the file's "
        "explore.windows: by instant and heartbeat (moments, the default), by trace event "
        "(events), or each insert either way (mixed)",
    )


def _profile_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--profile",
        metavar="NAME",
        help="run every seed on this profile instead of the file's, as fakecloud run --profile "
        "(fakecloud profiles lists them); the replay files say it in cloud.profile",
    )


def _checked_profile(profile: str | None, prog: str) -> None:
    """`_Usage` for a ``--profile`` that names no profile (resolve's message, its closest)."""
    if profile is None:
        return
    from fakecloud.errors import ConfigError
    from fakecloud.profiles.resolve import resolve

    try:
        resolve(profile)
    except ConfigError as exc:
        raise _Usage(f"{prog}: --profile: {exc}") from None


def _load(path: str, prog: str) -> tuple[str, Any]:
    """The file's text (what the workers load) and its scenario, from one read; a name that is
    no file is a library scenario's, as for ``fakecloud run``. A file below the working
    directory is named relative to it however it was typed (``scenarios/x.yaml``, not
    ``/home/ci/build/scenarios/x.yaml`` nor ``./scenarios/x.yaml``): the report, the JUnit
    names and the replay files' comments then read the same on every machine and checkout
    that explores it from its root."""
    from fakecloud.scenario import library
    from fakecloud.scenario.loader import load_with_text

    if not Path(path).exists():
        try:
            path = str(library.find(path))
        except library.NotInLibrary as exc:
            raise _Usage(f"{prog}: {exc}") from None
        # named from the library, as `fakecloud run` names it (not its site-packages path)
        return load_with_text(path, root_dir=library.root())
    return load_with_text(path, root_dir=Path.cwd())


def _pick_cases(scenario: Any, wanted: list[str] | None, prog: str) -> list[Any]:
    if not wanted:
        return list(scenario.cases)
    known = [c.id for c in scenario.cases]
    missing = [c for c in wanted if c not in known]
    if missing:
        from fakecloud.suggest import did_you_mean

        raise _Usage(
            f"{prog}: no case {missing[0]!r}{did_you_mean(missing[0], known)} in "
            f"{scenario.file}; cases: {', '.join(known)}"
        )
    return [c for c in scenario.cases if c.id in wanted]


class _Usage(Exception):
    """A mistake on the command line (exit status 2)."""


def explore_main(argv: list[str] | None = None) -> int:
    """``fakecloud explore``; the exit status."""
    from fakecloud.explore.budget import Budget
    from fakecloud.explore.runner import prepared
    from fakecloud.explore.session import explore_file

    args = _explore_parser().parse_args(argv)
    args.case = comma_list(args.case)
    try:
        if args.seeds is not None and args.seeds < 1:
            raise _Usage("fakecloud explore: --seeds must be at least 1")
        if args.seeds is not None and args.seeds > MAX_COUNT:  # range's len: OverflowError
            raise _Usage(f"fakecloud explore: --seeds must be at most {MAX_COUNT}")
        if args.jobs is not None and args.jobs < 1:
            raise _Usage("fakecloud explore: --jobs must be at least 1")
        if args.jobs is not None and args.jobs > MAX_JOBS:
            raise _Usage(
                f"fakecloud explore: --jobs at most {MAX_JOBS} (each is a process on this "
                "host); --scheduler runs seeds on as many workers as a Dask cluster has"
            )
        shrink_s = _shrink_seconds(args.shrink_time, "fakecloud explore")
        if args.time_budget is not None:
            try:
                # 0 ran no seed and passed, as --seeds 0 would (refused)
                finite_seconds(args.time_budget, "--time-budget", positive=True)
            except OutOfRange as exc:
                raise _Usage(f"fakecloud explore: {exc}") from None
        for out in (args.json, args.junit):
            problem = out and output_problem(out, inputs=list(args.files))
            if problem:
                raise _Usage(f"fakecloud explore: cannot write {out}: {problem}")
        if args.out and Path(args.out).exists() and not Path(args.out).is_dir():
            raise _Usage(f"fakecloud explore: --out {args.out} is a file, not a folder")
        problem = args.out and new_folder_problem(args.out)
        if problem:  # found when the first replay was written, after every seed had run
            raise _Usage(f"fakecloud explore: --out {args.out}: {problem}")
        _checked_profile(args.profile, "fakecloud explore")
        files = _explored_files(args.files, args.case)
        counts = {}
        for text, scenario, cases in files:
            for case in cases:
                ready = prepared(text, scenario.file, case.id, args.windows, args.profile)
                counts[scenario.file, case.id] = args.seeds or ready.spec.seeds
    except ScenarioError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except _Usage as exc:
        print(str(exc), file=sys.stderr)
        return 2

    total = sum(counts.values())
    # Never more processes than seeds (the pool forks a worker only once it has a batch).
    jobs = min(args.jobs or (1 if total < 50 else default_jobs()), max(total, 1))
    budget = Budget(args.time_budget)
    progress = _Progress(total, enabled=not args.no_progress)
    ctrl_c = FirstInterrupt()
    stems = _replay_stems([scenario.file for _, scenario, _ in files])
    reports = []
    try:
        with ctrl_c, Executor(jobs, args.scheduler, note=progress.note) as executor, progress:
            for text, scenario, cases in files:
                if ctrl_c.pressed:
                    break  # the files not begun: none of their seeds ran, nothing to say

                def seeds(case: Any, name: str = scenario.file) -> range:
                    return range(args.first_seed, args.first_seed + counts[name, case.id])

                reports.append(
                    explore_file(
                        text,
                        scenario.file,
                        cases,
                        seeds,
                        executor=executor,
                        stop=lambda: ctrl_c.pressed,
                        time_up=budget.spent,
                        on_batch=progress.advance,
                        out_dir=args.out,
                        shrink=args.shrink,
                        shrink_s=shrink_s,
                        batch_size=batch_size(total, executor.workers),
                        windows=args.windows,
                        profile=args.profile,
                        clock=lambda: budget.elapsed,
                        replay_stem=stems.get(scenario.file),
                        until=budget.until,
                        resize=batch_size,
                    )
                )
    except ClusterUnavailable as exc:
        print(f"fakecloud explore: {exc}", file=sys.stderr)
        return 2
    interrupted = ctrl_c.pressed and (
        len(reports) < len(files) or any(r.stopped_early for r in reports)
    )
    for report in reports:
        report.interrupted = interrupted and report.stopped_early
    # the files first: a terminal or pipe that fails mid-report must not lose them
    unwritten = None
    try:
        if args.json:
            import json

            write_atomic(args.json, json.dumps(_json(reports, args.files), indent=2) + "\n")
        if args.junit:
            from fakecloud.explore.junit import write_junit

            write_junit(reports, args.junit)
    except OSError as exc:
        unwritten = f"fakecloud explore: cannot write {exc.filename}: {exc.strerror}"
    print(render_all(reports, budget.elapsed, interrupted))
    if unwritten:
        print(unwritten, file=sys.stderr)
        return 2
    if interrupted:
        return 130  # 128 + SIGINT, as every command Ctrl-C stops
    # a bug hunt that found what it lists and nothing else passes, as its pytest item does
    return 1 if any(case.unexpected() for r in reports for case in r.cases) else 0


def _explored_files(names: list[str], wanted: list[str] | None) -> list[tuple[str, Any, list]]:
    """Each file to explore: its text, scenario and cases (`wanted`'s, and a ``FILE::CASE``'s
    own). A folder stands for every scenario file below it, as for ``fakecloud run``, its YAML
    that is plainly no scenario passed over (said on stderr). Every file's problems are said
    at once (`_Usage`, status 2), before any seed runs."""
    from fakecloud.scenario.cli_commands import passed_over, scenario_files

    prog = "fakecloud explore"
    found: list[tuple[str, str | None, bool]] = []
    problems: list[str] = []
    for name in names:
        path, only = file_and_case(name)
        if Path(path).is_dir():
            below = scenario_files(path)
            if not below:
                problems.append(f"{prog}: no scenario file (*.yaml) in the folder {path}")
            found += [(each, only, True) for each in below]
        else:
            found.append((path, only, False))
    files = []
    skipped = []
    known: set[str] = set()
    for path, only, in_folder in found:
        try:
            text, scenario = _load(path, prog)
        except (ScenarioError, _Usage) as exc:
            skip = passed_over(path, in_folder, prog) if isinstance(exc, ScenarioError) else ""
            (skipped if skip else problems).append(skip or str(exc))
            continue
        known.update(c.id for c in scenario.cases)
        asked = [*(wanted or ()), *([only] if only else [])]
        if len(found) == 1 or only:
            try:
                cases = _pick_cases(scenario, asked or None, prog)
            except _Usage as exc:
                problems.append(str(exc))
                continue
        else:  # --case over several files: each file's cases of those ids
            cases = [c for c in scenario.cases if not asked or c.id in asked]
        if cases:
            files.append((text, scenario, cases))
    if skipped:
        print("\n".join(skipped), file=sys.stderr)
    if not problems and wanted and len(found) > 1:
        chosen = {c.id for _, _, cases in files for c in cases}
        missing = [c for c in wanted if c not in chosen]
        if missing:
            from fakecloud.suggest import did_you_mean

            every = sorted(known)
            problems.append(
                f"{prog}: no case {missing[0]!r}{did_you_mean(missing[0], every)} in the files "
                f"given; cases: {', '.join(every)}"
            )
    if problems:
        raise _Usage("\n".join(dict.fromkeys(problems)))
    if not files:
        raise _Usage(f"{prog}: no scenario among the files given (every one skipped)")
    return files


#: Real seconds the grouping and replay files take after the seeds before the report says so.
REPORT_SHOWN_S = 1.0


class _Progress:
    """Explore's bar (`fakecloud.views.progress.Bar`): seeds done, seeds/s, seeds that broke
    something."""

    def __init__(self, total: int, enabled: bool):
        from fakecloud.views.progress import Bar

        self.total = total
        self.broke = 0
        self._bar = Bar(
            "seeds",
            total,
            "{task.fields[rate]:>7.1f} seeds/s",
            "[red]{task.fields[broke]} broke something",
            enabled=enabled,
            rate=0.0,
            broke=0,
        )

    def __enter__(self) -> _Progress:
        self._bar.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._bar.__exit__(*exc)

    def note(self, text: str) -> None:
        """Tell the user `text` on stderr (above the bar), as ``fakecloud explore: TEXT``."""
        self._bar.note(f"fakecloud explore: {text}")

    def advance(self, case_id: str, outcomes: list[Any]) -> None:
        self.broke += sum(1 for o in outcomes if not o.passed)
        done, elapsed = self._bar.done + len(outcomes), self._bar.elapsed
        rate = done / elapsed if elapsed else 0.0
        self._bar.advance(len(outcomes), rate=rate, broke=self.broke)


def render(report: Any) -> str:
    """The text report: per case, the counts; per group, what broke, how, seeds, replay."""
    return "\n".join(
        [
            *_lines(report),
            _tail(
                report.seeds_run,
                report.seeds_s,
                report.elapsed_s,
                report.interrupted,
                report.stopped_early,
                report.seeds_planned,
            ),
        ]
    )


def render_all(reports: list[Any], elapsed_s: float, interrupted: bool) -> str:
    """The text report of several files' explorations (`render`'s, one after another), and one
    last line for them all: its seeds/s over each file's seeds alone (`Report.seeds_s`)."""
    lines = [line for report in reports for line in _lines(report)]
    tail = _tail(
        sum(r.seeds_run for r in reports),
        sum(r.seeds_s for r in reports),
        elapsed_s,
        interrupted,
        any(r.stopped_early for r in reports),
        sum(r.seeds_planned for r in reports),
    )
    if len(reports) > 1:
        # failing as the exit status judges: a bug hunt that found what it lists passes
        failing = sum(1 for r in reports if any(c.unexpected() for c in r.cases))
        tail = f"{counted(len(reports), 'file')}, {failing} failing: {tail}"
    return "\n".join([*lines, tail])


def _lines(report: Any) -> list[str]:
    """A file's lines of the report: each case and its groups."""
    lines = []
    for case in report.cases:
        name = f"{report.file} [{case.case_id}]" if case.case_id != "default" else report.file
        lines.append(
            f"{name}: {counted(len(case.seeds), 'seed')}, {case.passed} passed, "
            f"{len(case.failed)} broke something"
        )
        lines.append(f"  chance: {case.spec}")
        if case.finds:
            problems = case.unexpected()
            verdict = "; ".join(problems) if problems else "found what it lists, nothing else"
            lines.append(f"  bug hunt (finds: {', '.join(case.finds)}): {verdict}")
        unreached = [p for p in case.unconsulted if p not in case.cannot_fire]
        if unreached:
            lines.append(
                f"  never consulted: {', '.join(unreached)} (no seed's run reached it, "
                "so it never fired; `fakecloud list points` says where each point is)"
            )
        if case.cannot_fire:
            lines.append(
                f"  never consulted: {', '.join(case.cannot_fire)} (reached only by empty "
                "transfers, which have no middle for partway to fail at, so it never fired)"
            )
        if case.groups:
            lines.extend(_what_broke(case.groups))
            lines.append(f"  {counted(len(case.groups), 'group')} by what broke and how:")
        for n, g in enumerate(case.groups, 1):
            # ids as the scenario names them (db, not 871edeee-...), then what the group's
            # first seed made, by the name its run gave it (an image by its name)
            names = Names({**g.names, **case.names})
            shown = ", ".join(map(str, g.seeds[:SHOWN_SEEDS]))
            more = f" and {g.count - SHOWN_SEEDS} more" if g.count > SHOWN_SEEDS else ""
            lines.append(f"  {n}. {g.key}: {counted(g.count, 'seed')}: {shown}{more}")
            for detail in g.details[:2]:
                lines.append(f"       {clipped(names.text(detail), 150)}")
            for c in g.consequences:  # broke only because the group's cause did
                some = f" (in {counted(c.count, 'seed')})" if c.count != g.count else ""
                lines.append(f"       and its consequence: {clipped(names.text(c.key), 150)}{some}")
            path = names.text("; ".join(_with_action(e, case.actions) for e in g.path))
            lines.append("       led there by: " + (path or "delays and orders alone"))
            if g.replay:
                shrunk = " (shrunk)" if g.shrunk else ""
                if g.shrink_stopped:
                    shrunk = f" (shrunk, {_STOPPED[g.shrink_stopped]})"
                lines.append(f"       replay{shrunk}: {g.replay}")
    return lines


def _tail(
    seeds_run: int,
    seeds_s: float,
    elapsed_s: float,
    interrupted: bool,
    stopped_early: bool,
    planned: int = 0,
) -> str:
    """The report's last line: the seeds, their time and rate, and why not all ran (of how
    many `planned`)."""
    seeds_s = seeds_s or elapsed_s
    rate = seeds_run / seeds_s if seeds_s else 0.0
    tail = counted(seeds_run, "seed")
    if elapsed_s:  # unmeasured under pytest: no "0.0 s (0 seeds/s)"
        shown_rate = f"{rate:.0f}" if rate >= 10 else f"{rate:.2g}"
        tail += f" in {seeds_s:.1f} s ({shown_rate} seeds/s)"
        if elapsed_s - seeds_s >= REPORT_SHOWN_S:  # a --shrink's runs, many replays
            tail += f", {elapsed_s:.1f} s with the groups' replay files"
    of = f" ({seeds_run} of {planned})" if planned > seeds_run else ""
    if interrupted:
        tail += f"; interrupted (Ctrl-C) before every seed ran{of}"
    elif stopped_early:
        tail += f"; the time budget ran out before every seed ran{of}"
    return tail


def _json(reports: list[Any], given: list[str]) -> dict[str, Any]:
    """``--json``'s document: one file given, its report (`Report.as_json`); several, or a
    folder, ``files`` holding each one's and the totals."""
    if len(given) == 1 and len(reports) == 1 and not Path(file_and_case(given[0])[0]).is_dir():
        return reports[0].as_json()
    return {
        "seeds_run": sum(r.seeds_run for r in reports),
        "seeds_planned": sum(r.seeds_planned for r in reports),
        "broke": any(r.broke for r in reports),
        "stopped_early": any(r.stopped_early for r in reports),
        "files": [r.as_json() for r in reports],
    }


def _replay_stems(files: list[str]) -> dict[str, str]:
    """Replay files' names for files that share a stem (``flows/x.yaml``, ``races/x.yaml``),
    which would overwrite each other's in one folder: their folders' names before it
    (``flows-x``, ``races-x``)."""
    by_stem: dict[str, list[str]] = {}
    for name in dict.fromkeys(files):
        by_stem.setdefault(Path(name).stem, []).append(name)
    out = {}
    for same in (names for names in by_stem.values() if len(names) > 1):
        for name in same:
            parts = Path(name).with_suffix("").parts
            out[name] = "-".join(p for p in parts if p not in ("/", "..", "."))
    return out


def _with_action(event: str, actions: dict[str, str]) -> str:
    """A path's event, an inserted request's with its action: ``adversary-2 (os-stop): POST
    /servers/db/action``."""
    name, sep, rest = event.partition(": ")
    return f"{name} ({actions[name]}){sep}{rest}" if sep and name in actions else event


def _what_broke(groups: list[Any]) -> list[str]:
    """When one thing broke by several paths (many faults and actions drawn make a path per
    seed), a line first saying how many seeds broke each thing, so the distinct violations
    are seen before the groups."""
    seeds: dict[str, set[int]] = {}
    paths: dict[str, int] = {}
    for g in groups:
        seeds.setdefault(g.key, set()).update(g.seeds)
        paths[g.key] = paths.get(g.key, 0) + 1
    if len(seeds) == len(groups):
        return []
    ranked = sorted(seeds, key=lambda key: (-len(seeds[key]), key))
    return [
        "  what broke: "
        + "; ".join(
            f"{key} in {counted(len(seeds[key]), 'seed')} ({counted(paths[key], 'group')})"
            for key in ranked
        )
    ]


# -- shrink ----------------------------------------------------------------------------------


def _shrink_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="fakecloud shrink",
        description="Turn a failing explore seed into the smallest scenario file that still "
        "breaks the same thing, with every remaining choice written out.",
    )
    p.add_argument(
        "file",
        metavar="FILE",
        type=path_argument,
        help="scenario YAML file, or a library scenario's name (fakecloud list scenarios)",
    )
    p.add_argument("--seed", type=int, required=True, help="the explore seed that broke")
    p.add_argument(
        "--case",
        metavar="ID",
        type=case_argument,
        help="the case (needed when the file has several)",
    )
    _windows_option(p)  # the seed's run as explore --windows played it
    _profile_option(p)  # and on explore --profile's profile
    p.add_argument(
        "--target",
        metavar="TEXT",
        help="what must stay broken (default: the first of the file's explore.finds the seed "
        "breaks, else its first failure)",
    )
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="minimal.yaml",
        type=path_argument,
        help="where to write",
    )
    p.add_argument(
        "--max-examples",
        type=int,
        default=400,
        help="Hypothesis's max_examples, which bounds new runs generated: a shrink generates "
        "none (it replays the seed, then shrinks), so this does not bound its runs; it stops "
        "when no smaller run breaks the target, or at Hypothesis's own limits (500 smaller "
        "runs found, --shrink-time of shrinking)",
    )
    _shrink_time_option(p)
    kept = p.add_mutually_exclusive_group()
    kept.add_argument(
        "--database",
        metavar="DIR",
        type=path_argument,
        help="Hypothesis's example database, where every run of a shrink is kept, so that the "
        "next shrink of the same seed goes on where it stopped and ends where it would have "
        f"(default: {CACHE_DIR}/shrink beside the file; for a library scenario, in the "
        "current folder)",
    )
    kept.add_argument(
        "--no-database",
        action="store_true",
        help="keep no runs: the shrink plays every run",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    return p


#: The folder of what ``fakecloud shrink`` keeps between runs, beside the scenario file (as
#: pytest's ``.pytest_cache``): its example database under ``shrink/``.
CACHE_DIR = ".fakecloud_cache"
#: What a new cache folder holds besides its contents: git ignores it, backups skip it.
_CACHE_FILES = {
    ".gitignore": "# made by fakecloud shrink: keep it out of git\n*\n",
    "CACHEDIR.TAG": "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# fakecloud shrink's example database (https://bford.info/cachedir/)\n",
}


def _database(args: argparse.Namespace, named_path: bool) -> tuple[Path | None, str]:
    """The example database's folder of a shrink (None: none), and a problem with it: an
    unwritable ``--database`` is the caller's usage error; an unwritable default, no database."""
    if args.no_database:
        return None, ""
    if args.database is not None:
        folder = Path(args.database)
        return folder, new_folder_problem(folder) or ""
    root = (Path(args.file).parent if named_path else Path()) / CACHE_DIR
    if new_folder_problem(root):
        return None, ""
    if not root.exists():
        root.mkdir(parents=True, exist_ok=True)
        for name, text in _CACHE_FILES.items():
            (root / name).write_text(text)
    return root / "shrink", ""


def _shrink_time_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--shrink-time",
        type=float,
        default=None,
        metavar="S",
        help="how long Hypothesis may shrink, in seconds on this machine's clock (its "
        "MAX_SHRINKING_SECONDS; default 300): past it, the smallest run found so far is "
        "written, and the report says shrinking stopped early",
    )


def _shrink_seconds(value: float | None, prog: str) -> float:
    """``--shrink-time``'s seconds (Hypothesis's five minutes when not given); `_Usage` for a
    value that is no number of seconds >= 0."""
    from fakecloud.explore.shrink import DEFAULT_SHRINK_S

    if value is None:
        return DEFAULT_SHRINK_S
    try:
        return finite_seconds(value, "--shrink-time")
    except OutOfRange as exc:
        raise _Usage(f"{prog}: {exc}") from None


#: How a report names why Hypothesis stopped a shrink before it had tried every smaller run
#: (`fakecloud.explore.shrink.Shrunk.stopped`).
_STOPPED = {
    "time": "stopped early, its --shrink-time up",
    "shrinks": "stopped early, at Hypothesis's 500 smaller runs",
}


def stopped_early(stopped: str, shrink_s: float) -> str:
    """``fakecloud shrink``'s line for a shrink Hypothesis stopped early, or empty."""
    if not stopped:
        return ""
    limit = f" ({shrink_s:g} s)" if stopped == "time" else ""
    return f"shrinking {_STOPPED[stopped]}{limit}: the smallest run found by then"


def _kept(result: Any, database: Path | None) -> str:
    """``fakecloud shrink``'s line for the runs an earlier shrink of the seed had made, or
    empty (`fakecloud.explore.shrink.Shrunk.earlier`)."""
    if not result.earlier:
        return ""
    return (
        f"went on from the {result.earlier} runs earlier shrinks of this seed kept in "
        f"{database}: played {result.played} of these {result.runs} (--no-database plays "
        "them all)"
    )


def shrink_main(argv: list[str] | None = None) -> int:
    """``fakecloud shrink``; 0 when written, 1 when the seed breaks nothing, 2 on bad input."""
    from fakecloud.explore.groups import check_key
    from fakecloud.explore.replay import replay_document, write_replay
    from fakecloud.explore.runner import prepared
    from fakecloud.explore.session import replays
    from fakecloud.explore.shrink import shrink
    from fakecloud.explore.shrink_runs import identity

    args = _shrink_parser().parse_args(argv)
    args.file, only = file_and_case(args.file)
    args.case = args.case or only
    try:
        if args.max_examples < 1:
            raise _Usage("fakecloud shrink: --max-examples must be at least 1")
        shrink_s = _shrink_seconds(args.shrink_time, "fakecloud shrink")
        problem = output_problem(
            args.output, inputs=[args.file], make_folders=True
        ) or new_folder_problem(Path(args.output).parent)  # else found after the shrinking
        if problem:
            raise _Usage(f"fakecloud shrink: cannot write {args.output}: {problem}")
        _checked_profile(args.profile, "fakecloud shrink")
        named_path = Path(args.file).exists()  # else a library scenario's name
        text, scenario = _load(args.file, "fakecloud shrink")
        if args.case is None and len(scenario.cases) > 1:
            raise _Usage(
                f"fakecloud shrink: {scenario.file} has several cases, give --case; cases: "
                + ", ".join(c.id for c in scenario.cases)
            )
        (case,) = _pick_cases(scenario, [args.case] if args.case else None, "fakecloud shrink")
        ready = prepared(text, scenario.file, case.id, args.windows, args.profile)
        database, problem = _database(args, named_path)
        if problem:
            raise _Usage(f"fakecloud shrink: --database {args.database}: {problem}")
        target = None
        if args.target:
            original = ready.play(args.seed)
            keys = [check_key(c) for c in original.failures]
            matching = [k for k in keys if args.target in k]
            if not matching:
                raise _Usage(
                    f"fakecloud shrink: seed {args.seed} breaks nothing like {args.target!r}; "
                    f"it breaks: {'; '.join(keys) or 'nothing'}"
                )
            target = matching[0]
        from fakecloud.views.progress import Bar

        with Bar(
            "shrinking",
            None,
            "runs, smallest still breaking it: size {task.fields[size]}",
            enabled=not args.no_progress,
            size="…",
        ) as bar:
            result = shrink(
                ready,
                args.seed,
                target=target,
                max_examples=args.max_examples,
                on_run=lambda smallest: bar.advance(size=smallest),
                shrink_s=shrink_s,
                database=database,
                identity=identity(text, case.id, args.windows, args.profile),
            )
    except (ScenarioError, _Usage) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"fakecloud shrink: {exc}", file=sys.stderr)
        return 1
    drawn = f" --windows {args.windows}" if args.windows else ""
    drawn += f" --profile {shlex.quote(args.profile)}" if args.profile else ""
    found = (
        f"shrunk from seed {args.seed} of {scenario.file} [{case.id}]{drawn}; breaks: "
        f"{result.target}"
    )
    try:
        path = write_replay(
            args.output,
            replay_document(result.explored, case.cloud.seed, broke=result.target, found=found),
        )
    except OSError as exc:
        print(f"fakecloud shrink: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
        return 2
    ok = replays(path, result.target)
    why = {
        "explore.finds": "the first of the file's explore.finds this seed breaks",
        "first failure": "the seed's first failure",
    }.get(result.chosen)
    print(
        f"{result.target}\n"
        + (f"  kept broken: {why} (--target picks another)\n" if why else "")
        + f"  seed {args.seed}: size {result.before} -> {result.after} "
        f"(steps, inserted actions and decisions off the plain run; {result.runs} runs)\n"
        + (f"  {early}\n" if (early := stopped_early(result.stopped, shrink_s)) else "")
        + (f"  {kept}\n" if (kept := _kept(result, database)) else "")
        + f"  replay: fakecloud run {shlex.quote(str(path))}"
        + ("" if ok else "\n  warning: the replay did not break it again")
    )
    return 0


INSTALL = INSTALL_CLUSTER
