"""The local pool: this process runs batches alongside its forked workers (each map forks its
own, and keeps its last batches here), a worker's error reaches the caller, and a worker that
dies is named rather than waited for."""

import json
import os
import signal

import pytest

from fakecloud.explore.pool import _KEPT, LocalPool, WorkerDied


def _pid(batch):
    return [(batch, os.getpid())]


def _state(batch):
    return [(batch, os.getpid(), _STATE)]


def _kill_worker_here(batch):
    if os.getpid() == _PARENT and _POOL._workers:
        os.kill(_POOL._workers[0].process.pid, signal.SIGKILL)
        _POOL._workers[0].process.join()
    return [batch]


_STATE = "before"
_POOL = None


def _fail(batch):
    if os.getpid() != _PARENT:
        raise ValueError(f"batch {batch} is bad")
    return [batch]


def _die(batch):
    if os.getpid() != _PARENT:
        os._exit(9)
    return [batch]


_PARENT = os.getpid()


def test_batches_run_here_and_on_a_forked_worker_each_once_the_last_ones_here():
    pool = LocalPool(2)
    try:
        done = [
            item for _, batch in pool.map(iter(range(12)), lambda: False, _pid) for item in batch
        ]
    finally:
        pool.close()
    assert sorted(b for b, _ in done) == list(range(12))
    assert {pid for _, pid in done} - {os.getpid()} and os.getpid() in {pid for _, pid in done}
    # the worker, told to leave once only these are left, exits while this process runs them
    assert {pid for b, pid in done if b >= 12 - _KEPT} == {os.getpid()}


def test_each_map_forks_its_workers_from_this_process_as_it_is_then():
    global _STATE
    pool = LocalPool(2)
    try:
        first = [i for _, batch in pool.map(iter(range(8)), lambda: False, _state) for i in batch]
        assert not pool.forked  # its workers left with the map's last batches
        _STATE = "after"  # a case prepared here between maps: the next workers start from it
        second = [i for _, batch in pool.map(iter(range(8)), lambda: False, _state) for i in batch]
        for worker in pool._leaving:
            worker.process.join()
        # a later map lets go of the workers that have exited: only its own is left to close
        assert list(pool.map(iter(range(8)), lambda: False, _state))
        assert len(pool._leaving) == 1
    finally:
        _STATE = "before"
        pool.close()
    workers = [{pid for _, pid, _ in run} - {os.getpid()} for run in (first, second)]
    assert all(workers) and workers[0] != workers[1]
    assert {state for *_, state in first} == {"before"}
    assert {state for *_, state in second} == {"after"}


def test_a_workers_error_is_raised_here_and_a_spent_stop_starts_nothing():
    pool = LocalPool(2)
    with pytest.raises(ValueError, match="batch 0 is bad"):
        list(pool.map(iter(range(8)), lambda: False, _fail))
    assert not pool.forked  # stopped, not awaited
    assert list(pool.map(iter(range(8)), lambda: True, _fail)) == []
    assert not pool.forked


def test_a_worker_that_dies_is_named():
    pool = LocalPool(2)
    with pytest.raises(WorkerDied, match="ended without answering"):
        list(pool.map(iter(range(6)), lambda: False, _die))


def test_a_worker_dead_before_its_next_batch_is_named_and_the_pool_closed():
    global _POOL
    pool = _POOL = LocalPool(2)
    try:
        with pytest.raises(WorkerDied, match="ended without answering"):
            list(pool.map(iter(range(12)), lambda: False, _kill_worker_here))
    finally:
        _POOL = None
    assert not pool.forked


def test_a_local_worker_makes_the_replays_of_the_groups_it_found(
    shared_link, tmp_path, monkeypatch
):
    """`--jobs 2`: the worker that ran a group's first seed (seed 0, in the first batches it is
    forked with) is kept once the batches run out and makes that group's replay file, written
    here; the report and the file are a serial run's. (Until session 45 every replay of a local
    sweep was made here, one after another, while the workers had left.)"""
    from fakecloud.explore import session
    from fakecloud.explore.runner import Executor, prepared

    text = shared_link.read_text()
    case = prepared(text, str(shared_link), "default").case

    def explore(name, executor, on_batch=lambda case_id, outcomes: None):
        report = session.explore_file(
            text,
            str(shared_link),
            [case],
            lambda case: range(12),
            executor=executor,
            on_batch=on_batch,
            out_dir=tmp_path / name,
            batch_size=2,
        )
        replays = {p.name: p.read_text() for p in (tmp_path / name).iterdir()}
        shown = json.dumps(report.as_json()).replace(str(tmp_path / name), "OUT")
        return shown, replays

    serial = explore("serial", Executor())

    def forked(case_id, outcomes):  # the worker is forked: this process can no longer make one
        monkeypatch.setattr(session, "replay_document", None)

    with Executor(2) as executor:
        pooled = explore("pool", executor, forked)
    assert pooled == serial and list(serial[1]) == ["shared_link-group1.yaml"]
    assert json.loads(serial[0])["groups"][0]["seeds"] == list(range(12))
