"""The trace: one ordered record of everything that happened in a cloud.

Every state change, RPC message, I/O start and finish and fault is an event, a plain dict
``{"t": virtual seconds, "seq": n, "kind": ..., "actor": ..., "subject": ..., **details}``.
Tests, scenario expectations, the explorer and the teaching views all read it.

    >>> trace = Trace(lambda: 0.0)
    >>> trace.emit("state", "cinder", "snap-1", field="status", old="creating", new="available")
    >>> [e["new"] for e in trace.filter(kind="state", subject="snap-1")]
    ['available']
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from typing import Any

Event = dict[str, Any]


def _json_default(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)


class Trace:
    """An append-only list of events stamped with virtual time and a sequence number."""

    def __init__(self, now: Callable[[], float]):
        self._now = now
        self._events: list[Event] = []

    def emit(self, kind: str, actor: str, subject: str, **details: Any) -> Event:
        """Record one event now; `details` must be JSON-friendly (others are written as str)."""
        event = {
            "t": self._now(),
            "seq": len(self._events),
            "kind": kind,
            "actor": actor,
            "subject": subject,
        }
        if details:
            event.update(details)
        self._events.append(event)
        return event

    def __iter__(self) -> Iterator[Event]:
        return iter(self._events)

    def __len__(self) -> int:
        return len(self._events)

    def __getitem__(self, index):
        return self._events[index]

    def filter(
        self, predicate: Callable[[Event], bool] | None = None, **fields: Any
    ) -> list[Event]:
        """Events whose fields equal every given value (and that `predicate` accepts).

        A value may be a tuple or set meaning "any of": ``filter(kind=("io.start", "io.finish"))``.
        A `kind` ending in ``.*`` matches a prefix: ``filter(kind="rpc.*")``.
        """
        out = []
        for event in self._events:
            if _matches(event, fields) and (predicate is None or predicate(event)):
                out.append(event)
        return out

    def first(self, **fields: Any) -> Event | None:
        """The earliest event matching `fields`, or None."""
        for event in self._events:
            if _matches(event, fields):
                return event
        return None

    def tail(self, n: int = 20) -> list[Event]:
        """The last `n` events."""
        return self._events[-n:]

    def to_jsonl(self, path: str | None = None) -> str:
        """The trace as JSON Lines (one event a line); written to `path` when given."""
        text = "".join(
            json.dumps(e, separators=(",", ":"), default=_json_default) + "\n" for e in self._events
        )
        if path is not None:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        return text

    def digest(self) -> str:
        """SHA-256 of the JSONL form: equal digests mean byte-identical traces."""
        return hashlib.sha256(self.to_jsonl().encode()).hexdigest()


def _matches(event: Event, fields: dict[str, Any]) -> bool:
    for key, want in fields.items():
        have = event.get(key)
        if isinstance(want, (tuple, set, frozenset, list)):
            if have not in want:
                return False
        elif key == "kind" and isinstance(want, str) and want.endswith(".*"):
            if not (isinstance(have, str) and have.startswith(want[:-1])):
                return False
        elif have != want:
            return False
    return True
