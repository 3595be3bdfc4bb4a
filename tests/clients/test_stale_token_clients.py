"""Tokens over HTTP when the served calendar is behind the client's clock (an ``--epoch`` in the
past): openstacksdk, unchanged, judges a token's ``expires_at`` by its own clock, and keystoneauth
(``BaseIdentityPlugin.get_access``) asks for a new token before each request once the one it
holds has less than ``MIN_TOKEN_LIFE_SECONDS`` (120) to live. ``fakecloud serve`` says so when it
starts, and a longer ``identity.token_ttl_s`` makes one token last the whole run.
"""

import os

import openstack
import pytest
import requests

from fakecloud.transport.server import FakecloudServer

EPOCH = "2010-01-01T00:00:00Z"  # years behind any clock these tests run on
TIMEOUT = 60


def _token_requests(server, clouds_yaml, monkeypatch):
    """How many token requests openstacksdk sends for three server lists."""
    clouds_yaml.write_text(server.cloud.clouds_yaml(), encoding="utf-8")
    for key in [k for k in os.environ if k.startswith("OS_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(clouds_yaml))
    conn = openstack.connect(cloud="fakecloud-demo")
    for _ in range(3):
        assert list(conn.compute.servers()) == []
    conn.close()
    url = f"{server.urls['compute']}/fakecloud/trace?kind=api.request"
    events = requests.get(url, timeout=TIMEOUT).json()["events"]
    return sum(e["subject"] == "POST /v3/auth/tokens" for e in events)


@pytest.mark.parametrize("ttl_s, tokens", [(None, "many"), (1e9, 1)])
def test_a_calendar_behind_the_clients_clock(ttl_s, tokens, tmp_path, monkeypatch):
    config = {"identity": {"token_ttl_s": ttl_s}} if ttl_s else None
    with FakecloudServer(port_base=0, speed=0, settle=True, epoch=EPOCH, config=config) as served:
        hint = served.stale_token_hint()
        sent = _token_requests(served, tmp_path / "clouds.yaml", monkeypatch)
    if tokens == "many":
        assert hint.startswith("by this machine's clock a new token (life 3600 s) has -")
        assert "identity: token_ttl_s in --config" in hint
        assert sent > 3  # at least one per request: every token looks spent on arrival
    else:
        assert hint is None
        assert sent == 1
