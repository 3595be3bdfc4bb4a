"""The compute API's part of a live migration, its abort and its force-complete
(``nova/compute/api.py`` ``live_migrate``, ``live_migrate_abort``,
``live_migrate_force_complete``: 17.0.13, 20.6.0, 23.2.2, 29.2.0, 34.0.0 alike), after `API`'s
lock and state gates.

``live_migrate`` (vm_state active or paused, no task): a named host must have a compute node
(`ComputeHostNotFound`, 400) before anything changes; then task_state ``migrating``, the
``live-migration`` action, and the conductor: an RPC *call* the API waits for before 2.34 (its
refusals are the API's 400s), a cast from 2.34. A host not forced (2.30's ``force`` false, and
every host from 2.68) becomes the scheduler's requested destination; a forced one (before 2.30,
or ``force`` true) is checked by the conductor alone.

``live_migrate_abort`` (task_state ``migrating``) finds the server's migration
(`MigrationNotFoundForInstance`, 404) and takes it while ``running`` (2.65: also ``queued`` or
``preparing``; `InvalidMigrationState`, 400), records ``live_migration_cancel`` and casts to
the source. ``live_migrate_force_complete`` (vm_state active, task_state ``migrating``) takes
only a ``running`` one, records ``live_migration_force_complete`` and casts to the source.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.nova import destination, exception, services, states

LIVE_MIGRATION = "live-migration"
LIVE_MIGRATION_CANCEL = "live_migration_cancel"
LIVE_MIGRATION_FORCE_COMPLETE = "live_migration_force_complete"


def live_migrate(
    api: Any,
    context: Any,
    instance: Any,
    block_migration: bool | None,
    disk_over_commit: bool | None,
    host_name: str | None,
    force: bool | None,
    async_: bool,
) -> Generator[Any, Any, None] | None:
    """``API.live_migrate`` after its gates: a generator the API waits for (before 2.34),
    else None (the conductor's work is cast)."""
    nova = api.nova
    found = None
    if host_name:
        # ComputeNodeList.get_all_by_host, case-insensitive under MySQL.
        found = services.compute_host_named(nova, host_name)
        if found is None:
            raise exception.ComputeHostNotFound(host=host_name)
    instance.task_state = states.MIGRATING
    instance.save(expected_task_state=[None])
    api._record_action_start(context, instance, LIVE_MIGRATION)
    where = None
    if force is False and found is not None:
        # "Unset the host to make sure we call the scheduler": a requested destination.
        where = destination.Destination(host=found, node=found)
        found = None
    from fakecloud.nova import conductor_live_migrate

    work = conductor_live_migrate.live_migrate(
        nova, context, instance, found, block_migration, disk_over_commit, where, async_
    )
    if not async_:
        return _over_rpc(nova, work)
    nova.kernel.spawn(
        conductor_live_migrate.swallowing(work),
        name=f"nova-conductor live_migrate_instance {instance.uuid}",
    )
    return None


def _over_rpc(nova: Any, work: Generator) -> Generator[Any, Any, None]:
    """The conductor's ``migrate_server`` as the RPC call it is before 2.34: its error comes
    back rebuilt by oslo.messaging (``MigrationError_Remote``, the message kept)."""
    try:
        yield from work
    except Exception as exc:  # noqa: BLE001 - every error crosses the wire
        raise nova.kernel.rpc.remote_exception(exc) from None


def _migration_of(nova: Any, instance: Any, migration_id: Any) -> Any:
    """``Migration.get_by_id_and_instance``."""
    found = None
    if str(migration_id).isdigit():
        found = (nova.db.migrations or {}).get(int(migration_id))
    if found is None or found.instance_uuid != instance.uuid:
        raise exception.MigrationNotFoundForInstance(
            migration_id=migration_id, instance_id=instance.uuid
        )
    return found


def live_migrate_abort(
    api: Any, context: Any, instance: Any, migration_id: Any, in_queue: bool
) -> None:
    """``API.live_migrate_abort`` after its gates (`in_queue`: 2.65's
    ``support_abort_in_queue``)."""
    migration = _migration_of(api.nova, instance, migration_id)
    allowed = ("running", "queued", "preparing") if in_queue else ("running",)
    if migration.status not in allowed:
        raise exception.InvalidMigrationState(
            migration_id=migration_id,
            instance_uuid=instance.uuid,
            state=migration.status,
            method="abort live migration",
        )
    api._record_action_start(context, instance, LIVE_MIGRATION_CANCEL)
    api.compute_rpcapi.cast(
        context, instance, "live_migration_abort", migration.source_compute,
        migration_id=migration.id,
    )  # fmt: skip


def live_migrate_force_complete(api: Any, context: Any, instance: Any, migration_id: Any) -> None:
    """``API.live_migrate_force_complete`` after its gates."""
    migration = _migration_of(api.nova, instance, migration_id)
    if migration.status != "running":
        raise exception.InvalidMigrationState(
            migration_id=migration_id,
            instance_uuid=instance.uuid,
            state=migration.status,
            method="force complete",
        )
    api._record_action_start(context, instance, LIVE_MIGRATION_FORCE_COMPLETE)
    api.compute_rpcapi.cast(
        context, instance, "live_migration_force_complete", migration.source_compute
    )
