"""A compute host's power-state sync: the periodic ``_sync_power_states`` and libvirt's
lifecycle events (nova 17.0.13, 20.6.0, 23.2.2, 27.5.1, 29.2.0, 34.0.0: ``compute/manager.py``
``_sync_power_states``, ``_query_driver_power_state_and_sync``,
``_sync_instance_power_state``, ``handle_lifecycle_event``; ``virt/libvirt/host.py``
``_event_emit_delayed``; the rules are the same in each).

``_sync_power_states`` is a periodic task of spacing ``[DEFAULT] sync_power_state_interval``
(config ``nova.sync_power_state_interval_s``: 600 s; 0 runs it at oslo.service's default 60 s,
below 0 never) with ``run_immediately``: it runs as nova-compute starts (fakecloud takes
``periodic_fuzzy_delay`` as 0: the cloud's start, a restart's end) and every interval after.
For each server of the host with no task it reads the guest's power state, writes it to the
record when they differ, then: ``active`` over a guest shut down or crashed (or suspended) is
stopped through the API (``compute_api.stop``, by an admin context with no user or project and
a request id of its own: instance action ``stop``, task ``powering-off``, the ``stop_instance``
cast, ``power_off`` notifications); ``stopped`` over a running or paused guest, and ``paused``
over a shut-down one, are force-stopped (``force_stop``); ``active`` over a paused or missing
guest, and the ``building``/``rescued``/``resized``/``suspended``/ ``error`` servers, are left
alone; a (soft-)deleted server over a running guest is only warned about. A refused stop is
logged and tried again at the next run. ``sync_power_state_pool_size`` (how many servers sync
at once) is not visible here: each sync takes no virtual time, but holds the server's lock
(``query_driver_power_state_and_sync``): a server one of the host's tasks holds (a swap, a
detach) is synced in a green thread of its own once the task ends, by the run's list's task
state (a pending task skips it) and the guest's state then.

A guest that stops on its own (`guest_stopped`: it shut itself down or crashed; libvirt's
default ``on_crash`` destroys it, so either way it is SHUTDOWN) sends libvirt's STOPPED
lifecycle event, which ``host.py`` holds 15 s (a STARTED meanwhile cancels it); then, unless
``[workarounds] handle_virt_lifecycle_events`` is off, ``handle_lifecycle_event`` syncs the
server if the guest is still SHUTDOWN. Nothing arrives while nova-compute is down.

What fakecloud leaves out: the ticks stand on the clock only while one of the host's servers
differs from its guest (a sync that finds nothing only logs at debug level in Nova, and writes
nothing here); the per-server debug lines ('Triggering sync for uuid', and the pending-task
skip of servers in step with their guest) are not written; lifecycle events of the guests
Nova itself powers off, suspends or starts are not sent (they find their server busy or in
step); ``shutdown_terminate`` (no API sets it) is not modelled.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Generator
from typing import Any

from fakecloud.identity.context import RequestContext
from fakecloud.nova import exception, states
from fakecloud.nova.compute import instance_lock
from fakecloud.nova.context import admin_context
from fakecloud.nova.virt.guest_agent import guest_restarted

#: oslo.service's ``DEFAULT_INTERVAL``: a periodic task of spacing 0 runs this often.
DEFAULT_INTERVAL_S = 60
#: ``Host._lifecycle_delay``: how long libvirt's STOPPED event is held back.
LIFECYCLE_DELAY_S = 15

_OFF = (states.SHUTDOWN, states.CRASHED)
#: vm_states ``_sync_instance_power_state`` ignores.
_IGNORED = (states.BUILDING, states.RESCUED, states.RESIZED, states.SUSPENDED, states.ERROR)


def interval_of(manager: Any) -> int | None:
    """The sync's period in seconds, None when it is disabled."""
    interval = manager.config.sync_power_state_interval_s
    if interval < 0:
        return None
    return interval or DEFAULT_INTERVAL_S


def _acts_on(vm_state: str, power_state: int) -> bool:
    """Whether `_sync_instance_power_state` calls the API (or warns) for this pair."""
    if vm_state == states.ACTIVE:
        return power_state in (*_OFF, states.POWER_SUSPENDED)
    if vm_state == states.STOPPED:
        return power_state not in (states.NOSTATE, *_OFF)
    if vm_state == states.PAUSED:
        return power_state in _OFF
    if vm_state in (states.SOFT_DELETED, states.DELETED):
        return power_state not in (states.NOSTATE, states.SHUTDOWN)
    return False


def _guest_state(manager: Any, uuid: str) -> int:
    dom = manager.driver.domains.get(uuid)
    return states.NOSTATE if dom is None else dom.power_state


def _out_of_step(manager: Any, row: Any) -> bool:
    """Whether a sync would change or act on `row` (the server's record) now or later."""
    if row.host != manager.host:
        return False
    guest = _guest_state(manager, row.uuid)
    return guest != row.power_state or (
        row.vm_state not in _IGNORED and _acts_on(row.vm_state, guest)
    )


@dataclasses.dataclass(eq=False)
class _SyncTick:
    """A host's ``_sync_power_states`` run, scheduled on the clock (a record rather than a
    closure, so that a saved cloud keeps it)."""

    manager: Any
    due: float

    def __call__(self) -> None:
        if self.manager.sync_due == self.due:
            sync_tick(self.manager)


def watch(manager: Any, ran: bool = False) -> None:
    """A server of `manager`'s host may differ from its guest: the host's next periodic run
    is scheduled (the next multiple of the interval since nova-compute started; after now if
    one just `ran`), unless one already is or the sync is disabled."""
    interval = interval_of(manager)
    if interval is None or manager.sync_due is not None:
        return
    kernel = manager.kernel
    phase = manager.sync_phase
    runs = (kernel.now - phase) / interval
    due = phase + (math.floor(runs) + 1 if ran else math.ceil(runs)) * interval
    manager.sync_due = due
    kernel.at(due, _SyncTick(manager, due))


def restarted(manager: Any) -> None:
    """nova-compute is back: its periodic tasks start again, the sync at once
    (``run_immediately``), and keeps that phase. The first sync runs here, as part of the
    start-up, rather than as a tick due now: under the explorer's tie order such a tick could
    come after the restart's end, and a run ending there (idle: no work in flight) would
    never sync."""
    if interval_of(manager) is None:
        return
    manager.sync_phase = manager.kernel.now
    manager.sync_due = None
    if any(_out_of_step(manager, row) for row in manager.db.instances_on_host(manager.host)):
        sync_tick(manager)


def sync_tick(manager: Any) -> None:
    """One ``_sync_power_states`` on `manager`'s host (none while nova-compute is down: its
    restart runs the next): each server out of step with its guest synced; the next run
    scheduled while one still is."""
    manager.sync_due = None
    if not manager.kernel.rpc.is_up(manager.target):
        return
    rows = [r for r in manager.db.instances_on_host(manager.host) if _out_of_step(manager, r)]
    for row in rows:
        uuid = row.uuid
        if not instance_lock.held(manager, uuid):
            _query_driver_power_state_and_sync(manager, uuid, row.task_state)
            continue
        in_progress = getattr(manager, "_syncs_in_progress", None)
        if in_progress is None:
            in_progress = manager._syncs_in_progress = set()
        if uuid not in in_progress:  # else: 'Sync already in progress' (debug)
            in_progress.add(uuid)
            work = _sync_when_unlocked(manager, uuid, row.task_state)
            manager.spawn_task(work, "_sync_power_states")
    if any(_out_of_step(manager, r) for r in manager.db.instances_on_host(manager.host)):
        watch(manager, ran=True)


def _query_driver_power_state_and_sync(manager: Any, uuid: str, listed_task: Any) -> None:
    """One server's sync: skipped if the run's list showed it a task, else read again and
    aligned with its guest."""
    if listed_task is not None:
        _log(manager, uuid, "info", _pending(listed_task))
        return
    try:
        instance = manager.db.instance_get(uuid, manager.actor)
    except exception.InstanceNotFound:
        return
    sync_instance_power_state(manager, instance, _guest_state(manager, uuid))


def _sync_when_unlocked(manager: Any, uuid: str, listed_task: Any) -> Generator:
    """``query_driver_power_state_and_sync`` holds the server's lock (every release): a
    server one of its tasks holds is synced, in a green thread of its own, once that task
    ends, by what the run's list showed and what the guest is then."""
    try:
        yield from instance_lock.acquire(manager, uuid)
        try:
            _query_driver_power_state_and_sync(manager, uuid, listed_task)
        finally:
            instance_lock.release(manager, uuid)
    finally:
        in_progress = manager._syncs_in_progress
        in_progress.discard(uuid)
        if not in_progress:
            del manager._syncs_in_progress


def _pending(task_state: str) -> str:
    return f"During sync_power_state the instance has a pending task ({task_state}). Skip."


def _log(manager: Any, uuid: str, level: str, message: str) -> None:
    manager._log(uuid, level, message)


def sync_instance_power_state(manager: Any, instance: Any, vm_power_state: int) -> None:
    """``_sync_instance_power_state``: `instance` (just read) aligned with `vm_power_state`."""
    uuid = instance.uuid
    if instance.host != manager.host:
        _log(
            manager,
            uuid,
            "info",
            "During the sync_power process the instance has moved from host "
            f"{instance.host} to host {manager.host}",
        )
        return
    if instance.task_state is not None:
        _log(manager, uuid, "info", _pending(instance.task_state))
        return
    orig_db_power_state = instance.power_state
    if vm_power_state != orig_db_power_state:
        _log(
            manager,
            uuid,
            "info",
            f"During _sync_instance_power_state the DB power_state ({orig_db_power_state}) "
            f"does not match the vm_power_state from the hypervisor ({vm_power_state}). "
            "Updating power_state in the DB to match the hypervisor.",
        )
        instance.power_state = vm_power_state
        instance.save()
    vm_state = instance.vm_state
    if vm_state in _IGNORED:
        return
    api = manager.nova.compute_api
    if vm_state == states.ACTIVE:
        if vm_power_state in _OFF:
            _stop(
                manager,
                instance,
                "Instance shutdown by itself. Calling the stop API. Current vm_state: "
                f"{vm_state}, current task_state: None, original DB power_state: "
                f"{orig_db_power_state}, current VM power_state: {vm_power_state}",
                api.stop,
            )
        elif vm_power_state == states.POWER_SUSPENDED:
            _stop(
                manager,
                instance,
                "Instance is suspended unexpectedly. Calling the stop API.",
                api.stop,
            )
        elif vm_power_state == states.POWER_PAUSED:
            _log(manager, uuid, "warning", "Instance is paused unexpectedly. Ignore.")
        elif vm_power_state == states.NOSTATE:
            _log(manager, uuid, "warning", "Instance is unexpectedly not found. Ignore.")
    elif vm_state == states.STOPPED:
        if vm_power_state not in (states.NOSTATE, *_OFF):
            _stop(
                manager,
                instance,
                "Instance is not stopped. Calling the stop API. Current vm_state: "
                f"{vm_state}, current task_state: None, original DB power_state: "
                f"{orig_db_power_state}, current VM power_state: {vm_power_state}",
                lambda context, inst: force_stop(api, context, inst),
            )
    elif vm_state == states.PAUSED:
        if vm_power_state in _OFF:
            _stop(
                manager,
                instance,
                "Paused instance shutdown by itself. Calling the stop API.",
                lambda context, inst: force_stop(api, context, inst),
            )
    elif _acts_on(vm_state, vm_power_state):
        _log(manager, uuid, "warning", "Instance is not (soft-)deleted.")


def _admin_context(manager: Any) -> RequestContext:
    """``context.get_admin_context()`` of the periodic run or the event handler: no user, no
    project, a request id of its own (drawn only when the sync stops a server, so a cloud
    whose syncs find nothing to stop keeps its ids)."""
    kernel = manager.kernel
    return admin_context(kernel.ids.request_id())


def _stop(manager: Any, instance: Any, warning: str, stop: Any) -> None:
    _log(manager, instance.uuid, "warning", warning)
    try:
        stop(_admin_context(manager), instance)
    except Exception:  # noqa: BLE001 - Nova logs it; the next run tries again
        _log(manager, instance.uuid, "error", "error during stop() in sync_power_state.")


def force_stop(api: Any, context: Any, instance: Any) -> None:
    """``API.force_stop`` (what ``stop`` calls after its vm_state check): no vm_state check,
    task ``powering-off`` (compare-and-swap on no task), action ``stop``, the cast."""
    if instance.locked and not context.is_admin:
        raise exception.InstanceIsLocked(instance_uuid=instance.uuid)
    instance.progress = 0
    instance.task_state = states.POWERING_OFF
    instance.save(expected_task_state=[None])
    api._record_action_start(context, instance, "stop")
    api.compute_rpcapi.stop_instance(context, instance)


# -- libvirt's lifecycle events ----------------------------------------------------------------


@dataclasses.dataclass(eq=False)
class _StoppedEvent:
    """libvirt's STOPPED event for a guest, delivered after `LIFECYCLE_DELAY_S`."""

    manager: Any
    uuid: str
    sent: float

    def __call__(self) -> None:
        manager = self.manager
        if (manager.lifecycle_pending or {}).get(self.uuid) != self.sent:
            return
        del manager.lifecycle_pending[self.uuid]
        # A guest no longer SHUTDOWN sent another event meanwhile, which cancelled this one.
        if _guest_state(manager, self.uuid) == states.SHUTDOWN and manager.kernel.rpc.is_up(
            manager.target
        ):
            handle_lifecycle_event(manager, self.uuid, states.SHUTDOWN, "Stopped")


def guest_stopped(manager: Any, uuid: str, crashed: bool = False) -> None:
    """The guest of server `uuid` on `manager`'s host stops on its own (shut down from
    inside, or crashed and destroyed by libvirt's ``on_crash``): SHUTDOWN; its STOPPED event
    queued 15 s (`LIFECYCLE_DELAY_S`) and the host's periodic sync watching. Its OS is down,
    so filesystems a quiesce froze are frozen no more (the qemu process is gone; a boot starts
    thawed), as for any other power-off."""
    dom = manager.driver.domains.get(uuid)
    if dom is None:
        raise exception.InstanceNotFound(instance_id=uuid)
    manager.driver._set_power(dom, states.SHUTDOWN)
    guest_restarted(manager.kernel, dom, manager.host)
    if manager.config.handle_virt_lifecycle_events and manager.kernel.rpc.is_up(manager.target):
        now = manager.kernel.now
        if manager.lifecycle_pending is None:
            manager.lifecycle_pending = {}
        manager.lifecycle_pending[uuid] = now
        manager.kernel.at(now + LIFECYCLE_DELAY_S, _StoppedEvent(manager, uuid, now))
    watch(manager)


def handle_lifecycle_event(manager: Any, uuid: str, vm_power_state: int, name: str) -> None:
    """``handle_lifecycle_event``: logged ('VM Stopped (Lifecycle Event)'); the server synced
    when its guest is still in the event's state (a stale event is ignored)."""
    _log(manager, uuid, "info", f"VM {name} (Lifecycle Event)")
    try:
        instance = manager.db.instance_get(uuid, manager.actor)
    except exception.InstanceNotFound:
        return  # handle_events: 'Event ... arrived for non-existent instance' (debug)
    if _guest_state(manager, uuid) == vm_power_state:
        sync_instance_power_state(manager, instance, vm_power_state)
