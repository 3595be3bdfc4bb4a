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


def _caller(target: str) -> str:
    """Who sends RPC messages to `target` in these flows (the bus does not record senders)."""
    return "cinder-api" if target.startswith("cinder") else "nova-api"


def sequence(events: Iterable[Event], aliases: dict[str, str] | None = None) -> str:
    """The conversation between services: API requests and RPC messages as arrows."""
    lines = []
    for e in events:
        if aliases:
            e = {**e, "subject": _alias(e["subject"], aliases)}
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
                f"{_fmt_t(e['t'])}  {_caller(e['subject']):>14} {arrow} {e['subject']:<14} "
                f"{e.get('method')} ({kind[4:]})"
            )
        elif kind == "rpc.reply":
            lines.append(
                f"{_fmt_t(e['t'])}  {_caller(e['subject']):>14} ◀── {e['subject']:<14} "
                f"{e.get('method')} reply{'' if e.get('ok') else ' (error)'}"
            )
        elif kind in ("io.start", "io.finish"):
            verb = "starts" if kind == "io.start" else f"done in {e.get('duration_s')}s"
            lines.append(f"{_fmt_t(e['t'])}  {'':>14}  ⇢  {e.get('label')} {verb}")
    return "\n".join(lines)


def state_changes(events: Iterable[Event], aliases: dict[str, str] | None = None) -> str:
    """Each resource's state changes in order: `subject field: old -> new @t`."""
    by_subject: dict[str, list[Event]] = {}
    for e in events:
        if e["kind"] == "state":
            by_subject.setdefault(_alias(e["subject"], aliases or {}), []).append(e)
    lines = []
    for subject, changes in by_subject.items():
        lines.append(f"{changes[0].get('machine', '').split('.')[0]} {subject}")
        for e in changes:
            lines.append(
                f"  {_fmt_t(e['t'])}  {e.get('field', 'status'):<12} {e['old']} → {e['new']}"
            )
    return "\n".join(lines)


def _alias(value: Any, aliases: dict[str, str]) -> str:
    text = str(value)
    for ident, name in aliases.items():
        text = text.replace(ident, name)
    return text


def _mb(nbytes: Any) -> str:
    return f"{(nbytes or 0) / 1e6:,.1f} MB"


def story_line(e: Event, aliases: dict[str, str] | None = None) -> str | None:
    """One readable sentence for a milestone event, or None for events a story skips."""
    aliases = aliases or {}
    kind, t = e["kind"], _fmt_t(e["t"])
    subject = _alias(e["subject"], aliases)
    if kind == "state":
        return f"{t}  {subject}: {e.get('field', 'status')} {e['old']} → {e['new']}"
    if kind == "api.request":
        return f"{t}  {e.get('user') or 'client'} → {e['actor']}: {subject}"
    if kind == "api.response":
        return f"{t}  {e['actor']} → {e.get('user') or 'client'}: {e.get('status')} ({subject})"
    if kind in ("rpc.cast", "rpc.call"):
        return f"{t}  RPC {kind[4:]} → {subject}: {e.get('method')}"
    if kind == "rpc.reply":
        return f"{t}  RPC reply ← {subject}: {e.get('method')}"
    if kind == "io.start":
        path = " + ".join(e.get("path") or [])
        return f"{t}  {e.get('label')}: {_mb(e.get('size'))} over {path} starts"
    if kind == "io.finish":
        return f"{t}  {e.get('label')}: done in {e.get('duration_s')} s"
    if kind.startswith("guest."):
        return f"{t}  guest of {subject}: {kind[6:]}"
    if kind == "notification":
        return f"{t}  notification {e.get('event_type', subject)}"
    if kind == "fault":
        return f"{t}  FAULT at {subject}: {e.get('rule')}"
    if kind == "note":
        return f"{t}  — {e.get('text', subject)} —"
    return None


def story(events: Iterable[Event], aliases: dict[str, str] | None = None) -> str:
    """The milestones of a run as sentences, with ids replaced by readable names."""
    lines = (story_line(e, aliases) for e in events)
    return "\n".join(line for line in lines if line is not None)
