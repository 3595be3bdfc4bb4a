"""Faults and an adversary chosen by the seed, written out so plain `fakecloud run` replays them."""

import pytest
import yaml

from fakecloud.explore.groups import outcome_of
from fakecloud.explore.replay import replay_document, write_replay
from fakecloud.explore.runner import prepared
from fakecloud.explore.session import replays
from fakecloud.scenario.errors import ScenarioError
from fakecloud.scenario.loader import load
from fakecloud.scenario.runner import run_case
from tests.explore.conftest import ROOT, by_event, same_run


def _ready(name, case_id="default"):
    path = ROOT / "scenarios" / "explore" / name
    return prepared(by_event(path.read_text()), f"scenarios/explore/{name}", case_id)


def _replay(explored, ready, tmp_path):
    path = write_replay(tmp_path / "replay.yaml", replay_document(explored, ready.case.cloud.seed))
    return path, run_case(load(path).cases[0])


def test_a_fault_the_seed_fires_is_written_out_and_replayed_exactly(tmp_path):
    ready = _ready("lp1731986_volume_snapshot_fails.yaml", "with_bug")
    explored = ready.play(0)  # seed 0 fails a Cinder snapshot call
    fired = [d for d in explored.decisions if d.kind == "fault" and d.value]
    assert [d.about["outcome"] for d in fired] == ["CinderConnectionFailed"]
    broke = {c.what for c in explored.failures}
    assert {"invariant no_frozen_guest", "invariant no_unexpected_500"} <= broke
    path, replayed = _replay(explored, ready, tmp_path)
    made = yaml.safe_load(path.read_text())["choices"]["made"]
    (entry,) = [m for m in made if "fault" in m]
    assert entry["fault"] == "volume_api.create_snapshot_force"
    assert (entry["n"], entry["outcome"]) == (fired[0].n, "CinderConnectionFailed")
    assert same_run(replayed.trace, explored.result.trace)
    assert {c.what for c in replayed.failures} == broke


def test_an_adversary_becomes_a_step_placed_on_the_event_it_followed(tmp_path):
    ready = _ready("quota_race.yaml")
    explored = ready.play(4)
    assert list(explored.landed) == ["adversary-1"]
    assert {c.what for c in explored.failures} == {"invariant no_orphan_volume_snapshot"}
    path, replayed = _replay(explored, ready, tmp_path)
    step = load(path).cases[0].doc["steps"][-1]  # read as YAML 1.2: on: is "on"
    assert step["name"] == "adversary-1"
    assert step["request"] == "POST /servers/${servers.b.id}/action"
    assert "trace" in step["on"]
    assert same_run(replayed.trace, explored.result.trace)
    assert replayed.failures[0].what == "invariant no_orphan_volume_snapshot"
    # the explorer checks the file from a fork of the case's world: the same run, to the byte
    forked = run_case(load(path).cases[0], world=ready.world)
    assert forked.trace.to_jsonl() == replayed.trace.to_jsonl()
    (orphan,) = outcome_of(explored, 4).broken
    assert replays(path, orphan.key, ready, cause=orphan.cause)  # the same check, same cause
    # a group's cause may be pruned by effect: the replay's path must hold it, not equal it
    assert replays(path, orphan.key, ready, cause=((orphan.cause[0][0],), ()))
    assert not replays(
        path, orphan.key, ready, cause=((*orphan.cause[0], "step x answered 500"), ())
    )


def test_a_lost_rpc_queue_is_a_fault_the_seed_can_draw():
    # The library's createImage sent while nova-compute is down, its queue left to chance.
    path = ROOT / "scenarios" / "races" / "snapshot_queued_for_down_compute.yaml"
    text = path.read_text().replace(
        "\nexplore: {seeds: 100}\n",
        "\nexplore:\n  chance: {rpc_delay: false, tie_order: false, throughput_jitter: false}\n"
        "  faults: [{point: rpc.queue, likelihood: 1}]\n",
    )
    ready = prepared(text, "queued.yaml", "queue-kept")
    assert [(f.point, f.outcomes) for f in ready.spec.faults] == [("rpc.queue", ("drop",))]
    explored = ready.play(0)
    (fired,) = [d for d in explored.decisions if d.kind == "fault" and d.value]
    assert (fired.about["point"], fired.about["outcome"]) == ("rpc.queue", "drop")
    lost = [e for e in explored.result.trace if e["kind"] == "rpc.lost"]
    assert [(e["method"], e["reason"]) for e in lost] == [("snapshot_instance", "no queue")]
    assert "invariant no_stuck_snapshot_image" in {c.what for c in explored.failures}


def test_a_volume_detach_really_detaches_and_can_break_a_volume_backed_create_image(tmp_path):
    # Hazard L3: nothing stops a detach during the synchronous volume-backed createImage.
    ready = _ready("detach_during_createimage.yaml")
    late = ready.play(0)  # the detach lands after createImage answered
    assert list(late.landed) == ["adversary-1"] and late.failures == []
    steps = {s.name: s for s in late.result.steps}
    assert (steps["snap"].status, steps["adversary-1"].status) == (202, 202)

    broken = ready.play(62)  # the detach lands between createImage's two volume snapshots
    steps = {s.name: s for s in broken.result.steps}
    assert steps["adversary-1"].status == 202
    assert steps["snap"].status == 400
    assert "current status is: detaching" in steps["snap"].body["badRequest"]["message"]
    volumes = [
        e
        for e in broken.result.trace
        if e["kind"] == "state" and e.get("machine", "").startswith("volume.status")
    ]
    # The first volume made is the world's `data` (the root volume is made at boot).
    detached = [e["new"] for e in volumes if e["subject"] == volumes[0]["subject"]]
    assert detached[-3:] == ["in-use", "detaching", "available"]  # the user's detach completed
    # The root volume's snapshot, already taken, is left with no image to reference it: what the
    # hunt declares it finds (without `finds:`, `make explore` failed the file for finding it).
    assert {c.what for c in broken.failures} == {"invariant no_orphan_volume_snapshot"}
    assert ready.spec.finds == ("no_orphan_volume_snapshot",)
    # The detach follows Nova's GET of the root volume: its path names the project and the
    # volume made at boot as the scenario's own references do (no literal id to go stale),
    # and the replay is the same run.
    path, replayed = _replay(broken, ready, tmp_path)
    on = load(path).cases[0].doc["steps"][-1]["on"]["trace"]
    root = "${servers.db.os-extended-volumes:volumes_attached.0.id}"
    assert on["subject"] == f"GET /v3/${{project_id}}/volumes/{root}"
    assert same_run(replayed.trace, broken.result.trace)


def test_a_move_inside_a_volume_backed_create_images_freeze_breaks_nothing():
    # Hazard L3 against a move: on a copying backend (frozen ~21 s) the seed lands a resize in
    # the freeze; the guest is powered off frozen and started on the other host, the snapshots
    # (asked for before the attachments moved) still complete.
    ready = _ready("resize_during_volume_createimage.yaml", "upstream-copy")
    explored = ready.play(4)
    steps = {s.name: s for s in explored.result.steps}
    assert (steps["snap"].status, steps["resize"].status, steps["migrate"].status) == (
        202,
        202,
        409,
    )
    trace = explored.result.trace
    (frozen,) = [e["t"] for e in trace if e["kind"] == "guest.freeze"]
    off = [
        e
        for e in trace
        if e["kind"] == "state" and e.get("machine") == "libvirt.domain.power_state"
    ]
    assert [(e["actor"], e["new"]) for e in off] == [("libvirt:cmp-1", 4), ("libvirt:cmp-2", 1)]
    snapshots = [e for e in trace if e["kind"] == "state" and e.get("machine") == "snapshot.status"]
    assert [e["new"] for e in snapshots] == ["creating", "creating", "available", "available"]
    assert frozen < off[0]["t"] < snapshots[-1]["t"]  # powered off while frozen
    # The guest's OS went down with its filesystems frozen: nothing of it stays frozen (nova
    # 17.0.13-34.0.0: a revert defines and boots the kept guest afresh, a start is a hard
    # reboot), so the guest kept on cmp-1 for a revert is thawed from the power-off on.
    thawed = [
        (e["t"], e["actor"])
        for e in trace
        if e["kind"] == "state"
        and e.get("machine") == "libvirt.guest.fsfreeze"
        and e["new"] == "thawed"
    ]
    assert thawed == [(off[0]["t"], "libvirt:cmp-1")]
    assert explored.failures == []
    cloud = explored.result.cloud
    (server,) = cloud.request(
        "compute", "GET", "/v2.1/servers/detail?all_tenants=1", user="admin"
    ).json()["servers"]
    assert (server["status"], server["OS-EXT-SRV-ATTR:host"]) == ("VERIFY_RESIZE", "cmp-2")
    revert = {"revertResize": None}
    assert (
        cloud.request("compute", "POST", f"/v2.1/servers/{server['id']}/action", body=revert).status
        == 202
    )
    cloud.run_until_idle()
    server = cloud.request("compute", "GET", f"/v2.1/servers/{server['id']}", user="admin").json()
    assert (server["server"]["status"], server["server"]["OS-EXT-SRV-ATTR:host"]) == (
        "ACTIVE",
        "cmp-1",
    )
    assert list(cloud.check_invariants()) == []  # was no_frozen_guest: the kept guest frozen


def test_two_moves_into_one_anti_affinity_group_reschedule_the_one_checked_second():
    # prep_resize's late check (nova 24.0.0+, 33c8af1f8c) counts a member's migration to the
    # host: seed 3 lands b's migration while a is going to cmp-4 (both sent there); b goes to
    # its alternate (seed 2 did, until Keystone's token validations joined the trace and moved
    # the windows each seed draws from).
    explored = _ready("anti_affinity_moves.yaml", "upstream").play(3)
    assert explored.failures == []  # server_group_policy_holds among them
    db = explored.result.cloud.nova.db
    tried = {
        db.instances[uuid].display_name: [
            e.host for a in actions for e in a.events if e.event == "compute_prep_resize"
        ]
        for uuid, actions in db.actions.items()
    }
    assert (tried["a"], tried["b"]) == (["cmp-4"], ["cmp-4", "cmp-1"])


def test_an_insert_naming_what_is_not_known_yet_does_not_land_and_the_replay_is_the_same_run(
    tmp_path,
):
    # Drawn at t0, before `first` answered: its request cannot be written, so it does not land
    # (it wrote its step's trace event, which the replay, leaving it out, did not: another run).
    text = (
        "name: unresolved-insert\n"
        "steps:\n  - {name: first, at: 1, request: GET /flavors}\n"
        "explore:\n  chance: {rpc_delay: false, tie_order: false, throughput_jitter: false}\n"
        '  adversary:\n    - {request: "GET /flavors/${steps.first.status}", likelihood: 1}\n'
    )
    ready = prepared(text, "unresolved.yaml", "default")
    explored = ready.play(10)
    assert explored.landed == {}
    steps = [e["subject"] for e in explored.result.trace if e["kind"] == "scenario.step"]
    assert steps == ["first"]
    path, replayed = _replay(explored, ready, tmp_path)
    assert [s["name"] for s in yaml.safe_load(path.read_text())["steps"]] == ["first"]
    assert same_run(replayed.trace, explored.result.trace)


def test_a_restart_at_the_instant_an_upload_fails_kills_its_task_and_the_run_goes_on(tmp_path):
    # The upload fails as it starts and nova-compute restarts at that instant: its task dies
    # before it reads the failure, which was the dead task's alone (the run crashed on it).
    path = tmp_path / "restart_at_failed_upload.yaml"
    path.write_text(
        "name: restart-at-failed-upload\n"
        "cloud:\n  images: {cirros: {existing: cirros-0.6.2-x86_64-disk}}\n"
        '  servers: {web: {body: {imageRef: "${images.cirros.id}", flavorRef: "1"}}}\n'
        "steps:\n"
        '  - {name: fail, fault: {point: io.transfer, error: "fakecloud.sim.io:TransferFailed",'
        " match: {label: glance.upload}}}\n"
        '  - {name: snap, microversion: "2.45", request: "POST /servers/${servers.web.id}/action",'
        " body: {createImage: {name: first}}}\n"
        "  - name: restart\n"
        "    on: {trace: {kind: state, machine: glance.image.status, new: saving}}\n"
        "    restart: {host: cmp-1}\n"
        "expect:\n  invariants: all\n"
    )
    result = run_case(load(path).cases[0])
    kinds = [e["kind"] for e in result.trace if e["kind"] in ("io.fail", "nova.compute")]
    assert kinds[:3] == ["io.fail", "nova.compute", "nova.compute"]  # failed, stopped, killed
    # L6: init_host clears the task state, nothing deletes the queued image
    assert [c.what for c in result.failures] == ["invariant no_stuck_snapshot_image"]


def test_a_partway_failure_strikes_half_way_through_the_transfer():
    # 100 MB at 100 MB/s: the seed's partway fails it at 0.5 s (it failed at once, 0 bytes in).
    text = (
        "name: partway\n"
        "steps:\n  - {name: copy, transfer: {label: copy, size_mb: 100,"
        " path: [{name: link, mb_per_s: 100}]}}\n"
        "explore:\n  chance: {rpc_delay: false, tie_order: false, throughput_jitter: false}\n"
        "  faults: [{point: io.transfer, likelihood: 1}]\n"
    )
    explored = prepared(text, "partway.yaml", "default").play(0)
    trace = explored.result.trace
    (start,) = trace.filter(kind="io.start", label="copy")
    (failed,) = trace.filter(kind="io.fail", label="copy")
    assert (failed["t"] - start["t"], failed["error"]) == (0.5, "the transfer failed part-way")


#: A 100 MB copy over a 100 MB/s link and an empty transfer beside it, chance off: add the
#: explorer's ``faults:`` line.
COPY_AND_EMPTY = (
    "name: partway\n"
    "steps:\n  - {name: copy, transfer: {label: copy, size_mb: 100,"
    " path: [{name: link, mb_per_s: 100}]}}\n"
    "  - {name: empty, at: 0, transfer: {label: empty, size_mb: 0, path: [link]}}\n"
    "explore:\n  chance: {rpc_delay: false, tie_order: false, throughput_jitter: false}\n"
)


def test_an_empty_transfer_has_no_middle_to_fail_at():
    # Zero bytes reach the other end whole (Glance reads an empty upload body at once): the
    # seed's partway is not drawn for them, only for the 100 MB beside.
    text = COPY_AND_EMPTY + "  faults: [{point: io.transfer, likelihood: 1}]\n"
    explored = prepared(text, "partway.yaml", "default").play(0)
    drawn = [(d.about["label"], d.value) for d in explored.decisions if d.kind == "fault"]
    assert drawn == [("copy", 1)]
    trace = explored.result.trace
    assert [e["kind"] for e in trace if e.get("label") == "empty"] == ["io.start", "io.finish"]
    assert [e["kind"] for e in trace if e.get("label") == "copy"] == [
        "io.start",
        "fault",
        "io.fail",
    ]


def test_a_replay_of_a_part_way_failure_beside_an_empty_transfers_stall_replays_both(tmp_path):
    # The empty transfer draws from its outcomes without partway: the replay numbers each
    # point's outcomes so that it reads the one written there too (it read 'stall' as partway's
    # number and failed that transfer with a ConfigError's message instead).
    text = (
        COPY_AND_EMPTY
        + "  faults: [{point: io.transfer, errors: [partway, stall], likelihood: 1}]\n"
    )
    ready = prepared(text, "partway.yaml", "default")
    explored = ready.play(4)  # seed 4: the copy part-way, the empty transfer stalled
    drawn = [(d.about["label"], d.about["outcome"]) for d in explored.decisions]
    assert drawn == [("copy", "partway"), ("empty", "stall")]
    _, replayed = _replay(explored, ready, tmp_path)
    assert [e["kind"] for e in replayed.trace if e.get("label") == "empty"] == [
        "io.start",
        "fault",
        "io.stall",
    ]
    assert same_run(replayed.trace, explored.result.trace)


VOLUME_BACKED = """
cloud:
  images: {qga: {existing: cirros-0.6.2-x86_64-qga}}
  servers:
    db:
      body:
        imageRef: ""
        flavorRef: "1"
        block_device_mapping_v2:
          - {boot_index: 0, uuid: "${images.qga.id}", source_type: image,
             destination_type: volume, volume_size: 1}
"""


def test_the_empty_upload_of_a_volume_backed_snapshot_is_not_cut_part_way():
    # Nova makes a volume-backed snapshot's image active with a zero-byte upload (its
    # force_activate): with every transfer failing part-way, that one still goes through
    # (before, it was Glance's 500 and Nova's).
    text = (
        VOLUME_BACKED
        + "steps:\n  - {name: snap, microversion: '2.45',"
        + " request: 'POST /servers/${servers.db.id}/action', body: {createImage: {name: s}}}\n"
        + "expect: {invariants: all}\n"
        + "explore:\n  faults: [{point: io.transfer, likelihood: 1}]\n"
    )
    explored = prepared(text, "empty_upload.yaml", "default").play(0)
    assert [d for d in explored.decisions if d.kind == "fault"] == []
    assert [(s.name, s.status) for s in explored.result.steps] == [("snap", 202)]
    assert explored.failures == []
    uploads = [e for e in explored.result.trace if e.get("label") == "glance.upload"]
    assert [(e["kind"], e.get("size")) for e in uploads] == [("io.start", 0), ("io.finish", None)]


#: A volume-backed createImage whose guest agent may stall, at the thaw of server db alone (an
#: explored point's match:, as a fault step's): the freeze goes through in every seed.
THAW_STALLS = """\
name: thaw-stalls
cloud:
  profile: upstream
  images: {qga: {existing: cirros-0.6.2-x86_64-qga}}
  servers:
    db:
      body:
        imageRef: ""
        flavorRef: "1"
        block_device_mapping_v2:
          - {boot_index: 0, uuid: "${images.qga.id}", source_type: image,
             destination_type: volume, volume_size: 1, delete_on_termination: true}
steps:
  - name: snap
    microversion: "2.45"
    request: POST /servers/${servers.db.id}/action
    body: {createImage: {name: db-snap}}
expect:
  invariants: all
explore:
  chance: {rpc_delay: false, tie_order: false, throughput_jitter: false}
  faults:
    - point: nova.guest_agent
      errors: [stall]
      likelihood: 1
      match: {command: guest-fsfreeze-thaw, instance_uuid: "${servers.db.id}"}
"""


def test_an_explored_point_with_a_match_fires_only_at_that_work_and_replays_exactly(tmp_path):
    """Without its match the stall fired at the freeze, the first command the agent gets;
    with it the freeze is answered and the thaw hangs. The replay file writes the firing, not
    the match: the thaw's consultation keeps its number, so plain `fakecloud run` makes the
    same run."""
    ready = prepared(THAW_STALLS, "thaw.yaml", "default")
    (fault,) = ready.spec.faults
    assert fault.label == (
        "nova.guest_agent (command guest-fsfreeze-thaw, instance_uuid ${servers.db.id})"
    )
    explored = ready.play(0)
    fired = [e for e in explored.result.trace if e["kind"] == "fault"]
    assert [(e["command"], e["action"]) for e in fired] == [("guest-fsfreeze-thaw", "stall")]
    (decision,) = [d for d in explored.decisions if d.kind == "fault"]
    assert decision.n == 2  # the freeze was the point's first consultation, drawn nothing
    assert "invariant no_long_freeze" in {c.what for c in explored.failures}
    path, replayed = _replay(explored, ready, tmp_path)
    (entry,) = yaml.safe_load(path.read_text())["choices"]["made"]
    assert (entry["fault"], entry["n"], entry["outcome"]) == ("nova.guest_agent", 2, "stall")
    assert same_run(replayed.trace, explored.result.trace)


def test_a_match_naming_what_no_world_at_t0_has_is_an_error_of_the_file():
    text = THAW_STALLS.replace("${servers.db.id}", "${steps.snap.body.image_id}")
    with pytest.raises(ScenarioError) as refused:
        prepared(text, "thaw.yaml", "default")
    assert str(refused.value) == (
        "thaw.yaml:26: field explore.faults[0].match.instance_uuid: "
        "${steps.snap.body.image_id}: no 'snap' (has nothing): a fault's match is resolved at "
        "t0, once setup is done and before any step (${servers.NAME.id}, ${volumes.NAME.id}, "
        "${project_id})"
    )


def _two_entries(freeze_likelihood):
    """THAW_STALLS listing the guest agent twice: the freeze answered 3 s late (with
    `freeze_likelihood`), the thaw stalled."""
    return THAW_STALLS.replace(
        "    - point: nova.guest_agent\n",
        "    - point: nova.guest_agent\n"
        '      errors: ["delay:3"]\n'
        f"      likelihood: {freeze_likelihood}\n"
        "      match: {command: guest-fsfreeze-freeze}\n"
        "    - point: nova.guest_agent\n",
    )


def test_a_point_listed_twice_with_different_matches_is_two_faults_each_its_own(tmp_path):
    """Each entry draws the consultations its match meets, with its own outcomes and
    likelihood; the replay file writes both firings on the one point and replays exactly."""
    ready = prepared(_two_entries(1), "thaw.yaml", "default")
    assert [f.label for f in ready.spec.faults] == [
        "nova.guest_agent (command guest-fsfreeze-freeze)",
        "nova.guest_agent (command guest-fsfreeze-thaw, instance_uuid ${servers.db.id})",
    ]
    explored = ready.play(0)
    fired = [e for e in explored.result.trace if e["kind"] == "fault"]
    assert [(e["command"], e["action"]) for e in fired] == [
        ("guest-fsfreeze-freeze", "delay"),
        ("guest-fsfreeze-thaw", "stall"),
    ]
    path, replayed = _replay(explored, ready, tmp_path)
    made = yaml.safe_load(path.read_text())["choices"]["made"]
    assert [(m["fault"], m["n"], m["outcome"]) for m in made] == [
        ("nova.guest_agent", 1, "delay:3"),
        ("nova.guest_agent", 2, "stall"),
    ]
    assert same_run(replayed.trace, explored.result.trace)
    # the freeze's entry never fires at likelihood 0: the thaw's still does, at its own 1
    quiet = prepared(_two_entries(0), "thaw.yaml", "default").play(0)
    fired = [e for e in quiet.result.trace if e["kind"] == "fault"]
    assert [(e["command"], e["action"]) for e in fired] == [("guest-fsfreeze-thaw", "stall")]


def test_a_point_listed_twice_where_one_entry_draws_all_the_other_would_is_an_error():
    text = THAW_STALLS + (
        "    - point: nova.guest_agent\n"
        "      errors: [stall]\n"
        "      match: {command: guest-fsfreeze-thaw, instance_uuid: '${servers.db.id}'}\n"
    )
    with pytest.raises(ScenarioError) as refused:
        prepared(text, "thaw.yaml", "default")
    assert str(refused.value) == (
        "thaw.yaml:27: field explore.faults[1]: fault point 'nova.guest_agent' is listed "
        "twice: faults[0] lists it with the same match:, so faults[0] draws every "
        "consultation this entry would and this one none (list the point once, or give each "
        "entry a match: of its own work)"
    )
    # the first entry without a match: draws every consultation, the second's too
    wide = THAW_STALLS.replace("      match: {", "      # {") + (
        "    - {point: nova.guest_agent, errors: [stall], match: {command: guest-sync}}\n"
    )
    with pytest.raises(ScenarioError, match=r"faults\[1\]: .* faults\[0\] lists it with no "):
        prepared(wide, "thaw.yaml", "default")
