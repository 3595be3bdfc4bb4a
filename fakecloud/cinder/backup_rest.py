"""``/backups`` on Cinder's REST surface: ``api/contrib/backups.py`` and ``api/v3/backups.py``
(controllers), ``api/schemas/backups.py`` (bodies), ``api/views/backups.py`` and
``api/v3/views/backups.py`` (answers), ``api/contrib/admin_actions.py``
``BackupAdminController`` (``os-reset_status``, ``os-force_delete``), per series (12.0.10,
16.4.2, 20.3.2, 24.0.0, 29.0.0 read).

Each handler takes the `fakecloud.cinder.api.CinderApi` serving the request and the request.
The views by microversion: ``metadata`` from 3.43, ``os-backup-project-attr:project_id``
(3.18) and ``user_id`` (3.56) for admins (``backup:backup_project_attribute``), an
``encryption_key_id`` from 3.64; a create answers the summary (id, name, links), a restore
``{"restore": {backup_id, volume_id, volume_name}}``.
"""

from __future__ import annotations

import base64
import binascii
import copy
from collections.abc import Generator
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.microversion import Version
from fakecloud.cinder import exception, list_filters, paging, policy, validation
from fakecloud.cinder.backups import BACKUP_COLUMNS
from fakecloud.cinder.controllers import clean_name_and_description, no_such_action
from fakecloud.cinder.views import FIXED_KEY_ID, ViewContext

BACKUP_UPDATE = Version.parse("3.9")
BACKUP_PROJECT = Version.parse("3.18")
BACKUP_SORT_NAME = Version.parse("3.37")
BACKUP_METADATA = Version.parse("3.43")
BACKUP_AZ = Version.parse("3.51")
BACKUP_PROJECT_USER_ID = Version.parse("3.56")
ENCRYPTION_KEY_ID_IN_DETAILS = Version.parse("3.64")
#: 16.0.0: a detail list's ``next`` link is on ``backups/detail`` (before, on ``backups``).
DETAIL_LINK_FROM = 16

_container = {"type": ["string", "null"], "minLength": 0, "maxLength": 255}
CREATE = validation._obj(
    {
        "backup": validation._obj(
            {
                "volume_id": validation.uuid_type,
                "container": _container,
                "description": validation.description,
                "incremental": validation.boolean,
                "force": validation.boolean,
                "name": validation.name_allow_zero_min_length,
                "snapshot_id": validation.uuid_allow_null,
            },
            ["volume_id"],
        )
    },
    ["backup"],
)
CREATE_V343 = copy.deepcopy(CREATE)
CREATE_V343["properties"]["backup"]["properties"]["metadata"] = validation.metadata_allows_null
CREATE_V351 = copy.deepcopy(CREATE_V343)
CREATE_V351["properties"]["backup"]["properties"]["availability_zone"] = _container
UPDATE = validation._obj(
    {
        "backup": {
            **validation._obj(
                {
                    "name": validation.name_allow_zero_min_length,
                    "description": validation.description,
                }
            ),
            "type": ["object", "null"],
        }
    },
    ["backup"],
)
UPDATE_V343 = copy.deepcopy(UPDATE)
UPDATE_V343["properties"]["backup"]["properties"]["metadata"] = validation.extra_specs
RESTORE = validation._obj(
    {
        "restore": {
            **validation._obj(
                {
                    "name": validation.name_allow_zero_min_length,
                    "volume_id": validation.uuid_allow_null,
                }
            ),
            "type": ["object", "null"],
        }
    },
    ["restore"],
)


#: Cinder 12.0.10's ``parameter_types.uuid_allow_null`` is any string or null (the
#: ``oneOf`` with the uuid format came later; 14.3.1 has it): a ``snapshot_id`` or restore
#: ``volume_id`` that is no uuid is then looked up, a 404.
_ANY_ID = {"type": ["string", "null"]}
CREATE_V12 = copy.deepcopy(CREATE)
CREATE_V12["properties"]["backup"]["properties"]["snapshot_id"] = _ANY_ID
CREATE_V343_V12 = copy.deepcopy(CREATE_V343)
CREATE_V343_V12["properties"]["backup"]["properties"]["snapshot_id"] = _ANY_ID
RESTORE_V12 = copy.deepcopy(RESTORE)
RESTORE_V12["properties"]["restore"]["properties"]["volume_id"] = _ANY_ID


def _vc(service: Any, req: Request) -> ViewContext:
    return service._vc(req)


# -- views --------------------------------------------------------------------------------


def summary(vc: ViewContext, backup: Any) -> dict[str, Any]:
    """``ViewBuilder.summary``: id, name, links."""
    return {"id": backup.id, "name": backup.display_name, "links": vc.links("backups", backup.id)}


def detail(vc: ViewContext, backup: Any, attributes: bool = False) -> dict[str, Any]:
    """``ViewBuilder.detail`` (v3): every field the series shows at the request's version;
    with `attributes` (an admin) the project and, from 3.56, the user."""
    version = vc.version
    out = {
        "id": backup.id,
        "status": backup.status,
        "size": backup.size,
        "object_count": backup.object_count,
        "availability_zone": backup.availability_zone,
        "container": backup.container,
        "created_at": vc.timestamp(backup.created_at),
        "updated_at": vc.timestamp(backup.updated_at),
        "name": backup.display_name,
        "description": backup.display_description,
        "fail_reason": backup.fail_reason,
        "volume_id": backup.volume_id,
        "links": vc.links("backups", backup.id),
        "is_incremental": backup.parent_id is not None,
        "has_dependent_backups": backup.num_dependent_backups > 0,
        "snapshot_id": backup.snapshot_id,
        "data_timestamp": vc.timestamp(backup.data_timestamp),
    }
    if version >= BACKUP_METADATA:
        out["metadata"] = dict(backup.metadata)
    key = backup.encryption_key_id
    if version >= ENCRYPTION_KEY_ID_IN_DETAILS and key and key != FIXED_KEY_ID:
        out["encryption_key_id"] = key
    if attributes and version >= BACKUP_PROJECT:
        out["os-backup-project-attr:project_id"] = backup.project_id
    if attributes and version >= BACKUP_PROJECT_USER_ID:
        out["user_id"] = backup.user_id
    return out


def _attributes(service: Any, req: Request) -> bool:
    return policy.allowed(
        req.context,
        "backup:backup_project_attribute",
        None,
        service.cinder.policy_rules,
    )


# -- handlers -----------------------------------------------------------------------------


def _list(service: Any, req: Request, is_detail: bool) -> Response:
    """``_get_backups``: paging, sorting and ``with_count`` popped, the filters, the rows."""
    cinder = service.cinder
    page = paging.page_params(req)
    sort = paging.sort_params(paging.first_values(req))
    params = service._query(req)
    show_count, popped = service._show_count(req, params)
    filters = list_filters.multidict(req.query, popped)
    list_filters.backup_filters(filters, req.context, req.microversion, service.cinder_major)
    rows = cinder.backup_api.get_all(req.context, filters.copy())
    if sort is not None:
        keys = sort[0]
        if req.microversion >= BACKUP_SORT_NAME:
            keys = ["display_name" if k == "name" else k for k in keys]
        paging.sort_rows(rows, keys, sort[1], BACKUP_COLUMNS, service.cinder.kernel.clock)
    count = cinder.backup_api.count(req.context, filters) if show_count else None
    if rows is None:
        rows = []
    else:
        rows = paging.paginate(rows, page, lambda m: exception.BackupNotFound(backup_id=m))
    vc = _vc(service, req)
    if is_detail:
        attributes = _attributes(service, req)
        items = [detail(vc, b, attributes) for b in rows]
    else:
        items = [summary(vc, b) for b in rows]
    link_detail = is_detail and service.cinder_major >= DETAIL_LINK_FROM
    body = paging.with_links(
        {"backups": items}, "backups", vc, params, page.limit, rows, link_detail, count
    )
    return Response(200, body)


def index(service: Any, req: Request) -> Response:
    """``GET /backups``."""
    return _list(service, req, is_detail=False)


def detail_list(service: Any, req: Request) -> Response:
    """``GET /backups/detail``."""
    return _list(service, req, is_detail=True)


def show(service: Any, req: Request) -> Response:
    """``GET /backups/{id}``."""
    backup = service.cinder.backup_api.get(req.context, req.params["id"])
    body = detail(_vc(service, req), backup, _attributes(service, req))
    return Response(200, {"backup": body})


def _create_schema(version: Version, major: int) -> dict[str, Any]:
    if major <= validation.QUEENS:  # 3.50 at most: no availability_zone
        return CREATE_V343_V12 if version >= BACKUP_METADATA else CREATE_V12
    if version >= BACKUP_AZ:
        return CREATE_V351
    return CREATE_V343 if version >= BACKUP_METADATA else CREATE


def create(service: Any, req: Request) -> Response:
    """``POST /backups``: 202 and the summary."""
    body = service._body(req)
    version = req.microversion
    schema = _create_schema(version, service.cinder_major)
    validation.validate(validation.for_release(schema, service.cinder.kernel.switches), body)
    backup = body["backup"]
    clean_name_and_description(backup)
    try:
        new = service.cinder.backup_api.create(
            req.context,
            backup.get("name"),
            backup.get("description"),
            backup["volume_id"],
            backup.get("container"),
            validation.bool_from_string(backup.get("incremental", False)),
            backup.get("availability_zone") if version >= BACKUP_AZ else None,
            validation.bool_from_string(backup.get("force", False)),
            backup.get("snapshot_id"),
            backup.get("metadata") if version >= BACKUP_METADATA else None,
        )
    except exception.ServiceNotFound as error:
        raise HttpError(503, error.msg) from None
    return Response(202, {"backup": summary(_vc(service, req), new)})


def update(service: Any, req: Request) -> Response:
    """``PUT /backups/{id}`` (3.9; before, Cinder's 404 for a missing version)."""
    version = req.microversion
    if not version >= BACKUP_UPDATE:
        raise exception.NotFound("The resource could not be found.")
    body = service._body(req)
    schema = UPDATE_V343 if version >= BACKUP_METADATA else UPDATE
    validation.validate(validation.for_release(schema, service.cinder.kernel.switches), body)
    fields = body["backup"]
    if fields is None:
        # the schema allows null; clean_name_and_description's None.get: FaultWrapper's 500
        raise exception.CinderException()
    clean_name_and_description(fields)
    changes: dict[str, Any] = {}
    if "name" in fields:
        changes["display_name"] = fields["name"]
    if "description" in fields:
        changes["display_description"] = fields["description"]
    if version >= BACKUP_METADATA and "metadata" in fields:
        changes["metadata"] = fields["metadata"]
    backup = service.cinder.backup_api.update(req.context, req.params["id"], changes)
    return Response(200, {"backup": summary(_vc(service, req), backup)})


def delete(service: Any, req: Request) -> Response:
    """``DELETE /backups/{id}``: 202."""
    api = service.cinder.backup_api
    api.delete(req.context, api.get(req.context, req.params["id"]))
    return Response(202)


def restore(service: Any, req: Request) -> Any:
    """``POST /backups/{id}/restore``: 202 and the restore (after a new volume is made)."""
    body = service._body(req)
    validation.validate(RESTORE_V12 if service.cinder_major <= validation.QUEENS else RESTORE, body)
    inner = body["restore"]
    if inner is None:
        # the schema allows null; the controller's None.get: FaultWrapper's 500
        raise exception.CinderException()
    work = service.cinder.backup_api.restore(
        req.context, req.params["id"], inner.get("volume_id"), inner.get("name")
    )
    return _restored(service, req, work)


def _restored(service: Any, req: Request, work: Generator) -> Generator:
    try:
        result = yield from work
    except (exception.VolumeSizeExceedsAvailableQuota, exception.VolumeLimitExceeded) as error:
        # HTTPRequestEntityTooLarge(explanation=error.msg, headers={'Retry-After': '0'})
        raise HttpError(413, error.msg, headers={"Retry-After": "0"}) from None
    return Response(202, {"restore": result})


def action(service: Any, req: Request) -> Response | Generator[Any, Any, Response]:
    """``POST /backups/{id}/action``: ``os-reset_status``, ``os-force_delete`` (admin; a
    generator: it waits for the backup host's answer)."""
    body = service._body(req)
    name = next(iter(body), None) if isinstance(body, dict) and len(body) == 1 else None
    api = service.cinder.backup_api
    if name == "os-reset_status":
        validation.validate(validation.RESET_STATUS_BACKUP, body)
        api.reset_status(req.context, req.params["id"], body[name]["status"].lower())
    elif name == "os-force_delete":
        validation.validate(validation.FORCE_DELETE, body)
        return _force_delete(api, req)
    else:
        raise no_such_action(str(name))
    return Response(202)


def _force_delete(api: Any, req: Request) -> Generator[Any, Any, Response]:
    yield from api.force_delete(req.context, req.params["id"])
    return Response(202)


def export_record(service: Any, req: Request) -> Response:
    """``GET /backups/{id}/export_record`` (admin): 200 ``{"backup-record": {backup_service,
    backup_url}}``."""
    record = service.cinder.backup_api.export_record(req.context, req.params["id"])
    return Response(200, {"backup-record": record})


IMPORT_RECORD = validation._obj(
    {
        "backup-record": validation._obj(
            {
                "backup_service": {"type": "string", "minLength": 0, "maxLength": 255},
                "backup_url": {"type": "string", "minLength": 1},
            },
            ["backup_service", "backup_url"],
        )
    },
    ["backup-record"],
)


def import_record(service: Any, req: Request) -> Response:
    """``POST /backups/import_record`` (admin): 201 and the summary of a ``creating`` backup
    that cinder-backup fills in from the record."""
    body = service._body(req)
    validation.validate(IMPORT_RECORD, body)
    record = body["backup-record"]
    try:
        base64.b64decode(record["backup_url"])
    except binascii.Error:
        # the schema's 'base64' format check raises (a padding error is a ValueError, not
        # the TypeError it catches): FaultWrapper's 500
        raise exception.CinderException() from None
    try:
        new = service.cinder.backup_api.import_record(
            req.context, record["backup_service"], record["backup_url"]
        )
    except exception.ServiceNotFound as error:
        raise HttpError(503, error.msg) from None
    return Response(201, {"backup": summary(_vc(service, req), new)})


#: The routes (method, path under ``/v3[/{project_id}]/``, handler).
ROUTES = (
    ("GET", "backups/detail", detail_list),
    ("POST", "backups/import_record", import_record),
    ("GET", "backups/{id}/export_record", export_record),
    ("GET", "backups", index),
    ("POST", "backups", create),
    ("GET", "backups/{id}", show),
    ("PUT", "backups/{id}", update),
    ("DELETE", "backups/{id}", delete),
    ("POST", "backups/{id}/restore", restore),
    ("POST", "backups/{id}/action", action),
)
