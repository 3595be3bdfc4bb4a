"""Switches of Nova's notifications off the snapshot path: the usage audit
(``compute.instance.exists`` and ``instance.exists``, sent around shelve, rescue, rebuild and
resize) and the power actions' versioned payload."""

from __future__ import annotations

from fakecloud.profiles.provenance import Change, Switch

SWITCHES = (
    Switch(
        "exists_payload_version",
        "version of the versioned instance.exists payload (InstanceExistsPayload), None before "
        "the notification was transformed (legacy compute.instance.exists only).",
        None,
        (
            Change(
                "18.0.0",
                "e7bdd19f0e",
                "instance.exists transformed (1.0; 1.1 action_initiator_user/project in the "
                "same release, 2bca6431e6)",
                "1.1",
            ),
            Change("20.0.0", "c541ace518", "1.2: locked_reason (microversion 2.73)", "1.2"),
            Change("25.0.0", "2b02b66bae", "2.0: the bandwidth field removed", "2.0"),
            Change("31.0.0", "bf96ca7c9a", "2.1: shares in InstancePayload", "2.1"),
        ),
    ),
    Switch(
        "usage_exists_bandwidth",
        "the legacy compute.instance.exists payload carries 'bandwidth' (notify_usage_exists: "
        "BandwidthUsage rows, never filled by libvirt: {}; from 23.0.0, 9d1683f70f, {} as a "
        "constant).",
        True,
        (Change("25.0.0", "2b02b66bae", "objects: remove 'bandwidth' fields from notifications"),),
    ),
    Switch(
        "action_payload_version",
        "version of the versioned instance action notifications' plain payload "
        "(InstanceActionPayload: reboot, power_off/on, pause, suspend, shelve, unrescue, "
        "resize, live migration, lock, ...); the rebuild's, rescue's and resize_prep's "
        "payload classes, bumped with it, follow it (notifications.action_payload_version).",
        "1.5",
        (
            Change(
                "18.0.0",
                "2bca6431e6",
                "1.6 request_id (94de8d75ff) and 1.7 action_initiator_user/project in "
                "InstancePayload",
                "1.7",
            ),
            Change("20.0.0", "c541ace518", "1.8: locked_reason (microversion 2.73)", "1.8"),
            Change("31.0.0", "bf96ca7c9a", "1.9: shares in InstancePayload", "1.9"),
        ),
    ),
)
