"""Booting a new server from a volume-backed snapshot image: Nova reads the image's
``block_device_mapping`` and Cinder makes each volume from its snapshot. The image is active at
once, but its snapshots may still be ``creating``: booting then fails as Nova fails it — Cinder
refuses the volume, the build aborts, the server is ERROR with the reason as its fault
(LP #1489581, never fixed in Nova: clients must wait for the snapshots)."""

from __future__ import annotations

import json

import pytest

from tests.nova.volume_backed_env import (
    DATA_VOLUME,
    EPHEMERAL,
    NO_AGENT,
    BfvEnv,
    backend_config,
    copy_seconds,
    local_disks_flavor,
)


def _boot_from_image(env: BfvEnv, image_id: str, name: str = "copy", flavor: str = "1") -> str:
    server = {"name": name, "imageRef": image_id, "flavorRef": flavor, "networks": "none"}
    resp = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.45")
    assert resp.status == 202, resp.json()
    return resp.json()["server"]["id"]


@pytest.fixture(params=["seed", "upstream"])
def env(request) -> BfvEnv:
    return BfvEnv(request.param)


def test_a_new_server_gets_volumes_made_from_the_snapshots(env: BfvEnv):
    source = env.boot_bfv(extra=[EPHEMERAL, DATA_VOLUME])
    flavor = local_disks_flavor([EPHEMERAL])  # the image's ephemeral disk must fit the flavor
    image_id = env.snap(source, name="golden")
    env.cloud.run_until_idle()
    snaps = env.volume_snapshots()
    assert [s["status"] for s in snaps] == ["available", "available"]
    sid = _boot_from_image(env, image_id, flavor=flavor)
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert server["status"] == "ACTIVE"
    # Volume-backed, yet Nova keeps the request's imageRef: the server shows its image.
    assert server["image"]["id"] == image_id
    assert server["os-extended-volumes:volumes_attached"]
    bdms = env.nova.db.bdms_by_instance(sid)
    volumes = [b for b in bdms if b.is_volume]
    assert [(b.source_type, b.snapshot_id, b.boot_index, b.device_name) for b in volumes] == [
        ("snapshot", snaps[0]["id"], 0, "/dev/vda"),
        ("snapshot", snaps[1]["id"], None, "/dev/vdc"),
    ]
    made = [env.volume(b.volume_id) for b in volumes]
    assert [(v["snapshot_id"], v["size"], v["status"]) for v in made] == [
        (snaps[0]["id"], 1, "in-use"),
        (snaps[1]["id"], 2, "in-use"),
    ]
    # New volumes, never the source server's (LP #1246327).
    source_volumes = {b.volume_id for b in env.nova.db.bdms_by_instance(source)}
    assert not source_volumes & {b.volume_id for b in volumes}
    (local,) = [b for b in bdms if not b.is_volume]
    assert (local.source_type, local.guest_format, local.device_name) == (
        "blank",
        "ext4",
        "/dev/vdb",
    )
    # The new server can be snapshotted in turn.
    again = env.glance_image(env.snap(sid, name="second-generation"))
    assert len(json.loads(again["block_device_mapping"])) == 3


def test_booting_while_a_snapshot_is_still_creating_fails_lp1489581(env: BfvEnv):
    source = env.boot_bfv(image=NO_AGENT)
    image_id = env.snap(source)
    assert env.glance_image(image_id)["status"] == "active"
    assert [s["status"] for s in env.volume_snapshots()] == ["creating"]
    sid = _boot_from_image(env, image_id)  # accepted: the API does not look at the status
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert server["status"] == "ERROR"
    fault = server["fault"]
    prefix = (
        f"Build of instance {sid} aborted: Invalid input received: Invalid snapshot: "
        "Originating snapshot status must be one of 'available' values (HTTP 400) "
        "(Request-ID: req-"
    )
    assert fault["message"].startswith(prefix) and fault["message"].endswith(")")
    assert fault["code"] == 500
    # Cinder made no volume, and the snapshot itself is fine by now.
    project_volumes = env.cloud.request("volumev3", "GET", "/v3/{project_id}/volumes").json()
    assert len(project_volumes["volumes"]) == 1  # the source server's root volume
    assert [s["status"] for s in env.volume_snapshots()] == ["available"]
    # ``_do_build_and_run_instance`` handles the abort and returns inside
    # ``wrap_instance_event``: its event succeeds and the action carries no "Error"
    # (nova 12.0.0-34.0.0); the server left the host (``_nil_out_instance_obj_host_and_node``).
    create = next(a for a in env.actions(sid) if a["action"] == "create")
    assert create["message"] is None
    assert server.get("OS-EXT-SRV-ATTR:host", None) is None


def test_waiting_for_the_snapshots_first_makes_it_work(env: BfvEnv):
    """What clients must do (tempest's fix for LP #1489581): wait for ``available``."""
    source = env.boot_bfv(image=NO_AGENT)
    image_id = env.snap(source)
    (snap,) = env.volume_snapshots()
    while snap["status"] == "creating":
        env.cloud.advance(1.0)
        (snap,) = env.volume_snapshots()
    sid = _boot_from_image(env, image_id)
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "ACTIVE"


def test_a_snapshot_in_error_cannot_be_booted_either():
    env = BfvEnv("upstream")
    source = env.boot_bfv(image=NO_AGENT)
    env.cloud.faults.add("cinder.snapshot.create", error=RuntimeError("backend on fire"))
    image_id = env.snap(source)
    env.cloud.run_until_idle()
    sid = _boot_from_image(env, image_id)
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "ERROR"
    assert (
        "Originating snapshot status must be one of 'available'"
        in (env.server(sid)["fault"]["message"])
    )


def test_on_a_copying_backend_the_new_volume_is_a_full_copy():
    rate = 250.0
    env = BfvEnv("upstream", {"cinder": backend_config("copy", throughput_mb_per_s=rate)})
    source = env.boot_bfv(image=NO_AGENT, size=2)
    image_id = env.snap(source)
    env.cloud.run_until_idle()
    (snap,) = env.volume_snapshots()
    sid = _boot_from_image(env, image_id)
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "ACTIVE"
    (bdm,) = env.nova.db.bdms_by_instance(sid)
    made = env.t("state", subject=bdm.volume_id, new="creating")
    ready = env.t("state", subject=bdm.volume_id, new="available")
    assert ready - made >= copy_seconds(2, rate)
    # The snapshot copy itself took as long.
    taken = env.t("state", subject=snap["id"], new="available")
    assert taken - env.t("state", subject=snap["id"], new="creating") == pytest.approx(
        2 * env.d + copy_seconds(2, rate)
    )


def test_the_openstack_clis_image_root_mapping_gives_way_to_the_images_own():
    """``openstack server create --image SNAP`` sends ``imageRef`` and an image-to-local root
    mapping of its own; when the image defines the root (a volume-backed snapshot image), Nova
    drops the client's (``_check_and_transform_bdm``), so the new server boots from a volume made
    from the Cinder snapshot, not from the image's zero bytes."""
    env = BfvEnv("upstream")
    source = env.boot_bfv()
    image_id = env.snap(source, name="golden")
    env.cloud.run_until_idle()
    (snap,) = env.volume_snapshots()
    osc_root = {
        "uuid": image_id,
        "boot_index": 0,
        "source_type": "image",
        "destination_type": "local",
        "delete_on_termination": True,
    }
    server = {
        "name": "restored",
        "imageRef": image_id,
        "flavorRef": "1",
        "networks": "none",
        "block_device_mapping_v2": [osc_root],
    }
    resp = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.90")
    assert resp.status == 202, resp.json()
    sid = resp.json()["server"]["id"]
    env.cloud.run_until_idle()
    shown = env.server(sid)
    assert shown["status"] == "ACTIVE"
    assert shown["image"]["id"] == image_id
    ((root_volume, _),) = [(a["id"], a) for a in shown["os-extended-volumes:volumes_attached"]]
    assert env.volume(root_volume)["snapshot_id"] == snap["id"]
    bdms = env.nova.db.bdms_by_instance(sid)
    assert [(b.source_type, b.destination_type, b.boot_index) for b in bdms] == [
        ("snapshot", "volume", 0)
    ]


def test_a_second_root_beside_the_images_is_an_invalid_boot_sequence():
    """A request root that is not an image mapping stays, beside the image's own root: two
    boot index 0 devices, which ``_validate_bdm`` refuses (400 ``InvalidBDMBootSequence``)."""
    env = BfvEnv("upstream")
    source = env.boot_bfv()
    image_id = env.snap(source, name="golden")
    env.cloud.run_until_idle()
    (snap,) = env.volume_snapshots()
    second_root = {
        "uuid": snap["id"],
        "boot_index": 0,
        "source_type": "snapshot",
        "destination_type": "volume",
        "device_name": "/dev/vdz",
    }
    server = {
        "name": "two-roots",
        "imageRef": image_id,
        "flavorRef": "1",
        "networks": "none",
        "block_device_mapping_v2": [second_root],
    }
    resp = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.45")
    assert resp.status == 400
    assert resp.json() == {
        "badRequest": {
            "code": 400,
            "message": "Block Device Mapping is Invalid: Boot sequence for the instance and "
            "image/block device mapping combination is not valid.",
        }
    }
