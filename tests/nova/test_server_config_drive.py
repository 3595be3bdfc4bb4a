"""A create's ``config_drive`` as Nova keeps it (``_check_config_drive``, 17.0.13-34.0.0): any
true value of the schema's booleans is stored and shown as ``"True"``, the rest as ``""``
(it was dropped: every server showed ``""``; Ansible's ``openstack.cloud.server`` sends
``config_drive: true`` through openstacksdk's ``create_server``)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_config_drive_shown_as_nova_stores_it(profile):
    env = NovaEnv(profile)
    shown = []
    for value in (True, "yes", "1", False, "off", None):
        server = {"name": "vm", "flavorRef": "1", "imageRef": env.image.id, "networks": "none"}
        if value is not None:
            server["config_drive"] = value
        resp = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.37")
        assert resp.status == 202, resp.json()
        sid = resp.json()["server"]["id"]
        shown.append(env.request("GET", f"/v2.1/servers/{sid}").json()["server"]["config_drive"])
    assert shown == ["True", "True", "True", "", "", ""]
    bad = {"name": "vm", "flavorRef": "1", "imageRef": env.image.id, "config_drive": "maybe"}
    bad["networks"] = "none"
    resp = env.request("POST", "/v2.1/servers", {"server": bad}, microversion="2.37")
    assert resp.status == 400
