"""``/servers/{id}/os-instance-actions`` (``nova/api/openstack/compute/instance_actions.py``):
what was done to a server, by whom, with which request id, and each action's events.

Deleted servers are visible from 2.21. Events are shown to admins always (with traceback, and
host from 2.62), to the server's project from 2.51 (without traceback); 2.58 adds
``updated_at``, 2.62 ``hostId``, 2.84 ``details`` (admins).
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova.api import views
from fakecloud.nova.policies import INSTANCE_ACTIONS


class InstanceActionsController:
    """List and show the actions of one server."""

    def __init__(self, nova: Any, servers: Any):
        self.nova = nova
        self.servers = servers
        self.fmt = views.Formatter(nova.kernel)

    def _instance(self, req: Request) -> Any:
        read_deleted = req.microversion >= "2.21"
        return self.servers.get_server(req.context, req.params["server_id"], read_deleted)

    def index(self, req: Request) -> Response:
        """``GET /servers/{server_id}/os-instance-actions``: newest first."""
        ctx = req.context
        instance = self._instance(req)
        target = {"project_id": instance.project_id}
        self.nova.policy.authorize(ctx, INSTANCE_ACTIONS % "list", target)
        actions = self.nova.db.actions_of(instance.uuid)
        version = req.microversion
        if version >= "2.58":
            marker = req.arg("marker")
            if marker:
                ids = [a.request_id for a in actions]
                if marker not in ids:
                    raise HttpError(400, f"Marker {marker} could not be found.")
                actions = actions[ids.index(marker) + 1 :]
            limit = req.arg("limit")
            if limit is not None:
                actions = actions[: max(0, int(limit))]
        items = [views.instance_action(self.fmt, a, version) for a in actions]
        return Response(200, {"instanceActions": items})

    def show(self, req: Request) -> Response:
        """``GET /servers/{server_id}/os-instance-actions/{request_id}``."""
        ctx = req.context
        instance = self._instance(req)
        target = {"project_id": instance.project_id}
        policy = self.nova.policy
        policy.authorize(ctx, INSTANCE_ACTIONS % "show", target)
        request_id = req.params["request_id"]
        action = self.nova.db.action_get_by_request_id(instance.uuid, request_id)
        if action is None:
            raise HttpError(404, f"Action {request_id} not found")
        version = req.microversion
        body = views.instance_action(self.fmt, action, version)
        show_events = show_traceback = show_host = False
        if policy.authorize(ctx, INSTANCE_ACTIONS % "events", target, fatal=False):
            show_events = show_traceback = True
            show_host = version >= "2.62"
        elif version >= "2.51":
            show_events = True
        if show_events:
            show_details = version >= "2.84" and policy.authorize(
                ctx, INSTANCE_ACTIONS % "events:details", target, fatal=False
            )
            body["events"] = [
                views.instance_action_event(
                    self.fmt,
                    event,
                    action.project_id or instance.project_id,
                    show_traceback=show_traceback,
                    show_host=show_host,
                    show_hostid=version >= "2.62",
                    show_details=show_details,
                )
                for event in action.events
            ]
        return Response(200, {"instanceAction": body})
