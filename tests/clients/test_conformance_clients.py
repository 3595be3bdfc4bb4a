"""The routes #12 added, through the real clients that call them: a flavor's extra specs
(openstacksdk, novaclient ``get_keys``, ``openstack flavor set/show``), a server's volume
attachments (openstacksdk, novaclient ``get_server_volumes``, ``openstack server volume
list``), an image's tasks (openstacksdk ``image_tasks``), and Nova's deprecated image proxies
openstacksdk still offers (``compute.images`` paged with ``limit``, ``set/fetch/delete
_image_metadata``)."""

import pytest
from client_helpers import base_image, bfv_mapping, password_session, small_flavor
from novaclient import client as nova_client
from osc_inprocess import OpenStackCLI

from fakecloud import Cloud


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One cloud with a boot-from-volume server and an extra spec on its flavor."""
    cloud = Cloud(seed=0)
    with cloud.intercept():
        conn = cloud.connection()
        image = base_image(cloud, conn)
        flavor = small_flavor(conn, image)
        server = conn.compute.create_server(
            name="cc", flavor_id=flavor.id, block_device_mapping=bfv_mapping(image),
            networks="none",
        )  # fmt: skip
        server = conn.compute.wait_for_server(server, wait=600)
        admin = cloud.connection(user="admin")
        admin.compute.create_flavor_extra_specs(flavor, {"hw:cpu_policy": "dedicated"})
    osc = OpenStackCLI(cloud, tmp_path_factory.mktemp("osc"))
    return cloud, conn, server, flavor, osc


def test_openstacksdk_reads_extra_specs_attachments_and_image_tasks(world):
    cloud, conn, server, flavor, _ = world
    with cloud.intercept():
        fetched = conn.compute.fetch_flavor_extra_specs(flavor.id)
        assert fetched.extra_specs == {"hw:cpu_policy": "dedicated"}
        value = conn.compute.get_flavor_extra_specs_property(flavor.id, "hw:cpu_policy")
        assert value == "dedicated"
        (attachment,) = list(conn.compute.volume_attachments(server))
        assert attachment.server_id == server.id and attachment.volume_id
        image = conn.image.create_image(name="tasks", disk_format="raw", container_format="bare")
        assert list(conn.image.image_tasks(image)) == []


def test_novaclient_reads_extra_specs_and_server_volumes(world):
    cloud, _, server, flavor, _ = world
    with cloud.intercept():
        nova = nova_client.Client("2.1", session=password_session(cloud))
        assert nova.flavors.get(flavor.id).get_keys() == {"hw:cpu_policy": "dedicated"}
        (volume,) = nova.volumes.get_server_volumes(server.id)
        assert volume.serverId == server.id and volume.device == "/dev/vda"


def test_openstack_cli_flavor_properties_and_server_volume_list(world):
    cloud, _, server, flavor, osc = world
    with cloud.intercept():
        osc("flavor", "set", "--property", "hw:mem_page_size=large", flavor.id,
            cloud="fakecloud-admin", output=False)  # fmt: skip
        shown = osc("flavor", "show", flavor.id)
        volumes = osc("server", "volume", "list", server.id)
    assert shown["properties"] == {"hw:cpu_policy": "dedicated", "hw:mem_page_size": "large"}
    assert [v["Server ID"] for v in volumes] == [server.id]


def test_openstacksdk_pages_novas_image_proxy_and_edits_image_metadata(world):
    cloud, conn, *_ = world
    glance = cloud.request("image", "GET", "/v2/images").json()["images"]
    with cloud.intercept() as intercept:
        paged = [i.id for i in conn.compute.images(limit=1)]
        pages = [c for c in intercept.calls if "/images/detail" in c.request.url]
        mine = conn.image.create_image(name="md", disk_format="raw", container_format="bare")
        conn.compute.set_image_metadata(mine.id, purpose="demo", team="a")
        conn.compute.delete_image_metadata(mine.id, ["team"])
        fetched = conn.compute.fetch_image_metadata(mine.id)
    # One image a page, following Nova's images_links next link to the end.
    assert paged == [i["id"] for i in glance]
    assert len(pages) == len(glance) + 1
    assert "limit=1" in pages[1].request.url and "marker=" in pages[1].request.url
    # (openstacksdk's create_image added its owner_specified.openstack.* properties.)
    assert fetched.metadata["purpose"] == "demo" and "team" not in fetched.metadata
