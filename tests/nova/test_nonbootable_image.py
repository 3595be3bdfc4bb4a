"""An image Cinder uploaded from an encrypted volume is not booted from 21.0.0, 19.2.0 and 20.2.0
(nova 19.2.0-34.0.0 ``compute/api.py`` ``_detect_nonbootable_image_from_properties``; switches
``lp1863611`` and, for a boot from volume until 21.1.2, ``lp1895696``)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

KEY = "5e8ffd43-0fcb-4c5c-a5a0-5b37ab3d2e39"
REASON = "Direct booting of an image uploaded from an encrypted volume is unsupported."


def _boot(env: NovaEnv, image_id: str, bfv: bool):
    server = {"name": "e", "flavorRef": "1", "networks": "none", "imageRef": image_id}
    if bfv:
        server["imageRef"] = ""
        root = {"boot_index": 0, "uuid": image_id, "source_type": "image", "volume_size": 1}
        server["block_device_mapping_v2"] = [{**root, "destination_type": "volume"}]
    resp = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.45")
    return resp.status, resp.json()


@pytest.mark.parametrize(
    ("profile", "image_boot", "volume_boot"),
    [
        ("nova-20.1.1", 202, 202),  # booted: ACTIVE, its disk unreadable (LP #1863611)
        ("nova-20.2.0", 400, 400),  # 240d030902, 963fd8c0f9's backport, and LP #1895696
        ("nova-21.1.2", 400, 202),  # 297435ad9e: a boot from volume is not checked
    ],
)
def test_an_image_of_an_encrypted_volume_is_refused_from_21_0_0_and_its_backports(
    profile, image_boot, volume_boot
):
    env = NovaEnv(profile)
    plain = env.boot("plain")
    patch = [{"op": "add", "path": "/cinder_encryption_key_id", "value": KEY}]
    headers = {"Content-Type": "application/openstack-images-v2.1-json-patch"}
    path = f"/v2/images/{env.image.id}"
    resp = env.cloud.request("image", "PATCH", path, body=patch, user="admin", headers=headers)
    assert resp.status == 200
    status, body = _boot(env, env.image.id, bfv=False)
    assert status == image_boot
    if status == 400:
        message = f"Image {env.image.id} is unacceptable: {REASON}"
        assert body == {"badRequest": {"code": 400, "message": message}}
        rebuilt = env.action(plain, {"rebuild": {"imageRef": env.image.id}})
        assert (rebuilt.status, rebuilt.json()) == (400, body)
        assert env.server(plain)["status"] == "ACTIVE"
    status, body = _boot(env, env.image.id, bfv=True)
    assert status == volume_boot
    if status == 400:
        message = f"Image None is unacceptable: {REASON}"
        assert body == {"badRequest": {"code": 400, "message": message}}
