"""The ``openstack`` CLI (python-openstackclient 10.5.0 on openstacksdk 4.22.0, in-process,
unchanged) through session 19's deferred delete of a rescued server, as a user types it.

What a user meets here is Nova's doing, not the client's (nova 17.0.13 and 34.0.0
``servers.py`` ``_get_servers``, db ``instance_get_all_by_filters_sort``): a soft-deleted
server is out of every list unless an admin asks ``deleted``, and the CLI finds a server named
on the command line by ``GET /servers/{name}`` then ``?name=`` in the default list, so ``server
restore NAME`` (and ``delete --force NAME``) says "No Server found"; the id works. ``server
list --status SOFT_DELETED`` always sends ``deleted=False`` (OSC's ``ListServer``), so it
lists nothing even to an admin; ``--deleted`` lists the server."""

import pytest
from client_helpers import boot_direct
from osc_inprocess import CommandFailed, OpenStackCLI

from fakecloud import Cloud


@pytest.fixture
def cloud():
    """Deferred delete on (``reclaim_instance_interval`` 3600 s)."""
    return Cloud(config={"nova": {"reclaim_instance_interval_s": 3600}})


def test_cli_soft_deletes_a_rescued_server_and_restores_it_by_id(intercepted, tmp_path):
    sid = boot_direct(intercepted, "r1")
    osc = OpenStackCLI(intercepted, tmp_path)

    def status():
        intercepted.run_until_idle()
        shown = intercepted.request("compute", "GET", f"/v2.1/servers/{sid}", user="admin")
        return shown.json()["server"]["status"]

    # rescued without a client (openstacksdk's rescue_server: tests/nova/test_rescue.py)
    rescued = intercepted.request(
        "compute", "POST", f"/v2.1/servers/{sid}/action", {"rescue": None}
    )
    assert rescued.status == 200
    assert status() == "RESCUE"
    osc("server", "delete", "r1", output=False)
    assert status() == "SOFT_DELETED"
    with pytest.raises(CommandFailed, match="No Server found for r1"):
        osc("server", "restore", "r1", output=False)
    listing = ("server", "list", "--all-projects", "--status", "SOFT_DELETED", "--deleted")
    (row,) = osc(*listing, cloud="fakecloud-admin")
    assert (row["ID"], row["Status"]) == (sid, "SOFT_DELETED")
    osc("server", "restore", sid, output=False)
    assert status() == "ACTIVE"  # libvirt's power_on boots the server's own guest
