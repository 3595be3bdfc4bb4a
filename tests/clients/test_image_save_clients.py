"""``openstack image save`` (openstacksdk's ``download_image``) of an image whose content is
simulated: the download checks what it read against the image's ``os_hash_value`` (or
``checksum``/``Content-MD5``), so the bytes a download sends must be the bytes the hashes are of.
Simulated content up to 1 MiB is sent as deterministic filler and hashed as sent; fakecloud
hashed its description instead, and every such download failed "checksum mismatch". Larger
simulated content is described, not sent: its download is refused (Glance's 400 for a store
that cannot get the data, naming the setting), where it was an empty 200 that every client
called corrupt.
"""

import hashlib

import pytest
from openstack import exceptions
from osc_inprocess import OpenStackCLI

from fakecloud import Cloud


def test_a_small_simulated_image_downloads_intact(tmp_path):
    cloud = Cloud(seed=0, profile="upstream")
    body = {"name": "small", "disk_format": "raw", "container_format": "bare"}
    image_id = cloud.request("image", "POST", "/v2/images", body).json()["id"]
    headers = {"Content-Type": "application/octet-stream", "x-openstack-image-size": "4096"}
    r = cloud.request("image", "PUT", f"/v2/images/{image_id}/file", headers=headers)
    assert r.status == 204
    cloud.run_until_idle()
    with cloud.intercept():
        osc = OpenStackCLI(cloud, tmp_path)
        shown = osc("image", "show", "small")
        target = tmp_path / "small.raw"
        osc("image", "save", "--file", str(target), "small", output=False)
    data = target.read_bytes()
    assert len(data) == 4096 == shown["size"]
    assert hashlib.md5(data).hexdigest() == shown["checksum"]
    assert hashlib.sha512(data).hexdigest() == shown["properties"]["os_hash_value"]
    # the base image (128 MB described): refused at once, naming the setting. openstacksdk
    # 4.22's download_image reads no status: it reports this answer, as any error a real
    # Glance gives there, as "checksum mismatch" (of the error page against the image's hash).
    with cloud.intercept():
        conn = cloud.connection()
        base = next(i for i in conn.image.images() if i.name != "small")
        with pytest.raises(exceptions.InvalidResponse, match="checksum mismatch"):
            conn.image.download_image(base)
        resp = conn.image.get(f"/images/{base.id}/file")
    assert resp.status_code == 400
    assert "over glance.downloadable_content_bytes (1048576 bytes)" in resp.text
