"""``openstack availability zone list --compute``, openstacksdk's
``compute.availability_zones()`` and novaclient's ``availability_zones.list(detailed=False)``
against Nova's ``GET /os-availability-zone`` (tests/nova/test_availability_zones.py). They were
404s: not served."""

from client_helpers import novaclient
from osc_inprocess import OpenStackCLI

from fakecloud import Cloud


def test_three_clients_list_the_compute_zone(tmp_path):
    """A member: OSC asks the detail first (403) and lists without hosts; the admin: hosts."""
    cloud = Cloud(seed=13, profile="nova-29.4.0")
    with cloud.intercept():
        conn = cloud.connection()
        zones = list(conn.compute.availability_zones())
        assert [(z.name, z.state) for z in zones] == [("nova", {"available": True})]
        listed = novaclient(cloud, "2.1").availability_zones.list(detailed=False)
        assert [z.zoneName for z in listed] == ["nova"]
        osc = OpenStackCLI(cloud, tmp_path)
        rows = osc("availability", "zone", "list", "--compute")
        assert rows == [{"Zone Name": "nova", "Zone Status": "available"}]
        rows = osc("availability", "zone", "list", "--compute", "--long", cloud="fakecloud-admin")
        assert {(r["Zone Name"], r["Host Name"], r["Service Name"]) for r in rows} == {
            ("internal", "nova-api-1", "nova-conductor"),
            ("internal", "nova-api-1", "nova-scheduler"),
            ("nova", "cmp-1", "nova-compute"),
            ("nova", "cmp-2", "nova-compute"),
        }
