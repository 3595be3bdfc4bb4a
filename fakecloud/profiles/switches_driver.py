"""Switches of the libvirt driver's image-backed snapshot, and the Launchpad bugs of the
snapshot path (``lp<number>``: True in the releases that have the bug)."""

from __future__ import annotations

from fakecloud.profiles.provenance import Backport, Change, Switch

SWITCHES = (
    Switch(
        "lp1731986",
        "bug: a volume snapshot failing mid-loop leaves the guest frozen (no thaw).",
        True,
        (
            Change(
                "18.0.0",
                "bca425a33f",
                "Closes-Bug #1731986: unquiesce the instance on volume snapshot failure",
                backports=(Backport("17.0.1", "7ab98b5345"),),
            ),
        ),
    ),
    Switch(
        "lp1754360",
        "bug: a failed quiesce RPC (e.g. a timeout) leaves the guest frozen (no thaw).",
        True,
        (
            Change(
                "18.0.0",
                "1e77faaa41",
                "Closes-Bug #1754360: unquiesce the instance after a quiesce failure",
                backports=(Backport("17.0.6", "bcae081c46"),),
            ),
        ),
    ),
    Switch(
        "lp1717547",
        "bug: Nova's Glance client wrapper takes an image's attributes and properties as its "
        "own keyword arguments: a snapshot image (createImage, createBackup, shelve) or a "
        "metadata update through Nova's image proxy with a property named 'context', "
        "'version' or 'method' is a TypeError (500) before Glance is asked.",
        True,
        (
            Change(
                "19.0.0",
                "5c21a00e89",
                "Closes-Bug #1717547: prevent common kwargs from glance client failure "
                "(GlanceClientWrapper.call takes args= and kwargs=)",
                backports=(Backport("17.0.11", "f1554d1b52"), Backport("18.2.1", "07ccc82af0")),
            ),
        ),
    ),
    Switch(
        "lp1878583",
        "bug: a PAUSED volume-backed server cannot be snapshotted (409).",
        True,
        (
            Change(
                "22.0.0",
                "cfde53e4b4",
                "Closes-Bug #1878583: allow snapshots of PAUSED volume-backed instances",
                backports=(
                    Backport("19.3.0", "04a8399f1d"),
                    Backport("20.4.0", "c93ca60956"),
                    Backport("21.1.0", "a270eeeb9b"),
                ),
            ),
        ),
    ),
    Switch(
        "lp1980720",
        "bug: a required quiesce with an unresponsive guest agent gives 500 InternalError "
        "instead of 409 InstanceQuiesceFailed.",
        True,
        (
            Change(
                "27.0.0",
                "c8d5397b0a",
                "Closes-Bug #1980720: InstanceQuiesceFailed (409) when the agent does not answer",
            ),
        ),
    ),
    Switch(
        "paused_snapshot_cold",
        "a PAUSED image-backed guest is snapshotted cold (managedSave, extract, relaunched "
        "paused); otherwise live.",
        True,
        (
            Change(
                "22.0.0",
                "279f89e320",
                "Related-Bug #1741667: re-enable live snapshot for paused instances",
            ),
        ),
    ),
    Switch(
        "lp1722571",
        "bug: a guest deleted during a live snapshot's copy fails the snapshot with the raw "
        "libvirt error (image deleted, fault, error notifications) instead of ending quietly.",
        True,
        (
            Change(
                "18.0.0",
                "9ef56fa866",
                "Closes-Bug #1722571: handle a not-found domain while taking a snapshot",
                backports=(Backport("17.0.2", "71375a941d"),),
            ),
        ),
    ),
    Switch(
        "lp1759473",
        "bug: a guest gone before the driver's snapshot (InstanceNotRunning) goes through the "
        "failure decorators (image deleted, fault, event Error, error notifications) instead "
        "of being handled quietly.",
        True,
        (
            Change(
                "21.0.0",
                "ad78f24812",
                "Closes-Bug #1759473: handle InstanceNotRunning in _snapshot_instance",
            ),
        ),
    ),
    Switch(
        "snapshot_ami_disk_format",
        "the driver keeps disk_format ami for a guest booted from an ami image (otherwise the "
        "snapshot's real format).",
        True,
        (
            Change(
                "30.0.0",
                "d5a631ba77",
                "remove the AMI snapshot format special case (image format safety fixes)",
                backports=(
                    Backport("27.5.0", "77dfa4f6f3"),
                    Backport("28.3.0", "d2d3b2c9e8"),
                    Backport("29.2.0", "8c5929ff51"),
                ),
            ),
        ),
    ),
    Switch(
        "lp1675791",
        "bug: an admin's snapshot of another project's server is private to the admin's "
        "project (is_public False, also on the driver's update); fixed: visibility shared and "
        "the server's project added as a member.",
        True,
        (
            Change(
                "19.0.0",
                "35cc0f5e94",
                "Closes-Bug #1675791: share snapshot image membership with the instance owner",
                backports=(Backport("18.2.2", "6ca6f6fce6"),),
            ),
        ),
    ),
    Switch(
        "lp1852106",
        "bug: snapshots inherit img_signature* and cinder_encryption_key_* properties (only "
        "[DEFAULT] non_inheritable_image_properties is dropped).",
        True,
        (
            Change(
                "21.0.0",
                "bc29084012",
                "Closes-Bug #1852106: absolutely non-inheritable image properties",
            ),
        ),
    ),
    Switch(
        "snapshot_image_deleted_warning",
        "an image deleted during the driver's snapshot is logged as the warning 'Failed to "
        "snapshot image because it was deleted' (before: LOG.exception 'Failed to snapshot "
        "image', an error, as for any failure).",
        False,
        (Change("29.0.0", "40a56ce05b", "catch ImageNotFound on snapshot failure"),),
    ),
    Switch(
        "live_snapshot_freeze_whole_copy",
        "a live image-backed snapshot freezes the guest (when its image has the agent) before "
        "the blockRebase mirror and thaws it after the whole copy, a failed freeze failing the "
        "snapshot only with os_require_quiesce; otherwise _can_quiesce is checked before the "
        "copy and the guest is frozen briefly after it, around abort_job.",
        True,
        (Change("25.0.0", "caf5faf556", "move the file system freeze after the end of mirroring"),),
    ),
    Switch(
        "glance_location_api",
        "an RBD direct snapshot registers its rbd:// location with Glance's location API "
        "(POST /v2/images/{id}/locations, add_image_location, as a service), falling back to "
        "the PATCH on a 501; before, only the PATCH 'add /locations/-' (add_location), which "
        "Glance refuses with 403 unless show_multiple_locations is on: ImageNotAuthorized, "
        "the snapshot fails (no fallback to the standard path).",
        False,
        (
            Change(
                "32.0.0",
                "4e6070085f",
                "support Glance's new location API (eab0de2900, reverted by 221a3e89e8 and "
                "re-landed by this commit, all before 32.0.0)",
            ),
        ),
    ),
    Switch(
        "lp1874032",
        "bug: the snapshot upload's blocking file reads run on nova-compute's eventlet hub, so "
        "the host's other greenthreads (RPC handling, other snapshots' steps) wait until the "
        "upload ends; fixed: the upload runs in a native thread (tpool).",
        True,
        (
            Change(
                "22.0.0",
                "be9b735847",
                "Closes-Bug #1874032: offload the Glance upload to a native thread",
            ),
        ),
    ),
    Switch(
        "disk_ops_semaphore",
        "[DEFAULT] max_concurrent_disk_ops limits a host's qemu-img convert runs and image "
        "uploads (compute_utils.disk_ops_semaphore); before, the option does not exist and is "
        "ignored.",
        False,
        (Change("19.0.0", "728f20e8f4", "add an I/O semaphore to limit concurrent disk ops"),),
    ),
    Switch(
        "deep_image_inspection",
        "images.fetch_to_raw inspects an image-backed guest's downloaded image against its "
        "disk_format (Nova's own format inspector, LP #2059809): an empty image (a "
        "volume-backed snapshot's) is raw, so one declared otherwise (qcow2 before 31.0.0) is "
        "ImageUnacceptable and the spawn fails; before, qemu-img info finds it raw and it boots.",
        False,
        (
            Change(
                "30.0.0",
                "9cdce71594",
                "check images with format_inspector for safety (LP #2059809)",
                backports=(
                    Backport("27.4.0", "67e5376dd6"),
                    Backport("28.2.0", "0acf5ee7b5"),
                    Backport("29.1.0", "f07fa55fd8"),
                ),
            ),
        ),
    ),
    Switch(
        "image_mismatch_unsupported",
        "deep inspection detects the content's format and compares it with disk_format inside "
        "a try whose catch-all rewords the mismatch 'Image not in a supported format'; before, "
        "the declared format's inspector refuses the content: 'Image content does not match "
        "disk_format'.",
        False,
        (
            Change(
                "30.0.0",
                "8b4c522f66",
                "change force_format strategy to catch mismatches",
                backports=(
                    Backport("27.5.0", "fbe429051e"),
                    Backport("28.3.0", "45d9489383"),
                    Backport("29.2.0", "8ef5ec9716"),
                ),
            ),
        ),
    ),
)
