"""``reboot`` through the real clients: openstacksdk's ``reboot_server``, python-novaclient's
``servers.reboot`` and ``openstack server reboot --wait``, each waiting for ACTIVE again."""

from client_helpers import active_server, base_image, novaclient, small_flavor, task_states
from osc_inprocess import OpenStackCLI

from fakecloud import Cloud


def test_sdk_novaclient_and_cli_reboot(tmp_path):
    cloud = Cloud(seed=0)
    with cloud.intercept():
        conn = cloud.connection()
        image = base_image(cloud, conn)
        flavor = small_flavor(conn, image)
        server = active_server(conn, image, flavor, "rb")

        # (wait_for_server returns at once for a resource already ACTIVE: fetch it first)
        conn.compute.reboot_server(server, "SOFT")
        server = conn.compute.get_server(server)
        assert server.status == "REBOOT"
        server = conn.compute.wait_for_server(server, wait=600)
        assert server.status == "ACTIVE"

        nova = novaclient(cloud, "2.1")
        nova.servers.reboot(server.id, reboot_type="HARD")
        assert nova.servers.get(server.id).status == "HARD_REBOOT"
        server = conn.compute.wait_for_server(conn.compute.get_server(server), wait=600)

        conn.compute.stop_server(server)
        conn.compute.wait_for_server(server, status="SHUTOFF", wait=600)
        osc = OpenStackCLI(cloud, tmp_path)
        printed = osc("server", "reboot", "--hard", "--wait", server.id, output=False)
        assert printed.endswith("Complete\n")
        assert conn.compute.get_server(server).status == "ACTIVE"
    assert task_states(cloud, server.id, "reboot") == [
        "rebooting", "reboot_pending", "reboot_started",
        "rebooting_hard", "reboot_pending_hard", "reboot_started_hard",
        "rebooting_hard", "reboot_pending_hard", "reboot_started_hard",
    ]  # fmt: skip
