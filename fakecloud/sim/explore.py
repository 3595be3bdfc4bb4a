"""Seeded decision points: the choices a real cloud leaves to chance, made one by one.

A plain run is exact: RPC messages take the configured delay, events due at the same virtual
instant run in the order they were scheduled, links and disks run at their nominal throughput,
and no fault fires unless a rule says so. Exploration (`fakecloud.explore`) switches chance on
from one moment (a scenario's t0): from then on every such choice is a **decision** asked of a
*source* and written down.

A decision is an integer in a range, and 0 is always the plain run's value, so "no chance" and
"every decision 0" are the same run. Kinds, each numbered on its own from 1:

- ``tie``: several events are due at one instant; which of them runs first (0: the first
  scheduled, as simpy does);
- ``rpc_delay``: how much later than nominal one RPC message arrives (0 .. 1000 thousandths of
  the way to ``rpc_delay_max_s``);
- ``throughput``: a link's or disk's throughput, -1000 .. 1000 thousandths of
  ``throughput_jitter`` around nominal;
- ``fault``: whether one consultation of an explored fault point fires (0: no; i: the i-th
  outcome of that point's list), numbered per point.

A source draws the values: seeded (`fakecloud.explore.sources`), from Hypothesis while
shrinking, or from a written-out list (a replay file's ``choices:``). `Choices.made` keeps every
decision, so any explored run can be written out and replayed exactly.

    >>> choices = Choices(ExploreConfig(), stream=None)
    >>> choices.rpc_delay(0.002, "compute.cmp-1", "quiesce_instance")   # chance is off
    0.002
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from heapq import heappop, heappush
from random import Random
from typing import Any, Protocol

from simpy.events import Initialize

from fakecloud.bounds import MAX_SECONDS
from fakecloud.config import config_section
from fakecloud.errors import ConfigError
from fakecloud.sim.cancel import CANCELLED, uncancelled
from fakecloud.sim.faults import attrs_match

KINDS = ("tie", "rpc_delay", "throughput", "fault")
SCALE = 1000
"""Delays and jitter are decided in thousandths of their range."""


@config_section("explore")
@dataclass(frozen=True)
class ExploreConfig:
    """Chance for a whole Python-built cloud (off by default), drawn from the cloud's seed.

    Scenario files declare chance in their ``explore:`` section instead; this section is for
    ``Cloud(config={"explore": {...}})``, where chance is on from the first event.
    """

    rpc_delay: bool = False
    """Draw each RPC message's delivery delay, between the nominal ``rpc.delay_s`` and
    ``rpc_delay_max_factor`` times it."""
    rpc_delay_max_factor: float = 10.0
    """The longest delivery delay `rpc_delay` draws, as a multiple of ``rpc.delay_s``."""
    tie_order: bool = False
    """Draw the order of the events due at one virtual instant (else they run in the order
    they were scheduled)."""
    throughput_jitter: bool = False
    """Vary each transfer's throughput by up to ``throughput_jitter_fraction``."""
    throughput_jitter_fraction: float = 0.2
    """The largest relative change `throughput_jitter` makes to a throughput."""


@dataclass(frozen=True)
class Chance:
    """Which kinds of decision are left to the source, and their bounds."""

    tie_order: bool = False
    rpc_delay_max_s: float | None = None
    """Longest delivery delay of one RPC message (None: delays stay nominal)."""
    throughput_jitter: float = 0.0
    """Largest relative change of a throughput (0: throughputs stay nominal)."""


@dataclass
class Decision:
    """One decision made: its kind, its number within the kind (per point for faults), the
    value, the range it was drawn from, and what it was about (for reports and replay files)."""

    kind: str
    n: int
    value: int
    high: int
    low: int = 0
    about: dict[str, Any] = field(default_factory=dict)


class Source(Protocol):
    """Where decision values come from."""

    def draw(self, kind: str, n: int, low: int, high: int, about: dict[str, Any]) -> int:
        """The value of decision `n` of `kind`, in ``low..high`` (0 is the plain run's)."""


FaultHandler = Callable[[str, dict[str, Any]], Any]
"""``(decision value, attrs) -> FaultRule | None``: what an explored fault point does."""


class TieStep:
    """``env.step`` while chance orders ties (`Choices.step_with_ties`): simpy's step, after
    deciding which of the events due first at one instant runs next. A part of the cloud, not
    a closure, so that a cloud whose chance has started (an explored seed's, a replay file's
    run) is saved and loaded as any other, its decisions going on where they were."""

    __slots__ = ("choices", "env", "names")

    def __init__(self, choices: Any, env: Any, names: dict[Any, str] | None):
        self.choices = choices
        self.env = env
        self.names = names

    def __call__(self) -> None:
        env = self.env
        queue = env._queue
        if queue and queue[0][3].callbacks is CANCELLED:
            heappop(queue)  # not there (`fakecloud.sim.cancel`): the caller looks again
            return
        choices = self.choices
        if len(queue) > 1 and choices.source is not None and choices.chance.tie_order:
            choices.order_ties(queue, self.names)
        env.__class__.step(env)


class Choices:
    """The decision points of one kernel; each returns the plain value until `start`."""

    source: Source | None
    made: list[Decision]
    _counts: dict[str, int]
    fault_points: dict[str, Any]
    cannot_fire: set[str]
    """Explored points reached where none of their outcomes applies (only ``partway``
    listed, at an empty transfer): reached, but no decision made."""
    on_start: list[Callable[[], None]]

    def __init__(self, config: ExploreConfig, stream: Callable[[str], Random] | None):
        self.source = None
        self.chance = Chance()
        self.made = []
        self._counts = {}
        self._nominal_rpc = 0.0
        self.fault_points = {}
        """Explored fault points: their possible outcomes, and what each does; for a point the
        file explores several times, each at its own ``match:``, a list of those, the first
        whose match the work meets drawing it."""
        self.cannot_fire = set()
        self.on_start = []
        if stream is not None and (
            config.rpc_delay or config.tie_order or config.throughput_jitter
        ):
            self._config_source = _UniformSource(stream("explore"))
            self._config = config
        else:
            self._config_source = None

    @property
    def active(self) -> bool:
        """Whether decisions are being made (chance is on)."""
        return self.source is not None

    def start(self, source: Source, chance: Chance) -> None:
        """Switch chance on now: from here each decision point asks `source`."""
        self.source = source
        self.chance = chance
        for hook in self.on_start:
            hook()

    def start_from_config(self, nominal_rpc_s: float) -> bool:
        """Switch on the chance of the ``explore`` config section, if any (see `ExploreConfig`)."""
        if self._config_source is None:
            return False
        cfg = self._config
        self.start(
            self._config_source,
            Chance(
                tie_order=cfg.tie_order,
                rpc_delay_max_s=nominal_rpc_s * cfg.rpc_delay_max_factor if cfg.rpc_delay else None,
                throughput_jitter=cfg.throughput_jitter_fraction if cfg.throughput_jitter else 0.0,
            ),
        )
        return True

    def decide(self, kind: str, high: int, about: dict[str, Any], low: int = 0) -> int:
        """Make (and write down) the next decision of `kind`, in ``low..high``."""
        key = kind if kind != "fault" else f"fault:{about.get('point')}"
        n = self._counts.get(key, 0) + 1
        self._counts[key] = n
        value = self.source.draw(kind, n, low, high, about)  # type: ignore[union-attr]
        self.made.append(Decision(kind, n, value, high, low, about))
        return value

    # -- the decision points -----------------------------------------------------------------

    def rpc_delay(self, nominal_s: float, target: str, method: str) -> float:
        """The delivery delay of one RPC message."""
        top = self.chance.rpc_delay_max_s
        if self.source is None or top is None or top <= nominal_s:
            return nominal_s
        v = self.decide("rpc_delay", SCALE, {"target": target, "method": method})
        return nominal_s + (top - nominal_s) * v / SCALE

    def throughput(self, nominal: float, name: str = "") -> float:
        """The throughput a link or disk runs at."""
        jitter = self.chance.throughput_jitter
        if self.source is None or not jitter:
            return nominal
        v = self.decide("throughput", SCALE, {"resource": name}, low=-SCALE)
        return nominal * (1.0 + jitter * v / SCALE)

    def fault(self, point: str, attrs: dict[str, Any]) -> Any:
        """Consult an explored fault point: the rule to apply now, or None."""
        entry = self.fault_points.get(point)
        if entry is None or self.source is None:
            return None
        if entry.__class__ is list:  # the point explored several times, each at its match
            entry = next((e for e in entry if attrs_match(e[1].match or {}, attrs)), None)
            if entry is None:
                key = f"fault:{point}"
                self._counts[key] = self._counts.get(key, 0) + 1
                return None
        outcomes, handler = entry
        if handler.match and not attrs_match(handler.match, attrs):
            # not the work it is explored at: no decision, but numbered as a consultation all
            # the same, as a replay file's run (which lists firings, not the match) numbers it
            key = f"fault:{point}"
            self._counts[key] = self._counts.get(key, 0) + 1
            return None
        if "partway" in outcomes and not attrs.get("size", 1):
            # An empty transfer has no middle: Glance reads the zero-byte body whole (the
            # upload that activates a volume-backed snapshot's image), so it cannot be cut.
            outcomes = tuple(o for o in outcomes if o != "partway")
            if not outcomes:
                self.cannot_fire.add(handler.entry or point)
                return None
        about = {"point": point, **_plain(attrs)}
        if handler.entry is not None:  # which of the point's entries drew it
            about[ENTRY] = handler.entry
        v = self.decide("fault", len(outcomes), about)
        if not v:
            return None
        outcome = self.made[-1].about["outcome"] = outcomes[v - 1]
        return handler(outcome, attrs)

    def step_with_ties(self, env: Any, names: dict[Any, str] | None = None) -> Callable[[], None]:
        """A replacement for ``env.step`` that decides the order of events due at one instant
        (`names`: the kernel's live processes' names, see `order_ties`)."""
        return TieStep(self, env, names)

    def order_ties(self, queue: list, names: dict[Any, str] | None = None) -> None:
        """Before a step of simpy's event `queue` (with chance's tie order on): when several
        events are due first at one instant, decide which runs next and put it at the head.
        Cancelled events (`fakecloud.sim.cancel`) are not among them: they leave the queue.
        With `names` (the kernel's live processes' names) a tie notes the processes whose
        starts it orders, by their place in it (its ``starts``)."""
        head = queue[0]
        t, prio = head[0], head[1]
        second = queue[1]
        third = queue[2] if len(queue) > 2 else None
        if (second[0] == t and second[1] == prio) or (
            third is not None and third[0] == t and third[1] == prio
        ):
            tied = [heappop(queue)]
            while queue and queue[0][0] == t and queue[0][1] == prio:
                tied.append(heappop(queue))
            tied = uncancelled(tied)
            if len(tied) < 2:
                for item in tied:
                    heappush(queue, item)
                return
            about: dict[str, Any] = {"t": t, "events": len(tied)}
            if names is not None:
                # the processes whose starts are tied, by their place in the tie: a rerun
                # without an inserted step tells the ties its start was in from the others
                # (`fakecloud.explore.effect.Without`)
                starts = [
                    (i, names.get(item[3].callbacks[0].__self__))
                    for i, item in enumerate(tied)
                    if item[3].__class__ is Initialize
                ]
                if starts:
                    about["starts"] = starts
            pick = self.decide("tie", len(tied) - 1, about)
            chosen = tied.pop(pick)
            for item in tied:
                heappush(queue, item)
            # run `chosen` next: give it the smallest key among the tied events
            heappush(queue, (t, prio, -1 - len(self.made), chosen[3]))


class _UniformSource:
    """A seeded source drawing every decision uniformly (used by the ``explore`` config)."""

    def __init__(self, rng: Random):
        self._rng = rng

    def draw(self, kind: str, n: int, low: int, high: int, about: dict[str, Any]) -> int:
        return self._rng.randint(low, high)


def _plain(attrs: dict[str, Any]) -> dict[str, Any]:
    """Attributes as plain data (for decision records)."""
    return {k: v for k, v in attrs.items() if isinstance(v, (str, int, float, bool, type(None)))}


# -- explored fault points ---------------------------------------------------------------------

OUTCOME_WORDS = ("stall", "drop", "partway", "delay:S")
"""Outcomes of an explored fault point besides raising a named error: the work hangs until
released (``stall``), the message is lost (``drop``, RPC points), the transfer fails half-way
through (``partway``, the ``io.transfer`` point), or the work waits S more seconds
(``delay:S``, e.g. ``delay:75``)."""


def delay_of(outcome: str) -> float | None:
    """The seconds of a ``delay:S`` outcome, a duration from 0 to `MAX_SECONDS` (None for any
    other outcome: ``delay:1e400`` was an infinite wait, run as work that never ends)."""
    if not outcome.startswith("delay:"):
        return None
    try:
        seconds = float(outcome[len("delay:") :])
    except ValueError:
        return None
    return seconds if 0 <= seconds <= MAX_SECONDS else None


#: A fault decision's ``about`` key naming the ``explore.faults`` entry that drew it
#: (``POINT#N``), where the file lists the point several times, each with its own ``match:``.
ENTRY = "entry"


def fault_handler(
    kernel: Any, point: str, match: dict[str, Any] | None = None, entry: str | None = None
) -> FaultHandler:
    """What an explored fault point does for the outcome a decision chose (`match`: what the
    work must have for a decision to be made there; None: any; `entry`: which of the point's
    entries it is, ``POINT#N``, where the file lists the point several times)."""
    return ExploredFault(kernel, point, match, entry)


class ExploredFault:
    """An explored fault point's handler (`fault_handler`): the rule each chosen outcome
    fires, and the `match` the work must have for the point to be explored there (None: any
    work; `Choices.fault`). A part of the cloud, not a closure, so that a cloud exploring its
    faults is saved and loaded as any other."""

    __slots__ = ("entry", "kernel", "match", "point")

    def __init__(
        self,
        kernel: Any,
        point: str,
        match: dict[str, Any] | None = None,
        entry: str | None = None,
    ):
        self.kernel = kernel
        self.point = point
        self.match = match
        self.entry = entry

    def __call__(self, outcome: str, attrs: dict[str, Any]) -> Any:
        from fakecloud.sim.faults import FaultRule

        point, name = self.point, "chosen by the explorer"
        if outcome in ("stall", "drop"):
            return FaultRule(point, outcome, name=f"{outcome} ({name})")
        delay = delay_of(outcome)
        if delay is not None:
            return FaultRule(point, "delay", delay_s=delay, name=f"{outcome} ({name})")
        if outcome == "partway":
            _fail_partway(self.kernel, attrs, name)
            return None
        return FaultRule(point, "raise", error=outcome, name=f"{outcome} ({name})")


def _fail_partway(kernel: Any, attrs: dict[str, Any], name: str) -> None:
    """Fail the transfer described by `attrs` half-way through its nominal duration."""
    from fakecloud.sim.io import TransferFailed

    rates = [kernel.io.resources[r].capacity for r in attrs.get("resource", ())]
    rate = min((r for r in rates if r > 0), default=0.0)
    size = float(attrs.get("size", 0) or 0)
    after = size / rate / 2 if rate and size else 0.0
    match = {
        k: v
        for k, v in attrs.items()
        if k not in ("resource", "size") and isinstance(v, (str, int))
    }
    kernel.faults.add(
        "io.transfer",
        "raise",
        error=TransferFailed,
        message="the transfer failed part-way",
        match=match,
        at=kernel.now + after,
        times=1,
        name=f"partway ({name})",
    )


class ChoiceOutOfRange(ConfigError):
    """A replay file's decision that the run cannot take where it comes (`ListSource`):
    `kind` (``tie``, ``rpc_delay``, ``throughput``, ``fault``), its number `n`, and for a
    fault the `point`, so the runner can name the ``choices.made`` entry's line."""

    def __init__(self, message: str, kind: str, n: int, point: str | None):
        super().__init__(message)
        self.kind, self.n, self.point = kind, n, point


class ListSource:
    """Decisions read from a written-out list (a replay file); every other decision is 0."""

    def __init__(self, values: dict[tuple[str, int], int]):
        self.values = values

    def draw(self, kind: str, n: int, low: int, high: int, about: dict[str, Any]) -> int:
        """The written decision `n` of `kind` (a fault's by its point), 0 where none was
        written; `ChoiceOutOfRange` when it is outside ``low..high`` here."""
        key = kind if kind != "fault" else f"fault:{about.get('point')}"
        value = self.values.get((key, n), 0)
        if not low <= value <= high:
            raise ChoiceOutOfRange(
                f"{kind} {n} is {value}, outside {low}..{high} at this point of the run "
                "(was the replay file written for another version of the scenario?)",
                kind,
                n,
                about.get("point"),
            )
        return value


def replay(kernel: Any, chance: Chance, made: list[dict[str, Any]]) -> None:
    """Switch on the decisions a replay file wrote out (``choices:``), exactly as they were.

    `made` holds entries ``{tie: N, pick: P}``, ``{rpc_delay: N, value: V}``,
    ``{throughput: N, value: V}`` and ``{fault: POINT, n: N, outcome: NAME}``; anything not
    listed is decided as a plain run would (0).
    """
    values: dict[tuple[str, int], int] = {}
    outcomes: dict[str, list[str]] = {}
    faults: list[tuple[str, int, str]] = []
    for entry in made:
        if "tie" in entry:
            values[("tie", int(entry["tie"]))] = int(entry["pick"])
        elif "rpc_delay" in entry:
            values[("rpc_delay", int(entry["rpc_delay"]))] = int(entry["value"])
        elif "throughput" in entry:
            values[("throughput", int(entry["throughput"]))] = int(entry["value"])
        elif "fault" in entry:
            point, outcome = str(entry["fault"]), str(entry["outcome"])
            listed = outcomes.setdefault(point, [])
            if outcome not in listed:
                listed.append(outcome)
            faults.append((point, int(entry["n"]), outcome))
    for listed in outcomes.values():
        # partway last: `Choices.fault` leaves it out for an empty transfer, and the others
        # keep their numbers there
        listed.sort(key=lambda outcome: outcome == "partway")
    for point, n, outcome in faults:
        values[(f"fault:{point}", n)] = outcomes[point].index(outcome) + 1
    choices = kernel.choices
    for point, listed in outcomes.items():
        choices.fault_points[point] = (tuple(listed), fault_handler(kernel, point))
    choices.start(ListSource(values), chance)
