"""The headers of Cinder's answers without a body (cinder 12.0.10 and 25.0.0, the same in
both): a controller's ``None`` goes through ``ResponseObject.serialize``
(``api/openstack/wsgi.py``), ``webob.Response()`` given the negotiated ``Content-Type``, JSON,
with ``Content-Length: 0`` (the volume and snapshot actions, an extra spec deleted); the
controllers that return their own ``webob.Response(status_int=N)`` (a volume, snapshot,
metadata key, type, transfer or message deleted, type access, ``os-update_snapshot_status``,
``os-unset_image_metadata``, a stale ``If-Match``'s 412) keep WebOb's ``text/html;
charset=UTF-8``."""

from __future__ import annotations

from cinder_support import ADMIN, P1, P3, call, create_snapshot, create_volume

from tests.booted import booted

JSON_EMPTY = ("application/json", "0")
WEBOB_EMPTY = ("text/html; charset=UTF-8", "0")


def _kind(resp) -> tuple:
    return (
        resp.status,
        resp.body,
        resp.headers.get("Content-Type"),
        resp.headers.get("Content-Length"),
    )


def test_bodyless_answers_carry_the_headers_cinder_sends():
    cloud = booted(seed=0, profile="upstream")
    vid = create_volume(cloud, metadata={"a": "1"})
    extend = call(cloud, "POST", f"volumes/{vid}/action", {"os-extend": {"new_size": 2}})
    assert _kind(extend) == (202, None, *JSON_EMPTY)
    cloud.run_until_idle()
    stale = call(cloud, "PUT", f"volumes/{vid}/metadata", {"metadata": {"b": "2"}},
                 version="3.15", headers={"If-Match": '"nope"'})  # fmt: skip
    assert _kind(stale) == (412, None, *WEBOB_EMPTY)
    assert _kind(call(cloud, "DELETE", f"volumes/{vid}/metadata/a")) == (200, None, *WEBOB_EMPTY)
    sid = create_snapshot(cloud, vid)
    reset = call(cloud, "POST", f"/v3/{P3}/snapshots/{sid}/action",
                 {"os-reset_status": {"status": "creating"}}, ctx=ADMIN)  # fmt: skip
    assert _kind(reset) == (202, None, *JSON_EMPTY)
    update = {"os-update_snapshot_status": {"status": "available"}}
    assert _kind(call(cloud, "POST", f"snapshots/{sid}/action", update)) == (
        202, None, *WEBOB_EMPTY)  # fmt: skip
    assert _kind(call(cloud, "DELETE", f"snapshots/{sid}")) == (202, None, *WEBOB_EMPTY)
    cloud.run_until_idle()
    assert _kind(call(cloud, "DELETE", f"volumes/{vid}")) == (202, None, *WEBOB_EMPTY)
    types = f"/v3/{P3}/types"
    vtype = call(cloud, "POST", types, {"volume_type": {"name": "t", "extra_specs": {"k": "v"},
                 "os-volume-type-access:is_public": False}}, ctx=ADMIN).json()  # fmt: skip
    tid = vtype["volume_type"]["id"]
    add = {"addProjectAccess": {"project": P1}}
    access = call(cloud, "POST", f"{types}/{tid}/action", add, ctx=ADMIN)
    assert _kind(access) == (202, None, *WEBOB_EMPTY)
    spec = call(cloud, "DELETE", f"{types}/{tid}/extra_specs/k", ctx=ADMIN)
    assert _kind(spec) == (202, None, *JSON_EMPTY)
    assert _kind(call(cloud, "DELETE", f"{types}/{tid}", ctx=ADMIN)) == (202, None, *WEBOB_EMPTY)
    shown = call(cloud, "GET", "volumes")
    assert "Content-Length" not in shown.headers  # a body: the wire's length, as before
