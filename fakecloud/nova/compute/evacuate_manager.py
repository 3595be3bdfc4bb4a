"""The compute hosts' part of an evacuation (``compute/manager.py`` ``rebuild_instance`` with
``recreate``, ``_do_rebuild_instance``, ``_rebuild_default_impl``, ``_destroy_evacuated_instances``;
``resource_tracker.py`` ``rebuild_claim``, ``finish_evacuation``; nova 17.0.13, 20.6.0,
23.2.2, 25.2.1, 28.0.0, 29.2.0, 34.0.0).

On the destination (event ``compute_rebuild_instance``): the claim makes the migration
``pre-migrating`` with this host as its destination; the server's group is checked again
(`server_groups.late_violation`); from 2.95 the server is to end ``stopped`` unless it was in
error. No shared storage here: ``onSharedStorage`` true (before 2.14) is refused ("Invalid
state of instance files on shared storage"). Then ``rebuild.start``, ``rebuilding``; each
volume's attachment to the dead host is replaced by one with no connector (`detach_block_devices`:
created first, the old one deleted), ``rebuild_block_device_mapping``, the attachments given
this host's connector and completed, ``rebuild_spawning``, the guest spawned here (each volume
connected, `NovaConfig.volume_connect_s`, as a build's spawn connects them; an
image-backed server's disk made again from its image: nothing is copied from the dead host;
17.x and 18.x read the image from Glance before ``rebuild.start``, from 19.0.0 (`IMAGE_FROM_SPAWN`)
libvirt's image cache fetches it at the spawn: a deleted image fails the evacuation there, as no
host here caches one),
``active`` (then powered off again if it was ``stopped``), ``rebuild.end``; only then the
server's host and node are this host's and the migration ``done``.

A failure: the migration ``failed`` and ``rebuild.error``. The late group check's failure was a
``RescheduledException``: ERROR with a ``BuildAbortException`` fault until 21.0.0; from
26e1d9c723 (21.0.0) an ``InstanceFaultRollback``: the server back in its vm_state, task_state
none; from 56d320a203 (28.0.0; 25.3.0, 26.2.1, 27.2.0) a ``GroupAffinityViolation``, no longer
a reschedule: ERROR. Any other failure: ERROR, the fault its own.

The dead host keeps its guest until its nova-compute starts again: ``init_host`` first destroys
the guests of the servers evacuated from it (migrations ``accepted``, ``pre-migrating`` or
``done``, then ``completed``: from 20.0.0, 19.0.1 and 18.3.0 every one, before only those
whose guest was found), disconnecting their volumes as a delete does (an encrypted volume's
metadata read from Cinder unless QEMU decrypted it, an error only logged), and leaves them out
of ``_init_instance``. A server deleted since the evacuation (its guest still here:
``InstanceList.get_by_filters`` lists deleted rows unless a ``deleted`` filter says otherwise)
has its guest destroyed and its evacuation ``completed`` too (``not instance.deleted`` only
skips its allocations); an evacuation whose server is deleted and whose guest is gone stays as
it was (``Instance.get_by_uuid``: ``InstanceNotFound``, from `ALL_COMPLETED`). Before
`DELETED_SERVER_SAFE` (lp1794996: 17.0.0-17.0.9, 18.0.x) removing the deleted server's
allocations lazy-loads its flavor: ``InstanceNotFound`` after its guest is destroyed, and
nova-compute exits (``init_host`` raised; the next restart finds the guest gone and comes
up). Not modelled: the destroy's ``check_instance_shared_storage`` RPC call to the destination
(``_is_instance_storage_shared``, in 17.0.0-34.0.0 alike: the destination answers no shared
storage, so the disks are destroyed).
"""

from __future__ import annotations

from collections.abc import Generator
from types import SimpleNamespace
from typing import Any

from fakecloud.nova import compute_nodes, exception, server_groups, states
from fakecloud.nova.compute import utils as compute_utils
from fakecloud.nova.compute.reschedule import POLICY_EXCEPTION
from fakecloud.nova.compute.resize_manager import (
    _complete_volume_attachments,
    _update_volume_attachments,
    detach_block_devices,
)
from fakecloud.profiles.provenance import Backport, Change

#: ``InstanceFaultRollback`` around a failed rebuild claim or late check (26e1d9c723).
ROLLBACK_SINCE = (21, 0, 0)
#: ``_destroy_evacuated_instances``' statuses.
_EVACUATED = frozenset(("accepted", "pre-migrating", "done"))
#: Every evacuation from the host is ``completed``, its guest found here or not (before, only
#: those whose guest was found).
ALL_COMPLETED = Change(
    "20.0.0",
    "9cacaad14e",
    "cleanup evacuated instances not on hypervisor",
    backports=(Backport("19.0.1", "b8f2cd689f"), Backport("18.3.0", "09de94e39b")),
)
#: The image is read once the disk is made (libvirt's image cache fetches it in ``spawn``);
#: before, ``_do_rebuild_instance`` read it from Glance first.
IMAGE_FROM_SPAWN = Change(
    "19.0.0", "0c33cbb81f", "Remove redundant image GET call in _do_rebuild_instance"
)
#: A deleted server's allocations are not removed (``not instance.deleted``) and its lazy loads
#: read deleted rows; before, its flavor's lazy-load raised ``InstanceNotFound`` out of
#: ``init_host`` (lp1794996).
DELETED_SERVER_SAFE = Change(
    "19.0.0",
    "05cd8d1282",
    "Fix InstanceNotFound during _destroy_evacuated_instances",
    backports=(Backport("18.1.0", "0208d64397"), Backport("17.0.10", "6c7e53e210")),
)


def rebuild_evacuated(
    manager: Any,
    context: Any,
    instance: Any,
    migration: Any,
    new_pass: str | None,
    on_shared_storage: bool | None,
    target_state: str | None,
    scheduled_node: str | None = None,
) -> Generator[Any, Any, None]:
    """``rebuild_instance(recreate=True)`` on this, the destination host (`new_pass` is the
    password Nova hands the driver: no guest here takes one)."""
    # The API's evacuate passes no image, files or system metadata (17.0.0-34.0.0).
    args = manager.rebuild_call_args(
        orig_image_ref=None,
        image_ref=None,
        injected_files=None,
        orig_sys_metadata=None,
        recreate=True,
        on_shared_storage=on_shared_storage,
        preserve_ephemeral=False,
        scheduled_node=scheduled_node,
        target_state=target_state,
    )
    instance = manager._receive(instance)
    event = manager._event(context, instance, "compute_rebuild_instance")
    db = manager.db
    start_vm_state = orig_vm_state = instance.vm_state
    try:
        index = list(manager.nova.hosts).index(manager.host) + 1
        db.migration_save(
            migration,
            "pre-migrating",
            manager.actor,
            dest_compute=manager.host,
            dest_node=manager.host,
            dest_host=compute_nodes.host_ip(index),
        )
        _late_group_check(manager, instance)
        if target_state and orig_vm_state != states.ERROR:
            orig_vm_state = target_state
        if on_shared_storage:  # libvirt's instance_on_disk: no shared storage here
            raise exception.InvalidSharedStorage(
                "Invalid state of instance files on shared storage"
            )
        image = None
        bdms = db.bdms_by_instance(instance.uuid)
        volume_backed = compute_utils.is_volume_backed_instance(instance, bdms)
        fetch = not volume_backed and not IMAGE_FROM_SPAWN.reaches(manager.switches.release)
        if fetch:  # ``ImageMeta.from_image_ref`` (until 18.x)
            image = yield from manager.image_api.get(context, instance.image_ref)
        manager.notifier.usage_exists(manager.host, instance)
        manager.notifier.instance_usage(manager.host, instance, "rebuild.start")
        manager.notifier.instance_action(manager.host, "nova-compute", instance, "rebuild.start")
        instance.power_state = states.NOSTATE
        instance.task_state = states.REBUILDING
        instance.save(expected_task_state=[states.REBUILDING])
        # _rebuild_default_impl's evacuate branch: detach_block_devices, each volume's
        # _detach_volume notified as a detach is (17.0.0-34.0.0)
        yield from detach_block_devices(manager, context, instance, bdms)
        instance.task_state = states.REBUILD_BLOCK_DEVICE_MAPPING
        instance.save(expected_task_state=[states.REBUILDING])
        yield from _update_volume_attachments(manager, context, instance, bdms)
        yield from _complete_volume_attachments(manager, context, bdms)
        instance.task_state = states.REBUILD_SPAWNING
        instance.save(expected_task_state=[states.REBUILD_BLOCK_DEVICE_MAPPING])
        if not (fetch or volume_backed):  # the image cache's fetch in spawn: none cached here
            image = yield from manager.image_api.get(context, instance.image_ref)
        old = manager.nova.hosts[migration.source_compute].driver.domains.get(instance.uuid)
        yield from manager._spawn_rebuilt(
            context, instance, image, volume_backed, old, orig_vm_state, bdms
        )
    except (exception.InstanceNotFound, exception.UnexpectedDeletingTaskStateError) as exc:
        manager.driver.destroy(instance)
        manager._log(instance.uuid, "debug", "Instance was deleted while rebuilding")
        db.migration_save(migration, "failed", manager.actor)
        manager._rebuild_error(instance, exc)
        event.finish()
        return
    except Exception as exc:  # noqa: BLE001 - _error_out_instance_on_exception + fault
        db.migration_save(migration, "failed", manager.actor)
        manager._rebuild_error(instance, exc)
        raised = exc
        if isinstance(exc, exception.RescheduledException):
            raised = exception.BuildAbortException(
                instance_uuid=instance.uuid, reason=exc.format_message()
            )
        if raised is not exc and manager.switches.release.version >= ROLLBACK_SINCE:
            # ``InstanceFaultRollback``: the vm_state the rebuild started from, task none.
            instance.vm_state = start_vm_state
            instance.task_state = None
            try:
                instance.save()
            except exception.InstanceNotFound:
                pass
        else:
            instance.set_error_state(clean_task_state=False)
        manager._rebuild_raised(instance, args, raised, event)
        return
    # ``finish_evacuation``: the server is this host's, then the migration is done.
    instance.host = manager.host
    instance.node = manager.host
    instance.save()
    db.migration_save(migration, "done", manager.actor)
    event.finish()


def _late_group_check(manager: Any, instance: Any) -> None:
    """``_validate_instance_group_policy`` (with the request spec's hints) on this host."""
    nova = manager.nova
    if nova.server_groups is None:
        return
    group = server_groups.group_of(nova, instance.uuid)
    if group is None:
        return
    policy = server_groups.late_violation(nova, group, instance.uuid, manager.host)
    if policy is None:
        return
    if POLICY_EXCEPTION.reaches(manager.switches.release):
        raise exception.GroupAffinityViolation(instance_uuid=instance.uuid, policy=policy)
    raise exception.RescheduledException(
        instance_uuid=instance.uuid, reason=f"{policy} instance group policy was violated."
    )


def destroy_evacuated(manager: Any, context: Any) -> Generator[Any, Any, set[str] | None]:
    """``_destroy_evacuated_instances`` at a restart (`context`: ``init_host``'s): the guests
    still here of the servers evacuated from this host are destroyed (``driver.destroy`` with
    the server's volumes: `_destroy_guest`) and those migrations ``completed``; returns the
    servers' uuids, which ``_init_instance`` leaves alone. The guests go newest server first,
    the migrations in their table's order. From `ALL_COMPLETED` every guest is
    destroyed first and every migration completed after (two loops); before, one loop over the
    guests found, each completed after its destroy. Before `DELETED_SERVER_SAFE` a deleted
    server's guest is destroyed, then nova-compute exits: None."""
    db = manager.db
    found = {}
    for migration in db.migrations.values():
        if (
            migration.migration_type == "evacuation"
            and migration.source_compute == manager.host
            and migration.status in _EVACUATED
        ):
            found[migration.instance_uuid] = migration
    every = ALL_COMPLETED.reaches(manager.switches.release)
    # the guests in ``_get_instances_on_driver``'s order: ``InstanceList.get_by_filters``'
    # default created_at then id descending, newest first (creation times follow the ids)
    local = sorted(
        (uuid for uuid in found if uuid in manager.driver.domains),
        key=db.instance_number,
        reverse=True,
    )
    safe = DELETED_SERVER_SAFE.reaches(manager.switches.release)
    for uuid in local:
        yield from _destroy_guest(manager, context, uuid, every)
        row = db.instance_row(uuid)
        if not safe and row is not None and row.deleted:
            # remove_allocation_from_compute's ``instance.flavor``, read with read_deleted
            # 'no': init_host raises, the process exits before its RPC server starts
            message = exception.InstanceNotFound(instance_id=uuid).format_message()
            manager._log(uuid, "error", message)
            manager.kernel.trace.emit("nova.compute", manager.actor, manager.host, phase="exited")
            return None
        if not every:
            db.migration_save(found[uuid], "completed", manager.actor)
    if every:
        for uuid, migration in found.items():
            row = db.instance_row(uuid)
            if uuid in local or (row is not None and not row.deleted):
                db.migration_save(migration, "completed", manager.actor)
    return set(found)


def _destroy_guest(manager: Any, context: Any, uuid: str, every: bool) -> Generator:
    """One evacuated server's guest destroyed here (``destroy_disks``: the destination does
    not see this host's files): its volumes disconnected first (``cleanup``: each one's
    encryption read unless QEMU decrypted it, an error only logged); a server deleted since
    has no mappings to disconnect (``bdi = {}``)."""
    message = (
        "Destroying instance as it has been evacuated from this host but still exists in the "
        "hypervisor"
        if every
        else "Deleting instance as it has been evacuated from this host"
    )
    manager._log(uuid, "info", message)
    row = manager.db.instance_row(uuid)
    if row is not None and not row.deleted:
        yield from manager._cleanup_volumes_read(context, row, manager.db.bdms_by_instance(uuid))
    manager.driver.destroy(SimpleNamespace(uuid=uuid))  # the row may be gone
