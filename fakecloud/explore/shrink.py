"""Shrinking: from a failing seed to the smallest run that still breaks the same thing.

A seed's run is a *choice sequence*: first, for each step of the file, whether it stays; then,
for each inserted action, after which trace event it lands (0: not at all); then every decision
the run makes (tie orders, RPC delays, throughputs, fault firings), 0 always being the plain
run's value. Hypothesis's shrinker works on exactly such sequences: we hand it the failing
seed's sequence (replayed from an example database, which is how Hypothesis resumes a known
failure) and a test that plays a sequence and says whether it still breaks the target. It then
drops and zeroes choices - fewer steps, no adversary, fewer faults, nominal delays, FIFO order -
keeping only what the failure needs. The smallest run is written out like any other
(`fakecloud.explore.replay`), so the result replays with plain ``fakecloud run``.

"Still breaks the same thing" means: the target check fails, and nothing fails that did not
fail in the original run (so shrinking never trades one bug for another).

Given a folder (`shrink`'s `database`), every run is kept there as it ends
(`fakecloud.explore.shrink_runs`), and a shrink of the same run and target answers the runs
kept before from there: it goes the same way to the same smallest run, playing only the runs
not made yet.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fakecloud.explore.groups import check_key
from fakecloud.explore.play import Explored, play
from fakecloud.explore.shrink_runs import Continued, KeptRuns, StaleRuns
from fakecloud.explore.shrink_runs import key as runs_key
from fakecloud.explore.sources import HypothesisSource, OutOfChoices, Recorder

DATABASE_KEY = b"fakecloud-explore-shrink"
DEFAULT_MAX_EXAMPLES = 400
#: Hypothesis's own limit on a shrink phase's time (``MAX_SHRINKING_SECONDS`` of its engine,
#: 6.170: five minutes), the default of ``fakecloud shrink --shrink-time``.
DEFAULT_SHRINK_S = 300.0


@dataclass
class Shrunk:
    """The outcome of a shrink: the smallest run found and how much it took."""

    explored: Explored
    target: str
    chosen: str
    """Why `target`: ``--target`` (asked for), ``explore.finds`` (the hunt's first listed find
    the seed breaks) or ``first failure`` (no listed find broken, or no hunt)."""
    runs: int
    before: int
    """Size of the seed's run: steps, landed inserts and decisions off the plain run."""
    after: int
    """Size of the smallest run."""
    stopped: str = ""
    """Why Hypothesis stopped shrinking before it had tried every smaller run (empty when it
    had): ``time`` (`shrink`'s `shrink_s` ran out) or ``shrinks`` (its ``MAX_SHRINKS``
    smaller runs found). The smallest run is then the smallest found by then."""
    played: int = 0
    """Of `runs`, those played (the others were answered by runs kept in the example
    database, or stopped by Hypothesis before they began)."""
    earlier: int = 0
    """How many runs earlier shrinks of this seed had kept in the example database."""


def sequence_of(prepared: Any, seed: int) -> tuple[Explored, list[int]]:
    """Play `seed` and return its run and its full choice sequence (steps kept first)."""
    recorder = Recorder(prepared.source(seed))
    explored = prepared.play(seed, recorder)
    return explored, [1] * len(prepared.case.steps) + recorder.sequence


def shrink(
    prepared: Any,
    seed: int,
    target: str | None = None,
    max_examples: int = DEFAULT_MAX_EXAMPLES,
    on_run: Callable[[int], None] | None = None,
    shrink_s: float = DEFAULT_SHRINK_S,
    database: str | Path | None = None,
    identity: str = "",
) -> Shrunk:
    """Shrink the run of `seed` of a prepared case (`fakecloud.explore.runner.Prepared`).

    `target` is the check to keep broken (a `check_key`; default: for a bug hunt the first of
    its ``explore.finds`` that the seed breaks, else the run's first failure). `on_run` is told
    the size of the smallest run so far after each run (``fakecloud shrink``'s progress).
    `max_examples` is Hypothesis's, which bounds the runs its generate phase makes: a shrink
    has none (reuse and shrink phases alone), so it bounds nothing here; the shrink phase
    stops by itself (no smaller run breaks the target), or at Hypothesis's own limits: its
    ``MAX_SHRINKS`` (500 smaller runs found) and its ``MAX_SHRINKING_SECONDS``, the time its
    shrink phase may take (seconds on the host's clock), which is `shrink_s` here (Hypothesis's
    five minutes unless told). Which stopped it is Hypothesis's own statistic
    (``stopped-because``, what ``--hypothesis-show-statistics`` prints): `Shrunk.stopped`.
    `database` is a folder of Hypothesis's example database where every run is kept as it
    ends (`fakecloud.explore.shrink_runs`; None: none kept): a shrink of the same run
    (`identity` names it besides its seed: the file's text, case, draw and profile) and target
    answers the runs an earlier one made from there (`Shrunk.kept`), so it ends where a shrink
    never stopped would, playing only the runs not made yet.
    Raises `ValueError` when the seed breaks nothing (or not `target`).
    """
    from hypothesis import HealthCheck, Phase, Verbosity, find, settings
    from hypothesis import strategies as st
    from hypothesis.database import InMemoryExampleDatabase, choices_to_bytes
    from hypothesis.errors import NoSuchExample
    from hypothesis.statistics import collector

    original, sequence = sequence_of(prepared, seed)
    keys = {check_key(c) for c in original.failures}
    if not keys:
        raise ValueError(
            f"seed {seed} breaks nothing in case {prepared.case.id}: nothing to shrink"
        )
    chosen = "--target"
    if target is None:
        target, chosen = _default_target(prepared.spec, [check_key(c) for c in original.failures])
    elif target not in keys:
        raise ValueError(
            f"seed {seed} does not break {target!r}; it breaks: " + "; ".join(sorted(keys))
        )
    case, spec, windows = prepared.case, prepared.spec, prepared.windows
    best: list[Explored] = []
    runs = [0]
    kept = None if database is None else KeptRuns(database, runs_key(identity, seed, target))
    played = [0]
    best_draws: list[Any] = []  # the smallest run's draws, when a kept run answered it
    before = _size(original)
    smallest_size = [before]

    def _play(source: Any) -> Explored:
        return play(
            case,
            spec,
            source,
            windows,
            keep_steps=False,
            world=prepared.world,
            moments=prepared.moments,
        )

    def still_breaks(data: Any) -> bool:
        runs[0] += 1
        try:
            return _still_breaks(data)
        finally:  # a run Hypothesis stops midway (out of choices) is a run too
            if on_run is not None:
                on_run(smallest_size[0])

    def _still_breaks(data: Any) -> bool:
        source: Any = HypothesisSource(data)
        try:
            if kept is not None:
                drawn, end = kept.answer(source)
                if end is not None:
                    if end[0]:
                        best[:], best_draws[:] = [], drawn
                        smallest_size[0] = end[1]
                    return end[0]
                source = Continued(drawn, source)
            played[0] += 1
            explored = _play(source)
        except OutOfChoices as stop:
            if isinstance(source, Continued) and kept is not None:
                kept.keep_stop(source.draws, source.asked)
            signal = stop.signal if stop.signal is not None else stop.__cause__
            while isinstance(signal, OutOfChoices):  # simpy's copy: the original is its cause
                signal = signal.signal or signal.__cause__
            raise signal from None
        found = {check_key(c) for c in explored.failures}
        broke = not _dangling(explored) and target in found and found <= keys
        if kept is not None:
            kept.keep(source.draws, broke, _size(explored))
        if broke:
            best[:], best_draws[:] = [explored], []
            smallest_size[0] = _size(explored)
        return broke

    database = InMemoryExampleDatabase()
    database.save(DATABASE_KEY + b".secondary", choices_to_bytes(sequence))
    statistics: dict[str, Any] = {}
    with (
        _without_source_constants(),
        _shrinking_for(shrink_s),
        _drawing_from(seed),
        collector.with_value(statistics.update),
    ):
        try:
            find(
                st.data(),
                still_breaks,
                settings=settings(
                    database=database,
                    phases=[Phase.reuse, Phase.shrink],
                    max_examples=max_examples,
                    deadline=None,
                    suppress_health_check=list(HealthCheck),
                    # its own words at its time limit ("PLEASE REPORT THIS", "when you re-run
                    # your tests, shrinking will resume") fit no fakecloud command: the
                    # report says it instead (`Shrunk.stopped`)
                    verbosity=Verbosity.quiet,
                ),
                database_key=DATABASE_KEY,
            )
        except NoSuchExample:
            best[:] = [original]  # the seed's own run could not be replayed: keep it as it is
        except StaleRuns as exc:
            raise ValueError(str(exc)) from None
    if best_draws:  # a kept run answered the smallest: play it once, for its file
        best[:] = [_play(Continued(best_draws, None))]
    smallest = best[0] if best else original
    stopped = _stopped(statistics.get("stopped-because"))
    size = _size(smallest)
    earlier = 0 if kept is None else kept.found
    return Shrunk(smallest, target, chosen, runs[0], before, size, stopped, played[0], earlier)


def _stopped(reason: str | None) -> str:
    """`Shrunk.stopped` from Hypothesis's ``stopped-because`` statistic."""
    from hypothesis.internal.conjecture.engine import ExitReason

    if reason == ExitReason.very_slow_shrinking.value:
        return "time"
    if reason == ExitReason.max_shrinks.value:
        return "shrinks"
    return ""


@contextlib.contextmanager
def _shrinking_for(seconds: float) -> Iterator[None]:
    """Hypothesis's shrink phase limited to `seconds`: its engine's ``MAX_SHRINKING_SECONDS``
    (a module constant its source keeps "monkeypatchable, for the rare users who need to keep
    on shrinking"; its maintainers keep it out of the settings, hypothesis PR #3400), set for
    this shrink and put back after."""
    from hypothesis.internal.conjecture import engine

    before = engine.MAX_SHRINKING_SECONDS
    engine.MAX_SHRINKING_SECONDS = seconds  # type: ignore[assignment]
    try:
        yield
    finally:
        engine.MAX_SHRINKING_SECONDS = before


@contextlib.contextmanager
def _drawing_from(seed: int) -> Iterator[None]:
    """Hypothesis's own draws (which smaller run its shrinker tries next) from `seed`, not from
    its process-wide generator, which the OS seeds: two shrinks of one seed tried different
    runs (34 to 41 for one file) and could keep different steps. ``find(random=...)`` would
    seed it too, but also drops the example database (``hypothesis.seed``), which is how the
    failing run reaches the shrinker; the module's ``global_force_seed`` (what Hypothesis's
    pytest plugin sets for ``--hypothesis-seed``) keeps it. Put back after."""
    from hypothesis import core

    before = core.global_force_seed
    core.global_force_seed = seed
    try:
        yield
    finally:
        core.global_force_seed = before


def _default_target(spec: Any, broken: list[str]) -> tuple[str, str]:
    """What a shrink keeps broken when not told (a check key), and why: a bug hunt's first
    listed find that the run breaks (what the hunt is about, rather than, say, the 500 on
    its way), else the run's first failure."""
    for find in spec.targets:
        for key in broken:
            if find.matches(key):
                return key, "explore.finds"
    return broken[0], "first failure"


@contextlib.contextmanager
def _without_source_constants() -> Iterator[None]:
    """Hypothesis with no constants read from the source of the modules loaded here.

    Hypothesis (6.170 here, ``providers._get_local_constants``) draws a few choices of the
    shrinker's trial runs (an integer with p 0.05) from the literals of every module it deems
    local - outside site-packages: fakecloud's own source in an editable install, none from a
    wheel - parsing each new module once a process and caching the result under
    ``.hypothesis/constants`` in the current folder. For ``fakecloud shrink`` that was most of
    its CPU (the docs' example: ~0.9 of 1.3 s), a ``.hypothesis`` folder left wherever it ran,
    and trials that depended on how fakecloud was installed; fakecloud's choices are indexes
    and need no such hints.
    """
    from hypothesis.internal.conjecture import providers

    scan = getattr(providers, "_get_local_constants", None)
    constants = getattr(providers, "Constants", None)
    if scan is None or constants is None:  # a Hypothesis without the scan (or another one)
        yield
        return
    providers._get_local_constants = lambda: constants()
    try:
        yield
    finally:
        providers._get_local_constants = scan


def _dangling(explored: Explored) -> bool:
    """Whether a kept step waits for a dropped one, or a kept step or check names what only a
    dropped one saved or answered (such a file would not load)."""
    from fakecloud.explore.replay import kept_steps
    from fakecloud.scenario.matrix import unresolvable

    dropped = set(explored.dropped)
    if not dropped:
        return False
    if any(step.after in dropped for step in explored.case.steps):
        return True
    doc = dict(explored.case.doc)
    doc["steps"] = kept_steps(doc, dropped)
    return bool(unresolvable(doc, explored.case.file))


def _size(explored: Explored) -> int:
    """Steps of the file that stay, inserts that landed, and decisions off the plain run."""
    file_steps = sum(1 for step in explored.case.steps if step.line is not None)
    return file_steps + len(explored.landed) + sum(1 for d in explored.decisions if d.value)
