"""Traces the view tests read: scenario runs from the library, each run once per session."""

import io
from pathlib import Path

import pytest
from rich.console import Console

from fakecloud.demo import tour
from fakecloud.scenario.loader import load
from fakecloud.scenario.runner import run_case

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def run_scenario(path: str, case_id: str):
    """The result of one case of a library scenario."""
    return run_case(load(str(SCENARIOS / path)).case(case_id))


@pytest.fixture(scope="session")
def lp_bug_on():
    """LP #1731986 with the bug: Cinder refuses the second snapshot, the guest stays frozen."""
    return run_scenario("bugs/lp1731986_thaw_on_snapshot_failure.yaml", "bug_on")


@pytest.fixture(scope="session")
def lp_bug_off():
    """LP #1731986 fixed: the guest is thawed right after the failure."""
    return run_scenario("bugs/lp1731986_thaw_on_snapshot_failure.yaml", "bug_off")


@pytest.fixture(scope="session")
def image_online():
    """A live snapshot of an image-backed server: extract, then upload to Glance."""
    return run_scenario("flows/image_backed_online.yaml", "seed")


@pytest.fixture(scope="session")
def demo_tour(tmp_path_factory):
    """The demo's tour, told without pauses: (what it printed, the reports it wrote)."""
    out = io.StringIO()
    console = Console(file=out, width=100, soft_wrap=True, highlight=False)
    reports = tour(tmp_path_factory.mktemp("demo"), pace=False, console=console)
    return out.getvalue(), reports
