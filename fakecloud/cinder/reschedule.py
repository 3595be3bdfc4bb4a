"""A volume create cinder-volume sends back to the scheduler (``OnFailureRescheduleTask``,
cinder 12.0.10-29.0.0 ``volume/flows/manager/create_volume.py``; the scheduler's
``_populate_retry``, ``scheduler/filter_scheduler.py``).

The manager's flow reverts a failure by rescheduling when the request has retry information
(``do_reschedule = allow_reschedule and request_spec and retry``: the scheduler adds it while
``[DEFAULT] scheduler_max_attempts``, 3, is above 1) and the failure is none of
``no_reschedule_types`` (`NO_RESCHEDULE`): the volume keeps ``creating``, its host cleared
(``_pre_reschedule``), and the scheduler places it again, on the same backend when it is the
only one that passes (the default filters have no ``IgnoreAttemptedHostsFilter``). Past the
last attempt ``_populate_retry`` raises ``NoValidBackend`` ("Exceeded max scheduling attempts
N for resource ID"): the volume ``error`` and the user message ``schedule allocate
volume:Could not find any available weighted backend.`` (``VOLUME_VOLUME_001_003``).

Modelled for the failures of the flow's ``ExtractVolumeSpecTask``, cinder-volume's reads of
an image before a volume from it (an image deleted or hidden since the API's reads:
``ImageNotFound``, ``ImageNotAuthorized``), and for a failed create of a blank volume, a volume
from a snapshot, a clone or a volume for a backup's restore (the driver's failure, the
``cinder.volume.create`` fault point); from Cinder 14.0.0 each failed raw create records its
own ``DRIVER_FAILED_CREATE`` message first. A failed download is ``ImageCopyFailure``, never
rescheduled, as is ``ImageUnacceptable``; the driver's create of the volume an image is
downloaded into is not told apart from the download here (not rescheduled).
"""

from __future__ import annotations

from typing import Any

from fakecloud.cinder import exception

#: ``OnFailureRescheduleTask.no_reschedule_types`` (the union of 12.0.10's and 29.0.0's):
#: failures that error the volume instead.
NO_RESCHEDULE = frozenset(
    {
        "ImageCopyFailure",
        "MetadataCopyFailure",
        "MetadataCreateFailure",
        "MetadataUpdateFailure",
        "VolumeNotFound",
        "SnapshotNotFound",
        "VolumeTypeNotFound",
        "ImageConversionNotAllowed",
        "ImageUnacceptable",
        "ImageTooBig",
        "InvalidSignatureImage",
        "ImageSignatureVerificationException",
    }
)


def reschedules(cinder: Any, exc: BaseException) -> bool:
    """Whether ``OnFailureRescheduleTask.revert`` reschedules a flow failed with `exc`: the
    request has retry information (``scheduler_max_attempts`` above 1) and `exc` is none of
    `NO_RESCHEDULE`."""
    if cinder.config.scheduler_max_attempts <= 1:
        return False
    return not any(cls.__name__ in NO_RESCHEDULE for cls in type(exc).__mro__)


def exceeded(cinder: Any, volume_id: str, attempt: int) -> None:
    """``_populate_retry``: `NoValidBackend` once `attempt` is past the last one."""
    most = cinder.config.scheduler_max_attempts
    if most > 1 and attempt > most:
        raise exception.NoValidBackend(
            reason=f"Exceeded max scheduling attempts {most} for resource {volume_id}"
        )


def reschedule(manager: Any, volume: Any, request: dict[str, Any], attempt: int) -> None:
    """Send `volume`'s create back to the scheduler (`request`: the scheduler's cast, read
    again there) as attempt ``attempt + 1`` (`reschedules` said so)."""
    cinder = manager.cinder
    volume.host = None  # _pre_reschedule
    volume.backend = None
    manager.driver.forget(volume.id)  # _post_reschedule's delete: nothing was made
    manager.kernel.rpc.cast_kwargs(
        cinder.scheduler.target, "create_volume", {**request, "attempt": attempt + 1}
    )
