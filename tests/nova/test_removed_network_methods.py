"""Nova's partly removed network methods: from 21.0.0 ``os-networks``' create, delete, add
and network actions and ``os-tenant-networks``' create and delete are 410 (nova 21.0.0
``api/openstack/compute/networks.py``, ``networks_associate.py``, ``tenant_networks.py``); from
23.0.0 the ``resetNetwork`` server action (``admin_actions.py``)."""

from fakecloud import Cloud
from tests.nova.conftest import NovaEnv

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


def test_reset_network_is_the_admin_s_202_until_23_0_0_then_410_before_any_lookup():
    fault = (410, {"computeFault": {"code": 410, "message": GONE}})
    for profile, before_lookup in (("seed", True), ("nova-22.4.0", False)):
        env = NovaEnv(profile=profile)
        sid = env.boot()
        action = f"/servers/{sid}/action"
        assert _call(env.cloud, "POST", action, {"resetNetwork": None}) == (202, None)
        denied = (
            "Policy doesn't allow os_compute_api:os-admin-actions:reset_network to be performed."
        )
        assert _call(env.cloud, "POST", action, {"resetNetwork": None}, user="demo") == (
            403, {"forbidden": {"code": 403, "message": denied}})  # fmt: skip
        # Queens checks the admin rule before the lookup (b6a310000e, 21.0.0)
        status, _ = _call(
            env.cloud, "POST", "/servers/nope/action", {"resetNetwork": {}}, user="demo"
        )
        assert status == (403 if before_lookup else 404)
    gone = Cloud(profile="nova-23.0.0")
    assert _call(gone, "POST", "/servers/nope/action", {"resetNetwork": None}, user="demo") == fault


def test_tenant_networks_list_and_show_work_to_2_35_in_every_release():
    # tenant_networks.py index/show: Neutron's networks as {"id", "cidr": "None", "label"}
    for profile, rule in (
        ("seed", "os_compute_api:os-tenant-networks"),
        ("nova-22.4.0", "os_compute_api:os-tenant-networks:list"),
    ):
        cloud = Cloud(profile=profile)
        status, body = _call(cloud, "GET", "/os-tenant-networks", user="demo")
        assert status == 200 and body["networks"][0]["cidr"] == "None"
        net = body["networks"][0]
        assert _call(cloud, "GET", f"/os-tenant-networks/{net['id']}") == (200, {"network": net})
        not_found = {"itemNotFound": {"code": 404, "message": "Network not found"}}
        assert _call(cloud, "GET", "/os-tenant-networks/nope") == (404, not_found)
        status, _ = _call(cloud, "GET", "/os-tenant-networks", microversion="2.36")
        assert status == 404
        closed = Cloud(profile=profile, config={"nova": {"policy": {rule: "!"}}})
        denied = f"Policy doesn't allow {rule} to be performed."
        assert _call(closed, "GET", "/os-tenant-networks", user="demo") == (
            403, {"forbidden": {"code": 403, "message": denied}})  # fmt: skip
