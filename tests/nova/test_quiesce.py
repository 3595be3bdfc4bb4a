"""The online volume-backed snapshot: quiesce (an RPC call that freezes the guest through its
agent), the snapshots, and the thaw that waits for them (spec 3.4 step 4, 4.7). Every outcome
of the quiesce decision table with its HTTP code per profile, the bug switches LP #1754360,
LP #1731986 and LP #1980720 on and off, and the guest's frozen window checked to the virtual
second against the arithmetic of the configured latencies and each Cinder backend's speed."""

from __future__ import annotations

import pytest

from fakecloud.glance.config import BASE_IMAGES
from fakecloud.humanize import secs
from fakecloud.invariants import NotApplicable
from fakecloud.nova.virt.guest_agent import FREEZE, THAW, agent_of
from tests.nova.conftest import unexpected_500
from tests.nova.volume_backed_env import (
    DATA_VOLUME,
    NO_AGENT,
    QGA,
    STRICT,
    BfvEnv,
    backend_config,
    copy_seconds,
)

MESSAGING_TIMEOUT = "oslo_messaging.exceptions.MessagingTimeout"
#: The InternalError came back over RPC: oslo.messaging rebuilt it as InternalError_Remote.
INTERNAL_ERROR = "nova.exception_Remote.InternalError_Remote"
#: An image that requires quiesce but has no guest agent (a mistake users make).
STRICT_NO_AGENT = {
    **BASE_IMAGES[0],
    "name": "strict-no-agent",
    "properties": {"os_require_quiesce": "yes"},
}


def _frozen_window(env: BfvEnv, sid: str) -> tuple[float, float | None]:
    (window,) = env.domain(sid).frozen_intervals
    return window


def _check_timeline(env: BfvEnv, sid: str, backend_s: list[float]) -> tuple[float, float]:
    """Check freeze, snapshot and thaw times against the module doc's arithmetic; return the
    frozen window."""
    cfg = env.nova_cfg
    L, d = env.L, env.d
    call = env.t("rpc.call", method="quiesce_instance")
    frozen = call + d + cfg.guest_agent_freeze_s
    assert env.t("guest.freeze", subject=sid) == pytest.approx(frozen, abs=1e-9)
    reply = frozen + d
    assert env.t("rpc.reply", method="quiesce_instance") == pytest.approx(reply, abs=1e-9)
    created = [reply + 1.5 * L + 2 * L * i for i in range(len(backend_s))]
    snaps = env.volume_snapshots()
    made = [env.t("state", subject=s["id"], new="creating") for s in snaps]
    assert made == pytest.approx(created, abs=1e-9)
    available = [env.t("state", subject=s["id"], new="available") for s in snaps]
    assert available == pytest.approx(env.available_times(created, backend_s), abs=1e-9)
    delivered = reply + 2 * L * len(backend_s) + d
    assert env.t("rpc.deliver", method="unquiesce_instance") == pytest.approx(delivered, abs=1e-9)
    thawed = env.thaw_time(delivered, available, cfg.guest_agent_thaw_s)
    assert env.t("guest.thaw", subject=sid) == pytest.approx(thawed, abs=1e-9)
    window = _frozen_window(env, sid)
    assert window == pytest.approx((frozen, thawed), abs=1e-9)
    return window


# -- the happy path, per backend --------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "spec", "backend_s"),
    [
        ("lvm-thin", {}, 0.5),  # default snapshot_create_s
        ("rbd", {"snapshot_create_s": 0.3}, 0.3),
        ("lvm-thick", {}, 0.0),  # one lvcreate --snapshot: instant
        ("copy", {"throughput_mb_per_s": 200.0}, copy_seconds(1, 200.0)),
    ],
)
@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_frozen_window_follows_the_backend(profile, kind, spec, backend_s):
    env = BfvEnv(profile, {"cinder": backend_config(kind, **spec)})
    sid = env.boot_bfv()
    image_id = env.snap(sid)
    assert env.domain(sid).frozen  # the API does not wait for the thaw
    assert env.glance_image(image_id)["status"] == "active"
    env.cloud.run_until_idle()
    start, end = _check_timeline(env, sid, [backend_s])
    assert not env.domain(sid).frozen
    if kind == "copy":  # 1 GiB at 200 MB/s, then the next 0.5 s poll
        assert end - start > backend_s
    assert env.cloud.check_invariants() == []


def test_two_volumes_on_a_copying_backend_share_its_throughput():
    rate = 100.0
    env = BfvEnv("upstream", {"cinder": backend_config("copy", throughput_mb_per_s=rate)})
    sid = env.boot_bfv(extra=[DATA_VOLUME])  # 1 GiB root, 2 GiB data
    env.snap(sid)
    env.cloud.run_until_idle()
    # Max-min fair sharing: the first copy runs alone for 2L, then both at half the rate.
    r = rate * 1e6
    first_alone = 2 * env.L * r
    left = 1024**3 - first_alone
    first = 2 * env.L + left / (r / 2)
    second = first - 2 * env.L + (2 * 1024**3 - left) / r
    _check_timeline(env, sid, [first, second])
    # The thaw waits for the slower, second snapshot.
    thaw = env.t("guest.thaw", subject=sid)
    assert thaw > env.t("state", subject=env.volume_snapshots()[1]["id"], new="available")


def test_the_poll_interval_is_configurable():
    env = BfvEnv("upstream", {"nova": {"snapshot_completion_poll_s": 2.0}})
    sid = env.boot_bfv()
    env.snap(sid)
    env.cloud.run_until_idle()
    start, end = _check_timeline(env, sid, [0.5])
    assert end - start > 2.0  # the second poll comes 2 s after the first


@pytest.mark.parametrize("freeze_s, thaw_s", [(3.0, 2.0), (0.0, 0.0)])
def test_slow_or_instant_agents_per_server(freeze_s, thaw_s):
    agents = {"vm": {"freeze_s": freeze_s, "thaw_s": thaw_s}}
    env = BfvEnv("upstream", {"nova": {"guest_agents": agents}})
    sid = env.boot_bfv(name="vm")
    other = env.boot_bfv(name="other")
    t0 = env.cloud.now
    env.snap(sid)
    took = env.cloud.now - t0
    env.snap(other)
    env.cloud.run_until_idle()
    cfg = env.nova_cfg
    assert took >= freeze_s  # the user waits for the freeze
    start, end = _frozen_window(env, sid)
    assert start - env.t("rpc.call", method="quiesce_instance") == pytest.approx(env.d + freeze_s)
    assert end - env.t("guest.thaw", subject=sid) == 0
    other_start, _ = _frozen_window(env, other)
    assert other_start - env.t("rpc.call", 1, method="quiesce_instance") == pytest.approx(
        env.d + cfg.guest_agent_freeze_s
    )


def test_an_agent_changed_at_run_time():
    env = BfvEnv("upstream")
    sid = env.boot_bfv()
    agent_of(env.nova, sid).thaw_s = 7.0
    env.snap(sid)
    env.cloud.run_until_idle()
    thaw_start = env.t("rpc.deliver", method="unquiesce_instance")
    start, end = _frozen_window(env, sid)
    assert end - thaw_start > 7.0


def test_each_thaw_is_traced_with_when_it_was_asked():
    env = BfvEnv("upstream")
    sid = env.boot_bfv()
    env.snap(sid)
    env.cloud.run_until_idle()
    (freeze,) = env.events("guest.freeze", subject=sid)
    (thaw,) = env.events("guest.thaw", subject=sid)
    assert freeze["t"] - freeze["requested_at"] == pytest.approx(env.nova_cfg.guest_agent_freeze_s)
    assert thaw["t"] - thaw["requested_at"] == pytest.approx(env.nova_cfg.guest_agent_thaw_s)
    states = [e["new"] for e in env.events("state", machine="libvirt.guest.fsfreeze")]
    assert states == ["frozen", "thawed"]


# -- tolerated quiesce failures ---------------------------------------------------------------


def _skipped(env: BfvEnv) -> list[str]:
    return [
        e["message"]
        for e in env.events("log", level="info")
        if e["message"].startswith("Skipping quiescing instance")
    ]


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_no_agent_is_tolerated_and_the_snapshot_goes_on_unquiesced(profile):
    env = BfvEnv(profile)
    sid = env.boot_bfv(image=NO_AGENT)
    env.snap(sid)
    env.cloud.run_until_idle()
    assert _skipped(env) == ["Skipping quiescing instance: QEMU guest agent is not enabled."]
    assert env.events("rpc.cast", method="unquiesce_instance") == []
    assert env.events("guest.freeze") == []
    assert [s["status"] for s in env.volume_snapshots()] == ["available"]


def test_a_hypervisor_that_cannot_quiesce_is_tolerated():
    env = BfvEnv("upstream", {"nova": {"virt_type": "lxc"}})
    sid = env.boot_bfv()
    env.snap(sid)
    assert _skipped(env) == [f"Skipping quiescing instance: Quiescing is not supported in "
                             f"instance {sid}."]  # fmt: skip


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_a_hung_agent_is_tolerated_after_libvirts_timeout(profile):
    env = BfvEnv(profile, {"nova": {"guest_agents": {"vm": {"state": "hung"}}}})
    sid = env.boot_bfv(name="vm")
    t0 = env.cloud.now
    env.snap(sid)
    assert env.cloud.now - t0 > env.nova_cfg.guest_agent_timeout_s
    dom = env.domain(sid)
    reason = (
        f"Error from libvirt while quiescing {dom.name}: [Error Code 86] Guest agent is not "
        "responding: Guest agent not available for now"
    )
    if profile == "upstream":  # InstanceQuiesceFailed's message
        expected = f"Failed to quiesce instance: {reason}, libvirt cannot connect to the "
        expected += "qemu-guest-agent inside the instance."
    else:  # lp1980720: InternalError's
        expected = reason
    assert _skipped(env) == [f"Skipping quiescing instance: {expected}."]
    env.cloud.run_until_idle()
    assert dom.frozen_intervals == ()
    assert [s["status"] for s in env.volume_snapshots()] == ["available"]
    (error,) = env.events("guest.agent_error", subject=sid)
    assert error["code"] == 86


def test_a_stopped_agent_fails_at_once():
    env = BfvEnv("upstream", {"nova": {"guest_agents": {"vm": {"state": "stopped"}}}})
    sid = env.boot_bfv(name="vm")
    t0 = env.cloud.now
    env.snap(sid)
    assert env.cloud.now - t0 < 1.0
    assert "QEMU guest agent is not connected" in _skipped(env)[0]


def test_an_agent_libvirt_marked_errored_fails_at_once_in_its_own_words():
    # a GuestAgentUnresponsive rule: libvirt's qemuDomainAgentAvailable (`agentError`), not the
    # hung agent's "Guest agent not available for now" after the guest-sync wait
    env = BfvEnv("upstream")
    sid = env.boot_bfv(name="vm")
    env.cloud.faults.add("nova.guest_agent", error="GuestAgentUnresponsive")
    t0 = env.cloud.now
    env.snap(sid)
    assert env.cloud.now - t0 < 1.0
    (skipped,) = _skipped(env)
    assert "[Error Code 86] Guest agent is not responding: QEMU guest agent is not available " \
        "due to an error, libvirt cannot connect" in skipped  # fmt: skip
    (error,) = env.events("guest.agent_error", subject=sid)
    assert error["code"] == 86


# -- required quiesce (os_require_quiesce) ----------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "bug", "status"),
    [
        ("seed", None, 500),  # lp1980720 is on in the seed
        ("upstream", None, 409),
        ("upstream", True, 500),
        ("seed", False, 409),
    ],
)
def test_required_quiesce_with_a_hung_agent(profile, bug, status):
    config: dict = {"nova": {"guest_agents": {"db": {"state": "hung"}}}}
    if bug is not None:
        config["switches"] = {"lp1980720": bug}
    env = BfvEnv(profile, config)
    sid = env.boot_bfv(name="db", image=STRICT, size=4)
    t0 = env.cloud.now
    resp = env.create_image(sid)
    assert resp.status == status
    assert env.cloud.now - t0 > env.nova_cfg.guest_agent_timeout_s
    name = env.domain(sid).name
    reason = (
        f"Error from libvirt while quiescing {name}: [Error Code 86] Guest agent is not "
        "responding: Guest agent not available for now"
    )
    if status == 409:
        assert resp.json() == {
            "conflictingRequest": {
                "code": 409,
                "message": f"Failed to quiesce instance: {reason}, libvirt cannot connect to "
                "the qemu-guest-agent inside the instance.",
            }
        }
    else:
        assert resp.json()["computeFault"]["message"] == unexpected_500(profile, INTERNAL_ERROR)
    env.cloud.run_until_idle()
    assert env.volume_snapshots() == []
    assert env.images_named("snap") == []
    assert [a["action"] for a in env.actions(sid)] == ["create"]
    assert env.events("rpc.cast", method="unquiesce_instance") == []
    assert env.cloud.check_invariants(["no_frozen_guest"]) == []
    # The compute's wrap_exception notification of the failure.
    (note,) = env.events("notification", event_type="quiesce_instance")
    assert note["priority"] == "ERROR"


def test_required_quiesce_without_an_agent_is_400():
    base = [dict(i) for i in BASE_IMAGES] + [STRICT_NO_AGENT]
    env = BfvEnv("upstream", {"glance": {"base_images": base}})
    sid = env.boot_bfv(image="strict-no-agent")
    resp = env.create_image(sid)
    assert resp.json() == {
        "badRequest": {"code": 400, "message": "QEMU guest agent is not enabled"}
    }
    assert env.volume_snapshots() == []


def test_required_quiesce_on_a_hypervisor_that_cannot_is_400():
    env = BfvEnv("upstream", {"nova": {"virt_type": "lxc"}})
    sid = env.boot_bfv(image=STRICT, size=4)
    resp = env.create_image(sid)
    assert resp.json() == {
        "badRequest": {"code": 400, "message": f"Quiescing is not supported in instance {sid}"}
    }


def test_required_quiesce_that_works_snapshots_a_frozen_guest():
    env = BfvEnv("upstream")
    sid = env.boot_bfv(image=STRICT, size=4)
    env.snap(sid)
    env.cloud.run_until_idle()
    _check_timeline(env, sid, [0.5])


# -- the quiesce RPC itself failing (LP #1754360) ---------------------------------------------


@pytest.mark.parametrize(("profile", "bug"), [("seed", True), ("upstream", False)])
def test_quiesce_rpc_timeout_thaws_unless_the_bug_is_on(profile, bug):
    config = {
        "rpc": {"response_timeout_s": 10.0},
        "nova": {"guest_agents": {"db": {"freeze_s": 15.0}}},
        "switches": {"lp1754360": bug},
    }
    env = BfvEnv(profile, config)
    sid = env.boot_bfv(name="db")
    resp = env.create_image(sid)
    assert resp.status == 500
    assert resp.json()["computeFault"]["message"] == unexpected_500(profile, MESSAGING_TIMEOUT)
    call = env.t("rpc.call", method="quiesce_instance")
    assert env.t("rpc.timeout", method="quiesce_instance", instance=sid) == pytest.approx(call + 10)
    env.cloud.run_until_idle()
    frozen = call + env.d + 15.0
    assert env.volume_snapshots() == [] and env.images_named("snap") == []
    assert [a["action"] for a in env.actions(sid)] == ["create"]
    # 1e77faaa41 added the except clause with its error line: nothing is logged before it.
    errors = [e["message"].split(" Error: ")[0] for e in env.events("log", level="error")]
    logged = (
        "An error occurred during quiesce of instance. Unquiescing to ensure instance is thawed."
    )
    assert errors == ([] if bug else [logged])
    if bug:
        assert env.events("rpc.cast", method="unquiesce_instance") == []
        assert _frozen_window(env, sid) == pytest.approx((frozen, None))
        (violation,) = env.cloud.check_invariants(["no_frozen_guest"])
        assert sid in violation.subject
    else:
        # The thaw, cast at the timeout, waits behind the freeze in the agent's queue.
        assert env.t("rpc.cast", method="unquiesce_instance") == pytest.approx(call + 10.0)
        window = _frozen_window(env, sid)
        assert window == pytest.approx((frozen, frozen + env.nova_cfg.guest_agent_thaw_s))
        assert env.cloud.check_invariants(["no_frozen_guest"]) == []


# -- a snapshot failing mid-loop (LP #1731986) ------------------------------------------------


@pytest.mark.parametrize("bug", [False, True])
@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_a_snapshot_failing_mid_loop_thaws_with_the_partial_mapping(profile, bug):
    env = BfvEnv(profile, {"switches": {"lp1731986": bug}})
    sid = env.boot_bfv(extra=[DATA_VOLUME])
    second = env.nova.db.bdms_by_instance(sid)[1].volume_id
    env.cloud.faults.add(
        "volume_api.create_snapshot_force",
        match={"volume_id": second},
        error="CinderServerError",
    )
    resp = env.create_image(sid)
    assert resp.status == 500
    env.cloud.run_until_idle()
    (leaked,) = env.volume_snapshots()
    assert leaked["status"] == "available"
    action = env.actions(sid)[0]
    assert (action["action"], action["message"]) == ("createImage", "Error")
    violated = {v.invariant for v in env.cloud.check_invariants()}
    if bug:
        assert env.events("rpc.cast", method="unquiesce_instance") == []
        assert env.domain(sid).frozen
        assert violated == {"no_frozen_guest", "no_orphan_volume_snapshot", "no_unexpected_500"}
        return
    assert [e["message"] for e in env.events("log", message="Unquiescing instance after "
            "volume snapshot failure.")] != []  # fmt: skip
    # Thawed once the one snapshot made has left `creating` (polled every 0.5 s).
    cfg = env.nova_cfg
    reply = env.t("rpc.reply", method="quiesce_instance")
    created = reply + 1.5 * env.L
    (available,) = env.available_times([created], [0.5])
    failed = reply + 4 * env.L  # get+create of the first, get+create refused of the second
    thawed = env.thaw_time(failed + env.d, [available], cfg.guest_agent_thaw_s)
    assert env.t("guest.thaw", subject=sid) == pytest.approx(thawed, abs=1e-9)
    assert violated == {"no_orphan_volume_snapshot", "no_unexpected_500"}
    # the 500 is placed at its api.error event (what the explorer cuts its path at)
    (crash,) = env.events("api.error")
    (five_hundred,) = env.cloud.check_invariants(["no_unexpected_500"])
    assert (five_hundred.at, five_hundred.seq) == (crash["t"], crash["seq"])


# -- the thaw's wait ---------------------------------------------------------------------------


def test_a_snapshot_stuck_in_creating_keeps_the_guest_frozen():
    env = BfvEnv("upstream")
    sid = env.boot_bfv()
    env.cloud.faults.add("cinder.snapshot.create", action="stall")
    polls = env.cloud.faults.add("volume_api.get_snapshot", action="delay", delay_s=0.0)
    env.snap(sid)
    env.cloud.advance(600.0)
    (snap,) = env.volume_snapshots()
    assert snap["status"] == "creating"
    start, end = _frozen_window(env, sid)
    assert end is None and env.domain(sid).frozen
    assert 1199 <= polls.matches <= 1201  # every 0.5 s, no limit
    with pytest.raises(NotApplicable, match="still busy"):
        env.cloud.check_invariants(["no_frozen_guest"])
    # ... but a freeze longer than invariants.max_frozen_s (60 s) is flagged while it lasts.
    (long_freeze,) = env.cloud.check_invariants(["no_long_freeze"])
    assert long_freeze.subject == f"server {sid}"
    assert f"frozen for {env.cloud.now - start:g} s" in long_freeze.message
    assert "and still is" in long_freeze.message
    # it broke when the freeze passed the limit: the moment a report cuts its path at
    assert long_freeze.at == start + 60 and long_freeze.since == start
    moments = f"from t={secs(start)} and still is (limit 60 s, passed at t={secs(start + 60)})"
    assert moments in str(long_freeze)
    t0 = start - 1  # a scenario counts from the end of its setup: both moments move
    assert "from t=1 and still is (limit 60 s, passed at t=61)" in long_freeze.shown_from(t0)
    # Cinder recovers: the next poll sees it and the guest thaws.
    released = env.cloud.now
    env.cloud.faults.release("cinder.snapshot.create")
    env.cloud.run_until_idle()
    assert env.volume_snapshots()[0]["status"] == "available"
    thawed = env.t("guest.thaw", subject=sid)
    assert released < thawed < released + 0.5 + env.L + env.nova_cfg.guest_agent_thaw_s + 1e-9
    assert env.cloud.check_invariants(["no_frozen_guest"]) == []


def test_a_stuck_snapshot_and_a_compute_restart_leave_the_guest_frozen_for_good():
    env = BfvEnv("upstream")
    sid = env.boot_bfv()
    env.cloud.faults.add("cinder.snapshot.create", action="stall")
    env.snap(sid)
    env.cloud.advance(30.0)
    host = env.nova.db.instance_row(sid).host
    env.nova.restart_compute(host)  # the thread waiting to thaw dies with nova-compute
    env.cloud.advance(30.0)
    env.cloud.faults.release("cinder.snapshot.create")
    env.cloud.run_until_idle()
    assert env.volume_snapshots()[0]["status"] == "available"
    assert env.domain(sid).frozen
    (violation,) = env.cloud.check_invariants(["no_frozen_guest"])
    assert violation.subject == f"server {sid}"


def test_an_error_snapshot_ends_the_wait_and_the_image_still_points_at_it():
    env = BfvEnv("upstream")
    sid = env.boot_bfv()
    env.cloud.faults.add("cinder.snapshot.create", error=RuntimeError("backend on fire"))
    image_id = env.snap(sid)
    env.cloud.run_until_idle()
    (snap,) = env.volume_snapshots()
    assert snap["status"] == "error"
    assert not env.domain(sid).frozen
    assert snap["id"] in env.glance_image(image_id)["block_device_mapping"]
    assert env.glance_image(image_id)["status"] == "active"


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_a_snapshot_force_deleted_while_the_thaw_waits_ends_the_wait(profile):
    """An admin's ``os-force_delete`` of the snapshot the compute host polls (``creating``,
    the backend stalled): the next ``get_snapshot`` is Cinder's 404, ``SnapshotNotFound``,
    which ends ``_wait_for_snapshots_completion``'s loop; ``unquiesce_instance`` logs it and
    thaws (nova 17.0.13 and 34.0.0 compute/manager.py, the same code). The image, active
    from the start, still names the snapshot that is gone. (A poll that lands in the
    milliseconds the row is ``deleting`` ends the wait as a finished snapshot does.)"""
    env = BfvEnv(profile)
    sid = env.boot_bfv()
    env.cloud.faults.add("cinder.snapshot.create", action="stall")
    image_id = env.snap(sid)
    env.cloud.advance(5.2)  # just after a poll: the row is gone before the next
    (snap,) = env.volume_snapshots()
    assert snap["status"] == "creating" and env.domain(sid).frozen
    path = f"/v3/{{project_id}}/snapshots/{snap['id']}/action"
    gone = env.cloud.request("volumev3", "POST", path, body={"os-force_delete": {}}, user="admin")
    assert gone.status == 202
    env.cloud.advance(1.0)  # the next poll
    env.cloud.faults.release("cinder.snapshot.create")  # its create ends on a row gone
    env.cloud.run_until_idle()
    (log,) = env.events("log", level="error", subject=sid)
    assert log["message"] == (
        "Exception while waiting completion of volume snapshots: "
        f"Snapshot {snap['id']} could not be found."
    )
    assert not env.domain(sid).frozen and env.volume_snapshots() == []
    image = env.glance_image(image_id)
    assert image["status"] == "active" and snap["id"] in image["block_device_mapping"]


def test_cinder_unreachable_while_waiting_thaws_at_once():
    env = BfvEnv("upstream")
    sid = env.boot_bfv()
    env.cloud.faults.add("volume_api.get_snapshot", error="CinderConnectionFailed")
    env.snap(sid)
    env.cloud.run_until_idle()
    (log,) = env.events("log", level="error", subject=sid)
    assert log["message"].startswith(
        "Exception while waiting completion of volume snapshots: Connection to cinder host failed"
    )
    delivered = env.t("rpc.deliver", method="unquiesce_instance")
    thawed = delivered + env.L + env.nova_cfg.guest_agent_thaw_s
    assert env.t("guest.thaw", subject=sid) == pytest.approx(thawed)


def test_an_agent_that_hangs_while_frozen_cannot_thaw():
    env = BfvEnv("upstream")
    sid = env.boot_bfv()
    env.snap(sid)
    agent_of(env.nova, sid).state = "hung"
    env.cloud.run_until_idle()
    assert env.domain(sid).frozen
    (note,) = env.events("notification", event_type="unquiesce_instance")
    assert "Guest agent is not responding" in note["exception"]  # the exception's repr
    assert {v.invariant for v in env.cloud.check_invariants()} == {"no_frozen_guest"}


# -- two snapshots of one running server -------------------------------------------------------


@pytest.mark.parametrize(("image", "status"), [(QGA, 202), (STRICT, 500)])
def test_a_second_request_cannot_freeze_a_frozen_guest(image, status):
    """Nothing stops two createImage calls on a volume-backed server (no task_state, L3): the
    second finds the agent frozen — qemu-ga refuses a freeze while frozen."""
    env = BfvEnv("upstream")
    sid = env.boot_bfv(image=image, size=4 if image == STRICT else 1)
    first = env.spawn_request(env.cloud.now + 1.0, "POST", f"/v2.1/servers/{sid}/action",
                              {"createImage": {"name": "one"}}, headers=_v245())  # fmt: skip
    second = env.spawn_request(env.cloud.now + 1.2, "POST", f"/v2.1/servers/{sid}/action",
                               {"createImage": {"name": "two"}}, headers=_v245())  # fmt: skip
    env.cloud.run_until_idle()
    assert first["response"].status == 202
    assert second["response"].status == status
    (error,) = env.events("guest.agent_error", subject=sid)
    assert error["code"] == 1 and "has been disabled for this instance" in error["error"]
    # One freeze, one thaw: the first request's.
    assert len(env.domain(sid).frozen_intervals) == 1
    assert not env.domain(sid).frozen


def _v245() -> dict:
    return {"OpenStack-API-Version": "compute 2.45"}


# -- the agent's fault point -------------------------------------------------------------------


def test_a_fault_rule_can_delay_a_freeze_or_fail_a_thaw():
    env = BfvEnv("upstream")
    sid = env.boot_bfv()
    faults = env.cloud.faults
    faults.add("nova.guest_agent", action="delay", delay_s=2.0,
               match={"command": "guest-fsfreeze-freeze"})  # fmt: skip
    faults.add("nova.guest_agent", error="LibvirtError", message="guest crashed",
               match={"command": "guest-fsfreeze-thaw"})  # fmt: skip
    env.snap(sid)
    env.cloud.run_until_idle()
    call = env.t("rpc.call", method="quiesce_instance")
    start = call + env.d  # frozen as the freeze reaches qemu-ga, however long it then takes
    assert _frozen_window(env, sid) == pytest.approx((start, None))
    (note,) = env.events("notification", event_type="unquiesce_instance")
    name = env.domain(sid).name
    # wrap_exception's legacy payload: the exception's repr and the call's args
    message = f"Error from libvirt while quiescing {name}: [Error Code 1] guest crashed"
    assert note["exception"] == f"InternalError({message!r})"
    assert {v.invariant for v in env.cloud.check_invariants()} == {"no_frozen_guest"}


@pytest.mark.parametrize(
    ("agents", "message"),
    [
        ({"vm": {"state": "asleep"}}, "nova.guest_agents.vm.state must be one of running, hung"),
        ({"vm": {"freeze_ms": 3}}, "unknown key config nova.guest_agents.vm.freeze_ms"),
        ({"vm": {"thaw_s": -1}}, "nova.guest_agents.vm.thaw_s must be a number of seconds >= 0"),
        ({"vm": "hung"}, "config nova.guest_agents.vm must be a mapping"),
    ],
)
def test_bad_guest_agent_config_is_refused_with_its_place(agents, message):
    from fakecloud import Cloud
    from fakecloud.errors import ConfigError

    with pytest.raises(ConfigError, match=message):
        Cloud(config={"nova": {"guest_agents": agents}})


def test_the_quiesce_call_is_heartbeat_monitored_from_18_0_0():
    """With rpc_response_timeout above 60 s, 18.0.0+ (fe26a52024) monitors the call: no compute
    taking it fails after 60 s; a compute working on it (a 90 s freeze) is waited for."""
    config = {"rpc": {"response_timeout_s": 180.0}}
    for profile, waited in (("nova-17.0.13", 180.0), ("nova-18.0.0", 60.0)):
        env = BfvEnv(profile, config)
        sid = env.boot_bfv()
        env.kernel.rpc.set_up("compute.cmp-1", False)
        resp = env.create_image(sid)
        assert resp.status == 500, profile
        call = env.t("rpc.call", method="quiesce_instance")
        assert env.t("rpc.timeout", method="quiesce_instance") == pytest.approx(call + waited)
    slow = {**config, "nova": {"guest_agents": {"db": {"freeze_s": 90.0}}}}
    env = BfvEnv("nova-18.0.0", slow)
    sid = env.boot_bfv(name="db")
    assert env.create_image(sid).status == 202
    assert env.t("rpc.reply", method="quiesce_instance") > env.t("rpc.call") + 90
    assert env.events("rpc.timeout") == []


def test_nova_cinder_requests_name_their_resource_to_fault_rules():
    # Nova's client names the resource of GET /volumes/{id}, /snapshots/{id} and of a POST
    # /snapshots to the fault plan (passed as the request's resource id, not as a keyword).
    env = BfvEnv("upstream")
    sid = env.boot_bfv()
    (bdm,) = env.cloud.nova.db.bdms_by_instance(sid)
    mine = env.cloud.faults.add(
        "volume_api.get", action="delay", delay_s=0.0, match={"volume_id": bdm.volume_id}
    )
    other = env.cloud.faults.add(
        "volume_api.get", action="delay", delay_s=0.0, match={"volume_id": "another"}
    )
    snapped = env.cloud.faults.add(
        "volume_api.create_snapshot_force",
        action="delay",
        delay_s=0.0,
        match={"volume_id": bdm.volume_id},
    )
    env.snap(sid)  # answered before the host polls the new snapshot
    (snap,) = env.volume_snapshots()
    polls = env.cloud.faults.add(
        "volume_api.get_snapshot", action="delay", delay_s=0.0, match={"snapshot_id": snap["id"]}
    )
    env.cloud.run_until_idle()
    assert (mine.matches, other.matches, snapped.matches) == (1, 0, 1)
    assert polls.matches >= 1


def test_a_pause_inside_the_freeze_leaves_the_guest_frozen_after_the_unpause():
    """Pause needs no task_state, so it lands inside a volume-backed createImage's freeze.
    libvirt passes no agent command to a guest that is not running (qemuDomainAgentAvailable:
    VIR_ERR_OPERATION_INVALID "domain is not running"), so the thaw fails (Nova's
    ``_set_quiesced``: InternalError; the unquiesce's error notification) and the guest runs on
    frozen once unpaused (scenarios/explore/pause_during_volume_createimage.yaml)."""
    copying = {"store": {"kind": "copy", "throughput_mb_per_s": 100}}
    cinder = {"backends": copying, "volume_types": {"__DEFAULT__": {"backend": "store"}}}
    env = BfvEnv("upstream", config={"cinder": cinder})
    sid = env.boot_bfv(image=QGA)
    path = f"/v2.1/servers/{sid}/action"
    box = env.spawn_request(env.cloud.now, "POST", path, {"createImage": {"name": "snap"}})
    dom = env.domain(sid)
    while not dom.frozen:
        env.cloud.advance(0.001)
    assert env.request("POST", path, {"pause": None}).status == 202
    env.cloud.advance(30)
    assert env.request("POST", path, {"unpause": None}).status == 202
    env.cloud.run_until_idle()
    assert (box["response"].status, env.server(sid)["status"], dom.frozen) == (202, "ACTIVE", True)
    (failed,) = [
        e for e in env.cloud.trace.filter(kind="notification")
        if e["event_type"] == "unquiesce_instance"
    ]  # fmt: skip
    assert failed["exception"] == repr(
        f"Error from libvirt while quiescing {dom.name}: [Error Code 55] Requested operation is "
        "not valid: domain is not running"
    ).join(("InternalError(", ")"))


def test_a_thaw_that_meets_a_suspended_guest_leaves_it_frozen():
    """Nothing stops a suspend during a volume-backed snapshot (no task state): the managed
    save keeps the frozen guest's memory, and the thaw then meets a domain that is not running
    (qemuDomainFSThaw checks it before the agent): InternalError, an error notification only.
    The guest stays frozen, also after a resume (session 19)."""
    env = BfvEnv("upstream", {"cinder": backend_config("copy", throughput_mb_per_s=100)})
    sid = env.boot_bfv()
    snap = env.spawn_request(env.cloud.now, "POST", f"/v2.1/servers/{sid}/action",
                             {"createImage": {"name": "s"}}, headers=_v245())  # fmt: skip
    while not env.events("guest.freeze", subject=sid):
        env.cloud.run(env.cloud.now + 0.05)
    assert env.action(sid, {"suspend": None}).status == 202
    env.cloud.run_until_idle()
    assert snap["response"].status == 202
    (error,) = env.events("notification", event_type="unquiesce_instance")
    assert error["exception"].endswith(
        "[Error Code 55] Requested operation is not valid: domain is not running')"
    )
    assert env.domain(sid).frozen and not env.events("guest.thaw", subject=sid)
    env.server_action(sid, "resume")
    assert env.server(sid)["status"] == "ACTIVE" and env.domain(sid).frozen


@pytest.mark.parametrize(("image", "status"), [(QGA, 202), (STRICT, 500)])
def test_a_quiesce_that_meets_a_guest_not_running_is_skipped_unless_required(image, status):
    """A guest paused outside Nova while the server is ACTIVE (``virsh suspend``): the freeze
    meets libvirt's "domain is not running" (VIR_ERR_OPERATION_INVALID, 55), ``_set_quiesced``'s
    InternalError in every release (only AGENT_UNRESPONSIVE is InstanceQuiesceFailed, 27.0.0
    c8d5397b0a); ``snapshot_volume_backed`` takes it as any NovaException: skipped, unless the
    image sets os_require_quiesce (a 500) (nova 17.0.13/34.0.0 ``virt/libvirt/driver.py``,
    ``compute/api.py``)."""
    env = BfvEnv("upstream")
    sid = env.boot_bfv(image=image, size=4 if image == STRICT else 1)
    dom = env.domain(sid)
    env.nova.hosts["cmp-1"].driver._set_power(dom, 3)  # VIR_DOMAIN_PAUSED
    resp = env.create_image(sid)
    assert resp.status == status
    refused = (
        f"Error from libvirt while quiescing {dom.name}: [Error Code 55] Requested operation is "
        "not valid: domain is not running"
    )
    if status == 500:
        assert resp.json()["computeFault"]["message"] == unexpected_500("upstream", INTERNAL_ERROR)
    else:
        (skipped,) = [
            e["message"] for e in env.events("log", subject=sid)
            if e["message"].startswith("Skipping quiescing instance")
        ]  # fmt: skip
        assert skipped == f"Skipping quiescing instance: {refused}."
    assert not dom.frozen


@pytest.mark.parametrize(
    ("profile", "image", "status"), [("nova-26.3.0", STRICT, 500), ("upstream", QGA, 202)]
)
def test_a_freeze_whose_turn_comes_with_the_guest_paused_never_reaches_the_agent(
    profile, image, status
):
    """libvirt takes the agent job, then asks the domain (``qemuDomainFSFreeze``:
    ``virDomainObjCheckActive``, ``qemuDomainAgentAvailable``): a freeze queued behind a slow
    thaw, its guest paused outside Nova while it waits and resumed a second after its turn, is
    refused at its turn, "domain is not running" (55), ``_set_quiesced``'s InternalError on
    both sides of 27.0.0 (c8d5397b0a makes only AGENT_UNRESPONSIVE InstanceQuiesceFailed):
    required, a 500; else skipped. It never waits the agent's freeze_s and leaves the guest
    thawed (nova 26.3.0, 34.0.0 ``virt/libvirt/driver.py`` ``_set_quiesced``, ``guest.py``
    ``freeze_filesystems``, ``compute/api.py`` ``snapshot_volume_backed``)."""
    env = BfvEnv(profile, {"nova": {"guest_agents": {"vm": {"thaw_s": 5.0, "freeze_s": 3.0}}}})
    sid = env.boot_bfv(image=image, size=4 if image == STRICT else 1)
    env.snap(sid)
    agent, dom = agent_of(env.nova, sid), env.domain(sid)
    while agent._holder != THAW:
        env.cloud.advance(0.1)
    path = f"/v2.1/servers/{sid}/action"
    box = env.spawn_request(env.cloud.now, "POST", path, {"createImage": {"name": "second"}})
    env.cloud.advance(0.5)  # the second freeze waits behind the thaw
    driver = env.nova.hosts["cmp-1"].driver
    driver._set_power(dom, 3)  # virsh suspend: VIR_DOMAIN_PAUSED
    while agent._holder == THAW:
        env.cloud.advance(0.1)
    refused_at = env.cloud.now
    env.cloud.advance(1.0)
    driver._set_power(dom, 1)  # virsh resume, inside what would have been the freeze_s
    env.cloud.run_until_idle()
    assert box["response"].status == status
    (error,) = env.events("guest.agent_error", subject=sid)
    assert (error["command"], error["code"]) == (FREEZE, 55)
    assert error["t"] == pytest.approx(refused_at, abs=0.1)
    assert not dom.frozen and len(env.events("guest.freeze", subject=sid)) == 1
    refused = (
        f"Error from libvirt while quiescing {dom.name}: [Error Code 55] Requested operation is "
        "not valid: domain is not running"
    )
    if status == 500:
        assert box["response"].json()["computeFault"]["message"] == unexpected_500(
            profile, INTERNAL_ERROR
        )
    else:
        assert f"Skipping quiescing instance: {refused}." in [
            e["message"] for e in env.events("log", subject=sid)
        ]


def test_a_password_whose_turn_comes_with_the_guest_paused_meets_libvirts_refusal():
    """changePassword during a volume-backed snapshot's thaw (the snapshot sets no task
    state): the manager sees the guest running and sends ``guest-set-user-password``, which
    waits for the agent job; the guest paused outside Nova meanwhile, libvirt refuses it at its
    turn, "domain is not running" (55), which ``LibvirtDriver.set_admin_password`` makes an
    ``InternalError`` (only AGENT_UNRESPONSIVE is NotImplementedError) and the manager
    ``InstancePasswordSetFailed`` "error setting admin password": 409, in 17.0.13-34.0.0
    alike (``virt/libvirt/driver.py``, ``compute/manager.py`` ``set_admin_password``)."""
    env = BfvEnv("upstream", {"nova": {"guest_agents": {"vm": {"thaw_s": 5.0}}}})
    sid = env.boot_bfv(image=QGA)
    env.snap(sid)
    agent, dom = agent_of(env.nova, sid), env.domain(sid)
    while agent._holder != THAW:
        env.cloud.advance(0.1)
    body = {"changePassword": {"adminPass": "x"}}
    box = env.spawn_request(env.cloud.now, "POST", f"/v2.1/servers/{sid}/action", body)
    env.cloud.advance(0.5)  # the password waits behind the thaw
    assert env.server(sid)["status"] == "PASSWORD"
    driver = env.nova.hosts["cmp-1"].driver
    driver._set_power(dom, 3)  # virsh suspend
    while agent._holder == THAW:
        env.cloud.advance(0.1)
    env.cloud.advance(1.0)
    driver._set_power(dom, 1)  # virsh resume
    env.cloud.run_until_idle()
    assert box["response"].status == 409
    assert box["response"].json()["conflictingRequest"]["message"] == (
        f"Failed to set admin password on {sid} because error setting admin password"
    )
    errors = [(e["command"], e["code"]) for e in env.events("guest.agent_error", subject=sid)]
    assert errors == [("guest-set-user-password", 55)]
    shown = env.server(sid)
    assert (shown["status"], shown["OS-EXT-STS:task_state"]) == ("ACTIVE", None)
    assert not dom.frozen


# -- the agent job lock (libvirt's QEMU_JOB_WAIT_TIME) ------------------------------------------


def test_a_thaw_behind_a_hung_freeze_times_out_and_leaves_the_guest_frozen():
    """libvirt's agent job: the thaw Nova casts when the quiesce call times out waits 30 s for
    the job a hanging freeze holds, then fails VIR_ERR_OPERATION_TIMEOUT; ``_set_quiesced``
    makes it an InternalError (a notification, no instance fault), and the freeze, ending
    later, leaves the guest frozen with nothing left to thaw it.

    The guest is frozen from the freeze's start: qemu-ga marks itself frozen and its first
    FIFREEZE blocks the guest's writes before the freeze hangs, so no_long_freeze counts the
    hang as it goes, while Nova shows the server ACTIVE with no task (snapshot_volume_backed
    sets none around its quiesce call) and no fault."""
    env = BfvEnv("upstream")
    sid = env.boot_bfv(name="db")
    env.cloud.faults.add("nova.guest_agent", action="delay", delay_s=100.0,
                         match={"command": "guest-fsfreeze-freeze"})  # fmt: skip
    assert env.create_image(sid).status == 500  # at the call + 60 s: frozen 59.998 s so far
    server = env.cloud.request("compute", "GET", f"/v2.1/servers/{sid}").json()["server"]
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("ACTIVE", None)
    assert env.domain(sid).frozen and not env.cloud.check_invariants(["no_long_freeze"])
    env.cloud.advance(1.0)  # the freeze still hanging, the guest frozen past the 60 s limit
    (long,) = env.cloud.check_invariants(["no_long_freeze"])
    assert "and still is (limit 60 s" in long.message
    env.cloud.run_until_idle()
    call = env.t("rpc.call", method="quiesce_instance")
    assert env.t("rpc.cast", method="unquiesce_instance") == pytest.approx(call + 60.0)
    delivered = env.t("rpc.deliver", method="unquiesce_instance")
    (error,) = env.events("guest.agent_error", subject=sid)
    assert error["t"] == pytest.approx(delivered + 30.0)
    held = "held by agent=remoteDispatchDomainFSFreeze"
    assert (error["command"], error["code"]) == ("guest-fsfreeze-thaw", 68)
    (note,) = env.events("notification", event_type="unquiesce_instance")
    assert note["exception"] == repr(
        f"Error from libvirt while quiescing {env.domain(sid).name}: [Error Code 68] "
        f"Timed out during operation: cannot acquire state change lock ({held})"
    ).join(("InternalError(", ")"))
    assert _frozen_window(env, sid) == pytest.approx((call + env.d, None))
    server = env.cloud.request("compute", "GET", f"/v2.1/servers/{sid}").json()["server"]
    assert server["status"] == "ACTIVE" and "fault" not in server
    assert {v.invariant for v in env.cloud.check_invariants()} == {
        "no_frozen_guest", "no_long_freeze", "no_unexpected_500"}  # fmt: skip


@pytest.mark.parametrize(("image", "status"), [(QGA, 202), (STRICT, 500)])
def test_a_second_freeze_behind_a_hung_one_times_out_too(image, status):
    """A second createImage's freeze queues behind the first's hanging one and fails after
    libvirt's 30 s (error 68): an InternalError, which the API tolerates (the snapshot goes on
    unquiesced, logged) unless the image requires quiesce (500)."""
    env = BfvEnv("upstream")
    sid = env.boot_bfv(image=image, size=4 if image == STRICT else 1)
    env.cloud.faults.add("nova.guest_agent", action="delay", delay_s=100.0, times=1,
                         match={"command": "guest-fsfreeze-freeze"})  # fmt: skip
    first = env.spawn_request(env.cloud.now + 1.0, "POST", f"/v2.1/servers/{sid}/action",
                              {"createImage": {"name": "one"}}, headers=_v245())  # fmt: skip
    second = env.spawn_request(env.cloud.now + 2.0, "POST", f"/v2.1/servers/{sid}/action",
                               {"createImage": {"name": "two"}}, headers=_v245())  # fmt: skip
    env.cloud.run_until_idle()
    assert (first["response"].status, second["response"].status) == (500, status)
    freeze, thaw = env.events("guest.agent_error", subject=sid)
    assert (freeze["command"], freeze["code"], thaw["command"]) == (FREEZE, 68, THAW)
    calls = [e["t"] for e in env.events("rpc.deliver", method="quiesce_instance")]
    assert freeze["t"] == pytest.approx(calls[1] + 30.0)
    skipped = [e["message"] for e in env.events("log", level="info") if "Skipping" in e["message"]]
    if status == 202:
        (line,) = skipped
        assert line.startswith("Skipping quiescing instance: Error from libvirt while quiescing")
        assert "[Error Code 68] Timed out during operation" in line
        assert [s["name"] for s in env.volume_snapshots()] == ["snapshot for two"]
    else:
        assert skipped == [] and env.volume_snapshots() == []
        assert second["response"].json()["computeFault"]["message"].endswith(INTERNAL_ERROR + "'>")
