"""``/qos-specs``: QoS specs and their volume types (``openstack volume qos ...``), as
``api/contrib/qos_specs_manage.py``, ``api/views/qos_specs.py``, ``api/schemas/qos_specs.py``
and ``policies/qos_specs.py`` serve them (read in 12.0.10, 22.0.0 and 29.0.0). The state is
`fakecloud.cinder.qos_specs`'.

Every route is an admin's (``volume_extension:qos_specs_manage:{get_all,get,create,update,
delete}``). The bodies are checked by JSON schema from 13.0.0 (before the policy); 12.x checks
by hand (``assert_valid_body``, "Please specify a name for QoS specs.", the name's length, a
bare 400 for ``delete_keys`` without a ``keys`` list). Create answers 200 with the spec and its
links (a name in use is 409), update 200 with the request's body, the others 202 without one;
``associate``, ``disassociate`` and ``disassociate_all`` are ``GET``s as in Cinder, the type in
``?vol_type_id=`` ("Volume Type id must not be None." without it). A spec a type uses is
deleted only with ``?force=true`` (else 400 "Qos specs still in use.").

The list is sorted as ``paginate_query`` sorts the specs' root rows (newest first by default;
``key`` is ``QoS_Specs_Name`` on each, ``value`` the name), paged by ``limit``/``marker``/
``offset``, with ``qos_specs_links`` when the page is full; ``name`` and ``consumer`` filters
match nothing as in Cinder (no such column), ``id`` matches.
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.webob import WebObResponse, plain_webob_headers
from fakecloud.cinder import exception, faults, policy, qos_specs
from fakecloud.cinder.controllers import get_bool_param
from fakecloud.cinder.paging import (
    POPPED,
    first_values,
    page_params,
    paginate,
    sort_params,
    sort_rows,
    with_links,
)
from fakecloud.cinder.types_api import _SPECS_WITH_NULL
from fakecloud.cinder.validation import assert_valid_body, for_release, validate

#: The first Cinder whose bodies are checked by JSON schema (74ef703c3).
SCHEMA_FROM = 13
CREATE = {
    "type": "object",
    "properties": {
        "type": "object",
        "qos_specs": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "format": "name_skip_leading_trailing_spaces"}
            },
            "required": ["name"],
            "additionalProperties": True,
        },
    },
    "required": ["qos_specs"],
    "additionalProperties": False,
}
SET = {
    "type": "object",
    "properties": {"qos_specs": _SPECS_WITH_NULL},
    "required": ["qos_specs"],
    "additionalProperties": False,
}
UNSET = {
    "type": "object",
    "properties": {
        "keys": {
            "type": "array",
            "items": {"type": "string", "minLength": 1, "maxLength": 255},
            "uniqueItems": True,
        }
    },
    "required": ["keys"],
    "additionalProperties": False,
}
_COLLECTION = "qos-specs"
#: The columns of ``quality_of_service_specs`` a list filter may name.
_COLUMNS = frozenset({"id", "specs_id", "key", "value", "created_at", "updated_at",
                      "deleted_at", "deleted"})  # fmt: skip


def _authorize(service: Any, req: Request, verb: str) -> None:
    rules = service.cinder.policy_rules
    policy.authorize_admin(req.context, f"volume_extension:qos_specs_manage:{verb}", rules)


def _checked(service: Any, req: Request, schema: dict, verb: str) -> Any:
    """The body: its schema (13.0.0 on) before the policy."""
    body = service._body(req)
    if service.cinder_major >= SCHEMA_FROM:
        validate(for_release(schema, service.cinder.kernel.switches), body)
    _authorize(service, req, verb)
    return body


def _detail(service: Any, req: Request, spec: qos_specs.QosSpecs) -> dict[str, Any]:
    return {
        "qos_specs": {
            "id": spec.id,
            "name": spec.name,
            "consumer": spec.consumer,
            "specs": dict(spec.specs),
        },
        "links": service._vc(req).links(_COLLECTION, spec.id),
    }


def _accepted() -> Response:
    return WebObResponse(202, None, plain_webob_headers())


def index(service: Any, req: Request) -> Response:
    """``GET /qos-specs``."""
    _authorize(service, req, "get_all")
    page = page_params(req)
    first = first_values(req)
    filters = {k: v for k, v in first.items() if k not in POPPED}
    keys, dirs = sort_params(first) or (["created_at"], ["desc"])
    roots: list[_Root] | None = [_Root(s) for s in (service.cinder.qos_specs or {}).values()]
    if any(k not in _COLUMNS for k in filters):
        roots = None  # _process_qos_specs_filters: no query, no rows
    elif "id" in filters:
        roots = [r for r in roots if r.id == filters["id"]]
    sort_rows(roots, keys, dirs, _COLUMNS, service.cinder.kernel.clock)
    rows = paginate(roots or [], page, lambda marker: qos_specs.QoSSpecsNotFound(specs_id=marker))
    body = {"qos_specs": [_detail(service, req, r.spec)["qos_specs"] for r in rows]}
    params = {k: v[-1] for k, v in req.query.items() if v}
    with_links(body, _COLLECTION, service._vc(req), params, page.limit, rows, False)
    if f"{_COLLECTION}_links" in body:
        body["qos_specs_links"] = body.pop(f"{_COLLECTION}_links")
    return Response(200, body)


class _Root:
    """A spec's root row of ``quality_of_service_specs`` as ``paginate_query`` sorts it."""

    __slots__ = ("spec", "id", "created_at", "value")
    key = "QoS_Specs_Name"

    def __init__(self, spec: qos_specs.QosSpecs) -> None:
        self.spec = spec
        self.id = spec.id
        self.created_at = spec.created_at
        self.value = spec.name


def create(service: Any, req: Request) -> Response:
    """``POST /qos-specs``: 200 with the spec."""
    body = _checked(service, req, CREATE, "create")
    if service.cinder_major < SCHEMA_FROM:
        assert_valid_body(body, "qos_specs")
    specs = dict(body["qos_specs"])
    name = specs.pop("name", None)
    if service.cinder_major < SCHEMA_FROM:
        if name is None:
            raise HttpError(400, "Please specify a name for QoS specs.")
        stripped = name.strip() if isinstance(name, str) else name
        try:
            qos_specs.check_string_length(stripped, "name", 1)
        except exception.InvalidInput as error:
            raise HttpError(400, error.msg) from None
    try:
        spec = qos_specs.create(service.cinder, name.strip(), specs)
    except qos_specs.QoSSpecsExists as error:
        raise HttpError(409, error.msg) from None
    return Response(200, _detail(service, req, spec))


def show(service: Any, req: Request) -> Response:
    """``GET /qos-specs/{id}``."""
    _authorize(service, req, "get")
    spec = qos_specs.get(service.cinder, req.params["id"])
    return Response(200, _detail(service, req, spec))


def update(service: Any, req: Request) -> Response:
    """``PUT /qos-specs/{id}``: set keys (and the consumer); 200 with the request's body."""
    body = _checked(service, req, SET, "update")
    if service.cinder_major < SCHEMA_FROM:
        assert_valid_body(body, "qos_specs")
    spec = qos_specs.get(service.cinder, req.params["id"])
    qos_specs.update(service.cinder, spec, body["qos_specs"])
    return Response(200, body)


def delete(service: Any, req: Request) -> Response:
    """``DELETE /qos-specs/{id}[?force=]``: 202."""
    _authorize(service, req, "delete")
    force = get_bool_param("force", {k: v[-1] for k, v in req.query.items() if v})
    spec = qos_specs.get(service.cinder, req.params["id"])
    if not qos_specs.delete(service.cinder, spec, force):
        raise HttpError(400, "Qos specs still in use.")
    return _accepted()


def delete_keys(service: Any, req: Request) -> Response:
    """``PUT /qos-specs/{id}/delete_keys``: 202."""
    body = _checked(service, req, UNSET, "delete")
    if service.cinder_major < SCHEMA_FROM and not (
        isinstance(body, dict) and isinstance(body.get("keys"), list)
    ):
        raise HttpError(400, faults.GENERIC[400])
    spec = qos_specs.get(service.cinder, req.params["id"])
    qos_specs.delete_keys(spec, body["keys"])
    return _accepted()


def associations(service: Any, req: Request) -> Response:
    """``GET /qos-specs/{id}/associations``."""
    _authorize(service, req, "get_all")
    spec = qos_specs.get(service.cinder, req.params["id"])
    rows = [{"association_type": "volume_type", "name": t.name, "id": t.id}
            for t in qos_specs.types_of(service.cinder, spec)]  # fmt: skip
    return Response(200, {"qos_associations": rows})


def _type_id(req: Request) -> str:
    type_id = (req.query.get("vol_type_id") or [None])[-1]
    if not type_id:
        raise HttpError(400, "Volume Type id must not be None.")
    return type_id


def _with_type(change: Any) -> Any:
    """A ``GET /qos-specs/{id}/<action>?vol_type_id=`` handler doing `change`: 202."""

    def handler(service: Any, req: Request) -> Response:
        _authorize(service, req, "update")
        type_id = _type_id(req)
        spec = qos_specs.get(service.cinder, req.params["id"])
        change(service.cinder, spec, type_id)
        return _accepted()

    handler.__name__ = change.__name__
    handler.__doc__ = f"``GET /qos-specs/{{id}}/{change.__name__}?vol_type_id=``: 202."
    return handler


associate = _with_type(qos_specs.associate)
disassociate = _with_type(qos_specs.disassociate)


def disassociate_all(service: Any, req: Request) -> Response:
    """``GET /qos-specs/{id}/disassociate_all``: 202."""
    _authorize(service, req, "update")
    qos_specs.disassociate_all(service.cinder, qos_specs.get(service.cinder, req.params["id"]))
    return _accepted()


#: ``(method, path, handler)`` under ``/v3[/{project_id}]/``.
ROUTES = (
    ("GET", "qos-specs", index),
    ("POST", "qos-specs", create),
    ("GET", "qos-specs/{id}", show),
    ("PUT", "qos-specs/{id}", update),
    ("DELETE", "qos-specs/{id}", delete),
    ("PUT", "qos-specs/{id}/delete_keys", delete_keys),
    ("GET", "qos-specs/{id}/associations", associations),
    ("GET", "qos-specs/{id}/associate", associate),
    ("GET", "qos-specs/{id}/disassociate", disassociate),
    ("GET", "qos-specs/{id}/disassociate_all", disassociate_all),
)
