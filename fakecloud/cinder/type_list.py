"""Which volume types ``GET /types`` lists, as each Cinder series reads the query.

``VolumeTypesController._get_volume_types`` (``api/v2/types.py`` 12.0.10 to 16.x,
``api/v3/types.py`` from 17.0.0; the rows: ``db`` ``_process_volume_types_filters``):

- 12.x reads nothing but ``is_public``: every other parameter is ignored.
- From 13.0.0 the query (paging and sort parameters popped) is the filters: from 3.52
  (``SUPPORT_VOLUME_TYPE_FILTER``) through ``process_general_filtering('volume_type')`` (a
  non-admin's key not in the series' ``resource_filters.json`` entry is a 400: none in 13.x,
  ``is_public`` from 14.0.0, ``extra_specs`` too from 19.0.0), before it through
  ``remove_invalid_filter_options`` (a non-admin's keys but ``is_public`` dropped).
- ``is_public``: an admin's is read (absent: public only; ``none``: all; else
  ``bool_from_string(strict=True)`` or 400 "Invalid is_public filter [x]"); a non-admin's is
  always public (and the private types shared with the project: the caller's, an admin's too).
- ``extra_specs`` goes through ``ast.literal_eval`` (a text that is no literal stays text); from
  19.0.0 a caller without ``read_sensitive`` who names a key outside the user-visible specs gets
  an empty list. The rows keep each key/value (``RESKEY:availability_zones`` as a ``LIKE``).
- Any other filter left must be a column of the type (``is_valid_model_filters``): else the list
  is empty; ``name``/``id``/``description`` match exactly.

A value that is no mapping where one is read (``extra_specs=x``: ``.keys()``/``.items()`` of a
string) or a repeated column filter (``filter_by(**filters)``: TypeError) is Cinder's 500.
"""

from __future__ import annotations

import ast
from typing import Any

from fakecloud.api.http import HttpError
from fakecloud.cinder import faults, list_filters
from fakecloud.cinder.views import USER_VISIBLE_EXTRA_SPECS

#: ``mv.SUPPORT_VOLUME_TYPE_FILTER`` (13.0.0 on).
SUPPORT_VOLUME_TYPE_FILTER = "3.52"
#: The first series whose controller reads more of the query than ``is_public``.
FILTERS_FROM = 13
#: The first series that hides a non-user-visible ``extra_specs`` filter (084212711, 19.0.0).
SENSITIVE_FILTER_FROM = 19
#: The type's columns a filter may name and fakecloud matches (``filter_by``).
_MATCHED = ("id", "name", "description")


def type_filters(query: dict[str, list[str]], popped: tuple[str, ...], ctx: Any, version: Any,
                 major: int, sensitive: bool) -> dict[str, Any] | None:  # fmt: skip
    """The filters ``get_all_types`` gets (`popped`: the paging and sort parameters), None
    when the list is empty whatever the rows; an HTTP error as the series answers."""
    is_public_values = query.get("is_public") or []
    raw_public = is_public_values[-1] if is_public_values else None
    if major < FILTERS_FROM:
        filters = list_filters.multidict({})
    else:
        filters = list_filters.multidict(query, popped)
        if version >= SUPPORT_VOLUME_TYPE_FILTER:
            list_filters._general(filters, "volume_type", ctx, version, major)
        else:
            list_filters._remove_invalid(filters, ctx, ("is_public",))
    filters["is_public"] = _parse_is_public(raw_public) if ctx.is_admin else True
    if "extra_specs" in filters:
        try:
            filters["extra_specs"] = ast.literal_eval(filters["extra_specs"])
        except (ValueError, SyntaxError):
            pass  # "assuming dictionary string": left as the text
        if major >= SENSITIVE_FILTER_FROM and not sensitive:
            keys = _mapping(filters["extra_specs"]).keys()
            if any(k not in USER_VISIBLE_EXTRA_SPECS for k in keys):
                return None
    out: dict[str, Any] = {"is_public": filters.pop("is_public")}
    for key in filters:
        if key not in (*_MATCHED, "extra_specs"):
            return None  # not a column: _process_volume_types_filters returns no query
    specs = filters.pop("extra_specs", None)
    if specs is not None:
        out["extra_specs"] = _mapping(specs)
    if len(list(filters)) != len(set(filters)):
        raise HttpError(500, faults.GENERIC[500])  # filter_by(**filters): repeated keyword
    out.update(filters.items())
    return out


def select(types: list[Any], filters: dict[str, Any] | None, shared: Any = None) -> list[Any]:
    """The types (in their order) that `filters` keep (none when they are None); `shared`
    (a type -> bool) says which private types are shared with the caller's project, which
    ``is_public`` true keeps too (``projects.any(project_id=...)``)."""
    if filters is None:
        return []
    public = filters["is_public"]
    return [
        t
        for t in types
        if (public is None or t.is_public == public or (public and shared and shared(t)))
        and all(getattr(t, key) == value for key, value in filters.items() if key in _MATCHED)
        and all(_spec_matches(t.specs(), k, v) for k, v in filters.get("extra_specs", {}).items())
    ]


def _spec_matches(specs: dict[str, str], key: Any, value: Any) -> bool:
    stored = specs.get(key) if isinstance(key, str) else None
    if stored is None:
        return False
    if key == "RESKEY:availability_zones":
        return str(value).lower() in stored.lower()  # LIKE '%v%' (MySQL: case-insensitive)
    return stored == (value if isinstance(value, str) else str(value))


def _mapping(value: Any) -> dict:
    """A filter value read as a mapping; anything else is the AttributeError's 500."""
    if not isinstance(value, dict):
        raise HttpError(500, faults.GENERIC[500])
    return value


def _parse_is_public(value: str | None) -> bool | None:
    """``_parse_is_public``: absent = public only, ``none`` = all, else a strict boolean."""
    if value is None:
        return True
    if value.lower() == "none":
        return None
    try:
        from oslo_utils import strutils  # on use: its import compiles ~400 regexes

        return strutils.bool_from_string(value, strict=True)
    except ValueError:
        raise HttpError(400, f"Invalid is_public filter [{value}]") from None
