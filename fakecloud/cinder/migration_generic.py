"""Cinder's host-assisted (generic) migration of a volume and its completion
(``VolumeManager._migrate_volume_generic``, ``_clean_temporary_volume``,
``migrate_volume_completion``, ``update_migrated_volume`` and ``Volume.finish_volume_migration``,
cinder 12.0.10 to 2026.1), for an ``os-migrate_volume`` and a retype that migrates.

1. A temporary volume row on the destination backend: the source's name, size, metadata and
   the new type (a retype's), ``migration_status`` ``target:<source id>``, consuming no quota;
   the destination's manager creates it while the source's polls it (``refresh`` at once, then
   after 1, 4, 9... s: ``time.sleep(tries ** 2)``); an ``error`` one fails the migration ("failed
   to create new_volume on destination") and its row goes.
2. A detached volume: its data copied to the temporary volume (the source backend's resource to
   the destination's), then the completion at once.
   An attached one: for each attachment, Nova's swap (``nova_api.update_server_volume``: ``PUT
   /servers/{id}/os-volume_attachments/{volume_id}`` with the temporary volume, as Cinder's
   ``[nova]`` privileged user at 2.1). Nova answers 202 and the migration's manager is done: the
   volume stays ``in-use`` (an ``os-migrate_volume``) or ``retyping`` (a retype), ``migrating``,
   until Nova's compute host has copied the data and calls ``os-migrate_volume_completion``.
   A refusal (any status but 202: Nova's 409 "not migrating; ... only be called by Cinder" is
   not possible here, as the volume is ``migrating``) fails the migration and deletes the
   temporary volume.
3. The completion (``error``: the temporary volume deleted, ``migration_status`` ``error``, the
   status the volume had before): ``completing``; the driver's ``update_migrated_volume`` (LVM and
   RBD rename the new volume to the source's name unless it is ``in-use``: then the volume's
   ``name_id`` becomes the temporary id and it keeps the temporary volume's
   ``provider_location``); the two rows swap their fields but the id (the volume now on the
   destination backend with the new type, created when the temporary row was; the temporary
   row ``deleting`` with the old data, "migration src for <id>"), the volume back to its status
   before, ``success``; the temporary row's delete cast to the source backend; the attachments
   Nova made to the temporary volume now the volume's.

Not modelled: ``migration_create_volume_timeout_secs`` (300 s: a temporary volume created more
slowly still counts), the legacy attach flow's detach and re-attach at completion, a driver's
rename failure.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.cinder import cleanup, compute, exception, replication
from fakecloud.cinder.models import Volume
from fakecloud.cinder.states import (
    VOLUME_ATTACH_STATUS_FORCED,
    VOLUME_STATUS,
    VOLUME_STATUS_FORCED,
    born_volume,
)
from fakecloud.sim.io import mb_per_s


def migrate_generic(
    manager: Any, volume: Volume, target_backend: str, previous_status: str, new_type: Any = None
) -> Generator:
    """``_migrate_volume_generic`` on the source backend's `manager` (see the module)."""
    k = manager.kernel
    cinder = manager.cinder
    volume.migration_status = "migrating"
    volume.previous_status = previous_status
    new_volume = _temporary_volume(cinder, volume, target_backend, new_type, manager.actor)
    yield from _create_temporary(manager, new_volume)
    try:
        if not volume.attachments:
            target = cinder.drivers[target_backend]
            target_res = k.io.resource(
                target.spec.resource_name, mb_per_s(target.spec.throughput_mb_per_s)
            )
            yield from manager.driver.copy_volume_out(volume, target_res)
            complete(manager, volume, new_volume, error=False)
            return
        for attachment in list(volume.attachments):
            yield from compute.update_server_volume(
                k, attachment.instance_uuid, volume.id, new_volume.id
            )
    except Exception:
        _clean_temporary_volume(cinder, volume, new_volume)
        raise


def _temporary_volume(
    cinder: Any, volume: Volume, backend: str, new_type: Any, actor: str
) -> Volume:
    """The destination's row (``objects.Volume(...).create()``): the source's values but the
    host, the snapshot/source ids, a new type; ``target:<id>``, no quota."""
    k = cinder.kernel
    new_volume = Volume(
        id=k.ids.uuid(),
        project_id=volume.project_id,
        user_id=volume.user_id,
        size=volume.size,
        display_name=volume.display_name,
        display_description=volume.display_description,
        volume_type=new_type or volume.volume_type,
        availability_zone=volume.availability_zone,
        created_at=k.now,
        host=f"{cinder.config.host}@{backend}#{backend}",
        backend=backend,
        bootable=volume.bootable,
        multiattach=volume.multiattach,
        image_id=volume.image_id,
        migration_status=f"target:{volume.id}",
        encryption_key_id=volume.encryption_key_id,
        replication_status=volume.replication_status,
        use_quota=False,
        metadata=dict(volume.metadata),
        volume_image_metadata=volume.volume_image_metadata,
    )
    born_volume(k, new_volume, "creating", actor)
    cinder.store.volumes[new_volume.id] = new_volume
    cinder.links += (new_volume.id, volume.id)
    return new_volume


def _create_temporary(manager: Any, new_volume: Volume) -> Generator:
    """The destination's ``create_volume`` (no reschedule) while the source polls the row:
    at once, then after 1, 4, 9... s, until it is ``available`` (or ``error``: the row goes)."""
    k = manager.kernel
    cinder = manager.cinder
    driver = cinder.drivers[new_volume.backend]
    actor = cinder.volume_target(new_volume.backend)
    start = k.now
    try:
        yield k.timeout(k.config.rpc.delay_s)  # the cast to the destination
        yield from driver.create_volume(new_volume)
        replication.created(driver.spec, new_volume, k.switches.series.cinder)
        VOLUME_STATUS.move(k, new_volume, "available", actor=actor)
    except Exception as exc:  # noqa: BLE001 - the manager's create flow: the row in error
        k.trace.emit("cinder.error", actor, new_volume.id, op="create_volume", error=str(exc))
        VOLUME_STATUS.move(k, new_volume, "error", actor=actor)
    tries = polled = 1
    while polled < k.now - start:
        tries += 1
        polled += tries**2
    if polled > k.now - start:
        yield k.timeout(start + polled - k.now)
    if new_volume.status == "error":
        _destroy(cinder, new_volume, manager.actor)
        raise exception.VolumeMigrationFailed(reason="failed to create new_volume on destination")


def _destroy(cinder: Any, volume: Volume, actor: str) -> None:
    """``new_volume.destroy()``: the row goes (no data was made)."""
    VOLUME_STATUS_FORCED.move(cinder.kernel, volume, "deleted", actor=actor)
    cinder.store.volumes.pop(volume.id, None)
    cinder.row_deleted(volume)


def _delete(cinder: Any, volume: Volume) -> None:
    """``rpcapi.delete_volume``: cast to the manager of the backend holding its data."""
    cleanup.create_worker(cinder, "Volume", volume)
    cinder.kernel.rpc.cast_kwargs(
        cinder.volume_target(volume.backend), "delete_volume", {"volume_id": volume.id}
    )


def _clean_temporary_volume(cinder: Any, volume: Volume, new_volume: Volume) -> None:
    """``_clean_temporary_volume``: while ``migrating`` the temporary volume is deleted;
    once completing, only its ``migration_status`` is cleared."""
    if volume.migration_status == "migrating":
        _delete(cinder, new_volume)
    elif new_volume.id in cinder.store.volumes:
        new_volume.migration_status = None


def complete(manager: Any, volume: Volume, new_volume: Volume, error: bool) -> str:
    """``VolumeManager.migrate_volume_completion`` (see the module); the id to keep."""
    k = manager.kernel
    cinder = manager.cinder
    actor = manager.actor
    orig_status = getattr(volume, "previous_status", None) or volume.status
    if error:
        _delete(cinder, new_volume)
        volume.migration_status = "error"
        _force(k, VOLUME_STATUS_FORCED, volume, orig_status, actor)
        return volume.id
    volume.migration_status = "completing"
    _update_migrated_volume(volume, new_volume, orig_status)
    _finish_volume_migration(k, volume, new_volume, actor)
    volume.previous_status = volume.status
    _force(k, VOLUME_STATUS_FORCED, volume, orig_status, actor)
    volume.migration_status = "success"
    _delete(cinder, new_volume)
    for attachment in list(new_volume.attachments):
        attachment.volume_id = volume.id
        volume.attachments.append(attachment)
    new_volume.attachments.clear()
    return volume.id


def _update_migrated_volume(volume: Volume, new_volume: Volume, orig_status: str) -> None:
    """The driver's ``update_migrated_volume`` (LVM, RBD): the new volume renamed to the
    source's name unless the volume was ``in-use``; then the volume keeps the temporary
    volume's name and ``provider_location``, and the temporary row takes the volume's."""
    if orig_status == "in-use":
        name_id = getattr(new_volume, "name_id", None) or new_volume.id
        location = getattr(new_volume, "provider_location", None)
    else:
        name_id = location = None
    new_volume.name_id = getattr(volume, "name_id", None)
    new_volume.provider_location = getattr(volume, "provider_location", None)
    volume.name_id = name_id
    volume.provider_location = location


#: ``Volume.finish_volume_migration``'s swapped fields that differ between the two rows here
#: (the rest are copies); ``status`` and ``attach_status`` go through their machines.
_SWAPPED = ("host", "backend", "created_at", "replication_status")


def _finish_volume_migration(k: Any, volume: Volume, dest: Volume, actor: str) -> None:
    """``Volume.finish_volume_migration``: every field but the id (and ``provider_location``,
    the type, the attachments...) swapped, so the volume's id names the migrated data and the
    temporary row the data to delete."""
    for key in _SWAPPED:
        mine, theirs = getattr(volume, key), getattr(dest, key)
        setattr(volume, key, theirs)
        setattr(dest, key, mine)
    if not getattr(dest, "name_id", None):
        dest.name_id = volume.id
    volume.volume_type = dest.volume_type
    volume.migration_status, dest.migration_status = None, "deleting"
    dest.display_description = f"migration src for {volume.id}"
    new_status = dest.status
    new_attach = dest.attach_status
    _force(k, VOLUME_STATUS_FORCED, dest, "deleting", actor)
    _force(k, VOLUME_ATTACH_STATUS_FORCED, dest, volume.attach_status, actor, "attach_status")
    _force(k, VOLUME_STATUS_FORCED, volume, new_status, actor)
    _force(k, VOLUME_ATTACH_STATUS_FORCED, volume, new_attach, actor, "attach_status")


def _force(
    k: Any, machine: Any, row: Volume, value: str, actor: str, field: str = "status"
) -> None:
    """A database write of `field` (traced only when it changes the value)."""
    if getattr(row, field) != value:
        machine.move(k, row, value, actor=actor, field=field)
