"""A catalog Keystone's admin API has written to: regions, services and endpoints created,
changed and deleted after the cloud was built (``keystone/catalog/core.py`` and its SQL driver,
13.0.0-30.0.0).

A built `Catalog` is shared by forks and by every cloud built alike, so the first write copies
it into a `WrittenCatalog` (`copy_of`), the cloud's own, keeping the built one as ``origin``;
a world whose catalog is never written keeps its built catalog, and its saves and traces are
what they were.

The catalog is what clients read: a new token's catalog (and ``GET /v3/auth/catalog``) is made
from these records, so a client looking a service up finds the URL an endpoint now says, no
endpoint once it is deleted or disabled, and no service once that is deleted or disabled. The
simulated services themselves keep serving their fixed hosts whatever the catalog says (a real
cloud's services do not move when Keystone's records do): a request sent to the URL an
endpoint used to have still reaches its service, and one sent to a URL no service serves is
refused by the transport as an unreachable host is.

An endpoint's URL is formatted as Keystone's ``format_url`` does (``$(project_id)s`` and
``%(tenant_id)s`` filled in with the token's project, ``$(user_id)s`` with its user, 13.0.0-30.0.0
``get_v3_catalog``); an endpoint whose URL names anything else (the project in a token scoped
to none) or is malformed is left out of the token's catalog, as Keystone leaves out one whose
URL it cannot format. Catalogs are kept per project, unless an endpoint names the user.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from fakecloud.identity import endpoint_filter, exception, sql_text
from fakecloud.identity.catalog import Catalog

#: What a region, a service and an endpoint hold in their own fields; any other attribute of
#: a write is stored beside them (Keystone's ``extra``) and shown with them.
REGION_FIELDS = ("id", "description", "parent_region_id")
SERVICE_FIELDS = ("id", "type", "enabled")
ENDPOINT_FIELDS = ("id", "interface", "region_id", "service_id", "url", "enabled")


class WrittenCatalog(Catalog):
    """A cloud's own catalog after a write, and the catalog it was built with."""

    origin: Catalog
    #: The records by id, in creation order, as ``GET /v3/{regions,services,endpoints}``
    #: shows them (without ``links``).
    regions: dict[str, dict[str, Any]]
    records: dict[str, dict[str, Any]]
    endpoints: dict[str, dict[str, Any]]

    @classmethod
    def copy_of(cls, built: Catalog) -> WrittenCatalog:
        """A writable copy of `built`."""
        c = cls.__new__(cls)
        c._config = built._config
        c.region = built.region
        c.services = built.services
        c._by_project = {}
        c.origin = built
        c.regions = {r["id"]: r for r in built.region_records()}
        c.records = {s["id"]: s for s in built.service_records()}
        c.endpoints = {e["id"]: e for e in built.endpoint_records()}
        for e in c.endpoints.values():
            del e["region"]  # shown from region_id
        return c

    # -- what the API and tokens read ---------------------------------------------------------

    def region_records(self) -> list[dict[str, Any]]:
        """Every region, as ``GET /v3/regions`` lists it."""
        return [dict(r) for r in self.regions.values()]

    def service_records(self) -> list[dict[str, Any]]:
        """Every service, as ``GET /v3/services`` lists it."""
        return [dict(s) for s in self.records.values()]

    def endpoint_records(self) -> list[dict[str, Any]]:
        """Every endpoint, as ``GET /v3/endpoints`` lists it (``region`` is its region_id)."""
        return [{**e, "region": e["region_id"]} for e in self.endpoints.values()]

    def for_token(self, project_id: str | None, user_id: str) -> list[dict[str, Any]]:
        """The catalog of a token of `user_id` scoped to `project_id`: made for the user
        when an endpoint's URL names ``$(user_id)s`` (never kept), else `for_project`'s."""
        if any("user_id" in e["url"] for e in self.endpoints.values()):
            return self._build(project_id, user_id)
        return self.for_project(project_id)

    def unpackable(self, project_id: str | None, user_id: str) -> bool:
        """Whether the catalog of a token of `user_id` scoped to `project_id` holds a string
        UTF-8 cannot encode (a service named with a lone surrogate: the name is kept in the
        row's ``extra`` JSON, so its create is 201). Keystone's ``get_v3_catalog`` is memoized
        through its request-local cache, which packs the value with msgpack first
        (``common/cache/_context_cache.py`` ``_set_local_cache``, 13.0.0-30.0.0): the
        ``UnicodeEncodeError`` is raised wherever a scoped token's catalog is made."""
        if not any(_unencodable(v) for r in self.records.values() for v in r.values()) and not any(
            _unencodable(v) for e in self.endpoints.values() for v in e.values()
        ):
            return False
        return _unencodable(self.for_token(project_id, user_id))

    def _build(self, project_id: str | None, user_id: str | None = None) -> list[dict[str, Any]]:
        """Keystone's SQL ``get_v3_catalog``: the enabled services, each with its enabled
        endpoints whose URL formats."""
        found = []
        for svc in self.records.values():
            if not svc["enabled"]:
                continue
            endpoints = []
            for e in self.endpoints.values():
                if e["service_id"] != svc["id"] or not e["enabled"]:
                    continue
                url = format_url(e["url"], project_id, user_id)
                if url is None:
                    continue
                out = {k: v for k, v in e.items() if k not in ("service_id", "enabled")}
                out["region"] = e["region_id"]
                out["url"] = url
                endpoints.append(out)
            found.append(
                {
                    "endpoints": endpoints,
                    "id": svc["id"],
                    "type": svc["type"],
                    "name": svc.get("name", ""),
                }
            )
        return endpoint_filter.filtered(self, project_id, found)

    def _changed(self) -> None:
        """Forget the per-project catalogs: the next token's is made anew."""
        self._by_project = {}

    # -- regions ------------------------------------------------------------------------------

    def create_region(self, ref: dict[str, Any]) -> dict[str, Any]:
        """``catalog_api.create_region``: a new region under an existing parent."""
        region_id = ref["id"]
        sql_text.columns(ref, "id", "description")
        if region_id in self.regions:
            raise exception.Conflict(type="region", details=f"Duplicate ID, {region_id}.")
        parent = ref.get("parent_region_id")
        if parent is not None and parent not in self.regions:
            raise exception.RegionNotFound(region_id=parent)
        record = {"id": region_id, "description": ref.get("description") or "",
                  "parent_region_id": parent, **_extra(ref, REGION_FIELDS)}  # fmt: skip
        self.regions[region_id] = record
        self._changed()
        return dict(record)

    def update_region(self, region_id: str, ref: dict[str, Any]) -> dict[str, Any]:
        """``catalog_api.update_region``: the parent must exist and not make a circle."""
        parent = ref.get("parent_region_id")
        if parent is not None and parent not in self.regions:
            raise exception.RegionNotFound(region_id=parent)
        old = self.regions.get(region_id)
        if old is None:
            raise exception.RegionNotFound(region_id=region_id)
        if "description" in ref and ref["description"] is None:
            ref = {**ref, "description": ""}
        record = {**old, **ref, "id": region_id}
        sql_text.columns(record, "description")
        above = record.get("parent_region_id")
        while above:
            if above == region_id:
                raise CircularRegion(parent_region_id=above)
            above = self.regions[above].get("parent_region_id")
        self.regions[region_id] = record
        self._changed()
        return dict(record)

    def delete_region(self, region_id: str, referenced: Collection[str] = ()) -> None:
        """``catalog_api.delete_region``: with its child regions, refused while it or one of
        them has an endpoint; one a registered limit names (`referenced`) is the database's
        foreign key error, which no handler maps: Keystone's 500, nothing deleted."""
        if region_id not in self.regions:
            raise exception.RegionNotFound(region_id=region_id)
        doomed = self._subtree(region_id)
        if any(e["region_id"] in doomed for e in self.endpoints.values()):
            raise RegionDeletion(region_id=region_id)
        if doomed & set(referenced):
            raise exception.Error()
        for r in doomed:
            del self.regions[r]
        self._changed()

    def _subtree(self, region_id: str) -> set[str]:
        found, todo = {region_id}, [region_id]
        while todo:
            here = todo.pop()
            for r in self.regions.values():
                if r.get("parent_region_id") == here and r["id"] not in found:
                    found.add(r["id"])
                    todo.append(r["id"])
        return found

    # -- services -----------------------------------------------------------------------------

    def put_service(self, service_id: str, ref: dict[str, Any]) -> dict[str, Any]:
        """Create or change service `service_id` (``create_service`` / ``update_service``)."""
        old = self.records.get(service_id, {"id": service_id, "enabled": True, "name": ""})
        record = {**old, **ref, "id": service_id}
        sql_text.columns(record, "type")  # a column; the rest is the row's extra JSON
        self.records[service_id] = record
        self._changed()
        return dict(record)

    def delete_service(self, service_id: str, referenced: Collection[str] = ()) -> None:
        """``catalog_api.delete_service``: its endpoints go with it; one a registered limit
        names (`referenced`) is the database's foreign key error: Keystone's 500, nothing
        deleted."""
        if service_id not in self.records:
            raise exception.ServiceNotFound(service_id=service_id)
        if service_id in referenced:
            raise exception.Error()
        del self.records[service_id]
        self.endpoints = {k: e for k, e in self.endpoints.items() if e["service_id"] != service_id}
        self._changed()

    # -- endpoints ----------------------------------------------------------------------------

    def check_refs(self, ref: dict[str, Any]) -> None:
        """``_assert_region_exists`` and ``_assert_service_exists`` for an endpoint's write."""
        if ref.get("region_id") is not None and ref["region_id"] not in self.regions:
            raise exception.ValidationError(attribute="endpoint region_id", target="region table")
        if ref.get("service_id") is not None and ref["service_id"] not in self.records:
            raise exception.ValidationError(attribute="endpoint service_id", target="service table")

    def put_endpoint(self, endpoint_id: str, ref: dict[str, Any]) -> dict[str, Any]:
        """Create or change endpoint `endpoint_id` (its region and service checked)."""
        self.check_refs(ref)
        old = self.endpoints.get(endpoint_id, {"id": endpoint_id, "region_id": None,
                                               "enabled": True})  # fmt: skip
        record = {**old, **ref, "id": endpoint_id}
        sql_text.columns(record, "url")
        self.endpoints[endpoint_id] = record
        self._changed()
        return {**record, "region": record["region_id"]}

    def delete_endpoint(self, endpoint_id: str) -> None:
        """``catalog_api.delete_endpoint``."""
        if self.endpoints.pop(endpoint_id, None) is None:
            raise exception.EndpointNotFound(endpoint_id=endpoint_id)
        endpoint_filter.forget(self, 0, endpoint_id)
        self._changed()


class CircularRegion(exception.ValidationError):
    """A region's parent that is the region itself or one below it (400)."""

    message_format = (
        "The specified parent region %(parent_region_id)s would create a circular region hierarchy."
    )


class RegionDeletion(exception.Forbidden):
    """A region that it or a child region has endpoints (403)."""

    message_format = (
        "Unable to delete region %(region_id)s because it or its child regions have associated "
        "endpoints."
    )


def format_url(url: str, project_id: str | None, user_id: str | None = None) -> str | None:
    """Keystone's ``utils.format_url`` for a token of `user_id` scoped to `project_id`: the URL
    filled in, or None when it names anything else (the project in a token of none) or is
    malformed (the endpoint is left out)."""
    if "(" not in url:
        return url
    values = {} if project_id is None else {"tenant_id": project_id, "project_id": project_id}
    if user_id is not None:
        values["user_id"] = user_id
    try:
        return url.replace("$(", "%(") % values
    except (KeyError, TypeError, ValueError):
        return None


def _extra(ref: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in ref.items() if k not in fields}


def _unencodable(value: Any) -> bool:
    """Whether `value` (a string, or a list or mapping of them) holds a string UTF-8 cannot
    encode, as msgpack must (a lone surrogate)."""
    if value.__class__ is str:
        try:
            value.encode()
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_unencodable(k) or _unencodable(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_unencodable(v) for v in value)
    return False
