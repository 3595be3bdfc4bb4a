"""``GET /os-availability-zone`` as Nova answers it (``availability_zone.py`` ``index`` and
``availability_zones.get_availability_zones``, 17.0.13-34.0.0; the rule ``@`` from 21.0.0,
b8c2de86ed, ``rule:admin_or_owner`` before)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

NOVA = {"zoneName": "nova", "zoneState": {"available": True}, "hosts": None}


@pytest.mark.parametrize("profile", ["seed", "nova-20.6.0", "upstream"])
def test_the_compute_zone_for_every_caller(profile):
    env = NovaEnv(profile)
    for user in ("demo", "demo-reader", "admin"):
        resp = env.request("GET", "/v2.1/os-availability-zone", user=user)
        assert (resp.status, resp.json()) == (200, {"availabilityZoneInfo": [NOVA]})


def test_a_named_zone_none_without_hosts_and_the_strict_query():
    env = NovaEnv("upstream", {"nova": {"availability_zone": "az-1"}})
    body = env.request("GET", "/v2.1/os-availability-zone").json()
    assert body["availabilityZoneInfo"] == [{**NOVA, "zoneName": "az-1"}]
    resp = env.request("GET", "/v2.1/os-availability-zone?x=1", microversion="2.102")
    assert resp.status == 400
    empty = NovaEnv("upstream", {"nova": {"compute_hosts": 0}})
    assert empty.request("GET", "/v2.1/os-availability-zone").json() == {"availabilityZoneInfo": []}


@pytest.mark.parametrize(("profile", "status"), [("nova-20.6.0", 200), ("upstream", 403)])
def test_an_operator_rule_against_the_callers_project(profile, status):
    """``rule:admin_or_owner`` set by an operator: before 21.0.0 the target is the caller's own
    project (passes); from 21.0.0 it is empty (a member is refused)."""
    rule = {"os_compute_api:os-availability-zone:list": "rule:admin_or_owner"}
    env = NovaEnv(profile, {"nova": {"policy": rule}})
    assert env.request("GET", "/v2.1/os-availability-zone").status == status


def _service(up, updated_at):
    return {"available": up, "active": True, "updated_at": updated_at}


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_detail_is_the_admins_with_hosts_and_their_services(profile):
    env = NovaEnv(profile)
    resp = env.request("GET", "/v2.1/os-availability-zone/detail")
    assert (resp.status, resp.json()["forbidden"]["message"]) == (
        403,
        "Policy doesn't allow os_compute_api:os-availability-zone:detail to be performed.",
    )
    env.nova.restart_compute("cmp-2", down_s=100.0)
    # cmp-2's nova-compute stopped before its first heartbeat: down once 60 s
    # (service_down_time) past its created_at
    env.cloud.advance(70.0)
    resp = env.request("GET", "/v2.1/os-availability-zone/detail", user="admin")
    # each reports 5 s after its start, devstack's order a second apart: scheduler, conductor,
    # computes (nova 34.0.0 servicegroup/drivers/db.py join: INITIAL_REPORTING_DELAY)
    control = {
        "nova-conductor": _service(True, "2026-01-01T00:01:06.000000"),
        "nova-scheduler": _service(True, "2026-01-01T00:01:05.000000"),
    }
    computes = {
        "cmp-1": {"nova-compute": _service(True, "2026-01-01T00:01:07.000000")},
        "cmp-2": {"nova-compute": _service(False, None)},
    }
    assert (resp.status, resp.json()) == (
        200,
        {
            "availabilityZoneInfo": [
                {"zoneName": "internal", "zoneState": {"available": True},
                 "hosts": {"nova-api-1": control}},
                {"zoneName": "nova", "zoneState": {"available": True}, "hosts": computes},
            ]
        },
    )  # fmt: skip
    # the list still names the zone: a service that is down is still enabled
    body = env.request("GET", "/v2.1/os-availability-zone").json()
    assert body == {"availabilityZoneInfo": [NOVA]}
