"""createImage of a server booted from a volume (spec 3.4): the zero-byte image and what it
inherits, the volume snapshots in Cinder, the block device mapping, the state gate by profile,
the Cinder limits pre-check, the instance action and its ``api_snapshot_instance`` event, and
every error on the way with the code the user gets. The guest's quiesce is in test_quiesce.py."""

from __future__ import annotations

import json

import pytest

from fakecloud.nova import states
from fakecloud.nova.objects import BDM_FIELDS, BlockDeviceMapping, image_mapping_fields
from tests.nova.conftest import unexpected_500
from tests.nova.volume_backed_env import (
    DATA_VOLUME,
    EPHEMERAL,
    NO_AGENT,
    QGA,
    STRICT,
    BfvEnv,
    backend_config,
)

SWAP = {
    "boot_index": -1,
    "source_type": "blank",
    "destination_type": "local",
    "volume_size": 1,
    "guest_format": "swap",
}
COPIED = ("boot_index", "device_name", "delete_on_termination", "volume_size", "disk_bus",
          "device_type")  # fmt: skip


@pytest.fixture(params=["seed", "upstream"])
def env(request) -> BfvEnv:
    return BfvEnv(request.param)


def _mapping(image: dict) -> list[dict]:
    raw = image["block_device_mapping"]
    assert isinstance(raw, str)  # Glance stores Nova's list as a JSON string
    return json.loads(raw)


# -- the image -------------------------------------------------------------------------------


def test_offline_snapshot_makes_an_active_zero_byte_image_at_once(env: BfvEnv):
    sid = env.boot_bfv(image=NO_AGENT)
    env.server_action(sid, "os-stop")
    t0 = env.cloud.now
    image_id = env.snap(sid, metadata={"purpose": "backup"})
    image = env.glance_image(image_id)
    assert (image["status"], image["size"]) == ("active", 0)
    # Raw from 31.0.0 (e28f90866b); Queens asks Glance's image schema and claims qcow2.
    fmt = "raw" if env.kernel.switches.volume_backed_image_raw else "qcow2"
    assert (image["disk_format"], image["container_format"]) == (fmt, "bare")
    asked = env.cloud.trace.filter(kind="http.request", subject="GET /v2/schemas/image")
    assert len(asked) == (fmt == "qcow2")
    assert image["checksum"] == "d41d8cd98f00b204e9800998ecf8427e"  # md5 of no bytes
    assert image["visibility"] == "private"
    assert image["owner"] == env.cloud.context("demo").project_id
    assert image["root_device_name"] == "/dev/vda"
    assert image["bdm_v2"] == "True"
    assert image["purpose"] == "backup"
    # Inherited from the server's system metadata, not made up:
    assert image["base_image_ref"] == ""
    assert (image["owner_user_name"], image["owner_project_name"]) == ("demo", "demo")
    assert image["min_disk"] == 1  # max(image min_disk, flavor root_gb)
    # Unlike the image-backed path, Nova adds none of these:
    for key in ("instance_uuid", "user_id", "image_type"):
        assert key not in image
    # The image is active before its volume snapshot is (LP #1489581).
    (snap,) = env.volume_snapshots()
    assert snap["status"] == "creating"
    assert env.cloud.now - t0 < 0.5
    env.cloud.run_until_idle()
    assert [s["status"] for s in env.volume_snapshots()] == ["available"]


def test_the_mapping_has_the_six_copied_fields_and_nothing_else_of_the_volume(env: BfvEnv):
    sid = env.boot_bfv(image=NO_AGENT)
    bdm = env.nova.db.bdms_by_instance(sid)[0]
    # Fields a snapshot does not carry over (Nova drops volume_type and tag).
    bdm.volume_type, bdm.tag, bdm.disk_bus, bdm.device_type = "gold", "root", "virtio", "disk"
    image = env.glance_image(env.snap(sid))
    (entry,) = _mapping(image)
    (snap,) = env.volume_snapshots()
    fields = BDM_FIELDS[: image_mapping_fields(env.kernel.switches.release)]
    assert list(entry) == list(fields)  # the release's fields, no id, connection_info, uuid...
    assert {k: entry[k] for k in COPIED} == {
        "boot_index": 0,
        "device_name": "/dev/vda",
        "delete_on_termination": True,
        "volume_size": 1,
        "disk_bus": "virtio",
        "device_type": "disk",
    }
    assert (entry["source_type"], entry["destination_type"]) == ("snapshot", "volume")
    assert entry["snapshot_id"] == snap["id"]
    others = set(fields) - set(COPIED) - {"source_type", "destination_type", "snapshot_id"}
    assert {entry[k] for k in others} == {None}  # volume_id, volume_type, tag... all None


@pytest.mark.parametrize(
    ("profile", "added"),
    [
        ("nova-18.3.0", ()),
        ("nova-19.0.0", ("volume_type",)),
        ("nova-25.3.0", ("volume_type",)),
        (
            "nova-26.0.0",
            ("volume_type", "encrypted", "encryption_secret_uuid", "encryption_format",
             "encryption_options"),
        ),
    ],
)  # fmt: skip
def test_the_mappings_fields_are_the_releases_bdm_new_fields(profile, added):
    """nova/block_device.py bdm_new_fields less connection_info (get_image_mapping): volume_type
    came with f180025669 (19.0.0), the encryption fields with cdea73bd9c (26.0.0)."""
    env = BfvEnv(profile)
    sid = env.boot_bfv(image=NO_AGENT, extra=[dict(EPHEMERAL)])
    mapping = _mapping(env.glance_image(env.snap(sid)))
    queens = {"source_type", "destination_type", "guest_format", "device_type", "disk_bus",
              "boot_index", "device_name", "delete_on_termination", "snapshot_id", "volume_id",
              "volume_size", "image_id", "no_device", "tag"}  # fmt: skip
    assert [set(entry) for entry in mapping] == [queens | set(added)] * 2  # local and volume


def test_several_volumes_local_devices_first_then_one_snapshot_per_volume_in_order(
    env: BfvEnv,
):
    sid = env.boot_bfv(image=NO_AGENT, extra=[EPHEMERAL, DATA_VOLUME, SWAP])
    volumes = [b.volume_id for b in env.nova.db.bdms_by_instance(sid) if b.is_volume]
    image = env.glance_image(env.snap(sid, name="multi"))
    mapping = _mapping(image)
    assert [(m["source_type"], m["destination_type"], m["device_name"]) for m in mapping] == [
        ("blank", "local", "/dev/vdb"),
        ("blank", "local", "/dev/vdd"),
        ("snapshot", "volume", "/dev/vda"),
        ("snapshot", "volume", "/dev/vdc"),
    ]
    assert [m["guest_format"] for m in mapping[:2]] == ["ext4", "swap"]
    snaps = env.volume_snapshots()
    assert [s["volume_id"] for s in snaps] == volumes
    assert [m["snapshot_id"] for m in mapping[2:]] == [s["id"] for s in snaps]
    assert [s["size"] for s in snaps] == [1, 2]
    assert {s["name"] for s in snaps} == {"snapshot for multi"}


def test_no_device_mappings_are_skipped(env: BfvEnv):
    sid = env.boot_bfv(image=NO_AGENT)
    env.nova.db.bdm_create(
        BlockDeviceMapping(
            instance_uuid=sid,
            source_type=None,
            destination_type=None,
            no_device=True,
            device_name="/dev/vdz",
        )  # fmt: skip
    )
    mapping = _mapping(env.glance_image(env.snap(sid)))
    assert [m["device_name"] for m in mapping] == ["/dev/vda"]


def test_snapshots_are_forced_of_in_use_volumes_with_the_volume_description(env: BfvEnv):
    sid = env.boot_bfv(image=NO_AGENT)
    (bdm,) = env.nova.db.bdms_by_instance(sid)
    body = {"volume": {"description": "the root disk"}}
    env.cloud.request("volumev3", "PUT", f"/v3/{{project_id}}/volumes/{bdm.volume_id}", body)
    assert env.volume(bdm.volume_id)["status"] == "in-use"
    env.snap(sid, name="desc")
    (snap,) = env.volume_snapshots()
    assert (snap["name"], snap["description"]) == ("snapshot for desc", "the root disk")


def test_user_metadata_wins_but_cannot_set_the_mapping_keys(env: BfvEnv):
    sid = env.boot_bfv(image=NO_AGENT)
    metadata = {
        "owner_user_name": "someone",
        "block_device_mapping": "[]",
        "bdm_v2": "False",
        "root_device_name": "/dev/sdz",
    }
    image = env.glance_image(env.snap(sid, metadata=metadata, microversion="2.45"))
    assert image["owner_user_name"] == "someone"
    assert image["root_device_name"] == "/dev/vda"
    assert image["bdm_v2"] == "True"
    assert len(_mapping(image)) == 1


def test_non_inheritable_properties_are_dropped(env: BfvEnv):
    env = BfvEnv(env.cloud.profile, {"nova": {"non_inheritable_image_properties": "os_distro"}})
    sid = env.boot_bfv(image="ubuntu-24.04-server-cloudimg-amd64-qga", size=4)
    env.server_action(sid, "os-stop")
    image = env.glance_image(env.snap(sid))
    assert "os_distro" not in image
    assert image["os_version"] == "24.04"
    assert image["os_require_quiesce"] == "yes" and image["min_disk"] == 4


def test_an_admin_snapshot_of_another_projects_server_is_shared_with_it(env: BfvEnv):
    sid = env.boot_bfv(image=NO_AGENT)
    image_id = env.snap(sid, user="admin")
    image = env.glance_image(image_id)
    demo_project = env.cloud.context("demo").project_id
    if env.kernel.switches.lp1675791:  # Queens: is_public False, the admin's private image
        assert (image["visibility"], image["owner"]) == (
            "private",
            env.cloud.context("admin").project_id,
        )
        return
    assert image["visibility"] == "shared"
    assert image["owner"] == env.cloud.context("admin").project_id
    assert "instance_owner" not in image
    members = env.cloud.request("image", "GET", f"/v2/images/{image_id}/members", user="admin")
    assert [(m["member_id"], m["status"]) for m in members.json()["members"]] == [
        (demo_project, "pending")
    ]


def test_before_2_45_the_answer_is_a_location_header(env: BfvEnv):
    sid = env.boot_bfv(image=NO_AGENT)
    resp = env.create_image(sid, microversion="2.44")
    assert resp.status == 202 and resp.body in (b"", None, "")
    (image,) = env.images_named("snap")
    assert resp.headers["Location"].endswith(f"/images/{image['id']}")


# -- the state gate ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "action", "status"),
    [
        ("seed", "pause", 409),  # LP #1878583: PAUSED refused before 22.0.0
        ("upstream", "pause", 202),
        ("seed", "suspend", 202),  # LP #1492716 was fixed in 14.0.0, before the seed
        ("upstream", "suspend", 202),
        ("seed", "os-stop", 202),
        ("upstream", "os-stop", 202),
    ],
)
def test_offline_states_by_profile(profile, action, status):
    env = BfvEnv(profile)
    sid = env.boot_bfv()
    env.server_action(sid, action)
    resp = env.create_image(sid)
    assert resp.status == status
    if status == 409:
        assert resp.json() == {
            "conflictingRequest": {
                "code": 409,
                "message": f"Cannot 'createImage' instance {sid} while it is in vm_state paused",
            }
        }
        assert env.volume_snapshots() == []
        return
    # Never quiesced: only ACTIVE servers are.
    assert env.events("rpc.call", method="quiesce_instance") == []
    assert env.events("guest.freeze") == []
    env.cloud.run_until_idle()
    assert [s["status"] for s in env.volume_snapshots()] == ["available"]


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_bug_switch_lp1878583_decides_for_paused(profile):
    on = BfvEnv(profile, {"switches": {"lp1878583": True}})
    off = BfvEnv(profile, {"switches": {"lp1878583": False}})
    statuses = []
    for env in (on, off):
        sid = env.boot_bfv()
        env.server_action(sid, "pause")
        statuses.append(env.create_image(sid).status)
    assert statuses == [409, 202]


@pytest.mark.parametrize(
    ("vm_state", "task_state", "message"),
    [
        (states.ERROR, None, "while it is in vm_state error"),
        (states.SHELVED_OFFLOADED, None, "while it is in vm_state shelved_offloaded"),
        (states.ACTIVE, states.REBOOTING, "while it is in task_state rebooting"),
    ],
)
def test_other_states_are_409(env: BfvEnv, vm_state, task_state, message):
    sid = env.boot_bfv()
    env.nova.force_state(sid, vm_state=vm_state, task_state=task_state)
    resp = env.create_image(sid)
    assert resp.status == 409
    assert message in resp.json()["conflictingRequest"]["message"]
    assert env.volume_snapshots() == []


def test_no_task_state_is_ever_set(env: BfvEnv):
    sid = env.boot_bfv()
    before = len(env.states(sid))
    env.snap(sid)
    env.cloud.run_until_idle()
    assert env.states(sid)[before:] == []
    assert env.server(sid)["OS-EXT-STS:task_state"] is None


# -- the instance action ----------------------------------------------------------------------


def test_create_image_action_with_the_api_event(env: BfvEnv):
    sid = env.boot_bfv(image=NO_AGENT, extra=[DATA_VOLUME])
    resp = env.create_image(sid)
    action = env.actions(sid)[0]
    assert action["action"] == "createImage"
    assert action["request_id"] == resp.headers["x-openstack-request-id"]
    assert action["message"] is None
    (event,) = action["events"]
    assert (event["event"], event["result"]) == ("api_snapshot_instance", "Success")
    if "host" in action["events"][0]:  # shown from 2.62
        assert event["host"] == env.cloud.config.nova.api_host
    # The event spans only the Cinder loop: a get and a create per volume.
    row = env.nova.db.actions_of(sid)[0].events[0]
    assert row.finish_time - row.start_time == pytest.approx(4 * env.L)


# -- the Cinder limits pre-check --------------------------------------------------------------


def _quota(snapshots: int) -> dict:
    return {"cinder": {"quota_snapshots": snapshots}}


def test_limits_precheck_refuses_before_anything_happens_upstream():
    env = BfvEnv("upstream", _quota(1))
    sid = env.boot_bfv(extra=[DATA_VOLUME])  # two volumes, one snapshot allowed
    resp = env.create_image(sid)
    assert resp.status == 403
    assert resp.json() == {
        "forbidden": {"code": 403, "message": "Quota exceeded for resources: snapshots"}
    }
    assert env.volume_snapshots() == []
    assert env.events("rpc.call", method="quiesce_instance") == []
    assert [a["action"] for a in env.actions(sid)] == ["create"]  # no createImage action
    assert env.images_named("snap") == []


def test_without_the_precheck_17_0_0_fails_mid_loop_and_leaks_a_snapshot():
    # 17.0.0 has no Cinder limits pre-check (backport c65dfeecae reached 17.0.1).
    env = BfvEnv("nova-17.0.0", _quota(1))
    sid = env.boot_bfv(image=NO_AGENT, extra=[DATA_VOLUME])
    resp = env.create_image(sid)
    assert resp.status == 403
    assert resp.json()["forbidden"]["message"] == "Quota exceeded for resources: snapshots"
    env.cloud.run_until_idle()
    (leaked,) = env.volume_snapshots()
    assert (leaked["name"], leaked["status"]) == ("snapshot for snap", "available")
    assert env.images_named("snap") == []
    action = env.actions(sid)[0]
    assert (action["action"], action["message"]) == ("createImage", "Error")
    assert action["events"][0]["result"] == "Error"
    (violation,) = env.cloud.check_invariants(["no_orphan_volume_snapshot"])
    assert leaked["id"] in violation.subject


@pytest.mark.parametrize(("quota", "used", "status"), [(1, 1, 403), (2, 1, 202), (-1, 5, 202)])
def test_limits_precheck_arithmetic(quota, used, status):
    env = BfvEnv("upstream", _quota(quota))
    sid = env.boot_bfv(image=NO_AGENT)
    for _ in range(used):  # snapshots the project already holds
        env.snap(sid)
    env.cloud.run_until_idle()
    assert env.create_image(sid, name="last").status == status


def test_the_switch_turns_the_precheck_on_in_17_0_0():
    env = BfvEnv("nova-17.0.0", {**_quota(1), "switches": {"cinder_limits_precheck": True}})
    sid = env.boot_bfv(extra=[DATA_VOLUME])
    assert env.create_image(sid).status == 403
    assert env.volume_snapshots() == []


# -- errors on the way ------------------------------------------------------------------------


def _unexpected(cls: str, profile: str = "upstream") -> str:
    return unexpected_500(profile, cls)


def test_cinder_unreachable_at_the_precheck_is_500_with_nothing_done():
    env = BfvEnv("upstream")
    sid = env.boot_bfv()
    env.cloud.faults.add("volume_api.get_absolute_limits", error="CinderConnectionFailed")
    resp = env.create_image(sid)
    assert resp.status == 500
    assert resp.json()["computeFault"]["message"] == _unexpected(
        "nova.exception.CinderConnectionFailed"
    )
    assert env.events("rpc.call", method="quiesce_instance") == []


def test_a_second_volume_refused_by_cinder_is_400_and_leaks_the_first_snapshot(env: BfvEnv):
    sid = env.boot_bfv(image=NO_AGENT, extra=[DATA_VOLUME])
    first, second = [b.volume_id for b in env.nova.db.bdms_by_instance(sid)]
    env.cloud.request(
        "volumev3",
        "POST",
        f"/v3/{{project_id}}/volumes/{second}/action",
        {"os-reset_status": {"status": "maintenance"}},
        user="admin",
    )
    resp = env.create_image(sid)
    assert resp.status == 400
    message = resp.json()["badRequest"]["message"]
    assert message.startswith(
        "Invalid input received: Invalid volume: The snapshot cannot be created when the "
        "volume is in maintenance mode. (HTTP 400) (Request-ID: req-"
    )
    env.cloud.run_until_idle()
    assert [(s["volume_id"], s["status"]) for s in env.volume_snapshots()] == [(first, "available")]
    assert env.images_named("snap") == []


def test_a_root_volume_an_admin_is_migrating_refuses_the_snapshot():
    env = BfvEnv("upstream")
    sid = env.boot_bfv()
    (root,) = [b.volume_id for b in env.nova.db.bdms_by_instance(sid)]
    migrate = {"os-migrate_volume": {"host": "cinder@lvmdriver-1"}}  # the same backend, no pool
    path = f"/v3/{{project_id}}/volumes/{root}/action"
    # The scheduler holds the migration (``starting``) while Nova snapshots.
    env.cloud.faults.add("cinder.scheduler", "stall", match={"op": "migrate_volume"})
    assert env.cloud.request("volumev3", "POST", path, migrate, user="admin").status == 202
    resp = env.create_image(sid)
    assert resp.json()["badRequest"]["message"].startswith(
        "Invalid input received: Invalid volume: Snapshot cannot be created while volume is "
        "migrating. (HTTP 400) (Request-ID: req-"
    )
    env.cloud.faults.release("cinder.scheduler")
    # Attached: a temporary volume on the backend, Nova's swap copies the data into it and
    # completes the migration, which keeps the root volume's id for the new data.
    env.cloud.run_until_idle()
    shown = env.cloud.request("volumev3", "GET", path[: -len("/action")], user="admin").json()
    assert (shown["volume"]["status"], shown["volume"]["migration_status"]) == ("in-use", "success")
    assert shown["volume"]["os-vol-mig-status-attr:name_id"] not in (None, root)
    assert env.images_named("snap") == []
    assert env.create_image(sid).status == 202  # after: the root volume is snapshotted again
    env.cloud.run_until_idle()
    assert [(s["volume_id"], s["status"]) for s in env.volume_snapshots()] == [(root, "available")]


@pytest.mark.parametrize(
    ("profile", "reason"),
    [
        (
            "nova-18.3.0",
            "Volume {} status must be available, in-use, but current status is: error.",
        ),
        ("nova-19.0.0", "The snapshot cannot be created when the volume is in error status."),
    ],
)
def test_a_root_volume_in_error_is_refused_in_the_series_cinders_words(profile, reason):
    """cinder/volume/api.py create_snapshot_in_db: Cinder 12-13 (Nova 17-18) check host,
    maintenance, migration and replica inline, then the status; from Cinder 14 (Nova 19,
    12fab51ef) it runs _create_snapshot_in_db_validate, which refuses an error volume first."""
    env = BfvEnv(profile)
    sid = env.boot_bfv(image=NO_AGENT)
    (root,) = [b.volume_id for b in env.nova.db.bdms_by_instance(sid)]
    reset = {"os-reset_status": {"status": "error"}}
    path = f"/v3/{{project_id}}/volumes/{root}/action"
    assert env.cloud.request("volumev3", "POST", path, reset, user="admin").status == 202
    resp = env.create_image(sid)
    assert resp.status == 400
    assert resp.json()["badRequest"]["message"].startswith(
        f"Invalid input received: Invalid volume: {reason.format(root)} (HTTP 400) (Request-ID: "
    )
    env.cloud.run_until_idle()
    assert (env.volume_snapshots(), env.images_named("snap")) == ([], [])


def test_a_volume_gone_from_cinder_is_500(env: BfvEnv):
    sid = env.boot_bfv(image=NO_AGENT)
    env.cloud.faults.add(
        "volume_api.get", error=lambda msg=None: _client_error(404, "Volume not found")
    )
    resp = env.create_image(sid)
    assert resp.status == 500
    assert resp.json()["computeFault"]["message"] == _unexpected(
        "nova.exception.VolumeNotFound", env.cloud.profile
    )
    assert env.actions(sid)[0]["events"][0]["result"] == "Error"


def _client_error(code: int, message: str):
    from fakecloud.nova import volume_api

    return volume_api._BY_CODE[code](code, message)


def test_glance_refusing_the_image_leaks_the_snapshots_d12(env: BfvEnv):
    """Glance answers 413 at create (an image quota): untranslated, a 500 — after the Cinder
    snapshots exist, which nobody deletes."""
    from fakecloud.nova.image_api import GlanceClientError

    sid = env.boot_bfv(image=NO_AGENT, extra=[DATA_VOLUME])
    env.cloud.faults.add(
        "image_api.create",
        match={"call": "create"},
        error=lambda msg=None: GlanceClientError("image count quota exceeded", 413),
    )
    resp = env.create_image(sid)
    assert resp.status == 500
    env.cloud.run_until_idle()
    assert len(env.volume_snapshots()) == 2
    assert len(env.cloud.check_invariants(["no_orphan_volume_snapshot"])) == 2


@pytest.mark.parametrize(
    ("paused", "message"),
    [
        (
            False,
            "internal error: unable to execute QEMU agent command 'guest-fsfreeze-freeze': "
            "The command guest-fsfreeze-freeze has been disabled for this instance",
        ),
        (True, "Requested operation is not valid: domain is not running"),
    ],
)
def test_a_required_quiesce_fails_the_nfs_snapshot_of_a_frozen_or_paused_guest(paused, message):
    """NFS: Cinder asks Nova for the snapshot while the API's quiesce holds the guest frozen;
    libvirt's QUIESCE flag asks qemu-ga for a second freeze, a command it disables while frozen
    (``_volume_snapshot_create``: with ``os_require_quiesce`` the error is raised, not retried
    unquiesced): Cinder is told ``error``. A PAUSED server's createImage (from 22.0.0)
    quiesces nothing, but libvirt refuses the QUIESCE of a paused guest before the agent is
    asked (qemuDomainAgentAvailable)."""
    env = BfvEnv("upstream", {"cinder": backend_config("nfs", nfs_snapshot_support=True)})
    sid = env.boot_bfv(image=STRICT, size=4)
    if paused:
        env.server_action(sid, "pause")
    env.snap(sid)
    env.cloud.run_until_idle()
    assert [s["status"] for s in env.volume_snapshots()] == ["error"]
    (failed,) = env.events("notification", event_type="volume_snapshot_create")
    # wrap_exception's legacy payload: the exception (its repr) and the call's args, no message
    assert failed["exception"] == f"libvirtError({message!r})"


@pytest.mark.parametrize("image", [STRICT, QGA])
def test_a_stopped_guests_nfs_snapshot_is_taken_without_the_agent(image):
    """A stopped server's createImage quiesces nothing; Cinder NFS asks Nova for the snapshot
    and ``_volume_snapshot_create`` (nova 17.0.13-34.0.0) sends its QUIESCE-flagged snapshot
    first: the domain is inactive, and libvirt's ``qemuSnapshotCreate`` freezes only in its
    active external path (``qemuSnapshotCreateActiveExternal``), so the inactive external
    snapshot is taken as is: no error, nothing retried or logged, ``os_require_quiesce`` or
    not; Cinder is told ``creating`` at 90% and its snapshot is ``available``."""
    env = BfvEnv("upstream", {"cinder": backend_config("nfs", nfs_snapshot_support=True)})
    sid = env.boot_bfv(image=image, size=4)
    env.server_action(sid, "os-stop")
    image_id = env.snap(sid)
    env.cloud.run_until_idle()
    assert [s["status"] for s in env.volume_snapshots()] == ["available"]
    assert env.events("notification", event_type="volume_snapshot_create") == []
    logged = [e["message"] for e in env.cloud.trace.filter(kind="log") if "quiesc" in e["message"]]
    assert logged == []
    shown = env.cloud.request("image", "GET", f"/v2/images/{image_id}", user="admin").json()
    assert shown["status"] == "active"


def test_a_stopped_guests_nfs_snapshots_are_rebased_by_qemu_img_and_not_committed():
    """Deleting an attached NFS volume's snapshot is Nova's (``_volume_snapshot_delete``,
    nova 17.0.13-34.0.0): an older snapshot's file is merged by a blockCommit, which libvirt
    refuses for an inactive domain ('domain is not running', bug #1919487; from 99409375a0,
    24.0.0 and 23.0.1, the API refuses it before the cast): Cinder is told ``error_deleting``;
    the newest's, the active file, by a rebase, which for a guest not running
    (``guest.is_active()`` false) is ``qemu-img rebase``, no block job to wait for."""
    env = BfvEnv("nova-20.6.1", {"cinder": backend_config("nfs", nfs_snapshot_support=True)})
    sid = env.boot_bfv(image=NO_AGENT, size=4)
    env.server_action(sid, "os-stop")
    env.snap(sid, name="old")
    env.cloud.run_until_idle()
    env.snap(sid, name="new")
    env.cloud.run_until_idle()
    old, new = (s["id"] for s in env.volume_snapshots())
    for snapshot_id in (old, new):
        path = f"/v3/{{project_id}}/snapshots/{snapshot_id}"
        assert env.cloud.request("volumev3", "DELETE", path).status == 202
        env.cloud.run_until_idle()
    merged = [e["job"] for e in env.events("guest.volume_snapshot_delete")]
    assert merged == ["qemu-img rebase"]
    assert [(s["id"], s["status"]) for s in env.volume_snapshots()] == [(old, "error_deleting")]
    assert env.server(sid)["status"] == "SHUTOFF"
    (failed,) = env.events("notification", event_type="volume_snapshot_delete")
    # Nova 20 on Python 2: the one-argument tuple's comma, libvirt's message a str
    assert failed["exception"] == (
        "libvirtError('Requested operation is not valid: domain is not running',)"
    )


@pytest.mark.parametrize(
    ("profile", "renamed", "fmt"),
    [
        ("nova-23.0.2", False, "raw"),
        ("nova-23.1.0", True, "raw"),
        ("nova-30.0.0", True, "raw"),
        ("nova-30.1.0", True, "qcow2"),
    ],
)
def test_the_nfs_attachment_follows_the_snapshot_file_by_cinder_release(profile, renamed, fmt):
    """Cinder's remotefs ``_create_snapshot`` after Nova's online snapshot: the attachment's
    connection_info names the new file from 25eb0a7d76 (LP #1860913; Cinder 19.0.0, 18.1.0:
    Nova 23.1.0 on) and says qcow2 from 56abc9d5b9 (LP #1989514; Cinder 26.0.0, 25.1.0: Nova
    30.1.0 on); before, Nova's next start of the guest reads the old file, or the overlay as
    raw."""
    env = BfvEnv(profile, {"cinder": backend_config("nfs", nfs_snapshot_support=True)})
    sid = env.boot_bfv(image=NO_AGENT, size=4)
    env.server_action(sid, "os-stop")
    env.snap(sid)
    env.cloud.run_until_idle()
    (snapshot,) = env.volume_snapshots()
    assert snapshot["status"] == "available"
    path = "/v3/{project_id}/attachments/detail"
    (attachment,) = env.cloud.request("volumev3", "GET", path, microversion="3.27").json()[
        "attachments"
    ]
    data = attachment["connection_info"]
    vid = snapshot["volume_id"]
    name = f"volume-{vid}.{snapshot['id']}" if renamed else f"volume-{vid}"
    assert (data["name"], data["format"]) == (name, fmt)
