"""A server create's ``accessIPv4``/``accessIPv6``: Nova's create schema checks their formats
(``parameter_types.accessIPv4`` ``ipv4``, ``accessIPv6`` ``ipv6``; nova 17.0.13 and 34.0.0
``schemas/servers.py``), as rebuild's and update's do. Found by Tempest's
``ServersNegativeTestJSON.test_invalid_access_ip_v4_address`` and ``test_invalid_ip_v6_address``
(fakecloud booted the server)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_a_malformed_access_ip_is_400_and_boots_nothing(profile: str):
    env = NovaEnv(profile)
    for key, value in (("accessIPv4", "1.1.1.1.1.1"), ("accessIPv6", "notIPv6")):
        server = {"name": "x", "imageRef": env.image.id, "flavorRef": "1", key: value}
        resp = env.request("POST", "/v2.1/servers", {"server": server})
        assert resp.status == 400, resp.json()
        message = resp.json()["badRequest"]["message"]
        assert message.startswith(f"Invalid input for field/attribute {key}."), message
    assert env.request("GET", "/v2.1/servers").json()["servers"] == []
    good = {"accessIPv4": "192.0.2.7", "accessIPv6": "2001:db8::7"}
    server = {"name": "x", "imageRef": env.image.id, "flavorRef": "1", **good}
    assert env.request("POST", "/v2.1/servers", {"server": server}).status == 202
