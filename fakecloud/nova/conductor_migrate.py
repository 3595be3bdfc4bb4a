"""nova-conductor's cold migration (``ComputeTaskManager.migrate_server`` →
``_cold_migrate`` → ``conductor/tasks/migrate.py`` ``MigrationTask``; 17.0.13-34.0.0): the
migration record (``pre-migrating``), the scheduler's pick of another host, and the
``prep_resize`` cast to it.

Its instance action events are ``conductor_migrate_server`` and, inside it, ``cold_migrate``.
No valid host: the migration is ``error``, the server keeps its vm_state with task_state none
and a fault of the scheduler's reason, and the conductor raises `NoValidHost` 'No valid host
found for cold migrate' (or '... for resize'), which the API answers as 400 while it waits for
the conductor (before 21.0.0) and nobody sees after (the action's events say it).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.nova import exception, scheduler
from fakecloud.nova.compute.utils import EventReporter
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
) -> Generator[Any, Any, None]:
    """Move `instance` to a host (not one of `ignore_hosts`) with `flavor` (its own for a
    migrate), to `where` (2.56's host) if given; raises `NoValidHost` when no host takes it."""
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
    migration = db.migration_create(
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
    try:
        zone = (db.pinned_zones or {}).get(instance.uuid)
        host = scheduler.select_host(nova, zone, instance.uuid, where, ignore_hosts=ignore_hosts)
    except exception.NoValidHost as exc:
        db.migration_save(migration, "error", ACTOR)
        # ``_set_vm_state_and_notify``: the fault is the scheduler's own reason.
        db.fault_create(instance.uuid, exc, CONDUCTOR_HOST, "")
        instance.task_state = None
        try:
            instance.save()
        except exception.InstanceNotFound:
            pass
        kind = "cold migrate" if same else "resize"
        error = exception.NoValidHost(reason=f"No valid host found for {kind}")
        inner.finish(error)
        outer.finish(error)
        raise error from None
    inner.finish()
    outer.finish()
    nova.compute_rpcapi.cast(context, instance, "prep_resize", host, migration=migration)


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
