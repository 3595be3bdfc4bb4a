"""``/os-hosts`` (nova 17.0.13-34.0.0 ``hosts.py``, to 2.42). Found by Tempest's
``test_hosts``/``test_hosts_negative`` (session 27): not served, a 404. Their shapes are walked
against Nova's response schemas in ``tests/schemas``; here what a host shows and the errors."""

from fakecloud import Cloud
from tests.nova.conftest import NovaEnv


def _message(resp, status: int) -> str:
    assert resp.status == status, resp.json()
    return next(iter(resp.json().values()))["message"]


def test_a_hosts_resources_and_the_errors(env: NovaEnv):
    sid = env.boot()
    host = env.request("GET", f"/v2.1/servers/{sid}", user="admin", microversion="2.42")
    host = host.json()["server"]["OS-EXT-SRV-ATTR:host"]
    project = env.cloud.keystone.token_for("demo").context.project_id
    r = env.request("GET", f"/v2.1/os-hosts/{host}", user="admin", microversion="2.42")
    rows = {row["resource"]["project"]: row["resource"] for row in r.json()["host"]}
    assert list(rows) == ["(total)", "(used_now)", "(used_max)", project]
    assert (rows[project]["cpu"], rows[project]["memory_mb"], rows[project]["disk_gb"]) == (
        1,
        512,
        1,
    )
    assert rows["(used_max)"]["cpu"] == 1
    listed = env.request("GET", "/v2.1/os-hosts?zone=internal", user="admin").json()["hosts"]
    assert sorted(h["service"] for h in listed) == ["conductor", "scheduler"]
    assert _message(env.request("GET", "/v2.1/os-hosts/nope", user="admin"), 404) == (
        "Host 'nope' is not mapped to any cell"
    )
    reboot = env.request("GET", f"/v2.1/os-hosts/{host}/reboot", user="admin")
    assert _message(reboot, 501) == "The requested functionality is not supported."
    assert env.request("GET", "/v2.1/os-hosts", user="admin", microversion="2.43").status == 404
    assert _message(env.request("GET", "/v2.1/os-hosts"), 403) == (
        "Policy doesn't allow os_compute_api:os-hosts:list to be performed."
    )


def test_the_update_schema_asks_for_a_change_from_30():
    # the nova oracle (session 28): before 7e78623ac5 the anyOf sat inside properties
    old = Cloud(seed=0, profile="nova-29.4.0")
    path = "/v2.1/os-hosts/nohost"
    r = old.request("compute", "PUT", path, body={}, user="admin")
    assert (r.status, r.json()) == (200, {"host": "nohost"})
    r = old.request("compute", "PUT", path, body={"foo": 1}, user="admin")
    assert _message(r, 400) == "Additional properties are not allowed ('foo' was unexpected)"
    new = Cloud(seed=0, profile="upstream")
    r = new.request("compute", "PUT", path, body={"foo": 1}, user="admin")
    assert _message(r, 400) == "{'foo': 1} is not valid under any of the given schemas"
