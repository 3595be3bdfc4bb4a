"""The REST surface of the vendor's instance snapshots, on the compute endpoint.

Served only where switch ``instance_snapshot_branch`` is on (the seed profile); elsewhere the
paths do not exist and Nova answers its plain 404 ``The resource could not be found.``::

    POST   /v2.1/servers/{server_id}/snapshots                       202 {"snapshot": {...}}
           {"snapshot": {"name": "<name>", "description": "<text or null>"}}
    GET    /v2.1/servers/{server_id}/snapshots                       200 {"snapshots": [...]}
    GET    /v2.1/servers/{server_id}/snapshots/{snapshot_id}         200 {"snapshot": {...}}
    DELETE /v2.1/servers/{server_id}/snapshots/{snapshot_id}         202
    POST   /v2.1/servers/{server_id}/snapshots/{snapshot_id}/revert  202 (no body, or {})

Each handler works as Nova's server sub-resources do: the body schema first (Nova's 400
wording), then the server lookup (404 for a bad id, a deleted server or another project's),
then the policy ``os_compute_api:servers:snapshots:<index|show|create|delete|revert>`` with the
server's project as target, then the state checks (409 ``conflictingRequest``: ``Cannot
'createSnapshot' instance <id> while it is in vm_state <state>``, ``Cannot 'revertSnapshot'
...`` for a server not SHUTOFF, ``Cannot 'deleteSnapshot' snapshot <id> while it is in status
creating``). A snapshot id that is not one of this server's live snapshots is a 404
``Snapshot <id> could not be found.``
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova import exception
from fakecloud.nova.api import schemas, views
from fakecloud.nova.api.wsgi import raise_http_conflict_for_instance_invalid_state
from fakecloud.nova.instance_snapshots import (
    API,
    InstanceSnapshot,
    InstanceSnapshotInvalidState,
    InstanceSnapshotNotFound,
)
from fakecloud.nova.policies import INSTANCE_SNAPSHOTS

snapshot_create = {
    "type": "object",
    "properties": {
        "snapshot": {
            "type": "object",
            "properties": {"name": schemas.name, "description": schemas.description},
            "required": ["name"],
            "additionalProperties": False,
        }
    },
    "required": ["snapshot"],
    "additionalProperties": False,
}
"""``POST /servers/{id}/snapshots``."""

snapshot_revert = {"type": ["object", "null"], "additionalProperties": False}
"""``POST /servers/{id}/snapshots/{sid}/revert``: no body, or an empty object."""

_SCHEMAS = {"create": snapshot_create, "revert": snapshot_revert}
_VALIDATORS: dict[str, schemas.SchemaValidator] = {}


def _validator(name: str) -> schemas.SchemaValidator:
    found = _VALIDATORS.get(name)
    if found is None:
        found = _VALIDATORS[name] = schemas.SchemaValidator(_SCHEMAS[name])
    return found


def enabled(switches: Any) -> bool:
    """Whether a cloud serves these routes: only where the vendor branch exists."""
    return bool(switches.instance_snapshot_branch)


def declare(routes: Any) -> None:
    """Add the routes to the compute API's shared table (a `NovaRoutes`)."""
    c = InstanceSnapshotsController
    snapshots = "/servers/{server_id}/snapshots"
    routes.add("GET", snapshots, "instance_snapshots", c.index)
    routes.add("POST", snapshots, "instance_snapshots", c.create)
    routes.add("GET", snapshots + "/{snapshot_id}", "instance_snapshots", c.show)
    routes.add("DELETE", snapshots + "/{snapshot_id}", "instance_snapshots", c.delete)
    routes.add("POST", snapshots + "/{snapshot_id}/revert", "instance_snapshots", c.revert)


def attach(service: Any) -> None:
    """Give the compute service its instance-snapshots controller."""
    service.instance_snapshots = InstanceSnapshotsController(service.nova, service)


def snapshot_view(
    fmt: views.Formatter, prefix: views.LinkBase, snap: InstanceSnapshot, current: str | None
) -> dict[str, Any]:
    """One instance snapshot as the API shows it (``size`` in bytes, image-backed only)."""
    return {
        "id": snap.id,
        "name": snap.name,
        "description": snap.description,
        "status": snap.status,
        "server_id": snap.instance_uuid,
        "parent_id": snap.parent_id,
        "is_current": snap.id == current,
        "volume_backed": snap.volume_backed,
        "size": snap.size,
        "volume_snapshot_ids": list(snap.volume_snapshot_ids),
        "created_at": fmt.isotime(snap.created_at),
        "updated_at": fmt.isotime(snap.updated_at),
        "links": views.links(prefix, f"servers/{snap.instance_uuid}/snapshots", snap.id),
    }


class InstanceSnapshotsController:
    """``/servers/{server_id}/snapshots``."""

    def __init__(self, nova: Any, service: Any):
        self.nova = nova
        self.service = service
        self.servers = service.servers
        self.policy = nova.policy
        self.fmt = views.Formatter(nova.kernel)
        self.api = API(nova)
        self.store = self.api.store

    # -- helpers -----------------------------------------------------------------------------

    def _server(self, req: Request, rule: str) -> Any:
        ctx = req.context
        instance = self.servers.get_server(ctx, req.params["server_id"])
        self.policy.authorize(ctx, INSTANCE_SNAPSHOTS % rule, {"project_id": instance.project_id})
        return instance

    def _snapshot(self, instance: Any, snapshot_id: str) -> InstanceSnapshot:
        try:
            return self.api.get(instance, snapshot_id)
        except InstanceSnapshotNotFound as exc:
            raise HttpError(404, exc.format_message()) from None

    def _view(self, req: Request, snap: InstanceSnapshot) -> dict[str, Any]:
        current = self.store.current.get(snap.instance_uuid)
        return snapshot_view(self.fmt, req.link_prefix, snap, current)

    # -- handlers ----------------------------------------------------------------------------

    def index(self, req: Request) -> Response:
        """``GET /servers/{server_id}/snapshots``: the server's snapshots, oldest first."""
        instance = self._server(req, "index")
        snaps = self.store.of_instance(instance.uuid)
        return Response(200, {"snapshots": [self._view(req, s) for s in snaps]})

    def show(self, req: Request) -> Response:
        """``GET /servers/{server_id}/snapshots/{snapshot_id}``."""
        instance = self._server(req, "show")
        snap = self._snapshot(instance, req.params["snapshot_id"])
        return Response(200, {"snapshot": self._view(req, snap)})

    def create(self, req: Request) -> Response:
        """``POST /servers/{server_id}/snapshots``: 202, ``creating``, and current at once."""
        body = self.service.body(req)
        _validator("create").validate(body, req)
        instance = self._server(req, "create")
        entity = body["snapshot"]
        try:
            snap = self.api.create(
                req.context, instance, entity["name"].strip(), entity.get("description")
            )
        except exception.InstanceIsLocked as exc:
            raise HttpError(409, exc.format_message()) from None
        except exception.InstanceInvalidState as exc:
            raise_http_conflict_for_instance_invalid_state(exc, "createSnapshot", instance.uuid)
        return Response(202, {"snapshot": self._view(req, snap)})

    def delete(self, req: Request) -> Response:
        """``DELETE /servers/{server_id}/snapshots/{snapshot_id}``: 202, ``deleting``."""
        instance = self._server(req, "delete")
        snap = self._snapshot(instance, req.params["snapshot_id"])
        try:
            self.api.delete(req.context, instance, snap)
        except InstanceSnapshotInvalidState as exc:
            raise HttpError(409, exc.format_message()) from None
        return Response(202)

    def revert(self, req: Request) -> Generator[Any, Any, Response]:
        """``POST /servers/{server_id}/snapshots/{snapshot_id}/revert``: the stopped server's
        disks are the snapshot's again, and it is current; 202 once the host has done it."""
        _validator("revert").validate(self.service.body(req), req)
        instance = self._server(req, "revert")
        snap = self._snapshot(instance, req.params["snapshot_id"])
        try:
            yield from self.api.revert(req.context, instance, snap)
        except exception.InstanceIsLocked as exc:
            raise HttpError(409, exc.format_message()) from None
        except exception.InstanceInvalidState as exc:
            raise_http_conflict_for_instance_invalid_state(exc, "revertSnapshot", instance.uuid)
        except InstanceSnapshotInvalidState as exc:
            raise HttpError(409, exc.format_message()) from None
        except InstanceSnapshotNotFound as exc:
            raise HttpError(404, exc.format_message()) from None
        return Response(202)
