"""The compute manager of one host (``nova/compute/manager.py``): the RPC endpoint
``compute.<host>`` and the work it does with its driver.

`snapshot_instance` is the image-backed snapshot on the host (spec 4.1–4.4): claim
``image_snapshot`` (expected ``image_snapshot_pending``; a vanished or deleting server ends it
quietly, its queued image left behind), then `_snapshot_instance` under the host's
``max_concurrent_snapshots`` semaphore (from 22.0.0; none before) — inline in the RPC worker (switch
``snapshot_inline_in_rpc_worker``, ≤ 32.x: the ``compute_snapshot_instance`` event spans the
snapshot) or spawned (33.0.0+: the event is Success at once). Failures follow Nova's
decorators, inner to outer: delete the image, record a fault, end the event in Error, put
task_state back to none (not after an `UnexpectedTaskStateError`), send error notifications.

Every task of the host is registered, so `restart` can kill them as a crashing nova-compute
does; `init_host` then clears the snapshot task states it finds.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Generator
from typing import Any

from fakecloud.errors import ConfigError
from fakecloud.nova import block_device, compute_status, exception, services, states
from fakecloud.nova.compute import (
    build_failures,
    instance_lock,
    instance_snapshots,
    power_sync,
    reimage,
    reschedule,
    shelve_poll,
)
from fakecloud.nova.compute import utils as compute_utils
from fakecloud.nova.context import admin_context, elevated
from fakecloud.nova.eventlet_hub import EventletHub
from fakecloud.nova.instance_snapshots import API as InstanceSnapshotAPI
from fakecloud.nova.virt import diagnostics, encryptors, volume_snapshots
from fakecloud.nova.virt.driver import LibvirtDriver
from fakecloud.nova.virt.guest_agent import Guest, image_props_for_quiesce
from fakecloud.profiles.provenance import Backport, Change
from fakecloud.sim.io import gbit_per_s
from fakecloud.sim.polling import wait_to_poll
from fakecloud.sim.resources import Semaphore
from fakecloud.sim.trace import form, site

#: ``UnlimitedSemaphore``: a capacity no host reaches.
UNLIMITED = 1_000_000

_SHELVING_STATE_MAP = {
    states.IMAGE_PENDING_UPLOAD: states.SHELVING_IMAGE_PENDING_UPLOAD,
    states.IMAGE_UPLOADING: states.SHELVING_IMAGE_UPLOADING,
    states.SHELVING: states.SHELVING,
}


#: ``_retry_reboot``'s started states: retried when the guest does not run.
_STARTED_REBOOTS = (
    states.REBOOTING,
    states.REBOOTING_HARD,
    states.REBOOT_STARTED,
    states.REBOOT_STARTED_HARD,
)
#: ``_init_instance``: over a running guest these task states are cleared.
_CLEARED_WHEN_RUNNING = (*_STARTED_REBOOTS, states.PAUSING, states.UNPAUSING)
_REBOOT_OR_PAUSE_STATES = frozenset(
    (*states.SOFT_REBOOT_STATES, *states.HARD_REBOOT_STATES, states.PAUSING, states.UNPAUSING)
)
#: `ComputeManager._deleted_while_building`'s stages of a build.
_BEFORE_BUILD, _IN_BUILD, _SPAWNING = 0, 1, 2
#: The fault point of a delete's ``driver.destroy`` (`ComputeManager._destroy_fault`).
DESTROY = "nova.libvirt.destroy"
#: ``_init_instance``: a build the restart cut short ("Instance failed to spawn correctly").
#: ``init_host`` puts in ERROR a server still ``scheduling`` whose allocations are on this
#: host (``_error_out_instances_whose_build_was_interrupted``, a1a735bc6e, LP #1833581): a
#: build the restart killed before its claim wrote the host; before, it stayed building.
BUILDS_INTERRUPTED_ERRORED = Change(
    "21.0.0",
    "a1a735bc6e",
    "Error out interrupted builds",
    backports=(
        Backport("18.3.0", "13bb7ed701"),
        Backport("19.1.0", "530ad1ae88"),
        Backport("20.0.1", "06fd7c7301"),
    ),
)
_SPAWN_TASK_STATES = frozenset(
    (states.SCHEDULING, states.BLOCK_DEVICE_MAPPING, states.NETWORKING, states.SPAWNING)
)
#: ``_init_instance``: a rebuild (an evacuation's too) the restart cut short, of an active or
#: stopped server ("Instance failed to rebuild correctly").
_REBUILD_TASK_STATES = frozenset(
    (states.REBUILDING, states.REBUILD_BLOCK_DEVICE_MAPPING, states.REBUILD_SPAWNING)
)
#: `ComputeManager.init_host`'s mark of a server to delete again (not a reboot type).
INIT_DELETE = "delete"
#: ``_init_instance``'s retries of a stop or a start the restart cut short (8f7056f48c, 2014.1:
#: "Instance in transitional state powering-off at start-up retrying stop request").
INIT_POWER = {states.POWERING_OFF: "stop", states.POWERING_ON: "start"}
#: Power states ``do_stop_instance`` takes for a guest already off: it then also expects no
#: task state (a stop the restart's ``init_host`` already did).
_OFF = frozenset((states.NOSTATE, states.SHUTDOWN, states.CRASHED))
#: ``context.get_admin_context()`` of ``init_host`` (no request: no instance action to record
#: events on, which ``wrap_instance_event``'s ``graceful_exit`` tolerates).
#: The compute's log lines of each level (`ComputeManager._log`), at their trace sites.
_LOG_SITES = {
    level: site(form("log", "level", "message"), level=level)
    for level in ("debug", "info", "warning", "error")
}
#: The first Nova whose shelve casts carry ``accel_uuids`` (23.0.0 compute/api.py ``shelve``,
#: ``shelve_offload``; manager.py ``shelve_instance(..., clean_shutdown, accel_uuids)``).
SHELVE_ACCEL_UUIDS_SINCE = 23
#: ``rebuild_instance``'s parameters after ``request_spec``, each from the Nova it came in
#: (manager.py: ``accel_uuids`` 22.0.0, ``reimage_boot_volume`` 26.0.0, ``target_state``
#: 27.0.0), with the value a call from fakecloud's API carries.
REBUILD_LATER_ARGS = (("accel_uuids", 22), ("reimage_boot_volume", 26), ("target_state", 27))

_INIT_HOST_CONTEXT = admin_context(user_id="")


class ComputeManager:
    """nova-compute on one host."""

    #: What nova-api, nova-conductor and other computes send it (nova/compute/rpcapi.py's
    #: ``ComputeAPI``): the methods an RPC message to ``compute.<host>`` names, and a fault's
    #: ``match: {method: ...}`` may (`fakecloud.sim.rpc.methods_of`). Its other public methods
    #: (`restart`, `init_host`, `spawn_task`, `guest_stopped`, `rebuild_call_args`) are called
    #: in the process, never by a message.
    RPC_API = frozenset(
        {
            "add_fixed_ip_to_instance",
            "attach_volume",
            "backup_instance",
            "build_and_run_instance",
            "check_can_live_migrate_destination",
            "check_can_live_migrate_source",
            "confirm_resize",
            "create_instance_snapshot",
            "delete_instance_snapshot",
            "detach_volume",
            "external_instance_event",
            "finish_resize",
            "finish_revert_resize",
            "get_console_output",
            "get_diagnostics",
            "get_host_uptime",
            "get_instance_diagnostics",
            "get_mks_console",
            "get_rdp_console",
            "get_serial_console",
            "get_spice_console",
            "get_vnc_console",
            "host_maintenance_mode",
            "host_power_action",
            "inject_network_info",
            "live_migration",
            "live_migration_abort",
            "live_migration_force_complete",
            "pause_instance",
            "post_live_migration_at_destination",
            "pre_live_migration",
            "prep_resize",
            "quiesce_instance",
            "reboot_instance",
            "rebuild_instance",
            "remove_fixed_ip_from_instance",
            "rescue_instance",
            "reserve_block_device_name",
            "resize_instance",
            "restore_instance",
            "resume_instance",
            "revert_resize",
            "revert_to_instance_snapshot",
            "rollback_live_migration_at_destination",
            "set_admin_password",
            "set_host_enabled",
            "shelve_instance",
            "shelve_offload_instance",
            "snapshot_current",
            "snapshot_instance",
            "soft_delete_instance",
            "start_instance",
            "stop_instance",
            "suspend_instance",
            "swap_volume",
            "terminate_instance",
            "trigger_crash_dump",
            "unpause_instance",
            "unquiesce_instance",
            "unrescue_instance",
            "unshelve_instance",
            "upload_instance_snapshot",
            "volume_snapshot_create",
            "volume_snapshot_delete",
        }
    )

    _tasks: set[Any]
    _long_task_executor: Any
    eventlet_hub: EventletHub | None

    def __init__(self, nova: Any, host: str):
        self.nova = nova
        self.kernel = nova.kernel
        self.config = nova.config
        self.switches = nova.kernel.switches
        self.db = nova.db
        self.image_api = nova.image_api
        self.volume_api = nova.volume_api
        self.notifier = nova.notifier
        self.host = host
        self.actor = f"nova-compute:{host}"
        self.target = f"compute.{host}"
        self.link = self.kernel.io.resource(
            f"link:{host}->glance", gbit_per_s(self.config.glance_link_gbit_per_s)
        )
        self.driver = LibvirtDriver(self)
        self._init_concurrency()
        self._tasks = set()
        self.kernel.rpc.register(self.target, self)

    def _init_concurrency(self) -> None:
        """The host's limits, by concurrency backend (``nova.concurrency_backend``, unset: the
        release's default). eventlet: the ``max_concurrent_builds`` semaphore (default 10; 0:
        unlimited) and the ``max_concurrent_snapshots`` one (0: 1000).
        threading (33.0.0+): the semaphores are unlimited and one long-task executor of
        max(max_concurrent_builds, max_concurrent_snapshots) workers (0 means 10 and 5) runs
        builds and spawned snapshots."""
        env, cfg = self.kernel.env, self.config
        backend = cfg.concurrency_backend or self.switches.default_concurrency_backend
        if backend == "threading" and not self.switches.compute_threading_mode:
            raise ConfigError(
                "config nova.concurrency_backend: threading needs Nova 33.0.0 or later "
                f"(the profile is Nova {self.switches.release.name}, eventlet only)"
            )
        #: nova-compute's concurrency backend on this host.
        self.concurrency_backend = backend
        #: The host's eventlet hub (None with native threads); `fakecloud.sim.rpc` delivers a
        #: message only when it is free.
        self.eventlet_hub = EventletHub(self.kernel, self.host) if backend == "eventlet" else None
        self._long_task_executor = None
        if backend == "threading":
            workers = max(cfg.max_concurrent_builds or 10, cfg.max_concurrent_snapshots or 5)
            self._long_task_executor = Semaphore(env, capacity=workers)
            self._build_semaphore = Semaphore(env, capacity=UNLIMITED)
            self._snapshot_semaphore = Semaphore(env, capacity=UNLIMITED)
        else:
            # max_concurrent_builds (every release; 0: UnlimitedSemaphore).
            builds = cfg.max_concurrent_builds or UNLIMITED
            self._build_semaphore = Semaphore(env, capacity=builds)
            slots = cfg.max_concurrent_snapshots or 1000
            self._snapshot_semaphore = Semaphore(env, capacity=slots)

    def _on_long_task_executor(self, work: Generator) -> Generator[Any, Any, Any]:
        """Run `work` in a worker of the long-task executor (threading mode; else at once)."""
        if self._long_task_executor is None:
            return (yield from work)
        with self._long_task_executor.request() as worker:
            yield worker
            return (yield from work)

    # -- tasks and crashes -------------------------------------------------------------------

    def _task(self, work: Generator) -> Generator[Any, Any, Any]:
        """Run `work` as a task of this service: a restart kills it where it stands."""
        proc = self._task_started()
        try:
            return (yield from work)
        finally:
            self._tasks.discard(proc)

    def _task_started(self) -> Any:
        """Register the running process as a task (`_task` written out in an RPC endpoint's
        own frame, for the endpoints every flow runs: each frame of a process's chain is
        resumed at each of its steps); the caller discards it in its ``finally``."""
        proc = self.kernel.env.active_process
        self._tasks.add(proc)
        return proc

    def _kill(self, proc: Any) -> None:
        """End a task as a dying process ends: no error handler runs, only ``finally`` blocks
        (the generator is closed), and whoever waits on it sees it finish."""
        self.kernel.kill(proc)
        self.kernel.trace.emit("nova.compute", self.actor, self.host, phase="task killed")

    def spawn_task(self, work: Generator, name: str) -> Any:
        """Start `work` in its own process, as Nova's executor does for long tasks."""
        return self.kernel.spawn(self._task(work), name=f"{self.actor} {name}")

    def _fresh_slots(self) -> None:
        """The restarted service's new process has new semaphores and executors (the builds',
        the snapshots', the long-task and the live-migration workers): the slots its dead
        tasks held or waited for are not carried over (simpy keeps the slot of a generator
        closed inside its ``with``, and a dead waiter's place in the queue)."""
        for name in ("_long_task_executor", "_build_semaphore", "_snapshot_semaphore",
                     "live_workers"):  # fmt: skip
            old = getattr(self, name)
            if old is not None and (old.users or old.queue):
                setattr(self, name, Semaphore(self.kernel.env, capacity=old.capacity))

    def stopped(self) -> None:
        """nova-compute's process ends (the bus calls it at a stop: `restart`, an ``rpc`` step):
        its tasks, slots and this host's transfers die with it; its guests keep running."""
        self.kernel.trace.emit("nova.compute", self.actor, self.host, phase="stopped")
        # oldest first, in the kernel's order of live processes: the set's own order is its
        # processes' addresses, which differ from one Python process to the next
        tasks, live = self._tasks, self.kernel._live
        for proc in [p for p in live if p in tasks] + [p for p in tasks if p not in live]:
            if proc.is_alive:
                self._kill(proc)
        self._fresh_slots()
        for t in self.kernel.io.active():
            if t.attrs.get("host") == self.host or self.link in t.path:
                t.done.defused = True
                self.kernel.io.fail(t, exception.NovaException("nova-compute restarted"))

    def restart(self, down_s: float | None = None) -> Generator[Any, Any, None]:
        """Crash and restart nova-compute (`stopped`); messages sent meanwhile wait in its
        queue; back up, `init_host` runs and only then is the queue consumed (``Service.start``
        calls ``init_host`` before the RPC server starts)."""
        down = self.config.compute_restart_s if down_s is None else down_s
        self.kernel.rpc.set_up(self.target, False)  # `stopped`, unless it was down already
        yield self.kernel.env.timeout(down)
        yield from self.starting()

    def starting(self) -> Generator[Any, Any, None]:
        """``Service.start`` of a stopped nova-compute (`restart`'s, or the bus's at a plain
        start, ``rpc.set_up(target, True)``: nova 17.0.13-34.0.0 service.py runs
        ``manager.init_host()`` before the RPC server starts): `init_host` and what it does
        in order, then the service is up and its queue consumed."""
        if self.db.build_failures:
            build_failures.restarted(self)
        evacuated = None
        if self.db.migrations:
            from fakecloud.nova.compute.evacuate_manager import destroy_evacuated

            evacuated = yield from destroy_evacuated(self, _INIT_HOST_CONTEXT)
            if evacuated is None:  # init_host raised (lp1794996): the process exits
                return
        for instance, reboot_type in self.init_host(evacuated):
            # _init_instance deletes or reboots itself, before the RPC server starts.
            if reboot_type == INIT_DELETE:
                yield from self._init_delete(instance)
            elif reboot_type in INIT_POWER.values():
                yield from self._init_power(instance, reboot_type)
            else:
                yield from self.reboot_instance(_INIT_HOST_CONTEXT, instance, None, reboot_type)
        if self.db.migrations:
            from fakecloud.nova.compute import live_migrate_manager, resize_manager

            yield from resize_manager.init_resizes(self, _INIT_HOST_CONTEXT)
            if self.live_waiting is not None:
                live_migrate_manager.init_live_migrations(self, _INIT_HOST_CONTEXT)
        if BUILDS_INTERRUPTED_ERRORED.reaches(self.kernel.switches.release):
            self._error_out_interrupted_builds()
        self.kernel.rpc.set_up(self.target, True, init=False)
        power_sync.restarted(self)

    def init_host(self, evacuated: set[str] | None = None) -> list[tuple[Any, str]]:
        """``_init_instance`` for every server here (not ERROR): clear snapshot task states;
        then the reboot branch: a reboot interrupted by the restart is retried
        (``_retry_reboot``: pending, or started and the guest not running; a soft one whose
        guest is down becomes hard, ``reboot_pending_hard``), and a reboot (or pause, unpause)
        state over a running guest is cleared (task state none, ``active``). A ``deleting``
        server (ERROR too) is deleted again, a ``powering-off`` or ``powering-on`` one stopped
        or started again (`INIT_POWER`). A ``soft-delete`` one is left alone, whatever its
        task (nova 17.0.13-34.0.0). Returns the servers to reboot, with the type, or to delete,
        stop or start (`INIT_DELETE`, `INIT_POWER`), which `restart` does in order before
        taking messages.
        `evacuated`: the servers `evacuate_manager.destroy_evacuated` handled, left alone."""
        self.kernel.trace.emit("nova.compute", self.actor, self.host, phase="init_host")
        reboots = []
        for row in self.db.instances_on_host(self.host):
            if (evacuated and row.uuid in evacuated) or row.vm_state == states.SOFT_DELETED:
                continue
            if row.vm_state == states.ERROR and row.task_state != states.DELETING:
                continue
            if row.vm_state == states.BUILDING or row.task_state in _SPAWN_TASK_STATES:
                self._init_failed(row, "spawn")
                continue
            if row.vm_state in (states.ACTIVE, states.STOPPED) and (
                row.task_state in _REBUILD_TASK_STATES
            ):
                self._init_failed(row, "rebuild")
                continue
            if row.task_state in states.SNAPSHOT_TASK_STATES:
                instance = self.db.instance_get(row.uuid, self.actor)
                self._log(
                    instance.uuid,
                    "debug",
                    f"Instance in transitional state {instance.task_state} at start-up clearing "
                    "task state",
                )
                instance.task_state = None
                instance.save()
            if row.task_state == states.DELETING:
                reboots.append((self.db.instance_get(row.uuid, self.actor), INIT_DELETE))
                continue
            if row.task_state in INIT_POWER:
                instance = self.db.instance_get(row.uuid, self.actor)
                reboots.append((instance, INIT_POWER[row.task_state]))
                continue
            if row.task_state in _REBOOT_OR_PAUSE_STATES:
                found = self._init_reboot(row)
                if found is not None:
                    reboots.append(found)
        return reboots

    def _error_out_interrupted_builds(self) -> None:
        """``_error_out_instances_whose_build_was_interrupted`` (nova 27.5.1
        compute/manager.py): after ``_init_instance``, every server still building with its
        allocations on this host but no host written yet (scheduled here, not claimed)
        goes to ERROR, task_state none. One whose build waits in the queue is built all the
        same: the build's first save expects ``scheduling`` or none and writes ``building``."""
        for row in self.db.instances_allocated_on(self.host):
            if row.vm_state != states.BUILDING or row.host is not None:
                continue
            instance = self.db.instance_get(row.uuid, self.actor)
            self._log(
                instance.uuid,
                "debug",
                "Instance spawn was interrupted before instance_claim, setting instance to "
                "ERROR state",
            )
            instance.vm_state = states.ERROR
            instance.task_state = None
            instance.save()

    def _init_delete(self, instance: Any) -> Generator[Any, Any, None]:
        """``_init_instance``'s ``deleting`` branch: the delete the restart cut short is done
        again (``_delete_instance``); a failure is logged and leaves the server in ERROR."""
        self._log(
            instance.uuid,
            "info",
            "Service started deleting the instance during the previous run, but did not "
            "finish. Restarting the deletion now.",
        )
        bdms = self.db.bdms_by_instance(instance.uuid)
        try:
            yield from self._delete_instance(_INIT_HOST_CONTEXT, instance, bdms)
        except Exception:  # noqa: BLE001 - init_host goes on
            self._log(instance.uuid, "error", "Failed to complete a deletion")
            try:
                instance.vm_state = states.ERROR
                instance.save()
            except exception.InstanceNotFound:
                pass

    def _init_power(self, instance: Any, what: str) -> Generator[Any, Any, None]:
        """``_init_instance``'s ``powering-off`` and ``powering-on`` branches (nova
        2014.1-34.0.0): the stop or start the restart cut short is done again, here in
        ``init_host`` (``stop_instance(context, instance, True)``, ``start_instance``)."""
        self._log(
            instance.uuid,
            "debug",
            f"Instance in transitional state {instance.task_state} at start-up retrying "
            f"{what} request",
        )
        if what == "stop":
            yield from self.stop_instance(_INIT_HOST_CONTEXT, instance, True)
        else:
            yield from self.start_instance(_INIT_HOST_CONTEXT, instance)

    def _init_failed(self, row: Any, what: str) -> None:
        """``_init_instance``: a build or rebuild the restart cut short leaves the server in
        ERROR, task_state none (nova 17.0.13-34.0.0)."""
        instance = self.db.instance_get(row.uuid, self.actor)
        self._log(
            instance.uuid, "debug", f"Instance failed to {what} correctly, setting to ERROR state"
        )
        instance.task_state = None
        instance.vm_state = states.ERROR
        instance.save()

    def _init_reboot(self, row: Any) -> tuple[Any, str] | None:
        """``_init_instance``'s reboot branch for one server in a reboot or pause state."""
        instance = self.db.instance_get(row.uuid, self.actor)
        task_state = instance.task_state
        power_state = self._power_state_of(instance)
        # compute_utils.get_reboot_type
        soft = task_state in states.SOFT_REBOOT_STATES and power_state == states.RUNNING
        reboot_type = "SOFT" if soft else "HARD"
        pending_soft = (
            task_state == states.REBOOT_PENDING and instance.vm_state in states.ALLOW_SOFT_REBOOT
        )
        pending_hard = (
            task_state == states.REBOOT_PENDING_HARD
            and instance.vm_state in states.ALLOW_HARD_REBOOT
        )
        started_not_running = task_state in _STARTED_REBOOTS and power_state != states.RUNNING
        if pending_soft or pending_hard or started_not_running:
            if task_state in states.SOFT_REBOOT_STATES and reboot_type == "HARD":
                instance.task_state = states.REBOOT_PENDING_HARD
                instance.save()
            return instance, reboot_type
        if power_state == states.RUNNING and task_state in _CLEARED_WHEN_RUNNING:
            self._log(
                instance.uuid,
                "warning",
                f"Instance in transitional state ({task_state}) at start-up and power state "
                f"is ({power_state}), clearing task state",
            )
            instance.task_state = None
            instance.vm_state = states.ACTIVE
            instance.save()
        return None

    def _receive(self, instance: Any) -> Any:
        instance.actor = self.actor
        return instance

    # -- snapshot ----------------------------------------------------------------------------

    def snapshot_instance(
        self, context: Any, image_id: str, instance: Any
    ) -> Generator[Any, Any, None]:
        """RPC cast: snapshot `instance` into the queued image `image_id`.

        The task (`_task`), the entry point's decorators and, inline in the RPC worker, the
        snapshot semaphore (`_under_snapshot_semaphore`) in this one frame: every step of the
        snapshot (its I/O, its Glance requests) resumes each frame of the chain above it."""
        proc = self._task_started()
        try:
            instance = self._receive(instance)
            event = self._event(context, instance, "compute_snapshot_instance")
            try:
                try:
                    instance.task_state = states.IMAGE_SNAPSHOT
                    instance.save(expected_task_state=states.IMAGE_SNAPSHOT_PENDING)
                except exception.InstanceNotFound:
                    self._log(
                        instance.uuid,
                        "debug",
                        f"Instance not found, could not set state {states.IMAGE_SNAPSHOT} for "
                        "instance.",
                    )
                    event.finish()
                    return
                except exception.UnexpectedDeletingTaskStateError:
                    self._log(
                        instance.uuid, "debug", "Instance being deleted, snapshot cannot continue"
                    )
                    event.finish()
                    return
                if self.switches.snapshot_inline_in_rpc_worker:
                    work = self._snapshot_instance_body(
                        context, image_id, instance, states.IMAGE_SNAPSHOT
                    )
                    if not self.switches.snapshot_semaphore:
                        yield from work
                    else:
                        with self._snapshot_semaphore.request() as slot:
                            yield slot
                            yield from work
                else:
                    self.spawn_task(
                        self._on_long_task_executor(
                            self._under_snapshot_semaphore(
                                self._guarded(
                                    "_snapshot_instance",
                                    context,
                                    image_id,
                                    instance,
                                    self._snapshot_instance_body(
                                        context, image_id, instance, states.IMAGE_SNAPSHOT
                                    ),
                                )
                            )
                        ),
                        name=f"snapshot_instance {instance.uuid}",
                    )
            except Exception as exc:  # noqa: BLE001 - Nova's decorators handle every error
                # wrap_instance_event sits between wrap_instance_fault and reverts_task_state.
                finish = functools.partial(event.finish, exc)
                yield from self._snapshot_failed(
                    "snapshot_instance", context, image_id, instance, exc, after_fault=finish
                )
                return
            event.finish()
        finally:
            self._tasks.discard(proc)

    def _under_snapshot_semaphore(self, work: Generator) -> Generator[Any, Any, None]:
        """``with self._snapshot_semaphore`` from 22.0.0 (switch ``snapshot_semaphore``); before,
        nothing limits the snapshots a host runs at once (``max_concurrent_snapshots`` does not
        exist yet and is ignored)."""
        if not self.switches.snapshot_semaphore:
            yield from work
            return
        with self._snapshot_semaphore.request() as slot:
            yield slot
            yield from work

    def _guarded(
        self, name: str, context: Any, image_id: str, instance: Any, work: Generator
    ) -> Generator[Any, Any, None]:
        """The decorators of the spawned ``_snapshot_instance`` (no event: it ended already)."""
        try:
            yield from work
        except Exception as exc:  # noqa: BLE001
            yield from self._snapshot_failed(
                name,
                context,
                image_id,
                instance,
                exc,
                more_args={"expected_task_state": states.IMAGE_SNAPSHOT},
            )

    def _snapshot_failed(
        self,
        name: str,
        context: Any,
        image_id: str,
        instance: Any,
        exc: Exception,
        after_fault: Callable[[], None] | None = None,
        more_args: dict[str, Any] | None = None,
    ) -> Generator[Any, Any, None]:
        """``delete_image_on_error``, ``wrap_instance_fault``, (`after_fault`: the event's
        finish, for an entry point with ``wrap_instance_event``), ``reverts_task_state``,
        ``wrap_exception``, in that order (nova 17.0.7 to 34.0.0 ``snapshot_instance``)."""
        yield from compute_utils.delete_image(
            context, self.image_api, image_id, self.kernel, self.actor, instance.uuid
        )
        self._failed(name, image_id, instance, exc, after_fault=after_fault, more_args=more_args)

    def _failed(
        self,
        name: str,
        image_id: str | None,
        instance: Any,
        exc: Exception,
        after_fault: Callable[[], None] | None = None,
        more_args: dict[str, Any] | None = None,
    ) -> None:
        """``wrap_instance_fault``, ``reverts_task_state``, ``wrap_exception``, in that order;
        `after_fault` runs between the fault and the revert (``wrap_instance_event``'s finish,
        for an RPC entry point that records an instance action). `image_id`: the image the
        failed call was given, if any; `more_args`: the call's arguments after ``instance``
        (the legacy notification's ``args`` are all of them, ``getcallargs`` less self and
        context)."""
        if not isinstance(exc, exception.InstanceNotFound):
            self.db.fault_create(instance.uuid, exc, self.host, compute_utils.format_traceback(exc))
        if after_fault is not None:
            after_fault()
        if not isinstance(exc, exception.UnexpectedTaskStateError):
            try:
                instance.task_state = None
                instance.save()
            except exception.InstanceNotFound:
                pass
        args = {"image_id": image_id} if image_id is not None else {}
        args["instance"] = instance.uuid
        if more_args:
            args.update(more_args)
        self.notifier.exception(self.host, name, exc, **args)

    def _snapshot_instance_body(
        self, context: Any, image_id: str, instance: Any, expected_task_state: str
    ) -> Generator[Any, Any, None]:
        """``_snapshot_instance``: notifications around the driver's snapshot, then task_state
        back to none; a vanished server or a deleted image end it quietly."""
        context = elevated(context)
        try:
            instance.power_state = self.driver.get_info(instance)
        except exception.InstanceNotFound:
            instance.power_state = states.NOSTATE
        try:
            instance.save()
            if instance.power_state != states.RUNNING:
                self._log(
                    instance.uuid,
                    "warning",
                    "trying to snapshot a non-running instance: (state: "
                    f"{instance.power_state} expected: {states.RUNNING})",
                )
            self.notifier.instance_usage(self.host, instance, "snapshot.start")
            self.notifier.instance_snapshot(self.host, instance, "start", image_id)

            def update_task_state(task_state: str, expected_state: Any = expected_task_state):
                instance.task_state = task_state
                instance.save(expected_task_state=expected_state)

            started = self.kernel.now
            yield from self.driver.snapshot(context, instance, image_id, update_task_state)
            if self.switches.snapshot_hypervisor_time_log:
                self._log(
                    instance.uuid,
                    "info",
                    f"Took {self.kernel.now - started:0.2f} seconds to snapshot the instance on "
                    "the hypervisor.",
                )
            instance.task_state = None
            instance.save(expected_task_state=states.IMAGE_UPLOADING)
            self.notifier.instance_usage(self.host, instance, "snapshot.end")
            self.notifier.instance_snapshot(self.host, instance, "end", image_id)
        except (
            exception.InstanceNotFound,
            exception.InstanceNotRunning,
            exception.UnexpectedDeletingTaskStateError,
        ) as gone:
            if isinstance(gone, exception.InstanceNotRunning) and self.switches.lp1759473:
                raise  # before 21.0.0: the failure decorators handle it (LP #1759473)
            self._log(instance.uuid, "debug", "Instance disappeared during snapshot")
            try:
                image = yield from self.image_api.get(context, image_id)
                if image["status"] != "active":
                    yield from self.image_api.delete(context, image_id)
            except exception.ImageNotFound:
                if self.switches.lp1754071:  # before 18.0.0: logged as a failed clean-up
                    self._log(
                        instance.uuid, "warning", f"Error while trying to clean up image {image_id}"
                    )
                else:
                    self._log(instance.uuid, "debug", f"Image not found during clean up {image_id}")
            except Exception:  # noqa: BLE001 - Nova only logs
                self._log(
                    instance.uuid, "warning", f"Error while trying to clean up image {image_id}"
                )
        except exception.ImageNotFound:
            instance.task_state = None
            instance.save()
            self._log(instance.uuid, "warning", "Image not found during snapshot")

    def backup_instance(
        self, context: Any, image_id: str, instance: Any, backup_type: str, rotation: int
    ) -> Generator[Any, Any, None]:
        """RPC cast: snapshot inline into the queued image `image_id`, then rotate the
        server's backups of `backup_type` (`fakecloud.nova.compute.backup`)."""
        from fakecloud.nova.compute import backup

        return (
            yield from self._task(
                backup.backup_instance(self, context, image_id, instance, backup_type, rotation)
            )
        )

    # -- build and delete --------------------------------------------------------------------

    def build_and_run_instance(
        self,
        context: Any,
        instance: Any,
        image: dict[str, Any] | None = None,
        host_list: list[str] | None = None,
        retry: dict[str, Any] | None = None,
    ) -> Generator[Any, Any, None]:
        """RPC cast: prepare the block devices, spawn the guest, mark the server active.
        `host_list`: the scheduler's alternates left; `retry`: ``filter_properties['retry']``
        (None: no reschedule, as for a forced host)."""
        # `_task`, then a worker of the long-task executor (threading mode), then
        # ``_locked_do_build_and_run_instance``.
        proc = self._task_started()
        try:
            executor = self._long_task_executor
            if executor is None:
                yield from self._locked_do_build_and_run_instance(
                    context, instance, image, host_list, retry
                )
            else:
                with executor.request() as worker:
                    yield worker
                    yield from self._locked_do_build_and_run_instance(
                        context, instance, image, host_list, retry
                    )
        finally:
            self._tasks.discard(proc)

    def _locked_do_build_and_run_instance(
        self,
        context: Any,
        instance: Any,
        image: dict[str, Any] | None,
        host_list: list[str] | None,
        retry: dict[str, Any] | None,
    ) -> Generator[Any, Any, None]:
        """The server's lock (`instance_lock`), then a build slot: a delete, stop or attach
        of the server cast meanwhile waits for the build to end."""
        uuid = instance.uuid
        yield from instance_lock.acquire(self, uuid)
        try:
            with self._build_semaphore.request() as slot:
                yield slot
                yield from self._build_and_run(context, instance, image, host_list, retry)
        finally:
            instance_lock.release(self, uuid)

    def _build_and_run(
        self,
        context: Any,
        instance: Any,
        image: dict[str, Any] | None,
        host_list: list[str] | None = None,
        retry: dict[str, Any] | None = None,
    ) -> Generator[Any, Any, None]:
        instance = self._receive(instance)
        # ``wrap_instance_event(prefix="compute")`` names the event after the wrapped method,
        # ``_do_build_and_run_instance``, which handles every failure and returns: the event
        # ends `Success` whatever the build's outcome (nova 12.0.0-34.0.0).
        event = self._event(context, instance, "compute__do_build_and_run_instance")
        # where a deletion found stops the build: before create.start (_BEFORE_BUILD), in
        # _build_resources' networks and mappings (_IN_BUILD), inside its ``yield`` (_SPAWNING:
        # _shutdown_instance), after it (_IN_BUILD again: the last save)
        stage, bdms = _BEFORE_BUILD, []
        try:
            # ``_do_build_and_run_instance``'s first save: a server deleted since it was
            # scheduled (the API destroys one with no host at once) is not built, "Instance
            # disappeared before build."; one `_error_out_interrupted_builds` failed builds.
            # The task state goes from ``scheduling`` to None until ``_build_resources``
            # (nova 17.0.13, 27.5.1, 34.0.0): what a GET shows during the claim.
            instance.vm_state = states.BUILDING
            instance.task_state = None
            instance.save(expected_task_state=(states.SCHEDULING, None))
            self.notifier.instance_create(self.host, instance, "start")
            stage = _IN_BUILD
            yield from self._instance_claim(context, instance)
            if self.nova.server_groups is not None or self.nova.scheduler_hints.get(instance.uuid):
                reschedule.late_group_check(self, instance)
            self._allocate_network(instance)
            instance.task_state = states.BLOCK_DEVICE_MAPPING
            instance.save()
            bdms = self.db.bdms_by_instance(instance.uuid)
            try:
                yield from block_device.prepare_block_devices(self.nova, context, instance, bdms)
            except exception.InstanceNotFound:
                raise
            except (exception.OverQuota, exception.InvalidBDM) as exc:
                # _build_resources keeps the reason of these (prep_block_device's InvalidBDM).
                raise exception.BuildAbortException(
                    instance_uuid=instance.uuid, reason=exc.format_message()
                ) from exc
            except Exception as exc:  # noqa: BLE001 - any failure aborts the build
                raise exception.BuildAbortException(
                    instance_uuid=instance.uuid, reason="Failure prepping block device."
                ) from exc
            instance.task_state = states.SPAWNING
            stage = _SPAWNING
            instance.save(expected_task_state=states.BLOCK_DEVICE_MAPPING)
            volume_backed = compute_utils.is_volume_backed_instance(instance, bdms)
            try:
                yield from block_device.connect_for_spawn(self.nova, context, bdms)
                yield from self.driver.spawn(instance, image, volume_backed)
            except (exception.InstanceNotFound, exception.UnexpectedDeletingTaskStateError):
                raise
            except Exception as exc:  # noqa: BLE001 - "Instance failed to spawn"
                yield from reschedule.spawn_failed(self, context, instance, bdms, exc)
            stage = _IN_BUILD
            instance.power_state = self.driver.get_info(instance)
            instance.vm_state = states.ACTIVE
            instance.task_state = None
            instance.launched_at = self.kernel.now
            instance.save(expected_task_state=states.SPAWNING)
            self.notifier.instance_create(self.host, instance, "end")
        except (exception.InstanceNotFound, exception.UnexpectedDeletingTaskStateError) as exc:
            # Deleted while building: the delete cleans up.
            yield from self._deleted_while_building(context, instance, exc, stage, bdms)
            event.finish()
            build_failures.build_ended(self, exc)
            return
        except exception.RescheduledException as exc:
            # ``_do_build_and_run_instance`` returns after handling it: the event succeeds.
            yield from reschedule.rescheduled(self, context, instance, image, exc, host_list, retry)
            event.finish()
            build_failures.build_ended(self, exc)
            return
        except Exception as exc:  # noqa: BLE001
            # A BuildAbortException, or an unexpected failure: not rescheduled.
            # _build_and_run_instance's ``create.error`` with it (``fault=e``; an image the
            # driver refused had its own, `reschedule.spawn_failed`), then the volumes are
            # cleaned up and the server leaves the host (``_nil_out_instance_obj_host_and_node``,
            # nova 12.0.0-34.0.0) before it is put in ERROR.
            if not isinstance(exc.__cause__, reschedule.ABORTING):
                self.notifier.instance_create(self.host, instance, "error", exc)
            self.driver.destroy(instance)
            self.db.network_deallocate(instance.uuid)  # ``_cleanup_allocated_networks``
            yield from block_device.cleanup_after_aborted_build(
                self, context, instance, self.db.bdms_by_instance(instance.uuid)
            )
            compute_utils.nil_out_host_and_node(instance, self.switches)
            self._set_error(instance, exc)
            event.finish()
            build_failures.build_ended(self, exc)
            return
        event.finish()
        build_failures.build_ended(self, None)

    def _deleted_while_building(
        self, context: Any, instance: Any, exc: BaseException, stage: int, bdms: list[Any]
    ) -> Generator[Any, Any, None]:
        """A build that found its server deleted (nova 17.0.13-34.0.0
        ``_build_and_run_instance``): inside ``_build_resources``' ``yield`` (the spawning
        save, the spawn) its ``except`` runs ``_shutdown_instance`` (``shutdown.*``, legacy and
        versioned, the guest destroyed, the attachments deleted; the mappings keep their ids,
        so the terminate's deletes are ``VolumeAttachmentNotFound``, ignored); then, once
        ``create.start`` was sent, ``create.error``, legacy and versioned, with the error
        (``fault=e``); ``_do_build_and_run_instance`` returns ('Instance disappeared during
        build.'). Any
        guest left goes here too, not at the terminate (fakecloud's)."""
        notifier, host = self.notifier, self.host
        if stage == _SPAWNING:
            notifier.usage_and_action(host, instance, "shutdown.start")
            self.driver.destroy(instance)
            yield from block_device.end_attachments(self, context, instance, bdms, forget=False)
            notifier.usage_and_action(host, instance, "shutdown.end")
        else:
            self.driver.destroy(instance)
        if stage != _BEFORE_BUILD:
            notifier.instance_create(host, instance, "error", exc)

    def _allocate_network(self, instance: Any) -> None:
        """``_build_resources``' ``_build_networks_for_instance``, after the claim and the late
        group check: ``networking``, saved only from no task (nova 17.0.13-34.0.0
        ``_allocate_network``); a task state someone else set aborts the build with the save's
        message (a delete's goes up as it is). A reschedule drops the allocation
        (``_cleanup_allocated_networks`` pops ``network_allocated``), so every host passes
        through ``networking``."""
        instance.task_state = states.NETWORKING
        try:
            instance.save(expected_task_state=[None])
        except exception.UnexpectedDeletingTaskStateError:
            raise
        except exception.UnexpectedTaskStateError as exc:
            raise exception.BuildAbortException(
                instance_uuid=instance.uuid, reason=exc.format_message()
            ) from exc
        self.db.network_allocate(instance.uuid)

    def _instance_claim(self, context: Any, instance: Any) -> Generator[Any, Any, None]:
        """``ResourceTracker.instance_claim`` for a build, after ``create.start``: the server's
        host and node (this host's one node) written and saved (``_set_instance_host_and_node``,
        nova 17.0.13-34.0.0 compute/resource_tracker.py), the compute node's stats with them.
        Until now the server showed no host: the conductor writes none. Every host has room
        here; a claim fails only at fault point ``nova.compute.instance_claim`` (usually
        ``ComputeResourcesUnavailable``), before any host is written: `reschedule.claim_failed`."""
        if reschedule.CLAIM in self.kernel.faults.hot:
            yield from reschedule.claim_failed(self, context, instance)
        instance.host = self.host
        instance.node = self.host
        instance.save()
        if self.db.build_failures:
            build_failures.saved(self)  # the claim saves the compute node, its stats too

    def _event(self, context: Any, instance: Any, name: str) -> compute_utils.EventReporter:
        """Start the instance action event `name` on this host (``wrap_instance_event``)."""
        return compute_utils.EventReporter(self.db, context, instance.uuid, name, self.host)

    def _set_error(self, instance: Any, exc: BaseException) -> None:
        self.db.fault_create(instance.uuid, exc, self.host, compute_utils.format_traceback(exc))
        instance.set_error_state()

    def terminate_instance(
        self, context: Any, instance: Any, bdms: list[Any]
    ) -> Generator[Any, Any, None]:
        """RPC cast: destroy the guest, detach (and delete) its volumes, delete the server."""
        proc = self._task_started()
        try:
            yield from self._terminate(context, instance, bdms)
        finally:
            self._tasks.discard(proc)

    def _terminate(self, context: Any, instance: Any, bdms: list[Any]) -> Generator:
        instance = self._receive(instance)
        event = self._event(context, instance, "compute_terminate_instance")
        uuid = instance.uuid
        yield from instance_lock.acquire(self, uuid)  # do_terminate_instance
        failed = None
        try:
            yield from self._delete_instance(context, instance, bdms)
        except exception.InstanceNotFound:
            # do_terminate_instance catches it (nova 17.0.13-34.0.0): the event succeeds.
            self._log(uuid, "info", "Instance disappeared during terminate")
        except Exception as exc:  # noqa: BLE001
            # do_terminate_instance: ERROR, the task kept (_set_instance_obj_error_state), and
            # raised again, out of the lock
            self._log(uuid, "error", "Setting instance vm_state to ERROR")
            instance.set_error_state(clean_task_state=False)
            failed = exc
        finally:
            instance_lock.release(self, uuid)
        if failed is not None:
            # then terminate_instance's decorators (nova 17.0.13-34.0.0): the fault, the
            # event's Error, the task cleared, the error notifications (its other argument,
            # ``bdms``, an object list: `rebuild_call_args`)
            finish = functools.partial(event.finish, failed)
            self._failed("terminate_instance", None, instance, failed, finish)
            return
        event.finish()

    def _delete_instance(self, context: Any, instance: Any, bdms: list[Any]) -> Generator:
        """``_delete_instance``: the guest destroyed, its volumes' attachments ended (those
        marked deleted), the row deleted; a terminate's, and the periodic reclaim's.

        Notified as Nova 17.0.0-34.0.0 does, each legacy before its versioned twin:
        ``delete.start``, then ``_shutdown_instance``'s ``shutdown.start`` before the guest is
        destroyed and ``shutdown.end`` once the attachments are ended, then, after the volumes
        marked so are deleted and the row is (vm_state ``deleted``, no task), ``delete.end``.
        A failure on the way sends no end (``terminate_instance``'s decorators send the
        error's)."""
        notifier, host = self.notifier, self.host
        notifier.usage_and_action(host, instance, "delete.start")
        if self.kernel.switches.instance_snapshot_branch:
            yield from InstanceSnapshotAPI(self.nova).delete_with_server(context, instance)
        notifier.usage_and_action(host, instance, "shutdown.start")
        if DESTROY in self.kernel.faults.hot:  # else consulting it does nothing
            yield from self._destroy_fault(instance)
        self.driver.destroy(instance)
        yield from self._cleanup_volumes_read(context, instance, bdms)
        yield self.kernel.env.timeout(self.config.delete_delay_s)
        vol_bdms = yield from block_device.end_attachments(self, context, instance, bdms)
        notifier.usage_and_action(host, instance, "shutdown.end")
        yield from block_device.delete_on_termination(self, context, instance, vol_bdms)
        self.db.instance_destroy(instance, self.actor, notify=True)
        # the row's end, which _delete_instance saves before it destroys the row
        instance.vm_state, instance.task_state = states.DELETED, None
        notifier.usage_and_action(host, instance, "delete.end")

    def _destroy_fault(self, instance: Any) -> Generator:
        """Fault point ``nova.libvirt.destroy`` (host, instance_uuid) at ``_shutdown_instance``'s
        ``driver.destroy``: an error leaves the guest as it is and goes up to
        ``do_terminate_instance`` (ERROR), the network deallocated first unless it is an
        ``InstancePowerOffFailure`` (nova 17.0.13-34.0.0 compute/manager.py)."""
        try:
            yield from self.kernel.faults.pause(
                DESTROY, host=self.host, instance_uuid=instance.uuid
            )
        except exception.InstancePowerOffFailure:
            raise
        except Exception:
            self.db.network_deallocate(instance.uuid)  # _try_deallocate_network
            raise

    def _cleanup_volumes_read(self, context: Any, instance: Any, bdms: list[Any]) -> Generator:
        """``LibvirtDriver.cleanup`` with ``destroy_disks``: each volume disconnected
        (`encryptors.disconnect_all`), an error only logged."""

        def ignored(volume_id: str, exc: Exception) -> None:
            self._log(
                instance.uuid,
                "warning",
                f"Ignoring Volume Error on vol {volume_id} during delete {exc}",
            )

        yield from encryptors.disconnect_all(self.nova, context, bdms, ignored)

    def _disconnect(self, context: Any, uuid: str) -> Callable[[], Generator]:
        """What libvirt's ``_hard_reboot`` (a hard reboot, a power on) does to the volumes
        between its ``destroy`` and the guest's start, for the driver to run then: each
        volume's ``_disconnect_volume`` (`encryptors.disconnect_all`), then its
        ``_connect_volume`` (`encryptors.reconnect_all`); an error raised."""

        def cycle() -> Generator[Any, Any, None]:
            bdms = self.db.bdms_by_instance(uuid)
            yield from encryptors.disconnect_all(self.nova, context, bdms)
            yield from encryptors.reconnect_all(self.nova, context, bdms)

        return cycle

    # -- deferred delete (`fakecloud.nova.compute.deferred_delete`) -------------------------

    #: When this host's next ``_reclaim_queued_deletes`` tick is due; None while none is
    #: scheduled (an instance field only from the first soft delete here, so a cloud without
    #: deferred deletes saves as before).
    reclaim_due: float | None = None
    #: Whether a reclaim this host's periodic task started is still deleting.
    reclaiming: bool = False
    #: When this host's next ``_poll_shelved_instances`` tick is due (`shelve_poll`); None
    #: while none is scheduled.
    shelved_poll_due: float | None = None

    # -- power-state sync (`fakecloud.nova.compute.power_sync`) -----------------------------

    #: When this host's next ``_sync_power_states`` run is due; None while none is scheduled
    #: (instance fields only once needed, so a cloud in step with its guests saves as before).
    sync_due: float | None = None
    #: When nova-compute last started: its periodic runs fall at multiples of the interval after.
    sync_phase: float = 0.0
    #: Guests whose STOPPED lifecycle event is held back, with when it was sent.
    lifecycle_pending: dict[str, float] | None = None

    def guest_stopped(self, uuid: str, crashed: bool = False) -> None:
        """fakecloud's handle: the guest of server `uuid` here stops on its own
        (`power_sync.guest_stopped`)."""
        power_sync.guest_stopped(self, uuid, crashed)

    def soft_delete_instance(self, context: Any, instance: Any) -> Generator[Any, Any, None]:
        """RPC cast: power the guest off, ``soft-deleting`` → vm_state ``soft-delete``."""
        from fakecloud.nova.compute import deferred_delete

        return (
            yield from self._task(deferred_delete.soft_delete_instance(self, context, instance))
        )

    def restore_instance(self, context: Any, instance: Any) -> Generator[Any, Any, None]:
        """RPC cast: power the guest on, ``restoring`` → ``active``."""
        from fakecloud.nova.compute import deferred_delete

        return (yield from self._task(deferred_delete.restore_instance(self, context, instance)))

    # -- volume attach and detach (`fakecloud.nova.volume_attach`) --------------------------

    def reserve_block_device_name(
        self,
        context: Any,
        instance: Any,
        device: str | None,
        volume_id: str,
        tag: str | None = None,
        multiattach: bool = False,
        delete_on_termination: bool = False,
    ) -> Generator[Any, Any, Any]:
        """RPC call: create the mapping of a volume being attached, with its device name,
        holding the server's lock (``do_reserve``)."""
        from fakecloud.nova import volume_attach

        uuid = instance.uuid
        proc = self._task_started()
        try:
            yield from instance_lock.acquire(self, uuid)
            try:
                return volume_attach.reserve_block_device_name(
                    self, instance, device, volume_id, tag, delete_on_termination
                )
            finally:
                instance_lock.release(self, uuid)
        finally:
            self._tasks.discard(proc)

    def attach_volume(self, context: Any, instance: Any, bdm: Any) -> Generator[Any, Any, None]:
        """RPC cast: connect and complete the Cinder attachment of `bdm`."""
        from fakecloud.nova import volume_attach

        proc = self._task_started()
        try:
            yield from volume_attach.attach_on_host(self, context, instance, bdm)
        finally:
            self._tasks.discard(proc)

    def detach_volume(
        self, context: Any, instance: Any, volume_id: str, attachment_id: str | None = None
    ) -> Generator[Any, Any, None]:
        """RPC cast: delete the volume's attachment and its mapping."""
        from fakecloud.nova import volume_attach

        proc = self._task_started()
        try:
            yield from volume_attach.detach_on_host(
                self, context, instance, volume_id, attachment_id
            )
        finally:
            self._tasks.discard(proc)

    def external_instance_event(
        self, context: Any, instances: list[Any], events: list[dict[str, Any]]
    ) -> Generator[Any, Any, None]:
        """RPC cast: the external events of these instances (``volume-extended``)."""
        from fakecloud.nova import external_events

        return (
            yield from self._task(external_events.handle_on_host(self, context, instances, events))
        )

    def swap_volume(
        self,
        context: Any,
        instance: Any,
        old_volume_id: str,
        new_volume_id: str,
        new_attachment_id: str,
    ) -> Generator[Any, Any, None]:
        """RPC cast: swap the attached volume for the new one (its data copied first), holding
        the server's lock from 23.0.0 (``switches.swap_volume_locked``)."""
        from fakecloud.nova import volume_attach

        proc = self._task_started()
        try:
            yield from volume_attach.swap_on_host(
                self, context, instance, old_volume_id, new_volume_id, new_attachment_id
            )
        finally:
            self._tasks.discard(proc)

    # -- power actions -----------------------------------------------------------------------

    def _power_action(
        self,
        context: Any,
        instance: Any,
        event_name: str,
        driver_call: Callable[[Any], Generator],
        expected: Any,
        vm_state: str,
        notify: str,
        locked: bool = False,
        args: dict[str, Any] | None = None,
    ) -> Generator[Any, Any, None]:
        """A power action's work between its event's start and end; `locked`: under the
        server's lock (a stop's ``do_stop_instance``; a start takes none); `expected` may be
        a callable, asked once the lock is held; `args`: the call's arguments after
        ``instance`` (`_action_failed`)."""
        instance = self._receive(instance)
        event = self._event(context, instance, event_name)
        uuid = instance.uuid
        if locked:
            yield from instance_lock.acquire(self, uuid)
        if callable(expected):
            expected = expected()
        try:
            self.notifier.instance_usage(self.host, instance, f"{notify}.start")
            self.notifier.instance_power(self.host, instance, f"{notify}.start")
            yield from driver_call(instance)
            instance.power_state = self.driver.get_info(instance)
            instance.vm_state = vm_state
            instance.task_state = None
            instance.save(expected_task_state=expected)
            self.notifier.instance_usage(self.host, instance, f"{notify}.end")
            self.notifier.instance_power(self.host, instance, f"{notify}.end")
        except Exception as exc:  # noqa: BLE001 - the entry point's decorators
            self._action_failed(instance, event, exc, event_name.removeprefix("compute_"), args)
            return
        finally:
            if locked:
                instance_lock.release(self, uuid)
        event.finish()

    def _action_failed(
        self,
        instance: Any,
        event: compute_utils.EventReporter,
        exc: Exception,
        name: str,
        args: dict[str, Any] | None = None,
    ) -> None:
        """A power action, a reboot, a soft delete or a restore failed: out through
        its entry point's decorators (``wrap_exception``, ``reverts_task_state``,
        ``wrap_instance_event``, ``wrap_instance_fault``, nova 17.0.13-34.0.0
        compute/manager.py) from the innermost: the fault (unless the server is gone), the
        instance action event's error, the task state cleared (unless another task preempted
        it), the legacy ``<method>`` error and ``compute.exception`` (`name` the method, `args`
        its arguments after ``instance``)."""
        self._failed(name, None, instance, exc, functools.partial(event.finish, exc), args)

    def stop_instance(
        self, context: Any, instance: Any, clean_shutdown: bool = True
    ) -> Generator[Any, Any, None]:
        """RPC cast: power off (``powering-off`` → stopped)."""
        return (yield from self._task(self._power_off(context, instance, clean_shutdown)))

    def _power_off(
        self, context: Any, instance: Any, clean_shutdown: bool = True
    ) -> Generator[Any, Any, None]:
        """``stop_instance``'s work (``powering-off`` → stopped), in the caller's task; a guest
        already off may have no task state left (``do_stop_instance``: the stop cast that
        waited in the queue of a restart whose ``init_host`` stopped the server).
        `clean_shutdown` is the call's argument, named in ``wrap_exception``'s notification."""

        def expected() -> Any:
            # read under the lock, as ``do_stop_instance`` reads ``_get_power_state``
            dom = self.driver.domains.get(instance.uuid)
            if dom is None or dom.power_state in _OFF:
                self._log(
                    instance.uuid,
                    "info",
                    "Instance is already powered off in the hypervisor when stop is called.",
                )
                return [states.POWERING_OFF, None]
            return states.POWERING_OFF

        return self._power_action(
            context,
            instance,
            "compute_stop_instance",
            self.driver.power_off,
            expected,
            states.STOPPED,
            "power_off",
            locked=True,
            args={"clean_shutdown": clean_shutdown},
        )

    def start_instance(self, context: Any, instance: Any) -> Generator[Any, Any, None]:
        """RPC cast: power on (``powering-on`` → active); an unshelved server's image goes."""
        return (yield from self._task(self._start(context, instance)))

    def _start(self, context: Any, instance: Any) -> Generator[Any, Any, None]:
        yield from self._power_action(
            context,
            instance,
            "compute_start_instance",
            functools.partial(self._power_on_unshelved, context),
            states.POWERING_ON,
            states.ACTIVE,
            "power_on",
        )

    def _power_on_unshelved(self, context: Any, guest: Any) -> Generator[Any, Any, None]:
        """``start_instance``'s power on, then (a shelved server's unshelve) its shelved image
        deleted and the shelved keys dropped before the server's save (nova 17.0.13-34.0.0)."""
        yield from self.driver.power_on(guest, self._disconnect(context, guest.uuid))
        image_id = guest.system_metadata.get("shelved_image_id")
        if image_id:
            yield from compute_utils.delete_shelved_image(
                context, self.image_api, image_id, guest.uuid, self.kernel, self.actor
            )
        if any(key.startswith("shelved_") for key in guest.system_metadata):
            guest.system_metadata = compute_utils.remove_shelved_keys_from_system_metadata(
                guest.system_metadata
            )

    def reboot_instance(
        self, context: Any, instance: Any, block_device_info: Any, reboot_type: str
    ) -> Generator[Any, Any, None]:
        """RPC cast: reboot (``reboot_pending`` → ``reboot_started`` → active, or their
        ``_hard`` twins), as ``ComputeManager._reboot_instance``."""
        return (yield from self._task(self._reboot(context, instance, reboot_type)))

    # -- resize and cold migration (`fakecloud.nova.compute.resize_manager`) -----------------

    def prep_resize(
        self,
        context: Any,
        instance: Any,
        migration: Any,
        host_list: list[str] | None = None,
        retry: dict[str, Any] | None = None,
    ) -> Generator:
        """RPC cast to the destination: claim, then ``resize_instance`` on the source
        (`host_list`, `retry`: a move that may be rescheduled, `move_reschedule`)."""
        from fakecloud.nova.compute import resize_manager

        work = resize_manager.prep_resize(self, context, instance, migration, host_list, retry)
        return (yield from self._task(work))

    def resize_instance(self, context: Any, instance: Any, migration: Any) -> Generator:
        """RPC cast to the source: power off, copy the disk, then ``finish_resize``."""
        from fakecloud.nova.compute import resize_manager

        return (
            yield from self._task(
                resize_manager.resize_instance(self, context, instance, migration)
            )
        )

    def finish_resize(
        self, context: Any, instance: Any, migration: Any, disk_info: Any
    ) -> Generator:
        """RPC cast to the destination: the guest here, the server ``resized``."""
        from fakecloud.nova.compute import resize_manager

        work = resize_manager.finish_resize(self, context, instance, migration, disk_info)
        return (yield from self._task(work))

    def confirm_resize(self, context: Any, instance: Any, migration: Any) -> Generator:
        """RPC cast to the source: the old guest goes, the migration is ``confirmed``."""
        from fakecloud.nova.compute import resize_manager

        return (
            yield from self._task(resize_manager.confirm_resize(self, context, instance, migration))
        )

    def revert_resize(self, context: Any, instance: Any, migration: Any) -> Generator:
        """RPC cast to the destination: the new guest goes, then ``finish_revert_resize``."""
        from fakecloud.nova.compute import resize_manager

        return (
            yield from self._task(resize_manager.revert_resize(self, context, instance, migration))
        )

    def finish_revert_resize(self, context: Any, instance: Any, migration: Any) -> Generator:
        """RPC cast to the source: the server back here with its old flavor."""
        from fakecloud.nova.compute import resize_manager

        work = resize_manager.finish_revert_resize(self, context, instance, migration)
        return (yield from self._task(work))

    # -- live migration (`fakecloud.nova.compute.live_migrate_manager`) ----------------------

    #: ``_waiting_live_migrations`` (uuid -> (migration, job)) and the live-migration worker
    #: (``max_concurrent_live_migrations``): class defaults until the first live migration.
    live_waiting: dict[str, Any] | None = None
    live_workers: Any = None

    def check_can_live_migrate_destination(
        self, context: Any, instance: Any, block_migration: Any, disk_over_commit: Any,
        migration: Any,
    ) -> Generator:  # fmt: skip
        """RPC call to the destination: its checks, then the source's."""
        from fakecloud.nova.compute import live_migrate_manager as lm

        work = lm.check_can_live_migrate_destination(
            self, context, instance, block_migration, disk_over_commit, migration
        )
        return (yield from self._task(work))

    def check_can_live_migrate_source(
        self, context: Any, instance: Any, dest_check_data: dict
    ) -> dict:
        """RPC call to the source: block migration against the storage."""
        from fakecloud.nova.compute import live_migrate_manager as lm

        return lm.check_can_live_migrate_source(self, context, instance, dest_check_data)

    def live_migration(
        self, context: Any, instance: Any, dest: str, block_migration: bool, migration: Any,
        migrate_data: dict,
    ) -> None:  # fmt: skip
        """RPC cast to the source: the job, queued for the live-migration worker."""
        from fakecloud.nova.compute import live_migrate_manager as lm

        lm.live_migration(self, context, instance, dest, block_migration, migration, migrate_data)

    def pre_live_migration(
        self, context: Any, instance: Any, block_migration: bool, migrate_data: dict
    ) -> Generator:
        """RPC call to the destination: the volumes attached here too."""
        from fakecloud.nova.compute import live_migrate_manager as lm

        work = lm.pre_live_migration(self, context, instance, block_migration, migrate_data)
        return (yield from self._task(work))

    def post_live_migration_at_destination(
        self, context: Any, instance: Any, block_migration: Any
    ) -> Generator:
        """RPC call to the destination: the server is this host's."""
        from fakecloud.nova.compute import live_migrate_manager as lm

        work = lm.post_live_migration_at_destination(self, context, instance, block_migration)
        return (yield from self._task(work))

    def rollback_live_migration_at_destination(
        self, context: Any, instance: Any, destroy_disks: bool
    ) -> None:
        """RPC cast to the destination: what the migration left here goes."""
        from fakecloud.nova.compute import live_migrate_manager as lm

        lm.rollback_live_migration_at_destination(self, context, instance, destroy_disks)

    def live_migration_abort(self, context: Any, instance: Any, migration_id: int) -> bool:
        """RPC cast to the source: cancel the job waiting, or abort the running one."""
        from fakecloud.nova.compute import live_migrate_manager as lm

        return lm.live_migration_abort(self, context, instance, migration_id)

    def live_migration_force_complete(self, context: Any, instance: Any) -> None:
        """RPC cast to the source: finish the running job now (the guest paused)."""
        from fakecloud.nova.compute import live_migrate_manager as lm

        lm.live_migration_force_complete(self, context, instance)

    # -- diagnostics ------------------------------------------------------------------------

    def get_host_uptime(self, context: Any) -> str:
        """RPC call: what ``env LANG=C uptime`` prints on this host (the libvirt driver's
        ``get_host_uptime``)."""
        from fakecloud.nova.compute_nodes import uptime_text

        return uptime_text(self.nova, self.kernel.now)

    def get_diagnostics(self, context: Any, instance: Any) -> dict[str, Any]:
        """RPC call: the legacy diagnostics dict of a running guest (before 2.48)."""
        return self._diagnostics("get_diagnostics", instance, self.driver.get_diagnostics)

    def get_instance_diagnostics(self, context: Any, instance: Any) -> dict[str, Any]:
        """RPC call: the standard diagnostics of a running guest (2.48+)."""
        return self._diagnostics(
            "get_instance_diagnostics", instance, self.driver.get_instance_diagnostics
        )

    def _diagnostics(self, name: str, instance: Any, read: Callable) -> dict[str, Any]:
        """``get_diagnostics``/``get_instance_diagnostics``: a guest not RUNNING is
        `InstanceInvalidState` (its stored power state named), recorded as a fault
        (``wrap_instance_fault``) and notified (``wrap_exception``) on its way back."""
        try:
            if self._power_state_of(instance) != states.RUNNING:
                raise exception.InstanceInvalidState(
                    attr="power state",
                    instance_uuid=instance.uuid,
                    state=diagnostics.STATE_MAP[instance.power_state],
                    method="get_diagnostics",
                )
            devices = [bdm.device_name for bdm in self.db.bdms_by_instance(instance.uuid)]
            return read(instance, devices)
        except Exception as exc:
            if not isinstance(exc, exception.InstanceNotFound):
                self.db.fault_create(
                    instance.uuid, exc, self.host, compute_utils.format_traceback(exc)
                )
            self.notifier.exception(self.host, name, exc, instance=instance.uuid)
            raise

    def _power_state_of(self, instance: Any) -> int:
        """``_get_power_state``: what the driver reports, NOSTATE when the guest is gone."""
        try:
            return self.driver.get_info(instance)
        except exception.InstanceNotFound:
            return states.NOSTATE

    def _reboot(self, context: Any, instance: Any, reboot_type: str) -> Generator[Any, Any, None]:
        instance = self._receive(instance)
        event = self._event(context, instance, "compute_reboot_instance")
        soft = reboot_type == "SOFT"
        pending = states.REBOOT_PENDING if soft else states.REBOOT_PENDING_HARD
        uuid = instance.uuid
        locked = self.switches.reboot_locked  # do_reboot_instance
        if locked:
            yield from instance_lock.acquire(self, uuid)
        try:
            # Acknowledge the request: the pending state, from any state of its kind.
            instance.task_state = pending
            self.notifier.instance_usage(self.host, instance, "reboot.start")
            self.notifier.instance_power(self.host, instance, "reboot.start")
            instance.power_state = self._power_state_of(instance)
            instance.save(
                expected_task_state=states.SOFT_REBOOT_STATES if soft else states.HARD_REBOOT_STATES
            )
            new_vm_state = states.RESCUED if instance.vm_state == states.RESCUED else states.ACTIVE
            new_power_state = None
            try:
                instance.task_state = states.REBOOT_STARTED if soft else states.REBOOT_STARTED_HARD
                instance.save(expected_task_state=pending)
                yield from self.driver.reboot(
                    instance, reboot_type, self._disconnect(context, uuid)
                )
            except Exception as error:  # noqa: BLE001 - as save_and_reraise_exception
                # A failed reboot of a guest that still runs is only a fault.
                new_power_state = self._power_state_of(instance)
                if new_power_state != states.RUNNING:
                    # the task kept until reverts_task_state; the fault is wrap_instance_fault's
                    instance.set_error_state(clean_task_state=False)
                    raise
                self.db.fault_create(
                    instance.uuid, error, self.host, compute_utils.format_traceback(error)
                )
                self.notifier.usage_error(self.host, instance, "reboot.error", error)
                self.notifier.instance_power(self.host, instance, "reboot.error", error)
            if not new_power_state:
                new_power_state = self._power_state_of(instance)
            try:
                instance.power_state = new_power_state
                instance.vm_state = new_vm_state
                instance.task_state = None
                instance.save()
            except exception.InstanceNotFound:
                self._log(instance.uuid, "warning", "Instance disappeared during reboot")
            self.notifier.instance_usage(self.host, instance, "reboot.end")
            self.notifier.instance_power(self.host, instance, "reboot.end")
        except Exception as exc:  # noqa: BLE001 - the entry point's decorators
            # the API's cast and init_host's retry both send no block_device_info
            args = {"block_device_info": None, "reboot_type": reboot_type}
            self._action_failed(instance, event, exc, "reboot_instance", args)
            return
        finally:
            if locked:
                instance_lock.release(self, uuid)
        event.finish()

    def rebuild_instance(
        self,
        context: Any,
        instance: Any,
        new_pass: str,
        injected_files: list[Any],
        image_ref: str,
        orig_image_ref: str | None,
        orig_sys_metadata: dict[str, Any],
        preserve_ephemeral: bool = False,
        recreate: bool = False,
        on_shared_storage: bool | None = None,
        migration: Any = None,
        target_state: str | None = None,
        scheduled_node: str | None = None,
        reimage_boot_volume: bool = False,
    ) -> Generator[Any, Any, None]:
        """RPC cast: rebuild (``rebuilding`` → ``rebuild_block_device_mapping`` →
        ``rebuild_spawning`` → active, or stopped again through ``powering-off``), as
        ``ComputeManager._do_rebuild_instance`` and ``_rebuild_default_impl``, a volume-backed
        server's root volume reimaged by Cinder with `reimage_boot_volume` (2.93,
        `fakecloud.nova.compute.reimage`); with `recreate`, an evacuation to this host
        (`evacuate_manager.rebuild_evacuated`)."""
        if recreate:
            from fakecloud.nova.compute import evacuate_manager

            return (
                yield from self._task(
                    evacuate_manager.rebuild_evacuated(
                        self, context, instance, migration, new_pass, on_shared_storage,
                        target_state, scheduled_node,
                    )
                )
            )  # fmt: skip
        args = self.rebuild_call_args(
            orig_image_ref=orig_image_ref,
            image_ref=image_ref,
            injected_files=injected_files,
            orig_sys_metadata=orig_sys_metadata,
            recreate=False,
            on_shared_storage=on_shared_storage,
            preserve_ephemeral=preserve_ephemeral,
            # The conductor schedules a rebuild to a new image (on this host, 17.0.0 on).
            scheduled_node=self.host if image_ref != orig_image_ref else None,
            target_state=target_state,
            reimage_boot_volume=reimage_boot_volume,
        )
        return (
            yield from self._task(
                self._rebuild(context, instance, image_ref, bool(preserve_ephemeral), args)
            )
        )

    def rebuild_call_args(self, **values: Any) -> dict[str, Any]:
        """The arguments after ``instance`` ``wrap_exception`` puts in ``rebuild_instance``'s
        legacy error notification (``inspect.getcallargs`` less self, context and, by
        ``_cleanse_dict``, ``new_pass``; nova 17.0.0-34.0.0 exception_wrapper.py), in the
        signature's order, those whose values are plain data here: ``bdms``, ``migration``,
        ``limits`` and ``request_spec`` (objects, or the scheduler's) are left out."""
        args = {
            name: values[name]
            for name in (
                "orig_image_ref",
                "image_ref",
                "injected_files",
                "orig_sys_metadata",
                "recreate",
                "on_shared_storage",
                "preserve_ephemeral",
                "scheduled_node",
            )
        }
        later = {"accel_uuids": [], "reimage_boot_volume": False, **values}
        release = self.switches.series.nova
        for name, since in REBUILD_LATER_ARGS:
            if release >= since:
                args[name] = later[name]
        return args

    def _rebuild(
        self,
        context: Any,
        instance: Any,
        image_ref: str,
        preserve_ephemeral: bool,
        args: dict[str, Any],
    ) -> Generator[Any, Any, None]:
        from fakecloud.nova.compute import resize_manager

        instance = self._receive(instance)
        event = self._event(context, instance, "compute_rebuild_instance")
        orig_vm_state = instance.vm_state
        try:
            # Before ``_error_out_instance_on_exception``: an image gone by now is only a fault
            # (``wrap_instance_fault``) and the task state reverted (``reverts_task_state``).
            image = yield from self.image_api.get(context, image_ref)
        except Exception as exc:  # noqa: BLE001
            self._rebuild_raised(instance, args, exc, event)
            return
        try:
            self.notifier.usage_exists(self.host, instance)
            self.notifier.instance_usage(self.host, instance, "rebuild.start")
            self.notifier.instance_action(self.host, "nova-compute", instance, "rebuild.start")
            instance.power_state = self._power_state_of(instance)
            instance.task_state = states.REBUILDING
            instance.save(expected_task_state=[states.REBUILDING])
            bdms = self.db.bdms_by_instance(instance.uuid)
            volume_backed = compute_utils.is_volume_backed_instance(instance, bdms)
            # ``_rebuild_default_impl`` (libvirt has no ``driver.rebuild``).
            if preserve_ephemeral:
                raise exception.PreserveEphemeralNotSupported()
            old = self.driver.domains.get(instance.uuid)
            if old is not None and old.power_state != states.SHUTDOWN:
                yield from self.driver.power_off(instance)  # _power_off_instance
            reimage_root = bool(args.get("reimage_boot_volume"))
            yield from resize_manager.detach_block_devices(
                self, context, instance, bdms, detach_root=not reimage_root
            )
            self.driver.destroy(instance)
            if reimage_root and volume_backed:
                yield from reimage.rebuild_volume_backed(self, context, instance, bdms, image["id"])
            instance.task_state = states.REBUILD_BLOCK_DEVICE_MAPPING
            instance.save(expected_task_state=[states.REBUILDING])
            # attach_block_devices (``_prep_block_device``): connected here and completed.
            yield from resize_manager._update_volume_attachments(self, context, instance, bdms)
            yield from resize_manager._complete_volume_attachments(self, context, bdms)
            instance.task_state = states.REBUILD_SPAWNING
            instance.save(expected_task_state=[states.REBUILD_BLOCK_DEVICE_MAPPING])
            yield from self._spawn_rebuilt(
                context, instance, image, volume_backed, old, orig_vm_state, bdms
            )
        except (exception.InstanceNotFound, exception.UnexpectedDeletingTaskStateError) as exc:
            # Deleted while rebuilding: Nova swallows the error. A guest spawned after the
            # delete destroyed the old one goes too (as a build's; else it would run on).
            self.driver.destroy(instance)
            self._log(instance.uuid, "debug", "Instance was deleted while rebuilding")
            self._rebuild_error(instance, exc)
            event.finish()
            return
        except Exception as exc:  # noqa: BLE001 - _error_out_instance_on_exception + fault
            self._rebuild_drop_allocation(instance)
            self._rebuild_error(instance, exc)  # rebuild_instance's own except, then re-raised
            instance.set_error_state(clean_task_state=False)  # _error_out_instance_on_exception
            self._rebuild_raised(instance, args, exc, event)
            return
        except reimage.EventletTimeout as exc:  # past every handler but wrap_instance_event's
            event.finish(exc)
            return
        event.finish()

    def _spawn_rebuilt(
        self,
        context: Any,
        instance: Any,
        image: Any,
        volume_backed: bool,
        old: Any,
        orig_vm_state: str,
        bdms: list[Any],
    ) -> Generator[Any, Any, None]:
        """A rebuild's (or an evacuation's) last steps: the guest again, its root disk new
        from the image and libvirt's name kept from `old` (the domain it replaces, if any),
        each volume of `bdms` connected as a build's spawn connects them
        (``_rebuild_default_impl``'s ``driver.spawn`` with the ``block_device_info`` of
        ``attach_block_devices``: libvirt ``_get_guest_xml`` → ``_connect_volume``, nova
        17.0.13-34.0.0); ACTIVE; stopped again if it was; ``rebuild.end``."""
        yield from block_device.connect_for_spawn(self.nova, context, bdms)
        yield from self.driver.spawn(
            instance, image, volume_backed, name=old.name if old is not None else None
        )
        instance.power_state = self.driver.get_info(instance)  # _update_instance_after_spawn
        instance.vm_state = states.ACTIVE
        instance.task_state = None
        instance.launched_at = self.kernel.now
        instance.save(expected_task_state=[states.REBUILD_SPAWNING])
        if orig_vm_state == states.STOPPED:
            # "bringing vm to original state": stop_instance, in this same task.
            instance.vm_state = states.ACTIVE
            instance.task_state = states.POWERING_OFF
            instance.progress = 0
            instance.save()
            yield from self._power_off(context, instance)
        self.notifier.instance_usage(self.host, instance, "rebuild.end")
        self.notifier.instance_action(self.host, "nova-compute", instance, "rebuild.end")

    def _rebuild_drop_allocation(self, instance: Any) -> None:
        """``rebuild_instance``'s ``except Exception`` on its own host: ``if evacuate or
        scheduled_node is not None: rt.delete_allocation_for_evacuated_instance(...,
        scheduled_node, node_type='destination')``, where a plain rebuild has set
        scheduled_node to ``instance.node`` (54b122caec; nova 17.0.13 compute/manager.py
        :2963 to master). From 19.0.0 (66297f0c4a) the node's allocation is popped and the
        empty rest PUT: the server's allocation is gone (switch
        ``failed_rebuild_drops_allocation``; no fix upstream, whose unit test
        ``test_rebuild_driver_error_same_host`` passes only because its fake instance has no
        node). Before, the same-host subtraction PUT ``resources: {}``, placement's 400, the
        allocation kept; the resource tracker's error then, as on a second failure from 19.0.0
        (no allocation left: the report client's error first)."""
        uuid = instance.uuid
        dropped = self.db.allocation_was_dropped(uuid)
        if self.switches.failed_rebuild_drops_allocation and not dropped:
            self.db.drop_allocation(uuid, self.host)
            return
        if dropped:
            self._log(
                uuid, "error", f"Expected to find current allocations for {uuid}, but found none."
            )
        node = services.compute_node_uuid(self.nova, self.host)
        self._log(
            uuid,
            "error",
            f"Failed to clean allocation of evacuated instance on the destination node {node}",
        )

    def _rebuild_error(self, instance: Any, exc: BaseException) -> None:
        """``_notify_instance_rebuild_error``: legacy and versioned ``rebuild.error``."""
        self.notifier.usage_error(self.host, instance, "rebuild.error", exc)
        self.notifier.instance_action(
            self.host, "nova-compute", instance, "rebuild.error", priority="ERROR", error=exc
        )

    def _rebuild_raised(
        self,
        instance: Any,
        args: dict[str, Any],
        exc: Exception,
        event: compute_utils.EventReporter,
    ) -> None:
        """An error leaving ``rebuild_instance``, through its decorators from the innermost
        (nova 17.0.13-34.0.0 compute/manager.py): ``wrap_instance_fault``'s fault,
        ``wrap_instance_event``'s event in error, ``reverts_task_state``'s task cleared (a
        server its ``_error_out_instance_on_exception`` put in ERROR kept its task until
        then), ``wrap_exception``'s notifications (`args`: `rebuild_call_args`): `_failed`,
        the event finished between the fault and the revert."""
        self._failed(
            "rebuild_instance",
            None,
            instance,
            exc,
            after_fault=functools.partial(event.finish, exc),
            more_args=args,
        )

    def pause_instance(self, context: Any, instance: Any) -> Generator[Any, Any, None]:
        """RPC cast: pause (``pausing`` → paused)."""
        return (
            yield from self._task(
                self._power_action(
                    context,
                    instance,
                    "compute_pause_instance",
                    self.driver.pause,
                    states.PAUSING,
                    states.PAUSED,
                    "pause",
                )
            )
        )

    def unpause_instance(self, context: Any, instance: Any) -> Generator[Any, Any, None]:
        """RPC cast: unpause (``unpausing`` → active)."""
        return (
            yield from self._task(
                self._power_action(
                    context,
                    instance,
                    "compute_unpause_instance",
                    self.driver.unpause,
                    states.UNPAUSING,
                    states.ACTIVE,
                    "unpause",
                )
            )
        )

    def suspend_instance(self, context: Any, instance: Any) -> Generator[Any, Any, None]:
        """RPC cast: suspend to disk (``suspending`` → suspended)."""
        return (
            yield from self._task(
                self._power_action(
                    context,
                    instance,
                    "compute_suspend_instance",
                    self.driver.suspend,
                    states.SUSPENDING,
                    states.SUSPENDED,
                    "suspend",
                )
            )
        )

    def resume_instance(self, context: Any, instance: Any) -> Generator[Any, Any, None]:
        """RPC cast: resume (``resuming`` → active)."""
        return (
            yield from self._task(
                self._power_action(
                    context,
                    instance,
                    "compute_resume_instance",
                    self.driver.resume,
                    states.RESUMING,
                    states.ACTIVE,
                    "resume",
                )
            )
        )

    # -- rescue (`fakecloud.nova.compute.rescue_manager`) -----------------------------------

    def rescue_instance(
        self,
        context: Any,
        instance: Any,
        rescue_password: str | None,
        rescue_image_ref: str | None,
        clean_shutdown: bool = True,
    ) -> Generator[Any, Any, None]:
        """RPC cast: boot the rescue guest (``rescuing`` → rescued)."""
        from fakecloud.nova.compute import rescue_manager

        return (
            yield from self._task(
                rescue_manager.rescue_instance(
                    self, context, instance, rescue_password, rescue_image_ref, clean_shutdown
                )
            )
        )

    def unrescue_instance(self, context: Any, instance: Any) -> Generator[Any, Any, None]:
        """RPC cast: boot the server's own guest again (``unrescuing`` → active)."""
        from fakecloud.nova.compute import rescue_manager

        return (yield from self._task(rescue_manager.unrescue_instance(self, context, instance)))

    # -- changePassword, trigger_crash_dump, os-getConsoleOutput (`guest_actions`) -----------

    def set_admin_password(
        self, context: Any, instance: Any, new_pass: str
    ) -> Generator[Any, Any, None]:
        """RPC call: set the guest's admin password (``updating_password`` → None)."""
        from fakecloud.nova.compute import guest_actions

        return (
            yield from self._task(
                guest_actions.set_admin_password(self, context, instance, new_pass)
            )
        )

    def trigger_crash_dump(self, context: Any, instance: Any) -> None:
        """RPC cast: inject an NMI into the guest."""
        from fakecloud.nova.compute import guest_actions

        guest_actions.trigger_crash_dump(self, context, instance)

    def add_fixed_ip_to_instance(self, context: Any, instance: Any, network_id: Any) -> None:
        """RPC cast: Neutron adds a fixed IP to the server's port (`compute.multinic`)."""
        from fakecloud.nova.compute import multinic

        multinic.add_fixed_ip_to_instance(self, context, instance, network_id)

    def remove_fixed_ip_from_instance(self, context: Any, instance: Any, address: str) -> None:
        """RPC cast: Neutron takes a fixed IP off the server's port (`compute.multinic`)."""
        from fakecloud.nova.compute import multinic

        multinic.remove_fixed_ip_from_instance(self, context, instance, address)

    def inject_network_info(self, context: Any, instance: Any) -> None:
        """RPC cast: the network info handed to the driver, which on libvirt does nothing
        (the base driver's ``inject_network_info``)."""

    def get_console_output(self, context: Any, instance: Any, tail_length: Any) -> str:
        """RPC call: the guest's console log (its last `tail_length` lines)."""
        from fakecloud.nova.compute import guest_actions

        return guest_actions.get_console_output(self, context, instance, tail_length)

    def _console(self, protocol: str, context: Any, instance: Any, console_type: str) -> dict:
        from fakecloud.nova.compute import consoles

        return consoles.get_console(self, context, instance, protocol, console_type)

    def get_vnc_console(self, context: Any, instance: Any, console_type: str) -> dict:
        """RPC call: a VNC console's connection info (`fakecloud.nova.compute.consoles`)."""
        return self._console("vnc", context, instance, console_type)

    def get_spice_console(self, context: Any, instance: Any, console_type: str) -> dict:
        """RPC call: a SPICE console's connection info."""
        return self._console("spice", context, instance, console_type)

    def get_serial_console(self, context: Any, instance: Any, console_type: str) -> dict:
        """RPC call: a serial console's connection info."""
        return self._console("serial", context, instance, console_type)

    def get_rdp_console(self, context: Any, instance: Any, console_type: str) -> dict:
        """RPC call: an RDP console (libvirt has none)."""
        return self._console("rdp", context, instance, console_type)

    def get_mks_console(self, context: Any, instance: Any, console_type: str) -> dict:
        """RPC call: an MKS console (libvirt has none)."""
        return self._console("mks", context, instance, console_type)

    # -- shelve ------------------------------------------------------------------------------

    def shelve_instance(
        self, context: Any, instance: Any, image_id: str
    ) -> Generator[Any, Any, None]:
        """RPC cast: power off, snapshot into `image_id`, shelve (and offload at once when
        ``shelved_offload_time`` is 0)."""
        return (yield from self._task(self._shelve(context, instance, image_id)))

    def _shelve(self, context: Any, instance: Any, image_id: str) -> Generator[Any, Any, None]:
        instance = self._receive(instance)
        event = self._event(context, instance, "compute_shelve_instance")
        uuid = instance.uuid
        yield from instance_lock.acquire(self, uuid)  # do_shelve_instance
        try:
            self.notifier.usage_exists(self.host, instance)
            self.notifier.instance_usage(self.host, instance, "shelve.start")
            self.notifier.instance_action(self.host, "nova-compute", instance, "shelve.start")
            # The API asks for a clean shutdown; from d5901f613c (18.0.0, 17.0.5: LP #1745529)
            # a paused guest is powered off hard, since libvirt refuses to shut it down.
            paused = instance.power_state == states.POWER_PAUSED
            clean = not paused or self.switches.lp1745529
            yield from self.driver.power_off(instance, clean_shutdown=clean)

            def update_task_state(task_state: str, expected_state: str = states.SHELVING):
                instance.task_state = _SHELVING_STATE_MAP[task_state]
                instance.save(expected_task_state=_SHELVING_STATE_MAP[expected_state])

            yield from self.driver.snapshot(context, instance, image_id, update_task_state)
            instance.system_metadata = {
                **instance.system_metadata,
                "shelved_at": self.kernel.clock.wall_time().isoformat(),
                "shelved_image_id": image_id,
                "shelved_host": self.host,
            }
            instance.vm_state = states.SHELVED
            offload = self.config.shelved_offload_time_s == 0
            instance.task_state = states.SHELVING_OFFLOADING if offload else None
            instance.power_state = self.driver.get_info(instance)
            instance.save(expected_task_state=[states.SHELVING, states.SHELVING_IMAGE_UPLOADING])
            self.notifier.instance_usage(self.host, instance, "shelve.end")
            self.notifier.instance_action(self.host, "nova-compute", instance, "shelve.end")
            # The offload runs inside shelve_instance, under the same decorators.
            if offload:
                yield from self._shelve_offload(context, instance)
            else:
                shelve_poll.queue_poll(self)
        except Exception as exc:  # noqa: BLE001
            # shelve_instance has no delete_image_on_error and no error state: its fault,
            # event, task-state revert (unless another request set one: a delete's
            # ``deleting`` is kept) and notification only (nova 17.0.7 to 34.0.0); the image
            # is left as the failure found it, the guest powered off, vm_state kept.
            finish = functools.partial(event.finish, exc)
            self._failed(
                "shelve_instance",
                image_id,
                instance,
                exc,
                after_fault=finish,
                more_args=self._shelve_call_args(),
            )
            return
        finally:
            instance_lock.release(self, uuid)
        event.finish()

    def shelve_offload_instance(self, context: Any, instance: Any) -> Generator[Any, Any, None]:
        """RPC cast: remove a shelved (or volume-backed, shelving) server from this host."""
        return (yield from self._task(self._shelve_offload_rpc(context, instance)))

    def _shelve_offload_rpc(
        self, context: Any, instance: Any, clean_shutdown: bool = True
    ) -> Generator[Any, Any, None]:
        instance = self._receive(instance)
        event = self._event(context, instance, "compute_shelve_offload_instance")
        uuid = instance.uuid
        yield from instance_lock.acquire(self, uuid)  # do_shelve_offload_instance
        try:
            if instance.vm_state != states.SHELVED:
                yield from self.driver.power_off(instance)
            yield from self._shelve_offload(context, instance)
        except Exception as exc:  # noqa: BLE001
            # shelve_offload_instance's decorators are shelve_instance's (nova 17.0.7 to 34.0.0
            # compute/manager.py): a fault, the event, the task state reverted unless another
            # request changed it, no error state.
            finish = functools.partial(event.finish, exc)
            self._failed(
                "shelve_offload_instance",
                None,
                instance,
                exc,
                after_fault=finish,
                more_args=self._shelve_call_args(clean_shutdown),
            )
            return
        finally:
            instance_lock.release(self, uuid)
        event.finish()

    def _shelve_call_args(self, clean_shutdown: bool = True) -> dict[str, Any]:
        """The arguments after ``instance`` (and ``image_id``) a shelve call carries:
        ``clean_shutdown`` (True from the API, its default; False from
        ``_poll_shelved_instances``; nova 17.0.7-34.0.0), and from 23.0.0 (cyborg, RPC 5.13)
        ``accel_uuids``, [] for a flavor with no device profile."""
        if self.switches.series.nova >= SHELVE_ACCEL_UUIDS_SINCE:
            return {"clean_shutdown": clean_shutdown, "accel_uuids": []}
        return {"clean_shutdown": clean_shutdown}

    def _shelve_offload(self, context: Any, instance: Any) -> Generator[Any, Any, None]:
        from fakecloud.nova.compute import resize_manager

        self.notifier.instance_usage(self.host, instance, "shelve_offload.start")
        self.notifier.instance_action(self.host, "nova-compute", instance, "shelve_offload.start")
        yield self.kernel.env.timeout(self.config.shelve_offload_delay_s)
        self.driver.destroy(instance)
        bdms = self.db.bdms_by_instance(instance.uuid)
        yield from self._cleanup_volumes_read(context, instance, bdms)
        # The volumes leave this host: each attachment is swapped for a reserved one with no
        # connector, so Cinder shows them ``reserved`` until the unshelve connects them.
        yield from resize_manager._terminate_volume_connections(self, context, instance, bdms)
        instance.power_state = states.SHUTDOWN
        instance.vm_state = states.SHELVED_OFFLOADED
        instance.task_state = None
        compute_utils.nil_out_host_and_node(instance, self.switches)
        instance.save(expected_task_state=[states.SHELVING, states.SHELVING_OFFLOADING])
        self.notifier.instance_usage(self.host, instance, "shelve_offload.end")
        self.notifier.instance_action(self.host, "nova-compute", instance, "shelve_offload.end")

    def unshelve_instance(
        self, context: Any, instance: Any, image: dict[str, Any] | None = None
    ) -> Generator[Any, Any, None]:
        """RPC cast: spawn a shelved-offloaded server here, then forget its shelved image."""
        return (yield from self._task(self._unshelve(context, instance, image)))

    def _unshelve(
        self, context: Any, instance: Any, image: dict[str, Any] | None
    ) -> Generator[Any, Any, None]:
        from fakecloud.nova.compute import resize_manager

        instance = self._receive(instance)
        event = self._event(context, instance, "compute_unshelve_instance")
        prepared = False
        uuid = instance.uuid
        yield from instance_lock.acquire(self, uuid)  # do_unshelve_instance
        try:
            self.notifier.instance_usage(self.host, instance, "unshelve.start")
            self.notifier.instance_action(self.host, "nova-compute", instance, "unshelve.start")
            instance.task_state = states.SPAWNING
            instance.save(expected_task_state=states.UNSHELVING)
            bdms = self.db.bdms_by_instance(instance.uuid)
            # _prep_block_device: a volume attached while offloaded gets its device name now,
            # then every attachment this host's connector, completed (``in-use``).
            block_device.default_device_names(instance, bdms)
            yield from resize_manager._update_volume_attachments(self, context, instance, bdms)
            yield from resize_manager._complete_volume_attachments(self, context, bdms)
            prepared = True
            yield from self._unshelve_claim(instance)
            volume_backed = compute_utils.is_volume_backed_instance(instance, bdms)
            yield self.kernel.env.timeout(
                max(0.0, self.config.unshelve_delay_s - self.config.build_delay_s)
            )
            # driver.spawn with _prep_block_device's block_device_info: each volume connected
            # (libvirt _get_guest_xml → _connect_volume), as a build's spawn
            yield from block_device.connect_for_spawn(self.nova, context, bdms)
            yield from self.driver.spawn(instance, image, volume_backed)
            # The shelved image goes before the server's last save: until it is deleted the
            # server is still ``spawning`` (nova 17.0.13-34.0.0 ``_unshelve_instance``).
            if image:
                yield from compute_utils.delete_shelved_image(
                    context, self.image_api, image["id"], uuid, self.kernel, self.actor
                )
            instance.power_state = self.driver.get_info(instance)
            instance.vm_state = states.ACTIVE
            instance.task_state = None
            instance.launched_at = instance.launched_at or self.kernel.now
            instance.system_metadata = compute_utils.remove_shelved_keys_from_system_metadata(
                instance.system_metadata
            )
            instance.save(expected_task_state=states.SPAWNING)
            self.notifier.instance_usage(self.host, instance, "unshelve.end")
            self.notifier.instance_action(self.host, "nova-compute", instance, "unshelve.end")
        except Exception as exc:  # noqa: BLE001
            # unshelve_instance's decorators and _unshelve_instance's cleanup (17.0.7 to
            # 34.0.0 compute/manager.py): host and node cleared, a fault, the event in Error,
            # the task state reverted; the server stays shelved_offloaded (no error state).
            self.driver.destroy(instance)
            instance.host = instance.node = None  # the resource claim's abort
            failure = exc
            try:
                if prepared:  # the claim or spawn failed: the allocation deleted, the
                    # volumes disconnected again
                    self.db.allocation_delete(uuid)
                    yield from resize_manager._terminate_volume_connections(
                        self, context, instance, bdms
                    )
                compute_utils.nil_out_host_and_node(instance, self.switches)
            except Exception as error:  # noqa: BLE001
                # save_and_reraise_exception: the cleanup's own error goes up instead, and
                # what came after it in the cleanup does not happen
                failure = error
            finish = functools.partial(event.finish, failure)
            self._failed("unshelve_instance", None, instance, failure, after_fault=finish)
            return
        finally:
            instance_lock.release(self, uuid)
        event.finish()

    def _unshelve_claim(self, instance: Any) -> Generator[Any, Any, None]:
        """``_unshelve_instance``'s ``rt.instance_claim``, after the block devices are
        prepared: host and node written and saved (nova 17.0.13-34.0.0), the node's stats
        with them. Fault point ``nova.compute.instance_claim`` fails it before any host is
        written (usually ``ComputeResourcesUnavailable``): the failed spawn's cleanup."""
        if reschedule.CLAIM in self.kernel.faults.hot:
            yield from self.kernel.faults.pause(
                reschedule.CLAIM, host=self.host, instance_uuid=instance.uuid
            )
        instance.host = self.host
        instance.node = self.host
        instance.save()
        if self.db.build_failures:
            build_failures.saved(self)  # ``rt.instance_claim`` saves the node's stats too

    # -- helpers -----------------------------------------------------------------------------

    def _log(self, uuid: str, level: str, message: str) -> None:
        at = _LOG_SITES.get(level)
        if at is None:
            self.kernel.trace.emit("log", self.actor, uuid, level=level, message=message)
        else:
            self.kernel.trace.write_at(at, self.actor, uuid, (message,))

    # -- instance snapshots (the vendor branch; `fakecloud.nova.compute.instance_snapshots`) -

    def snapshot_current(self, context: Any, instance: Any) -> dict[str, Any] | None:
        """RPC call: the server's current instance snapshot (a dict), or None (the message
        carries the API's own copy of the server, `ComputeAPI.ask`: only its uuid is read)."""
        return instance_snapshots.snapshot_current(self, context, instance)

    def create_instance_snapshot(
        self, context: Any, instance: Any, snapshot_id: str
    ) -> Generator[Any, Any, None]:
        """RPC cast: take an image-backed server's disk snapshot `snapshot_id`."""
        return (
            yield from self._task(
                instance_snapshots.create_instance_snapshot(self, context, instance, snapshot_id)
            )
        )

    def upload_instance_snapshot(
        self, context: Any, instance: Any, snapshot_id: str, image_id: str
    ) -> Generator[Any, Any, None]:
        """RPC cast: upload instance snapshot `snapshot_id` into the queued image `image_id`."""
        return (
            yield from self._task(
                instance_snapshots.upload_instance_snapshot(
                    self, context, instance, snapshot_id, image_id
                )
            )
        )

    def revert_to_instance_snapshot(
        self, context: Any, instance: Any, snapshot_id: str
    ) -> Generator[Any, Any, None]:
        """RPC call: revert the stopped server to `snapshot_id`, which becomes current."""
        return (
            yield from self._task(
                instance_snapshots.revert_to_instance_snapshot(self, context, instance, snapshot_id)
            )
        )

    def delete_instance_snapshot(
        self, context: Any, instance: Any, snapshot_id: str
    ) -> Generator[Any, Any, None]:
        """RPC cast: drop the disk snapshot `snapshot_id` from this host."""
        return (
            yield from self._task(
                instance_snapshots.delete_instance_snapshot(self, context, instance, snapshot_id)
            )
        )

    # -- assisted volume snapshots (Cinder's NFS backend) -------------------------------------

    def volume_snapshot_create(
        self, context: Any, instance: Any, volume_id: str, create_info: dict[str, Any]
    ) -> Generator[Any, Any, None]:
        """RPC cast: move the guest onto Cinder's new qcow2 file (`volume_snapshots`)."""
        work = volume_snapshots.volume_snapshot_create(
            self, context, instance, volume_id, create_info
        )
        yield from self._notified("volume_snapshot_create", instance, work)

    def volume_snapshot_delete(
        self,
        context: Any,
        instance: Any,
        volume_id: str,
        snapshot_id: str,
        delete_info: dict[str, Any],
    ) -> Generator[Any, Any, None]:
        """RPC cast: merge a snapshot's file out of the guest's chain (`volume_snapshots`)."""
        work = volume_snapshots.volume_snapshot_delete(
            self, context, instance, volume_id, snapshot_id, delete_info
        )
        yield from self._notified("volume_snapshot_delete", instance, work)

    def _notified(self, name: str, instance: Any, work: Generator) -> Generator[Any, Any, None]:
        """Run a cast's `work` as a task; a failure is ``wrap_exception``'s notification
        (nobody waits on a cast)."""
        try:
            yield from self._task(work)
        except Exception as exc:  # noqa: BLE001
            self.notifier.exception(self.host, name, exc, instance=instance.uuid)

    # -- quiesce (volume-backed snapshots, spec 4.7) -----------------------------------------

    def quiesce_instance(self, context: Any, instance: Any) -> Generator[Any, Any, None]:
        """RPC call: freeze the guest's filesystems before the API snapshots its volumes.

        The message carries the API's own copy of the server (`ComputeAPI.ask`): this reads
        its uuid, name and system metadata and writes nothing to it (no save here, so no
        actor of ours either)."""
        proc = self._task_started()
        try:
            image_props = image_props_for_quiesce(instance.system_metadata)
            try:
                yield from self.driver.quiesce(elevated(context), instance, image_props)
            except Exception as exc:  # wrap_exception: a notification, then the caller gets it
                self.notifier.exception(self.host, "quiesce_instance", exc, instance=instance.uuid)
                raise
        finally:
            self._tasks.discard(proc)

    def unquiesce_instance(
        self, context: Any, instance: Any, mapping: list[dict[str, Any]] | None = None
    ) -> Generator[Any, Any, None]:
        """RPC cast: wait until the mapping's volume snapshots leave ``creating``, then thaw.

        Nova's ``_wait_for_snapshots_completion`` runs in this frame, which keeps through the
        wait only what it and the thaw read: the snapshots' ids, not the mapping's dicts (19
        keys each), and the server's image properties, uuid and name, not the message's copy
        of the server (its dicts and snapshot; no one changes it meanwhile). A storm's casts
        all wait here at once.
        """
        proc = self._task_started()
        try:
            image_props = image_props_for_quiesce(instance.system_metadata)
            instance = Guest(instance.uuid, instance.display_name)
            context = elevated(context)
            if mapping:
                try:
                    # ``_wait_for_snapshots_completion``: each snapshot of the mapping in turn
                    # until it is no longer ``creating``, a ``FixedIntervalLoopingCall`` of
                    # ``snapshot_completion_poll_s`` with no limit
                    snapshot_ids = [
                        m["snapshot_id"] for m in mapping if m.get("source_type") == "snapshot"
                    ]
                    mapping = None
                    env = self.kernel.env
                    interval = self.config.snapshot_completion_poll_s
                    for snapshot_id in snapshot_ids:
                        while True:
                            started = env._now  # simpy's `now` property, without its call
                            status = yield from self.volume_api.get_snapshot(
                                context, snapshot_id, status_only=True
                            )
                            if status != "creating":
                                break
                            # the next read `interval` after this one began (at once after
                            # a read that took longer), skipping those that cannot find more
                            yield from wait_to_poll(
                                self.kernel,
                                max(0.0, interval - (env._now - started)),
                                interval,
                                "volume_api.get_snapshot",
                                until=self.volume_api.answered_alike_until,
                                about=context,
                            )
                except Exception as error:  # noqa: BLE001 - Nova logs it and thaws anyway
                    self._log(
                        instance.uuid,
                        "error",
                        f"Exception while waiting completion of volume snapshots: {error}",
                    )
            try:
                yield from self.driver.unquiesce(context, instance, image_props)
            except Exception as exc:  # noqa: BLE001 - wrap_exception; nobody waits on a cast
                self.notifier.exception(
                    self.host, "unquiesce_instance", exc, instance=instance.uuid
                )
        finally:
            self._tasks.discard(proc)

    # -- the hosts API (``HostAPI``): libvirt implements none of it ----------------------

    def set_host_enabled(self, context: Any, enabled: bool) -> str:
        """RPC call (``os-hosts`` ``status``, the ``os-services`` trait sync): from 20.0.0
        the ``COMPUTE_STATUS_DISABLED`` trait set and ``enabled``/``disabled`` answered
        (`compute_status.set_host_enabled`); before, libvirt's ``NotImplementedError``."""
        if not compute_status.tracked(self.nova):
            raise NotImplementedError()
        return compute_status.set_host_enabled(self, enabled)

    def host_maintenance_mode(self, context: Any, host: str, mode: bool) -> str:
        """RPC call (``os-hosts`` ``maintenance_mode``): libvirt implements none
        (``NotImplementedError``, nova 17.0.13-34.0.0)."""
        raise NotImplementedError()

    def host_power_action(self, context: Any, action: str) -> str:
        """RPC call (``os-hosts`` ``startup``/``shutdown``/``reboot``): libvirt implements none
        (``NotImplementedError``, nova 17.0.13-34.0.0)."""
        raise NotImplementedError()
