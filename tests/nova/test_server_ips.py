"""``/servers/{id}/ips[/{network}]`` as Nova serves them (``ips.py``, 17.0.13-34.0.0; the policy
after the server's lookup from 21.0.0, 58701be615): a server booted with ``networks: none`` has no
networks (one that asks for them: tests/nova/test_server_network.py)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

OTHER = {
    "projects": {"other": {}},
    "users": {"other": {"password": "other-secret", "project": "other", "roles": ["member"]}},
}


def call(env, path, user="demo", mv="2.1"):
    resp = env.request("GET", path, user=user, microversion=mv)
    return resp.status, resp.json()


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_no_addresses_and_no_network(profile):
    env = NovaEnv(profile, {"identity": OTHER})
    sid = env.boot()
    ips = f"/v2.1/servers/{sid}/ips"
    assert call(env, ips) == (200, {"addresses": {}})
    assert call(env, ips, user="demo-reader") == (200, {"addresses": {}})
    shown = call(env, f"/v2.1/servers/{sid}")[1]["server"]["addresses"]
    assert shown == {}
    missing = {"code": 404, "message": "Instance is not a member of specified network"}
    assert call(env, f"{ips}/private") == (404, {"itemNotFound": missing})
    not_found = {"code": 404, "message": f"Instance {sid} could not be found."}
    assert call(env, ips, user="other") == (404, {"itemNotFound": not_found})
    strict = tuple(map(int, str(env.top).split("."))) >= (2, 102)  # unknown parameters
    assert call(env, f"{ips}?x=1", mv=env.top)[0] == (400 if strict else 200)


@pytest.mark.parametrize(("profile", "first"), [("nova-20.6.0", 403), ("nova-21.0.0", 404)])
def test_policy_before_the_lookup_until_21(profile, first):
    """A denied rule: before 21.0.0 the 403 comes before the server is looked up."""
    env = NovaEnv(profile, {"nova": {"policy": {"os_compute_api:ips:index": "!"}}})
    sid = env.boot()
    status, _ = call(env, "/v2.1/servers/00000000-0000-0000-0000-000000000000/ips")
    assert status == first
    status, body = call(env, f"/v2.1/servers/{sid}/ips")
    assert (status, body["forbidden"]["message"]) == (
        403,
        "Policy doesn't allow os_compute_api:ips:index to be performed.",
    )
