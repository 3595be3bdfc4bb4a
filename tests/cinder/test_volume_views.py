"""Which view each volume answer uses (``cinder/api/v3/volumes.py`` + ``api/contrib``): the
create and update answers are the bare detail view; only show and the detail list carry the
extension keys (``os-vol-tenant-attr``, ``os-vol-host-attr``, ``os-vol-mig-status-attr``,
``volume_image_metadata``), because those controllers extend ``show`` and ``detail`` only."""

from __future__ import annotations

import pytest
from cinder_support import ADMIN, MEMBER, call

from tests.booted import booted

EXTENSION_KEYS = {
    "os-vol-tenant-attr:tenant_id",
    "os-vol-host-attr:host",
    "os-vol-mig-status-attr:migstat",
    "os-vol-mig-status-attr:name_id",
    "volume_image_metadata",
}


@pytest.fixture(scope="module")
def cloud():
    return booted(seed=0)


@pytest.mark.parametrize("ctx", [MEMBER, ADMIN], ids=["member", "admin"])
def test_create_and_update_answer_no_extension_keys(cloud, ctx):
    images = cloud.request("image", "GET", "/v2/images").json()["images"]
    image = min(images, key=lambda i: i["min_disk"])["id"]
    r = call(cloud, "POST", "volumes", {"volume": {"size": 1, "imageRef": image}}, ctx=ctx)
    assert r.status == 202, r.json()
    created = r.json()["volume"]
    assert EXTENSION_KEYS.isdisjoint(created)
    # migration_status belongs to the core view (admins only), not to an extension.
    assert ("migration_status" in created) is ctx.is_admin
    cloud.run_until_idle()
    r = call(cloud, "PUT", f"volumes/{created['id']}", {"volume": {"name": "renamed"}}, ctx=ctx)
    assert r.status == 200, r.json()
    assert r.json()["volume"]["name"] == "renamed"
    assert EXTENSION_KEYS.isdisjoint(r.json()["volume"])
    shown = call(cloud, "GET", f"volumes/{created['id']}", ctx=ctx).json()["volume"]
    assert shown["os-vol-tenant-attr:tenant_id"] == ctx.project_id
    assert shown["volume_image_metadata"]["image_id"] == image
    assert ("os-vol-host-attr:host" in shown) is ctx.is_admin
    listed = call(cloud, "GET", "volumes/detail", ctx=ctx).json()["volumes"]
    assert all("os-vol-tenant-attr:tenant_id" in v for v in listed)
