"""The races of the spec's section 7 that touch the volume-backed path, each placed at an exact
virtual time: the Cinder limits pre-check raced by two requests (its time-of-check/time-of-use
window, A6), a server deleted while the synchronous request runs, and the quiesce call whose
delivery comes after its own timeout (the ordering LP #1754360's fix does not cover, L5)."""

from __future__ import annotations

import pytest

from tests.nova.volume_backed_env import NO_AGENT, BfvEnv

DATA_VOLUME = {
    "boot_index": -1,
    "source_type": "blank",
    "destination_type": "volume",
    "volume_size": 1,
    "delete_on_termination": True,
}
V245 = {"OpenStack-API-Version": "compute 2.45"}


def _create_image(env: BfvEnv, sid: str, at: float, name: str) -> dict:
    body = {"createImage": {"name": name}}
    return env.spawn_request(at, "POST", f"/v2.1/servers/{sid}/action", body, headers=V245)


# -- two requests and the limits pre-check (A6) ----------------------------------------------


@pytest.mark.parametrize(
    ("offset_in_L", "second", "snapshots", "orphans"),
    [
        # B reads the limits at T + L, before A's first snapshot (T + 2.5L): both pass, and B's
        # second snapshot is the project's fourth -> Cinder 413 -> 403, its first one leaked.
        (0.5, 403, 3, 1),
        # B starts once A is done (A's snapshots at T + 2.5L and T + 4.5L): the pre-check
        # refuses it before anything is made.
        (6.0, 403, 2, 0),
    ],
)
def test_two_requests_racing_the_limits_precheck(offset_in_L, second, snapshots, orphans):
    env = BfvEnv("upstream", {"cinder": {"quota_snapshots": 3}})
    a = env.boot_bfv(name="a", image=NO_AGENT, extra=[DATA_VOLUME])
    b = env.boot_bfv(name="b", image=NO_AGENT, extra=[DATA_VOLUME])
    t = env.cloud.now + 1.0
    first = _create_image(env, a, t, "snap-a")
    late = _create_image(env, b, t + offset_in_L * env.L, "snap-b")
    env.cloud.run_until_idle()
    assert first["response"].status == 202
    assert late["response"].status == second
    assert late["response"].json() == {
        "forbidden": {"code": 403, "message": "Quota exceeded for resources: snapshots"}
    }
    assert len(env.volume_snapshots()) == snapshots
    leaked = env.cloud.check_invariants(["no_orphan_volume_snapshot"])
    assert len(leaked) == orphans
    # A refused pre-check records no action; a refusal mid-loop records an Error.
    b_actions = [(x["action"], x["message"]) for x in env.actions(b)]
    assert b_actions[0] == (("createImage", "Error") if orphans else ("create", None))
    assert env.cloud.check_invariants(["quota_usage_matches"]) == []


def test_17_0_0_has_no_precheck_so_every_overflow_leaks():
    env = BfvEnv("nova-17.0.0", {"cinder": {"quota_snapshots": 3}})
    a = env.boot_bfv(name="a", image=NO_AGENT, extra=[DATA_VOLUME])
    b = env.boot_bfv(name="b", image=NO_AGENT, extra=[DATA_VOLUME])
    t = env.cloud.now + 1.0
    first = _create_image(env, a, t, "snap-a")
    late = _create_image(env, b, t + 6.0 * env.L, "snap-b")
    env.cloud.run_until_idle()
    assert (first["response"].status, late["response"].status) == (202, 403)
    assert len(env.volume_snapshots()) == 3
    (orphan,) = env.cloud.check_invariants(["no_orphan_volume_snapshot"])
    assert "'snapshot for snap-b'" in orphan.message


# -- a delete during the synchronous request -------------------------------------------------


def test_delete_during_the_limits_check_skips_the_quiesce_and_still_snapshots():
    """The delete's terminate reaches the host before the quiesce call: the driver finds no
    guest (InstanceNotFound, a NovaException: tolerated), the volumes are still attached, so
    the snapshots and the image are made; the volumes then cannot be deleted (they have
    snapshots) and stay behind, detached."""
    env = BfvEnv("upstream")
    sid = env.boot_bfv(extra=[DATA_VOLUME])
    volumes = [b.volume_id for b in env.nova.db.bdms_by_instance(sid)]
    t = env.cloud.now + 1.0
    snap = _create_image(env, sid, t, "snap")
    delete = env.spawn_request(t + 0.5 * env.L, "DELETE", f"/v2.1/servers/{sid}")
    env.cloud.run_until_idle()
    assert delete["response"].status == 204
    assert snap["response"].status == 202
    skipped = [e["message"] for e in env.events("log", subject=sid) if "Skipping" in e["message"]]
    # Nova's "Skipping quiescing instance: %(reason)s." after a message ending in a period.
    assert skipped == [f"Skipping quiescing instance: Instance {sid} could not be found.."]
    assert env.events("guest.freeze") == []
    assert [s["volume_id"] for s in env.volume_snapshots()] == volumes
    (image,) = env.images_named("snap")
    assert image["status"] == "active"
    assert env.request("GET", f"/v2.1/servers/{sid}").status == 404
    assert [env.volume(v)["status"] for v in volumes] == ["available", "available"]
    # nova-compute's _cleanup_volumes (not the API's local delete): one warning per volume.
    cleanup = [e for e in env.events("log", subject=sid) if e["level"] == "warning"]
    assert [e["message"].split(" due to ")[0] for e in cleanup] == [
        f"Failed to delete volume: {v}" for v in volumes
    ]
    assert {e["actor"] for e in cleanup} == {"nova-compute:cmp-1"}


def test_delete_between_two_volume_snapshots():
    """The server is deleted while the API snapshots its first volume: nothing in the
    volume-backed path looks at task_state, so the second snapshot and the image are made
    too; the guest is destroyed frozen, and the thaw finds no instance."""
    env = BfvEnv("upstream")
    sid = env.boot_bfv(extra=[DATA_VOLUME])
    t = env.cloud.now + 1.0
    snap = _create_image(env, sid, t, "snap")
    reply = t + env.L + 2 * env.d + env.nova_cfg.guest_agent_freeze_s
    delete = env.spawn_request(reply + 1.7 * env.L, "DELETE", f"/v2.1/servers/{sid}")
    env.cloud.run_until_idle()
    assert (snap["response"].status, delete["response"].status) == (202, 204)
    # The first snapshot was made before the delete, the second after it.
    deleting = env.t("state", subject=sid, new="deleting")
    made = [env.t("state", subject=s["id"], new="creating") for s in env.volume_snapshots()]
    assert made[0] < deleting < made[1]
    assert len(env.events("guest.freeze", subject=sid)) == 1
    assert env.events("guest.thaw") == []
    (note,) = env.events("notification", event_type="unquiesce_instance")
    assert note["exception"] == f"InstanceNotFound('Instance {sid} could not be found.')"
    assert env.cloud.check_invariants() == []


# -- the quiesce delivered after its own timeout (L5) ----------------------------------------


@pytest.mark.parametrize("bug", [False, True])
def test_quiesce_delivered_after_the_timeout_freezes_for_good_even_with_the_fix(bug):
    """The unquiesce cast at the timeout reaches the host first (a thaw of a thawed guest does
    nothing); the delayed quiesce then freezes the guest and nobody thaws it. LP #1754360's
    fix covers only the other ordering."""
    config = {"rpc": {"response_timeout_s": 10.0}, "switches": {"lp1754360": bug}}
    env = BfvEnv("upstream", config)
    sid = env.boot_bfv()
    env.cloud.faults.add(
        "rpc.call", action="delay", delay_s=12.0, match={"method": "quiesce_instance"}
    )
    resp = env.create_image(sid)
    assert resp.status == 500
    env.cloud.run_until_idle()
    call = env.t("rpc.call", method="quiesce_instance")
    frozen = call + env.d + 12.0 + env.nova_cfg.guest_agent_freeze_s
    ((start, end),) = env.domain(sid).frozen_intervals
    assert (start, end) == (pytest.approx(frozen), None)
    casts = env.events("rpc.cast", method="unquiesce_instance")
    assert len(casts) == (0 if bug else 1)
    (violation,) = env.cloud.check_invariants(["no_frozen_guest"])
    assert violation.subject == f"server {sid}"
