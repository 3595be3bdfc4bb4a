"""oslo.limit's ``Enforcer`` with Keystone's ``flat`` model (``oslo_limit/limit.py``, 1.5.1 to
2.12.0, the pins of Nova 25.0.0-34.0.0's series), reading the limits of the cloud's Keystone
(`fakecloud.identity.limits_store`) as its ``openstack.identity`` connection lists them.

The endpoint is ``[oslo_limit] endpoint_id`` (``nova.oslo_limit_endpoint_id``; empty: the
catalog's public compute endpoint, which a deployment names there); its service and region
filter every lookup, so only a registered limit of that service *and* that region counts (one
made without ``region_id`` is no limit here, as Keystone's list filter ``region_id=`` finds
none). A resource's limit is the project's own limit, else the registered limit's default,
else 0 (``_LimitNotFound``: "do not allow any use of a resource type that does not have a
registered limit"); with no project (Nova's local limits) the registered limit alone. A
resource is over when its usage plus its delta exceeds the limit, checked in name order; a
limit of -1 is over as any other number until oslo.limit 2.12.0 (the 2026.2 pin, Nova 34.0.0)
skips negative limits ("Keystone unified limits use -1 to represent unlimited").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from fakecloud.identity.catalog import cloud_catalog
from fakecloud.identity.limits_store import Tables, held

#: ``usage_callback(project_id, resource_names)``: each resource's usage.
UsageCallback = Callable[[str | None, list[str]], dict[str, int]]

#: The first Nova whose series pins an oslo.limit that skips a negative limit (2.12.0).
NEGATIVE_UNLIMITED_SINCE = 34


class OverLimitInfo:
    """``oslo_limit.exception.OverLimitInfo``: one resource over its limit."""

    def __init__(self, resource_name: str, limit: int, current_usage: int, delta: int):
        self.resource_name = resource_name
        self.limit = int(limit)
        self.current_usage = int(current_usage)
        self.delta = int(delta)

    def __str__(self) -> str:
        return (
            f"Resource {self.resource_name} is over limit of {self.limit} due to current "
            f"usage {self.current_usage} and delta {self.delta}"
        )

    __repr__ = __str__


class ProjectOverLimit(Exception):
    """``oslo_limit.exception.ProjectOverLimit``: "Project X is over a limit for [...]" (the
    list of `OverLimitInfo` as Python prints it)."""

    def __init__(self, project_id: str | None, over_limit_info_list: list[OverLimitInfo]):
        self.project_id = project_id
        self.over_limit_info_list = over_limit_info_list
        super().__init__(f"Project {project_id} is over a limit for {over_limit_info_list}")


class EndpointNotFound(ValueError):
    """``[oslo_limit] endpoint_id`` names no endpoint of the catalog (``_get_endpoint_by_id``'s
    "Can't find endpoint for X"): Nova's unexpected error, a 500."""

    real_class_path = "ValueError"


def endpoint(nova: Any) -> dict[str, Any]:
    """The catalog's endpoint Nova's limits belong to (``_EnforcerUtils._get_endpoint``)."""
    catalog = cloud_catalog(nova.kernel)
    records = catalog.endpoint_records()
    endpoint_id = nova.config.oslo_limit_endpoint_id
    if endpoint_id:
        for record in records:
            if record["id"] == endpoint_id:
                return record
        raise EndpointNotFound(f"Can't find endpoint for {endpoint_id}")
    compute = {s["id"] for s in catalog.service_records() if s["type"] == "compute"}
    for record in records:
        if record["service_id"] in compute and record["interface"] == "public":
            return record
    raise EndpointNotFound("Can't find endpoint for the compute service")


class Enforcer:
    """``oslo_limit.limit.Enforcer`` (flat model) for Nova: `usage_callback(project_id,
    resource_names)` gives the current usage of each resource checked."""

    service_id: str
    region_id: str | None
    _tables: Tables

    def __init__(self, nova: Any, usage_callback: UsageCallback):
        self._usage_callback = usage_callback
        self._negative_unlimited = nova.kernel.switches.series.nova >= NEGATIVE_UNLIMITED_SINCE
        found = endpoint(nova)
        self.service_id = found["service_id"]
        self.region_id = found["region_id"]
        self._tables = held(getattr(nova.kernel, "written_directory", None)) or Tables()

    def registered_limits(self) -> list[Any]:
        """Every registered limit of the endpoint's service and region (``connection
        .registered_limits(service_id=..., region_id=...)``)."""
        return [
            reg
            for reg in self._tables.registered.values()
            if reg.service_id == self.service_id and reg.region_id == self.region_id
        ]

    def _registered(self, resource_name: str) -> Any:
        for reg in self.registered_limits():
            if reg.resource_name == resource_name:
                return reg
        return None

    def _project_limit(self, project_id: str, resource_name: str) -> int | None:
        reg = self._registered(resource_name)
        if reg is None:
            return None
        for lim in self._tables.limits.values():
            if lim.registered_limit_id == reg.id and lim.project_id == project_id:
                return lim.resource_limit
        return None

    def _get_limit(self, project_id: str | None, resource_name: str) -> int:
        """The project's limit, else the registered default, else 0 (``_LimitNotFound``)."""
        if project_id is not None:
            own = self._project_limit(project_id, resource_name)
            if own is not None:
                return own
        reg = self._registered(resource_name)
        return 0 if reg is None else reg.default_limit

    def get_registered_limits(self, resource_names: Iterable[str]) -> list[tuple[str, int]]:
        """(name, default) of each resource, 0 for one without a registered limit."""
        out = []
        for name in resource_names:
            reg = self._registered(name)
            out.append((name, 0 if reg is None else reg.default_limit))
        return out

    def get_project_limits(
        self, project_id: str | None, resource_names: Iterable[str]
    ) -> list[tuple[str, int]]:
        """(name, limit) of each resource for `project_id` (`_get_limit`)."""
        return [(name, self._get_limit(project_id, name)) for name in resource_names]

    def enforce(self, project_id: str | None, deltas: dict[str, int]) -> None:
        """``ProjectOverLimit`` when a resource's usage plus its delta is over its limit."""
        names = sorted(deltas)
        limits = self.get_project_limits(project_id, names)
        usage = self._usage_callback(project_id, names)
        over = []
        for name, limit in limits:
            if limit < 0 and self._negative_unlimited:
                continue
            current, delta = int(usage[name]), int(deltas[name])
            if current + delta > limit:
                over.append(OverLimitInfo(name, limit, current, delta))
        if over:
            raise ProjectOverLimit(project_id, over)


def limits_reader(nova: Any) -> Enforcer:
    """``limit.Enforcer(lambda: None)``: an enforcer Nova makes only to read limits."""
    return Enforcer(nova, _no_usage)


def _no_usage(project_id: str | None, resource_names: list[str]) -> dict[str, int]:
    raise NotImplementedError("this enforcer reads limits only")
