"""``rebuild`` through the real clients: a server restored from its own createImage snapshot
with openstacksdk's ``rebuild_server``, python-novaclient's ``servers.rebuild`` and
``openstack server rebuild --image ... --wait``; the image the server shows after."""

from client_helpers import active_server, base_image, novaclient, small_flavor, task_states
from osc_inprocess import OpenStackCLI

from fakecloud import Cloud


def test_restore_from_a_snapshot_with_sdk_novaclient_and_cli(tmp_path):
    cloud = Cloud(seed=0)
    with cloud.intercept():
        conn = cloud.connection()
        image = base_image(cloud, conn)
        flavor = small_flavor(conn, image)
        server = active_server(conn, image, flavor, "rb")
        snap = conn.compute.create_server_image(server, "restore-point", wait=True)

        rebuilt = conn.compute.rebuild_server(server, image=snap.id, admin_password="pw-1")
        assert rebuilt.admin_password == "pw-1"
        assert conn.compute.get_server(server).status == "REBUILD"
        server = conn.compute.wait_for_server(conn.compute.get_server(server), wait=600)
        assert server.status == "ACTIVE"
        assert server.image.id == snap.id

        nova = novaclient(cloud, "2.1")
        nova.servers.rebuild(server.id, image.id)
        assert nova.servers.get(server.id).status == "REBUILD"
        server = conn.compute.wait_for_server(conn.compute.get_server(server), wait=600)
        assert server.image.id == image.id

        osc = OpenStackCLI(cloud, tmp_path)
        printed = osc("server", "rebuild", "--image", snap.id, "--wait", server.id, output=False)
        assert "Complete" in printed
        server = conn.compute.get_server(server)
        assert (server.status, server.image.id) == ("ACTIVE", snap.id)
        shown = osc("server", "show", server.id, "-f", "value", "-c", "image", output=False)
        assert snap.id in shown
    assert task_states(cloud, server.id, "rebuild") == 3 * [
        "rebuilding", "rebuild_block_device_mapping", "rebuild_spawning"
    ]  # fmt: skip
