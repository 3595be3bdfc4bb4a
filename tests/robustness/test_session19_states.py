"""Session 19's new states under abuse: rescue (t1), deferred delete (t2).

What Nova leaves once a server is deleted (nova 17.0.13-34.0.0 compute/manager.py
``_delete_instance``/``_shutdown_instance`` -> libvirt ``destroy``, which destroys the domain by
name, a rescue guest included, and ``cleanup``'s ``delete_instance_files``, which takes
``unrescue.xml``): no guest, and invariant ``no_guest_of_deleted_server`` says so.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fakecloud import Cloud
from fakecloud.invariants import Violation

sys.path.insert(0, str(Path(__file__).parents[1] / "state"))
from state_helpers import boot, continue_all, copies, image_id  # noqa: E402

DEFERRED = {"nova": {"reclaim_instance_interval_s": 300}}


def _servers(cloud: Cloud, *names: str) -> list[str]:
    """Boot servers named `names` at once and run until idle."""
    body = {"name": "", "flavorRef": "1", "imageRef": image_id(cloud), "networks": "none"}
    made = [
        cloud.request(
            "compute", "POST", "/v2.1/servers", {"server": {**body, "name": n}}, microversion="2.37"
        )
        for n in names
    ]
    cloud.run_until_idle()
    return [r.json()["server"]["id"] for r in made]


def _post(cloud: Cloud, sid: str, body: dict, mv: str | None = None) -> int:
    path = f"/v2.1/servers/{sid}/action"
    return cloud.request("compute", "POST", path, body, user="admin", microversion=mv).status


def test_no_guest_of_deleted_server_after_a_force_delete_mid_rescue():
    """A forceDelete during a rescue leaves no guest and the invariant holds; a rescued
    server's own guest planted back is reported; a local delete's guest (its compute down)
    is not judged."""
    cloud = Cloud(seed=3, profile="upstream")
    sid, local = _servers(cloud, "a", "b")
    assert _post(cloud, sid, {"rescue": None}) == 200
    cloud.run(cloud.now + 0.5)
    assert _post(cloud, sid, {"forceDelete": None}) == 202
    cloud.run_until_idle()
    assert cloud.check_invariants() == []
    host = cloud.nova.db.instances[sid].host
    driver = cloud.nova.hosts[host].driver
    driver.rescued = {sid: object()}
    (found,) = cloud.check_invariants(["no_guest_of_deleted_server"])
    assert found == Violation(
        "no_guest_of_deleted_server",
        f"server {sid}",
        f"a rescued server's own guest left on {host}, which deleted the server",
    )
    driver.rescued = {}
    # A local delete leaves the guest, as Nova does until its periodic cleanup.
    other = cloud.nova.db.instances[local].host
    cloud.kernel.rpc.set_up(f"compute.{other}", False)
    assert _post(cloud, local, {"forceDelete": None}) == 202
    cloud.run_until_idle()
    cloud.kernel.rpc.set_up(f"compute.{other}", True)
    assert local in cloud.nova.hosts[other].driver.domains
    assert cloud.check_invariants() == []


def _seen(sid: str, act):
    """A step: `act`, then run until idle; what a user (and the invariants) see of it."""

    def step(cloud):
        answers = act(cloud)
        cloud.run_until_idle()
        shown = cloud.request(
            "compute", "GET", f"/v2.1/servers/{sid}", user="admin", microversion="2.47"
        )
        server = shown.json().get("server", {})
        return {
            "answers": answers,
            "server": (shown.status, server.get("status"), server.get("OS-EXT-SRV-ATTR:host")),
            "migrations": [m.status for m in (cloud.nova.db.migrations or {}).values()],
            "guests": {h: sorted(m.driver.domains) for h, m in cloud.nova.hosts.items()},
            "rescued": {h: sorted(m.driver.rescued or ()) for h, m in cloud.nova.hosts.items()},
            "violations": [str(v) for v in cloud.check_invariants()],
        }

    return step


def _act(sid: str, body: dict, mv: str | None = None):
    return lambda cloud: [_post(cloud, sid, body, mv)]


def test_saved_rescued_and_soft_deleted_rescued_servers_continue_as_the_original(tmp_path):
    """Saved, loaded and forked: a rescued server (its own guest kept for the unrescue) comes
    back on its own guest; a rescued server soft-deleted (deferred delete, reclaim pending) is
    reclaimed on the same tick with both guests gone."""
    cloud = Cloud(seed=3, profile="upstream", config=DEFERRED)
    sid, other = _servers(cloud, "a", "b")
    assert _post(cloud, sid, {"rescue": None}) == _post(cloud, other, {"rescue": None}) == 200
    cloud.run_until_idle()
    assert cloud.request("compute", "DELETE", f"/v2.1/servers/{other}").status == 204
    cloud.run_until_idle()

    def unrescue_then_reclaim(c):
        answers = [_post(c, sid, {"unrescue": None})]
        c.advance(420)
        return [*answers, c.request("compute", "GET", f"/v2.1/servers/{other}").status]

    seen, _ = continue_all(
        copies(cloud, tmp_path, replica=False), _seen(sid, unrescue_then_reclaim)
    )
    assert seen["answers"] == [202, 404] and seen["server"][1] == "ACTIVE"
    assert seen["violations"] == []
    assert all(sid not in kept and other not in kept for kept in seen["rescued"].values())
    assert all(other not in g for g in seen["guests"].values())


def test_a_post_copy_migration_a_source_restart_left_behind_saves_and_continues(tmp_path):
    """A source restart in post-copy: 34.0.0's ``_reset_live_migration`` aborts only a
    ``running`` migration (``get_by_instance_and_status(..., 'running')``), so the record stays
    ``running (post-copy)`` with the server's task cleared. Saved, loaded and forked, a new
    live migration of it continues as the original's, the guest on one host."""
    stuck = {
        "guest_dirty_mb_per_s": 200.0,
        "live_migration_completion_timeout": 5,
        "live_migration_timeout_action": "force_complete",
        "live_migration_permit_post_copy": True,
    }
    cloud = Cloud(seed=3, profile="upstream", config={"nova": stuck})
    sid = boot(cloud)
    move = {"os-migrateLive": {"host": None, "block_migration": "auto"}}
    assert _act(sid, move, "2.30")(cloud) == [202]
    cloud.advance(20.7)
    assert cloud.nova.db.migrations[1].status == "running (post-copy)"
    cloud.nova.restart_compute("cmp-1", down_s=1.0)
    cloud.run_until_idle()
    assert cloud.nova.db.migrations[1].status == "running (post-copy)"
    seen, _ = continue_all(
        copies(cloud, tmp_path, replica=False), _seen(sid, _act(sid, move, "2.30"))
    )
    assert seen["answers"] == [202] and seen["violations"] == []
    assert sum(sid in g for g in seen["guests"].values()) == 1
