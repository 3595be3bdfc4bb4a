"""The hunts for the catalogue's hazards L5, L6, L7 and L3 against a volume migration find them
by seed, and replay exactly.

Each hunt places nothing by hand: the seed picks when a fault fires or a user's action lands.
A seed where nothing was drawn runs clean; the seeds below are ones where chance hits the window.
"""

import yaml

from tests.explore.conftest import same_run
from tests.explore.test_faults_and_adversary import _ready, _replay


def _statuses(explored):
    return {step.name: step.status for step in explored.result.steps}


def _broken(explored):
    return {c.what for c in explored.failures}


def test_a_compute_restart_mid_image_snapshot_leaves_its_image_queued(tmp_path):
    # L6: _init_instance clears the image_* task_state; nothing deletes the queued image.
    for case_id, seed in (("upstream", 4), ("seed", 16)):
        ready = _ready("restart_during_image_snapshot.yaml", case_id)
        calm = ready.play(0)
        assert calm.landed == {} and calm.failures == []
        explored = ready.play(seed)
        assert list(explored.landed) == ["restart-cmp-1"]
        assert _statuses(explored)["snap"] == 202
        assert _broken(explored) == {"invariant no_stuck_snapshot_image"}
        (violation,) = explored.failures
        assert "'web-snap' is queued with no work in flight" in violation.details[0]
        phases = [e["phase"] for e in explored.result.trace if e["kind"] == "nova.compute"]
        assert phases == ["stopped", "task killed", "init_host"]
        cleared = [
            e["old"]
            for e in explored.result.trace
            if e["kind"] == "state" and e["field"] == "task_state" and e["new"] is None
        ]
        assert cleared[-1].startswith("image_")  # init_host's D3 fix cleared it
    path, replayed = _replay(explored, ready, tmp_path)
    assert same_run(replayed.trace, explored.result.trace)
    assert _broken(replayed) == {"invariant no_stuck_snapshot_image"}
    # the restart's trigger names the image as the steps do, by snap's answer (which came before
    # the compute's first GET of it), and its on: reads as the scenario schema writes it
    assert (
        "  on:\n    trace:\n      kind: http.request\n      actor: nova-compute:cmp-1\n"
        "      subject: GET /v2/images/${steps.snap.body.image_id}\n    nth: 3\n"
    ) in path.read_text()


def test_snapshot_gigabytes_run_out_half_way_past_novas_pre_check(tmp_path):
    # L7: Nova pre-checks only maxTotalSnapshots; Cinder's gigabytes refuse the 4th snapshot.
    ready = _ready("gigabytes_quota.yaml")
    assert ready.play(0).failures == []  # the second createImage never came
    for seed, loser in ((4, "adversary-1"), (14, "snap-a")):
        explored = ready.play(seed)
        statuses = _statuses(explored)
        assert statuses[loser] == 403
        assert sorted(statuses.values()) == [202, 403]
        (loser_step,) = [s for s in explored.result.steps if s.name == loser]
        # Nova's translate_snapshot_exception names "snapshots" whatever Cinder refused.
        message = loser_step.body["forbidden"]["message"]
        assert message == "Quota exceeded for resources: snapshots"
        assert _broken(explored) == {"invariant no_orphan_volume_snapshot"}
    path, replayed = _replay(explored, ready, tmp_path)
    assert same_run(replayed.trace, explored.result.trace)


def test_a_trigger_on_what_a_step_made_before_its_answer_keeps_the_id(tmp_path):
    # seed 53: b's createImage lands on the upload of a's image, before a's 202 gave its
    # id: a pattern naming ${steps.snap-a.body.image_id} would count nothing until the answer
    ready = _ready("gigabytes_quota.yaml")
    explored = ready.play(53)
    image = next(s.body["image_id"] for s in explored.result.steps if s.name == "snap-a")
    path, replayed = _replay(explored, ready, tmp_path)
    assert f"subject: PUT /v2/images/{image}/file" in path.read_text()
    assert same_run(replayed.trace, explored.result.trace)


def test_a_late_quiesce_call_freezes_the_guest_after_its_unquiesce(tmp_path):
    # L5: the quiesce call sits 15 s on the bus; the API times out and its unquiesce comes first.
    ready = _ready("slow_bus_quiesce.yaml")
    assert ready.play(0).failures == []
    explored = ready.play(2)
    fired = [d.about for d in explored.decisions if d.kind == "fault" and d.value]
    assert [(f["method"], f["outcome"]) for f in fired] == [("quiesce_instance", "delay:15")]
    assert _statuses(explored)["snap"] == 500
    kinds = [
        (e["kind"], e.get("method"))
        for e in explored.result.trace
        if e["kind"] in ("rpc.timeout", "rpc.deliver", "guest.freeze", "guest.thaw")
        and e.get("method", "quiesce_instance") in ("quiesce_instance", "unquiesce_instance")
    ]
    assert kinds.index(("rpc.deliver", "unquiesce_instance")) < kinds.index(
        ("rpc.deliver", "quiesce_instance")
    )
    assert kinds[-1] == ("guest.freeze", None)  # frozen last: nothing thaws it
    assert _broken(explored) == {"invariant no_frozen_guest", "invariant no_unexpected_500"}
    path, replayed = _replay(explored, ready, tmp_path)
    assert same_run(replayed.trace, explored.result.trace)


def test_glances_limit_at_image_create_is_a_500_after_the_volume_snapshots(tmp_path):
    # L4: Nova's Glance client leaves Glance's 413 at image create untranslated.
    ready = _ready("glance_limit_at_create.yaml")
    assert ready.play(0).failures == []
    for seed, loser in ((4, "adversary-1"), (14, "snap-a")):
        explored = ready.play(seed)
        statuses = _statuses(explored)
        assert sorted(statuses.values()) == [202, 500] and statuses[loser] == 500
        (loser_step,) = [s for s in explored.result.steps if s.name == loser]
        assert "HTTPOverLimit" in loser_step.body["computeFault"]["message"]
        refused = [
            e["status"]
            for e in explored.result.trace
            if e["kind"] == "http.response" and e["subject"] == "POST /v2/images"
        ]
        assert sorted(refused) == [201, 413]
        assert _broken(explored) == {
            "invariant no_unexpected_500",
            "invariant no_orphan_volume_snapshot",
        }
    path, replayed = _replay(explored, ready, tmp_path)
    assert same_run(replayed.trace, explored.result.trace)


def test_a_retype_landing_mid_volume_createimage_orphans_the_root_snapshot(tmp_path):
    # L3 against Cinder's migration: nothing stops a retype (on-demand: data moves to ceph
    # through Nova's swap) of an attached volume; Cinder refuses data's snapshot after the root's.
    ready = _ready("migrate_during_volume_createimage.yaml")
    calm = ready.play(0)  # both land once each volume has its snapshot: Cinder refuses them
    assert _statuses(calm) == {"root": 200, "attach": 200, "snap": 202, **_refused}
    assert calm.failures == []
    explored = ready.play(1)
    retyped = {**_refused, "retype-data": 202}
    assert _statuses(explored) == {"root": 200, "attach": 200, "snap": 400, **retyped}
    (snap,) = [s for s in explored.result.steps if s.name == "snap"]
    assert "Snapshot cannot be created while volume is migrating" in str(snap.body)
    assert _broken(explored) == {"invariant no_orphan_volume_snapshot"}
    path, replayed = _replay(explored, ready, tmp_path)  # the retype, written out as a step
    steps = {s["name"]: s for s in yaml.safe_load(path.read_text())["steps"]}
    assert steps["retype-data"]["body"] == {
        "os-retype": {"new_type": "fast", "migration_policy": "on-demand"}
    }
    assert "migrate-root" in steps  # landed (a 400), so replayed too
    assert same_run(replayed.trace, explored.result.trace)


_refused = {"migrate-root": 400, "retype-data": 400}


def test_glance_lost_after_the_upload_costs_the_finished_snapshot(tmp_path):
    # Not in the catalogue: the GET Nova's _upload_data sends after the upload fails through
    # every retry, and delete_image_on_error deletes the image the upload made active.
    ready = _ready("glance_get_fails_after_snapshot_upload.yaml", "upstream")
    explored = ready.play(14)
    fired = [
        (d.about["call"], d.about["attempt"])
        for d in explored.decisions
        if d.kind == "fault" and d.value
    ]
    # one failed try of each call before it (each retried, 1 s on), then the last GET four times
    assert fired == [("update", 1), ("get", 1), ("upload", 1), *(("get", n) for n in range(1, 5))]
    assert _broken(explored) == {"invariant no_active_snapshot_image_deleted"}
    moves = [
        (e.get("old"), e["new"])
        for e in explored.result.trace
        if e["kind"] == "state" and e.get("machine") == "glance.image.status" and e["t"] > 4
    ]
    assert moves == [
        (None, "queued"),
        ("queued", "saving"),
        ("saving", "active"),
        ("active", "deleted"),
    ]
    path, replayed = _replay(explored, ready, tmp_path)
    assert same_run(replayed.trace, explored.result.trace)
    assert _broken(replayed) == {"invariant no_active_snapshot_image_deleted"}
    # Queens' [glance] num_retries is 0 (3 from 662af9fab6, 22.0.0): one failed GET, its only
    # attempt, costs the seed profile's finished snapshot
    queens = _ready("glance_get_fails_after_snapshot_upload.yaml", "seed").play(0)
    tries = [
        (d.about["call"], d.about["attempt"], d.value)
        for d in queens.decisions
        if d.kind == "fault"
    ]
    calls = [("get", 1, 0), ("update", 1, 0), ("get", 1, 0), ("upload", 1, 0), ("get", 1, 1)]
    assert tries == calls
    assert _broken(queens) == {"invariant no_active_snapshot_image_deleted"}
