"""``/servers/{server_id}/os-volume_attachments`` (``nova/api/openstack/compute/
volume_attachments.py``): the volumes attached to a server, listed and shown — what
``openstack server volume list`` and the SDK's ``volume_attachments()`` read.

The view is ``_translate_attachment_detail_view``: ``id`` (the volume id, dropped from 2.89),
``volumeId``, ``serverId``, ``device`` when known; ``tag`` from 2.70; ``delete_on_termination``
from 2.79; ``attachment_id`` and ``bdm_uuid`` from 2.89, where a mapping without a Cinder
attachment is left out. The list is paged with ``limit``/``offset`` (``common.limited``).
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova.api import schemas
from fakecloud.nova.policies import VOLUMES_ATTACHMENTS

SHOW_TAG = "2.70"
SHOW_DELETE_ON_TERMINATION = "2.79"
SHOW_ATTACHMENT_ID_BDM_UUID = "2.89"
#: From 2.75 the list refuses unknown query parameters.
STRICT_INDEX_QUERY = "2.75"


def attachment_view(bdm: Any, version: Any) -> dict[str, Any]:
    """``_translate_attachment_detail_view`` at `version`."""
    out: dict[str, Any] = {}
    ids = version >= SHOW_ATTACHMENT_ID_BDM_UUID
    if not ids:
        out["id"] = bdm.volume_id
    out["volumeId"] = bdm.volume_id
    out["serverId"] = bdm.instance_uuid
    if bdm.device_name:
        out["device"] = bdm.device_name
    if version >= SHOW_TAG:
        out["tag"] = bdm.tag
    if version >= SHOW_DELETE_ON_TERMINATION:
        out["delete_on_termination"] = bool(bdm.delete_on_termination)
    if ids:
        out["attachment_id"] = bdm.attachment_id
        out["bdm_uuid"] = bdm.uuid
    return out


class VolumeAttachmentController:
    """List and show one server's volume attachments."""

    def __init__(self, nova: Any, servers: Any):
        self.nova = nova
        self.servers = servers

    def _instance(self, req: Request, action: str) -> Any:
        ctx = req.context
        instance = self.servers.get_server(ctx, req.params["server_id"])
        target = {"project_id": instance.project_id}
        self.nova.policy.authorize(ctx, VOLUMES_ATTACHMENTS % action, target)
        return instance

    def index(self, req: Request) -> Response:
        """``GET /servers/{server_id}/os-volume_attachments[?limit=&offset=]``."""
        strict = req.microversion >= STRICT_INDEX_QUERY
        schemas.query_validator(
            not strict, limit="non_negative_integer", offset="non_negative_integer"
        ).validate(req.query)
        instance = self._instance(req, "index")
        bdms = self.nova.db.bdms_by_instance(instance.uuid)
        offset = int(req.arg("offset") or 0)
        max_limit = self.nova.config.max_limit
        limit = min(max_limit, int(req.arg("limit") or 0) or max_limit)
        version = req.microversion
        items = []
        for bdm in bdms[offset : offset + limit]:
            if not bdm.volume_id:
                continue
            if version >= SHOW_ATTACHMENT_ID_BDM_UUID and bdm.attachment_id is None:
                continue
            items.append(attachment_view(bdm, version))
        return Response(200, {"volumeAttachments": items})

    def show(self, req: Request) -> Response:
        """``GET /servers/{server_id}/os-volume_attachments/{volume_id}``."""
        schemas.query_validator(True).validate(req.query)
        instance = self._instance(req, "show")
        volume_id = req.params["volume_id"]
        found = [b for b in self.nova.db.bdms_by_instance(instance.uuid) if b.volume_id]
        bdm = next((b for b in found if b.volume_id == volume_id), None)
        version = req.microversion
        if bdm is None or (version >= SHOW_ATTACHMENT_ID_BDM_UUID and bdm.attachment_id is None):
            raise HttpError(
                404,
                f"Instance {req.params['server_id']} is not attached to volume {volume_id}",
            )
        return Response(200, {"volumeAttachment": attachment_view(bdm, version)})
