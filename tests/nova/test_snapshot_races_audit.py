"""What a user meets acting on a server while its snapshot is in flight, checked against Nova's
source release by release (docs/history/conformance-log.md, "A user's actions during a
snapshot"): the 409 of every state-guarded action in each snapshot task state, and what the
instance action's event of a failed snapshot stores."""

from __future__ import annotations

import pytest

from fakecloud.nova import states
from tests.nova.conftest import NovaEnv

#: The action as Nova names it in its 409 (``raise_http_conflict_for_instance_invalid_state``).
ACTIONS = {
    "stop": {"os-stop": None},
    "reboot": {"reboot": {"type": "SOFT"}},
    "pause": {"pause": None},
    "suspend": {"suspend": None},
    "shelve": {"shelve": None},
    "createImage": {"createImage": {"name": "second"}},
    "createBackup": {"createBackup": {"name": "b", "backup_type": "daily", "rotation": 1}},
}
WINDOWS = (
    states.IMAGE_SNAPSHOT_PENDING,
    states.IMAGE_SNAPSHOT,
    states.IMAGE_PENDING_UPLOAD,
    states.IMAGE_UPLOADING,
)


@pytest.mark.parametrize("profile", ["nova-17.0.7", "nova-20.6.0", "nova-26.2.1", "upstream"])
def test_every_guarded_action_is_409_in_every_snapshot_window(profile):
    """``check_instance_state`` (task_state must be None; a hard reboot allows only
    ``ALLOW_REBOOT``, which holds no image_* state) and ``common.py``'s "Cannot '%(action)s'
    instance %(server_id)s while it is in %(attr)s %(state)s", the same in nova 17.0.7, 20.6.0,
    26.2.1 and 34.0.0 ``compute/api.py`` (a volume attach and detach too, from
    ``volumes.py``). ``start`` fails on the vm_state first; ``lock`` and ``DELETE`` have no
    task_state guard (``delete``: ``task_state=None`` means any)."""
    env = NovaEnv(profile)
    sid = env.boot()
    volumes = "/v3/{project_id}/volumes"
    data, spare = (
        env.cloud.request("volumev3", "POST", volumes, body={"volume": {"size": 1}}).json()
        for _ in range(2)
    )
    attachments = f"/v2.1/servers/{sid}/os-volume_attachments"
    data_id, spare_id = data["volume"]["id"], spare["volume"]["id"]
    env.cloud.run_until_idle()
    assert (
        env.request("POST", attachments, {"volumeAttachment": {"volumeId": data_id}}).status == 200
    )
    env.cloud.run_until_idle()
    hard = {"reboot": {"type": "HARD"}}
    for window in WINDOWS:
        env.nova.force_state(sid, task_state=window)
        for name, body in {**ACTIONS, "reboot ": hard}.items():
            resp = env.action(sid, body, microversion="2.45")
            message = resp.json()["conflictingRequest"]["message"]
            assert (resp.status, message) == (
                409,
                f"Cannot '{name.strip()}' instance {sid} while it is in task_state {window}",
            )
        volume_calls = {
            "detach_volume": env.request("DELETE", f"{attachments}/{data_id}"),
            "attach_volume": env.request(
                "POST", attachments, {"volumeAttachment": {"volumeId": spare_id}}
            ),
        }
        for name, resp in volume_calls.items():
            assert (resp.status, resp.json()["conflictingRequest"]["message"]) == (
                409,
                f"Cannot '{name}' instance {sid} while it is in task_state {window}",
            )
        start = env.action(sid, {"os-start": None}).json()["conflictingRequest"]["message"]
        assert start.endswith("while it is in vm_state active")
        assert env.server(sid)["OS-EXT-STS:task_state"] == window
    assert env.action(sid, {"lock": None}).status == 202
    assert env.request("DELETE", f"/v2.1/servers/{sid}", user="admin").status == 204


def _failed_snapshot_event(env: NovaEnv, sid: str) -> dict:
    rid = env.create_image(sid).headers["x-openstack-request-id"]
    env.cloud.run_until_idle()
    path = f"/v2.1/servers/{sid}/os-instance-actions/{rid}"
    action = env.request("GET", path, user="admin", microversion="2.84").json()
    (event,) = action["instanceAction"]["events"]
    assert (event["event"], event["result"]) == ("compute_snapshot_instance", "Error")
    return event


def test_a_failed_snapshots_event_stores_frames_and_the_class_name_of_a_foreign_error():
    """``serialize_args`` (nova 29.2.0 ``objects/base.py``): ``exc_tb`` becomes
    ``''.join(traceback.format_tb(tb))``, frames only; ``exc_val`` a Nova exception's
    ``format_message()`` or, failing that, the bare class name (a9346e6033, 21.0.0)."""
    env = NovaEnv("nova-29.2.0")
    sid = env.boot()
    env.cloud.faults.add("nova.libvirt.extract", error="LibvirtError", message="disk gone")
    event = _failed_snapshot_event(env, sid)
    assert event["details"] == "libvirtError"
    assert event["traceback"].startswith('  File "fakecloud/nova/')
    assert "Traceback" not in event["traceback"] and "disk gone" not in event["traceback"]


def test_a_failed_snapshots_event_details_are_a_nova_exceptions_message():
    image = {
        "name": "strict",
        "content_id": "strict-image",
        "size": 10_000_000,
        "virtual_size": 100_000_000,
        "disk_format": "qcow2",
        "container_format": "bare",
        "min_disk": 0,
        "min_ram": 0,
        "properties": {"os_require_quiesce": "yes"},
    }
    env = NovaEnv("nova-29.2.0", {"glance": {"base_images": [image]}})
    sid = env.boot()
    event = _failed_snapshot_event(env, sid)
    assert event["details"] == "QEMU guest agent is not enabled"


@pytest.mark.parametrize("profile", ["nova-17.0.7", "upstream"])
def test_deleting_a_snapshotted_volume_backed_server_leaves_its_volume(profile):
    """nova-compute's ``_delete_instance``: ``_shutdown_instance`` ends the attachment, then
    ``_cleanup_volumes(detach=False)`` asks Cinder to delete the root volume, which refuses a
    volume with snapshots; Nova logs 'Failed to delete volume: %(volume_id)s due to %(exc)s'
    and deletes the server anyway (nova 17.0.7 and 34.0.0 ``compute/manager.py``; the API's
    'Ignoring volume cleanup failure' is only its local delete, for a server with no host)."""
    env = NovaEnv(profile)
    sid = env.boot(bfv=True)
    (bdm,) = env.nova.db.bdms_by_instance(sid)
    assert env.create_image(sid).status == 202
    env.cloud.run_until_idle()
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    env.cloud.run_until_idle()
    path = f"/v3/{{project_id}}/volumes/{bdm.volume_id}"
    assert env.cloud.request("volumev3", "GET", path).json()["volume"]["status"] == "available"
    (warning,) = env.cloud.trace.filter(kind="log", subject=sid, level="warning")
    assert warning["actor"] == "nova-compute:cmp-1"
    assert warning["message"].startswith(
        f"Failed to delete volume: {bdm.volume_id} due to Invalid input received: Invalid "
        "volume: Volume status must be available or error"
    )


@pytest.mark.parametrize("profile", ["nova-17.0.7", "nova-29.2.0"])
def test_a_failed_snapshot_finishes_its_event_between_the_fault_and_the_revert(profile):
    """``snapshot_instance``'s decorators, outer to inner, in nova 17.0.7 to 34.0.0:
    ``wrap_exception``, ``reverts_task_state``, ``wrap_instance_event``, ``wrap_instance_fault``,
    ``delete_image_on_error``: on the way out the image is deleted, the fault recorded, the
    event finished in Error, the task state put back, the error notification sent (until
    33.0.0 the snapshot runs inside the RPC entry point, so inside its event)."""
    env = NovaEnv(profile)
    sid = env.boot()
    env.cloud.faults.add("nova.libvirt.extract", error="LibvirtError", message="disk gone")
    assert env.create_image(sid).status == 202
    env.cloud.run_until_idle()
    trace = env.cloud.trace
    (fault,) = trace.filter(kind="nova.fault", subject=sid)
    (finish,) = trace.filter(kind="nova.event", event="compute_snapshot_instance", phase="finish")
    (error,) = trace.filter(kind="notification", event_type="snapshot_instance", priority="ERROR")
    (deleted,) = trace.filter(kind="state", machine="glance.image.status", new="deleted")
    revert = trace.filter(kind="state", subject=sid, field="task_state")[-1]
    assert (finish["result"], revert["new"]) == ("Error", None)
    seqs = [e["seq"] for e in (deleted, fault, finish, revert, error)]
    assert seqs == sorted(seqs)


@pytest.mark.parametrize("profile", ["nova-17.0.7", "upstream"])
@pytest.mark.parametrize("window", WINDOWS)
def test_init_host_clears_each_snapshot_task_state_with_its_debug_line(profile, window):
    """``_init_instance`` (nova 17.0.7 and 34.0.0 ``compute/manager.py``): a server not in
    ERROR found in one of the four snapshot task states gets task_state None, logged "Instance
    in transitional state %s at start-up clearing task state"; the image is left as it was."""
    env = NovaEnv(profile)
    sid = env.boot()
    env.nova.force_state(sid, task_state=window)
    env.nova.restart_compute("cmp-1", down_s=1.0)
    env.cloud.run_until_idle()
    assert env.server(sid)["OS-EXT-STS:task_state"] is None
    (line,) = env.cloud.trace.filter(kind="log", subject=sid, level="debug")
    expected = f"Instance in transitional state {window} at start-up clearing task state"
    assert (line["actor"], line["message"]) == ("nova-compute:cmp-1", expected)


@pytest.mark.parametrize("profile", ["nova-17.0.7", "upstream"])
def test_a_delete_before_the_snapshots_save_is_logged_as_nova_api_logs_it(profile):
    """LP #1555065's fix in ``API.snapshot`` (nova 17.0.7 and 34.0.0 ``compute/api.py``): the
    lost compare-and-swap logs 'Instance disappeared during snapshot.' (debug), then the image's
    deletion 'Image %s deleted because instance deleted before snapshot started.' (info)."""
    env = NovaEnv(profile)
    sid = env.boot()
    t = env.cloud.now
    path = f"/v2.1/servers/{sid}/action"
    snap = env.spawn_request(t, "POST", path, {"createImage": {"name": "doomed"}})
    env.spawn_request(t + 0.001, "DELETE", f"/v2.1/servers/{sid}")
    env.cloud.run_until_idle()
    assert snap["response"].status == 409
    (image,) = env.cloud.trace.filter(kind="state", machine="glance.image.status", new="deleted")
    lines = [
        (e["level"], e["message"])
        for e in env.cloud.trace.filter(kind="log", subject=sid, actor="nova-api")
    ]
    assert lines == [
        ("debug", "Instance disappeared during snapshot."),
        (
            "info",
            f"Image {image['subject']} deleted because instance deleted before snapshot started.",
        ),
    ]


@pytest.mark.parametrize("profile", ["nova-17.0.7", "upstream"])
def test_a_shelve_whose_snapshot_fails_leaves_the_server_active_and_its_image(profile):
    """``shelve_instance``'s decorators (nova 17.0.7 and 34.0.0 ``compute/manager.py``):
    ``wrap_exception``, ``reverts_task_state``, ``wrap_instance_event``, ``wrap_instance_fault``
    — no ``delete_image_on_error``, no error state. A failed snapshot leaves vm_state
    ``active``, task_state None, a fault, the event in Error and the image as it was."""
    env = NovaEnv(profile)
    sid = env.boot()
    env.cloud.faults.add("nova.libvirt.extract", error="LibvirtError", message="disk gone")
    rid = env.action(sid, {"shelve": None}).headers["x-openstack-request-id"]
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("ACTIVE", None)
    images = env.cloud.request("image", "GET", "/v2/images?name=vm-shelved", user="admin")
    assert [i["status"] for i in images.json()["images"]] == ["queued"]
    path = f"/v2.1/servers/{sid}/os-instance-actions/{rid}"
    action = env.request("GET", path, user="admin", microversion="2.51").json()
    (event,) = action["instanceAction"]["events"]
    assert (event["event"], event["result"]) == ("compute_shelve_instance", "Error")
    assert env.cloud.trace.filter(kind="nova.fault", subject=sid)


def test_unshelve_after_the_user_deleted_the_shelved_image_warns():
    """``_delete_snapshot_of_shelved_instance`` (nova 17.0.7 and 34.0.0): an ImageNotFound is
    the warning 'Failed to delete snapshot from shelved instance (%s).', the unshelve goes on."""
    env = NovaEnv("upstream", {"nova": {"shelved_offload_time_s": -1}})
    sid = env.boot()
    env.action(sid, {"shelve": None})
    env.cloud.run_until_idle()
    image_id = env.nova.db.instances[sid].system_metadata["shelved_image_id"]
    deleted = env.cloud.request("image", "DELETE", f"/v2/images/{image_id}", user="admin")
    assert deleted.status == 204
    env.action(sid, {"unshelve": None})
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "ACTIVE"
    (line,) = env.cloud.trace.filter(kind="log", subject=sid, level="warning")
    assert line["message"] == (
        f"Failed to delete snapshot from shelved instance (Image {image_id} could not be found.)."
    )


@pytest.mark.parametrize("profile", ["nova-17.0.7", "upstream"])
def test_a_delete_during_the_shelves_offload_keeps_its_deleting_state(profile):
    """``shelve_instance`` offloads inline (``shelved_offload_time`` 0) under its decorators
    (nova 17.0.7 and 34.0.0 ``compute/manager.py``): a delete arriving in the offload makes
    its ``instance.save(expected_task_state=[shelving, shelving_offloading])`` fail with
    UnexpectedDeletingTaskStateError, which ``reverts_task_state`` does not revert. The server
    stays ``shelved``/``deleting`` until the delete ends it, never ERROR."""
    env = NovaEnv(profile)
    sid = env.boot()
    env.action(sid, {"shelve": None})
    row = env.nova.db.instances[sid]
    while row.task_state != states.SHELVING_OFFLOADING:
        env.cloud.advance(0.05)
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    seen = []
    while not row.deleted:
        env.cloud.advance(0.05)
        if (row.vm_state, row.task_state) not in seen:
            seen.append((row.vm_state, row.task_state))
    assert states.ERROR not in [vm for vm, _ in seen]
    assert seen[0] == (states.SHELVED, states.DELETING)
    (fault,) = env.cloud.trace.filter(kind="nova.fault", subject=sid)
    assert fault["message"] == (
        f"Conflict updating instance {sid}. Expected: {{'task_state': ['shelving', "
        "'shelving_offloading']}. Actual: {'task_state': 'deleting'}"
    )


@pytest.mark.parametrize("profile", ["nova-17.0.7", "upstream"])
def test_nova_deleting_a_shelved_image_for_the_user_breaks_no_invariant(profile):
    """Nova deletes a server's shelved image when the server is deleted while shelved
    (``compute/api.py _delete``: "Working on deleting snapshot X from shelved instance...")
    or unshelved (``_delete_snapshot_of_shelved_instance``), nova 17.0.13 and 34.0.0: by
    design, so ``no_active_snapshot_image_deleted`` holds (it flagged both)."""
    for then in ("delete", "unshelve"):
        env = NovaEnv(profile)
        sid = env.boot()
        env.action(sid, {"shelve": None})
        env.cloud.run_until_idle()
        image_id = env.nova.db.instances[sid].system_metadata["shelved_image_id"]
        if then == "delete":
            assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
        else:
            env.action(sid, {"unshelve": None})
        env.cloud.run_until_idle()
        assert (
            env.glance_image(image_id) is None or env.glance_image(image_id)["status"] == "deleted"
        )
        (event,) = env.cloud.trace.filter(kind="nova.delete_shelved_image")
        assert (event["subject"], event["instance"]) == (image_id, sid)
        assert env.cloud.check_invariants() == []
        if then == "delete":
            lines = env.cloud.trace.filter(kind="log", subject=sid, actor="nova-api")
            assert [(e["level"], e["message"]) for e in lines] == [
                ("info", f"Working on deleting snapshot {image_id} from shelved instance...")
            ]
