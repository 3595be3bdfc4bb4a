"""The local pool: this process runs batches alongside its forked workers, a worker's error
reaches the caller, and a worker that dies is named rather than waited for."""

import os

import pytest

from fakecloud.explore.pool import LocalPool, WorkerDied


def _pid(batch):
    return [(batch, os.getpid())]


def _fail(batch):
    if os.getpid() != _PARENT:
        raise ValueError(f"batch {batch} is bad")
    return [batch]


def _die(batch):
    if os.getpid() != _PARENT:
        os._exit(9)
    return [batch]


_PARENT = os.getpid()


def test_batches_run_here_and_on_a_forked_worker_each_once():
    pool = LocalPool(2)
    try:
        done = [item for batch in pool.map(iter(range(12)), lambda: False, _pid) for item in batch]
    finally:
        pool.close()
    assert sorted(b for b, _ in done) == list(range(12))
    assert {pid for _, pid in done} - {os.getpid()} and os.getpid() in {pid for _, pid in done}


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
    pool = LocalPool(2)
    assert sorted(
        b for b, _ in (i for x in pool.map(iter(range(4)), lambda: False, _pid) for i in x)
    ) == [0, 1, 2, 3]
    (worker,) = pool._workers
    worker.process.kill()
    worker.process.join()
    with pytest.raises(WorkerDied, match="ended without answering"):
        list(pool.map(iter(range(4)), lambda: False, _pid))
    assert not pool.forked
