"""Cinder's ``[oslo_policy] enforce_new_defaults`` per series: False until Cinder 28.x
(cinder/policy.py ``set_defaults(enforce_new_defaults=False)`` in 28.0.0), so the deprecated
``rule:admin_or_owner`` rules let any caller of the project through; True from Cinder 29.0.0
(the series of Nova 34, "Enable SRBAC by default"), so a reader may read, not write."""

from __future__ import annotations

import pytest

from fakecloud import Cloud
from tests.booted import booted
from tests.cinder.cinder_support import OTHER, READER, call, create_snapshot, create_volume, fault


@pytest.mark.parametrize(
    ("profile", "refused"), [("seed", False), ("nova-33.0.2", False), ("nova-34.0.0", True)]
)
def test_a_reader_snapshots_and_deletes_until_cinder_29(profile, refused):
    cloud = booted(profile=profile)
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
    cloud = booted(profile=profile)
    sid = create_snapshot(cloud, create_volume(cloud))
    resp = call(cloud, "GET", f"/v3/{OTHER.project_id}/snapshots/{sid}", ctx=OTHER)
    assert fault(resp) == ("itemNotFound", 404, f"Snapshot {sid} could not be found.")


def test_enforce_new_defaults_must_be_a_boolean():
    from fakecloud.errors import ConfigError

    with pytest.raises(ConfigError, match="cinder.enforce_new_defaults: expected true or false"):
        Cloud(config={"cinder": {"enforce_new_defaults": "yes"}})


@pytest.mark.parametrize(
    ("profile", "member_sees", "custom_role_sees"),
    [
        ("seed", False, False),  # Cinder 12: rule:admin_api
        ("nova-23.2.2", False, False),  # Cinder 18: still the admin's
        ("nova-24.0.0", True, False),  # Cinder 19 (9843ac3bb): readers, admin_api OR-ed in
        ("upstream", True, False),
    ],
)
def test_a_volume_types_extra_specs_per_series(profile, member_sees, custom_role_sees):
    """``volume_extension:access_types_extra_specs`` (cinder/policies/volume_type.py) gates the
    ``extra_specs`` of a volume type in ``GET /types``: admin-only until Cinder 18.x, the
    project's readers from 19.0.0; a custom role passes neither (not ``admin_or_owner``)."""
    from fakecloud.identity.context import RequestContext

    config = {
        "cinder": {
            "volume_types": {
                "__DEFAULT__": {"backend": "lvmdriver-1"},
                "gold": {"backend": "lvmdriver-1", "extra_specs": {"tier": "gold"}},
            }
        }
    }
    cloud = Cloud(profile=profile, config=config)
    custom = RequestContext(user_id="u-custom", project_id=READER.project_id, roles=("custom",))
    for ctx, sees in ((READER, member_sees), (custom, custom_role_sees)):
        types = call(cloud, "GET", "types", ctx=ctx).json()["volume_types"]
        gold = next(t for t in types if t["name"] == "gold")
        assert ("extra_specs" in gold) is sees, (ctx.roles, gold)
