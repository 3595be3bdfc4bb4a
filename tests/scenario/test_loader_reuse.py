"""Loading the same file again in one process gives the same scenario, never one an earlier
caller changed, and a file rewritten in place (same size, same mtime tick) loads its new text."""

from pathlib import Path

from fakecloud.scenario.loader import load

FAIR = Path(__file__).resolve().parents[2] / "scenarios" / "kernel" / "fair_sharing.yaml"


def test_a_callers_change_to_its_scenario_does_not_reach_the_next_load():
    first = load(FAIR)
    first.cases[0].params["changed"] = True
    first.cases[0].steps.clear()
    first.cases.pop()
    again = load(FAIR)
    assert [case.id for case in again.cases] == ["together", "alone", "latecomer"]
    assert "changed" not in again.cases[0].params
    assert again.cases[0].steps


def test_a_file_rewritten_with_the_same_size_loads_its_new_text(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("name: aaaa\nsteps: []\n")
    assert load(path).name == "aaaa"
    path.write_text("name: bbbb\nsteps: []\n")
    assert load(path).name == "bbbb"


def test_a_file_named_by_another_path_is_shown_by_the_path_given():
    load(FAIR, root_dir=FAIR.parents[2])
    again = load(FAIR.parent / ".." / "kernel" / FAIR.name)
    assert again.file == str(FAIR.parent / ".." / "kernel" / FAIR.name)
    assert {case.file for case in again.cases} == {again.file}
    assert again.cases[0].where(3) == f"{again.file}:3"
