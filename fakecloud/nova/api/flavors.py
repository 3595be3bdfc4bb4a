"""``/flavors`` (``nova/api/openstack/compute/flavors.py``): list, detail and show."""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.microversion import Version
from fakecloud.api.pagination import paginate
from fakecloud.nova import exception
from fakecloud.nova import flavors as flavor_table
from fakecloud.nova.api import schemas, views

FLAVOR_EXTRA_SPECS_INDEX = "os_compute_api:os-flavor-extra-specs:index"


class FlavorsController:
    """The flavors a caller sees: the public ones and its project's private ones."""

    def __init__(self, nova: Any):
        self.nova = nova

    def _flavors(self, req: Request) -> list[Any]:
        """``_get_flavors``: the query checked (``index_query``: unknown parameters refused
        from 2.75), the enabled flavors sorted by ``sort_key`` (``flavorid`` by default, a
        string column: "1", "2", "42", "5") then the database id, in ``sort_dir`` (``asc``),
        then a page of them (``marker``, ``limit``, at most ``[api] max_limit``)."""
        _index_query(req.microversion).validate(req.query)
        sort_key = req.arg("sort_key") or "flavorid"
        descending = (req.arg("sort_dir") or "asc") == "desc"
        keep = _filters(req, self.nova)
        flavors = [
            (_sort_value(f, sort_key, row), row, f)
            for row, f in enumerate(self.nova.flavors.values(), 1)
            if keep(f)
        ]
        flavors.sort(key=lambda item: item[:2], reverse=descending)
        marker = req.arg("marker") or None
        if marker is not None:
            flavors = self._after_marker(req, flavors, marker, sort_key, descending)
        rows = [f for _value, _row, f in flavors]
        rows = paginate(rows, None, req.arg("limit"), key=_flavorid)
        return rows[: self.nova.config.max_limit]

    def _after_marker(
        self, req: Request, flavors: list[tuple], marker: str, sort_key: str, descending: bool
    ) -> list[tuple]:
        """``_flavor_get_all_from_db``'s marker: the flavor the caller may see (whatever the
        filters keep: a flavor ``minRam`` leaves out, a private one of the admin's), else 400
        ``marker [X] not found``; then the rows past its place in the order
        (``paginate_query`` on ``[sort_key, id]``)."""
        for row, f in enumerate(self.nova.flavors.values(), 1):
            if f.flavorid == marker and flavor_table.visible(self.nova, req.context, f):
                place = (_sort_value(f, sort_key, row), row)
                break
        else:
            raise HttpError(400, f"marker [{marker}] not found")
        if descending:
            return [item for item in flavors if item[:2] < place]
        return [item for item in flavors if item[:2] > place]

    def _page(self, req: Request, items: list[Any], flavors: list[Any], collection: str) -> dict:
        """``_list_view``: the page, and ``flavors_links`` (a ``next`` link) when it is full."""
        body: dict[str, Any] = {"flavors": items}
        found = views.collection_links(
            req.link_prefix, req.query, flavors, collection, self.nova.config.max_limit, _flavorid
        )
        if found:
            body["flavors_links"] = found
        return body

    def index(self, req: Request) -> Response:
        """``GET /flavors``."""
        prefix = req.link_prefix
        flavors = self._flavors(req)
        items = [views.flavor_basic(prefix, f, req.microversion) for f in flavors]
        return Response(200, self._page(req, items, flavors, "flavors"))

    def detail(self, req: Request) -> Response:
        """``GET /flavors/detail``."""
        prefix = req.link_prefix
        flavors = self._flavors(req)
        items = [views.flavor_detail(prefix, f, req.microversion, True) for f in flavors]
        return Response(200, self._page(req, items, flavors, "flavors/detail"))

    def show(self, req: Request) -> Response:
        """``GET /flavors/{flavor_id}``: 404 ``Flavor <id> could not be found.``"""
        try:
            flavor = flavor_table.get_by_flavor_id(self.nova, req.context, req.params["flavor_id"])
        except exception.FlavorNotFound as exc:
            raise HttpError(404, exc.format_message()) from None
        item = views.flavor_detail(req.link_prefix, flavor, req.microversion, True)
        return Response(200, {"flavor": item})


_TRUE = ("1", "t", "true", "on", "y", "yes")
_FALSE = ("0", "f", "false", "off", "n", "no")


def _filters(req: Request, nova: Any) -> Any:
    """``_get_flavors``' filters (nova 17.0.7 to 34.0.0): an admin's ``is_public`` (``none``
    for all, else ``bool_from_string(strict=True)``; public only by default), everyone
    else's public enabled flavors; ``minRam`` and ``minDisk`` as integers, each a 400 in
    Nova's words when it is not one. ``is_public`` true also lists the private flavors the
    caller's project has access to (``_flavor_get_all_from_db``), and a caller who is no
    admin sees no other private flavor."""
    if req.context.is_admin:
        raw = req.arg("is_public")
        public: bool | None = True
        if raw is not None:
            text = raw.strip().lower()
            if text == "none":
                public = None
            elif text in _TRUE or text in _FALSE:
                public = text in _TRUE
            else:
                raise HttpError(400, f"Invalid is_public filter [{raw}]")
        disabled = None
    else:
        public, disabled = True, False
    minimum = {}
    for name, attribute in (("minRam", "memory_mb"), ("minDisk", "root_gb")):
        raw = req.arg(name)
        if raw is not None:
            try:
                minimum[attribute] = int(raw)
            except ValueError:
                raise HttpError(400, f"Invalid {name} filter [{raw}]") from None

    project = req.context.project_id
    access = nova.flavor_projects

    def keep(flavor: Any) -> bool:
        return (
            (disabled is None or flavor.disabled == disabled)
            and (
                public is None
                or flavor.is_public == public
                or (public and bool(access) and project in access.get(flavor.flavorid, ()))
            )
            and all(getattr(flavor, a) >= v for a, v in minimum.items())
        )

    return keep


def _flavorid(flavor: Any) -> str:
    return flavor.flavorid


#: ``schemas/flavors.py`` ``VALID_SORT_KEYS`` (2.102 drops ``rxtx_factor``) and ``VALID_SORT_DIR``.
VALID_SORT_KEYS = (
    "created_at", "description", "disabled", "ephemeral_gb", "flavorid", "id", "is_public",
    "memory_mb", "name", "root_gb", "rxtx_factor", "swap", "updated_at", "vcpu_weight", "vcpus",
)  # fmt: skip
VALID_SORT_DIR = ("asc", "desc")
#: Columns fakecloud's flavors do not carry: they sort as the database id (creation order).
_ROW_ORDERED = ("created_at", "updated_at", "id", "vcpu_weight")


def _index_query(version: Version) -> schemas.QueryValidator:
    """``index_query`` (2.0-2.74), ``index_query_v275`` and ``index_query_v2102``."""
    key = "2.102" if version >= "2.102" else "2.75" if version >= "2.75" else "2.0"
    found = _INDEX_QUERIES.get(key)
    if found is None:
        keys = [k for k in VALID_SORT_KEYS if not (key == "2.102" and k == "rxtx_factor")]
        string = {"type": "array", "items": {"type": "string"}}
        properties = {
            "limit": {"type": "array", "items": schemas.non_negative_integer},
            "marker": string,
            "is_public": string,
            "minRam": string,
            "minDisk": string,
            "sort_key": {"type": "array", "items": {"type": "string", "enum": keys}},
            "sort_dir": {
                "type": "array",
                "items": {"type": "string", "enum": list(VALID_SORT_DIR)},
            },
        }
        if key == "2.102":
            properties["name"] = string
        schema = {"type": "object", "properties": properties}
        schema["additionalProperties"] = key == "2.0"
        found = _INDEX_QUERIES[key] = schemas.QueryValidator(schema)
    return found


_INDEX_QUERIES: dict[str, schemas.QueryValidator] = {}


def _sort_value(flavor: Any, sort_key: str, row: int) -> Any:
    """What the database sorts `flavor` by for `sort_key` (NULL first, as MySQL does)."""
    if sort_key in _ROW_ORDERED:
        return (1, row)
    value = getattr(flavor, "flavorid" if sort_key == "flavorid" else sort_key)
    return (0, "") if value is None else (1, value)
