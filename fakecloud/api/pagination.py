"""Marker-and-limit pagination of a sorted list, as Nova's and Cinder's list calls do it.

>>> paginate(["a", "b", "c"], "a", "1", key=str)
['b']
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fakecloud.api.http import HttpError


def paginate(
    rows: list[Any],
    marker: str | None,
    limit: str | None,
    *,
    key: Callable[[Any], str],
    prefix: str = "",
) -> list[Any]:
    """The rows after the one whose ``key`` is `marker` (exclusive), at most `limit` of them.

    A marker matching no row or a limit that is no integer, or negative, is a 400 whose message
    starts with `prefix` (Cinder's ``"Invalid input received: "``, nothing for Nova).
    """
    if marker is not None:
        ids = [key(row) for row in rows]
        if marker not in ids:
            raise HttpError(400, f"{prefix}marker [{marker}] not found")
        rows = rows[ids.index(marker) + 1 :]
    if limit is not None:
        try:
            count = int(limit)
        except ValueError:
            raise HttpError(400, f"{prefix}limit param must be an integer") from None
        if count < 0:
            raise HttpError(400, f"{prefix}limit param must be positive")
        rows = rows[:count]
    return rows


def page_after_marker(
    rows: list[Any],
    marker: str | None,
    limit: str | None,
    max_limit: int,
    *,
    key: Callable[[Any], str],
) -> list[Any]:
    """A Nova page whose marker is looked up by its DB call (instance actions, key pairs): the
    rows after the one whose ``key`` is `marker` (400 "Marker X could not be found." when none
    is), at most `limit` (an integer the query schema checked) and never more than
    `max_limit` (``[api] max_limit``)."""
    if marker is not None:
        keys = [key(row) for row in rows]
        if marker not in keys:
            raise HttpError(400, f"Marker {marker} could not be found.")
        rows = rows[keys.index(marker) + 1 :]
    return rows[: max_limit if limit is None else min(whole_param(limit, "limit"), max_limit)]


def limited(rows: list[Any], offset: str | None, limit: str | None, max_limit: int) -> list[Any]:
    """Nova's ``common.limited`` (volume attachments, server groups): the rows from `offset`, at
    most `limit` of them (none or 0: `max_limit`) and never more than `max_limit`; `offset`
    and `limit` are integers the query schema checked."""
    start = whole_param(offset or "0", "offset")
    return rows[start : start + min(max_limit, whole_param(limit or "0", "limit") or max_limit)]


def whole_param(value: str, name: str) -> int:
    """A query parameter the schema's ``^[0-9]*$`` let through, as Nova's
    ``common.get_pagination_params`` reads it (``utils.validate_integer``): digits past what
    Python converts (4,300) are its 400, not a ValueError's 500."""
    try:
        return int(value)
    except ValueError:
        raise HttpError(400, f"Invalid input received: {name} must be an integer") from None


def pagination_params(req: Any) -> None:
    """Nova's ``common.get_pagination_params`` on a list no query schema checked first (GET
    /images before 30.0.0; the server list on ``/v2``): ``limit``, ``page_size`` and
    ``offset``, when given, integers of at least 0 (``utils.validate_integer``)."""
    for param in ("limit", "page_size", "offset"):
        raw = req.arg(param)
        if raw is None:
            continue
        try:
            value = int(str(raw))
        except ValueError:
            raise HttpError(400, f"Invalid input received: {param} must be an integer") from None
        if value < 0:
            raise HttpError(400, f"Invalid input received: {param} must be >= 0")
