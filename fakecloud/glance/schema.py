"""The image JSON schema (``glance/api/v2/images.py get_schema``) and validation against it.

The schema is Glance's base properties plus the custom properties of the shipped
``schema-image.json`` (``kernel_id``/``ramdisk_id`` null-or-UUID, a few strings, the Cinder
encryption keys); any other property must be a string (``additionalProperties``).

Validation runs a hand-written check of the same rules first, which costs microseconds. Only
when that check finds a problem does jsonschema run, so that the 400's message is the one real
Glance gives (``Provided object does not match schema 'image': <jsonschema's text>``).
"""

from __future__ import annotations

import copy
import re
from typing import Any

from fakecloud.api.validation import as_before_4_21
from fakecloud.profiles.series import GLANCE_JSONSCHEMA_4_21_SINCE

UUID_PATTERN = (
    "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$"
)
_UUID_RE = re.compile(UUID_PATTERN)


#: The newest Glance series fakecloud models (the schema's default).
LATEST_GLANCE = 33
#: The first Glance whose images have ``os_hidden`` and the multihash (Rocky, 17.0.0): before
#: it they are neither in the schema, the view, the create/PATCH attributes nor the filters.
MULTIHASH_SINCE = 17
#: The fields `MULTIHASH_SINCE` added.
MULTIHASH_FIELDS = ("os_hidden", "os_hash_algo", "os_hash_value")
#: What the series' image view leaves out of the custom properties
#: (``ResponseSerializer._hidden_properties``): none before Glance 22.0.0, the staging host from
#: then on, also the hashing host from 31.0.0 (f84e4f012).
_HIDDEN_SINCE = (
    (31, ("os_glance_stage_host", "os_glance_hash_op_host")),
    (22, ("os_glance_stage_host",)),
)


def hidden_properties(glance: int) -> frozenset[str]:
    """The custom properties Glance `glance` (a major version) leaves out of its image view."""
    return frozenset(next((names for since, names in _HIDDEN_SINCE if glance >= since), ()))


def base_properties(
    disk_formats: list[str], container_formats: list[str], glance: int = LATEST_GLANCE
) -> dict[str, Any]:
    """Glance's ``get_base_properties()`` for the configured formats, as Glance `glance` (a major
    version) has it (``glance/api/v2/images.py`` of each series): no ``os_hidden``,
    ``os_hash_algo``, ``os_hash_value`` nor store before 17.0.0, the store named ``backend``
    ("Backend store to upload image to") in 17.x and 18.x, ``stores`` from 19.0.0, and a
    location's ``validation_data`` from 18.0.0."""
    props = _latest_base_properties(disk_formats, container_formats)
    if glance < 18:
        del props["locations"]["items"]["properties"]["validation_data"]
    if glance < MULTIHASH_SINCE:
        for name in (*MULTIHASH_FIELDS, "stores"):
            del props[name]
    elif glance < 19:
        props = {
            ("backend" if k == "stores" else k): (_BACKEND if k == "stores" else v)
            for k, v in props.items()
        }
    return props


_BACKEND = {"type": "string", "readOnly": True, "description": "Backend store to upload image to"}


def _latest_base_properties(
    disk_formats: list[str], container_formats: list[str]
) -> dict[str, Any]:
    return {
        "id": {
            "type": "string",
            "description": "An identifier for the image",
            "pattern": UUID_PATTERN,
        },
        "name": {
            "type": ["null", "string"],
            "description": "Descriptive name for the image",
            "maxLength": 255,
        },
        "status": {
            "type": "string",
            "readOnly": True,
            "description": "Status of the image",
            "enum": [
                "queued",
                "saving",
                "active",
                "killed",
                "deleted",
                "uploading",
                "importing",
                "pending_delete",
                "deactivated",
            ],
        },
        "visibility": {
            "type": "string",
            "description": "Scope of image accessibility",
            "enum": ["community", "public", "private", "shared"],
        },
        "protected": {"type": "boolean", "description": "If true, image will not be deletable."},
        "os_hidden": {
            "type": "boolean",
            "description": "If true, image will not appear in default image list response.",
        },
        "checksum": {
            "type": ["null", "string"],
            "readOnly": True,
            "description": "md5 hash of image contents.",
            "maxLength": 32,
        },
        "os_hash_algo": {
            "type": ["null", "string"],
            "readOnly": True,
            "description": "Algorithm to calculate the os_hash_value",
            "maxLength": 64,
        },
        "os_hash_value": {
            "type": ["null", "string"],
            "readOnly": True,
            "description": "Hexdigest of the image contents using the algorithm specified by "
            "the os_hash_algo",
            "maxLength": 128,
        },
        "owner": {
            "type": ["null", "string"],
            "description": "Owner of the image",
            "maxLength": 255,
        },
        "size": {
            "type": ["null", "integer"],
            "readOnly": True,
            "description": "Size of image file in bytes",
        },
        "virtual_size": {
            "type": ["null", "integer"],
            "readOnly": True,
            "description": "Virtual size of image in bytes",
        },
        "container_format": {
            "type": ["null", "string"],
            "description": "Format of the container",
            "enum": [None, *container_formats],
        },
        "disk_format": {
            "type": ["null", "string"],
            "description": "Format of the disk",
            "enum": [None, *disk_formats],
        },
        "created_at": {
            "type": "string",
            "readOnly": True,
            "description": "Date and time of image registration",
        },
        "updated_at": {
            "type": "string",
            "readOnly": True,
            "description": "Date and time of the last image modification",
        },
        "tags": {
            "type": "array",
            "description": "List of strings related to the image",
            "items": {"type": "string", "maxLength": 255},
        },
        "direct_url": {
            "type": "string",
            "readOnly": True,
            "description": "URL to access the image file kept in external store",
        },
        "min_ram": {
            "type": "integer",
            "description": "Amount of ram (in MB) required to boot image.",
        },
        "min_disk": {
            "type": "integer",
            "description": "Amount of disk space (in GB) required to boot image.",
        },
        "self": {"type": "string", "readOnly": True, "description": "An image self url"},
        "file": {"type": "string", "readOnly": True, "description": "An image file url"},
        "stores": {
            "type": "string",
            "readOnly": True,
            "description": "Store in which image data resides.  Only present when the operator "
            "has enabled multiple stores.  May be a comma-separated list of store identifiers.",
        },
        "schema": {"type": "string", "readOnly": True, "description": "An image schema url"},
        "locations": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "url": {"type": "string", "maxLength": 255},
                    "metadata": {"type": "object"},
                    "validation_data": {
                        "description": "Values to be used to populate the corresponding image "
                        "properties. If the image status is not 'queued', values must exactly "
                        "match those already contained in the image properties.",
                        "type": "object",
                        "writeOnly": True,
                        "additionalProperties": False,
                        "properties": {
                            "checksum": {"type": "string", "minLength": 32, "maxLength": 32},
                            "os_hash_algo": {"type": "string", "maxLength": 64},
                            "os_hash_value": {"type": "string", "maxLength": 128},
                        },
                        "required": ["os_hash_algo", "os_hash_value"],
                    },
                },
                "required": ["url", "metadata"],
            },
            "description": "A set of URLs to access the image file kept in external store",
        },
    }


def _uuid_or_null(what: str) -> dict[str, Any]:
    return {
        "type": ["null", "string"],
        "pattern": UUID_PATTERN,
        "description": f"ID of image stored in Glance that should be used as the {what} when "
        "booting an AMI-style image.",
        "is_base": False,
    }


def _string(description: str) -> dict[str, Any]:
    return {"type": "string", "description": description, "is_base": False}


# The shipped etc/schema-image.json, as every deployment loads it (the newest; see
# `custom_properties` for older series).
CUSTOM_PROPERTIES: dict[str, dict[str, Any]] = {
    "kernel_id": _uuid_or_null("kernel"),
    "ramdisk_id": _uuid_or_null("ramdisk"),
    "instance_uuid": _string(
        "Metadata which can be used to record which instance this image is associated with. "
        "(Informational only, does not create an instance snapshot.)"
    ),
    "architecture": _string(
        "Operating system architecture as specified in "
        "https://docs.openstack.org/python-glanceclient/latest/cli/property-keys.html"
    ),
    "os_distro": _string(
        "Common name of operating system distribution as specified in "
        "https://docs.openstack.org/python-glanceclient/latest/cli/property-keys.html"
    ),
    "os_version": _string("Operating system version as specified by the distributor."),
    "description": _string("A human-readable string describing this image."),
    "cinder_encryption_key_id": _string(
        "Identifier in the OpenStack Key Management Service for the encryption key for the "
        "Block Storage Service to use when mounting a volume created from this image"
    ),
    "cinder_encryption_key_deletion_policy": {
        **_string(
            "States the condition under which the Image Service will delete the object "
            "associated with the 'cinder_encryption_key_id' image property.  If this property "
            "is missing, the Image Service will take no action"
        ),
        "enum": ["on_image_deletion", "do_not_delete"],
    },
}


def custom_properties(glance: int = LATEST_GLANCE) -> dict[str, Any]:
    """The shipped ``etc/schema-image.json`` of Glance `glance` (a major version): without
    ``description`` and with ``os_version``'s description lacking its full stop before 18.0.0,
    without the two ``cinder_encryption_*`` keys before 19.0.0."""
    props = copy.deepcopy(CUSTOM_PROPERTIES)
    if glance < 19:
        del props["cinder_encryption_key_id"], props["cinder_encryption_key_deletion_policy"]
    if glance < 18:
        del props["description"]
        props["os_version"]["description"] = (
            "Operating system version as specified by the distributor"
        )
    return props


LINKS = [
    {"rel": "self", "href": "{self}"},
    {"rel": "enclosure", "href": "{file}"},
    {"rel": "describedby", "href": "{schema}"},
]

_JSON_TYPES = {
    "string": lambda v: isinstance(v, str),
    "null": lambda v: v is None,
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


def _never(value: Any) -> bool:
    return False


def _check_of(key: str, prop: dict[str, Any]) -> Any:
    """A conservative check of one property's value: True only when jsonschema would surely
    accept it. The common shapes get a one-line check; the rest the general one."""
    if key == "locations":
        return _never  # rare; let jsonschema judge
    types = prop.get("type")
    types = () if types is None else tuple(types) if isinstance(types, list) else (types,)
    rest = set(prop) - {"type", "description", "readOnly", "is_base"}
    if types == ("string",) and not rest:
        return lambda v: isinstance(v, str)
    if types == ("null", "string") and rest == {"maxLength"}:
        limit = prop["maxLength"]
        return lambda v: v is None or (isinstance(v, str) and len(v) <= limit)
    if types == ("null", "integer") and not rest:
        return lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool))
    if types == ("integer",) and not rest:
        return lambda v: isinstance(v, int) and not isinstance(v, bool)
    if types == ("boolean",) and not rest:
        return lambda v: isinstance(v, bool)
    if rest == {"enum"} and types in (("string",), ("null", "string")):
        enum = tuple(prop["enum"])
        if types == ("string",):
            return lambda v: isinstance(v, str) and v in enum
        return lambda v: (v is None or isinstance(v, str)) and v in enum
    checks = [_JSON_TYPES[t] for t in types]
    enum = prop.get("enum")
    limit = prop.get("maxLength")
    pattern = "pattern" in prop
    item_limit = prop.get("items", {}).get("maxLength", 1 << 30)

    def fits(value: Any) -> bool:
        for check in checks:
            if check(value):
                break
        else:
            if checks:
                return False
        if enum is not None and value not in enum:
            return False
        if isinstance(value, str):
            if limit is not None and len(value) > limit:
                return False
            if pattern and not _UUID_RE.search(value):
                return False
        if isinstance(value, list):
            for item in value:
                if not isinstance(item, str) or len(item) > item_limit:
                    return False
        return True

    return fits


def _is_string(value: Any) -> bool:
    """additionalProperties: a custom property's value is a string."""
    return isinstance(value, str)


_SHARED: dict[tuple[tuple[str, ...], tuple[str, ...], int, bool], ImageSchema] = {}

#: How many of its verdicts a schema keeps (`ImageSchema._jsonschema_message`); past that it
#: starts again from none.
MESSAGES_KEPT = 512
#: The longest repr of a body whose verdict is kept: a longer one (a name of megabytes sent
#: again and again) is checked each time, so the 512 kept hold a few megabytes at most.
MESSAGE_KEY_MAX = 4096
_UNSEEN = object()


def schema_text(error: Any, glance: int) -> str:
    """``encodeutils.exception_to_unicode`` of jsonschema's error (its whole text) as Glance
    `glance` prints it: in the words and key order of its series' jsonschema
    (`fakecloud.api.validation.as_before_4_21` before `GLANCE_JSONSCHEMA_4_21_SINCE`)."""
    if glance < GLANCE_JSONSCHEMA_4_21_SINCE:
        as_before_4_21(error)
    return str(error)


class SchemaError(Exception):
    """``exception.InvalidObject``: the message real Glance puts in its 400."""


class ImageSchema:
    """The image schema of a Glance series with these formats (from its configuration).

    Read-only once built: every Glance of the same series with the same formats shares one
    (`for_formats`), and `raw` hands out copies.
    """

    _validator: Any
    #: `_jsonschema_message`'s answers by the repr of the object checked.
    _messages: dict[str, str | None]

    def __init__(
        self,
        disk_formats: list[str],
        container_formats: list[str],
        glance: int = LATEST_GLANCE,
        import_statuses: bool = True,
    ):
        #: The Glance major version whose schema this is.
        self.glance = glance
        #: Whether images have ``os_hidden`` and the multihash (`MULTIHASH_SINCE`).
        self.multihash = glance >= MULTIHASH_SINCE
        #: The custom properties the image view leaves out (`hidden_properties`).
        self.hidden_properties = hidden_properties(glance)
        self.properties = base_properties(disk_formats, container_formats, glance)
        if not import_statuses:  # switch glance_schema_import_statuses off: Glance 16.0.0
            enum = self.properties["status"]["enum"]
            self.properties["status"]["enum"] = [
                s for s in enum if s not in ("uploading", "importing")
            ]
        self.properties.update(custom_properties(glance))
        self._validator = None
        self._messages = {}
        self._checks = {key: _check_of(key, prop) for key, prop in self.properties.items()}
        self._base = frozenset(
            key for key, prop in self.properties.items() if prop.get("is_base", True)
        )
        # Nova asks this of every key of every image view it reads: a set's own lookup.
        self.is_base = self._base.__contains__  # type: ignore[method-assign]

    @classmethod
    def for_formats(
        cls,
        disk_formats: list[str],
        container_formats: list[str],
        glance: int = LATEST_GLANCE,
        import_statuses: bool = True,
    ) -> ImageSchema:
        """The schema shared by every Glance of series `glance` with these formats (and, in
        Glance 16, `import_statuses`: switch ``glance_schema_import_statuses``)."""
        key = (tuple(disk_formats), tuple(container_formats), glance, import_statuses)
        found = _SHARED.get(key)
        if found is None:
            found = _SHARED[key] = cls(
                list(disk_formats), list(container_formats), glance, import_statuses
            )
        return found

    def raw(self) -> dict[str, Any]:
        """``PermissiveSchema.raw()``: what ``GET /v2/schemas/image`` returns (a copy)."""
        return {
            "name": "image",
            "properties": copy.deepcopy(self.properties),
            "additionalProperties": {"type": "string"},
            "links": [dict(link) for link in LINKS],
        }

    def is_base(self, key: str) -> bool:
        """Whether `key` is one of Glance's base attributes (not a custom property)."""
        return key in self._base

    def quick_check(self, key: str) -> Any:
        """The conservative check `validate` first runs on a value of property `key`: True
        only when jsonschema would surely accept ``{key: value}`` (False: ask `validate`)."""
        return self._checks.get(key) or _is_string

    def validate(self, obj: dict[str, Any]) -> None:
        """Raise `SchemaError` with Glance's message if `obj` does not match the schema."""
        if isinstance(obj, dict) and self._fits_all(obj):
            return
        message = self._jsonschema_message(obj)
        if message is not None:
            raise SchemaError(f"Provided object does not match schema 'image': {message}")

    def _fits_all(self, obj: dict[str, Any]) -> bool:
        """A conservative check: True only when jsonschema would surely accept `obj`."""
        checks = self._checks
        for key, value in obj.items():
            check = checks.get(key)
            if check is None:  # additionalProperties: a string
                if not isinstance(value, str):
                    return False
            elif not check(value):
                return False
        return True

    def split(self, obj: dict[str, Any], base: frozenset[str]) -> Any:
        """`validate`'s quick check of a create's body and the body's split in one pass:
        ``(attrs, extras)``, the keys in `base` but ``tags`` (read by name only) and the rest
        (in the body's order), or None when a value fails the quick check (then `validate`
        judges the body)."""
        checks = self._checks
        attrs: dict[str, Any] = {}
        extras: dict[str, Any] = {}
        for key, value in obj.items():
            check = checks.get(key)
            if check is None:  # additionalProperties: a string
                if not isinstance(value, str):
                    return None
            elif not check(value):
                return None
            if key not in base:
                extras[key] = value
            elif key != "tags":
                attrs[key] = value
        return attrs, extras

    def _jsonschema_message(self, obj: dict[str, Any]) -> str | None:
        """jsonschema's verdict on `obj` as Glance words it (None: valid), remembered by the
        repr of `obj`. The body is JSON (dicts, lists, strings, numbers, booleans, null), whose
        repr tells apart all jsonschema tells apart (``1``, ``1.0`` and ``True``, the keys'
        order its errors follow), so an equal repr is the same verdict and the same words. A
        refused image write is checked by jsonschema and its whole error worded (the schema
        pretty-printed: ``ValidationError.__str__``, some 0.5 ms); a client that sends the
        same bad body again, and a patch read in full after the short path refused it
        (`fakecloud.glance.patch`), get the words already made."""
        key = repr(obj)
        found = self._messages.get(key, _UNSEEN)
        if found is not _UNSEEN:
            return found
        if self._validator is None:
            import jsonschema

            cls = jsonschema.validators.validator_for(self.raw())
            self._validator = cls(self.raw())
        import jsonschema

        error = jsonschema.exceptions.best_match(self._validator.iter_errors(obj))
        message = None if error is None else schema_text(error, self.glance)
        if len(key) <= MESSAGE_KEY_MAX:
            if len(self._messages) >= MESSAGES_KEPT:
                self._messages.clear()
            self._messages[key] = message
        return message

    def filter(self, view: dict[str, Any]) -> dict[str, Any]:
        """``Schema.filter``: a null custom property outside the schema is shown as ""."""
        props = self.properties
        return {k: ("" if v is None and k not in props else v) for k, v in view.items()}
