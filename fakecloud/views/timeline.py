"""Render a trace as text a person can follow: a timeline, a call sequence, state changes, and
the story of a run.

>>> print(timeline(cloud.trace))          # every event, one line each, virtual time first
>>> print(sequence(cloud.trace))          # who called whom: user requests, internal REST, RPC
>>> print(state_changes(cloud.trace))     # per resource: old -> new, with times
>>> print(story(cloud.trace))             # the milestones as sentences

Every view takes `names` (id → readable name; a scenario trace brings its own) and `t0` (the
time shown as zero: a scenario's first step), and `width`: a row longer than that is wrapped
onto indented continuation lines, never cut. ``None`` (the default) leaves rows whole.
Events without a user (a request with no token) or with missing details are shown as such.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from typing import Any

from fakecloud.humanize import detail
from fakecloud.views import lanes
from fakecloud.views.model import (
    RPC_FAILURE_KINDS,
    TRANSFER_NAMES,
    acts_on,
    mb,
    quiesce_skipped,
    rpc_timeout_label,
    seconds,
)
from fakecloud.views.names import Names

Event = dict[str, Any]
_CORE = ("t", "seq", "kind", "actor", "subject")
_SKIP_DETAIL = {"traceback"}


def fmt_t(t: float, t0: float = 0.0) -> str:
    """A virtual time as the views print it: seconds from `t0`, to the millisecond."""
    return f"{t - t0:10.3f}s"


def _names(events: list[Event], names: Mapping[str, str] | Names | None) -> Names:
    if isinstance(names, Names):
        return names
    return Names.from_events(events, names)


def row(prefix: str, text: str, width: int | None) -> str:
    """`prefix` + `text`, wrapped at `width` with the continuation under `text`."""
    line = prefix + text
    if width is None or len(line) <= width:
        return line
    indent = len(prefix)
    if width - indent < 24:  # too narrow beside the prefix: the text goes under it
        indent = min(14, width // 3)
        parts = textwrap.wrap(text, width - indent, break_on_hyphens=False) or [""]
        return "\n".join([prefix.rstrip()] + [" " * indent + p for p in parts])
    parts = textwrap.wrap(text, width - indent, break_on_hyphens=False) or [""]
    return "\n".join([prefix + parts[0]] + [" " * indent + p for p in parts[1:]])


def wrap(text: str, width: int | None) -> str:
    """A plain paragraph wrapped at `width` (unchanged when `width` is None)."""
    if width is None or len(text) <= width:
        return text
    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False))


def hanging(head: str, parts: list[str], width: int | None) -> str:
    """`head` then `parts` (each kept whole), their wrapped rest under the first part, not at
    the left edge, as the demo hangs a line under its text (`fakecloud.views.console.Narrator
    .hanging`); a `head` that leaves no room for the widest part wraps as one paragraph."""
    body = " ".join(parts)
    if width is None or len(head) + len(body) <= width:
        return head + body
    room = width - len(head)
    if room < max(map(len, parts)):
        return wrap(head + body, width)
    lines = [parts[0]]
    for part in parts[1:]:
        if len(lines[-1]) + 1 + len(part) <= room:
            lines[-1] += " " + part
        else:
            lines.append(part)
    return "\n".join([head + lines[0], *(" " * len(head) + line for line in lines[1:])])


def _details(event: Event, names: Names, t0: float = 0.0) -> str:
    """The event's details as ``key=value``; numbers with a fraction rounded to the millisecond
    (the trace keeps the exact values), instants counted from `t0` as the row's time is."""
    parts = []
    for key, value in event.items():
        if key in _CORE or key in _SKIP_DETAIL:
            continue
        value = f"{len(value or {})} names" if key == "names" else detail(key, value, t0)
        parts.append(f"{key}={'none' if value is None else names.text(value)}")
    return " ".join(parts)


def _column(entries: list[str], least: int, width: int | None) -> int:
    """A timeline column's width: its longest entry's (glance.store.put,
    cinder-volume.cinder@lvmdriver-1), at least `least`; with a `width`, at most a fifth of it,
    so that one long actor does not push every row's details into a narrow strip (a longer
    entry pushes its own row's text along, and that row alone wraps under it)."""
    widest = max(map(len, entries), default=0)
    if width is not None:
        widest = min(widest, width // 5)
    return max(widest, least)


def timeline(
    events: Iterable[Event],
    kinds: Iterable[str] | None = None,
    *,
    names: Mapping[str, str] | Names | None = None,
    t0: float = 0.0,
    width: int | None = None,
) -> str:
    """One line per event: time, kind, actor, subject, then every detail (wrapped, not cut)."""
    evs = list(events)
    book = _names(evs, names)
    wanted = set(kinds or ())
    prefixes = tuple(k[:-1] for k in wanted if k.endswith(".*"))  # "rpc.*", as trace.filter
    shown = [e for e in evs if not wanted or e["kind"] in wanted or e["kind"].startswith(prefixes)]
    kind_w = _column([e["kind"] for e in shown], 13, width)
    actor_w = _column([str(e.get("actor") or "-") for e in shown], 18, width)
    lines = []
    for e in shown:
        subject = book.text(e.get("subject"))
        actor = str(e.get("actor") or "-")
        prefix = f"{fmt_t(e['t'], t0)}  {e['kind']:<{kind_w}} {actor:<{actor_w}} "
        text = f"{subject}  {_details(e, book, t0)}".rstrip()
        lines.append(row(prefix, text, width))
    return "\n".join(lines)


def _message_line(e: Event, book: Names) -> tuple[str, str, str] | None:
    """(from, arrow + to, what) of a message event, or None for other events."""
    kind = e["kind"]
    subject = book.text(e.get("subject"))
    if kind == "api.request":
        return e.get("user") or "(no token)", f"──▶ {lanes.of_actor(e['actor'])}", subject
    if kind == "api.response":
        return (
            e.get("user") or "(no token)",
            f"◀── {lanes.of_actor(e['actor'])}",
            f"{e.get('status')} {subject}",
        )
    if kind == "http.request":
        call = f"{e.get('call')}{acts_on(e, book)}"
        return lanes.of_actor(e["actor"]), f"──▶ {e.get('callee')}", f"{call} {subject}"
    if kind == "http.response":
        status = e.get("status")
        answer = "no answer" if status is None else str(status)
        error = f" ({book.text(e['error'])})" if e.get("error") else ""
        return (
            lanes.of_actor(e["actor"]),
            f"◀── {e.get('callee')}",
            f"{answer} {e.get('call')}{acts_on(e, book)} {subject}{error}",
        )
    if kind in ("rpc.cast", "rpc.call"):
        arrow = "──▶" if kind == "rpc.call" else "- ▶"
        target = str(e["subject"])
        sender = lanes.rpc_sender(target, str(e.get("method")))
        return sender, f"{arrow} {lanes.of_actor(target)}", f"{e.get('method')} ({kind[4:]})"
    if kind == "rpc.reply":
        target = str(e["subject"])
        sender = lanes.rpc_sender(target, str(e.get("method")))
        error = "" if e.get("ok", True) else " (error)"
        return sender, f"◀── {lanes.of_actor(target)}", f"{e.get('method')} reply{error}"
    if kind == "rpc.timeout":  # the call's answer, as the caller sees it
        target = str(e["subject"])
        sender = lanes.rpc_sender(target, str(e.get("method")))
        return sender, f"◀── {lanes.of_actor(target)}", rpc_timeout_label(e)
    if kind in ("io.start", "io.finish", "io.fail"):
        label = TRANSFER_NAMES.get(str(e.get("label")), str(e.get("label")))
        if kind == "io.start":
            what = f"{label} starts: {mb(e.get('size'))} over {' + '.join(e.get('path') or [])}"
        elif kind == "io.finish":
            what = f"{label} done in {seconds(float(e.get('duration_s') or 0))}"
        else:
            what = f"{label} FAILED: {e.get('error')}"
        return "", " ⇢ ", what
    return None


def sequence(
    events: Iterable[Event],
    aliases: Mapping[str, str] | Names | None = None,
    *,
    t0: float = 0.0,
    width: int | None = None,
) -> str:
    """The conversation between services: user requests, internal REST calls, RPC, transfers."""
    evs = list(events)
    book = _names(evs, aliases)
    rows = [(e, _message_line(e, book)) for e in evs]
    rows = [(e, m) for e, m in rows if m is not None]
    left = max((len(m[0]) for _, m in rows), default=0)
    mid = max((len(m[1]) for _, m in rows), default=0)
    lines = []
    for e, (src, arrow, what) in rows:
        prefix = f"{fmt_t(e['t'], t0)}  {src:>{left}} {arrow:<{mid}} "
        lines.append(row(prefix, what, width))
    return "\n".join(lines)


def state_changes(
    events: Iterable[Event],
    aliases: Mapping[str, str] | Names | None = None,
    *,
    t0: float = 0.0,
    width: int | None = None,
) -> str:
    """Each resource's state changes in order: `field: old → new` with times."""
    evs = list(events)
    book = _names(evs, aliases)
    by_subject: dict[str, list[Event]] = {}
    for e in evs:
        if e["kind"] == "state":
            by_subject.setdefault(str(e["subject"]), []).append(e)
    lines = []
    for subject, changes in by_subject.items():
        what = str(changes[0].get("machine", "")).split(".")[0]
        lines.append(f"{what} {book.get(subject)}")
        for e in changes:
            prefix = f"  {fmt_t(e['t'], t0)}  {str(e.get('field') or 'status'):<15} "
            lines.append(row(prefix, f"{e.get('old')} → {e.get('new')}", width))
    return "\n".join(lines)


def story_line(e: Event, aliases: Mapping[str, str] | Names | None = None) -> str | None:
    """One readable sentence for a milestone event (no time), or None for events a story skips."""
    book = aliases if isinstance(aliases, Names) else Names(aliases)
    kind = e["kind"]
    subject = book.text(e.get("subject"))
    if kind == "state":
        if e.get("machine") == "libvirt.guest.fsfreeze":
            return None  # guest.freeze / guest.thaw tell it
        field_ = e.get("field") or "status"
        return f"{subject}: {field_} {e.get('old')} → {e.get('new')}"
    if kind == "api.request":
        return f"{e.get('user') or '(no token)'} → {lanes.of_actor(e['actor'])}: {subject}"
    if kind == "api.response":
        who = e.get("user") or "(no token)"
        return f"{lanes.of_actor(e['actor'])} → {who}: {e.get('status')} ({subject})"
    if kind == "http.request":
        caller = lanes.label(lanes.of_actor(e["actor"]))
        return f"{caller} → {e.get('callee')}: {e.get('call')}{acts_on(e, book)} ({subject})"
    if kind == "http.response":
        status = e.get("status")
        if status is not None and status < 400:
            return None  # the request line says it; failures are told
        answer = "no answer" if status is None else status
        caller = lanes.label(lanes.of_actor(e["actor"]))
        error = f": {book.text(e['error'])}" if e.get("error") else ""
        call = f"{e.get('call')}{acts_on(e, book)}"
        return f"{e.get('callee')} → {caller}: {answer} to {call}{error}"
    if kind == "identity.token_rejected":  # the middleware's reason for its 401
        service = lanes.label(lanes.of_actor(e["actor"]))
        return f"{service} refuses the token of {subject}: {e.get('reason')}"
    if kind in ("rpc.cast", "rpc.call"):
        target = lanes.label(lanes.of_actor(e.get("subject")))
        return f"RPC {kind[4:]} → {target}: {e.get('method')}"
    if kind == "rpc.reply":
        target = lanes.label(lanes.of_actor(e.get("subject")))
        error = "" if e.get("ok", True) else " (an error)"
        return f"RPC reply ← {target}: {e.get('method')}{error}"
    if kind in RPC_FAILURE_KINDS:
        return f"RPC {kind[4:]}: {e.get('method')} to {e.get('subject')}"
    if kind == "io.start":
        label = TRANSFER_NAMES.get(str(e.get("label")), str(e.get("label")))
        path = " + ".join(e.get("path") or [])
        return f"{label}: {mb(e.get('size'))} over {path} starts"
    if kind == "io.finish":
        label = TRANSFER_NAMES.get(str(e.get("label")), str(e.get("label")))
        return f"{label}: done in {seconds(float(e.get('duration_s') or 0))}"
    if kind == "io.fail":
        return f"{e.get('label')}: FAILED ({book.text(e.get('error'))})"
    if kind == "guest.freeze":
        return f"guest of {subject}: filesystems frozen (fsfreeze)"
    if kind == "guest.thaw":
        return f"guest of {subject}: filesystems thawed"
    if kind == "guest.agent_error":  # libvirt's error for the agent's command, and its code
        error = f"{e.get('error')} (libvirt error {e.get('code')})"
        return f"guest of {subject}: {e.get('command')} failed: {error}"
    if kind.startswith("guest."):
        return f"guest of {subject}: {kind[6:]}"
    if kind == "nova.hub":  # LP #1874032: an upload holds nova-compute's eventlet hub
        host = lanes.label(lanes.of_actor(e["actor"]))
        if e.get("phase") == "blocked":
            return f"{host}: eventlet hub blocked by the upload of {book.text(e.get('by'))}"
        if e.get("phase") == "free":
            return f"{host}: eventlet hub free after {seconds(float(e.get('blocked_s') or 0))}"
        waited = seconds(float(e.get("waited_s") or 0))
        rpc = str(e.get("subject")).startswith("compute.")
        what = f"RPC {e.get('what')}" if rpc else f"{e.get('what')} of {subject}"
        return f"{host}: {what} waited {waited} for the eventlet hub"
    if kind == "notification":
        error = f" (ERROR {e['exception']})" if e.get("exception") else ""
        return f"notification {e.get('event_type', subject)}{error}"
    if kind == "log":
        reason = quiesce_skipped(e)
        if reason is None:
            return None
        who = lanes.label(lanes.of_actor(e["actor"]))
        return f"{who}: {subject} not quiesced ({reason}): the snapshot goes on unfrozen"
    if kind == "fault":
        rule, action = e.get("rule"), e.get("action")
        if rule == f"{action}@{e.get('subject')}":  # an unnamed rule: "raise@<point>" again
            rule = action
        return f"FAULT at {subject}: {rule}"
    if kind == "scenario.step":
        return f"step {e.get('subject')}: {book.text(e.get('what'))}"
    if kind == "note":
        return f"— {book.text(e.get('text', subject))} —"
    if kind in ("api.error", "nova.fault", "cinder.error"):
        return f"ERROR {kind}: {book.text(e.get('error') or e.get('message'))}"
    return None


def story(
    events: Iterable[Event],
    aliases: Mapping[str, str] | Names | None = None,
    *,
    t0: float = 0.0,
    width: int | None = None,
) -> str:
    """The milestones of a run as sentences, ids replaced by names; a repeated sentence (a
    poll) is told once with how many times it happened."""
    told = milestones(events, aliases, t0=t0)
    return "\n".join(row(f"{fmt_t(t, t0)}  ", sentence, width) for t, sentence in told)


def milestones(
    events: Iterable[Event], aliases: Mapping[str, str] | Names | None = None, *, t0: float = 0.0
) -> list[tuple[float, str]]:
    """The sentences `story` tells, each with its virtual time."""
    evs = list(events)
    book = _names(evs, aliases)
    lines: list[list[Any]] = []  # [t, sentence, count, last t]
    for e in evs:
        sentence = story_line(e, book)
        if sentence is None:
            continue
        if lines and lines[-1][1] == sentence:
            lines[-1][2] += 1
            lines[-1][3] = e["t"]
        else:
            lines.append([e["t"], sentence, 1, e["t"]])
    return [
        (t, sentence + (f"  (×{count}, until {last - t0:.3f}s)" if count > 1 else ""))
        for t, sentence, count, last in lines
    ]


def validations_note(events: Iterable[Event]) -> str | None:
    """What folded `events` (a run's set-up) say of Keystone: which services validated tokens
    with it (``GET /v3/auth/tokens``, `fakecloud.transport.token_cache`), and that each keeps
    the answer, so a later request with that token asks Keystone nothing; None when no
    service asked."""
    asked = sorted(
        {
            e["actor"]
            for e in events
            if e["kind"] == "http.request" and e.get("callee") == "keystone"
        },
        key=lanes.rank,
    )
    if not asked:
        return None
    who = asked[0] if len(asked) == 1 else ", ".join(asked[:-1]) + " and " + asked[-1]
    return (
        f"Keystone: {who} validated the set-up's tokens (GET /v3/auth/tokens) and cache "
        "each answer: a request with a cached token asks Keystone nothing"
    )


def scenario_story(events: Iterable[Event], width: int | None = None) -> str:
    """The story of a scenario run from its first step (the set-up folded away), on scenario
    time, with the scenario's names: what ``fakecloud run --story`` prints."""
    evs = list(events)
    start = next((e for e in evs if e["kind"] == "scenario.start"), None)
    t0, first = (start["t"], start["seq"]) if start is not None else (0.0, 0)
    book = Names.from_events(evs)
    told = story([e for e in evs if e["seq"] > first], book, t0=t0, width=width)
    folded = f"(set-up folded: {first} events before the first step)\n" if first else ""
    note = validations_note(e for e in evs if e["seq"] <= first) if first else None
    if note is not None:
        folded += wrap(f"({note})", width) + "\n"
    return folded + told
