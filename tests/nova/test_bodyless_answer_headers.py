"""The headers of Nova's answers without a body (nova 17.0.13 and 34.0.0
``nova/api/openstack/wsgi.py``): a controller's ``None`` goes through
``ResponseObject.serialize``, ``webob.Response(body=None)`` (``Content-Length: 0``) given the
negotiated ``Content-Type`` (JSON) whatever the status; a bare ``webob.Response(status_int=N)``
a controller returns itself (a tag added or already there, a 2.101 attach, createImage and
createBackup before their body versions) keeps webob's ``text/html; charset=UTF-8``."""

from __future__ import annotations

from tests.nova.conftest import NovaEnv

JSON_EMPTY = ("application/json", "0")
WEBOB_EMPTY = ("text/html; charset=UTF-8", "0")


def _kind(resp) -> tuple:
    return resp.headers.get("Content-Type"), resp.headers.get("Content-Length")


def test_bodyless_answers_carry_the_headers_nova_sends():
    env = NovaEnv("upstream")
    sid = env.boot()
    stop = env.request("POST", f"/v2.1/servers/{sid}/action", {"os-stop": None})
    assert (stop.status, stop.body, _kind(stop)) == (202, None, JSON_EMPTY)
    env.cloud.run_until_idle()
    tag = f"/v2.1/servers/{sid}/tags/a"
    added = env.request("PUT", tag, microversion="2.26")
    assert (added.status, added.body, _kind(added)) == (201, None, WEBOB_EMPTY)
    assert added.headers["Location"].endswith(f"/v2.1/servers/{sid}/tags/a")
    again = env.request("PUT", tag, microversion="2.26")
    assert (again.status, _kind(again)) == (204, WEBOB_EMPTY)
    gone = env.request("DELETE", tag, microversion="2.26")
    assert (gone.status, gone.body, _kind(gone)) == (204, None, JSON_EMPTY)
    image = env.request("POST", f"/v2.1/servers/{sid}/action", {"createImage": {"name": "s"}},
                        microversion="2.44")  # fmt: skip
    assert (image.status, _kind(image)) == (202, WEBOB_EMPTY)
    assert "Location" in image.headers
    deleted = env.request("DELETE", f"/v2.1/servers/{sid}")
    assert (deleted.status, deleted.body, _kind(deleted)) == (204, None, JSON_EMPTY)
    shown = env.request("GET", f"/v2.1/servers/{sid}")
    assert "Content-Length" not in shown.headers  # a body: the wire's length, as before
