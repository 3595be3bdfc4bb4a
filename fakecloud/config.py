"""Configuration: every tunable of a cloud, grouped in sections, with its unit in its name.

Each part of fakecloud declares its own section as a frozen dataclass and registers it with
`@config_section("name")`; a `Config` holds one instance of every registered section. Users give
overrides as a nested mapping (`{"rpc": {"delay_s": 0.01}}`), from Python or a scenario file;
an unknown section or key is a `ConfigError` that names it and suggests the closest real one.
Numbers are range-checked (`fakecloud.bounds`): a field declares its range with `bounded`, or
gets one from its name and default (``*_s`` a duration, ``*_per_s`` a rate, ...), so a NaN,
an infinity or a negative time never gets into a cloud.

    >>> cfg = Config.from_mapping({"rpc": {"delay_s": 0.01}})
    >>> cfg.rpc.delay_s
    0.01
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from fakecloud.bounds import Bounds, for_field
from fakecloud.errors import ConfigError
from fakecloud.frozen import FrozenDict, FrozenList, NotJsonData, frozen
from fakecloud.suggest import did_you_mean

_SECTIONS: dict[str, type] = {}


def config_section(name: str):
    """Register a frozen dataclass as the configuration section called `name`. Its fields
    are all ``__init__``'s parameters (no ``init=False`` field, no ``InitVar``): a section
    given keys is its defaults with those keys set, then its ``__post_init__`` (`_made`)."""

    def register(cls: type) -> type:
        if not dataclasses.is_dataclass(cls):
            raise TypeError(f"config section {name!r} must be a dataclass")
        fields = [f.name for f in dataclasses.fields(cls)]
        if list(inspect.signature(cls).parameters) != fields:
            raise TypeError(f"config section {name!r}: every field, and only they, in __init__")
        _SECTIONS[name] = cls
        return cls

    return register


def bounded(default: Any, bounds: Bounds) -> Any:
    """A config field with an explicit range: ``limit: int = bounded(10, POSITIVE_COUNT)``."""
    return dataclasses.field(default=default, metadata={"bounds": bounds})


def _coerce(section: str, field: dataclasses.Field, value: Any) -> Any:
    """Check a user value against the field's default type and range; ints are accepted for
    floats. A field whose default is made by a factory takes that default's type (a mapping,
    a list), one whose default is None its annotation's (``bool | None``), and None only where
    the default is None: ``delay_s: ~`` and ``disk_formats: qcow2`` were taken as given, and
    the cloud failed later with a TypeError deep in a run."""
    what = f"config {section}.{field.name}"
    if field.default is dataclasses.MISSING:
        return _coerce_made(what, field, value)
    default = field.default
    if default is None:
        expected = _OPTIONAL.get(str(field.type))
        bounds = field.metadata.get("bounds")
        if value is not None and bounds is not None:
            # an unset count (None: the release's default) set is still a count
            return bounds.check(value, what)
        if value is None or expected is None or isinstance(value, expected):
            return value
        if expected is bool:
            raise ConfigError(f"{what}: expected true or false, got {value!r}")
        raise ConfigError(f"{what}: expected {expected.__name__}, got {value!r}")
    expected = type(default)
    if value is None:
        raise ConfigError(
            f"{what}: expected {expected.__name__}, got None (leave it out for "
            f"the default, {default!r})"
        )
    bounds = field.metadata.get("bounds") or for_field(field.name, default)
    if bounds is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
        value = bounds.check(value, what)
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if expected is bool and not isinstance(value, bool):
        raise ConfigError(f"{what}: expected true or false, got {value!r}")
    # YAML's true is Python's True, an int: a count or a number of seconds is not a yes/no.
    if not isinstance(value, expected) or (isinstance(value, bool) and expected is not bool):
        raise ConfigError(
            f"{what}: expected {expected.__name__}, got {type(value).__name__} {value!r}"
        )
    return value


def checked(part: str, field: dataclasses.Field, value: Any) -> Any:
    """`value` for `field` of the config part `part` (``cinder.backends.NAME``), checked as a
    section's key is (its default's type, its range from `bounded` or its name): the value,
    or a `ConfigError` naming ``config PART.KEY``."""
    return _coerce(part, field, value)


#: What a field whose default is None takes besides None, by its annotation.
_OPTIONAL = {"bool | None": bool, "int | None": int, "str | None": str, "list | None": list}


def _coerce_made(what: str, field: dataclasses.Field, value: Any) -> Any:
    """A field whose default a factory makes: `value` must be of the default's kind."""
    made = field.default_factory()  # type: ignore[misc]
    if value is None:
        raise ConfigError(f"{what}: expected {type(made).__name__}, got None")
    if isinstance(made, Mapping) and not isinstance(value, Mapping):
        raise ConfigError(f"{what}: expected a mapping, got {type(value).__name__} {value!r}")
    if isinstance(made, list) and not isinstance(value, (list, tuple)):
        raise ConfigError(f"{what}: expected a list, got {type(value).__name__} {value!r}")
    return value


def _own_copy(value: Any, where: str) -> Any:
    """`value` (of the config key `where`, ``glance.disk_formats``) as the config's own data,
    read-only (`fakecloud.frozen`): each mapping a new `FrozenDict`, each list or tuple a new
    `FrozenList`, all the way down; a `ConfigError` naming the place inside it that is no
    JSON data. A section held the caller's containers: a dict changed after
    ``Cloud(config=...)`` changed what the cloud saved (its world built from the old values,
    the file loading as the new), a ``MappingProxyType`` made ``save`` a TypeError and a
    tuple was refused only by ``save``; its own copy, writable, was changed in place the same
    way (and in every fork); bytes were save's TypeError, a key that is no text its refusal,
    and a mapping holding itself Python's RecursionError."""
    try:
        return frozen(value)
    except NotJsonData as exc:
        raise ConfigError(f"config {where}{exc.path}: {exc.why}") from None


#: The value types whose check `_checked_scalar` remembers: immutable, and equal only to
#: values that check and save alike (not float: ``-0.0 == 0.0``, and NaN equals nothing).
_SCALARS = frozenset({int, str, bool})


@lru_cache(maxsize=1024, typed=True)
def _checked_scalar(section_cls: type, name: str, key: str, value: Any) -> Any:
    """`value` of the key `key` of section `name` checked and made the config's own, as
    `from_mapping` does every other value, remembered: most clouds are built with the same few
    keys (the benchmarks' and many tests' quotas), and the check by the key's type and range
    was some 15,000 instructions a key. A refused value raises each time (nothing is kept)."""
    return _own_copy(_coerce(name, _fields(section_cls)[key], value), f"{name}.{key}")


def default_of(field: dataclasses.Field) -> Any:
    """A section field's default value (a fresh one when the field has a factory)."""
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return field.default


def same_value(value: Any, default: Any) -> bool:
    """Whether `value` is `default` as JSON data writes it: the same type and the same text
    (``-0.0`` is not ``0.0``, ``[1]`` not ``[True]``, ``{"a":1,"b":2}`` not ``{"b":2,"a":1}``)."""
    if value is default:
        return True
    if type(value) is not type(default):
        return False
    try:
        return json.dumps(value) == json.dumps(default)
    except (TypeError, ValueError):
        return False


_FIELDS: dict[type, dict[str, dataclasses.Field]] = {}


def _fields(section_cls: type) -> dict[str, dataclasses.Field]:
    found = _FIELDS.get(section_cls)
    if found is None:
        found = _FIELDS[section_cls] = {f.name: f for f in dataclasses.fields(section_cls)}
    return found


@lru_cache(maxsize=64)
def shadowed(cls: type, names: tuple[str, ...]) -> bool:
    """Whether any of `names` is an attribute of `cls` (a method, a property), which an
    instance attribute of that name must not hide; asked once per set of names, not per
    cloud (`Config`'s sections, `Switches`' values)."""
    return any(hasattr(cls, n) for n in names)


#: The types whose values `dataclasses.asdict` gives back as they are (it copies the others).
_PLAIN = frozenset({str, int, float, bool, type(None)})


class _NotPlain(Exception):
    """A value `_copied` leaves to `dataclasses.asdict`."""


def _copied(value: Any) -> Any:
    """What `dataclasses.asdict` makes of a section's value that is plain data: the value
    itself for a string, a number, a bool or None, a copy of each list, tuple and dict (their
    exact types; a plain list or dict of a frozen one) made of the same; anything else raises
    `_NotPlain`."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is list or kind is FrozenList:
        return [_copied(v) for v in value]
    if kind is dict or kind is FrozenDict:
        return {_copied(k): _copied(v) for k, v in value.items()}
    if kind is tuple:
        return tuple(_copied(v) for v in value)
    raise _NotPlain


def section_values(section: Any) -> dict[str, Any]:
    """``dataclasses.asdict(section)``, made directly where the section holds plain data only
    (`_copied`), as every section of fakecloud's does: ``asdict`` asks each value what it is
    through a chain of checks and calls, and a save reads every section three times (its
    overrides, and the check that the file rebuilds the same settings)."""
    try:
        return {name: _copied(getattr(section, name)) for name in _fields(type(section))}
    except _NotPlain:
        return dataclasses.asdict(section)


_PROTOTYPES: dict[type, tuple[Any, dict[str, Any], dict[str, Any] | None]] = {}


def _prototype(section_cls: type) -> tuple[Any, dict[str, Any], dict[str, Any] | None]:
    """``section_cls()`` built (and checked) once per process, each value a factory made (a
    dict, a list) frozen (`fakecloud.frozen`); those values by field name; and the
    prototype's ``__dict__`` (None for a section without one): read-only values, so every
    cloud's section may hold the very same ones."""
    found = _PROTOTYPES.get(section_cls)
    if found is None:
        proto = section_cls()
        made = {
            f.name: frozen(getattr(proto, f.name))
            for f in dataclasses.fields(section_cls)
            if f.default_factory is not dataclasses.MISSING
        }
        for name, value in made.items():
            object.__setattr__(proto, name, value)
        found = _PROTOTYPES[section_cls] = (proto, made, getattr(proto, "__dict__", None))
    return found


def _default_section(section_cls: type) -> Any:
    """``section_cls()``, copied from its prototype: the same values in the same order, the
    factories' read-only. Every cloud builds a dozen sections, and a frozen dataclass's
    ``__init__`` sets each field through ``object.__setattr__``."""
    found = _PROTOTYPES.get(section_cls) or _prototype(section_cls)
    values = found[2]
    if values is None:
        return found[0]
    section = object.__new__(section_cls)
    section.__dict__.update(values)
    return section


def _made(section_cls: type, values: dict[str, Any]) -> Any:
    """``section_cls(**{**made, **values})`` (`made`: the prototype's read-only factory
    defaults), `values` being keys `from_mapping` checked: the section's defaults
    (`_default_section`) with `values` written over them, then its ``__post_init__``'s
    checks, which is what the dataclass's ``__init__`` does (`config_section`: every field is
    one of its parameters), without setting every field through ``object.__setattr__``
    (nova's 89 and cinder's 20: some 125,000 instructions in every cloud built with keys of
    both, as the benchmarks' and many tests' clouds are)."""
    section = _default_section(section_cls)
    if not hasattr(section, "__dict__"):  # a slotted section: its prototype itself
        # a factory's default not given: the prototype's read-only one, not a new list
        return section_cls(**{**_prototype(section_cls)[1], **values})
    section.__dict__.update(values)
    if hasattr(section_cls, "__post_init__"):
        section.__post_init__()
    return section


class Config:
    """All sections of a cloud's configuration; `cfg.<section>.<key>` reads a value."""

    def __init__(self, sections: dict[str, Any]):
        self._sections = sections
        # Sections read as plain attributes (services read them on every request). The class
        # has no __getattr__: one would keep Python 3.11 from specialising every such read.
        cls = type(self)
        if shadowed(cls, tuple(sections)):
            self.__dict__.update((n, s) for n, s in sections.items() if not hasattr(cls, n))
        else:
            self.__dict__.update(sections)

    def __setattr__(self, name: str, value: Any) -> None:
        """A cloud's sections are fixed once it is built (its forks share them, a save writes
        them): ``cloud.config.rpc = ...`` is refused, as a section's own keys are."""
        if not name.startswith("_") and "_sections" in self.__dict__:
            raise AttributeError(
                f"config sections are fixed when the cloud is built: give "
                f"Cloud(config={{{name!r}: {{...}}}}) (its forks and saved files share them)"
            )
        object.__setattr__(self, name, value)

    def _complete(self) -> None:
        """After loading a format-1 file, which held the Config itself
        (`fakecloud.state.kinds.COMPLETED`): what fakecloud added since reads its defaults,
        as in a cloud built today. A section held only in ``_sections`` (saved before sections
        were attributes) becomes an attribute (named in ``_completed``); a section registered
        since is made; a key added since gets its default (a plain default is the class's
        attribute already, a factory's, a dict or a list, is not)."""
        fields, cls = self.__dict__, type(self)
        sections = fields.setdefault("_sections", {})
        added = [n for n in sections if n not in fields and not hasattr(cls, n)]
        for name in added:
            fields[name] = sections[name]
        self._completed = frozenset(added)
        for name, section_cls in sorted(_SECTIONS.items()):
            if name not in sections:
                sections[name] = section_cls()
                if not hasattr(cls, name):
                    fields[name] = sections[name]
        for section in sections.values():
            held = section.__dict__
            for field in dataclasses.fields(section):
                if field.name not in held:
                    object.__setattr__(section, field.name, frozen(default_of(field)))

    def adopt(self, held: Iterable[Any]) -> None:
        """After a load: a section among `held` (the loaded world's objects) that is not this
        configuration's own, and says otherwise, is a part's own settings, built when the
        cloud's configuration lacked its section (a format-1 file's Nova clients, whose image
        API kept ``num_retries`` 3 when session 42 made the configuration's unset, the
        release's default): the configuration takes it (the first, in `held`'s order), so
        that it says what the part does and a save writes its keys in the header."""
        names = {cls: name for name, cls in _SECTIONS.items()}
        sections, fields, adopted = self._sections, self.__dict__, set()
        for obj in held:
            name = names.get(type(obj))
            if name is None or name not in sections:
                continue
            mine = sections[name]
            if obj is not mine and obj != mine and name not in adopted:
                adopted.add(name)
                sections[name] = obj
                if fields.get(name) is mine:
                    object.__setattr__(self, name, obj)

    @classmethod
    def from_mapping(cls, overrides: Mapping[str, Any] | None = None) -> Config:
        """Build a config from defaults plus `overrides` ({section: {key: value}})."""
        if not overrides:
            return cls({name: _default_section(c) for name, c in sorted(_SECTIONS.items())})
        overrides = dict(overrides)
        for name in overrides:
            if name not in _SECTIONS:
                raise ConfigError(f"unknown config section {name!r}{did_you_mean(name, _SECTIONS)}")
        sections = {}
        # By name, not by registration: sections register as their modules are imported, and
        # a user's imports (``import fakecloud.nova.x`` before ``Cloud``) would reorder them,
        # and with them a saved cloud's bytes.
        for name, section_cls in sorted(_SECTIONS.items()):
            given = overrides.get(name) or {}
            if not isinstance(given, Mapping):
                raise ConfigError(f"config section {name!r} must be a mapping, got {given!r}")
            if not given:
                sections[name] = _default_section(section_cls)
                continue
            fields = _fields(section_cls)
            values = {}
            for key, value in given.items():
                if key not in fields:
                    hint = (
                        did_you_mean(key, fields)
                        or f" (`fakecloud list config {name}.` lists them)"
                    )
                    raise ConfigError(f"unknown config key {name}.{key}{hint}")
                if value.__class__ in _SCALARS:
                    values[key] = _checked_scalar(section_cls, name, key, value)
                else:
                    values[key] = _own_copy(_coerce(name, fields[key], value), f"{name}.{key}")
            sections[name] = _made(section_cls, values)
        return cls(sections)

    def replace(self, section: str, **changes: Any) -> Config:
        """A copy with some keys of one section changed (validated like `from_mapping`)."""
        current = {n: section_values(s) for n, s in self._sections.items()}
        current[section] = {**current.get(section, {}), **changes}
        return Config.from_mapping(current)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Every section and key with its value, for traces and reports."""
        return {n: section_values(s) for n, s in self._sections.items()}

    def sections(self) -> dict[str, Any]:
        """Every section by name (the section objects themselves)."""
        return dict(self._sections)

    def overrides(self) -> dict[str, dict[str, Any]]:
        """The keys whose values differ from their defaults, by section (sections and keys in
        a fixed order): what `from_mapping` takes to build this configuration again, and what
        a saved file writes, so that a key added later with a default leaves the file alone."""
        out: dict[str, dict[str, Any]] = {}
        for name in sorted(self._sections):
            values = section_values(self._sections[name])
            fields = _fields(type(self._sections[name]))
            changed = {
                key: value
                for key, value in values.items()
                if not same_value(value, default_of(fields[key]))
            }
            if changed:
                out[name] = changed
        return out


def culprit(overrides: Mapping[str, Any], message: str) -> tuple:
    """Where in `overrides` ({section: {key: value}}) the `ConfigError` saying `message` comes
    from: ``(section, key)``, ``(section,)``, ``("identity", kind, name)`` for a record of
    Keystone's world, or ``()`` when no one key is to blame (to name its line in a file)."""
    world = re.search(r"identity\.(users|projects|domains|roles)\.([^\s:]+)", message)
    if world is not None:
        return ("identity", *world.groups())
    for path, part in _parts(overrides):
        try:
            Config.from_mapping(part)
        except ConfigError as exc:
            if str(exc) == message:
                return path
    # refused later, by the part the key builds (``glance.base_images: unknown keys ...``)
    for section, key in re.findall(r"\b(\w+)\.(\w+)", message):
        if isinstance(overrides.get(section), Mapping) and key in overrides[section]:
            return (section, key)
    return ()


def _parts(overrides: Mapping[str, Any]):
    """Each section of `overrides` alone (its keys left out), then each of its keys alone."""
    for section, keys in overrides.items():
        yield (section,), {section: keys if not isinstance(keys, Mapping) else {}}
        for key, value in keys.items() if isinstance(keys, Mapping) else ():
            yield (section, key), {section: {key: value}}
