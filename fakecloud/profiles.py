"""Behaviour switches and the profiles that bundle them.

What differs between Nova releases, or what a known bug changes, is a named **switch** with a
documented value per profile. A **profile** is a named bundle of switch values:

- ``seed`` (default): the vendor Queens-era build the seed document shows.
- ``upstream``: Nova 34.0.0 as ``shared/spec/nova-createimage.md`` describes it.

Switches named after a Launchpad bug (``lp1731986``) are ``True`` when the bug is present: a
replay switches the bug on to show the bad end state, and off to show the fixed behaviour.

    >>> s = Switches.for_profile("upstream", {"lp1731986": True})
    >>> s.max_microversion, s.lp1731986
    ('2.104', True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fakecloud.config import did_you_mean
from fakecloud.errors import ConfigError


@dataclass(frozen=True)
class Switch:
    """One named behaviour difference: its meaning, and its value in each profile."""

    name: str
    doc: str
    seed: Any
    upstream: Any
    changed_in: str = ""


SWITCHES: dict[str, Switch] = {
    s.name: s
    for s in [
        Switch(
            "allow_instance_snapshots_option",
            "[api] allow_instance_snapshots is honoured: False makes createImage a 400.",
            True,
            False,
            "removed in 18.0.0",
        ),
        Switch(
            "policy_before_lookup",
            "createImage policy is checked before the server is loaded, with the caller's own "
            "project as target (otherwise: load first, 404, target = server's project).",
            True,
            False,
            "21.0.0, LP #1871665",
        ),
        Switch(
            "metadata_quota_before_lookup",
            "the metadata-items quota (< 2.39) is checked before the server is loaded.",
            True,
            False,
            "21.0.0",
        ),
        Switch(
            "legacy_policy_defaults",
            "createImage policies default to rule:admin_or_owner (otherwise "
            "rule:project_member_or_admin, readers denied).",
            True,
            False,
            "new defaults",
        ),
        Switch("max_microversion", "highest compute API microversion served.", "2.60", "2.104"),
        Switch(
            "instance_snapshot_branch",
            "the vendor instance-snapshot feature: snapshot_id in the createImage schema, "
            "/servers/{id}/snapshots, snapshot_current and snapshot_create_image.",
            True,
            False,
            "vendor",
        ),
        Switch(
            "cinder_limits_precheck",
            "snapshot_volume_backed checks Cinder's snapshot limits before creating snapshots.",
            False,
            True,
            "18.0.0",
        ),
        Switch(
            "snapshot_inline_in_rpc_worker",
            "the image-backed snapshot runs inline in the RPC worker, so its instance-action "
            "event spans the whole snapshot (otherwise spawned, event Success at once).",
            True,
            False,
            "33.0.0",
        ),
        Switch(
            "lp1731986",
            "bug: a volume snapshot failing mid-loop leaves the guest frozen (no thaw).",
            False,
            False,
            "fixed in 17.0.1",
        ),
        Switch(
            "lp1754360",
            "bug: a failed quiesce RPC (e.g. timeout) leaves the guest frozen (no thaw).",
            False,
            False,
            "fixed in 17.0.6",
        ),
        Switch(
            "lp1980720",
            "bug: a required quiesce with an unresponsive guest agent gives 500 InternalError "
            "instead of 409 InstanceQuiesceFailed.",
            True,
            False,
            "fixed in 27.0.0",
        ),
        Switch(
            "lp1878583",
            "bug: a PAUSED (or SUSPENDED) volume-backed server cannot be snapshotted (409).",
            True,
            False,
            "fixed in 22.0.0",
        ),
        Switch(
            "cinder_snapshot_delete_double_release",
            "bug: two deletes of one Cinder snapshot accepted while it is deleting (a DELETE "
            "and an admin os-force_delete, or two force deletes) release its quota twice: "
            "API.delete_snapshot adds its status condition only when not forcing, and the "
            "manager's delete_snapshot, serialized by a lock, does not look at the snapshot "
            "again (cinder/volume/api.py and cinder/volume/manager.py, read in cinder 12.0.10 "
            "and 29.0.0). Off: the second delete finds the snapshot gone and does nothing.",
            True,
            True,
            "present in Cinder 12.0.10 (Queens) and 29.0.0; no fix released",
        ),
    ]
}

PROFILES = ("seed", "upstream")


class Switches:
    """The resolved switch values of one cloud: ``switches.<name>`` reads a value."""

    def __init__(self, profile: str, values: dict[str, Any]):
        self.profile = profile
        self._values = values

    def __getattr__(self, name: str) -> Any:
        values = self.__dict__.get("_values", {})
        if name in values:
            return values[name]
        raise AttributeError(f"unknown switch {name!r}{did_you_mean(name, SWITCHES)}")

    @classmethod
    def for_profile(cls, profile: str, overrides: Mapping[str, Any] | None = None) -> Switches:
        """The values of `profile`, with per-cloud `overrides`; unknown names are errors."""
        if profile not in PROFILES:
            raise ConfigError(
                f"unknown profile {profile!r}{did_you_mean(profile, PROFILES)}; "
                f"profiles are {', '.join(PROFILES)}"
            )
        values = {name: getattr(sw, profile) for name, sw in SWITCHES.items()}
        for name, value in (overrides or {}).items():
            if name not in SWITCHES:
                raise ConfigError(f"unknown switch {name!r}{did_you_mean(name, SWITCHES)}")
            default = values[name]
            if type(value) is not type(default):
                raise ConfigError(
                    f"switch {name!r} takes a {type(default).__name__} "
                    f"(like {default!r}), got {value!r}"
                )
            values[name] = value
        return cls(profile, values)

    def bugs_on(self) -> list[str]:
        """Names of the Launchpad-bug switches that are on."""
        return [n for n, v in self._values.items() if n.startswith("lp") and v]

    def to_dict(self) -> dict[str, Any]:
        """Every switch and its value, for traces and reports."""
        return dict(self._values)
