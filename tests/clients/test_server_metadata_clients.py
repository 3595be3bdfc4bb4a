"""``openstack server set/unset --property``, novaclient's ``servers.set_meta``/``delete_meta``
and openstacksdk's ``set_server_metadata``/``delete_server_metadata`` against Nova's server
metadata routes (tests/nova/test_server_metadata.py). They were 404s: not served."""

from client_helpers import boot_direct, novaclient
from osc_inprocess import OpenStackCLI

from fakecloud import Cloud


def test_three_clients_edit_a_servers_metadata(tmp_path):
    cloud = Cloud(seed=13, profile="nova-29.4.0")
    with cloud.intercept():
        sid = boot_direct(cloud, "meta")
        osc = OpenStackCLI(cloud, tmp_path)
        osc("server", "set", "--property", "a=1", "--property", "b=2", "meta", output=False)
        osc("server", "unset", "--property", "a", "meta", output=False)
        nova = novaclient(cloud, "2.1")
        nova.servers.set_meta(sid, {"c": "3"})
        nova.servers.delete_meta(sid, ["b"])
        conn = cloud.connection()
        conn.compute.set_server_metadata(sid, d="4")
        conn.compute.delete_server_metadata(sid, ["c"])
        shown = conn.compute.get_server_metadata(sid)
        assert shown.metadata == {"d": "4"}
        assert osc("server", "show", "meta")["properties"] == {"d": "4"}
