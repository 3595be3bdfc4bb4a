"""createImage through the seed's instance-snapshot branch: ``snapshot_current`` (an RPC call
to the server's host), then ``snapshot_create_image`` — from the current snapshot, or the one
``snapshot_id`` names (404 when it is another server's, 409 when it is not available). An
image-backed snapshot is uploaded by the host (``image_pending_upload`` → ``image_uploading``
→ none, timed by the link); a volume-backed one becomes an image mapping its grouped Cinder
snapshots, active at once. The seed's two quirks are kept: no ``allow_volume_backed`` check on
this branch, and a ``snapshot_id`` ignored when the server has no instance snapshot."""

from __future__ import annotations

import json

import pytest

from fakecloud.nova import states
from tests.nova.conftest import NovaEnv, unexpected_500
from tests.nova.test_instance_snapshots_rest import (
    GB,
    MISSING,
    RPC_DELAY,
    create_snapshot,
    io_durations,
    show,
    snapshots_path,
    timed_env,
)

UPLOAD = [states.IMAGE_PENDING_UPLOAD, states.IMAGE_UPLOADING, None]
ALLOW_VOLUME_BACKED = "os_compute_api:servers:create_image:allow_volume_backed"


def available_snapshot(env: NovaEnv, sid: str, name: str = "s") -> str:
    view = create_snapshot(env, sid, name)
    env.cloud.run_until_idle()
    assert show(env, sid, view["id"])["status"] == "available"
    return view["id"]


def create_image(env: NovaEnv, sid: str, snapshot_id: str | None = None, **kw):
    entity: dict = {"name": kw.pop("name", "img")}
    if snapshot_id is not None:
        entity["snapshot_id"] = snapshot_id
    if "metadata" in kw:
        entity["metadata"] = kw.pop("metadata")
    return env.action(sid, {"createImage": entity}, microversion=kw.pop("microversion", "2.45"))


def image_id_of(resp) -> str:
    assert resp.status == 202, resp.json()
    return resp.json()["image_id"]


def task_states_from(env: NovaEnv, sid: str, first: str) -> list:
    seq = env.states(sid)
    return seq[len(seq) - 1 - seq[::-1].index(first) :]


# -- image-backed: the host uploads the current snapshot ----------------------------------------


def test_current_snapshot_is_uploaded_by_the_host():
    env = timed_env()
    sid = env.boot()
    available_snapshot(env, sid)
    image_id = image_id_of(create_image(env, sid, metadata={"purpose": "golden"}))
    image = env.glance_image(image_id)
    assert image["status"] == "queued"
    assert image["image_type"] == "snapshot"
    assert image["instance_uuid"] == sid
    assert image["purpose"] == "golden"
    env.cloud.run_until_idle()
    image = env.glance_image(image_id)
    assert image["status"] == "active"
    assert image["size"] == GB
    assert image["disk_format"] == "qcow2"
    assert image["container_format"] == "bare"
    assert image["image_location"] == "snapshot"
    assert task_states_from(env, sid, states.IMAGE_PENDING_UPLOAD) == UPLOAD
    # No new disk snapshot: the one taken earlier is uploaded (1 GB over 1 Gbit/s: 8 s).
    assert io_durations(env, "libvirt.snapshotCreateXML") == [10.0]
    assert io_durations(env, "glance.upload") == [8.0]
    assert env.cloud.check_invariants() == []


def test_task_states_are_set_by_the_api_then_the_host(seed_env: NovaEnv):
    sid = seed_env.boot()
    available_snapshot(seed_env, sid)
    image_id_of(create_image(seed_env, sid))
    seed_env.cloud.run_until_idle()
    moves = [
        (e["actor"], e["new"])
        for e in seed_env.cloud.trace.filter(kind="state", subject=sid, field="task_state")
    ][-3:]
    host = seed_env.nova.db.instance_row(sid).host
    assert moves == [
        ("nova-api", states.IMAGE_PENDING_UPLOAD),
        (f"nova-compute:{host}", states.IMAGE_UPLOADING),
        (f"nova-compute:{host}", None),
    ]
    # Nothing of the normal image-backed path ran.
    assert seed_env.cloud.trace.filter(kind="rpc.cast", method="snapshot_instance") == []
    assert states.IMAGE_SNAPSHOT_PENDING not in seed_env.states(sid)


def test_the_upload_takes_the_links_time_after_the_task_state_turns_uploading():
    env = timed_env()
    sid = env.boot()
    available_snapshot(env, sid)
    image_id_of(create_image(env, sid))
    env.cloud.run_until_idle()
    moves = [e["t"] for e in env.cloud.trace.filter(kind="state", subject=sid, field="task_state")][
        -2:
    ]
    uploading = moves[1] - moves[0]
    # 8 s of data plus Nova's Glance round trips (5 ms each): GET, GET/PATCH/GET, PUT, GET.
    assert uploading == pytest.approx(8.0 + 6 * 0.005, abs=0.01)


def test_snapshot_current_is_an_rpc_call_to_the_host(seed_env: NovaEnv):
    sid = seed_env.boot()
    t0 = seed_env.cloud.now
    resp = create_image(seed_env, sid)
    assert resp.status == 202
    [call] = seed_env.cloud.trace.filter(kind="rpc.call", method="snapshot_current")
    host = seed_env.nova.db.instance_row(sid).host
    assert call["subject"] == f"compute.{host}"
    assert call["t"] == t0
    [reply] = seed_env.cloud.trace.filter(kind="rpc.reply", method="snapshot_current")
    assert reply["t"] == pytest.approx(t0 + 2 * RPC_DELAY)


def test_upstream_never_asks_the_host(env: NovaEnv):
    sid = env.boot()
    assert create_image(env, sid).status == 202
    assert env.cloud.trace.filter(kind="rpc.call", method="snapshot_current") == []


def test_instance_action_and_its_compute_event(seed_env: NovaEnv):
    sid = seed_env.boot()
    available_snapshot(seed_env, sid)
    resp = create_image(seed_env, sid)
    seed_env.cloud.run_until_idle()
    rid = resp.headers["x-openstack-request-id"]
    action = seed_env.request(
        "GET", f"/v2.1/servers/{sid}/os-instance-actions/{rid}", user="admin"
    ).json()["instanceAction"]
    assert action["action"] == "createImage"
    assert [(e["event"], e["result"]) for e in action["events"]] == [
        ("compute_upload_instance_snapshot", "Success")
    ]


def test_pre_245_answers_with_a_location(seed_env: NovaEnv):
    sid = seed_env.boot()
    available_snapshot(seed_env, sid)
    resp = create_image(seed_env, sid, microversion="2.44")
    assert resp.status == 202
    location = resp.headers["Location"]
    image_id = location.rsplit("/", 1)[1]
    assert location.endswith(f"/images/{image_id}")
    assert seed_env.glance_image(image_id)["name"] == "img"


def test_explicit_snapshot_id_uploads_that_snapshot(seed_env: NovaEnv):
    sid = seed_env.boot()
    first = available_snapshot(seed_env, sid, "first")
    second = available_snapshot(seed_env, sid, "second")
    from_first = image_id_of(create_image(seed_env, sid, first, name="a"))
    seed_env.cloud.run_until_idle()
    from_current = image_id_of(create_image(seed_env, sid, name="b"))
    seed_env.cloud.run_until_idle()
    from_second = image_id_of(create_image(seed_env, sid, second, name="c"))
    seed_env.cloud.run_until_idle()
    checksum = {i: seed_env.glance_image(i)["checksum"] for i in (from_first, from_current)}
    # Same snapshot, same bytes, same checksum; the first snapshot's bytes are other bytes.
    assert seed_env.glance_image(from_second)["checksum"] == checksum[from_current]
    assert checksum[from_first] != checksum[from_current]


def test_a_snapshot_of_another_server_is_404(seed_env: NovaEnv):
    sid = seed_env.boot()
    available_snapshot(seed_env, sid)
    other = seed_env.boot(name="other")
    theirs = available_snapshot(seed_env, other)
    images_before = len(seed_env.cloud.glance.db.images)
    resp = create_image(seed_env, sid, theirs)
    assert resp.status == 404
    assert resp.json() == {
        "itemNotFound": {"code": 404, "message": f"Snapshot {theirs} could not be found."}
    }
    assert len(seed_env.cloud.glance.db.images) == images_before
    assert seed_env.server(sid)["OS-EXT-STS:task_state"] is None


def test_an_unknown_snapshot_id_is_404(seed_env: NovaEnv):
    sid = seed_env.boot()
    available_snapshot(seed_env, sid)
    resp = create_image(seed_env, sid, MISSING)
    assert resp.status == 404
    assert resp.json()["itemNotFound"]["message"] == f"Snapshot {MISSING} could not be found."


def test_a_creating_current_snapshot_is_409(seed_env: NovaEnv):
    sid = seed_env.boot()
    view = create_snapshot(seed_env, sid)
    resp = create_image(seed_env, sid)
    assert resp.status == 409
    assert resp.json() == {
        "conflictingRequest": {
            "code": 409,
            "message": f"Cannot 'createImage' snapshot {view['id']} while it is in status creating",
        }
    }


def test_an_error_snapshot_is_409_and_without_an_id_the_parent_is_used(seed_env: NovaEnv):
    sid = seed_env.boot()
    good = available_snapshot(seed_env, sid, "good")
    seed_env.cloud.faults.add("nova.libvirt.instance_snapshot", error="LibvirtError")
    bad = create_snapshot(seed_env, sid, "bad")["id"]
    seed_env.cloud.run_until_idle()
    resp = create_image(seed_env, sid, bad)
    assert resp.status == 409
    assert resp.json()["conflictingRequest"]["message"] == (
        f"Cannot 'createImage' snapshot {bad} while it is in status error"
    )
    image_id = image_id_of(create_image(seed_env, sid))
    seed_env.cloud.run_until_idle()
    assert seed_env.glance_image(image_id)["status"] == "active"
    assert show(seed_env, sid, good)["is_current"] is True


def test_no_current_snapshot_after_deleting_the_only_one_runs_the_normal_path(seed_env: NovaEnv):
    sid = seed_env.boot()
    snap = available_snapshot(seed_env, sid)
    assert seed_env.request("DELETE", snapshots_path(sid, snap)).status == 202
    seed_env.cloud.run_until_idle()
    image_id_of(create_image(seed_env, sid, snap))  # the id is ignored: nothing is current
    assert seed_env.server(sid)["OS-EXT-STS:task_state"] == states.IMAGE_SNAPSHOT_PENDING


def test_the_server_must_be_in_a_snapshot_state(seed_env: NovaEnv):
    sid = seed_env.boot()
    available_snapshot(seed_env, sid)
    seed_env.nova.force_state(sid, vm_state=states.RESCUED)
    resp = create_image(seed_env, sid)
    assert resp.status == 409
    assert resp.json()["conflictingRequest"]["message"] == (
        f"Cannot 'createImage' instance {sid} while it is in vm_state rescued"
    )


def test_a_second_upload_while_the_first_runs_is_409():
    env = timed_env()
    sid = env.boot()
    available_snapshot(env, sid)
    image_id_of(create_image(env, sid, name="one"))
    resp = create_image(env, sid, name="two")
    assert resp.status == 409
    assert resp.json()["conflictingRequest"]["message"] == (
        f"Cannot 'createImage' instance {sid} while it is in task_state image_pending_upload"
    )


def test_the_snapshot_being_uploaded_cannot_be_deleted():
    env = timed_env()
    sid = env.boot()
    snap = available_snapshot(env, sid)
    image_id = image_id_of(create_image(env, sid))
    env.cloud.advance(2.0)
    resp = env.request("DELETE", snapshots_path(sid, snap))
    assert resp.status == 409
    assert resp.json()["conflictingRequest"]["message"] == (
        f"Cannot 'deleteSnapshot' snapshot {snap} while image {image_id} is being uploaded from it"
    )
    env.cloud.run_until_idle()
    assert env.request("DELETE", snapshots_path(sid, snap)).status == 202


def test_a_failed_upload_deletes_the_image_and_keeps_the_snapshot(seed_env: NovaEnv):
    sid = seed_env.boot()
    snap = available_snapshot(seed_env, sid)
    seed_env.cloud.faults.add("image_api.upload", error="GlanceUnreachable")
    resp = create_image(seed_env, sid)
    image_id = image_id_of(resp)
    seed_env.cloud.run_until_idle()
    assert seed_env.glance_image(image_id) is None
    assert seed_env.server(sid)["OS-EXT-STS:task_state"] is None
    fault = seed_env.nova.db.fault_latest(sid)
    assert fault.message.startswith("Connection to glance host")
    rid = resp.headers["x-openstack-request-id"]
    [event] = seed_env.nova.db.action_get_by_request_id(sid, rid).events
    assert (event.event, event.result) == ("compute_upload_instance_snapshot", "Error")
    errors = seed_env.cloud.trace.filter(kind="notification", priority="ERROR")
    # Queens: legacy and versioned (notification_format "both" until 20.0.0).
    assert [e["event_type"] for e in errors] == ["upload_instance_snapshot", "compute.exception"]
    assert show(seed_env, sid, snap)["status"] == "available"
    assert seed_env.cloud.check_invariants() == []


def test_a_down_compute_makes_every_seed_createimage_wait_for_the_rpc_timeout(seed_env: NovaEnv):
    sid = seed_env.boot()
    host = seed_env.nova.db.instance_row(sid).host
    seed_env.kernel.rpc.set_up(f"compute.{host}", False)
    t0 = seed_env.cloud.now
    resp = create_image(seed_env, sid)
    assert resp.status == 500
    assert resp.json()["computeFault"]["message"] == unexpected_500(
        "seed", "oslo_messaging.exceptions.MessagingTimeout"
    )
    assert seed_env.cloud.now == pytest.approx(t0 + 60.0)


# -- volume-backed: an image of the grouped Cinder snapshots ------------------------------------


def test_volume_backed_image_maps_the_grouped_cinder_snapshots(seed_env: NovaEnv):
    sid = seed_env.boot(bfv=True)
    snap = available_snapshot(seed_env, sid)
    cinder_ids = show(seed_env, sid, snap)["volume_snapshot_ids"]
    image_id = image_id_of(create_image(seed_env, sid, metadata={"k": "v"}))
    image = seed_env.glance_image(image_id)  # before any more virtual time passes
    assert image["status"] == "active"
    assert image["size"] == 0
    # Queens' image client claims the schema's preferred format (qcow2) for the empty upload.
    assert image["disk_format"] == "qcow2" and image["container_format"] == "bare"
    assert image["bdm_v2"] == "True"
    assert image["root_device_name"] == "/dev/vda"
    assert image["k"] == "v"
    mapping = json.loads(image["block_device_mapping"])
    assert [(m["source_type"], m["destination_type"], m["snapshot_id"]) for m in mapping] == [
        ("snapshot", "volume", cinder_ids[0])
    ]
    assert mapping[0]["boot_index"] == 0
    # No new Cinder snapshot, no quiesce, no task_state: the snapshots were taken before.
    assert len(seed_env.cloud.cinder.store.snapshots) == 1
    assert seed_env.server(sid)["OS-EXT-STS:task_state"] is None
    seed_env.cloud.run_until_idle()
    assert seed_env.cloud.check_invariants() == []


def test_allow_volume_backed_is_never_checked_on_the_branch():
    env = NovaEnv("seed", {"nova": {"policy": {ALLOW_VOLUME_BACKED: "!"}}})
    sid = env.boot(bfv=True)
    denied = create_image(env, sid)  # no instance snapshot: the normal path, its policy
    assert denied.status == 403
    assert denied.json()["forbidden"]["message"] == (
        f"Policy doesn't allow {ALLOW_VOLUME_BACKED} to be performed."
    )
    available_snapshot(env, sid)
    image_id = image_id_of(create_image(env, sid))
    assert env.glance_image(image_id)["status"] == "active"


def test_an_image_keeps_its_cinder_snapshots_when_the_instance_snapshot_goes(
    seed_env: NovaEnv,
):
    sid = seed_env.boot(bfv=True)
    snap = available_snapshot(seed_env, sid)
    cinder_ids = show(seed_env, sid, snap)["volume_snapshot_ids"]
    image_id = image_id_of(create_image(seed_env, sid))
    assert seed_env.request("DELETE", snapshots_path(sid, snap)).status == 202
    seed_env.cloud.run_until_idle()
    assert list(seed_env.cloud.cinder.store.snapshots) == cinder_ids
    assert seed_env.glance_image(image_id)["status"] == "active"
    assert seed_env.cloud.check_invariants() == []


def test_a_deleted_image_frees_the_cinder_snapshots_for_deletion(seed_env: NovaEnv):
    sid = seed_env.boot(bfv=True)
    snap = available_snapshot(seed_env, sid)
    image_id = image_id_of(create_image(seed_env, sid))
    assert seed_env.cloud.request("image", "DELETE", f"/v2/images/{image_id}").status == 204
    assert seed_env.request("DELETE", snapshots_path(sid, snap)).status == 202
    seed_env.cloud.run_until_idle()
    assert seed_env.cloud.cinder.store.snapshots == {}


# -- the seed's quirk: snapshot_id without instance snapshots is ignored --------------------------


def test_snapshot_id_is_ignored_for_a_server_without_instance_snapshots(seed_env: NovaEnv):
    sid = seed_env.boot()
    other = seed_env.boot(name="other")
    theirs = available_snapshot(seed_env, other)
    image_id = image_id_of(create_image(seed_env, sid, theirs))  # would be 404 on the branch
    assert seed_env.server(sid)["OS-EXT-STS:task_state"] == states.IMAGE_SNAPSHOT_PENDING
    assert [e["method"] for e in seed_env.cloud.trace.filter(kind="rpc.cast")][-1] == (
        "snapshot_instance"
    )
    seed_env.cloud.run_until_idle()
    assert seed_env.glance_image(image_id)["status"] == "active"


def test_snapshot_id_is_ignored_for_a_volume_backed_server_without_them(seed_env: NovaEnv):
    sid = seed_env.boot(bfv=True)
    image_id = image_id_of(create_image(seed_env, sid, MISSING))
    # The normal volume-backed path ran: its own Cinder snapshot named after the image.
    names = [s.display_name for s in seed_env.cloud.cinder.store.snapshots.values()]
    assert names == ["snapshot for img"]
    assert seed_env.glance_image(image_id)["status"] == "active"


def test_upstream_schema_refuses_snapshot_id(env: NovaEnv):
    sid = env.boot()
    resp = create_image(env, sid, MISSING)
    assert resp.status == 400
    assert resp.json()["badRequest"]["message"] == (
        "Invalid input for field/attribute createImage. Value: {'name': 'img', 'snapshot_id': "
        f"'{MISSING}'}}. Additional properties are not allowed ('snapshot_id' was unexpected)"
    )


def test_seed_schema_wants_a_uuid_snapshot_id(seed_env: NovaEnv):
    sid = seed_env.boot()
    resp = create_image(seed_env, sid, "not-a-uuid")
    assert resp.status == 400
    assert resp.json()["badRequest"]["message"] == (
        "Invalid input for field/attribute snapshot_id. Value: not-a-uuid. "
        "'not-a-uuid' is not a 'uuid'"
    )
