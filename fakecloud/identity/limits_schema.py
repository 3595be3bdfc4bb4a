"""The request bodies of Keystone's unified limits (``keystone/limit/schema.py``): from 27.0.0
the whole body's schema (``registered_limits_create_request_body`` and the rest, checked by
``keystone/api/validation`` with JSON Schema 2020-12 and a ``uuid`` format any UUID-like string
passes, before the policy: `validate`); 15.0.0-26.x the list or object under the body's key
alone (``registered_limit_create``, ``registered_limit_update``, ``limit_create``,
``limit_update``), checked by ``lazy_validate`` after the policy and printed with its keys
sorted (`old_validate`).
"""

from __future__ import annotations

from typing import Any

import jsonschema
from oslo_utils import uuidutils

from fakecloud.identity import admin_schema, schema

#: ``_limit_integer_type``: a signed SQL INT, -1 for no limit.
_LIMIT = {"type": "integer", "minimum": -1, "maximum": 0x7FFFFFFF}
_NAME = {"type": "string", "minLength": 1, "maxLength": 255, "pattern": r"[\S]+"}
_UUID = {"type": "string", "format": "uuid"}
_REGION = {"type": ["string", "null"], "minLength": 1, "maxLength": 255}
_DESCRIPTION = {"type": ["string", "null"], "maxLength": 255}
_ID = {"type": "string", "minLength": 1, "maxLength": 64, "pattern": r"^[a-zA-Z0-9-]+$"}
_NULLABLE_ID = {**_ID, "type": ["string", "null"]}

_REGISTERED = {
    "service_id": _UUID,
    "region_id": _REGION,
    "resource_name": _NAME,
    "default_limit": _LIMIT,
    "description": _DESCRIPTION,
}
_LIMIT_WHAT = {
    "resource_name": _NAME,
    "region_id": _REGION,
    "service_id": _UUID,
    "resource_limit": _LIMIT,
    "description": _DESCRIPTION,
}
_LIMIT_REQUIRED = ["service_id", "resource_name", "resource_limit"]


def _body(key: str, inner: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {key: inner},
        "required": [key],
        "additionalProperties": False,
    }


def _listed(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item, "minItems": 1}


REGISTERED_CREATE = _body(
    "registered_limits",
    _listed(
        {
            "type": "object",
            "properties": _REGISTERED,
            "additionalProperties": False,
            "required": ["service_id", "resource_name", "default_limit"],
        }
    ),
)
REGISTERED_UPDATE = _body(
    "registered_limit",
    {"type": "object", "properties": _REGISTERED, "additionalProperties": False},
)
LIMITS_CREATE = _body(
    "limits",
    _listed(
        {
            "type": "object",
            "properties": {"project_id": _NULLABLE_ID, "domain_id": _NULLABLE_ID, **_LIMIT_WHAT},
            "required": _LIMIT_REQUIRED,
            "oneOf": [
                {"required": [*_LIMIT_REQUIRED, "domain_id"]},
                {"required": [*_LIMIT_REQUIRED, "project_id"]},
            ],
            "additionalProperties": False,
        }
    ),
)
LIMIT_UPDATE = _body(
    "limit",
    {
        "type": "object",
        "properties": {"resource_limit": _LIMIT, "description": _DESCRIPTION},
        "additionalProperties": False,
    },
)

#: 15.0.0-26.x: ``parameter_types.id_string`` and ``description`` (a string, nullable).
_OLD_STRING = {"type": "string", "minLength": 1, "maxLength": 255}
_OLD_DESCRIPTION = {"type": ["string", "null"]}
_OLD_REGISTERED = {
    "service_id": _ID,
    "region_id": {"type": ["null", "string"]},
    "resource_name": _OLD_STRING,
    "default_limit": _LIMIT,
    "description": _OLD_DESCRIPTION,
}


def _old_limit(
    owner: str, name: dict[str, Any] = _OLD_STRING, integer: dict[str, Any] = _LIMIT
) -> dict[str, Any]:
    """One of ``limit_create``'s ``oneOf``: a project's or a domain's (`owner`) limit, its
    resource `name` and `integer` limit as the release bounds them."""
    return {
        "properties": {
            owner: _ID,
            "service_id": _ID,
            "region_id": {"type": "string"},
            "resource_name": name,
            "resource_limit": integer,
            "description": _OLD_DESCRIPTION,
        },
        "required": [owner, "service_id", "resource_name", "resource_limit"],
        "additionalProperties": False,
    }


def _lazy(
    registered: dict[str, Any], limit_item: dict[str, Any], integer: dict[str, Any]
) -> dict[int, dict[str, Any]]:
    """A release's ``lazy_validate`` schema of each body's key, by the 27.0.0 body schema it
    became: `registered`'s properties, a limit's `limit_item`, an update's `integer`."""
    return {
        id(REGISTERED_CREATE): _listed(
            {
                "type": "object",
                "properties": registered,
                "additionalProperties": False,
                "required": ["service_id", "resource_name", "default_limit"],
            }
        ),
        id(REGISTERED_UPDATE): {
            "type": "object",
            "properties": registered,
            "additionalProperties": False,
        },
        id(LIMITS_CREATE): _listed(limit_item),
        id(LIMIT_UPDATE): {
            "type": "object",
            "properties": {"resource_limit": integer, "description": _OLD_DESCRIPTION},
            "additionalProperties": False,
        },
    }


#: 15.0.0-26.x.
OLD = _lazy(
    _OLD_REGISTERED,
    {"type": "object", "oneOf": [_old_limit("project_id"), _old_limit("domain_id")]},
    _LIMIT,
)

#: 14.x (Rocky): no bounds, project limits alone, a registered limit's region a string.
_STRING = {"type": "string"}
_INTEGER = {"type": "integer"}
ROCKY = _lazy(
    {
        "service_id": _ID,
        "region_id": _STRING,
        "resource_name": _STRING,
        "default_limit": _INTEGER,
        "description": _OLD_DESCRIPTION,
    },
    {"type": "object", **_old_limit("project_id", _STRING, _INTEGER)},
    _INTEGER,
)

#: 13.x (Queens, keystone 13.0.4 ``limit/schema.py``): no description; an update is ``PUT``
#: of a list of records by ``id`` (a limit's ``resource_limit`` alone).
_QUEENS_REGISTERED = {k: v for k, v in ROCKY[id(REGISTERED_CREATE)]["items"]["properties"].items()
                      if k != "description"}  # fmt: skip
_QUEENS_LIMIT = {
    "properties": {
        k: v
        for k, v in _old_limit("project_id", _STRING, _INTEGER)["properties"].items()
        if k != "description"
    }
}


def _queens_item(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return _listed(
        {"type": "object", "properties": properties, "additionalProperties": False,
         "required": required}
    )  # fmt: skip


QUEENS = {
    id(REGISTERED_CREATE): _queens_item(
        _QUEENS_REGISTERED, ["service_id", "resource_name", "default_limit"]
    ),
    id(REGISTERED_UPDATE): _queens_item({"id": _ID, **_QUEENS_REGISTERED}, ["id"]),
    id(LIMITS_CREATE): _queens_item(
        _QUEENS_LIMIT["properties"], ["project_id", "service_id", "resource_name", "resource_limit"]
    ),
    id(LIMIT_UPDATE): _queens_item(
        {"id": _ID, "resource_limit": _INTEGER}, ["id", "resource_limit"]
    ),
}

_FORMATS = jsonschema.FormatChecker(())


@_FORMATS.checks("uuid")
def _uuid_like(instance: object) -> bool:
    """keystone api/validation/validators.py ``_validate_uuid_format``: a string must be
    UUID-like (``uuidutils.is_uuid_like``: 32 hex digits with or without dashes)."""
    return not isinstance(instance, str) or uuidutils.is_uuid_like(instance)


_VALIDATORS: dict[int, Any] = {}


def validate(body_schema: dict[str, Any], body: Any) -> None:
    """27.0.0 on: `body` against `body_schema` (one of this module's), refused in the body
    schema's words (`admin_schema.refuse`); its validator made on first use."""
    checker = _VALIDATORS.get(id(body_schema))
    if checker is None:
        checker = _VALIDATORS[id(body_schema)] = jsonschema.Draft202012Validator(
            body_schema, format_checker=_FORMATS
        )
    admin_schema.refuse(checker, body)


def old_validate(body_schema: dict[str, Any], value: Any, release: int = 15) -> None:
    """13.0.0-26.x: the body's `value` under its key against the `release`'s schema of it
    (13.x's `QUEENS`, 14.x's `ROCKY`, else `OLD`; ``lazy_validate``, its printout sorted as
    jsonschema then printed it). 13.x's update schemas are its ``PUT`` lists'."""
    found = (QUEENS if release < 14 else ROCKY if release < 15 else OLD)[id(body_schema)]
    schema.lazy_validate(admin_schema.validator(found), value, sort_printed=True)
