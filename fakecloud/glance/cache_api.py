"""Glance's image cache API (``/v2/cache``), with and without an image cache.

Glance 24.0.0 (87eae327b, Yoga) routes ``GET``/``DELETE /v2/cache`` and ``PUT``/``DELETE
/v2/cache/{image_id}`` (``api/v2/router.py``) to ``api/v2/cached_images.py``
``CacheController``, whose ``_enforce`` asks the policy (``cache_list``, ``cache_delete``,
``cache_image``: ``role:admin`` in every release, the deprecated ``rule:manage_image_cache``
naming no rule) and then, with no ``image_cache_dir`` configured, answers 404 "Caching via
API is not supported at this site.". A refused caller gets the bare ``HTTPForbidden`` (WebOb's
own words). The image routes look the image up first: one the caller cannot see is 404 "Image
X not found." to ``PUT``; to ``DELETE`` Glance then asks the cache, which without one is its
500 (``image_exists_in_cache`` on ``None``), with one 404 "Image X not found." unless the
cache or the queue holds it. Glance 33 (783f9f937, ec65276a6) adds ``GET
/v2/cache/nodes/{image_id}`` (``get_cached_nodes``) and ``POST /v2/cache/clean`` and
``/v2/cache/prune`` (``clean_cache``, ``prune_cache``), asked the same way; routes matches
those two paths before ``/cache/{image_id}``, so another method on them is their reject
route's 405. Before 24.0.0 no such path: a plain 404.

With ``glance.image_cache`` (``[DEFAULT] image_cache_dir`` set; from Glance 24.0.0 here,
`fakecloud.glance.cache_manage` before) the cloud's `fakecloud.glance.image_cache.ImageCache`
answers:
``GET /v2/cache`` lists ``cached_images`` and ``queued_images``; ``PUT /v2/cache/{image_id}``
queues an ``active`` image (400 "Only images with status active can be targeted for
queueing"); ``DELETE /v2/cache/{image_id}`` drops it from the cache and the queue;
``DELETE /v2/cache`` empties both, or the one ``x-image-cache-clear-target`` names
(``cache``, ``queue``; another value 400). Glance 24.0.0 answers each with the serializer's
default, 200 and the result as JSON (``null``, or ``{"cache_deleted": N, "queue_deleted":
M}``); from 25.0.0 (``CachedImageSerializer``: ecb040c17, a71f7ba44) 202 to ``PUT`` and 204
to the deletes, no body.
Glance 33's nodes answer lists the node's URL if it caches the image (after the policy and
the image look-up: ``centralized_db`` is the driver); ``clean`` is 200 with no body (nothing
invalid or stalled), ``prune`` 200 ``{"total_files_pruned", "total_bytes_pruned"}``. Beside
it, in every release with a cache, the ``cachemanage`` middleware's ``/v2/cached_images`` and
``/v2/queued_images`` (``glance-cache-manage``; before 24.0.0 the only cache API:
`fakecloud.glance.cache_manage`), the same controller's older actions."""

from __future__ import annotations

import json
from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.api.router import NoRoute
from fakecloud.api.webob import plain_webob_headers
from fakecloud.glance.errors import (
    HTTPBadRequest,
    HTTPForbidden,
    HTTPInternalServerError,
    HTTPNotFound,
)
from fakecloud.glance.models import Image
from fakecloud.glance.policy import is_admin, out_of_scope

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


def _enforce(api: Any, req: Request, rule: str, image: Image | None = None) -> Any:
    """``CacheController._enforce``: the action's `rule` (``CacheImageAPIPolicy``, 24.0.0 on:
    on the image's ``ImageTarget`` where the action found one, else ``{}``; the admin's by
    default, or the operator's rules: `admitted`; WebOb's bare 403), then no cache at this
    site (404); the cloud's `ImageCache` otherwise."""
    if not admitted(api.glance, req.context, rule, image):
        raise HTTPForbidden()
    cache = api.glance.cache
    if cache is None:
        raise HTTPNotFound(explanation="Caching via API is not supported at this site.")
    return cache


def admitted(glance: Any, ctx: Any, rule: str, image: Image | None = None) -> bool:
    """Whether `ctx` passes the cache API's `rule` (the cachemanage filter's
    ``manage_image_cache``, 18.0.0 on, the ``/v2/cache`` actions' ``cache_list``,
    ``cache_image``, ``cache_delete`` (24.0.0), ``cache_clean``, ``cache_prune``,
    ``list_cached_nodes`` (33.0.0): ``rule:context_is_admin`` in every release, the
    deprecated ``rule:manage_image_cache`` beside it): the operator's rules where given
    (`fakecloud.glance.policy_file`, on `image`'s target or ``{}``), else the admin role; a
    system-scoped token refused where scope is enforced."""
    rules = glance.policy_rules
    if rules is None or ctx is None:
        return is_admin(ctx) and not out_of_scope(ctx, glance.scope_enforced)
    # the scope checked by the rules (`GlanceRules.allows`)
    target = rules.image_target(ctx, image, rule) if image is not None else {}
    found = rules.allows(ctx, rule, target)
    return is_admin(ctx, rules) if found is None else found


def _done(default_200: bool, status: int, result: Any = None) -> Response:
    """The serializer's answer: with `default_200` (switches ``glance_cache_queue_200``,
    ``glance_cache_delete_200``: 24.0.0) its default, 200 and the result as JSON (``null``
    for none); from 25.0.0 and the 24.x backports `status` and no body
    (``CachedImageSerializer``: ecb040c17, a71f7ba44)."""
    if default_200:
        return Response(200, json.dumps(result).encode(), {"Content-Type": "application/json"})
    return Response(status, None, plain_webob_headers())


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


def _image_found(api: Any, req: Request) -> Image | None:
    """The image the caller's image repo finds (``image_repo.get``: the database's
    visibility rule, no policy), or None."""
    try:
        return api.glance.db.get(req.context, req.params["image_id"], api.glance.policy_rules)
    except HTTPNotFound:
        return None


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
    cache = _enforce(api, req, "cache_list")
    body = {"cached_images": cache.cached_images(), "queued_images": cache.queued_images()}
    return Response(200, body, {"Content-Type": "application/json"})


def clear_cache(api: Any, req: Request) -> Response:
    """``DELETE /v2/cache`` (``clear_cache``; policy ``cache_delete``): the cache and the
    queue emptied, or the one ``x-image-cache-clear-target`` names."""
    if (absent := _absent(api, req)) is not None:
        return absent
    _read_body(api, req)
    cache = _enforce(api, req, "cache_delete")
    target = (req.headers.get("x-image-cache-clear-target") or "").lower()
    if target not in ("", "cache", "queue"):
        raise HTTPBadRequest(
            explanation="If provided 'x-image-cache-clear-target' must be 'cache', 'queue' "
            "or empty string."
        )
    result = {}
    if target in ("", "cache"):
        result["cache_deleted"] = cache.delete_all_cached()
    if target in ("", "queue"):
        result["queue_deleted"] = cache.delete_all_queued()
    return _done(api.kernel.switches.glance_cache_delete_200, 204, result)


def queue_image(api: Any, req: Request) -> Response:
    """``PUT /v2/cache/{image_id}`` (``queue_image_from_api``; policy ``cache_image``)."""
    if (absent := _absent(api, req)) is not None:
        return absent
    if _maintenance(req.path, api._series.glance):
        return _rejected(api, req)
    _read_body(api, req)
    image_id = req.params["image_id"]
    image = _image_found(api, req)
    if image is None:
        raise HTTPNotFound(explanation=f"Image {image_id} not found.")
    cache = _enforce(api, req, "cache_image", image)
    if api.glance.db.row(image_id).status != "active":
        raise HTTPBadRequest(
            explanation="Only images with status active can be targeted for queueing"
        )
    cache.queue(image_id)
    return _done(api.kernel.switches.glance_cache_queue_200, 202)


def delete_cache_entry(api: Any, req: Request) -> Response:
    """``DELETE /v2/cache/{image_id}`` (``delete_cache_entry``; policy ``cache_delete``)."""
    if (absent := _absent(api, req)) is not None:
        return absent
    if _maintenance(req.path, api._series.glance):
        return _rejected(api, req)
    _read_body(api, req)
    image_id = req.params["image_id"]
    cache = api.glance.cache
    image = _image_found(api, req)
    if image is None:
        if cache is None:
            raise HTTPInternalServerError()  # image_exists_in_cache asks a cache that is None
        if not cache.holds(image_id):
            raise HTTPNotFound(explanation=f"Image {image_id} not found.")
    cache = _enforce(api, req, "cache_delete", image)
    cache.delete_cached(image_id)
    cache.delete_queued(image_id)
    return _done(api.kernel.switches.glance_cache_delete_200, 204)


def maintenance(api: Any, req: Request) -> Response:
    """``POST /v2/cache/clean`` and ``/v2/cache/prune`` (``clean_cache``, ``prune_cache``;
    policies ``cache_clean``, ``cache_prune``; Glance 33 on). ``POST /v2/cache/{image_id}``
    otherwise, the reject route's 405."""
    if (absent := _absent(api, req)) is not None:
        return absent
    if not _maintenance(req.path, api._series.glance):
        return _rejected(api, req)
    _read_body(api, req)
    cache = _enforce(api, req, "cache_clean" if req.path.endswith("/clean") else "cache_prune")
    if req.path.endswith("/clean"):
        return Response(200, None, plain_webob_headers())  # nothing invalid or stalled
    files, size = cache.prune()
    body = {"total_files_pruned": files, "total_bytes_pruned": size}
    return Response(200, body, {"Content-Type": "application/json"})


def cached_nodes(api: Any, req: Request) -> Response:
    """``GET /v2/cache/nodes/{image_id}`` (``get_cached_nodes``, ``body_reject``; policy
    ``list_cached_nodes``; Glance 33 on): the policy before the image or the cache driver."""
    if (absent := _absent(api, req, CACHE_MAINTENANCE_SINCE)) is not None:
        return absent
    _reject_body(req)
    cache = _enforce(
        api, req, "list_cached_nodes"
    )  # the driver is centralized_db (the default from 28.0.0)
    image_id = req.params["image_id"]
    if _image_found(api, req) is None:
        raise HTTPNotFound(explanation=f"Image {image_id} not found.")
    return Response(200, cache.nodes(image_id), {"Content-Type": "application/json"})


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
