"""`fakecloud explore --scheduler`: the seeds run on a Dask cluster, with the same results.

The suite's cluster is a `LocalCluster` of two worker processes on 127.0.0.1, started by the test
that uses it: the seeds' batches and results cross TCP between processes as with a real
cluster; a real sweep points --scheduler at a `dask scheduler` the user started.
"""

import contextlib
import gc
import json
import re
import socket
import sys
import threading
import time

import pytest

import fakecloud
from fakecloud.cli import main as cli
from fakecloud.explore import runner, session
from fakecloud.explore.build import this_build


@contextlib.contextmanager
def local_cluster(workers=2, yield_cluster=False):
    """A LocalCluster of `workers` forked worker processes on 127.0.0.1; yields its address
    (`yield_cluster`: the cluster)."""
    # Imported here, not at collection: Dask's import costs a second of every worker's start.
    distributed = pytest.importorskip("distributed")
    dask = pytest.importorskip("dask")
    # forked worker processes start in a fraction of the time spawned ones take
    with dask.config.set({"distributed.worker.multiprocessing-method": "fork"}):
        cluster = distributed.LocalCluster(
            n_workers=workers,
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
        yield cluster if yield_cluster else cluster.scheduler_address
    finally:
        cluster.close()


@pytest.mark.early
def test_a_dask_cluster_finds_exactly_what_a_serial_run_finds(shared_link, tmp_path, monkeypatch):
    """The same groups, and the same replay files, made by the worker that ran each group's
    first seed (until session 44 made here, after the sweep: 4 s for 60 seeds on a cold
    cluster) and written here."""

    def explore(name, *extra):
        path = tmp_path / f"{name}.json"
        args = ["explore", str(shared_link), "--seeds", "4", "--no-progress"]
        code = cli([*args, "--out", str(tmp_path / name), "--json", str(path), *extra])
        assert code == 1
        data = json.loads(path.read_text())
        replays = {p.name: p.read_text() for p in (tmp_path / name).iterdir()}
        return [(g["broke"], g["path"], g["seeds"]) for g in data["groups"]], replays

    serial = explore("serial", "--jobs", "1")
    # The cluster is forked after the serial run, so its workers start with the modules a seed
    # needs already imported (as a long-lived cluster's workers have them after their first
    # batch) rather than each importing the simulator: most of the test's CPU and wall. Not the
    # case the serial run prepared, though: each worker reads the scenario text its batches
    # bring over TCP, as a fresh worker of a real cluster does.
    monkeypatch.setattr(runner, "_PREPARED", {})
    with local_cluster() as scheduler:
        # the workers are forked already: this process alone can no longer make a replay
        monkeypatch.setattr(session, "replay_document", None)
        dask = explore("dask", "--scheduler", scheduler)
    assert dask == serial
    assert dask[0][0][2] == list(range(4)) and list(dask[1]) == ["shared_link-group1.yaml"]


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
    shared_link, monkeypatch, capsys, tmp_path
):
    monkeypatch.chdir(tmp_path)  # the default --out's probe: not in the tree (conftest.py)
    monkeypatch.setitem(sys.modules, "distributed", None)
    assert cli(["explore", str(shared_link), "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "pip install 'fakecloud-openstack[cluster]'" in capsys.readouterr().err


def test_a_scheduler_address_dask_cannot_read_is_refused_before_any_work(
    shared_link, capsys, monkeypatch, tmp_path
):
    """Here rather than with the other refusals (tests/robustness/test_cli_outputs.py): the
    message is Dask's, so the check imports distributed, which this module's cluster has
    imported already (a second import in another xdist worker cost 0.2 CPU-s)."""
    monkeypatch.chdir(tmp_path)  # the default --out's probe: not in the tree (conftest.py)
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


#: What a late worker of another fakecloud runs at its start (a Dask preload): another build,
#: whose batches come back with no outcome, and, for one too old to read the sweep's tasks, no
#: task function.
FOREIGN = """
import fakecloud.explore.build as build
import fakecloud.explore.runner as runner

build.this_build = lambda: "0.0.9 (0000000000000000)"
runner.run_batch = lambda batch: []  # another program's outcomes: none of the seeds
"""
# A preload given as a .py file runs twice, in one process: distributed's `import_file` imports
# it, then reloads it so that a changed file takes effect (`importlib.reload(importlib.
# import_module(name))`, distributed/utils.py in 2026.11.0, installed here, as in 2026.8, where
# session 42 saw it; its maintainers on the double run: dask/distributed#1634). Measured in
# session 43: a worker with a preload appending its pid to a file wrote two lines, one pid.
# Harmless here: both preloads only set and pop attributes, so the second run leaves the module
# as the first did. A preload that counts or appends must allow for it (or be given as a module
# name on the workers' path, which is imported once).
TOO_OLD = FOREIGN + "for name in ('_run_batch_built', '_worker_build'): vars(runner).pop(name, 0)\n"


def workers_of(cluster):
    """Name -> address of each worker `cluster` has, as the scheduler's worker-status stream
    told it (read on the cluster's event loop, which alone changes that view)."""

    async def named():
        return {w["name"]: a for a, w in cluster.scheduler_info["workers"].items()}

    return cluster.sync(named)


def join(cluster, preloads):
    """Worker processes that join `cluster`, each running its file of `preloads` (name -> file,
    or None: none) first; forked, as the cluster's own are. Back once each is there.

    Waited for in the cluster's own view, not with `cluster.wait_for_workers`: that replaces
    the view with a snapshot asked of the scheduler, so when a worker leaves meanwhile (one
    taken out of the spec, one that cannot read a task) its removal, sent on the stream a few
    milliseconds later, can come after a snapshot that no longer has it, and the cluster's
    handler fails on it (a KeyError at distributed/deploy/spec.py:400 that ends its stream, the
    error raised at `cluster.close()`: 1 run in 5 of a loaded host in session 44; Dask's own race,
    dask/distributed#9064, open)."""
    import dask

    spec = cluster.new_spec
    for name, preload in preloads.items():
        options = {**spec["options"], "preload": [str(preload)] if preload else []}
        cluster.worker_spec[name] = {"cls": spec["cls"], "options": options}
    with dask.config.set({"distributed.worker.multiprocessing-method": "fork"}):
        cluster.scale(len(cluster.worker_spec))
    deadline = time.monotonic() + 60
    while not set(preloads) <= set(workers_of(cluster)):
        assert time.monotonic() < deadline, f"{sorted(preloads)} did not join in 60 s"
        time.sleep(0.05)


@pytest.mark.explore  # three forked workers and a fourth's batches run again: ~1 CPU-s
def test_workers_of_another_fakecloud_joining_mid_sweep_lose_no_seed(
    shared_link, tmp_path, monkeypatch, capsys
):
    """The workers are asked for their build before the first batch; one that joins the
    cluster later gets work from Dask at once. Each batch comes back with its worker's build:
    one from another fakecloud, or one that fails on a worker too old to read the task, is run
    again on the workers of this one, which alone get the rest, so the report is complete and
    the serial run's. (Until session 42 the sweep stopped, exit 2, its seeds in no report.)"""

    def explore(name, *extra):
        path = tmp_path / f"{name}.json"
        args = ["explore", str(shared_link), "--seeds", "12", "--no-progress"]
        assert cli([*args, "--out", str(tmp_path / name), "--json", str(path), *extra]) == 1
        data = json.loads(path.read_text())
        return [(c["seeds"], c["passed"]) for c in data["cases"]], [
            (g["broke"], g["path"], g["seeds"]) for g in data["groups"]
        ]

    serial = explore("serial", "--jobs", "1")
    (tmp_path / "foreign.py").write_text(FOREIGN)
    (tmp_path / "too_old.py").write_text(TOO_OLD)
    with local_cluster(workers=1, yield_cluster=True) as cluster:
        checked = runner.Executor._check_workers

        def joined_after_the_check(executor):
            checked(executor)
            join(cluster, {"foreign": tmp_path / "foreign.py", "too-old": tmp_path / "too_old.py"})

        monkeypatch.setattr(runner.Executor, "_check_workers", joined_after_the_check)
        capsys.readouterr()
        dask = explore("dask", "--scheduler", cluster.scheduler_address)
        late = workers_of(cluster)
    assert dask == serial
    assert serial[0] == [(12, 0)] and serial[1][0][2] == list(range(12))
    # the worker that cannot read the tasks drops out of the cluster as it gets one (Dask runs
    # its batch elsewhere) and comes back: told apart when it is there as the other's batches
    # come back, by the error its answer meets
    ours, address = this_build(), cluster.scheduler_address
    told = capsys.readouterr().err.splitlines()
    note = (
        "fakecloud explore: the Dask worker @, which joined ADDRESS after the sweep began, runs "
        "another fakecloud, @, not this one, OURS: its batches are run again by the workers that "
        "run this one, and it gets no more (install this one on it and restart it)"
    )
    note = note.replace("ADDRESS", address).replace("OURS", ours).replace("@", "{}")
    assert note.format(late["foreign"], "0.0.9 (0000000000000000)") in told
    assert len(told) <= 2
    assert all(
        line == note.format(late["foreign"], "0.0.9 (0000000000000000)")
        or re.fullmatch(
            re.escape(note.format("@", "none that answers: @")).replace("@", ".+"), line
        )
        for line in told
    )


def _one_seed_batches(path, count):
    text = path.read_text()
    return [runner.Batch(text, str(path), "default", (seed,)) for seed in range(count)]


@pytest.mark.explore  # three forked workers: ~1 CPU-s
def test_workers_joining_mid_sweep_are_given_batches_at_once(shared_link):
    """The sweep keeps two batches out per worker thread, counted again as batches come back:
    a cluster of one worker joined by two more mid-sweep has six out from then on. (Until
    session 43 the workers were counted once, at the start: two batches out whatever joined,
    so two of the three workers had nothing to run at any moment.)"""
    batches = _one_seed_batches(shared_link, 16)
    taken, back, out = [0], [0], []
    with local_cluster(workers=1, yield_cluster=True) as cluster:

        def work():
            for n, batch in enumerate(batches):
                if n == 2:  # the first batch is back: two workers join
                    join(cluster, {"late-1": None, "late-2": None})
                taken[0] += 1
                out.append(taken[0] - back[0])
                yield batch

        with runner.Executor(1, cluster.scheduler_address) as executor:
            seeds = []
            for _batch, outcomes in executor.pairs(work()):
                back[0] += 1
                seeds += [o.seed for o in outcomes]
    assert sorted(seeds) == list(range(16))
    assert out[:2] == [1, 2]  # one worker: two out
    assert max(out) == 6  # three: six


@pytest.mark.explore  # four forked workers: ~2 CPU-s
def test_batches_are_cut_again_for_the_workers_that_joined(shared_link, tmp_path):
    """A cluster of one worker joined by three once the first batch is back: the 20 seeds not
    yet handed out go in batches cut for four (`runner.Plan`, the workers counted as that
    batch came back), not in the batches of 10 planned for one (until session 44); the report
    and the replay files are a serial run's."""
    from fakecloud.explore.session import explore_file

    text = shared_link.read_text()

    def explore(name, executor, joined=lambda: None):
        sizes = []

        def back(case_id, outcomes):
            sizes.append(len(outcomes))
            if len(sizes) == 1:
                joined()

        report = explore_file(
            text,
            str(shared_link),
            [runner.prepared(text, str(shared_link), "default").case],
            lambda case: range(40),
            executor=executor,
            on_batch=back,
            out_dir=tmp_path / name,
            batch_size=runner.batch_size(40, 1),
            resize=runner.batch_size,
        )
        replays = {p.name: p.read_text() for p in (tmp_path / name).iterdir()}
        shown = json.dumps(report.as_json()).replace(str(tmp_path / name), "OUT")
        return sizes, (shown, replays)

    serial_sizes, serial = explore("serial", runner.Executor())
    with (
        local_cluster(workers=1, yield_cluster=True) as cluster,
        runner.Executor(1, cluster.scheduler_address) as executor,
    ):
        three = {"late-1": None, "late-2": None, "late-3": None}
        sizes, dask = explore("dask", executor, lambda: join(cluster, three))
    assert dask == serial
    assert serial_sizes == [10] * 4
    # as they came back: the second batch of 10 was out before the three joined
    assert sizes[0] == 10 and sorted(sizes) == [1] * 20 + [10, 10]  # 20 left, 4 workers


@pytest.mark.explore  # two forked workers, two waits of 0.2 s: ~1 CPU-s
def test_batches_held_for_workers_that_left_go_to_those_there_now(shared_link, monkeypatch):
    """`Executor._watch`: once a worker of another fakecloud took part, batches are kept to
    the workers of this one (Dask's `workers=`), which Dask holds for good when every one of
    those has left (stopped, or restarted at another address). After `_WATCH_S` of waiting
    they go to the workers of this fakecloud there now; with none, the sweep stops, exit 2.
    The state is the one such a sweep is in: a worker of another build refused earlier, the
    batches kept to a worker that is gone."""
    monkeypatch.setattr(runner, "_WATCH_S", 0.2)
    watched = runner.Executor._watch

    def watch(executor, *args):
        watch.calls += 1
        assert watch.calls < 50, "the batches were held for good"  # not a hang, a failure
        watched(executor, *args)

    watch.calls = 0
    monkeypatch.setattr(runner.Executor, "_watch", watch)
    batches = _one_seed_batches(shared_link, 3)
    gone, other = "tcp://127.0.0.1:9", "tcp://127.0.0.1:10"
    told = []
    (shared_link.parent / "foreign.py").write_text(FOREIGN)
    with (
        local_cluster(workers=1, yield_cluster=True) as cluster,
        runner.Executor(1, cluster.scheduler_address, note=told.append) as executor,
    ):
        (address,) = workers_of(cluster).values()
        executor._refused = {other: "0.0.9 (0000000000000000)"}
        executor._ours_only = [gone]
        seeds = sorted(o.seed for _, out in executor.pairs(iter(batches)) for o in out)
        assert seeds == [0, 1, 2]
        assert executor._ours_only == [address]  # the worker of this fakecloud there now
        assert told == []  # no other build joined meanwhile: nothing to tell
        assert watch.calls

        # this fakecloud's worker leaves; one of another build is all there is
        cluster.worker_spec.pop(0)
        join(cluster, {"foreign": shared_link.parent / "foreign.py"})
        there = {address}
        while not there or address in there:  # gone, and the other one there
            time.sleep(0.05)
            there = set(executor._client.scheduler_info(n_workers=-1)["workers"])
        with pytest.raises(runner.ClusterUnavailable) as stopped:
            list(executor.pairs(iter(batches)))
    (foreign,) = there
    refused = "; ".join(f"{a}: 0.0.9 (0000000000000000)" for a in sorted((other, foreign)))
    assert str(stopped.value) == (
        f"no Dask worker at {cluster.scheduler_address} runs this fakecloud, {this_build()}, "
        f"any more; those that joined after the sweep began run another ({refused}): the sweep "
        "stopped; install this one on every worker and restart them"
    )


@pytest.mark.explore  # one forked worker: ~1 CPU-s
def test_ctrl_c_cancels_the_batches_out_on_the_cluster(shared_link):
    """Once `stop()` (Ctrl-C), the batches out on the cluster are cancelled, not waited for:
    the sweep ends with the one batch back (until session 45 it waited for the other out)."""
    batches = _one_seed_batches(shared_link, 8)
    back = []
    with (
        local_cluster(workers=1, yield_cluster=True) as cluster,
        runner.Executor(1, cluster.scheduler_address) as executor,
    ):
        for _batch, outcomes in executor.pairs(iter(batches), stop=lambda: bool(back)):
            back.append([o.seed for o in outcomes])
        left = executor._client.futures
    assert len(back) == 1 and not left  # every other batch's task given up
