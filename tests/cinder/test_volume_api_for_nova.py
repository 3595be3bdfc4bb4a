"""Nova's internal Cinder client (fakecloud.nova.volume_api.API): Nova's dict views, the
round-trip latency, the fault point that makes Cinder unreachable, and the exact Nova
exceptions nova/volume/cinder.py's decorators raise."""

import pytest
from cinder_support import (
    CONNECTOR,
    MEMBER,
    MISSING,
    OTHER,
    P1,
    READER,
    SERVER,
    SERVER_2,
    call,
    glance_image,
)

from fakecloud import Cloud
from fakecloud.nova import exception
from fakecloud.nova.volume_api import API, ClientException, VolumeApiConfig

LATENCY = 0.02


@pytest.fixture
def cloud():
    # The new RBAC defaults enforced (Cinder 29.0.0's default), so a reader is refused.
    return Cloud(
        config={"volume_api": {"latency_s": LATENCY}, "cinder": {"enforce_new_defaults": True}}
    )


@pytest.fixture
def api(cloud):
    return API(cloud.cinder)


def run(cloud, gen):
    """Run one client call in a simulated process; returns (value or exception, duration)."""
    box = {}

    def proc():
        t0 = cloud.now
        try:
            box["value"] = yield from gen
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            box["value"] = exc
        box["took"] = cloud.now - t0

    cloud.kernel.spawn(proc(), name="test")
    cloud.run_until_idle()
    return box["value"], box["took"]


def available_volume(cloud, api, size=10, ctx=MEMBER):
    vol, _ = run(cloud, api.create(ctx, size, "vol", "desc"))
    return vol["id"]


def test_volume_api_config_has_a_latency_and_a_default():
    assert VolumeApiConfig().latency_s > 0


def test_get_returns_novas_summary_view_and_costs_one_round_trip(cloud, api):
    vid = available_volume(cloud, api)
    vol, took = run(cloud, api.get(MEMBER, vid))
    assert took == pytest.approx(LATENCY)
    assert vol == {
        "id": vid,
        "status": "available",
        "size": 10,
        "availability_zone": "nova",
        "created_at": "2026-01-01T00:00:00.000000",  # MySQL's whole second
        "attach_time": "",
        "mountpoint": "",
        "multiattach": False,
        "attach_status": "detached",
        "display_name": "vol",
        "display_description": "desc",
        "volume_type_id": None,  # Queens: no __DEFAULT__ type (test_default_volume_type.py)
        "snapshot_id": None,
        "bootable": False,
        "volume_metadata": {},
    }


def test_get_with_a_microversion_costs_the_version_discovery(cloud, api):
    vid = available_volume(cloud, api)
    vol, took = run(cloud, api.get(MEMBER, vid, microversion="3.48"))
    assert took == pytest.approx(2 * LATENCY)
    # created: the driver's answer and its service's uuid (test_volume_targets.py)
    assert (vol["shared_targets"], vol["service_uuid"]) == cloud.cinder.volume_targets(
        cloud.cinder.volume(vid)
    )
    assert vol["shared_targets"] is False and vol["service_uuid"] is not None
    err, _ = run(cloud, api.get(MEMBER, vid, microversion="3.80"))
    assert isinstance(err, exception.CinderAPIVersionNotAvailable)


def test_attached_volume_view(cloud, api):
    vid = available_volume(cloud, api)
    att, took = run(
        cloud, api.attachment_create(MEMBER, vid, SERVER, CONNECTOR, mountpoint="/dev/vdb")
    )
    assert took == pytest.approx(2 * LATENCY)  # version discovery, then the request
    assert att["connection_info"]["driver_volume_type"] == "iscsi"
    assert att["connection_info"]["data"]["target_lun"] == 1  # the seed's Cinder 12: tgtadm
    assert "attachment_id" not in att["connection_info"]["data"]
    assert att["connection_info"]["instance"] == SERVER
    assert set(att) == {"id", "volume_id", "attach_mode", "connection_info"}
    run(cloud, api.attachment_complete(MEMBER, att["id"]))
    vol, _ = run(cloud, api.get(MEMBER, vid))
    assert vol["status"] == "in-use"
    assert vol["attach_status"] == "attached"
    assert vol["attachments"] == {SERVER: {"attachment_id": att["id"], "mountpoint": "/dev/vdb"}}


def test_reserved_attachment_has_an_empty_connection_info(cloud, api):
    vid = available_volume(cloud, api)
    att, _ = run(cloud, api.attachment_create(MEMBER, vid, SERVER))
    assert att["connection_info"] == {}
    assert att["status"] == "reserved"
    att, _ = run(cloud, api.attachment_update(MEMBER, att["id"], CONNECTOR, "/dev/vdc"))
    # Cinder answers the row as its API read it (reserved); the manager made it attaching.
    assert att["connection_info"]["status"] == "reserved"
    assert cloud.cinder.store.attachments[att["id"]].attach_status == "attaching"
    assert cloud.cinder.store.attachments[att["id"]].mountpoint == "/dev/vdc"


def test_create_snapshot_force_of_an_in_use_volume(cloud, api):
    vid = available_volume(cloud, api)
    att, _ = run(cloud, api.attachment_create(MEMBER, vid, SERVER, CONNECTOR))
    run(cloud, api.attachment_complete(MEMBER, att["id"]))
    snap, took = run(cloud, api.create_snapshot_force(MEMBER, vid, "snapshot for img", ""))
    assert took == pytest.approx(LATENCY)
    assert snap == {
        "id": snap["id"],
        "status": "creating",
        "progress": "0%",
        "size": 10,
        "created_at": snap["created_at"],
        "display_name": "snapshot for img",
        "display_description": "",
        "volume_id": vid,
        "project_id": P1,
        "volume_size": 10,
    }
    got, _ = run(cloud, api.get_snapshot(MEMBER, snap["id"]))
    assert (got["status"], got["progress"]) == ("available", "100%")
    status, took = run(cloud, api.get_snapshot(MEMBER, snap["id"], status_only=True))
    assert (status, took) == ("available", pytest.approx(LATENCY))
    snap_id, took = run(cloud, api.create_snapshot_force(MEMBER, vid, "s", "", id_only=True))
    assert took == pytest.approx(LATENCY)
    assert run(cloud, api.get_snapshot(MEMBER, snap_id))[0]["display_name"] == "s"
    err, _ = run(cloud, api.create_snapshot(MEMBER, vid, "plain", ""))
    assert isinstance(err, exception.InvalidInput)
    assert str(err).startswith(
        f"Invalid input received: Invalid volume: Volume {vid} status must be available, but "
        "current status is: in-use. (HTTP 400) (Request-ID: req-"
    )


def test_too_long_snapshot_name_is_invalid_input(cloud, api):
    vid = available_volume(cloud, api)
    err, _ = run(cloud, api.create_snapshot_force(MEMBER, vid, "snapshot for " + "x" * 243, ""))
    assert isinstance(err, exception.InvalidInput)
    assert "Invalid input for field/attribute name." in str(err)
    assert "(HTTP 400)" in str(err)


def test_any_413_on_snapshot_create_is_over_quota_for_snapshots(cloud, api):
    cloud.cinder.set_quota(P1, gigabytes=15)
    vid = available_volume(cloud, api)
    err, _ = run(cloud, api.create_snapshot_force(MEMBER, vid, "s", ""))
    assert isinstance(err, exception.OverQuota)
    assert str(err) == "Quota exceeded for resources: snapshots"
    assert err.code == 413


def test_413_on_volume_create_keeps_cinders_message(cloud, api):
    cloud.cinder.set_quota(P1, volumes=0)
    err, _ = run(cloud, api.create(MEMBER, 1, "v", ""))
    assert isinstance(err, exception.OverQuota)
    assert str(err) == (
        "VolumeLimitExceeded: Maximum number of volumes allowed (0) exceeded for quota 'volumes'."
    )


@pytest.mark.parametrize(
    ("method", "args", "error", "text"),
    [
        ("get", (MISSING,), exception.VolumeNotFound, f"Volume {MISSING} could not be found."),
        ("delete", (MISSING,), exception.VolumeNotFound, f"Volume {MISSING} could not be found."),
        ("reserve_volume", (MISSING,), exception.VolumeNotFound, None),
        (
            "get_snapshot",
            (MISSING,),
            exception.SnapshotNotFound,
            f"Snapshot {MISSING} could not be found.",
        ),
        ("delete_snapshot", (MISSING,), exception.SnapshotNotFound, None),
        (
            "create_snapshot_force",
            (MISSING, "n", "d"),
            exception.VolumeNotFound,
            f"Volume {MISSING} could not be found.",
        ),
        (
            "attachment_complete",
            (MISSING,),
            exception.VolumeAttachmentNotFound,
            f"Volume attachment {MISSING} could not be found.",
        ),
        ("attachment_create", (MISSING, SERVER), exception.VolumeNotFound, None),
    ],
)
def test_not_found_translations(cloud, api, method, args, error, text):
    err, _ = run(cloud, getattr(api, method)(MEMBER, *args))
    assert type(err) is error
    if text is not None:
        assert str(err) == text


def test_a_missing_snapshots_status_is_snapshot_not_found(cloud, api):
    err, _ = run(cloud, api.get_snapshot(MEMBER, MISSING, status_only=True))
    assert type(err) is exception.SnapshotNotFound
    assert str(err) == f"Snapshot {MISSING} could not be found."


def test_create_from_a_missing_snapshot_is_a_plain_not_found(cloud, api):
    err, _ = run(cloud, api.create(MEMBER, 1, "v", "", snapshot={"id": MISSING}))
    assert type(err) is exception.NotFound
    assert str(err) == f"Snapshot {MISSING} could not be found."


def test_another_projects_volume_is_not_found(cloud, api):
    vid = available_volume(cloud, api)
    err, _ = run(cloud, api.get(OTHER, vid))
    assert isinstance(err, exception.VolumeNotFound)
    err, _ = run(cloud, api.get(OTHER, vid, id_and_description=True))
    assert isinstance(err, exception.VolumeNotFound)


def test_get_id_and_description_only_is_gets_request_and_those_two_of_its_view(cloud, api):
    vid = available_volume(cloud, api)
    vol, _ = run(cloud, api.get(MEMBER, vid))
    seen = len(cloud.trace)
    pair, took = run(cloud, api.get(MEMBER, vid, id_and_description=True))
    assert pair == (vol["id"], vol["display_description"]) == (vid, "desc")
    assert took == pytest.approx(LATENCY)
    assert [e["call"] for e in list(cloud.trace)[seen:]] == ["get", "get"]


def test_policy_refusal_is_forbidden(cloud, api):
    vid = available_volume(cloud, api)
    err, _ = run(cloud, api.create_snapshot_force(READER, vid, "s", ""))
    assert type(err) is exception.Forbidden
    assert str(err).startswith(
        "Policy doesn't allow volume:create_snapshot to be performed. (HTTP 403)"
    )


def test_unreachable_cinder_is_cinder_connection_failed(cloud, api):
    vid = available_volume(cloud, api)
    cloud.faults.add("volume_api.create_snapshot_force", error="CinderConnectionFailed")
    err, _ = run(cloud, api.create_snapshot_force(MEMBER, vid, "s", ""))
    assert type(err) is exception.CinderConnectionFailed
    assert str(err) == (
        "Connection to cinder host failed: Unable to establish connection to "
        "http://127.0.0.1:8776/v3"
    )
    assert cloud.cinder.store.snapshots == {}
    fired = cloud.trace.first(kind="fault", subject="volume_api.create_snapshot_force")
    assert fired["volume_id"] == vid and fired["project_id"] == P1
    # Other methods still work.
    vol, _ = run(cloud, api.get(MEMBER, vid))
    assert vol["id"] == vid


def test_delay_fault_adds_latency(cloud, api):
    vid = available_volume(cloud, api)
    cloud.faults.add("volume_api.get", "delay", delay_s=5.0)
    _, took = run(cloud, api.get(MEMBER, vid))
    assert took == pytest.approx(LATENCY + 5.0)


def test_absolute_limits_are_a_dict(cloud, api):
    vid = available_volume(cloud, api, size=3)
    run(cloud, api.create_snapshot_force(MEMBER, vid, "s", ""))
    limits, took = run(cloud, api.get_absolute_limits(MEMBER))
    assert took == pytest.approx(LATENCY)
    assert limits == {
        "maxTotalVolumes": 10,
        "maxTotalSnapshots": 10,
        "maxTotalVolumeGigabytes": 1000,
        "maxTotalBackups": 10,
        "maxTotalBackupGigabytes": 1000,
        "totalVolumesUsed": 1,
        "totalGigabytesUsed": 6,
        "totalSnapshotsUsed": 1,
        "totalBackupsUsed": 0,
        "totalBackupGigabytesUsed": 0,
    }


def test_create_from_image_and_from_snapshot(cloud, api):
    image = glance_image(cloud, 10**9, name="img")
    vol, _ = run(cloud, api.create(MEMBER, 2, "boot", "", image_id=image))
    cloud.run_until_idle()
    vol, _ = run(cloud, api.get(MEMBER, vol["id"]))
    assert vol["bootable"] is True
    assert vol["volume_image_metadata"]["image_id"] == image
    snap, _ = run(cloud, api.create_snapshot_force(MEMBER, vol["id"], "s", ""))
    cloud.run_until_idle()
    snap, _ = run(cloud, api.get_snapshot(MEMBER, snap["id"]))
    clone, _ = run(cloud, api.create(MEMBER, None, "c", "", snapshot=snap))
    assert (clone["size"], clone["snapshot_id"], clone["bootable"]) == (2, snap["id"], True)
    err, _ = run(cloud, api.create(MEMBER, 1, "x", "", image_id="not-an-image"))
    assert type(err) is exception.InvalidInput
    assert "Invalid image identifier or unable to access requested image." in str(err)


def test_creating_snapshot_cannot_become_a_volume(cloud, api):
    vid = available_volume(cloud, api)
    cloud.faults.add("cinder.snapshot.create", "stall")
    box = {}

    def proc():
        snap = yield from api.create_snapshot_force(MEMBER, vid, "s", "")
        try:
            yield from api.create(MEMBER, None, "c", "", snapshot=snap)
        except exception.InvalidInput as exc:
            box["err"] = exc

    cloud.kernel.spawn(proc(), name="snapshot then volume")
    cloud.advance(1)
    assert "Originating snapshot status must be one of 'available' values" in str(box["err"])


def test_legacy_flow_through_the_client(cloud, api):
    vid = available_volume(cloud, api)
    run(cloud, api.reserve_volume(MEMBER, vid))
    # (the iSCSI target's validate_connector wants an initiator, as Nova's connector has)
    connector = {"host": "cmp-1", "initiator": "iqn.1993-08.org.debian:01:cmp-1"}
    info, _ = run(cloud, api.initialize_connection(MEMBER, vid, connector))
    assert info["driver_volume_type"] == "iscsi" and info["connector"] == connector
    run(cloud, api.attach(MEMBER, vid, SERVER, "/dev/vdb"))
    vol, _ = run(cloud, api.get(MEMBER, vid))
    api.check_attached(MEMBER, vol)
    err, _ = run(cloud, api.reserve_volume(MEMBER, vid))
    assert str(err).startswith(
        "Invalid input received: Invalid volume: Volume status must be available to reserve, "
        "but the status is in-use. (HTTP 400)"
    )
    run(cloud, api.begin_detaching(MEMBER, vid))
    run(cloud, api.roll_detaching(MEMBER, vid))
    run(cloud, api.begin_detaching(MEMBER, vid))
    run(cloud, api.detach(MEMBER, vid, SERVER))
    vol, _ = run(cloud, api.get(MEMBER, vid))
    assert vol["status"] == "available"
    with pytest.raises(exception.InvalidVolume):
        api.check_attached(MEMBER, vol)


def test_attachment_delete_is_a_service_call_and_ignores_404(cloud, api):
    vid = available_volume(cloud, api)
    att, _ = run(cloud, api.attachment_create(MEMBER, vid, SERVER_2, CONNECTOR))
    run(cloud, api.attachment_complete(MEMBER, att["id"]))
    cloud.cinder.server_volume_attachment = lambda ctx, server, volume: att["id"]
    value, _ = run(cloud, api.attachment_delete(MEMBER, att["id"]))
    assert value is None
    assert cloud.cinder.volume(vid).status == "available"
    value, took = run(cloud, api.attachment_delete(MEMBER, att["id"]))
    assert value is None and took == pytest.approx(LATENCY)


def test_without_novas_service_token_cinder_refuses_novas_deletes():
    """``[service_user] send_service_user_token`` off (Nova's own default): Cinder sees the
    user's token alone, and refuses Nova's delete of an attachment Nova still uses, its legacy
    ``os-detach`` and ``os-terminate_connection`` too (409, python-cinderclient's error)."""
    config = {"volume_api": {"latency_s": 0}, "nova": {"send_service_user_token": False}}
    cloud = Cloud(profile="upstream", config=config)
    api = API(cloud.cinder)
    vid = available_volume(cloud, api)
    att, _ = run(cloud, api.attachment_create(MEMBER, vid, SERVER, CONNECTOR))
    run(cloud, api.attachment_complete(MEMBER, att["id"]))
    cloud.cinder.server_volume_attachment = lambda ctx, server, volume: att["id"]
    message = (
        f"ConflictNovaUsingAttachment: Detach volume from instance {SERVER} using the Compute API"
    )
    for call_ in (
        api.attachment_delete(MEMBER, att["id"]),
        api.detach(MEMBER, vid, attachment_id=att["id"]),
        api.terminate_connection(MEMBER, vid, CONNECTOR),
    ):
        err, _ = run(cloud, call_)
        assert (type(err), err.code, err.message) == (ClientException, 409, message)
    assert cloud.cinder.volume(vid).status == "in-use"


def test_attachment_delete_retries_a_500_up_to_five_attempts(cloud, api):
    vid = available_volume(cloud, api)
    att, _ = run(cloud, api.attachment_create(MEMBER, vid, SERVER))
    cloud.faults.add("volume_api.attachment_delete", error="CinderServerError", times=2)
    value, took = run(cloud, api.attachment_delete(MEMBER, att["id"]))
    assert value is None
    assert took == pytest.approx(3 * LATENCY)
    assert cloud.cinder.volume(vid).status == "available"
    cloud.faults.add("volume_api.attachment_delete", error="CinderServerError")
    att, _ = run(cloud, api.attachment_create(MEMBER, vid, SERVER))
    err, took = run(cloud, api.attachment_delete(MEMBER, att["id"]))
    assert type(err) is ClientException and err.code == 500
    assert took == pytest.approx(5 * LATENCY)


def test_get_all_and_volume_types(cloud, api):
    a = available_volume(cloud, api)
    available_volume(cloud, api, ctx=OTHER)
    vols, _ = run(cloud, api.get_all(MEMBER))
    assert [v["id"] for v in vols] == [a]
    types, _ = run(cloud, api.get_all_volume_types(MEMBER))
    assert types == []  # Queens: no __DEFAULT__ type, none configured
    snaps, _ = run(cloud, api.get_all_snapshots(MEMBER))
    assert snaps == []


def test_delete_through_the_client(cloud, api):
    vid = available_volume(cloud, api)
    snap, _ = run(cloud, api.create_snapshot_force(MEMBER, vid, "s", ""))
    err, _ = run(cloud, api.delete(MEMBER, vid))
    assert type(err) is exception.InvalidInput
    run(cloud, api.delete_snapshot(MEMBER, snap["id"]))
    run(cloud, api.delete(MEMBER, vid))
    assert cloud.cinder.store.volumes == {}
    assert call(cloud, "GET", "limits").json()["limits"]["absolute"]["totalGigabytesUsed"] == 0


def test_parallel_limit_prechecks_pass_and_the_second_create_gets_over_quota(cloud, api):
    """PART C.2: both pass Nova's /limits pre-check; Cinder's 413 decides."""
    cloud.cinder.set_quota(P1, snapshots=1)
    vid = available_volume(cloud, api)
    outcome = {}

    def create_image(name):
        limits = yield from api.get_absolute_limits(MEMBER)
        assert limits["totalSnapshotsUsed"] + 1 <= limits["maxTotalSnapshots"]
        try:
            snap = yield from api.create_snapshot_force(MEMBER, vid, name, "")
            outcome[name] = snap["status"]
        except exception.OverQuota as exc:
            outcome[name] = str(exc)

    cloud.kernel.spawn(create_image("first"), name="first")
    cloud.kernel.spawn(create_image("second"), name="second")
    cloud.run_until_idle()
    assert outcome == {
        "first": "creating",
        "second": "Quota exceeded for resources: snapshots",
    }


def test_snapshot_recheck_window_takes_virtual_time_through_the_client():
    cloud = Cloud(
        config={"volume_api": {"latency_s": LATENCY}, "cinder": {"snapshot_recheck_delay_s": 1.0}}
    )
    api = API(cloud.cinder)
    vid = available_volume(cloud, api)
    snap, took = run(cloud, api.create_snapshot_force(MEMBER, vid, "s", ""))
    assert took == pytest.approx(LATENCY + 1.0)
    assert snap["status"] == "creating"
