"""openstacksdk's ``server_ips`` and novaclient's ``servers.ips`` against Nova's
``/servers/{id}/ips`` (tests/nova/test_server_ips.py). They were 404s: not served."""

from client_helpers import boot_direct, novaclient

from fakecloud import Cloud


def test_two_clients_read_a_servers_addresses():
    cloud = Cloud(seed=13, profile="nova-29.4.0")
    with cloud.intercept():
        sid = boot_direct(cloud, "addressed")
        conn = cloud.connection()
        assert list(conn.compute.server_ips(sid)) == []
        assert novaclient(cloud, "2.1").servers.ips(sid) == {}
