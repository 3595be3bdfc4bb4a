"""Glance's image cache API (``/v2/cache``) as a Glance without an image cache answers it.

Glance 24.0.0 (87eae327b, Yoga) routes ``GET``/``DELETE /v2/cache`` and ``PUT``/``DELETE
/v2/cache/{image_id}`` (``api/v2/router.py``) to ``api/v2/cached_images.py``
``CacheController``, whose ``_enforce`` asks the policy (``cache_list``, ``cache_delete``,
``cache_image``: ``role:admin`` in every release, the deprecated ``rule:manage_image_cache``
naming no rule) and then, with no ``image_cache_dir`` configured, answers 404 "Caching via
API is not supported at this site.". A refused caller gets the bare ``HTTPForbidden`` (WebOb's
own words). The image routes look the image up first: one the caller cannot see is 404 "Image
X not found." to ``PUT``; to ``DELETE`` Glance then asks the cache it has not
(``image_exists_in_cache`` on ``None``): its 500. Glance 33 (783f9f937, ec65276a6) adds
``GET /v2/cache/nodes/{image_id}`` (``list_cached_nodes``) and ``POST /v2/cache/clean`` and
``/v2/cache/prune`` (``cache_clean``, ``cache_prune``), asked the same way; routes matches
those two paths before ``/cache/{image_id}``, so another method on them is their reject
route's 405. Before 24.0.0 no such path: a plain 404.

fakecloud has no image cache, so this is every cloud's answer, and ``GlanceConfig.image_cache``
(``[DEFAULT] image_cache_dir`` set) is a ``ConfigError``: a cache-enabled Glance's version
document lists the cache API's versions (2.14-2.18, ``api/versions.py``; the series' table keeps
them), which fakecloud would not serve. What a cache-enabled Glance does and fakecloud does
not (read in glance 17.0.0-33.0.0, docs/history/conformance-log.md "Glance's image cache
(session 32)"):
``GET /v2/cache`` lists ``cached_images`` (``image_id``, ``hits``, ``last_accessed``,
``last_modified``, ``size``) and ``queued_images``; ``PUT /v2/cache/{image_id}`` queues an
``active`` image (400 "Only images with status active can be targeted for queueing"), cached
by glance-api's prefetcher every ``cache_prefetcher_interval`` (300 s; 19.0.0-24.x, before that
the ``glance-cache-prefetcher`` command) or at once by its cache worker (25.0.0 on, c1a2b9e22);
``DELETE /v2/cache/{image_id}`` and ``DELETE /v2/cache`` (``x-image-cache-clear-target``)
empty them; 24.0.0 answers every one 200 (``null`` or the counts), 25.0.0 on 202 to ``PUT`` and
204 to the deletes. The cache middleware caches an image as its data is first downloaded
(not a ``Range`` request), serves it from the cache after (``hits`` counted, not for a
deactivated image) and drops it when the image is deleted. The ``cachemanage`` middleware's
``/v2/cached_images`` and ``/v2/queued_images`` (what ``glance-cache-manage`` talks to), the
pruner and cleaner, the drivers (``sqlite``, ``xattr``; ``centralized_db``, the default from
28.0.0) and 33's nodes, clean and prune answers are not served either.
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.api.router import NoRoute
from fakecloud.glance.errors import (
    GlanceHttpError,
    HTTPBadRequest,
    HTTPForbidden,
    HTTPInternalServerError,
    HTTPNotFound,
)
from fakecloud.glance.policy import is_admin, system_scoped

#: The first Glance with the cache API (24.0.0) and with its nodes, clean and prune routes.
CACHE_API_SINCE = 24
CACHE_MAINTENANCE_SINCE = 33
#: ``/cache/clean`` and ``/cache/prune``: static paths routes matches first (Glance 33 on).
_MAINTENANCE = frozenset(("clean", "prune"))


def allow(template: str, path: str, glance: int) -> str | None:
    """The ``Allow`` header of the reject route serving `path` (of the cache `template`) in
    Glance `glance`, or None where Glance has no such path (a plain 404)."""
    if glance < CACHE_API_SINCE:
        return None
    if template == "/v2/cache":
        return "GET, DELETE"
    if template == "/v2/cache/nodes/{image_id}":
        return "GET" if glance >= CACHE_MAINTENANCE_SINCE else None
    return "POST" if _maintenance(path, glance) else "DELETE, PUT"


def _maintenance(path: str, glance: int) -> bool:
    """Whether `path` is ``/v2/cache/clean`` or ``/v2/cache/prune`` of Glance 33 on."""
    return glance >= CACHE_MAINTENANCE_SINCE and path.rsplit("/", 1)[-1] in _MAINTENANCE


def _refusal(api: Any, req: Request) -> GlanceHttpError:
    """``CacheController._enforce``: the admin's rule (WebOb's bare 403), then no cache at
    this site."""
    ctx = req.context
    if not is_admin(ctx) or system_scoped(ctx, api.glance.scope_enforced):
        return HTTPForbidden()
    return HTTPNotFound(explanation="Caching via API is not supported at this site.")


def _reject_body(req: Request) -> None:
    """A route declared ``body_reject=True``."""
    if req.body:
        raise HTTPBadRequest(explanation="A body is not expected with this request.")


def _read_body(api: Any, req: Request) -> None:
    """A route without ``body_reject``: the body is read as JSON (Glance's 400s), and one that
    parses is a ``body`` argument the action does not take, ``wsgi.Resource``'s 500."""
    if req.body:
        api._body(req)
        raise HTTPInternalServerError()


def _image_found(api: Any, req: Request) -> bool:
    """Whether the caller's image repo finds the image (``image_repo.get``: the database's
    visibility rule, no policy)."""
    try:
        api.glance.db.get(req.context, req.params["image_id"])
    except HTTPNotFound:
        return False
    return True


def _absent(api: Any, req: Request, since: int = CACHE_API_SINCE) -> Response | None:
    """The plain 404 of a Glance older than the route, or None."""
    if api._series.glance < since:
        return api.no_route(req, NoRoute([]))
    return None


def _rejected(api: Any, req: Request) -> Response:
    """A method the path's reject route refuses (its 405, `allow`'s header)."""
    return api.no_route(req, NoRoute([req.method]))


def cache_state(api: Any, req: Request) -> Response:
    """``GET /v2/cache`` (``get_cache_state``, ``body_reject``; policy ``cache_list``)."""
    if (absent := _absent(api, req)) is not None:
        return absent
    _reject_body(req)
    raise _refusal(api, req)


def clear_cache(api: Any, req: Request) -> Response:
    """``DELETE /v2/cache`` (``clear_cache``; policy ``cache_delete``)."""
    if (absent := _absent(api, req)) is not None:
        return absent
    _read_body(api, req)
    raise _refusal(api, req)


def queue_image(api: Any, req: Request) -> Response:
    """``PUT /v2/cache/{image_id}`` (``queue_image_from_api``; policy ``cache_image``)."""
    if (absent := _absent(api, req)) is not None:
        return absent
    if _maintenance(req.path, api._series.glance):
        return _rejected(api, req)
    _read_body(api, req)
    image_id = req.params["image_id"]
    if not _image_found(api, req):
        raise HTTPNotFound(explanation=f"Image {image_id} not found.")
    raise _refusal(api, req)


def delete_cache_entry(api: Any, req: Request) -> Response:
    """``DELETE /v2/cache/{image_id}`` (``delete_cache_entry``; policy ``cache_delete``)."""
    if (absent := _absent(api, req)) is not None:
        return absent
    if _maintenance(req.path, api._series.glance):
        return _rejected(api, req)
    _read_body(api, req)
    if not _image_found(api, req):
        raise HTTPInternalServerError()  # image_exists_in_cache asks a cache that is None
    raise _refusal(api, req)


def maintenance(api: Any, req: Request) -> Response:
    """``POST /v2/cache/clean`` and ``/v2/cache/prune`` (``clean_cache``, ``prune_cache``;
    policies ``cache_clean``, ``cache_prune``; Glance 33 on). ``POST /v2/cache/{image_id}``
    otherwise, the reject route's 405."""
    if (absent := _absent(api, req)) is not None:
        return absent
    if not _maintenance(req.path, api._series.glance):
        return _rejected(api, req)
    _read_body(api, req)
    raise _refusal(api, req)


def cached_nodes(api: Any, req: Request) -> Response:
    """``GET /v2/cache/nodes/{image_id}`` (``get_cached_nodes``, ``body_reject``; policy
    ``list_cached_nodes``; Glance 33 on): the policy before the image or the cache driver."""
    if (absent := _absent(api, req, CACHE_MAINTENANCE_SINCE)) is not None:
        return absent
    _reject_body(req)
    raise _refusal(api, req)


#: ``(method, template, handler)``: the cache routes (``maintenance`` serves the POST of
#: ``/cache/{image_id}`` to tell ``clean``/``prune`` from an image).
ROUTES = (
    ("GET", "/v2/cache", cache_state),
    ("DELETE", "/v2/cache", clear_cache),
    ("PUT", "/v2/cache/{image_id}", queue_image),
    ("DELETE", "/v2/cache/{image_id}", delete_cache_entry),
    ("POST", "/v2/cache/{image_id}", maintenance),
    ("GET", "/v2/cache/nodes/{image_id}", cached_nodes),
)
