"""The library's race scenarios are explored by `make explore`, which `make test` does not do.

A race file places its race by hand; chance (RPC delays, tie orders, throughputs) may move it
out of its window, so every one must explore clean as well as replay (exploration.md, "The
library's race scenarios"). `make explore` (``pytest -m explore``) explores only the cases
with an ``explore:`` section: session 34's
``live_migration_attaching_during_volume_snapshot.yaml`` had none and broke in 100 of 100
explored seeds unseen until session 35. Exploring them here would cost the suite some 0.65
CPU-s (one seed of each case), so this checks only that `make explore` covers them.
"""

from pathlib import Path

from fakecloud.scenario.loader import load

RACES = Path(__file__).resolve().parents[2] / "scenarios" / "races"


def test_every_race_case_has_an_explore_section_so_make_explore_runs_it():
    cases = [
        (path.name, case) for path in sorted(RACES.glob("*.yaml")) for case in load(path).cases
    ]
    assert cases
    assert [f"{name}::{case.id}" for name, case in cases if case.explore is None] == []
