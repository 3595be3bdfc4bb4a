"""The actions that shape the state matrix, with Nova's gates and 409 messages, and the
vm_state × task_state matrix of createImage on image-backed servers."""

from __future__ import annotations

import pytest

from fakecloud.nova import states
from tests.nova.conftest import NovaEnv


def _conflict(resp) -> str:
    assert resp.status == 409, resp.json()
    return resp.json()["conflictingRequest"]["message"]


def _to_state(env: NovaEnv, sid: str, action: str | None) -> None:
    if action is not None:
        assert env.action(sid, {action: None}).status == 202
        env.cloud.run_until_idle()


@pytest.mark.parametrize(
    ("action", "vm_state", "status", "power"),
    [
        (None, states.ACTIVE, "ACTIVE", states.RUNNING),
        ("os-stop", states.STOPPED, "SHUTOFF", states.SHUTDOWN),
        ("pause", states.PAUSED, "PAUSED", states.POWER_PAUSED),
        ("suspend", states.SUSPENDED, "SUSPENDED", states.SHUTDOWN),
    ],
)
def test_snapshot_allowed_in_each_vm_state(any_env: NovaEnv, action, vm_state, status, power):
    sid = any_env.boot()
    _to_state(any_env, sid, action)
    server = any_env.server(sid)
    assert (server["OS-EXT-STS:vm_state"], server["status"]) == (vm_state, status)
    assert server["OS-EXT-STS:power_state"] == power
    resp = any_env.create_image(sid)
    assert resp.status == 202
    any_env.cloud.run_until_idle()
    image = any_env.glance_image(resp.json()["image_id"])
    assert image["status"] == "active"
    server = any_env.server(sid)
    assert (server["OS-EXT-STS:vm_state"], server["OS-EXT-STS:task_state"]) == (vm_state, None)


@pytest.mark.parametrize(
    "task_state", [None, states.POWERING_OFF, states.PAUSING, states.IMAGE_UPLOADING]
)
@pytest.mark.parametrize(
    "vm_state",
    [states.ACTIVE, states.STOPPED, states.PAUSED, states.SUSPENDED, states.ERROR, states.SHELVED],
)
def test_createimage_matrix(env: NovaEnv, vm_state, task_state):
    sid = env.boot()
    env.nova.force_state(sid, vm_state=vm_state, task_state=task_state)
    resp = env.create_image(sid)
    if vm_state not in (states.ACTIVE, states.STOPPED, states.PAUSED, states.SUSPENDED):
        assert _conflict(resp).endswith(f"while it is in vm_state {vm_state}")
    elif task_state is not None:
        assert _conflict(resp).endswith(f"while it is in task_state {task_state}")
    else:
        assert resp.status == 202


def test_locked_server_can_be_snapshotted_but_not_stopped(env: NovaEnv):
    sid = env.boot()
    assert env.action(sid, {"lock": None}).status == 202
    assert env.server(sid, user="demo", microversion="2.9")["locked"] is True
    assert _conflict(env.action(sid, {"os-stop": None})) == f"Instance {sid} is locked"
    assert env.create_image(sid).status == 202
    env.cloud.run_until_idle()
    assert env.action(sid, {"os-stop": None}, user="admin").status == 202


def test_lock_reason_from_2_73(env: NovaEnv):
    sid = env.boot()
    resp = env.action(sid, {"lock": {"locked_reason": "audit"}}, microversion="2.73")
    assert resp.status == 202
    assert env.server(sid, microversion="2.73")["locked_reason"] == "audit"
    assert env.action(sid, {"unlock": None}).status == 202
    assert env.server(sid, microversion="2.73")["locked_reason"] is None


def test_unlocking_an_admin_lock_needs_the_override_policy(env: NovaEnv):
    sid = env.boot()
    assert env.action(sid, {"lock": None}, user="admin").status == 202
    resp = env.action(sid, {"unlock": None})
    assert resp.status == 403
    assert resp.json()["forbidden"]["message"] == (
        "Policy doesn't allow os_compute_api:os-lock-server:unlock:unlock_override to be performed."
    )
    assert env.action(sid, {"unlock": None}, user="admin").status == 202


@pytest.mark.parametrize(
    ("setup", "action", "name", "state"),
    [
        ("os-stop", "os-stop", "stop", "stopped"),
        (None, "os-start", "start", "active"),
        ("pause", "pause", "pause", "paused"),
        (None, "unpause", "unpause", "active"),
        ("suspend", "suspend", "suspend", "suspended"),
        (None, "resume", "resume", "active"),
        (None, "shelveOffload", "shelveOffload", "active"),
    ],
)
def test_wrong_vm_state_gives_409(env: NovaEnv, setup, action, name, state):
    sid = env.boot()
    _to_state(env, sid, setup)
    resp = env.action(sid, {action: None}, user="admin")
    assert _conflict(resp) == f"Cannot '{name}' instance {sid} while it is in vm_state {state}"


def test_busy_task_state_gives_409(env: NovaEnv):
    sid = env.boot()
    assert env.action(sid, {"os-stop": None}).status == 202
    resp = env.action(sid, {"pause": None})
    assert _conflict(resp) == (
        f"Cannot 'pause' instance {sid} while it is in task_state powering-off"
    )


def test_power_actions_take_virtual_time(env: NovaEnv):
    sid = env.boot()
    t0 = env.cloud.now
    env.action(sid, {"os-stop": None})
    assert env.server(sid)["OS-EXT-STS:task_state"] == states.POWERING_OFF
    env.cloud.run_until_idle()
    stopped = env.cloud.trace.filter(kind="state", subject=sid, field="vm_state")[-1]
    assert stopped["new"] == states.STOPPED
    assert stopped["t"] - t0 == pytest.approx(1.002)  # rpc delay + power_action_delay_s


def test_build_and_delete_take_virtual_time(env: NovaEnv):
    sid = env.boot(wait=False)
    assert env.server(sid)["status"] == "BUILD"
    env.cloud.run_until_idle()
    active = env.cloud.trace.filter(kind="state", subject=sid, field="vm_state")[-1]
    assert active["new"] == states.ACTIVE and active["t"] == pytest.approx(4.004, abs=0.01)
    t0 = env.cloud.now
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    assert env.server(sid)["OS-EXT-STS:task_state"] == states.DELETING
    env.cloud.run_until_idle()
    deleted = env.cloud.trace.filter(kind="state", subject=sid, field="vm_state")[-1]
    assert deleted["new"] == states.DELETED
    assert deleted["t"] - t0 == pytest.approx(2.002, abs=0.01)
    assert env.request("GET", f"/v2.1/servers/{sid}").status == 404


def test_delete_of_a_locked_server_is_409_for_its_owner(env: NovaEnv):
    sid = env.boot()
    env.action(sid, {"lock": None})
    resp = env.request("DELETE", f"/v2.1/servers/{sid}")
    assert _conflict(resp) == f"Instance {sid} is locked"


def test_shelve_snapshots_and_offloads_then_unshelve_restores(env: NovaEnv):
    sid = env.boot("web")
    assert env.action(sid, {"shelve": None}).status == 202
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert server["status"] == "SHELVED_OFFLOADED"
    assert server["OS-EXT-SRV-ATTR:host"] is None
    shelved = env.cloud.request("image", "GET", "/v2/images?name=web-shelved", user="admin")
    (image,) = shelved.json()["images"]
    assert image["status"] == "active"
    assert _conflict(env.create_image(sid)).endswith("vm_state shelved_offloaded")
    assert env.action(sid, {"unshelve": None}).status == 202
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert server["status"] == "ACTIVE"
    assert env.glance_image(image["id"]) is None


def test_shelve_without_offload_and_admin_offload():
    env = NovaEnv("upstream", {"nova": {"shelved_offload_time_s": -1}})
    sid = env.boot()
    env.action(sid, {"shelve": None})
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "SHELVED"
    assert env.action(sid, {"shelveOffload": None}).status == 403
    assert env.action(sid, {"shelveOffload": None}, user="admin").status == 202
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "SHELVED_OFFLOADED"


def test_unshelve_of_a_shelved_server_powers_it_on_where_it_is():
    env = NovaEnv("upstream", {"nova": {"shelved_offload_time_s": -1}})
    sid = env.boot()
    host = env.server(sid)["OS-EXT-SRV-ATTR:host"]
    env.action(sid, {"shelve": None})
    env.cloud.run_until_idle()
    env.action(sid, {"unshelve": None})
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert server["status"] == "ACTIVE"
    assert server["OS-EXT-SRV-ATTR:host"] == host
    assert "shelved_image_id" not in env.nova.db.instances[sid].system_metadata


def test_shelve_of_a_volume_backed_server_offloads_without_an_image(env: NovaEnv):
    sid = env.boot(bfv=True)
    env.action(sid, {"shelve": None})
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "SHELVED_OFFLOADED"
    images = env.cloud.request("image", "GET", "/v2/images?name=vm-shelved", user="admin")
    assert images.json()["images"] == []
    env.action(sid, {"unshelve": None})
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "ACTIVE"


def test_reset_state_is_for_admins(env: NovaEnv):
    sid = env.boot()
    body = {"os-resetState": {"state": "error"}}
    assert env.action(sid, body).status == 403
    assert env.action(sid, body, user="admin").status == 202
    assert env.server(sid)["status"] == "ERROR"
    bad = env.action(sid, {"os-resetState": {"state": "paused"}}, user="admin")
    assert bad.status == 400
    assert "'paused' is not one of ['active', 'error']" in bad.json()["badRequest"]["message"]


def test_every_action_is_recorded(env: NovaEnv):
    sid = env.boot()
    for action in ("os-stop", "os-start", "pause", "unpause", "suspend", "resume"):
        _to_state(env, sid, action)
    env.action(sid, {"lock": None})
    env.action(sid, {"unlock": None})
    actions = env.request("GET", f"/v2.1/servers/{sid}/os-instance-actions").json()
    names = [a["action"] for a in actions["instanceActions"]]
    assert names == [
        "unlock", "lock", "resume", "suspend", "unpause", "pause", "start", "stop", "create",
    ]  # fmt: skip


def test_action_schema_and_unknown_action(env: NovaEnv):
    sid = env.boot()
    resp = env.action(sid, {"pause": None, "extra": 1})
    assert resp.status == 400
    assert resp.json()["badRequest"]["message"] == "Malformed request body"
    resp = env.action(sid, {"reboot-everything": None})
    assert resp.json()["badRequest"]["message"] == "There is no such action: reboot-everything"


@pytest.mark.parametrize("profile, recorded", [("nova-22.2.0", False), ("nova-22.2.1", True)])
def test_reset_state_is_an_instance_action_from_22_2_1(profile: str, recorded: bool):
    # admin_actions._reset_state records the action from 534b4f3895 (23.0.0; 3d84097eab,
    # 22.2.1): Train's oracle listed no resetState on the error server.
    env = NovaEnv(profile)
    sid = env.boot()
    assert env.action(sid, {"os-resetState": {"state": "error"}}, user="admin").status == 202
    actions = env.request("GET", f"/v2.1/servers/{sid}/os-instance-actions").json()
    names = [a["action"] for a in actions["instanceActions"]]
    assert names == ["resetState", "create"] if recorded else ["create"]
