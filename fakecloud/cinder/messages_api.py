"""``/messages`` on Cinder's REST surface: ``api/v3/messages.py`` (controller),
``api/v3/views/messages.py`` (answers), ``policies/messages.py`` (rules), ``db/api.py``
``message_get``/``message_get_all``/``message_destroy`` (12.0.10, 20.3.2, 29.0.0 read).

From 3.3 (``MESSAGES``; below, the bare 404 of a method the version lacks):

- ``GET /messages``: from 3.5 (``MESSAGES_PAGINATION``) paged and sorted as other lists
  (``limit``/``marker``/``offset``, ``sort``/``sort_key``/``sort_dir``; newest first) and the
  rest of the query taken as column filters (a key that is no column: an empty list); from
  3.31 a non-admin's filters are those of ``resource_filters.json`` (``resource_uuid``,
  ``resource_type``, ``event_id``, ``request_id``, ``message_level``), others a 400. Before
  3.5 the query is ignored. The list query is not scoped to the caller's project
  (``_messages_get_query(project_only=False)``, 12.0.10 to 29.0.0): every project's
  messages are listed to anyone the policy lets list.
- ``GET /messages/{id}``: the caller's project's message (an admin's: any), else 404
  "Message X could not be found." (``_message_get``, ``project_only="yes"``).
- ``DELETE /messages/{id}``: the same lookup, the delete policy on the message's project,
  then 204.

A message: ``id``, ``event_id``, ``user_message`` (``"<action>:<detail>"``),
``message_level``, ``created_at``, ``guaranteed_until`` (``expires_at``), ``request_id``,
``links``, ``resource_type`` and ``resource_uuid`` when set.
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.api.microversion import Version
from fakecloud.api.webob import WebObResponse, plain_webob_headers
from fakecloud.cinder import exception, list_filters, messages, paging
from fakecloud.cinder.controllers import not_found
from fakecloud.cinder.list_query import select

MESSAGES = Version.parse("3.3")
MESSAGES_PAGINATION = Version.parse("3.5")

#: The ``messages`` table's columns (``models.Message``), what filters and sort keys name.
MESSAGE_COLUMNS = frozenset(
    {
        "id",
        "project_id",
        "request_id",
        "resource_type",
        "resource_uuid",
        "event_id",
        "detail_id",
        "action_id",
        "message_level",
        "created_at",
        "updated_at",
        "deleted_at",
        "deleted",
        "expires_at",
    }
)


class MessageNotFound(exception.NotFound):
    """Cinder's ``MessageNotFound``."""

    message = "Message %(message_id)s could not be found."


def view(vc: Any, msg: messages.Message) -> dict[str, Any]:
    """``ViewBuilder.detail``'s message."""
    out = {
        "id": msg.id,
        "event_id": msg.event_id,
        "user_message": messages.user_message(msg),
        "message_level": msg.message_level,
        "created_at": vc.timestamp(msg.created_at),
        "guaranteed_until": vc.timestamp(msg.expires_at),
        "request_id": msg.request_id,
        "links": vc.links("messages", msg.id),
    }
    if msg.resource_type:
        out["resource_type"] = msg.resource_type
    if msg.resource_uuid:
        out["resource_uuid"] = msg.resource_uuid
    return out


def _get(service: Any, req: Request, message_id: str) -> messages.Message:
    """``_message_get``: not deleted, not reaped, the caller's project unless an admin."""
    ctx = req.context
    for msg in messages.visible(service.cinder):
        if msg.id == message_id and (ctx.is_admin or msg.project_id == ctx.project_id):
            return msg
    raise MessageNotFound(message_id=message_id)


def index(service: Any, req: Request) -> Response:
    """``GET /messages`` (3.3+)."""
    version = req.microversion
    if not version >= MESSAGES:
        raise not_found()
    service._policy(req, "message:get_all", None)
    rows: list[messages.Message] | None = messages.visible(service.cinder)
    page = sort = None
    params: dict[str, str] = {}
    if version >= MESSAGES_PAGINATION:
        page = paging.page_params(req)
        sort = paging.sort_params(paging.first_values(req))
        params = service._query(req)
        filters = list_filters.multidict(req.query, paging.POPPED)
        if version >= list_filters.RESOURCE_FILTER:
            list_filters.message_filters(filters, req.context, version, service.cinder_major)
        if filters:
            # _process_messages_filters: exact matches (``key~`` a LIKE); a key that is no
            # column builds no query (is_valid_model_filters): an empty list
            rows = select(rows, dict(filters.items()), MESSAGE_COLUMNS)
    keys, dirs = sort if sort is not None else (["created_at"], ["desc"])
    paging.sort_rows(rows, keys, dirs, MESSAGE_COLUMNS, service.cinder.kernel.clock)
    if rows is None:
        rows = []
    elif page is not None:
        if page.marker is not None:
            _get(service, req, page.marker)
        rows = paging.paginate(rows, page, lambda m: MessageNotFound(message_id=m))
    vc = service._vc(req)
    body = {"messages": [view(vc, m) for m in rows]}
    if page is not None:
        body = paging.with_links(body, "messages", vc, params, page.limit, rows, False)
    return Response(200, body)


def show(service: Any, req: Request) -> Response:
    """``GET /messages/{id}`` (3.3+)."""
    if not req.microversion >= MESSAGES:
        raise not_found()
    msg = _get(service, req, req.params["id"])
    service._policy(req, "message:get", msg.project_id)
    return Response(200, {"message": view(service._vc(req), msg)})


def delete(service: Any, req: Request) -> Response:
    """``DELETE /messages/{id}`` (3.3+): 204."""
    if not req.microversion >= MESSAGES:
        raise not_found()
    msg = _get(service, req, req.params["id"])
    service._policy(req, "message:delete", msg.project_id)
    service.cinder.store.message_rows().pop(msg.id, None)
    return WebObResponse(204, None, plain_webob_headers())


#: The routes (method, path under ``/v3[/{project_id}]/``, handler).
ROUTES = (
    ("GET", "messages", index),
    ("GET", "messages/{id}", show),
    ("DELETE", "messages/{id}", delete),
)
