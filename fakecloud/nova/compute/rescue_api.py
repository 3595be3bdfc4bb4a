"""The compute API's part of a rescue (``nova/compute/api.py`` ``rescue``: 17.0.13, 20.6.0,
21.2.4, 23.2.2, 27.5.1, 29.2.0, 34.0.0), after `API.rescue`'s lock and state gates (vm_state
active, stopped or error; no task; launched).

The checks, in Nova's order:

1. from 21.1.0 (switch ``rescue_image_checked_at_api``; 22.0.0 b9ff0ca94e, backport 42bfd50626)
   a ``rescue_image_ref`` is read from Glance: one it does not have, or the image of a
   volume-backed snapshot (``img_block_device_mapping``, legacy ``block_device_mapping``), is
   `UnsupportedRescueImage` (400). Before, only the compute reads it.
2. ``_check_volume_status``: every volume of the server is ``in-use`` (`InvalidVolume`, 409).
3. a volume-backed server: `InstanceNotRescuable` "Cannot rescue a volume-backed instance" (400)
   unless 2.87 (21.0.0, ``allow_bfv_rescue``) and the host reports ``COMPUTE_RESCUE_BFV`` (the
   libvirt driver does from 21.0.0, 5b6f44efff: every host here); from 27.0.0 (6eed55bf55;
   backports 25.1.1, 26.1.1: switch ``lp1926601`` off) also only when the rescue image (or, with
   none named, the server's own) has both ``hw_rescue_device`` and ``hw_rescue_bus``.

Then the task_state compare-and-swap to ``rescuing``, the ``rescue`` instance action and the
``rescue_instance`` cast.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.nova import exception, states
from fakecloud.nova.compute import utils as compute_utils

RESCUE = "rescue"
#: The image properties a stable device rescue needs (``hardware.check_hw_rescue_props``).
RESCUE_PROPS = ("hw_rescue_bus", "hw_rescue_device")


def rescue(
    api: Any,
    context: Any,
    instance: Any,
    rescue_password: str | None,
    rescue_image_ref: str | None,
    allow_bfv_rescue: bool,
) -> Generator[Any, Any, None]:
    """``API.rescue`` past its decorators (see the module doc)."""
    switches = api.kernel.switches
    image_props = None
    if rescue_image_ref and switches.rescue_image_checked_at_api:
        try:
            image = yield from api.image_api.get(context, rescue_image_ref)
        except (exception.ImageNotFound, exception.ImageBadRequest):
            api._log(
                instance,
                "warning",
                f"Failed to fetch rescue image metadata using image_ref {rescue_image_ref}",
            )
            raise exception.UnsupportedRescueImage(image=rescue_image_ref) from None
        image_props = image.get("properties") or {}
        if image_props.get("img_block_device_mapping") or image_props.get("block_device_mapping"):
            api._log(
                instance,
                "warning",
                "Unable to rescue an instance using a volume snapshot image with "
                "img_block_device_mapping image properties set",
            )
            raise exception.UnsupportedRescueImage(image=rescue_image_ref)
    bdms = api.db.bdms_by_instance(instance.uuid)
    yield from api._check_volume_status(context, bdms)
    volume_backed = compute_utils.is_volume_backed_instance(instance, bdms)
    if allow_bfv_rescue and not switches.lp1926601:
        if image_props is None:  # instance.image_meta: the server's image, as booted
            image_props = own_image_props(instance)
        allow_bfv_rescue = all(key in image_props for key in RESCUE_PROPS)
    if volume_backed and not allow_bfv_rescue:
        raise exception.InstanceNotRescuable(
            instance_id=instance.uuid, reason="Cannot rescue a volume-backed instance"
        )
    api._claim(instance, states.RESCUING)
    api._record_action_start(context, instance, RESCUE)
    api.compute_rpcapi.rescue_instance(context, instance, rescue_password, rescue_image_ref)


def own_image_props(instance: Any) -> dict[str, Any]:
    """The properties of the server's own image (``ImageMeta.from_instance``: its system
    metadata's ``image_*`` keys)."""
    return {
        key[len("image_") :]: value
        for key, value in instance.system_metadata.items()
        if key.startswith("image_")
    }
