"""A volume written again from an image (``POST /volumes/{id}/action`` ``{"os-reimage":
{"image_id": ..., "reimage_reserved": ...}}``, microversion 3.68, Cinder 20.0.0 on):
``VolumeActionsController._reimage`` (``cinder/api/contrib/volume_actions.py``),
``API.reimage`` (``cinder/volume/api.py``) and ``VolumeManager.reimage``, read in 20.0.0 to
29.0.0. Nova's rebuild of a volume-backed server at 2.93 sends it with ``reimage_reserved``
(`fakecloud.nova.compute.reimage`).

- Before Cinder 20 no such action; below 3.68 the bare 404. The schema: ``image_id`` a UUID,
  ``reimage_reserved`` a boolean string, nothing else.
- The volume (404). From 26.0.0 (ae22195df, in 26.0.0 as 25a297012) the image is read first
  (404 "Image X could not be found.") and an image of a volume-backed server's snapshot (a
  ``snapshot`` source at boot index 0 in its ``block_device_mapping``) must fit: "Volume size
  must be greater than the image size. (Image: N, Volume: M)." 400, its snapshot seen (404
  "Nova specific image is found, but boot volume snapshot id:X not found.").
- The policy ``volume:reimage`` (``volume:reimage_reserved`` for a ``reserved`` volume; the
  project's members), no more than one attachment (409 "Cannot re-image a volume which is
  attached to more than one server."), the status ``available`` or ``error`` (also
  ``reserved`` with ``reimage_reserved``), else "Invalid volume: Volume X status must be
  available or error, but current status is S." 400. The volume is ``downloading``.
- The image (404 "Image X could not be found.", the volume left ``downloading``, as real Cinder
  leaves it) and ``check_image_metadata``: active, its size and ``min_disk`` within the
  volume's (from 21.0.0 and 20.3.1 its virtual size too), else "Invalid input received: ..."
  400; from 26.0.0 the volume goes back to its status, before it stays ``downloading``. An
  image whose ``block_device_mapping`` is no JSON (the repr an upload copies) fails the image
  service's decoding: FaultWrapper's generic 500, from 26.0.0 at the controller's read
  (nothing changed), before at the API's (the volume left ``downloading``).
- The manager: the image's location read (``image_service.get_location``: until 26.x
  ``GET /v2/images/{id}`` as the caller, from 27.0.0 the location API first; an image gone
  since the API's check is ``ImageNotFound``, the volume ``error``), the image's bytes
  through ``cinder-image-download`` and the backend (the virtual size checked after, as
  ``fetch_to_raw`` does), or from 26.0.0 for a snapshot image
  the generic revert from that snapshot (a temporary volume and a copy); the volume's image
  metadata replaced by the image's, bootable, back to its status; a ``reserved`` volume has
  Nova told (``volume-reimaged`` at 2.93 for its server, as the service user; a refusal is
  a user message "Compute service failed to reimage volume."). A failure is ``error``.

Not modelled: the ``ImageConversionNotAllowed`` user message (no image conversion here); the
snapshot image path reverts on the volume's own backend.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.api.microversion import Version
from fakecloud.cinder import compute, exception, images, messages, policy, validation
from fakecloud.cinder.backends import Driver
from fakecloud.cinder.controllers import (
    bad_request,
    boot_snapshot,
    boot_snapshot_mapping,
    not_found,
)
from fakecloud.cinder.faults import GENERIC
from fakecloud.cinder.image_utils import check_virtual_size
from fakecloud.cinder.states import VOLUME_STATUS
from fakecloud.cinder.volumes import build_or_str, check_image_metadata
from fakecloud.sim.io import mb_per_s

ACTION = "os-reimage"
#: ``mv.SUPPORT_REIMAGE_VOLUME``.
SUPPORT_REIMAGE_VOLUME = Version.parse("3.68")
#: The first Cinder with the action (d69e89ea3 "Support volume re-image", 20.0.0).
SINCE = 20
#: ae22195df "Fix reimage with snapshot backed image": the image read and the snapshot image's
#: size check in the controller, the status rolled back when the image check fails. Master's
#: commit is first tagged 27.0.0, but stable/2025.1 took it (25a297012, the same diff) before
#: 26.0.0 was tagged (``api/contrib/volume_actions.py`` is the same in 26.0.0 and 27.0.0).
SNAPSHOT_IMAGE_SINCE = 26
POLICY = "volume:reimage"
POLICY_RESERVED = "volume:reimage_reserved"
ACTOR = "cinder-api"
#: ``message_field.Detail.REIMAGE_VOLUME_FAILED``.
REIMAGE_VOLUME_FAILED = "028"

REIMAGE = validation._obj(
    {
        ACTION: validation._obj(
            {"image_id": validation.uuid_type, "reimage_reserved": validation.boolean},
            ["image_id"],
        )
    },
    [ACTION],
)


def reimage_action(
    cinder: Any, context: Any, volume_id: str, body: Any, version: Version | None
) -> None:
    """``VolumeActionsController._reimage`` (answered 202)."""
    if version is None or not version >= SUPPORT_REIMAGE_VOLUME:
        raise not_found()
    validation.validate(REIMAGE, body)
    volume = cinder.volume_api.get(context, volume_id)
    params = body[ACTION]
    reserved = validation.bool_from_string(params.get("reimage_reserved", "False"))
    image_id = params["image_id"]
    snapshot = None
    try:
        if cinder.kernel.switches.series.cinder >= SNAPSHOT_IMAGE_SINCE:
            snapshot = _image_snapshot_and_check_size(cinder, context, image_id, volume.size)
        reimage(cinder, context, volume, image_id, reserved, snapshot)
    except exception.InvalidVolume as error:
        raise bad_request(error.msg) from None
    except ValueError:  # the image service's ``_convert_from_string``: FaultWrapper's 500
        raise exception.CinderException() from None


def _image_snapshot_and_check_size(
    cinder: Any, context: Any, image_id: str, volume_size: int
) -> Any:
    """``_get_image_snapshot_and_check_size``: the snapshot a volume-backed server's image
    names as its boot disk, or None."""
    image = cinder.image_service.show(context, image_id)
    boot = boot_snapshot_mapping(image)
    if boot is None:
        return None
    image_size = boot.get("volume_size")
    if not isinstance(image_size, int):  # `None > int`: a TypeError, WebOb's plain 400
        raise bad_request(GENERIC[400])
    if image_size > volume_size:
        raise bad_request(
            f"Volume size must be greater than the image size. (Image: {image_size}, "
            f"Volume: {volume_size})."
        )
    return boot_snapshot(cinder, context, boot)


def reimage(
    cinder: Any, context: Any, volume: Any, image_id: str, reserved: bool, snapshot: Any
) -> None:
    """``API.reimage``: policy, attachments, status, image checks, the cast."""
    k = cinder.kernel
    name = POLICY_RESERVED if volume.status == "reserved" else POLICY
    policy.authorize(context, name, volume.project_id, cinder.policy_rules, volume.user_id)
    if len(volume.attachments) > 1:
        raise exception.Explained(
            "Cannot re-image a volume which is attached to more than one server.", code=409
        )
    expected = ("available", "error", "reserved") if reserved else ("available", "error")
    if volume.status not in expected:
        raise exception.InvalidVolume(
            reason=f"Volume {volume.id} status must be {build_or_str(expected)}, but current "
            f"status is {volume.status}."
        )
    previous = volume.status
    VOLUME_STATUS.move(k, volume, "downloading", actor=ACTOR)
    image_meta = cinder.image_service.show(context, image_id)
    major = k.switches.series.cinder
    try:
        check_image_metadata(image_meta, volume.size, k.switches.cinder_api_virtual_size_check)
    except Exception:
        if major >= SNAPSHOT_IMAGE_SINCE and volume.status == "downloading":
            VOLUME_STATUS.move(k, volume, previous, actor=ACTOR)
        raise
    k.rpc.cast(
        cinder.volume_target(volume.backend),
        "reimage",
        volume_id=volume.id,
        image_meta=image_meta,
        previous_status=previous,
        snapshot_id=snapshot.id if snapshot is not None else None,
        project_id=context.project_id,
        context=context,  # the request's, whose token the image's download sends to Glance
    )


def run(
    manager: Any,
    volume_id: str,
    image_meta: dict[str, Any],
    previous_status: str,
    snapshot_id: str | None,
    project_id: str,
    context: Any = None,
) -> Generator:
    """``VolumeManager.reimage`` on `manager`'s backend. `context` is the request's, whose
    token the image's download carries (``volume_utils.copy_image_to_volume(self.driver,
    context, ...)``: ``image_service.download(context, ...)``, cinder 20.0.0-29.0.0)."""
    k = manager.kernel
    cinder = manager.cinder
    volume = cinder.store.volumes.get(volume_id)
    if volume is None or volume.status != "downloading":
        return
    driver = manager.driver
    try:
        snapshot = cinder.store.snapshots.get(snapshot_id) if snapshot_id else None
        if snapshot is not None:
            # the generic revert, not the driver's: the snapshot may be another volume's
            yield from Driver.revert_to_snapshot(driver, volume, snapshot)
        else:
            yield from _copy_image(manager, volume, image_meta, context)
    except Exception as exc:  # noqa: BLE001 - the manager's save_and_reraise: error
        manager._fail(volume_id, "reimage", exc)
        if volume.status == "downloading":
            VOLUME_STATUS.move(k, volume, "error", actor=manager.actor)
        return
    manager.refresh_volume_glance_meta(volume, image_meta)
    if volume.status == "downloading":
        VOLUME_STATUS.move(k, volume, previous_status, actor=manager.actor)
    if previous_status == "reserved":
        server_ids = [a.instance_uuid for a in volume.attachments if a.instance_uuid]
        told = yield from compute.reimage_volume(k, manager.actor, server_ids, volume_id)
        if not told:
            messages.record(
                cinder,
                messages.REIMAGE_VOLUME,
                project_id,
                volume_id,
                detail=REIMAGE_VOLUME_FAILED,
            )


def _copy_image(
    manager: Any, volume: Any, image_meta: dict[str, Any], context: Any = None
) -> Generator:
    """``image_service.get_location`` (`GlanceImageService.get_location`: an image deleted
    since the API's check fails the reimage here, before a byte moves), then
    ``volume_utils.copy_image_to_volume`` into the volume as it is (no create): Glance's
    middleware taking the download's token (`context`'s, as a create's download does:
    `GlanceImageService.check_download`; a refusal fails the reimage), the image's bytes
    through Cinder's download link and the backend, then ``fetch_to_raw``'s virtual size
    check."""
    k = manager.kernel
    driver = manager.driver
    locate = getattr(manager.cinder.image_service, "get_location", None)
    if context is not None and locate is not None:
        locate(context, image_meta["id"])  # the manager's ``image_service.get_location``
    yield from driver._fault("copy_image_to_volume", {"volume_id": volume.id, "size": volume.size})
    check = getattr(manager.cinder.image_service, "check_download", None)
    sent = check(context, image_meta["id"]) if context is not None and check else False
    io = k.io
    link = io.resource(
        "cinder-image-download", mb_per_s(manager.cinder.config.image_download_mb_per_s)
    )
    res = io.resource(driver.spec.resource_name, mb_per_s(driver.spec.throughput_mb_per_s))
    transfer = io.transfer(
        int(image_meta["size"]), (link, res), label="cinder.image_download", volume_id=volume.id
    )
    yield from images.download(k, image_meta["id"], transfer.done, sent)
    virtual_size = image_meta.get("virtual_size") or manager.cinder.image_service.data_virtual_size(
        image_meta["id"]
    )
    if virtual_size:
        check_virtual_size(int(virtual_size), volume.size, image_meta["id"])
