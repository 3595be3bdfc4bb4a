"""Reading one finished trace for many checks: the events of the kinds they name, in one pass.

The invariant library and a scenario's ``trace:`` expectations read the same trace after a run,
most of them one kind or two (``api.error``, ``state``, ``api.response``). A `TraceReader`
walks the trace once for every kind its checks declared, building only those events' dicts
(`Trace.filter` skips the other shapes whole), and gives each check its kinds' events in trace
order:

    >>> with reading(cloud.trace, ("api.error", "state")):
    ...     errors = events(cloud.trace, "api.error")    # read with "state", in one pass

Outside a `reading` block, `events` asks the trace itself. The events handed out are shared by
the checks of one block: read them, do not change them.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any

Event = dict[str, Any]


class TraceReader:
    """The events of some kinds of one trace, read together on first use and kept by kind."""

    _declared: set[str]
    _by_kind: dict[str, list[Event]]

    def __init__(self, trace: Any, kinds: Iterable[str] = ()):
        self.trace = trace
        self._declared = set()
        self._by_kind = {}
        self._length = len(trace)
        self.declare(kinds)

    def declare(self, kinds: Iterable[str]) -> None:
        """Say that `kinds` will be read: the next read fetches them with the others."""
        self._declared.update(k for k in kinds if _plain_kind(k))

    def events(self, *kinds: str) -> list[Event]:
        """The events of `kinds` (plain kind names, not ``x.*``), in trace order."""
        if len(self.trace) != self._length:  # written to since: read it again
            self._by_kind, self._length = {}, len(self.trace)
        elif len(kinds) == 1:  # most reads: one kind, read already
            found = self._by_kind.get(kinds[0])
            if found is not None:
                return found
        wanted = [k for k in kinds if k not in self._by_kind]
        if wanted:
            self._read((self._declared | set(wanted)) - set(self._by_kind))
        if len(kinds) == 1:
            return self._by_kind[kinds[0]]
        runs = [self._by_kind[k] for k in dict.fromkeys(kinds)]
        return list(heapq.merge(*runs, key=_seq))

    def _read(self, kinds: set[str]) -> None:
        found: dict[str, list[Event]] = {k: [] for k in kinds}
        for event in self.trace.filter(kind=tuple(sorted(kinds))):
            found[event["kind"]].append(event)
        self._by_kind.update(found)


_CURRENT: ContextVar[TraceReader | None] = ContextVar("fakecloud_trace_reader", default=None)


class reading:  # a lower-case name: it reads as a function, ``with reading(trace, kinds):``
    """Within the block, `events(trace, ...)` reads through one `TraceReader` of `trace` (the
    enclosing block's, when it reads the same trace) that fetches `kinds` together.

    A class rather than a generator made into a context manager: the scenario checks and the
    invariants open three such blocks per explored seed."""

    _token: Any

    __slots__ = ("trace", "kinds", "_token")

    def __init__(self, trace: Any, kinds: Iterable[str] = ()):
        self.trace = trace
        self.kinds = kinds
        self._token = None

    def __enter__(self) -> TraceReader:
        current = _CURRENT.get()
        if current is not None and current.trace is self.trace:
            current.declare(self.kinds)
            return current
        reader = TraceReader(self.trace, self.kinds)
        self._token = _CURRENT.set(reader)
        return reader

    def __exit__(self, *exc: Any) -> None:
        if self._token is not None:
            _CURRENT.reset(self._token)
            self._token = None


def events(trace: Any, *kinds: str) -> list[Event]:
    """The events of `kinds` (plain kind names) in trace order: through the current
    `reading` block's reader of `trace` if there is one, else from the trace itself."""
    reader = _CURRENT.get()
    # a kind the reader holds is plain: no test of each kind for the usual read of one
    if (
        reader is not None
        and reader.trace is trace
        and ((len(kinds) == 1 and kinds[0] in reader._by_kind) or all(map(_plain_kind, kinds)))
    ):
        return reader.events(*kinds)
    return trace.filter(kind=kinds[0] if len(kinds) == 1 else kinds)


def _plain_kind(kind: Any) -> bool:
    return isinstance(kind, str) and not kind.endswith(".*")


def _seq(event: Event) -> int:
    return event["seq"]
