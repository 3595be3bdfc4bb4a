"""``GET /v2/images``: filters, sorting and marker pagination as Glance's database does them.

Reading the query (``RequestDeserializer.index``): ``limit``, ``marker``, ``member_status``,
``tag`` (repeatable), sorting in either syntax (``sort_key=name&sort_dir=asc`` or
``sort=name:asc,size:desc``), and every other parameter as a filter: ``name``/``id``/
``status``/``container_format``/``disk_format`` (``in:a,b`` allowed), ``visibility`` (``all``
too), ``owner``, ``os_hidden`` (default false), ``protected``, ``size_min``/``size_max``,
``created_at``/``updated_at`` (``gte:2026-01-01T00:00:00Z``), ``checksum``, and any custom
property (``instance_uuid=...``, ``image_type=snapshot``). Before Glance 17.0.0 (Queens)
``os_hidden`` and ``os_hash_value`` are custom-property filters like any other; before 18.0.0
``visibility=all`` is a 400.

Which images a caller sees (``_select_images_query``): an admin all of them; anyone else the
public and community images, its project's images, and the shared images its project is a
member of with ``member_status`` (default ``accepted``). Community images of other projects
appear only when asked for with ``visibility=community``. Killed and deleted images never do.
Results are ordered by the sort keys, then ``created_at`` and ``id``, and cut after the marker.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any
from urllib.parse import urlencode

from oslo_utils import timeutils

from fakecloud.glance.errors import HTTPBadRequest, HTTPForbidden
from fakecloud.glance.models import Image
from fakecloud.glance.policy import is_admin, is_image_visible
from fakecloud.sim.clock import stored_time

SORT_KEYS = (
    "name",
    "status",
    "container_format",
    "disk_format",
    "size",
    "id",
    "created_at",
    "updated_at",
)
_INT_KEYS = frozenset({"size", "virtual_size", "min_ram", "min_disk"})
_COLUMN_FILTERS = ("name", "id", "status", "container_format", "disk_format")
_ATTRIBUTE_FILTERS = frozenset(
    {"owner", "min_ram", "min_disk", "size", "virtual_size", "protected", "os_hidden"}
)

#: Filters ``image_get_all`` and ``_make_conditions_from_filters`` (glance 17.0.1, 33.0.0)
#: ``pop`` from the request's webob MultiDict: one value, the first; a repeated one's last
#: value then stays behind as a column condition of its own (``hasattr(models.Image, k)``).
_DB_POPPED = ("visibility", "checksum", "os_hash_value")

#: A visibility no image has (``visibility=all`` reaching a database before 18.0.0).
_NO_VISIBILITY = "all (before 18.0.0)"

#: Columns only from Glance 17.0.0 (before, these names filter custom properties).
_MULTIHASH_FILTERS = frozenset({"os_hidden", "os_hash_value"})


@dataclass
class ListQuery:
    """A parsed image-list request."""

    marker: str | None = None
    limit: int | None = None
    member_status: str = "accepted"
    sort_keys: list[str] = field(default_factory=list)
    sort_dirs: list[str] = field(default_factory=list)
    filters: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    params: list[tuple[str, str]] = field(default_factory=list)  # for first/next links
    #: The first value of a repeated filter the database ``pop``s (`_DB_POPPED`).
    firsts: dict[str, str] = field(default_factory=dict)


def _bad(message: str) -> HTTPBadRequest:
    return HTTPBadRequest(explanation=message)


#: The first Glance with the ``visibility=all`` filter (cfa9b6e8e, 18.0.0).
VISIBILITY_ALL_SINCE = 18
_LATEST = 99


def parse_query(query: dict[str, list[str]], glance: int = _LATEST) -> ListQuery:
    """Read the list query as the series' Glance `glance` (its major) deserializer does (400
    for what it refuses)."""
    q = ListQuery()
    rest = {k: list(v) for k, v in query.items()}
    q.params = [(k, v[-1]) for k, v in query.items() if v]

    def pop(name: str) -> str | None:
        return pop_first(rest, name)

    limit = pop("limit")
    q.marker = pop("marker")
    member_status = pop("member_status")
    q.tags = [t.strip() for t in rest.pop("tag", [])]
    sort = pop("sort")
    if sort is not None:
        if "sort_key" in rest or "sort_dir" in rest:
            raise _bad("Old and new sorting syntax cannot be combined")
        for part in sort.strip().split(","):
            key, _sep, direction = part.partition(":")
            q.sort_keys.append(_sort_key(key.strip()))
            q.sort_dirs.append(_sort_dir((direction or "desc").strip()))
    else:
        q.sort_keys = [_sort_key(k.strip()) for k in rest.pop("sort_key", [])]
        q.sort_dirs = [_sort_dir(d.strip()) for d in rest.pop("sort_dir", [])]
        if len(q.sort_dirs) > 1 and len(q.sort_dirs) != len(q.sort_keys):
            raise _bad("Number of sort dirs does not match the number of sort keys")
    q.filters = {k: v[-1] for k, v in rest.items() if v}
    q.firsts = {k: rest[k][0] for k in _DB_POPPED if len(rest.get(k) or ()) > 1}
    if q.firsts.get("visibility") == "all" and glance < VISIBILITY_ALL_SINCE:
        # 16.0.1/17.0.1 _select_images_query compares the column with it: no image matches.
        q.firsts["visibility"] = _NO_VISIBILITY
    visibility = q.filters.get("visibility")
    if visibility and visibility not in ("community", "public", "private", "shared", "all"):
        raise _bad(f"Invalid visibility value: {visibility}")
    if visibility == "all" and glance < VISIBILITY_ALL_SINCE:
        raise _bad("Invalid visibility value: all")
    if q.filters.get("changes-since"):
        raise _bad('The "changes-since" filter is no longer available on v2.')
    if member_status is not None:
        if member_status not in ("pending", "accepted", "rejected", "all"):
            raise _bad(f"Invalid status: {member_status}")
        q.member_status = member_status
    if limit is not None:
        try:
            q.limit = int(limit)
        except ValueError:
            raise _bad("limit param must be an integer")
        if q.limit < 0:
            raise _bad("limit param must be positive")
    return q


#: (the Glance major, each query parameter's name and values) -> `read_query`'s answer.
_READ: dict[tuple, tuple[ListQuery, str]] = {}
_READ_MAX = 1024


def pop_first(params: dict[str, list[str]], name: str) -> str | None:
    """WebOb's ``MultiDict.pop``: the first value of `name` taken out, the others kept."""
    values = params.get(name)
    if not values:
        return None
    value = values.pop(0)
    if not values:
        del params[name]
    return value


def validated_limit(text: str) -> int:
    """A deserializer's ``_validate_limit`` (tasks, metadef tags): an integer, at least 0."""
    try:
        limit = int(text)
    except ValueError:
        raise HTTPBadRequest(explanation="limit param must be an integer") from None
    if limit < 0:
        raise HTTPBadRequest(explanation="limit param must be positive")
    return limit


def read_query(query: dict[str, list[str]], glance: int = _LATEST) -> tuple[ListQuery, str]:
    """`parse_query` of `query` and the ``first`` link of its answers (`links`), remembered per
    query and series (a query that answers 400 is read again each time): a client polling a
    listing, and every explored seed's final state check, asks the same one, and its reading
    and link cost some 50,000 instructions. The query is read-only: its lists are tuples and
    its dicts read-only views."""
    key = (glance, *[(k, *v) for k, v in query.items()])
    found = _READ.get(key)
    if found is None:
        q = parse_query(query, glance)
        q.sort_keys, q.sort_dirs = tuple(q.sort_keys), tuple(q.sort_dirs)  # type: ignore[assignment]
        q.tags, q.params = tuple(q.tags), tuple(q.params)  # type: ignore[assignment]
        q.filters = MappingProxyType(q.filters)  # type: ignore[assignment]
        q.firsts = MappingProxyType(q.firsts)  # type: ignore[assignment]
        if len(_READ) >= _READ_MAX:
            _READ.clear()
        found = _READ[key] = (q, links(q, None)["first"])
    return found


def _sort_key(key: str) -> str:
    if key not in SORT_KEYS:
        raise _bad(
            f"Invalid sort key: {key}. It must be one of the following: {', '.join(SORT_KEYS)}."
        )
    return key


def _sort_dir(direction: str) -> str:
    if direction not in ("asc", "desc"):
        raise _bad(f"Invalid sort direction: {direction}")
    return direction


def _parse_isotime(text: str) -> datetime.datetime:
    # oslo's parse_isotime (iso8601) as Glance's filters: ``2000`` and ``20000101`` are dates.
    return timeutils.normalize_time(timeutils.parse_isotime(text))


def split_filter_op(expression: str) -> tuple[str, str]:
    """``utils.split_filter_op``: ``gte:x`` → ("gte", "x"); a bare ISO time is ``eq``."""
    left, sep, right = expression.partition(":")
    if not sep:
        return "eq", left
    try:
        _parse_isotime(expression)
        return "eq", expression
    except ValueError:
        return left, right


def _split_in(value: str) -> list[str]:
    """``split_filter_value_for_quotes``: comma list, double quotes protect commas."""
    pattern = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)",?|([^,]+),?|,')
    return [a or b for a, b in pattern.findall(value)]


_OPS = {
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
    "neq": lambda a, b: a != b,
    "eq": lambda a, b: a == b,
}


class ImageLister:
    """Runs list queries over one Glance's images."""

    def __init__(self, glance: Any):
        self._glance = glance

    def list(self, ctx: Any, q: ListQuery) -> tuple[list[Image], str | None]:
        """The page of images for `q`, and the next marker when the page is full."""
        g = self._glance
        filters = dict(q.filters)
        multihash = g.schema.multihash
        # Before Glance 17.0.0 ``os_hidden`` is no filter of its own (a property filter).
        os_hidden = filters.pop("os_hidden", "false").lower() if multihash else "false"
        if os_hidden not in ("true", "false"):
            raise _bad(
                f"Invalid value '{os_hidden}' for 'os_hidden' filter. Valid values are 'true' "
                "or 'false'."
            )
        protected = filters.pop("protected", None)
        if protected is not None and protected not in ("true", "false"):
            raise _bad(
                f"Invalid value '{protected}' for 'protected' filter. Valid values are 'true' "
                "or 'false'."
            )
        limit = g.config.limit_param_default if q.limit is None else q.limit
        limit = min(g.config.api_limit_max, limit)
        if not g.images.policy(ctx, None, owner=ctx.project_id).allows("get_images"):
            raise HTTPForbidden(explanation="You are not authorized to complete get_images action.")

        conditions = self._conditions(filters, multihash)
        visibility = filters.pop("visibility", None)
        if q.firsts:
            visibility = self._first_values(q.firsts, visibility, conditions, multihash)
        hidden = os_hidden == "true"
        shown = None if protected is None else protected == "true"
        # A loop rather than a comprehension with two all(...) per image: most images fail a
        # filter, and a generator closed early is an exception (GeneratorExit) each time.
        images = []
        for i in g.db.images.values():
            if i.deleted or i.status == "killed" or i.os_hidden != hidden:
                continue
            if shown is not None and i.protected != shown:
                continue
            if q.tags and not all(tag in i.tags for tag in q.tags):
                continue
            for cond in conditions:
                if not cond(i):
                    break
            else:
                if self._selectable(ctx, i, q.member_status, visibility):
                    images.append(i)
        if len(images) > 1 or q.marker is not None:  # (one image or none: in order as it is)
            compare = _comparer(q, self._glance.kernel.clock)
            images.sort(key=functools.cmp_to_key(compare))
            if q.marker is not None:
                marker = self._marker(ctx, q.marker)
                images = [i for i in images if compare(i, marker) > 0]
        page = images[:limit]
        visible = page
        if g.legacy_defaults != "authz":  # 16-22 filter nothing (every image passes by default)
            visible = [i for i in page if g.images.policy(ctx, i).allows("get_image")]
        next_marker = visible[-1].id if visible and len(page) == limit else None
        return visible, next_marker

    @staticmethod
    def _first_values(
        firsts: dict[str, str], visibility: str | None, conditions: list, multihash: bool
    ) -> str | None:
        """A repeated `_DB_POPPED` filter: the first value is the one the database applies as
        that filter, the last (the deserializer's, checked there) one more equality on its
        column. Returns the visibility to select by."""
        if "visibility" in firsts:
            conditions.append(lambda i, v=visibility: i.visibility == v)
            visibility = firsts["visibility"]
        for key in ("checksum", "os_hash_value"):
            if key in firsts and (multihash or key == "checksum"):
                want = firsts[key]
                conditions.append(lambda i, k=key, v=want: _column_equals(getattr(i, k), v))
        return visibility

    def _marker(self, ctx: Any, marker_id: str) -> Image:
        image = self._glance.db.images.get(marker_id)
        if image is None or (image.deleted and not is_admin(ctx, self._glance.policy_rules)):
            raise _bad(f"No image found with ID {marker_id}")
        if not is_image_visible(
            ctx, image, self._glance.db.member_status, self._glance.policy_rules
        ):
            raise HTTPForbidden(explanation=f"Forbidding request, image {marker_id} not visible")
        return image

    def _selectable(self, ctx: Any, image: Image, member_status: str, visibility: str | None):
        project = ctx.project_id
        if visibility is not None:
            if visibility != "all" and image.visibility != visibility:
                return False
        elif image.visibility == "community" and (project is None or image.owner != project):
            return False
        if is_admin(ctx, self._glance.policy_rules):
            return True
        if image.visibility in ("public", "community"):
            return True
        if project is not None and image.owner == project:
            return True
        if image.visibility == "shared" and project is not None:
            status = self._glance.db.member_status(image.id, project)
            return status is not None and (member_status == "all" or status == member_status)
        return False

    def _conditions(self, filters: dict[str, str], multihash: bool = True) -> list:
        conds = []
        for key in list(filters):
            value = filters[key]
            if key == "visibility":
                continue
            if not multihash and key in _MULTIHASH_FILTERS:  # Queens: custom properties
                conds.append(lambda i, k=key, v=value: i.extra_properties.get(k, _MISSING) == v)
                continue
            if key.endswith("_min") or key.endswith("_max"):
                attr = key[:-4]
                try:
                    bound = int(value)
                except ValueError:
                    raise _bad("Unable to filter on a range with a non-numeric value.")
                op = ">=" if key.endswith("_min") else "<="
                conds.append(_range(attr, op, bound))
            elif key in ("created_at", "updated_at"):
                op, text = split_filter_op(value)
                try:
                    threshold = _parse_isotime(text)
                except ValueError:
                    raise _bad(f'Bad "{key}" query filter format. Use ISO 8601 DateTime notation.')
                if op not in _OPS:
                    raise _bad("Unable to filter on a unknown operator.")
                conds.append(_time(self._glance.kernel.clock, key, _OPS[op], threshold))
            elif key in _COLUMN_FILTERS:
                op, text = split_filter_op(value)
                if op == "in":
                    wanted = set(_split_in(text))
                    conds.append(lambda i, k=key, w=wanted: getattr(i, k) in w)
                elif op == "eq":
                    conds.append(lambda i, k=key, t=text: getattr(i, k) == t)
                else:
                    raise _bad(f"Unable to filter by unknown operator '{op}'.")
            elif key in ("checksum", "os_hash_value") or key in _ATTRIBUTE_FILTERS:
                conds.append(lambda i, k=key, v=value: _column_equals(getattr(i, k), v))
            else:
                conds.append(lambda i, k=key, v=value: i.extra_properties.get(k, _MISSING) == v)
        return conds


_MISSING = object()


def _column_equals(have: Any, want: str) -> bool:
    """An SQL column compared with a query string (numbers and booleans as the DB casts)."""
    if isinstance(have, bool):
        return want.lower() in (("true", "1") if have else ("false", "0"))
    if isinstance(have, int):
        return str(have) == want
    return have == want


def _range(attr: str, op: str, bound: int):
    def check(image: Image) -> bool:
        value = getattr(image, attr, None)
        if value is None:
            return False
        return value >= bound if op == ">=" else value <= bound

    return check


def _time(clock: Any, key: str, op, threshold: datetime.datetime):
    def check(image: Image) -> bool:
        # compared in the database: the whole second MySQL stored
        when = stored_time(clock.wall_time(getattr(image, key)))
        return op(when, threshold)

    return check


#: The sort keys that are ``DateTime`` columns.
_TIME_KEYS = frozenset(("created_at", "updated_at"))


def _value(image: Image, key: str, clock: Any) -> Any:
    value = getattr(image, key)
    if value is None:
        return 0 if key in _INT_KEYS else ""
    if key in _TIME_KEYS:
        # MySQL's DATETIME keeps the whole second: images made within one tie, and the next
        # key (id, last) orders them
        return stored_time(clock.wall_time(value))
    return value


def _comparer(q: ListQuery, clock: Any) -> Any:
    """How two images of `q`'s answer compare (its sort keys, then created_at and id, as
    glance 33.0.0 ``db/sqlalchemy/api.py`` ``_image_get_all`` adds them), a time to the
    second the database stored."""
    keys, dirs = list(q.sort_keys or ["created_at"]), list(q.sort_dirs or ["desc"])
    default_dir = dirs[0] if len(dirs) == 1 else "desc"
    if len(dirs) == 1:
        dirs = dirs * len(keys)
    for key in ("created_at", "id"):
        if key not in keys:
            keys.append(key)
            dirs.append(default_dir)
    return functools.partial(_compare, keys=keys, dirs=dirs, clock=clock)


def _compare(a: Image, b: Image, *, keys: list[str], dirs: list[str], clock: Any) -> int:
    for key, direction in zip(keys, dirs, strict=True):
        va, vb = _value(a, key, clock), _value(b, key, clock)
        if va == vb:
            continue
        result = -1 if va < vb else 1
        return result if direction == "asc" else -result
    return 0


def links(q: ListQuery, next_marker: str | None) -> dict[str, str]:
    """The ``first`` and ``next`` links of a list response (``ResponseSerializer.index``)."""
    params = [(k, v) for k, v in q.params if k != "marker"]
    out = {"first": "/v2/images" + (f"?{urlencode(params)}" if params else "")}
    if next_marker is not None:
        out["next"] = "/v2/images?" + urlencode([*params, ("marker", next_marker)])
    return out
