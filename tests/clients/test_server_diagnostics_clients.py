"""Server diagnostics through the real clients (``GET /servers/{id}/diagnostics``, Nova's
``server_diagnostics.py``): openstacksdk's ``get_server_diagnostics`` (the 2.48 standard
format), python-novaclient's ``servers.diagnostics`` (libvirt's dict before 2.48) and
``openstack server show --diagnostics``, as the admin. The member's 403 and a stopped server's
409 are Nova's answers (tests/nova/test_server_diagnostics.py); how the CLI reports a refusal,
test_openstack_cli.py's."""

from client_helpers import active_server, base_image, novaclient_as, small_flavor
from osc_inprocess import OpenStackCLI

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
