"""``GET /os-availability-zone[/detail]`` (``nova/api/openstack/compute/availability_zone.py``,
17.0.13-34.0.0): ``openstack availability zone list --compute``, openstacksdk's
``compute.availability_zones()``, novaclient's ``availability_zones.list(detailed=False)``.

``availability_zones.get_availability_zones``: the zones of the enabled services available, those
with only disabled ones not (``"available": false``, after the available ones), the internal
zone (nova-conductor's, nova-scheduler's) left out; every compute host is in the cloud's zone
(``[DEFAULT] default_availability_zone``, config ``nova.availability_zone``; no aggregates),
and whether a service is up does not count here, so the list is that zone, or empty without
compute hosts. Policy ``os_compute_api:os-availability-zone:list``: any caller from 21.0.0
(``@``, b8c2de86ed, LP #1862484), ``rule:admin_or_owner`` before (any project-scoped caller: the
target is the caller's own project).

``detail`` (``_describe_availability_zones_verbose``, the admin's: ``rule:context_is_admin``,
``rule:admin_api`` before 21.0.0; ``openstack availability zone list`` asks it first and falls
back to the list on a 403) adds each available zone's hosts and their enabled services
(`fakecloud.nova.services`): the internal zone (``[DEFAULT] internal_service_availability_zone``)
with nova-conductor and nova-scheduler on the control node (config ``nova.api_host``), the
cloud's zone with each compute host's nova-compute, ``available`` whether it is up
(``service_is_up``), ``active`` true (a disabled service is not listed), ``updated_at`` its
last heartbeat or change. Unknown query parameters are refused from 2.102.
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.nova import services
from fakecloud.nova.api import schemas, views
from fakecloud.nova.policies import AVAILABILITY_ZONE

#: ``index_query_v2102``/``detail_query_v2102``.
STRICT_QUERY = "2.102"


#: ``get_availability_zones`` sorts the zones (14fed95f61); before, they come in service order.
SORTED_ZONES_SINCE = 21


class AvailabilityZoneController:
    """The zones a server can be asked into."""

    def __init__(self, nova: Any):
        self.nova = nova

    def _authorize(self, req: Request, rule: str) -> None:
        schemas.query_validator(req.microversion < STRICT_QUERY).validate(req.query)
        policy = self.nova.policy
        # 4892607740 (21.0.0) passes an empty target; before, the caller's own project.
        policy.authorize(req.context, AVAILABILITY_ZONE % rule, None if policy.legacy else {})

    def _zones(self) -> tuple[list[services.Service], list[str], list[str]]:
        """``get_availability_zones``: the services, the available and the other zones."""
        rows = services.service_get_all(self.nova)
        # services in id order: before 21.0.0 the zones come in the order first seen there
        available = list(dict.fromkeys(r.zone for r in rows if not r.disabled))
        others = [
            z for z in dict.fromkeys(r.zone for r in rows if r.disabled) if z not in available
        ]
        if self.nova.kernel.switches.release.major >= SORTED_ZONES_SINCE:
            available.sort()
            others.sort()
        return rows, available, others

    def index(self, req: Request) -> Response:
        """``{"availabilityZoneInfo": [{"zoneName", "zoneState", "hosts": null}]}``."""
        self._authorize(req, "list")
        _, available, others = self._zones()
        zones = [
            {"zoneName": zone, "zoneState": {"available": up}, "hosts": None}
            for names, up in ((available, True), (others, False))
            for zone in names
            if zone != services.INTERNAL_ZONE
        ]
        return Response(200, {"availabilityZoneInfo": zones})

    def detail(self, req: Request) -> Response:
        """Every zone with ``hosts``: ``{host: {binary: {available, active, updated_at}}}``."""
        self._authorize(req, "detail")
        rows, available, others = self._zones()
        fmt = views.Formatter(self.nova.kernel)
        hosts: dict[str, dict[str, dict[str, Any]]] = {}
        for row in rows:
            if not row.disabled:
                hosts.setdefault(row.zone, {}).setdefault(row.host, {})[row.binary] = {
                    "available": row.up,
                    "active": True,
                    "updated_at": fmt.stored_perfect(row.updated_at),
                }
        info = [
            {"zoneName": zone, "zoneState": {"available": True}, "hosts": hosts.get(zone, {})}
            for zone in available
        ]
        info += [
            {"zoneName": zone, "zoneState": {"available": False}, "hosts": None} for zone in others
        ]
        return Response(200, {"availabilityZoneInfo": info})
