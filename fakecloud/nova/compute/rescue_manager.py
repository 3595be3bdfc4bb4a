"""A rescue and an unrescue on the server's host (``ComputeManager.rescue_instance``,
``unrescue_instance``, ``_get_rescue_image``: the same steps in nova 17.0.13, 20.6.0, 21.2.4,
23.2.2, 27.5.1, 29.2.0 and 34.0.0).

Rescue (task_state ``rescuing``, event ``compute_rescue_instance``): the rescue image is read
from Glance — the one asked for, else the server's base image (``image_base_image_ref``), else
its image; a missing one ends the rescue there (a fault, the task state cleared, the server as
it was). Then ``compute.instance.rescue.start`` (with ``rescue_image_name``) and versioned
``instance.rescue.start`` (with ``rescue_image_ref``); the guest is powered off (a clean
shutdown) and the driver boots the rescue guest (`LibvirtDriver.rescue`). A failure there is
``InstanceNotRescuable`` "Driver Error: ..." with the server in ERROR. Done: vm_state
``rescued`` (status RESCUE), the driver's power state, ``launched_at`` now, ``rescue.end``.

Unrescue (``unrescuing``, ``compute_unrescue_instance``): ``unrescue.start``, the driver boots
the server's own guest again (`LibvirtDriver.unrescue`; an error puts the server in ERROR),
then active and ``unrescue.end``.

A nova-compute restart leaves a ``rescuing`` or ``unrescuing`` server as it is:
``_init_instance`` has no branch for them (17.0.13-34.0.0), so the task state stays until an
admin resets it. Usage ``exists`` notifications (``notify_usage_exists``) are not sent.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.nova import exception, states
from fakecloud.nova.compute import utils as compute_utils


def rescue_instance(
    manager: Any,
    context: Any,
    instance: Any,
    rescue_password: str | None,
    rescue_image_ref: str | None,
    clean_shutdown: bool,
) -> Generator[Any, Any, None]:
    """``rescue_instance`` (see the module doc)."""
    instance = manager._receive(instance)
    event = manager._event(context, instance, "compute_rescue_instance")
    manager._log(instance.uuid, "info", "Rescuing")
    try:
        image = yield from _get_rescue_image(manager, context, instance, rescue_image_ref)
        notifier, host = manager.notifier, manager.host
        image_name = image.get("name") or ""
        notifier.instance_usage(host, instance, "rescue.start", rescue_image_name=image_name)
        notifier.instance_action(
            host, "nova-compute", instance, "rescue.start", rescue_image_ref=rescue_image_ref
        )
        bdms = manager.db.bdms_by_instance(instance.uuid)
        volume_backed = compute_utils.is_volume_backed_instance(instance, bdms)
        try:
            yield from manager.driver.power_off_for_rescue(instance, clean_shutdown)
            yield from manager.driver.rescue(instance, image, volume_backed)
        except Exception as error:  # noqa: BLE001 - Nova catches every driver error here
            manager._log(instance.uuid, "error", "Error trying to Rescue Instance")
            instance.vm_state = states.ERROR  # _set_instance_obj_error_state, task kept
            try:
                instance.save()
            except exception.InstanceNotFound:
                pass
            raise exception.InstanceNotRescuable(
                instance_id=instance.uuid, reason=f"Driver Error: {_message(error)}"
            ) from error
        notifier.usage_exists(host, instance)
        instance.vm_state = states.RESCUED
        instance.task_state = None
        instance.power_state = manager._power_state_of(instance)
        instance.launched_at = manager.kernel.now
        instance.save(expected_task_state=states.RESCUING)
        notifier.instance_usage(host, instance, "rescue.end", rescue_image_name=image_name)
        notifier.instance_action(
            host, "nova-compute", instance, "rescue.end", rescue_image_ref=rescue_image_ref
        )
    except Exception as exc:  # noqa: BLE001 - reverts_task_state, wrap_instance_fault, ...
        _failed(manager, instance, event, "rescue_instance", exc)
        return
    event.finish()


def unrescue_instance(manager: Any, context: Any, instance: Any) -> Generator[Any, Any, None]:
    """``unrescue_instance`` (see the module doc)."""
    instance = manager._receive(instance)
    event = manager._event(context, instance, "compute_unrescue_instance")
    manager._log(instance.uuid, "info", "Unrescuing")
    notifier, host = manager.notifier, manager.host
    try:
        notifier.instance_usage(host, instance, "unrescue.start")
        notifier.instance_action(host, "nova-compute", instance, "unrescue.start")
        try:
            yield from manager.driver.unrescue(instance)
        except Exception:
            instance.vm_state = states.ERROR  # _error_out_instance_on_exception, task kept
            try:
                instance.save()
            except exception.InstanceNotFound:
                pass
            raise
        instance.vm_state = states.ACTIVE
        instance.task_state = None
        instance.power_state = manager._power_state_of(instance)
        instance.save(expected_task_state=states.UNRESCUING)
        notifier.instance_usage(host, instance, "unrescue.end")
        notifier.instance_action(host, "nova-compute", instance, "unrescue.end")
    except Exception as exc:  # noqa: BLE001 - reverts_task_state, wrap_instance_fault, ...
        _failed(manager, instance, event, "unrescue_instance", exc)
        return
    event.finish()


def _get_rescue_image(
    manager: Any, context: Any, instance: Any, rescue_image_ref: str | None
) -> Generator[Any, Any, dict[str, Any]]:
    """``_get_rescue_image``: the image asked for, else the server's base image, else its
    image (a warning), read from Glance (`ImageNotFound` when it has none)."""
    if not rescue_image_ref:
        rescue_image_ref = instance.system_metadata.get("image_base_image_ref")
    if not rescue_image_ref:
        manager._log(
            instance.uuid,
            "warning",
            "Unable to find a different image to use for rescue VM, using instance's current image",
        )
        rescue_image_ref = instance.image_ref
    if not rescue_image_ref:
        raise exception.ImageNotFound(image_id=rescue_image_ref)
    return (yield from manager.image_api.get(context, rescue_image_ref))


def _failed(manager: Any, instance: Any, event: Any, function: str, exc: Exception) -> None:
    """The decorators of both methods, inner to outer: ``wrap_instance_fault`` records a fault
    (unless the server is gone), ``wrap_instance_event`` ends the event in Error,
    ``reverts_task_state`` clears the task state (not after another task took it), and
    ``wrap_exception`` notifies: the compute manager's `_failed` with the event's finish
    between the fault and the revert."""
    manager._failed(function, None, instance, exc, after_fault=lambda: event.finish(exc))


def _message(error: BaseException) -> str:
    return error.format_message() if hasattr(error, "format_message") else str(error)
