"""``openstack aggregate create --zone`` and ``aggregate add host``, ``openstack
availability zone list --compute``, ``openstack hypervisor show`` (it lists the host's
aggregates), novaclient's ``aggregates.*`` and openstacksdk's aggregate calls against Nova's
``/os-aggregates``
(tests/nova/test_aggregates.py): they were 404s."""

from client_helpers import novaclient_as
from osc_inprocess import OpenStackCLI

from fakecloud import Cloud

ADMIN = "fakecloud-admin"


def test_osc_makes_a_zone_and_a_boot_asked_into_it_goes_there(tmp_path):
    cloud = Cloud(seed=13, profile="upstream")
    image = next(iter(cloud.glance.db.images.values())).name
    with cloud.intercept():
        osc = OpenStackCLI(cloud, tmp_path)
        made = osc("aggregate", "create", "--zone", "z1", "fast", cloud=ADMIN)
        assert (made["name"], made["availability_zone"]) == ("fast", "z1")
        osc("aggregate", "add", "host", "fast", "cmp-2", cloud=ADMIN, output=False)
        zones = osc("availability", "zone", "list", "--compute", "--long", cloud=ADMIN)
        assert sorted((z["Zone Name"], z["Host Name"]) for z in zones if z["Host Name"]) == [
            ("internal", "nova-api-1"),
            ("internal", "nova-api-1"),
            ("nova", "cmp-1"),
            ("z1", "cmp-2"),
        ]
        hypervisor = osc("hypervisor", "show", "cmp-2", cloud=ADMIN)
        assert hypervisor["aggregates"] == ["fast"]
        osc(
            "server", "create", "--flavor", "1", "--image", image, "--no-network",
            "--availability-zone", "z1", "vm",
        )  # fmt: skip
        cloud.run_until_idle()
        rows = osc("server", "list", "--all-projects", "--long", cloud=ADMIN)
        assert [(r["Status"], r["Host"], r["Availability Zone"]) for r in rows] == [
            ("ACTIVE", "cmp-2", "z1")
        ]
        conn = cloud.connection(user="admin")
        assert [(a.name, a.hosts) for a in conn.compute.aggregates()] == [("fast", ["cmp-2"])]


def test_novaclient_and_sdk_aggregate_calls():
    cloud = Cloud(seed=13, profile="upstream")
    with cloud.intercept():
        nova = novaclient_as(cloud, "2.81", "admin")
        made = nova.aggregates.create("fast", "z1")
        assert nova.aggregates.add_host(made, "cmp-1").hosts == ["cmp-1"]
        assert nova.aggregates.set_metadata(made, {"ssd": "1"}).metadata == {
            "availability_zone": "z1",
            "ssd": "1",
        }
        assert nova.aggregates.update(made, {"name": "faster"}).name == "faster"
        conn = cloud.connection(user="admin")
        found = conn.compute.get_aggregate(made.id)
        assert (found.name, found.availability_zone, found.uuid) == ("faster", "z1", made.uuid)
        image = next(iter(cloud.glance.db.images))
        assert conn.compute.aggregate_precache_images(found, [image]) is None  # 202
        conn.compute.remove_host_from_aggregate(found, "cmp-1")
        conn.compute.delete_aggregate(found)
        assert nova.aggregates.list() == []
