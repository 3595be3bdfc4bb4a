"""What each kind of object in a cloud is, for saving and forking: the one table that knows.

A cloud is a graph of plain Python objects. `fakecloud.state` walks it generically, so a field a
service adds tomorrow is saved and forked without anyone remembering to; this module says how
each *type* is treated, and names the few attributes that are not state of the simulated cloud:

- **atoms** (str, int, float, bool, None): values, kept as they are;
- **containers** (dict, list, tuple, set, frozenset, deque, bytes): copied element by element;
- **records and parts** (instances of fakecloud's and simpy's classes): copied field by field;
- **values** that never change once built (frozen dataclasses such as config sections, the
  `Config` and `Switches` of a cloud, fault points, exceptions, classes, module-level
  functions, compiled patterns): a fork shares them;
- **built parts** shared by every cloud built alike (`BUILT_CLASSES`): a fork shares them, a
  saved file names them and a loaded cloud takes its template's;
- **wiring** (functions with closures, bound methods): what the cloud's constructor built; a
  fork rebinds them to its own objects, a saved file refers to them by position;
- `RESET`: bindings to the running Python process (the clock bridge while ``intercept()`` is
  on, the gateway cache) and the REST services built on first use, which a copy starts without;
- `CACHES`: process-wide caches built on first use (oslo.policy enforcers, JSON Schema
  validators); a fork shares them, a saved file leaves them to be built again;
- `TRANSIENT`: markers and memos derived from the rest of the state (which copy of a row last
  synced with it); a saved file does not write them at all (its bytes are those of a cloud
  without them), and a fork or a loaded cloud starts them at their default;
- `MEMOS`: values derived from what never changes once a cloud is built (its configuration and
  switches), by a `functools.cached_property` or into a plain attribute as the cloud is built;
  a saved file does not write them, a loaded cloud derives them again (on its first read, or
  as it loads: `REDERIVED`), a fork keeps them (it has the same switches).

Anything else (a type from another library) is refused with a message naming it and where it
was found, so that a new kind of object is classified here rather than copied wrongly.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
import functools
import itertools
import re
import threading
import types
from collections.abc import Callable
from random import Random
from typing import Any

from fakecloud.sim.lazy_random import LazyRandom, continued, seeded

#: Types whose values are immutable atoms of JSON (and of the object graph).
ATOMS: frozenset[type] = frozenset({str, int, float, bool, type(None)})

#: Modules whose classes may appear as records in a cloud (and be rebuilt from a saved file).
RECORD_MODULES: tuple[str, ...] = ("fakecloud.", "simpy.")

#: Attributes reset in every copy (saved or forked): bindings to this process and caches of
#: derived values, not state. A callable value is called for a fresh one (``dict``).
RESET: dict[str, dict[str, Any]] = {
    "fakecloud.sim.clock:ClockBridge": {
        "_depth": 0,
        "_travel": None,
        "_real": dict,
        "_formatted": dict,
    },
    "fakecloud.sim.kernel:Kernel": {"_running": False},
    "fakecloud.cloud:Cloud": {"_gateway": None},
    # The REST services: routes, controllers and their bound handlers, built on first use from
    # the service they serve and holding no state of their own; a copy builds its own again
    # (half a millisecond) rather than copying hundreds of objects of wiring.
    "fakecloud.nova:Nova": {"_api": None},
    "fakecloud.identity.keystone:Keystone": {"_api": None},
    "fakecloud.cinder.service:Cinder": {"_api": None},
}

#: Lazily built caches, shared between forks and left out of saved files (built again on use).
CACHES: dict[str, tuple[str, ...]] = {
    "fakecloud.nova.policies:PolicyEngine": ("_enforcer",),
    "fakecloud.glance.schema:ImageSchema": ("_validator", "_messages"),
    # The trace's book of event shapes: append-only, so a world and its forks share it and a
    # shape one fork makes serves the next (a saved trace lists its own shapes).
    "fakecloud.sim.trace:Trace": ("_book", "_shapes", "_widths", "_packed"),
}

#: What a recycled world (`fakecloud.state.recycle`) keeps across its resets rather than putting
#: back as the fork had it: containers of learning that decide only how an instance stores what
#: it is given, never what it answers, each with the dicts it holds as items (lists) at the
#: fork. A reset world then is its fork but for these, which hold what the runs since taught.
KEPT_ON_RESET: dict[str, tuple[str, ...]] = {
    # The trace's families (the state each (form, actor) has reached), its sites' kept shapes
    # and what those keep besides: which shapes a family has met decides which of an event's
    # details are stored per event, not the event read back (shapes are the shared book's, a
    # shape's keys in its form's order), so every explored seed after the first meets its
    # sites as known ones instead of learning them again from the world's state.
    "fakecloud.sim.trace:Trace": ("_by_form", "_at", "_other"),
}

#: Wiring a recycled world (`fakecloud.state.recycle`) keeps across its resets: by class, the
#: field of a `RESET` REST service that a run built on first use. A fork starts without it and
#: builds it again (about 55,000 instructions of an explored seed of a createImage race); a
#: reset world keeps the one the runs before built, when nothing it may hold was made by the
#: run that built or used it: every other part of its owner and of the kernel is after the
#: reset the object it was at the run's end (not a part the world lacked, built on use). Only
#: for a service holding no state: Nova's routes, controllers and formatters hold its parts,
#: its kernel's clock and settings, and memos of link roots that the configuration decides.
KEPT_WIRING: dict[str, str] = {"fakecloud.nova:Nova": "_api"}

#: Attributes that are not saved: a saved file leaves them out (not even their reset value),
#: and a fork or a loaded cloud starts them at the default given (a callable default is called
#: for a fresh one). Only for what is derived from the rest of the state or only makes work
#: cheaper (a marker, a memo), so that a cloud that starts without them behaves the same.
TRANSIENT: dict[str, dict[str, Any]] = {
    # The row version a working copy was last synced with (`NovaDB.instance_save`): a copy
    # starting at 0 after a fork or a load is refreshed from its row on its first save.
    "fakecloud.nova.objects:Instance": {"_synced": 0},
    # Placement's usage by host (`NovaDB.placement_use`), derived from the rows on the
    # scheduler's first ask.
    "fakecloud.nova.db:NovaDB": {"_placement": None},
    # Which image properties keep Nova's image dicts off the one-pass translation (a memo of
    # the Glance schema): a file saved before the memo existed loads and works.
    # Whether Nova sends its service token (`fakecloud.nova.service_auth`), asked by its
    # Cinder and Glance clients on every request: None until read, from the configuration
    # and the release alone.
    "fakecloud.nova.image_api:API": {"_claimed": False, "_sends": None},
    "fakecloud.nova.volume_api:API": {"_sends": None},
    # The command holding a guest agent's job, for the error of one that waited too long
    # (`GuestAgent._holder`): set as a command takes the job and cleared as the last one
    # lets it go, so it is empty whenever no command's process is alive, as in every cloud
    # that can be saved or forked (`check_idle`): a copy starts with none, as its original
    # holds none.
    "fakecloud.nova.virt.guest_agent:GuestAgent": {"_holder": ""},
    # How many times a guest's OS went down (`Domain.boots`): only an agent command in flight
    # compares it with the count it was sent at, and none is in a cloud that can be saved or
    # forked, so a copy counts from 0 (and saves the bytes it saved before the count). What a
    # freeze crossed is kept apart from it (`Domain.frozen_restarts`, `SPARSE`).
    "fakecloud.nova.virt.driver:Domain": {"boots": 0},
    # When the kernel asks Python's collector for a wider spacing next: a copy holds no ask
    # (`fakecloud.sim.collector.SPACED_ABOVE`; a saved copy is idle, a fork's processes start
    # counting afresh).
    # How many cancelled events may still be queued (`Kernel.cancel`): none in a saved or
    # forked cloud (they leave the queue first, `Kernel.drop_cancelled`).
    # Where the run driving the kernel ends, and the pollers asleep (`fakecloud.sim.polling`):
    # a copy has no driver yet, and counts the pollers that go to sleep in it.
    # And the lock threads take turns by (`Kernel.lock`): a binding to this process, a fresh
    # one in every copy. And what a load gave the kernel back (`Kernel._completed`): none in
    # a fork, which saves what it holds.
    "fakecloud.sim.kernel:Kernel": {
        "_spaced_above": 1_100,
        "_cancelled": 0,
        "horizon": None,
        "polls_asleep": 0,
        "lock": threading.RLock,
        "_completed": frozenset(),
    },
    # The explored points a run reached only where none of their outcomes applies, for the
    # explore report (`Choices.cannot_fire`): a copy starts with none, as its decisions do.
    "fakecloud.sim.explore:Choices": {"cannot_fire": set},
    # The transfer the I/O model runs the short way: none in a saved or forked cloud (its
    # books are written out first, `Kernel.ready_to_copy`).
    "fakecloud.sim.io:IoModel": {"_lone": None},
    # What a load added to a cloud's settings (`COMPLETED`): none in a cloud built afresh.
    "fakecloud.config:Config": {"_completed": frozenset()},
    "fakecloud.profiles.resolve:Switches": {"_completed": frozenset()},
    # The links Cinder's rows made as it ran, for the explorer's paths only (no answer reads
    # them): a copy starts with none (the world the explorer forks at t0 still has its own,
    # and its t0 links are read from it).
    # So is the backend of each volume the run deleted.
    "fakecloud.cinder.service:Cinder": {"links": list, "gone_backends": list},
    # The spans a paced server settled in (`SettledSpans`): server mode's tie of the calendar
    # to the wall clock, not the cloud's state. A loaded cloud is served on a calendar put at
    # the wall clock afresh (`FakecloudServer.load_state`), with spans of its own.
    # And its memo of the stored seconds' text (`ClockBridge.stored_strftime`): a file saved
    # before the memo existed loads and works.
    "fakecloud.sim.clock:ClockBridge": {"settled": None, "_stored": dict},
}

#: Fields a saved file writes only when they differ from the value given here: a cloud where
#: one never moved saves the bytes it saved before the field existed, and a file without it
#: (saved before, or at that value) loads it so (a dataclass field's default). Only for state
#: that is rarely anything else, so that old files and most new ones keep their bytes.
SPARSE: dict[str, dict[str, Any]] = {
    # The restarts a freeze crossed before it froze the guest (`no_freeze_across_restart`):
    # 0 but in a guest a freeze queued across a reboot left frozen.
    "fakecloud.nova.virt.driver:Domain": {"frozen_restarts": 0},
}

#: Classes whose loaded instances complete themselves once every saved object is filled: the
#: method named here adds the fields a file saved before they existed lacks (derived from the
#: rest: a switch the file predates reads its profile's value today) and names them in the
#: instance's ``_completed``, which a save leaves out. Only format-1 files hold these objects:
#: format 2 names the cloud's settings (``["settings", ...]``) and builds them from its header.
#: (Attribute reads on these classes are hot: a ``__getattr__`` fallback would keep Python 3.11
#: from specialising them.)
COMPLETED: dict[str, str] = {
    "fakecloud.config:Config": "_complete",
    "fakecloud.profiles.resolve:Switches": "_complete",
    # The kernel's own: its Keystone, given back by `REDERIVED` to a file saved before it.
    "fakecloud.sim.kernel:Kernel": "_complete",
}

#: Classes whose loaded instances derive again, once every saved object is filled and the
#: settings are complete (`COMPLETED`), the parts they build from their profile and
#: configuration alone: the method named here gives them what today's code builds, so that a
#: file saved before a derived flag existed answers as a cloud built today.
REDERIVED: dict[str, str] = {
    "fakecloud.nova:Nova": "_rederive_policy",
    "fakecloud.identity.keystone:Keystone": "_rewire",
    # the armed points' set (`FaultPlan.hot`, a memo a save leaves out)
    "fakecloud.sim.faults:FaultPlan": "rearm",
    # the release rules most of their requests read (memos a save leaves out)
    "fakecloud.cinder.service:Cinder": "derive_rules",
    "fakecloud.glance.service:Glance": "derive_rules",
}


def _migration_old_vm_state(cloud: Any, migration: Any, value: Any) -> None:
    """Session 17 kept a move's old vm_state on its migration; Nova's ``_prep_resize`` stashes
    it in the server's system metadata (session 18), where confirm and revert read it: a move
    still in progress in the file gets it there (its server would otherwise revert ACTIVE)."""
    from fakecloud.nova.compute.resize_manager import OLD_VM_STATE

    if value is None or migration.status in ("confirmed", "reverted", "error", "failed"):
        return
    row = cloud.nova.db.instances.get(migration.instance_uuid)
    if row is not None and not row.deleted and OLD_VM_STATE not in row.system_metadata:
        row.system_metadata = {**row.system_metadata, OLD_VM_STATE: value}


#: Classes whose records keep lookup tables derived from their rows (Keystone's users by name
#: and catalogs by project, Nova's rows by host, Glance's images by owner): the method named
#: here returns each such field as ``(field, what the record holds, what its rows make)``, and
#: a load refuses a file whose two disagree (an edited index loaded, then answered wrongly:
#: "no user 'demo'").
DERIVED: dict[str, str] = {
    "fakecloud.identity.models:Directory": "derived_indexes",
    "fakecloud.identity.writes:WrittenDirectory": "derived_indexes",
    "fakecloud.identity.catalog:Catalog": "derived_indexes",
    "fakecloud.identity.catalog_writes:WrittenCatalog": "derived_indexes",
    "fakecloud.nova.db:NovaDB": "derived_indexes",
    "fakecloud.glance.db:GlanceDb": "derived_indexes",
}


#: Classes whose records name one another by id or name (Keystone's assignments their user,
#: role and project, a role the roles it implies): the method named here returns each field
#: naming a record its owner lacks as ``(field, what is wrong)``, and a load refuses such a file
#: (an edited or hand-made one loaded, then failed a login or the next token with a KeyError).
REFERENCES: dict[str, str] = {
    "fakecloud.identity.models:Directory": "dangling_references",
    "fakecloud.identity.writes:WrittenDirectory": "dangling_references",
}

#: Fields older files saved that their class no longer has, by class: what takes each saved
#: value (the loaded cloud, the object, the value) once every object is filled.
RETIRED: dict[str, dict[str, Callable[[Any, Any, Any], None]]] = {
    "fakecloud.nova.objects:Migration": {"old_vm_state": _migration_old_vm_state},
}

#: Memos of a cloud's release rules, read on many requests of a flow: a save leaves them out, so
#: a cloud saves the same bytes whether it derived them or not. A `functools.cached_property`
#: (the switches' series, Glance's simulated web) a loaded cloud finds absent and derives on its
#: first read; the rest are plain attributes the cloud derives as it is built and a loaded
#: cloud as it loads (`REDERIVED`), since Python 3.11 never specialises a read that meets a
#: descriptor on the class (a cached_property's read is the generic lookup every time). A fork
#: copies them, and so does a recycled world's reset (`fakecloud.state.recycle`: they are in
#: the fork it puts back).
MEMOS: dict[str, tuple[str, ...]] = {
    "fakecloud.profiles.resolve:Switches": ("series",),
    # `Cinder.derive_rules`
    "fakecloud.cinder.service:Cinder": ("policy_new_defaults", "policy_rules"),
    # `Glance.derive_rules`
    "fakecloud.glance.service:Glance": (
        "legacy_defaults",
        "policy_rules",
        "uncounted",
        "import_methods",
        "import_filtering",
        "web",
        "reserved",
        "service_api_rule",
        "scope_enforced",
    ),
    # The armed fault points as a set (derived from the rules and the explorer's points; made
    # again after each change of either, `FaultPlan.rearm`).
    "fakecloud.sim.faults:FaultPlan": ("hot",),
}

#: What a saved file leaves out of each class's instances: its `TRANSIENT` and `MEMOS` fields.
UNSAVED: dict[str, frozenset[str]] = {
    name: frozenset(TRANSIENT.get(name, ())) | frozenset(MEMOS.get(name, ()))
    for name in TRANSIENT.keys() | MEMOS.keys()
}


def fresh_on_copy(name: str) -> dict[str, Any]:
    """The attributes a fork of an instance of class `name` (``module:qualname``) starts
    afresh: its `RESET` ones and its `TRANSIENT` ones, with the values they get."""
    return {**RESET.get(name, {}), **TRANSIENT.get(name, {})}


#: Classes of fakecloud whose instances never change once built: forks share them (and the
#: objects inside them, which other parts of the cloud may hold too). Keystone's directory and
#: catalog are built from the configuration and only read afterwards (their memo of derived
#: values, effective roles and per-project catalogs, is shared like the `CACHES`); a write of
#: Keystone's admin API copies the directory first, into a `WrittenDirectory` forks copy.
SHARED_CLASSES: frozenset[str] = frozenset(
    {
        "fakecloud.config:Config",
        "fakecloud.profiles.resolve:Switches",
        "fakecloud.nova.policies:_Enforcer",
        "fakecloud.identity.models:Directory",
        "fakecloud.identity.catalog:Catalog",
    }
)

#: Frozen records holding only atoms and tuples of atoms, the trace's interned family states,
#: sites and the slot of a site not met (which never change once made), and the operator's
#: policy rules a process builds once: forks share them as they are, without looking inside.
VALUE_CLASSES: frozenset[str] = frozenset(
    {
        "fakecloud.sim.faults:FaultPoint",
        "fakecloud.sim.trace:_Family",
        "fakecloud.sim.trace:Site",
        "fakecloud.sim.trace:_Unmet",
        # An operator's policy rules over a release's defaults (`ServiceRules`: an oslo.policy
        # Enforcer and the memo of its decisions), built once a process for every cloud of that
        # release and those rules (`fakecloud.service_policy.built`), and no part of a cloud's
        # state: a fork refused a cloud holding them ("cannot copy a oslo_policy.policy.
        # Enforcer") until session 43.
        "fakecloud.cinder.policy_file:FileRules",
        "fakecloud.glance.policy_file:GlanceRules",
    }
)

#: Parts every cloud built alike shares, never changed (the image schema of a set of formats):
#: forks share them as they are, a saved file names them (``keep``) and a loaded cloud uses the
#: one its template was built with.
BUILT_CLASSES: frozenset[str] = frozenset({"fakecloud.glance.schema:ImageSchema"})

#: Types of other libraries that are immutable values: forks share them.
SHARED_FOREIGN: frozenset[type] = frozenset(
    {
        re.Pattern,
        datetime.datetime,
        datetime.date,
        datetime.timedelta,
        datetime.timezone,
        types.ModuleType,
        types.BuiltinFunctionType,
        types.CodeType,
        bytes,
        complex,
        range,
    }
)


def reset_value(value: Any) -> Any:
    """The value a reset attribute gets: `value`, or a fresh one when it is a factory."""
    return value() if callable(value) else value


def class_name(cls: type) -> str:
    """``module:qualname`` of a class, as saved files and the tables above name it."""
    return f"{cls.__module__}:{cls.__qualname__}"


def is_record_class(cls: type) -> bool:
    """Whether instances of `cls` are fakecloud's (or simpy's) own records and parts."""
    return cls.__module__.startswith(RECORD_MODULES) or cls.__module__ in ("fakecloud", "simpy")


def is_frozen_dataclass(cls: type) -> bool:
    """Whether `cls` is a frozen dataclass (a value: equal fields, equal thing)."""
    params = getattr(cls, "__dataclass_params__", None)
    return params is not None and dataclasses.is_dataclass(cls) and params.frozen


@functools.cache  # a load asks it of each saved object's class (hundreds of times)
def slot_names(cls: type) -> tuple[str, ...]:
    """Every ``__slots__`` name of `cls` and its bases (without ``__dict__``/``__weakref__``)."""
    names: list[str] = []
    for klass in reversed(cls.__mro__):
        slots = klass.__dict__.get("__slots__", ())
        if isinstance(slots, str):
            slots = (slots,)
        for name in slots:
            if name not in ("__dict__", "__weakref__") and name not in names:
                names.append(name)
    return tuple(names)


@functools.cache  # a load asks it of each saved object it fills
def slot_set(cls: type) -> frozenset[str]:
    """`slot_names` of `cls` as a set."""
    return frozenset(slot_names(cls))


def count_state(counter: itertools.count) -> tuple[int | float, int | float]:
    """The next value and step of an ``itertools.count`` (read from its repr, not consumed)."""
    match = re.fullmatch(r"count\(([^,]+)(?:, ([^)]+))?\)", repr(counter))
    if match is None:  # pragma: no cover - CPython's repr is stable
        raise ValueError(f"cannot read {counter!r}")
    start, step = match.group(1), match.group(2) or "1"
    return _number(start), _number(step)


def _number(text: str) -> int | float:
    return float(text) if any(c in text for c in ".einf") else int(text)


def copy_random(rng: Random) -> Random:
    """A `Random` that continues exactly as `rng` would (a plain one takes the state at its
    first use: `fakecloud.sim.lazy_random`; one still to be seeded is copied as such)."""
    if rng.__class__ is LazyRandom and rng.__dict__["_continues"].__class__ is str:
        return seeded(rng.__dict__["_continues"])
    state = rng.getstate()  # first: a copy not used yet is a plain Random from here on
    cls = type(rng)
    if cls is Random:
        return continued(state)
    twin = Random.__new__(cls)
    twin.setstate(state)
    return twin


class FinishedGenerator:
    """What a loaded dead simpy process holds instead of its finished generator: its name."""

    __slots__ = ("__name__",)

    def __init__(self, name: str):
        self.__name__ = name

    def __repr__(self) -> str:
        return f"<finished generator {self.__name__}>"


CONTAINERS: frozenset[type] = frozenset(
    {dict, list, tuple, set, frozenset, collections.deque, bytearray}
)
