"""A rebuild that fails on the server's own host and its placement allocation, by release.

``rebuild_instance``'s ``except Exception`` calls ``delete_allocation_for_evacuated_instance``
for ``scheduled_node``, which a plain rebuild set to ``instance.node`` (nova 17.0.13 to master
compute/manager.py). Until 18.x the same-host subtraction PUT an empty ``resources``, which
placement refused: the allocation stayed, the resource tracker logged its error. From 19.0.0
(66297f0c4a) the node's allocation is popped and the empty rest PUT: the server holds nothing
in placement (switch ``failed_rebuild_drops_allocation``), which ``server_holds_allocation``
reports. A libvirt rebuild asked to preserve the ephemeral disk fails inside that ``try``.
"""

from __future__ import annotations

import pytest

from fakecloud.nova import services
from tests.nova.conftest import NovaEnv
from tests.nova.test_unified_limits_driver import TWO_TINY, UNIFIED, _register


def _fail_a_rebuild(env: NovaEnv, sid: str) -> None:
    body = {"rebuild": {"imageRef": env.image.id, "preserve_ephemeral": True}}
    assert env.action(sid, body).status == 202
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "ERROR"


def _errors(env: NovaEnv, sid: str) -> list[str]:
    return [
        e["message"]
        for e in env.cloud.trace.filter(subject=sid)
        if e["kind"] == "log" and e.get("level") == "error"
    ]


@pytest.mark.parametrize("profile", ["nova-18.3.0", "nova-19.0.0"])
def test_from_19_0_0_a_failed_rebuild_removes_the_server_s_allocation(profile):
    env = NovaEnv(profile)
    sid = env.boot()
    _fail_a_rebuild(env, sid)
    node = services.compute_node_uuid(env.nova, env.nova.db.instances[sid].host)
    broken = env.cloud.check_invariants(["server_holds_allocation"])
    failed_clean = (
        f"Failed to clean allocation of evacuated instance on the destination node {node}"
    )
    if profile == "nova-18.3.0":
        assert broken == []
        assert _errors(env, sid) == [failed_clean]
        return
    (violation,) = broken
    assert str(violation) == (
        f"server_holds_allocation: server {sid}: on {env.nova.db.instances[sid].host} (error), "
        "but placement holds no allocation of it"
    )
    assert _errors(env, sid) == []
    # a second failure finds no allocation left to clean
    _fail_a_rebuild(env, sid)
    assert _errors(env, sid) == [
        f"Expected to find current allocations for {sid}, but found none.",
        failed_clean,
    ]


def test_the_project_s_placement_usage_loses_the_server_its_host_does_not():
    env = NovaEnv("upstream", UNIFIED)
    _register(env, TWO_TINY)
    project = env.cloud.context("demo").project_id
    sid = env.boot()

    def used() -> tuple[int, int, int]:
        url = f"/v2.1/os-quota-sets/{project}/detail"
        quotas = env.request("GET", url, user="admin").json()["quota_set"]
        return tuple(quotas[name]["in_use"] for name in ("instances", "cores", "ram"))

    def hypervisor() -> tuple[int, int]:
        (node,) = env.request(
            "GET", "/v2.1/os-hypervisors/detail", user="admin", microversion="2.87"
        ).json()["hypervisors"][:1]
        return node["vcpus_used"], node["running_vms"]

    assert (used(), hypervisor()) == ((1, 1, 512), (1, 1))
    _fail_a_rebuild(env, sid)
    # servers are counted from the instance mappings, cores and RAM from placement
    assert (used(), hypervisor()) == ((1, 0, 0), (1, 1))
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    env.cloud.run_until_idle()
    assert env.cloud.check_invariants(["server_holds_allocation"]) == []
