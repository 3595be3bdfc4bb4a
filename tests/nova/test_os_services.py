"""``/os-services`` as Nova serves it (``nova/api/openstack/compute/services.py`` with
``HostAPI``, 17.0.13/20.6.0/25.2.1/29.2.0/34.0.0), and what disabling a compute host does to a
boot (the scheduler's ``ComputeFilter``: NoValidHost, the server in ERROR)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

COMPUTE = {"binary": "nova-compute", "zone": "nova", "status": "enabled", "state": "up"}


def _services(env, mv="2.1", query=""):
    resp = env.request("GET", f"/v2.1/os-services{query}", user="admin", microversion=mv)
    assert resp.status == 200, resp.json()
    return resp.json()["services"]


def _message(resp):
    return next(iter(resp.json().values()))["message"]


def _boot(env):
    """A server booted as demo, run to its end; its view."""
    server = {"name": "vm", "flavorRef": "1", "imageRef": env.image.id, "networks": "none"}
    resp = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.45")
    assert resp.status == 202, resp.json()
    env.cloud.run_until_idle()
    return env.server(resp.json()["server"]["id"])


@pytest.mark.parametrize(
    ("profile", "rule"),
    [("seed", "os_compute_api:os-services"), ("upstream", "os_compute_api:os-services:list")],
)
def test_the_list_per_microversion_for_admins_only(profile, rule):
    env = NovaEnv(profile)
    env.cloud.advance(25.0)  # cmp-1's heartbeats at 7 s and 17 s (third to start, at 2 s)
    resp = env.request("GET", "/v2.1/os-services")
    assert (resp.status, _message(resp)) == (403, f"Policy doesn't allow {rule} to be performed.")
    listed = _services(env)
    assert [(s["id"], s["binary"], s["host"], s["zone"]) for s in listed] == [
        (1, "nova-conductor", "nova-api-1", "internal"),
        (2, "nova-scheduler", "nova-api-1", "internal"),
        (3, "nova-compute", "cmp-1", "nova"),
        (4, "nova-compute", "cmp-2", "nova"),
    ]
    assert listed[2] == {
        **COMPUTE,
        "id": 3,
        "host": "cmp-1",
        "updated_at": "2026-01-01T00:00:17.000000",
        "disabled_reason": None,
    }
    assert _services(env, "2.11")[3]["forced_down"] is False
    by_uuid = _services(env, "2.53", "?binary=nova-compute&host=cmp-2")
    assert [s["host"] for s in by_uuid] == ["cmp-2"]
    assert len(by_uuid[0]["id"]) == 36
    # the same uuids in a replay of the same seed
    assert _services(NovaEnv(profile), "2.53", "?host=cmp-2")[0]["id"] == by_uuid[0]["id"]
    # unknown query parameters: refused from 2.75 (seed's top is 2.60)
    strict = env.request("GET", "/v2.1/os-services?zone=nova", user="admin", microversion=env.top)
    assert strict.status == (200 if profile == "seed" else 400)


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_a_disabled_host_gets_no_builds_until_enabled(profile):
    env = NovaEnv(profile)
    for host in ("cmp-1", "cmp-2"):
        body = {"host": host, "binary": "nova-compute", "disabled_reason": "maintenance"}
        resp = env.request(
            "PUT", "/v2.1/os-services/disable-log-reason", body, user="admin", microversion="2.1"
        )
        assert resp.json() == {"service": {**body, "status": "disabled"}}
    shown = _services(env, "2.1", "?host=cmp-1")[0]
    assert (shown["status"], shown["state"], shown["disabled_reason"]) == (
        "disabled",
        "up",
        "maintenance",
    )
    server = _boot(env)
    assert server["status"] == "ERROR"
    # 17.0.13: ComputeFilter drops the disabled hosts (_ensure_sufficient_hosts' reason); from
    # 20.0.0 placement offers none (COMPUTE_STATUS_DISABLED), which has no reason
    reason = "There are not enough hosts available." if profile == "seed" else ""
    assert server["fault"]["message"] == "No valid host was found. " + reason
    body = {"host": "cmp-2", "binary": "nova-compute"}
    resp = env.request("PUT", "/v2.1/os-services/enable", body, user="admin")
    assert resp.json() == {"service": {**body, "status": "enabled"}}
    server = _boot(env)
    assert (server["status"], server["OS-EXT-SRV-ATTR:host"]) == ("ACTIVE", "cmp-2")


def test_a_forced_down_host_is_down_and_gets_no_builds():
    env = NovaEnv("upstream")
    body = {"host": "cmp-1", "binary": "nova-compute", "forced_down": "yes"}
    resp = env.request(
        "PUT", "/v2.1/os-services/force-down", body, user="admin", microversion="2.11"
    )
    assert resp.json() == {"service": {**body, "forced_down": True}}
    # 2.1-2.10 knows no such action
    old = env.request(
        "PUT", "/v2.1/os-services/force-down", body, user="admin", microversion="2.10"
    )
    assert old.status == 400  # forced_down is not in 2.1's body schema
    assert _services(env, "2.11", "?host=cmp-1")[0]["state"] == "down"
    assert _boot(env)["OS-EXT-SRV-ATTR:host"] == "cmp-2"
    assert _boot(env)["OS-EXT-SRV-ATTR:host"] == "cmp-2"


@pytest.mark.parametrize(
    ("action", "body", "mv", "status", "message"),
    [
        ("disable-log-reason", {}, "2.1", 400, "Missing disabled reason field"),
        ("force-down", {}, "2.11", 400, "Missing forced_down field"),
        ("force-down", {}, "2.10", 404, "Unknown action"),
        ("reboot", {}, "2.1", 404, "Unknown action"),
        (
            "disable",
            {"binary": "nova-scheduler", "host": "nova-api-1"},
            "2.1",
            400,
            "Updating a nova-scheduler service is not supported. Only nova-compute services "
            "can be updated.",
        ),
        ("disable", {"host": "cmp-9"}, "2.1", 404, "Host 'cmp-9' is not mapped to any cell"),
        ("disable", {"host": "cmp 1"}, "2.1", 400, None),
    ],
)
def test_the_action_updates_refused(action, body, mv, status, message):
    env = NovaEnv("nova-20.6.0")
    body = {"host": "cmp-1", "binary": "nova-compute", **body}
    resp = env.request("PUT", f"/v2.1/os-services/{action}", body, user="admin", microversion=mv)
    assert resp.status == status, resp.json()
    if message:
        assert _message(resp) == message
    member = env.request("PUT", f"/v2.1/os-services/{action}", body, microversion=mv)
    assert member.status == (400 if status == 400 and message is None else 403)


def test_the_uuid_updates_of_2_53():
    env = NovaEnv("upstream")
    ids = {s["binary"] + "@" + s["host"]: s["id"] for s in _services(env, "2.53")}
    cmp1 = ids["nova-compute@cmp-1"]

    def put(ident, body):
        return env.request(
            "PUT", f"/v2.1/os-services/{ident}", body, user="admin", microversion="2.53"
        )

    env.cloud.advance(3.0)
    resp = put(cmp1, {"status": "disabled", "disabled_reason": "rack", "forced_down": True})
    assert resp.json()["service"] == {
        **COMPUTE,
        "id": cmp1,
        "host": "cmp-1",
        "status": "disabled",
        "state": "down",
        "updated_at": "2026-01-01T00:00:03.000000",
        "disabled_reason": "rack",
        "forced_down": True,
    }
    back = put(cmp1, {"status": "enabled", "forced_down": "false"}).json()["service"]
    assert (back["status"], back["state"], back["disabled_reason"]) == ("enabled", "up", None)
    refusals = [
        (put("cmp-1", {"status": "enabled"}), 400, "Invalid uuid cmp-1"),
        (put("0" * 32, {"status": "enabled"}), 404, f"Service {'0' * 32} could not be found."),
        (
            put(ids["nova-scheduler@nova-api-1"], {"status": "disabled"}),
            400,
            "Updating a nova-scheduler service is not supported. Only nova-compute services "
            "can be updated.",
        ),
        (
            put(cmp1, {"status": "enabled", "disabled_reason": "x"}),
            400,
            "Specifying 'disabled_reason' with status 'enabled' is invalid.",
        ),
        (
            put(cmp1, {"disabled_reason": "x"}),
            400,
            "No updates were requested. Fields 'status' or 'forced_down' should be specified.",
        ),
    ]
    assert [(r.status, _message(r)) for r, *_ in refusals] == [(s, m) for _, s, m in refusals]
    assert put(cmp1, {"host": "cmp-1"}).status == 400  # not in the 2.53 schema


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_delete_refuses_a_busy_compute_and_removes_an_idle_one(profile):
    env = NovaEnv(profile)
    env.boot()  # on cmp-1
    delete = lambda ident, mv="2.1": env.request(  # noqa: E731
        "DELETE", f"/v2.1/os-services/{ident}", user="admin", microversion=mv
    )
    busy = delete(3)
    assert (busy.status, _message(busy)) == (
        409,
        "Unable to delete compute service that is hosting instances. Migrate or delete the "
        "instances first.",
    )
    bad = delete("x")
    assert (bad.status, _message(bad)) == (400, "Invalid input received: id must be an integer")
    assert _message(delete(99)) == "Service 99 not found."
    assert _message(delete(3, "2.53")) == "Invalid uuid 3"
    assert env.request("DELETE", "/v2.1/os-services/4").status == 403
    assert delete(4).status == 204
    assert [s["host"] for s in _services(env, query="?binary=nova-compute")] == ["cmp-1"]
    hypervisors = env.request("GET", "/v2.1/os-hypervisors", user="admin").json()
    assert [h["hypervisor_hostname"] for h in hypervisors["hypervisors"]] == ["cmp-1"]
    # cmp-2 has no compute node any more: every build goes to cmp-1
    assert _boot(env)["OS-EXT-SRV-ATTR:host"] == "cmp-1"
    gone = env.request(
        "PUT",
        "/v2.1/os-services/disable",
        {"host": "cmp-2", "binary": "nova-compute"},
        user="admin",
    )
    assert (gone.status, _message(gone)) == (404, "Host 'cmp-2' is not mapped to any cell")


def test_a_fork_and_a_saved_cloud_keep_what_an_operator_changed(tmp_path):
    from fakecloud import Cloud

    env = NovaEnv("upstream")
    body = {"host": "cmp-1", "binary": "nova-compute"}
    env.request("PUT", "/v2.1/os-services/disable", body, user="admin")
    env.cloud.save(tmp_path / "cloud.json")
    for cloud in (env.cloud.fork(), Cloud.load(tmp_path / "cloud.json")):
        listed = cloud.request("compute", "GET", "/v2.1/os-services?host=cmp-1", user="admin")
        assert listed.json()["services"][0]["status"] == "disabled"


def test_the_zones_of_disabled_services():
    """``get_availability_zones`` (17.0.13-34.0.0): a zone with only disabled services is not
    available, and the detail lists the enabled services only, each with its last heartbeat."""
    env = NovaEnv("upstream")
    env.cloud.advance(12.0)
    body = {"host": "cmp-1", "binary": "nova-compute"}
    env.request("PUT", "/v2.1/os-services/disable", body, user="admin")
    detail = env.request("GET", "/v2.1/os-availability-zone/detail", user="admin").json()
    nova = next(z for z in detail["availabilityZoneInfo"] if z["zoneName"] == "nova")
    assert nova["hosts"] == {
        "cmp-2": {
            "nova-compute": {
                "available": True,
                "active": True,
                "updated_at": "2026-01-01T00:00:08.000000",  # cmp-2 started at 3 s
            }
        }
    }
    env.request("PUT", "/v2.1/os-services/disable", {**body, "host": "cmp-2"}, user="admin")
    listed = env.request("GET", "/v2.1/os-availability-zone").json()["availabilityZoneInfo"]
    assert listed == [{"zoneName": "nova", "zoneState": {"available": False}, "hosts": None}]


@pytest.mark.parametrize(
    ("profile", "order"), [("seed", ["internal", "az-1"]), ("upstream", ["az-1", "internal"])]
)
def test_the_zone_order_of_the_detail(profile, order):
    """Zones in the order their services come (by id) before 21.0.0, sorted from 21.0.0
    (``get_availability_zones``, 14fed95f61)."""
    env = NovaEnv(profile, {"nova": {"availability_zone": "az-1"}})
    detail = env.request("GET", "/v2.1/os-availability-zone/detail", user="admin").json()
    assert [z["zoneName"] for z in detail["availabilityZoneInfo"]] == order


def test_a_stopped_compute_keeps_its_last_heartbeat():
    """``report_state`` runs in the service: a stopped nova-compute's ``updated_at`` stays at
    its last report (the row is only read, 17.0.13-34.0.0 ``_get_services_list``) until its
    first report after it is back (``Service.start`` saves no row: ``_update_service_ref``),
    which comes from that start. It is ``up`` while its row's last report is at most
    ``service_down_time`` (60 s) old (servicegroup/drivers/db.py ``is_up``: ``abs(elapsed) <=
    service_down_time``), stopped or back and not reporting yet."""
    env = NovaEnv("seed")
    env.cloud.advance(25.0)
    env.nova.restart_compute("cmp-1", down_s=60.0)
    env.cloud.advance(20.0)
    row = _services(env, "2.1", "?host=cmp-1")[0]
    # nova-compute reports 5 s after its start (INITIAL_REPORTING_DELAY), cmp-1's at 2 s
    assert (row["state"], row["updated_at"]) == ("up", "2026-01-01T00:00:17.000000")
    env.cloud.advance(32.0)  # 77 s: 60 s past the last report, still up
    assert _services(env, "2.1", "?host=cmp-1")[0]["state"] == "up"
    env.cloud.advance(0.5)
    row = _services(env, "2.1", "?host=cmp-1")[0]
    assert (row["state"], row["updated_at"]) == ("down", "2026-01-01T00:00:17.000000")
    env.cloud.run_until_idle()  # back at 85 s: the row keeps its last report until the
    row = _services(env, "2.1", "?host=cmp-1")[0]  # first, 5 s after this start
    assert (row["state"], row["updated_at"]) == ("down", "2026-01-01T00:00:17.000000")
    env.cloud.advance(5.0)
    row = _services(env, "2.1", "?host=cmp-1")[0]  # from its restart: 90, 100... s
    assert (row["state"], row["updated_at"]) == ("up", "2026-01-01T00:01:30.000000")
    assert env.kernel.rpc.down_since is None  # a cloud with nothing down saves as before
