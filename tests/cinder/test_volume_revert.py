"""``POST /volumes/{id}/action {"revert": {"snapshot_id": ...}}`` (3.40): the controller's
checks per series, ``API.revert_to_snapshot``'s policy and conditional updates, and the
manager's revert on the data path (a backup snapshot, the driver's revert, states back)."""

import pytest
from cinder_support import (
    OTHER,
    READER,
    RPC,
    call,
    create_snapshot,
    create_volume,
    fault,
    reset_snapshot,
    reset_volume,
    states,
)

from fakecloud import Cloud

BACKEND = {"capacity_gb": 100, "throughput_mb_per_s": 1024.0}
COPY_2G = 2 * 1024**3 / 1024e6  # a copy of 2 GiB at 1024 MB/s


def _cloud(kind="lvm-thin", profile="upstream"):
    backend = {"kind": kind, **BACKEND}
    cinder = {"backends": {"b1": backend}, "volume_types": {"__DEFAULT__": {"backend": "b1"}}}
    return Cloud(profile=profile, config={"cinder": cinder})


def _revert(cloud, vid, body, version="3.40", **kw):
    return call(cloud, "POST", f"volumes/{vid}/action", body, version=version, **kw)


def _refused(cloud, vid, sid, **kw):
    return fault(_revert(cloud, vid, {"revert": {"snapshot_id": sid}}, **kw))


def _at(cloud, subject, old):
    return cloud.trace.first(kind="state", subject=subject, old=old)["t"]


def _rows_made_since(cloud, t0):
    made = cloud.trace.filter(lambda e: e["t"] > t0, kind="state", field="status", old=None)
    return [e["subject"] for e in made]


def test_thin_lvm_reverts_through_a_backup_snapshot_and_a_temporary_copy():
    cloud = _cloud()
    vid = create_volume(cloud, 2)
    sid = create_snapshot(cloud, vid)
    t0 = cloud.now
    assert (_revert(cloud, vid, {"revert": {"snapshot_id": sid}}).status) == 202
    cloud.run_until_idle()
    assert states(cloud, vid)[-2:] == ["reverting", "available"]
    assert states(cloud, sid)[-2:] == ["restoring", "available"]
    # the backup snapshot (0.5 s), a temporary volume from the snapshot (0.5 s), 2 GiB
    # copied, the temporary deleted (0.5 s); then the backup deleted (0.5 s), in no quota.
    assert _at(cloud, vid, "reverting") - t0 == pytest.approx(RPC + 1.5 + COPY_2G)
    (backup,) = _rows_made_since(cloud, t0)
    assert states(cloud, backup) == ["creating", "available", "deleted"]
    assert _at(cloud, backup, "available") - t0 == pytest.approx(RPC + 2.0 + COPY_2G)
    assert call(cloud, "GET", "limits").json()["limits"]["absolute"]["totalSnapshotsUsed"] == 1


def test_rbd_rolls_back_by_itself_from_cinder_16():
    cloud = _cloud("rbd")
    vid = create_volume(cloud, 2)
    sid = create_snapshot(cloud, vid)
    t0 = cloud.now
    assert _revert(cloud, vid, {"revert": {"snapshot_id": sid}}).status == 202
    cloud.run_until_idle()
    assert _at(cloud, vid, "reverting") - t0 == pytest.approx(RPC + COPY_2G)
    assert _rows_made_since(cloud, t0) == []


def test_a_driver_failure_leaves_the_volume_in_error_and_keeps_the_backup():
    cloud = _cloud()
    vid = create_volume(cloud, 1)
    sid = create_snapshot(cloud, vid)
    cloud.faults.add(
        "cinder.driver", error="CinderBackendError", match={"op": "revert_to_snapshot"}
    )
    assert _revert(cloud, vid, {"revert": {"snapshot_id": sid}}).status == 202
    cloud.run_until_idle()
    assert states(cloud, vid)[-2:] == ["reverting", "error"]
    assert states(cloud, sid)[-2:] == ["restoring", "available"]
    names = [s["name"] for s in call(cloud, "GET", "snapshots").json()["snapshots"]]
    assert f"[revert] volume {vid} backup snapshot" in names


@pytest.fixture(scope="module")
def world():
    cloud = _cloud()
    vid = create_volume(cloud, 1)
    return cloud, vid


@pytest.mark.parametrize(
    "body, version, expected",
    [
        ({"revert": {}}, "3.39", (404, "The resource could not be found.")),
        ({"revert": None}, "3.40", (400, "Invalid input for field/attribute revert. Value: None.")),
        ({"revert": {}}, "3.40", (400, "Volume {vid} doesn't have any snapshots.")),
    ],
)
def test_the_gate_the_schema_and_no_snapshot(world, body, version, expected):
    cloud, vid = world
    _name, code, message = fault(_revert(cloud, vid, body, version))
    assert (code, message[: len(expected[1].format(vid=vid))]) == (
        expected[0],
        expected[1].format(vid=vid),
    )


def test_the_checks_on_the_latest_snapshot_and_the_policy():
    cloud = _cloud()
    vid = create_volume(cloud, 1)
    old = create_snapshot(cloud, vid)
    cloud.advance(1)
    sid = create_snapshot(cloud, vid)
    assert _refused(cloud, vid, old) == (
        "badRequest",
        400,
        f"Specified snapshot {old} is None or not the latest one of volume {vid}.",
    )
    assert _refused(cloud, vid, sid, ctx=READER)[1] == 403
    assert _refused(cloud, vid, sid, ctx=OTHER)[1] == 404
    reset_snapshot(cloud, sid, "error")
    assert _refused(cloud, vid, sid) == (
        "conflictingRequest",
        409,
        f"Invalid snapshot: Can't revert volume {vid} to its latest snapshot {sid}. Snapshot's "
        "status must be 'available'.",
    )
    # Real Cinder does not undo the volume's update: it stays reverting.
    assert states(cloud, vid)[-1] == "reverting"
    reset_volume(cloud, vid, "available")
    assert (
        call(cloud, "POST", f"volumes/{vid}/action", {"os-extend": {"new_size": 2}}).status == 202
    )
    cloud.run_until_idle()
    reset_snapshot(cloud, sid, "available")
    assert _refused(cloud, vid, sid)[2] == (
        f"Can't revert volume {vid} to its latest snapshot {sid}. The volume size must be equal "
        "to the snapshot size."
    )


def test_queens_reads_the_body_by_hand_and_names_one_id():
    cloud = _cloud(profile="nova-17.0.0")
    vid = create_volume(cloud, 1)
    assert fault(_revert(cloud, vid, {"revert": []}))[2] == (
        "Missing required element 'revert' in request body."
    )
    sid = create_snapshot(cloud, vid)
    reset_volume(cloud, vid, "error")
    assert _refused(cloud, vid, sid) == (
        "conflictingRequest",
        409,
        f"Invalid volume: Can't revert volume {vid} to its latest snapshot. Volume's status "
        "must be 'available'.",
    )
    reset_volume(cloud, vid, "available")
    reset_snapshot(cloud, sid, "error")
    # the snapshot's refusal names the snapshot where the volume's id belongs
    assert _refused(cloud, vid, sid)[2] == (
        f"Invalid snapshot: Can't revert volume {sid} to its latest snapshot. Snapshot's status "
        "must be 'available'."
    )
    reset_snapshot(cloud, sid, "available")
    reset_volume(cloud, vid, "available")
    extend = {"os-extend": {"new_size": 2}}
    assert call(cloud, "POST", f"volumes/{vid}/action", extend).status == 202
    cloud.run_until_idle()
    # no size check before 14.0.0 (bfc27c9ab): the volume reverts to the smaller snapshot
    assert _revert(cloud, vid, {"revert": {"snapshot_id": sid}}).status == 202


@pytest.mark.parametrize(("profile", "any_size"), [("nova-18.0.3", True), ("nova-18.1.0", False)])
def test_the_size_check_by_point_release(profile, any_size):
    """bfc27c9ab (Cinder 14.0.0) reached Cinder 13.0.2 (8ef380c8a), beside Nova 18.1.0: from
    there an extended volume no longer reverts to its smaller snapshot (cinder-tempest-plugin's
    test_volume_revert_to_snapshot_after_extended_negative)."""
    cloud = _cloud(profile=profile)
    vid = create_volume(cloud, 1)
    sid = create_snapshot(cloud, vid)
    extend = {"os-extend": {"new_size": 2}}
    assert call(cloud, "POST", f"volumes/{vid}/action", extend).status == 202
    cloud.run_until_idle()
    resp = _revert(cloud, vid, {"revert": {"snapshot_id": sid}})
    if any_size:
        assert resp.status == 202
        return
    assert fault(resp) == (
        "badRequest",
        400,
        f"Can't revert volume {vid} to its latest snapshot {sid}. The volume size must be equal "
        "to the snapshot size.",
    )
    assert states(cloud, vid)[-1] == "available"
