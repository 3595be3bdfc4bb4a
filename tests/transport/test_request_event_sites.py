"""A request's ``api.request`` and ``api.response`` events, written at its caller's trace sites
(`fakecloud.api.service`), are the events the general write gives: the same trace, byte for
byte, for callers with and without a token, past a family's 16 shapes of one actor, and for
callers past the process's room for sites."""

import pytest

from fakecloud import Cloud
from fakecloud.api import service

#: 18 more callers: with demo, nova-api's families meet more than 16 users (their plans move).
USERS = {f"u{i}": {"password": "pw", "project": "demo", "roles": ["member"]} for i in range(18)}


def _trace(monkeypatch: pytest.MonkeyPatch, room: int) -> str:
    monkeypatch.setattr(service, "_REQUEST_AT", {})
    monkeypatch.setattr(service, "_RESPONSE_AT", {})
    monkeypatch.setattr(service, "_USER_SITES", room)
    cloud = Cloud(config={"identity": {"users": USERS}})
    assert cloud.request("compute", "GET", "/", user=None).status == 200
    for name in ["demo", *USERS, "demo", "u0"]:
        assert cloud.request("compute", "GET", "/v2.1/flavors", user=name).status == 200
        assert cloud.request("compute", "GET", "/v2.1/servers/nope", user=name).status == 404
    assert cloud.request("image", "GET", "/v2/images", user="demo").status == 200
    assert cloud.request("image", "GET", "/", user=None).status == 300
    assert len(service._REQUEST_AT) == min(room, len(USERS) + 2)
    return cloud.trace.to_jsonl()


def test_events_at_sites_are_the_general_writes_events(monkeypatch):
    general = _trace(monkeypatch, 0)
    assert general.count('"api.request"') == 2 * 21 + 3
    assert _trace(monkeypatch, 256) == general
    assert _trace(monkeypatch, 5) == general  # the first 5 callers at sites, the others not
