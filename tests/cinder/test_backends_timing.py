"""Backend kinds in virtual time (spec A5.1): metadata-only snapshots on thin LVM and RBD,
thick LVM that zeroes on delete, a copying backend whose copies share its throughput, volumes
from snapshots and images, and the fault points that fail, delay or stall the work."""

import pytest
from cinder_support import (
    MEMBER,
    RPC,
    GiB,
    absolute,
    call,
    create_snapshot,
    create_volume,
    glance_image,
    states,
)

from fakecloud import Cloud

COPY_10_GIB_AT_100_MB_S = 10 * GiB / 100e6  # 107.3741824 s


def _cloud(kind, **backend):
    return Cloud(
        config={
            "cinder": {
                "backends": {"b1": {"kind": kind, **backend}},
                "volume_types": {"__DEFAULT__": {"backend": "b1"}},
            }
        }
    )


def _post_snapshot(cloud, vid):
    resp = call(cloud, "POST", "snapshots", {"snapshot": {"volume_id": vid, "force": True}})
    assert resp.status == 202
    return resp.json()["snapshot"]["id"]


def _available_at(cloud, subject):
    return cloud.trace.first(kind="state", subject=subject, new="available")["t"]


def _io_durations(cloud, label):
    return [e["duration_s"] for e in cloud.trace.filter(kind="io.finish", label=label)]


def test_blank_volume_takes_two_rpc_hops_and_the_create_time():
    cloud = _cloud("lvm-thin", volume_create_s=2.5)
    vid = create_volume(cloud, size=10)
    assert _available_at(cloud, vid) == pytest.approx(2 * RPC + 2.5)
    assert states(cloud, vid) == ["creating", "available"]


@pytest.mark.parametrize("kind", ["lvm-thin", "rbd"])
def test_thin_and_rbd_snapshots_take_the_configured_small_time_whatever_the_size(kind):
    cloud = _cloud(kind, snapshot_create_s=0.3, snapshot_delete_s=0.2)
    vid = create_volume(cloud, size=500)
    t0 = cloud.now
    sid = _post_snapshot(cloud, vid)
    cloud.run_until_idle()
    assert _available_at(cloud, sid) - t0 == pytest.approx(2 * RPC + 0.3)
    t1 = cloud.now
    call(cloud, "DELETE", f"snapshots/{sid}")
    cloud.run_until_idle()
    deleted = cloud.trace.first(kind="state", subject=sid, new="deleted")["t"]
    assert deleted - t1 == pytest.approx(RPC + 0.2)
    assert cloud.trace.filter(kind="io.start") == []


def test_thick_lvm_snapshot_is_instant_but_its_delete_zeroes_the_whole_size():
    cloud = _cloud("lvm-thick", throughput_mb_per_s=100.0)
    vid = create_volume(cloud, size=10)
    t0 = cloud.now
    sid = _post_snapshot(cloud, vid)
    cloud.run_until_idle()
    assert _available_at(cloud, sid) - t0 == pytest.approx(2 * RPC)
    t1 = cloud.now
    call(cloud, "DELETE", f"snapshots/{sid}")
    cloud.run_until_idle()
    assert _io_durations(cloud, "cinder.clear_snapshot") == [pytest.approx(COPY_10_GIB_AT_100_MB_S)]
    deleted = cloud.trace.first(kind="state", subject=sid, new="deleted")["t"]
    assert deleted - t1 == pytest.approx(RPC + COPY_10_GIB_AT_100_MB_S)


def test_thick_lvm_volume_delete_zeroes_it_unless_volume_clear_is_none():
    cloud = _cloud("lvm-thick", throughput_mb_per_s=100.0)
    vid = create_volume(cloud, size=10)
    call(cloud, "DELETE", f"volumes/{vid}")
    cloud.run_until_idle()
    assert _io_durations(cloud, "cinder.clear_volume") == [pytest.approx(COPY_10_GIB_AT_100_MB_S)]
    cloud = _cloud("lvm-thick", volume_clear="none", volume_delete_s=0.5)
    vid = create_volume(cloud, size=10)
    t0 = cloud.now
    call(cloud, "DELETE", f"volumes/{vid}")
    cloud.run_until_idle()
    assert cloud.now - t0 == pytest.approx(RPC + 0.5)


def test_thick_lvm_snapshot_needs_free_space_for_the_whole_volume():
    cloud = _cloud("lvm-thick", capacity_gb=20)
    vid = create_volume(cloud, size=10)
    first, second = _post_snapshot(cloud, vid), _post_snapshot(cloud, vid)
    cloud.run_until_idle()
    assert cloud.cinder.snapshot(first).status == "available"
    assert cloud.cinder.snapshot(second).status == "error"
    err = cloud.trace.first(kind="cinder.error", subject=second)
    assert "Insufficient free space for snapshot" in err["error"]


def test_snapshot_with_no_room_is_cannot_place_and_no_user_message():
    # backend_passes_filters: no weighed backend is the volume's (CapacityFilter), so
    # "Cannot place snapshot <id> on <service_topic_queue>." (cinder 12.0.0-29.0.0
    # scheduler/filter_scheduler.py); _set_snapshot_state_and_notify records no message
    cloud = _cloud("lvm-thick", capacity_gb=15)
    vid = create_volume(cloud, size=10)
    sid = _post_snapshot(cloud, vid)
    cloud.run_until_idle()
    assert cloud.cinder.snapshot(sid).status == "error"
    errors = [e["error"] for e in cloud.trace.filter(kind="cinder.error", subject=sid)]
    assert errors == [f"Cannot place snapshot {sid} on cinder@b1."]
    assert call(cloud, "GET", "messages", version="3.3").json()["messages"] == []


def test_copying_backend_takes_size_over_throughput():
    cloud = _cloud("copy", throughput_mb_per_s=100.0)
    vid = create_volume(cloud, size=10)
    t0 = cloud.now
    sid = _post_snapshot(cloud, vid)
    cloud.advance(60)
    assert call(cloud, "GET", f"snapshots/{sid}").json()["snapshot"]["status"] == "creating"
    cloud.run_until_idle()
    assert _io_durations(cloud, "cinder.copy_snapshot") == [pytest.approx(COPY_10_GIB_AT_100_MB_S)]
    assert _available_at(cloud, sid) - t0 == pytest.approx(2 * RPC + COPY_10_GIB_AT_100_MB_S)


def test_two_concurrent_copies_on_one_backend_share_its_throughput():
    cloud = _cloud("copy", throughput_mb_per_s=100.0)
    a, b = create_volume(cloud, size=10), create_volume(cloud, size=10)
    t0 = cloud.now
    sa, sb = _post_snapshot(cloud, a), _post_snapshot(cloud, b)
    cloud.run_until_idle()
    assert _io_durations(cloud, "cinder.copy_snapshot") == [
        pytest.approx(2 * COPY_10_GIB_AT_100_MB_S),
        pytest.approx(2 * COPY_10_GIB_AT_100_MB_S),
    ]
    for sid in (sa, sb):
        assert _available_at(cloud, sid) - t0 == pytest.approx(
            2 * RPC + 2 * COPY_10_GIB_AT_100_MB_S
        )


def test_copies_on_different_backends_do_not_share():
    cloud = Cloud(
        config={
            "cinder": {
                "backends": {
                    "nfs-a": {"kind": "copy", "throughput_mb_per_s": 100.0},
                    "nfs-b": {"kind": "copy", "throughput_mb_per_s": 100.0},
                },
                "volume_types": {
                    "__DEFAULT__": {"backend": "nfs-a"},
                    "b": {"backend": "nfs-b"},
                },
            }
        }
    )
    a, b = create_volume(cloud, size=10), create_volume(cloud, size=10, volume_type="b")
    _post_snapshot(cloud, a), _post_snapshot(cloud, b)
    cloud.run_until_idle()
    assert _io_durations(cloud, "cinder.copy_snapshot") == [
        pytest.approx(COPY_10_GIB_AT_100_MB_S),
        pytest.approx(COPY_10_GIB_AT_100_MB_S),
    ]


@pytest.mark.parametrize(
    ("kind", "copy_label"),
    [
        ("lvm-thin", None),
        ("rbd", None),
        ("lvm-thick", "cinder.copy_snapshot_to_volume"),
        ("copy", "cinder.copy_snapshot_to_volume"),
    ],
)
def test_volume_from_snapshot_is_a_clone_or_a_full_copy(kind, copy_label):
    cloud = _cloud(kind, throughput_mb_per_s=100.0)
    vid = create_volume(cloud, size=10)
    sid = create_snapshot(cloud, vid)
    t0 = cloud.now
    resp = call(cloud, "POST", "volumes", {"volume": {"snapshot_id": sid}})
    assert resp.status == 202
    new = resp.json()["volume"]
    assert (new["size"], new["snapshot_id"]) == (10, sid)
    cloud.run_until_idle()
    took = _available_at(cloud, new["id"]) - t0
    if copy_label is None:
        assert _io_durations(cloud, "cinder.copy_snapshot_to_volume") == []
        assert took < 5
    else:
        assert _io_durations(cloud, copy_label) == [pytest.approx(COPY_10_GIB_AT_100_MB_S)]
        assert took > COPY_10_GIB_AT_100_MB_S


@pytest.mark.parametrize("kind", ["lvm-thin", "lvm-thick"])
def test_lvm_volume_larger_than_its_snapshot_and_the_snapshot_deleted_first(kind):
    """LVM's ``create_volume_from_snapshot`` (cinder 12.0.10-29.0.0 lvm.py, the same code):
    thin, a thin snapshot of the snapshot's LV, extended to the size asked; thick, a new LV of
    that size into which ``copy_volume`` copies the snapshot's ``volume_size`` alone. Either
    volume is its own LV: the snapshot, then its volume, delete with no ``SnapshotIsBusy`` or
    ``VolumeIsBusy`` (RBD's clone would hold its snapshot busy: the test above)."""
    cloud = _cloud(kind, throughput_mb_per_s=100.0)
    vid = create_volume(cloud, size=10)
    sid = create_snapshot(cloud, vid)
    resp = call(cloud, "POST", "volumes", {"volume": {"snapshot_id": sid, "size": 15}})
    new = resp.json()["volume"]["id"]
    cloud.run_until_idle()
    shown = call(cloud, "GET", f"volumes/{new}").json()["volume"]
    assert (shown["status"], shown["size"]) == ("available", 15)
    copied = _io_durations(cloud, "cinder.copy_snapshot_to_volume")
    assert copied == ([] if kind == "lvm-thin" else [pytest.approx(COPY_10_GIB_AT_100_MB_S)])
    for path in (f"snapshots/{sid}", f"volumes/{vid}", f"volumes/{new}"):
        assert call(cloud, "DELETE", path).status == 202
        cloud.run_until_idle()
    assert states(cloud, sid)[-1] == "deleted" and states(cloud, vid)[-1] == "deleted"
    assert states(cloud, new)[-1] == "deleted" and not cloud.check_invariants()


def test_rbd_snapshot_with_clones_is_busy_unless_flattened():
    cloud = _cloud("rbd")
    vid = create_volume(cloud, size=10)
    sid = create_snapshot(cloud, vid)
    clone = call(cloud, "POST", "volumes", {"volume": {"snapshot_id": sid}}).json()["volume"]["id"]
    cloud.run_until_idle()
    call(cloud, "DELETE", f"snapshots/{sid}")
    cloud.run_until_idle()
    assert states(cloud, sid)[-2:] == ["deleting", "available"]
    call(cloud, "DELETE", f"volumes/{clone}")
    cloud.run_until_idle()
    call(cloud, "DELETE", f"snapshots/{sid}")
    cloud.run_until_idle()
    assert sid not in cloud.cinder.store.snapshots

    flat = _cloud("rbd", rbd_flatten_volume_from_snapshot=True, throughput_mb_per_s=100.0)
    vid = create_volume(flat, size=10)
    sid = create_snapshot(flat, vid)
    call(flat, "POST", "volumes", {"volume": {"snapshot_id": sid}})
    flat.run_until_idle()
    assert _io_durations(flat, "cinder.rbd_flatten") == [pytest.approx(COPY_10_GIB_AT_100_MB_S)]
    call(flat, "DELETE", f"snapshots/{sid}")
    flat.run_until_idle()
    assert sid not in flat.cinder.store.snapshots


def test_volume_from_image_downloads_it_and_is_bootable():
    cloud = _cloud("lvm-thin", throughput_mb_per_s=200.0)
    image = glance_image(cloud, 2_000_000_000, name="cirros", min_disk=1)
    t0 = cloud.now
    resp = call(cloud, "POST", "volumes", {"volume": {"size": 3, "imageRef": image}})
    assert resp.status == 202
    vid = resp.json()["volume"]["id"]
    cloud.run_until_idle()
    # 2 GB through the 1000 MB/s download link and the 200 MB/s backend: 10 s, after the
    # 1 s create, after two RPC hops.
    assert _io_durations(cloud, "cinder.image_download") == [pytest.approx(10.0)]
    assert _available_at(cloud, vid) - t0 == pytest.approx(2 * RPC + 1.0 + 10.0)
    shown = call(cloud, "GET", f"volumes/{vid}").json()["volume"]
    assert shown["bootable"] == "true"
    assert shown["volume_image_metadata"]["image_id"] == image
    assert shown["volume_image_metadata"]["image_name"] == "cirros"


def test_stalled_snapshot_stays_creating_until_released():
    cloud = _cloud("lvm-thin", snapshot_create_s=0.5)
    vid = create_volume(cloud)
    cloud.faults.add("cinder.snapshot.create", "stall", match={"volume_id": vid})
    sid = _post_snapshot(cloud, vid)
    cloud.advance(3600)
    assert cloud.cinder.snapshot(sid).status == "creating"
    assert cloud.kernel.running()  # the volume manager's work waits on the stall
    released_at = cloud.now
    assert cloud.faults.release("cinder.snapshot.create") == 1
    cloud.run_until_idle()
    assert _available_at(cloud, sid) - released_at == pytest.approx(0.5)


def test_delay_fault_adds_its_time():
    cloud = _cloud("lvm-thin", snapshot_create_s=0.5)
    vid = create_volume(cloud)
    cloud.faults.add("cinder.snapshot.create", "delay", delay_s=30.0)
    t0 = cloud.now
    sid = _post_snapshot(cloud, vid)
    cloud.run_until_idle()
    assert _available_at(cloud, sid) - t0 == pytest.approx(2 * RPC + 30.0 + 0.5)


def test_driver_fault_matching_one_operation_fails_only_it():
    cloud = _cloud("lvm-thin")
    vid = create_volume(cloud)
    cloud.faults.add("cinder.driver", error="CinderBackendError", match={"op": "create_snapshot"})
    sid = create_snapshot(cloud, vid)
    assert cloud.cinder.snapshot(sid).status == "error"
    err = cloud.trace.first(kind="cinder.error", subject=sid)
    assert err["error"] == (
        "Bad or unexpected response from the storage volume backend API: injected fault"
    )
    assert create_volume(cloud) in cloud.cinder.store.volumes


def test_copy_failing_mid_transfer_errors_the_snapshot_and_keeps_quota():
    cloud = _cloud("copy", throughput_mb_per_s=100.0)
    vid = create_volume(cloud, size=10)
    cloud.faults.add("io.transfer", error="CinderBackendError", at=cloud.now + 50.0)
    sid = _post_snapshot(cloud, vid)
    cloud.run_until_idle()
    assert cloud.cinder.snapshot(sid).status == "error"
    assert cloud.trace.first(kind="state", subject=sid, new="error")["t"] == pytest.approx(
        1.004 + 50.0
    )
    assert absolute(cloud)["totalSnapshotsUsed"] == 1
    assert cloud.cinder.drivers["b1"].allocated_gb == 10


def test_volume_service_down_leaves_the_snapshot_creating_until_it_is_back():
    cloud = _cloud("lvm-thin")
    vid = create_volume(cloud)
    target = cloud.cinder.volume_target("b1")
    cloud.kernel.rpc.set_up(target, False)
    sid = _post_snapshot(cloud, vid)
    cloud.run_until_idle()
    assert cloud.cinder.snapshot(sid).status == "creating"
    # The cast waits in cinder-volume's queue (amqp_auto_delete=False) ...
    assert cloud.trace.first(kind="rpc.queued", method="create_snapshot") is not None
    assert cloud.kernel.rpc.queued(target) == ["create_snapshot"]
    # ... and is consumed when the service is back.
    cloud.kernel.rpc.set_up(target, True)
    cloud.run_until_idle()
    assert cloud.cinder.snapshot(sid).status == "available"


@pytest.mark.parametrize("down_time", [60.0, 300.0])
def test_scheduler_fails_new_work_once_the_stopped_service_is_past_service_down_time(down_time):
    # Service.is_up: the last heartbeat (every 10 s) within service_down_time; the host
    # manager skips a service not up (cinder 12.0.0-29.0.0 scheduler/host_manager.py)
    cloud = Cloud(
        config={
            "cinder": {
                "backends": {"b1": {"kind": "lvm-thin"}},
                "volume_types": {"__DEFAULT__": {"backend": "b1"}},
                "service_down_time_s": down_time,
            }
        }
    )
    vid = create_volume(cloud)
    target = cloud.cinder.volume_target("b1")
    cloud.kernel.rpc.set_up(target, False)
    last_heartbeat = cloud.now // 10 * 10
    cloud.advance(last_heartbeat + down_time - 1 - cloud.now)
    queued = _post_snapshot(cloud, vid)  # still up to the scheduler: cast, waits in the queue
    cloud.run_until_idle()
    assert cloud.cinder.snapshot(queued).status == "creating"
    assert cloud.now < last_heartbeat + down_time
    cloud.advance(last_heartbeat + down_time - cloud.now)
    failed = _post_snapshot(cloud, vid)  # past service_down_time once the scheduler has it
    resp = call(cloud, "POST", "volumes", {"volume": {"size": 1}})
    cloud.run_until_idle()
    new = resp.json()["volume"]["id"]
    assert cloud.cinder.snapshot(failed).status == "error"
    assert call(cloud, "GET", f"volumes/{new}").json()["volume"]["status"] == "error"
    errors = [e["error"] for e in cloud.trace.filter(kind="cinder.error")]
    assert errors == [
        f"Cannot place snapshot {failed} on cinder@b1.",
        "No valid backend was found. No weighed backends available",
    ]
    assert cloud.kernel.rpc.queued(target) == ["create_snapshot"]
    cloud.kernel.rpc.set_up(target, True)
    cloud.run_until_idle()
    assert cloud.cinder.snapshot(queued).status == "available"


def test_unknown_backend_kind_or_type_backend_is_a_config_error():
    from fakecloud.errors import ConfigError

    with pytest.raises(ConfigError, match="kind must be one of lvm-thin, lvm-thick, rbd, copy"):
        _cloud("zfs")
    with pytest.raises(ConfigError, match="unknown config key cinder.backends.b1.thruput"):
        _cloud("copy", thruput=1)
    with pytest.raises(ConfigError, match="backend 'nope' is not a configured backend"):
        Cloud(config={"cinder": {"volume_types": {"__DEFAULT__": {"backend": "nope"}}}})
    assert MEMBER.project_id


@pytest.mark.parametrize(("kind", "copies"), [("lvm-thin", False), ("copy", True)])
def test_cloned_volume_is_a_copy_on_copying_kinds(kind, copies):
    cloud = _cloud(kind, throughput_mb_per_s=100.0)
    src = create_volume(cloud, size=10)
    resp = call(cloud, "POST", "volumes", {"volume": {"source_volid": src}})
    assert resp.status == 202
    assert (resp.json()["volume"]["size"], resp.json()["volume"]["source_volid"]) == (10, src)
    cloud.run_until_idle()
    expected = [pytest.approx(COPY_10_GIB_AT_100_MB_S)] if copies else []
    assert _io_durations(cloud, "cinder.clone_volume") == expected
    assert cloud.cinder.volume(resp.json()["volume"]["id"]).status == "available"


@pytest.mark.parametrize(("profile", "flattens"), [("nova-28.3.0", False), ("nova-28.3.1", True)])
def test_rbd_flattens_a_snapshots_clones_to_delete_it_from_cinder_24(profile, flattens):
    """Cinder 24.0.0 (backport 23.3.0, beside Nova 28.3.1): ``RBDDriver.delete_snapshot``
    flattens each clone of a busy snapshot (its size copied into it), waits
    ``rados_connection_interval`` and deletes the snapshot, which Tempest's snapshot and
    cascade-delete tests on Ceph wait for; before, ``SnapshotIsBusy`` (the test above)."""
    cloud = Cloud(
        profile=profile,
        config={"cinder": {"backends": {"b1": {"kind": "rbd", "throughput_mb_per_s": 100.0}},
                           "volume_types": {"__DEFAULT__": {"backend": "b1"}}}},
    )  # fmt: skip
    vid = create_volume(cloud, size=10)
    sid = create_snapshot(cloud, vid)
    clone = call(cloud, "POST", "volumes", {"volume": {"snapshot_id": sid}}).json()["volume"]["id"]
    cloud.run_until_idle()
    asked = cloud.now
    assert call(cloud, "DELETE", f"snapshots/{sid}").status == 202
    cloud.run_until_idle()
    if not flattens:
        assert states(cloud, sid)[-2:] == ["deleting", "available"]
        return
    assert _io_durations(cloud, "cinder.rbd_flatten") == [pytest.approx(COPY_10_GIB_AT_100_MB_S)]
    assert sid not in cloud.cinder.store.snapshots and states(cloud, sid)[-1] == "deleted"
    gone = cloud.trace.first(kind="state", subject=sid, new="deleted")["t"]
    # the delete's 0.5 s (snapshot_delete_s), the copy, the retry's 5 s, the RPC hops
    assert gone - asked == pytest.approx(0.5 + COPY_10_GIB_AT_100_MB_S + 5.0, abs=0.05)
    # the clone depends on nothing now: its parent volume deletes, and so does it
    for volume in (vid, clone):
        assert call(cloud, "DELETE", f"volumes/{volume}").status == 202
    cloud.run_until_idle()
    assert states(cloud, vid)[-1] == states(cloud, clone)[-1] == "deleted"
    assert not cloud.check_invariants()
