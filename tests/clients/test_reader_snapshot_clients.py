"""The project's reader snapshots a server with ``openstack server image create --wait``
(``fakecloud-demo-reader`` in the clouds.yaml), release by release.

Nova 17-26 ask createImage's deprecated ``rule:admin_or_owner`` (``enforce_new_defaults`` off),
Glance before 26.0.0 its legacy ``rule:default`` (``""``) and Cinder before 29.0.0
``rule:admin_or_owner``: any caller of the project gets its image, image-backed or volume-backed
(Cinder's snapshot made as the reader). From Nova 27.0.0 (d97af33c06) Nova's own new defaults
refuse a reader before anything else: 403 "Policy doesn't allow
os_compute_api:servers:create_image to be performed."
"""

import pytest
from client_helpers import boot_direct
from osc_inprocess import CommandFailed, OpenStackCLI

from fakecloud import Cloud

IMAGE = "cirros-0.6.2-x86_64-qga"
REFUSED = "403: .*Policy doesn't allow os_compute_api:servers:create_image to be performed"


@pytest.mark.parametrize("profile, allowed", [("seed", True), ("upstream", False)])
def test_the_readers_server_image_create(profile, allowed, tmp_path):
    cloud = Cloud(seed=0, profile=profile)
    boot_direct(cloud, "ib")
    image_id = cloud.request("image", "GET", f"/v2/images?name={IMAGE}").json()["images"][0]["id"]
    bdm = {"boot_index": 0, "uuid": image_id, "source_type": "image", "destination_type": "volume"}
    server = {"name": "bfv", "flavorRef": "1", "networks": "none"}
    server["block_device_mapping_v2"] = [{**bdm, "volume_size": 1}]
    r = cloud.request("compute", "POST", "/v2.1/servers", {"server": server}, microversion="2.37")
    assert r.status == 202, r.json()
    cloud.run_until_idle()
    with cloud.intercept():
        osc = OpenStackCLI(cloud, tmp_path)
        for server in ("ib", "bfv"):
            snap = ["server", "image", "create", "--name", f"by-reader-{server}", "--wait", server]
            if allowed:
                made = osc(*snap, cloud="fakecloud-demo-reader")
                assert made["status"] == "active"
            else:
                with pytest.raises(CommandFailed, match=REFUSED):
                    osc(*snap, cloud="fakecloud-demo-reader")
        snapshots = osc("volume", "snapshot", "list", cloud="fakecloud-demo-reader")
        assert [s["Name"] for s in snapshots] == (["snapshot for by-reader-bfv"] if allowed else [])
