"""Server diagnostics through the real clients (``GET /servers/{id}/diagnostics``, Nova's
``server_diagnostics.py``): openstacksdk's ``get_server_diagnostics`` (the 2.48 standard
format), python-novaclient's ``servers.diagnostics`` (libvirt's dict before 2.48) and
``openstack server show --diagnostics``, as the admin; a stopped server is a 409."""

import pytest
from client_helpers import active_server, base_image, novaclient_as, small_flavor
from osc_inprocess import CommandFailed, OpenStackCLI

from fakecloud import Cloud


def test_sdk_novaclient_and_cli_diagnostics(tmp_path):
    cloud = Cloud(seed=0)
    with cloud.intercept():
        conn = cloud.connection()
        image = base_image(cloud, conn)
        flavor = small_flavor(conn, image)
        server = active_server(conn, image, flavor, "diag")
        cloud.advance(60)

        admin = cloud.connection(user="admin")
        diagnostics = admin.compute.get_server_diagnostics(server)
        assert (diagnostics.driver, diagnostics.state) == ("libvirt", "running")
        assert diagnostics.num_cpus == flavor.vcpus and diagnostics.num_disks == 1
        assert diagnostics.uptime >= 60

        nova = novaclient_as(cloud, "2.1", "admin")
        _resp, legacy = nova.servers.diagnostics(server.id)
        assert legacy["memory"] == flavor.ram * 1024 and "vda_read" in legacy

        osc = OpenStackCLI(cloud, tmp_path)
        shown = osc("server", "show", "--diagnostics", server.id, cloud="fakecloud-admin")
        assert shown["driver"] == "libvirt" and shown["hypervisor"] == "kvm"

        with pytest.raises(CommandFailed, match="os-server-diagnostics"):
            osc("server", "show", "--diagnostics", server.id)  # the demo user: 403

        conn.compute.stop_server(server)
        conn.compute.wait_for_server(server, status="SHUTOFF", wait=600)
        with pytest.raises(CommandFailed, match="while it is in power state shutdown"):
            osc("server", "show", "--diagnostics", server.id, cloud="fakecloud-admin")
