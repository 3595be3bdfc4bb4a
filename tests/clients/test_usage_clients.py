"""Server usage through the real clients: ``openstack usage list`` / ``usage show``,
openstacksdk's ``usages``/``get_usage`` and python-novaclient's ``usage.list``/``usage.get``
(``GET /os-simple-tenant-usage[/{tenant_id}]``, Nova's ``simple_tenant_usage.py``): the hours
each server ran in virtual time, a deleted server's until its termination."""

import datetime

from client_helpers import active_server, base_image, novaclient_as, small_flavor
from osc_inprocess import OpenStackCLI

from fakecloud import Cloud


def test_usage_of_servers_that_ran_in_virtual_time(tmp_path):
    cloud = Cloud(seed=0)
    project = cloud.keystone.token_for("demo").context.project_id
    with cloud.intercept():
        conn = cloud.connection()
        image = base_image(cloud, conn)
        flavor = small_flavor(conn, image)
        first = active_server(conn, image, flavor, "u1")
        cloud.advance(3600)
        second = active_server(conn, image, flavor, "u2")
        cloud.advance(1800)
        conn.compute.delete_server(first)
        conn.compute.wait_for_delete(first, wait=600)
        cloud.advance(1800)

        start, end = datetime.datetime(2020, 1, 1), datetime.datetime(2030, 1, 1)
        usage = conn.compute.get_usage(project, start=start, end=end)
        hours = {u["name"]: u["hours"] for u in usage.server_usages}
        assert round(hours["u1"], 2) == 1.5 and round(hours["u2"], 2) == 1.0
        states = {u["name"]: u["state"] for u in usage.server_usages}
        assert states == {"u1": "terminated", "u2": "active"}
        assert round(usage.total_hours, 2) == 2.5
        assert abs(usage.total_memory_mb_usage - usage.total_hours * flavor.ram) < 1e-6

        admin = cloud.connection(user="admin")
        # Nova details a list only for ``detailed=1``: openstacksdk sends ``detailed=True``.
        listed = list(admin.compute.usages(start=start, end=end, detailed=True))
        assert [u.project_id for u in listed] == [project]
        assert listed[0].server_usages is None
        listed = list(admin.compute.usages(start=start, end=end, detailed=1))
        assert {u["instance_id"] for u in listed[0].server_usages} == {first.id, second.id}

        nova = novaclient_as(cloud, "2.40", "admin")
        paged = nova.usage.list(start, end, detailed=True)  # pages of max_limit
        assert round(paged[0].total_hours, 2) == 2.5
        one = novaclient_as(cloud, "2.1", "demo").usage.get(project, start, end)
        assert len(one.server_usages) == 2

        osc = OpenStackCLI(cloud, tmp_path)
        args = ("--start", "2020-01-01", "--end", "2030-01-01")
        rows = osc("usage", "list", *args, cloud="fakecloud-admin")
        # openstackclient lists through openstacksdk's ``detailed=True``: no server count.
        assert [(r["Servers"], round(r["CPU Hours"], 2)) for r in rows] == [(None, 2.5)]
        shown = osc("usage", "show", *args)
        assert len(shown["Servers"]) == 2 and round(float(shown["CPU Hours"]), 2) == 2.5
