"""The libvirt driver's reads of a volume's encryption metadata past the attach and the spawn
(``LibvirtDriver._get_volume_encryption``: os-brick's ``get_encryption_metadata``, one Cinder
``GET /volumes/{id}/encryption`` for a volume whose connection info says ``encrypted``, none
for another), read in nova 17.0.13 and 34.0.0 ``virt/libvirt/driver.py`` and
``virt/block_device.py``:

- detach (``DriverVolumeBlockDevice.driver_detach``, every release): read once, before Cinder's
  attachment is deleted, and handed down, so ``_detach_encryptor`` reads nothing more;
- swap (``swap_volume``, every release): the old and the new volume's; a swap with a volume
  QEMU decrypts itself (provider ``luks``: ``_use_native_luks``, ``_allow_native_luksv1``;
  fakecloud's libvirt and QEMU are new enough) fails 'Swap volume is not supported for
  encrypted volumes when native LUKS decryption is enabled.'; otherwise the new one's again
  (``_connect_volume``) and, once copied, the old one's (``_disconnect_volume``);
- extend (``extend_volume``, from 21.0.0, 961df12393: ``switches.extend_reads_encryption``):
  a running or paused guest's volume, before its block device is resized;
- a guest torn down (``_disconnect_volume`` with no metadata handed down, every release):
  terminate and shelve offload (``destroy`` → ``cleanup``: an error only logged), the guests
  of servers evacuated from a host that starts again (``_destroy_evacuated_instances``: the
  same ``cleanup``, an error only logged), hard reboot and power on (``_hard_reboot``'s
  ``destroy``: an error fails the reboot or start) and resize or cold migration
  (``migrate_disk_and_power_off``, the guest off, before its disk is copied: an error fails
  it), each volume as `read_unless_secret` (`disconnect_all`);
- the guest made again (``_hard_reboot``'s ``_get_guest_xml`` → ``_get_guest_storage_config`` →
  ``_connect_volume`` → ``_attach_encryptor``, after the ``destroy``): each encrypted volume's
  again (`reconnect_all`), but from `SECRETS_KEPT` not a volume QEMU decrypts, whose libvirt
  secret the ``destroy`` kept; an error fails the reboot or start;
- live migration: on the destination each one's (``pre_live_migration`` → ``_connect_volume``),
  before the new attachments are completed; on the source, before the old ones are deleted,
  each one's QEMU did not decrypt (``post_live_migration`` → ``_detach_encryptor``: a LUKS
  volume's libvirt secret on the source is deleted instead, no read).

An error of Cinder's there fails the operation as the driver's own error would.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from fakecloud.cinder.type_encryption import encryption_of
from fakecloud.nova.block_device import attach_order, connect_volume, encrypted
from fakecloud.profiles.provenance import Backport, Change

#: os-brick's ``LEGACY_PROVIDER_CLASS_TO_FORMAT_MAP`` entries that mean LUKS (v1).
_LUKS_PROVIDERS = frozenset(
    {"luks", "nova.volume.encryptors.luks.LuksEncryptor", "os_brick.encryptors.luks.LuksEncryptor"}
)
SWAP_NATIVE_LUKS = (
    "Swap volume is not supported for encrypted volumes when native LUKS decryption is enabled."
)
#: ``_hard_reboot``'s ``destroy`` keeps the volumes' libvirt secrets (``destroy_secrets=False``),
#: so the reconnect's ``_attach_encryptor`` finds a natively decrypted volume's secret and skips
#: its read (the skip is a107a5099e, 23.0.0 and 22.2.1; useless until this change: the stable/
#: victoria backport 1aca09b966 has no release tag).
SECRETS_KEPT = Change(
    "24.0.0",
    "26d65fc882",
    "LP #1905701: libvirt: Do not destroy volume secrets during _hard_reboot",
    backports=(Backport("23.1.0", "9cac2a8822"),),
)


def read(nova: Any, context: Any, volume_id: str) -> Generator[Any, Any, dict[str, Any]]:
    """``_get_volume_encryption``: an encrypted volume's metadata (one Cinder read), else {}."""
    if not encrypted(nova, volume_id):
        return {}
    return (yield from nova.volume_api.get_volume_encryption_metadata(context, volume_id))


def native_luks(encryption: dict[str, Any]) -> bool:
    """``_allow_native_luksv1``: whether QEMU decrypts the volume itself (LUKS v1)."""
    return encryption.get("provider") in _LUKS_PROVIDERS


def _has_secret(nova: Any, volume_id: str) -> bool:
    """Whether the (encrypted) volume is one QEMU decrypts, with a libvirt secret on the host."""
    cinder = nova.volume_api.cinder
    row = encryption_of(cinder, cinder.store.volumes[volume_id].volume_type.id)
    return row is not None and native_luks(row)


def read_unless_secret(nova: Any, context: Any, volume_id: str) -> Generator[Any, Any, None]:
    """``_detach_encryptor`` with no metadata handed down: a volume QEMU decrypted has a
    libvirt secret on the host, deleted with no read; another encrypted one is read."""
    if encrypted(nova, volume_id) and not _has_secret(nova, volume_id):
        yield from nova.volume_api.get_volume_encryption_metadata(context, volume_id)


def reconnect_all(nova: Any, context: Any, bdms: list[Any]) -> Generator[Any, Any, None]:
    """``_hard_reboot``'s ``_connect_volume`` of each volume mapping, in ``block_device_info``'s
    order: each volume connected (`connect_volume`), then each encrypted one read, unless its
    secret was kept (`SECRETS_KEPT`); an error is raised."""
    kept = SECRETS_KEPT.reaches(nova.kernel.switches.release)
    for bdm in attach_order(bdms):
        volume_id = bdm.volume_id
        yield from connect_volume(nova)
        if encrypted(nova, volume_id) and not (kept and _has_secret(nova, volume_id)):
            yield from nova.volume_api.get_volume_encryption_metadata(context, volume_id)


def disconnect_all(
    nova: Any,
    context: Any,
    bdms: list[Any],
    ignored: Callable[[str, Exception], None] | None = None,
) -> Generator[Any, Any, None]:
    """``_disconnect_volume`` of each volume mapping of a guest torn down, in
    ``block_device_info``'s order: `read_unless_secret`; an error is raised, or handed to
    `ignored` (``cleanup`` with ``destroy_disks``: 'Ignoring Volume Error ...') and the next
    volume disconnected."""
    for bdm in attach_order(bdms):
        try:
            yield from read_unless_secret(nova, context, bdm.volume_id)
        except Exception as exc:
            if ignored is None:
                raise
            ignored(bdm.volume_id, exc)
