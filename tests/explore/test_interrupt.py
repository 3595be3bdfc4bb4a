"""Ctrl-C during `fakecloud explore`: a real SIGINT to the command's process group, as a
terminal sends it, gives up the batches under way and reports the seeds done, status 130."""

import json
import os
import re
import signal
import subprocess
import sys
import threading

import pytest

from fakecloud.explore import pool
from fakecloud.explore.interrupt import NOTICE, FirstInterrupt
from tests.sigint import FOREGROUND_LINE, in_the_foreground

#: `fakecloud explore` with each seed 200 ms slower and saying in which process it starts (on
#: stderr): a batch of 50 seeds then takes 10 s or more, which a Ctrl-C that waited for the
#: batches under way (until session 45) would run to their end.
#: SIGINT is first set as a terminal's foreground command has it (`tests.sigint`): inherited
#: ignored, `fakecloud explore` keeps it so (`FirstInterrupt`), and all 5000 seeds would run.
SLOW_SEEDS = (
    FOREGROUND_LINE
    + """
import os, sys, time
from fakecloud.explore import runner

played = runner.Prepared.play

def slow(self, *args, **kwargs):
    print(f"seed in {os.getpid()}", file=sys.stderr, flush=True)
    time.sleep(0.2)
    return played(self, *args, **kwargs)

runner.Prepared.play = slow
from fakecloud.cli import main
sys.exit(main(sys.argv[1:]))
"""
)

#: Real seconds the command may take to end after the Ctrl-C (its seed under way, the worker
#: stopped, the report: well under one on an idle host) before it is killed and the test fails
#: with its stderr: ample on a starved host, and no hang.
AFTER_CTRL_C_S = 20


def test_ctrl_c_gives_up_the_batches_under_way_and_reports_the_seeds_done(tmp_path):
    """Sent once a forked worker runs its first batch: the worker is stopped and this
    process's own batch ends after its seed under way, so fewer seeds are reported than one
    batch holds (50 here; until session 45, every batch handed out ran whole: 150 or more)."""
    (tmp_path / "tiny.yaml").write_text("name: tiny\nsteps:\n  - wait: 1\n")
    argv = ["explore", "tiny.yaml", "--seeds", "5000", "--jobs", "2", "--no-progress"]
    command = subprocess.Popen(
        [sys.executable, "-c", SLOW_SEEDS, *argv, "--json", "out.json"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # its own process group, which Ctrl-C reaches whole, as a shell's job control makes
        # one (setpgid, not a new session: a session of its own put it, on a Linux host with
        # autogroup scheduling, in a scheduling group apart from the suite's)
        process_group=0,
    )
    # never a hang: killed if no worker's seed starts within a minute
    watchdog = threading.Timer(60, os.killpg, (command.pid, signal.SIGKILL))
    watchdog.start()
    try:
        seen = []
        for line in command.stderr:
            seen.append(line)
            if line.startswith("seed in ") and line.split()[-1] != str(command.pid):
                break  # a worker's first seed: its batch under way
        else:
            pytest.fail("no worker's seed started (killed after 60 s); stderr:\n" + "".join(seen))
        watchdog.cancel()
        os.killpg(command.pid, signal.SIGINT)
        try:
            out, err = command.communicate(timeout=AFTER_CTRL_C_S)
        except subprocess.TimeoutExpired:
            os.killpg(command.pid, signal.SIGKILL)
            out, err = command.communicate()
            pytest.fail(
                f"still running {AFTER_CTRL_C_S} s after the Ctrl-C (killed); its stderr:\n"
                + "".join(seen)
                + err[-4000:]
            )
    finally:
        watchdog.cancel()
        if command.poll() is None:
            os.killpg(command.pid, signal.SIGKILL)
            command.wait()
    err = "".join(seen) + err
    assert command.returncode == 130, err
    assert "Traceback" not in err
    assert err.count(NOTICE) == 1, err
    last = out.strip().splitlines()[-1]
    ran = re.fullmatch(
        # the replay files' time is printed when the sweep's wall passed its seeds' by a second
        # (REPORT_SHOWN_S), as on a loaded host
        r"(\d+) seeds? in [0-9.]+ s \(.+ seeds/s\)(?:, [0-9.]+ s with the groups' replay files)?"
        r"; interrupted \(Ctrl-C\) before every seed "
        r"ran \((\d+) of 5000\)",
        last,
    )
    assert ran and ran[1] == ran[2], last
    data = json.loads((tmp_path / "out.json").read_text())
    assert (data["seeds_run"], data["seeds_planned"]) == (int(ran[1]), 5000)
    assert data["stopped_early"] and 1 <= data["seeds_run"] < 50


def _pid(batch):
    return [(batch, os.getpid())]


def test_a_ctrl_c_landing_as_a_worker_starts_is_not_answered_there(monkeypatch, capfd):
    """A worker is forked with SIGINT blocked until it ignores it: one that lands before then
    (the worker's first instructions) never runs this process's handler there, which printed
    the notice from the worker (and on a second Ctrl-C, a KeyboardInterrupt traceback)."""
    serve = pool._serve

    def struck_early(*args):  # in the forked worker, before `_serve` ignores SIGINT
        os.kill(os.getpid(), signal.SIGINT)
        serve(*args)

    monkeypatch.setattr(pool, "_serve", struck_early)
    with in_the_foreground(), FirstInterrupt() as ctrl_c:
        local = pool.LocalPool(2)
        try:
            done = sorted(local.map(iter(range(8)), lambda: ctrl_c.pressed, _pid))
            workers = {pid for _, answer in done for _, pid in answer} - {os.getpid()}
        finally:
            local.close()
    assert [batch for batch, _ in done] == list(range(8)) and workers
    assert not ctrl_c.pressed
    assert NOTICE not in capfd.readouterr().err
