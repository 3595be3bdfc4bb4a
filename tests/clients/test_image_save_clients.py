"""``openstack image save`` (openstacksdk's ``download_image``) of an image whose content is
simulated: the download checks what it read against the image's ``os_hash_value`` (or
``checksum``/``Content-MD5``), so the bytes a download sends must be the bytes the hashes are of.
Simulated content up to 1 MiB is sent as deterministic filler and hashed as sent; fakecloud
hashed its description instead, and every such download failed "checksum mismatch". (Larger
simulated content is described, not sent: docs/history/conformance-log.md.)
"""

import hashlib

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
