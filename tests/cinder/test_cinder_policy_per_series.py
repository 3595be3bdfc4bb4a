"""Cinder's ``[oslo_policy] enforce_new_defaults`` per series: False until Cinder 28.x
(cinder/policy.py ``set_defaults(enforce_new_defaults=False)`` in 28.0.0), so the deprecated
``rule:admin_or_owner`` rules let any caller of the project through; True from Cinder 29.0.0
(the series of Nova 34, "Enable SRBAC by default"), so a reader may read, not write."""

from __future__ import annotations

import pytest

from fakecloud import Cloud
from tests.cinder.cinder_support import OTHER, READER, call, create_snapshot, create_volume, fault


@pytest.mark.parametrize(
    ("profile", "refused"), [("seed", False), ("nova-33.0.2", False), ("nova-34.0.0", True)]
)
def test_a_reader_snapshots_and_deletes_until_cinder_29(profile, refused):
    cloud = Cloud(profile=profile)
    vid = create_volume(cloud)
    body = {"snapshot": {"volume_id": vid, "force": True}}
    resp = call(cloud, "POST", "snapshots", body, ctx=READER)
    if refused:
        assert fault(resp) == (
            "forbidden",
            403,
            "Policy doesn't allow volume:create_snapshot to be performed.",
        )
        return
    assert resp.status == 202, resp.json()
    cloud.run_until_idle()
    sid = resp.json()["snapshot"]["id"]
    assert call(cloud, "DELETE", f"snapshots/{sid}", ctx=READER).status == 202


@pytest.mark.parametrize(("profile", "setting"), [("seed", True), ("upstream", False)])
def test_the_config_overrides_the_series_default(profile, setting):
    cloud = Cloud(profile=profile, config={"cinder": {"enforce_new_defaults": setting}})
    vid = create_volume(cloud)
    resp = call(cloud, "DELETE", f"volumes/{vid}", ctx=READER)
    assert resp.status == (403 if setting else 202)


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_another_projects_member_never_sees_the_snapshot(profile):
    """The owner check is the same under both defaults: 404, the snapshot is not found."""
    cloud = Cloud(profile=profile)
    sid = create_snapshot(cloud, create_volume(cloud))
    resp = call(cloud, "GET", f"/v3/{OTHER.project_id}/snapshots/{sid}", ctx=OTHER)
    assert fault(resp) == ("itemNotFound", 404, f"Snapshot {sid} could not be found.")


def test_enforce_new_defaults_must_be_a_boolean():
    from fakecloud.errors import ConfigError

    with pytest.raises(ConfigError, match="cinder.enforce_new_defaults: expected true or false"):
        Cloud(config={"cinder": {"enforce_new_defaults": "yes"}})
