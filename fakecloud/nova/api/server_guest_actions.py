"""The server actions that reach into the guest: ``changePassword`` (``admin_password.py``),
``os-getConsoleOutput`` (``console_output.py``) and ``trigger_crash_dump`` (``servers.py``,
2.17); nova 17.0.13, 21.2.4, 27.5.1 and 34.0.0.

``changePassword``: the schema (``adminPass``, any string), the lookup (404), policy
``os_compute_api:os-admin-password`` on the server's user and project, then the compute API
(locked, or not ACTIVE with no task: 409 "Cannot 'changePassword' ..."; a locked server's 409
is "Instance <id> is in an invalid state for 'changePassword'": `InstanceIsLocked` has no
state) and the RPC call the API waits for (`fakecloud.nova.compute.guest_actions`): the guest
agent's refusals and failures are 409s, an unresponsive agent 501 "Unable to set password on
instance". 202, no body.

``os-getConsoleOutput``: the schema (``length``: an integer from -1, or a string of digits),
the server and policy ``os_compute_api:os-console-output`` (before 21.0.0 the policy first,
with the caller's own project: ``policy_before_lookup``), 409 ``Instance <id> is not ready``
for a server without a host, 404 without a guest; 200 ``{"output": ...}`` without control
characters.

``trigger_crash_dump``: 404 "The resource could not be found." before 2.17; the schema (null),
the lookup, policy ``os_compute_api:servers:trigger_crash_dump`` on the server's user and
project; locked or without a host 409 with the exception's message, a state outside
``ALLOW_TRIGGER_CRASH_DUMP`` or a task 409 "Cannot 'trigger_crash_dump' ..."; 202.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova import exception
from fakecloud.nova.api import schemas
from fakecloud.nova.api.wsgi import raise_http_conflict_for_instance_invalid_state
from fakecloud.nova.policies import ADMIN_PASSWORD, CONSOLE_OUTPUT, SERVERS

#: ``trigger_crash_dump``'s microversion (13.0.0).
TRIGGER_CRASH_DUMP_SINCE = "2.17"
#: What ``get_console_output`` removes from the log (the XML-era filter, still applied).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")


class ServerGuestActionsController:
    """changePassword, os-getConsoleOutput and trigger_crash_dump; `ACTIONS` holds them."""

    def __init__(self, nova: Any, servers: Any):
        self.nova = nova
        self.servers = servers
        self.compute_api = nova.compute_api
        self.policy = nova.policy

    def _owned(self, ctx: Any, server_id: str, rule: str) -> Any:
        """The lookup, then `rule` on the server's user and project (every release)."""
        instance = self.servers.get_server(ctx, server_id)
        target = {"user_id": instance.user_id, "project_id": instance.project_id}
        self.policy.authorize(ctx, rule, target)
        return instance

    def _change_password(
        self, req: Request, server_id: str, body: Any
    ) -> Generator[Any, Any, Response]:
        schemas.validator("changePassword").validate(body, req)
        ctx = req.context
        instance = self._owned(ctx, server_id, ADMIN_PASSWORD)
        password = body["changePassword"]["adminPass"]
        try:
            yield from self.compute_api.set_admin_password(ctx, instance, password)
        except (
            exception.InstancePasswordSetFailed,
            exception.SetAdminPasswdNotSupported,
            exception.InstanceAgentNotEnabled,
        ) as exc:
            raise HttpError(409, exc.format_message()) from None
        except exception.InstanceInvalidState as exc:
            raise_http_conflict_for_instance_invalid_state(exc, "changePassword", server_id)
        except NotImplementedError:
            raise HttpError(501, "Unable to set password on instance") from None
        return Response(202)

    def _console_output(
        self, req: Request, server_id: str, body: Any
    ) -> Generator[Any, Any, Response]:
        schemas.validator("os-getConsoleOutput").validate(body, req)
        ctx = req.context
        instance = self.servers.get_authorized_server(ctx, server_id, CONSOLE_OUTPUT)
        length = body["os-getConsoleOutput"].get("length")
        try:
            output = yield from self.compute_api.get_console_output(ctx, instance, length)
        except (exception.InstanceNotFound, exception.ConsoleNotAvailable) as exc:
            raise HttpError(404, exc.format_message()) from None
        except exception.InstanceNotReady as exc:
            raise HttpError(409, exc.format_message()) from None
        except NotImplementedError:
            raise HttpError(501, "The requested functionality is not supported.") from None
        return Response(200, {"output": _CONTROL.sub("", output)})

    def _trigger_crash_dump(self, req: Request, server_id: str, body: Any) -> Response:
        if req.microversion < TRIGGER_CRASH_DUMP_SINCE:
            raise HttpError(404, "The resource could not be found.")
        schemas.validator("trigger_crash_dump").validate(body, req)
        ctx = req.context
        instance = self._owned(ctx, server_id, SERVERS % "trigger_crash_dump")
        try:
            self.compute_api.trigger_crash_dump(ctx, instance)
        except (exception.InstanceNotReady, exception.InstanceIsLocked) as exc:
            raise HttpError(409, exc.format_message()) from None
        except exception.InstanceInvalidState as exc:
            raise_http_conflict_for_instance_invalid_state(exc, "trigger_crash_dump", server_id)
        return Response(202)


#: Action name -> handler(controller, req, server_id, body).
ACTIONS = {
    "changePassword": ServerGuestActionsController._change_password,
    "os-getConsoleOutput": ServerGuestActionsController._console_output,
    "trigger_crash_dump": ServerGuestActionsController._trigger_crash_dump,
}
