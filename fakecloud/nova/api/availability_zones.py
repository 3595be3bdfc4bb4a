"""``GET /os-availability-zone[/detail]`` (``nova/api/openstack/compute/availability_zone.py``,
17.0.13-34.0.0): ``openstack availability zone list --compute``, openstacksdk's
``compute.availability_zones()``, novaclient's ``availability_zones.list(detailed=False)``.

``availability_zones.get_availability_zones``: the zones of the enabled services, the internal
one (nova-conductor's, nova-scheduler's) left out; every compute host is enabled and in the
cloud's zone (``[DEFAULT] default_availability_zone``, config ``nova.availability_zone``; no
aggregates), and whether a service is up does not count here, so the list is that zone,
available, or empty without compute hosts. Policy ``os_compute_api:os-availability-zone:list``:
any caller from 21.0.0 (``@``, b8c2de86ed, LP #1862484), ``rule:admin_or_owner`` before (any
project-scoped caller: the target is the caller's own project).

``detail`` (``_describe_availability_zones_verbose``, the admin's: ``rule:context_is_admin``,
``rule:admin_api`` before 21.0.0; ``openstack availability zone list`` asks it first and falls
back to the list on a 403) adds each zone's hosts and their services: the internal zone
(``[DEFAULT] internal_service_availability_zone``) with nova-conductor and nova-scheduler on the
control node (config ``nova.api_host``: fakecloud runs them there), the cloud's zone with each
compute host's nova-compute, ``available`` whether it is up (``service_is_up``), ``active``
true (no service is disabled here). Not modelled: service heartbeats (``updated_at`` is null,
as for a service that never reported). Unknown query parameters are refused from 2.102.
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.nova.api import schemas
from fakecloud.nova.policies import AVAILABILITY_ZONE

#: ``index_query_v2102``/``detail_query_v2102``.
STRICT_QUERY = "2.102"
#: ``[DEFAULT] internal_service_availability_zone``.
INTERNAL_ZONE = "internal"
#: The services of the internal zone, on the control node (``binary`` order as Nova's
#: ``service_get_all`` returns them: by id, the order a deployment starts them in).
CONTROL_SERVICES = ("nova-conductor", "nova-scheduler")


class AvailabilityZoneController:
    """The zones a server can be asked into."""

    def __init__(self, nova: Any):
        self.nova = nova

    def _authorize(self, req: Request, rule: str) -> None:
        schemas.query_validator(req.microversion < STRICT_QUERY).validate(req.query)
        policy = self.nova.policy
        # 4892607740 (21.0.0) passes an empty target; before, the caller's own project.
        policy.authorize(req.context, AVAILABILITY_ZONE % rule, None if policy.legacy else {})

    def index(self, req: Request) -> Response:
        """``{"availabilityZoneInfo": [{"zoneName", "zoneState", "hosts": null}]}``."""
        self._authorize(req, "list")
        zones = []
        if self.nova.hosts:
            zone = self.nova.config.availability_zone
            zones.append({"zoneName": zone, "zoneState": {"available": True}, "hosts": None})
        return Response(200, {"availabilityZoneInfo": zones})

    def detail(self, req: Request) -> Response:
        """Every zone with ``hosts``: ``{host: {binary: {available, active, updated_at}}}``."""
        self._authorize(req, "detail")
        nova = self.nova
        is_up = nova.kernel.rpc.is_up

        def service(up: bool) -> dict[str, Any]:
            return {"available": up, "active": True, "updated_at": None}

        control = {binary: service(True) for binary in CONTROL_SERVICES}
        zones = {INTERNAL_ZONE: {nova.config.api_host: control}}
        if nova.hosts:
            zones[nova.config.availability_zone] = {
                host: {"nova-compute": service(is_up(f"compute.{host}"))} for host in nova.hosts
            }
        info = [
            {"zoneName": name, "zoneState": {"available": True}, "hosts": zones[name]}
            for name in sorted(zones)
        ]
        return Response(200, {"availabilityZoneInfo": info})
