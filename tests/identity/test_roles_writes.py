"""Keystone's role writes: updates, domain-specific roles, and groups' system grants."""

from fakecloud import Cloud
from fakecloud.identity import role_records


def admin(cloud, method, path, body=None):
    return cloud.request("identity", method, path, body, user="admin")


def role_id(cloud, name):
    return cloud.keystone.directory.role_by_name(name).id


def test_a_renamed_role_keeps_its_rules_and_a_bootstrap_role_is_immutable(cloud):
    made = admin(cloud, "POST", "/v3/roles", {"role": {"name": "auditor"}}).json()["role"]
    assert admin(cloud, "PUT", f"/v3/roles/{made['id']}/implies/{role_id(cloud, 'reader')}")
    renamed = admin(cloud, "PATCH", f"/v3/roles/{made['id']}", {"role": {"name": "checker"}})
    assert (renamed.status, renamed.json()["role"]["name"]) == (200, "checker")
    # the options are the role registry's (a nullable boolean, its type told first: 30.0.0)
    bad = admin(
        cloud, "PATCH", f"/v3/roles/{made['id']}", {"role": {"options": {"immutable": "x"}}}
    )
    assert bad.json()["error"]["message"].endswith("'x' is not of type 'boolean', 'null'")
    rules = admin(cloud, "GET", f"/v3/roles/{made['id']}/implies").json()["role_inference"]
    assert [r["name"] for r in rules["implies"]] == ["reader"]
    member = role_id(cloud, "member")
    refused = admin(cloud, "PATCH", f"/v3/roles/{member}", {"role": {"name": "crew"}})
    assert (refused.status, refused.json()["error"]["message"]) == (
        403,
        f'Unable to update immutable role resource: `{member}. Set resource option "immutable" '
        "to false first.",
    )


def test_what_a_role_shows_and_whether_it_is_immutable_follow_the_release():
    built = type("Role", (), {"id": "r", "name": "member"})
    shown = {n: role_records.view(n, built, {}, "") for n in (14, 15, 16, 17)}
    assert [sorted(v) for v in shown.values()] == [
        ["domain_id", "id", "links", "name"],
        ["description", "domain_id", "id", "links", "name"],
        *[["description", "domain_id", "id", "links", "name", "options"]] * 2,
    ]
    assert [role_records.immutable(n, "member", {}) for n in (14, 16, 17)] == [False, False, True]


def test_only_the_releases_bootstrap_roles_are_built_immutable():
    # 23.0.0's bootstrap makes admin, member and reader; manager and service as Tempest's
    # served config adds them, and a configured role, are an operator's: no options
    extra = {"manager": ["member"], "service": [], "operator": []}
    cloud = Cloud(profile="nova-27.5.1", config={"identity": {"roles": extra}})
    roles = admin(cloud, "GET", "/v3/roles").json()["roles"]
    immutable = {"immutable": True}
    assert {r["name"]: r["options"] for r in roles} == {
        **dict.fromkeys(("admin", "member", "reader"), immutable),
        **dict.fromkeys(extra, {}),
    }
    changed = {"role": {"description": "d"}}
    changed = admin(cloud, "PATCH", f"/v3/roles/{role_id(cloud, 'service')}", changed)
    assert (changed.status, changed.json()["role"]["options"]) == (200, {})
    assert admin(cloud, "DELETE", f"/v3/roles/{role_id(cloud, 'manager')}").status == 204
    assert admin(cloud, "DELETE", f"/v3/roles/{role_id(cloud, 'admin')}").status == 403


def test_a_domain_role_is_granted_in_its_domain_and_only_brings_what_it_implies(cloud):
    domain = admin(cloud, "POST", "/v3/domains", {"domain": {"name": "d1"}}).json()["domain"]
    body = {"role": {"name": "ops", "domain_id": domain["id"]}}
    role = admin(cloud, "POST", "/v3/roles", body).json()["role"]
    assert role["domain_id"] == domain["id"]
    assert admin(cloud, "GET", f"/v3/roles?domain_id={domain['id']}").json()["roles"] == [role]
    assert "ops" not in [r["name"] for r in admin(cloud, "GET", "/v3/roles").json()["roles"]]
    reader = role_id(cloud, "reader")
    assert admin(cloud, "PUT", f"/v3/roles/{reader}/implies/{role['id']}").status == 403
    assert admin(cloud, "PUT", f"/v3/roles/{role['id']}/implies/{reader}").status == 201
    demo = cloud.keystone.directory.project_by_name("demo").id
    user = cloud.keystone.directory.user_by_name("demo").id
    assert admin(cloud, "PUT", f"/v3/projects/{demo}/users/{user}/roles/{role['id']}").status == 403
    assert admin(cloud, "PUT", f"/v3/system/users/{user}/roles/{role['id']}").status == 400
    project = {"project": {"name": "p", "domain_id": domain["id"]}}
    project_id = admin(cloud, "POST", "/v3/projects", project).json()["project"]["id"]
    grant = f"/v3/projects/{project_id}/users/{user}/roles/{role['id']}"
    assert admin(cloud, "PUT", grant).status == 204
    found = admin(cloud, "GET", f"/v3/role_assignments?effective&scope.project.id={project_id}")
    assert [a["role"]["id"] for a in found.json()["role_assignments"]] == [reader]
    named = admin(cloud, "GET", f"/v3/role_assignments?include_names&user.id={user}")
    assert [a["role"].get("domain") for a in named.json()["role_assignments"]][-1] == {
        "id": domain["id"],
        "name": "d1",
    }


def test_a_groups_system_grant_is_listed_and_in_its_members_system_tokens(cloud):
    group = admin(cloud, "POST", "/v3/groups", {"group": {"name": "auditors"}}).json()["group"]
    user = cloud.keystone.directory.user_by_name("demo").id
    admin(cloud, "PUT", f"/v3/groups/{group['id']}/users/{user}")
    one = f"/v3/system/groups/{group['id']}/roles/{role_id(cloud, 'reader')}"
    assert [admin(cloud, m, one).status for m in ("HEAD", "PUT", "HEAD")] == [404, 204, 204]
    listed = admin(cloud, "GET", f"/v3/role_assignments?scope.system=all&group.id={group['id']}")
    assert [a["links"]["assignment"] for a in listed.json()["role_assignments"]] == [
        "http://identity.fakecloud.test" + one
    ]
    auth = {
        "identity": {
            "methods": ["password"],
            "password": {"user": {"id": user, "password": "demo-secret"}},
        },
        "scope": {"system": {"all": True}},
    }
    token = cloud.request("identity", "POST", "/v3/auth/tokens", {"auth": auth}, user=None)
    assert [r["name"] for r in token.json()["token"]["roles"]] == ["reader"]


def test_a_domain_manager_reads_the_roles_it_may_grant_from_keystone_26(cloud):
    user = admin(cloud, "POST", "/v3/users", {"user": {"name": "mgr", "password": "pw"}})
    user_id = user.json()["user"]["id"]
    admin(cloud, "PUT", f"/v3/domains/default/users/{user_id}/roles/{role_id(cloud, 'manager')}")
    password = {"user": {"id": user_id, "password": "pw"}}
    auth = {"identity": {"methods": ["password"], "password": password}}
    auth["scope"] = {"domain": {"id": "default"}}
    token = cloud.request("identity", "POST", "/v3/auth/tokens", {"auth": auth}, user=None)
    headers = {"X-Auth-Token": token.headers["X-Subject-Token"]}

    def status(path):
        return cloud.request("identity", "GET", path, user=None, headers=headers).status

    reads = ("/v3/roles", f"/v3/roles/{role_id(cloud, 'member')}")
    assert [status(p) for p in (*reads, f"/v3/roles/{role_id(cloud, 'admin')}")] == [200, 200, 403]
    # a domain reader (the manager implies it) lists its own domain's users, from 15.0.0
    domain = admin(cloud, "POST", "/v3/domains", {"domain": {"name": "d9"}}).json()["domain"]
    admin(cloud, "POST", "/v3/users", {"user": {"name": "far", "domain_id": domain["id"]}})
    users = cloud.request("identity", "GET", "/v3/users", user=None, headers=headers).json()
    demo_id = cloud.keystone.directory.project_by_name("demo").id
    assert {u["domain_id"] for u in users["users"]} == {"default"}
    # and its domain's role assignments (the domain's and its projects'), from 15.0.0
    admin(
        cloud, "PUT", f"/v3/domains/{domain['id']}/users/{user_id}/roles/{role_id(cloud, 'reader')}"
    )
    listed = cloud.request("identity", "GET", "/v3/role_assignments", user=None, headers=headers)
    scopes = [a["scope"] for a in listed.json()["role_assignments"]]
    assert {"domain": {"id": "default"}} in scopes and {"project": {"id": demo_id}} in scopes
    assert not any("system" in s or s == {"domain": {"id": domain["id"]}} for s in scopes)
    tree = f"/v3/role_assignments?include_subtree&scope.project.id={demo_id}"  # from 16.0.0
    assert cloud.request("identity", "GET", tree, user=None, headers=headers).status == 200
    for method in ("GET", "PATCH", "DELETE"):  # the role is looked up before the policy
        body = {"role": {"name": "x"}} if method == "PATCH" else None
        missing = cloud.request("identity", method, "/v3/roles/nosuch", body, user="demo")
        assert missing.status == 404
