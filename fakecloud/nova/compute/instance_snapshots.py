"""The compute host's side of the vendor's instance snapshots (`fakecloud.nova.instance_snapshots`).

The RPC endpoint methods of `fakecloud.nova.compute.manager.ComputeManager` that carry these
names delegate here, each run as a task of its host (a restart kills it):

* `snapshot_current` (call): the server's current snapshot, or None.
* `create_instance_snapshot` (cast): an image-backed server's disk snapshot, taken under the
  host's ``max_concurrent_snapshots`` semaphore by the driver — a copy of the guest's allocated
  disk on the host disk, so it takes ``disk bytes / disk throughput`` (shared with every other
  copy on that disk). ``creating`` → ``available``, or ``error`` (the current pointer back to
  the parent) when the copy fails or the guest vanishes.
* `upload_instance_snapshot` (cast): createImage of an ``available`` snapshot. task_state
  ``image_pending_upload`` (set by the API) → ``image_uploading`` → none; the driver sets the
  image's formats and uploads the snapshot's bytes with ``image_api.upload`` over this host's
  link to the Glance store. Failures follow the snapshot's decorators (the image deleted, a
  fault, task_state none, an error notification); a server deleted meanwhile ends it quietly,
  deleting the image only if it is not active yet. The instance-action event is
  ``compute_upload_instance_snapshot``.
* `revert_to_instance_snapshot` (call): the driver reverts a stopped guest's disk (image-backed
  only: fakecloud's Cinder keeps no volume contents to roll back), then the snapshot becomes
  current.
* `delete_instance_snapshot` (cast): the driver drops the disk snapshot, then it is
  ``deleted`` (or ``error_deleting``).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.nova import exception, states
from fakecloud.nova.compute import utils as compute_utils
from fakecloud.nova.context import elevated
from fakecloud.nova.instance_snapshots import (
    AVAILABLE,
    CREATING,
    DELETING,
    ERROR_DELETING,
    InstanceSnapshotInvalidState,
    InstanceSnapshotNotFound,
)


def snapshot_current(manager: Any, context: Any, instance: Any) -> dict[str, Any] | None:
    """The current snapshot of `instance` as a dict, or None."""
    snap = manager.nova.instance_snapshot_store.current_of(instance.uuid)
    return None if snap is None else snap.to_dict()


def create_instance_snapshot(
    manager: Any, context: Any, instance: Any, snapshot_id: str
) -> Generator[Any, Any, None]:
    """Take the disk snapshot `snapshot_id` of an image-backed server on this host."""
    store = manager.nova.instance_snapshot_store
    snap = store.get(snapshot_id)
    if snap is None or snap.status != CREATING:
        return
    instance = manager._receive(instance)
    try:
        with manager._snapshot_semaphore.request() as slot:
            yield slot
            size, virtual_size, disk_format = yield from manager.driver.create_instance_snapshot(
                instance, snapshot_id
            )
    except Exception as exc:  # noqa: BLE001 - any failure is the snapshot's error
        manager._log(instance.uuid, "error", f"Instance snapshot {snapshot_id} failed: {exc}")
        store.fail(snap, manager.actor)
        return
    snap.host = manager.host
    snap.size, snap.virtual_size, snap.disk_format = size, virtual_size, disk_format
    store.move(snap, AVAILABLE, manager.actor)


def upload_instance_snapshot(
    manager: Any, context: Any, instance: Any, snapshot_id: str, image_id: str
) -> Generator[Any, Any, None]:
    """Upload the data of snapshot `snapshot_id` into the queued image `image_id`."""
    instance = manager._receive(instance)
    snap = manager.nova.instance_snapshot_store.get(snapshot_id)
    event = compute_utils.EventReporter(
        manager.db, context, instance.uuid, "compute_upload_instance_snapshot", manager.host
    )
    try:
        try:
            instance.task_state = states.IMAGE_UPLOADING
            instance.save(expected_task_state=states.IMAGE_PENDING_UPLOAD)
        except (exception.InstanceNotFound, exception.UnexpectedDeletingTaskStateError):
            manager._log(instance.uuid, "debug", "Instance gone, snapshot upload cannot start")
            yield from compute_utils.delete_image(
                context, manager.image_api, image_id, manager.kernel, manager.actor
            )
            event.finish()
            return
        if snap is None:
            raise InstanceSnapshotNotFound(snapshot_id=snapshot_id)
        if snap.status != AVAILABLE:
            raise InstanceSnapshotInvalidState(
                action="createImage", snapshot_id=snapshot_id, status=snap.status
            )
        yield from _upload(manager, elevated(context), instance, snap, image_id)
    except Exception as exc:  # noqa: BLE001 - the snapshot decorators handle every error
        yield from manager._snapshot_failed(
            "upload_instance_snapshot", context, image_id, instance, exc
        )
        event.finish(exc)
        return
    finally:
        if snap is not None and snap.uploading_image_id == image_id:
            snap.uploading_image_id = None
    event.finish()


def _upload(
    manager: Any, context: Any, instance: Any, snap: Any, image_id: str
) -> Generator[Any, Any, None]:
    host = manager.host
    manager.notifier.instance_usage(host, instance, "snapshot.start")
    try:
        yield from manager.driver.upload_instance_snapshot(context, instance, snap, image_id)
        instance.task_state = None
        instance.save(expected_task_state=states.IMAGE_UPLOADING)
    except (exception.InstanceNotFound, exception.UnexpectedDeletingTaskStateError):
        manager._log(instance.uuid, "debug", "Instance disappeared during snapshot upload")
        try:
            image = yield from manager.image_api.get(context, image_id)
            if image["status"] != "active":
                yield from manager.image_api.delete(context, image_id)
        except exception.ImageNotFound:
            pass
        return
    snap.image_ids.append(image_id)
    manager.notifier.instance_usage(host, instance, "snapshot.end")


def revert_to_instance_snapshot(
    manager: Any, context: Any, instance: Any, snapshot_id: str
) -> Generator[Any, Any, None]:
    """Revert the stopped server to snapshot `snapshot_id`, which becomes current."""
    store = manager.nova.instance_snapshot_store
    snap = store.get(snapshot_id)
    if snap is None or snap.instance_uuid != instance.uuid:
        raise InstanceSnapshotNotFound(snapshot_id=snapshot_id)
    if snap.status != AVAILABLE:
        raise InstanceSnapshotInvalidState(
            action="revertSnapshot", snapshot_id=snapshot_id, status=snap.status
        )
    if not snap.volume_backed:
        yield from manager.driver.revert_to_instance_snapshot(instance, snap)
    store.set_current(instance.uuid, snap.id, manager.actor)


def delete_instance_snapshot(
    manager: Any, context: Any, instance: Any, snapshot_id: str
) -> Generator[Any, Any, None]:
    """Drop the disk snapshot `snapshot_id` from this host."""
    store = manager.nova.instance_snapshot_store
    snap = store.get(snapshot_id)
    if snap is None or snap.status != DELETING:
        return
    try:
        yield from manager.driver.delete_instance_snapshot(snap)
    except Exception as exc:  # noqa: BLE001 - the user may retry the delete
        manager._log(instance.uuid, "error", f"Deleting instance snapshot failed: {exc}")
        store.move(snap, ERROR_DELETING, manager.actor)
        return
    store.destroy(snap, manager.actor)
