"""Keystone's legacy router (``keystone/common/wsgi.py`` ``Router._dispatch``, 13.x-14.x): a
request its ``routes`` mapper does not match, by path or by method (each route is connected
with its methods as a condition, so there is no 405), is ``exception.NotFound`` with the
message "(<URL>): The resource could not be found.", the URL webob's ``req.url`` (the whole
URL with its query, the trailing slash ``url_normalize`` took off), rendered as Keystone's JSON
error (``render_exception``).

13.x (paste's ``urlmap``) sends every path there. 14.0.0's Flask app dispatches to it only the
paths under ``/v3/<prefix>`` of the routers not yet moved to Flask (``server/flask/
application.py`` ``KeystoneDispatcherMiddleware``, ``ALL_API_ROUTERS``' ``_path_prefixes``);
any other path (``/v3/credentials``, ``/v3/OS-TRUST``, ``/v3/nothing-here``) is Flask's own.
15.0.0 on, every route is Flask's (`werkzeug_pages`).
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import HttpError
from fakecloud.identity import exception

#: The ``_path_prefixes`` of keystone 14.0.0's ``ALL_API_ROUTERS`` (auth, assignment, catalog,
#: identity, application credentials, policy, resource, federation, oauth1, endpoint policy,
#: ec2, s3, simple cert): the ``/v3/<prefix>`` paths its legacy dispatcher is mounted at.
ROCKY_LEGACY_PREFIXES = frozenset({
    "auth", "users", "roles", "role_inferences", "projects", "domains", "system",
    "role_assignments", "OS-INHERIT", "OS-EP-FILTER", "regions", "endpoints", "services",
    "groups", "policies", "OS-FEDERATION", "OS-ENDPOINT-POLICY", "ec2tokens", "s3tokens",
    "OS-SIMPLE-CERT",
})  # fmt: skip
#: The first Keystone whose paths are not all the legacy router's (Rocky's Flask app).
KEYSTONE_FLASK_DISPATCH_SINCE = 14


def serves(release: int, path: str) -> bool:
    """Whether Keystone `release`'s legacy router answers `path` (one before 15.0.0, without
    its trailing slash) with its 404. Not the version documents: 13.x connects ``/`` and
    ``/v3`` with no method condition (``version/routers.py``), 14.x's are Flask's."""
    if path in ("/", "/v3"):
        return False
    if release < KEYSTONE_FLASK_DISPATCH_SINCE:
        return True
    parts = path.split("/")
    return len(parts) > 2 and parts[1] == "v3" and parts[2] in ROCKY_LEGACY_PREFIXES


def not_found(req: Any, detail: str | None) -> HttpError:
    """The router's ``NotFound`` for `req`; `detail` (fakecloud's explanation) after it."""
    path = req.path
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    query = "&".join(f"{k}={v}" for k, vs in req.query.items() for v in vs)
    url = f"{req.base_url}{path}" + (f"?{query}" if query else "")
    message = f"({url}): The resource could not be found."
    if detail:
        message += f" ({detail})"
    return HttpError(404, message)


def json_body(req: Any) -> None:
    """13.x's ``json_body`` filter (``keystone/middleware/core.py`` ``JsonBodyMiddleware``,
    13.0.0), in front of every ``/v3`` route: a body of a type other than ``application/json``
    (none given is read as JSON), or not JSON, or JSON that is neither an object nor empty
    (``null``, ``0``, ``[]``: read as ``{}``), is a 400."""
    if not req.body:
        return
    kind = dict.get(req.headers, "content-type") or ""  # a `Headers`: names folded
    if kind.split(";", 1)[0].strip() not in ("application/json", ""):
        raise exception.ValidationError(attribute="application/json", target="Content-Type header")
    not_json = exception.ValidationError(attribute="valid JSON", target="request body")
    if not req.body.strip():  # blanks: no JSON to jsonutils
        raise not_json
    try:
        body = req.json(utf8_only=False)
    except ValueError:
        raise not_json from None
    if body and not isinstance(body, dict):
        raise exception.ValidationError(attribute="valid JSON object", target="request body")
