"""The old attach's admin metadata (``os-attach``: ``API.attach`` and the manager's
``attach_volume``), by release: switch ``cinder_os_attach_drops_readonly``."""

import pytest
from cinder_support import ADMIN, MEMBER, SERVER, call, create_volume

from tests.booted import booted

ATTACH = {"os-attach": {"mountpoint": "/dev/vdb", "instance_uuid": SERVER, "mode": "rw"}}


@pytest.mark.parametrize(
    ("profile", "ctx", "kept"),
    [
        ("nova-22.3.0", ADMIN, False),  # Cinder 17.2.x
        ("nova-22.3.0", MEMBER, True),  # the member's volume object has no admin metadata
        ("nova-22.4.0", ADMIN, True),  # Cinder 17.3.0 (2aa799bbfb)
        ("upstream", ADMIN, True),
    ],
)
def test_an_admins_old_attach_keeps_readonly_from_cinder_17_3_0(profile, ctx, kept):
    """``API.attach`` adds ``readonly`` ``False`` through the DB; until 779b0249fa (Cinder
    18.0.0) and its backport 2aa799bbfb (17.3.0, beside Nova 22.4.0) the manager's
    ``begin_attach`` saves the admin metadata of the volume the API read, with ``delete=True``:
    an admin's volume (read with its admin metadata, before that row) loses it."""
    cloud = booted(profile=profile)
    vid = create_volume(cloud)
    assert call(cloud, "POST", f"volumes/{vid}/action", ATTACH, ctx=ctx).status == 202
    shown = call(cloud, "GET", f"volumes/{vid}", ctx=ADMIN).json()["volume"]["metadata"]
    assert shown == ({"readonly": "False"} if kept else {}) | {"attached_mode": "rw"}
