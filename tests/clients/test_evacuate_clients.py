"""openstacksdk's ``evacuate_server`` (the call ``openstack server evacuate`` makes), unchanged,
in-process, against the served ``evacuate`` (nova 34.0.0 ``evacuate.py``, ``compute/api.py``
``evacuate``): before session 18 "There is no such action". One call; the states are read
directly."""

from client_helpers import boot_direct


def test_sdk_evacuate_server(intercepted):
    sid = boot_direct(intercepted, "s1")
    path = f"/v2.1/servers/{sid}"

    def host():
        server = intercepted.request("compute", "GET", path, user="admin").json()["server"]
        return server["status"], server["OS-EXT-SRV-ATTR:host"]

    assert host() == ("ACTIVE", "cmp-1")
    body = {"host": "cmp-1", "binary": "nova-compute", "forced_down": True}
    resp = intercepted.request(
        "compute", "PUT", "/v2.1/os-services/force-down", body=body, user="admin",
        microversion="2.11",
    )  # fmt: skip
    assert resp.status == 200
    conn = intercepted.connection("admin")
    conn.compute.evacuate_server(sid, host="cmp-2")
    intercepted.run_until_idle()
    assert host() == ("ACTIVE", "cmp-2")
    resp = intercepted.request("compute", "GET", "/v2.1/os-migrations", user="admin")
    (migration,) = resp.json()["migrations"]
    assert (migration["status"], migration["dest_compute"]) == ("done", "cmp-2")
