"""Nova's partly removed nova-network methods: from 21.0.0 ``os-networks``' create, delete, add
and network actions and ``os-tenant-networks``' create and delete are 410 (nova 21.0.0
``api/openstack/compute/networks.py``, ``networks_associate.py``, ``tenant_networks.py``)."""

from fakecloud import Cloud

GONE = "This resource is no longer available. No forwarding address is given."


def _call(cloud, method, path, body=None, user="admin", microversion=None):
    r = cloud.request("compute", method, "/v2.1" + path, body, user=user, microversion=microversion)
    return r.status, (r.json() if r.content() else None)


def test_ussuri_on_the_nova_network_methods_of_os_networks_are_410_and_other_actions_400():
    # nova 21.0.0 networks.py, networks_associate.py, tenant_networks.py: HTTPGone, no policy
    fault = (410, {"computeFault": {"code": 410, "message": GONE}})
    cloud = Cloud(profile="nova-21.0.0")
    net = {"network": {"label": "n", "cidr": "10.0.0.0/24"}}
    for method, path, body in (
        ("POST", "/os-networks", net),
        ("POST", "/os-networks/add", {"id": "n1"}),
        ("DELETE", "/os-networks/n1", None),
        ("POST", "/os-tenant-networks", net),
        ("DELETE", "/os-tenant-networks/n1", None),
    ):
        for mv in ("2.1", "2.87"):
            assert _call(cloud, method, path, body, user="demo", microversion=mv) == fault
    for name in ("disassociate", "associate_host", "disassociate_host", "disassociate_project"):
        assert _call(cloud, "POST", "/os-networks/n1/action", {name: "h"}, user="demo") == fault
    no_such = {"badRequest": {"code": 400, "message": "There is no such action: associate"}}
    assert _call(cloud, "POST", "/os-networks/n1/action", {"associate": None}) == (400, no_such)
    # the list still works (to 2.35); before 21.0.0 no route serves the Neutron-backed methods
    assert _call(cloud, "GET", "/os-networks")[0] == 200
    old = Cloud(profile="nova-20.6.1")
    assert old.request("compute", "DELETE", "/v2.1/os-networks/n1", user="admin").status == 404
