"""Token validation in front of every service (what keystonemiddleware's ``auth_token`` does).

Before a request reaches a service, its ``X-Auth-Token`` is looked up in the service's token
cache, or validated with the cloud's Keystone and cached (`fakecloud.transport.token_cache`:
the call traced, as keystonemiddleware makes it; Keystone's own API reads its store). A live
token becomes the request's `RequestContext` (a copy per request, carrying the request
id); a missing, unknown, revoked or expired token on a path that needs one never reaches the
service: it is answered 401, traced as every request a middleware in front of a service refuses
(`refused_at_door`): ``api.request`` (no user), ``identity.token_rejected`` with the reason,
``api.response`` 401 (no user), after the validation call if one was made. The answer
is keystonemiddleware's own, the same in front of every service (``{"error": {"code": 401,
"title": "Unauthorized", "message": ...}}``, ``WWW-Authenticate: Keystone uri="..."``), with
the request-id header the service's pipeline adds before authentication. Version documents
(``/``, ``/v2.1``, ``/v3/``) need no token, as in the real paste pipelines; a service may
decide otherwise with ``public_paths`` or ``needs_token(method, path)``.

A service token (``X-Service-Token``, what a service sends beside its user's token) is
checked as ``AuthProtocol.process_request`` checks it (keystonemiddleware 4.22.0-13.0.1): an
unknown, revoked or expired one is a 401 whatever the user's token; one without a role of
``service_token_roles`` (``service``) is refused only where ``service_token_roles_required``
is on (its default from keystonemiddleware 13.0.0: the 2026.2 series, Nova 34.0.0; before, it
is taken, with a warning); behind glance-api's ``delay_auth_decision`` (`delays_auth_decision`)
neither is refused, only left unconfirmed (no ``service_*``), the user's token deciding. Only
one with the role lets an expired user token through
(``allow_expired``, within Keystone's ``[token] allow_expired_window``). Its user, project and
roles reach the service as oslo.context's ``service_*`` fields (`service_identity`), never as
the caller's own: a policy reads them only where a rule names them (``service_roles:service``).
Keystone's own API reads no service token (``reads_service_token``: its middleware only notes
one), so there the user's token alone decides.
"""

from __future__ import annotations

import re
from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.identity.api import http_error
from fakecloud.identity.context import (
    SERVICE_TOKEN_ROLE,
    RequestContext,
    copier,
    replaced,
    with_service_token,
)
from fakecloud.identity.exception import TokenNotFound
from fakecloud.identity.tokens import TokenExpired
from fakecloud.transport import token_cache
from fakecloud.transport.endpoints import host_url
from fakecloud.transport.token_cache import (
    EXPIRED_REASON,
    INVALID_SERVICE_TOKEN,
    NO_CACHE,
    SERVICE_TOKEN_WITHOUT_ROLE,
    UNKNOWN_REASON,
    service_of,
)

UNAUTHORIZED = "The request you have made requires authentication."

#: The request-id headers of a service that does not name its own (``request_id_headers``).
DEFAULT_REQUEST_ID_HEADERS = ("x-openstack-request-id",)

#: A token's `RequestContext` copied with the request's id (`replaced`'s copier, held here).
_WITH_REQUEST_ID = copier(RequestContext, "request_id")

_VERSION_PATH = re.compile(r"^/*(v\d+(\.\d+)?/*)?$|^/*versions/*$")


def is_version_path(path: str) -> bool:
    """Whether `path` is a version document (``/``, ``/v2.1``, ``/v3/``, ``/versions``)."""
    return _VERSION_PATH.match(path) is not None


def needs_token(api: Any, method: str, path: str) -> bool:
    """Whether `api` requires a token for `method` `path`: its own ``needs_token(method,
    path)``, else its ``public_paths`` (a set of paths), else every path but version documents."""
    check = getattr(api, "needs_token", None)
    if check is not None:
        return check(method, path)
    public = getattr(api, "public_paths", None)
    if public is not None:
        return path not in public
    return not is_version_path(path)


def authenticate(keystone: Any, api: Any, req: Request) -> Response | None:
    """Set ``req.context`` from the request's token; a 401 `Response` if it is refused.

    Also gives the request its id (``req.context.request_id``), which the caller stamps on the
    response so that the header and the context agree.
    """
    # Every request passes here, mostly between long stretches of client code that leave the
    # CPU's caches cold, where each Python frame costs microseconds: the token is read from
    # the folded headers, checked by the token store and its context copied (`for_request`)
    # without a frame of their own.
    token_id = dict.get(req.headers, "x-auth-token")  # a `Headers`: names folded
    if (
        dict.get(req.headers, "x-service-token")
        and getattr(api, "reads_service_token", True)
        and needs_token(api, req.method, req.path)
    ):
        return _with_service_token(keystone, api, req, token_id)
    if token_id:
        try:
            if getattr(api, "validates_own_tokens", False):
                token = keystone.tokens.validate(token_id)
                ctx = token.context
            else:
                # keystonemiddleware's cache (`token_cache.fetch`): a token this service
                # validated lately and still live is one lookup, read here
                service = service_of(api)
                entry = (keystone.authtoken_caches or NO_CACHE).get(service, NO_CACHE).get(token_id)
                if entry is not None and keystone.kernel.env._now < entry[0]:
                    token, ctx = entry[2], entry[3]
                else:
                    token, ctx = token_cache.fetch(keystone, service, token_id)
        except TokenExpired:
            reason = EXPIRED_REASON
        except TokenNotFound as dead:
            reason = UNKNOWN_REASON
            # Keystone's own middleware answers its validation's error (a deleted application
            # credential's 404), where keystonemiddleware says 401
            if (
                dead.__class__ is not TokenNotFound
                and getattr(api, "answers_token_cause", False)
                and needs_token(api, req.method, req.path)
            ):
                refused = refuse_token(api, keystone, dead)
                refused.headers.update(getattr(api, "rejected_headers", ()))
                return refused
        else:
            # Keystone's own middleware renders the token it validates (`token_refusal`)
            token_refusal = getattr(api, "token_refusal", None)
            if token_refusal is not None:
                refused = token_refusal(req, token)
                if refused is not None:
                    return refused
            rid = keystone.kernel.ids.request_id()
            if ctx.__class__ is RequestContext:
                req.context = _WITH_REQUEST_ID(ctx, rid)
            else:
                req.context = replaced(ctx, "request_id", rid)
            return None
    else:
        reason = "no token"
    if not needs_token(api, req.method, req.path):
        return None
    return _rejected(keystone, api, req, reason)


def _with_service_token(keystone: Any, api: Any, req: Request, token_id: str | None) -> Any:
    """`authenticate` for a request carrying a service token (see the module's docstring):
    both tokens fetched through the service's cache, the user's with ``allow_expired`` when
    the service token's role check passed."""
    kernel = keystone.kernel
    service = service_of(api)
    # glance-api's delay_auth_decision: an invalid service token goes unconfirmed (no
    # service_* headers) and the user's token decides, without allow_expired
    deferred = getattr(api, "delays_auth_decision", False)
    try:
        _, serving = token_cache.fetch(keystone, service, req.headers["x-service-token"])
    except (TokenExpired, TokenNotFound):
        if not deferred:
            return _rejected(keystone, api, req, INVALID_SERVICE_TOKEN)
        serving = None
    role_passed = serving is not None and SERVICE_TOKEN_ROLE in serving.roles
    if serving is not None and not role_passed and kernel.switches.service_token_roles_required:
        if not deferred:
            return _rejected(keystone, api, req, SERVICE_TOKEN_WITHOUT_ROLE)
        serving = None
    if not token_id:
        return _rejected(keystone, api, req, "no token")
    try:
        _, ctx = token_cache.fetch(keystone, service, token_id, allow_expired=role_passed)
    except TokenExpired:
        return _rejected(keystone, api, req, EXPIRED_REASON)
    except TokenNotFound:
        return _rejected(keystone, api, req, UNKNOWN_REASON)
    if serving is not None:
        ctx = with_service_token(ctx, serving)
    req.context = replaced(ctx, "request_id", kernel.ids.request_id())
    return None


def _rejected(keystone: Any, api: Any, req: Request, reason: str) -> Response:
    """keystonemiddleware's refusal of `req`, traced with `reason` (`refused_at_door`)."""
    refused_at_door(
        keystone.kernel, getattr(api, "name", "service"), f"{req.method} {req.path}", reason
    )
    return reject(api, keystone, req)


def refused_at_door(kernel: Any, actor: str, line: str, reason: str, status: int = 401) -> None:
    """Trace a request that a middleware in front of service `actor` refused before the
    service's own code ran (keystonemiddleware's 401 for a token, `reason` the traced
    ``identity.token_rejected``'s): ``api.request`` and ``api.response`` with no user, as
    every other request the service answers has them (the refused request is in the
    service's access log, ``"GET /v2.1/servers" status: 401``, where its own log has
    nothing), the refusal between them."""
    kernel.trace.emit("api.request", actor, line, user=None)
    token_cache.rejected(kernel, actor, line, reason)
    kernel.trace.emit("api.response", actor, line, status=status, user=None)


def reject(api: Any, keystone: Any, req: Request | None = None) -> Response:
    """keystonemiddleware's 401 (``auth_token._reject_request``), with a request id in the
    headers the service's request-id middleware adds in front of it: its
    ``rejected_request_id_headers``, else its ``request_id_headers``, and its
    ``rejected_headers`` (Keystone's ``Vary``). A service whose
    pipeline answers itself (its ``unauthenticated(req)``: Glance's) gives its own 401."""
    # Drawn even where no header carries it: every later id keeps its place.
    rid = keystone.kernel.ids.request_id()
    own = getattr(api, "unauthenticated", None)
    if own is not None and req is not None:
        return own(req)
    names = getattr(api, "rejected_request_id_headers", None)
    names = names or getattr(api, "request_id_headers", None) or DEFAULT_REQUEST_ID_HEADERS
    response = unauthorized(keystone.kernel, names, rid)
    response.headers.update(getattr(api, "rejected_headers", ()))
    return response


def unauthorized(kernel: Any, names: Any, request_id: str) -> Response:
    """keystonemiddleware's 401 body and headers, `request_id` in each header of `names`."""
    response = Response(
        401,
        {"error": {"code": 401, "title": "Unauthorized", "message": UNAUTHORIZED}},
        # webob.exc.HTTPUnauthorized(..., charset='UTF-8', content_type='application/json')
        # with headers: WebOb (1.7.4-1.8.11) adds no charset to application/json.
        {"Content-Type": "application/json", "WWW-Authenticate": www_authenticate(kernel)},
    )
    for name in names:
        response.headers[name] = request_id
    return response


def www_authenticate(kernel: Any) -> str:
    """The ``WWW-Authenticate`` keystonemiddleware gives every 401 (``_reject_auth_headers``,
    added by ``process_response`` to its own and to the service's)."""
    return f'Keystone uri="{host_url(kernel.config, "identity")}"'


def refuse_token(identity_api: Any, keystone: Any, exc: Exception) -> Response:
    """Keystone's own answer to a token request it refuses (`exc`: a user with no role on its
    project, a disabled one), with a request id: what a client that cannot get a token meets,
    where `reject` is what a service answers a request without a valid one."""
    response = identity_api.render_fault(http_error(exc))
    stamp_request_id(identity_api, response, keystone.kernel.ids.request_id())
    return response


def stamp_request_id(api: Any, response: Response, request_id: str) -> None:
    """Put `request_id` in every request-id header the service sends."""
    for name in getattr(api, "request_id_headers", DEFAULT_REQUEST_ID_HEADERS):
        response.headers[name] = request_id
