"""Keystone's groups, project hierarchy, project tags and implied roles, and the role
assignments they make (what ``openstack group|implied role|project create --parent`` and
Tempest's identity tests use).

Each test writes to its own fork of one booted world (``upstream``: the latest Keystone's words
and policy); the last reads the words of Keystone 13 (``seed``), which are the same.
"""

import json

import pytest
import test_directory_writes as writes
from keystone_schemas import ERROR, GROUP, PROJECT, check, single

from fakecloud import Cloud
from fakecloud.transport.gateway import wire_headers

admin = writes.admin


def made(cloud, kind, body):
    resp = admin(cloud, "POST", f"/v3/{kind}s", {kind: body})
    assert resp.status == 201, resp.json()
    return resp.json()[kind]


def message(resp):
    check(resp.json(), ERROR)
    return resp.status, resp.json()["error"]["message"]


def token(cloud, user_id, project_id):
    auth = {
        "identity": {"methods": ["password"],
                     "password": {"user": {"id": user_id, "password": "pw"}}},
        "scope": {"project": {"id": project_id}},
    }  # fmt: skip
    resp = cloud.request("identity", "POST", "/v3/auth/tokens", {"auth": auth}, user=None)
    return resp.headers.get("X-Subject-Token"), resp.json()


def test_a_member_holds_its_groups_roles_until_it_leaves(cloud):
    d = cloud.keystone.directory
    group = made(cloud, "group", {"name": "ops", "description": "on call"})
    check({"group": group}, single("group", GROUP))
    user = made(cloud, "user", {"name": "bob", "password": "pw"})["id"]
    demo, member = d.project_by_name("demo").id, d.role_by_name("member").id
    assert admin(cloud, "PUT", f"/v3/groups/{group['id']}/users/{user}").status == 204
    grant = f"/v3/projects/{demo}/groups/{group['id']}/roles/{member}"
    assert admin(cloud, "PUT", grant).status == 204
    held, body = token(cloud, user, demo)
    assert [r["name"] for r in body["token"]["roles"]] == ["member", "reader"]
    assert token(cloud.fork(), user, demo)[0] is not None  # a fork keeps groups and grants
    assert admin(cloud, "DELETE", f"/v3/groups/{group['id']}/users/{user}").status == 204
    check_token = admin(cloud, "GET", "/v3/auth/tokens", headers={"X-Subject-Token": held})
    assert check_token.status == 404  # leaving a group revokes the user's tokens
    assert token(cloud, user, demo)[0] is None  # no role on demo any more
    assert admin(cloud, "DELETE", f"/v3/groups/{group['id']}").status == 204
    assert (
        admin(cloud, "GET", f"/v3/role_assignments?group.id={group['id']}").json()[
            "role_assignments"
        ]
        == []
    )


def test_groups_refuse_as_keystone_does(cloud):
    group = made(cloud, "group", {"name": "ops"})["id"]
    assert message(admin(cloud, "POST", "/v3/groups", {"group": {"name": "ops"}})) == (
        409,
        "Conflict occurred attempting to store group - Duplicate entry found with name ops at "
        "domain ID default.",
    )
    demo = cloud.keystone.directory.user_by_name("demo").id
    assert message(admin(cloud, "GET", f"/v3/groups/{group}/users/{demo}")) == (
        404,
        f"User '{demo}' not found in group '{group}'",
    )
    assert message(admin(cloud, "GET", "/v3/groups/nope")) == (404, "Could not find group: nope.")
    refused = cloud.request("identity", "POST", "/v3/groups", {"group": {"name": "x"}}, user="demo")
    assert message(refused) == (
        403,
        "You are not authorized to perform the requested action: identity:create_group.",
    )


def test_role_assignments_expand_groups_and_implied_roles(cloud):
    d = cloud.keystone.directory
    group = made(cloud, "group", {"name": "ops"})["id"]
    user = made(cloud, "user", {"name": "bob", "password": "pw"})["id"]
    demo, member = d.project_by_name("demo").id, d.role_by_name("member").id
    admin(cloud, "PUT", f"/v3/groups/{group}/users/{user}")
    admin(cloud, "PUT", f"/v3/projects/{demo}/groups/{group}/roles/{member}")
    listed = admin(cloud, "GET", f"/v3/role_assignments?group.id={group}").json()
    assert [(a["group"], a["role"]) for a in listed["role_assignments"]] == [
        ({"id": group}, {"id": member})
    ]
    base = "http://identity.fakecloud.test/v3"
    effective = admin(cloud, "GET", f"/v3/role_assignments?user.id={user}&effective").json()
    assert [a["links"] for a in effective["role_assignments"]] == [
        {
            "membership": f"{base}/groups/{group}/users/{user}",
            "assignment": f"{base}/projects/{demo}/groups/{group}/roles/{member}",
        },
        {
            "membership": f"{base}/groups/{group}/users/{user}",
            "assignment": f"{base}/projects/{demo}/groups/{group}/roles/{member}",
            "prior_role": f"{base}/prior_role/{d.role_by_name('reader').id}/implies/{member}",
        },
    ]
    assert admin(cloud, "DELETE", f"/v3/users/{user}").status == 204
    assert admin(cloud, "GET", f"/v3/groups/{group}/users").json()["users"] == []


def test_an_implied_role_comes_with_its_prior_role(cloud):
    d = cloud.keystone.directory
    auditor = made(cloud, "role", {"name": "auditor"})["id"]
    reader, admin_role = d.role_by_name("reader").id, d.role_by_name("admin").id
    rule = admin(cloud, "PUT", f"/v3/roles/{auditor}/implies/{reader}")
    assert rule.status == 201
    assert rule.json()["role_inference"]["implies"]["name"] == "reader"
    assert message(admin(cloud, "PUT", f"/v3/roles/{auditor}/implies/{reader}")) == (
        409,
        "Conflict occurred attempting to store implied_role - Duplicate entry.",
    )
    assert message(admin(cloud, "PUT", f"/v3/roles/{auditor}/implies/{admin_role}")) == (
        403,
        f"{admin_role} cannot be an implied roles.",
    )
    user = made(cloud, "user", {"name": "eve", "password": "pw"})["id"]
    demo = d.project_by_name("demo").id
    admin(cloud, "PUT", f"/v3/projects/{demo}/users/{user}/roles/{auditor}")
    roles = token(cloud, user, demo)[1]["token"]["roles"]
    assert [r["name"] for r in roles] == ["auditor", "reader"]
    assert admin(cloud, "DELETE", f"/v3/roles/{auditor}/implies/{reader}").status == 204
    assert message(admin(cloud, "GET", f"/v3/roles/{auditor}/implies/{reader}")) == (
        404,
        f"{auditor} does not imply {reader}.",
    )


def test_a_project_tree_keeps_keystones_rules(cloud):
    demo = cloud.keystone.directory.project_by_name("demo").id
    child = made(cloud, "project", {"name": "c", "parent_id": demo})
    check({"project": child}, single("project", PROJECT))
    leaf = made(cloud, "project", {"name": "l", "parent_id": child["id"]})
    assert leaf["parent_id"] == child["id"]
    shown = admin(cloud, "GET", f"/v3/projects/{leaf['id']}?parents_as_ids").json()["project"]
    assert shown["parents"] == {child["id"]: {demo: {"default": None}}}
    shown = admin(cloud, "GET", f"/v3/projects/{demo}?subtree_as_ids").json()["project"]
    assert shown["subtree"] == {child["id"]: {leaf["id"]: None}}
    listed = admin(cloud, "GET", f"/v3/projects?parent_id={child['id']}").json()["projects"]
    assert [p["id"] for p in listed] == [leaf["id"]]
    assert message(admin(cloud, "DELETE", f"/v3/projects/{child['id']}")) == (
        403,
        f"Cannot delete the project {child['id']} since it is not a leaf in the hierarchy. Use "
        "the cascade option if you want to delete a whole subtree.",
    )
    off = {"project": {"enabled": False}}
    assert message(admin(cloud, "PATCH", f"/v3/projects/{child['id']}", off)) == (
        403,
        f"Cannot disable project {child['id']} since its subtree contains enabled projects.",
    )
    parent = leaf["id"]
    for depth in range(2):  # demo, c and l are three levels deep: five are allowed
        parent = made(cloud, "project", {"name": f"d{depth}", "parent_id": parent})["id"]
    too_deep = {"project": {"name": "x", "parent_id": parent}}
    assert message(admin(cloud, "POST", "/v3/projects", too_deep)) == (
        403,
        f"Max hierarchy depth reached for {parent} branch.",
    )


def test_project_tags_are_set_read_and_filtered(cloud):
    demo = cloud.keystone.directory.project_by_name("demo").id
    tags = f"/v3/projects/{demo}/tags"
    assert admin(cloud, "PUT", tags, {"tags": ["blue", "web"]}).json()["tags"] == ["blue", "web"]
    assert admin(cloud, "PUT", f"{tags}/db").status == 201
    assert admin(cloud, "GET", tags).json()["tags"] == ["blue", "web", "db"]
    for query, found in (("tags=blue,db", ["demo"]), ("not-tags-any=web", ["admin", "service"])):
        listed = admin(cloud, "GET", f"/v3/projects?{query}").json()["projects"]
        assert [p["name"] for p in listed] == found
    assert message(admin(cloud, "GET", f"{tags}/red")) == (
        404,
        "Could not find project tag: red.",
    )
    assert admin(cloud, "PUT", tags, {"tags": ["a,b"]}).status == 400


def domain_reader(cloud):
    """The token of a new user with the reader role on the Default domain, scoped there."""
    user = made(cloud, "user", {"name": "dr", "password": "pw"})["id"]
    reader = cloud.keystone.directory.role_by_name("reader").id
    assert admin(cloud, "PUT", f"/v3/domains/default/users/{user}/roles/{reader}").status == 204
    auth = {
        "identity": {"methods": ["password"],
                     "password": {"user": {"id": user, "password": "pw"}}},
        "scope": {"domain": {"id": "default"}},
    }  # fmt: skip
    resp = cloud.request("identity", "POST", "/v3/auth/tokens", {"auth": auth}, user=None)
    return {"X-Auth-Token": resp.headers["X-Subject-Token"]}


def test_a_domain_reader_lists_its_domains_groups_from_keystone_16(cloud):
    made(cloud, "group", {"name": "ops"})
    listed = cloud.request("identity", "GET", "/v3/groups", headers=domain_reader(cloud), user=None)
    assert [g["name"] for g in listed.json()["groups"]] == ["ops"]


def held_role_deleted(cloud):
    """A member of a new project also granted a new role on its domain, then the role deleted:
    what validating the member's token says."""
    user_id, _, held = writes.new_member(cloud, writes.new_project(cloud))
    role = made(cloud, "role", {"name": "custom"})["id"]
    assert admin(cloud, "PUT", f"/v3/domains/default/users/{user_id}/roles/{role}").status == 204
    assert admin(cloud, "DELETE", f"/v3/roles/{role}").status == 204
    return writes.validate(cloud, held)


def test_deleting_a_role_leaves_the_tokens_holding_it_their_other_roles(cloud):
    # from keystone 14.0.0 no revocation event: the token's roles are read again
    assert [r["name"] for r in held_role_deleted(cloud).json()["token"]["roles"]] == [
        "member",
        "reader",
    ]


def test_keystone_13_says_the_same_and_lets_admins_only_read_groups():
    cloud = Cloud(profile="seed")
    # a role's deletion revokes its domain holders' tokens (delete_tokens_for_role_assignments)
    assert held_role_deleted(cloud.fork()).status == 404
    demo = cloud.keystone.directory.project_by_name("demo").id
    child = made(cloud, "project", {"name": "c", "parent_id": demo})
    assert message(admin(cloud, "DELETE", f"/v3/projects/{demo}"))[0] == 403
    assert child["parent_id"] == demo
    listed = cloud.request("identity", "GET", "/v3/groups", headers=domain_reader(cloud), user=None)
    assert message(listed) == (
        403,
        "You are not authorized to perform the requested action: identity:list_groups.",
    )


def test_infer_roles_off_leaves_a_tokens_roles_as_granted():
    cloud = Cloud(profile="upstream", config={"identity": {"infer_roles": False}})
    assert cloud.keystone.token_for("admin").roles == ("admin",)


def test_an_inherited_grant_is_held_on_the_projects_below_its_target(cloud):
    d = cloud.keystone.directory
    parent = made(cloud, "project", {"name": "p"})["id"]
    child = made(cloud, "project", {"name": "c", "parent_id": parent})["id"]
    user = made(cloud, "user", {"name": "bob", "password": "pw"})["id"]
    member, reader = d.role_by_name("member").id, d.role_by_name("reader").id
    grant = f"/v3/OS-INHERIT/projects/{parent}/users/{user}/roles/{member}/inherited_to_projects"
    assert admin(cloud, "GET", grant).status == 404
    assert admin(cloud, "PUT", grant).status == 204
    assert admin(cloud, "HEAD", grant).status == 204
    assert token(cloud, user, parent)[0] is None  # not held on its target
    assert [r["name"] for r in token(cloud, user, child)[1]["token"]["roles"]] == [
        "member",
        "reader",
    ]
    listed = f"/v3/role_assignments?user.id={user}"
    inherited = {"project": {"id": parent}, "OS-INHERIT:inherited_to": "projects"}
    base = f"{cloud.keystone.auth_url}/OS-INHERIT/projects/{parent}/users/{user}/roles"
    assert admin(cloud, "GET", listed).json()["role_assignments"] == [
        {"scope": inherited, "user": {"id": user}, "role": {"id": member},
         "links": {"assignment": f"{base}/{member}/inherited_to_projects"}},
    ]  # fmt: skip
    # Keystone lists the system's grants too, whatever `inherited_to` asks
    only = admin(cloud, "GET", "/v3/role_assignments?scope.OS-INHERIT:inherited_to=projects")
    assert [a["scope"] for a in only.json()["role_assignments"]] == [
        inherited,
        {"system": {"all": True}},
    ]
    effective = admin(cloud, "GET", listed + "&effective").json()["role_assignments"]
    assert [(a["scope"], a["role"]["id"]) for a in effective] == [
        ({"project": {"id": child}, "OS-INHERIT:inherited_to": "projects"}, r)
        for r in (member, reader)
    ]
    assert admin(cloud, "DELETE", grant).status == 204
    assert token(cloud, user, child)[0] is None


NO_ONE = "9a2c1e7e00004000800000000000dead"


def test_an_inherited_grant_to_no_one_is_stored_from_stein(cloud, tmp_path):
    # keystone 15.0.0-30.0.0 api/os_inherit.py: the policy's target builder swallows every
    # not-found and create_grant checks the role and the scope only (the keystone oracle)
    d = cloud.keystone.directory
    member = d.role_by_name("member").id
    roles = f"/v3/OS-INHERIT/domains/default/groups/{NO_ONE}/roles"
    grant = f"{roles}/{member}/inherited_to_projects"
    assert admin(cloud, "PUT", grant).status == 204
    assert admin(cloud, "HEAD", grant).status == 204
    listed = admin(cloud, "GET", f"{roles}/inherited_to_projects").json()["roles"]
    assert [r["name"] for r in listed] == ["member"]
    named = admin(cloud, "GET", f"/v3/role_assignments?group.id={NO_ONE}&include_names")
    assert [a["group"] for a in named.json()["role_assignments"]] == [
        {"id": NO_ONE, "name": "", "domain": {"id": "", "name": ""}}
    ]
    effective = admin(cloud, "GET", "/v3/role_assignments?effective").json()["role_assignments"]
    assert NO_ONE not in str(effective)  # a group that does not exist has no members
    # the policy first, then the role, then the scope
    member_put = cloud.request("identity", "PUT", f"{roles}/{NO_ONE}/inherited_to_projects")
    assert message(member_put)[0] == 403
    assert message(admin(cloud, "PUT", f"{roles}/{NO_ONE}/inherited_to_projects")) == (
        404,
        f"Could not find role: {NO_ONE}.",
    )
    elsewhere = grant.replace("/domains/default/", "/domains/nowhere/")
    assert message(admin(cloud, "PUT", elsewhere)) == (404, "Could not find domain: nowhere.")
    assert message(admin(cloud, "DELETE", elsewhere)) == (
        404,
        f"Could not find role assignment with role: {member}, user or group: {NO_ONE}, "
        "project, domain, or system: nowhere.",
    )
    cloud.save(tmp_path / "w.json")  # a grant to no one is no dangling reference
    loaded = Cloud.load(tmp_path / "w.json")
    assert admin(loaded, "DELETE", grant).status == 204
    assert admin(loaded, "HEAD", grant).status == 404
    assert not loaded.check_invariants()


def test_rocky_refuses_an_inherited_grant_to_no_one():
    # keystone 14.0.0 assignment/controllers.py _check_grant_protection: the group first
    cloud = Cloud(profile="nova-18.3.0")
    member = cloud.keystone.directory.role_by_name("member").id
    grant = f"/v3/OS-INHERIT/domains/default/groups/{NO_ONE}/roles/{member}/inherited_to_projects"
    assert message(admin(cloud, "PUT", grant)) == (404, f"Could not find group: {NO_ONE}.")


def test_a_grant_revoked_from_no_one_is_not_held(cloud):
    # keystone 13.0.0 assignment/controllers.py revoke_grant (allow_no_user), 14.0.0
    # (allow_non_existing, 1ab693ced: a project's or domain's group too), 15.0.0-30.0.0
    # api/projects.py, domains.py, system.py: the revoke's policy target lets a missing user or
    # group through, then delete_grant finds no grant (the keystone oracle, 23.0.0-30.0.0)
    def answers(c):
        d = c.keystone.directory
        member = d.role_by_name("member").id
        scopes = f"/v3/projects/{d.project_by_name('demo').id}", "/v3/domains/default", "/v3/system"
        out = {}
        for scope in scopes:
            for kind in ("users", "groups"):
                path = f"{scope}/{kind}/{NO_ONE}/roles/{member}"
                status, said = message(admin(c, "DELETE", path))
                out[scope.split("/")[2], kind] = status, said.split(" with role:")[0]
        return out

    held = (404, "Could not find role assignment")
    group = (404, f"Could not find group: {NO_ONE}.")
    assert set(answers(cloud).values()) == {held}
    rocky = answers(Cloud(profile="nova-18.3.0"))
    assert {k for k, v in rocky.items() if v != held} == {("system", "groups")}
    assert rocky["system", "groups"] == group
    queens = answers(Cloud(profile="seed"))
    assert {k: v for k, v in queens.items() if v != held} == {
        (scope, "groups"): group for scope in ("projects", "domains", "system")
    }
    member = cloud.keystone.directory.role_by_name("member").id
    refused = cloud.request("identity", "DELETE", f"/v3/system/users/{NO_ONE}/roles/{member}")
    assert message(refused)[0] == 403  # the policy first, as for any revoke


def test_a_path_no_route_matches_is_werkzeugs_own_page_from_stein(cloud):
    # keystone 15.0.0 on: Flask's routing, and no handler of Keystone's for Werkzeug's
    # NotFound; the page is the series' Werkzeug's (2.2.2 on: HTML5; 0.14.1: two spaces)
    path = f"/v3/OS-INHERIT/projects/{NO_ONE}/users/{NO_ONE}/roles/inherited_to_projects"
    lines = {}
    for profile in ("upstream", "nova-19.3.2", "nova-18.3.0"):
        resp = admin(cloud if profile == "upstream" else Cloud(profile=profile), "GET", path)
        assert resp.status == 404
        lines[profile] = resp.headers["Content-Type"], resp.content().decode().splitlines()
    assert lines["upstream"] == (
        "text/html; charset=utf-8",
        [
            "<!doctype html>",
            "<html lang=en>",
            "<title>404 Not Found</title>",
            "<h1>Not Found</h1>",
            "<p>The requested URL was not found on the server. If you entered the URL manually "
            "please check your spelling and try again.</p>",
            f"fakecloud: the keystone service has no route for GET {path}",
        ],
    )
    ctype, stein = lines["nova-19.3.2"]
    assert ctype == "text/html"
    assert stein[0] == '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">'
    assert "on the server.  If you" in stein[3]
    assert lines["nova-18.3.0"][0] == "application/json"  # Rocky's legacy router


def test_the_legacy_router_names_the_url_it_could_not_route():
    # keystone 13.0.0-14.0.0 common/wsgi.py Router._dispatch: NotFound("(<req.url>): The
    # resource could not be found."), by any method (routes' method conditions: no 405), for
    # every path in 13.x and in 14.0.0 for those under a router not yet Flask's
    # (server/flask/application.py); 14.0.0's other paths get Werkzeug 0.14.1's page
    def said(c, method, path):
        resp = c.request("identity", method, path, user="demo")
        return resp.status, resp.headers["Content-Type"], resp.content().decode()

    queens, rocky = Cloud(profile="seed"), Cloud(profile="nova-18.3.0")
    v3 = queens.request("identity", "GET", "/v3", user=None).json()["version"]["links"][0]
    status, ctype, body = said(queens, "GET", "/v3/flavors/?limit=1")
    assert (status, ctype) == (404, "application/json")
    error = json.loads(body)["error"]
    assert (error["code"], error["title"]) == (404, "Not Found")
    assert error["message"].startswith(
        f"({v3['href']}flavors?limit=1): The resource could not be found. (fakecloud: "
    )
    assert said(queens, "DELETE", "/v3/users")[:2] == (404, "application/json")
    for method, path in (("DELETE", "/v3/users"), ("GET", f"/v3/projects/{NO_ONE}/nothing")):
        status, ctype, body = said(rocky, method, path)
        assert (status, ctype) == (404, "application/json")
        assert "): The resource could not be found." in json.loads(body)["error"]["message"]
    status, ctype, body = said(rocky, "GET", "/v3/flavors")
    assert (status, ctype) == (404, "text/html")
    assert body.splitlines()[1] == "<title>404 Not Found</title>"
    status, ctype, body = said(rocky, "PUT", "/v3/credentials")  # Flask-RESTful's
    assert (status, json.loads(body)) == (
        405,
        {"message": "The method is not allowed for the requested URL."},
    )
    # 14.0.0's CredentialResource serves its members too: its delete() without an id
    assert said(rocky, "DELETE", "/v3/credentials") == (500, "text/plain", "")


@pytest.mark.parametrize(
    ("profile", "users_one", "regions_one"),
    [("nova-26.3.0", True, True), ("nova-31.0.0", False, True), ("nova-32.0.0", False, False)],
)
def test_before_27_a_collection_and_its_members_are_one_flask_resource(
    profile, users_one, regions_one
):
    # keystone 14.0.0-26.x server/flask/common.py APIBase._add_resources: one resource at both
    # paths until 27.0.0 (UsersResource fcf8b4c6c) or 28.0.0 (RegionsResource b4b2f29c8): its
    # methods in Allow, and the other path's a TypeError, then after_request's unenforced
    # AssertionError out of the app: the WSGI server's 500 (the keystone oracle, 22.0.0)
    cloud = Cloud(profile=profile)
    uid = cloud.keystone.directory.user_by_name("demo").id

    def allow(path):
        answer = cloud.request("identity", "OPTIONS", path, user=None)
        return answer.status, answer.headers["Allow"]

    def sent(method, path, user="admin"):
        answer = cloud.request("identity", method, path, user=user)
        return answer.status, wire_headers(answer) if answer.status == 500 else None

    everything = "DELETE, GET, HEAD, OPTIONS, PATCH, POST"
    unenforced = (500, [("Content-Type", "text/plain")])  # no request id, no Vary
    assert allow("/v3/projects") == (200, everything if users_one else "GET, HEAD, OPTIONS, POST")
    assert allow(f"/v3/users/{uid}") == (200, everything if users_one else everything[:-6])
    assert sent("DELETE", "/v3/users", user=None) == (unenforced if users_one else (405, None))
    assert sent("POST", f"/v3/users/{uid}") == (unenforced if users_one else (405, None))
    put = cloud.request("identity", "PUT", "/v3/users", user="admin")
    assert (put.status, put.headers["Allow"]) == (405, allow("/v3/users")[1])
    assert sent("PUT", "/v3/regions") == (unenforced if regions_one else (405, None))
    assert allow("/v3/regions")[1].endswith("PUT" if regions_one else "POST")


def test_flasks_router_answers_before_any_token_is_asked(cloud):
    # keystone 30.0.0 (the oracle): a path no route serves is a 404, a method its routes do not
    # serve Flask-RESTful's JSON 405, with no token or with one
    missing = cloud.request("identity", "GET", "/v3/nothing-here", user=None)
    assert (missing.status, missing.headers["Content-Type"]) == (404, "text/html; charset=utf-8")
    refused = cloud.request("identity", "DELETE", "/v3/users", user=None)
    assert (refused.status, refused.headers["Allow"]) == (405, "GET, HEAD, OPTIONS, POST")
    assert refused.json() == {"message": "The method is not allowed for the requested URL."}
    assert cloud.request("identity", "HEAD", "/v3/users", user=None).status == 401
