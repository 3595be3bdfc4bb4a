"""Keystone's endpoint filter (OS-EP-FILTER) records in a written catalog: endpoint groups,
and which endpoints and endpoint groups each project is associated with
(``keystone/catalog/core.py`` and its SQL driver, 13.0.0-30.0.0).

A project with any association sees in its tokens' catalog (and ``GET /v3/auth/catalog``) only
the endpoints associated with it directly or through an endpoint group whose ``filters``
(``service_id``, ``region_id``, ``interface``) they match, and no service left without an
endpoint (the SQL driver's ``get_v3_catalog``); a project without any sees the whole catalog.
The tables are a catalog's from its first such write (`_grow`): a catalog never written so
saves what it saved before they existed.
"""

from __future__ import annotations

from typing import Any

from fakecloud.identity import exception

#: The endpoint attributes a group's ``filters`` may name (``_require_valid_filter``).
FILTER_KEYS = ("service_id", "region_id", "interface")
#: An endpoint group's own fields (``EndpointGroup.attributes``): it keeps no others.
GROUP_FIELDS = ("id", "name", "description", "filters")


def _grow(catalog: Any) -> None:
    if "endpoint_groups" not in catalog.__dict__:
        catalog.endpoint_groups, catalog.group_projects, catalog.project_endpoints = {}, [], []


def groups(catalog: Any) -> dict[str, dict[str, Any]]:
    """The endpoint groups by id, in creation order (none in a catalog never given one)."""
    return catalog.__dict__.get("endpoint_groups", {})


def associations(catalog: Any, kind: str) -> list[tuple[str, str]]:
    """``group_projects`` ((group id, project id) pairs) or ``project_endpoints`` ((endpoint
    id, project id) pairs), in the order made."""
    return catalog.__dict__.get(kind, [])


def check_filters(ref: dict[str, Any]) -> None:
    """400 for a filter on anything but `FILTER_KEYS`."""
    for key in ref.get("filters") or {}:
        if key not in FILTER_KEYS:
            raise exception.ValidationError(attribute=" or ".join(FILTER_KEYS),
                                            target="endpoint_group")  # fmt: skip


def group(catalog: Any, group_id: str) -> dict[str, Any]:
    """The endpoint group `group_id` (404 ``Could not find Endpoint Group: X.``)."""
    found = groups(catalog).get(group_id)
    if found is None:
        raise EndpointGroupNotFound(endpoint_group_id=group_id)
    return found


def put_group(catalog: Any, group_id: str, ref: dict[str, Any]) -> dict[str, Any]:
    """Create endpoint group `group_id`, or change its name, description or filters."""
    _grow(catalog)
    old = catalog.endpoint_groups.get(group_id, {"id": group_id, "name": None,
                                                 "description": None, "filters": {}})  # fmt: skip
    record = {**old, **{k: v for k, v in ref.items() if k in GROUP_FIELDS[1:]}}
    catalog.endpoint_groups[group_id] = record
    catalog._changed()
    return record


def delete_group(catalog: Any, group_id: str) -> None:
    """Delete an endpoint group and its project associations."""
    group(catalog, group_id)
    del catalog.endpoint_groups[group_id]
    catalog.group_projects = [a for a in catalog.group_projects if a[0] != group_id]
    catalog._changed()


def associate(catalog: Any, kind: str, pair: tuple[str, str], conflict: str) -> None:
    """Add association `pair` of `kind` (409 if it is held: Keystone's ``Duplicate entry``)."""
    _grow(catalog)
    held = getattr(catalog, kind)
    if pair in held:
        raise exception.Conflict(type=conflict, details="Duplicate entry")
    held.append(pair)
    catalog._changed()


def dissociate(catalog: Any, kind: str, pair: tuple[str, str]) -> None:
    """Remove association `pair` of `kind` (it is held)."""
    associations(catalog, kind).remove(pair)
    catalog._changed()


def forget(catalog: Any, field: int, record_id: str) -> None:
    """Drop the associations of a deleted project (`field` 1) or endpoint (`field` 0 of the
    project-endpoint pairs)."""
    if "endpoint_groups" not in catalog.__dict__:
        return
    kinds = ("project_endpoints",) if field == 0 else ("project_endpoints", "group_projects")
    for kind in kinds:
        setattr(catalog, kind, [a for a in getattr(catalog, kind) if a[field] != record_id])
    catalog._changed()


def group_endpoints(catalog: Any, group_id: str) -> list[dict[str, Any]]:
    """The endpoints whose attributes group `group_id`'s filters all match."""
    filters = group(catalog, group_id)["filters"]
    return [
        e
        for e in catalog.endpoint_records()
        if all(e.get(key) == value for key, value in filters.items())
    ]


def project_endpoints(catalog: Any, project_id: str) -> dict[str, dict[str, Any]]:
    """``list_endpoints_for_project``: the endpoints associated with the project directly, then
    through its endpoint groups, by id."""
    records = {e["id"]: e for e in catalog.endpoint_records()}
    found = {
        e: records[e]
        for e, p in associations(catalog, "project_endpoints")
        if p == project_id and e in records
    }
    for group_id, p in associations(catalog, "group_projects"):
        if p == project_id:
            for e in group_endpoints(catalog, group_id):
                found.setdefault(e["id"], e)
    return found


def filtered(catalog: Any, project_id: str | None, services: list[dict[str, Any]]) -> Any:
    """A project's token catalog `services` as the endpoint filter leaves it."""
    if project_id is None or "endpoint_groups" not in catalog.__dict__:
        return services
    kept = project_endpoints(catalog, project_id)
    if not kept:
        return services
    out = []
    for svc in services:
        endpoints = [e for e in svc["endpoints"] if e["id"] in kept]
        if endpoints:
            out.append({**svc, "endpoints": endpoints})
    return out


class EndpointGroupNotFound(exception.NotFound):
    """No endpoint group has this id."""

    message_format = "Could not find Endpoint Group: %(endpoint_group_id)s."
