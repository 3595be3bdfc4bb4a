"""``openstack server list --image/--flavor/--changes-since``, novaclient's ``servers.list``
with ``search_opts`` or ``sort_keys`` and openstacksdk's ``servers(image=, flavor=,
sort_key=)`` against Nova's filters and order
(``_get_servers`` and ``compute.api.API.get_all``, nova 17.0.13 to 34.0.0; unit tests in
tests/nova/test_server_list_filters.py). fakecloud ignored them: every server was listed."""

import pytest
from client_helpers import boot_direct, novaclient
from osc_inprocess import OpenStackCLI

from fakecloud import Cloud


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """An image-backed server of flavor 1 (``vm``) and, later, a volume-backed one of flavor
    42 (``bfv``: no image)."""
    cloud = Cloud(seed=5, profile="nova-25.3.0")
    with cloud.intercept():
        vm = boot_direct(cloud, "vm")
        image = cloud.request("compute", "GET", f"/v2.1/servers/{vm}").json()["server"]["image"]
        cloud.run(120)
        body = {
            "server": {
                "name": "bfv",
                "flavorRef": "42",
                "networks": "none",
                "block_device_mapping_v2": [
                    {
                        "boot_index": 0,
                        "uuid": image["id"],
                        "source_type": "image",
                        "destination_type": "volume",
                        "volume_size": 1,
                    }
                ],
            }
        }
        resp = cloud.request("compute", "POST", "/v2.1/servers", body=body, microversion="2.37")
        assert resp.status == 202, resp.body
        cloud.run_until_idle()
    return cloud, image["id"], OpenStackCLI(cloud, tmp_path_factory.mktemp("osc"))


def test_openstack_server_list_filters(world):
    cloud, image, osc = world
    with cloud.intercept():
        by_image = osc("server", "list", "--image", "cirros-0.6.2-x86_64-qga")
        since = ("--changes-since", "2026-01-01T00:01:00Z")
        by_flavor = osc("server", "list", "--flavor", "m1.nano", *since, "--long")
    assert [s["Name"] for s in by_image] == ["vm"]
    assert [(s["Name"], s["Image ID"]) for s in by_flavor] == [("bfv", "N/A (booted from volume)")]


def test_novaclient_and_openstacksdk_filters(world):
    cloud, image, _ = world
    with cloud.intercept():
        nova = novaclient(cloud, "2.1")
        assert [s.name for s in nova.servers.list(search_opts={"image": image})] == ["vm"]
        assert [s.name for s in nova.servers.list(search_opts={"flavor": "1"})] == ["vm"]
        assert nova.servers.list(search_opts={"flavor": "no-such-flavor"}) == []
        conn = cloud.connection()
        assert [s.name for s in conn.compute.servers(flavor="42")] == ["bfv"]
        assert [s.name for s in conn.compute.servers(image=image, status="ACTIVE")] == ["vm"]


def test_novaclient_and_openstacksdk_sorting(world):
    # novaclient's sort_keys/sort_dirs and openstacksdk's sort_key/sort_dir reach Nova's
    # get_sort_params as repeated sort_key/sort_dir parameters; fakecloud listed newest first
    cloud, *_ = world
    with cloud.intercept():
        nova = novaclient(cloud, "2.1")
        listed = nova.servers.list(sort_keys=["display_name"], sort_dirs=["asc"])
        assert [s.name for s in listed] == ["bfv", "vm"]
        listed = nova.servers.list(sort_keys=["created_at"], sort_dirs=["asc"])
        assert [s.name for s in listed] == ["vm", "bfv"]
        conn = cloud.connection()
        names = [s.name for s in conn.compute.servers(sort_key="display_name", sort_dir="desc")]
        assert names == ["vm", "bfv"]
