"""Many forks of one idle cloud that stays as it is: the fork's walk done once, replayed.

`fakecloud.state.copy.fork_graph` decides for every object of a cloud whether it is shared or
copied and how, by walking the whole graph: most of a fork's cost is that walk (a call per
object and a test per value), not the copying. A world that is forked again and again (every
explored seed starts from the same booted world) gives the same answers every time, so
`Replica` walks it once, as `fork_graph` would, and records a plan: which objects are copied
(shallow copies: ``dict.copy``, ``list.copy``, a record's fields stored into a new instance),
which of their fields then point at copies instead of the originals, and which immutable values
(tuples, bound methods, ...) are built from copies. Each `Replica.fork` replays the plan.

The result is the graph `fork_graph` makes (the same objects shared, the same copied, the same
resets, random generators and counters continuing where the world's were). The world must not
change while its replica is used (`fakecloud.scenario.runner.World` never runs its cloud);
`Replica.fork` checks the cheap signs of a change (the clock, the trace's length, the id
streams) and refuses with `StateError`.
"""

from __future__ import annotations

import collections
import functools
import itertools
import keyword
import types
from array import array
from collections.abc import Callable
from random import Random
from typing import Any

from fakecloud.errors import StateError
from fakecloud.sim.lazy_random import LazyRandom, continued
from fakecloud.state import copy as generic
from fakecloud.state import kinds

_ATOMS = kinds.ATOMS


class _Unplannable(Exception):
    """The graph holds something the plan does not replay (the fork walks it instead)."""


class Replica:
    """Forks of the idle `cloud`, each as `cloud.fork()` would make it, faster."""

    recycled: Any
    _plan: _Plan | None

    def __init__(self, cloud: Any):
        from fakecloud.state import check_idle

        check_idle(cloud, "fork")
        cloud.kernel.ready_to_copy()
        self._cloud = cloud
        self._mark = _mark(cloud)
        try:
            self._plan = _Planner().plan(cloud)
        except _Unplannable:
            self._plan = None
        # one compiled replay (compiling costs some forks' worth): the fork alone, or with
        # every copied object (`every`)
        self._every = self._plan.compile(every=True) if self._plan is not None else None
        self._replay = _first(self._every) if self._every is not None else None
        self.recycled = None
        """What `fakecloud.state.recycle` keeps of this replica's reset (made on first use)."""

    def fork(self) -> Any:
        """A new fork of the cloud (see the module doc)."""
        if _mark(self._cloud) != self._mark:
            raise StateError("the replicated cloud changed since its replica was made")
        if self._replay is None:
            return self._cloud.fork()
        return self._replay()

    def every(self) -> tuple[Any, tuple]:
        """A new fork and a tuple of its every copied object by the plan's slot (only for a
        planned replica: `plan` is not None)."""
        self.check()
        return self._every()

    @property
    def plan(self) -> _Plan | None:
        """The fork's plan (None when the graph holds what a plan does not replay)."""
        return self._plan

    def check(self) -> None:
        """Raise `StateError` if the replicated cloud changed since the replica was made."""
        if _mark(self._cloud) != self._mark:
            raise StateError("the replicated cloud changed since its replica was made")


def _first(every: Callable[[], tuple]) -> Callable[[], Any]:
    return lambda: every()[0]


def _mark(cloud: Any) -> tuple:
    """Cheap signs that a cloud has run since: its clock, its trace's length."""
    return (cloud.kernel.now, len(cloud.trace))


class _Plan:
    """What `Replica.fork` replays, compiled into one Python function (`compile`): phase 1
    makes every copied mutable object (shallow), phase 2 builds the immutable values made of
    copies (children first), phase 3 points fields at the copies, phase 4 refills the hashed
    containers whose keys are copies."""

    def __init__(self, size, makes, derived, patches, refills, root):
        self.size = size
        self.makes = makes  # (slot, make, original, record): (class, __dict__, resets, slots)
        self.derived = derived  # (slot, build, args): args are _Ref(slot) or values
        self.patches = patches  # (kind, slot, key, child slot): kinds in `compile`
        self.refills = refills  # (slot, kind, [(key or _Ref, value or _Ref)] or [member])
        self.root = root

    def compile(self, every: bool = False) -> Callable[[], Any]:
        """The plan as straight-line code: a local per copy, a statement per object and per
        field that points at a copy (a loop over the plan spent most of its time looping).
        With `every`, the function returns the root and a tuple of every slot's object (what
        `fakecloud.state.recycle` resets in place)."""
        consts: list[Any] = []
        names: dict[int, str] = {}

        def const(value: Any) -> str:
            if value.__class__ is str or value.__class__ is int or value is None:
                return repr(value)
            key = id(value)
            if key not in names:
                names[key] = f"c{len(consts)}"
                consts.append(value)
            return names[key]

        def ref(value: Any) -> str:
            return f"n{value[1]}" if value.__class__ is _Ref else const(value)

        body: list[str] = []
        inlined: set[int] = set()
        plain: set[int] = set()  # records set with ``n.key = value`` (object's own setattr)
        # A plain record's fields, stored one by one after every copy exists (phase 3) rather
        # than as a copied __dict__ put in place: the new instance keeps its values inline, as
        # one made by its class does, so no dict is made for it, freed with it or collected.
        stored: dict[int, dict[str, str]] = {}

        def set_attribute(slot: int, key: str, value: str) -> str:
            if slot in plain and key.isidentifier() and not keyword.iskeyword(key):
                return f"n{slot}.{key} = {value}"
            return f"_setattr(n{slot}, {const(key)}, {value})"

        for slot, make, x, record in self.makes:
            if make is dict.copy or make is list.copy or make is set.copy:
                body.append(f"n{slot} = {const(x)}.copy()")
            elif record is not None:
                cls, fields, resets, slot_values = record
                inlined.add(slot)
                if cls.__setattr__ is object.__setattr__:
                    plain.add(slot)
                body.append(f"n{slot} = _new({const(cls)})")
                if fields and slot in plain and _all_plain_names(cls, fields):
                    values = stored[slot] = {k: const(v) for k, v in fields.items()}
                    for key, value in resets:
                        values[key] = f"{const(value)}()" if callable(value) else const(value)
                elif fields is not None:
                    # dict(), not .copy(): a copy of the original's materialized __dict__ would be
                    # a split table, which LOAD_ATTR reads without its specialized fast path
                    body.append(f"d{slot} = _dict({const(fields)})")
                    for key, value in resets:
                        fresh = f"{const(value)}()" if callable(value) else const(value)
                        body.append(f"d{slot}[{const(key)}] = {fresh}")
                    body.append(set_attribute(slot, "__dict__", f"d{slot}"))
                for key, value in slot_values:
                    if value.__class__ is _Fresh:
                        value = value.value
                        fresh = f"{const(value)}()" if callable(value) else const(value)
                    else:
                        fresh = const(value)
                    body.append(set_attribute(slot, key, fresh))
            elif make is _copy_function:  # rebuilt_function(x, _same), written out
                cells = []
                for cell in x.__closure__:
                    try:
                        cells.append(f"_cell({const(cell.cell_contents)})")
                    except ValueError:  # an empty cell (a name not yet bound)
                        cells.append("_cell()")
                body.append(
                    f"n{slot} = _function({const(x.__code__)}, {const(x.__globals__)}, "
                    f"{const(x.__name__)}, {const(x.__defaults__)}, ({', '.join(cells)},))"
                )
                if x.__kwdefaults__ is not None:
                    body.append(f"n{slot}.__kwdefaults__ = {const(x.__kwdefaults__)}")
                body.append(f"n{slot}.__qualname__ = {const(x.__qualname__)}")
                if x.__dict__:
                    body.append(f"n{slot}.__dict__.update({const(x.__dict__)})")
            else:
                body.append(f"n{slot} = {const(make)}({const(x)})")
        for slot, build, args in self.derived:
            parts = ", ".join(ref(a) for a in args)
            if build is _tuple_of:
                body.append(f"n{slot} = ({parts},)")
            else:
                body.append(f"n{slot} = {const(build)}({parts})")
        for kind, slot, key, child in self.patches:
            if kind == _FIELD and slot in stored:
                stored[slot][key] = f"n{child}"
        for slot, values in stored.items():
            body.extend(f"n{slot}.{key} = {value}" for key, value in values.items())
        for kind, slot, key, child in self.patches:
            if kind == _FIELD and slot in stored:
                continue
            if kind == _ITEM:
                body.append(f"n{slot}[{const(key)}] = n{child}")
            elif kind == _FIELD:
                target = f"d{slot}" if slot in inlined else f"n{slot}.__dict__"
                body.append(f"{target}[{const(key)}] = n{child}")
            elif kind == _ATTRIBUTE:
                body.append(set_attribute(slot, key, f"n{child}"))
            else:  # _CELL
                body.append(f"n{slot}.__closure__[{key}].cell_contents = n{child}")
        for slot, kind, items in self.refills:
            if kind == "dict":
                listed = ", ".join(f"({ref(k)}, {ref(v)})" for k, v in items)
            else:
                listed = ", ".join(ref(v) for v in items)
            body.append(f"_refill(n{slot}, [{listed}])")
        if every:
            made = {slot for slot, *_ in self.makes} | {slot for slot, *_ in self.derived}
            listed = ", ".join(f"n{i}" if i in made else "None" for i in range(self.size))
            body.append(f"return n{self.root}, ({listed},)")
        else:
            body.append(f"return n{self.root}")
        unpack = f"    ({', '.join(f'c{i}' for i in range(len(consts)))},) = K\n" if consts else ""
        source = "def replay(K):\n" + unpack + "".join(f"    {line}\n" for line in body)
        namespace = {
            "_new": object.__new__,
            "_dict": dict,
            "_setattr": object.__setattr__,
            "_refill": _refill,
            "_function": types.FunctionType,
            "_cell": types.CellType,
        }
        exec(compile(source, "<fakecloud.state.replica plan>", "exec"), namespace)
        return functools.partial(namespace["replay"], tuple(consts))


def _all_plain_names(cls: type, fields: dict) -> bool:
    """Whether ``n.key = value`` stores every key of `fields` in the instance's own fields: an
    identifier, not a keyword, and no data descriptor of `cls` (a property's setter, a slot)."""
    return all(
        k.__class__ is str
        and k.isidentifier()
        and not keyword.iskeyword(k)
        and not hasattr(type(getattr(cls, k, None)), "__set__")
        for k in fields
    )


#: Patch kinds: an item of a dict, list or deque; a field in a record's __dict__; a slot or a
#: frozen record's field (set with object.__setattr__); a closure cell.
_ITEM, _FIELD, _ATTRIBUTE, _CELL = range(4)


def _refill(target: Any, items: list) -> None:
    """Fill a dict (from pairs) or a set again, now that its keys are complete copies."""
    target.clear()
    target.update(items)


class _Ref(tuple):
    """A reference to a copy: ``("new", slot)``."""

    __slots__ = ()


def _ref(slot: int) -> _Ref:
    return _Ref(("new", slot))


def _record_maker(cls: type, has_dict: bool, slot_values: tuple, base: Any, resets: tuple):
    """The phase-1 maker of a record: a new instance with the original's fields (copies come
    in phase 3)."""
    new = object.__new__ if base is None else cls.__new__
    reset_value = kinds.reset_value

    def make(x: Any) -> Any:
        y = new(cls)
        if has_dict:
            fields = x.__dict__.copy()
            for key, value in resets:
                if key in fields:
                    fields[key] = reset_value(value)
            object.__setattr__(y, "__dict__", fields)
        for key, value in slot_values:
            if value.__class__ is _Fresh:
                value = reset_value(value.value)
            object.__setattr__(y, key, value)
        if base is dict:
            dict.update(y, dict.items(x))
        elif base is list:
            list.extend(y, list.__iter__(x))
        return y

    return make


def _copy_function(x: types.FunctionType) -> types.FunctionType:
    """A new function like `x` whose cells hold `x`'s own cell values (the plan's patches then
    point the cells that held copied objects at their copies)."""
    return generic.rebuilt_function(x, _same)


def _same(value: Any) -> Any:
    return value


def _random_maker(cls: type, state: tuple):
    """A generator continuing where the world's was (its state read once: it never draws); a
    plain `Random` takes that state at its first use (`fakecloud.sim.lazy_random`)."""
    if cls is Random:
        return lambda x: continued(state)

    def make(x: Any) -> Random:
        twin = Random.__new__(cls)
        twin.setstate(state)
        return twin

    return make


def _count_maker(start: Any, step: Any):
    return lambda x: itertools.count(start, step)


def _faker_maker(x: Any) -> Any:
    from faker import Faker

    y = Faker()
    y.seed_instance(0)
    twin_rng, rng = y.random, x.random
    twin_rng.setstate(rng.getstate())
    return y


class _Planner:
    """Walks a graph as `fork_graph` does and records the plan instead of copying."""

    memo: dict[int, Any]
    keep: list[Any]
    makes: list[tuple]
    derived: list[tuple]
    patches: list[tuple]
    refills: list[tuple]
    handlers: dict[type, Any]

    def __init__(self):
        self.memo = {}  # id -> _Ref of its copy, or the object (shared)
        self.keep = []  # originals the plan refers to (kept alive)
        self.size = 0
        self.makes = []
        self.derived = []
        self.patches = []
        self.refills = []
        self.handlers = {}

    def plan(self, root: Any) -> _Plan:
        ref = self.visit(root)
        if ref.__class__ is not _Ref:
            raise _Unplannable("the root is shared")
        return _Plan(self.size, self.makes, self.derived, self.patches, self.refills, ref[1])

    def _slot(self) -> int:
        self.size += 1
        return self.size - 1

    def _make(self, x: Any, make: Any) -> _Ref:
        slot = self._slot()
        ref = self.memo[id(x)] = _ref(slot)
        self.keep.append(x)
        self.makes.append((slot, make, x, None))
        return ref

    def visit(self, x: Any) -> Any:
        """The copy of `x` (a _Ref) or `x` itself when the fork shares it."""
        cls = x.__class__
        if cls in _ATOMS:
            return x
        found = self.memo.get(id(x))
        if found is not None:
            return found
        handler = self.handlers.get(cls)
        if handler is None:
            handler = self.handlers[cls] = self._handler_for(cls)
        return handler(x)

    # The handlers mirror fakecloud.state.copy's, one for one.

    def _handler_for(self, cls: type) -> Any:
        own = {
            dict: self._dict,
            list: self._list,
            tuple: self._tuple,
            set: self._set,
            frozenset: self._frozenset,
            collections.deque: self._deque,
            bytearray: self._bytearray,
            array: self._array,
            types.FunctionType: self._function,
            types.MethodType: self._method,
            types.BuiltinFunctionType: self._builtin,
            types.BuiltinMethodType: self._builtin,
            types.MethodWrapperType: self._builtin,
            functools.partial: self._partial,
            Random: self._random,
            LazyRandom: self._random,
            itertools.count: self._count,
            types.GeneratorType: self._generator,
        }
        handler = own.get(cls)
        if handler is not None:
            return handler
        chosen = generic._handler_for(cls)
        if chosen is generic._share:
            return _shared
        if chosen is generic._share_deep:
            return self._share_deep
        if chosen is generic._random:
            return self._random
        if chosen is generic._faker:
            return self._faker
        if kinds.is_record_class(cls):
            if kinds.is_frozen_dataclass(cls):
                return self._frozen(cls)
            return self._record(cls)
        raise _Unplannable(f"{cls!r}")

    def _share_deep(self, x: Any) -> Any:
        generic._share_deep(x, self.memo)
        return x

    def _dict(self, x: dict) -> _Ref:
        ref = self._make(x, dict.copy)
        self._fill(ref[1], x)
        return ref

    def _fill(self, slot: int, x: dict) -> None:
        """Patches (or a refill, when a key is copied) for the dict `x` copied at `slot`."""
        items, rekeyed, patches = [], False, []
        for key, value in x.items():
            k = key if key.__class__ in _ATOMS else self.visit(key)
            v = value if value.__class__ in _ATOMS else self.visit(value)
            rekeyed = rekeyed or k is not key
            items.append((k, v))
            if v is not value:
                patches.append((_ITEM, slot, key, v[1]))
        if rekeyed:
            self.refills.append((slot, "dict", items))
        else:
            self.patches.extend(patches)

    def _list(self, x: list) -> _Ref:
        return self._sequence(x, list.copy)

    def _sequence(self, x: Any, make: Callable[[Any], Any]) -> _Ref:
        """A list or deque: copied by `make`, then each item that is a copy patched in."""
        ref = self._make(x, make)
        for i, value in enumerate(x):
            if value.__class__ not in _ATOMS:
                v = self.visit(value)
                if v is not value:
                    self.patches.append((_ITEM, ref[1], i, v[1]))
        return ref

    def _tuple(self, x: tuple) -> Any:
        args, changed = [], False
        for v in x:
            w = v if v.__class__ in _ATOMS else self.visit(v)
            changed = changed or w is not v
            args.append(w)
        if not changed:
            return x
        slot = self._slot()
        self.derived.append((slot, _tuple_of, args))
        return _ref(slot)  # not memoized: fork_graph copies a tuple at each place it is met

    def _set(self, x: set) -> _Ref:
        ref = self._make(x, set.copy)
        members = [v if v.__class__ in _ATOMS else self.visit(v) for v in x]
        if any(m.__class__ is _Ref for m in members):
            self.refills.append((ref[1], "set", members))
        return ref

    def _frozenset(self, x: frozenset) -> Any:
        members = [v if v.__class__ in _ATOMS else self.visit(v) for v in x]
        if not any(m.__class__ is _Ref for m in members):
            return x
        raise _Unplannable("a frozenset of copies")  # hashed before its members are filled

    def _deque(self, x: collections.deque) -> _Ref:
        return self._sequence(x, lambda d: collections.deque(d, maxlen=d.maxlen))

    def _bytearray(self, x: bytearray) -> _Ref:
        return self._make(x, bytearray)

    def _array(self, x: array) -> _Ref:
        return self._make(x, lambda a: array(a.typecode, a))

    def _function(self, f: types.FunctionType) -> Any:
        if not f.__closure__:
            return f
        contents = []
        for cell in f.__closure__:
            try:
                value = cell.cell_contents
            except ValueError:
                contents.append(None)
                continue
            contents.append(value if value.__class__ in _ATOMS else self.visit(value))
        found = self.memo.get(id(f))
        if found is not None:  # copied meanwhile, through a cycle (fork_graph copies again)
            raise _Unplannable("a closure reaching itself")
        ref = self._make(f, _copy_function)
        for i, c in enumerate(contents):
            if c.__class__ is _Ref:
                self.patches.append((_CELL, ref[1], i, c[1]))
        return ref

    def _method(self, m: types.MethodType) -> Any:
        func, owner = self.visit(m.__func__), self.visit(m.__self__)
        slot = self._slot()
        self.derived.append((slot, types.MethodType, [func, owner]))
        return _ref(slot)

    def _builtin(self, f: Any) -> Any:
        owner = getattr(f, "__self__", None)
        if owner is None or isinstance(owner, types.ModuleType):
            return f
        copied = self.visit(owner)
        if copied is owner:
            return f
        slot = self._slot()
        self.derived.append((slot, getattr, [copied, f.__name__]))
        return _ref(slot)

    def _partial(self, p: functools.partial) -> Any:
        func = self.visit(p.func)
        args = [self.visit(a) for a in p.args]
        keywords = {k: self.visit(v) for k, v in p.keywords.items()}
        if keywords and any(v.__class__ is _Ref for v in keywords.values()):
            raise _Unplannable("a partial with copied keywords")
        slot = self._slot()
        self.derived.append((slot, _partial_of(keywords), [func, *args]))
        return _ref(slot)

    def _random(self, x: Random) -> _Ref:
        state = x.getstate()  # first: one not used yet is a plain Random from here on
        return self._make(x, _random_maker(type(x), state))

    def _count(self, x: itertools.count) -> _Ref:
        start, step = kinds.count_state(x)
        slot = self._slot()  # not memoized, as in fork_graph
        self.keep.append(x)
        self.makes.append((slot, _count_maker(start, step), x, None))
        return _ref(slot)

    def _faker(self, x: Any) -> _Ref:
        return self._make(x, _faker_maker)

    def _generator(self, x: types.GeneratorType) -> Any:
        if x.gi_frame is None:
            return x
        raise StateError(f"cannot copy a suspended generator (work in flight): {x!r}", obj=x)

    def _record(self, cls: type):
        name = kinds.class_name(cls)
        reset = kinds.fresh_on_copy(name)
        special = set(reset) | set(kinds.CACHES.get(name, ()))
        slots = kinds.slot_names(cls)
        has_dict = cls.__dictoffset__ != 0
        base = dict if issubclass(cls, dict) else list if issubclass(cls, list) else None
        process = name == "simpy.events:Process"
        resets = tuple(reset.items())

        def plan_record(x: Any) -> _Ref:
            if process and x.is_alive:
                raise StateError(f"cannot copy a simulated process in flight: {x!r}", obj=x)
            slot = self._slot()
            ref = self.memo[id(x)] = _ref(slot)
            self.keep.append(x)
            if has_dict:
                for key, value in x.__dict__.items():
                    if value.__class__ in _ATOMS or key in special:
                        continue
                    v = self.visit(value)
                    if v is not value:
                        self.patches.append((_FIELD, slot, key, v[1]))
            slot_values = []
            for key in slots:
                try:
                    value = object.__getattribute__(x, key)
                except AttributeError:
                    continue
                if key in reset:
                    slot_values.append((key, _Fresh(reset[key])))
                    continue
                v = value if value.__class__ in _ATOMS else self.visit(value)
                slot_values.append((key, value))
                if v is not value:
                    self.patches.append((_ATTRIBUTE, slot, key, v[1]))
            if base is dict:
                for key, value in dict.items(x):
                    k = self.visit(key)
                    v = self.visit(value)
                    if k is not key:
                        raise _Unplannable("a dict record with copied keys")
                    if v is not value:
                        self.patches.append((_ITEM, slot, key, v[1]))
            elif base is list:
                for i, value in enumerate(list.__iter__(x)):
                    v = self.visit(value)
                    if v is not value:
                        self.patches.append((_ITEM, slot, i, v[1]))
            maker = _record_maker(cls, has_dict, tuple(slot_values), base, resets)
            record = None
            if base is None:  # compiled inline: (class, __dict__, resets present, slots)
                fields = x.__dict__ if has_dict else None
                present = tuple((k, v) for k, v in resets if fields is not None and k in fields)
                record = (cls, fields, present, tuple(slot_values))
            self.makes.append((slot, maker, x, record))
            return ref

        return plan_record

    def _frozen(self, cls: type):
        names, plain = generic.frozen_fields(cls)

        def plan_frozen(x: Any) -> Any:
            if plain and generic.holds_only_atoms(x):
                return x
            changed: dict[str, Any] = {}
            for name in names:
                v = getattr(x, name)
                if v.__class__ not in _ATOMS:
                    w = self.visit(v)
                    if w is not v:
                        changed[name] = w
            if not changed:
                return x
            again = self.memo.get(id(x))
            if again is not None:
                return again
            if cls.__dictoffset__ != 0 and any(k not in names for k in x.__dict__):
                raise _Unplannable("a frozen record with fields beyond its dataclass fields")
            slot = self._slot()
            ref = self.memo[id(x)] = _ref(slot)
            self.keep.append(x)
            values = tuple((n, getattr(x, n)) for n in names)
            if plain:  # compiled inline: a __dict__ of the fields in order, copies patched in
                record = (cls, dict(values), (), ())
                self.makes.append((slot, _frozen_maker(cls, values), x, record))
                for n, w in changed.items():
                    self.patches.append((_FIELD, slot, n, w[1]))
                return ref
            # compiled inline too: each field set in order, copies patched in after
            record = (cls, None, (), values)
            self.makes.append((slot, _frozen_maker(cls, values), x, record))
            for n, w in changed.items():
                self.patches.append((_ATTRIBUTE, slot, n, w[1]))
            return ref

        return plan_frozen


class _Fresh:
    """A reset slot's value, made fresh at each replay."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value


def _shared(x: Any) -> Any:
    return x


def _tuple_of(*items: Any) -> tuple:
    return items


def _partial_of(keywords: dict):
    return lambda func, *args: functools.partial(func, *args, **keywords)


def _frozen_maker(cls: type, values: tuple):
    def make(x: Any) -> Any:
        y = object.__new__(cls)
        for name, value in values:
            object.__setattr__(y, name, value)
        return y

    return make
