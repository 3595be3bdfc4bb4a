"""Local worker processes that this process works alongside: ``--jobs J`` is J processes
running seeds, this one and J - 1 forked from it.

A worker is forked when there is a batch for it and is kept two batches deep (one running, one
waiting), so it never waits while this process is busy with a batch of its own; this process
looks for finished batches, and hands out the next ones, between its own. There is no thread:
a pool of J forked workers fed by threads of an idle parent cost a fork, a worker's warm-up and
its copy-on-write faults more, and the parent's threads took CPU from the workers at every batch.

Workers serve one `LocalPool.map`: they are forked at its first batches, from this process as
it is then (the case it maps prepared, its world's fork planned, a seed of it played), and told
to leave once no batch is left for them. The last few batches are kept for this process, so a
worker's exit (a few milliseconds: the kernel unmaps every page it shares with this process)
overlaps this process's own last seeds instead of being waited for at the end. A worker that
ran a seed that broke something stays instead, until the map ends: `LocalPool.each` gives it
the replay files of the groups it found to make.

The workers ignore Ctrl-C (this process answers it: it stops them, their batches under way
given up) and leave when told or when this process closes their pipe.
"""

from __future__ import annotations

import multiprocessing
import select
import signal
from collections import deque
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any

#: Batches a worker is given ahead: the one it runs and the next, ready when it finishes.
_AHEAD = 2

#: Real seconds between looks at Ctrl-C while this process waits for its workers' batches.
_STOP_S = 0.1

#: The last batches of a map, run by this process alone (a worker is never given one): the
#: smallest when `fakecloud.explore.runner.batches` cuts them, seeds this process runs while
#: its workers, told to leave once only these are left, finish theirs and exit.
_KEPT = 3


class WorkerDied(RuntimeError):
    """A local worker process ended without answering (killed, or out of memory)."""


class LocalPool:
    """`jobs` processes running batches: this one and up to `jobs` - 1 forked workers."""

    _workers: list[_Worker]
    _leaving: list[_Worker]
    ran_on: _Worker | None

    def __init__(self, jobs: int):
        self.jobs = jobs
        self._workers = []  # serving the map under way
        self._leaving = []  # told to leave, not yet waited for
        self.ran_on = None
        """Where the batch `map` yields last ran: a worker, or None (here)."""

    @property
    def forked(self) -> bool:
        """Whether workers forked for the map under way serve it (forked from this process as
        it was at that map's start; a new map forks its own)."""
        return bool(self._workers)

    def map(
        self,
        work: Iterator[Any],
        stop: Callable[[], bool],
        run: Callable[[Any], Any],
        here: Callable[[Any], Any] | None = None,
        keep: Callable[[Any], bool] = lambda answer: False,
    ) -> Iterator[Any]:
        """(batch, `run(batch)`) for each batch of `work`, as batches finish, in a worker (`run`
        must be a module-level function) or here (`here(batch)`, default `run`: one that stops
        its batch at `stop()`); no new batch starts once `stop()` is true, and then (Ctrl-C)
        the workers' batches under way are given up, the workers stopped. `ran_on` says, as
        each is yielded, where it ran. A worker one of whose answers `keep` holds (a batch with
        a seed that broke something) is not told to leave once the batches run out, but at
        the map's end: meanwhile `each` gives it jobs (the replay of a group it found)."""
        here = here or run
        ahead: deque[Any] = deque()  # taken from `work`, not started
        for worker in [w for w in self._leaving if w.process.exitcode is not None]:
            self._leaving.remove(worker)  # an earlier map's, gone: its pipe closed now
            worker.conn.close()

        def next_batch(here: bool) -> Any:
            if stop():
                return None
            while len(ahead) <= _KEPT:
                batch = next(work, None)
                if batch is None:
                    break
                ahead.append(batch)
            if not here and len(ahead) <= _KEPT:  # the last ones: this process's
                return None
            return ahead.popleft() if ahead else None

        def feed(worker: _Worker) -> None:
            while worker.pending < _AHEAD and not worker.told:
                batch = next_batch(here=False)
                if batch is None:  # none left for any worker: they leave once done
                    for each in self._workers:
                        if not each.kept:  # kept: may be given its finds' replays (`each`)
                            each.stop(abort=False)
                    return
                worker.send(batch)

        def received(worker: _Worker) -> Any:
            done = worker.receive()
            worker.kept = worker.kept or keep(done[1])
            self.ran_on = worker
            return done

        try:
            while len(self._workers) < self.jobs - 1:  # forked once there is work for them
                first = []
                while len(first) < _AHEAD and (batch := next_batch(here=False)) is not None:
                    first.append(batch)
                if not first:
                    break
                # its first batches are in its memory from the fork: it starts at once
                worker = _Worker(run, self._workers + self._leaving, first)
                self._workers.append(worker)
                feed(worker)
            while True:
                for worker in self._finished(timeout=0):
                    done = received(worker)
                    feed(worker)
                    yield done
                batch = next_batch(here=True)
                if batch is not None:
                    answer = here(batch)
                    self.ran_on = None
                    yield batch, answer
                    continue
                if not any(w.pending for w in self._workers):
                    break
                if stop():  # Ctrl-C: what the workers run is given up, not waited for
                    self.close(abort=True)
                    break
                # looked at again after _STOP_S: Ctrl-C's handler only notes it
                for worker in self._finished(timeout=_STOP_S):
                    yield received(worker)
        except BaseException as exc:  # an error, Ctrl-C, or the caller stopped reading
            # stopped, not awaited; a dead worker takes the pool with it
            if isinstance(exc, WorkerDied) or any(w.pending for w in self._workers):
                self.close(abort=True)
            self._let_go()
            raise
        self._let_go()

    def each(self, run: Callable[[Any], Any], jobs: list[Any], where: list[Any]) -> list[Any]:
        """`run(job)` of each of `jobs` (`run` a module-level function), in order: each on the
        worker `where` names (`ran_on` as its batch came back) while that worker waits, kept
        and with nothing to run (its map has no batch left for it), two at a time, the others
        here meanwhile; on a worker that has batches under way, or has left, here as well."""
        out: list[Any] = [None] * len(jobs)
        queued: dict[_Worker, deque[int]] = {}
        here = []
        for n, worker in enumerate(where):
            idle = worker in self._workers and worker.kept and not worker.told
            if idle and not worker.pending:
                queued.setdefault(worker, deque()).append(n)
            else:
                here.append(n)
        taken: dict[_Worker, deque[int]] = {w: deque() for w in queued}

        def top(worker: _Worker) -> None:
            while worker.pending < _AHEAD and queued[worker]:
                n = queued[worker].popleft()
                worker.send(_Job(run, jobs[n]))
                taken[worker].append(n)

        def take(worker: _Worker) -> None:
            out[taken[worker].popleft()] = worker.receive()[1]
            top(worker)

        for worker in queued:
            top(worker)
        for n in here:
            out[n] = run(jobs[n])
            for worker in self._finished(timeout=0, among=queued):
                take(worker)
        while any(w.pending for w in queued):
            for worker in self._finished(timeout=None, among=queued):
                take(worker)
        return out

    def _let_go(self) -> None:
        """The workers of a map that has no more for them leave (most were told already)."""
        for worker in self._workers:
            worker.stop(abort=False)
        self._leaving += self._workers
        self._workers = []

    def _finished(self, timeout: float | None, among: Any = None) -> list[_Worker]:
        busy = {w.conn: w for w in (self._workers if among is None else among) if w.pending}
        if not busy:
            return []
        if timeout == 0:  # a look between this process's batches: one select, no selector
            return [busy[c] for c in select.select(list(busy), [], [], 0)[0]]
        return [busy[c] for c in wait(list(busy), timeout)]

    def close(self, abort: bool = False) -> None:
        """Let the workers go (`abort`: stop them at once) and wait for them to exit."""
        workers = self._workers + self._leaving
        self._workers, self._leaving = [], []
        for worker in workers:
            worker.stop(abort)
        for worker in workers:
            worker.process.join()
            worker.conn.close()


class _Worker:
    """A forked worker process and this process's end of its pipe."""

    def __init__(self, run: Callable[[Any], Any], others: list[_Worker], first: list[Any]):
        self.conn, theirs = multiprocessing.Pipe()
        inherited = [self.conn] + [w.conn for w in others]
        context = multiprocessing.get_context("fork")
        self.process = context.Process(
            target=_serve, args=(theirs, inherited, run, first), daemon=True
        )
        # forked with SIGINT blocked: a Ctrl-C then is held for this process (its handler
        # runs once the fork is done) and never runs this process's handler in the worker
        # before `_serve` ignores it (it printed the notice there; a second Ctrl-C, a
        # KeyboardInterrupt traceback)
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            self.process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        theirs.close()
        self.sent = deque(first)  # not answered yet, in the order they run
        self.told = False  # to leave
        self.kept = False  # on once its batches run out: `LocalPool.map`'s keep

    @property
    def pending(self) -> int:
        """Batches sent (or forked with) and not answered yet."""
        return len(self.sent)

    def send(self, batch: Any) -> None:
        try:
            self.conn.send(batch)
        except OSError:  # its end closed: it died before it could take this batch
            raise self._died() from None
        self.sent.append(batch)

    def receive(self) -> tuple[Any, Any]:
        """The batch it ran first of those it holds, and its answer."""
        try:
            ok, value = self.conn.recv()
        except (EOFError, OSError):
            raise self._died() from None
        batch = self.sent.popleft()
        if not ok:
            raise value
        return batch, value

    def _died(self) -> WorkerDied:
        return WorkerDied(
            f"a local worker process (pid {self.process.pid}) ended without answering"
        )

    def stop(self, abort: bool) -> None:
        if abort:
            self.process.terminate()
            return
        if self.told:
            return
        self.told = True
        try:
            self.conn.send(None)
        except OSError:  # gone already
            pass


def _serve(
    conn: Connection, inherited: list[Connection], run: Callable[[Any], Any], first: list[Any]
) -> None:
    """A worker's loop: run its `first` batches, then each batch sent, and answer each with
    (True, outcomes) or (False, the error)."""
    # Ctrl-C reaches the whole process group: the parent alone answers it (it stops the
    # workers and exits 130) instead of every worker printing a KeyboardInterrupt traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # forked with it blocked (`_Worker`): one held since is dropped, being ignored now
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    for other in inherited:  # the parent's ends: its exit must end this worker's reads
        other.close()
    for batch in first:
        _answer(conn, run, batch)
    while True:
        try:
            batch = conn.recv()
        except EOFError:
            return
        if batch is None:
            return
        _answer(conn, run, batch)


class _Job:
    """A job `LocalPool.each` sends a worker: `run(job)`, in place of its map's own `run`."""

    def __init__(self, run: Callable[[Any], Any], job: Any):
        self.run, self.job = run, job


def _answer(conn: Connection, run: Callable[[Any], Any], batch: Any) -> None:
    try:
        if isinstance(batch, _Job):
            answer: tuple[bool, Any] = (True, batch.run(batch.job))
        else:
            answer = (True, run(batch))
    except Exception as exc:  # noqa: BLE001 - handed to the parent, which raises it
        answer = (False, exc)
    try:
        conn.send(answer)
    except Exception as exc:  # noqa: BLE001 - an error that does not pickle
        conn.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
