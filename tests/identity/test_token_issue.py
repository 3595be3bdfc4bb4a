"""``POST /v3/auth/tokens``: the password and token methods, every scope, and Keystone's errors."""

import json

import pytest
from keystone_schemas import ERROR, TOKEN, check

from fakecloud import Cloud
from tests.booted import booted


def password(user="demo", pw="demo-secret", **extra):
    return {
        "identity": {
            "methods": ["password"],
            "password": {"user": {"name": user, "password": pw, "domain": {"name": "Default"}}},
        },
        **extra,
    }


def project(name="demo"):
    return {"project": {"name": name, "domain": {"name": "Default"}}}


def post(cloud, auth, query=""):
    return cloud.request(
        "identity", "POST", "/v3/auth/tokens" + query, body={"auth": auth}, user=None
    )


@pytest.fixture
def cloud():
    return booted()


def test_password_and_project_name_give_201_a_subject_token_and_a_full_token(cloud):
    resp = post(cloud, password(scope=project()))
    assert resp.status == 201
    body = resp.json()
    check(body, TOKEN)
    token = body["token"]
    assert resp.headers["X-Subject-Token"].startswith("gAAAAAB")
    assert token["methods"] == ["password"]
    assert token["issued_at"] == "2026-01-01T00:00:00.000000Z"
    assert token["expires_at"] == "2026-01-01T01:00:00.000000Z"
    assert token["project"]["id"] == cloud.context("demo").project_id
    assert token["is_domain"] is False
    assert {e["type"] for e in token["catalog"]} >= {"compute", "image", "volumev3"}
    assert resp.headers["x-openstack-request-id"].startswith("req-")


def test_user_and_project_by_id_and_domain_by_id(cloud):
    ctx = cloud.context("demo")
    auth = {
        "identity": {
            "methods": ["password"],
            "password": {"user": {"id": ctx.user_id, "password": "demo-secret"}},
        },
        "scope": {"project": {"id": ctx.project_id}},
    }
    assert post(cloud, auth).json()["token"]["project"]["name"] == "demo"
    by_domain_id = password(scope={"project": {"name": "demo", "domain": {"id": "default"}}})
    by_domain_id["identity"]["password"]["user"]["domain"] = {"id": "default"}
    assert post(cloud, by_domain_id).status == 201


def test_the_token_works_on_the_next_request(cloud):
    token_id = post(cloud, password(scope=project())).headers["X-Subject-Token"]
    resp = cloud.request(
        "identity", "GET", "/v3/auth/projects", user=None, headers={"X-Auth-Token": token_id}
    )
    assert resp.status == 200
    assert [p["name"] for p in resp.json()["projects"]] == ["demo"]


@pytest.mark.parametrize(
    ("profile", "roles"),
    [
        # keystone-manage bootstrap: 13.x makes admin alone, 14.0.0 admin => member => reader,
        # 24.0.0 admin => manager => member => reader
        ("seed", ["admin"]),
        ("nova-18.0.0", ["admin", "member", "reader"]),
        ("nova-27.5.1", ["admin", "member", "reader"]),
        ("nova-28.0.0", ["admin", "manager", "member", "reader"]),
        ("upstream", ["admin", "manager", "member", "reader"]),
    ],
)
def test_admin_token_carries_every_role_its_releases_bootstrap_implies(profile, roles):
    cloud = Cloud(profile=profile)
    token = post(cloud, password("admin", "admin-secret", scope=project("admin"))).json()["token"]
    assert [r["name"] for r in token["roles"]] == roles


def test_wrong_password_is_a_generic_401_and_the_trace_says_why(cloud):
    resp = post(cloud, password(pw="wrong", scope=project()))
    assert resp.status == 401
    check(resp.json(), ERROR)
    assert resp.json()["error"] == {
        "code": 401,
        "message": "The request you have made requires authentication.",
        "title": "Unauthorized",
    }
    assert resp.headers["WWW-Authenticate"] == 'Keystone uri="http://identity.fakecloud.test"'
    failed = cloud.trace.filter(kind="identity.auth_failed")
    assert failed[-1]["subject"] == "demo"
    assert failed[-1]["reason"] == "wrong password for user 'demo'"


@pytest.mark.parametrize(
    ("auth", "reason"),
    [
        (password("nobody", "x", scope=project()), "no such user"),
        (password(scope=project("admin")), "has no role on project 'admin'"),
        (password(scope=project("ghost")), "no such or disabled project"),
        (password(scope={"system": {"all": True}}), "has no role on the system"),
        (password(scope={"domain": {"name": "Default"}}), "has no role on domain"),
    ],
)
def test_identity_and_scope_failures_are_401(cloud, auth, reason):
    resp = post(cloud, auth)
    assert resp.status == 401
    assert resp.json()["error"]["message"] == "The request you have made requires authentication."
    assert reason in cloud.trace.filter(kind="identity.auth_failed")[-1]["reason"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        # keystone 26.0.0 validate_issue_token_auth skips a missing auth; AuthInfo.create
        # then asks for it
        ({}, "Expecting to find auth in request body."),
        ({"auth": {}}, "'identity' is a required property"),
        ({"auth": ["password"]}, "['password'] is not of type 'object'"),
        ({"auth": {"identity": {}}}, "'methods' is a required property"),
        ({"auth": {"identity": {"methods": "password"}}}, "is not of type 'array'"),
        ({"auth": {"identity": {"methods": ["password"]}}}, "Expecting to find password in"),
        (
            {"auth": password(scope={"project": {"name": "demo"}})},
            "Expecting to find domain in project",
        ),
        (
            {
                "auth": {
                    "identity": {
                        "methods": ["password"],
                        "password": {"user": {"name": "demo", "password": "demo-secret"}},
                    }
                }
            },
            "Expecting to find domain in user",
        ),
        (
            {"auth": password(scope={**project(), "system": {"all": True}})},
            "only one of project, domain, OS-TRUST:trust or system",
        ),
    ],
)
def test_malformed_bodies_are_400_with_keystones_message(cloud, body, message):
    resp = cloud.request("identity", "POST", "/v3/auth/tokens", body=body, user=None)
    assert resp.status == 400
    check(resp.json(), ERROR)
    assert resp.json()["error"]["title"] == "Bad Request"
    assert message in resp.json()["error"]["message"]


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b'{"auth": {}}', "text/plain", "application/json in Content-Type header."),
        (b'{"auth": {}}', "application/x-www-form-urlencoded", "application/json in Content"),
        (b"[1]", "application/json", "valid JSON in request body."),
        (b"null", None, "valid JSON in request body."),
        (b"", None, "auth in request body."),
        (b'{"auth": {}}', "application/vnd.example+json", "'identity' is a required property"),
        (b'{"auth": {}}', "Application/JSON; charset=latin-1", "'identity' is a required"),
    ],
)
def test_a_body_keystone_does_not_read_as_a_json_object_is_400(cloud, body, content_type, message):
    """keystone 26.0.0 json_body_before_request: a body is read only as JSON (Flask's
    is_json: application/json or application/*+json, or no Content-Type at all), and only a
    JSON object passes; an empty body is no body (fakecloud read all of these as JSON, and
    gave a non-object the message of a missing 'identity')."""
    headers = {"Content-Type": content_type} if content_type else {}
    resp = cloud.request(
        "identity", "POST", "/v3/auth/tokens", body=body, user=None, headers=headers
    )
    assert resp.status == 400
    check(resp.json(), ERROR)
    assert message in resp.json()["error"]["message"]


def test_invalid_json_is_400(cloud):
    resp = cloud.request("identity", "POST", "/v3/auth/tokens", body=b"{not json", user=None)
    assert resp.status == 400
    assert "Expecting to find valid JSON in request body" in resp.json()["error"]["message"]


def test_an_unsupported_method_is_401_naming_the_supported_ones(cloud):
    resp = post(cloud, {"identity": {"methods": ["totp"], "totp": {}}})
    assert resp.status == 401
    assert resp.json()["error"]["message"] == (
        "Attempted to authenticate with an unsupported method."
    )
    assert resp.json()["error"]["identity"] == {
        "methods": ["password", "token", "application_credential"]
    }
    # flask.jsonify sorts an error body's keys (_handle_keystone_exception).
    assert list(resp.json()["error"]) == ["code", "identity", "message", "title"]


def test_system_scope_lists_project_bound_services_without_endpoints(cloud):
    resp = post(cloud, password("admin", "admin-secret", scope={"system": {"all": True}}))
    assert resp.status == 201
    token = resp.json()["token"]
    check(resp.json(), TOKEN)
    assert token["system"] == {"all": True}
    assert "project" not in token
    assert [r["name"] for r in token["roles"]][0] == "admin"
    # get_v3_catalog keeps a service whose URL needs a project, with no endpoints (the
    # keystone oracle, 30.0.0: tok-system)
    endpoints = {e["type"]: e["endpoints"] for e in token["catalog"]}
    assert endpoints["volumev3"] == endpoints["block-storage"] == []
    assert endpoints["compute"][0]["interface"] == "public"
    token_id = resp.headers["X-Subject-Token"]
    assert cloud.keystone.validate(token_id).context.system_scope == "all"


def test_no_scope_falls_back_to_the_default_project(cloud):
    token = post(cloud, password()).json()["token"]
    assert token["project"]["name"] == "demo"


def test_explicitly_unscoped_token_has_no_roles_and_no_catalog(cloud):
    resp = post(cloud, password(scope="unscoped"))
    assert resp.status == 201
    token = resp.json()["token"]
    check(resp.json(), TOKEN)
    assert "roles" not in token and "catalog" not in token and "project" not in token


def test_nocatalog_leaves_the_catalog_out(cloud):
    token = post(cloud, password(scope=project()), query="?nocatalog").json()["token"]
    assert "catalog" not in token
    assert token["project"]["name"] == "demo"


def test_token_method_rescopes_and_keeps_the_original_expiry(cloud):
    first = post(cloud, password(scope="unscoped"))
    cloud.advance(600.25)  # a fraction of a second: rendered with its six digits
    auth = {
        "identity": {"methods": ["token"], "token": {"id": first.headers["X-Subject-Token"]}},
        "scope": project(),
    }
    resp = post(cloud, auth)
    assert resp.status == 201
    token = resp.json()["token"]
    check(resp.json(), TOKEN)
    assert token["methods"] == ["token", "password"]
    assert token["issued_at"] == "2026-01-01T00:10:00.250000Z"
    assert token["expires_at"] == first.json()["token"]["expires_at"]
    assert token["audit_ids"][1] == first.json()["token"]["audit_ids"][0]
    assert token["project"]["name"] == "demo"


def test_token_method_with_an_unknown_token_is_404(cloud):
    # the Fernet formatter cannot decrypt it (the keystone oracle, 30.0.0)
    # (from 15.0.0; keystone 13 and 14 name the token)
    resp = post(cloud, {"identity": {"methods": ["token"], "token": {"id": "nope"}}})
    assert resp.status == 404
    assert resp.json()["error"]["message"] == "This is not a recognized Fernet token nope"
    auth = {"identity": {"methods": ["token"], "token": {"id": "x"}}}
    upstream = post(Cloud(profile="upstream"), auth)
    assert upstream.json()["error"]["message"] == "Could not recognize Fernet token"


def test_tokens_are_the_same_for_the_same_seed_and_calls():
    a = post(Cloud(seed=5), password(scope=project()))
    b = post(Cloud(seed=5), password(scope=project()))
    assert a.headers["X-Subject-Token"] == b.headers["X-Subject-Token"]
    assert json.dumps(a.json()) == json.dumps(b.json())


def test_issuing_is_traced_with_scope_roles_and_expiry(cloud):
    post(cloud, password(scope=project()))
    event = cloud.trace.filter(kind="identity.token_issued")[-1]
    assert event["subject"] == "demo"
    assert event["scope"] == "project:demo"
    assert event["roles"] == ["member"]  # Queens: member implies nothing
    assert event["expires_at"] == 3600.0


#: A user Keystone knows but will not scope a token for: no role on its own project.
_ROLELESS = {
    "identity": {"users": {"alice": {"password": "a-secret", "project": "demo", "roles": []}}}
}


def test_cloud_request_as_a_user_keystone_refuses_answers_keystones_401():
    cloud = Cloud(config=_ROLELESS)
    resp = cloud.request("compute", "GET", "/v2.1/servers", user="alice")
    # What alice's client meets: Keystone's refusal of its password request, not Nova.
    assert resp.status == 401
    assert resp.json() == {
        "error": {
            "code": 401,
            "message": "The request you have made requires authentication.",
            "title": "Unauthorized",
        }
    }
    assert resp.headers["WWW-Authenticate"] == 'Keystone uri="http://identity.fakecloud.test"'
    reason = cloud.trace.filter(kind="identity.auth_failed")[-1]["reason"]
    assert reason == "user 'alice' has no role on project 'demo'"
    assert not [e for e in cloud.trace.filter(kind="api.request") if e["actor"] == "nova-api"]


def test_a_scenario_step_as_a_user_keystone_refuses_gets_401(tmp_path):
    from fakecloud.scenario import load
    from fakecloud.scenario.runner import run_case

    path = tmp_path / "roleless.yaml"
    path.write_text(
        "name: roleless\n"
        "cloud:\n"
        "  users:\n"
        "    alice: {project: demo, roles: []}\n"
        "steps:\n"
        "  - name: list\n"
        "    as: alice\n"
        "    request: GET /servers\n"
        "    expect:\n"
        "      status: 401\n"
        "      body: {error: {code: 401, title: Unauthorized}}\n"
    )
    result = run_case(load(path).cases[0])
    assert result.passed, result.failures
    reason = result.trace.filter(kind="identity.auth_failed")[-1]["reason"]
    assert reason == "user 'alice' has no role on project 'demo'"


def _refusal(cloud, auth):
    resp = cloud.request("identity", "POST", "/v3/auth/tokens", body={"auth": auth}, user=None)
    assert resp.status == 400
    check(resp.json(), ERROR)
    assert resp.json()["error"]["code"] == 400
    return resp.json()["error"]["message"]


def test_a_schema_refusal_carries_jsonschemas_whole_text_as_keystone_words_it(cloud):
    """keystone 26.0.0 keystone/common/validation/validators.py SchemaValidator.validate:
    the message is ``str(ex)`` of jsonschema's ValidationError (message, failing schema,
    instance), after ``Invalid input for field '<path>': `` when the error has a path; the
    flask handler (keystone/server/flask/application.py _handle_keystone_exception) renders
    it as is, debug or not (fakecloud gave only the first line). The failing schema as
    27.0.0's jsonschema prints it (its keys sorted before: 2.6.0 to 4.19.2)."""
    old = _refusal(cloud, {"identity": {"methods": "password"}})
    assert "\n    {'items': {'type': 'string'}, 'type': 'array'}\n" in old
    cloud = Cloud(profile="upstream")
    message = _refusal(cloud, {"identity": {"methods": "password"}})
    assert message == (
        "Invalid input for field 'identity/methods': 'password' is not of type 'array'\n\n"
        "Failed validating 'type' in schema['properties']['identity']['properties']['methods']:"
        "\n    {'type': 'array', 'items': {'type': 'string'}}\n\n"
        "On instance['identity']['methods']:\n    'password'"
    )
    bare = _refusal(cloud, ["password"])
    assert bare.startswith("['password'] is not of type 'object'\n\nFailed validating 'type'")
    assert bare.endswith("\n\nOn instance:\n    ['password']")


@pytest.mark.parametrize(
    ("auth", "message"),
    [
        # keystone 26.0.0 keystone/auth/schema.py token_issue: types checked before methods
        (
            {"identity": {"methods": ["password"], "password": {"user": {"id": 5}}}},
            "Invalid input for field 'identity/password/user/id': 5 is not of type 'string'\n",
        ),
        (
            {"identity": {"methods": ["token"], "token": {}}},
            "Invalid input for field 'identity/token': 'id' is a required property\n",
        ),
        (
            password(scope={"system": {"all": "yes"}}),
            "Invalid input for field 'scope/system/all': 'yes' is not of type 'boolean'\n",
        ),
        (
            {"identity": {"methods": ["kerberos"]}, "scope": 5},
            "Invalid input for field 'scope': 5 is not of type 'object', 'string'\n",
        ),
        # validate_issue_token_auth: a user, project or domain needs an id or a name
        (
            {"identity": {"methods": ["password"], "password": {"user": {"password": "x"}}}},
            "Invalid input for field identity/password/user: id or name must be present.",
        ),
        (
            {
                "identity": {
                    "methods": ["password"],
                    "password": {"user": {"name": "u", "domain": {}}},
                }
            },
            "Invalid input for field identity/password/user/domain: id or name must be present.",
        ),
        (
            password(scope={"project": {}}),
            "Invalid input for field scope/project: id or name must be present.",
        ),
        (
            password(scope={"project": {"name": "demo", "domain": {}}}),
            "Invalid input for field scope/project/domain: id or name must be present.",
        ),
        (
            password(scope={"domain": {}}),
            "Invalid input for field scope/domain: id or name must be present.",
        ),
    ],
)
def test_keystones_auth_schema_refuses_before_any_lookup(cloud, auth, message):
    got = _refusal(cloud, auth)
    if message.endswith("\n"):  # a jsonschema error: its first line, then the schema dump
        assert got.startswith(message)
    else:
        assert got == message


@pytest.mark.parametrize(
    ("profile", "printed"),
    [
        # jsonschema 4.19.2 and older (the series' pin through 2024.2) pprint a schema sorted
        ("nova-29.2.0", "{'properties': {'identity': {'properties': {'methods': {'items': "),
        ("upstream", "{'type': 'object',\n     'properties': {'identity': {'type': 'object',"),
    ],
)
def test_a_refused_token_body_prints_the_schema_as_the_release_does(profile, printed):
    # every Keystone's imports add None to the shared boolean's enum (`validation.nullable`'s
    # shallow copy): system.all's enum shows it (the keystone oracle, 25.0.0 and 30.0.0)
    cloud = Cloud(profile=profile)
    resp = cloud.request("identity", "POST", "/v3/auth/tokens", body={"auth": {}}, user=None)
    assert resp.status == 400
    message = resp.json()["error"]["message"]
    assert message.startswith(
        "'identity' is a required property\n\nFailed validating 'required' in schema:\n    "
        + printed
    )
    assert "[True,\n" + " " * 88 + "False,\n" + " " * 88 + "None]" in message
