"""A resize's ``OS-DCF:diskConfig`` and what a resize or cold migration does to the server's
``auto_disk_config`` (nova 34.0.0 ``compute/api.py`` ``API.resize``: ``instance.
auto_disk_config = auto_disk_config or False``, from 21.0.0, 891b8f9e98; 17.0.13:
``instance.update(extra_instance_updates)``, the value only when the request names one).
Found by Tempest's ``ServerDiskConfigTestJSON.test_resize_server_from_auto_to_manual``."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv


def _boot_auto(env: NovaEnv) -> str:
    server = {"name": "d", "imageRef": env.image.id, "flavorRef": "1", "OS-DCF:diskConfig": "AUTO"}
    resp = env.request("POST", "/v2.1/servers", {"server": server})
    assert resp.status == 202, resp.json()
    env.cloud.run_until_idle()
    sid = resp.json()["server"]["id"]
    assert env.server(sid)["OS-DCF:diskConfig"] == "AUTO"
    return sid


def _moved(env: NovaEnv, sid: str, body: dict) -> str:
    resp = env.action(sid, body, user="admin")
    assert resp.status == 202, resp.json()
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert server["status"] == "VERIFY_RESIZE", server
    return server["OS-DCF:diskConfig"]


@pytest.mark.parametrize(("profile", "after_migrate"), [("seed", "AUTO"), ("upstream", "MANUAL")])
def test_a_resize_sets_the_disk_config_and_a_migrate_resets_it_from_21(profile, after_migrate):
    env = NovaEnv(profile)
    sid = _boot_auto(env)
    assert _moved(env, sid, {"resize": {"flavorRef": "2", "OS-DCF:diskConfig": "MANUAL"}}) == (
        "MANUAL"
    )
    assert env.action(sid, {"confirmResize": None}, user="admin").status == 204
    env.cloud.run_until_idle()
    assert _moved(env, sid, {"resize": {"flavorRef": "3", "OS-DCF:diskConfig": "AUTO"}}) == "AUTO"
    assert env.action(sid, {"confirmResize": None}, user="admin").status == 204
    env.cloud.run_until_idle()
    # a cold migration names no disk config: kept before 21.0.0, MANUAL (False) from it
    assert _moved(env, sid, {"migrate": None}) == after_migrate
