"""Request body schemas and their validation, as ``cinder/api/schemas`` and
``cinder/api/validation`` define them.

A body failing its schema is a 400 ``ValidationError`` whose message is Cinder's:
``Invalid input for field/attribute <key>. Value: <value>. <jsonschema message>``. Validators are
compiled on first use (jsonschema costs tens of milliseconds to import); the snapshot-create
body, on the hot path of every volume-backed createImage, is first checked by a plain-Python
predicate that accepts only bodies the schema accepts, so jsonschema runs only to word an error.
"""

from __future__ import annotations

import copy
import unicodedata
from typing import Any

from fakecloud.api.http import HttpError
from fakecloud.api.validation import before_4_21, error_detail, number_string_bounds
from fakecloud.cinder import exception, fast_paths, faults
from fakecloud.cinder.exception import InvalidGroupSnapshotStatus, InvalidGroupStatus
from fakecloud.cinder.fast_paths import is_uuid_like
from fakecloud.cinder.groups_models import GROUP_SNAPSHOT_STATUSES, GROUP_STATUSES
from fakecloud.cinder.states import SNAPSHOT_STATUSES, VOLUME_STATUSES

# -- parameter types (cinder/api/validation/parameter_types.py) -------------------------------

BOOLEAN_VALUES = [
    True, "True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes", "y", "t",
    False, "False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no", "n", "f",
]  # fmt: skip

boolean = {"type": ["boolean", "string"], "enum": BOOLEAN_VALUES}
uuid_type = {"type": "string", "format": "uuid"}
uuid_allow_null = {"oneOf": [uuid_type, {"type": "null"}]}
optional_uuid = {"oneOf": [{"type": "null"}, {"type": "string", "format": "uuid"}]}
name_allow_zero_min_length = {"type": ["string", "null"], "minLength": 0, "maxLength": 255}
description = {
    "type": ["string", "null"],
    "minLength": 0,
    "maxLength": 255,
    "format": "printable",
}
#: ``parameter_types.extra_specs``' key pattern: a ``/`` allowed by 534fa38f4 (Cinder 14.0.0;
#: d59b432ddd in 13.0.1, LP #1798798).
METADATA_KEY = "^[a-zA-Z0-9-_:. /]{1,255}$"
#: The pattern before (Cinder 12.x and 13.0.0): every schema built from ``extra_specs`` refuses
#: a ``/`` in a key where switch ``lp1798798`` is on (`keys_without_slash`).
METADATA_KEY_NO_SLASH = "^[a-zA-Z0-9-_:. ]{1,255}$"
extra_specs = {
    "type": "object",
    "patternProperties": {METADATA_KEY: {"type": "string", "maxLength": 255}},
    "additionalProperties": False,
}
metadata_allows_null = {**copy.deepcopy(extra_specs), "type": ["object", "null"]}
volume_size_allows_null = {
    "type": ["integer", "string", "null"],
    "pattern": "^[0-9]+$",
    "minimum": 1,
    "maximum": 2147483647,
}
availability_zone = {"type": ["string", "null"], "minLength": 1, "maxLength": 255}
optional_boolean = {"oneOf": [{"type": "null"}, boolean]}
_name_rw = {"type": ["string", "null"], "format": "name_non_mandatory_remove_white_spaces"}
_desc_rw = {"type": ["string", "null"], "format": "description_non_mandatory_remove_white_spaces"}


def _obj(properties: dict, required: list[str] | None = None, extra: bool = False, **more) -> dict:
    # Cinder's schemas name "required" before "additionalProperties" (all 124 that have
    # both), and jsonschema reports the first failing keyword in the schema's order: a body
    # with a misspelt key is "'snapshot' is a required property", not "Additional properties".
    out: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        out["required"] = required
    out["additionalProperties"] = extra
    out.update(more)
    return out


def _action(name: str, inner: dict | None = None) -> dict:
    return _obj({name: inner if inner is not None else {}}, [name])


# -- schemas ----------------------------------------------------------------------------------

SNAPSHOT_CREATE = _obj(
    {
        "snapshot": _obj(
            {
                "name": name_allow_zero_min_length,
                "display_name": name_allow_zero_min_length,
                "description": description,
                "volume_id": uuid_allow_null,
                "force": boolean,
                "metadata": metadata_allows_null,
            },
            ["volume_id"],
        )
    },
    ["snapshot"],
)

SNAPSHOT_UPDATE = _obj(
    {
        "snapshot": _obj(
            {
                "name": name_allow_zero_min_length,
                "description": description,
                "display_name": name_allow_zero_min_length,
                "display_description": description,
            },
            anyOf=[
                {"required": ["name"]},
                {"required": ["description"]},
                {"required": ["display_name"]},
                {"required": ["display_description"]},
            ],
        )
    },
    ["snapshot"],
)

_VOLUME_CREATE_PROPS = {
    "name": _name_rw,
    "description": _desc_rw,
    "display_name": _name_rw,
    "display_description": _desc_rw,
    "volume_type": name_allow_zero_min_length,
    "metadata": metadata_allows_null,
    "snapshot_id": optional_uuid,
    "source_volid": optional_uuid,
    "consistencygroup_id": optional_uuid,
    "size": volume_size_allows_null,
    "availability_zone": availability_zone,
    "multiattach": optional_boolean,
    "image_id": {"type": ["string", "null"], "minLength": 0, "maxLength": 255},
    "imageRef": {"type": ["string", "null"], "minLength": 0, "maxLength": 255},
}


def _volume_create(extra_props: dict, closed: bool) -> dict:
    return _obj(
        {
            "volume": _obj({**_VOLUME_CREATE_PROPS, **extra_props}, extra=not closed),
            "OS-SCH-HNT:scheduler_hints": {"type": ["object", "null"]},
        },
        ["volume"],
    )


_GROUP_ID = {"group_id": {"type": ["string", "null"], "minLength": 0, "maxLength": 255}}
VOLUME_CREATE = _volume_create({}, closed=False)
VOLUME_CREATE_V313 = _volume_create(_GROUP_ID, closed=False)
VOLUME_CREATE_V347 = _volume_create({**_GROUP_ID, "backup_id": optional_uuid}, closed=False)
VOLUME_CREATE_V353 = _volume_create({**_GROUP_ID, "backup_id": optional_uuid}, closed=True)

_VOLUME_UPDATE_PROPS = {
    "name": _name_rw,
    "description": _desc_rw,
    "display_name": _name_rw,
    "display_description": _desc_rw,
    "metadata": extra_specs,
}
VOLUME_UPDATE = _obj({"volume": _obj(_VOLUME_UPDATE_PROPS)}, ["volume"])
VOLUME_UPDATE_V353 = _obj(
    {
        "volume": _obj(
            _VOLUME_UPDATE_PROPS,
            anyOf=[{"required": [k]} for k in _VOLUME_UPDATE_PROPS],
        )
    },
    ["volume"],
)

ATTACHMENT_CREATE = _obj(
    {
        "attachment": _obj(
            {
                "instance_uuid": uuid_type,
                "connector": {"type": ["object", "null"]},
                "volume_uuid": uuid_type,
            },
            ["volume_uuid"],
        )
    },
    ["attachment"],
)
ATTACHMENT_CREATE_V354 = copy.deepcopy(ATTACHMENT_CREATE)
ATTACHMENT_CREATE_V354["properties"]["attachment"]["properties"]["mode"] = {
    "type": "string",
    "enum": ["rw", "ro"],
}
ATTACHMENT_UPDATE = _obj(
    {"attachment": _obj({"connector": {"type": "object", "minProperties": 1}}, ["connector"])},
    ["attachment"],
)
ATTACHMENT_COMPLETE = _action("os-complete")

RESERVE = _action("os-reserve")
UNRESERVE = _action("os-unreserve")
BEGIN_DETACHING = _action("os-begin_detaching")
ROLL_DETACHING = _action("os-roll_detaching")
ATTACH = _action(
    "os-attach",
    _obj(
        {
            "instance_uuid": uuid_type,
            "mountpoint": {"type": "string", "minLength": 1, "maxLength": 255},
            "host_name": {"type": "string", "maxLength": 255},
            "mode": {"type": "string", "enum": ["rw", "ro"]},
        },
        ["mountpoint"],
        anyOf=[{"required": ["instance_uuid"]}, {"required": ["host_name"]}],
    ),
)
DETACH = _action(
    "os-detach",
    {
        "type": ["object", "null"],
        "properties": {"attachment_id": uuid_allow_null},
        "additionalProperties": False,
    },
)
SET_BOOTABLE = _action("os-set_bootable", _obj({"bootable": boolean}, ["bootable"]))
TERMINATE_CONNECTION = _action(
    "os-terminate_connection",
    _obj({"connector": {"type": ["string", "object", "null"]}}, ["connector"]),
)
#: ``initialize_connection``: the connector an object or a string, nothing else beside it.
INITIALIZE_CONNECTION = _action(
    "os-initialize_connection", _obj({"connector": {"type": ["object", "string"]}}, ["connector"])
)
FORCE_DELETE = _action("os-force_delete")
#: ``snapshot_unmanage.unmanage`` (and ``volume_unmanage``'s): the value any, nothing beside it.
SNAPSHOT_UNMANAGE = _action("os-unmanage")
#: ``retype`` (``cinder/api/schemas/volume_actions.py``).
RETYPE = _action(
    "os-retype",
    _obj(
        {
            "new_type": {"type": "string"},
            "migration_policy": {"type": ["string", "null"], "enum": ["on-demand", "never"]},
        },
        ["new_type"],
    ),
)
#: ``volume_readonly_update``.
UPDATE_READONLY_FLAG = _action("os-update_readonly_flag", _obj({"readonly": boolean}, ["readonly"]))
#: ``extend``: ``new_size`` is ``parameter_types.volume_size``.
EXTEND = _action(
    "os-extend",
    _obj(
        {
            "new_size": {
                "type": ["integer", "string"],
                "pattern": "^[0-9]+$",
                "minimum": 1,
                "maximum": 2147483647,
            }
        },
        ["new_size"],
    ),
)
#: ``volume_upload_image`` (before 3.1) and ``volume_upload_image_v31`` (visibility, protected).
_UPLOAD_IMAGE_PROPS = {
    "image_name": {"type": "string", "minLength": 1, "maxLength": 255},
    "force": boolean,
    "disk_format": {
        "type": "string",
        "enum": ["raw", "vmdk", "vdi", "qcow2", "vhd", "vhdx", "ploop"],
    },
    "container_format": description,
}
VOLUME_UPLOAD_IMAGE = _action(
    "os-volume_upload_image", _obj(dict(_UPLOAD_IMAGE_PROPS), ["image_name"])
)
VOLUME_UPLOAD_IMAGE_V31 = _action(
    "os-volume_upload_image",
    _obj(
        {
            **_UPLOAD_IMAGE_PROPS,
            "visibility": {"type": "string", "enum": ["community", "public", "private", "shared"]},
            "protected": boolean,
        },
        ["image_name"],
    ),
)
RESET_STATUS_VOLUME = _action(
    "os-reset_status",
    _obj(
        {
            "status": {"type": ["string", "null"], "format": "volume_status"},
            "attach_status": {"type": ["string", "null"], "format": "volume_attach_status"},
            "migration_status": {"type": ["string", "null"], "format": "volume_migration_status"},
        },
        format="validate_volume_reset_body",
    ),
)
RESET_STATUS_SNAPSHOT = _action(
    "os-reset_status",
    _obj({"status": {"type": "string", "format": "snapshot_status"}}, ["status"]),
)
RESET_STATUS_BACKUP = _action(
    "os-reset_status",
    _obj({"status": {"type": "string", "format": "backup_status"}}, ["status"]),
)
UPDATE_SNAPSHOT_STATUS = _action(
    "os-update_snapshot_status",
    _obj({"status": {"type": "string"}, "progress": {"format": "progress"}}, ["status"]),
)

#: ``cinder/api/schemas/snapshot_metadata.py`` (28.0.0 on): its own pattern, no ``/``.
_SNAPSHOT_META = {
    "type": "object",
    "patternProperties": {METADATA_KEY_NO_SLASH: {"type": "string", "maxLength": 255}},
    "additionalProperties": False,
}
#: ``cinder/api/schemas/volume_metadata.py``: ``parameter_types.extra_specs``, no other
#: top-level key.
_VOLUME_META = {
    "type": "object",
    "patternProperties": {METADATA_KEY: {"type": "string", "maxLength": 255}},
    "additionalProperties": False,
}
VOLUME_METADATA_CREATE = _obj({"metadata": _VOLUME_META}, ["metadata"])
VOLUME_METADATA_UPDATE = _obj(
    {"meta": {**_VOLUME_META, "minProperties": 1, "maxProperties": 1}}, ["meta"]
)
SNAPSHOT_METADATA_CREATE = _obj({"metadata": _SNAPSHOT_META}, ["metadata"], extra=True)
SNAPSHOT_METADATA_UPDATE = _obj(
    {"meta": {**_SNAPSHOT_META, "minProperties": 1, "maxProperties": 1}}, ["meta"], extra=True
)


#: ``cinder/api/schemas/quotas.py`` ``update``, in two parts so that the ``quota_set`` format
#: (keys and integers, which needs the cloud's quota resources: `check_quota_set`) runs where
#: jsonschema runs it, after the ``properties`` keyword and before ``required``.
QUOTA_SET_PROPERTIES = {
    "type": "object",
    "properties": {"quota_set": {"type": "object", "minProperties": 1}},
}
QUOTA_SET_UPDATE = {
    "type": "object",
    "properties": {"quota_set": {"type": "object", "minProperties": 1}},
    "required": ["quota_set"],
    "additionalProperties": False,
}
#: ``cinder/api/schemas/volume_image_metadata.py``.
SHOW_IMAGE_METADATA = _obj({"os-show_image_metadata": {}}, ["os-show_image_metadata"])
SET_IMAGE_METADATA = _action(
    "os-set_image_metadata",
    _obj(
        {
            "metadata": {
                "type": "object",
                "patternProperties": {METADATA_KEY: {"type": "string", "format": "mysql_text"}},
                "additionalProperties": False,
            }
        },
        ["metadata"],
    ),
)
#: The same before 0bd1bd699d (Cinder 24.0.0; 2fb2ff99b4 in 23.2.0): ``parameter_types.
#: extra_specs``, values of 255 characters at most (switch ``cinder_image_metadata_value_255``).
SET_IMAGE_METADATA_255 = _action(
    "os-set_image_metadata",
    _obj({"metadata": _VOLUME_META}, ["metadata"]),
)
UNSET_IMAGE_METADATA = _action(
    "os-unset_image_metadata",
    _obj({"key": {"type": "string", "minLength": 1, "maxLength": 255}}, ["key"]),
)

# -- older series' schemas --------------------------------------------------------------------

#: ``parameter_types.cinder_host`` (a host, ``host@backend#pool``).
cinder_host = {
    "type": ["string", "null"],
    "minLength": 1,
    "maxLength": 255,
    "pattern": r"^[a-zA-Z0-9-._#@:/+\[\]]*$",
}
#: ``cinder/api/schemas/volume_manage.py`` (from 13.0.0) ``volume_manage_create``, and from
#: 3.16 (``VOLUME_MIGRATE_CLUSTER``) with ``cluster``.
VOLUME_MANAGE_CREATE = _obj(
    {
        "volume": _obj(
            {
                "description": description,
                "availability_zone": name_allow_zero_min_length,
                "bootable": boolean,
                "volume_type": name_allow_zero_min_length,
                "name": name_allow_zero_min_length,
                "host": cinder_host,
                "ref": {"type": ["object", "string"]},
                "metadata": metadata_allows_null,
            },
            ["ref"],
        )
    },
    ["volume"],
)
VOLUME_MANAGE_CREATE_V316 = copy.deepcopy(VOLUME_MANAGE_CREATE)
VOLUME_MANAGE_CREATE_V316["properties"]["volume"]["properties"]["cluster"] = {
    "type": ["string", "null"],
    "minLength": 0,
    "maxLength": 255,
}


def snapshot_manage_schema() -> dict:
    """``cinder/api/schemas/snapshot_manage.py`` ``create`` (every release)."""
    props = {
        "description": description,
        "metadata": metadata_allows_null,
        "name": name_allow_zero_min_length,
        "volume_id": uuid_type,
        "ref": {"type": ["object", "null", "string"]},
    }
    return _obj({"snapshot": _obj(props, ["ref", "volume_id"])}, ["snapshot"])


QUEENS = 12
#: Queens' (cinder 12.x) snapshot create: ``uuid_allow_null`` was any string or null until
#: 91139c9fc (13.0.0) made it a UUID or null. (Its metadata keys, without ``/``, are switch
#: ``lp1798798``'s.)
SNAPSHOT_CREATE_V12 = copy.deepcopy(SNAPSHOT_CREATE)
SNAPSHOT_CREATE_V12["properties"]["snapshot"]["properties"]["volume_id"] = {
    "type": ["string", "null"]
}
#: The first Cinder whose snapshot-metadata routes have a schema (1d41db9f8, 28.0.0); before,
#: ``assert_valid_body`` and the volume API's ``check_metadata_properties`` only.
SNAPSHOT_METADATA_SCHEMA_SINCE = 28


def snapshot_create_schema(cinder_major: int) -> dict:
    """``cinder/api/schemas/snapshots.py`` ``create`` with the series' parameter types."""
    return SNAPSHOT_CREATE_V12 if cinder_major <= QUEENS else SNAPSHOT_CREATE


def volume_metadata_schemas(switches: Any) -> tuple[dict, dict]:
    """``cinder/api/schemas/volume_metadata.py`` ``create`` and ``update`` of the release (the
    same from 12.0.0 but for their keys: `for_release`)."""
    return for_release(VOLUME_METADATA_CREATE, switches), for_release(
        VOLUME_METADATA_UPDATE, switches
    )


#: Schema (by identity) -> (the schema, kept alive so that its id stays its own; its variant).
_NO_SLASH: dict[int, tuple[dict, dict]] = {}


def keys_without_slash(schema: dict) -> dict:
    """`schema` as Cinder 12.x and 13.0.0 build it: every ``parameter_types.extra_specs`` key
    pattern without the ``/`` (LP #1798798; `schema` itself if it has none). Memoized by
    identity, so a variant's validator and quick check are built once."""
    hit = _NO_SLASH.get(id(schema))
    if hit is None:
        variant = _without_slash(schema)
        if variant == schema:
            variant = schema
        else:
            quick = _QUICK.get(id(schema))
            if quick is not None:
                _QUICK[id(variant)] = _quick_without_slash(quick)
        hit = _NO_SLASH[id(schema)] = (schema, variant)
    return hit[1]


def for_release(schema: dict, switches: Any) -> dict:
    """`schema` with the metadata keys of the cloud's release: `keys_without_slash` where switch
    ``lp1798798`` is on (Cinder 12.x, 13.0.0), else `schema`."""
    return keys_without_slash(schema) if switches.lp1798798 else schema


def _without_slash(node: Any) -> Any:
    if isinstance(node, list):
        return [_without_slash(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _without_slash(value) for key, value in node.items()}
    patterns = out.get("patternProperties")
    if isinstance(patterns, dict) and METADATA_KEY in patterns:
        # the key renamed in place: jsonschema's message lists the patterns in this order
        out["patternProperties"] = {
            (METADATA_KEY_NO_SLASH if key == METADATA_KEY else key): value
            for key, value in patterns.items()
        }
    return out


def _quick_without_slash(quick: Any) -> Any:
    def check(body: Any) -> bool:
        return quick(body) and fast_paths.metadata_keys_without_slash(body)

    return check


def assert_valid_body(body: Any, entity_name: str) -> None:
    """``wsgi.Controller.assert_valid_body``: the body holds `entity_name` as an object."""
    if not (isinstance(body, dict) and isinstance(body.get(entity_name), dict)):
        raise HttpError(400, f"Missing required element '{entity_name}' in request body.")


#: ``cinder/api/schemas/attachments.py`` ``create`` while switch
#: ``cinder_attachment_create_v12_schema`` is on (until 560318c82, 19.0.0, and its 18.1.0
#: backport): ``instance_uuid`` required, and no ``mode`` even at 3.54 (the controller read one
#: the schema refused).
ATTACHMENT_CREATE_V12 = copy.deepcopy(ATTACHMENT_CREATE)
ATTACHMENT_CREATE_V12["properties"]["attachment"]["required"] = ["instance_uuid", "volume_uuid"]


def attachment_create_schema(v12: bool, with_mode: bool) -> dict:
    """The attachment-create schema (`v12`: switch ``cinder_attachment_create_v12_schema``) at
    a microversion with or without ``mode``."""
    if v12:
        return ATTACHMENT_CREATE_V12
    return ATTACHMENT_CREATE_V354 if with_mode else ATTACHMENT_CREATE


def _attachment_create_v12_ok(body: Any) -> bool:
    return fast_paths.attachment_create_ok(body) and "instance_uuid" in body["attachment"]


#: ``cinder.quota.NON_QUOTA_KEYS`` and ``constants.DB_MAX_INT``.
NON_QUOTA_KEYS = ("tenant_id", "id")
DB_MAX_INT = 0x7FFFFFFF


def check_quota_set(quota_set: dict[str, Any], resources: Any) -> None:
    """``validators._validate_quota_set``: each value an integer from -1 to DB_MAX_INT
    (oslo's ``validate_integer`` words, a bare 400 at the first bad value), then the unknown
    keys together (``InvalidInput``)."""
    bad = []
    for key, value in quota_set.items():
        if key not in resources and key not in NON_QUOTA_KEYS:
            bad.append(key)
            continue
        if key in NON_QUOTA_KEYS:
            continue
        validate_integer(value, key, -1, DB_MAX_INT)
    if bad:
        raise exception.InvalidInput(reason=f"Bad key(s) in quota set: {', '.join(bad)}")


def validate_integer(value: Any, name: str, min_value: int, max_value: int) -> int:
    """``api_utils.validate_integer`` (oslo.utils ``strutils.validate_integer``): ``int(str())``
    of the value, or a 400 with oslo's message."""
    try:
        number = int(str(value))
    except (ValueError, UnicodeEncodeError):
        raise HttpError(400, f"{name} must be an integer") from None
    if number < min_value:
        raise HttpError(400, f"{name} must be >= {min_value}")
    if number > max_value:
        raise HttpError(400, f"{name} must be <= {max_value}")
    return number


# -- formats (cinder/api/validation/validators.py) --------------------------------------------


def _is_printable(char: str) -> bool:
    category = unicodedata.category(char)
    return not category.startswith("C") and (not category.startswith("Z") or category == "Zs")


def _check_length(value: Any, entity: str) -> bool:
    if not value or not isinstance(value, str):
        return True
    value = value.strip()
    if len(value) > 255:
        raise exception.InvalidInput(reason=f"{entity} has {len(value)} characters, more than 255.")
    return True


def _check_progress(progress: Any) -> bool:
    if progress:
        try:
            # (a TypeError escapes: `validate` answers its text, as Cinder's validator does)
            integer = int(progress[:-1])
        except ValueError:
            raise exception.InvalidInput(reason="progress must be an integer percentage")
        if integer < 0 or integer > 100 or progress[-1] != "%":
            raise exception.InvalidInput(
                reason="progress must be an integer percentage between 0 and 100"
            )
    return True


#: ``utils.LOG_LEVELS``.
LOG_LEVELS = ("INFO", "WARNING", "ERROR", "DEBUG")


def log_method(level: Any) -> str:
    """``utils.get_log_method``: the level's name, or its 400 (`fakecloud.cinder.log_levels`)."""
    text = level or ""
    if not isinstance(text, str) or text.upper() not in LOG_LEVELS:
        raise exception.InvalidInput(reason=f"{text} is not a valid log level.")
    return text.upper()


def _check_log_level(level: Any) -> bool:
    # validators.py ``_validate_log_level`` (cinder 13.0.0 on): ``get_log_method`` of whatever
    # the body holds, ``None`` too (a format check sees every type), its InvalidInput the 400
    log_method(level)
    return True


#: ``fields.VolumeMigrationStatus.ALL``.
MIGRATION_STATUSES = ("migrating", "error", "success", "completing", "none", "starting")


def _check_status(value: Any, valid: tuple | list, what: str) -> bool:
    # `valid` printed as Cinder prints it: ``fields.*.ALL`` are tuples, the attach statuses
    # of ``_validate_volume_attach_status`` a list.
    if value and isinstance(value, str) and value.lower() not in valid:
        raise exception.InvalidParameterValue(
            err=f"{what}: {value} is invalid, valid statuses are: {valid}."
        )
    return True


def _check_reset_body(instance: Any) -> bool:
    if isinstance(instance, dict) and not (
        instance.get("status") or instance.get("attach_status") or instance.get("migration_status")
    ):
        raise exception.InvalidParameterValue(
            err="Must specify 'status', 'attach_status' or 'migration_status' for update."
        )
    return True


def _check_backup_status(value: Any) -> bool:
    """``_validate_backup_status``: ``available`` or ``error``, any case."""
    if not value or str(value).lower() not in ("available", "error"):
        raise exception.InvalidParameterValue(
            err=f"Backup status: {value} is invalid, valid statuses are: ['available', 'error']."
        )
    return True


def _check_snapshot_status(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    if not value or value.lower() not in SNAPSHOT_STATUSES:
        raise exception.InvalidParameterValue(
            err=f"Snapshot status: {value} is invalid, valid statuses are: {SNAPSHOT_STATUSES}."
        )
    return True


def _check_name(value: Any) -> bool:
    """``_validate_name`` (a volume type's name)."""
    if not value:
        raise exception.InvalidName(reason="The 'name' can not be None.")
    if isinstance(value, str) and not value.strip():
        raise exception.InvalidName(reason="The 'name' can not be empty.")
    return True


def _check_name_skip_spaces(value: Any) -> bool:
    """``_validate_name_skip_leading_trailing_spaces`` (a transfer's name)."""
    if not value:
        raise exception.InvalidName(reason="The 'name' can not be None.")
    if not isinstance(value, str):
        # A number, a list or true has no ``strip``: the AttributeError leaves the schema
        # check (only InvalidName is caught) as FaultWrapper's 500 (cinder 13.0.0-29.0.0
        # api/validation/validators.py _validate_name_skip_leading_trailing_spaces: the format
        # is checked whatever the type, before oneOf's null branch).
        raise HttpError(500, faults.GENERIC[500])
    value = value.strip()
    if not value:
        raise exception.InvalidName(reason="The 'name' can not be empty.")
    if len(value) > 255:
        raise exception.InvalidName(reason="The 'name' can not be greater than 255 characters.")
    return True


def _check_disabled_reason(value: Any) -> bool:
    """``_validate_disabled_reason``: stripped, 1 to 255 characters."""
    if isinstance(value, str):
        from oslo_utils import strutils

        try:
            strutils.check_string_length(value.strip(), "disabled_reason", 1, 255)
        except ValueError as exc:
            raise exception.InvalidInput(reason=str(exc)) from None
    return True


def _check_key_size(value: Any) -> bool:
    """``_validate_key_size``: null or integer-like."""
    if value is not None:
        from oslo_utils import strutils

        if not strutils.is_int_like(value):
            raise exception.InvalidInput(reason="key_size must be an integer.")
    return True


def _check_mandatory_length(value: Any, entity: str) -> bool:
    """``_validate_string_length(mandatory=True, min_length=1, max_length=255,
    remove_whitespaces=True)`` (a group's ``group_type``)."""
    if not value:
        raise HttpError(400, f"The '{entity}' can not be None.")
    value = value.strip()
    if not 1 <= len(value) <= 255:
        bound = "less than 1" if not value else "more than 255"
        raise exception.InvalidInput(reason=f"{entity} has {len(value)} characters, {bound}.")
    return True


def _check_group_status(value: Any, snapshot: bool) -> bool:
    """``_validate_group_status`` and the group snapshots' ``_validate_status``: both check
    against the group snapshots' statuses (a group's ``in-use`` is refused), a group's error
    listing the groups' (as Cinder's)."""
    error = InvalidGroupSnapshotStatus if snapshot else InvalidGroupStatus
    if value is None and not snapshot:
        raise HttpError(400, "The 'status' can not be None.")
    if not isinstance(value, str):
        return True
    if not value.strip():
        raise error(reason="The 'status' can not be empty.")
    if value.lower() not in GROUP_SNAPSHOT_STATUSES:
        if snapshot:
            reason = (
                f"Group snapshot status: {value} is invalid, valid statuses are: "
                f"{GROUP_SNAPSHOT_STATUSES}."
            )
        else:
            reason = f"Group status: {value} is invalid, valid status are: {GROUP_STATUSES}."
        raise error(reason=reason)
    return True


_FORMATS = {
    "key_size": _check_key_size,
    "uuid": is_uuid_like,
    "name": _check_name,
    "name_skip_leading_trailing_spaces": _check_name_skip_spaces,
    "disabled_reason": _check_disabled_reason,
    "printable": lambda v: not isinstance(v, str) or all(_is_printable(c) for c in v),
    "name_non_mandatory_remove_white_spaces": lambda v: _check_length(v, "name"),
    "description_non_mandatory_remove_white_spaces": lambda v: _check_length(v, "description"),
    "progress": _check_progress,
    "volume_status": lambda v: _check_status(v, VOLUME_STATUSES, "Volume status"),
    "volume_attach_status": lambda v: _check_status(
        v, ["attached", "detached"], "Volume attach status"
    ),
    "volume_migration_status": lambda v: _check_status(
        v, MIGRATION_STATUSES, "Volume migration status"
    ),
    "snapshot_status": _check_snapshot_status,
    "backup_status": _check_backup_status,
    "validate_volume_reset_body": _check_reset_body,
    "mysql_text": lambda v: not isinstance(v, str) or len(v.encode("utf8")) <= 65535,
    "group_type": lambda v: _check_mandatory_length(v, "group_type"),
    "availability_zone": lambda v: v is None or _check_mandatory_length(v, "availability_zone"),
    "group_status": lambda v: _check_group_status(v, snapshot=False),
    "group_snapshot_status": lambda v: _check_group_status(v, snapshot=True),
    "level": _check_log_level,
}

_validators: dict[int, Any] = {}

#: Schema (by identity) -> a quick check accepting only bodies it accepts (`fast_paths`).
_QUICK = {
    id(SNAPSHOT_CREATE): fast_paths.snapshot_create_ok,
    id(SNAPSHOT_CREATE_V12): fast_paths.snapshot_create_ok,
    id(VOLUME_CREATE): fast_paths.volume_create_ok,
    id(VOLUME_CREATE_V313): fast_paths.volume_create_ok,
    id(VOLUME_CREATE_V347): fast_paths.volume_create_ok,
    id(VOLUME_CREATE_V353): fast_paths.volume_create_ok,
    id(ATTACHMENT_CREATE): fast_paths.attachment_create_ok,
    id(ATTACHMENT_CREATE_V354): fast_paths.attachment_create_ok,
    id(ATTACHMENT_CREATE_V12): _attachment_create_v12_ok,
    id(ATTACHMENT_UPDATE): fast_paths.attachment_update_ok,
    id(ATTACHMENT_COMPLETE): fast_paths.attachment_complete_ok,
}


def _validator(schema: dict) -> Any:
    """The compiled validator of `schema` (Draft 4 with Cinder's string-number min/max)."""
    key = id(schema)
    validator = _validators.get(key)
    if validator is None:
        import jsonschema

        checker = jsonschema.FormatChecker(())
        for name, func in _FORMATS.items():
            checker.checks(name, raises=(exception.CinderException,))(func)
        base = jsonschema.Draft4Validator
        cls = jsonschema.validators.extend(base, number_string_bounds(base))
        validator = _validators[key] = cls(schema, format_checker=checker)
    return validator


def validate(schema: dict, body: Any) -> None:
    """Raise Cinder's 400 for a body that fails `schema` (a format's own error if it has one)."""
    quick = _QUICK.get(id(schema))
    if quick is not None and quick(body):
        return
    import jsonschema

    try:
        _validator(schema).validate(body)
    except jsonschema.ValidationError as ex:
        if isinstance(ex.cause, exception.CinderException):
            raise ex.cause from None
        detail = error_detail(ex)
        error = exception.ValidationError(detail=detail)
        error.legacy_detail = before_4_21(ex, detail, ex.message)
        raise error from None
    except TypeError as ex:  # a format check's own (progress 5: "'int' object is not ...")
        raise exception.ValidationError(detail=str(ex)) from None


#: The first Cinder whose release pins jsonschema 4.21.0 or later (2025.1's upper constraints,
#: openstack/requirements 97a8cf2456: 4.23.0; 2024.1's 4.19.2, Ussuri's 3.2.0): a minLength of
#: 1 is "'' should be non-empty" there, "'' is too short" before (the cinder oracle, 16.4.2).
NON_EMPTY_WORDS_FROM = 26


#: 13.0.0's ``Resource._process_stack`` words an unknown action's 400 with a hint ("Verify the
#: request body and Content-Type header and try again."); 12.0.10 names the action alone.
ACTION_HINT_FROM = 13


def worded(exc: exception.CinderException, major: int) -> exception.CinderException:
    """`exc` as Cinder `major` words it: a schema error in its release's jsonschema's words,
    an unknown action without 13.0.0's hint."""
    legacy = getattr(exc, "legacy_detail", None)
    if legacy is not None and major < NON_EMPTY_WORDS_FROM:
        return exception.ValidationError(detail=legacy)
    queens = getattr(exc, "queens_detail", None)
    if queens is not None and major < ACTION_HINT_FROM:
        return exception.Invalid(queens)
    return exc


def bool_from_string(value: Any) -> bool:
    """oslo.utils ``strutils.bool_from_string`` for values the boolean schema accepted."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "t", "true", "on", "y", "yes")
