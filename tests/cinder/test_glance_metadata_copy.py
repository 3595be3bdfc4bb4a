"""Cinder's ``volume_glance_metadata`` follows the data (``volume/manager.py create_snapshot``,
``flows/manager/create_volume.py _handle_bootable_volume_glance_meta``): a snapshot of a
bootable volume copies it, and a volume made from that snapshot — or cloned from the volume —
is bootable with the same ``volume_image_metadata``."""

from __future__ import annotations

import pytest
from cinder_support import call, create_snapshot, create_volume

from tests.booted import booted

UBUNTU = "ubuntu-24.04-server-cloudimg-amd64-qga"


@pytest.fixture(scope="module")
def world():
    cloud = booted(seed=0)
    images = cloud.request("image", "GET", f"/v2/images?name={UBUNTU}").json()["images"]
    (image,) = images
    source = create_volume(cloud, size=4, imageRef=image["id"])
    blank = create_volume(cloud, size=1)
    return cloud, image, source, blank


def shown(cloud, vid):
    r = call(cloud, "GET", f"volumes/{vid}")
    assert r.status == 200, r.json()
    return r.json()["volume"]


def test_the_image_volume_carries_the_images_metadata_as_glance_gives_it(world):
    cloud, image, source, _ = world
    meta = shown(cloud, source)["volume_image_metadata"]
    # volume_utils.get_volume_image_metadata: properties, id, name, IMAGE_ATTRIBUTES; strings.
    assert meta == {
        "hw_qemu_guest_agent": "yes",
        "os_require_quiesce": "yes",
        "os_distro": "ubuntu",
        "os_version": "24.04",
        "image_id": image["id"],
        "image_name": UBUNTU,
        "checksum": image["checksum"],
        "container_format": image["container_format"],
        "disk_format": image["disk_format"],
        "min_disk": str(image["min_disk"]),
        "min_ram": str(image["min_ram"]),
        "size": str(image["size"]),
    }


@pytest.mark.parametrize("via", ["snapshot", "clone"])
def test_volumes_made_from_it_are_bootable_with_the_same_metadata(world, via):
    cloud, _, source, _ = world
    if via == "snapshot":
        body = {"snapshot_id": create_snapshot(cloud, source)}
    else:
        body = {"source_volid": source}
    made = create_volume(cloud, size=4, **body)
    volume = shown(cloud, made)
    assert volume["bootable"] == "true"
    assert volume["volume_image_metadata"] == shown(cloud, source)["volume_image_metadata"]


def test_a_blank_volumes_snapshot_gives_a_plain_volume(world):
    cloud, _, _, blank = world
    made = create_volume(cloud, size=1, snapshot_id=create_snapshot(cloud, blank))
    volume = shown(cloud, made)
    assert volume["bootable"] == "false"
    assert "volume_image_metadata" not in volume
