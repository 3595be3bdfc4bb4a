"""A live migration of a guest that dirties its memory (``nova.guest_dirty_mb_per_s``,
``nova.guest_workloads``): pre-copy passes, the monitor's completion timeout and its action,
post-copy and auto-converge (nova 17.0.13, 18.3.0, 19.3.2, 20.6.0, 29.2.0, 34.0.0
``virt/libvirt/driver.py`` ``_live_migration_monitor``, ``_live_migration_data_gb``,
``live_migration_force_complete``, ``_handle_live_migration_auto_converge``; ``migration.py``
``should_abort`` (17.x/18.x), ``should_trigger_timeout_action`` (19.0.0+, 99a075cc94),
``should_switch_to_postcopy``, ``trigger_postcopy_switch``, ``run_tasks``,
``downtime_steps``; ``conf/libvirt.py``). The link between the hosts is 1 Gbit/s
(125 MB/s); the default server's block migration moves 4 GiB of data as Nova counts it (its
512 MiB of RAM and its disk, each at least 2 GiB)."""

from __future__ import annotations

import pytest

from fakecloud import Cloud
from fakecloud.errors import ConfigError
from tests.nova.conftest import NovaEnv

STUCK = {"guest_dirty_mb_per_s": 200.0, "live_migration_completion_timeout": 5}


def _start(profile: str, **nova) -> tuple[NovaEnv, str, float]:
    env = NovaEnv(profile, {"nova": nova})
    sid = env.boot()
    body = {"os-migrateLive": {"host": None, "block_migration": "auto"}}
    assert env.action(sid, body, user="admin", microversion="2.30").status == 202
    return env, sid, env.kernel.now


def _statuses(env: NovaEnv, sid: str) -> list[tuple[float, str]]:
    events = env.cloud.trace.filter(kind="nova.migration", subject=sid)
    return [(e["t"], e["status"]) for e in events]


def _where(env: NovaEnv, sid: str) -> tuple[str, str, int]:
    server = env.server(sid, microversion="2.47")
    return server["status"], server["OS-EXT-SRV-ATTR:host"], server["OS-EXT-STS:power_state"]


def _running_since(env: NovaEnv, sid: str) -> float:
    return next(t for t, status in _statuses(env, sid) if status == "running")


def test_a_guest_dirtying_less_than_the_link_sends_converges_pass_after_pass():
    env, sid, _ = _start("upstream", guest_dirty_mb_per_s=100.0)
    env.cloud.run_until_idle()
    (t_done, last) = _statuses(env, sid)[-1]
    assert (last, _where(env, sid)) == ("completed", ("ACTIVE", "cmp-2", 1))
    # 512 MiB at 125 MB/s while 100 MB/s come back dirty: ~M / (B - r) = 21.5 s, far more
    # than the one pass (4.3 s) of an idle guest.
    assert 20 < t_done - _running_since(env, sid) < 23


@pytest.mark.parametrize(
    ("profile", "action", "expected"),
    [
        ("nova-29.2.0", "abort", ("failed", "cmp-1")),
        ("nova-29.2.0", "force_complete", ("completed", "cmp-2")),
        # Before 19.0.0 there is no timeout action: the job is aborted.
        ("nova-18.3.0", "force_complete", ("error", "cmp-1")),
    ],
)
def test_a_guest_that_never_converges_meets_the_completion_timeout(profile, action, expected):
    env, sid, _ = _start(profile, live_migration_timeout_action=action, **STUCK)
    env.cloud.advance(15)
    (row,) = env.request(
        "GET", f"/v2.1/servers/{sid}/migrations", user="admin", microversion="2.23"
    ).json()["migrations"]
    assert row["memory_processed_bytes"] > 2 * row["memory_total_bytes"]
    assert row["memory_remaining_bytes"] > 0
    env.cloud.run_until_idle()
    (t_end, last) = _statuses(env, sid)[-1]
    assert (last, _where(env, sid)[:2]) == (expected[0], ("ACTIVE", expected[1]))
    # 5 s per GiB of 4 GiB: the first 0.5 s poll past 20 s ends it (or pauses the guest, and
    # what is left of the pass under way, at most its 512 MiB = 4.3 s, crosses).
    assert 20.5 <= t_end - _running_since(env, sid) < (25 if last == "completed" else 21)
    (log,) = env.cloud.trace.filter(kind="log", subject=sid, level="warning")
    assert log["message"] == "Live migration not completed after 20 sec"
    assert _where(env, sid)[2] == 1  # running again, where it ended


def test_post_copy_leaves_the_in_progress_lists_and_refuses_abort_and_force_complete():
    env, sid, _ = _start(
        "upstream", live_migration_timeout_action="force_complete",
        live_migration_permit_post_copy=True, **STUCK,
    )  # fmt: skip
    env.cloud.advance(20.5 + 0.1)
    (row,) = env.request("GET", "/v2.1/os-migrations", user="admin", microversion="2.23").json()[
        "migrations"
    ]
    assert row["status"] == "running (post-copy)"
    listed = env.request("GET", f"/v2.1/servers/{sid}/migrations", user="admin",
                         microversion="2.23").json()  # fmt: skip
    assert listed["migrations"] == []  # not queued/preparing/running/post-migrating
    path = f"/v2.1/servers/{sid}/migrations/{row['id']}"
    refused = env.request("DELETE", path, user="admin", microversion="2.65")
    assert (refused.status, refused.json()["badRequest"]["message"]) == (
        400,
        f"Migration {row['id']} state of instance {sid} is running (post-copy). Cannot abort "
        "live migration while the migration is in this state.",
    )
    forced = env.request("POST", f"{path}/action", {"force_complete": None}, user="admin",
                         microversion="2.22")  # fmt: skip
    assert forced.status == 400
    env.cloud.run_until_idle()
    assert [s for _, s in _statuses(env, sid)][-2:] == ["running (post-copy)", "completed"]
    assert _where(env, sid) == ("ACTIVE", "cmp-2", 1)


def test_the_force_complete_api_switches_to_post_copy_when_permitted():
    env, sid, _ = _start("upstream", guest_dirty_mb_per_s=200.0,
                         live_migration_permit_post_copy=True)  # fmt: skip
    env.cloud.advance(10)
    mid = max(env.nova.db.migrations)
    forced = env.request("POST", f"/v2.1/servers/{sid}/migrations/{mid}/action",
                         {"force_complete": None}, user="admin", microversion="2.22")  # fmt: skip
    assert forced.status == 202
    env.cloud.run_until_idle()
    assert [s for _, s in _statuses(env, sid)][-2:] == ["running (post-copy)", "completed"]
    assert env.kernel.now - _running_since(env, sid) < 16


@pytest.mark.parametrize(("profile", "switched"), [("nova-18.3.0", True), ("nova-19.3.2", False)])
def test_before_19_0_0_the_monitor_switches_to_post_copy_by_itself(profile, switched):
    """17.x/18.x ``should_switch_to_postcopy``: a pass after the first whose memory left is not
    10 % below the last poll's; 19.0.0 (99a075cc94) left post-copy to a force-complete."""
    env, sid, _ = _start(profile, live_migration_permit_post_copy=True, **STUCK)
    env.cloud.run_until_idle()
    statuses = [s for _, s in _statuses(env, sid)]
    assert ("running (post-copy)" in statuses) is switched
    assert statuses[-1] == ("completed" if switched else "error")


def test_auto_converge_throttles_the_guest_until_it_fits():
    """20 % after two passes that dirtied more than half they sent, then 10 % more a pass: at
    40 % the guest dirties 120 MB/s, less than the link sends, and the passes shrink."""
    env, sid, _ = _start("upstream", guest_dirty_mb_per_s=200.0,
                         live_migration_permit_auto_converge=True)  # fmt: skip
    env.cloud.run_until_idle()
    assert [s for _, s in _statuses(env, sid)][-1] == "completed"
    assert 25 < env.kernel.now - _running_since(env, sid) < 35


def test_without_a_timeout_a_stuck_guest_migrates_until_aborted():
    env, sid, _ = _start(
        "nova-29.2.0", guest_workloads={"vm": {"dirty_mb_per_s": 200}},
        live_migration_completion_timeout=0,
    )  # fmt: skip
    env.cloud.advance(120)
    mid = max(env.nova.db.migrations)
    assert env.nova.db.migrations[mid].status == "running"
    path = f"/v2.1/servers/{sid}/migrations/{mid}"
    assert env.request("DELETE", path, user="admin", microversion="2.24").status == 202
    env.cloud.run_until_idle()
    assert [s for _, s in _statuses(env, sid)][-1] == "failed"


@pytest.mark.parametrize(
    ("nova", "message"),
    [
        ({"live_migration_timeout_action": "pause"},
         "config nova.live_migration_timeout_action must be abort or force_complete, got 'pause'"),
        ({"guest_workloads": {"db": {"dirty": 1}}},
         "unknown key config nova.guest_workloads.db.dirty; known: dirty_mb_per_s"),
        ({"guest_workloads": {"db": {"dirty_mb_per_s": -1}}},
         "config nova.guest_workloads.db.dirty_mb_per_s: expected MB/s from 0 to 1e+06, got -1 "
         "(negative)"),
        # r1: a NaN rate reached the clock; a list or a number was a traceback (.items()).
        ({"guest_workloads": {"db": {"dirty_mb_per_s": float("nan")}}},
         "config nova.guest_workloads.db.dirty_mb_per_s: expected MB/s from 0 to 1e+06, got nan"),
        ({"guest_workloads": [1]},  # r2 (session 21): the config's own check, as every list
         "config nova.guest_workloads: expected a mapping, got list [1]"),
    ],
)  # fmt: skip
def test_bad_settings_are_named(nova, message):
    from fakecloud.api_checks import unnamed

    with pytest.raises(ConfigError, match="^Cloud: config") as err:
        Cloud(config={"nova": nova})
    assert unnamed(err.value) == message


@pytest.mark.parametrize(
    ("profile", "after"),
    [("nova-32.1.0", ("failed", "ACTIVE")), ("nova-32.2.0", ("error", "ERROR")),
     ("nova-33.0.0", ("error", "ERROR"))],
)  # fmt: skip
def test_from_33_0_0_a_job_libvirt_ended_unfinished_errors_the_server(profile, after):
    """20a9f9d740 (33.0.0, 32.2.0 bf1201cc57): ``_live_migration`` collects the operation
    thread's result after the monitor; libvirt's migrate call raised ('canceled by client', or
    the failure), so after the rollback ``_do_live_migration``'s 'Live migration failed.' sets
    the migration ``error`` and the server ERROR, with no fault (nova 34.0.0
    ``virt/libvirt/driver.py`` ``_live_migration``, ``compute/manager.py``
    ``_do_live_migration``). The timeout's abort, a user's abort and a failed copy alike."""
    errors = after[0] == "error"
    env, sid, _ = _start(profile, **STUCK)
    env.cloud.run_until_idle()
    statuses = [s for _, s in _statuses(env, sid)]
    assert statuses[-2:] == (["failed", "error"] if errors else ["running", "failed"])
    assert _where(env, sid)[:2] == (after[1], "cmp-1")
    assert "fault" not in env.server(sid)
    env = NovaEnv(profile)
    env.cloud.faults.add(
        "io.transfer", error="LibvirtError", match={"label": "libvirt.live_migration.memory"}
    )
    sid = env.boot()
    body = {"os-migrateLive": {"host": None, "block_migration": "auto"}}
    assert env.action(sid, body, user="admin", microversion="2.30").status == 202
    env.cloud.run_until_idle()
    statuses = [s for _, s in _statuses(env, sid)]
    assert statuses[-2:] == (["failed", "error"] if errors else ["running", "failed"])
    assert _where(env, sid)[:2] == (after[1], "cmp-1")


@pytest.mark.parametrize(("profile", "log"), [
    ("nova-18.3.0", "Live migration stuck for 30 sec"),
    ("nova-19.3.2", "Live migration not completed after 80 sec"),
])  # fmt: skip
def test_the_progress_timeout_until_19_0_0(profile, log):
    """17.x/18.x ``live_migration_progress_timeout`` (deprecated, 0 by default; removed in
    19.0.0 by 4c3698c0b6): no new low of the data remaining for 30 s aborts the job. Each
    pass of a guest that never converges ends with all its memory dirty again, so the lows
    stop falling; 19.0.0 reads only the completion timeout (20 s per GiB here)."""
    env, sid, _ = _start(profile, guest_dirty_mb_per_s=200.0, live_migration_progress_timeout=30,
                         live_migration_completion_timeout=20)  # fmt: skip
    env.cloud.run_until_idle()
    assert [s for _, s in _statuses(env, sid)][-1] == "error"
    (warned,) = env.cloud.trace.filter(kind="log", subject=sid, level="warning")
    assert warned["message"] == log
