"""The NFS backend (``cinder/volume/drivers/nfs.py`` on ``remotefs.py``): volumes are files on a
share, snapshots qcow2 overlays, and an attached volume's snapshots are made by Nova.

Each volume's ``volume-<id>.info`` file is `NfsDriver.info` (snapshot id -> its file, and
``active``), its files' backing chain `NfsDriver.backing` (file -> the file under it).

- ``nfs_snapshot_support`` off (Cinder's default): every snapshot fails ("NFS driver snapshot
  support is disabled in cinder.conf.", ``_check_snapshot_support``).
- A detached volume's snapshot is a ``qemu-img create`` of ``volume-<id>.<snapshot id>`` on the
  active file, which it replaces (``snapshot_create_s``); its delete a ``qemu-img commit``
  (``snapshot_delete_s``).
- An attached volume's snapshot (``_create_snapshot_online``): the new file, then Nova's
  ``POST /os-assisted-volume-snapshots`` (create_info: snapshot_id, type qcow2, new_file), then
  polling the snapshot's row every 1 s (2 s past 10 s, 5 s past 20 s, 10 s past 60 s) until
  Nova's ``os-update_snapshot_status`` puts it at ``90%``; ``error`` is "Nova returned "error"
  status while creating snapshot."; past 600 s, "Timed out while waiting for Nova update for
  creation of snapshot <id>.". The attachment's connection info then names the new file
  (not before Cinder 19.0.0 and its backports: switch ``lp1860913``), format qcow2 (from
  Cinder 26.0.0 and its backports: switch ``lp1989514``). Its delete
  (``_delete_snapshot_online``) is Nova's ``DELETE
  /os-assisted-volume-snapshots/<id>?delete_info=...`` (a blockRebase when the snapshot's file is
  the active one, else a blockCommit) polled the same way for ``deleting`` at ``90%``, 7200 s.
- Extending an attached volume is refused (from Cinder 17: "Cannot extend volume <id> while it
  is attached."); the driver has no revert of its own (the manager's generic one runs).
- A volume from a snapshot, and a clone, are ``qemu-img convert`` copies.
- A volume's snapshot creates and deletes, and its extends, take turns
  (``@coordination.synchronized('nfs-{volume.id}')``): a delete waits for a create that waits
  on Nova.

One divergence: real Cinder's create poll spins without sleeping when an admin resets the
snapshot to ``available`` meanwhile; here that ends the wait.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.cinder import compute
from fakecloud.cinder.backends import MOUNT_POINT_BASE, Driver
from fakecloud.cinder.exception import (
    ExtendVolumeError,
    InvalidVolume,
    RemoteFSConcurrentRequest,
    RemoteFSException,
    SnapshotNotFound,
    VolumeDriverException,
)

#: The first Cinder whose NFS driver refuses to extend an attached volume (17.0.0, bug #1870367).
NO_ATTACHED_EXTEND_SINCE = 17
#: ``_create_snapshot_online``'s and ``_nova_assisted_vol_snap_delete``'s timeouts, seconds.
CREATE_TIMEOUT_S = 600
DELETE_TIMEOUT_S = 7200


def poll_increment(elapsed: int, increment: int) -> int:
    """The remotefs wait's next sleep after `elapsed` seconds (1, 2, 5 then 10 s)."""
    if 10 < elapsed <= 20:
        return 2
    if 20 < elapsed <= 60:
        return 5
    if elapsed > 60:
        return 10
    return increment


def _validate_state(current: str, acceptable: list[str]) -> None:
    """``RemoteFSDriver._validate_state``."""
    if current not in acceptable:
        raise InvalidVolume(
            message=f"Invalid volume state. Acceptable states for this operation: {acceptable}. "
            f"Current volume state: {current}."
        )


class NfsDriver(Driver):
    """``NfsDriver``: files on a share, qcow2 snapshots, Nova-assisted when attached."""

    connector_needs = None
    iscsi_target = False
    copies_clones = True
    info: dict[str, dict[str, str]]
    backing: dict[str, dict[str, str | None]]
    held: dict[str, Any]

    def __init__(self, kernel: Any, spec: Any):
        super().__init__(kernel, spec)
        self.info = {}
        self.backing = {}
        #: lock name -> the event its holder triggers on release
        self.held = {}

    def _synchronized(self, volume_id: str, work: Generator) -> Generator:
        """Run `work` holding ``nfs-<volume id>`` (waiting while another holds it)."""
        key = f"nfs-{volume_id}"
        while key in self.held:
            yield self.held[key]
        self.held[key] = self.kernel.env.event()
        try:
            return (yield from work)
        finally:
            self.held.pop(key).succeed()

    def active_file(self, volume_id: str) -> str:
        """The file the volume's guest reads and writes (``get_active_image_from_info``)."""
        info = self.info.get(volume_id)
        return info["active"] if info else f"volume-{volume_id}"

    def initialize_connection(self, volume: Any, connector: Any) -> dict[str, Any]:
        """``NfsDriver.initialize_connection``: the share, the active file, its options and
        format (qcow2 once a snapshot was taken), and the mount point base beside the data."""
        name = self.active_file(volume.id)
        data = {
            "export": self.spec.nfs_share,
            "name": name,
            "options": None,
            "format": "raw" if name == f"volume-{volume.id}" else "qcow2",
        }
        return {"driver_volume_type": "nfs", "data": data, "mount_point_base": MOUNT_POINT_BASE}

    def extend_volume(self, volume: Any, new_size: int) -> Generator:
        """``NfsDriver.extend_volume``: an attached volume is refused from Cinder 17."""
        return self._synchronized(volume.id, self._extend_volume(volume, new_size))

    def _extend_volume(self, volume: Any, new_size: int) -> Generator:
        attached = volume.attach_status == "attached"
        if attached and self.kernel.switches.series.cinder >= NO_ATTACHED_EXTEND_SINCE:
            raise ExtendVolumeError(f"Cannot extend volume {volume.id} while it is attached.")
        yield from super().extend_volume(volume, new_size)

    # -- snapshots ---------------------------------------------------------------------------

    def create_snapshot(self, snapshot: Any, volume: Any) -> Generator:
        """``create_snapshot`` → ``_create_snapshot``: offline with qemu-img, online through
        Nova; the new file becomes the active one."""
        return self._synchronized(volume.id, self._create_snapshot(snapshot, volume))

    def _create_snapshot(self, snapshot: Any, volume: Any) -> Generator:
        yield from self._snapshot_fault("create_snapshot", volume, snapshot)
        if not self.spec.nfs_snapshot_support:
            raise VolumeDriverException(
                message="NFS driver snapshot support is disabled in cinder.conf."
            )
        acceptable = ["available", "in-use", "backing-up"]
        if snapshot.display_name is None and self.kernel.switches.lp1886222:
            raise AttributeError("'NoneType' object has no attribute 'startswith'")
        if (snapshot.display_name or "").startswith("tmp-snap-"):
            acceptable.append("downloading")
        _validate_state(volume.status, acceptable)
        backing_file = self.active_file(volume.id)
        new_file = f"volume-{volume.id}.{snapshot.id}"
        yield from self._wait(self.spec.snapshot_create_s)  # qemu-img create -b
        if volume.attach_status == "attached":
            create_info = {"type": "qcow2", "new_file": new_file, "snapshot_id": snapshot.id}
            yield from compute.create_volume_snapshot(self.kernel, volume.id, create_info)
            yield from self._await_nova(snapshot, "creating", CREATE_TIMEOUT_S)
            switches = self.kernel.switches
            for attachment in volume.attachments[:1]:
                # the attachment renamed from lp1860913's fix, its format from lp1989514's
                if attachment.connection_info is not None and not switches.lp1860913:
                    info = attachment.connection_info = dict(attachment.connection_info)
                    info["name"] = new_file
                    if not switches.lp1989514:
                        info["format"] = "qcow2"
        self.backing.setdefault(volume.id, {})[new_file] = backing_file
        info = self.info.setdefault(volume.id, {})
        info["active"] = info[snapshot.id] = new_file

    def _await_nova(self, snapshot: Any, waiting: str, timeout: int) -> Generator:
        """Poll the snapshot's row until Nova's update puts it at ``90%`` in `waiting`."""
        elapsed, increment = 0, 1
        while True:
            status = snapshot.status
            if status == "deleted":
                raise SnapshotNotFound(snapshot_id=snapshot.id)
            if status == waiting:
                if snapshot.progress == "90%":
                    return
                yield self.kernel.timeout(increment)
                elapsed += increment
            elif waiting == "deleting":
                raise RemoteFSException(
                    f"Unable to delete snapshot {snapshot.id}, status: {status}."
                )
            elif status == "error":
                raise RemoteFSException('Nova returned "error" status while creating snapshot.')
            elif status in ("deleting", "error_deleting"):
                raise RemoteFSConcurrentRequest(
                    f"Snapshot {snapshot.id} has been asked to be deleted while waiting for it "
                    "to become available. Perhaps a concurrent request was made."
                )
            else:
                return
            increment = poll_increment(elapsed, increment)
            if elapsed > timeout:
                what = "creation" if waiting == "creating" else "deletion"
                raise RemoteFSException(
                    f"Timed out while waiting for Nova update for {what} of snapshot {snapshot.id}."
                )

    def delete_snapshot(self, snapshot: Any, volume: Any) -> Generator:
        """``_delete_snapshot``: nothing when the info file has no record of it; offline a
        ``qemu-img commit``; online Nova's blockRebase (the snapshot's file is the active one)
        or blockCommit."""
        return self._synchronized(volume.id, self._delete_snapshot(snapshot, volume))

    def _delete_snapshot(self, snapshot: Any, volume: Any) -> Generator:
        yield from self._delete_snapshot_fault(snapshot)
        _validate_state(
            volume.status, ["available", "in-use", "backing-up", "deleting", "downloading"]
        )
        info = self.info.get(volume.id, {})
        snapshot_file = info.get(snapshot.id)
        if snapshot_file is None:
            return
        backing = self.backing[volume.id]
        base_file = backing.get(snapshot_file)
        base_id = next((s for s, f in info.items() if s != "active" and f == base_file), None)
        active_file = info["active"]
        above = next((f for f, b in backing.items() if b == snapshot_file), None)
        if volume.attach_status == "attached":
            if snapshot_file == active_file:
                new_base = None if base_id is None else backing.get(base_file)
                delete_info = {"file_to_merge": new_base, "merge_target_file": None}
                gone = base_file
            else:
                delete_info = {"file_to_merge": snapshot_file, "merge_target_file": base_file}
                gone = snapshot_file
            delete_info.update(type="qcow2", volume_id=volume.id)
            yield from compute.delete_volume_snapshot(self.kernel, snapshot.id, delete_info)
            yield from self._await_nova(snapshot, "deleting", DELETE_TIMEOUT_S)
            if gone == base_file:  # pulled into the active file, now on what was under it
                backing[snapshot_file] = backing.pop(base_file, None)
                if base_id is not None:
                    info[base_id] = snapshot_file
            else:
                backing.pop(snapshot_file, None)
                if above is not None:
                    backing[above] = base_file
        else:
            yield from self._wait(self.spec.snapshot_delete_s)  # qemu-img commit (and rebase)
            backing.pop(snapshot_file, None)
            if snapshot_file == active_file:
                info["active"] = base_file
            elif above is not None:
                backing[above] = base_file
        del info[snapshot.id]
        if info.get("active") == f"volume-{volume.id}" and len(info) == 1:
            del self.info[volume.id]

    def create_volume_from_snapshot(self, volume: Any, snapshot: Any) -> Generator:
        """``_copy_volume_from_snapshot``: a ``qemu-img convert`` of the snapshot's data."""
        yield from self._snapshot_fault("create_volume_from_snapshot", volume, snapshot)
        yield from self._move(
            snapshot.volume_size, "cinder.copy_snapshot_to_volume", volume_id=volume.id
        )
        self.allocated_gb += volume.size

    def delete_volume(self, volume: Any) -> Generator:
        """Delete the volume's files and its info file."""
        yield from super().delete_volume(volume)
        self.info.pop(volume.id, None)
        self.backing.pop(volume.id, None)

    # -- manage and unmanage: NfsDriver has none ---------------------------------------------
    # ``RemoteFSManageableVolumesMixin`` (remotefs.py), which lists and adopts a share's files,
    # is mixed into the Windows SMBFS driver alone (cinder 12.0.10, 16.4.2, 20.0.0, 29.0.0):
    # NfsDriver is ``RemoteFSSnapDriverDistributed`` on ``BaseVD``, whose stubs refuse.

    def unmanage(self, volume: Any) -> Generator:
        """``BaseVD.unmanage``: "Unmanage volume not implemented." (``NotImplementedError``):
        the manager's ``delete_volume`` leaves the volume ``error_unmanaging``."""
        raise NotImplementedError("Unmanage volume not implemented.")

    def unmanage_snapshot(self, snapshot: Any) -> Generator:
        """None at all (``BaseVD`` has no ``unmanage_snapshot``): the ``AttributeError`` the
        manager's ``delete_snapshot`` catches, the snapshot ``error_deleting``."""
        raise AttributeError("'NfsDriver' object has no attribute 'unmanage_snapshot'")
