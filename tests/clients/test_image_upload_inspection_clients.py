"""``openstack image create --file`` (openstacksdk's upload, ``PUT /v2/images/{id}/file``) with
real bytes: Glance inspects what it is sent.

From Glance 30.0.0 (Nova 31 series; 7c748d385, ``[image_format] require_image_format_match``
default True) ``glance/location.py`` ``ImageProxy.set_data`` runs every format inspector over the
stream: content that is not the declared ``disk_format`` is a 415 "Image disk_format qcow2 does
not match stream data raw" and the image goes back to ``queued``; content that is, gives the
image the virtual size its header says. Glance 21.0.0-29.x ran only the declared format's
inspector and let a mismatch through without a virtual size. fakecloud took any real bytes for
the declared format (a virtual size equal to the byte count).
"""

import struct

import pytest
from osc_inprocess import CommandFailed, OpenStackCLI

from fakecloud import Cloud

GIB = 1 << 30


def _qcow2(virtual_size):
    """A qcow2 header (version 3, 64 KiB clusters) for a disk of `virtual_size`, zero-padded."""
    header = b"QFI\xfb" + struct.pack(">IQIIQ", 3, 0, 0, 16, virtual_size)
    return header.ljust(1 << 20, b"\0")


@pytest.mark.parametrize(
    "profile, mismatch",
    [("nova-31.0.0", "refused"), ("nova-29.2.0", "accepted")],  # Glance 30.0.0 / 28.x
)
def test_uploaded_bytes_are_inspected(profile, mismatch, tmp_path):
    cloud = Cloud(seed=0, profile=profile)
    noise = tmp_path / "noise.img"
    noise.write_bytes(bytes(range(256)) * 4096)  # 1 MiB of no known format: raw
    disk = tmp_path / "disk.qcow2"
    disk.write_bytes(_qcow2(GIB))
    with cloud.intercept():
        osc = OpenStackCLI(cloud, tmp_path)
        args = ["--disk-format", "qcow2", "--container-format", "bare"]
        made = osc("image", "create", "--file", str(disk), *args, "real-qcow2")
        assert (made["status"], made["virtual_size"], made["size"]) == ("active", GIB, 1 << 20)

        if mismatch == "refused":
            with pytest.raises(CommandFailed, match="HttpException: 415: .*Unsupported Media Type"):
                osc("image", "create", "--file", str(noise), *args, "noise")
            # openstacksdk deletes the image whose upload failed; Glance's words, to a PUT:
            assert osc("image", "list", "--name", "noise") == []
            body = {"name": "noise", "disk_format": "qcow2", "container_format": "bare"}
            image_id = cloud.request("image", "POST", "/v2/images", body).json()["id"]
            headers = {"Content-Type": "application/octet-stream"}
            path = f"/v2/images/{image_id}/file"
            r = cloud.request("image", "PUT", path, body=noise.read_bytes(), headers=headers)
            assert r.status == 415
            # glance 30.0.0 passes InvalidImageData's words as explanation=, which WebOb's 415
            # does not show (detail= from 33.0.0, fb6ffd01d)
            assert r.json()["message"] == (
                "The request media type application/octet-stream is not supported by this "
                "server.\n<br /><br />\n"
            )
            assert (
                cloud.request("image", "GET", f"/v2/images/{image_id}").json()["status"] == "queued"
            )
        else:
            made = osc("image", "create", "--file", str(noise), *args, "noise")
            assert (made["status"], made.get("virtual_size")) == ("active", None)

        # Declared raw, anything goes: its virtual size is its byte count.
        args = ["--disk-format", "raw", "--container-format", "bare"]
        made = osc("image", "create", "--file", str(disk), *args, "raw-of-qcow2")
        assert (made["status"], made["virtual_size"]) == ("active", 1 << 20)
