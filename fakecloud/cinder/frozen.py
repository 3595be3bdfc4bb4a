"""What a frozen backend refuses (``objects/base.py`` ``assert_not_frozen``, ``db``
``is_backend_frozen``; `fakecloud.cinder.freeze` freezes and thaws)."""

from __future__ import annotations

from typing import Any

from fakecloud.cinder import exception

FROZEN_REFUSAL = "Modification operations are not allowed on frozen storage backends."


def is_frozen(cinder: Any, backend: str | None) -> bool:
    """Whether the cinder-volume service of `backend` is frozen."""
    frozen = cinder.frozen_services
    return bool(frozen) and f"{cinder.config.host}@{backend}" in frozen


def assert_not_frozen(cinder: Any, backend: str | None) -> None:
    """``assert_not_frozen`` of a volume or snapshot on `backend`: 400 when it is frozen."""
    if is_frozen(cinder, backend):
        raise exception.InvalidInput(reason=FROZEN_REFUSAL)
