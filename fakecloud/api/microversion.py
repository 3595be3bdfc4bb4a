"""Microversion negotiation, as ``microversion_parse`` and the services' own checks do it.

>>> rng = VersionRange("compute", "2.1", "2.60", legacy_header="X-OpenStack-Nova-API-Version")
>>> str(rng.negotiate({"OpenStack-API-Version": "compute 2.45"}))
'2.45'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import microversion_parse

from fakecloud.api.http import Headers, HttpError

_FORMAT = re.compile(r"^([1-9]\d*)\.([1-9]\d*|0)$")
_PARSED: dict[str, Version] = {}  # version strings seen, parsed once (hot: every gate)
# Per-request caches, keyed by a range's class and fields as a plain tuple (hashed in C; the
# dataclass's own hash would be a Python call per request):
# (range key, OpenStack-API-Version, legacy header) -> the version negotiated
_NEGOTIATED: dict[tuple, Version] = {}
# (range key, major, minor) -> the headers echoing that version (read-only dicts)
_ECHOES: dict[tuple, dict[str, str]] = {}
#: Entries each of these caches holds at most (a client sending ever new headers cannot grow
#: them without bound; past it, the work is done per request).
_CACHED = 4096


def _remember(cache: dict, key: Any, value: Any) -> Any:
    """`value`, kept in `cache` under `key` while the cache holds fewer than `_CACHED`."""
    if len(cache) < _CACHED:
        cache[key] = value
    return value


@dataclass(frozen=True, eq=False)
class Version:
    """A microversion ``major.minor``, ordered numerically (2.9 < 2.10); compares with a
    ``"2.45"`` string as with the version it names."""

    major: int
    minor: int
    key: tuple[int, int] = field(init=False, repr=False)
    """``(major, minor)``. A gate on a hot path compares keys (``version.key >= GATE.key``):
    a tuple comparison in C, where ``version >= GATE`` is a Python call through
    `__ge__` (about 1,500 instructions more)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", (self.major, self.minor))

    @classmethod
    def parse(cls, text: str) -> Version:
        """Parse ``"2.45"``; raise ValueError on any other shape."""
        found = _PARSED.get(text) if cls is Version else None
        if found is not None:
            return found
        m = _FORMAT.match(text.strip())
        if not m:
            raise ValueError(text)
        version = cls(int(m.group(1)), int(m.group(2)))
        return _remember(_PARSED, text, version) if cls is Version else version

    def _other(self, other: object) -> Version | None:
        """`other` (a Version or a version string) as a Version; None if neither."""
        if isinstance(other, str):
            return _PARSED.get(other) or Version.parse(other)
        return other if isinstance(other, Version) else None

    # Every microversion gate in every handler compares: a string seen before costs one lookup,
    # a Version (a gate's named constant) none.
    def __lt__(self, other: object) -> bool:
        cls = other.__class__
        o = other if cls is Version else _PARSED.get(other) if cls is str else None
        if o is None and (o := self._other(other)) is None:
            return NotImplemented
        return self.key < o.key

    def __le__(self, other: object) -> bool:
        cls = other.__class__
        o = other if cls is Version else _PARSED.get(other) if cls is str else None
        if o is None and (o := self._other(other)) is None:
            return NotImplemented
        return self.key <= o.key

    def __gt__(self, other: object) -> bool:
        cls = other.__class__
        o = other if cls is Version else _PARSED.get(other) if cls is str else None
        if o is None and (o := self._other(other)) is None:
            return NotImplemented
        return self.key > o.key

    def __ge__(self, other: object) -> bool:
        cls = other.__class__
        o = other if cls is Version else _PARSED.get(other) if cls is str else None
        if o is None and (o := self._other(other)) is None:
            return NotImplemented
        return self.key >= o.key

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            try:
                other = _PARSED.get(other) or Version.parse(other)
            except ValueError:
                return False
        if not isinstance(other, Version):
            return NotImplemented
        return self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"

    def matches(self, low: str | None = None, high: str | None = None) -> bool:
        """Whether low <= self <= high (either bound may be omitted)."""
        return (low is None or self >= Version.parse(low)) and (
            high is None or self <= Version.parse(high)
        )


@dataclass(frozen=True)
class VersionRange:
    """The microversions a service serves, and how it reads and echoes them."""

    service_type: str
    minimum: str
    maximum: str
    legacy_header: str | None = None

    def negotiate(self, headers: Mapping[str, str]) -> Version:
        """The requested version: none → minimum, ``latest`` → maximum; 400/406 otherwise."""
        if not isinstance(headers, Headers):
            return self._negotiate(headers)
        # The answer depends on these two header values only; a client sends the same few.
        # (A `Headers` holds its names in lower case: read as a plain dict.)
        legacy = self.legacy_header
        key = (
            self.__class__,
            self.service_type,
            self.minimum,
            self.maximum,
            legacy,
            dict.get(headers, "openstack-api-version"),
            dict.get(headers, legacy.lower()) if legacy else None,
        )
        version = _NEGOTIATED.get(key)
        if version is None:
            version = _remember(_NEGOTIATED, key, self._negotiate(headers))
        return version

    def _negotiate(self, headers: Mapping[str, str]) -> Version:
        legacy = [self.legacy_header] if self.legacy_header else []
        try:
            raw = microversion_parse.get_version(dict(headers), self.service_type, legacy)
        except ValueError as exc:
            raise HttpError(400, f"API Version String {exc} is of invalid format.") from None
        if raw is None:
            return Version.parse(self.minimum)
        raw = raw.strip()
        if raw == "latest":
            return Version.parse(self.maximum)
        try:
            version = Version.parse(raw)
        except ValueError:
            raise HttpError(
                400,
                f"API Version String {raw} is of invalid format. Must be of format "
                "MajorNum.MinorNum.",
            ) from None
        if not version.matches(self.minimum, self.maximum):
            raise VersionNotAcceptable(version, self)
        return version

    def echo(self, version: Version) -> dict[str, Any]:
        """`headers` of `version`, made once and shared: the caller must not change it."""
        key = (self.__class__, self.service_type, self.legacy_header, version.major, version.minor)
        echoed = _ECHOES.get(key)
        if echoed is None:
            echoed = _remember(_ECHOES, key, self.headers(version))
        return echoed

    def headers(self, version: Version) -> dict[str, Any]:
        """The response headers that echo `version` (with Vary). With a legacy header too,
        ``Vary`` is two header fields, one per name (a tuple: one wire line each), as Nova adds
        them (``response.headers.add('Vary', ...)`` twice, nova 17.0.0-34.0.0
        api/openstack/wsgi.py); clients that merge repeated fields read ``a, b``."""
        out: dict[str, Any] = {"OpenStack-API-Version": f"{self.service_type} {version}"}
        if self.legacy_header:
            out[self.legacy_header] = str(version)
            out["Vary"] = ("OpenStack-API-Version", self.legacy_header)
        else:
            out["Vary"] = "OpenStack-API-Version"
        return out


class VersionNotAcceptable(HttpError):
    """A well-formed version outside the served range: 406, echoing the rejected version."""

    def __init__(self, version: Version, served: VersionRange):
        super().__init__(
            406,
            f"Version {version} is not supported by the API. Minimum is {served.minimum} and "
            f"maximum is {served.maximum}.",
            headers=served.headers(version),
        )
        self.version = version
