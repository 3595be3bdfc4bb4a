"""A volume from an image whose virtual size is larger than the volume.

``image_utils.check_virtual_size`` (cinder 12.0.10-29.0.0: the virtual size rounded up to GiB;
``ImageUnacceptable``: "Image X is unacceptable: Image virtual size is NGB and doesn't fit in a
volume of size MGB."). cinder-volume's ``CreateVolumeFromSpecTask._create_from_image`` checks a
known ``virtual_size`` before any clone or download in every series: the volume goes from
``creating`` to ``error`` (ImageUnacceptable is in ``no_reschedule_types``), not bootable, no
image metadata. From Cinder 21.0.0 (75d5fabff "Add a check for virtual_size at API layer";
backported to 20.3.1, beside Nova 25.3.0: switch ``cinder_api_virtual_size_check``)
``volume_utils.check_image_metadata`` also checks it at create time: a 400. Nova's boot
from volume then aborts the build either way (the volume in error: VolumeNotCreated; the 400:
Cinder's refusal kept in the fault)."""

import pytest
from cinder_support import GLANCE_DATA, GLANCE_JSON, call, fault, states

from fakecloud.api.http import Request
from tests.booted import booted

YOGA = "nova-25.2.1"  # Cinder 20 (before the API check), Glance 24 (sets virtual_size)
ZED = "nova-26.0.0"  # Cinder 21
GiB = 1024**3


def _image(cloud, virtual_size, size=GiB // 2):
    """An active public image of `size` bytes whose content's virtual size is `virtual_size`."""
    glance = cloud.glance.api
    body = {"name": "big-disk", "disk_format": "raw", "container_format": "bare",
            "visibility": "public"}  # fmt: skip
    resp = glance.call(Request.build("POST", "/v2/images", body=body, headers=GLANCE_JSON))
    assert resp.status == 201, resp.json()
    image_id = resp.json()["id"]
    headers = {**GLANCE_JSON, **GLANCE_DATA, "x-openstack-image-size": str(size),
               "x-fakecloud-virtual-size": str(virtual_size)}  # fmt: skip
    path = f"/v2/images/{image_id}/file"
    resp = glance.call(Request.build("PUT", path, headers=headers))
    assert resp.status == 204, resp.json()
    cloud.run_until_idle()
    return image_id


def _create(cloud, image_id, size):
    return call(cloud, "POST", "volumes", {"volume": {"size": size, "imageRef": image_id}})


def _unacceptable(image_id, virtual_gb, size):
    return (
        "badRequest",
        400,
        f"Image {image_id} is unacceptable: Image virtual size is {virtual_gb}GB and doesn't "
        f"fit in a volume of size {size}GB.",
    )


def test_before_cinder_21_the_volume_goes_to_error_in_cinder_volume():
    cloud = booted(profile=YOGA)
    image_id = _image(cloud, 2 * GiB + 1)
    resp = _create(cloud, image_id, 2)
    assert resp.status == 202, resp.json()
    vid = resp.json()["volume"]["id"]
    cloud.run_until_idle()
    volume = call(cloud, "GET", f"volumes/{vid}").json()["volume"]
    assert volume["status"] == "error"
    assert volume["bootable"] == "false"
    assert "volume_image_metadata" not in volume
    # Refused before the driver made anything: never 'downloading', no image read.
    assert states(cloud, vid) == ["creating", "error"]
    assert not cloud.trace.filter(kind="http.request", call="download")
    (error,) = cloud.trace.filter(kind="cinder.error", subject=vid)
    assert error["error"] == _unacceptable(image_id, 3, 2)[2]


@pytest.mark.parametrize("profile", ["nova-25.3.0", ZED, "upstream"])
def test_from_cinder_21_the_api_refuses_it(profile):
    cloud = booted(profile=profile)
    image_id = _image(cloud, 2 * GiB + 1)
    resp = _create(cloud, image_id, 2)
    assert fault(resp) == _unacceptable(image_id, 3, 2)
    assert call(cloud, "GET", "volumes").json()["volumes"] == []


@pytest.mark.parametrize("profile", [YOGA, ZED])
def test_a_virtual_size_that_fits_is_created(profile):
    cloud = booted(profile=profile)
    image_id = _image(cloud, 3 * GiB)
    resp = _create(cloud, image_id, 3)
    assert resp.status == 202, resp.json()
    vid = resp.json()["volume"]["id"]
    cloud.run_until_idle()
    volume = call(cloud, "GET", f"volumes/{vid}").json()["volume"]
    assert volume["status"] == "available"
    assert volume["volume_image_metadata"]["image_id"] == image_id


@pytest.mark.parametrize("profile", [YOGA, "upstream"])
def test_nova_boot_from_volume_aborts_the_build(profile):
    """Nova's ``_prep_block_device`` (17.0.13-34.0.0): the root volume in error ->
    VolumeNotCreated; Cinder's 400 -> InvalidBDM; both BuildAbortException, server ERROR, and
    ``_cleanup_volumes`` deletes the delete_on_termination root."""
    cloud = booted(profile=profile)
    image_id = _image(cloud, 2 * GiB + 1)
    root = {
        "boot_index": 0,
        "uuid": image_id,
        "source_type": "image",
        "destination_type": "volume",
        "volume_size": 2,
        "delete_on_termination": True,
    }
    server = {"name": "vm", "flavorRef": "1", "networks": "none", "imageRef": "",
              "block_device_mapping_v2": [root]}  # fmt: skip
    resp = cloud.request("compute", "POST", "/v2.1/servers", {"server": server},
                         microversion="2.45")  # fmt: skip
    assert resp.status == 202, resp.json()
    sid = resp.json()["server"]["id"]
    cloud.run_until_idle()
    shown = cloud.request("compute", "GET", f"/v2.1/servers/{sid}").json()["server"]
    assert shown["status"] == "ERROR"
    message = shown["fault"]["message"]
    assert message.startswith(f"Build of instance {sid} aborted: ")
    if profile == YOGA:
        assert message.endswith("did not finish being created even after we waited 0 seconds "
                                "or 1 attempts. And its status is error.")  # fmt: skip
    else:
        assert _unacceptable(image_id, 3, 2)[2] + " (HTTP 400)" in message
    volumes = cloud.request("volumev3", "GET", "/v3/{project_id}/volumes/detail").json()
    assert [v["status"] for v in volumes["volumes"]] in ([], ["deleting"])


@pytest.mark.parametrize(
    ("profile", "reason"),
    [
        # cinder 12.0.10 fetch_to_volume_format's own words; 13.0.0 on (f5d5ff57b) it calls
        # check_virtual_size.
        (None, "Size is 3GB and doesn't fit in a volume of size 2GB."),
        ("nova-18.3.0", "Image virtual size is 3GB and doesn't fit in a volume of size 2GB."),
    ],
)
def test_before_glance_21_the_virtual_size_is_found_after_the_download(profile, reason):
    """Glance before 21.0.0 leaves ``virtual_size`` null, so ``_create_from_image`` has nothing
    to check: the image is downloaded (``downloading``) and ``fetch_to_volume_format``'s
    ``qemu-img info`` of the data refuses it (ImageUnacceptable re-raised by
    ``_copy_image_to_volume``): the volume in error, never bootable."""
    cloud = booted(profile=profile) if profile else booted()
    image_id = _image(cloud, 2 * GiB + 1)
    image = cloud.glance.api.call(Request.build("GET", f"/v2/images/{image_id}"))
    assert image.json()["virtual_size"] is None
    resp = _create(cloud, image_id, 2)
    assert resp.status == 202, resp.json()
    vid = resp.json()["volume"]["id"]
    cloud.run_until_idle()
    volume = call(cloud, "GET", f"volumes/{vid}").json()["volume"]
    assert (volume["status"], volume["bootable"]) == ("error", "false")
    assert "volume_image_metadata" not in volume
    assert states(cloud, vid) == ["creating", "downloading", "error"]
    answers = cloud.trace.filter(kind="http.response", call="download")
    assert [e["status"] for e in answers] == [200]
    (error,) = cloud.trace.filter(kind="cinder.error", subject=vid)
    assert error["error"] == f"Image {image_id} is unacceptable: {reason}"
    # The same image fits a 3 GiB volume.
    resp = _create(cloud, image_id, 3)
    cloud.run_until_idle()
    volume = call(cloud, "GET", f"volumes/{resp.json()['volume']['id']}").json()["volume"]
    assert volume["status"] == "available"
