"""``openstack server set/unset --tag``, novaclient's ``servers.add_tag``/``set_tags``/
``delete_tag``/``delete_all_tags``/``tag_list`` and openstacksdk's ``Server.add_tag``/
``fetch_tags``/``check_tag``/``remove_tag`` against Nova's server tags (2.26,
tests/nova/test_server_tags.py). They were 404s: not served."""

from client_helpers import boot_direct, novaclient
from osc_inprocess import OpenStackCLI

from fakecloud import Cloud


def test_three_clients_tag_a_server(tmp_path):
    cloud = Cloud(seed=13, profile="nova-29.4.0")
    with cloud.intercept():
        sid = boot_direct(cloud, "tagged")
        osc = OpenStackCLI(cloud, tmp_path)
        osc(
            "--os-compute-api-version", "2.26",
            "server", "set", "--tag", "a", "--tag", "b", "tagged", output=False,
        )  # fmt: skip
        osc("--os-compute-api-version", "2.26", "server", "unset", "--tag", "a", "tagged",
            output=False)  # fmt: skip
        nova = novaclient(cloud, "2.26")
        nova.servers.add_tag(sid, "c")
        assert sorted(nova.servers.tag_list(sid)) == ["b", "c"]
        nova.servers.delete_tag(sid, "b")
        conn = cloud.connection()
        server = conn.compute.get_server(sid)
        server.add_tag(conn.compute, "d")
        server.check_tag(conn.compute, "d")  # a 404 would raise
        assert server.fetch_tags(conn.compute).tags == ["c", "d"]
        server.remove_tag(conn.compute, "c")
        assert [s.id for s in conn.compute.servers(tags="d")] == [sid]
        shown = osc("--os-compute-api-version", "2.26", "server", "show", "tagged")
        assert shown["tags"] == ["d"]
        nova.servers.set_tags(sid, ["y", "x"])
        assert conn.compute.get_server(sid).tags == ["x", "y"]
        nova.servers.delete_all_tags(sid)
        assert nova.servers.tag_list(sid) == []
