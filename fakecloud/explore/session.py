"""Exploring a scenario file end to end: seeds run, outcomes grouped, one replay per group.

`explore_file` is what ``fakecloud explore`` and the pytest plugin call: for each case, run the
seeds (here, on worker processes or on a Dask cluster, see `fakecloud.explore.runner`), group
the failing seeds (`fakecloud.explore.groups`), and for each group write a replay file from
its first seed - shrunk first when asked - and check that plain ``fakecloud run`` on that file
breaks the same thing again.
"""

from __future__ import annotations

import itertools
import re
import shlex
from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from fakecloud.explore.groups import Group, SeedOutcome, check_key, group
from fakecloud.explore.replay import replay_document, replay_text, write_replay_text
from fakecloud.explore.runner import (
    Batch,
    Executor,
    Plan,
    Prepared,
    batches,
    prepared,
    run_batch,
)


@dataclass
class CaseReport:
    """How the seeds of one case went."""

    case_id: str
    spec: str
    windows: str = "moments"
    """How its inserts were drawn (``explore.windows``, or ``--windows`` over it)."""
    finds: tuple[str, ...] = ()
    targets: tuple[Any, ...] = ()
    """`finds` resolved (`fakecloud.explore.spec.Find`)."""
    seeds: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    planned: int = 0
    """Seeds it was to run (`seeds` of them ran: fewer when the time budget or Ctrl-C stopped
    the sweep)."""
    names: dict[str, str] = field(default_factory=dict)
    """Id -> readable name of the case's world at t0, for the text report."""
    actions: dict[str, str] = field(default_factory=dict)
    """An inserted request's name -> its action (its body's key: ``createImage``, ``os-stop``),
    for the text report, where several are ``POST /servers/<id>/action``."""
    unconsulted: tuple[str, ...] = ()
    """``explore.faults`` points no seed's run consulted (by their `FaultPoint.label`):
    nothing the case runs reaches them, or not with what their ``match:`` asks, so they never
    fired (a point of another flow, as ``image_api.upload`` for a createImage, whose
    image-backed upload goes through ``image_api.update``)."""
    cannot_fire: tuple[str, ...] = ()
    """Those of `unconsulted` some seed's run reached, only where none of their outcomes
    applies (an ``io.transfer`` listing ``partway`` alone, at empty transfers)."""

    @property
    def passed(self) -> int:
        """Seeds that broke nothing."""
        return len(self.seeds) - len(self.failed)

    def unexpected(self) -> list[str]:
        """For a bug hunt (``finds:``): what went other than expected - something listed
        that no seed broke, or anything broken that is not listed (``found X, not in
        explore.finds``). Otherwise: everything broken (``broke X``). What broke is listed
        cause by cause as their groups rank, then each consequence, naming its cause."""
        broke = {g.key for g in self.groups} | {c.key for g in self.groups for c in g.consequences}
        # each cause as its group ranks (most seeds first), then what broke only because of
        # it, said so: the first line (pytest's short summary) is a cause, never its consequence
        shown: dict[str, str] = {}
        for g in self.groups:
            shown.setdefault(g.key, "")
        for g in self.groups:
            for c in g.consequences:
                shown.setdefault(c.key, f" (a consequence of {g.key})")
        # a case that hunts nothing has no explore.finds to be outside of: it broke this
        found = "found {}, not in explore.finds{}" if self.targets else "broke {}{}"
        out = [
            found.format(key, of)
            for key, of in shown.items()
            if not any(f.matches(key) for f in self.targets)
        ]
        out += [
            f"no seed broke {f.label} (explore.finds)"
            for f in sorted(self.targets, key=lambda f: f.label)
            if not any(f.matches(key) for key in broke)
        ]
        return out


@dataclass
class Report:
    """The outcome of exploring one file."""

    file: str
    cases: list[CaseReport] = field(default_factory=list)
    elapsed_s: float = 0.0
    seeds_s: float = 0.0
    """Real seconds until the last batch of seeds came back, less those this process spent
    meanwhile reporting the cases done before (grouping, replay files, shrinking); `elapsed_s`
    counts everything: what the seeds/s rate is over."""
    stopped_early: bool = False
    """The time budget ran out (or Ctrl-C came) before every seed ran."""
    seeds_planned: int = 0
    """Seeds its cases were to run (`seeds_run` of them ran)."""
    interrupted: bool = False
    """Ctrl-C stopped the sweep (``fakecloud explore``; not in `as_json`: the status is 130)."""

    @property
    def broke(self) -> bool:
        """Whether any seed of any case broke something."""
        return any(c.failed for c in self.cases)

    @property
    def seeds_run(self) -> int:
        """Seeds run, over all cases."""
        return sum(len(c.seeds) for c in self.cases)

    def as_json(self) -> dict[str, Any]:
        """The report as ``--json`` writes it."""
        return {
            "file": self.file,
            "seeds_run": self.seeds_run,
            "seeds_planned": self.seeds_planned,
            "broke": self.broke,
            "stopped_early": self.stopped_early,
            "cases": [
                {
                    "case": c.case_id,
                    "explores": c.spec,
                    "windows": c.windows,
                    "seeds": len(c.seeds),
                    "seeds_planned": c.planned,
                    "passed": c.passed,
                    "failed": len(c.failed),
                    "finds": list(c.finds),
                }
                for c in self.cases
            ],
            "groups": [g.as_json() for c in self.cases for g in c.groups],
        }


def explore_file(
    text: str,
    filename: str,
    cases: Iterable[Any],
    seeds: Callable[[Any], Iterable[int]],
    *,
    executor: Executor | None = None,
    stop: Callable[[], bool] = lambda: False,
    time_up: Callable[[], bool] = lambda: False,
    on_batch: Callable[[str, list[SeedOutcome]], None] = lambda case_id, outcomes: None,
    out_dir: str | Path | None = None,
    shrink: bool = False,
    shrink_s: float | None = None,
    batch_size: int = 25,
    windows: str | None = None,
    profile: str | None = None,
    clock: Callable[[], float] | None = None,
    replay_stem: str | None = None,
    until: float | None = None,
    resize: Callable[[int, int], int] | None = None,
) -> Report:
    """Explore `cases` of the scenario file `text` (named `filename`); see the module doc.

    `seeds(case)` gives the seeds of a case; no batch starts once `stop()` (Ctrl-C), nor once
    `time_up()` (a time budget) after the case's first batch: a case always runs some seeds, so
    its status says something. `on_batch` is told of each finished batch (for a progress bar);
    replay files go to `out_dir` (none written when it is None). `windows` (``--windows``)
    draws the inserts of every case so, over the file's ``explore.windows``; `profile`
    (``--profile``) runs every case on that profile, and its replay files say it.
    `shrink_s` (``--shrink-time``) is the time each group's shrink may take (Hypothesis's
    own five minutes when None). `clock` (real seconds, `fakecloud.explore.budget.Budget`)
    times the report: its `Report.seeds_s` leaves out the time this process spent reporting
    the cases done (their grouping, replay files and shrinks) while later cases' seeds ran.
    `replay_stem` names the replay files (default: the file's stem), for two files of one
    stem explored into one folder. `until` (`fakecloud.explore.budget.Budget.until`, with a
    time budget) also cuts the batches under way short: none starts a seed once it has passed
    (but a case's first seed). `resize(seeds left, workers)` (`runner.batch_size`) plans the
    batches again when the executor's workers change mid-sweep (a Dask cluster's).
    """
    from fakecloud.scenario.runner import PLAN_AFTER_FORKS

    executor = executor or Executor()
    report = Report(filename)
    now = clock or (lambda: 0.0)
    started, reporting = now(), [0.0]
    sweep = _Sweep(list(cases), seeds)
    readies = {case.id: prepared(text, filename, case.id, windows, profile) for case in sweep.cases}
    work = sweep.batches(
        text, filename, executor, batch_size, stop, time_up, windows, profile, until, resize
    )
    if executor.starts_from_here:
        # planned here once, not by every forked worker after its own slow first forks
        many = [c for c in sweep.cases if _at_least(seeds(c), PLAN_AFTER_FORKS)]
        for case in many:
            readies[case.id].world.plan()
        if many and executor.workers > 1 and not stop():
            work = _first_seed_here(work, sweep.outcomes, on_batch)

    def report_done(case: Any) -> None:
        began = now()
        ready = readies[case.id]
        done = _case_report(case, ready, sweep, out_dir, shrink, shrink_s, replay_stem, executor)
        report.cases.append(done)
        planned = done.planned = _count(seeds(case))
        report.seeds_planned += planned
        report.stopped_early |= len(sweep.outcomes[case.id]) < planned
        reporting[0] += now() - began

    for batch, finished in executor.pairs(sweep.handed(work), stop):
        sweep.finished(batch, finished)
        on_batch(batch.case_id, finished)
        # the seeds' time: an earlier case's shrinks, run here meanwhile, are no seed's
        report.seeds_s = now() - started - reporting[0]
        for case in sweep.done():
            report_done(case)
    for case in sweep.done(everything=True):  # Ctrl-C: the cases not reached, as they are
        report_done(case)
    report.elapsed_s = now() - started
    return report


class _Sweep:
    """The cases of a file as one run of batches, one case after another: the workers go on
    to the next case while this process finishes the last one's seeds, and each case is
    reported (grouped, its replays written) once its last batch is back, in the file's
    order."""

    outcomes: dict[str, list[SeedOutcome]]

    def __init__(self, cases: list[Any], seeds: Callable[[Any], Iterable[int]]):
        self.cases = cases
        self.seeds = seeds
        self.outcomes = {case.id: [] for case in cases}
        self._running = dict.fromkeys(self.outcomes, 0)  # batches handed out, not back
        self._handed = 0  # cases all of whose batches have been handed out
        self._reported = 0

    def batches(
        self,
        text: str,
        filename: str,
        executor: Executor,
        size: int,
        stop: Callable[[], bool],
        time_up: Callable[[], bool],
        windows: str | None = None,
        profile: str | None = None,
        until: float | None = None,
        resize: Callable[[int, int], int] | None = None,
    ) -> Iterator[Batch]:
        """Every case's batches (`fakecloud.explore.runner.batches`, shrinking toward the end
        of the whole run, planned again as the workers change: `runner.Plan`); none once
        `stop()`, none of a case but its first once `time_up()`, and each cut short at
        `until` (but a case's first seed: `Batch.at_least`)."""
        counts = [_count(self.seeds(case)) for case in self.cases]
        plan = Plan(size, executor, sum(counts), resize)
        for n, case in enumerate(self.cases):
            started = bool(self.outcomes[case.id])  # its first seed played here
            for batch in batches(
                text,
                filename,
                case.id,
                self.seeds(case),
                plan.planned,
                plan.count,
                executor.spread,
                after=sum(counts[n + 1 :]),
                windows=windows,
                profile=profile,
            ):
                if stop():
                    return
                if started and time_up():
                    break
                plan.handed(batch)
                if until is not None:
                    batch = replace(batch, until=until, at_least=0 if started else 1)
                started = True
                yield batch
            self._handed = n + 1

    def handed(self, work: Iterator[Batch]) -> Iterator[Batch]:
        """`work`, each batch counted as handed out as it is taken."""
        for batch in work:
            self._running[batch.case_id] += 1
            yield batch

    def finished(self, batch: Batch, outcomes: list[SeedOutcome]) -> None:
        """`batch` is back with its `outcomes`."""
        self._running[batch.case_id] -= 1
        self.outcomes[batch.case_id] += outcomes

    def done(self, everything: bool = False) -> list[Any]:
        """The cases to report now: every batch of theirs back, and every case before them
        reported (`everything`: the run is over, the rest too)."""
        out = []
        while self._reported < len(self.cases):
            case = self.cases[self._reported]
            if not everything and (self._reported >= self._handed or self._running[case.id]):
                break
            out.append(case)
            self._reported += 1
        return out


def _case_report(
    case: Any,
    ready: Prepared,
    sweep: _Sweep,
    out_dir: str | Path | None,
    shrink: bool,
    shrink_s: float | None = None,
    replay_stem: str | None = None,
    executor: Executor | None = None,
) -> CaseReport:
    """A case's report once its seeds have run: its groups, and their replay files made (by
    `executor`: on a Dask cluster, by the worker that ran each group's first seed) and
    written."""
    found = sorted(sweep.outcomes[case.id], key=lambda o: o.seed)
    spec = ready.spec
    case_report = CaseReport(case.id, spec.describe(), spec.windows, spec.finds, spec.targets)
    case_report.seeds = [o.seed for o in found]
    case_report.failed = [o.seed for o in found if not o.passed]
    case_report.groups = group(found)
    if found:  # a case Ctrl-C left unexplored says nothing of its points
        consulted = frozenset().union(*(o.consulted for o in found))
        unconsulted = [f for f in spec.faults if f.key not in consulted]
        case_report.unconsulted = tuple(f.label for f in unconsulted)
        reached = frozenset().union(*(o.cannot_fire for o in found))
        case_report.cannot_fire = tuple(f.label for f in unconsulted if f.key in reached)
    if case_report.groups:
        case_report.names = ready.names()
        case_report.actions = {
            i.name: _action(i.step["body"])
            for i in ready.spec.inserts
            if isinstance(i.step.get("body"), dict) and i.step["body"]
        }
    if out_dir is not None and case_report.groups:
        jobs = [
            replay_job(ready, each, Path(out_dir), n, shrink, shrink_s, replay_stem)
            for n, each in enumerate(case_report.groups, 1)
        ]
        # made where the seeds ran (a Dask worker, whose case is prepared), written here
        made = (executor or Executor()).each(make_replay, jobs)
        for each, job, replay in zip(case_report.groups, jobs, made, strict=True):
            place_replay(each, job, replay)
    return case_report


def _count(seeds: Iterable[int]) -> int:
    """How many `seeds` (a range's len is O(1): --seeds 10**12 with a time budget)."""
    return len(seeds) if isinstance(seeds, Sized) else sum(1 for _ in seeds)


def _first_seed_here(
    work: Iterator[Batch],
    outcomes: dict[str, list[SeedOutcome]],
    done: Callable[[str, list[SeedOutcome]], None],
) -> Iterator[Batch]:
    """`work` less its first seed, played in this process now (its outcome added to its
    case's `outcomes` and told to `done`), before local workers fork from it: they then start
    with the seed's code paths warm (bytecode specialised, first-use caches made) rather than
    each warming them up on its own copy of this process's memory."""
    first = next(work, None)
    if first is None:
        return iter(())
    played = run_batch(replace(first, seeds=first.seeds[:1]))
    outcomes[first.case_id] += played
    done(first.case_id, played)
    rest = [replace(first, seeds=first.seeds[1:])] if len(first.seeds) > 1 else []
    return itertools.chain(rest, work)


def _at_least(seeds: Iterable[int], n: int) -> bool:
    """Whether `seeds` are `n` or more (an iterable without a length: taken as many)."""
    return len(seeds) >= n if isinstance(seeds, Sized) else True


def _action(body: dict[str, Any]) -> str:
    """A request body's action as a report shows it: its key, and the first plain value under
    it (``reboot HARD``, ``resize 2``, ``os-stop``), a reference to one of the scenario's
    resources by its name (``rescue rescuer`` for ``${images.rescuer.id}``)."""
    key, value = next(iter(body.items()))
    if isinstance(value, dict):
        plain = [v for v in value.values() if isinstance(v, (str, int, float)) and v != ""]
        if plain and not isinstance(plain[0], bool):
            named = _REFERENCE.fullmatch(str(plain[0]))
            return f"{key} {named.group(1) if named else plain[0]}"
    return str(key)


#: A scenario's reference to one of its resources' id: ``${images.rescuer.id}``.
_REFERENCE = re.compile(r"\$\{[\w-]+\.([\w-]+)\.id\}")


def write_group_replay(
    ready: Prepared,
    found: Group,
    out_dir: Path,
    n: int,
    shrink: bool,
    shrink_s: float | None = None,
    stem: str | None = None,
) -> None:
    """Write the replay file of `found` (from its first seed), shrunk first with `shrink`
    (for at most `shrink_s` s, else Hypothesis's own limit), check it, and note its command;
    the file is named by `stem` (default: the scenario file's)."""
    job = replay_job(ready, found, out_dir, n, shrink, shrink_s, stem)
    place_replay(found, job, make_replay(job))


@dataclass(frozen=True)
class ReplayJob:
    """What a group's replay file is made from (`make_replay`), in any process with this
    fakecloud: this one, or the Dask worker whose batch found the group's first seed, where
    the case is prepared already (`Executor.each`)."""

    text: str
    """The scenario file's text, and what `prepared` takes with it."""
    filename: str
    case_id: str
    windows: str | None
    profile: str | None
    seed: int
    """The group's first seed."""
    key: str
    """What the group broke (`Group.key`): what the replay must break again."""
    cause: tuple
    path: str
    """Where the report's process writes the file (its header names it)."""
    shrink: bool = False
    shrink_s: float | None = None


@dataclass(frozen=True)
class MadeReplay:
    """A replay file made (`make_replay`): its text, whether a plain run of it breaks its
    group's check again, and why its shrink stopped early (`fakecloud.explore.shrink`)."""

    text: str
    replays: bool
    shrink_stopped: str | None = None


def replay_job(
    ready: Prepared,
    found: Group,
    out_dir: Path,
    n: int,
    shrink: bool,
    shrink_s: float | None = None,
    stem: str | None = None,
) -> ReplayJob:
    """The `ReplayJob` of group `found`, the `n`th of its case, into `out_dir`."""
    case = ready.case
    stem = stem or Path(case.file).stem
    # "group": a case named seed (a profile) would read "x-seed-6.yaml" as seed 6's
    name = f"{stem}-{case.id}-group{n}.yaml" if case.id != "default" else f"{stem}-group{n}.yaml"
    text, filename, case_id, windows, profile = ready.made_from
    return ReplayJob(
        text,
        filename,
        case_id,
        windows,
        profile,
        found.seeds[0],
        found.key,
        found.cause,
        str(out_dir / name),
        shrink,
        shrink_s,
    )


def make_replay(job: ReplayJob) -> MadeReplay:
    """Make the replay file of `job` (shrunk first with its `shrink`) and check it."""
    ready = prepared(job.text, job.filename, job.case_id, job.windows, job.profile)
    seed, stopped = job.seed, None
    if job.shrink:
        from fakecloud.explore.shrink import DEFAULT_SHRINK_S
        from fakecloud.explore.shrink import shrink as shrink_run

        limit = DEFAULT_SHRINK_S if job.shrink_s is None else job.shrink_s
        shrunk = shrink_run(ready, seed, target=job.key, shrink_s=limit)
        explored, stopped = shrunk.explored, shrunk.stopped
    else:
        explored = ready.play(seed)
    case = ready.case
    file, case_option = _command_of(case)
    found_by = (
        f"found by: fakecloud explore {file}{case_option}"
        + (f" --windows {ready.windows_option}" if ready.windows_option else "")
        + (f" --profile {shlex.quote(case.profile_given)}" if case.profile_given else "")
        + f", seed {seed}{' (shrunk)' if job.shrink else ''}; breaks: {job.key}"
    )
    path = Path(job.path)
    document = replay_document(explored, case.cloud.seed, broke=job.key, found=found_by)
    text = replay_text(path.name, document)
    cause = () if job.shrink else job.cause
    return MadeReplay(text, replays(path, job.key, ready, cause=cause, text=text), stopped)


def place_replay(found: Group, job: ReplayJob, made: MadeReplay) -> None:
    """Write the replay file `made` of group `found` where `job` says, and note its command
    (or why it is not written) in the group."""
    if job.shrink:
        found.shrunk = True
        found.shrink_stopped = made.shrink_stopped
    path = Path(job.path)
    try:
        write_replay_text(path, made.text)
    except OSError as exc:
        # `fakecloud explore` checks --out before any seed runs; pytest's explore items write
        # below a rootdir that may be read-only (a CI checkout), where this was a traceback
        # in place of every group the seeds found
        ready = prepared(job.text, job.filename, job.case_id, job.windows, job.profile)
        file, case_option = _command_of(ready.case)
        found.replay = (
            f"not written (cannot write {exc.filename}: {exc.strerror}); "
            f"fakecloud shrink {file}{case_option} --seed {job.seed} -o FILE writes one"
        )
        return
    found.replay_file = str(path)
    found.replay = f"fakecloud run {shlex.quote(str(path))}"
    if not made.replays:
        found.replay += "   (warning: the replay did not break it again)"


def _command_of(case: Any) -> tuple[str, str]:
    """The file and ``--case`` option of a command that explores `case`, as a shell reads
    them (a path with a space or a parenthesis quoted)."""
    case_option = f" --case {shlex.quote(case.id)}" if case.id != "default" else ""
    return shlex.quote(str(case.file)), case_option


def replays(
    path: Path, key: str, ready: Prepared | None = None, cause: tuple = (), text: str | None = None
) -> bool:
    """Whether plain ``fakecloud run`` on the replay file at `path` (of `text`, when given:
    not written yet, or on another machine) breaks `key` (by `cause`,
    when given: its group's, `fakecloud.explore.paths.Led.cause`, which the replay's path
    must hold: a group's is pruned by effect, the replay's is not).

    With `ready` (the case the file was written from), a file whose cloud is built and set up
    as that case's runs from a fork of the case's world: the same run as a plain one
    (`run_case` with ``world=``: the same trace, byte for byte), at about half its cost."""
    from fakecloud.explore.paths import path_of, world_links
    from fakecloud.explore.play import with_invariants
    from fakecloud.explore.replay import PLACED, PLACED_AT
    from fakecloud.scenario.loader import from_bytes, load
    from fakecloud.scenario.runner import prepare_world, run_case

    if text is None:
        case = load(path).cases[0]
    else:
        case = from_bytes(text.encode(), Path(path))[1].cases[0]
    same = ready is not None and _built_alike(case.cloud, ready.case.cloud)
    # a path reads the links of the world at t0 too: the file's own when it is built otherwise
    world = ready.world if same else prepare_world(case)
    result = run_case(with_invariants(case), world=world)
    broke = [c for c in result.failures if check_key(c).split(" (")[0] == key.split(" (")[0]]
    if not cause:
        return bool(broke)
    placed = {step.name: 0 for step in case.steps if step.note in (PLACED, PLACED_AT)}
    start = world_links(world)
    return any(
        path_of(result, placed, [str(d) for d in c.details], c.broke_seq, start=start).covers(cause)
        for c in broke
    )


def _built_alike(one: Any, other: Any) -> bool:
    """Whether two `CloudSpec`s build and set up the same world (the lines of their setup
    in their files aside)."""

    def unlined(spec: Any) -> Any:
        return replace(spec, setup=[replace(item, line=None) for item in spec.setup])

    return unlined(one) == unlined(other)
