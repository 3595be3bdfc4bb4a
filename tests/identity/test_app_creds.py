"""Keystone's application credentials and access rules: made, used to authenticate (by id, by
name and user, with openstacksdk's ``v3applicationcredential``), refused in Keystone's words,
and gone with their deletion, their user's, or their role's; and credentials
(``/v3/credentials``): read back with their blob plain, listed by what the caller may read.

Each test uses its own fork of one booted ``upstream`` world (keystone's latest words and
policy); the last reads keystone 13's (``seed``).
"""

import hashlib
import json

import openstack
import pytest
from keystone_schemas import APP_CRED, ERROR, TOKEN, check

from fakecloud import Cloud


def call(cloud, method, path, body=None, token=None, user="demo"):
    headers = {"X-Auth-Token": token} if token else None
    return cloud.request("identity", method, path, body, user=None if token else user,
                         headers=headers)  # fmt: skip


def made(cloud, user="demo", **fields):
    user_id = cloud.keystone.directory.user_by_name(user).id
    body = {"application_credential": {"name": "ci", **fields}}
    resp = call(cloud, "POST", f"/v3/users/{user_id}/application_credentials", body, user=user)
    assert resp.status == 201, resp.json()
    check(resp.json()["application_credential"], APP_CRED)
    return resp.json()["application_credential"]


def auth(cloud, ref, **extra):
    body = {"auth": {"identity": {"methods": ["application_credential"],
                                  "application_credential": ref}, **extra}}  # fmt: skip
    return cloud.request("identity", "POST", "/v3/auth/tokens", body, user=None)


def error(resp):
    check(resp.json(), ERROR)
    return resp.status, resp.json()["error"]["message"]


def test_an_app_cred_authenticates_until_it_is_deleted(cloud):
    cred = made(cloud, roles=[{"name": "reader"}], description="monitoring")
    demo = cloud.keystone.directory.user_by_name("demo").id
    assert cred["roles"][0]["name"] == "reader" and cred["unrestricted"] is None
    got = auth(cloud, {"id": cred["id"], "secret": cred["secret"]})
    assert got.status == 201
    check(got.json(), TOKEN)
    body = got.json()["token"]
    assert body["methods"] == ["application_credential"]
    assert body["project"]["id"] == cred["project_id"]
    assert [r["name"] for r in body["roles"]] == ["reader"]
    assert body["application_credential"] == {"id": cred["id"], "name": "ci", "restricted": True}
    by_name = {"name": "ci", "secret": cred["secret"],
               "user": {"name": "demo", "domain": {"id": "default"}}}  # fmt: skip
    assert auth(cloud.fork(), by_name).status == 201  # a fork keeps it
    assert error(auth(cloud, {"id": cred["id"], "secret": "wrong"}))[0] == 401
    one = f"/v3/users/{demo}/application_credentials/{cred['id']}"
    shown = call(cloud, "GET", one).json()["application_credential"]
    assert "secret" not in shown and shown["description"] == "monitoring"
    listed = call(cloud, "GET", f"/v3/users/{demo}/application_credentials?name=ci").json()
    assert [c["id"] for c in listed["application_credentials"]] == [cred["id"]]
    token = got.headers["X-Subject-Token"]
    assert call(cloud, "DELETE", one).status == 204
    gone = cloud.request("identity", "GET", "/v3/auth/tokens", user="admin",
                         headers={"X-Subject-Token": token})  # fmt: skip
    missing = (404, f"Could not find Application Credential: {cred['id']}.")
    assert error(auth(cloud, {"id": cred["id"], "secret": cred["secret"]})) == missing
    # nothing is revoked: validating the token reads its credential (keystone 13.0.0-30.0.0;
    # the keystone oracle), as Keystone's own middleware does; a service's says 401
    assert error(gone) == missing
    rescoped = {"auth": {"identity": {"methods": ["token"], "token": {"id": token}}}}
    assert error(call(cloud, "POST", "/v3/auth/tokens", rescoped, user=None)) == missing
    assert error(call(cloud, "GET", "/v3/auth/projects", token=token)) == missing
    assert cloud.request("compute", "GET", "/v2.1/servers", user=None,
                         headers={"X-Auth-Token": token}).status == 401  # fmt: skip


def test_refusals_are_keystones(cloud):
    cred = made(cloud)
    demo = cloud.keystone.directory.user_by_name("demo").id
    creds = f"/v3/users/{demo}/application_credentials"
    token = auth(cloud, {"id": cred["id"], "secret": cred["secret"]}).headers["X-Subject-Token"]
    restricted = call(cloud, "POST", creds, {"application_credential": {"name": "x"}}, token)
    assert error(restricted) == (
        403,
        "You are not authorized to perform the requested action: Using method "
        "'application_credential' is not allowed for managing additional application "
        "credentials..",
    )
    assert error(call(cloud, "POST", creds, {"application_credential": {"name": "ci"}})) == (
        409,
        "Conflict occurred attempting to store application_credential - Duplicate entry found "
        "with name ci.",
    )
    admin_role = {"application_credential": {"name": "y", "roles": [{"name": "admin"}]}}
    assert error(call(cloud, "POST", creds, admin_role)) == (
        400,
        "Invalid application credential: Cannot create an application credential with "
        "unassigned role",
    )
    assert error(
        call(cloud, "POST", creds, {"application_credential": {"name": "z"}}, user="admin")
    ) == (  # fmt: skip
        403,
        "You are not authorized to perform the requested action: "
        "identity:create_application_credential.",
    )
    past = {"application_credential": {"name": "old", "expires_at": "2000-01-01T00:00:00"}}
    assert error(call(cloud, "POST", creds, past))[0] == 400
    scoped = auth(cloud, {"id": cred["id"], "secret": cred["secret"]},
                  scope={"project": {"name": "demo", "domain": {"id": "default"}}})  # fmt: skip
    assert scoped.json()["error"] == {
        "code": 401,
        "identity": {},
        "message": "Error authenticating with application credential: Application credentials "
        "cannot request a scope.",
        "title": "Unauthorized",
    }


def test_an_auth_of_wrong_types_gets_keystones_answers(cloud):
    """``AuthInfo._lookup_app_cred`` (keystone 13.0.0-30.0.0 auth/core.py) reads the body with
    ``.get``, ``user['name']`` and SQL queries: no object where one is read, a missing user
    name, a list where the driver binds a value are its unexpected 500; an unknown user name
    is ``UserNotFound``'s 404, which nothing catches (found by session 31's fuzzing: fakecloud
    crashed on a list id, and answered 400 or 401 for the rest)."""
    demo = cloud.keystone.directory.user_by_name("demo").id
    errors = len(cloud.trace.filter(kind="api.error"))
    unexpected = (500, "An unexpected error prevented the server from fulfilling your request.")
    for ref in (
        ["x"],
        {"id": ["x"], "secret": "s"},
        {"name": "ci", "user": "demo"},
        {"name": "ci", "user": {"domain": {"id": "default"}}},
        {"name": "ci", "user": {"name": "demo", "domain": "default"}},
        {"name": "ci", "user": {"id": [demo]}},
        {"name": ["ci"], "user": {"id": demo}},
    ):
        assert error(auth(cloud, ref)) == unexpected, ref
    nobody = {"name": "ci", "user": {"name": "nobody", "domain": {"name": "Default"}}}
    assert error(auth(cloud, nobody)) == (404, "Could not find user: nobody.")
    assert error(auth(cloud, {"id": 5}))[0] == 404
    assert len(cloud.trace.filter(kind="api.error")) == errors  # each on purpose


def test_expiry_ends_its_tokens_and_its_use(cloud):
    cred = made(cloud, expires_at="2026-01-01T00:30:00.250000")
    assert cred["expires_at"] == "2026-01-01T00:30:00.250000"
    got = auth(cloud, {"id": cred["id"], "secret": cred["secret"]})
    assert got.json()["token"]["expires_at"] == "2026-01-01T00:30:00.250000Z"
    cloud.advance(1801)
    assert error(auth(cloud, {"id": cred["id"], "secret": cred["secret"]}))[0] == 401
    # CVE-2022-2447's cap: keystone 23.0.0, backports 21.0.1 and 22.0.1; 22.0.0's token lives on
    zed = Cloud(profile="nova-26.2.0")
    cred = made(zed, expires_at="2026-01-01T00:30:00.250000")
    got = auth(zed, {"id": cred["id"], "secret": cred["secret"]})
    assert got.json()["token"]["expires_at"] == "2026-01-01T01:00:00.000000Z"


def test_a_users_or_a_roles_deletion_deletes_its_app_creds(cloud):
    d = cloud.keystone.directory
    admin = lambda *a: call(cloud, *a, user="admin")  # noqa: E731
    demo, alt, project = (
        d.user_by_name("demo").id,
        d.user_by_name("demo-reader").id,
        d.project_by_name("demo").id,
    )
    role = admin("POST", "/v3/roles", {"role": {"name": "ops"}}).json()["role"]["id"]
    assert admin("PUT", f"/v3/projects/{project}/users/{demo}/roles/{role}").status == 204
    made(cloud, roles=[{"name": "member"}])  # all of a holder's on the project go, not only ops'
    made(cloud, user="demo-reader")
    assert admin("DELETE", f"/v3/roles/{role}").status == 204
    listed = lambda user: admin("GET", f"/v3/users/{user}/application_credentials").json()  # noqa: E731
    assert listed(demo)["application_credentials"] == []
    assert [c["name"] for c in listed(alt)["application_credentials"]] == ["ci"]
    assert admin("DELETE", f"/v3/users/{alt}").status == 204
    assert listed(alt)["application_credentials"] == []


def test_access_rules_are_kept_per_user_and_in_use_until_unused(cloud):
    rule = {"service": "compute", "path": "/v2.1/servers", "method": "GET"}
    cred = made(cloud, access_rules=[rule])
    demo = cloud.keystone.directory.user_by_name("demo").id
    rule_id = cred["access_rules"][0]["id"]
    assert cred["access_rules"] == [{"id": rule_id, **rule}]
    token = auth(cloud, {"id": cred["id"], "secret": cred["secret"]}).json()["token"]
    assert token["application_credential"]["access_rules"] == cred["access_rules"]
    rules = f"/v3/users/{demo}/access_rules"
    listed = call(cloud, "GET", f"{rules}?service=compute").json()["access_rules"]
    assert [r["id"] for r in listed] == [rule_id]
    assert error(call(cloud, "DELETE", f"{rules}/{rule_id}")) == (
        403,
        "May not delete access rule in use",
    )
    assert error(call(cloud, "GET", f"{rules}/{rule_id}", user="demo-reader"))[0] == 403
    one = f"/v3/users/{demo}/application_credentials/{cred['id']}"
    assert call(cloud, "DELETE", one).status == 204
    assert call(cloud, "DELETE", f"{rules}/{rule_id}").status == 204
    assert error(call(cloud, "GET", f"{rules}/{rule_id}")) == (
        404,
        f"Could not find Access Rule: {rule_id}.",
    )


def test_openstacksdk_authenticates_with_an_app_cred(cloud):
    cred = made(cloud)
    with cloud.intercept():
        conn = openstack.connect(**cloud.credentials(application_credential=cred))
        assert conn.current_project_id == cred["project_id"]


def test_keystone_13_words_and_routes():
    cloud = Cloud(profile="seed")
    demo = cloud.keystone.directory.user_by_name("demo").id
    refused = call(cloud, "POST", f"/v3/users/{demo}/application_credentials",
                   {"application_credential": {"name": "x"}}, user="admin")  # fmt: skip
    assert error(refused) == (
        403,
        "You are not authorized to perform the requested action: Cannot create an application "
        "credential for another user.",
    )
    assert call(cloud, "GET", f"/v3/users/{demo}/access_rules").status == 404


def cred_call(cloud, method, path, body=None, user="demo", **kw):
    return cloud.request("identity", method, path, body, user=user, **kw)


def test_a_credential_keystone_cannot_encode_is_its_500(cloud):
    """The ec2 id hashes ``access.encode('utf8')``, the fernet provider encrypts
    ``blob.encode('utf-8')`` and the SQL driver writes each field (keystone 13.0.0-30.0.0): an
    access key that is no string, or a lone surrogate in a stored field, is Keystone's
    unexpected 500 and nothing is made (fakecloud raised, found by session 31's probes)."""
    demo, project = cloud.keystone.directory.user_by_name("demo").id, "x"
    errors = len(cloud.trace.filter(kind="api.error"))
    for ref in (
        {"type": "cert", "user_id": demo, "blob": "\ud800"},
        {"type": "cert", "user_id": "\ud800", "blob": "b"},
        {"type": "ec2", "user_id": demo, "project_id": project, "blob": '{"access": 5}'},
        {"type": "ec2", "user_id": demo, "project_id": project, "blob": '{"access": "\ud800"}'},
    ):
        resp = cred_call(cloud, "POST", "/v3/credentials", {"credential": ref}, user="admin")
        assert error(resp) == (
            500,
            "An unexpected error prevented the server from fulfilling your request.",
        ), ref
    assert cred_call(cloud, "GET", "/v3/credentials", user="admin").json()["credentials"] == []
    assert len(cloud.trace.filter(kind="api.error")) == errors


def test_a_users_credentials_are_its_own_until_it_goes(cloud):
    d = cloud.keystone.directory
    demo, project = d.user_by_name("demo").id, d.project_by_name("demo").id
    blob = json.dumps({"access": "AK", "secret": "SK"})
    ec2 = {"credential": {"type": "ec2", "user_id": demo, "project_id": project, "blob": blob}}
    made = cred_call(cloud, "POST", "/v3/credentials", ec2)
    assert made.status == 201
    cred = made.json()["credential"]
    assert cred["id"] == hashlib.sha256(b"AK").hexdigest()  # an ec2 credential's id
    assert cred["blob"] == blob and cred["type"] == "ec2"
    assert error(cred_call(cloud, "POST", "/v3/credentials", ec2)) == (
        409,
        f"Conflict occurred attempting to store credential - Duplicate entry found with ID "
        f"{cred['id']}.",
    )
    cert = {"credential": {"type": "cert", "user_id": demo, "blob": "pem"}}
    other = cred_call(cloud, "POST", "/v3/credentials", cert, user="admin").json()["credential"]
    theirs = {"credential": {"type": "cert", "user_id": d.user_by_name("admin").id, "blob": "x"}}
    assert error(cred_call(cloud, "POST", "/v3/credentials", theirs)) == (
        403,
        "You are not authorized to perform the requested action: identity:create_credential.",
    )
    listed = cred_call(cloud, "GET", "/v3/credentials?type=cert").json()["credentials"]
    assert [c["id"] for c in listed] == [other["id"]]
    unseen = cred_call(cloud, "GET", "/v3/credentials", user="demo-reader").json()
    assert unseen["credentials"] == []
    one = f"/v3/credentials/{other['id']}"
    patched = cred_call(cloud, "PATCH", one, {"credential": {"blob": "pem2"}}).json()["credential"]
    assert patched["blob"] == "pem2"
    assert error(cred_call(cloud, "PATCH", one, {"credential": {"type": "totp"}}))[0] == 400
    assert error(cred_call(cloud, "GET", one, user="demo-reader"))[0] == 403
    assert cred_call(cloud, "DELETE", one).status == 204
    assert error(cred_call(cloud, "GET", one))[0] == 403  # no record: no owner to match
    assert error(cred_call(cloud, "GET", one, user="admin")) == (
        404,
        f"Could not find credential: {other['id']}.",
    )
    assert cred_call(cloud, "DELETE", f"/v3/users/{demo}", user="admin").status == 204
    assert cred_call(cloud, "GET", "/v3/credentials", user="admin").json()["credentials"] == []


def test_keystone_13_lets_an_admin_alone_on():
    cloud = Cloud(profile="seed")
    demo = cloud.keystone.directory.user_by_name("demo").id
    cert = {"credential": {"type": "cert", "user_id": demo, "blob": "pem"}}
    assert error(cred_call(cloud, "POST", "/v3/credentials", cert)) == (
        403,
        "You are not authorized to perform the requested action: identity:create_credential.",
    )
    ec2 = {"credential": {"type": "ec2", "user_id": demo, "blob": "{}"}}
    assert error(cred_call(cloud, "POST", "/v3/credentials", ec2, user="admin"))[0] == 400
    assert cred_call(cloud, "POST", "/v3/credentials", cert, user="admin").status == 201


def test_only_a_secrets_first_72_bytes_count(cloud):
    # keystone's default hash, bcrypt, reads 72 bytes (passlib's silent truncation to 20.x,
    # password_hashing.verify_length_and_trunc_password since): a made secret has 86
    cred = made(cloud)
    secret = cred["secret"]
    assert len(secret) == 86
    assert auth(cloud, {"id": cred["id"], "secret": secret[:72] + "anything"}).status == 201
    assert error(auth(cloud, {"id": cred["id"], "secret": secret[:71]}))[0] == 401


def test_keystone_13_deletes_the_app_creds_of_a_revoked_grants_holders(cloud):
    # keystone 13.0.0 delete_grant / delete_tokens_for_role_assignments: each user's (a group's
    # members') token persistence notification deletes its credentials on the project;
    # 14.0.0 on a revoke deletes none
    for profile, left in (("seed", []), ("upstream", ["ci"])):
        c = Cloud(profile=profile) if profile == "seed" else cloud
        d = c.keystone.directory
        admin = lambda *a, c=c: call(c, *a, user="admin")  # noqa: E731
        demo, project = d.user_by_name("demo").id, d.project_by_name("demo").id
        group = admin("POST", "/v3/groups", {"group": {"name": "ops"}}).json()["group"]["id"]
        assert admin("PUT", f"/v3/groups/{group}/users/{demo}").status == 204
        grant = f"/v3/projects/{project}/groups/{group}/roles/{d.role_by_name('reader').id}"
        assert admin("PUT", grant).status == 204
        made(c, roles=[{"name": "member"}])
        assert admin("DELETE", grant).status == 204  # demo keeps member on demo
        listed = admin("GET", f"/v3/users/{demo}/application_credentials").json()
        assert [a["name"] for a in listed["application_credentials"]] == left


def test_a_password_too_is_read_to_its_72nd_byte(cloud):
    # keystone hashes a user's password as a secret (bcrypt: 72 bytes)
    long = "p" * 72
    made_user = call(cloud, "POST", "/v3/users", {"user": {"name": "u72", "password": long + "1"}},
                     user="admin").json()["user"]  # fmt: skip
    password = {"user": {"id": made_user["id"], "password": long + "2"}}
    body = {"auth": {"identity": {"methods": ["password"], "password": password}}}
    assert call(cloud, "POST", "/v3/auth/tokens", body, user=None).status == 201
    password["user"]["password"] = long[1:]
    assert call(cloud, "POST", "/v3/auth/tokens", body, user=None).status == 401


def test_what_of_a_long_password_counts_per_release():
    """``verify_length_and_trunc_password`` (common/password_hashing.py): keystone 22.0.0 cuts
    at ``max_password_length`` (4,096 characters) and bcrypt reads 72 bytes; 23.0.0 alone
    (3288af579, ``nova-27.0.0``/``27.1.0``) cuts at 54 characters, so 60 of them pass for a
    password of 76, and says so; 23.0.1 (``nova-27.2.0``, 6730c761d) cuts at 72 bytes. An
    application credential's secret is cut the same way. No release refuses a long password
    (``strict_password_check`` off)."""
    long = "x" * 72 + "tail"
    for profile, cut in (("nova-26.0.0", None), ("nova-27.0.0", 54), ("nova-27.2.0", 72)):
        cloud = Cloud(profile=profile)
        made_user = call(cloud, "POST", "/v3/users", {"user": {"name": "u", "password": long}},
                         user="admin").json()["user"]  # fmt: skip
        password = {"user": {"id": made_user["id"], "password": "x" * 72 + "other"}}
        body = {"auth": {"identity": {"methods": ["password"], "password": password}}}
        assert call(cloud, "POST", "/v3/auth/tokens", body, user=None).status == 201
        password["user"]["password"] = "x" * 60
        assert call(cloud, "POST", "/v3/auth/tokens", body, user=None).status == (
            201 if cut == 54 else 401
        )
        cred = made(cloud, secret=long)  # a secret is cut as a password is
        short = auth(cloud, {"id": cred["id"], "secret": "x" * 54 + "zz"})
        assert short.status == (201 if cut == 54 else 401)
        warnings = [(e["subject"], e["message"]) for e in cloud.trace.filter(kind="log")]
        said = {54: "Truncating user password to 54 characters.",
                72: "Truncating user password to 72 characters."}.get(cut)  # fmt: skip
        expected = {54: ["u", made_user["id"], made_user["id"], "ci", cred["id"]],
                    72: ["u", made_user["id"], "ci"]}  # fmt: skip
        assert warnings == [(who, said) for who in expected.get(cut, [])]


def test_a_password_or_secret_keystone_cannot_encode_is_its_500(cloud):
    """``hash_password`` and ``check_password`` encode a password or an application
    credential's secret as UTF-8 (keystone 13.0.0-30.0.0 common/password_hashing.py): a lone
    surrogate (JSON's ``"\\ud800"``) is Keystone's unexpected 500 wherever one is checked or
    stored, before a duplicate name's 409, and nothing changes (fakecloud raised; found by
    session 32's fuzzing of the 72-byte secrets)."""
    bad, demo = "pw\ud800", cloud.keystone.directory.user_by_name("demo")
    unexpected = (500, "An unexpected error prevented the server from fulfilling your request.")
    errors = len(cloud.trace.filter(kind="api.error"))
    password = {"user": {"name": "demo", "domain": {"id": "default"}, "password": bad}}
    body = {"auth": {"identity": {"methods": ["password"], "password": password}}}
    assert error(call(cloud, "POST", "/v3/auth/tokens", body, user=None)) == unexpected
    for change in ({"original_password": bad, "password": "p"},
                   {"original_password": demo.password, "password": bad}):  # fmt: skip
        path = f"/v3/users/{demo.id}/password"
        assert error(call(cloud, "POST", path, {"user": change}, user=None)) == unexpected
    user = {"user": {"name": "demo", "password": bad}}  # "demo" is taken: the hash comes first
    assert error(call(cloud, "POST", "/v3/users", user, user="admin")) == unexpected
    user = {"user": {"password": bad}}
    assert error(call(cloud, "PATCH", f"/v3/users/{demo.id}", user, user="admin")) == unexpected
    ref = {"name": made(cloud)["name"], "secret": bad}  # a taken name too
    path = f"/v3/users/{demo.id}/application_credentials"
    body = {"application_credential": ref}
    assert error(call(cloud, "POST", path, body)) == unexpected
    assert cloud.keystone.directory.user_by_name("demo").password == demo.password
    assert len(cloud.trace.filter(kind="api.error")) == errors


def test_a_name_keystone_s_database_cannot_encode_is_its_500_and_nothing_is_stored(cloud):
    """A string Keystone's SQL backend writes to a column or queries by, UTF-8 cannot encode
    (JSON's ``"\\ud800"``), is oslo.db's ``DBInvalidUnicodeParameter`` (exc_filters
    ``_raise_for_unicode_encode``): Keystone's 500, nothing stored (keystone 22.0.0 and 30.0.0
    by the oracle's harness). One kept in ``extra`` (a user's description) is stored, and
    read back. fakecloud stored every such name (session 32's fuzzing, follow-up)."""
    bad, demo = "x\ud800", cloud.keystone.directory.user_by_name("demo")
    unexpected = (500, "An unexpected error prevented the server from fulfilling your request.")
    errors = len(cloud.trace.filter(kind="api.error"))
    reads = ("/v3/projects", "/v3/roles", "/v3/endpoints", "/v3/services")
    before = {p: call(cloud, "GET", p, user="admin").json() for p in reads}
    service = before["/v3/services"]["services"][0]["id"]
    project = cloud.keystone.directory.project_by_name("demo").id
    writes = [
        ("POST", "/v3/users", {"user": {"name": bad}}),
        ("PATCH", f"/v3/users/{demo.id}", {"user": {"name": bad}}),
        ("POST", "/v3/projects", {"project": {"name": "p", "description": bad}}),
        ("POST", "/v3/projects", {"project": {"name": "p", "tags": [bad]}}),
        ("POST", "/v3/groups", {"group": {"name": bad}}),
        ("POST", "/v3/roles", {"role": {"name": bad}}),
        ("POST", "/v3/domains", {"domain": {"name": bad}}),
        ("POST", "/v3/regions", {"region": {"id": bad}}),
        ("POST", f"/v3/users/{demo.id}/application_credentials",
         {"application_credential": {"name": bad}}),
        ("POST", "/v3/endpoints", {"endpoint": {"service_id": service, "interface": "public",
                                                "url": "http://x/" + bad}}),
        ("PATCH", f"/v3/services/{service}", {"service": {"type": bad}}),
        ("PUT", f"/v3/projects/{project}/tags", {"tags": [bad]}),
    ]  # fmt: skip
    for method, path, body in writes:
        who = "demo" if "application_credentials" in path else "admin"
        assert error(call(cloud, method, path, body, user=who)) == unexpected, path
    scope = {"project": {"name": bad, "domain": {"id": "default"}}}
    password = {"user": {"id": demo.id, "password": "demo-secret"}}
    body = {"auth": {"identity": {"methods": ["password"], "password": password}, "scope": scope}}
    assert error(call(cloud, "POST", "/v3/auth/tokens", body, user=None)) == unexpected
    assert cloud.keystone.directory.user_by_name("demo") is not None
    after = {p: call(cloud, "GET", p, user="admin").json() for p in reads}
    assert after == before
    made_user = call(cloud, "POST", "/v3/users", {"user": {"name": "u", "description": bad}},
                     user="admin")  # fmt: skip
    assert made_user.status == 201
    shown = call(cloud, "GET", f"/v3/users/{made_user.json()['user']['id']}", user="admin")
    assert shown.json()["user"]["description"] == bad
    assert len(cloud.trace.filter(kind="api.error")) == errors


def test_a_secret_that_is_no_string_is_checked_as_a_password(cloud):
    """No schema reads an application credential auth, so its secret reaches
    ``check_password``: none is the 401, any other that is no string the ValidationError of
    ``verify_length_and_trunc_password`` (keystone 30.0.0; 24.0.0 and the backports to 21.0.1,
    22.0.1, 23.0.1 encode it first), and before 21 a list or a mapping, which has a length, is
    the unexpected 500 of its ``.encode`` (keystone 20.0.0 common/password_hashing.py; found
    left by session 31, fakecloud answered 401)."""
    ac = made(cloud)
    unexpected = (500, "An unexpected error prevented the server from fulfilling your request.")
    refused = (400, "Expecting to find string in password. The server could not comply with the "
               "request since it is either malformed or otherwise incorrect. The client is "
               "assumed to be in error.")  # fmt: skip
    assert auth(cloud, {"id": ac["id"], "secret": None}).status == 401
    for secret in (5, ["s"], {"s": 1}):
        assert error(auth(cloud, {"id": ac["id"], "secret": secret})) == refused, secret
    # keystone 20, 22.0.0 (before 22.0.1's backport: Nova 26.2.1 is the next after it), 22.0.1
    for profile, checked in (("nova-24.0.0", False), ("nova-26.2.0", False), ("nova-26.2.1", True)):
        old = Cloud(profile=profile)
        ac = made(old)
        assert error(auth(old, {"id": ac["id"], "secret": 5})) == refused
        listed = error(auth(old, {"id": ac["id"], "secret": ["s"]}))
        assert listed == (refused if checked else unexpected), profile


def test_an_expiry_is_what_iso8601_reads_and_an_empty_one_is_keystone_s_500(cloud):
    """``utils.parse_expiration_date`` appends ``Z`` and reads the time with
    ``timeutils.parse_isotime`` (iso8601): ``2030-1-1T00:00:00`` and ``203001-01T00:00:00`` are
    times, a lower-case ``t``, a trailing space or ``T00.5`` are not (fakecloud read them with
    ``fromisoformat``, the other way round). An empty one is not parsed (``if
    app_cred_data.get('expires_at')``) and the column refuses it at the INSERT: Keystone's
    unexpected 500, before a taken name's 409, nothing stored (keystone 14.0.0-30.0.0; 25.0.0
    and 30.0.0 by the oracle's harness; fakecloud made it, never expiring: found by session
    33's fuzzing of the application credentials)."""
    user = cloud.keystone.directory.user_by_name("demo").id
    path = f"/v3/users/{user}/application_credentials"
    for n, when in enumerate(["2030-1-1T00:00:00", "203001-01T00:00:00", "2030-01-01T00:00:0"]):
        body = {"application_credential": {"name": f"t{n}", "expires_at": when}}
        made_ = call(cloud, "POST", path, body)
        assert made_.status == 201, when
        assert made_.json()["application_credential"]["expires_at"] == "2030-01-01T00:00:00.000000"
    bad = (400, "Timestamp not in expected format. The server could not comply with the request "
           "since it is either malformed or otherwise incorrect. The client is assumed to be in "
           "error.")  # fmt: skip
    for when in ["2030-01-01t00:00:00", "2030-01-01T00:00:00 ", "2030-01-01T00.5"]:
        body = {"application_credential": {"name": "u", "expires_at": when}}
        assert error(call(cloud, "POST", path, body)) == bad, when
    listed = call(cloud, "GET", path).json()["application_credentials"]
    unexpected = (500, "An unexpected error prevented the server from fulfilling your request.")
    for name in ("e", "t0"):  # "t0" is taken
        body = {"application_credential": {"name": name, "expires_at": ""}}
        assert error(call(cloud, "POST", path, body)) == unexpected
    assert call(cloud, "GET", path).json()["application_credentials"] == listed


def test_a_lookup_or_row_keystone_s_database_cannot_encode_is_its_500_too(cloud):
    """Where an application credential's create or auth, or an endpoint group's write, binds a
    string UTF-8 cannot encode (JSON's ``"\\ud800"``) to a query or a row, oslo.db raises
    ``DBInvalidUnicodeParameter``: Keystone's unexpected 500, nothing stored (keystone 30.0.0
    by the oracle's harness, /tmp/fz3-ksprobe3.py: a role asked by name, an access rule's path,
    an auth's credential id or name, its user's name or domain name, an endpoint group's
    name). fakecloud answered 404, 401 or 201 (found by session 33's probes, fz3)."""
    bad, user = "x\ud800", cloud.keystone.directory.user_by_name("demo").id
    unexpected = (500, "An unexpected error prevented the server from fulfilling your request.")
    path = f"/v3/users/{user}/application_credentials"
    made(cloud, name="base")
    before = call(cloud, "GET", path).json()
    rule = {"service": "compute", "method": "GET", "path": "/v2.1/" + bad}
    for ref in ({"name": "r", "roles": [{"name": bad}]}, {"name": "a", "access_rules": [rule]}):
        assert error(call(cloud, "POST", path, {"application_credential": ref})) == unexpected
    assert call(cloud, "GET", path).json() == before
    for ref in (
        {"id": bad, "secret": "s"},
        {"name": bad, "secret": "s", "user": {"id": user}},
        {"name": "base", "secret": "s", "user": {"name": bad, "domain": {"id": "default"}}},
        {"name": "base", "secret": "s", "user": {"name": "demo", "domain": {"name": bad}}},
    ):
        assert error(auth(cloud, ref)) == unexpected, ref
    groups = "/v3/OS-EP-FILTER/endpoint_groups"
    group = {"endpoint_group": {"name": bad, "filters": {"interface": "public"}}}
    assert error(call(cloud, "POST", groups, group, user="admin")) == unexpected
    group["endpoint_group"]["name"] = "g"
    made_group = call(cloud, "POST", groups, group, user="admin").json()["endpoint_group"]
    patch = {"endpoint_group": {"description": bad}}
    path = f"{groups}/{made_group['id']}"
    assert error(call(cloud, "PATCH", path, patch, user="admin")) == unexpected
    assert call(cloud, "GET", path, user="admin").json()["endpoint_group"] == made_group


@pytest.mark.parametrize("profile", ["nova-29.4.0", "upstream"])
def test_a_users_default_project_is_no_domain_and_from_28_any_string(profile):
    """``_assert_default_project_id_is_not_domain`` (keystone 13.0.0-30.0.0 identity/core.py
    ``create_user``/``update_user``, before the name's 409): a domain's id is 400, an unknown
    project is taken (fakecloud took a domain). From 28.0.0 (ee4aef7dd) the body takes any
    string: ``a b/c`` and ``""`` are stored (and shown), 65 characters are the model's
    ``StringLengthExceeded``, a lone surrogate the lookup's 500; 25.0.0 refused them by the id
    pattern (keystone 25.0.0 and 30.0.0 by the oracle's harness, /tmp/fz3-ksprobe4.py; found
    by session 33's probes, fz3)."""
    cloud = Cloud(seed=1, profile=profile)
    demo = cloud.keystone.directory.user_by_name("demo").id
    domain = (400, "User's default project ID cannot be a domain ID: default")
    for name in ("u1", "demo"):
        body = {"user": {"name": name, "default_project_id": "default"}}
        assert error(call(cloud, "POST", "/v3/users", body, user="admin")) == domain
    body = {"user": {"default_project_id": "default"}}
    assert error(call(cloud, "PATCH", f"/v3/users/{demo}", body, user="admin")) == domain
    body = {"user": {"name": "u2", "default_project_id": "nope"}}
    assert call(cloud, "POST", "/v3/users", body, user="admin").status == 201
    statuses = []
    for value in ("a b/c", "", "a" * 65, "x\ud800"):
        body = {"user": {"name": f"n{len(statuses)}", "default_project_id": value}}
        made_user = call(cloud, "POST", "/v3/users", body, user="admin")
        statuses.append(made_user.status)
        if made_user.status == 201:
            assert made_user.json()["user"]["default_project_id"] == value
    if profile == "upstream":
        assert statuses == [201, 201, 400, 500]
        body = {"user": {"name": "n9", "default_project_id": "a" * 65}}
        assert error(call(cloud, "POST", "/v3/users", body, user="admin")) == (
            400,
            f"String length exceeded. The length of string '{'a' * 65}' exceeds the limit of "
            "column default_project_id(CHAR(64)).",
        )
    else:
        assert statuses == [400, 400, 400, 400]
