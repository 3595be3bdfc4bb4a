"""Shared helpers of the Glance tests: a cloud, callers, and one-line API requests."""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import Request
from fakecloud.glance.content import ImageData
from fakecloud.glance.locations import LOCATION_API_SINCE
from fakecloud.glance.patch import parse_patch
from fakecloud.identity.context import RequestContext, service_user, with_service_token
from tests.booted import booted

OCTET = {"Content-Type": "application/octet-stream"}
JSON_ACCEPT = {"Accept": "application/json"}
PATCH = "application/openstack-images-v2.1-json-patch"
GB = 1_000_000_000


def ctx(project: str = "p1", user: str = "u1", *roles: str) -> RequestContext:
    """A caller of `project` (member and reader unless other roles are given)."""
    return RequestContext(user_id=user, project_id=project, roles=roles or ("member", "reader"))


ADMIN = RequestContext(user_id="admin", project_id="admin-p", roles=("admin", "member", "reader"))
P1 = ctx("p1", "u1")
P2 = ctx("p2", "u2")
READER = ctx("p1", "r1", "reader")
#: P1's request as Nova makes it with its service token (``send_service_user_token``).
NOVA_P1 = with_service_token(P1, service_user("nova"))


class World:
    """A cloud with Glance and a few helpers around its REST API.

    The cloud starts with Glance's base images (``glance.base_images``, owned by Keystone's
    ``admin`` project); a test that needs an empty Glance passes
    ``config={"glance": {"base_images": []}}``.
    """

    def __init__(self, config: dict[str, Any] | None = None, seed: int = 0, **kw: Any):
        self.cloud = booted(seed=seed, config=config, **kw)
        self.glance = self.cloud.glance
        self.admin_project = self.cloud.keystone.directory.project_by_name("admin").id
        # Nothing but the base images exists yet: these are they, in configuration order.
        self.base_images = list(self.glance.db.images.values())

    def call(
        self,
        method: str,
        path: str,
        context: Any = P1,
        body: Any = None,
        headers: dict[str, str] | None = None,
        query: Any = None,
    ):
        """One REST call, answered on the virtual clock; JSON errors unless told otherwise."""
        h = {**JSON_ACCEPT, **(headers or {})}
        req = Request.build(method, path, body=body, headers=h, context=context, query=query)
        return self.glance.api.call(req)

    def create(self, context: Any = P1, **body: Any) -> dict[str, Any]:
        """Create an image (qcow2/bare unless given) and return its JSON."""
        body.setdefault("disk_format", "qcow2")
        body.setdefault("container_format", "bare")
        for key in [k for k, v in body.items() if v is None]:
            del body[key]
        resp = self.call("POST", "/v2/images", context, body=body)
        assert resp.status == 201, resp.json()
        return resp.json()

    def upload(self, image_id: str, size: int, context: Any = P1, **headers: str):
        """Upload `size` simulated bytes; returns the response."""
        h = {**OCTET, "x-openstack-image-size": str(size)}
        h.update({k.replace("_", "-"): v for k, v in headers.items()})
        return self.call("PUT", f"/v2/images/{image_id}/file", context, headers=h)

    def start_upload(self, image_id: str, size: int, context: Any = P1, **headers: str):
        """Start an upload as a simulated process; returns a dict filled with its response."""
        h = {**OCTET, **JSON_ACCEPT, "x-openstack-image-size": str(size)}
        h.update({k.replace("_", "-"): v for k, v in headers.items()})
        out: dict[str, Any] = {}

        def run():
            req = Request.build("PUT", f"/v2/images/{image_id}/file", headers=h, context=context)
            result = self.glance.api.dispatch(req)
            if not hasattr(result, "status"):
                result = yield from result
            out["response"] = result
            out["t"] = self.cloud.now

        self.cloud.kernel.spawn(run(), name=f"upload {image_id}")
        return out

    def show(self, image_id: str, context: Any = ADMIN) -> dict[str, Any]:
        """The image as `context` sees it (admin by default)."""
        resp = self.call("GET", f"/v2/images/{image_id}", context)
        assert resp.status == 200, resp.json()
        return resp.json()

    def patch(self, image_id: str, ops: list[dict[str, Any]], context: Any = P1, **headers):
        """A JSON-patch PATCH (v2.1 media type unless given)."""
        h = {"Content-Type": PATCH, **headers}
        return self.call("PATCH", f"/v2/images/{image_id}", context, body=ops, headers=h)

    def ceph_clone(self, url: str, data: ImageData | int = 1 << 20) -> str:
        """An active image at the RBD location `url`, registered as Nova's RBD direct snapshot
        registers it, with what the store finds there (`data`, or that many bytes): the
        location API from Glance 29.0.0, else a PATCH (``show_multiple_locations`` on). A
        later request naming `url` finds that data."""
        g = self.glance
        image_id = self.create()["id"]
        data = data if isinstance(data, ImageData) else ImageData(data, url)
        if g.schema.glance >= LOCATION_API_SINCE:
            g.images.add_location(NOVA_P1, image_id, url, data)
            return image_id
        op = {"op": "add", "path": "/locations/-", "value": {"url": url, "metadata": {}}}
        changes = parse_patch([op], 10, g.schema, g.reserved)
        g.images.update(P1, image_id, changes, location_data=data)
        return image_id

    def status(self, image_id: str) -> str:
        """The image's status, even when deleted."""
        return self.glance.db.images[image_id].status


def message(resp) -> str:
    """The ``message`` of a JSON error body."""
    return resp.json()["message"]


def detail(resp) -> str:
    """The Glance text of a JSON error body (after WebOb's explanation and <br /><br />)."""
    text = resp.json()["message"]
    head, _sep, tail = text.partition("<br /><br />\n")
    return (tail.strip() or head.strip()) if _sep else text.strip()
