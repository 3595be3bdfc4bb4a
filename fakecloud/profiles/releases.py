"""Every Nova release fakecloud can be, in order, and the OpenStack series each belongs to.

The list is every final tag of ``openstack/nova`` from 17.0.0 (Queens) to 34.0.0 (2026.2
Hibiscus), whether or not it reached PyPI (17.0.0–17.0.6, 18.0.0 and 18.0.1 did not). A
`Release` orders by its version numbers; its `series` says which Cinder and Glance ship beside it.

    >>> release("20.6.0").series.name
    'Train'
    >>> release("20.7.0")
    Traceback (most recent call last):
    ...
    fakecloud.errors.ConfigError: unknown Nova release 20.7.0; the nearest are 20.6.1 and 21.0.0
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property

from fakecloud.errors import ConfigError

#: Final tags of each series (``git tag`` of openstack/nova; 34.0.0 from its PyPI wheel).
_TAGS = {
    17: "0.0 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9 0.10 0.11 0.12 0.13",
    18: "0.0 0.1 0.2 0.3 1.0 2.0 2.1 2.2 2.3 3.0",
    19: "0.0 0.1 0.2 0.3 1.0 2.0 3.0 3.1 3.2",
    20: "0.0 0.1 1.0 1.1 2.0 3.0 4.0 4.1 5.0 6.0 6.1",
    21: "0.0 1.0 1.1 1.2 2.0 2.1 2.2 2.3 2.4",
    22: "0.0 0.1 1.0 2.0 2.1 2.2 3.0 4.0",
    23: "0.0 0.1 0.2 1.0 2.0 2.1 2.2",
    24: "0.0 1.0 1.1 2.0 2.1",
    25: "0.0 0.1 1.0 1.1 2.0 2.1 3.0",
    26: "0.0 1.0 1.1 2.0 2.1 2.2 3.0",
    27: "0.0 1.0 2.0 3.0 4.0 5.0 5.1",
    28: "0.0 0.1 1.0 2.0 3.0 3.1",
    29: "0.0 0.1 0.2 1.0 2.0 2.1 2.2 3.0 4.0",
    30: "0.0 1.0 2.0 2.1 3.0",
    31: "0.0 0.1 1.0 2.0 3.0 3.1",
    32: "0.0 1.0 2.0 2.1",
    33: "0.0 0.1 0.2",
    34: "0.0",
}

#: Tags that were never uploaded to PyPI (read them from the git tags).
NOT_ON_PYPI = frozenset(
    {"17.0.0", "17.0.1", "17.0.2", "17.0.3", "17.0.4", "17.0.5", "17.0.6", "18.0.0", "18.0.1"}
)


@dataclass(frozen=True)
class Series:
    """One OpenStack release series: its Nova major version and the Cinder and Glance of it."""

    nova: int
    """Nova's major version (17 for Queens)."""
    name: str
    """The series name (``Queens``; ``2023.1 Antelope`` from 2023)."""
    cinder: int
    """Cinder's major version in this series."""
    glance: int
    """Glance's major version in this series."""

    @property
    def keystone(self) -> int:
        """Keystone's major version in this series (13 for Queens: Nova - 4 in every series)."""
        return self.nova - 4

    @property
    def short(self) -> str:
        """The series' short name (``Queens``, ``2023.1``)."""
        return self.name.split()[0]


_NAMES = (
    "Queens",
    "Rocky",
    "Stein",
    "Train",
    "Ussuri",
    "Victoria",
    "Wallaby",
    "Xena",
    "Yoga",
    "Zed",
    "2023.1 Antelope",
    "2023.2 Bobcat",
    "2024.1 Caracal",
    "2024.2 Dalmatian",
    "2025.1 Epoxy",
    "2025.2 Flamingo",
    "2026.1 Gazpacho",
    "2026.2 Hibiscus",
)

#: Nova major version → series (Cinder is Nova - 5, Glance Nova - 1 in every series here).
SERIES: dict[int, Series] = {
    17 + i: Series(nova=17 + i, name=name, cinder=12 + i, glance=16 + i)
    for i, name in enumerate(_NAMES)
}


@dataclass(frozen=True, order=True)
class Release:
    """One Nova release, ordered by version (``Release((20, 6, 0)) < Release((21, 0, 0))``)."""

    version: tuple[int, int, int]

    @cached_property
    def name(self) -> str:
        """``20.6.0``."""
        return ".".join(map(str, self.version))

    @property
    def major(self) -> int:
        """The major version (its series' Nova number)."""
        return self.version[0]

    @property
    def series(self) -> Series:
        """The OpenStack series the release belongs to."""
        # Not through `major`: flows read a cloud's series on many requests (per-series policy
        # and quota rules), and a property call is most of this one's cost.
        return SERIES[self.version[0]]

    @property
    def on_pypi(self) -> bool:
        """Whether ``pip download nova==<name>`` finds it (otherwise: the git tag only)."""
        return self.name not in NOT_ON_PYPI

    def __str__(self) -> str:
        return self.name


RELEASES: tuple[Release, ...] = tuple(
    Release((major, *map(int, tag.split("."))))
    for major, tags in _TAGS.items()
    for tag in tags.split()
)
_BY_NAME = {r.name: r for r in RELEASES}
FIRST, LATEST = RELEASES[0], RELEASES[-1]
#: The release of the ``upstream`` profile, and the Queens point release of ``seed``.
UPSTREAM_RELEASE = "34.0.0"
SEED_RELEASE = "17.0.13"
#: The first Nova major run on Python 3 alone (21.0.0, Ussuri, dropped Python 2.7): its
#: services' texts are Python 3's (an exception's repr, eventlet's wsgi).
PYTHON3_SINCE = 21
#: A release number as Nova's tags spell them: no leading zero (``021.0.0`` would be read as
#: 21.0.0 and then named unknown), and digits few enough for ``int`` to read.
_VERSION = re.compile(r"^(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})$")


def release(name: str) -> Release:
    """The release called `name` (``"20.6.0"``); an unknown one is a `ConfigError` naming the
    nearest releases."""
    found = _BY_NAME.get(name)
    if found is not None:
        return found
    match = _VERSION.match(name)
    if match is None:
        raise ConfigError(
            f"{name!r} is not a Nova release number (like 20.6.0); releases run from "
            f"{FIRST} to {LATEST}"
        )
    wanted = Release(tuple(int(g) for g in match.groups()))  # type: ignore[arg-type]
    return _nearest_error(wanted)


def _nearest_error(wanted: Release) -> Release:
    at = bisect.bisect_left(RELEASES, wanted)
    near = [r.name for r in RELEASES[max(0, at - 1) : at + 1]]
    if len(near) == 2:
        nearest = f"the nearest are {near[0]} and {near[1]}"
    else:
        nearest = f"the nearest is {near[0]}"
    raise ConfigError(f"unknown Nova release {wanted}; {nearest}")


def in_series(major: int) -> tuple[Release, ...]:
    """Every release of one series, oldest first."""
    return tuple(r for r in RELEASES if r.major == major)


def previous(r: Release) -> Release | None:
    """The release just before `r` in version order (None for the first)."""
    at = RELEASES.index(r)
    return RELEASES[at - 1] if at else None
