"""Loading: a node table (see `fakecloud.state.encode`) grafted onto a freshly built cloud.

Loading builds a new cloud from the saved seed, profile, configuration and switches (the
*template*), then walks the saved nodes and the template side by side, from the root:

1. **match**: a saved object found at the same place as a template object of the same class
   *is* that object (Nova's database, the I/O model's link of ``cmp-1``, the simpy
   environment); its fields are overwritten below, so everything the template wired to it (a
   closure, a route, a bound method) sees the saved state. Wiring the file names (``fn``,
   ``method``, ``keep``) is taken from the template at that place: a file names no code. A part
   the saved cloud had built on first use (Nova's REST service, the instance-snapshot store) is
   built in the template first, through the same property the saved cloud used.
2. **make**: every other node becomes a new object: containers, fakecloud's records (made with
   ``object.__new__``, their ``__init__`` is not run), exceptions, random states. Only classes
   of fakecloud, simpy and Python's own exceptions can be named; nothing is imported by a name
   outside those packages and nothing is called but constructors of plain values.
3. **fill**: records first, then containers, are given their saved contents.
"""

from __future__ import annotations

import base64
import collections
import datetime
import importlib
import inspect
import itertools
import reprlib
import types
from array import array
from random import Random
from typing import Any

from fakecloud.errors import FakecloudError, StateError
from fakecloud.sim.lazy_random import is_plain_or_lazy
from fakecloud.state import kinds, shapes

_MISSING = object()
_BY_NAME = object()
_MUTABLE = frozenset({"dict", "list", "set", "deque", "bytearray", "array", "obj", "random"})
_WIRING = frozenset({"fn", "method", "keep", "trace", "settings"})
_ALLOWED_MODULES = ("fakecloud", "simpy")
#: What a value of the wrong kind raises as a node is made or filled (an unhashable key, an
#: out-of-range random state, bad base64): refused naming the node's place (`_damaged`).
_VALUE_ERRORS = (TypeError, ValueError, OverflowError)


def graft(nodes: list[Any], template: Any) -> Any:
    """Give `template` (a fresh cloud) the saved state in `nodes`; returns the root object."""
    check_nodes(nodes)
    grafter = _Grafter(nodes)
    grafter.match(template)
    root = grafter.make({"r": 0})
    grafter.fill()
    grafter.check_shapes()
    for obj, field, value in grafter.retired:
        kinds.RETIRED[kinds.class_name(type(obj))][field](root, obj, value)
    config = getattr(getattr(root, "kernel", None), "config", None)
    if config is not None:  # a part's own section, if any, is what the configuration says
        config.adopt(grafter.made.values())
    return root


_TEXT, _LIST, _DICT, _ANY = (str,), (list,), (dict,), (object,)
_NUMBER = (int, float)
#: Each kind of node (`fakecloud.state.encode`'s table): the types of its items after the kind,
#: those after the first `_REQUIRED` of them optional. A count of items or a name or container
#: of another type is refused by `check_nodes` before the load reads it.
NODE_ITEMS: dict[str, tuple[tuple[type, ...], ...]] = {
    **dict.fromkeys(("dict", "list", "tuple", "set", "frozenset", "faker"), (_LIST,)),
    "deque": (_LIST, (int, type(None))),
    **dict.fromkeys(("bytes", "bytearray", "datetime", "date", "const", "deadgen"), (_TEXT,)),
    **dict.fromkeys(("type", "keep"), (_TEXT,)),
    "array": (_TEXT, _LIST),
    "obj": (_TEXT, _DICT, _LIST),
    "exc": (_TEXT, _LIST, _DICT),
    "settings": (_TEXT, _TEXT),
    "random": (_ANY, _LIST, _ANY),
    "count": (_NUMBER, _NUMBER),
    "timedelta": (_NUMBER,),
    "trace": (_DICT,),
    "fn": (_TEXT, _LIST),
    "method": (_TEXT, _ANY, _TEXT),
}
_REQUIRED = {"obj": 2, "settings": 1}


def check_nodes(nodes: list[Any]) -> None:
    """`StateError` naming the first node that is not one as the saves write it (a JSON array:
    a known kind, then its items, `NODE_ITEMS`): an edited file's ``[]``, ``7``, ``["obj"]``
    or an object's fields as a list were the load's last resort, an IndexError or a TypeError
    named as the file's damage without a word of where."""
    for n, node in enumerate(nodes):
        kind = node[0] if type(node) is list and node else None
        items = NODE_ITEMS.get(kind) if type(kind) is str else None
        if items is None:
            if type(kind) is str:
                raise StateError(f"the saved state has a node of unknown kind {kind!r}")
            raise StateError(
                f"the saved state's node {n} is {_json_kind(node)}, not a node ([kind, ...])"
            )
        given = node[1:]
        least = _REQUIRED.get(kind, len(items))
        if not least <= len(given) <= len(items):
            count = f"{least}" if least == len(items) else f"{least} to {len(items)}"
            raise StateError(
                f"the saved state's {kind} node {n} holds {len(given)} items, not {count}"
            )
        for i, (value, types_) in enumerate(zip(given, items, strict=False)):
            if not isinstance(value, types_) or type(value) is bool and types_ is _NUMBER:
                wanted = " or ".join(_json_kind_name(t) for t in types_)
                raise StateError(
                    f"the saved state's {kind} node {n} holds {_json_kind(value)} as its item "
                    f"{i + 1}, not {wanted}"
                )


def _json_kind_name(cls: type) -> str:
    return {
        str: "text",
        list: "a list",
        dict: "an object",
        int: "a number",
        float: "a number",
        type(None): "null",
    }.get(cls, cls.__name__)


def _json_kind(value: Any) -> str:
    """How a JSON value is named in a refusal: its kind, and itself if short."""
    return f"{_json_kind_name(type(value))} {reprlib.repr(value)}"


class _Grafter:
    targets: dict[int, Any]
    paths: dict[int, str]
    made: dict[int, Any]
    _claimed: set[int]
    _to_fill: list[int]
    retired: list[tuple[Any, str, Any]]
    _root: Any
    _examples: dict[int, dict[str, type]]

    def __init__(self, nodes: list[Any], saving: bool = False):
        self.nodes = nodes
        #: Whether this checks a save (`fakecloud.state.to_data`'s verify), not a file loaded.
        self.saving = saving
        self.targets = {}  # node -> the template object it is
        self.paths = {}
        self.made = {}
        self._claimed = set()
        self._to_fill = []
        #: (object, field, saved value) of the fields `kinds.RETIRED` moves elsewhere.
        self.retired = []
        self._root = _MISSING
        #: The type of each field of the template's objects the saved ones are (by node).
        self._examples = {}

    def setting(self, node: list[Any]) -> Any:
        """The template's configuration, configuration section, switches or declared fault
        points a ``settings`` node names (the header built them; the points are the
        registry's)."""
        kernel = getattr(self._root, "kernel", None)
        what = node[1:]
        found: Any = None
        if kernel is not None and what == ["switches"]:
            found = kernel.switches
        elif kernel is not None and what == ["fault points"]:
            found = kernel.faults.points
        elif kernel is not None and what == ["fault errors"]:
            found = kernel.faults.error_types
        elif kernel is not None and what == ["fault status errors"]:
            found = kernel.faults._status_errors
        elif kernel is not None and what[:1] == ["config"] and len(what) <= 2:
            found = kernel.config
            if len(what) == 2:
                found = found.sections().get(what[1]) if isinstance(what[1], str) else None
        if found is None:
            raise StateError(
                f"the saved state names the setting {' '.join(map(str, what))!r}, which a cloud "
                "built from its header does not have"
            )
        return found

    # -- 1. match saved nodes to template objects ----------------------------------------------

    def match(self, template: Any) -> None:
        self._root = template
        queue = collections.deque([(0, template, "cloud")])
        seen = {0}
        while queue:
            n, cand, path = queue.popleft()
            self.paths[n] = path
            node = self.nodes[n]
            kind = node[0]
            if kind in _WIRING:
                self._match_wiring(n, node, cand, path)
            elif kind == "obj" and node[1] in kinds.BUILT_CLASSES:
                # Saved before the class was shared: the template's part is the same value.
                self._match_wiring(n, ["keep", node[1].replace(":", ".")], cand, path)
                continue
            elif (
                kind in _MUTABLE
                and cand is not _MISSING
                and id(cand) not in self._claimed
                and self._same_kind(node, cand)
            ):
                self.targets[n] = cand
                self._claimed.add(id(cand))
            for child, child_cand, step in self._children(n, node, cand):
                if isinstance(child, dict) and "r" in child:
                    m = self._index(child["r"])
                    if m not in seen:
                        seen.add(m)
                        queue.append((m, child_cand, path + step))
            if kind == "obj" and self.targets.get(n) is cand:
                # after its children: a part built on use is built now (`_field`)
                self._examples[n] = shapes.template_fields(cand)

    def _same_kind(self, node: list[Any], cand: Any) -> bool:
        kind = node[0]
        if kind == "obj":
            cls = type(cand)
            return kinds.class_name(cls) == node[1] and not kinds.is_frozen_dataclass(cls)
        if kind == "random":
            return is_plain_or_lazy(type(cand))
        if kind == "array":
            return type(cand) is array and cand.typecode == node[1]
        return type(cand).__name__ == kind and type(cand) in kinds.CONTAINERS

    def _match_wiring(self, n: int, node: list[Any], cand: Any, path: str) -> None:
        kind = node[0]
        if kind == "settings":
            self.targets[n] = self.setting(node)
            return
        ok = cand is not _MISSING
        if ok and kind == "fn":
            ok = (
                type(cand) is types.FunctionType
                and cand.__qualname__ == node[1]
                and len(cand.__closure__ or ()) == len(node[2])
            )
        elif kind == "method":
            if cand is _MISSING or cand is None:
                self.targets[n] = _BY_NAME
                return
            ok = type(cand) is types.MethodType and cand.__func__.__qualname__ == node[1]
        elif ok and kind == "trace":
            ok = kinds.class_name(type(cand)) == "fakecloud.sim.trace:Trace"
        elif ok and kind == "keep":
            ok = _describe(cand) == node[1]
        if not ok:
            if kind == "fn" and cand in (_MISSING, None):
                # a save holding a function of the caller's; a file naming one was edited
                verb = "save" if self.saving else "load"
                raise StateError(
                    f"cannot {verb} the Python function {reprlib.repr(node[1])} at {path}: only "
                    "functions the cloud builds itself can be saved (in a fault rule, name the "
                    'error by string, error="CinderBackendError", or give an exception instance)'
                )
            what = {"fn": "the function ", "method": "the method ", "keep": "a "}.get(kind, "")
            name = node[1] if kind != "trace" else "trace"
            found = _describe(cand) if cand is not _MISSING else "nothing"
            raise StateError(
                f"cannot restore {what}{name} at {path}: a cloud built from the saved seed, "
                f"profile and configuration has {found} there (state saved by another "
                "fakecloud version, or an object the cloud does not build itself)"
            )
        self.targets[n] = cand

    def _children(self, n: int, node: list[Any], cand: Any):
        """(value, the template's value at the same place, path step) of a node's children."""
        kind = node[0]
        if kind == "dict":
            yield from self._dict_children(node[1], cand)
        elif kind in ("list", "tuple", "deque"):
            seq = cand if isinstance(cand, (list, tuple, collections.deque)) else ()
            for i, v in enumerate(node[1]):
                yield v, seq[i] if i < len(seq) else _MISSING, f"[{i}]"
        elif kind in ("set", "frozenset"):
            for v in node[1]:
                yield v, _MISSING, "{}"
        elif kind == "obj":
            target = (
                cand if cand is not _MISSING and kinds.class_name(type(cand)) == node[1] else None
            )
            for field, v in node[2].items():
                yield v, self._field(target, field, v), f".{field}"
            if len(node) > 3:
                if isinstance(node[3], list) and node[3] and _is_pairs(node[1]):
                    yield from self._dict_children(node[3], target)
                else:
                    for i, v in enumerate(node[3]):
                        yield v, _MISSING, f"[{i}]"
        elif kind == "exc":
            for v in node[2]:
                yield v, _MISSING, ".args"
            for field, v in node[3].items():
                yield v, _MISSING, f".{field}"
        elif kind == "fn":
            cells = cand.__closure__ or ()
            for i, v in enumerate(node[2]):
                try:
                    inner = cells[i].cell_contents
                except ValueError:
                    inner = _MISSING
                yield v, inner, f".<cell {i}>"
        elif kind == "method":
            owner = cand.__self__ if type(cand) is types.MethodType else _MISSING
            yield node[2], owner, ".__self__"

    def _dict_children(self, pairs: list[Any], cand: Any):
        mapping = cand if isinstance(cand, dict) else None
        for i in range(0, len(pairs), 2):
            key, value = pairs[i], pairs[i + 1]
            yield key, _MISSING, "{key}"
            plain = self._plain_key(key)
            inner = _MISSING
            if mapping is not None and plain is not _MISSING:
                try:
                    inner = mapping.get(plain, _MISSING)
                except TypeError:
                    inner = _MISSING
            yield value, inner, f"[{plain!r}]" if plain is not _MISSING else "[...]"

    def _plain_key(self, key: Any) -> Any:
        if not isinstance(key, dict):
            return key
        if "r" in key:
            node = self.nodes[self._index(key["r"])]
            if node[0] == "tuple" and all(not isinstance(v, dict) for v in node[1]):
                return tuple(node[1])
        return _MISSING

    def _field(self, target: Any, field: str, saved: Any) -> Any:
        """The template's value of a field, building a part the saved cloud built on first use."""
        if target is None:
            return _MISSING
        value = _get_field(target, field)
        if (
            (value is None or value is _MISSING)
            and isinstance(saved, dict)
            and "r" in saved
            and field.startswith("_")
            and self._builds_on_use(target, field[1:])
        ):
            getattr(target, field[1:])
            value = _get_field(target, field)
        return value

    @staticmethod
    def _builds_on_use(target: Any, name: str) -> bool:
        try:
            attr = inspect.getattr_static(type(target), name)
        except AttributeError:
            return False
        return isinstance(attr, property)

    def _index(self, n: Any) -> int:
        if not isinstance(n, int) or not 0 <= n < len(self.nodes):
            raise StateError(f"the saved state refers to node {n!r}, which it does not have")
        return n

    # -- 2. make the objects -------------------------------------------------------------------

    def make(self, value: Any) -> Any:
        """The object a saved value stands for."""
        if not isinstance(value, dict):
            return value
        if "r" in value:
            n = self._index(value["r"])
            if n in self.made:
                return self.made[n]
            return self._make_node(n)
        if "f" in value:
            return float(value["f"])
        raise StateError(f"the saved state holds an unknown value {value!r}")

    def _make_node(self, n: int) -> Any:
        node = self.nodes[n]
        kind = node[0]
        target = self.targets.get(n)
        if kind == "method":
            owner = self.make(node[2])
            if target is _BY_NAME:
                obj = types.MethodType(_method_by_name(owner, node), owner)
                self.made[n] = obj
                return obj
            if target is None:  # an edit left it where a cloud built today has no method
                where = self.paths.get(n, f"node {n}")
                raise StateError(
                    f"the saved method at {where} is not where a cloud built from the file has one"
                )
            if type(owner) is not type(target.__self__):
                raise StateError(f"the method at {self.paths.get(n)} is bound to the wrong object")
            obj = types.MethodType(target.__func__, owner)
            self.made[n] = obj
            return obj
        if target is not None:
            self.made[n] = target
            built = kind == "obj" and node[1] in kinds.BUILT_CLASSES
            if (kind in _MUTABLE or kind in ("fn", "trace")) and not built:
                self._to_fill.append(n)
            return target
        maker = getattr(self, f"_make_{kind}", None)
        if maker is None:
            raise StateError(f"the saved state has a node of unknown kind {kind!r}")
        try:
            return maker(n, node)
        except _VALUE_ERRORS as exc:
            raise self._damaged(n, exc) from None

    def _damaged(self, n: int, exc: Exception) -> Exception:
        """`exc`, raised making or filling node `n`, as the refusal naming where it is (a
        list as a dict's key, a random state out of range, bytes that are not base64)."""
        if isinstance(exc, FakecloudError):  # a refusal already (a ConfigError is a ValueError)
            return exc
        where = self.paths.get(n, f"node {n}")
        return StateError(
            f"the saved {self.nodes[n][0]} at {where} is damaged ({type(exc).__name__}: {exc})"
        )

    def _shell(self, n: int, obj: Any) -> Any:
        self.made[n] = obj
        self._to_fill.append(n)
        return obj

    def _make_dict(self, n: int, node: list[Any]) -> Any:
        return self._shell(n, {})

    def _make_list(self, n: int, node: list[Any]) -> Any:
        return self._shell(n, [])

    def _make_set(self, n: int, node: list[Any]) -> Any:
        return self._shell(n, set())

    def _make_deque(self, n: int, node: list[Any]) -> Any:
        return self._shell(n, collections.deque(maxlen=node[2]))

    def _make_bytearray(self, n: int, node: list[Any]) -> Any:
        return self._shell(n, bytearray())

    def _make_array(self, n: int, node: list[Any]) -> Any:
        return self._shell(n, array(node[1]))

    def _make_tuple(self, n: int, node: list[Any]) -> Any:
        obj = tuple(self.make(v) for v in node[1])
        self.made[n] = obj
        return obj

    def _make_frozenset(self, n: int, node: list[Any]) -> Any:
        obj = frozenset(self.make(v) for v in node[1])
        self.made[n] = obj
        return obj

    def _make_bytes(self, n: int, node: list[Any]) -> Any:
        obj = base64.b64decode(node[1])
        self.made[n] = obj
        return obj

    def _make_random(self, n: int, node: list[Any]) -> Any:
        obj = Random.__new__(Random)
        obj.setstate(_random_state(node[1:]))
        self.made[n] = obj
        return obj

    def _make_faker(self, n: int, node: list[Any]) -> Any:
        from faker import Faker

        obj = Faker()
        obj.seed_instance(0)
        rng = obj.random
        rng.setstate(_random_state(node[1]))
        self.made[n] = obj
        return obj

    def _make_count(self, n: int, node: list[Any]) -> Any:
        obj = itertools.count(node[1], node[2])
        self.made[n] = obj
        return obj

    def _make_datetime(self, n: int, node: list[Any]) -> Any:
        obj = datetime.datetime.fromisoformat(node[1])
        self.made[n] = obj
        return obj

    def _make_date(self, n: int, node: list[Any]) -> Any:
        obj = datetime.date.fromisoformat(node[1])
        self.made[n] = obj
        return obj

    def _make_timedelta(self, n: int, node: list[Any]) -> Any:
        obj = datetime.timedelta(seconds=node[1])
        self.made[n] = obj
        return obj

    def _make_const(self, n: int, node: list[Any]) -> Any:
        if node[1] != "simpy.events:PENDING":
            raise StateError(f"the saved state names an unknown marker {node[1]!r}")
        import simpy.events

        self.made[n] = simpy.events.PENDING
        return simpy.events.PENDING

    def _make_deadgen(self, n: int, node: list[Any]) -> Any:
        obj = kinds.FinishedGenerator(str(node[1]))
        self.made[n] = obj
        return obj

    def _make_type(self, n: int, node: list[Any]) -> Any:
        cls = resolve_class(node[1], exceptions=True)
        self.made[n] = cls
        return cls

    def _make_exc(self, n: int, node: list[Any]) -> Any:
        cls = resolve_class(node[1], exceptions=True)
        obj = cls.__new__(cls)
        self.made[n] = obj
        obj.args = tuple(self.make(v) for v in node[2])
        for field, v in node[3].items():
            setattr(obj, field, self.make(v))
        return obj

    def _make_obj(self, n: int, node: list[Any]) -> Any:
        cls = resolve_class(node[1])
        obj = cls.__new__(cls) if issubclass(cls, (dict, list)) else object.__new__(cls)
        if kinds.is_frozen_dataclass(cls):
            self.made[n] = obj
            self._fill_obj(n, obj, node)
            return obj
        return self._shell(n, obj)

    def _make_fn(self, n: int, node: list[Any]) -> Any:
        """A wiring node the template did not match (none but an edited file's: one whose
        root is no cloud): refused naming it, not its saved value (a trace's is all of it)."""
        what = {"fn": "the function ", "method": "the method ", "keep": "a "}.get(node[0], "")
        name = "the trace" if node[0] == "trace" else what + reprlib.repr(node[1])
        where = self.paths.get(n, f"node {n}")
        raise StateError(f"cannot restore {name} at {where}: the saved state does not lead to it")

    _make_method = _make_keep = _make_trace = _make_fn

    def _make_settings(self, n: int, node: list[Any]) -> Any:
        obj = self.made[n] = self.setting(node)
        return obj

    # -- 3. fill them --------------------------------------------------------------------------

    def fill(self) -> None:
        for n in range(len(self.nodes)):
            if n not in self.made:
                self._make_node(n)
        first = [n for n in self._to_fill if self.nodes[n][0] in ("obj", "fn", "random")]
        then = [n for n in self._to_fill if self.nodes[n][0] not in ("obj", "fn", "random")]
        for n in first + then:
            try:
                self._fill(n, self.made[n], self.nodes[n])
            except _VALUE_ERRORS as exc:
                raise self._damaged(n, exc) from None
        rederived = []
        for n in first:
            obj = self.made[n]
            name = kinds.class_name(type(obj))
            complete = kinds.COMPLETED.get(name)
            if complete is not None:
                self._restored(n, obj, complete)
            if name in kinds.REDERIVED:
                rederived.append((n, obj, kinds.REDERIVED[name]))
        for n, obj, method in rederived:  # once the settings they read are complete
            self._restored(n, obj, method)

    def _restored(self, n: int, obj: Any, method: str) -> None:
        """Call `obj`'s `method` that completes or rederives it after the fill. A field of
        the wrong type it reads (a kernel's switches made a list, a service's kernel a number,
        a settings node a container) failed there with the load's generic refusal, naming
        neither node nor field: the shapes are checked first then, and name the field; else
        the refusal names the object and its place."""
        try:
            getattr(obj, method)()
        except (AttributeError, TypeError, ValueError, KeyError, OverflowError) as exc:
            if isinstance(exc, FakecloudError):
                raise
            self.check_shapes()
            where = self.paths.get(n, f"node {n}")
            raise StateError(
                f"the saved {self.nodes[n][1]} at {where} is damaged: restoring it failed "
                f"({type(exc).__name__}: {exc})"
            ) from None

    def check_shapes(self) -> None:
        """Refuse a record whose fields do not have the types fakecloud's code expects, or
        whose lookup tables disagree with its rows (`fakecloud.state.shapes`): an edited file
        that would load and then fail on use, or answer wrongly."""
        indexed = []
        for n, node in enumerate(self.nodes):
            if node[0] != "obj" or node[1] in kinds.BUILT_CLASSES:
                continue
            obj = self.made[n]
            own = getattr(obj, "__dict__", None) or {}
            fields = {key: own[key] if key in own else _get_field(obj, key) for key in node[2]}
            where = self.paths.get(n, f"node {n}")
            shapes.check_record(obj, fields, self._examples.get(n), where)
            if node[1] in kinds.DERIVED or node[1] in kinds.REFERENCES:
                indexed.append((obj, where))
        # once every record has its shape: an index is checked against rows known to be rows,
        # rows whose names are known to name rows
        for obj, where in indexed:
            if kinds.class_name(type(obj)) in kinds.REFERENCES:
                shapes.check_references(obj, where)
            if kinds.class_name(type(obj)) in kinds.DERIVED:
                shapes.check_derived(obj, where)

    def _fill(self, n: int, obj: Any, node: list[Any]) -> None:
        kind = node[0]
        if kind == "obj":
            self._fill_obj(n, obj, node)
        elif kind == "dict":
            obj.clear()
            obj.update(self._pairs(node[1]))
        elif kind == "list":
            obj[:] = [self.make(v) for v in node[1]]
        elif kind == "set":
            obj.clear()
            obj.update(self.make(v) for v in node[1])
        elif kind == "deque":
            obj.clear()
            obj.extend(self.make(v) for v in node[1])
        elif kind == "bytearray":
            obj[:] = base64.b64decode(node[1])
        elif kind == "array":
            obj[:] = array(obj.typecode, node[2])
        elif kind == "random":
            obj.setstate(_random_state(node[1:]))
        elif kind == "fn":
            for cell, v in zip(obj.__closure__ or (), node[2], strict=True):
                if not (isinstance(v, dict) and v.get("empty")):
                    cell.cell_contents = self.make(v)
        elif kind == "trace":
            try:
                obj.restore(node[1])
            except ValueError as exc:
                raise StateError(f"the saved trace cannot be restored: {exc}") from None

    def _pairs(self, flat: list[Any]) -> list[tuple[Any, Any]]:
        return [(self.make(flat[i]), self.make(flat[i + 1])) for i in range(0, len(flat), 2)]

    def _fill_obj(self, n: int, obj: Any, node: list[Any]) -> None:
        cls = type(obj)
        slots = kinds.slot_set(cls)
        fields = {k: self.make(v) for k, v in node[2].items()}
        if cls.__dictoffset__ != 0:
            saved = {k: v for k, v in fields.items() if k not in slots}
            object.__setattr__(obj, "__dict__", saved)
        for key in slots & fields.keys():
            object.__setattr__(obj, key, fields[key])
        retired = kinds.RETIRED.get(kinds.class_name(cls))
        if retired:
            self.retired += [(obj, key, fields[key]) for key in retired if key in fields]
        for key, default in kinds.TRANSIENT.get(kinds.class_name(cls), {}).items():
            object.__setattr__(obj, key, kinds.reset_value(default))
        if len(node) > 3:
            if isinstance(obj, dict):
                dict.clear(obj)
                dict.update(obj, self._pairs(node[3]))
            elif isinstance(obj, list):
                list.__init__(obj, [self.make(v) for v in node[3]])


def resolve_class(name: Any, exceptions: bool = False) -> type:
    """The class a saved file names (``module:Qualname``), only among fakecloud's and simpy's
    classes (and Python's exceptions when `exceptions`); anything else is refused."""
    if not isinstance(name, str) or name.count(":") != 1:
        raise StateError(f"the saved state names a class as {name!r}, not module:Class")
    module_name, qualname = name.split(":")
    allowed = module_name.split(".")[0] in _ALLOWED_MODULES or (
        exceptions and module_name == "builtins"
    )
    if not allowed or "<" in qualname:
        raise StateError(
            f"the saved state names the class {name}, which is not one of fakecloud's "
            "(only fakecloud's and simpy's classes and Python's exceptions can be loaded)"
        )
    try:
        obj: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError):
        raise StateError(
            f"the saved state names the class {name}, which this fakecloud does not have "
            "(saved by another version?)"
        ) from None
    if not isinstance(obj, type) or (exceptions and not issubclass(obj, BaseException)):
        raise StateError(f"the saved state names {name}, which is not a class it may load")
    return obj


def _method_by_name(owner: Any, node: list[Any]) -> Any:
    """The function of a bound method the template has nowhere else (a pending timer's
    callback): a plain function of the object's own fakecloud (or simpy) class."""
    name = node[3] if len(node) > 3 else None
    cls = type(owner)
    func = None
    if isinstance(name, str) and not name.startswith("__") and kinds.is_record_class(cls):
        try:
            func = inspect.getattr_static(cls, name)
        except AttributeError:
            func = None
    if (
        type(func) is not types.FunctionType
        or func.__qualname__ != node[1]
        or func.__module__.split(".")[0] not in _ALLOWED_MODULES
    ):
        raise StateError(
            f"the saved state binds {node[1]!r} to a {kinds.class_name(cls)}, "
            "which has no such method"
        )
    return func


def _get_field(obj: Any, field: str) -> Any:
    d = getattr(obj, "__dict__", None)
    if d is not None and field in d:
        return d[field]
    if field in kinds.slot_set(type(obj)):
        try:
            return object.__getattribute__(obj, field)
        except AttributeError:
            return _MISSING
    return _MISSING


def _describe(obj: Any) -> str:
    """How a file names wiring it leaves to the template (``keep`` nodes)."""
    cls = type(obj)
    if isinstance(obj, type):
        return f"class {kinds.class_name(obj)}"
    if cls.__name__ in ("partial", "builtin_function_or_method", "method-wrapper"):
        return f"{cls.__name__} {getattr(obj, '__qualname__', '')}".strip()
    return f"{cls.__module__}.{cls.__qualname__}"


def _is_pairs(class_name: str) -> bool:
    try:
        return issubclass(resolve_class(class_name), dict)
    except StateError:
        return False


def _random_state(saved: list[Any]) -> tuple:
    version, internal, gauss = saved
    return (version, tuple(internal), gauss)
