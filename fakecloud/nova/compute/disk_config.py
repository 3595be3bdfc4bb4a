"""An image's ``auto_disk_config`` against the ``OS-DCF:diskConfig`` asked for (nova 17.0.7-
33.0.2 ``compute/api.py`` ``_check_auto_disk_config``, ``_ensure_auto_disk_config_is_valid``,
``_inherit_properties_from_image``; ``utils.is_auto_disk_config_disabled``).

An image whose ``auto_disk_config`` property is ``disabled`` (any case, spaces around) refuses
``AUTO`` on create, rebuild and resize: `AutoDiskConfigDisabledByImage`, the API's 400
"Requested image X has automatic disk resize disabled." (X the image's id; ``None`` for a
volume's image metadata, which has no id). Create and rebuild then take the image's value as
the server's when the request gives none (``strutils.bool_from_string``: ``disabled`` is
False); a resize checks the server's copy of the property (``image_auto_disk_config`` in its
system metadata) and names its ``image_base_image_ref``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fakecloud.nova import exception

#: ``oslo_utils.strutils.TRUE_STRINGS``.
TRUE_STRINGS = ("1", "t", "true", "on", "y", "yes")


def is_auto_disk_config_disabled(raw: Any) -> bool:
    """``utils.is_auto_disk_config_disabled``: the property says ``disabled``."""
    return raw is not None and str(raw).strip().lower() == "disabled"


def ensure_valid(raw: Any, auto_disk_config: bool | None, image_ref: Any) -> None:
    """``_ensure_auto_disk_config_is_valid``: ``AUTO`` asked of an image that disables it."""
    if is_auto_disk_config_disabled(raw) and auto_disk_config:
        raise exception.AutoDiskConfigDisabledByImage(image=image_ref)


def check_image(image: Mapping[str, Any] | None, auto_disk_config: bool | None) -> None:
    """``_check_auto_disk_config(image=...)``: create (the boot image, or a root volume's image
    metadata) and rebuild."""
    if auto_disk_config is None or not image:
        return
    raw = (image.get("properties") or {}).get("auto_disk_config")
    ensure_valid(raw, auto_disk_config, image.get("id"))


def check_instance(system_metadata: Mapping[str, Any], auto_disk_config: bool | None) -> None:
    """``_check_auto_disk_config(instance)``: a resize, against the server's image copy."""
    if auto_disk_config is None:
        return
    raw = system_metadata.get("image_auto_disk_config")
    ensure_valid(raw, auto_disk_config, system_metadata.get("image_base_image_ref"))


def inherited(image: Mapping[str, Any] | None, auto_disk_config: bool | None) -> bool:
    """``_inherit_properties_from_image``'s ``auto_disk_config``: the one asked for, else the
    image's (``bool_from_string``)."""
    if auto_disk_config is not None:
        return auto_disk_config
    raw = ((image or {}).get("properties") or {}).get("auto_disk_config")
    return str(raw).strip().lower() in TRUE_STRINGS if raw is not None else False
