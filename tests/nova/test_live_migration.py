"""Live migration (nova 17.0.13 and 34.0.0 ``migrate_server.py`` ``_migrate_live``,
``compute/api.py`` ``live_migrate``/``live_migrate_abort``/``live_migrate_force_complete``,
``conductor/tasks/live_migrate.py``, ``compute/manager.py`` ``check_can_live_migrate_*``,
``pre_live_migration``, ``live_migration``, ``_do_live_migration``, ``_post_live_migration``,
``post_live_migration_at_destination``, ``_rollback_live_migration``, ``live_migration_abort``,
``live_migration_force_complete``; the libvirt driver's checks and monitor), and what it does to
a snapshot: createImage is refused while ``migrating``; a volume-backed createImage (no task
state) lets a live migration carry the frozen guest away, and its late unquiesce fails on the
source."""

from __future__ import annotations

import pytest

from tests.nova.conftest import TIMED, NovaEnv
from tests.nova.volume_backed_env import QGA, BfvEnv

LIVE = "os-migrateLive"


def _live(env: NovaEnv, sid: str, mv: str = "2.30", host=None, block="auto", **extra):
    args = {"host": host, "block_migration": block, **extra}
    return env.action(sid, {LIVE: args}, user="admin", microversion=mv)


def _statuses(env: NovaEnv, sid: str) -> list[str]:
    return [e["status"] for e in env.cloud.trace.filter(kind="nova.migration", subject=sid)]


def _events(env: NovaEnv, sid: str, action: str) -> list[tuple[str, str, str]]:
    path = f"/v2.1/servers/{sid}/os-instance-actions"
    listed = env.request("GET", path, user="admin").json()["instanceActions"]
    rid = next(a["request_id"] for a in listed if a["action"] == action)
    shown = env.request("GET", f"{path}/{rid}", user="admin", microversion="2.62").json()
    return [(e["event"], e["host"], e["result"]) for e in shown["instanceAction"]["events"]]


def _host(env: NovaEnv, sid: str) -> tuple[str, str]:
    server = env.server(sid, microversion="2.47")
    return server["status"], server["OS-EXT-SRV-ATTR:host"]


def _message(resp) -> str:
    return next(iter(resp.json().values()))["message"]


def test_a_block_migration_moves_disk_then_memory_and_the_server_with_them():
    env = NovaEnv("upstream", TIMED)
    big = next(i for i in env.images if i.name == "big")
    sid = env.boot(image=big)
    start = env.kernel.now
    assert _live(env, sid).status == 202
    assert env.server(sid)["status"] == "MIGRATING"
    refused = env.create_image(sid)
    assert (refused.status, _message(refused)) == (
        409,
        f"Cannot 'createImage' instance {sid} while it is in task_state migrating",
    )
    again = _live(env, sid)
    assert _message(again) == (
        f"Cannot 'os-migrateLive' instance {sid} while it is in task_state migrating"
    )
    # Five virtual seconds into the job the monitor has saved the disk copy half done (1 GB
    # at the 100 MB/s of the disks), no memory sent yet.
    env.cloud.advance(6)
    (shown,) = env.request(
        "GET", f"/v2.1/servers/{sid}/migrations", user="admin", microversion="2.23"
    ).json()["migrations"]
    assert (shown["status"], shown["source_compute"], shown["dest_compute"]) == (
        "running",
        "cmp-1",
        "cmp-2",
    )
    assert (shown["disk_total_bytes"], shown["disk_processed_bytes"]) == (10**9, 5 * 10**8)
    assert shown["memory_processed_bytes"] == 0
    # Flavor 1's 512 MB are MiB, as libvirt counts them: ``<memory>`` is ``memory_mb *
    # units.Ki`` KiB (``_get_guest_config``), the job info's bytes are what ``save_stats``
    # stores (nova 17.0.13 and 34.0.0 ``virt/libvirt/driver.py``, ``migration.py``).
    assert shown["memory_remaining_bytes"] == shown["memory_total_bytes"] == 512 * 1024 * 1024
    env.cloud.run_until_idle()
    assert _host(env, sid) == ("ACTIVE", "cmp-2")
    assert env.states(sid)[-2:] == ["migrating", None]
    assert _statuses(env, sid) == [
        "accepted",
        "accepted",
        "queued",
        "preparing",
        "running",
        "completed",
    ]
    times = {e["status"]: e["t"] for e in env.cloud.trace.filter(kind="nova.migration")}
    memory = shown["memory_total_bytes"] / (10**9 / 8)  # over the 1 Gbit/s link
    assert times["completed"] - times["running"] == pytest.approx(10.0 + memory, abs=0.01)
    assert times["accepted"] - start == pytest.approx(0.002 * 2 + 0.007, abs=0.01)
    assert _events(env, sid, "live-migration") == [  # newest first (action_events_get)
        ("compute_post_live_migration_at_destination", "cmp-2", "Success"),
        ("compute_pre_live_migration", "cmp-2", "Success"),
        ("compute_live_migration", "cmp-1", "Success"),
        ("compute_check_can_live_migrate_source", "cmp-1", "Success"),
        ("compute_check_can_live_migrate_destination", "cmp-2", "Success"),
        ("conductor_migrate_server", "nova-conductor-1", "Success"),
    ]
    listed = env.request("GET", "/v2.1/os-hypervisors/detail", user="admin").json()
    used = {h["hypervisor_hostname"]: h["running_vms"] for h in listed["hypervisors"]}
    assert used == {"cmp-1": 0, "cmp-2": 1}
    gone = env.request(
        "GET", f"/v2.1/servers/{sid}/migrations/1", user="admin", microversion="2.23"
    )
    assert _message(gone) == f"Live migration 1 for server {sid} is not in progress."
    (row,) = env.request("GET", "/v2.1/os-migrations", user="admin", microversion="2.23").json()[
        "migrations"
    ]
    assert (row["migration_type"], row["status"]) == ("live-migration", "completed")
    assert env.create_image(sid).status == 202
    env.cloud.run_until_idle()
    assert env.cloud.check_invariants() == []


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_the_notifications_by_release(profile):
    """Legacy ``live_migration.*`` always; versioned: 17.x only pre, rollback and abort (18.0.0
    added post, post_dest, rollback_dest, force_complete), both kinds by the release's
    ``notification_format`` (both before 20.0.0)."""
    env = NovaEnv(profile, {"nova": {"notification_format": "both"}})
    sid = env.boot()
    assert _live(env, sid).status == 202
    env.cloud.run_until_idle()
    sent = [
        e["event_type"]
        for e in env.cloud.trace.filter(kind="notification")
        if "live" in e["event_type"]
    ]
    legacy = [
        f"compute.instance.live_migration.{s}"
        for s in ("pre.start", "pre.end", "_post.start", "post.dest.start", "post.dest.end",
                  "_post.end")
    ]  # fmt: skip
    if profile == "seed":
        versioned = ["instance.live_migration_pre.start", "instance.live_migration_pre.end"]
    else:
        versioned = [
            f"instance.live_migration_{s}"
            for s in ("pre.start", "pre.end", "post.start", "post_dest.start", "post_dest.end",
                      "post.end")
        ]  # fmt: skip
    assert [e for e in sent if e.startswith("compute.")] == legacy
    assert [e for e in sent if not e.startswith("compute.")] == versioned


def test_a_volume_backed_server_moves_its_attachment_without_a_block_migration():
    env = NovaEnv("upstream", {"nova": {"glance_link_gbit_per_s": 0.5}})
    sid = env.boot(bfv=True)
    (bdm,) = env.nova.db.bdms_by_instance(sid)
    first = bdm.attachment_id
    assert _live(env, sid, mv="2.68", host="cmp-2").status == 202
    # The memory (512 MiB at 62.5 MB/s, ~8.6 s): the monitor's save at 5 s shows 58 % done
    # (312.5 MB of 536870912 bytes; 61 % if a MB of RAM were counted as 10**6 bytes).
    env.cloud.advance(6)
    assert env.server(sid)["progress"] == 58
    env.cloud.run_until_idle()
    assert env.server(sid)["progress"] == 0
    assert _host(env, sid) == ("ACTIVE", "cmp-2")
    volume = env.cloud.request(
        "volumev3", "GET", f"/v3/{{project_id}}/volumes/{bdm.volume_id}", user="admin"
    ).json()["volume"]
    (only,) = volume["attachments"]
    assert (volume["status"], only["host_name"]) == ("in-use", "cmp-2")
    assert only["attachment_id"] == bdm.attachment_id != first
    # The destination's pre_live_migration (nova 17.0.13-34.0.0): the new attachment (the
    # volume attaching), read back, the volume connected (volume_connect_s), then completed.
    calls = [
        e["call"]
        for e in env.cloud.trace.filter(kind="http.request")
        if e.get("call", "").startswith("attachment_")
    ]
    assert calls[-4:] == [
        "attachment_create", "attachment_get", "attachment_complete", "attachment_delete"
    ]  # fmt: skip
    moves = [
        (e["t"], e["new"])
        for e in env.cloud.trace.filter(kind="state", machine="volume.status")
        if e["subject"] == bdm.volume_id
    ]
    (attaching, back) = moves[-3:-1]  # (the old attachment's delete last: in-use again)
    assert (attaching[1], back[1]) == ("attaching", "in-use")
    assert round(back[0] - attaching[0], 3) == 0.54  # two Cinder requests and the connect
    # No disk crossed: only the memory moved.
    labels = [e["label"] for e in env.cloud.trace.filter(kind="io.start")]
    assert "libvirt.live_migration.disk" not in labels
    assert "libvirt.live_migration.memory" in labels
    assert env.cloud.check_invariants() == []


@pytest.mark.parametrize(
    ("profile", "mv", "bfv", "block", "expected"),
    [
        # 17.0.13, forced (a host before 2.30): the source's refusal itself.
        ("seed", "2.25", True, True,
         "cmp-1 is not on local storage: Block migration can not be used with shared storage."),
        # 34.0.0 (33.0.0+, dc51a4271b): the destination wraps the source's refusal.
        ("upstream", "2.30", True, True,
         "Error while check_can_live_migrate_source from cmp-1 to host cmp-2: "
         "InvalidLocalStorage_Remote cmp-1 is not on local storage: Block migration can not "
         "be used with shared storage."),
        ("seed", "2.1", False, False,
         "cmp-1 is not on shared storage: Shared storage live-migration requires either "
         "shared storage or boot-from-volume with no local disks."),
    ],
)  # fmt: skip
def test_the_storage_checks_before_2_34(profile, mv, bfv, block, expected):
    env = NovaEnv(profile)
    sid = env.boot(bfv=bfv)
    extra = {"disk_over_commit": False} if mv < "2.25" else {"force": True} if mv >= "2.30" else {}
    resp = _live(env, sid, mv=mv, host="cmp-2", block=block, **extra)
    assert (resp.status, _message(resp)) == (400, expected)
    assert env.server(sid)["status"] == "ACTIVE"
    assert _statuses(env, sid) == ["accepted", "error"]


def test_scheduled_refusals_skip_the_host_from_33_0_0_else_stop_the_migration():
    """Scheduled (no host): 34.0.0 leaves a host whose checks refuse out and asks again, so the
    last refusal is 'No valid host'; 17.0.13 stops at the source's refusal."""
    up = NovaEnv("upstream")
    sid = up.boot()
    resp = _live(up, sid, mv="2.25", block=False)
    assert _message(resp) == "No valid host was found. There are not enough hosts available."
    seed = NovaEnv("seed")
    sid = seed.boot()
    resp = _live(seed, sid, mv="2.25", block=False)
    assert _message(resp).startswith("cmp-1 is not on shared storage")


def test_refusals():
    env = NovaEnv("upstream")
    sid = env.boot()
    assert _live(env, sid, host="nope").json()["badRequest"]["message"] == (
        "Compute host nope could not be found."
    )
    assert _message(_live(env, sid, host="cmp-1", force=True)) == (
        f"Unable to migrate instance ({sid}) to current host (cmp-1)."
    )
    assert _message(_live(env, sid, force=True)) == "Can't force to a non-provided destination"
    bad = _live(env, sid, mv="2.25", disk_over_commit=False)
    assert bad.status == 400
    assert _live(env, sid, mv="2.68", force=True).status == 400
    as_user = env.action(
        sid, {LIVE: {"host": None, "block_migration": "auto"}}, microversion="2.30"
    )
    assert as_user.status == 403
    assert env.action(sid, {"os-stop": None}).status == 202
    env.cloud.run_until_idle()
    assert _message(_live(env, sid)) == (
        f"Cannot 'os-migrateLive' instance {sid} while it is in vm_state stopped"
    )
    assert env.cloud.check_invariants() == []


def test_from_2_34_the_conductors_refusal_is_in_the_action_event_only():
    env = NovaEnv("upstream")
    sid = env.boot()
    assert _live(env, sid, mv="2.34", block=False).status == 202
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "ACTIVE"
    assert _statuses(env, sid)[-1] == "error"
    assert _events(env, sid, "live-migration")[-1] == (  # the oldest: listed newest first
        "conductor_live_migrate_instance",
        "nova-conductor-1",
        "Error",
    )


def _running(env: NovaEnv, sid: str, **kw) -> int:
    assert _live(env, sid, **kw).status == 202
    env.cloud.advance(1)
    (shown,) = env.request(
        "GET", f"/v2.1/servers/{sid}/migrations", user="admin", microversion="2.23"
    ).json()["migrations"]
    return shown["id"]


@pytest.mark.parametrize(
    ("profile", "status"), [("nova-21.2.4", "error"), ("nova-22.0.0", "failed")]
)
def test_an_aborted_job_is_a_failed_one(profile, status):
    """libvirt's monitor polls ``jobStats()`` without ``VIR_DOMAIN_JOB_STATS_COMPLETED``: once
    the aborted job has ended it reports NONE, and ``find_job_type`` finds the guest running on
    the source: FAILED, so ``recover_method`` runs with ``_rollback_live_migration``'s default
    status, ``error`` until 22.0.0 and ``failed`` from it (255b3f2f91; nova 17.0.13-34.0.0
    ``virt/libvirt/guest.py`` ``get_job_info``, ``migration.py`` ``find_job_type``,
    ``driver.py`` ``_live_migration_monitor``; 21.2.4/22.0.0 ``compute/manager.py``)."""
    env = NovaEnv(profile, {"nova": {"live_migration_memory_passes": 20.0}})
    sid = env.boot()
    path = f"/v2.1/servers/{sid}/migrations/{_running(env, sid)}"
    assert env.request("DELETE", path, user="admin", microversion="2.24").status == 202
    env.cloud.run_until_idle()
    assert (_statuses(env, sid)[-2:], _host(env, sid)) == (["running", status], ("ACTIVE", "cmp-1"))


def test_abort_rolls_the_migration_back_and_force_complete_ends_the_pass():
    # 32.1.0: from 32.2.0/33.0.0 the aborted job then errors the server
    # (test_live_migration_convergence.py).
    env = NovaEnv("nova-32.1.0", {"nova": {"live_migration_memory_passes": 20.0}})
    sid = env.boot()
    mid = _running(env, sid)
    base = f"/v2.1/servers/{sid}/migrations/{mid}"
    assert env.request("DELETE", base, user="admin", microversion="2.24").status == 202
    env.cloud.run_until_idle()
    assert _host(env, sid) == ("ACTIVE", "cmp-1")
    assert _statuses(env, sid)[-1] == "failed"  # test_an_aborted_job_is_a_failed_one
    assert [e[0] for e in _events(env, sid, "live_migration_cancel")] == [
        "compute_live_migration_abort"
    ]
    late = env.request("DELETE", base, user="admin", microversion="2.24")
    # task_state None: ``raise_http_conflict_for_instance_invalid_state``'s fallback text.
    assert (late.status, _message(late)) == (
        409,
        f"Instance {sid} is in an invalid state for 'abort live migration'",
    )
    # 20 passes of the memory take ~82 s; a force-complete pauses the guest and ends the pass.
    mid = _running(env, sid)
    started = env.kernel.now
    forced = env.request(
        "POST", f"/v2.1/servers/{sid}/migrations/{mid}/action", {"force_complete": None},
        user="admin", microversion="2.22",
    )  # fmt: skip
    assert forced.status == 202
    env.cloud.run_until_idle()
    assert env.kernel.now - started < 6
    assert _host(env, sid) == ("ACTIVE", "cmp-2")
    assert env.server(sid, microversion="2.47")["OS-EXT-STS:power_state"] == 1
    not_running = env.request(
        "POST", f"/v2.1/servers/{sid}/migrations/{mid}/action", {"force_complete": None},
        user="admin", microversion="2.22",
    )  # fmt: skip
    assert not_running.status == 409
    assert env.cloud.check_invariants() == []


def test_a_queued_migration_is_aborted_only_from_2_65():
    """The source runs one live migration at a time (``max_concurrent_live_migrations`` 1):
    the second waits ``queued``; 2.24 refuses its abort (400), 2.65 cancels it there."""
    env = NovaEnv("upstream", {"nova": {"live_migration_memory_passes": 20.0}})
    first, second = env.boot("a"), env.boot("b")
    if _host(env, first) != _host(env, second):  # both on one source first
        assert _live(env, first).status == 202
        env.cloud.run_until_idle()
    assert _host(env, first) == _host(env, second)
    _running(env, first)
    assert _live(env, second).status == 202
    env.cloud.advance(1)
    mid = max(env.nova.db.migrations)
    assert env.nova.db.migrations[mid].status == "queued"
    path = f"/v2.1/servers/{second}/migrations/{mid}"
    refused = env.request("DELETE", path, user="admin", microversion="2.64")
    assert _message(refused) == (
        f"Migration {mid} state of instance {second} is queued. Cannot abort live migration "
        "while the migration is in this state."
    )
    assert env.request("DELETE", path, user="admin", microversion="2.65").status == 202
    env.cloud.run_until_idle()
    source = _host(env, second)
    assert _statuses(env, second)[-2:] == ["queued", "cancelled"]
    assert _host(env, first) != source


def test_a_failed_memory_copy_is_rolled_back():
    """Fault rule ``io.transfer`` on ``libvirt.live_migration.memory``: the job fails
    (``VIR_DOMAIN_JOB_FAILED``), ``_rollback_live_migration``: the new attachment deleted and
    the old one back, the server active on its source, the migration ``failed`` (until 32.1.0:
    see test_live_migration_convergence.py for later)."""
    env = NovaEnv("nova-32.1.0")
    env.cloud.faults.add(
        "io.transfer", error="LibvirtError", match={"label": "libvirt.live_migration.memory"}
    )
    sid = env.boot(bfv=True)
    (bdm,) = env.nova.db.bdms_by_instance(sid)
    first = bdm.attachment_id
    assert _live(env, sid).status == 202
    env.cloud.run_until_idle()
    assert _host(env, sid) == ("ACTIVE", "cmp-1")
    assert _statuses(env, sid)[-1] == "failed"
    assert bdm.attachment_id == first
    # The named point fails the job as it starts, the same rollback.
    env.cloud.faults.add("nova.libvirt.live_migration", error="LibvirtError", times=1)
    assert _live(env, sid).status == 202
    env.cloud.run_until_idle()
    assert (_host(env, sid), _statuses(env, sid)[-1]) == (("ACTIVE", "cmp-1"), "failed")
    (fired,) = env.cloud.trace.filter(kind="fault", subject="nova.libvirt.live_migration")
    assert (fired["host"], fired["dest"]) == ("cmp-1", "cmp-2")
    volume = env.cloud.request(
        "volumev3", "GET", f"/v3/{{project_id}}/volumes/{bdm.volume_id}", user="admin"
    ).json()["volume"]
    assert [(a["attachment_id"], a["host_name"]) for a in volume["attachments"]] == [
        (first, "cmp-1")
    ]
    assert env.cloud.check_invariants() == []


@pytest.mark.parametrize(
    ("profile", "after"), [("nova-27.1.0", "completed"), ("upstream", "error")]
)
def test_a_delete_under_a_running_job_ends_it_as_the_monitor_sees_a_gone_guest(profile, after):
    """Delete is allowed in any task state (``check_instance_state(task_state=None)``); the
    guest destroyed under the job is a job the monitor takes for COMPLETED (guest.py
    ``get_job_info``: VIR_ERR_NO_DOMAIN/OPERATION_INVALID; migration.py ``find_job_type``:
    "VM is shutoff/missing, migration finished"), not a rollback: ``_post_live_migration``,
    whose ``post_live_migration_at_destination`` fails on task_state deleting. Until 30.x the
    source swallows it (``completed``); from 31.0.0 (a87b80fb39) it raises: ``error``
    (nova 17.0.13/20.6.0/29.2.0/34.0.0 compute/manager.py, virt/libvirt)."""
    env = NovaEnv(profile)
    sid = env.boot()
    _running(env, sid)
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    env.cloud.run_until_idle()
    assert _statuses(env, sid)[-2:] == ["running", after]
    assert env.request("GET", f"/v2.1/servers/{sid}").status == 404
    (told,) = env.cloud.trace.filter(
        kind="nova.event", event="compute_post_live_migration_at_destination", phase="finish"
    )
    assert told["result"] == "Error"


@pytest.mark.parametrize(
    ("profile", "notified"),
    [("seed", []), ("upstream", ["_rollback.start", "rollback.dest.start", "rollback.dest.end"])],
)
def test_an_abort_and_a_delete_at_once_preempt_the_rollback(profile, notified):
    """The rollback saves task_state none expecting ``migrating``; the delete made it
    ``deleting``, so the save raises (first thing before 21.0.0, after the destination's
    cleanup from 21.0.0; 20.6.0/21.2.4) and ``_do_live_migration``'s 'Live migration failed.'
    sets the migration ``error`` and the server ERROR until the delete ends it (was
    ``cancelled``, the rollback's end notified)."""
    env = NovaEnv(profile, {"nova": {"live_migration_memory_passes": 20.0}})
    sid = env.boot()
    mid = _running(env, sid)
    path = f"/v2.1/servers/{sid}/migrations/{mid}"
    assert env.request("DELETE", path, user="admin", microversion="2.24").status == 202
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    env.cloud.run_until_idle()
    assert _statuses(env, sid)[-2:] == ["running", "error"]
    assert env.states(sid, "vm_state")[-2:] == ["error", "deleted"]
    sent = [e["event_type"] for e in env.cloud.trace.filter(kind="notification")]
    prefix = "compute.instance.live_migration."
    assert [t[len(prefix) :] for t in sent if t.startswith(prefix) and "ollback" in t] == notified


def test_a_live_migration_carries_a_guest_frozen_by_a_volume_backed_snapshot_away():
    """A volume-backed createImage sets no task_state, so a live migration is accepted while
    the guest is quiesced; the guest keeps running, and its memory (its frozen filesystems
    with it) moves to the destination. The createImage's unquiesce goes to the host nova-api
    read at its start: the source, which no longer has the guest (an error notification), so
    the guest stays frozen on the destination until something restarts its OS."""
    backends = {"store": {"kind": "copy", "throughput_mb_per_s": 100}}
    cinder = {"backends": backends, "volume_types": {"__DEFAULT__": {"backend": "store"}}}
    env = BfvEnv("upstream", config={"cinder": cinder})
    sid = env.boot_bfv(image=QGA)
    box = env.spawn_request(
        env.cloud.now, "POST", f"/v2.1/servers/{sid}/action", {"createImage": {"name": "snap"}}
    )
    dom = env.domain(sid)
    while not dom.frozen:
        env.cloud.advance(0.001)
    assert _live(env, sid).status == 202
    env.cloud.run_until_idle()
    assert box["response"].status == 202
    assert _host(env, sid) == ("ACTIVE", "cmp-2")
    assert env.nova.hosts["cmp-2"].driver.domains[sid] is dom
    assert dom.frozen
    failed = [
        e for e in env.cloud.trace.filter(kind="notification")
        if "unquiesce_instance" in e["event_type"]
    ]  # fmt: skip
    assert failed
    assert env.images_named("snap")[0]["status"] == "active"


@pytest.mark.parametrize(("profile", "after"), [("seed", "running"), ("upstream", "error")])
def test_a_source_restart_ends_the_job_and_init_host_resets_the_server(profile, after):
    """The job dies with nova-compute; ``_init_instance`` clears ``migrating`` (the guest never
    left the source) and, from 20.2.0 (``_reset_live_migration``, ebcf6e4ce5), sets the
    ``running`` migration ``error`` after its abort finds no job; 17.x leaves it ``running``."""
    env = NovaEnv(profile, {"nova": {"live_migration_memory_passes": 20.0}})
    sid = env.boot()
    _running(env, sid)
    env.nova.restart_compute("cmp-1")
    env.cloud.run_until_idle()
    assert _host(env, sid) == ("ACTIVE", "cmp-1")
    assert env.states(sid)[-2:] == ["migrating", None]
    assert _statuses(env, sid)[-1] == after
    assert sid in env.nova.hosts["cmp-1"].driver.domains
    assert env.cloud.check_invariants() == []


def test_a_compute_down_refuses_the_live_migration_in_the_conductor():
    """``_check_host_is_up`` of the source, then of a forced destination (400 before 2.34)."""
    env = NovaEnv("upstream")
    sid = env.boot()
    env.kernel.rpc.set_up("compute.cmp-2", False)
    env.cloud.advance(61.0)  # past service_down_time: down to the servicegroup
    resp = _live(env, sid, host="cmp-2", force=True)
    assert _message(resp) == "Compute service of cmp-2 is unavailable at this time."
    env.kernel.rpc.set_up("compute.cmp-1", False)
    env.cloud.advance(61.0)
    resp = _live(env, sid)
    assert _message(resp) == "Compute service of cmp-1 is unavailable at this time."
    assert _statuses(env, sid) == ["accepted", "error", "accepted", "error"]
    assert env.server(sid)["status"] == "ACTIVE"


@pytest.mark.parametrize("profile", ["nova-29.2.0", "upstream"])
def test_an_operators_live_migrate_rule_governs_a_named_host_too(profile):
    """06699f26a5 (32.0.0): ``...:migrate_live:host`` for a named host (the admin's:
    `tests/nova/test_policy_releases.py`), whose deprecated rule is ``migrate_live`` itself: an
    operator's ``migrate_live`` opened to the project's members opens ``:host`` too (oslo.policy
    takes the old name's override for the new rule: nova 34.0.0 with oslo.policy 6.0.1 run on
    this policy file); before 32.0.0 there is no ``:host`` rule."""
    with_host = 202
    rule = {"os_compute_api:os-migrate-server:migrate_live": "project_id:%(project_id)s"}
    env = NovaEnv(profile, {"nova": {"policy": rule}})
    sid = env.boot()
    body = {LIVE: {"host": "cmp-2", "block_migration": "auto", "force": True}}
    assert env.action(sid, body, microversion="2.30").status == with_host


@pytest.mark.parametrize(
    ("profile", "status", "state"),
    [("seed", 202, "ACTIVE"), ("nova-23.2.2", 400, "ACTIVE"), ("upstream", 500, "ERROR")],
)
def test_a_forced_host_against_anti_affinity_by_release(profile, status, state):
    """A forced host skips the scheduler's group filter. 17.x moves the member beside the
    other; from 24.0.0 and its backports (23.0.2, 33c8af1f8c) ``check_can_live_migrate_
    destination`` validates the group (``RescheduledException`` → 'Failed to validate instance
    group policy due to: ...', 400, the server active); from 28.0.0 (56d320a203) the check
    raises ``GroupAffinityViolation``, which nothing catches: the conductor's unexpected
    failure puts the server in ERROR and the API (waiting before 2.34) answers 500."""
    env = NovaEnv(profile)
    group = {"server_group": {"name": "g", "policies": ["anti-affinity"]}}
    gid = env.request("POST", "/v2.1/os-server-groups", group).json()["server_group"]["id"]
    sids = []
    for name in ("a", "b"):
        server = {"name": name, "flavorRef": "1", "imageRef": env.image.id, "networks": "none"}
        body = {"server": server, "os:scheduler_hints": {"group": gid}}
        made = env.request("POST", "/v2.1/servers", body, microversion="2.37")
        env.cloud.run_until_idle()
        sids.append(made.json()["server"]["id"])
    a, b = sids
    other = _host(env, b)[1]
    resp = _live(env, a, host=other, force=True)
    assert resp.status == status, resp.json()
    if status == 400:
        assert _message(resp) == (
            "Migration pre-check error: Failed to validate instance group policy due to: "
            f"Build of instance {a} was re-scheduled: Anti-affinity instance group policy was "
            "violated."
        )
    if status == 500:
        assert "nova.exception_Remote.MigrationError_Remote" in _message(resp)
    env.cloud.run_until_idle()
    assert env.server(a)["status"] == state
    assert (_host(env, a)[1] == other) is (status == 202)


@pytest.mark.parametrize(
    ("profile", "notified"),
    [
        ("seed", []),
        ("nova-23.2.2", ["_rollback.start", "rollback.dest.start", "rollback.dest.end"]),
    ],
)
@pytest.mark.parametrize("bfv", [False, True])
def test_a_delete_at_the_202s_instant_by_storage(profile, notified, bfv):
    """The guest is gone as the job starts. A block migration asks ``get_instance_disk_info``
    before ``pre_live_migration`` (17.0.13/20.6.0/34.0.0 ``_do_live_migration``,
    ``_do_pre_live_migration_from_source``): 'Pre live migration failed', so
    ``_cleanup_pre_live_migration`` sets ``error`` and rolls back, whose save expecting
    ``migrating`` meets ``deleting``: a fault and ``wrap_exception``'s notification, the server
    never ERROR. Without block migration the destination prepares, then ``_live_migration``'s
    ``get_guest`` fails: 'Live migration failed.', ``error`` and ERROR, no fault (the job's
    thread has no decorators)."""
    env = NovaEnv(profile)
    sid = env.boot(bfv=bfv)
    assert _live(env, sid).status == 202
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    env.cloud.run_until_idle()
    faults = [f["message"] for f in env.cloud.trace.filter(kind="nova.fault", subject=sid)]
    sent = [e["event_type"] for e in env.cloud.trace.filter(kind="notification")]
    prefix = "compute.instance.live_migration."
    rollback = [t[len(prefix) :] for t in sent if t.startswith(prefix) and "ollback" in t]
    if bfv:
        assert _statuses(env, sid)[-2:] == ["running", "error"]
        assert env.states(sid, "vm_state")[-2:] == ["error", "deleted"]
        assert (faults, rollback) == ([], [])
    else:
        assert _statuses(env, sid)[-2:] == ["preparing", "error"]
        assert "error" not in env.states(sid, "vm_state")
        assert faults == [
            f"Conflict updating instance {sid}. Expected: {{'task_state': ['migrating']}}. "
            "Actual: {'task_state': 'deleting'}"
        ]
        assert "_rollback_live_migration" in sent
        assert rollback == notified
    assert env.request("GET", f"/v2.1/servers/{sid}").status == 404


@pytest.mark.parametrize(
    ("profile", "after"),
    [("seed", "ACTIVE"), ("nova-32.1.0", "ACTIVE"), ("upstream", "ERROR")],
)
def test_a_libvirt_job_failure_records_no_fault(profile, after):
    """A job failing as it starts (fault point ``nova.libvirt.live_migration``) is a FAILED
    job: ``_rollback_live_migration`` (``wrap_instance_fault``: a fault only if it raises)
    succeeds, and ``_do_live_migration``'s 'Live migration failed.' of 32.2.0/33.0.0+ sets no
    fault either; every event of the action Success (17.0.13/32.1.0/34.0.0 manager.py)."""
    env = NovaEnv(profile)
    env.cloud.faults.add("nova.libvirt.live_migration", error="LibvirtError", times=1)
    sid = env.boot()
    assert _live(env, sid).status == 202
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == after
    assert ("error" if profile == "seed" else "failed") in _statuses(env, sid)  # 22.0.0
    assert env.cloud.trace.filter(kind="nova.fault", subject=sid) == []
    finished = env.cloud.trace.filter(kind="nova.event", subject=sid, phase="finish")
    assert {e["result"] for e in finished} == {"Success"}
    sent = [e["event_type"] for e in env.cloud.trace.filter(kind="notification")]
    assert "compute.exception" not in sent and "_rollback_live_migration" not in sent
