"""The ``POST /v3/auth/tokens`` body schema and its check, as keystone 26.0.0 has them.

``keystone/auth/schema.py`` (``token_issue``, ``validate_issue_token_auth``) validated the way
``keystone/common/validation/validators.py`` ``SchemaValidator.validate`` does: jsonschema
Draft 4 with a format checker, the first error raised. Its message is the whole ``str()`` of
jsonschema's error (message, failing schema and instance), prefixed with
``Invalid input for field '<path>': `` when the error has a path; keystone's error handler
renders it unchanged whatever ``[DEFAULT] debug`` or ``insecure_debug`` say.
"""

from __future__ import annotations

from typing import Any

import jsonschema

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
                    "properties": {"all": {"type": "boolean", "enum": [True, False]}},
                },
            },
        },
    },
    "required": ["identity"],
}

_VALIDATOR = jsonschema.Draft4Validator(TOKEN_ISSUE, format_checker=jsonschema.FormatChecker())


def _schema_check(auth: Any) -> None:
    try:
        _VALIDATOR.validate(auth)
    except jsonschema.ValidationError as ex:
        if ex.path:
            path = "/".join(map(str, ex.path))
            detail = f"Invalid input for field '{path}': {ex}"
        else:
            detail = str(ex)
        raise exception.SchemaValidationError(detail=detail) from None


def _need_id_or_name(ref: Any, field: str) -> None:
    if ref is not None and "id" not in ref and "name" not in ref:
        raise exception.SchemaValidationError(
            detail=f"Invalid input for field {field}: id or name must be present."
        )


def validate_issue_token_auth(auth: Any) -> None:
    """Reject an ``auth`` body keystone's ``validate_issue_token_auth`` rejects (400).

    A missing ``auth`` (``None``) passes, as in keystone: ``AuthInfo`` asks for it next.
    """
    if auth is None:
        return
    _schema_check(auth)
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
