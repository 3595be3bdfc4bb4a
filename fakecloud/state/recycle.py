"""One fork of an idle world, used again and again: reset in place instead of forked anew.

An explored seed forks its case's world, runs, keeps only its outcome and drops the fork,
which Python's collector then walks and frees (a few hundred cyclic objects a seed). A
`Recycler` makes one fork by the world's replayed plan (`fakecloud.state.replica`) and, when
its user is done with it (`release`), puts every copied object back as the fork had it: each
copied dict, list, set, deque and array refilled from what it held then, each record's fields
stored again (its fresh-on-copy ones made fresh, as a fork makes them; a slot the fork left
unset unset again, such as a table made on first use), each closure's cells
and each random generator set back, each counter made again (and put where it is held). The
next `fork` returns that same graph: the objects a new fork would be, holding what a new fork
would hold, made without an allocation.

What a run made (new servers, events, processes) is dropped by the refill, so it is garbage as
before. Only what `kinds.KEPT_ON_RESET` names is left as the runs made it: learning that
decides how an object stores what it is given, not what it answers (the trace's families and
site slots: a seed's events then read back as on a fresh fork, stored as a trace that had met
them before stores them); and a REST service's wiring that a run built on first use
(`kinds.KEPT_WIRING`) is put back after the reset while what it holds is still the world's. The
memos of a cloud's release rules need nothing of their own: derived as the world was built
(`kinds.MEMOS`), they are in the fork the reset puts back. A run's processes still suspended
are closed first (as the collector would close them in a dropped fork), so no ``finally`` of
theirs runs on the reset world later. A record that gained an attribute, or whose fields Python
moved into a dict of their own (an attribute deleted, ``vars()`` read), is found after the
reset by the count of what it holds (its `gc.get_referents`); the graph is then dropped and the
next fork made anew. Plans holding something this reset does not cover (a Faker, a dict or list
subclass, a random generator of a subclass, a closure's empty cell, a hashed container keyed by
a counter) never recycle: every `fork` is a new replay.
"""

from __future__ import annotations

import collections
import copy
import gc
import itertools
import keyword
import operator
import threading
import types
from array import array
from random import Random
from typing import Any

from fakecloud.sim import collector
from fakecloud.sim.lazy_random import LazyRandom
from fakecloud.state import kinds
from fakecloud.state import replica as planned


class _NotCovered(Exception):
    """The plan holds something the reset does not put back."""


class Recycler:
    """Forks of a replica's world, each the previous one reset in place (see the module doc).
    Not shared between threads: one per runner of seeds."""

    _kept: Any
    _lent: Any

    def __init__(self, replica: Any):
        self._replica = replica
        if replica.recycled is None:
            replica.recycled = _compiled(replica.plan)
        # (root, slots, refills, checked, count, records, classes, wired, unset)
        self._kept = None
        self._lent = None

    def fork(self) -> Any:
        """A fork of the world: the one released last, reset, or a new replay."""
        self._replica.check()
        kept, self._kept = self._kept, None
        if kept is None:
            kept = self._fresh()
        self._lent = kept
        return kept[0]

    @property
    def idle(self) -> bool:
        """Whether no fork of this recycler is in use."""
        return self._lent is None

    def release(self) -> None:
        """The fork last returned is no longer used: reset it for the next `fork` (when the
        reset is complete; else it is dropped and this replica's forks are new replays)."""
        lent, self._lent = self._lent, None
        if lent is None:
            return
        # a fork dropped too has its processes closed now, not by the collector later
        close_processes(lent[0].kernel)
        reset = self._replica.recycled
        if reset is _UNCOVERED:
            return
        root, slots, refills, checked, count, records, classes, wired, unset = lent
        collector.release(id(root.kernel))  # what the kernel's collection would do
        kept = _still_held(wired)
        reset(slots, refills, unset)
        for owner, field, value in kept:
            owner.__dict__[field] = value
        # after the reset a record or function holds at least what it held: one holding
        # more (a slot set that was not, a function's attribute) shows in the total; and a
        # record's class is its own again (only the random generators' change, rearmed)
        if len(gc.get_referents(*checked)) == count and list(map(type, records)) == classes:
            self._kept = lent
        else:
            self._replica.recycled = _UNCOVERED

    def _fresh(self) -> tuple:
        reset = self._replica.recycled
        if reset is _UNCOVERED:
            return (self._replica.fork(),)
        root, slots = self._replica.every()
        kept = _kept_across_resets(slots[s] for s in reset.records)
        refills = []
        for kind, snapshot in _KINDS:
            objects = tuple(slots[s] for s in reset.refilled[kind] if id(slots[s]) not in kept)
            refills.append(objects)
            refills.append(tuple(map(snapshot, objects)))
        checked = tuple(slots[s] for s in reset.checked)
        records = tuple(slots[s] for s in reset.records)
        count = len(gc.get_referents(*checked))
        classes = list(map(type, records))
        return (
            root,
            slots,
            refills,
            checked,
            count,
            records,
            classes,
            _wired(records, root.kernel),
            tuple(len(gc.get_referents(slots[s])) for s in reset.unset),
        )


def _wired(records: Any, kernel: Any) -> tuple:
    """Each of `records` whose class keeps its wiring across resets (`kinds.KEPT_WIRING`):
    (record, field, its `_parts`, the kernel's)."""
    out = []
    for record in records:
        field = kinds.KEPT_WIRING.get(kinds.class_name(record.__class__))
        if field is not None:
            out.append((record, field, _parts(record, field), _parts(kernel, None)))
    return tuple(out)


_RLOCK = type(threading.RLock())


def _parts(obj: Any, field: str | None) -> tuple:
    """What `obj` holds after a reset that a wiring may hold: its fields but `field` and those
    holding atoms, a None (a part not built yet) included; with how many fields it has."""
    fields = obj.__dict__
    atoms = kinds.ATOMS
    # nor the kernel's lock (`Kernel.lock`), fresh after each reset: no wiring holds it (the
    # gateway that takes it is the cloud's, built again on use)
    keys = tuple(
        k
        for k, v in fields.items()
        if k != field and (v is None or (v.__class__ not in atoms and v.__class__ is not _RLOCK))
    )
    return (obj, keys, tuple(map(fields.__getitem__, keys)), len(fields))


def _still_held(wired: tuple) -> list:
    """At a run's end: (owner, field, wiring) of each wiring built whose owner and kernel hold
    what they will hold after the reset (see `kinds.KEPT_WIRING`)."""
    out = []
    for owner, field, *parts in wired:
        value = owner.__dict__.get(field)
        if value is not None and all(map(_holds, parts)):
            out.append((owner, field, value))
    return out


def _holds(parts: tuple) -> bool:
    obj, keys, values, count = parts
    fields = obj.__dict__
    return len(fields) == count and all(map(operator.is_, map(fields.get, keys), values))


def _kept_across_resets(records: Any) -> set[int]:
    """The ids of the containers the reset leaves as a run left them (`kinds.KEPT_ON_RESET`):
    each such field of `records` and the dicts a list of them holds."""
    kept: set[int] = set()
    for record in records:
        fields = kinds.KEPT_ON_RESET.get(kinds.class_name(record.__class__))
        for field in fields or ():
            value = getattr(record, field, None)
            if value is None:
                continue
            kept.add(id(value))
            if value.__class__ is list:
                kept.update(id(item) for item in value if item.__class__ is dict)
    return kept


def close_processes(kernel: Any) -> None:
    """Close the generators of the processes still alive (and of any their closing starts)."""
    for _ in range(100):
        live = [p for p in kernel._live if p._generator is not None]
        if not live:
            return
        kernel._live.clear()
        for proc in live:
            try:
                proc._generator.close()
            except Exception:  # noqa: BLE001, S110 - as the collector's close would ignore it
                pass


def _fields(record: Any) -> dict:
    return dict(record.__dict__)


#: What the reset refills, by kind, and how each one's snapshot is taken: dicts; records'
#: ``__dict__``; sets; lists, bytearrays and arrays (by slice assignment); deques.
_KINDS = (
    ("dict", dict),
    ("vars", _fields),
    ("set", set),
    ("sequence", copy.copy),
    ("deque", list),
)


def _compiled(plan: Any) -> Any:
    """The reset of `plan` as one function (`_UNCOVERED`: the plan is not covered)."""
    try:
        return _Writer(plan).compile()
    except _NotCovered:
        return _UNCOVERED


#: A replica whose forks are not recycled.
_UNCOVERED: Any = object()


class _Writer:
    """Writes the reset of one plan (see `compile`)."""

    consts: list[Any]
    names: dict[int, str]

    def __init__(self, plan: Any):
        self.plan = plan
        self.consts = []
        self.names = {}

    def const(self, value: Any) -> str:
        if value.__class__ is str or value.__class__ is int or value is None:
            return repr(value)
        key = id(value)
        if key not in self.names:
            self.names[key] = f"c{len(self.consts)}"
            self.consts.append(value)
        return self.names[key]

    def fresh(self, value: Any) -> str:
        return f"{self.const(value)}()" if callable(value) else self.const(value)

    def compile(self) -> Any:
        plan, const = self.plan, self.const
        patched: dict[tuple[int, int], dict[Any, int]] = collections.defaultdict(dict)
        for kind, slot, key, child in plan.patches:
            patched[kind, slot][key] = child
        remade: set[int] = set()
        counters: list[str] = []
        body: list[str] = []
        by_dict: set[int] = set()
        checked: list[int] = []
        records: list[int] = []
        unset_records: list[int] = []
        refilled: dict[str, list[int]] = {kind: [] for kind, _ in _KINDS}
        for slot, make, x, record in plan.makes:
            cls = x.__class__
            n = f"n{slot}"
            if record is not None:
                rcls, fields, resets, slot_values = record
                records.append(slot)
                if fields is not None:
                    # through its __dict__ (Python moves the fields of a record there at
                    # the first read of it: the snapshot's), so a field a run added goes too
                    refilled["vars"].append(slot)
                    by_dict.add(slot)
                    if resets:
                        body.append(f"d = {n}.__dict__")
                    for key, value in resets:
                        body.append(f"d[{const(key)}] = {self.fresh(value)}")
                unset = _unset_slots(rcls, slot_values)
                if unset:
                    checked.append(slot)
                plain = rcls.__setattr__ is object.__setattr__
                attrp = patched.get((planned._ATTRIBUTE, slot), {})
                for key, value in slot_values:
                    if value.__class__ is planned._Fresh:
                        final = self.fresh(value.value)
                    elif key in attrp:
                        final = f"n{attrp[key]}"
                    else:
                        final = const(value)
                    if plain and key.isidentifier() and not keyword.iskeyword(key):
                        body.append(f"{n}.{key} = {final}")
                    elif (store := _slot_store(rcls, key)) is not None:
                        # a class with its own __setattr__ (Nova's Instance records its
                        # changes): the slot's own descriptor, as object.__setattr__ finds
                        # it, stores without that lookup (46 against 72 ns a store)
                        body.append(f"{const(store)}({n}, {final})")
                    else:
                        body.append(f"_setattr({n}, {const(key)}, {final})")
                if unset:
                    # a slot the world left unset (a table made on first use): a run may set
                    # it, so the reset unsets it again (anything else shows in the count).
                    # With every held slot stored again, the record holds more than a new
                    # fork's only if a run set one of them (or gave it a __dict__): only then
                    # is each tried, at an AttributeError for each that is not set
                    body.append(f"if len(_refs({n})) != E[{len(unset_records)}]:")
                    body.append(f"    _unset({n}, {const(unset)})")
                    unset_records.append(slot)
            elif make is dict.copy or make is set.copy:
                refilled["dict" if make is dict.copy else "set"].append(slot)
            elif make is list.copy or cls is bytearray or cls is array:
                refilled["sequence"].append(slot)
            elif cls is collections.deque:
                refilled["deque"].append(slot)
            elif cls is Random:
                body.append(f"_rearm({n}, {const(x.getstate())})")
            elif cls is itertools.count:
                start, step = kinds.count_state(x)
                counters.append(f"{n} = _count({const(start)}, {const(step)})")
                remade.add(slot)
            elif cls is types.FunctionType:
                if x.__dict__:
                    raise _NotCovered("a function with attributes")
                checked.append(slot)  # its __dict__, if one is made, shows in its referents
                cellp = patched.get((planned._CELL, slot), {})
                body.append(f"c = {n}.__closure__")
                for i, cell in enumerate(x.__closure__):
                    try:
                        value = cell.cell_contents
                    except ValueError:
                        raise _NotCovered("an empty cell") from None
                    final = f"n{cellp[i]}" if i in cellp else const(value)
                    body.append(f"c[{i}].cell_contents = {final}")
            else:
                raise _NotCovered(f"{cls!r}")
        for _slot, _build, args in plan.derived:
            if any(a.__class__ is planned._Ref and a[1] in remade for a in args):
                raise _NotCovered("a value built from a counter")
        for _slot, kind, items in plan.refills:
            refs = [v for pair in items for v in (pair if kind == "dict" else (pair,))]
            if any(r.__class__ is planned._Ref and r[1] in remade for r in refs):
                raise _NotCovered("a hashed container holding a counter")
        for kind, slot, key, child in plan.patches:
            if child not in remade:
                continue
            if kind == planned._ITEM:
                body.append(f"n{slot}[{const(key)}] = n{child}")
            elif kind == planned._FIELD and slot in by_dict:
                body.append(f"n{slot}.__dict__[{const(key)}] = n{child}")
        made = sorted({s for s, *_ in plan.makes} | {s for s, *_ in plan.derived})
        unpack = ", ".join(f"n{i}" if i in made else "_" for i in range(plan.size))
        consts = ", ".join(f"c{i}" for i in range(len(self.consts)))
        lines = [
            "def reset(K, N, E):",
            f"    ({consts},) = K" if self.consts else "",
            f"    ({unpack},) = N",
            *(f"    {line}" for line in counters + body),
        ]
        namespace = {
            "_setattr": object.__setattr__,
            "_count": itertools.count,
            "_rearm": _rearm,
            "_refs": gc.get_referents,
            "_unset": _unset,
        }
        exec(compile("\n".join(lines) + "\n", "<fakecloud.state.recycle reset>", "exec"), namespace)
        return _Reset(
            namespace["reset"], tuple(self.consts), tuple(checked), refilled, records, unset_records
        )


class _Reset:
    """A compiled reset: ``reset(slots, refills, counts)``; the slots of the records with a
    slot unset and of the functions, checked by their referents' count; the slots refilled, by
    kind (`_KINDS`); the slots of the records (their classes checked); the slots of the records
    with a slot unset, whose referents a new fork counts (`counts`, in their order)."""

    def __init__(
        self, function: Any, consts: tuple, checked: tuple, refilled: dict, records, unset
    ):
        self.function = function
        self.consts = consts
        self.checked = checked
        self.refilled = refilled
        self.records = tuple(records)
        self.unset = tuple(unset)

    def __call__(self, slots: tuple, refills: list, counts: tuple) -> None:
        """Put the fork whose objects are `slots` back as it was: each refilled object from
        its snapshot (`refills`: objects and snapshots by kind), by calls mapped in C rather
        than a statement each; then the rest, written out."""
        dicts, dict_snaps, records, fields, sets, set_snaps, seqs, seq_snaps, deques, items = (
            refills
        )
        _drain(map(dict.clear, dicts))
        _drain(map(operator.ior, dicts, dict_snaps))
        records = list(map(_vars, records))
        _drain(map(dict.clear, records))
        _drain(map(operator.ior, records, fields))
        _drain(map(set.clear, sets))
        _drain(map(operator.ior, sets, set_snaps))
        _drain(map(operator.setitem, seqs, _EVERY, seq_snaps))
        _drain(map(collections.deque.clear, deques))
        _drain(map(operator.iadd, deques, items))
        self.function(self.consts, slots, counts)


_drain = collections.deque(maxlen=0).extend
_vars = operator.attrgetter("__dict__")
_EVERY = itertools.repeat(slice(None))


def _slot_store(cls: type, name: str) -> Any:
    """The bound ``__set__`` of the slot descriptor `object.__setattr__` stores `name` of a
    `cls` record through (the first in its classes' order: no later class can override a data
    descriptor found first); None if that is no slot's."""
    for klass in cls.__mro__:
        found = klass.__dict__.get(name, _ABSENT)  # a class attribute of None shadows too
        if found is not _ABSENT:
            return found.__set__ if type(found) is types.MemberDescriptorType else None
    return None


_ABSENT = object()


def _unset_slots(cls: type, slot_values: tuple) -> tuple[str, ...]:
    """The slots of `cls` a planned record of it holds no value in."""
    held = {key for key, _ in slot_values}
    return tuple(name for name in kinds.slot_names(cls) if name not in held)


def _unset(record: Any, names: tuple[str, ...]) -> None:
    """Unset each of `names` a run set on `record` (its slots the planned fork left unset)."""
    for name in names:
        try:
            object.__delattr__(record, name)
        except AttributeError:
            pass


def _rearm(rng: Any, state: tuple) -> None:
    """Set a copied generator back to a `continued` one of `state` (taken at first use)."""
    rng.__class__ = LazyRandom
    fields = rng.__dict__
    fields.clear()
    fields["gauss_next"] = state[2]
    fields["_continues"] = state[1]
