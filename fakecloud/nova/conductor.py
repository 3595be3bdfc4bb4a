"""nova-conductor and the scheduler, distilled: pick a host, then hand the server to it.

`schedule_and_build_instances` is what happens between ``POST /servers`` answering 202 and the
compute host starting the build; `unshelve_instance` decides between powering a shelved server
on where it is and spawning an offloaded one on a newly scheduled host (`scheduler`).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.nova import aggregates, exception, scheduler, server_groups, states
from fakecloud.nova.compute.utils import EventReporter
from fakecloud.nova.conductor_migrate import CONDUCTOR_HOST
from fakecloud.nova.destination import Destination
from fakecloud.nova.numa_constraints import REALTIME_TOPOLOGY_SINCE
from fakecloud.profiles.provenance import Backport, Change

ACTOR = "nova-conductor"
CREATE = "create"
#: The failed event a server the scheduler found no host for is buried with.
BURY_EVENT = "conductor_schedule_and_build_instances"
#: ``_bury_in_cell0`` records a ``create`` action with a failed `BURY_EVENT`
#: (``_create_instance_action_for_cell0``); before, a server buried in cell0 has no action.
#: ``schedule_and_build_instances`` destroys the instance mapping of a build whose request
#: nova-api deleted before it was scheduled; before, the mapping stays, naming no cell.
MAPPING_DROPPED = Change(
    "20.0.0", "1ff029c1c3", "Delete InstanceMapping in conductor if BuildRequest is already deleted"
)
BURIED_CREATE_ACTION = Change(
    "21.0.0",
    "f2608c9117",
    "Create instance action when burying in cell0",
    backports=(Backport("19.3.0", "7ff71e6b87"), Backport("20.2.0", "6484d9ff5b")),
)
#: The fault points a build consults on its host (`reschedule.spawn_failed`,
#: `reschedule.claim_failed`).
_SPAWN = "nova.libvirt.spawn"
_CLAIM = "nova.compute.instance_claim"


def _may_fail_on_host(kernel: Any, instance: Any) -> bool:
    """Whether the build may fail on its host by its spawn or claim: either fault point armed,
    or before 19.0.0 a realtime flavor, whose mask the libvirt driver reads first."""
    if _SPAWN in kernel.faults.hot or _CLAIM in kernel.faults.hot:
        return True
    specs = instance.flavor.extra_specs
    if specs and "hw:cpu_realtime" in specs:
        return kernel.switches.release.version < REALTIME_TOPOLOGY_SINCE
    return False


class Conductor:
    """Scheduling and the conductor's part of builds and unshelves."""

    def __init__(self, nova: Any):
        self.nova = nova
        self.kernel = nova.kernel
        self.db = nova.db

    def schedule_and_build_instances(
        self,
        context: Any,
        instance: Any,
        image: dict[str, Any] | None,
        destination: Destination | None = None,
    ) -> Generator[Any, Any, None]:
        """Schedule the new server (into its zone; to `destination`, a forced or requested
        host, if any), allocate it there, cast ``build_and_run_instance``."""
        yield self.kernel.env.timeout(self.kernel.config.rpc.delay_s)
        try:
            instance = self.db.instance_get(instance.uuid, ACTOR)
        except exception.InstanceNotFound:
            # Deleted before it was scheduled: nova-api deleted its build request, and real
            # Nova's conductor, its scheduling done, finds it gone before it creates the
            # instance in a cell and drops the allocation (the mapping too from 20.0.0,
            # 1ff029c1c3), with no notification (nova 17.0.0-34.0.0
            # ``schedule_and_build_instances``; its ``_delete_build_request`` notifies a
            # delete only for an instance it created first, a delete landing between the
            # two, which this conductor's placement, done in one step, leaves no room for).
            if MAPPING_DROPPED.reaches(self.kernel.switches.release):
                self.db.drop_mapping(instance.uuid)
            return
        try:
            host = scheduler.select_host(
                self.nova,
                instance.availability_zone,
                instance.uuid,
                destination,
                flavor=instance.flavor,
            )
        except exception.NoValidHost as exc:
            self._bury_in_cell0(context, instance, exc)
            return
        more: dict[str, Any] = {}
        if (
            self.nova.server_groups is not None
            or self.nova.scheduler_hints.get(instance.uuid)
            or _may_fail_on_host(self.kernel, instance)
        ) and not _forced(destination):
            more = self._retry_info(instance, host, destination)
        if not self._place(instance, host):
            return  # deleted while scheduling
        # ``InstanceAction.action_start`` in the conductor, once the instance is in its cell
        # (nova 17.0.13-34.0.0 ``schedule_and_build_instances``): until then the server's
        # instance actions are none, and the action starts at the conductor's time.
        self.db.action_start(context, instance.uuid, CREATE)
        self._create_tags(instance)
        self.nova.compute_rpcapi.build_and_run_instance(
            context, instance, host, image=image, **more
        )

    def _bury_in_cell0(self, context: Any, instance: Any, exc: BaseException) -> None:
        """``_bury_in_cell0``: the server the scheduler found no host for is created in cell0
        (nova 17.0.13-34.0.0 conductor/manager.py): from 21.0.0 (and 19.3.0, 20.2.0:
        `BURIED_CREATE_ACTION`) with a ``create`` action whose `BURY_EVENT` failed with the
        scheduler's error; then ``_set_vm_state_and_notify``: ERROR, a fault and the
        ``compute_task.build_instances`` error notifications."""
        self.db.bury_in_cell0(instance.uuid)
        if BURIED_CREATE_ACTION.reaches(self.kernel.switches.release):
            self.db.action_start(context, instance.uuid, CREATE)
            EventReporter(self.db, context, instance.uuid, BURY_EVENT, CONDUCTOR_HOST).finish(exc)
        self._create_tags(instance)
        self.db.fault_create(instance.uuid, exc, ACTOR, "")
        instance.set_error_state()
        self.nova.notifier.compute_task_error(CONDUCTOR_HOST, "build_instances", instance, exc)

    def _create_tags(self, instance: Any) -> None:
        """``_create_tags``: the build request's tags stored in the server's cell
        (``TagList.create``: ``instance_tag_set``), which reads them back once each, in its
        table's order."""
        if instance.tags:
            self.db.instance_set_fixed(instance, tags=sorted(set(instance.tags)))

    def _place(self, instance: Any, host: str) -> bool:
        """A build placed on `host`: the host's zone written, if the server is still
        scheduling, and the scheduler's allocation there (`NovaDB.allocation_create`); False
        when it was deleted meanwhile. The host and node are not written: the compute's claim
        writes them (``instance_claim``; nova 17.0.13-34.0.0 conductor/manager.py
        ``schedule_and_build_instances`` and ``build_instances`` set only
        ``availability_zone``), so until then the server shows no host."""
        instance.availability_zone = aggregates.host_zone(self.nova, host)
        # Nova's conductor writes the zone in the row's INSERT (``instance.create()``), which
        # leaves ``updated_at`` NULL: written back as read, it is not stamped here.
        instance.updated_at = instance.updated_at
        try:
            instance.save(expected_task_state=states.SCHEDULING, notify=False)
        except (exception.InstanceNotFound, exception.UnexpectedTaskStateError):
            return False
        if self.db.notify_update is not None:
            # ``send_update_with_states(..., None, BUILDING, None, None, service="conductor")``
            # for the create (nova 17.0.0-34.0.0 ``schedule_and_build_instances``)
            self.db.notify_update(ACTOR, instance, None, None, None, service="conductor")
        self.db.allocation_create(instance.uuid, host)
        return True

    def _retry_info(
        self, instance: Any, host: str, destination: Destination | None
    ) -> dict[str, Any]:
        """The alternates and ``filter_properties['retry']`` a build carries to its host
        (``populate_retry``, ``_add_retry_host``), for a member of a group with a hard policy
        (or, before 26.0.0, of a group deleted since the boot), and every build while the
        ``nova.libvirt.spawn`` or ``nova.compute.instance_claim`` fault point is armed, and
        before 19.0.0 every build of a realtime flavor (the driver reads its mask first,
        `numa_constraints.spawn_realtime_mask`): the only builds here that can fail on their host
        (`reschedule.late_group_check`, `reschedule.spawn_failed`,
        `reschedule.claim_failed`); every other build would carry them too and never use them."""
        group = server_groups.group_of(self.nova, instance.uuid)
        spawn = _may_fail_on_host(self.kernel, instance)
        if group is None:
            if not spawn and server_groups.lost_group(self.nova, instance.uuid) is None:
                return {}
        elif group.policy not in server_groups.HARD_POLICIES and not spawn:
            return {}
        if self.nova.config.scheduler_max_attempts == 1:
            return {}  # ``populate_retry``: re-scheduling is disabled
        alternates = scheduler.alternates(
            self.nova,
            instance.availability_zone,
            instance.uuid,
            destination,
            host,
            group,
            flavor=instance.flavor,
        )
        return {"host_list": alternates, "retry": {"num_attempts": 1, "hosts": [host]}}

    def build_instances(
        self,
        context: Any,
        instance: Any,
        image: dict[str, Any] | None,
        host_list: list[str],
        retry: dict[str, Any],
    ) -> Generator[Any, Any, None]:
        """A reschedule (``ComputeTaskManager.build_instances`` with ``host_lists``, nova
        17.0.13-34.0.0): ``populate_retry`` counts the attempt (past ``max_attempts``:
        'Exceeded max scheduling attempts N for instance X. Last exception: ...'); no
        alternate left: 'Exhausted all hosts available for retrying build failures for
        instance X.'; either is a ``MaxRetriesExceeded`` fault and ERROR
        (``_cleanup_when_reschedule_fails``). Otherwise the next alternate is claimed (every
        host has room here), an attachment the failed host deleted made again
        (``_validate_existing_attachment_ids``) and the build cast to it."""
        yield self.kernel.env.timeout(self.kernel.config.rpc.delay_s)
        uuid = instance.uuid
        try:
            instance = self.db.instance_get(uuid, ACTOR)
        except exception.InstanceNotFound:
            return
        retry["num_attempts"] += 1
        last = retry.pop("exc_reason", None)
        most = self.nova.config.scheduler_max_attempts
        if retry["num_attempts"] > most:
            reason = (
                f"Exceeded max scheduling attempts {most} for instance {uuid}. "
                f"Last exception: {last}"
            )
        elif not host_list:
            reason = (
                f"Exhausted all hosts available for retrying build failures for instance {uuid}."
            )
        else:
            reason = None
        if reason is not None:
            # Nova raises it in build_instances' try and stores the fault from the except
            # (add_instance_fault_from_exc with sys.exc_info()): admins see the traceback.
            # Imported here, on this rare branch: a module-level import shifts import order.
            from fakecloud.nova.compute.utils import format_traceback

            try:
                raise exception.MaxRetriesExceeded(reason=reason)
            except exception.MaxRetriesExceeded as exc:
                failure = exc
            self.db.fault_create(uuid, failure, ACTOR, format_traceback(failure))
            self.db.network_deallocate(uuid)
            instance.set_error_state()
            # ``_cleanup_when_reschedule_fails``' ``_set_vm_state_and_notify``
            self.nova.notifier.compute_task_error(
                CONDUCTOR_HOST, "build_instances", instance, failure
            )
            return
        host = host_list.pop(0)
        retry["hosts"].append(host)
        if not self._place(instance, host):
            return  # deleted meanwhile
        yield from self._validate_existing_attachment_ids(context, instance)
        self.nova.compute_rpcapi.build_and_run_instance(
            context, instance, host, image=image, host_list=host_list, retry=retry
        )

    def unshelve_instance(
        self, context: Any, instance: Any, destination: Destination | None = None
    ) -> Generator[Any, Any, None]:
        """A shelved server is powered on where it is; an offloaded one is scheduled again
        (into its request spec's zone; to `destination`, 2.91's host, if any) and spawned from
        its shelved image (none for a volume-backed server). No valid host: the server stays
        offloaded, with no fault (17.0.13-34.0.0 ``unshelve_instance`` only logs it)."""
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
            event = EventReporter(self.db, context, instance.uuid, "get_image_info", CONDUCTOR_HOST)
            try:
                image = yield from self.nova.image_api.get(context, image_id)
            except exception.ImageNotFound as exc:
                # 17.0.0-34.0.0 conductor/manager.py unshelve_instance: ERROR (the task state
                # left unshelving), a fault in the conductor's words, the event in Error.
                instance.vm_state = states.ERROR
                instance.save()
                reason = f"Unshelve attempted but the image {image_id} cannot be found."
                self.db.fault_create(instance.uuid, exc, ACTOR, "", message=reason)
                event.finish(exception.UnshelveException(instance_id=instance.uuid, reason=reason))
                return
            event.finish()
        event = EventReporter(self.db, context, instance.uuid, "schedule_instances", CONDUCTOR_HOST)
        try:
            # the request spec's zone (the create's, or a pin)
            zone = (self.db.pinned_zones or {}).get(instance.uuid)
            host = scheduler.select_host(
                self.nova, zone, instance.uuid, destination, room=instance.flavor
            )
        except exception.NoValidHost as exc:
            event.finish(exc)
            instance.task_state = None
            instance.save()
            return
        # The host's zone, not the host, and not saved here: nova 17.0.13-34.0.0 conductor
        # ``unshelve_instance`` sets ``availability_zone`` on the object it casts, and the
        # compute's first save (``spawning``) writes it; its claim writes host and node
        # (``rt.instance_claim``). Until then a GET shows the server's old zone (none once
        # offloaded, from 19.0.0) and no host; the scheduler's allocation holds the host.
        instance.availability_zone = aggregates.host_zone(self.nova, host)
        row = self.db.instance_row(instance.uuid)
        if row is None or row.deleted:
            # deleted while the image was read (an offloaded server's delete is the API's
            # own): placement's allocation would outlive it, so none is made
            event.finish(exception.InstanceNotFound(instance_id=instance.uuid))
            return
        self.db.allocation_create(instance.uuid, host)
        self.nova.compute_rpcapi.unshelve_instance(context, instance, host, image)
        event.finish()

    def _validate_existing_attachment_ids(
        self, context: Any, instance: Any
    ) -> Generator[Any, Any, None]:
        """A reschedule's volumes: an attachment the failed host deleted (a failed spawn's
        ``_shutdown_instance``) is made again, reserving the volume for the next host."""
        volume_api = self.nova.volume_api
        for bdm in self.db.bdms_by_instance(instance.uuid):
            if bdm.is_volume and bdm.volume_id and bdm.attachment_id:
                try:
                    yield from volume_api.attachment_get(context, bdm.attachment_id)
                except exception.VolumeAttachmentNotFound:
                    bdm.attachment_id = yield from volume_api.attachment_create(
                        context, bdm.volume_id, instance.uuid, id_only=True
                    )


def _forced(destination: Destination | None) -> bool:
    """``populate_retry`` leaves retries off for one forced host or node."""
    return (
        destination is not None
        and destination.forced
        and bool(destination.host or destination.node)
    )
