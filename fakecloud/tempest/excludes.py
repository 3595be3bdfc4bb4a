"""What Tempest's runs against fakecloud leave out, each line with its reason.

An `Exclusion` is a regular expression of Tempest test ids and why it is left out; its `when`
says for which clouds (a profile without the API a test needs, or with one it cannot serve, or
whose release does not yet do what a test expects).
Tempest's own skips (no Neutron, no guest to log in to, one backend, ...) need no line here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fakecloud.api.microversion import Version


@dataclass(frozen=True)
class Exclusion:
    """Test ids (`patterns`, Tempest's ``--exclude-list`` regular expressions) and `why`."""

    why: str
    patterns: tuple[str, ...]
    #: For which clouds: ``when(cloud)``; always when None.
    when: Callable[[Any], bool] | None = None

    def applies(self, cloud: Any) -> bool:
        """Whether a run against `cloud` leaves these tests out."""
        return self.when is None or self.when(cloud)


def _rebuild_volume_backed(cloud: Any) -> bool:
    return Version.parse(cloud.switches.max_microversion) >= "2.93"


def _has_image_tasks(cloud: Any) -> bool:
    from fakecloud.tempest.settings import glance_has_image_tasks

    return glance_has_image_tasks(cloud)


def _no_image_tasks(cloud: Any) -> bool:
    return not _has_image_tasks(cloud)


COMPUTE = (
    Exclusion(
        "logs in to the guest over SSH (validation resources) whatever run_validation says: "
        "fakecloud has no guest to log in to",
        (
            r"tempest\.api\.compute\.servers\.test_server_actions\.ServerActionsV293TestJSON"
            r"\.test_rebuild_volume_backed_server",
        ),
        _rebuild_volume_backed,
    ),
    Exclusion(
        "Tempest 47 waits on GET /v2/images/{id}/tasks after a backup: Glance's image API 2.12 "
        "(22.0.0, Wallaby, on), a route this release's Glance does not have (404, as the real one)",
        (r"tempest\.api\.compute\.servers\.test_server_actions\.ServerActionsTestOtherB"
         r"\.test_create_backup",),
        _no_image_tasks,
    ),
    Exclusion(
        "lists its two backups by created_at and expects them in the order it asked for them: "
        "Glance stores whole seconds and orders one second's images by id (MySQL's DATETIME, "
        "_image_get_all's id key), and a cloud served with --settle stands its calendar still "
        "while a request's work runs, so backups asked for under a second of wall time apart "
        "often share a second (a real backup takes seconds): the order is then the ids', "
        "either way round",
        (r"tempest\.api\.compute\.servers\.test_server_actions\.ServerActionsTestOtherB"
         r"\.test_create_backup",),
        _has_image_tasks,
    ),
)  # fmt: skip

#: Every volume test runs: fakecloud serves each Cinder API Tempest 47's volume tests call.
VOLUME: tuple[Exclusion, ...] = ()


def _no_os_hidden(cloud: Any) -> bool:
    from fakecloud.glance.schema import MULTIHASH_SINCE

    return cloud.switches.release.series.glance < MULTIHASH_SINCE


#: What a release's Glance does not have of the image tests Tempest runs (it skips what
#: fakecloud's one file store has not: caching, multiple stores, the http store, locations
#: before Glance 29).
IMAGE = (
    Exclusion(
        "hides an image with os_hidden (Glance 17.0.0, Rocky, on: image API 2.7): this "
        "release's image schema has no such property, so the create is 400 'True is not of "
        "type 'string'', as the real one's",
        (
            r"tempest\.api\.image\.v2\.test_images\.ListUserImagesTest"
            r"\.test_list_(update_)?hidden_image",
        ),
        _no_os_hidden,
    ),
)


def _any_project_parent(cloud: Any) -> bool:
    return bool(cloud.switches.cinder_backup_parent_any_project)


def _no_revert_size_check(cloud: Any) -> bool:
    return bool(cloud.switches.cinder_revert_any_size)


_CTP = r"cinder_tempest_plugin\.api\.volume\."

#: cinder-tempest-plugin's API and scenario tests that need what fakecloud has not, or ask for
#: what this release's Cinder does not do yet. Consistency groups and replication are off in
#: ``tempest.conf`` (no backend here has them), so the plugin skips those itself.
CINDER_PLUGIN = (
    Exclusion(
        "makes a security group (Neutron) and writes data in the guest over SSH whatever "
        "run_validation says: fakecloud has neither",
        (
            r"cinder_tempest_plugin\.scenario\.test_snapshots\.SnapshotDataIntegrityTests\.",
            r"cinder_tempest_plugin\.scenario\.test_volume_encrypted\.TestEncryptedCinderVolumes"
            r"\.test_boot_cloned_encrypted_volume",
            r"cinder_tempest_plugin\.scenario\.test_volume_multiattach\.VolumeMultiattachTests"
            r"\.test_multiattach_data_integrity",
        ),
    ),
    Exclusion(
        "makes a security group (Neutron) before each test (setUp) whatever run_validation "
        "says: fakecloud has none (a second attach of a multiattach volume to the same server "
        "is Nova's 400 here too: tests/transport/test_tempest_config.py)",
        (
            r"cinder_tempest_plugin\.scenario\.test_volume_multiattach\.VolumeMultiattachTests"
            r"\.test_volume_multiattach_same_host_negative",
        ),
    ),
    Exclusion(
        "before 8ebeafcbb (Cinder 17.0.0; 14.3.0, 15.4.0 and 16.2.0, beside Nova 19.3.2, 20.4.1 "
        "and 21.1.1: switch cinder_backup_parent_any_project) an incremental backup builds on "
        "the volume's latest backup of any project, as in Cinder: these tests expect one of the "
        "caller's project",
        (
            _CTP + r"admin\.test_volume_backup\.VolumesBackupsTest\.test_backup_crossproject_",
            _CTP + r"admin\.test_volume_backup\.VolumesBackupsTest"
            r"\.test_incremental_backup_respective_parents",
        ),
        _any_project_parent,
    ),
    Exclusion(
        "before bfc27c9ab (Cinder 14.0.0; 13.0.2, beside Nova 18.1.0: switch "
        "cinder_revert_any_size) a volume reverts to a snapshot smaller than itself, as in "
        "Cinder: this test expects a 400",
        (
            _CTP + r"test_volume_revert\.VolumeRevertTests"
            r"\.test_volume_revert_to_snapshot_after_extended_negative",
        ),
        _no_revert_size_check,
    ),
)

_ID = r"tempest\.api\.identity\."

#: Keystone APIs fakecloud's Keystone does not serve (a 404 or 405, or its 403 saying so).
IDENTITY = (
    Exclusion(
        "OS-OAUTH1 consumers, policies (/v3/policies) and domain configurations "
        "(/v3/domains/{id}/config): not served",
        (
            _ID + r"admin\.v3\.test_oauth_consumers\.",
            _ID + r"admin\.v3\.test_policies\.",
            _ID + r"admin\.v3\.test_domain_configuration\.",
        ),
    ),
)


def _scope_without_new_defaults(cloud: Any) -> bool:
    g = cloud.glance
    return g.scope_enforced and bool(g.legacy_defaults)


_GTP = r"glance_tempest_plugin\.tests\.rbac\.v2\."

#: glance-tempest-plugin's RBAC tests (they run where ``[enforce_scope] glance`` is true) that
#: ask for what this Glance, as configured, does not do.
GLANCE_PLUGIN = (
    Exclusion(
        "Glance 25 with enforce_scope set but not enforce_new_defaults (glance: enforce_scope): "
        "each image rule's deprecated rule:default lets a project's reader create, change, "
        "share, upload, download and delete its project's images (glance 25.1.0 "
        "glance/policies/image.py), as in Glance: these tests expect the new defaults' 403",
        (
            _GTP + r"test_project_reader_tests\.ImagesProjectReaderTests\.test_"
            r"(add_image_member|create_image|deactivate_image|delete_image|delete_image_member"
            r"|download_image|reactivate_image|update_image|update_image_member|upload_image)\[",
        ),
        _scope_without_new_defaults,
    ),
)

LISTS = {
    "compute": COMPUTE,
    "volume": VOLUME,
    "image": IMAGE,
    "identity": IDENTITY,
    "cinder-plugin": CINDER_PLUGIN,
    "glance-plugin": GLANCE_PLUGIN,
}


def exclude_list(exclusions: tuple[Exclusion, ...], cloud: Any) -> list[Exclusion]:
    """The exclusions that apply to a run against `cloud`."""
    return [e for e in exclusions if e.applies(cloud)]
