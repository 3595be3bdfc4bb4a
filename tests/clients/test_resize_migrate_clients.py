"""``openstack server resize --flavor/confirm/revert``, ``server migrate`` and ``server
migration list``, unchanged, against the served move actions and ``/os-migrations`` (nova
34.0.0 ``servers.py`` ``_resize``/``_confirm_resize``/``_revert_resize``, ``migrate_server.py``,
``migrations.py``): before session 17 each was "There is no such action" or a 404. One
command line per capability; the states are read directly."""

from client_helpers import boot_direct
from osc_inprocess import OpenStackCLI


def _status(cloud, path):
    return cloud.request("compute", "GET", path).json()["server"]["status"]


def test_openstack_server_resize_migrate_and_migration_list(intercepted, tmp_path):
    osc = OpenStackCLI(intercepted, tmp_path)
    sid = boot_direct(intercepted, "s1")
    path = f"/v2.1/servers/{sid}"
    osc("server", "resize", "--flavor", "m1.small", "--wait", "s1", output=False)
    shown = intercepted.request("compute", "GET", path).json()["server"]
    assert (shown["status"], shown["flavor"]["id"]) == ("VERIFY_RESIZE", "2")
    osc("server", "resize", "confirm", "s1", output=False)
    intercepted.run_until_idle()
    assert _status(intercepted, path) == "ACTIVE"
    # The admin's cold migration, then reverted: back where it was.
    osc("server", "migrate", sid, cloud="fakecloud-admin", output=False)
    intercepted.run_until_idle()
    assert _status(intercepted, path) == "VERIFY_RESIZE"
    osc("server", "resize", "revert", "s1", output=False)
    intercepted.run_until_idle()
    listed = osc("server", "migration", "list", cloud="fakecloud-admin")
    assert [(m["Type"], m["Status"], m["Source Compute"], m["Dest Compute"]) for m in listed] == [
        ("migration", "reverted", "cmp-2", "cmp-1"),
        ("resize", "confirmed", "cmp-1", "cmp-2"),
    ]
    assert _status(intercepted, path) == "ACTIVE"
