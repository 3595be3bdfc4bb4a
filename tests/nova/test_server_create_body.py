"""What ``POST /servers`` makes of the rest of its body (nova 17.0.13 and 34.0.0
``ServersController.create``, ``compute.api.API._create_instance``)."""

import pytest

from tests.nova.conftest import NovaEnv


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_before_2_19_the_description_is_the_name(profile):
    """``description = name``; only from 2.19 is it the body's ``description``."""
    env = NovaEnv(profile)
    server = {"name": "old", "flavorRef": "1", "imageRef": env.image.id}
    sid = env.request("POST", "/v2.1/servers", {"server": server}).json()["server"]["id"]
    new = dict(server, name="new", networks="none")
    sid2 = env.request("POST", "/v2.1/servers", {"server": new}, microversion="2.45")
    shown = [
        env.server(s, microversion="2.19")["description"]
        for s in (sid, sid2.json()["server"]["id"])
    ]
    assert shown == ["old", None]


def test_one_reservation_id_for_the_whole_request():
    """``_create_instance``: ``reservation_id`` made once, shared by every server of a
    min_count/max_count request (``return_reservation_id`` answers it)."""
    env = NovaEnv("upstream")
    server = {"name": "many", "flavorRef": "1", "imageRef": env.image.id, "networks": "none",
              "min_count": 3, "return_reservation_id": True}  # fmt: skip
    resp = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.45")
    assert resp.status == 202, resp.json()
    reservation = resp.json()["reservation_id"]
    path = "/v2.1/servers/detail?all_tenants=1"
    listed = env.request("GET", path, user="admin", microversion="2.45")
    names = {s["name"]: s["OS-EXT-SRV-ATTR:reservation_id"] for s in listed.json()["servers"]}
    assert names == {f"many-{i}": reservation for i in (1, 2, 3)}
