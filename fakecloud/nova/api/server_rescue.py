"""The ``rescue`` and ``unrescue`` server actions (``api/openstack/compute/rescue.py``,
``schemas/rescue.py``, ``policies/rescue.py``; nova 17.0.13, 20.6.0, 21.2.4, 23.2.2, 27.5.1,
29.2.0, 34.0.0).

``rescue``: ``null`` or ``{"adminPass", "rescue_image_ref"}``; a password is generated when none
is given. The server is looked up (404), then policy ``os_compute_api:os-rescue`` with its user
and project, in every release. The answer is 200 ``{"adminPass": ...}`` (``{}`` when
``[api] enable_instance_password`` is off); the compute API's refusals: locked or a wrong
state 409, a volume not ``in-use`` 409, a volume-backed server (before 2.87, or a rescue image
without the stable-rescue properties) and an unusable rescue image 400
(`fakecloud.nova.compute.rescue_api`).

``unrescue``: 202, no body. Before 21.0.0 (``policy_before_lookup``; 236483285d) the policy,
then ``os_compute_api:os-rescue``, is checked before the lookup with the caller's own project as
target; from 21.0.0 ``os_compute_api:os-unrescue`` after it, on the server's project. Locked
or not rescued: 409.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova import exception
from fakecloud.nova.api import schemas
from fakecloud.nova.api.wsgi import raise_http_conflict_for_instance_invalid_state
from fakecloud.nova.passwords import generate_password
from fakecloud.nova.policies import RESCUE, UNRESCUE

#: Boot-from-volume rescue (24106290e6, 21.0.0).
BFV_RESCUE_SINCE = "2.87"


class ServerRescueController:
    """``rescue`` and ``unrescue``; `ACTIONS` holds their handlers."""

    def __init__(self, nova: Any, servers: Any):
        self.nova = nova
        self.servers = servers
        self.compute_api = nova.compute_api
        self.policy = nova.policy

    def _rescue(self, req: Request, server_id: str, body: Any) -> Generator[Any, Any, Response]:
        schemas.validator("rescue").validate(body, req)
        entity = body["rescue"] or {}
        ctx = req.context
        instance = self.servers.get_server(ctx, server_id)
        target = {"user_id": instance.user_id, "project_id": instance.project_id}
        self.policy.authorize(ctx, RESCUE, target)
        password = entity["adminPass"] if "adminPass" in entity else self._password(instance)
        try:
            yield from self.compute_api.rescue(
                ctx,
                instance,
                rescue_password=password,
                rescue_image_ref=entity.get("rescue_image_ref"),
                allow_bfv_rescue=req.microversion >= BFV_RESCUE_SINCE,
            )
        except (exception.InstanceIsLocked, exception.InvalidVolume) as exc:
            raise HttpError(409, exc.format_message()) from None
        except exception.InstanceInvalidState as exc:
            raise_http_conflict_for_instance_invalid_state(exc, "rescue", server_id)
        except (exception.InstanceNotRescuable, exception.UnsupportedRescueImage) as exc:
            raise HttpError(400, exc.format_message()) from None
        if self.nova.config.enable_instance_password:
            return Response(200, {"adminPass": password})
        return Response(200, {})

    def _password(self, instance: Any) -> str:
        """``utils.generate_password``, from a stream of the cloud's seed for this server's
        rescue (its action count tells one rescue from the next)."""
        count = len(self.nova.db.actions.get(instance.uuid, ()))
        stream = self.nova.kernel.streams(f"nova.rescue-password.{instance.uuid}.{count}")
        return generate_password(stream)

    def _unrescue(self, req: Request, server_id: str, body: Any) -> Response:
        schemas.validator("unrescue").validate(body, req)
        ctx = req.context
        instance = self.servers.get_authorized_server(ctx, server_id, UNRESCUE)
        try:
            self.compute_api.unrescue(ctx, instance)
        except exception.InstanceIsLocked as exc:
            raise HttpError(409, exc.format_message()) from None
        except exception.InstanceInvalidState as exc:
            raise_http_conflict_for_instance_invalid_state(exc, "unrescue", server_id)
        return Response(202)


#: Action name -> handler(controller, req, server_id, body).
ACTIONS = {"rescue": ServerRescueController._rescue, "unrescue": ServerRescueController._unrescue}
