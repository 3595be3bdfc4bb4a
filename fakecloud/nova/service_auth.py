"""Nova's service token (``nova/service_auth.py`` ``get_auth_plugin``, 17.0.0-34.0.0): with
``[service_user] send_service_user_token`` on (config ``nova.send_service_user_token``), a
request Nova makes to Cinder with a user's token also carries a token of Nova's own service
user (keystoneauth's ``ServiceTokenAuthWrapper``: ``X-Service-Token``), and Cinder's context
has that token's user, project and roles as its ``service_*`` fields; off, only the user's
token goes.

An anonymous admin context (``get_admin_context()``: periodic tasks, ``init_host``; no token)
calls Cinder as the ``[cinder]`` section's user (``nova/volume/cinder.py`` ``_get_auth``,
17.0.13 on: in devstack ``nova`` in project ``service``, `cinder_context`), with the service
token added only from 41c64b94b0 (28.0.0, backported to 25.2.0, 26.2.0, 27.1.0).

The option's default is off in every release; devstack turns it on (``NOVA_USE_SERVICE_TOKEN``
True from b516efed, 2021-02-15: the Wallaby series on), and so does an unset option here.
fakecloud's Nova calls Cinder and Glance in-process, without tokens: `as_sent` gives the
context the service builds from the request. Only Cinder's ``is_service_request`` and Glance's
location API (``add_location``: ``service`` in the roles or the service token's roles, and
``rule:service_api`` of Glance 31.0.0) read it, so only the calls that reach them carry it:
``attachment_delete``, ``detach``, ``terminate_connection``, ``add_image_location``.
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
from fakecloud.profiles.provenance import Backport, Change

#: The ``[service_user]`` user devstack gives Nova.
SERVICE_USER = service_user("nova")

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


def as_sent(kernel: Any, context: Any) -> Any:
    """The context Cinder builds from Nova's request made with `context`'s token: with Nova's
    service token when it sends one, else the user's token alone (an anonymous admin context:
    `cinder_context`'s)."""
    if is_anonymous_admin(context):
        return cinder_context(kernel, context)
    return forwarded(context, SERVICE_USER if sends_service_token(kernel) else None)


def is_anonymous_admin(context: Any) -> bool:
    """Whether `context` is ``get_admin_context()``'s: admin, no user, no token (``_get_auth``'s
    ``context.is_admin and not context.auth_token``; a user's context here may lack a token)."""
    return not context.user_id and context.auth_token is None and context.is_admin


def cinder_context(kernel: Any, context: Any) -> Any:
    """What Cinder sees of a request Nova makes with the anonymous admin `context`: the
    ``[cinder]`` user (`SERVICE_USER`) with `context`'s request id, and from
    `ADMIN_SERVICE_TOKEN` on Nova's service token when Nova sends one."""
    sent = replaced(SERVICE_USER, "request_id", context.request_id)
    if sends_service_token(kernel) and ADMIN_SERVICE_TOKEN.reaches(kernel.switches.release):
        return with_service_token(sent, SERVICE_USER)
    return sent
