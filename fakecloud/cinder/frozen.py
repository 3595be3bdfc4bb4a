"""What a frozen backend refuses (``objects/base.py`` ``assert_not_frozen``, ``db``
``is_backend_frozen``; `fakecloud.cinder.freeze` freezes and thaws), and the volume manager's
part of a freeze or thaw (``VolumeManager.freeze_host``, ``thaw_host``)."""

from __future__ import annotations

from typing import Any

from fakecloud.cinder import exception

VOLUME_BINARY = "cinder-volume"
FROZEN_REFUSAL = "Modification operations are not allowed on frozen storage backends."


def is_frozen(cinder: Any, backend: str | None) -> bool:
    """Whether the cinder-volume service of `backend` is frozen."""
    frozen = cinder.frozen_services
    return bool(frozen) and f"{cinder.config.host}@{backend}" in frozen


def assert_not_frozen(cinder: Any, backend: str | None) -> None:
    """``assert_not_frozen`` of a volume or snapshot on `backend`: 400 when it is frozen."""
    if is_frozen(cinder, backend):
        raise exception.InvalidInput(reason=FROZEN_REFUSAL)


def save_change(cinder: Any, key: tuple[str, str], disabled: bool, reason: str | None) -> None:
    """Set a service `disabled` (or not) with `reason`, now."""
    if cinder.service_changes is None:
        cinder.service_changes = {}
    cinder.service_changes[key] = (disabled, reason, cinder.kernel.now)


def freeze_or_thaw_host(manager: Any, freeze: bool) -> bool:
    """``VolumeManager.freeze_host`` / ``thaw_host`` (an RPC call): the driver told (none here
    minds), the service disabled with the reason ``frozen`` (enabled, reason ``""``); True."""
    host = f"{manager.cinder.config.host}@{manager.driver.name}"
    save_change(manager.cinder, (VOLUME_BINARY, host), freeze, "frozen" if freeze else "")
    return True
