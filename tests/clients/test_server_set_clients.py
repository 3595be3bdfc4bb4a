"""``openstack server set/unset --property`` and ``server set --name/--description``,
novaclient's ``servers.set_meta``/``delete_meta``/``update`` and openstacksdk's
``set_server_metadata``/``delete_server_metadata``/``update_server`` against Nova's server
metadata routes and ``PUT /servers/{id}`` (tests/nova/test_server_metadata.py,
test_server_update.py). They were 404s: not served."""

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


def test_three_clients_rename_a_server(tmp_path):
    cloud = Cloud(seed=13, profile="nova-25.3.0")
    with cloud.intercept():
        sid = boot_direct(cloud, "before")
        osc = OpenStackCLI(cloud, tmp_path)
        osc("server", "set", "--name", "osc", "--description", "by osc", "before", output=False)
        assert osc("server", "show", "osc")["description"] == "by osc"
        nova = novaclient(cloud, "2.19")
        assert nova.servers.update(sid, name="nova", description="by nova").name == "nova"
        conn = cloud.connection()
        assert conn.compute.update_server(sid, name="sdk").name == "sdk"
        shown = conn.compute.get_server(sid)
        assert (shown.name, shown.description) == ("sdk", "by nova")
