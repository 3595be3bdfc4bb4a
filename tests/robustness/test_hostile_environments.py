"""The commands in environments that are not a developer's UTF-8 terminal (session 38, round 4
of the abuse: docs/history/robustness-log.md): a stdout that cannot encode the reports'
arrows, a file name that is not UTF-8, a redirection to a full disk."""

import io
import os
import sys

import pytest

from fakecloud.cli import main

REQUEST = "name: one-get\nsteps:\n  - request: GET /servers\n    expect: {status: 200}\n"


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "get.yaml").write_text(REQUEST)
    return tmp_path


def _stdout(monkeypatch, encoding: str, errors: str = "strict") -> io.BytesIO:
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding=encoding, errors=errors))
    return raw


def test_a_terminal_that_cannot_encode_the_arrows_gets_them_in_ascii(folder, monkeypatch):
    """`LC_ALL=C python -X utf8=0`, `PYTHONIOENCODING=latin-1`, a legacy Windows console: the
    story's `→` (and explore's `±`, the demo's `—`) was a UnicodeEncodeError traceback, and
    explore died before writing its --json and --junit."""
    raw = _stdout(monkeypatch, "ascii")
    assert main(["run", "get.yaml", "-q", "--story"]) == 0
    sys.stdout.flush()
    told = raw.getvalue().decode("ascii")
    assert "demo -> nova-api: GET /v2.1/servers" in told
    assert "PASSED" in told
    # for the command only: a caller of main() in-process gets its stream back as it was
    assert sys.stdout.errors == "strict"
    with pytest.raises(UnicodeEncodeError):
        print("→")


def test_a_file_name_that_is_not_utf8_prints_as_its_bytes(folder, monkeypatch):
    """A UTF-8 locale other than C.UTF-8 writes stdout with errors=strict: a scenario named
    b"p\\xff.yaml" (read as a lone surrogate) ended `run` in a traceback after it passed."""
    os.rename(folder / "get.yaml", os.fsencode(folder) + b"/p\xff.yaml")
    raw = _stdout(monkeypatch, "utf-8")
    assert main(["run", ".", "-q"]) == 0
    sys.stdout.flush()
    assert raw.getvalue().startswith(b"p\xff.yaml::default  PASSED")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_a_full_disk_under_stdout_is_one_line_and_the_named_files_are_written(
    folder, monkeypatch, capsys
):
    """`fakecloud explore S --json r.json > /dev/full` (a redirection to a full disk): an
    OSError traceback, the JSON never written (it came after the report)."""
    full = open("/dev/full", "w", encoding="utf-8")  # noqa: SIM115 - closed below
    monkeypatch.setattr(sys, "stdout", full)
    try:
        status = main(["explore", "get.yaml", "--seeds", "1", "--no-progress", "--json", "r.json"])
    finally:
        monkeypatch.undo()
        full.close()
    assert status == 2
    assert capsys.readouterr().err == (
        "fakecloud explore: cannot write the output: No space left on device\n"
    )
    assert '"seeds"' in (folder / "r.json").read_text()


def test_a_report_for_a_writer_fakecloud_does_not_own_is_spelled_for_its_encoding():
    """pytest's terminal escapes a whole failure report onto one line (`\\n` and all) when one
    character of it cannot be encoded: explore's `throughput ±20%` did that to its report."""
    from fakecloud.streams import encodable

    text = "chance: throughput ±20% — demo → nova-api: première\n  next line"
    assert encodable(text, "ascii") == (
        "chance: throughput +/-20% -- demo -> nova-api: premiere\n  next line"
    )
    assert encodable(text, "latin-1") == text.replace("—", "--").replace("→", "->")
    assert encodable(text, "utf-8") == text


def test_a_replay_that_cannot_be_written_leaves_the_explore_report_whole(tmp_path):
    """pytest's explore items write replays below the rootdir, which a CI checkout may have
    read-only: a PermissionError traceback stood in place of every group the seeds found."""
    from fakecloud.explore.cli import render
    from fakecloud.explore.session import explore_file
    from fakecloud.scenario.loader import load

    path = tmp_path / "breaks.yaml"
    path.write_text(REQUEST.replace("200", "418") + "explore: {seeds: 1}\n")
    (tmp_path / "a-file").write_text("")
    cases = load(path).cases
    report = explore_file(
        path.read_text(), "breaks.yaml", cases, lambda case: [0], out_dir=tmp_path / "a-file"
    )
    told = render(report)
    assert "1 seed, 0 passed, 1 broke something" in told
    assert f"replay: not written (cannot write {tmp_path}/a-file" in told
    assert "); fakecloud shrink breaks.yaml --seed 0 -o FILE writes one" in told


def test_a_stdout_the_shell_closed_is_no_traceback(monkeypatch, capsys):
    """`fakecloud list errors >&-`: Python starts with no sys.stdout, and the flush that names
    a full disk was an AttributeError traceback."""
    monkeypatch.setattr(sys, "stdout", None)
    assert main(["list", "errors"]) == 0
    assert capsys.readouterr().err == ""


def test_a_replay_line_pasted_into_a_shell_replays_a_file_whose_name_has_spaces(folder, capsys):
    """`replay: fakecloud run my flow (1).yaml --case ...` was two words and a parenthesis to a
    shell: pasted, it ran files `my` and `flow` (bash: a syntax error). Now quoted, as the
    replays of explore and shrink and the replay file's own header."""
    import shlex

    from fakecloud.explore.cli import render
    from fakecloud.explore.session import explore_file
    from fakecloud.scenario.loader import load

    (folder / "my flow (1).yaml").write_text(REQUEST.replace("200", "418"))
    assert main(["run", "my flow (1).yaml"]) == 1
    replay = [line for line in capsys.readouterr().out.splitlines() if "replay:" in line][0]
    assert replay == "replay: fakecloud run 'my flow (1).yaml' --seed 0"
    assert main(shlex.split(replay)[2:] + ["-q"]) == 1
    assert capsys.readouterr().out.startswith("my flow (1).yaml::default  FAILED")

    cases = load(folder / "my flow (1).yaml").cases
    text = (folder / "my flow (1).yaml").read_text()
    report = explore_file(text, "my flow (1).yaml", cases, lambda c: [0], out_dir="out dir")
    assert "replay: fakecloud run 'out dir/my flow (1)-group1.yaml'" in render(report)
    header = (folder / "out dir" / "my flow (1)-group1.yaml").read_text().splitlines()[:2]
    assert header[0].endswith("with `fakecloud run 'my flow (1)-group1.yaml'`.")
    assert header[1].startswith("# found by: fakecloud explore 'my flow (1).yaml', seed 0")
