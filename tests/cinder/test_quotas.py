"""Quotas (spec A3): what volumes and snapshots reserve, when it is committed or released,
the 413 errors and their order, per-type quotas, GET /limits and os-quota-sets."""

import pytest
from cinder_support import (
    ADMIN,
    MEMBER,
    OTHER,
    P1,
    P3,
    READER,
    absolute,
    call,
    create_snapshot,
    create_volume,
    fault,
)

from fakecloud import Cloud
from fakecloud.errors import ConfigError
from tests.booted import booted

LIMIT_KEYS = {
    "maxTotalVolumes",
    "maxTotalSnapshots",
    "maxTotalVolumeGigabytes",
    "maxTotalBackups",
    "maxTotalBackupGigabytes",
    "totalVolumesUsed",
    "totalGigabytesUsed",
    "totalSnapshotsUsed",
    "totalBackupsUsed",
    "totalBackupGigabytesUsed",
}


def _snap(cloud, vid, ctx=MEMBER):
    return call(
        cloud, "POST", "snapshots", {"snapshot": {"volume_id": vid, "force": True}}, ctx=ctx
    )


def test_limits_show_the_exact_absolute_keys_and_defaults():
    cloud = booted()
    resp = call(cloud, "GET", "limits")
    assert resp.status == 200
    assert resp.json()["limits"]["rate"] == []
    assert resp.json()["limits"]["absolute"] == {
        "maxTotalVolumes": 10,
        "maxTotalSnapshots": 10,
        "maxTotalVolumeGigabytes": 1000,
        "maxTotalBackups": 10,
        "maxTotalBackupGigabytes": 1000,
        "totalVolumesUsed": 0,
        "totalGigabytesUsed": 0,
        "totalSnapshotsUsed": 0,
        "totalBackupsUsed": 0,
        "totalBackupGigabytesUsed": 0,
    }


def test_snapshot_quota_is_committed_at_post_time_and_counts_the_volume_size():
    cloud = booted()
    vid = create_volume(cloud, size=10)
    assert absolute(cloud)["totalGigabytesUsed"] == 10
    resp = _snap(cloud, vid)
    assert resp.json()["snapshot"]["status"] == "creating"
    used = absolute(cloud)
    assert (used["totalSnapshotsUsed"], used["totalGigabytesUsed"]) == (1, 20)
    assert cloud.cinder.quotas.usage(P1, "snapshots").reserved == 0
    cloud.run_until_idle()
    assert absolute(cloud)["totalSnapshotsUsed"] == 1


def test_no_snapshot_gb_quota_leaves_gigabytes_to_volumes():
    cloud = Cloud(config={"cinder": {"no_snapshot_gb_quota": True}})
    vid = create_volume(cloud, size=10)
    _snap(cloud, vid)
    used = absolute(cloud)
    assert (used["totalSnapshotsUsed"], used["totalGigabytesUsed"]) == (1, 10)


def test_error_snapshot_keeps_its_quota_until_deleted():
    cloud = booted()
    vid = create_volume(cloud, size=10)
    cloud.faults.add("cinder.snapshot.create", error="CinderBackendError")
    sid = create_snapshot(cloud, vid)
    assert cloud.cinder.snapshot(sid).status == "error"
    assert absolute(cloud)["totalSnapshotsUsed"] == 1
    assert absolute(cloud)["totalGigabytesUsed"] == 20
    call(cloud, "DELETE", f"snapshots/{sid}")
    assert absolute(cloud)["totalSnapshotsUsed"] == 1  # released when the delete completes
    cloud.run_until_idle()
    used = absolute(cloud)
    assert (used["totalSnapshotsUsed"], used["totalGigabytesUsed"]) == (0, 10)


def test_scheduler_failure_also_keeps_the_quota():
    cloud = booted()
    vid = create_volume(cloud, size=10)
    cloud.faults.add("cinder.scheduler", error="NoValidBackend", match={"op": "create_snapshot"})
    sid = create_snapshot(cloud, vid)
    assert cloud.cinder.snapshot(sid).status == "error"
    assert absolute(cloud)["totalSnapshotsUsed"] == 1


def test_over_snapshot_quota_is_413_with_retry_after():
    cloud = booted()
    cloud.cinder.set_quota(P1, snapshots=2)
    vid = create_volume(cloud)
    assert _snap(cloud, vid).status == 202
    assert _snap(cloud, vid).status == 202
    resp = _snap(cloud, vid)
    assert (resp.status, resp.refusal) == (413, "quota")
    assert resp.headers["Retry-After"] == "0"
    assert resp.json() == {
        "overLimit": {
            "code": 413,
            "message": "SnapshotLimitExceeded: Maximum number of snapshots allowed (2) exceeded",
            "retryAfter": "0",
        }
    }
    assert resp.headers["OpenStack-API-Version"] == "volume 3.0"
    assert absolute(cloud)["totalSnapshotsUsed"] == 2
    assert cloud.cinder.quotas.usage(P1, "snapshots").reserved == 0


def test_over_gigabytes_is_413_volume_size_exceeds_available_quota():
    cloud = booted()
    cloud.cinder.set_quota(P1, gigabytes=25)
    vid = create_volume(cloud, size=10)
    assert _snap(cloud, vid).status == 202
    resp = _snap(cloud, vid)
    assert fault(resp) == (
        "overLimit",
        413,
        "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed "
        "gigabytes quota. Requested 10G, quota is 25G and 20G has been consumed.",
    )


def test_gigabytes_beats_snapshots_when_both_are_exceeded():
    cloud = booted()
    cloud.cinder.set_quota(P1, gigabytes=15, snapshots=1)
    vid = create_volume(cloud, size=10)
    _snap(cloud, vid)
    assert fault(_snap(cloud, vid))[2].startswith("VolumeSizeExceedsAvailableQuota:")


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        (
            {"snapshots___DEFAULT__": 1},
            "SnapshotLimitExceeded: Maximum number of snapshots allowed (1) exceeded",
        ),
        (
            {"gigabytes___DEFAULT__": 15},
            "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed "
            "gigabytes___DEFAULT__ quota. Requested 10G, quota is 15G and 10G has been consumed.",
        ),
    ],
)
def test_per_type_quotas_give_the_same_errors(limits, message):
    cloud = booted(profile="upstream")  # a volume without a type has __DEFAULT__ (Cinder 15 on)
    vid = create_volume(cloud, size=10)
    cloud.cinder.set_quota(P1, **limits)
    if "snapshots___DEFAULT__" in limits:
        _snap(cloud, vid)
    assert fault(_snap(cloud, vid)) == ("overLimit", 413, message)


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_per_type_usage_is_tracked_for_configured_types(profile):
    cloud = Cloud(
        profile=profile,
        config={
            "cinder": {
                "backends": {"lvm": {"kind": "lvm-thin"}, "ceph": {"kind": "rbd"}},
                "volume_types": {"__DEFAULT__": {"backend": "lvm"}, "ceph": {"backend": "ceph"}},
            }
        },
    )
    vid = create_volume(cloud, size=4, volume_type="ceph")
    _snap(cloud, vid)
    resp = call(cloud, "GET", f"os-quota-sets/{P1}", query={"usage": "true"})
    qs = resp.json()["quota_set"]
    assert qs["snapshots_ceph"] == {"limit": -1, "in_use": 1, "reserved": 0}
    assert qs["gigabytes_ceph"] == {"limit": -1, "in_use": 8, "reserved": 0}
    # Cinder made the __DEFAULT__ type in 15.0.0: Queens has no such type, nor its quotas.
    default_usage = qs.get("snapshots___DEFAULT__", {}).get("in_use")
    assert default_usage == (0 if profile == "upstream" else None)
    assert qs["gigabytes"] == {"limit": 1000, "in_use": 8, "reserved": 0}


def test_volume_quotas():
    cloud = Cloud(config={"cinder": {"project_quotas": {P1: {"volumes": 1}}}})
    create_volume(cloud, size=5)
    resp = call(cloud, "POST", "volumes", {"volume": {"size": 1}})
    assert fault(resp) == (
        "overLimit",
        413,
        "VolumeLimitExceeded: Maximum number of volumes allowed (1) exceeded for quota 'volumes'.",
    )
    cloud.cinder.set_quota(P1, volumes=-1, gigabytes=10)
    resp = call(cloud, "POST", "volumes", {"volume": {"size": 6}})
    assert fault(resp)[2] == (
        "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes "
        "quota. Requested 6G, quota is 10G and 5G has been consumed."
    )
    cloud.cinder.set_quota(P1, per_volume_gigabytes=3)
    resp = call(cloud, "POST", "volumes", {"volume": {"size": 4}})
    assert fault(resp)[2] == (
        "VolumeSizeExceedsLimit: Requested volume size 4G is larger than maximum allowed limit 3G."
    )


def test_minus_one_is_unlimited():
    cloud = Cloud(config={"cinder": {"quota_snapshots": -1}})
    vid = create_volume(cloud)
    for _ in range(12):
        assert _snap(cloud, vid).status == 202
    assert absolute(cloud)["maxTotalSnapshots"] == -1
    assert absolute(cloud)["totalSnapshotsUsed"] == 12


def test_volume_delete_releases_volume_quota_when_it_completes():
    cloud = booted()
    vid = create_volume(cloud, size=7)
    call(cloud, "DELETE", f"volumes/{vid}")
    assert absolute(cloud)["totalVolumesUsed"] == 1
    cloud.run_until_idle()
    used = absolute(cloud)
    assert (used["totalVolumesUsed"], used["totalGigabytesUsed"]) == (0, 0)


def test_limits_are_per_project_and_admins_may_ask_for_another_from_3_39():
    cloud = booted()
    cloud.cinder.set_quota(P1, snapshots=3)
    assert absolute(cloud, OTHER)["maxTotalSnapshots"] == 10
    resp = call(cloud, "GET", f"/v3/{P3}/limits", ctx=ADMIN, query={"project_id": P1})
    assert resp.json()["limits"]["absolute"]["maxTotalSnapshots"] == 10
    resp = call(
        cloud, "GET", f"/v3/{P3}/limits", ctx=ADMIN, query={"project_id": P1}, version="3.39"
    )
    assert resp.json()["limits"]["absolute"]["maxTotalSnapshots"] == 3
    resp = call(cloud, "GET", "limits", query={"project_id": OTHER.project_id}, version="3.39")
    assert resp.json()["limits"]["absolute"]["maxTotalSnapshots"] == 3


def test_quota_sets_update_is_admin_only():
    cloud = booted()
    body = {"quota_set": {"snapshots": 4}}
    resp = call(cloud, "PUT", f"os-quota-sets/{P1}", body)
    assert fault(resp)[:2] == ("forbidden", 403)
    resp = call(cloud, "PUT", f"/v3/{P3}/os-quota-sets/{P1}", body, ctx=ADMIN)
    assert resp.status == 200
    assert absolute(cloud)["maxTotalSnapshots"] == 4
    resp = call(
        cloud, "PUT", f"/v3/{P3}/os-quota-sets/{P1}", {"quota_set": {"bogus": 1}}, ctx=ADMIN
    )
    assert fault(resp)[2] == "Bad key(s) in quota set: bogus"  # Queens: no schema yet
    defaults = call(cloud, "GET", f"os-quota-sets/{P1}/defaults", ctx=READER)
    assert defaults.json()["quota_set"]["snapshots"] == 10


def test_set_quota_rejects_unknown_resources():
    cloud = booted()
    with pytest.raises(ConfigError, match="unknown Cinder quota resource 'snapshot'.*'snapshots'"):
        cloud.cinder.set_quota(P1, snapshot=3)
    with pytest.raises(ConfigError, match="unknown Cinder quota resource"):
        Cloud(config={"cinder": {"project_quotas": {P1: {"gigs": 1}}}})
    assert set(absolute(cloud)) == LIMIT_KEYS


def test_same_seed_same_trace():
    def scenario():
        cloud = booted(seed=7)
        cloud.cinder.set_quota(P1, snapshots=1)
        vid = create_volume(cloud, size=3)
        _snap(cloud, vid)
        _snap(cloud, vid)
        cloud.run_until_idle()
        return cloud.trace.digest()

    assert scenario() == scenario()


@pytest.mark.parametrize(
    ("quota_set", "message"),
    [
        # validators._validate_quota_set: oslo's validate_integer words, first bad value first.
        ({"bogus": 1, "volumes": "x"}, "volumes must be an integer"),
        ({"volumes": True}, "volumes must be an integer"),
        ({"volumes": 5.5}, "volumes must be an integer"),
        ({"volumes": -2}, "volumes must be >= -1"),
        ({"volumes": 2147483648}, "volumes must be <= 2147483647"),
        ({"bogus": 1, "id": "x"}, "Invalid input received: Bad key(s) in quota set: bogus"),
        ({}, "Invalid input for field/attribute quota_set. Value: {}. "),
    ],
)
def test_quota_sets_update_checks_the_body_as_the_schema_does(quota_set, message):
    cloud = booted(profile="upstream")  # schemas/quotas.py came with 13.0.0
    resp = call(cloud, "PUT", f"/v3/{P3}/os-quota-sets/{P1}", {"quota_set": quota_set}, ctx=ADMIN)
    assert resp.status == 400 and fault(resp)[2].startswith(message)


def test_quota_sets_update_body_shape_and_non_quota_keys():
    cloud = booted(profile="upstream")  # schemas/quotas.py came with 13.0.0
    path = f"/v3/{P3}/os-quota-sets/{P1}"
    resp = call(cloud, "PUT", path, {"quota_set": {"volumes": 2}, "x": 1}, ctx=ADMIN)
    assert fault(resp)[2] == "Additional properties are not allowed ('x' was unexpected)"
    assert fault(call(cloud, "PUT", path, {}, ctx=ADMIN))[2] == "'quota_set' is a required property"
    body = {"quota_set": {"id": P1, "tenant_id": P1, "snapshots": "7"}}
    resp = call(cloud, "PUT", path, body, ctx=ADMIN)
    assert resp.status == 200 and "id" not in resp.json()["quota_set"]
    assert resp.json()["quota_set"]["snapshots"] == 7


def test_quota_below_usage_is_refused_only_once_the_project_has_its_own_limit():
    # QuotaSetsController.update compares with get_project_quotas(defaults=False): a resource
    # still at its default is not checked against what the project uses.
    cloud = booted()
    create_volume(cloud, size=3)
    path = f"/v3/{P3}/os-quota-sets/{P1}"
    resp = call(cloud, "PUT", path, {"quota_set": {"gigabytes": 2}}, ctx=ADMIN)
    assert resp.status == 200 and resp.json()["quota_set"]["gigabytes"] == 2
    resp = call(cloud, "PUT", path, {"quota_set": {"gigabytes": 1}}, ctx=ADMIN)
    assert fault(resp) == (
        "badRequest",
        400,
        "Quota gigabytes limit must be equal or greater than existing resources. Current "
        "usage is 3 and the requested limit is 1.",
    )
    for limit in (-1, 3):
        resp = call(cloud, "PUT", path, {"quota_set": {"gigabytes": limit}}, ctx=ADMIN)
        assert resp.status == 200
    body = {"quota_set": {"per_volume_gigabytes": 1}}  # a limit, not a usage: never compared
    assert call(cloud, "PUT", path, body, ctx=ADMIN).status == 200
    assert call(cloud, "PUT", path, body, ctx=ADMIN).status == 200


def test_quota_sets_update_before_and_after_the_schema():
    """Queens (12.0.10 ``contrib/quotas.py`` ``update``): the policy first, then
    ``assert_valid_body``, every unknown key (joined with a bare comma) before any value, and
    an empty set taken; from 13.0.0 ``@validation.schema(quotas.update_quota)`` checks the body
    before the method's policy (a member's bad body is a 400, not a 403)."""
    queens = booted()
    path = f"/v3/{P3}/os-quota-sets/{P1}"
    assert fault(call(queens, "PUT", f"os-quota-sets/{P1}", {"quota_set": {"x": 1}}))[1] == 403
    resp = call(queens, "PUT", path, {"quota_set": {"a": 1, "volumes": "x", "b": 2}}, ctx=ADMIN)
    assert fault(resp) == ("badRequest", 400, "Bad key(s) in quota set: a,b")
    resp = call(queens, "PUT", path, {"quota_set": {"volumes": "x"}}, ctx=ADMIN)
    assert fault(resp) == ("badRequest", 400, "volumes must be an integer")
    resp = call(queens, "PUT", path, {"quota": {}}, ctx=ADMIN)
    assert fault(resp) == (
        "badRequest",
        400,
        "Missing required element 'quota_set' in request body.",
    )
    assert call(queens, "PUT", path, {"quota_set": {}}, ctx=ADMIN).status == 200
    # a quota class's values are written one by one (quota_classes.py update): the one before
    # a bad value stays written (fakecloud wrote none)
    classes = f"/v3/{P3}/os-quota-class-sets/default"
    body = {"quota_class_set": {"volumes": 7, "gigabytes": "x"}}
    assert fault(call(queens, "PUT", classes, body, ctx=ADMIN))[1] == 400
    assert call(queens, "GET", classes, ctx=ADMIN).json()["quota_class_set"]["volumes"] == 7
    later = booted(profile="nova-18.3.0")  # Cinder 13
    resp = call(later, "PUT", f"os-quota-sets/{P1}", {"quota_set": {"x": 1}})
    assert fault(resp) == ("badRequest", 400, "Invalid input received: Bad key(s) in quota set: x")


@pytest.mark.parametrize(("profile", "allocated"), [("nova-22.4.0", True), ("nova-23.0.0", False)])
def test_quota_usage_shows_allocated_before_cinder_18(profile, allocated):
    """``DbQuotaDriver.get_project_quotas(usages=True)`` before 18.0.0 (6005fc25f removed it,
    in 18.0.0 as 1b702ec11) adds every resource's ``allocated`` once the project has quota
    rows of its own."""
    cloud = booted(profile=profile)
    path, usage = f"/v3/{P3}/os-quota-sets/{P1}", {"usage": "true"}
    shown = call(cloud, "GET", path, ctx=ADMIN, query=usage).json()["quota_set"]
    assert "allocated" not in shown["volumes"]
    assert call(cloud, "PUT", path, {"quota_set": {"snapshots": 7}}, ctx=ADMIN).status == 200
    shown = call(cloud, "GET", path, ctx=ADMIN, query=usage).json()["quota_set"]
    expected = {"limit": 10, "in_use": 0, "reserved": 0} | ({"allocated": 0} if allocated else {})
    assert shown["volumes"] == expected


def test_quota_sets_delete_restores_the_defaults_for_an_admin_only():
    """``QuotaSetsController.delete`` (Tempest's ``test_delete_quota``): the project's own
    limits go (``quota_destroy_by_project``), an empty 200; its usage stays."""
    cloud = booted()
    create_volume(cloud)
    admin_path = f"/v3/{P3}/os-quota-sets/{P1}"
    assert call(cloud, "PUT", admin_path, {"quota_set": {"volumes": 5}}, ctx=ADMIN).status == 200
    assert fault(call(cloud, "DELETE", f"os-quota-sets/{P1}")) == (
        "forbidden",
        403,
        "Policy doesn't allow volume_extension:quotas:delete to be performed.",
    )
    resp = call(cloud, "DELETE", admin_path, ctx=ADMIN)
    assert (resp.status, resp.content()) == (200, b"")
    limits = absolute(cloud)
    assert (limits["maxTotalVolumes"], limits["totalVolumesUsed"]) == (10, 1)


def test_quota_class_default_is_the_defaults_every_project_falls_back_to():
    """``os-quota-class-sets`` (Tempest's ``VolumeQuotaClassesTest``): admin only; the
    ``default`` class's update changes every project's defaults and the limits it has not
    set itself; from 13.0.0 the schema's unknown keys are refused first."""
    cloud = booted(profile="upstream")
    path = f"/v3/{P3}/os-quota-class-sets/default"
    shown = call(cloud, "GET", path, ctx=ADMIN).json()["quota_class_set"]
    assert (shown["id"], shown["volumes"], shown["gigabytes"]) == ("default", 10, 1000)
    denied = call(cloud, "GET", "os-quota-class-sets/default")
    assert fault(denied)[2] == (
        "Policy doesn't allow volume_extension:quota_classes:get to be performed."
    )
    bad = call(cloud, "PUT", path, {"quota_class_set": {"volumes": 11, "bogus": 1}}, ctx=ADMIN)
    assert fault(bad)[1:] == (400, "Invalid input received: Bad key(s) in quota class set: bogus")
    done = call(cloud, "PUT", path, {"quota_class_set": {"volumes": 11}}, ctx=ADMIN).json()
    assert "id" not in done["quota_class_set"] and done["quota_class_set"]["volumes"] == 11
    defaults = call(cloud, "GET", f"os-quota-sets/{P1}/defaults", ctx=READER).json()
    assert (defaults["quota_set"]["volumes"], absolute(cloud)["maxTotalVolumes"]) == (11, 11)
