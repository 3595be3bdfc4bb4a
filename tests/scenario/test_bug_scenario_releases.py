"""Each bug scenario of the library says which releases it reproduces on, and for a bug with a
switch that is exactly where the switch is on (computed from its provenance)."""

from pathlib import Path

import pytest

from fakecloud.profiles import SWITCHES

BUGS = sorted(Path(__file__).resolve().parents[2].joinpath("scenarios", "bugs").glob("*.yaml"))


def _header(path: Path) -> str:
    lines = []
    for line in path.read_text().splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("# "))
    return " ".join(lines)


@pytest.mark.parametrize("path", BUGS, ids=lambda p: p.stem)
def test_a_bug_scenario_names_the_releases_it_reproduces_on(path):
    header = _header(path)
    assert "Reproduces on Nova " in header
    bug = path.stem.split("_")[0]
    if bug in SWITCHES:
        ranges = SWITCHES[bug].ranges_text().replace("-", "-")
        assert f"Reproduces on Nova {ranges} (switch {bug}" in header
