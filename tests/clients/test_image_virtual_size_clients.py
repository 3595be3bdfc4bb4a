"""openstacksdk's ``block_storage.create_volume(size=, image_id=)`` of an image whose virtual
size does not fit: Cinder 21.0.0+'s API check (``volume_utils.check_image_metadata`` ->
``image_utils.check_virtual_size``, 75d5fabff) answers 400 and the SDK raises it; an image that
fits makes an available volume. See tests/cinder/test_image_virtual_size.py for the series."""

import pytest
from openstack import exceptions

from fakecloud import Cloud
from fakecloud.api.http import Request

GiB = 1024**3


@pytest.fixture
def cloud():
    """A cloud of the newest series (Cinder checks the virtual size at create time)."""
    return Cloud(profile="upstream")


def _image(cloud, virtual_size):
    glance = cloud.glance.api
    body = {"name": "big-disk", "disk_format": "raw", "container_format": "bare",
            "visibility": "public"}  # fmt: skip
    json = {"Accept": "application/json"}
    image_id = glance.call(Request.build("POST", "/v2/images", body=body, headers=json)).json()[
        "id"
    ]
    headers = {**json, "Content-Type": "application/octet-stream",
               "x-openstack-image-size": str(GiB // 2),
               "x-fakecloud-virtual-size": str(virtual_size)}  # fmt: skip
    resp = glance.call(Request.build("PUT", f"/v2/images/{image_id}/file", headers=headers))
    assert resp.status == 204, resp.json()
    cloud.run_until_idle()
    return image_id


def test_openstacksdk_create_volume_from_an_image_too_big_when_unpacked(intercepted):
    conn = intercepted.connection()
    image_id = _image(intercepted, 2 * GiB + 1)
    with pytest.raises(exceptions.BadRequestException) as err:
        conn.block_storage.create_volume(size=2, image_id=image_id)
    assert (
        f"Image {image_id} is unacceptable: Image virtual size is 3GB and doesn't fit in a "
        "volume of size 2GB."
    ) in str(err.value)
    volume = conn.block_storage.create_volume(size=3, image_id=image_id)
    volume = conn.block_storage.wait_for_status(volume, "available", wait=600)
    assert volume.is_bootable
