"""``GET /os-simple-tenant-usage[/{tenant_id}]``: Nova's usage report
(``nova/api/openstack/compute/simple_tenant_usage.py``, the same from 17.0.0 to 34.0.0) over
the servers the cloud ran in virtual time: the window, the hours charged, the policy, the
query schema per microversion and the 2.40 paging."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

USAGE = "/v2.1/os-simple-tenant-usage"
ALWAYS = "start=2000-01-01T00:00:00"


def _project(env: NovaEnv, user: str = "demo") -> str:
    return env.cloud.keystone.token_for(user).context.project_id


def _at(env: NovaEnv, seconds: float) -> str:
    """The request form of a virtual instant (``%Y-%m-%dT%H:%M:%S.%f``)."""
    return env.kernel.clock.wall_time(seconds).strftime("%Y-%m-%dT%H:%M:%S.%f")


def _ran(env: NovaEnv) -> dict[str, float]:
    """Two servers: ``a`` launched, an hour later ``b``, half an hour later ``a`` deleted;
    the virtual instants of each launch and of the termination."""
    a = env.boot("a")
    env.cloud.run_until_idle()
    env.cloud.advance(3600)
    b = env.boot("b")
    env.cloud.run_until_idle()
    env.cloud.advance(1800)
    assert env.request("DELETE", f"/v2.1/servers/{a}").status == 204
    env.cloud.run_until_idle()
    env.cloud.advance(600)
    rows = env.nova.db.instances
    return {
        "a": rows[a].launched_at,
        "b": rows[b].launched_at,
        "a_end": rows[a].terminated_at,
        "ids": (a, b),
    }


def test_show_charges_each_server_the_hours_it_ran_in_the_period(env: NovaEnv):
    times = _ran(env)
    r = env.request("GET", f"{USAGE}/{_project(env)}?{ALWAYS}")
    assert r.status == 200
    usage = r.json()["tenant_usage"]
    by_name = {u["name"]: u for u in usage["server_usages"]}
    a, b = by_name["a"], by_name["b"]
    assert a["state"] == "terminated" and b["state"] == "active"
    # launched 00:00:04.009 and 01:00:08.018, a terminated 01:30:10.020, now 01:40:10.020: the
    # launch and termination as MySQL's DATETIME keeps them, whole seconds (the nearest)
    assert _at(env, times["a_end"]) == "2026-01-01T01:30:10.020000"
    assert a["hours"] == pytest.approx((5400 + 6) / 3600)
    assert b["hours"] == pytest.approx((2400 + 2.02) / 3600)
    assert a["uptime"] == 5406
    assert (a["started_at"], a["ended_at"], b["ended_at"]) == (
        "2026-01-01T00:00:04.000000",
        "2026-01-01T01:30:10.000000",
        None,
    )
    assert (a["flavor"], a["memory_mb"], a["vcpus"], a["local_gb"]) == ("m1.tiny", 512, 1, 1)
    total = a["hours"] + b["hours"]
    assert usage["total_hours"] == pytest.approx(total)
    assert usage["total_memory_mb_usage"] == pytest.approx(512 * total)
    assert usage["start"] == "2000-01-01T00:00:00.000000"
    assert usage["stop"] == _at(env, env.kernel.now)  # an end after now is now

    # A period ending before b launched: only a, up to the end of the period.
    end = times["b"] - 60
    r = env.request("GET", f"{USAGE}/{_project(env)}?{ALWAYS}&end={_at(env, end)}")
    (only,) = r.json()["tenant_usage"]["server_usages"]
    assert only["name"] == "a" and only["hours"] == pytest.approx((end - 4) / 3600)
    # A period starting after a's termination: only b.
    start = _at(env, times["a_end"] + 1)
    r = env.request("GET", f"{USAGE}/{_project(env)}?start={start}")
    assert [u["name"] for u in r.json()["tenant_usage"]["server_usages"]] == ["b"]
    # A project none of whose servers ran: an empty object.
    r = env.request("GET", f"{USAGE}/{_project(env, 'admin')}?{ALWAYS}", user="admin")
    assert r.json() == {"tenant_usage": {}}


def test_list_is_the_admins_and_details_only_for_detailed_1(env: NovaEnv):
    a, b = _ran(env)["ids"]
    r = env.request("GET", f"{USAGE}?{ALWAYS}")
    assert r.status == 403
    assert r.json()["forbidden"]["message"] == (
        "Policy doesn't allow os_compute_api:os-simple-tenant-usage:list to be performed."
    )
    r = env.request("GET", f"{USAGE}?{ALWAYS}&detailed=true", user="admin")
    (usage,) = r.json()["tenant_usages"]
    assert usage["tenant_id"] == _project(env) and "server_usages" not in usage
    r = env.request("GET", f"{USAGE}?{ALWAYS}&detailed=1", user="admin")
    (usage,) = r.json()["tenant_usages"]
    assert sorted(u["instance_id"] for u in usage["server_usages"]) == sorted((a, b))


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_show_is_the_projects_readers_and_admins(profile):
    env = NovaEnv(profile)
    demo = _project(env)
    reader = env.request("GET", f"{USAGE}/{demo}", user="demo-reader")
    # Queens: rule:admin_or_owner (a reader of the project is an owner); 34.0.0: its readers.
    assert reader.status == 200
    assert env.request("GET", f"{USAGE}/{_project(env, 'admin')}").status == 403
    assert env.request("GET", f"{USAGE}/{demo}", user="admin").status == 200
    assert env.request("GET", USAGE, user="demo").status == 403


def test_bad_periods_are_400s(env: NovaEnv):
    def message(query: str) -> str:
        r = env.request("GET", f"{USAGE}?{query}", user="admin")
        assert r.status == 400
        return r.json()["badRequest"]["message"]

    assert message("start=yesterday") == "Invalid datetime string: Datetime is in invalid format"
    assert message("start=2026-01-02T00:00:00&end=2026-01-01T00:00:00") == (
        "Invalid start time. The start time cannot occur after the end time."
    )
    assert message("start=2026-01-01T00:00:00&end=2026-01-01T00:00:00").startswith("Invalid start")
    # The other formats parse; with neither bound the period is the instant now.
    for query in ("start=2025-12-31 00:00:00.5", "start=2025-12-31T10:00:00.25", ""):
        assert env.request("GET", f"{USAGE}?{query}", user="admin").status == 200


def test_query_schema_per_microversion(env: NovaEnv):
    admin = {"user": "admin"}
    assert env.request("GET", f"{USAGE}?foo=1", microversion="2.74", **admin).status == 200
    r = env.request("GET", f"{USAGE}?foo=1", microversion="2.75", **admin)
    assert r.json()["badRequest"]["message"] == (
        "Additional properties are not allowed ('foo' was unexpected)"
    )
    r = env.request("GET", f"{USAGE}?limit=-1", microversion="2.40", **admin)
    assert r.status == 400 and "limit" in r.json()["badRequest"]["message"]
    # Before 2.40 limit and marker are nobody's business: no paging, no 400.
    assert (
        env.request("GET", f"{USAGE}?limit=-1&marker=x", microversion="2.39", **admin).status == 200
    )


def test_paging_from_2_40(env: NovaEnv):
    a, b = _ran(env)["ids"]
    first, second = sorted((a, b))
    demo = _project(env)
    r = env.request("GET", f"{USAGE}/{demo}?{ALWAYS}&limit=1", microversion="2.40")
    body = r.json()
    assert [u["instance_id"] for u in body["tenant_usage"]["server_usages"]] == [first]
    (link,) = body["tenant_usage_links"]
    assert link["rel"] == "next"
    assert link["href"].endswith(
        f"/v2.1/os-simple-tenant-usage/{demo}?limit=1&start=2000-01-01T00%3A00%3A00&marker={first}"
    )
    r = env.request("GET", f"{USAGE}/{demo}?{ALWAYS}&limit=1&marker={first}", microversion="2.40")
    assert [u["instance_id"] for u in r.json()["tenant_usage"]["server_usages"]] == [second]
    r = env.request("GET", f"{USAGE}/{demo}?{ALWAYS}&limit=1&marker={second}", microversion="2.40")
    assert r.json() == {"tenant_usage": {}}
    r = env.request("GET", f"{USAGE}?{ALWAYS}&limit=1", microversion="2.40", user="admin")
    assert r.json()["tenant_usages_links"][0]["href"].endswith(f"marker={first}")
    r = env.request("GET", f"{USAGE}?marker=nope", microversion="2.40", user="admin")
    assert r.json()["badRequest"]["message"] == "Marker nope could not be found."
    # 2.39: limit ignored, no links.
    r = env.request("GET", f"{USAGE}/{demo}?{ALWAYS}&limit=1", microversion="2.39")
    assert len(r.json()["tenant_usage"]["server_usages"]) == 2
    assert "tenant_usage_links" not in r.json()
