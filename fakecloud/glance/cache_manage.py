"""Glance's ``cachemanage`` middleware before 24.0.0: ``/v2/cached_images`` and
``/v2/queued_images`` (``glance-cache-manage``).

devstack's ``lib/glance`` (queens-eol to master) sets ``[DEFAULT] image_cache_dir`` and the
paste flavor ``keystone+cachemanagement``, whose pipeline (``etc/glance-api-paste.ini``) puts
the ``cache`` and ``cachemanage`` filters before the API. Read in glance 18.0.0-23.0.0
(``api/middleware/cache_manage.py`` ``CacheManageFilter``, ``api/v2/cached_images.py``
``CacheController``, ``image_cache/__init__.py``, ``common/wsgi.py``): the filter's mapper
serves seven routes and passes every other request on (another method on these paths: the
API's own 404):

- ``GET /v2/cached_images``: ``{"cached_images": [...]}`` (the sqlite driver's records);
- ``DELETE /v2/cached_images/{image_id}``, ``DELETE /v2/cached_images``: one image, or all,
  out of the cache (``{"num_deleted": N}``);
- ``PUT /v2/queued_images/{image_id}``: queued, with no look-up of the image (the prefetcher
  skips one it cannot fetch, and it stays queued);
- ``GET /v2/queued_images``: ``{"queued_images": [ids]}``; ``DELETE
  /v2/queued_images/{image_id}``, ``DELETE /v2/queued_images``: out of the queue
  (``{"num_deleted": N}``).

Each asks the policy ``manage_image_cache`` (``role:admin`` in each release) after
``wsgi.Resource`` has read the body (a JSON one is an argument the action does not take: the
500), a refusal WebOb's bare 403; each answers 200 with the result as JSON (``null`` for
none: the ``JSONResponseSerializer``'s default). The queue is fetched by glance-api's
prefetcher every 300 s from 19.0.0 (73fefddd9), by the ``glance-cache-prefetcher`` command
(a cron job devstack does not set up) before. Glance 16.x and 17.x map the filter's routes
under ``/v1/`` (not modelled: ``glance.image_cache: true`` is a ``ConfigError`` there); from
24.0.0 the ``/v2/cache`` API (`fakecloud.glance.cache_api`) is modelled, and these routes are
not served there (a plain 404).
"""

from __future__ import annotations

import json
from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.api.router import NoRoute
from fakecloud.glance.cache_api import CACHE_API_SINCE, _read_body
from fakecloud.glance.errors import HTTPForbidden
from fakecloud.glance.policy import is_admin

#: The first Glance whose ``cachemanage`` filter maps ``/v2/`` paths (d03e80a73).
CACHE_MANAGE_V2_SINCE = 18


def served(glance: Any, series_glance: int) -> bool:
    """Whether the filter is in the pipeline: a cache, and a Glance 18.x-23.x."""
    return glance.cache is not None and CACHE_MANAGE_V2_SINCE <= series_glance < CACHE_API_SINCE


def _controller(api: Any, req: Request) -> Any:
    """``wsgi.Resource`` then ``CacheController._enforce``: the body, the admin's rule; the
    cloud's `ImageCache`. None where no filter serves the path (the API's plain 404)."""
    if not served(api.glance, api._series.glance):
        return None
    _read_body(api, req)
    if not is_admin(req.context):
        raise HTTPForbidden()
    return api.glance.cache


def _json(result: Any) -> Response:
    """The ``JSONResponseSerializer``'s default: 200, the result as JSON."""
    return Response(200, json.dumps(result).encode(), {"Content-Type": "application/json"})


def _absent(api: Any, req: Request) -> Response:
    """No filter: the request goes on to the API, which has no such path."""
    return api.no_route(req, NoRoute([]))


def get_cached_images(api: Any, req: Request) -> Response:
    """``GET /v2/cached_images``."""
    cache = _controller(api, req)
    if cache is None:
        return _absent(api, req)
    return _json({"cached_images": cache.cached_images()})


def delete_cached_image(api: Any, req: Request) -> Response:
    """``DELETE /v2/cached_images/{image_id}``."""
    cache = _controller(api, req)
    if cache is None:
        return _absent(api, req)
    cache.delete_cached(req.params["image_id"])
    return _json(None)


def delete_cached_images(api: Any, req: Request) -> Response:
    """``DELETE /v2/cached_images``: every cached image removed."""
    cache = _controller(api, req)
    if cache is None:
        return _absent(api, req)
    return _json({"num_deleted": cache.delete_all_cached()})


def get_queued_images(api: Any, req: Request) -> Response:
    """``GET /v2/queued_images``."""
    cache = _controller(api, req)
    if cache is None:
        return _absent(api, req)
    return _json({"queued_images": cache.queued_images()})


def queue_image(api: Any, req: Request) -> Response:
    """``PUT /v2/queued_images/{image_id}``: queued whatever the id names."""
    cache = _controller(api, req)
    if cache is None:
        return _absent(api, req)
    cache.queue(req.params["image_id"])
    return _json(None)


def delete_queued_image(api: Any, req: Request) -> Response:
    """``DELETE /v2/queued_images/{image_id}``."""
    cache = _controller(api, req)
    if cache is None:
        return _absent(api, req)
    cache.delete_queued(req.params["image_id"])
    return _json(None)


def delete_queued_images(api: Any, req: Request) -> Response:
    """``DELETE /v2/queued_images``: the queue emptied."""
    cache = _controller(api, req)
    if cache is None:
        return _absent(api, req)
    return _json({"num_deleted": cache.delete_all_queued()})


#: ``(method, template, handler)``: ``CacheManageFilter``'s mapper.
ROUTES = (
    ("GET", "/v2/cached_images", get_cached_images),
    ("DELETE", "/v2/cached_images/{image_id}", delete_cached_image),
    ("DELETE", "/v2/cached_images", delete_cached_images),
    ("PUT", "/v2/queued_images/{image_id}", queue_image),
    ("GET", "/v2/queued_images", get_queued_images),
    ("DELETE", "/v2/queued_images/{image_id}", delete_queued_image),
    ("DELETE", "/v2/queued_images", delete_queued_images),
)
