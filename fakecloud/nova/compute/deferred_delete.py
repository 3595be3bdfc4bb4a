"""Deferred delete: a server soft-deleted, restored, or reclaimed by its host (nova 17.0.13,
20.6.0, 23.2.2, 27.5.1, 29.2.0, 34.0.0: ``compute/api.py`` ``soft_delete``/``restore``,
``compute/manager.py`` ``soft_delete_instance``, ``restore_instance``,
``_reclaim_queued_deletes``; the same in each but where noted).

While ``[DEFAULT] reclaim_instance_interval`` (config ``nova.reclaim_instance_interval_s``) is
not 0, a ``DELETE`` is `API.soft_delete` (a server never launched is deleted at once):
task_state ``soft-deleting`` and ``deleted_at`` set by the API, an instance action ``delete``,
then the host's `soft_delete_instance` powers the guest off with no clean shutdown (libvirt has
no ``soft_delete``: ``power_off(timeout=0)``) and ends it in vm_state ``soft-delete``
(``SOFT_DELETED``). The server keeps its host, volumes and ports; it no longer counts against
the project's quota, leaves the default server list and stays shown. ``restore`` (`restore`,
then `restore_instance`) checks the quota again and powers it on (``restoring`` → ``active``).

Every 60 s (a periodic task of no spacing of its own: oslo.service's default) each host's
`reclaim_tick` deletes its soft-deleted servers with no task whose ``deleted_at`` is more than
the interval ago, newest first (``get_by_filters``' ``created_at desc``), as a terminate does
(`ComputeManager._delete_instance`: no instance action, no event); a failure is only logged.
The ticks stand on the clock (not processes: a cloud waiting for them is idle and saves) from
a host's first soft delete until it has no soft-deleted server left; they pass while its
nova-compute is down. A negative interval soft-deletes and never reclaims.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Generator
from typing import Any

from fakecloud.nova import quota, states
from fakecloud.nova.compute import utils as compute_utils
from fakecloud.nova.context import admin_context
from fakecloud.nova.limit import placement as placement_limit
from fakecloud.nova.limit import utils as limit_utils

#: ``_reclaim_queued_deletes``' period: ``periodic_task.periodic_task`` with no spacing runs
#: at oslo.service's ``DEFAULT_INTERVAL`` (ticks at whole minutes of the cloud's clock).
PERIODIC_INTERVAL_S = 60

#: The first Nova whose soft delete sends its versioned end notification from
#: ``notify_about_instance_delete``'s ``finally`` (e83dbe1205, 19.0.0): after the legacy one,
#: even on a failure; before, after the save only, ahead of the legacy end.
VERSIONED_END_IN_FINALLY_SINCE = 19

#: ``context.get_admin_context()`` of a periodic task.
_PERIODIC_CONTEXT = admin_context(user_id="")


def restore(api: Any, context: Any, instance: Any) -> None:
    """``API.restore`` after its gates (lock, vm_state ``soft-delete``): the quota checked
    for one more server of the project (403 ``TooManyInstances``), the ``restore`` action,
    task_state ``restoring`` and ``deleted_at`` cleared (compare-and-swap on no task), the
    cast; a server with no host is ``active`` at once; its mapping no longer queued for
    deletion, so it counts as a server again at once."""
    _project_id, user_id = quota.ids_from_instance(context, instance)
    api.check_num_instances_quota(context, instance.flavor, 1, 1, instance.project_id, user_id)
    nova = api.nova
    if limit_utils.use_unified_limits(nova):
        bdms = nova.db.bdms_by_instance(instance.uuid)
        is_bfv = compute_utils.is_volume_backed_instance(instance, bdms)
        # the server's own soft-deleted allocation counts too: Placement still holds it
        placement_limit.enforce_num_instances_and_flavor(
            nova, instance.project_id, instance.flavor, is_bfv, 1, 1
        )
    api._record_action_start(context, instance, "restore")
    if instance.host:
        instance.task_state = states.RESTORING
        instance.deleted_at = None
        instance.save(expected_task_state=[None])
        api.compute_rpcapi.restore_instance(context, instance)
    else:
        instance.vm_state = states.ACTIVE
        instance.task_state = None
        instance.deleted_at = None
        instance.save(expected_task_state=[None])
    nova.db.update_queued_for_deletion(instance.uuid, False)


def soft_delete_instance(manager: Any, context: Any, instance: Any) -> Generator[Any, Any, None]:
    """``soft_delete_instance`` on the host: the guest powered off, vm_state ``soft-delete``
    (expected ``soft-deleting``), then the host's reclaim ticks scheduled. Notified as
    ``soft_delete`` (legacy and versioned, ``nova-compute``); a failure records a fault and
    clears the task (``reverts_task_state``), the server left as it was."""
    instance = manager._receive(instance)
    event = manager._event(context, instance, "compute_soft_delete_instance")
    notifier, host = manager.notifier, manager.host
    in_finally = manager.switches.series.nova >= VERSIONED_END_IN_FINALLY_SINCE
    notifier.instance_usage(host, instance, "soft_delete.start")
    notifier.instance_action(host, "nova-compute", instance, "soft_delete.start")
    try:
        yield from manager.driver.power_off_now(instance)
        instance.power_state = manager._power_state_of(instance)
        instance.vm_state = states.SOFT_DELETED
        instance.task_state = None
        instance.save(expected_task_state=[states.SOFT_DELETING])
        if not in_finally:
            notifier.instance_action(host, "nova-compute", instance, "soft_delete.end")
    except Exception as exc:  # noqa: BLE001 - reverts_task_state + wrap_instance_fault
        _soft_delete_ended(notifier, host, instance, in_finally)
        manager._action_failed(instance, event, exc, "soft_delete_instance")
        return
    _soft_delete_ended(notifier, host, instance, in_finally)
    event.finish()
    queue_reclaim(manager)


def _soft_delete_ended(notifier: Any, host: str, instance: Any, versioned: bool) -> None:
    """``notify_about_instance_delete``'s ``finally``: the legacy end, then (19.0.0+) the
    versioned one."""
    notifier.instance_usage(host, instance, "soft_delete.end")
    if versioned:
        notifier.instance_action(host, "nova-compute", instance, "soft_delete.end")


def restore_instance(manager: Any, context: Any, instance: Any) -> Generator[Any, Any, None]:
    """``restore_instance`` on the host: the guest powered on (libvirt has no ``restore``:
    ``_power_on``), ``restoring`` → ``active``; notified as ``restore``."""
    instance = manager._receive(instance)
    event = manager._event(context, instance, "compute_restore_instance")
    notifier, host = manager.notifier, manager.host
    try:
        notifier.instance_usage(host, instance, "restore.start")
        notifier.instance_action(host, "nova-compute", instance, "restore.start")
        yield from manager.driver.power_on(instance, manager._disconnect(context, instance.uuid))
        instance.power_state = manager._power_state_of(instance)
        instance.vm_state = states.ACTIVE
        instance.task_state = None
        instance.save(expected_task_state=states.RESTORING)
        notifier.instance_usage(host, instance, "restore.end")
        notifier.instance_action(host, "nova-compute", instance, "restore.end")
    except Exception as exc:  # noqa: BLE001 - reverts_task_state + wrap_instance_fault
        manager._action_failed(instance, event, exc, "restore_instance")
        return
    event.finish()


# -- the periodic reclaim ----------------------------------------------------------------------


@dataclasses.dataclass(eq=False)
class _ReclaimTick:
    """A host's ``_reclaim_queued_deletes`` run, scheduled on the clock (a record rather than
    a closure, so that a saved cloud keeps it)."""

    manager: Any

    def __call__(self) -> None:
        reclaim_tick(self.manager)


def queue_reclaim(manager: Any) -> None:
    """A server was soft-deleted on `manager`'s host: its reclaim ticks are scheduled, from
    the next whole minute, unless they already are or the interval is not above 0."""
    if manager.config.reclaim_instance_interval_s <= 0 or manager.reclaim_due is not None:
        return
    kernel = manager.kernel
    manager.reclaim_due = (kernel.now // PERIODIC_INTERVAL_S + 1) * PERIODIC_INTERVAL_S
    kernel.at(manager.reclaim_due, _ReclaimTick(manager))


def reclaim_tick(manager: Any) -> None:
    """One ``_reclaim_queued_deletes`` on `manager`'s host: the next tick scheduled while a
    soft-deleted server remains here; unless nova-compute is down, the servers due (no task,
    ``deleted_at`` more than the interval ago: ``_deleted_old_enough``) deleted in a task."""
    kernel = manager.kernel
    soft = [
        row
        for row in manager.db.instances_on_host(manager.host)
        if row.vm_state == states.SOFT_DELETED
    ]
    if not soft:
        manager.reclaim_due = None
        return
    manager.reclaim_due = kernel.now + PERIODIC_INTERVAL_S
    kernel.at(manager.reclaim_due, _ReclaimTick(manager))
    if not kernel.rpc.is_up(manager.target) or manager.reclaiming:
        return
    interval = manager.config.reclaim_instance_interval_s
    due = [
        manager.db.instance_get(row.uuid, manager.actor)
        for row in reversed(soft)
        if row.task_state is None
        and (row.deleted_at is None or kernel.now - row.deleted_at > interval)
    ]
    if due:
        manager.reclaiming = True
        manager.spawn_task(_reclaim(manager, due), "_reclaim_queued_deletes")


def _reclaim(manager: Any, instances: list[Any]) -> Generator[Any, Any, None]:
    """Delete each of `instances` (copies loaded at the tick) in turn; a failure is logged
    ('Periodic reclaim failed to delete instance: ...') and the next goes on."""
    try:
        for instance in instances:
            manager._log(instance.uuid, "info", "Reclaiming deleted instance")
            bdms = manager.db.bdms_by_instance(instance.uuid)
            try:
                yield from manager._delete_instance(_PERIODIC_CONTEXT, instance, bdms)
            except Exception as exc:  # noqa: BLE001 - logged, the periodic task goes on
                manager._log(
                    instance.uuid, "warning", f"Periodic reclaim failed to delete instance: {exc}"
                )
    finally:
        manager.reclaiming = False
