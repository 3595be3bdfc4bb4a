"""The virtual Performance Monitoring Unit (``hw:pmu``, the image's ``hw_pmu``) as Nova's API
checks it at a create, a rebuild and a resize, right after memory encryption's check
(`mem_encryption`) in ``compute/api.py`` ``_validate_flavor_image_numa_pci``.

Added in 20.0.0 (326bc658ee, blueprint libvirt-pmu-configuration): before, neither is read.
A flavor's value is read with ``bool_from_string`` (anything but a true word is False), the
image's as a ``FlexibleBooleanField``; both given and different is refused:

- 20.0.0-24.x, ``compute/api.py``: ``ImagePMUConflict`` "Image property 'hw_pmu' is not
  permitted to override the PMU policy set in the flavor" (a ``Forbidden``, but in the
  API's ``INVALID_FLAVOR_IMAGE_EXCEPTIONS``: a 400 at a create, a rebuild and a resize);
- from 25.0.0, ``hardware.get_pmu_constraint`` (eacecc2433): ``FlavorImageConflict`` "Flavor F
  has hw:pmu extra spec explicitly set to True, conflicting with image I which has hw_pmu
  explicitly set to False.", a 400 too; the image's name read unguarded (in every release
  since), so an image metadata without one (a root volume's, a resize's: the server's system
  metadata) is oslo.versionedobjects' "Cannot load 'name' in the base class", Nova's 500.

The libvirt driver's ``<pmu state=.../>`` in the guest XML is not modelled (no guest XML
here).
"""

from __future__ import annotations

from typing import Any

from fakecloud.nova import exception
from fakecloud.nova.mem_encryption import AttributeUnset

#: The first Nova reading ``hw:pmu`` and ``hw_pmu`` (326bc658ee).
SINCE = (20, 0, 0)
#: The first Nova whose conflict is ``hardware.get_pmu_constraint``'s ``FlavorImageConflict``
#: naming the flavor and the image (eacecc2433).
CONSTRAINT_SINCE = (25, 0, 0)
_CONFLICT = (
    "Flavor %(flavor_name)s has hw:pmu extra spec explicitly set to %(flavor_val)s, "
    "conflicting with image %(image_name)s which has hw_pmu explicitly set to %(image_val)s."
)


class ImagePMUConflict(exception.FlavorImageConflict):
    """Nova's ``ImagePMUConflict`` (20.0.0-24.x): a ``Forbidden`` there, answered as every
    ``INVALID_FLAVOR_IMAGE_EXCEPTIONS`` one is, a 400 with its message."""

    msg_fmt = (
        "Image property 'hw_pmu' is not permitted to override the PMU policy set in the flavor"
    )
    real_class_path = "nova.exception.ImagePMUConflict"


def check(
    flavor: Any, image_meta: dict[str, Any] | None, props: dict[str, Any], version: tuple
) -> None:
    """The PMU check of `flavor` and the image (`image_meta`, its properties `props`) in
    release `version`: nothing, or the conflict's error."""
    if version < SINCE:
        return
    flavor_text = (flavor.extra_specs or {}).get("hw:pmu")
    image_text = props.get("hw_pmu")
    if flavor_text is None or image_text is None:
        return
    from oslo_utils import strutils

    flavor_val = strutils.bool_from_string(flavor_text)
    image_val = strutils.bool_from_string(image_text)
    if flavor_val == image_val:
        return
    if version < CONSTRAINT_SINCE:
        raise ImagePMUConflict()
    meta = image_meta or {}
    if "name" not in meta:
        raise AttributeUnset("Cannot load 'name' in the base class")
    raise exception.FlavorImageConflict(
        _CONFLICT
        % {
            "flavor_name": flavor.name,
            "flavor_val": flavor_val,
            "image_name": meta["name"],
            "image_val": image_val,
        }
    )
