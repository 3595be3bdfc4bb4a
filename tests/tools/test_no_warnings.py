"""fakecloud's own code emits no warning: a user running their suite with ``-W error`` (or
``filterwarnings = error``) is never failed by fakecloud. The project's pytest configuration also
turns any warning attributed to a fakecloud module into an error, in every test."""

import warnings
from pathlib import Path

import pytest

import fakecloud
from fakecloud import Cloud
from fakecloud.scenario.loader import load
from fakecloud.scenario.runner import run_case

PACKAGE = str(Path(fakecloud.__file__).parent)
ROOT = Path(__file__).resolve().parents[2]
# Every scenario file's cases already run under the project's "warnings from fakecloud are
# errors" filter as test items; here one run with a failure path is recorded under "always",
# which also shows warnings that Python's default filters would print only once.
FLOWS = ["scenarios/bugs/lp1731986_thaw_on_snapshot_failure.yaml"]


def _fakecloud_warnings(caught):
    return [
        f"{w.filename}:{w.lineno}: {w.category.__name__}: {w.message}"
        for w in caught
        if w.filename.startswith(PACKAGE)
    ]


@pytest.mark.parametrize("path", FLOWS)
def test_a_scenario_run_warns_nothing(path):
    scenario = load(ROOT / path, root_dir=ROOT)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results = [run_case(case) for case in scenario.cases]
    assert _fakecloud_warnings(caught) == []
    assert all(r.passed for r in results)


def test_the_sdk_flow_through_intercept_warns_nothing():
    cloud = Cloud()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with cloud.intercept():
            conn = cloud.connection()
            image = next(i for i in conn.image.images() if i.name.startswith("cirros"))
            server = conn.compute.create_server(
                name="w", flavor_id="1", image_id=image.id, networks="none"
            )
            server = conn.compute.wait_for_server(server, wait=600)
            conn.compute.create_server_image(server, "w-snap", wait=True)
            conn.compute.delete_server(server)
            conn.compute.wait_for_delete(server, wait=600)
    assert _fakecloud_warnings(caught) == []
    assert caught, "openstacksdk's own deprecation warnings were recorded: the net works"
