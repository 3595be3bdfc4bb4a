"""nova-conductor and the scheduler, distilled: pick a host, then hand the server to it.

`schedule_and_build_instances` is what happens between ``POST /servers`` answering 202 and the
compute host starting the build; `unshelve_instance` decides between powering a shelved server
on where it is and spawning an offloaded one on a newly scheduled host. The scheduler picks the
enabled, up host with the fewest servers (ties by name), so runs are deterministic.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.nova import aggregates, exception, server_groups, states
from fakecloud.nova.services import compute_filter

ACTOR = "nova-conductor"


class Conductor:
    """Scheduling and the conductor's part of builds and unshelves."""

    def __init__(self, nova: Any):
        self.nova = nova
        self.kernel = nova.kernel
        self.db = nova.db

    def select_host(self, zone: str | None = None, instance_uuid: str | None = None) -> str:
        """The compute host passing ``ComputeFilter`` (nova-compute enabled and up) and, for a
        server asked into `zone`, the zone filter (`aggregates.zone_filter`) with the fewest
        live servers (`NoValidHost` if none passes); for a member of a server group, the host
        its group's policy allows among those (`server_groups.pick_host`)."""
        usable = compute_filter(self.nova)
        in_zone = aggregates.zone_filter(self.nova, zone)
        if in_zone is not None:
            up = usable
            usable = lambda name: in_zone(name) and up(name)  # noqa: E731
        group = None
        if instance_uuid is not None and self.nova.server_groups is not None:
            group = server_groups.group_of(self.nova, instance_uuid)
        reason = ""
        if group is None:
            host = self.db.least_loaded(self.nova.hosts, usable)
        else:
            host = server_groups.pick_host(self.nova, group, instance_uuid, usable)
            if host is None and any(usable(name) for name in self.nova.hosts):
                # The group's filter left too few of the hosts the rest passed: the
                # scheduler's ``_ensure_sufficient_hosts`` reason.
                reason = server_groups.NOT_ENOUGH_HOSTS
        if host is None:
            raise exception.NoValidHost(reason=reason)
        return host

    def schedule_and_build_instances(
        self, context: Any, instance: Any, image: dict[str, Any] | None
    ) -> Generator[Any, Any, None]:
        """Schedule the new server, write its host, cast ``build_and_run_instance``."""
        yield self.kernel.env.timeout(self.kernel.config.rpc.delay_s)
        try:
            instance = self.db.instance_get(instance.uuid, ACTOR)
        except exception.InstanceNotFound:
            # Deleted before it was scheduled (the API deletes a server with no host itself;
            # real Nova finds its build request gone and stops here).
            return
        try:
            # ``_handle_availability_zone``: the zone part of ``az:host[:node]``
            zone = (instance.availability_zone or "").partition(":")[0] or None
            host = self.select_host(zone, instance.uuid)
        except exception.NoValidHost as exc:
            self.db.fault_create(instance.uuid, exc, ACTOR, "")
            instance.vm_state = states.ERROR
            instance.task_state = None
            try:
                instance.save()
            except exception.InstanceNotFound:
                pass
            return
        instance.host = host
        instance.node = host
        instance.availability_zone = aggregates.host_zone(self.nova, host)
        try:
            instance.save(expected_task_state=states.SCHEDULING)
        except (exception.InstanceNotFound, exception.UnexpectedTaskStateError):
            return  # deleted while scheduling
        self.nova.compute_rpcapi.build_and_run_instance(context, instance, host, image=image)

    def unshelve_instance(self, context: Any, instance: Any) -> Generator[Any, Any, None]:
        """A shelved server is powered on where it is; an offloaded one is scheduled again
        and spawned from its shelved image (none for a volume-backed server)."""
        yield self.kernel.env.timeout(self.kernel.config.rpc.delay_s)
        try:
            instance = self.db.instance_get(instance.uuid, ACTOR)
        except exception.InstanceNotFound:
            return  # deleted before the conductor got the unshelve
        if instance.vm_state == states.SHELVED:
            instance.task_state = states.POWERING_ON
            instance.save(expected_task_state=states.UNSHELVING)
            self.nova.compute_rpcapi.start_instance(context, instance)
            return
        image = None
        image_id = instance.system_metadata.get("shelved_image_id")
        if image_id:
            try:
                image = yield from self.nova.image_api.get(context, image_id)
            except exception.ImageNotFound:
                image = None
        try:
            # the request spec's zone (the create's, or a pin)
            zone = (self.db.pinned_zones or {}).get(instance.uuid)
            host = self.select_host(zone, instance.uuid)
        except exception.NoValidHost as exc:
            self.db.fault_create(instance.uuid, exc, ACTOR, "")
            instance.task_state = None
            instance.save()
            return
        instance.host = host
        instance.node = host
        if self.db.aggregates is not None:  # every host is in the default zone otherwise
            instance.availability_zone = aggregates.host_zone(self.nova, host)
        instance.save(expected_task_state=states.UNSHELVING)
        self.nova.compute_rpcapi.unshelve_instance(context, instance, host, image)
