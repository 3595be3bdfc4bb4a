"""A server's remote console (``remote_consoles.py``, nova 17.0.13 and 34.0.0):
``POST /servers/{id}/remote-consoles`` from 2.6 and, before 2.6, the server actions
``os-getVNCConsole``, ``os-getSPICEConsole``, ``os-getRDPConsole`` and
``os-getSerialConsole`` (404 from 2.6, as the other's before it).

``remote-consoles``: the schema of the microversion (protocol ``vnc``, ``spice``, ``serial``,
``rdp``; ``mks`` from 2.8; type ``novnc``, ``xvpvnc``, ``spice-html5``, ``serial``,
``rdp-html5``; ``webmks`` from 2.8, ``spice-direct`` from 2.99), the server and policy
``os_compute_api:os-remote-consoles`` in the release's order, then the compute API
(`fakecloud.nova.compute.consoles`): 200 ``{"remote_console": {"protocol", "type", "url"}}``;
409 "Instance <id> is not ready" for a server without a host, 404 without a guest; 400 for a
type not enabled ("Unavailable console type <type>.") or not the protocol's ("Invalid console
type <type>"); 501 for libvirt's missing RDP and MKS consoles. ``rdp`` from 29.0.0 (Hyper-V
gone): no handler, so a ``TypeError``'s 500 until 32.0.0 answers 400 "Unavailable console type
rdp.".

The actions: policy first (on the caller's own project, every release), then the server; the
schema's one ``type``; 200 ``{"console": {"type", "url"}}``. ``os-getSerialConsole`` is the
only one expecting ``ConsoleTypeInvalid`` (400): the others' is Nova's 500.
``os-getRDPConsole`` from 29.0.0 takes any body and answers a bare 400.

A server being deleted or live-migrated (task state ``deleting``, ``migrating``) has no
console: the compute API's ``InstanceInvalidState``, which only ``os-getVNCConsole`` catches,
from 27.0.0 (`VNC_INVALID_STATE_CAUGHT`: 409 "Cannot 'get_vnc_console' instance <id> while it
is in task_state deleting"); before, and for every other action and ``remote-consoles`` in every
release, it is Nova's 500 ("Unexpected API Error", ``InstanceInvalidState``).
"""

from __future__ import annotations

import copy
from collections.abc import Generator
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova import exception
from fakecloud.nova.api.schemas import SchemaValidator
from fakecloud.nova.api.wsgi import raise_http_conflict_for_instance_invalid_state
from fakecloud.nova.policies import REMOTE_CONSOLES
from fakecloud.profiles.provenance import Backport, Change

#: ``os-getVNCConsole`` catches ``InstanceInvalidState`` (ec40d5aee3 "Handle
#: InstanceInvalidState exception", LP #1968618: its 500 for a deleting or migrating server).
VNC_INVALID_STATE_CAUGHT = Change(
    "27.0.0",
    "ec40d5aee3",
    "Handle InstanceInvalidState exception",
    backports=(Backport("25.2.0", "286aadf289"), Backport("26.1.1", "71855163a9")),
)
#: ``POST /servers/{id}/remote-consoles``' microversion (12.0.0); the actions end before it.
REMOTE_CONSOLES_SINCE = "2.6"
MKS_SINCE = "2.8"
SPICE_DIRECT_SINCE = "2.99"
#: Hyper-V's removal: the RDP console goes (29.0.0); 32.0.0 answers its 400 (``create``).
RDP_REMOVED = (29, 0, 0)
RDP_REJECTED = (32, 0, 0)
#: webob's ``HTTPBadRequest`` explanation (the bare 400 of ``os-getRDPConsole``).
BARE_400 = (
    "The server could not comply with the request since it is either malformed or otherwise "
    "incorrect."
)


def _action_schema(action: str, types: list[str] | None) -> dict[str, Any]:
    if types is None:
        return {}
    return {
        "type": "object",
        "properties": {
            action: {
                "type": "object",
                "properties": {"type": {"type": "string", "enum": types}},
                "required": ["type"],
                "additionalProperties": False,
            }
        },
        "required": [action],
        "additionalProperties": False,
    }


def _create_schema(protocols: list[str], types: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "remote_console": {
                "type": "object",
                "properties": {
                    "protocol": {"type": "string", "enum": protocols},
                    "type": {"type": "string", "enum": types},
                },
                "required": ["protocol", "type"],
                "additionalProperties": False,
            }
        },
        "required": ["remote_console"],
        "additionalProperties": False,
    }


_V26 = (
    ["vnc", "spice", "rdp", "serial"],
    ["novnc", "xvpvnc", "rdp-html5", "spice-html5", "serial"],
)
_V28 = (_V26[0] + ["mks"], _V26[1] + ["webmks"])
_V299 = (_V28[0], _V28[1] + ["spice-direct"])
_VALIDATORS: dict[Any, SchemaValidator] = {}


def _validator(key: Any, schema: dict[str, Any]) -> SchemaValidator:
    found = _VALIDATORS.get(key)
    if found is None:
        found = _VALIDATORS[key] = SchemaValidator(copy.deepcopy(schema))
    return found


#: Action -> (protocol, the schema's types; None: any body).
_ACTIONS = {
    "os-getVNCConsole": ("vnc", ["novnc", "xvpvnc"]),
    "os-getSPICEConsole": ("spice", ["spice-html5"]),
    "os-getRDPConsole": ("rdp", ["rdp-html5"]),
    "os-getSerialConsole": ("serial", ["serial"]),
}


class RemoteConsolesController:
    """``/servers/{id}/remote-consoles`` and the console actions (`ACTIONS`)."""

    def __init__(self, nova: Any, servers: Any, service: Any):
        self.nova = nova
        self.service = service
        self.servers = servers
        self.compute_api = nova.compute_api
        self.policy = nova.policy
        self.version = nova.kernel.switches.release.version

    def create(self, req: Request) -> Generator[Any, Any, Response]:
        """``POST /servers/{id}/remote-consoles`` (2.6)."""
        if req.microversion < REMOTE_CONSOLES_SINCE:
            raise HttpError(404, "The resource could not be found.")
        body = self.service.body(req)
        server_id = req.params["server_id"]
        if req.microversion >= SPICE_DIRECT_SINCE:
            key, shape = "v2.99", _V299
        elif req.microversion >= MKS_SINCE:
            key, shape = "v2.8", _V28
        else:
            key, shape = "v2.6", _V26
        _validator(key, _create_schema(*shape)).validate(body, req)
        ctx = req.context
        instance = self.servers.get_authorized_server(ctx, server_id, REMOTE_CONSOLES)
        protocol = body["remote_console"]["protocol"]
        console_type = body["remote_console"]["type"]
        if protocol == "rdp" and self.version >= RDP_REMOVED:
            if self.version >= RDP_REJECTED:
                raise HttpError(400, f"Unavailable console type {protocol}.")
            raise TypeError("'NoneType' object is not callable")  # handlers.get('rdp')
        try:
            output = yield from self.compute_api.get_console(ctx, instance, protocol, console_type)
        except exception.InstanceNotFound as exc:
            raise HttpError(404, exc.format_message()) from None
        except exception.InstanceNotReady as exc:
            raise HttpError(409, exc.format_message()) from None
        except (exception.ConsoleTypeInvalid, exception.ConsoleTypeUnavailable) as exc:
            raise HttpError(400, exc.format_message()) from None
        except NotImplementedError:
            raise HttpError(501, "The requested functionality is not supported.") from None
        body = {"protocol": protocol, "type": console_type, "url": output["url"]}
        return Response(200, {"remote_console": body})

    def _action(
        self, req: Request, server_id: str, body: Any, action: str
    ) -> Generator[Any, Any, Response]:
        if req.microversion >= REMOTE_CONSOLES_SINCE:
            raise HttpError(404, "The resource could not be found.")
        protocol, types = _ACTIONS[action]
        removed = protocol == "rdp" and self.version >= RDP_REMOVED
        if removed:
            types = None
        _validator(
            action if not removed else "rdp-removed", _action_schema(action, types)
        ).validate(body, req)
        if removed:
            raise HttpError(400, BARE_400)
        ctx = req.context
        self.policy.authorize(ctx, REMOTE_CONSOLES)
        console_type = body[action]["type"]
        instance = self.servers.get_server(ctx, server_id)
        expected: tuple[type[Exception], ...] = (exception.ConsoleTypeUnavailable,)
        if protocol == "serial":
            expected += (exception.ConsoleTypeInvalid,)
        try:
            output = yield from self.compute_api.get_console(ctx, instance, protocol, console_type)
        except expected as exc:
            raise HttpError(400, exc.format_message()) from None
        except exception.InstanceNotFound as exc:
            raise HttpError(404, exc.format_message()) from None
        except exception.InstanceNotReady as exc:
            raise HttpError(409, exc.format_message()) from None
        except exception.InstanceInvalidState as exc:
            if protocol != "vnc" or not VNC_INVALID_STATE_CAUGHT.reaches(
                self.nova.kernel.switches.release
            ):
                raise
            raise_http_conflict_for_instance_invalid_state(exc, "get_vnc_console", server_id)
        except NotImplementedError:
            raise HttpError(501, "The requested functionality is not supported.") from None
        return Response(200, {"console": {"type": console_type, "url": output["url"]}})


def _handler(action: str) -> Any:
    def handle(
        controller: RemoteConsolesController, req: Request, server_id: str, body: Any
    ) -> Generator[Any, Any, Response]:
        return controller._action(req, server_id, body, action)

    handle.__doc__ = f"``{action}`` (before 2.6)."
    return handle


#: Action name -> handler(controller, req, server_id, body).
ACTIONS = {action: _handler(action) for action in _ACTIONS}
