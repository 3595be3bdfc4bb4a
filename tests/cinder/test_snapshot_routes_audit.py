"""The snapshot routes a snapshot tester drives, checked against cinder 29.0.0's source:
``api/contrib/admin_actions.py`` ``SnapshotAdminController`` (``os-reset_status``,
``os-force_delete``), ``api/contrib/snapshot_actions.py`` (``os-update_snapshot_status``),
``api/v3/snapshot_metadata.py`` and ``api/validation/validators.py`` (the status formats,
whose lists Cinder prints as the tuples ``fields.*.ALL`` are)."""

from cinder_support import ADMIN, MEMBER, READER, call, create_snapshot, create_volume, fault

from fakecloud.cinder.states import SNAPSHOT_STATUSES, VOLUME_STATUSES
from tests.booted import booted


def _setup():
    cloud = booted(profile="upstream")
    vid = create_volume(cloud)
    return cloud, vid, create_snapshot(cloud, vid)


def _snap_action(cloud, sid, body, ctx=ADMIN):
    return call(cloud, "POST", f"snapshots/{sid}/action", body, ctx=ctx)


def test_reset_status_validates_and_lowercases_the_status():
    cloud, _, sid = _setup()
    assert fault(_snap_action(cloud, sid, {"os-reset_status": {"status": "bogus"}})) == (
        "badRequest",
        400,
        f"Snapshot status: bogus is invalid, valid statuses are: {SNAPSHOT_STATUSES}.",
    )
    assert "('error', 'available'," in str(SNAPSHOT_STATUSES)  # a tuple, as Cinder prints it
    assert _snap_action(cloud, sid, {"os-reset_status": {"status": "ERROR"}}).status == 202
    assert cloud.cinder.snapshot(sid).status == "error"
    assert fault(_snap_action(cloud, sid, {"os-reset_status": {"status": "error"}}, MEMBER)) == (
        "forbidden",
        403,
        "Policy doesn't allow volume_extension:snapshot_admin_actions:reset_status to be "
        "performed.",
    )


def test_volume_reset_status_formats_print_cinders_lists():
    cloud, vid, _ = _setup()
    path = f"volumes/{vid}/action"
    resp = call(cloud, "POST", path, {"os-reset_status": {"status": "x"}}, ctx=ADMIN)
    assert fault(resp)[2] == f"Volume status: x is invalid, valid statuses are: {VOLUME_STATUSES}."
    resp = call(cloud, "POST", path, {"os-reset_status": {"attach_status": "x"}}, ctx=ADMIN)
    assert fault(resp)[2] == (
        "Volume attach status: x is invalid, valid statuses are: ['attached', 'detached']."
    )
    resp = call(cloud, "POST", path, {"os-reset_status": {"migration_status": "x"}}, ctx=ADMIN)
    assert fault(resp)[2] == (
        "Volume migration status: x is invalid, valid statuses are: ('migrating', 'error', "
        "'success', 'completing', 'none', 'starting')."
    )
    resp = call(cloud, "POST", path, {"os-reset_status": {"migration_status": "none"}}, ctx=ADMIN)
    assert resp.status == 202


def test_update_snapshot_status_follows_its_map():
    cloud, _, sid = _setup()
    body = {"os-update_snapshot_status": {"status": "available"}}
    assert fault(_snap_action(cloud, sid, body, MEMBER)) == (
        "badRequest",
        400,
        "Snapshot status available not allowed for update_snapshot_status",
    )
    _snap_action(cloud, sid, {"os-reset_status": {"status": "creating"}})
    bad = {"os-update_snapshot_status": {"status": "available", "progress": "150%"}}
    assert fault(_snap_action(cloud, sid, bad, MEMBER))[2] == (
        "Invalid input received: progress must be an integer percentage between 0 and 100"
    )
    wrong = {"os-update_snapshot_status": {"status": "deleting"}}
    assert fault(_snap_action(cloud, sid, wrong, MEMBER))[2] == (
        "Provided snapshot status deleting not allowed for snapshot with status creating."
    )
    assert fault(_snap_action(cloud, sid, body, READER))[1] == 403
    ok = {"os-update_snapshot_status": {"status": "available", "progress": "90%"}}
    assert _snap_action(cloud, sid, ok, MEMBER).status == 202
    shown = call(cloud, "GET", f"snapshots/{sid}").json()["snapshot"]
    assert (shown["status"], shown["os-extended-snapshot-attributes:progress"]) == (
        "available",
        "90%",
    )


def test_force_delete_needs_the_admin_and_takes_any_status():
    cloud, _, sid = _setup()
    assert fault(_snap_action(cloud, sid, {"os-force_delete": {}}, MEMBER))[1] == 403
    _snap_action(cloud, sid, {"os-reset_status": {"status": "error_deleting"}})
    assert _snap_action(cloud, sid, {"os-force_delete": None}).status == 202
    assert cloud.cinder.snapshot(sid).status == "deleting"
    cloud.run_until_idle()
    assert call(cloud, "GET", f"snapshots/{sid}").status == 404


def test_metadata_delete_reads_the_metadata_first():
    # SnapshotMetadataController.delete: _get_snapshot_and_metadata (the reader's policy),
    # the key's 404, then delete_snapshot_metadata's policy.
    cloud, _, sid = _setup()
    call(cloud, "POST", f"snapshots/{sid}/metadata", {"metadata": {"k": "v"}})
    assert fault(call(cloud, "DELETE", f"snapshots/{sid}/metadata/nokey", ctx=READER)) == (
        "itemNotFound",
        404,
        f"Snapshot {sid} has no metadata with key nokey.",
    )
    assert fault(call(cloud, "DELETE", f"snapshots/{sid}/metadata/k", ctx=READER)) == (
        "forbidden",
        403,
        "Policy doesn't allow volume:delete_snapshot_metadata to be performed.",
    )
    assert call(cloud, "DELETE", f"snapshots/{sid}/metadata/k").status == 200
    assert call(cloud, "GET", f"snapshots/{sid}/metadata").json() == {"metadata": {}}
