"""A failed reboot or power action leaves its RPC entry point through Nova's decorators in
their order: ``@wrap_exception() @reverts_task_state @wrap_instance_event @wrap_instance_fault``
on ``reboot_instance``, ``pause_instance`` and the other power actions (nova 17.0.13 and
34.0.0 compute/manager.py), so from the innermost: the fault (none for a server gone, as
here), the instance action event's Error, the task state cleared, then the legacy
``<method>`` error notification and, where versioned notifications are sent (not by default
from 20.0.0, switch ``default_notification_format``), ``compute.exception``. The trace is
what a replay compares, so the order is asserted."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv


def _steps(env: NovaEnv, sid: str | None, mark: int) -> list[str]:
    """What the compute host did (to server `sid`, when given) from `mark` on, in order."""
    steps = []
    for e in env.cloud.trace[mark:]:
        if (
            e["kind"] == "state"
            and e["actor"].startswith("nova-compute")
            and sid in (None, e["subject"])
        ):
            steps.append(f"{e['field']} {e['new']}")
        elif e["kind"] == "notification":
            steps.append(e["event_type"])
        elif e["kind"] == "nova.fault":
            steps.append("fault")
        elif e["kind"] == "nova.event" and e["phase"] == "finish":
            steps.append(f"event {e['result']}")
    return steps


def _undefined(env: NovaEnv) -> tuple[str, int]:
    """A booted server whose guest an operator undefined outside Nova (``virsh undefine``),
    and the trace's length then."""
    sid = env.boot()
    env.nova.hosts[env.nova.db.instances[sid].host].driver.domains.pop(sid)
    return sid, len(env.cloud.trace)


#: The notifications of ``wrap_exception`` after the legacy one, by profile.
VERSIONED = {"nova-17.0.13": ["compute.exception"], "upstream": []}
#: The versioned twin of a legacy ``compute.instance.<action>.start``, by profile.
VERSIONED_START = {"nova-17.0.13": ["instance.reboot.start"], "upstream": []}


@pytest.mark.parametrize("profile", sorted(VERSIONED))
def test_a_soft_reboot_of_a_guest_gone_ends_in_error_in_the_decorators_order(profile):
    # LibvirtDriver._soft_reboot's get_guest raises InstanceNotFound (not a libvirtError, so
    # no hard reboot); _reboot_instance finds no power state and sets ERROR
    # (_set_instance_obj_error_state: the task kept), then re-raises.
    env = NovaEnv(profile)
    sid, mark = _undefined(env)
    assert env.action(sid, {"reboot": {"type": "SOFT"}}).status == 202
    env.cloud.run_until_idle()
    steps = _steps(env, sid, mark)
    assert steps[steps.index("compute.instance.reboot.start") :] == [
        "compute.instance.reboot.start",
        *VERSIONED_START[profile],
        "task_state reboot_pending",
        "power_state 0",
        "task_state reboot_started",
        "vm_state error",
        "event Error",
        "task_state None",
        "reboot_instance",
        *VERSIONED[profile],
    ]
    shown = env.server(sid)
    assert (shown["status"], shown["OS-EXT-STS:task_state"]) == ("ERROR", None)
    assert "fault" not in shown


def test_a_pause_of_a_guest_gone_ends_in_the_decorators_order():
    # LibvirtDriver.pause: get_guest's InstanceNotFound
    env = NovaEnv("nova-17.0.13")
    sid, mark = _undefined(env)
    assert env.action(sid, {"pause": None}).status == 202
    env.cloud.run_until_idle()
    assert _steps(env, sid, mark) == [
        "compute.instance.pause.start",
        "instance.pause.start",
        "event Error",
        "task_state None",
        "pause_instance",
        "compute.exception",
    ]
    assert env.server(sid)["status"] == "ACTIVE"


def test_a_failed_terminate_errs_the_server_then_leaves_through_the_decorators():
    # terminate_instance (@wrap_exception @reverts_task_state @wrap_instance_event
    # @wrap_instance_fault): do_terminate_instance's ``except Exception`` sets ERROR with the
    # task kept ('Setting instance vm_state to ERROR'), then, from the innermost, the fault,
    # the event's Error, the task state cleared, the legacy and versioned error notifications
    # (nova 17.0.13 and 34.0.0 compute/manager.py). Here the vendor's instance snapshots of
    # a volume-backed server are waited for as it is deleted, and Cinder answers 500.
    env = NovaEnv("seed")
    sid = env.boot(bfv=True)
    made = env.request("POST", f"/v2.1/servers/{sid}/snapshots", {"snapshot": {"name": "s"}})
    assert made.status == 202
    env.cloud.run_until_idle()
    env.cloud.faults.add("volume_api.get_snapshot", error=500)
    mark = len(env.cloud.trace)
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    env.cloud.run_until_idle()
    steps = _steps(env, sid, mark)
    assert steps[steps.index("compute.instance.delete.start") :] == [
        "compute.instance.delete.start",
        "instance.delete.start",
        "vm_state error",
        "fault",
        "event Error",
        "task_state None",
        "terminate_instance",
        "compute.exception",
    ]
    shown = env.server(sid)
    assert (shown["status"], shown["OS-EXT-STS:task_state"]) == ("ERROR", None)
    assert shown["fault"]["code"] == 500
