"""Switches of Cinder's own behaviour that a Nova-driven flow can see (known Cinder bugs)."""

from __future__ import annotations

from fakecloud.profiles.provenance import Switch

SWITCHES = (
    Switch(
        "cinder_snapshot_delete_double_release",
        "bug: two deletes of one Cinder snapshot accepted while it is deleting (a DELETE "
        "and an admin os-force_delete, or two force deletes) release its quota twice: "
        "API.delete_snapshot adds its status condition only when not forcing, and the "
        "manager's delete_snapshot, serialized by a lock, does not look at the snapshot "
        "again (cinder/volume/api.py and cinder/volume/manager.py, read in cinder 12.0.10 "
        "and 29.0.0: present in every series here, no fix released). Off: the second delete "
        "finds the snapshot gone and does nothing.",
        True,
    ),
)
