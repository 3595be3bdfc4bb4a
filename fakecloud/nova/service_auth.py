"""Nova's service token (``nova/service_auth.py`` ``get_auth_plugin``, 17.0.0-34.0.0): with
``[service_user] send_service_user_token`` on (config ``nova.send_service_user_token``), a
request Nova makes to Cinder with a user's token also carries a token of Nova's own service
user (keystoneauth's ``ServiceTokenAuthWrapper``: ``X-Service-Token``), and Cinder's context
has that token's user, project and roles as its ``service_*`` fields; off, only the user's
token goes. Anonymous admin contexts (periodic tasks, ``init_host``) send one too from the
releases whose Cinder reads it (41c64b94b0: 28.0.0, 25.2.0, 26.2.0, 27.1.0), so no release
tells them apart.

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

from fakecloud.identity.context import forwarded, service_user

#: The ``[service_user]`` user devstack gives Nova.
SERVICE_USER = service_user("nova")

#: The first Nova whose devstack sends the service token (b516efed, ``NOVA_USE_SERVICE_TOKEN``).
DEVSTACK_SENDS_SINCE = 23


def sends_service_token(kernel: Any) -> bool:
    """Whether the cloud's Nova sends its service token (``send_service_user_token``, or
    devstack's choice for the release when it is unset)."""
    configured = getattr(getattr(kernel.config, "nova", None), "send_service_user_token", None)
    return (
        kernel.switches.release.major >= DEVSTACK_SENDS_SINCE if configured is None else configured
    )


def as_sent(kernel: Any, context: Any) -> Any:
    """The context Cinder builds from Nova's request made with `context`'s token: with Nova's
    service token when it sends one, else the user's token alone."""
    return forwarded(context, SERVICE_USER if sends_service_token(kernel) else None)
