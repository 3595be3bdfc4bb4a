"""``/servers/{id}/os-instance-actions`` (``nova/api/openstack/compute/instance_actions.py``):
what was done to a server, by whom, with which request id, and each action's events.

Deleted servers are visible from 2.21. Events are shown to admins always (with traceback, and
host from 2.62), to the server's project from 2.51 (without traceback); 2.58 adds
``updated_at`` and paging (a full page ends with ``links``), 2.62 ``hostId``, 2.84
``details`` (admins).
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.pagination import page_after_marker, whole_param
from fakecloud.nova.api import schemas, views
from fakecloud.nova.api.server_search import normalized_window
from fakecloud.nova.policies import INSTANCE_ACTIONS
from fakecloud.sim.clock import stored_time

#: 2.58 pages by limit and marker and filters by changes-since; 2.66 adds changes-before.
PAGING = "2.58"
CHANGES_BEFORE = "2.66"

#: ``schemas/instance_actions.py``: ``index_query_v258`` and ``index_query_v266``.
_INDEX_QUERY = {
    "type": "object",
    "properties": {
        "limit": schemas.single_param(schemas.non_negative_integer),
        "marker": schemas.single_param({"type": "string"}),
        "changes-since": schemas.single_param({"type": "string", "format": "date-time"}),
    },
    "additionalProperties": False,
}
_INDEX_QUERY_V266 = {
    **_INDEX_QUERY,
    "properties": {
        **_INDEX_QUERY["properties"],
        "changes-before": schemas.single_param({"type": "string", "format": "date-time"}),
    },
}
_VALIDATORS: dict[str, Any] = {}


def _query_validator(version: Any) -> Any:
    key = "v266" if version >= CHANGES_BEFORE else "v258"
    if key not in _VALIDATORS:
        schema = _INDEX_QUERY_V266 if key == "v266" else _INDEX_QUERY
        _VALIDATORS[key] = schemas.QueryValidator(schema)
    return _VALIDATORS[key]


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
        version = req.microversion
        if version >= PAGING:
            # @validation.query_schema runs before the method: a 400 before any 404.
            _query_validator(version).validate(req.query)
        instance = self._instance(req)
        target = {"project_id": instance.project_id}
        self.nova.policy.authorize(ctx, INSTANCE_ACTIONS % "list", target)
        actions = self.nova.db.actions_of(instance.uuid)
        if version >= PAGING:
            actions = self._page(req, actions)
        items = [views.instance_action(self.fmt, a, version) for a in actions]
        body: dict[str, Any] = {"instanceActions": items}
        if version >= PAGING:
            # ``ViewBuilder.get_links``: a full page ends with a ``next`` link (17.0.13 to 34.0.0).
            collection = f"servers/{req.params['server_id']}/os-instance-actions"
            next_links = views.collection_links(
                req.link_prefix,
                req.query,
                items,
                collection,
                getattr(self.nova.config, "max_limit", 1000),
                lambda action: action["request_id"],
            )
            if next_links:
                body["links"] = next_links
        return Response(200, body)

    def _page(self, req: Request, actions: list[Any]) -> list[Any]:
        """2.58+ (the query schema checked by `index`): the changes-since/-before window,
        then marker and limit (``common.get_limit_and_marker``: at most ``max_limit``)."""
        since = (
            schemas.parse_isotime(req.arg("changes-since") or "")
            if "changes-since" in (req.query)
            else None
        )
        before = (
            schemas.parse_isotime(req.arg("changes-before") or "")
            if "changes-before" in (req.query)
            else None
        )
        if since is not None and before is not None and before < since:
            raise HttpError(
                400, "The value of changes-since must be less than or equal to changes-before."
            )
        if whole_param(req.arg("limit") or "1", "limit") == 0:
            return []  # ``actions_get``: before its changes window and marker (17.0.13, 34.0.0)
        since, before = normalized_window(since, before, self.nova)
        wall = self.nova.kernel.clock.wall_time
        if since is not None:
            actions = [a for a in actions if stored_time(wall(a.updated_at)) >= since]
        if before is not None:
            actions = [a for a in actions if stored_time(wall(a.updated_at)) <= before]
        return page_after_marker(
            actions,
            req.arg("marker") or None,
            req.arg("limit"),
            getattr(self.nova.config, "max_limit", 1000),
            key=lambda a: a.request_id,
        )

    def show(self, req: Request) -> Response:
        """``GET /servers/{server_id}/os-instance-actions/{request_id}`` (from 2.102 any query
        parameter is 400 first: 34.0.0 ``show_query_v2102``)."""
        schemas.refuse_any_query(req)
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
        # Queens-Train ask the events rule of the caller's own project (no target); 21.0.0
        # (3903b91676) passes the server's.
        events_target = None if policy.legacy else target
        if policy.authorize(ctx, INSTANCE_ACTIONS % "events", events_target, fatal=False):
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
                for event in reversed(action.events)  # action_events_get: newest first
            ]
        return Response(200, {"instanceAction": body})
