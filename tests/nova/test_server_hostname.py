"""A new server's hostname (``OS-EXT-SRV-ATTR:hostname``), as Nova makes it of the name:
``nova/utils.py`` ``sanitize_hostname`` (periods kept before 23.0.0, 9046f0fff4) and the compute
API's ``_populate_instance_names`` (a multiple create's ``-<n>`` after the sanitized name from
24.0.0, 5e2c31ab78; before, the display name ``<name>-<n>`` sanitized), and a hostname asked
for at 2.90."""

import pytest

from tests.nova.conftest import NovaEnv


def _create(env: NovaEnv, name: str, count: int = 1, microversion: str = "2.45", **extra):
    server = {"name": name, "flavorRef": "1", "imageRef": env.image.id, "networks": "none"}
    server.update(min_count=count, **extra)
    return env.request("POST", "/v2.1/servers", {"server": server}, microversion=microversion)


def _hostnames(env: NovaEnv, name_prefix: str) -> list[str]:
    path = "/v2.1/servers/detail?all_tenants=1"
    resp = env.request("GET", path, user="admin", microversion="2.3")
    servers = [s for s in resp.json()["servers"] if s["name"].startswith(name_prefix)]
    return sorted(s["OS-EXT-SRV-ATTR:hostname"] for s in servers)


@pytest.mark.parametrize(
    "profile, one, several",
    [
        ("seed", ["db-01.example-prod"], ["web.-1", "web.-2"]),
        ("nova-23.2.2", ["db-01-example-prod"], ["web--1", "web--2"]),
        ("upstream", ["db-01-example-prod"], ["web-1", "web-2"]),
    ],
)
def test_the_hostname_is_the_sanitized_name_of_the_release(profile, one, several):
    env = NovaEnv(profile)
    # a space and an underscore are '-', parentheses dropped, lower case; a period by release
    assert _create(env, "Db_01.example (prod)").status == 202
    assert _hostnames(env, "Db_01") == one
    assert _create(env, "web.", count=2).status == 202
    assert _hostnames(env, "web.") == several
    # nothing left of the name (no character up to U+00FF): Server-<uuid>
    sid = _create(env, "\u2713\u2713").json()["server"]["id"]
    assert env.server(sid, microversion="2.3")["OS-EXT-SRV-ATTR:hostname"] == f"Server-{sid}"


def test_a_requested_hostname_is_kept_and_fits_one_server_only(env: NovaEnv):
    sid = _create(env, "web", microversion="2.90", hostname="front-door").json()["server"]["id"]
    assert env.server(sid, microversion="2.90")["OS-EXT-SRV-ATTR:hostname"] == "front-door"
    resp = _create(env, "web", count=2, microversion="2.90", hostname="front-door")
    assert resp.status == 400
    assert resp.json()["badRequest"]["message"] == (
        "Unable to allocate a single hostname to multiple instances"
    )
    # before 2.90 the schema refuses the key (nothing to allocate)
    assert _create(env, "web", microversion="2.89", hostname="front-door").status == 400
