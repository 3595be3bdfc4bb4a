"""Keystone's admin writes: projects, users and role assignments (Tempest's dynamic credentials).

Each test writes to its own fork of one booted world (``upstream``: the latest Keystone's
words and policy), so a write shows nowhere else; the last tests write to older Keystones.
"""

from keystone_schemas import ERROR, PROJECT, USER, check, single

from fakecloud import Cloud


def admin(cloud, method, path, body=None, **kw):
    return cloud.request("identity", method, path, body, user="admin", **kw)


def new_project(cloud, name="tempest-p"):
    resp = admin(cloud, "POST", "/v3/projects", {"project": {"name": name, "description": "d"}})
    assert resp.status == 201
    return resp.json()["project"]


def new_member(cloud, project, name="tempest-u", password="pw"):
    """A new user with the member role on `project`; its id and a token scoped there."""
    user = admin(cloud, "POST", "/v3/users", {"user": {"name": name, "password": password}})
    assert user.status == 201
    user_id = user.json()["user"]["id"]
    member = cloud.keystone.directory.role_by_name("member").id
    grant = f"/v3/projects/{project['id']}/users/{user_id}/roles/{member}"
    assert admin(cloud, "PUT", grant).status == 204
    auth = {
        "identity": {
            "methods": ["password"],
            "password": {"user": {"name": name, "domain": {"id": "default"}, "password": password}},
        },
        "scope": {"project": {"name": project["name"], "domain": {"id": "default"}}},
    }
    token = cloud.request("identity", "POST", "/v3/auth/tokens", {"auth": auth}, user=None)
    assert token.status == 201
    return user_id, grant, token.headers["X-Subject-Token"]


def validate(cloud, token):
    return admin(cloud, "GET", "/v3/auth/tokens", headers={"X-Subject-Token": token})


def test_a_created_project_is_read_back_and_traced(cloud):
    project = new_project(cloud)
    check({"project": project}, single("project", PROJECT))
    assert (project["domain_id"], project["parent_id"], project["enabled"]) == (
        "default",
        "default",
        True,
    )
    assert len(project["id"]) == 32
    assert admin(cloud, "GET", f"/v3/projects/{project['id']}").json()["project"] == project
    created = [e for e in cloud.trace if e["kind"] == "identity.project_created"]
    assert [(e["subject"], e["id"]) for e in created] == [("tempest-p", project["id"])]


def test_a_name_its_domain_holds_is_a_409(cloud):
    resp = admin(cloud, "POST", "/v3/projects", {"project": {"name": "demo"}})
    assert resp.status == 409
    check(resp.json(), ERROR)
    assert resp.json()["error"]["message"].startswith(
        "Conflict occurred attempting to store project - it is not permitted to have two "
        "projects with either the same name or same id in the same domain: name is demo, "
    )
    user = admin(cloud, "POST", "/v3/users", {"user": {"name": "demo"}})
    assert (user.status, user.json()["error"]["message"]) == (
        409,
        "Conflict occurred attempting to store user - Duplicate entry found with name demo "
        "at domain ID default.",
    )


def test_a_body_the_schema_refuses_is_keystones_400(cloud):
    resp = admin(cloud, "POST", "/v3/projects", {"project": {"name": "p", "enabled": "maybe"}})
    assert resp.status == 400
    assert resp.json()["error"]["message"].startswith(
        "Invalid input for field/attribute enabled. Value: maybe. 'maybe' is not one of"
    )
    assert admin(cloud, "POST", "/v3/users", {}).json()["error"]["message"] == (
        "'user' is a required property"
    )
    # No "project" object passes keystone's schema, then fails its create_project: a 500.
    resp = admin(cloud, "POST", "/v3/projects", {})
    assert resp.status == 500 and not cloud.trace.filter(kind="api.error")


def test_only_an_admin_writes(cloud):
    resp = cloud.request("identity", "POST", "/v3/projects", {"project": {"name": "x"}})
    assert (resp.status, resp.json()["error"]["message"]) == (
        403,
        "You are not authorized to perform the requested action: identity:create_project.",
    )
    assert cloud.keystone.directory.project_by_name("x") is None


def test_a_new_member_works_in_its_new_project(cloud):
    project = new_project(cloud)
    _, grant, token = new_member(cloud, project)
    assert [r["name"] for r in validate(cloud, token).json()["token"]["roles"]] == [
        "member",
        "reader",
    ]
    assert admin(cloud, "HEAD", grant).status == 204
    # Nova asks Keystone whether the project exists (verify_project_id): its defaults
    nova = cloud.request("compute", "GET", f"/v2.1/os-quota-sets/{project['id']}", user="admin")
    assert (nova.status, nova.json()["quota_set"]["instances"]) == (200, 10)


def test_a_tokens_roles_are_the_current_assignments_at_each_validation(cloud):
    # a Fernet token carries no roles: Keystone reads them again at each validation
    project = new_project(cloud)
    _, grant, token = new_member(cloud, project)
    reader = cloud.keystone.directory.role_by_name("reader").id
    reader_grant = grant.rsplit("/", 1)[0] + "/" + reader
    assert admin(cloud, "PUT", reader_grant).status == 204
    assert admin(cloud, "DELETE", grant).status == 204
    body = validate(cloud, token).json()["token"]
    assert [r["name"] for r in body["roles"]] == ["reader"]
    listed = cloud.request("identity", "GET", "/v3/projects", headers={"X-Auth-Token": token})
    assert listed.status == 403  # the member's token now reads with the reader role alone
    assert admin(cloud, "DELETE", reader_grant).status == 204
    refused = validate(cloud, token)
    assert (refused.status, refused.json()["error"]["message"]) == (
        404,
        f"Could not find token: {token}.",
    )
    used = cloud.request("identity", "GET", "/v3/auth/projects", headers={"X-Auth-Token": token})
    assert used.status == 401
    assert admin(cloud, "PUT", grant).status == 204  # not revoked: granted again, it lives
    assert [r["name"] for r in validate(cloud, token).json()["token"]["roles"]] == [
        "member",
        "reader",
    ]


def test_revoking_a_role_leaves_no_grant_there(cloud):
    project = new_project(cloud)
    _, grant, token = new_member(cloud, project)
    assert admin(cloud, "DELETE", grant).status == 204
    assert validate(cloud, token).status == 404
    gone = admin(cloud, "HEAD", grant)
    assert gone.status == 404
    again = admin(cloud, "DELETE", grant)
    assert again.json()["error"]["message"].startswith("Could not find role assignment with role")


def test_deleting_a_user_revokes_its_tokens_and_assignments(cloud):
    project = new_project(cloud)
    user_id, _, token = new_member(cloud, project)
    assert admin(cloud, "DELETE", f"/v3/users/{user_id}").status == 204
    resp = validate(cloud, token)
    assert resp.status == 404
    assert resp.json()["error"]["message"] == f"Could not find token: {token}."
    left = admin(cloud, "GET", f"/v3/role_assignments?user.id={user_id}").json()
    assert left["role_assignments"] == []
    missing = admin(cloud, "DELETE", f"/v3/users/{user_id}")
    assert missing.json()["error"]["message"] == f"Could not find user: {user_id}."


def test_deleting_a_project_leaves_its_volumes_orphaned(cloud):
    demo = cloud.context("demo").project_id
    volume = cloud.request("volume", "POST", "/v3/{project_id}/volumes", {"volume": {"size": 1}})
    assert volume.status == 202
    assert admin(cloud, "DELETE", f"/v3/projects/{demo}").status == 204
    resp = admin(cloud, "GET", f"/v3/projects/{demo}")
    assert (resp.status, resp.json()["error"]["message"]) == (
        404,
        f"Could not find project: {demo}.",
    )
    assert volume.json()["volume"]["id"] in cloud.cinder.store.volumes
    assert not cloud.check_invariants()


def test_a_fork_keeps_its_own_directory(cloud, booted):
    project = new_project(cloud)
    child = cloud.fork()
    admin(child, "DELETE", f"/v3/projects/{project['id']}")
    assert project["id"] in cloud.keystone.directory.projects
    assert cloud.keystone.directory.project_by_name("tempest-p") is not None
    assert booted.keystone.directory.project_by_name("tempest-p") is None
    assert not child.check_invariants()


def test_a_saved_world_keeps_its_writes(cloud, tmp_path):
    project = new_project(cloud)
    user = admin(cloud, "POST", "/v3/users", {"user": {"name": "u", "email": "u@example.com"}})
    cloud.save(tmp_path / "w.json")
    loaded = Cloud.load(tmp_path / "w.json")
    assert admin(loaded, "GET", f"/v3/projects/{project['id']}").json()["project"] == project
    shown = admin(loaded, "GET", f"/v3/users/{user.json()['user']['id']}").json()["user"]
    assert shown.pop("email") == "u@example.com"
    check({"user": shown}, single("user", USER))
    assert not loaded.check_invariants()


def test_a_domain_is_deleted_once_disabled_with_what_it_holds(cloud):
    made = admin(cloud, "POST", "/v3/domains", {"domain": {"name": "dom", "tags": ["t"]}})
    assert made.status == 201
    domain = made.json()["domain"]
    assert (domain["name"], domain["enabled"], domain["tags"]) == ("dom", True, ["t"])
    body = {"project": {"name": "p", "domain_id": domain["id"]}}
    project = admin(cloud, "POST", "/v3/projects", body).json()["project"]
    user = {"user": {"name": "u", "password": "pw", "domain_id": domain["id"]}}
    user_id = admin(cloud, "POST", "/v3/users", user).json()["user"]["id"]
    member = cloud.keystone.directory.role_by_name("member").id
    admin(cloud, "PUT", f"/v3/projects/{project['id']}/users/{user_id}/roles/{member}")
    auth = {
        "identity": {
            "methods": ["password"],
            "password": {"user": {"id": user_id, "password": "pw"}},
        },
        "scope": {"project": {"id": project["id"]}},
    }
    token = cloud.request("identity", "POST", "/v3/auth/tokens", {"auth": auth}, user=None)
    assert token.status == 201
    refused = admin(cloud, "DELETE", f"/v3/domains/{domain['id']}")
    assert (refused.status, refused.json()["error"]["message"]) == (
        403,
        "Cannot delete a domain that is enabled, please disable it first.",
    )
    off = admin(cloud, "PATCH", f"/v3/domains/{domain['id']}", {"domain": {"enabled": False}})
    assert off.json()["domain"]["enabled"] is False
    assert validate(cloud, token.headers["X-Subject-Token"]).status == 404
    again = cloud.request("identity", "POST", "/v3/auth/tokens", {"auth": auth}, user=None)
    assert again.status == 401  # a user of a disabled domain authenticates no more
    assert admin(cloud, "DELETE", f"/v3/domains/{domain['id']}").status == 204
    assert admin(cloud, "GET", f"/v3/projects/{project['id']}").status == 404
    assert not cloud.check_invariants()


def test_a_user_changes_its_own_password_without_a_token(cloud):
    project = new_project(cloud)
    user_id, _, token = new_member(cloud, project)
    path = f"/v3/users/{user_id}/password"
    wrong = {"user": {"original_password": "nope", "password": "pw2"}}
    assert cloud.request("identity", "POST", path, wrong, user=None).status == 401
    right = {"user": {"original_password": "pw", "password": "pw2"}}
    assert cloud.request("identity", "POST", path, right, user=None).status == 204
    assert validate(cloud, token).status == 404
    assert cloud.keystone.directory.users[user_id].password == "pw2"


def test_a_new_role_is_deletable_and_the_bootstrap_roles_are_not(cloud):
    made = admin(cloud, "POST", "/v3/roles", {"role": {"name": "custom"}})
    assert made.status == 201
    assert made.json()["role"]["options"] == {}
    again = admin(cloud, "POST", "/v3/roles", {"role": {"name": "custom"}})
    assert again.json()["error"]["message"] == (
        "Conflict occurred attempting to store role - Duplicate entry found with name custom."
    )
    assert admin(cloud, "DELETE", f"/v3/roles/{made.json()['role']['id']}").status == 204
    member = cloud.keystone.directory.role_by_name("member").id
    refused = admin(cloud, "DELETE", f"/v3/roles/{member}")
    assert (refused.status, refused.json()["error"]["message"]) == (
        403,
        f'Unable to delete immutable role resource: `{member}. Set resource option "immutable" '
        "to false first.",
    )


def manager_token(cloud):
    """Headers of a new user's token scoped to the default domain, where it is a manager."""
    user = {"user": {"name": "mgr", "password": "pw"}}
    user_id = admin(cloud, "POST", "/v3/users", user).json()["user"]["id"]
    manager = cloud.keystone.directory.role_by_name("manager").id
    assert admin(cloud, "PUT", f"/v3/domains/default/users/{user_id}/roles/{manager}").status == 204
    auth = {
        "identity": {
            "methods": ["password"],
            "password": {"user": {"id": user_id, "password": "pw"}},
        },
        "scope": {"domain": {"id": "default"}},
    }
    token = cloud.request("identity", "POST", "/v3/auth/tokens", {"auth": auth}, user=None)
    return {"X-Auth-Token": token.headers["X-Subject-Token"]}


def create_as(cloud, headers, domain_id):
    body = {"project": {"name": "by-mgr", "domain_id": domain_id}}
    return cloud.request("identity", "POST", "/v3/projects", body, user=None, headers=headers)


def test_a_domain_manager_writes_in_its_own_domain_only(cloud):
    headers = manager_token(cloud)
    assert create_as(cloud, headers, "default").status == 201
    assert create_as(cloud, headers, "elsewhere").json()["error"]["message"] == (
        "You are not authorized to perform the requested action: identity:create_project."
    )


def test_a_token_shows_its_project_and_user_as_renamed(cloud):
    project = new_project(cloud)
    user_id, _, token = new_member(cloud, project)
    admin(cloud, "PATCH", f"/v3/projects/{project['id']}", {"project": {"name": "renamed-p"}})
    admin(cloud, "PATCH", f"/v3/users/{user_id}", {"user": {"name": "renamed-u"}})
    body = validate(cloud, token).json()["token"]
    assert (body["project"]["name"], body["user"]["name"]) == ("renamed-p", "renamed-u")


def test_a_keystone_before_26_has_no_domain_managers():
    cloud = Cloud(profile="nova-29.2.0")  # 2024.2: keystone 25, whose bootstrap makes manager
    headers = manager_token(cloud)
    resp = create_as(cloud, headers, "default")
    assert (resp.status, resp.json()["error"]["message"]) == (
        403,
        "You are not authorized to perform the requested action: identity:create_project.",
    )
    roles = cloud.request("identity", "GET", "/v3/roles", user=None, headers=headers)
    assert roles.status == 403


def test_queens_keystone_words_a_refused_body_as_lazy_validate():
    cloud = Cloud()  # seed: keystone 13
    bad = {"project": {"name": "p", "enabled": "maybe"}}
    resp = admin(cloud, "POST", "/v3/projects", bad)
    message = resp.json()["error"]["message"]
    assert resp.status == 400
    # the record's own boolean (the keystone oracle, 25.0.0: "no" and "yes" alike)
    assert message == (
        "Invalid input for field 'enabled': 'maybe' is not of type 'boolean'\n\n"
        "Failed validating 'type' in schema['properties']['enabled']:\n"
        "    {'enum': [True, False, None], 'type': 'boolean'}\n\n"
        "On instance['enabled']:\n    'maybe'"
    )
    # keystone 13 enforces the policy before it reads the body: a member's is a 403.
    assert cloud.request("identity", "POST", "/v3/projects", bad).status == 403
    # its routes call the region controller without the object it names: wsgi's TypeError
    missing = admin(cloud, "POST", "/v3/regions", {}).json()["error"]["message"]
    assert missing == "create_region() missing 1 required positional argument: 'region'"
    # ... after protected()'s policy: a member's is the 403 (keystone 13.0.4 common/controller.py)
    refused = cloud.request("identity", "POST", "/v3/regions", {}).json()["error"]["message"]
    assert (
        refused == "You are not authorized to perform the requested action: identity:create_region."
    )
    # ... and before any policy where the route's method is an unprotected wrapper: a 400
    member = cloud.request("identity", "POST", "/v3/roles", {}).json()["error"]["message"]
    assert member == "create_role_wrapper() missing 1 required positional argument: 'role'"
    put = cloud.request("identity", "PUT", "/v3/regions/r2", {}).json()["error"]["message"]
    assert put == "create_region_with_id() missing 1 required positional argument: 'region'"
    # an admin's update without its object: the protected method's own name
    users = admin(cloud, "GET", "/v3/users").json()["users"]
    bare = admin(cloud, "PATCH", f"/v3/users/{users[0]['id']}", {}).json()["error"]["message"]
    assert bare == "update_user() missing 1 required positional argument: 'user'"
    creds = admin(cloud, "POST", "/v3/credentials", {}).json()["error"]["message"]
    assert creds == "create_credential() missing 1 required positional argument: 'credential'"
    projects = admin(cloud, "GET", "/v3/projects").json()["projects"]
    tags = admin(cloud, "PUT", f"/v3/projects/{projects[0]['id']}/tags", {})
    assert tags.json()["error"]["message"] == (
        "update_project_tags() missing 1 required positional argument: 'tags'"
    )
    # a role without a name: keystone 13's role schema (the name alone), keys sorted
    nameless = admin(cloud, "POST", "/v3/roles", {"role": {}}).json()["error"]["message"]
    assert nameless.split("\n\n")[1] == (
        "Failed validating 'required' in schema:\n"
        "    {'additionalProperties': True,\n"
        "     'properties': {'name': {'maxLength': 255,\n"
        "                             'minLength': 1,\n"
        "                             'pattern': '[\\\\S]+',\n"
        "                             'type': 'string'}},\n"
        "     'required': ['name'],\n"
        "     'type': 'object'}"
    )
    # ... and so is every record's, a group's too (the keystone oracle, 25.0.0), its name
    # without maxLength before 15.0.0 (13.0.4: group-create-noname)
    nameless = admin(cloud, "POST", "/v3/groups", {"group": {}}).json()["error"]["message"]
    assert nameless.split("\n\n")[1] == (
        "Failed validating 'required' in schema:\n"
        "    {'additionalProperties': True,\n"
        "     'properties': {'description': {'type': ['string', 'null']},\n"
        "                    'domain_id': {'maxLength': 64,\n"
        "                                  'minLength': 1,\n"
        "                                  'pattern': '^[a-zA-Z0-9-]+$',\n"
        "                                  'type': 'string'},\n"
        "                    'name': {'minLength': 1,\n"
        "                             'pattern': '[\\\\S]+',\n"
        "                             'type': 'string'}},\n"
        "     'required': ['name'],\n"
        "     'type': 'object'}"
    )
    # a project's: plain booleans, the tags' empty 'required', no options before 16.0.0
    nameless = admin(cloud, "POST", "/v3/projects", {"project": {}}).json()["error"]["message"]
    schema = nameless.split("\n\n")[1]
    assert "'enabled': {'enum': [True, False, None],\n" in schema
    assert "'required': [],\n" in schema and "options" not in schema
    # a user's: 13.0.x's options (no lock_password), no federated (17.0.0 on)
    nameless = admin(cloud, "POST", "/v3/users", {"user": {}}).json()["error"]["message"]
    schema = nameless.split("\n\n")[1]
    assert "'multi_factor_auth_rules'" in schema and "'options': {'type': 'object'},\n" in schema
    assert "lock_password" not in schema and "federated" not in schema


def test_queens_keystone_words_a_duplicate_project_without_its_id():
    resp = admin(Cloud(), "POST", "/v3/projects", {"project": {"name": "demo"}})
    assert (resp.status, resp.json()["error"]["message"]) == (
        409,
        "Conflict occurred attempting to store project - it is not permitted to have two "
        "projects with the same name in the same domain : demo.",
    )


# -- what the keystone oracle (tools/keystone_oracle, keystone 30.0.0) answered otherwise ------


def _auth(cloud, auth):
    """POST /v3/auth/tokens with `auth`, no token."""
    return cloud.request("identity", "POST", "/v3/auth/tokens", {"auth": auth}, user=None)


def _system_token(cloud):
    """The admin's system-scoped token."""
    password = {"user": {"name": "admin", "domain": {"id": "default"}, "password": "admin-secret"}}
    auth = {"identity": {"methods": ["password"], "password": password}}
    return _auth(cloud, {**auth, "scope": {"system": {"all": True}}}).headers["X-Subject-Token"]


def test_each_methods_data_is_asked_before_any_method_is_refused(cloud):
    # AuthInfo._validate_auth_methods; no method at all authenticates nobody: 401
    unknown = _auth(cloud, {"identity": {"methods": ["foo"]}})
    assert unknown.status == 400
    assert unknown.json()["error"]["message"].startswith("Expecting to find foo in identity.")
    assert _auth(cloud, {"identity": {"methods": ["foo"], "foo": {}}}).status == 401
    assert _auth(cloud, {"identity": {"methods": []}}).status == 401


def test_the_callers_catalog_needs_a_project_and_its_links_name_itself(cloud):
    system = {"X-Auth-Token": _system_token(cloud)}
    refused = cloud.request("identity", "GET", "/v3/auth/catalog", user=None, headers=system)
    assert refused.status == 403
    assert refused.headers["Vary"] == "X-Auth-Token"
    for path in ("/v3/auth/catalog", "/v3/auth/system"):
        links = cloud.request("identity", "GET", path, user="admin").json()["links"]
        assert list(links) == ["self"]
    versions = cloud.request("identity", "GET", "/", user=None)
    assert (versions.status, versions.headers["Location"]) == (
        300,
        "http://identity.fakecloud.test/v3/",
    )


def test_effective_assignments_link_the_grant_and_the_prior_role(cloud):
    demo = cloud.keystone.token_for("demo")
    d = cloud.keystone.directory
    member, reader = d.role_by_name("member").id, d.role_by_name("reader").id
    path = f"/v3/role_assignments?effective&user.id={demo.user.id}"
    found = cloud.request("identity", "GET", path, user="admin").json()["role_assignments"]
    links = {a["role"]["id"]: a["links"] for a in found}
    grant = f"http://identity.fakecloud.test/v3/projects/{demo.project.id}/users/{demo.user.id}"
    assert links[member] == {"assignment": f"{grant}/roles/{member}"}
    assert links[reader] == {
        "assignment": f"{grant}/roles/{member}",
        "prior_role": f"http://identity.fakecloud.test/v3/prior_role/{reader}/implies/{member}",
    }
    inferences = cloud.request("identity", "GET", "/v3/role_inferences", user="admin").json()
    assert list(inferences) == ["role_inferences"]


def test_a_patch_answers_its_extra_and_a_string_enabled_is_the_unexpected_500(cloud):
    user_id = cloud.keystone.token_for("demo").user.id
    body = {"user": {"email": "d@example.org"}}
    patched = cloud.request("identity", "PATCH", f"/v3/users/{user_id}", body, user="admin")
    assert patched.json()["user"]["extra"] == {"email": "d@example.org"}
    assert "extra" not in cloud.request("identity", "GET", f"/v3/users/{user_id}").json()["user"]
    body = {"user": {"name": "u3", "enabled": "yes"}}
    refused = cloud.request("identity", "POST", "/v3/users", body, user="admin")
    assert refused.status == 500
    assert cloud.keystone.directory.user_by_name("u3", "default") is None


def test_a_project_acting_as_a_domain_is_the_domain(cloud):
    body = {"project": {"name": "pd", "domain_id": None, "is_domain": True}}
    made = admin(cloud, "POST", "/v3/projects", body).json()["project"]
    assert (made["is_domain"], made["domain_id"]) == (True, None)
    assert made["id"] in [d["id"] for d in admin(cloud, "GET", "/v3/domains").json()["domains"]]
    path = f"/v3/projects/{made['id']}"
    assert admin(cloud, "DELETE", path).status == 403  # enabled
    assert admin(cloud, "PATCH", path, {"project": {"enabled": False}}).status == 200
    assert admin(cloud, "DELETE", path).status == 204
    assert made["id"] not in cloud.keystone.directory.domains


def test_a_character_beyond_the_bmp_in_a_column_is_the_gates_mysqls_500(cloud):
    # devstack's MySQL holds Keystone's tables in 3-byte utf8 (lib/databases/mysql, keystone's
    # mysql_charset='utf8'): an emoji in a column is error 1366, oslo.db's DBDataError, the
    # unexpected 500 and nothing stored; in a row's extra JSON it is escaped ASCII, stored
    emoji = "web \U0001f600"
    unexpected = "An unexpected error prevented the server from fulfilling your request."
    for path, body in (
        ("/v3/projects", {"project": {"name": emoji}}),
        ("/v3/projects", {"project": {"name": "p", "description": emoji}}),
        ("/v3/users", {"user": {"name": emoji}}),
        ("/v3/groups", {"group": {"name": emoji}}),
        ("/v3/roles", {"role": {"name": emoji}}),
        ("/v3/regions", {"region": {"description": emoji}}),
    ):
        resp = admin(cloud, "POST", path, body)
        assert (resp.status, resp.json()["error"]["message"]) == (500, unexpected), path
    assert admin(cloud, "GET", "/v3/projects?name=p").json()["projects"] == []
    project = new_project(cloud, "p")
    renamed = admin(cloud, "PATCH", f"/v3/projects/{project['id']}", {"project": {"name": emoji}})
    assert renamed.status == 500
    assert admin(cloud, "GET", f"/v3/projects/{project['id']}").json()["project"]["name"] == "p"
    user = {"user": {"name": "u", "description": emoji, "email": emoji}}
    made = admin(cloud, "POST", "/v3/users", user)
    assert made.status == 201
    assert (made.json()["user"]["description"], made.json()["user"]["email"]) == (emoji, emoji)
