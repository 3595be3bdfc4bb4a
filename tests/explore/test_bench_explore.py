"""The explorer's benchmark cases keep working (their numbers are for `make bench`)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import explore_seeds  # noqa: E402


def test_the_explore_benchmarks_run_at_quick_size():
    per_core = explore_seeds.seeds_per_core(quick=True)
    assert per_core.unit == "per CPU-s" and per_core.target == 1000 and per_core.median > 0
    scaling = explore_seeds.two_workers(quick=True)
    assert scaling.target == 1.8 and scaling.runs == 1 and scaling.median > 0
