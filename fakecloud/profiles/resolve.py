"""Profile names, and the switch values of a cloud computed from one.

A profile is a Nova release, optionally with the vendor instance-snapshot branch:

- ``nova-20.6.0`` — that release (every tag from 17.0.0 to 34.0.0);
- ``nova-20.6.0+vendor`` — that release with the vendor branch switched on;
- ``upstream`` — ``nova-34.0.0``;
- ``seed`` — the vendor build the seed document shows: ``nova-17.0.13+vendor``;
- ``seed-17.0.4`` — the vendor build on another Queens point release.

    >>> Switches.for_profile("nova-17.0.0").lp1731986
    True
    >>> "lp1731986" in Switches.for_profile("nova-17.0.1", {"lp1731986": True}).bugs_on()
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from fakecloud.config import same_value, shadowed
from fakecloud.errors import ConfigError
from fakecloud.profiles.releases import (
    LATEST,
    RELEASES,
    SEED_RELEASE,
    UPSTREAM_RELEASE,
    Release,
    Series,
    in_series,
    release,
)
from fakecloud.profiles.table import BUGS, SWITCHES
from fakecloud.suggest import did_you_mean

QUEENS = 17
VENDOR_SUFFIX = "+vendor"

#: The names that are not ``nova-X.Y.Z``: what they stand for.
ALIASES = {
    "seed": f"nova-{SEED_RELEASE}{VENDOR_SUFFIX}",
    "upstream": f"nova-{UPSTREAM_RELEASE}",
}


@dataclass(frozen=True)
class Profile:
    """A resolved profile: its name, its release, whether the vendor branch is on, and the
    value of every switch."""

    name: str
    release: Release
    vendor: bool
    values: Mapping[str, Any]

    @property
    def canonical(self) -> str:
        """``nova-X.Y.Z`` (with ``+vendor`` when the branch is on)."""
        return f"nova-{self.release}{VENDOR_SUFFIX if self.vendor else ''}"


def profile_names(vendor: bool = True) -> list[str]:
    """Every profile name: the aliases, ``seed-17.0.N``, ``nova-X.Y.Z`` (and ``+vendor``)."""
    names = list(ALIASES)
    names += [f"seed-{r}" for r in in_series(QUEENS)]
    names += [f"nova-{r}" for r in RELEASES]
    if vendor:
        names += [f"nova-{r}{VENDOR_SUFFIX}" for r in RELEASES]
    return names


#: Every profile name (the aliases first), for schemas and completion.
PROFILES = tuple(profile_names())


def closest(name: object) -> str:
    """The hint ` (did you mean 'nova-17.0.1'?)` for a name that is no profile, or "".

    A bare release number is its ``nova-`` profile (not ``seed-17.0.13``, which plain
    similarity to a few aliases picked); anything else is matched against every name but the
    ``+vendor`` ones, so ``nova_17.0.1`` is not ``nova-34.0.0``."""
    if isinstance(name, str) and f"nova-{name}" in PROFILES:
        return f" (did you mean {'nova-' + name!r}?)"
    if isinstance(name, str) and name.strip().lower() in PROFILES:
        # spelled in capitals or with spaces: 'NOVA-17.0.0' was "did you mean 'seed-17.0.0'"
        return f" (did you mean {name.strip().lower()!r}?)"
    return did_you_mean(name, profile_names(vendor=False))


def _parse(name: str) -> tuple[Release, bool]:
    if not isinstance(name, str):
        raise ConfigError(f"a profile is a string like 'nova-20.6.0', got {name!r}")
    spelled = ALIASES.get(name, name)
    if spelled.startswith("seed-"):
        r = release(spelled[len("seed-") :])
        if r.major != QUEENS:
            raise ConfigError(
                f"unknown profile {name!r}: seed-X.Y.Z is the vendor build on a Queens point "
                f"release (seed-17.0.0 ... seed-17.0.13); for release {r} with the vendor branch "
                f"use 'nova-{r}{VENDOR_SUFFIX}'"
            )
        return r, True
    if spelled.startswith("nova-"):
        version = spelled[len("nova-") :]
        vendor = version.endswith(VENDOR_SUFFIX)
        if vendor:
            version = version[: -len(VENDOR_SUFFIX)]
        try:
            return release(version), vendor
        except ConfigError as exc:
            raise ConfigError(f"unknown profile {name!r}: {exc}") from None
    raise ConfigError(
        f"unknown profile {name!r}{closest(name)}; "
        f"profiles are seed, upstream, seed-17.0.N (Queens point releases) and nova-X.Y.Z "
        f"(any Nova release from 17.0.0 to {LATEST}, '+vendor' for the vendor branch)"
    )


@lru_cache(maxsize=512)
def resolve(name: str) -> Profile:
    """The profile called `name`: every switch's value computed from its release."""
    r, vendor = _parse(name)
    values = {}
    for sw in SWITCHES.values():
        value = sw.value_at(r)
        if vendor and sw.vendor is not None:
            value = sw.vendor
        values[sw.name] = value
    return Profile(name, r, vendor, values)


class Switches:
    """The resolved switch values of one cloud: ``switches.<name>`` reads a value.

    ``switches.profile`` is the profile's name as given, ``switches.release`` its `Release`,
    ``switches.vendor`` whether the vendor branch is on.
    """

    def __init__(self, profile: str, values: dict[str, Any], resolved: Profile | None = None):
        self.profile = profile
        self._values = values
        resolved = resolved if resolved is not None else resolve(profile)
        # A copy of its own: loading a file writes the file's values into the cloud it builds,
        # and must not write them into `resolve`'s cache, which every later cloud reads.
        self._resolved = Profile(
            resolved.name, resolved.release, resolved.vendor, dict(resolved.values)
        )
        # Switches read as plain attributes (flows read them on every step). The class has no
        # __getattr__: one would keep Python 3.11 from specialising every such read.
        cls = type(self)
        if shadowed(cls, tuple(values)):
            self.__dict__.update((n, v) for n, v in values.items() if not hasattr(cls, n))
        else:
            self.__dict__.update(values)

    def __setattr__(self, name: str, value: Any) -> None:
        """Switches are fixed once the cloud is built: its forks share them and a save writes
        the ones it was built with, so ``cloud.switches.lp1731986 = True`` changed every fork
        of the cloud too and was lost by a save and load."""
        if not name.startswith("_") and "profile" in self.__dict__:
            raise AttributeError(
                f"switches are fixed when the cloud is built: give Cloud(config={{'switches': "
                f"{{{name!r}: {value!r}}}}}) (its forks and saved files share them)"
            )
        object.__setattr__(self, name, value)

    def _complete(self) -> None:
        """After a load (`fakecloud.state.kinds.COMPLETED`): a switch the file predates
        reads the value a cloud of its profile built today has. Their names go in
        ``_completed``, which a save leaves out (nor are they added to the values), so the
        loaded cloud saves to its file's bytes."""
        fields, cls = self.__dict__, type(self)
        values = fields.get("_values", {})
        today = None
        added = []
        for name in SWITCHES:
            if name in fields or hasattr(cls, name):
                continue
            if name in values:
                fields[name] = values[name]
            else:
                if today is None:
                    today = resolve(self.profile).values
                fields[name] = today[name]
            added.append(name)
        self._completed = frozenset(added)

    @property
    def release(self) -> Release:
        """The Nova release the profile is."""
        return self._resolved.release

    @cached_property
    def series(self) -> Series:
        """The OpenStack series of the release (`Release.series`), held once read: the
        per-series rules read it on many requests (a memo a save leaves out,
        `fakecloud.state.kinds.MEMOS`)."""
        return self._resolved.release.series

    @property
    def vendor(self) -> bool:
        """Whether the vendor instance-snapshot branch is on."""
        return self._resolved.vendor

    @classmethod
    def for_profile(cls, profile: str, overrides: Mapping[str, Any] | None = None) -> Switches:
        """The values of `profile`, with per-cloud `overrides`; unknown names are errors."""
        if not isinstance(profile, str):  # a list was resolve's cache's TypeError (unhashable)
            raise ConfigError(f"a profile is a string like 'nova-20.6.0', got {profile!r}")
        resolved = resolve(profile)
        values = dict(resolved.values)
        for name, value in (overrides or {}).items():
            if name not in SWITCHES:
                raise ConfigError(f"unknown switch {name!r}{did_you_mean(name, SWITCHES)}")
            default = values[name]
            if type(value) is not type(default):
                raise ConfigError(
                    f"switch {name!r} takes a {type(default).__name__} "
                    f"(like {default!r}), got {value!r}"
                )
            values[name] = value
        return cls(profile, values, resolved)

    def bugs_on(self) -> list[str]:
        """Names of the Launchpad-bug switches that are on."""
        return [n for n in BUGS if getattr(self, n) is True]

    def to_dict(self) -> dict[str, Any]:
        """Every switch and its value, for traces and reports."""
        return dict(self._values)

    def overrides(self) -> dict[str, Any]:
        """The switches whose values differ from what the profile gives today (in the table's
        order): what `for_profile` takes to build these switches again, and what a saved file
        writes, so that a switch added later leaves the file alone."""
        today = resolve(self.profile).values
        out = {}
        for name in SWITCHES:
            value = getattr(self, name)
            if not same_value(value, today[name]):
                out[name] = value
        return out
