"""A volume-backed server's rebuild at 2.93 (Nova 26.0.0 on): its root volume written again by
Cinder's ``os-reimage`` (``ComputeManager._rebuild_volume_backed_instance`` and
``ComputeVirtAPI.wait_for_instance_event``, read in 26.0.0 and 33.0.2).

- The root volume's attachment: a new one first (no connector: the volume stays
  ``reserved``), then the old one deleted; a refusal cinderclient leaves untranslated aborts
  the rebuild (``BuildAbortException`` "Failed to rebuild volume backed instance."), a
  translated one (``VolumeNotFound``...) fails it as itself.
- The image read again (gone: "Image X not found."). The wait's deadline is
  ``reimage_timeout_per_gb`` times the image's size in GiB rounded up: 0 for an image with no
  data (a volume-backed server's snapshot), whose rebuild therefore always times out.
- ``os-reimage`` with ``reimage_reserved``, then the wait for ``volume-reimaged-<volume>``,
  the event the host's external events handler hands over (`process_event`). Any error of the
  request, or an event whose status is not ``completed`` (``ReimageException``), aborts.
- The wait timed out: from 32.0.0 (48ddc7c4d1, ``InstanceEventTimeout``) an abort like the
  others; before, eventlet's ``Timeout``, a ``BaseException`` that none of the manager's
  handlers catch (`EventletTimeout`): the action's event ends in error and the server stays
  ``rebuilding``, as real Nova leaves it.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

from fakecloud.nova import exception
from fakecloud.nova.compute import utils as compute_utils
from fakecloud.nova.volume_api import ClientException

EVENT = "volume-reimaged"
#: 48ddc7c4d1 "Replace eventlet.event.Event with threading.Event": the wait's timeout an
#: ``Exception`` (``InstanceEventTimeout``), caught like any failure.
TIMEOUT_IS_EXCEPTION_SINCE = 32
ABORTED = "Failed to rebuild volume backed instance."
_GIB = 1024**3


class EventletTimeout(BaseException):  # noqa: N818 - eventlet's name
    """eventlet's ``Timeout`` (Nova before 32.0.0): no ``except Exception`` stops it."""

    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds

    def __str__(self) -> str:
        return f"{self.seconds} second{'' if self.seconds == 1 else 's'}"


def _waiters(manager: Any) -> dict[tuple[str, str], Any]:
    """The host's ``instance_events``: (server, event key) -> the simpy event a wait holds.
    Made at the first wait, so a world that never waits saves as before."""
    waiters = getattr(manager, "_instance_events", None)
    if waiters is None:
        waiters = manager._instance_events = {}
    return waiters


def process_event(manager: Any, instance: Any, event: dict[str, Any]) -> None:
    """``_process_instance_event``: the waiter of this event gets it, else Nova's warning."""
    key = f"{event['name']}-{event.get('tag')}"
    waiter = _waiters(manager).pop((instance.uuid, key), None)
    if waiter is not None:
        waiter.succeed(event)
        return
    manager._log(
        instance.uuid,
        "warning",
        f"Received unexpected event {key} for instance with vm_state {instance.vm_state} and "
        f"task_state {instance.task_state}.",
    )


def rebuild_volume_backed(
    manager: Any, context: Any, instance: Any, bdms: list[Any], image_id: str
) -> Generator[Any, Any, None]:
    """``_rebuild_volume_backed_instance``: the root volume reimaged by Cinder, or
    ``BuildAbortException`` (or `EventletTimeout` before 32.0.0)."""
    volume_api = manager.volume_api
    root_bdm = compute_utils.get_root_bdm(bdms)
    old_attachment_id = root_bdm.attachment_id
    try:
        attachment_id = yield from volume_api.attachment_create(
            context, root_bdm.volume_id, instance.uuid, id_only=True
        )
        # ``_detach_root_volume``: libvirt's detach_volume finds no domain (destroyed above)
        manager._log(instance.uuid, "warning", "During detach_volume, instance disappeared.")
        root_bdm.attachment_id = attachment_id
        yield from volume_api.attachment_delete(context, old_attachment_id)
    except ClientException as exc:  # a translated refusal (404...) is no abort: it goes on
        raise _aborted(manager, instance, exc) from exc
    try:
        image = yield from manager.image_api.get(context, image_id)
    except exception.ImageNotFound:
        raise exception.BuildAbortException(
            instance_uuid=instance.uuid, reason=f"Image {image_id} not found."
        ) from None
    key = f"{EVENT}-{root_bdm.volume_id}"
    deadline = manager.config.reimage_timeout_per_gb * math.ceil(int(image["size"]) / _GIB)
    k = manager.kernel
    waiter = _waiters(manager)[(instance.uuid, key)] = k.env.event()
    try:
        yield from volume_api.reimage_volume(
            context, root_bdm.volume_id, image_id, reimage_reserved=True
        )
        timer = k.env.timeout(deadline)
        yield waiter | timer
        if not waiter.triggered:
            _timed_out(manager, instance, key, deadline)
        elif waiter.value.get("status", "completed") != "completed":
            raise exception.NovaException(
                message=f"Cinder reported failure during reimaging with {key} for instance "
                f"{instance.uuid}"
            )
    except Exception as exc:  # noqa: BLE001 - Nova's own ``except Exception``
        raise _aborted(manager, instance, exc) from exc
    finally:
        _waiters(manager).pop((instance.uuid, key), None)


def _timed_out(manager: Any, instance: Any, key: str, deadline: int) -> None:
    """The wait's timeout: Nova's warning, then the exception of its release."""
    manager._log(
        instance.uuid,
        "warning",
        f"Timeout waiting for ['{key}'] for instance with vm_state {instance.vm_state} and "
        f"task_state {instance.task_state}. Event states are: {key}: timed out after "
        f"{deadline:.2f} seconds",
    )
    if manager.switches.series.nova >= TIMEOUT_IS_EXCEPTION_SINCE:
        raise exception.NovaException(message="Timeout waiting for instance events")
    raise EventletTimeout(deadline)


def _aborted(manager: Any, instance: Any, exc: Exception) -> exception.BuildAbortException:
    manager._log(instance.uuid, "error", f"Failed to rebuild volume backed instance: {exc}")
    return exception.BuildAbortException(instance_uuid=instance.uuid, reason=ABORTED)
