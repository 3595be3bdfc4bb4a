"""``nova/virt/images.py``'s ``fetch_to_raw``: what the libvirt driver's download of an
image-backed guest's image refuses.

fakecloud's images carry no bytes and the download takes no time, so only the one content
known without bytes is inspected: an empty image (``size`` 0, a volume-backed snapshot's),
which every inspector and ``qemu-img info`` find ``raw``. With deep inspection
(``deep_image_inspection``: 30.0.0, 27.4.0, 28.2.0, 29.1.0) one declared in another format
is ``ImageUnacceptable``; before, ``qemu-img info`` says raw and the guest boots (its disk
empty). ``[workarounds] disable_deep_image_inspection`` is not modelled (its default, off).
"""

from __future__ import annotations

from typing import Any

from fakecloud.nova import exception

#: Formats passed through uninspected as raw (``ami_formats``).
_AMI = ("ami", "aki", "ari")
#: ``format_inspector.ALL_FORMATS`` before 8b4c522f66 (27.4.0, 28.2.0, 29.1.0): a format
#: without an inspector is "Image not in a supported format" (the ``AttributeError``).
_FIRST_INSPECTORS = ("qcow2", "vhd", "vhdx", "vmdk", "vdi", "qed")


def check_fetched(switches: Any, image_meta: dict[str, Any]) -> None:
    """``fetch_to_raw``'s ``do_image_deep_inspection`` of `image_meta`'s downloaded data, for
    an empty image: raise `exception.ImageUnacceptable` where the release refuses it."""
    disk_format = image_meta.get("disk_format")
    if (
        not switches.deep_image_inspection
        or int(image_meta.get("size") or 0)
        or disk_format in ("raw", *_AMI)
    ):
        return
    if switches.image_mismatch_unsupported or disk_format not in _FIRST_INSPECTORS:
        reason = "Image not in a supported format"
    else:  # the declared format's inspector finds no header: ImageFormatError
        reason = "Image content does not match disk_format"
    raise exception.ImageUnacceptable(image_id=image_meta.get("id"), reason=reason)
