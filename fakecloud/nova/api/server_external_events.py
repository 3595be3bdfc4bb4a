"""``POST /os-server-external-events`` (``nova/api/openstack/compute/server_external_events.py``):
how other services tell Nova something happened to a server.

Cinder sends ``volume-extended`` (2.51) after extending an attached volume. The body is checked
with the schema of the microversion (the event names it knows: the network events from 2.0,
``volume-extended`` 2.51, ``power-update`` 2.76, ``accelerator-request-bound`` 2.82,
``volume-reimaged`` 2.93), the policy is the service's (``rule:service_or_admin``; Queens'
``rule:admin_api``), and each event is answered in the body: ``completed``/200 when accepted,
``failed`` with 404 (no such server), 400 (a tag the event needs is missing) or 422 (the server
has no host); any failure makes the whole answer a 207. Accepted events go to the compute API
(`fakecloud.nova.external_events`).
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.nova.api import schemas
from fakecloud.nova.api.wsgi import NovaApiService
from fakecloud.nova.policies import SERVER_EXTERNAL_EVENTS

#: ``external_event.EVENT_STATUSES``.
EVENT_STATUSES = ["failed", "completed", "in-progress"]
#: The event names each microversion adds, in Nova's order.
EVENT_NAMES = (
    ("2.0", ("network-changed", "network-vif-plugged", "network-vif-unplugged")),
    ("2.0", ("network-vif-deleted",)),
    ("2.51", ("volume-extended",)),
    ("2.76", ("power-update",)),
    ("2.82", ("accelerator-request-bound",)),
    ("2.93", ("volume-reimaged",)),
)
#: ``TAG_REQUIRED``: events refused (400 in the answer) without a tag.
TAG_REQUIRED = ("volume-extended", "power-update", "accelerator-request-bound")


@functools.cache
def _validator(names: tuple[str, ...]) -> schemas.SchemaValidator:
    """``schemas/server_external_events.py`` ``create`` (``create_v251`` ...)."""
    schema = {
        "type": "object",
        "properties": {
            "events": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "enum": list(names)},
                        "server_uuid": {"type": "string", "format": "uuid"},
                        "status": {"type": "string", "enum": copy.copy(EVENT_STATUSES)},
                        "tag": {"type": "string", "maxLength": 255},
                    },
                    "required": ["name", "server_uuid"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["events"],
        "additionalProperties": False,
    }
    return schemas.SchemaValidator(schema)


def event_names(version: Any) -> tuple[str, ...]:
    """The event names the schema of `version` accepts."""
    return tuple(n for since, names in EVENT_NAMES if version >= since for n in names)


class ServerExternalEventsController:
    """``ServerExternalEventsController.create``."""

    def __init__(self, nova: Any):
        self.nova = nova

    def create(self, req: Request) -> Response:
        """Check, answer each event, and hand the accepted ones to the compute API."""
        from fakecloud.nova import external_events

        body = NovaApiService.body(req)
        _validator(event_names(req.microversion)).validate(body, req)
        context = req.context
        self.nova.policy.authorize(context, SERVER_EXTERNAL_EVENTS % "create", {})
        db = self.nova.db
        response_events = []
        accepted: list[dict[str, Any]] = []
        result = 200
        for event in body["events"]:
            client_event = dict(event)
            response_events.append(event)
            row = db.instance_row(client_event["server_uuid"])
            if row is None or row.deleted:
                event["status"], event["code"], result = "failed", 404, 207
            elif client_event["name"] in TAG_REQUIRED and client_event.get("tag") is None:
                event["status"], event["code"], result = "failed", 400, 207
            elif row.host:
                accepted.append(
                    {
                        "instance_uuid": client_event["server_uuid"],
                        "name": client_event["name"],
                        "status": client_event.get("status", "completed"),
                        "tag": client_event.get("tag"),
                    }
                )
                event["status"], event["code"] = "completed", 200
            else:
                event["status"], event["code"], result = "failed", 422, 207
        if accepted:
            external_events.external_instance_event(self.nova, context, accepted)
        return Response(result, {"events": response_events})
