"""Saving: a cloud's object graph as plain JSON data (a table of nodes), never as code.

Every object reachable from the cloud becomes a *node*, numbered in the order a breadth-first
walk meets it; a value is a JSON atom, ``{"r": n}`` (a reference to node `n`, so shared objects
stay shared) or ``{"f": "inf"}`` (a float JSON cannot spell). A node is a JSON array whose first
item says its kind:

====================================  =============================================================
``["dict", [k1, v1, k2, v2, ...]]``   a dict (keys may be any value)
``["list"|"tuple"|"set"|"frozenset",  a container and its elements
[v, ...]]``
``["deque", [v, ...], maxlen]``       a ``collections.deque``
``["bytes"|"bytearray", "b64..."]``   bytes, base64
``["array", typecode, [v, ...]]``     an ``array.array``
``["obj", "mod:Class", {f: v},        an instance of one of fakecloud's (or simpy's) classes, its
items]``                              fields; `items` for a dict or list subclass
``["exc", "mod:Class", [args],        an exception (fakecloud's or a builtin one)
{f: v}]``
``["settings", "config"[, section]]``  the cloud's configuration (or one section of it), its
``["settings", "switches"]``          switches, or its fault points when they are the registry's:
``["settings", "fault points"]``      the header builds them, a loaded cloud takes its template's
``["type", "mod:Class"]``             an exception class
``["random", version, [ints],         a ``Random``'s state
gauss]``
``["count", next, step]``             an ``itertools.count``
``["datetime"|"date", iso]``,         dates and durations
``["timedelta", seconds]``
``["const", "simpy.events:PENDING"]`` simpy's marker of an event not yet triggered
``["deadgen", "name"]``               the finished generator of a dead simpy process
``["trace", snapshot]``               the trace, as `Trace.snapshot` gives it
``["faker", [random state]]``         the seeded Faker of the id source
``["fn", "qualname", [cells]]``,      wiring the cloud's constructor built (a route's handler, a
``["method", "qualname", self,        bound method, an oslo.policy object): loading takes the one
name]``, ``["keep", "type"]``         a freshly built cloud has at the same place, so a file names
                                      no code; closures keep their cells' values. A method found
                                      elsewhere (a timer's callback) is looked up by `name` on
                                      its object's fakecloud class
====================================  =============================================================
"""

from __future__ import annotations

import base64
import collections
import datetime
import functools
import itertools
import math
import types
from array import array
from typing import Any

from fakecloud.errors import StateError
from fakecloud.sim.lazy_random import is_plain_or_lazy
from fakecloud.state import kinds

_PENDING_NAMES = {"simpy.events:PENDING"}


def encode_graph(
    root: Any,
    trace: Any,
    named: dict[int, list[Any]] | None = None,
    values: dict[type, tuple[Any, list[Any]]] | None = None,
) -> list[Any]:
    """The node table of everything reachable from `root` (node 0); `trace` is encoded through
    its public events. An object whose id is in `named`, or an instance of a class in `values`
    equal to the value given there, is written as the node given (its contents unwalked)."""
    return _Encoder(trace, named or {}, values or {}).run(root)


class _Encoder:
    _ids: dict[int, int]
    _objs: list[Any]
    _nodes: list[Any]
    _keepalive: list[Any]

    def __init__(
        self, trace: Any, named: dict[int, list[Any]], values: dict[type, tuple[Any, list[Any]]]
    ):
        self._trace = trace
        self._named = named
        self._values_of = values
        self._ids = {}
        self._objs = []
        self._nodes = []
        self._keepalive = []

    def run(self, root: Any) -> list[Any]:
        self._ref(root)
        index = 0
        while index < len(self._objs):
            self._nodes.append(self._node(self._objs[index]))
            index += 1
        return self._nodes

    # -- values --------------------------------------------------------------------------------

    def value(self, x: Any) -> Any:
        cls = type(x)
        if cls is float:
            return x if math.isfinite(x) else {"f": repr(x)}
        if cls in kinds.ATOMS:
            return x
        return self._ref(x)

    def _ref(self, x: Any) -> dict[str, int]:
        n = self._ids.get(id(x))
        if n is None:
            n = self._ids[id(x)] = len(self._objs)
            self._objs.append(x)
        return {"r": n}

    def _values(self, items: Any) -> list[Any]:
        return [self.value(v) for v in items]

    # -- nodes ---------------------------------------------------------------------------------

    def _node(self, x: Any) -> list[Any]:
        cls = type(x)
        if x is self._trace:
            return ["trace", x.snapshot()]
        named = self._named.get(id(x))
        if named is None and cls in self._values_of:
            value, node = self._values_of[cls]
            if x == value:
                named = node
        if named is not None:
            return list(named)
        if cls is dict:
            return ["dict", self._pairs(x)]
        if cls in (list, tuple):
            return [cls.__name__, self._values(x)]
        if cls in (set, frozenset):
            return [cls.__name__, self._values(_set_order(x))]
        if cls is collections.deque:
            return ["deque", self._values(x), x.maxlen]
        if cls is array:
            return ["array", x.typecode, x.tolist()]
        if cls in (bytes, bytearray):
            return [cls.__name__, base64.b64encode(bytes(x)).decode("ascii")]
        if is_plain_or_lazy(cls):
            version, internal, gauss = x.getstate()
            return ["random", version, list(internal), gauss]
        if cls is itertools.count:
            start, step = kinds.count_state(x)
            return ["count", start, step]
        if cls is datetime.datetime or cls is datetime.date:
            return [cls.__name__, x.isoformat()]
        if cls is datetime.timedelta:
            return ["timedelta", x.total_seconds()]
        if isinstance(x, BaseException):
            return self._exception(x)
        if isinstance(x, type):
            if issubclass(x, BaseException) and _importable(x):
                return ["type", kinds.class_name(x)]
            return ["keep", f"class {kinds.class_name(x)}"]
        if cls is types.FunctionType:
            return ["fn", x.__qualname__, self._cells(x)]
        if cls is types.MethodType:
            func = x.__func__
            return ["method", func.__qualname__, self.value(x.__self__), func.__name__]
        if cls is functools.partial or cls in (types.BuiltinFunctionType, types.MethodWrapperType):
            return ["keep", f"{cls.__name__} {getattr(x, '__qualname__', '')}".strip()]
        if cls is types.GeneratorType or isinstance(x, kinds.FinishedGenerator):
            if cls is types.GeneratorType and x.gi_frame is not None:
                raise StateError(
                    f"cannot save a suspended generator (work in flight): {x!r}", obj=x
                )
            return ["deadgen", x.__name__]
        if cls is object:
            return ["const", _const_name(x)]
        if cls.__module__.startswith("faker.") and cls.__name__ == "Faker":
            rng = x.random
            version, internal, gauss = rng.getstate()
            return ["faker", [version, list(internal), gauss]]
        if kinds.is_record_class(cls):
            if kinds.class_name(cls) in kinds.BUILT_CLASSES:
                return ["keep", f"{cls.__module__}.{cls.__qualname__}"]
            if cls.__module__ == "simpy.events" and cls.__name__ == "Process" and x.is_alive:
                raise StateError(f"cannot save a simulated process in flight: {x!r}", obj=x)
            return self._record(x, cls)
        if cls in kinds.SHARED_FOREIGN:
            return ["keep", f"{cls.__module__}.{cls.__qualname__}"]
        raise StateError(
            f"cannot save a {cls.__module__}.{cls.__qualname__} (unknown to fakecloud.state.kinds)",
            obj=x,
        )

    def _pairs(self, x: dict) -> list[Any]:
        out: list[Any] = []
        for key, value in x.items():
            out.append(self.value(key))
            out.append(self.value(value))
        return out

    def _record(self, x: Any, cls: type) -> list[Any]:
        name = kinds.class_name(cls)
        reset = kinds.RESET.get(name, {})
        cached = kinds.CACHES.get(name, ())
        transient = kinds.UNSAVED.get(name, ())
        if name in kinds.COMPLETED:
            transient = transient | x.__dict__.get("_completed", frozenset())
        sparse = kinds.SPARSE.get(name)
        if sparse:
            transient = transient | _at_default(x, sparse)
        fields: dict[str, Any] = {}
        if cls.__dictoffset__ != 0:
            for key, value in x.__dict__.items():
                if key in transient:
                    continue
                if key in reset:
                    value = kinds.reset_value(reset[key])
                    self._keepalive.append(value)  # a fresh object: its id must stay unique
                elif key in cached:
                    value = None
                fields[key] = self.value(value)
        for key in kinds.slot_names(cls):
            if key in transient:
                continue
            try:
                value = object.__getattribute__(x, key)
            except AttributeError:
                continue
            if key in reset:
                value = kinds.reset_value(reset[key])
                self._keepalive.append(value)
            fields[key] = self.value(value)
        node = ["obj", name, fields]
        if isinstance(x, dict):
            node.append(self._pairs(dict(dict.items(x))))
        elif isinstance(x, list):
            node.append(self._values(list.__iter__(x)))
        return node

    def _exception(self, x: BaseException) -> list[Any]:
        cls = type(x)
        if not _importable(cls):
            raise StateError(
                f"cannot save the exception {x!r}: only fakecloud's and Python's own exception "
                "classes can be saved (name the error by string in a fault rule instead)",
                obj=x,
            )
        fields = {k: self.value(v) for k, v in getattr(x, "__dict__", {}).items()}
        return ["exc", kinds.class_name(cls), self._values(x.args), fields]

    def _cells(self, f: types.FunctionType) -> list[Any]:
        cells = []
        for cell in f.__closure__ or ():
            try:
                cells.append(self.value(cell.cell_contents))
            except ValueError:
                cells.append({"empty": True})
        return cells


def _at_default(x: Any, sparse: dict[str, Any]) -> frozenset[str]:
    """The `kinds.SPARSE` fields of `x` at the value they are not saved at."""
    out = []
    for key, default in sparse.items():
        value = getattr(x, key, default)
        if type(value) is type(default) and value == default:
            out.append(key)
    return frozenset(out)


def _set_order(x: set | frozenset) -> list[Any]:
    """A set's elements in a stable order when they are atoms (a set of strings iterates in an
    order that changes with Python's hash seed), else as it iterates."""
    items = list(x)
    if all(type(v) in (str, int, float, bool, type(None)) for v in items):
        return sorted(items, key=lambda v: (type(v).__name__, v if v is not None else 0))
    return items


def _importable(cls: type) -> bool:
    return cls.__module__ == "builtins" or kinds.is_record_class(cls)


def _const_name(x: Any) -> str:
    import simpy.events

    if x is simpy.events.PENDING:
        return "simpy.events:PENDING"
    raise StateError(f"cannot save the bare object {x!r} (not a known marker)", obj=x)
