"""``/images/{image_id}/metadata`` (``nova/api/openstack/compute/image_metadata.py``): Nova's
proxy to an image's custom properties, for microversions 2.1–2.38 (404 from 2.39 on).

Every change reads the image through Nova's Glance client, edits its ``properties``, checks
the ``metadata_items`` quota on the result (403 "Image metadata limit exceeded") and writes it
back with ``purge_props=True`` — so a key removed here is removed in Glance. Glance's own
refusals come back as Nova's: 403 when the caller may not see or change the image, 404
"Image not found.", 400 for a property Glance refuses.
"""

from __future__ import annotations

import copy
from collections.abc import Generator
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.microversion import Version
from fakecloud.nova import exception
from fakecloud.nova.api import schemas

#: ``@wsgi.api_version('2.1', '2.38')`` on every method.
MAX_IMAGE_META_PROXY_API_VERSION = Version(2, 38)

CREATE = schemas.SchemaValidator(
    {
        "type": "object",
        "properties": {"metadata": schemas.metadata},
        "required": ["metadata"],
        "additionalProperties": False,
    }
)
UPDATE_ALL = CREATE
_SINGLE = {**copy.deepcopy(schemas.metadata), "minProperties": 1, "maxProperties": 1}
UPDATE = schemas.SchemaValidator(
    {
        "type": "object",
        "properties": {"meta": _SINGLE},
        "required": ["meta"],
        "additionalProperties": False,
    }
)


class ImageMetadataController:
    """The image-metadata proxy to Glance."""

    def __init__(self, nova: Any, servers: Any, service: Any):
        self.nova = nova
        self.servers = servers
        self.service = service

    @staticmethod
    def _check_version(req: Request) -> None:
        if req.microversion > MAX_IMAGE_META_PROXY_API_VERSION:
            raise HttpError(404, "The resource could not be found.")

    def _get_image(self, req: Request) -> Generator[Any, Any, dict[str, Any]]:
        image_id = req.params["image_id"]
        try:
            return (yield from self.nova.image_api.get(req.context, image_id))
        except exception.ImageNotAuthorized as exc:
            raise HttpError(403, exc.format_message()) from None
        except exception.ImageNotFound:
            raise HttpError(404, "Image not found.") from None

    def _save(self, req: Request, image: dict[str, Any]) -> Generator[Any, Any, dict[str, Any]]:
        """``image_api.update(..., purge_props=True)``: Glance gets exactly `image`'s
        properties."""
        self.servers.check_img_metadata_properties_quota(req.context, image["properties"])
        try:
            return (
                yield from self.nova.image_api.update(
                    req.context, req.params["image_id"], image, purge_props=True
                )
            )
        except exception.ImageNotAuthorized as exc:
            raise HttpError(403, exc.format_message()) from None
        except exception.ImageNotFound:
            raise HttpError(404, "Image not found.") from None
        except exception.Invalid as exc:
            raise HttpError(400, exc.format_message()) from None

    def index(self, req: Request) -> Generator[Any, Any, Response]:
        """``GET /images/{image_id}/metadata``: ``{"metadata": {...}}``."""
        self._check_version(req)
        image = yield from self._get_image(req)
        return Response(200, {"metadata": image["properties"]})

    def show(self, req: Request) -> Generator[Any, Any, Response]:
        """``GET /images/{image_id}/metadata/{key}``: ``{"meta": {key: value}}``, or 404."""
        self._check_version(req)
        image = yield from self._get_image(req)
        key = req.params["key"]
        if key not in image["properties"]:
            raise HttpError(404, "The resource could not be found.")
        return Response(200, {"meta": {key: image["properties"][key]}})

    def create(self, req: Request) -> Generator[Any, Any, Response]:
        """``POST /images/{image_id}/metadata``: merge; answers every property."""
        self._check_version(req)
        body = self.service.body(req)
        CREATE.validate(body, req)
        image = yield from self._get_image(req)
        image["properties"].update(body["metadata"])
        image = yield from self._save(req, image)
        return Response(200, {"metadata": image["properties"]})

    def update(self, req: Request) -> Generator[Any, Any, Response]:
        """``PUT /images/{image_id}/metadata/{key}``: one ``{"meta": {key: value}}``."""
        self._check_version(req)
        body = self.service.body(req)
        UPDATE.validate(body, req)
        meta = body["meta"]
        key = req.params["key"]
        if key not in meta:
            raise HttpError(400, "Request body and URI mismatch")
        image = yield from self._get_image(req)
        image["properties"][key] = meta[key]
        yield from self._save(req, image)
        return Response(200, {"meta": meta})

    def update_all(self, req: Request) -> Generator[Any, Any, Response]:
        """``PUT /images/{image_id}/metadata``: replace every property."""
        self._check_version(req)
        body = self.service.body(req)
        UPDATE_ALL.validate(body, req)
        image = yield from self._get_image(req)
        metadata = body["metadata"]
        self.servers.check_img_metadata_properties_quota(req.context, metadata)
        image["properties"] = metadata
        yield from self._save(req, image)
        return Response(200, {"metadata": metadata})

    def delete(self, req: Request) -> Generator[Any, Any, Response]:
        """``DELETE /images/{image_id}/metadata/{key}``: 204, or 404 "Invalid metadata key"."""
        self._check_version(req)
        image = yield from self._get_image(req)
        key = req.params["key"]
        if key not in image["properties"]:
            raise HttpError(404, "Invalid metadata key")
        image["properties"].pop(key)
        yield from self._save(req, image)
        return Response(204)
