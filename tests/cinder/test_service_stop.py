"""A stopped cinder-volume or cinder-backup is a process that is gone (`fakecloud.sim.stopping`):
its tasks under way die at the stop, their resources stay in their transitional status for as
long as it is down, and its restart's clean-up finds them (cinder 12.0.10-29.0.0
cinder/volume/manager.py ``_do_cleanup``, cinder/backup/manager.py
``_cleanup_incomplete_backup_operations``)."""

from cinder_support import ADMIN, GLANCE_JSON, MEMBER, call, create_volume, states

from fakecloud import Cloud
from fakecloud.api.http import Request
from fakecloud.cinder.backup_manager import STORE
from fakecloud.sim.io import mb_per_s

CREATE_S = 2.0
BACKUP = "cinder-backup.cinder"


def _cloud(profile="upstream"):
    cloud = Cloud(
        profile=profile,
        config={
            "cinder": {
                "image_download_mb_per_s": 10.0,  # cirros' 21 MB: ~2.1 s downloading
                "backends": {"b1": {"kind": "lvm-thin", "volume_create_s": CREATE_S}},
                "volume_types": {"__DEFAULT__": {"backend": "b1"}},
            }
        },
    )
    cloud.kernel.io.resource(STORE, mb_per_s(50.0))  # 1 GiB: ~21 s to the store
    return cloud


def _status(cloud, kind, rid):
    return call(cloud, "GET", f"{kind}/{rid}").json()[kind[:-1]]["status"]


def _cirros(cloud):
    req = Request.build(
        "GET", "/v2/images", context=MEMBER, headers=GLANCE_JSON,
        query="name=cirros-0.6.2-x86_64-disk",
    )  # fmt: skip
    return cloud.glance.api.call(req).json()["images"][0]["id"]


def test_a_stopped_volume_service_work_stays_until_its_restart():
    cloud = _cloud()
    target = cloud.cinder.volume_target("b1")
    body = {"volume": {"size": 1, "imageRef": _cirros(cloud)}}
    downloaded = call(cloud, "POST", "volumes", body).json()["volume"]["id"]
    cloud.advance(2.5)  # the volume made (2 s), its image being copied into it
    created = create_volume(cloud, settle=False)
    cloud.advance(1.0)
    assert _status(cloud, "volumes", downloaded) == "downloading"
    stop = cloud.now
    cloud.kernel.rpc.set_up(target, False)
    # the image's download, a child of the dead process, stops with it
    (failed,) = cloud.trace.filter(kind="io.fail")
    assert failed["t"] == stop and failed["error"] == f"{target} stopped"
    cloud.advance(600.0)  # the creates would have ended in 2 s
    assert [_status(cloud, "volumes", v) for v in (created, downloaded)] == [
        "creating", "downloading",
    ]  # fmt: skip
    assert cloud.trace.filter(kind="state", new="available", subject=created) == []
    start = cloud.now
    cloud.kernel.rpc.set_up(target, True)
    cloud.run_until_idle()
    # init_host's do_cleanup: the creating row errors; the downloading one is mismatching work
    (errored,) = cloud.trace.filter(kind="state", new="error", actor=target)
    assert (errored["subject"], errored["t"]) == (created, start)
    assert states(cloud, created) == ["creating", "error"]
    assert _status(cloud, "volumes", downloaded) == "downloading"


def test_a_stopped_backup_service_backup_stays_creating_until_its_restart():
    cloud = _cloud()
    vid = create_volume(cloud)
    body = {"backup": {"volume_id": vid}}
    bid = call(cloud, "POST", "backups", body, version="3.64").json()["backup"]["id"]
    cloud.advance(5.0)  # a quarter of the copy to the store
    cloud.kernel.rpc.set_up(BACKUP, False)
    (failed,) = cloud.trace.filter(kind="io.fail", label="cinder.backup_create")
    assert failed["t"] == cloud.now
    cloud.advance(600.0)
    assert (_status(cloud, "backups", bid), _status(cloud, "volumes", vid)) == (
        "creating", "backing-up",
    )  # fmt: skip
    cloud.kernel.rpc.set_up(BACKUP, True)
    cloud.run_until_idle()
    shown = call(cloud, "GET", f"backups/{bid}", version="3.64").json()["backup"]
    assert (shown["status"], shown["fail_reason"]) == (
        "error", "incomplete backup reset on manager restart",
    )  # fmt: skip
    assert states(cloud, bid) == ["creating", "error"]
    assert _status(cloud, "volumes", vid) == "available"


def test_the_scheduler_holds_a_placed_volume_until_its_backend_claims_it():
    """cinder 12.0.0-29.0.0: the scheduler's ``create_volume`` claims the workers row
    (``@objects.Volume.set_workers``) and returns with the volume still ``creating``; the row
    is its own until the backend's manager claims it. A restart of the scheduler meanwhile
    sets the volume ``error`` (``SchedulerManager._do_cleanup``); the queued create still runs
    (the message's object says ``creating``; ``ExtractVolumeRefTask`` refreshes it to
    ``error``) and ends it ``available``, through ``downloading`` on an image's path
    (volume/flows/manager/create_volume.py ``_create_from_image_download``,
    ``CreateVolumeOnFinishTask``)."""
    cloud = _cloud()
    target = cloud.cinder.volume_target("b1")
    cloud.kernel.rpc.set_up(target, False)  # within service_down_time: still placed there
    vid = create_volume(cloud, settle=False)
    body = {"volume": {"size": 1, "imageRef": _cirros(cloud)}}
    image_vid = call(cloud, "POST", "volumes", body).json()["volume"]["id"]
    cloud.advance(1.0)
    assert cloud.kernel.rpc.queued(target) == ["create_volume", "create_volume"]
    # POST /workers/cleanup finds the row: its service's id set, which matches no service
    body = {"resource_id": vid}
    found = call(cloud, "POST", "workers/cleanup", body, ctx=ADMIN, version="3.24")
    assert (found.status, found.json()) == (202, {"cleaning": [], "unavailable": []})
    cloud.kernel.rpc.set_up("cinder-scheduler", False)
    restart = cloud.now
    cloud.kernel.rpc.set_up("cinder-scheduler", True)
    errored = cloud.trace.filter(kind="state", new="error")
    assert [(e["subject"], e["actor"], e["t"]) for e in errored] == [
        (vid, "cinder-scheduler", restart), (image_vid, "cinder-scheduler", restart),
    ]  # fmt: skip
    cloud.kernel.rpc.set_up(target, True)  # the queued creates run all the same
    cloud.advance(0.5)
    # each claimed a row with the message's status, creating: POST /workers/cleanup finds it
    # (its service's id then matches no service, as above; with no row, a 400)
    body = {"resource_id": vid}
    found = call(cloud, "POST", "workers/cleanup", body, ctx=ADMIN, version="3.24")
    assert (found.status, found.json()) == (202, {"cleaning": [], "unavailable": []})
    cloud.run_until_idle()
    assert states(cloud, vid) == ["creating", "error", "available"]
    assert states(cloud, image_vid) == ["creating", "error", "downloading", "available"]
    shown = call(cloud, "GET", f"volumes/{image_vid}").json()["volume"]
    assert (shown["status"], shown["bootable"]) == ("available", "true")
    (done,) = cloud.trace.filter(kind="state", subject=vid, new="available")
    assert done["actor"] == target
    assert cloud.cinder.managers["b1"].workers is None  # the creating rows it claimed: gone
