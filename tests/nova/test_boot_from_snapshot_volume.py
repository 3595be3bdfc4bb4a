"""A server booted from a volume made of a Cinder snapshot (BDM ``source_type: snapshot``)
gets the image properties of the volume the snapshot was taken of
(``block_device.get_bdm_image_metadata``): its guest agent is used to quiesce, and its own
snapshots inherit the image's properties — because Cinder copied the volume's Glance
metadata to the snapshot and on to the new volume."""

from __future__ import annotations

import gc
import sys

from tests.nova.conftest import NovaEnv

UBUNTU = "ubuntu-24.04-server-cloudimg-amd64-qga"


def test_a_server_from_a_snapshot_backed_volume_has_the_images_properties():
    env = NovaEnv("upstream")
    cloud = env.cloud
    snap = _golden_snapshot(cloud)
    server = {
        "name": "from-snap",
        "flavorRef": "3",
        "networks": "none",
        "block_device_mapping_v2": [
            {"boot_index": 0, "uuid": snap["id"], "source_type": "snapshot",
             "destination_type": "volume", "delete_on_termination": True},
        ],
    }  # fmt: skip
    r = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.45")
    assert r.status == 202, r.json()
    sid = r.json()["server"]["id"]
    cloud.run_until_idle()
    assert env.server(sid)["status"] == "ACTIVE"
    (attachment,) = env.request("GET", f"/v2.1/servers/{sid}/os-volume_attachments").json()[
        "volumeAttachments"
    ]
    made = cloud.request("volumev3", "GET", f"/v3/{{project_id}}/volumes/{attachment['volumeId']}")
    assert made.json()["volume"]["volume_image_metadata"]["os_distro"] == "ubuntu"

    r = env.create_image(sid, "of-snap-backed")
    assert r.status == 202, r.json()
    cloud.run_until_idle()
    snapshot_image = env.glance_image(r.json()["image_id"])
    assert (snapshot_image["os_distro"], snapshot_image["hw_qemu_guest_agent"]) == ("ubuntu", "yes")
    # The image's guest agent is there: the snapshot quiesced the guest and thawed it.
    methods = [e["method"] for e in cloud.trace.filter(kind="rpc.call")]
    assert "quiesce_instance" in methods


def test_servers_booted_from_one_snapshot_keep_one_copy_of_its_id():
    """Each boot's body brings its own copy of the snapshot's id; the root mapping's image
    metadata read (``get_bdm_image_metadata``'s ``get_snapshot``) asks with the interned id,
    so the trace's events of it hold one string, not one a server (a storm of 100,000 kept
    8.5 MB of copies)."""
    env = NovaEnv("upstream")
    cloud = env.cloud
    snap = _golden_snapshot(cloud)
    for i in range(3):
        server = {
            "name": f"from-snap-{i}",
            "flavorRef": "3",
            "networks": "none",
            "block_device_mapping_v2": [
                {"boot_index": 0, "uuid": snap["id"], "source_type": "snapshot",
                 "destination_type": "volume", "delete_on_termination": True},
            ],
        }  # fmt: skip
        r = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.45")
        assert r.status == 202, r.json()
    cloud.run_until_idle()
    asked = [e for e in cloud.trace.filter(kind="http.request") if e.get("call") == "get_snapshot"]
    assert len(asked) >= 3
    held = {id(v) for v in cloud.trace._values if v.__class__ is str and v == snap["id"]}
    row = cloud.cinder.store.snapshots[snap["id"]].id
    assert held <= {id(row), id(sys.intern(snap["id"]))}
    # Nor a container each that the collector walks in every full collection: the servers'
    # empty tags, their volumes' snapshot ids, their guests' transfers and frozen intervals
    # are untracked or one shared empty value (issue 17: 18 -> 11 tracked objects a server).
    tracked: dict[str, set[int]] = {
        "tags": set(),
        "ids": set(),
        "transfers": set(),
        "frozen": set(),
    }
    for inst in cloud.nova.db.instances.values():
        (bdm,) = cloud.nova.db.bdms[inst.uuid]
        dom = cloud.nova.hosts[inst.host].driver.domains[inst.uuid]
        volume = cloud.cinder.store.volumes[bdm.volume_id]
        held = zip(
            tracked,
            (inst.tags, volume.snapshot_ids, dom.transfers, dom.frozen_intervals),
            strict=True,
        )
        for name, value in held:
            if gc.is_tracked(value):
                tracked[name].add(id(value))
    assert len(cloud.nova.db.instances) == 3
    assert all(len(ids) <= 1 for ids in tracked.values()), tracked


def _golden_snapshot(cloud) -> dict:
    """A Cinder snapshot ("golden") of a 4 GB volume made from the Ubuntu image, available."""
    (image,) = cloud.request("image", "GET", f"/v2/images?name={UBUNTU}").json()["images"]
    body = {"volume": {"size": 4, "imageRef": image["id"]}}
    volume = cloud.request("volumev3", "POST", "/v3/{project_id}/volumes", body).json()["volume"]
    cloud.run_until_idle()
    body = {"snapshot": {"volume_id": volume["id"], "name": "golden"}}
    snap = cloud.request("volumev3", "POST", "/v3/{project_id}/snapshots", body).json()["snapshot"]
    cloud.run_until_idle()
    return snap
