"""Keystone's unified limits as a directory keeps them: registered limits (a service's default
for a resource, optionally in a region) and limits (a project's or a domain's override of one),
as keystone's ``limit/backends/sql.py`` keeps its two tables (the API:
`fakecloud.identity.limits_api`).

The tables live on a `fakecloud.identity.writes.WrittenDirectory` once it has a registered
limit (`tables`): a world that never made one saves what it saved before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RegisteredLimit:
    """A service's default limit of a resource (``RegisteredLimitModel``)."""

    id: str
    service_id: str
    region_id: str | None
    resource_name: str
    default_limit: int
    description: str | None = None


@dataclass(frozen=True)
class Limit:
    """A project's or a domain's limit of a registered limit's resource (``LimitModel``:
    its service, region and resource are its registered limit's)."""

    id: str
    registered_limit_id: str
    resource_limit: int
    project_id: str | None = None
    domain_id: str | None = None
    description: str | None = None


class Tables:
    """A directory's registered limits and limits, by id, in creation order."""

    registered: dict[str, RegisteredLimit]
    limits: dict[str, Limit]

    def __init__(self) -> None:
        self.registered = {}
        self.limits = {}

    def registered_for(
        self, service_id: str, resource_name: str, region_id: str | None
    ) -> RegisteredLimit | None:
        """The registered limit of this service, resource and region (None: no region)."""
        for reg in self.registered.values():
            if (reg.service_id, reg.resource_name, reg.region_id) == (
                service_id,
                resource_name,
                region_id,
            ):
                return reg
        return None

    def referenced(self, registered_limit_id: str) -> bool:
        """Whether any limit overrides registered limit `registered_limit_id`."""
        return any(lim.registered_limit_id == registered_limit_id for lim in self.limits.values())


def tables(d: Any) -> Tables:
    """A written directory's limit tables (made on its first registered limit)."""
    if "unified_limits" not in d.__dict__:
        d.unified_limits = Tables()
    return d.unified_limits


def held(d: Any) -> Tables | None:
    """A directory's limit tables, None if it never had any."""
    return getattr(d, "unified_limits", None)


def any_for_projects(d: Any, project_ids: set[str]) -> bool:
    """Whether a limit belongs to one of the projects (or domains) `project_ids`: the rows
    13.x's ``limit.project_id`` foreign key holds their project rows by."""
    found = held(d)
    return found is not None and any(x.project_id in project_ids for x in found.limits.values())


def drop_for_project(d: Any, project_id: str) -> None:
    """``delete_limits_for_project``: a deleted project's limits go with it (keystone
    14.2.0-30.0.0 ``resource/core.py`` ``_post_delete_cleanup_project``)."""
    found = held(d)
    if found is not None:
        for lim in [x for x in found.limits.values() if x.project_id == project_id]:
            del found.limits[lim.id]
