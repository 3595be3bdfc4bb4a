"""The headers of Glance's answers without a body (glance 17.0.1 and 33.0.0, WebOb 1.7.4 and
1.8.7): ``Resource.__call__`` (``glance/common/wsgi.py``) builds ``webob.Response(request=...)``
and the action's ``ResponseSerializer`` only sets ``status_int`` (an image deleted,
deactivated or reactivated, a tag added or removed, data uploaded or staged: 204; an import:
202), so WebOb's ``text/html; charset=UTF-8`` and ``Content-Length: 0`` stay; a member deleted
(the controller's ``webob.Response(body='', status=204)``) and a download without data
(``webob.exc.HTTPNoContent``) carry neither: WebOb sets none for a 204 given to the
constructor."""

from __future__ import annotations

from glance_support import ADMIN, OCTET, World

WEBOB_EMPTY = ("text/html; charset=UTF-8", "0")
NONE = (None, None)


def _kind(resp) -> tuple:
    return (
        resp.status,
        resp.body,
        resp.headers.get("Content-Type"),
        resp.headers.get("Content-Length"),
    )


def test_bodyless_answers_carry_the_headers_glance_sends():
    world = World(config={"glance": {"base_images": []}})
    image = world.create(visibility="shared")["id"]
    path = f"/v2/images/{image}"
    assert _kind(world.call("GET", f"{path}/file")) == (204, None, *NONE)
    assert _kind(world.call("PUT", f"{path}/tags/a")) == (204, None, *WEBOB_EMPTY)
    assert _kind(world.call("DELETE", f"{path}/tags/a")) == (204, None, *WEBOB_EMPTY)
    assert _kind(world.upload(image, 10)) == (204, None, *WEBOB_EMPTY)
    member = world.call("POST", f"{path}/members", body={"member": "p2"})
    assert member.status == 200
    assert _kind(world.call("DELETE", f"{path}/members/p2")) == (204, None, *NONE)
    deactivate = world.call("POST", f"{path}/actions/deactivate", ADMIN)
    assert _kind(deactivate) == (204, None, *WEBOB_EMPTY)
    reactivate = world.call("POST", f"{path}/actions/reactivate", ADMIN)
    assert _kind(reactivate) == (204, None, *WEBOB_EMPTY)
    assert _kind(world.call("DELETE", path)) == (204, None, *WEBOB_EMPTY)
    staged = world.create()["id"]
    stage = world.call("PUT", f"/v2/images/{staged}/stage", headers=OCTET)
    assert _kind(stage) == (204, None, *WEBOB_EMPTY)
    body = {"method": {"name": "glance-direct"}}
    imported = world.call("POST", f"/v2/images/{staged}/import", body=body)
    assert _kind(imported) == (202, None, *WEBOB_EMPTY)
