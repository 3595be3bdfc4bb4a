"""Generic volume groups on Cinder's REST surface: ``/group_types`` and their
``/group_specs`` (3.11), ``/groups`` (3.13; ``create-from-src`` 3.14, ``reset_status`` 3.20),
``/group_snapshots`` (3.14; ``reset_status`` 3.19, paging 3.29): ``cinder/api/v3/
{group_types,group_specs,groups,group_snapshots}.py``, their schemas
(``cinder/api/schemas``) and views (``cinder/api/v3/views``). Below a method's microversion
the answer is the bare 404 (``VersionNotFoundForAPIMethod``). Groups migrated from
consistency groups (type ``default_cgsnapshot_type``) are refused (400) and left out of lists.
The replication actions (3.38) are `fakecloud.cinder.groups_replication`'s.
"""

from __future__ import annotations

import copy
from collections.abc import Generator
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.microversion import Version
from fakecloud.api.webob import WebObResponse, plain_webob_headers
from fakecloud.cinder import controllers, exception, groups_queens, groups_replication, validation
from fakecloud.cinder.groups_models import Group, GroupSnapshot, GroupType
from fakecloud.cinder.groups_types import GroupTypeInUse, group_type_rule
from fakecloud.cinder.list_filters import (
    LIKE_FILTER,
    RESOURCE_FILTER,
    reject_invalid_filters,
    resource_filters,
)
from fakecloud.cinder.paging import (
    POPPED,
    first_values,
    next_link,
    page_params,
    paginate,
    sort_params,
    sort_rows,
)
from fakecloud.cinder.type_list import _parse_is_public as parse_is_public
from fakecloud.cinder.validation import is_uuid_like
from fakecloud.cinder.views import ViewContext

GROUP_TYPE = Version.parse("3.11")
GROUP_VOLUME = Version.parse("3.13")
GROUP_SNAPSHOTS = Version.parse("3.14")
GROUP_SNAPSHOT_RESET_STATUS = Version.parse("3.19")
GROUP_VOLUME_RESET_STATUS = Version.parse("3.20")
GROUP_VOLUME_LIST = Version.parse("3.25")
GROUP_SNAPSHOT_PAGINATION = Version.parse("3.29")
GROUP_REPLICATION = Version.parse("3.38")
GROUP_GROUPSNAPSHOT_PROJECT_ID = Version.parse("3.58")

_obj = validation._obj
_NAME0 = validation.name_allow_zero_min_length
_DESC = validation.description
_SPECS = {
    "type": "object",
    "patternProperties": {
        "^[a-zA-Z0-9-_:.]{1,255}$": {"type": ["string", "null"], "maxLength": 255}
    },
    "additionalProperties": False,
}
TYPE_CREATE = _obj(
    {
        "group_type": _obj(
            {
                "name": {"type": "string", "format": "name", "minLength": 1, "maxLength": 255},
                "description": _DESC,
                "is_public": validation.boolean,
                "group_specs": validation.metadata_allows_null,
            },
            ["name"],
        )
    },
    ["group_type"],
)
TYPE_UPDATE = _obj(
    {"group_type": _obj({"name": _NAME0, "description": _DESC, "is_public": validation.boolean})},
    ["group_type"],
)
SPECS_CREATE = _obj({"group_specs": _SPECS}, ["group_specs"])
SPECS_UPDATE = {**copy.deepcopy(_SPECS), "minProperties": 1, "maxProperties": 1}
GROUP_CREATE = _obj(
    {
        "group": _obj(
            {
                "description": _DESC,
                "group_type": {"type": "string", "format": "group_type"},
                "name": _NAME0,
                "volume_types": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"type": "string", "maxLength": 255},
                    "uniqueItems": True,
                },
                "availability_zone": {"type": ["string", "null"], "format": "availability_zone"},
            },
            ["group_type", "volume_types"],
        )
    },
    ["group"],
)
CREATE_FROM_SRC = _obj(
    {
        "create-from-src": _obj(
            {
                "description": _DESC,
                "name": _NAME0,
                "source_group_id": validation.uuid_type,
                "group_snapshot_id": validation.uuid_type,
            },
            oneOf=[{"required": ["group_snapshot_id"]}, {"required": ["source_group_id"]}],
        )
    },
    ["create-from-src"],
)
GROUP_DELETE = _obj({"delete": _obj({"delete-volumes": validation.boolean})}, ["delete"])
GROUP_RESET = _obj(
    {"reset_status": _obj({"status": {"type": "string", "format": "group_status"}}, ["status"])},
    ["reset_status"],
)
GROUP_UPDATE = _obj(
    {
        "group": _obj(
            {"description": _DESC, "name": _NAME0, "add_volumes": _DESC, "remove_volumes": _DESC},
            anyOf=[
                {"required": ["name"]},
                {"required": ["description"]},
                {"required": ["add_volumes"]},
                {"required": ["remove_volumes"]},
            ],
        )
    },
    ["group"],
)
GSNAP_CREATE = _obj(
    {
        "group_snapshot": _obj(
            {"group_id": validation.uuid_type, "name": _NAME0, "description": _DESC}, ["group_id"]
        )
    },
    ["group_snapshot"],
)
GSNAP_RESET = _obj(
    {
        "reset_status": _obj(
            {"status": {"type": "string", "format": "group_snapshot_status"}}, ["status"]
        )
    },
    ["reset_status"],
)


def _empty_action(action: str) -> dict[str, Any]:
    """``schemas/groups.py``'s body of an action without arguments."""
    return _obj({action: {"type": "object"}}, [action])


#: ``schemas/groups.py`` (13.0.0 on) of the replication action that takes arguments.
REPLICATION_SCHEMAS = {
    "failover_replication": _obj(
        {
            "failover_replication": _obj(
                {
                    "allow_attached_volume": validation.boolean,
                    "secondary_backend_id": _NAME0,  # nullable_string: the same
                }
            )
        },
        ["failover_replication"],
    )
}


# -- shared --------------------------------------------------------------------------------


def _queens(service: Any) -> bool:
    """Cinder 12.0.10: the groups' bodies checked by hand (`groups_queens`), not by schema."""
    return service.cinder_major <= validation.QUEENS


def _since(req: Request, version: Version) -> None:
    if req.microversion < version:
        raise controllers.not_found()


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) and value else value


def _not_migrated(service: Any, type_id: str | None, what: str) -> None:
    """``_check_default_cgsnapshot_type``."""
    if service.cinder.group_type_api.is_default_cgsnapshot_type(type_id):
        raise HttpError(
            400,
            f"Group_type {type_id} is reserved for migrating CGs to groups. Migrated {what} can "
            f"only be operated by {'CG' if what == 'group' else 'CG snapshot'} APIs.",
        )


def _accepted() -> Response:
    return WebObResponse(202, None, plain_webob_headers())


def _filters(service: Any, req: Request, resource: str) -> dict[str, str]:
    """The query less paging and sorting; from 3.31 `list_filters.reject_invalid_filters`
    (from 3.34 ``key`` also passes when ``key~`` is configured, which the default file never
    does, so ``name~`` is an admin's filter; from 13.0.0 a key that is not ASCII is a 400
    for anyone; from 14.0.0 ``all_tenants`` is forgiven, left in the filters, where it matches
    no row, until 18.0.0 pops it)."""
    first = {k: v for k, v in first_values(req).items() if k not in (*POPPED, "list_volume")}
    if req.microversion >= Version.parse(RESOURCE_FILTER):
        major = service.cinder_major
        configured = resource_filters(major, resource)  # the series' resource_filters.json
        like = req.microversion >= Version.parse(LIKE_FILTER)
        admin = req.context.is_admin
        reject_invalid_filters(first, configured, not admin, like, major)
    return first


def list_page(service: Any, req: Request, rows: list, columns: frozenset, not_found: Any) -> list:
    """`rows` sorted as the query asks (newest first unless told; rows made within one stored
    second by id, as ``paginate_query`` orders them: `paging.sort_rows` with the cloud's
    clock), then paged."""
    page = page_params(req)
    first = {k: v[0] for k, v in req.query.items() if v}
    sort = sort_params(first) or (["created_at"], ["desc"])
    sort_rows(rows, list(sort[0]), list(sort[1]), columns, service.cinder.kernel.clock)
    return paginate(rows, page, not_found)


def list_links(
    body: dict, name: str, collection: str, vc: ViewContext, req: Request, page: list, detail: bool
) -> None:
    """A full page's next link in `body` under `name` (``_get_collection_links``)."""
    limit = page_params(req).limit
    if page and limit <= len(page):
        params = {k: v[-1] for k, v in req.query.items() if v}
        next_link(body, collection, vc, params, page, detail)
        body[name] = body.pop(f"{collection}_links")


# -- group types ---------------------------------------------------------------------------


def type_view(vc: ViewContext, row: GroupType) -> dict[str, Any]:
    """``ViewBuilder.show`` (brief): the specs to admins only."""
    out = {
        "id": row.id,
        "name": row.name,
        "description": row.description,
        "is_public": row.is_public,
    }
    if vc.context.is_admin:
        out["group_specs"] = dict(row.group_specs)
    return out


_TYPE_COLUMNS = frozenset(
    ("id", "name", "description", "is_public", "created_at", "updated_at", "deleted", "deleted_at")
)


def types_index(service: Any, req: Request) -> Response:
    """``GET /group_types``."""
    _since(req, GROUP_TYPE)
    ctx = req.context
    raw = req.query.get("is_public", [None])[-1]
    public = parse_is_public(raw) if ctx.is_admin else True
    api = service.cinder.group_type_api
    rows = api.get_all(ctx, public, (["created_at"], ["desc"]))
    rows = list_page(
        service, req, rows, _TYPE_COLUMNS, lambda m: exception.GroupTypeNotFound(group_type_id=m)
    )
    vc = service._vc(req)
    body: dict[str, Any] = {"group_types": [type_view(vc, r) for r in rows]}
    list_links(body, "group_type_links", "group_types", vc, req, rows, False)
    return Response(200, body)


def types_show(service: Any, req: Request) -> Response:
    """``GET /group_types/{id}`` (``default``: the configured default group type, none)."""
    _since(req, GROUP_TYPE)
    type_id = req.params["id"]
    if type_id == "default":
        raise HttpError(404, "Default group type can not be found.")
    row = service.cinder.group_type_api.get(req.context, type_id)
    return Response(200, {"group_type": type_view(service._vc(req), row)})


def types_create(service: Any, req: Request) -> Response:
    """``POST /group_types``: 202 and the type."""
    _since(req, GROUP_TYPE)
    body = service._body(req)
    validation.validate(validation.for_release(TYPE_CREATE, service.cinder.kernel.switches), body)
    inner = body["group_type"]
    api = service.cinder.group_type_api
    try:
        row = api.create(
            req.context,
            inner["name"],
            inner.get("group_specs") or {},
            validation.bool_from_string(inner.get("is_public", True)),
            inner.get("description"),
        )
    except exception.GroupTypeExists as error:
        raise HttpError(409, error.msg) from None
    return Response(202, {"group_type": type_view(service._vc(req), row)})


def types_update(service: Any, req: Request) -> Response:
    """``PUT /group_types/{id}``."""
    _since(req, GROUP_TYPE)
    body = service._body(req)
    validation.validate(TYPE_UPDATE, body)
    inner = body["group_type"]
    service._policy(req, "group:group_types:update", None)
    name, description = inner.get("name"), inner.get("description")
    public = inner.get("is_public")
    if public is not None:
        public = validation.bool_from_string(public)
    if name and not name.strip():
        raise HttpError(400, "Group type name can not be empty.")
    if name is None and description is None and public is None:
        raise HttpError(400, "Specify group type name, description or a combination thereof.")
    try:
        row = service.cinder.group_type_api.update(
            req.context, req.params["id"], name, description, public
        )
    except exception.GroupTypeExists as error:
        raise HttpError(409, error.msg) from None
    return Response(200, {"group_type": type_view(service._vc(req), row)})


def types_delete(service: Any, req: Request) -> Response:
    """``DELETE /group_types/{id}``: 202; one in use is 400."""
    _since(req, GROUP_TYPE)
    try:
        service.cinder.group_type_api.delete(req.context, req.params["id"])
    except GroupTypeInUse as error:
        # group_types.destroy's words (the controller's own shorter ones are never reached:
        # the volume API raises the HTTP error itself, 12.0.0-29.0.0)
        raise HttpError(400, f"Target group type is still in use. {error.msg}") from None
    return _accepted()


def _specs_type(service: Any, req: Request, action: str) -> GroupType:
    _since(req, GROUP_TYPE)
    rule = group_type_rule(
        service.cinder.kernel.switches.series.cinder, f"group:group_types_specs:{action}"
    )
    service._policy(req, rule, None)
    return service.cinder.group_type_api.get(req.context, req.params["id"])


def specs_index(service: Any, req: Request) -> Response:
    """``GET /group_types/{id}/group_specs``."""
    row = _specs_type(service, req, "get_all")
    return Response(200, {"group_specs": dict(row.group_specs)})


def specs_create(service: Any, req: Request) -> Response:
    """``POST /group_types/{id}/group_specs``: 202 and the body."""
    _since(req, GROUP_TYPE)
    body = service._body(req)
    validation.validate(SPECS_CREATE, body)
    _specs_type(service, req, "create")
    service.cinder.group_type_api.specs_update(
        req.context, req.params["id"], body["group_specs"], "create"
    )
    return Response(202, body)


def specs_update(service: Any, req: Request) -> Response:
    """``PUT /group_types/{id}/group_specs/{key}``."""
    _since(req, GROUP_TYPE)
    body = service._body(req)
    validation.validate(SPECS_UPDATE, body)
    _specs_type(service, req, "update")
    if req.params["key"] not in body:
        raise HttpError(400, "Request body and URI mismatch")
    service.cinder.group_type_api.specs_update(req.context, req.params["id"], body, "update")
    return Response(200, body)


def specs_show(service: Any, req: Request) -> Response:
    """``GET /group_types/{id}/group_specs/{key}``."""
    row = _specs_type(service, req, "get")
    key = req.params["key"]
    if key not in row.group_specs:
        raise HttpError(404, f"Group Type {req.params['id']} has no extra spec with key {key}.")
    return Response(200, {key: row.group_specs[key]})


def specs_delete(service: Any, req: Request) -> Response:
    """``DELETE /group_types/{id}/group_specs/{key}``: 202."""
    _specs_type(service, req, "delete")
    service.cinder.group_type_api.specs_delete(req.context, req.params["id"], req.params["key"])
    return _accepted()


# -- groups --------------------------------------------------------------------------------


def group_summary(row: Group) -> dict[str, Any]:
    """``ViewBuilder.summary``."""
    return {"id": row.id, "name": row.name}


def group_detail(service: Any, vc: ViewContext, req: Request, row: Group) -> dict[str, Any]:
    """``ViewBuilder.detail``: the sources from 3.14, the volumes asked from 3.25, the
    replication status from 3.38, the project to admins from 3.58."""
    out = {
        "id": row.id,
        "status": row.status,
        "availability_zone": row.availability_zone,
        "created_at": vc.timestamp(row.created_at),
        "name": row.name,
        "description": row.description,
        "group_type": row.group_type_id,
        "volume_types": list(row.volume_type_ids),
    }
    v = vc.version
    if v >= GROUP_SNAPSHOTS:
        out["group_snapshot_id"] = row.group_snapshot_id
        out["source_group_id"] = row.source_group_id
    if v >= GROUP_VOLUME_LIST and controllers.get_bool_param(
        "list_volume", {k: x[-1] for k, x in req.query.items() if x}
    ):
        out["volumes"] = [vol.id for vol in service.cinder.group_api.members(row)]
    if v >= GROUP_REPLICATION:
        out["replication_status"] = row.replication_status
    if v >= GROUP_GROUPSNAPSHOT_PROJECT_ID and vc.context.is_admin:
        out["project_id"] = row.project_id
    return out


GROUP_COLUMNS = frozenset(
    (
        "id", "created_at", "updated_at", "deleted", "deleted_at", "user_id", "project_id",
        "cluster_name", "host", "availability_zone", "name", "description", "group_type_id",
        "status", "group_snapshot_id", "source_group_id", "replication_status",
    )
)  # fmt: skip


def _groups(service: Any, req: Request, detail: bool) -> Response:
    _since(req, GROUP_VOLUME)
    filters = _filters(service, req, "group")
    api = service.cinder.group_api
    rows = [
        g
        for g in api.get_all(req.context, filters)
        if not service.cinder.group_type_api.is_default_cgsnapshot_type(g.group_type_id)
    ]
    rows = list_page(
        service, req, rows, GROUP_COLUMNS, lambda m: exception.GroupNotFound(group_id=m)
    )
    vc = service._vc(req)
    items = [group_detail(service, vc, req, r) if detail else group_summary(r) for r in rows]
    body: dict[str, Any] = {"groups": items}
    list_links(body, "group_links", "groups", vc, req, rows, detail)
    return Response(200, body)


def groups_index(service: Any, req: Request) -> Response:
    """``GET /groups``."""
    return _groups(service, req, False)


def groups_detail(service: Any, req: Request) -> Response:
    """``GET /groups/detail``."""
    return _groups(service, req, True)


def groups_show(service: Any, req: Request) -> Response:
    """``GET /groups/{id}``."""
    _since(req, GROUP_VOLUME)
    row = service.cinder.group_api.get(req.context, req.params["id"])
    _not_migrated(service, row.group_type_id, "group")
    return Response(200, {"group": group_detail(service, service._vc(req), req, row)})


def groups_create(service: Any, req: Request) -> Response:
    """``POST /groups``: 202 and the summary."""
    _since(req, GROUP_VOLUME)
    body = service._body(req)
    if _queens(service):
        inner = groups_queens.create(body)
    else:
        validation.validate(GROUP_CREATE, body)
        inner = body["group"]
    ctx = req.context
    gtype = inner["group_type"]
    if not is_uuid_like(gtype):
        gtype = service.cinder.group_type_api.get_by_name(ctx, gtype).id
    _not_migrated(service, gtype, "group")
    row = service.cinder.group_api.create(
        ctx,
        _strip(inner.get("name")),
        _strip(inner.get("description")),
        gtype,
        inner["volume_types"],
        inner.get("availability_zone"),
    )
    return Response(202, {"group": group_summary(row)})


def groups_create_from_src(service: Any, req: Request) -> Response:
    """``POST /groups/action`` ``create-from-src`` (3.14): 202 and the summary."""
    _since(req, GROUP_SNAPSHOTS)
    body = service._body(req)
    if _queens(service):
        inner = groups_queens.create_from_src(body)
    else:
        validation.validate(CREATE_FROM_SRC, body)
        inner = body["create-from-src"]
    ctx = req.context
    api = service.cinder.group_api
    gsnap_id, source_id = inner.get("group_snapshot_id"), inner.get("source_group_id")
    type_id = None
    if gsnap_id:
        type_id = api.get_group_snapshot(ctx, gsnap_id).group_type_id
    elif source_id:
        type_id = api.get(ctx, source_id).group_type_id
    _not_migrated(service, type_id, "group")
    row = api.create_from_src(
        ctx, _strip(inner.get("name")), _strip(inner.get("description")), gsnap_id, source_id
    )
    return Response(202, {"group": group_summary(row)})


def groups_update(service: Any, req: Request) -> Response:
    """``PUT /groups/{id}``: 202."""
    _since(req, GROUP_VOLUME)
    body = service._body(req)
    if _queens(service):
        inner = groups_queens.update(body)
    else:
        validation.validate(GROUP_UPDATE, body)
        inner = body["group"]
    api = service.cinder.group_api
    row = api.get(req.context, req.params["id"])
    _not_migrated(service, row.group_type_id, "group")
    api.update(
        req.context,
        row,
        _strip(inner.get("name")),
        _strip(inner.get("description")),
        inner.get("add_volumes"),
        inner.get("remove_volumes"),
    )
    return _accepted()


def groups_action(service: Any, req: Request) -> Response:
    """``POST /groups/{id}/action``: ``delete`` (3.13), ``reset_status`` (3.20), the
    replication actions (3.38)."""
    body = service._body(req)
    action = controllers.action_of(body)
    api = service.cinder.group_api
    ctx = req.context
    if action == "delete":
        _since(req, GROUP_VOLUME)
        if _queens(service):
            flag = groups_queens.delete_volumes(body)
        else:
            validation.validate(GROUP_DELETE, body)
            flag = validation.bool_from_string(body["delete"].get("delete-volumes", False))
        row = api.get(ctx, req.params["id"])
        _not_migrated(service, row.group_type_id, "group")
        api.delete(ctx, row, flag)
        return _accepted()
    if action == "reset_status":
        _since(req, GROUP_VOLUME_RESET_STATUS)
        if _queens(service):
            status = groups_queens.reset_status(body)
        else:
            validation.validate(GROUP_RESET, body)
            status = body["reset_status"]["status"].lower()
        row = api.get(ctx, req.params["id"])
        api.reset_status(ctx, row, status)
        return _accepted()
    if action in groups_replication.ACTIONS or action == "list_replication_targets":
        return _replication(service, req, action, body)
    raise controllers.no_such_action(action)


def _replication(service: Any, req: Request, action: str, body: Any) -> Generator:
    """The replication actions (3.38, `fakecloud.cinder.groups_replication`): 202, or the
    targets (an RPC call)."""
    _since(req, GROUP_REPLICATION)
    if _queens(service):
        inner = groups_queens.replication(body, action)
    else:
        validation.validate(REPLICATION_SCHEMAS.get(action) or _empty_action(action), body)
        inner = body[action]
    row = service.cinder.group_api.get(req.context, req.params["id"])
    if action == "list_replication_targets":
        targets = yield from groups_replication.list_targets(service.cinder, req.context, row)
        return Response(200, targets)
    allow = validation.bool_from_string(inner.get("allow_attached_volume", False))
    groups_replication.act(service.cinder, req.context, row, action, allow)
    return _accepted()


# -- group snapshots -----------------------------------------------------------------------


def gsnap_detail(vc: ViewContext, row: GroupSnapshot) -> dict[str, Any]:
    """``ViewBuilder.detail``: the project to admins from 3.58."""
    out = {
        "id": row.id,
        "group_id": row.group_id,
        "group_type_id": row.group_type_id,
        "status": row.status,
        "created_at": vc.timestamp(row.created_at),
        "name": row.name,
        "description": row.description,
    }
    if vc.version >= GROUP_GROUPSNAPSHOT_PROJECT_ID and vc.context.is_admin:
        out["project_id"] = row.project_id
    return out


#: The ``group_snapshots`` table's columns (a sort key must be one).
GSNAP_COLUMNS = frozenset(
    (
        "id", "created_at", "updated_at", "deleted", "deleted_at", "group_id", "user_id",
        "project_id", "name", "description", "status", "group_type_id",
    )
)  # fmt: skip


def _gsnaps(service: Any, req: Request, detail: bool) -> Response:
    _since(req, GROUP_SNAPSHOTS)
    paged = req.microversion >= GROUP_SNAPSHOT_PAGINATION
    filters = _filters(service, req, "group_snapshot") if paged else {}
    rows = service.cinder.group_api.get_all_group_snapshots(req.context, filters)
    if paged:
        rows = list_page(
            service,
            req,
            rows,
            GSNAP_COLUMNS,
            lambda m: exception.GroupSnapshotNotFound(group_snapshot_id=m),
        )
    else:
        # before 3.29 no sort is read, but the query is still paginate_query's: its default
        # order, newest first (process_sort_params' created_at and id, 'desc')
        sort_rows(rows, ["created_at"], ["desc"], GSNAP_COLUMNS, service.cinder.kernel.clock)
    vc = service._vc(req)
    items = []
    for r in rows:
        if service.cinder.group_type_api.is_default_cgsnapshot_type(r.group_type_id):
            continue
        items.append(gsnap_detail(vc, r) if detail else {"id": r.id, "name": r.name})
    body: dict[str, Any] = {"group_snapshots": items}
    list_links(body, "group_snapshot_links", "group_snapshots", vc, req, rows, detail)
    return Response(200, body)


def gsnaps_index(service: Any, req: Request) -> Response:
    """``GET /group_snapshots``."""
    return _gsnaps(service, req, False)


def gsnaps_detail(service: Any, req: Request) -> Response:
    """``GET /group_snapshots/detail``."""
    return _gsnaps(service, req, True)


def gsnaps_show(service: Any, req: Request) -> Response:
    """``GET /group_snapshots/{id}``."""
    _since(req, GROUP_SNAPSHOTS)
    row = service.cinder.group_api.get_group_snapshot(req.context, req.params["id"])
    _not_migrated(service, row.group_type_id, "group snapshots")
    return Response(200, {"group_snapshot": gsnap_detail(service._vc(req), row)})


def gsnaps_create(service: Any, req: Request) -> Response:
    """``POST /group_snapshots``: 202 and the summary (with its group type)."""
    _since(req, GROUP_SNAPSHOTS)
    body = service._body(req)
    validation.validate(GSNAP_CREATE, body)
    inner = body["group_snapshot"]
    api = service.cinder.group_api
    group = api.get(req.context, inner["group_id"])
    _not_migrated(service, group.group_type_id, "group snapshots")
    row = api.create_group_snapshot(req.context, group, inner.get("name"), inner.get("description"))
    return Response(
        202,
        {"group_snapshot": {"id": row.id, "name": row.name, "group_type_id": row.group_type_id}},
    )


def gsnaps_delete(service: Any, req: Request) -> Response:
    """``DELETE /group_snapshots/{id}``: 202."""
    _since(req, GROUP_SNAPSHOTS)
    api = service.cinder.group_api
    row = api.get_group_snapshot(req.context, req.params["id"])
    _not_migrated(service, row.group_type_id, "group snapshots")
    api.delete_group_snapshot(req.context, row)
    return _accepted()


def gsnaps_action(service: Any, req: Request) -> Response:
    """``POST /group_snapshots/{id}/action``: ``reset_status`` (3.19)."""
    body = service._body(req)
    action = controllers.action_of(body)
    if action != "reset_status":
        raise controllers.no_such_action(action)
    _since(req, GROUP_SNAPSHOT_RESET_STATUS)
    validation.validate(GSNAP_RESET, body)
    api = service.cinder.group_api
    row = api.get_group_snapshot(req.context, req.params["id"])
    api.reset_group_snapshot_status(req.context, row, body["reset_status"]["status"].lower())
    return _accepted()


#: The routes (method, path under ``/v3[/{project_id}]/``, handler).
ROUTES = (
    ("GET", "group_types", types_index),
    ("POST", "group_types", types_create),
    ("GET", "group_types/{id}", types_show),
    ("PUT", "group_types/{id}", types_update),
    ("DELETE", "group_types/{id}", types_delete),
    ("GET", "group_types/{id}/group_specs", specs_index),
    ("POST", "group_types/{id}/group_specs", specs_create),
    ("GET", "group_types/{id}/group_specs/{key}", specs_show),
    ("PUT", "group_types/{id}/group_specs/{key}", specs_update),
    ("DELETE", "group_types/{id}/group_specs/{key}", specs_delete),
    ("GET", "groups/detail", groups_detail),
    ("GET", "groups", groups_index),
    ("POST", "groups", groups_create),
    ("POST", "groups/action", groups_create_from_src),
    ("GET", "groups/{id}", groups_show),
    ("PUT", "groups/{id}", groups_update),
    ("POST", "groups/{id}/action", groups_action),
    ("GET", "group_snapshots/detail", gsnaps_detail),
    ("GET", "group_snapshots", gsnaps_index),
    ("POST", "group_snapshots", gsnaps_create),
    ("GET", "group_snapshots/{id}", gsnaps_show),
    ("DELETE", "group_snapshots/{id}", gsnaps_delete),
    ("POST", "group_snapshots/{id}/action", gsnaps_action),
)
