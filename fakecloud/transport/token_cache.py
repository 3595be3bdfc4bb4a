"""keystonemiddleware ``auth_token``'s token cache, and its calls to Keystone, at each service.

Every service but Keystone validates a caller's token the way its ``auth_token`` middleware
does (keystonemiddleware 4.22.0-13.0.1, ``auth_token/__init__.py`` ``AuthProtocol.fetch_token``):

- a token the service has not seen, or saw more than ``[keystone_authtoken] token_cache_time``
  seconds ago (config ``keystone_authtoken.token_cache_time_s``, default 300; as in
  keystonemiddleware, 0 keeps an answer for good and -1 keeps none), is sent to Keystone:
  ``GET /v3/auth/tokens`` with the token in ``X-Subject-Token``
  (``_identity.IdentityServer.verify_token``), one round trip of
  ``keystone_authtoken.validate_latency_s`` inside a flow (none in front of a user's request).
  The trace has it as any call between services::

      {"kind": "http.request",  "actor": "cinder-api", "subject": "GET /v3/auth/tokens",
       "callee": "keystone", "call": "validate_token"}
      {"kind": "http.response", ..., "status": 404, "error": "Failed to validate token"}

- the answer is kept in the service's in-process cache (``_cache.TokenCache`` over
  ``_FakeClient``: no memcached; with ``shared_cache`` one cache for every service, as
  devstack's memcached), a refused token as invalid (``_CACHE_INVALID_INDICATOR``)
  while switch ``lp1987355`` is on (keystonemiddleware before 10.1.1 and 10.2.0, e05466c5f4:
  Nova 26.2.2 and older); from then a refused token is not kept, and each request with it
  asks Keystone again;
- a cached token costs no call: one dict lookup. Its expiry is read from the cached data
  (``BaseAuthProtocol._validate_token``: ``will_expire_soon(stale_duration=0)``), so a token
  past its ``expires_at`` is refused at once. A revoked token, or one whose roles changed, is
  what the cache says until its entry ages out: the real middleware's window, without
  memcached and with no revocation check of cached tokens.

With a service token whose ``service`` role passed, the user's token is fetched with
``allow_expired`` (Keystone answers an expired one within its ``[token]
allow_expired_window``) and its expiry is not checked; a token already cached as invalid stays
refused, as the real cache has it (LP #1987355: a user's own request with an expired token,
refused and cached, then refuses Nova's call with it and its service token).

Keystone's own API validates its tokens itself (no call, no cache). The caches are the
services' state, saved with the cloud: a fork answers as the world it was forked from.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

from fakecloud.bounds import MAX_SECONDS, Bounds
from fakecloud.config import bounded, config_section
from fakecloud.identity.context import SERVICE_TOKEN_ROLE
from fakecloud.identity.exception import TokenNotFound
from fakecloud.identity.tokens import MIN_TOKEN_LIFE_S, TokenExpired
from fakecloud.sim import calls

#: The call's trace subject and name, and Keystone's actor in the trace.
VALIDATE = "GET /v3/auth/tokens"
CALL = "validate_token"
KEYSTONE = "keystone"

#: Keystone's words for a token it will not validate (``token/provider.py``
#: ``_is_valid_token``: expired or revoked).
FAILED_TO_VALIDATE = "Failed to validate token"
#: ... and for one it cannot find (revoked, left without roles, never issued; Keystone's
#: message names the token, which the trace does not carry).
NOT_FOUND = "Could not find token"

#: What a cache entry of a token Keystone refused as expired holds in place of its context.
EXPIRED = "expired"

#: The reasons a refusal is traced with (``identity.token_rejected``'s ``reason``).
EXPIRED_REASON = "expired token"
UNKNOWN_REASON = "unknown or revoked token"
INVALID_SERVICE_TOKEN = "invalid service token"
SERVICE_TOKEN_WITHOUT_ROLE = "service token without the service role"

#: keystonemiddleware's 401 message (its JSON body's ``error.message``).
UNAUTHORIZED = "The request you have made requires authentication."

#: Past this many entries, a miss first drops the entries that aged out (``_FakeClient.get``
#: expunges them on every read; here a storm of tokens would make every read long).
PRUNE_ABOVE = 4096


@config_section("keystone_authtoken")
@dataclass(frozen=True)
class AuthTokenConfig:
    """``[keystone_authtoken]`` of every service's API (the same for Nova, Cinder, Glance)."""

    token_cache_time_s: float = bounded(
        300.0,
        Bounds(-1, MAX_SECONDS, unit="a number of seconds (0: for good, -1: none)", integer=True),
    )
    """How long a service keeps Keystone's answer about a token (keystonemiddleware's
    ``token_cache_time``, an ``IntOpt``, 300 s). As there, 0 keeps it for good (``_FakeClient``
    and memcached take an entry's time 0 as no expiry) and -1 keeps none (an entry that has
    expired as it is set): every request asks Keystone."""
    shared_cache: bool = False
    """One cache for every service's middleware, as devstack has it: each service's
    ``[keystone_authtoken] memcached_servers`` names the same memcached (devstack's
    ``lib/keystone`` ``configure_keystone_authtoken_middleware``), where a token's entry is
    ``tokens/<token>`` in every service (``_cache.TokenCache``, ``memcache_security_strategy``
    unset), so a token nova-api validated is a hit for cinder-api and glance-api. Off (the
    default): a cache per service, as one API worker without ``memcached_servers``
    (``_FakeClient``) has."""
    validate_latency_s: float = 0.0
    """The round trip of one ``GET /v3/auth/tokens`` to Keystone made inside a flow (Cinder's
    or Glance's middleware checking the token of a call from Nova), virtual seconds. 0 by
    default (kept so in session 41: docs/conformance.md's known differences say why), so that
    a flow's timings are those of its calls between Nova, Cinder and Glance and do not hang on
    whether a cache still holds the token; a few milliseconds is a LAN's. The check in front
    of a user's request takes none."""


def service_of(api: Any) -> str:
    """The part of the service whose middleware validates: ``nova-api``, ``cinder-api``..."""
    name = _SERVICES.get(api.name)
    if name is None:
        name = _SERVICES[api.name] = f"{api.name}-api"
    return name


#: A service's name -> its API's actor (`service_of`): one string per service.
_SERVICES: dict[str, str] = {}

#: No cache (a world saved before the caches existed, a service that cached nothing yet):
#: what the hot paths read through (``(caches or NO_CACHE).get(service, NO_CACHE)``, the
#: inline `cache_of`). Never written.
NO_CACHE: dict[str, Any] = {}


#: The key of the one cache every service reads with ``shared_cache`` (memcached's), which
#: each service's key then names too.
SHARED = "memcached"


def cache_of(keystone: Any, service: str) -> dict[str, tuple[float, float, Any, Any]]:
    """`service`'s cache: token id -> ``(fresh until, cached until, token, context)`` (see
    `ask`); an empty one, not kept, while it has none. With ``shared_cache`` every service's
    is the one under `SHARED`, named by the service's key from its first read."""
    caches = keystone.authtoken_caches or NO_CACHE
    cache = caches.get(service)
    if cache is None:
        shared = caches.get(SHARED)
        if shared is None or not keystone.kernel.config.keystone_authtoken.shared_cache:
            return NO_CACHE
        cache = caches[service] = shared
    return cache


def lookup(keystone: Any, service: str, token_id: str) -> tuple[float, float, Any, Any] | None:
    """What `service`'s cache holds for `token_id` (`ask`'s entry), or None when the
    middleware must ask Keystone."""
    entry = cache_of(keystone, service).get(token_id)
    if entry is None or keystone.kernel.env._now >= entry[1]:
        return None
    return entry


def passes(keystone: Any, service: str, token_id: str) -> bool:
    """Whether `service`'s cache holds a fresh entry of `token_id` (ahead of its ``fresh
    until``), which lets a request through with no call to Keystone: the one lookup of a
    call from Nova to Cinder or Glance, before `callee_checks`."""
    entry = cache_of(keystone, service).get(token_id)
    return entry is not None and keystone.kernel.env._now < entry[0]


def seen_by(keystone: Any, service: str, token: Any) -> Any:
    """The context `service`'s middleware gives a request carrying `token` (a `Token`, or a
    sender's unchecked stand-in with no id) now: its cache's entry's while that entry is
    fresh, the roles Keystone rebuilt them with when it was cached (a role taken away since
    still there: keystonemiddleware sets ``X-Roles`` and ``X-Service-Roles`` from the cached
    validation, ``_cache.TokenCache.get``, 4.22.0-13.0.1), else the token's own, as the
    validation the request then makes reads them (`fakecloud.identity.tokens.TokenStore`:
    the assignments as they are). Its sender's plugin keeps no roles of its own: a token
    holds none (Fernet), and keystoneauth only sends the id."""
    token_id = token.id
    if token_id is not None and keystone is not None:
        entry = cache_of(keystone, service).get(token_id)
        if entry is not None and entry[2] is not None and keystone.kernel.env._now < entry[1]:
            return entry[3]
    return token.context


def passes_as_service(keystone: Any, service: str, token_id: str) -> bool:
    """Whether `service`'s cache holds a fresh entry of the service token `token_id` that its
    middleware takes with no more than that lookup: one whose cached roles hold ``service``,
    or any while ``service_token_roles_required`` is off. From keystonemiddleware 13.0.0 the
    roles are checked on every request, from the cache as from Keystone
    (``AuthProtocol.process_request``), so a cached token without the role is refused each
    time (`callee_checks`)."""
    kernel = keystone.kernel
    entry = cache_of(keystone, service).get(token_id)
    return (
        entry is not None
        and kernel.env._now < entry[0]
        and (
            not kernel.switches.service_token_roles_required or SERVICE_TOKEN_ROLE in entry[3].roles
        )
    )


def ask(
    keystone: Any, service: str, token_id: str, allow_expired: bool = False
) -> tuple[float, float, Any, Any]:
    """Keystone's answer to `service`'s ``verify_token`` of `token_id` (its request already
    traced and waited for: `sent`), traced and kept in the service's cache for
    ``token_cache_time``: ``(fresh until, cached until, token, context)``, where a request
    before `fresh until` passes with no more than that lookup (the entry's end, or the
    token's expiry if sooner; none for a server-mode token, whose expiry moves), or ``(now,
    cached until, None, why)`` for a token Keystone refused (404): `EXPIRED` for an expired
    one, None for one revoked or unknown (the cache marks both alike; the reason is the
    trace's, for the refusal), kept only while switch ``lp1987355`` is on."""
    kernel, tokens = keystone.kernel, keystone.tokens
    now = kernel.env._now
    token: Any = None
    try:
        if not allow_expired:
            token = tokens.validate(token_id)
        else:
            token = tokens.expired(token_id)
            if now >= tokens.expiry(token) + keystone.config.allow_expired_window_s:
                token = None
                raise TokenExpired(FAILED_TO_VALIDATE)
    except TokenExpired:
        calls.answered(kernel, service, KEYSTONE, VALIDATE, CALL, 404, FAILED_TO_VALIDATE)
        held: Any = EXPIRED
    except TokenNotFound:
        calls.answered(kernel, service, KEYSTONE, VALIDATE, CALL, 404, NOT_FOUND)
        held = None
    else:
        calls.answered(kernel, service, KEYSTONE, VALIDATE, CALL, 200)
        held = token.context
    keep = kernel.config.keystone_authtoken.token_cache_time_s
    # keystonemiddleware's 0 is no expiry; the longest time a cloud accepts stands for it
    # (saved worlds hold finite numbers).
    until = now + (keep or MAX_SECONDS)
    fresh = now
    if token is not None and token.expires_calendar is None:
        fresh = min(until, token.expires_at)
    entry = (fresh, until, token, held)
    if keep >= 0 and (token is not None or kernel.switches.lp1987355):
        caches = keystone.authtoken_caches
        if caches is None:
            caches = keystone.authtoken_caches = {}
        cache = caches.get(service)
        if cache is None:
            if kernel.config.keystone_authtoken.shared_cache:
                cache = caches[service] = caches.setdefault(SHARED, {})
            else:
                cache = caches[service] = {}
        elif len(cache) > PRUNE_ABOVE:
            for stale in [tid for tid, entry in cache.items() if now >= entry[1]]:
                del cache[stale]
        cache[token_id] = entry
    return entry


def sent(keystone: Any, service: str) -> None:
    """Trace `service`'s ``GET /v3/auth/tokens`` leaving for Keystone."""
    calls.sent(keystone.kernel, service, KEYSTONE, VALIDATE, CALL)


def check(
    keystone: Any, entry: tuple[float, float, Any, Any], token_id: str, allow_expired: bool = False
) -> tuple[Any, Any]:
    """The token and the context of a cache `entry`, or the middleware's refusal: a token
    cached as invalid is `TokenNotFound`, one past its expiry `TokenExpired` (unless
    `allow_expired`)."""
    token = entry[2]
    if token is None:
        if entry[3] is EXPIRED:
            raise TokenExpired(FAILED_TO_VALIDATE)
        raise TokenNotFound(token_id=token_id)
    if not allow_expired:
        if token.expires_calendar is not None:
            keystone.tokens.expiry(token)
        if keystone.kernel.env._now >= token.expires_at:
            raise TokenExpired(f"token expired at t={token.expires_at:g}")
    return token, entry[3]


def fetch(
    keystone: Any, service: str, token_id: str, allow_expired: bool = False
) -> tuple[Any, Any]:
    """`service`'s middleware fetching `token_id` in front of a user's request: the token
    and the context it holds for it, from its cache or from Keystone; `TokenNotFound` or
    `TokenExpired` as it refuses the token. The call takes no virtual time here: the door's
    check runs before the request has a simulated process to wait in (the scenario runner's
    requests are answered inside one, where the clock cannot be run)."""
    entry = lookup(keystone, service, token_id)
    if entry is None:
        sent(keystone, service)
        entry = ask(keystone, service, token_id, allow_expired)
    return check(keystone, entry, token_id, allow_expired)


def fetch_timed(
    keystone: Any, service: str, token_id: str, allow_expired: bool = False
) -> Generator[Any, Any, tuple[Any, Any]]:
    """`fetch` inside a simulated process (another service's request to `service`): the
    round trip to Keystone is waited for as a timeout."""
    entry = lookup(keystone, service, token_id)
    if entry is None:
        sent(keystone, service)
        wait = latency(keystone.kernel)
        if wait > 0:
            yield keystone.kernel.timeout(wait)
        entry = ask(keystone, service, token_id, allow_expired)
    return check(keystone, entry, token_id, allow_expired)


def latency(kernel: Any) -> float:
    """The virtual seconds one validation call takes (`AuthTokenConfig.validate_latency_s`)."""
    return kernel.config.keystone_authtoken.validate_latency_s


def callee_checks(
    kernel: Any,
    keystone: Any,
    service: str,
    token_id: str,
    refusal: Callable[..., Exception],
    subject: Any,
    service_token_id: str | None = None,
    service_unchecked: bool = False,
    deferred: bool = False,
) -> Generator[Any, Any, None]:
    """`service`'s middleware checking a request another service sends with a user's token
    (Nova's to Cinder and Glance: ``nova/volume/cinder.py`` ``_get_cinderclient_parameters``,
    ``nova/image/glance.py`` ``_session_and_auth``, each with
    ``service_auth.get_auth_plugin``), once its cache has no fresh entry of the token or of
    the service token (the caller's lookups: `passes`), as ``AuthProtocol.process_request``
    checks a request at the door: the service token first (`service_token_id`, Nova's when
    ``[service_user] send_service_user_token``, `fakecloud.nova.service_auth`), fetched as
    any token (a call to Keystone unless cached); refused when unknown, revoked or expired,
    or, where ``service_token_roles_required`` is on, without the ``service`` role; with the
    role the user's token is fetched with ``allow_expired`` (an expired one taken within
    Keystone's ``allow_expired_window``), without it as alone, an expired one refused.
    A refusal is traced as at the door (``identity.token_rejected``: the service, the
    request's `subject`, the reason), then raised as ``refusal(401, UNAUTHORIZED)``, the
    client's error for the middleware's 401. A `service_unchecked` service token (a world
    without Nova's service user, `fakecloud.nova.service_auth.UNCHECKED`) is taken as valid
    with its role, with no call, as every one was before session 42.

    `deferred`: the callee's ``delay_auth_decision`` is on (glance-api-paste.ini's
    ``authtoken``, Glance 16.0.0-31.0.0): an invalid service token only goes unconfirmed
    (``X-Service-Identity-Status: Invalid``; keystonemiddleware 10.7.1-13.0.0
    ``AuthProtocol.process_request``, "Deferring reject downstream") and Glance's
    ``ContextMiddleware`` reads ``X-Identity-Status`` alone: the user's token decides, taken
    without ``allow_expired``."""
    allow_expired = service_unchecked
    actor = service.removesuffix("-api")
    if service_token_id is not None:
        try:
            _, serving = yield from fetch_timed(keystone, service, service_token_id)
        except (TokenExpired, TokenNotFound):
            if not deferred:
                rejected(kernel, actor, subject, INVALID_SERVICE_TOKEN)
                raise refusal(401, UNAUTHORIZED) from None
        else:
            allow_expired = SERVICE_TOKEN_ROLE in serving.roles
            if not (allow_expired or deferred) and kernel.switches.service_token_roles_required:
                rejected(kernel, actor, subject, SERVICE_TOKEN_WITHOUT_ROLE)
                raise refusal(401, UNAUTHORIZED)
    try:
        yield from fetch_timed(keystone, service, token_id, allow_expired)
    except (TokenExpired, TokenNotFound) as refused:
        rejected(kernel, actor, subject, reason_of(refused))
        raise refusal(401, UNAUTHORIZED) from None


def refuses(
    kernel: Any,
    keystone: Any,
    service: str,
    token_id: str,
    subject: Any,
    service_token_id: str | None = None,
    service_unchecked: bool = False,
) -> bool:
    """Whether glance-api's middleware (`service`, ``delay_auth_decision`` on) refuses a request
    Cinder sends it with `token_id` and its service token (`service_token_id`, or one
    `service_unchecked`) now, once its cache has no fresh entry of either (`passes`): a
    refusal traced as `callee_checks` traces it (`door_refusal`). Cinder's requests to Glance
    (`fakecloud.cinder.images.GlanceImageService`)."""
    reason, _ = door_refusal(
        keystone, service, token_id, service_token_id, service_unchecked, deferred=True
    )
    if reason is not None:
        rejected(kernel, service.removesuffix("-api"), subject, reason)
        return True
    return False


def door_refusal(
    keystone: Any,
    service: str,
    token_id: str,
    service_token_id: str | None = None,
    service_unchecked: bool = False,
    deferred: bool = False,
) -> tuple[str | None, Any]:
    """`callee_checks` at no virtual time (`fetch`), tracing no refusal: the traced reason
    `service`'s middleware refuses a request carrying `token_id` and the service token
    `service_token_id` (or one `service_unchecked`) for, or None, with the context of the
    service token it confirmed (None: none went, or it went unconfirmed behind `deferred`'s
    ``delay_auth_decision``)."""
    allow_expired = service_unchecked
    serving = None
    if service_token_id is not None:
        try:
            _, serving = fetch(keystone, service, service_token_id)
        except (TokenExpired, TokenNotFound):
            if not deferred:
                return INVALID_SERVICE_TOKEN, None
        else:
            allow_expired = SERVICE_TOKEN_ROLE in serving.roles
            if not allow_expired and keystone.kernel.switches.service_token_roles_required:
                if not deferred:
                    return SERVICE_TOKEN_WITHOUT_ROLE, None
                serving = None
    try:
        fetch(keystone, service, token_id, allow_expired)
    except (TokenExpired, TokenNotFound) as refused:
        return reason_of(refused), None
    return None, serving


def confirmed(keystone: Any, service: str, token_id: str) -> Any:
    """The context of the service token `token_id` that `service`'s middleware confirms
    (``X-Service-Identity-Status: Confirmed``: its ``service_*`` headers set,
    ``AuthProtocol.process_request`` only ``if request.service_token_valid``,
    keystonemiddleware 10.7.1-13.0.1), or None: unknown, revoked or expired, or without the
    ``service`` role where ``service_token_roles_required`` is on. What matters behind
    glance-api's ``delay_auth_decision``, where such a token is not refused, only left
    unconfirmed. Read from the entry the request's check left in the service's cache (or from
    Keystone's store where it caches nothing), tracing nothing."""
    entry = lookup(keystone, service, token_id)
    try:
        if entry is not None:
            _, context = check(keystone, entry, token_id)
        else:
            context = keystone.tokens.validate(token_id).context
    except (TokenExpired, TokenNotFound):
        return None
    if (
        keystone.kernel.switches.service_token_roles_required
        and SERVICE_TOKEN_ROLE not in context.roles
    ):
        return None
    return context


def reason_of(refused: Exception) -> str:
    """The traced reason of a middleware's refusal (`TokenExpired` or `TokenNotFound`)."""
    return EXPIRED_REASON if isinstance(refused, TokenExpired) else UNKNOWN_REASON


def rejected(kernel: Any, actor: str, subject: Any, reason: str) -> None:
    """Trace a middleware's refusal of the request `subject` sent to `actor` (a service's
    name: ``nova``, ``cinder``, ``glance``), with `reason`: ``identity.token_rejected``."""
    kernel.trace.emit("identity.token_rejected", actor, subject, reason=reason)


def answered_alike_until(
    kernel: Any, service: str, token_id: str | None, serving: Any = None, unchecked: bool = False
) -> float | None:
    """Until when `service`'s middleware answers a request carrying `token_id` (and the
    service token `serving`, a `Token`, when one goes) as it would now, without a call: the
    end of the token's cache entry; with `serving`, the end of its entry too and the moment
    the sender's plugin renews it (`MIN_TOKEN_LIFE_S` before its end: a new token, a call);
    and the token's expiry unless the service token lets an expired one through (its cached
    roles hold ``service``, as `callee_checks` reads them, or it is `unchecked`: taken with
    its role and no call). Now when a token is not cached (the next request asks Keystone),
    None when no token goes (nothing to check)."""
    keystone = kernel.keystone
    if keystone is None or token_id is None:
        return None
    cache = cache_of(keystone, service)
    entry = cache.get(token_id)
    now = kernel.env._now
    if entry is None or now >= entry[1]:
        return now
    until, token = entry[1], entry[2]
    allow_expired = unchecked
    if serving is not None:
        held = cache.get(serving.id)
        if held is None or now >= held[1] or held[2] is None:
            return now
        renews = keystone.tokens.expiry(serving) - MIN_TOKEN_LIFE_S
        until = min(until, held[1], renews)
        allow_expired = SERVICE_TOKEN_ROLE in held[3].roles
    if token is not None and not allow_expired:
        expires = keystone.tokens.expiry(token)
        if now < expires < until:
            until = expires
    return until
