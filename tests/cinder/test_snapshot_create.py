"""POST /v3/{project_id}/snapshots: body rules (spec A2.1), force/status/3.66 rules (A2.2),
the response (A2.3), completion (A2.5) and the insert/re-check race (PART C.1)."""

import pytest
from cinder_support import (
    MEMBER,
    OTHER,
    READER,
    RPC,
    SERVER,
    absolute,
    attach,
    call,
    create_volume,
    fault,
    reset_volume,
    states,
)

from fakecloud import Cloud
from fakecloud.api.http import Request
from tests.booted import booted

SNAPSHOT_IN_USE_MSG = (
    "Since microversion 3.66 the 'force' flag is invalid for this request.  For backward "
    "compatability, however, when the 'force' flag is passed with a value evaluating to True, "
    "it is silently ignored."
)


@pytest.fixture
def cloud():
    # Cinder 29.0.0 (2026.2): microversions to 3.71 (a Queens cloud's Cinder stops at 3.50).
    return booted(profile="upstream")


@pytest.fixture
def vid(cloud):
    return create_volume(cloud, size=10)


def post(cloud, snapshot, version=None, ctx=MEMBER, raw=None):
    body = raw if raw is not None else {"snapshot": snapshot}
    return call(cloud, "POST", "snapshots", body, version=version, ctx=ctx)


# -- A2.1 request body ------------------------------------------------------------------------


def test_extra_top_level_key_is_400(cloud, vid):
    resp = post(cloud, None, raw={"snapshot": {"volume_id": vid}, "extra": 1})
    assert fault(resp) == (
        "badRequest",
        400,
        "Additional properties are not allowed ('extra' was unexpected)",
    )


def test_extra_snapshot_key_is_400_naming_the_field(cloud, vid):
    resp = post(cloud, {"volume_id": vid, "size": 3})
    name, code, message = fault(resp)
    assert (name, code) == ("badRequest", 400)
    assert message.startswith("Invalid input for field/attribute snapshot. Value: {")
    assert message.endswith("Additional properties are not allowed ('size' was unexpected)")


def test_display_description_is_not_accepted_on_create(cloud, vid):
    resp = post(cloud, {"volume_id": vid, "display_description": "d"})
    assert resp.status == 400
    assert "('display_description' was unexpected)" in fault(resp)[2]


def test_volume_id_is_required(cloud):
    resp = post(cloud, {"name": "s"})
    assert resp.status == 400
    assert fault(resp)[2].endswith("'volume_id' is a required property")


def test_missing_snapshot_key_is_400(cloud):
    resp = post(cloud, None, raw={})
    assert fault(resp)[2] == "'snapshot' is a required property"


def test_volume_id_must_be_a_uuid(cloud):
    resp = post(cloud, {"volume_id": "not-a-uuid"})
    assert resp.status == 400
    assert fault(resp)[2].startswith("Invalid input for field/attribute volume_id.")


def test_null_volume_id_passes_the_schema_and_is_not_found(cloud):
    resp = post(cloud, {"volume_id": None})
    assert fault(resp) == ("itemNotFound", 404, "Volume None could not be found.")


def test_another_projects_volume_is_not_found(cloud, vid):
    resp = post(cloud, {"volume_id": vid, "force": True}, ctx=OTHER)
    assert fault(resp) == ("itemNotFound", 404, f"Volume {vid} could not be found.")


@pytest.mark.parametrize("field", ["name", "display_name", "description"])
def test_name_and_description_are_at_most_255_characters(cloud, vid, field):
    assert post(cloud, {"volume_id": vid, field: "x" * 255}).status == 202
    resp = post(cloud, {"volume_id": vid, field: "x" * 256})
    assert resp.status == 400
    assert fault(resp)[2].startswith(f"Invalid input for field/attribute {field}.")
    assert "is too long" in fault(resp)[2]


def test_nova_naming_an_image_of_243_characters_overflows_the_snapshot_name(cloud, vid):
    name = "snapshot for " + "i" * 243
    assert len(name) == 256
    assert post(cloud, {"volume_id": vid, "force": True, "name": name}).status == 400


def test_name_is_stripped_and_display_name_is_an_alias(cloud, vid):
    resp = post(cloud, {"volume_id": vid, "name": "  padded  ", "description": " d "})
    assert (resp.json()["snapshot"]["name"], resp.json()["snapshot"]["description"]) == (
        "padded",
        "d",
    )
    resp = post(cloud, {"volume_id": vid, "display_name": "alias"})
    assert resp.json()["snapshot"]["name"] == "alias"


@pytest.mark.parametrize(
    "value",
    [True, "True", "true", "TRUE", "1", "ON", "On", "on", "YES", "Yes", "yes", "y", "t"],
)
def test_force_true_forms_allow_in_use_before_3_66(cloud, value):
    vid = create_volume(cloud)
    attach(cloud, vid)
    assert post(cloud, {"volume_id": vid, "force": value}).status == 202


@pytest.mark.parametrize(
    "value",
    [False, "False", "false", "FALSE", "0", "OFF", "Off", "off", "NO", "No", "no", "n", "f"],
)
def test_force_false_forms_refuse_in_use_before_3_66(cloud, value):
    vid = create_volume(cloud)
    attach(cloud, vid)
    resp = post(cloud, {"volume_id": vid, "force": value})
    assert fault(resp)[2] == (
        f"Invalid volume: Volume {vid} status must be available, but current status is: in-use."
    )


@pytest.mark.parametrize("value", ["maybe", "tRuE", 2, None, {}])
def test_other_force_values_fail_the_schema(cloud, vid, value):
    resp = post(cloud, {"volume_id": vid, "force": value})
    assert resp.status == 400
    assert fault(resp)[2].startswith("Invalid input for field/attribute force.")


@pytest.mark.parametrize(
    "metadata",
    [{"bad*key": "v"}, {"k": "v" * 256}, {"k": 1}, {"": "v"}, ["k"], "k=v"],
)
def test_bad_metadata_is_400(cloud, vid, metadata):
    resp = post(cloud, {"volume_id": vid, "metadata": metadata})
    assert resp.status == 400
    # The field named is the innermost one: "metadata", or the offending key.
    field = "k" if isinstance(metadata, dict) and "k" in metadata else "metadata"
    assert fault(resp)[2].startswith(f"Invalid input for field/attribute {field}.")


def test_good_and_null_metadata_are_accepted(cloud, vid):
    resp = post(cloud, {"volume_id": vid, "metadata": {"a-b_c:d. e/f": "v" * 255}})
    assert resp.json()["snapshot"]["metadata"] == {"a-b_c:d. e/f": "v" * 255}
    assert post(cloud, {"volume_id": vid, "metadata": None}).json()["snapshot"]["metadata"] == {}


# -- A2.2 force, volume status and microversion 3.66 -----------------------------------------

REFUSED_ALWAYS = [
    "attaching",
    "detaching",
    "reserved",
    "backing-up",
    "uploading",
    "downloading",
    "extending",
    "retyping",
    "creating",
    "awaiting-transfer",
    "restoring-backup",
    "error_deleting",
    "error_backing-up",
    "error_extending",
    "error_restoring",
    "error_managing",
    "managing",
]


def _volume_in(cloud, status):
    vid = create_volume(cloud, size=10)
    if status == "in-use":
        attach(cloud, vid)
    elif status == "deleting":
        cloud.faults.add("cinder.volume.delete", "stall")
        assert call(cloud, "DELETE", f"volumes/{vid}").status == 202
        cloud.advance(1)
    elif status != "available":
        reset_volume(cloud, vid, status)
    return vid


def _allowed(version, force):
    if version >= "3.66":
        return {"available", "in-use"} if force in (None, True) else None
    return {"available", "in-use"} if force is True else {"available"}


def _status_case(shared, status, force, version):
    """One row of the table: a create with `force` at `version` on a volume in `status`.

    A create that must be refused changes nothing, so those rows share `shared` (one cloud
    with its volume in `status`); a create that must succeed gets a fresh cloud."""
    allowed = _allowed(version, force)
    refused = allowed is None or status in ("error", "maintenance") or status not in allowed
    if refused:
        if not shared:
            cloud = booted(profile="upstream")
            shared.append((cloud, _volume_in(cloud, status)))
        cloud, vid = shared[0]
    else:
        cloud = booted(profile="upstream")
        vid = _volume_in(cloud, status)
    snapshot = {"volume_id": vid} if force is None else {"volume_id": vid, "force": force}
    resp = post(cloud, snapshot, version=version)
    if allowed is None:
        assert fault(resp) == ("badRequest", 400, SNAPSHOT_IN_USE_MSG)
    elif status == "error":
        assert fault(resp)[2] == (
            "Invalid volume: The snapshot cannot be created when the volume is in error status."
        )
    elif status == "maintenance":
        assert fault(resp)[2] == (
            "Invalid volume: The snapshot cannot be created when the volume is in maintenance mode."
        )
    elif status in allowed:
        assert resp.status == 202
        assert resp.json()["snapshot"]["status"] == "creating"
        # Taking a snapshot does not change the volume's status.
        assert cloud.cinder.volume(vid).status == status
    else:
        listed = ", ".join(sorted(allowed))
        assert fault(resp) == (
            "badRequest",
            400,
            f"Invalid volume: Volume {vid} status must be {listed}, but current status is: "
            f"{status}.",
        )
    if refused:  # and left the shared world as it was
        assert not cloud.cinder.store.snapshots
        assert cloud.cinder.volume(vid).status == status


@pytest.mark.parametrize(
    "status", ["available", "in-use", "error", "maintenance", "deleting", *REFUSED_ALWAYS]
)
def test_status_table(status):
    """Each status's twelve rows (force None/True/False at 3.0, 3.65, 3.66, 3.71) in one test
    (a test item costs more than a row); a failure names every failing row."""
    shared, failures = [], []
    for version in ("3.0", "3.65", "3.66", "3.71"):
        for force in (None, True, False):
            try:
                _status_case(shared, status, force, version)
            except Exception as exc:  # noqa: BLE001 - every failing row is named below
                row = f"status {status}, force {force!r}, microversion {version}"
                failures.append(f"{row}: {type(exc).__name__}: {exc}")
    assert not failures, "\n".join(failures)


def test_3_66_checks_the_volume_before_the_force_flag(cloud):
    missing = "deadbeef-0000-4000-8000-000000000000"
    resp = post(cloud, {"volume_id": missing, "force": False}, version="3.66")
    assert resp.status == 404


def test_unscheduled_volume_is_refused_before_its_error_status(cloud):
    cloud.faults.add("cinder.scheduler", error="NoValidBackend")
    vid = create_volume(cloud)
    assert cloud.cinder.volume(vid).status == "error"
    resp = post(cloud, {"volume_id": vid, "force": True})
    assert fault(resp)[2] == (
        "Invalid volume: The snapshot cannot be created because volume has not been scheduled "
        "to any host."
    )


def test_migrating_volume_is_refused(cloud, vid):
    reset_volume(cloud, vid, migration_status="migrating")
    resp = post(cloud, {"volume_id": vid, "force": True})
    assert fault(resp)[2] == "Invalid volume: Snapshot cannot be created while volume is migrating."


def test_reader_may_not_create_a_snapshot(cloud, vid):
    resp = post(cloud, {"volume_id": vid, "force": True}, ctx=READER)
    assert fault(resp) == (
        "forbidden",
        403,
        "Policy doesn't allow volume:create_snapshot to be performed.",
    )


# -- A2.3 response, A2.5 completion -----------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "extra"),
    [
        ("3.0", set()),
        ("3.14", {"group_snapshot_id"}),
        ("3.41", {"group_snapshot_id", "user_id"}),
        ("3.65", {"group_snapshot_id", "user_id", "consumes_quota"}),
    ],
)
def test_create_response_keys_by_microversion(cloud, vid, version, extra):
    resp = post(cloud, {"volume_id": vid, "force": True, "name": "s"}, version=version)
    assert resp.status == 202
    snap = resp.json()["snapshot"]
    base = {"id", "created_at", "updated_at", "name", "description", "volume_id", "status"}
    assert set(snap) == base | {"size", "metadata"} | extra
    assert snap["status"] == "creating"
    assert snap["size"] == 10
    assert snap["updated_at"] is None
    assert snap["created_at"] == "2026-01-01T00:00:01.004000"
    if "consumes_quota" in extra:
        assert snap["consumes_quota"] is True
    if "user_id" in extra:
        assert snap["user_id"] == MEMBER.user_id


def test_progress_goes_from_0_to_100_percent_when_available(cloud, vid):
    sid = post(cloud, {"volume_id": vid, "force": True}).json()["snapshot"]["id"]
    shown = call(cloud, "GET", f"snapshots/{sid}").json()["snapshot"]
    assert shown["os-extended-snapshot-attributes:progress"] == "0%"
    assert shown["os-extended-snapshot-attributes:project_id"] == MEMBER.project_id
    t0 = cloud.now
    cloud.run_until_idle()
    shown = call(cloud, "GET", f"snapshots/{sid}").json()["snapshot"]
    assert (shown["status"], shown["os-extended-snapshot-attributes:progress"]) == (
        "available",
        "100%",
    )
    # Two RPC hops (API -> scheduler -> volume) then the thin-LVM snapshot (0.5 s).
    assert cloud.now - t0 == pytest.approx(2 * RPC + 0.5)
    assert states(cloud, sid) == ["creating", "available"]


def test_driver_failure_leaves_error_with_progress_0(cloud, vid):
    cloud.faults.add("cinder.snapshot.create", error="CinderBackendError")
    sid = post(cloud, {"volume_id": vid, "force": True}).json()["snapshot"]["id"]
    cloud.run_until_idle()
    shown = call(cloud, "GET", f"snapshots/{sid}").json()["snapshot"]
    assert (shown["status"], shown["os-extended-snapshot-attributes:progress"]) == ("error", "0%")


# -- PART C.1: the insert/re-check race -------------------------------------------------------


def test_volume_reserved_between_insert_and_recheck_fails_the_create_and_rolls_back(vid=None):
    cloud = Cloud(config={"cinder": {"snapshot_recheck_delay_s": 1.0}})
    vid = create_volume(cloud, size=10)
    api = cloud.cinder.api
    req = Request.build(
        "POST", f"/v3/{MEMBER.project_id}/snapshots", body={"snapshot": {"volume_id": vid}},
        context=MEMBER,
    )  # fmt: skip
    work = api.dispatch(req)
    proc = cloud.kernel.spawn(work, name="POST snapshots")
    attach_body = {"attachment": {"volume_uuid": vid, "instance_uuid": SERVER}}

    def attach_meanwhile():
        attach_req = Request.build(
            "POST", f"/v3/{MEMBER.project_id}/attachments", body=attach_body, context=MEMBER,
            headers={"OpenStack-API-Version": "volume 3.27"},
        )  # fmt: skip
        assert api.dispatch(attach_req).status == 200

    cloud.kernel.after(0.5, attach_meanwhile)
    cloud.run(until=proc)
    resp = proc.value
    assert fault(resp) == (
        "badRequest",
        400,
        f"Invalid volume: Volume {vid} status must be available , but current status is: reserved.",
    )
    assert absolute(cloud)["totalSnapshotsUsed"] == 0
    assert cloud.cinder.quotas.usage(MEMBER.project_id, "snapshots").reserved == 0
    created = cloud.trace.first(kind="state", machine="snapshot.status", new="creating")
    assert states(cloud, created["subject"]) == ["creating", "deleted"]
    assert call(cloud, "GET", "snapshots").json()["snapshots"] == []
