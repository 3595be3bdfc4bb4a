"""``createBackup`` on the compute host (``nova/compute/manager.py``): ``backup_instance``
runs ``_snapshot_instance`` inline in the RPC worker (no snapshot semaphore, no spawned task,
expected task_state ``image_backup``), then ``_rotate_backups``: the backups of this server
and ``backup_type`` are listed newest first and every one past ``rotation`` is deleted from
Glance (one that is already gone, or that Glance refuses to delete, is logged and skipped).

A failure inside the snapshot meets ``_do_snapshot_instance``'s ``delete_image_on_error`` (the
image is deleted) and ``backup_instance``'s own decorators (a fault, the
``compute_backup_instance`` event in Error, task_state back to none, an error notification);
rotation is not reached. From 33.0.0 ``_snapshot_instance`` carries the same decorators
itself (switch ``snapshot_inline_in_rpc_worker`` off), so the fault and the notification come
twice. ``_rotate_backups`` has its own ``wrap_instance_fault`` (17.0.7 to 34.0.0): a failed
listing of the backups records its fault before ``backup_instance``'s decorators record theirs.
The legacy error notifications carry every argument of the failed call (``wrap_exception``'s
``getcallargs``): ``backup_type`` and ``rotation``, ``_snapshot_instance``'s
``expected_task_state``.
"""

from __future__ import annotations

import functools
from collections.abc import Generator
from typing import Any

from fakecloud.nova import exception, states
from fakecloud.nova.compute import utils as compute_utils


def backup_instance(
    manager: Any, context: Any, image_id: str, instance: Any, backup_type: str, rotation: int
) -> Generator[Any, Any, None]:
    """``ComputeManager.backup_instance`` on `manager`'s host."""
    instance = manager._receive(instance)
    event = manager._event(context, instance, "compute_backup_instance")
    try:
        try:
            yield from manager._snapshot_instance_body(
                context, image_id, instance, states.IMAGE_BACKUP
            )
        except Exception as exc:  # noqa: BLE001
            if not manager.switches.snapshot_inline_in_rpc_worker:
                # 33.0.0+: _snapshot_instance's own decorators run first.
                yield from manager._snapshot_failed(
                    "_snapshot_instance",
                    context,
                    image_id,
                    instance,
                    exc,
                    more_args={"expected_task_state": states.IMAGE_BACKUP},
                )
            # _do_snapshot_instance: delete_image_on_error (already deleted from 33: logged).
            yield from compute_utils.delete_image(
                context, manager.image_api, image_id, manager.kernel, manager.actor, instance.uuid
            )
            raise
        try:
            yield from rotate_backups(manager, context, instance, backup_type, rotation)
        except Exception as exc:  # noqa: BLE001 - _rotate_backups' own wrap_instance_fault
            if not isinstance(exc, exception.InstanceNotFound):
                manager.db.fault_create(
                    instance.uuid, exc, manager.host, compute_utils.format_traceback(exc)
                )
            raise
    except Exception as exc:  # noqa: BLE001 - backup_instance's own decorators
        finish = functools.partial(event.finish, exc)
        manager._failed(
            "backup_instance",
            image_id,
            instance,
            exc,
            after_fault=finish,
            more_args={"backup_type": backup_type, "rotation": rotation},
        )
        return
    event.finish()


def rotate_backups(
    manager: Any, context: Any, instance: Any, backup_type: str, rotation: int
) -> Generator[Any, Any, None]:
    """``_rotate_backups``: delete the oldest backups of `backup_type` beyond `rotation`."""
    filters = {
        "property-image_type": "backup",
        "property-backup_type": backup_type,
        "property-instance_uuid": instance.uuid,
    }
    images = yield from manager.image_api.get_all(
        context, filters=filters, sort_key="created_at", sort_dir="desc"
    )
    manager._log(instance.uuid, "debug", f"Found {len(images)} images (rotation: {rotation})")
    excess = len(images) - rotation
    if excess <= 0:
        return
    manager._log(instance.uuid, "debug", f"Rotating out {excess} backups")
    for _ in range(excess):
        image_id = images.pop()["id"]
        manager._log(instance.uuid, "debug", f"Deleting image {image_id}")
        manager.kernel.trace.emit(
            "nova.rotate_backups",
            manager.actor,
            image_id,
            instance=instance.uuid,
            backup_type=backup_type,
            rotation=rotation,
        )
        try:
            yield from manager.image_api.delete(context, image_id)
        except exception.ImageNotFound:
            manager._log(instance.uuid, "info", f"Failed to find image {image_id} to delete")
        except Exception as exc:  # noqa: BLE001 - Nova logs and goes on with the next one
            manager._log(
                instance.uuid,
                "info",
                f"Failed to delete image {image_id} during deleting excess backups. "
                f"Continuing for next image.. {exc}",
            )
