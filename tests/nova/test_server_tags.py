"""``/servers/{id}/tags[/{tag}]`` (2.26) as Nova serves them: ``server_tags.py`` of 17.0.13 and
34.0.0 (the same but for the policy's place: 9f5948bef8, 21.0.0, LP #1871287 gives the policy
the server's project, read first), ``parameter_types.tag``, ``MAX_TAG_COUNT`` 50."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

OTHER = {
    "projects": {"other": {}},
    "users": {"other": {"password": "other-secret", "project": "other", "roles": ["member"]}},
}
MV = "2.26"


def call(env, method, path, body=None, user="demo", mv=MV):
    resp = env.request(method, path, body, user=user, microversion=mv)
    return resp.status, (resp.json() if resp.body else None)


def message(body):
    return next(iter(body.values()))["message"]


@pytest.fixture(params=["nova-20.6.0", "upstream"])
def env(request):
    return NovaEnv(request.param, {"identity": OTHER})


def test_tags_added_listed_checked_replaced_and_deleted(env):
    sid = env.boot()
    tags = f"/v2.1/servers/{sid}/tags"
    before = call(env, "GET", f"/v2.1/servers/{sid}")[1]["server"]["updated"]
    resp = env.request("PUT", f"{tags}/b", microversion=MV)
    assert (resp.status, resp.body) == (201, None)
    assert resp.headers["Location"].endswith(f"/v2.1/servers/{sid}/tags/b")
    assert call(env, "PUT", f"{tags}/b") == (204, None)  # already there
    assert call(env, "PUT", f"{tags}/a") == (201, None)
    assert call(env, "GET", tags) == (200, {"tags": ["a", "b"]})
    assert call(env, "GET", f"{tags}/a") == (204, None)
    status, body = call(env, "GET", f"{tags}/zz")
    assert (status, message(body)) == (404, f"Server {sid} has no tag 'zz'")
    shown = call(env, "GET", f"/v2.1/servers/{sid}")[1]["server"]
    assert shown["tags"] == ["a", "b"]
    assert shown["updated"] == before  # the tags table, not the instance row
    assert call(env, "PUT", tags, {"tags": ["q", "p", "q"]}) == (200, {"tags": ["p", "q"]})
    status, body = call(env, "DELETE", f"{tags}/zz")
    assert (status, message(body)) == (404, f"Instance {sid} has no tag 'zz'")
    assert call(env, "DELETE", f"{tags}/p") == (204, None)
    assert call(env, "GET", tags) == (200, {"tags": ["q"]})
    assert call(env, "DELETE", tags) == (204, None)
    assert call(env, "GET", tags) == (200, {"tags": []})


def test_bad_tags_the_limit_and_the_microversion(env):
    sid = env.boot()
    tags = f"/v2.1/servers/{sid}/tags"
    status, body = call(env, "PUT", f"{tags}/a,b")
    assert (status, message(body)) == (
        400,
        "Tag 'a,b' is invalid. It must be a non empty string without characters '/' and ','. "
        "Validation error message: 'a,b' does not match '^[^,/]*$'",
    )
    long = "x" * 61
    status, body = call(env, "PUT", f"{tags}/{long}")
    assert status == 400 and message(body).endswith(f"'{long}' is too long")
    status, body = call(env, "PUT", f"{tags}/c", {})
    assert (status, message(body)) == (400, "{} is not of type 'null'")
    status, body = call(env, "PUT", tags, {"tags": ["ok", "a/b"]})
    assert (status, message(body)) == (
        400,
        "Invalid input for field/attribute 1. Value: a/b. 'a/b' does not match '^[^,/]*$'",
    )
    assert call(env, "PUT", tags, {"tags": [f"t{i}" for i in range(51)]})[0] == 400
    assert call(env, "PUT", tags, {"tags": [f"t{i}" for i in range(50)]})[0] == 200
    status, body = call(env, "PUT", f"{tags}/one-more")
    assert (status, message(body)) == (400, "The number of tags exceeded the per-server limit 50")
    assert call(env, "PUT", f"{tags}/t1") == (400, body)  # the count comes first
    for method in ("GET", "PUT", "DELETE"):
        status, body = call(env, method, f"{tags}/t1", mv="2.25")
        assert (status, message(body)) == (404, "The resource could not be found.")


def test_states_policies_and_other_projects(env):
    sid = env.boot(wait=False)
    tags = f"/v2.1/servers/{sid}/tags"
    status, body = call(env, "PUT", f"{tags}/a")
    assert (status, message(body)) == (
        409,
        f"Cannot 'update tag' instance {sid} while it is in vm_state building",
    )
    env.cloud.run_until_idle()
    assert call(env, "PUT", f"{tags}/a")[0] == 201
    assert call(env, "GET", tags, user="demo-reader") == (200, {"tags": ["a"]})
    # 20.6.0: rule:admin_or_owner lets the project's reader write; from 21.0.0 members only
    legacy = env.cloud.kernel.switches.policy_before_lookup
    assert call(env, "PUT", f"{tags}/r", user="demo-reader")[0] == (201 if legacy else 403)
    # Another project's member: before 21.0.0 the policy passes (own project as target) and
    # the server is not found in the caller's project; from 21.0.0 the policy refuses.
    status, body = call(env, "GET", tags, user="other")
    if legacy:
        assert (status, message(body)) == (404, f"Instance {sid} could not be found.")
    else:
        assert (status, message(body)) == (
            403,
            "Policy doesn't allow os_compute_api:os-server-tags:index to be performed.",
        )
    missing = "00000000-0000-0000-0000-000000000000"
    status, body = call(env, "DELETE", f"/v2.1/servers/{missing}/tags")
    assert (status, message(body)) == (404, f"Instance {missing} has not been mapped to a cell.")
    env.request("POST", f"/v2.1/servers/{sid}/action", {"shelve": None})
    env.cloud.run_until_idle()
    status, body = call(env, "DELETE", tags)
    assert (status, message(body)) == (
        409,
        f"Cannot 'delete tags' instance {sid} while it is in vm_state shelved_offloaded",
    )
    assert call(env, "GET", f"{tags}/a") == (204, None)  # reads need no state
    env.request("DELETE", f"/v2.1/servers/{sid}")
    env.cloud.run_until_idle()
    status, body = call(env, "GET", tags)  # the mapping stays: the instance is gone
    assert (status, message(body)) == (404, f"Instance {sid} could not be found.")


@pytest.mark.parametrize("profile", ["nova-17.0.13", "upstream"])
def test_tags_given_at_create_are_the_build_requests_then_the_cells(profile):
    """2.52's ``tags`` at create (nova 17.0.13-34.0.0 ``servers.py`` ``create_kwargs['tags']``):
    the build request keeps them as given (``BuildRequest.tags``, shown until the conductor
    places the server), then ``_create_tags`` stores them in the cell, each once in the
    table's order; before 2.52 the schema refuses the key."""
    env = NovaEnv(profile)
    server = {"name": "vm", "flavorRef": "1", "imageRef": env.image.id, "networks": "none"}
    resp = env.request(
        "POST",
        "/v2.1/servers",
        {"server": {**server, "tags": ["b", "a", "b"]}},
        microversion="2.52",
    )
    assert resp.status == 202, resp.json()
    sid = resp.json()["server"]["id"]
    assert env.server(sid, microversion="2.52")["tags"] == ["b", "a", "b"]
    # the tag routes read the tag table of the mapping's cell, none yet: the API's default
    # database (devstack's cell0) has no such instance (server_tags.py index and show)
    gone = f"Instance {sid} could not be found."
    for path in (f"/v2.1/servers/{sid}/tags", f"/v2.1/servers/{sid}/tags/a"):
        status, body = call(env, "GET", path)
        assert (status, message(body)) == (404, gone)
    env.cloud.run_until_idle()
    assert env.server(sid, microversion="2.52")["tags"] == ["a", "b"]
    assert call(env, "GET", f"/v2.1/servers/{sid}/tags") == (200, {"tags": ["a", "b"]})
    old = env.request(
        "POST", "/v2.1/servers", {"server": {**server, "tags": ["a"]}}, microversion="2.51"
    )
    assert old.status == 400
