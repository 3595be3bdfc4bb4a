"""Reading users, projects, domains, roles and assignments, under Keystone's default policy."""

import pytest
from keystone_schemas import DOMAIN, ERROR, PROJECT, ROLE, USER, check, listing, single

from fakecloud import Cloud


@pytest.fixture(scope="module")
def cloud():
    # upstream: keystone-manage bootstrap's five roles and their chain (keystone 24.0.0 on)
    return Cloud(profile="upstream")


def get(cloud, path, user="demo"):
    return cloud.request("identity", "GET", path, user=user)


def test_a_user_reads_itself_and_its_project(cloud):
    ctx = cloud.context("demo")
    user = get(cloud, f"/v3/users/{ctx.user_id}")
    assert user.status == 200
    check(user.json(), single("user", USER))
    assert user.json()["user"]["default_project_id"] == ctx.project_id
    project = get(cloud, f"/v3/projects/{ctx.project_id}")
    check(project.json(), single("project", PROJECT))
    assert project.json()["project"]["name"] == "demo"
    mine = get(cloud, f"/v3/users/{ctx.user_id}/projects")
    check(mine.json(), listing("projects", PROJECT))
    domain = get(cloud, "/v3/domains/default")
    check(domain.json(), single("domain", DOMAIN))
    assert domain.json()["domain"]["name"] == "Default"


@pytest.mark.parametrize(
    ("path", "action"),
    [
        ("/v3/users", "identity:list_users"),
        ("/v3/projects", "identity:list_projects"),
        ("/v3/roles", "identity:list_roles"),
        ("/v3/domains", "identity:list_domains"),
        ("/v3/role_assignments", "identity:list_role_assignments"),
    ],
)
def test_listing_everything_is_for_admins(cloud, path, action):
    resp = get(cloud, path)
    assert resp.status == 403
    check(resp.json(), ERROR)
    assert resp.json()["error"]["message"] == (
        f"You are not authorized to perform the requested action: {action}."
    )
    assert get(cloud, path, user="admin").status == 200


def test_another_users_records_are_for_admins(cloud):
    admin = cloud.context("admin")
    assert get(cloud, f"/v3/users/{admin.user_id}").status == 403
    assert get(cloud, f"/v3/projects/{admin.project_id}").status == 403
    assert get(cloud, f"/v3/projects/{admin.project_id}", user="admin").status == 200


def test_admin_lists_with_filters(cloud):
    projects = get(cloud, "/v3/projects?name=demo", user="admin")
    check(projects.json(), listing("projects", PROJECT))
    assert [p["name"] for p in projects.json()["projects"]] == ["demo"]
    users = get(cloud, "/v3/users", user="admin")
    check(users.json(), listing("users", USER))
    assert [u["name"] for u in users.json()["users"]] == [
        "demo",
        "demo-reader",
        "admin",
        "nova",
        "cinder",
        "glance",  # Cinder's [glance] user from 2025.2 (devstack 2df0d7ab)
    ]
    roles = get(cloud, "/v3/roles", user="admin")
    check(roles.json(), listing("roles", ROLE))
    assert [r["name"] for r in roles.json()["roles"]] == [
        "admin",
        "manager",
        "member",
        "reader",
        "service",
    ]
    assert get(cloud, "/v3/users?enabled=false", user="admin").json()["users"] == []


def test_unknown_records_are_404_with_keystones_message(cloud):
    resp = get(cloud, "/v3/projects/nope", user="admin")
    assert resp.status == 404
    check(resp.json(), ERROR)
    assert resp.json()["error"] == {
        "code": 404,
        "message": "Could not find project: nope.",
        "title": "Not Found",
    }
    assert get(cloud, "/v3/users/nope", user="admin").json()["error"]["message"] == (
        "Could not find user: nope."
    )


def test_role_inferences_are_keystones_bootstrap_chain(cloud):
    resp = get(cloud, "/v3/role_inferences", user="admin")
    chain = {
        r["prior_role"]["name"]: [i["name"] for i in r["implies"]]
        for r in resp.json()["role_inferences"]
    }
    assert chain == {"admin": ["manager"], "manager": ["member"], "member": ["reader"]}


def test_role_assignments_direct_and_effective(cloud):
    demo = cloud.context("demo")
    direct = get(cloud, f"/v3/role_assignments?user.id={demo.user_id}&include_names", "admin")
    (only,) = direct.json()["role_assignments"]
    assert only["role"]["name"] == "member"
    assert only["scope"]["project"]["name"] == "demo"
    effective = get(cloud, f"/v3/role_assignments?user.id={demo.user_id}&effective", "admin")
    assert len(effective.json()["role_assignments"]) == 2
    system = get(cloud, "/v3/role_assignments?scope.system=all", "admin").json()
    assert [a["user"]["id"] for a in system["role_assignments"]] == [cloud.context("admin").user_id]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("include_subtree", "scope.project.id must be specified if include_subtree is also"),
        ("scope.system=all&scope.project.id=p", "Specify system or project, not both"),
        ("scope.domain.id=d&scope.project.id=p", "Specify a domain or project, not both"),
        ("scope.domain.id=d&scope.system=all", "Specify system or domain, not both"),
        ("user.id=u&group.id=g", "Specify a user or group, not both"),
        ("effective&group.id=g", "Combining effective and group filter will always result"),
        (
            "effective=1&scope.domain.id=d&scope.OS-INHERIT:inherited_to=projects",
            "Combining effective, domain and inherited filters will always result",
        ),
    ],
)
def test_role_assignment_filters_that_cannot_go_together_are_400(cloud, query, message):
    """keystone 26.0.0 ``api/role_assignments.py`` (``_assert_*``, and ``include_subtree``
    without a project after the ``list_role_assignments_for_tree`` policy): fakecloud listed
    what it could. Found by the session 13 fuzzing."""
    resp = get(cloud, f"/v3/role_assignments?{query}", "admin")
    assert resp.status == 400
    assert resp.json()["error"]["message"].startswith(message)


def test_role_assignment_flags_are_true_unless_0(cloud):
    """``query_filter_is_true``: ``effective=false`` is true, ``effective=0`` false."""
    demo = cloud.context("demo").user_id
    counts = {
        flag: len(
            get(cloud, f"/v3/role_assignments?user.id={demo}&{flag}", "admin").json()[
                "role_assignments"
            ]
        )
        for flag in ("effective=0", "effective=false", "effective")
    }
    assert counts == {"effective=0": 1, "effective=false": 2, "effective": 2}
    reader = get(cloud, "/v3/role_assignments?include_subtree=1")
    assert reader.json()["error"]["message"].endswith("identity:list_role_assignments_for_tree.")


def test_auth_endpoints_describe_the_callers_own_choices(cloud):
    assert get(cloud, "/v3/auth/system").json()["system"] == []
    assert get(cloud, "/v3/auth/system", user="admin").json()["system"] == [{"all": True}]
    assert get(cloud, "/v3/auth/domains").json()["domains"] == []
    projects = get(cloud, "/v3/auth/projects", user="admin").json()["projects"]
    assert [p["name"] for p in projects] == ["admin"]


def test_unknown_paths_are_404_naming_the_path():
    resp = get(Cloud(), "/v3/flavors")  # Queens: keystone 13's legacy router
    assert resp.status == 404
    assert "no route for GET /v3/flavors" in resp.json()["error"]["message"]


@pytest.fixture(scope="module")
def with_disabled():
    return Cloud(
        config={
            "identity": {
                "projects": {"old": {"enabled": False}},
                "users": {
                    "gone": {"password": "pw", "project": "old", "enabled": False},
                    "bob": {"password": "pw", "project": "old", "roles": ["member"]},
                },
            }
        }
    )


@pytest.mark.parametrize(
    ("query", "users"),
    [
        ("enabled=false", ["gone"]),
        # keystone.common.utils.attr_as_boolean = oslo bool_from_string(default=True): f and n
        # are false, stripped and any case; a word it does not know is true, not an error
        ("enabled=f", ["gone"]),
        ("enabled=%20N%20", ["gone"]),
        ("enabled=maybe", ["demo", "demo-reader", "admin", "bob", "nova", "cinder", "glance"]),
        ("enabled=", ["demo", "demo-reader", "admin", "bob", "nova", "cinder", "glance"]),
        # build_driver_hints adds every value of a repeated parameter: all must match
        ("enabled=true&enabled=false", []),
        ("name=bob&name=gone", []),
        ("domain_id=default&name=bob", ["bob"]),
        ("domain_id=nope", []),
    ],
)
def test_user_list_filters_read_values_as_keystone_does(with_disabled, query, users):
    """keystone 26.0.0 api/users.py UserResource._list_users, server/flask/common.py
    build_driver_hints, common/sql/core.py exact_filter (fakecloud read f, n and padded
    words as true, and kept only the last of a repeated parameter)."""
    resp = get(with_disabled, f"/v3/users?{query}", user="admin")
    assert resp.status == 200
    assert [u["name"] for u in resp.json()["users"]] == users


def test_project_filters_read_enabled_as_keystone_does(with_disabled):
    """keystone 26.0.0 api/projects.py _list_projects and api/users.py
    UserProjectsResource.get (filters domain_id, enabled, name; fakecloud ignored them on a
    user's projects)."""
    names = [
        p["name"]
        for p in get(with_disabled, "/v3/projects?enabled=no", user="admin").json()["projects"]
    ]
    assert names == ["old"]
    bob = with_disabled.keystone.directory.user_by_name("bob", "default").id
    mine = get(with_disabled, f"/v3/users/{bob}/projects?enabled=n", user="admin")
    assert [p["name"] for p in mine.json()["projects"]] == ["old"]
    mine = get(with_disabled, f"/v3/users/{bob}/projects?enabled=1", user="admin")
    assert mine.json()["projects"] == []


def domain_token(cloud, role):
    """Headers of a new user's token scoped to the default domain, where it holds `role`."""
    admin = lambda *a: cloud.request("identity", *a, user="admin")  # noqa: E731
    user = {"user": {"name": f"dom-{role}", "password": "pw"}}
    user_id = admin("POST", "/v3/users", user).json()["user"]["id"]
    role_id = cloud.keystone.directory.role_by_name(role).id
    assert admin("PUT", f"/v3/domains/default/users/{user_id}/roles/{role_id}").status == 204
    auth = {"identity": {"methods": ["password"],
                         "password": {"user": {"id": user_id, "password": "pw"}}},
            "scope": {"domain": {"id": "default"}}}  # fmt: skip
    token = cloud.request("identity", "POST", "/v3/auth/tokens", {"auth": auth}, user=None)
    return {"X-Auth-Token": token.headers["X-Subject-Token"]}


@pytest.mark.parametrize(
    ("profile", "scoped"),
    [("nova-27.5.0", False), ("nova-27.5.1", True)],
)
def test_a_domain_scoped_token_lists_its_own_domain_from_keystone_25(profile, scoped):
    """keystone 25.0.0 api/domains.py ``_list_domains`` (dd785ee692, LP #2041611; backported
    to 23.0.2 and 24.1.0, so Nova 27.5.1 and 28.3.1 on): a domain-scoped token's reader lists
    its domain alone, its admin too; before, its reader is refused and its admin (keystone's
    ``admin_required``) lists every domain."""
    cloud = Cloud(profile=profile)
    created = cloud.request("identity", "POST", "/v3/domains", {"domain": {"name": "other"}},
                            user="admin")  # fmt: skip
    assert created.status == 201
    listed = {}
    for role in ("reader", "admin"):
        resp = cloud.request("identity", "GET", "/v3/domains", user=None,
                             headers=domain_token(cloud, role))  # fmt: skip
        listed[role] = resp.status, sorted(d["name"] for d in resp.json().get("domains", []))
    if scoped:
        assert listed == {"reader": (200, ["Default"]), "admin": (200, ["Default"])}
    else:
        assert listed == {"reader": (403, []), "admin": (200, ["Default", "other"])}


def test_projects_and_domains_show_options_from_keystone_16(cloud):
    """13.0.0-15.x resource/backends/sql.py ``to_dict`` has no ``options`` (16.0.0's resource
    options made them; the keystone oracle, 13.0.4); ``upstream`` shows them empty."""
    for world, shown in ((Cloud(profile="nova-19.0.0"), False), (cloud, True)):  # keystone 15
        project = get(world, f"/v3/projects/{world.context('demo').project_id}").json()
        domain = get(world, "/v3/domains/default").json()
        assert ("options" in project["project"], "options" in domain["domain"]) == (shown, shown)
