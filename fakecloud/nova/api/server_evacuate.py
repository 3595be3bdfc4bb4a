"""The admin's ``evacuate`` server action (``api/openstack/compute/evacuate.py``,
``schemas/evacuate.py``; nova 17.0.13, 20.6.0, 23.2.2, 25.2.1, 28.0.0, 29.2.0, 34.0.0).

The body by microversion: ``host`` (optional), ``onSharedStorage`` (required before 2.14,
gone from it), ``adminPass``, 2.29-2.67 ``force`` (a host forced past the scheduler; before
2.29 every named host is forced, from 2.68 none: the scheduler checks it); from 2.95 (27.0.0)
the server ends ``stopped`` (``target_state``). The server is looked up (404),
then policy ``os_compute_api:os-evacuate`` with the server's user and project (the admin's).
Before 2.14 an ``adminPass`` with ``onSharedStorage`` true is 400 ("admin password can't be
changed on existing disk"), and the answer is 200 ``{"adminPass": ...}`` (a new one when none
is given and the disk is not shared) while ``[api] enable_instance_password``; from 2.14 200
with no body. A ``force`` without ``host`` is 400 ("Can't force to a non-provided
destination"), an unknown host 404 ("Compute host X not found."), the server's own host 400
("The target host can't be the same one."); the compute API's refusals: its source compute
up 400 (``ComputeServiceInUse``: "Compute service of X is still in use."), a state it does not
take 409 ("Cannot 'evacuate' instance X while it is in vm_state Y"). No lock check: an admin
evacuates a locked server.
"""

from __future__ import annotations

import copy
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova import exception, services
from fakecloud.nova.api import schemas
from fakecloud.nova.api.wsgi import raise_http_conflict_for_instance_invalid_state
from fakecloud.nova.passwords import generate_password
from fakecloud.nova.policies import EVACUATE

#: ``onSharedStorage`` gone, ``adminPass`` not answered.
V214 = "2.14"
#: ``force`` (2.29-2.67).
FORCE_SINCE, FORCE_UNTIL = "2.29", "2.67"
#: Evacuated servers end ``stopped`` (d732ee38a1, 27.0.0).
STOPPED_SINCE = "2.95"

_FQDN = {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[a-zA-Z0-9-._]*$"}
_V20 = {
    "type": "object",
    "properties": {
        "evacuate": {
            "type": "object",
            "properties": {
                "host": _FQDN,
                "onSharedStorage": schemas.boolean,
                "adminPass": {"type": "string"},
            },
            "required": ["onSharedStorage"],
            "additionalProperties": False,
        }
    },
    "required": ["evacuate"],
    "additionalProperties": False,
}
_V214 = copy.deepcopy(_V20)
del _V214["properties"]["evacuate"]["properties"]["onSharedStorage"]
del _V214["properties"]["evacuate"]["required"]
_V229 = copy.deepcopy(_V214)
_V229["properties"]["evacuate"]["properties"]["force"] = schemas.boolean
_VALIDATORS = {
    key: schemas.SchemaValidator(schema)
    for key, schema in (("v20", _V20), ("v214", _V214), ("v229", _V229))
}


def _truthy(value: Any) -> bool:
    """``strutils.bool_from_string`` of a value the schema let through."""
    return value is True or str(value).lower() in ("1", "true", "on", "yes")


class ServerEvacuateController:
    """``evacuate``; `ACTIONS` holds its handler."""

    def __init__(self, nova: Any, servers: Any):
        self.nova = nova
        self.servers = servers
        self.compute_api = nova.compute_api
        self.policy = nova.policy

    def _evacuate(self, req: Request, server_id: str, body: Any) -> Any:
        mv = req.microversion
        if mv < V214:
            key = "v20"
        elif FORCE_SINCE <= mv <= FORCE_UNTIL:
            key = "v229"
        else:
            key = "v214"
        _VALIDATORS[key].validate(body, req)
        ctx = req.context
        instance = self.servers.get_server(ctx, server_id)
        target = {"user_id": instance.user_id, "project_id": instance.project_id}
        self.policy.authorize(ctx, EVACUATE, target)
        entity = body["evacuate"]
        host = entity.get("host")
        target_state = "stopped" if mv >= STOPPED_SINCE else None
        shared = None if mv >= V214 else _truthy(entity["onSharedStorage"])
        force = None
        if mv >= FORCE_SINCE:
            # Read from 2.29 on, 2.68's schema without it: False, a host the scheduler checks
            # (nova 20.0.0-34.0.0 evacuate.py ``is_supported(req, '2.29')``).
            force = _truthy(entity.get("force", False))
            if force and not host:
                raise HttpError(400, "Can't force to a non-provided destination")
        password = entity.get("adminPass")
        if mv < V214 and password is not None and shared:
            raise HttpError(400, "admin password can't be changed on existing disk")
        if password is None and not shared:
            password = self._password(instance)
        if host is not None:
            found = services.compute_host_named(self.nova, host)
            if found is None:
                raise HttpError(404, f"Compute host {host} not found.")
        if instance.host == host:
            raise HttpError(400, "The target host can't be the same one.")
        try:
            self.compute_api.evacuate(
                ctx, instance, found if host else None, shared, password, force, target_state
            )
        except exception.InstanceInvalidState as exc:
            raise_http_conflict_for_instance_invalid_state(exc, "evacuate", server_id)
        except exception.ComputeServiceInUse as exc:
            raise HttpError(400, exc.format_message()) from None
        if mv < V214 and self.nova.config.enable_instance_password:
            return Response(200, {"adminPass": password})
        return Response(200)

    def _password(self, instance: Any) -> str:
        """``utils.generate_password``, from a stream of the cloud's seed for this server's
        evacuation (its action count tells one evacuation from the next)."""
        count = len(self.nova.db.actions.get(instance.uuid, ()))
        stream = self.nova.kernel.streams(f"nova.evacuate-password.{instance.uuid}.{count}")
        return generate_password(stream)


#: Action name -> handler(controller, req, server_id, body).
ACTIONS = {"evacuate": ServerEvacuateController._evacuate}
