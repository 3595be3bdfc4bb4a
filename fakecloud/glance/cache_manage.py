"""Glance's ``cachemanage`` middleware: ``/v2/cached_images`` and ``/v2/queued_images``
(``glance-cache-manage``), 18.0.0 on.

devstack's ``lib/glance`` (queens-eol to master) sets ``[DEFAULT] image_cache_dir`` and the
paste flavor ``keystone+cachemanagement``, whose pipeline (``etc/glance-api-paste.ini``, every
release to 33) puts the ``cache`` and ``cachemanage`` filters before the API. Read in glance
18.0.0-33
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

Each asks the policy ``manage_image_cache`` (``role:admin`` in each release; from 25.0.0
``scope_types=['project']``, so a system-scoped token with scope enforced is refused too)
after ``wsgi.Resource`` has read the body (a JSON one is an argument the action does not take:
the 500), a refusal WebOb's bare 403; each answers 200 with the result as JSON (``null`` for
none: the ``JSONResponseSerializer``'s default). From 24.0.0 the same ``CacheController``
serves the ``/v2/cache`` API (`fakecloud.glance.cache_api`) beside these routes, and the
records and the queue are the same; 25.0.0's ``CachedImageSerializer`` (ecb040c17, a71f7ba44)
sets 202/204 for the ``/v2/cache`` actions alone, so these stay 200 with JSON. The queue is
fetched by glance-api's prefetcher every 300 s from 19.0.0 (73fefddd9) to 24.x, by the
``glance-cache-prefetcher`` command (a cron job devstack does not set up) before; from
25.0.0 the API has no prefetcher, and ``queue_image`` here, unlike ``PUT /v2/cache/{id}``,
submits nothing to the cache worker (c1a2b9e22): the image stays queued until a download
caches it. Glance 16.x and 17.x map the filter's routes under ``/v1/`` (not modelled:
``glance.image_cache: true`` is a ``ConfigError`` there).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.api.router import NoRoute
from fakecloud.glance.cache_api import _read_body, admitted
from fakecloud.glance.errors import HTTPForbidden

#: The first Glance whose ``cachemanage`` filter maps ``/v2/`` paths (d03e80a73).
CACHE_MANAGE_V2_SINCE = 18


def served(glance: Any, series_glance: int) -> bool:
    """Whether the filter is in the pipeline: a cache (devstack's flavor), and Glance 18.0.0 on."""
    return glance.cache is not None and series_glance >= CACHE_MANAGE_V2_SINCE


def _controller(api: Any, req: Request) -> Any:
    """``wsgi.Resource`` then ``CacheController._enforce``: the body, the admin's rule; the
    cloud's `ImageCache`. None where no filter serves the path (the API's plain 404)."""
    if not served(api.glance, api._series.glance):
        return None
    _read_body(api, req)
    if not admitted(api.glance, req.context, "manage_image_cache"):  # on {}
        raise HTTPForbidden()
    return api.glance.cache


def _json(result: Any) -> Response:
    """The ``JSONResponseSerializer``'s default: 200, the result as JSON."""
    return Response(200, json.dumps(result).encode(), {"Content-Type": "application/json"})


def _absent(api: Any, req: Request) -> Response:
    """No filter: the request goes on to the API, which has no such path."""
    return api.no_route(req, NoRoute([]))


def _action(run: Callable[[Any, Request], Any]) -> Callable[[Any, Request], Response]:
    """The filter's route serving `run` (``run(cache, req)`` -> the action's result): the
    controller's checks first (`_controller`), the API's 404 where no filter serves, the result
    as JSON (`_json`)."""

    @functools.wraps(run)
    def serve(api: Any, req: Request) -> Response:
        cache = _controller(api, req)
        if cache is None:
            return _absent(api, req)
        return _json(run(cache, req))

    return serve


@_action
def get_cached_images(cache: Any, req: Request) -> Any:
    """``GET /v2/cached_images``."""
    return {"cached_images": cache.cached_images()}


@_action
def delete_cached_image(cache: Any, req: Request) -> Any:
    """``DELETE /v2/cached_images/{image_id}``."""
    cache.delete_cached(req.params["image_id"])


@_action
def delete_cached_images(cache: Any, req: Request) -> Any:
    """``DELETE /v2/cached_images``: every cached image removed."""
    return {"num_deleted": cache.delete_all_cached()}


@_action
def get_queued_images(cache: Any, req: Request) -> Any:
    """``GET /v2/queued_images``."""
    return {"queued_images": cache.queued_images()}


@_action
def queue_image(cache: Any, req: Request) -> Any:
    """``PUT /v2/queued_images/{image_id}``: queued whatever the id names (no cache worker)."""
    cache.queue(req.params["image_id"], worker=False)


@_action
def delete_queued_image(cache: Any, req: Request) -> Any:
    """``DELETE /v2/queued_images/{image_id}``."""
    cache.delete_queued(req.params["image_id"])


@_action
def delete_queued_images(cache: Any, req: Request) -> Any:
    """``DELETE /v2/queued_images``: the queue emptied."""
    return {"num_deleted": cache.delete_all_queued()}


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
