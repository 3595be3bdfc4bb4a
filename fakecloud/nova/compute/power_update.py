"""The ``power-update`` external event (2.76, Nova 20.0.0-34.0.0; ``nova/compute/api.py``
``external_instance_event`` and ``ComputeManager.power_update``): a service that powered a
server on or off behind Nova's back (ironic) tells it so.

- The compute API records a ``start`` (tag ``POWER_ON``) or ``stop`` (``POWER_OFF``) action;
  any other tag is logged as invalid and the event skipped (the answer still says
  ``completed``).
- The host (``power_update``: ``wrap_exception``, ``reverts_task_state``, event
  ``compute_power_update``, ``wrap_instance_fault``) takes the server's lock, and acts only
  if the server, as the message carries it, has no task and is stopped and shut down (on) or
  active and running (off); otherwise it logs a no-op. It sets ``powering-on``/``-off``
  (expecting no task: a task that came first preempts it, only logged), notifies the start,
  and asks the driver, which for libvirt raises ``NotImplementedError``: a fault, the event's
  error, the task state reverted, and ``wrap_exception``'s notifications (``power_update``,
  then ``external_instance_event``'s, whose loop ends there).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.nova import exception, states
from fakecloud.nova.compute import instance_lock
from fakecloud.nova.compute import utils as compute_utils
from fakecloud.nova.virt.diagnostics import STATE_MAP

#: ``external_event.POWER_ON`` / ``POWER_OFF``, and the instance action each records.
ACTIONS = {"POWER_ON": "start", "POWER_OFF": "stop"}


def action(nova: Any, context: Any, event: dict[str, Any]) -> bool:
    """The compute API's part: record the event's action; False (logged) for a tag that is
    no power state, whose event goes nowhere."""
    name = ACTIONS.get(event["tag"])
    if name is None:
        nova.kernel.trace.emit(
            "log",
            "nova-api",
            event["instance_uuid"],
            level="warning",
            message=f"Invalid power state {event['tag']}. Cannot process the event "
            f"{_repr(event)}. Skipping it.",
        )
        return False
    nova.db.action_start(context, event["instance_uuid"], name)
    return True


def _repr(event: dict[str, Any]) -> str:
    """``InstanceExternalEvent``'s repr in a log line (oslo.versionedobjects: fields sorted,
    strings quoted, the unset ``data`` ``<?>``)."""
    return (
        f"InstanceExternalEvent(data=<?>,instance_uuid={event['instance_uuid']},"
        f"name='{event['name']}',status='{event['status']}',tag='{event['tag']}')"
    )


def _valid(instance: Any, target: str) -> bool:
    """``_is_state_valid_for_power_update_event``."""
    if instance.task_state is not None:
        return False
    if target == "POWER_ON":
        return instance.vm_state == states.STOPPED and instance.power_state == states.SHUTDOWN
    return instance.vm_state == states.ACTIVE and instance.power_state == states.RUNNING


def power_update(
    manager: Any, context: Any, instance: Any, target: str
) -> Generator[Any, Any, None]:
    """``ComputeManager.power_update`` on `manager`'s host; raises what the driver raised
    (after the fault, the event's error and the reverted task state)."""
    instance = manager._receive(instance)
    event = manager._event(context, instance, "compute_power_update")
    uuid = instance.uuid
    yield from instance_lock.acquire(manager, uuid)
    try:
        _do_power_update(manager, instance, target)
    except Exception as exc:
        manager.db.fault_create(uuid, exc, manager.host, compute_utils.format_traceback(exc))
        event.finish(exc)
        instance.task_state = None
        try:
            instance.save()
        except exception.InstanceNotFound:
            pass
        manager.notifier.exception(
            manager.host, "power_update", exc, instance=uuid, target_power_state=target
        )
        raise
    finally:
        instance_lock.release(manager, uuid)
    event.finish()


def _do_power_update(manager: Any, instance: Any, target: str) -> None:
    """``do_power_update``, under the lock."""
    if not _valid(instance, target):
        manager._log(
            instance.uuid,
            "info",
            f"The power-update {target} event for instance {instance.uuid} is a no-op since "
            f"the instance is in vm_state {instance.vm_state}, task_state "
            f"{instance.task_state} and power_state {STATE_MAP[instance.power_state]}.",
        )
        return
    on = target == "POWER_ON"
    notify = "power_on" if on else "power_off"
    instance.task_state = states.POWERING_ON if on else states.POWERING_OFF
    if not on:
        instance.progress = 0
    try:
        instance.save(expected_task_state=[None])
    except exception.UnexpectedTaskStateError as exc:
        manager._log(
            instance.uuid,
            "info",
            f"The power-update event was possibly preempted: {exc.format_message()} ",
        )
        return
    manager.notifier.instance_usage(manager.host, instance, f"{notify}.start")
    manager.notifier.instance_power(manager.host, instance, f"{notify}.start")
    manager.driver.power_update_event(instance, target)
    manager.notifier.instance_usage(manager.host, instance, f"{notify}.end")
    manager.notifier.instance_power(manager.host, instance, f"{notify}.end")
