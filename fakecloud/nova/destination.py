"""Where a request asks a server to go: the admin's ``az:host:node`` forced host of a create
(``API.parse_availability_zone``), 2.74's ``host``/``hypervisor_hostname`` and 2.91's unshelve
``host`` (``objects.Destination``), and the checks Nova makes of them before scheduling
(nova 17.0.13/20.6.0/21.2.4/23.2.2/27.5.1/34.0.0 ``compute/api.py``,
``api/openstack/compute/servers.py``, ``scheduler/host_manager.py``, ``scheduler/utils.py``).

A forced host (``force_hosts``/``force_nodes``) skips the scheduler's filters; a requested
destination only narrows the hosts the filters see. A compute node is named by its host
(fakecloud's ``hypervisor_hostname`` is the host's name).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fakecloud.nova import aggregates, exception, services, states
from fakecloud.nova.policies import SERVERS, SHELVE

#: ``resources_from_request_spec`` looks the destination's compute node up and asks placement
#: for that tree alone (3ad82c696f, 20.0.0): an unknown host is its NoValidHost reason.
IN_TREE_SINCE = (20, 0, 0)
#: ``_validate_host_availability_zone`` (8f21ee42bd, 24.0.0; backport 58782403cd, 23.1.0).
HOST_ZONE_CHECK_SINCE = (23, 1, 0)


@dataclass(frozen=True)
class Destination:
    """A host and/or node a server is sent to; `forced`: ``force_hosts``/``force_nodes``."""

    host: str | None = None
    node: str | None = None
    forced: bool = False

    def matches(self, name: str) -> bool:
        """Whether the compute host `name` is this destination (``_match_forced_hosts``
        compares host names lower-cased; ``_get_hosts_matching_request`` and the nodes as
        given)."""
        if self.host:
            if self.forced and self.host.lower() != name.lower():
                return False
            if not self.forced and self.host != name:
                return False
        return not self.node or self.node == name

    def no_such_host(self) -> str:
        """``NoValidHost``'s reason when no compute node is this one (20.0.0+)."""
        return f"No such host - host: {self.host} node: {self.node} "


def parse_availability_zone(zone: str | None) -> tuple[str | None, str | None, str | None]:
    """``API.parse_availability_zone``: ``az``, ``az:host``, ``az::node``, ``az:host:node``
    -> (zone, forced host, forced node); an empty zone is ``default_schedule_zone`` (None).
    More colons: `InvalidInput` 'Unable to parse availability_zone' (400)."""
    host = node = None
    if zone and ":" in zone:
        colons = zone.count(":")
        if colons == 1:
            zone, host = zone.split(":")
        elif colons == 2:
            if "::" in zone:
                zone, node = zone.split("::")
            else:
                zone, host, node = zone.split(":")
        else:
            raise exception.InvalidInput(reason="Unable to parse availability_zone")
    return zone or None, host, node


def host_zone_for_forced(nova: Any, zone: str | None, host: str | None) -> str | None:
    """``_validate_host_availability_zone`` (23.1.0+): the zone a create forcing `host` keeps
    in its request spec: the one asked for if the host is in it (the default zone for a host
    in no zoned aggregate), else None (LP #1934770)."""
    if nova.kernel.switches.release.version < HOST_ZONE_CHECK_SINCE:
        return zone
    default = nova.config.availability_zone
    zones = aggregates.host_zones(nova, host) if host else []
    if zone is not None and (zone in zones or (zone == default and not zones)):
        return zone
    return None


def compute_node_exists(nova: Any, host: str | None, node: str | None) -> bool:
    """``_validate_host_or_node`` / ``ComputeNode.get_first_node_by_host_for_old_compat``:
    whether a (not deleted) compute node has this host and/or node name. A host is looked up
    in the databases (case-insensitively under MySQL: `services.compute_host_named`); a node
    alone by placement's provider name, as given."""
    if not host:
        return bool(node) and services.compute_service(nova, node) is not None
    found = services.compute_host_named(nova, host)
    return found is not None and (not node or node.lower() == found.lower())


#: 2.91's unshelve to a host (a263fa46f8/09239fc2ea, 26.0.0): a null zone unpins, and the
#: state check also guards a host.
UNSHELVE_HOST_SINCE = (26, 0, 0)
#: ``API.unshelve``'s ``_sentinel``: no zone in the request (a null one unpins from 26.0.0).
UNSET = object()


def unshelve_destination(
    nova: Any, context: Any, instance: Any, new_az: Any = UNSET, host: str | None = None
) -> Destination | None:
    """``API.unshelve``'s checks of 2.77's ``availability_zone`` and 2.91's ``host`` (after
    the lock and state checks), then the request spec's new zone (`NovaDB.pin_zone`); the
    destination the scheduler must take (2.91's host), or None.

    The server must be offloaded (`UnshelveInstanceInvalidState`, 409), a zone one of the
    enabled services' (`InvalidRequest`, 400), a host the admin's (policy
    ``os_compute_api:os-shelve:unshelve_to_host``), a compute node's (`ComputeHostNotFound`,
    400) and in the zone the server will have (`UnshelveHostNotInAZ`, 409). Before 26.0.0 only
    a zone, and only a non-empty one, is looked at."""
    since = nova.kernel.switches.release.version >= UNSHELVE_HOST_SINCE
    passed = new_az is not UNSET
    if not (host or (new_az if not since else passed)):
        return None
    if instance.vm_state != states.SHELVED_OFFLOADED:
        fields = {"instance_uuid": instance.uuid, "state": instance.vm_state}
        old = None if since else exception.UnshelveInstanceInvalidState.OLD_MSG % fields
        raise exception.UnshelveInstanceInvalidState(old, **fields)
    if passed and new_az and new_az not in services.available_zones(nova):
        raise exception.InvalidRequest("The requested availability zone is not available")
    zone = new_az if passed else (nova.db.pinned_zones or {}).get(instance.uuid)
    destination = None
    if host:
        target = {"user_id": instance.user_id, "project_id": instance.project_id}
        nova.policy.authorize(context, SHELVE % "unshelve_to_host", target)
        if not compute_node_exists(nova, host, None):
            raise exception.ComputeHostNotFound(host=host)
        found = services.compute_host_named(nova, host)
        if zone is not None and aggregates.host_zone(nova, found) != zone:
            raise exception.UnshelveHostNotInAZ(host=host, availability_zone=zone)
        destination = Destination(host=host)
    nova.db.pin_zone(instance.uuid, zone)
    return destination


#: ``compute:servers:create:requested_destination`` (2.74, 20.0.0).
REQUESTED_DESTINATION = "compute:servers:create:requested_destination"


def for_create(
    nova: Any, context: Any, server: dict[str, Any], microversion: Any, target: dict[str, Any]
) -> tuple[str | None, Destination | None, str | None]:
    """``ServersController.create``'s handling of where a new server goes: the zone it keeps
    (its request spec's), the destination, if any, and the forced host as parsed.

    ``az:host:node`` needs policy ``os_compute_api:servers:create:forced_host`` (the admin's)
    and skips the zone check; from 23.1.0 the zone kept is the host's (`host_zone_for_forced`).
    From 2.74 ``host``/``hypervisor_hostname`` need ``compute:servers:create:requested_destination``
    and exclude a forced host (`InvalidInput`, 400)."""
    asked = server.get("availability_zone")
    if not asked and "host" not in server and "hypervisor_hostname" not in server:
        return None, None, None
    zone, host, node = parse_availability_zone(asked)
    destination = None
    if host or node:
        nova.policy.authorize(context, SERVERS % "create:forced_host", target)
        zone = host_zone_for_forced(nova, zone, host)
        destination = Destination(host or None, node or None, forced=True)
    if microversion >= "2.74":
        wanted = server.get("host") or None, server.get("hypervisor_hostname") or None
        if wanted != (None, None):
            nova.policy.authorize(context, REQUESTED_DESTINATION, target)
            if destination is not None:
                raise exception.InvalidInput(
                    "One mechanism with host and/or hypervisor_hostname and another mechanism "
                    "with zone:host:node are mutually exclusive."
                )
            destination = Destination(*wanted)
    return zone, destination, host


def check_zone(nova: Any, zone: str | None, forced_host: str | None) -> None:
    """``API.create``: a zone asked for without a forced host (``az:`` counts as one, an empty
    one) must be one of the enabled services' (`InvalidRequest`, 400)."""
    if zone and forced_host is None and zone not in services.available_zones(nova):
        raise exception.InvalidRequest("The requested availability zone is not available")
