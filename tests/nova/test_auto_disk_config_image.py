"""``AUTO`` refused when the image's ``auto_disk_config`` is ``disabled``, and the image's value
taken when a create or rebuild asks for none (nova 17.0.7-33.0.2 ``compute/api.py``
``_check_auto_disk_config``, ``_ensure_auto_disk_config_is_valid``,
``_inherit_properties_from_image``; ``servers.py`` create/rebuild/_resize: 400)."""

from __future__ import annotations

from tests.nova.conftest import NovaEnv


def _image_says(env: NovaEnv, value: str, op: str = "add") -> None:
    resp = env.cloud.request(
        "image",
        "PATCH",
        f"/v2/images/{env.image.id}",
        body=[{"op": op, "path": "/auto_disk_config", "value": value}],
        user="admin",
        headers={"Content-Type": "application/openstack-images-v2.1-json-patch"},
    )
    assert resp.status == 200, resp.json()


def _boot(env: NovaEnv, disk_config: str | None = None):
    server = {"name": "d", "imageRef": env.image.id, "flavorRef": "1", "networks": "none"}
    if disk_config is not None:
        server["OS-DCF:diskConfig"] = disk_config
    resp = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.45")
    env.cloud.run_until_idle()
    return resp.status, resp.json()


def test_auto_is_400_on_create_rebuild_and_resize_when_the_image_disables_it():
    env = NovaEnv("upstream")  # every release alike (17.0.7-33.0.2)
    _image_says(env, "True")
    status, body = _boot(env)  # none asked: the image's, True
    auto = body["server"]["id"]
    assert env.server(auto)["OS-DCF:diskConfig"] == "AUTO"
    _image_says(env, " Disabled ", "replace")  # stripped, any case
    refused = {
        "badRequest": {
            "code": 400,
            "message": f"Requested image {env.image.id} has automatic disk resize disabled.",
        }
    }
    assert _boot(env, "AUTO") == (400, refused)
    status, body = _boot(env)  # none asked: "disabled" is False
    sid = body["server"]["id"]
    assert env.server(sid)["OS-DCF:diskConfig"] == "MANUAL"
    for action in (
        {"rebuild": {"imageRef": env.image.id, "OS-DCF:diskConfig": "AUTO"}},
        {"resize": {"flavorRef": "2", "OS-DCF:diskConfig": "AUTO"}},  # the server's image copy
    ):
        resp = env.action(sid, action)
        assert (resp.status, resp.json()) == (400, refused)
    assert env.server(sid)["status"] == "ACTIVE"
    assert env.action(sid, {"resize": {"flavorRef": "2", "OS-DCF:diskConfig": "MANUAL"}}).status
    # a rebuild asking for none takes the new image's value: the AUTO server turns MANUAL
    resp = env.action(auto, {"rebuild": {"imageRef": env.image.id}})
    assert resp.status == 202 and resp.json()["server"]["OS-DCF:diskConfig"] == "MANUAL"
