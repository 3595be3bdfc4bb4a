"""API-layer edges where fakecloud differed from nova 34.0.0's own WSGI app (the functional
tests' fixtures, driven by the session-21 oracle; docs/history/conformance-log.md "Real Nova
as an oracle")."""

from __future__ import annotations

from tests.nova.conftest import NovaEnv

BARE_404 = {
    "code": "404 Not Found",
    "title": "Not Found",
}


def test_a_trailing_slash_is_a_bare_404_but_on_the_version_documents(env: NovaEnv):
    """nova 34.0.0, nova/api/openstack/__init__.py ``APIMapper`` (a ``routes.Mapper``): no
    route matches ``/v2.1/flavors/`` or ``.../action/`` (webob's bare 404, JSON without a
    charset: WebOb's ``_content_type_has_charset`` is for text types); urlmap serves ``/v2.1/``."""
    for method, path in (("GET", "/v2.1/flavors/"), ("POST", "/v2.1/servers/x/action/")):
        resp = env.request(method, path, {"createImage": {"name": "s"}})
        assert resp.status == 404
        assert {k: resp.json()[k] for k in BARE_404} == BARE_404
        assert resp.headers["Content-Type"] == "application/json"
    assert env.request("POST", "/v2.1/servers/x/action", {"createImage": {"name": "s"}}).json() == {
        "itemNotFound": {"code": 404, "message": "Instance x could not be found."}
    }
    assert env.request("GET", "/v2.1/flavors").status == 200
    assert env.request("GET", "/v2.1/").status == 200


def test_webobs_404_to_head_is_its_empty_html_response(env: NovaEnv):
    """nova 34.0.0 ``HEAD /v2.1/servers/{id}`` (no HEAD route): WebOb's
    ``WSGIHTTPException.__call__`` answers HEAD without ``generate_response``."""
    resp = env.request("HEAD", "/v2.1/servers/x")
    assert resp.status == 404
    assert resp.headers["Content-Type"] == "text/html; charset=UTF-8"
    assert resp.headers["Content-Length"] == "0"


def test_limits_refuses_unknown_query_parameters_from_2_75(env: NovaEnv):
    """nova 34.0.0 limits.py: ``index_query_v275`` (additionalProperties False) from 2.75."""
    resp = env.request("GET", "/v2.1/limits?foo=1", microversion="2.75")
    assert resp.status == 400
    assert resp.json() == {
        "badRequest": {
            "code": 400,
            "message": "Additional properties are not allowed ('foo' was unexpected)",
        }
    }
    assert env.request("GET", "/v2.1/limits?foo=1", microversion="2.74").status == 200
    assert env.request("GET", "/v2.1/limits?tenant_id=x", microversion="2.75").status != 400


def test_create_checks_the_hostname_by_its_microversions_schema(env: NovaEnv):
    """nova 34.0.0 schemas/servers.py: ``create_v290`` takes ``parameter_types.hostname`` (no
    underscore, 2-63), ``create_v294`` the FQDN one; the schema answers before the image."""
    body = {"server": {"name": "x", "flavorRef": "1", "networks": "none", "hostname": "a_b"}}
    resp = env.request("POST", "/v2.1/servers", body, microversion="2.90")
    assert resp.json()["badRequest"]["message"] == (
        "Invalid input for field/attribute hostname. Value: a_b. 'a_b' does not match "
        "'^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$'"
    )
    resp = env.request("POST", "/v2.1/servers", body, microversion="2.94")
    assert resp.json()["badRequest"]["message"] == "Missing imageRef attribute"
