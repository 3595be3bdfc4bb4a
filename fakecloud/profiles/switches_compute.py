"""Switches of Nova's compute API and compute manager: the volume-backed path's checks, how
snapshots run on a host (RPC worker, semaphores, executors, concurrency backend), the snapshot
image's metadata, notifications and logs."""

from __future__ import annotations

from fakecloud.profiles.provenance import Backport, Change, Switch

SWITCHES = (
    Switch(
        "lp1837877",
        "bug (CVE-2019-14433): the instance fault of a non-Nova exception (a libvirt error, an "
        "untranslated Glance error) carries the exception's text, shown to the server's owner; "
        "fixed: only its class name.",
        True,
        (
            Change(
                "20.0.0",
                "298b337a16",
                "Closes-Bug #1837877: replace a non-nova server fault message",
                backports=(
                    Backport("17.0.12", "3dcefba60a"),
                    Backport("18.2.2", "e0b91a5b1e"),
                    Backport("19.0.2", "6765188116"),
                ),
            ),
        ),
    ),
    Switch(
        "lp1745529",
        "bug: shelving a PAUSED image-backed server asks libvirt for a clean shutdown, which it "
        "refuses ('Requested operation is not valid: domain is not running'): the shelve "
        "fails (fault, event Error, the server left PAUSED, its -shelved image queued); "
        "fixed: a paused guest is powered off hard.",
        True,
        (
            Change(
                "18.0.0",
                "d5901f613c",
                "Closes-Bug #1745529: fix shelving a paused instance",
                backports=(Backport("17.0.5", "f521e03f8e"),),
            ),
        ),
    ),
    Switch(
        "rpc_call_monitor",
        "the compute RPC client monitors calls (quiesce_instance) with heartbeats when "
        "rpc_response_timeout is above 60 s (nova.rpc.HEARTBEAT_THRESHOLD): a call no compute "
        "takes fails after 60 s, one the compute works on waits the whole timeout; before, "
        "every call waits rpc_response_timeout.",
        False,
        (Change("18.0.0", "fe26a52024", "use oslo.messaging per-call monitoring"),),
    ),
    Switch(
        "cinder_limits_precheck",
        "snapshot_volume_backed checks Cinder's absolute limits (totalSnapshotsUsed + volumes > "
        "maxTotalSnapshots: 403) before quiescing or creating any snapshot, and maps local "
        "block devices ahead of the volumes (before: one loop in DB order, no pre-check).",
        False,
        (
            Change(
                "18.0.0",
                "289d2703c7",
                "Related-Bug #1731986: check quota before creating volume snapshots",
                backports=(Backport("17.0.1", "c65dfeecae"),),
            ),
        ),
    ),
    Switch(
        "snapshot_inline_in_rpc_worker",
        "the image-backed snapshot runs inline in the RPC worker, so its instance-action event "
        "spans the whole snapshot (otherwise spawned on the long-task executor, the event "
        "Success at once).",
        True,
        (
            Change(
                "33.0.0",
                "9e678b83eb",
                "snapshot_instance spawns the snapshot on the single long-task executor",
            ),
        ),
    ),
    Switch(
        "instance_snapshot_branch",
        "the vendor instance-snapshot feature: snapshot_id in the createImage schema, "
        "/servers/{id}/snapshots, snapshot_current and snapshot_create_image (not in any "
        "upstream release; on in the seed profiles and with '+vendor').",
        False,
        vendor=True,
    ),
    Switch(
        "default_notification_format",
        "[notifications] notification_format when nova.notification_format is not set.",
        "both",
        (
            Change(
                "20.0.0",
                "ed613aa66f",
                "LP #1805659: the default becomes unversioned",
                "unversioned",
            ),
        ),
    ),
    Switch(
        "default_glance_num_retries",
        "[glance] num_retries when image_api.num_retries is not set: how many times Nova's "
        "Glance client (GlanceClientWrapper.call) retries a request that met a 503 or no "
        "Glance, 1 s apart, before GlanceConnectionFailed. 0: one attempt.",
        0,
        (
            Change(
                "22.0.0",
                "662af9fab6",
                "LP #1888168: the default becomes 3, as Cinder's and Neutron's clients' "
                "(nova/conf/glance.py; 0 in 17.0.7, 18.3.0, 19.3.2, 20.4.1, 21.1.1)",
                3,
                backports=(Backport("20.5.0", "ca2fd8098a"), Backport("21.1.2", "1f9dd694b9")),
            ),
        ),
    ),
    Switch(
        "snapshot_payload_version",
        "version of the versioned instance.snapshot.* payload (InstanceActionSnapshotPayload).",
        "1.6",
        (
            Change(
                "18.0.0",
                "2bca6431e6",
                "1.7 request_id and 1.8 action_initiator_user/project in InstancePayload",
                "1.8",
            ),
            Change("20.0.0", "c541ace518", "1.9: locked_reason (microversion 2.73)", "1.9"),
            Change("31.0.0", "bf96ca7c9a", "1.10: shares in InstancePayload", "1.10"),
        ),
    ),
    Switch(
        "exception_payload_version",
        "version of the versioned compute.exception payload (ExceptionPayload).",
        "1.0",
        (Change("18.0.0", "2a0f2a0d27", "1.1: the full traceback in ExceptionPayload", "1.1"),),
    ),
    Switch(
        "lp1754071",
        "bug: when the server disappears during a snapshot and its image is already gone, the "
        "clean-up logs the warning 'Error while trying to clean up image' (fixed: a debug "
        "'Image not found during clean up').",
        True,
        (
            Change(
                "18.0.0",
                "1c56ef6b5d",
                "Closes-Bug #1754071: avoid the warning log when the image does not exist",
            ),
        ),
    ),
    Switch(
        "snapshot_hypervisor_time_log",
        "_snapshot_instance logs 'Took N seconds to snapshot the instance on the hypervisor.'",
        False,
        (Change("18.0.0", "eda85cc624", "add a log of the time the driver's snapshot took"),),
    ),
    Switch(
        "snapshot_drops_os_glance_properties",
        "snapshot images do not inherit the server image's os_glance* properties.",
        False,
        (Change("23.0.0", "dda179d3f9", "do not inherit os_glance properties on snapshot"),),
    ),
    Switch(
        "volume_backed_image_raw",
        "the zero-byte image of a volume-backed snapshot is force-activated as raw (another "
        "disk_format is ImageBadRequest); before, with the image schema's preferred disk "
        "format (qcow2) from GET /v2/schemas/image.",
        False,
        (
            Change(
                "31.0.0",
                "e28f90866b",
                "fix the image format of volume-backed snapshots (format inspection on upload)",
            ),
        ),
    ),
    Switch(
        "snapshot_semaphore",
        "image-backed snapshots on a host wait for one of [DEFAULT] max_concurrent_snapshots "
        "slots (default 5; 0: no limit); before, no limit and no such option.",
        False,
        (Change("22.0.0", "6bb0c4fdab", "blueprint max-concurrent-snapshots"),),
    ),
    Switch(
        "compute_threading_mode",
        "nova-compute can run on native threads (OS_NOVA_DISABLE_EVENTLET_PATCHING): one "
        "long-task executor of max(max_concurrent_builds, max_concurrent_snapshots) workers "
        "shared by builds and snapshots, the semaphores unlimited; before, eventlet only.",
        False,
        (
            Change(
                "33.0.0",
                "9e678b83eb",
                "[compute] use a single long-task executor (native threading mode, Gazpacho; "
                "with 3c23390cc8 and efd61188c1)",
            ),
        ),
    ),
    Switch(
        "default_concurrency_backend",
        "nova-compute's concurrency backend when nova.concurrency_backend is not set.",
        "eventlet",
        (
            Change(
                "34.0.0",
                "90e1f6adb3",
                "default native threading for conductor and compute (41a24caee3 adds "
                "[DEFAULT] concurrency_backend, auto)",
                "threading",
            ),
        ),
    ),
)
