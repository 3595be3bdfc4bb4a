"""The service catalog: which services a cloud has, where, in which region, by interface.

Each service of `fakecloud.transport.endpoints.CATALOG` (with Nova's legacy v2 entry
``compute_legacy``; before Cinder 19.0.0, Cinder's ``volumev2``; before Cinder 14.0.0, its dead
v1 entry ``volume`` too) gets one endpoint, ``public``, as
devstack registers them since Pike (devstack 11eb2017, "simplify endpoints used in devstack":
``get_or_create_endpoint`` adds admin and internal endpoints only for URLs a service passes,
and none passes any). Keystone also has an ``admin`` endpoint on the same URL in the series
before Yoga (Nova 25), whose devstack bootstrapped it with ``--bootstrap-admin-url`` (dropped
by devstack eb37657d). Each endpoint has both ``region`` and ``region_id`` (Tempest reads the
first, keystoneauth's region filter the second). Clients deep-copy the token's catalog on every
endpoint lookup (keystoneauth's ``normalize_catalog``), so its size is paid per request.

A URL holding the project id (Cinder's ``/v3/{project_id}``) is filled in per project; a token
with no project (system or domain scope) lists those services with no endpoints, as Keystone
omits an endpoint whose URL it cannot format and keeps its service (``get_v3_catalog``'s
``make_v3_service``, 13.0.0-30.0.0: "If there is service with no endpoints, we should skip the
service", bug 1436704, never done). Catalogs are built once per project and reused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fakecloud.sim.ids import first_hex_ids
from fakecloud.transport.endpoints import (
    CATALOG,
    CINDER_V1_ENTRY_GONE_FROM,
    CINDER_V2_GONE_FROM,
    COMPUTE_LEGACY,
    VOLUME_V1,
    VOLUME_V2,
    ServiceEntry,
    host_url,
)

#: The interfaces of every service's endpoints; Keystone's own before Yoga add ``admin``.
INTERFACES = ("public",)
IDENTITY_INTERFACES_BEFORE_YOGA = ("public", "admin")


@dataclass(frozen=True)
class CatalogService:
    """One service of the catalog with its seeded ids: the service's, and one per interface
    (`endpoint_ids[i]` is the endpoint of `interfaces[i]`)."""

    id: str
    entry: ServiceEntry
    endpoint_ids: tuple[str, ...]
    # The default is what catalogs saved before 2026-12-03 hold: three ids per service.
    interfaces: tuple[str, ...] = ("public", "internal", "admin")

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

    _by_project: dict[str | None, list[dict[str, Any]]]

    def __init__(
        self,
        config: Any,
        region: str,
        seed: int,
        identity_admin: bool = False,
        volume_v2: bool = False,
        volume_v1: bool = False,
    ):
        """The catalog of a cloud of `seed`: each service's id, then its endpoints' ids, drawn
        in `CATALOG`'s order from the seed's ``identity.catalog`` stream (`first_hex_ids`);
        with `volume_v2` Cinder's ``volumev2`` too, its ids the stream's next, and with
        `volume_v1` its ``volume`` after that; Nova's ``compute_legacy`` last (added in
        session 46: every other id is what it was)."""
        self._config = config
        self.region = region
        interfaces_of = [
            IDENTITY_INTERFACES_BEFORE_YOGA
            if identity_admin and entry.service_type == "identity"
            else INTERFACES
            for entry in CATALOG
        ]
        count = len(CATALOG) + sum(map(len, interfaces_of))
        legacy = [VOLUME_V2] if volume_v2 else []
        if volume_v1:
            legacy.append(VOLUME_V1)
        count += (len(legacy) + 1) * (1 + len(INTERFACES))  # (+1: compute_legacy)
        drawn = iter(first_hex_ids(seed, "identity.catalog", count))
        services = []
        for entry, interfaces in zip(CATALOG, interfaces_of, strict=True):
            service_id = next(drawn)
            ids = tuple(next(drawn) for _ in interfaces)
            services.append(CatalogService(service_id, entry, ids, interfaces))
        # Cinder's older entries are listed before volumev3 in the order devstack registers
        # them (volume, volumev2); their ids are drawn after the others', so that theirs are
        # those of a catalog without them.
        at = next(i for i, s in enumerate(services) if s.entry.service_type == "volumev3")
        for entry in legacy:
            service_id = next(drawn)
            ids = tuple(next(drawn) for _ in INTERFACES)
            services.insert(at, CatalogService(service_id, entry, ids, INTERFACES))
        # Nova's legacy v2 entry, before ``compute`` as devstack registers them
        at = next(i for i, s in enumerate(services) if s.entry.service_type == "compute")
        service_id = next(drawn)
        ids = tuple(next(drawn) for _ in INTERFACES)
        services.insert(at, CatalogService(service_id, COMPUTE_LEGACY, ids, INTERFACES))
        self.services = tuple(services)
        self._by_project = {}

    def for_project(self, project_id: str | None) -> list[dict[str, Any]]:
        """The token catalog for a token scoped to `project_id` (None: system/domain scope).

        The list is shared between tokens: callers must not change it.
        """
        found = self._by_project.get(project_id)
        if found is None:
            found = self._by_project[project_id] = self._build(project_id)
        return found

    def unpackable(self, project_id: str | None, user_id: str) -> bool:
        """Whether Keystone cannot cache a token's catalog (`WrittenCatalog.unpackable`): a
        built catalog's names are all ours."""
        return False

    def for_token(self, project_id: str | None, user_id: str) -> list[dict[str, Any]]:
        """The catalog of a token of `user_id` scoped to `project_id`: `for_project`'s (no URL
        of a built catalog names the user)."""
        return self.for_project(project_id)

    def derived_indexes(self) -> list[tuple[str, Any, Any]]:
        """The per-project catalogs kept, as held and as the services make them (a loaded
        catalog's must agree: `fakecloud.state.kinds.DERIVED`)."""
        made = {project_id: self._build(project_id) for project_id in self._by_project}
        return [("_by_project", self._by_project, made)]

    def _build(self, project_id: str | None) -> list[dict[str, Any]]:
        found = []
        for svc in self.services:
            url = svc.url(self._config, project_id)
            endpoints = [
                {
                    "id": eid,
                    "interface": interface,
                    "region": self.region,
                    "region_id": self.region,
                    "url": url,
                }
                for eid, interface in zip(svc.endpoint_ids, svc.interfaces, strict=True)
                if url is not None
            ]
            found.append(
                {
                    "endpoints": endpoints,
                    "id": svc.id,
                    "type": svc.entry.service_type,
                    "name": svc.entry.name,
                }
            )
        return found

    def region_records(self) -> list[dict[str, Any]]:
        """The one region, as ``GET /v3/regions`` lists it."""
        return [{"id": self.region, "description": "", "parent_region_id": None}]

    def service_records(self) -> list[dict[str, Any]]:
        """Every service, as ``GET /v3/services`` lists it."""
        return [
            {"id": s.id, "type": s.entry.service_type, "name": s.entry.name, "enabled": True}
            for s in self.services
        ]

    def endpoint_records(self) -> list[dict[str, Any]]:
        """Every endpoint as ``GET /v3/endpoints`` lists it (URL templates unformatted)."""
        out = []
        for svc in self.services:
            url = svc.template(self._config)
            for eid, interface in zip(svc.endpoint_ids, svc.interfaces, strict=True):
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


def built_catalog(kernel: Any) -> Catalog:
    """The catalog a cloud's Keystone starts with (its ids drawn from the cloud's seed, so
    every call makes the same one)."""
    return Catalog(
        kernel.config,
        kernel.config.identity.region,
        kernel.seed,
        identity_admin=kernel.switches.series.nova < 25,
        volume_v2=kernel.switches.series.cinder < CINDER_V2_GONE_FROM,
        volume_v1=kernel.switches.series.cinder < CINDER_V1_ENTRY_GONE_FROM,
    )


def cloud_catalog(kernel: Any) -> Catalog:
    """The cloud's catalog as Keystone holds it now, for a service that reads Keystone without
    a link to it (Nova's unified limits, `fakecloud.nova.limit`): the written one after
    Keystone's first catalog write (`kernel.written_catalog`), else the built one."""
    written = getattr(kernel, "written_catalog", None)
    return written if written is not None else built_catalog(kernel)
