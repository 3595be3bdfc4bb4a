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
