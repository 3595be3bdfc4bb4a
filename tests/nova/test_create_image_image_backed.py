"""The image-backed snapshot: the image Nova creates, the task-state sequence, the driver's
data path (live, cold, RBD direct and its fallback) with durations that follow the disk size
and throughputs, the notifications, and every failure branch of the compute manager."""

from __future__ import annotations

import pytest

from fakecloud.nova import exception, states
from tests.nova.conftest import BIG_IMAGE, TIMED, NovaEnv

BOUNCE = [
    states.IMAGE_SNAPSHOT_PENDING,
    states.IMAGE_SNAPSHOT,
    states.IMAGE_PENDING_UPLOAD,
    states.IMAGE_UPLOADING,
    states.IMAGE_PENDING_UPLOAD,
    states.IMAGE_UPLOADING,
    None,
]


def timed_env(profile: str = "upstream", **nova) -> NovaEnv:
    config = {"glance": dict(TIMED["glance"]), "nova": {**TIMED["nova"], **nova}}
    return NovaEnv(profile, config)


def durations(env: NovaEnv, label: str) -> list[float]:
    """Durations of the finished transfers called `label`, in order."""
    starts = {e["subject"]: e for e in env.cloud.trace.filter(kind="io.start", label=label)}
    return [
        e["duration_s"]
        for e in env.cloud.trace.filter(kind="io.finish", label=label)
        if e["subject"] in starts
    ]


def snapshot(env: NovaEnv, sid: str, **kw) -> str:
    resp = env.create_image(sid, **kw)
    assert resp.status == 202, resp.json()
    return resp.json()["image_id"]


def snapshot_task_states(env: NovaEnv, sid: str) -> list:
    seq = env.states(sid)
    return seq[seq.index(states.IMAGE_SNAPSHOT_PENDING) :]


# -- the image --------------------------------------------------------------------------------


def test_image_is_queued_with_the_specs_metadata(any_env: NovaEnv):
    sid = any_env.boot()
    demo = any_env.cloud.context("demo")
    image_id = snapshot(any_env, sid, metadata={"purpose": "backup"})
    image = any_env.glance_image(image_id)
    assert image["status"] == "queued"
    assert image["disk_format"] is None and image["container_format"] is None
    assert image["size"] is None
    assert image["visibility"] == "private"
    assert image["owner"] == demo.project_id
    assert image["instance_uuid"] == sid
    assert image["user_id"] == demo.user_id
    assert image["image_type"] == "snapshot"
    assert image["purpose"] == "backup"
    assert image["base_image_ref"] == any_env.image.id
    assert image["owner_project_name"] == "demo"
    assert image["owner_user_name"] == "demo"
    assert image["boot_roles"] == ",".join(demo.roles)  # Queens: member; upstream: and reader
    assert image["boot_roles"] in ("member", "member,reader")
    assert image["min_disk"] == 1  # max(image min_disk 0, flavor root_gb 1)
    assert image["min_ram"] == 0


def test_user_metadata_wins_over_nova_properties(env: NovaEnv):
    sid = env.boot()
    image_id = snapshot(env, sid, metadata={"image_type": "golden", "user_id": "someone"})
    image = env.glance_image(image_id)
    assert image["image_type"] == "golden"
    assert image["user_id"] == "someone"


@pytest.mark.parametrize("profile", ["nova-17.0.7", "upstream"])
def test_metadata_named_like_the_images_own_attributes_does_not_win(profile):
    """nova/image/glance.py _convert_to_v2 writes the properties first, then the image's later
    keys (name; is_public in 17.0.7, visibility after it): a property of the same name is
    overwritten; an empty kernel_id is left out."""
    env = NovaEnv(profile)
    sid = env.boot()
    meta = {"name": "other", "visibility": "public", "kernel_id": ""}
    image = env.glance_image(snapshot(env, sid, metadata=meta))
    assert (image["name"], image["visibility"], "kernel_id" in image) == ("snap", "private", False)


def test_inheritance_drops_non_inheritable_properties_and_cuts_values_at_255():
    props = {
        "hw_qemu_guest_agent": "yes",
        "os_distro": "cirros",
        "cache_in_nova": "true",
        "bittorrent": "true",
        "img_signature": "sig",
        "img_signature_hash_method": "SHA-256",
        "cinder_encryption_key_id": "7f1f4f0e-0000-4000-8000-000000000001",
        "long_value": "x" * 300,
    }
    image = {**BIG_IMAGE, "size": 10_000_000, "min_disk": 5, "min_ram": 256, "properties": props}
    # 21.0.0 on refuses to boot an image with cinder_encryption_key_id (LP #1863611): its
    # check off, the snapshot shows what is inherited
    config = {"glance": {"base_images": [image]}, "switches": {"lp1863611": True}}
    env = NovaEnv("upstream", config)
    sid = env.boot(flavor="2")
    snap = env.glance_image(snapshot(env, sid))
    assert snap["hw_qemu_guest_agent"] == "yes"
    assert snap["os_distro"] == "cirros"
    for dropped in (
        "cache_in_nova",
        "bittorrent",
        "img_signature",
        "img_signature_hash_method",
        "cinder_encryption_key_id",
    ):
        assert dropped not in snap
    assert snap["long_value"] == "x" * 255
    assert snap["min_disk"] == 20  # max(image's 5, flavor's 20 GB)
    assert snap["min_ram"] == 256


def test_flavor_smaller_than_the_images_min_disk_is_refused_at_boot():
    image = {**BIG_IMAGE, "size": 10_000_000, "min_disk": 5}
    env = NovaEnv("upstream", {"glance": {"base_images": [image]}})
    server = {"name": "x", "flavorRef": "1", "imageRef": env.image.id, "networks": "none"}
    resp = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.45")
    assert resp.status == 400
    assert resp.json()["badRequest"]["message"] == (
        "Flavor's disk is smaller than the minimum size specified in image metadata. Flavor "
        "disk is 1073741824 bytes, minimum size is 5368709120 bytes."
    )


def test_configured_non_inheritable_properties_are_dropped():
    image = {**BIG_IMAGE, "size": 10_000_000, "properties": {"secret_sauce": "1", "keep": "1"}}
    env = NovaEnv(
        "upstream",
        {
            "glance": {"base_images": [image]},
            "nova": {"non_inheritable_image_properties": "secret_sauce"},
        },
    )
    sid = env.boot()
    snap = env.glance_image(snapshot(env, sid))
    assert "secret_sauce" not in snap and snap["keep"] == "1"


def test_image_becomes_active_with_the_drivers_metadata(env: NovaEnv):
    sid = env.boot()
    image_id = snapshot(env, sid)
    env.cloud.run_until_idle()
    image = env.glance_image(image_id)
    assert image["status"] == "active"
    assert image["disk_format"] == "qcow2"
    assert image["container_format"] == "bare"
    assert image["image_location"] == "snapshot"
    assert image["image_state"] == "available"
    assert image["owner_id"] == env.cloud.context("demo").project_id
    assert image["size"] > 0


def test_server_status_does_not_change_during_a_snapshot(env: NovaEnv):
    sid = env.boot()
    snapshot(env, sid)
    env.cloud.advance(0.02)
    server = env.server(sid)
    assert server["status"] == "ACTIVE"
    # Extracting, after the libvirt bounce.
    assert server["OS-EXT-STS:task_state"] == states.IMAGE_PENDING_UPLOAD


# -- task states, actions, RPC ----------------------------------------------------------------


def test_task_state_sequence_with_the_libvirt_bounce(any_env: NovaEnv):
    sid = any_env.boot()
    snapshot(any_env, sid)
    any_env.cloud.run_until_idle()
    assert snapshot_task_states(any_env, sid) == BOUNCE
    actors = [
        e["actor"]
        for e in any_env.cloud.trace.filter(kind="state", subject=sid, field="task_state")
    ][-7:]
    assert actors[0] == "nova-api"
    assert set(actors[1:]) == {"nova-compute:cmp-1"}


def test_instance_action_and_the_rpc_cast(any_env: NovaEnv):
    sid = any_env.boot()
    resp = any_env.create_image(sid)
    rid = resp.headers["x-openstack-request-id"]
    casts = any_env.cloud.trace.filter(kind="rpc.cast", method="snapshot_instance")
    assert [c["subject"] for c in casts] == ["compute.cmp-1"]
    any_env.cloud.run_until_idle()
    action = any_env.request(
        "GET", f"/v2.1/servers/{sid}/os-instance-actions/{rid}", user="admin"
    ).json()["instanceAction"]
    assert action["action"] == "createImage"
    assert action["message"] is None
    events = action["events"]
    assert [e["event"] for e in events] == ["compute_snapshot_instance"]
    assert events[0]["result"] == "Success"


def test_seed_event_spans_the_snapshot_upstream_ends_at_once():
    finish = {}
    for profile in ("seed", "upstream"):
        env = timed_env(profile)
        sid = env.boot(flavor="2")
        rid = env.create_image(sid).headers["x-openstack-request-id"]
        env.cloud.run_until_idle()
        row = env.nova.db.action_get_by_request_id(sid, rid)
        event = row.events[0]
        finish[profile] = event.finish_time - event.start_time
    assert finish["upstream"] == 0.0
    assert finish["seed"] > 20.0  # the live snapshot's two copies and the upload


# -- the data path and its timing -------------------------------------------------------------


def test_live_snapshot_durations_follow_disk_size_and_throughputs():
    env = timed_env()
    sid = env.boot(flavor="2")
    snapshot(env, sid)
    env.cloud.run_until_idle()
    assert durations(env, "libvirt.blockRebase") == [10.0]
    assert durations(env, "qemu-img convert") == [10.0]
    assert durations(env, "glance.upload") == [8.0]
    assert durations(env, "libvirt.managedSave") == []
    begin = env.cloud.trace.first(kind="nova.snapshot", subject=sid, phase="begin")
    assert begin["live"] is True


def test_mirror_completion_is_seen_at_the_next_half_second_poll():
    env = timed_env(disk_throughput_mb_per_s=300.0)  # 1 GB in 3.333 s
    sid = env.boot(flavor="2")
    snapshot(env, sid)
    env.cloud.run_until_idle()
    rebase = env.cloud.trace.first(kind="io.start", label="libvirt.blockRebase")
    convert = env.cloud.trace.first(kind="io.start", label="qemu-img convert")
    assert convert["t"] - rebase["t"] == pytest.approx(3.5)


@pytest.mark.parametrize(
    ("action", "live", "suspended"),
    [("pause", True, False), ("os-stop", False, False), ("suspend", False, False)],
)
def test_live_or_cold_by_vm_state(action, live, suspended):
    env = timed_env()
    sid = env.boot(flavor="2")
    assert env.action(sid, {action: None}).status == 202
    env.cloud.run_until_idle()
    saves = len(durations(env, "libvirt.managedSave"))
    snapshot(env, sid)
    env.cloud.run_until_idle()
    begin = env.cloud.trace.first(kind="nova.snapshot", subject=sid, phase="begin")
    assert begin["live"] is live
    assert bool(durations(env, "libvirt.blockRebase")) is live
    assert durations(env, "qemu-img convert") == [10.0]
    assert len(durations(env, "libvirt.managedSave")) - saves == int(suspended)
    assert env.server(sid)["OS-EXT-STS:task_state"] is None


def test_paused_guest_stays_paused_and_stopped_guest_stays_off():
    env = timed_env()
    paused = env.boot("p", flavor="2")
    stopped = env.boot("s", flavor="2")
    env.action(paused, {"pause": None})
    env.action(stopped, {"os-stop": None})
    env.cloud.run_until_idle()
    snapshot(env, paused)
    snapshot(env, stopped)
    env.cloud.run_until_idle()
    assert env.server(paused)["OS-EXT-STS:power_state"] == states.POWER_PAUSED
    assert env.server(stopped)["OS-EXT-STS:power_state"] == states.SHUTDOWN


@pytest.mark.parametrize(
    "nova", [{"images_type": "lvm"}, {"disable_libvirt_livesnapshot": True}, {"virt_type": "xen"}]
)
def test_cold_snapshot_of_a_running_guest_suspends_it_meanwhile(nova):
    env = timed_env(**nova)
    sid = env.boot(flavor="2")
    snapshot(env, sid)
    env.cloud.run_until_idle()
    assert durations(env, "libvirt.blockRebase") == []
    assert durations(env, "qemu-img convert") == [10.0]
    assert len(durations(env, "libvirt.managedSave")) == 1
    assert len(durations(env, "libvirt.restore")) == 1
    server = env.server(sid)
    assert server["OS-EXT-STS:power_state"] == states.RUNNING
    assert server["status"] == "ACTIVE"


def test_lvm_snapshots_are_raw_and_upload_the_whole_virtual_disk():
    env = timed_env(images_type="lvm")
    sid = env.boot(flavor="2")
    image_id = snapshot(env, sid)
    env.cloud.run_until_idle()
    image = env.glance_image(image_id)
    assert image["disk_format"] == "raw"
    assert image["size"] == 20 * 1024**3
    assert durations(env, "glance.upload") == [pytest.approx(20 * 1024**3 / 125e6)]


def test_snapshot_image_format_option():
    env = timed_env(snapshot_image_format="raw")
    sid = env.boot(flavor="2")
    image_id = snapshot(env, sid)
    env.cloud.run_until_idle()
    assert env.glance_image(image_id)["disk_format"] == "raw"


def test_rbd_direct_snapshot_flattens_in_ceph_and_uploads_nothing():
    env = timed_env(images_type="rbd")
    sid = env.boot(flavor="2")
    image_id = snapshot(env, sid)
    env.cloud.run_until_idle()
    assert durations(env, "rbd.flatten") == [2.5]  # 1 GB at 400 MB/s inside Ceph
    assert durations(env, "qemu-img convert") == []
    assert durations(env, "glance.upload") == []
    image = env.glance_image(image_id)
    assert image["status"] == "active"
    assert image["disk_format"] == "raw"
    assert image["size"] == 20 * 1024**3  # the RBD image: the whole virtual disk
    assert snapshot_task_states(env, sid) == [
        states.IMAGE_SNAPSHOT_PENDING,
        states.IMAGE_SNAPSHOT,
        states.IMAGE_PENDING_UPLOAD,
        states.IMAGE_UPLOADING,
        None,
    ]


@pytest.mark.parametrize(
    "trigger",
    [
        {"nova": {"rbd_glance_store": False}},
        {"fault": exception.ImageUnacceptable(image_id="x", reason="no location api")},
    ],
)
def test_rbd_fallback_goes_cold_and_uploads(trigger):
    env = timed_env(images_type="rbd", **trigger.get("nova", {}))
    if "fault" in trigger:
        env.cloud.faults.add("nova.libvirt.direct_snapshot", error=trigger["fault"])
    sid = env.boot(flavor="2")
    image_id = snapshot(env, sid)
    env.cloud.run_until_idle()
    assert durations(env, "libvirt.blockRebase") == []  # qemu-img from RBD is unsafe live
    assert durations(env, "qemu-img convert") == [10.0]
    assert len(durations(env, "libvirt.managedSave")) == 1
    assert env.glance_image(image_id)["status"] == "active"
    assert snapshot_task_states(env, sid) == BOUNCE
    if "nova" in trigger:  # _get_parent_pool's own message, whole
        image_ref = env.server(sid)["image"]["id"]
        warned = [e["message"] for e in env.cloud.trace.filter(kind="log", level="warning")]
        assert warned == [
            "Performing standard snapshot because direct snapshot failed: Cannot determine the "
            f"parent storage pool for {image_ref}; cannot determine where to store images"
        ]


def test_max_concurrent_snapshots_queues_the_third_and_the_disk_is_shared():
    # The eventlet backend's semaphore (threading, 34.0.0's default: test_release_concurrency).
    env = timed_env(max_concurrent_snapshots=2, compute_hosts=1, concurrency_backend="eventlet")
    sids = [env.boot(f"vm{i}", flavor="2") for i in range(3)]
    for sid in sids:
        snapshot(env, sid)
    env.cloud.advance(1.0)
    assert [env.server(s)["OS-EXT-STS:task_state"] for s in sids] == [
        states.IMAGE_PENDING_UPLOAD,  # extracting, after the bounce
        states.IMAGE_PENDING_UPLOAD,
        states.IMAGE_SNAPSHOT,  # waiting for a slot
    ]
    env.cloud.run_until_idle()
    # Two extracts share the disk (half speed each): ~20 s per copy (they start 5 ms apart).
    assert durations(env, "libvirt.blockRebase")[:2] == [pytest.approx(20.0, abs=0.01)] * 2
    starts = env.cloud.trace.filter(kind="io.start", label="libvirt.blockRebase")
    assert starts[2]["t"] > starts[0]["t"] + 40


@pytest.mark.parametrize(("profile", "serial"), [("nova-18.3.0", False), ("nova-19.0.0", True)])
def test_disk_ops_semaphore_serializes_converts_and_uploads_from_19_0_0(profile, serial):
    """max_concurrent_disk_ops (19.0.0, 728f20e8f4) covers images.convert_image and the
    upload; the live mirror copies still share the disk. Before 19.0.0 it does not exist.
    (LP #1874032, whose upload blocks the host until 22.0.0, would serialise the uploads too.)"""
    nova = {**TIMED["nova"], "max_concurrent_disk_ops": 1, "compute_hosts": 1}
    env = NovaEnv(profile, {**TIMED, "nova": nova, "switches": {"lp1874032": False}})
    a, b = env.boot("a", flavor="2"), env.boot("b", flavor="2")
    snapshot(env, a)
    snapshot(env, b)
    env.cloud.run_until_idle()
    shared = [pytest.approx(20.0, abs=0.01)] * 2
    assert durations(env, "libvirt.blockRebase") == shared
    assert durations(env, "qemu-img convert") == ([10.0, 10.0] if serial else shared)
    assert durations(env, "glance.upload") == (
        [8.0, 8.0] if serial else [pytest.approx(16.0, abs=0.01)] * 2
    )


def test_legacy_notifications_by_default(env: NovaEnv):
    sid = env.boot()
    image_id = snapshot(env, sid)
    env.cloud.run_until_idle()
    events = env.cloud.trace.filter(kind="notification", instance_id=sid)
    types = [e["event_type"] for e in events if "snapshot" in e["event_type"]]
    assert types == ["compute.instance.snapshot.start", "compute.instance.snapshot.end"]
    assert events[-1]["actor"] == "compute.cmp-1"
    assert image_id


def test_versioned_notifications():
    env = NovaEnv("upstream", {"nova": {"notification_format": "both"}})
    sid = env.boot()
    image_id = snapshot(env, sid)
    env.cloud.run_until_idle()
    versioned = env.cloud.trace.filter(kind="notification", format="versioned")
    snaps = [e for e in versioned if e["event_type"].startswith("instance.snapshot")]
    assert [e["event_type"] for e in snaps] == ["instance.snapshot.start", "instance.snapshot.end"]
    assert snaps[0]["actor"] == "nova-compute:cmp-1"
    assert snaps[0]["snapshot_image_id"] == image_id
    assert snaps[0]["payload_version"] == "1.10"


# -- failure branches -------------------------------------------------------------------------


def test_image_deleted_during_the_extract_resets_task_state_quietly():
    env = timed_env()
    sid = env.boot(flavor="2")
    image_id = snapshot(env, sid)
    env.cloud.advance(5.0)  # mid mirror copy
    env.cloud.request("image", "DELETE", f"/v2/images/{image_id}")
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert server["OS-EXT-STS:task_state"] is None
    assert env.nova.db.faults.get(sid) is None
    types = [e["event_type"] for e in env.cloud.trace.filter(kind="notification")]
    assert "compute.instance.snapshot.end" not in types
    assert "_snapshot_instance" not in types


def test_server_deleted_during_the_extract_deletes_the_unfinished_image():
    env = timed_env()
    sid = env.boot(flavor="2")
    image_id = snapshot(env, sid)
    env.cloud.advance(5.0)
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    env.cloud.run_until_idle()
    assert env.glance_image(image_id) is None
    assert env.nova.db.faults.get(sid) is None
    assert env.request("GET", f"/v2.1/servers/{sid}").status == 404


def test_server_deleted_during_the_upload_keeps_the_active_image():
    env = timed_env()
    sid = env.boot(flavor="2")
    image_id = snapshot(env, sid)
    env.cloud.advance(24.0)  # extract done at ~20 s, uploading until ~28 s
    assert env.server(sid)["OS-EXT-STS:task_state"] == states.IMAGE_UPLOADING
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    env.cloud.run_until_idle()
    assert env.glance_image(image_id)["status"] == "active"
    assert env.nova.db.faults.get(sid) is None


@pytest.mark.parametrize(("profile", "event", "function"), [
    ("seed", "Error", "snapshot_instance"),
    ("upstream", "Success", "_snapshot_instance"),
])  # fmt: skip
def test_driver_failure_deletes_image_records_fault_and_resets(profile, event, function):
    env = timed_env(profile)
    env.cloud.faults.add("nova.libvirt.extract", error=RuntimeError("qemu-img: I/O error"))
    sid = env.boot(flavor="2")
    resp = env.create_image(sid)
    image_id = resp.json()["image_id"]
    rid = resp.headers["x-openstack-request-id"]
    env.cloud.run_until_idle()
    assert env.glance_image(image_id) is None
    server = env.server(sid)
    assert server["OS-EXT-STS:task_state"] is None
    assert server["status"] == "ACTIVE"
    assert "fault" not in server  # shown for ERROR/DELETED servers only
    fault = env.nova.db.fault_latest(sid)
    assert (fault.code, fault.message) == (500, "RuntimeError")
    assert "qemu-img: I/O error" in fault.details
    row = env.nova.db.action_get_by_request_id(sid, rid)
    assert row.events[0].result == event
    errors = env.cloud.trace.filter(kind="notification", priority="ERROR")
    # Queens sends legacy and versioned notifications (notification_format "both" until 20.0.0).
    versioned = ["compute.exception"] if env.cloud.profile == "seed" else []
    assert [e["event_type"] for e in errors] == [function, *versioned]


@pytest.mark.parametrize("profile", ["seed", "nova-20.6.0", "nova-20.6.1", "upstream"])
def test_glance_storage_quota_at_upload_fails_the_snapshot_asynchronously(profile):
    env = NovaEnv(
        profile,
        {
            "glance": {**TIMED["glance"], "user_storage_quota": "100MB"},
            "nova": TIMED["nova"],
        },
    )
    sid = env.boot(flavor="2")
    image_id = snapshot(env, sid)
    env.cloud.run_until_idle()
    assert env.glance_image(image_id) is None
    fault = env.nova.db.fault_latest(sid)
    if profile in ("seed", "nova-20.6.0"):
        # No HTTPOverLimit clause in _translate_image_exception before 21.0.0/20.6.1
        # (024bf10d8a): the glanceclient error, a foreign exception, is named by its class.
        assert (fault.code, fault.message) == (500, "HTTPOverLimit")
    else:
        assert fault.message == (
            f"Quota exceeded or out of space for image {image_id} in the image service."
        )
    assert env.server(sid)["OS-EXT-STS:task_state"] is None


def test_server_gone_before_the_compute_starts_leaks_the_queued_image(env: NovaEnv):
    sid = env.boot()
    env.kernel.rpc.set_up("compute.cmp-1", False)
    env.cloud.faults.add("rpc.queue", action="drop")  # its queue is gone: the cast is lost
    image_id = snapshot(env, sid)
    env.cloud.advance(1.0)
    # the lost cast and the fault that dropped it name the server it was for (the explorer's
    # paths find them by that)
    assert env.cloud.trace.filter(kind="rpc.lost", method="snapshot_instance", instance=sid)
    assert env.cloud.trace.filter(kind="fault", subject="rpc.queue", instance=sid)
    env.kernel.rpc.set_up("compute.cmp-1", True)
    env.cloud.run_until_idle()
    assert env.glance_image(image_id)["status"] == "queued"
    # the start's init_host clears it ("at start-up clearing task state"); the image stays
    assert env.server(sid)["OS-EXT-STS:task_state"] is None


def test_unexpected_task_state_at_the_compute_keeps_task_state_and_deletes_image(env: NovaEnv):
    sid = env.boot()
    resp = env.create_image(sid)
    image_id = resp.json()["image_id"]
    env.nova.force_state(sid, task_state=None)  # e.g. cleared by a restart meanwhile
    env.cloud.run_until_idle()
    assert env.glance_image(image_id) is None
    assert env.nova.db.fault_latest(sid).message.startswith(f"Conflict updating instance {sid}")
    rid = resp.headers["x-openstack-request-id"]
    assert env.nova.db.action_get_by_request_id(sid, rid).events[0].result == "Error"
    errors = env.cloud.trace.filter(kind="notification", priority="ERROR")
    assert [e["event_type"] for e in errors] == ["snapshot_instance"]


def test_snapshot_compression_shrinks_the_qcow2_upload():
    """``[libvirt] snapshot_compression``: ``qemu-img convert -c`` writes a quarter of the
    1 GB disk here (config ``snapshot_compression_ratio``), still qcow2; the extract takes as
    long, the upload over the 1 Gbit/s link a quarter as long (8 s uncompressed)."""
    env = timed_env(snapshot_compression=True, snapshot_compression_ratio=0.25)
    image_id = snapshot(env, env.boot())
    env.cloud.run_until_idle()
    image = env.glance_image(image_id)
    assert (image["size"], image["disk_format"]) == (25 * 10**7, "qcow2")
    assert durations(env, "qemu-img convert") == [10.0]
    assert durations(env, "glance.upload") == [2.0]


def test_rbd_disks_in_no_pool_leave_every_compute_without_a_node():
    # [libvirt] images_rbd_pool (Nova's default rbd, every release): an empty one fails each
    # compute's get_available_resource at the pool's stats (nova 17.0.0 rbd_utils
    # get_pool_info's open_ioctx(''), 33.0.0 'Pool  could not be found.'), logged by
    # _update_available_resource_for_node: no compute node, provider or host mapping is ever
    # made, so every boot, from an image or a volume, is NoValidHost and nothing is cast
    assert NovaEnv("upstream").cloud.kernel.config.nova.rbd_pool == "rbd"
    env = NovaEnv("upstream", {"nova": {"images_type": "rbd", "rbd_pool": ""}})
    for bfv in (False, True):
        server = env.server(env.boot(bfv=bfv, wait=False))
        env.cloud.run_until_idle()
        server = env.server(server["id"])
        assert server["status"] == "ERROR"
        assert server["fault"]["message"].startswith("No valid host was found.")
    assert not env.cloud.trace.filter(kind="rpc.cast", method="build_and_run_instance")
    hypervisors = env.request("GET", "/v2.1/os-hypervisors", user="admin").json()
    assert hypervisors == {"hypervisors": []}
    host = next(iter(env.cloud.nova.hosts))
    shown = env.request("GET", f"/v2.1/os-hosts/{host}", user="admin")
    assert (shown.status, shown.json()["itemNotFound"]["message"]) == (
        404,
        f"Host '{host}' is not mapped to any cell",
    )
