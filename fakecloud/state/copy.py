"""Forking: an independent copy of an idle cloud, made by copying its objects, not serializing.

`fork_graph` copies the object graph of a cloud in one pass, as `copy.deepcopy` would, but:

- values that never change (config sections, switches, flavors, compiled patterns, classes,
  exceptions, the oslo.policy enforcers and JSON Schema validators) are shared, not copied;
- functions with closures are rebuilt over copied cells and bound methods are bound to the
  copies, so the fork's trace reads the fork's clock and its routes call the fork's services
  (``copy.deepcopy`` shares closures, which is why a deep copy of a cloud is not a fork);
- random generators and counters continue exactly where the original's were.

Types `fakecloud.state.kinds` does not know are refused by name, never copied by guess.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import itertools
import types
import weakref
from array import array
from random import Random
from typing import Any

from fakecloud.errors import StateError
from fakecloud.sim.lazy_random import LazyRandom
from fakecloud.state import kinds

_Memo = dict[int, Any]
_HANDLERS: dict[type, Any] = {}
_ATOMS = kinds.ATOMS


def fork_graph(root: Any, shared: Any = ()) -> Any:
    """A copy of everything reachable from `root`; objects in `shared` are kept as they are."""
    memo: _Memo = {id(obj): obj for obj in shared}
    return _copy(root, memo)


def _copy(x: Any, memo: _Memo) -> Any:
    cls = x.__class__
    if cls in _ATOMS:
        return x
    found = memo.get(id(x))
    if found is not None:
        return found
    handler = _HANDLERS.get(cls)
    if handler is None:
        handler = _HANDLERS[cls] = _handler_for(cls)
    return handler(x, memo)


def _share(x: Any, memo: _Memo) -> Any:
    return x


_DEEP: weakref.WeakKeyDictionary[Any, list[Any]] = weakref.WeakKeyDictionary()


def _share_deep(x: Any, memo: _Memo) -> Any:
    """Share an immutable part (a cloud's `Config`) and everything in it, so the sections
    services hold are the very ones the shared config holds, as in the original."""
    inside = _DEEP.get(x)
    if inside is None:
        inside = _DEEP[x] = _reachable(x)
    for obj in inside:
        memo[id(obj)] = obj
    return x


def _reachable(root: Any) -> list[Any]:
    found: dict[int, Any] = {}
    stack = [root]
    while stack:
        obj = stack.pop()
        if type(obj) in kinds.ATOMS or id(obj) in found:
            continue
        found[id(obj)] = obj
        if isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)):
            stack.extend(obj)
        elif kinds.is_record_class(type(obj)):
            stack.extend(getattr(obj, "__dict__", {}).values())
            for key in kinds.slot_names(type(obj)):
                try:
                    stack.append(object.__getattribute__(obj, key))
                except AttributeError:
                    pass
    return list(found.values())


# The handlers below test for atoms inline (most values are strings and numbers): a call
# saved per value is most of a fork's cost.


def _dict(x: dict, memo: _Memo) -> dict:
    y: dict = {}
    memo[id(x)] = y
    for key, value in x.items():
        if key.__class__ not in _ATOMS:
            key = _copy(key, memo)
        y[key] = value if value.__class__ in _ATOMS else _copy(value, memo)
    return y


def _list(x: list, memo: _Memo) -> list:
    y: list = []
    memo[id(x)] = y
    y.extend([v if v.__class__ in _ATOMS else _copy(v, memo) for v in x])
    return y


def _tuple(x: tuple, memo: _Memo) -> tuple:
    return _immutable(x, memo, tuple)


def _set(x: set, memo: _Memo) -> set:
    y: set = set()
    memo[id(x)] = y
    y.update([v if v.__class__ in _ATOMS else _copy(v, memo) for v in x])
    return y


def _frozenset(x: frozenset, memo: _Memo) -> frozenset:
    return _immutable(x, memo, frozenset)


def _immutable(x: Any, memo: _Memo, kind: type) -> Any:
    """A tuple's or a frozenset's copy: `x` itself when no item is copied (an empty or
    atoms-only one, such as the one empty set every volume without snapshots shares), else
    one new `kind` of the copied items for every place that holds `x`, kept by identity as
    the other containers are (a save writes the second place as a reference to the first; a
    new one per place made a fork save other bytes than its source)."""
    changed = False
    items = []
    for v in x:
        if v.__class__ not in _ATOMS:
            w = _copy(v, memo)
            changed = changed or w is not v
            v = w
        items.append(v)
    if not changed:
        return x
    y = memo[id(x)] = kind(items)
    return y


def _deque(x: collections.deque, memo: _Memo) -> collections.deque:
    y: collections.deque = collections.deque(maxlen=x.maxlen)
    memo[id(x)] = y
    y.extend([v if v.__class__ in _ATOMS else _copy(v, memo) for v in x])
    return y


def _array(x: array, memo: _Memo) -> array:
    y = array(x.typecode, x)
    memo[id(x)] = y
    return y


def _bytearray(x: bytearray, memo: _Memo) -> bytearray:
    y = bytearray(x)
    memo[id(x)] = y
    return y


def _function(f: types.FunctionType, memo: _Memo) -> Any:
    if not f.__closure__:
        return f
    g = memo[id(f)] = rebuilt_function(f, lambda value: _copy(value, memo))
    return g


def rebuilt_function(f: types.FunctionType, contents: Any) -> types.FunctionType:
    """A new function of `f`'s code, globals, defaults, names and attributes whose closure cells
    hold ``contents(value)`` of each of `f`'s cell values (an empty cell stays empty)."""
    cells = []
    for cell in f.__closure__:
        try:
            cells.append(types.CellType(contents(cell.cell_contents)))
        except ValueError:  # an empty cell (a name not yet bound)
            cells.append(types.CellType())
    g = types.FunctionType(f.__code__, f.__globals__, f.__name__, f.__defaults__, tuple(cells))
    g.__kwdefaults__ = f.__kwdefaults__
    g.__qualname__ = f.__qualname__
    if f.__dict__:
        g.__dict__.update(f.__dict__)
    return g


def _method(m: types.MethodType, memo: _Memo) -> Any:
    return types.MethodType(_copy(m.__func__, memo), _copy(m.__self__, memo))


def _builtin(f: Any, memo: _Memo) -> Any:
    owner = getattr(f, "__self__", None)
    if owner is None or isinstance(owner, types.ModuleType):
        return f
    return getattr(_copy(owner, memo), f.__name__)


def _partial(p: functools.partial, memo: _Memo) -> Any:
    args = [_copy(a, memo) for a in p.args]
    keywords = {k: _copy(v, memo) for k, v in p.keywords.items()}
    return functools.partial(_copy(p.func, memo), *args, **keywords)


def _random(x: Random, memo: _Memo) -> Random:
    y = kinds.copy_random(x)
    memo[id(x)] = y
    return y


def _count(x: itertools.count, memo: _Memo) -> itertools.count:
    start, step = kinds.count_state(x)
    return itertools.count(start, step)


def _faker(x: Any, memo: _Memo) -> Any:
    from faker import Faker

    y = Faker()
    y.seed_instance(0)
    twin_rng, rng = y.random, x.random
    twin_rng.setstate(rng.getstate())
    memo[id(x)] = y
    return y


def _generator(x: types.GeneratorType, memo: _Memo) -> Any:
    if x.gi_frame is None:  # finished: a dead process's, kept only for its name
        return x
    raise StateError(f"cannot copy a suspended generator (work in flight): {x!r}", obj=x)


def _process(cls: type):
    copy_record = _record(cls)

    def copy_process(x: Any, memo: _Memo) -> Any:
        if x.is_alive:
            raise StateError(f"cannot copy a simulated process in flight: {x!r}", obj=x)
        return copy_record(x, memo)

    return copy_process


def _refuse(reason: str):
    def refuse(x: Any, memo: _Memo) -> Any:
        raise StateError(f"cannot copy {reason}: {x!r}", obj=x)

    return refuse


def _record(cls: type):
    """The copier of one record class: a new instance, its fields copied, its bindings reset."""
    name = kinds.class_name(cls)
    reset = kinds.fresh_on_copy(name)
    cached = set(kinds.CACHES.get(name, ()))
    slots = kinds.slot_names(cls)
    has_dict = cls.__dictoffset__ != 0
    base = dict if issubclass(cls, dict) else list if issubclass(cls, list) else None
    new = object.__new__ if base is None else cls.__new__

    special = set(reset) | cached

    def copy_record(x: Any, memo: _Memo) -> Any:
        y = new(cls)
        memo[id(x)] = y
        if has_dict:
            fields = {}
            for key, value in x.__dict__.items():
                if value.__class__ in _ATOMS:
                    fields[key] = value
                elif key not in special:
                    fields[key] = _copy(value, memo)
                else:
                    fields[key] = value
            for key in reset.keys() & fields.keys():
                fields[key] = kinds.reset_value(reset[key])
            object.__setattr__(y, "__dict__", fields)
        for key in slots:
            try:
                value = object.__getattribute__(x, key)
            except AttributeError:
                continue
            copied = kinds.reset_value(reset[key]) if key in reset else _copy(value, memo)
            object.__setattr__(y, key, copied)
        if base is dict:
            for key, value in dict.items(x):
                dict.__setitem__(y, _copy(key, memo), _copy(value, memo))
        elif base is list:
            list.extend(y, [_copy(v, memo) for v in list.__iter__(x)])
        return y

    return copy_record


def _atoms_only(t: tuple) -> bool:
    for v in t:  # noqa: SIM110 - a loop, not all(): no generator per tuple on the fork path
        if v.__class__ not in _ATOMS:
            return False
    return True


def frozen_fields(cls: type) -> tuple[tuple[str, ...], bool]:
    """A frozen dataclass's field names, and whether all its fields live in its ``__dict__``
    (then `holds_only_atoms` can tell from that dict that a record is shared as it is)."""
    names = tuple(f.name for f in dataclasses.fields(cls))
    return names, cls.__dictoffset__ != 0 and not kinds.slot_names(cls)


def holds_only_atoms(x: Any) -> bool:
    """Whether every value in `x`'s ``__dict__`` is an atom or a tuple of atoms: a frozen
    record that holds nothing a fork copies (most of them)."""
    for v in x.__dict__.values():
        c = v.__class__
        if c not in _ATOMS and (c is not tuple or not _atoms_only(v)):
            return False
    return True


def _frozen(cls: type):
    """The copier of a frozen dataclass: shared, unless a field holds something copied (a
    route's handler is a bound method, which the fork must bind to its own service)."""
    names, plain = frozen_fields(cls)

    def copy_frozen(x: Any, memo: _Memo) -> Any:
        if plain and holds_only_atoms(x):
            return x
        changed: dict[str, Any] = {}
        for name in names:
            v = getattr(x, name)
            if v.__class__ not in _ATOMS:
                w = _copy(v, memo)
                if w is not v:
                    changed[name] = w
        if not changed:
            return x
        again = memo.get(id(x))
        if again is not None:  # copied meanwhile, through a cycle
            return again
        y = object.__new__(cls)
        memo[id(x)] = y
        for name in names:
            object.__setattr__(y, name, changed.get(name, getattr(x, name)))
        if cls.__dictoffset__ != 0:
            for key, value in x.__dict__.items():
                if key not in names:
                    object.__setattr__(y, key, _copy(value, memo))
        return y

    return copy_frozen


_BY_TYPE: dict[type, Any] = {
    dict: _dict,
    list: _list,
    tuple: _tuple,
    set: _set,
    frozenset: _frozenset,
    collections.deque: _deque,
    bytearray: _bytearray,
    array: _array,
    types.FunctionType: _function,
    types.MethodType: _method,
    types.BuiltinFunctionType: _builtin,
    types.BuiltinMethodType: _builtin,
    types.MethodWrapperType: _builtin,
    functools.partial: _partial,
    Random: _random,
    LazyRandom: _random,
    itertools.count: _count,
    object: _share,  # sentinels such as simpy.events.PENDING
    types.GeneratorType: _generator,
}


def _handler_for(cls: type) -> Any:
    if cls in _BY_TYPE:
        return _BY_TYPE[cls]
    if cls in kinds.SHARED_FOREIGN or isinstance(cls, type) and issubclass(cls, type):
        return _share
    if issubclass(cls, BaseException):
        return _share
    if issubclass(cls, Random):
        # before the record classes: a generator is copied by its state whatever module its
        # class comes from (a `LazyRandom` of a re-imported lazy_random is no record)
        return _random
    name = kinds.class_name(cls)
    if cls.__module__.startswith("faker.") and cls.__name__ == "Faker":
        return _faker
    if kinds.is_record_class(cls):
        if name in kinds.VALUE_CLASSES or name in kinds.BUILT_CLASSES:
            return _share
        if name in kinds.SHARED_CLASSES:
            return _share_deep
        if kinds.is_frozen_dataclass(cls):
            return _frozen(cls)
        if name == "simpy.events:Process":
            return _process(cls)
        return _record(cls)
    return _refuse(f"a {cls.__module__}.{cls.__qualname__} (unknown to fakecloud.state.kinds)")
