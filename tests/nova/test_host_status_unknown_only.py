"""A server's ``host_status`` (2.16) by policy: ``os_compute_api:servers:show:host_status``
shows any status, and from 21.0.0 (f9c6089244) a caller it refuses who passes
``os_compute_api:servers:show:host_status:unknown-only`` sees ``UNKNOWN`` alone, the key absent
otherwise, in show and in the detail list (views/servers.py ``_get_host_status_unknown_only``,
21.0.0-33.0.2); before 21.0.0 no such rule is read."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

UNKNOWN_ONLY = {"os_compute_api:servers:show:host_status:unknown-only": "@"}
HOST_STATUS = "os_compute_api:servers:show:host_status"


def _seen(env: NovaEnv, sid: str, user: str) -> tuple[str | None, str | None]:
    """``host_status`` in show and in the detail list (None: no key)."""
    shown = env.server(sid, user=user, microversion="2.16")
    path = "/v2.1/servers/detail" + ("?all_tenants=1" if user == "admin" else "")
    listed = env.request("GET", path, user=user, microversion="2.16").json()
    (row,) = [s for s in listed["servers"] if s["id"] == sid]
    return shown.get("host_status"), row.get("host_status")


@pytest.mark.parametrize(("profile", "rule"), [("nova-20.6.1", False), ("nova-21.0.0", True)])
def test_unknown_only_shows_a_member_unknown_and_nothing_else(profile, rule):
    env = NovaEnv(profile, {"nova": {"policy": UNKNOWN_ONLY}})
    sid = env.boot()
    host = env.server(sid)["OS-EXT-SRV-ATTR:host"]
    assert _seen(env, sid, "demo") == (None, None)  # UP: not for the member
    assert _seen(env, sid, "admin") == ("UP", "UP")
    env.kernel.rpc.set_up(f"compute.{host}", False)  # stopped, past service_down_time
    env.cloud.advance(120.0)
    unknown = "UNKNOWN" if rule else None
    assert _seen(env, sid, "demo") == (unknown, unknown)
    assert _seen(env, sid, "admin") == ("UNKNOWN", "UNKNOWN")
    body = {"host": host, "binary": "nova-compute"}
    resp = env.request("PUT", "/v2.1/os-services/disable", body, user="admin")
    assert resp.status == 200
    assert _seen(env, sid, "demo") == (None, None)  # MAINTENANCE: the admin's alone
    assert _seen(env, sid, "admin") == ("MAINTENANCE", "MAINTENANCE")


def test_show_and_update_ask_on_the_servers_project_and_the_list_on_the_callers_own():
    """One caller, one server, a rule on the target's project: show's and update's
    ``host_status`` check is on the server's project (the demo's: refused, and
    ``unknown-only`` shows no ``UP``), the detail list's on the admin's own (allowed); each
    request answers for its own target however they alternate (the view's checks are
    remembered by target and kind)."""
    env = NovaEnv("upstream", {"nova": {"policy": {HOST_STATUS: "project_id:%(project_id)s"}}})
    sid = env.boot()
    path = "/v2.1/servers/detail?all_tenants=1"
    for name in ("a", "b"):
        listed = env.request("GET", path, user="admin", microversion="2.75").json()["servers"]
        assert [s.get("host_status") for s in listed if s["id"] == sid] == ["UP"]
        body = {"server": {"name": name}}
        updated = env.request(
            "PUT", f"/v2.1/servers/{sid}", body, user="admin", microversion="2.75"
        ).json()["server"]
        assert (updated["name"], updated.get("host_status")) == (name, None)
        shown = env.server(sid, microversion="2.75")
        assert "host_status" not in shown
        assert shown["OS-EXT-SRV-ATTR:host"]  # the admin's extended attributes all along
