"""DELETE /v3/{project_id}/snapshots/{id} (spec A4.1), snapshot show/list/update, metadata,
and the snapshot actions (os-reset_status, os-force_delete, os-update_snapshot_status)."""

import pytest
from cinder_support import (
    ADMIN,
    MISSING,
    OTHER,
    P3,
    READER,
    absolute,
    attach,
    call,
    create_snapshot,
    create_volume,
    fault,
    reset_snapshot,
    states,
)

from fakecloud import Cloud

REFUSED = (
    "Invalid snapshot: Snapshot status must be available or error and must not be part of a group."
)


@pytest.fixture
def cloud():
    # Cinder 29.0.0's series (Queens' snapshot actions read their bodies by hand:
    # tests/cinder/test_series_validation.py), its new RBAC defaults enforced: readers refused.
    return Cloud(profile="upstream", config={"cinder": {"enforce_new_defaults": True}})


@pytest.fixture
def vid(cloud):
    return create_volume(cloud, size=10)


@pytest.mark.parametrize("status", ["available", "error"])
def test_available_and_error_snapshots_are_deleted(cloud, vid, status):
    if status == "error":
        cloud.faults.add("cinder.snapshot.create", error="CinderBackendError")
    sid = create_snapshot(cloud, vid)
    assert cloud.cinder.snapshot(sid).status == status
    resp = call(cloud, "DELETE", f"snapshots/{sid}")
    assert (resp.status, resp.body) == (202, None)
    assert call(cloud, "GET", f"snapshots/{sid}").json()["snapshot"]["status"] == "deleting"
    cloud.run_until_idle()
    assert fault(call(cloud, "GET", f"snapshots/{sid}")) == (
        "itemNotFound",
        404,
        f"Snapshot {sid} could not be found.",
    )
    assert states(cloud, sid)[-2:] == ["deleting", "deleted"]


@pytest.mark.parametrize(
    "status",
    ["creating", "deleting", "error_deleting", "backing-up", "restoring", "updating", "unmanaging"],
)
def test_other_statuses_cannot_be_deleted_by_a_user(cloud, vid, status):
    sid = create_snapshot(cloud, vid, settle=False)
    if status != "creating":
        cloud.run_until_idle()
        reset_snapshot(cloud, sid, status)
    resp = call(cloud, "DELETE", f"snapshots/{sid}")
    assert fault(resp) == ("badRequest", 400, REFUSED)
    assert cloud.cinder.snapshot(sid).status == status


def test_the_volume_status_is_not_checked(cloud, vid):
    attach(cloud, vid)
    sid = create_snapshot(cloud, vid)
    assert call(cloud, "DELETE", f"snapshots/{sid}").status == 202
    cloud.run_until_idle()
    assert sid not in cloud.cinder.store.snapshots


def test_unknown_and_foreign_snapshots_are_not_found(cloud, vid):
    sid = create_snapshot(cloud, vid)
    assert fault(call(cloud, "DELETE", f"snapshots/{MISSING}"))[:2] == ("itemNotFound", 404)
    assert fault(call(cloud, "DELETE", f"snapshots/{sid}", ctx=OTHER)) == (
        "itemNotFound",
        404,
        f"Snapshot {sid} could not be found.",
    )


def test_reader_may_not_delete(cloud, vid):
    sid = create_snapshot(cloud, vid)
    assert fault(call(cloud, "DELETE", f"snapshots/{sid}", ctx=READER)) == (
        "forbidden",
        403,
        "Policy doesn't allow volume:delete_snapshot to be performed.",
    )


def test_driver_failure_leaves_error_deleting_and_keeps_the_quota(cloud, vid):
    sid = create_snapshot(cloud, vid)
    cloud.faults.add("cinder.snapshot.delete", error="CinderBackendError")
    call(cloud, "DELETE", f"snapshots/{sid}")
    cloud.run_until_idle()
    assert cloud.cinder.snapshot(sid).status == "error_deleting"
    assert absolute(cloud)["totalSnapshotsUsed"] == 1


def test_busy_snapshot_goes_back_to_available(cloud, vid):
    sid = create_snapshot(cloud, vid)
    cloud.faults.add("cinder.snapshot.delete", error="SnapshotIsBusy")
    call(cloud, "DELETE", f"snapshots/{sid}")
    cloud.run_until_idle()
    assert states(cloud, sid) == ["creating", "available", "deleting", "available"]


def test_admin_force_delete_skips_the_status_check(cloud, vid):
    cloud.faults.add("cinder.snapshot.create", "stall")
    sid = create_snapshot(cloud, vid, settle=False)
    cloud.advance(60)
    assert cloud.cinder.snapshot(sid).status == "creating"
    body = {"os-force_delete": {}}
    resp = call(cloud, "POST", f"snapshots/{sid}/action", body)
    assert fault(resp)[:2] == ("forbidden", 403)
    resp = call(cloud, "POST", f"/v3/{P3}/snapshots/{sid}/action", body, ctx=ADMIN)
    assert resp.status == 202
    cloud.faults.release("cinder.snapshot.create")
    cloud.run_until_idle()
    assert sid not in cloud.cinder.store.snapshots
    assert absolute(cloud)["totalSnapshotsUsed"] == 0


def test_reset_status_is_admin_only_and_validates_the_status(cloud, vid):
    sid = create_snapshot(cloud, vid)
    resp = call(cloud, "POST", f"snapshots/{sid}/action", {"os-reset_status": {"status": "error"}})
    assert fault(resp) == (
        "forbidden",
        403,
        "Policy doesn't allow volume_extension:snapshot_admin_actions:reset_status to be "
        "performed.",
    )
    resp = call(
        cloud,
        "POST",
        f"/v3/{P3}/snapshots/{sid}/action",
        {"os-reset_status": {"status": "sideways"}},
        ctx=ADMIN,
    )
    assert resp.status == 400
    assert fault(resp)[2].startswith("Snapshot status: sideways is invalid, valid statuses are:")


def test_update_snapshot_status_follows_the_nova_assisted_map(cloud, vid):
    cloud.faults.add("cinder.snapshot.create", "stall")
    sid = create_snapshot(cloud, vid, settle=False)
    cloud.advance(60)
    action = f"snapshots/{sid}/action"
    body = {"os-update_snapshot_status": {"status": "available", "progress": "90%"}}
    assert call(cloud, "POST", action, body).status == 202
    shown = call(cloud, "GET", f"snapshots/{sid}").json()["snapshot"]
    assert shown["os-extended-snapshot-attributes:progress"] == "90%"
    resp = call(cloud, "POST", action, body)
    assert fault(resp)[2] == "Snapshot status available not allowed for update_snapshot_status"
    reset_snapshot(cloud, sid, "creating")
    resp = call(cloud, "POST", action, {"os-update_snapshot_status": {"status": "deleting"}})
    assert fault(resp)[2] == (
        "Provided snapshot status deleting not allowed for snapshot with status creating."
    )
    resp = call(
        cloud,
        "POST",
        action,
        {"os-update_snapshot_status": {"status": "error", "progress": "101%"}},
    )
    assert fault(resp)[2] == (
        "Invalid input received: progress must be an integer percentage between 0 and 100"
    )


# -- show, list, update -----------------------------------------------------------------------


def test_list_is_per_project_and_admin_sees_all_with_all_tenants(cloud, vid):
    mine = create_snapshot(cloud, vid)
    other_volume = create_volume(cloud, ctx=OTHER)
    theirs = create_snapshot(cloud, other_volume, ctx=OTHER)
    listed = call(cloud, "GET", "snapshots").json()["snapshots"]
    assert [s["id"] for s in listed] == [mine]
    assert set(listed[0]) == {
        "id", "created_at", "updated_at", "name", "description", "volume_id", "status", "size",
        "metadata",
    }  # fmt: skip
    detail = call(cloud, "GET", "snapshots/detail").json()["snapshots"]
    assert detail[0]["os-extended-snapshot-attributes:progress"] == "100%"
    every = call(cloud, "GET", f"/v3/{P3}/snapshots", ctx=ADMIN, query={"all_tenants": "1"})
    assert {s["id"] for s in every.json()["snapshots"]} == {mine, theirs}
    own = call(cloud, "GET", f"/v3/{P3}/snapshots", ctx=ADMIN)
    assert [s["id"] for s in own.json()["snapshots"]] == []
    ignored = call(cloud, "GET", "snapshots", query={"all_tenants": "1"})
    assert [s["id"] for s in ignored.json()["snapshots"]] == [mine]


def test_list_filters_by_volume_and_status(cloud, vid):
    other = create_volume(cloud)
    a = create_snapshot(cloud, vid)
    create_snapshot(cloud, other)
    listed = call(cloud, "GET", "snapshots", query={"volume_id": vid}).json()["snapshots"]
    assert [s["id"] for s in listed] == [a]
    assert call(cloud, "GET", "snapshots", query={"status": "error"}).json()["snapshots"] == []


def test_update_name_and_description(cloud, vid):
    sid = create_snapshot(cloud, vid)
    resp = call(
        cloud, "PUT", f"snapshots/{sid}", {"snapshot": {"name": " new ", "description": "d"}}
    )
    snap = resp.json()["snapshot"]
    assert (resp.status, snap["name"], snap["description"]) == (200, "new", "d")
    assert snap["updated_at"] == cloud.cinder.timestamp(cloud.now)
    resp = call(cloud, "PUT", f"snapshots/{sid}", {"snapshot": {}})
    assert resp.status == 400


# -- metadata ---------------------------------------------------------------------------------


def test_snapshot_metadata_crud(cloud, vid):
    sid = create_snapshot(cloud, vid, metadata={"a": "1"})
    base = f"snapshots/{sid}/metadata"
    assert call(cloud, "GET", base).json() == {"metadata": {"a": "1"}}
    assert call(cloud, "POST", base, {"metadata": {"b": "2"}}).json() == {
        "metadata": {"a": "1", "b": "2"}
    }
    assert call(cloud, "GET", f"{base}/b").json() == {"meta": {"b": "2"}}
    assert call(cloud, "PUT", f"{base}/b", {"meta": {"b": "3"}}).json() == {"meta": {"b": "3"}}
    assert call(cloud, "PUT", base, {"metadata": {"c": "4"}}).json() == {"metadata": {"c": "4"}}
    assert call(cloud, "DELETE", f"{base}/c").status == 200
    assert call(cloud, "GET", base).json() == {"metadata": {}}
    assert fault(call(cloud, "GET", f"{base}/zz")) == (
        "itemNotFound",
        404,
        f"Snapshot {sid} has no metadata with key zz.",
    )
    assert fault(call(cloud, "PUT", f"{base}/b", {"meta": {"x": "1"}})) == (
        "badRequest",
        400,
        "Request body and URI mismatch",
    )
    assert call(cloud, "DELETE", f"{base}/zz").status == 404
