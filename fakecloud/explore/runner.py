"""Running many seeds: serially, on local worker processes, or on a Dask cluster.

The unit of work is a `Batch`: a scenario file's text, a case id and some seeds. A worker
loads the file once (it caches the loaded case and its plain-run facts), plays each seed
(`fakecloud.explore.play`) and sends back plain `SeedOutcome`s. The file travels as text, so a
worker on another machine needs fakecloud installed, not the file. Every seed's run depends only
on the file, the case and the seed, so the outcomes are the same whichever way the seeds are
spread; the caller sorts them by seed.
"""

from __future__ import annotations

import gc
import itertools
import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from fakecloud.explore.budget import past
from fakecloud.explore.effect import Rerun, Without, own_events
from fakecloud.explore.groups import SeedOutcome, broke_of, outcome_of
from fakecloud.explore.paths import rpc_timeouts

INSTALL_CLUSTER = (
    "running seeds on a Dask cluster needs the distributed package: "
    "pip install 'fakecloud-openstack[cluster]'"
)


@dataclass(frozen=True)
class Batch:
    """Seeds of one case of one scenario file (as text)."""

    text: str
    filename: str
    case_id: str
    seeds: tuple[int, ...]
    windows: str | None = None
    """``fakecloud explore --windows``: how inserts are drawn, over the file's
    ``explore.windows`` (None: the file's)."""
    profile: str | None = None
    """``--profile``: the profile every seed runs on in place of the file's (None: the file's)."""
    until: float | None = None
    """``--time-budget``'s end (`fakecloud.explore.budget.Budget.until`): no seed of the batch
    starts once it has passed, but its first `at_least`; None: every seed runs."""
    at_least: int = 0
    """Seeds run whatever the time: 1 for a case's first batch, so its status judges some."""


#: Real seconds batches restricted to this fakecloud's Dask workers wait before they are
#: looked at again: are those workers still there? (`Executor._watch`)
_WATCH_S = 10.0

#: Real seconds between looks at Ctrl-C while waiting for a batch (a worker's, here or on a
#: Dask cluster): its handler only notes it, and the wait would go on to the batch's end.
_STOP_S = 0.1

#: A run pruning a seed's paths stops as never idle after this many times the trace events
#: the seed's own run wrote after t0, and this many more.
RERUN_EVENTS, RERUN_EVENTS_MORE = 10, 1_000


class Prepared:
    """A case made ready to explore: its `ExploreSpec` and how many windows a plain run has."""

    made_from: tuple[str, str, str, str | None, str | None] | None

    def __init__(self, case: Any, windows: str | None = None):
        from fakecloud.explore.play import plain_windows, play, with_invariants
        from fakecloud.explore.sources import SeededSource
        from fakecloud.explore.spec import read
        from fakecloud.scenario.runner import prepare_world

        self.case = case
        self.made_from = None
        """What `prepared` made it from (text, filename, case id, windows, profile): what
        another process prepares it again from (`fakecloud.explore.session.ReplayJob`)."""
        self.spec = read(case)
        if windows is not None:  # the command line's --windows, over the file's
            self.spec = replace(self.spec, windows=windows)
        self.windows_option = windows
        """``--windows`` as given (None: the file's draw), for the commands a report prints."""
        self.world = prepare_world(case)
        """The case's world after setup: every seed starts from a fork of it."""
        _check_matches(case, self.spec, self.world)
        self.windows, self.moments = 0, None
        """How many trace events a plain run writes after t0, and its `Moments` when the
        inserts are drawn by moment (``explore.windows: moments``)."""
        if self.spec.inserts:
            self.windows, moments = plain_windows(case, world=self.world)
            if self.spec.windows != "events":
                self.moments = replace(moments, mixed=self.spec.windows == "mixed")
        # `play` checks the whole invariant library when the case names none: made once here,
        # so every seed runs (and `fakecloud.scenario.expect` plans the checks of) one case
        self._checked = with_invariants(case)
        # what each seed calls, imported here once (an import in a function runs per call)
        self._play, self._source = play, SeededSource
        self._likelihoods = {f.key: f.likelihood for f in self.spec.faults}
        self._likelihoods.update({i.name: i.likelihood for i in self.spec.inserts})

    def names(self) -> dict[str, str]:
        """Id -> readable name of what the case's world holds at t0 (the scenario's names
        first), for a report (`fakecloud.views.names.Names`)."""
        from fakecloud.scenario.runner import readable_names

        return readable_names(self.world.cloud, self.world.names)

    def source(self, seed: int) -> Any:
        """The seeded source of one seed."""
        return self._source(seed, dict(self._likelihoods))

    def rerun(self, seed: int, explored: Any) -> Callable[[frozenset[tuple]], Rerun]:
        """What `outcome_of` prunes a failing seed's paths with: the seed's `explored` run
        again, from a fork of this case's world, without some of its choices
        (`fakecloud.explore.effect.Without`); what it broke (`groups.broke_of`). Only that
        is kept: the fork is released (reset for the next rerun, or its processes closed), so
        no dropped world's process is finalized by the collector, writing events no one
        reads."""

        # a run that goes another way may never become idle, busier than the seed's own (a
        # poll every second for the week a run may take, where the seed's run had a power
        # sync every ten minutes): it stops once it has written many times as many events
        result = explored.result
        most = RERUN_EVENTS * (len(result.trace) - result.first_seq) + RERUN_EVENTS_MORE

        def again(removed: frozenset[tuple]) -> Rerun:
            gone = [choice[1] for choice in removed if choice[0] == "insert"]
            moved = own_events(result, gone) if gone else ()
            source = Without(self.source(seed), explored.decisions, removed, explored.landed, moved)
            worlds = self.world.recycling()
            try:
                run = self.play(seed, source, marks=False, world=worlds, max_events=most)
                found = broke_of(run.result), rpc_timeouts(run.result)
                worlds.release()
            finally:
                worlds.close()
            return found

        return again

    def play(
        self,
        seed: int,
        source: Any = None,
        marks: bool = True,
        world: Any = None,
        max_events: int | None = None,
    ) -> Any:
        """Play one seed (or `source`); the `Explored` run (`marks`, `max_events`: see `play.play`;
        `world`: this case's `world` or its `recycling()`)."""
        return self._play(
            self._checked,
            self.spec,
            source or self.source(seed),
            self.windows,
            world=world or self.world,
            marks=marks,
            max_events=max_events,
            moments=self.moments,
        )


def _check_matches(case: Any, spec: Any, world: Any) -> None:
    """Refuse an ``explore.faults`` match naming what the world at t0 does not have (a
    ``${steps...}`` no step has answered then, a server the file does not make): each seed
    resolves it as chance switches on, before any step (`fakecloud.explore.play`)."""
    from fakecloud.scenario.errors import Problem, ScenarioError, field_name
    from fakecloud.scenario.loader import line_of
    from fakecloud.scenario.runner import resolve_at_t0
    from fakecloud.scenario.subst import Unresolved

    if world.failed is not None:  # every run fails at setup, as the report says
        return
    problems = []
    for i, fault in enumerate(spec.faults):
        for key, value in fault.match.items():
            try:
                resolve_at_t0(case, world, value)
            except Unresolved as exc:
                path = ("explore", "faults", i, "match", key)
                problems.append(
                    Problem(
                        case.file,
                        line_of(case.doc, path),
                        field_name(path),
                        f"{exc}: a fault's match is resolved at t0, once setup is done and "
                        "before any step (${servers.NAME.id}, ${volumes.NAME.id}, ${project_id})",
                    )
                )
    if problems:
        raise ScenarioError(problems)


_PREPARED: dict[tuple[str, str, str, str | None, str | None], Prepared] = {}


def prepared(
    text: str,
    filename: str,
    case_id: str,
    windows: str | None = None,
    profile: str | None = None,
) -> Prepared:
    """The `Prepared` case `case_id` of a scenario file's text (cached per process), its
    inserts drawn as `windows` says (``--windows``; None: as the file says), run on `profile`
    (``--profile``, `Case.on_profile`; None: the file's)."""
    key = (filename, case_id, text, windows, profile)
    found = _PREPARED.get(key)
    if found is None:
        from fakecloud.scenario.loader import loads

        scenario = loads(text, filename)
        case = scenario.case(case_id)
        if profile is not None:
            case = case.on_profile(profile)
        found = _PREPARED[key] = Prepared(case, windows)
        found.made_from = (text, filename, case_id, windows, profile)
    return found


def run_batch(batch: Batch, stop: Callable[[], bool] | None = None) -> list[SeedOutcome]:
    """Play every seed of `batch` (runs in a worker), those it reaches before its `until`
    passes under a time budget, and in this process before `stop()` (Ctrl-C): the outcomes
    of its first seeds, in order."""
    ready = prepared(batch.text, batch.filename, batch.case_id, batch.windows, batch.profile)
    out = []
    # only each outcome is kept: the run's own marks in its trace would be read by nobody,
    # and its world is reset in place for the next seed
    worlds = ready.world.recycling()
    until, at_least = batch.until, batch.at_least
    try:
        with seeds_gc() as collect:
            for n, seed in enumerate(batch.seeds):
                if until is not None and n >= at_least and past(until):
                    break  # the time budget is spent: the seeds left are not begun
                if stop is not None and stop():
                    break  # Ctrl-C: the seeds done are reported, the rest not begun
                explored = ready.play(seed, marks=False, world=worlds)
                out.append(outcome_of(explored, seed, ready.rerun))
                worlds.release()
                collect()
    finally:
        worlds.close()
    return out


#: Container allocations between young garbage collections while seeds run.
SEEDS_GC_THRESHOLD = 10_000


@contextmanager
def seeds_gc() -> Iterator[Callable[[], Any]]:
    """Collect young garbage once per seed, when its world is dead (thresholds restored after).

    A seed's forked world is a graph with cycles, so only the garbage collector frees it. At
    Python's default (a young collection every 700 allocations) each world is still alive at
    the collection in its own seed, gets promoted and is traversed again by an older one:
    about a tenth of a seed's CPU. The block yields a function to call after each seed: a
    young collection then finds only the finished seed's garbage, dead and still in the CPU's
    caches, and promotes nothing of it; the raised threshold keeps automatic collections out
    of a seed's own run. Batches running at once in threads (a Dask worker) share one setting:
    the last to finish restores. With collection switched off (threshold 0) nothing changes.
    """
    global _GC_DEPTH, _GC_SAVED
    with _GC_LOCK:
        if _GC_DEPTH == 0:
            _GC_SAVED = gc.get_threshold()
            if _GC_SAVED[0]:  # 0: collection switched off, left so
                gc.set_threshold(max(_GC_SAVED[0], SEEDS_GC_THRESHOLD), *_GC_SAVED[1:])
        _GC_DEPTH += 1
        collect = _collect_young if _GC_SAVED[0] and gc.isenabled() else _nothing
    try:
        yield collect
    finally:
        with _GC_LOCK:
            _GC_DEPTH -= 1
            if _GC_DEPTH == 0:
                gc.set_threshold(*_GC_SAVED)


def _collect_young() -> None:
    gc.collect(0)


def _nothing() -> None:
    pass


_GC_LOCK = threading.Lock()
_GC_DEPTH = 0
_GC_SAVED: tuple[int, ...] = ()


def batches(
    text: str,
    filename: str,
    case_id: str,
    seeds: Iterable[int],
    size: int | Callable[[], int],
    workers: int | Callable[[], int] = 1,
    spread: int = 2,
    after: int = 0,
    windows: str | None = None,
    profile: str | None = None,
) -> Iterator[Batch]:
    """`seeds` cut into batches of at most `size`.

    For `workers` > 1 the batches shrink toward the end (each at most the seeds left over
    `spread` times the workers: `Executor.spread`), so the workers run out of work together:
    the last batch still running when the others are done is a few seeds, not `size`. `after`
    seeds (of later cases, in the same run of batches) count as left: the batches shrink toward
    the end of the whole run, not of each case. `workers` and `size` may be functions, asked
    before each batch: a Dask cluster's workers may join or leave mid-sweep (`_Plan`).
    """
    order = seeds if isinstance(seeds, Sequence) else list(seeds)
    i = 0
    while i < len(order):
        left = len(order) - i
        count = workers() if callable(workers) else workers
        most = size() if callable(size) else size
        parts = spread * count if count > 1 else 0
        n = max(1, min(most, left, -(-(left + after) // parts))) if parts else min(most, left)
        yield Batch(text, filename, case_id, tuple(order[i : i + n]), windows, profile)
        i += n


class Plan:
    """The batches' size for the workers running them, planned again for the seeds left when
    a Dask cluster's workers change mid-sweep (one joins, or leaves): planned once, a cluster
    of one worker joined by three kept cutting the seeds in batches for one, so the sweep ended
    with a worker running a long batch alone. The workers are the executor's count as the last
    batch came back (`Executor.known_workers`: no round trip to the scheduler a batch)."""

    def __init__(
        self,
        size: int,
        executor: Executor,
        left: int,
        resize: Callable[[int, int], int] | None = None,
    ):
        self.size = size
        """Seeds a batch holds at most, for `workers`."""
        self.workers = executor.workers
        self.left = left
        """Seeds not yet handed out, of every case of the sweep."""
        self._executor = executor
        self._resize = resize

    def count(self) -> int:
        """The workers now, `size` planned again for `left` if they changed (`batches`)."""
        now = self._executor.known_workers
        if now != self.workers and self._resize is not None:
            self.size, self.workers = self._resize(self.left, now), now
        return self.workers

    def planned(self) -> int:
        """`size` (`batches`)."""
        return self.size

    def handed(self, batch: Batch) -> None:
        """`batch` is handed out: its seeds are no longer left."""
        self.left -= len(batch.seeds)


def batch_size(total: int, workers: int) -> int:
    """Seeds per batch for `total` seeds on `workers` (what ``fakecloud explore`` uses): four
    batches a worker or more, so the last ones shrink and the workers finish together, and at
    most 50 seeds, since progress and a time budget are looked at between batches."""
    return max(1, min(50, total // (workers * 4) or 1))


def default_jobs() -> int:
    """Worker processes by default: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@contextmanager
def _no_collection() -> Iterator[None]:
    """Python's collector paused (in every thread) while a Dask client starts or stops.

    Meanwhile Dask's loop runner holds a lock of its class (`LoopRunner._lock`, not reentrant),
    and a client that failed half-built (a scheduler address that is no scheduler) is cyclic
    garbage whose finalizer closes it, which takes that lock: a collection in that window would
    wait on it forever (make test hung so in tests/explore/test_cluster.py)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Executor:
    """Runs batches somewhere and yields their outcomes as they finish.

    `jobs=1` runs in this process; more runs here and on `jobs` - 1 worker processes forked from
    this one (`fakecloud.explore.pool`); `scheduler` (an address such as
    ``tcp://10.0.0.5:8786``) runs on that Dask cluster.
    """

    _pool: Any
    _client: Any
    _ours_only: list[str] | None
    _refused: dict[str, str]
    _counted: int | None
    _found_on: dict[tuple[str, str, int], Any]

    def __init__(
        self,
        jobs: int = 1,
        scheduler: str | None = None,
        note: Callable[[str], None] = lambda text: None,
    ):
        self.jobs = jobs
        self.scheduler = scheduler
        self.note = note
        """Told what the user should know that changes no result (a worker of another
        fakecloud left out, its batches run again): ``fakecloud explore`` prints it on stderr."""
        self._pool = None
        self._client = None
        self._ours_only = None
        """The Dask workers batches are restricted to once a worker of another fakecloud was
        seen (those that run this one then); None: any worker."""
        self._refused = {}
        """Workers of another fakecloud seen mid-sweep, and their builds."""
        self._counted = None
        """The Dask cluster's worker threads as last counted (`workers`)."""
        self._found_on = {}
        """(file, case id, seed) of a seed that broke something -> the Dask worker that ran it,
        or the local one (None: this process) (`each`)."""

    def __enter__(self) -> Executor:
        if self.scheduler:
            try:
                from distributed import Client
            except ImportError:
                raise ClusterUnavailable(INSTALL_CLUSTER) from None
            try:
                with _no_collection():
                    self._client = Client(self.scheduler, timeout="10s")
            except (OSError, TimeoutError, ValueError) as exc:  # ValueError: a bad address
                raise ClusterUnavailable(
                    f"cannot reach the Dask scheduler at {self.scheduler}: {exc}"
                ) from None
            except Exception as exc:  # noqa: BLE001 - Dask misreads what answered there
                # Something else listens there (an SSH or HTTP server): Dask takes its first
                # bytes for a frame length (MemoryError, OverflowError, ...).
                raise ClusterUnavailable(
                    f"cannot reach the Dask scheduler at {self.scheduler}: what answered is no "
                    f"Dask scheduler (reading its handshake: {type(exc).__name__})"
                ) from None
            self._check_workers()
        elif self.jobs > 1:
            from fakecloud.explore.pool import LocalPool

            self._pool = LocalPool(self.jobs)
        return self

    def _check_workers(self) -> None:
        """Refuse a cluster whose workers run another fakecloud (`fakecloud.explore.build`):
        their seeds would not be this fakecloud's. A worker without fakecloud, or with one
        too old to answer, returns the error its unpickling met. (One that joins mid-sweep is
        left out instead: `_leave_out`.)"""
        from fakecloud.explore.build import this_build

        ours = this_build()
        with _no_collection():
            theirs = self._client.run(_worker_build, on_error="return")
        other = {
            addr: build if isinstance(build, str) else f"none that answers: {build}"
            for addr, build in sorted(theirs.items())
            if build != ours
        }
        if other:
            self.__exit__(None, None, None)
            listed = "; ".join(f"{addr}: {build}" for addr, build in other.items())
            raise ClusterUnavailable(
                f"the Dask workers at {self.scheduler} must run this fakecloud, {ours}; "
                f"{len(other)} of {len(theirs)} run another ({listed}): "
                "install this one on every worker and restart them"
            )

    def __exit__(self, *exc: Any) -> None:
        if self._pool is not None:
            self._pool.close(abort=exc[0] is not None)
        if self._client is not None:
            with _no_collection():
                self._client.close()
            self._client = None  # closed once, by a refusal or by the with-block's end

    @property
    def starts_from_here(self) -> bool:
        """Whether the next batches start from what this process has prepared (its cases,
        their planned forks): they run in this process, and on local workers not forked yet
        (a pool forks its workers at its first batches, for one `map` or `pairs`)."""
        return not self.scheduler and not (self._pool is not None and self._pool.forked)

    @property
    def spread(self) -> int:
        """How finely `batches` cuts the seeds left toward the end, per worker (its `spread`).
        Local pools 3: a worker holds two batches (the one it runs and the next) while this
        process runs a third, so at 2 a worker still held about 7/16 of the seeds left when this
        process ran out of them. A Dask cluster 2: each task costs its scheduler a few
        milliseconds, which more, smaller batches cost more than they save (400 seeds on two
        single-thread workers: 20 batches 333 ms, 27 batches 359 ms)."""
        return 2 if self.scheduler else 3

    @property
    def workers(self) -> int:
        """How many workers run batches at once (on a Dask cluster: its workers' threads now,
        asked of its scheduler)."""
        if self._client is not None:
            with _no_collection():
                self._counted = max(1, sum(self._client.nthreads().values()))
            return self._counted
        return self.jobs

    @property
    def known_workers(self) -> int:
        """`workers` as last counted: on a Dask cluster, as the last batch came back
        (`_pipelined` counts them then), with no round trip to its scheduler."""
        if self._client is not None and self._counted is not None:
            return self._counted
        return self.workers

    def map(
        self, work: Iterable[Batch], stop: Callable[[], bool] = lambda: False
    ) -> Iterator[list[SeedOutcome]]:
        """Outcomes of each batch of `work`, as batches finish; no new batch starts once
        `stop()` is true."""
        for _, outcomes in self.pairs(work, stop):
            yield outcomes

    def pairs(
        self, work: Iterable[Batch], stop: Callable[[], bool] = lambda: False
    ) -> Iterator[tuple[Batch, list[SeedOutcome]]]:
        """Each batch of `work` with its outcomes, as batches finish (`map`): for work of
        several cases, whose batches finish in any order."""
        if self._pool is not None:
            here = partial(run_batch, stop=stop)
            pool = self._pool
            for batch, outcomes in pool.map(iter(work), stop, run_batch, here, _broke_some):
                for outcome in outcomes:
                    if not outcome.passed:  # a group's replay is made there (`each`)
                        self._found_on[batch.filename, batch.case_id, outcome.seed] = pool.ran_on
                yield batch, outcomes
            return
        if self._client is None:
            for batch in work:
                if stop():
                    return
                yield batch, run_batch(batch, stop)
            return
        yield from self._pipelined(iter(work), stop)

    def _pipelined(self, work: Iterator[Batch], stop: Callable[[], bool]) -> Iterator[tuple]:
        # A batch's future puts itself in `finished` when done (its callback runs in the
        # client's thread), so the wait for the next one is one blocking get rather
        # than a waiter put on every pending future and taken off again per batch.
        finished: queue.SimpleQueue[Any] = queue.SimpleQueue()
        live: dict[int, tuple[Batch, Any, bool]] = {}  # submitted, not back: by number
        numbers = itertools.count()

        def submit(batch: Batch) -> None:
            number, only = next(numbers), self._ours_only
            where = {} if only is None else {"workers": only, "allow_other_workers": False}
            future = self._client.submit(_run_batch_built, batch, pure=False, **where)
            live[number] = (batch, future, only is not None)
            future.add_done_callback(lambda done, n=number: finished.put((n, done)))

        def take() -> bool:
            batch = next(work, None)
            if batch is None or stop():
                return False
            submit(batch)
            return True

        def fill() -> None:
            # two batches a worker thread: one running, one waiting. The workers are counted
            # again each time, as one may join the cluster (or leave it) mid-sweep: counted
            # once, a cluster of one worker joined by three kept two batches out, and three of
            # its four workers had nothing to run at any moment (until session 43).
            most = 2 * self.workers
            while len(live) < most and take():
                pass

        fill()
        from fakecloud.explore.build import this_build

        ours = this_build()
        waited = 0.0
        while live:
            if stop():  # Ctrl-C: the batches under way are given up (`_cancel`)
                self._cancel(live)
                return
            try:
                number, done = finished.get(timeout=_STOP_S)
            except queue.Empty:
                waited += _STOP_S
                if self._ours_only and waited >= _WATCH_S:
                    # restricted batches wait: for workers that are still there?
                    waited = 0.0
                    self._watch(ours, live, submit)
                continue
            waited = 0.0
            if number not in live:  # one `_watch` submitted again, cancelled
                continue
            batch, _, restricted = live.pop(number)
            try:
                worker, build, outcomes = done.result()
            except Exception:
                # a worker of an older fakecloud that joined meanwhile cannot even read the
                # task (no _run_batch_built there): left out, the batch run again by this
                # fakecloud's workers; an error there is the batch's own
                if restricted or not self._leave_out(ours, {}):
                    raise
                submit(batch)
                continue
            if build != ours:  # a worker that joined mid-sweep: its seeds are another's
                self._leave_out(ours, {worker: build})
                submit(batch)
                continue
            for outcome in outcomes:
                if not outcome.passed:  # a group's replay is made there (`each`)
                    self._found_on[batch.filename, batch.case_id, outcome.seed] = worker
            yield batch, outcomes
            fill()

    def _cancel(self, live: dict[int, tuple[Batch, Any, bool]]) -> None:
        """Give up the batches under way (Ctrl-C): those not begun never run; Dask cannot stop
        a task a worker runs, so one begun runs on there, its outcomes unread."""
        with _no_collection():
            self._client.cancel([future for _, future, _ in live.values()])
        live.clear()

    def each(self, run: Callable[[Any], Any], jobs: list[Any]) -> list[Any]:
        """`run(job)` of each of `jobs` (each with a `filename`, `case_id` and `seed`; `run` a
        module-level function), by the worker that ran the job's seed, all at once: what `run`
        returns, in order. On a Dask cluster its case is prepared there (another of this
        fakecloud's worker runs it if that one has gone; one that comes back from a worker of
        another fakecloud, joined meanwhile, is run again here). A local worker runs it when
        it waits with no batch left to run (`LocalPool.each`): the jobs of a sweep's last
        case, made side by side; else, and for the seeds this process ran, here."""
        if self._pool is not None:  # by the local worker that ran the seed, while it waits
            where = [self._found_on.get((job.filename, job.case_id, job.seed)) for job in jobs]
            return self._pool.each(run, jobs, where)
        if self._client is None:
            return [run(job) for job in jobs]
        from fakecloud.explore.build import this_build

        ours = this_build()
        futures = []
        for job in jobs:
            where = self._found_on.get((job.filename, job.case_id, job.seed))
            only = self._ours_only
            if where is not None and (only is None or where in only):
                placed: dict[str, Any] = {"workers": [where], "allow_other_workers": True}
            else:
                placed = {} if only is None else {"workers": only, "allow_other_workers": False}
            futures.append(self._client.submit(_run_built, run, job, pure=False, **placed))
        out = []
        for job, future in zip(jobs, futures, strict=True):
            try:
                _, build, value = future.result()
            except Exception:
                if not self._refused:  # no other fakecloud took part: the job's own error
                    raise
                build, value = None, None  # a worker too old to read the task: made here
            out.append(value if build == ours else run(job))
        return out

    def _leave_out(self, ours: str, seen: dict[str, str]) -> bool:
        """Restrict the batches to the workers that run `ours` once a worker of another
        fakecloud took part (`seen`: worker -> its build; every worker is asked too), and
        whether one ever did. A worker may join the cluster mid-sweep, after `_check_workers`,
        and Dask gives it work at once: its batches are run again by this fakecloud's workers,
        so the report is the one they alone would give. None of those left: the sweep stops."""
        with _no_collection():
            builds = self._client.run(_worker_build, on_error="return")
        told = {
            a: b if isinstance(b, str) else f"none that answers: {b}" for a, b in builds.items()
        }
        new = {
            a: b
            for a, b in sorted({**told, **seen}.items())
            if b != ours and a not in self._refused
        }
        self._refused.update(new)
        if not self._refused:
            return False
        good = sorted(a for a, b in builds.items() if b == ours and a not in self._refused)
        if not good:
            self.__exit__(None, None, None)
            listed = "; ".join(f"{a}: {b}" for a, b in sorted(self._refused.items()))
            raise ClusterUnavailable(
                f"no Dask worker at {self.scheduler} runs this fakecloud, {ours}, any more; "
                f"those that joined after the sweep began run another ({listed}): the sweep "
                "stopped; install this one on every worker and restart them"
            )
        self._ours_only = good
        for addr, build in new.items():
            self.note(
                f"the Dask worker {addr}, which joined {self.scheduler} after the sweep began, "
                f"runs another fakecloud, {build}, not this one, {ours}: its batches are run "
                "again by the workers that run this one, and it gets no more (install this one "
                "on it and restart it)"
            )
        return True

    def _watch(self, ours: str, live: dict[int, tuple[Batch, Any, bool]], submit: Callable) -> None:
        """Batches restricted to this fakecloud's workers have waited `_WATCH_S`: when none of
        those workers is left (each stopped, or restarted at another address) Dask would hold
        them for good, so they go to the workers of this fakecloud there now."""
        with _no_collection():
            there = set(self._client.scheduler_info(n_workers=-1)["workers"])
        if there & set(self._ours_only or ()):
            return
        self._leave_out(ours, {})  # to those of ours there now; raises with none left
        for number, (batch, future, restricted) in list(live.items()):
            if restricted:
                del live[number]
                future.cancel()
                submit(batch)


def _broke_some(outcomes: list[SeedOutcome]) -> bool:
    """Whether a batch's `outcomes` hold a seed that broke something: its local worker is kept
    for the replays of the groups it found (`LocalPool.map`'s keep)."""
    return any(not outcome.passed for outcome in outcomes)


def _run_batch_built(batch: Batch) -> tuple[str, str, list[SeedOutcome]]:
    """`run_batch` on a Dask worker: its address and build with the batch's outcomes, which
    this process takes only from this fakecloud (`Executor._pipelined`)."""
    from distributed import get_worker

    from fakecloud.explore.build import this_build

    return get_worker().address, this_build(), run_batch(batch)


def _run_built(run: Callable[[Any], Any], job: Any) -> tuple[str, str, Any]:
    """`run(job)` on a Dask worker (`Executor.each`): its address and build with the answer."""
    from distributed import get_worker

    from fakecloud.explore.build import this_build

    return get_worker().address, this_build(), run(job)


def _worker_build() -> str:
    """A worker's fakecloud (`fakecloud.explore.build.this_build`), run there by `Client.run`."""
    from fakecloud.explore.build import this_build

    return this_build()


class ClusterUnavailable(Exception):
    """``--scheduler`` cannot be used (distributed missing, or the scheduler unreachable)."""
