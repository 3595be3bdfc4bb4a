"""``/types/{type_id}/encryption``: a volume type's encryption (``openstack volume type create
--encryption-provider ...``), as ``api/contrib/volume_type_encryption.py``,
``api/schemas/volume_type_encryption.py``, ``policies/volume_type.py`` and the
``volume_type_encryption_*`` functions of ``db`` serve it (read in 12.0.10, 14.0.0, 22.0.0 and
29.0.0).

``GET`` lists the type's encryption row (``{}`` without one), ``GET .../{key}`` one of its
fields (404 "Volume type encryption for type X does not exist." for another), ``POST`` creates
it (200 with the request's body, which the database call completes with
``volume_type_id`` and ``encryption_id``; ``provider`` and ``control_location`` required, the latter
``front-end`` or ``back-end``; a second is 400 "... already exists."), ``PUT .../{id}`` updates
it (200 with the body), ``DELETE .../{id}`` deletes it (202). While a volume of the type exists,
create, update and delete are 400 "Cannot {create,update,delete} encryption specs. Volume type
in use.". The bodies are checked by schema from 13.0.0 (before the policy), by hand before
(``_check_encryption_input``). The policies are admin's: ``volume_extension:
volume_type_encryption`` until 13.x, then one per verb (``...:create``, ``:get``, ...).

A volume created with an encrypted type gets an ``encryption_key_id`` (drawn from the kernel's
ids: the key manager's new key; no Barbican is modelled), so its view says ``encrypted`` and
its connection info too.

``GET /volumes/{id}/encryption`` (``os-volume-encryption-metadata``, a reader's of the volume's
project) gives a volume's ``encryption_key_id`` and its type's encryption fields.

Left out: that extension's ``GET /volumes/{id}/encryption/{key}`` (Cinder returns the bare
value, which webob writes as a text body, or fails on an unknown key); fields the model has
not (``additionalProperties``) are answered back but not kept.
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.webob import WebObResponse, plain_webob_headers
from fakecloud.cinder import exception, policy
from fakecloud.cinder.validation import DB_MAX_INT, assert_valid_body, validate, validate_integer

#: The first Cinder whose bodies are checked by schema (122e93f74).
SCHEMA_FROM = 13
#: The first Cinder with a policy per verb.
VERB_POLICIES_FROM = 14
CONTROL_LOCATION = ["front-end", "back-end"]
#: The row's fields (``models.Encryption``, then ``CinderBase``'s).
FIELDS = ("cipher", "key_size", "provider", "control_location")

CREATE = {
    "type": "object",
    "properties": {
        "encryption": {
            "type": "object",
            "properties": {
                "key_size": {"type": ["string", "integer", "null"], "minimum": 0,
                             "maximum": DB_MAX_INT, "format": "key_size"},
                "provider": {"type": "string", "minLength": 0, "maxLength": 255},
                "control_location": {"enum": CONTROL_LOCATION},
                "cipher": {"type": ["string", "null"], "minLength": 0, "maxLength": 255},
            },
            "required": ["provider", "control_location"],
            "additionalProperties": True,
        }
    },
    "required": ["encryption"],
    "additionalProperties": False,
}  # fmt: skip
UPDATE = {
    **CREATE,
    "properties": {"encryption": {**CREATE["properties"]["encryption"], "required": []}},
}


class VolumeTypeEncryptionExists(exception.Invalid):
    """Cinder's ``VolumeTypeEncryptionExists``."""

    message = "Volume type encryption for type %(type_id)s already exists."


class VolumeTypeEncryptionNotFound(exception.NotFound):
    """Cinder's ``VolumeTypeEncryptionNotFound``."""

    message = "Volume type encryption for type %(type_id)s does not exist."


def encryption_of(cinder: Any, type_id: str | None) -> dict[str, Any] | None:
    """The encryption row of a type (None: not encrypted)."""
    table = cinder.type_encryption
    return table.get(type_id) if table and type_id else None


def new_key_id(cinder: Any, vtype: Any) -> str | None:
    """``create_encryption_key``: a new key's id for a volume of an encrypted `vtype`."""
    if encryption_of(cinder, vtype.id) is None:
        return None
    return cinder.kernel.ids.uuid()


def _authorize(service: Any, req: Request, verb: str) -> None:
    action = "volume_extension:volume_type_encryption"
    if service.cinder_major >= VERB_POLICIES_FROM:
        action = f"{action}:{verb}"
    policy.authorize_admin(req.context, action, service.cinder.policy_rules)


def _in_use(service: Any, type_id: str, verb: str) -> None:
    if any(v.volume_type.id == type_id for v in service.cinder.store.volumes.values()):
        raise HttpError(400, f"Cannot {verb} encryption specs. Volume type in use.")


def _check_type(service: Any, type_id: str) -> None:
    service.cinder.volume_type_by_id(type_id)


def _check_input(encryption: dict[str, Any], create: bool) -> None:
    """12.x ``_check_encryption_input``."""
    if encryption.get("key_size") is not None:
        encryption["key_size"] = validate_integer(encryption["key_size"], "key_size", 0, DB_MAX_INT)
    if create:
        if "provider" not in encryption:
            raise exception.InvalidInput(reason="provider must be defined")
        if "control_location" not in encryption:
            raise exception.InvalidInput(reason="control_location must be defined")
    if "control_location" in encryption and encryption["control_location"] not in CONTROL_LOCATION:
        raise exception.InvalidInput(reason=f"Valid control location are: {CONTROL_LOCATION}")


def _body(service: Any, req: Request, schema: dict, verb: str) -> Any:
    body = service._body(req)
    if service.cinder_major >= SCHEMA_FROM:
        validate(schema, body)
        _authorize(service, req, verb)
        key_size = body["encryption"].get("key_size")
        if key_size is not None:
            body["encryption"]["key_size"] = int(key_size)
    else:
        _authorize(service, req, verb)
    return body


def index(service: Any, req: Request) -> Response:
    """``GET /types/{type_id}/encryption``."""
    _authorize(service, req, "get")
    type_id = req.params["type_id"]
    _check_type(service, type_id)
    return Response(200, dict(encryption_of(service.cinder, type_id) or {}))


def show(service: Any, req: Request) -> Response:
    """``GET /types/{type_id}/encryption/{id}``: one field of the row."""
    _authorize(service, req, "get")
    type_id, key = req.params["type_id"], req.params["id"]
    _check_type(service, type_id)
    row = encryption_of(service.cinder, type_id) or {}
    if key not in row:
        raise VolumeTypeEncryptionNotFound(type_id=type_id)
    return Response(200, {key: row[key]})


def create(service: Any, req: Request) -> Response:
    """``POST /types/{type_id}/encryption``."""
    body = _body(service, req, CREATE, "create")
    type_id = req.params["type_id"]
    _in_use(service, type_id, "create")
    if service.cinder_major < SCHEMA_FROM:
        assert_valid_body(body, "encryption")
    _check_type(service, type_id)
    cinder = service.cinder
    if encryption_of(cinder, type_id) is not None:
        raise VolumeTypeEncryptionExists(type_id=type_id)
    specs = body["encryption"]
    if service.cinder_major < SCHEMA_FROM:
        _check_input(specs, create=True)
    # volume_type_encryption_create completes the body's dict, which the answer shows
    if "volume_type_id" not in specs:
        specs["volume_type_id"] = type_id
    if "encryption_id" not in specs:
        specs["encryption_id"] = cinder.kernel.ids.uuid()
    row: dict[str, Any] = {f: specs.get(f) for f in FIELDS}
    row.update(
        volume_type_id=specs["volume_type_id"],
        encryption_id=specs["encryption_id"],
        created_at=cinder.timestamp(cinder.kernel.now),
        updated_at=None,
        deleted_at=None,
        deleted=False,
    )
    if cinder.type_encryption is None:
        cinder.type_encryption = {}
    cinder.type_encryption[row["volume_type_id"]] = row
    return Response(200, body)


def update(service: Any, req: Request) -> Response:
    """``PUT /types/{type_id}/encryption/{id}``."""
    body = _body(service, req, UPDATE, "update")
    type_id = req.params["type_id"]
    if service.cinder_major < SCHEMA_FROM:
        assert_valid_body(body, "encryption")
        if len(body) > 1:
            raise HttpError(400, "Request body contains too many items.")
    _check_type(service, type_id)
    _in_use(service, type_id, "update")
    specs = body["encryption"]
    if service.cinder_major < SCHEMA_FROM:
        _check_input(specs, create=False)
    cinder = service.cinder
    row = encryption_of(cinder, type_id)
    if row is None:
        raise VolumeTypeEncryptionNotFound(type_id=type_id)
    row.update((f, specs[f]) for f in FIELDS if f in specs)
    row["updated_at"] = cinder.timestamp(cinder.kernel.now)
    return Response(200, body)


def delete(service: Any, req: Request) -> Response:
    """``DELETE /types/{type_id}/encryption/{id}``: 202."""
    _authorize(service, req, "delete")
    type_id = req.params["type_id"]
    _in_use(service, type_id, "delete")
    cinder = service.cinder
    if encryption_of(cinder, type_id) is None:
        raise VolumeTypeEncryptionNotFound(type_id=type_id)
    del cinder.type_encryption[type_id]
    if not cinder.type_encryption:
        cinder.type_encryption = None
    return WebObResponse(202, None, plain_webob_headers())


def volume_metadata(service: Any, req: Request) -> Response:
    """``GET /volumes/{volume_id}/encryption`` (``volume_encryption_metadata.py`` ``index``,
    what Nova reads to attach an encrypted volume): the volume's key id and its type's
    encryption fields."""
    return Response(200, encryption_metadata(service.cinder, req.context, req.params["volume_id"]))


def encryption_metadata(cinder: Any, ctx: Any, volume_id: str) -> dict[str, Any]:
    """The body of ``GET /volumes/{volume_id}/encryption`` for `ctx` (over REST or from Nova's
    client, which asks it to attach an encrypted volume)."""
    volume = cinder.volume_api.get(ctx, volume_id)
    action = "volume_extension:volume_encryption_metadata"
    if not policy.allowed(ctx, action, volume.project_id, cinder.policy_rules):
        raise exception.PolicyNotAuthorized(action=action)
    values: dict[str, Any] = {"encryption_key_id": volume.encryption_key_id}
    row = encryption_of(cinder, volume.volume_type.id)
    if row is not None:
        values.update((k, row[k]) for k in ("control_location", "cipher", "key_size", "provider"))
    return values


#: ``(method, path, handler)`` under ``/v3[/{project_id}]/``.
ROUTES = (
    ("GET", "volumes/{volume_id}/encryption", volume_metadata),
    ("GET", "types/{type_id}/encryption", index),
    ("POST", "types/{type_id}/encryption", create),
    ("GET", "types/{type_id}/encryption/{id}", show),
    ("PUT", "types/{type_id}/encryption/{id}", update),
    ("DELETE", "types/{type_id}/encryption/{id}", delete),
)
