"""Glance's own image JSON schema (``GET /v2/schemas/image``), vendored for the shape tests.

Copied from glance 33.0.0 (Apache-2.0, (c) OpenStack Foundation and contributors):
``glance/api/v2/images.py`` (``get_base_properties``, ``_get_base_links``, ``get_schema``),
``glance/schema.py`` (``PermissiveSchema.raw``, ``CollectionSchema.raw``) and the shipped
``etc/schema-image.json`` (the custom properties ``get_schema`` merges in). The configured
formats (``CONF.image_format``) are parameters; ``_`` is the identity.

`get_schema(..., glance=16)` is glance 16.0.1's (Queens, the seed profile's series): the same
``get_base_properties`` without ``os_hidden``, ``os_hash_algo``, ``os_hash_value``, ``stores``
and a location's ``validation_data`` (Rocky 17.0.0 and 18.0.0 added them), and its own
``etc/schema-image.json`` (`QUEENS_CUSTOM_PROPERTIES`).

`FAULT` is the JSON error body WebOb renders for Glance's ``webob.exc`` errors
(``{"message", "code", "title"}``, see ``webob/exc.py WSGIHTTPException.json_formatter``).
"""

# ruff: noqa: E501

import copy


def _(msg):
    """oslo.i18n's marker, as the identity."""
    return msg


def get_base_properties(container_formats, disk_formats):
    return {
        "id": {
            "type": "string",
            "description": _("An identifier for the image"),
            "pattern": (
                "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}"
                "-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$"
            ),
        },
        "name": {
            "type": ["null", "string"],
            "description": _("Descriptive name for the image"),
            "maxLength": 255,
        },
        "status": {
            "type": "string",
            "readOnly": True,
            "description": _("Status of the image"),
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
            "description": _("Scope of image accessibility"),
            "enum": ["community", "public", "private", "shared"],
        },
        "protected": {
            "type": "boolean",
            "description": _("If true, image will not be deletable."),
        },
        "os_hidden": {
            "type": "boolean",
            "description": _("If true, image will not appear in default image list response."),
        },
        "checksum": {
            "type": ["null", "string"],
            "readOnly": True,
            "description": _("md5 hash of image contents."),
            "maxLength": 32,
        },
        "os_hash_algo": {
            "type": ["null", "string"],
            "readOnly": True,
            "description": _("Algorithm to calculate the os_hash_value"),
            "maxLength": 64,
        },
        "os_hash_value": {
            "type": ["null", "string"],
            "readOnly": True,
            "description": _(
                "Hexdigest of the image contents using the algorithm specified by the os_hash_algo"
            ),
            "maxLength": 128,
        },
        "owner": {
            "type": ["null", "string"],
            "description": _("Owner of the image"),
            "maxLength": 255,
        },
        "size": {
            "type": ["null", "integer"],
            "readOnly": True,
            "description": _("Size of image file in bytes"),
        },
        "virtual_size": {
            "type": ["null", "integer"],
            "readOnly": True,
            "description": _("Virtual size of image in bytes"),
        },
        "container_format": {
            "type": ["null", "string"],
            "description": _("Format of the container"),
            "enum": [None] + container_formats,
        },
        "disk_format": {
            "type": ["null", "string"],
            "description": _("Format of the disk"),
            "enum": [None] + disk_formats,
        },
        "created_at": {
            "type": "string",
            "readOnly": True,
            "description": _("Date and time of image registration"),
            # TODO(bcwaldon): our jsonschema library doesn't seem to like the
            # format attribute, figure out why!
            # 'format': 'date-time',
        },
        "updated_at": {
            "type": "string",
            "readOnly": True,
            "description": _("Date and time of the last image modification"),
            # 'format': 'date-time',
        },
        "tags": {
            "type": "array",
            "description": _("List of strings related to the image"),
            "items": {
                "type": "string",
                "maxLength": 255,
            },
        },
        "direct_url": {
            "type": "string",
            "readOnly": True,
            "description": _("URL to access the image file kept in external store"),
        },
        "min_ram": {
            "type": "integer",
            "description": _("Amount of ram (in MB) required to boot image."),
        },
        "min_disk": {
            "type": "integer",
            "description": _("Amount of disk space (in GB) required to boot image."),
        },
        "self": {
            "type": "string",
            "readOnly": True,
            "description": _("An image self url"),
        },
        "file": {
            "type": "string",
            "readOnly": True,
            "description": _("An image file url"),
        },
        "stores": {
            "type": "string",
            "readOnly": True,
            "description": _(
                "Store in which image data resides.  Only "
                "present when the operator has enabled multiple "
                "stores.  May be a comma-separated list of store "
                "identifiers."
            ),
        },
        "schema": {
            "type": "string",
            "readOnly": True,
            "description": _("An image schema url"),
        },
        "locations": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "url": {
                        "type": "string",
                        "maxLength": 255,
                    },
                    "metadata": {
                        "type": "object",
                    },
                    "validation_data": {
                        "description": _(
                            "Values to be used to populate the corresponding "
                            "image properties. If the image status is not "
                            "'queued', values must exactly match those "
                            "already contained in the image properties."
                        ),
                        "type": "object",
                        "writeOnly": True,
                        "additionalProperties": False,
                        "properties": {
                            "checksum": {
                                "type": "string",
                                "minLength": 32,
                                "maxLength": 32,
                            },
                            "os_hash_algo": {
                                "type": "string",
                                "maxLength": 64,
                            },
                            "os_hash_value": {
                                "type": "string",
                                "maxLength": 128,
                            },
                        },
                        "required": [
                            "os_hash_algo",
                            "os_hash_value",
                        ],
                    },
                },
                "required": ["url", "metadata"],
            },
            "description": _("A set of URLs to access the image file kept in external store"),
        },
    }


def _get_base_links():
    return [
        {"rel": "self", "href": "{self}"},
        {"rel": "enclosure", "href": "{file}"},
        {"rel": "describedby", "href": "{schema}"},
    ]


#: etc/schema-image.json as glance 33.0.0 ships it.
CUSTOM_PROPERTIES = {
    "kernel_id": {
        "type": ["null", "string"],
        "pattern": "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$",
        "description": "ID of image stored in Glance that should be used as the kernel when booting an AMI-style image.",
    },
    "ramdisk_id": {
        "type": ["null", "string"],
        "pattern": "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$",
        "description": "ID of image stored in Glance that should be used as the ramdisk when booting an AMI-style image.",
    },
    "instance_uuid": {
        "type": "string",
        "description": "Metadata which can be used to record which instance this image is associated with. (Informational only, does not create an instance snapshot.)",
    },
    "architecture": {
        "description": "Operating system architecture as specified in https://docs.openstack.org/python-glanceclient/latest/cli/property-keys.html",
        "type": "string",
    },
    "os_distro": {
        "description": "Common name of operating system distribution as specified in https://docs.openstack.org/python-glanceclient/latest/cli/property-keys.html",
        "type": "string",
    },
    "os_version": {
        "description": "Operating system version as specified by the distributor.",
        "type": "string",
    },
    "description": {
        "description": "A human-readable string describing this image.",
        "type": "string",
    },
    "cinder_encryption_key_id": {
        "description": "Identifier in the OpenStack Key Management Service for the encryption key for the Block Storage Service to use when mounting a volume created from this image",
        "type": "string",
    },
    "cinder_encryption_key_deletion_policy": {
        "description": "States the condition under which the Image Service will delete the object associated with the 'cinder_encryption_key_id' image property.  If this property is missing, the Image Service will take no action",
        "type": "string",
        "enum": ["on_image_deletion", "do_not_delete"],
    },
}


#: etc/schema-image.json as glance 16.0.1 ships it.
QUEENS_CUSTOM_PROPERTIES = {
    **{k: CUSTOM_PROPERTIES[k] for k in ("kernel_id", "ramdisk_id", "instance_uuid")},
    **{k: CUSTOM_PROPERTIES[k] for k in ("architecture", "os_distro")},
    "os_version": {
        "description": "Operating system version as specified by the distributor",
        "type": "string",
    },
}


def _queens_base_properties(container_formats, disk_formats):
    """glance 16.0.1's ``get_base_properties``: 33.0.0's without what Rocky added."""
    properties = get_base_properties(container_formats, disk_formats)
    for key in ("os_hidden", "os_hash_algo", "os_hash_value", "stores"):
        del properties[key]
    del properties["locations"]["items"]["properties"]["validation_data"]
    return properties


def get_schema(container_formats, disk_formats, glance=33):
    """``get_schema(load_custom_properties()).raw()``: a PermissiveSchema named ``image``
    (glance 33.0.0's, or 16.0.1's for `glance` 16)."""
    if glance == 16:
        properties = _queens_base_properties(container_formats, disk_formats)
        custom = copy.deepcopy(QUEENS_CUSTOM_PROPERTIES)
    else:
        properties = get_base_properties(container_formats, disk_formats)
        custom = copy.deepcopy(CUSTOM_PROPERTIES)
    for value in custom.values():
        value["is_base"] = False
    properties.update(custom)
    return {
        "name": "image",
        "properties": properties,
        "additionalProperties": {"type": "string"},
        "links": _get_base_links(),
    }


def get_collection_schema(container_formats, disk_formats, glance=33):
    """``CollectionSchema('images', image_schema).raw()``."""
    return {
        "name": "images",
        "properties": {
            "images": {
                "type": "array",
                "items": get_schema(container_formats, disk_formats, glance),
            },
            "first": {"type": "string"},
            "next": {"type": "string"},
            "schema": {"type": "string"},
        },
        "links": [
            {"rel": "first", "href": "{first}"},
            {"rel": "next", "href": "{next}"},
            {"rel": "describedby", "href": "{schema}"},
        ],
    }


#: WebOb's JSON error body.
FAULT = {
    "type": "object",
    "properties": {
        "message": {"type": "string"},
        "code": {"type": "string", "pattern": "^[1-5][0-9][0-9] [A-Z]"},
        "title": {"type": "string"},
    },
    "required": ["message", "code", "title"],
    "additionalProperties": False,
}


#: glance/api/v2/image_members.py ``_MEMBER_SCHEMA`` (``get_schema``: a plain ``Schema``).
_MEMBER_SCHEMA = {
    "member_id": {
        "type": "string",
        "description": _("An identifier for the image member (tenantId)"),
    },
    "image_id": {
        "type": "string",
        "description": _("An identifier for the image"),
        "pattern": (
            "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}"
            "-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$"
        ),
    },
    "created_at": {
        "type": "string",
        "description": _("Date and time of image member creation"),
    },
    "updated_at": {
        "type": "string",
        "description": _("Date and time of last modification of image member"),
    },
    "status": {
        "type": "string",
        "description": _("The status of this image member"),
        "enum": ["pending", "accepted", "rejected"],
    },
    "schema": {"readOnly": True, "type": "string"},
}


def get_member_schema():
    """``GET /v2/schemas/member``: ``image_members.get_schema().minimal()``."""
    return {"name": "member", "properties": copy.deepcopy(_MEMBER_SCHEMA)}


def get_member_collection_schema():
    """``GET /v2/schemas/members``: ``CollectionSchema('members', member_schema).minimal()``."""
    return {
        "name": "members",
        "properties": {
            "members": {"type": "array", "items": get_member_schema()},
            "schema": {"type": "string"},
        },
        "links": [{"rel": "describedby", "href": "{schema}"}],
    }


#: The metadata-definitions schemas (``GET /v2/schemas/metadefs/{name}``): name → (the
#: document's ``name``, its required properties, a few of its properties), read from
#: glance/api/v2/metadef_*.py.
METADEF_FACTS = {
    "namespace": (
        "namespace",
        ["namespace"],
        {"visibility", "protected", "resource_type_associations"},
    ),
    "namespaces": ("namespaces", None, {"namespaces", "first", "next", "schema"}),
    "resource_type": ("resource_type_association", ["name"], {"prefix", "properties_target"}),
    "resource_types": ("resource_type_associations", None, {"resource_type_associations"}),
    "property": ("property", ["type", "title", "name"], {"operators", "readonly", "enum"}),
    "properties": ("properties", None, {"properties", "first", "next", "schema"}),
    "object": ("object", ["name"], {"required", "properties", "self"}),
    "objects": ("objects", None, {"objects", "first", "next", "schema"}),
    "tag": ("tag", ["name"], {"name", "created_at", "updated_at"}),
    "tags": ("tags", None, {"tags", "first", "next", "schema"}),
}
