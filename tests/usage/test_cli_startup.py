"""What a command imports before it prints: only what it needs for what it prints. rich
measures a terminal's width, so ``run`` and ``report`` load it only when their output is one;
``clock`` talks to a served cloud and loads none of the server (waitress, the services)."""

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

#: Runs ``fakecloud ARGS...`` in a fresh interpreter, then writes the modules it loaded (one a
#: line) to the file named first.
PROBE = """\
import sys
from fakecloud.cli import main
try:
    sys.exit(main(sys.argv[2:]))
finally:  # argparse's --help and errors exit from within
    with open(sys.argv[1], "w") as out:
        out.write("\\n".join(sorted(sys.modules)))
"""

UNFIRED = (
    "steps:\n  - fault: {point: cinder.snapshot.create, error: CinderBackendError,\n"
    "      match: {volume_id: nope}}\n  - wait: 1\nexpect: {finished_by: 2}\n"
)


def _fakecloud(tmp_path: Path, *args: str, **kwargs) -> tuple[subprocess.CompletedProcess, set]:
    """``fakecloud ARGS`` in a fresh process, its output piped unless `kwargs` say otherwise:
    the finished process and the top-level names of the modules it imported."""
    listing = tmp_path / "modules.txt"
    listing.unlink(missing_ok=True)
    kwargs.setdefault("stdout", subprocess.PIPE)
    env = {k: v for k, v in os.environ.items() if k not in ("TTY_COMPATIBLE", "FORCE_COLOR")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(listing), *args],
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env={**env, **kwargs.pop("env", {})},
        timeout=120,
        **kwargs,
    )
    return done, set(listing.read_text().split())


def test_run_builds_its_cloud_without_the_http_server(tmp_path):
    """A scenario's cloud answers in-process: Nova's notifications read which releases ran on
    Python 3 from the release table, not from the server's header limits (waitress's parser,
    ``http.server``: some 10-40 ms of a command's start)."""
    (tmp_path / "unfired.yaml").write_text(UNFIRED)
    done, modules = _fakecloud(tmp_path, "run", "unfired.yaml")
    assert done.returncode == 0, done.stderr
    assert "fakecloud.nova.notifications" in modules
    assert not {"waitress", "http.server", "fakecloud.transport.header_size"} & modules


def test_run_and_report_into_a_pipe_do_not_import_rich(tmp_path):
    """Piped, both wrap at the fixed 100 columns, which needs no terminal measured."""
    (tmp_path / "unfired.yaml").write_text(UNFIRED)
    done, modules = _fakecloud(tmp_path, "run", "unfired.yaml", "--trace", "t.jsonl")
    assert done.returncode == 0, done.stderr
    assert "PASSED: 1 expectations" in done.stdout
    assert "rich" not in modules and "fakecloud.views.console" not in modules
    done, modules = _fakecloud(tmp_path, "report", "t.jsonl", "--format", "text")
    assert done.returncode == 0, done.stderr
    assert max(map(len, done.stdout.splitlines())) <= 100
    assert "rich" not in modules


def _in_a_terminal(tmp_path: Path, columns: int, *args: str) -> tuple[list[str], set]:
    """``fakecloud ARGS`` with a pseudo-terminal of `columns` columns as its output: its lines
    and the modules it imported."""
    listing = tmp_path / "modules.txt"
    listing.unlink(missing_ok=True)
    leader, follower = pty.openpty()
    env = {"COLUMNS": str(columns), "TERM": "xterm"}
    process = subprocess.Popen(
        [sys.executable, "-c", PROBE, str(listing), *args],
        stdout=follower,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env={**os.environ, **env},
    )
    os.close(follower)
    chunks = []
    while True:  # read as it prints: a full pseudo-terminal would block the command
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the command closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=120) == 0, process.stderr.read()
    process.stderr.close()
    text = b"".join(chunks).decode().replace("\r\n", "\n")
    return text.splitlines(), set(listing.read_text().split())


@pytest.mark.skipif(not hasattr(pty, "openpty"), reason="no pseudo-terminals here")
def test_run_in_a_terminal_wraps_at_its_width_as_rich_measures_it(tmp_path):
    """In a terminal (here 60 columns, ``$COLUMNS`` as rich reads it) ``run --story`` wraps its
    rows at the terminal's width, not at the pipe's 100; rich is loaded to measure it."""
    (tmp_path / "unfired.yaml").write_text(UNFIRED)
    printed, modules = _in_a_terminal(tmp_path, 60, "run", "unfired.yaml", "--story")
    assert max(map(len, printed)) <= 60
    assert "rich" in modules
    piped, _ = _fakecloud(tmp_path, "run", "unfired.yaml", "--story")
    assert max(map(len, piped.stdout.splitlines())) > 60


def test_clock_imports_no_server(tmp_path):
    """``fakecloud clock`` with nothing answering says so (status 2) without loading the
    server it talks to; its ``--help`` loads no HTTP client either."""
    done, modules = _fakecloud(tmp_path, "clock", "--url", "http://127.0.0.1:9")
    assert done.returncode == 2
    assert "nothing answers at http://127.0.0.1:9" in done.stderr
    assert "requests" in modules
    assert not {"waitress", "webob", "simpy"} & modules
    assert "fakecloud.transport.server" not in modules
    done, modules = _fakecloud(tmp_path, "clock", "--help")
    assert done.returncode == 0 and "--url" in done.stdout
    assert "requests" not in modules
