"""``BackupMetadataAPI`` (``cinder/backup/driver.py``, version 2, the same in cinder 12.0.10
and 2026.1): what every backup driver (chunked ones and Ceph) stores of the volume beside its
data, and puts back on the volume a restore writes.

- the base metadata's ``display_name`` and ``display_description``, restored only onto a
  volume with no name or one named ``restore_backup_...`` (and only when the backup has a name);
- the volume's metadata, which replaces the target's (``volume_metadata_update(...,
  delete=True)``) when there was any;
- the volume's image (Glance) metadata, which replaces the target's when there was any, and
  makes it bootable.

The restore manager then adds ``src_backup_id`` (`fakecloud.cinder.backup_manager`).
"""

from __future__ import annotations

from typing import Any


def saved(volume: Any) -> dict[str, Any]:
    """``BackupMetadataAPI.get`` of `volume`, as the driver reads it when the data is in."""
    return {
        "display_name": volume.display_name,
        "display_description": volume.display_description,
        "metadata": dict(volume.metadata),
        "glance": dict(volume.volume_image_metadata),
    }


def restore(volume: Any, meta: dict[str, Any] | None) -> None:
    """``BackupMetadataAPI.put`` of a backup's saved `meta` onto `volume`."""
    if meta is None:  # an imported record, or a backup that never finished
        return
    name = volume.display_name
    if meta["display_name"] and not (name and not name.startswith("restore_backup_")):
        volume.display_name = meta["display_name"]
        volume.display_description = meta["display_description"]
    if meta["metadata"]:
        volume.metadata = dict(meta["metadata"])
    if meta["glance"]:
        volume.volume_image_metadata = dict(meta["glance"])
        volume.bootable = True
