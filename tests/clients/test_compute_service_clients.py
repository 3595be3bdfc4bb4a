"""``openstack compute service list/set``, ``openstack hypervisor list/show/stats show``,
openstacksdk's ``compute.services()``/``hypervisors()`` and novaclient's ``services``/
``hypervisors`` against Nova's ``/os-services`` and ``/os-hypervisors``
(tests/nova/test_os_services.py, test_os_hypervisors.py). They were 404s: not served, and a
test could not take a host out of scheduling. (``openstack hypervisor show`` also reads
``/os-aggregates``: tests/clients/test_aggregate_clients.py.)"""

from client_helpers import novaclient_as
from osc_inprocess import OpenStackCLI

from fakecloud import Cloud

ADMIN = "fakecloud-admin"


def _shown(cloud, server_id):
    """The server as the admin reads it from Nova (no client)."""
    path = f"/v2.1/servers/{server_id}"
    return cloud.request("compute", "GET", path, user="admin").json()["server"]


def test_osc_disables_the_host_and_the_boot_finds_none(tmp_path):
    cloud = Cloud(seed=13, profile="upstream", config={"nova": {"compute_hosts": 1}})
    image = next(iter(cloud.glance.db.images.values())).name
    with cloud.intercept():
        osc = OpenStackCLI(cloud, tmp_path)
        osc(
            "compute", "service", "set", "--disable", "--disable-reason", "drain",
            "cmp-1", "nova-compute", cloud=ADMIN, output=False,
        )  # fmt: skip
        osc("server", "create", "--flavor", "1", "--image", image, "--no-network", "vm")
        cloud.run_until_idle()
        shown = osc("server", "show", "vm")
        assert (shown["status"], shown["fault"]["message"]) == (
            "ERROR",
            "No valid host was found. ",
        )
        rows = osc("hypervisor", "list", "--long", cloud=ADMIN)
        assert [(r["Hypervisor Hostname"], r["State"]) for r in rows] == [("cmp-1", "up")]


def test_sdk_and_novaclient_read_services_and_hypervisors():
    cloud = Cloud(seed=13, profile="nova-25.2.1")
    with cloud.intercept():
        conn = cloud.connection(user="admin")
        hypervisors = list(conn.compute.hypervisors(details=True))
        assert [(h.name, h.vcpus, h.state) for h in hypervisors] == [
            ("cmp-1", None, "up"),  # 2.88+ (the sdk negotiates 2.90): no vcpus any more
            ("cmp-2", None, "up"),
        ]
        services = [s for s in conn.compute.services() if s.binary == "nova-compute"]
        conn.compute.disable_service(services[0], services[0].host, "nova-compute", "sdk")
        shown = {s.host: (s.status, s.disabled_reason) for s in conn.compute.services()}
        assert shown["cmp-1"] == ("disabled", "sdk")
        nova = novaclient_as(cloud, "2.11", "admin")
        assert nova.hypervisors.statistics().count == 1  # the enabled host
        nova.services.force_down("cmp-2", "nova-compute", True)
        listed = nova.services.list(binary="nova-compute")
        assert [(s.host, s.status, s.state) for s in listed] == [
            ("cmp-1", "disabled", "up"),
            ("cmp-2", "enabled", "down"),
        ]
        conn.compute.enable_service(services[0], services[0].host, "nova-compute")
        sid = conn.compute.create_server(
            name="vm", flavor_id="1", image_id=next(iter(cloud.glance.db.images)), networks="none"
        ).id
        cloud.run_until_idle()
        assert conn.compute.get_server(sid).hypervisor_hostname == "cmp-1"


def test_osc_forces_a_host_then_unshelves_onto_another(tmp_path):
    """``openstack server create --availability-zone nova:cmp-2`` (the admin's forced host),
    ``openstack server unshelve --host cmp-2`` (2.91) and ``server create --host`` (2.74), each
    onto the host the scheduler would not take (tests/nova/test_server_destination.py)."""
    cloud = Cloud(seed=13, profile="upstream")
    image = next(iter(cloud.glance.db.images.values())).name
    with cloud.intercept():
        osc = OpenStackCLI(cloud, tmp_path)
        vm = osc(
            "server", "create", "--flavor", "1", "--image", image, "--no-network",
            "--availability-zone", "nova:cmp-2", "vm", cloud=ADMIN,
        )["id"]  # fmt: skip
        cloud.run_until_idle()
        # Where each lands is read from Nova directly: `server show` is the create test's.
        assert _shown(cloud, vm)["OS-EXT-SRV-ATTR:host"] == "cmp-2"
        osc("server", "shelve", "vm", cloud=ADMIN, output=False)  # offloaded at once
        cloud.run_until_idle()
        osc(
            "--os-compute-api-version", "2.91", "server", "unshelve", "--host", "cmp-2",
            "--availability-zone", "nova", "vm", cloud=ADMIN, output=False,
        )  # fmt: skip
        cloud.run_until_idle()
        shown = _shown(cloud, vm)
        assert (shown["status"], shown["OS-EXT-SRV-ATTR:host"]) == ("ACTIVE", "cmp-2")
        vm2 = osc(
            "--os-compute-api-version", "2.74", "server", "create", "--flavor", "1",
            "--image", image, "--no-network", "--host", "cmp-2", "vm2", cloud=ADMIN,
        )["id"]  # fmt: skip
        cloud.run_until_idle()
        assert _shown(cloud, vm2)["OS-EXT-SRV-ATTR:host"] == "cmp-2"
