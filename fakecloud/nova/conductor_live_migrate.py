"""nova-conductor's live migration (``ComputeTaskManager.migrate_server``/
``live_migrate_instance`` → ``_live_migrate`` → ``conductor/tasks/live_migrate.py``
``LiveMigrationTask``; 17.0.13, 20.6.0, 23.2.2, 29.2.0, 34.0.0).

The migration record (type ``live-migration``, status ``accepted``), then the task's checks in
Nova's order: the guest runs or is paused (`InstanceInvalidState` on ``power_state``), the
source compute is up (`ComputeServiceUnavailable`). With no destination the scheduler picks one
(the source left out; a requested host only narrows the choice) and each pick is asked
``check_can_live_migrate_destination`` (an RPC call to it, which calls
``check_can_live_migrate_source`` on the source): a pick refusing with an ``Invalid`` or
`MigrationPreCheckError` is left out and the scheduler asked again, until it has no host
(`NoValidHost`). A forced destination is checked here: not the source
(`UnableToMigrateToSelf`), up, with the memory (`MigrationPreCheckError` 'Lack of memory'), then
asked the same, and the server's allocation is claimed on it in placement (`NoValidHost` 'There
is not enough capacity on the host', `inventories.claim_on_destination`; from 21.0.0 the claim
before the question, `FORCED_CLAIM_FIRST`). Then the migration names both nodes and
``live_migration`` is cast to the source.

Any of those refusals: the server keeps its vm_state with task_state none and a fault, the
migration is ``error``, and the error goes back to the API (its 400 before 2.34) and into the
action's event (``conductor_migrate_server`` before 2.34, ``conductor_live_migrate_instance``
from it). Anything else puts the server in ERROR and is `MigrationError` (a 500 before 2.34).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.nova import aggregates, compute_nodes, exception, inventories, scheduler, states
from fakecloud.nova.compute.utils import EventReporter
from fakecloud.nova.conductor_migrate import ACTOR, CONDUCTOR_HOST
from fakecloud.nova.destination import Destination
from fakecloud.nova.objects import Migration
from fakecloud.profiles.provenance import Change
from fakecloud.sim.rpc import MessagingTimeout

#: The refusals ``_live_migrate`` reports as such (the others put the server in ERROR).
_KNOWN = (
    exception.NoValidHost,
    exception.ComputeHostNotFound,
    exception.ComputeServiceUnavailable,
    exception.UnableToMigrateToSelf,
    exception.InvalidLocalStorage,
    exception.InvalidSharedStorage,
    exception.InstanceInvalidState,
    exception.MigrationPreCheckError,
)
#: A forced destination is claimed in placement before ``check_can_live_migrate_destination``
#: is asked (and the claim dropped if it refuses), not after it.
FORCED_CLAIM_FIRST = Change(
    "21.0.0", "990a26ef1f", "partial support for live migration with specific resources"
)
#: ``power_state.STATE_MAP``: the names an `InstanceInvalidState` on ``power_state`` shows.
_POWER_NAMES = {
    0: "pending",
    1: "running",
    3: "paused",
    4: "shutdown",
    6: "crashed",
    7: "suspended",
}


def live_migrate(
    nova: Any,
    context: Any,
    instance: Any,
    dest: str | None,
    block_migration: bool | None,
    disk_over_commit: bool | None,
    where: Destination | None,
    async_: bool,
) -> Generator[Any, Any, None]:
    """``_live_migrate`` for `instance` to the forced host `dest` (or a scheduled one, among
    `where` if given); raises what refused it."""
    kernel = nova.kernel
    yield kernel.timeout(kernel.config.rpc.delay_s)
    db = nova.db
    try:
        instance = db.instance_get(instance.uuid, ACTOR)
    except exception.InstanceNotFound:
        return
    name = "conductor_live_migrate_instance" if async_ else "conductor_migrate_server"
    event = EventReporter(db, context, instance.uuid, name, CONDUCTOR_HOST)
    migration = db.migration_create(
        Migration(
            id=0,
            uuid=kernel.ids.uuid(),
            instance_uuid=instance.uuid,
            migration_type="live-migration",
            status="accepted",
            source_compute=instance.host,
            source_node=None,
            old_flavor=instance.flavor,
            new_flavor=instance.flavor,
            user_id=context.user_id,
            project_id=context.project_id,
            created_at=kernel.now,
            dest_compute=dest,
        ),
        ACTOR,
    )
    try:
        yield from _execute(nova, context, instance, dest, block_migration, disk_over_commit,
                            where, migration)  # fmt: skip
    except _KNOWN as exc:
        _refused(nova, instance, migration, exc, instance.vm_state)
        event.finish(exc)
        raise
    except Exception as exc:  # noqa: BLE001 - "Migration of instance ... unexpectedly failed."
        _refused(nova, instance, migration, exc, states.ERROR)
        error = exception.MigrationError(reason=str(exc))
        event.finish(error)
        raise error from None
    event.finish()


def swallowing(work: Generator) -> Generator[Any, Any, None]:
    """The conductor's work as a cast (a live migration from 2.34, an unshelve): its refusals
    and errors end here (in its event, or oslo.messaging's log: a server deleted meanwhile)."""
    try:
        yield from work
    except exception.NovaException:
        pass


def _refused(nova: Any, instance: Any, migration: Any, exc: Exception, vm_state: str) -> None:
    """``_set_vm_state`` (``set_vm_state_and_notify``: the state, a fault) and the migration
    ``error``."""
    db = nova.db
    db.fault_create(instance.uuid, exc, CONDUCTOR_HOST, "")
    try:
        instance.vm_state = vm_state
        instance.task_state = None
        instance.save(expected_task_state=[states.MIGRATING])
    except (exception.InstanceNotFound, exception.UnexpectedTaskStateError):
        pass
    db.migration_save(migration, "error", ACTOR)


def _execute(
    nova: Any,
    context: Any,
    instance: Any,
    dest: str | None,
    block_migration: bool | None,
    disk_over_commit: bool | None,
    where: Destination | None,
    migration: Any,
) -> Generator[Any, Any, None]:
    """``LiveMigrationTask._execute``."""
    source = instance.host
    if instance.power_state not in (states.RUNNING, states.POWER_PAUSED):
        raise exception.InstanceInvalidState(
            instance_uuid=instance.uuid,
            attr="power_state",
            state=_POWER_NAMES.get(instance.power_state, instance.power_state),
            method="live migrate",
        )
    _check_host_is_up(nova, source)
    checks = (block_migration, disk_over_commit, migration)
    if dest is None:
        dest, migrate_data = yield from _find_destination(nova, context, instance, where, checks)
    else:
        if dest == source:
            raise exception.UnableToMigrateToSelf(instance_id=instance.uuid, host=dest)
        _check_host_is_up(nova, dest)
        _check_destination_has_enough_memory(nova, instance, dest)
        claim_first = FORCED_CLAIM_FIRST.reaches(nova.kernel.switches.release)
        if claim_first:
            inventories.claim_on_destination(nova, instance, dest)
        migrate_data = yield from _call_livem_checks_on_host(nova, context, instance, dest, checks)
        if not claim_first:
            inventories.claim_on_destination(nova, instance, dest)
    if nova.db.aggregates is not None:
        instance.availability_zone = aggregates.host_zone(nova, dest)
        instance.save()
    nova.db.migration_save(
        migration,
        migration.status,
        ACTOR,
        source_node=instance.node,
        dest_node=dest,
        dest_compute=dest,
    )
    nova.compute_rpcapi.cast(
        context, instance, "live_migration", source, dest=dest,
        block_migration=migrate_data["block_migration"], migration=migration,
        migrate_data=migrate_data,
    )  # fmt: skip


def _check_host_is_up(nova: Any, host: str) -> None:
    """``servicegroup_api.service_is_up`` of the host's nova-compute."""
    from fakecloud.nova.compute.resize_api import _service_is_up

    if not _service_is_up(nova, host):
        raise exception.ComputeServiceUnavailable(host=host)


def _check_destination_has_enough_memory(nova: Any, instance: Any, dest: str) -> None:
    """``_check_destination_has_enough_memory``: the node's memory times its
    ``ram_allocation_ratio`` (`inventories.RAM_ALLOCATION_RATIO`) less what is used must exceed
    the server's (the RAMFilter's sum: the reserved memory counts as used, where placement takes
    it off the total before the ratio)."""
    index = list(nova.hosts).index(dest) + 1
    node = compute_nodes.compute_node_get(nova, index)
    total = node.memory_mb
    avail = total * inventories.RAM_ALLOCATION_RATIO - (total - node.free_ram_mb)
    mem_inst = instance.flavor.memory_mb
    if not mem_inst or avail <= mem_inst:
        raise exception.MigrationPreCheckError(
            reason=f"Unable to migrate {instance.uuid} to {dest}: Lack of memory(host:{avail} "
            f"<= instance:{mem_inst})"
        )


def _find_destination(
    nova: Any, context: Any, instance: Any, where: Destination | None, checks: tuple
) -> Generator[Any, Any, tuple[str, dict[str, Any]]]:
    """``_find_destination``: scheduler picks, each checked, the refused ones left out
    (``migrate_max_retries`` -1: until no host is left)."""
    attempted = [instance.host]
    zone = (nova.db.pinned_zones or {}).get(instance.uuid)
    while True:
        host = scheduler.select_host(
            nova, zone, instance.uuid, where, ignore_hosts=tuple(attempted), room=instance.flavor
        )
        try:
            data = yield from _call_livem_checks_on_host(nova, context, instance, host, checks)
        except (exception.Invalid, exception.MigrationPreCheckError):
            attempted.append(host)
            continue
        return host, data


def _call_livem_checks_on_host(
    nova: Any, context: Any, instance: Any, host: str, checks: tuple
) -> Generator[Any, Any, dict[str, Any]]:
    """``check_can_live_migrate_destination``, an RPC call to `host`; no reply in time is
    'Timeout while checking if we can live migrate to host: X'."""
    block_migration, disk_over_commit, migration = checks
    try:
        return (
            yield from nova.compute_rpcapi.call(
                context, instance, "check_can_live_migrate_destination", host,
                block_migration=block_migration, disk_over_commit=disk_over_commit,
                migration=migration,
            )
        )  # fmt: skip
    except MessagingTimeout:
        raise exception.MigrationPreCheckError(
            f"Timeout while checking if we can live migrate to host: {host}"
        ) from None
