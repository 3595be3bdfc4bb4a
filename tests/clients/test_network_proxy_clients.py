"""``GET /os-networks[/{id}]``, Nova's network proxy (networks.py, 17.0.13-34.0.0), as the
``openstack`` CLI (python-openstackclient 10.5.0) uses it when the catalog has no network
service: ``server create --network public`` asks ``/os-networks/public`` (404 "Network not
found"), then the list, and matches the ``label``."""

import pytest
from openstackclient.api.compute_v2 import find_network
from osc_lib.exceptions import NotFound

from fakecloud import Cloud
from fakecloud.nova import network

LISTED = {
    "id": network.NETWORK_ID, "cidr": None, "netmask": None, "gateway": None, "broadcast": None,
    "dns1": None, "dns2": None, "cidr_v6": None, "gateway_v6": None, "label": "public",
    "netmask_v6": None,
}  # fmt: skip


def test_cli_finds_the_network_it_is_told(intercepted):
    """openstackclient's own ``find_network`` (``server create --network``'s lookup)."""
    compute = intercepted.connection().compute
    assert find_network(compute, "public") == LISTED
    with pytest.raises(NotFound, match="public2 not found"):
        find_network(compute, "public2")


@pytest.mark.parametrize(("profile", "show_rule"), [("seed", "view"), ("upstream", "show")])
def test_list_show_and_their_refusals(profile, show_rule):
    """The list as each release answers it; a denied show rule (one ``view`` rule before
    22.0.0) a 403 naming it."""
    rule = f"os_compute_api:os-networks:{show_rule}"
    cloud = Cloud(profile=profile, config={"nova": {"policy": {rule: "!"}}})

    def get(path, user="demo", mv="2.1"):
        resp = cloud.request(
            "compute", "GET", f"/v2.1/os-networks{path}", user=user, microversion=mv
        )
        return resp.status, resp.json()

    if show_rule == "show":
        assert get("", user="demo-reader", mv="2.35") == (200, {"networks": [LISTED]})
    denied = {"code": 403, "message": f"Policy doesn't allow {rule} to be performed."}
    assert get(f"/{network.NETWORK_ID}") == (403, {"forbidden": denied})
    gone = {"itemNotFound": {"code": 404, "message": "The resource could not be found."}}
    assert get("", mv="2.36") == (404, gone)
