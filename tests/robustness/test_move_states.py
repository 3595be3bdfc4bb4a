"""A cloud saved, loaded and forked where session 18's moves leave it between their steps
continues exactly as the original: the same answers, the same trace bytes.

A cloud is saved idle (`fakecloud.state`), so "mid move" is where a move waits on something
outside the simulation: an evacuated server's dead source host still holding its old guest
(the migration ``done`` until the host's restart destroys the guest and makes it
``completed``); a live migration a source restart left behind (17.x leaves its record
``running``, ``_init_instance`` did not end it: nova 17.0.13 ``_init_instance``); a move
rescheduled away from a failed claim, awaiting its confirm with the fault plan's count half
spent (the next move's claim fails too, and is rescheduled again).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from fakecloud import Cloud

sys.path.insert(0, str(Path(__file__).parents[1] / "state"))
from state_helpers import boot, continue_all, copies, image_id  # noqa: E402

#: Room for a reschedule: the move's first destination and an alternate.
HOSTS = {"nova": {"compute_hosts": 3}}


def _req(cloud, method, path, body=None, mv=None):
    resp = cloud.request("compute", method, path, body=body, user="admin", microversion=mv)
    return resp.status, resp.body


def _seen(sid, act):
    """A step: `act`, then run until idle; what a user (and the invariants) see of it."""

    def step(cloud):
        answers = act(cloud)
        cloud.run_until_idle()
        server = cloud.request(
            "compute", "GET", f"/v2.1/servers/{sid}", user="admin", microversion="2.47"
        ).json()["server"]
        listed = cloud.request(
            "compute", "GET", "/v2.1/os-migrations", user="admin", microversion="2.23"
        ).json()["migrations"]
        return {
            "answers": answers,
            "server": (server["status"], server["OS-EXT-SRV-ATTR:host"]),
            "migrations": [(m["migration_type"], m["status"]) for m in listed],
            "guests": {h: sorted(m.driver.domains) for h, m in cloud.nova.hosts.items()},
            "violations": [str(v) for v in cloud.check_invariants()],
        }

    return step


def test_an_evacuated_server_whose_dead_host_comes_back(tmp_path):
    cloud = Cloud(seed=4, profile="upstream")
    sid = boot(cloud)
    down = {"host": "cmp-1", "binary": "nova-compute", "forced_down": True}
    assert _req(cloud, "PUT", "/v2.1/os-services/force-down", down, "2.11")[0] == 200
    assert _req(cloud, "POST", f"/v2.1/servers/{sid}/action", {"evacuate": {}}, "2.29")[0] == 200
    cloud.run_until_idle()
    assert sid in cloud.nova.hosts["cmp-1"].driver.domains  # the dead host's old guest
    assert cloud.check_invariants(["guest_on_its_host"]) == []  # allowed until its restart

    def back(c):
        c.nova.restart_compute("cmp-1", down_s=1.0)
        up = {"host": "cmp-1", "binary": "nova-compute", "forced_down": False}
        return [_req(c, "PUT", "/v2.1/os-services/force-down", up, "2.11")[0]]

    seen, trace = continue_all(copies(cloud, tmp_path, replica=False), _seen(sid, back))
    assert seen["server"] == ("ACTIVE", "cmp-2")
    assert seen["migrations"] == [("evacuation", "completed")]
    assert seen["guests"] == {"cmp-1": [], "cmp-2": [sid]}
    assert seen["violations"] == []


def test_a_live_migration_a_source_restart_left_running(tmp_path):
    cloud = Cloud(seed=4, profile="seed", config={"nova": {"live_migration_memory_passes": 20.0}})
    sid = boot(cloud)
    body = {"os-migrateLive": {"host": None, "block_migration": "auto"}}
    assert _req(cloud, "POST", f"/v2.1/servers/{sid}/action", body, "2.30")[0] == 202
    cloud.advance(1)
    cloud.nova.restart_compute("cmp-1")
    cloud.run_until_idle()

    def abort_then_again(c):
        path = f"/v2.1/servers/{sid}/migrations/1"
        return [
            _req(c, "GET", path, mv="2.23")[0],
            _req(c, "DELETE", path, mv="2.24"),
            _req(c, "POST", f"/v2.1/servers/{sid}/action", body, "2.30")[0],
        ]

    seen, trace = continue_all(copies(cloud, tmp_path, replica=False), _seen(sid, abort_then_again))
    # the leftover shows as in progress; its abort is refused for the server's state (no task)
    assert seen["answers"][0] == 200
    assert seen["answers"][1][0] == 409
    assert seen["answers"][2] == 202
    assert seen["server"] == ("ACTIVE", "cmp-2")
    assert seen["migrations"] == [("live-migration", "running"), ("live-migration", "completed")]


def test_a_rescheduled_move_awaiting_its_confirm_with_the_fault_half_spent(tmp_path):
    cloud = Cloud(seed=4, profile="upstream", config=HOSTS)
    sid = boot(cloud)
    # The first claim fails (the resize is rescheduled); the second rule, consulted from the
    # second claim on, fails the third: the continuation's migrate, if the copy kept its count.
    for nth in (1, 2):
        cloud.faults.add("nova.compute.resize_claim", error="ComputeResourcesUnavailable", nth=nth)
    assert (
        _req(cloud, "POST", f"/v2.1/servers/{sid}/action", {"resize": {"flavorRef": "2"}})[0] == 202
    )
    cloud.run_until_idle()

    def confirm_then_migrate(c):
        action = f"/v2.1/servers/{sid}/action"
        confirmed = _req(c, "POST", action, {"confirmResize": None})[0]
        c.run_until_idle()
        return [confirmed, _req(c, "POST", action, {"migrate": None})[0]]

    seen, trace = continue_all(
        copies(cloud, tmp_path, replica=False), _seen(sid, confirm_then_migrate)
    )
    assert seen["answers"] == [204, 202]
    assert seen["migrations"][-1] == ("migration", "finished")
    assert trace.count('"kind":"fault"') == 2
    assert seen["violations"] == []


def test_a_live_migration_after_a_source_restart_gets_a_worker():
    """The restarted nova-compute has a new live-migration executor (``ComputeManager.__init__``
    ``_live_migration_executor``, nova 17.0.13-34.0.0): the job the restart killed does not keep
    the host's one worker (``max_concurrent_live_migrations`` 1), and the next live migration
    runs (it waited forever)."""
    cloud = Cloud(
        seed=4, profile="upstream", config={"nova": {"live_migration_memory_passes": 20.0}}
    )
    sid = boot(cloud)
    body = {"os-migrateLive": {"host": None, "block_migration": "auto"}}
    assert _req(cloud, "POST", f"/v2.1/servers/{sid}/action", body, "2.30")[0] == 202
    cloud.advance(1)
    cloud.nova.restart_compute("cmp-1")
    cloud.run_until_idle()
    seen = _seen(sid, lambda c: _req(c, "POST", f"/v2.1/servers/{sid}/action", body, "2.30")[0])
    assert seen(cloud)["server"] == ("ACTIVE", "cmp-2")


@pytest.mark.parametrize(
    ("profile", "server", "migration", "fault"),
    [
        ("nova-30.0.0", ("MIGRATING", "cmp-1"), "completed", None),
        ("upstream", ("ERROR", "cmp-2"), "error", "MessagingTimeout"),
    ],
)
def test_the_destination_gone_before_post_live_migration_at_destination(
    profile, server, migration, fault
):
    """The job done, the source's call of ``post_live_migration_at_destination`` times out (the
    destination's nova-compute stopped taking messages). Until 30.x ``_post_live_migration``
    logs it and goes on: the migration ``completed``, the server still the source's and
    ``migrating`` (LP #2000069: only a database edit got it out). From 31.0.0 (a87b80fb39) it
    raises: ``_post_live_migration_update_host`` gives the server to the destination and
    ``_do_live_migration`` sets the migration ``error`` and the server ERROR (its fault from
    ``wrap_instance_fault``), which a hard reboot recovers."""
    cloud = Cloud(seed=4, profile=profile, config={"nova": {"live_migration_memory_passes": 20.0}})
    sid = boot(cloud)
    body = {"os-migrateLive": {"host": None, "block_migration": "auto"}}
    assert _req(cloud, "POST", f"/v2.1/servers/{sid}/action", body, "2.30")[0] == 202
    cloud.advance(1)
    cloud.kernel.rpc.set_up("compute.cmp-2", False)
    seen = _seen(sid, lambda c: None)(cloud)
    assert (seen["server"], seen["migrations"]) == (server, [("live-migration", migration)])
    assert seen["guests"] == {"cmp-1": [], "cmp-2": [sid]}
    shown = cloud.request("compute", "GET", f"/v2.1/servers/{sid}", user="admin").json()
    assert shown["server"].get("fault", {}).get("message") == fault


@pytest.mark.parametrize("action", ["boot", "rebuild"])
def test_a_restart_cuts_a_build_or_a_rebuild_short(action):
    """``_init_instance`` (nova 17.0.13-34.0.0): a server still building (or spawning) when its
    host's nova-compute restarted "failed to spawn correctly", an active or stopped one
    rebuilding "failed to rebuild correctly": ERROR, task_state none (fakecloud left them
    ``spawning``/``rebuild_spawning`` with no work). (An evacuation's rebuild is not the
    destination's yet, ``instance.host`` moves at its end: a destination restart leaves it, as
    Nova does.)"""
    cloud = Cloud(seed=4, profile="upstream")
    slow = {"action": "delay", "delay_s": 30.0}  # the guest spawns for 30 s
    if action == "boot":
        cloud.faults.add("nova.libvirt.spawn", **slow)
        server = {"name": "vm", "flavorRef": "1", "networks": "none", "imageRef": image_id(cloud)}
        made = cloud.request(
            "compute", "POST", "/v2.1/servers", {"server": server}, microversion="2.37"
        )
        sid = made.json()["server"]["id"]
    else:
        sid = boot(cloud)
        cloud.faults.add("nova.libvirt.spawn", **slow)
        body = {"rebuild": {"imageRef": image_id(cloud)}}
        assert _req(cloud, "POST", f"/v2.1/servers/{sid}/action", body)[0] == 202
    cloud.advance(5)
    cloud.nova.restart_compute("cmp-1", down_s=1.0)
    cloud.run_until_idle()
    shown = cloud.request("compute", "GET", f"/v2.1/servers/{sid}", user="admin").json()["server"]
    assert (shown["status"], shown["OS-EXT-STS:task_state"]) == ("ERROR", None)
    assert cloud.check_invariants() == []


def test_guest_on_its_host_reports_a_guest_left_on_another_host():
    """The invariant fails where a move left a guest behind: a server at rest on cmp-2 whose
    guest is on cmp-1 too (as if a finished live migration had not let the source's go)."""
    cloud = Cloud(seed=4, profile="upstream")
    sid = boot(cloud)
    body = {"os-migrateLive": {"host": None, "block_migration": "auto"}}
    assert _req(cloud, "POST", f"/v2.1/servers/{sid}/action", body, "2.30")[0] == 202
    cloud.run_until_idle()
    assert cloud.check_invariants() == []
    cloud.nova.hosts["cmp-1"].driver.domains[sid] = cloud.nova.hosts["cmp-2"].driver.domains[sid]
    (found,) = cloud.check_invariants(["guest_on_its_host"])
    assert (found.subject, found.message) == (
        f"server {sid}",
        "a guest on cmp-1, but the server is on cmp-2 (active)",
    )
