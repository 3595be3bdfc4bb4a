"""The volume manager's part of a failover (`fakecloud.cinder.failover` says the whole):
``VolumeManager.failover`` with ``RBDDriver.failover_host``, run at the cast's delivery."""

from __future__ import annotations

from typing import Any

from fakecloud.cinder import replication
from fakecloud.cinder.frozen import VOLUME_BINARY, is_frozen, save_change
from fakecloud.cinder.states import SNAPSHOT_STATUS_FORCED, VOLUME_STATUS_FORCED

#: ``VolumeManager.FAILBACK_SENTINEL``.
FAILBACK = "default"


def failover_host(manager: Any, secondary_backend_id: str | None) -> None:
    """``VolumeManager.failover`` with ``RBDDriver.failover_host`` (an RPC cast)."""
    cinder = manager.cinder
    k = manager.kernel
    backend = manager.driver.name
    host = f"{cinder.config.host}@{backend}"
    active = replication.status_of(cinder, host)[1]
    replicated = []
    for volume in cinder.store.volumes.values():
        if volume.backend != backend:
            continue
        if volume.replication_status not in ("disabled", "not-capable"):
            replicated.append(volume)
        elif secondary_backend_id != FAILBACK:
            VOLUME_STATUS_FORCED.move(k, volume, "error", actor=manager.actor)
            volume.replication_status = "not-capable"
            for snapshot_id in sorted(volume.snapshot_ids):
                snapshot = cinder.store.snapshots.get(snapshot_id)
                if snapshot is not None:
                    SNAPSHOT_STATUS_FORCED.move(k, snapshot, "error", actor=manager.actor)
    names = replication.targets(manager.driver.spec)
    secondary = secondary_backend_id
    if not secondary:  # the driver's pick: any target but the default and the active one
        secondary = next((n for n in names if n != active), None)
    if secondary is None or (secondary != FAILBACK and secondary not in names):
        # InvalidReplicationTarget: no volume changes, the service's status is kept
        replication.set_status(cinder, host, "failed-over" if active else "enabled", active)
        return
    frozen = is_frozen(cinder, backend)
    if secondary == FAILBACK:
        status = "enabled"
        replication.set_status(cinder, host, status, "")
        save_change(cinder, (VOLUME_BINARY, host), frozen, "frozen" if frozen else "")
    else:
        status = "failed-over"
        replication.set_status(cinder, host, status, secondary)
        save_change(cinder, (VOLUME_BINARY, host), True, "failed-over")
    for volume in replicated:
        volume.replication_status = status
