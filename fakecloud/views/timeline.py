"""Render a trace as text a person can follow: a timeline, a call sequence, state changes.

>>> print(timeline(cloud.trace))          # every event, one line each, virtual time first
>>> print(sequence(cloud.trace))          # who called whom (API requests and RPC)
>>> print(state_changes(cloud.trace))     # per resource: old -> new, with times
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Event = dict[str, Any]
_CORE = ("t", "seq", "kind", "actor", "subject")
_SKIP_DETAIL = {"traceback"}


def _fmt_t(t: float) -> str:
    return f"{t:10.3f}s"


def _details(event: Event, width: int = 70) -> str:
    parts = [f"{k}={v}" for k, v in event.items() if k not in _CORE and k not in _SKIP_DETAIL]
    text = " ".join(parts)
    return text if len(text) <= width else text[: width - 1] + "…"


def timeline(events: Iterable[Event], kinds: Iterable[str] | None = None) -> str:
    """One line per event: virtual time, kind, actor, subject, details."""
    wanted = set(kinds) if kinds else None
    lines = []
    for e in events:
        if wanted and e["kind"] not in wanted:
            continue
        lines.append(
            f"{_fmt_t(e['t'])}  {e['kind']:<13} {e['actor']:<18} {str(e['subject'])[:36]:<36} "
            f"{_details(e)}"
        )
    return "\n".join(lines)


def sequence(events: Iterable[Event]) -> str:
    """The conversation between services: API requests and RPC messages as arrows."""
    lines = []
    for e in events:
        kind = e["kind"]
        if kind == "api.request":
            lines.append(
                f"{_fmt_t(e['t'])}  {e.get('user', 'client'):>14} ──▶ {e['actor']:<14} "
                f"{e['subject']}"
            )
        elif kind == "api.response":
            lines.append(
                f"{_fmt_t(e['t'])}  {e.get('user', 'client'):>14} ◀── {e['actor']:<14} "
                f"{e.get('status')} {e['subject']}"
            )
        elif kind in ("rpc.cast", "rpc.call"):
            arrow = "──▶" if kind == "rpc.call" else "- ▶"
            lines.append(
                f"{_fmt_t(e['t'])}  {'nova-api':>14} {arrow} {e['subject']:<14} "
                f"{e.get('method')} ({kind[4:]})"
            )
        elif kind == "rpc.reply":
            lines.append(
                f"{_fmt_t(e['t'])}  {'nova-api':>14} ◀── {e['subject']:<14} "
                f"{e.get('method')} reply{'' if e.get('ok') else ' (error)'}"
            )
        elif kind in ("io.start", "io.finish"):
            verb = "starts" if kind == "io.start" else f"done in {e.get('duration_s')}s"
            lines.append(f"{_fmt_t(e['t'])}  {'':>14}  ⇢  {e.get('label')} {verb}")
    return "\n".join(lines)


def state_changes(events: Iterable[Event]) -> str:
    """Each resource's state changes in order: `subject field: old -> new @t`."""
    by_subject: dict[str, list[Event]] = {}
    for e in events:
        if e["kind"] == "state":
            by_subject.setdefault(str(e["subject"]), []).append(e)
    lines = []
    for subject, changes in by_subject.items():
        lines.append(f"{changes[0].get('machine', '').split('.')[0]} {subject}")
        for e in changes:
            lines.append(
                f"  {_fmt_t(e['t'])}  {e.get('field', 'status'):<12} {e['old']} → {e['new']}"
            )
    return "\n".join(lines)
