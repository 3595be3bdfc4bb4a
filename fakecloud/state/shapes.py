"""Whether a loaded object graph has the shape fakecloud's code expects, field by field.

A saved file is a graph of nodes (`fakecloud.state.encode`), and an edited one can be any graph:
a server's record replaced by a list, a kernel's clock by a string, a field left out. The
decoder builds whatever the file says, so such a world loaded and then failed on first use, a
traceback in a request or in `run_until_idle`. This module checks each loaded record at load
time instead, so a damaged file is refused naming the class, field and place:

- a field the class **annotates** (a dataclass's fields and its other class-level annotations;
  fakecloud declares a field's type there, never as ``self.NAME: TYPE = ...`` in a method,
  which Python keeps nowhere) must hold a value of that type: atoms, fakecloud's classes,
  and the containers of them the annotation names (``dict[str, Volume]``, ``list[str] |
  None``), one level of elements at a time (the elements' own records are checked as records);
- a field of an object the **template** has (a part of a freshly built cloud: Nova's database,
  the kernel, the fault plan) must hold a value of the type the template held there, and no
  field the template has may be left out;
- a dataclass record must have every one of its fields; one with a default (a field added
  since the file was saved) takes it.

Values are checked only where a wrong one breaks the world later rather than at once: a
number where the annotation says ``float`` or ``int`` must be finite, a number in a field named
``*_at`` (a virtual time) from 0 to `LAST_VIRTUAL_TIME`, and an I/O resource's throughput
finite and not negative (`_FIELDS`). A status that is a string is taken as the file says.
"""

from __future__ import annotations

import collections
import collections.abc
import dataclasses
import functools
import importlib
import itertools
import linecache
import math
import re
import reprlib
import sys
import types
import typing
from typing import Any

from fakecloud.errors import StateError
from fakecloud.sim.lazy_random import is_plain_or_lazy
from fakecloud.state import kinds

_NONE = type(None)
_NUMBERS = (int, float)
#: The annotation of a field we cannot read (a name the module does not define at run time).
_UNKNOWN = object()
_HINTS: dict[type, dict[str, Any]] = {}
#: The latest virtual time a saved ``*_at`` field may hold: the calendar's last day
#: (`fakecloud.sim.clock.LAST_CALENDAR_TIME`) seen from an epoch of 1970.
LAST_VIRTUAL_TIME = 253_370_764_800.0


def template_fields(obj: Any) -> dict[str, type]:
    """The type of each field a template object holds (before the saved state replaces it)."""
    found: dict[str, type] = {}
    d = getattr(obj, "__dict__", None)
    if isinstance(d, dict):
        found = {k: type(v) for k, v in d.items()}
    for key in kinds.slot_names(type(obj)):
        try:
            found[key] = type(object.__getattribute__(obj, key))
        except AttributeError:
            pass
    return found


def check_record(obj: Any, fields: dict[str, Any], example: dict[str, type] | None, where: str):
    """Raise `StateError` unless the loaded record `obj`'s saved `fields` (name -> value) have
    the types its class annotates and, for a part of the template, the types the template had
    (`example`); a dataclass field the file lacks takes its default, if it has one."""
    cls = type(obj)
    plan = _PLANS.get(cls) or _plan(cls)
    name = plan.name
    if plan.completes:
        pass  # fills its own missing fields with today's defaults (`kinds.COMPLETED`)
    elif plan.defaults is not None:
        for key, default in plan.defaults.items():
            if key not in fields:
                if default is _UNKNOWN:
                    _refuse(where, name, key, "is missing")
                object.__setattr__(obj, key, default())
    elif plan.required:
        for key in plan.required - fields.keys():
            _refuse(where, name, key, "is missing")
    elif example is not None:
        for key in example.keys() - fields.keys() - plan.exempt:
            if not _has_default(cls, key):
                _refuse(where, name, key, "is missing")
    checks = plan.checks
    for key, value in fields.items():
        check = checks.get(key)
        if check is not None:
            if not check[0](value):
                expected = check[1] if type(check[1]) is str else _show(check[1])
                _refuse(where, name, key, f"holds {_what(value)}, expected {expected}")
        elif example is not None and key not in plan.exempt and not _like(value, example, key):
            _refuse(where, name, key, f"holds {_what(value)}, expected {example[key].__name__}")
        if type(value) in _NUMBERS and key.endswith("_at") and not 0 <= value <= LAST_VIRTUAL_TIME:
            # a calendar time past 9999 fails every view of the record (OverflowError)
            _refuse(where, name, key, f"holds {_what(value)}, expected a virtual time from 0 s")


def check_derived(obj: Any, where: str) -> None:
    """Raise `StateError` unless each lookup table of the loaded record `obj` (a class of
    `kinds.DERIVED`) holds what its rows make of it: the same keys, the very same records."""
    name = kinds.class_name(type(obj))
    try:
        tables = getattr(obj, kinds.DERIVED[name])()
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        # a table made from records that do not make sense together (a role renamed to one
        # that an assignment's effective roles still name: None.implies) was the load's
        # generic refusal; named here, by the record's place and what failed
        raise StateError(
            f"the saved {name} at {where} is damaged: its records do not make its lookup "
            f"tables ({type(exc).__name__}: {exc})"
        ) from None
    for field, held, made in tables:
        problem = _disagreement(held, made)
        if problem is not None:
            _refuse(where, name, field, f"disagrees with the records it indexes: {problem}")


def check_references(obj: Any, where: str) -> None:
    """Raise `StateError` if the loaded record `obj` (a class of `kinds.REFERENCES`) has a
    record naming another that it lacks (a role no role is, a deleted user)."""
    name = kinds.class_name(type(obj))
    dangling = getattr(obj, kinds.REFERENCES[name])()
    if dangling:
        _refuse(where, name, *dangling[0])


def _disagreement(held: Any, made: Any, at: str = "") -> str | None:
    """Where an index as saved (`held`) differs from the one its rows make (`made`), or None:
    dicts by key, lists and tuples by position, records by identity, atoms by value."""
    if type(held) is dict and type(made) is dict:
        for key in made:
            if key not in held:
                return f"{at}[{key!r}] is missing"
        for key in held:
            if key not in made:
                return f"{at}[{key!r}] is there, and no record has it"
            problem = _disagreement(held[key], made[key], f"{at}[{key!r}]")
            if problem is not None:
                return problem
        return None
    if type(held) in (list, tuple) and type(made) is type(held) and len(held) == len(made):
        for i, (one, other) in enumerate(zip(held, made, strict=True)):
            problem = _disagreement(one, other, f"{at}[{i}]")
            if problem is not None:
                return problem
        return None
    if held is made or (type(made) in kinds.ATOMS and type(held) is type(made) and held == made):
        return None
    if type(held) is type(made) and kinds.is_record_class(type(made)):
        return f"{at or 'it'} holds another {type(made).__qualname__} than the records make"
    if type(held) is type(made) and type(made) in (list, tuple):  # of other lengths
        return f"{at or 'it'} holds {reprlib.repr(held)}, the records make {reprlib.repr(made)}"
    return f"{at or 'it'} holds {_what(held)}, the records make {_what(made)}"


@dataclasses.dataclass(frozen=True)
class _Plan:
    """What `check_record` checks of a class's records, worked out once per class."""

    name: str
    completes: bool
    exempt: frozenset[str]
    #: A dataclass's fields: name -> a factory of its default (`_UNKNOWN`: none).
    defaults: dict[str, Any] | None
    required: frozenset[str]
    #: field -> (check, the annotation or words of what it expects), for the fields checked.
    checks: dict[str, tuple[Any, str]]


_PLANS: dict[type, _Plan] = {}


def _plan(cls: type) -> _Plan:
    name = kinds.class_name(cls)
    exempt = kinds.TRANSIENT.get(name, {}).keys() | set(kinds.CACHES.get(name, ()))
    exempt |= set(kinds.RETIRED.get(name, {}))
    exempt |= set(kinds.MEMOS.get(name, ()))  # never saved (`FaultPlan.hot` is always held)
    defaults = None
    if dataclasses.is_dataclass(cls):
        defaults = {f.name: _default(f) for f in dataclasses.fields(cls) if f.name not in exempt}
    required = frozenset(_REQUIRED[name]() - exempt) if name in _REQUIRED else frozenset()
    checks = {}
    for key, hint in _hints(cls).items():
        check = _checker(hint)
        if check is not None:
            checks[key] = (check, hint)  # `_show` words it on a refusal only
    for (owner, key), special in _FIELDS.items():
        if owner == name:
            checks[key] = special
    completes = name in kinds.COMPLETED
    plan = _Plan(name, completes, frozenset(exempt), defaults, required, checks)
    _PLANS[cls] = plan
    return plan


def _default(f: dataclasses.Field) -> Any:
    if f.default is not dataclasses.MISSING:
        value = f.default
        return lambda: value
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory
    return _UNKNOWN


def _queue_entry(entry: Any) -> bool:
    return (
        type(entry) is tuple
        and len(entry) == 4
        and type(entry[0]) in _NUMBERS
        and type(entry[1]) is not bool
        and isinstance(entry[1], int)
        and type(entry[2]) is int
        and kinds.is_record_class(type(entry[3]))
        and _has_callbacks(entry[3])
    )


def _has_callbacks(event: Any) -> bool:
    # simpy iterates them (a tuple: no one waits); None once processed
    return type(getattr(event, "callbacks", 0)) in (list, tuple, _NONE)


def _is_finite(value: Any) -> bool:
    # not math.isfinite on an int: 10**400 is a whole number it cannot make a float of
    return type(value) is int or (type(value) is float and math.isfinite(value))


def _is_throughput(value: Any) -> bool:
    return _is_finite(value) and value >= 0


#: Fields of other libraries' classes fakecloud fills its own way: (class, field) -> (check,
#: what it expects).
_FIELDS: dict[tuple[str, str], tuple[Any, str]] = {
    ("simpy.core:Environment", "_queue"): (
        lambda q: type(q) is list and all(map(_queue_entry, q)),
        "a list of (time, priority, id, event) entries",
    ),
    ("simpy.core:Environment", "_now"): (_is_finite, "a finite number"),
    ("fakecloud.sim.io:Resource", "capacity"): (_is_throughput, "a finite number from 0"),
    ("fakecloud.sim.io:Resource", "nominal"): (_is_throughput, "a finite number from 0"),
    # a service's manager by topic (annotated Any: every service has its own class; a topic
    # not a string failed sorting the topics, the load's generic refusal)
    ("fakecloud.sim.rpc:RpcBus", "_endpoints"): (
        lambda d: (
            type(d) is dict
            and all(type(k) is str and kinds.is_record_class(type(v)) for k, v in d.items())
        ),
        "a dict of fakecloud's service objects by topic",
    ),
    ("simpy.core:Environment", "_eid"): (lambda c: type(c) is itertools.count, "a counter"),
    # what a server remembers of its image: texts (and, in a file saved before session 47,
    # the inheritable keys' numbers: `get_system_metadata_from_image`); a NaN or a record
    # there loaded, then failed the next createImage (int(nan): a 500), 2 of 2,100 edits
    # (session 46)
    ("fakecloud.nova.objects:Instance", "system_metadata"): (
        lambda d: type(d) is dict and all(map(_is_system_metadata_item, d.items())),
        "a dict of texts and whole numbers by key",
    ),
}


def _is_system_metadata_item(item: tuple[Any, Any]) -> bool:
    key, value = item
    return type(key) is str and (value is None or type(value) in (str, int))


def _instance_fields() -> set[str]:
    from fakecloud.nova.objects import INSTANCE_FIELDS

    return set(INSTANCE_FIELDS)


#: The fields a record of a class that is no dataclass always has: class -> its names.
_REQUIRED = {"fakecloud.nova.objects:Instance": _instance_fields}


def _checker(hint: Any) -> Any:
    """A function telling whether a value fits the annotation `hint` (a container: its
    elements too), or None where anything fits."""
    if hint is Any or hint is object or hint is _UNKNOWN or isinstance(hint, typing.TypeVar):
        return None
    if hint is None or hint is _NONE:
        return _is_none
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Union or origin is types.UnionType:
        arms = [_checker(arm) for arm in args]
        if None in arms:
            return None
        return lambda v: any(arm(v) for arm in arms)
    if origin is typing.Literal:
        return lambda v: v in args
    if origin is typing.ClassVar or origin is typing.Annotated:
        return _checker(args[0]) if args else None
    if origin is None:
        return _class_checker(hint)
    if not isinstance(origin, type) or getattr(origin, "_is_protocol", False):
        return None
    if origin is collections.abc.Callable:
        return callable
    outer = _class_checker(origin)
    inner = [_checker(arg) for arg in args if arg is not Ellipsis]
    if not inner or all(i is None for i in inner):
        return outer
    anything = _anything
    if issubclass(origin, collections.abc.Mapping) and len(args) == 2:
        key, value = inner[0] or anything, inner[1] or anything
        return lambda v: outer(v) and all(key(k) and value(x) for k, x in v.items())
    if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
        each = [i or anything for i in inner]
        return lambda v: outer(v) and len(v) == len(each) and all(map(_call, each, v))
    if len(inner) == 1:
        item = inner[0]
        return lambda v: outer(v) and all(map(item, v))
    return outer


def _class_checker(hint: Any) -> Any:
    if not isinstance(hint, type) or getattr(hint, "_is_protocol", False):
        return None  # a NewType, a Protocol: not checked
    if hint is float:
        return _is_finite
    if hint is int:
        return lambda v: isinstance(v, int) and type(v) is not bool
    if hint is bool:  # not an IntEnum's number: an int there failed later (" ".join, ~)
        return _is_bool
    if issubclass(hint, int):  # an IntEnum a file saved as its number (simpy's priorities)
        return lambda v: isinstance(v, hint) or type(v) is int
    name = kinds.class_name(hint)

    def check(value: Any) -> bool:
        # by name too: a module imported again (pytest's pytester drops the modules a run
        # imported) makes new classes, and an annotation resolved earlier names the old one
        return isinstance(value, hint) or any(
            kinds.class_name(k) == name for k in type(value).__mro__
        )

    return check


def _is_bool(value: Any) -> bool:
    return type(value) is bool


def _is_none(value: Any) -> bool:
    return value is None


def _anything(value: Any) -> bool:
    return True


def _call(check: Any, value: Any) -> bool:
    return check(value)


def _has_default(cls: type, key: str) -> bool:
    """Whether `cls` gives `key` a class-level default (a file saved before the field was
    added loads with it)."""
    for klass in cls.__mro__:
        if key in klass.__dict__ and not isinstance(
            klass.__dict__[key], types.MemberDescriptorType
        ):
            return True
    return False


def _like(value: Any, examples: dict[str, type], key: str) -> bool:
    """Whether a saved value may stand where a freshly built cloud holds a value of the type
    `examples` gives `key` (or none)."""
    example = examples.get(key, _NONE)
    have = type(value)
    if have is example or example is _NONE or example is kinds.FinishedGenerator:
        return True
    if example in _NUMBERS:
        return have in _NUMBERS
    if is_plain_or_lazy(example):  # a fresh cloud's stream seeded at first use, loaded plain
        return is_plain_or_lazy(have)
    return isinstance(value, example) or kinds.class_name(have) == kinds.class_name(example)


def _hints(cls: type) -> dict[str, Any]:
    """`cls`'s class-level field annotations, resolved; a name its module cannot resolve is not
    checked."""
    found = _HINTS.get(cls)
    if found is None:
        found = {}
        for klass in reversed(cls.__mro__):
            module = sys.modules.get(klass.__module__)
            # simpy's own annotations are not what fakecloud puts there (its queue holds
            # fakecloud's events, which are no simpy Event): `_FIELDS` checks those.
            if module is None or not klass.__module__.startswith("fakecloud."):
                continue
            for key, raw in klass.__dict__.get("__annotations__", {}).items():
                if raw == "Any":
                    raw = Any  # a third of them: no eval
                elif isinstance(raw, str):
                    raw = _resolve(module, raw)
                if typing.get_origin(raw) is not typing.ClassVar:
                    found[key] = raw
        _HINTS[cls] = found
    return found


@functools.cache
def _resolve(module: types.ModuleType, annotation: str) -> Any:
    """What an annotation written as text names in `module` (`_UNKNOWN` if it names
    nothing there), with the classes it imports only where they are used."""
    code = _compiled(annotation)
    # the module's own names first (most annotations need no others: no scope to build)
    scope = vars(module)
    for _ in range(8):
        try:
            return eval(code, scope)  # noqa: S307 - our own source
        except NameError as error:
            found = _provided(module, error.name)
            if found is _UNKNOWN:
                break
            if scope is vars(module):
                scope = {**vars(typing), **vars(module)}
            scope[error.name] = found
        except Exception:
            break
    return _UNKNOWN


@functools.cache
def _compiled(annotation: str) -> Any:
    """An annotation's text compiled once (modules repeat ``str | None``, ``dict[str, int]``)."""
    return compile(annotation, "<annotation>", "eval")


_IMPORT = re.compile(r"^[ \t]*from (fakecloud[\w.]*) import (\([^)]*\)|[^\n]*)", re.M)


def _provided(module: types.ModuleType, name: str | None) -> Any:
    """The class `name` an annotation of `module` uses: typing's, or one the module imports
    from fakecloud's own modules only where it is used (``if TYPE_CHECKING:``, inside a
    function). That module is imported here if nothing has yet, so that what a load checks does
    not depend on what the process happened to import before it."""
    if name is None:
        return _UNKNOWN
    if hasattr(typing, name):
        return getattr(typing, name)
    for name_of_module, original in _fakecloud_imports(module).get(name, ()):
        found = getattr(importlib.import_module(name_of_module), original, None)
        if isinstance(found, type):
            return found
    return _UNKNOWN


@functools.cache
def _fakecloud_imports(module: types.ModuleType) -> dict[str, list[tuple[str, str]]]:
    """Each name `module`'s source imports from fakecloud's own modules, anywhere in it: the
    modules it comes from and its name there (read once a module, not once an annotation)."""
    found: dict[str, list[tuple[str, str]]] = {}
    source = "".join(linecache.getlines(getattr(module, "__file__", None) or ""))
    for name_of_module, names in _IMPORT.findall(source):
        for entry in names.strip("()").split(","):
            original, _, alias = entry.strip().partition(" as ")
            found.setdefault((alias or original).strip(), []).append(
                (name_of_module, original.strip())
            )
    return found


def _refuse(where: str, cls: str, field: str, problem: str) -> None:
    raise StateError(f"the saved {cls} at {where} is damaged: its field {field!r} {problem}")


def _what(value: Any) -> str:
    if value is None:
        return "None"
    cls = type(value)
    if kinds.is_record_class(cls):
        return f"a {cls.__qualname__}"
    return f"{cls.__name__} {value!r}"[:80] if cls in kinds.ATOMS else f"a {cls.__name__}"


def _show(hint: Any) -> str:
    """An annotation as its source would spell it (``dict[str, Instance] | None``)."""
    if hint is None or hint is _NONE:
        return "None"
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Union or origin is types.UnionType:
        return " | ".join(map(_show, args))
    if origin is not None and args:
        name = getattr(origin, "__name__", str(origin))
        return f"{name}[{', '.join('...' if a is Ellipsis else _show(a) for a in args)}]"
    return getattr(hint, "__name__", str(hint).replace("typing.", ""))
