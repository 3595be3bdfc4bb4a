"""Cinder's list pages and sorting (``api/common.py`` ``get_pagination_params``,
``get_sort_params``, ``ViewBuilder._get_collection_links``; ``db/api.py``
``process_sort_params`` and ``paginate_query``), shared by every list of the REST surface."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fakecloud.api.http import HttpError, Request
from fakecloud.cinder import exception
from fakecloud.cinder.list_query import column_value
from fakecloud.cinder.validation import DB_MAX_INT, validate_integer
from fakecloud.cinder.views import ViewContext
from fakecloud.sim.clock import stored_time

#: ``[DEFAULT] osapi_max_limit``: the most items one page of a list answer holds.
OSAPI_MAX_LIMIT = 1000


@dataclass(frozen=True)
class Page:
    """``common.get_pagination_params``: what a list's query asks of its page."""

    marker: str | None
    limit: int
    offset: int


def page_params(req: Request) -> Page:
    """``get_pagination_params`` (12.0.10 to 29.0.0), read before anything else a list does:
    ``params.pop`` takes a parameter's first value; ``limit`` an integer, at least 0, at most
    ``osapi_max_limit``, in webob's plain words; ``offset`` through ``validate_integer``."""
    query = req.query
    raw = query["limit"][0] if query.get("limit") else None
    try:
        limit = OSAPI_MAX_LIMIT if raw is None else int(raw)
    except ValueError:
        raise HttpError(400, "limit param must be an integer") from None
    if limit < 0:
        raise HttpError(400, "limit param must be positive")
    marker = query["marker"][0] if query.get("marker") else None
    offset = validate_integer(
        query["offset"][0] if query.get("offset") else 0, "offset", 0, DB_MAX_INT
    )
    return Page(marker, min(limit, OSAPI_MAX_LIMIT), offset)


#: What a list ``pop``s from its query (``get_pagination_params``, ``get_sort_params``) before
#: the rest is its filters; webob's ``MultiDict.pop`` takes one value, the first.
POPPED = ("limit", "marker", "offset", "sort", "sort_key", "sort_dir")


def first_values(req: Request) -> dict[str, str]:
    """The query as ``pop`` reads it: each parameter's first value."""
    return {k: v[0] for k, v in req.query.items() if v}


def paginate(items: list, page: Page, not_found: Callable[[str], Exception]) -> list:
    """The items after `page`'s marker (exclusive), past its offset, at most its limit. A
    marker is looked up as the database's paginate query does (``_generate_paginate_query``:
    ``get(context, marker)``), so one the caller cannot see is that resource's 404."""
    if page.marker is not None:
        ids = [item.id for item in items]
        if page.marker not in ids:
            raise not_found(page.marker)
        items = items[ids.index(page.marker) + 1 :]
    return items[page.offset : page.offset + page.limit]


def with_links(
    body: dict[str, Any],
    collection: str,
    vc: ViewContext,
    params: dict[str, str],
    limit: int,
    page: list,
    detail: bool,
    count: int | None = None,
) -> dict[str, Any]:
    """``ViewBuilder._get_collection_links``: ``<collection>_links``, a ``next`` link, when the
    page holds as many items as the limit (`limit`) — the request's
    parameters in their order with ``marker`` last, on ``/v3[/<project>]/<collection>``. With
    a ``count`` (3.45 ``with_count``) the link is there whenever the limit is at most the count,
    even on the last page (``item_count or len(items)``), and ``count`` follows the links.
    `limit` is the page's (`page_params`: ``_get_limit_param`` of the query again)."""
    if count is not None:
        if page and limit <= (count or len(page)):
            next_link(body, collection, vc, params, page, detail)
        body["count"] = count
        return body
    if not page or limit > len(page):
        return body
    return next_link(body, collection, vc, params, page, detail)


# -- sorting (api/common.py get_sort_params, db/api.py process_sort_params, paginate_query) ----


def sort_params(params: dict[str, str]) -> tuple[list[str], list[str]] | None:
    """``common.get_sort_params``: the keys and directions a list request asks for, or None
    when it names none (the default order: ``created_at``, then ``id``, newest first)."""
    if "sort" in params and ("sort_key" in params or "sort_dir" in params):
        raise HttpError(
            400,
            "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with "
            "the 'sort' parameter.",
        )
    if "sort" in params:
        keys, dirs = [], []
        for sort in params["sort"].strip().split(","):
            key, _sep, direction = sort.partition(":")
            keys.append(key.strip())
            dirs.append((direction or "desc").strip())
        return keys, dirs
    if "sort_key" in params or "sort_dir" in params:
        return [params.get("sort_key", "created_at").strip()], [
            params.get("sort_dir", "desc").strip()
        ]
    return None


#: The columns that hold a time: MySQL's ``DATETIME`` keeps their whole second.
TIME_COLUMNS = frozenset({"created_at", "updated_at", "deleted_at"})


def stored_key(clock: Any, t: float) -> datetime.datetime:
    """Virtual second `t` as Cinder's ``DATETIME`` column keeps it (the whole second, a half
    rounded up: `fakecloud.sim.clock.stored_time`, as the views show it): rows made within
    one second tie on it, and ``paginate_query``'s ``id`` orders them."""
    return stored_time(clock.wall_time(t))


def newest_first_key(clock: Any) -> Any:
    """The default list order's key (``created_at`` then ``id``, both descending, as
    ``process_sort_params`` adds them) of a row, its time as stored (`stored_key`)."""
    wall_time = clock.wall_time
    return lambda row: (stored_time(wall_time(row.created_at)), row.id)


def sort_rows(
    rows: list | None,
    keys: list[str],
    dirs: list[str],
    columns: frozenset,
    clock: Any = None,
) -> None:
    """Sort `rows` in place as ``process_sort_params`` and ``paginate_query`` order them: the
    directions checked, ``created_at`` and ``id`` added in the first direction, NULLs first
    ascending (and last descending); a key that is no column is ``Invalid sort key``, but only
    once the filters built a query (`rows` not None: ``paginate_query`` comes after them).
    With the cloud's `clock`, a time column sorts by its stored second (`stored_key`)."""
    for direction in dirs:
        if direction not in ("asc", "desc"):
            raise exception.InvalidInput(reason="Unknown sort direction, must be 'desc' or 'asc'.")
    dirs = list(dirs) + [dirs[0]] * (len(keys) - len(dirs))
    for key in ("created_at", "id"):
        if key not in keys:
            keys = [*keys, key]
            dirs.append(dirs[0])
    if rows is None:
        return
    for key in keys:
        if key not in columns:
            raise exception.InvalidInput(reason="Invalid sort key")
    for key, direction in reversed(list(zip(keys, dirs, strict=True))):
        if clock is not None and key in TIME_COLUMNS:
            value = _stored_value(clock, key)
        else:
            value = lambda row, k=key: sort_value(row, k)  # noqa: E731
        rows.sort(key=value, reverse=direction == "desc")


def _stored_value(clock: Any, column: str) -> Any:
    def value(row: Any) -> tuple[bool, Any]:
        t = column_value(row, column)
        return (False, 0) if t is None else (True, stored_key(clock, t))

    return value


def sort_value(row: Any, column: str) -> tuple[bool, Any]:
    """The sort key of `row`'s `column`: NULL before any value, as MySQL orders them."""
    value = column_value(row, column)
    return (False, 0) if value is None else (True, value)


def next_link(
    body: dict[str, Any],
    collection: str,
    vc: ViewContext,
    params: dict[str, str],
    page: list,
    detail: bool,
) -> dict[str, Any]:
    """Add ``<collection>_links`` with the ``next`` link after `page`'s last item."""
    query = {k: v for k, v in params.items() if k != "marker"}
    query["marker"] = page[-1].id
    project = f"/{vc.url_project}" if vc.url_project else ""
    path = f"{collection}/detail" if detail else collection
    href = f"{vc.base_url}{vc.api_root}{project}/{path}?{urlencode(query)}"
    body[f"{collection}_links"] = [{"rel": "next", "href": href}]
    return body
