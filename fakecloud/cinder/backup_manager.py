"""The asynchronous half of Cinder's backups: the ``cinder-backup`` service
(``cinder/backup/manager.py``), the scheduler's ``create_backup`` and the volume manager's
``get_backup_device`` (``cinder/volume/driver.py``), as RPC endpoints on the bus.

A backup is made in four messages, as Cinder 29.0.0 makes it (the scheduler's hop from 16.0.0;
before, the API casts to ``cinder-backup`` itself):

1. ``cinder-scheduler.create_backup``: a ``cinder-backup`` service must have reported its
   capabilities in the zone (`backup_reported`: a stopped or disabled one still has), else the
   backup goes ``error`` ("Service not found for creating backup.") and the volume back;
2. ``cinder-backup.create_backup``: the statuses checked (volume or snapshot ``backing-up``,
   backup ``creating``), the zone and service set, then ``get_backup_device`` cast to the
   volume's backend;
3. ``cinder-volume.get_backup_device``: with ``backup_use_temp_snapshot`` off (its default), an
   ``in-use`` volume is cloned into a temporary volume ``backup-vol-<id>`` and a snapshot's
   backup reads a temporary volume made from it (the driver's timed clone; no quota); then
   ``continue_backup`` is cast back (a clone that fails: see `ASYNC_BACKUP_DEVICE_FROM`);
4. ``cinder-backup.continue_backup``: the device's bytes cross the backend's resource and the
   backup store's (the I/O resource ``cinder-backup-store``, `STORE_MB_PER_S`), the temporary
   volume is deleted, the volume (or snapshot) goes back to its previous status and the backup
   ``available`` with its size and Swift object count (50 MiB objects). An incremental backup
   reads the whole device but writes nothing: fakecloud models no guest writes, so no chunk
   changed since its parent.

A restore moves the backup's bytes the other way (store, then the volume's backend), the
volume ``restoring-backup`` → ``available`` (``error_restoring`` on failure) and the backup
``restoring`` → ``available``. A delete removes the backup's objects (`DELETE_OBJECT_S` each)
and gives its quota back. ``import_record`` fills an imported backup's row in from its record.

A stopped cinder-backup (``cloud.kernel.rpc.set_up("cinder-backup.cinder", False)``): the API's
lookups (`backup_service_up`) still find it for ``service_down_time`` past its last heartbeat,
the scheduler's (`backup_reported`) for good; what is cast to it waits in its queue. Set up
again, it runs ``init_host``'s clean-up first (`BackupManager.started`): its ``creating``
backups ``error``, ``restoring`` ones ``available``, ``deleting`` ones deleted again; the work
that waited comes after. A task under way when it stops dies there with its process
(`BackupManager.stopped`): its backup stays ``creating`` (or ``restoring``, ``deleting``) until
the restart's clean-up.

Fault points: ``cinder.backup.create`` (``backup_id``, ``volume_id``, ``project_id``,
``size``, ``backend``, ``incremental``), consulted half-way through the copy (the first half
of the bytes moved): an error makes the backup ``error`` with the error's text as its
``fail_reason`` and the volume goes back to its status; ``cinder.backup.restore`` (``backup_id``,
``volume_id``, ``size``, ``backend``) likewise half-way through a restore: the volume ends
``error_restoring``, the backup ``available``; ``cinder.backup.delete`` (``backup_id``,
``project_id``, ``size``) before the objects go: the backup ends ``error``. The transfers
(labels ``cinder.backup_create``, ``cinder.backup_restore``) are ``io.transfer``'s too.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Generator
from typing import Any

from fakecloud.cinder import backup_metadata, messages
from fakecloud.cinder.backends import GiB
from fakecloud.cinder.exception import BackupNotFound, ServiceNotFound
from fakecloud.cinder.models import Backup, Volume
from fakecloud.cinder.states import (
    BACKUP_STATUS,
    BACKUP_STATUS_FORCED,
    SNAPSHOT_STATUS_FORCED,
    VOLUME_STATUS,
    VOLUME_STATUS_FORCED,
    born,
)
from fakecloud.sim import stopping
from fakecloud.sim.io import mb_per_s

#: ``backup_driver``'s default (``cinder.backup.drivers.swift.SwiftBackupDriver``): what a
#: backup's ``service`` column holds; its default container and object size.
SERVICE = "cinder.backup.drivers.swift.SwiftBackupDriver"
DEFAULT_CONTAINER = "volumebackups"
OBJECT_SIZE = 52_428_800
#: Cinder 12.0.10's ``_finalize_backup`` counts one object too many (``object_count =
#: object_id``); 16.4.2 on ``object_id - 1`` ("The object_id variable is used to name ...").
OBJECT_COUNT_FIXED_FROM = 13
#: 20.0.0: the backup manager casts ``get_backup_device`` (volume RPC 3.17, ``async_call``) and
#: the volume manager casts ``continue_backup`` back; a failure there (the temporary clone) is
#: only logged, and the backup stays ``creating``. Before, a ``call``: the backup ``error``.
ASYNC_BACKUP_DEVICE_FROM = 20
#: 24.0.0: the restart clean-up passes over a backup whose volume is gone (before, the lookup
#: raised and the backup stayed as it was).
CLEANUP_IGNORES_GONE_VOLUME_FROM = 24
#: 25.0.0 (7f819854d, bug #1938488): the restart clean-up puts a backed-up snapshot back.
CLEANUP_SNAPSHOT_FROM = 25
#: 15.0.0 dropped the verify step of ``reset_status`` (12.0.10, 14.3.1 have it).
RESET_WITHOUT_VERIFY_FROM = 15
#: Virtual seconds the Swift driver takes to delete one object of a backup.
DELETE_OBJECT_S = 0.01
#: The I/O resource of the backup store, and its throughput when a backup first creates it
#: (make it first with ``cloud.kernel.io.resource(STORE, bytes_per_s)`` for another one, or
#: change it with ``cloud.kernel.io.set_capacity``).
STORE = "cinder-backup-store"
STORE_MB_PER_S = 100.0


def backup_target(cinder: Any) -> str:
    """The RPC target of the cinder-backup service (``cinder-backup.<host>``)."""
    return f"cinder-backup.{cinder.config.host}"


def backup_service(cinder: Any) -> BackupManager:
    """The cinder-backup service of `cinder`, registered on the bus on first use (a cloud
    that never backs up, or a file saved before backups existed, holds none). A target set
    down before (``cloud.kernel.rpc.set_up("cinder-backup.cinder", False)``) stays down."""
    rpc = cinder.kernel.rpc
    target = backup_target(cinder)
    if target not in rpc.targets():
        rpc.register(target, BackupManager(cinder), start=False)
    return rpc.endpoint(target)


def backup_running(cinder: Any) -> bool:
    """Whether the cinder-backup service's process runs now (its RPC server consumes): what
    an RPC call to it needs, and what ``os-services`` counts from."""
    backup_service(cinder)
    return cinder.kernel.rpc.is_up(backup_target(cinder))


def backup_service_up(cinder: Any, zone: str | None = None) -> bool:
    """``API._get_available_backup_service_host`` (``_get_any_available_backup_service``,
    ``backup_use_same_host`` off): a cinder-backup service in `zone` when one is named
    (``_az_matched``), not disabled (``get_all_by_topic(disabled=False)``) and ``is_up``:
    running, or stopped with its last heartbeat at most ``service_down_time`` old (cinder
    12.0.10-29.0.0 backup/api.py, objects/service.py). The API's lookups (create before 16.0.0,
    delete, restore, export, import, reset) and the volume manager's restore into a new
    volume ask this; the scheduler asks `backup_reported`."""
    if zone and zone != cinder.config.storage_availability_zone:
        return False
    if _backup_disabled(cinder):
        return False
    if backup_running(cinder):
        return True
    target = backup_target(cinder)
    stopped = (cinder.kernel.rpc.down_since or {}).get(target)
    return stopped is not None and not cinder.seen_down(stopped, "cinder-backup", target)


def backup_reported(cinder: Any, zone: str | None = None) -> bool:
    """The scheduler's ``get_backup_host`` (16.0.0 on): a service among
    ``backup_service_states``, the capabilities each cinder-backup published (at its start,
    then every ``backup_driver_stats_polling_interval``), whose ``backend_state`` is true
    and whose zone is `zone` when one is named. The host manager never forgets a report
    nor reads the services table here (cinder 16.0.0-29.0.0 scheduler/host_manager.py
    ``_list_backup_services``): a stopped or disabled cinder-backup keeps getting backups,
    which wait in its queue until it is back (`BackupManager.started`)."""
    backup_service(cinder)
    return not zone or zone == cinder.config.storage_availability_zone


def _backup_disabled(cinder: Any) -> bool:
    changes = cinder.service_changes
    return bool(changes) and changes.get(("cinder-backup", cinder.config.host), (False,))[0]


def backup_failed(kernel: Any, backup: Backup, reason: str, actor: str, status="error") -> None:
    """``volume_utils.update_backup_error``: the backup's status and ``fail_reason``."""
    table = BACKUP_STATUS if BACKUP_STATUS.legal(backup.status, status) else BACKUP_STATUS_FORCED
    table.move(kernel, backup, status, actor=actor)
    backup.fail_reason = reason
    backup.updated_at = kernel.now


def volume_back(kernel: Any, volume: Volume | None, snapshot: Any, backup: Backup, actor: str):
    """What a backup read goes back to the status it had: its snapshot ``available``, else
    its volume's previous status (``_finish_backup``, and every error path)."""
    if snapshot is not None:
        if snapshot.status == "backing-up":
            SNAPSHOT_STATUS_FORCED.move(kernel, snapshot, "available", actor=actor)
    elif volume is not None and volume.status == "backing-up":
        VOLUME_STATUS.move(kernel, volume, backup.volume_previous_status or "available",
                           actor=actor)  # fmt: skip


def backup_message(cinder: Any, backup: Backup, action: str, detail: str) -> None:
    """``message_api.create[_from_request_context]`` of a backup (cinder 19.0.0 on; before,
    backups record no message): resource ``VOLUME_BACKUP``, the backup's id."""
    if cinder.kernel.switches.series.cinder >= messages.BACKUP_SINCE:
        messages.record(
            cinder,
            action,
            backup.project_id,
            backup.id,
            resource_type=messages.VOLUME_BACKUP,
            detail=detail,
        )


def restore_into_new(cinder: Any, volume: Volume, backup_id: str) -> None:
    """``_create_from_backup`` without a driver's own ``create_volume_from_backup`` (none of
    fakecloud's kinds has one): the backup ``restoring`` into the raw volume, on a backup host
    of its zone (``ServiceNotFound`` otherwise), then ``restore_backup`` with
    ``volume_is_new``."""
    backup = cinder.store.backup_rows().get(backup_id)
    if backup is None:
        raise BackupNotFound(backup_id=backup_id)
    if not backup_service_up(cinder, backup.availability_zone):
        raise ServiceNotFound(service_id="cinder-backup")
    k = cinder.kernel
    backup.host = cinder.config.host
    legal = BACKUP_STATUS.legal(backup.status, "restoring")
    actor = cinder.volume_target(volume.backend)
    (BACKUP_STATUS if legal else BACKUP_STATUS_FORCED).move(k, backup, "restoring", actor=actor)
    backup.restore_volume_id = volume.id
    backup.updated_at = k.now
    k.rpc.cast(
        backup_target(cinder),
        "restore_backup",
        backup_id=backup_id,
        volume_id=volume.id,
        volume_is_new=True,
    )


class BackupScheduling:
    """``SchedulerManager.create_backup`` (16.0.0 on): a backup host, or the backup's error."""

    def __init__(self, cinder: Any, actor: str):
        self.cinder = cinder
        self.actor = actor

    def create_backup(self, backup_id: str) -> None:
        """Pass the backup to a cinder-backup service that reported (`backup_reported`: one
        of the zone asked for, else the backup ``error``)."""
        cinder = self.cinder
        k = cinder.kernel
        backup = cinder.store.backup_rows().get(backup_id)
        if backup is None:
            return
        volume = cinder.store.volumes.get(backup.volume_id)
        # host_manager.get_az: the zone asked for, else the volume's
        zone = backup.availability_zone or getattr(volume, "availability_zone", None)
        if not backup_reported(cinder, zone):
            if backup.snapshot_id is None:
                volume_back(k, volume, None, backup, self.actor)
            backup_failed(k, backup, "Service not found for creating backup.", self.actor)
            k.trace.emit("cinder.error", self.actor, backup_id, op="create_backup",
                         error="ServiceNotFound")  # fmt: skip
            backup_message(cinder, backup, messages.BACKUP_CREATE, messages.BACKUP_SCHEDULE_ERROR)
            return
        backup.host = cinder.config.host
        k.rpc.cast(backup_target(cinder), "create_backup", backup_id=backup_id)


def get_backup_device(manager: Any, backup_id: str) -> Generator:
    """``VolumeManager.get_backup_device`` on `manager`'s backend with
    ``_get_backup_volume_temp_volume``: the volume itself, or a temporary clone (of an
    ``in-use`` volume, or from the backup's snapshot); then ``continue_backup`` is cast."""
    cinder = manager.cinder
    k = cinder.kernel
    store = cinder.store
    backup = store.backup_rows().get(backup_id)
    if backup is None:
        return
    volume = store.volumes.get(backup.volume_id)
    device = volume.id if volume is not None else None
    try:
        snapshot = store.snapshots.get(backup.snapshot_id) if backup.snapshot_id else None
        if volume is not None and (
            snapshot is not None or backup.volume_previous_status == "in-use"
        ):
            temp = _temp_volume(cinder, volume, backup)
            if snapshot is not None:
                yield from manager.driver.create_volume_from_snapshot(temp, snapshot)
            else:
                yield from manager.driver.create_cloned_volume(temp, volume)
            VOLUME_STATUS.move(k, temp, "backing-up", actor=manager.actor)
            device = temp.id
    except Exception as exc:  # noqa: BLE001 - the temporary volume destroyed, then re-raised
        manager._fail(backup_id, "get_backup_device", exc)
        temp = store.volumes.get(backup.temp_volume_id or "")
        if temp is not None and temp.status == "creating":
            _drop_temp(cinder, temp, manager.actor)
            backup.temp_volume_id = None
        if k.switches.series.cinder >= ASYNC_BACKUP_DEVICE_FROM:
            return  # a cast's error is only logged: the backup stays creating, the volume too
        # the backup manager's call gets the remote error: its create_backup error path
        error = str(k.rpc.remote_exception(exc))
        k.rpc.cast(backup_target(cinder), "continue_backup", backup_id=backup_id,
                   device_id=None, error=error)  # fmt: skip
        return
    k.rpc.cast(backup_target(cinder), "continue_backup", backup_id=backup_id, device_id=device)


def _temp_volume(cinder: Any, volume: Volume, backup: Backup) -> Volume:
    """``_create_temp_volume``: a row ``backup-vol-<volume id>`` on the volume's host, not
    counted against any quota."""
    k = cinder.kernel
    temp = Volume(
        id=k.ids.uuid(),
        project_id=backup.project_id,
        user_id=backup.user_id,
        size=volume.size,
        display_name=f"backup-vol-{volume.id}",
        display_description=None,
        volume_type=volume.volume_type,
        availability_zone=volume.availability_zone,
        created_at=k.now,
        host=volume.host,
        backend=volume.backend,
        use_quota=False,
    )
    born(k, VOLUME_STATUS, temp, "creating", actor="cinder-volume")
    temp.attach_status = "detached"
    cinder.store.volumes[temp.id] = temp
    backup.temp_volume_id = temp.id
    return temp


def _drop_temp(cinder: Any, temp: Volume, actor: str) -> None:
    """Destroy a temporary volume's row (its data already gone, or never made)."""
    VOLUME_STATUS_FORCED.move(cinder.kernel, temp, "deleted", actor=actor)
    cinder.store.volumes.pop(temp.id, None)
    cinder.row_deleted(temp)


class BackupManager:
    """``cinder/backup/manager.py``: one cinder-backup service with the Swift driver."""

    #: What cinder-api and cinder-volume send it (cinder/backup/rpcapi.py's ``BackupAPI``):
    #: `fakecloud.sim.rpc.methods_of`.
    RPC_API = frozenset(
        {
            "check_support_to_force_delete",
            "continue_backup",
            "create_backup",
            "delete_backup",
            "import_record",
            "reset_status",
            "restore_backup",
        }
    )

    def __init__(self, cinder: Any):
        self.cinder = cinder
        self.kernel = cinder.kernel
        self.target = backup_target(cinder)
        self.actor = self.target

    #: How many times the service stopped (`stopped`): a task of an earlier process died with
    #: it; one the stop's kill did not reach stops at its next step (`_dead`).
    generation = 0

    def _dead(self, generation: int) -> bool:
        """Whether the process that began a task at `generation` has stopped since."""
        return generation != self.generation

    def stopped(self) -> None:
        """The service's process ends (the bus calls it as the service stops): its backups,
        restores and deletes under way die where they stand (`fakecloud.sim.stopping`), their
        copies with them; the statuses they left are the restart's to clean up
        (`started`)."""
        self.generation += 1
        stopping.kill_tasks(self.kernel, self.target, self.actor)

    def started(self) -> None:
        """``init_host``'s ``_cleanup_incomplete_backup_operations``, as the service starts
        again (the bus calls it before the queue is consumed): every backup of this host not
        ``available`` (cinder 12.0.10-29.0.0 backup/manager.py). ``creating``: its volume
        ``backing-up`` back to its previous status (``restoring-backup``: ``error_restoring``),
        from 25.0.0 its snapshot ``backing-up`` back to ``available`` (7f819854d, bug
        #1938488: before, the snapshot stays ``backing-up``), the backup ``error``
        ("incomplete backup reset on manager restart"); before 24.0.0 a volume gone raises
        first and the backup stays ``creating``. ``restoring``: the volume restored into the
        same way, the backup ``available``. ``deleting``: the delete resumed in the
        background (``backup_service_inithost_offload``, on by default), or ``error_deleting``
        for an encrypted volume's backup. Then an ``error`` backup's temporary volume is
        deleted. The tasks of the earlier start died at its stop (`stopped`)."""
        cinder = self.cinder
        k = self.kernel
        major = k.switches.series.cinder
        store = cinder.store
        host = cinder.config.host
        for backup in list(store.backup_rows().values()):
            if backup.host != host or backup.status == "available":
                continue
            status = backup.status
            if status in ("creating", "restoring"):
                volume_id = backup.volume_id if status == "creating" else backup.restore_volume_id
                volume = store.volumes.get(volume_id or "")
                if volume is None and major < CLEANUP_IGNORES_GONE_VOLUME_FROM:
                    continue  # Volume.get_by_id raised: logged, the backup left as it is
                self._cleanup_one_volume(volume, backup)
                if backup.snapshot_id and major >= CLEANUP_SNAPSHOT_FROM:
                    snapshot = store.snapshots.get(backup.snapshot_id)
                    if snapshot is not None and snapshot.status == "backing-up":
                        SNAPSHOT_STATUS_FORCED.move(k, snapshot, "available", actor=self.actor)
                if status == "creating":
                    reason = "incomplete backup reset on manager restart"
                    backup_failed(k, backup, reason, self.actor)
                else:
                    BACKUP_STATUS.move(k, backup, "available", actor=self.actor)
                    backup.updated_at = k.now
            elif status == "deleting":
                if backup.encryption_key_id is None:
                    k.spawn(self.delete_backup(backup.id), name=f"{self.actor} resume delete")
                else:
                    BACKUP_STATUS.move(k, backup, "error_deleting", actor=self.actor)
                    backup.updated_at = k.now
            if backup.status == "error" and backup.temp_volume_id:
                k.spawn(self._cleanup_temp(backup), name=f"{self.actor} temp volume")

    def _cleanup_one_volume(self, volume: Volume | None, backup: Backup) -> None:
        if volume is None:
            return
        if volume.status == "backing-up":
            previous = backup.volume_previous_status or "available"
            VOLUME_STATUS.move(self.kernel, volume, previous, actor=self.actor)
        elif volume.status == "restoring-backup":
            VOLUME_STATUS_FORCED.move(self.kernel, volume, "error_restoring", actor=self.actor)
        else:
            return
        volume.updated_at = self.kernel.now

    def _fail(self, backup_id: str, op: str, exc: BaseException) -> None:
        self.kernel.trace.emit("cinder.error", self.actor, backup_id, op=op, error=str(exc))

    def _store(self) -> Any:
        io = self.kernel.io
        return io.resource(STORE, mb_per_s(STORE_MB_PER_S))

    def _backend(self, name: str) -> Any:
        spec = self.cinder.drivers[name].spec
        return self.kernel.io.resource(spec.resource_name, mb_per_s(spec.throughput_mb_per_s))

    def _copy(self, point: str, size_gb: int, path: tuple, label: str, attrs: dict) -> Generator:
        """Move `size_gb` GiB over `path`; an armed `point` is consulted half-way."""
        k = self.kernel
        total = size_gb * GiB
        ids = {key: attrs[key] for key in ("backup_id", "volume_id")}
        if point not in k.faults.hot:
            if total:
                yield k.io.transfer(total, path, label=label, **ids).done
            return
        half = total // 2
        if half:
            yield k.io.transfer(half, path, label=label, **ids).done
        yield from k.faults.pause(point, **attrs)
        if total - half:
            yield k.io.transfer(total - half, path, label=label, **ids).done

    # -- create --------------------------------------------------------------------------

    def create_backup(self, backup_id: str) -> None:
        """``BackupManager.create_backup``: check the statuses, then ask the volume's backend
        for the device to read (``_start_backup``)."""
        cinder = self.cinder
        k = self.kernel
        store = cinder.store
        backup = store.backup_rows().get(backup_id)
        if backup is None:
            return
        volume = store.volumes.get(backup.volume_id)
        if volume is None:
            return  # Volume.get_by_id's VolumeNotFound: the backup stays creating
        snapshot = store.snapshots.get(backup.snapshot_id) if backup.snapshot_id else None
        if backup.snapshot_id:
            actual = snapshot.status if snapshot is not None else None
            if actual != "backing-up":
                reason = (
                    f"Create backup aborted, expected snapshot status backing-up but got {actual}."
                )
                backup_failed(k, backup, reason, self.actor)
                return
        else:
            actual = volume.status if volume is not None else None
            if actual != "backing-up":
                reason = (
                    f"Create backup aborted, expected volume status backing-up but got {actual}."
                )
                backup_failed(k, backup, reason, self.actor)
                return
        if backup.status != "creating":
            reason = (
                f"Create backup aborted, expected backup status creating but got {backup.status}."
            )
            backup_failed(k, backup, reason, self.actor)
            backup_message(cinder, backup, messages.BACKUP_CREATE, messages.BACKUP_INVALID_STATE)
            return
        if not backup.availability_zone:
            backup.availability_zone = cinder.config.storage_availability_zone
        backup.service = SERVICE
        if volume.encryption_key_id is not None and backup.encryption_key_id is None:
            backup.encryption_key_id = k.ids.uuid()  # clone_encryption_key
        backup.updated_at = k.now
        k.rpc.cast(cinder.volume_target(volume.backend), "get_backup_device", backup_id=backup_id)

    def continue_backup(
        self, backup_id: str, device_id: str | None, error: str | None = None
    ) -> Generator:
        """``continue_backup`` and ``_finish_backup``: read the device into the store, drop
        the temporary volume, then the statuses (before 20.0.0, with the `error` the volume
        manager's ``get_backup_device`` call answered, ``create_backup``'s error path)."""
        cinder = self.cinder
        k = self.kernel
        store = cinder.store
        backup = store.backup_rows().get(backup_id)
        if backup is None:
            return
        volume = store.volumes.get(backup.volume_id)
        snapshot = store.snapshots.get(backup.snapshot_id) if backup.snapshot_id else None
        device = store.volumes.get(device_id) if device_id else None
        generation = self.generation
        try:
            if device is None:
                raise RuntimeError(error or f"no device to back up for backup {backup_id}")
            backup.container = backup.container or DEFAULT_CONTAINER
            path = (self._backend(device.backend),)
            if backup.parent_id is None:
                path = (*path, self._store())
            yield from self._copy(
                "cinder.backup.create",
                device.size,
                path,
                "cinder.backup_create",
                {
                    "backup_id": backup_id,
                    "volume_id": backup.volume_id,
                    "project_id": backup.project_id,
                    "size": device.size,
                    "backend": device.backend,
                    "incremental": backup.parent_id is not None,
                },
            )
        except Exception as exc:  # noqa: BLE001 - continue_backup's error path
            if self._dead(generation):
                return
            self._fail(backup_id, "create_backup", exc)
            if device is not None:  # backup_service.backup raised
                detail = messages.BACKUP_CREATE_DRIVER_ERROR
                backup_message(cinder, backup, messages.BACKUP_CREATE, detail)
            yield from self._cleanup_temp(backup)
            volume_back(k, volume, snapshot, backup, self.actor)
            backup_failed(k, backup, str(exc) or type(exc).__name__, self.actor)
            return
        if self._dead(generation):
            return
        if volume is not None:
            backup.volume_meta = backup_metadata.saved(volume)
        yield from self._cleanup_temp(backup)
        volume_back(k, volume, snapshot, backup, self.actor)
        if backup.status in ("deleting", "deleted"):
            return  # "Create backup aborted."
        # ``_finish_backup`` writes available whatever the row says (an error the restart's
        # clean-up set while this waited in the queue too)
        legal = BACKUP_STATUS.legal(backup.status, "available")
        (BACKUP_STATUS if legal else BACKUP_STATUS_FORCED).move(
            k, backup, "available", actor=self.actor
        )
        backup.size = volume.size if volume is not None else backup.size
        objects = 0 if backup.parent_id else math.ceil(backup.size * GiB / OBJECT_SIZE)
        if k.switches.series.cinder < OBJECT_COUNT_FIXED_FROM:
            objects += 1
        backup.object_count = objects
        backup.updated_at = k.now
        parent = store.backup_rows().get(backup.parent_id or "")
        if parent is not None:
            parent.num_dependent_backups += 1

    def _cleanup_temp(self, backup: Backup) -> Generator:
        """``_cleanup_temp_volumes_snapshots_when_backup_created``: delete the temporary
        volume (the driver's delete: a wipe on thick LVM)."""
        temp = self.cinder.store.volumes.get(backup.temp_volume_id or "")
        backup.temp_volume_id = None
        if temp is None:
            return
        VOLUME_STATUS.move(self.kernel, temp, "deleting", actor=self.actor)
        try:
            yield from self.cinder.drivers[temp.backend].delete_volume(temp)
        except Exception as exc:  # noqa: BLE001 - logged; the row goes all the same
            self._fail(backup.id, "delete_temp_volume", exc)
        _drop_temp(self.cinder, temp, self.actor)

    # -- restore -------------------------------------------------------------------------

    def restore_backup(self, backup_id: str, volume_id: str, volume_is_new: bool) -> Generator:
        """``BackupManager.restore_backup``: the backup's bytes into the volume."""
        k = self.kernel
        store = self.cinder.store
        backup = store.backup_rows().get(backup_id)
        volume = store.volumes.get(volume_id)
        if backup is None or volume is None:
            return
        if volume.status not in ("restoring-backup", "creating"):
            reason = (
                "Restore backup aborted, expected volume status restoring-backup,creating but "
                f"got {volume.status}."
            )
            self._fail(backup_id, "restore_backup", RuntimeError(reason))
            BACKUP_STATUS_FORCED.move(k, backup, "available", actor=self.actor)
            new = "error" if volume.status == "creating" else "error_restoring"
            VOLUME_STATUS_FORCED.move(k, volume, new, actor=self.actor)
            return
        if backup.status != "restoring":
            reason = (
                f"Restore backup aborted: expected backup status restoring but got {backup.status}."
            )
            self._fail(backup_id, "restore_backup", RuntimeError(reason))
            backup_failed(k, backup, reason, self.actor)
            VOLUME_STATUS_FORCED.move(k, volume, "error", actor=self.actor)
            detail = messages.BACKUP_INVALID_STATE
            backup_message(self.cinder, backup, messages.BACKUP_RESTORE, detail)
            return
        generation = self.generation
        try:
            yield from self._copy(
                "cinder.backup.restore",
                backup.size,
                (self._store(), self._backend(volume.backend)),
                "cinder.backup_restore",
                {
                    "backup_id": backup_id,
                    "volume_id": volume_id,
                    "size": backup.size,
                    "backend": volume.backend,
                },
            )
        except Exception as exc:  # noqa: BLE001 - the volume error_restoring, backup back
            if self._dead(generation):
                return
            self._fail(backup_id, "restore_backup", exc)
            backup_message(
                self.cinder, backup, messages.BACKUP_RESTORE, messages.BACKUP_RESTORE_ERROR
            )
            # ``actual_status`` is the backup's (restoring), never ``creating``: always
            # error_restoring (29.0.0 restore_backup).
            VOLUME_STATUS_FORCED.move(k, volume, "error_restoring", actor=self.actor)
            BACKUP_STATUS_FORCED.move(k, backup, "available", actor=self.actor)
            return
        if self._dead(generation):
            return
        backup_metadata.restore(volume, backup.volume_meta)
        VOLUME_STATUS_FORCED.move(k, volume, "available", actor=self.actor)
        old = volume.metadata.get("src_backup_id")
        if backup.volume_id != volume.id or (old and old != backup.id):
            volume.metadata = {**volume.metadata, "src_backup_id": backup.id}
        volume.updated_at = k.now
        BACKUP_STATUS_FORCED.move(k, backup, "available", actor=self.actor)
        backup.updated_at = k.now

    # -- delete, reset -------------------------------------------------------------------

    def delete_backup(self, backup_id: str) -> Generator:
        """``BackupManager.delete_backup``: the objects deleted, the quota given back, the row
        destroyed and the parent's count of dependents lowered."""
        k = self.kernel
        cinder = self.cinder
        rows = cinder.store.backup_rows()
        backup = rows.get(backup_id)
        if backup is None:
            return
        if backup.status != "deleting":
            reason = (
                f"Delete_backup aborted, expected backup status deleting but got {backup.status}."
            )
            backup_failed(k, backup, reason, self.actor)
            return
        generation = self.generation
        if backup.service:
            try:
                if "cinder.backup.delete" in k.faults.hot:
                    yield from k.faults.pause(
                        "cinder.backup.delete",
                        backup_id=backup_id,
                        project_id=backup.project_id,
                        size=backup.size,
                    )
                seconds = (backup.object_count or 0) * DELETE_OBJECT_S
                if seconds > 0:
                    yield k.timeout(seconds)
            except Exception as exc:  # noqa: BLE001 - update_backup_error
                if self._dead(generation):
                    return
                self._fail(backup_id, "delete_backup", exc)
                backup_failed(k, backup, str(exc) or type(exc).__name__, self.actor)
                return
            if self._dead(generation) or rows.get(backup_id) is not backup:
                return  # died with its process, or another delete of it finished first
        if backup.size is not None:
            # (a size-less import's, lp1783525: ``-backup.size``'s TypeError is caught, "Failed
            # to update usages deleting backup", and nothing is given back)
            cinder.quotas.release(backup.project_id, backups=1, backup_gigabytes=backup.size)
        table = BACKUP_STATUS if backup.status == "deleting" else BACKUP_STATUS_FORCED
        table.move(k, backup, "deleted", actor=self.actor)
        rows.pop(backup_id, None)
        parent = rows.get(backup.parent_id or "")
        if parent is not None and parent.num_dependent_backups > 0:
            parent.num_dependent_backups -= 1

    def import_record(self, backup_id: str, backup_service: str, backup_url: str) -> None:
        """``BackupManager.import_record``: the record read into the row (the required
        fields, the same id), this service's driver, zone and host; then ``available``. A
        service that is not this one's (no other host to pass it to) or a bad record: the
        backup ``error``."""
        k = self.kernel
        backup = self.cinder.store.backup_rows().get(backup_id)
        if backup is None:
            return
        if not SERVICE.startswith(backup_service or ""):  # _is_our_backup
            reason = (
                "Import record failed, cannot find backup service to perform the import. "
                f"Request service {backup_service}."
            )
            self._fail(backup_id, "import_record", RuntimeError(reason))
            backup_failed(k, backup, reason, self.actor)
            return
        record = json.loads(base64.b64decode(backup_url).decode())
        record.pop("driver_info", None)
        required = {"display_name", "display_description", "container", "size",
                    "object_count", "id"}  # fmt: skip
        missing = sorted(required - set(record))
        if missing:
            reason = (
                "Driver successfully decoded imported backup data, but there are missing "
                f"fields ({', '.join(missing)})."
            )
            backup_failed(k, backup, reason, self.actor)
            return
        if record["id"] != backup.id:
            reason = (
                f"Trying to import backup metadata from id {record['id']} into backup {backup.id}."
            )
            backup_failed(k, backup, reason, self.actor)
            return
        for key in ("name", "user_id", "project_id", "fail_reason", "status", "id",
                    "created_at", "updated_at", "data_timestamp"):  # fmt: skip
            record.pop(key, None)
        for key, value in record.items():
            if hasattr(backup, key):
                setattr(backup, key, dict(value) if key == "metadata" else value)
        backup.service = SERVICE
        backup.availability_zone = self.cinder.config.storage_availability_zone
        backup.host = self.cinder.config.host
        BACKUP_STATUS.move(k, backup, "available", actor=self.actor)
        backup.updated_at = k.now

    def check_support_to_force_delete(self) -> bool:
        """``BackupManager.check_support_to_force_delete`` (an RPC call): the Swift driver's
        ``support_force_delete`` (``ChunkedBackupDriver``: true)."""
        return True

    def reset_status(self, backup_id: str, status: str) -> None:
        """``BackupManager.reset_status``: set the status of a backup a driver took (one
        whose ``service`` is set); a backup no service took yet keeps its status. Before
        15.0.0 ``available`` is set only on a ``restoring`` backup: otherwise the driver must
        verify the backup, which the Swift driver cannot (``BackupVerifyUnsupportedDriver``,
        logged; the status stays)."""
        backup = self.cinder.store.backup_rows().get(backup_id)
        if backup is None or backup.service is None:
            return
        k = self.kernel
        if (
            k.switches.series.cinder < RESET_WITHOUT_VERIFY_FROM
            and status == "available"
            and backup.status != "restoring"
        ):
            reason = (
                f"Backup service {SERVICE} does not support verify. Backup id {backup_id} is "
                "not verified. Skipping verify."
            )
            self._fail(backup_id, "reset_status", RuntimeError(reason))
            return
        BACKUP_STATUS_FORCED.move(
            self.kernel, backup, status, actor=self.actor, details={"reset": True}
        )
        backup.updated_at = self.kernel.now
