"""Volumes: create (blank, from snapshot, from image) with its checks, show/list with the
ownership rules and the microversion keys, update, volume types, and delete (spec A4.2)."""

import pytest
from cinder_support import (
    ADMIN,
    MEMBER,
    MISSING,
    OTHER,
    P3,
    READER,
    SERVER,
    absolute,
    attach,
    call,
    create_snapshot,
    create_volume,
    fault,
    glance_image,
    reset_snapshot,
    reset_volume,
    states,
)

from fakecloud import Cloud
from fakecloud.cinder.states import VOLUME_STATUSES
from tests.booted import booted

IMAGE = "c0ffee00-0000-4000-8000-000000000001"
DELETE_REFUSED = (
    "Invalid volume: Volume status must be available or error or error_restoring or "
    "error_extending or error_managing and must not be migrating, attached, belong to a group, "
    "have snapshots, awaiting a transfer, or be disassociated from snapshots after volume "
    "transfer."
)
DETAIL_KEYS = {
    "id", "status", "size", "availability_zone", "created_at", "updated_at", "name",
    "description", "volume_type", "snapshot_id", "source_volid", "metadata", "links", "user_id",
    "bootable", "encrypted", "replication_status", "consistencygroup_id", "multiattach",
    "attachments", "os-vol-tenant-attr:tenant_id",
}  # fmt: skip


@pytest.fixture
def cloud():
    # Cinder 29.0.0 (2026.2): microversions to 3.71 (a Queens cloud's Cinder stops at 3.50).
    return booted(profile="upstream")


def _create(cloud, ctx=MEMBER, version=None, **volume):
    return call(cloud, "POST", "volumes", {"volume": volume}, ctx=ctx, version=version)


# -- create -----------------------------------------------------------------------------------


def test_create_answers_202_with_the_detail_view(cloud):
    resp = _create(cloud, size=10, name=" data ", description="d", metadata={"k": "v"})
    assert resp.status == 202
    vol = resp.json()["volume"]
    # The tenant attribute extension extends show and detail only, not create.
    assert set(vol) == DETAIL_KEYS - {"os-vol-tenant-attr:tenant_id"}
    assert (vol["status"], vol["size"], vol["name"], vol["bootable"]) == (
        "creating",
        10,
        "data",
        "false",
    )
    assert vol["volume_type"] == "__DEFAULT__"
    assert vol["availability_zone"] == "nova"
    assert (vol["created_at"], vol["updated_at"]) == ("2026-01-01T00:00:00.000000", None)
    # ``EntryCreateTask`` never stores the "disabled" it is given (the cinder oracle).
    assert vol["replication_status"] is None
    assert vol["attachments"] == []
    assert vol["metadata"] == {"k": "v"}
    cloud.run_until_idle()
    assert call(cloud, "GET", f"volumes/{vol['id']}").json()["volume"]["status"] == "available"


@pytest.mark.parametrize(
    ("size", "message"),
    [
        (0, "Invalid input for field/attribute size."),
        (-1, "Invalid input for field/attribute size."),
        ("ten", "Invalid input for field/attribute size."),
        (1.5, "Invalid input for field/attribute size."),
    ],
)
def test_bad_sizes_are_400(cloud, size, message):
    resp = _create(cloud, size=size)
    assert resp.status == 400
    assert fault(resp)[2].startswith(message)


def test_missing_size_without_a_source_is_400(cloud):
    # From Cinder 16.0.0 provision_filter_on_size's int(None) answers first: a TypeError,
    # WebOb's plain 400 (the flow's "Volume size 'None' ..." before: test_type_size_filter.py)
    resp = _create(cloud, name="x")
    assert fault(resp) == (
        "badRequest",
        400,
        "The server could not comply with the request since it is either malformed or "
        "otherwise incorrect.",
    )


def test_string_size_is_accepted(cloud):
    resp = _create(cloud, size="3")
    assert resp.json()["volume"]["size"] == 3


def test_unknown_volume_type_is_404(cloud):
    resp = _create(cloud, size=1, volume_type="gold")
    assert fault(resp) == ("itemNotFound", 404, "Volume type with name gold could not be found.")
    resp = _create(cloud, size=1, volume_type=MISSING)
    assert fault(resp) == ("itemNotFound", 404, f"Volume type {MISSING} could not be found.")


def test_unknown_availability_zone_is_400(cloud):
    resp = _create(cloud, size=1, availability_zone="az9")
    assert fault(resp) == ("badRequest", 400, "Availability zone 'az9' is invalid.")


def test_multiattach_parameter_is_refused(cloud):
    resp = _create(cloud, size=1, multiattach=True)
    assert fault(resp)[2].startswith("multiattach parameter has been removed.")


def test_unknown_keys_are_refused_from_3_53(cloud):
    assert _create(cloud, size=1, color="red").status == 202
    resp = _create(cloud, version="3.53", size=1, color="red")
    assert resp.status == 400
    assert "('color' was unexpected)" in fault(resp)[2]


def test_configured_types_and_the_default_type(cloud):
    cloud = Cloud(
        profile="upstream",
        config={
            "cinder": {
                "backends": {"lvm": {"kind": "lvm-thin"}, "ceph": {"kind": "rbd"}},
                "volume_types": {
                    "__DEFAULT__": {"backend": "lvm"},
                    "ceph": {"backend": "ceph", "extra_specs": {"multiattach": "<is> True"}},
                },
            }
        },
    )
    types = call(cloud, "GET", "types").json()["volume_types"]
    assert [t["name"] for t in types] == ["__DEFAULT__", "ceph"]
    default = call(cloud, "GET", "types/default", version="3.62").json()["volume_type"]
    assert default["name"] == "__DEFAULT__"
    ceph = next(t for t in types if t["name"] == "ceph")
    assert call(cloud, "GET", f"types/{ceph['id']}").json()["volume_type"]["name"] == "ceph"
    vol = _create(cloud, size=1, volume_type="ceph").json()["volume"]
    assert (vol["volume_type"], vol["multiattach"]) == ("ceph", True)
    cloud.run_until_idle()
    assert cloud.cinder.volume(vol["id"]).host == "cinder@ceph#ceph"
    admin_view = call(cloud, "GET", f"/v3/{P3}/types/{ceph['id']}", ctx=ADMIN).json()
    assert admin_view["volume_type"]["extra_specs"]["volume_backend_name"] == "ceph"


def test_create_from_snapshot_takes_its_size_type_and_bootable_flag(cloud):
    vid = create_volume(cloud, size=4)
    call(cloud, "POST", f"volumes/{vid}/action", {"os-set_bootable": {"bootable": True}})
    sid = create_snapshot(cloud, vid)
    vol = _create(cloud, snapshot_id=sid).json()["volume"]
    assert (vol["size"], vol["snapshot_id"], vol["bootable"]) == (4, sid, "true")
    resp = _create(cloud, size=3, snapshot_id=sid)
    assert fault(resp)[2] == (
        "Invalid input received: Volume size '3'GB cannot be smaller than the snapshot size 4GB. "
        "They must be >= original snapshot size."
    )


def test_create_from_a_snapshot_not_available_is_400(cloud):
    vid = create_volume(cloud)
    sid = create_snapshot(cloud, vid, settle=False)
    resp = _create(cloud, snapshot_id=sid)
    assert fault(resp) == (
        "badRequest",
        400,
        "Invalid snapshot: Originating snapshot status must be one of 'available' values",
    )
    resp = _create(cloud, snapshot_id=MISSING)
    assert fault(resp) == ("itemNotFound", 404, f"Snapshot {MISSING} could not be found.")


def test_create_from_image_checks_the_image(cloud):
    glance_image(cloud, 3 * 1024**3, id=IMAGE, min_disk=4)
    resp = _create(cloud, size=2, imageRef=IMAGE)
    assert fault(resp)[2] == (
        "Invalid input received: Size of specified image 3GB is larger than volume size 2GB."
    )
    resp = _create(cloud, size=3, imageRef=IMAGE)
    assert fault(resp)[2] == (
        "Invalid input received: Volume size 3GB cannot be smaller than the image minDisk size 4GB."
    )
    assert _create(cloud, size=4, imageRef=f"http://glance/v2/images/{IMAGE}").status == 202
    assert _create(cloud, size=4, image_id=IMAGE).status == 202
    resp = _create(cloud, size=4, imageRef=MISSING)
    assert fault(resp)[2] == "Invalid image identifier or unable to access requested image."
    queued = glance_image(cloud)  # never uploaded: queued
    resp = _create(cloud, size=4, imageRef=queued)
    assert fault(resp)[2] == f"Invalid input received: Image {queued} is not active."


def test_snapshot_and_image_are_exclusive(cloud):
    glance_image(cloud, 1, id=IMAGE)
    sid = create_snapshot(cloud, create_volume(cloud))
    resp = _create(cloud, snapshot_id=sid, imageRef=IMAGE)
    assert fault(resp)[2] == (
        "Invalid input received: May specify only one of backup, imageRef, snapshot, source volume"
    )


def test_scheduler_without_room_errors_the_volume_and_delete_returns_the_quota():
    backend = {"kind": "lvm-thin", "capacity_gb": 5}
    cloud = Cloud(config={"cinder": {"backends": {"lvmdriver-1": backend}}})
    vid = create_volume(cloud, size=6)
    assert states(cloud, vid) == ["creating", "error"]
    assert cloud.cinder.volume(vid).host is None
    assert absolute(cloud)["totalVolumesUsed"] == 1
    assert call(cloud, "DELETE", f"volumes/{vid}").status == 202
    # Never scheduled: destroyed at once.
    assert vid not in cloud.cinder.store.volumes
    assert absolute(cloud)["totalVolumesUsed"] == 0


def test_create_fault_errors_the_volume(cloud):
    cloud.faults.add("cinder.volume.create", error="CinderBackendError", match={"size": 7})
    bad, good = create_volume(cloud, size=7), create_volume(cloud, size=8)
    assert (cloud.cinder.volume(bad).status, cloud.cinder.volume(good).status) == (
        "error",
        "available",
    )


# -- show, list, update -----------------------------------------------------------------------


def test_other_projects_volume_is_404_but_admin_sees_it(cloud):
    vid = create_volume(cloud)
    assert fault(call(cloud, "GET", f"volumes/{vid}", ctx=OTHER)) == (
        "itemNotFound",
        404,
        f"Volume {vid} could not be found.",
    )
    admin = call(cloud, "GET", f"/v3/{P3}/volumes/{vid}", ctx=ADMIN).json()["volume"]
    assert admin["os-vol-host-attr:host"] == "cinder@lvmdriver-1#lvmdriver-1"
    assert admin["migration_status"] is None
    assert admin["os-vol-tenant-attr:tenant_id"] == MEMBER.project_id


def test_reader_sees_but_cannot_change(cloud):
    vid = create_volume(cloud)
    assert call(cloud, "GET", f"volumes/{vid}", ctx=READER).status == 200
    resp = call(cloud, "PUT", f"volumes/{vid}", {"volume": {"name": "x"}}, ctx=READER)
    assert fault(resp) == ("forbidden", 403, "Policy doesn't allow volume:update to be performed.")


def test_list_summary_detail_and_all_tenants(cloud):
    mine = create_volume(cloud, name="mine")
    theirs = create_volume(cloud, ctx=OTHER)
    summary = call(cloud, "GET", "volumes").json()["volumes"]
    assert summary == [
        {"id": mine, "name": "mine", "links": summary[0]["links"]},
    ]
    detail = call(cloud, "GET", "volumes/detail").json()["volumes"]
    assert [v["id"] for v in detail] == [mine] and set(detail[0]) == DETAIL_KEYS
    every = call(cloud, "GET", f"/v3/{P3}/volumes", ctx=ADMIN, query={"all_tenants": "True"})
    assert {v["id"] for v in every.json()["volumes"]} == {mine, theirs}
    resp = call(cloud, "GET", f"/v3/{P3}/volumes", ctx=ADMIN, query={"all_tenants": "maybe"})
    assert fault(resp)[2] == "Value 'maybe' for 'all_tenants' is not a boolean."


def test_list_is_newest_first_with_marker_and_limit(cloud):
    ids = []
    for _ in range(3):
        ids.append(create_volume(cloud))
    listed = [v["id"] for v in call(cloud, "GET", "volumes").json()["volumes"]]
    assert listed == ids[::-1]
    page = call(cloud, "GET", "volumes", query={"limit": "1", "marker": ids[2]})
    assert [v["id"] for v in page.json()["volumes"]] == [ids[1]]
    # ``_get_collection_links``: a full page links the next one, the query's own order kept
    # and ``marker`` last; a page short of the limit has no link.
    collection = page.json()["volumes"][0]["links"][0]["href"].rsplit("/", 1)[0]  # .../volumes
    assert page.json()["volumes_links"] == [
        {"rel": "next", "href": f"{collection}?limit=1&marker={ids[1]}"}
    ]
    detail = call(cloud, "GET", "volumes/detail", query={"limit": "2"}).json()
    assert detail["volumes_links"] == [
        {"rel": "next", "href": f"{collection}/detail?limit=2&marker={ids[1]}"}
    ]
    assert "volumes_links" not in call(cloud, "GET", "volumes", query={"limit": "4"}).json()
    assert "volumes_links" not in call(cloud, "GET", "volumes").json()


@pytest.mark.parametrize(
    ("version", "extra"),
    [
        ("3.13", {"group_id"}),
        ("3.48", {"group_id", "shared_targets", "service_uuid"}),
        ("3.63", {"group_id", "shared_targets", "service_uuid", "volume_type_id"}),
        ("3.65", {"group_id", "shared_targets", "service_uuid", "volume_type_id",
                  "consumes_quota"}),
    ],
)  # fmt: skip
def test_detail_keys_by_microversion(cloud, version, extra):
    vid = create_volume(cloud)
    vol = call(cloud, "GET", f"volumes/{vid}", version=version).json()["volume"]
    assert set(vol) == DETAIL_KEYS | extra


def test_update_name_description_and_metadata(cloud):
    vid = create_volume(cloud)
    resp = call(cloud, "PUT", f"volumes/{vid}", {"volume": {"name": "n", "metadata": {"a": "b"}}})
    vol = resp.json()["volume"]
    assert (vol["name"], vol["metadata"]) == ("n", {"a": "b"})
    reset_volume(cloud, vid, "maintenance")
    resp = call(cloud, "PUT", f"volumes/{vid}", {"volume": {"name": "m"}})
    assert fault(resp)[2] == "Invalid volume: The volume cannot be updated during maintenance."


# -- delete (A4.2) ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status", ["available", "error", "error_restoring", "error_extending", "error_managing"]
)
def test_deletable_statuses(cloud, status):
    vid = create_volume(cloud)
    if status != "available":
        reset_volume(cloud, vid, status)
    assert call(cloud, "DELETE", f"volumes/{vid}").status == 202
    # an error_managing volume's is error_managing_deleting (volume/api.py delete), shown so
    busy = "error_managing_deleting" if status == "error_managing" else "deleting"
    assert cloud.cinder.volume(vid).status == busy
    assert call(cloud, "GET", f"volumes/{vid}").json()["volume"]["status"] == "deleting"
    cloud.run_until_idle()
    assert fault(call(cloud, "GET", f"volumes/{vid}"))[:2] == ("itemNotFound", 404)


@pytest.mark.parametrize("status", ["in-use", "reserved", "attaching", "maintenance", "backing-up"])
def test_busy_volumes_are_refused(cloud, status):
    vid = create_volume(cloud)
    if status == "in-use":
        attach(cloud, vid)
    else:
        reset_volume(cloud, vid, status)
    assert fault(call(cloud, "DELETE", f"volumes/{vid}")) == ("badRequest", 400, DELETE_REFUSED)


@pytest.mark.parametrize("snapshot_status", ["creating", "available", "error"])
def test_a_volume_with_any_snapshot_is_refused_without_cascade(cloud, snapshot_status):
    vid = create_volume(cloud)
    if snapshot_status == "error":
        cloud.faults.add("cinder.snapshot.create", error="CinderBackendError")
    create_snapshot(cloud, vid, settle=snapshot_status != "creating")
    assert fault(call(cloud, "DELETE", f"volumes/{vid}")) == ("badRequest", 400, DELETE_REFUSED)


@pytest.mark.parametrize(
    ("profile", "refused"),
    [
        (
            "nova-25.2.0",
            DELETE_REFUSED.replace("snapshots, awaiting a transfer, or", "snapshots or"),
        ),
        ("nova-26.0.0", DELETE_REFUSED),
    ],
)
def test_the_delete_refusal_names_a_transfer_from_cinder_21(profile, refused):
    """Cinder 20.x (the Nova 25 series; 12.0.10 ``volume/api.py`` too) says "have snapshots or
    be disassociated ..."; 21.0.0 (2b75fa302, LP #1971603, the Nova 26 series) adds "awaiting
    a transfer"."""
    cloud = booted(profile=profile)
    vid = create_volume(cloud)
    create_snapshot(cloud, vid)
    assert fault(call(cloud, "DELETE", f"volumes/{vid}")) == ("badRequest", 400, refused)


def test_cascade_deletes_available_and_error_snapshots_and_returns_all_quota(cloud):
    vid = create_volume(cloud, size=5)
    create_snapshot(cloud, vid)
    sid = create_snapshot(cloud, vid)
    reset_snapshot(cloud, sid, "error")
    assert absolute(cloud)["totalGigabytesUsed"] == 15
    assert call(cloud, "DELETE", f"volumes/{vid}", query={"cascade": "true"}).status == 202
    cloud.run_until_idle()
    assert cloud.cinder.store.volumes == {} and cloud.cinder.store.snapshots == {}
    used = absolute(cloud)
    assert (used["totalVolumesUsed"], used["totalSnapshotsUsed"], used["totalGigabytesUsed"]) == (
        0,
        0,
        0,
    )


def test_cascade_refuses_a_creating_snapshot(cloud):
    vid = create_volume(cloud)
    create_snapshot(cloud, vid, settle=False)
    resp = call(cloud, "DELETE", f"volumes/{vid}", query={"cascade": "true"})
    assert fault(resp) == ("badRequest", 400, DELETE_REFUSED)


def test_force_delete_is_admin_only_from_3_23(cloud):
    vid = create_volume(cloud)
    reset_volume(cloud, vid, "maintenance")
    assert call(cloud, "DELETE", f"volumes/{vid}", query={"force": "true"}).status == 400
    resp = call(cloud, "DELETE", f"volumes/{vid}", query={"force": "true"}, version="3.23")
    assert fault(resp) == (
        "forbidden",
        403,
        "Policy doesn't allow volume:force_delete to be performed.",
    )
    resp = call(
        cloud, "DELETE", f"/v3/{P3}/volumes/{vid}", ctx=ADMIN, query={"force": "true"},
        version="3.23",
    )  # fmt: skip
    assert resp.status == 202
    cloud.run_until_idle()
    assert vid not in cloud.cinder.store.volumes


def test_force_delete_of_an_attached_volume_is_still_refused(cloud):
    vid = create_volume(cloud)
    attach(cloud, vid, SERVER)
    resp = call(
        cloud, "DELETE", f"/v3/{P3}/volumes/{vid}", ctx=ADMIN, query={"force": "1"}, version="3.23"
    )
    assert fault(resp)[2] == (
        "Invalid volume: Volume  must not be migrating, attached, belong to a group, have "
        "snapshots, awaiting a transfer, or be disassociated from snapshots after volume "
        "transfer."
    )


def test_delete_failure_leaves_error_deleting_which_only_force_deletes(cloud):
    vid = create_volume(cloud)
    cloud.faults.add("cinder.volume.delete", error="CinderBackendError", times=1)
    call(cloud, "DELETE", f"volumes/{vid}")
    cloud.run_until_idle()
    assert cloud.cinder.volume(vid).status == "error_deleting"
    assert absolute(cloud)["totalVolumesUsed"] == 1
    assert fault(call(cloud, "DELETE", f"volumes/{vid}")) == ("badRequest", 400, DELETE_REFUSED)
    resp = call(cloud, "POST", f"/v3/{P3}/volumes/{vid}/action", {"os-force_delete": {}}, ctx=ADMIN)
    assert resp.status == 202
    cloud.run_until_idle()
    assert absolute(cloud)["totalVolumesUsed"] == 0
    assert states(cloud, vid) == [
        "creating", "available", "deleting", "error_deleting", "deleting", "deleted",
    ]  # fmt: skip


def test_reset_status_guards(cloud):
    vid = create_volume(cloud)
    body_path = f"/v3/{P3}/volumes/{vid}/action"
    resp = call(cloud, "POST", body_path, {"os-reset_status": {"status": "deleting"}}, ctx=ADMIN)
    assert fault(resp)[2] == "Cannot reset-state to deleting"
    resp = call(cloud, "POST", body_path, {"os-reset_status": {"status": "in-use"}}, ctx=ADMIN)
    assert fault(resp)[2] == (
        "Cannot reset-state to in-use because volume does not have any attachments."
    )
    resp = call(cloud, "POST", body_path, {"os-reset_status": {}}, ctx=ADMIN)
    assert fault(resp)[2] == (
        "Must specify 'status', 'attach_status' or 'migration_status' for update."
    )
    resp = call(cloud, "POST", body_path, {"os-reset_status": {"status": "sideways"}}, ctx=ADMIN)
    assert fault(resp)[2].startswith("Volume status: sideways is invalid, valid statuses are:")


# -- every status of the value set ------------------------------------------------------------

SHOWN = {"managing": "creating", "error_managing": "error"}


@pytest.mark.parametrize("status", [s for s in VOLUME_STATUSES if s not in ("deleting", "in-use")])
def test_every_volume_status_can_be_set_by_an_admin_and_is_shown(cloud, status):
    vid = create_volume(cloud)
    reset_volume(cloud, vid, status)
    shown = call(cloud, "GET", f"volumes/{vid}").json()["volume"]["status"]
    assert shown == SHOWN.get(status, status)
    assert states(cloud, vid)[-1] == status


@pytest.mark.parametrize(("profile", "refused"), [("nova-24.0.0", False), ("nova-25.0.0", True)])
def test_reset_status_guards_came_with_cinder_20(profile, refused):
    """``VolumeAdminController._reset_status`` refuses ``deleting``, ``error_deleting`` and an
    ``in-use`` without attachments from Cinder 20.0.0 (Yoga); cinder 12.0.10 to 19.x
    (``admin_actions.py``) set any valid status."""
    cloud = booted(profile=profile)
    vid = create_volume(cloud)
    body_path = f"/v3/{P3}/volumes/{vid}/action"
    for status in ("in-use", "deleting"):
        resp = call(cloud, "POST", body_path, {"os-reset_status": {"status": status}}, ctx=ADMIN)
        if refused:
            assert fault(resp)[:2] == ("badRequest", 400)
        else:
            assert resp.status == 202, resp.json()
            assert cloud.cinder.volume(vid).status == status


@pytest.mark.parametrize(("profile", "forced"), [("nova-17.0.7", True), ("nova-17.0.8", False)])
def test_queens_force_delete_by_point_release(profile, forced):
    """``VolumeController.delete`` compared ``mv.VOLUME_LIST_BOOTABLE`` (3.2) for ``force`` in
    Cinder 12.0.0-12.0.3 until d402747547 (12.0.4, tagged 2018-10-09, beside Nova 17.0.8:
    switch ``cinder_delete_force_from_3_2``): at 3.22 an admin's ``force`` deletes a
    ``maintenance`` volume; from then it is ignored, the status check's 400."""
    cloud = booted(profile=profile)
    vid = create_volume(cloud)
    reset_volume(cloud, vid, "maintenance")
    path, force = f"/v3/{P3}/volumes/{vid}", {"force": "true"}
    resp = call(cloud, "DELETE", path, ctx=ADMIN, query=force, version="3.22")
    assert resp.status == (202 if forced else 400)
    cloud.run_until_idle()
    assert (vid in cloud.cinder.store.volumes) is not forced
