"""What Tempest's runs against fakecloud leave out, each line with its reason.

An `Exclusion` is a regular expression of Tempest test ids and why it is left out; its `when`
says for which clouds (a profile without the API a test needs, or a run with pre-provisioned
accounts only). Tempest's own skips (no Neutron, no guest to log in to, one backend, ...) need
no line here.
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
    #: For which runs: ``when(cloud, dynamic_credentials)``; always when None.
    when: Callable[[Any, bool], bool] | None = None

    def applies(self, cloud: Any, dynamic_credentials: bool) -> bool:
        """Whether a run against `cloud` leaves these tests out."""
        return self.when is None or self.when(cloud, dynamic_credentials)


def _accounts_only(cloud: Any, dynamic_credentials: bool) -> bool:
    return not dynamic_credentials


def _dynamic(cloud: Any, dynamic_credentials: bool) -> bool:
    return dynamic_credentials


def _rebuild_volume_backed(cloud: Any, dynamic_credentials: bool) -> bool:
    return Version.parse(cloud.switches.max_microversion) >= "2.93"


def _no_image_tasks(cloud: Any, dynamic_credentials: bool) -> bool:
    from fakecloud.tempest.settings import glance_has_image_tasks

    return not glance_has_image_tasks(cloud)


COMPUTE = (
    Exclusion(
        "force_tenant_isolation: these classes create their projects and users (Tempest's "
        "dynamic credentials), whatever the accounts file offers",
        (
            r"tempest\.api\.compute\.admin\.test_quotas\.QuotasAdminTest",
            r"tempest\.api\.compute\.admin\.test_quotas_negative",
        ),
        _accounts_only,
    ),
    Exclusion(
        "sets a user's quotas (PUT /os-quota-sets/{project}?user_id=...): fakecloud's Nova "
        "does not model per-user quotas (400)",
        (
            r"tempest\.api\.compute\.admin\.test_quotas\.QuotasAdminTest\w*"
            r"\.test_get_updated_quotas",
        ),
        _dynamic,
    ),
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
)  # fmt: skip

VOLUME = (
    Exclusion(
        "Cinder APIs fakecloud does not model (a 404 each): QoS specs, volume type encryption, "
        "os-hosts, extensions",
        (
            r"tempest\.api\.volume\.admin\.test_qos",
            r"tempest\.api\.volume\.admin\.test_volume_types\.VolumeTypesTest"
            r"\.test_volume_type_encryption",
            r"tempest\.api\.volume\.admin\.test_volume_hosts",
            r"tempest\.api\.volume\.test_extensions",
        ),
    ),
    Exclusion(
        "the services' freeze and thaw: fakecloud refuses the unrouted path (404) where Cinder "
        "answers 400 for an unknown host",
        (
            r"tempest\.api\.volume\.admin\.test_volume_services_negative"
            r"\.VolumeServicesNegativeTest\.test_(freeze|thaw)",
        ),
    ),
    Exclusion(
        "creates a Keystone project (POST /v3/projects): dynamic credentials' work",
        (
            r"tempest\.api\.volume\.admin\.test_volume_quota_classes\.VolumeQuotaClassesTest"
            r"\.test_update_default_quota",
        ),
        _accounts_only,
    ),
)

#: Every image test runs: Tempest skips what fakecloud's one file store has not (caching,
#: multiple stores, the http store, locations before Glance 29).
IMAGE: tuple[Exclusion, ...] = ()

LISTS = {"compute": COMPUTE, "volume": VOLUME, "image": IMAGE}


def exclude_list(
    exclusions: tuple[Exclusion, ...], cloud: Any, dynamic_credentials: bool
) -> list[Exclusion]:
    """The exclusions that apply to a run against `cloud`."""
    return [e for e in exclusions if e.applies(cloud, dynamic_credentials)]
