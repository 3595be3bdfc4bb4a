"""Which rows a Cinder list's filters keep, as the database layer reads them
(``db/sqlalchemy/api.py`` ``_process_volume_filters``, ``_process_snaps_filters``,
``apply_like_filters``, 12.0.10 to 29.0.0): a key that is no column of the table (or a
metadata filter that is no dict) builds no query at all (``[]``), ``key~`` is a
case-insensitive ``LIKE '%value%'``, a list value an ``IN``, ``metadata`` matches user or
admin metadata rows, ``created_at`` / ``updated_at`` comparisons are ORed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from fakecloud.api.http import HttpError
from fakecloud.cinder import faults

#: The columns of Cinder's ``volumes`` and ``snapshots`` tables (db/models.py, with
#: CinderBase's): the keys a list may sort by. fakecloud's rows lack some; those sort as NULL.
BASE_COLUMNS = ("created_at", "updated_at", "deleted_at", "deleted")
VOLUME_COLUMNS = frozenset(
    (
        *BASE_COLUMNS,
        "id",
        "_name_id",
        "use_quota",
        "ec2_id",
        "user_id",
        "project_id",
        "snapshot_id",
        "cluster_name",
        "host",
        "size",
        "availability_zone",
        "status",
        "attach_status",
        "migration_status",
        "scheduled_at",
        "launched_at",
        "terminated_at",
        "display_name",
        "display_description",
        "provider_location",
        "provider_auth",
        "provider_geometry",
        "provider_id",
        "volume_type_id",
        "source_volid",
        "encryption_key_id",
        "consistencygroup_id",
        "group_id",
        "bootable",
        "multiattach",
        "replication_status",
        "replication_extended_status",
        "replication_driver_data",
        "previous_status",
        "service_uuid",
        "shared_targets",
    )
)
SNAPSHOT_COLUMNS = frozenset(
    (
        *BASE_COLUMNS,
        "id",
        "use_quota",
        "user_id",
        "project_id",
        "volume_id",
        "cgsnapshot_id",
        "group_snapshot_id",
        "status",
        "progress",
        "volume_size",
        "scheduled_at",
        "display_name",
        "display_description",
        "encryption_key_id",
        "volume_type_id",
        "provider_location",
        "provider_id",
        "provider_auth",
    )
)


#: The ``volume_attachment`` table's columns (12.0.10 to 29.0.0).
ATTACHMENT_COLUMNS = frozenset(
    (
        *BASE_COLUMNS,
        "id",
        "volume_id",
        "instance_uuid",
        "attached_host",
        "mountpoint",
        "attach_time",
        "detach_time",
        "attach_status",
        "attach_mode",
        "connection_info",
        "connector",
    )
)

#: ``use_quota`` (volumes, snapshots) came with Cinder 19.0.0.
USE_QUOTA_COLUMN_FROM = 19


def columns_of(columns: frozenset, major: int) -> frozenset:
    """A table's columns in Cinder `major`: no ``use_quota`` before 19.0.0."""
    return columns if major >= USE_QUOTA_COLUMN_FROM else columns - {"use_quota"}


#: Python properties of the models (``Volume.name``, ``Snapshot.volume_name`` ...): a ``LIKE``
#: skips them; an exact filter on one is no query.
_PROPERTIES = frozenset(("name", "name_id", "volume_name"))


def column_value(row: Any, column: str) -> Any:
    """A row's value of a Cinder column (fakecloud's rows lack some columns: NULL)."""
    if column == "volume_type_id":
        return row.volume_type.id if row.volume_type is not None else None
    if column == "deleted":
        return False
    return getattr(row, column, None)


def select(
    rows: Iterable[Any],
    filters: dict[str, Any],
    columns: frozenset,
    special: Any = None,
) -> list[Any] | None:
    """The rows that ``filters`` keep, or None when Cinder builds no query (a key that is no
    column, a metadata filter that is no dict: ``[]``, and no marker looked up).

    ``apply_like_filters`` takes the ``key~`` filters out first (a case-insensitive
    ``LIKE '%value%'``); `special` maps the keys a resource's ``_process_*_filters`` handles
    itself (metadata, host, time comparisons, ...) to ``(check, test)``: ``check(value)``
    says whether the value is usable, ``test(row, value)`` whether a row passes."""
    special = special or {}
    exact = {k: v for k, v in filters.items() if not k.endswith("~")}
    like = {k.rstrip("~"): v for k, v in filters.items() if k.endswith("~")}
    for key, value in exact.items():
        if key in special:
            if not special[key][0](value):
                return None
        elif key not in columns:
            return None
    for key in sorted(like):
        if key not in columns and key not in _PROPERTIES:
            raise HttpError(500, faults.GENERIC[500])  # getattr(model, key): AttributeError
    patterns = {
        k: _like(v) for k, v in like.items() if k not in _PROPERTIES and isinstance(v, (str, int))
    }
    out = []
    for row in rows:
        if not all(
            special[k][1](row, v) if k in special else in_or_equal(column_value(row, k), v)
            for k, v in exact.items()
        ):
            continue
        if all(_like_text(column_value(row, k), p) for k, p in patterns.items()):
            out.append(row)
    return out


def like_match(value: Any, pattern: Any) -> bool:
    """Whether a column's `value` passes ``LIKE '%pattern%'`` (``_process_model_like_filter``)."""
    return _like_text(value, _like(pattern))


def _like(pattern: Any) -> re.Pattern[str]:
    """``LIKE '%value%'`` as a regular expression (MySQL's default collation ignores case)."""
    body = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in str(pattern))
    return re.compile(f".*{body}.*", re.IGNORECASE | re.DOTALL)


def _like_text(value: Any, pattern: re.Pattern[str]) -> bool:
    text = sql_text(value)
    return text is not None and pattern.fullmatch(text) is not None


def sql_text(value: Any) -> str | None:
    """A column's value as MySQL compares it with a string (booleans are 0/1)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def sql_equal(column: Any, wanted: Any) -> bool:
    """``column = value`` (``filter_by``; None is ``IS NULL``)."""
    if wanted is None or column is None:
        return wanted is None and column is None
    if isinstance(column, bool) or isinstance(wanted, bool):
        return sql_text(column) == sql_text(wanted)
    if isinstance(column, (int, float)) and isinstance(wanted, (int, float)):
        return column == wanted
    if isinstance(wanted, (dict, list, tuple, set, frozenset)):
        return False
    return str(column) == str(wanted)


def in_or_equal(column: Any, wanted: Any) -> bool:
    """A list, tuple or set is an ``IN``, anything else ``=``."""
    if isinstance(wanted, (list, tuple, set, frozenset)):
        return any(sql_equal(column, w) for w in wanted)
    return sql_equal(column, wanted)


def metadata_matches(wanted: dict, *tables: dict[str, str]) -> bool:
    """``col.any(key=k, value=v)`` for every pair, in any of `tables` (user or admin rows)."""
    return all(
        any(k in table and sql_equal(table[k], v) for table in tables) for k, v in wanted.items()
    )


def time_matches(moment: Any, wanted: dict[str, Any]) -> bool:
    """``_filter_time_comparison``: the operators' conditions ORed (``gt:A,lt:B`` is a row
    after A *or* before B)."""
    if moment is None:
        return False
    tests = {
        "gt": lambda t: moment > t,
        "gte": lambda t: moment >= t,
        "eq": lambda t: moment == t,
        "neq": lambda t: moment != t,
        "lt": lambda t: moment < t,
        "lte": lambda t: moment <= t,
    }
    return any(tests[op](when) for op, when in wanted.items())


def host_matches(host: str | None, value: str) -> bool:
    """``_filter_host``: a pool (``#`` in the value) exactly, a backend (``@``) or its pools,
    a host or its backends and pools (case-sensitive, as Cinder forces it on MySQL)."""
    if host is None:
        return False
    if "#" in value or host == value:
        return host == value
    return host.startswith(f"{value}#") or ("@" not in value and host.startswith(f"{value}@"))
