"""``PUT /servers/{id}/os-volume_attachments/{volume_id}`` (Nova's
``VolumeAttachmentController.update``, ``_update_volume_regular``, ``_update_volume_swap``,
``compute.API.swap_volume``): the 2.85 attachment update, the swap per release (any admin's
until 29.3.0/30.1.0/31.1.0/32.0.0, then Cinder's only), the schema per microversion, and the
404/400/409 paths."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv


def _volume(env: NovaEnv, size: int = 1) -> str:
    r = env.cloud.request(
        "volumev3", "POST", "/v3/{project_id}/volumes", {"volume": {"size": size}}
    )
    assert r.status == 202, r.json()
    env.cloud.run_until_idle()
    return r.json()["volume"]["id"]


def _status(env: NovaEnv, volume_id: str) -> str:
    return env.cloud.request("volumev3", "GET", f"/v3/{{project_id}}/volumes/{volume_id}").json()[
        "volume"
    ]["status"]


def _attached(env: NovaEnv) -> tuple[str, str]:
    sid = env.boot()
    vid = _volume(env)
    body = {"volumeAttachment": {"volumeId": vid}}
    r = env.request("POST", f"/v2.1/servers/{sid}/os-volume_attachments", body)
    assert r.status == 200, r.json()
    env.cloud.run_until_idle()
    return sid, vid


def _put(env: NovaEnv, sid: str, vid: str, att: dict, mv: str = "2.85", user: str = "demo"):
    path = f"/v2.1/servers/{sid}/os-volume_attachments/{vid}"
    return env.request("PUT", path, {"volumeAttachment": att}, user=user, microversion=mv)


def test_2_85_updates_delete_on_termination_and_nothing_else(env: NovaEnv):
    sid, vid = _attached(env)
    r = _put(env, sid, vid, {"volumeId": vid, "delete_on_termination": "yes"})
    assert (r.status, r.body) == (202, None)
    path = f"/v2.1/servers/{sid}/os-volume_attachments/{vid}"
    shown = env.request("GET", path, microversion="2.85").json()["volumeAttachment"]
    assert shown["delete_on_termination"] is True
    # The fields GET shows may be sent back as they are; any change is a 400.
    same = {"volumeId": vid, "id": vid, "serverId": sid, "device": "/dev/vdb", "tag": None}
    assert _put(env, sid, vid, {**same, "tag": "x"}).json()["badRequest"]["message"] == (
        "The tag property is not mutable"
    )
    r = _put(env, sid, vid, {"volumeId": vid, "device": "/dev/vdc"})
    assert r.json()["badRequest"]["message"] == "The device property is not mutable"
    assert _put(env, sid, vid, {"volumeId": vid, "id": sid}).status == 400
    assert _put(env, sid, vid, {"volumeId": vid, "serverId": vid}).status == 400
    # The schema: unknown keys refused, and before 2.85 only volumeId exists.
    assert _put(env, sid, vid, {"volumeId": vid, "size": 2}).status == 400
    r = _put(env, sid, vid, {"volumeId": vid, "delete_on_termination": True}, mv="2.84")
    assert r.status == 400 and "delete_on_termination" in r.json()["badRequest"]["message"]
    # A volume the server does not have: VolumeBDMNotFound.
    other = _volume(env)
    r = _put(env, sid, other, {"volumeId": other})
    assert r.status == 404
    assert r.json()["itemNotFound"]["message"] == (
        f"No volume Block Device Mapping with id {other}."
    )


def test_a_swap_needs_the_swap_policy_and_in_34_a_migrating_volume(env: NovaEnv):
    sid, vid = _attached(env)
    new = _volume(env)
    for mv, body in (("2.85", {"volumeId": new}), ("2.84", {"volumeId": vid})):
        r = _put(env, sid, vid, body, mv=mv)
        assert r.status == 403
        assert r.json()["forbidden"]["message"] == (
            "Policy doesn't allow os_compute_api:os-volumes-attachments:swap to be performed."
        )
    r = _put(env, sid, vid, {"volumeId": new}, user="admin")
    assert r.status == 409
    assert r.json()["conflictingRequest"]["message"] == (
        f"volume {vid} is not migrating; this API should only be called by Cinder"
    )
    missing = "00000000-0000-0000-0000-000000000000"
    # 2.85: the attachment update comes first (no mapping: 404); 2.84: the old volume (404).
    r = _put(env, sid, missing, {"volumeId": new}, user="admin")
    assert r.json()["itemNotFound"]["message"].startswith("No volume Block Device Mapping")
    r = _put(env, sid, missing, {"volumeId": new}, mv="2.84", user="admin")
    assert r.json()["itemNotFound"]["message"] == f"Volume {missing} could not be found."
    assert (_status(env, vid), _status(env, new)) == ("in-use", "available")


@pytest.mark.parametrize(("release", "swaps"), [("nova-29.2.0", True), ("nova-29.3.0", False)])
def test_the_swap_restriction_came_with_29_3_0(release, swaps):
    env = NovaEnv(release)
    sid, vid = _attached(env)
    new = _volume(env)
    r = _put(env, sid, vid, {"volumeId": new}, user="admin")
    assert r.status == (202 if swaps else 409), r.json()
    if not swaps:  # the backport's own words (the nova oracle, 29.4.0)
        assert r.json()["conflictingRequest"]["message"] == (
            f"volume {vid} is not migrating this api should only be called by Cinder"
        )
    env.cloud.run_until_idle()
    assert (_status(env, vid), _status(env, new)) == (
        ("available", "in-use") if swaps else ("in-use", "available")
    )


def test_a_swap_before_the_restriction(seed_env: NovaEnv):
    env = seed_env
    sid, vid = _attached(env)
    new, small_target, attached = _volume(env, 2), _volume(env), _attached(env)[1]
    # Queens: the policy (admin), both volumes, then the server.
    r = _put(env, sid, vid, {"volumeId": new}, mv="2.1")
    assert r.status == 403
    missing = "00000000-0000-0000-0000-000000000000"
    r = _put(env, missing, vid, {"volumeId": missing}, mv="2.1", user="admin")
    assert r.status == 400 and r.json()["badRequest"]["message"] == (
        f"Volume {missing} could not be found."
    )
    r = _put(env, sid, vid, {"volumeId": attached}, mv="2.1", user="admin")
    assert r.json()["badRequest"]["message"] == (
        "Invalid volume: New volume must be detached in order to swap."
    )
    r = _put(env, sid, attached, {"volumeId": new}, mv="2.1", user="admin")
    assert r.json()["badRequest"]["message"] == (
        "Invalid volume: Old volume is attached to a different instance."
    )
    assert _put(env, sid, vid, {"volumeId": small_target}, mv="2.1", user="admin").status == 202
    env.cloud.run_until_idle()
    r = _put(env, sid, small_target, {"volumeId": vid}, mv="2.1", user="admin")
    assert r.status == 202
    env.cloud.run_until_idle()
    # Back on vid; now a smaller target is refused (new is 2 GB: fine; a 1 GB one for 2 GB not).
    assert _put(env, sid, vid, {"volumeId": new}, mv="2.1", user="admin").status == 202
    env.cloud.run_until_idle()
    r = _put(env, sid, new, {"volumeId": small_target}, mv="2.1", user="admin")
    assert r.json()["badRequest"]["message"] == (
        "Invalid volume: New volume must be the same size or larger."
    )
    # The swap took virtual time (the copy), left an action and its event, and the volumes.
    actions = env.request("GET", f"/v2.1/servers/{sid}/os-instance-actions").json()
    assert actions["instanceActions"][0]["action"] == "swap_volume"
    assert (_status(env, vid), _status(env, new), _status(env, small_target)) == (
        "available", "in-use", "available",
    )  # fmt: skip
    attachments = env.request("GET", f"/v2.1/servers/{sid}/os-volume_attachments").json()
    assert [a["volumeId"] for a in attachments["volumeAttachments"]] == [new]
    assert env.cloud.check_invariants() == []
    # Cinder refusing the new attachment is Nova's InvalidInput (a 500), and Nova leaves the
    # old volume detaching (no roll_detaching for it).
    broken = _volume(env, 2)
    reset = {"os-reset_status": {"status": "error"}}
    path = f"/v3/{{project_id}}/volumes/{broken}/action"
    assert env.cloud.request("volumev3", "POST", path, reset, user="admin").status == 202
    assert _put(env, sid, new, {"volumeId": broken}, mv="2.1", user="admin").status == 500
    assert (_status(env, new), _status(env, broken)) == ("detaching", "error")
