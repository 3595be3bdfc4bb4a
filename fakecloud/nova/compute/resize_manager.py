"""The compute hosts' part of a resize or cold migration (``nova/compute/manager.py``,
17.0.13-34.0.0): ``prep_resize`` on the destination, ``resize_instance`` on the source,
``finish_resize`` on the destination; then ``confirm_resize`` on the source, or
``revert_resize`` on the destination and ``finish_revert_resize`` on the source.

The task states and the migration's status move as Nova moves them: ``resize_prep`` (API) →
``resize_migrating`` (migration ``migrating``) → the guest powered off and its root disk copied
host to host (`LibvirtDriver.migrate_disk_and_power_off`; a volume-backed server's root stays in
Cinder), each volume's attachment replaced by one with no connector → ``resize_migrated`` with the
server's host the destination (``post-migrating``) → ``resize_finish``, the new flavor, the
attachments given the destination's connector, the guest defined and started again if it ran, the
attachments completed → vm_state ``resized`` (``VERIFY_RESIZE``), migration ``finished``. The
vm_state the server had (``old_vm_state``) is what a confirm or revert goes back to: a confirm
(``confirming`` → ``confirmed``) deletes the kept guest on the source; a revert
(``resize_reverting``, ``reverting`` → ``reverted``) destroys the new guest, then the source takes
the server back with its old flavor.

Each step is an instance action event (``compute_prep_resize``, ``compute_resize_instance``,
``compute_finish_resize``, ``compute_confirm_resize``, ``compute_revert_resize``,
``compute_finish_revert_resize``) on its host. A disk that would shrink is refused by the
driver (`ResizeError` 'Unable to resize disk down.'): the resize is rolled back
(``InstanceFaultRollback``: the old vm_state, task_state none, a fault, the migration
``error``). Any other failure leaves the server in ERROR and the migration ``error``
(``_error_out_instance_on_exception``, ``errors_out_migration``).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.nova import compute_nodes, exception, states
from fakecloud.nova.block_device import connect_for_spawn, connector
from fakecloud.nova.compute import instance_lock, move_reschedule
from fakecloud.nova.compute import utils as compute_utils
from fakecloud.nova.context import admin_context
from fakecloud.nova.virt import encryptors
from fakecloud.profiles.provenance import Backport, Change

#: ``[DEFAULT] periodic_interval``: how often a compute's periodic tasks run (their ticks are
#: at whole multiples of it, from the cloud's start).
PERIODIC_INTERVAL_S = 60


#: The system metadata key ``_prep_resize`` stashes the server's vm_state under; a
#: confirm and a revert drop it (``_delete_stashed_flavor_info`` from 23.0.0; 17.x-22.x pop
#: it in ``_confirm_resize`` and at ``finish_revert_resize``'s start).
OLD_VM_STATE = "old_vm_state"


def old_vm_state(instance: Any) -> str:
    """The vm_state a move started from (``active`` when none is stashed, as Nova defaults):
    a ``stopped`` server's guest is not started on the destination, nor after a revert."""
    return instance.system_metadata.get(OLD_VM_STATE, states.ACTIVE)


def _forget_old_vm_state(instance: Any) -> None:
    meta = instance.system_metadata
    if OLD_VM_STATE in meta:
        instance.system_metadata = {k: v for k, v in meta.items() if k != OLD_VM_STATE}


def _already_off(instance: Any) -> Any:
    """A reverted stopped server's ``power_off``: libvirt's ``_clean_shutdown`` finds the
    guest shut off ("Instance already shutdown.") and returns at once."""
    return iter(())


def _failed(manager: Any, instance: Any, migration: Any, event: Any, exc: Exception) -> None:
    """A step failed: the migration ``error``; unless the server is gone, a fault and ERROR
    (the old vm_state with task_state none for a rollback, `exception.ResizeError`)."""
    manager.db.migration_save(migration, "error", manager.actor)
    if not isinstance(exc, exception.InstanceNotFound):
        manager.db.fault_create(
            instance.uuid, exc, manager.host, compute_utils.format_traceback(exc)
        )
        try:
            instance.vm_state = (
                _rollback_state(manager, instance)
                if isinstance(exc, exception.ResizeError)
                else states.ERROR
            )
            instance.task_state = None
            instance.save()
        except exception.InstanceNotFound:
            pass
    event.finish(exc)


#: ``resize_instance``'s rollback (``InstanceFaultRollback``) puts the server back in the
#: vm_state it had; before, ``_error_out_instance_on_exception``'s default ``active``, so a
#: stopped server refused a smaller disk showed ACTIVE with its guest off.
ROLLBACK_KEEPS_VM_STATE = Change(
    "21.0.0",
    "5a20996405",
    "Reset instance to current vm_state if rolling back in resize_instance",
    backports=(Backport("20.1.0", "f3763778dd"),),
)


def _rollback_state(manager: Any, instance: Any) -> str:
    if ROLLBACK_KEEPS_VM_STATE.reaches(manager.switches.release):
        return instance.vm_state
    return states.ACTIVE


def _terminate_volume_connections(
    manager: Any, context: Any, instance: Any, bdms: list[Any]
) -> Generator:
    """``_terminate_volume_connections``: each volume's attachment to this host is replaced by
    a new one with no connector (created first, so the volume stays reserved), its old one
    deleted: Cinder has no disconnect and reconnect of an attachment."""
    volume_api = manager.volume_api
    for bdm in bdms:
        if bdm.is_volume and bdm.attachment_id:
            new_id = yield from volume_api.attachment_create(
                context, bdm.volume_id, instance.uuid, id_only=True
            )
            yield from volume_api.attachment_delete(context, bdm.attachment_id)
            bdm.attachment_id = new_id


def detach_block_devices(
    manager: Any, context: Any, instance: Any, bdms: list[Any], detach_root: bool = True
) -> Generator:
    """A rebuild's ``detach_block_devices`` (17.0.0-34.0.0 ``rebuild_instance``): for each
    volume a new attachment with no connector first (so it never goes ``available``), then
    ``_detach_volume`` (``destroy_bdm=False``) sends versioned ``volume_detach.start``, deletes
    the old one and sends legacy ``volume.detach`` and versioned ``volume_detach.end``; the root
    volume left alone without `detach_root` (a 2.93 rebuild reimages it)."""
    volume_api, notifier, host = manager.volume_api, manager.notifier, manager.host
    for bdm in bdms:
        if bdm.is_volume and bdm.attachment_id and (detach_root or not bdm.is_root):
            volume_id = bdm.volume_id
            new_id = yield from volume_api.attachment_create(
                context, volume_id, instance.uuid, id_only=True
            )
            notifier.instance_action(
                host, "nova-compute", instance, "volume_detach.start", volume_id=volume_id
            )
            yield from volume_api.attachment_delete(context, bdm.attachment_id)
            notifier.instance_usage(host, instance, "volume.detach", volume_id=volume_id)
            notifier.instance_action(
                host, "nova-compute", instance, "volume_detach.end", volume_id=volume_id
            )
            bdm.attachment_id = new_id


def _update_volume_attachments(
    manager: Any, context: Any, instance: Any, bdms: list[Any]
) -> Generator:
    """``_update_volume_attachments``: each attachment gets this host's connector."""
    for bdm in bdms:
        if bdm.is_volume and bdm.attachment_id:
            yield from manager.volume_api.attachment_update(
                context, bdm.attachment_id, connector(manager.host), bdm.device_name, view=False
            )


def _complete_volume_attachments(manager: Any, context: Any, bdms: list[Any]) -> Generator:
    """``_complete_volume_attachments``: the volumes are ``in-use`` again."""
    for bdm in bdms:
        if bdm.is_volume and bdm.attachment_id:
            yield from manager.volume_api.attachment_complete(context, bdm.attachment_id)


def prep_resize(
    manager: Any,
    context: Any,
    instance: Any,
    migration: Any,
    host_list: list[str] | None = None,
    retry: dict[str, Any] | None = None,
) -> Generator:
    """On the destination: the late server group check (`move_reschedule`), then claim the
    new flavor here (the migration names this host), stash the vm_state, and cast
    ``resize_instance`` to the source."""
    instance = manager._receive(instance)
    event = manager._event(context, instance, "compute_prep_resize")
    try:
        yield manager.kernel.env.timeout(0)
        failure = None
        if manager.nova.server_groups is not None:
            failure = move_reschedule.late_move_check(manager, instance)
        if failure is None and not instance.host:
            failure = _no_source_host(instance)
        if failure is None and move_reschedule.CLAIM in manager.kernel.faults.hot:
            failure = yield from move_reschedule.claim_failure(manager, instance)
        if failure is not None:
            manager.notifier.usage_exists(manager.host, instance)
            manager.notifier.instance_usage(manager.host, instance, "resize.prep.start")
            manager.notifier.instance_action(
                manager.host, "nova-compute", instance, "resize_prep.start"
            )
            yield from move_reschedule.prep_failed(
                manager, context, instance, migration, event, failure, host_list, retry
            )
            return
        index = list(manager.nova.hosts).index(manager.host) + 1
        # ``_prep_resize``: "Stash the old vm_state so we can set the resized/reverted
        # instance back to the same state later."
        instance.system_metadata = {**instance.system_metadata, OLD_VM_STATE: instance.vm_state}
        instance.save()
        manager.db.migration_save(
            migration,
            "pre-migrating",
            manager.actor,
            dest_compute=manager.host,
            dest_node=manager.host,
            dest_host=compute_nodes.host_ip(index),
        )
        manager.notifier.usage_exists(manager.host, instance)
        manager.notifier.instance_usage(manager.host, instance, "resize.prep.start")
        manager.notifier.instance_action(
            manager.host, "nova-compute", instance, "resize_prep.start"
        )
        manager.notifier.instance_usage(manager.host, instance, "resize.prep.end")
        manager.notifier.instance_action(manager.host, "nova-compute", instance, "resize_prep.end")
    except Exception as exc:  # noqa: BLE001
        _failed(manager, instance, migration, event, exc)
        return
    event.finish()
    manager.nova.compute_rpcapi.cast(
        context, instance, "resize_instance", migration.source_compute, migration=migration
    )


def _no_source_host(instance: Any) -> Exception:
    """``_prep_resize``'s first check (nova 17.0.0-34.0.0): a server without a host (reset to
    active after its shelve offload) is set to ERROR (``_set_instance_obj_error_state``, its
    task_state kept) and the move fails as any failure of the destination does. Without it
    the ``resize_instance`` cast to no host raised out of the simulation."""
    instance.vm_state = states.ERROR
    instance.save()
    return exception.MigrationError(reason="Instance has no source host")


def resize_instance(manager: Any, context: Any, instance: Any, migration: Any) -> Generator:
    """On the source: ``resize_migrating``, the guest off and its disk copied to the
    destination, the server's host the destination (``resize_migrated``), then
    ``finish_resize`` cast there."""
    instance = manager._receive(instance)
    event = manager._event(context, instance, "compute_resize_instance")
    try:
        manager.db.migration_save(migration, "migrating", manager.actor)
        instance.task_state = states.RESIZE_MIGRATING
        instance.save(expected_task_state=states.RESIZE_PREP)
        manager.notifier.instance_usage(manager.host, instance, "resize.start")
        manager.notifier.instance_action(manager.host, "nova-compute", instance, "resize.start")
        bdms = manager.db.bdms_by_instance(instance.uuid)
        volume_backed = compute_utils.is_volume_backed_instance(instance, bdms)
        dest = manager.nova.hosts[migration.dest_compute].driver
        source = yield from manager.driver.migrate_disk_and_power_off(
            instance,
            migration.new_flavor,
            dest,
            volume_backed,
            encryptors.disconnect_all(manager.nova, context, bdms),
        )
        yield from _terminate_volume_connections(manager, context, instance, bdms)
        manager.db.migration_save(migration, "post-migrating", manager.actor)
        instance.host = migration.dest_compute
        instance.node = migration.dest_node
        instance.task_state = states.RESIZE_MIGRATED
        instance.save(expected_task_state=states.RESIZE_MIGRATING)
        manager.notifier.instance_usage(manager.host, instance, "resize.end")
        manager.notifier.instance_action(manager.host, "nova-compute", instance, "resize.end")
    except Exception as exc:  # noqa: BLE001
        _failed(manager, instance, migration, event, exc)
        return
    event.finish()
    # ``disk_info``: what the destination defines its guest over (the copied disk).
    manager.nova.compute_rpcapi.cast(
        context, instance, "finish_resize", migration.dest_compute, migration=migration,
        disk_info=source,
    )  # fmt: skip


def finish_resize(
    manager: Any, context: Any, instance: Any, migration: Any, disk_info: Any
) -> Generator:
    """On the destination: the new flavor, ``resize_finish``, the guest defined here (and
    started if it ran), then ``resized`` with the migration ``finished``."""
    instance = manager._receive(instance)
    event = manager._event(context, instance, "compute_finish_resize")
    try:
        manager.db.instance_set_flavor(instance, migration.new_flavor)
        instance.task_state = states.RESIZE_FINISH
        instance.save(expected_task_state=states.RESIZE_MIGRATED)
        manager.notifier.instance_usage(manager.host, instance, "finish_resize.start")
        manager.notifier.instance_action(
            manager.host, "nova-compute", instance, "resize_finish.start"
        )
        bdms = manager.db.bdms_by_instance(instance.uuid)
        yield from _update_volume_attachments(manager, context, instance, bdms)
        power_on = old_vm_state(instance) != states.STOPPED
        # libvirt finish_migration's _get_guest_xml connects each volume (as a spawn's)
        yield from connect_for_spawn(manager.nova, context, bdms)
        yield from manager.driver.finish_migration(
            instance, disk_info, migration.new_flavor, power_on
        )
        yield from _complete_volume_attachments(manager, context, bdms)
        manager.db.migration_save(migration, "finished", manager.actor)
        instance.power_state = manager.driver.get_info(instance)
        instance.vm_state = states.RESIZED
        instance.task_state = None
        instance.save(expected_task_state=states.RESIZE_FINISH)
        manager.notifier.instance_usage(manager.host, instance, "finish_resize.end")
        manager.notifier.instance_action(
            manager.host, "nova-compute", instance, "resize_finish.end"
        )
    except Exception as exc:  # noqa: BLE001
        _failed(manager, instance, migration, event, exc)
        return
    event.finish()
    if manager.config.resize_confirm_window_s:
        manager.kernel.spawn(
            poll_unconfirmed_resize(manager, migration),
            name=f"{manager.actor} _poll_unconfirmed_resizes {migration.id}",
        )


#: ``do_confirm_resize`` takes the cast's migration instead of ``Migration.get_by_id``.
CONFIRM_CAST_COPY_SINCE = (22, 0, 0)


def _confirmable(manager: Any, instance: Any, migration: Any) -> bool:
    """``do_confirm_resize``'s look at the migration under the lock: one already
    ``confirmed`` (a second confirm: the periodic one, or a delete's, behind the user's) or in
    a state other than ``finished``/``confirming`` is left alone, only logged. Until 21.x it
    reads the row again (``Migration.get_by_id``); from 22.0.0 it reads the cast's copy, which
    the API (or a delete) sent ``finished`` or ``confirming``: nothing is refused."""
    if manager.kernel.switches.release.version >= CONFIRM_CAST_COPY_SINCE:
        return True
    current = (manager.db.migrations or {}).get(migration.id)
    if current is None:
        manager._log(
            instance.uuid, "error", f"Migration {migration.id} is not found during confirmation"
        )
        return False
    if current.status == "confirmed":
        manager._log(instance.uuid, "info", f"Migration {current.id} is already confirmed")
        return False
    if current.status not in ("finished", "confirming"):
        manager._log(
            instance.uuid,
            "warning",
            f"Unexpected confirmation status '{current.status}' of migration {current.id}, "
            "exit confirmation process",
        )
        return False
    return True


def confirm_resize(manager: Any, context: Any, instance: Any, migration: Any) -> Generator:
    """On the source: the kept guest deleted, the migration ``confirmed``, the server
    ``active`` (``stopped`` if its guest is off)."""
    instance = manager._receive(instance)
    event = manager._event(context, instance, "compute_confirm_resize")
    uuid = instance.uuid
    yield from instance_lock.acquire(manager, uuid)  # do_confirm_resize
    if not _confirmable(manager, instance, migration):
        instance_lock.release(manager, uuid)
        event.finish()
        return
    try:
        manager.notifier.instance_usage(manager.host, instance, "resize.confirm.start")
        manager.notifier.instance_action(
            manager.host, "nova-compute", instance, "resize_confirm.start"
        )
        yield manager.kernel.env.timeout(manager.config.delete_delay_s)
        manager.driver.confirm_migration(instance)
        manager.db.migration_save(migration, "confirmed", manager.actor)
        _forget_old_vm_state(instance)
        # The guest's power state decides, not ``old_vm_state``: the user may have started
        # a stopped server while it awaited the confirm.
        stopped = instance.power_state == states.SHUTDOWN
        instance.vm_state = states.STOPPED if stopped else states.ACTIVE
        instance.task_state = None
        instance.save(expected_task_state=[None, states.DELETING, states.SOFT_DELETING])
        manager.notifier.instance_usage(manager.host, instance, "resize.confirm.end")
        manager.notifier.instance_action(
            manager.host, "nova-compute", instance, "resize_confirm.end"
        )
    except Exception as exc:  # noqa: BLE001
        _failed(manager, instance, migration, event, exc)
        return
    finally:
        instance_lock.release(manager, uuid)
    event.finish()


def revert_resize(manager: Any, context: Any, instance: Any, migration: Any) -> Generator:
    """On the destination: the new guest destroyed, the migration ``reverted``, then
    ``finish_revert_resize`` cast to the source."""
    instance = manager._receive(instance)
    event = manager._event(context, instance, "compute_revert_resize")
    try:
        # "A revert_resize is essentially a resize back to the old size": a usage event.
        manager.notifier.usage_exists(manager.host, instance)
        yield manager.kernel.env.timeout(manager.config.delete_delay_s)
        manager.driver.destroy(instance)
        bdms = manager.db.bdms_by_instance(instance.uuid)
        yield from _terminate_volume_connections(manager, context, instance, bdms)
        manager.db.migration_save(migration, "reverted", manager.actor)
    except Exception as exc:  # noqa: BLE001
        _failed(manager, instance, migration, event, exc)
        return
    event.finish()
    manager.nova.compute_rpcapi.cast(
        context, instance, "finish_revert_resize", migration.source_compute, migration=migration
    )


def finish_revert_resize(manager: Any, context: Any, instance: Any, migration: Any) -> Generator:
    """On the source: the old flavor and host back, the kept guest back (started if it ran),
    the old vm_state with task_state none."""
    instance = manager._receive(instance)
    event = manager._event(context, instance, "compute_finish_revert_resize")
    try:
        manager.notifier.instance_usage(manager.host, instance, "resize.revert.start")
        manager.notifier.instance_action(
            manager.host, "nova-compute", instance, "resize_revert.start"
        )
        manager.db.instance_set_flavor(instance, migration.old_flavor)
        instance.host = migration.source_compute
        instance.node = migration.source_node
        instance.save()
        bdms = manager.db.bdms_by_instance(instance.uuid)
        yield from _update_volume_attachments(manager, context, instance, bdms)
        power_on = old_vm_state(instance) != states.STOPPED
        # finish_revert_migration's _get_guest_xml likewise
        yield from connect_for_spawn(manager.nova, context, bdms)
        yield from manager.driver.finish_revert_migration(instance, power_on)
        yield from _complete_volume_attachments(manager, context, bdms)
        instance.power_state = manager.driver.get_info(instance)
        _forget_old_vm_state(instance)
        if power_on:
            instance.vm_state = states.ACTIVE
            instance.task_state = None
            instance.save(expected_task_state=states.RESIZE_REVERTING)
        else:
            # "if the original vm state was STOPPED, set it back to STOPPED": still
            # ``resized``, ``powering-off``, then ``stop_instance`` in this task (its own
            # event and ``power_off`` notifications; the guest is off already).
            instance.save(expected_task_state=states.RESIZE_REVERTING)
            instance.task_state = states.POWERING_OFF
            instance.save()
            yield from manager._power_action(
                context,
                instance,
                "compute_stop_instance",
                _already_off,
                states.POWERING_OFF,
                states.STOPPED,
                "power_off",
            )
        manager.notifier.instance_usage(manager.host, instance, "resize.revert.end")
        manager.notifier.instance_action(
            manager.host, "nova-compute", instance, "resize_revert.end"
        )
    except Exception as exc:  # noqa: BLE001
        _failed(manager, instance, migration, event, exc)
        return
    event.finish()


def poll_unconfirmed_resize(manager: Any, migration: Any) -> Generator:
    """``_poll_unconfirmed_resizes`` on the destination for one migration, from the first
    periodic tick at which it has been ``finished`` for ``resize_confirm_window`` seconds:
    the server confirmed as the API confirms it (a ``confirmResize`` action of an admin
    context with no user); not when it is gone, in error or in another state (the migration
    ``error``), being deleted or still finishing (skipped). A confirm that fails (the source
    compute down) is tried again at the next tick."""
    kernel = manager.kernel
    window = manager.config.resize_confirm_window_s
    due = (migration.updated_at or migration.created_at) + window
    tick = -(-due // PERIODIC_INTERVAL_S) * PERIODIC_INTERVAL_S
    while True:
        yield kernel.env.timeout(max(0.0, tick - kernel.now))
        tick += PERIODIC_INTERVAL_S
        if migration.status != "finished" or migration.dest_compute != manager.host:
            return
        if (migration.updated_at or 0.0) + window > kernel.now:
            continue
        row = manager.db.instance_row(migration.instance_uuid)
        reason = None
        if row is None or row.deleted:
            reason = f"Instance {migration.instance_uuid} not found"
        elif row.vm_state == states.ERROR:
            reason = "In ERROR state"
        elif row.task_state in (states.DELETING, states.SOFT_DELETING, states.RESIZE_FINISH):
            continue
        elif row.vm_state != states.RESIZED or row.task_state is not None:
            reason = f"In states {row.vm_state}/{row.task_state}, not RESIZED/None"
        if reason is not None:
            manager._log(
                migration.instance_uuid,
                "warning",
                f"Setting migration {migration.id} to error: {reason}",
            )
            manager.db.migration_save(migration, "error", manager.actor)
            return
        context = admin_context(kernel.ids.request_id())
        instance = manager.db.instance_get(row.uuid, manager.actor)
        try:
            manager.nova.compute_api.confirm_resize(context, instance)
        except Exception as exc:  # noqa: BLE001 - logged, tried again at the next tick
            manager._log(
                instance.uuid,
                "error",
                f"Error auto-confirming resize: {exc}. Will retry later.",
            )
            continue
        return


def init_resizes(manager: Any, context: Any) -> Generator:
    """``_init_instance``'s resize branches for the servers on a restarted host, before it
    takes messages: ``resize_prep`` is cleared ('Instance in transitional state resize_prep at
    start-up clearing task state'); ``resize_migrating`` (the crash came during the disk copy)
    is rolled back for safety (`LibvirtDriver.finish_revert_migration`: the guest back, started
    unless it was stopped), then its task_state cleared. The migration is left as it was, and
    a server caught in ``resize_migrated`` or ``resize_finish`` stays so, as in Nova."""
    db = manager.db
    for row in db.instances_on_host(manager.host):
        if row.task_state == states.RESIZE_PREP and row.vm_state != states.ERROR:
            instance = db.instance_get(row.uuid, manager.actor)
            manager._log(
                instance.uuid,
                "debug",
                "Instance in transitional state resize_prep at start-up clearing task state",
            )
            instance.task_state = None
            instance.save()
        elif row.task_state == states.RESIZE_MIGRATING:
            instance = db.instance_get(row.uuid, manager.actor)
            power_on = old_vm_state(instance) != states.STOPPED
            try:
                # finish_revert_migration's _get_guest_xml connects each volume (`context`:
                # init_host's admin context)
                bdms = db.bdms_by_instance(instance.uuid)
                yield from connect_for_spawn(manager.nova, context, bdms)
                yield from manager.driver.finish_revert_migration(instance, power_on)
            except Exception:  # noqa: BLE001 - logged, init_host goes on
                manager._log(instance.uuid, "error", "Failed to revert crashed migration")
            manager._log(
                instance.uuid,
                "info",
                "Instance found in migrating state during startup. Resetting task_state",
            )
            instance.task_state = None
            instance.save()
