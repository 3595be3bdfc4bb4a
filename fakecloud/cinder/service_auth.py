"""Cinder's service token (``cinder/service_auth.py``, 12.0.0-27.0.0): with ``[service_user]
send_service_user_token`` on (config ``cinder.send_service_user_token``; devstack's from the
2024.2 series), every request Cinder makes to Nova or Glance with a token also carries a token
of Cinder's own service user (``get_auth_plugin``: keystoneauth's
``ServiceTokenAuthWrapper``, ``X-Service-Token``).

The service user is a real user of the cloud's Keystone (`SERVICE_USER_NAME`, ``cinder`` in
project ``service`` with the ``service`` role alone: devstack's ``create_service_user
"cinder"``, the admin role dropped in e8bc2b82, 2015, and its ``init_cinder_service_user_conf``,
``configure_keystoneauth $CINDER_CONF cinder service_user``, 80c1605a), and its token
(`service_token`) is what the ``[service_user]`` password plugin of the sending process holds
(cinder-api's, each backend's cinder-volume's: `holder`): asked on the first request that
needs it and again once it would expire within 120 s, kept until then whatever
Keystone thinks of it since (`Keystone.held_token`), so the callee's ``auth_token`` middleware
validates it as any token; its 401 makes the plugin drop it and the request go again, once,
with a new one (`invalidated`). Where Keystone will not
issue it (the user disabled, without a role on ``service``) the request is never sent:
``ServiceTokenAuthWrapper.get_headers`` lets keystoneauth's ``Unauthorized`` go up
(keystoneauth1 5.18.1 ``service_token.py``), which neither Cinder's Glance client
(``_translate_image_exception``: glanceclient's errors) nor its Nova client translates.

A world without Keystone, or without the ``cinder`` user (saved before session 43, or
configured without it: ``identity.service_users: {cinder: null}``), keeps the token fakecloud
had before: `UNCHECKED`, taken by the callee as valid with its ``service`` role and no call.
"""

from __future__ import annotations

from typing import Any

from fakecloud.identity.context import sends_service_token as sends
from fakecloud.identity.context import service_user
from fakecloud.identity.exception import Error as IdentityError
from fakecloud.identity.keystoneauth import Unauthorized
from fakecloud.sim.calls import sender

#: Cinder's ``[service_user]`` user in devstack, a user of the cloud's Keystone
#: (`fakecloud.identity.config`).
SERVICE_USER_NAME = "cinder"

#: The context of Cinder's service user in a cloud without it: no token, the project named as
#: devstack names it.
SERVICE_USER = service_user(SERVICE_USER_NAME)

#: The first Cinder whose devstack sends its service token (80c1605a, ``CINDER_USE_SERVICE_TOKEN``
#: True from the 2024.2 series: Cinder 25.0.0).
DEVSTACK_SENDS_SINCE = 25


def sends_service_token(kernel: Any) -> bool:
    """Whether Cinder sends its service token (``cinder.send_service_user_token``, or
    devstack's choice for the series when it is unset)."""
    configured = kernel.config.cinder.send_service_user_token
    return sends(configured, kernel.switches.series.cinder, DEVSTACK_SENDS_SINCE)


class UncheckedServiceToken:
    """Cinder's service token in a world without its service user: the `SERVICE_USER`
    context, no id, taken by the callee's middleware as valid with its ``service`` role and no
    call, as every one of Cinder's was before session 43."""

    id = None
    context = SERVICE_USER


#: The one `UncheckedServiceToken`.
UNCHECKED = UncheckedServiceToken()


def service_token(kernel: Any) -> Any:
    """The service token Cinder sends with its next request made with a user's token: None
    where it sends none, `UNCHECKED` where the cloud has no Keystone or was built without such a
    user, else its service user's live `Token` from the cloud's Keystone; `Unauthorized` where
    Keystone will not issue one (the user disabled or deleted: ``identity.auth_failed`` in the
    trace)."""
    if not sends_service_token(kernel):
        return None
    token = user_token(kernel, SERVICE_USER_NAME, kept=True, holder=holder(kernel))
    return UNCHECKED if token is None else token


#: The process whose plugin `Keystone.held_token` keeps without naming it (`holder`).
API_PROCESS = "cinder-api"


def holder(kernel: Any) -> str | None:
    """Which of Cinder's processes sends the request being made, whose own ``[service_user]``
    plugin holds the token (`Keystone.held_token`: ``_SERVICE_AUTH``, a module global of each
    process, cinder 12.0.0-27.0.0 ``service_auth.py``): the running process's part of Cinder
    (`fakecloud.sim.calls.sender`: ``cinder-volume.<host>@<backend>``), None for cinder-api's."""
    found = sender(kernel, API_PROCESS)
    return None if found == API_PROCESS else found


def invalidated(kernel: Any, serving: Any) -> bool:
    """keystoneauth's ``Session.request`` after the callee's 401 to a request of Cinder's that
    carried its service token `serving` (``ServiceTokenAuthWrapper.invalidate``): the
    ``[service_user]`` plugin drops the token it holds (`Keystone.invalidate`) and the request
    is sent again, once, with a new one (keystoneauth1 3.4.0-5.18.1 ``session.py``). Whether
    it dropped one: not where no service token went, nor one `UNCHECKED`."""
    if serving is None or serving is UNCHECKED:
        return False
    return kernel.keystone.invalidate(SERVICE_USER_NAME, holder(kernel))


def user_token(
    kernel: Any, name: str, fresh: bool = False, kept: bool = False, holder: str | None = None
) -> Any:
    """The live token of the user `name` Cinder authenticates as from its configuration (the
    ``[nova]`` section's privileged user, its ``[service_user]``), from the cloud's Keystone
    (`Keystone.configured_token`); None where the cloud has no Keystone or was built without
    the user; `Unauthorized` where Keystone will not issue one (disabled, deleted). `fresh`:
    a token of its own, as a password plugin loaded for one request gets; `kept`: the one
    the plugin holds until its renewal point, Keystone's refusal of it since unknown to it
    (`Keystone.configured_token`), `holder`'s (the process's plugin: `holder`)."""
    keystone = kernel.keystone
    if keystone is None:
        return None
    try:
        return keystone.configured_token(name, fresh, kept, holder)
    except (KeyError, IdentityError) as refused:
        raise Unauthorized(request_id=keystone.refusal_request_id()) from refused
