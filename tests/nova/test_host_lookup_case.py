"""Host names a request gives, as a MySQL-backed Nova looks them up: its tables' default
collation (utf8 general_ci) compares case-insensitively, so a database look-up by host finds
``cmp-2`` for ``CMP-2`` while a compare in Python does not (nova 17.0.13, 20.6.0, 27.5.1,
34.0.0): ``db`` ``compute_node_get_all_by_host`` (``ComputeNodeList.get_all_by_host``,
``ComputeNode.get_first_node_by_host_for_old_compat``), ``HostMapping.get_by_host``,
``AggregateList.get_by_host``, ``Service.get_by_args`` are SQL ``=``; ``scheduler/host_manager.py``
``_match_forced_hosts`` lower-cases, ``_match_forced_nodes`` and ``_get_hosts_matching_request``
compare as given, as do os-services' ``?host=``, ``add_host_to_aggregate``'s
``service.host != host_name`` check and ``Aggregate.delete_host``'s ``hosts.remove``."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv, unexpected_500
from tests.nova.test_server_destination import NOT_ENOUGH, _boot, _offloaded, _unshelve


@pytest.mark.parametrize("profile", ["seed", "nova-20.6.0", "upstream"])
def test_a_forced_host_is_found_whatever_its_case(profile):
    """``_match_forced_hosts`` lower-cases in every release; from 20.0.0 (3ad82c696f)
    ``resources_from_request_spec`` first looks the host's compute node up in the database,
    which finds it too (fakecloud said 'No such host - host: CMP-2 node: None ' there). A
    forced node is found in the database but ``_match_forced_nodes`` compares it as given."""
    env = NovaEnv(profile)
    assert _boot(env, "nova:CMP-2", user="admin") == ("ACTIVE", "cmp-2", "nova", None)
    assert _boot(env, "nova::CMP-2", user="admin") == ("ERROR", None, "nova", NOT_ENOUGH)
    services = env.request("GET", "/v2.1/os-services?host=CMP-2", user="admin")
    assert services.json() == {"services": []}  # filtered in Python


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_a_service_disabled_by_host_in_another_case(profile):
    """Before 2.53 ``PUT /os-services/disable`` names the host: ``@target_host_cell``'s
    ``HostMapping.get_by_host`` and ``Service.get_by_args`` (``service_get_by_host_and_binary``)
    find ``cmp-1`` for ``CMP-1`` and disable it; the answer echoes the body."""
    env = NovaEnv(profile)
    body = {"host": "CMP-1", "binary": "nova-compute"}
    resp = env.request("PUT", "/v2.1/os-services/disable", body, user="admin", microversion="2.1")
    assert (resp.status, resp.json()["service"]["host"]) == (200, "CMP-1")
    listed = env.request("GET", "/v2.1/os-services?host=cmp-1", user="admin", microversion="2.1")
    assert [s["status"] for s in listed.json()["services"]] == ["disabled"]
    body["host"] = "CMP-9"
    missing = env.request("PUT", "/v2.1/os-services/disable", body, user="admin")
    assert missing.status == 404


@pytest.mark.parametrize("profile", ["nova-20.6.0", "upstream"])
def test_a_requested_host_2_74_is_the_one_the_database_finds(profile):
    """``_validate_host_or_node``'s ``HostMapping.get_by_host`` finds it; the scheduler's
    look-up then names the destination as the compute node has it (``destination.host =
    nodes[0].host``), so the host filter's exact compare keeps it (fakecloud: 400 'Compute host
    CMP-2 could not be found.')."""
    env = NovaEnv(profile)
    assert _boot(env, mv="2.74", user="admin", host="CMP-2") == ("ACTIVE", "cmp-2", "nova", None)


def test_unshelve_and_migrate_onto_a_host_named_in_another_case():
    """2.91's unshelve ``host`` and 2.56's migrate ``host``
    (``get_first_node_by_host_for_old_compat``: the migration's destination is the node
    found). The migrate's same-host check compares in Python: ``CMP-1`` for a server on
    ``cmp-1`` passes it, and the scheduler then ignores the source host, so no host is valid
    and the server stays where it is."""
    env = NovaEnv("upstream", {"nova": {"compute_hosts": 3}})
    sid = _offloaded(env)
    assert _unshelve(env, sid, {"host": "CMP-2"}, "2.91", "admin") == ("ACTIVE", "cmp-2", None)
    sid = env.boot(bfv=True)
    assert env.server(sid)["OS-EXT-SRV-ATTR:host"] == "cmp-1"
    for host, status, where in (("CMP-1", "ACTIVE", "cmp-1"), ("CMP-3", "VERIFY_RESIZE", "cmp-3")):
        migrate = {"migrate": {"host": host}}
        assert env.action(sid, migrate, user="admin", microversion="2.56").status == 202
        env.cloud.run_until_idle()
        server = env.server(sid)
        assert (server["status"], server["OS-EXT-SRV-ATTR:host"]) == (status, where)
    # migration_get_all_by_filters: source_compute/dest_compute = host, status = ... (SQL)
    found = env.request("GET", "/v2.1/os-migrations?host=CMP-3&status=FINISHED", user="admin")
    assert [m["dest_compute"] for m in found.json()["migrations"]] == ["cmp-3"]
    # add_host_to_aggregate refuses a service found only case-insensitively (every release)
    made = env.request("POST", "/v2.1/os-aggregates", {"aggregate": {"name": "a"}}, user="admin")
    path = f"/v2.1/os-aggregates/{made.json()['aggregate']['id']}/action"
    added = env.request("POST", path, {"add_host": {"host": "CMP-1"}}, user="admin")
    assert added.status == 404


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_removing_a_host_named_in_another_case_from_an_aggregate(profile):
    """``remove_host_from_aggregate`` finds the host (``HostMapping.get_by_host`` and
    ``Service.get_by_compute_host`` in 17.0.13, ``_get_service_in_cell_by_host`` in 34.0.0) and
    ``_host_delete_from_db`` deletes its row (``filter_by(host=host)``), then
    ``Aggregate.delete_host``'s ``self.hosts.remove(host)`` raises ValueError: a 500, the host
    out of the aggregate all the same."""
    env = NovaEnv(profile)
    made = env.request("POST", "/v2.1/os-aggregates", {"aggregate": {"name": "a"}}, user="admin")
    aid = made.json()["aggregate"]["id"]
    path = f"/v2.1/os-aggregates/{aid}/action"
    assert env.request("POST", path, {"add_host": {"host": "cmp-1"}}, user="admin").status == 200
    removed = env.request("POST", path, {"remove_host": {"host": "CMP-1"}}, user="admin")
    assert removed.status == 500
    assert removed.json()["computeFault"]["message"] == unexpected_500(profile, "ValueError")
    shown = env.request("GET", f"/v2.1/os-aggregates/{aid}", user="admin")
    assert shown.json()["aggregate"]["hosts"] == []
    again = env.request("POST", path, {"remove_host": {"host": "CMP-1"}}, user="admin")
    assert (again.status, again.json()["itemNotFound"]["message"]) == (
        404,
        f"Cannot remove host CMP-1 in aggregate {aid}",
    )


def test_server_list_filters_ignore_case():
    """``instance_get_all_by_filters_sort``'s ``_exact_instance_filter`` (SQL ``=``/``IN``) and
    ``_regex_instance_filter`` (MySQL ``REGEXP``, which follows the column's collation) ignore
    case on MySQL (nova 17.0.13 and 34.0.0 alike)."""
    env = NovaEnv("upstream")
    web = _boot_named(env, "web-1", "nova:cmp-1")
    db = _boot_named(env, "db-1", "nova:cmp-2")

    def listed(query):
        resp = env.request("GET", f"/v2.1/servers?{query}", user="admin")
        return [s["id"] for s in resp.json()["servers"]]

    assert listed("host=CMP-1") == listed("host=cmp-1") == [web]
    assert listed("name=WEB") == listed("name=^web") == [web]
    assert listed(f"uuid={web.upper()}") == [web]
    # ORDER BY display_name follows the collation too: db-1, web-1, WEB-2 (Python's order
    # puts 'WEB-2' first)
    upper = _boot_named(env, "WEB-2", "nova:cmp-2")
    assert listed("sort_key=display_name&sort_dir=asc") == [db, web, upper]


def _boot_named(env, name, zone):
    server = {
        "name": name,
        "flavorRef": "1",
        "imageRef": env.image.id,
        "networks": "none",
        "availability_zone": zone,
    }
    resp = env.request(
        "POST", "/v2.1/servers", {"server": server}, user="admin", microversion="2.45"
    )
    env.cloud.run_until_idle()
    return resp.json()["server"]["id"]
