"""``/os-server-groups`` as ``nova/api/openstack/compute/server_groups.py`` of 17.0.13 and
34.0.0 serves it, and the ``group`` scheduler hint: ``compute/api.py``'s
``_get_requested_instance_group`` and ``server_group_members`` check, the scheduler's
``ServerGroupAffinityFilter``/``ServerGroupAntiAffinityFilter`` (``max_server_per_host`` from
2.64) and the 2.15 soft weighers. One small world per profile for the whole module."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

URL = "/v2.1/os-server-groups"
ALT = {
    "identity": {
        "projects": {"other": {"description": "another project"}},
        "users": {"alt": {"password": "alt-secret", "project": "other", "roles": ["member"]}},
    },
    "nova": {"compute_hosts": 3},
}


@pytest.fixture(scope="module", params=["seed", "upstream"])
def env(request):
    return NovaEnv(request.param, config=ALT)


def serves(env, mv):
    """Whether the profile's top microversion reaches `mv`."""
    return tuple(map(int, env.top.split("."))) >= tuple(map(int, mv.split(".")))


def call(env, method, path, body=None, user="demo", mv="2.1"):
    resp = env.request(method, path, body, user=user, microversion=mv)
    return resp.status, (resp.json() if resp.body else None)


def make(env, name, policy, mv="2.1", user="demo", **more):
    if mv >= "2.64":
        group = {"name": name, "policy": policy, **more}
    else:
        group = {"name": name, "policies": [policy]}
    status, body = call(env, "POST", URL, {"server_group": group}, user=user, mv=mv)
    assert status == 200, body
    return body["server_group"]


def boot(env, group_id, name="vm", user="demo", count=1):
    server = {"name": name, "flavorRef": "1", "imageRef": env.image.id, "networks": "none"}
    if count > 1:
        server["min_count"] = server["max_count"] = count
    body = {"server": server, "os:scheduler_hints": {"group": group_id}}
    resp = env.request("POST", "/v2.1/servers", body, user=user, microversion="2.45")
    return resp.status, resp.json()


def booted(env, group_id, count=1, **kw):
    status, body = boot(env, group_id, count=count, **kw)
    assert status == 202, body
    env.cloud.run_until_idle()
    return body["server"]["id"]


def host_of(env, sid):
    return env.server(sid).get("OS-EXT-SRV-ATTR:host")


def test_views_per_microversion_and_list_paging(env):
    old = make(env, "old", "affinity")
    assert list(old) == ["id", "name", "policies", "metadata", "members"]
    assert (old["policies"], old["metadata"], old["members"]) == (["affinity"], {}, [])
    status, shown = call(env, "GET", f"{URL}/{old['id']}", mv="2.13")
    assert status == 200
    assert list(shown["server_group"])[-2:] == ["project_id", "user_id"]
    second = make(env, "soft", "soft-anti-affinity", mv="2.15")
    assert second["policies"] == ["soft-anti-affinity"]
    # 2.1-2.14 knows only the two hard policies
    status, body = call(
        env, "POST", URL, {"server_group": {"name": "x", "policies": ["soft-affinity"]}}
    )
    assert status == 400
    status, body = call(env, "GET", f"{URL}?limit=1&offset=1")
    assert [g["name"] for g in body["server_groups"]] == ["soft"]
    status, body = call(env, "GET", URL, user="alt")
    assert (status, body) == (200, {"server_groups": []})
    if serves(env, "2.64"):
        status, shown = call(env, "GET", f"{URL}/{old['id']}", mv="2.64")
        assert (shown["server_group"]["policy"], shown["server_group"]["rules"]) == (
            "affinity",
            {},
        )
        assert "policies" not in shown["server_group"]
        status, body = call(
            env,
            "POST",
            URL,
            {
                "server_group": {
                    "name": "r",
                    "policy": "affinity",
                    "rules": {"max_server_per_host": 2},
                }
            },
            mv="2.64",
        )
        assert (status, body["badRequest"]["message"]) == (
            400,
            "Only anti-affinity policy supports rules.",
        )
        # 2.75 refuses unknown list parameters
        assert call(env, "GET", f"{URL}?foo=1", mv="2.75")[0] == 400
    for group in (old, second):
        assert call(env, "DELETE", f"{URL}/{group['id']}")[0] == 204
    status, body = call(env, "GET", f"{URL}/{old['id']}")
    assert (status, body["itemNotFound"]["message"]) == (
        404,
        f"Instance group {old['id']} could not be found.",
    )


def test_all_projects_and_other_projects_groups(env):
    mine = make(env, "mine", "anti-affinity")
    # a member's all_projects is ignored (is_admin), an admin's lists every project's
    assert call(env, "GET", f"{URL}?all_projects=1")[1]["server_groups"][0]["id"] == mine["id"]
    assert call(env, "GET", URL, user="admin")[1] == {"server_groups": []}
    listed = call(env, "GET", f"{URL}?all_projects=1", user="admin")[1]["server_groups"]
    assert [g["id"] for g in listed] == [mine["id"]]
    # another project's group is not found by a caller who is not an admin: the look-up
    # filters on the caller's project (nova 17.0.13-34.0.0 objects/instance_group.py
    # _instance_group_get_query), before and after 21.0.0's policy targets
    missing = f"Instance group {mine['id']} could not be found."
    for method in ("GET", "DELETE"):
        status, body = call(env, method, f"{URL}/{mine['id']}", user="alt")
        assert (status, body["itemNotFound"]["message"]) == (404, missing)
    boot = {"name": "x", "flavorRef": "1", "imageRef": env.image.id, "networks": "none"}
    body = {"server": boot, "os:scheduler_hints": {"group": mine["id"]}}
    status, body = call(env, "POST", "/v2.1/servers", body, user="alt", mv="2.37")
    assert (status, body["badRequest"]["message"]) == (400, missing)
    assert call(env, "GET", f"{URL}/{mine['id']}", user="admin")[0] == 200
    assert call(env, "DELETE", f"{URL}/{mine['id']}")[0] == 204


def test_anti_affinity_spreads_then_finds_no_host_and_deleted_members_leave(env):
    group = make(env, "spread", "anti-affinity")
    sids = [booted(env, group["id"], name=f"a{i}") for i in range(3)]
    assert sorted(host_of(env, s) for s in sids) == ["cmp-1", "cmp-2", "cmp-3"]
    # every enabled host holds a member: the next one finds no valid host
    fourth = booted(env, group["id"], name="a3")
    server = env.server(fourth)
    assert (server["status"], server["fault"]["message"]) == (
        "ERROR",
        "No valid host was found. There are not enough hosts available.",
    )
    if serves(env, "2.71"):
        assert env.server(sids[0], microversion="2.71")["server_groups"] == [group["id"]]
    # a deleted server leaves the group's members; its host takes the next member
    freed = host_of(env, sids[1])
    assert env.request("DELETE", f"/v2.1/servers/{sids[1]}").status == 204
    env.cloud.run_until_idle()
    # ``_get_not_deleted``: the cell's members newest first (``created_at``, ``id``
    # descending), then cell0's, where the one no host was found for was created
    members = call(env, "GET", f"{URL}/{group['id']}")[1]["server_group"]["members"]
    assert members == [sids[2], sids[0], fourth]
    listed = call(env, "GET", URL)[1]["server_groups"]
    assert [g["members"] for g in listed if g["id"] == group["id"]] == [members]
    fifth = booted(env, group["id"], name="a4")
    assert host_of(env, fifth) == freed
    # deleting a group with members is allowed; the servers stay
    assert call(env, "DELETE", f"{URL}/{group['id']}")[0] == 204
    assert env.server(sids[0])["status"] == "ACTIVE"
    for sid in (sids[0], sids[2], fourth, fifth):
        env.request("DELETE", f"/v2.1/servers/{sid}")
    env.cloud.run_until_idle()


def test_affinity_follows_the_first_member_and_the_member_quota(env):
    group = make(env, "together", "affinity")
    first = booted(env, group["id"], name="b0")
    pair = booted(env, group["id"], name="b1", count=2)
    members = call(env, "GET", f"{URL}/{group['id']}", mv="2.13")[1]["server_group"]
    # newest first: the pair's second, the pair's first, then the first member
    assert len(members["members"]) == 3 and members["members"][1:] == [pair, first]
    assert {host_of(env, s) for s in members["members"]} == {host_of(env, first)}
    # three live members of the user; a quota of 4 takes one more, not two
    project = members["project_id"]
    quota = {"quota_set": {"server_group_members": 4}}
    assert call(env, "PUT", f"/v2.1/os-quota-sets/{project}", quota, user="admin")[0] == 200
    status, body = boot(env, group["id"], count=2)
    assert (status, body["forbidden"]["message"]) == (
        403,
        "Quota exceeded, too many servers in group",
    )
    status, body = boot(env, "00000000-0000-0000-0000-000000000000")
    assert (status, body["badRequest"]["message"]) == (
        400,
        "Instance group 00000000-0000-0000-0000-000000000000 could not be found.",
    )
    # the project's server_groups quota: one in use (/limits and the quota detail count it;
    # a limit under it is refused), one allowed
    absolute = call(env, "GET", "/v2.1/limits")[1]["limits"]["absolute"]
    assert absolute["totalServerGroupsUsed"] == 1
    detail = call(env, "GET", f"/v2.1/os-quota-sets/{project}/detail", user="admin")[1]
    assert detail["quota_set"]["server_groups"]["in_use"] == 1
    status, body = call(
        env,
        "PUT",
        f"/v2.1/os-quota-sets/{project}",
        {"quota_set": {"server_groups": 0}},
        user="admin",
    )
    assert (status, body["badRequest"]["message"]) == (
        400,
        "Quota limit 0 for server_groups must be greater than or equal to already used and "
        "reserved 1.",
    )
    quota = {"quota_set": {"server_groups": 1, "server_group_members": -1}}
    assert call(env, "PUT", f"/v2.1/os-quota-sets/{project}", quota, user="admin")[0] == 200
    status, body = call(env, "POST", URL, {"server_group": {"name": "n", "policies": ["affinity"]}})
    assert (status, body["forbidden"]["message"]) == (
        403,
        "Quota exceeded, too many server groups.",
    )
    assert call(env, "DELETE", f"/v2.1/os-quota-sets/{project}", user="admin")[0] == 202
    assert len(call(env, "GET", f"{URL}/{group['id']}")[1]["server_group"]["members"]) == 3
    for sid in members["members"]:
        env.request("DELETE", f"/v2.1/servers/{sid}")
    assert call(env, "DELETE", f"{URL}/{group['id']}")[0] == 204
    env.cloud.run_until_idle()


def test_soft_policies_and_max_server_per_host(env):
    soft = make(env, "soft-together", "soft-affinity", mv="2.15")
    first = booted(env, soft["id"], name="c0")
    second = booted(env, soft["id"], name="c1")
    # the soft weigher outweighs the load: the second joins the first
    assert host_of(env, second) == host_of(env, first)
    apart = make(env, "soft-apart", "soft-anti-affinity", mv="2.15")
    spread = [booted(env, apart["id"], name=f"d{i}") for i in range(4)]
    hosts = [host_of(env, s) for s in spread]
    # four members on three hosts: nothing fails, the fourth doubles up
    assert len(set(hosts[:3])) == 3 and hosts[3] in hosts[:3]
    for sid in (first, second, *spread):
        env.request("DELETE", f"/v2.1/servers/{sid}")
    env.cloud.run_until_idle()
    cleanup = []
    if serves(env, "2.64"):
        two = make(env, "two", "anti-affinity", mv="2.64", rules={"max_server_per_host": "2"})
        assert two["rules"] == {"max_server_per_host": 2}
        sids = [booted(env, two["id"], name=f"e{i}") for i in range(7)]
        hosts = [host_of(env, s) for s in sids]
        assert sorted(h for h in hosts if h) == sorted(["cmp-1", "cmp-2", "cmp-3"] * 2)
        assert env.server(sids[6])["status"] == "ERROR"
        cleanup += sids
    for sid in cleanup:
        env.request("DELETE", f"/v2.1/servers/{sid}")
    env.cloud.run_until_idle()


@pytest.mark.parametrize(
    ("profile", "status"),
    [("seed", 200), ("nova-20.4.0", 500), ("nova-20.5.0", 400), ("nova-21.1.0", 500)],
)
def test_an_empty_policies_list_per_release(profile, status):
    """17.0.x stores ``[]`` (a group without a policy, which a boot schedules as any other);
    18.0.0-20.4.0 and 21.0.0-21.1.0 read ``policies[0]`` of it (IndexError: 500); 20.5.0,
    21.2.0 and 22.0.0 on refuse it in the schema (``minItems`` 1)."""
    env = NovaEnv(profile)
    got, body = call(env, "POST", URL, {"server_group": {"name": "e", "policies": []}})
    assert got == status
    if status == 200:
        assert (body["server_group"]["policies"], body["server_group"]["members"]) == ([], [])
        assert boot(env, body["server_group"]["id"])[0] == 202
        env.cloud.run_until_idle()
    elif status == 500:
        assert body["computeFault"]["message"].endswith("<class 'IndexError'>")
    else:
        assert "policies" in body["badRequest"]["message"]


def test_notifications_of_create_add_member_and_delete(env):
    """``InstanceGroup.create/add_members/destroy`` (17.0.13-34.0.0): legacy
    ``servergroup.*`` from ``servergroup.<api host>``; versioned ``server_group.*`` from
    nova-api where they are on (Queens' default ``both``; 34.0.0's ``unversioned``), payload 1.0
    in 17.0.x (no ``add_member``), 1.1 (``policy``, ``rules`` as strings) from 18.0.0."""
    mv = "2.64" if serves(env, "2.64") else "2.1"
    group = make(env, "noisy", "anti-affinity", mv=mv, rules={"max_server_per_host": 2})
    sid = booted(env, group["id"], name="n0")
    assert call(env, "DELETE", f"{URL}/{group['id']}")[0] == 204
    sent = [
        e
        for e in env.kernel.trace.filter(kind="notification")
        if e["event_type"].startswith(("servergroup.", "server_group."))
        and group["id"] in (e.get("server_group_id"), e.get("uuid"))
    ]
    legacy = [e for e in sent if e["format"] == "unversioned"]
    assert [(e["event_type"], e["actor"]) for e in legacy] == [
        ("servergroup.create", "servergroup.nova-api-1"),
        ("servergroup.addmember", "servergroup.nova-api-1"),
        ("servergroup.delete", "servergroup.nova-api-1"),
    ]
    created = legacy[0]
    assert (created["name"], created["server_group_id"]) == ("noisy", group["id"])
    assert legacy[1]["instance_uuids"] == [sid]
    versioned = [e for e in sent if e["format"] == "versioned"]
    if env.nova.notifier.versioned:  # the seed (17.0.13): both
        assert [e["event_type"] for e in versioned] == [
            "server_group.create",
            "server_group.delete",
        ]
        assert created["policies"] == ["anti-affinity"]
        assert (versioned[0]["payload_version"], versioned[0]["members"]) == ("1.0", [])
        assert versioned[1]["members"] == [sid]
    else:
        assert versioned == []
        assert (created["policy"], created["_rules"]) == (
            "anti-affinity",
            {"max_server_per_host": "2"},
        )
    env.request("DELETE", f"/v2.1/servers/{sid}")
    env.cloud.run_until_idle()


def test_versioned_add_member_from_18():
    env = NovaEnv("nova-20.6.0", config={"nova": {"notification_format": "versioned"}})
    group = make(env, "v", "affinity")
    sid = booted(env, group["id"])
    sent = env.kernel.trace.filter(kind="notification", event_type="server_group.add_member")
    assert [(e["payload_version"], e["members"], e["policy"], e["rules"]) for e in sent] == [
        ("1.1", [sid], "affinity", {})
    ]


def test_an_offloaded_members_unshelve_keeps_to_its_group():
    """``unshelve_instance`` schedules with the request spec's group: an affinity member,
    offloaded, comes back to its group's host though another host is less loaded."""
    env = NovaEnv("upstream", config={"nova": {"shelved_offload_time_s": 0}})
    group = make(env, "pinned", "affinity")
    first, second = (booted(env, group["id"], name=n) for n in ("f0", "f1"))
    home = host_of(env, first)
    assert host_of(env, second) == home
    assert env.action(second, {"shelve": None}).status == 202
    env.cloud.run_until_idle()
    assert env.server(second)["status"] == "SHELVED_OFFLOADED"
    assert env.action(second, {"unshelve": None}).status == 202
    env.cloud.run_until_idle()
    assert (env.server(second)["status"], host_of(env, second)) == ("ACTIVE", home)


def test_a_request_that_does_not_fit_an_anti_affinity_group_fails_whole():
    """Nova's scheduler places a request's servers together (``select_destinations`` with
    ``num_instances``): three anti-affinity members on two hosts all end in ERROR, none
    placed; two fit, one on each host."""
    env = NovaEnv("upstream")
    group = make(env, "apart", "anti-affinity")
    booted(env, group["id"], name="three", count=3)
    members = call(env, "GET", f"{URL}/{group['id']}")[1]["server_group"]["members"]
    shown = [env.server(s) for s in members]
    assert [(s["status"], s["fault"]["message"]) for s in shown] == [
        ("ERROR", "No valid host was found. There are not enough hosts available.")
    ] * 3
    other = make(env, "apart-2", "anti-affinity")
    booted(env, other["id"], name="two", count=2)
    members = call(env, "GET", f"{URL}/{other['id']}")[1]["server_group"]["members"]
    assert sorted(host_of(env, s) for s in members) == ["cmp-1", "cmp-2"]


@pytest.mark.parametrize(("profile", "status"), [("seed", 403), ("nova-19.3.2", 200)])
def test_queens_base_rule_decides_the_rules_not_overridden(profile, status):
    """17.x-18.x: ``os_compute_api:os-server-groups:*`` default to the base rule, so an
    operator's ``os_compute_api:os-server-groups: rule:admin_api`` makes the list the admin's;
    19.0.0 dropped the base rule (each defaults to admin_or_owner): the override does nothing.
    A rule overridden itself wins over the base."""
    policy = {"os_compute_api:os-server-groups": "rule:admin_api"}
    env = NovaEnv(profile, config={"nova": {"policy": policy}})
    assert call(env, "GET", URL)[0] == status
    assert call(env, "GET", URL, user="admin")[0] == 200
    policy["os_compute_api:os-server-groups:index"] = "@"
    env = NovaEnv(profile, config={"nova": {"policy": policy}})
    assert call(env, "GET", URL)[0] == 200


@pytest.mark.parametrize(("profile", "lists"), [("seed", False), ("upstream", True)])
def test_the_group_hint_is_a_uuid(profile, lists):
    """``_hints``' ``group``: a uuid string (17.0.13-32.x), or a list of them too (33.0.0)."""
    env = NovaEnv(profile)
    status, body = boot(env, "g1")
    assert status == 400
    assert body["badRequest"]["message"].startswith(
        "Invalid input for field/attribute group. Value: g1. 'g1' is not "
    )
    group = make(env, "listed", "affinity")
    status, body = boot(env, [group["id"]])
    assert status == (202 if lists else 400)
    if lists:  # the list's group is the one booted into
        env.cloud.run_until_idle()
        members = call(env, "GET", f"{URL}/{group['id']}")[1]["server_group"]["members"]
        assert members == [body["server"]["id"]]


def test_a_saved_and_loaded_cloud_keeps_its_groups(tmp_path):
    """The groups and their members are part of the saved state: a loaded cloud's next
    anti-affinity member still avoids the hosts of those before."""
    from fakecloud import Cloud

    env = NovaEnv("upstream")
    group = make(env, "kept", "anti-affinity")
    first = booted(env, group["id"])
    env.cloud.save(tmp_path / "cloud.json")
    loaded = Cloud.load(tmp_path / "cloud.json")
    server = {"name": "next", "flavorRef": "1", "imageRef": env.image.id, "networks": "none"}
    body = {"server": server, "os:scheduler_hints": {"group": group["id"]}}
    created = loaded.request("compute", "POST", "/v2.1/servers", body=body, microversion="2.45")
    sid = created.json()["server"]["id"]
    loaded.run_until_idle()
    hosts = {
        s: loaded.request("compute", "GET", f"/v2.1/servers/{s}", user="admin").json()["server"][
            "OS-EXT-SRV-ATTR:host"
        ]
        for s in (first, sid)
    }
    assert sorted(hosts.values()) == ["cmp-1", "cmp-2"]
    shown = loaded.request("compute", "GET", f"{URL}/{group['id']}").json()["server_group"]
    assert shown["members"] == [sid, first]
