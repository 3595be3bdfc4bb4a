"""``/os-volumes_boot`` (``routes.py``; ``volumes_boot.py`` from 33.0.0): a clone of ``/servers``.

Until 32.x its routes are ``server_controller``'s, every server action included ("a clone of
'/servers'", says routes.py). From 33.0.0 (da0482aad8, "api: Deprecate os-volumes_boot API")
they are ``VolumesBootController``'s, a ``ServersController`` given no action controllers: its
actions are `OWN_ACTIONS` (another is Nova's 400 "There is no such action"), and each method
is ``api_version('2.1', '2.102')``, the 404 "The resource could not be found." of
``VersionNotFoundForAPIMethod`` from 2.103 (after the action's name is looked up, before its
body is checked). Its ``update`` calls ``super().update(req, id)`` without the body: a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fakecloud.api.http import HttpError, Request
from fakecloud.nova.api import schemas

#: ``ServersController``'s own ``wsgi.action``s, which ``VolumesBootController`` overrides.
OWN_ACTIONS = frozenset(
    {
        "confirmResize",
        "revertResize",
        "reboot",
        "resize",
        "rebuild",
        "createImage",
        "os-start",
        "os-stop",
        "trigger_crash_dump",
    }
)
#: The release of ``VolumesBootController`` (da0482aad8).
CONTROLLER_SINCE = 33
#: Its methods' ``api_version`` maximum.
LAST_VERSION = "2.102"


def is_volumes_boot(path: str) -> bool:
    """Whether `path` is under ``/os-volumes_boot``."""
    return "/os-volumes_boot" in path


def actions(service: Any) -> Any:
    """The action names ``/os-volumes_boot/{id}/action`` knows in the service's release."""
    if service.nova.kernel.switches.release.major < CONTROLLER_SINCE:
        return service.ACTIONS
    return OWN_ACTIONS


def _deprecated(controller: Any, req: Request) -> bool:
    major = controller.nova.kernel.switches.release.major
    return major >= CONTROLLER_SINCE and req.microversion > LAST_VERSION


def served(handler: Callable) -> Callable:
    """`handler` of ``ServersController``, as ``/os-volumes_boot`` serves it."""

    def run(controller: Any, req: Request) -> Any:
        if _deprecated(controller, req):
            raise HttpError(404, "The resource could not be found.")
        return handler(controller, req)

    run.__name__ = handler.__name__
    run.__doc__ = f"``/os-volumes_boot``'s {handler.__name__} (``/servers``')."
    return run


def action(controller: Any, req: Request) -> Any:
    """``POST /os-volumes_boot/{server_id}/action``: the action's name looked up in the
    release's `actions`, then the version, then ``/servers``' action."""
    name, _ = controller.service.action_peek(req)
    if name not in actions(controller.service):
        raise HttpError(400, f"There is no such action: {name}")
    if _deprecated(controller, req):
        raise HttpError(404, "The resource could not be found.")
    return controller.action(req)


def update(controller: Any, req: Request) -> Any:
    """``PUT /os-volumes_boot/{server_id}``. From 33.0.0 ``VolumesBootController.update`` checks
    the body, then calls ``super().update(req, id)`` without it: ``ServersController.update``'s
    ``validation.schema`` reads ``kwargs['body']``, a KeyError its ``expected_errors`` makes a
    500, which the outer ``expected_errors(404)`` makes a 500 again, naming webob's exception
    (before the server is looked up: an unknown one too)."""
    if controller.nova.kernel.switches.release.major < CONTROLLER_SINCE:
        return controller.update(req)
    if _deprecated(controller, req):
        raise HttpError(404, "The resource could not be found.")
    body = controller.service.body(req)
    loose_ipv4 = not controller.switches.jsonschema_ipv4_strict
    schemas.server_update_validator(req.microversion).validate(body, req, loose_ipv4)
    support = controller.nova.kernel.switches.api_support_string
    raise HttpError(
        500,
        f"Unexpected API Error. {support}\n<class 'webob.exc.HTTPInternalServerError'>",
    )
