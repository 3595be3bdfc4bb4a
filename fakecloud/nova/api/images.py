"""The image proxy (``nova/api/openstack/compute/images.py``): ``GET /images``,
``/images/detail``, ``GET`` and ``DELETE /images/{id}``, through Nova's Glance client.

The lists pass ``limit``, ``marker`` and ``page_size`` on to Glance (``get_pagination_params``)
and add an ``images_links`` ``next`` link when the page is full.

Deprecated at 2.36: from 2.36 on these paths answer 404 as if they did not exist.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.microversion import Version
from fakecloud.api.pagination import pagination_params, whole_param
from fakecloud.nova import exception
from fakecloud.nova.api import schemas, views

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
        """``GET /images``: a page of Glance's list (``limit``, ``marker``, ``page_size``)."""
        self._check_version(req)
        images = yield from self._list(req)
        prefix, glance = req.link_prefix, self.nova.glance_url()
        body = {"images": [views.image_basic(prefix, glance, i) for i in images]}
        return Response(200, self._with_links(req, body, images, "images"))

    def detail(self, req: Request) -> Generator[Any, Any, Response]:
        """``GET /images/detail``: as ``GET /images``, each image in full."""
        self._check_version(req)
        images = yield from self._list(req)
        prefix, glance = req.link_prefix, self.nova.glance_url()
        items = [views.image_detail(self.fmt, prefix, glance, i) for i in images]
        return Response(200, self._with_links(req, {"images": items}, images, "images/detail"))

    def _with_links(
        self, req: Request, body: dict[str, Any], images: list[Any], collection: str
    ) -> dict[str, Any]:
        """``_list_view``: ``images_links`` (a ``next`` link) when the page is full."""
        found = views.collection_links(
            req.link_prefix,
            req.query,
            images,
            collection,
            self.nova.config.max_limit,
            lambda image: image["id"],
        )
        if found:
            body["images_links"] = found
        return body

    def _list(self, req: Request) -> Generator[Any, Any, list[dict[str, Any]]]:
        if self.nova.kernel.switches.images_query_schema:
            schemas.query_validator(
                True,
                limit="positive_integer",
                page_size="positive_integer",
                offset="positive_integer",
            ).validate(req.query)
        else:
            pagination_params(req)
        page: dict[str, Any] = {}
        for param in ("limit", "page_size"):
            # _extract_query_params_v2 drops a falsy value: limit=0 (< 30.0.0) is no limit.
            if req.arg(param) is not None and whole_param(req.arg(param), param):
                page[param] = int(req.arg(param))
        if req.arg("marker") is not None:
            page["marker"] = req.arg("marker")
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
            images = yield from self.nova.image_api.get_all(req.context, filters=filters, **page)
        except exception.Invalid as exc:
            raise HttpError(400, exc.format_message()) from None
        return list(images)
