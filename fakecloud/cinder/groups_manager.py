"""Generic volume groups, the asynchronous half: the scheduler's ``create_group`` and the
volume manager's ``create_group``, ``update_group``, ``delete_group``,
``create_group_snapshot``, ``delete_group_snapshot`` and ``create_group_from_src``
(``cinder/scheduler/manager.py``, ``cinder/volume/manager.py``, cinder 12.0.10-29.0.0).

No backend here has group support of its own (LVM's, RBD's and the copy driver's group
methods raise ``NotImplementedError``), so each takes the manager's generic path: a group is
a row, its snapshots are the driver's single snapshots one after the other (each the timed
copy and fault points of `VolumeManager.create_snapshot`), its deletion each volume's delete,
a group from a source each volume's create from its snapshot or clone of its volume.

A consistency group (a group of ``default_cgsnapshot_type``) takes the driver's consistency
group methods instead, ``NotImplementedError`` too (a ``cinder.error`` trace event each):
creating, updating, deleting it or making it from a source end ``error`` (the volumes
updated, deleted or made ``error`` too; the manager's ``except Exception``), while its
snapshots' create and delete, which catch only ``CinderException``, leave the cgsnapshot and
its snapshots ``creating`` (``deleting``).
"""

from __future__ import annotations

import sys
from collections.abc import Generator
from typing import Any

from fakecloud.cinder.capabilities_filter import is_operator
from fakecloud.cinder.groups_models import (
    GROUP_SNAPSHOT_STATUS,
    GROUP_SNAPSHOT_STATUS_FORCED,
    GROUP_STATUS,
    GROUP_STATUS_FORCED,
)
from fakecloud.cinder.models import group_of
from fakecloud.cinder.states import SNAPSHOT_STATUS, VOLUME_STATUS_FORCED


def schedule_group(scheduler: Any, group_id: str) -> None:
    """``SchedulerManager.create_group`` (``FilterScheduler.schedule_create_group``): a
    backend able to hold every volume type of the group (the first type's own backend when it
    can, else the one with the most free space), then cast to it; none: ``error``, no user
    message (``NoValidBackend`` is only logged). A type's ``volume_backend_name`` that is a
    plain name keeps only that backend (``CapabilitiesFilter`` in
    ``_get_weighted_candidates_generic_group``): one that names none leaves no candidate.

    As in Cinder, the group type's own specs filter nothing (its pass,
    ``_get_weighted_candidates_by_group_type``, gives ``CapabilitiesFilter`` the group type,
    which carries ``group_specs``, not the ``extra_specs`` the filter reads), and capacity
    refuses no backend (the group's and each type's request is ``size`` 0, which
    ``CapacityFilter`` lets through): free space only orders (``CapacityWeigher``)."""
    cinder = scheduler.cinder
    k = scheduler.kernel
    group = cinder.group_api.tables().groups.get(group_id)
    if group is None or group.status != "creating":
        return
    types = [cinder._types_by_id.get(t) for t in group.volume_type_ids]
    names: list[str] | None = None
    for vtype in types:
        able = list(scheduler.capable(vtype)) if vtype is not None else []
        if vtype is not None and vtype.backend is not None and not is_operator(vtype.backend):
            able = [n for n in able if n == vtype.backend]
        names = able if names is None else [n for n in names if n in able]
    preferred = types[0].backend if types and types[0] is not None else None
    if not names:
        k.trace.emit(
            "cinder.error", scheduler.actor, group_id, op="create_group",
            error="No valid backend was found. No weighed backends available",
        )  # fmt: skip
        GROUP_STATUS.move(k, group, "error", actor=scheduler.actor)
        return
    if preferred in names:
        backend = preferred
    else:  # CapacityWeigher over the first type's candidates: the most free, first on a tie
        drivers = cinder.enabled_drivers()
        backend = max(names, key=lambda n: drivers[n].free_gb)
    group.host = sys.intern(f"{cinder.config.host}@{backend}#{backend}")
    group.backend = backend
    k.rpc.cast(cinder.volume_target(backend), "create_group", group_id=group_id)


class GroupWork:
    """The generic group paths of one backend's `VolumeManager`."""

    def __init__(self, manager: Any):
        self.manager = manager
        self.cinder = manager.cinder
        self.kernel = manager.kernel
        self.tables = self.cinder.group_api.tables()

    def _unsupported(self, row: Any, op: str) -> bool:
        """Whether `row` (a group or group snapshot) is a consistency group's, which the
        driver cannot handle: if so, its ``NotImplementedError`` traced."""
        if not self.cinder.group_type_api.is_default_cgsnapshot_type(row.group_type_id):
            return False
        self.kernel.trace.emit(
            "cinder.error", self.manager.actor, row.id, op=op, error="NotImplementedError"
        )
        return True

    def _failed(self, group: Any, volumes: list) -> None:
        """A consistency group's failure: it and `volumes` ``error``."""
        actor = self.manager.actor
        GROUP_STATUS_FORCED.move(self.kernel, group, "error", actor=actor)
        for volume in volumes:
            VOLUME_STATUS_FORCED.move(self.kernel, volume, "error", actor=actor)

    def create_group(self, group_id: str) -> None:
        """``_create_group_generic``: ``available``."""
        group = self.tables.groups.get(group_id)
        if group is None or group.status != "creating":
            return
        if self._unsupported(group, "create_group"):
            self._failed(group, [])
            return
        GROUP_STATUS.move(self.kernel, group, "available", actor=self.manager.actor)

    def update_group(self, group_id: str, add_volumes: str, remove_volumes: str) -> None:
        """``update_group`` (``_update_group_generic``): the volumes join or leave, the group
        ``available``."""
        group = self.tables.groups.get(group_id)
        if group is None:
            return
        volumes = self.cinder.store.volumes
        if self._unsupported(group, "update_group"):
            named = [*add_volumes.split(","), *remove_volumes.split(",")]
            self._failed(group, [volumes[v] for v in named if v in volumes])
            return
        for vid in filter(None, add_volumes.split(",")):
            if vid in volumes:
                volumes[vid].group_id = group.id
        for vid in filter(None, remove_volumes.split(",")):
            volume = volumes.get(vid)
            if volume is not None and group_of(volume) == group.id:
                del volume.group_id
        if group.status == "updating":
            GROUP_STATUS.move(self.kernel, group, "available", actor=self.manager.actor)

    def delete_group(self, group_id: str) -> Generator:
        """``_delete_group_generic``: each volume deleted (its quota given back), then the
        group's ``groups`` quota and row; a volume that fails: it ``error_deleting``, the
        group ``error``."""
        manager = self.manager
        group = self.tables.groups.get(group_id)
        if group is None:
            return
        if self._unsupported(group, "delete_group"):
            self._failed(group, self.cinder.group_api.members(group))
            return
        for volume in self.cinder.group_api.members(group):
            yield from manager.delete_volume(volume.id)
        if self.cinder.group_api.members(group):
            GROUP_STATUS_FORCED.move(self.kernel, group, "error", actor=manager.actor)
            return
        self.cinder.quotas.release(group.project_id, groups=1)
        GROUP_STATUS_FORCED.move(self.kernel, group, "deleted", actor=manager.actor)
        self.tables.groups.pop(group.id, None)

    def create_group_snapshot(self, group_snapshot_id: str) -> Generator:
        """``create_group_snapshot`` with ``_create_group_snapshot_generic`` (cinder 12.0.0-
        29.0.0 volume/manager.py): each snapshot by the driver, one after the other, every
        member ``creating`` until the last is done; then each ``available``, or ``error`` for
        one the driver failed (no user message: the generic path catches the driver's error).
        One failure makes the group snapshot ``error``, the others ``available`` but still at
        ``0%`` without the volume's Glance metadata (``VolumeDriverException`` skips that
        last loop); else each member is finished as a lone snapshot and the group snapshot is
        ``available``."""
        gsnap = self.tables.snapshots.get(group_snapshot_id)
        if (
            gsnap is None
            or gsnap.status != "creating"
            or self._unsupported(gsnap, "create_group_snapshot")
        ):
            return
        manager = self.manager
        store = self.cinder.store
        snaps = self.cinder.group_api.group_snapshot_members(gsnap)
        failed = set()
        for snap in snaps:
            try:
                yield from manager.driver_create_snapshot(snap, store.volumes[snap.volume_id])
            except Exception as exc:  # noqa: BLE001 - the generic path's except Exception
                manager._fail(snap.id, "create_snapshot", exc)
                failed.add(snap.id)
        if gsnap.status != "creating":  # reset or deleted meanwhile
            return
        k = self.kernel
        if failed:
            for snap in snaps:
                if snap.status == "creating":
                    new = "error" if snap.id in failed else "available"
                    SNAPSHOT_STATUS.move(k, snap, new, actor=manager.actor)
            GROUP_SNAPSHOT_STATUS.move(k, gsnap, "error", actor=manager.actor)
            return
        for snap in snaps:
            manager.snapshot_created(snap, store.volumes[snap.volume_id])
        GROUP_SNAPSHOT_STATUS.move(k, gsnap, "available", actor=manager.actor)

    def delete_group_snapshot(self, group_snapshot_id: str) -> Generator:
        """``_delete_group_snapshot_generic``: each snapshot deleted (its quota given back);
        then the row, or ``error_deleting`` if one stays."""
        gsnap = self.tables.snapshots.get(group_snapshot_id)
        if gsnap is None or self._unsupported(gsnap, "delete_group_snapshot"):
            return
        api = self.cinder.group_api
        for snap in api.group_snapshot_members(gsnap):
            yield from self.manager.delete_snapshot(snap.id)
        k = self.kernel
        if api.group_snapshot_members(gsnap):
            GROUP_SNAPSHOT_STATUS_FORCED.move(k, gsnap, "error_deleting", actor=self.manager.actor)
            return
        GROUP_SNAPSHOT_STATUS_FORCED.move(k, gsnap, "deleted", actor=self.manager.actor)
        self.tables.snapshots.pop(gsnap.id, None)

    def create_group_from_src(self, group_id: str) -> Generator:
        """``_create_group_from_src_generic``: each volume from its snapshot or its source
        volume, by the driver; the group ``available``, or ``error`` if one failed."""
        group = self.tables.groups.get(group_id)
        if group is None:
            return
        volumes = self.cinder.group_api.members(group)
        if self._unsupported(group, "create_group_from_src"):
            self._failed(group, volumes)
            return
        for volume in volumes:
            yield from self.manager.create_volume(
                volume.id, snapshot_id=volume.snapshot_id, source_volid=volume.source_volid
            )
        if group.status != "creating":
            return
        failed = any(v.status == "error" for v in volumes)
        GROUP_STATUS.move(
            self.kernel, group, "error" if failed else "available", actor=self.manager.actor
        )
