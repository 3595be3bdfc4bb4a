"""nova-conductor's cold migration (``ComputeTaskManager.migrate_server`` →
``_cold_migrate`` → ``conductor/tasks/migrate.py`` ``MigrationTask``; 17.0.13-34.0.0): the
migration record (``pre-migrating``), the scheduler's pick of another host, and the
``prep_resize`` cast to it.

Its instance action events are ``conductor_migrate_server`` and, inside it, ``cold_migrate``.
No valid host: the migration is ``error``, the server keeps its vm_state with task_state none
and a fault of the scheduler's reason, and the conductor raises `NoValidHost` 'No valid host
found for cold migrate' (or '... for resize'), which the API answers as 400 while it waits for
the conductor (before 21.0.0) and nobody sees after (the action's events say it).

A move whose destination can fail the compute's late server group check (`move_reschedule`)
carries the scheduler's alternates (``host_list``) and ``filter_properties['retry']``, as
``MigrationTask`` gives them to ``prep_resize``; the compute that fails it calls back here
(`reschedule`): the same migration (still ``pre-migrating``), the next alternate, or
``MaxRetriesExceeded`` 'Exhausted all hosts available for retrying build failures for
instance X.' when none is left.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.nova import exception, scheduler, server_groups
from fakecloud.nova.compute.utils import EventReporter, format_traceback
from fakecloud.nova.destination import Destination
from fakecloud.nova.objects import Flavor, Migration

ACTOR = "nova-conductor"
#: ``CONF.host`` of the conductor: the host of its instance action events.
CONDUCTOR_HOST = "nova-conductor-1"


def migrate_server(
    nova: Any,
    context: Any,
    instance: Any,
    flavor: Flavor,
    where: Destination | None,
    ignore_hosts: tuple[str, ...] = (),
    host_list: list[str] | None = None,
    migration: Migration | None = None,
    retry: dict[str, Any] | None = None,
) -> Generator[Any, Any, None]:
    """Move `instance` to a host (not one of `ignore_hosts`) with `flavor` (its own for a
    migrate), to `where` (2.56's host) if given; raises `NoValidHost` when no host takes it.
    With `migration` (a reschedule, `reschedule`): its next host is `host_list`'s first."""
    kernel = nova.kernel
    yield kernel.env.timeout(kernel.config.rpc.delay_s)
    db = nova.db
    try:
        instance = db.instance_get(instance.uuid, ACTOR)
    except exception.InstanceNotFound:
        return  # deleted before the conductor got the message
    outer = EventReporter(db, context, instance.uuid, "conductor_migrate_server", CONDUCTOR_HOST)
    inner = EventReporter(db, context, instance.uuid, "cold_migrate", CONDUCTOR_HOST)
    same = flavor.flavorid == instance.flavor.flavorid
    if migration is None:
        migration = _new_migration(nova, context, instance, flavor, same)
    more: dict[str, Any] = {}
    try:
        zone = (db.pinned_zones or {}).get(instance.uuid)
        if host_list is None:
            host = scheduler.select_host(
                nova, zone, instance.uuid, where, ignore_hosts=ignore_hosts, flavor=flavor
            )
            if where is None:
                more = _retry_info(nova, zone, instance.uuid, host, ignore_hosts, flavor)
        elif (counted := _attempts(nova, instance.uuid, retry)) is not None and host_list:
            host = host_list.pop(0)
            more = {"host_list": host_list, "retry": {"num_attempts": counted, "hosts": [host]}}
        else:
            raise exception.MaxRetriesExceeded(
                reason="Exhausted all hosts available for retrying build failures for "
                f"instance {instance.uuid}."
            )
    except exception.NoValidHost as exc:
        db.migration_save(migration, "error", ACTOR)
        # ``_set_vm_state_and_notify``: the fault is the scheduler's own reason (a reschedule's
        # ``MaxRetriesExceeded`` raised here keeps its traceback, as a build's does).
        retried = isinstance(exc, exception.MaxRetriesExceeded)
        details = format_traceback(exc) if retried else ""
        db.fault_create(instance.uuid, exc, CONDUCTOR_HOST, details)
        instance.task_state = None
        try:
            instance.save()
        except exception.InstanceNotFound:
            pass
        nova.notifier.compute_task_error(CONDUCTOR_HOST, "migrate_server", instance, exc)
        kind = "cold migrate" if same else "resize"
        error = exception.NoValidHost(reason=f"No valid host found for {kind}")
        inner.finish(error)
        outer.finish(error)
        raise error from None
    inner.finish()
    outer.finish()
    nova.compute_rpcapi.cast(context, instance, "prep_resize", host, migration=migration, **more)


def _retry_info(
    nova: Any,
    zone: str | None,
    uuid: str,
    host: str,
    ignore_hosts: tuple[str, ...],
    flavor: Any = None,
) -> dict[str, Any]:
    """The alternates and ``retry`` a scheduled (not targeted) move carries to ``prep_resize``
    (``populate_retry``, ``_schedule``'s ``host_list``), for a member of a group with a hard
    policy where the release checks it there (`server_groups.MIGRATIONS_COUNTED`), and every
    move while fault point ``nova.compute.resize_claim`` is armed: the only moves here that can
    fail on their destination; every other would carry them and never use them."""
    if nova.config.scheduler_max_attempts == 1:
        return {}
    group = None
    if nova.server_groups is not None:
        group = server_groups.group_of(nova, uuid)
    if _CLAIM not in nova.kernel.faults.hot:
        if group is None or group.policy not in server_groups.HARD_POLICIES:
            return {}
        if not server_groups.MIGRATIONS_COUNTED.reaches(nova.kernel.switches.release):
            return {}
    alternates = scheduler.alternates(nova, zone, uuid, None, host, group, ignore_hosts, flavor)
    return {"host_list": alternates, "retry": {"num_attempts": 1, "hosts": [host]}}


#: The fault point a move's claim consults (`move_reschedule.claim_failure`).
_CLAIM = "nova.compute.resize_claim"
#: Compute RPC 5.1 (Stein): the compute hands its ``RequestSpec`` back on a reschedule,
#: whose ``retry`` the conductor never sets, so ``populate_retry`` counts 1 again; before, the
#: conductor rebuilt it from the compute's ``filter_properties`` (``from_components``), whose
#: ``retry`` carried the count on.
_SPEC_OBJECT_SINCE = (19, 0, 0)


def _attempts(nova: Any, uuid: str, retry: dict[str, Any] | None) -> int | None:
    """``populate_retry`` on a reschedule: the attempt's number, or `MaxRetriesExceeded`
    past ``max_attempts`` (before 19.0.0 only; 'Last exception: None': the compute writes
    ``retry['exc']``, the check reads ``exc_reason``)."""
    if retry is None or nova.kernel.switches.release.version >= _SPEC_OBJECT_SINCE:
        return 1
    most = nova.config.scheduler_max_attempts
    counted = retry["num_attempts"] + 1
    if counted > most:
        raise exception.MaxRetriesExceeded(
            reason=f"Exceeded max scheduling attempts {most} for instance {uuid}. "
            "Last exception: None"
        )
    return counted


def _new_migration(nova: Any, context: Any, instance: Any, flavor: Flavor, same: bool) -> Any:
    """``_preallocate_migration``: the move's record, ``pre-migrating``."""
    kernel = nova.kernel
    return nova.db.migration_create(
        Migration(
            id=0,
            uuid=kernel.ids.uuid(),
            instance_uuid=instance.uuid,
            migration_type="migration" if same else "resize",
            status="pre-migrating",
            source_compute=instance.host,
            source_node=instance.node,
            old_flavor=instance.flavor,
            new_flavor=flavor,
            user_id=context.user_id,
            project_id=context.project_id,
            created_at=kernel.now,
        ),
        ACTOR,
    )


def reschedule(
    nova: Any,
    context: Any,
    instance: Any,
    migration: Migration,
    host_list: list[str],
    retry: dict[str, Any],
) -> Generator[Any, Any, None]:
    """``ComputeTaskAPI.resize_instance`` from a compute whose ``prep_resize`` failed: an RPC
    call it waits for (nova 17.0.13-34.0.0 ``_reschedule_resize_or_reraise``), `migrate_server`
    with the move's migration and what is left of its alternates. Raises `NoValidHost` ('No
    valid host found for resize' / '... cold migrate') when none is left."""
    yield from migrate_server(
        nova, context, instance, migration.new_flavor, None, (), host_list, migration, retry
    )


def migrate_server_cast(
    nova: Any,
    context: Any,
    instance: Any,
    flavor: Flavor,
    where: Destination | None,
    ignore_hosts: tuple[str, ...] = (),
) -> Generator[Any, Any, None]:
    """`migrate_server` as a cast (21.0.0+): its `NoValidHost` ends here, in the events."""
    try:
        yield from migrate_server(nova, context, instance, flavor, where, ignore_hosts)
    except exception.NoValidHost:
        pass
