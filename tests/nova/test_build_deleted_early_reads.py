"""What the APIs that read servers directly answer of one deleted while a build request (nova
17.0.13-34.0.0 compute/api.py ``_delete_while_booting``: the request destroyed, no instance
created in any cell; from 20.0.0 the conductor also destroys its instance mapping,
1ff029c1c3, ``schedule_and_build_instances``; before, the mapping stays, naming no cell)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv


def _deleted_early(profile: str, group: bool = False) -> tuple[NovaEnv, str, str | None]:
    env = NovaEnv(profile)
    gid = None
    hints = {}
    if group:
        body = {"server_group": {"name": "g", "policies": ["affinity"]}}
        gid = env.request("POST", "/v2.1/os-server-groups", body).json()["server_group"]["id"]
        hints = {"os:scheduler_hints": {"group": gid}}
    server = {"name": "early", "flavorRef": "1", "imageRef": env.image.id, "networks": "none"}
    resp = env.request("POST", "/v2.1/servers", {"server": server, **hints}, microversion="2.37")
    sid = resp.json()["server"]["id"]
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    env.cloud.run_until_idle()
    return env, sid, gid


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        # the mapping stays, naming no cell: the tag table's check finds no instance
        ("nova-19.3.2", "Instance {} could not be found."),
        # ``_get_instance_mapping``: the conductor destroyed the mapping
        ("nova-20.0.0", "Instance {} has not been mapped to a cell."),
        ("upstream", "Instance {} has not been mapped to a cell."),
    ],
)
def test_its_tags_are_a_404_by_release(profile, message):
    env, sid, _ = _deleted_early(profile)
    resp = env.request("GET", f"/v2.1/servers/{sid}/tags", microversion="2.26")
    assert resp.status == 404
    assert resp.json()["itemNotFound"]["message"] == message.format(sid)


@pytest.mark.parametrize(("profile", "listed"), [("nova-19.3.2", True), ("upstream", False)])
def test_its_group_lists_it_while_its_mapping_stays(profile, listed):
    """``_get_not_deleted`` lists a member whose mapping names no cell ("Not scheduled
    yet"): before 20.0.0 a server deleted as a build request stays listed for good."""
    env, sid, gid = _deleted_early(profile, group=True)
    shown = env.request("GET", f"/v2.1/os-server-groups/{gid}").json()["server_group"]
    assert shown["members"] == ([sid] if listed else [])
    groups = env.request("GET", "/v2.1/os-server-groups").json()["server_groups"]
    assert groups[0]["members"] == ([sid] if listed else [])


def test_its_group_lists_it_before_the_members_in_a_cell():
    """Before 20.0.0 the member deleted as a build request keeps a mapping naming no cell:
    ``_get_not_deleted`` lists those first, then the cell's members newest first."""
    env, early, gid = _deleted_early("nova-19.3.2", group=True)
    hints = {"os:scheduler_hints": {"group": gid}}
    sids = []
    for name in ("b", "c"):
        server = {"name": name, "flavorRef": "1", "imageRef": env.image.id, "networks": "none"}
        body = {"server": server, **hints}
        resp = env.request("POST", "/v2.1/servers", body, microversion="2.37")
        sids.append(resp.json()["server"]["id"])
        env.cloud.run_until_idle()
    shown = env.request("GET", f"/v2.1/os-server-groups/{gid}").json()["server_group"]
    assert shown["members"] == [early, sids[1], sids[0]]
    groups = env.request("GET", "/v2.1/os-server-groups").json()["server_groups"]
    assert groups[0]["members"] == [early, sids[1], sids[0]]


def test_it_is_no_marker_of_the_usage_list():
    env, sid, _ = _deleted_early("upstream")
    resp = env.request(
        "GET", f"/v2.1/os-simple-tenant-usage?marker={sid}", microversion="2.40", user="admin"
    )
    assert resp.status == 400
    assert resp.json()["badRequest"]["message"] == f"Marker {sid} could not be found."
