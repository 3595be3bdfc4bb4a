"""The guest-facing server actions on the server's host: ``changePassword``
(``ComputeManager.set_admin_password``), ``trigger_crash_dump`` and ``os-getConsoleOutput``
(``get_console_output``), as nova 17.0.13, 21.2.4, 27.5.1 and 34.0.0 have them.

changePassword (RPC call; the API waits): task state ``updating_password`` (status
``PASSWORD``) from the compute API's claim, event ``compute_set_admin_password``. A guest not
running ends it at once: `InstancePasswordSetFailed` "... because instance <id> is not
running". Otherwise the driver sets the password through the guest agent
(`LibvirtDriver.set_admin_password`): an image without ``hw_qemu_guest_agent``
(`QemuGuestAgentNotEnabled`) or an unsupported virt type (`SetAdminPasswdNotSupported`) is
re-raised (409 at the API), an unresponsive agent is `NotImplementedError` (501 "Unable to set
password on instance"), any other libvirt error `InstancePasswordSetFailed` "error setting
admin password" (409). Each way the task state goes back to None; no notification but the
error one (``wrap_exception``).

trigger_crash_dump (RPC cast, 2.17): event ``compute_trigger_crash_dump``, legacy
``compute.instance.trigger_crash_dump.start``/``.end`` and versioned
``instance.trigger_crash_dump.start``/``.end`` around the driver's NMI (a ``guest.nmi`` trace
event); no task state, no power state change (what the guest does with an NMI is its own
configuration). A guest that is not running is `InstanceNotRunning`: the event's error and a
fault, the server as it was.

os-getConsoleOutput (RPC call): the driver's console log, its last ``length`` lines
(``_tail_log``: 0 is empty, -1 drops the first line, as Nova's slice does).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.nova import exception, states
from fakecloud.nova.compute import utils as compute_utils

#: The instance actions (``nova/compute/instance_actions.py``).
CHANGE_PASSWORD = "changePassword"
TRIGGER_CRASH_DUMP = "trigger_crash_dump"
#: ``vm_states.ALLOW_TRIGGER_CRASH_DUMP`` (17.0.13-34.0.0).
ALLOW_TRIGGER_CRASH_DUMP = (
    states.ACTIVE,
    states.PAUSED,
    states.RESCUED,
    states.RESIZED,
    states.ERROR,
)


def set_admin_password(
    manager: Any, context: Any, instance: Any, new_pass: str
) -> Generator[Any, Any, None]:
    """``ComputeManager.set_admin_password`` (see the module doc)."""
    instance = manager._receive(instance)
    event = manager._event(context, instance, "compute_set_admin_password")
    try:
        yield from _set_admin_password(manager, instance, new_pass)
    except Exception as exc:
        _failed(manager, instance, event, exc)
        raise
    event.finish()


def _failed(manager: Any, instance: Any, event: Any, exc: Exception) -> None:
    """``wrap_instance_fault``, ``wrap_instance_event``, ``reverts_task_state``,
    ``wrap_exception`` (the manager's `_failed`, the event's finish after the fault)."""
    manager._failed(
        "set_admin_password", None, instance, exc, after_fault=lambda: event.finish(exc)
    )


def _set_admin_password(manager: Any, instance: Any, new_pass: str) -> Generator[Any, Any, None]:
    uuid = instance.uuid
    if manager._power_state_of(instance) != states.RUNNING:
        _clear_task(instance)
        raise exception.InstancePasswordSetFailed(
            instance=uuid, reason=f"instance {uuid} is not running"
        )
    try:
        yield from manager.driver.set_admin_password(instance, new_pass)
    except (exception.InstanceAgentNotEnabled, exception.SetAdminPasswdNotSupported) as exc:
        level = "debug" if isinstance(exc, exception.InstanceAgentNotEnabled) else "info"
        manager._log(uuid, level, _REFUSED[level])
        _clear_task(instance)
        raise
    except NotImplementedError:
        manager._log(
            uuid,
            "warning",
            "set_admin_password is not implemented by this driver or guest instance.",
        )
        _clear_task(instance)
        raise NotImplementedError(
            "set_admin_password is not implemented by this driver or guest instance."
        ) from None
    except exception.UnexpectedTaskStateError:
        raise
    except Exception:  # noqa: BLE001 - Nova hides whatever it was (the password may be in it)
        manager._log(uuid, "error", "set_admin_password failed")
        raise exception.InstancePasswordSetFailed(
            instance=uuid, reason="error setting admin password"
        ) from None
    manager._log(uuid, "info", "Admin password set")
    _clear_task(instance)


_REFUSED = {
    "debug": "Guest agent is not enabled for the instance.",
    "info": "set_admin_password is not supported by this driver or guest instance.",
}


def _clear_task(instance: Any) -> None:
    instance.task_state = None
    instance.save(expected_task_state=states.UPDATING_PASSWORD)


def trigger_crash_dump(manager: Any, context: Any, instance: Any) -> None:
    """``ComputeManager.trigger_crash_dump`` (see the module doc)."""
    instance = manager._receive(instance)
    event = manager._event(context, instance, "compute_trigger_crash_dump")
    notifier, host = manager.notifier, manager.host
    try:
        notifier.instance_usage(host, instance, "trigger_crash_dump.start")
        notifier.instance_action(host, "nova-compute", instance, "trigger_crash_dump.start")
        manager.driver.trigger_crash_dump(instance)
        notifier.instance_usage(host, instance, "trigger_crash_dump.end")
        notifier.instance_action(host, "nova-compute", instance, "trigger_crash_dump.end")
    except Exception as exc:  # noqa: BLE001 - wrap_instance_fault, wrap_instance_event, ...
        _fault(manager, instance, exc)
        event.finish(exc)
        # wrap_exception; no reverts_task_state here (the method keeps the task state).
        manager.notifier.exception(host, "trigger_crash_dump", exc, instance=instance.uuid)
        return
    event.finish()


def get_console_output(manager: Any, context: Any, instance: Any, tail_length: Any) -> str:
    """``ComputeManager.get_console_output``: the driver's log, its tail (`tail_log`)."""
    manager._log(instance.uuid, "info", "Get console output")
    try:
        output = manager.driver.get_console_output(instance)
    except Exception as exc:  # wrap_exception (wrap_instance_fault skips InstanceNotFound)
        _fault(manager, instance, exc)
        manager.notifier.exception(manager.host, "get_console_output", exc, instance=instance.uuid)
        raise
    if tail_length is not None:
        output = tail_log(output, tail_length)
    return output


def tail_log(log: str, length: Any) -> str:
    """``ComputeManager._tail_log``: the last `length` lines (0, or not a number: none)."""
    try:
        length = int(length)
    except ValueError:
        length = 0
    if length == 0:
        return ""
    return "\n".join(log.split("\n")[-length:])


def _fault(manager: Any, instance: Any, exc: Exception) -> None:
    """``wrap_instance_fault``: the server's fault row (not for a server that is gone)."""
    if not isinstance(exc, exception.InstanceNotFound):
        manager.db.fault_create(
            instance.uuid, exc, manager.host, compute_utils.format_traceback(exc)
        )
