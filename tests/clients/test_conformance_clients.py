"""The routes #12 added, through the real clients that call them, on one shared cloud:

- ``createBackup``: openstacksdk's ``backup_server`` (2.45: the image id from the body),
  python-novaclient's ``servers.backup`` at 2.1 (``Location`` to Nova's own images URL) and
  2.45, ``openstack server backup create --wait``; rotation leaves the newest backups;
- a flavor's extra specs (openstacksdk, novaclient ``get_keys``, ``openstack flavor show``);
- a server's volume attachments (openstacksdk, novaclient ``get_server_volumes``, ``openstack
  server volume list``);
- an image's tasks (openstacksdk ``image_tasks``), and Nova's deprecated image proxies
  openstacksdk still offers (``compute.images`` paged with ``limit``, ``set/fetch/delete
  _image_metadata``).
"""

import pytest
from client_helpers import base_image, bfv_mapping, novaclient, small_flavor
from openstack.exceptions import NotFoundException
from osc_inprocess import OpenStackCLI

from fakecloud import Cloud


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One cloud with an image-backed and a boot-from-volume server, and an extra spec on
    their flavor."""
    cloud = Cloud(seed=0)
    with cloud.intercept():
        conn = cloud.connection()
        image = base_image(cloud, conn)
        flavor = small_flavor(conn, image)
        server = conn.compute.create_server(
            name="bk", flavor_id=flavor.id, image_id=image.id, networks="none"
        )
        bfv = conn.compute.create_server(
            name="cc", flavor_id=flavor.id, block_device_mapping=bfv_mapping(image),
            networks="none",
        )  # fmt: skip
        server = conn.compute.wait_for_server(server, wait=600)
        bfv = conn.compute.wait_for_server(bfv, wait=600)
        admin = cloud.connection(user="admin")
        admin.compute.create_flavor_extra_specs(flavor, {"hw:cpu_policy": "dedicated"})
    osc = OpenStackCLI(cloud, tmp_path_factory.mktemp("osc"))
    return cloud, conn, server, bfv, flavor, osc


def backups(cloud, backup_type):
    r = cloud.request("image", "GET", f"/v2/images?backup_type={backup_type}")
    return sorted(i["name"] for i in r.json()["images"])


# -- createBackup ---------------------------------------------------------------------------------


def test_openstacksdk_backup_server(world):
    cloud, conn, server, *_ = world
    with cloud.intercept():
        for n in range(3):
            image = conn.compute.backup_server(server, f"sdk-{n}", "sdk", 2, wait=True)
            assert image.status == "active"
            assert image.properties["backup_type"] == "sdk"
    cloud.run_until_idle()
    assert backups(cloud, "sdk") == ["sdk-1", "sdk-2"]


@pytest.mark.parametrize("version", ["2.1", "2.45"])
def test_novaclient_servers_backup(world, version):
    cloud, _, server, *_ = world
    with cloud.intercept() as intercept:
        nova = novaclient(cloud, version)
        nova.servers.backup(server.id, f"nc-{version}", f"nc{version}", 1)
        action = [c for c in intercept.calls if c.request.url.endswith("/action")][-1]
    if version == "2.1":
        location = action.response.headers["Location"]
        assert location.startswith("http://compute.fakecloud.test/v2.1/images/")
        image_id = location.rsplit("/", 1)[1]
    else:
        image_id = action.response.json()["image_id"]
    cloud.run_until_idle()
    image = cloud.request("image", "GET", f"/v2/images/{image_id}").json()
    assert (image["status"], image["image_type"]) == ("active", "backup")


def test_openstack_server_backup_create(world):
    cloud, _, server, *_, osc = world
    with cloud.intercept():
        image = osc("server", "backup", "create", "--name", "cli-1", "--type", "cli",
                    "--rotate", "1", "--wait", server.id)  # fmt: skip
    # openstackclient prints the image it found right after the 202, before its --wait.
    assert (image["name"], image["status"]) == ("cli-1", "queued")
    assert image["properties"]["backup_type"] == "cli"
    # --wait returned once Glance had the image active.
    shown = cloud.request("image", "GET", f"/v2/images/{image['id']}").json()
    assert shown["status"] == "active"


# -- extra specs, volume attachments, image tasks, Nova's image proxies ---------------------------


def test_openstacksdk_reads_extra_specs_attachments_and_image_tasks(world):
    cloud, conn, _, server, flavor, _ = world
    with cloud.intercept():
        fetched = conn.compute.fetch_flavor_extra_specs(flavor.id)
        assert fetched.extra_specs["hw:cpu_policy"] == "dedicated"
        value = conn.compute.get_flavor_extra_specs_property(flavor.id, "hw:cpu_policy")
        assert value == "dedicated"
        (attachment,) = list(conn.compute.volume_attachments(server))
        assert attachment.server_id == server.id and attachment.volume_id
        image = conn.image.create_image(name="tasks", disk_format="raw", container_format="bare")
        # The seed's Glance 16 has no such route (Glance 22.0.0 added it): openstacksdk's 404.
        with pytest.raises(NotFoundException):
            list(conn.image.image_tasks(image))
    upstream = Cloud(seed=0, profile="upstream")
    with upstream.intercept():
        conn = upstream.connection()
        image = conn.image.create_image(name="tasks", disk_format="raw", container_format="bare")
        assert list(conn.image.image_tasks(image)) == []


def test_novaclient_reads_extra_specs_and_server_volumes(world):
    cloud, _, _, server, flavor, _ = world
    with cloud.intercept():
        nova = novaclient(cloud, "2.1")
        assert nova.flavors.get(flavor.id).get_keys()["hw:cpu_policy"] == "dedicated"
        (volume,) = nova.volumes.get_server_volumes(server.id)
        assert volume.serverId == server.id and volume.device == "/dev/vda"


def test_openstack_cli_flavor_properties_and_server_volume_list(world):
    cloud, _, _, server, flavor, osc = world
    with cloud.intercept():
        shown = osc("flavor", "show", flavor.id)
        volumes = osc("server", "volume", "list", server.id)
    assert shown["properties"]["hw:cpu_policy"] == "dedicated"
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
