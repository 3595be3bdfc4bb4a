"""LP #1717547: until 5c21a00e89 (19.0.0; backports f1554d1b52 in 17.0.11 and 07ccc82af0 in
18.2.1) ``GlanceClientWrapper.call(self, context, version, method, *args, **kwargs)`` took an
image's attributes and properties as its own keyword arguments (nova 17.0.10
``nova/image/glance.py`` ``_create_v2``, ``_update_v2``: ``call(context, 2, 'create',
**sent_service_image_meta)``), so a property named ``context``, ``version`` or ``method`` is a
TypeError before Glance is asked: Nova's 500."""

from __future__ import annotations

import pytest

from tests.nova.conftest import unexpected_500
from tests.nova.volume_backed_env import BfvEnv

#: Each series' last release with the bug, then its first without (and the master release).
RELEASES = [
    ("nova-17.0.10", True),
    ("nova-17.0.11", False),
    ("nova-18.2.0", True),
    ("nova-18.2.1", False),
    ("nova-19.0.0", False),
]

#: A base image carrying a property named like one of call()'s parameters.
VERSIONED = {
    "name": "versioned",
    "content_id": "versioned-image",
    "size": 10_000_000,
    "virtual_size": 100_000_000,
    "disk_format": "qcow2",
    "container_format": "bare",
    "min_disk": 0,
    "min_ram": 0,
    "properties": {"method": "golden"},
}


def _images(env: BfvEnv, name: str) -> list[dict]:
    return [i for i in env.cloud.glance.db.images.values() if i.name == name]


@pytest.mark.parametrize(("profile", "bug"), RELEASES)
def test_a_createimage_with_a_version_key_is_a_500_until_the_fix(profile, bug):
    env = BfvEnv(profile)
    sid = env.boot()
    resp = env.create_image(sid, metadata={"version": "2"})
    env.cloud.run_until_idle()
    if bug:
        assert resp.status == 500
        assert resp.json()["computeFault"]["message"] == unexpected_500(profile, "TypeError")
        # _create_image is the API's first step: no image, no action, no task state.
        assert _images(env, "snap") == []
        assert [a["action"] for a in env.actions(sid)] == ["create"]
        assert env.server(sid)["OS-EXT-STS:task_state"] is None
        return
    assert resp.status == 202
    image = env.glance_image(resp.json()["image_id"])
    assert (image["status"], image["version"]) == ("active", "2")


@pytest.mark.parametrize(("profile", "bug"), RELEASES[2:4])
def test_a_createbackup_with_a_method_key(profile, bug):
    """``API.backup`` creates the image before it sets task_state ``image_backup``."""
    env = BfvEnv(profile)
    sid = env.boot()
    entity = {"name": "b", "backup_type": "daily", "rotation": 1, "metadata": {"method": "x"}}
    resp = env.action(sid, {"createBackup": entity}, microversion="2.45")
    env.cloud.run_until_idle()
    assert resp.status == (500 if bug else 202)
    actions = [a["action"] for a in env.actions(sid)]
    assert actions == (["create"] if bug else ["createBackup", "create"])
    assert len(env.images_named("b")) == (0 if bug else 1)


@pytest.mark.parametrize(("profile", "bug"), RELEASES[:2])
def test_a_volume_backed_createimage_fails_after_its_volume_snapshots(profile, bug):
    """``snapshot_volume_backed`` creates the Cinder snapshots and records the action before
    ``image_api.create``: the 500 leaves both behind."""
    env = BfvEnv(profile)
    sid = env.boot_bfv()
    resp = env.create_image(sid, metadata={"context": "nightly"})
    env.cloud.run_until_idle()
    assert resp.status == (500 if bug else 202)
    assert [s["status"] for s in env.volume_snapshots()] == ["available"]
    assert [a["action"] for a in env.actions(sid)] == ["createImage", "create"]
    assert len(env.images_named("snap")) == (0 if bug else 1)


@pytest.mark.parametrize(("profile", "bug"), RELEASES[2:4])
def test_a_shelve_of_a_server_whose_image_has_a_method_property(profile, bug):
    """``API.shelve`` sets task_state ``shelving`` and records the action before it creates
    the ``-shelved`` image: with the bug the server is left ``shelving``."""
    env = BfvEnv(profile, {"glance": {"base_images": [VERSIONED]}})
    image = next(i for i in env.images if i.name == "versioned")
    sid = env.boot(image=image)
    resp = env.action(sid, {"shelve": None})
    env.cloud.run_until_idle()
    server = env.server(sid)
    if bug:
        assert resp.status == 500
        assert resp.json()["computeFault"]["message"] == unexpected_500(profile, "TypeError")
        assert (server["status"], server["OS-EXT-STS:task_state"]) == ("ACTIVE", "shelving")
        assert _images(env, "vm-shelved") == []
        return
    assert resp.status == 202
    assert server["status"] == "SHELVED_OFFLOADED"
    (shelved,) = env.images_named("vm-shelved")
    assert shelved["method"] == "golden"


@pytest.mark.parametrize(("profile", "bug"), RELEASES[:2])
def test_an_image_metadata_update_through_nova_with_a_version_key(profile, bug):
    """The image proxy's metadata PUT (< 2.39) sends the whole image back to Glance."""
    env = BfvEnv(profile)
    body = {"metadata": {"version": "3"}}
    resp = env.request(
        "PUT", f"/v2.1/images/{env.image.id}/metadata", body, user="admin", microversion="2.38"
    )
    assert resp.status == (500 if bug else 200)
    if bug:
        assert resp.json()["computeFault"]["message"] == unexpected_500(profile, "TypeError")
    assert ("version" in env.glance_image(env.image.id)) is not bug
