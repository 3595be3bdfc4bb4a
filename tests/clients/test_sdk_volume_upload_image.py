"""openstacksdk, unchanged, turns a volume into an image through Cinder's
``os-volume_upload_image``: the cloud layer's ``create_image(volume=..., wait=True)`` polls
Glance on virtual time until the upload is done, and ``Volume.upload_to_image`` at 3.1 passes
visibility and protected. ``extend_volume`` is ``os-extend``."""

import pytest
from client_helpers import needs

GiB = 1024**3


@pytest.fixture
def conn(intercepted):
    needs(intercepted, "cinder", "glance")
    return intercepted.connection()


def test_create_image_from_a_volume_waits_for_the_upload(intercepted, conn):
    vol = conn.block_storage.create_volume(size=2, name="sdk-vol")
    vol = conn.block_storage.wait_for_status(vol, "available", wait=600)
    t0 = intercepted.now
    image = conn.create_image("sdk-img", volume=vol.id, wait=True, timeout=600)
    assert (image.status, image.size, image.name) == ("active", 2 * GiB, "sdk-img")
    (upload,) = intercepted.trace.filter(kind="io.finish", label="glance.upload")
    assert upload["duration_s"] <= intercepted.now - t0
    assert conn.block_storage.get_volume(vol.id).status == "available"


def test_upload_to_image_at_3_1_with_visibility_and_protected(intercepted, conn):
    vol = conn.block_storage.create_volume(size=1, name="sdk-vol-31")
    vol = conn.block_storage.wait_for_status(vol, "available", wait=600)
    bs = conn.block_storage
    bs.default_microversion = "3.1"
    answer = vol.upload_to_image(bs, "sdk-img-31", visibility="community", protected=True)
    assert (answer["status"], answer["visibility"], answer["protected"]) == (
        "uploading",
        "community",
        True,
    )
    intercepted.run_until_idle()
    image = conn.image.get_image(answer["image_id"])
    assert (image.status, image.visibility, image.is_protected) == ("active", "community", True)


def test_extend_volume(intercepted, conn):
    vol = conn.block_storage.create_volume(size=1, name="sdk-grow")
    vol = conn.block_storage.wait_for_status(vol, "available", wait=600)
    conn.block_storage.extend_volume(vol, 2)
    # wait_for_status returns at once for a resource already showing the status: fetch it.
    vol = conn.block_storage.get_volume(vol.id)
    assert vol.status == "extending"
    vol = conn.block_storage.wait_for_status(vol, "available", wait=600)
    assert vol.size == 2
