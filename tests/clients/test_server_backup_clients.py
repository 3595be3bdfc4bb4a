"""``createBackup`` through the real clients: openstacksdk's ``backup_server`` (2.45: the image
id from the body), python-novaclient's ``servers.backup`` at 2.1 (``Location`` to Nova's own
images URL) and 2.45, and ``openstack server backup create --wait`` — each finds its backup
image active, and rotation leaves the newest ones."""

import pytest
from client_helpers import base_image, password_session, small_flavor
from novaclient import client as nova_client
from osc_inprocess import OpenStackCLI

from fakecloud import Cloud


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One cloud, one ACTIVE image-backed server, shared by the three clients."""
    cloud = Cloud(seed=0)
    with cloud.intercept():
        conn = cloud.connection()
        image = base_image(cloud, conn)
        server = conn.compute.create_server(
            name="bk", flavor_id=small_flavor(conn, image).id, image_id=image.id, networks="none"
        )
        server = conn.compute.wait_for_server(server, wait=600)
    return cloud, conn, server, OpenStackCLI(cloud, tmp_path_factory.mktemp("osc"))


def backups(cloud, backup_type):
    r = cloud.request("image", "GET", f"/v2/images?backup_type={backup_type}")
    return sorted(i["name"] for i in r.json()["images"])


def test_openstacksdk_backup_server(world):
    cloud, conn, server, _ = world
    with cloud.intercept():
        for n in range(3):
            image = conn.compute.backup_server(server, f"sdk-{n}", "sdk", 2, wait=True)
            assert image.status == "active"
            assert image.properties["backup_type"] == "sdk"
    cloud.run_until_idle()
    assert backups(cloud, "sdk") == ["sdk-1", "sdk-2"]


@pytest.mark.parametrize("version", ["2.1", "2.45"])
def test_novaclient_servers_backup(world, version):
    cloud, _, server, _ = world
    with cloud.intercept() as intercept:
        nova = nova_client.Client(version, session=password_session(cloud))
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
    cloud, _, server, osc = world
    with cloud.intercept():
        image = osc("server", "backup", "create", "--name", "cli-1", "--type", "cli",
                    "--rotate", "1", "--wait", server.id)  # fmt: skip
    # openstackclient prints the image it found right after the 202, before its --wait.
    assert (image["name"], image["status"]) == ("cli-1", "queued")
    assert image["properties"]["backup_type"] == "cli"
    # --wait returned once Glance had the image active.
    shown = cloud.request("image", "GET", f"/v2/images/{image['id']}").json()
    assert shown["status"] == "active"
