"""``/os-hypervisors`` as Nova serves it (``nova/api/openstack/compute/hypervisors.py``,
17.0.13/20.6.0/25.2.1/29.2.0/34.0.0): the compute nodes' capacity and usage, their service's
state and status, per microversion."""

from __future__ import annotations

import pytest

from fakecloud.nova import compute_nodes
from tests.nova.conftest import NovaEnv

UUID_LEN = 36


def _get(env, path, mv="2.1", user="admin"):
    return env.request("GET", f"/v2.1/os-hypervisors{path}", user=user, microversion=mv)


def _message(resp):
    return next(iter(resp.json().values()))["message"]


@pytest.mark.parametrize(
    ("profile", "rule"),
    [("seed", "os_compute_api:os-hypervisors"), ("upstream", "os_compute_api:os-hypervisors:list")],
)
def test_the_list_is_the_admins(profile, rule):
    env = NovaEnv(profile)
    resp = _get(env, "", user="demo")
    assert (resp.status, _message(resp)) == (403, f"Policy doesn't allow {rule} to be performed.")
    assert _get(env, "").json() == {
        "hypervisors": [
            {"id": 1, "hypervisor_hostname": "cmp-1", "state": "up", "status": "enabled"},
            {"id": 2, "hypervisor_hostname": "cmp-2", "state": "up", "status": "enabled"},
        ]
    }


@pytest.mark.parametrize(("profile", "bfv_root_gb"), [("seed", 1), ("upstream", 0)])
def test_detail_sums_the_servers_on_each_host(profile, bfv_root_gb):
    """``_update_usage``: a volume-backed server's root disk counts from 18.0.0 (f63fd14975)
    no more; memory includes ``reserved_host_memory_mb``."""
    env = NovaEnv(profile)
    env.boot("a")  # cmp-1: m1.tiny, 512 MB, 1 vCPU, 1 GB
    env.boot("b", bfv=True)  # cmp-2
    env.nova.restart_compute("cmp-2", down_s=100.0)
    env.cloud.advance(70.0)  # past service_down_time
    one, two = _get(env, "/detail").json()["hypervisors"]
    assert one == {
        "id": 1,
        "hypervisor_hostname": "cmp-1",
        "state": "up",
        "status": "enabled",
        "hypervisor_type": "QEMU",
        "hypervisor_version": compute_nodes.HYPERVISOR_VERSION,
        "host_ip": "10.1.0.11",
        "service": {"id": 3, "host": "cmp-1", "disabled_reason": None},
        "vcpus": 32,
        "memory_mb": 131072,
        "local_gb": 900,
        "vcpus_used": 1,
        "memory_mb_used": 1024,
        "local_gb_used": 1,
        "free_ram_mb": 130048,
        "free_disk_gb": 899,
        "current_workload": 0,
        "running_vms": 1,
        "disk_available_least": 899,
        "cpu_info": compute_nodes.CPU_INFO,
    }
    assert (two["state"], two["local_gb_used"], two["running_vms"]) == ("down", bfv_root_gb, 1)
    as_object = _get(env, "/1", mv="2.28").json()["hypervisor"]["cpu_info"]
    assert as_object["topology"] == {"cells": 1, "sockets": 1, "cores": 16, "threads": 2}


def test_paging_from_2_33_and_uuids_from_2_53():
    env = NovaEnv("upstream")
    first = _get(env, "?limit=1", mv="2.33").json()
    assert [h["id"] for h in first["hypervisors"]] == [1]
    assert first["hypervisors_links"][0]["href"].endswith("/v2.1/os-hypervisors?limit=1&marker=1")
    assert [h["id"] for h in _get(env, "?marker=1", mv="2.33").json()["hypervisors"]] == [2]
    assert _get(env, "?limit=0", mv="2.33").json() == {"hypervisors": []}  # SQL LIMIT 0
    missing = _get(env, "?marker=7", mv="2.33")
    assert (missing.status, _message(missing)) == (400, "marker [7] not found")
    listed = _get(env, "", mv="2.53").json()["hypervisors"]
    assert all(len(h["id"]) == UUID_LEN for h in listed)
    after = _get(env, f"?marker={listed[0]['id']}", mv="2.53").json()["hypervisors"]
    assert after == listed[1:]
    assert _get(env, "?sort=1", mv="2.53").status == 400  # unknown parameters from 2.53


def test_hostname_patterns_and_servers_from_2_53():
    env = NovaEnv("upstream")
    sid = env.boot()
    name = env.server(sid, microversion="2.53")["OS-EXT-SRV-ATTR:instance_name"]
    found = _get(env, "?hypervisor_hostname_pattern=CMP_1&with_servers=true", mv="2.53")
    assert [h["servers"] for h in found.json()["hypervisors"]] == [[{"name": name, "uuid": sid}]]
    none_asked = _get(env, "?hypervisor_hostname_pattern=cmp-2&with_servers=1", mv="2.53")
    assert "servers" not in none_asked.json()["hypervisors"][0]  # [] only from 2.75
    empty = _get(env, "?hypervisor_hostname_pattern=cmp-2&with_servers=1", mv="2.75")
    assert empty.json()["hypervisors"][0]["servers"] == []
    nothing = _get(env, "?hypervisor_hostname_pattern=db", mv="2.53")
    assert (nothing.status, _message(nothing)) == (
        404,
        "No hypervisor matching 'db' could be found.",
    )
    paged = _get(env, "?hypervisor_hostname_pattern=cmp&limit=1", mv="2.53")
    assert _message(paged) == (
        "Paging over hypervisors with the hypervisor_hostname_pattern query parameter is not "
        "supported."
    )


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_show_search_and_servers_by_microversion(profile):
    env = NovaEnv(profile)
    sid = env.boot()
    assert _get(env, "/1").json()["hypervisor"]["hypervisor_hostname"] == "cmp-1"
    for ident in ("9", "x"):
        resp = _get(env, f"/{ident}")
        assert (resp.status, _message(resp)) == (
            404,
            f"Hypervisor with ID '{ident}' could not be found.",
        )
    bad = _get(env, "/1", mv="2.53")
    assert (bad.status, _message(bad)) == (400, "Invalid uuid 1")
    uuid = _get(env, "", mv="2.53").json()["hypervisors"][0]["id"]
    shown = _get(env, f"/{uuid}?with_servers=true", mv="2.53").json()["hypervisor"]
    assert ([s["uuid"] for s in shown["servers"]], shown["service"]["host"]) == ([sid], "cmp-1")
    assert len(_get(env, "/C%25-2/search").json()["hypervisors"]) == 1  # LIKE '%C%-2%'
    search = _get(env, "/cmp/search").json()["hypervisors"]
    assert [h["hypervisor_hostname"] for h in search] == ["cmp-1", "cmp-2"]
    servers = _get(env, "/cmp/servers").json()["hypervisors"]
    assert [[s["uuid"] for s in h.get("servers", [])] for h in servers] == [[sid], []]
    assert _get(env, "/cmp/search", mv="2.53").status == 404  # routes gone at 2.53


def test_statistics_sum_the_enabled_hosts_until_2_88():
    env = NovaEnv("upstream")
    env.boot()
    body = {"host": "cmp-2", "binary": "nova-compute"}
    env.request("PUT", "/v2.1/os-services/disable", body, user="admin")
    assert _get(env, "/statistics").json() == {
        "hypervisor_statistics": {
            "count": 1,
            "current_workload": 0,
            "disk_available_least": 899,
            "free_disk_gb": 899,
            "free_ram_mb": 130048,
            "local_gb": 900,
            "local_gb_used": 1,
            "memory_mb": 131072,
            "memory_mb_used": 1024,
            "running_vms": 1,
            "vcpus": 32,
            "vcpus_used": 1,
        }
    }
    detail = _get(env, "/detail").json()["hypervisors"]
    assert [h["status"] for h in detail] == ["enabled", "disabled"]
    assert _get(env, "/statistics", mv="2.88").status == 404


@pytest.mark.parametrize(("profile", "stats"), [("nova-29.2.0", False), ("upstream", True)])
def test_uptime_route_before_2_88_and_field_after(profile, stats):
    """``uptime`` from 2.88: a live ``get_host_uptime`` before 32.0.0, the stats the resource
    tracker reported at its last 60 s run from 32.0.0 (567dbe1867)."""
    env = NovaEnv(profile)
    env.cloud.advance(3725.0)  # 1 h 2 min 5 s
    up = _get(env, "/1/uptime").json()["hypervisor"]
    assert up == {
        "id": 1,
        "hypervisor_hostname": "cmp-1",
        "state": "up",
        "status": "enabled",
        "uptime": " 01:02:05 up  1:02,  0 users,  load average: 0.00, 0.00, 0.00\n",
    }
    env.nova.restart_compute("cmp-2", down_s=10.0)
    env.cloud.advance(1.0)
    # within service_down_time a stopped compute is still up: the operator forces it down
    body = {"host": "cmp-2", "binary": "nova-compute", "forced_down": True}
    resp = env.request(
        "PUT", "/v2.1/os-services/force-down", body, user="admin", microversion="2.11"
    )
    assert resp.status == 200
    down = _get(env, "/2/uptime")
    assert (down.status, _message(down)) == (
        400,
        "Compute service of cmp-2 is unavailable at this time.",
    )
    assert _get(env, "/1/uptime", mv="2.88").status == 404
    one, two = _get(env, "/detail", mv="2.88").json()["hypervisors"]
    assert "vcpus" not in one
    clock = "01:02:00" if stats else "01:02:06"
    assert one["uptime"] == f" {clock} up  1:02,  0 users,  load average: 0.00, 0.00, 0.00\n"
    assert (two["uptime"] is None) is not stats
    # before 32.0.0 each uptime is a get_host_uptime call to the host (the route's, then the
    # 2.88 detail's for the host that is up); from 32.0.0 the detail reads the stats
    calls = env.cloud.trace.filter(kind="rpc.call", method="get_host_uptime")
    assert [c["subject"] for c in calls] == ["compute.cmp-1"] * (1 if stats else 2)
