"""Which `fakecloud.cinder.backends.Driver` each backend kind runs."""

from __future__ import annotations

from typing import Any

from fakecloud.cinder.backends import (
    CopyDriver,
    Driver,
    LvmThickDriver,
    LvmThinDriver,
    RbdDriver,
)
from fakecloud.cinder.config import BackendSpec
from fakecloud.cinder.nfs import NfsDriver

DRIVERS = {
    "lvm-thin": LvmThinDriver,
    "lvm-thick": LvmThickDriver,
    "rbd": RbdDriver,
    "copy": CopyDriver,
    "nfs": NfsDriver,
}


def make_driver(kernel: Any, spec: BackendSpec) -> Driver:
    """The driver of a configured backend."""
    return DRIVERS[spec.kind](kernel, spec)
