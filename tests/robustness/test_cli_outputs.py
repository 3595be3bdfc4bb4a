"""Careless command lines: an output path that cannot be written is refused before any work
(a missing folder, a directory, the very scenario the command reads), Ctrl-C ends a command with
one line and status 130, and an interrupted write leaves the old file whole."""

import json
import os
import re
import socket

import pytest

from fakecloud import outputs
from fakecloud.cli import main
from tests.sigint import in_the_foreground

TINY = "name: tiny\nsteps:\n  - wait: 1\n"


@pytest.fixture
def scenario(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY)
    (tmp_path / "adir").mkdir()
    return path


def run_cli(capsys, *argv):
    status = main(list(argv))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return status, captured.err.strip().splitlines()[-1] if captured.err.strip() else ""


@pytest.mark.parametrize(
    "argv, expected",
    [
        (
            ["run", "tiny.yaml", "--trace", "tiny.yaml"],
            "fakecloud run: cannot write tiny.yaml: "
            "it is the input file tiny.yaml: give another output path",
        ),
        (
            ["run", "tiny.yaml", "--trace", "no/t.jsonl"],
            "fakecloud run: cannot write no/t.jsonl: its folder no does not exist",
        ),
        (
            ["run", "tiny.yaml", "--trace", "adir"],
            "fakecloud run: cannot write adir: it is a directory",
        ),
        (
            ["explore", "tiny.yaml", "--json", "tiny.yaml"],
            "fakecloud explore: cannot write "
            "tiny.yaml: it is the input file tiny.yaml: give another output path",
        ),
        (
            ["explore", "tiny.yaml", "--junit", "no/x.xml"],
            "fakecloud explore: cannot write no/x.xml: its folder no does not exist",
        ),
        (
            ["explore", "tiny.yaml", "--out", "tiny.yaml"],
            "fakecloud explore: --out tiny.yaml is a file, not a folder",
        ),
        (
            ["explore", "tiny.yaml", "--jobs", "100000"],
            "fakecloud explore: --jobs at most 256 (each is a process on this host); "
            "--scheduler runs seeds on as many workers as a Dask cluster has",
        ),
        (
            ["shrink", "tiny.yaml", "--seed", "1", "-o", "tiny.yaml"],
            "fakecloud shrink: cannot "
            "write tiny.yaml: it is the input file tiny.yaml: give another output path",
        ),
        (
            ["shrink", "tiny.yaml", "--seed", "1", "-o", "adir"],
            "fakecloud shrink: cannot write adir: it is a directory",
        ),
        (
            ["shrink", "tiny.yaml", "--seed", "1", "-o", "m.yaml", "--max-examples", "0"],
            "fakecloud shrink: --max-examples must be at least 1",
        ),
        (
            ["report", "tiny.yaml", "-o", "tiny.yaml"],
            "fakecloud report: cannot write tiny.yaml: "
            "it is the input file tiny.yaml: give another output path",
        ),
        (
            ["report", "tiny.yaml", "-o", "no/r.html"],
            "fakecloud report: cannot write no/r.html: its folder no does not exist",
        ),
        (
            ["demo", "--flow", "image", "--trace", "adir"],
            "fakecloud demo: cannot write adir: it is a directory",
        ),
        (["demo", "--out", "tiny.yaml"], "fakecloud demo: --out tiny.yaml is a file, not a folder"),
        (["run", "tiny.yaml", "--tail", "-5"], "fakecloud run: --tail must be at least 0"),
        (  # was a NotADirectoryError traceback once the seeds had run
            ["explore", "tiny.yaml", "--out", "tiny.yaml/replays"],
            "fakecloud explore: --out tiny.yaml/replays: tiny.yaml is not a folder",
        ),
        (
            ["shrink", "tiny.yaml", "--seed", "1", "-o", "tiny.yaml/m.yaml"],
            "fakecloud shrink: cannot write tiny.yaml/m.yaml: tiny.yaml is not a folder",
        ),
        (
            ["demo", "--trace", "t.jsonl"],  # was ignored: the tour ran, no trace written
            "fakecloud demo: --trace and --timeline go with --flow; the tour writes each run's "
            "report in --out (fakecloud run --trace writes a library scenario's trace)",
        ),
        (
            ["serve", "--state", "no/s.json"],
            "fakecloud serve: --state: cannot write no/s.json: its folder no does not exist",
        ),
        (
            ["serve", "--clouds-yaml", "adir"],
            "fakecloud serve: --clouds-yaml: cannot write adir: it is a directory",
        ),
    ],
    ids=lambda v: " ".join(v[:2]) + " " + v[-1] if isinstance(v, list) else None,
)
def test_an_output_that_cannot_be_written_is_refused_before_any_work(
    scenario, capsys, argv, expected
):
    status, last = run_cli(capsys, *argv)
    assert (status, last) == (2, expected)
    assert scenario.read_text() == TINY  # the input is never overwritten
    assert sorted(os.listdir(scenario.parent)) == ["adir", "tiny.yaml"]  # nothing written


@pytest.mark.parametrize(
    "argv", [["explore", "tiny.yaml", "--seeds", "2", "--json"], ["run", "tiny.yaml", "--trace"]]
)
def test_an_output_in_a_folder_no_file_can_be_made_in_is_refused_before_any_work(
    scenario, capsys, argv
):
    """``/proc`` (or, not as root, any folder of another user): explore ran all its seeds
    and only then said "cannot write /proc/t.json: No such file or directory"."""
    status, last = run_cli(capsys, *argv, "/proc/t.json")
    assert status == 2
    assert re.fullmatch(
        f"fakecloud {argv[0]}: cannot write /proc/t.json: its folder /proc is not writable "
        r"\((No such file or directory|Permission denied)\)",
        last,
    ), last


@pytest.mark.parametrize(
    "argv",
    [
        ["explore", "tiny.yaml", "--out", "/proc/replays"],
        ["demo", "--no-pause", "--out", "/proc/reports/tour"],
        ["shrink", "tiny.yaml", "--seed", "1", "-o", "/proc/min/m.yaml"],
    ],
    ids=lambda argv: argv[0],
)
def test_a_folder_to_make_where_nothing_can_be_made_is_refused_before_any_work(
    scenario, capsys, argv
):
    """A folder the command makes for its files under ``/proc`` (or, not as root, another
    user's folder): explore ran every seed, and the demo played its first chapter, before
    ``mkdir`` raised FileNotFoundError as a traceback."""
    status, last = run_cli(capsys, *argv)
    option = argv[-2]
    shown = f"cannot write {argv[-1]}:" if option == "-o" else f"{option} {argv[-1]}:"
    assert status == 2
    assert re.fullmatch(
        f"fakecloud {argv[0]}: {shown} /proc is not writable "
        r"\((No such file or directory|Permission denied)\)",
        last,
    ), last
    assert sorted(os.listdir(scenario.parent)) == ["adir", "tiny.yaml"]


@pytest.mark.parametrize(
    "argv, says",
    [
        (["run", "tiny.yaml", "--trace", ""], "argument --trace: expected a path"),
        (["run", ""], "argument FILE: expected a path"),
        (["run", "tiny.yaml", "--case", ""], "argument --case: expected a case id"),
        (["explore", "tiny.yaml", "--json", ""], "argument --json: expected a path"),
        (["explore", "tiny.yaml", "--junit", ""], "argument --junit: expected a path"),
        (["explore", "tiny.yaml", "--out", ""], "argument -o/--out: expected a path"),
        (["explore", "tiny.yaml", "--case", ","], "argument --case: expected a case id"),
        (["explore", "tiny.yaml", "--scheduler", ""], "argument --scheduler: expected an address"),
        (["report", "tiny.yaml", "-o", ""], "argument -o/--output: expected a path"),
        (["demo", "--flow", "image", "--trace", ""], "argument --trace: expected a path"),
        (["demo", "--out", ""], "argument --out: expected a path"),
        (["shrink", "tiny.yaml", "--seed", "1", "-o", ""], "argument -o/--output: expected a path"),
        (["bisect", "tiny.yaml", "--case", ""], "argument --case: expected a case id"),
    ],
    ids=lambda v: " ".join(v[:2] + v[-2:-1]) if isinstance(v, list) else None,
)
def test_an_empty_value_is_refused_rather_than_read_as_no_option(scenario, capsys, argv, says):
    """An unset shell variable (``--trace "$OUT"``): a run, explore or demo without the file
    it was asked for, every case for ``--case ""``, local processes for ``--scheduler ""``,
    the demo's reports in the current folder, and ``report -o ""`` a ValueError traceback."""
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and "Traceback" not in err
    assert f"fakecloud {argv[0]}: error: {says}" in err
    assert sorted(os.listdir(scenario.parent)) == ["adir", "tiny.yaml"]


@pytest.mark.parametrize("command", ["run", "report"])  # each CLI reads FILE::CASE alike
def test_a_case_with_no_file_is_named_as_given(scenario, capsys, command):
    """``::CASE`` (a file name lost from ``"$FILE::upstream"``) read its file as ``.``: ".:
    cannot read: Is a directory" (report: "cannot read : No such file or directory")."""
    status, last = run_cli(capsys, command, "::upstream")
    assert (status, last) == (
        2,
        f"fakecloud {command}: '::upstream' is neither a file nor a library scenario; "
        "`fakecloud list scenarios` lists them",
    )


def test_serve_refuses_a_state_path_it_could_not_save_to_at_shutdown(tmp_path, capsys):
    """A session served with a --state in a missing folder used to be lost at Ctrl-C, with a
    traceback: the path is now checked before the server starts."""
    status, last = run_cli(capsys, "serve", "--port-base", "0", "--state", str(tmp_path / "x/s"))
    assert status == 2 and "--state: cannot write" in last


@pytest.mark.parametrize("command", ["run", "report", "explore"])
def test_ctrl_c_ends_a_command_with_one_line_and_status_130(scenario, capsys, monkeypatch, command):
    import fakecloud.scenario.runner

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    # A case's run is interrupted in the method run_case calls, not by replacing run_case: a
    # module that does `from fakecloud.scenario.runner import run_case` when first imported
    # (fakecloud.explore.play, imported here by the second patch's target or by explore's
    # prepared()) kept the raising stand-in after the test, and every later explore seed in
    # that process raised KeyboardInterrupt (the trillion-seed test's 130, whenever xdist gave
    # a worker this test before any other that imported the explorer).
    monkeypatch.setattr(fakecloud.scenario.runner._Run, "run", interrupted)
    monkeypatch.setattr("fakecloud.explore.session.explore_file", interrupted)
    argv = {"run": ["--trace", "t.jsonl"], "report": ["-o", "r.html"], "explore": []}[command]
    status, last = run_cli(capsys, command, "tiny.yaml", *argv)
    assert (status, last) == (130, f"fakecloud {command}: interrupted")
    assert sorted(os.listdir(scenario.parent)) == ["adir", "tiny.yaml"]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("bad.yaml", "fakecloud serve: bad.yaml:2: not valid YAML: while parsing a flow node"),
        ("adir", "fakecloud serve: cannot read the config file adir: Is a directory"),
        ("deep.yaml", "fakecloud serve: deep.yaml:101: values nest more than 100 levels deep"),
        # a TypeError's traceback: the server merged its ports and epoch into the section
        ("clock.yaml", "fakecloud serve: clock.yaml:2: field clock: config section 'clock' must"),
        # was the message alone, no file or line (a scenario's cloud.config names both)
        ("svc.yaml", "fakecloud serve: svc.yaml:3: field cinder.send_service_user_token: config"),
        # YAML 1.2, as a scenario: `yes` was true here, the string 'yes' in a scenario
        ("yes.yaml", "fakecloud serve: yes.yaml:2: field cinder.send_service_user_token: config"),
        # a key that is no text (`on:` was YAML 1.1's True) was a TypeError's traceback
        ("key.yaml", "fakecloud serve: key.yaml:2: a key is text, got 5: quote it ('5')"),
        # was "not UTF-8 text (byte 0xff)", as a scenario file's (session 42)
        ("u16.yaml", "fakecloud serve: u16.yaml:1: UTF-16 text, a byte order mark first: a co"),
    ],
)
def test_a_config_file_serve_cannot_read_is_one_line_and_status_2(
    scenario, capsys, config, expected
):
    """Was status 1, and PyYAML's three-line message for a broken file (a RecursionError's
    traceback for 900 nested mappings)."""
    (scenario.parent / "bad.yaml").write_text("nova: [\n")
    (scenario.parent / "deep.yaml").write_text("".join("  " * i + "a:\n" for i in range(900)))
    (scenario.parent / "clock.yaml").write_text("endpoints: 5\nclock: [1]\n")
    (scenario.parent / "svc.yaml").write_text("nova: {}\ncinder:\n  send_service_user_token: 1\n")
    (scenario.parent / "yes.yaml").write_text("cinder:\n  send_service_user_token: yes\n")
    (scenario.parent / "key.yaml").write_text("nova:\n  5: 1\n")
    (scenario.parent / "u16.yaml").write_bytes("nova: {}\n".encode("utf-16"))
    status, last = run_cli(capsys, "serve", "--port-base", "0", "--config", config)
    assert status == 2 and last.startswith(expected)


def test_an_interrupted_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    target = tmp_path / "trace.jsonl"
    target.write_text("old\n")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        outputs.write_atomic(target, "new\n" * 1000)
    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["trace.jsonl"]  # no temporary file left behind


def test_a_save_to_a_missing_folder_names_the_file_asked_for(tmp_path):
    """`Cloud.save` and `trace.to_jsonl` named the hidden temporary file beside it."""
    target = tmp_path / "no" / "state.json"
    with pytest.raises(FileNotFoundError) as failed:
        outputs.write_atomic(target, b"{}")
    assert failed.value.filename == str(target)


def test_an_atomic_write_keeps_the_usual_file_mode(tmp_path):
    target = tmp_path / "out.json"
    outputs.write_atomic(target, b"{}")
    mask = os.umask(0)
    os.umask(mask)
    assert (target.stat().st_mode & 0o777, target.read_bytes()) == (0o666 & ~mask, b"{}")


def test_a_bytes_path_is_written_and_checked_as_its_text_is(tmp_path):
    """Session 45: ``write_atomic(b"out.json", ...)`` and the output checks were pathlib's
    TypeError ("argument should be a str object or an os.PathLike object returning str"),
    where ``open``, ``os.stat`` and `Cloud.save` take a bytes path."""
    target = os.fsencode(tmp_path / "out.json")
    outputs.write_atomic(target, "{}")
    assert (tmp_path / "out.json").read_text() == "{}"
    missing = os.fsencode(tmp_path / "no" / "out.json")
    assert outputs.output_problem(target) is None
    assert outputs.output_problem(missing) == f"its folder {tmp_path / 'no'} does not exist"
    assert outputs.new_folder_problem(missing) is None
    with pytest.raises(FileNotFoundError) as failed:
        outputs.write_atomic(missing, b"{}")
    assert failed.value.filename == str(tmp_path / "no" / "out.json")


@pytest.mark.parametrize("argv", [["show", "--url", "U"], ["--url", "U", "show"], ["--url", "U"]])
def test_clock_takes_url_after_the_verb_as_its_docstring_shows(capsys, argv):
    """`fakecloud clock show --url ...`, the module's own example, was 'unrecognized arguments';
    a bare `fakecloud clock` shows it too (session 38's new user: 'the following arguments are
    required: show|advance|idle')."""
    argv = [a.replace("U", "http://127.0.0.1:1") for a in argv]
    status, last = run_cli(capsys, "clock", *argv)
    assert status == 2 and last.startswith("fakecloud clock: nothing answers at http://127.0.0.1:1")


def test_an_epoch_out_of_range_says_the_range_not_that_it_is_no_time(capsys):
    status, last = run_cli(capsys, "serve", "--port-base", "0", "--epoch", "9990-01-01T00:00:00Z")
    assert (status, last) == (
        2,
        "fakecloud serve: epoch: expected a time from 1970 to 9000, got '9990-01-01T00:00:00Z'",
    )


def test_a_bad_epoch_is_named_even_when_the_ports_are_busy(capsys):
    """The epoch was checked only after the ports were bound, so a busy port answered "cannot
    listen" and hid the mistake the user has to fix either way."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        status, last = run_cli(capsys, "serve", "--port-base", str(port), "--epoch", "yesterday")
    assert (status, last) == (
        2,
        "fakecloud serve: epoch: expected 'now' or an ISO 8601 time such as "
        "2026-01-01T00:00:00Z, got 'yesterday'",
    )


def test_cases_of_two_files_sharing_an_id_get_a_trace_each(scenario, capsys):
    """Two files with a `default` case wrote the same OUT-default.jsonl, the second over the
    first; the same file given twice is refused when traces are written."""
    (scenario.parent / "other.yaml").write_text(TINY)
    status, _ = run_cli(capsys, "run", "tiny.yaml", "other.yaml", "--trace", "t.jsonl")
    assert status == 0
    assert sorted(p.name for p in scenario.parent.glob("t-*")) == [
        "t-other-default.jsonl",
        "t-tiny-default.jsonl",
    ]
    status, last = run_cli(capsys, "run", "tiny.yaml", "tiny.yaml", "--trace", "u.jsonl")
    assert (status, last) == (
        2,
        "fakecloud run: a scenario file is given twice (its traces would overwrite each other)",
    )


def test_explore_with_a_trillion_seeds_and_a_time_budget_stops_on_time(scenario, capsys):
    """Counting the seeds left undone walked all 10**12 of them after the budget ran out."""
    argv = ["--seeds", str(10**12), "--time-budget", "0.05", "-j", "1", "--no-progress"]
    assert main(["explore", "tiny.yaml", *argv]) == 0
    assert "the time budget ran out before every seed ran" in capsys.readouterr().out


def test_ctrl_c_mid_explore_reports_the_seeds_run_so_far(scenario, capsys, monkeypatch):
    """Ctrl-C lost every seed an explore had run: now the first stops it, starting no more
    seeds (a real SIGINT, raised as the first batch of 50 ends), and reports them, status 130
    (tests/explore/test_interrupt.py: a Ctrl-C amid a batch gives the batch up)."""
    import signal

    from fakecloud.explore.cli import _Progress

    monkeypatch.setattr(_Progress, "advance", lambda *a: signal.raise_signal(signal.SIGINT))
    argv = ["--seeds", "200", "-j", "1", "--no-progress", "--json", "out.json"]
    with in_the_foreground():
        assert main(["explore", "tiny.yaml", *argv]) == 130
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    out, err = capsys.readouterr()
    assert "50 seeds in" in out and "interrupted (Ctrl-C) before every seed ran" in out
    assert "starting no more seeds" in err and "Traceback" not in err
    assert '"seeds_run": 50' in (scenario.parent / "out.json").read_text()


def test_ctrl_c_mid_run_reports_the_cases_run_so_far(scenario, capsys, monkeypatch):
    """``fakecloud run`` of many files stopped by Ctrl-C said only "interrupted": now the
    cases that ran are counted, as the summary of a whole run does, status 130."""
    import fakecloud.scenario.runner

    real, calls = fakecloud.scenario.runner._Run.run, []

    def run(self, *args, **kwargs):  # not run_case: see the test above
        calls.append(self)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(self, *args, **kwargs)

    monkeypatch.setattr(fakecloud.scenario.runner._Run, "run", run)
    assert main(["run", "-q", "tiny.yaml", "tiny.yaml", "tiny.yaml"]) == 130
    out, err = capsys.readouterr()
    assert out.splitlines()[-1] == (
        "interrupted (Ctrl-C) in tiny.yaml::default, after 1 of 3 cases: 1 passed, 0 failed"
    )
    assert err.strip() == "fakecloud run: interrupted"


def test_run_takes_a_case_as_list_and_pytest_name_it(scenario, capsys):
    """``fakecloud run FILE::CASE`` (what --list, -q and pytest print) was "neither a file
    nor a library scenario"."""
    assert run_cli(capsys, "run", "-q", "tiny.yaml::default") == (0, "")
    assert run_cli(capsys, "run", "tiny.yaml::nope") == (
        2,
        "fakecloud run: no case 'nope' in tiny.yaml; cases: default",
    )
    # a folder: every scenario file below it (was "cannot read: Is a directory")
    assert run_cli(capsys, "run", "-q", ".") == (0, "")
    assert run_cli(capsys, "run", "adir") == (
        2,
        "fakecloud run: no scenario file (*.yaml) in the folder adir",
    )


def test_a_folder_passes_over_yaml_that_is_plainly_no_scenario_and_names_a_broken_one(
    scenario, capsys
):
    """``fakecloud run .`` beside a CI workflow or a compose file refused them all as broken
    scenarios and ran nothing; they are passed over with a note, as pytest passes over files
    that are no tests, while a scenario with a mistake still stops the run at its line."""
    (scenario.parent / "adir" / "ci.yaml").write_text("name: CI\non: push\njobs: {}\n")
    (scenario.parent / "adir" / "compose.yaml").write_text("- web\n")
    assert main(["run", "-q", "."]) == 0
    out, err = capsys.readouterr()
    assert out == "tiny.yaml::default  PASSED: 0 expectations (end t=1, idle)\n"
    assert err.splitlines() == [
        "fakecloud run: skipped adir/ci.yaml: not a scenario: none of its keys (name, on, jobs)"
        " is a scenario's",
        "fakecloud run: skipped adir/compose.yaml: not a mapping, so not a scenario",
    ]
    assert run_cli(capsys, "run", "adir") == (
        2,
        "fakecloud run: no scenario among the files given (every one skipped)",
    )
    (scenario.parent / "adir" / "typo.yaml").write_text("steps:\n  - wiat: 1\n")
    assert main(["run", "-q", "."]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.splitlines()[-1].startswith("adir/typo.yaml:2: field steps[0]")
    # named on the command line, a file is meant as a scenario: its mistakes are errors
    assert run_cli(capsys, "run", "adir/ci.yaml")[0] == 2


def test_a_pipe_or_device_the_loader_refused_is_not_read_again_to_skip_it(tmp_path):
    """``fakecloud run FOLDER`` asks `not_a_scenario` of a file the loader refused: it read a
    named pipe called ``*.yaml`` with ``read_text``, which waited for a writer for good (the
    run hung after the loader's own refusal), and a device never ended. Neither is read: the
    loader's refusal stands."""
    from fakecloud.scenario.cli_commands import not_a_scenario

    os.mkfifo(tmp_path / "pipe.yaml")
    assert not_a_scenario(str(tmp_path / "pipe.yaml")) is None
    assert not_a_scenario("/dev/zero") is None


def test_report_explore_shrink_and_bisect_take_file_colon_colon_case_too(scenario, capsys):
    """Each has --case, and took FILE::CASE for a library name it could not find."""
    assert main(["report", "tiny.yaml::default", "--view", "timeline"]) == 0
    assert capsys.readouterr().out.startswith("tiny.yaml   seed 0, profile seed")
    extra = {"explore": [], "shrink": ["--seed", "1", "-o", "m.yaml"], "bisect": []}
    for command, more in extra.items():
        assert main([command, "tiny.yaml::nope", *more]) == 2
        assert "no case 'nope'" in capsys.readouterr().err


def test_list_takes_its_word_after_json_too(capsys):
    """`fakecloud list points --json snap` was 'unrecognized arguments: snap' (argparse does not
    mix an optional positional with flags unless asked to)."""
    assert main(["list", "points", "--json", "snapshot"]) == 0
    assert '"name"' in capsys.readouterr().out


def test_list_bugs_lists_the_launchpad_bug_switches(capsys):
    """`fakecloud list bugs` was 'invalid choice' (session 38's new user looking for the bugs the
    README says are switches): the Launchpad-bug switches, with the releases that had each."""
    assert main(["list", "bugs", "lp1731986"]) == 0
    assert capsys.readouterr().out.startswith(
        "lp1731986: seed=False  upstream=False  (the bug in 17.0.0; changes: 17.0.1 "
    )
    assert main(["list", "bugs", "--json"]) == 0
    bugs = [row["name"] for row in json.loads(capsys.readouterr().out)]
    assert "lp1731986" in bugs and all(re.fullmatch(r"lp\d+", name) for name in bugs)


def test_an_output_that_is_a_pipe_is_written_through_and_a_link_stays_a_link(tmp_path):
    """`-o /dev/stdout`, `--json /dev/null`: the temporary file was renamed over the node, so
    run as root a device (/dev/null, /dev/full) became a regular file; a symbolic link was
    replaced by a file likewise. A FIFO stands in for the device here."""
    import stat
    import threading

    from fakecloud.outputs import write_atomic

    fifo, got = tmp_path / "pipe", []
    os.mkfifo(fifo)
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()), daemon=True)
    reader.start()
    write_atomic(fifo, "through the pipe\n")
    reader.join(5)
    assert got == ["through the pipe\n"] and stat.S_ISFIFO(os.stat(fifo).st_mode)
    (tmp_path / "real.txt").write_text("old")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    write_atomic(tmp_path / "link.txt", "new")
    assert (tmp_path / "link.txt").is_symlink() and (tmp_path / "real.txt").read_text() == "new"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_a_full_device_is_named_in_the_error():
    """`explore --json /dev/full` said "cannot write None: No space left on device": a write's
    error names no file."""
    from fakecloud.outputs import write_atomic

    with pytest.raises(OSError) as caught:
        write_atomic("/dev/full", "x")
    assert caught.value.filename == "/dev/full" and caught.value.strerror


@pytest.mark.parametrize(
    ("argv", "text", "says"),
    [
        (["run", "PIPE"], "steps: [\n", "PIPE:2: not valid YAML"),
        (["explore", "PIPE", "--seeds", "1", "--no-progress"], TINY, None),
        (["shrink", "PIPE", "--seed", "1", "-o", "out.yaml"], "steps: [\n", "PIPE:2: not valid"),
        (["bisect", "PIPE"], "steps: [\n", "PIPE:2: not valid YAML"),
        (["report", "PIPE"], "{\n", "PIPE:1: not a JSON trace event"),
        (["serve", "--config", "PIPE"], "a: [\n", "PIPE:2: not valid YAML"),
        (["serve", "--state", "PIPE"], "{\n", "PIPE is not a fakecloud state file (not JSON"),
    ],
)
def test_a_pipe_is_read_once_by_every_verb(scenario, capsys, argv, text, says):
    """``fakecloud report <(zcat trace.jsonl.gz)`` was refused as a named pipe, and explore
    read its file twice (a pipe is empty the second time): each verb reads what a process
    substitution's pipe holds, once."""
    read_end, write_end = os.pipe()
    os.write(write_end, text.encode())
    os.close(write_end)
    pipe = f"/dev/fd/{read_end}"
    try:
        status, last = run_cli(capsys, *(pipe if a == "PIPE" else a for a in argv))
    finally:
        os.close(read_end)
    if says is None:
        assert (status, last) == (0, "")
    else:
        assert status == 2 and says.replace("PIPE", pipe) in last


def test_several_cases_write_a_device_or_pipe_output_in_turn_not_beside_it(scenario, capsys):
    """``run FILE --trace /dev/stdout`` (or ``report FILE -o /dev/null``) of a file with two
    cases named a file per case beside the device, ``/dev/stdout-one.jsonl``: as root made
    in ``/dev``, else refused as an unwritable folder. Each case's trace now goes to the
    device or pipe in turn (here a pipe, as ``>(gzip > t.gz)`` gives)."""
    import threading

    scenario.write_text(TINY + "cases:\n  one: {}\n  two: {}\n")
    read_end, write_end = os.pipe()
    got = []
    reader = threading.Thread(target=lambda: got.append(os.fdopen(read_end, "rb").read()))
    reader.start()
    try:
        status, last = run_cli(capsys, "run", "-q", "tiny.yaml", "--trace", f"/dev/fd/{write_end}")
    finally:
        os.close(write_end)
        reader.join(10)
    starts = [line for line in got[0].splitlines() if b'"scenario.start"' in line]
    assert (status, last, len(starts)) == (0, "", 2)


def test_several_cases_write_one_named_pipe_held_open_until_all_are_written(
    scenario, tmp_path, capsys
):
    """``run FILE --trace FIFO`` of two cases with ``cat FIFO`` reading: the pipe was closed
    after the first case's trace, so ``cat`` took that end of file as the end and went, and
    the second case found no reader, waited 2 s and was refused. It is now held open for
    every case, as a ``/dev/fd/N`` is, and the reader sees both traces, then one end."""
    import threading

    scenario.write_text(TINY + "cases:\n  one: {}\n  two: {}\n")
    fifo = tmp_path / "trace.fifo"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))  # as `cat FIFO`
    reader.start()
    status, last = run_cli(capsys, "run", "-q", "tiny.yaml", "--trace", str(fifo))
    reader.join(10)
    starts = [line for line in got[0].splitlines() if b'"scenario.start"' in line]
    assert (status, last, len(starts)) == (0, "", 2)


def test_a_named_pipe_nothing_writes_to_is_refused_not_waited_for(tmp_path):
    """``fakecloud report FIFO`` waited for ever for a writer (``open`` of a pipe blocks until
    one comes); a device never ends. Refused, naming what each is."""
    from fakecloud.inputs import NotRegularFile, open_input

    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(NotRegularFile, match="named pipe .FIFO. that nothing opened for writ"):
        open_input(tmp_path / "fifo", writer_wait_s=0)
    with pytest.raises(NotRegularFile, match="it is a character device, not a regular file"):
        open_input("/dev/zero")


def test_a_named_pipe_nothing_reads_from_is_refused_as_an_output_not_waited_for(tmp_path):
    """``fakecloud run S --trace FIFO`` (any output) with nothing reading the pipe ran the
    scenario, then hung for good in ``open``. Refused, naming what it is; the pipe stays."""
    import stat

    from fakecloud.outputs import write_atomic

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="named pipe .FIFO. that nothing opened for reading") as no:
        write_atomic(fifo, "x", reader_wait_s=0)
    assert no.value.filename == str(fifo) and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_run_of_a_project_folder_passes_over_hidden_folders_and_virtualenvs(scenario, capsys):
    """``fakecloud run .`` in a project refused every YAML file of its .venv's packages (and
    of a venv not named with a dot) as a scenario; a folder that vanished mid-walk was
    rglob's traceback."""
    for junk in (".venv/lib", "venv/lib", ".git"):
        (scenario.parent / junk).mkdir(parents=True)
        (scenario.parent / junk / "dask.yaml").write_text("temporary-directory: null\n")
    (scenario.parent / "venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    assert run_cli(capsys, "run", "--list", ".") == (0, "")
    assert run_cli(capsys, "run", "--case", "nope", ".") == (
        2,
        "fakecloud run: no case 'nope'; cases: default",
    )


def test_a_busy_port_is_named_with_its_service(capsys):
    """A port in use said only "cannot listen on 127.0.0.1: [Errno 98] Address already in
    use": not which of the four ports, nor what to do."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        status, last = run_cli(capsys, "serve", "--port-base", str(port))
    assert status == 2
    assert last.startswith(
        f"fakecloud serve: cannot listen on 127.0.0.1: port {port} (identity): Address already "
        "in use (another program has it, another fakecloud serve perhaps: --port-base N"
    )


@pytest.mark.parametrize("command", ["report", "explore"])
def test_a_library_scenario_is_named_from_the_library_as_run_names_it(
    tmp_path, monkeypatch, capsys, command
):
    """``fakecloud report lp1731986`` and ``explore`` named it by its full path (an installed
    fakecloud's site-packages) in titles, replay commands and errors, where ``run`` says
    ``bugs/...yaml``; report listed the cases in a set's order, another each process."""
    monkeypatch.chdir(tmp_path)
    assert run_cli(capsys, command, "lp1731986", "--case", "nope") == (
        2,
        f"fakecloud {command}: no case 'nope' in bugs/lp1731986_thaw_on_snapshot_failure.yaml; "
        "cases: bug_on, bug_off, backend-17-0-0, backend-17-0-1, backend-seed, "
        "backend-upstream, backend-upstream-bug-on",
    )


def test_a_mistyped_case_is_named_with_the_closest(capsys):
    """run, report and bisect listed the cases of a mistyped --case without the one meant
    (explore named it): a new user's ``--case bug_onn`` (session 35)."""
    for command in ("run", "report", "bisect"):
        status, err = run_cli(capsys, command, "lp1731986", "--case", "bug_onn")
        assert status == 2 and "no case 'bug_onn' (did you mean 'bug_on'?)" in err, command
    status, err = run_cli(capsys, "run", "lp1731986::bugon")
    assert status == 2 and "no case 'bugon' (did you mean 'bug_on'?) in lp1731986" in err
