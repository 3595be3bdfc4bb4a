"""``fakecloud report``: show a run as an HTML page, Perfetto JSON, Mermaid, or text.

    fakecloud report run.jsonl -o report.html                  # one self-contained page
    fakecloud report lp1731986 --case bug_on -o bug.html       # a library scenario, by name
    fakecloud report scenarios/bugs/lp1731986_thaw_on_snapshot_failure.yaml -o report.html
                                    # one page per case: report-bug_on.html, report-bug_off.html
    fakecloud report run.jsonl --format perfetto -o run.json    # open in ui.perfetto.dev
    fakecloud report run.jsonl --format mermaid                 # a sequenceDiagram
    fakecloud report run.jsonl --view story --width 100         # text: timeline, sequence,
                                                                #   states, story
    fakecloud report image_backed_online --view diff            # two runs' stories, paired
    fakecloud report a.yaml b.yaml --view diff                  #   (a scenario's two cases,
                                                                #   or two inputs' one each)

The input is a trace (JSON Lines, from ``fakecloud run --trace`` or ``cloud.trace.to_jsonl``)
or a scenario, a file or a library scenario's name, which is run first (``--seed``, ``--case``,
``--profile`` as for ``fakecloud run``); a file named without ``.jsonl``, ``.yaml`` or ``.yml``
(a pipe: ``fakecloud report <(cat x.yaml)``) is a trace if it starts with ``{``, else a
scenario. The format comes from ``--format`` or from the output's suffix (``.html``,
``.json``, ``.mmd``); text goes to the terminal. Set-up (everything before a scenario's first
step) is folded away: the HTML page unfolds it with a switch, the other formats with
``--setup``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fakecloud.cli_args import case_argument, file_and_case, path_argument
from fakecloud.errors import ConfigError
from fakecloud.humanize import counted
from fakecloud.inputs import open_input
from fakecloud.outputs import (
    folder_problem,
    output_problem,
    pipes_kept_open,
    write_atomic,
    written_through,
)
from fakecloud.streams import printable
from fakecloud.suggest import did_you_mean

FORMATS = ("text", "html", "perfetto", "mermaid")
TEXT_VIEWS = ("timeline", "sequence", "states", "story", "diff")
_SUFFIX_FORMAT = {
    ".html": "html",
    ".htm": "html",
    ".json": "perfetto",
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
}
_FORMAT_SUFFIX = {"html": ".html", "perfetto": ".json", "mermaid": ".mmd", "text": ".txt"}


class ReportError(Exception):
    """A report cannot be made (bad input file, unknown case): the message says why."""


#: The longest line of a trace file read as one event (fakecloud's own are a few KB at most).
MAX_EVENT_BYTES = 1 << 24
#: The most read as one indented ``GET /fakecloud/trace`` answer (a million events or so).
MAX_DOCUMENT_BYTES = 1 << 28


def load_jsonl(path: str, lines: list[int] | None = None) -> list[dict]:
    """The events of a JSONL trace file; a `ReportError` names a bad line (status 2, as any
    input a command cannot use: was SystemExit, status 1, and out of a caller's main()).
    `lines`, if given, gets each event's line number."""
    with open_input(path) as f:
        return _read_jsonl(f, path, lines)


def _read_jsonl(f: Any, path: str, lines: list[int] | None) -> list[dict]:
    """The events of trace file `f` (opened from `path`), as `load_jsonl`."""
    events = []
    # One event a line, read at most MAX_EVENT_BYTES at a time: /dev/zero (no line end)
    # was read until the memory ran out.
    for number, raw in enumerate(iter(lambda: f.readline(MAX_EVENT_BYTES + 1), b""), 1):
        if len(raw) > MAX_EVENT_BYTES:
            raise ReportError(
                f"{path}:{number}: a line of more than {MAX_EVENT_BYTES >> 20} MiB is not a "
                "trace event"
            )
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ReportError(
                f"{path}:{number}: not UTF-8 text (byte 0x{raw[exc.start]:02x}): a trace is "
                "UTF-8 JSON Lines"
            ) from None
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except json.JSONDecodeError as exc:
            if number == 1 and line.lstrip().startswith("{"):
                served = _whole_document(raw + f.read(MAX_DOCUMENT_BYTES + 1), path)
                if served is not None:
                    return _served(served, path, lines)
            raise ReportError(f"{path}:{number}: not a JSON trace event ({exc.msg})") from None
        except (ValueError, RecursionError) as exc:  # 5,000 digits; 100,000 brackets
            why = "it nests too deep" if isinstance(exc, RecursionError) else str(exc)
            raise ReportError(f"{path}:{number}: not a trace event ({why})") from None
        if number == 1 and isinstance(event, dict) and "events" in event and "t" not in event:
            return _served(event, path, lines)
        problem = _event_problem(event)
        if problem:
            raise ReportError(f"{path}:{number}: not a trace event ({problem})")
        events.append(event)
        if lines is not None:
            lines.append(number)
    return events


def _whole_document(data: bytes, path: str) -> dict | None:
    """A ``GET /fakecloud/trace`` answer spread over lines (``curl ... | jq . > served.json``),
    or None if `data` is no such answer (the first line's error is then the one to show)."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ReportError(
            f"{path}:1: not JSON Lines, and more than {MAX_DOCUMENT_BYTES >> 20} MiB to read as "
            "one saved GET /fakecloud/trace answer"
        )
    try:
        document = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):  # not JSON, not UTF-8, too deep or too long a number
        return None
    return document if isinstance(document, dict) and "events" in document else None


def _served(answer: dict, path: str, lines: list[int] | None) -> list[dict]:
    """The events of a ``GET /fakecloud/trace`` answer saved to a file (``curl ... >
    served.json``), its ``names`` as the ``scenario.names`` event a scenario's trace ends with."""
    events = answer["events"]
    if not isinstance(events, list):
        raise ReportError(f"{path}:1: 'events' is {_short(events)}, expected a list of events")
    for i, event in enumerate(events):
        problem = _event_problem(event)
        if problem:
            raise ReportError(f"{path}:1: events[{i}] is not a trace event ({problem})")
    names = answer.get("names")
    if isinstance(names, dict) and events:
        last = events[-1]
        named = {"t": last["t"], "seq": last["seq"] + 1, "kind": "scenario.names"}
        events = [*events, named | {"actor": "scenario", "subject": "names", "names": names}]
    if lines is not None:
        lines.extend(1 for _ in events)
    return events


def _is(*types: type) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, types) and not isinstance(value, bool)


_TEXT = (_is(str), "text")
_TEXT_OR_NULL = (lambda v: v is None or isinstance(v, str), "text or null")
_NUMBER = (_is(int, float), "a number")
_WHOLE = (_is(int), "a whole number")
_TEXTS = (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "a list of text")
_MAPPING = (_is(dict), "an object")

#: The fields the views read, by event kind ("*": every kind), and what each must hold when
#: present: an edited or foreign trace with another type there is named at its line and field
#: (it was a TypeError from deep in a view, no line named).
_FIELDS: dict[str, dict[str, tuple[Callable[[Any], bool], str]]] = {
    "*": {"actor": _TEXT_OR_NULL, "subject": _TEXT_OR_NULL},
    "api.request": {"user": _TEXT_OR_NULL},
    "api.response": {"status": _WHOLE, "user": _TEXT_OR_NULL},
    "http.request": {"callee": _TEXT},
    "http.response": {"status": _WHOLE, "callee": _TEXT},
    "io.resource": {"bytes_per_s": _NUMBER},
    "io.start": {"size": _NUMBER, "path": _TEXTS, "label": _TEXT, "host": _TEXT},
    "io.finish": {"duration_s": _NUMBER, "label": _TEXT},
    "io.fail": {"label": _TEXT, "error": _TEXT},
    "scenario.names": {"names": _MAPPING},
    "scenario.start": {"bugs": (_is(list), "a list"), "seed": _WHOLE, "profile": _TEXT},
    "state": {"machine": _TEXT, "field": _TEXT},
    "rpc.call": {"method": _TEXT},
    "rpc.cast": {"method": _TEXT},
    "rpc.deliver": {"method": _TEXT},
    "rpc.reply": {"method": _TEXT},
}


def _event_problem(event: Any) -> str | None:
    if not isinstance(event, dict):
        return f"a JSON {type(event).__name__}, not an object"
    for key, kind in (("t", (int, float)), ("seq", int), ("kind", str)):
        if key not in event:
            return f"no {key!r}"
        if not isinstance(event[key], kind) or isinstance(event[key], bool):
            return f"{key!r} is {event[key]!r}"
    if not math.isfinite(event["t"]):  # json reads NaN and Infinity; no clock reads them
        return f"'t' is {event['t']!r}"
    for key, (fits, what) in (*_FIELDS["*"].items(), *_FIELDS.get(event["kind"], {}).items()):
        if key in event and not fits(event[key]):
            return f"field {key!r} is {_short(event[key])}, expected {what}"
    event.setdefault("actor", None)
    event.setdefault("subject", None)
    return None


def _short(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="fakecloud report",
        description="Show a trace or a scenario's run as HTML, Perfetto JSON, Mermaid or text.",
    )
    p.add_argument(
        "input",
        metavar="TRACE.jsonl|SCENARIO.yaml|SCENARIO-NAME",
        type=path_argument,
        help="a trace (fakecloud run --trace, or a served cloud's GET /fakecloud/trace saved "
        "to a file), a scenario file, or a library scenario's name (fakecloud list scenarios), "
        "to run and show",
    )
    p.add_argument(
        "other",
        nargs="?",
        metavar="OTHER",
        type=path_argument,
        help="with --view diff: a second trace or scenario (FILE::CASE picks a case), its run "
        "compared with the first input's",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        type=path_argument,
        help="file to write (one per case: OUT-<case>)",
    )
    p.add_argument("--format", choices=FORMATS, help="default: from OUT's suffix, else text")
    p.add_argument("--seed", type=int, help="scenario: the seed (default: the file's)")
    p.add_argument(
        "--profile",
        metavar="NAME",
        help="scenario: run on this profile instead of its own (as fakecloud run --profile)",
    )
    p.add_argument(
        "--case",
        action="append",
        metavar="ID",
        type=case_argument,
        help="scenario: only these cases (repeatable or comma-separated)",
    )
    p.add_argument(
        "--view",
        action="append",
        metavar="VIEW",
        help=f"text: {', '.join(TEXT_VIEWS)} (comma list or repeated; default: the first three; "
        "diff, alone: two runs' stories side by side)",
    )
    p.add_argument(
        "--kind",
        action="append",
        metavar="KIND",
        help="text timeline: only these event kinds (comma list or repeated; rpc.* for a "
        "prefix; fakecloud list events names them)",
    )
    p.add_argument("--width", type=int, help="text: wrap rows at N columns (never cut them)")
    p.add_argument("--setup", action="store_true", help="include the set-up (text, mermaid)")
    p.set_defaults(most_runs=None)  # the diff's: more cases than it compares are refused unrun
    return p


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


Runs = list[tuple[str, list[dict], Any, list[int]]]
"""(case id or "", events, what it is a run of or None, the events' lines in the input or [])."""


def _runs(args: argparse.Namespace) -> Runs:
    """The runs the input gives."""
    path = args.input
    if Path(path).suffix in (".yaml", ".yml") and Path(path).exists():
        return _scenario_runs(path, args)
    if not Path(path).exists() and Path(path).suffix != ".jsonl":
        from fakecloud.scenario import library

        try:  # a scenario of the library by name: `fakecloud report lp1731986`
            return _scenario_runs(str(library.find(path)), args, root_dir=library.root())
        except library.NotInLibrary as exc:
            raise ReportError(str(exc)) from None
    by_content = Path(path).suffix != ".jsonl"
    if not by_content:
        _trace_only(args)
    lines: list[int] = []
    try:
        with open_input(path) as f:
            # a name without a known suffix (a pipe, `report <(cat x.yaml)`): by its content
            head = f.peek(1 << 16).lstrip() if by_content else b"{"
            if not head or head.startswith(b"{"):  # a trace's first event (or none)
                _trace_only(args)
                return [("", _read_jsonl(f, path, lines), None, lines)]
            from fakecloud.scenario.loader import MAX_FILE_BYTES

            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ReportError(f"cannot read {path}: {exc.strerror}") from None
    return _scenario_runs(path, args, raw)


def _trace_only(args: argparse.Namespace) -> None:
    """`ReportError` if `args` ask for what only a scenario has."""
    if args.case or args.seed is not None or args.profile is not None:
        raise ReportError("--case, --seed and --profile apply to a scenario file, not to a trace")


def _scenario_runs(
    path: str, args: argparse.Namespace, raw: bytes | None = None, root_dir: Path | None = None
) -> list[tuple[str, list[dict], Any, list[int]]]:
    """The runs of the scenario file at `path` (its bytes `raw` if read already: then one
    that is no scenario is neither input a report takes); a library scenario is named from
    `root_dir`, the library (``bugs/lp1731986_...yaml``), as ``fakecloud run`` names it."""
    from fakecloud.scenario.errors import ScenarioError
    from fakecloud.scenario.loader import from_bytes, load
    from fakecloud.scenario.runner import run_case
    from fakecloud.views.model import scenario_meta

    try:
        scenario = load(path, root_dir) if raw is None else from_bytes(raw, Path(path))[1]
    except ScenarioError as exc:
        if raw is None:
            raise ReportError(str(exc)) from None
        raise ReportError(
            f"{path} is neither a trace (JSON Lines, each line a JSON object) nor a scenario "
            f"(YAML): {exc}"
        ) from None
    try:
        cases = scenario.cases
        if args.case:
            known = [c.id for c in cases]  # in the file's order (a set's varied per process)
            missing = [c for c in args.case if c not in known]
            if missing:
                raise ReportError(
                    f"no case {missing[0]!r}{did_you_mean(missing[0], known)} in "
                    f"{scenario.file}; cases: {', '.join(known)}"
                )
            cases = [c for c in cases if c.id in args.case]
        if args.most_runs is not None and len(cases) > args.most_runs:
            raise ReportError(_too_many(args, [c.id for c in cases]))
        if args.profile is not None:
            try:
                cases = [c.on_profile(args.profile) for c in cases]
            except ConfigError as exc:
                raise ReportError(f"--profile: {exc}") from None
        results = [run_case(c, seed=args.seed) for c in cases]
        return [(r.case.id, list(r.trace), scenario_meta(r), []) for r in results]
    except ScenarioError as exc:
        raise ReportError(str(exc)) from None


_UNSHOWABLE = (KeyError, TypeError, ValueError, AttributeError, IndexError)


def _first_unshowable(events: list[dict], fmt: str, args: argparse.Namespace) -> int:
    """The index of the event whose coming makes `events` unshowable in `fmt` (the shortest
    failing prefix's last, by bisection: a few renders, on this error's path only)."""
    good, bad = 0, len(events)  # events[:good] renders, events[:bad] does not
    while bad - good > 1:
        mid = (good + bad) // 2
        try:
            render(events[:mid], fmt, args)
            good = mid
        except _UNSHOWABLE:
            bad = mid
    return bad - 1


def _out_path(output: str | None, fmt: str, case: str, many: bool) -> Path | None:
    if output is None:
        if fmt in ("text", "mermaid"):
            return None
        output = "report" + _FORMAT_SUFFIX[fmt]
    path = Path(output)
    if many and case and not written_through(path):  # /dev/stdout: every case's in turn
        path = path.with_name(f"{path.stem}-{case}{path.suffix}")
    return path


def render(events: list[dict], fmt: str, args: argparse.Namespace, meta: Any = None) -> str:
    """The report of one run's events in format `fmt` (`meta`: what it is a run of)."""
    from fakecloud.views.model import read

    run = read(events, meta=meta)
    if fmt == "html":
        from fakecloud.views.html import render_html

        return render_html(run)
    if fmt == "perfetto":
        from fakecloud.views.perfetto import to_json

        return to_json(run)
    if fmt == "mermaid":
        from fakecloud.views.mermaid import sequence_diagram

        return sequence_diagram(run, setup=args.setup)
    return _text(run, args)


def _text(run: Any, args: argparse.Namespace) -> str:
    from fakecloud.views import timeline as views

    width = _text_width(args)
    events = run.events if args.setup else [e for e in run.events if not run.is_setup(e)]
    chosen = _split(args.view) or ["timeline", "sequence", "states"]
    parts = []
    if run.meta.scenario:
        about = [f"seed {run.meta.seed},", f"profile {run.meta.profile}"]
        parts.append(views.hanging(f"{run.meta.title}   ", about, width))
    folded = len(run.events) - len(events)
    if folded:
        note = f"(set-up folded: {folded} events before the first step; --setup shows them)"
        parts.append(views.wrap(note, width))
        keystone = views.validations_note(e for e in run.events if run.is_setup(e))
        if keystone is not None:
            parts.append(views.wrap(f"({keystone})", width))
    common = {"t0": run.t0, "width": width}
    for name in chosen:
        parts.append(f"== {name} ==")
        if name == "timeline":
            kinds = _split(args.kind) or None
            parts.append(views.timeline(events, kinds, names=run.names, **common))
        elif name == "sequence":
            parts.append(views.sequence(events, run.names, **common))
        elif name == "states":
            parts.append(views.state_changes(events, run.names, **common))
        else:
            parts.append(views.story(events, run.names, **common))
        parts.append("")
    return "\n".join(parts)


def _unknown_kind(kinds: list[str]) -> str | None:
    """What is wrong with the first `--kind` no trace event has, or None (a typo would print
    an empty timeline)."""
    from fakecloud.events import kind_problem

    return next(filter(None, map(kind_problem, kinds)), None)


def _text_width(args: argparse.Namespace) -> int | None:
    """The columns text rows wrap at: ``--width``; on standard output the terminal's, or
    `PIPED_WIDTH` in a pipe, as ``demo`` and ``run --story`` wrap (`output_width`; rows were
    whole lines in a pipe); a file ``--output`` names, whole lines."""
    if args.width is not None:
        return args.width
    if getattr(args, "output", None) is not None:
        return None
    from fakecloud.views.width import output_width

    return output_width()


def _emit(text: str) -> bool:
    """Print `text` (its control characters escaped: a trace's own text may hold an escape
    sequence); False when the reader has gone (``fakecloud report … | head``)."""
    try:
        print(printable(text), flush=True)
    except BrokenPipeError:
        # Python's own advice: point stdout at devnull so the exit does not complain again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return False
    return True


def _diff(args: argparse.Namespace) -> int:
    """``fakecloud report A [B] --view diff``: the stories of two runs, paired; the exit
    status."""
    from fakecloud.views.diff import story_diff
    from fakecloud.views.model import read

    if args.format not in (None, "text"):
        print("fakecloud report: --view diff is text; --format does not apply", file=sys.stderr)
        return 2
    given = [args.input] if args.other is None else [args.input, args.other]
    runs: Runs = []
    try:
        for name in given:
            one = argparse.Namespace(**vars(args))
            one.input, only = file_and_case(name)
            one.case = [*_split(args.case), *([only] if only else [])] or None
            one.most_runs = 2 if args.other is None else 1
            runs += _runs(one)
    except ReportError as exc:
        print(f"fakecloud report: {exc}", file=sys.stderr)
        return 2
    if len(runs) != 2:
        cases = ", ".join(case for case, *_ in runs if case)
        print(
            f"fakecloud report: --view diff compares two runs; {args.input} gives {len(runs)}"
            + (f" (cases {cases}): pick two with --case A,B" if cases else "")
            + ", or give a second input",
            file=sys.stderr,
        )
        return 2
    read_runs = [read(events, meta=meta) for _, events, meta, _ in runs]
    labels = tuple(_label(run, name) for run, name in zip(read_runs, given * 2, strict=False))
    width = _text_width(args)
    body = story_diff(read_runs[0], read_runs[1], labels, width)
    if args.output is None:
        _emit(body)
        return 0
    path = Path(args.output)
    problem = output_problem(path, inputs=given)
    if problem:
        print(f"fakecloud report: cannot write {path}: {problem}", file=sys.stderr)
        return 2
    try:
        write_atomic(path, body + "\n")
    except OSError as exc:
        print(f"fakecloud report: cannot write {path}: {exc.strerror}", file=sys.stderr)
        return 2
    print(f"wrote {path} (text, the diff of two runs)")
    return 0


def _too_many(args: argparse.Namespace, cases: list[str]) -> str:
    """Why the diff refuses a scenario of more cases than it compares (said before they run)."""
    given = f"{args.input} has {len(cases)} cases ({', '.join(cases)})"
    if args.most_runs == 1:
        return (
            f"--view diff compares one run of each input; {given}: name one, as "
            f"{args.input}::{cases[0]}"
        )
    return f"--view diff compares two runs; {given}: pick two with --case A,B"


def _label(run: Any, name: str) -> str:
    """What a run of the diff is: its scenario, case, seed and profile, or its trace file."""
    meta = run.meta
    if not meta.scenario:
        return name
    return f"{meta.title}, seed {meta.seed}, profile {meta.profile}"


def main(argv: list[str] | None = None) -> int:
    """``fakecloud report``; the exit status (2 for input it cannot read)."""
    args = _parser().parse_args(argv)
    views = _split(args.view)
    if "diff" in views:
        if len(views) > 1:
            print("fakecloud report: --view diff is shown alone", file=sys.stderr)
            return 2
        if args.width is not None and args.width < 20:
            print("fakecloud report: --width must be at least 20 columns", file=sys.stderr)
            return 2
        return _diff(args)
    if args.other is not None:
        print(
            "fakecloud report: a second input is compared with the first by --view diff; "
            "other views take one",
            file=sys.stderr,
        )
        return 2
    args.input, only = file_and_case(args.input)
    args.case = [*_split(args.case), *([only] if only else [])] or None
    bad = [v for v in _split(args.view) if v not in TEXT_VIEWS]
    if bad:
        print(
            f"fakecloud report: unknown view {bad[0]!r}{did_you_mean(bad[0], TEXT_VIEWS)}; "
            f"views: {', '.join(TEXT_VIEWS)}",
            file=sys.stderr,
        )
        return 2
    unknown = _unknown_kind(_split(args.kind))
    if unknown:
        print(f"fakecloud report: {unknown}", file=sys.stderr)
        return 2
    if args.width is not None and args.width < 20:
        print("fakecloud report: --width must be at least 20 columns", file=sys.stderr)
        return 2
    fmt, guessed = args.format, ""
    if fmt is None:
        suffix = Path(args.output).suffix.lower() if args.output else ""
        fmt = _SUFFIX_FORMAT.get(suffix, "text")
        if suffix not in (*_SUFFIX_FORMAT, ".txt", ""):  # -o report.pdf: text, and say so
            guessed = f"; {suffix} is no format's: --format picks one, as .html, .json, .mmd do"
    problem = args.output and folder_problem(args.output)  # the rest once the names are known
    if problem:
        print(f"fakecloud report: cannot write {args.output}: {problem}", file=sys.stderr)
        return 2
    try:
        runs = _runs(args)
    except ReportError as exc:
        print(f"fakecloud report: {exc}", file=sys.stderr)
        return 2
    many = len(runs) > 1
    with pipes_kept_open():  # a FIFO given for every case: open until all are written
        for case, events, meta, lines in runs:
            try:
                body = render(events, fmt, args, meta)
            except _UNSHOWABLE as exc:
                if meta is not None:  # a run fakecloud just made: a fakecloud bug, show it all
                    raise
                # A trace file whose events passed the reader's checks (t, seq, kind and the
                # fields' types) but not what fakecloud writes: an edited or foreign file.
                line = lines[_first_unshowable(events, fmt, args)]
                print(
                    f"fakecloud report: {args.input}:{line}: an event this report cannot show "
                    f"({type(exc).__name__}: {exc}); was the trace edited? `fakecloud run "
                    "--trace` writes one afresh",
                    file=sys.stderr,
                )
                return 2
            path = _out_path(args.output, fmt, case, many)
            if path is None:
                if not _emit((f"##### case {case}\n" if many else "") + body):
                    return 0
                continue
            problem = output_problem(path, inputs=[args.input])
            if problem:
                print(f"fakecloud report: cannot write {path}: {problem}", file=sys.stderr)
                return 2
            try:
                write_atomic(path, body)
            except OSError as exc:
                print(f"fakecloud report: cannot write {path}: {exc.strerror}", file=sys.stderr)
                return 2
            print(f"wrote {path} ({fmt}, {counted(len(events), 'event')}{guessed})")
        return 0
