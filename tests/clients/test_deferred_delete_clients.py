"""openstacksdk's ``restore_server`` and ``delete_server(force=True)`` (the calls ``openstack
server restore`` and ``server delete --force`` make), unchanged, in-process, against deferred
delete (nova 34.0.0 ``deferred_delete.py``, ``compute/api.py`` ``soft_delete``/``restore``/
``force_delete``): before session 19 a ``DELETE`` always deleted and both actions were "There
is no such action". The states are read directly."""

import pytest
from client_helpers import boot_direct

from fakecloud import Cloud


@pytest.fixture
def cloud():
    """A cloud with deferred delete on (``reclaim_instance_interval`` 3600 s)."""
    return Cloud(config={"nova": {"reclaim_instance_interval_s": 3600}})


def test_sdk_restore_and_force_delete_a_soft_deleted_server(intercepted):
    sid = boot_direct(intercepted, "s1")
    path = f"/v2.1/servers/{sid}"

    def status():
        return intercepted.request("compute", "GET", path, user="admin").json()["server"]["status"]

    conn = intercepted.connection()
    conn.compute.delete_server(sid)
    intercepted.run_until_idle()
    assert status() == "SOFT_DELETED"
    conn.compute.restore_server(sid)
    intercepted.run_until_idle()
    assert status() == "ACTIVE"
    conn.compute.delete_server(sid)
    intercepted.run_until_idle()
    conn.compute.delete_server(sid, force=True)
    intercepted.run_until_idle()
    assert intercepted.request("compute", "GET", path, user="admin").status == 404
