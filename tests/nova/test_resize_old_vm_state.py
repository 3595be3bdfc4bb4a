"""A stopped server moved: the ``old_vm_state`` ``_prep_resize`` stashes in its system
metadata decides that neither ``_finish_resize`` nor ``finish_revert_resize`` starts its guest
(``power_on = old_vm_state != STOPPED``), and a revert ends with ``stop_instance`` on the
source (nova 17.0.13, 20.6.0, 23.2.2, 28.0.0, 34.0.0 ``compute/manager.py``); a confirm reads
the guest's power state. What the user sees at each step."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

SHUTDOWN = 4


def _seen(env: NovaEnv, sid: str) -> tuple[str, int, str | None]:
    shown = env.server(sid)
    return shown["status"], shown["OS-EXT-STS:power_state"], shown["OS-EXT-STS:task_state"]


def _stopped_and_resized(profile: str) -> tuple[NovaEnv, str]:
    env = NovaEnv(profile)
    sid = env.boot(flavor="2")
    assert env.action(sid, {"os-stop": None}).status == 202
    env.cloud.run_until_idle()
    assert env.action(sid, {"resize": {"flavorRef": "3"}}).status == 202
    assert _seen(env, sid) == ("RESIZE", SHUTDOWN, "resize_prep")
    env.cloud.run_until_idle()
    assert _seen(env, sid) == ("VERIFY_RESIZE", SHUTDOWN, None)
    assert env.nova.db.instances[sid].system_metadata["old_vm_state"] == "stopped"
    return env, sid


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_a_stopped_server_reverted_is_powered_off_by_stop_instance(profile):
    env, sid = _stopped_and_resized(profile)
    assert env.action(sid, {"revertResize": None}).status == 202
    assert _seen(env, sid) == ("REVERT_RESIZE", SHUTDOWN, "resize_reverting")
    env.cloud.run_until_idle()
    assert _seen(env, sid) == ("SHUTOFF", SHUTDOWN, None)
    assert "old_vm_state" not in env.nova.db.instances[sid].system_metadata
    # resized/powering-off on the way: the task states the row went through
    moves = [
        (e["old"], e["new"])
        for e in env.cloud.trace.filter(kind="state")
        if e["subject"] == sid and e["field"] in ("task_state", "vm_state")
    ][-4:]
    assert moves == [
        (None, "resize_reverting"),
        ("resize_reverting", "powering-off"),
        ("resized", "stopped"),
        ("powering-off", None),
    ]
    source = [
        e["event_type"]
        for e in env.cloud.trace.filter(kind="notification")
        if e["actor"] == "compute.cmp-1"
        and ("resize.revert" in e["event_type"] or "power_off" in e["event_type"])
    ][-4:]
    assert source == [
        "compute.instance.resize.revert.start",
        "compute.instance.power_off.start",
        "compute.instance.power_off.end",
        "compute.instance.resize.revert.end",
    ]


def test_a_stopped_server_confirmed_stays_stopped_and_forgets_its_state():
    env, sid = _stopped_and_resized("upstream")
    assert env.action(sid, {"confirmResize": None}).status == 204
    env.cloud.run_until_idle()
    assert _seen(env, sid) == ("SHUTOFF", SHUTDOWN, None)
    assert "old_vm_state" not in env.nova.db.instances[sid].system_metadata


def test_queens_rolled_a_refused_stopped_resize_back_to_active():
    """17.0.13 ``resize_instance``: ``_error_out_instance_on_exception``'s default
    ``instance_state`` ACTIVE (5a20996405, 21.0.0 and 20.1.0, passes the vm_state)."""
    env = NovaEnv("seed")
    sid = env.boot(flavor="2")
    assert env.action(sid, {"os-stop": None}).status == 202
    env.cloud.run_until_idle()
    assert env.action(sid, {"resize": {"flavorRef": "1"}}).status == 202
    env.cloud.run_until_idle()
    assert _seen(env, sid) == ("ACTIVE", SHUTDOWN, None)
