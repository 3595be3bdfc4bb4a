"""The ``POST /v3/auth/tokens`` body schema and its check, as keystone 26.0.0 has them.

``keystone/auth/schema.py`` (``token_issue``, ``validate_issue_token_auth``) validated the way
``keystone/common/validation/validators.py`` ``SchemaValidator.validate`` does: jsonschema
Draft 4 with a format checker, the first error raised. Its message is the whole ``str()`` of
jsonschema's error (message, failing schema and instance), prefixed with
``Invalid input for field '<path>': `` when the error has a path; keystone's error handler
renders it unchanged whatever ``[DEFAULT] debug`` or ``insecure_debug`` say.

Every new connection and every ``openstack`` command issues a token, and jsonschema's walk of
even a valid body costs more than the rest of the request's serving: `plain_valid` accepts the
bodies keystoneauth sends (plain types, known keys) without it, and answers False for anything
else, which jsonschema then validates in full, so every error and its wording are jsonschema's
(tests/identity/test_token_body_check.py holds it to jsonschema's answers).
"""

from __future__ import annotations

from typing import Any

import jsonschema

from fakecloud.api.validation import as_before_4_21
from fakecloud.identity import exception

_STRING = {"type": "string"}
_ID_NAME = {"type": "object", "properties": {"id": _STRING, "name": _STRING}}

TOKEN_ISSUE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "identity": {
            "type": "object",
            "properties": {
                "methods": {"type": "array", "items": _STRING},
                "password": {
                    "type": "object",
                    "properties": {
                        "user": {
                            "type": "object",
                            "properties": {
                                "id": _STRING,
                                "name": _STRING,
                                "password": _STRING,
                                "domain": _ID_NAME,
                            },
                        }
                    },
                },
                "token": {"type": "object", "properties": {"id": _STRING}, "required": ["id"]},
            },
            "required": ["methods"],
        },
        "scope": {
            # keystoneauth once sent {"unscoped": {}} (launchpad bug 1637682), hence both types
            "type": ["object", "string"],
            "properties": {
                "project": {
                    "type": "object",
                    "properties": {"name": _STRING, "id": _STRING, "domain": _ID_NAME},
                },
                "domain": _ID_NAME,
                "OS-TRUST:trust": {"type": "object", "properties": {"id": _STRING}},
                "system": {
                    "type": "object",
                    # `parameter_types.boolean`, whose enum every Keystone's imports extend in
                    # place with None (`validation.nullable` copies it shallowly, 78adf4b40:
                    # 13.0.1 and 14.0.0 on; the user options' schema calls it at import): only
                    # the printed schema of a refusal shows it, the type is checked first
                    "properties": {"all": {"type": "boolean", "enum": [True, False, None]}},
                },
            },
        },
    },
    "required": ["identity"],
}

_VALIDATOR = jsonschema.Draft4Validator(TOKEN_ISSUE, format_checker=jsonschema.FormatChecker())


_ID_NAME_KEYS = frozenset(("id", "name"))
_USER_KEYS = frozenset(("id", "name", "password", "domain"))
_PROJECT_KEYS = frozenset(("id", "name", "domain"))


def _id_name(ref: Any) -> bool:
    """``_ID_NAME``: a dict of at most ``id`` and ``name``, both strings."""
    return (
        type(ref) is dict
        and ref.keys() <= _ID_NAME_KEYS
        and all(type(value) is str for value in ref.values())
    )


def _named(ref: Any, keys: frozenset[str]) -> bool:
    """A user or project reference of `keys`: strings, and ``domain`` an `_id_name`."""
    if type(ref) is not dict or not ref.keys() <= keys:
        return False
    for key, value in ref.items():
        if not (_id_name(value) if key == "domain" else type(value) is str):
            return False
    return True


def plain_valid(auth: Any) -> bool:
    """True only for an ``auth`` body `TOKEN_ISSUE` accepts: plain dicts, lists and strings
    under the keys keystoneauth's password, token and scope plugins send. False says nothing:
    the body goes to jsonschema."""
    if type(auth) is not dict or not auth.keys() <= {"identity", "scope"}:
        return False
    identity = auth.get("identity")
    if type(identity) is not dict or not identity.keys() <= {"methods", "password", "token"}:
        return False
    methods = identity.get("methods")
    if type(methods) is not list or not all(type(method) is str for method in methods):
        return False
    if "password" in identity:
        password = identity["password"]
        if type(password) is not dict or password.keys() != {"user"}:
            return False
        if not _named(password["user"], _USER_KEYS):
            return False
    if "token" in identity:
        token = identity["token"]
        if type(token) is not dict or token.keys() != {"id"} or type(token["id"]) is not str:
            return False
    if "scope" not in auth:
        return True
    scope = auth["scope"]
    if type(scope) is not dict or len(scope) != 1:
        return False
    if "project" in scope:
        return _named(scope["project"], _PROJECT_KEYS)
    if "domain" in scope:
        return _id_name(scope["domain"])
    if "system" in scope:
        system = scope["system"]
        return type(system) is dict and system.keys() == {"all"} and type(system["all"]) is bool
    return False


def lazy_validate(validator: Any, instance: Any, sort_printed: bool = False) -> None:
    """``keystone.common.validation.lazy_validate`` (``SchemaValidator.validate``): the first
    error as `SchemaValidationError`, worded ``Invalid input for field '<path>': `` and
    jsonschema's whole text. `sort_printed`: the release pins jsonschema 4.19.2 or older
    (before 27.0.0): the failing schema and the instance printed with their keys sorted (the
    order checked is still the schema's own) and a min* of 1 or max* of 0 in the old words
    (`fakecloud.api.validation.as_before_4_21`: keystone 25.0.0 says ``'' is too short``)."""
    try:
        validator.validate(instance)
    except jsonschema.ValidationError as ex:
        if sort_printed:
            as_before_4_21(ex)
        if ex.path:
            path = "/".join(map(str, ex.path))
            detail = f"Invalid input for field '{path}': {ex}"
        else:
            detail = str(ex)
        raise exception.SchemaValidationError(detail=detail) from None


def _schema_check(auth: Any, sort_printed: bool) -> None:
    if not plain_valid(auth):
        lazy_validate(_VALIDATOR, auth, sort_printed)


def _need_id_or_name(ref: Any, field: str) -> None:
    if ref is not None and "id" not in ref and "name" not in ref:
        raise exception.SchemaValidationError(
            detail=f"Invalid input for field {field}: id or name must be present."
        )


def validate_issue_token_auth(auth: Any, sort_printed: bool = False) -> None:
    """Reject an ``auth`` body keystone's ``validate_issue_token_auth`` rejects (400), a
    refusal printing the schema's keys sorted if `sort_printed` (before 27.0.0).

    A missing ``auth`` (``None``) passes, as in keystone: ``AuthInfo`` asks for it next.
    """
    if auth is None:
        return
    _schema_check(auth, sort_printed)
    user = auth["identity"].get("password", {}).get("user")
    if user is not None:
        _need_id_or_name(user, "identity/password/user")
        _need_id_or_name(user.get("domain"), "identity/password/user/domain")
    scope = auth.get("scope")
    if isinstance(scope, dict):
        project = scope.get("project")
        if project is not None:
            _need_id_or_name(project, "scope/project")
            _need_id_or_name(project.get("domain"), "scope/project/domain")
        _need_id_or_name(scope.get("domain"), "scope/domain")
