"""One explored run: a case played with its decisions left to a source.

`play(case, spec, source)` runs the case as ``fakecloud run`` would, except that from t0 on
the kernel's decision points ask `source` (delays, orders, throughputs, the explored fault
points), and the inserted actions of the ``explore:`` section (adversary requests, compute
restarts) start right after a trace event `source` picks. It returns an `Explored`: the
result, every decision made, and where each insert landed, which is all a replay file needs.

The invariant library is always checked: a case that names no invariants is checked against
all of them (the ones it expects ``violated`` aside). A ``violated:`` invariant that holds in an
explored run is no failure: the file shows the bad end state of its plain order, and chance may
resolve the race the benign way.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fakecloud.explore.paths import world_links
from fakecloud.explore.spec import ExploreSpec
from fakecloud.scenario.model import Case, Step
from fakecloud.scenario.results import Check
from fakecloud.scenario.runner import CaseResult, Perturbation, World, run_case
from fakecloud.sim.explore import Decision, fault_handler


@dataclass
class Explored:
    """An explored run: its result, its decisions, and the inserts that happened."""

    case: Case
    result: CaseResult
    decisions: list[Decision]
    landed: dict[str, int | float] = field(default_factory=dict)
    """Insert name -> the trace event (counted from t0, 1-based; 0: at t0) it came after, or
    (a float) the heartbeat it came at, in seconds from t0 (``explore.windows: moments``)."""
    dropped: tuple[str, ...] = ()
    """Steps of the file left out (shrinking)."""
    start: tuple[tuple[str, str], ...] = ()
    """The links of the world the run forked (`fakecloud.explore.paths.world_links`)."""
    cannot_fire: frozenset[str] = frozenset()
    """Explored fault points the run reached only where none of their outcomes applies
    (`fakecloud.sim.explore.Choices.cannot_fire`)."""

    @property
    def failures(self) -> list[Any]:
        """The checks that failed."""
        return self.result.failures


class _Chance(Perturbation):
    """The explorer's hook into the runner: switch chance on at t0, place the inserts."""

    decisions: list[Decision]
    cannot_fire: set[str]

    def __init__(
        self,
        case: Case,
        spec: ExploreSpec,
        source: Any,
        triggers: dict[str, int | float],
        marks: bool,
    ):
        self.case = case
        self.spec = spec
        self.source = source
        self.triggers = triggers
        self.marks = marks
        self.decisions = []
        self.cannot_fire = set()

    def begin(self, kernel: Any, resolve: Callable[[Any], Any]) -> None:
        choices = kernel.choices
        for fault in self.spec.faults:
            entry = (
                fault.outcomes,
                fault_handler(
                    kernel,
                    fault.point,
                    resolve(fault.match) if fault.match else None,
                    fault.key if fault.entry else None,
                ),
            )
            if fault.entry:  # one of the point's several entries, in the file's order
                choices.fault_points.setdefault(fault.point, []).append(entry)
            else:
                choices.fault_points[fault.point] = entry
        choices.start(self.source, self.spec.chance)
        self.decisions = choices.made
        self.cannot_fire = choices.cannot_fire


def with_invariants(case: Case) -> Case:
    """`case`, checking the whole invariant library when it names no invariants."""
    if case.expect.invariants is not None:
        return case
    out = copy.copy(case)
    out.expect = copy.copy(case.expect)
    out.expect.invariants = "all"
    return out


def play(
    case: Case,
    spec: ExploreSpec,
    source: Any,
    windows: int,
    seed: int | None = None,
    keep_steps: bool = True,
    world: World | None = None,
    marks: bool = True,
    max_events: int | None = None,
    moments: Moments | None = None,
) -> Explored:
    """Run `case` once with its decisions drawn from `source` (see the module doc).

    `windows` is how many trace events a plain run of the case writes after t0 while it runs
    (`plain_windows`): an insert lands after one of them (or at t0). With `keep_steps` false,
    `source` also decides which of the file's steps stay (shrinking). `world` (`prepare_world`
    of the case) is forked instead of building the cloud and running setup again. With `marks`
    false the run writes neither its ``scenario.start`` nor its ``scenario.names`` event, for a
    caller that keeps the outcome and drops the trace (no check reads them: see
    `Perturbation.marks`).
    With `max_events`, the run stops as one that never became idle once it has written that
    many trace events after t0 (`Perturbation.max_events`). With `moments` (``explore.windows:
    moments``), an insert's draw also ranges over the heartbeats of `Moments.beats`, and the
    seeded source weighs the windows by instant (see `Moments`).
    """
    dropped: list[str] = []
    steps = list(case.steps)
    if not keep_steps:
        kept = []
        for i, step in enumerate(steps):
            if source.draw("keep", i + 1, 0, 1, {"step": step.name}):
                kept.append(step)
            else:
                dropped.append(step.name)
        steps = kept
    triggers: dict[str, int | float] = {}
    beats = moments.beats if moments is not None else ()
    for i, insert in enumerate(spec.inserts):
        about: dict[str, Any] = {"insert": insert.name}
        if moments is not None:
            about["moments"] = moments
        where = source.draw("window", i + 1, 0, windows + 1 + len(beats), about)
        if where:
            # after the (where - 1)-th event from t0, or at a heartbeat (a time from t0)
            triggers[insert.name] = (
                where - 1 if where <= windows + 1 else beats[where - windows - 2]
            )
            steps.append(insert_step(insert, len(steps)))
    run = with_invariants(case)
    if dropped or triggers:
        run = copy.copy(run)
        run.steps = steps
    chance = _Chance(case, spec, source, triggers, marks)
    chance.max_events = max_events
    result = run_case(run, seed=seed, perturbation=chance, world=world)
    # A bug replay's `violated:` list is the bad end state its plain order shows; under chance
    # the race may resolve the benign way, which is no failure of the scenario.
    result.checks = kept_checks(
        result.checks, lambda c: not (c.ok is False and c.what.startswith("violated "))
    )
    landed = {}
    for name, where in triggers.items():
        record = next(r for r in result.steps if r.name == name)
        if record.ran and not (record.error or "").startswith("${"):
            landed[name] = where
        result.checks = kept_checks(
            result.checks, lambda c, name=name: not _about_step(c.what, name)
        )
    start = world_links(world)
    return Explored(
        run, result, chance.decisions, landed, tuple(dropped), start, frozenset(chance.cannot_fire)
    )


def kept_checks(checks: list[Check], keep: Callable[[Check], bool]) -> list[Check]:
    """The `checks` that `keep` accepts, in order, each one's `Check.follows` (an index into
    the list) moved to its cause's new place, or None where its cause was left out (it is then
    a cause of its own)."""
    verdicts = list(map(keep, checks))
    if all(verdicts):  # none left out (most runs): every index, so every `follows`, stays
        return list(checks)
    moved: dict[int, int] = {}
    kept = []
    for n, check in enumerate(checks):
        if verdicts[n]:
            moved[n] = len(kept)
            kept.append(check)
    for check in kept:
        if check.follows is not None:
            check.follows = moved.get(check.follows)
    return kept


def insert_step(insert: Any, index: int) -> Step:
    """The `Step` an insert stands for (placed by its trigger, with no expectations)."""
    from fakecloud.scenario.model import RequestSpec

    data = insert.step
    if "request" in data:
        action, spec = "request", RequestSpec.from_fields(data["request"], data)
    elif "guest" in data:
        action, spec = "guest", dict(data["guest"])
    else:
        action, spec = "restart", dict(data["restart"])
    return Step(name=insert.name, index=index, line=None, action=action, spec=spec)


def _about_step(what: str, name: str) -> bool:
    return what.startswith((f"step {name}:", f"step {name} never"))


def windows_of(case: Case, seed: int | None = None, world: World | None = None) -> int:
    """How many trace events a plain run of `case` writes after t0 while it runs (the moments
    an insert may land after); from a fork of `world` (`prepare_world`) when given."""
    return plain_windows(case, seed, world)[0]


@dataclass(frozen=True)
class Moments:
    """The windows of a plain run grouped by instant, for ``explore.windows: moments`` (the
    default) and ``mixed``.

    A flow's trace events come in bursts (a createImage writes thirty in its first 12 ms, then
    nothing while its disk uploads for a minute, or while a stopped service is down): drawn by
    event (``windows: events``), an insert lands in the bursts most seeds. Drawn by moment, each
    distinct instant of the plain run is equally likely, then each of its events; and each
    heartbeat of the services (``report_state`` every ``report_interval``, 10 s, in every
    release; `fakecloud.nova.services`, `fakecloud.cinder.services_api`) that falls between
    the run's first and last events with no event at its instant is a moment too, where the
    insert lands at that time (a replay file places it ``at:``). A heartbeat writes no trace
    event: the services' ``updated_at`` is computed from the clock, so a run that does not
    explore this way is unchanged and no service runs a periodic process for it.
    """

    groups: tuple[tuple[int, int], ...]
    """Per instant of the plain run, the first and last window draw value (1: at t0, v: after
    the (v - 1)-th event from t0) at that instant."""
    beats: tuple[float, ...] = ()
    """Heartbeats with no event at their instant, in seconds from t0 (exactly: t0 + beat is
    the heartbeat's time on the cloud's clock, not a hair before it)."""
    mixed: bool = False
    """``explore.windows: mixed``: each insert is drawn by moment or, with probability 1/2
    (from the seed), by event as ``events`` draws it."""


def plain_windows(
    case: Case, seed: int | None = None, world: World | None = None
) -> tuple[int, Moments]:
    """How many trace events a plain run of `case` writes after t0 while it runs, and its
    `Moments`: not its checks' own requests or its closing names, written once it has ended
    (`CaseResult.driven_seq`), after which no insert could land."""
    result = run_case(case, seed=seed, world=world)
    trace = result.trace
    driven = result.driven_seq
    start = next((e["seq"] for e in trace if e["kind"] == "scenario.step"), driven)
    events = trace[result.first_seq : driven]
    t0 = result.t0
    groups: list[list[int]] = [[1, 1]]
    last_t = t0
    for value, event in enumerate(events, start=2):
        if event["t"] == last_t:
            groups[-1][1] = value
        else:
            groups.append([value, value])
            last_t = event["t"]
    instants = {t0, *(e["t"] for e in events)}
    end = events[-1]["t"] if events else t0
    beats = []
    for beat in sorted(set(heartbeats(result.cloud, trace, t0, end)) - instants):
        offset = float(beat - t0)
        while t0 + offset < beat:  # the runner starts it at t0 + offset: not before
            offset = math.nextafter(offset, math.inf)
        beats.append(offset)
    count = max(0, driven - start)
    kept = tuple((a, min(b, count + 1)) for a, b in groups if a <= count + 1)
    return count, Moments(kept, tuple(beats))


def heartbeats(cloud: Any, trace: Any, start: float, end: float) -> list[float]:
    """The heartbeats that are moments of a plain run, from `start` to `end`: those of each
    service the run stops (the last before the stop starts its ``service_down_time`` grace),
    and, one every ``report_interval`` for the quiet stretches of any flow, cinder-scheduler's
    (each service reports from its own start, `fakecloud.sim.heartbeats`: cinder-scheduler,
    first of Cinder's, at the cloud's whole tens of seconds, the moments the explorer drew
    before the services' heartbeats were staggered, so a flow that stops nothing explores as
    it did)."""
    from fakecloud.cinder.services_api import SCHEDULER_BINARY, services
    from fakecloud.cinder.services_api import first_heartbeat as cinder_first
    from fakecloud.nova.services import COMPUTE
    from fakecloud.nova.services import first_heartbeat as nova_first
    from fakecloud.sim.heartbeats import CINDER_FIRST_REPORT_S, NOVA_FIRST_REPORT_S, reports

    beats = set(reports(cinder_first(SCHEDULER_BINARY), start, end))
    stopped = {e["subject"] for e in trace.filter(kind="rpc.service") if not e.get("up")}
    nova, cinder = getattr(cloud, "nova", None), getattr(cloud, "cinder", None)
    named = services(cinder) if cinder is not None and stopped else []
    restarts = cloud.kernel.rpc.restarts or {}
    for target in sorted(stopped):
        firsts = []
        if nova is not None and target.startswith("compute.") and target[8:] in nova.hosts:
            firsts.append((nova_first(nova, target[8:], COMPUTE), NOVA_FIRST_REPORT_S))
        firsts += [(cinder_first(b), CINDER_FIRST_REPORT_S) for b, _, own in named if own == target]
        for first, delay in firsts:
            # each run's reports from its own start, until the next start (a restart)
            ups = [up for up in restarts.get(target, ())[1::2] if up <= end]
            for up in (up for up in ups if up <= start):
                first = up + delay
            ups = [up for up in ups if up > start]
            for since, until in zip((start, *ups), (*ups, end), strict=True):
                beats.update(b for b in reports(first, since, until) if b < until or until == end)
                first = until + delay
    return sorted(beats)
