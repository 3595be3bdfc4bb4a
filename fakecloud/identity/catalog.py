"""The service catalog: which services a cloud has, where, in which region, by interface.

Each service of `fakecloud.transport.endpoints.CATALOG` gets a public, an internal and an admin
endpoint on the same URL (as devstack sets them up), each with both ``region`` and
``region_id`` (Tempest reads the first, keystoneauth's region filter the second). A URL holding
the project id (Cinder's ``/v3/{project_id}``) is filled in per project; a token with no project
(system or domain scope) does not list those endpoints, as Keystone omits endpoints whose URL it
cannot format. Catalogs are built once per project and reused.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random
from typing import Any

from fakecloud.transport.endpoints import CATALOG, ServiceEntry, host_url

INTERFACES = ("public", "internal", "admin")


@dataclass(frozen=True)
class CatalogService:
    """One service of the catalog with its seeded ids: the service's, and one per interface."""

    id: str
    entry: ServiceEntry
    endpoint_ids: tuple[str, ...]

    def url(self, config: Any, project_id: str | None) -> str | None:
        """The endpoint URL for `project_id`, or None when it needs one and there is none."""
        path = self.entry.path
        if "{project_id}" in path:
            if project_id is None:
                return None
            path = path.format(project_id=project_id)
        return host_url(config, self.entry.host) + path

    def template(self, config: Any) -> str:
        """The URL as Keystone stores it, ``$(project_id)s`` left in."""
        return host_url(config, self.entry.host) + self.entry.path.replace(
            "{project_id}", "$(project_id)s"
        )


class Catalog:
    """The catalog of one cloud, in Keystone's token shape, cached per project."""

    def __init__(self, config: Any, region: str, rng: Random):
        self._config = config
        self.region = region
        self.services = tuple(
            CatalogService(
                f"{rng.getrandbits(128):032x}",
                entry,
                tuple(f"{rng.getrandbits(128):032x}" for _ in INTERFACES),
            )
            for entry in CATALOG
        )
        self._by_project: dict[str | None, list[dict[str, Any]]] = {}

    def for_project(self, project_id: str | None) -> list[dict[str, Any]]:
        """The token catalog for a token scoped to `project_id` (None: system/domain scope).

        The list is shared between tokens: callers must not change it.
        """
        found = self._by_project.get(project_id)
        if found is None:
            found = []
            for svc in self.services:
                url = svc.url(self._config, project_id)
                if url is None:
                    continue
                endpoints = [
                    {
                        "id": eid,
                        "interface": interface,
                        "region": self.region,
                        "region_id": self.region,
                        "url": url,
                    }
                    for eid, interface in zip(svc.endpoint_ids, INTERFACES, strict=True)
                ]
                found.append(
                    {
                        "endpoints": endpoints,
                        "id": svc.id,
                        "type": svc.entry.service_type,
                        "name": svc.entry.name,
                    }
                )
            self._by_project[project_id] = found
        return found

    def endpoint_records(self) -> list[dict[str, Any]]:
        """Every endpoint as ``GET /v3/endpoints`` lists it (URL templates unformatted)."""
        out = []
        for svc in self.services:
            url = svc.template(self._config)
            for eid, interface in zip(svc.endpoint_ids, INTERFACES, strict=True):
                out.append(
                    {
                        "id": eid,
                        "interface": interface,
                        "region": self.region,
                        "region_id": self.region,
                        "service_id": svc.id,
                        "url": url,
                        "enabled": True,
                    }
                )
        return out
