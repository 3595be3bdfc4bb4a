"""An image Nova will not boot from: one Cinder uploaded from an encrypted volume (nova 21.0.0-
34.0.0 ``compute/api.py`` ``_detect_nonbootable_image_from_properties``, called first in
``_checks_for_create_and_rebuild`` after the metadata and injected-file quotas).

Such an image carries ``cinder_encryption_key_id``: its data is a LUKS container that only a
volume of an encrypted type can use. Until 21.0.0, 19.2.0 and 20.2.0 (switch ``lp1863611``)
Nova booted it as it would any image: the server went ACTIVE with a disk its guest cannot read.
From 21.0.0 (963fd8c0f9; backports 6e71909b0b in 19.2.0, 240d030902 in 20.2.0) a create or
rebuild naming it is `ImageUnacceptable`, the API's 400 "Image X is unacceptable: Direct
booting of an image uploaded from an encrypted volume is unsupported.". Until 21.1.2 (switch
``lp1895696``: 19.2.0-19.x, 20.2.0-20.x, 21.0.0-21.1.1) the check also read a boot from
volume's image metadata, whose image id is None, so a server could not boot from a volume made
from such an image (the supported way) either: "Image None is unacceptable: ..."; 22.0.0
(f9b67893ac, backport 21.1.2) checks an image boot only.
"""

from __future__ import annotations

from typing import Any

from fakecloud.nova import exception

REASON = "Direct booting of an image uploaded from an encrypted volume is unsupported."


def check(switches: Any, image_id: str | None, image: dict[str, Any] | None) -> None:
    """Refuse to boot (or rebuild from) `image` when the release does: `image_id` is the
    requested image's, None for a boot from volume (`image` is then the root mapping's image
    metadata)."""
    if switches.lp1863611 or not image:
        return
    if (image.get("properties") or {}).get("cinder_encryption_key_id") and (
        image_id or switches.lp1895696
    ):
        raise exception.ImageUnacceptable(image_id=image_id, reason=REASON)
