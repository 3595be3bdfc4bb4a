"""Quick checks for the request bodies Cinder validates on every flow, and ``is_uuid_like``.

Every boot from volume creates a volume, creates and updates an attachment and completes it;
every volume snapshot creates a snapshot. Full JSON Schema validation of those bodies costs
more than the rest of the request, so each has a quick check here that accepts only bodies its
schema accepts (plain types, known keys, values well inside the limits) and answers False for
anything else, which then goes through jsonschema in full: every error, and its wording, still
comes from jsonschema. Property tests (tests/cinder/test_fast_paths.py and
tests/nova/test_request_fast_paths.py) hold each quick check to jsonschema's answers.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

#: A UUID as uuid.UUID prints it: `is_uuid_like` accepts it without parsing.
CANONICAL_UUID = re.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def is_uuid_like(value: Any) -> bool:
    """oslo.utils ``uuidutils.is_uuid_like``: a UUID, with or without hyphens or braces."""
    if type(value) is str and CANONICAL_UUID.fullmatch(value):
        return True
    try:
        canonical = (
            value.replace("urn:", "").replace("uuid:", "").strip("{}").replace("-", "").lower()
        )
        return str(uuid.UUID(value)).replace("-", "") == canonical
    except (TypeError, ValueError, AttributeError):
        return False


#: Metadata keys the schemas' ``^[a-zA-Z0-9-_:. /]{1,255}$`` accepts (without a final newline).
_META_KEY = re.compile("[a-zA-Z0-9-_:. /]{1,255}")

_BOOL_STRINGS = frozenset(
    ("True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes", "y", "t")
    + ("False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no", "n", "f")
)


def _short_text(value: Any) -> bool:
    return value is None or (type(value) is str and len(value) <= 255 and value.isprintable())


def _optional_string(value: Any, most: int = 255) -> bool:
    return value is None or (type(value) is str and len(value) <= most)


def _metadata(value: Any, nullable: bool) -> bool:
    if value is None:
        return nullable
    if type(value) is not dict:
        return False
    for k, v in value.items():
        if type(k) is not str or not _META_KEY.fullmatch(k):
            return False
        if type(v) is not str or len(v) > 255:
            return False
    return True


def metadata_keys_without_slash(body: Any) -> bool:
    """For a body a quick check accepted (``{entity: {...}}``): no key of the entity's
    ``metadata`` holds a ``/``, as the Cinder 12.x and 13.0.0 schemas' keys
    (``validation.keys_without_slash``)."""
    (entity,) = body.values()
    metadata = entity.get("metadata")
    return not metadata or not any("/" in key for key in metadata)


def _optional_uuid(value: Any) -> bool:
    return value is None or (type(value) is str and is_uuid_like(value))


def snapshot_create_ok(body: Any) -> bool:
    """Only bodies ``SNAPSHOT_CREATE`` accepts."""
    if type(body) is not dict or len(body) != 1:
        return False
    snap = body.get("snapshot")
    if type(snap) is not dict or not snap.keys() <= _SNAPSHOT_KEYS:
        return False
    # Every volume-backed snapshot sends one of these per volume: the checks of
    # `_optional_uuid`, `_short_text` and `_metadata` written out in this frame.
    volume_id = snap.get("volume_id", False)  # (required: False, absent, fails the test)
    if volume_id is not None and not (type(volume_id) is str and is_uuid_like(volume_id)):
        return False
    for key in ("name", "display_name", "description"):
        value = snap.get(key)
        if value is not None and not (
            type(value) is str and len(value) <= 255 and value.isprintable()
        ):
            return False
    if "force" in snap:
        force = snap["force"]
        if not (force is True or force is False or (type(force) is str and force in _BOOL_STRINGS)):
            return False
    metadata = snap.get("metadata")
    return metadata is None or (
        type(metadata) is dict and (not metadata or _metadata(metadata, nullable=True))
    )


_SNAPSHOT_KEYS = frozenset(
    ("name", "display_name", "description", "volume_id", "force", "metadata")
)


def _stripped_name(value: Any) -> bool:
    """The ``*_non_mandatory_remove_white_spaces`` formats, for a string or null."""
    return value is None or (type(value) is str and len(value.strip()) <= 255)


def _size(value: Any) -> bool:
    return value is None or (type(value) is int and 1 <= value <= 2147483647)


def _zone(value: Any) -> bool:
    return value is None or (type(value) is str and 1 <= len(value) <= 255)


#: Each key a quick volume-create body may have, and its check (every create schema version).
_VOLUME_CHECKS = {
    "name": _stripped_name,
    "display_name": _stripped_name,
    "description": _stripped_name,
    "display_description": _stripped_name,
    "volume_type": _optional_string,
    "metadata": lambda v: _metadata(v, nullable=True),
    "snapshot_id": _optional_uuid,
    "source_volid": _optional_uuid,
    "consistencygroup_id": _optional_uuid,
    "size": _size,
    "availability_zone": _zone,
    "multiattach": lambda v: v is None or v is True or v is False,
    "image_id": _optional_string,
    "imageRef": _optional_string,
}


def volume_create_ok(body: Any) -> bool:
    """Only bodies every ``VOLUME_CREATE*`` schema accepts."""
    if type(body) is not dict or len(body) != 1:
        return False
    volume = body.get("volume")
    if type(volume) is not dict:
        return False
    checks = _VOLUME_CHECKS
    for key, value in volume.items():
        check = checks.get(key)
        # Every key's check accepts null (most of what cinderclient sends), so a null value
        # needs only its key known.
        if check is None or (value is not None and not check(value)):
            return False
    return True


def attachment_create_ok(body: Any) -> bool:
    """Only bodies ``ATTACHMENT_CREATE`` (and ``ATTACHMENT_CREATE_V354``) accept."""
    if type(body) is not dict or len(body) != 1:
        return False
    attachment = body.get("attachment")
    if type(attachment) is not dict or not attachment.keys() <= _ATTACHMENT_KEYS:
        return False
    volume = attachment.get("volume_uuid")
    if type(volume) is not str or not is_uuid_like(volume):
        return False
    if "instance_uuid" in attachment:
        instance = attachment["instance_uuid"]
        if type(instance) is not str or not is_uuid_like(instance):
            return False
    connector = attachment.get("connector")
    return connector is None or type(connector) is dict


_ATTACHMENT_KEYS = frozenset(("instance_uuid", "connector", "volume_uuid"))


def attachment_update_ok(body: Any) -> bool:
    """Only bodies ``ATTACHMENT_UPDATE`` accepts."""
    if type(body) is not dict or len(body) != 1:
        return False
    attachment = body.get("attachment")
    if type(attachment) is not dict or len(attachment) != 1:
        return False
    connector = attachment.get("connector")
    return type(connector) is dict and len(connector) >= 1


def attachment_complete_ok(body: Any) -> bool:
    """Only bodies ``ATTACHMENT_COMPLETE`` accepts: ``{"os-complete": <anything JSON>}``."""
    return type(body) is dict and len(body) == 1 and "os-complete" in body
