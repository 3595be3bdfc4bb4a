"""Keystone's Flask-RESTful resources that served a collection and its members as one.

``APIBase._add_resources`` (keystone 14.0.0 on, ``keystone/server/flask/common.py``) adds each
resource of an API's ``resources`` at two paths, ``/<collection_key>`` and
``/<collection_key>/<member_key>_id``: one class, one Flask view for both. Until an API's
resource was split in two (keystone 27.0.0 with the JSON schemas, ``UsersResource``
fcf8b4c6c, ``ProjectsResource`` 5cf620a08 and the others; ``RegionsResource`` in 28.0.0,
b4b2f29c8; consumers, mappings and policies still one in 30.0.0), both paths answer to every
method the class defines:

- Flask's own ``OPTIONS`` answer and a 405's ``Allow`` list them all (``OPTIONS /v3/projects``:
  ``DELETE``, ``PATCH`` too);
- a method the class defines that the path does not take (``DELETE /v3/users``, ``POST
  /v3/users/<id>``) reaches it without its argument, or with one too many: the ``TypeError``
  is rendered as a 400 by the app's handler (``server/flask/application.py``
  ``_handle_unknown_keystone_exception``), then the blueprint's ``after_request``
  ``_assert_rbac_enforcement_called`` raises ``AssertionError`` (no policy was enforced) and
  the app, with ``PROPAGATE_EXCEPTIONS``, lets it out: the WSGI server's 500, with no token
  asked first (the keystone oracle on 22.0.0-25.0.0).

The table is read from each release's ``keystone/api/*.py`` (14.0.0-29.0.0 from the git
mirror, 30.0.0 from its wheel): the collection paths and the releases their resource was one.
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import WsgiServerError
from fakecloud.api.router import NoRoute

#: A collection's path → (the first keystone release where Flask serves it with its members as
#: one resource, the first that split them; None: still one in 30.0.0).
COMBINED: dict[str, tuple[int, int | None]] = {
    # 14.0.0: the APIs moved to Flask by then
    "/v3/credentials": (14, 27),
    "/v3/limits": (14, 27),
    "/v3/registered_limits": (14, 27),
    "/v3/OS-TRUST/trusts": (14, 27),
    "/v3/OS-OAUTH1/consumers": (14, None),
    # 15.0.0: the rest
    "/v3/domains": (15, 27),
    "/v3/endpoints": (15, 27),
    "/v3/groups": (15, 27),
    "/v3/projects": (15, 27),
    "/v3/roles": (15, 27),
    "/v3/services": (15, 27),
    "/v3/users": (15, 27),
    "/v3/OS-EP-FILTER/endpoint_groups": (15, 27),
    "/v3/OS-FEDERATION/identity_providers": (15, 27),
    "/v3/OS-FEDERATION/service_providers": (15, 27),
    "/v3/regions": (15, 28),
    "/v3/policies": (15, None),
    "/v3/OS-FEDERATION/mappings": (15, None),
}


def collection_of(release: int, path: str) -> str | None:
    """The collection whose one resource serves `path` (the collection or one member, no
    trailing slash) in keystone `release`, or None."""
    span = COMBINED.get(path)
    collection = path
    if span is None:
        collection, _, member = path.rpartition("/")
        span = COMBINED.get(collection)
        if span is None or not member:
            return None
    first, split = span
    if release < first or (split is not None and release >= split):
        return None
    return collection


def resource_methods(router: Any, release: int, path: str) -> list[str]:
    """The methods `router` serves on `path` and, where its resource is one with its
    collection's or members' (`collection_of`), on the other path too; sorted."""
    collection = collection_of(release, path)
    paths = (path,) if collection is None else (collection, f"{collection}/x")
    methods: set[str] = set()
    for each in paths:
        methods.update(_served(router, each))
    return sorted(methods)


def unenforced(router: Any, release: int, method: str, path: str) -> bool:
    """Whether `method` `path` reaches a method of a resource that is one with its
    collection's or members' but not this path's (the WSGI server's 500, `server_error`)."""
    if method in ("GET", "HEAD", "OPTIONS"):  # every such resource serves GET at both paths
        return False
    path = path.rstrip("/")
    if collection_of(release, path) is None:
        return False
    if method in _served(router, path):
        return False
    return method in resource_methods(router, release, path)


def server_error() -> WsgiServerError:
    """The WSGI server's answer to the exception the app let out: ``500 Internal Server
    Error``, no body, nothing of Keystone's middleware (no request id, no ``Vary``: they add
    theirs to an answer, and there is none). The status is the oracle's; the body and type are
    the deployment's server's own (uWSGI, mod_wsgi), as for Nova's (`fakecloud.nova.api`)."""
    return WsgiServerError(500, b"", {"Content-Type": "text/plain"})


def _served(router: Any, path: str) -> list[str]:
    try:
        router.match("", path)  # no route has no method: the path's methods
    except NoRoute as miss:
        return miss.allowed
    return []
