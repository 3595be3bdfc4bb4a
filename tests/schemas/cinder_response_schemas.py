"""Cinder 29.0.0 volume and snapshot response schemas, per microversion, for the shape tests.

Cinder ships request schemas only, so these are written from its view builders:
``cinder/api/v3/views/volumes.py`` (``summary``, ``legacy_detail``, ``detail``),
``cinder/api/views/snapshots.py`` + ``cinder/api/v3/views/snapshots.py``, the contrib
extensions that extend show/detail (``volume_tenant_attribute``, ``volume_host_attribute``,
``volume_mig_status_attribute``, ``volume_image_metadata``, ``extended_snapshot_attributes``),
the microversion constants of ``cinder/api/microversions.py`` and the fault body of
``cinder/api/openstack/wsgi.py Fault`` (spec cinder-glance.md A1.2, A2.3, A2.6).

`volume_detail(version)` / `snapshot_detail(version)` give the schema a request at `version`
must match: keys added by a microversion are required from it on and forbidden before it;
keys only an admin sees (or only some volumes have) are optional.
"""

from __future__ import annotations

import copy
from typing import Any

#: cinder/api/microversions.py
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

#: Every microversion where a volume or snapshot body changes, plus both ends.
BOUNDARIES = (
    "3.0",
    "3.12",
    GROUP_VOLUME,
    GROUP_SNAPSHOTS,
    "3.20",
    VOLUME_DETAIL_PROVIDER_ID,
    "3.40",
    SNAPSHOT_LIST_USER_ID,
    "3.47",
    VOLUME_SHARED_TARGETS_AND_SERVICE_FIELDS,
    "3.60",
    VOLUME_CLUSTER_NAME,
    "3.62",
    VOLUME_TYPE_ID_IN_VOLUME_DETAIL,
    ENCRYPTION_KEY_ID_IN_DETAILS,
    USE_QUOTA,
    "3.68",
    SHARED_TARGETS_TRISTATE,
    "3.71",
)

_uuid = {"type": "string", "format": "uuid"}
_uuid_or_null = {"type": ["string", "null"], "format": "uuid"}
_datetime = {"type": "string", "format": "date-time"}
_datetime_or_null = {"type": ["string", "null"], "format": "date-time"}
_string_or_null = {"type": ["string", "null"]}
_metadata = {"type": "object", "additionalProperties": {"type": "string"}}

_links = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "rel": {"enum": ["self", "bookmark"]},
            "href": {"type": "string", "format": "uri"},
        },
        "required": ["rel", "href"],
        "additionalProperties": False,
    },
}

_collection_links = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"rel": {"const": "next"}, "href": {"type": "string", "format": "uri"}},
        "required": ["rel", "href"],
        "additionalProperties": False,
    },
}

#: cinder/objects/fields.py VolumeStatus
VOLUME_STATUSES = [
    "creating", "available", "deleting", "error", "error_deleting", "error_managing",
    "managing", "attaching", "in-use", "detaching", "maintenance", "restoring-backup",
    "error_restoring", "reserved", "awaiting-transfer", "backing-up", "error_backing-up",
    "error_extending", "downloading", "uploading", "retyping", "extending", "reverting",
]  # fmt: skip

#: cinder/objects/fields.py SnapshotStatus
SNAPSHOT_STATUSES = [
    "error", "available", "creating", "deleting", "deleted", "updating", "error_deleting",
    "unmanaging", "backing-up", "restoring",
]  # fmt: skip

_attachment = {
    "type": "object",
    "properties": {
        "id": _uuid,
        "attachment_id": _uuid,
        "volume_id": _uuid,
        "server_id": _uuid_or_null,
        "host_name": _string_or_null,
        "device": _string_or_null,
        "attached_at": _datetime_or_null,
    },
    "required": [
        "id", "attachment_id", "volume_id", "server_id", "host_name", "device", "attached_at",
    ],
    "additionalProperties": False,
}  # fmt: skip

#: ``legacy_detail`` + the contrib extensions: (key, schema, required).
_VOLUME_BASE = [
    ("id", _uuid, True),
    ("status", {"enum": VOLUME_STATUSES}, True),
    ("size", {"type": "integer", "minimum": 0}, True),
    ("availability_zone", _string_or_null, True),
    ("created_at", _datetime, True),
    ("updated_at", _datetime_or_null, True),
    ("name", _string_or_null, True),
    ("description", _string_or_null, True),
    ("volume_type", _string_or_null, True),
    ("snapshot_id", _uuid_or_null, True),
    ("source_volid", _uuid_or_null, True),
    ("metadata", _metadata, True),
    ("links", _links, True),
    ("user_id", {"type": "string"}, True),
    ("bootable", {"enum": ["true", "false"]}, True),
    ("encrypted", {"type": "boolean"}, True),
    ("replication_status", _string_or_null, True),
    ("consistencygroup_id", _uuid_or_null, True),
    ("multiattach", {"type": "boolean"}, True),
    ("attachments", {"type": "array", "items": _attachment}, True),
    ("migration_status", _string_or_null, False),  # admin only
    ("os-vol-tenant-attr:tenant_id", {"type": "string"}, False),  # policy-gated
    ("os-vol-host-attr:host", _string_or_null, False),  # admin only
    ("os-vol-mig-status-attr:migstat", _string_or_null, False),  # admin only
    ("os-vol-mig-status-attr:name_id", _uuid_or_null, False),  # admin only
    ("volume_image_metadata", _metadata, False),  # volumes made from an image
]

#: ``detail`` additions: (min version, max version, key, schema, required).
_VOLUME_ADDED = [
    (GROUP_VOLUME, None, "group_id", _uuid_or_null, True),
    (VOLUME_DETAIL_PROVIDER_ID, None, "provider_id", _string_or_null, False),  # admin only
    (
        VOLUME_SHARED_TARGETS_AND_SERVICE_FIELDS,
        "3.68",
        "shared_targets",
        {"type": "boolean"},
        True,
    ),
    (SHARED_TARGETS_TRISTATE, None, "shared_targets", {"type": ["boolean", "null"]}, True),
    (VOLUME_SHARED_TARGETS_AND_SERVICE_FIELDS, None, "service_uuid", _uuid_or_null, True),
    (VOLUME_CLUSTER_NAME, None, "cluster_name", _string_or_null, False),  # admin only
    (VOLUME_TYPE_ID_IN_VOLUME_DETAIL, None, "volume_type_id", _uuid_or_null, True),
    # Only when the volume has a real (not the fixed) key.
    (ENCRYPTION_KEY_ID_IN_DETAILS, None, "encryption_key_id", _uuid, False),
    (USE_QUOTA, None, "consumes_quota", {"type": "boolean"}, True),
]

_SNAPSHOT_BASE = [
    ("id", _uuid, True),
    ("created_at", _datetime, True),
    ("updated_at", _datetime_or_null, True),
    ("name", _string_or_null, True),
    ("description", _string_or_null, True),
    ("volume_id", _uuid, True),
    ("status", {"enum": SNAPSHOT_STATUSES}, True),
    ("size", {"type": "integer", "minimum": 0}, True),
    ("metadata", _metadata, True),
]

_SNAPSHOT_ADDED = [
    (GROUP_SNAPSHOTS, None, "group_snapshot_id", _uuid_or_null, True),
    (SNAPSHOT_LIST_USER_ID, None, "user_id", {"type": "string"}, True),
    (USE_QUOTA, None, "consumes_quota", {"type": "boolean"}, True),
]

#: ``extended_snapshot_attributes``: show and detail list only, never create.
_SNAPSHOT_EXTENDED = [
    (
        "os-extended-snapshot-attributes:progress",
        {"type": "string", "pattern": "^[0-9]{1,3}%$"},
        True,
    ),
    ("os-extended-snapshot-attributes:project_id", {"type": "string"}, True),
]


def _v(version: str) -> tuple[int, int]:
    major, minor = version.split(".")
    return int(major), int(minor)


def _object(fields: list[tuple[str, dict, bool]]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {key: copy.deepcopy(schema) for key, schema, _ in fields},
        "required": sorted({key for key, _, required in fields if required}),
        "additionalProperties": False,
    }


def _at(version: str, added: list) -> list[tuple[str, dict, bool]]:
    v = _v(version)
    return [
        (key, schema, required)
        for low, high, key, schema, required in added
        if _v(low) <= v and (high is None or v <= _v(high))
    ]


#: The keys the contrib controllers add to show and the detail list only (never to create or
#: update answers).
EXTENSION_KEYS = (
    "os-vol-tenant-attr:tenant_id",
    "os-vol-host-attr:host",
    "os-vol-mig-status-attr:migstat",
    "os-vol-mig-status-attr:name_id",
    "volume_image_metadata",
)


def volume_detail(version: str, extensions: bool = True) -> dict[str, Any]:
    """One volume of show and the detail list at `version`; without `extensions`, of the
    create and update answers (the bare ``detail`` view)."""
    base = [f for f in _VOLUME_BASE if extensions or f[0] not in EXTENSION_KEYS]
    return _object(base + _at(version, _VOLUME_ADDED))


def volume_summary() -> dict[str, Any]:
    """One volume of the plain list (``summary``): id, name, links."""
    return _object([("id", _uuid, True), ("name", _string_or_null, True), ("links", _links, True)])


def snapshot_detail(version: str, extended: bool = True) -> dict[str, Any]:
    """One snapshot of show/detail list (`extended`), or of create (v3 ``detail``)."""
    fields = _SNAPSHOT_BASE + _at(version, _SNAPSHOT_ADDED)
    if extended:
        fields = fields + _SNAPSHOT_EXTENDED
    return _object(fields)


def snapshot_summary() -> dict[str, Any]:
    """One snapshot of the plain list (``summary``, which v3 does not extend)."""
    return _object(_SNAPSHOT_BASE)


def one(name: str, item: dict[str, Any]) -> dict[str, Any]:
    """``{name: item}``."""
    return {
        "type": "object",
        "properties": {name: item},
        "required": [name],
        "additionalProperties": False,
    }


def collection(name: str, item: dict[str, Any]) -> dict[str, Any]:
    """``{name: [item], name_links?: [...], count?: n}`` (``_list_view``)."""
    return {
        "type": "object",
        "properties": {
            name: {"type": "array", "items": item},
            f"{name}_links": _collection_links,
            "count": {"type": "integer", "minimum": 0},
        },
        "required": [name],
        "additionalProperties": False,
    }


#: cinder/api/openstack/wsgi.py Fault: ``{"<faultName>": {"code", "message"}}``.
FAULT = {
    "type": "object",
    "minProperties": 1,
    "maxProperties": 1,
    "patternProperties": {
        "^(badRequest|unauthorized|forbidden|itemNotFound|badMethod|conflictingRequest"
        "|overLimit|badMediaType|notImplemented|serviceUnavailable|computeFault)$": {
            "type": "object",
            "properties": {
                "code": {"type": "integer"},
                "message": {"type": "string"},
                "retryAfter": {"type": "string"},
            },
            "required": ["code", "message"],
            "additionalProperties": False,
        }
    },
    "additionalProperties": False,
}


# -- the other routes: attachments, types, limits, quotas, zones, snapshot metadata ----------

_empty_or_datetime = {"anyOf": [{"const": ""}, _datetime]}

#: cinder/api/v3/views/attachments.py ``summary`` and ``detail`` (``_normalize``: "" for None).
ATTACHMENT_SUMMARY = _object(
    [
        ("id", _uuid, True),
        ("status", {"type": ["string", "null"]}, True),
        ("instance", _uuid_or_null, True),
        ("volume_id", _uuid, True),
    ]
)
ATTACHMENT_DETAIL = _object(
    [
        ("id", _uuid, True),
        ("status", {"type": ["string", "null"]}, True),
        ("instance", _uuid_or_null, True),
        ("volume_id", _uuid, True),
        ("attached_at", _empty_or_datetime, True),
        ("detached_at", _empty_or_datetime, True),
        ("attach_mode", {"type": ["string", "null"]}, True),
        ("connection_info", {"type": ["object", "null"]}, True),
    ]
)


def volume_type(admin: bool, specs: bool = True) -> dict[str, Any]:
    """cinder/api/v3/views/types.py ``show`` + contrib/volume_type_access.py, for a project
    member or an admin: ``extra_specs`` (EXTRA_SPEC_POLICY, readers; only the user-visible
    specs unless read_sensitive: admins; admins only before Cinder 19: `specs` False),
    ``qos_specs_id`` for admins (QOS_POLICY), ``os-volume-type-access:is_public``
    (TYPE_ACCESS_POLICY, members and admins)."""
    fields = [
        ("id", _uuid, True),
        ("name", {"type": "string"}, True),
        ("is_public", {"type": "boolean"}, True),
        ("description", _string_or_null, True),
        *([("extra_specs", _metadata, True)] if specs else []),
        ("os-volume-type-access:is_public", {"type": "boolean"}, True),
    ]
    if admin:
        fields.append(("qos_specs_id", _uuid_or_null, True))
    return _object(fields)


def managed_volume_type(create: bool) -> dict[str, Any]:
    """contrib/types_manage.py ``_create``/``_update``: cinder/api/views/types.py (every spec,
    no ``qos_specs_id``), ``os-volume-type-access:is_public`` on a create only."""
    fields = [
        ("id", _uuid, True),
        ("name", {"type": "string"}, True),
        ("is_public", {"type": "boolean"}, True),
        ("description", _string_or_null, True),
        ("extra_specs", _metadata, True),
    ]
    if create:
        fields.append(("os-volume-type-access:is_public", {"type": "boolean"}, True))
    return _object(fields)


#: contrib/types_extra_specs.py: ``index`` and ``create`` (the body as sent, values strings).
EXTRA_SPECS = one("extra_specs", _metadata)
#: contrib/volume_type_access.py ``_marshall_volume_type_access``.
TYPE_ACCESS = one(
    "volume_type_access",
    {
        "type": "array",
        "items": _object(
            [("volume_type_id", _uuid, True), ("project_id", {"type": "string"}, True)]
        ),
    },
)

#: api/v3/services.py ``index`` (+ os-extended-services): every row's fields; ``cluster`` from
#: 3.7, a cinder-volume row's ``backend_state`` (3.49) and replication fields.
SERVICE = {
    "type": "object",
    "properties": {
        "binary": {"enum": ["cinder-scheduler", "cinder-volume", "cinder-backup"]},
        "host": {"type": "string"},
        "zone": {"type": "string"},
        "status": {"enum": ["enabled", "disabled"]},
        "state": {"enum": ["up", "down"]},
        "updated_at": _string_or_null,
        "cluster": _string_or_null,
        "backend_state": {"enum": ["up", "down", None]},
        "disabled_reason": _string_or_null,
        "replication_status": {"type": "string"},
        "active_backend_id": _string_or_null,
        "frozen": {"type": "boolean"},
    },
    "required": ["binary", "host", "zone", "status", "state", "updated_at", "disabled_reason"],
    "additionalProperties": False,
}

#: ``update`` (12.0.10-27.x) / ``enable``, ``disable``, ``disable_log_reason`` (28.0.0 on).
SERVICE_UPDATED = {
    "type": "object",
    "properties": {
        "host": {"type": "string"},
        "service": {"type": "string"},
        "binary": {"type": "string"},
        "status": {"enum": ["enabled", "disabled"]},
        "disabled": {"type": "boolean"},
        "disabled_reason": _string_or_null,
    },
    "required": ["host", "service", "binary", "status", "disabled"],
    "additionalProperties": False,
}

#: USER_VISIBLE_EXTRA_SPECS (cinder/policies/type_extra_specs.py): all a non-admin may see.
USER_VISIBLE_EXTRA_SPECS = ("RESKEY:availability_zones", "multiattach", "replication_enabled")

_int = {"type": "integer"}

#: cinder/api/views/limits.py ``build`` + contrib/used_limits.py.
LIMITS = one(
    "limits",
    {
        "type": "object",
        "properties": {
            "rate": {"type": "array", "maxItems": 0},
            "absolute": _object(
                [
                    (key, _int, True)
                    for key in (
                        "maxTotalVolumeGigabytes",
                        "maxTotalBackupGigabytes",
                        "maxTotalVolumes",
                        "maxTotalSnapshots",
                        "maxTotalBackups",
                        "totalVolumesUsed",
                        "totalGigabytesUsed",
                        "totalSnapshotsUsed",
                        "totalBackupsUsed",
                        "totalBackupGigabytesUsed",
                    )
                ]
            ),
        },
        "required": ["rate", "absolute"],
        "additionalProperties": False,
    },
)

#: contrib/quotas.py ``_format_quota_set``: the resources (and per-type ones) and ``id``.
_QUOTA_KEYS = ("volumes", "snapshots", "gigabytes", "backups", "backup_gigabytes", "groups")
_usage = _object([("in_use", _int, True), ("limit", _int, True), ("reserved", _int, True)])
QUOTA_SET = one(
    "quota_set",
    {
        "type": "object",
        "properties": {"id": {"type": "string"}, "per_volume_gigabytes": _int}
        | {key: _int for key in _QUOTA_KEYS},
        "patternProperties": {"^(volumes|snapshots|gigabytes)_.+$": _int},
        "required": ["id", *_QUOTA_KEYS, "per_volume_gigabytes"],
        "additionalProperties": False,
    },
)
QUOTA_SET_USAGE = one(
    "quota_set",
    {
        "type": "object",
        "properties": {"id": {"type": "string"}, "per_volume_gigabytes": _usage}
        | {key: _usage for key in _QUOTA_KEYS},
        "patternProperties": {"^(volumes|snapshots|gigabytes)_.+$": _usage},
        "required": ["id", *_QUOTA_KEYS, "per_volume_gigabytes"],
        "additionalProperties": False,
    },
)
#: ``update`` answers ``{"quota_set": <the limits>}`` without ``id``.
QUOTA_SET_UPDATED = one(
    "quota_set",
    {
        "type": "object",
        "properties": {"per_volume_gigabytes": _int} | {key: _int for key in _QUOTA_KEYS},
        "patternProperties": {"^(volumes|snapshots|gigabytes)_.+$": _int},
        "required": [*_QUOTA_KEYS, "per_volume_gigabytes"],
        "additionalProperties": False,
    },
)
#: ``os-quota-class-sets``: the same sets under ``quota_class_set`` (``show`` with ``id``).
QUOTA_CLASS_SET = one("quota_class_set", QUOTA_SET["properties"]["quota_set"])
QUOTA_CLASS_SET_UPDATED = one("quota_class_set", QUOTA_SET_UPDATED["properties"]["quota_set"])

#: cinder/api/views/availability_zones.py ``list``.
AVAILABILITY_ZONES = one(
    "availabilityZoneInfo",
    {
        "type": "array",
        "items": _object(
            [
                ("zoneName", {"type": "string"}, True),
                ("zoneState", _object([("available", {"type": "boolean"}, True)]), True),
            ]
        ),
    },
)

#: cinder/api/v3/snapshot_metadata.py: ``{"metadata": {...}}`` and ``{"meta": {k: v}}``.
METADATA = one("metadata", _metadata)
META = one("meta", {**_metadata, "minProperties": 1, "maxProperties": 1})

#: cinder/api/v3/views/volumes.py ``quick_summary``: 3.12, and from 3.36 with ``metadata``.
_SUMMARY = [("total_count", {"type": "integer"}, True), ("total_size", {"type": "integer"}, True)]
SUMMARY = one("volume-summary", _object(_SUMMARY))
SUMMARY_METADATA = one(
    "volume-summary",
    _object(
        [
            *_SUMMARY,
            (
                "metadata",
                {"type": "object", "additionalProperties": {"type": "array",
                 "items": {"type": "string"}}},
                True,
            ),
        ]
    ),
)  # fmt: skip

#: cinder/api/versions.py: the v3 version object, listed (``GET /``, 300) or alone (``/v3/``).
_VERSION = _object(
    [
        ("id", {"const": "v3.0"}, True),
        ("status", {"const": "CURRENT"}, True),
        ("version", {"type": "string", "pattern": r"^3\.\d+$"}, True),
        ("min_version", {"const": "3.0"}, True),
        ("updated", _datetime, True),
        (
            "links",
            {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["rel", "href"],
                    "properties": {
                        "rel": {"enum": ["describedby", "self"]},
                        "href": {"type": "string", "format": "uri"},
                        "type": {"const": "text/html"},
                    },
                    "additionalProperties": False,
                },
            },
            True,
        ),
        (
            "media-types",
            {
                "type": "array",
                "items": _object(
                    [("base", {"type": "string"}, True), ("type", {"type": "string"}, True)]
                ),
            },
            True,
        ),
    ]
)
#: The deprecated v2.0 entry Cinder listed until 18.x (cinder/api/versions.py _KNOWN_VERSIONS).
_VERSION_V2 = copy.deepcopy(_VERSION)
_VERSION_V2["properties"].update(
    {
        "id": {"const": "v2.0"},
        "status": {"const": "DEPRECATED"},
        "version": {"const": ""},
        "min_version": {"const": ""},
    }
)
VERSIONS = one(
    "versions", {"type": "array", "items": {"anyOf": [_VERSION, _VERSION_V2]}, "minItems": 1}
)


# -- backups (cinder/api/views/backups.py, api/v3/views/backups.py, api/v3/backups.py) ------

BACKUP_STATUSES = ["error", "error_deleting", "creating", "available", "deleting", "restoring"]
_BACKUP_BASE = [
    ("id", _uuid, True),
    ("status", {"enum": BACKUP_STATUSES}, True),
    ("size", {"type": ["integer", "null"]}, True),
    ("object_count", {"type": ["integer", "null"]}, True),
    ("availability_zone", _string_or_null, True),
    ("container", _string_or_null, True),
    ("created_at", _datetime, True),
    ("updated_at", _datetime_or_null, True),
    ("name", _string_or_null, True),
    ("description", _string_or_null, True),
    ("fail_reason", _string_or_null, True),
    ("volume_id", _uuid, True),
    ("links", _links, True),
    ("is_incremental", {"type": "boolean"}, True),
    ("has_dependent_backups", {"type": "boolean"}, True),
    ("snapshot_id", _uuid_or_null, True),
    ("data_timestamp", _datetime_or_null, True),
]
#: (from, to, key, schema, required): ``metadata`` 3.43; the admin's attributes 3.18/3.56;
#: ``encryption_key_id`` 3.64, only for an encrypted volume's backup (not required).
_BACKUP_ADDED = [
    ("3.43", None, "metadata", _metadata, True),
    ("3.64", None, "encryption_key_id", _uuid, False),
]
_BACKUP_ADMIN = [
    ("3.18", None, "os-backup-project-attr:project_id", {"type": "string"}, True),
    ("3.56", None, "user_id", {"type": "string"}, True),
]


def backup_detail(version: str, admin: bool = False) -> dict[str, Any]:
    """One backup of show and the detail list (an admin's with the project attributes)."""
    fields = _BACKUP_BASE + _at(version, _BACKUP_ADDED)
    if admin:
        fields = fields + _at(version, _BACKUP_ADMIN)
    return _object(fields)


#: ``ViewBuilder.summary``: a create's, an update's and the plain list's.
BACKUP_SUMMARY = _object(
    [("id", _uuid, True), ("name", _string_or_null, True), ("links", _links, True)]
)
#: ``ViewBuilder.restore_summary``.
RESTORE = one(
    "restore",
    _object(
        [
            ("backup_id", _uuid, True),
            ("volume_id", _uuid, True),
            ("volume_name", _string_or_null, True),
        ]
    ),
)
#: ``ViewBuilder.export_summary``.
BACKUP_RECORD = one(
    "backup-record",
    _object(
        [("backup_service", {"type": "string"}, True), ("backup_url", {"type": "string"}, True)]
    ),
)

#: ``api/v3/views/messages.py`` ``ViewBuilder.detail`` (12.0.10 to 29.0.0).
MESSAGE = _object(
    [
        ("id", _uuid, True),
        ("event_id", {"type": "string", "pattern": "^VOLUME_[A-Z_]+_[0-9]{3}_[0-9]{3}$"}, True),
        ("user_message", {"type": "string"}, True),
        ("message_level", {"type": "string", "enum": ["ERROR"]}, True),
        ("created_at", _datetime, True),
        ("guaranteed_until", _datetime, True),
        ("request_id", {"type": "string"}, True),
        ("links", _links, True),
        ("resource_type", {"type": "string"}, False),
        ("resource_uuid", _uuid, False),
    ]
)


# -- volume transfers (cinder/api/views/transfers.py) -------------------------------------

_TRANSFER_DETAIL = [
    ("id", _uuid, True),
    ("created_at", _datetime, True),
    ("name", _string_or_null, True),
    ("volume_id", _uuid, True),
    ("links", _links, True),
]
#: (from, to, key, schema, required): ``no_snapshots`` 3.55 (TRANSFER_WITH_SNAPSHOTS), the
#: history 3.57 (TRANSFER_WITH_HISTORY).
_TRANSFER_ADDED = [
    ("3.55", None, "no_snapshots", {"type": "boolean"}, True),
    ("3.57", None, "destination_project_id", {"type": ["string", "null"]}, True),
    ("3.57", None, "source_project_id", {"type": ["string", "null"]}, True),
    ("3.57", None, "accepted", {"type": "boolean"}, True),
]
TRANSFER_SUMMARY = _object(
    [
        ("id", _uuid, True),
        ("volume_id", _uuid, True),
        ("name", _string_or_null, True),
        ("links", _links, True),
    ]
)


def transfer_detail(version: str, created: bool = False) -> dict[str, Any]:
    """One transfer of show and the detail list, or (`created`) of a create's answer, with its
    ``auth_key``."""
    fields = _TRANSFER_DETAIL + _at(version, _TRANSFER_ADDED)
    if created:
        fields = [*fields, ("auth_key", {"type": "string", "pattern": "^[0-9a-f]{16}$"}, True)]
    return _object(fields)


# -- scheduler stats (cinder/api/views/scheduler_stats.py) --------------------------------

POOL_SUMMARY = _object([("name", {"type": "string", "pattern": "^[^@#]+@[^#]+#.+$"}, True)])
#: ``capabilities`` is whatever the backend's driver reports (an object with at least the
#: scheduler's required keys, ``HostManager.REQUIRED_KEYS`` less ``pool_name``, which
#: legacy drivers such as RBD do not report).
POOL_DETAIL = _object(
    [
        ("name", {"type": "string", "pattern": "^[^@#]+@[^#]+#.+$"}, True),
        (
            "capabilities",
            {
                "type": "object",
                "required": [
                    "total_capacity_gb", "free_capacity_gb", "allocated_capacity_gb",
                    "reserved_percentage", "volume_backend_name", "storage_protocol",
                    "vendor_name", "timestamp",
                ],
            },
            True,
        ),
    ]
)  # fmt: skip


# -- default types (cinder/api/v3/views/default_types.py) ---------------------------------

DEFAULT_TYPE = _object([("project_id", {"type": "string"}, True), ("volume_type_id", _uuid, True)])


# -- QoS specs, type encryption, os-hosts, extensions (Tempest 47's response schemas) -----------

_QOS = _object(
    [("id", _uuid, True), ("name", {"type": "string"}, True),
     ("consumer", {"enum": ["back-end", "front-end", "both"]}, True),
     ("specs", {"type": "object", "additionalProperties": {"type": "string"}}, True)]
)  # fmt: skip
#: ``views/qos_specs.py`` ``detail``: the spec and its links.
QOS_SPEC = {**one("qos_specs", _QOS), "properties": {"qos_specs": _QOS, "links": _links},
            "required": ["qos_specs", "links"]}  # fmt: skip
QOS_ASSOCIATIONS = one(
    "qos_associations",
    {"type": "array", "items": _object(
        [("association_type", {"enum": ["volume_type"]}, True), ("id", _uuid, True),
         ("name", {"type": "string"}, True)])},
)  # fmt: skip
_ENCRYPTION_FIELDS = [
    ("key_size", {"type": ["integer", "null"]}, False),
    ("provider", {"type": "string"}, False),
    ("control_location", {"enum": ["front-end", "back-end"]}, False),
    ("cipher", _string_or_null, False),
]
#: ``volume_type_encryption.py`` ``index``: the row (``{}`` without one).
ENCRYPTION_ROW = _object(
    [*_ENCRYPTION_FIELDS, ("volume_type_id", _uuid, True), ("encryption_id", _uuid, True),
     ("deleted", {"type": "boolean"}, True), ("created_at", {"type": "string"}, True),
     ("updated_at", _string_or_null, True), ("deleted_at", _string_or_null, True)]
)  # fmt: skip
ENCRYPTION_CREATED = one(
    "encryption",
    _object([*_ENCRYPTION_FIELDS, ("volume_type_id", _uuid, True), ("encryption_id", _uuid, True)]),
)
ENCRYPTION_UPDATED = one("encryption", _object(_ENCRYPTION_FIELDS))
#: ``volume_encryption_metadata.py`` ``index``: the key id, then the type's fields if any.
VOLUME_ENCRYPTION = _object([("encryption_key_id", _uuid_or_null, True), *_ENCRYPTION_FIELDS])
HOSTS = one(
    "hosts",
    {"type": "array", "items": _object(
        [("service-status", {"enum": ["available", "unavailable"]}, True),
         ("service", {"type": "string"}, True), ("zone", {"type": "string"}, True),
         ("service-state", {"enum": ["enabled", "disabled"]}, True),
         ("host_name", {"type": "string"}, True), ("last-update", _string_or_null, True)])},
)  # fmt: skip
_COUNT = {"type": "string", "pattern": "^[0-9]+$"}
HOST = one(
    "host",
    {"type": "array", "items": one("resource", _object(
        [(k, _COUNT, True) for k in ("volume_count", "total_volume_gb", "snapshot_count",
                                     "total_snapshot_gb")]
        + [("project", {"type": "string"}, True), ("host", {"type": "string"}, True)]))},
)  # fmt: skip
_EXTENSION = _object(
    [("updated", {"type": "string"}, True), ("description", {"type": "string"}, True),
     ("links", {"type": "array", "maxItems": 0}, True), ("alias", {"type": "string"}, True),
     ("name", {"type": "string"}, True)]
)  # fmt: skip
EXTENSIONS = one("extensions", {"type": "array", "items": _EXTENSION, "minItems": 32})
EXTENSION = one("extension", _EXTENSION)
#: ``api/v3/views/resource_filters.py`` ``ViewBuilder.list``.
RESOURCE_FILTERS = one(
    "resource_filters",
    {"type": "array", "items": _object(
        [("resource", {"type": "string"}, True),
         ("filters", {"type": "array", "items": {"type": "string"}}, True)])},
)  # fmt: skip

# -- generic volume groups (cinder/api/v3/views/group_types.py, groups.py, group_snapshots.py)

_GROUP_STATUS = {"enum": ["error", "available", "creating", "deleting", "updating", "in-use",
                          "error_deleting"]}  # fmt: skip


def group_type(admin: bool) -> dict[str, Any]:
    """One group type; its ``group_specs`` to admins only."""
    fields = [
        ("id", _uuid, True),
        ("name", {"type": "string"}, True),
        ("description", _string_or_null, True),
        ("is_public", {"type": "boolean"}, True),
    ]
    if admin:
        fields.append(("group_specs", {"type": "object"}, True))
    return _object(fields)


GROUP_SPECS = one("group_specs", {"type": "object", "additionalProperties": {"type": "string"}})
GROUP_SUMMARY = _object([("id", _uuid, True), ("name", _string_or_null, True)])
_GROUP_ADDED = [
    ("3.14", None, "group_snapshot_id", _uuid_or_null, True),
    ("3.14", None, "source_group_id", _uuid_or_null, True),
    ("3.25", None, "volumes", {"type": "array", "items": _uuid}, False),
    ("3.38", None, "replication_status", {"type": "string"}, True),
    ("3.58", None, "project_id", {"type": "string"}, False),
]


#: What a group's view and a consistency group's share.
_GROUP_FIELDS = [
    ("id", _uuid, True),
    ("status", _GROUP_STATUS, True),
    ("availability_zone", {"type": "string"}, True),
    ("created_at", _datetime, True),
    ("name", _string_or_null, True),
    ("description", _string_or_null, True),
    ("volume_types", {"type": "array", "items": _uuid}, True),
]


def group_detail(version: str) -> dict[str, Any]:
    """One group of show and the detail list at `version`."""
    fields = [*_GROUP_FIELDS, ("group_type", _uuid, True)]
    return _object(fields + _at(version, _GROUP_ADDED))


#: A group snapshot of the list (``group_type_id`` only in a create's answer).
GROUP_SNAPSHOT_SUMMARY = _object([("id", _uuid, True), ("name", _string_or_null, True)])
GROUP_SNAPSHOT_CREATED = _object(
    [("id", _uuid, True), ("name", _string_or_null, True), ("group_type_id", _uuid, True)]
)


def group_snapshot_detail(version: str) -> dict[str, Any]:
    """One group snapshot of show and the detail list at `version`."""
    fields = [
        ("id", _uuid, True),
        ("group_id", _uuid, True),
        ("group_type_id", _uuid, True),
        ("status", _GROUP_STATUS, True),
        ("created_at", _datetime, True),
        ("name", _string_or_null, True),
        ("description", _string_or_null, True),
    ]
    return _object(fields + _at(version, [("3.58", None, "project_id", {"type": "string"}, False)]))


#: A consistency group of show and the detail list (``api/views/consistencygroups.py``).
CONSISTENCYGROUP_DETAIL = _object(_GROUP_FIELDS)
#: A cgsnapshot of show and the detail list (``api/views/cgsnapshots.py``).
CGSNAPSHOT_DETAIL = _object(
    [
        ("id", _uuid, True),
        ("consistencygroup_id", _uuid, True),
        ("status", _GROUP_STATUS, True),
        ("created_at", _datetime, True),
        ("name", _string_or_null, True),
        ("description", _string_or_null, True),
    ]
)
