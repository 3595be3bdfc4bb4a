"""The report benchmark keeps working (`make bench` checks its number, not this test)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import report_render  # noqa: E402


def test_the_report_benchmark_renders_a_real_trace_at_quick_size():
    result = report_render.render_10k(quick=True)
    assert result.case.startswith("HTML report of a ") and result.case.endswith("-event trace")
    assert result.unit == "CPU ms" and result.target == 1000.0 and result.runs == 1
    assert "MB page" in result.note
