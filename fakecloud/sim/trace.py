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
arrays: about 8 bytes per value plus 14 per event. The dict is built each time an event is
read (`__iter__`, `__getitem__`, `filter`, ...), so changing a dict you read does not change
the trace. The JSONL form is byte for byte what the dicts give.

A list or dict detail (a notification's ``tags``, a transfer's ``path``) is kept frozen by
the families that meet one (see `emit`): an exact tuple of its items (`_freeze`), one object
for equal ones of text (each server's empty ``tags``), read back as a new list or dict equal
to the one written. A list kept per event was 56 bytes and more, for good, and an object the
collector walks in every full collection, where a tuple of atoms is one it stops tracking.

A subject made of ids, such as a request's method and path, can be emitted as a `Subject`
(a template and its parts): the shape keeps the template and the values only the parts, which
are mostly strings the services hold anyway, so no formatted string is kept per event. It reads
as the formatted string.

`snapshot` and `restore` move a trace's events in and out as plain data (for save, load and
fork of a whole cloud). The shapes are kept in a book that the traces of a process share (see
`_Book`): a new cloud, or a seed explored from a fork, meets the shapes earlier ones made
instead of making them again, while its snapshot lists only its own shapes, as a trace sharing
nothing would. A restored trace takes the process's book too, with each family where the
snapshot's shapes say it was (`_replay`), so it goes on in the shapes the saved trace would.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import json
import operator
import string
import sys
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from typing import Any

from fakecloud.events import EVENTS, kind_problem

#: The first parts of fakecloud's event kinds (``guest`` of ``guest.thaw``).
_NAMESPACES = frozenset(kind.split(".", 1)[0] for kind in EVENTS)

Event = dict[str, Any]

#: The fields every event has, in the order a read event shows them.
CORE_FIELDS = ("t", "seq", "kind", "actor", "subject")

#: Version of the `Trace.snapshot` layout (2: a shape may have a subject template; `restore`
#: also reads 1).
SNAPSHOT_FORMAT = 2

#: A shape: kind, actor, detail keys, the subject's template (None: the subject is one value),
#: how many values the subject takes (1 for a plain subject), the keys of the details stored
#: per event, and the details' values in the keys' order, the constants' and None for the
#: others (None: none constant), a tuple where a dict was 100 to 300 bytes more (a storm's book
#: holds some 60 shapes a compute host).
_Shape = tuple[str, str, tuple[str, ...], "str | None", int, tuple[str, ...], "tuple | None"]

#: Every 64th event's start in the values is kept (`_MARK` masks the rest of a seq).
_MARK_BITS = 6
_MARK = (1 << _MARK_BITS) - 1

#: The time of no run (not equal to any time, so the first event starts a run).
_NO_TIME = float("nan")

#: Traces up to this many events are filtered from a list of every event's value start.
_SHORT = 1 << 16

#: `_shape_verdict`'s answers besides 0 (no event of the shape matches).
_SURE, _MAYBE = 2, 1

#: A shape id's low and high bytes in the bytes of a 2-byte array of ids.
_LOW_BYTES, _HIGH_BYTES = (
    (slice(0, None, 2), slice(1, None, 2))
    if sys.byteorder == "little"
    else (slice(1, None, 2), slice(0, None, 2))
)

#: How many queries' verdicts a book remembers (then it starts again).
_QUERIES = 256

#: The types a constant detail may have (others make it a per-event value).
_TEXT = (str, type(None))

#: A list or dict detail kept frozen (`_freeze`): an exact tuple whose first item is one of
#: these (an emitted tuple never starts with one), read back as a new list or dict (`_thaw`).
_LIST, _DICT = object(), object()

#: Frozen values of text items alone, by themselves: equal ones are kept once (the empty tags
#: of every server's create notifications are one tuple). Cleared when it holds `_INTERNED_MAX`.
_INTERNED: dict[tuple, tuple] = {}
_INTERNED_MAX = 4096


def _freeze(value: list | dict) -> tuple:
    """`value`, a list or dict, as an exact tuple: ``(_LIST, *items)`` or ``(_DICT, key,
    value, ...)``, the lists and dicts in it frozen too. A tuple of atoms is an object the
    collector stops tracking, where a list is one it walks for good. One of text items alone
    is interned (one of numbers is not: ``0 == 0.0 == False`` and ``0.0 == -0.0`` would read
    back as another). An empty list costs some 300 instructions, one of a few strings some
    2,000 (the types read by a C loop, ``map``); others are frozen by `_freeze_other`."""
    if value.__class__ is list:
        if not value:
            return _EMPTY_LIST
        if _TEXT_KINDS.issuperset(map(type, value)):
            frozen = (_LIST, *value)  # `_interned`, inline: a call is some 400 instructions
            found = _INTERNED.setdefault(frozen, frozen)
            if found is frozen and len(_INTERNED) > _INTERNED_MAX:
                _INTERNED.clear()
            return found
    elif not value:
        return _EMPTY_DICT
    return _freeze_other(value)


def _freeze_other(value: list | dict) -> tuple:
    """`_freeze` of a list of other items than text, or of a dict."""
    if value.__class__ is list:
        return (_LIST, *[_freeze(v) if v.__class__ in _CONTAINERS else v for v in value])
    if _TEXT_KINDS.issuperset(map(type, value)) and _TEXT_KINDS.issuperset(
        map(type, value.values())
    ):
        return _interned((_DICT, *itertools.chain.from_iterable(value.items())))
    items = [_DICT]
    for k, v in value.items():
        items += (k, _freeze(v) if v.__class__ in _CONTAINERS else v)
    return tuple(items)


def _interned(frozen: tuple) -> tuple:
    """The one `frozen` (of text items alone) of the process (see `_INTERNED`)."""
    found = _INTERNED.setdefault(frozen, frozen)
    if found is frozen and len(_INTERNED) > _INTERNED_MAX:
        _INTERNED.clear()
    return found


def _thaw(frozen: tuple) -> list | dict:
    """The new list or dict that `frozen` (`_freeze`'s) was."""
    items = [_thaw(v) if _is_frozen(v) else v for v in frozen[1:]]
    if frozen[0] is _LIST:
        return items
    return dict(zip(items[::2], items[1::2], strict=True))


def _is_frozen(value: Any) -> bool:
    """Whether `value` is a frozen list or dict (`_freeze`)."""
    return value.__class__ is tuple and len(value) > 0 and (value[0] is _LIST or value[0] is _DICT)


#: The details a family's states keep frozen (`_freeze`) when stored per event.
_CONTAINERS = frozenset((list, dict))
#: The types of the items of a frozen value that is interned.
_TEXT_KINDS = frozenset(_TEXT)
#: The empty list and dict, frozen.
_EMPTY_LIST, _EMPTY_DICT = (_LIST,), (_DICT,)


#: Marks a `_Family.after` key naming details that cannot be constants (not constants met).
_ODD = object()

#: How many moves of a family state `Trace._next` also remembers by the values met when some
#: are not text (after that, only by which details they are: see `Trace._next`).
_ODD_MOVES = 32

#: How many shapes (sets of constant values) a family of events may have before one of its
#: details becomes a per-event value.
_VARIANTS = 16

# Plans, shared by every trace of the process: which details of a key set are constant, and
# how `Trace.put` takes the constant values (the shape's key) and the variable ones from an
# event's detail values (in the order of its keys): see `_plan`.
_PLANS: list[tuple[Any, bool, Any, int] | None] = []
_PLAN_KEYS: list[tuple[str, ...]] = []
_PLAN_VARIABLE: list[tuple[str, ...]] = []  # the keys a plan does not hold constant, in order
_PLAN_IDS: dict[tuple, int] = {}
_PLANS_LOCK = threading.Lock()

#: How a plan takes its variable details (its last field): none, one (an index), a run of
#: them (a slice), or others (an itemgetter's tuple); or, as a family state that freezes them
#: holds a plan, an itemgetter's tuple whose lists and dicts are frozen (`_frozen_plan`).
#: `Trace.write` tests them as literals.
_NO_VALUE, _ONE_VALUE, _RUN, _PICKED, _FROZEN = range(5)


def _plan(keys: tuple[str, ...], constant: tuple[str, ...]) -> int:
    """The index of the plan holding `constant` of `keys` in shapes.

    A plan is None (no constant details) or ``(fixed, sliced, variable, how)``: `fixed`
    takes the constants' values as a tuple, None when they are all the values, else a slice
    when they are a run (`sliced`) or an itemgetter; `variable` takes the per-event values,
    as `how` says (`_ONE_VALUE`: an index, `_RUN`: a slice, `_PICKED`: an itemgetter). A
    slice or an index is read by the put's own subscript: an itemgetter is a C call through
    an argument tuple (some 300 to 700 instructions), the subscript a few dozen."""
    index = _PLAN_IDS.get((keys, constant))
    if index is None:
        with _PLANS_LOCK:
            index = _PLAN_IDS.get((keys, constant))
            if index is None:
                variable = [i for i, k in enumerate(keys) if k not in constant]
                plan = None
                if constant:
                    fixed = [keys.index(k) for k in constant]
                    get_fixed, sliced = (None, True) if not variable else _taker(fixed)
                    if not variable:
                        get_variable, how = None, _NO_VALUE
                    elif len(variable) == 1:
                        get_variable, how = variable[0], _ONE_VALUE
                    else:
                        get_variable, run = _taker(variable)
                        how = _RUN if run else _PICKED
                    plan = (get_fixed, sliced, get_variable, how)
                _PLANS.append(plan)
                _PLAN_KEYS.append(constant)
                _PLAN_VARIABLE.append(tuple(keys[i] for i in variable))
                index = _PLAN_IDS[(keys, constant)] = len(_PLANS) - 1
    return index


#: Plan id -> the plan as a family state that freezes its per-event details keeps it
#: (`_frozen_plan`).
_FROZEN_PLANS: dict[int, tuple] = {}


def _frozen_plan(plan_id: int) -> tuple | None:
    """Plan `plan_id` as a state that keeps its per-event lists and dicts frozen (`_freeze`)
    holds it: the same constants, its per-event values taken as a tuple by an itemgetter
    (`Trace.write` freezes the lists and dicts among them: `_FROZEN`); None when the plan
    holds every detail as a constant. A plan of no constants (None, whose values
    `Trace.write` stores as given) is held as one whose constants are none of the values (an
    empty slice: see `_freezing`)."""
    found = _FROZEN_PLANS.get(plan_id)
    if found is None:
        plan = _PLANS[plan_id]
        if plan is None:
            plan = (slice(0, 0), True, slice(None), _RUN)
        elif plan[3] == _NO_VALUE:
            return None
        fixed, sliced, get_variable, how = plan
        if how == _ONE_VALUE:
            take = operator.itemgetter(slice(get_variable, get_variable + 1))
        elif how == _RUN:
            take = operator.itemgetter(get_variable)
        else:
            take = get_variable
        with _PLANS_LOCK:
            found = _FROZEN_PLANS.setdefault(plan_id, (fixed, sliced, take, _FROZEN))
    return found


def _taker(indexes: list[int]) -> tuple[Any, bool]:
    """What takes the values at `indexes` (ascending) out of a tuple, as a tuple: a slice
    when they are a run (and True), else an itemgetter (and False)."""
    first, last = indexes[0], indexes[-1]
    if last - first + 1 == len(indexes):
        return slice(first, last + 1), True
    return operator.itemgetter(*indexes), False


class Form:
    """Events of one kind with the same detail keys, in the same order (``http.request`` with
    ``callee`` and ``call``): made once with `form`, then written with `Trace.put`, which
    takes the details' values in order instead of a dict of them. `Trace.emit` finds the
    form of its keyword arguments; both ways write the same events."""

    __slots__ = ("kind", "keys", "number", "constant")

    def __init__(self, kind: str, keys: tuple[str, ...], number: int, constant: tuple[str, ...]):
        self.kind = kind
        self.keys = keys
        self.number = number  # where a trace keeps this form's families (`Trace._by_form`)
        # the details a family of this form starts holding as its shapes' constants
        self.constant = constant

    def __repr__(self) -> str:
        return f"form({self.kind!r}, {', '.join(map(repr, self.keys))})"


#: How many forms after the one it is written for a trace makes room for (`Trace._families_of`).
_FORMS_AHEAD = 16

#: Every form made in the process, by (kind, *keys) and by number.
_FORMS: dict[tuple, Form] = {}
_FORM_LIST: list[Form] = []


def form(kind: str, *keys: str, variable: tuple[str, ...] = ()) -> Form:
    """The form of `kind` events with detail `keys` (one object per kind and keys).

    `variable` names details whose values are never text (a number, a list, a dict): a family
    of the form holds them per event from its first state, where it would otherwise start
    with them as constants and move on at its first event (a list cannot even be looked up:
    every fork of a world met that as a `TypeError`). The events and the shapes a trace uses
    are the same either way. The first call for a kind and keys makes the form."""
    found = _FORMS.get((kind, *keys))
    if found is None:
        with _PLANS_LOCK:
            found = _FORMS.get((kind, *keys))
            if found is None:
                constant = tuple(k for k in keys if k not in variable)
                found = Form(kind, keys, len(_FORM_LIST), constant)
                _FORM_LIST.append(found)
                _FORMS[(kind, *keys)] = found
    return found


class Site:
    """One place that writes events of a form: the subject's template (None: a plain
    subject) and the values it always gives some of the details; the other details (the
    `tail`) come per event, in the form's key order. Made once with `site`, written with
    `Trace.write_at`, which finds the event's shape in the trace's slot for the site and its
    actor (a list index and one dict look-up by the actor's string) instead of looking its
    family and its shape up: the same events, the same shapes, as `Trace.write` of the full
    values."""

    __slots__ = ("form", "template", "fixed", "tail_keys", "number", "_where", "_head")

    def __init__(self, form: Form, template: str | None, fixed: dict[str, Any], number: int):
        self.form = form
        self.template = template
        self.fixed = fixed
        self.tail_keys = tuple(k for k in form.keys if k not in fixed)
        self.number = number  # where a trace keeps its shapes (`Trace._at`)
        tail = iter(range(len(self.tail_keys)))
        # per key of the form: (True, its value) when fixed, else (False, its tail index)
        self._where = tuple(
            (True, fixed[k]) if k in fixed else (False, next(tail)) for k in form.keys
        )
        # the fixed values when they come first (then an event's values are ``_head + tail``)
        n = len(fixed)
        self._head = tuple(fixed.values()) if form.keys[n:] == self.tail_keys else None

    def values(self, tail: tuple) -> tuple:
        """The details' values of an event written with `tail`, in the form's key order."""
        if len(tail) != len(self.tail_keys):
            raise ValueError(f"{len(tail)} values for the details {self.tail_keys}")
        if self._head is not None:
            return self._head + tail
        return tuple(v if fixed else tail[v] for fixed, v in self._where)

    def subject(self, subject: Any) -> Any:
        """The subject `Trace.write` takes for `subject` as `write_at` takes it: with a
        template, a ``(template, *parts)`` tuple of the parts given."""
        return subject if self.template is None else (self.template, *subject)

    def __repr__(self) -> str:
        return f"site({self.form!r}, {self.template!r}, {self.fixed!r})"


#: Every site made in the process, by (form number, template, fixed items) and by number; and
#: the numbers of the sites of each (form number, template), for `Trace._forget_sites`.
_SITES: dict[tuple, Site] = {}
_SITE_LIST: list[Site] = []
_SITES_OF: dict[tuple, list[int]] = {}


def site(form: Form, template: str | None = None, **fixed: Any) -> Site:
    """The site of `form`'s events with subjects of `template` (None: plain subjects) whose
    details `fixed` always have the values given (one object per form, template and values).

    ``site(DELIVER, method="snapshot")`` writes ``rpc.deliver`` events of method
    ``snapshot``; ``trace.write_at(s, "rpc", target)`` then is ``trace.write(DELIVER, "rpc",
    target, ("snapshot",))``. Fixed values must be text or None (the values a family's shapes
    hold): a detail whose value changes from event to event belongs in the tail."""
    unknown = set(fixed) - set(form.keys)
    if unknown:
        raise ValueError(f"{form!r} has no details {sorted(unknown)}")
    items = tuple((k, fixed[k]) for k in form.keys if k in fixed)
    key = (form.number, template, items)
    found = _SITES.get(key)
    if found is None:
        with _PLANS_LOCK:
            found = _SITES.get(key)
            if found is None:
                found = Site(form, template, dict(items), len(_SITE_LIST))
                _SITE_LIST.append(found)
                _SITES_OF.setdefault((form.number, template), []).append(found.number)
                _SITES[key] = found
    return found


#: What `Trace.write_at` finds for a site and actor it has not met (see `_Unmet`).
_UNKNOWN = -1

#: How many sites after the highest one a trace meets it makes room for in its slots: a fork
#: of a world meets the sites that world never wrote (an explored seed some twenty, most of
#: them made by the first seed), and finds each as `_UNMET` rather than by an exception.
_SITES_AHEAD = 64


class _Unmet:
    """The slot of a site a trace has not met, for any actor (`_UNMET`, the one instance:
    forks share it): reads `_UNKNOWN`, so that a trace meets a site without an exception
    (some 2,000 to 4,000 instructions), and holds nothing."""

    __slots__ = ()

    def __getitem__(self, actor: str) -> int:
        return _UNKNOWN

    def __repr__(self) -> str:
        return "_UNMET"


_UNMET = _Unmet()

#: The sites of a family state that has learnt none (`_Family.sites`): read, never written.
_NO_SITES: dict[int, Any] = {}

#: The moves of a family state that has made none (`_Family.after`): read, never written.
_NO_MOVES: dict[Any, Any] = {}


class _OneMove:
    """A family state's only move so far (`_Family.after`): read as a dict of one entry is
    (`get`, `len`), in 64 bytes. `_add_move` makes it, and a dict in its place at the next."""

    __slots__ = ("met", "state")

    def __init__(self, met: Any, state: Any):
        self.met = met
        self.state = state

    def get(self, met: Any, default: Any = None) -> Any:
        """The state moved to on `met` (compared as a dict's key is), else `default`."""
        return self.state if met == self.met else default

    def __len__(self) -> int:
        return 1


def _add_move(family: Any, met: Any, state: Any) -> None:
    """Note in `family` (a `_Family`) that it moves to `state` on `met` (a TypeError for an
    unhashable `met`, as a dict's key); the caller holds the book's lock."""
    after = family.after
    if after.__class__ is _OneMove:
        if met == after.met:
            family.after = _OneMove(after.met, state)
        else:
            family.after = {after.met: after.state, met: state}
    elif after is _NO_MOVES:
        hash(met)
        family.after = _OneMove(met, state)
    else:
        after[met] = state


class _Family:
    """What a trace knows of one family of events (same kind, actor, detail keys and subject
    template) at one point of its history: the plan (which details its shapes hold as
    constants) and the shape of each set of constant values met so far (or, with no
    constants, the one shape).

    A state never changes once made; a trace moves to the next state when it meets new
    constant values. States are interned in the trace's `_Book` by `key`: the family's
    ``(kind, actor, keys, template, parts)``, its plan's id, then the shape id of each set of
    constant values met, in order (see `_grown`); a world shares the book with its forks, so
    a fork meeting what another fork met takes the known state instead of making it again.
    """

    after: dict[Any, _Family]
    sites: dict[int, tuple[_Family, Any, tuple[int, ...]]]

    __slots__ = ("key", "plan", "shapes", "after", "sites")

    def __init__(self, key: tuple, shapes: Any):
        self.key = key  # also the book's key of it: (info, plan id, *shape ids)
        self.plan = _PLANS[key[1]]
        self.shapes = shapes  # constants -> shape id; no constants: the id ({(): id} freezing)
        # constants met -> the next state: `_NO_MOVES`, then a `_OneMove`, then a dict (most
        # states move once: a one-entry dict was some 230 bytes, 19 KB a storm's host)
        self.after = _NO_MOVES
        # site number -> (the state a site's first event moves this one to, what a trace
        # keeps for the site then, the tail's values that must not be text): `_write_new`;
        # `_NO_SITES` until the first (most states of a storm's hosts never learn one: an
        # empty dict each was 64 bytes, some 6 KB a compute host)
        self.sites = _NO_SITES


class _Book:
    """The shapes and family states of traces: one book serves every new trace of the process
    (`_shared_book`), so a test's fresh cloud does not learn again the event shapes that the
    previous test's cloud learnt, and a world's forks share its book.

    Append-only: a shape's id never changes, so every trace sharing the book reads its own
    events the same whatever the others add. Which shapes a trace uses, and in which states
    its families are, stays the trace's own (`Trace._by_form`); a snapshot lists only the
    shapes the trace uses, in the order it first used them, which is the order a trace that
    shared nothing would have made them in.
    """

    shapes: list[_Shape]
    widths: list[int]
    shape_ids: dict[tuple, int]
    states: dict[tuple, _Family]
    firsts: list[dict[Any, _Family]]
    verdicts: dict[tuple, dict[int, Any]]
    matching: dict[tuple, tuple[int, list[Any], bool, bytes]]
    width_table: tuple[int, bytes] | None
    reads: list[tuple[dict | None, str | None, int, tuple[str, ...], bool] | None]
    thaws: set[int]

    __slots__ = (
        "shapes",
        "widths",
        "shape_ids",
        "states",
        "firsts",
        "verdicts",
        "matching",
        "width_table",
        "reads",
        "thaws",
        "lock",
    )

    def __init__(self):
        self.shapes = []  # id -> (kind, actor, keys, template, ...): see _Shape
        self.widths = []  # id -> how many values each event of the shape has
        self.shape_ids = {}  # (family key, plan, constants) -> shape id
        # (family key, plan) -> a family's state before it meets constants; (family key, plan,
        # each set of constants met, in repr order) -> its state after
        self.states = {}
        # form number -> {a trace's family key (see `Trace._by_form`) -> the family's first
        # state}: `Trace.put` reads it without a call when a family is new to its trace
        self.firsts = []
        # filter's fields (as a tuple of items) -> shape id -> verdict (see Trace._verdicts)
        self.verdicts = {}
        # the same fields -> (how many shapes were judged, their verdicts as a list by shape
        # id, whether any of them may match, which of the ids below 256 may: see `_picks`)
        self.matching = {}
        # the widths of the ids below 256, a byte each (`Trace._found`): (how many ids it
        # holds, 256 bytes), or None when one is wider than a byte
        self.width_table = (0, bytes(256))
        # id -> how an event of the shape is read (`_read_plan`), made at its first read: most
        # shapes of a flow are written and never read, and a plan costs about a microsecond
        self.reads = []
        # ids of the shapes whose events may hold frozen lists and dicts (`_freezing`)
        self.thaws = set()
        self.lock = threading.Lock()  # clouds and forks may emit in threads (Dask worker)

    def add_shape(self, shape: _Shape) -> int:
        """The id of a new shape (the caller holds the lock)."""
        shape_id = len(self.shapes)
        self.reads.append(None)
        self.shapes.append(shape)
        self.widths.append(shape[4] + len(shape[5]))
        _pack(shape_id + 1, _PACKED if shape_id < 1 << 16 else _PACKED_WIDE)
        return shape_id


class _Locked:
    """`book`'s lock, held with the collector paused (``with _Locked(book):``). A collection
    may finalize a process of a dead world (a fork dropped without being recycled), whose
    ``GeneratorExit`` handler writes a trace event (`rpc.lost`, in `fakecloud.sim.rpc`); an
    event of a family the book does not hold yet takes the lock, and a collection while this
    thread held it would wait on it forever (seen in an explored sweep whose paths were pruned
    by effect). The collector is paused once the lock is taken and resumed once it is let go:
    nothing allocated while it is held can start a collection."""

    __slots__ = ("lock", "enabled")

    def __init__(self, book: Any):
        self.lock = book.lock

    def __enter__(self) -> None:
        self.lock.acquire()
        self.enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: Any) -> None:
        self.lock.release()
        if self.enabled:
            gc.enable()


# Shape id -> a one-item array of it, 2-byte ("H") and 4-byte ("I"), for every id a book has
# made (the wide ones from the first past 2 bytes on, and below it once a trace widens):
# `Trace.put` appends them to a trace's array of shape ids with ``+=``, which reads no number
# (an "H" array's ``append`` parses its number with ``PyArg_Parse``: some 300 instructions an
# event) and no argument (``frombytes`` of the id's bytes parses its buffer argument: about
# 150 more an event than ``+=``). An id's array is the same in every book: the lists are the
# process's, grown under a lock, and nothing changes an array once made.
_PACKED: list[array] = []
_PACKED_WIDE: list[array] = []
_PACKED_LOCK = threading.Lock()


def _pack(upto: int, packed: list[array]) -> list[array]:
    """`packed` (`_PACKED` or `_PACKED_WIDE`), holding at least the ids below `upto` now (made
    256 at a time: a book makes its shapes one by one)."""
    if len(packed) < upto:
        narrow = packed is _PACKED
        code = "H" if narrow else "I"
        with _PACKED_LOCK:
            start = len(packed)
            end = max(upto, start + 256)
            if narrow:
                end = min(end, 1 << 16)
            packed += [array(code, (i,)) for i in range(start, end)]
    return packed


#: States a shared book may hold before new traces start a new one: what a process's clouds
#: meet repeats, so a book rarely grows far, but nothing may grow without bound.
_BOOK_STATES = 100_000

#: The book new traces take (see `_shared_book`).
_BOOKS = [_Book()]


def _shared_book() -> _Book:
    """The book of the process's new traces (a new one once it holds `_BOOK_STATES` states:
    the traces of the full one keep using it)."""
    book = _BOOKS[0]
    if len(book.states) >= _BOOK_STATES:
        book = _BOOKS[0] = _Book()
    return book


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


#: (site number, plan id) -> `_kept`'s answer (the process's: both never change).
_KEPT: dict[tuple[int, int], Any] = {}


def _kept(site: Site, plan_id: int) -> tuple | None:
    """What a trace keeps of a site whose family has plan `plan_id` (see
    `Trace._write_new`): () when the plan holds exactly its fixed details as constants, the
    fixed values stored per event when it holds only some of them and those come before the
    tail, else None."""
    key = (site.number, plan_id)
    if key in _KEPT:
        return _KEPT[key]
    variable = _PLAN_VARIABLE[plan_id]
    apart = len(variable) - len(site.tail_keys)  # fixed details the plan holds per event
    kept = None
    if apart >= 0 and variable[apart:] == site.tail_keys:
        fixed = site.fixed
        if all(k in fixed for k in variable[:apart]):
            kept = tuple(fixed[k] for k in variable[:apart])
    _KEPT[key] = kept
    return kept


#: (site number, plan id) -> `_guard`'s answer (the process's: both never change).
_GUARDS: dict[tuple[int, int], tuple[int, ...]] = {}


def _guard(site: Site, plan_id: int) -> tuple[int, ...]:
    """The indexes in `site`'s tail of the details a plan `plan_id` holds as constants: a
    family state with that plan moves on a site's event as the site's fixed values and which
    of these values are text decide (see `Trace._write_new`)."""
    key = (site.number, plan_id)
    found = _GUARDS.get(key)
    if found is None:
        tail = site.tail_keys
        found = _GUARDS[key] = tuple(tail.index(k) for k in _PLAN_KEYS[plan_id] if k in tail)
    return found


class _Called:
    """The clock of a trace that reads its time by calling its `now` (see `Trace.read_clock`)."""

    __slots__ = ("_trace",)

    def __init__(self, trace: Trace):
        self._trace = trace

    @property
    def _now(self) -> float:
        return self._trace._now()


def _json_default(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)


_ENCODER = json.JSONEncoder(separators=(",", ":"), default=_json_default)


class Trace:
    """An append-only list of events stamped with virtual time and a sequence number.

    `now` is called once per event for its time (see `read_clock` for a cheaper clock).
    """

    _clock: Any
    _last_t: Any
    _same_t: Any
    _odd_t: dict[int, Any]
    _values: list[Any]
    _by_form: list[dict[Any, _Family]]
    _at: list[dict[str, int] | _Unmet]
    _other: list[Any]

    def __init__(self, now: Callable[[], float]):
        self._now = now
        self._clock = _Called(self)  # what emit reads the time from: its ``_now``
        self._clear(_shared_book())

    def _clear(self, book: _Book) -> None:
        # Events come in runs at one virtual instant: a time is kept per run, not per event.
        self._times = array("d")  # the time of each run
        self._runs = array("I")  # the seq of each run's first event
        self._last_t = _NO_TIME  # the time of the last run
        # the last event's time object when it was a float (else `_NO_TIME`): an event at the
        # very same object is in the same run and needs no other test of its time
        self._same_t = _NO_TIME
        self._odd_t = {}  # seq -> time, where the time is not a float (an int)
        # the shape id of each event: 2 bytes while the book's ids fit (`_wider_shapes`)
        self._shape = array("H")
        self._values = []  # per event: subject (or its parts), variable details
        # An event's values start where the previous one's end (each shape says how many it
        # has); where every 64th event's start is kept, so a random read adds up at most 63.
        # Kept up to date by reads, not by writes (`_mark`).
        self._marks = array("I")
        # The shapes, shared with other traces (see _Book); the two lists are the book's.
        self._book = book
        self._shapes = self._book.shapes
        self._widths = self._book.widths
        self._packed = _PACKED  # its shape ids as one-item arrays (see `_PACKED`)
        # Form number -> {actor, or (subject template, actor): this trace's _Family state}
        self._by_form = []
        # Site number -> {actor: the shape id its events take, or ~ an index of `_other`}
        # (`write_at`), or `_UNMET`: kept while the family's plan lasts (`_forget_sites`)
        self._at = []
        # what the sites whose shape `_at` cannot keep alone take (by ~number, from 1: ~0 is
        # `_UNKNOWN`): see `_write_new`
        self._other = [None]

    def read_clock(self, clock: Any) -> Trace:
        """Read each event's time as ``clock._now`` (simpy's `Environment` keeps its time
        there) instead of calling `now`: an attribute read, not a Python call per event.
        Returns the trace."""
        self._clock = clock
        return self

    # -- writing -----------------------------------------------------------------------------

    def emit(self, kind: str, actor: str, subject: str, **details: Any) -> None:
        """Record one event now; `details` must be JSON-friendly (others are written as str).

        Pass values that are not changed afterwards: a detail is kept as given, but for a list
        or dict, which a family of events that met one (its first event holding one, or a
        list where its constants were) keeps frozen as it was when written (`_freeze`) and
        reads back as a new one each time; others (a family's plain details where it never
        met one) are read back as they are when read. `subject` may be a
        `Subject`, stored as its parts. A place that writes one kind of event again and again
        writes it with `put` instead (the same event, without the dict of details).
        """
        found = _FORMS.get((kind, *details))
        if found is None:
            found = form(kind, *details)
        self.write(found, actor, subject, tuple(details.values()))

    def put(self, form: Form, actor: str, subject: Any, *values: Any) -> None:
        """Record one event of `form` now: its details are `values`, in the order of the
        form's keys (``trace.put(SENT, "nova-api", path, "cinder-api", "get")`` is
        ``trace.emit("http.request", "nova-api", path, callee="cinder-api", call="get")``
        when ``SENT = form("http.request", "callee", "call")``). Hot places `write`."""
        self.write(form, actor, subject, values)

    def write(
        self, form: Form, actor: str, subject: Any, values: tuple, parts: bool = False
    ) -> None:
        """`put` with the details' values as one tuple, for the places that write most: a
        call of fixed arity, which CPython runs in its caller's loop (a ``*values`` call
        takes a C call and an argument tuple more, some 330 instructions an event).

        With `parts` true, `subject` is a plain tuple ``(template, *parts)``, written as the
        `Subject` it would make (the same family, the same bytes) without making it: for
        callers that hold the parts as such a tuple anyway (the collector untracks a tuple of
        strings; a `Subject` it never does)."""
        try:
            families = self._by_form[form.number]
        except IndexError:
            families = self._families_of(form)
        if parts or subject.__class__ is Subject:
            key: Any = (subject[0], actor)
        else:
            key = actor
        family = families.get(key)
        if family is None:
            # a family this trace meets for the first time: a fork of a world usually meets
            # the families earlier forks met, whose first states the book keeps by form
            try:
                family = self._book.firsts[form.number].get(key)
            except IndexError:
                pass
            if family is None:
                family = self._new_family(form, actor, subject, key is not actor, values)
            families[key] = family
        plan = family.plan
        while plan is not None:
            fixed = plan[0]
            try:
                met = values if fixed is None else values[fixed] if plan[1] else fixed(values)
                shape = family.shapes.get(met)
            except TypeError:  # an unhashable value where constants were expected
                family = families[key] = self._next(family, values, hashable=False)
                if family.plan is not plan:
                    self._forget_sites(form, key, actor)
                plan = family.plan
                continue
            if shape is not None:
                break
            # constants this state has no shape for: the next state, known to the book when
            # a fork met them before (every seed of a world meets much the same values; a
            # subscript's KeyError here would cost an explored seed more than it saves a flow)
            found = family.after.get(met)
            family = families[key] = found if found is not None else self._next(family, values)
            if family.plan is not plan:
                self._forget_sites(form, key, actor)
            plan = family.plan
        else:
            shape = family.shapes
        t = self._clock._now
        if t is not self._same_t:
            if t != self._last_t:
                self._runs.append(len(self._shape))
                self._times.append(t)
                self._last_t = t
            if t.__class__ is float:
                self._same_t = t
            else:
                self._same_t = _NO_TIME
                self._odd_t[len(self._shape)] = t
        try:
            self._shape += self._packed[shape]
        except IndexError:  # an id past what 2 bytes hold
            self._wider_shapes(shape)
        store = self._values
        if key is actor:
            store.append(subject)
        else:
            store += subject[1:]
        if plan is None:
            if values:
                store += values
        elif fixed is not None:  # (the final plan's) some details are per event
            how = plan[3]
            if how == 1:  # _ONE_VALUE
                store.append(values[plan[2]])
            elif how == 2:  # _RUN
                store += values[plan[2]]
            elif how == 3:  # _PICKED
                store += plan[2](values)
            else:  # _FROZEN: a family that met a list or dict (`_freezing`)
                for v in plan[2](values):
                    if v.__class__ in _CONTAINERS:
                        v = _freeze(v)
                    store.append(v)

    def write_at(self, site: Site, actor: str, subject: Any, tail: tuple = ()) -> None:
        """Record one event of `site` now: ``write(site.form, actor, subject, values)`` with
        the site's fixed values and `tail` (the other details' values, in key order), where
        a site with a template takes `subject` as the tuple of its parts alone.

        The trace keeps the shape each site's events take for each actor (`_at`) once a
        `write` of one has found it, as long as the family's plan holds exactly the site's
        fixed details as constants: then the shape is the same for every event of the site
        (a family's known shapes never change), and an event is its time, its shape id and
        its values, with no look-up of its family or shape by a hashed tuple."""
        try:
            shape = self._at[site.number][actor]
        except LookupError:  # a site made since `_at` last grew, or its plan moved
            shape = self._write_new(site, actor, subject, tail)
            if shape is None:  # written
                return
        if shape < 0:  # its plan holds some fixed details per event, or other details
            if shape != _UNKNOWN:
                self._write_other(self._other[~shape], site, actor, subject, tail)
                return
            # the site's first event for `actor` here
            shape = self._write_new(site, actor, subject, tail)
            if shape is None:  # written
                return
        t = self._clock._now
        if t is not self._same_t:
            if t != self._last_t:
                self._runs.append(len(self._shape))
                self._times.append(t)
                self._last_t = t
            if t.__class__ is float:
                self._same_t = t
            else:
                self._same_t = _NO_TIME
                self._odd_t[len(self._shape)] = t
        try:
            self._shape += self._packed[shape]
        except IndexError:  # an id past what 2 bytes hold
            self._wider_shapes(shape)
        if site.template is None:
            self._values.append(subject)
        else:
            self._values += subject
        if tail:
            self._values += tail

    def _write_new(self, site: Site, actor: str, subject: Any, tail: tuple) -> int | None:
        """`write_at` of the site's first event for `actor` in this trace (or the first since
        its family's plan moved on); then what the site's events for `actor` take is kept
        (`_at`) while the family's plan lasts: the shape when the plan holds exactly the
        site's fixed details as constants (its per-event details are the tail's, in the same
        order); the shape and the fixed values stored per event when it holds only some of
        them, and those come before the tail (a family that met more than `_VARIANTS` sets of
        a host's task states: ``old`` and ``new`` per event); else None (by way of `write`:
        a detail of the tail is one of the plan's constants).

        Where the event takes its family, and what is kept, depend only on the family's
        state, the site, and whether the tail's values that state's plan holds as constants
        are text: when none are (a number, a list: the plan drops those details whatever
        their values), the state (shared by the forks of a world, like the book it is in)
        remembers them (`_Family.sites`), so a fork's first event of a site is its family's
        move and a kept write, not a `write` and the site's bookkeeping again.

        Returns the shape id kept when the event is still to be written as `write_at` writes
        one it finds kept (its caller goes on to that), else None (written here)."""
        form = site.form
        key: Any = actor if site.template is None else (site.template, actor)
        try:
            families = self._by_form[form.number]
        except IndexError:
            families = self._families_of(form)
        family = families.get(key)
        met = family is not None  # else no slot of this family holds `actor` here
        if not met:
            firsts = self._book.firsts
            if form.number < len(firsts):
                family = firsts[form.number].get(key)
        learnt = None if family is None else family.sites.get(site.number)
        if learnt is None or len(tail) != len(site.tail_keys):
            self._learn(site, actor, subject, tail, family, key)
            return
        after, kept, guard = learnt
        for i in guard:
            if tail[i].__class__ in _TEXT:  # a text value: the plan may keep it
                self._learn(site, actor, subject, tail, family, key)
                return
        families[key] = after
        if met and after.plan is not family.plan:
            self._forget_sites(form, key, actor)
        if kept.__class__ is int:
            # `_keep_site`, inline where the slots reach the site already (most first events
            # of a fork: the reset or the fork made room for what the world's seeds met)
            at = self._at
            number = site.number
            if number < len(at):
                slot = at[number]
                if slot is _UNMET:
                    at[number] = {actor: kept}
                else:
                    slot[actor] = kept
                return kept
            self._keep_site(site, actor, kept)
            return kept
        self._keep_site(site, actor, kept)
        self._write_other(kept, site, actor, subject, tail)
        return None

    def _learn(
        self, site: Site, actor: str, subject: Any, tail: tuple, family: Any, key: Any
    ) -> None:
        """`_write_new` by way of `write` (`family`: the family's state before, or None
        when neither this trace nor the book has it yet); what is kept is remembered by that
        state when the tail's values its plan holds as constants are none of them text."""
        form = site.form
        values = site.values(tail)
        if site.template is None:
            Trace.write(self, form, actor, subject, values)
        else:
            Trace.write(self, form, actor, (site.template, *subject), values, True)
        after = self._by_form[form.number][key]
        kept = _kept(site, after.key[1])
        if kept is not None:
            kept = self._shape[-1] if kept == () else (self._shape[-1], kept)
            if family is not None:
                guard = _guard(site, family.key[1])
                if all(tail[i].__class__ not in _TEXT for i in guard):
                    if family.sites is _NO_SITES:
                        family.sites = {}
                    family.sites[site.number] = (after, kept, guard)
        self._keep_site(site, actor, kept)

    def _keep_site(self, site: Site, actor: str, kept: Any) -> None:
        """Keep `kept` (see `_write_new`) as what `site`'s events for `actor` take here."""
        at = self._at
        if len(at) <= site.number:  # room for the sites made since, and some to come
            at += [_UNMET] * (max(site.number + 1, len(_SITE_LIST) + _SITES_AHEAD) - len(at))
        if kept.__class__ is not int:
            self._other.append(kept)
            kept = ~(len(self._other) - 1)  # a negative number: see `write_at`
        slot = at[site.number]
        if slot is _UNMET:
            slot = at[site.number] = {}
        slot[actor] = kept

    def _write_other(self, kept: Any, site: Site, actor: str, subject: Any, tail: tuple) -> None:
        """`write_at` of a site whose family's plan does not hold exactly its fixed details
        as constants (see `_write_new`): `kept` is None (by way of `write`), or the shape and
        the fixed values stored per event before the tail."""
        if kept is None:
            if site.template is None:
                Trace.write(self, site.form, actor, subject, site.values(tail))
            else:
                Trace.write(
                    self, site.form, actor, (site.template, *subject), site.values(tail), True
                )
            return
        shape, extra = kept
        # The time and shape steps of `write` and `write_at`, copied: folding this method
        # into `write_at` (an `extra` tested per event) costs a volume-backed createImage
        # ~10,000 instructions (0.6 %, 40 warm-up flows).
        t = self._clock._now
        if t is not self._same_t:
            if t != self._last_t:
                self._runs.append(len(self._shape))
                self._times.append(t)
                self._last_t = t
            if t.__class__ is float:
                self._same_t = t
            else:
                self._same_t = _NO_TIME
                self._odd_t[len(self._shape)] = t
        try:
            self._shape += self._packed[shape]
        except IndexError:  # an id past what 2 bytes hold
            self._wider_shapes(shape)
        store = self._values
        if site.template is None:
            store.append(subject)
        else:
            store += subject
        store += extra
        if tail:
            store += tail

    def _forget_sites(self, form: Form, key: Any, actor: str) -> None:
        """The family `key` of `form` has taken another plan: its sites' shapes kept for
        `actor` no longer serve (their events may now hold other details per event)."""
        template = key[0] if key is not actor else None
        at = self._at
        for number in _SITES_OF.get((form.number, template), ()):
            if number < len(at) and at[number] is not _UNMET:
                at[number].pop(actor, None)

    def _wider_shapes(self, shape: int) -> None:
        """Append `shape`, an id past what 2 bytes hold (a book of 65,536 shapes and more):
        every event's shape id takes 4 bytes from now on."""
        self._shape = array("I", self._shape)
        self._shape.append(shape)
        self._packed = _pack(len(self._shapes), _PACKED_WIDE)

    def _families_of(self, form: Form) -> dict[Any, _Family]:
        """This trace's families of `form` (made on its first event here).

        Room is also made for up to `_FORMS_AHEAD` forms made after it: a fork of a world
        meets the forms that world never wrote (an explored seed about a dozen, made one
        after another by the first seed), and `put` finds each by an IndexError here."""
        by_form = self._by_form
        upto = max(form.number + 1, min(len(_FORM_LIST), form.number + _FORMS_AHEAD))
        while len(by_form) < upto:
            by_form.append({})
        return by_form[form.number]

    # Most detail values repeat (a state's field, old and new state; a request's callee and
    # call): a shape also holds the details whose value is the same string (or None) in each
    # of its events, so only the others take a value slot per event. A family of events (same
    # kind, actor, keys and template) starts with every detail constant and makes a detail
    # variable when it meets a value that is not a string or None, or when it would need more
    # than _VARIANTS shapes (the detail with the most distinct values goes first).

    def _new_family(
        self, form: Form, actor: str, subject: Any, parts: bool, values: tuple
    ) -> _Family:
        """The first state of the family of `form`, `actor` and `subject`'s template, which
        the book's `firsts` did not hold when `put` looked (another thread may have added it
        since); made by an event of detail `values`, it freezes its per-event lists and dicts
        when these hold one (see `_freezing`)."""
        book = self._book
        kind, keys = form.kind, form.keys
        if parts:
            key: Any = (subject[0], actor)
            info = (kind, actor, keys, subject[0], len(subject) - 1)
        else:
            key = actor
            info = (kind, actor, keys, None, 1)
        with _Locked(book):
            firsts = book.firsts
            while len(firsts) <= form.number:
                firsts.append({})
            state = firsts[form.number].get(key)
            if state is None:
                plan = _plan(keys, form.constant)
                freeze = _holds_container(values)
                state = firsts[form.number][key] = _start(book, info, plan, freeze)
        return state

    def _next(self, family: _Family, values: tuple, hashable: bool = True) -> _Family:
        """The state `family` moves to on meeting the constants of `values` it has no shape
        for: one more shape, or a plan with fewer constants.

        Constants that are not text (a number, a list) make the plan drop those details
        whatever their values, so that move is remembered by which details they are, not by
        the values: an explored seed's throughputs and times, different in every seed, would
        otherwise add a move per seed to the book (the values are remembered too, for
        `put`, for the first `_ODD_MOVES` moves of a state, unless `put` found them
        unhashable: `hashable` false)."""
        plan = family.plan
        fixed = plan[0]
        met = values if fixed is None else values[fixed] if plan[1] else fixed(values)
        odd = []
        for i, v in enumerate(met):  # met holds the values of the plan's constants, in order
            if v.__class__ not in _TEXT:
                odd.append(_PLAN_KEYS[family.key[1]][i])
        after = family.after
        if odd:
            key: Any = (_ODD, *odd)
            state = after.get(key)
        else:  # `put` looked for these values in `after` before calling
            key, state = met, None
        if state is None:
            keys = family.key[0][2]
            if len(values) != len(keys):
                raise ValueError(f"{len(values)} values for the {len(keys)} details {keys}")
            with _Locked(self._book):
                frozen = _FROZEN_PLANS.get(family.key[1])
                freeze = frozen is not None and family.plan is frozen
                state = _grown(self._book, family, met, odd, freeze or _holds_container(values))
                _add_move(family, key, state)
        if odd and hashable and len(family.after) < _ODD_MOVES:
            # the values themselves too, so that `put` finds the move without calling here
            # when they come again (a status 200 does; a jittered throughput does not)
            try:
                with _Locked(self._book):
                    _add_move(family, met, state)
            except TypeError:  # unhashable: only the key by details serves
                pass
        return state

    # -- reading -----------------------------------------------------------------------------

    def _event(self, i: int) -> Event:
        """Event number `i` (0 <= i < len) as a new dict."""
        shape_of, widths = self._shape, self._widths
        marks = self._marks
        if i >> _MARK_BITS >= len(marks):
            self._mark(i >> _MARK_BITS)
        start = marks[i >> _MARK_BITS]
        for j in range(i & ~_MARK, i):
            start += widths[shape_of[j]]
        return self._build(i, shape_of[i], start, self._times[bisect_right(self._runs, i) - 1])

    def _mark(self, upto: int) -> None:
        """Note where the values of every 64th event up to number ``upto * 64`` start."""
        marks, shape_of, widths = self._marks, self._shape, self._widths
        if not marks:
            marks.append(0)
        while len(marks) <= upto:
            first = (len(marks) - 1) << _MARK_BITS
            marks.append(
                marks[-1] + sum(map(widths.__getitem__, shape_of[first : first + _MARK + 1]))
            )

    def _walk(self) -> Iterator[tuple[int, int, int, float]]:
        """(seq, shape, where its values start, time) of each event, in order."""
        shapes, widths, runs, times = self._shape, self._widths, self._runs, self._times
        n = len(shapes)
        start, run, next_run = 0, -1, 0
        for i in range(n):
            if i == next_run:
                run += 1
                next_run = runs[run + 1] if run + 1 < len(runs) else n
            shape = shapes[i]
            yield i, shape, start, times[run]
            start += widths[shape]

    def _build(self, i: int, shape: int, start: int, t: float) -> Event:
        # a copy of the shape's event with its constants, the per-event values stored into it
        # (a dict copy and a store per value, where building it and updating it from the
        # skeleton and a zip of the values cost some 11,000 instructions an event)
        plan = self._book.reads[shape]
        if plan is None:  # the shape's first read (a plan is the same whoever makes it first)
            book = self._book
            plan = book.reads[shape] = _read_plan(self._shapes[shape], shape in book.thaws)
        made, template, parts, var_keys, thaw = plan
        if made is None or thaw:
            return self._build_merged(i, shape, start, t)
        values = self._values
        if self._odd_t:
            t = self._odd_t.get(i, t)
        event = made.copy()
        event["t"] = t
        event["seq"] = i
        if template is None:
            event["subject"] = values[start]
        else:
            event["subject"] = template.format(*values[start : start + parts])
        if var_keys:
            start += parts
            for key in var_keys:
                event[key] = values[start]
                start += 1
        return event

    def _build_merged(self, i: int, shape: int, start: int, t: float) -> Event:
        """`_build` of a shape with a detail named as a core field (it overrides the core
        field's value in place, as an update does)."""
        kind, actor, keys, template, parts, var_keys, skeleton = self._shapes[shape]
        values = self._values
        if self._odd_t:
            t = self._odd_t.get(i, t)
        if template is None:
            subject = values[start]
        else:
            subject = template.format(*values[start : start + parts])
        event = {"t": t, "seq": i, "kind": kind, "actor": actor, "subject": subject}
        if skeleton is not None:
            event.update(zip(keys, skeleton, strict=True))
        if var_keys:
            start += parts
            held = values[start : start + len(var_keys)]
            if shape in self._book.thaws:  # a new list or dict of each frozen one
                held = [_thaw(v) if _is_frozen(v) else v for v in held]
            event.update(zip(var_keys, held, strict=True))
        return event

    def __iter__(self) -> Iterator[Event]:
        build = self._build
        for i, shape, start, t in self._walk():
            yield build(i, shape, start, t)

    def __len__(self) -> int:
        return len(self._shape)

    def __getitem__(self, index: int | slice) -> Event | list[Event]:
        """One event by position (negative counts from the end), or a list for a slice."""
        if isinstance(index, slice):
            return [self._event(i) for i in range(*index.indices(len(self._shape)))]
        n = len(self._shape)
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
        kind = fields.get("kind")
        if kind.__class__ is str and kind not in EVENTS:
            self._refuse_unknown_kind(kind)
        out = []
        for event in self._candidates(fields):
            if predicate is None or predicate(event):
                out.append(event)
        return out

    def first(self, **fields: Any) -> Event | None:
        """The earliest event matching `fields`, or None."""
        kind = fields.get("kind")
        if kind.__class__ is str and kind not in EVENTS:
            self._refuse_unknown_kind(kind)
        return next(self._candidates(fields), None)

    def _refuse_unknown_kind(self, kind: str) -> None:
        """A `kind` no event of this trace has and none of fakecloud's can have (a typo,
        ``filter(kind="guest.thaww")``) is a ValueError naming the kind meant: the empty answer
        made a test's ``assert not trace.filter(...)`` pass whatever the cloud did. A kind of
        the caller's own (``myapp.done``, written by its ``trace.emit``), in no namespace of
        fakecloud's and close to none of its kinds, reads as before: empty until written."""
        problem = kind_problem(kind)
        ours = problem and (kind.split(".", 1)[0] in _NAMESPACES or "(did you mean" in problem)
        # (a kind this trace has is the caller's own, trace.emit, or another version's)
        if ours and next(self._candidates({"kind": kind}), None) is None:
            raise ValueError(f"trace.filter: {problem}")

    def tail(self, n: int = 20) -> list[Event]:
        """The last `n` events."""
        return self[-n:]

    def _candidates(self, fields: dict[str, Any]) -> Iterator[Event]:
        """Events matching `fields`, in order; a dict is built only for an event whose shape
        (kind, actor, detail keys) and subject can match."""
        shape_of = self._shape
        n = len(shape_of)
        verdicts, matching, picks = self._verdicts(fields)
        if not matching:  # no shape of this trace (nor of the book) can match
            return
        hits: Any
        if n > _SHORT:  # a long trace: walk it rather than hold every event's start at once
            hits = ((i, shape, start, t) for i, shape, start, t in self._walk())
        else:
            hits = self._found(verdicts, picks)
        want_subject = "subject" in fields
        subject = fields.get("subject")
        values, shapes, build = self._values, self._shapes, self._build
        for i, shape, start, t in hits:
            verdict = verdicts[shape]
            if not verdict:
                continue
            if want_subject:
                template, parts = shapes[shape][3:5]
                if template is None:
                    have = values[start]
                else:
                    have = template.format(*values[start : start + parts])
                if not _field_matches("subject", have, subject):
                    continue
            candidate = build(i, shape, start, t)
            if verdict == _SURE or _matches(candidate, fields):
                yield candidate

    def _found(self, verdicts: list[Any], picks: bytes) -> Iterator[tuple[int, int, int, float]]:
        """(seq, shape, where its values start, time) of each event whose shape may match
        (`verdicts`, by shape id; `picks`, the same of the ids below 256 a byte each), in
        order. While this trace's ids fit a byte, C finds them: its ids as bytes, translated
        to whether each may match and to each one's width; `bytes.find` stops at the events
        that may match and a sum of the widths between them gives their starts. A Python loop
        over every event's id cost some 640 instructions an event, 66,600 for an explored
        seed's 103 events of which its checks read 7."""
        shape_of, runs, times = self._shape, self._runs, self._times
        widths = self._width_table() if shape_of.itemsize == 2 else None
        if widths is not None:
            raw = shape_of.tobytes()
            ids = raw[_LOW_BYTES]
            if raw[_HIGH_BYTES].count(0) == len(ids):  # every id below 256
                sizes, picked = ids.translate(widths), ids.translate(picks)
                start = last = 0
                i = picked.find(1)
                while i >= 0:
                    start += sum(sizes[last:i])
                    last = i
                    yield i, ids[i], start, times[bisect_right(runs, i) - 1]
                    i = picked.find(1, i + 1)
                return
        widths_of = self._widths
        start = 0
        for i, shape in enumerate(shape_of):
            if verdicts[shape]:
                yield i, shape, start, times[bisect_right(runs, i) - 1]
            start += widths_of[shape]

    def _width_table(self) -> bytes | None:
        """The widths of the book's shape ids below 256, a byte each (256 bytes: a table for
        `bytes.translate`), or None when one of them is wider than a byte."""
        book = self._book
        table = book.width_table
        if table is None:
            return None
        held = min(len(book.widths), 256)
        if table[0] < held:  # shapes are only added: a table of as many ids is the same
            try:
                table = book.width_table = (held, bytes(book.widths[:held]).ljust(256, b"\0"))
            except ValueError:  # a shape of 256 values or more
                book.width_table = None
                return None
        return table[1]

    def _verdicts(self, fields: dict[str, Any]) -> tuple[list[Any], bool, bytes]:
        """Whether the events of each shape (a list by shape id, covering this trace's shapes)
        can match `fields`: 0 (none can), _SURE (all do, as far as their shape tells: kind,
        actor, constants; a subject is checked per event) or _MAYBE; and whether any shape
        judged may match. Remembered in the book for a query asked again (each explored seed
        asks the same ones). A list, not the dict of the shapes judged: the reading loops
        index it once per event of the trace, and a list's index is a fifth of a dict's
        lookup of an int. Third, `_picks` of the list."""
        try:
            key: Any = tuple(fields.items())
            known = self._book.verdicts.get(key)
        except TypeError:  # a list or set among the values
            key, known = None, None
        if known is None:
            known = {}
            if key is not None:
                verdicts = self._book.verdicts
                if len(verdicts) >= _QUERIES:
                    verdicts.clear()
                    self._book.matching.clear()
                verdicts[key] = known
        # The book's shape ids run from 0 up: a query that has judged as many shapes as the
        # book holds has judged them all, and needs no look at this trace's shapes. When the
        # book is no bigger than the trace, its missing shapes are judged rather than the
        # trace's (no longer a loop than the set it saves), so that the next trace of the
        # same shapes - the next explored seed - asks nothing.
        count = len(self._book.shapes)
        if len(known) < count:
            if count <= len(self._shape):
                for shape in range(count):
                    if shape not in known:
                        known[shape] = self._shape_verdict(shape, fields)
            else:
                for shape in set(self._shape).difference(known):
                    known[shape] = self._shape_verdict(shape, fields)
        if key is None:
            listed = _by_id(known)
            return listed, any(known.values()), _picks(listed)
        # Judged shapes are never judged again, so an unchanged count is an unchanged dict;
        # and every shape of this trace is judged by now, so the list covers them.
        matching = self._book.matching.get(key)
        if matching is None or matching[0] != len(known):
            listed = _by_id(known)
            matching = self._book.matching[key] = (
                len(known),
                listed,
                any(known.values()),
                _picks(listed),
            )
        return matching[1], matching[2], matching[3]

    def _shape_verdict(self, shape: int, fields: dict[str, Any]) -> Any:
        """See `_verdicts`: judged on kind, actor, constants and the detail keys the shape
        lacks (which read as None)."""
        kind, actor, keys, _, _, var_keys, skeleton = self._shapes[shape]
        verdict = _SURE
        for key, want in fields.items():
            if key == "kind":
                have = kind
            elif key == "actor":
                have = actor
            elif key in CORE_FIELDS or key in var_keys:
                verdict = _MAYBE
                continue
            elif key in keys:
                have = skeleton[keys.index(key)]  # a constant of the shape
            else:
                have = None
            if not _field_matches(key, have, want):
                return 0
        return verdict

    def nbytes(self) -> int:
        """Bytes the trace's own storage holds: its arrays, its value slots, its shapes, and
        the lists and dicts among its values (frozen or not, each object once: an event's
        ``tags=list(...)`` is made for it). Not the other values, mostly strings and numbers
        the services also hold."""
        size = sys.getsizeof
        held = size(self._times) + size(self._runs) + size(self._shape) + size(self._marks)
        held += size(self._values) + size(self._odd_t) + size(self._shapes) + size(self._widths)
        held += size(self._by_form) + sum(map(size, self._by_form))
        held += size(self._at) + size(self._other)
        held += sum(size(slot) for slot in self._at if slot is not _UNMET)
        for shape in map(self._shapes.__getitem__, set(self._shape)):  # the ones it uses
            held += size(shape) + (size(shape[6]) if shape[6] is not None else 0)
        containers = {id(v): v for v in self._values if v.__class__ in _HELD}
        return held + sum(map(_deep_size, containers.values()))

    # -- writing out -------------------------------------------------------------------------

    def to_jsonl(self, path: str | None = None) -> str:
        """The trace as JSON Lines (one event a line); written to `path` when given (whole:
        see `fakecloud.outputs.write_atomic`)."""
        encode = _ENCODER.encode
        text = "".join(encode(e) + "\n" for e in self)
        if path is not None:
            from fakecloud.outputs import write_atomic

            write_atomic(path, text)
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
        odd, widths, walk = self._odd_t, self._widths, self._walk()
        # The book may hold shapes of forks: number the ones used here by first use.
        numbers: dict[int, int] = {}
        for shape in self._shape:
            if shape not in numbers:
                numbers[shape] = len(numbers)
        return {
            "format": SNAPSHOT_FORMAT,
            "shapes": [_shape_data(self._shapes[shape]) for shape in numbers],
            "t": [odd.get(i, t) for i, _, _, t in walk] if odd else [t for _, _, _, t in walk],
            "shape": [numbers[shape] for shape in self._shape],
            "ends": list(itertools.accumulate(widths[shape] for shape in self._shape)),
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
        except KeyError as exc:
            raise ValueError(f"not a trace snapshot: it has no {exc}") from None
        except (TypeError, ValueError, IndexError, AttributeError) as exc:
            raise ValueError(f"not a trace snapshot: {exc}") from None
        n = len(times)
        if not (len(shape_ids) == len(ends) == n) or (ends and ends[-1] != len(values)):
            raise ValueError("not a trace snapshot: its columns differ in length")
        if any(not 0 <= s < len(shapes) for s in shape_ids):
            raise ValueError("not a trace snapshot: an event names an unknown shape")
        widths = [shape[4] + len(shape[5]) for shape in shapes]
        start = 0
        for shape, end in zip(shape_ids, ends, strict=True):
            if end - start != widths[shape]:
                raise ValueError("not a trace snapshot: an event's values do not fit its shape")
            start = end
        self._clear(_shared_book())
        ids = _replay(self, shapes)
        if ids is None:
            # shapes no history of families gives (a file saved after a load before session
            # 29, which met its families afresh and wrote them under duplicate shapes): a
            # book of its own, whose families start afresh, as every load did then
            self._clear(_Book())
            ids = [self._book.add_shape(shape) for shape in shapes]
        wide = len(self._shapes) > 1 << 16
        self._shape = array("I" if wide else "H", map(ids.__getitem__, shape_ids))
        if wide:
            self._packed = _pack(len(self._shapes), _PACKED_WIDE)
        self._values = values
        self._freeze_restored(shapes, ids, shape_ids, ends)
        self._marks = array("I", [ends[i - 1] if i else 0 for i in range(0, n, _MARK + 1)])
        self._odd_t = {i: t for i, t in enumerate(times) if t.__class__ is not float}
        for i, t in enumerate(times):
            if t != self._last_t:
                self._runs.append(i)
                self._times.append(t)
                self._last_t = t

    def _freeze_restored(
        self, shapes: list[_Shape], ids: list[int], shape_ids: list[int], ends: list[int]
    ) -> None:
        """Freeze (`_freeze`) the lists and dicts among a restored trace's details, as its
        events' writes kept them, or would have: a read gives a new one each time."""
        values, frozen = self._values, set()
        kinds = list(map(type, values))  # found by C loops: a Python loop of every value
        for kind in _CONTAINERS:  # was a third of a restore
            j = -1
            while True:
                try:
                    j = kinds.index(kind, j + 1)
                except ValueError:
                    break
                n = bisect_right(ends, j)  # the event holding value j
                shape = shape_ids[n]
                if j - (ends[n - 1] if n else 0) >= shapes[shape][4]:  # past its subject
                    values[j] = _freeze(values[j])
                    frozen.add(ids[shape])
        book = self._book
        with _Locked(book):
            for shape in frozen.difference(book.thaws):
                book.thaws.add(shape)
                book.reads[shape] = None


def _replay(trace: Trace, shapes: list[_Shape]) -> list[int] | None:
    """Put a restored trace's families where its `shapes` (a snapshot's, in the order the
    trace first used them) say they were: the shapes of each family's plans, in order, taken
    into the trace's book as writing their events would have made them, and each family's
    last state in the trace's `_by_form`, so the events written after a load take the shapes
    the saved cloud's would have (not new ones, listed again by the next save). Returns the
    book's id of each shape, or None for shapes no history gives (a family's shape met twice,
    a plan that holds more constants than the one before it, a constant that is not text, a
    plan past `_VARIANTS` shapes, or a family's first plan holding a constant its form does
    not): the trace's families are then left as they were (the book may have taken the
    shapes met before, as any trace meeting them would)."""
    families: dict[tuple, list[tuple[int, tuple[str, ...], tuple]]] = {}
    for n, (kind, actor, keys, template, parts, var_keys, skeleton) in enumerate(shapes):
        constant = tuple(k for k in keys if k not in var_keys)
        met = tuple(skeleton[keys.index(k)] for k in constant) if constant else ()
        if any(v.__class__ not in _TEXT for v in met):
            return None
        families.setdefault((kind, actor, keys, template, parts), []).append((n, constant, met))
    book = trace._book
    ids = [0] * len(shapes)
    with _Locked(book):
        moves = []
        for info, used in families.items():
            found = _FORMS.get((info[0], *info[2]))
            state, have = None, found.constant if found is not None else info[2]
            for n, constant, met in used:
                if state is None or constant != have:
                    if not set(constant) <= set(have):
                        return None
                    have = constant
                    state = _start(book, info, _plan(info[2], constant))
                    if not constant:  # (a freezing state finds its one shape by no values)
                        one = state.shapes
                        ids[n] = one if one.__class__ is int else one[()]
                        continue
                if not constant or met in state.shapes or len(state.shapes) >= _VARIANTS:
                    return None
                found_state = state.after.get(met)
                if found_state is None:
                    found_state = _grown(book, state, met, [])
                    _add_move(state, met, found_state)
                state = found_state
                ids[n] = state.shapes[met]
            if found is not None:
                moves.append((found, info, state))
    for found, (_, actor, _, template, _), state in moves:
        trace._families_of(found)[actor if template is None else (template, actor)] = state
    return ids


def _start(book: _Book, info: tuple, plan_id: int, freeze: bool = False) -> _Family:
    """The state of family `info` that has just taken plan `plan_id` (no constants met yet),
    made freezing (`_freezing`) if `freeze`; the caller holds the book's lock."""
    key = (info, plan_id)
    state = book.states.get(key)
    if state is None:
        kind, actor, keys, template, parts = info
        if _PLAN_KEYS[plan_id]:
            shapes: Any = {}
        else:
            shapes = book.add_shape((kind, actor, keys, template, parts, keys, None))
        state = book.states[key] = _Family(key, shapes)
        if freeze:
            _freezing(book, state)
    return state


def _grown(
    book: _Book, family: _Family, met: tuple, odd: list[str], freeze: bool = False
) -> _Family:
    """The state after `family` meets `met`, the values of its plan's constants (in the
    plan's order), of which those of the details `odd` are not text (see `Trace._next`), made
    freezing (`_freezing`) if `freeze`; the caller holds the book's lock."""
    key, variants = family.key, family.shapes
    info, plan_id = key[0], key[1]
    kind, actor, keys, template, parts = info
    constant = _PLAN_KEYS[plan_id]
    if not odd and len(variants) >= _VARIANTS:
        seen: dict[str, set] = {k: set() for k in constant}
        for values in variants:
            for k, v in zip(constant, values, strict=True):
                seen[k].add(v)
        odd = [max(constant, key=lambda k: len(seen[k]))]
    if odd:
        kept = tuple(k for k in constant if k not in odd)
        return _start(book, info, _plan(keys, kept), freeze)
    shape = book.shape_ids.setdefault((info, plan_id, met), len(book.shapes))
    if shape == len(book.shapes):  # a new shape
        given = dict(zip(constant, met, strict=True))
        skeleton = tuple(given.get(k) for k in keys)  # the constants' values, others None
        book.add_shape((kind, actor, keys, template, parts, _PLAN_VARIABLE[plan_id], skeleton))
    # the state is that of the set of constants met, kept in one flat tuple (a frozenset is
    # 216 bytes and more, and a book holds some 80 states per compute host) of their shapes'
    # ids in order: the family's and plan's shape of each set of values is its own, so the
    # ids name the set (and order and hash as ints, where the values' tuples of strings and
    # None do not order among themselves). `met` is new to the family (else `put` had found
    # its shape), and so is its shape.
    at = bisect_left(key, shape, 2)
    key = (*key[:at], shape, *key[at:])
    # the state made, unless the book has it (met in another order: rare, since a trace
    # sharing the book follows its known moves)
    state = book.states.get(key)
    if state is None:
        shapes = dict(variants)
        shapes[met] = shape
        state = book.states[key] = _Family(key, shapes)
        if freeze:
            _freezing(book, state)
    return state


def _holds_container(values: tuple) -> bool:
    """Whether an event's detail `values` hold a list or a dict (`_freeze`)."""
    return any(v.__class__ in _CONTAINERS for v in values)


def _freezing(book: _Book, state: _Family) -> None:
    """Make `state`, just made, keep its per-event lists and dicts frozen (`_freeze`): its
    plan's `_frozen_plan`, and its shapes read with a thaw of their per-event details (a
    shape's read plan made before is made again). A family's state made by an event holding
    a list or dict freezes, and so does every state it moves to; a state the book already
    holds stays as it was made (storage only: the events read back the same)."""
    plan = _frozen_plan(state.key[1])
    if plan is None:
        return
    state.plan = plan
    if state.shapes.__class__ is int:  # no constants: its one shape, found by none
        state.shapes = {(): state.shapes}
    thaws, reads = book.thaws, book.reads
    for shape in state.shapes.values():
        if shape not in thaws:
            thaws.add(shape)
            reads[shape] = None


def _read_plan(
    shape: _Shape, thaw: bool
) -> tuple[dict | None, str | None, int, tuple[str, ...], bool]:
    """How `Trace._build` reads an event of `shape`: the event with its kind, actor and
    constant details in their places (the core fields and the per-event details None, to be
    stored), the subject's template and part count, the per-event detail keys, and `thaw`:
    whether its per-event details may be frozen (`_build_merged` reads those, thawing). No
    event (None) for a shape with a detail named as a core field: `_build_merged` reads
    those."""
    kind, actor, keys, template, parts, var_keys, skeleton = shape
    if any(k in CORE_FIELDS for k in keys):
        return None, template, parts, var_keys, thaw
    made: dict[str, Any] = {"t": None, "seq": None, "kind": kind, "actor": actor, "subject": None}
    if skeleton is not None:
        made.update(zip(keys, skeleton, strict=True))
    for key in var_keys:
        made.setdefault(key, None)
    return made, template, parts, var_keys, thaw


def _shape_data(shape: _Shape) -> list[Any]:
    """A shape as snapshot data: ``[kind, actor, keys]``, then the subject's template (or
    None) if it has one or constants, then ``{key: value}`` of its constant details if any."""
    kind, actor, keys, template, _, var_keys, skeleton = shape
    data = [kind, actor, list(keys)]
    if skeleton is not None:
        data += [template, {k: v for k, v in zip(keys, skeleton, strict=True) if k not in var_keys}]
    elif template is not None:
        data.append(template)
    return data


def _shape_from_data(data: list[Any]) -> _Shape:
    """The inverse of `_shape_data` (a template's part count is its number of fields)."""
    kind, actor, keys, *rest = data
    keys = tuple(str(key) for key in keys)
    template = rest[0] if rest else None
    constant = rest[1] if len(rest) > 1 else {}
    if len(rest) > 2 or not constant.keys() <= set(keys):
        raise ValueError(f"bad shape {data!r}")
    parts = 1
    if template is not None:
        template = str(template)
        parts = sum(1 for _, name, _, _ in string.Formatter().parse(template) if name is not None)
    var_keys = tuple(k for k in keys if k not in constant)
    skeleton = tuple(constant.get(k) for k in keys) if constant else None
    return (str(kind), str(actor), keys, template, parts, var_keys, skeleton)


#: The values `Trace.nbytes` counts: lists and dicts, and tuples (frozen ones among them).
_HELD = (list, dict, tuple)


def _deep_size(value: Any) -> int:
    """Bytes of `value`, a list, dict or tuple, and of the lists, dicts and tuples in it."""
    inner = value.values() if value.__class__ is dict else value
    return sys.getsizeof(value) + sum(_deep_size(v) for v in inner if v.__class__ in _HELD)


def _plain(value: Any) -> Any:
    """`value` as the JSONL shows it, as plain data (the inverse of json.loads of it)."""
    if value is None or value.__class__ in (str, int, float, bool):
        return value
    if _is_frozen(value):
        value = _thaw(value)
    return json.loads(_ENCODER.encode(value))


def _by_id(verdicts: dict[int, Any]) -> list[Any]:
    """`verdicts` (shape id -> verdict) as a list indexed by shape id, 0 for ids not judged."""
    out = [0] * (max(verdicts) + 1) if verdicts else []
    for shape, verdict in verdicts.items():
        out[shape] = verdict
    return out


def _picks(verdicts: list[Any]) -> bytes:
    """Whether the events of each shape id below 256 may match, by `verdicts` (a list by
    shape id): 1 or 0, a byte each (256 bytes: a table for `bytes.translate`)."""
    return bytes(map(bool, verdicts[:256])).ljust(256, b"\0")


def _field_matches(key: str, have: Any, want: Any) -> bool:
    if isinstance(want, (tuple, set, frozenset, list)):
        return have in want
    if key == "kind" and isinstance(want, str) and want.endswith(".*"):
        return isinstance(have, str) and have.startswith(want[:-1])
    return have == want


def _matches(event: Event, fields: dict[str, Any]) -> bool:
    return all(_field_matches(key, event.get(key), want) for key, want in fields.items())
