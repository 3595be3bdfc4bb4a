"""Cinder's image checks shared by the API and cinder-volume (``cinder/image/image_utils.py``).

>>> check_virtual_size(1024**3 + 1, 2, "i1")
2
>>> try:
...     check_virtual_size(2 * 1024**3 + 1, 2, "i1")
... except ImageUnacceptable as exc:
...     print(exc)
Image i1 is unacceptable: Image virtual size is 3GB and doesn't fit in a volume of size 2GB.
"""

from __future__ import annotations

from fakecloud.cinder.exception import ImageUnacceptable

GiB = 1024**3
#: The first Cinder series whose ``fetch_to_volume_format`` (the download's ``qemu-img info``)
#: words its refusal through `check_virtual_size` (f5d5ff57b, 13.0.0): 12.x says "Size is
#: NGB and doesn't fit in a volume of size MGB." inline.
FETCH_CHECK_WORDING_SINCE = 13


def check_virtual_size(virtual_size: int, volume_size: int, image_id: str) -> int:
    """``image_utils.check_virtual_size`` (same in 12.0.10-29.0.0): `virtual_size` bytes
    rounded up to GiB, `ImageUnacceptable` when that exceeds `volume_size` GiB."""
    virtual_gb = -(-virtual_size // GiB)
    if virtual_gb > volume_size:
        raise ImageUnacceptable(
            image_id=image_id,
            reason=f"Image virtual size is {virtual_gb}GB and doesn't fit in a volume of size "
            f"{volume_size}GB.",
        )
    return virtual_gb


def check_fetched_virtual_size(
    virtual_size: int, volume_size: int, image_id: str, series: int
) -> None:
    """``fetch_to_volume_format``'s check of the downloaded image's virtual size (what
    ``qemu-img info`` reads) in Cinder `series`: `ImageUnacceptable` when it does not fit."""
    if series >= FETCH_CHECK_WORDING_SINCE:
        check_virtual_size(virtual_size, volume_size, image_id)
        return
    virtual_gb = -(-virtual_size // GiB)
    if virtual_gb > volume_size:
        raise ImageUnacceptable(
            image_id=image_id,
            reason=f"Size is {virtual_gb}GB and doesn't fit in a volume of size {volume_size}GB.",
        )
