"""Switches of the libvirt driver's volume encryption reads past the attach and the spawn
(`fakecloud.nova.virt.encryptors`: detach, swap, extend, live migration; not the snapshot
path)."""

from __future__ import annotations

from fakecloud.profiles.provenance import Backport, Change, Switch

SWITCHES = (
    Switch(
        "extend_reads_encryption",
        "a volume Cinder extended under a running or paused guest has its encryption metadata "
        "read from Cinder (encrypted volumes only) before libvirt resizes its block device "
        "(LibvirtDriver.extend_volume: a LUKS volume is resized by its decrypted size); a "
        "failed read fails the extend (a fault, the event Error); before, no read, and an "
        "encrypted volume's device is resized to its raw size, which QEMU refuses ('Cannot "
        "grow device files': a libvirtError fault, the event Error).",
        False,
        (
            Change(
                "21.0.0",
                "961df12393",
                "libvirt: Correctly resize encrypted LUKSv1 volumes",
            ),
        ),
    ),
    Switch(
        "lp1843639",
        "bug: an error while disconnecting a volume on the source after a live migration "
        "(here: its encryption read from Cinder) leaves LibvirtDriver.post_live_migration and "
        "fails the migration ('Live migration failed.': the migration error, the server ERROR); "
        "fixed: logged ('Ignoring exception while attempting to disconnect volume ... on the "
        "source host during post_live_migration') and the migration goes on.",
        True,
        (
            Change(
                "21.0.0",
                "ac68cffd43",
                "libvirt: Ignore volume exceptions during post_live_migration",
                backports=(
                    Backport("18.3.0", "a07c612ea6"),
                    Backport("19.1.0", "022ea28194"),
                    Backport("20.0.1", "ff36b6d97f"),
                ),
            ),
        ),
    ),
)
