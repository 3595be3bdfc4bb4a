"""Glance's data path as Nova's and Cinder's uploads meet it, release by release: their
glanceclient streams the data chunked and they pass no ``image_size`` (nova 34.0.0
``image/glance.py`` ``_upload_data``), so Glance's ``size`` is None for them in every series;
and the stage's size (glance 23.0.0)."""

import pytest
from glance_support import GB, OCTET, P1, World

from fakecloud.glance.content import ImageData
from fakecloud.glance.errors import GlanceHttpError

MIB = 1024 * 1024


def _streamed(w, image_id, size):
    """Upload `size` bytes as glanceclient streams them (no declared size): the error or None."""
    out = {}

    def run():
        try:
            yield from w.glance.image_data.upload(P1, image_id, ImageData(size, "streamed"))
        except GlanceHttpError as e:
            out["error"] = e

    w.cloud.kernel.spawn(run(), name="streamed upload")
    w.cloud.run_until_idle()
    return out.get("error")


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_a_streamed_upload_over_the_storage_quota_is_stored_whole_then_refused(profile):
    """glance 16.0.1-33.0.0 ``api/common.py`` ``check_quota``: a size not known is refused up
    front only when nothing remains (no ``LimitingReader`` either: it returns None); the
    quota proxy's ``set_data`` then checks the stored size, deletes the data and raises after
    the location proxy made the image active in memory, so ``_restore`` cannot move it to
    queued ("Unable to restore image"): the row stays ``saving``."""
    w = World(config={"glance": {"user_storage_quota": "1GB", "base_images": []}}, profile=profile)
    image = w.create()
    error = _streamed(w, image["id"], 2 * GB)
    assert error.code == 413
    assert error.explanation == (
        "Image exceeds the storage quota: The size of the data 2000000000 will exceed the "
        "limit. 1073741824 bytes remaining."
    )
    assert w.cloud.trace.filter(kind="io.finish", label="glance.upload")  # the whole 2 GB
    assert w.status(image["id"]) == "saving" and w.glance.store.used_bytes == 0
    filler = w.create()
    assert w.upload(filler["id"], 1024 * MIB).status == 204  # "1GB" is 1 GiB to Glance
    second = w.create()
    error = _streamed(w, second["id"], 10)
    assert error.explanation == (
        "Image exceeds the storage quota: The size of the data None will exceed the limit. "
        "0 bytes remaining."
    )
    assert w.status(second["id"]) == "queued"


def test_glance_33_counts_no_delta_for_a_streamed_upload():
    """368204bae (33.0.0) ``ImageDataController.upload``: ``quota_delta = 0 if size is None``;
    only a declared size is added to the upfront ``image_size_total`` check."""
    limits = {"image_size_total": 1000, "image_count_total": -1, "image_stage_total": -1}
    limits["image_count_uploading"] = -1
    config = {"glance": {"use_keystone_limits": True, "registered_limits": limits}}
    w = World(config=config, profile="upstream")
    declared, streamed = w.create(), w.create()
    assert w.upload(declared["id"], 2000 * MIB).status == 413
    assert _streamed(w, streamed["id"], 2000 * MIB) is None
    assert w.status(streamed["id"]) == "active"


@pytest.mark.parametrize(("profile", "size"), [("nova-23.2.2", None), ("nova-24.0.0", 1000)])
def test_a_staged_image_shows_its_size_from_glance_23(profile, size):
    """c290c4af5 (23.0.0) ``ImageDataController.stage`` sets ``image.size``; 16.0.1-22.x leave
    it null until the import stores the data."""
    w = World(profile=profile)
    image = w.create()
    headers = {**OCTET, "x-openstack-image-size": "1000"}
    assert w.call("PUT", f"/v2/images/{image['id']}/stage", headers=headers).status == 204
    assert w.show(image["id"])["size"] == size
