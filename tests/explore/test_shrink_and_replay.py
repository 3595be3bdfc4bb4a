"""Shrinking a failing seed, and replay files that plain `fakecloud run` replays exactly."""

from fakecloud.cli import main as cli
from fakecloud.explore.replay import replay_document, write_replay
from fakecloud.explore.runner import prepared
from fakecloud.scenario.loader import load
from fakecloud.scenario.runner import run_case
from tests.explore.conftest import same_run


def test_shrinking_a_seed_that_breaks_nothing_says_so(tmp_path, capsys):
    plain = tmp_path / "calm.yaml"
    plain.write_text(
        "steps:\n  - transfer: {size_mb: 1, path: [{name: l, mb_per_s: 1}]}\nexplore: {seeds: 2}\n"
    )
    assert cli(["shrink", str(plain), "--seed", "0", "-o", str(tmp_path / "o.yaml")]) == 1
    assert "breaks nothing" in capsys.readouterr().err


def test_an_explored_run_and_its_replay_file_write_the_same_trace(shared_link, tmp_path):
    ready = prepared(shared_link.read_text(), str(shared_link), "default")
    explored = ready.play(5)
    path = write_replay(tmp_path / "r.yaml", replay_document(explored, 0))
    replayed = run_case(load(path).cases[0])
    assert same_run(replayed.trace, explored.result.trace)
    assert [c.what for c in replayed.failures] == [c.what for c in explored.failures]
