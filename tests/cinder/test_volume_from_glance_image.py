"""Cinder reads images from the cloud's own Glance (``Cloud._wire_services``): a volume from a
base image is ``downloading`` while it copies (``_create_from_image_download``), takes the time
its Glance size needs on the slowest link, carries the image's Glance metadata, and an image
the caller cannot see in Glance is refused as real Cinder refuses it."""

import pytest
from cinder_support import (
    ADMIN,
    GLANCE_JSON,
    MEMBER,
    MISSING,
    OTHER,
    RPC,
    call,
    fault,
    glance_image,
    states,
)

from fakecloud import Cloud
from fakecloud.api.http import Request
from fakecloud.cinder import exception

CIRROS = "cirros-0.6.2-x86_64-disk"
CIRROS_BYTES = 21430272  # the real cirros 0.6.2 qcow2 file, as Glance's base image has it
UBUNTU = "ubuntu-24.04-server-cloudimg-amd64-qga"
DOWNLOAD_MB_PER_S = 10.0  # Cinder's image download link: slower than the backend below
BACKEND_MB_PER_S = 200.0
CREATE_S = 1.0
CANNOT_ACCESS = (
    "badRequest",
    400,
    "Invalid image identifier or unable to access requested image.",
)


@pytest.fixture
def cloud():
    return Cloud(
        config={
            "cinder": {
                "image_download_mb_per_s": DOWNLOAD_MB_PER_S,
                "backends": {
                    "b1": {
                        "kind": "lvm-thin",
                        "throughput_mb_per_s": BACKEND_MB_PER_S,
                        "volume_create_s": CREATE_S,
                    }
                },
                "volume_types": {"__DEFAULT__": {"backend": "b1"}},
            }
        }
    )


def _image_id(cloud, name, ctx=MEMBER):
    """The id of the image called `name`, as `ctx` finds it in Glance's ``GET /v2/images``."""
    req = Request.build("GET", "/v2/images", context=ctx, headers=GLANCE_JSON, query=f"name={name}")
    resp = cloud.glance.api.call(req)
    assert resp.status == 200, resp.json()
    (image,) = resp.json()["images"]
    return image["id"]


def _volume(cloud, vid, ctx=MEMBER):
    resp = call(cloud, "GET", f"volumes/{vid}", ctx=ctx)
    assert resp.status == 200, resp.json()
    return resp.json()["volume"]


def test_a_volume_from_the_cirros_base_image_is_available_after_its_download(cloud):
    cirros = _image_id(cloud, CIRROS)
    t0 = cloud.now
    resp = call(cloud, "POST", "volumes", {"volume": {"size": 1, "imageRef": cirros}})
    assert resp.status == 202, resp.json()
    vid = resp.json()["volume"]["id"]
    assert resp.json()["volume"]["status"] == "creating"
    # _create_from_image_download: driver.create_volume, then 'downloading' during the copy.
    cloud.advance(2 * RPC + CREATE_S + 1.0)
    assert _volume(cloud, vid)["status"] == "downloading"
    cloud.run_until_idle()
    # Glance's size of the image through the 10 MB/s download link (the 200 MB/s backend is
    # faster): 2.1430272 s, after the backend's 1 s create, after two RPC hops.
    download_s = CIRROS_BYTES / (DOWNLOAD_MB_PER_S * 1e6)
    (start,) = cloud.trace.filter(kind="io.start", label="cinder.image_download")
    assert (start["size"], start["volume_id"]) == (CIRROS_BYTES, vid)
    (finish,) = cloud.trace.filter(kind="io.finish", label="cinder.image_download")
    assert finish["duration_s"] == pytest.approx(download_s)
    available = cloud.trace.first(kind="state", subject=vid, new="available")["t"]
    assert available - t0 == pytest.approx(2 * RPC + CREATE_S + download_s)
    assert states(cloud, vid) == ["creating", "downloading", "available"]
    downloading = cloud.trace.first(kind="state", subject=vid, new="downloading")["t"]
    assert downloading - t0 == pytest.approx(2 * RPC + CREATE_S)
    shown = _volume(cloud, vid)
    assert (shown["status"], shown["bootable"]) == ("available", "true")
    expected = {
        "image_id": cirros,
        "image_name": CIRROS,
        "size": str(CIRROS_BYTES),
        "min_disk": "0",
        "disk_format": "qcow2",
        "container_format": "bare",
    }
    meta = shown["volume_image_metadata"]
    assert {key: meta.get(key) for key in expected} == expected


def test_glance_min_disk_and_properties_reach_the_volume(cloud):
    ubuntu = _image_id(cloud, UBUNTU)
    resp = call(cloud, "POST", "volumes", {"volume": {"size": 1, "imageRef": ubuntu}})
    assert fault(resp) == (
        "badRequest",
        400,
        "Invalid input received: Volume size 1GB cannot be smaller than the image minDisk "
        "size 4GB.",
    )
    resp = call(cloud, "POST", "volumes", {"volume": {"size": 4, "imageRef": ubuntu}})
    assert resp.status == 202, resp.json()
    cloud.run_until_idle()
    meta = _volume(cloud, resp.json()["volume"]["id"])["volume_image_metadata"]
    assert (meta["image_name"], meta["min_disk"]) == (UBUNTU, "4")
    assert (meta["os_distro"], meta["hw_qemu_guest_agent"]) == ("ubuntu", "yes")


def test_a_missing_image_or_another_projects_private_one_is_cinders_400(cloud):
    private = glance_image(cloud, 1024, ctx=OTHER, visibility="private", name="theirs")
    for image_ref in (MISSING, private, f"http://image.fakecloud.test/v2/images/{private}"):
        resp = call(cloud, "POST", "volumes", {"volume": {"size": 1, "imageRef": image_ref}})
        assert fault(resp) == CANNOT_ACCESS, image_ref
    resp = call(cloud, "POST", "volumes", {"volume": {"size": 1, "image_id": private}})
    assert fault(resp) == CANNOT_ACCESS
    assert call(cloud, "GET", "volumes").json()["volumes"] == []  # nothing was made
    # The image itself is fine: Glance shows it to its owner and to an admin.
    for ctx in (OTHER, ADMIN):
        body = {"volume": {"size": 1, "imageRef": private}}
        resp = call(cloud, "POST", "volumes", body, ctx=ctx)
        assert resp.status == 202, resp.json()
    cloud.run_until_idle()
    assert _volume(cloud, resp.json()["volume"]["id"], ADMIN)["status"] == "available"


def test_past_the_api_glances_404_is_cinders_image_not_found(cloud):
    private = glance_image(cloud, 1024, ctx=OTHER, visibility="private")
    for image_id in (MISSING, private):
        with pytest.raises(exception.ImageNotFound) as info:
            cloud.cinder.volume_api.create(MEMBER, 1, "v", "", image_id=image_id)
        assert info.value.code == 404
        assert str(info.value) == f"Image {image_id} could not be found."
    assert cloud.cinder.image_service.show(OTHER, private)["id"] == private
