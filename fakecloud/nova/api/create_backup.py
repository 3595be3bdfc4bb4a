"""The ``createBackup`` server action (``nova/api/openstack/compute/create_backup.py``).

``{"createBackup": {"name", "backup_type", "rotation", "metadata"?}}``: an image of type
``backup`` (property ``backup_type``) of an image-backed server; a volume-backed one is 400
"Backup is not supported for volume-backed instances.". Below 2.39 the metadata counts against
``metadata_items``. The answer is 202: ``{"image_id"}`` from 2.45; below, no body and a
``Location`` header — Nova's own ``/v2.1/images/<id>`` URL, and only when ``rotation > 0``.

The checks run in the profile's order (the same switches as createImage): Queens checks the
policy against the caller's own project and the metadata quota before it loads the server;
34.0.0 loads the server first (404), then checks the policy against the server's project.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.microversion import Version
from fakecloud.api.webob import plain_webob_headers
from fakecloud.nova import exception
from fakecloud.nova.api import schemas
from fakecloud.nova.api.wsgi import (
    raise_http_conflict_for_instance_invalid_state,
)
from fakecloud.nova.policies import CREATE_BACKUP

#: The last microversion whose createBackup metadata counts against ``metadata_items``.
MAX_IMAGE_META_PROXY_API_VERSION = Version(2, 38)
#: From 2.45 the answer is ``{"image_id"}`` instead of a ``Location`` header.
BACKUP_BODY_VERSION = Version(2, 45)

_CREATE_BACKUP = {
    "type": "object",
    "properties": {
        "createBackup": {
            "type": "object",
            "properties": {
                "name": schemas.name,
                "backup_type": {"type": "string"},
                "rotation": schemas.non_negative_integer,
                "metadata": schemas.metadata,
            },
            "required": ["name", "backup_type", "rotation"],
            "additionalProperties": False,
        }
    },
    "required": ["createBackup"],
    "additionalProperties": False,
}
#: ``create_backup`` (``create_backup_v20`` on ``/v2/``: the name may have leading and
#: trailing spaces).
CREATE_BACKUP_SCHEMA = schemas.SchemaValidator(
    _CREATE_BACKUP, v20=schemas.spaced_names(_CREATE_BACKUP, "createBackup", "name")
)


class CreateBackupController:
    """``createBackup``, dispatched from the compute service's action table (`ACTIONS`)."""

    def __init__(self, nova: Any, servers: Any):
        self.nova = nova
        self.servers = servers

    def _create_backup(
        self, req: Request, server_id: str, body: Any
    ) -> Generator[Any, Any, Response]:
        """``_create_backup``: validate, look up, authorize, back up; 202."""
        CREATE_BACKUP_SCHEMA.validate(body, req)
        sw = self.nova.kernel.switches
        ctx = req.context
        entity = body["createBackup"]
        metadata = entity.get("metadata", {})
        quota_applies = req.microversion <= MAX_IMAGE_META_PROXY_API_VERSION
        if sw.policy_before_lookup:
            self.nova.policy.authorize(ctx, CREATE_BACKUP)
        if quota_applies and sw.metadata_quota_before_lookup:
            self.servers.check_img_metadata_properties_quota(req.context, metadata)
        instance = self.servers.get_server(ctx, server_id)
        if not sw.policy_before_lookup:
            self.nova.policy.authorize(ctx, CREATE_BACKUP, {"project_id": instance.project_id})
        image_name = entity["name"].strip()
        backup_type = entity["backup_type"]
        rotation = int(entity["rotation"])
        if quota_applies and not sw.metadata_quota_before_lookup:
            self.servers.check_img_metadata_properties_quota(req.context, metadata)
        try:
            image = yield from self.nova.compute_api.backup(
                ctx, instance, image_name, backup_type, rotation, extra_properties=dict(metadata)
            )
        except exception.InstanceInvalidState as exc:
            raise_http_conflict_for_instance_invalid_state(exc, "createBackup", server_id)
        except exception.InvalidRequest as exc:
            raise HttpError(400, exc.format_message()) from None
        if req.microversion >= BACKUP_BODY_VERSION:
            return Response(202, {"image_id": image["id"]})
        headers = plain_webob_headers()
        if rotation > 0:
            # common.url_join(req.application_url, 'images', image_id): no project id.
            base = req.link_prefix
            headers["Location"] = f"{base.root}/{base.VERSION}/images/{image['id']}"
        return Response(202, b"", headers)


#: Action name -> handler(controller, req, server_id, body).
ACTIONS = {"createBackup": CreateBackupController._create_backup}
