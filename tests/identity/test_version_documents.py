"""Keystone's version documents, as keystoneauth's discovery reads them."""

import pytest
from keystone_schemas import VERSION_DOC, VERSIONS_DOC, check

from fakecloud import Cloud
from fakecloud.transport.gateway import wire_headers


def test_root_lists_v3_with_status_300_without_a_token():
    resp = Cloud(profile="upstream").request("identity", "GET", "/", user=None)
    assert resp.status == 300
    check(resp.json(), VERSIONS_DOC)
    (v3,) = resp.json()["versions"]["values"]
    assert v3["id"] == "v3.14"
    assert v3["links"] == [{"rel": "self", "href": "http://identity.fakecloud.test/v3/"}]


@pytest.mark.parametrize("path", ["/v3", "/v3/"])
def test_v3_document_needs_no_token(path):
    resp = Cloud().request("identity", "GET", path, user=None)
    assert resp.status == 200
    check(resp.json(), VERSION_DOC)
    assert resp.json()["version"]["status"] == "stable"
    assert resp.json()["version"]["media-types"][0]["type"] == (
        "application/vnd.openstack.identity-v3+json"
    )


def test_a_bad_token_does_not_hide_the_version_document():
    resp = Cloud().request("identity", "GET", "/v3", user=None, headers={"X-Auth-Token": "bad"})
    assert resp.status == 200


def test_head_and_options_are_flasks_automatic_answers():
    """Keystone is a Flask app: Werkzeug adds HEAD to every GET rule and Flask answers OPTIONS
    itself (200, ``Allow``, no token asked); its 405 lists both. HEAD /v3 and OPTIONS of any
    path were 405s."""
    cloud = Cloud(profile="upstream")
    # in-process as over HTTP, where the server sends no body to HEAD (any service's)
    head = cloud.request("identity", "HEAD", "/v3", user=None)
    assert (head.status, head.body, head.json()) == (200, b"", None)
    # the type of the body it does not send, as the server's header line names it
    assert ("Content-Type", "application/json") in wire_headers(head)
    assert cloud.request("identity", "HEAD", "/v3/projects", user="admin").status == 200
    refused = cloud.request("identity", "HEAD", "/v3/projects", user="demo")
    assert (refused.status, refused.body) == (403, b"")
    versions = cloud.request("image", "HEAD", "/versions", user=None)
    assert (versions.status, versions.body) == (200, b"")
    options = cloud.request("identity", "OPTIONS", "/v3/auth/tokens", user=None)
    assert (options.status, options.body) == (200, b"")
    assert options.headers["Allow"] == "DELETE, GET, HEAD, OPTIONS, POST"
    refused = cloud.request("identity", "PUT", "/v3", user=None)
    assert (refused.status, refused.headers["Allow"]) == (405, "GET, HEAD, OPTIONS")


def test_queens_answers_its_version_documents_to_any_method():
    """13.x connects ``/`` and ``/v3`` with no method condition (``version/routers.py``), and
    ``/v3``'s pipeline reads any body first (``json_body``). Was Flask's 405."""
    cloud = Cloud()
    root = cloud.request("identity", "POST", "/", user=None)
    values = root.json()["versions"]["values"]
    # 13.x lists v2.0 (deprecated) too, and so no Location; its v3 is v3.10 (keystone 13.0.4)
    assert (root.status, [(v["id"], v["status"]) for v in values]) == (
        300,
        [("v2.0", "deprecated"), ("v3.10", "stable")],
    )
    assert "Location" not in root.headers
    for method in ("PUT", "DELETE", "PATCH"):
        v3 = cloud.request("identity", method, "/v3/", user=None)
        assert (v3.status, v3.json()["version"]["id"]) == (200, "v3.10")
    bad = cloud.request("identity", "POST", "/v3", body=b"[1]", user=None)
    assert (bad.status, bad.json()["error"]["message"][:46]) == (
        400,
        "Expecting to find valid JSON object in request",
    )
    later = Cloud(profile="nova-18.0.0").request("identity", "PUT", "/v3", user=None)
    assert (later.status, later.headers["Allow"]) == (405, "GET, HEAD, OPTIONS")


@pytest.mark.parametrize(
    ("profile", "path", "flasks", "user"),
    [
        ("upstream", "/v3/nothing", False, None),  # Werkzeug's 404
        # with a token: request_id is behind CORS too (its id was on it: session 33)
        ("upstream", "/v3/nothing", False, "demo"),
        ("upstream", "/v3/projects", True, None),  # Flask's own answer, with Allow
        ("nova-18.0.0", "/v3/projects", False, None),  # 14.x's legacy router: its 404
        ("seed", "/v3/auth/tokens", False, None),  # 13.x: every path the legacy router's
        ("seed", "/", False, None),  # 13.x: the version list's 300
    ],
)
def test_an_options_keystone_refuses_is_the_cors_filters_bare_200(profile, path, flasks, user):
    # oslo.middleware's CORS (every release, no allowed_origin): not a CORS header either
    preflight = {"Origin": "https://horizon.example.com", "Access-Control-Request-Method": "GET"}
    cloud = Cloud(profile=profile)
    answer = cloud.request("identity", "OPTIONS", path, user=user, headers=preflight)
    assert (answer.status, answer.body or b"") == (200, b"")
    if flasks:
        assert answer.headers["Allow"] == "GET, HEAD, OPTIONS, POST"
    else:
        assert wire_headers(answer) == [("Content-Length", "0")]
    assert not [h for h in answer.headers if h.lower().startswith("access-control")]
