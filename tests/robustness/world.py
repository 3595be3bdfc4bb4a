"""A small populated cloud for the robustness tests: two projects, each kind of resource the
APIs serve, owned by the ``demo`` project, and users of the ``other`` project to try them.

`build(profile)` makes it (about a hundred virtual seconds of work); tests `fork` it per case so
each starts from the same state. `ids` names what was made, by the path parameter that takes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fakecloud import Cloud

#: Users of a second project, to try the first project's resources.
OTHER_USERS = {
    "other": {"password": "other-secret", "project": "other", "roles": ["member"]},
    "other-reader": {"password": "other-reader-secret", "project": "other", "roles": ["reader"]},
    "other-admin": {"password": "other-admin-secret", "project": "other", "roles": ["admin"]},
}
CONFIG = {
    "identity": {"projects": {"other": {"description": "Another tenant"}}, "users": OTHER_USERS},
    "glance": {"image_member_quota": 8},
}


@dataclass
class World:
    """A built cloud and the ids of what it holds (by kind)."""

    cloud: Any
    profile: str
    ids: dict[str, str] = field(default_factory=dict)

    def fork(self) -> Any:
        """A fresh copy of the cloud, in the same state."""
        return self.cloud.fork()


def _ok(resp: Any, *statuses: int) -> Any:
    assert resp.status in statuses, (resp.status, resp.body)
    return resp.json()


def build(profile: str, seed: int = 5) -> World:
    """Build the world for `profile`: the demo project's server (and its instance snapshot
    on the seed profile), snapshot image, volume, volume snapshot and attachment; images of
    every visibility; the other project invited as a member of the shared one."""
    cloud = Cloud(seed=seed, profile=profile, config=CONFIG)
    req = cloud.request
    ids: dict[str, str] = {
        "project_id": cloud.context("demo").project_id,
        "other_project_id": cloud.context("other").project_id,
    }
    cirros = _ok(req("image", "GET", "/v2/images?name=cirros-0.6.2-x86_64-qga"), 200)
    ids["base_image_id"] = cirros["images"][0]["id"]
    server = {"name": "web", "flavorRef": "1", "imageRef": ids["base_image_id"]}
    server["networks"] = "none"
    created = _ok(
        req("compute", "POST", "/v2.1/servers", body={"server": server}, microversion="2.60"), 202
    )
    ids["server_id"] = created["server"]["id"]
    cloud.run_until_idle()
    action = f"/v2.1/servers/{ids['server_id']}/action"
    snap = req(
        "compute", "POST", action, body={"createImage": {"name": "web-snap"}}, microversion="2.45"
    )
    ids["snapshot_image_id"] = _ok(snap, 202)["image_id"]
    cloud.run_until_idle()
    volume = _ok(
        req(
            "block-storage",
            "POST",
            "/v3/{project_id}/volumes",
            body={"volume": {"size": 1, "name": "data"}},
        ),
        202,
    )
    ids["volume_id"] = volume["volume"]["id"]
    cloud.run_until_idle()
    vsnap = req(
        "block-storage",
        "POST",
        "/v3/{project_id}/snapshots",
        body={"snapshot": {"volume_id": ids["volume_id"], "name": "data-snap"}},
    )
    ids["volume_snapshot_id"] = _ok(vsnap, 202)["snapshot"]["id"]
    cloud.run_until_idle()
    spare = _ok(
        req(
            "block-storage",
            "POST",
            "/v3/{project_id}/volumes",
            body={"volume": {"size": 1, "name": "spare"}},
        ),
        202,
    )
    ids["attached_volume_id"] = spare["volume"]["id"]
    cloud.run_until_idle()
    attachment = {
        "volume_uuid": ids["attached_volume_id"],
        "instance_uuid": ids["server_id"],
        "connector": {"host": "cmp-1", "initiator": "iqn.2026-01.test:cmp-1"},
    }
    made = req(
        "block-storage",
        "POST",
        "/v3/{project_id}/attachments",
        body={"attachment": attachment},
        microversion="3.44",
    )
    ids["attachment_id"] = _ok(made, 200)["attachment"]["id"]
    for visibility in ("private", "shared", "community"):
        body = {"name": f"{visibility}-img", "disk_format": "raw", "container_format": "bare"}
        body["visibility"] = visibility
        ids[f"{visibility}_image_id"] = _ok(req("image", "POST", "/v2/images", body=body), 201)[
            "id"
        ]
    public = {"name": "public-img", "disk_format": "raw", "container_format": "bare"}
    public["visibility"] = "public"
    ids["public_image_id"] = _ok(
        req("image", "POST", "/v2/images", body=public, user="admin"), 201
    )["id"]
    member = {"member": ids["other_project_id"]}
    _ok(req("image", "POST", f"/v2/images/{ids['shared_image_id']}/members", body=member), 200)
    if profile == "seed":
        made = req(
            "compute",
            "POST",
            f"/v2.1/servers/{ids['server_id']}/snapshots",
            body={"snapshot": {"name": "s1"}},
        )
        ids["instance_snapshot_id"] = _ok(made, 202)["snapshot"]["id"]
    cloud.run_until_idle()
    ids["request_id"] = _ok(
        req("compute", "GET", f"/v2.1/servers/{ids['server_id']}/os-instance-actions"), 200
    )["instanceActions"][-1]["request_id"]
    return World(cloud, profile, ids)
