"""The compute hosts' part of a live migration (``nova/compute/manager.py``, 17.0.13, 20.6.0,
23.2.2, 29.2.0, 34.0.0): ``check_can_live_migrate_destination`` (destination) and
``check_can_live_migrate_source`` (source), RPC calls of the conductor's checks;
``live_migration`` on the source, ``pre_live_migration`` and
``post_live_migration_at_destination`` on the destination, ``_post_live_migration`` or
``_rollback_live_migration`` on the source (and ``rollback_live_migration_at_destination``);
``live_migration_abort`` and ``live_migration_force_complete`` on the source.

The migration goes ``queued`` (``live_migration``: the job waits for the host's one
live-migration worker, ``max_concurrent_live_migrations`` 1) → ``preparing`` (the destination's
``pre_live_migration``: each volume gets a new attachment with the destination's connector,
completed; the old one is kept) → ``running`` (the libvirt job,
`fakecloud.nova.virt.live_migration`) → ``completed``: ``_post_live_migration`` deletes the
source's old attachments and lets the source guest go, the destination takes the server (its
host and node, task_state none). A failed job is rolled back (``_rollback_live_migration``: the
new attachments deleted and the old ones back, the destination cleaned up, task_state none)
with the migration ``error`` (``failed`` from 22.0.0); an aborted one likewise (libvirt's
monitor sees it fail, `fakecloud.nova.virt.live_migration`). An abort of a
migration still waiting for the worker cancels it there (``cancelled``, task_state none); one
in ``preparing`` is rolled back as cancelled when the job would start.

Events: ``compute_check_can_live_migrate_destination`` (destination),
``compute_check_can_live_migrate_source`` (source), ``compute_live_migration`` (source, ended
as soon as the job is handed to the worker), ``compute_pre_live_migration`` and
``compute_post_live_migration_at_destination`` (or ``compute_rollback_live_migration_at_
destination``) on the destination, ``compute_live_migration_abort``/``_force_complete`` on the
source. Notifications (legacy and, by release, versioned): ``live_migration.pre.*``
(``instance.live_migration_pre.*``), ``live_migration._post.*`` (``live_migration_post``),
``live_migration.post.dest.*`` (``live_migration_post_dest``), ``live_migration._rollback.*``
(``live_migration_rollback``), ``live_migration.rollback.dest.*`` (``live_migration_rollback_
dest``), ``live.migration.abort.*`` (``live_migration_abort``), ``live.migration.force.
complete.*`` (``live_migration_force_complete``); 17.x sends the versioned ``pre``,
``rollback`` and ``abort`` only (the others came with 18.0.0).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.nova import exception, server_groups, states
from fakecloud.nova.block_device import connect_volume, connector
from fakecloud.nova.compute import utils as compute_utils
from fakecloud.nova.compute.reschedule import POLICY_EXCEPTION
from fakecloud.nova.virt import encryptors
from fakecloud.nova.virt import live_migration as libvirt_lm
from fakecloud.profiles.provenance import Backport, Change
from fakecloud.sim.resources import Semaphore

#: Versioned live-migration notifications 17.x does not send yet (18.0.0 added them).
_VERSIONED_SINCE_18 = frozenset(
    ("live_migration_post", "live_migration_post_dest", "live_migration_rollback_dest",
     "live_migration_force_complete")
)  # fmt: skip
#: ``[DEFAULT] max_concurrent_live_migrations`` (default 1).
MAX_CONCURRENT_LIVE_MIGRATIONS = 1
#: Where the pre-33.0.0 check errors are wrapped (dc51a4271b, 33.0.0).
WRAP_SOURCE_CHECK_SINCE = (33, 0, 0)
#: ``_post_live_migration`` raises when the destination's ``post_live_migration_at_destination``
#: fails (a87b80fb39, 31.0.0, LP #2000069); before, it logged it and went on.
POST_AT_DEST_RAISES_SINCE = (31, 0, 0)
#: ``_rollback_live_migration`` clears the task state after the volume, notification and
#: destination steps (21.0.0: 21.2.4 does, 20.6.0 saves it first, before them).
ROLLBACK_SAVES_LAST_SINCE = (21, 0, 0)
#: ``_reset_live_migration`` at start-up (ebcf6e4ce5, 21.0.0; backported to 20.2.0).
RESET_AT_STARTUP_SINCE = (20, 2, 0)
#: ``_rollback_live_migration``'s default ``migration_status`` (the monitor's failed job, and
#: ``_cleanup_pre_live_migration``'s rollback): ``error`` until 21.x, ``failed`` from 22.0.0,
#: so that the resource tracker keeps counting only a migration whose rollback failed.
ROLLBACK_FAILED_STATUS = Change(
    "22.0.0", "255b3f2f91", "Track error migrations in resource tracker"
)
#: The libvirt driver's ``_live_migration`` collects its operation thread's result after the
#: monitor (``future.result()``): the migrate call's error after an aborted or failed job (the
#: rollback done) reaches ``_do_live_migration``'s 'Live migration failed.'.
OPERATION_RESULT_COLLECTED = Change(
    "33.0.0",
    "20a9f9d740",
    "Collect result of _live_migration_operation",
    backports=(Backport("32.2.0", "bf1201cc57"),),
)


def _notify(manager: Any, instance: Any, legacy: str, versioned: str, phase: str) -> None:
    """Both kinds of a phase: ``compute.instance.<legacy>.<phase>`` and
    ``instance.<versioned>.<phase>``."""
    manager.notifier.instance_usage(manager.host, instance, f"{legacy}.{phase}")
    if versioned not in _VERSIONED_SINCE_18 or manager.switches.release.major >= 18:
        manager.notifier.instance_action(
            manager.host, "nova-compute", instance, f"{versioned}.{phase}"
        )


def _record_failure(manager: Any, instance: Any, event: Any, exc: Exception) -> None:
    """A compute method's failure as its decorators record it: ``wrap_instance_fault`` (the
    instance fault, with the traceback) inside ``wrap_instance_event`` (the action event's
    Error)."""
    manager.db.fault_create(instance.uuid, exc, manager.host, compute_utils.format_traceback(exc))
    event.finish(exc)


def check_can_live_migrate_destination(
    manager: Any,
    context: Any,
    instance: Any,
    block_migration: bool | None,
    disk_over_commit: bool | None,
    migration: Any,
) -> Generator[Any, Any, dict]:
    """On the destination: its check data, then the source's check (an RPC call); from
    33.0.0 a source refusal is wrapped ('Error while check_can_live_migrate_source from ...')."""
    instance = manager._receive(instance)
    event = manager._event(context, instance, "compute_check_can_live_migrate_destination")
    try:
        violated = _group_check(manager, instance)
        if isinstance(violated, exception.RescheduledException):
            raise exception.MigrationPreCheckError(
                reason=f"Failed to validate instance group policy due to: {violated}"
            )
        if violated is not None:
            raise violated
        data = libvirt_lm.check_destination(block_migration, disk_over_commit)
        try:
            data = yield from manager.nova.compute_rpcapi.call(
                context, instance, "check_can_live_migrate_source", instance.host,
                dest_check_data=data,
            )  # fmt: skip
        except Exception as ex:
            if manager.switches.release.version < WRAP_SOURCE_CHECK_SINCE:
                raise
            raise exception.MigrationPreCheckError(
                f"Error while check_can_live_migrate_source from {instance.host} to host "
                f"{manager.host}: {type(ex).__name__} {ex}"
            ) from None
    except Exception as exc:
        _record_failure(manager, instance, event, exc)
        raise
    event.finish()
    return data


def _group_check(manager: Any, instance: Any) -> Exception | None:
    """``_validate_instance_group_policy`` on this destination, from 24.0.0 and its backports
    (33c8af1f8c, LP #1821755: `server_groups.MIGRATIONS_COUNTED`): None, or the violation as
    the release raises it — `RescheduledException` (which the destination check turns into
    'Failed to validate instance group policy due to: ...'), from 28.0.0 and its backports
    (56d320a203) `GroupAffinityViolation`, which nothing catches."""
    nova = manager.nova
    release = manager.switches.release
    if nova.server_groups is None or not server_groups.MIGRATIONS_COUNTED.reaches(release):
        return None
    group = server_groups.group_of(nova, instance.uuid)
    if group is None:
        return None
    policy = server_groups.late_violation(nova, group, instance.uuid, manager.host)
    if policy is None:
        return None
    if POLICY_EXCEPTION.reaches(release):
        return exception.GroupAffinityViolation(instance_uuid=instance.uuid, policy=policy)
    return exception.RescheduledException(
        instance_uuid=instance.uuid, reason=f"{policy} instance group policy was violated."
    )


def check_can_live_migrate_source(
    manager: Any, context: Any, instance: Any, dest_check_data: dict
) -> dict:
    """On the source: block migration decided or checked against the storage."""
    instance = manager._receive(instance)
    event = manager._event(context, instance, "compute_check_can_live_migrate_source")
    try:
        bdms = manager.db.bdms_by_instance(instance.uuid)
        volume_backed = compute_utils.is_volume_backed_instance(instance, bdms)
        data = libvirt_lm.check_source(manager.host, instance, dest_check_data, volume_backed)
    except Exception as exc:
        _record_failure(manager, instance, event, exc)
        raise
    event.finish()
    return data


def live_migration(
    manager: Any,
    context: Any,
    instance: Any,
    dest: str,
    block_migration: bool,
    migration: Any,
    migrate_data: dict,
) -> None:
    """On the source: ``queued``, the job handed to the live-migration worker."""
    instance = manager._receive(instance)
    event = manager._event(context, instance, "compute_live_migration")
    manager.db.migration_save(migration, "queued", manager.actor)
    waiting = _waiting(manager)
    work = _do_live_migration(manager, context, instance, dest, block_migration, migration,
                              migrate_data)  # fmt: skip
    proc = manager.spawn_task(work, f"live_migration {instance.uuid}")
    waiting[instance.uuid] = (migration, proc)
    event.finish()


def _waiting(manager: Any) -> dict:
    """``_waiting_live_migrations``: uuid -> (migration, its job) until the job starts."""
    if manager.live_waiting is None:
        manager.live_waiting = {}
        manager.live_workers = Semaphore(manager.kernel.env, MAX_CONCURRENT_LIVE_MIGRATIONS)
    return manager.live_waiting


def _do_live_migration(
    manager: Any,
    context: Any,
    instance: Any,
    dest: str,
    block_migration: bool,
    migration: Any,
    migrate_data: dict,
) -> Generator:
    """The worker's job: prepare the destination, run the libvirt job, then post or roll
    back."""
    with manager.live_workers.request() as slot:
        yield slot
        if manager.live_waiting.get(instance.uuid, (None,))[0] is not migration:
            return  # cancelled while it waited (``future.cancel()``)
        yield from _prepare_and_run(manager, context, instance, dest, block_migration,
                                    migration, migrate_data)  # fmt: skip


def _prepare_and_run(
    manager: Any,
    context: Any,
    instance: Any,
    dest: str,
    block_migration: bool,
    migration: Any,
    migrate_data: dict,
) -> Generator:
    manager.db.migration_save(migration, "preparing", manager.actor)
    rpc = manager.nova.compute_rpcapi
    try:
        if migrate_data.get("block_migration"):
            # get_instance_disk_info: the source's disks, read from the guest (gone if the
            # server was deleted meanwhile: InstanceNotFound, before pre_live_migration).
            manager.driver._domain(instance)
        migrate_data = yield from rpc.call(
            context, instance, "pre_live_migration", dest, block_migration=block_migration,
            migrate_data=migrate_data,
        )  # fmt: skip
    except Exception:  # noqa: BLE001 - _cleanup_pre_live_migration
        manager.db.migration_save(migration, "error", manager.actor)
        try:
            yield from _rollback(manager, context, instance, dest, migrate_data, migration,
                                 _failed(manager), pre=True)  # fmt: skip
        except _PREEMPTED:
            pass  # the job's thread ends with it; the migration stays 'error'
        return
    if manager.live_waiting.pop(instance.uuid, None) is None:
        # "Migration ... aborted by another process, rollback."
        try:
            yield from _rollback(manager, context, instance, dest, migrate_data, migration,
                                 "cancelled")  # fmt: skip
        except _PREEMPTED:
            return
        _notify(manager, instance, "live.migration.abort", "live_migration_abort", "end")
        return
    manager.db.migration_save(migration, "running", manager.actor)
    dest_driver = manager.nova.hosts[dest].driver
    try:
        result = yield from libvirt_lm.live_migration(
            manager.driver, instance, dest_driver, block_migration, migration
        )
    except Exception:  # noqa: BLE001 - 'Live migration failed.'
        _live_migration_failed(manager, instance, migration)
        return
    if result == "completed":
        yield from _post_live_migration(manager, context, instance, dest, migrate_data,
                                        migration)  # fmt: skip
    else:
        try:
            yield from _rollback(manager, context, instance, dest, migrate_data, migration,
                                 _failed(manager))  # fmt: skip
        except _PREEMPTED:
            # The monitor's recover_method raised: _do_live_migration's 'Live migration
            # failed.' (no fault: the job's thread is not wrapped), ERROR if still there.
            _live_migration_failed(manager, instance, migration)
            return
        if OPERATION_RESULT_COLLECTED.reaches(manager.switches.release):
            # libvirt's migrate call raised ('operation aborted: ... canceled by client', or
            # the failure); the monitor's live_migration_abort finds no job, and re-raises.
            _live_migration_failed(manager, instance, migration)


def _failed(manager: Any) -> str:
    """The migration status a rolled-back failed job ends with (`ROLLBACK_FAILED_STATUS`)."""
    return "failed" if ROLLBACK_FAILED_STATUS.reaches(manager.switches.release) else "error"


def _live_migration_failed(manager: Any, instance: Any, migration: Any) -> None:
    """``_do_live_migration``'s 'Live migration failed.': the migration ``error``, the server
    (read again) ERROR with no task if it is still there; no fault (the job's thread has no
    decorators)."""
    manager.db.migration_save(migration, "error", manager.actor)
    try:
        instance = manager.db.instance_get(instance.uuid, manager.actor)
    except exception.InstanceNotFound:
        return
    instance.set_error_state()


def _post_live_migration(
    manager: Any, context: Any, instance: Any, dest: str, migrate_data: dict, migration: Any
) -> Generator:
    """``_post_live_migration``: the source's old attachments deleted, its guest gone, the
    destination told, the migration ``completed``."""
    _notify(manager, instance, "live_migration._post", "live_migration_post", "start")
    old = migrate_data.get("old_vol_attachment_ids") or {}
    for volume_id in old:  # driver.post_live_migration: each volume disconnected here
        try:
            yield from encryptors.read_unless_secret(manager.nova, context, volume_id)
        except Exception as exc:  # noqa: BLE001
            if manager.switches.lp1843639:  # up the monitor: 'Live migration failed.'
                _live_migration_failed(manager, instance, migration)
                return
            manager._log(
                instance.uuid,
                "error",
                f"Ignoring exception while attempting to disconnect volume {volume_id} on "
                f"the source host during post_live_migration: {exc}",
            )
    for attachment_id in old.values():
        yield from manager.volume_api.attachment_delete(context, attachment_id)
    manager.driver.destroy(instance)  # driver.cleanup: the guest (and its disk) left here
    try:
        yield from manager.nova.compute_rpcapi.call(
            context, instance, "post_live_migration_at_destination", dest,
            block_migration=migrate_data.get("block_migration"),
        )  # fmt: skip
    except Exception as exc:  # noqa: BLE001 - "Post live migration at destination %s failed"
        manager._log(instance.uuid, "error", f"Post live migration at destination failed: {exc}")
        if manager.switches.release.version >= POST_AT_DEST_RAISES_SINCE:
            _post_at_destination_failed(manager, instance, dest, migration, exc)
            return
        # Before a87b80fb39 the source goes on: the migration ends 'completed' while the server
        # keeps its source host and task_state migrating (the destination never took it).
    _notify(manager, instance, "live_migration._post", "live_migration_post", "end")
    manager.db.migration_save(migration, "completed", manager.actor)


def _post_at_destination_failed(
    manager: Any, instance: Any, dest: str, migration: Any, exc: Exception
) -> None:
    """From 31.0.0 ``_post_live_migration`` raises: its ``wrap_instance_fault`` and
    ``wrap_exception``, then ``_post_live_migration_update_host`` gives the server to the
    destination (host, node, task_state none), and ``_do_live_migration``'s 'Live migration
    failed.' sets the migration ``error`` and the server ERROR."""
    manager.db.fault_create(instance.uuid, exc, manager.host, compute_utils.format_traceback(exc))
    manager.notifier.exception(manager.host, "_post_live_migration", exc, instance=instance.uuid)
    instance = manager.db.instance_get(instance.uuid, manager.actor)
    if instance.host != dest:
        instance.host = instance.node = dest
        instance.task_state = None
        instance.progress = 0
        instance.save()
    manager.db.migration_save(migration, "error", manager.actor)
    instance.set_error_state()


def _rollback(
    manager: Any,
    context: Any,
    instance: Any,
    dest: str,
    migrate_data: dict,
    migration: Any,
    status: str,
    pre: bool = False,
) -> Generator:
    """``_rollback_live_migration``: the destination's new attachments deleted and the old
    ones back, the destination cleaned up (a cast), task_state none, the migration `status`.
    The task state is saved expecting ``migrating`` (first before 21.0.0, after the cast
    from 21.0.0): a server deleted meanwhile raises `_PREEMPTED` there and nothing after it
    runs (nova 17.0.13/20.6.0/21.2.4/34.0.0), recorded as its decorators do: a fault (not for
    InstanceNotFound, ``wrap_instance_fault``) and ``wrap_exception``'s notifications."""
    try:
        yield from _rollback_steps(manager, context, instance, dest, migrate_data, migration,
                                   status)  # fmt: skip
    except Exception as exc:
        # wrap_instance_fault (not for InstanceNotFound) inside wrap_exception.
        if not isinstance(exc, exception.InstanceNotFound):
            manager.db.fault_create(
                instance.uuid, exc, manager.host, compute_utils.format_traceback(exc)
            )
        manager.notifier.exception(
            manager.host, "_rollback_live_migration", exc, instance=instance.uuid
        )
        raise


def _rollback_steps(
    manager: Any,
    context: Any,
    instance: Any,
    dest: str,
    migrate_data: dict,
    migration: Any,
    status: str,
) -> Generator:
    late = manager.switches.release.version >= ROLLBACK_SAVES_LAST_SINCE
    if not late:
        _clear_migrating(instance)
    old = migrate_data.get("old_vol_attachment_ids") or {}
    for bdm in manager.db.bdms_by_instance(instance.uuid):
        first = old.get(bdm.volume_id) if bdm.is_volume else None
        if first is not None and bdm.attachment_id and bdm.attachment_id != first:
            yield from manager.volume_api.attachment_delete(context, bdm.attachment_id)
            bdm.attachment_id = first
    _notify(manager, instance, "live_migration._rollback", "live_migration_rollback", "start")
    manager.nova.compute_rpcapi.cast(
        context, instance, "rollback_live_migration_at_destination", dest,
        destroy_disks=bool(migrate_data.get("block_migration")),
    )  # fmt: skip
    if late:
        _clear_migrating(instance)
    _notify(manager, instance, "live_migration._rollback", "live_migration_rollback", "end")
    manager.db.migration_save(migration, status, manager.actor)


#: What the rollback's save raises for a server no longer ``migrating`` (deleting, or gone).
_PREEMPTED = (exception.InstanceNotFound, exception.UnexpectedTaskStateError)


def _clear_migrating(instance: Any) -> None:
    instance.task_state = None
    instance.progress = 0
    instance.save(expected_task_state=[states.MIGRATING])


def pre_live_migration(
    manager: Any, context: Any, instance: Any, block_migration: bool, migrate_data: dict
) -> Generator[Any, Any, dict]:
    """On the destination: each volume attached here too, the old attachment ids kept for
    the source. Nova 17.0.13, 27.5.1 and 34.0.0 (``pre_live_migration`` /
    ``_do_pre_live_migration``) in this order: a new attachment with this host's connector for
    each volume (Cinder's ``attachment_update`` inside it: the volume ``attaching``), each read
    back (``refresh_conn_info``), each connected by the driver (`NovaConfig.volume_connect_s`
    a volume), then each completed (``in-use`` again)."""
    instance = manager._receive(instance)
    event = manager._event(context, instance, "compute_pre_live_migration")
    migrate_data = dict(migrate_data, old_vol_attachment_ids={})
    try:
        violated = _group_check(manager, instance)
        if violated is not None:
            raise violated
        _notify(manager, instance, "live_migration.pre", "live_migration_pre", "start")
        bdms = manager.db.bdms_by_instance(instance.uuid)
        volumes = [bdm for bdm in bdms if bdm.is_volume and bdm.attachment_id is not None]
        old = migrate_data["old_vol_attachment_ids"]
        for bdm in volumes:
            new_id = yield from manager.volume_api.attachment_create(
                context, bdm.volume_id, instance.uuid, connector(manager.host),
                bdm.device_name, id_only=True,
            )  # fmt: skip
            old[bdm.volume_id] = bdm.attachment_id
            bdm.attachment_id = new_id
        # ``_get_instance_block_device_info(refresh_conn_info=True)``: each new attachment read
        # back for its connection info (``refresh_connection_info``'s ``attachment_get``)
        for bdm in volumes:
            yield from manager.volume_api.attachment_get(context, bdm.attachment_id)
        # ``driver.pre_live_migration``: each volume's ``_connect_volume`` here, os-brick's
        # connect, then its encryptor
        for bdm in volumes:
            yield from connect_volume(manager.nova)
            yield from encryptors.read(manager.nova, context, bdm.volume_id)
        for bdm in volumes:
            yield from manager.volume_api.attachment_complete(context, bdm.attachment_id)
        _notify(manager, instance, "live_migration.pre", "live_migration_pre", "end")
    except Exception as exc:
        _record_failure(manager, instance, event, exc)
        raise
    event.finish()
    return migrate_data


def post_live_migration_at_destination(
    manager: Any, context: Any, instance: Any, block_migration: bool | None
) -> Generator:
    """On the destination: the server is this host's (host, node, power state), task_state
    none."""
    instance = manager._receive(instance)
    event = manager._event(context, instance, "compute_post_live_migration_at_destination")
    try:
        _notify(manager, instance, "live_migration.post.dest", "live_migration_post_dest",
                "start")  # fmt: skip
        yield manager.kernel.timeout(0)
        instance.host = manager.host
        instance.node = manager.host
        instance.power_state = manager._power_state_of(instance)
        instance.task_state = None
        instance.progress = 0
        instance.save(expected_task_state=states.MIGRATING)
        _notify(manager, instance, "live_migration.post.dest", "live_migration_post_dest",
                "end")  # fmt: skip
    except Exception as exc:
        event.finish(exc)
        raise
    event.finish()


def rollback_live_migration_at_destination(
    manager: Any, context: Any, instance: Any, destroy_disks: bool
) -> None:
    """On the destination: what a block migration copied here is dropped."""
    instance = manager._receive(instance)
    event = manager._event(context, instance, "compute_rollback_live_migration_at_destination")
    _notify(manager, instance, "live_migration.rollback.dest", "live_migration_rollback_dest",
            "start")  # fmt: skip
    _notify(manager, instance, "live_migration.rollback.dest", "live_migration_rollback_dest",
            "end")  # fmt: skip
    event.finish()


def live_migration_abort(manager: Any, context: Any, instance: Any, migration_id: int) -> bool:
    """On the source: a job still waiting for the worker is cancelled there; a running one is
    aborted in libvirt; any other state is `InvalidMigrationState` (in the event only, and
    False returned)."""
    instance = manager._receive(instance)
    event = manager._event(context, instance, "compute_live_migration_abort")
    try:
        _notify(manager, instance, "live.migration.abort", "live_migration_abort", "start")
        found = (manager.live_waiting or {}).pop(instance.uuid, None)
        if found is not None:
            migration, proc = found
            if not proc.is_alive or _still_queued(manager, migration):
                instance.task_state = None
                instance.save(expected_task_state=[states.MIGRATING])
                manager.db.migration_save(migration, "cancelled", manager.actor)
        else:
            migration = (manager.db.migrations or {}).get(migration_id)
            if migration is None or migration.status != "running":
                raise exception.InvalidMigrationState(
                    migration_id=migration_id,
                    instance_uuid=instance.uuid,
                    state=None if migration is None else migration.status,
                    method="abort live migration",
                )
            libvirt_lm.abort(manager.driver, instance)
        _notify(manager, instance, "live.migration.abort", "live_migration_abort", "end")
    except Exception as exc:
        _record_failure(manager, instance, event, exc)
        return False
    event.finish()
    return True


def _still_queued(manager: Any, migration: Any) -> bool:
    """Whether the job has not started (``future.cancel()`` succeeds): still ``queued``."""
    return migration.status == "queued"


def live_migration_force_complete(manager: Any, context: Any, instance: Any) -> None:
    """On the source: the libvirt job told to finish now (`NoActiveMigrationForInstance`, in
    the event only, when there is none)."""
    instance = manager._receive(instance)
    event = manager._event(context, instance, "compute_live_migration_force_complete")
    try:
        _notify(manager, instance, "live.migration.force.complete",
                "live_migration_force_complete", "start")  # fmt: skip
        libvirt_lm.force_complete(manager.driver, instance)
        _notify(manager, instance, "live.migration.force.complete",
                "live_migration_force_complete", "end")  # fmt: skip
    except Exception as exc:
        _record_failure(manager, instance, event, exc)
        return
    event.finish()


def init_live_migrations(manager: Any, context: Any) -> None:
    """``_init_instance``'s live-migration branch for the servers of a restarted source: the
    jobs died with the service (nothing waits for the worker any more); a server left
    ``migrating`` gets task_state none and, from 20.2.0 (``_reset_live_migration``), its
    ``running`` migration is aborted (which finds no job: 'Failed to abort live-migration')
    and set ``error``; before, the migration is left as it was."""
    manager.live_waiting.clear()
    db = manager.db
    for row in db.instances_on_host(manager.host):
        if row.task_state != states.MIGRATING or row.vm_state == states.ERROR:
            continue
        instance = db.instance_get(row.uuid, manager.actor)
        if manager.switches.release.version >= RESET_AT_STARTUP_SINCE:
            try:
                migration = db.migration_by_instance_and_status(instance.uuid, "running")
            except exception.MigrationNotFoundByStatus:
                migration = None
            if migration is not None:
                if not live_migration_abort(manager, context, instance.clone(), migration.id):
                    manager._log(instance.uuid, "error", "Failed to abort live-migration")
                db.migration_save(migration, "error", manager.actor)
            manager._log(
                instance.uuid,
                "info",
                "Instance found in migrating state during startup. Resetting task_state",
            )
        instance.task_state = None
        instance.save(expected_task_state=[states.MIGRATING])
