"""The attachments API of Cinder (3.27+, complete from 3.44): how current Nova attaches volumes.

Mirrors ``volume/api.py`` (``_attachment_reserve``, ``attachment_create``, ``attachment_update``,
``attachment_deletion_allowed``, ``attachment_delete``), the manager's ``attachment_update``
(``db.volume_attached(mark_attached=False)``) and ``api/v3/attachments.py complete``:

- create: the volume must not be in an ``error*`` status (from Cinder 12.0.7, 13.0.5, 14.0.0:
  switch ``lp1805762``); it goes ``available``/``downloading``
  → ``reserved`` (``in-use`` too when multiattach; the same instance may re-reserve); the row
  starts ``reserved``. With a connector, the update below happens in the same call.
- update (a connector): attachment and volume become ``attaching``; ``connection_info`` is set.
- complete: attachment ``attached``, volume ``in-use``/``attached``.
- delete: the row goes and the volume's status is recomputed from the attachments left.

A delete of an attachment that connects a server (``attachment_delete``, ``os-detach``,
``os-terminate_connection``) is refused with 409 when Nova still uses it, unless the request
carries a service token with the ``service`` role (``X-Service-Token``, as Nova sends one with
``[service_user] send_service_user_token``): bug #2004555, Cinder 23.0.0 and the May 2023
point releases (`DELETION_CHECK`). The caller's own ``service`` role counts for nothing here, as
in Cinder (``is_service_request`` reads ``ctxt.service_roles``). Cinder asks the cloud's Nova
(`fakecloud.cinder.compute.get_server_volume`); a test may put its own answer in
`Cinder.server_volume_attachment`: ``(context, server_id, volume_id) -> Nova's attachment id
or None``. A cloud without Nova does not know the server, and the delete is allowed, as
Cinder does on Nova's 404.
"""

from __future__ import annotations

from dataclasses import fields
from operator import attrgetter
from typing import Any

from fakecloud.cinder import compute, connection, exception, list_query, messages
from fakecloud.cinder.api_part import ApiPart
from fakecloud.cinder.connection import check_connector
from fakecloud.cinder.models import Volume, VolumeAttachment
from fakecloud.cinder.paging import newest_first_key
from fakecloud.cinder.states import (
    ATTACHMENT_STATUS,
    VOLUME_ATTACH_STATUS_FORCED,
    VOLUME_STATUS,
    VOLUME_STATUS_FORCED,
)
from fakecloud.cinder.volumes import build_or_str, finish_detach, new_attachment
from fakecloud.identity.context import is_service_request
from fakecloud.profiles.provenance import Backport, Change

ACTOR = "cinder-api"
#: The first Cinder whose ``_attachment_reserve`` lets the same server's attachment override
#: only an ``in-use``/``reserved`` volume and names the current status in its refusal
#: (6eba403ba, "Create volume attachments status check", 14.0.0).
RESERVE_STATUS_CHECK_SINCE = 14
#: 6df1839bd "Reject unsafe delete attachment calls" (bug #2004555, CVE-2023-2088: Cinder 23.0.0,
#: the series of Nova 28.0.0): ``attachment_deletion_allowed`` refuses a delete of an attachment
#: Nova still uses unless the request is a service's (`is_service_request`). Its backports
#: a66f4afa2 (Cinder 20.3.0, tagged 2023-05-10), cb4682fb8 (21.3.0, 2023-05-11) and dd6010a9f
#: (22.1.0, 2023-05-11) came with the Nova point releases of the same security release, tagged
#: days later (25.2.0, 26.2.0, 27.1.0), which also send Nova's service token with an anonymous
#: admin context (41c64b94b0); the Xena backport (68fdc3233) is in no Cinder release. Before,
#: ``attachment_delete``, ``os-detach`` and ``os-terminate_connection`` let anyone through.
DELETION_CHECK = Change(
    "28.0.0",
    "6df1839bd",
    "Reject unsafe delete attachment calls",
    backports=(
        Backport("25.2.0", "a66f4afa2"),
        Backport("26.2.0", "cb4682fb8"),
        Backport("27.1.0", "dd6010a9f"),
    ),
)
#: The first Cinder (13.0.0, 9337f396a "Add ability to specify mode to attachment-create")
#: whose ``attachment_create`` saves an attach mode (``null`` unless given) and whose manager
#: takes the row's mode over the connector's. Queens saves none: the row keeps the manager's.
ATTACH_MODE_SINCE = 13
#: ``getattr(models.VolumeAttachment, key)`` finds the columns and the ``volume`` relationship.
_ATTACHMENT_ATTRIBUTES = list_query.ATTACHMENT_COLUMNS | {"volume"}

#: An attachment's field values in its constructor's order: ``VolumeAttachment(*these)`` is
#: ``dataclasses.replace(attachment)`` (every field is an init field) without its walk of the
#: fields in Python (some 500 bytecodes an update).
_FIELD_VALUES = attrgetter(*(f.name for f in fields(VolumeAttachment)))


class AttachmentAPI(ApiPart):
    """Attachment requests, as ``cinder.volume.api.API`` and the attachments controller
    handle them."""

    def get(self, context: Any, attachment_id: str) -> VolumeAttachment:
        """An attachment of the caller's project (404 otherwise)."""
        attachment = self.store.attachments.get(attachment_id)
        if attachment is None or not (
            context.is_admin or attachment.project_id == context.project_id
        ):
            raise exception.VolumeAttachmentNotFound(filter=f"attachment_id = {attachment_id}")
        return attachment

    def list(self, context: Any, filters: Any) -> list[VolumeAttachment] | None:
        """The attachments controller's ``_items`` after its filtering, and the database's
        ``volume_attachment_get_all[_by_project]``: newest first, or None when the filters
        build no query (the list is then empty).

        An admin's ``all_tenants`` of any value lists every project (12.0.10 to 29.0.0);
        else the project is the *volume's* (``_process_attachment_filters`` joins it).
        ``is_valid_model_filters`` wants every key (``~`` aside) an attribute of the model:
        there is no ``status`` column, so ``status`` (which ``allowed_filters`` and
        ``resource_filters.json`` let through, and cinderclient's ``attachment-list
        --status`` sends) lists nothing; ``attach_status`` is the column. Values are
        compared as given (no ``literal_eval``); ``key~`` is a ``LIKE``."""
        every = context.is_admin and "all_tenants" in filters
        if every:
            del filters["all_tenants"]
        query = dict(filters.items())
        if any(k.rstrip("~") not in _ATTACHMENT_ATTRIBUTES for k in query if k != "project_id"):
            return None
        volumes = self.store.volumes

        def project_of(att: VolumeAttachment) -> str:
            volume = volumes.get(att.volume_id)
            return volume.project_id if volume is not None else att.project_id

        if not every:
            query["project_id"] = context.project_id
        special = {"project_id": (lambda _v: True, lambda att, v: project_of(att) == v)}
        rows = list_query.select(
            self.store.attachments.values(), query, list_query.ATTACHMENT_COLUMNS, special
        )
        if rows is not None:
            rows.sort(key=newest_first_key(self.kernel.clock), reverse=True)
        return rows

    def create(
        self,
        context: Any,
        volume: Volume,
        instance_uuid: str | None,
        connector: dict[str, Any] | None = None,
        attach_mode: str = "null",
    ) -> VolumeAttachment:
        """Reserve the volume for `instance_uuid`; with a `connector`, also connect it."""
        k = self.kernel
        self._authorize(context, "volume:attachment_create", volume.project_id, volume.user_id)
        switches = k.switches
        if "error" in volume.status and not switches.lp1805762:
            raise exception.InvalidVolume(
                reason="Volume attachments can not be created if the volume is in an error "
                f"state. The Volume {volume.id} currently has a status of: {volume.status} "
            )
        expected = (
            ("available", "in-use", "downloading")
            if volume.multiattach
            else ("available", "downloading")
        )
        if volume.status in expected:
            VOLUME_STATUS.move(k, volume, "reserved", actor=ACTOR)
        else:
            # Before 6eba403ba (Cinder 14.0.0) the same server's attachment allowed a new
            # reservation whatever the status, and the refusal named no status.
            checked = switches.series.cinder >= RESERVE_STATUS_CHECK_SINCE
            if switches.lp1785050:
                # Cinder 12.0.0-12.0.3: an attachment of another server refuses, and a volume
                # with none at all is reserved in any status (the status left as it is).
                override = instance_uuid and all(
                    a.instance_uuid == instance_uuid for a in volume.attachments
                )
            else:
                override = (
                    instance_uuid
                    and (not checked or volume.status in ("in-use", "reserved"))
                    and any(a.instance_uuid == instance_uuid for a in volume.attachments)
                )
            if not override:
                statuses = build_or_str(expected)
                reason = f"Volume {volume.id} status must be {statuses}"
                if checked:
                    reason += f" to reserve, but the current status is {volume.status}."
                raise exception.InvalidVolume(reason=reason)
        attachment = answer = new_attachment(self.cinder, volume, instance_uuid, "reserved")
        saves_mode = self.kernel.switches.series.cinder >= ATTACH_MODE_SINCE
        if not saves_mode:
            attachment.attach_mode = None  # the column's default, NULL
        if connector:
            # The API answers the row it reserved, saved with the connection info and mode
            # only (12.0.10-29.0.0 ``API.attachment_create``): ``reserved``, no time, even as
            # the manager's update makes the row ``attaching``.
            answer = VolumeAttachment(*_FIELD_VALUES(attachment))
            attachment.connection_info = self._connect(context, volume, attachment, connector)
            answer.connection_info = attachment.connection_info
        # "Use of admin_metadata for RO settings is deprecated": any readonly row, even
        # "False" (a non-empty string), makes the attachment read-only (cinder 29.0.0).
        if self.store.volume_admin_metadata(volume.id).get("readonly"):
            attachment.attach_mode = answer.attach_mode = "ro"
        elif saves_mode:
            attachment.attach_mode = answer.attach_mode = attach_mode
        return answer

    def update(
        self, context: Any, attachment: VolumeAttachment, connector: dict[str, Any]
    ) -> VolumeAttachment:
        """Give a reserved attachment its connector: both become ``attaching``; the answer is
        the attachment as it was, with its connection info."""
        self._authorize(context, "volume:attachment_update", attachment.project_id)
        volume = self.store.volumes[attachment.volume_id]
        if "error" in volume.status and not self.kernel.switches.lp1805762:
            raise exception.ResourceConflict(
                reason="Volume attachments can not be updated if the volume is in an error "
                f"state. The Volume {volume.id} currently has a status of: {volume.status} "
            )
        if len(volume.attachments) > 1 and not volume.multiattach:
            # ``a.connector['host']``: a connected row without one is a KeyError (TypeError).
            connected = [a.connector for a in volume.attachments if a.connection_info]
            if any(not c or "host" not in c for c in connected):
                raise exception.Unexpected("duplicate connector check")
            if connected:
                raise exception.ResourceConflict(
                    reason=f"duplicate connectors detected on volume {volume.id}"
                )
        # The API answers its own object, read before the manager's update and saved with the
        # connection info only (12.0.10-29.0.0 ``API.attachment_update``): the reserved row's
        # status, mode and times, which Nova keeps in the mapping's connection_info.
        answer = VolumeAttachment(*_FIELD_VALUES(attachment))  # `dataclasses.replace`, unchanged
        attachment.connection_info = self._connect(context, volume, attachment, connector)
        answer.connection_info = attachment.connection_info
        return answer

    def _connect(
        self, context: Any, volume: Volume, attachment: VolumeAttachment, connector: Any
    ) -> dict[str, Any]:
        """The volume manager's ``attachment_update``: validate the connector (400 without what
        the driver's target needs), export, connect (`connection.flatten`), mark attaching.
        Queens also writes the connector's mode as the volume's ``attached_mode`` admin
        metadata, then refuses a mode other than ``ro`` for a volume flagged read-only: the
        attachment ``error_attaching``, a user message, ``InvalidVolumeAttachMode``."""
        k = self.kernel
        connector = dict(connector)
        driver = self.cinder.drivers[volume.backend] if volume.backend else None
        needs = driver.connector_needs if driver is not None else None
        check_connector(needs, connector)  # _connection_create's InvalidConnectorException
        mode = connector.get("mode", "rw")
        queens = k.switches.series.cinder < ATTACH_MODE_SINCE
        if not queens and attachment.attach_mode != "null":
            mode = connector["mode"] = attachment.attach_mode
        info = connection.flatten(self.cinder, volume, connector, context, attachment.id)
        attachment.connector = connector
        if queens:
            admin = self.store.admin_metadata_update(volume.id, {"attached_mode": mode})
            if attachment.attach_mode == "ro":
                mode = "ro"
            if admin.get("readonly") == "True" and mode != "ro":
                error = exception.InvalidVolumeAttachMode(mode=mode, volume_id=volume.id)
                messages.record(
                    self.cinder,
                    messages.UPDATE_ATTACHMENT,
                    context.project_id,
                    volume.id,
                    exc=error,
                )
                move = ATTACHMENT_STATUS.move
                move(k, attachment, "attaching", actor=ACTOR, field="attach_status")
                move(k, attachment, "error_attaching", actor=ACTOR, field="attach_status")
                raise error
        attachment.mountpoint = connector.get("mountpoint", "na")
        attachment.attached_host = connector.get("host", "")
        attachment.attach_mode = mode
        attachment.attach_time = k.now
        ATTACHMENT_STATUS.move(k, attachment, "attaching", actor=ACTOR, field="attach_status")
        VOLUME_STATUS_FORCED.move(k, volume, "attaching", actor=ACTOR)
        VOLUME_ATTACH_STATUS_FORCED.move(k, volume, "attaching", actor=ACTOR, field="attach_status")
        return info

    def complete(self, context: Any, attachment: VolumeAttachment) -> None:
        """os-complete: the attachment is ``attached``, the volume ``in-use``."""
        k = self.kernel
        volume = self.cinder.volume_api.get(context, attachment.volume_id)
        self._authorize(context, "volume:attachment_complete", attachment.project_id)
        ATTACHMENT_STATUS.move(k, attachment, "attached", actor=ACTOR, field="attach_status")
        VOLUME_STATUS_FORCED.move(k, volume, "in-use", actor=ACTOR)
        VOLUME_ATTACH_STATUS_FORCED.move(k, volume, "attached", actor=ACTOR, field="attach_status")

    def delete(self, context: Any, attachment: VolumeAttachment) -> list[VolumeAttachment]:
        """Remove an attachment; returns the volume's attachments left."""
        self._authorize(context, "volume:attachment_delete", attachment.project_id)
        self.deletion_allowed(context, attachment)
        volume = self.store.volumes[attachment.volume_id]
        finish_detach(self.cinder, volume, attachment)
        return list(volume.attachments)

    def deletion_allowed(
        self, context: Any, attachment_or_id: Any, volume: Volume | None = None
    ) -> None:
        """Refuse (409) a delete of an attachment Nova still uses unless a service token with
        the ``service`` role came with the request (bug #2004555, `DELETION_CHECK`): the
        caller's own ``service`` role does not make it a service's."""
        if is_service_request(context) or not DELETION_CHECK.reaches(self.kernel.switches.release):
            return
        if not attachment_or_id and volume is not None:
            if not volume.attachments:
                return
            if len(volume.attachments) == 1:
                attachment_or_id = volume.attachments[0]
        if isinstance(attachment_or_id, str):
            attachment = self.store.attachments.get(attachment_or_id)
        else:
            attachment = attachment_or_id
        if attachment is not None:
            if volume is not None and volume.id != attachment.volume_id:
                raise exception.InvalidInput(reason="Mismatched volume and attachment")
            server_id = attachment.instance_uuid
            if not server_id or not attachment.connection_info:
                return
            lookup = self.cinder.server_volume_attachment
            if lookup is None:
                nova_attachment_id = compute.get_server_volume(
                    self.kernel, context, server_id, attachment.volume_id
                )
            else:
                nova_attachment_id = lookup(context, server_id, attachment.volume_id)
            if nova_attachment_id is None or nova_attachment_id != attachment.id:
                return
        else:
            server_id = ""
        raise exception.ConflictNovaUsingAttachment(instance_id=server_id)
