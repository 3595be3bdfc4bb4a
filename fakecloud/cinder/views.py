"""JSON views of Cinder's resources, as ``cinder/api/v3/views/*.py`` and the API extensions
(``os-extended-snapshot-attributes``, ``os-vol-tenant-attr``, ``os-vol-host-attr``,
``volume_image_metadata``) build them, microversion by microversion.

A `ViewContext` carries what a view depends on: the caller, the negotiated microversion and the
URL prefix for links. Timestamps are Cinder's (``2026-01-01T00:00:00.000000``); ``bootable`` is
the string ``"true"``/``"false"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fakecloud.api.microversion import Version
from fakecloud.cinder.models import VISIBLE_ADMIN_METADATA, group_of

# Microversion gates (cinder/api/microversions.py), beside the views they gate.
GROUP_VOLUME = "3.13"
GROUP_SNAPSHOTS = "3.14"
VOLUME_DETAIL_PROVIDER_ID = "3.21"
SNAPSHOT_LIST_USER_ID = "3.41"
VOLUME_SHARED_TARGETS_AND_SERVICE_FIELDS = "3.48"
VOLUME_CLUSTER_NAME = "3.61"
VOLUME_TYPE_ID_IN_VOLUME_DETAIL = "3.63"
ENCRYPTION_KEY_ID_IN_DETAILS = "3.64"
USE_QUOTA = "3.65"
SHARED_TARGETS_TRISTATE = "3.69"
#: ``cinder.common.constants.FIXED_KEY_ID``: the legacy fixed key a view never shows.
FIXED_KEY_ID = "00000000-0000-0000-0000-000000000000"

#: Internal volume statuses the API shows as others (``_get_volume_status``).
SHOWN_STATUS = {
    "managing": "creating",
    "error_managing": "error",
    "error_managing_deleting": "deleting",
}


@dataclass
class ViewContext:
    """The caller, the microversion and the link prefix a view is built for."""

    context: Any
    version: Version
    base_url: str
    url_project: str
    timestamp: Any
    #: The store whose admin metadata a volume's ``metadata`` shows (None: none shown).
    store: Any = None
    #: Who sees an attachment's ``host_name``: ``all``, ``admin`` or ``admin_or_service``
    #: (switch ``cinder_attachment_host_name``).
    host_name_to: str = "admin_or_service"
    #: A volume's ``(shared_targets, service_uuid)`` (`Cinder.volume_targets`).
    targets: Any = None
    #: The API's path, as a link's ``application_url`` ends: ``/v3``, or ``/v2`` for a
    #: request to the legacy v2 API (before Cinder 19.0.0).
    api_root: str = "/v3"

    def shows_host_name(self) -> bool:
        """Whether the caller sees the hosts of a volume's attachments."""
        ctx = self.context
        to = self.host_name_to
        if to == "all" or ctx.is_admin:
            return True
        return to == "admin_or_service" and "service" in ctx.roles

    def links(self, collection: str, resource_id: str) -> list[dict[str, str]]:
        """The ``self`` and ``bookmark`` links of one resource."""
        project = f"{self.url_project}/" if self.url_project else ""
        return [
            {
                "rel": "self",
                "href": f"{self.base_url}{self.api_root}/{project}{collection}/{resource_id}",
            },
            {"rel": "bookmark", "href": f"{self.base_url}/{project}{collection}/{resource_id}"},
        ]


# -- volumes ----------------------------------------------------------------------------------


def volume_summary(vc: ViewContext, volume: Any) -> dict[str, Any]:
    """``GET /volumes``: id, name, links."""
    return {
        "id": volume.id,
        "name": volume.display_name,
        "links": vc.links("volumes", volume.id),
    }


def _metadata(vc: ViewContext, volume: Any) -> dict[str, str]:
    """The volume's metadata with its visible admin metadata (``readonly``, ``attached_mode``)
    over it (``api_utils.add_visible_admin_metadata``)."""
    metadata = dict(volume.metadata)
    if vc.store is not None:
        admin = vc.store.volume_admin_metadata(volume.id)
        for key in VISIBLE_ADMIN_METADATA:
            if key in admin:
                metadata[key] = admin[key]
    return metadata


def volume_detail(vc: ViewContext, volume: Any, extensions: bool = True) -> dict[str, Any]:
    """The volume detail view: the legacy keys and the microversion keys; with `extensions`
    (``GET /volumes/{id}`` and ``/volumes/detail`` only: the contrib controllers extend just
    ``show`` and ``detail``), the extension keys the caller's policy allows. ``POST`` and
    ``PUT /volumes`` answer without them."""
    ctx = vc.context
    v = vc.version
    show_host = bool(volume.attachments) and vc.shows_host_name()
    attachments = [
        {
            "id": volume.id,
            "attachment_id": a.id,
            "volume_id": volume.id,
            "server_id": a.instance_uuid,
            "host_name": a.attached_host if show_host else None,
            "device": a.mountpoint,
            "attached_at": vc.timestamp(a.attach_time),
        }
        for a in volume.attachments
        if a.attach_status == "attached"
    ]
    out: dict[str, Any] = {
        "id": volume.id,
        "status": SHOWN_STATUS.get(volume.status, volume.status),
        "size": volume.size,
        "availability_zone": volume.availability_zone,
        "created_at": vc.timestamp(volume.created_at),
        "updated_at": vc.timestamp(volume.updated_at),
    }
    if vc.host_name_to == "all":
        # Until 8bf454b0b5 (Cinder 17.0.0) the view's literal listed them here; that commit
        # moved them after the literal, to hide the host from non-admins.
        out["attachments"] = attachments
    out |= {
        "name": volume.display_name,
        "description": volume.display_description,
        "volume_type": volume.volume_type.name,
        "snapshot_id": volume.snapshot_id,
        "source_volid": volume.source_volid,
        "metadata": _metadata(vc, volume),
        "links": vc.links("volumes", volume.id),
        "user_id": volume.user_id,
        "bootable": str(volume.bootable).lower(),
        "encrypted": volume.encryption_key_id is not None,
        "replication_status": volume.replication_status,
        "consistencygroup_id": None,
        "multiattach": volume.multiattach,
    }
    out.setdefault("attachments", attachments)  # from Cinder 17.0.0: after the literal
    if ctx.is_admin:
        out["migration_status"] = volume.migration_status
    if v >= GROUP_VOLUME:
        out["group_id"] = group_of(volume)
    if ctx.is_admin and v >= VOLUME_DETAIL_PROVIDER_ID:
        out["provider_id"] = None
    if v >= VOLUME_SHARED_TARGETS_AND_SERVICE_FIELDS:
        out["shared_targets"], out["service_uuid"] = vc.targets(volume)
    if ctx.is_admin and v >= VOLUME_CLUSTER_NAME:
        out["cluster_name"] = None
    if v >= VOLUME_TYPE_ID_IN_VOLUME_DETAIL:
        out["volume_type_id"] = volume.volume_type.id
    key = volume.encryption_key_id
    if v >= ENCRYPTION_KEY_ID_IN_DETAILS and key and key != FIXED_KEY_ID:
        out["encryption_key_id"] = key
    if v >= USE_QUOTA:
        out["consumes_quota"] = volume.use_quota
    if not extensions:
        return out
    # Extensions: tenant attribute (readers of the project, admins), host attribute (admins).
    out["os-vol-tenant-attr:tenant_id"] = volume.project_id
    if ctx.is_admin:
        out["os-vol-host-attr:host"] = volume.host
        out["os-vol-mig-status-attr:migstat"] = volume.migration_status
        out["os-vol-mig-status-attr:name_id"] = getattr(volume, "name_id", None)
    if volume.volume_image_metadata:
        out["volume_image_metadata"] = dict(volume.volume_image_metadata)
    return out


# -- snapshots --------------------------------------------------------------------------------


def snapshot_summary(vc: ViewContext, snap: Any) -> dict[str, Any]:
    """The base view (``GET /snapshots`` items)."""
    return {
        "id": snap.id,
        "created_at": vc.timestamp(snap.created_at),
        "updated_at": vc.timestamp(snap.updated_at),
        "name": snap.display_name,
        "description": snap.display_description,
        "volume_id": snap.volume_id,
        "status": snap.status,
        "size": snap.volume_size,
        "metadata": dict(snap.metadata),
    }


def snapshot_detail(vc: ViewContext, snap: Any, extended: bool = False) -> dict[str, Any]:
    """The v3 detail view (create, update, show, detail list); `extended` adds the
    ``os-extended-snapshot-attributes`` keys (show and detail list only)."""
    out = snapshot_summary(vc, snap)
    v = vc.version
    if v >= GROUP_SNAPSHOTS:
        out["group_snapshot_id"] = snap.group_snapshot_id
    if v >= SNAPSHOT_LIST_USER_ID:
        out["user_id"] = snap.user_id
    if v >= USE_QUOTA:
        out["consumes_quota"] = snap.use_quota
    if extended:
        out["os-extended-snapshot-attributes:progress"] = snap.progress
        out["os-extended-snapshot-attributes:project_id"] = snap.project_id
    return out


# -- attachments ------------------------------------------------------------------------------


def attachment_summary(attachment: Any) -> dict[str, Any]:
    """``GET /attachments`` items."""
    return {
        "id": attachment.id,
        "status": attachment.attach_status,
        "instance": attachment.instance_uuid,
        "volume_id": attachment.volume_id,
    }


def attachment_detail(vc: ViewContext, attachment: Any) -> dict[str, Any]:
    """Create, update, show and the detail list."""
    out = attachment_summary(attachment)
    out.update(
        attached_at=vc.timestamp(attachment.attach_time) or "",
        detached_at=vc.timestamp(attachment.detach_time) or "",
        attach_mode=attachment.attach_mode,
        connection_info=dict(attachment.connection_info or {}),
    )
    return out


# -- types, limits, quotas --------------------------------------------------------------------


#: ``type_extra_specs.USER_VISIBLE_EXTRA_SPECS``: what a non-admin reader sees of the specs.
USER_VISIBLE_EXTRA_SPECS = ("RESKEY:availability_zones", "multiattach", "replication_enabled")


def volume_type(
    vtype: Any,
    *,
    extra_specs: bool,
    sensitive: bool,
    qos: bool,
    access: bool,
    qos_specs_id: str | None = None,
) -> dict[str, Any]:
    """``cinder/api/v3/views/types.py show`` + ``contrib/volume_type_access.py``: the specs
    for readers (all of them only with read_sensitive, else the user-visible ones), the QoS id
    for admins, ``os-volume-type-access:is_public`` for members — each flag a policy answer."""
    out: dict[str, Any] = {
        "id": vtype.id,
        "name": vtype.name,
        "is_public": vtype.is_public,
        "description": vtype.description,
    }
    if extra_specs:
        specs = vtype.specs()
        if not sensitive:
            specs = {k: v for k, v in specs.items() if k in USER_VISIBLE_EXTRA_SPECS}
        out["extra_specs"] = specs
    if qos:
        out["qos_specs_id"] = qos_specs_id
    if access:
        out["os-volume-type-access:is_public"] = vtype.is_public
    return out


#: ``views/limits.py`` and ``contrib/used_limits.py``: absolute key → quota resource.
MAX_KEYS = {
    "maxTotalVolumes": "volumes",
    "maxTotalSnapshots": "snapshots",
    "maxTotalVolumeGigabytes": "gigabytes",
    "maxTotalBackups": "backups",
    "maxTotalBackupGigabytes": "backup_gigabytes",
}
USED_KEYS = {
    "totalVolumesUsed": "volumes",
    "totalGigabytesUsed": "gigabytes",
    "totalSnapshotsUsed": "snapshots",
    "totalBackupsUsed": "backups",
    "totalBackupGigabytesUsed": "backup_gigabytes",
}


def absolute_limits(quotas: Any, project_id: str) -> dict[str, int]:
    """The ``absolute`` dict of ``GET /limits``: limits, and usage counting in_use only."""
    out = {key: quotas.limit(project_id, res) for key, res in MAX_KEYS.items()}
    for key, res in USED_KEYS.items():
        out[key] = quotas.usage(project_id, res).in_use
    return out


#: The resources whose usage `absolute_limits` reads (making a record of each it lacks).
_USED_RESOURCES = frozenset(USED_KEYS.values())


def snapshot_limits(quotas: Any, project_id: str) -> tuple[int, int]:
    """``maxTotalSnapshots`` and ``totalSnapshotsUsed`` of `absolute_limits` (what Nova's
    volume-backed snapshot reads of ``GET /limits``), with the same records made: when the
    project lacks one of the usage records it reads, `absolute_limits` itself (which makes
    them, in its order), else the two values alone."""
    recorded = quotas.recorded(project_id)
    if recorded is None or not recorded.keys() >= _USED_RESOURCES:
        absolute = absolute_limits(quotas, project_id)
        return absolute["maxTotalSnapshots"], absolute["totalSnapshotsUsed"]
    return quotas.limit(project_id, "snapshots"), recorded["snapshots"].in_use
