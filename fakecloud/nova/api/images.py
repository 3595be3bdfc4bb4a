"""The image proxy (``nova/api/openstack/compute/images.py``): ``GET /images``,
``/images/detail``, ``GET`` and ``DELETE /images/{id}``, through Nova's Glance client.

Deprecated at 2.36: from 2.36 on these paths answer 404 as if they did not exist.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.microversion import Version
from fakecloud.nova import exception
from fakecloud.nova.api import views

MAX_PROXY_API_SUPPORT_VERSION = Version(2, 35)
SUPPORTED_FILTERS = {
    "name": "name",
    "status": "status",
    "changes-since": "changes-since",
    "server": "property-instance_uuid",
    "type": "property-image_type",
    "minRam": "min_ram",
    "minDisk": "min_disk",
}


class ImagesController:
    """The proxy to Glance, for microversions up to 2.35."""

    def __init__(self, nova: Any):
        self.nova = nova
        self.fmt = views.Formatter(nova.kernel)

    @staticmethod
    def _check_version(req: Request) -> None:
        if req.microversion > MAX_PROXY_API_SUPPORT_VERSION:
            raise HttpError(404, "The resource could not be found.")

    def show(self, req: Request) -> Generator[Any, Any, Response]:
        """``GET /images/{image_id}``: 404 "Image not found." when Glance has none."""
        self._check_version(req)
        try:
            image = yield from self.nova.image_api.get(req.context, req.params["image_id"])
        except (exception.ImageNotFound, exception.InvalidImageRef):
            raise HttpError(404, "Image not found.") from None
        body = views.image_detail(self.fmt, req.link_prefix, self.nova.glance_url(), image)
        return Response(200, {"image": body})

    def delete(self, req: Request) -> Generator[Any, Any, Response]:
        """``DELETE /images/{image_id}``: 204, or 404/403 as Glance answers."""
        self._check_version(req)
        try:
            yield from self.nova.image_api.delete(req.context, req.params["image_id"])
        except exception.ImageNotFound:
            raise HttpError(404, "Image not found.") from None
        except exception.ImageNotAuthorized:
            raise HttpError(403, "You are not allowed to delete the image.") from None
        return Response(204)

    def index(self, req: Request) -> Generator[Any, Any, Response]:
        """``GET /images``."""
        self._check_version(req)
        images = yield from self._list(req)
        prefix, glance = req.link_prefix, self.nova.glance_url()
        return Response(200, {"images": [views.image_basic(prefix, glance, i) for i in images]})

    def detail(self, req: Request) -> Generator[Any, Any, Response]:
        """``GET /images/detail``."""
        self._check_version(req)
        images = yield from self._list(req)
        prefix, glance = req.link_prefix, self.nova.glance_url()
        items = [views.image_detail(self.fmt, prefix, glance, i) for i in images]
        return Response(200, {"images": items})

    def _list(self, req: Request) -> Generator[Any, Any, list[dict[str, Any]]]:
        filters: dict[str, Any] = {}
        for param, values in req.query.items():
            if param in SUPPORTED_FILTERS or param.startswith("property-"):
                filters[SUPPORTED_FILTERS.get(param, param)] = values[-1]
        server = filters.get("property-instance_uuid")
        if server and "/" in server:
            filters["property-instance_uuid"] = server.rsplit("/", 1)[1]
        if "status" in filters:
            filters["status"] = filters["status"].lower()
        try:
            images = yield from self.nova.image_api.get_all(req.context, filters=filters)
        except exception.Invalid as exc:
            raise HttpError(400, exc.format_message()) from None
        return list(images)
