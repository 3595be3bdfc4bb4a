"""Traces the view tests read (scenario runs from the library, each run once per session), and
the headless Chromium the report test opens them in, started as the session's tests start."""

import io
from pathlib import Path

import pytest
from rich.console import Console

from fakecloud.demo import tour
from fakecloud.scenario.loader import load
from fakecloud.scenario.runner import run_case
from tests.views.browser import Background

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
BROWSER = pytest.StashKey[Background]()


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


def pytest_collection_finish(session):
    """Start Chromium when a test of the run will use it, before the first test runs: its start
    (about a second, mostly waiting on Playwright's driver and the browser) then overlaps the
    tests that run before that one. Not with --collect-only (nothing runs), nor in an xdist
    worker: each collects every test but may never run that one (the `chromium` fixture starts
    it there)."""
    config = session.config
    if config.option.collectonly or hasattr(config, "workerinput"):
        return
    if any("chromium" in getattr(item, "fixturenames", ()) for item in session.items):
        _browser(config)


def _browser(config) -> Background:
    """The run's background Chromium (started on the first ask), closed when the run ends."""
    if BROWSER not in config.stash:
        browser = Background(str(config._tmp_path_factory.mktemp("chromium-profile")))
        config.stash[BROWSER] = browser
        config.add_cleanup(browser.join)  # cleanups run last first: stop, then join
        config.add_cleanup(browser.stop)
    return config.stash[BROWSER]


@pytest.fixture(scope="session")
def chromium(pytestconfig) -> Background:
    """Headless Chromium in a thread of its own (`tests.views.browser.Background`), started;
    the test is skipped, saying why, when Playwright or Chromium is missing."""
    browser = _browser(pytestconfig)
    page, why = browser.started.result()
    if page is None:
        pytest.skip(why)
    return browser
