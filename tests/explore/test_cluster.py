"""`fakecloud explore --scheduler`: the seeds run on a Dask cluster, with the same results.

The suite's cluster is a `LocalCluster` of two worker processes on 127.0.0.1, started by the test
that uses it: the seeds' batches and results cross TCP between processes as with a real
cluster; a real sweep points --scheduler at a `dask scheduler` the user started.
"""

import contextlib
import gc
import json
import socket
import sys
import threading

import pytest

import fakecloud
from fakecloud.cli import main as cli
from fakecloud.explore import runner


@contextlib.contextmanager
def local_cluster():
    """A LocalCluster of two forked worker processes on 127.0.0.1; yields its address."""
    # Imported here, not at collection: Dask's import costs a second of every worker's start.
    distributed = pytest.importorskip("distributed")
    dask = pytest.importorskip("dask")
    # forked worker processes start in a fraction of the time spawned ones take
    with dask.config.set({"distributed.worker.multiprocessing-method": "fork"}):
        cluster = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            # The scheduler serves HTTP whatever the dashboard: on a free port of this host's
            # loopback, not 8787 on every interface (taken by any other cluster on the host,
            # such as another checkout's suite, which Dask then warns of)
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            silence_logs=50,
        )
    try:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        yield cluster.scheduler_address
    finally:
        cluster.close()


@pytest.mark.early
def test_a_dask_cluster_finds_exactly_what_a_serial_run_finds(shared_link, tmp_path, monkeypatch):
    def explore(name, *extra):
        path = tmp_path / f"{name}.json"
        args = ["explore", str(shared_link), "--seeds", "4", "--no-progress"]
        code = cli([*args, "--out", str(tmp_path / name), "--json", str(path), *extra])
        assert code == 1
        data = json.loads(path.read_text())
        return [(g["broke"], g["path"], g["seeds"]) for g in data["groups"]]

    serial = explore("serial", "--jobs", "1")
    # The cluster is forked after the serial run, so its workers start with the modules a seed
    # needs already imported (as a long-lived cluster's workers have them after their first
    # batch) rather than each importing the simulator: most of the test's CPU and wall. Not the
    # case the serial run prepared, though: each worker reads the scenario text its batches
    # bring over TCP, as a fresh worker of a real cluster does.
    monkeypatch.setattr(runner, "_PREPARED", {})
    with local_cluster() as scheduler:
        dask = explore("dask", "--scheduler", scheduler)
    assert dask == serial
    assert dask[0][2] == list(range(4))


def test_no_collection_runs_while_a_client_holds_dasks_loop_runner_lock():
    """A client starts (and stops) holding a lock of Dask's `LoopRunner` class, not reentrant,
    and a client that failed half-built is cyclic garbage whose finalizer takes that lock: a
    collection meanwhile finalizing one would wait forever (make test hung so). So none runs:
    here one is due at every allocation, and none came while the lock was held. Before the
    refusals below, which leave such clients: this test makes one only after its check."""
    from distributed.utils import LoopRunner

    held = []

    def collection(phase, _info):
        if phase == "start":
            held.append(LoopRunner._lock.locked())

    saved = gc.get_threshold()
    gc.callbacks.append(collection)
    gc.set_threshold(1, 1_000_000, 1_000_000)  # young collections only: the heap is not walked
    try:
        with pytest.raises(runner.ClusterUnavailable), runner.Executor(1, "garbage"):
            pass
    finally:
        gc.set_threshold(*saved)
        gc.callbacks.remove(collection)
    assert held and True not in held  # collections came, none while the lock was held


def test_without_distributed_the_scheduler_option_says_how_to_install_it(
    shared_link, monkeypatch, capsys
):
    monkeypatch.setitem(sys.modules, "distributed", None)
    assert cli(["explore", str(shared_link), "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "pip install 'fakecloud-openstack[cluster]'" in capsys.readouterr().err


def test_a_scheduler_address_dask_cannot_read_is_refused_before_any_work(shared_link, capsys):
    """Here rather than with the other refusals (tests/robustness/test_cli_outputs.py): the
    message is Dask's, so the check imports distributed, which this module's cluster has
    imported already (a second import in another xdist worker cost 0.2 CPU-s)."""
    before = sorted(p.name for p in shared_link.parent.iterdir())
    assert cli(["explore", str(shared_link), "--scheduler", "garbage"]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        "fakecloud explore: cannot reach "
        "the Dask scheduler at garbage: missing port number in address 'garbage'"
    )
    assert sorted(p.name for p in shared_link.parent.iterdir()) == before  # nothing written

    # Something else answers there (an SSH server's banner): Dask reads its first bytes as a
    # frame length (a MemoryError, a traceback before).
    with socket.create_server(("127.0.0.1", 0)) as server:

        def answer():
            conn, _ = server.accept()
            with conn:
                conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")
                conn.recv(1)

        threading.Thread(target=answer, daemon=True).start()
        address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
        with pytest.raises(runner.ClusterUnavailable) as refused, runner.Executor(1, address):
            pass
    assert str(refused.value) == (
        f"cannot reach the Dask scheduler at {address}: what answered is no Dask scheduler "
        "(reading its handshake: MemoryError)"
    )


def test_a_worker_with_another_fakecloud_is_told_apart_by_its_files(tmp_path):
    # the version alone cannot: two development trees are both 0.1.0
    from fakecloud.explore.build import build_of, this_build

    (tmp_path / "pkg" / "__pycache__").mkdir(parents=True)
    (tmp_path / "pkg" / "runner.py").write_text("SEEDS = 1\n")
    first = build_of(tmp_path / "pkg")
    (tmp_path / "pkg" / "__pycache__" / "runner.pyc").write_bytes(b"cache")
    assert build_of(tmp_path / "pkg") == first  # caches are no part of a build
    (tmp_path / "pkg" / "runner.py").write_text("SEEDS = 2\n")
    assert build_of(tmp_path / "pkg") != first
    (tmp_path / "pkg" / "runner.py").rename(tmp_path / "pkg" / "play.py")
    assert build_of(tmp_path / "pkg") not in (first, build_of(tmp_path / "pkg" / "__pycache__"))
    assert this_build().startswith(f"{fakecloud.__version__} (")


def test_a_batch_from_a_worker_that_joined_with_another_fakecloud_is_refused():
    """The workers are asked for their build before the first batch; one that joins the
    cluster later gets work from Dask at once. Each batch comes back with its worker's build,
    and one from another fakecloud stops the sweep (exit 2 in `fakecloud explore`) naming the
    worker, rather than mixing two programs' seeds into one report. (A worker too old to read
    the task at all loses its connection to the scheduler, and Dask runs its batch elsewhere:
    seen with a worker on an older main joining a 3,000-seed sweep.)"""
    executor = runner.Executor(scheduler="tcp://10.0.0.5:8786")
    ours, outcomes = "0.1.0 (5c84d2fb190cac1a)", ["an outcome"]
    assert executor._from_this_build(ours, "tcp://10.0.0.7:40001", ours, outcomes) == outcomes
    with pytest.raises(runner.ClusterUnavailable) as refused:
        executor._from_this_build(ours, "tcp://10.0.0.7:40001", "0.1.0 (2bad2eefc5646f93)", [])
    assert str(refused.value) == (
        "the Dask worker tcp://10.0.0.7:40001, which joined tcp://10.0.0.5:8786 after the sweep "
        "began, runs another fakecloud, 0.1.0 (2bad2eefc5646f93), not this one, 0.1.0 "
        "(5c84d2fb190cac1a): its seeds are refused and the sweep stopped; install this one on "
        "every worker and restart them"
    )
