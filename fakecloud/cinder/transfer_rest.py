"""Volume transfers on Cinder's REST surface: ``/os-volume-transfer`` (the extension's
controller, ``api/contrib/volume_transfer.py``: every series) and ``/volume-transfers``
(``api/v3/volume_transfer.py``, 13.0.0 on, routed at every microversion), with the schemas of
``api/schemas/volume_transfer.py`` (13.0.0 on; 12.0.10 checks the bodies by hand) and the
views of ``api/views/transfers.py`` (links under ``os-volume-transfer`` whatever the path).

The v3 controller differs from the extension's in three ways: ``no_snapshots`` in the create
body from 3.55, an encrypted volume allowed from 3.70 (21.0.0 on), and from 3.59 its lists
page and sort in the database (``marker``, ``sort``, newest first by default) before the
shared ``common.limited`` takes ``offset`` and ``limit`` once more. Before 3.59, and always on
``/os-volume-transfer`` (13.0.0 on), every query parameter is a column filter, so a list asked
with ``limit`` or ``marker`` is empty (no such column), as on a real cloud.
"""

from __future__ import annotations

import copy
from collections.abc import Generator
from typing import Any
from urllib.parse import urlencode

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.microversion import Version
from fakecloud.api.router import NoRoute
from fakecloud.api.webob import WebObResponse, plain_webob_headers
from fakecloud.cinder import exception, faults, paging, validation
from fakecloud.cinder.transfers import FILTERS_FROM, TRANSFER_COLUMNS
from fakecloud.cinder.views import ViewContext

TRANSFER_WITH_SNAPSHOTS = Version.parse("3.55")
TRANSFER_WITH_HISTORY = Version.parse("3.57")
SUPPORT_TRANSFER_PAGINATION = Version.parse("3.59")
TRANSFER_ENCRYPTED_VOLUME = Version.parse("3.70")
#: The links' collection (``ViewBuilder._collection_name``), on both paths.
COLLECTION = "os-volume-transfer"
#: The first Cinder with ``/volume-transfers`` (and the body schemas).
V3_PATHS_FROM = 13

_NAME = {
    "oneOf": [
        {"type": "string", "format": "name_skip_leading_trailing_spaces"},
        {"type": "null"},
    ]
}
_TRANSFER = validation._obj({"volume_id": validation.uuid_type, "name": _NAME}, ["volume_id"])
CREATE = validation._obj({"transfer": _TRANSFER}, ["transfer"])
CREATE_V355 = copy.deepcopy(CREATE)
CREATE_V355["properties"]["transfer"]["properties"]["no_snapshots"] = validation.boolean
ACCEPT = validation._obj(
    {"accept": validation._obj({"auth_key": {"type": ["string", "integer"]}}, ["auth_key"])},
    ["accept"],
)


# -- views --------------------------------------------------------------------------------


def summary(vc: ViewContext, row: Any) -> dict[str, Any]:
    """``ViewBuilder.summary``: id, volume id, name, links."""
    return {
        "id": row.id,
        "volume_id": row.volume_id,
        "name": row.display_name,
        "links": vc.links(COLLECTION, row.id),
    }


def detail(vc: ViewContext, row: Any, auth_key: str | None = None) -> dict[str, Any]:
    """``ViewBuilder.detail`` (or ``create``, with the `auth_key`): ``no_snapshots`` from 3.55,
    the projects and ``accepted`` from 3.57."""
    out = {"id": row.id, "created_at": vc.timestamp(row.created_at), "name": row.display_name}
    out["volume_id"] = row.volume_id
    if auth_key is not None:
        out["auth_key"] = auth_key
    out["links"] = vc.links(COLLECTION, row.id)
    version = vc.version
    if version >= TRANSFER_WITH_SNAPSHOTS:
        out["no_snapshots"] = row.no_snapshots
    if version >= TRANSFER_WITH_HISTORY:
        out["destination_project_id"] = row.destination_project_id
        out["source_project_id"] = row.source_project_id
        out["accepted"] = row.accepted
    return out


# -- handlers -----------------------------------------------------------------------------


def _v3(service: Any) -> None:
    if service.cinder_major < V3_PATHS_FROM:
        raise NoRoute([])


def _list(service: Any, req: Request, is_detail: bool, v3: bool) -> Response:
    """``_get_transfers`` of either controller, then ``common.limited`` and the views."""
    if v3:
        _v3(service)
    version = req.microversion
    first = paging.first_values(req)
    paged = v3 and version >= SUPPORT_TRANSFER_PAGINATION
    if paged:
        page = paging.page_params(req)
        sort = paging.sort_params(first) or (["created_at"], ["desc"])
        popped = paging.POPPED
    else:
        sort, popped = (["created_at", "id"], ["asc", "asc"]), ()
    filters = {k: v for k, v in first.items() if k not in popped}
    # Switch lp1860100: before 205bed13fc (15.1.0) `name` stays a filter no column has.
    renames = not service.cinder.kernel.switches.lp1860100
    if "name" in filters and service.cinder_major >= FILTERS_FROM and renames:
        filters["display_name"] = filters.pop("name")
    api = service.cinder.transfer_api
    rows = api.get_all(req.context, filters)
    if service.cinder_major >= FILTERS_FROM:
        paging.sort_rows(
            rows, list(sort[0]), list(sort[1]), TRANSFER_COLUMNS, service.cinder.kernel.clock
        )
    rows = rows or []
    if paged:
        if page.marker is not None:
            api._row(req.context, page.marker)
        rows = paging.paginate(rows, page, lambda m: exception.TransferNotFound(transfer_id=m))
    again = paging.page_params(req)  # common.limited: offset and limit of the whole query
    count = len(rows)
    rows = rows[again.offset : again.offset + again.limit]
    vc = service._vc(req)
    body: dict[str, Any] = {
        "transfers": [detail(vc, r) if is_detail else summary(vc, r) for r in rows]
    }
    if rows and again.limit <= (count or len(rows)):
        query = [(k, v) for k, values in req.query.items() if k != "marker" for v in values]
        query.append(("marker", rows[-1].id))
        project = f"/{vc.url_project}" if vc.url_project else ""
        href = f"{vc.base_url}{vc.api_root}{project}/{COLLECTION}?{urlencode(query)}"
        body["transfers_links"] = [{"rel": "next", "href": href}]
    return Response(200, body)


def index(service: Any, req: Request) -> Response:
    """``GET /os-volume-transfer``."""
    return _list(service, req, is_detail=False, v3=False)


def detail_list(service: Any, req: Request) -> Response:
    """``GET /os-volume-transfer/detail``."""
    return _list(service, req, is_detail=True, v3=False)


def v3_index(service: Any, req: Request) -> Response:
    """``GET /volume-transfers`` (13.0.0 on)."""
    return _list(service, req, is_detail=False, v3=True)


def v3_detail_list(service: Any, req: Request) -> Response:
    """``GET /volume-transfers/detail`` (13.0.0 on)."""
    return _list(service, req, is_detail=True, v3=True)


def show(service: Any, req: Request) -> Response:
    """``GET /os-volume-transfer/{id}``."""
    row = service.cinder.transfer_api.get(req.context, req.params["id"])
    return Response(200, {"transfer": detail(service._vc(req), row)})


def v3_show(service: Any, req: Request) -> Response:
    """``GET /volume-transfers/{id}`` (13.0.0 on)."""
    _v3(service)
    return show(service, req)


def _queens_body(body: Any, entity: str, key: str) -> dict[str, Any]:
    """12.0.10's hand checks: ``assert_valid_body``, then the one key read (a KeyError is
    "Incorrect request body format")."""
    validation.assert_valid_body(body, entity)
    inner = body[entity]
    if key not in inner:
        raise HttpError(400, "Incorrect request body format")
    return inner


def _create(service: Any, req: Request, v3: bool) -> Response:
    body = service._body(req)
    version = req.microversion
    no_snapshots = False
    if service.cinder_major < V3_PATHS_FROM:
        inner = _queens_body(body, "transfer", "volume_id")
        name = inner.get("name")
        if name is not None:
            # validate_string_length(name, 'Transfer name', 1, 255, remove_whitespaces=True)
            try:
                from oslo_utils import strutils  # on use: its import compiles ~400 regexes

                strutils.check_string_length(
                    name.strip() if isinstance(name, str) else name,
                    name="Transfer name",
                    min_length=1,
                    max_length=255,
                )
            except (ValueError, TypeError) as exc:
                raise HttpError(400, f"Invalid input received: {exc}") from None
    else:
        schema = CREATE_V355 if v3 and version >= TRANSFER_WITH_SNAPSHOTS else CREATE
        validation.validate(schema, body)
        inner = body["transfer"]
        name = inner.get("name")
        if v3:
            no_snapshots = validation.bool_from_string(inner.get("no_snapshots", False))
    if isinstance(name, str):
        name = name.strip()
    api = service.cinder.transfer_api
    try:
        row, key = api.create(
            req.context,
            inner["volume_id"],
            name,
            no_snapshots=no_snapshots,
            allow_encrypted=v3 and version >= TRANSFER_ENCRYPTED_VOLUME,
        )
    except exception.InvalidVolume as error:
        raise HttpError(400, error.msg) from None
    vc = service._vc(req, written=True)  # db.transfer_create's row, not read back
    return Response(202, {"transfer": detail(vc, row, auth_key=key)})


def create(service: Any, req: Request) -> Response:
    """``POST /os-volume-transfer``: 202 and the transfer with its ``auth_key``."""
    return _create(service, req, v3=False)


def v3_create(service: Any, req: Request) -> Response:
    """``POST /volume-transfers`` (13.0.0 on): ``no_snapshots`` from 3.55."""
    _v3(service)
    return _create(service, req, v3=True)


def accept(service: Any, req: Request) -> Generator:
    """``POST /os-volume-transfer/{id}/accept``: 202 and the summary; the volume is now the
    caller's."""
    body = service._body(req)
    if service.cinder_major < V3_PATHS_FROM:
        inner = _queens_body(body, "accept", "auth_key")
    else:
        validation.validate(ACCEPT, body)
        inner = body["accept"]
    work = service.cinder.transfer_api.accept(req.context, req.params["id"], inner["auth_key"])
    return _accepted(service, req, work)


def _accepted(service: Any, req: Request, work: Generator) -> Generator:
    try:
        row, _volume = yield from work
    except exception.VolumeSizeExceedsAvailableQuota as error:
        raise HttpError(413, error.msg, headers={"Retry-After": "0"}) from None
    except exception.InvalidVolume as error:
        raise HttpError(400, error.msg) from None
    except UnicodeEncodeError:
        # ``_get_crypt_hash`` encodes the key as UTF-8: a lone surrogate (JSON's "\ud800")
        # cannot be, FaultWrapper's 500 (cinder 12.0.10-29.0.0 transfer/api.py accept).
        raise HttpError(500, faults.GENERIC[500]) from None
    return Response(202, {"transfer": summary(service._vc(req), row)})


def v3_accept(service: Any, req: Request) -> Generator:
    """``POST /volume-transfers/{id}/accept`` (13.0.0 on)."""
    _v3(service)
    return accept(service, req)


def delete(service: Any, req: Request) -> Response:
    """``DELETE /os-volume-transfer/{id}``: 202; the volume ``available`` again."""
    service.cinder.transfer_api.delete(req.context, req.params["id"])
    return WebObResponse(202, None, plain_webob_headers())


def v3_delete(service: Any, req: Request) -> Response:
    """``DELETE /volume-transfers/{id}`` (13.0.0 on)."""
    _v3(service)
    return delete(service, req)


#: The routes (method, path under ``/v3[/{project_id}]/``, handler).
ROUTES = (
    ("GET", "os-volume-transfer/detail", detail_list),
    ("GET", "os-volume-transfer", index),
    ("POST", "os-volume-transfer", create),
    ("GET", "os-volume-transfer/{id}", show),
    ("DELETE", "os-volume-transfer/{id}", delete),
    ("POST", "os-volume-transfer/{id}/accept", accept),
    ("GET", "volume-transfers/detail", v3_detail_list),
    ("GET", "volume-transfers", v3_index),
    ("POST", "volume-transfers", v3_create),
    ("GET", "volume-transfers/{id}", v3_show),
    ("DELETE", "volume-transfers/{id}", v3_delete),
    ("POST", "volume-transfers/{id}/accept", v3_accept),
)
