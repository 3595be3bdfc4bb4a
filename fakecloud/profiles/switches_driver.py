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
)
