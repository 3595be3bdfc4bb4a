"""An image-backed root on a flavor with no root disk (LP #1739646): the last disk check of
``_validate_flavor_image_nostatus`` (nova 17.0.7-34.0.0 ``compute/api.py``), which a create, a
rebuild and, from 19.0.0, a resize (``root_bdm=None``: the server's disk is read as local) run.

It asks ``os_compute_api:servers:create:zero_disk_flavor``, whose default lets the project's own
through until 19.0.0 made it the admin's (``RULE_ADMIN_API``; 17.0.13's and 18.3.0's
``RULE_AOO``, "TODO(mriedem): Default to RULE_ADMIN_API in Stein"): a refused caller is
`BootFromVolumeRequiredForZeroDiskFlavor`, a 403. Before 19.0.0 it is not asked here: the
default always passes (an operator's rule for it there is not read).
"""

from __future__ import annotations

from typing import Any

from fakecloud.nova import exception
from fakecloud.nova.policies import SERVERS

#: The first Nova whose ``create:zero_disk_flavor`` default is the admin's.
ZERO_DISK_ADMIN_SINCE = (19, 0, 0)


def check(nova: Any, context: Any, flavor: Any) -> None:
    """Refuse `context` an image-backed root on `flavor` when it has no disk and the rule says
    no (the caller has already found the root image-backed)."""
    if flavor.root_gb or nova.kernel.switches.release.version < ZERO_DISK_ADMIN_SINCE:
        return
    if not nova.policy.authorize(context, SERVERS % "create:zero_disk_flavor", fatal=False):
        raise exception.BootFromVolumeRequiredForZeroDiskFlavor()
