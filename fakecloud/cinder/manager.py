"""The asynchronous half of Cinder: the scheduler and one volume manager per backend, as RPC
endpoints on the bus (``cinder-scheduler``, ``cinder-volume.<host>@<backend>``).

The API casts to the scheduler, which picks the backend of the volume's type, checks it has room
(``capacity_gb``), sets the volume's host and casts to that backend's volume manager, which runs
the driver (`fakecloud.cinder.backends`) and moves the resource to its final status. A
failure leaves ``error`` (create) or ``error_deleting`` (delete); a busy snapshot goes back to
``available``; a snapshot in ``error`` keeps its quota until it is deleted.

Fault points (each also consulted with the attributes listed):

- ``cinder.scheduler`` (``op``, ``volume_id``, ``snapshot_id``, ``size``): an error here is a
  scheduling failure (``NoValidBackend``): the resource goes to ``error``.
- ``cinder.volume.create`` (``volume_id``, ``project_id``, ``size``, ``backend``, ``source``):
  before the driver; error → rescheduled (``OnFailureRescheduleTask``: placed again up to
  ``scheduler_max_attempts`` times, `fakecloud.cinder.reschedule`), then ``error``; delay/stall
  hold it in ``creating``.
- ``cinder.volume.delete`` (``volume_id``, ``project_id``, ``size``, ``backend``): error →
  ``error_deleting``.
- ``cinder.snapshot.create`` (``snapshot_id``, ``volume_id``, ``project_id``, ``size``,
  ``backend``): error → ``error``; ``stall`` keeps the snapshot ``creating`` until
  ``cloud.faults.release("cinder.snapshot.create")``.
- ``cinder.snapshot.delete`` (``snapshot_id``, ``volume_id``, ``project_id``, ``size``,
  ``backend``): error → ``error_deleting`` (``SnapshotIsBusy`` → back to ``available``).
- ``cinder.volume.upload`` (``volume_id``, ``image_id``, ``size``, ``backend``): before an
  upload-to-image copies the volume; error → the image deleted, the volume back to
  ``available``/``in-use``. Consulted only when armed.
- ``cinder.driver``: see `fakecloud.cinder.backends`.

Taking the volume service down (``kernel.rpc.set_up(target, False)``) leaves its casts waiting in
its queue: the resource stays ``creating``/``deleting`` until ``cinder-volume`` is back. Once its
last heartbeat is more than ``service_down_time_s`` old (60 s, Cinder's ``service_down_time``)
the scheduler's host manager takes it for down (``Service.is_up``) and places nothing there: a
new volume or snapshot for that backend goes to ``error`` as for a disabled service. Its tasks
under way die at the stop (`VolumeManager.stopped`): their volumes and snapshots stay
``creating``/``deleting``. Set up again, it runs ``init_host``'s clean-up of the workers table
first (`VolumeManager.started`, `fakecloud.cinder.cleanup`).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Generator
from typing import Any

from fakecloud.cinder import (
    backup_manager,
    cleanup,
    compute,
    exception,
    failover_manager,
    frozen,
    groups_manager,
    groups_replication,
    images,
    manage_existing,
    messages,
    migration,
    migration_generic,
    pools,
    reimage,
    replication,
    reschedule,
    revert,
    snapshot_manage,
    workers_api,
)
from fakecloud.cinder.capabilities_api import driver_capabilities
from fakecloud.cinder.capabilities_filter import is_operator, satisfies, scheduled_specs
from fakecloud.cinder.image_utils import check_fetched_virtual_size, check_virtual_size
from fakecloud.cinder.models import group_of
from fakecloud.cinder.states import (
    SNAPSHOT_STATUS,
    SNAPSHOT_STATUS_FORCED,
    VOLUME_STATUS,
    VOLUME_STATUS_FORCED,
    save_volume_status,
)
from fakecloud.cinder.volume_manage import manageable_volumes
from fakecloud.cinder.volumes import SNAPSHOTS_RETYPED_SINCE
from fakecloud.sim import stopping
from fakecloud.sim.io import mb_per_s

SCHEDULER = "cinder-scheduler"

# A volume's create runs whatever status its row holds: the cast's object says ``creating``,
# and neither the scheduler (scheduler/manager.py, filter_scheduler.py, scheduler/flows/
# create_volume.py) nor the backend's flow (volume/manager.py ``create_volume``: its
# ``_set_resource_host`` only moves a clustered volume's host; ``ExtractVolumeRefTask`` only
# refreshes; volume/flows/manager/create_volume.py) checks one, so a volume the scheduler's
# clean-up set ``error`` while its create waited in a stopped cinder-volume's queue, or one an
# admin reset meanwhile (``available``, ``error``, ``maintenance``, ``detaching``, ...;
# ``deleting`` and ``in-use`` before 20.0.0), is created all the same: ``downloading`` on an
# image's path, and ``CreateVolumeOnFinishTask`` writes ``available`` (its
# ``status_translation`` knows only ``migration_target_creating``, no status a reset can set);
# a failure's ``error_out`` writes ``error`` (cinder 12.0.10, 16.4.2, 24.0.0, 29.0.0).
#: The cinder major from which the scheduler casts the request spec's volume (``creating``)
#: to the backend, not ``volume_update_db``'s fresh read of the row (83ef828a7 'Scheduler:
#: Remove unnecessary DB read', 24.0.0 scheduler/driver.py and filter_scheduler.py).
SPEC_VOLUME_CAST_SINCE = 24
#: The status a snapshot's create is not followed on: ``deleting``, a force-delete's (whose
#: delete races the create in Cinder: not modelled). On any other the scheduler's and the
#: backend's create check none (the message's object says ``creating``) and the backend's end
#: saves ``available`` and "100%" over the row, so one an admin reset while its create waited
#: (``error``, ``available``, ``error_deleting``, ``backing-up``, ...) is made all the same
#: (cinder 12.0.0, 16.4.2, 29.x scheduler/manager.py, volume/manager.py).
_SNAPSHOT_CREATE_SKIPS = "deleting"


def _snapshot_failed(k: Any, store: Any, snap: Any, actor: str) -> None:
    """A snapshot's create failed: the message's ``creating`` object saves ``error``, over an
    admin's reset while the create waited too (cinder 12.0.0-29.x scheduler/manager.py
    ``_set_snapshot_state_and_notify``, volume/manager.py ``create_snapshot``); a destroyed
    row, or one being deleted, is left as it is."""
    if snap.status == "creating":
        SNAPSHOT_STATUS.move(k, snap, "error", actor=actor)
    elif (
        snap.status not in ("error", _SNAPSHOT_CREATE_SKIPS)
        and store.snapshots.get(snap.id) is snap
    ):
        SNAPSHOT_STATUS_FORCED.move(k, snap, "error", actor=actor)


def weigh_backends(drivers: dict[str, Any], wanted: str | None, size: int) -> str:
    """The filter scheduler for a type that names no configured backend: with a
    ``volume_backend_name`` spec naming none, no backend passes ``CapabilitiesFilter``; without
    one, ``CapacityWeigher`` takes the backend with the most free space (the first configured
    on a tie) among those with room (``CapacityFilter``)."""
    named = wanted is not None and not is_operator(wanted)  # an expression: `capable` chose
    fits = [] if named else [n for n, d in drivers.items() if d.free_gb >= size]
    if not fits:
        raise exception.NoValidBackend(reason="No weighed backends available")
    return max(fits, key=lambda n: drivers[n].free_gb)


class SchedulerManager:
    """``cinder/scheduler/manager.py``: place volumes and snapshots on a backend."""

    #: What cinder-api sends it (cinder/scheduler/rpcapi.py's ``SchedulerAPI``):
    #: `fakecloud.sim.rpc.methods_of`; `capable` and `retype_candidates` are its own helpers.
    RPC_API = frozenset(
        {
            "create_backup",
            "create_group",
            "create_snapshot",
            "create_volume",
            "do_cleanup",
            "extend_volume",
            "manage_existing",
            "manage_existing_snapshot",
            "migrate_volume",
            "retype",
            "work_cleanup",
        }
    )

    target = SCHEDULER
    actor = "cinder-scheduler"

    def __init__(self, cinder: Any):
        self.cinder = cinder
        self.kernel = cinder.kernel

    def create_volume(
        self,
        volume_id: str,
        snapshot_id: str | None = None,
        source_volid: str | None = None,
        image_meta: dict[str, Any] | None = None,
        backup_id: str | None = None,
        volume: Any = None,
        context: Any = None,
        attempt: int = 1,
    ) -> Generator:
        """Pick the backend of the volume's type, then cast ``create_volume`` to it.
        `attempt`: the how-many-th placing of a create cinder-volume rescheduled
        (`fakecloud.cinder.reschedule`).

        `volume` is the message's object. A volume the API destroyed while the cast waited (its
        delete of a volume with no host, in any status) is scheduled all the same, then
        ``volume_update_db`` finds no row (cinder 12.0.0-23.x ``get_by_id``; 24.0.0 on,
        83ef828a7, the request spec's object's ``save``): ``VolumeNotFound``, the user message
        ``schedule allocate volume:An unknown error occurred.`` of the deleted volume's id,
        and the workers row claimed and removed (``error_out``'s save fails, the object says
        ``error``: scheduler/flows/create_volume.py ``ScheduleCreateVolumeTask``)."""
        k = self.kernel
        store = self.cinder.store
        current = store.volumes.get(volume_id)
        if current is not None:
            # whatever an admin reset it to while the cast waited: placed and created all the
            # same (volume_update_db writes no status; the backend's create)
            volume = current
        elif volume is None:
            return
        # @objects.Volume.set_workers: the row is the scheduler's until the backend's manager
        # claims it (`cleanup.set_worker`), or the volume errors here; the message's object
        # says creating
        worker = cleanup.set_worker(self, "Volume", volume, "creating")
        backend = volume.volume_type.backend
        # A volume made from a snapshot or cloned from a volume lives where its source does.
        source = None
        if snapshot_id is not None and snapshot_id in self.cinder.store.snapshots:
            source = self.cinder.store.volumes.get(
                self.cinder.store.snapshots[snapshot_id].volume_id
            )
        elif source_volid is not None:
            source = self.cinder.store.volumes.get(source_volid)
        if source is not None and source.backend is not None:
            backend = source.backend
        grouped = group_of(volume)
        if grouped is not None:  # the group's backend (``resource_backend``)
            backend = self.cinder.group_api.get_backend(grouped) or backend
        try:
            if "cinder.scheduler" in k.faults.hot:  # else consulting it does nothing
                yield from k.faults.pause(
                    "cinder.scheduler", op="create_volume", volume_id=volume_id, size=volume.size
                )
            if attempt > 1:
                reschedule.exceeded(self.cinder, volume_id, attempt)  # _populate_retry
            drivers = self.capable(volume.volume_type)
            driver = drivers.get(backend)
            if driver is None:  # a created type, or a disabled backend's service
                backend = weigh_backends(drivers, backend, volume.size)
                driver = drivers[backend]
            if driver.free_gb < volume.size:
                raise exception.NoValidBackend(
                    reason=f"No weighed backends available: {backend} has {driver.free_gb}G "
                    f"free, {volume.size}G requested"
                )
            if store.volumes.get(volume_id) is not volume:  # volume_update_db: no row
                raise exception.VolumeNotFound(volume_id=volume_id)
        except Exception as exc:  # noqa: BLE001 - any scheduling failure errors the volume
            k.trace.emit("cinder.error", self.actor, volume_id, op="create_volume", error=str(exc))
            messages.record(
                self.cinder,
                messages.SCHEDULE_ALLOCATE_VOLUME,
                volume.project_id,
                volume_id,
                exc=exc,
            )
            if store.volumes.get(volume_id) is volume and volume.status != "error":
                # error_out's save, over an admin's `available` too
                table = VOLUME_STATUS if volume.status == "creating" else VOLUME_STATUS_FORCED
                table.move(k, volume, "error", actor=self.actor)
            cleanup.unset_worker(self, worker, volume)
            return
        # one string per backend, not per volume (every volume of a backend keeps it)
        volume.host = sys.intern(f"{self.cinder.config.host}@{backend}#{backend}")
        volume.backend = backend
        driver.building(volume_id)  # on the backend once the driver's create returns
        request = {
            "volume_id": volume_id,
            "snapshot_id": snapshot_id,
            "source_volid": source_volid,
            "image_meta": image_meta,
        }
        if backup_id is not None:
            request["backup_id"] = backup_id
        if context is not None:  # a volume made from an image: its download's token
            request["context"] = context
        if attempt > 1:
            request["attempt"] = attempt
        if volume.status != "creating" and k.switches.series.cinder < SPEC_VOLUME_CAST_SINCE:
            request["status"] = volume.status  # the fresh read's, cast as the volume's object
        k.rpc.cast_kwargs(self.cinder.volume_target(backend), "create_volume", request)

    def create_snapshot(self, snapshot_id: str) -> Generator:
        """``SchedulerManager.create_snapshot``: the volume's backend must pass the filters
        (``backend_passes_filters``): its cinder-volume enabled (the host manager keeps no
        disabled or frozen service: a backend failed over, or one an admin disabled, takes no
        snapshot) with room for the volume's size (``CapacityFilter``); else ``error``, "Cannot
        place snapshot <id> on <host>@<backend>." and no user message
        (``_set_snapshot_state_and_notify``; cinder 12.0.0-29.0.0 scheduler/filter_scheduler.py,
        scheduler/manager.py); then the cast to it."""
        k = self.kernel
        store = self.cinder.store
        snap = store.snapshots.get(snapshot_id)
        if snap is None or snap.status == _SNAPSHOT_CREATE_SKIPS:
            return
        volume = store.volumes[snap.volume_id]
        try:
            if "cinder.scheduler" in k.faults.hot:  # else consulting it does nothing
                yield from k.faults.pause(
                    "cinder.scheduler",
                    op="create_snapshot",
                    snapshot_id=snapshot_id,
                    volume_id=volume.id,
                    size=volume.size,
                )
            driver = self.cinder.enabled_drivers().get(volume.backend)
            if driver is None or driver.free_gb < volume.size:  # no weighed backend is it
                raise exception.NoValidBackend(
                    f"Cannot place snapshot {snapshot_id} on "
                    f"{self.cinder.config.host}@{volume.backend}."
                )
        except Exception as exc:  # noqa: BLE001
            k.trace.emit(
                "cinder.error", self.actor, snapshot_id, op="create_snapshot", error=str(exc)
            )
            _snapshot_failed(k, store, snap, self.actor)  # _set_snapshot_state_and_notify
            return
        # volume_rpcapi.create_snapshot, of the message's object
        cleanup.create_worker(self.cinder, "Snapshot", snap, "creating")
        driver.building(snapshot_id)  # on the backend once the driver's create returns
        k.rpc.cast_kwargs(
            self.cinder.volume_target(volume.backend),
            "create_snapshot",
            {"snapshot_id": snapshot_id},
        )

    def manage_existing(self, volume_id: str, ref: Any) -> None:
        """``SchedulerManager.manage_existing`` (`fakecloud.cinder.manage_existing`)."""
        manage_existing.schedule(self, volume_id, ref)

    def manage_existing_snapshot(self, snapshot_id: str, ref: Any) -> None:
        """``SchedulerManager.manage_existing_snapshot`` (`fakecloud.cinder.
        snapshot_manage`)."""
        snapshot_manage.schedule(self, snapshot_id, ref)

    def create_backup(self, backup_id: str) -> None:
        """``SchedulerManager.create_backup`` (`fakecloud.cinder.backup_manager`)."""
        backup_manager.BackupScheduling(self.cinder, self.actor).create_backup(backup_id)

    def create_group(self, group_id: str) -> None:
        """``SchedulerManager.create_group`` (`fakecloud.cinder.groups_manager`)."""
        groups_manager.schedule_group(self, group_id)

    def extend_volume(
        self, volume_id: str, new_size: int, reservation: Any, previous_status: str
    ) -> Generator:
        """``SchedulerManager.extend_volume``: the volume's backend must pass the filters
        (``backend_passes_filters`` with ``new_size``: its cinder-volume enabled, not frozen
        and up, as the host manager keeps only those, with room for the increase,
        ``CapacityFilter``); else "Cannot place volume <id> on <host>@<backend>#<pool>." (the
        volume's ``service_topic_queue``), the reservation rolled back, the volume back to
        `previous_status` and the ``EXTEND_VOLUME`` user message (cinder 12.0.0-29.0.0
        scheduler/manager.py, scheduler/filter_scheduler.py); then the cast to it."""
        k = self.kernel
        volume = _extended(self.cinder, volume_id, reservation)
        if volume is None:
            return
        increase = new_size - volume.size
        try:
            yield from k.faults.pause(
                "cinder.scheduler", op="extend_volume", volume_id=volume_id, size=increase
            )
            driver = self.cinder.enabled_drivers().get(volume.backend)
            if driver is None or driver.free_gb < increase:  # no weighed backend is it
                raise exception.NoValidBackend(f"Cannot place volume {volume_id} on {volume.host}.")
        except Exception as exc:  # noqa: BLE001 - _extend_volume_set_error
            k.trace.emit("cinder.error", self.actor, volume_id, op="extend_volume", error=str(exc))
            if isinstance(exc, exception.NoValidBackend):  # the only error it catches
                messages.record(
                    self.cinder, messages.EXTEND_VOLUME, volume.project_id, volume_id, exc=exc
                )
            self.cinder.quotas.rollback(reservation)
            save_volume_status(k, volume, previous_status, self.actor)
            return
        k.rpc.cast(
            self.cinder.volume_target(volume.backend),
            "extend_volume",
            volume_id=volume_id,
            new_size=new_size,
            reservation=reservation,
        )

    def retype(
        self,
        volume_id: str,
        new_type_id: str,
        migration_policy: str | None,
        reservation: Any,
        old_reservation: Any,
        previous_status: str,
    ) -> Generator:
        """``SchedulerManager.retype`` and ``find_retype_backend``: the enabled backends
        that pass the new type's filters (`retype_candidates`); the volume's own when it is
        one, else (a migration) only with ``on-demand``, to the one with the most free space. A
        refusal rolls both reservations back and the volume returns to `previous_status`
        (``_retype_volume_set_error``; no user message, 12.0.10 to 2026.1)."""
        k = self.kernel
        volume = self.cinder.store.volumes.get(volume_id)
        if volume is None or volume.status != "retyping":
            return
        vtype = self.cinder.volume_type(new_type_id)
        policy = migration_policy or "never"
        target = volume.backend
        try:
            if "cinder.scheduler" in k.faults.hot:
                yield from k.faults.pause(
                    "cinder.scheduler", op="retype", volume_id=volume_id, size=volume.size
                )
            candidates = self.retype_candidates(volume, vtype)
            if not candidates:
                raise exception.NoValidBackend(
                    reason=f"No valid backends for volume {volume_id} with type {vtype.name}"
                )
            if volume.backend not in candidates:
                if policy == "never":
                    raise exception.NoValidBackend(
                        reason=f"Current backend not valid for volume {volume_id} with type "
                        f"{vtype.name}, migration not allowed"
                    )
                target = max(candidates, key=lambda n: candidates[n].free_gb)
        except Exception as exc:  # noqa: BLE001 - _retype_volume_set_error
            k.trace.emit("cinder.error", self.actor, volume_id, op="retype", error=str(exc))
            self.cinder.quotas.rollback(reservation)
            self.cinder.quotas.rollback(old_reservation)
            VOLUME_STATUS.move(k, volume, previous_status, actor=self.actor)
            return
        k.rpc.cast_kwargs(
            self.cinder.volume_target(volume.backend),
            "retype",
            {
                "volume_id": volume_id,
                "new_type_id": new_type_id,
                "target_backend": target,
                "migration_policy": policy,
                "reservation": reservation,
                "old_reservation": old_reservation,
                "previous_status": previous_status,
            },
        )

    def capable(self, vtype: Any) -> dict[str, Any]:
        """The enabled backends whose capabilities satisfy `vtype`'s scheduled extra specs
        (``CapabilitiesFilter``; a ``volume_backend_name`` that is a name is left to the
        caller, the type's `backend`; an operator expression such as ``<or> lvmdriver-1``, or
        a name under the ``capabilities:`` scope, is matched here, as ``extra_specs_ops`` does
        with any capability), in configured order."""
        drivers = self.cinder.enabled_drivers()
        specs = vtype.extra_specs
        wanted = scheduled_specs(specs) if specs else {}
        named = wanted.get(("volume_backend_name",)) or ""
        if not is_operator(named) and "capabilities:volume_backend_name" not in specs:
            wanted.pop(("volume_backend_name",), None)
        if not wanted:
            return drivers
        return {
            name: d
            for name, d in drivers.items()
            if satisfies(pools.capabilities(self.cinder, name, d), wanted)
        }

    def retype_candidates(self, volume: Any, vtype: Any) -> dict[str, Any]:
        """``_get_weighted_candidates`` for a retype: the `capable` backends that
        ``volume_backend_name`` names (any without one) with room for the volume
        (``CapacityFilter``, skipped on the backend the volume is on: ``vol_exists_on``)."""
        return {
            name: d
            for name, d in self.capable(vtype).items()
            if vtype.backend in (None, name)
            or is_operator(vtype.backend)
            and (name == volume.backend or d.free_gb >= volume.size)
        }

    #: The rows of the workers table the scheduler holds (`fakecloud.cinder.cleanup`): the
    #: volumes it placed that no backend's manager has claimed yet; None while it holds none.
    workers: dict[str, str] | None = None

    def stopped(self) -> None:
        """The scheduler's process ends: its tasks die at the stop (`fakecloud.sim.stopping`);
        its rows stay for `started`."""
        stopping.kill_tasks(self.kernel, self.target, self.actor)

    def started(self) -> None:
        """``init_host``'s ``do_cleanup`` of the scheduler's rows (``SchedulerManager._do_cleanup``,
        cinder 12.0.0-29.0.0: a volume still ``creating`` goes ``error``)."""
        cleanup.clean_rows(self)

    def work_cleanup(self, cleanup_request: dict[str, Any]) -> tuple[list, list]:
        """``SchedulerManager.work_cleanup`` (an RPC call from ``POST /workers/cleanup``,
        `fakecloud.cinder.workers_api`)."""
        return workers_api.work_cleanup(self, cleanup_request)

    def do_cleanup(self, resource_type: str | None = None, resource_id: str | None = None):
        """``CleanableManager.do_cleanup`` of the scheduler's rows (a cast from ``POST
        /workers/cleanup``)."""
        cleanup.clean_rows(self, resource_type, resource_id)

    def migrate_volume(
        self, volume_id: str, backend: str, force_copy: bool, previous_status: str
    ) -> Generator:
        """``SchedulerManager.migrate_volume``: see `fakecloud.cinder.migration.schedule`."""
        yield from migration.schedule(self, volume_id, backend, force_copy, previous_status)


class VolumeManager:
    """``cinder/volume/manager.py`` for one backend: runs its driver."""

    #: What cinder-api and cinder-scheduler send it (cinder/volume/rpcapi.py's ``VolumeAPI``
    #: as fakecloud sends it): `fakecloud.sim.rpc.methods_of`. `migrate_volume_completion`, an
    #: RPC call in real Cinder, is called here in the process (`fakecloud.cinder.migration`),
    #: so no message names it; the driver's steps are no messages either.
    RPC_API = frozenset(
        {
            "accept_transfer",
            "copy_volume_to_image",
            "create_group",
            "create_group_from_src",
            "create_group_snapshot",
            "create_snapshot",
            "create_volume",
            "delete_group",
            "delete_group_snapshot",
            "delete_snapshot",
            "delete_volume",
            "disable_replication",
            "do_cleanup",
            "enable_replication",
            "extend_volume",
            "failover_host",
            "failover_replication",
            "freeze_host",
            "get_backup_device",
            "get_capabilities",
            "get_manageable_snapshots",
            "get_manageable_volumes",
            "list_replication_targets",
            "manage_existing",
            "manage_existing_snapshot",
            "migrate_volume",
            "reimage",
            "retype",
            "revert_to_snapshot",
            "thaw_host",
            "update_group",
        }
    )

    _held: dict[str, Any]

    def __init__(self, cinder: Any, driver: Any):
        self.cinder = cinder
        self.kernel = cinder.kernel
        self.driver = driver
        self.target = cinder.volume_target(driver.name)
        self.actor = self.target
        self._held = {}

    def _synchronized(self, key: str, generation: int) -> Generator:
        """``@coordination.synchronized(key)``: wait while another process holds `key`, then
        hold it (give it back with `_release`). False, not held, for a task whose process was
        restarted while it waited."""
        while key in self._held:
            yield self._held[key]
        if self._dead(generation):
            return False
        self._held[key] = self.kernel.env.event()
        return True

    def _release(self, key: str, generation: int) -> None:
        """Give `key` back, unless the holder's process was restarted since: its locks went
        with it (`started`)."""
        if not self._dead(generation):
            self._held.pop(key).succeed()

    def _fail(self, resource_id: str, op: str, exc: BaseException) -> None:
        self.kernel.trace.emit("cinder.error", self.actor, resource_id, op=op, error=str(exc))

    #: The rows of the workers table this service holds (`fakecloud.cinder.cleanup`): the
    #: volume's or snapshot's id -> its status when claimed; None while it holds none.
    workers: dict[str, str] | None = None
    #: How many times the service stopped (`stopped`): a task of an earlier process died with
    #: it; one the stop's kill did not reach stops at its next step (`_dead`).
    generation = 0

    def _dead(self, generation: int) -> bool:
        """Whether the process that began a task at `generation` has stopped since."""
        return generation != self.generation

    def stopped(self) -> None:
        """The service's process ends (the bus calls it as the service stops): its tasks die
        where they stand (`fakecloud.sim.stopping`), its locks with them; the workers rows
        they claimed stay for the restart's clean-up (`started`)."""
        self.generation += 1
        held, self._held = self._held, {}  # the old process's locks die with it
        for event in held.values():
            event.succeed()
        stopping.kill_tasks(self.kernel, self.target, self.actor)

    def started(self) -> None:
        """``init_host`` as the stopped service starts again (the bus calls it before the
        queue is consumed): ``CleanableManager.do_cleanup`` of its workers
        (`fakecloud.cinder.cleanup`, cinder 12.0.10-29.0.0), when none resumes a delete
        (`starting`). The tasks of the earlier start died at its stop (`stopped`)."""
        cleanup.clean_rows(self)

    @property
    def starting(self) -> Any:
        """The bus's ``starting`` hook while a row of this service resumes a delete (a volume
        still ``deleting``), else None: `started` cleans at once."""
        rows, volumes = self.workers, self.cinder.store.volumes
        for resource_id, status in (rows or {}).items():
            volume = volumes.get(resource_id) if status == "deleting" else None
            if volume is not None and volume.status == "deleting":
                return self._start_deleting
        return None

    def _start_deleting(self) -> Generator:
        """``Service.start`` with a delete to resume: ``init_host``'s ``do_cleanup`` deletes
        each such volume in its turn (``volume_service_inithost_offload``, off by default in
        every release and unset by devstack, would put them in a thread pool), before the RPC
        server starts: the service is down until it is done, its queue waiting."""
        yield from cleanup.do_cleanup(self)
        self.kernel.rpc.set_up(self.target, True, init=False)

    def do_cleanup(
        self, resource_type: str | None = None, resource_id: str | None = None
    ) -> Generator:
        """``CleanableManager.do_cleanup`` asked by ``POST /workers/cleanup`` (a cast): this
        service's rows, of `resource_type` or `resource_id` when given."""
        yield from cleanup.do_cleanup(self, resource_type, resource_id)

    def _snapshot_message(
        self, snap: Any, action: str, exc: BaseException, detail: str | None = None
    ) -> None:
        """``message_api.create`` of a snapshot (15.0.0 on; before, none)."""
        if self.kernel.switches.series.cinder >= messages.SNAPSHOT_SINCE:
            messages.record(
                self.cinder,
                action,
                snap.project_id,
                snap.id,
                resource_type=messages.VOLUME_SNAPSHOT,
                exc=exc,
                detail=detail,
            )

    # -- groups (`fakecloud.cinder.groups_manager`) ------------------------------------------

    def create_group(self, group_id: str) -> None:
        """``VolumeManager.create_group``."""
        groups_manager.GroupWork(self).create_group(group_id)

    def update_group(self, group_id: str, add_volumes: str, remove_volumes: str) -> None:
        """``VolumeManager.update_group``."""
        groups_manager.GroupWork(self).update_group(group_id, add_volumes, remove_volumes)

    def delete_group(self, group_id: str) -> Generator:
        """``VolumeManager.delete_group``."""
        yield from groups_manager.GroupWork(self).delete_group(group_id)

    def create_group_snapshot(self, group_snapshot_id: str) -> Generator:
        """``VolumeManager.create_group_snapshot``."""
        yield from groups_manager.GroupWork(self).create_group_snapshot(group_snapshot_id)

    def delete_group_snapshot(self, group_snapshot_id: str) -> Generator:
        """``VolumeManager.delete_group_snapshot``."""
        yield from groups_manager.GroupWork(self).delete_group_snapshot(group_snapshot_id)

    def create_group_from_src(self, group_id: str) -> Generator:
        """``VolumeManager.create_group_from_src``."""
        yield from groups_manager.GroupWork(self).create_group_from_src(group_id)

    def enable_replication(self, group_id: str) -> None:
        """``VolumeManager.enable_replication`` (`fakecloud.cinder.groups_replication`)."""
        groups_replication.manager_act(self, group_id, "enable_replication")

    def disable_replication(self, group_id: str) -> None:
        """``VolumeManager.disable_replication``."""
        groups_replication.manager_act(self, group_id, "disable_replication")

    def failover_replication(self, group_id: str) -> None:
        """``VolumeManager.failover_replication``."""
        groups_replication.manager_act(self, group_id, "failover_replication")

    def list_replication_targets(self, group_id: str, is_admin: bool = False) -> dict[str, list]:
        """``VolumeManager.list_replication_targets`` (an RPC call; `is_admin`: the caller's
        context's)."""
        return groups_replication.manager_targets(self, is_admin)

    def freeze_host(self) -> bool:
        """``VolumeManager.freeze_host`` (an RPC call, `fakecloud.cinder.freeze`)."""
        return frozen.freeze_or_thaw_host(self, True)

    def thaw_host(self) -> bool:
        """``VolumeManager.thaw_host`` (an RPC call)."""
        return frozen.freeze_or_thaw_host(self, False)

    def failover_host(self, secondary_backend_id: str | None = None) -> None:
        """``VolumeManager.failover`` (an RPC cast, `fakecloud.cinder.failover_manager`)."""
        failover_manager.failover_host(self, secondary_backend_id)

    def get_backup_device(self, backup_id: str) -> Generator:
        """The device a backup reads (`fakecloud.cinder.backup_manager.get_backup_device`)."""
        yield from backup_manager.get_backup_device(self, backup_id)

    # -- volumes -----------------------------------------------------------------------------

    def create_volume(
        self,
        volume_id: str,
        snapshot_id: str | None = None,
        source_volid: str | None = None,
        image_meta: dict[str, Any] | None = None,
        backup_id: str | None = None,
        status: str = "creating",
        context: Any = None,
        attempt: int = 1,
    ) -> Generator:
        """Create the volume on the backend: blank, from a snapshot, from an image, or (3.47)
        raw, then restored from a backup by cinder-backup (``_create_from_backup``).

        `context`: the request's (a volume made from an image; none in a message saved before
        session 42), whose token the image's download sends to Glance (`check_download`).

        `attempt`: the scheduler's how-many-th placing of it: a failed read of the image is
        rescheduled (`fakecloud.cinder.reschedule`).

        `status`: the message's object's. Before 24.0.0 the scheduler casts its fresh read of
        the row, so a volume an admin reset while the create waited for the scheduler is not
        cleanable: ``set_workers`` neither claims the scheduler's row, left to the scheduler's
        clean-up ("mismatching work"), nor makes one."""
        store = self.cinder.store
        if self.cinder.scheduler.workers is not None and status in cleanup.CLEANABLE["Volume"]:
            cleanup.taken_from_scheduler(self.cinder.scheduler, volume_id)  # claimed here
        volume = store.volumes.get(volume_id)
        if volume is None:  # the flow's refresh: VolumeNotFound, nothing made
            return
        source = "snapshot" if snapshot_id else "image" if image_meta else "blank"
        if source_volid:
            source = "volume"
        if backup_id:
            source = "backup"
        # the workers row is claimed in this frame, not in a wrapper generator: 100,000 creates at
        # once (the storm) kept a second frame each, ~10 MB of the allocator's pools at the peak
        # the row takes the message's status, creating, whatever the database now says
        worker = cleanup.set_worker(self, "Volume", volume, status)
        driver = self.driver
        try:
            k = self.kernel
            volume_id = volume.id
            generation = self.generation
            try:
                if "cinder.volume.create" in k.faults.hot:  # else consulting it does nothing
                    yield from k.faults.pause(
                        "cinder.volume.create",
                        volume_id=volume_id,
                        project_id=volume.project_id,
                        size=volume.size,
                        backend=self.driver.name,
                        source=source,
                    )
                if snapshot_id:
                    snap = store.snapshots.get(snapshot_id)
                    if snap is None:
                        raise exception.SnapshotNotFound(snapshot_id=snapshot_id)
                    yield from self.driver.create_volume_from_snapshot(volume, snap)
                    origin = store.volumes.get(snap.volume_id)
                    if origin is not None and origin.bootable:
                        # _handle_bootable_volume_glance_meta: volume_glance_metadata_copy_to_volume
                        _handle_bootable_volume_glance_meta(volume, snap.glance_metadata)
                elif source_volid:
                    src = store.volumes.get(source_volid)
                    if src is None:
                        raise exception.VolumeNotFound(volume_id=source_volid)
                    yield from self.driver.create_cloned_volume(volume, src)
                    if src.bootable:
                        # ... volume_glance_metadata_copy_from_volume_to_volume
                        _handle_bootable_volume_glance_meta(volume, src.volume_image_metadata)
                elif image_meta:
                    if context is not None:
                        # ExtractVolumeSpecTask: get_location and show (12.0.10-29.0.0); the
                        # flow goes on with the manager's own read of the image
                        extract = getattr(self.cinder.image_service, "extract_spec", None)
                        if extract is not None:
                            try:
                                asked = image_meta
                                image_meta = extract(context, image_meta["id"])
                            except Exception as exc:  # noqa: BLE001 - the flow's revert
                                if not reschedule.reschedules(self.cinder, exc):
                                    raise
                                self._fail(volume_id, "create_volume", exc)
                                request = {"volume_id": volume_id, "image_meta": asked,
                                           "context": context}  # fmt: skip
                                reschedule.reschedule(self, volume, request, attempt)
                                return
                    # _create_from_image (12.0.10-29.0.0): before any clone or download, an image
                    # whose virtual size is known must fit the volume (ImageUnacceptable, not
                    # rescheduled: the volume goes to error, no glance metadata, not bootable).
                    if image_meta.get("virtual_size"):
                        check_virtual_size(
                            int(image_meta["virtual_size"]), volume.size, image_meta["id"]
                        )
                    link = k.io.resource(
                        "cinder-image-download",
                        mb_per_s(self.cinder.config.image_download_mb_per_s),
                    )
                    # _create_from_image_download: the volume is 'downloading' while the image
                    # is copied into it (cinder/volume/flows/manager/create_volume.py).
                    yield from self.driver.copy_image_to_volume(
                        volume,
                        int(image_meta["size"]),
                        link,
                        image_id=image_meta["id"],
                        created=lambda: self._downloading(volume),
                        before_copy=_download_check(self.cinder, context, image_meta["id"]),
                        fetched=None
                        if image_meta.get("virtual_size")
                        else lambda: self._check_fetched(volume, image_meta["id"]),
                    )
                    volume.image_id = image_meta["id"]
                    _handle_bootable_volume_glance_meta(volume, _image_metadata(image_meta))
                elif backup_id:
                    yield from self.driver.create_volume(volume)
                    driver.built(volume_id, volume.size, store.volumes.get(volume_id) is not volume)
                    if self._dead(generation):
                        return
                    # the raw volume stays creating until cinder-backup has restored into it
                    backup_manager.restore_into_new(self.cinder, volume, backup_id)
                    return
                else:
                    yield from self.driver.create_volume(volume)
                replication.created(self.driver.spec, volume, k.switches.series.cinder)
            except Exception as exc:  # noqa: BLE001 - the manager turns any failure into error
                if store.volumes.get(volume_id) is not volume:
                    driver.forget(volume_id)  # nothing made, and no row left to place it
                if self._dead(generation):
                    return
                self._fail(volume_id, "create_volume", exc)
                if source in ("blank", "backup") and (
                    k.switches.series.cinder >= messages.DRIVER_CREATE_SINCE
                ):  # _create_raw_volume
                    messages.record(
                        self.cinder,
                        messages.CREATE_VOLUME_FROM_BACKEND,
                        volume.project_id,
                        volume_id,
                        exc=exc,
                        detail=messages.DRIVER_FAILED_CREATE,
                    )
                if (
                    source in ("blank", "snapshot", "volume", "backup")
                    and store.volumes.get(volume_id) is volume
                    and reschedule.reschedules(self.cinder, exc)
                ):
                    request = {"volume_id": volume_id, "snapshot_id": snapshot_id,
                               "source_volid": source_volid, "backup_id": backup_id}  # fmt: skip
                    reschedule.reschedule(self, volume, request, attempt)
                    return
                if volume.status != "error" and store.volumes.get(volume_id) is volume:
                    # the flow's revert (error_out) writes `error` over whatever the row holds
                    save_volume_status(k, volume, "error", self.actor)
                return
            row_gone = store.volumes.get(volume_id) is not volume
            driver.built(volume_id, volume.size, row_gone)
            if self._dead(generation) or row_gone:
                # a row destroyed meanwhile: CreateVolumeOnFinishTask's save fails
                # (VolumeNotFound, logged), and the driver's volume stays on the backend
                return
            if volume.status != "available":
                # CreateVolumeOnFinishTask writes `available` over the row whatever it holds
                # (the flow's object still says creating): a workers clean-up's `error`, an
                # admin's reset (12.0.0-29.0.0 volume/flows/manager/create_volume.py)
                save_volume_status(k, volume, "available", self.actor)
        finally:
            cleanup.unset_worker(self, worker, volume)

    def _downloading(self, volume: Any) -> None:
        """``_create_from_image_download``'s save of ``downloading`` once the driver made the
        volume, over whatever the row holds; on a row destroyed meanwhile the save fails
        (``VolumeNotFound``: the create fails) and the volume just made stays on the backend
        (cinder 12.0.10-29.0.0 volume/flows/manager/create_volume.py)."""
        if self.cinder.store.volumes.get(volume.id) is not volume:
            self.driver.allocated_gb += volume.size
            self.driver.built(volume.id, volume.size, True)
            raise exception.VolumeNotFound(volume_id=volume.id)
        save_volume_status(self.kernel, volume, "downloading", self.actor)

    def _check_fetched(self, volume: Any, image_id: str) -> None:
        """``fetch_to_volume_format`` after the download (12.0.10-29.0.0): ``qemu-img info``
        reads the virtual size Glance did not give (Glance before 21.0.0 leaves it null)."""
        virtual_size = self.cinder.image_service.data_virtual_size(image_id)
        if virtual_size is not None:
            check_fetched_virtual_size(
                virtual_size, volume.size, image_id, self.kernel.switches.series.cinder
            )

    def get_capabilities(self, discover: bool) -> dict[str, Any]:
        """``VolumeManager.get_capabilities`` (an RPC call from ``GET /capabilities/{host}``):
        the driver's capabilities (`fakecloud.cinder.capabilities_api`)."""
        return driver_capabilities(self.cinder, self.driver.name)

    def get_manageable_volumes(
        self, marker: Any, limit: int, offset: int, sort_keys: list, sort_dirs: list
    ) -> list[dict[str, Any]]:
        """``VolumeManager.get_manageable_volumes`` (an RPC call from ``GET
        /manageable_volumes``): the driver's listing (`fakecloud.cinder.volume_manage`)."""
        return manageable_volumes(
            self.cinder, self.driver, marker, limit, offset, sort_keys, sort_dirs
        )

    def manage_existing(self, volume_id: str, ref: Any) -> Generator:
        """``VolumeManager.manage_existing``: the manager's flow (`fakecloud.cinder.
        manage_existing`)."""
        yield from manage_existing.run(self, volume_id, ref)

    def manage_existing_snapshot(self, snapshot_id: str, ref: Any) -> Generator:
        """``VolumeManager.manage_existing_snapshot``: the manager's flow (`fakecloud.cinder.
        snapshot_manage`)."""
        yield from snapshot_manage.run(self, snapshot_id, ref)

    def get_manageable_snapshots(
        self, marker: Any, limit: int, offset: int, sort_keys: list, sort_dirs: list
    ) -> list[dict[str, Any]]:
        """``VolumeManager.get_manageable_snapshots`` (an RPC call from ``GET
        /manageable_snapshots``): the driver's listing (`fakecloud.cinder.snapshot_manage`)."""
        return snapshot_manage.manageable_snapshots(
            self.cinder, self.driver, marker, limit, offset, sort_keys, sort_dirs
        )

    def accept_transfer(self, volume_id: str, new_user: str, new_project: str) -> None:
        """``VolumeManager.accept_transfer`` (an RPC call from the transfer API): the driver's
        ``accept_transfer``, which for LVM and RBD changes nothing (no model update)."""
        return None

    def extend_volume(self, volume_id: str, new_size: int, reservation: Any) -> Generator:
        """``VolumeManager.extend_volume``: the driver grows the volume; done, the quota is
        committed, the size set and the volume ``in-use`` if attached, else ``available``; a
        driver failure is ``error_extending`` with the reservation rolled back. A volume
        attached to servers then has Nova told (``volume-extended``, `compute.extend_volume`),
        so their guests see the new size; Nova refusing it is a user message ("Compute service
        failed to extend volume.", as ``compute/nova.py`` records it in 12.0.10 to 29.0.0)."""
        k = self.kernel
        volume = _extended(self.cinder, volume_id, reservation)
        if volume is None:
            return
        try:
            yield from self.driver.extend_volume(volume, new_size)
        except Exception as exc:  # noqa: BLE001 - extend_volume_completion(error=True)
            self._fail(volume_id, "extend_volume", exc)
            messages.record(
                self.cinder,
                messages.EXTEND_VOLUME,
                volume.project_id,
                volume_id,
                detail=messages.DRIVER_FAILED_EXTEND,
            )
            self.cinder.quotas.rollback(reservation)
            save_volume_status(k, volume, "error_extending", self.actor)
            return
        self.cinder.quotas.commit(reservation)
        volume.size = int(new_size)
        new = "in-use" if volume.attachments else "available"
        save_volume_status(k, volume, new, self.actor)
        server_ids = [a.instance_uuid for a in volume.attachments if a.instance_uuid]
        if server_ids:
            told = yield from compute.extend_volume(k, self.actor, server_ids, volume_id)
            if not told:
                messages.record(
                    self.cinder,
                    messages.EXTEND_VOLUME,
                    volume.project_id,
                    volume_id,
                    detail=messages.NOTIFY_COMPUTE_SERVICE_FAILED,
                )

    def retype(
        self,
        volume_id: str,
        new_type_id: str,
        target_backend: str,
        migration_policy: str,
        reservation: Any,
        old_reservation: Any,
        previous_status: str,
    ) -> Generator:
        """``VolumeManager.retype``: types that differ only in name, or a target that is this
        backend, change the type in place (the drivers' ``retype`` needs no work); otherwise
        the volume migrates (``migrate_volume`` → `migration_generic.migrate_generic`, the new
        type on the temporary volume): refused with ``never`` ("Retype requires migration but
        is not allowed."), when it has snapshots, or when it replicates (its
        ``replication_status`` neither null, ``disabled`` nor ``not-capable``: "Volume must not
        be replicated."). In place, RBD's retype turns replication on or off
        (`replication.setup_volume`; its refusal of replication with multiattach falls back to
        the migration) and ``_set_replication_status`` follows the types'
        ``replication_enabled`` otherwise (cinder 12.0.10-29.0.0 ``VolumeManager.retype``). A
        detached volume is copied and completed at once, an attached one stays ``retyping``
        until Nova's swap completes it (the volume takes the new type then). Once retyped, or
        the migration under way, the quota of the new type is committed and the old one's
        given back; a refusal or a failed migration rolls both back and the volume returns to
        `previous_status`."""
        k = self.kernel
        store = self.cinder.store
        volume = store.volumes.get(volume_id)
        if volume is None or volume.status != "retyping":
            return
        vtype = self.cinder.volume_type(new_type_id)
        old = volume.volume_type
        # volume_types_diff: fakecloud's backend stands for the volume_backend_name spec.
        retyped = (old.backend, old.extra_specs) == (vtype.backend, vtype.extra_specs)
        update: dict[str, Any] = {}
        if not retyped and target_backend == self.driver.name:
            try:  # the driver's retype: RBD's _setup_volume, the others' True
                update = replication.setup_volume(
                    self.driver.spec, volume, k.switches.series.cinder, vtype
                )
                retyped = True
            except exception.RBDDriverException as exc:  # "falling back to generic mechanism"
                self._fail(volume_id, "retype", exc)
        quotas = self.cinder.quotas
        try:
            if not retyped:
                if migration_policy == "never":
                    raise exception.VolumeMigrationFailed(
                        reason="Retype requires migration but is not allowed."
                    )
                if store.volume_snapshots(volume):
                    raise exception.InvalidVolume(reason="Volume must not have snapshots.")
                if volume.replication_status not in (None, "disabled", "not-capable"):
                    raise exception.InvalidVolume(reason="Volume must not be replicated.")
                volume.migration_status = "starting"
                yield from self._migrate_volume_generic(
                    volume, target_backend, previous_status, vtype
                )
        except Exception as exc:  # noqa: BLE001 - _retype_error
            self._fail(volume_id, "retype", exc)
            quotas.rollback(old_reservation)
            quotas.rollback(reservation)
            if volume.status != previous_status:
                VOLUME_STATUS.move(k, volume, previous_status, actor=self.actor)
            return
        quotas.commit(old_reservation)
        quotas.commit(reservation)
        if not retyped:
            return  # the migration's completion gives the volume its type and status
        status = update.get("replication_status") or replication.retyped_status(old, vtype)
        if status is not None:  # _set_replication_status
            volume.replication_status = status
        volume.volume_type = vtype
        if volume.backend != target_backend:
            volume.backend = target_backend
            volume.host = f"{self.cinder.config.host}@{target_backend}#{target_backend}"
        if k.switches.series.cinder >= SNAPSHOTS_RETYPED_SINCE:
            for snap in store.volume_snapshots(volume):
                snap.volume_type = vtype
        VOLUME_STATUS.move(k, volume, previous_status, actor=self.actor)

    def _migrate_volume_generic(
        self, volume: Any, target_backend: str, previous_status: str, new_type: Any = None
    ) -> Generator:
        """``_migrate_volume_generic``: see `fakecloud.cinder.migration_generic`; a failure
        leaves ``migration_status`` ``error`` (``migrate_volume``'s handler)."""
        try:
            yield from migration_generic.migrate_generic(
                self, volume, target_backend, previous_status, new_type
            )
        except Exception:
            volume.migration_status = "error"
            raise

    def migrate_volume_completion(self, volume: Any, new_volume: Any, error: bool) -> str:
        """``VolumeManager.migrate_volume_completion``: see
        `fakecloud.cinder.migration_generic.complete`."""
        return migration_generic.complete(self, volume, new_volume, error)

    def migrate_volume(
        self, volume_id: str, target_backend: str, force_copy: bool, previous_status: str
    ) -> Generator:
        """``VolumeManager.migrate_volume``: see `fakecloud.cinder.migration.migrate`."""
        yield from migration.migrate(self, volume_id, target_backend, force_copy, previous_status)

    def revert_to_snapshot(
        self, volume_id: str, snapshot_id: str, project_id: str, user_id: str
    ) -> Generator:
        """``VolumeManager.revert_to_snapshot``: see `fakecloud.cinder.revert.revert`."""
        yield from revert.revert(self, volume_id, snapshot_id, project_id, user_id)

    def reimage(
        self,
        volume_id: str,
        image_meta: dict[str, Any],
        previous_status: str,
        snapshot_id: str | None,
        project_id: str,
        context: Any = None,
    ) -> Generator:
        """``VolumeManager.reimage``: see `fakecloud.cinder.reimage.run`."""
        yield from reimage.run(
            self, volume_id, image_meta, previous_status, snapshot_id, project_id, context
        )

    def refresh_volume_glance_meta(self, volume: Any, image_meta: dict[str, Any]) -> None:
        """``_refresh_volume_glance_meta``: the volume's image metadata now `image_meta`'s, and
        it bootable."""
        volume.image_id = image_meta["id"]
        _handle_bootable_volume_glance_meta(volume, _image_metadata(image_meta))

    def copy_volume_to_image(
        self, volume_id: str, image_meta: dict[str, Any], context: Any = None
    ) -> Generator:
        """``VolumeManager.copy_volume_to_image``: the driver uploads the volume's bytes to
        the queued image; on failure the image is deleted if still ``queued``/``saving``
        (``_delete_image``); either way the volume goes back to ``in-use`` if attached, else
        ``available`` (``volume_update_status_based_on_attachment``)."""
        k = self.kernel
        volume = self.cinder.store.volumes.get(volume_id)
        if volume is None or volume.status != "uploading":
            return
        image_service = self.cinder.image_service
        generation = self.generation
        try:
            if "cinder.volume.upload" in k.faults.hot:  # else consulting it does nothing
                yield from k.faults.pause(
                    "cinder.volume.upload",
                    volume_id=volume_id,
                    image_id=image_meta["id"],
                    size=volume.size,
                    backend=self.driver.name,
                )
            yield from self.driver.copy_volume_to_image(context, volume, image_service, image_meta)
        except Exception as exc:  # noqa: BLE001 - logged, the image removed, the volume freed
            if self._dead(generation):
                return
            self._fail(volume_id, "copy_volume_to_image", exc)
            messages.record(
                self.cinder,
                messages.COPY_VOLUME_TO_IMAGE,
                volume.project_id,
                volume_id,
                exc=exc,
                detail=messages.FAILED_TO_UPLOAD_VOLUME,
            )
            try:
                status = image_service.show(context, image_meta["id"]).get("status")
                if status in ("queued", "saving"):
                    image_service.delete(context, image_meta["id"])
            except Exception:  # noqa: BLE001 - "Image delete encountered an error."
                pass
        if self._dead(generation):
            return  # no worker row: the restart's clean-up leaves the volume uploading
        if volume.status == "uploading":
            new = "in-use" if volume.attachments else "available"
            VOLUME_STATUS.move(k, volume, new, actor=self.actor)

    def delete_volume(
        self,
        volume_id: str,
        cascade: bool = False,
        unmanage_only: bool = False,
        cleaning: bool = False,
    ) -> Generator:
        """Delete the volume (its snapshots first when `cascade`), then return its quota; with
        `unmanage_only` the driver's ``unmanage`` instead of its delete (an unmanaged volume's
        data stays on the backend, taking its space), a failure ``error_unmanaging``.

        As ``@coordination.synchronized('{volume.id}-delete_volume')`` and ``volume.refresh()``
        in the real manager: a second delete of the same volume (a DELETE and an
        ``os-force_delete`` at one instant) waits for the first, then finds the volume gone
        and returns quietly. Like the real manager it does not look at the status: a volume an
        admin reset (``os-reset_status``) after the API accepted the delete is deleted all the
        same (cinder 29.0.0 ``VolumeManager.delete_volume``). `cleaning`: resumed by
        ``do_cleanup``, whose row it is (``set_worker`` makes none for a ``cleaning`` one).
        """
        store = self.cinder.store
        if store.volumes.get(volume_id) is None:
            if not cleaning:  # set_workers, then the refresh's VolumeNotFound
                cleanup.keep_worker(self, volume_id, "deleting")
            return
        generation = self.generation
        key = f"{volume_id}-delete_volume"
        if not (yield from self._synchronized(key, generation)):
            return
        try:
            volume = store.volumes.get(volume_id)  # volume.refresh(): VolumeNotFound → return
            if volume is None and not cleaning:
                # a second delete: its row claimed (made anew: the first one's end removed
                # it) with the message's `deleting`, unchanged as it returns: kept until this
                # service's clean-up (cinder 12.0.0-29.x volume/manager.py delete_volume,
                # objects/cleanable.py set_workers)
                cleanup.keep_worker(self, volume_id, "deleting")
            elif volume is not None:
                worker = cleanup.set_worker(self, "Volume", volume)
                try:
                    yield from self._delete_volume(volume, cascade, unmanage_only, generation)
                finally:
                    cleanup.unset_worker(self, worker, volume)
        finally:
            self._release(key, generation)

    def _delete_volume(
        self, volume: Any, cascade: bool, unmanage_only: bool, generation: int
    ) -> Generator:
        k = self.kernel
        store = self.cinder.store
        volume_id = volume.id
        # The status the API wrote, or whatever an admin reset it to since: written anyway.
        table = (
            VOLUME_STATUS
            if volume.status in ("deleting", "unmanaging", "error_managing_deleting")
            else VOLUME_STATUS_FORCED
        )
        try:
            if cascade:
                for snap in store.volume_snapshots(volume):
                    if self.driver.holds(snap.id):
                        yield from self.driver.delete_snapshot(snap, volume)
                    else:
                        self.driver.forget(snap.id)
                    if self._dead(generation):
                        return
                    self._destroy_snapshot(snap)
            yield from k.faults.pause(
                "cinder.volume.delete",
                volume_id=volume_id,
                project_id=volume.project_id,
                size=volume.size,
                backend=self.driver.name,
            )
            if unmanage_only:
                yield from self.driver.unmanage(volume)
                if self.driver.holds(volume_id):  # the LV or image stays, manageable again
                    self.driver.left(f"volume-{volume_id}", volume.size)
                else:
                    self.driver.forget(volume_id)
            elif self.driver.holds(volume_id):
                yield from self.driver.delete_volume(volume)
            else:
                # its create under way or failed: the drivers find no such volume and return
                # at once (LVM's and NFS's delete_volume, RBD's ImageNotFound; cinder
                # 12.0.10-29.0.0), nothing wiped, no space given back
                self.driver.forget(volume_id)
        except Exception as exc:  # noqa: BLE001
            if self._dead(generation):
                return
            self._fail(volume_id, "delete_volume", exc)
            failed = "error_unmanaging" if unmanage_only else "error_deleting"
            table.move(k, volume, failed, actor=self.actor)
            return
        if self._dead(generation):
            return
        if volume.use_quota and not (
            volume.status == "error_managing_deleting"
            and k.switches.cinder_error_managing_delete_keeps_quota
        ):
            quotas = self.cinder.quotas
            quotas.release(
                volume.project_id,
                **quotas.add_volume_type_opts(
                    {"volumes": 1, "gigabytes": volume.size}, volume.volume_type.name
                ),
            )
        table.move(k, volume, "deleted", actor=self.actor)
        store.volumes.pop(volume_id, None)
        self.cinder.row_deleted(volume)
        store.admin_metadata_delete(volume_id)
        for attachment in volume.attachments:
            store.attachments.pop(attachment.id, None)

    # -- snapshots ---------------------------------------------------------------------------

    def create_snapshot(self, snapshot_id: str) -> Generator:
        """Run the driver's snapshot: ``available`` and ``"100%"``, or ``error``."""
        store = self.cinder.store
        snap = store.snapshots.get(snapshot_id)
        if snap is None or snap.status == _SNAPSHOT_CREATE_SKIPS:
            # force-deleted while the cast waited: Cinder's create_snapshot checks no status,
            # its set_workers claims the row from the message's `creating` object and removes
            # it as the method ends `available` or fails on the destroyed row (cinder 12.0.0,
            # 16.4.2, 29.x volume/manager.py, objects/cleanable.py)
            if self.cinder.workers is not None:
                cleanup.claimed(self.cinder, snapshot_id)
            if snap is None:
                self.driver.forget(snapshot_id)  # nothing made, no row
            return
        volume = store.volumes[snap.volume_id]
        worker = cleanup.set_worker(self, "Snapshot", snap, "creating")
        try:
            k = self.kernel
            generation = self.generation
            try:
                yield from self.driver_create_snapshot(snap, volume)
            except Exception as exc:  # noqa: BLE001
                if store.snapshots.get(snap.id) is not snap:
                    self.driver.forget(snap.id)  # nothing made, and no row left
                if self._dead(generation):
                    return
                self._fail(snap.id, "create_snapshot", exc)
                _snapshot_failed(k, store, snap, self.actor)
                self._snapshot_message(
                    snap, messages.SNAPSHOT_CREATE, exc, messages.SNAPSHOT_CREATE_ERROR
                )
                return
            # a row destroyed meanwhile (a force-delete that found nothing to delete): the
            # snapshot stays on the backend, its save fails (SnapshotNotFound)
            self.driver.built(
                snap.id,
                snap.volume_size,
                store.snapshots.get(snap.id) is not snap,
                "snapshot",
                snap.volume_id,
            )
            if self._dead(generation):
                return
            self.snapshot_created(snap, volume)
            if (
                snap.status not in ("creating", _SNAPSHOT_CREATE_SKIPS)
                and store.snapshots.get(snap.id) is snap
            ):
                # create_snapshot's end saves `available` and "100%" whatever the row holds: a
                # workers clean-up's `error` or an admin's reset is undone (12.0.0-29.0.0
                # volume/manager.py)
                if snap.status != "available":
                    SNAPSHOT_STATUS_FORCED.move(k, snap, "available", actor=self.actor)
                snap.progress = "100%"
        finally:
            cleanup.unset_worker(self, worker, snap)

    def driver_create_snapshot(self, snap: Any, volume: Any) -> Generator:
        """The driver's ``create_snapshot`` (fault point ``cinder.snapshot.create`` first)."""
        k = self.kernel
        if "cinder.snapshot.create" in k.faults.hot:  # else consulting it does nothing
            yield from k.faults.pause(
                "cinder.snapshot.create",
                snapshot_id=snap.id,
                volume_id=volume.id,
                project_id=snap.project_id,
                size=snap.volume_size,
                backend=self.driver.name,
            )
        yield from self.driver.create_snapshot(snap, volume)

    def snapshot_created(self, snap: Any, volume: Any) -> None:
        """A snapshot the driver made: the volume's Glance metadata copied, ``available`` and
        ``"100%"``."""
        if volume.bootable:
            # volume_glance_metadata_copy_to_snapshot (none for a volume not made from an image).
            # Glance metadata rows are never edited once made, only replaced, so the copy of
            # them is the one dict, shared (a storm's snapshots of clones of one golden volume
            # would hold 100,000 equal dicts).
            snap.glance_metadata = volume.volume_image_metadata
        if snap.status == "creating":
            SNAPSHOT_STATUS.move(self.kernel, snap, "available", actor=self.actor)
            snap.progress = "100%"

    def delete_snapshot(self, snapshot_id: str, unmanage_only: bool = False) -> Generator:
        """Run the driver's delete (`unmanage_only`: its ``unmanage_snapshot``, which leaves
        the data); on success return the quota and remove the row.

        Serialized per snapshot (``@coordination.synchronized('{snapshot.id}-delete_snapshot')``).
        Real Cinder does not look at the snapshot again once it holds the lock: a second delete
        that was accepted while the first ran (``os-force_delete`` skips the status condition)
        releases the quota a second time. That is the known-bug switch
        ``cinder_snapshot_delete_double_release``; with it off, the second delete finds the
        snapshot gone and returns quietly.
        """
        store = self.cinder.store
        snap = store.snapshots.get(snapshot_id)
        if snap is None:
            return
        generation = self.generation
        key = f"{snapshot_id}-delete_snapshot"
        if not (yield from self._synchronized(key, generation)):
            return
        try:
            if (
                snap.status == "deleted"
                and self.kernel.switches.cinder_snapshot_delete_double_release
            ):
                # The driver finds nothing to delete (LVM: "not found, skipping"); the quota
                # is reserved and committed again, and the row destroyed again.
                self._destroy_snapshot(snap)
            elif store.snapshots.get(snapshot_id) is snap and snap.status != "deleted":
                # Whatever status an admin reset it to since the API said deleting: the real
                # manager deletes it all the same (cinder 29.0.0 delete_snapshot).
                yield from self._delete_snapshot(snap, unmanage_only, generation)
        finally:
            self._release(key, generation)

    def _delete_snapshot(self, snap: Any, unmanage_only: bool, generation: int) -> Generator:
        k = self.kernel
        store = self.cinder.store
        snapshot_id = snap.id
        volume = store.volumes.get(snap.volume_id)
        written = ("deleting", "unmanaging")
        table = SNAPSHOT_STATUS if snap.status in written else SNAPSHOT_STATUS_FORCED
        try:
            yield from k.faults.pause(
                "cinder.snapshot.delete",
                snapshot_id=snapshot_id,
                volume_id=snap.volume_id,
                project_id=snap.project_id,
                size=snap.volume_size,
                backend=self.driver.name,
            )
            if unmanage_only:
                yield from self.driver.unmanage_snapshot(snap)
                if self.driver.holds(snapshot_id):
                    self.driver.left(f"snapshot-{snapshot_id}", snap.volume_size, snap.volume_id)
                else:
                    self.driver.forget(snapshot_id)
            elif self.driver.holds(snapshot_id):
                yield from self.driver.delete_snapshot(snap, volume)
            else:  # LVM "snapshot: ... not found, skipping delete operations", RBD's not there
                self.driver.forget(snapshot_id)
        except exception.SnapshotIsBusy as exc:
            if self._dead(generation):
                return
            self._fail(snapshot_id, "delete_snapshot", exc)
            table.move(k, snap, "available", actor=self.actor)
            self._snapshot_message(snap, messages.SNAPSHOT_DELETE, exc)
            return
        except Exception as exc:  # noqa: BLE001
            if self._dead(generation):
                return
            self._fail(snapshot_id, "delete_snapshot", exc)
            table.move(k, snap, "error_deleting", actor=self.actor)
            self._snapshot_message(
                snap, messages.SNAPSHOT_DELETE, exc, messages.SNAPSHOT_DELETE_ERROR
            )
            return
        if self._dead(generation):
            return  # no worker row: the restart's clean-up leaves the snapshot deleting
        self._destroy_snapshot(snap, table)

    def _destroy_snapshot(self, snap: Any, table: Any = SNAPSHOT_STATUS) -> None:
        store = self.cinder.store
        if snap.use_quota:
            self.cinder.quotas.release(
                snap.project_id,
                **self.cinder.snapshot_api.quota_deltas(snap.volume_size, snap.volume_type.name),
            )
        table.move(self.kernel, snap, "deleted", actor=self.actor)
        store.snapshots.pop(snap.id, None)
        volume = store.volumes.get(snap.volume_id)
        if volume is not None:
            volume.drop_snapshot(snap.id)


#: ``volume_utils.IMAGE_ATTRIBUTES``: the image's own fields Cinder keeps.
IMAGE_ATTRIBUTES = ("checksum", "container_format", "disk_format", "min_disk", "min_ram", "size")


#: The image service hands the `images.CONVERT_PROPS` over JSON-decoded, so that the
#: ``volume_glance_metadata`` row keeps ``str()`` of the decoded list: Python's repr
#: (``[{'boot_index': 0, ...}]``), which an upload-to-image then copies into the new image as
#: it is (``_json_dumps`` leaves a string), and on which the image service then fails
#: (`images.check_convertible`).
_CONVERT_PROPS = images.CONVERT_PROPS


def _json_loaded_str(value: str) -> str:
    """``str(jsonutils.loads(value))``; a value that is no JSON is kept (a stand-in image
    catalog's: Glance's would have failed the image's read)."""
    try:
        return str(json.loads(value))
    except ValueError:
        return value


def _image_metadata(image_meta: dict[str, Any]) -> dict[str, str]:
    """``volume_utils.get_volume_image_metadata``: the image's properties, ``image_id``,
    ``image_name`` (when it has one) and the `IMAGE_ATTRIBUTES` that are set — every value a
    string, as the ``volume_glance_metadata`` table stores them."""
    out = {k: str(v) for k, v in (image_meta.get("properties") or {}).items() if v is not None}
    for key in _CONVERT_PROPS:
        value = out.get(key)
        if value is not None:
            out[key] = _json_loaded_str(value)
    out["image_id"] = image_meta["id"]
    if image_meta.get("name"):
        out["image_name"] = image_meta["name"]
    for key in IMAGE_ATTRIBUTES:
        if image_meta.get(key) is not None:
            out[key] = str(image_meta[key])
    return out


def _handle_bootable_volume_glance_meta(volume: Any, glance_metadata: dict[str, str]) -> None:
    """``CreateVolumeFromSpecTask._handle_bootable_volume_glance_meta``: the new volume is
    bootable and gets its source's ``volume_glance_metadata`` rows (an image's, a snapshot's
    or a source volume's; none when the source was not made from an image). The rows are
    never edited once made, so the volume shares its source's dict."""
    volume.bootable = True
    volume.volume_image_metadata = glance_metadata


def _extended(cinder: Any, volume_id: str, reservation: Any) -> Any:
    """The volume an extend's scheduler or manager works on, whatever its status (neither
    reads it: an admin's ``os-reset_status`` or ``os-force_detach`` meanwhile does not stop
    the extend); None, its reservation rolled back, when it is gone or going (the driver's
    extend of a deleted volume fails: ``extend_volume_completion(error=True)``)."""
    volume = cinder.store.volumes.get(volume_id)
    if volume is None or volume.status in ("deleting", "deleted"):
        cinder.quotas.rollback(reservation)
        return None
    return volume


def _download_check(cinder: Any, context: Any, image_id: str) -> Any:
    """What the download of image `image_id` checks first: Glance's middleware taking the
    token of `context` (``GlanceImageService.download(context, ...)``: the caller's, with
    Cinder's service token when it sends one; `GlanceImageService.check_download`), or None
    without a context or an image service that checks."""
    check = getattr(cinder.image_service, "check_download", None)
    if context is None or check is None:
        return None
    return lambda: check(context, image_id)
