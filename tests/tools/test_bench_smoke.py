"""The benchmark harness keeps working (its numbers are checked by `make bench`, not here)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import run as bench  # noqa: E402


def test_every_benchmark_runs_at_quick_size(capsys):
    assert bench.main(["--quick"]) == 0
    lines = capsys.readouterr().out.splitlines()
    labels = [line.split("  ")[0] for line in lines if "target" in line]
    assert labels == [
        "fresh Cloud()",
        "volume-backed flows/s (API)",
        "image-backed flows/s (API)",
        "openstacksdk BFV flow",
        "openstacksdk 10-min upload wait",
        "storm of 200 snapshots",
    ]
    assert any("200 images and Cinder snapshots" in line for line in lines)
