"""The ``fakecloud run`` and ``fakecloud schema`` commands (wired into `fakecloud.cli`).

    fakecloud run scenarios/bugs/lp1731986.yaml                 # every case
    fakecloud run scenarios/bugs/lp1731986.yaml --case bug-on --seed 3 --trace out.jsonl
    fakecloud schema > scenario.schema.json

Exit status of ``run``: 0 when every case passed, 1 when an expectation failed, 2 when a file
cannot be loaded (its problems are printed as ``FILE:LINE: field X: ...``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from fakecloud.cli_args import case_argument, comma_list, file_and_case, path_argument
from fakecloud.scenario.errors import ScenarioError
from fakecloud.suggest import did_you_mean


def _run_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="fakecloud run",
        description="Run scenario files on a simulated cloud and check their expectations.",
    )
    p.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        type=path_argument,
        help="scenario YAML file(s), folders (every *.yaml below, not in hidden folders or "
        "virtualenvs; YAML there that is plainly no scenario is skipped), FILE::CASE, or the "
        "name of a library scenario (lp1731986, flows/volume_backed_online; fakecloud list "
        "scenarios lists them)",
    )
    p.add_argument("--seed", type=int, help="seed for every case (default: the file's)")
    p.add_argument(
        "--profile",
        metavar="NAME",
        help="run every case on this profile instead of its own: a Nova release (nova-17.0.1), "
        "seed or upstream (fakecloud profiles lists them), e.g. a bug's scenario on the release "
        "that fixed it",
    )
    p.add_argument(
        "--case",
        action="append",
        metavar="ID",
        type=case_argument,
        help="run only these cases (repeatable or comma-separated; ids as --list shows them)",
    )
    p.add_argument(
        "--trace",
        metavar="OUT.jsonl",
        type=path_argument,
        help="write the trace as JSON Lines (one file per case: OUT-<case>.jsonl when a run "
        "has several cases)",
    )
    p.add_argument("--list", action="store_true", help="list the cases and exit")
    p.add_argument(
        "--tail", type=int, default=15, help="trace events shown for a failed case (default 15)"
    )
    p.add_argument("-q", "--quiet", action="store_true", help="print only the summary lines")
    p.add_argument(
        "--story",
        action="store_true",
        help="also tell each run's story: every milestone on scenario time, with its names",
    )
    return p


def _load_file_or_library(name: str, load) -> object:
    """A scenario file by path, or else the library scenario `name` stands for (its file then
    named relative to the library, as ``fakecloud run`` finds it again)."""
    if Path(name).exists():
        return load(name)
    from fakecloud.scenario import library

    path = library.find(name)
    return load(path, root_dir=library.root())


_NOT_SCENARIO_FOLDERS = frozenset({"node_modules", "__pycache__", "site-packages"})


def scenario_files(folder: str) -> list[str]:
    """Every ``*.yaml`` below `folder`, as pytest looks: not in hidden folders (``.git``,
    ``.venv``, ``.tox``) nor in a virtualenv (a ``pyvenv.cfg``), whose packages' YAML files
    were each refused as a scenario (``fakecloud run .`` in a project); a folder that cannot
    be read, or vanishes while walked, is passed over (rglob's traceback)."""
    found = []
    for top, dirs, files in os.walk(folder):
        dirs[:] = [
            d
            for d in dirs
            if not d.startswith(".")
            and d not in _NOT_SCENARIO_FOLDERS
            and not os.path.exists(os.path.join(top, d, "pyvenv.cfg"))
        ]
        found += [str(Path(top, f)) for f in files if f.endswith(".yaml")]  # "." adds no ./
    return sorted(found)


def passed_over(path: str, in_folder: bool, prog: str) -> str:
    """The line saying that YAML found in a folder (`in_folder`) that did not load is passed
    over, being plainly no scenario (a CI or compose file beside the scenarios, as pytest
    passes over a conftest); empty for a file named on its own, or one meant as a scenario,
    whose errors are the caller's to report."""
    why = in_folder and not_a_scenario(path)
    return f"{prog}: skipped {path}: {why}" if why else ""


def not_a_scenario(path: str) -> str | None:
    """Why the YAML file at `path` is plainly no scenario (it is one with mistakes otherwise,
    None): empty, not a mapping, or none of its keys a scenario's, past ``name`` and
    ``description`` that any YAML may have (a CI workflow, a compose file, a mkdocs.yaml)."""
    from fakecloud.inputs import open_input
    from fakecloud.scenario.schema import scenario_schema
    from fakecloud.scenario.yamldoc import read_yaml

    try:
        # open_input, no wait: a named pipe or a device called *.yaml, which the loader
        # refused, is not read again (read_text of one waited for a writer, or never ended)
        with open_input(path, writer_wait_s=0) as f:
            data = read_yaml(f.read().decode("utf-8"), path)
    except (OSError, UnicodeDecodeError, ScenarioError):
        return None  # unreadable or no YAML: reported as the scenario it may be meant as
    if data is None:
        return "empty, not a scenario"
    if not isinstance(data, dict):
        return "not a mapping, so not a scenario"
    ours = set(scenario_schema()["properties"]) - {"name", "description"}
    if ours.isdisjoint(data):
        keys = ", ".join(map(str, list(data)[:5]))
        return f"not a scenario: none of its keys ({keys}) is a scenario's"
    return None


def run_main(argv: list[str] | None = None) -> int:
    """``fakecloud run FILE... [--seed N] [--profile P] [--case ID] [--trace out.jsonl]``; the
    exit status."""
    from fakecloud.scenario.loader import load
    from fakecloud.scenario.report import render, summary
    from fakecloud.scenario.runner import run_case
    from fakecloud.streams import printable

    args = _run_parser().parse_args(argv)
    args.case = comma_list(args.case)
    if args.tail < 0:  # -5 printed "last -5 trace events", then all but the first five
        print("fakecloud run: --tail must be at least 0", file=sys.stderr)
        return 2
    scenarios = []
    problems = []
    names = []
    in_folders = set()
    for name in args.files:  # a folder: every scenario file below it, as pytest takes one
        found = scenario_files(name) if Path(name).is_dir() else [name]
        if not found:
            problems.append(f"fakecloud run: no scenario file (*.yaml) in the folder {name}")
        if found != [name]:
            in_folders.update(found)
        names += found
    skipped = []
    for name in names:
        name, only = file_and_case(name)  # FILE::CASE: that case of FILE only
        try:
            scenario = _load_file_or_library(name, load)
        except ScenarioError as exc:
            skip = passed_over(name, name in in_folders, "fakecloud run")
            (skipped if skip else problems).append(skip or str(exc))
            continue
        except LookupError as exc:
            problems.append(f"fakecloud run: {exc}")
            continue
        problems += _explore_problems(scenario)
        known = [c.id for c in scenario.cases]
        if only and only not in known:
            problems.append(
                f"fakecloud run: no case {only!r}{did_you_mean(only, known)} in {name}; "
                f"cases: {', '.join(known)}"
            )
        scenarios.append((scenario, only))
    if skipped:
        print("\n".join(skipped), file=sys.stderr)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    if not scenarios and skipped:
        print(
            "fakecloud run: no scenario among the files given (every one skipped)", file=sys.stderr
        )
        return 2
    selected = []
    for scenario, only in scenarios:
        cases = scenario.cases
        if only:
            cases = [c for c in cases if c.id == only]
        if args.case:
            cases = [c for c in cases if c.id in args.case]
        selected += cases
    if args.case:
        known = {c.id for s, _ in scenarios for c in s.cases}
        missing = [c for c in args.case if c not in known]
        if missing:
            print(
                f"fakecloud run: no case {missing[0]!r}{did_you_mean(missing[0], sorted(known))}; "
                f"cases: {', '.join(sorted(known))}",
                file=sys.stderr,
            )
            return 2
    if args.profile is not None:
        from fakecloud.errors import ConfigError

        try:
            selected = [case.on_profile(args.profile) for case in selected]
        except ConfigError as exc:
            print(f"fakecloud run: --profile: {exc}", file=sys.stderr)
            return 2
    if args.list:
        for case in selected:
            print(f"{case.file}::{case.id}")
        return 0
    traces = _trace_paths(args.trace, selected) if args.trace else {}
    if args.trace:
        from fakecloud.outputs import output_problem, written_through

        for path in traces.values():
            problem = output_problem(path, inputs=args.files)
            if problem:
                print(f"fakecloud run: cannot write {path}: {problem}", file=sys.stderr)
                return 2
        if len(set(traces.values())) < len(traces) and not written_through(args.trace):
            print(
                "fakecloud run: a scenario file is given twice (its traces would overwrite "
                "each other)",
                file=sys.stderr,
            )
            return 2
    from fakecloud.outputs import pipes_kept_open

    failed = 0
    with pipes_kept_open():  # a FIFO given for every case: open until all are written
        for done, case in enumerate(selected):
            try:
                result = run_case(case, seed=args.seed)
            except ScenarioError as exc:
                print(str(exc), file=sys.stderr)
                return 2
            except KeyboardInterrupt:  # the cases run so far stand: say how they went
                print(
                    f"interrupted (Ctrl-C) in {case.file}::{case.id}, after {done} of "
                    f"{len(selected)} cases: {done - failed} passed, {failed} failed"
                )
                raise  # `fakecloud.cli` ends it as every command: one line, status 130
            if args.trace:
                path = traces[id(case)]
                try:
                    result.trace.to_jsonl(path)
                except OSError as exc:
                    print(f"fakecloud run: cannot write {path}: {exc.strerror}", file=sys.stderr)
                    return 2
            if args.quiet:
                print(f"{case.file}::{case.id}  {summary(result).splitlines()[0]}")
            else:
                from fakecloud.views.width import output_width

                tail = 0 if result.passed else args.tail
                print(render(result, trace_tail=tail, width=output_width()))
                print()
            if args.story:
                from fakecloud.views.timeline import scenario_story
                from fakecloud.views.width import output_width

                print("story (scenario time)")
                # the terminal's width, or a fixed one in a pipe: rows wrap, never cut
                print(printable(scenario_story(result.trace, width=output_width())))
                print()
            failed += not result.passed
    if len(selected) > 1:
        print(f"{len(selected) - failed} passed, {failed} failed")
    return 1 if failed else 0


def _explore_problems(scenario: Any) -> list[str]:
    """A run ignores the ``explore:`` section, but not its mistakes: a fault point, server or
    find that is none is said here as ``fakecloud explore`` says it (file, line, field)."""
    if not any(case.explore for case in scenario.cases):
        return []
    from fakecloud.explore.spec import read

    problems = []
    for case in scenario.cases:
        if case.explore:
            try:
                read(case)
            except ScenarioError as exc:
                if str(exc) not in problems:
                    problems.append(str(exc))
    return problems


def _trace_paths(out: str, cases: list) -> dict[int, str]:
    """Each case's trace file, by ``id(case)``: OUT itself for one case, OUT-<case> for several,
    and OUT-<file>-<case> where cases of two files share an id (one trace overwrote the other);
    OUT itself for every case when it is a device or a pipe (`written_through`)."""
    from fakecloud.outputs import written_through

    if written_through(out):  # /dev/null, /dev/stdout: every case's trace in turn
        return {id(c): out for c in cases}
    paths = {id(c): _trace_path(out, c.id, len(cases)) for c in cases}
    counts = Counter(paths.values())
    for case in cases:
        if counts[paths[id(case)]] > 1:
            paths[id(case)] = _trace_path(out, f"{Path(case.file).stem}-{case.id}", len(cases))
    return paths


def _trace_path(out: str, case_id: str, count: int) -> str:
    if count <= 1:
        return out
    path = Path(out)
    return str(path.with_name(f"{path.stem}-{case_id}{path.suffix or '.jsonl'}"))


def schema_main(argv: list[str] | None = None) -> int:
    """``fakecloud schema``: print the JSON Schema of scenario files."""
    from fakecloud.scenario.schema import schema_json

    argparse.ArgumentParser(
        prog="fakecloud schema", description="Print the JSON Schema of scenario files."
    ).parse_args(argv)
    sys.stdout.write(schema_json())
    return 0
