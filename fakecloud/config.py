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
import difflib
from collections.abc import Mapping
from typing import Any

from fakecloud.bounds import Bounds, for_field
from fakecloud.errors import ConfigError

_SECTIONS: dict[str, type] = {}


def config_section(name: str):
    """Register a frozen dataclass as the configuration section called `name`."""

    def register(cls: type) -> type:
        if not dataclasses.is_dataclass(cls):
            raise TypeError(f"config section {name!r} must be a dataclass")
        _SECTIONS[name] = cls
        return cls

    return register


def did_you_mean(word: str, choices) -> str:
    """Return " (did you mean X?)" for the closest of `choices` to `word`, or "" if none is."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def bounded(default: Any, bounds: Bounds) -> Any:
    """A config field with an explicit range: ``limit: int = bounded(10, POSITIVE_COUNT)``."""
    return dataclasses.field(default=default, metadata={"bounds": bounds})


def _coerce(section: str, field: dataclasses.Field, value: Any) -> Any:
    """Check a user value against the field's default type and range; ints are accepted for
    floats."""
    default = field.default if field.default is not dataclasses.MISSING else None
    if default is None or value is None:
        return value
    expected = type(default)
    bounds = field.metadata.get("bounds") or for_field(field.name, default)
    if bounds is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
        value = bounds.check(value, f"config {section}.{field.name}")
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if expected is bool and not isinstance(value, bool):
        raise ConfigError(f"config {section}.{field.name}: expected true or false, got {value!r}")
    if not isinstance(value, expected):
        raise ConfigError(
            f"config {section}.{field.name}: expected {expected.__name__}, "
            f"got {type(value).__name__} {value!r}"
        )
    return value


_FIELDS: dict[type, dict[str, dataclasses.Field]] = {}


def _fields(section_cls: type) -> dict[str, dataclasses.Field]:
    found = _FIELDS.get(section_cls)
    if found is None:
        found = _FIELDS[section_cls] = {f.name: f for f in dataclasses.fields(section_cls)}
    return found


class Config:
    """All sections of a cloud's configuration; `cfg.<section>.<key>` reads a value."""

    def __init__(self, sections: dict[str, Any]):
        self._sections = sections
        # Sections read as plain attributes (services read them on every request). The class
        # has no __getattr__: one would keep Python 3.11 from specialising every such read.
        cls = type(self)
        self.__dict__.update((n, s) for n, s in sections.items() if not hasattr(cls, n))

    def _complete(self) -> None:
        """After a load (`fakecloud.state.kinds.COMPLETED`): the sections a file saved
        before they were attributes lacks, read from its ``_sections``; their names go in
        ``_completed``, which a save leaves out, so the cloud saves to its file's bytes."""
        fields, cls = self.__dict__, type(self)
        added = [n for n in fields.get("_sections", {}) if n not in fields and not hasattr(cls, n)]
        for name in added:
            fields[name] = fields["_sections"][name]
        self._completed = frozenset(added)

    @classmethod
    def from_mapping(cls, overrides: Mapping[str, Any] | None = None) -> Config:
        """Build a config from defaults plus `overrides` ({section: {key: value}})."""
        overrides = dict(overrides or {})
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
                sections[name] = section_cls()
                continue
            fields = _fields(section_cls)
            values = {}
            for key, value in given.items():
                if key not in fields:
                    raise ConfigError(f"unknown config key {name}.{key}{did_you_mean(key, fields)}")
                values[key] = _coerce(name, fields[key], value)
            sections[name] = section_cls(**values)
        return cls(sections)

    def replace(self, section: str, **changes: Any) -> Config:
        """A copy with some keys of one section changed (validated like `from_mapping`)."""
        current = {n: dataclasses.asdict(s) for n, s in self._sections.items()}
        current[section] = {**current.get(section, {}), **changes}
        return Config.from_mapping(current)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Every section and key with its value, for traces and reports."""
        return {n: dataclasses.asdict(s) for n, s in self._sections.items()}
