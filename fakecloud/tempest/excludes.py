"""What Tempest's runs against fakecloud leave out, each line with its reason.

An `Exclusion` is a regular expression of Tempest test ids and why it is left out; its `when`
says for which clouds (a profile without the API a test needs, or with one it cannot serve).
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


def _no_image_tasks(cloud: Any) -> bool:
    from fakecloud.tempest.settings import glance_has_image_tasks

    return not glance_has_image_tasks(cloud)


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
)  # fmt: skip

#: Every volume test runs: fakecloud serves each Cinder API Tempest 47's volume tests call.
VOLUME: tuple[Exclusion, ...] = ()

#: Every image test runs: Tempest skips what fakecloud's one file store has not (caching,
#: multiple stores, the http store, locations before Glance 29).
IMAGE: tuple[Exclusion, ...] = ()

LISTS = {"compute": COMPUTE, "volume": VOLUME, "image": IMAGE}


def exclude_list(exclusions: tuple[Exclusion, ...], cloud: Any) -> list[Exclusion]:
    """The exclusions that apply to a run against `cloud`."""
    return [e for e in exclusions if e.applies(cloud)]
