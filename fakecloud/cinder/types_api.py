"""The REST routes of volume type writes: ``POST/PUT/DELETE /types``, ``/types/{id}/extra_specs``
and ``os-volume-type-access`` (``api/contrib/types_manage.py``, ``types_extra_specs.py``,
``volume_type_access.py`` and ``api/schemas``, cinder 12.0.10 to 29.0.0).

Each handler is ``(service, req)``, a `fakecloud.cinder.api.CinderApi` and its request, routed
by `ROUTES`. The order of the checks is the controllers': a body's schema (the
``@validation.schema`` decorator) before the policy, then the method's own checks. The state
they change is `fakecloud.cinder.type_manage`'s.

Per series: the policies are ``volume_extension:types_manage`` until 18.x, then
``type_create``/``type_update``/``type_delete`` (all admin); the extra specs are read by admins
only until 18.x, by readers from 19.0.0 (the sensitive ones still admins'); the access list
is ``volume_type_access`` (admin or owner) until 18.x, then ``get_all_for_type`` (admin, with
the legacy defaults admin or owner); an update's ``name`` may be empty until 15.x; the extra
specs are checked by hand in 12.x (``_check_key_names``), by schema from 13.0.0;
``cacheable`` with ``multiattach`` is refused from 17.0.0; an access project must be a UUID
until 21.x (17a3c67ae, 22.0.0; no stable branch took it: 20.3.1's and 21.3.2's schemas still
want one).
"""

from __future__ import annotations

import copy
import re
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.webob import WebObResponse, plain_webob_headers
from fakecloud.cinder import controllers, exception, faults, policy, type_manage, views
from fakecloud.cinder.validation import (
    METADATA_KEY,
    _obj,
    assert_valid_body,
    bool_from_string,
    boolean,
    description,
    for_release,
    name_allow_zero_min_length,
    uuid_type,
    validate,
)
from fakecloud.cinder.views import USER_VISIBLE_EXTRA_SPECS

#: The series from which the policies have their own names (``type_create`` ...).
OWN_POLICIES_FROM = 19
#: The series from which a reader reads the (user-visible) extra specs (084212711).
READERS_FROM = 19
#: The series from which the extra specs are checked by a JSON schema.
SPEC_SCHEMA_FROM = 13
#: The series from which an update's ``name`` is ``update_name`` (no empty name).
UPDATE_NAME_FROM = 16
#: The series from which ``cacheable`` and ``multiattach`` may not be set together.
CACHEABLE_FROM = 17
#: The series from which an access project is any string of 1 to 255 characters.
ANY_PROJECT_FROM = 22

_NAME = {"type": "string", "minLength": 1, "maxLength": 255, "format": "name"}
_SPECS_WITH_NULL = {
    "type": "object",
    "patternProperties": {METADATA_KEY: {"type": ["string", "null"], "maxLength": 255}},
    "additionalProperties": False,
}
_SPECS_NO_SPACES = {
    "type": "object",
    "patternProperties": {
        "^[a-zA-Z0-9-_:.]{1,255}$": {"type": ["string", "null"], "minLength": 0, "maxLength": 255}
    },
    "additionalProperties": False,
}

CREATE = _obj(
    {
        "volume_type": _obj(
            {
                "name": _NAME,
                "description": description,
                "extra_specs": _SPECS_WITH_NULL,
                "os-volume-type-access:is_public": boolean,
            },
            ["name"],
        )
    },
    ["volume_type"],
)


def _update_schema(name: dict) -> dict:
    inner = {"name": name, "description": description, "is_public": boolean}
    return _obj({"volume_type": _obj(inner)}, ["volume_type"])


UPDATE_V12 = _update_schema(name_allow_zero_min_length)
UPDATE = _update_schema({"type": ["string", "null"], "minLength": 1, "maxLength": 255})
SPECS_CREATE = _obj({"extra_specs": _SPECS_NO_SPACES}, ["extra_specs"])
SPECS_UPDATE = {**copy.deepcopy(_SPECS_NO_SPACES), "minProperties": 1, "maxProperties": 1}


def _access_schema(action: str, project: dict) -> dict:
    return _obj({action: _obj({"project": project}, ["project"])}, [action])


_ANY_PROJECT = {"type": "string", "minLength": 1, "maxLength": 255}
ACCESS = {
    (action, new): _access_schema(action, _ANY_PROJECT if new else uuid_type)
    for action in ("addProjectAccess", "removeProjectAccess")
    for new in (False, True)
}

#: ``common.VALID_KEY_NAME_REGEX`` (12.x's hand-written check of spec keys).
_VALID_KEY_NAME = re.compile(r"^[\w\.\-\:\_]+$", re.UNICODE)


# -- checks ----------------------------------------------------------------------------------


def _admin(service: Any, ctx: Any, action: str) -> None:
    """A ``rule:admin_api`` policy (`policy.authorize_admin`)."""
    policy.authorize_admin(ctx, action, service.cinder.policy_rules)


def _manage_policy(service: Any, ctx: Any, verb: str) -> None:
    major = service.cinder_major
    _admin(service, ctx, f"volume_extension:type_{verb}" if major >= OWN_POLICIES_FROM else
           "volume_extension:types_manage")  # fmt: skip


def _spec_reader_policy(service: Any, ctx: Any, action: str) -> None:
    if service.cinder_major < READERS_FROM:
        _admin(service, ctx, action)
    else:
        policy.authorize(ctx, action, None, service.cinder.policy_rules)


def _visible_specs(service: Any, ctx: Any, vtype: Any) -> dict[str, Any]:
    """``_get_extra_specs``: all of them for ``read_sensitive`` (19.0.0 on), else the
    user-visible ones; before 19.0.0 all of them (only admins read them)."""
    specs = vtype.specs()
    if service.cinder_major < READERS_FROM or policy.allowed(
        ctx, "volume_extension:types_extra_specs:read_sensitive", None,
        service.cinder.policy_rules,
    ):  # fmt: skip
        return specs
    return {k: specs[k] for k in USER_VISIBLE_EXTRA_SPECS if k in specs}


def _allow_update(service: Any, type_id: str) -> None:
    """``_allow_update``: no spec of a type some volume has may change."""
    if any(v.volume_type.id == type_id for v in service.cinder.store.volumes.values()):
        raise HttpError(400, "Volume Type is currently in use.")


def _check_cacheable(vtype: Any, specs: Any) -> None:
    if not isinstance(specs, dict):
        raise HttpError(500, faults.GENERIC[500])  # specs.get of a text: AttributeError
    current = vtype.specs()
    yes = "<is> True"
    new_multi, new_cache = specs.get("multiattach") == yes, specs.get("cacheable") == yes
    if (
        (new_multi and current.get("cacheable") == yes)
        or (new_cache and current.get("multiattach") == yes)
        or (new_cache and new_multi)
    ):
        raise HttpError(400, "cacheable cannot be set with multiattach.")


def _check_queens_specs(specs: dict[str, Any]) -> None:
    """12.x: ``_check_key_names`` and ``utils.validate_dictionary_string_length``."""
    if not all(isinstance(k, str) and _VALID_KEY_NAME.match(k) for k in specs):
        raise HttpError(
            400,
            "Key names can only contain alphanumeric characters, underscores, periods, colons "
            "and hyphens.",
        )
    from oslo_utils import strutils  # on use: its import compiles ~400 regexes

    for key, value in specs.items():
        try:
            strutils.check_string_length(key, f'Key "{key}"', min_length=1, max_length=255)
            if value is not None:
                strutils.check_string_length(
                    value, f'Value for key "{key}"', min_length=0, max_length=255
                )
        except (ValueError, TypeError) as exc:
            raise exception.InvalidInput(reason=str(exc)) from None


# -- types -----------------------------------------------------------------------------------


def _manage_view(service: Any, req: Request, vtype: Any, *, create: bool) -> dict[str, Any]:
    """The type as ``VolumeTypesManageController`` answers it: ``cinder/api/views/types.py``
    (every extra spec, no QoS id, whatever the policy), plus ``os-volume-type-access:is_public``
    on a create only (the access extension extends ``create``, not ``update``; 12.0.10 to
    29.0.0; the cinder oracle)."""
    access = create and policy.allowed(
        req.context, "volume_extension:volume_type_access", None,
        service.cinder.policy_rules,
    )  # fmt: skip
    return views.volume_type(vtype, extra_specs=True, sensitive=True, qos=False, access=access)


def types_create(service: Any, req: Request) -> Response:
    """``POST /types`` (``VolumeTypesManageController._create``): 200 and the type."""
    body = service._body(req)
    validate(for_release(CREATE, service.cinder.kernel.switches), body)
    ctx = req.context
    _manage_policy(service, ctx, "create")
    spec = body["volume_type"]
    is_public = bool_from_string(spec.get("os-volume-type-access:is_public", True))
    try:
        vtype = type_manage.create(
            service.cinder, spec["name"], spec.get("extra_specs") or {}, is_public,
            spec.get("description"),
        )  # fmt: skip
    except exception.VolumeTypeExists as err:
        raise HttpError(409, err.msg) from None
    return Response(200, {"volume_type": _manage_view(service, req, vtype, create=True)})


def types_update(service: Any, req: Request) -> Response:
    """``PUT /types/{id}`` (``_update``): name, description and is_public; 200 and the type."""
    body = service._body(req)
    validate(UPDATE if service.cinder_major >= UPDATE_NAME_FROM else UPDATE_V12, body)
    ctx = req.context
    _manage_policy(service, ctx, "update")
    spec = body["volume_type"]
    name, text, is_public = spec.get("name"), spec.get("description"), spec.get("is_public")
    if is_public is not None:
        is_public = bool_from_string(is_public)
    if name and not name.strip():
        raise HttpError(400, "Volume type name can not be empty.")
    if name is None and text is None and is_public is None:
        raise HttpError(
            400, "Specify volume type name, description, is_public or a combination thereof."
        )
    vtype = service.cinder.volume_type_by_id(req.params["id"])
    try:
        type_manage.update(service.cinder, vtype, name, text, is_public)
    except exception.VolumeTypeExists as err:
        raise HttpError(409, err.msg) from None
    return Response(200, {"volume_type": _manage_view(service, req, vtype, create=False)})


def types_delete(service: Any, req: Request) -> Response:
    """``DELETE /types/{id}`` (``_delete``): 202."""
    ctx = req.context
    _manage_policy(service, ctx, "delete")
    vtype = service.cinder.volume_type_by_id(req.params["id"], ctx)
    try:
        type_manage.destroy(service.cinder, vtype, service.cinder_major)
    except exception.VolumeTypeInUse:
        raise HttpError(400, "Target volume type is still in use.") from None
    except exception.VolumeTypeDefaultMisconfiguredError as err:
        raise HttpError(500, err.msg) from None
    return WebObResponse(202, None, plain_webob_headers())


def types_action(service: Any, req: Request) -> Response:
    """``POST /types/{id}/action``: ``addProjectAccess`` / ``removeProjectAccess``, 202.
    ``delete`` is routed too and fails (``_delete() got an unexpected keyword argument
    'body'``: Cinder's 500)."""
    body = service._body(req)
    action = controllers.action_of(body)
    if action == "delete":
        raise HttpError(500, faults.GENERIC[500])
    if action not in ("addProjectAccess", "removeProjectAccess"):
        raise controllers.no_such_action(action)
    cinder = service.cinder
    validate(ACCESS[action, service.cinder_major >= ANY_PROJECT_FROM], body)
    ctx = req.context
    _admin(service, ctx, f"volume_extension:volume_type_access:{action}")
    vtype = cinder.volume_type_by_id(req.params["id"])
    project = body[action]["project"]
    if action == "addProjectAccess":
        try:
            type_manage.add_access(cinder, vtype, project)
        except exception.VolumeTypeAccessExists as err:
            raise HttpError(409, err.msg) from None
    else:
        type_manage.remove_access(cinder, vtype, project)
    return WebObResponse(202, None, plain_webob_headers())


def access_index(service: Any, req: Request) -> Response:
    """``GET /types/{id}/os-volume-type-access``: the projects a private type is shared with
    (a public type's list is a 404)."""
    ctx = req.context
    if service.cinder_major >= READERS_FROM and service.cinder.policy_new_defaults:
        _admin(service, ctx, "volume_extension:volume_type_access:get_all_for_type")
    vtype = service.cinder.volume_type_by_id(req.params["id"], ctx)
    if vtype.is_public:
        raise exception.VolumeTypeAccessNotFound(
            message="Access list not available for public volume types."
        )
    rows = [
        {"volume_type_id": vtype.id, "project_id": p}
        for p in type_manage.projects(service.cinder, vtype)
    ]
    return Response(200, {"volume_type_access": rows})


# -- extra specs -----------------------------------------------------------------------------


def specs_index(service: Any, req: Request) -> Response:
    """``GET /types/{id}/extra_specs``."""
    ctx = req.context
    _spec_reader_policy(service, ctx, "volume_extension:types_extra_specs:index")
    vtype = service.cinder.volume_type_by_id(req.params["id"], ctx)
    return Response(200, {"extra_specs": _visible_specs(service, ctx, vtype)})


def specs_show(service: Any, req: Request) -> Response:
    """``GET /types/{id}/extra_specs/{key}``: ``{key: value}``."""
    ctx = req.context
    _spec_reader_policy(service, ctx, "volume_extension:types_extra_specs:show")
    type_id, key = req.params["id"], req.params["key"]
    vtype = service.cinder.volume_type_by_id(type_id, ctx)
    specs = _visible_specs(service, ctx, vtype)
    if key not in specs:
        raise exception.VolumeTypeExtraSpecsNotFound(volume_type_id=type_id, extra_specs_key=key)
    return Response(200, {key: specs[key]})


def specs_create(service: Any, req: Request) -> Response:
    """``POST /types/{id}/extra_specs``: add or change specs; 200 and the body."""
    body = service._body(req)
    major = service.cinder_major
    if major >= SPEC_SCHEMA_FROM:
        validate(SPECS_CREATE, body)
    ctx = req.context
    type_id = req.params["id"]
    _admin(service, ctx, "volume_extension:types_extra_specs:create")
    _allow_update(service, type_id)
    vtype = service.cinder.volume_type_by_id(type_id, ctx)
    if major < SPEC_SCHEMA_FROM:
        assert_valid_body(body, "extra_specs")
        _check_queens_specs(body["extra_specs"])
    specs = body["extra_specs"]
    if major >= CACHEABLE_FROM:
        _check_cacheable(vtype, specs)
    type_manage.update_specs(vtype, specs)
    return Response(200, body)


def specs_update(service: Any, req: Request) -> Response:
    """``PUT /types/{id}/extra_specs/{key}``: one spec, ``{key: value}``; 200 and the body."""
    body = service._body(req)
    major = service.cinder_major
    if major >= SPEC_SCHEMA_FROM:
        validate(SPECS_UPDATE, body)
    ctx = req.context
    type_id, key = req.params["id"], req.params["key"]
    _admin(service, ctx, "volume_extension:types_extra_specs:update")
    _allow_update(service, type_id)
    vtype = service.cinder.volume_type_by_id(type_id, ctx)
    if major < SPEC_SCHEMA_FROM and not body:
        raise HttpError(400, "Request body empty")
    if not isinstance(body, dict) or key not in body:
        raise HttpError(400, "Request body and URI mismatch")
    if major < SPEC_SCHEMA_FROM:
        if len(body) > 1:
            raise HttpError(400, "Request body contains too many items")
        _check_queens_specs(body)
    if major >= CACHEABLE_FROM and "extra_specs" in body:
        _check_cacheable(vtype, body["extra_specs"])
    type_manage.update_specs(vtype, body)
    return Response(200, body)


def specs_delete(service: Any, req: Request) -> Response:
    """``DELETE /types/{id}/extra_specs/{key}``: 202."""
    ctx = req.context
    type_id = req.params["id"]
    vtype = service.cinder.volume_type_by_id(type_id, ctx)
    _admin(service, ctx, "volume_extension:types_extra_specs:delete")
    _allow_update(service, type_id)
    type_manage.delete_spec(vtype, req.params["key"])
    return Response(202)


#: ``(method, path, handler)`` under ``/v3[/{project_id}]/``.
ROUTES = (
    ("POST", "types", types_create),
    ("PUT", "types/{id}", types_update),
    ("DELETE", "types/{id}", types_delete),
    ("POST", "types/{id}/action", types_action),
    ("GET", "types/{id}/os-volume-type-access", access_index),
    ("GET", "types/{id}/extra_specs", specs_index),
    ("POST", "types/{id}/extra_specs", specs_create),
    ("GET", "types/{id}/extra_specs/{key}", specs_show),
    ("PUT", "types/{id}/extra_specs/{key}", specs_update),
    ("DELETE", "types/{id}/extra_specs/{key}", specs_delete),
)
