"""Consistency groups and their snapshots on Cinder's REST surface: ``/consistencygroups``
and ``/cgsnapshots`` (``api/contrib/consistencygroups.py``, ``cgsnapshots.py`` and their
views; ``api/schemas/consistencygroups.py``, ``cgsnapshots.py`` from 28.0.0).

Deprecated since 12.0.0 (556ae86d3, the deprecation only logged) and served by every
release here, as a shell over generic groups (44ebdd225, 10.0.0): a consistency group is a
group of the ``default_cgsnapshot_type`` group type (`fakecloud.cinder.groups`), a cgsnapshot
a group snapshot, under the groups' policies. So the lists and shows answer every group and
group snapshot of the project (a generic one too), and the generic API refuses what these
make. Until 27.x the bodies are checked by hand (``assert_valid_body``,
``validate_name_and_description``); from 28.0.0 by loose schemas (1d41db9f8) that let
unknown keys pass. ``volume_types`` that is no text reaches ``rstrip``, and until 27.x
``add_volumes`` or ``remove_volumes`` that is no text reaches ``strip``: a 500.

Routes: ``GET /consistencygroups[/detail]``, ``POST /consistencygroups``, ``GET
/consistencygroups/{id}``, ``POST /consistencygroups/create_from_src``, ``PUT
/consistencygroups/{id}/update``, ``POST /consistencygroups/{id}/delete`` (its body
optional: ``{"consistencygroup": {"force": ...}}``; ``DELETE /consistencygroups/{id}`` reaches
the same method without one: refused); ``GET /cgsnapshots[/detail]``, ``POST
/cgsnapshots``, ``GET`` and ``DELETE /cgsnapshots/{id}``.

No driver here implements consistency groups (``create_consistencygroup`` and its kin are
``BaseVD``'s ``NotImplementedError``): what the managers then do is
`fakecloud.cinder.groups_manager`'s.
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.webob import WebObResponse, plain_webob_headers
from fakecloud.cinder import exception, faults, validation
from fakecloud.cinder.controllers import (
    VALID_BOOLSTR,
    clean_name_and_description,
    queens_name_and_description,
)
from fakecloud.cinder.groups_models import Group, GroupSnapshot
from fakecloud.cinder.groups_rest import GROUP_COLUMNS, GSNAP_COLUMNS, list_links, list_page
from fakecloud.cinder.paging import POPPED, first_values, page_params, sort_rows
from fakecloud.cinder.views import ViewContext

#: The first series whose consistency group bodies are checked by JSON schemas (1d41db9f8).
SCHEMAS_FROM = 28

_LOOSE = {"additionalProperties": True}
_NAME0 = validation.name_allow_zero_min_length
CREATE = {
    "type": "object",
    "properties": {
        "consistencygroup": {
            "type": "object",
            "properties": {
                "name": _NAME0,
                "description": validation.description,
                "volume_types": {},
                "availability_zone": {},
            },
            "required": ["volume_types"],
            **_LOOSE,
        }
    },
    "required": ["consistencygroup"],
    **_LOOSE,
}
CREATE_FROM_SRC = {
    "type": "object",
    "properties": {
        "consistencygroup-from-src": {
            "type": "object",
            "properties": {
                "name": _NAME0,
                "description": validation.description,
                "cgsnapshot_id": {"type": "string"},
                "source_cgid": {"type": "string"},
            },
            **_LOOSE,
        }
    },
    "required": ["consistencygroup-from-src"],
    **_LOOSE,
}
DELETE = {
    "oneOf": [
        {
            "type": "object",
            "properties": {
                "consistencygroup": {
                    "type": "object",
                    "properties": {"force": validation.boolean},
                    **_LOOSE,
                }
            },
            "required": ["consistencygroup"],
            **_LOOSE,
        },
        {"type": "object", "properties": {}, "additionalProperties": False},
        {"type": "null"},
    ]
}
UPDATE = {
    "type": "object",
    "properties": {
        "consistencygroup": {
            "type": "object",
            "properties": {
                "name": _NAME0,
                "description": validation.description,
                "add_volumes": {"type": ["string", "null"]},
                "remove_volumes": {"type": ["string", "null"]},
            },
            **_LOOSE,
        }
    },
    "required": ["consistencygroup"],
    **_LOOSE,
}
CGSNAPSHOT_CREATE = {
    "type": "object",
    "properties": {
        "cgsnapshot": {
            "type": "object",
            "properties": {
                "consistencygroup_id": {"type": "string"},
                "name": {"type": "string"},
                "description": {"type": "string"},
            },
            "required": ["consistencygroup_id"],
            **_LOOSE,
        }
    },
    "required": ["cgsnapshot"],
    **_LOOSE,
}


def _entity(service: Any, body: Any, name: str, schema: dict) -> dict[str, Any]:
    """The body's `name` object, checked as the series checks it, names stripped."""
    if service.cinder_major >= SCHEMAS_FROM:
        validation.validate(schema, body)
        entity = body[name]
        clean_name_and_description(entity)
        return entity
    validation.assert_valid_body(body, name)
    entity = body[name]
    queens_name_and_description(entity)
    return entity


def _accepted() -> Response:
    return WebObResponse(202, None, plain_webob_headers())


# -- views ---------------------------------------------------------------------------------


def cg_detail(vc: ViewContext, row: Group) -> dict[str, Any]:
    """``ViewBuilder.detail`` of a consistency group (the group's volume type ids)."""
    return {
        "id": row.id,
        "status": row.status,
        "availability_zone": row.availability_zone,
        "created_at": vc.timestamp(row.created_at),
        "name": row.name,
        "description": row.description,
        "volume_types": list(row.volume_type_ids),
    }


def cgsnapshot_detail(vc: ViewContext, row: GroupSnapshot) -> dict[str, Any]:
    """``ViewBuilder.detail`` of a cgsnapshot (a group snapshot has no
    ``consistencygroup_id``: the view falls back to its ``group_id``)."""
    return {
        "id": row.id,
        "consistencygroup_id": row.group_id,
        "status": row.status,
        "created_at": vc.timestamp(row.created_at),
        "name": row.name,
        "description": row.description,
    }


# -- consistency groups --------------------------------------------------------------------


def _cgs(service: Any, req: Request, detail: bool) -> Response:
    ctx = req.context
    service._policy(req, "group:get_all", None)
    filters = {k: v for k, v in first_values(req).items() if k not in POPPED}
    rows = service.cinder.group_api.get_all(ctx, filters)
    rows = list_page(
        service, req, rows, GROUP_COLUMNS, lambda m: exception.GroupNotFound(group_id=m)
    )
    vc = service._vc(req)
    items = [cg_detail(vc, r) if detail else {"id": r.id, "name": r.name} for r in rows]
    body: dict[str, Any] = {"consistencygroups": items}
    list_links(body, "consistencygroup_links", "consistencygroups", vc, req, rows, detail)
    return Response(200, body)


def cg_index(service: Any, req: Request) -> Response:
    """``GET /consistencygroups``."""
    return _cgs(service, req, False)


def cg_list_detail(service: Any, req: Request) -> Response:
    """``GET /consistencygroups/detail``."""
    return _cgs(service, req, True)


def cg_show(service: Any, req: Request) -> Response:
    """``GET /consistencygroups/{id}``."""
    row = service.cinder.group_api.get(req.context, req.params["id"])
    return Response(200, {"consistencygroup": cg_detail(service._vc(req), row)})


def cg_create(service: Any, req: Request) -> Response:
    """``POST /consistencygroups``: a group of ``default_cgsnapshot_type``; 202 and its
    summary."""
    body = service._body(req)
    if service.cinder_major >= SCHEMAS_FROM:
        validation.validate(CREATE, body)
    else:
        validation.assert_valid_body(body, "consistencygroup")
    service._policy(req, "group:create", None)
    inner = body["consistencygroup"]
    if service.cinder_major >= SCHEMAS_FROM:
        clean_name_and_description(inner)
    else:
        queens_name_and_description(inner)
    name = inner.get("name")
    volume_types = inner.get("volume_types")
    if not volume_types:
        raise HttpError(400, f"volume_types must be provided to create consistency group {name}.")
    if not isinstance(volume_types, str):  # ``volume_types.rstrip``: AttributeError
        raise HttpError(500, faults.GENERIC[500])
    cinder = service.cinder
    row = cinder.group_api.create(
        req.context,
        name,
        inner.get("description"),
        cinder.group_type_api.default_cgsnapshot_type().id,
        volume_types.rstrip(",").split(","),
        inner.get("availability_zone"),
    )
    return Response(202, {"consistencygroup": {"id": row.id, "name": row.name}})


def cg_create_from_src(service: Any, req: Request) -> Response:
    """``POST /consistencygroups/create_from_src``: from a cgsnapshot or a consistency group;
    202 and the summary. A Cinder error but a not-found one is a 400 with its message (the
    controller's ``except CinderException``), an over-quota one too."""
    body = service._body(req)
    inner = _entity(service, body, "consistencygroup-from-src", CREATE_FROM_SRC)
    service._policy(req, "group:create", None)
    name = inner.get("name")
    snap_id, source_id = inner.get("cgsnapshot_id"), inner.get("source_cgid")
    if not snap_id and not source_id:
        raise HttpError(
            400,
            "Either 'cgsnapshot_id' or 'source_cgid' must be provided to create consistency "
            f"group {name} from source.",
        )
    if snap_id and source_id:
        raise HttpError(
            400,
            "Cannot provide both 'cgsnapshot_id' and 'source_cgid' to create consistency group "
            f"{name} from source.",
        )
    api = service.cinder.group_api
    ctx = req.context
    if source_id:
        api.get(ctx, source_id)
    if snap_id:
        api.get_group_snapshot(ctx, snap_id)
    try:
        row = api.create_from_src(ctx, name, inner.get("description"), snap_id, source_id)
    except exception.NotFound:
        raise
    except exception.CinderException as error:
        raise HttpError(400, error.msg) from None
    return Response(202, {"consistencygroup": {"id": row.id, "name": row.name}})


def cg_update(service: Any, req: Request) -> Response:
    """``PUT /consistencygroups/{id}/update``: 202."""
    body = service._body(req)
    modern = service.cinder_major >= SCHEMAS_FROM
    if modern:
        validation.validate(UPDATE, body)
    if not body:
        raise HttpError(400, "Missing request body.")
    if not modern:
        validation.assert_valid_body(body, "consistencygroup")
    api = service.cinder.group_api
    row = api.get(req.context, req.params["id"])
    service._policy(req, "group:update", row.project_id)
    inner = body["consistencygroup"]
    if modern:
        clean_name_and_description(inner)
    else:
        queens_name_and_description(inner)
    name, description = inner.get("name"), inner.get("description")
    adds, removes = inner.get("add_volumes"), inner.get("remove_volumes")
    if not (name or description or adds or removes):
        raise HttpError(
            400,
            "Name, description, add_volumes, and remove_volumes can not be all empty in the "
            "request body.",
        )
    if any(v and not isinstance(v, str) for v in (adds, removes)):  # until 27.x: ``strip``
        raise HttpError(500, faults.GENERIC[500])
    api.update(req.context, row, name, description, adds, removes)
    return _accepted()


def cg_delete(service: Any, req: Request) -> Response:
    """``POST /consistencygroups/{id}/delete``: 202; ``force`` deletes its volumes too."""
    body = service._body(req)
    force = False
    if service.cinder_major >= SCHEMAS_FROM:
        validation.validate(DELETE, body)
    if body:
        if service.cinder_major < SCHEMAS_FROM:
            validation.assert_valid_body(body, "consistencygroup")
        value = body["consistencygroup"].get("force", False)
        # ``bool_from_string(strict=True)``; its message prints `force`, still False
        if not isinstance(value, bool) and str(value).strip().lower() not in VALID_BOOLSTR:
            raise HttpError(400, f"Invalid value '{force}' for force.")
        force = validation.bool_from_string(value)
    api = service.cinder.group_api
    row = api.get(req.context, req.params["id"])
    service._policy(req, "group:delete", row.project_id)
    api.delete(req.context, row, force)
    return _accepted()


def cg_delete_plain(service: Any, req: Request) -> Response:
    """``DELETE /consistencygroups/{id}`` (the resource's standard route to ``delete``, which
    wants a body the route never gives): until 27.x the missing argument's ``TypeError``, a
    bare 400; from 28.0.0 the schema decorator's ``kwargs['body']``, a ``KeyError``: a 500."""
    if service.cinder_major >= SCHEMAS_FROM:
        raise HttpError(500, faults.GENERIC[500])
    raise HttpError(400, faults.GENERIC[400])


# -- cgsnapshots ---------------------------------------------------------------------------


def _cgsnapshots(service: Any, req: Request, detail: bool) -> Response:
    rows = service.cinder.group_api.get_all_group_snapshots(req.context, {})
    # no sort read, but paginate_query's default order: newest first (created_at's stored
    # second, then id; cinder 12.0.10-29.0.0 _generate_paginate_query, process_sort_params)
    sort_rows(rows, ["created_at"], ["desc"], GSNAP_COLUMNS, service.cinder.kernel.clock)
    page = page_params(req)  # ``common.limited``: offset and limit, no marker
    rows = rows[page.offset : page.offset + page.limit]
    vc = service._vc(req)
    items = [cgsnapshot_detail(vc, r) if detail else {"id": r.id, "name": r.name} for r in rows]
    return Response(200, {"cgsnapshots": items})


def cgsnapshots_index(service: Any, req: Request) -> Response:
    """``GET /cgsnapshots``."""
    return _cgsnapshots(service, req, False)


def cgsnapshots_detail(service: Any, req: Request) -> Response:
    """``GET /cgsnapshots/detail``."""
    return _cgsnapshots(service, req, True)


def cgsnapshots_show(service: Any, req: Request) -> Response:
    """``GET /cgsnapshots/{id}``."""
    row = service.cinder.group_api.get_group_snapshot(req.context, req.params["id"])
    return Response(200, {"cgsnapshot": cgsnapshot_detail(service._vc(req), row)})


def cgsnapshots_create(service: Any, req: Request) -> Response:
    """``POST /cgsnapshots``: a group snapshot of the group; 202 and its summary."""
    body = service._body(req)
    inner = _entity(service, body, "cgsnapshot", CGSNAPSHOT_CREATE)
    if "consistencygroup_id" not in inner:
        raise HttpError(400, "'consistencygroup_id' must be specified")
    api = service.cinder.group_api
    group = api.get(req.context, inner["consistencygroup_id"])
    row = api.create_group_snapshot(req.context, group, inner.get("name"), inner.get("description"))
    return Response(202, {"cgsnapshot": {"id": row.id, "name": row.name}})


def cgsnapshots_delete(service: Any, req: Request) -> Response:
    """``DELETE /cgsnapshots/{id}``: 202; a refusal but not-found and policy ones is a 400,
    its own words for ``InvalidGroupSnapshot``, else "Failed to delete the cgsnapshot"."""
    api = service.cinder.group_api
    try:
        row = api.get_group_snapshot(req.context, req.params["id"])
        api.delete_group_snapshot(req.context, row)
    except (exception.NotFound, exception.NotAuthorized, exception.InvalidGroupSnapshot):
        raise
    except exception.CinderException:
        raise HttpError(400, "Failed to delete the cgsnapshot") from None
    return _accepted()


#: The routes (method, path under ``/v3[/{project_id}]/``, handler).
ROUTES = (
    ("GET", "consistencygroups/detail", cg_list_detail),
    ("GET", "consistencygroups", cg_index),
    ("POST", "consistencygroups", cg_create),
    ("POST", "consistencygroups/create_from_src", cg_create_from_src),
    ("GET", "consistencygroups/{id}", cg_show),
    ("PUT", "consistencygroups/{id}/update", cg_update),
    ("POST", "consistencygroups/{id}/delete", cg_delete),
    ("DELETE", "consistencygroups/{id}", cg_delete_plain),
    ("GET", "cgsnapshots/detail", cgsnapshots_detail),
    ("GET", "cgsnapshots", cgsnapshots_index),
    ("POST", "cgsnapshots", cgsnapshots_create),
    ("GET", "cgsnapshots/{id}", cgsnapshots_show),
    ("DELETE", "cgsnapshots/{id}", cgsnapshots_delete),
)
