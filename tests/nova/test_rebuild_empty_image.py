"""Rebuild of an image-backed server with a volume-backed snapshot's image (size 0, its
``block_device_mapping``): Nova's API takes it (``_validate_flavor_image_nostatus`` checks
sizes only), the libvirt driver downloads the empty image (``images.fetch_to_raw``), and what
deep inspection makes of it decides the end (`fakecloud.nova.virt.images`)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv
from tests.nova.volume_backed_env import NO_AGENT, BfvEnv


@pytest.mark.parametrize(
    "profile, fault",
    [
        ("seed", None),  # no inspection: qemu-img info finds raw, the guest boots
        ("nova-29.1.0", "Image content does not match disk_format"),  # qcow2's inspector
        ("nova-30.0.0", "Image not in a supported format"),  # 8b4c522f66's catch-all
        ("nova-31.0.0", None),  # e28f90866b: the empty image is declared raw
    ],
)
def test_rebuild_with_a_volume_backed_snapshots_image(profile, fault):
    env = BfvEnv(profile)
    bfv = env.boot_bfv(image=NO_AGENT)
    env.server_action(bfv, "os-stop")
    image_id = env.snap(bfv)
    sid = env.boot()
    resp = env.action(sid, {"rebuild": {"imageRef": image_id}})
    assert resp.status == 202, resp.json()
    env.cloud.run_until_idle()
    server = env.server(sid)
    if fault is None:
        assert (server["status"], server["image"]["id"]) == ("ACTIVE", image_id)
        return
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("ERROR", None)
    assert server["fault"]["message"] == f"Image {image_id} is unacceptable: {fault}"


def test_a_boot_from_an_empty_qcow2_image_is_aborted_not_rescheduled():
    """``_build_and_run_instance``'s ``except ImageUnacceptable``: one ``create.error`` with the
    driver's error, then ``BuildAbortException``: ERROR, no other host tried."""
    env = NovaEnv("nova-30.0.0")
    image = {"name": "empty", "disk_format": "qcow2", "container_format": "bare"}
    image_id = env.cloud.request("image", "POST", "/v2/images", body=image).json()["id"]
    octet = {"Content-Type": "application/octet-stream", "x-openstack-image-size": "0"}
    put = env.cloud.request("image", "PUT", f"/v2/images/{image_id}/file", headers=octet)
    assert put.status == 204
    server = {"name": "vm", "flavorRef": "1", "networks": "none", "imageRef": image_id}
    resp = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.45")
    sid = resp.json()["server"]["id"]
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert (server["status"], server["OS-EXT-SRV-ATTR:host"]) == ("ERROR", None)
    reason = f"Image {image_id} is unacceptable: Image not in a supported format"
    assert server["fault"]["message"] == f"Build of instance {sid} aborted: {reason}"
    errors = [
        e.get("message")
        for e in env.cloud.trace.filter(kind="notification")
        if e["event_type"] == "compute.instance.create.error"
    ]
    assert errors == [reason]
