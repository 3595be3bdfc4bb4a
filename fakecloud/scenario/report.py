"""The short readable outcome of a run, as ``fakecloud run`` prints it.

    bugs/lp1731986.yaml :: bug-on   seed 0, profile seed, bugs lp1731986
      t=0.000   demo   snap      -> 500  POST /servers/db/action  (answered at t=0.162)
      t=0.000   -      fail-2nd  ok      fault raise at cinder.snapshot.create
    expectations
      ok    step snap: status 500
      FAIL  bugs/lp1731986.yaml:40: invariant no_frozen_guest
            no_frozen_guest: server web: guest frozen since t=0.004
    FAILED: 1 of 6 expectations failed (end t=12.5, idle)   replay: fakecloud run ... --seed 0

Times are scenario times (seconds since setup finished).
"""

from __future__ import annotations

from typing import Any

from fakecloud.humanize import secs
from fakecloud.streams import printable
from fakecloud.views.names import Names
from fakecloud.views.timeline import timeline


def _answer(record: Any) -> str:
    if not record.ran:
        return f"never ran (waited for {record.waiting_for})"
    if record.status is not None:
        return f"-> {record.status}"
    if record.error:
        return "error"
    return "ok"


def _answered(record: Any) -> str:
    """When a request's answer came, if not at once: nova-api holding a volume-backed
    createImage through the quiesce and Cinder's snapshots, a poll's last answer."""
    if record.action != "request" or record.status is None or record.finished is None:
        return ""
    if record.started is None or record.finished - record.started < 0.0005:
        return ""
    said = "matched" if record.what.startswith("poll ") else "answered"
    return f"  ({said} at t={record.finished:.3f})"


def _hung(head: str, text: str, width: int | None, indent: int = 8) -> str:
    """`head` then `text`, its words wrapped at `width` under the text's first (a row wrapped
    under its own text, as the story's rows), or under column `indent` where the head takes
    half the width (a step that never ran says why there); whole without a width. Never cut:
    a word longer than the room (a file's path) stays whole on its line, the first one beside
    the head."""
    if width is None or len(head) + len(text) <= width:
        return head + text
    under = " " * (len(head) if len(head) <= width // 2 else indent)
    words = text.split(" ")
    lines = [head + words[0]]
    for word in words[1:]:
        if len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(under + word)
    return "\n".join(lines)


def header(result: Any) -> str:
    """The first line: file, case, and the cloud it ran on (whole, as the replay command: the
    file's path is what a reader copies)."""
    case = result.case
    bits = [f"seed {result.seed}", f"profile {case.cloud.profile}"]
    if case.cloud.bugs:
        bits.append("bugs " + ", ".join(case.cloud.bugs))
    if case.cloud.switches:
        bits.append("switches " + ", ".join(f"{k}={v}" for k, v in case.cloud.switches.items()))
    t0 = f"   (setup took {secs(result.t0)} s)" if result.t0 else ""
    return f"{case.file} :: {case.id}   {', '.join(bits)}{t0}"


def steps_text(result: Any, names: Names | None = None, width: int | None = None) -> str:
    """One line per step: start time, actor, its name, the answer, then what it did (whole,
    with the scenario's names for the ids in it; with a `width`, wrapped under itself)."""
    names = Names.from_events(result.trace) if names is None else names
    lines = []
    ordered = sorted(result.steps, key=lambda r: (r.started is None, r.started or 0.0))
    longest = max((len(r.name) for r in ordered), default=0)
    for r in ordered:
        when = f"t={r.started:<9.3f}" if r.ran else "t=-        "
        head = f"  {when} {r.actor or '-':<8} {r.name:<{longest}}  {_answer(r):<6} "
        lines.append(_hung(head, names.text(r.what) + _answered(r), width, 14))
        if r.error:
            lines.append(_hung(f"{'':14}error: ", str(r.error), width, 14))
    return "\n".join(lines)


def checks_text(result: Any, names: Names | None = None, width: int | None = None) -> str:
    """One line per expectation: ok / n/a / FAIL with file:line and the details (also of an
    invariant broken as a bug replay expects: its bad end state); the ids in them named as the
    steps' lines name them (``state: GET /v2/images/snap``), and in the values a failure quotes
    marked as names (``got 200 {'volume': {'id': '<data>', ...``)."""
    names = Names.from_events(result.trace) if names is None else names
    lines = []
    for c in result.checks:
        if c.ok is False:
            lines.append(_hung("  FAIL  ", f"{c.where}: {names.text(c.what)}", width))
            lines.extend(_hung(" " * 8, _quoted(d, names), width) for d in c.details)
        else:
            lines.append(_hung(f"  {'ok  ' if c.ok else 'n/a '}  ", names.text(c.what), width))
            if c.ok:  # an invariant a bug replay breaks as expected: the bad end state it shows
                lines.extend(_hung(" " * 8, names.text(d), width) for d in c.details)
    return "\n".join(lines)


def _quoted(detail: str, names: Names) -> str:
    """A failed check's detail: what it names (``body.volume.status:``) as the steps' lines
    name it, the values it quotes (``expected ..., got ...``) with the names marked; a detail
    quoting nothing (an invariant's prose) named as the steps' lines name."""
    head, sep, quoted = detail.partition(": expected ")
    return names.text(head) + sep + names.marked(quoted) if sep else names.text(detail)


def summary(result: Any) -> str:
    """PASSED/FAILED, counts, end time and the replay command."""
    checks = [c for c in result.checks if c.ok is not None]
    failed = len(result.failures)
    state = "idle" if result.idle else "not idle"
    end = f"end t={secs(result.end)}, {state}"
    if failed:
        return printable(
            f"FAILED: {failed} of {len(checks)} expectations failed ({end})\n"
            f"replay: {result.replay_command()}"
        )
    return f"PASSED: {len(checks)} expectations ({end})"


def _trace_tail(result: Any, n: int, names: Names, width: int | None = None) -> list[str]:
    """The last `n` events of the run, from its ``scenario.start`` on: a short run's tail was
    mostly the world's set-up (hosts' links, base images), which no step of it did."""
    trace = result.trace
    # time zero's own event comes just before the first the run wrote (`CaseResult.first_seq`)
    start = result.first_seq - 1 if result.first_seq else 0
    if start and trace[start]["kind"] != "scenario.start":
        start += 1
    low = max(start, len(trace) - n - 2)  # n, and the closing scenario.names left out
    events = [e for e in trace[low:] if e["kind"] != "scenario.names"]
    whole = low == start and len(events) <= n
    title = "trace events from time zero" if whole else f"last {n} trace events"
    return [title, timeline(events[-n:], names=names, t0=result.t0, width=width)]


def one_line(result: Any) -> str:
    """A failed run in one line, for a test runner's short summary: the first broken
    expectation and its first detail, and how many more broke (``step copy: finished at 3 s:
    finished at t=2, expected 3 s (1 of 1 expectations failed)``)."""
    failures = result.failures
    if not failures:
        return summary(result)
    names = Names.from_events(result.trace)
    first = failures[0]
    text = names.text(first.what)
    if first.details:
        text += f": {_quoted(first.details[0], names)}"
    checks = [c for c in result.checks if c.ok is not None]
    return printable(f"{text} ({len(failures)} of {len(checks)} expectations failed)")


def render(result: Any, trace_tail: int = 0, width: int | None = None) -> str:
    """The whole report; with `trace_tail`, the last trace events too (for failures). With a
    `width` (``fakecloud run``: the terminal's, or `PIPED_WIDTH` in a pipe, as its ``--story``)
    rows wrap under their own text, never cut; the header and the replay command stay whole."""
    names = Names.from_events(result.trace)
    parts = [
        header(result),
        steps_text(result, names, width),
        "expectations",
        checks_text(result, names, width),
    ]
    warnings = getattr(result, "warnings", ())
    if warnings:
        parts += ["warnings", "\n".join(_hung("  WARN  ", str(w), width) for w in warnings)]
    if trace_tail:
        parts += _trace_tail(result, trace_tail, names, width)
    parts.append(summary(result))
    return printable("\n".join(p for p in parts if p))
