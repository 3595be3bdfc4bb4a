"""A server's database ``id`` is its cell's: the conductor creates a scheduled server in the
cell and one the scheduler found no host for in cell0, each database numbering its own, and a
server deleted while a build request is created nowhere (nova 17.0.13-34.0.0
conductor/manager.py ``schedule_and_build_instances``, ``_bury_in_cell0``). An admin's ``/v2``
filter on ``id`` shows the numbers; the list's order is ``created_at`` (MySQL's whole second),
then ``uuid`` ascending (compute/instance_list.py ``InstanceSortContext``, in every cell's
query and the merge), the ``id`` only after it."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv


def _world(profile: str) -> tuple[NovaEnv, dict[str, str]]:
    """Three members of an anti-affinity group booted in one second on two hosts (the third
    finds no host: cell0), a fourth server deleted before it is scheduled, a fifth."""
    env = NovaEnv(profile)
    group = {"server_group": {"name": "g", "policies": ["anti-affinity"]}}
    gid = env.request("POST", "/v2.1/os-server-groups", group).json()["server_group"]["id"]
    ids = {}
    for name in ("one", "two", "buried"):
        server = {"name": name, "flavorRef": "1", "imageRef": env.image.id, "networks": "none"}
        body = {"server": server, "os:scheduler_hints": {"group": gid}}
        resp = env.request("POST", "/v2.1/servers", body, microversion="2.37")
        ids[name] = resp.json()["server"]["id"]
    env.cloud.run_until_idle()
    assert env.server(ids["buried"])["status"] == "ERROR"  # no host left: buried in cell0
    ids["early"] = env.boot("early", wait=False)
    assert env.request("DELETE", f"/v2.1/servers/{ids['early']}").status == 204
    ids["later"] = env.boot("later")
    return env, ids


def _names(env: NovaEnv, query: str) -> list[str]:
    resp = env.request("GET", "/v2/servers?all_tenants=1&" + query, user="admin")
    assert resp.status == 200, resp.json()
    return [s["name"] for s in resp.json()["servers"]]


@pytest.mark.parametrize("profile", ["nova-17.0.13", "upstream"])
def test_each_cell_numbers_its_own_servers(profile):
    env, ids = _world(profile)
    assert sorted(_names(env, "id=^1$")) == ["buried", "one"]  # the cell's 1, cell0's 1
    assert _names(env, "id=^2$") == ["two"]
    assert _names(env, "id=^3$") == ["later"]  # the server deleted early took no id
    assert _names(env, "id=^4$") == []
    # newest first: ``later``, then the group's three of one second by uuid ascending, either
    # way (``InstanceSortContext``: created_at, uuid asc; the database's id after it)
    tied = sorted(["one", "two", "buried"], key=lambda name: ids[name])
    assert _names(env, "") == ["later", *tied]
    assert _names(env, "sort_key=created_at&sort_dir=asc") == [*tied, "later"]


def test_a_world_saved_and_loaded_keeps_its_cells_numbers():
    env, _ids = _world("upstream")
    twin = env.cloud.fork()
    resp = twin.request("compute", "GET", "/v2/servers?all_tenants=1&id=^1$", user="admin")
    assert sorted(s["name"] for s in resp.json()["servers"]) == ["buried", "one"]


@pytest.mark.parametrize("profile", ["nova-17.0.13", "upstream"])
def test_an_instance_name_is_its_cells_id_and_none_before_the_conductor(profile):
    """``Instance.name`` (nova 17.0.13-34.0.0 objects/instance.py): ``instance-%08x`` of the
    database id, its cell's; "" while the server is a build request (no id yet)."""
    env, ids = _world(profile)

    def name(sid: str) -> str:
        return env.server(sid, microversion="2.3")["OS-EXT-SRV-ATTR:instance_name"]

    assert [name(ids[n]) for n in ("one", "two", "buried", "later")] == [
        "instance-00000001",
        "instance-00000002",
        "instance-00000001",  # cell0's first
        "instance-00000003",
    ]
    waiting = env.boot("waiting", wait=False)
    assert name(waiting) == ""  # a build request: no cell has created it
    env.cloud.run_until_idle()
    assert name(waiting) == "instance-00000004"


@pytest.mark.parametrize("profile", ["nova-17.0.13", "upstream"])
def test_servers_of_one_second_list_by_uuid_without_cell0(profile):
    """``InstanceSortContext`` adds ``uuid`` ascending after the keys asked in every release's
    list, one cell or many (nova 17.0.13 compute/instance_list.py l.29-38, 34.0.0 l.33-42):
    servers made in one stored second, and servers tied on a key asked, follow their uuids,
    not their ids."""
    env = NovaEnv(profile)
    ids = {name: env.boot(name, wait=False) for name in ("a", "b", "c")}
    env.cloud.run_until_idle()
    by_uuid = sorted(ids, key=lambda name: ids[name])
    assert _names(env, "") == by_uuid
    assert _names(env, "sort_key=created_at&sort_dir=asc") == by_uuid
    assert _names(env, "sort_key=vm_state&sort_dir=desc") == by_uuid  # all active: a tie


@pytest.mark.parametrize("profile", ["nova-17.0.13", "upstream"])
def test_a_build_request_lists_before_the_cells_servers(profile):
    """``get_all`` lists the build requests first, then the cells' instances (nova 17.0.13 and
    34.0.0 compute/api.py: "[sorted instances with no host] + [sorted instances with host]"),
    whatever the order asked; once the conductor places it, the server sorts with the rest."""
    env = NovaEnv(profile)
    env.boot("placed")
    waiting = env.boot("waiting", wait=False)
    assert env.server(waiting)["OS-EXT-STS:task_state"] == "scheduling"
    assert _names(env, "sort_key=created_at&sort_dir=asc") == ["waiting", "placed"]
    assert _names(env, "sort_key=display_name&sort_dir=asc") == ["waiting", "placed"]
    env.cloud.run_until_idle()
    assert _names(env, "sort_key=created_at&sort_dir=asc") == ["placed", "waiting"]
