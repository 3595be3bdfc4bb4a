"""Rescue and unrescue, as nova 17.0.13, 20.6.0, 21.2.4, 23.2.2, 27.5.1, 29.2.0 and 34.0.0 do
them (api/openstack/compute/rescue.py, schemas/rescue.py, policies/rescue.py, compute/api.py
``rescue``/``unrescue``, compute/manager.py ``rescue_instance``/``unrescue_instance``,
virt/libvirt/driver.py ``rescue``/``unrescue``), and what a rescued server refuses."""

from __future__ import annotations

import pytest

from fakecloud.nova import states
from tests.nova.conftest import NovaEnv
from tests.nova.volume_backed_env import NO_AGENT, QGA, BfvEnv

MISSING = "7f1f4f0e-0000-4000-8000-000000000000"
#: A rescue image Glance does not have.
NO_IMAGE = "5e1d2c3b-0000-4000-8000-000000000001"
STABLE_RESCUE = {"hw_rescue_device": "disk", "hw_rescue_bus": "scsi"}


def _message(resp, status: int) -> str:
    assert resp.status == status, resp.json()
    return next(iter(resp.json().values()))["message"]


def _state(env: NovaEnv, sid: str) -> tuple:
    s = env.server(sid)
    return s["status"], s["OS-EXT-STS:task_state"], s["OS-EXT-STS:power_state"]


def _add_props(env: NovaEnv, image_id: str, props: dict) -> None:
    patch = [{"op": "add", "path": f"/{k}", "value": v} for k, v in props.items()]
    resp = env.cloud.request(
        "image", "PATCH", f"/v2/images/{image_id}", body=patch, user="admin",
        headers={"Content-Type": "application/openstack-images-v2.1-json-patch"},
    )  # fmt: skip
    assert resp.status == 200, resp.json()


def _fault(env: NovaEnv, sid: str) -> str:
    return env.server(sid, microversion="2.1").get("fault", {}).get("message", "")


def test_rescue_and_unrescue_round_trip():
    env = NovaEnv("upstream", {"nova": {"notification_format": "both"}})
    sid = env.boot()
    start = env.cloud.now
    resp = env.action(sid, {"rescue": {"adminPass": "s3cret"}})
    assert resp.status == 200 and resp.json() == {"adminPass": "s3cret"}
    assert _state(env, sid) == ("ACTIVE", "rescuing", states.RUNNING)
    env.cloud.run_until_idle()
    assert _state(env, sid) == ("RESCUE", None, states.RUNNING)
    rescued = env.states(sid, "vm_state")[-1]
    assert rescued == states.RESCUED
    cfg = env.nova.config
    # the clean shutdown, then the rescue guest made and booted (as a spawn)
    (done,) = [
        e for e in env.cloud.trace.filter(kind="state", subject=sid) if e.get("new") == "rescued"
    ]
    assert done["t"] - start == pytest.approx(cfg.power_action_delay_s + cfg.build_delay_s, abs=0.1)
    events = [
        (e["event_type"], e.get("rescue_image_ref", e.get("rescue_image_name")))
        for e in env.cloud.trace.filter(kind="notification")
        if "rescue" in e["event_type"]
    ]
    assert events == [
        ("compute.instance.rescue.start", env.image.name),
        ("instance.rescue.start", None),
        ("compute.instance.rescue.end", env.image.name),
        ("instance.rescue.end", None),
    ]
    # a rescued server refuses what its check_instance_state does not list
    assert _message(env.create_image(sid), 409).endswith("while it is in vm_state rescued")
    assert _message(env.action(sid, {"rescue": None}), 409) == (
        f"Cannot 'rescue' instance {sid} while it is in vm_state rescued"
    )
    assert env.action(sid, {"unrescue": None}).status == 202
    assert _state(env, sid) == ("RESCUE", "unrescuing", states.RUNNING)
    env.cloud.run_until_idle()
    assert _state(env, sid) == ("ACTIVE", None, states.RUNNING)
    assert _message(env.action(sid, {"unrescue": None}), 409) == (
        f"Cannot 'unrescue' instance {sid} while it is in vm_state active"
    )
    listed = env.request("GET", f"/v2.1/servers/{sid}/os-instance-actions", user="admin").json()
    assert [a["action"] for a in listed["instanceActions"]] == ["unrescue", "rescue", "create"]
    # the guest kept its libvirt name through both
    assert env.nova.hosts[env.server(sid)["OS-EXT-SRV-ATTR:host"]].driver.rescued == {}


def test_a_stopped_server_is_rescued_running_and_unrescued_active():
    env = NovaEnv("upstream", {"nova": {"enable_instance_password": False}})
    sid = env.boot()
    assert env.action(sid, {"os-stop": None}).status == 202
    env.cloud.run_until_idle()
    resp = env.action(sid, {"rescue": None})
    assert resp.status == 200 and resp.json() == {}  # [api] enable_instance_password off
    env.cloud.run_until_idle()
    assert _state(env, sid) == ("RESCUE", None, states.RUNNING)
    env.action(sid, {"unrescue": None})
    env.cloud.run_until_idle()
    assert _state(env, sid) == ("ACTIVE", None, states.RUNNING)
    # an operator's way out of a stuck rescue: reset to active, then a hard reboot, which
    # defines the guest from the server's own configuration (libvirt _hard_reboot)
    env.action(sid, {"rescue": None})
    env.cloud.run_until_idle()
    body = {"os-resetState": {"state": "active"}}
    assert env.action(sid, body, user="admin").status == 202
    assert env.action(sid, {"reboot": {"type": "HARD"}}).status == 202
    env.cloud.run_until_idle()
    assert _state(env, sid) == ("ACTIVE", None, states.RUNNING)
    assert env.nova.hosts[env.server(sid)["OS-EXT-SRV-ATTR:host"]].driver.rescued == {}


def test_refusals_409_and_400():
    env = NovaEnv("upstream")
    sid = env.boot()
    assert env.action(sid, {"pause": None}).status == 202
    assert _message(env.action(sid, {"rescue": None}), 409) == (
        f"Cannot 'rescue' instance {sid} while it is in task_state pausing"
    )
    env.cloud.run_until_idle()
    assert _message(env.action(sid, {"rescue": None}), 409) == (
        f"Cannot 'rescue' instance {sid} while it is in vm_state paused"
    )
    env.action(sid, {"unpause": None})
    env.cloud.run_until_idle()
    assert env.action(sid, {"lock": None}, user="admin").status == 202
    assert _message(env.action(sid, {"rescue": None}), 409) == f"Instance {sid} is locked"
    assert env.action(sid, {"unlock": None}, user="admin").status == 202
    # a createImage under way holds the task state: 409 (image_snapshot_pending)
    assert env.create_image(sid).status == 202
    assert _message(env.action(sid, {"rescue": None}), 409).endswith(
        "while it is in task_state image_snapshot_pending"
    )
    env.cloud.run_until_idle()
    bad = env.action(sid, {"rescue": {"rescue_image_ref": "not-a-uuid"}})
    assert bad.status == 400
    assert env.action(sid, {"rescue": {"admin_pass": "x"}}).status == 400
    assert _message(env.action(MISSING, {"rescue": None}), 404) == (
        f"Instance {MISSING} could not be found."
    )
    # from 21.1.0 the API reads the rescue image: one Glance does not have is a 400
    resp = env.action(sid, {"rescue": {"rescue_image_ref": NO_IMAGE}})
    assert _message(resp, 400) == f"Requested rescue image '{NO_IMAGE}' is not supported"
    assert _state(env, sid) == ("ACTIVE", None, states.RUNNING)


def test_a_driver_error_puts_the_server_in_error():
    env = NovaEnv("upstream")
    sid = env.boot()
    env.cloud.faults.add("nova.libvirt.rescue", error="LibvirtError", message="boom", times=1)
    assert env.action(sid, {"rescue": None}).status == 200
    env.cloud.run_until_idle()
    # _set_instance_obj_error_state, then reverts_task_state; the guest is left as it was
    assert _state(env, sid) == ("ERROR", None, states.RUNNING)
    assert _fault(env, sid) == f"Instance {sid} cannot be rescued: Driver Error: boom"
    errors = [e["event_type"] for e in env.cloud.trace.filter(kind="notification")]
    assert "rescue_instance" in errors or "compute.exception" in errors
    # error is one of rescue's states: the next rescue works
    assert env.action(sid, {"rescue": None}).status == 200
    env.cloud.run_until_idle()
    assert _state(env, sid) == ("RESCUE", None, states.RUNNING)


def test_before_21_1_the_compute_finds_the_rescue_image_missing():
    env = NovaEnv("nova-20.6.0")
    sid = env.boot()
    resp = env.action(sid, {"rescue": {"rescue_image_ref": NO_IMAGE}})
    assert resp.status == 200
    env.cloud.run_until_idle()
    # reverts_task_state + wrap_instance_fault: the server as it was, the event in Error
    assert _state(env, sid) == ("ACTIVE", None, states.RUNNING)
    path = f"/v2.1/servers/{sid}/os-instance-actions"
    (last, *_) = env.request("GET", path, user="admin").json()["instanceActions"]
    assert last["action"] == "rescue"
    one = env.request("GET", f"{path}/{last['request_id']}", user="admin", microversion="2.51")
    (event,) = one.json()["instanceAction"]["events"]
    assert (event["event"], event["result"]) == ("compute_rescue_instance", "Error")


def test_volume_backed_rescue_by_microversion_and_release():
    env = BfvEnv("upstream")
    sid = env.boot_bfv(image=QGA)
    plain = env.image_id(NO_AGENT)
    cannot = f"Instance {sid} cannot be rescued: Cannot rescue a volume-backed instance"
    assert _message(env.action(sid, {"rescue": None}), 400) == cannot
    # 2.87, but the image lacks hw_rescue_device/bus (6eed55bf55, 27.0.0): still 400
    body = {"rescue": {"rescue_image_ref": plain}}
    assert _message(env.action(sid, body, microversion="2.87"), 400) == cannot
    _add_props(env, plain, STABLE_RESCUE)
    assert env.action(sid, body, microversion="2.86").status == 400
    assert env.action(sid, body, microversion="2.87").status == 200
    env.cloud.run_until_idle()
    assert _state(env, sid) == ("RESCUE", None, states.RUNNING)
    # the image of a volume-backed snapshot cannot rescue (b9ff0ca94e)
    other = env.boot_bfv(name="other", image=QGA)
    image_id = env.snap(other)
    env.cloud.run_until_idle()
    resp = env.action(env.boot(image=env.images[0]), {"rescue": {"rescue_image_ref": image_id}})
    assert _message(resp, 400) == f"Requested rescue image '{image_id}' is not supported"
    # LP #1926601 (23.2.2): accepted without the properties, the compute's legacy rescue
    # finds no local root disk and the server goes to ERROR
    old = BfvEnv("nova-23.2.2")
    vm = old.boot_bfv(image=QGA)
    resp = old.action(
        vm, {"rescue": {"rescue_image_ref": old.image_id(NO_AGENT)}}, microversion="2.87"
    )
    assert resp.status == 200
    old.cloud.run_until_idle()
    assert old.server(vm)["status"] == "ERROR"
    assert _fault(old, vm).startswith(f"Instance {vm} cannot be rescued: Driver Error: ")


@pytest.mark.parametrize("profile", ["nova-21.2.4", "upstream"])
def test_a_volume_backed_server_rescued_without_an_image_keeps_running(profile):
    """2.87 with no ``rescue_image_ref``: a volume-backed server's ``image_ref`` is '' and so is
    its ``image_base_image_ref`` (``_populate_instance_for_create``'s setdefault), so the
    compute's ``_get_rescue_image`` asks Glance for '' (``GET /v2/images/``: no route, 404,
    ``ImageNotFound``) before the driver (whose ``[libvirt] rescue_image_id`` and the volume's
    image metadata are never reached); its decorators leave a fault and the server ACTIVE
    (nova 21.2.4/34.0.0 ``compute/manager.py`` ``_get_rescue_image``, ``compute/api.py``
    ``rescue``; from 27.0.0 the API first wants hw_rescue_* on the server's own image). An
    ACTIVE server shows no fault: the user sees the rescue action's event in Error."""
    env = BfvEnv(profile)
    _add_props(env, env.image_id(QGA), STABLE_RESCUE)
    sid = env.boot_bfv(image=QGA)
    assert env.action(sid, {"rescue": None}, microversion="2.87").status == 200
    env.cloud.run_until_idle()
    assert _state(env, sid) == ("ACTIVE", None, states.RUNNING)
    (fault,) = env.cloud.trace.filter(kind="nova.fault", subject=sid)
    assert (fault["code"], fault["message"]) == (404, "Image  could not be found.")
    path = f"/v2.1/servers/{sid}/os-instance-actions"
    (last, *_) = env.request("GET", path, user="admin").json()["instanceActions"]
    one = env.request("GET", f"{path}/{last['request_id']}", user="admin", microversion="2.51")
    (event,) = one.json()["instanceAction"]["events"]
    assert (last["action"], event["event"], event["result"]) == (
        "rescue",
        "compute_rescue_instance",
        "Error",
    )


def test_unrescue_policy_order_and_name_by_release():
    for profile, status, rule in (
        ("nova-20.6.0", 403, "os_compute_api:os-rescue"),
        ("upstream", 404, "os_compute_api:os-unrescue"),
    ):
        env = NovaEnv(profile, {"nova": {"policy": {rule: "!"}}})
        resp = env.action(MISSING, {"unrescue": None})
        assert resp.status == status, (profile, resp.json())
        if status == 403:
            assert rule in _message(resp, 403)


def test_a_compute_restart_leaves_rescuing_and_rescued_servers_alone():
    env = NovaEnv("upstream", {"nova": {"compute_hosts": 1, "reclaim_instance_interval_s": 600}})
    busy, done = env.boot("busy"), env.boot("done")
    env.action(done, {"rescue": None})
    env.cloud.run_until_idle()
    env.action(busy, {"rescue": None})
    env.cloud.run(env.cloud.now + 0.5)
    env.nova.restart_compute(env.server(busy)["OS-EXT-SRV-ATTR:host"])
    env.cloud.run_until_idle()
    # _init_instance has no branch for rescuing: the task state stays (17.0.13-34.0.0)
    assert _state(env, busy)[:2] == ("ACTIVE", "rescuing")
    assert _state(env, done) == ("RESCUE", None, states.RUNNING)
    # a rescued server soft-deleted and restored: libvirt's power_on is a hard reboot, which
    # boots the server's own guest (nova 34.0.0 LibvirtDriver.power_on -> _hard_reboot)
    assert env.request("DELETE", f"/v2.1/servers/{done}").status == 204
    env.cloud.run_until_idle()
    assert env.action(done, {"restore": None}).status == 202
    env.cloud.run_until_idle()
    assert _state(env, done) == ("ACTIVE", None, states.RUNNING)
    assert not env.nova.hosts[env.server(done)["OS-EXT-SRV-ATTR:host"]].driver.rescued


def test_deleting_a_rescued_server_removes_both_guests():
    env = NovaEnv("upstream")
    sid = env.boot()
    host = env.server(sid)["OS-EXT-SRV-ATTR:host"]
    env.action(sid, {"rescue": None})
    env.cloud.run_until_idle()
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    env.cloud.run_until_idle()
    driver = env.nova.hosts[host].driver
    assert sid not in driver.domains and sid not in driver.rescued
    # a delete during the rescue: its destroy takes the guest and its disk, so the rescue
    # guest cannot start (no guest left behind for a deleted server)
    other = env.boot("other")
    env.action(other, {"rescue": None})
    env.cloud.run(env.cloud.now + 0.5)
    assert env.request("DELETE", f"/v2.1/servers/{other}").status == 204
    env.cloud.run_until_idle()
    assert all(other not in h.driver.domains for h in env.nova.hosts.values())
    logs = [e["message"] for e in env.cloud.trace.filter(kind="log", subject=other)]
    assert "Error trying to Rescue Instance" in logs


def test_rescue_of_a_volume_backed_server_frozen_by_its_snapshot():
    """A volume-backed snapshot sets no task state while its quiesce holds the guest frozen:
    a stable device rescue (2.87) is accepted then, and its shutdown and destroy of the guest
    end the freeze; the snapshot's thaw later finds the rescue guest thawed."""
    env = BfvEnv("upstream", {"nova": {"guest_agent_thaw_s": 5.0}})
    sid = env.boot_bfv(image=QGA)
    rescue_image = env.image_id(NO_AGENT)
    _add_props(env, rescue_image, STABLE_RESCUE)
    snap = env.spawn_request(env.cloud.now, "POST", f"/v2.1/servers/{sid}/action",
                             {"createImage": {"name": "s"}},
                             headers={"OpenStack-API-Version": "compute 2.45"})  # fmt: skip
    while not env.events("guest.freeze", subject=sid):
        env.cloud.run(env.cloud.now + 0.01)
    frozen_at = env.cloud.now
    body = {"rescue": {"rescue_image_ref": rescue_image}}
    assert env.action(sid, body, microversion="2.87").status == 200
    env.cloud.run_until_idle()
    assert snap["response"].status == 202
    assert env.glance_image(snap["response"].json()["image_id"])["status"] == "active"
    assert _state(env, sid) == ("RESCUE", None, states.RUNNING)
    ((start, end),) = (
        env.domain(sid).frozen_intervals
        or env.nova.hosts[env.server(sid)["OS-EXT-SRV-ATTR:host"]]
        .driver.rescued[sid]
        .frozen_intervals
    )
    assert start <= frozen_at < end
    # nobody thawed it (the thaw, 5 s long, found it thawed): the guest died at the rescue's
    # clean shutdown
    assert not env.events("guest.thaw", subject=sid)
    shutdown = env.events("state", subject=sid, field="power_state", new=states.SHUTDOWN)
    assert end == shutdown[-1]["t"]
    assert not env.domain(sid).frozen
    assert env.cloud.check_invariants() == []


#: What a rescued server refuses (their ``check_instance_state`` leave ``rescued`` out).
REFUSED = {
    "createBackup": {"name": "b", "backup_type": "daily", "rotation": 1},
    "shelve": None,
    "os-stop": None,
    "reboot": {"type": "HARD"},
    "resize": {"flavorRef": "2"},
    "os-migrateLive": {"host": None, "block_migration": "auto"},
    "rebuild": "image",
    "suspend": None,
}


def test_a_rescued_server_refuses_the_other_actions():
    env = NovaEnv("upstream")
    sid = env.boot()
    env.action(sid, {"rescue": None})
    env.cloud.run_until_idle()
    for action, body in REFUSED.items():
        if body == "image":
            body = {"imageRef": env.image.id}
        resp = env.action(sid, {action: body}, user="admin", microversion="2.30")
        assert _message(resp, 409).endswith("while it is in vm_state rescued"), action


def test_sdk_rescue_and_unrescue(cloud, sdk):
    """One real client: openstacksdk's ``rescue_server``/``unrescue_server`` bodies."""
    image = cloud.glance.db.images[next(iter(cloud.glance.db.images))]
    body = {"server": {"name": "r", "imageRef": image.id, "flavorRef": "1", "networks": "none"}}
    made = cloud.request("compute", "POST", "/v2.1/servers", body=body, microversion="2.37")
    sid = made.json()["server"]["id"]
    cloud.run_until_idle()
    sdk.compute.rescue_server(sid, admin_pass="pw", image=image.id)
    cloud.run_until_idle()
    show = f"/v2.1/servers/{sid}"
    assert cloud.request("compute", "GET", show).json()["server"]["status"] == "RESCUE"
    sdk.compute.unrescue_server(sid)
    cloud.run_until_idle()
    assert cloud.request("compute", "GET", show).json()["server"]["status"] == "ACTIVE"
