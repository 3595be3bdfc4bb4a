"""Keystone's credentials (``/v3/credentials``): made, read back with their blob plain, listed
by what the caller may read, refused and deleted as Keystone does, on ``upstream`` (its fork
of one booted world) and on ``seed`` (keystone 13: an admin's API alone)."""

import hashlib
import json

from keystone_schemas import ERROR, check

from fakecloud import Cloud


def call(cloud, method, path, body=None, user="demo", **kw):
    return cloud.request("identity", method, path, body, user=user, **kw)


def error(resp):
    check(resp.json(), ERROR)
    return resp.status, resp.json()["error"]["message"]


def test_a_users_credentials_are_its_own_until_it_goes(cloud):
    d = cloud.keystone.directory
    demo, project = d.user_by_name("demo").id, d.project_by_name("demo").id
    blob = json.dumps({"access": "AK", "secret": "SK"})
    ec2 = {"credential": {"type": "ec2", "user_id": demo, "project_id": project, "blob": blob}}
    made = call(cloud, "POST", "/v3/credentials", ec2)
    assert made.status == 201
    cred = made.json()["credential"]
    assert cred["id"] == hashlib.sha256(b"AK").hexdigest()  # an ec2 credential's id
    assert cred["blob"] == blob and cred["type"] == "ec2"
    assert error(call(cloud, "POST", "/v3/credentials", ec2)) == (
        409,
        f"Conflict occurred attempting to store credential - Duplicate entry found with ID "
        f"{cred['id']}.",
    )
    cert = {"credential": {"type": "cert", "user_id": demo, "blob": "pem"}}
    other = call(cloud, "POST", "/v3/credentials", cert, user="admin").json()["credential"]
    theirs = {"credential": {"type": "cert", "user_id": d.user_by_name("admin").id, "blob": "x"}}
    assert error(call(cloud, "POST", "/v3/credentials", theirs)) == (
        403,
        "You are not authorized to perform the requested action: identity:create_credential.",
    )
    listed = call(cloud, "GET", "/v3/credentials?type=cert").json()["credentials"]
    assert [c["id"] for c in listed] == [other["id"]]
    assert len(call(cloud, "GET", "/v3/credentials", user="demo-reader").json()["credentials"]) == 0
    one = f"/v3/credentials/{other['id']}"
    patched = call(cloud, "PATCH", one, {"credential": {"blob": "pem2"}}).json()["credential"]
    assert patched["blob"] == "pem2"
    assert error(call(cloud, "PATCH", one, {"credential": {"type": "totp"}}))[0] == 400
    assert error(call(cloud, "GET", one, user="demo-reader"))[0] == 403
    assert call(cloud, "DELETE", one).status == 204
    assert error(call(cloud, "GET", one))[0] == 403  # no record: no owner to match
    assert error(call(cloud, "GET", one, user="admin")) == (
        404,
        f"Could not find credential: {other['id']}.",
    )
    assert call(cloud, "DELETE", f"/v3/users/{demo}", user="admin").status == 204
    assert call(cloud, "GET", "/v3/credentials", user="admin").json()["credentials"] == []


def test_keystone_13_lets_an_admin_alone_on():
    cloud = Cloud(profile="seed")
    demo = cloud.keystone.directory.user_by_name("demo").id
    cert = {"credential": {"type": "cert", "user_id": demo, "blob": "pem"}}
    assert error(call(cloud, "POST", "/v3/credentials", cert)) == (
        403,
        "You are not authorized to perform the requested action: identity:create_credential.",
    )
    ec2 = {"credential": {"type": "ec2", "user_id": demo, "blob": "{}"}}
    assert error(call(cloud, "POST", "/v3/credentials", ec2, user="admin"))[0] == 400
    assert call(cloud, "POST", "/v3/credentials", cert, user="admin").status == 201
