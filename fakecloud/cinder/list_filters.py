"""Cinder's list filters as each series reads them: which a caller may give, how their values
are read, and which rows they keep (``GET /volumes``, ``/snapshots``, ``/attachments``).

The API half follows ``api/v3/volumes.py`` ``_get_volumes`` / ``_process_volume_filtering``,
``api/v3/snapshots.py`` ``_items``, ``api/common.py`` ``process_general_filtering`` /
``reject_invalid_filters`` and ``volume/api.py`` ``check_volume_filters`` (12.0.10 to 29.0.0):

- from 3.31 (``RESOURCE_FILTER``) a non-admin's filter not in the series' default
  ``resource_filters.json`` is a 400 "Invalid filters X are found in query options." (14.0.0 on
  forgive ``all_tenants``, which 14 to 17 leave in the query: the list is then empty; 18.0.0
  pops it, bug #1917574); from 3.34 (``LIKE_FILTER``) a key also passes when ``key~`` is
  configured, which the default file never does: ``name~`` is an admin's filter. Admins pass.
- before 3.31 a non-admin's other filters are dropped (``remove_invalid_filter_options``; a
  repeated one is deleted twice: ``KeyError``, a 500), and the filters newer than the request
  (``glance_metadata`` 3.4, ``group_id`` 3.10, snapshots' ``metadata`` 3.22, ``created_at`` /
  ``updated_at`` 3.60 from 16.0.0) are popped.
- volume filter values but ``name`` go through ``ast.literal_eval`` (``metadata={'k': 'v'}``
  is a dict, ``size=1`` an int, ``status=['a', 'b']`` an ``IN``); boolean columns through
  ``bool_from_string`` (strict from 3.2: "Invalid input received: 'bootable = x'").

The rows these filters keep: `fakecloud.cinder.list_query`.

A query is a webob ``MultiDict`` (what ``req.params.copy()`` gives the controllers): ``pop``
takes a key's first value, a lookup its last, ``del`` every one.
"""

from __future__ import annotations

import ast
import functools
import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from oslo_utils import timeutils

from fakecloud.api.http import HttpError
from fakecloud.cinder import exception, faults
from fakecloud.cinder.controllers import get_bool_param
from fakecloud.cinder.resource_filters_api import filters_file

if TYPE_CHECKING:
    from webob.multidict import MultiDict

#: Cinder's microversions (``api/microversions.py``) that change how a list reads filters:
#: the general filtering, ``key~`` passing as ``key``, strict boolean values, and the
#: filters each one added (popped from an older request on the pre-3.31 path).
RESOURCE_FILTER = "3.31"
LIKE_FILTER = "3.34"
VOLUME_LIST_BOOTABLE = "3.2"
VOLUME_LIST_GLANCE_METADATA = "3.4"
VOLUME_LIST_GROUP = "3.10"
SNAPSHOT_LIST_METADATA_FILTER = "3.22"
VOLUME_TIME_COMPARISON_FILTER = "3.60"
USE_QUOTA = "3.65"

#: ``CONF.query_volume_filters``' default: a non-admin's volume filters before 3.31 up to
#: Cinder 13.x; 14.0.0 reads ``resource_filters.json`` there too.
LEGACY_VOLUME_FILTERS = ("name", "status", "metadata", "availability_zone", "bootable", "group_id")
#: The last series that reads ``CONF.query_volume_filters``.
LEGACY_VOLUME_FILTERS_UNTIL = 13
#: ``SnapshotsController._get_snapshot_filter_options`` (12.0.10 to 29.0.0).
LEGACY_SNAPSHOT_FILTERS = ("status", "volume_id", "name", "metadata")
#: ``reject_invalid_filters`` checks filter keys are ASCII from 13.0.0, forgives ``all_tenants``
#: from 14.0.0 (80e94ac3d) and pops that ``all_tenants`` from 18.0.0 (36cfe7813, #1917574).
ASCII_KEYS_FROM = 13
ALL_TENANTS_FORGIVEN_FROM = 14
ALL_TENANTS_POPPED_FROM = 18
#: Volume time comparisons (``created_at=gt:...``), 3.60, came with 16.0.0; ``consumes_quota``
#: (``use_quota``) with 19.0.0.
TIME_FILTERS_FROM = 16
USE_QUOTA_FROM = 19
#: ``common.get_time_comparison_operators``.
TIME_OPERATORS = ("gt", "gte", "eq", "neq", "lt", "lte")


def resource_filters(major: int, resource: str) -> tuple[str, ...]:
    """The series' default ``etc/cinder/resource_filters.json`` entry for `resource` (none:
    no filter)."""
    return filters_file(major).get(resource, ())


@functools.cache
def _multidict_type() -> type:
    """webob's ``MultiDict``, imported on first use (a cloud that lists nothing never needs
    it); WebOb imports ``cgi``, deprecated since Python 3.11: not fakecloud's doing."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from webob.multidict import MultiDict

    return MultiDict


def multidict(query: dict[str, list[str]], popped: Iterable[str] = ()) -> MultiDict:
    """The query as the controller holds it after ``pop``\\ ping each of `popped` once."""
    filters = _multidict_type()([(k, v) for k, values in query.items() for v in values])
    for key in popped:
        filters.pop(key, None)
    return filters


# -- the API half ------------------------------------------------------------------------------


def reject_invalid_filters(
    filters: Any, configured: Iterable[str], checked: bool, like: bool, major: int
) -> None:
    """``common.reject_invalid_filters``: from 13.0.0 a key that is not ASCII is a 400 for
    anyone; then, when `checked` (a non-admin, or anyone listing pools), a key not
    `configured` is a 400 (each occurrence listed; with `like`, from 3.34, ``key`` also
    passes when ``key~`` is configured). `all_tenants` is forgiven from 14.0.0 and popped
    (its first value) from 18.0.0. `filters` is a dict or a webob ``MultiDict``."""
    if major >= ASCII_KEYS_FROM and not all(k.isascii() for k in filters):
        raise HttpError(400, "Filter keys can only contain ASCII characters.")
    if not checked:
        return
    configured = tuple(configured)
    invalid = [k for k in filters if not (k in configured or (like and f"{k}~" in configured))]
    if "all_tenants" in invalid and major >= ALL_TENANTS_FORGIVEN_FROM:
        invalid.remove("all_tenants")
        if major >= ALL_TENANTS_POPPED_FROM:
            filters.pop("all_tenants")
    if invalid:
        raise HttpError(400, f"Invalid filters {','.join(invalid)} are found in query options.")


def _general(filters: MultiDict, resource: str, ctx: Any, version: Any, major: int) -> None:
    """``process_general_filtering`` from 3.31: `reject_invalid_filters`, then
    ``convert_filter_attributes``."""
    configured = resource_filters(major, resource) if not ctx.is_admin else ()
    reject_invalid_filters(filters, configured, not ctx.is_admin, version >= LIKE_FILTER, major)
    if resource in ("volume", "snapshot"):
        converters = {"name~": "display_name~", "description~": "display_description~"}
        if major >= USE_QUOTA_FROM:
            converters["consumes_quota"] = "use_quota"
        for key in list(filters):
            if key in converters and key in filters:
                filters[converters[key]] = filters[key]
                filters.pop(key)


def _remove_invalid(filters: MultiDict, ctx: Any, allowed: Iterable[str]) -> None:
    """``remove_invalid_filter_options`` before 3.31: a non-admin's other keys deleted, once
    per occurrence; a repeated key's second ``del`` is webob's ``KeyError``: a 500."""
    if ctx.is_admin:
        return
    allowed = tuple(allowed)
    try:
        for key in [k for k in filters if k not in allowed]:
            del filters[key]
    except KeyError:
        raise HttpError(500, faults.GENERIC[500]) from None


def volume_filter_options(major: int) -> tuple[str, ...]:
    """``_get_volume_filter_options``: ``CONF.query_volume_filters`` up to 13.x, the volume
    entry of ``resource_filters.json`` from 14.0.0."""
    if major <= LEGACY_VOLUME_FILTERS_UNTIL:
        return LEGACY_VOLUME_FILTERS
    return resource_filters(major, "volume")


def summary_filters(filters: MultiDict, ctx: Any, major: int) -> MultiDict:
    """``VolumeController.summary`` (3.12): the whole query through
    ``remove_invalid_filter_options`` (a non-admin's key given twice: the 500), whatever the
    microversion; ``get_volume_summary`` then reads only ``all_tenants``."""
    _remove_invalid(filters, ctx, volume_filter_options(major))
    return filters


def volume_filters(filters: MultiDict, ctx: Any, version: Any, major: int) -> MultiDict:
    """``_get_volumes`` from ``_process_volume_filtering`` to ``check_volume_filters``: the
    filters the volume API reads (values typed), or an HTTP error as the series gives it."""
    if version >= RESOURCE_FILTER:
        _general(filters, "volume", ctx, version, major)
    else:
        newer = [("glance_metadata", VOLUME_LIST_GLANCE_METADATA), ("group_id", VOLUME_LIST_GROUP)]
        if major >= TIME_FILTERS_FROM:
            newer += [("created_at", VOLUME_TIME_COMPARISON_FILTER)]
            newer += [("updated_at", VOLUME_TIME_COMPARISON_FILTER)]
        if major >= USE_QUOTA_FROM:
            newer += [("use_quota", USE_QUOTA)]
        for key, since in newer:
            if not version >= since:
                filters.pop(key, None)
        _remove_invalid(filters, ctx, volume_filter_options(major))
    if "name" in filters:
        filters["display_name"] = filters.pop("name")
    if major >= USE_QUOTA_FROM and "use_quota" in filters:
        filters["use_quota"] = get_bool_param("use_quota", filters)
    if major >= TIME_FILTERS_FROM:
        _time_comparisons(filters)
    _check_volume_filters(filters, major, strict=version >= VOLUME_LIST_BOOTABLE)
    return filters


def _time_comparisons(filters: MultiDict) -> None:
    """``_handle_time_comparison_filters``: ``created_at=gt:T,lte:T`` -> {operator: naive UTC
    datetime}. Each comma-separated unit splits on its first colon (a unit without one is its
    own operator): an unknown operator is "Invalid X operator", a time ``parse_isotime``
    refuses "Invalid T value" (400s; the "Invalid created_at value" branch is unreachable)."""
    for key in ("created_at", "updated_at"):
        if key not in filters:
            continue
        wanted = {}
        for unit in filters[key].split(","):
            parts = unit.split(":")
            operator, when = parts[0], ":".join(parts[1:]) if len(parts) > 1 else parts[0]
            if operator not in TIME_OPERATORS:
                raise HttpError(400, f"Invalid {operator} operator")
            try:
                wanted[operator] = timeutils.normalize_time(timeutils.parse_isotime(when))
            except ValueError:
                raise HttpError(400, f"Invalid {when} value") from None
        filters[key] = wanted


def _volume_booleans(major: int) -> tuple[str, ...]:
    """``get_booleans_for_table('volume')``: the volumes table's Boolean columns."""
    booleans = ("deleted", "bootable", "multiattach", "shared_targets")
    return booleans + (("use_quota",) if major >= USE_QUOTA_FROM else ())


def _check_volume_filters(filters: MultiDict, major: int, strict: bool) -> None:
    """``API.check_volume_filters``: boolean columns as booleans (strict from 3.2: anything
    else an InvalidInput), ``display_name`` raw, every other value ``ast.literal_eval``\\ ed
    when it parses (a string otherwise)."""
    booleans = _volume_booleans(major)
    for key, value in list(filters.items()):
        if key in booleans:
            filters[key] = _boolean_filter(key, value, strict)
        elif key != "display_name" and isinstance(value, str):
            filters[key] = literal(value)


def _boolean_filter(key: str, value: Any, strict: bool) -> bool:
    """``_check_boolean_filter_value``: from 3.2 ``bool_from_string(strict=True)``, before
    only ``False``/``false``/``FALSE`` are false (and the empty string)."""
    if strict:
        try:
            from oslo_utils import strutils  # on use: its import compiles ~400 regexes

            return strutils.bool_from_string(value, strict=True)
        except ValueError:
            raise exception.InvalidInput(reason=f"'{key} = {value}'") from None
    if value in ("False", "false", "FALSE"):
        return False
    return True if value in ("True", "true", "TRUE") else bool(value)


def literal(value: str) -> Any:
    """``ast.literal_eval`` as Cinder calls it: ValueError/SyntaxError keep the string; what
    else it raises (a nesting too deep, an unhashable key) reaches ``FaultWrapper``: a 500."""
    try:
        return ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return value
    except (TypeError, RecursionError, MemoryError):
        raise HttpError(500, faults.GENERIC[500]) from None


def snapshot_filters(filters: MultiDict, ctx: Any, version: Any, major: int) -> MultiDict:
    """Snapshots' ``_items`` from ``_process_snapshot_filtering`` to the ``name`` rename (no
    ``literal_eval`` but of ``metadata``: ``_format_snapshot_filter_options``)."""
    if version >= RESOURCE_FILTER:
        _general(filters, "snapshot", ctx, version, major)
    else:
        if not version >= SNAPSHOT_LIST_METADATA_FILTER:
            filters.pop("metadata", None)
        if major >= USE_QUOTA_FROM and not version >= USE_QUOTA:
            filters.pop("use_quota", None)
        _remove_invalid(filters, ctx, LEGACY_SNAPSHOT_FILTERS)
    if "metadata" in filters:
        filters["metadata"] = literal(filters["metadata"])
    if major >= USE_QUOTA_FROM and "use_quota" in filters:
        filters["use_quota"] = get_bool_param("use_quota", filters)
    if "name" in filters:
        filters["display_name"] = filters.pop("name")
    return filters


def backup_filters(filters: MultiDict, ctx: Any, version: Any, major: int) -> MultiDict:
    """Backups' ``_get_backups``: ``_process_backup_filtering`` (before 3.31 a non-admin
    keeps ``name``/``status``/``volume_id``), then ``name`` -> ``display_name``."""
    if version >= RESOURCE_FILTER:
        _general(filters, "backup", ctx, version, major)
    else:
        _remove_invalid(filters, ctx, resource_filters(major, "backup"))
    if "name" in filters:
        filters["display_name"] = filters.pop("name")
    return filters


def attachment_filters(filters: MultiDict, ctx: Any, version: Any, major: int) -> MultiDict:
    """Attachments' ``_items``: ``_process_attachment_filtering`` (before 3.31 a non-admin
    keeps ``volume_id``/``status``/``instance_id``/``attach_status``), ``instance_id`` ->
    ``instance_uuid``."""
    if version >= RESOURCE_FILTER:
        _general(filters, "attachment", ctx, version, major)
    else:
        _remove_invalid(filters, ctx, resource_filters(major, "attachment"))
    if filters.get("instance_id"):
        filters["instance_uuid"] = filters.pop("instance_id")
    return filters


def message_filters(filters: MultiDict, ctx: Any, version: Any, major: int) -> MultiDict:
    """Messages' ``index`` from 3.31: ``reject_invalid_filters`` (no attribute conversion)."""
    _general(filters, "message", ctx, version, major)
    return filters
