"""Volume backups (``/backups``): cinder/backup/api.py, backup/manager.py, api/contrib/backups.py,
api/v3/backups.py and their views, as cinder 29.0.0 (profile ``upstream``) and 12.0.10 (the
seed's Queens) run them. A backup's bytes cross the volume's backend and the backup store
(the I/O resource ``cinder-backup-store``); a restore crosses them the other way."""

import pytest
from cinder_support import (
    ADMIN,
    MEMBER,
    OTHER,
    READER,
    absolute,
    attach,
    call,
    create_snapshot,
    create_volume,
    fault,
    states,
)

from fakecloud import Cloud
from fakecloud.cinder.backup_manager import STORE
from fakecloud.cinder.faults import GENERIC
from fakecloud.sim.io import mb_per_s
from fakecloud.views import model
from tests.booted import booted

GiB = 1024**3
STORE_MB_PER_S = 50.0  # slower than the backend (200 MB/s): the store sets the pace


def _cloud(profile="upstream"):
    cloud = booted(profile=profile)
    cloud.kernel.io.resource(STORE, mb_per_s(STORE_MB_PER_S))  # before a backup makes it
    return cloud


@pytest.fixture
def cloud():
    return _cloud()


def _backup(cloud, vid, version="3.64", ctx=MEMBER, **fields):
    return call(cloud, "POST", "backups", {"backup": {"volume_id": vid, **fields}}, ctx=ctx,
                version=version)  # fmt: skip


def _show(cloud, bid, version="3.64", ctx=MEMBER):
    return call(cloud, "GET", f"backups/{bid}", ctx=ctx, version=version).json()["backup"]


def _status(cloud, vid):
    return call(cloud, "GET", f"volumes/{vid}").json()["volume"]["status"]


def _made(cloud, vid, **fields):
    resp = _backup(cloud, vid, **fields)
    assert resp.status == 202, resp.json()
    cloud.run_until_idle()
    return resp.json()["backup"]["id"]


def test_create_moves_the_volume_to_the_store_in_virtual_time(cloud):
    vid = create_volume(cloud, size=2)
    start = cloud.now
    resp = _backup(cloud, vid, name=" nightly ", container=None)
    assert resp.status == 202
    body = resp.json()["backup"]
    assert set(body) == {"id", "name", "links"} and body["name"] == "nightly"
    bid = body["id"]
    assert _status(cloud, vid) == "backing-up"
    creating = _show(cloud, bid)
    assert (creating["status"], creating["container"], creating["object_count"]) == (
        "creating", None, None
    )  # fmt: skip
    assert creating["data_timestamp"] == creating["created_at"]
    cloud.run_until_idle()
    done = _show(cloud, bid)
    assert done["status"] == "available"
    # 2 GiB at the store's 50 MB/s (the RPC hops are milliseconds)
    assert cloud.now - start == pytest.approx(2 * GiB / (STORE_MB_PER_S * 1e6), abs=0.05)
    # Swift: 50 MiB objects (52428800 B): 2 GiB is 41 (cinder 16.4.2 on: object_id - 1)
    assert (done["size"], done["object_count"], done["container"]) == (2, 41, "volumebackups")
    assert done["availability_zone"] == "nova" and done["is_incremental"] is False
    assert _status(cloud, vid) == "available"
    assert states(cloud, bid) == ["creating", "available"]
    assert states(cloud, vid)[-2:] == ["backing-up", "available"]
    labels = {e["label"] for e in cloud.trace.filter(kind="io.start")}
    assert "cinder.backup_create" in labels
    usage = cloud.cinder.quotas.usages(MEMBER.project_id)
    assert (usage["backups"]["in_use"], usage["backup_gigabytes"]["in_use"]) == (1, 2)


def test_views_follow_the_microversion(cloud):
    bid = _made(cloud, create_volume(cloud), metadata={"k": "v"})
    old = _show(cloud, bid, version="3.0")
    assert "metadata" not in old and "os-backup-project-attr:project_id" not in old
    assert _show(cloud, bid, version="3.43")["metadata"] == {"k": "v"}
    admin = _show(cloud, bid, version="3.56", ctx=ADMIN)
    assert admin["os-backup-project-attr:project_id"] == MEMBER.project_id
    assert admin["user_id"] == MEMBER.user_id
    assert "user_id" not in _show(cloud, bid, version="3.55", ctx=ADMIN)
    assert "user_id" not in _show(cloud, bid, version="3.64")  # a member: no attributes
    # metadata is refused before 3.43 by the schema (additionalProperties)
    resp = _backup(cloud, create_volume(cloud), version="3.42", metadata={"k": "v"})
    assert resp.status == 400


def test_in_use_needs_force_and_reads_a_temporary_clone(cloud):
    vid = create_volume(cloud)
    attach(cloud, vid)
    assert _status(cloud, vid) == "in-use"
    name, code, message = fault(_backup(cloud, vid))
    assert (code, message) == (
        400,
        "Invalid volume: Backing up an in-use volume must use the force flag.",
    )
    resp = _backup(cloud, vid, force=True)
    assert resp.status == 202
    cloud.run_until_idle()
    temp = [e for e in cloud.trace.filter(kind="state", field="status") if e["new"] == "backing-up"]
    temp_ids = {e["subject"] for e in temp} - {vid}
    assert len(temp_ids) == 1  # backup-vol-<id>: cloned, read, deleted
    (temp_id,) = temp_ids
    assert states(cloud, temp_id) == ["creating", "backing-up", "deleting", "deleted"]
    assert _status(cloud, vid) == "in-use"
    run = model.read(cloud.trace.filter())  # the views: a cinder-backup lane, its copy named
    assert "cinder-backup" in run.lanes
    assert any(b.label.startswith("backup to the backup store") for b in run.bars)
    assert _show(cloud, resp.json()["backup"]["id"])["status"] == "available"


def test_incremental_needs_an_available_full_backup(cloud):
    vid = create_volume(cloud)
    name, code, message = fault(_backup(cloud, vid, incremental=True))
    assert (code, message) == (
        400,
        "Invalid backup: No backups available to do an incremental backup.",
    )
    assert cloud.cinder.quotas.usages(MEMBER.project_id)["backups"]["reserved"] == 0
    full = _made(cloud, vid)
    # the parent is one of the caller's project (8ebeafcbb): an admin elsewhere finds none
    assert fault(_backup(cloud, vid, ctx=ADMIN, incremental=True))[1:] == (
        400,
        "Invalid backup: No backups available to do an incremental backup.",
    )
    inc = _made(cloud, vid, incremental=True)
    assert _show(cloud, inc)["is_incremental"] is True
    assert _show(cloud, inc)["object_count"] == 0  # no chunk changed since the parent
    assert _show(cloud, full)["has_dependent_backups"] is True
    name, code, message = fault(call(cloud, "DELETE", f"backups/{full}"))
    assert (code, message) == (400, "Invalid backup: Incremental backups exist for this backup.")
    assert call(cloud, "DELETE", f"backups/{inc}").status == 202
    assert _show(cloud, inc)["status"] == "deleting"
    cloud.run_until_idle()
    assert call(cloud, "GET", f"backups/{inc}").status == 404
    assert _show(cloud, full)["has_dependent_backups"] is False
    assert call(cloud, "DELETE", f"backups/{full}").status == 202
    cloud.run_until_idle()
    usage = cloud.cinder.quotas.usages(MEMBER.project_id)
    assert (usage["backups"]["in_use"], usage["backup_gigabytes"]["in_use"]) == (0, 0)
    assert [v for v in cloud.check_invariants() if v.invariant == "quota_usage_matches"] == []


@pytest.mark.parametrize(
    ("profile", "any_project"),
    [("nova-19.3.1", True), ("nova-19.3.2", False), ("nova-21.1.0", True), ("nova-21.1.1", False)],
)
def test_the_parent_of_another_projects_backup_by_point_release(profile, any_project):
    """8ebeafcbb (Cinder 17.0.0) reached Cinder 14.3.0, 15.4.0 and 16.2.0, beside Nova 19.3.2,
    20.4.1 and 21.1.1: from there the admin's incremental backup of the user's volume finds no
    parent of its own project (cinder-tempest-plugin's test_backup_crossproject_*)."""
    cloud = _cloud(profile)
    vid = create_volume(cloud)
    full = _made(cloud, vid, version="3.0")
    resp = _backup(cloud, vid, version="3.0", ctx=ADMIN, incremental=True)
    if any_project:
        assert resp.status == 202
        cloud.run_until_idle()
        assert _show(cloud, full, version="3.47")["has_dependent_backups"] is True
    else:
        assert fault(resp)[1:] == (
            400,
            "Invalid backup: No backups available to do an incremental backup.",
        )
        assert _show(cloud, full, version="3.47")["has_dependent_backups"] is False


def test_queens_keeps_the_reservation_and_has_no_scheduler_hop():
    cloud = _cloud("seed")
    vid = create_volume(cloud)
    name, code, message = fault(_backup(cloud, vid, version="3.0", incremental=True))
    assert code == 400
    # cinder 12.0.10 API.create raises without QUOTAS.rollback (lp1809323: until 14.3.0)
    assert cloud.cinder.quotas.usages(MEMBER.project_id)["backups"]["reserved"] == 1
    leaks = [v.subject for v in cloud.check_invariants() if v.invariant == "quota_usage_matches"]
    assert leaks == [
        f"project {MEMBER.project_id} backups",
        f"project {MEMBER.project_id} backup_gigabytes",
    ]
    bid = _made(cloud, vid, version="3.0")
    assert _show(cloud, bid, version="3.0")["object_count"] == 22  # 12.0.10: object_id
    # 12.0.10 takes the parent among every project's backups of the volume
    _made(cloud, vid, version="3.0", ctx=ADMIN, incremental=True)
    assert _show(cloud, bid, version="3.0")["has_dependent_backups"] is True
    # 12.0.10's uuid_allow_null takes any string: the snapshot is looked up (404)
    name, code, message = fault(_backup(cloud, vid, version="3.0", snapshot_id="nope"))
    assert (code, message) == (404, "Snapshot nope could not be found.")
    # legacy policies (12.0.10-28.x): backup:create is "", a project reader may back up
    assert _backup(cloud, vid, version="3.0", ctx=READER).status == 202
    cloud.run_until_idle()
    page = call(cloud, "GET", "backups/detail", query={"limit": "1"}).json()
    assert "/backups?limit=1&marker=" in page["backups_links"][0]["href"]  # not backups/detail
    # 12.0.10 reset_status: error yes; available only on a restoring backup (the Swift
    # driver cannot verify one): it stays error
    for status, expected in (("error", "error"), ("available", "error")):
        body = {"os-reset_status": {"status": status}}
        assert call(cloud, "POST", f"backups/{bid}/action", body, ctx=ADMIN).status == 202
        cloud.run_until_idle()
        assert _show(cloud, bid, version="3.0")["status"] == expected
    casts = {(e["subject"], e["method"]) for e in cloud.trace.filter(kind="rpc.cast")}
    assert ("cinder-backup.cinder", "create_backup") in casts
    assert ("cinder-scheduler", "create_backup") not in casts


def _queue(cloud):
    return cloud.kernel.rpc.queued("cinder-backup.cinder")


def test_a_stopped_backup_service_per_series():
    """Queens' API asks for a backup host ``is_up`` (its last heartbeat at most
    ``service_down_time`` old): in the grace it casts the backup to the stopped service's
    queue, after it 503s. From 16.0.0 the scheduler places backups on the services that
    reported capabilities, stopped or not: the backup waits. Back up, the manager's
    ``init_host`` resets it ``error`` and its volume before the queued ``create_backup``
    finds the volume no longer ``backing-up``."""
    queens = _cloud("seed")
    vid = create_volume(queens)
    queens.kernel.rpc.set_up("cinder-backup.cinder", False)
    waiting = _backup(queens, vid, version="3.0").json()["backup"]["id"]
    queens.run(until=queens.now + 70)
    assert (_status(queens, vid), _queue(queens)) == ("backing-up", ["create_backup"])
    other = create_volume(queens)
    name, code, message = fault(_backup(queens, other, version="3.0"))
    assert (name, code, message) == (
        "serviceUnavailable", 503, "Service cinder-backup could not be found."
    )  # fmt: skip
    assert _status(queens, other) == "available"
    cloud = _cloud()
    vid = create_volume(cloud)
    cloud.kernel.rpc.set_up("cinder-backup.cinder", False)
    cloud.run(until=cloud.now + 70)
    bid = _backup(cloud, vid).json()["backup"]["id"]
    cloud.run_until_idle()
    assert (_show(cloud, bid)["status"], _status(cloud, vid)) == ("creating", "backing-up")
    assert _queue(cloud) == ["create_backup"]
    for world, backup in ((queens, waiting), (cloud, bid)):
        world.kernel.rpc.set_up("cinder-backup.cinder", True)
        world.run_until_idle()
        shown = _show(world, backup, version="3.0")
        assert (shown["status"], shown["fail_reason"]) == (
            "error",
            "Create backup aborted, expected volume status backing-up but got available.",
        )
    assert _status(cloud, vid) == "available"
    # a zone no backup service runs in (3.51): the scheduler finds none, and the error backup
    # cannot even be deleted (the API looks for a backup host in the backup's zone: 404)
    bid = _backup(cloud, vid, version="3.51", availability_zone="elsewhere").json()["backup"]["id"]
    cloud.run_until_idle()
    shown = _show(cloud, bid)
    assert (shown["status"], shown["fail_reason"]) == (
        "error",
        "Service not found for creating backup.",
    )
    assert _status(cloud, vid) == "available"
    name, code, message = fault(call(cloud, "DELETE", f"backups/{bid}"))
    assert (code, message) == (404, "Service cinder-backup could not be found.")


def test_the_api_asks_for_a_backup_service_up_and_enabled():
    """A delete (and restore, export, import, reset) needs a backup host that is enabled and
    ``is_up``: a stopped service still is for ``service_down_time`` (60 s past its last
    heartbeat), a disabled one (``disable-log-reason``: 28.0.0's ``disable`` saves nothing) is
    not, though the scheduler still places backups there. A force delete calls the host."""
    cloud = _cloud()
    vid = create_volume(cloud)
    bid = _made(cloud, vid)
    body = {"host": "cinder", "binary": "cinder-backup"}
    assert call(cloud, "PUT", "os-services/disable", body, ctx=ADMIN).status == 200
    assert call(cloud, "DELETE", f"backups/{bid}").status == 202  # disable saved nothing
    cloud.run_until_idle()
    bid = _made(cloud, vid)
    reason = {**body, "disabled_reason": "maintenance"}
    resp = call(cloud, "PUT", "os-services/disable-log-reason", reason, ctx=ADMIN)
    assert resp.status == 200
    assert fault(call(cloud, "DELETE", f"backups/{bid}"))[1] == 404
    assert _show(cloud, _made(cloud, vid))["status"] == "available"
    resp = call(cloud, "PUT", "os-services/enable", body, ctx=ADMIN)
    assert resp.status == 200 and fault(call(cloud, "DELETE", f"backups/{bid}"))[1] == 404
    stopped = _cloud()
    bid, bid2 = _made(stopped, create_volume(stopped)), _made(stopped, create_volume(stopped))
    stopped.kernel.rpc.set_up("cinder-backup.cinder", False)
    stopped.run(until=stopped.now + 55)  # the last heartbeat was at most 10 s before the stop
    assert call(stopped, "DELETE", f"backups/{bid}").status == 202
    stopped.run(until=stopped.now + 20)
    assert fault(call(stopped, "DELETE", f"backups/{bid2}"))[1] == 404
    assert (_show(stopped, bid)["status"], _queue(stopped)) == ("deleting", ["delete_backup"])
    # os-force_delete asks the backup host first (an RPC call): stopped, Cinder's 500 after
    # rpc_response_timeout, whatever the grace
    start = stopped.now
    force = {"os-force_delete": {}}
    resp = call(stopped, "POST", f"backups/{bid2}/action", force, ctx=ADMIN, allow_500=True)
    assert (fault(resp)[1], stopped.now - start) == (500, 60.0)
    stopped.advance(1)  # past the call's expiration: RabbitMQ drops it
    stopped.kernel.rpc.set_up("cinder-backup.cinder", True)  # the delete resumed, then queued
    stopped.run_until_idle()
    assert call(stopped, "GET", f"backups/{bid}").status == 404
    quota = call(stopped, "GET", f"os-quota-sets/{MEMBER.project_id}", query={"usage": "true"})
    assert quota.json()["quota_set"]["backups"]["in_use"] == 1
    assert _show(stopped, bid2)["status"] == "available"
    start = stopped.now
    resp = call(stopped, "POST", f"backups/{bid2}/action", force, ctx=ADMIN)
    assert resp.status == 202 and stopped.now - start < 1


@pytest.mark.parametrize(
    ("profile", "snapshot_status", "reason"),
    [
        ("nova-29.0.0", "backing-up", "expected backup status creating but got error."),
        ("nova-30.0.0", "available", "expected snapshot status backing-up but got available."),
    ],
)
def test_the_restart_cleanup_of_a_snapshots_backup(profile, snapshot_status, reason):
    """The restart's clean-up puts a backed-up snapshot back ``available`` from cinder 25.0.0
    (7f819854d, bug #1938488); before, it stays ``backing-up`` for good."""
    cloud = _cloud(profile)
    vid = create_volume(cloud)
    resp = call(cloud, "POST", "snapshots", {"snapshot": {"volume_id": vid}}, version="3.0")
    sid = resp.json()["snapshot"]["id"]
    cloud.run_until_idle()
    cloud.kernel.rpc.set_up("cinder-backup.cinder", False)
    bid = _backup(cloud, vid, version="3.0", snapshot_id=sid).json()["backup"]["id"]
    cloud.run_until_idle()
    cloud.kernel.rpc.set_up("cinder-backup.cinder", True)
    cloud.run_until_idle()
    shown = _show(cloud, bid, version="3.0")
    assert (shown["status"], shown["fail_reason"]) == ("error", f"Create backup aborted, {reason}")
    snapshot = call(cloud, "GET", f"snapshots/{sid}", version="3.0").json()["snapshot"]
    assert (snapshot["status"], _status(cloud, vid)) == (snapshot_status, "available")


def test_create_refusals(cloud):
    vid = create_volume(cloud)
    snap = call(cloud, "POST", "snapshots", {"snapshot": {"volume_id": vid}}).json()["snapshot"]
    cloud.run_until_idle()
    other = create_volume(cloud)
    name, code, message = fault(_backup(cloud, other, snapshot_id=snap["id"]))
    assert (code, message) == (
        400, f"Invalid volume: Volume {other} does not match with snapshot.volume_id {vid}."
    )  # fmt: skip
    assert _backup(cloud, "deadbeef-0000-4000-8000-000000000000").status == 404
    assert _backup(cloud, vid, ctx=OTHER).status == 404
    assert _backup(cloud, vid, ctx=READER).status == 403  # 29.0.0: project members create
    cloud.cinder.set_quota(MEMBER.project_id, backups=0)
    name, code, message = fault(_backup(cloud, vid))
    assert (name, code) == ("overLimit", 413)
    assert message == "BackupLimitExceeded: Maximum number of backups allowed (0) exceeded"
    cloud.cinder.set_quota(MEMBER.project_id, backups=5, backup_gigabytes=0)
    name, code, message = fault(_backup(cloud, vid))
    assert message == (
        "VolumeBackupSizeExceedsAvailableQuota: Requested backup exceeds allowed Backup "
        "gigabytes quota. Requested 1G, quota is 0G and 0G has been consumed."
    )


def test_backup_of_a_snapshot_reads_a_clone_of_it(cloud):
    vid = create_volume(cloud)
    snap = call(cloud, "POST", "snapshots", {"snapshot": {"volume_id": vid}}).json()["snapshot"]
    cloud.run_until_idle()
    bid = _backup(cloud, vid, snapshot_id=snap["id"]).json()["backup"]["id"]
    assert _status(cloud, vid) == "available"
    assert states(cloud, snap["id"])[-1] == "backing-up"
    cloud.run_until_idle()
    shown = _show(cloud, bid)
    assert shown["snapshot_id"] == snap["id"] and shown["status"] == "available"
    # the snapshot's created_at as stored (its POST showed the object's fraction)
    stored = call(cloud, "GET", f"snapshots/{snap['id']}").json()["snapshot"]["created_at"]
    assert shown["data_timestamp"] == stored != snap["created_at"]
    assert states(cloud, snap["id"])[-2:] == ["backing-up", "available"]


def test_restore_to_a_new_and_an_existing_volume(cloud):
    vid = create_volume(cloud, size=2)
    bid = _made(cloud, vid)
    small = create_volume(cloud, size=1)
    name, code, message = fault(
        call(cloud, "POST", f"backups/{bid}/restore", {"restore": {"volume_id": small}})
    )
    assert (code, message) == (
        400, "Invalid volume: volume size 1 is too small to restore backup of size 2."
    )  # fmt: skip
    resp = call(cloud, "POST", f"backups/{bid}/restore", {"restore": {"volume_id": vid}})
    assert resp.status == 202
    assert resp.json()["restore"] == {"backup_id": bid, "volume_id": vid, "volume_name": None}
    assert (_status(cloud, vid), _show(cloud, bid)["status"]) == ("restoring-backup", "restoring")
    start = cloud.now
    cloud.run_until_idle()
    assert cloud.now - start == pytest.approx(2 * GiB / (STORE_MB_PER_S * 1e6), abs=0.05)
    assert (_status(cloud, vid), _show(cloud, bid)["status"]) == ("available", "available")
    # the backup's own volume gets no src_backup_id
    assert "src_backup_id" not in call(cloud, "GET", f"volumes/{vid}").json()["volume"]["metadata"]
    resp = call(cloud, "POST", f"backups/{bid}/restore", {"restore": {"name": "copy"}})
    assert resp.status == 202  # the answer waits for the new volume (polled each second)
    new = resp.json()["restore"]
    assert new["volume_name"] == "copy"
    cloud.run_until_idle()
    volume = call(cloud, "GET", f"volumes/{new['volume_id']}").json()["volume"]
    assert (volume["status"], volume["size"]) == ("available", 2)
    assert volume["metadata"] == {"src_backup_id": bid}
    # the schemas allow null, the controllers then call None.get: FaultWrapper's generic 500
    for method, path, body in (
        ("POST", f"backups/{bid}/restore", {"restore": None}),
        ("PUT", f"backups/{bid}", {"backup": None}),
    ):
        resp = call(cloud, method, path, body, version="3.9", allow_500=True)
        assert fault(resp)[1:] == (500, GENERIC[500])


def test_a_restore_puts_back_what_the_backup_kept_of_the_volume():
    """``BackupMetadataAPI`` (Tempest's backup create/restore test): the volume's metadata,
    name and description as they were when backed up (not as they are at the restore) onto
    a new volume named ``restore_backup_...``; an existing named volume keeps its name."""
    cloud = booted(profile="upstream")
    meta = {"vol-meta1": "value1"}
    vid = create_volume(cloud, name="src", description="d", metadata=meta)
    bid = _made(cloud, vid)
    call(cloud, "PUT", f"volumes/{vid}", {"volume": {"name": "renamed", "metadata": {}}})
    new = call(cloud, "POST", f"backups/{bid}/restore", {"restore": {}}).json()["restore"]
    cloud.run_until_idle()
    shown = call(cloud, "GET", f"volumes/{new['volume_id']}").json()["volume"]
    assert shown["metadata"] == {**meta, "src_backup_id": bid}
    assert (new["volume_name"], shown["name"], shown["description"]) == (
        f"restore_backup_{bid}", "src", "d"
    )  # fmt: skip
    call(cloud, "POST", f"backups/{bid}/restore", {"restore": {"volume_id": vid}})
    cloud.run_until_idle()
    shown = call(cloud, "GET", f"volumes/{vid}").json()["volume"]
    assert (shown["name"], shown["metadata"]) == ("renamed", meta)


def test_faults_part_way(cloud):
    vid = create_volume(cloud)
    cloud.faults.add("cinder.backup.create", error="CinderBackendError")
    bid = _made(cloud, vid)
    shown = _show(cloud, bid)
    assert shown["status"] == "error"
    assert "injected fault" in shown["fail_reason"]
    assert _status(cloud, vid) == "available"
    # half the bytes moved before the point was consulted
    sizes = [
        e["size"]
        for e in cloud.trace.filter(kind="io.start")
        if e["label"] == "cinder.backup_create"
    ]
    assert sizes == [GiB // 2]
    cloud.faults.clear()
    good = _made(cloud, vid)
    cloud.faults.add("cinder.backup.restore", error="CinderBackendError")
    call(cloud, "POST", f"backups/{good}/restore", {"restore": {"volume_id": vid}})
    cloud.run_until_idle()
    assert (_status(cloud, vid), _show(cloud, good)["status"]) == ("error_restoring", "available")
    # an error backup may be deleted; its quota goes back
    assert call(cloud, "DELETE", f"backups/{bid}").status == 202
    cloud.run_until_idle()
    assert cloud.cinder.quotas.usages(MEMBER.project_id)["backups"]["in_use"] == 1


def test_update_list_and_admin_actions(cloud):
    vid = create_volume(cloud)
    first = _made(cloud, vid, name="b")
    second = _made(cloud, vid, name="a")
    assert (
        call(cloud, "PUT", f"backups/{first}", {"backup": {"name": "x"}}, version="3.8").status
        == 404
    )
    resp = call(cloud, "PUT", f"backups/{first}", {"backup": {"name": "c", "metadata": {"k": "v"}}},
                version="3.43")  # fmt: skip
    assert resp.status == 200 and resp.json()["backup"]["name"] == "c"
    assert _show(cloud, first)["metadata"] == {"k": "v"}
    listed = call(cloud, "GET", "backups", version="3.37", query={"sort": "name:asc"}).json()
    assert [b["name"] for b in listed["backups"]] == ["a", "c"]
    page = call(cloud, "GET", "backups/detail", query={"limit": "1"}).json()
    assert [b["id"] for b in page["backups"]] == [second]
    assert "/backups/detail?limit=1&marker=" in page["backups_links"][0]["href"]
    assert call(cloud, "GET", "backups", query={"name": "a"}).json()["backups"][0]["id"] == second
    assert call(cloud, "GET", "backups", ctx=OTHER).json()["backups"] == []
    counted = call(cloud, "GET", "backups", version="3.45", query={"with_count": "1", "limit": "1"})
    assert (len(counted.json()["backups"]), counted.json()["count"]) == (1, 2)
    everyone = call(cloud, "GET", "backups", ctx=ADMIN, query={"all_tenants": "1"}).json()
    assert len(everyone["backups"]) == 2
    name, code, message = fault(call(cloud, "GET", "backups", version="3.31", query={"host": "x"}))
    assert (code, message) == (400, "Invalid filters host are found in query options.")
    body = {"os-reset_status": {"status": "error"}}
    assert call(cloud, "POST", f"backups/{first}/action", body).status == 403
    assert call(cloud, "POST", f"backups/{first}/action", body, ctx=ADMIN).status == 202
    cloud.run_until_idle()
    assert _show(cloud, first)["status"] == "error"
    bad = {"os-reset_status": {"status": "creating"}}
    name, code, message = fault(call(cloud, "POST", f"backups/{first}/action", bad, ctx=ADMIN))
    assert message == (
        "Backup status: creating is invalid, valid statuses are: ['available', 'error']."
    )
    force = {"os-force_delete": {}}
    assert call(cloud, "POST", f"backups/{second}/action", force, ctx=ADMIN).status == 202
    cloud.run_until_idle()
    assert call(cloud, "GET", f"backups/{second}").status == 404


def test_saved_and_forked_clouds_keep_their_backups(cloud, tmp_path):
    vid = create_volume(cloud)
    bid = _made(cloud, vid, name="kept")
    twin = cloud.fork()
    assert _show(twin, bid)["name"] == "kept"
    path = tmp_path / "cloud.json"
    cloud.save(path)
    loaded = Cloud.load(path)
    assert _show(loaded, bid)["status"] == "available"
    resp = call(loaded, "POST", f"backups/{bid}/restore", {"restore": {"volume_id": vid}})
    assert resp.status == 202
    loaded.run_until_idle()
    assert _status(loaded, vid) == "available"


@pytest.mark.parametrize("profile", ["upstream", "seed"])
def test_a_volume_created_from_a_backup(profile):
    """3.47 (both series): ``backup_id`` in a volume create; the volume is made raw and stays
    ``creating`` while cinder-backup restores into it (``_create_from_backup``)."""
    cloud = _cloud(profile)
    bid = _made(cloud, create_volume(cloud, size=2), version="3.0")
    body = {"volume": {"backup_id": bid, "size": 1}}
    name, code, message = fault(call(cloud, "POST", "volumes", body, version="3.47"))
    assert (code, message) == (
        400,
        "Invalid input received: Volume size 1GB cannot be smaller than the backup size 2GB. "
        "It must be >= backup size.",
    )
    missing = {"volume": {"backup_id": "deadbeef-0000-4000-8000-000000000000"}}
    assert call(cloud, "POST", "volumes", missing, version="3.47").status == 404
    resp = call(cloud, "POST", "volumes", {"volume": {"backup_id": bid}}, version="3.47")
    assert resp.status == 202
    vid = resp.json()["volume"]["id"]
    start = cloud.now
    cloud.run(until=start + 5)
    assert (_status(cloud, vid), _show(cloud, bid, version="3.0")["status"]) == (
        "creating",
        "restoring",
    )
    cloud.run_until_idle()
    volume = call(cloud, "GET", f"volumes/{vid}").json()["volume"]
    assert (volume["status"], volume["size"], volume["metadata"]) == (
        "available",
        2,
        {"src_backup_id": bid},
    )
    assert _show(cloud, bid, version="3.0")["status"] == "available"
    # the raw volume (1 s), then 2 GiB from the store
    assert cloud.now - start == pytest.approx(1 + 2 * GiB / (STORE_MB_PER_S * 1e6), abs=0.05)


def test_an_incremental_backups_parent_is_read_by_the_stored_second(cloud):
    """API.create's parent: ``max`` by ``data_timestamp`` as MySQL keeps it (``DateTime``, the
    whole second), the first of a tie as ``backup_get_all_by_volume`` lists them (newest
    first); of a snapshot, only a backup of a second before the snapshot's (cinder 12.0.10 to
    29.0.0 backup/api.py create). Three snapshots taken within one second, backed up."""
    vid = create_volume(cloud)
    full = _made(cloud, vid)
    wall = cloud.kernel.clock.wall_time()
    cloud.advance(1.1 - (wall.microsecond / 1e6))  # a second's .1
    sids = []
    for _ in range(3):
        sids.append(create_snapshot(cloud, vid, settle=False))
        cloud.advance(0.1)
    cloud.run_until_idle()
    shown = {call(cloud, "GET", f"snapshots/{s}").json()["snapshot"]["created_at"] for s in sids}
    assert len(shown) == 1  # the three in one stored second
    second = _made(cloud, vid, snapshot_id=sids[1])
    first = _made(cloud, vid, snapshot_id=sids[0])  # made later: listed first
    inc = _made(cloud, vid, incremental=True)
    # the two snapshots' backups tie: the one listed first is the parent, though the other's
    # snapshot is 0.1 s younger
    assert [_show(cloud, b)["has_dependent_backups"] for b in (full, second, first)] == [
        False, False, True,
    ]  # fmt: skip
    # of the third snapshot, neither of its second counts: the full backup is the parent
    _made(cloud, vid, snapshot_id=sids[2], incremental=True)
    assert _show(cloud, full)["has_dependent_backups"] is True
    assert _show(cloud, inc)["has_dependent_backups"] is False


@pytest.mark.parametrize(
    ("profile", "outcome"),
    [
        (
            "nova-26.0.0",
            "Invalid backup: The parent backup must be available for incremental backup.",
        ),
        ("nova-27.0.0", None),
    ],
)
def test_an_incremental_backup_skips_a_failed_latest_from_cinder_22(profile, outcome):
    """cinder 21.0.0 takes the latest backup as the parent whatever its status (and refuses
    when it is not available); 22.0.0 takes the latest available one (backup/api.py create)."""
    cloud = _cloud(profile)
    vid = create_volume(cloud)
    good = _made(cloud, vid, version="3.0")
    cloud.faults.add("cinder.backup.create", error="CinderBackendError")
    _made(cloud, vid, version="3.0")  # the latest: error
    cloud.faults.clear()
    resp = _backup(cloud, vid, version="3.0", incremental=True)
    if outcome is not None:
        assert fault(resp)[1:] == (400, outcome)
        return
    assert resp.status == 202
    cloud.run_until_idle()
    assert _show(cloud, good, version="3.0")["has_dependent_backups"] is True


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_a_temporary_clone_that_fails(profile):
    """The in-use volume's temporary clone fails on the backend. Before 20.0.0 the backup
    manager *called* ``get_backup_device``: the backup ``error``, the volume back ``in-use``.
    From 20.0.0 it casts (volume RPC 3.17, ``async_call``): the volume manager only logs the
    error, and the backup stays ``creating``, the volume ``backing-up``."""
    cloud = _cloud(profile)
    vid = create_volume(cloud)
    attach(cloud, vid)
    cloud.faults.add(
        "cinder.driver", error="CinderBackendError", match={"op": "create_cloned_volume"}
    )
    bid = _made(cloud, vid, version="3.0", force=True)
    shown = _show(cloud, bid, version="3.0")
    if profile == "seed":
        assert (shown["status"], _status(cloud, vid)) == ("error", "in-use")
        assert "injected fault" in shown["fail_reason"]
    else:
        assert (shown["status"], _status(cloud, vid)) == ("creating", "backing-up")
    # the temporary volume is gone either way (_create_temp_cloned_volume destroys it)
    names = [v["name"] for v in call(cloud, "GET", "volumes/detail").json()["volumes"]]
    assert names == [None]


def test_export_a_record_and_import_it_into_another_cloud(cloud):
    """``export_record``/``import_record`` (admin, 29.0.0 backup/api.py and manager): the
    record names the Swift driver; another cloud imports it under the same id, ``creating``
    on the import volume id until cinder-backup reads it, then ``available``."""
    bid = _made(cloud, create_volume(cloud, size=2), name="moved")
    path = f"backups/{bid}/export_record"
    assert call(cloud, "GET", path).status == 403
    record = call(cloud, "GET", path, ctx=ADMIN).json()["backup-record"]
    assert record["backup_service"] == "cinder.backup.drivers.swift.SwiftBackupDriver"
    other = _cloud()
    create_volume(other)  # the caller's project exists there too
    body = {"backup-record": record}
    resp = call(other, "POST", "backups/import_record", body, ctx=ADMIN)
    assert resp.status == 201 and resp.json()["backup"]["id"] == bid
    assert _show(other, bid, ctx=ADMIN)["volume_id"] == "00000000-0000-0000-0000-000000000000"
    other.run_until_idle()
    shown = _show(other, bid, ctx=ADMIN)
    assert (shown["status"], shown["name"], shown["size"], shown["object_count"]) == (
        "available",
        "moved",
        2,
        41,
    )
    name, code, message = fault(call(other, "POST", "backups/import_record", body, ctx=ADMIN))
    assert (code, message) == (400, "Invalid backup: Backup already exists in database.")
    bad = {"backup-record": {"backup_service": "x", "backup_url": "bm90IGpzb24="}}
    name, code, message = fault(call(other, "POST", "backups/import_record", bad, ctx=ADMIN))
    assert (code, message) == (400, "Invalid input received: Can't parse backup record.")
    resp = call(other, "POST", f"backups/{bid}/restore", {"restore": {"name": "r"}}, ctx=ADMIN)
    assert resp.status == 202
    other.run_until_idle()
    assert _show(other, bid, ctx=ADMIN)["status"] == "available"


@pytest.mark.parametrize(
    ("profile", "destroyed"),
    [
        ("nova-17.0.9", False),  # Cinder 12.0.4: no quota, no try
        ("nova-17.0.10", True),  # 12.0.5 (acf16280a4)
        ("nova-23.2.1", True),  # 18.2.0
        ("nova-23.2.2", False),  # 18.2.1 (741d0ce546)
        ("nova-24.1.1", True),  # 19.1.0
        ("nova-24.2.0", False),  # 19.1.1 (332aa33404)
        ("nova-25.0.1", True),  # 20.0.0
        ("nova-25.1.0", False),  # 20.0.1 (753c022463)
    ],
)
def test_importing_a_live_backups_record_by_point_release(profile, destroyed):
    """``API.import_record`` refuses a record whose backup exists, 400 "Backup already exists
    in database."; from acf16280a4 (Cinder 12.0.5, 13.0.0) it refuses inside the ``try`` that
    destroys the import's row, the live backup it found (LP #1965847), and rolls back only
    the import's reservation: the backup gone, its usage kept, until 6386cbb0a0 (21.0.0) and
    its backports in 18.2.1, 19.1.1 and 20.0.1 (beside Nova 23.2.2, 24.2.0, 25.1.0)."""
    cloud = _cloud(profile)
    bid = _backup(cloud, create_volume(cloud), version="3.0").json()["backup"]["id"]
    cloud.run_until_idle()
    path = f"backups/{bid}/export_record"
    body = {"backup-record": call(cloud, "GET", path, ctx=ADMIN).json()["backup-record"]}
    r = call(cloud, "POST", "backups/import_record", body, ctx=ADMIN)
    assert fault(r)[1:] == (400, "Invalid backup: Backup already exists in database.")
    shown = call(cloud, "GET", f"backups/{bid}", version="3.0")
    assert shown.status == (404 if destroyed else 200)
    assert absolute(cloud)["totalBackupsUsed"] == 1  # counted either way


@pytest.mark.parametrize(("profile", "kept"), [("nova-19.3.1", 1), ("nova-19.3.2", 0)])
def test_a_refused_incremental_backups_reservation_by_point_release(profile, kept):
    """``API.create`` rolls back the reservation of an incremental backup it refuses from
    a62fabfa65 (Cinder 15.0.0) and its backport ef07bc9547 (14.3.0, tagged 2020-09-30, beside
    Nova 19.3.2: switch ``lp1809323``); 14.0.0-14.2.x keep it reserved."""
    cloud = _cloud(profile)
    vid = create_volume(cloud)
    assert fault(_backup(cloud, vid, version="3.0", incremental=True))[1] == 400
    assert cloud.cinder.quotas.usages(MEMBER.project_id)["backups"]["reserved"] == kept


def _exported(profile, **changes):
    """A backup's exported record (in a cloud of `profile`), its decoded fields changed."""
    import base64
    import json

    cloud = _cloud(profile)
    bid = _backup(cloud, create_volume(cloud), version="3.0").json()["backup"]["id"]
    cloud.run_until_idle()
    path = f"backups/{bid}/export_record"
    record = call(cloud, "GET", path, ctx=ADMIN).json()["backup-record"]
    fields = {**json.loads(base64.b64decode(record["backup_url"])), **changes}
    for key in [key for key, value in changes.items() if value is None]:
        del fields[key]
    record["backup_url"] = base64.b64encode(json.dumps(fields).encode()).decode()
    return bid, {"backup-record": record}


@pytest.mark.parametrize(("profile", "bug"), [("nova-17.0.9", True), ("nova-17.0.10", False)])
def test_a_backup_import_and_its_quota_by_point_release(profile, bug):
    """``API._get_import_backup`` reserves ``backups`` 1 and ``backup_gigabytes`` the record's
    ``size``, which it requires, from 4b4fbd35da (Cinder 13.0.0) and its backport acf16280a4
    (12.0.5, beside Nova 17.0.10: switch ``lp1783525``); 12.0.0-12.0.4 reserve nothing: an
    import over quota is taken, counts nowhere, and its delete gives back what it never took."""
    bid, body = _exported(profile)
    cloud = _cloud(profile)
    cloud.cinder.quotas.set_limits(ADMIN.project_id, backups=0)
    r = call(cloud, "POST", "backups/import_record", body, ctx=ADMIN)
    cloud.cinder.quotas.clear_limits(ADMIN.project_id)
    if bug:
        assert r.status == 201
    else:
        message = "BackupLimitExceeded: Maximum number of backups allowed (0) exceeded"
        assert fault(r)[1:] == (413, message)
        assert call(cloud, "POST", "backups/import_record", body, ctx=ADMIN).status == 201
    cloud.run_until_idle()
    assert absolute(cloud, ADMIN)["totalBackupsUsed"] == (0 if bug else 1)
    # a backup of the project's own, then the import deleted: what is left counted
    _made(cloud, create_volume(cloud, ctx=ADMIN), version="3.0", ctx=ADMIN)
    assert call(cloud, "DELETE", f"backups/{bid}", ctx=ADMIN).status == 202
    cloud.run_until_idle()
    assert absolute(cloud, ADMIN)["totalBackupsUsed"] == (0 if bug else 1)


@pytest.mark.parametrize(("profile", "bug"), [("nova-17.0.9", True), ("nova-17.0.10", False)])
def test_a_backup_record_without_a_size_by_point_release(profile, bug):
    """Without ``size`` the import is 400 "Provided backup record is missing size attribute"
    from acf16280a4 (12.0.5); before, it is taken and cinder-backup fails it (a missing field),
    and its delete gives nothing back (``-backup.size``'s TypeError is caught)."""
    bid, body = _exported(profile, size=None)
    cloud = _cloud(profile)
    r = call(cloud, "POST", "backups/import_record", body, ctx=ADMIN)
    if not bug:
        message = "Invalid input received: Provided backup record is missing size attribute"
        assert fault(r)[1:] == (400, message)
        return
    assert r.status == 201
    cloud.run_until_idle()
    shown = _show(cloud, bid, version="3.0", ctx=ADMIN)
    assert (shown["status"], shown["size"]) == ("error", None)
    _made(cloud, create_volume(cloud, ctx=ADMIN), version="3.0", ctx=ADMIN)
    assert call(cloud, "DELETE", f"backups/{bid}", ctx=ADMIN).status == 202
    cloud.run_until_idle()
    assert absolute(cloud, ADMIN)["totalBackupsUsed"] == 1
