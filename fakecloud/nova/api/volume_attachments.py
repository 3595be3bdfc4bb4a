"""``/servers/{server_id}/os-volume_attachments`` (``nova/api/openstack/compute/
volume_attachments.py``): the volumes attached to a server, listed and shown — what
``openstack server volume list`` and the SDK's ``volume_attachments()`` read.

Attach (``POST``, 200 with the ``volumeAttachment`` asked for and the device reserved; 202
without a body from 2.101) and detach (``DELETE .../{volume_id}``, 202) follow
``VolumeAttachmentController.create``/``delete``; the work is `fakecloud.nova.volume_attach`.

The view is ``_translate_attachment_detail_view``: ``id`` (the volume id, dropped from 2.89),
``volumeId``, ``serverId``, ``device`` when known; ``tag`` from 2.70; ``delete_on_termination``
from 2.79; ``attachment_id`` and ``bdm_uuid`` from 2.89, where a mapping without a Cinder
attachment is left out. The list is paged with ``limit``/``offset`` (``common.limited``).
"""

from __future__ import annotations

import copy
from collections.abc import Generator
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.pagination import limited
from fakecloud.api.webob import plain_webob_headers
from fakecloud.nova import exception, states
from fakecloud.nova.api import schemas
from fakecloud.nova.api.wsgi import (
    raise_http_conflict_for_instance_invalid_state,
)
from fakecloud.nova.policies import VOLUMES_ATTACHMENTS

SHOW_TAG = "2.70"
SHOW_DELETE_ON_TERMINATION = "2.79"
SHOW_ATTACHMENT_ID_BDM_UUID = "2.89"
#: From 2.75 the list refuses unknown query parameters.
STRICT_INDEX_QUERY = "2.75"
#: Attach and detach of a shelved (or offloaded) server from 2.20.
SHELVED_ATTACH = "2.20"
#: Attach takes ``tag`` from 2.49 and ``delete_on_termination`` from 2.79.
ATTACH_TAG = "2.49"
ATTACH_DELETE_ON_TERMINATION = "2.79"
#: Multiattach volumes from 2.60 (``common.supports_multiattach_volume``).
MULTIATTACH = "2.60"
#: From 2.101 attach answers 202 with no body.
ATTACH_NO_BODY = "2.101"

_DEVICE = {"type": ["string", "null"], "pattern": "(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$"}
CREATE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "volumeAttachment": {
            "type": "object",
            "properties": {"volumeId": schemas.uuid_param, "device": _DEVICE},
            "required": ["volumeId"],
            "additionalProperties": False,
        }
    },
    "required": ["volumeAttachment"],
    "additionalProperties": False,
}
"""``schema.create`` (``create_volume_attachment`` in 17.0.0)."""
CREATE_SCHEMA_V249 = copy.deepcopy(CREATE_SCHEMA)
CREATE_SCHEMA_V249["properties"]["volumeAttachment"]["properties"]["tag"] = schemas.tag
CREATE_SCHEMA_V279 = copy.deepcopy(CREATE_SCHEMA_V249)
CREATE_SCHEMA_V279["properties"]["volumeAttachment"]["properties"]["delete_on_termination"] = (
    schemas.boolean
)
UPDATE_SCHEMA = copy.deepcopy(CREATE_SCHEMA)
del UPDATE_SCHEMA["properties"]["volumeAttachment"]["properties"]["device"]
"""``schema.update`` (``update_volume_attachment`` in 17.0.0): only ``volumeId``."""
UPDATE_SCHEMA_V285: dict[str, Any] = {
    "type": "object",
    "properties": {
        "volumeAttachment": {
            "type": "object",
            "properties": {
                "volumeId": schemas.uuid_param,
                "device": _DEVICE,
                "tag": schemas.tag,
                "delete_on_termination": schemas.boolean,
                "serverId": schemas.uuid_param,
                "id": schemas.uuid_param,
            },
            "required": ["volumeId"],
            "additionalProperties": False,
        }
    },
    "required": ["volumeAttachment"],
    "additionalProperties": False,
}
"""``schema.update_v285``: the fields ``GET`` shows may be sent back (only
``delete_on_termination`` may change)."""
#: From 2.85 a ``PUT`` updates the attachment (and swaps only when ``volumeId`` differs).
UPDATE_ATTACHMENT = "2.85"
_UPDATE_VALIDATORS = {
    "2.0": schemas.SchemaValidator(UPDATE_SCHEMA),
    UPDATE_ATTACHMENT: schemas.SchemaValidator(UPDATE_SCHEMA_V285),
}
_CREATE_VALIDATORS = {
    "2.0": schemas.SchemaValidator(CREATE_SCHEMA),
    ATTACH_TAG: schemas.SchemaValidator(CREATE_SCHEMA_V249),
    ATTACH_DELETE_ON_TERMINATION: schemas.SchemaValidator(CREATE_SCHEMA_V279),
}
_TRUE = frozenset((True, "True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes"))


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
        """The server, and the `action` policy. Before 21.0.0 (``policy_before_lookup``; nova
        763d220504) the policy comes first, with the caller's own project as target."""
        ctx = req.context
        rule = VOLUMES_ATTACHMENTS % action
        if self.nova.kernel.switches.policy_before_lookup:
            self.nova.policy.authorize(ctx, rule)
            return self.servers.get_server(ctx, req.params["server_id"])
        instance = self.servers.get_server(ctx, req.params["server_id"])
        self.nova.policy.authorize(ctx, rule, {"project_id": instance.project_id})
        return instance

    def index(self, req: Request) -> Response:
        """``GET /servers/{server_id}/os-volume_attachments[?limit=&offset=]``."""
        strict = req.microversion >= STRICT_INDEX_QUERY
        schemas.query_validator(
            not strict, limit="non_negative_integer", offset="non_negative_integer"
        ).validate(req.query)
        instance = self._instance(req, "index")
        bdms = self.nova.db.bdms_by_instance(instance.uuid)
        page = limited(bdms, req.arg("offset"), req.arg("limit"), self.nova.config.max_limit)
        version = req.microversion
        items = []
        for bdm in page:
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

    # -- attach and detach -------------------------------------------------------------------

    def _check_request_version(self, req: Request, action: str, instance: Any) -> None:
        """``_check_request_version``: a shelved server's volumes change only from 2.20."""
        shelved = instance.vm_state in (states.SHELVED, states.SHELVED_OFFLOADED)
        if shelved and req.microversion < SHELVED_ATTACH:
            raise_http_conflict_for_instance_invalid_state(
                exception.InstanceInvalidState(
                    attr="vm_state",
                    instance_uuid=instance.uuid,
                    state=instance.vm_state,
                    method=action,
                ),
                action,
                req.params["server_id"],
            )

    def create(self, req: Request) -> Any:
        """``POST /servers/{server_id}/os-volume_attachments``: attach a volume."""
        version = req.microversion
        if version >= ATTACH_DELETE_ON_TERMINATION:
            validator = _CREATE_VALIDATORS[ATTACH_DELETE_ON_TERMINATION]
        elif version >= ATTACH_TAG:
            validator = _CREATE_VALIDATORS[ATTACH_TAG]
        else:
            validator = _CREATE_VALIDATORS["2.0"]
        try:
            body = req.json()
        except ValueError:
            raise HttpError(400, "Malformed request body") from None
        validator.validate(body, req)
        instance = self._instance(req, "create")
        server_id = req.params["server_id"]
        spec = body["volumeAttachment"]
        volume_id = spec["volumeId"]
        device = spec.get("device")
        tag = spec.get("tag")
        delete_on_termination = spec.get("delete_on_termination", False) in _TRUE
        self._check_request_version(req, "attach_volume", instance)
        try:
            work = self.nova.compute_api.attach_volume(
                req.context,
                instance,
                volume_id,
                device,
                tag=tag,
                delete_on_termination=delete_on_termination,
                supports_multiattach=version >= MULTIATTACH,
                needs_device_returned=version < ATTACH_NO_BODY,
            )
        except exception.InstanceIsLocked as exc:
            raise HttpError(409, exc.format_message()) from None
        except exception.InstanceInvalidState as exc:
            raise_http_conflict_for_instance_invalid_state(exc, "attach_volume", server_id)
        return self._attached(req, work, server_id, volume_id, tag, delete_on_termination)

    @staticmethod
    def _attached(
        req: Request,
        work: Generator,
        server_id: str,
        volume_id: str,
        tag: str | None,
        delete_on_termination: bool,
    ) -> Generator[Any, Any, Response]:
        try:
            device = yield from work
        except exception.VolumeNotFound as exc:
            raise HttpError(404, exc.format_message()) from None
        except exception.InstanceIsLocked as exc:
            raise HttpError(409, exc.format_message()) from None
        except exception.InstanceInvalidState as exc:
            raise_http_conflict_for_instance_invalid_state(exc, "attach_volume", server_id)
        except exception.Invalid as exc:  # InvalidVolume, InvalidInput, the multiattach ones
            raise HttpError(400, exc.format_message()) from None
        version = req.microversion
        if version >= ATTACH_NO_BODY:
            return Response(202, None, plain_webob_headers())
        attachment: dict[str, Any] = {
            "id": volume_id,
            "serverId": server_id,
            "volumeId": volume_id,
            "device": device,
        }
        if version >= SHOW_TAG:
            attachment["tag"] = tag
        if version >= SHOW_DELETE_ON_TERMINATION:
            attachment["delete_on_termination"] = delete_on_termination
        return Response(200, {"volumeAttachment": attachment})

    # -- update and swap ----------------------------------------------------------------------

    def update(self, req: Request) -> Generator[Any, Any, Response]:
        """``PUT /servers/{server_id}/os-volume_attachments/{volume_id}``: before 2.85 always
        a swap of the attached volume (the path's) for ``volumeId``; from 2.85 an update of
        the attachment (``delete_on_termination``; the other fields must be what they are),
        then a swap if ``volumeId`` differs. A swap asks the ``swap`` policy (admin; before
        21.0.0 ``update``, admin too, checked before the server is loaded), an update the
        ``update`` policy (the project's members). 202, no body."""
        version = req.microversion
        only_swap = version < UPDATE_ATTACHMENT
        validator = _UPDATE_VALIDATORS["2.0" if only_swap else UPDATE_ATTACHMENT]
        try:
            body = req.json()
        except ValueError:
            raise HttpError(400, "Malformed request body") from None
        validator.validate(body, req)
        ctx = req.context
        policy = self.nova.policy
        server_id = req.params["server_id"]
        volume_id = req.params["volume_id"]
        new_volume_id = body["volumeAttachment"]["volumeId"]
        if self.nova.kernel.switches.policy_before_lookup:
            # 17.0.0-20.x: the policy, both volumes, then the server.
            policy.authorize(ctx, VOLUMES_ATTACHMENTS % "update")
            old_volume, new_volume = yield from self._swap_volumes(ctx, volume_id, new_volume_id)
            instance = self.servers.get_server(ctx, server_id)
            yield from self._swap(ctx, instance, old_volume, new_volume)
            return Response(202)
        instance = self.servers.get_server(ctx, server_id)
        if only_swap or volume_id != new_volume_id:
            policy.authorize(ctx, VOLUMES_ATTACHMENTS % "swap", {})
        else:
            policy.authorize(
                ctx, VOLUMES_ATTACHMENTS % "update", {"project_id": instance.project_id}
            )
        if not only_swap:
            self._update_volume_regular(instance, volume_id, body["volumeAttachment"])
            if volume_id == new_volume_id:
                return Response(202)
        old_volume, new_volume = yield from self._swap_volumes(ctx, volume_id, new_volume_id)
        yield from self._swap(ctx, instance, old_volume, new_volume)
        return Response(202)

    def _update_volume_regular(self, instance: Any, volume_id: str, att: dict) -> None:
        """``_update_volume_regular``: the mapping of the path's volume (404
        `VolumeBDMNotFound`), each immutable field sent as it is (else 400), then
        ``delete_on_termination`` written."""
        bdm = next(
            (b for b in self.nova.db.bdms_by_instance(instance.uuid) if b.volume_id == volume_id),
            None,
        )
        if bdm is None:
            raise HttpError(404, exception.VolumeBDMNotFound(volume_id=volume_id).format_message())
        for key, current in (
            ("id", volume_id),
            ("serverId", instance.uuid),
            ("device", bdm.device_name),
            ("tag", bdm.tag),
        ):
            if key in att and att[key] != current:
                raise HttpError(400, f"The {key} property is not mutable")
        if "delete_on_termination" in att:
            bdm.delete_on_termination = att["delete_on_termination"] in _TRUE

    def _swap_volumes(
        self, ctx: Any, old_volume_id: str, new_volume_id: str
    ) -> Generator[Any, Any, tuple[dict, dict]]:
        """``_update_volume_swap``'s reads: the old volume (404), from 29.3.0 refused unless
        it is migrating (409: only Cinder may swap), the new volume (a 400: it is named in
        the body)."""
        try:
            old_volume = yield from self.nova.volume_api.get(ctx, old_volume_id)
        except exception.VolumeNotFound as exc:
            raise HttpError(404, exc.format_message()) from None
        switches = self.nova.kernel.switches
        if switches.swap_volume_cinder_only and not old_volume.get("migration_status"):
            # 32.0.0's words (a8651eaff3 moved the check); its backports to 29.3.0, 30.1.0
            # and 31.1.0 keep 93c0f9bc74's (the nova oracle, 29.4.0: swap-admin)
            said = "; this API" if switches.series.nova >= 32 else " this api"
            raise HttpError(
                409,
                f"volume {old_volume_id} is not migrating{said} should only be called by Cinder",
            )
        try:
            new_volume = yield from self.nova.volume_api.get(ctx, new_volume_id)
        except exception.VolumeNotFound as exc:
            raise HttpError(400, exc.format_message()) from None
        return old_volume, new_volume

    def _swap(
        self, ctx: Any, instance: Any, old_volume: dict, new_volume: dict
    ) -> Generator[Any, Any, None]:
        """``compute_api.swap_volume`` and its errors as the controller maps them."""
        try:
            yield from self.nova.compute_api.swap_volume(ctx, instance, old_volume, new_volume)
        except exception.VolumeBDMNotFound as exc:
            raise HttpError(404, exc.format_message()) from None
        except (exception.InvalidVolume, exception.MultiattachSwapVolumeNotSupported) as exc:
            raise HttpError(400, exc.format_message()) from None
        except exception.InstanceIsLocked as exc:
            raise HttpError(409, exc.format_message()) from None
        except exception.InstanceInvalidState as exc:
            raise_http_conflict_for_instance_invalid_state(exc, "swap_volume", instance.uuid)

    def delete(self, req: Request) -> Any:
        """``DELETE /servers/{server_id}/os-volume_attachments/{volume_id}``: detach (202)."""
        instance = self._instance(req, "delete")
        self._check_request_version(req, "detach_volume", instance)
        return self._detach(req, instance)

    def _detach(self, req: Request, instance: Any) -> Generator[Any, Any, Response]:
        ctx = req.context
        server_id = req.params["server_id"]
        volume_id = req.params["volume_id"]
        try:
            volume = yield from self.nova.volume_api.get(ctx, volume_id)
        except exception.VolumeNotFound as exc:
            raise HttpError(404, exc.format_message()) from None
        bdm = next(
            (b for b in self.nova.db.bdms_by_instance(instance.uuid) if b.volume_id == volume_id),
            None,
        )
        if bdm is None:
            raise HttpError(404, f"Instance {server_id} is not attached to volume {volume_id}")
        if bdm.is_root:
            code = 400 if self.nova.kernel.switches.root_detach_bad_request else 403
            raise HttpError(code, "Cannot detach a root device volume")
        try:
            yield from self.nova.compute_api.detach_volume(ctx, instance, volume)
        except (exception.InstanceIsLocked, exception.ServiceUnavailable) as exc:
            raise HttpError(409, exc.format_message()) from None
        except exception.InstanceInvalidState as exc:
            raise_http_conflict_for_instance_invalid_state(exc, "detach_volume", server_id)
        except (exception.InvalidVolume, exception.InvalidInput) as exc:
            raise HttpError(400, exc.format_message()) from None
        return Response(202)
