"""Cinder user messages (``/messages``, 3.3+): what a user is told when an asynchronous
operation fails (cinder 12.0.10 / 20.3.2 / 29.0.0 message/api.py, message_field.py,
api/v3/messages.py, views/messages.py, db/api.py message_get/message_get_all; the call sites in
scheduler/flows/create_volume.py, scheduler/manager.py, volume/manager.py, backup/manager.py)."""

import pytest
from cinder_support import ADMIN, MEMBER, OTHER, READER, SERVER, call, create_volume, fault

from fakecloud import Cloud
from fakecloud.cinder.messages import MESSAGE_REAP_INTERVAL, MESSAGE_TTL
from tests.booted import booted


def _messages(cloud, ctx=MEMBER, version="3.3", query=None):
    resp = call(cloud, "GET", "messages", ctx=ctx, version=version, query=query)
    assert resp.status == 200, resp.json()
    return resp.json()["messages"]


def _no_valid_backend(cloud, ctx=MEMBER):
    if "cinder.scheduler" not in cloud.faults.hot:
        cloud.faults.add("cinder.scheduler", error="NoValidBackend", match={"op": "create_volume"})
    vid = create_volume(cloud, size=1, ctx=ctx)
    assert call(cloud, "GET", f"volumes/{vid}", ctx=ctx).json()["volume"]["status"] == "error"
    return vid


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_no_valid_backend_is_told_as_the_series_tells_it(profile):
    cloud = booted(profile=profile)
    start = cloud.now
    vid = _no_valid_backend(cloud)
    (msg,) = _messages(cloud)
    assert msg["event_id"] == "VOLUME_VOLUME_001_003"
    assert msg["user_message"] == (
        "schedule allocate volume:Could not find any available weighted backend."
    )
    assert (msg["resource_type"], msg["resource_uuid"], msg["message_level"]) == (
        "VOLUME", vid, "ERROR"
    )  # fmt: skip
    assert msg["request_id"].startswith("req-")
    assert msg["created_at"] == cloud.cinder.timestamp(cloud.now)
    assert msg["guaranteed_until"] == cloud.cinder.timestamp(cloud.now + MESSAGE_TTL)
    assert cloud.now - start < 1.0
    assert msg["links"][0]["href"].endswith(f"/messages/{msg['id']}")
    show = call(cloud, "GET", f"messages/{msg['id']}", version="3.3")
    assert show.status == 200 and show.json()["message"] == msg
    # below 3.3 the controller has no such method: the bare 404
    assert call(cloud, "GET", "messages", version="3.2").status == 404
    assert call(cloud, "GET", f"messages/{msg['id']}", version="3.0").status == 404


def test_show_and_delete_are_the_project_s_the_list_is_everyone_s():
    cloud = booted(profile="upstream")
    _no_valid_backend(cloud)
    _no_valid_backend(cloud, ctx=OTHER)
    mine = [m for m in _messages(cloud) if m["id"]]
    # _messages_get_query(project_only=False): every project's messages listed
    assert len(mine) == 2 and len(_messages(cloud, ctx=OTHER)) == 2
    other = next(
        m for m in mine if call(cloud, "GET", f"messages/{m['id']}", version="3.3").status == 404
    )
    resp = call(cloud, "GET", f"messages/{other['id']}", version="3.3")
    assert fault(resp) == ("itemNotFound", 404, f"Message {other['id']} could not be found.")
    assert call(cloud, "GET", f"messages/{other['id']}", ctx=ADMIN, version="3.3").status == 200
    assert call(cloud, "DELETE", f"messages/{other['id']}", version="3.3").status == 404
    # 29.0.0: delete is a project member's (SYSTEM_ADMIN_OR_PROJECT_MEMBER), not a reader's
    own = next(m for m in mine if m is not other)
    assert call(cloud, "DELETE", f"messages/{own['id']}", ctx=READER, version="3.3").status == 403
    assert call(cloud, "DELETE", f"messages/{own['id']}", version="3.3").status == 204
    assert call(cloud, "GET", f"messages/{own['id']}", version="3.3").status == 404
    assert [m["id"] for m in _messages(cloud, ctx=ADMIN)] == [other["id"]]


def test_list_filters_sort_and_pages_from_3_5():
    cloud = booted(profile="upstream")
    vids = []
    for _ in range(3):
        vids.append(_no_valid_backend(cloud))
        cloud.advance(1)  # each in its own second: within one, MySQL's order is by id
    listed = _messages(cloud, version="3.5")
    assert [m["resource_uuid"] for m in listed] == vids[::-1]  # newest first
    # before 3.5 the query is ignored
    assert len(_messages(cloud, version="3.4", query={"limit": "1"})) == 3
    page = call(cloud, "GET", "messages", version="3.5", query={"limit": "2"}).json()
    assert [m["resource_uuid"] for m in page["messages"]] == vids[:0:-1]
    assert page["messages_links"][0]["rel"] == "next"
    rest = _messages(cloud, version="3.5", query={"marker": page["messages"][-1]["id"]})
    assert [m["resource_uuid"] for m in rest] == vids[:1]
    asc = _messages(cloud, version="3.5", query={"sort": "created_at:asc"})
    assert [m["resource_uuid"] for m in asc] == vids
    one = _messages(cloud, version="3.31", query={"resource_uuid": vids[1]})
    assert [m["resource_uuid"] for m in one] == [vids[1]]
    # 3.5-3.30: any key is a column filter; no column, no query: nothing
    assert _messages(cloud, version="3.30", query={"bogus": "1"}) == []
    # 3.31: a non-admin's filter outside resource_filters.json is a 400
    resp = call(cloud, "GET", "messages", version="3.31", query={"detail_id": "003"})
    assert fault(resp)[1:] == (400, "Invalid filters detail_id are found in query options.")
    assert len(_messages(cloud, ctx=ADMIN, version="3.31", query={"detail_id": "003"})) == 3


def test_failures_in_the_managers_record_the_series_action_and_detail():
    cloud = booted(profile="upstream")
    vid = create_volume(cloud, size=1)
    cloud.faults.add("cinder.driver", error="CinderBackendError", match={"op": "extend_volume"})
    extend = {"os-extend": {"new_size": 2}}
    assert call(cloud, "POST", f"volumes/{vid}/action", extend).status == 202
    cloud.run_until_idle()
    call(cloud, "POST", f"volumes/{vid}/action", {"os-reset_status": {"status": "available"}},
         ctx=ADMIN)  # fmt: skip
    cloud.faults.add("cinder.driver", error="CinderBackendError", match={"op": "create_snapshot"})
    body = {"snapshot": {"volume_id": vid, "force": True}}
    assert call(cloud, "POST", "snapshots", body).status == 202
    cloud.run_until_idle()
    events = {m["event_id"]: m for m in _messages(cloud)}
    assert set(events) == {"VOLUME_VOLUME_007_010", "VOLUME_VOLUME_SNAPSHOT_009_013"}
    assert events["VOLUME_VOLUME_007_010"]["user_message"] == (
        "extend volume:Volume Driver failed to extend volume."
    )
    assert events["VOLUME_VOLUME_SNAPSHOT_009_013"]["user_message"] == (
        "create snapshot:Snapshot failed to create."
    )


def test_queens_has_no_snapshot_or_backup_messages():
    """12.0.10's volume manager records no message for a failed snapshot (15.0.0 on)."""
    cloud = booted(profile="seed")
    vid = create_volume(cloud, size=1)
    cloud.faults.add("cinder.driver", error="CinderBackendError", match={"op": "create_snapshot"})
    body = {"snapshot": {"volume_id": vid, "force": True}}
    assert call(cloud, "POST", "snapshots", body, version="3.3").status == 202
    cloud.run_until_idle()
    assert _messages(cloud) == []


def test_backup_driver_failure_is_told_from_cinder_19():
    cloud = booted(profile="upstream")
    vid = create_volume(cloud, size=1)
    cloud.faults.add("cinder.backup.create", error="CinderBackendError")
    resp = call(cloud, "POST", "backups", {"backup": {"volume_id": vid}}, version="3.3")
    assert resp.status == 202
    cloud.run_until_idle()
    (msg,) = _messages(cloud)
    assert msg["event_id"] == "VOLUME_VOLUME_BACKUP_013_020"
    assert msg["resource_uuid"] == resp.json()["backup"]["id"]
    assert msg["user_message"] == "create backup:Backup driver failed to create backup."


def test_messages_expire_with_the_reaper_and_survive_save_load_and_fork(tmp_path):
    cloud = booted(profile="upstream")
    _no_valid_backend(cloud)
    (msg,) = _messages(cloud)
    path = tmp_path / "cloud.json"
    cloud.save(path)
    loaded = Cloud.load(path)
    assert _messages(loaded) == [msg]
    fork = cloud.fork()
    assert _messages(fork) == [msg]
    # the next message's id comes from the fork's own count: the same in both
    _no_valid_backend(fork)
    _no_valid_backend(loaded)
    assert [m["id"] for m in _messages(fork)] == [m["id"] for m in _messages(loaded)]
    # kept past its expiry until the next daily reap
    expires = cloud.now + MESSAGE_TTL
    cloud.run(until=expires + 1)
    assert len(_messages(cloud)) == 1
    cloud.run(until=(expires // MESSAGE_REAP_INTERVAL + 1) * MESSAGE_REAP_INTERVAL)
    assert _messages(cloud) == []


def test_a_cloud_without_messages_saves_no_table():
    cloud = booted(profile="upstream")
    create_volume(cloud, size=1)
    assert getattr(cloud.cinder.store, "messages", None) is None
    assert _messages(cloud) == []


def test_snapshot_delete_failures_are_told_from_cinder_15():
    """A busy snapshot goes back to available with SNAPSHOT_IS_BUSY (the exception's mapped
    detail); another driver error leaves it error_deleting with SNAPSHOT_DELETE_ERROR."""
    cloud = booted(profile="upstream")
    vid = create_volume(cloud, size=1)
    sids = []
    for _ in range(2):
        body = {"snapshot": {"volume_id": vid, "force": True}}
        sids.append(call(cloud, "POST", "snapshots", body).json()["snapshot"]["id"])
        cloud.run_until_idle()
    busy, broken = sids
    cloud.faults.add("cinder.snapshot.delete", error="SnapshotIsBusy", match={"snapshot_id": busy})
    cloud.faults.add(
        "cinder.snapshot.delete", error="CinderBackendError", match={"snapshot_id": broken}
    )
    for sid in sids:
        assert call(cloud, "DELETE", f"snapshots/{sid}").status == 202
    cloud.run_until_idle()
    told = {m["resource_uuid"]: m for m in _messages(cloud)}
    assert told[busy]["event_id"] == "VOLUME_VOLUME_SNAPSHOT_010_015"
    assert told[busy]["user_message"] == "delete snapshot:Snapshot is busy."
    assert told[broken]["event_id"] == "VOLUME_VOLUME_SNAPSHOT_010_016"


@pytest.mark.parametrize(
    ("profile", "told"),
    [("nova-18.3.0", False), ("nova-19.3.2", True)],  # cinder 13.0.9 has no such call; 14.0.0
)
def test_raw_create_driver_failure_is_told_from_cinder_14(profile, told):
    """``_create_raw_volume`` records CREATE_VOLUME_FROM_BACKEND / DRIVER_FAILED_CREATE at
    each failure; ``OnFailureRescheduleTask`` reschedules it, three placings, and the
    fourth is the scheduler's ``NoValidBackend`` (SCHEDULE_ALLOCATE_VOLUME, 003)."""
    cloud = booted(profile=profile)
    cloud.faults.add("cinder.driver", error="CinderBackendError", match={"op": "create_volume"})
    vid = create_volume(cloud, size=1)
    events = sorted((m["event_id"], m["resource_uuid"]) for m in _messages(cloud))
    driver = [("VOLUME_VOLUME_008_012", vid)] * 3 if told else []
    assert events == [("VOLUME_VOLUME_001_003", vid), *driver]


def test_a_driver_failure_once_is_rescheduled_and_the_volume_made():
    """A backend that fails one create: the reschedule's second placing makes the volume
    (``available``), the first attempt's message stays."""
    cloud = booted(profile="upstream")
    cloud.faults.add(
        "cinder.driver", error="CinderBackendError", match={"op": "create_volume"}, times=1
    )
    vid = create_volume(cloud, size=1)
    assert call(cloud, "GET", f"volumes/{vid}").json()["volume"]["status"] == "available"
    assert [m["event_id"] for m in _messages(cloud)] == ["VOLUME_VOLUME_008_012"]


def test_os_attach_of_a_read_only_volume_in_rw_is_refused_by_the_api_untold():
    """``API.attach`` (12.0.10-29.0.0) refuses readonly ``True`` and a mode other than ``ro``
    with ``InvalidVolumeAttachMode`` (400) before the manager, which would record
    ATTACH_VOLUME: no message. The ``ro`` attach is the volume's ``attached_mode`` until its
    detach."""
    cloud = booted(profile="upstream")
    vid = create_volume(cloud, size=1)
    flag = {"os-update_readonly_flag": {"readonly": True}}
    assert call(cloud, "POST", f"volumes/{vid}/action", flag).status == 202
    args = {"instance_uuid": SERVER, "mountpoint": "/dev/vdb", "mode": "rw"}
    resp = call(cloud, "POST", f"volumes/{vid}/action", {"os-attach": args})
    assert fault(resp) == ("badRequest", 400, f"Invalid attaching mode 'rw' for volume {vid}.")
    assert _messages(cloud) == []
    args["mode"] = "ro"
    assert call(cloud, "POST", f"volumes/{vid}/action", {"os-attach": args}).status == 202
    shown = call(cloud, "GET", f"volumes/{vid}").json()["volume"]["metadata"]
    assert shown == {"readonly": "True", "attached_mode": "ro"}
    assert call(cloud, "POST", f"volumes/{vid}/action", {"os-detach": {}}).status == 202
    assert call(cloud, "GET", f"volumes/{vid}").json()["volume"]["metadata"] == {"readonly": "True"}


def test_a_type_whose_specs_no_backend_reports_fails_scheduling_with_a_message():
    """Tempest's ``UserMessagesTest``: ``CapabilitiesFilter`` holds every unscoped spec against
    the backend's capabilities (``storage_protocol`` iSCSI, ``vendor_name`` Open Source on
    LVM); a made-up one passes no backend: the volume ``error``, the message told. A bare
    ``<or>`` is ``match``'s IndexError: an unknown error (was told as no valid backend). A
    ``volume_backend_name`` operator is matched too (``<or> lvmdriver-1`` was taken as a name)."""
    cloud = booted(profile="upstream")
    made = {}
    for name, protocol, backend in (
        ("good", "iSCSI", "<or> nosuch <or> lvmdriver-1"),
        ("bogus", "<in> nvme", "lvmdriver-1"),
        ("bare", "<or>", "lvmdriver-1"),
        ("other", "iSCSI", "<or> nosuch"),
    ):
        specs = {"storage_protocol": protocol, "vendor_name": "Open Source", "RESKEY:x": "y"}
        specs["volume_backend_name"] = backend
        body = {"volume_type": {"name": name, "extra_specs": specs}}
        vtype = call(cloud, "POST", "types", body, ctx=ADMIN).json()["volume_type"]
        made[name] = create_volume(cloud, size=1, volume_type=vtype["id"])
    shown = {n: call(cloud, "GET", f"volumes/{v}").json()["volume"] for n, v in made.items()}
    assert [shown[n]["status"] for n in ("good", "bogus", "other")] == [
        "available", "error", "error",
    ]  # fmt: skip
    told = {m["resource_uuid"]: m["event_id"] for m in _messages(cloud)}
    assert told == {
        made["bogus"]: "VOLUME_VOLUME_001_003",
        made["bare"]: "VOLUME_VOLUME_001_001",
        made["other"]: "VOLUME_VOLUME_001_003",
    }
