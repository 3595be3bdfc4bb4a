"""Ctrl-C during `fakecloud explore`: a real SIGINT to the command's process group, as a
terminal sends it, gives up the batches under way and reports the seeds done, status 130."""

import json
import os
import re
import signal
import subprocess
import sys

#: `fakecloud explore` with each seed 200 ms slower and saying in which process it starts (on
#: stderr): a batch of 50 seeds then takes 10 s or more, which a Ctrl-C that waited for the
#: batches under way (until session 45) would run to their end.
SLOW_SEEDS = """
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
        start_new_session=True,  # its own process group, which Ctrl-C reaches whole
    )
    try:
        seen = []
        for line in command.stderr:
            seen.append(line)
            if line.startswith("seed in ") and line.split()[-1] != str(command.pid):
                break  # a worker's first seed: its batch under way
        os.killpg(command.pid, signal.SIGINT)
        out, err = command.communicate(timeout=120)
    finally:
        if command.poll() is None:
            os.killpg(command.pid, signal.SIGKILL)
            command.wait()
    err = "".join(seen) + err
    assert command.returncode == 130, err
    assert "Traceback" not in err
    assert "giving up the batches under way" in err
    last = out.strip().splitlines()[-1]
    ran = re.fullmatch(
        r"(\d+) seeds? in [0-9.]+ s \(.+ seeds/s\); interrupted \(Ctrl-C\) before every seed "
        r"ran \((\d+) of 5000\)",
        last,
    )
    assert ran and ran[1] == ran[2], last
    data = json.loads((tmp_path / "out.json").read_text())
    assert (data["seeds_run"], data["seeds_planned"]) == (int(ran[1]), 5000)
    assert data["stopped_early"] and 1 <= data["seeds_run"] < 50
