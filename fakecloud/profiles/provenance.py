"""A switch and where its value changed: the release on master, each stable backport, the commit.

A `Switch` has the value Nova 17.0.0 has (`initial`) and a list of `Change` records in the
order they reached master. A change reaches a release when the release is at or after the
change's master release (every later series has it), or when a backport of it reached that
release's own series at or before the release. The value of a switch in a release is the value
of the last change that reached it — so a profile is computed from a release, never written.

    >>> sw = Switch("lp1878583", "bug: ...", True, (
    ...     Change("22.0.0", "cfde53e4b4", "fixed", False,
    ...            backports=(Backport("21.1.0", "a270eeeb9b"),)),))
    >>> [sw.value_at(release(r)) for r in ("21.0.0", "21.1.0", "22.0.0")]
    [True, False, False]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fakecloud.profiles.releases import RELEASES, SEED_RELEASE, UPSTREAM_RELEASE, Release, release

_FLIP = object()


@dataclass(frozen=True)
class Backport:
    """A change cherry-picked to a stable series: the first release of that series with it."""

    release: str
    commit: str


@dataclass(frozen=True)
class Change:
    """Where a switch's value changed on master (the first release with the commit), the
    commit, one line of why, the new value (default: the opposite of the old one) and the stable
    backports."""

    release: str
    commit: str
    why: str
    value: Any = _FLIP
    backports: tuple[Backport, ...] = ()

    def reaches(self, r: Release) -> bool:
        """Whether release `r` carries this change (on master's line or by a backport)."""
        if r >= release(self.release):
            return True
        return any(
            release(b.release).major == r.major and r >= release(b.release) for b in self.backports
        )

    def points(self) -> list[tuple[str, str]]:
        """Every (release, commit) where the change lands, master's first."""
        return [(self.release, self.commit)] + [(b.release, b.commit) for b in self.backports]


@dataclass(frozen=True)
class Switch:
    """One named behaviour difference: what it means, its value in 17.0.0, where it changed.

    `vendor` is the value the vendor instance-snapshot branch gives it (None: the branch does not
    touch it).
    """

    name: str
    doc: str
    initial: Any
    changes: tuple[Change, ...] = ()
    vendor: Any = None
    values: tuple[Any, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        values, current = [], self.initial
        for change in self.changes:
            current = (not current) if change.value is _FLIP else change.value
            values.append(current)
        object.__setattr__(self, "values", tuple(values))

    @property
    def is_bug(self) -> bool:
        """A Launchpad-bug switch (``lp<number>``): True where the release has the bug."""
        return self.name.startswith("lp") and self.name[2:].isdigit()

    def value_at(self, r: Release) -> Any:
        """The switch's value in release `r` (the vendor branch aside)."""
        value = self.initial
        for change, new in zip(self.changes, self.values, strict=True):
            if change.reaches(r):
                value = new
        return value

    def reason_at(self, r: Release) -> str:
        """Why the switch has its value in `r`: the last change that reached it (or 17.0.0),
        and the next change on `r`'s line, if any."""
        found = "as in 17.0.0"
        later = [
            (rel, commit)
            for rel, commit, _value, _why in self.timeline()
            if release(rel) > r and (release(rel).major == r.major or rel.endswith(".0.0"))
        ]
        if later:
            rel, commit = later[0]
            found += f", until {rel} ({commit})"
        for change, new in zip(self.changes, self.values, strict=True):
            if change.reaches(r):
                via = change.release
                for b in change.backports:
                    if release(b.release).major == r.major and r >= release(b.release):
                        via = f"{b.release} (backport {b.commit} of {change.commit})"
                        break
                else:
                    via = f"{change.release} ({change.commit})"
                found = f"{new!r} since {via}: {change.why}"
                if later:
                    rel, commit = later[0]
                    found += f"; next change {rel} ({commit})"
        return found

    def timeline(self) -> list[tuple[str, str, Any, str]]:
        """Every (release, commit, new value, why) where the value changes, backports included,
        in release order."""
        rows = []
        for change, new in zip(self.changes, self.values, strict=True):
            for rel, commit in change.points():
                rows.append((rel, commit, new, change.why))
        rows.sort(key=lambda row: release(row[0]))
        return rows

    def ranges(self, value: Any = True) -> list[tuple[str, str]]:
        """The runs of consecutive releases where the switch has `value`, as (first, last)
        names — for a bug switch, the releases that have the bug::

            [("17.0.0", "19.2.0"), ("20.0.0", "20.3.0"), ("21.0.0", "21.0.0")]
        """
        runs: list[list[str]] = []
        previous = False
        for r in RELEASES:
            here = self.value_at(r) == value
            if here and previous:
                runs[-1][1] = r.name
            elif here:
                runs.append([r.name, r.name])
            previous = here
        return [(a, b) for a, b in runs]

    def ranges_text(self, value: Any = True) -> str:
        """`ranges` as text: ``17.0.0-19.2.0, 20.0.0-20.3.0, 21.0.0`` (``none`` if empty)."""
        parts = [a if a == b else f"{a}-{b}" for a, b in self.ranges(value)]
        return ", ".join(parts) or "none"

    # The two named profiles most code and docs talk about.

    @property
    def seed(self) -> Any:
        """The value in the ``seed`` profile (Queens 17.0.13 with the vendor branch)."""
        if self.vendor is not None:
            return self.vendor
        return self.value_at(release(SEED_RELEASE))

    @property
    def upstream(self) -> Any:
        """The value in the ``upstream`` profile (Nova 34.0.0)."""
        return self.value_at(release(UPSTREAM_RELEASE))
