"""``rebuild`` through the real clients: a server restored from its own createImage snapshot
with openstacksdk's ``rebuild_server``, python-novaclient's ``servers.rebuild`` and
``openstack server rebuild --image ... --wait``; the image the server shows after."""

from client_helpers import base_image, novaclient, small_flavor
from osc_inprocess import OpenStackCLI

from fakecloud import Cloud


def _rebuilds(cloud, sid):
    """The server's rebuild task states, from the trace."""
    return [
        e["new"]
        for e in cloud.trace.filter(kind="state", subject=sid)
        if e.get("field") == "task_state" and e["new"] and "rebuild" in e["new"]
    ]


def test_restore_from_a_snapshot_with_sdk_novaclient_and_cli(tmp_path):
    cloud = Cloud(seed=0)
    with cloud.intercept():
        conn = cloud.connection()
        image = base_image(cloud, conn)
        flavor = small_flavor(conn, image)
        server = conn.compute.create_server(
            name="rb", flavor_id=flavor.id, image_id=image.id, networks="none"
        )
        server = conn.compute.wait_for_server(server, wait=600)
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
    assert _rebuilds(cloud, server.id) == 3 * [
        "rebuilding", "rebuild_block_device_mapping", "rebuild_spawning"
    ]  # fmt: skip
