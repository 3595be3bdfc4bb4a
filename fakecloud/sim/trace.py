"""The trace: one ordered record of everything that happened in a cloud.

Every state change, RPC message, I/O start and finish and fault is an event. Read, an event is
a plain dict ``{"t": virtual seconds, "seq": n, "kind": ..., "actor": ..., "subject": ...,
**details}``; tests, scenario expectations, the explorer and the teaching views all read it so.

    >>> trace = Trace(lambda: 0.0)
    >>> trace.emit("state", "cinder", "snap-1", field="status", old="creating", new="available")
    >>> [e["new"] for e in trace.filter(kind="state", subject="snap-1")]
    ['available']

**Storage.** A storm of 100,000 servers writes millions of events, so the trace does not keep
dicts. Each event is a *shape* (its kind, actor and detail keys, shared by every event of that
shape), a time and a run of values (the subject, then the details in order), held in flat
arrays: about 8 bytes per value plus 16 per event. The dict is built each time an event is
read (`__iter__`, `__getitem__`, `filter`, ...), so changing a dict you read does not change
the trace. The JSONL form is byte for byte what the dicts give.

A subject made of ids, such as a request's method and path, can be emitted as a `Subject`
(a template and its parts): the shape keeps the template and the values only the parts, which
are mostly strings the services hold anyway, so no formatted string is kept per event. It reads
as the formatted string.

`snapshot` and `restore` move a trace's events in and out as plain data (for save, load and
fork of a whole cloud).
"""

from __future__ import annotations

import hashlib
import json
import string
import sys
from array import array
from collections.abc import Callable, Iterator
from typing import Any

Event = dict[str, Any]

#: The fields every event has, in the order a read event shows them.
CORE_FIELDS = ("t", "seq", "kind", "actor", "subject")

#: Version of the `Trace.snapshot` layout (2: a shape may have a subject template; `restore`
#: also reads 1).
SNAPSHOT_FORMAT = 2

#: A shape: kind, actor, detail keys, the subject's template (None: the subject is one value)
#: and how many values the subject takes (1 for a plain subject).
_Shape = tuple[str, str, tuple[str, ...], "str | None", int]


class Subject(tuple):
    """An event subject kept as a `str.format` template and its parts.

    ``Subject.of("GET /v3/{}/volumes/{}", project_id, volume_id)`` is emitted like a string
    subject and reads as ``template.format(*parts)``; the trace stores only the parts (see the
    module's storage notes). Use it where the parts are values held elsewhere anyway (ids).
    """

    __slots__ = ()

    @classmethod
    def of(cls, template: str, *parts: Any) -> Subject:
        """The subject `template` formatted with `parts` (positional ``{}`` fields)."""
        return tuple.__new__(cls, (template, *parts))

    def __str__(self) -> str:
        return self[0].format(*self[1:])

    def __repr__(self) -> str:
        return f"Subject({str(self)!r})"


def _json_default(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)


_ENCODER = json.JSONEncoder(separators=(",", ":"), default=_json_default)


class Trace:
    """An append-only list of events stamped with virtual time and a sequence number.

    `now` is called once per event for its time (the kernel passes its clock).
    """

    def __init__(self, now: Callable[[], float]):
        self._now = now
        self._clear()

    def _clear(self) -> None:
        self._t = array("d")  # the time of each event
        self._odd_t: dict[int, Any] = {}  # seq -> time, where the time is not a float (an int)
        self._shape = array("I")  # the shape id of each event
        self._ends = array("I")  # where each event's values end in `_values`
        self._values: list[Any] = []  # per event: subject (or its parts), the details' values
        self._shapes: list[_Shape] = []  # id -> (kind, actor, keys, template, subject values)
        self._shape_ids: dict[tuple, int] = {}  # (kind, actor, *keys) -> id
        self._template_ids: dict[tuple, int] = {}  # (template, kind, actor, *keys) -> id

    # -- writing -----------------------------------------------------------------------------

    def emit(self, kind: str, actor: str, subject: str, **details: Any) -> None:
        """Record one event now; `details` must be JSON-friendly (others are written as str).

        The event is stored by reference: a list or dict passed as a detail is read back as
        it is when read, so pass values that are not changed afterwards. `subject` may be a
        `Subject`, stored as its parts.
        """
        if subject.__class__ is Subject:
            self._emit_parts(kind, actor, subject, details)
            return
        key = (kind, actor, *details) if details else (kind, actor)
        shape = self._shape_ids.get(key)
        if shape is None:
            shape = self._new_shape(key)
        t = self._now()
        if t.__class__ is not float:
            self._odd_t[len(self._t)] = t
        self._t.append(t)
        self._shape.append(shape)
        values = self._values
        values.append(subject)
        if details:
            values.extend(details.values())
        self._ends.append(len(values))

    def _emit_parts(self, kind: str, actor: str, subject: Subject, details: dict) -> None:
        key = (subject[0], kind, actor, *details)
        shape = self._template_ids.get(key)
        if shape is None:
            shape = self._new_template_shape(key, len(subject) - 1)
        t = self._now()
        if t.__class__ is not float:
            self._odd_t[len(self._t)] = t
        self._t.append(t)
        self._shape.append(shape)
        values = self._values
        values += subject[1:]
        if details:
            values.extend(details.values())
        self._ends.append(len(values))

    def _new_shape(self, key: tuple) -> int:
        shape = len(self._shapes)
        self._shapes.append((key[0], key[1], tuple(key[2:]), None, 1))
        self._shape_ids[key] = shape
        return shape

    def _new_template_shape(self, key: tuple, parts: int) -> int:
        shape = len(self._shapes)
        self._shapes.append((key[1], key[2], tuple(key[3:]), key[0], parts))
        self._template_ids[key] = shape
        return shape

    # -- reading -----------------------------------------------------------------------------

    def _event(self, i: int) -> Event:
        """Event number `i` (0 <= i < len) as a new dict."""
        kind, actor, keys, template, parts = self._shapes[self._shape[i]]
        start = self._ends[i - 1] if i else 0
        values = self._values
        t = self._odd_t.get(i, self._t[i]) if self._odd_t else self._t[i]
        if template is None:
            subject = values[start]
        else:
            subject = template.format(*values[start : start + parts])
        event = {"t": t, "seq": i, "kind": kind, "actor": actor, "subject": subject}
        if keys:
            event.update(zip(keys, values[start + parts : self._ends[i]], strict=True))
        return event

    def __iter__(self) -> Iterator[Event]:
        event = self._event
        for i in range(len(self._t)):
            yield event(i)

    def __len__(self) -> int:
        return len(self._t)

    def __getitem__(self, index: int | slice) -> Event | list[Event]:
        """One event by position (negative counts from the end), or a list for a slice."""
        if isinstance(index, slice):
            return [self._event(i) for i in range(*index.indices(len(self._t)))]
        n = len(self._t)
        i = index + n if index < 0 else index
        if not 0 <= i < n:
            raise IndexError("trace index out of range")
        return self._event(i)

    def filter(
        self, predicate: Callable[[Event], bool] | None = None, **fields: Any
    ) -> list[Event]:
        """Events whose fields equal every given value (and that `predicate` accepts).

        A value may be a tuple or set meaning "any of": ``filter(kind=("io.start", "io.finish"))``.
        A `kind` ending in ``.*`` matches a prefix: ``filter(kind="rpc.*")``. A field an event
        does not have reads as None.
        """
        out = []
        for event in self._candidates(fields):
            if predicate is None or predicate(event):
                out.append(event)
        return out

    def first(self, **fields: Any) -> Event | None:
        """The earliest event matching `fields`, or None."""
        return next(self._candidates(fields), None)

    def tail(self, n: int = 20) -> list[Event]:
        """The last `n` events."""
        return self[-n:]

    def _candidates(self, fields: dict[str, Any]) -> Iterator[Event]:
        """Events matching `fields`, in order; a dict is built only for an event whose shape
        (kind, actor, detail keys) and subject can match."""
        plans: dict[int, bool] = {}
        want_subject = "subject" in fields
        subject = fields.get("subject")
        values, ends, shapes, event = self._values, self._ends, self._shape, self._event
        for i in range(len(self._t)):
            shape = shapes[i]
            ok = plans.get(shape)
            if ok is None:
                ok = plans[shape] = self._shape_may_match(shape, fields)
            if not ok:
                continue
            if want_subject:
                start = ends[i - 1] if i else 0
                _, _, _, template, parts = self._shapes[shape]
                if template is None:
                    have = values[start]
                else:
                    have = template.format(*values[start : start + parts])
                if not _field_matches("subject", have, subject):
                    continue
            candidate = event(i)
            if _matches(candidate, fields):
                yield candidate

    def _shape_may_match(self, shape: int, fields: dict[str, Any]) -> bool:
        """False when no event of `shape` can match `fields` (judged on kind, actor and the
        detail keys it lacks, which read as None)."""
        kind, actor, keys, _, _ = self._shapes[shape]
        for key, want in fields.items():
            if key == "kind":
                have = kind
            elif key == "actor":
                have = actor
            elif key in CORE_FIELDS or key in keys:
                continue
            else:
                have = None
            if not _field_matches(key, have, want):
                return False
        return True

    def nbytes(self) -> int:
        """Bytes the trace's own storage holds: its arrays, its value slots and its shapes
        (not the values themselves, which are mostly strings the services also hold)."""
        size = sys.getsizeof
        held = size(self._t) + size(self._shape) + size(self._ends) + size(self._values)
        held += size(self._odd_t) + size(self._shapes) + size(self._shape_ids)
        held += size(self._template_ids)
        return held + sum(size(shape) + size(shape[2]) for shape in self._shapes)

    # -- writing out -------------------------------------------------------------------------

    def to_jsonl(self, path: str | None = None) -> str:
        """The trace as JSON Lines (one event a line); written to `path` when given."""
        encode = _ENCODER.encode
        text = "".join(encode(e) + "\n" for e in self)
        if path is not None:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        return text

    def digest(self) -> str:
        """SHA-256 of the JSONL form: equal digests mean byte-identical traces."""
        sha = hashlib.sha256()
        encode = _ENCODER.encode
        for event in self:
            sha.update((encode(event) + "\n").encode())
        return sha.hexdigest()

    # -- save and restore --------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """The events as plain JSON-ready data (lists, dicts, strings, numbers).

        Detail values are stored as the JSONL shows them (a set as a sorted list, an object
        as its str), so a restored trace writes the same JSONL bytes. The layout is compact
        (shapes plus flat columns) and versioned by ``"format"``; pass it to `restore`.
        """
        return {
            "format": SNAPSHOT_FORMAT,
            "shapes": [_shape_data(shape) for shape in self._shapes],
            "t": [self._odd_t.get(i, t) for i, t in enumerate(self._t)]
            if self._odd_t
            else self._t.tolist(),
            "shape": self._shape.tolist(),
            "ends": self._ends.tolist(),
            "values": [_plain(v) for v in self._values],
        }

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Replace this trace's events with those of a `snapshot` (new events follow them).

        Raises ValueError for data that is not a snapshot of this format.
        """
        try:
            if snapshot["format"] not in (1, SNAPSHOT_FORMAT):
                raise ValueError(f"unknown trace snapshot format {snapshot['format']!r}")
            shapes = [_shape_from_data(shape) for shape in snapshot["shapes"]]
            times, shape_ids = list(snapshot["t"]), list(snapshot["shape"])
            ends, values = list(snapshot["ends"]), list(snapshot["values"])
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ValueError(f"not a trace snapshot: {exc}") from None
        n = len(times)
        if not (len(shape_ids) == len(ends) == n) or (ends and ends[-1] != len(values)):
            raise ValueError("not a trace snapshot: its columns differ in length")
        if any(not 0 <= s < len(shapes) for s in shape_ids):
            raise ValueError("not a trace snapshot: an event names an unknown shape")
        self._clear()
        for kind, actor, keys, template, parts in shapes:
            if template is None:
                self._new_shape((kind, actor, *keys))
            else:
                self._new_template_shape((template, kind, actor, *keys), parts)
        self._odd_t = {i: t for i, t in enumerate(times) if t.__class__ is not float}
        self._t = array("d", times)
        self._shape = array("I", shape_ids)
        self._ends = array("I", ends)
        self._values = values


def _shape_data(shape: _Shape) -> list[Any]:
    """A shape as snapshot data: ``[kind, actor, keys]``, plus the subject template if any."""
    kind, actor, keys, template, _ = shape
    return [kind, actor, list(keys)] if template is None else [kind, actor, list(keys), template]


def _shape_from_data(data: list[Any]) -> _Shape:
    """The inverse of `_shape_data` (a template's part count is its number of fields)."""
    kind, actor, keys, *rest = data
    keys = tuple(str(key) for key in keys)
    if not rest:
        return (str(kind), str(actor), keys, None, 1)
    (template,) = rest
    parts = sum(1 for _, field, _, _ in string.Formatter().parse(template) if field is not None)
    return (str(kind), str(actor), keys, str(template), parts)


def _plain(value: Any) -> Any:
    """`value` as the JSONL shows it, as plain data (the inverse of json.loads of it)."""
    if value is None or value.__class__ in (str, int, float, bool):
        return value
    return json.loads(_ENCODER.encode(value))


def _field_matches(key: str, have: Any, want: Any) -> bool:
    if isinstance(want, (tuple, set, frozenset, list)):
        return have in want
    if key == "kind" and isinstance(want, str) and want.endswith(".*"):
        return isinstance(have, str) and have.startswith(want[:-1])
    return have == want


def _matches(event: Event, fields: dict[str, Any]) -> bool:
    return all(_field_matches(key, event.get(key), want) for key, want in fields.items())
