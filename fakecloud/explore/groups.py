"""What broke in an explored run, how it got there, and runs grouped by both.

A run's `SeedOutcome` is small plain data (it crosses process and machine boundaries): for each
failed check, a `key` naming what broke (``invariant no_frozen_guest``, or an expectation with
its file and line) and the *path*: the notable trace events that led there (faults fired,
inserted actions that ran, error answers, RPC timeouts, lost messages and expired calls) before
it broke and touching what broke (`fakecloud.explore.paths`), without the faults and inserted
actions it still breaks without (`fakecloud.explore.effect`), and its *cause*: the path as a set,
keeping only the orders that can be why. Runs that broke the same thing by the same cause form one
`Group`, shown with its first seed's path. A failed check that broke only because another of the
run did (`Broken.follows`: a step's failed ``save:``, a check reading what that step never gave,
`fakecloud.scenario.consequences`) makes no group of its own: it is one of its cause's group's
`Consequence`s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fakecloud.explore.effect import Broke, about, pruned
from fakecloud.explore.paths import path_of
from fakecloud.scenario.runner import readable_names
from fakecloud.views.names import ID_RE


@dataclass(frozen=True)
class Broken:
    """One failed check of a run: `key` and `cause` group it, `details` says what was seen and
    `path` how it came (`fakecloud.explore.paths.Led`)."""

    key: str
    details: tuple[str, ...] = ()
    path: tuple[str, ...] = ()
    cause: tuple = ()
    names: tuple[tuple[str, str], ...] = ()
    """Id -> name of what `details` and `path` mention, as the run's end names it
    (`fakecloud.scenario.names`): what the seed made (an image, a volume snapshot) has no
    name in the world every seed forks, so the report shows it by this one."""
    follows: int | None = None
    """The index in `SeedOutcome.broken` of the failed check this one broke only because of
    (its cause), or None for a cause."""


@dataclass(frozen=True)
class SeedOutcome:
    """What one seed's run came to (plain data)."""

    case_id: str
    seed: int
    broken: tuple[Broken, ...]
    decisions: int = 0
    consulted: frozenset[str] = frozenset()
    """The ``explore.faults`` points its run consulted (fired or not), by `FaultPoint.key`."""
    cannot_fire: frozenset[str] = frozenset()
    """Those it reached only where none of their outcomes applies (`Explored.cannot_fire`)."""

    @property
    def passed(self) -> bool:
        """True when nothing broke."""
        return not self.broken


@dataclass
class Consequence:
    """What broke only because a group's cause did, in some or all of its seeds."""

    key: str
    seeds: list[int] = field(default_factory=list)
    details: tuple[str, ...] = ()
    """Its first seed's."""

    @property
    def count(self) -> int:
        """How many of the group's seeds it broke in."""
        return len(self.seeds)

    def as_json(self) -> dict[str, Any]:
        """The consequence as ``--json`` writes it under its group."""
        return {
            "broke": self.key,
            "kind": _kind(self.key),
            "count": self.count,
            "seeds": self.seeds,
            "details": list(self.details),
        }


def _kind(key: str) -> str:
    return "invariant" if key.startswith("invariant ") else "expectation"


@dataclass
class Group:
    """Seeds of one case that broke the same thing by the same cause (`path`: its first
    seed's)."""

    case_id: str
    key: str
    path: tuple[str, ...]
    seeds: list[int] = field(default_factory=list)
    details: tuple[str, ...] = ()
    replay: str = ""
    """The command that replays the group's first seed exactly (set once it is written)."""
    replay_file: str = ""
    shrunk: bool = False
    shrink_stopped: str = ""
    """Why its shrink stopped before it had tried every smaller run, when it did
    (`fakecloud.explore.shrink.Shrunk.stopped`: ``time`` or ``shrinks``)."""
    cause: tuple = ()
    """What its seeds share (`Broken.cause`), which its replay must show again."""
    names: dict[str, str] = field(default_factory=dict)
    """Id -> name of what its first seed made that its details and path mention
    (`Broken.names`), for the text report; ``--json`` keeps the ids."""
    consequences: list[Consequence] = field(default_factory=list)
    """What broke only because of it, in the order first seen."""

    @property
    def count(self) -> int:
        """How many seeds are in the group."""
        return len(self.seeds)

    def as_json(self) -> dict[str, Any]:
        """The group as ``--json`` writes it."""
        shown: dict[str, Any] = {
            "case": self.case_id,
            "broke": self.key,
            "kind": _kind(self.key),
            "path": list(self.path),
            "count": self.count,
            "seeds": self.seeds,
            "details": list(self.details),
            "replay": self.replay,
            "replay_file": self.replay_file,
            "shrunk": self.shrunk,
        }
        if self.consequences:  # what broke only because of it, where anything did
            shown["consequences"] = [c.as_json() for c in self.consequences]
        if self.shrunk:  # why its shrink stopped early, if it did
            shown["shrink_stopped"] = self.shrink_stopped or None
        return shown


def outcome_of(
    explored: Any, seed: int, rerun_of: Callable[[int, Any], Callable] | None = None
) -> SeedOutcome:
    """The `SeedOutcome` of an explored run (`fakecloud.explore.play.Explored`); with
    `rerun_of` (`Prepared.rerun`: what the seed's run broke again without some of its
    choices), each failed check's path is pruned by effect (`fakecloud.explore.effect`)."""
    result = explored.result
    checks = result.failures
    decisions = explored.decisions
    consulted = frozenset(  # a point listed several times: by its entry (`FaultPoint.key`)
        d.about.get("entry") or d.about["point"] for d in decisions if d.kind == "fault"
    )
    unfired = explored.cannot_fire - consulted
    if not checks:
        return SeedOutcome(result.case.id, seed, (), len(decisions), consulted, unfired)
    keys = [check_key(check) for check in checks]
    landed, start = explored.landed, explored.start
    leds = [
        path_of(result, landed, [str(d) for d in check.details], check.broke_seq, start=start)
        for check in checks
    ]
    if rerun_of is not None:
        again = rerun_of(seed, explored)
        leds = pruned(result, landed, checks, keys, leds, again, start)
    named = _RunNames(result)
    at = {id(check): n for n, check in enumerate(checks)}
    broken = []
    for key, check, led in zip(keys, checks, leds, strict=True):
        details = tuple(str(d) for d in check.details[:3])
        follows = None if check.follows is None else at[id(result.checks[check.follows])]
        broken.append(
            Broken(key, details, led.path, led.cause, named.of(details + led.path), follows)
        )
    return SeedOutcome(result.case.id, seed, tuple(broken), len(decisions), consulted, unfired)


class _RunNames:
    """The readable names of a failed run's ids, read from its world once, when some text
    mentions an id (only failing seeds pay for it)."""

    _result: Any
    _names: dict[str, str] | None

    def __init__(self, result: Any):
        self._result = result
        self._names = None

    def of(self, texts: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        """Id -> name of every id in `texts` the run's world names, sorted."""
        ids = {found for text in texts for found in ID_RE.findall(text)}
        if not ids:
            return ()
        if self._names is None:
            self._names = readable_names(self._result.cloud, self._result.names)
        return tuple(sorted((i, self._names[i]) for i in ids if i in self._names))


def broke_of(result: Any) -> Broke:
    """What a run's `result` broke, as `fakecloud.explore.effect.pruned` compares it."""
    keys = [check_key(c) for c in result.failures]
    return [(k, about(k, c.details)) for k, c in zip(keys, result.failures, strict=True)]


def check_key(check: Any) -> str:
    """What a failed check is about, the same across seeds: an invariant by name, an
    expectation by its text and line."""
    what = check.what
    if what.startswith("invariant ") or what.startswith("violated "):
        return what
    if what.startswith("the simulation crashed"):
        return "the simulation crashed"
    if what.startswith("the cloud never became idle"):
        return "the cloud never became idle"
    if " never ran" in what:
        what = what.split(":")[0]
    return f"{what} ({check.where})"


def group(outcomes: list[SeedOutcome]) -> list[Group]:
    """Group failing runs by case, what broke and cause, each failed check that only follows
    from another under that one's group; most seeds first."""
    groups: dict[tuple, Group] = {}
    for outcome in sorted(outcomes, key=lambda o: (o.case_id, o.seed)):
        of: dict[int, Group] = {}
        for n, broken in enumerate(outcome.broken):
            if broken.follows is not None:
                continue
            key = (outcome.case_id, broken.key, broken.cause or broken.path)
            found = groups.get(key)
            if found is None:
                found = groups[key] = Group(
                    outcome.case_id,
                    broken.key,
                    broken.path,
                    details=broken.details,
                    cause=broken.cause,
                    names=dict(broken.names),
                )
            if not found.seeds or found.seeds[-1] != outcome.seed:
                found.seeds.append(outcome.seed)
            of[n] = found
        for broken in outcome.broken:
            if broken.follows is not None:
                _add_consequence(of[broken.follows], broken, outcome.seed)
    return sorted(groups.values(), key=lambda g: (-g.count, g.case_id, g.key, g.path))


def _add_consequence(cause: Group, broken: Broken, seed: int) -> None:
    """Count `broken` of seed `seed` under the group of its cause."""
    found = next((c for c in cause.consequences if c.key == broken.key), None)
    if found is None:
        found = Consequence(broken.key, details=broken.details)
        cause.consequences.append(found)
    if not found.seeds or found.seeds[-1] != seed:
        found.seeds.append(seed)
