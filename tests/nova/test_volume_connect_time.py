"""os-brick's ``connect_volume`` takes virtual time (`NovaConfig.volume_connect_s` a volume)
wherever the libvirt driver connects a volume (``_connect_volume``, nova 17.0.13-34.0.0
``virt/libvirt/driver.py``): the spawn's guest storage, ``attach_volume``, ``_hard_reboot``'s
guest made again, ``swap_volume``'s new volume, the guest ``finish_migration`` and
``finish_revert_migration`` define (``_get_guest_xml``, 22.0.0 and 34.0.0) and the spawn of a
rebuild (``_rebuild_default_impl``) and of an unshelve, as at a live migration's destination.
Seen in the compute events' times of ``os-instance-actions``."""

from __future__ import annotations

from datetime import datetime

from tests.nova.conftest import TIMED, NovaEnv
from tests.nova.test_volume_attach_detach import _attach, _volume


def _event_seconds(env: NovaEnv, sid: str, name: str) -> float:
    """How long the server's last compute event `name` took, from its shown times."""
    actions = env.request(
        "GET", f"/v2.1/servers/{sid}/os-instance-actions", user="admin", microversion="2.51"
    ).json()["instanceActions"]
    for action in actions:  # newest first
        path = f"/v2.1/servers/{sid}/os-instance-actions/{action['request_id']}"
        shown = env.request("GET", path, user="admin", microversion="2.51").json()
        for event in shown["instanceAction"]["events"]:
            if event["event"] == name:
                start, finish = (
                    datetime.fromisoformat(event[k]) for k in ("start_time", "finish_time")
                )
                return (finish - start).total_seconds()
    raise AssertionError(f"no {name} event")


def _durations(connect_s: float) -> list[float]:
    """The build's, an attach's, a hard reboot's (two volumes), a swap's, then a resize's
    finish, its revert's, a rebuild's and an unshelve's (two volumes) compute events."""
    env = NovaEnv("seed", {"nova": {"volume_connect_s": connect_s}})  # a user swap
    sid = env.boot(bfv=True)
    data, other = _volume(env), _volume(env, "other")
    assert _attach(env, sid, {"volumeId": data}).status == 200
    env.cloud.run_until_idle()
    assert env.action(sid, {"reboot": {"type": "HARD"}}).status == 202
    env.cloud.run_until_idle()
    path = f"/v2.1/servers/{sid}/os-volume_attachments/{data}"
    swap = env.request("PUT", path, {"volumeAttachment": {"volumeId": other}}, user="admin")
    assert swap.status == 202, swap.json()
    env.cloud.run_until_idle()
    moves = ({"resize": {"flavorRef": "2"}}, {"revertResize": None})
    moves += ({"rebuild": {"imageRef": env.image.id}}, {"shelve": None}, {"unshelve": None})
    for action in moves:
        assert env.action(sid, action).status == 202
        env.cloud.run_until_idle()
    names = ("compute__do_build_and_run_instance", "compute_attach_volume")
    names += ("compute_reboot_instance", "compute_swap_volume")
    names += ("compute_finish_resize", "compute_finish_revert_resize")
    names += ("compute_rebuild_instance", "compute_unshelve_instance")
    return [_event_seconds(env, sid, name) for name in names]


def test_each_volume_connect_takes_volume_connect_s():
    slow, instant = _durations(3.0), _durations(0.0)
    added = [round(a - b, 6) for a, b in zip(slow, instant, strict=True)]
    assert added == [3.0, 3.0, 6.0, 3.0, 6.0, 6.0, 6.0, 6.0]


def _rolled_back_at(connect_s: float) -> float:
    """When a resize of a server with a data volume, its source restarted during the disk
    copy, is rolled back (init_host's ``finish_revert_migration``)."""
    env = NovaEnv("upstream", {**TIMED, "nova": {**TIMED["nova"], "volume_connect_s": connect_s}})
    sid = env.boot(image=next(i for i in env.images if i.name == "big"))
    assert _attach(env, sid, {"volumeId": _volume(env)}).status == 200
    env.cloud.run_until_idle()
    assert env.action(sid, {"resize": {"flavorRef": "2"}}).status == 202
    env.cloud.advance(5)  # the 10 s copy is under way
    assert env.server(sid)["OS-EXT-STS:task_state"] == "resize_migrating"
    start = env.cloud.now
    env.nova.restart_compute("cmp-1")
    return env.cloud.run_until_idle() - start


def test_a_crashed_resizes_roll_back_connects_each_volume():
    """``_init_instance``'s ``resize_migrating`` branch: ``finish_revert_migration`` defines the
    guest again, each volume connected (nova 22.0.0 ``compute/manager.py``)."""
    assert round(_rolled_back_at(3.0) - _rolled_back_at(0.0), 6) == 3.0
