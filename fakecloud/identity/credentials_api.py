"""Keystone's credentials: ``GET|POST /v3/credentials`` and ``GET|HEAD|PATCH|DELETE
/v3/credentials/{id}`` (``keystone/api/credentials.py``, ``keystone/credential``).

A credential is a user's opaque ``blob`` of a ``type`` (``ec2``, ``cert``, ``totp``, ...),
optionally for a project; Keystone keeps the blob encrypted at rest and shows it plain. An
``ec2`` credential's blob is JSON with an ``access`` key and its id is the SHA-256 of that key
(made by a token of an application credential, the blob records it as ``app_cred_id``).
Deleting a user or a project deletes its credentials.

Policy per release: an admin alone before keystone 15.0.0; from 15.0.0 an admin or the
credential's owner (reads a system reader too), and a list shows each caller only what it may
read. From 30.0.0 a token of a delegated method (an application credential's) may not touch
credentials at all. The body is checked by keystone 27.0.0's schema first from 27.0.0 (an update
then changes only the blob), by the old schema after the policy before. In 13.x (the legacy
controller, keystone 13.0.4 ``credential/controllers.py``) ``protected()`` loads the path's
credential for the policy's target first (``get_member_from_driver``, by ``credential_id``), so
an unknown id is its 404 before the policy's 403; 14.0.0's Flask resource checks the policy first.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.identity import admin_schema, exception, schema
from fakecloud.identity.admin_api import KeystoneWritesApi
from fakecloud.identity.api import _is_admin, _json, _links, _mapped
from fakecloud.identity.credentials_store import Credential, seal, tables, unseal
from fakecloud.profiles.series import KEYSTONE_BODY_SCHEMA_SINCE

#: The owner's rules and the system reader's (Stein).
OWNER_SINCE = 15
#: The policy before an unknown credential's 404 (Rocky's Flask ``CredentialResource``).
POLICY_FIRST_SINCE = 14
#: Delegated tokens refused (keystone 30.0.0, LP#2159643).
PRIMARY_AUTH_SINCE = 30

_PROPERTIES = {
    "blob": {"type": "string"},
    "project_id": {"type": ["string", "null"]},
    "type": {"type": "string"},
    "user_id": {"type": "string"},
}
#: keystone 27.0.0 ``create_request_body`` and ``update_request_body``.
CREATE_BODY = {
    "type": "object",
    "properties": {
        "credential": {
            "type": "object",
            "properties": {"id": {"type": "string"}, **_PROPERTIES},
            "additionalProperties": True,
            "required": ["blob", "type", "user_id"],
            "if": {"properties": {"type": {"const": "ec2"}}},
            "then": {
                "title": "ec2 credential requires project_id",
                "required": ["blob", "type", "user_id", "project_id"],
            },
        }
    },
    "required": ["credential"],
}
UPDATE_BODY = {
    "type": "object",
    "properties": {
        "credential": {
            "type": "object",
            "properties": {"blob": {"type": "string"}},
            "additionalProperties": False,
            "required": ["blob"],
        }
    },
    "required": ["credential"],
}
_OLD_PROPERTIES = {**_PROPERTIES, "project_id": {"type": "string"}}
#: keystone 13.0.0-26.x ``credential_create`` and ``credential_update``.
OLD_CREATE = {
    "type": "object",
    "properties": _OLD_PROPERTIES,
    "additionalProperties": True,
    "oneOf": [
        {
            "title": "ec2 credential requires project_id",
            "required": ["blob", "type", "user_id", "project_id"],
            "properties": {"type": {"enum": ["ec2"]}},
        },
        {
            "title": "non-ec2 credential does not require project_id",
            "required": ["blob", "type", "user_id"],
            "properties": {"type": {"not": {"enum": ["ec2"]}}},
        },
    ],
}
OLD_UPDATE = {
    "type": "object",
    "properties": _OLD_PROPERTIES,
    "minProperties": 1,
    "additionalProperties": True,
}


def _ec2_blob(ref: dict[str, Any]) -> dict[str, Any]:
    """``_validate_blob_json``: an ec2 blob is a JSON object with ``access``."""
    try:
        blob = json.loads(ref.get("blob"))
    except (ValueError, TypeError):
        raise exception.ValidationError("Invalid blob in credential") from None
    if not blob or not isinstance(blob, dict):
        raise exception.ValidationError(attribute="blob", target="credential")
    if blob.get("access") is None:
        raise exception.ValidationError(attribute="access", target="credential")
    return blob


def _utf8(text: Any) -> bytes:
    """`text` as UTF-8, or Keystone's unexpected 500: the ec2 id's ``access.encode('utf8')``
    (an access key that is no string: AttributeError), the credential provider's ``encrypt``
    of the blob (``credential.encode('utf-8')``) and the SQL driver's write raise
    UnicodeEncodeError for a lone surrogate (JSON's ``"\\ud800"``; keystone 13.0.0-30.0.0
    api/credentials.py, credential/providers/fernet/core.py)."""
    try:
        return text.encode("utf-8")
    except (UnicodeEncodeError, AttributeError):
        raise exception.Error() from None


def _storable(ref: dict[str, Any]) -> None:
    """The credential's written strings encode as UTF-8 (`_utf8`), or Keystone's 500."""
    for key in ("blob", "user_id", "type", "project_id", "id"):
        if isinstance(ref.get(key), str):
            _utf8(ref[key])


class KeystoneCredentialsApi(KeystoneWritesApi):
    """Keystone's v3 API with ``/v3/credentials``."""

    @classmethod
    def declare_routes(cls, router: Any, variant: Any) -> None:
        """The routes before, then the credentials'."""
        super().declare_routes(router, variant)
        for method, template, handler in (
            ("GET", "/v3/credentials", cls.list_credentials),
            ("POST", "/v3/credentials", cls.create_credential),
            ("GET", "/v3/credentials/{credential_id}", cls.get_credential),
            ("PATCH", "/v3/credentials/{credential_id}", cls.update_credential),
            ("DELETE", "/v3/credentials/{credential_id}", cls.delete_credential),
        ):
            router.add(method, template, _mapped(handler))

    def _credential_policy(self, req: Request, owner: str | None, action: str, read: bool) -> None:
        """``ADMIN_OR_[SYSTEM_READER_OR_]CRED_OWNER`` from 15.0.0, ``admin_required`` before."""
        ctx = req.context
        if self._release < OWNER_SINCE:
            allowed = "admin" in ctx.roles
        else:
            allowed = (_is_admin(ctx) if read else "admin" in ctx.roles) or ctx.user_id == owner
        if not allowed:
            raise exception.ForbiddenAction(action=action)

    def _called(self, body: dict[str, Any], method: str) -> None:
        """13.x (wsgi; Flask from 14.0.0): the policy passed, ``CredentialV3``'s `method` is
        called with the body's keys, a body without ``credential`` Python's ``TypeError``
        400 (keystone 13.0.4 credential/controllers.py, ``protected()``)."""
        if self._release < POLICY_FIRST_SINCE and "credential" not in body:
            raise exception.MissingArgument(method=method, name="credential")

    def _primary_auth(self, req: Request) -> None:
        """keystone 30.0.0's ``_require_primary_auth``: no delegated token."""
        if self._release >= PRIMARY_AUTH_SINCE and self._app_cred_of(req) is not None:
            raise exception.ForbiddenAction(
                action="Delegated tokens cannot access credentials directly"
            )

    def _app_cred_of(self, req: Request) -> str | None:
        return self.keystone.validate(req.context.auth_token).app_cred_id

    def _credential(self, req: Request, action: str, read: bool = False) -> Credential:
        """The credential the path names, once the policy on it lets the caller on."""
        cred_id = req.params["credential_id"]
        cred = getattr(self.directory, "credentials", {}).get(cred_id)
        if cred is None and self._release < POLICY_FIRST_SINCE:
            raise exception.NotFound(f"Could not find credential: {cred_id}.")
        self._credential_policy(req, cred.user_id if cred else None, action, read)
        if cred is None:
            raise exception.NotFound(f"Could not find credential: {cred_id}.")
        self._primary_auth(req)
        return cred

    def _credential_view(self, req: Request, cred: Credential) -> dict[str, Any]:
        return {
            "id": cred.id,
            "user_id": cred.user_id,
            "project_id": cred.project_id,
            "type": cred.type,
            "blob": unseal(cred.sealed),
            **cred.extra,
            "links": {"self": f"{req.base_url}/v3/credentials/{cred.id}"},
        }

    def list_credentials(self, req: Request) -> Response:
        """``GET /v3/credentials``, filters ``user_id`` and ``type``: the ones the caller may
        read."""
        ctx = req.context
        owner = ctx.user_id if ctx.system_scope is None else None
        self._credential_policy(req, owner, "identity:list_credentials", read=True)
        held = list(getattr(self.directory, "credentials", {}).values())
        for name in ("user_id", "type"):
            for value in req.query.get(name) or ():
                held = [c for c in held if getattr(c, name) == value]
        shown = []
        for cred in held:
            try:
                self._credential_policy(req, cred.user_id, "identity:get_credential", True)
                self._primary_auth(req)
            except exception.Forbidden:
                continue
            shown.append(self._credential_view(req, cred))
        return Response(200, {"credentials": shown, "links": _links(req)})

    def get_credential(self, req: Request) -> Response:
        """``GET|HEAD /v3/credentials/{id}``: the credential, its blob plain."""
        cred = self._credential(req, "identity:get_credential", read=True)
        return Response(200, {"credential": self._credential_view(req, cred)})

    def create_credential(self, req: Request) -> Response:
        """``POST /v3/credentials``: 201 and the credential (an ec2 one's id from its
        access key: 409 for a key stored already)."""
        body = _json(req)
        new_schema = self._release >= KEYSTONE_BODY_SCHEMA_SINCE
        if new_schema:
            admin_schema.validate(CREATE_BODY, body)
        ref = body.get("credential", {})
        owner = ref.get("user_id") if isinstance(ref, dict) else None
        self._credential_policy(req, owner, "identity:create_credential", read=False)
        self._called(body, "create_credential")
        if not new_schema:
            schema.lazy_validate(admin_schema.validator(OLD_CREATE), ref, sort_printed=True)
        self._primary_auth(req)
        ref = dict(ref)
        if ref.get("type", "").lower() == "ec2":
            blob = _ec2_blob(ref)
            cred_id = hashlib.sha256(_utf8(blob["access"])).hexdigest()
            app_cred_id = self._app_cred_of(req)
            if app_cred_id is not None:
                blob["app_cred_id"] = app_cred_id
                ref["blob"] = json.dumps(blob)
        else:
            cred_id = self.kernel.ids.hex()
        held = tables(self.keystone.writable())
        if cred_id in held:
            raise exception.Conflict(
                type="credential", details=f"Duplicate entry found with ID {cred_id}"
            )
        _storable(ref)
        extra = {k: v for k, v in ref.items() if k not in ("id", *_PROPERTIES)}
        cred = held[cred_id] = Credential(
            cred_id, ref["user_id"], ref["type"], seal(ref["blob"]), ref.get("project_id"), extra
        )
        return Response(201, {"credential": self._credential_view(req, cred)})

    def update_credential(self, req: Request) -> Response:
        """``PATCH /v3/credentials/{id}``: the credential as changed (from 27.0.0 only its
        blob; an ec2 blob keeps its access key and scope)."""
        body = _json(req)
        new_schema = self._release >= KEYSTONE_BODY_SCHEMA_SINCE
        if new_schema:
            admin_schema.validate(UPDATE_BODY, body)
        cred = self._credential(req, "identity:update_credential")
        self._called(body, "update_credential")
        ref = body.get("credential", {})
        if not new_schema:
            schema.lazy_validate(admin_schema.validator(OLD_UPDATE), ref, sort_printed=True)
        if cred.type.lower() == "ec2" and "blob" in ref:
            new, old = _ec2_blob(ref), json.loads(unseal(cred.sealed))
            for key in ("trust_id", "app_cred_id", "access_token_id", "access_id"):
                if old.get(key) != new.get(key):
                    raise exception.ValidationError(f"{key} can not be updated for credential")
        if ref.get("id", cred.id) != cred.id:
            raise exception.ValidationError("Cannot change ID")
        changed = {k: ref[k] for k in ("user_id", "type", "project_id") if k in ref}
        if "blob" in ref:
            changed["sealed"] = seal(ref["blob"])
        extra = {k: v for k, v in ref.items() if k not in ("id", *_PROPERTIES)}
        new_cred = replace(cred, **changed, extra={**cred.extra, **extra})
        self._credential_policy(req, new_cred.user_id, "identity:update_credential", read=False)
        _storable(ref)
        tables(self.keystone.writable())[cred.id] = new_cred
        return Response(200, {"credential": self._credential_view(req, new_cred)})

    def delete_credential(self, req: Request) -> Response:
        """``DELETE /v3/credentials/{id}``: 204."""
        cred = self._credential(req, "identity:delete_credential")
        del tables(self.keystone.writable())[cred.id]
        return Response(204)
