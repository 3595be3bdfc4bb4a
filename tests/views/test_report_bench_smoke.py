"""The report benchmark keeps working (`make bench` checks its number, not this test)."""

import gc
from pathlib import Path

#: The harness's folder, on sys.path during the test only (tests/tools/test_bench_smoke.py: why)
BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def test_the_report_benchmark_renders_a_real_trace_at_quick_size(monkeypatch):
    monkeypatch.syspath_prepend(BENCHMARKS)
    import report_render

    # The harness collects all garbage before it measures (benchmarks/measure.py repeat): in
    # share 2 that full collection walked what the earlier tests left alive, 0.2 CPU-s. Young
    # garbage is collected and the rest frozen first, as tests/tools/test_bench_smoke.py does.
    gc.collect(1)
    gc.freeze()
    result = report_render.render_10k(quick=True)
    assert result.case.startswith("HTML report of a ") and result.case.endswith("-event trace")
    assert result.unit == "CPU ms" and result.target == 1000.0 and result.runs == 1
    assert "MB page" in result.note
