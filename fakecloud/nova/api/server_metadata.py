"""``/servers/{server_id}/metadata[/{key}]`` (``nova/api/openstack/compute/server_metadata.py``,
the same from 17.0.13 to 34.0.0): a server's own key/value metadata — ``openstack server
set/unset --property``, novaclient's ``servers.set_meta``/``delete_meta``, openstacksdk's
``set_server_metadata``.

Each method loads the server (404), then checks its policy on the server's project
(``os_compute_api:server-metadata:*``: ``rule:admin_or_owner`` before 21.0.0, the project's
readers for index/show and members for the rest after). A change goes through the compute
API's ``update_instance_metadata``/``delete_instance_metadata``: 409 for a locked server
(non-admins) or one not active, paused, suspended or stopped or with a task under way ("Cannot
'update metadata' instance X while it is in vm_state shelved_offloaded"), 403 "Maximum number of
metadata items exceeds N" over the ``metadata_items`` quota. The bodies are checked with the
same schemas as the image metadata proxy's (``metadata``; ``meta`` of exactly one key); from
2.102 the reads refuse unknown query parameters.
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova import exception
from fakecloud.nova.api import schemas
from fakecloud.nova.api.image_metadata import CREATE, UPDATE, UPDATE_ALL
from fakecloud.nova.api.wsgi import raise_http_conflict_for_instance_invalid_state
from fakecloud.nova.policies import SERVER_METADATA

NOT_FOUND = "Metadata item was not found"
#: ``index_query_v2102``/``show_query_v2102``: unknown query parameters refused from 2.102.
STRICT_QUERY = "2.102"


class ServerMetadataController:
    """One server's metadata."""

    def __init__(self, nova: Any, servers: Any, service: Any):
        self.nova = nova
        self.servers = servers
        self.service = service

    def _server(self, req: Request, rule: str, *, copy: bool = False) -> Any:
        """``common.get_instance`` then the rule on the server's project."""
        server = self.servers.get_server(req.context, req.params["server_id"], copy=copy)
        self.nova.policy.authorize(
            req.context, SERVER_METADATA % rule, {"project_id": server.project_id}
        )
        return server

    def _update(self, req: Request, server: Any, metadata: dict, delete: bool) -> dict:
        """``_update_instance_metadata``: Nova's answers to the compute API's refusals."""
        try:
            return self.nova.compute_api.update_instance_metadata(
                req.context, server, metadata, delete
            )
        except exception.OverQuota as exc:
            raise HttpError(403, exc.format_message()) from None
        except exception.InstanceIsLocked as exc:
            raise HttpError(409, exc.format_message()) from None
        except exception.InstanceInvalidState as exc:
            raise_http_conflict_for_instance_invalid_state(exc, "update metadata", server.uuid)

    def index(self, req: Request) -> Response:
        """``GET /servers/{server_id}/metadata``: ``{"metadata": {...}}``."""
        schemas.query_validator(req.microversion < STRICT_QUERY).validate(req.query)
        server = self._server(req, "index")
        return Response(200, {"metadata": dict(server.metadata)})

    def show(self, req: Request) -> Response:
        """``GET /servers/{server_id}/metadata/{key}``: ``{"meta": {key: value}}``, or 404."""
        schemas.query_validator(req.microversion < STRICT_QUERY).validate(req.query)
        server = self._server(req, "show")
        key = req.params["key"]
        if key not in server.metadata:
            raise HttpError(404, NOT_FOUND)
        return Response(200, {"meta": {key: server.metadata[key]}})

    def create(self, req: Request) -> Response:
        """``POST /servers/{server_id}/metadata``: merge; answers the whole metadata (200)."""
        body = self.service.body(req)
        CREATE.validate(body, req)
        server = self._server(req, "create", copy=True)
        return Response(200, {"metadata": self._update(req, server, body["metadata"], False)})

    def update_all(self, req: Request) -> Response:
        """``PUT /servers/{server_id}/metadata``: replace the whole metadata."""
        body = self.service.body(req)
        UPDATE_ALL.validate(body, req)
        server = self._server(req, "update_all", copy=True)
        return Response(200, {"metadata": self._update(req, server, body["metadata"], True)})

    def update(self, req: Request) -> Response:
        """``PUT /servers/{server_id}/metadata/{key}``: one ``{"meta": {key: value}}``."""
        body = self.service.body(req)
        UPDATE.validate(body, req)
        server = self._server(req, "update", copy=True)
        meta = body["meta"]
        if req.params["key"] not in meta:
            raise HttpError(400, "Request body and URI mismatch")
        self._update(req, server, meta, False)
        return Response(200, {"meta": meta})

    def delete(self, req: Request) -> Response:
        """``DELETE /servers/{server_id}/metadata/{key}``: 204, or 404."""
        server = self._server(req, "delete", copy=True)
        key = req.params["key"]
        if key not in server.metadata:
            raise HttpError(404, NOT_FOUND)
        try:
            self.nova.compute_api.delete_instance_metadata(req.context, server, key)
        except exception.InstanceIsLocked as exc:
            raise HttpError(409, exc.format_message()) from None
        except exception.InstanceInvalidState as exc:
            raise_http_conflict_for_instance_invalid_state(
                exc, "delete metadata", req.params["server_id"]
            )
        return Response(204)
