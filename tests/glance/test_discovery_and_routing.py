"""Glance's discovery calls (``/v2/info/*``) and how its router answers a method a path does not
serve, as ``glance/api/v2/router.py`` and ``discovery.py`` (Glance 33.0.0) do.

``openstack image import info`` and ``openstack image import`` read ``GET /v2/info/import``
first (a 404 there is "The Image Import feature is not supported by this deployment").
"""

from __future__ import annotations

import pytest

from fakecloud import Cloud
from fakecloud.glance import cache_manage
from fakecloud.glance.api import _ALLOW
from fakecloud.glance.errors import HTTPUnauthorized

WEBOB_JSON = {"Accept": "application/json"}


@pytest.fixture(scope="module")
def cloud():
    """One cloud for the read-only requests of this module."""
    return Cloud(seed=0, profile="upstream")


def test_import_info_lists_the_enabled_import_methods(cloud):
    r = cloud.request("image", "GET", "/v2/info/import")
    assert r.status == 200
    assert r.json() == {
        "import-methods": {
            "description": "Import methods available.",
            "type": "array",
            "value": ["glance-direct", "web-download", "copy-image"],
        }
    }


@pytest.mark.parametrize("path", ["/v2/info/stores", "/v2/info/stores/detail"])
def test_stores_are_a_404_without_multiple_backends(cloud, path):
    r = cloud.request("image", "GET", path, headers=WEBOB_JSON)
    assert r.status == 404
    assert r.json()["message"].startswith("Multi backend is not supported at this site.")


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"{bad", 400, "Malformed JSON in request body."),
        (b"\xff\xfe", 400, "Malformed JSON in request body."),
        (b"1", 400, "Unexpected body type. Expected list/dict."),
        (b'{"usage": 1}', 500, "The server has either erred or is incapable"),
    ],
)
def test_a_body_to_the_usage_is_read_as_glance_reads_it(cloud, body, status, message):
    # was: 200 and the usage, whatever the body (its route has no body_reject; Glance parses
    # the body, and passes one that parses to get_usage, which takes none: a 500)
    headers = {**WEBOB_JSON, "Content-Type": "application/json"}
    r = cloud.request("image", "GET", "/v2/info/usage?x=%ff", body=body, headers=headers)
    assert r.status == status and r.json()["message"].startswith(message)
    assert cloud.request("image", "GET", "/v2/info/usage?limit=-1&limit=x").status == 200


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/v2/images/x", "GET, PATCH, DELETE"),
        ("GET", "/v2/images/x/tags/t", "PUT, DELETE"),
        ("POST", "/v2/images/x/members/m", "GET, PUT, DELETE"),
        ("DELETE", "/v2/images", "GET, POST"),
        ("POST", "/v2/info/import", "GET"),
    ],
)
def test_a_method_the_path_does_not_serve_is_405_allowing_glances_order(cloud, method, path, allow):
    r = cloud.request("image", method, path, headers=WEBOB_JSON)
    assert r.status == 405 and r.headers["Allow"] == allow
    assert r.json()["message"].startswith(f"The method {method} is not allowed for this resource.")


@pytest.mark.parametrize(
    ("method", "path"), [("POST", "/v2/info/usage"), ("DELETE", "/v2/images/x/tasks")]
)
def test_paths_without_a_reject_route_are_a_plain_404(cloud, method, path):
    r = cloud.request("image", method, path, headers=WEBOB_JSON)
    assert r.status == 404 and "Allow" not in r.headers
    assert r.json() == {
        "message": "The resource could not be found.<br /><br />\n\n\n",
        "code": "404 Not Found",
        "title": "Not Found",
    }


def test_an_unknown_path_is_webobs_404_with_a_body(cloud):
    r = cloud.request("image", "GET", "/v2/nothing-here")
    assert r.status == 404 and r.body  # was an empty body
    assert r.json()["message"].startswith("The resource could not be found.")


def test_allow_table_names_exactly_the_served_methods_of_each_path(cloud):
    methods: dict[str, set[str]] = {}
    for route in cloud.glance.api.router.routes():
        if route.template not in ("/", "/versions"):
            methods.setdefault(route.template, set()).add(route.method)
    without_reject = {"/v2/info/usage", "/v2/images/{image_id}/tasks"}
    # the cachemanage filter's (before 24.0.0): another method goes on to the API, a 404
    without_reject |= {template for _, template, _ in cache_manage.ROUTES}
    assert set(_ALLOW) == set(methods) - without_reject
    for template, allow in _ALLOW.items():
        if template == "/v2/images/{image_id}/locations":
            # glance 29.0.0's reject route for it allows POST only, though GET is routed
            assert (allow, methods[template]) == ("POST", {"GET", "POST"})
            continue
        if template == "/v2/cache/{image_id}":
            # POST serves glance 33's static /cache/clean and /cache/prune (cache_api)
            assert (allow, methods[template]) == ("DELETE, PUT", {"DELETE", "POST", "PUT"})
            continue
        assert set(allow.split(", ")) == methods[template], template


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/v2/images/{id}", {"a": 1}),
        ("DELETE", "/v2/images/{id}", {}),
        ("POST", "/v2/images/{id}/actions/deactivate", {}),
        ("GET", "/v2/images/{id}/file", b"x"),
        ("GET", "/v2/schemas/image", {"a": 1}),
        ("GET", "/v2/schemas/metadefs/namespace", {"a": 1}),
        ("GET", "/v2/info/import", {"a": 1}),
        ("POST", "/v2/metadefs/namespaces/OS::Compute::Quota/tags/t", {}),
    ],
)
def test_routes_declared_body_reject_refuse_a_body(cloud, method, path, body):
    # router.py body_reject=True: wsgi.Resource answers 400 before the controller runs.
    image_id = cloud.request("image", "GET", "/v2/images").json()["images"][0]["id"]
    r = cloud.request("image", method, path.format(id=image_id), body, headers=WEBOB_JSON)
    assert r.status == 400
    assert r.json()["message"].startswith("A body is not expected with this request.")
    assert cloud.request("image", "GET", f"/v2/images/{image_id}").json()["status"] == "active"


@pytest.mark.parametrize(
    ("profile", "stores", "detail"),
    [("seed", False, False), ("nova-18.0.0", True, False), ("nova-25.0.0", True, True)],
)
def test_the_stores_routes_exist_from_their_glance(profile, stores, detail):
    """``router.py``: ``/info/stores`` from glance 17.0.0, ``/info/stores/detail`` from
    24.0.0 (16.0.1 and 23.0.0 have neither route nor reject route: an unknown path)."""
    old = Cloud(seed=0, profile=profile)
    for path, routed in (("/v2/info/stores", stores), ("/v2/info/stores/detail", detail)):
        r = old.request("image", "GET", path, headers=WEBOB_JSON)
        assert r.status == 404
        said = r.json()["message"]
        assert said.startswith("Multi backend is not supported at this site.") is routed, path
        post = old.request("image", "POST", path, headers=WEBOB_JSON)
        assert (post.status, post.headers.get("Allow")) == ((405, "GET") if routed else (404, None))
    # /stores/{store_id}/{image_id} from 20.0.0 (of these, the clouds with /info/stores/detail):
    # its reject route's 405, and a single store's DELETE WebOb's bare 404
    put = old.request("image", "PUT", "/v2/stores/file/x", headers=WEBOB_JSON)
    assert (put.status, put.headers.get("Allow")) == ((405, "DELETE") if detail else (404, None))
    assert old.request("image", "DELETE", "/v2/stores/file/x").status == 404


def test_version_negotiation_stands_before_the_token(cloud):
    """``VersionNegotiationFilter.process_request`` runs before keystonemiddleware in every
    glance-api-paste.ini pipeline (glance 16.0.0-31.x): a path whose first segment is no allowed
    version is the 300 version document without a token, ``/v2`` itself is the v2 API's (401,
    then the router's redirect to ``/v2/``); an ``Accept: application/vnd.openstack.images-vX``
    names the version instead of the path, which is kept whole (``/images`` is the list;
    ``/v2/images`` is ``/v2/v2/images``, a 404; an unknown ``vX`` is the 300 for any path)."""
    vnd = "application/vnd.openstack.images-"
    for path in ("/v3/images", "/images"):
        assert cloud.request("image", "GET", path, user=None).status == 300
    assert cloud.request("image", "GET", "/v2", user=None).status == 401
    redirect = cloud.request("image", "GET", "/v2.1")  # the router's redirect (the oracle)
    assert (redirect.status, redirect.headers["Location"]) == (302, IMAGE_V2)
    listed = cloud.request("image", "GET", "/images", headers={"Accept": vnd + "v2.1"})
    assert listed.status == 200 and "images" in listed.json()
    asks = {"Accept": vnd + "v2.1"}
    assert cloud.request("image", "GET", "/images", headers=asks, user=None).status == 401
    assert cloud.request("image", "GET", "/v2/images", headers={"Accept": vnd + "v2"}).status == 404
    assert cloud.request("image", "GET", "/v2/images", headers={"Accept": vnd + "v3"}).status == 300


def test_a_trailing_slash_is_webobs_404(cloud):
    """``routes.Mapper`` (glance 16.0.0-31.x common/wsgi.py ``APIMapper``, api/v2/router.py;
    routes 2.5.1 run with its ``/images`` routes) matches no path ending in ``/``:
    ``Router._dispatch``'s bare 404 (was the list); version negotiation keeps ``PATH_INFO``
    whole, so ``/v2.1/images/`` and ``/images/`` under the vnd media type are the same 404,
    while ``/`` and ``/versions/`` are its own answers."""
    vnd = {"Accept": "application/vnd.openstack.images-v2"}
    for path, headers in (
        ("/v2/images/", WEBOB_JSON),
        ("/v2.1/images/", WEBOB_JSON),
        ("/images/", vnd),
    ):
        assert cloud.request("image", "GET", path, headers=headers).status == 404
    assert cloud.request("image", "GET", "/v2.1/images").status == 200
    assert cloud.request("image", "GET", "/versions/").status == 200


def test_a_request_without_a_valid_token_is_webobs_401_without_a_request_id(cloud):
    """glance 16.0.0-31.x: ``authtoken`` has ``delay_auth_decision = true``
    (glance-api-paste.ini), so ``ContextMiddleware.process_request`` (api/middleware/context.py)
    raises ``webob.exc.HTTPUnauthorized()``: WebOb's body, keystonemiddleware's
    ``WWW-Authenticate`` (its ``process_response``), no ``x-openstack-request-id`` (the
    context's ``process_response`` never runs); was keystonemiddleware's JSON with an id."""
    vnd = {"Accept": "application/vnd.openstack.images-v2.1"}
    for path, headers in (("/v2/images", WEBOB_JSON), ("/images", vnd)):
        for user, more in ((None, {}), (None, {"X-Auth-Token": "gone"})):
            resp = cloud.request("image", "GET", path, headers={**headers, **more}, user=user)
            assert resp.status == 401 and "x-openstack-request-id" not in resp.headers
            assert resp.headers["WWW-Authenticate"].startswith("Keystone uri=")
    assert resp.body.startswith(b"401 Unauthorized\n\nThis server could not verify")
    assert cloud.request("image", "GET", "/v2/images", headers=WEBOB_JSON, user=None).json() == {
        "message": str(HTTPUnauthorized()) + "<br /><br />\n\n\n",
        "code": "401 Unauthorized",
        "title": "Unauthorized",
    }


def test_version_negotiations_answers_carry_no_request_id(cloud):
    """glance 16.0.0-31.x: ``VersionNegotiationFilter`` answers ``/versions`` and unversioned
    paths before ``ContextMiddleware``, whose ``process_response`` alone sets
    ``x-openstack-request-id``: none there, with a token or without (was one); the v2 API's
    answers keep theirs."""
    for path, user in (("/", "demo"), ("/versions", "demo"), ("/images", None)):
        resp = cloud.request("image", "GET", path, user=user)
        assert resp.status in (200, 300) and "x-openstack-request-id" not in resp.headers
    assert cloud.request("image", "GET", "/v2/images").headers["x-openstack-request-id"]


@pytest.mark.parametrize(
    ("method", "path"),
    [("PROPFIND", "/v2/info/usage"), ("TRACE", "/v2/images/x/tasks"), ("FOO", "/v2/nothing")],
)
def test_a_method_webob_does_not_implement_is_501_where_no_route_matches(cloud, method, path):
    """``Router._dispatch`` (glance 16.0.0-31.x common/wsgi.py): no route matched and the
    method is not GET, HEAD, POST, PUT, DELETE or PATCH: ``webob.exc.HTTPNotImplemented()``
    (was the 404); a path with a reject route is still its 405. (An OPTIONS gets it too, and
    the CORS filter in front answers its own empty 200 instead: tests/transport/
    test_cors_preflight.py.)"""
    r = cloud.request("image", method, path, headers=WEBOB_JSON)
    assert r.status == 501 and "Allow" not in r.headers
    assert r.json() == {
        "message": f"\nThe request method {method} is not implemented for this server. "
        "<br /><br />\n",
        "code": "501 Not Implemented",
        "title": "Not Implemented",
    }
    r = cloud.request("image", method, "/v2/images", headers=WEBOB_JSON)
    assert (r.status, r.headers["Allow"]) == (405, "GET, POST")


def test_version_negotiation_answers_any_method_and_collapsed_slashes(cloud):
    """``VersionNegotiationFilter`` reads no method: ``DELETE /`` is the 300 and ``FOO
    /versions`` the 200 (were 404s); paste's ``URLMap`` in front of it collapses ``//``."""
    assert cloud.request("image", "DELETE", "/", user=None).status == 300
    assert cloud.request("image", "FOO", "//versions", user=None).status == 200
    assert cloud.request("image", "GET", "//v2//images").status == 200
    assert cloud.request("image", "GET", "/v2/images//", headers=WEBOB_JSON).status == 404


IMAGE_V2 = "http://image.fakecloud.test/v2/"


def test_the_v2_redirect_is_absolute(cloud):
    """The router's ``/v2`` redirect names ``/v2/``; every glance-api-paste.ini pipeline's
    outermost filter, oslo.middleware's ``cors`` (a ``webob.dec.wsgify``), answers it through
    webob's ``Response._abs_headerlist``: the request's own host and scheme (glance 33.0.0
    etc/glance-api-paste.ini; the glance oracle's ``cors`` pipeline, ``v2-noslash``)."""
    redirect = cloud.request("image", "GET", "/v2")
    assert (redirect.status, redirect.headers["Location"]) == (302, IMAGE_V2)
