"""``/servers/{server_id}/tags[/{tag}]`` from microversion 2.26
(``nova/api/openstack/compute/server_tags.py``, 17.0.13-34.0.0): ``openstack server set/unset
--tag``, openstacksdk's ``add_tag``/``set_tags``/``remove_tag``, novaclient's
``servers.add_tag``/``set_tags``/``delete_tag``.

Before 21.0.0 (switch ``policy_before_lookup``; for these routes 9f5948bef8, LP #1871287) the
policy ``os_compute_api:os-server-tags:*`` is checked first with the caller's own project as
target, so another project's server is only found missing later (404); from 21.0.0 the instance
mapping is read first (404 "Instance X has not been mapped to a cell.") and the policy gets the
server's project (readers for index/show, members for the rest; ``rule:admin_or_owner``
before). Reads check the server exists in the caller's project (``Instance X could not be
found.``: deleted, or another project's); writes load it and refuse a server not active,
paused, suspended or stopped (409 "Cannot 'update tag' instance X while it is in vm_state S").
A tag is 1-60 characters without ``/`` or ``,``; a server holds at most 50. Tags are a table
of their own in Nova: a write does not move the server's ``updated_at``. They are kept in the
order of that table's primary key (code point order here: MySQL's collation is not modelled).
"""

from __future__ import annotations

from typing import Any

import jsonschema

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.webob import plain_webob_headers
from fakecloud.nova import exception
from fakecloud.nova.api import schemas
from fakecloud.nova.api.wsgi import (
    raise_http_conflict_for_instance_invalid_state,
)
from fakecloud.nova.policies import SERVER_TAGS

MIN_VERSION = "2.26"
#: ``nova/objects/instance.py`` ``MAX_TAG_COUNT``, ``nova/objects/tag.py`` ``MAX_TAG_LENGTH``.
MAX_TAG_COUNT = 50
MAX_TAG_LENGTH = 60
#: ``parameter_types.tag``.
TAG = {"type": "string", "pattern": "^[^,/]*$", "minLength": 1, "maxLength": MAX_TAG_LENGTH}
#: ``_check_instance_in_valid_state``'s states.
WRITABLE_STATES = frozenset(("active", "paused", "suspended", "stopped"))

UPDATE_ALL = schemas.SchemaValidator(
    {
        "title": "Server tags",
        "type": "object",
        "properties": {"tags": {"type": "array", "items": TAG, "maxItems": MAX_TAG_COUNT}},
        "required": ["tags"],
        "additionalProperties": False,
    }
)
UPDATE = schemas.SchemaValidator({"title": "Server tag", "type": "null"})
_TAG_CHECK = jsonschema.Draft202012Validator(TAG)


class ServerTagsController:
    """One server's tags."""

    def __init__(self, nova: Any, servers: Any, service: Any):
        self.nova = nova
        self.servers = servers
        self.service = service

    def _authorize(self, req: Request, rule: str) -> None:
        """``_get_instance_mapping`` and ``context.can`` in the release's order."""
        ctx = req.context
        server_id = req.params["server_id"]
        before = self.nova.kernel.switches.policy_before_lookup
        if before:
            self.nova.policy.authorize(ctx, SERVER_TAGS % rule)
        if not self.nova.db.is_mapped(server_id):
            raise HttpError(404, f"Instance {server_id} has not been mapped to a cell.")
        if not before:
            row = self.nova.db.instance_row(server_id)
            self.nova.policy.authorize(ctx, SERVER_TAGS % rule, {"project_id": row.project_id})

    @staticmethod
    def _check_version(req: Request) -> None:
        if req.microversion < MIN_VERSION:
            raise HttpError(404, "The resource could not be found.")

    def _tags(self, req: Request) -> list[str]:
        """``TagList.get_by_resource_id``: the caller's server's tags (404 otherwise, a build
        request too: its mapping names no cell, so the tag table read is the API's default
        database's, devstack's cell0, which has no such instance)."""
        server_id = req.params["server_id"]
        row = self.servers.get_server(req.context, server_id, copy=False)
        if not self.nova.db.in_a_cell(row):
            raise HttpError(404, exception.InstanceNotFound(instance_id=server_id).format_message())
        return list(row.tags)

    def _writable(self, req: Request, action: str) -> Any:
        """``_check_instance_in_valid_state``: a copy of the server, or 404/409."""
        server_id = req.params["server_id"]
        row = self.servers.get_server(req.context, server_id)
        if row.vm_state not in WRITABLE_STATES:
            exc = exception.InstanceInvalidState(
                attr="vm_state", instance_uuid=row.uuid, state=row.vm_state, method=action
            )
            raise_http_conflict_for_instance_invalid_state(exc, action, server_id)
        return row

    def _set(self, server: Any, tags: list[str]) -> None:
        """``Tag.create``/``TagList.create``/``destroy``: the tags table, not ``save()``; then
        ``send_instance_update_notification(service="nova-api")``, whatever
        ``notify_on_state_change`` says (nova 17.0.0-34.0.0 ``server_tags.py``)."""
        self.nova.db.instance_set_fixed(server, tags=tags)
        notifier = self.nova.notifier
        if notifier.legacy or notifier.versioned:
            host = self.nova.config.api_host
            notifier.instance_update(
                "nova-api", host, server, server.vm_state, server.task_state, None
            )

    def index(self, req: Request) -> Response:
        """``GET /servers/{server_id}/tags``: ``{"tags": [...]}``."""
        self._check_version(req)
        self._authorize(req, "index")
        return Response(200, {"tags": self._tags(req)})

    def show(self, req: Request) -> Response:
        """``GET /servers/{server_id}/tags/{tag}``: 204 when the server has it, else 404."""
        self._check_version(req)
        self._authorize(req, "show")
        tag = req.params["tag"]
        if tag not in self._tags(req):
            raise HttpError(404, f"Server {req.params['server_id']} has no tag '{tag}'")
        return Response(204)

    def update(self, req: Request) -> Response:
        """``PUT /servers/{server_id}/tags/{tag}``: 201 + ``Location``, or 204 if present."""
        self._check_version(req)
        UPDATE.validate(self.service.body(req) if req.body else None, req)
        self._authorize(req, "update")
        row = self._writable(req, "update tag")
        tag = req.params["tag"]
        for error in _TAG_CHECK.iter_errors(tag):
            raise HttpError(
                400,
                f"Tag '{tag}' is invalid. It must be a non empty string without characters '/' "
                f"and ','. Validation error message: {error.message}",
            )
        tags = list(row.tags)
        if len(tags) >= MAX_TAG_COUNT:
            raise HttpError(
                400, f"The number of tags exceeded the per-server limit {MAX_TAG_COUNT}"
            )
        if tag in tags:
            return Response(204, None, plain_webob_headers())
        self._set(row, sorted((*tags, tag)))
        location = f"{req.link_prefix.self_href('servers', row.uuid)}/tags/{tag}"
        return Response(201, None, plain_webob_headers(Location=location))

    def update_all(self, req: Request) -> Response:
        """``PUT /servers/{server_id}/tags``: replace them all; ``{"tags": [...]}``."""
        self._check_version(req)
        body = self.service.body(req)
        UPDATE_ALL.validate(body, req)
        self._authorize(req, "update_all")
        row = self._writable(req, "update tags")
        self._set(row, sorted(set(body["tags"])))
        return Response(200, {"tags": list(row.tags)})

    def delete(self, req: Request) -> Response:
        """``DELETE /servers/{server_id}/tags/{tag}``: 204, or 404."""
        self._check_version(req)
        self._authorize(req, "delete")
        row = self._writable(req, "delete tag")
        tag = req.params["tag"]
        if tag not in row.tags:
            raise HttpError(404, f"Instance {row.uuid} has no tag '{tag}'")
        self._set(row, [t for t in row.tags if t != tag])
        return Response(204)

    def delete_all(self, req: Request) -> Response:
        """``DELETE /servers/{server_id}/tags``: 204."""
        self._check_version(req)
        self._authorize(req, "delete_all")
        self._set(self._writable(req, "delete tags"), [])
        return Response(204)
