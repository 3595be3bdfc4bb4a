"""The compute API's and the conductor's part of an evacuation (``compute/api.py``
``API.evacuate``, ``conductor/manager.py`` ``ComputeTaskManager.rebuild_instance``; nova
17.0.13, 20.6.0, 23.2.2, 25.2.1, 28.0.0, 29.2.0, 34.0.0).

The API, after ``check_instance_state`` (active, stopped or error; no lock check): the
server's compute must be down (``ComputeServiceInUse``), then task_state ``rebuilding``, the
``evacuate`` action, a migration of type ``evacuation`` in status ``accepted`` (the
destination named if one was), legacy ``compute.instance.evacuate`` and versioned
``instance.evacuate``, and a cast to the conductor. Before db919aa15f (26.0.0; backports
25.1.0, 24.2.0, 23.2.2) the task_state must be none as for any action; from it any task_state
is taken over (the compute that held it is down).

A named host not forced (2.29+ ``force`` false) is a requested destination the scheduler
checks; a forced one (before 2.29 every named host) skips the scheduler. The conductor
(event ``conductor_rebuild_server``) otherwise schedules the server anywhere but its host; no
host: the migration ``error``, a fault of the scheduler's reason, the server ``error``. A forced
host is still claimed in placement (``_allocate_for_evacuate_dest_host``): no room there is
`NoValidHost` ('There is not enough capacity on the host'), the server keeping its vm_state
with no task and a fault, the migration ``error`` from 19.0.0 (fd351903a1; ``accepted``
before). Then
legacy ``compute.instance.rebuild.scheduled`` (versioned ``instance.rebuild_scheduled`` from
18.0.0, ab2279eb09), the server's zone the destination's, and ``rebuild_instance`` cast to
the destination with ``recreate`` (`fakecloud.nova.compute.evacuate_manager`).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.nova import aggregates, destination, exception, inventories, scheduler, states
from fakecloud.nova.compute.resize_api import _service_is_up
from fakecloud.nova.compute.utils import EventReporter
from fakecloud.nova.objects import Migration
from fakecloud.profiles.provenance import Backport, Change

EVACUATE = "evacuate"
API_ACTOR = "nova-api"
CONDUCTOR_ACTOR = "nova-conductor"
#: ``CONF.host`` of the conductor: the host of its instance action events.
CONDUCTOR_HOST = "nova-conductor-1"
#: ``@check_instance_state(..., task_state=None)`` on ``evacuate``: any task_state.
ANY_TASK_STATE = Change(
    "26.0.0",
    "db919aa15f",
    "For evacuation, ignore if task_state is not None",
    backports=(
        Backport("25.1.0", "6d61fccb84"),
        Backport("24.2.0", "8e9aa71e1a"),
        Backport("23.2.2", "0b8124b996"),
    ),
)
#: A forced evacuation placement refuses sets its migration 'error' (before: left 'accepted').
FORCED_REFUSAL_ERRS_MIGRATION = Change(
    "19.0.0", "fd351903a1", "Reject forced move with nested source allocation"
)
#: ``instance.rebuild_scheduled`` (ab2279eb09).
REBUILD_SCHEDULED_SINCE = (18, 0, 0)


def evacuate(
    api: Any,
    context: Any,
    instance: Any,
    host: str | None,
    on_shared_storage: bool | None,
    admin_password: str | None,
    force: bool | None,
    target_state: str | None,
) -> None:
    """``API.evacuate`` after its vm_state check: `host` (found, or None) forced unless
    `force` is False (2.29+)."""
    nova = api.nova
    release = nova.kernel.switches.release
    any_task = ANY_TASK_STATE.reaches(release)
    if not any_task and instance.task_state is not None:
        raise exception.InstanceInvalidState(
            attr="task_state",
            instance_uuid=instance.uuid,
            state=instance.task_state,
            method=EVACUATE,
        )
    if instance.host is None:
        # ``Service.get_by_compute_host(context, None)``: a server no host holds (an ERROR
        # build) has no compute to look up; nova-api does not expect it (a 500).
        raise exception.ComputeHostNotFound(host=None)
    if _service_is_up(nova, instance.host):
        api._log(
            instance,
            "error",
            f"Instance compute service state on {instance.host} expected to be down, but it "
            "was up.",
        )
        raise exception.ComputeServiceInUse(host=instance.host)
    instance.task_state = states.REBUILDING
    instance.save(expected_task_state=() if any_task else [None])
    api._record_action_start(context, instance, EVACUATE)
    migration = nova.db.migration_create(
        Migration(
            id=0,
            uuid=nova.kernel.ids.uuid(),
            instance_uuid=instance.uuid,
            migration_type="evacuation",
            status="accepted",
            source_compute=instance.host,
            source_node=instance.node,
            old_flavor=None,
            new_flavor=None,
            user_id=context.user_id,
            project_id=context.project_id,
            created_at=nova.kernel.now,
            dest_compute=host,
        ),
        API_ACTOR,
    )
    api_host = nova.config.api_host
    nova.notifier.instance_usage(api_host, instance, "evacuate")
    nova.notifier.instance_action(api_host, "nova-api", instance, "evacuate")
    where = None
    if force is False and host:
        where, host = destination.Destination(host=host, node=host), None
    work = rebuild_instance(
        nova, context, instance, migration, host, where, on_shared_storage, admin_password,
        target_state,
    )  # fmt: skip
    nova.kernel.spawn(work, name=f"nova-conductor rebuild_instance {instance.uuid}")


def rebuild_instance(
    nova: Any,
    context: Any,
    instance: Any,
    migration: Migration,
    host: str | None,
    where: Any,
    on_shared_storage: bool | None,
    admin_password: str | None,
    target_state: str | None,
) -> Generator[Any, Any, None]:
    """``ComputeTaskManager.rebuild_instance`` with ``recreate``: the destination (`host`
    forced, else the scheduler's, `where` requested), then the cast to it."""
    kernel = nova.kernel
    yield kernel.env.timeout(kernel.config.rpc.delay_s)
    db = nova.db
    try:
        instance = db.instance_get(instance.uuid, CONDUCTOR_ACTOR)
    except exception.InstanceNotFound:
        return
    event = EventReporter(db, context, instance.uuid, "conductor_rebuild_server", CONDUCTOR_HOST)
    scheduled_node = None  # a forced host: no scheduler, no node (17.0.0-34.0.0 conductor)
    if host is None:
        try:
            zone = (db.pinned_zones or {}).get(instance.uuid)
            host = scheduler.select_host(
                nova, zone, instance.uuid, where, ignore_hosts=(instance.host,),
                room=instance.flavor,
            )  # fmt: skip
        except exception.NoValidHost as exc:
            # ``_set_vm_state_and_notify``: the fault is the scheduler's, the server in error.
            _not_placed(
                nova, migration, instance, exc, event, errs_migration=True, errs_server=True
            )
            return
        scheduled_node = host  # the selection's nodename: fakecloud's nodes are its hosts
    elif host != instance.host:
        try:
            inventories.claim_on_destination(nova, instance, host)
        except exception.NoValidHost as exc:
            # ``_allocate_for_evacuate_dest_host``'s ``_set_vm_state_and_notify``: the
            # vm_state kept, the task cleared, a fault; the migration left 'accepted' until
            # rebuild_instance sets it 'error' too (FORCED_REFUSAL_ERRS_MIGRATION)
            errs = FORCED_REFUSAL_ERRS_MIGRATION.reaches(kernel.switches.release)
            _not_placed(
                nova, migration, instance, exc, event, errs_migration=errs, errs_server=False
            )
            return
    notifier = nova.notifier
    notifier.instance_usage(CONDUCTOR_HOST, instance, "rebuild.scheduled")
    if kernel.switches.release.version >= REBUILD_SCHEDULED_SINCE:
        # notify_about_instance_rebuild(context, instance, host, ...): the publisher is the
        # destination's host, not the conductor's (18.0.0-34.0.0 conductor/manager.py)
        notifier.instance_action(host, "nova-conductor", instance, "rebuild_scheduled")
    if db.aggregates is not None:
        instance.availability_zone = aggregates.host_zone(nova, host)
    event.finish()
    nova.compute_rpcapi.cast(
        context, instance, "rebuild_instance", host, new_pass=admin_password,
        injected_files=None, image_ref=None, orig_image_ref=None, orig_sys_metadata=None,
        recreate=True, on_shared_storage=on_shared_storage, migration=migration,
        target_state=target_state, scheduled_node=scheduled_node,
    )  # fmt: skip


def _not_placed(
    nova: Any,
    migration: Migration,
    instance: Any,
    exc: Exception,
    event: EventReporter,
    *,
    errs_migration: bool,
    errs_server: bool,
) -> None:
    """An evacuation with no destination for it (``_set_vm_state_and_notify``): the migration
    in error (`errs_migration`), the scheduler's fault, the server in error (`errs_server`) or
    left as it was, the task cleared, ``compute_task.rebuild_server`` notified (nova
    17.0.13-34.0.0 ``scheduler_utils.set_vm_state_and_notify``), the conductor's event
    failed."""
    db = nova.db
    if errs_migration:
        db.migration_save(migration, "error", CONDUCTOR_ACTOR)
    db.fault_create(instance.uuid, exc, CONDUCTOR_HOST, "")
    if errs_server:
        instance.vm_state = states.ERROR
    instance.task_state = None
    try:
        instance.save()
    except exception.InstanceNotFound:
        pass
    nova.notifier.compute_task_error(CONDUCTOR_HOST, "rebuild_server", instance, exc)
    event.finish(exc)
