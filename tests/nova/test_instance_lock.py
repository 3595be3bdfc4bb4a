"""``utils.synchronized(instance.uuid)`` on nova-compute (`fakecloud.nova.compute.instance_lock`):
a server's build, terminate, stop, shelve, attach and (per release) detach, reboot and swap
wait for one another on its host."""

from __future__ import annotations

from tests.nova.conftest import NovaEnv


def test_a_delete_during_the_build_waits_for_the_build_to_end(env: NovaEnv):
    sid = env.boot(wait=False)
    env.cloud.advance(1.0)  # spawning: the build holds the server's lock until 4.0
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    env.cloud.advance(3.0)  # unlocked, the terminate would have deleted it by 3.0
    assert env.server(sid)["OS-EXT-STS:task_state"] == "deleting"
    env.cloud.advance(3.0)  # the build saw the delete at 4.0; the terminate's delay is 2 s
    assert env.request("GET", f"/v2.1/servers/{sid}").status == 404
    # the terminate's instance-action event starts when the cast lands, before the lock
    events = [(e["event"], e["phase"], e["t"]) for e in env.cloud.trace.filter(kind="nova.event")]
    assert events == [
        ("compute__do_build_and_run_instance", "start", 0.009000000000000001),
        ("compute_terminate_instance", "start", 1.007),
        ("compute__do_build_and_run_instance", "finish", 4.009),
        ("compute_terminate_instance", "finish", 6.009),
    ]


def _swapping() -> tuple[NovaEnv, str]:
    """A server whose two volumes an admin swaps (29.2.0 serves it; the swap holds the lock
    from 23.0.0, copying for about 5 s), 0.5 s into the copy."""
    env = NovaEnv("nova-29.2.0", {"nova": {"sync_power_state_interval_s": 1}})
    sid = env.boot()
    old, new = (
        env.cloud.request(
            "volumev3", "POST", "/v3/{project_id}/volumes", {"volume": {"size": 1}}
        ).json()["volume"]["id"]
        for _ in range(2)
    )
    env.cloud.run_until_idle()
    path = f"/v2.1/servers/{sid}/os-volume_attachments"
    assert env.request("POST", path, {"volumeAttachment": {"volumeId": old}}).status == 200
    env.cloud.run_until_idle()
    swap = {"volumeAttachment": {"volumeId": new}}
    assert env.request("PUT", f"{path}/{old}", swap, user="admin").status == 202
    env.cloud.advance(0.5)
    return env, sid


def test_the_power_sync_waits_for_a_swap_to_stop_a_guest_that_stopped_by_itself():
    env, sid = _swapping()
    env.cloud.nova.hosts["cmp-1"].guest_stopped(sid)
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "SHUTOFF"
    events = {(e["event"], e["phase"]): e["t"] for e in env.cloud.trace.filter(kind="nova.event")}
    # the sync's stop (its instance action's event) comes only after the swap
    assert events["compute_stop_instance", "start"] > events["compute_swap_volume", "finish"]


def test_a_stop_behind_the_lock_reads_the_power_state_once_it_holds_it():
    """``do_stop_instance`` asks the driver under the lock: a guest that shut itself down while
    the stop waited for the swap is 'already powered off' for it."""
    env, sid = _swapping()
    assert env.action(sid, {"os-stop": None}).status == 202
    env.cloud.advance(0.5)  # the cast waits for the lock
    env.cloud.nova.hosts["cmp-1"].guest_stopped(sid)
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "SHUTOFF"
    message = "Instance is already powered off in the hypervisor when stop is called."
    assert env.cloud.trace.filter(kind="log", subject=sid, message=message)
