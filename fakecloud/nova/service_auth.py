"""Nova's service token (``nova/service_auth.py`` ``get_auth_plugin``, 17.0.0-34.0.0): with
``[service_user] send_service_user_token`` on (config ``nova.send_service_user_token``), a
request Nova makes to Cinder with a user's token also carries a token of Nova's own service
user (keystoneauth's ``ServiceTokenAuthWrapper``: ``X-Service-Token``), and Cinder's context
has that token's user, project and roles as its ``service_*`` fields; off, only the user's
token goes.

An anonymous admin context (``get_admin_context()``: periodic tasks, ``init_host``; no token)
calls Cinder as the ``[cinder]`` section's user (``nova/volume/cinder.py`` ``_get_auth``,
17.0.13 on: in devstack ``nova`` in project ``service``, `cinder_context`), with the service
token added only from 41c64b94b0 (28.0.0, backported to 25.2.0, 26.2.0, 27.1.0). The
``[cinder]`` plugin is a password plugin of its own (``_ADMIN_AUTH``, a module global of each
process, ca6daf148d; from 33.0.0 ``_AUTHS['cinder']`` beside ``_AUTHS['service_user']``,
66bb1e77f2), so each process holds two tokens of the same user, each asked when its plugin
first needs one (`cinder_token`): the ``[cinder]`` one first (the session's endpoint lookup,
``_get_cinderclient_parameters``), then the service token (``ServiceTokenAuthWrapper
.get_headers``), and a 401 drops both (`invalidated`).

The option's default is off in every release; devstack turns it on (``NOVA_USE_SERVICE_TOKEN``
True from b516efed, 2021-02-15: the Wallaby series on), and so does an unset option here.
From db455548a1 (28.0.0; backports 25.2.0 acd62d526d, 26.2.0 0e511c799d, 27.1.0 efb01985db:
the CVE-2023-2088 / LP #2004555 work) it is *required*: ``nova-status upgrade check`` fails
without it ("Service user token configuration is required for all Nova services"), and
Cinder refuses Nova's attachment deletes made without it. Every Nova release fakecloud serves
(17.0.0 on) wraps every request to Cinder (``nova/volume/cinder.py``: 9e54b29c4f, 16.0.0)
and to Glance (``nova/image/glance.py`` ``_session_and_auth``: 6211009e55, 16.0.0) this way.

The service user is a real user of the cloud's Keystone (`SERVICE_USER_NAME`, ``nova`` in
project ``service`` with ``admin`` and ``service``: `fakecloud.identity.config`), and its
token (`service_token`) is what keystoneauth's password plugin of ``[service_user]`` holds,
one plugin in each of Nova's processes (nova-api, each compute host's nova-compute: `holder`),
asked on the first request that process makes that needs it and again once it would expire
within 120 s, kept until then whatever Keystone thinks of it since (`Keystone.held_token`),
so the callee's ``auth_token`` middleware validates it as it validates any token
(`fakecloud.transport.token_cache.callee_checks`). The callee's 401 is keystoneauth's to
handle (`invalidated`): the plugin drops its token and the request is sent again, once, with
a new one. Where Keystone will not issue it (the user disabled or deleted, its role on
`service` taken away: an operator's mistake) the request is not sent (again):
keystoneauth's ``Unauthorized`` goes up through Nova's client untranslated (`service_token`),
so an API call that needed it is Nova's 500 ``Unexpected API Error`` naming
``keystoneauth1.exceptions.http.Unauthorized``, and a compute host's call fails as any
unexpected error does there.

Cinder's and Glance's context of a request has the service token's user, project and roles
as its ``service_*`` (`as_sent`, `fakecloud.identity.context.forwarded`): every Nova request
to Cinder and to Glance carries them, its roles as the callee's middleware has them (a fresh
cache entry's, a role taken away since still there: `fakecloud.transport.token_cache.seen_by`).
"""

from __future__ import annotations

from typing import Any

from fakecloud.identity.context import (
    forwarded,
    replaced,
    service_user,
    with_service_token,
)
from fakecloud.identity.context import sends_service_token as sends
from fakecloud.identity.exception import Error as IdentityError
from fakecloud.identity.keystoneauth import Unauthorized
from fakecloud.profiles.provenance import Backport, Change
from fakecloud.sim.calls import sender
from fakecloud.transport.token_cache import seen_by

#: The ``[service_user]`` (and ``[cinder]``) user devstack gives Nova, a user of the cloud's
#: Keystone (`fakecloud.identity.config`).
SERVICE_USER_NAME = "nova"

#: The context of Nova's service user in a cloud without Keystone (a world saved before
#: session 40): no token, the project named as devstack names it.
SERVICE_USER = service_user(SERVICE_USER_NAME)

#: 41c64b94b0: ``_get_auth`` adds the service token to the ``[cinder]`` auth of an anonymous
#: admin context (before, that auth went alone).
ADMIN_SERVICE_TOKEN = Change(
    "28.0.0",
    "41c64b94b0",
    "Enable use of service user token with admin context",
    backports=(
        Backport("25.2.0", "98c3e3707c"),
        Backport("26.2.0", "0d6dd6c67f"),
        Backport("27.1.0", "1f781423ee"),
    ),
)

#: The first Nova whose devstack sends the service token (b516efed, ``NOVA_USE_SERVICE_TOKEN``).
DEVSTACK_SENDS_SINCE = 23


def sends_service_token(kernel: Any) -> bool:
    """Whether the cloud's Nova sends its service token (``send_service_user_token``, or
    devstack's choice for the release when it is unset)."""
    configured = getattr(getattr(kernel.config, "nova", None), "send_service_user_token", None)
    return sends(configured, kernel.switches.release.major, DEVSTACK_SENDS_SINCE)


class UncheckedServiceToken:
    """Nova's service token in a world without its service user (saved before session 42, or
    configured without it: ``identity.service_users: {nova: null}``), as fakecloud had it
    then: the `SERVICE_USER` context, no id, taken by the callee's middleware as valid with
    its ``service`` role and no call (`fakecloud.transport.token_cache.callee_checks`'s
    ``service_unchecked``)."""

    id = None
    context = SERVICE_USER


#: The one `UncheckedServiceToken`.
UNCHECKED = UncheckedServiceToken()

#: The service whose middleware validates Nova's requests to Cinder (its cache's name).
CINDER_API = "cinder-api"

#: `held_service_token`'s answer where Nova's next request asks Keystone for a service token.
RENEWS = "renews"

#: The process whose plugin `Keystone.held_token` keeps without naming it (`holder`).
API_PROCESS = "nova-api"

#: What `Keystone.held_token` names a process's ``[cinder]`` plugin by, after the process
#: (`cinder_holder`): the plugin ``get_admin_context()``'s requests to Cinder authenticate with.
CINDER_PLUGIN = "[cinder]"


def holder(kernel: Any) -> str | None:
    """Which of Nova's processes sends the request being made, whose own ``[service_user]``
    plugin holds the token (`Keystone.held_token`: a module global of each process, nova
    17.0.0-34.0.0 ``service_auth.py``): the running process's part of Nova
    (`fakecloud.sim.calls.sender`: ``nova-compute:cmp-1``, ``nova-conductor``), None for
    nova-api's."""
    found = sender(kernel, API_PROCESS)
    return None if found == API_PROCESS else found


def service_token(kernel: Any) -> Any:
    """Nova's service user's token (`SERVICE_USER_NAME`) its plugin holds, kept until its
    renewal point (`Keystone.configured_token`'s `kept`), else a new one from the cloud's
    Keystone; `UNCHECKED` where the cloud has no Keystone or was built without such a user. Where
    Keystone will not issue it one (the user disabled, deleted, without a role on its project:
    ``identity.auth_failed`` in the trace) keystoneauth's `Unauthorized`, raised before the
    request leaves Nova:
    ``ServiceTokenAuthWrapper.get_headers`` asks the ``[service_user]`` password plugin for its
    token (``service_auth.get_token(session)``, keystoneauth1 5.18.1 ``service_token.py``),
    whose ``POST /v3/auth/tokens`` raises on Keystone's 401, and neither Nova's Cinder client
    (``translate_cinder_exception`` maps keystoneauth's ``BadRequest``, ``Forbidden``,
    ``NotFound`` and ``ConnectionError`` alone) nor its Glance client
    (``_translate_image_exception``: glanceclient's errors) nor glanceclient's
    ``SessionClient.request`` (``ConnectTimeout``, ``ConnectFailure``) translates it
    (nova 34.0.0 ``nova/volume/cinder.py``, ``nova/image/glance.py``; 17.0.13 alike)."""
    keystone = kernel.keystone
    if keystone is None:
        return UNCHECKED
    try:
        token = keystone.configured_token(SERVICE_USER_NAME, kept=True, holder=holder(kernel))
    except (KeyError, IdentityError) as refused:
        raise Unauthorized(request_id=keystone.refusal_request_id()) from refused
    return UNCHECKED if token is None else token


def cinder_holder(kernel: Any) -> str:
    """The sending process's ``[cinder]`` plugin, as `Keystone.held_token` names it: the
    process (nova-api's too, whose ``[service_user]`` plugin goes unnamed) and `CINDER_PLUGIN`."""
    return (holder(kernel) or API_PROCESS) + CINDER_PLUGIN


def cinder_token(kernel: Any) -> Any:
    """The token the sending process's ``[cinder]`` password plugin holds (the user
    `SERVICE_USER_NAME`, devstack's), kept as the ``[service_user]`` plugin keeps its own
    (`service_token`) but apart from it; `UNCHECKED` without Keystone or the user; Keystone's
    refusal keystoneauth's `Unauthorized`, which nothing of Nova's translates either."""
    keystone = kernel.keystone
    if keystone is None:
        return UNCHECKED
    try:
        token = keystone.configured_token(
            SERVICE_USER_NAME, kept=True, holder=cinder_holder(kernel)
        )
    except (KeyError, IdentityError) as refused:
        raise Unauthorized(request_id=keystone.refusal_request_id()) from refused
    return UNCHECKED if token is None else token


def invalidated(kernel: Any, serving: Any, admin: bool = False) -> bool:
    """keystoneauth's ``Session.request`` after the callee's 401 to a request of Nova's that
    carried the service token `serving`: ``ServiceTokenAuthWrapper.invalidate`` asks both
    plugins (the user's ``_ContextAuthPlugin`` has nothing to drop; the sending process's
    ``[service_user]`` password plugin drops the token it holds, `Keystone.invalidate`) and,
    where one dropped something, the request is sent again, once, its service token asked
    anew (keystoneauth1 5.18.1 ``session.py`` and ``service_token.py``, 3.4.0 alike):
    whatever the 401 was about, the user's token expired or the service token refused.
    Whether it is sent again: not where no service token went, nor one `UNCHECKED` (a world
    without Nova's service user). An anonymous admin's request (`admin`) went with the
    ``[cinder]`` plugin as its user's auth, which drops its token too (before
    `ADMIN_SERVICE_TOKEN` it went alone: its plugin's drop is the retry's reason)."""
    keystone = kernel.keystone
    dropped = False
    if admin and keystone is not None:
        dropped = keystone.invalidate(SERVICE_USER_NAME, cinder_holder(kernel))
    if serving is None or serving is UNCHECKED:
        return dropped
    return keystone.invalidate(SERVICE_USER_NAME, holder(kernel)) or dropped


def sent_service_token(kernel: Any, context: Any) -> Any:
    """The service token (a `Token`) that goes with Nova's request made with `context`: its
    service user's when Nova sends one (for an anonymous admin context from
    `ADMIN_SERVICE_TOKEN` on), else None."""
    if not sends_service_token(kernel):
        return None
    if is_anonymous_admin(context) and not ADMIN_SERVICE_TOKEN.reaches(kernel.switches.release):
        return None
    return service_token(kernel)


def held_service_token(kernel: Any, context: Any) -> Any:
    """The service token Nova would send with its next request made with `context`, as
    `sent_service_token` finds it but issuing none and tracing nothing: None where it sends
    none, `UNCHECKED`, the `Token` its plugin holds (Keystone may refuse it since: the
    callee's middleware decides, as its cache or Keystone answers), or `RENEWS` where the next
    request asks Keystone for one (none held, or one within 120 s of its end)."""
    if not sends_service_token(kernel):
        return None
    if is_anonymous_admin(context) and not ADMIN_SERVICE_TOKEN.reaches(kernel.switches.release):
        return None
    keystone = kernel.keystone
    if keystone is None:
        return UNCHECKED
    # the one its plugin holds, refused by Keystone or not (`Keystone.held_token`)
    held = keystone.held_token(SERVICE_USER_NAME, holder(kernel))
    if held is not None:
        return held
    if keystone.directory.user_by_name(SERVICE_USER_NAME, "default") is None:
        return RENEWS if keystone.was_deleted(SERVICE_USER_NAME) else UNCHECKED
    return RENEWS


def _service_context(kernel: Any) -> Any:
    """The context Cinder's middleware gives Nova's service user's token (`UNCHECKED`'s
    without the user): its cached validation's while fresh, a role taken away since still in
    it (`fakecloud.transport.token_cache.seen_by`)."""
    return seen_by(kernel.keystone, CINDER_API, service_token(kernel))


def as_sent(kernel: Any, context: Any) -> Any:
    """The context Cinder builds from Nova's request made with `context`'s token: with Nova's
    service token when it sends one, else the user's token alone (an anonymous admin context:
    `cinder_context`'s)."""
    if is_anonymous_admin(context):
        return cinder_context(kernel, context)
    return forwarded(context, _service_context(kernel) if sends_service_token(kernel) else None)


def is_anonymous_admin(context: Any) -> bool:
    """Whether `context` is ``get_admin_context()``'s: admin, no user, no token (``_get_auth``'s
    ``context.is_admin and not context.auth_token``; a user's context here may lack a token)."""
    return not context.user_id and context.auth_token is None and context.is_admin


def cinder_context(kernel: Any, context: Any) -> Any:
    """What Cinder sees of a request Nova makes with the anonymous admin `context`: the
    ``[cinder]`` plugin's token (`cinder_token`: devstack's user, the service user) with
    `context`'s request id, and from `ADMIN_SERVICE_TOKEN` on Nova's service token when Nova
    sends one, the ``[service_user]`` plugin's, asked after the ``[cinder]`` one."""
    keystone = kernel.keystone
    user = seen_by(keystone, CINDER_API, cinder_token(kernel))
    sent = replaced(user, "request_id", context.request_id)
    if sends_service_token(kernel) and ADMIN_SERVICE_TOKEN.reaches(kernel.switches.release):
        return with_service_token(sent, _service_context(kernel))
    return sent
