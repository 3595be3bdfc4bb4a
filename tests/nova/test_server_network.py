"""A server's address on fakecloud's one network (`fakecloud.nova.network`): allocated by the build
when the create asks for networking (no ``networks`` before 2.37, ``"auto"``, a list naming it),
none for ``"none"``, a 400 for another network or a port; shown by the server views once built
(hidden while building: 19.0.0 9b69afd457) with Nova's extended keys (views/addresses.py,
17.0.13-34.0.0), by ``/ips`` without them; matched by the ``ip`` list filter (compute API
``_ip_filter_using_neutron``); given back when the build fails (``_cleanup_allocated_networks``)
or the server is deleted."""

from __future__ import annotations

import pytest

from fakecloud.nova import network
from tests.nova.conftest import NovaEnv
from tests.schemas import nova_response_schemas as nova_schemas
from tests.schemas.test_response_shapes import _pick, check


def _create(env, networks, mv="2.37", **extra):
    server = {"name": "vm", "flavorRef": "1", "imageRef": env.image.id, **extra}
    if networks is not None:
        server["networks"] = networks
    resp = env.request("POST", "/v2.1/servers", {"server": server}, microversion=mv)
    assert resp.status == 202, resp.json()
    return resp.json()["server"]["id"]


def _get(env, path, mv="2.1"):
    resp = env.request("GET", path, microversion=mv)
    assert resp.status == 200, resp.json()
    return resp.json()


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_addresses_as_nova_shows_them(profile):
    env = NovaEnv(profile, config={"cinder": {"quota_gigabytes": 3}})
    auto = _create(env, "auto")
    building = _get(env, f"/v2.1/servers/{auto}")["server"]
    assert (building["status"], building["addresses"]) == ("BUILD", {})
    implicit = _create(env, None, mv="2.1")  # before 2.37: every available network
    none = _create(env, "none")
    env.cloud.run_until_idle()
    shown = _get(env, f"/v2.1/servers/{auto}", mv=env.top)["server"]
    assert shown["addresses"] == {
        "public": [
            {
                "version": 4,
                "addr": "172.24.0.2",
                "OS-EXT-IPS:type": "fixed",
                "OS-EXT-IPS-MAC:mac_addr": "fa:16:3e:00:00:01",
            }
        ]
    }
    route = nova_schemas.ROUTES[("GET", "/servers/{server_id}")]
    check({"server": shown}, _pick(route, env.top), f"GET /servers/{{id}} {env.top}")
    second = _get(env, f"/v2.1/servers/{implicit}")["server"]["addresses"]
    assert second["public"][0]["addr"] == "172.24.0.3"
    assert _get(env, f"/v2.1/servers/{none}")["server"]["addresses"] == {}
    ips = f"/v2.1/servers/{auto}/ips"
    only = {"public": [{"version": 4, "addr": "172.24.0.2"}]}
    assert _get(env, ips) == {"addresses": only}
    assert _get(env, f"{ips}/public") == only
    assert env.request("GET", f"{ips}/private").status == 404
    assert _get(env, f"/v2.1/servers/{none}/ips") == {"addresses": {}}
    # Update and rebuild answer with ``extend_address=False`` before 2.75, as ``/ips`` does.
    put = ("PUT", "/servers/{server_id}")
    for mv in ("2.1", env.top):
        body = {"server": {"name": "renamed"}}
        resp = env.request("PUT", f"/v2.1/servers/{auto}", body, microversion=mv)
        check(resp.json(), _pick(nova_schemas.ROUTES[put], mv), f"PUT /servers/{{id}} {mv}")
        extended = tuple(map(int, mv.split("."))) >= (2, 75)  # upstream's top
        assert resp.json()["server"]["addresses"] == (shown["addresses"] if extended else only)
    rebuild = {"rebuild": {"imageRef": env.image.id}}
    resp = env.request("POST", f"/v2.1/servers/{implicit}/action", rebuild, microversion="2.1")
    assert resp.json()["server"]["addresses"] == {"public": [{"version": 4, "addr": "172.24.0.3"}]}
    env.cloud.run_until_idle()
    twin = env.cloud.fork()  # addresses are state: a fork (or a save) keeps them
    assert twin.request("compute", "GET", ips).json() == {"addresses": only}
    # ``ip``: Neutron's port filter, a part of a fixed address (not a regular expression).
    found = _get(env, "/v2.1/servers?ip=24.0.2")["servers"]
    assert [s["id"] for s in found] == [auto]
    found = _get(env, "/v2.1/servers?ip=172.24.")["servers"]
    assert sorted(s["id"] for s in found) == sorted([auto, implicit])
    assert _get(env, "/v2.1/servers?ip=172.24.0.2$")["servers"] == []
    assert _get(env, "/v2.1/servers?ip6=.", mv="2.5")["servers"] == []
    # A list names networks: this one (its constant id) gets the address; any other network
    # or a port is the network service's 400 (``_check_requested_networks``).
    named = _create(env, [{"uuid": network.NETWORK_ID}])
    unknown = "a0b1c2d3-0000-4000-8000-000000000001"
    for bad, message in (
        ({"uuid": unknown}, f"Network {unknown} could not be found."),
        ({"port": unknown}, f"Port id {unknown} could not be found."),
    ):
        server = {"name": "vm", "flavorRef": "1", "imageRef": env.image.id, "networks": [bad]}
        resp = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.37")
        assert resp.json() == {"badRequest": {"code": 400, "message": message}}
    env.cloud.run_until_idle()
    assert _get(env, f"/v2.1/servers/{named}/ips")["addresses"]["public"][0]["addr"] == "172.24.0.5"
    # A failed build gives its address back: ERROR, no addresses.
    blank = {"boot_index": -1, "source_type": "blank", "destination_type": "volume",
             "volume_size": 5, "delete_on_termination": True}  # fmt: skip
    root = {"boot_index": 0, "uuid": env.image.id, "source_type": "image",
            "destination_type": "local", "delete_on_termination": True}  # fmt: skip
    failed = _create(env, "auto", block_device_mapping_v2=[root, blank])
    env.cloud.run_until_idle()
    shown = _get(env, f"/v2.1/servers/{failed}")["server"]
    assert (shown["status"], shown["addresses"]) == ("ERROR", {})
    assert _get(env, f"/v2.1/servers/{failed}/ips") == {"addresses": {}}
    # Deleted: no address any more (the number is not reused: the next one is past it).
    assert env.request("DELETE", f"/v2.1/servers/{auto}").status == 204
    env.cloud.run_until_idle()
    assert _get(env, "/v2.1/servers?ip=172.24.0.2")["servers"] == []
    later = _create(env, "auto")
    env.cloud.run_until_idle()
    assert _get(env, f"/v2.1/servers/{later}/ips")["addresses"]["public"][0]["addr"] == "172.24.0.7"
