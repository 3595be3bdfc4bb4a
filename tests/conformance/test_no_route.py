"""What each service answers to a method or path no route serves.

Nova and Cinder route with ``routes.middleware.RoutesMiddleware``; their ``Router._dispatch``
(``nova/api/wsgi.py``, ``oslo_service/wsgi.py``) returns a bare ``webob.exc.HTTPNotFound()``
when nothing matches — for an unknown method on a known path too, so never a 405 — and the
body is WebOb's, not a Nova/Cinder fault. Glance's router rejects a known path's other methods
with 405 and an ``Allow`` header.
"""

from __future__ import annotations

import pytest

from fakecloud import Cloud

WEBOB_404 = {"code": "404 Not Found", "title": "Not Found"}


@pytest.fixture(scope="module")
def cloud():
    return Cloud(seed=0, profile="upstream")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", "/v2.1/images"),
        ("PUT", "/v2.1/servers"),
        ("PATCH", "/v2.1/flavors/1"),
        ("GET", "/v2.1/no-such-collection"),
    ],
)
def test_nova_answers_webobs_404_never_405(cloud, method, path):
    r = cloud.request("compute", method, path, microversion="2.1")
    assert r.status == 404
    body = r.json()
    assert {k: body[k] for k in WEBOB_404} == WEBOB_404
    assert body["message"].startswith("The resource could not be found.<br /><br />")
    assert "Allow" not in r.headers
    # The router answers before any controller: no microversion is echoed.
    assert "OpenStack-API-Version" not in r.headers
    assert r.headers["x-compute-request-id"].startswith("req-")


def test_nova_404_body_follows_accept_as_webob_does(cloud):
    r = cloud.request("compute", "DELETE", "/v2.1/images", headers={"Accept": "text/plain"})
    assert r.status == 404
    assert r.headers["Content-Type"] == "text/plain; charset=UTF-8"
    assert r.body.startswith(b"404 Not Found\n\nThe resource could not be found.")


def test_a_bad_microversion_on_an_unrouted_path_is_still_404(cloud):
    r = cloud.request("compute", "DELETE", "/v2.1/images", microversion="9.99")
    assert r.status == 404


def test_cinder_answers_webobs_404_for_an_unrouted_method(cloud):
    r = cloud.request("volumev3", "PATCH", "/v3/{project_id}/volumes")
    assert r.status == 404
    assert {k: r.json()[k] for k in WEBOB_404} == WEBOB_404


def test_glance_answers_405_with_allow(cloud):
    r = cloud.request("image", "DELETE", "/v2/images")
    assert r.status == 405
    assert r.headers["Allow"] == "GET, POST"
    assert r.json()["code"] == "405 Method Not Allowed"
