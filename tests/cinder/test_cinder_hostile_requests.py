"""Cinder requests the hostile-input probe found answered with a 500 or a crash: each now ends
as real Cinder ends (cinder 12.0.10 and 29.0.0 read for each)."""

import pytest
from cinder_support import (
    ADMIN,
    P1,
    P2,
    P3,
    SERVER,
    call,
    create_snapshot,
    create_volume,
    fault,
)

from fakecloud import Cloud
from tests.booted import booted


@pytest.mark.parametrize("version", ["3.0", "3.61", "3.62", "3.70"])
def test_types_default_is_the_default_type_at_every_microversion(version):
    cloud = booted(seed=1, profile="upstream")
    resp = call(cloud, "GET", "types/default", version=version)
    assert resp.status == 200
    assert resp.json()["volume_type"]["name"] == "__DEFAULT__"


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_quota_defaults_of_another_project_are_forbidden(profile):
    cloud = booted(seed=1, profile=profile)
    resp = call(cloud, "GET", f"os-quota-sets/{P2}/defaults")
    assert fault(resp) == (
        "forbidden",
        403,
        "Policy doesn't allow volume_extension:quotas:show to be performed.",
    )
    assert call(cloud, "GET", f"os-quota-sets/{P1}/defaults").status == 200
    assert call(cloud, "GET", f"/v3/{P3}/os-quota-sets/{P2}/defaults", ctx=ADMIN).status == 200


def test_updating_a_completed_attachment_takes_it_back_to_attaching():
    cloud = booted(seed=1, profile="upstream")
    volume_id = create_volume(cloud)
    connector = {"host": "cmp-1", "initiator": "iqn.x"}
    body = {
        "attachment": {"volume_uuid": volume_id, "instance_uuid": SERVER, "connector": connector}
    }
    attachment = call(cloud, "POST", "attachments", body, version="3.54").json()["attachment"]
    action = f"attachments/{attachment['id']}/action"
    assert call(cloud, "POST", action, {"os-complete": None}, version="3.54").status == 204
    assert call(cloud, "GET", f"volumes/{volume_id}").json()["volume"]["status"] == "in-use"
    again = call(
        cloud,
        "PUT",
        f"attachments/{attachment['id']}",
        {"attachment": {"connector": connector}},
        version="3.54",
    )
    assert again.status == 200
    # The answer is the row as the API read it (the cinder oracle); the manager's update follows.
    assert again.json()["attachment"]["status"] == "attached"
    assert cloud.cinder.store.attachments[attachment["id"]].attach_status == "attaching"
    assert call(cloud, "GET", f"volumes/{volume_id}").json()["volume"]["status"] == "attaching"


def force_delete(cloud, kind, ident):
    path = f"/v3/{P3}/{kind}/{ident}/action"
    return call(cloud, "POST", path, {"os-force_delete": {}}, ctx=ADMIN)


@pytest.mark.parametrize("double_release", [True, False])
def test_two_deletes_of_one_snapshot_release_its_quota_twice_only_with_the_known_bug(
    double_release,
):
    cloud = Cloud(
        seed=1,
        profile="upstream",
        config={"switches": {"cinder_snapshot_delete_double_release": double_release}},
    )
    snapshot_id = create_snapshot(cloud, create_volume(cloud))
    # 1 GB for the volume, 1 GB for its snapshot.
    assert cloud.cinder.quotas.usages(P1)["gigabytes"]["in_use"] == 2
    assert call(cloud, "DELETE", f"snapshots/{snapshot_id}").status == 202
    assert force_delete(cloud, "snapshots", snapshot_id).status == 202
    cloud.run_until_idle()
    assert call(cloud, "GET", f"snapshots/{snapshot_id}").status == 404
    # The second release takes the volume's own gigabyte too (usage never goes below 0).
    usage = cloud.cinder.quotas.usages(P1)["gigabytes"]["in_use"]
    assert usage == (0 if double_release else 1)
    violated = [v.invariant for v in cloud.check_invariants()]
    assert ("quota_usage_matches" in violated) is double_release


def test_the_double_release_switch_is_on_where_real_cinder_has_the_bug():
    for profile in ("seed", "upstream"):
        assert Cloud(seed=1, profile=profile).kernel.switches.cinder_snapshot_delete_double_release
