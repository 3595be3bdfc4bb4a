"""``POST /v3/{project_id}/workers/cleanup`` (3.24; cinder 12.0.0-29.0.0 api/v3/workers.py,
scheduler/manager.py ``work_cleanup``): which services are asked, the 202's lists, the
refusals per series, and the clean-up a live cinder-volume then does."""

import pytest
from cinder_support import (
    ADMIN,
    MEMBER,
    MISSING,
    call,
    create_snapshot,
    create_volume,
    fault,
    states,
)

from fakecloud import Cloud

CREATE_S = 2.0


def _cloud(profile="upstream"):
    return Cloud(
        profile=profile,
        config={
            "cinder": {
                "backends": {
                    "b1": {
                        "kind": "lvm-thin",
                        "volume_create_s": CREATE_S,
                        "snapshot_create_s": CREATE_S,
                    }
                },
                "volume_types": {"__DEFAULT__": {"backend": "b1"}},
            }
        },
    )


@pytest.fixture(scope="module")
def cloud():
    return _cloud()


def _clean(cloud, body, version="3.24", ctx=ADMIN, **kw):
    return call(cloud, "POST", "workers/cleanup", body, ctx=ctx, version=version, **kw)


SCHEDULER = {"id": 1, "host": "cinder", "binary": "cinder-scheduler", "cluster_name": None}
VOLUME = {"id": 2, "host": "cinder@b1", "binary": "cinder-volume", "cluster_name": None}
BACKUP = {"id": 3, "host": "cinder", "binary": "cinder-backup", "cluster_name": None}


def test_which_services_are_asked(cloud):
    # is_up absent: CleanupRequest's False, so only the services that are down (none here)
    resp = _clean(cloud, {})
    assert (resp.status, resp.json()) == (202, {"cleaning": [], "unavailable": []})
    everyone = _clean(cloud, {"is_up": True}).json()
    assert everyone == {"cleaning": [SCHEDULER, VOLUME, BACKUP], "unavailable": []}
    assert _clean(cloud, {"is_up": "yes", "binary": "cinder-volume"}).json()["cleaning"] == [VOLUME]
    assert _clean(cloud, {"is_up": True, "host": "cinder@b1"}).json()["cleaning"] == [VOLUME]
    # no `service_id` column in services, no clustered service: nothing matches
    for body in ({"service_id": 2, "is_up": True}, {"cluster_name": "c1", "is_up": True}):
        assert _clean(cloud, body).json() == {"cleaning": [], "unavailable": []}


def test_refusals(cloud):
    assert _clean(cloud, {}, version="3.23").status == 404
    assert fault(_clean(cloud, {}, ctx=MEMBER)) == (
        "forbidden", 403, "Policy doesn't allow workers:cleanup to be performed."
    )  # fmt: skip
    bad = _clean(cloud, {"resource_type": "backup"})
    assert fault(bad) == (
        "badRequest", 400,
        "Invalid input received: Resource type Backup not valid, must be Volume or Snapshot",
    )  # fmt: skip
    missing = _clean(cloud, {"resource_id": MISSING})
    assert fault(missing)[2] == (
        "Invalid input received: ('There is no resource with UUID %s pending cleanup.', "
        f"'{MISSING}')"
    )
    assert fault(_clean(cloud, {"binary": "cinder-backup"}))[1] == 400  # the schema's enum
    assert fault(_clean(cloud, {"frob": 1}))[1] == 400
    # no body: the schema wrapper's kwargs['body'] KeyError, FaultWrapper's 500
    assert _clean(cloud, None, allow_500=True).status == 500


def test_queens_checks_the_keys_itself_after_the_policy():
    cloud = _cloud("nova-17.0.13")
    assert fault(_clean(cloud, {"frob": 1}, ctx=MEMBER))[1] == 403
    assert _clean(cloud, None).json() == {"cleaning": [], "unavailable": []}
    assert fault(_clean(cloud, {"frob": 1})) == (
        "badRequest", 400, "Invalid input received: Invalid filter keys: frob",
    )  # fmt: skip
    assert fault(_clean(cloud, {"resource_id": "nope"}))[2] == (
        "Invalid input received: Resource ID must be a UUID, and nope is not."
    )


def test_a_live_volume_service_cleans_its_rows_and_a_stopped_one_is_unavailable():
    """cinder 12.0.0-29.0.0: ``do_cleanup`` sets the running create ``error``, the create's
    flow then ends it ``available`` as it would have (volume/flows/manager/create_volume.py)."""
    cloud = _cloud()
    target = cloud.cinder.volume_target("b1")
    vid = create_volume(cloud, settle=False)
    cloud.advance(1.0)  # its create under way on cinder@b1
    asked = cloud.now
    resp = _clean(cloud, {"is_up": True, "resource_type": "volume", "binary": "cinder-volume"})
    assert resp.json()["cleaning"] == [VOLUME]
    # do_cleanup of the service's own rows (until now): its own create is set error
    (errored,) = cloud.trace.filter(kind="state", subject=vid, new="error")
    assert errored["actor"] == target and errored["t"] - asked < 0.01
    cloud.run_until_idle()
    # the running create goes on: CreateVolumeOnFinishTask writes available over the error
    assert states(cloud, vid) == ["creating", "error", "available"]
    (available,) = cloud.trace.filter(kind="state", subject=vid, new="available")
    assert available["actor"] == target and available["t"] > asked
    assert cloud.cinder.managers["b1"].workers is None
    # a snapshot's: create_snapshot's end saves available and 100% over the error
    snap = call(cloud, "POST", "snapshots", {"snapshot": {"volume_id": vid}}, version="3.0")
    sid = snap.json()["snapshot"]["id"]
    cloud.advance(1.0)
    _clean(cloud, {"is_up": True, "resource_type": "snapshot", "binary": "cinder-volume"})
    cloud.run_until_idle()
    assert states(cloud, sid) == ["creating", "error", "available"]
    shown = call(cloud, "GET", f"snapshots/{sid}", ctx=ADMIN).json()["snapshot"]
    progress = shown["os-extended-snapshot-attributes:progress"]
    assert (shown["status"], progress) == ("available", "100%")
    cloud.kernel.rpc.set_up(target, False)
    cloud.advance(61.0)  # past service_down_time
    assert _clean(cloud, {}).json() == {"cleaning": [], "unavailable": [VOLUME]}
    cloud.kernel.rpc.set_up("cinder-scheduler", False)
    stopped = _clean(cloud, {}, allow_500=True)
    assert stopped.status == 500  # the scheduler's call: MessagingTimeout


def test_a_row_no_service_has_claimed_names_no_service():
    """``volume_rpcapi.delete_volume``'s ``create_worker`` (cinder 12.0.0-29.0.0): the row has
    no service until the cinder-volume takes the cast. Looked up by ``resource_id``, its null
    service id filters nothing: the services are matched as without it (the ones down), and
    no ``do_cleanup`` reads the row; the delete runs when the service is back."""
    cloud = _cloud()
    target = cloud.cinder.volume_target("b1")
    vid = create_volume(cloud)
    cloud.kernel.rpc.set_up(target, False)
    assert call(cloud, "DELETE", f"volumes/{vid}").status == 202
    body = {"resource_id": vid}
    assert _clean(cloud, body).json() == {"cleaning": [], "unavailable": []}
    # within service_down_time the stopped service is still up in its row: its cast queued
    everyone = {"cleaning": [SCHEDULER, VOLUME, BACKUP], "unavailable": []}
    assert _clean(cloud, {**body, "is_up": True}).json() == everyone
    cloud.advance(61.0)  # past service_down_time
    assert _clean(cloud, body).json() == {"cleaning": [], "unavailable": [VOLUME]}
    # a Snapshot's type finds no row: 400
    assert fault(_clean(cloud, {**body, "resource_type": "snapshot"}))[1] == 400
    assert states(cloud, vid) == ["creating", "available", "deleting"]
    cloud.kernel.rpc.set_up(target, True)  # the delete claims the row, and removes it
    cloud.run_until_idle()
    assert states(cloud, vid)[-1] == "deleted"
    assert fault(_clean(cloud, body))[1] == 400


def test_a_volume_deleted_before_the_scheduler_takes_its_create():
    """API.delete of a volume with no host destroys it at once, whatever its status (cinder
    12.0.0-29.0.0 volume/api.py); the queued create still claims its row, schedules, finds no
    row to update (``volume_update_db``: ``VolumeNotFound``), tells the user and drops the row
    (scheduler/flows/create_volume.py ``ScheduleCreateVolumeTask``, objects/cleanable.py).
    One an admin reset to ``error`` or ``available`` meanwhile is placed and created all the
    same."""
    cloud = _cloud()
    cloud.kernel.rpc.set_up("cinder-scheduler", False)
    vid = create_volume(cloud, settle=False)
    reset = create_volume(cloud, settle=False)
    ready = create_volume(cloud, settle=False)
    assert call(cloud, "DELETE", f"volumes/{vid}").status == 202
    assert call(cloud, "GET", f"volumes/{vid}").status == 404
    _reset(cloud, "volumes", reset, "error")
    _reset(cloud, "volumes", ready, "available")
    # the casts' rows, unclaimed
    assert set(cloud.cinder.workers) == {vid, reset, ready}
    cloud.kernel.rpc.set_up("cinder-scheduler", True)
    cloud.run_until_idle()
    assert states(cloud, reset) == ["creating", "error", "available"]
    assert _created(cloud, ready) == (["creating", "available"], "cinder@b1#b1", 2)
    assert (cloud.cinder.workers, cloud.cinder.scheduler.workers) == (None, None)
    (error,) = cloud.trace.filter(kind="cinder.error", subject=vid)
    assert error["actor"] == "cinder-scheduler"
    (msg,) = call(cloud, "GET", "messages", version="3.3").json()["messages"]
    assert (msg["resource_uuid"], msg["event_id"], msg["user_message"]) == (
        vid,
        "VOLUME_VOLUME_001_001",
        "schedule allocate volume:An unknown error occurred.",
    )
    assert states(cloud, vid)[-1] == "deleted"


def _reset(cloud, collection, rid, status):
    body = {"os-reset_status": {"status": status}}
    assert call(cloud, "POST", f"{collection}/{rid}/action", body, ctx=ADMIN).status == 202


def _created(cloud, vid):
    """A volume's statuses and host, and its backend's allocated GiB."""
    host = call(cloud, "GET", f"volumes/{vid}", ctx=ADMIN).json()["volume"]
    pools = call(cloud, "GET", "scheduler-stats/get_pools", ctx=ADMIN, query={"detail": "true"})
    (pool,) = pools.json()["pools"]
    allocated = pool["capabilities"]["allocated_capacity_gb"]
    return states(cloud, vid), host["os-vol-host-attr:host"], allocated


def _reset_while_unscheduled(profile, status):
    """A cloud of `profile` whose one volume an admin reset to `status` while its create
    waited for the stopped scheduler, run until idle after the scheduler's start; and the id."""
    cloud = _cloud(profile)
    cloud.kernel.rpc.set_up("cinder-scheduler", False)
    vid = create_volume(cloud, settle=False)
    _reset(cloud, "volumes", vid, status)
    cloud.kernel.rpc.set_up("cinder-scheduler", True)
    cloud.run_until_idle()
    return cloud, vid


def test_before_24_a_volume_reset_at_the_scheduler_leaves_it_its_row():
    """Before 24.0.0 (83ef828a7) the scheduler casts ``volume_update_db``'s fresh read: a
    volume reset to ``available`` while its create waited is created, but its object is not
    cleanable, so the backend neither claims the scheduler's row nor makes one; the
    scheduler's clean-up finds the status mismatching and removes it (16.4.2
    scheduler/driver.py, objects/cleanable.py)."""
    cloud, vid = _reset_while_unscheduled("nova-21.2.4", "available")
    assert _created(cloud, vid) == (["creating", "available"], "cinder@b1#b1", 1)
    assert _clean(cloud, {"resource_id": vid}).status == 202  # a row: found (no service's)
    body = {"binary": "cinder-scheduler", "is_up": True}
    assert _clean(cloud, body).json() == {"cleaning": [SCHEDULER], "unavailable": []}
    assert fault(_clean(cloud, {"resource_id": vid}))[1] == 400  # mismatching: removed
    assert states(cloud, vid) == ["creating", "available"]


def test_a_snapshot_reset_while_its_create_waited_is_made_all_the_same():
    """The scheduler's and the backend's create_snapshot check no status, and the backend's
    end saves ``available`` and "100%" over whatever an admin reset the row to (cinder 12.0.0,
    16.4.2, 29.x scheduler/manager.py, volume/manager.py); the scheduler's cast makes the row
    of its ``creating`` object, which the backend claims and removes."""
    cloud = _cloud()
    vid = create_volume(cloud)
    cloud.kernel.rpc.set_up("cinder-scheduler", False)
    resets = ("error", "available", "backing-up")
    sids = [create_snapshot(cloud, vid, settle=False) for _ in resets]
    for sid, status in zip(sids, resets, strict=True):
        _reset(cloud, "snapshots", sid, status)
    cloud.kernel.rpc.set_up("cinder-scheduler", True)
    cloud.run_until_idle()
    shown = [call(cloud, "GET", f"snapshots/{sid}").json()["snapshot"] for sid in sids]
    assert [(s["status"], s["os-extended-snapshot-attributes:progress"]) for s in shown] == [
        ("available", "100%")
    ] * 3
    assert states(cloud, sids[0]) == ["creating", "error", "available"]
    assert states(cloud, sids[2]) == ["creating", "backing-up", "available"]
    assert (cloud.cinder.workers, cloud.cinder.managers["b1"].workers) == (None, None)


def test_a_create_reset_to_available_that_fails_is_error():
    """The failure's save is of the message's ``creating`` object: ``error`` over an admin's
    ``available`` (the scheduler's ``error_out`` and the create flow's revert, cinder
    12.0.0-29.x create_volume.py; volume/manager.py ``create_snapshot``)."""
    cloud = _cloud()
    vid = create_volume(cloud)
    cloud.kernel.rpc.set_up("cinder-scheduler", False)
    placed, unplaced = create_volume(cloud, settle=False), create_volume(cloud, settle=False)
    sid = create_snapshot(cloud, vid, settle=False)
    for collection, rid in (("volumes", placed), ("volumes", unplaced), ("snapshots", sid)):
        _reset(cloud, collection, rid, "available")
    cloud.faults.add(
        "cinder.volume.create", error="CinderBackendError", match={"volume_id": placed}
    )
    match = {"op": "create_volume", "volume_id": unplaced}
    cloud.faults.add("cinder.scheduler", error="NoValidBackend", match=match)
    cloud.faults.add("cinder.snapshot.create", error="CinderBackendError")
    cloud.kernel.rpc.set_up("cinder-scheduler", True)
    cloud.run_until_idle()
    assert [states(cloud, rid) for rid in (placed, unplaced, sid)] == [
        ["creating", "available", "error"]
    ] * 3


def test_rows_of_work_that_found_its_resource_gone():
    """objects/cleanable.py ``set_workers`` (cinder 12.0.0-29.x) claims a row as the method
    starts and removes it only when the object's status changed. A snapshot force-deleted
    while its create waited: create_snapshot checks no status and ends ``available`` (or
    fails on the destroyed row): its row goes. A second delete of a volume: its row is made
    anew, the refresh's ``VolumeNotFound`` returns with ``deleting`` unchanged: kept, until
    the service's start-up clean-up finds no volume."""
    cloud = _cloud()
    target = cloud.cinder.volume_target("b1")
    vid = create_volume(cloud)
    cloud.kernel.rpc.set_up(target, False)
    sid = call(cloud, "POST", "snapshots", {"snapshot": {"volume_id": vid}}, version="3.0")
    sid = sid.json()["snapshot"]["id"]
    cloud.run_until_idle()
    assert call(cloud, "POST", f"snapshots/{sid}/action", {"os-force_delete": {}}, ctx=ADMIN)
    cloud.kernel.rpc.set_up(target, True)
    cloud.run_until_idle()
    assert states(cloud, sid) == ["creating", "deleting", "deleted"]
    assert fault(_clean(cloud, {"resource_id": sid}))[1] == 400  # no row left
    assert call(cloud, "DELETE", f"volumes/{vid}").status == 202
    force = call(cloud, "POST", f"volumes/{vid}/action", {"os-force_delete": {}}, ctx=ADMIN)
    assert force.status == 202
    cloud.run_until_idle()
    assert states(cloud, vid)[-1] == "deleted"
    # the second delete's row, its service's: found, and no service asked
    assert _clean(cloud, {"resource_id": vid}).json() == {"cleaning": [], "unavailable": []}
    cloud.kernel.rpc.set_up(target, False)
    cloud.kernel.rpc.set_up(target, True)  # init_host's do_cleanup: non existent, removed
    cloud.run_until_idle()
    assert fault(_clean(cloud, {"resource_id": vid}))[1] == 400


def test_a_create_reset_to_any_status_is_placed_and_created():
    """Neither the scheduler nor the backend's create flow checks a status, whatever an admin
    reset the volume to while its create waited: ``CreateVolumeOnFinishTask`` writes
    ``available``, a failure's ``error_out`` ``error`` (cinder 12.0.10-29.0.0
    volume/flows/manager/create_volume.py). Before 20.0.0 a reset may say ``deleting``, and
    before 24.0.0 the scheduler casts that fresh read: a create of a cleanable object."""
    cloud = _cloud()
    cloud.kernel.rpc.set_up("cinder-scheduler", False)
    kept, failed = create_volume(cloud, settle=False), create_volume(cloud, settle=False)
    _reset(cloud, "volumes", kept, "maintenance")
    _reset(cloud, "volumes", failed, "detaching")
    cloud.faults.add(
        "cinder.volume.create", error="CinderBackendError", match={"volume_id": failed}
    )
    cloud.kernel.rpc.set_up("cinder-scheduler", True)
    cloud.run_until_idle()
    assert _created(cloud, kept) == (["creating", "maintenance", "available"], "cinder@b1#b1", 1)
    assert states(cloud, failed) == ["creating", "detaching", "error"]
    old, vid = _reset_while_unscheduled("nova-21.2.4", "deleting")
    assert _created(old, vid) == (["creating", "deleting", "available"], "cinder@b1#b1", 1)
    assert (old.cinder.scheduler.workers, old.cinder.managers["b1"].workers) == (None, None)


def _pool(cloud):
    pools = call(cloud, "GET", "scheduler-stats/get_pools", ctx=ADMIN, query={"detail": "true"})
    (pool,) = pools.json()["pools"]
    keys = ("free_capacity_gb", "provisioned_capacity_gb", "allocated_capacity_gb")
    return tuple(pool["capabilities"][k] for k in (*keys, "total_volumes"))


def test_a_force_delete_while_the_backend_creates_leaves_the_volume_there():
    """The delete finds no volume on the backend yet and returns at once (LVM's
    ``_volume_not_present``; RBD's ``ImageNotFound``), the row is destroyed, and the driver's
    create, ending after, leaves its volume there: its space taken, a logical volume more,
    no row (the create's ``volume.save()``: VolumeNotFound), and allocated_capacity_gb's
    increment undone by the delete's decrement (cinder 12.0.10-29.0.0 volume/manager.py,
    volume/drivers/lvm.py). A volume whose create failed holds no space to give back."""
    cloud = _cloud()
    empty = _pool(cloud)
    assert empty == (100000.0, 0.0, 0, 1)  # the thin pool's own LV
    vid = create_volume(cloud, settle=False)
    cloud.advance(CREATE_S / 2)  # in the driver's create
    force = call(cloud, "POST", f"volumes/{vid}/action", {"os-force_delete": {}}, ctx=ADMIN)
    assert force.status == 202
    cloud.run_until_idle()
    assert states(cloud, vid) == ["creating", "deleting", "deleted"]
    assert call(cloud, "GET", f"volumes/{vid}").status == 404
    assert _pool(cloud) == (99999.0, 1.0, 0, 2)
    kept = create_volume(cloud)
    sid = create_snapshot(cloud, kept, settle=False)
    cloud.advance(CREATE_S / 2)  # in the driver's snapshot
    force = call(cloud, "POST", f"snapshots/{sid}/action", {"os-force_delete": {}}, ctx=ADMIN)
    assert force.status == 202
    cloud.run_until_idle()
    assert states(cloud, sid) == ["creating", "deleting", "deleted"]
    assert _pool(cloud) == (99998.0, 3.0, 1, 4)  # the snapshot's logical volume is left too
    cloud.faults.add("cinder.volume.create", error="CinderBackendError")
    failed = create_volume(cloud)
    assert states(cloud, failed) == ["creating", "error"]
    assert call(cloud, "DELETE", f"volumes/{failed}").status == 202
    cloud.run_until_idle()
    assert _pool(cloud) == (99998.0, 3.0, 1, 4)


def test_a_thick_snapshot_never_made_gives_back_no_space():
    """Thick LVM reserves a snapshot's size as the driver makes it; a snapshot force-deleted
    while its create waited in a stopped cinder-volume's queue was never made, and its delete
    finds nothing to remove (LVM "snapshot: ... not found, skipping delete operations",
    cinder 12.0.10-29.0.0 volume/drivers/lvm.py): the volume's space stays taken."""
    cloud = Cloud(
        profile="upstream",
        config={
            "cinder": {
                "backends": {"b1": {"kind": "lvm-thick"}},
                "volume_types": {"__DEFAULT__": {"backend": "b1"}},
            }
        },
    )
    target = cloud.cinder.volume_target("b1")
    vid = create_volume(cloud)
    cloud.kernel.rpc.set_up(target, False)
    sid = create_snapshot(cloud, vid, settle=False)
    cloud.run_until_idle()
    assert call(cloud, "POST", f"snapshots/{sid}/action", {"os-force_delete": {}}, ctx=ADMIN)
    cloud.kernel.rpc.set_up(target, True)
    cloud.run_until_idle()
    assert states(cloud, sid) == ["creating", "deleting", "deleted"]
    assert _pool(cloud)[:3] == (99999.0, 1.0, 1)
