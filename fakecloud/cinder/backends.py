"""Volume drivers: what each kind of storage backend does with volumes and snapshots, in time.

One `Driver` per configured backend (see `fakecloud.cinder.config.BackendSpec` for the kinds).
Each operation is a generator run inside the volume manager's process: a metadata operation is a
timeout of its configured duration; a copy or a wipe is an I/O transfer of the data's size on
the backend's resource (``cinder-backend:<name>``), so concurrent copies share its throughput.

Facts mirrored (``cinder/volume/drivers/lvm.py``, ``rbd.py``):

- thin LVM and RBD snapshots, and volumes cloned from them, are metadata operations;
- thick LVM snapshots reserve the volume's size of free space (the driver fails without it),
  and deleting a thick snapshot or volume zeroes all of it (``volume_clear=zero``);
- RBD cannot delete a snapshot that clones depend on (``SnapshotIsBusy``), unless clones
  are flattened (``rbd_flatten_volume_from_snapshot``, a full copy at create), or from Cinder
  24.0.0 (22.3.0, 23.3.0) it flattens them as it deletes the snapshot;
- the ``copy`` backend (a generic file-copy driver) copies the volume for every snapshot;
- a revert to a snapshot is the generic one (``_revert_to_snapshot_generic``: a temporary
  volume from the snapshot, its whole size copied onto the volume, the temporary deleted) but
  on thick LVM (``lvconvert --merge``, then the snapshot made again: the merge takes
  ``snapshot_create_s``, the changed chunks it copies are not counted) and on RBD from Cinder
  16 (``rollback_to_snap``, a copy of the volume's size), which alone takes no backup snapshot.

Fault point ``cinder.driver`` (attributes ``op``, ``backend``, ``driver`` (the kind), ``volume_id``,
``snapshot_id``, ``size``) is consulted at the start of every operation: an error fails it,
a delay or a stall holds it.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from types import SimpleNamespace
from typing import Any

from fakecloud.cinder import images, iscsi_export
from fakecloud.cinder.config import BackendSpec
from fakecloud.cinder.exception import (
    ManageExistingAlreadyManaged,
    ManageExistingInvalidReference,
    SnapshotIsBusy,
    VolumeBackendAPIException,
)
from fakecloud.glance.content import ImageData
from fakecloud.sim.io import mb_per_s

GiB = 1024**3
#: The first Cinder series whose RBD driver reverts by itself (``revert_to_snapshot``).
RBD_REVERT_SINCE = 16
#: The first Cinder whose RBD connection has no ``keyring`` unless one is configured
#: (2aef694a8 "RBD: remove rbd_keyring_conf option", 17.0.0); before, always the key.
RBD_KEYRING_GONE = 17
#: The first Cinder series whose devstack serves LVM volumes through the LIO target
#: (``target_helper = lioadm``: devstack c0627927 "cinder: Default CINDER_ISCSI_HELPER to
#: lioadm", Xena); before, devstack on Ubuntu took ``tgtadm`` (EL and SUSE always ``lioadm``).
LIO_TARGET_SINCE = 19
#: The driver kinds that list (``get_manageable_volumes``) and adopt (``manage_existing``)
#: what their backend holds: LVM's and RBD's.
MANAGEABLE_KINDS = frozenset({"lvm-thin", "lvm-thick", "rbd"})
#: The iSCSI target's portal.
PORTAL = "127.0.0.1:3260"
#: ``nfs_mount_point_base`` (``$state_path/mnt``).
MOUNT_POINT_BASE = "/var/lib/cinder/mnt"


class Driver:
    """A backend's driver: capacity accounting and the timed operations of its kind."""

    #: Whether a snapshot occupies its volume's size of backend space.
    snapshot_takes_space = False
    #: Whether deleting a volume or snapshot wipes its data.
    wipes_on_delete = False
    #: Whether a cloned volume is a full copy of its source (else a metadata clone).
    copies_clones = False
    #: What ``validate_connector`` wants in a connector: the iSCSI target's ``initiator``
    #: (``targets/iscsi.py``, the LVM driver's target); None: RBD's base driver wants nothing.
    connector_needs: str | None = "initiator"
    #: Whether the backend is the LVM driver with its iSCSI target (RBD's and NFS's
    #: ``terminate_connection`` do nothing).
    iscsi_target = True

    #: The ids of volumes and snapshots the database places here that the backend does not
    #: hold: the create cast or under way, or one that failed (`building`); None while there
    #: are none.
    absent: set[str] | None = None
    #: The volumes and snapshots the backend holds whose database row is gone (`built`, an
    #: ``os-unmanage``): their backend names (``volume-<id>``, ``snapshot-<id>``: Cinder's
    #: ``volume_name_template`` and ``snapshot_name_template``) -> GiB (a snapshot's, its
    #: volume's size); None while there are none.
    leftovers: dict[str, int] | None = None
    #: The volume each snapshot among `leftovers` is of (its backend name, ``volume-<id>``:
    #: an LV's origin, an RBD snapshot's image); None while there are none.
    origins: dict[str, str] | None = None

    def __init__(self, kernel: Any, spec: BackendSpec):
        self.kernel = kernel
        self.spec = spec
        self.name = spec.name
        self.allocated_gb = 0

    # -- what the backend holds --------------------------------------------------------------

    def building(self, resource_id: str) -> None:
        """The create of volume or snapshot `resource_id` is cast here: the backend holds no
        such thing until the driver's create ends (`built`), nor after one that failed."""
        absent = self.absent
        if absent is None:
            absent = self.absent = set()
        absent.add(resource_id)

    def built(
        self,
        resource_id: str,
        size_gb: int,
        row_gone: bool,
        kind: str = "volume",
        origin: str | None = None,
    ) -> None:
        """The driver's create made `kind` (``volume`` or ``snapshot``, of volume `origin`)
        `resource_id` (`size_gb`). `row_gone`: its database row was destroyed meanwhile (an
        ``os-force_delete`` whose delete found nothing here): the backend keeps it, its space
        taken, and nothing in Cinder knows it (a leftover)."""
        self.forget(resource_id)
        if row_gone:
            self.left(f"{kind}-{resource_id}", size_gb, origin)

    def left(self, name: str, size_gb: int, origin: str | None = None) -> None:
        """The backend holds `name` (`size_gb`; a snapshot of volume `origin`) that no
        database row knows."""
        leftovers = self.leftovers
        if leftovers is None:
            leftovers = self.leftovers = {}
        leftovers[name] = size_gb
        if origin is not None:
            origins = self.origins
            if origins is None:
                origins = self.origins = {}
            origins[name] = f"volume-{origin}"

    def holds(self, resource_id: str) -> bool:
        """Whether the backend holds volume or snapshot `resource_id` (``_volume_not_present``'s
        inverse: LVM's ``lvs``, RBD's image or snapshot, NFS's ``provider_location``)."""
        absent = self.absent
        return absent is None or resource_id not in absent

    def forget(self, resource_id: str) -> None:
        """`resource_id` is no longer one the database places here without the backend
        holding it (made, deleted, or its create failed on a destroyed row)."""
        absent = self.absent
        if absent is not None:
            absent.discard(resource_id)
            if not absent:
                del self.absent  # back to the class's None: a quiet driver saves as before

    def leftover_gb(self) -> list[int]:
        """The sizes of what is left on the backend without a row (`built`)."""
        return list((self.leftovers or {}).values())

    # -- capacity ----------------------------------------------------------------------------

    @property
    def free_gb(self) -> int:
        """Free capacity as the scheduler's capacity filter sees it."""
        return self.spec.capacity_gb - self.allocated_gb

    # -- building blocks ---------------------------------------------------------------------
    # Each returns what its caller delegates to (``yield from``) rather than being a generator
    # itself: every simpy step of a process resumes each generator frame of its chain.

    def _fault(self, op: str, attrs: dict[str, Any]) -> Iterable[Any]:
        # `attrs` as a dict, not ``**`` keywords: CPython would compare each name with the
        # parameters' on every call, and the point is almost never armed.
        faults = self.kernel.faults
        if "cinder.driver" not in faults.hot:  # consulting it would do nothing
            return ()
        return faults.pause(
            "cinder.driver", op=op, backend=self.name, driver=self.spec.kind, **attrs
        )

    def _snapshot_fault(self, op: str, volume: Any, snapshot: Any) -> Iterable[Any]:
        """`_fault` of an operation between `volume` (its id and size) and `snapshot`."""
        if "cinder.driver" not in self.kernel.faults.hot:
            return ()
        return self._fault(
            op, {"volume_id": volume.id, "snapshot_id": snapshot.id, "size": volume.size}
        )

    def _delete_snapshot_fault(self, snapshot: Any) -> Iterable[Any]:
        """`_fault` of deleting `snapshot` (its volume's id and size)."""
        if "cinder.driver" not in self.kernel.faults.hot:
            return ()
        return self._fault(
            "delete_snapshot",
            {
                "volume_id": snapshot.volume_id,
                "snapshot_id": snapshot.id,
                "size": snapshot.volume_size,
            },
        )

    def _wait(self, seconds: float) -> Iterable[Any]:
        return (self.kernel.timeout(seconds),) if seconds > 0 else ()

    def _move(self, size_gb: int, label: str, extra: tuple = (), **attrs: Any) -> Generator:
        """Move `size_gb` GiB through this backend's resource (plus `extra` resources)."""
        io = self.kernel.io
        res = io.resource(self.spec.resource_name, mb_per_s(self.spec.throughput_mb_per_s))
        transfer = io.transfer(
            size_gb * GiB, (*extra, res), label=label, backend=self.name, **attrs
        )
        yield transfer.done

    # -- connections -------------------------------------------------------------------------

    def initialize_connection(self, volume: Any, connector: Any) -> dict[str, Any]:
        """The LVM driver's iSCSI target (``ISCSITarget._get_iscsi_properties``, 12.0.10 to
        29.0.0) reading the export ``create_export`` saved (`iscsi_export`): one portal, and
        the lists of them for a ``multipath`` connector; tgtadm's lun 1, LIO's 0 (from
        `LIO_TARGET_SINCE`); the export's CHAP credentials; the target sets ``encrypted``
        itself."""
        if not isinstance(connector, dict):  # the target's ``connector.get('multipath')``
            raise VolumeBackendAPIException(data="Driver initialize connection failed")
        iqn = iscsi_export.target_iqn(volume.id)
        lio = self.kernel.switches.series.cinder >= LIO_TARGET_SINCE
        lun = iscsi_export.LIO_LUN if lio else iscsi_export.TGT_LUN
        data: dict[str, Any] = {"target_discovered": False}
        if connector.get("multipath"):
            data.update(target_portals=[PORTAL], target_iqns=[iqn], target_luns=[lun])
        data.update(target_portal=PORTAL, target_iqn=iqn, target_lun=lun, volume_id=volume.id)
        user, password = iscsi_export.chap(self.kernel, volume.id)
        data.update(auth_method="CHAP", auth_username=user, auth_password=password)
        data["encrypted"] = volume.encryption_key_id is not None
        return {"driver_volume_type": "iscsi", "data": data}

    def create_export(self, volume: Any) -> None:
        """The LVM driver's ``create_export`` through its iSCSI target (12.0.10 to 29.0.0),
        before each connection: the volume's ``provider_location``, "<portal>,<tid> <iqn>
        <lun>" (LIO's tid is the iqn, tgtd's its target number: 1 here), which
        ``remove_export`` leaves, so it stays from the first connection until the volume is
        deleted (the CHAP half, ``provider_auth``: `iscsi_export.chap`). RBD's and NFS's
        export nothing."""
        if not self.iscsi_target or getattr(volume, "provider_location", None) is not None:
            return
        iqn = iscsi_export.target_iqn(volume.id)
        if self.kernel.switches.series.cinder >= LIO_TARGET_SINCE:
            volume.provider_location = f"{PORTAL},{iqn} {iqn} {iscsi_export.LIO_LUN}"
        else:
            volume.provider_location = f"{PORTAL},1 {iqn} {iscsi_export.TGT_LUN}"

    def terminate_connection(self, volume: Any, connector: Any) -> None:
        """The LVM driver's ``terminate_connection`` through its target (12.0.10 to 29.0.0):
        tgtadm's does nothing; LIO's (from `LIO_TARGET_SINCE`) reads ``connector['initiator']``
        of an exported volume (``provider_location`` set by `create_export` at its first
        connection, kept until it is deleted), so no connector or one without an initiator is
        the manager's ``VolumeBackendAPIException``. A volume attached by ``os-attach`` alone
        was never exported: its force detach without a connector succeeds (Tempest's
        ``test_force_detach_volume``, bug #2004555)."""
        if not self.iscsi_target or self.kernel.switches.series.cinder < LIO_TARGET_SINCE:
            return
        if getattr(volume, "provider_location", None) is None:
            return
        if not isinstance(connector, dict) or "initiator" not in connector:
            raise VolumeBackendAPIException(
                data=f"Terminate volume connection failed: no initiator in {connector!r}"
            )

    # -- volumes -----------------------------------------------------------------------------

    def create_volume(self, volume: Any) -> Generator:
        """Create a blank volume."""
        yield from self._fault("create_volume", {"volume_id": volume.id, "size": volume.size})
        yield from self._wait(self.spec.volume_create_s)
        self.allocated_gb += volume.size

    def create_volume_from_snapshot(self, volume: Any, snapshot: Any) -> Generator:
        """Create a volume holding a snapshot's data (a clone here; kinds override)."""
        yield from self._snapshot_fault("create_volume_from_snapshot", volume, snapshot)
        yield from self._wait(self.spec.snapshot_create_s)
        self.allocated_gb += volume.size

    def create_cloned_volume(self, volume: Any, source: Any) -> Generator:
        """Create a volume holding another volume's data: a full copy on copying kinds."""
        yield from self._fault(
            "create_cloned_volume",
            {"volume_id": volume.id, "source_volid": source.id, "size": volume.size},
        )
        if self.copies_clones:
            yield from self._move(source.size, "cinder.clone_volume", volume_id=volume.id)
        else:
            yield from self._wait(self.spec.snapshot_create_s)
        self.allocated_gb += volume.size

    def copy_image_to_volume(
        self,
        volume: Any,
        image_size: int,
        link: Any,
        image_id: str | None = None,
        created: Callable[[], None] | None = None,
        fetched: Callable[[], None] | None = None,
        before_copy: Callable[[], bool] | None = None,
    ) -> Generator:
        """Create a volume and write an image of `image_size` bytes into it (read from Glance
        as ``GET /v2/images/{image_id}/file``).

        As the create flow's ``_create_from_image_download``: ``driver.create_volume`` first,
        then `created` (the manager sets status ``downloading`` there), then `before_copy`
        (Glance's middleware checking the download's token: it may raise, and says whether it
        traced the request), the copy, then
        `fetched` (``fetch_to_volume_format``'s checks of the data; it may raise)."""
        yield from self._wait(self.spec.volume_create_s)
        if created is not None:
            created()
        yield from self._fault(
            "copy_image_to_volume", {"volume_id": volume.id, "size": volume.size}
        )
        sent = before_copy() if before_copy is not None else False
        io = self.kernel.io
        res = io.resource(self.spec.resource_name, mb_per_s(self.spec.throughput_mb_per_s))
        transfer = io.transfer(
            image_size, (link, res), label="cinder.image_download", volume_id=volume.id
        )
        yield from images.download(self.kernel, image_id or "-", transfer.done, sent)
        if fetched is not None:
            fetched()
        self.allocated_gb += volume.size

    def copy_volume_out(self, volume: Any, target: Any) -> Generator:
        """Copy `volume`'s whole size to another backend's resource `target` (a migration's
        ``_copy_volume_data``)."""
        yield from self._fault("migrate_volume", {"volume_id": volume.id, "size": volume.size})
        yield from self._move(volume.size, "cinder.migrate_volume", (target,), volume_id=volume.id)

    def extend_volume(self, volume: Any, new_size: int) -> Generator:
        """Grow `volume` to `new_size` GiB (a metadata operation taking ``volume_create_s``)."""
        yield from self._fault("extend_volume", {"volume_id": volume.id, "size": new_size})
        yield from self._wait(self.spec.volume_create_s)
        self.allocated_gb += new_size - volume.size

    def copy_volume_to_image(
        self, context: Any, volume: Any, image_service: Any, image_meta: dict[str, Any]
    ) -> Generator:
        """Upload the volume's bytes (its whole size) to the queued image `image_meta`: one
        transfer over this backend's resource and Glance's store (Glance's own upload)."""
        yield from self._fault(
            "copy_volume_to_image", {"volume_id": volume.id, "size": volume.size}
        )
        res = self.kernel.io.resource(
            self.spec.resource_name, mb_per_s(self.spec.throughput_mb_per_s)
        )
        data = ImageData(size=volume.size * GiB, content_id=f"volume-{volume.id}", link=res.name)
        yield from image_service.upload(context, image_meta["id"], data)

    def delete_volume(self, volume: Any) -> Generator:
        """Delete a volume (wiping it first on kinds that do)."""
        yield from self._fault("delete_volume", {"volume_id": volume.id, "size": volume.size})
        if self.wipes_on_delete and self.spec.volume_clear == "zero":
            yield from self._move(volume.size, "cinder.clear_volume", volume_id=volume.id)
        else:
            yield from self._wait(self.spec.volume_delete_s)
        self.allocated_gb -= volume.size

    def unmanage(self, volume: Any) -> Iterable[Any]:
        """Forget `volume` (``os-unmanage``): LVM's and RBD's ``unmanage`` leave the data, and
        its space, on the backend; no time passes."""
        return self._fault("unmanage", {"volume_id": volume.id, "size": volume.size})

    def unmanage_snapshot(self, snapshot: Any) -> Iterable[Any]:
        """Forget `snapshot` (its ``os-unmanage``): the base driver's and LVM's do nothing, RBD's
        unprotects it; the data stays, and no time passes."""
        if "cinder.driver" not in self.kernel.faults.hot:
            return ()
        attrs = {"volume_id": snapshot.volume_id, "snapshot_id": snapshot.id}
        return self._fault("unmanage_snapshot", {**attrs, "size": snapshot.volume_size})

    # -- manage existing ---------------------------------------------------------------------

    def manage_existing_get_size(self, ref: Any, snapshot: Any = None, store: Any = None) -> int:
        """LVM's ``manage_existing_object_get_size`` and RBD's ``manage_existing_get_size``
        / ``manage_existing_snapshot_get_size``: the GiB of what `ref`'s ``source-name`` names
        (a text `ref` is taken as the name for `snapshot`). LVM: any LV of its volume group
        (`lv`: one no row knows, or a volume's or snapshot's `store` has), whether the new
        row is a volume or a snapshot; RBD: an image no row knows, or for `snapshot` one of
        its volume's image's snapshots no row knows (`leftovers`). The ``copy`` and NFS
        drivers adopt nothing here (the base driver's ``NotImplementedError``; real NFS has no
        ``manage_existing_get_size`` at all: `fakecloud.cinder.nfs`)."""
        if self.spec.kind not in MANAGEABLE_KINDS:
            raise NotImplementedError()
        if snapshot is not None and not isinstance(ref, dict):
            ref = {"source-name": ref}
        if not isinstance(ref, dict) or "source-name" not in ref:
            raise ManageExistingInvalidReference(
                existing_ref=ref, reason="Reference must contain source-name element."
            )
        name = ref["source-name"]
        if self.spec.kind != "rbd":
            found = self.lv(name, store)
            if found is None:
                raise ManageExistingInvalidReference(
                    existing_ref=name, reason="Specified logical volume does not exist."
                )
            return found[2]
        key = self.leftover_key(name, snapshot)
        size = (self.leftovers or {}).get(key)
        origins = self.origins or {}
        if snapshot is not None and origins.get(key) != f"volume-{snapshot.volume_id}":
            size = None  # not a snapshot of this volume's image
        if size is None:
            reason = "Specified snapshot does not exist." if snapshot else None
            raise ManageExistingInvalidReference(
                existing_ref=name, reason=reason or "Specified RBD image does not exist."
            )
        return size

    def lv(self, name: Any, store: Any = None) -> tuple[str, str, int, bool] | None:
        """LVM's ``vg.get_volume(name)``: the LV `name` in the volume group, as (``volume`` or
        ``snapshot``, its id, GiB, whether a row of `store` knows it), or None. The LVs are
        ``volume-<id>`` and ``_snapshot-<id>`` (``_escape_snapshot``), a row's while the
        backend holds it, or a leftover."""
        if not isinstance(name, str):
            return None
        if name.startswith("volume-"):
            kind, rid = "volume", name[7:]
        elif name.startswith("_snapshot-"):
            kind, rid = "snapshot", name[10:]
        else:
            return None
        size = (self.leftovers or {}).get(f"{kind}-{rid}")
        if size is not None:
            return kind, rid, size, False
        if store is None or not self.holds(rid):
            return None
        if kind == "volume":
            volume = store.volumes.get(rid)
            if volume is None or volume.backend != self.name:
                return None
            return kind, rid, volume.size, True
        snap = store.snapshots.get(rid)
        volume = store.volumes.get(snap.volume_id) if snap is not None else None
        if volume is None or volume.backend != self.name:
            return None
        return kind, rid, snap.volume_size, True

    def leftover_key(self, name: Any, snapshot: Any = None) -> str | None:
        """The `leftovers` key of what RBD calls `name` (an image, or with `snapshot` a
        snapshot of one, ``snapshot-<id>``)."""
        if not isinstance(name, str):
            return None
        prefix = "volume-" if snapshot is None else "snapshot-"
        return name if name.startswith(prefix) else None

    def manage_existing(
        self, resource: Any, ref: Any, snapshot: bool = False, store: Any = None
    ) -> Generator:
        """LVM's ``manage_existing`` / ``manage_existing_snapshot`` (``lvrename`` to the new
        row's name) and RBD's (the image or snapshot renamed): the backend holds what `ref`
        names as `resource` (a volume, or a snapshot). LVM renames any LV but a volume's a
        row of `store` has (``check_already_managed_volume``: ManageExistingAlreadyManaged):
        a leftover, or a snapshot's LV, that snapshot's row then naming nothing here. Its space
        stays taken, as the new kind takes it. A metadata operation: no time passes."""
        if snapshot:
            attrs = {"volume_id": resource.volume_id, "snapshot_id": resource.id}
        else:
            attrs = {"volume_id": resource.id}
        yield from self._fault("manage_existing", attrs)
        if snapshot and not isinstance(ref, dict):
            ref = {"source-name": ref}
        name = ref["source-name"]
        if self.spec.kind == "rbd":
            found = None
            key = self.leftover_key(name, resource if snapshot else None)
        else:
            if store is not None and name.startswith("volume-") and name[7:] in store.volumes:
                raise ManageExistingAlreadyManaged(volume_ref=name)
            found = self.lv(name, store)
            key = None if found is None else f"{found[0]}-{found[1]}"
        leftovers = self.leftovers or {}
        if found is None and key not in leftovers:  # adopted meanwhile by another manage
            raise VolumeBackendAPIException(
                data=f"Failed to rename logical volume {name}, error message was: not found"
            )
        if found is not None and found[3]:  # a snapshot's LV: its row's snapshot is gone
            self.building(found[1])
        else:
            self._adopted(key)
        if found is not None:
            # a volume takes its size; a snapshot only where snapshots take space
            taken = {"volume": 1, "snapshot": int(self.snapshot_takes_space)}
            new = "snapshot" if snapshot else "volume"
            self.allocated_gb += found[2] * (taken[new] - taken[found[0]])
        self.forget(resource.id)

    def _adopted(self, key: str) -> None:
        leftovers = self.leftovers
        del leftovers[key]
        if not leftovers:
            del self.leftovers  # back to the class's None
        origins = self.origins
        if origins is not None and key in origins:
            del origins[key]
            if not origins:
                del self.origins

    # -- snapshots ---------------------------------------------------------------------------

    def create_snapshot(self, snapshot: Any, volume: Any) -> Iterable[Any]:
        """Take a snapshot of `volume` (metadata only here; kinds override).

        What the caller yields from: the wait alone when no fault fires (no generator frame
        per snapshot in flight; a storm has one per server), the fault's pause, then the wait,
        when one does."""
        fault = self._snapshot_fault("create_snapshot", volume, snapshot)
        if fault:
            return self._then_wait(fault, self.spec.snapshot_create_s)
        return self._wait(self.spec.snapshot_create_s)

    # -- revert to snapshot ------------------------------------------------------------------

    def revert_uses_temp_snapshot(self) -> bool:
        """``snapshot_revert_use_temp_snapshot``: whether the manager takes a backup snapshot
        before the revert."""
        return True

    def revert_to_snapshot(self, volume: Any, snapshot: Any) -> Generator:
        """The generic revert: a temporary volume from `snapshot` (the kind's own create),
        `volume`'s size copied onto `volume` through the host, the temporary deleted."""
        yield from self._snapshot_fault("revert_to_snapshot", volume, snapshot)
        temp = SimpleNamespace(id=self.kernel.ids.uuid(), size=volume.size, snapshot_id=snapshot.id)
        yield from self.create_volume_from_snapshot(temp, snapshot)
        try:
            yield from self._move(
                volume.size, "cinder.revert_copy", volume_id=volume.id, snapshot_id=snapshot.id
            )
        finally:
            yield from self.delete_volume(temp)

    def _then_wait(self, fault: Iterable[Any], seconds: float) -> Generator:
        yield from fault
        yield from self._wait(seconds)

    def delete_snapshot(self, snapshot: Any, volume: Any) -> Generator:
        """Delete a snapshot (metadata only here; kinds override)."""
        yield from self._delete_snapshot_fault(snapshot)
        yield from self._wait(self.spec.snapshot_delete_s)


class LvmThinDriver(Driver):
    """Thin LVM: snapshots and clones are thin metadata; nothing is wiped on delete."""


class LvmThickDriver(Driver):
    """Thick LVM: COW snapshots reserve the volume's size; deletes zero; clones are ``dd``."""

    snapshot_takes_space = True
    wipes_on_delete = True
    copies_clones = True

    def create_snapshot(self, snapshot: Any, volume: Any) -> Generator:
        """An LVM COW snapshot: reserve the volume's size of free space, or fail."""
        yield from self._snapshot_fault("create_snapshot", volume, snapshot)
        if self.free_gb < volume.size:
            raise VolumeBackendAPIException(
                data=f"Insufficient free space for snapshot of volume {volume.id}: "
                f"{self.free_gb}G free, {volume.size}G needed"
            )
        self.allocated_gb += volume.size
        yield from self._wait(self.spec.snapshot_create_s)

    def delete_snapshot(self, snapshot: Any, volume: Any) -> Generator:
        """Zero the snapshot's COW space (its whole volume size), then free it."""
        yield from self._delete_snapshot_fault(snapshot)
        if self.spec.volume_clear == "zero":
            yield from self._move(
                snapshot.volume_size, "cinder.clear_snapshot", snapshot_id=snapshot.id
            )
        else:
            yield from self._wait(self.spec.snapshot_delete_s)
        self.allocated_gb -= snapshot.volume_size

    def create_volume_from_snapshot(self, volume: Any, snapshot: Any) -> Generator:
        """Create the volume, then ``dd`` the snapshot's data into it."""
        yield from self._snapshot_fault("create_volume_from_snapshot", volume, snapshot)
        yield from self._wait(self.spec.volume_create_s)
        yield from self._move(
            snapshot.volume_size, "cinder.copy_snapshot_to_volume", volume_id=volume.id
        )
        self.allocated_gb += volume.size

    def revert_to_snapshot(self, volume: Any, snapshot: Any) -> Generator:
        """``vg.revert`` (the COW snapshot merged into its volume, its space freed), then the
        snapshot made again (the space reserved again, or the revert fails)."""
        yield from self._snapshot_fault("revert_to_snapshot", volume, snapshot)
        self.allocated_gb -= snapshot.volume_size
        yield from self._wait(self.spec.snapshot_create_s)
        yield from self.create_snapshot(snapshot, volume)


#: ``rados_connection_interval`` (default 5 s): ``delete_snapshot``'s retry of the unprotect
#: after the clones are flattened waits it once (tenacity's first exponential wait).
RADOS_CONNECTION_INTERVAL_S = 5.0


class RbdDriver(Driver):
    """Ceph RBD: snapshots and COW clones are metadata; busy snapshots cannot be deleted."""

    clones: dict[str, set[str]]
    connector_needs = None
    iscsi_target = False

    def __init__(self, kernel: Any, spec: BackendSpec):
        super().__init__(kernel, spec)
        #: snapshot id -> ids of live volumes cloned from it without flattening.
        self.clones = {}

    def initialize_connection(self, volume: Any, connector: Any) -> dict[str, Any]:
        """``RBDDriver.initialize_connection``, which reads nothing of the connector: no
        ``rbd_secret_uuid`` (Cinder's default), ``discard``, and before `RBD_KEYRING_GONE` a
        ``keyring`` (null: no ``rbd_keyring_conf``)."""
        # The monitors as tuples (the same JSON): a dict holding no container is one the
        # collector does not track, and every attachment keeps its connection's.
        data = {
            "name": f"volumes/volume-{volume.id}",
            "hosts": ("127.0.0.1",),
            "ports": ("6789",),
            "cluster_name": "ceph",
            "auth_enabled": True,
            "auth_username": "cinder",
            "secret_type": "ceph",
            "secret_uuid": None,
            "volume_id": volume.id,
            "discard": True,
        }
        if self.kernel.switches.series.cinder < RBD_KEYRING_GONE:
            data["keyring"] = None
        return {"driver_volume_type": "rbd", "data": data}

    def create_volume_from_snapshot(self, volume: Any, snapshot: Any) -> Generator:
        """A COW clone (the snapshot becomes busy), or a flattened full copy."""
        yield from self._snapshot_fault("create_volume_from_snapshot", volume, snapshot)
        yield from self._wait(self.spec.snapshot_create_s)
        if self.spec.rbd_flatten_volume_from_snapshot:
            yield from self._move(snapshot.volume_size, "cinder.rbd_flatten", volume_id=volume.id)
        else:
            self.clones.setdefault(snapshot.id, set()).add(volume.id)
        self.allocated_gb += volume.size

    def delete_volume(self, volume: Any) -> Generator:
        """Delete the volume; a clone no longer holds its parent snapshot."""
        yield from super().delete_volume(volume)
        if volume.snapshot_id is not None:
            children = self.clones.get(volume.snapshot_id)
            if children is not None:
                children.discard(volume.id)

    def revert_uses_temp_snapshot(self) -> bool:
        """False from Cinder 16, which brought the driver's own revert."""
        return self.kernel.switches.series.cinder < RBD_REVERT_SINCE

    def revert_to_snapshot(self, volume: Any, snapshot: Any) -> Generator:
        """``rollback_to_snap`` (Cinder 16 on): the volume's size rewritten from the snapshot;
        before, the generic revert."""
        if self.revert_uses_temp_snapshot():
            yield from super().revert_to_snapshot(volume, snapshot)
            return
        yield from self._snapshot_fault("revert_to_snapshot", volume, snapshot)
        yield from self._move(volume.size, "cinder.rbd_rollback", volume_id=volume.id)

    def delete_snapshot(self, snapshot: Any, volume: Any) -> Generator:
        """Unprotect and remove the snapshot. While clones depend on it, ``SnapshotIsBusy``
        (switch ``rbd_snapshot_busy_with_clones``), or from Cinder 24.0.0 each clone flattened
        first, one after the other (``_flatten_children``: the snapshot's size copied into it,
        which then depends on nothing), and after ``rados_connection_interval`` the unprotect
        tried again (``utils.retry`` on the first ``ImageBusy``)."""
        yield from self._delete_snapshot_fault(snapshot)
        yield from self._wait(self.spec.snapshot_delete_s)
        children = self.clones.get(snapshot.id)
        if not children:
            return
        if self.kernel.switches.rbd_snapshot_busy_with_clones:
            raise SnapshotIsBusy(snapshot_name=f"snapshot-{snapshot.id}")
        for child in sorted(children):
            yield from self._move(snapshot.volume_size, "cinder.rbd_flatten", volume_id=child)
        del self.clones[snapshot.id]
        yield from self._wait(RADOS_CONNECTION_INTERVAL_S)


class CopyDriver(Driver):
    """A copying backend: every snapshot, and every volume from a snapshot, is a full copy."""

    snapshot_takes_space = True
    copies_clones = True
    iscsi_target = False

    def initialize_connection(self, volume: Any, connector: Any) -> dict[str, Any]:
        """``NfsDriver.initialize_connection``: the share, the file, its options and format,
        and the mount point base beside the data."""
        data = {
            "export": "127.0.0.1:/srv/cinder",
            "name": f"volume-{volume.id}",
            "options": None,
            "format": "raw",
        }
        return {"driver_volume_type": "nfs", "data": data, "mount_point_base": MOUNT_POINT_BASE}

    def create_snapshot(self, snapshot: Any, volume: Any) -> Generator:
        """Copy the whole volume at the backend's throughput."""
        yield from self._snapshot_fault("create_snapshot", volume, snapshot)
        self.allocated_gb += volume.size
        try:
            yield from self._move(volume.size, "cinder.copy_snapshot", snapshot_id=snapshot.id)
        except Exception:
            self.allocated_gb -= volume.size
            raise

    def delete_snapshot(self, snapshot: Any, volume: Any) -> Generator:
        """Remove the copy and free its space."""
        yield from super().delete_snapshot(snapshot, volume)
        self.allocated_gb -= snapshot.volume_size

    def create_volume_from_snapshot(self, volume: Any, snapshot: Any) -> Generator:
        """Copy the snapshot's data into the new volume."""
        yield from self._snapshot_fault("create_volume_from_snapshot", volume, snapshot)
        yield from self._move(
            snapshot.volume_size, "cinder.copy_snapshot_to_volume", volume_id=volume.id
        )
        self.allocated_gb += volume.size
