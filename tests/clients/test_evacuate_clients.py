"""``openstack server evacuate --host`` (python-openstackclient 10.5.0 through openstacksdk's
``evacuate_server``, unchanged, in-process) against the served ``evacuate`` (nova 34.0.0
``evacuate.py``, ``compute/api.py`` ``evacuate``): before session 18 "There is no such
action". One command line; the states are read directly."""

from client_helpers import boot_direct
from osc_inprocess import OpenStackCLI


def test_openstack_server_evacuate(intercepted, tmp_path):
    osc = OpenStackCLI(intercepted, tmp_path)
    sid = boot_direct(intercepted, "s1")
    path = f"/v2.1/servers/{sid}"
    assert (
        intercepted.request("compute", "GET", path, user="admin").json()["server"][
            "OS-EXT-SRV-ATTR:host"
        ]
        == "cmp-1"
    )
    body = {"host": "cmp-1", "binary": "nova-compute", "forced_down": True}
    resp = intercepted.request(
        "compute",
        "PUT",
        "/v2.1/os-services/force-down",
        body=body,
        user="admin",
        microversion="2.11",
    )
    assert resp.status == 200
    osc("server", "evacuate", "--host", "cmp-2", sid, cloud="fakecloud-admin", output=False)
    intercepted.run_until_idle()
    shown = intercepted.request("compute", "GET", path, user="admin").json()["server"]
    assert (shown["status"], shown["OS-EXT-SRV-ATTR:host"]) == ("ACTIVE", "cmp-2")
    resp = intercepted.request("compute", "GET", "/v2.1/os-migrations", user="admin")
    (migration,) = resp.json()["migrations"]
    assert (migration["status"], migration["dest_compute"]) == ("done", "cmp-2")
