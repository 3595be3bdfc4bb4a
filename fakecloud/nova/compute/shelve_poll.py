"""The periodic offload of shelved servers (nova 17.0.13-34.0.0 ``compute/manager.py``
``_poll_shelved_instances``; the same in each but for 23.0.0's accelerator requests).

While ``[DEFAULT] shelved_offload_time`` (config ``nova.shelved_offload_time_s``) is above 0, a
shelved server stays on its host until a run of the periodic task (spacing ``[DEFAULT]
shelved_poll_interval``, default 3600 s: ticks at whole hours of the cloud's clock here) finds
it shelved with no task and ``shelved_at`` more than that long ago: task_state
``shelving_offloading`` (compare-and-swap on no task), then ``shelve_offload_instance`` inline
(no clean shutdown). The run's context is ``get_admin_context()`` (oslo.service's
``run_periodic_tasks`` makes one per run: no user, no project, a request id of its own, shared
by every server a run offloads); with no project the offload's event falls on the server's last
action (``action_event_start``'s fallback: the shelve's), whose ``updated_at`` stays. A failure
is only logged ('Periodic task failed to offload instance.'). 0 offloads at the shelve itself,
-1 never.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from fakecloud.nova import states
from fakecloud.nova.context import admin_context

#: ``[DEFAULT] shelved_poll_interval``'s default (not configurable here).
POLL_INTERVAL_S = 3600


@dataclasses.dataclass(eq=False)
class _PollTick:
    """A host's ``_poll_shelved_instances`` run, scheduled on the clock (a record rather than a
    closure, so that a saved cloud keeps it)."""

    manager: Any

    def __call__(self) -> None:
        poll_tick(self.manager)


def queue_poll(manager: Any) -> None:
    """A server was shelved (not offloaded) on `manager`'s host: the poll's ticks are scheduled
    from the next whole interval, unless they already are or the offload time is not above 0."""
    if manager.config.shelved_offload_time_s <= 0 or manager.shelved_poll_due is not None:
        return
    kernel = manager.kernel
    manager.shelved_poll_due = (kernel.now // POLL_INTERVAL_S + 1) * POLL_INTERVAL_S
    kernel.at(manager.shelved_poll_due, _PollTick(manager))


def _shelved_s(manager: Any, row: Any) -> float:
    """``shelved_at`` as a virtual second."""
    at = datetime.datetime.fromisoformat(row.system_metadata["shelved_at"])
    return manager.kernel.clock.virtual_time(at)


def poll_tick(manager: Any) -> None:
    """One ``_poll_shelved_instances``: the next tick while a shelved server remains here;
    unless nova-compute is down, each one due offloaded in a task of its own."""
    kernel = manager.kernel
    shelved = [
        row
        for row in manager.db.instances_on_host(manager.host)
        if row.vm_state == states.SHELVED and "shelved_at" in row.system_metadata
    ]
    if not shelved:
        manager.shelved_poll_due = None
        return
    manager.shelved_poll_due = kernel.now + POLL_INTERVAL_S
    kernel.at(manager.shelved_poll_due, _PollTick(manager))
    if not kernel.rpc.is_up(manager.target):
        return
    offload_time = manager.config.shelved_offload_time_s
    context = None
    for row in shelved:
        if row.task_state is not None or kernel.now - _shelved_s(manager, row) <= offload_time:
            continue
        instance = manager.db.instance_get(row.uuid, manager.actor)
        if context is None:  # drawn only when a run offloads, so other runs keep the ids
            context = admin_context(kernel.ids.request_id())
        try:
            instance.task_state = states.SHELVING_OFFLOADING
            instance.save(expected_task_state=[None])
        except Exception as exc:  # noqa: BLE001 - logged, the periodic task goes on
            manager._log(row.uuid, "error", f"Periodic task failed to offload instance. {exc}")
            continue
        manager.spawn_task(
            manager._shelve_offload_rpc(context, instance, clean_shutdown=False),
            "_poll_shelved_instances",
        )
