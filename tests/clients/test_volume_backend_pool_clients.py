"""``openstack volume backend pool list [--long]`` and ``volume backend capability show``
(python-openstackclient 10.5.0 through openstacksdk 4.22.0, unchanged, in-process) as the
admin: the cloud's one LVM pool, its capabilities, and the backend's standard properties
(tests/cinder/test_backend_pools.py has Cinder's answers). They were 404s."""

from client_helpers import needs, volume_direct
from osc_inprocess import OpenStackCLI

from fakecloud import Cloud


def test_cli_lists_the_backend_pools(tmp_path):
    cloud = Cloud(seed=6, profile="upstream")
    needs(cloud, "cinder")
    with cloud.intercept():
        volume_direct(cloud, "data", size=3)
        osc = OpenStackCLI(cloud, tmp_path)
        assert osc("volume", "backend", "pool", "list", cloud="fakecloud-admin") == [
            {"Name": "cinder@lvmdriver-1#lvmdriver-1"}
        ]
        (pool,) = osc("volume", "backend", "pool", "list", "--long", cloud="fakecloud-admin")
        caps = pool["Capabilities"]
        assert (caps["allocated_capacity_gb"], caps["provisioned_capacity_gb"]) == (3, 3.0)
        assert caps["storage_protocol"] == "iSCSI" and caps["volume_backend_name"] == "lvmdriver-1"
        rows = osc("volume", "backend", "capability", "show", "cinder@lvmdriver-1",
                   cloud="fakecloud-admin")  # fmt: skip
        assert sorted(r["Key"] for r in rows) == [
            "compression", "qos", "replication_enabled", "thin_provisioning",
        ]  # fmt: skip
