"""The state tables of Cinder's resources: volume status and attach status, snapshot status,
attachment status (``cinder/objects/fields.py`` values, transitions as ``cinder/volume/api.py``
and ``cinder/volume/manager.py`` make them).

Every change goes through `StateMachine.move`; `born` records a resource's first state (its row
being inserted) the same way without touching ``updated_at``, which Cinder leaves null at create.
The ``*_FORCED`` tables are for the places where Cinder writes a status unconditionally.
``deleted`` is what a soft-deleted row reads as (``volume_destroy`` / ``snapshot_destroy``).
"""

from __future__ import annotations

from typing import Any

from fakecloud.errors import IllegalTransition
from fakecloud.sim.states import StateMachine

#: ``fields.VolumeStatus`` plus the plain strings code paths use.
VOLUME_STATUSES = (
    "creating",
    "available",
    "deleting",
    "error",
    "error_deleting",
    "error_managing",
    "managing",
    "attaching",
    "in-use",
    "detaching",
    "maintenance",
    "restoring-backup",
    "error_restoring",
    "reserved",
    "awaiting-transfer",
    "backing-up",
    "error_backing-up",
    "error_extending",
    "downloading",
    "uploading",
    "retyping",
    "extending",
)

#: ``fields.SnapshotStatus``.
SNAPSHOT_STATUSES = (
    "error",
    "available",
    "creating",
    "deleting",
    "deleted",
    "updating",
    "error_deleting",
    "unmanaging",
    "backing-up",
    "restoring",
)

#: ``fields.VolumeAttachStatus``.
ATTACH_STATUSES = (
    "attached",
    "attaching",
    "detached",
    "reserved",
    "error_attaching",
    "error_detaching",
    "deleted",
)

_VOLUME_MOVES: dict[str | None, set[str]] = {
    None: {"creating", "managing"},
    # manage_existing: the driver adopted it (its size known), or the flow failed.
    "managing": {"available", "error_managing"},
    # backing-up: a backup's temporary clone (``_create_temp_cloned_volume``).
    "creating": {"available", "error", "downloading", "backing-up"},
    "available": {
        "attaching",
        "reserved",
        "in-use",
        "uploading",
        "extending",
        "retyping",
        "backing-up",
        "restoring-backup",
        "awaiting-transfer",
        "maintenance",
        "reverting",
    },
    # a migration with lock_volume: back to the status it had, whatever the outcome.
    "maintenance": {"available", "in-use"},
    # a transfer deleted (``transfer_destroy``) or accepted (``transfer_accept``)
    "awaiting-transfer": {"available"},
    "reserved": {"attaching", "in-use", "available"},
    "attaching": {"in-use", "available", "reserved"},
    "in-use": {
        "detaching",
        "available",
        "reserved",
        "attaching",
        "uploading",
        "extending",
        "retyping",
        "backing-up",
    },
    # A backup: back to the previous status; a restore: done, or its error.
    "backing-up": {"available", "in-use"},
    "restoring-backup": {"available", "error_restoring", "error"},
    # copy_volume_to_image: back to what the attachments say (or the API's rollback).
    "uploading": {"available", "in-use"},
    # extend: done (by the attachments), a scheduling failure (previous status) or the driver's.
    "extending": {"available", "in-use", "error_extending"},
    # retype: back to the status it had (done, refused by the scheduler or the manager).
    "retyping": {"available", "in-use"},
    "detaching": {"in-use", "available"},
    # _create_from_image_download; reserve accepts a downloading volume (volume/api.py).
    "downloading": {"available", "error", "reserved"},
    "deleting": {"error_deleting", "deleted"},
    # revert to snapshot (no ``fields.VolumeStatus``, so no reset-state to it): done, or failed.
    "reverting": {"available", "error", "deleting"},
    # os-unmanage (no ``fields.VolumeStatus`` either): the row destroyed, or the driver failed.
    "unmanaging": {"deleted", "error_unmanaging"},
    # the delete (or unmanage) of a volume whose manage failed (no ``fields.VolumeStatus``).
    "error_managing_deleting": {"deleted", "error_deleting", "error_unmanaging"},
    "error_unmanaging": {"deleting"},
}
for _status in VOLUME_STATUSES:
    # Any other status may go to deleting: the API checks which (force delete skips the check).
    if _status != "deleting":
        _VOLUME_MOVES.setdefault(_status, set()).add("deleting")
for _status in ("available", "error", "error_restoring", "error_extending"):
    _VOLUME_MOVES[_status].add("unmanaging")  # the statuses a delete accepts
_VOLUME_MOVES["error_managing"].add("error_managing_deleting")
for _status in ("available", "error", "reserved"):
    _VOLUME_MOVES[_status].add("downloading")  # os-reimage

VOLUME_STATUS = StateMachine("volume.status", _VOLUME_MOVES)

#: Cinder's unconditional status writes: admin ``os-reset_status``, ``os-complete`` of an
#: attachment, the manager's ``attachment_update`` and the detach recompute (``volume_detached``)
#: set a status whatever the current one; these tables allow exactly that. The manager's
#: ``delete_volume`` destroys the row (``deleted``) or writes ``error_deleting`` whatever the
#: status an admin reset it to after the API said ``deleting``.
VOLUME_STATUS_FORCED = StateMachine(
    "volume.status",
    {
        s: {*VOLUME_STATUSES, "deleted"}
        for s in (
            *VOLUME_STATUSES,
            "reverting",
            "unmanaging",
            "error_unmanaging",
            "error_managing_deleting",
        )
    },
)

VOLUME_ATTACH_STATUS = StateMachine(
    "volume.attach_status",
    {
        None: {"detached"},
        "detached": {"attaching", "attached", "reserved"},
        "reserved": {"attaching", "attached", "detached"},
        "attaching": {"attached", "detached", "reserved"},
        "attached": {"detached", "attaching", "reserved"},
        "error_attaching": {"detached", "attached", "attaching"},
        "error_detaching": {"detached", "attached"},
    },
)

VOLUME_ATTACH_STATUS_FORCED = StateMachine(
    "volume.attach_status", {s: set(ATTACH_STATUSES) for s in ATTACH_STATUSES}
)

SNAPSHOT_STATUS = StateMachine(
    "snapshot.status",
    {
        None: {"creating"},
        # creating -> deleted: the row destroyed when the volume changed under the create.
        "creating": {"available", "error", "deleting", "deleted"},
        "available": {"deleting", "unmanaging", "backing-up", "restoring"},
        "error": {"deleting", "unmanaging"},
        "deleting": {"deleted", "error_deleting", "available", "deleting"},
        # Only with the known bug cinder_snapshot_delete_double_release: destroyed twice.
        "deleted": {"deleted"},
        "error_deleting": {"deleting"},
        "backing-up": {"deleting", "available"},
        # a revert to it: back when done or failed.
        "restoring": {"deleting", "available"},
        "updating": {"deleting"},
        # os-unmanage: as a delete, the driver's unmanage_snapshot instead of its delete.
        "unmanaging": {"deleting", "deleted", "error_deleting", "available"},
    },
)

#: Admin ``os-reset_status`` on a snapshot, and ``os-update_snapshot_status`` (whose own map,
#: checked by the API, is narrower).
SNAPSHOT_STATUS_FORCED = StateMachine(
    "snapshot.status", {s: set(SNAPSHOT_STATUSES) for s in SNAPSHOT_STATUSES}
)

#: ``fields.BackupStatus``.
BACKUP_STATUSES = (
    "error",
    "error_deleting",
    "creating",
    "available",
    "deleting",
    "deleted",
    "restoring",
)

BACKUP_STATUS = StateMachine(
    "backup.status",
    {
        None: {"creating"},
        "creating": {"available", "error", "deleting"},
        "available": {"deleting", "restoring"},
        "error": {"deleting"},
        # restore_backup: back to available whatever the outcome (the volume says how it went)
        "restoring": {"available", "error", "deleting"},
        "deleting": {"deleted", "error", "error_deleting"},
        "error_deleting": {"deleting"},
    },
)

#: Admin ``os-reset_status`` and ``os-force_delete`` (any status), and the manager's writes
#: that follow them (``update_backup_error`` whatever the status an admin left).
BACKUP_STATUS_FORCED = StateMachine(
    "backup.status", {s: set(BACKUP_STATUSES) for s in BACKUP_STATUSES}
)

ATTACHMENT_STATUS = StateMachine(
    "attachment.attach_status",
    {
        None: {"reserved", "attaching", "attached"},
        "reserved": {"attaching", "attached", "detached"},
        # Queens' manager marks a read-only volume's "rw" update error_attaching.
        "attaching": {"attached", "detached", "attaching", "error_attaching"},
        # ``db.volume_attached(mark_attached=False)`` sets "attaching" whatever the row was:
        # a PUT /attachments/{id} after os-complete takes it back to attaching (cinder 29).
        "attached": {"detached", "attached", "attaching"},
        "error_attaching": {"detached", "attaching"},
        "detached": {"deleted"},
    },
)


def born(
    kernel: Any, machine: StateMachine, obj: Any, new: str, *, actor: str, field: str = "status"
) -> None:
    """Record the first state of a new row (``None`` → `new`), traced like any move."""
    if not machine.legal(None, new):
        raise IllegalTransition(f"{machine.name}: a new row cannot start in {new!r}")
    setattr(obj, field, new)
    machine.write(kernel, actor, obj.id, field, None, new)


def born_volume(kernel: Any, volume: Any, status: str, actor: str) -> None:
    """A new volume row's first ``status`` and its ``attach_status`` ``detached``, traced."""
    born(kernel, VOLUME_STATUS, volume, status, actor=actor)
    born(kernel, VOLUME_ATTACH_STATUS, volume, "detached", actor=actor, field="attach_status")


def save_volume_status(kernel: Any, volume: Any, new: str, actor: str) -> None:
    """A manager's ``volume.status = new``: a legal move, or a forced one from a status an
    admin set while its work was under way (the manager writes it whatever it was)."""
    machine = VOLUME_STATUS if VOLUME_STATUS.legal(volume.status, new) else VOLUME_STATUS_FORCED
    machine.move(kernel, volume, new, actor=actor)
