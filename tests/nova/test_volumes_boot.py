"""``/os-volumes_boot``, a clone of ``/servers`` (routes.py, 17.0.0-34.0.0): createImage and the
other server actions through it, by release and microversion (fakecloud/nova/api/volumes_boot.py).
"""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

NOT_FOUND = {"itemNotFound": {"code": 404, "message": "The resource could not be found."}}
SNAP = {"createImage": {"name": "vb"}}

ROWS = [
    # (profile, microversion, body, status, answer: a fault, or the keys of the body)
    ("upstream", "2.102", SNAP, 202, ["image_id"]),
    ("upstream", "2.103", SNAP, 404, NOT_FOUND),
    # api_version is the outermost decorator: the body is never checked at 2.103
    ("upstream", "2.103", {"createImage": {"name": ""}}, 404, NOT_FOUND),
    # VolumesBootController (33.0.0) has no action controllers: pause is unknown there
    ("upstream", "2.1", {"pause": None}, 400, {
        "badRequest": {"code": 400, "message": "There is no such action: pause"}}),
    ("nova-33.0.0", "2.102", {"pause": None}, 400, {
        "badRequest": {"code": 400, "message": "There is no such action: pause"}}),
    # until 32.x the routes are server_controller's, every action included
    ("nova-32.2.1", "2.1", {"pause": None}, 202, None),
    ("seed", "2.45", SNAP, 202, ["image_id"]),
]  # fmt: skip


@pytest.mark.parametrize(("profile", "microversion", "body", "status", "answer"), ROWS)
def test_os_volumes_boot_serves_the_servers_actions_by_release(
    profile, microversion, body, status, answer
):
    env = NovaEnv(profile)
    sid = env.boot()
    r = env.request("POST", f"/v2.1/os-volumes_boot/{sid}/action", body, microversion=microversion)
    got = sorted(r.json()) if r.status == 202 and r.body else r.json() if r.body else None
    assert (r.status, got) == (status, answer)
    if "createImage" in body and status == 202:
        env.cloud.run_until_idle()
        assert env.glance_image(r.json()["image_id"])["status"] == "active"


def test_its_server_views_are_the_servers():
    env = NovaEnv("upstream")
    sid = env.boot()
    for path in ("", "/detail", f"/{sid}"):
        via = env.request("GET", f"/v2.1/os-volumes_boot{path}", microversion="2.102")
        assert via.json() == env.request("GET", f"/v2.1/servers{path}", microversion="2.102").json()
    assert env.request("GET", "/v2.1/os-volumes_boot", microversion="2.103").json() == NOT_FOUND


@pytest.mark.parametrize(
    ("profile", "status"), [("nova-32.2.1", 200), ("nova-33.0.0", 500), ("upstream", 500)]
)
def test_its_update_lost_the_body_in_33_0_0(profile, status):
    """``VolumesBootController.update`` (da0482aad8) calls ``super().update(req, id)``: the
    body checked, then ``ServersController.update``'s schema reads ``kwargs['body']``."""
    env = NovaEnv(profile)
    sid = env.boot()
    path = f"/v2.1/os-volumes_boot/{sid}"
    r = env.request("PUT", path, {"server": {"name": "renamed"}}, microversion="2.1")
    assert r.status == status
    if status == 500:
        assert r.json()["computeFault"]["message"].endswith(
            "\n<class 'webob.exc.HTTPInternalServerError'>"
        )
        assert env.server(sid)["name"] == "vm"
        assert env.request("PUT", path, {"server": {"x": 1}}, microversion="2.1").status == 400
    else:
        assert r.json()["server"]["name"] == "renamed"
