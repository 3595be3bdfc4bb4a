"""tools/explore_figures.py (a developer tool: docs/exploration.md's tables in one command) reads
``fakecloud explore --json`` reports back into the page's rows: a seed counted once per check
it broke, over every group of a case, checks broken by the same seeds in one row."""

import json
import runpy
import sys
from pathlib import Path

FIGURES = Path(__file__).resolve().parents[2] / "tools" / "explore_figures.py"


def _group(broke, seeds, kind="invariant", case="default"):
    return {"case": case, "broke": broke, "kind": kind, "seeds": seeds}


def test_reports_become_the_pages_rows_and_sums(tmp_path, capsys, monkeypatch):
    cases = [{"case": "default", "explores": "tie order; adversary adversary-1"}]
    groups = [
        # two groups (two causes) of one check: their seeds together
        _group("invariant no_orphan_volume_snapshot", [4, 150]),
        _group("invariant no_orphan_volume_snapshot", [2]),
        _group("invariant no_unexpected_500", [2, 4, 150]),
        _group("state clone-boots: GET /servers/detail (x.yaml:42)", [120], "expectation"),
    ]
    report = {"cases": cases, "groups": groups, "seeds_run": 300}
    (tmp_path / "quota_race-moments.json").write_text(json.dumps(report))
    argv = ["explore_figures.py", "--reuse", "--out", str(tmp_path), "--only", "quota_race"]
    monkeypatch.setattr(sys, "argv", [*argv, "--windows", "moments"])
    runpy.run_path(str(FIGURES), run_name="__main__")
    out = capsys.readouterr().out.splitlines()
    rows = [line for line in out if line.startswith("| `quota_race")]
    assert rows == [
        "| `quota_race.yaml` default | `clone-boots` | 0, 1 (120) |",
        "| `quota_race.yaml` default | `no_orphan_volume_snapshot` and `no_unexpected_500` "
        "| 2, 3 (2) |",
    ]
    assert out[-1] == (
        "moments: 4 of the first 100 seeds a case, 7 of 300; 2 of 3 checks broken within 100"
    )
