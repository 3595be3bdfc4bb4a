"""The request bodies of Keystone's project and user writes, as keystone 27.0.0 checks them.

``keystone/resource/schema.py`` (``project_create_request_body``, ``project_update``,
``domain_create_request_body``, ``domain_update_request_body``) and ``keystone/identity/schema.py``
(``user_create_request``, ``user_update_request``), checked the
way ``keystone/api/validation/validators.py`` ``_SchemaValidator.validate`` does: the first
error jsonschema finds, worded ``Invalid input for field/attribute <last path element>.
Value: <the value>. <jsonschema's message>`` when it has a path, jsonschema's message alone
otherwise; a 400 (`fakecloud.identity.exception.SchemaValidationError`). An older Keystone
checks the record's object alone (each schema's ``properties`` under its key) with
`fakecloud.identity.schema.lazy_validate` (`fakecloud.identity.admin_api`) against its
release's own object schema (`old_project`, `old_user`, `old_domain`).
"""

from __future__ import annotations

import functools
from typing import Any

import jsonschema

from fakecloud.identity import exception
from fakecloud.identity import schema as identity_schema
from fakecloud.profiles.series import (
    KEYSTONE_IDENTITY_NAME_SCHEMA_SINCE,
    KEYSTONE_JSONSCHEMA_4_21_SINCE,
    KEYSTONE_ROLE_DESCRIPTION_SINCE,
    KEYSTONE_ROLE_OPTIONS_SINCE,
    KEYSTONE_USER_FEDERATED_SINCE,
    KEYSTONE_USER_INACTIVITY_OPTION_SINCE,
    KEYSTONE_USER_LOCK_PASSWORD_SINCE,
)


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """``keystone.common.validation.nullable``: the type list gains ``null``."""
    kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    out = {**schema, "type": [*kinds, "null"]}
    if "enum" in schema:
        out["enum"] = [*schema["enum"], None]
    return out


_ID_STRING = {"type": "string", "minLength": 1, "maxLength": 64, "pattern": r"^[a-zA-Z0-9-]+$"}
_DESCRIPTION = {"type": "string"}
#: ``keystone.api.validation.parameter_types.boolean``.
_BOOLEAN = {
    "type": ["boolean", "string", "null"],
    "enum": [True, "True", "TRUE", "true", False, "False", "FALSE", "false", "", "1", "0",
             "y", "Y", "n", "N", "on", "ON", "off", "OFF", "yes", "no", "YES", "NO", None],
}  # fmt: skip
_OPTIONS = {"type": "object"}
#: The ``options`` of a role (every release from 16.0.0), a project (16.x-26.x) or a domain
#: (27.0.0 on): ``immutable``, a nullable boolean (the ``ResourceOptionRegistry``'s
#: ``json_schema``, ``common.validation.nullable`` of ``parameter_types.boolean``: its type
#: told first).
_NULLABLE_BOOLEAN = {"type": ["boolean", "null"], "enum": [True, False, None]}
_IMMUTABLE_OPTIONS = {
    "type": "object",
    "properties": {"immutable": _NULLABLE_BOOLEAN},
    "additionalProperties": False,
}

_PROJECT = {
    "description": _nullable(_DESCRIPTION),
    "domain_id": _nullable(_ID_STRING),
    "enabled": _BOOLEAN,
    "is_domain": _BOOLEAN,
    "parent_id": _nullable(_ID_STRING),
    "name": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": r"[\S]+"},
    "tags": {
        "type": "array",
        "items": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[^,/]*$"},
        "maxItems": 80,
        "uniqueItems": True,
    },
    "options": _IMMUTABLE_OPTIONS,
}

PROJECT_CREATE = {
    "type": "object",
    "properties": {"project": {"type": "object", "properties": _PROJECT, "required": ["name"]}},
    "additionalProperties": False,
}
#: No ``minProperties`` (27.0.0-30.0.0 ``project_update_request_body``): an empty project is
#: an update of nothing, a 200 (the keystone oracle, 30.0.0); 13.x-26.x's ``project_update``
#: has one (`old_project`).
PROJECT_UPDATE = {
    "type": "object",
    "properties": {"project": {"type": "object", "properties": _PROJECT}},
    "additionalProperties": False,
}

#: 27.0.0's ``_domain_properties``: the project options registry's ``json_schema``.
_DOMAIN = {
    "description": _nullable(_DESCRIPTION),
    "enabled": _BOOLEAN,
    "name": _PROJECT["name"],
    "options": _IMMUTABLE_OPTIONS,
    "tags": _PROJECT["tags"],
}

DOMAIN_CREATE = {
    "type": "object",
    "properties": {
        "domain": {
            "type": "object",
            "properties": {
                # parameter_types.domain_id
                "explicit_domain_id": _ID_STRING,
                **_DOMAIN,
            },
            "required": ["name"],
        }
    },
    "required": ["domain"],
    "additionalProperties": False,
}
DOMAIN_UPDATE = {
    "type": "object",
    "properties": {"domain": {"type": "object", "properties": _DOMAIN, "minProperties": 1}},
    "required": ["domain"],
    "additionalProperties": False,
}

_MFA_RULES = {
    "type": ["array", "null"],
    "items": {"type": "array", "items": {"type": "string"}, "minItems": 1, "uniqueItems": True},
    "uniqueItems": True,
}
#: The user options registry's names (``keystone/identity/backends/resource_options.py``):
#: ``lock_password`` from 14.0.0, ``ignore_user_inactivity`` from 18.0.0.
_USER_OPTION_NAMES = (
    "ignore_change_password_upon_first_use",
    "ignore_password_expiry",
    "ignore_lockout_failure_attempts",
    "multi_factor_auth_enabled",
    "lock_password",
    "ignore_user_inactivity",
)


def _user_options(names: tuple[str, ...]) -> dict[str, Any]:
    """The user options registry's ``json_schema`` with options `names`: each a nullable
    boolean, the MFA rules, no other key."""
    return {
        "type": "object",
        "properties": {
            **dict.fromkeys(names, _NULLABLE_BOOLEAN),
            "multi_factor_auth_rules": _MFA_RULES,
        },
        "additionalProperties": False,
    }


_USER = {
    "password": {"type": ["string", "null"]},
    "default_project_id": _nullable(_ID_STRING),
    "description": _nullable(_DESCRIPTION),
    "enabled": _BOOLEAN,
    "name": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": r"[\S]+"},
    #: 27.0.0's ``ro.USER_OPTIONS_REGISTRY.json_schema``
    "options": _user_options(_USER_OPTION_NAMES),
}

USER_CREATE = {
    "type": "object",
    "properties": {
        "user": {
            "type": "object",
            "properties": {**_USER, "domain_id": _ID_STRING},
            "required": ["name"],
            "additionalProperties": True,
        }
    },
    "required": ["user"],
    "additionalProperties": False,
}
USER_UPDATE = {
    "type": "object",
    "properties": {
        "user": {
            "type": "object",
            "properties": _USER,
            "minProperties": 1,
            "additionalProperties": True,
        }
    },
    "required": ["user"],
    "additionalProperties": False,
}


def user_28(body_schema: dict[str, Any]) -> dict[str, Any]:
    """`body_schema` (`USER_CREATE` or `USER_UPDATE`) as keystone 28.0.0 has it: its
    ``default_project_id`` any string or null (ee4aef7dd, "Separate user response and request
    schema": no id pattern or length; the column's 64 characters are checked by the model,
    `DEFAULT_PROJECT_ID_LENGTH`)."""
    user = body_schema["properties"]["user"]
    properties = {**user["properties"], "default_project_id": {"type": ["string", "null"]}}
    return {
        **body_schema,
        "properties": {"user": {**user, "properties": properties}},
    }


USER_CREATE_28 = user_28(USER_CREATE)
USER_UPDATE_28 = user_28(USER_UPDATE)
#: The user table's ``default_project_id`` column (``String(64)``), which keystone's models
#: check as they are built (common/sql/core.py ``StringLengthExceeded``).
DEFAULT_PROJECT_ID_LENGTH = 64

#: ``keystone/identity/schema.py`` ``group_create_request_body`` and
#: ``group_update_request_body`` (the update without ``domain_id``).
_GROUP = {
    "description": _nullable(_DESCRIPTION),
    "domain_id": _ID_STRING,
    "name": _USER["name"],
}
GROUP_CREATE = {
    "type": "object",
    "properties": {
        "group": {
            "type": "object",
            "properties": _GROUP,
            "required": ["name"],
            "additionalProperties": True,
        }
    },
    "required": ["group"],
    "additionalProperties": False,
}
GROUP_UPDATE = {
    "type": "object",
    "properties": {
        "group": {
            "type": "object",
            "properties": {k: v for k, v in _GROUP.items() if k != "domain_id"},
            "minProperties": 1,
            "additionalProperties": True,
        }
    },
    "required": ["group"],
    "additionalProperties": False,
}

#: ``keystone/assignment/schema.py`` ``role_create_request_body`` (27.0.0-30.0.0).
ROLE_CREATE = {
    "type": "object",
    "properties": {
        "role": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": r"[\S]+"},
                "description": _nullable(_DESCRIPTION),
                "domain_id": _nullable({"type": "string", "minLength": 1, "maxLength": 64}),
                "options": _IMMUTABLE_OPTIONS,
            },
            "required": ["name"],
            "additionalProperties": True,
        }
    },
    "required": ["role"],
    "additionalProperties": False,
}

#: ``role_update_request_body``: the create's properties, at least one of them.
ROLE_UPDATE = {
    "type": "object",
    "properties": {
        "role": {
            "type": "object",
            "properties": ROLE_CREATE["properties"]["role"]["properties"],
            "minProperties": 1,
            "additionalProperties": True,
        }
    },
    "required": ["role"],
    "additionalProperties": False,
}


def lazy_validate(schema: dict[str, Any], instance: Any, release: int) -> None:
    """`fakecloud.identity.schema.lazy_validate` of `instance` against `schema`, a refusal
    worded and printed as keystone `release`'s jsonschema does (keys sorted before 27.0.0);
    the schema is checked in its own key order, as jsonschema checks it (a nullable boolean's
    ``type`` before its ``enum``: the keystone oracle, 25.0.0)."""
    old = release < KEYSTONE_JSONSCHEMA_4_21_SINCE
    identity_schema.lazy_validate(validator(schema), instance, sort_printed=old)


#: ``parameter_types.boolean`` as 13.x-26.x print it: a plain boolean whose enum an
#: import-time ``nullable()`` extends with None (the keystone oracle, 25.0.0).
_OLD_BOOLEAN = {"type": "boolean", "enum": [True, False, None]}


def record_object(properties: dict[str, Any], **rules: Any) -> dict[str, Any]:
    """A 13.x-26.x record's object schema of `properties`, its keys in keystone's order
    (``type``, ``properties``, `rules`, ``additionalProperties``: true): jsonschema checks
    them in that order, and a refusal prints them sorted (`lazy_validate`)."""
    return {"type": "object", "properties": properties, **rules, "additionalProperties": True}


def _old_body(key: str, properties: dict[str, Any], update: bool, **extra: Any) -> dict[str, Any]:
    """The body whose object `key` is a 13.x-26.x record schema of `properties` (its create:
    the name required; its update: at least one property; `record_object`)."""
    rules = {"minProperties": 1} if update else {"required": ["name"]}
    return {"properties": {key: record_object(properties, **rules, **extra)}}


@functools.cache
def old_role(release: int, update: bool) -> dict[str, Any]:
    """The body whose ``role`` is keystone `release`'s (13.x-26.x) ``role_create`` or
    ``role_update`` (``keystone/assignment/schema.py``), in its key order: the name; a
    description (a string, not null) from 15.0.0; the options (``immutable``, a nullable
    boolean) from 16.0.0; no ``domain_id`` (the keystone oracle, 25.0.0)."""
    properties: dict[str, Any] = {"name": ROLE_CREATE["properties"]["role"]["properties"]["name"]}
    if release >= KEYSTONE_ROLE_DESCRIPTION_SINCE:
        properties["description"] = _DESCRIPTION
    if release >= KEYSTONE_ROLE_OPTIONS_SINCE:
        properties["options"] = _IMMUTABLE_OPTIONS
    return _old_body("role", properties, update)


@functools.cache
def old_project(release: int, update: bool) -> dict[str, Any]:
    """The body whose ``project`` is keystone `release`'s (13.x-26.x) ``project_create`` or
    ``project_update`` (``keystone/resource/schema.py``), in its key order: 27.0.0's properties
    but a plain boolean ``enabled`` and ``is_domain``, a tag list with ``required: []``, the
    options (``immutable``) from 16.0.0 (none before)."""
    properties = {
        **_PROJECT,
        "enabled": _OLD_BOOLEAN,
        "is_domain": _OLD_BOOLEAN,
        "tags": {**_PROJECT["tags"], "required": []},
    }
    if release >= KEYSTONE_ROLE_OPTIONS_SINCE:
        properties["options"] = _IMMUTABLE_OPTIONS
    else:
        del properties["options"]
    return _old_body("project", properties, update)


@functools.cache
def old_domain(update: bool) -> dict[str, Any]:
    """The body whose ``domain`` is keystone 13.x-26.x's ``domain_create`` or
    ``domain_update`` (``keystone/resource/schema.py``, the same in each), in its key order: a
    nullable description, a plain boolean ``enabled``, the name, a tag list with
    ``required: []``; no ``options`` (`fakecloud.identity.resource_options` checks them from
    16.0.0) and no ``explicit_domain_id`` (the domain API checks it from 16.0.0)."""
    properties = {
        "description": _DOMAIN["description"],
        "enabled": _OLD_BOOLEAN,
        "name": _DOMAIN["name"],
        "tags": {**_DOMAIN["tags"], "required": []},
    }
    return _old_body("domain", properties, update)


#: A user's ``federated`` (``keystone/identity/schema.py``, 17.0.0 on).
_OLD_FEDERATED = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "idp_id": {"type": "string"},
            "protocols": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "protocol_id": {"type": "string"},
                        "unique_id": {"type": "string"},
                    },
                    "required": ["protocol_id", "unique_id"],
                },
                "minItems": 1,
            },
        },
        "required": ["idp_id", "protocols"],
    },
}


@functools.cache
def old_user(release: int, update: bool) -> dict[str, Any]:
    """The body whose ``user`` is keystone `release`'s (13.x-26.x) ``user_create`` or
    ``user_update`` (``keystone/identity/schema.py``), in its key order: the ``domain_id`` in
    both, a plain boolean ``enabled``, ``federated`` from 17.0.0, the user options
    registry's ``json_schema`` (each option nullable; ``lock_password`` from 14.0.0,
    ``ignore_user_inactivity`` from 18.0.0), and the object's stray ``options`` keyword."""
    names = _USER_OPTION_NAMES[:4]
    if release >= KEYSTONE_USER_LOCK_PASSWORD_SINCE:
        names += ("lock_password",)
    if release >= KEYSTONE_USER_INACTIVITY_OPTION_SINCE:
        names += ("ignore_user_inactivity",)
    options = _user_options(names)
    properties = {
        **_USER,
        "domain_id": _ID_STRING,
        "enabled": _OLD_BOOLEAN,
        "name": _identity_name(release),
        "options": options,
    }
    if release >= KEYSTONE_USER_FEDERATED_SINCE:
        properties["federated"] = _OLD_FEDERATED
    return _old_body("user", properties, update, options=_OPTIONS)


def _identity_name(release: int) -> dict[str, Any]:
    """keystone `release`'s ``_identity_name`` (a user's and a group's name): no
    ``maxLength`` before 15.0.0 (`check_name_length` bounds it then)."""
    if release >= KEYSTONE_IDENTITY_NAME_SCHEMA_SINCE:
        return _USER["name"]
    return {k: v for k, v in _USER["name"].items() if k != "maxLength"}


@functools.cache
def group_body(release: int, update: bool) -> dict[str, Any]:
    """`GROUP_CREATE` or `GROUP_UPDATE` (`update`) as keystone `release` has it: its name
    without ``maxLength`` before 15.0.0 (`_identity_name`)."""
    body = GROUP_UPDATE if update else GROUP_CREATE
    if release >= KEYSTONE_IDENTITY_NAME_SCHEMA_SINCE:
        return body
    group = body["properties"]["group"]
    properties = {**group["properties"], "name": _identity_name(release)}
    return {**body, "properties": {"group": {**group, "properties": properties}}}


#: ``keystone/common/clean.py`` (13.x-14.x): the longest stripped name the identity manager
#: takes, by kind (``user_name``'s ``max_length=255``, ``group_name``'s default 64).
_CLEAN_NAME_MAX = {"User": 255, "Group": 64}


def check_name_length(kind: str, name: str, release: int) -> None:
    """Before 15.0.0, ``clean.check_name``'s 400 for a `kind` (``User`` or ``Group``) whose
    stripped `name` is longer than ``_CLEAN_NAME_MAX``; from then the schema bounds it."""
    longest = _CLEAN_NAME_MAX[kind]
    if release < KEYSTONE_IDENTITY_NAME_SCHEMA_SINCE and len(name.strip()) > longest:
        raise exception.ValidationError(
            f"{kind} name should not be greater than {longest} characters."
        )


#: ``keystone/identity/schema.py`` ``password_change`` (checked with the older
#: ``lazy_validate``, `fakecloud.identity.schema.lazy_validate`).
PASSWORD_CHANGE = {
    "type": "object",
    "properties": {"original_password": {"type": "string"}, "password": {"type": "string"}},
    "required": ["original_password", "password"],
    "additionalProperties": False,
}

_VALIDATORS: dict[int, Any] = {}


def validator(schema: dict[str, Any]) -> Any:
    """jsonschema's Draft 4 validator of `schema`, made once."""
    found = _VALIDATORS.get(id(schema))
    if found is None:
        found = _VALIDATORS[id(schema)] = jsonschema.Draft4Validator(
            schema, format_checker=jsonschema.FormatChecker()
        )
    return found


def validate(schema: dict[str, Any], body: Any) -> None:
    """`SchemaValidationError` (400) unless `body` is valid against `schema`, in keystone
    27.0.0's words."""
    refuse(validator(schema), body)


def refuse(checker: Any, body: Any) -> None:
    """`SchemaValidationError` (400) for the first error jsonschema's `checker` finds in
    `body`, worded as keystone 27.0.0's ``_SchemaValidator.validate`` words it."""
    error = next(checker.iter_errors(body), None)  # Validator.validate raises the first
    if error is None:
        return
    if error.path:
        detail = (
            f"Invalid input for field/attribute {error.path.pop()}. "
            f"Value: {error.instance}. {error.message}"
        )
    else:
        detail = error.message
    raise exception.SchemaValidationError(detail=detail)


#: ``oslo_utils.strutils.bool_from_string`` for the words `_BOOLEAN` lets through (Keystone's
#: ``_normalize_dict`` leaves them; its SQL ``Boolean`` column reads them so).
_TRUE = frozenset(("true", "1", "y", "on", "yes"))


def as_bool(value: Any) -> bool:
    """A `_BOOLEAN` value as the stored flag (None and the empty string are False)."""
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value.lower() in _TRUE
