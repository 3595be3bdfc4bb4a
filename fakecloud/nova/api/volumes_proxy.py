"""``/os-volumes`` and ``/os-snapshots``: Nova's proxies of Cinder's volumes and snapshots
(``nova/api/openstack/compute/volumes.py``, 17.0.13-31.x; ``volumes.py`` and ``snapshots.py``
from 32.0.0, the same code), for microversions up to 2.35. Tempest's ``compute.volumes`` tests
drive them. Found by Tempest 47.0.0 (session 27): not served, so every one was a 404.

Each call goes through Nova's Cinder client (`fakecloud.nova.volume_api`) as the caller and
shows Nova's view of what Cinder answers (``_translate_volume_summary_view``,
``_translate_snapshot_summary_view``): camelCase keys (``availabilityZone``, ``createdAt``,
``displayName``, ``volumeType``, ``snapshotId``, ``volumeId``), a volume's first attachment as
``{"id", "volumeId", "serverId", "device"}`` or ``[{}]`` when detached, a snapshot's
``volume_size`` as its ``size``. Errors: a body the schema refuses 400 (``size`` required, an
integer of at least 1 or a string of digits); Cinder's 400 (a size of ``"0"``) Nova's 400
``Invalid input received: ...``; its 413 a 403; a volume or snapshot Cinder does not find 404
``Volume <id> could not be found.`` / ``Snapshot <id> could not be found.``. A snapshot create
Cinder refuses with a 400 (a volume ``in-use`` without ``force``) is not among the errors the
controller expects: Nova's 500 ``Unexpected API Error``.

Policies: ``os_compute_api:os-volumes`` (``rule:admin_or_owner``) for all of them until 21.x,
``os_compute_api:os-volumes:{list,detail,show,create,delete}`` and ``...:snapshots:<same>``
(readers list and show, members create and delete; the old rule their deprecated one) from
22.0.0 — modelled from 21.0.0, as every rule of that release is; the target is the caller's own
project. From 2.36 on every path answers 404 as if it did not exist
(``MAX_PROXY_API_SUPPORT_VERSION``).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud import late
from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.pagination import limited
from fakecloud.nova import exception
from fakecloud.nova.api import schemas
from fakecloud.nova.api.images import MAX_PROXY_API_SUPPORT_VERSION
from fakecloud.nova.policies import VOLUMES

_volume_create = {
    "type": "object",
    "properties": {
        "volume": {
            "type": "object",
            "properties": {
                "volume_type": {"type": "string"},
                "metadata": {"type": "object"},
                "snapshot_id": {"type": "string"},
                "size": {"type": ["integer", "string"], "pattern": "^[0-9]+$", "minimum": 1},
                "availability_zone": {"type": "string"},
                "display_name": {"type": "string"},
                "display_description": {"type": "string"},
            },
            "required": ["size"],
            "additionalProperties": False,
        }
    },
    "required": ["volume"],
    "additionalProperties": False,
}

_snapshot_create = {
    "type": "object",
    "properties": {
        "snapshot": {
            "type": "object",
            "properties": {
                "volume_id": {"type": "string"},
                "force": schemas.boolean,
                "display_name": {"type": "string"},
                "display_description": {"type": "string"},
            },
            "required": ["volume_id"],
            "additionalProperties": False,
        }
    },
    "required": ["snapshot"],
    "additionalProperties": False,
}

_VALIDATORS: dict[str, Any] = {}


def _validator(name: str) -> Any:
    found = _VALIDATORS.get(name)
    if found is None:
        if name == "query":
            found = schemas.query_validator(
                True, limit="non_negative_integer", offset="non_negative_integer"
            )
        else:
            found = schemas.SchemaValidator(
                _volume_create if name == "volume" else _snapshot_create
            )
        _VALIDATORS[name] = found
    return found


def volume_view(vol: dict[str, Any]) -> dict[str, Any]:
    """``_translate_volume_summary_view`` (the detail view is the same) of Nova's dict of a
    volume (`fakecloud.nova.volume_api`'s)."""
    d: dict[str, Any] = {
        "id": vol["id"],
        "status": vol["status"],
        "size": vol["size"],
        "availabilityZone": vol["availability_zone"],
        "createdAt": vol["created_at"],
    }
    if vol["attach_status"] == "attached":
        server_id, attachment = next(iter(vol["attachments"].items()))
        d["attachments"] = [{"id": vol["id"], "volumeId": vol["id"], "serverId": server_id}]
        if attachment.get("mountpoint"):
            d["attachments"][0]["device"] = attachment["mountpoint"]
    else:
        d["attachments"] = [{}]
    d["displayName"] = vol["display_name"]
    d["displayDescription"] = vol["display_description"]
    d["volumeType"] = vol["volume_type_id"]
    d["snapshotId"] = vol["snapshot_id"]
    d["metadata"] = vol.get("volume_metadata") or {}
    return d


def snapshot_view(snap: dict[str, Any]) -> dict[str, Any]:
    """``_translate_snapshot_summary_view`` of Nova's dict of a snapshot."""
    return {
        "id": snap["id"],
        "volumeId": snap["volume_id"],
        "status": snap["status"],
        "size": snap["volume_size"],
        "createdAt": snap["created_at"],
        "displayName": snap["display_name"],
        "displayDescription": snap["display_description"],
    }


class VolumesProxyController:
    """``/os-volumes`` and ``/os-snapshots``, for microversions up to 2.35."""

    def __init__(self, nova: Any, service: Any):
        self.nova = nova
        self.service = service
        self.volume_api = nova.volume_api

    def _authorize(self, req: Request, rule: str) -> None:
        if req.microversion > MAX_PROXY_API_SUPPORT_VERSION:
            raise HttpError(404, "The resource could not be found.")
        ctx = req.context
        self.nova.policy.authorize(ctx, VOLUMES % rule, {"project_id": ctx.project_id})

    def _page(self, req: Request, rows: list[Any]) -> list[Any]:
        return limited(rows, req.arg("offset"), req.arg("limit"), self.nova.config.max_limit)

    # -- volumes -----------------------------------------------------------------------------

    def _show(
        self, req: Request, rule: str, kind: str, fetch: Any, missing: type, view: Any
    ) -> Generator[Any, Any, Response]:
        """One volume or snapshot (`kind`), fetched by the id its path names."""
        self._authorize(req, rule)
        try:
            found = yield from fetch(req.context, req.params[f"{kind}_id"])
        except missing as exc:
            raise HttpError(404, exc.format_message()) from None
        return Response(200, {kind: view(found)})

    def _list(
        self, req: Request, rule: str, kind: str, fetch: Any, view: Any
    ) -> Generator[Any, Any, Response]:
        """The caller's volumes or snapshots (`kind`), a page of them as the query asks."""
        _validator("query").validate(req.query)
        self._authorize(req, rule)
        rows = yield from fetch(req.context)
        return Response(200, {f"{kind}s": [view(r) for r in self._page(req, rows)]})

    def show(self, req: Request) -> Generator[Any, Any, Response]:
        """``GET /os-volumes/{volume_id}``."""
        api = self.volume_api
        return self._show(req, "show", "volume", api.get, exception.VolumeNotFound, volume_view)

    def index(self, req: Request) -> Generator[Any, Any, Response]:
        """``GET /os-volumes[?limit=&offset=]``."""
        return self._list(req, "list", "volume", self.volume_api.get_all, volume_view)

    def detail(self, req: Request) -> Generator[Any, Any, Response]:
        """``GET /os-volumes/detail`` (the same view as the list)."""
        return self._list(req, "detail", "volume", self.volume_api.get_all, volume_view)

    def create(self, req: Request) -> Generator[Any, Any, Response]:
        """``POST /os-volumes``: 200 with the new volume and a ``Location``."""
        body = self.service.body(req)
        _validator("volume").validate(body, req)
        self._authorize(req, "create")
        ctx = req.context
        vol = body["volume"]
        snapshot = None
        if vol.get("snapshot_id") is not None:
            try:
                snapshot = yield from self.volume_api.get_snapshot(ctx, vol["snapshot_id"])
            except exception.SnapshotNotFound as exc:
                raise HttpError(404, exc.format_message()) from None
        size = vol.get("size")
        if size is None and snapshot is not None:
            size = snapshot["volume_size"]
        try:
            new = yield from self.volume_api.create(
                ctx,
                size,
                vol.get("display_name"),
                vol.get("display_description"),
                snapshot=snapshot,
                volume_type=vol.get("volume_type"),
                metadata=vol.get("metadata"),
                availability_zone=vol.get("availability_zone"),
            )
        except exception.InvalidInput as exc:
            raise HttpError(400, exc.format_message()) from None
        except exception.OverQuota as exc:
            raise HttpError(403, exc.format_message()) from None
        location = f"{req.base_url.rstrip('/')}{req.path}/{new['id']}"
        return Response(200, {"volume": volume_view(new)}, {"Location": location})

    def delete(self, req: Request) -> Generator[Any, Any, Response]:
        """``DELETE /os-volumes/{volume_id}``: 202."""
        self._authorize(req, "delete")
        try:
            yield from self.volume_api.delete(req.context, req.params["volume_id"])
        except exception.InvalidInput as exc:
            raise HttpError(400, exc.format_message()) from None
        except exception.VolumeNotFound as exc:
            raise HttpError(404, exc.format_message()) from None
        return Response(202)

    # -- snapshots ---------------------------------------------------------------------------

    def snapshot_show(self, req: Request) -> Generator[Any, Any, Response]:
        """``GET /os-snapshots/{snapshot_id}``."""
        fetch, missing = self.volume_api.get_snapshot, exception.SnapshotNotFound
        return self._show(req, "snapshots:show", "snapshot", fetch, missing, snapshot_view)

    def snapshot_index(self, req: Request) -> Generator[Any, Any, Response]:
        """``GET /os-snapshots[?limit=&offset=]``."""
        fetch = self.volume_api.get_all_snapshots
        return self._list(req, "snapshots:list", "snapshot", fetch, snapshot_view)

    def snapshot_detail(self, req: Request) -> Generator[Any, Any, Response]:
        """``GET /os-snapshots/detail`` (the same view as the list)."""
        fetch = self.volume_api.get_all_snapshots
        return self._list(req, "snapshots:detail", "snapshot", fetch, snapshot_view)

    def snapshot_create(self, req: Request) -> Generator[Any, Any, Response]:
        """``POST /os-snapshots``: 200 with the new snapshot."""
        body = self.service.body(req)
        _validator("snapshot").validate(body, req)
        self._authorize(req, "snapshots:create")
        snap = body["snapshot"]
        force = late.module("oslo_utils.strutils").bool_from_string(
            snap.get("force", False), strict=True
        )
        create = self.volume_api.create_snapshot_force if force else self.volume_api.create_snapshot
        try:
            new = yield from create(
                req.context,
                snap["volume_id"],
                snap.get("display_name"),
                snap.get("display_description"),
            )
        except exception.OverQuota as exc:
            raise HttpError(403, exc.format_message()) from None
        return Response(200, {"snapshot": snapshot_view(new)})

    def snapshot_delete(self, req: Request) -> Generator[Any, Any, Response]:
        """``DELETE /os-snapshots/{snapshot_id}``: 202."""
        self._authorize(req, "snapshots:delete")
        try:
            yield from self.volume_api.delete_snapshot(req.context, req.params["snapshot_id"])
        except exception.SnapshotNotFound as exc:
            raise HttpError(404, exc.format_message()) from None
        return Response(202)


def declare(add: Any) -> None:
    """Add the proxies' routes (`add`: the compute API's ``NovaRoutes.add``)."""
    c = VolumesProxyController
    for path, handler in (
        ("GET /os-volumes", c.index),
        ("GET /os-volumes/detail", c.detail),
        ("POST /os-volumes", c.create),
        ("GET /os-volumes/{volume_id}", c.show),
        ("DELETE /os-volumes/{volume_id}", c.delete),
        ("GET /os-snapshots", c.snapshot_index),
        ("GET /os-snapshots/detail", c.snapshot_detail),
        ("POST /os-snapshots", c.snapshot_create),
        ("GET /os-snapshots/{snapshot_id}", c.snapshot_show),
        ("DELETE /os-snapshots/{snapshot_id}", c.snapshot_delete),
    ):
        method, template = path.split(" ")
        add(method, template, "volumes_proxy", handler)
