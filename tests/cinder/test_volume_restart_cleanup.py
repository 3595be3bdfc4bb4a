"""cinder-volume's clean-up as it starts again (``init_host``'s ``do_cleanup`` of the workers
table, `fakecloud.cinder.cleanup`; cinder 12.0.10-29.0.0 cinder/manager.py, cinder/volume/
manager.py ``_do_cleanup``, cinder/objects/cleanable.py): what the old process had under way
is cleaned, what waited in its queue runs after, as it is."""

from cinder_support import GLANCE_JSON, MEMBER, RPC, call, create_volume, states

from fakecloud import Cloud
from fakecloud.api.http import Request

CREATE_S = 2.0
DELETE_S = 2.0


def _cloud(profile):
    return Cloud(
        profile=profile,
        config={
            "cinder": {
                "image_download_mb_per_s": 10.0,  # cirros' 21 MB: ~2.1 s downloading
                "backends": {
                    "b1": {
                        "kind": "lvm-thin",
                        "throughput_mb_per_s": 200.0,
                        "volume_create_s": CREATE_S,
                        "volume_delete_s": DELETE_S,
                    }
                },
                "volume_types": {"__DEFAULT__": {"backend": "b1"}},
            }
        },
    )


def _cirros(cloud):
    req = Request.build(
        "GET", "/v2/images", context=MEMBER, headers=GLANCE_JSON,
        query="name=cirros-0.6.2-x86_64-disk",
    )  # fmt: skip
    return cloud.glance.api.call(req).json()["images"][0]["id"]


def _status(cloud, kind, rid):
    return call(cloud, "GET", f"{kind}/{rid}").json()[kind[:-1]]["status"]


def test_a_restart_cleans_the_work_under_way_and_runs_the_queued_work_after():
    """Cinder 29.0.0 (12.0.10's seed: the flows/volume_backed_cinder_volume_restart scenario);
    the clean-up is the same code throughout the series."""
    cloud = _cloud("upstream")
    target = cloud.cinder.volume_target("b1")
    done, gone, uploaded = (create_volume(cloud) for _ in range(3))
    snap = {"snapshot": {"volume_id": done}}
    old = call(cloud, "POST", "snapshots", snap, version="3.0").json()["snapshot"]["id"]
    cloud.run_until_idle()
    body = {"volume": {"size": 1, "imageRef": _cirros(cloud)}}
    downloaded = call(cloud, "POST", "volumes", body).json()["volume"]["id"]
    upload = {"os-volume_upload_image": {"image_name": "from-vol"}}
    assert call(cloud, "POST", f"volumes/{uploaded}/action", upload).status == 202
    cloud.advance(1.5)
    assert call(cloud, "DELETE", f"volumes/{gone}").status == 202
    created = create_volume(cloud, settle=False)
    cloud.advance(1.3)
    sid = call(cloud, "POST", "snapshots", snap, version="3.0").json()["snapshot"]["id"]
    assert call(cloud, "DELETE", f"snapshots/{old}").status == 202
    cloud.advance(0.2)
    assert [_status(cloud, "volumes", v) for v in (created, gone, downloaded, uploaded)] == [
        "creating", "deleting", "downloading", "uploading",
    ]  # fmt: skip
    assert [_status(cloud, "snapshots", s) for s in (sid, old)] == ["creating", "deleting"]
    restart = cloud.now
    cloud.kernel.rpc.set_up(target, False)
    queued = create_volume(cloud, settle=False)  # waits in the stopped service's queue
    cloud.kernel.rpc.set_up(target, True)
    # init_host's do_cleanup, before the queue: the rows of the workers table, as they are,
    # oldest first; the delete's (its volume still deleting) runs there and then
    # (volume_service_inithost_offload off), the rows after it and the queue waiting for it
    cloud.run_until_idle()
    errored = cloud.trace.filter(kind="state", actor=target, new="error")
    after_delete = round(restart + DELETE_S, 3)
    assert [(e["subject"], round(e["t"], 3)) for e in errored] == [
        (created, after_delete), (sid, after_delete),
    ]  # fmt: skip
    assert [_status(cloud, "volumes", v) for v in (created, queued)] == ["error", "available"]
    assert _status(cloud, "snapshots", sid) == "error"
    # a downloading volume's row says creating: "mismatching work", left downloading; an
    # upload and a snapshot's delete have no row: left uploading and deleting
    assert _status(cloud, "snapshots", old) == "deleting"
    assert [_status(cloud, "volumes", v) for v in (downloaded, uploaded)] == [
        "downloading", "uploading",
    ]  # fmt: skip
    assert states(cloud, downloaded)[-1] == "downloading"
    # the delete resumed (cascade) at the start: the old process's lock went with it
    assert call(cloud, "GET", f"volumes/{gone}").status == 404
    (deleted,) = cloud.trace.filter(kind="state", subject=gone, new="deleted")
    assert deleted["actor"] == target
    assert round(deleted["t"] - restart, 3) == DELETE_S
    (available,) = cloud.trace.filter(kind="state", subject=queued, new="available")
    assert round(available["t"] - restart, 3) == round(DELETE_S + RPC + CREATE_S, 3)
    assert cloud.cinder.managers["b1"].workers is None


def test_a_restart_kills_the_work_under_way_at_the_stop_and_cleans_it_at_the_start():
    """``restart: {host: cinder@b1, down_s: S}`` (`Cinder.restart_volume`): the old process
    dies at the stop, so a create under way stays `creating` while the service is down (its
    2 s are up at 3 s), then init_host's clean-up sets it `error`."""
    cloud = _cloud("upstream")
    created = create_volume(cloud, settle=False)
    cloud.advance(0.5)
    cloud.cinder.restart_volume("b1", 5.0)
    cloud.advance(3.0)
    assert _status(cloud, "volumes", created) == "creating"
    cloud.run_until_idle()
    assert _status(cloud, "volumes", created) == "error"
    target = cloud.cinder.volume_target("b1")
    ups = [(e["up"], e["t"]) for e in cloud.trace.filter(kind="rpc.service", subject=target)]
    assert ups == [(False, ups[0][1]), (True, ups[0][1] + 5.0)]


RESTART_FILE = """\
steps:
  - {name: restart, restart: {host: cinder@lvmdriver-1, down_s: 5}}
  - {name: nowhere, restart: {host: cinder@nfs}}
"""


def test_a_scenario_restarts_a_backends_cinder_volume_by_its_host():
    """A scenario's ``restart:`` of ``HOST@BACKEND`` (cinder-volume's host in os-services)
    restarts that backend's cinder-volume, and the step ends when it is back; a host that is
    none of the backends' is the step's error."""
    from fakecloud.scenario import loads, run_case

    result = run_case(loads(RESTART_FILE, "x.yaml").cases[0])
    steps = {s.name: s for s in result.steps}
    assert (steps["restart"].error, steps["restart"].finished) == (None, 5.0)
    assert steps["nowhere"].error == "no cinder-volume host 'cinder@nfs'; hosts: cinder@lvmdriver-1"
    said = [e["what"] for e in result.trace if e["kind"] == "scenario.step"]
    assert said[0] == "restart cinder-volume on cinder@lvmdriver-1"
