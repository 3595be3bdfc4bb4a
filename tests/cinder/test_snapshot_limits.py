"""The two limits Nova's volume-backed snapshot reads of ``GET /limits`` (`snapshot_limits`)
are those of the whole answer (`absolute_limits`), and reading them leaves the same usage
records behind (a saved cloud's bytes)."""

import copy

import pytest

from fakecloud.cinder.config import CinderConfig
from fakecloud.cinder.quota import QuotaEngine
from fakecloud.cinder.views import absolute_limits, snapshot_limits


def _engines(setup):
    config = CinderConfig(quota_snapshots=7, project_quotas={"p2": {"snapshots": 3}})
    engine = QuotaEngine(config, ["lvmdriver-1"])
    setup(engine)
    return engine, copy.deepcopy(engine)


def _records(engine):
    return {
        project: [(res, u.in_use, u.reserved) for res, u in usages.items()]
        for project, usages in engine._usages.items()
    }


def _touch(*resources, in_use=2):
    def setup(engine):
        for project in ("p1", "p2"):
            for res in resources:
                engine.usage(project, res).in_use = in_use

    return setup


@pytest.mark.parametrize(
    "setup",
    [
        _touch(),
        _touch("snapshots"),
        _touch("gigabytes", "snapshots", "volumes"),
        _touch("volumes", "gigabytes", "snapshots", "backups", "backup_gigabytes"),
        _touch("backup_gigabytes", "backups", "snapshots", "gigabytes", "volumes", "groups"),
    ],
)
@pytest.mark.parametrize("project", ["p1", "p2", "p3"])
def test_the_two_limits_and_the_records_left_are_the_whole_answers(setup, project):
    narrow, whole = _engines(setup)
    absolute = absolute_limits(whole, project)
    assert snapshot_limits(narrow, project) == (
        absolute["maxTotalSnapshots"],
        absolute["totalSnapshotsUsed"],
    )
    assert _records(narrow) == _records(whole)
