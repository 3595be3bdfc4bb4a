"""Which servers a list's filters keep: Nova's ``instance_get_all_by_filters_sort``
(``nova/db/api.py`` in 17.0.13, ``nova/db/main/api.py`` from 24.0.0; the same rules in every
release from 17.0.13 to 34.0.0), after ``compute.api.API.get_all`` has remapped the options.

- ``changes-since``/``changes-before``: ``updated_at`` at or after / at or before the time, the
  column's whole seconds (`stored_time`: MySQL's ``DATETIME`` rounds to the second), as the API
  shows them;
- ``deleted``: True keeps the deleted (and soft-deleted) servers only, False the live ones but
  soft-deleted (the API sets False unless a changes window is asked for: then all);
- ``tags``/``tags-any``/``not-tags``/``not-tags-any`` (lists): all, any, not all, none of them;
- ``cleaned``: a truth value, 1 or 0 (fakecloud runs no pending deletes: every server has 0);
- ``hidden`` (from 20.0.0, `HIDDEN_MODES`): no such column before; the text compared with the
  boolean column, which the database refuses, until 20.1.1; then a truth value: a true one
  lists only hidden servers (cross-cell resize sources: fakecloud has none);
- the exact filters (``_exact_instance_filter``: a list value is an ``IN``, an empty list
  matches nothing), and every other filter naming a column of the instances table a regular
  expression searched in the column's text (``_regex_instance_filter``: a NULL never matches;
  names that are no column are ignored). On ``/v2`` an admin's filter may name any column:
  ``id`` (the row's integer id, not its uuid), ``compute_id`` (from 28.0.0), ``launched_on``,
  ``key_data`` are worked out by the caller's `column` (`DATABASE_COLUMNS`).

Text compares as MySQL's default collation (utf8 general_ci) compares it: ``=``/``IN`` and
``REGEXP`` ignore case, so ``?host=CMP-1`` finds ``cmp-1``'s servers and ``?name=WEB`` a server
named ``web-1``; ``ORDER BY`` sorts ``alpha`` before ``Beta``.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable
from typing import Any

from fakecloud.nova import exception, states
from fakecloud.sim.clock import stored_time

EXACT = (
    "project_id", "user_id", "image_ref", "vm_state", "instance_type_id", "uuid", "host",
    "task_state", "locked",
)  # fmt: skip
"""``exact_match_filter_names`` that fakecloud's rows hold (not ``metadata``/``system_metadata``:
the API refuses those as joined tables; nor ``hidden``)."""

_DB_TIME = "%Y-%m-%d %H:%M:%S"
"""A DATETIME column's text, which a regular expression is matched against (MySQL)."""


def normalize_time(value: datetime.datetime) -> datetime.datetime:
    """``timeutils.normalize_time`` of a changes time, as ``_get_query_nova_resource_by_
    changes_time`` hands it to the query: naive UTC. Raises OverflowError for one whose UTC
    falls outside years 1-9999 (``0001-01-01T00:00:00+01:00``), which nothing in Nova catches:
    its 500 (nova 17.0.13 db/sqlalchemy/api.py to 34.0.0 db/main/api.py, for servers, instance
    actions and migrations alike)."""
    offset = value.utcoffset()
    return value if offset is None else value.replace(tzinfo=None) - offset


REGEX_COLUMNS = (
    "display_name", "display_description", "hostname", "node", "power_state", "launched_at",
    "terminated_at", "created_at", "updated_at", "deleted_at", "root_device_name", "progress",
    "availability_zone", "launch_index", "key_name", "reservation_id", "config_drive",
    "access_ip_v4", "access_ip_v6", "auto_disk_config", "locked_by", "user_data",
)  # fmt: skip
"""Columns of Nova's ``instances`` table that fakecloud's rows hold and a regex filter may name
(an admin's any column; a user's ``name``, ``reservation_id`` and from 2.83 a few more)."""

_TIMES = frozenset({"launched_at", "terminated_at", "created_at", "updated_at", "deleted_at"})

DERIVED_COLUMNS: dict[str, Callable[[Any], Any]] = {
    "vcpus": lambda row: row.flavor.vcpus,
    "memory_mb": lambda row: row.flavor.memory_mb,
    "root_gb": lambda row: row.flavor.root_gb,
    "ephemeral_gb": lambda row: row.flavor.ephemeral_gb,
    "kernel_id": lambda row: "",
    "ramdisk_id": lambda row: "",
    "shutdown_terminate": lambda row: False,
    "disable_terminate": lambda row: False,
    "cleaned": lambda row: False,
    **dict.fromkeys(
        (
            "ephemeral_key_uuid", "os_type", "architecture", "vm_mode",
            "default_ephemeral_device", "default_swap_device", "cell_name",
        ),
        lambda row: None,
    ),
}  # fmt: skip
"""Columns of the instances table fakecloud's rows do not hold, as the database has them for
its servers: the flavor's sizes (copied to the row at boot), ``""`` for the kernel and ramdisk
of an image with neither, the false flags, and the columns left NULL for them. Only an admin's
filter on ``/v2`` (no schema strips it there) or a ``/v2`` sort key names them."""


TIME_COLUMNS = frozenset(
    ("created_at", "updated_at", "launched_at", "terminated_at", "deleted_at", "scheduled_at")
)
"""The instances table's ``DateTime`` columns: a sort compares what MySQL keeps of them, the
whole second (`stored_time`), so rows of one second fall to the next key (``id`` at last)."""

DATABASE_COLUMNS = ("id", "compute_id", "launched_on", "key_data")
"""Columns of the instances table a row does not hold that the database answers from what it
keeps: the integer id, the node's id, the host that claimed it, its key pair's public key."""

HIDDEN_MODES = ("ignored", "exact", "flag")
"""The switch ``instance_hidden_filter``'s values (see the module doc)."""


class StatementError(Exception):
    """The database refuses the query (SQLAlchemy's ``StatementError``, as for text bound to a
    boolean column): raised in every cell, which cannot rebuild it."""


def matcher(
    filters: dict[str, Any],
    wall: Callable[[float], datetime.datetime],
    column: Callable[[Any, str], Any] | None = None,
    hidden: str = "flag",
) -> Callable:
    """A predicate on instance rows keeping what `filters` (Nova's DB filters) keep; `wall`
    turns a virtual second into naive UTC (the clock's ``wall_time``); `column(row, key)`
    reads the `DATABASE_COLUMNS`; `hidden` is the release's `HIDDEN_MODES`. None when no row
    can match (an empty ``IN``, a true ``cleaned`` or ``hidden``). Raises `StatementError`, and
    OverflowError for a changes time outside the years the database holds."""
    if filters.get("cleaned") or (hidden == "flag" and filters.get("hidden")):
        return None
    if hidden == "exact" and "hidden" in filters:
        raise StatementError(f"Not a boolean value: {filters['hidden']!r}")
    checks: list[Callable[[Any], bool]] = []
    since, before = filters.get("changes-since"), filters.get("changes-before")
    # ``_get_query_nova_resource_by_changes_time``: OverflowError out of range (Nova's 500)
    since = since and normalize_time(since)
    before = before and normalize_time(before)
    if since:
        checks.append(lambda r: r.updated_at is not None and _updated(wall, r) >= since)
    if before:
        checks.append(lambda r: r.updated_at is not None and _updated(wall, r) <= before)
    if "deleted" in filters:
        checks.append(_deleted_check(bool(filters["deleted"]), filters.get("soft_deleted")))
    for key, check in _TAG_CHECKS.items():
        if filters.get(key):
            checks.append(_bind(check, frozenset(filters[key])))
    for key in EXACT:
        if key not in filters:
            continue
        value = filters[key]
        if isinstance(value, (list, tuple, set, frozenset)):
            if not value:
                return None
            checks.append(_bind(_is_in, (key, frozenset(map(_folded, value)))))
        else:
            checks.append(_bind(_equals, (key, _folded(value))))
    for key in REGEX_COLUMNS:
        if key in filters:
            pattern = re.compile(str(filters[key]), re.IGNORECASE)
            checks.append(_bind(_searches, (key, pattern, wall)))
    for key in DERIVED_COLUMNS.keys() & filters.keys() - {"cleaned"}:
        pattern = re.compile(str(filters[key]), re.IGNORECASE)
        checks.append(_bind(_searches_derived, (DERIVED_COLUMNS[key], pattern)))
    for key in DATABASE_COLUMNS:
        if key in filters and column is not None:
            pattern = re.compile(str(filters[key]), re.IGNORECASE)
            read = functools.partial(_read, column, key)
            checks.append(_bind(_searches_derived, (read, pattern)))
    return lambda row: all(check(row) for check in checks)


def _updated(wall: Callable[[float], datetime.datetime], row: Any) -> datetime.datetime:
    return stored_time(wall(row.updated_at))


def _read(column: Callable[[Any, str], Any], key: str, row: Any) -> Any:
    return column(row, key)


def _deleted_check(deleted: bool, soft: Any) -> Callable[[Any], bool]:
    """Deleted rows, and soft-deleted servers with them unless ``soft_deleted`` is given and
    false; or live rows, soft-deleted servers only with a true ``soft_deleted`` (any non-empty
    text of the query is true here, as in Nova's ``filters.pop('soft_deleted', ...)``)."""
    if deleted:
        with_soft = True if soft is None else bool(soft)
        return lambda r: bool(r.deleted) or (with_soft and r.vm_state == states.SOFT_DELETED)
    return lambda r: not r.deleted and (bool(soft) or r.vm_state != states.SOFT_DELETED)


def _bind(check: Callable[[Any, Any], bool], arg: Any) -> Callable[[Any], bool]:
    return lambda row: check(row, arg)


def _column(row: Any, key: str) -> Any:
    if key == "instance_type_id":  # the flavor a row embeds stands for its id
        return row.flavor.flavorid
    return getattr(row, key)


def _folded(value: Any) -> Any:
    """`value` as a case-insensitive collation compares it (text lower-cased)."""
    return value.lower() if isinstance(value, str) else value


def _is_in(row: Any, arg: tuple[str, frozenset]) -> bool:
    return _folded(_column(row, arg[0])) in arg[1]


def _equals(row: Any, arg: tuple[str, Any]) -> bool:
    return _folded(_column(row, arg[0])) == arg[1]


def _searches(row: Any, arg: tuple[str, re.Pattern, Callable]) -> bool:
    key, pattern, wall = arg
    value = getattr(row, key)
    if key == "display_name":
        value = value or ""  # fakecloud's rows keep a name; Nova's column is never NULL here
    if value is None:
        return False
    if key in _TIMES:
        text = stored_time(wall(value)).strftime(_DB_TIME)
    elif isinstance(value, bool):
        text = str(int(value))  # a BOOLEAN column's text: 0 or 1
    else:
        text = str(value)
    return pattern.search(text) is not None


def _searches_derived(row: Any, arg: tuple[Callable[[Any], Any], re.Pattern]) -> bool:
    value = arg[0](row)
    if value is None:
        return False
    return arg[1].search(str(int(value)) if isinstance(value, bool) else str(value)) is not None


_TAG_CHECKS: dict[str, Callable[[Any, frozenset], bool]] = {
    "tags": lambda row, tags: tags <= set(row.tags or ()),
    "tags-any": lambda row, tags: bool(tags & set(row.tags or ())),
    "not-tags": lambda row, tags: not tags <= set(row.tags or ()),
    "not-tags-any": lambda row, tags: not tags & set(row.tags or ()),
}


def sort_params(keys: list[str], dirs: list[str]) -> tuple[list[str], list[str]]:
    """``db.utils.process_sort_params`` with the list's defaults (``created_at``, ``id``,
    ``desc``): directions checked, missing ones the first given, the defaults appended.
    Raises `exception.InvalidInput` as Nova does."""
    default_dir = dirs[0] if dirs else "desc"
    result_keys = list(keys)
    for direction in dirs:
        if direction not in ("asc", "desc"):
            raise exception.InvalidInput(reason="Unknown sort direction, must be 'desc' or 'asc'")
    result_dirs = list(dirs) if dirs else [default_dir for _ in result_keys]
    while len(result_dirs) < len(result_keys):
        result_dirs.append(default_dir)
    if len(result_dirs) > len(result_keys):
        raise exception.InvalidInput(reason="Sort direction size exceeds sort key size")
    for key in ("created_at", "id"):
        if key not in result_keys:
            result_keys.append(key)
            result_dirs.append(default_dir)
    return result_keys, result_dirs


def order(rows: list, keys: list[str], dirs: list[str], value: Callable[[Any, str], Any]) -> None:
    """Sort `rows` in place as ``ORDER BY key dir, ...`` (`value` reads a row's column): a
    NULL sorts first ascending and last descending, text by its collation (case ignored, so
    names equal but for case fall to the next key), as MySQL sorts them."""
    for key, direction in reversed(list(zip(keys, dirs, strict=True))):
        rows.sort(key=lambda r: _nulls_first(value(r, key)), reverse=direction == "desc")


def _nulls_first(value: Any) -> tuple:
    return (0,) if value is None else (1, _folded(value))
