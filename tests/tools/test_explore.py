"""`fakecloud explore`: the same scenario under many seeds, with chance switched on."""

from pathlib import Path

from fakecloud.cli import main as cli
from fakecloud.explore import explore_case
from fakecloud.scenario.loader import load

FAIR_SHARING = str(Path(__file__).resolve().parents[2] / "scenarios/kernel/fair_sharing.yaml")


def test_exact_timing_expectations_break_under_throughput_jitter(capsys):
    assert cli(["explore", FAIR_SHARING, "--seeds", "5", "--choices", "throughput_jitter"]) == 1
    out = capsys.readouterr().out
    assert "0/5 seeds pass" in out
    assert "--replay 0 --choices throughput_jitter" in out


def test_without_chance_every_seed_passes(capsys):
    assert cli(["explore", FAIR_SHARING, "--seeds", "3", "--choices", ""]) == 0
    assert "3/3 seeds pass" in capsys.readouterr().out


def test_a_seed_replays_the_same_run():
    case = load(FAIR_SHARING).cases[0]
    (_, first), (_, again) = explore_case(case, [4, 4], ["rpc_delay", "throughput_jitter"])
    assert first.trace.digest() == again.trace.digest()
    ((_, other),) = explore_case(case, [5], ["rpc_delay", "throughput_jitter"])
    assert other.trace.digest() != first.trace.digest()


def test_replay_prints_the_full_report(capsys):
    assert cli(["explore", FAIR_SHARING, "--replay", "2", "--choices", "throughput_jitter"]) == 1
    out = capsys.readouterr().out
    assert "expectations" in out and "FAIL" in out


def test_bad_choices_and_files_are_clear_errors(capsys, tmp_path):
    assert cli(["explore", FAIR_SHARING, "--choices", "gremlins"]) == 2
    assert "unknown choice(s) ['gremlins']" in capsys.readouterr().err
    assert cli(["explore", str(tmp_path / "missing.yaml")]) == 2
    assert "cannot read" in capsys.readouterr().err
