"""``/os-hypervisors``: each compute host's hypervisor as its resource tracker reports it
(``nova/api/openstack/compute/hypervisors.py``, 17.0.13/20.6.0/25.2.1/29.2.0/34.0.0):
``openstack hypervisor list/show``, ``openstack hypervisor stats show``, novaclient's
``hypervisors.*``, openstacksdk's ``compute.hypervisors()``.

Per microversion: ``detail``/``show`` carry ``cpu_info`` as a JSON string before 2.28 and an
object after; 2.33 pages the lists (``limit``, ``marker``, ``hypervisors_links``); 2.53 names
hypervisors and their services by uuid, replaces ``/{pattern}/search`` and
``/{pattern}/servers`` with the ``hypervisor_hostname_pattern`` and ``with_servers`` query
parameters (unknown ones refused), and a ``show`` with ``with_servers``; 2.75 shows
``"servers": []`` for a host without any when asked; 2.88 drops the capacity fields
(``vcpus`` ... ``disk_available_least``, ``cpu_info``), ``/statistics`` and ``/{id}/uptime``,
and adds ``uptime`` to the detail views. ``state``/``status`` are the host's nova-compute
service's (`fakecloud.nova.services`); statistics sum the enabled hosts only. A hostname pattern
is SQL ``LIKE '%pattern%'`` (``_`` any one character, case-insensitive). Policies
``os_compute_api:os-hypervisors:list/list-detail/show/statistics/uptime/search/servers``
(admin; one rule ``os_compute_api:os-hypervisors``, ``rule:admin_api``, before 21.0.0).

``uptime`` is ``env LANG=C uptime`` on the host (`compute_nodes.uptime_text`): read live
before 32.0.0 (the ``get_host_uptime`` RPC call to the host, one per hypervisor shown), from
32.0.0 (567dbe1867) the stats the resource tracker last reported (every 60 s); a host whose
nova-compute is down has none before 32.0.0 (400 ``Compute service of X is unavailable at this
time.`` on ``/uptime``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.pagination import whole_param
from fakecloud.nova import compute_nodes, services
from fakecloud.nova.api import schemas, views
from fakecloud.nova.api.services import HOST, bool_from_string
from fakecloud.nova.compute.api import is_uuid_like
from fakecloud.nova.policies import HYPERVISORS

#: ``cpu_info`` as an object.
CPU_INFO_OBJECT = "2.28"
#: Paging (``limit``, ``marker``, links).
PAGED = "2.33"
#: Uuids as ids; search and servers as query parameters.
UUID_IDS = "2.53"
#: ``"servers": []`` when asked and none.
EMPTY_SERVERS = "2.75"
#: Capacity fields, statistics and ``/uptime`` gone; ``uptime`` in the detail views.
TRIMMED = "2.88"
#: The resource tracker reports ``uptime`` in the node's stats (``update_available_resource``).
UPTIME_IN_STATS_SINCE = 32
#: ``update_available_resource``'s period (seconds).
RESOURCES_INTERVAL_S = 60

_CAPACITY = (
    "vcpus",
    "memory_mb",
    "local_gb",
    "vcpus_used",
    "memory_mb_used",
    "local_gb_used",
    "free_ram_mb",
    "free_disk_gb",
    "current_workload",
    "running_vms",
    "disk_available_least",
)
_STATISTICS = (
    "count",
    "current_workload",
    "disk_available_least",
    "free_disk_gb",
    "free_ram_mb",
    "local_gb",
    "local_gb_used",
    "memory_mb",
    "memory_mb_used",
    "running_vms",
    "vcpus",
    "vcpus_used",
)

_LIST_QUERY = {
    "2.1": schemas.query_validator(True),
    PAGED: schemas.query_validator(True, limit="non_negative_integer", marker="string"),
    UUID_IDS: schemas.QueryValidator(
        {
            "type": "object",
            "properties": {
                "limit": schemas.single_param(schemas.non_negative_integer),
                "marker": schemas.single_param({"type": "string"}),
                "hypervisor_hostname_pattern": schemas.single_param(HOST),
                "with_servers": schemas.single_param(schemas.boolean),
            },
            "additionalProperties": False,
        }
    ),
}
_SHOW_QUERY = schemas.QueryValidator(
    {
        "type": "object",
        "properties": {"with_servers": schemas.single_param(schemas.boolean)},
        "additionalProperties": False,
    }
)


def _like(pattern: str) -> re.Pattern[str]:
    """``hypervisor_hostname LIKE '%pattern%'`` (MySQL's case-insensitive collation): ``%`` any
    run of characters, ``_`` any one (the path of ``/{pattern}/search`` takes both)."""
    wild = {"%": ".*", "_": "."}
    body = "".join(wild.get(c) or re.escape(c) for c in pattern)
    return re.compile(f"(?is).*{body}.*")


class HypervisorsController:
    """The compute hosts' hypervisors, for admins."""

    def __init__(self, nova: Any):
        self.nova = nova

    def _authorize(self, req: Request, rule: str) -> None:
        policy = self.nova.policy
        policy.authorize(req.context, HYPERVISORS % rule, None if policy.legacy else {})

    @staticmethod
    def _gone_at(req: Request, version: str) -> None:
        if req.microversion >= version:
            raise HttpError(404, "The resource could not be found.")

    # -- views -------------------------------------------------------------------------------

    def _host_uptime(self, req: Request, host: str) -> Generator[Any, Any, str | None]:
        """``HostAPI.get_host_uptime``: the ``get_host_uptime`` RPC call to the host; None
        (``ComputeServiceUnavailable``) when its nova-compute is not up."""
        row = services.compute_service(self.nova, host)
        if row is None or not row.up:
            return None
        bus = self.nova.kernel.rpc
        return (yield from bus.call(f"compute.{host}", "get_host_uptime", context=req.context))

    def _uptime(self, req: Request, node: Any) -> Generator[Any, Any, str | None]:
        """The detail view's ``uptime`` (2.88): from 32.0.0 the stats of the resource
        tracker's last run; before, a live read (None if the host is down)."""
        nova = self.nova
        if nova.kernel.switches.release.major >= UPTIME_IN_STATS_SINCE:
            now = nova.kernel.now
            return compute_nodes.uptime_text(nova, now - now % RESOURCES_INTERVAL_S)
        return (yield from self._host_uptime(req, node.host))

    def _view(
        self,
        req: Request,
        node: compute_nodes.ComputeNode,
        row: services.Service,
        detail: bool,
        servers: list[Any] | None = None,
        with_servers: bool = False,
        uptime: str | None = None,
    ) -> dict[str, Any]:
        """``_view_hypervisor``."""
        version = req.microversion
        uuids = version >= UUID_IDS
        found: dict[str, Any] = {
            "id": node.uuid if uuids else node.id,
            "hypervisor_hostname": node.hypervisor_hostname,
            "state": "up" if row.up else "down",
            "status": "disabled" if row.disabled else "enabled",
        }
        if detail:
            found["hypervisor_type"] = compute_nodes.HYPERVISOR_TYPE
            found["hypervisor_version"] = compute_nodes.HYPERVISOR_VERSION
            found["host_ip"] = node.host_ip
            found["service"] = {
                "id": row.uuid if uuids else row.id,
                "host": node.host,
                "disabled_reason": row.disabled_reason,
            }
            if version < TRIMMED:
                for name in _CAPACITY:
                    found[name] = getattr(node, name)
                info = compute_nodes.CPU_INFO
                found["cpu_info"] = json.loads(info) if version >= CPU_INFO_OBJECT else info
            else:
                found["uptime"] = uptime
        if servers:
            found["servers"] = [{"name": s.name(), "uuid": s.uuid} for s in servers]
        elif with_servers and version >= EMPTY_SERVERS:
            found["servers"] = []
        return found

    def _servers(self, host: str) -> list[Any]:
        """``InstanceList.get_by_host``."""
        return self.nova.db.instances_on_host(host)

    # -- lists -------------------------------------------------------------------------------

    def _matching(self, pattern: str) -> list[compute_nodes.ComputeNode]:
        """``_get_compute_nodes_by_name_pattern``: 404 when none matches."""
        like = _like(pattern)
        nodes = [
            n
            for n in compute_nodes.compute_node_get_all(self.nova)
            if like.fullmatch(n.hypervisor_hostname)
        ]
        if not nodes:
            raise HttpError(404, f"No hypervisor matching '{pattern}' could be found.")
        return nodes

    def _page(self, limit: int | None, marker: str | None) -> list[compute_nodes.ComputeNode]:
        """``compute_node_get_all(limit, marker)``: nodes after the marker's id, by id."""
        nodes = compute_nodes.compute_node_get_all(self.nova)
        if marker is not None:
            ident: int | str = marker
            if not is_uuid_like(marker):
                try:
                    ident = int(marker)
                except ValueError:
                    ident = -1
            found = compute_nodes.compute_node_get(self.nova, ident)
            if found is None:
                raise HttpError(400, f"marker [{marker}] not found")
            nodes = [n for n in nodes if n.id > found.id]
        # LIMIT 0 is no row (the DB's ``select.limit(limit)``)
        return nodes if limit is None else nodes[:limit]

    def _list(self, req: Request, detail: bool) -> Generator[Any, Any, Response]:
        version = req.microversion
        bucket = UUID_IDS if version >= UUID_IDS else PAGED if version >= PAGED else "2.1"
        _LIST_QUERY[bucket].validate(req.query)
        self._authorize(req, "list-detail" if detail else "list")
        limit = marker = None
        links = version >= PAGED
        if links:
            max_limit = self.nova.config.max_limit
            raw = req.arg("limit")
            limit = min(max_limit, whole_param(raw, "limit")) if raw is not None else max_limit
            marker = req.arg("marker")
        pattern = with_servers = None
        if version >= UUID_IDS:
            pattern = req.arg("hypervisor_hostname_pattern")
            with_servers = bool_from_string(req.arg("with_servers", "false"))
        if pattern is not None:
            if "limit" in req.query or marker:
                raise HttpError(
                    400,
                    "Paging over hypervisors with the hypervisor_hostname_pattern query "
                    "parameter is not supported.",
                )
            links = False
            nodes = self._matching(pattern)
        else:
            nodes = self._page(limit, marker)
        found = []
        for node in nodes:
            row = services.compute_service(self.nova, node.host)
            if row is None:
                continue
            servers = self._servers(node.host) if with_servers else None
            uptime = None
            if detail and version >= TRIMMED:
                uptime = yield from self._uptime(req, node)
            found.append(self._view(req, node, row, detail, servers, bool(with_servers), uptime))
        body: dict[str, Any] = {"hypervisors": found}
        if links:
            collection = "os-hypervisors/detail" if detail else "os-hypervisors"
            next_links = views.collection_links(
                req.link_prefix,
                req.query,
                found,
                collection,
                self.nova.config.max_limit,
                lambda h: h["id"],
            )
            if next_links:
                body["hypervisors_links"] = next_links
        return Response(200, body)

    def index(self, req: Request) -> Generator[Any, Any, Response]:
        """``GET /os-hypervisors``."""
        return self._list(req, detail=False)

    def detail(self, req: Request) -> Generator[Any, Any, Response]:
        """``GET /os-hypervisors/detail``."""
        return self._list(req, detail=True)

    # -- one hypervisor ----------------------------------------------------------------------

    def _node(self, req: Request) -> compute_nodes.ComputeNode:
        """``_validate_id`` + ``compute_node_get``."""
        ident = req.params["id"]
        missing = HttpError(404, f"Hypervisor with ID '{ident}' could not be found.")
        if req.microversion >= UUID_IDS:
            if not is_uuid_like(ident):
                raise HttpError(400, f"Invalid uuid {ident}")
            key: int | str = ident
        else:
            try:
                key = int(ident)
            except ValueError:
                raise missing from None
        node = compute_nodes.compute_node_get(self.nova, key)
        if node is None:
            raise missing
        return node

    def show(self, req: Request) -> Generator[Any, Any, Response]:
        """``GET /os-hypervisors/{id}``: the detail view (+ ``servers`` from 2.53)."""
        with_servers = False
        if req.microversion >= UUID_IDS:
            _SHOW_QUERY.validate(req.query)
            with_servers = bool_from_string(req.arg("with_servers", "false"))
        self._authorize(req, "show")
        node = self._node(req)
        servers = self._servers(node.host) if with_servers else None
        row = services.compute_service(self.nova, node.host)
        uptime = None
        if req.microversion >= TRIMMED:
            uptime = yield from self._uptime(req, node)
        view = self._view(req, node, row, True, servers, with_servers, uptime)
        return Response(200, {"hypervisor": view})

    def uptime(self, req: Request) -> Generator[Any, Any, Response]:
        """``GET /os-hypervisors/{id}/uptime`` (before 2.88)."""
        self._gone_at(req, TRIMMED)
        self._authorize(req, "uptime")
        node = self._node(req)
        row = services.compute_service(self.nova, node.host)
        uptime = yield from self._host_uptime(req, node.host)
        if uptime is None:
            raise HttpError(400, f"Compute service of {node.host} is unavailable at this time.")
        view = self._view(req, node, row, False)
        view["uptime"] = uptime
        return Response(200, {"hypervisor": view})

    def search(self, req: Request) -> Response:
        """``GET /os-hypervisors/{pattern}/search`` (before 2.53)."""
        self._gone_at(req, UUID_IDS)
        self._authorize(req, "search")
        found = []
        for node in self._matching(req.params["id"]):
            found.append(
                self._view(req, node, services.compute_service(self.nova, node.host), False)
            )
        return Response(200, {"hypervisors": found})

    def servers(self, req: Request) -> Response:
        """``GET /os-hypervisors/{pattern}/servers`` (before 2.53)."""
        self._gone_at(req, UUID_IDS)
        self._authorize(req, "servers")
        found = []
        for node in self._matching(req.params["id"]):
            row = services.compute_service(self.nova, node.host)
            found.append(self._view(req, node, row, False, self._servers(node.host)))
        return Response(200, {"hypervisors": found})

    def statistics(self, req: Request) -> Response:
        """``GET /os-hypervisors/statistics`` (before 2.88): sums over the enabled hosts."""
        self._gone_at(req, TRIMMED)
        self._authorize(req, "statistics")
        totals = dict.fromkeys(_STATISTICS, 0)
        for node in compute_nodes.compute_node_get_all(self.nova):
            row = services.compute_service(self.nova, node.host)
            if row is None or row.disabled:
                continue
            totals["count"] += 1
            for name in _STATISTICS[1:]:
                totals[name] += getattr(node, name)
        return Response(200, {"hypervisor_statistics": totals})
