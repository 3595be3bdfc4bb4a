"""A trace read for the pictures: lanes, phases with their durations, markers, messages, names."""

from fakecloud.scenario.names import resource_names
from fakecloud.views.console import narration
from fakecloud.views.model import read, scenario_meta
from fakecloud.views.timeline import story_line


def _bar(run, kind):
    return [b for b in run.bars if b.kind == kind and not b.setup]


def test_time_zero_is_the_scenarios_first_step_and_setup_is_marked(lp_bug_off):
    run = read(lp_bug_off.trace)
    assert run.t0 == lp_bug_off.t0 > 10
    # the trace holds the cloud it ran on, not the file (a replay file writes the same trace)
    assert (run.meta.seed, run.meta.profile, run.meta.bugs, run.meta.scenario) == (
        0,
        "nova-17.0.0",  # the release the LP #1731986 replay runs on
        [],
        "",
    )
    run = read(lp_bug_off.trace, meta=scenario_meta(lp_bug_off))
    assert run.meta.scenario == lp_bug_off.case.file
    assert run.meta.scenario.endswith("scenarios/bugs/lp1731986_thaw_on_snapshot_failure.yaml")
    assert (run.meta.case, run.meta.seed, run.meta.profile) == ("bug_off", 0, "nova-17.0.0")
    assert run.meta.replay == f"fakecloud run {lp_bug_off.case.file} --case bug_off --seed 0"
    (step,) = [m for m in run.markers if m.kind == "step"]
    assert (step.t, step.label, step.setup) == (0.0, "step snap", False)
    assert any(m.setup for m in run.messages)  # the boot is there, folded


def test_the_frozen_window_and_the_phases_around_it(lp_bug_off, lp_bug_on):
    run = read(lp_bug_off.trace)
    (quiesce,) = _bar(run, "quiesce")
    (frozen,) = _bar(run, "frozen")
    (thaw,) = _bar(run, "thaw")
    assert quiesce.lane == frozen.lane == thaw.lane == "guest:cmp-1:" + frozen.ids[0]
    assert quiesce.end == frozen.start and frozen.end == thaw.start
    freeze = lp_bug_off.trace.first(kind="guest.freeze")
    thawed = lp_bug_off.trace.first(kind="guest.thaw")
    frozen_ms = round((thawed["t"] - freeze["t"]) * 1000)
    assert frozen.label == f"frozen {frozen_ms} ms" and not frozen.failed
    (snapshot,) = _bar(run, "snapshot")
    assert snapshot.label == "db/vda@db-snap creating"
    assert snapshot.lane == "cinder-volume:lvmdriver-1"
    (never,) = _bar(read(lp_bug_on.trace), "frozen")
    assert never.label == "frozen — not thawed by the end" and never.failed


def test_lanes_are_the_actors_in_the_order_a_request_crosses_them(lp_bug_on):
    run = read(lp_bug_on.trace)
    guest = next(lane for lane in run.lanes if lane.startswith("guest:"))
    assert run.lanes == [
        "client",
        "keystone",  # each service's token validations
        "nova-api",
        "nova-conductor",
        "nova-compute:cmp-1",
        guest,
        "cinder-api",
        "cinder-scheduler",
        "cinder-volume:lvmdriver-1",
        "glance-api",
    ]
    assert run.lane_label(guest) == "guest db"


def test_failures_are_markers_and_red_messages(lp_bug_on):
    run = read(lp_bug_on.trace)
    failures = [(m.lane, m.label) for m in run.markers if m.failed and not m.setup]
    assert failures == [
        ("nova-api", "413 from cinder-api: create_snapshot_force of db/vdb"),
        ("nova-api", "403 POST /v2.1/servers/db/action"),
    ]
    (refused,) = [m for m in run.messages if m.failed and m.src == "cinder-api"]
    assert refused.dst == "nova-api" and refused.label.startswith("413 SnapshotLimitExceeded")


def test_transfers_are_bars_with_size_and_rate(image_online):
    run = read(image_online.trace)
    transfers = [(b.lane, b.label) for b in _bar(run, "transfer")]
    assert transfers == [
        ("nova-compute:cmp-1", "extract (blockRebase) 100.0 MB @ 100.0 MB/s"),
        ("nova-compute:cmp-1", "extract (qemu-img convert) 100.0 MB @ 100.0 MB/s"),
        ("nova-compute:cmp-1", "upload to Glance 100.0 MB @ 100.0 MB/s"),
        ("glance-store", "upload to Glance 100.0 MB @ 100.0 MB/s"),
    ]
    task_states = [m.label for m in run.markers if "task_state" in m.label and not m.setup]
    assert task_states[0] == "web task_state=image_snapshot_pending"
    assert task_states[-1] == "web task_state=none"


def test_a_scenario_names_what_it_made_after_what_it_belongs_to(lp_bug_on):
    names = resource_names(lp_bug_on.cloud, {})
    named = sorted(n for n in names.values() if n.startswith("db"))
    assert named == [
        "db",
        "db/vda",
        "db/vda attachment",
        "db/vda@db-snap",
        "db/vdb",
        "db/vdb attachment",
    ]
    recorded = lp_bug_on.trace.filter(kind="scenario.names")[-1]["names"]
    assert recorded[lp_bug_on.names["servers"]["db"]["id"]] == "db"


def test_an_rpc_that_expired_or_waits_in_a_stopped_services_queue_is_a_failure():
    # as a timed-out or lost one: a red marker on the target's lane, a told line
    kinds = ("rpc.timeout", "rpc.lost", "rpc.expired", "rpc.queued")
    events = [
        {"t": float(i), "seq": i, "kind": kind, "actor": "rpc", "subject": "compute.cmp-1"}
        | {"method": "attach_volume"}
        for i, kind in enumerate(kinds)
    ]
    run = read(events)
    assert [(m.lane, m.label, m.failed) for m in run.markers] == [
        ("nova-compute:cmp-1", f"{kind} attach_volume", True) for kind in kinds
    ]
    assert [story_line(e) for e in events] == [
        f"RPC {kind[4:]}: attach_volume to compute.cmp-1" for kind in kinds
    ]
    assert [line.style for line in narration(run)] == ["bold red"] * 4


def test_a_call_that_timed_out_is_drawn_as_its_failed_answer():
    """LP #1754360's replay: the sequence showed the quiesce call, then 60 s on the API's 500
    with nothing between (session 42's new user); the timeout is the call's answer now."""
    from fakecloud.views.mermaid import sequence_diagram
    from fakecloud.views.timeline import sequence

    rpc = {"actor": "rpc", "subject": "compute.cmp-1", "method": "quiesce_instance"}
    events = [
        {"t": 0.02, "seq": 1, "kind": "rpc.call", "timeout_s": 60} | rpc,
        {"t": 60.02, "seq": 2, "kind": "rpc.timeout", "timeout_s": 60} | rpc,
    ]
    run = read(events)
    assert [(m.src, m.dst, m.label, m.style, m.failed) for m in run.messages] == [
        ("nova-api", "nova-compute:cmp-1", "quiesce_instance", "call", False),
        ("nova-compute:cmp-1", "nova-api", "quiesce_instance: no reply in 60 s (timeout)",
         "reply", True),
    ]  # fmt: skip
    assert [(m.lane, m.label) for m in run.markers] == [
        ("nova-compute:cmp-1", "rpc.timeout quiesce_instance")
    ]
    assert sequence(events).splitlines()[-1].split(None, 1)[1] == (
        "nova-api ◀── nova-compute:cmp-1 quiesce_instance: no reply in 60 s (timeout)"
    )
    assert (
        "nova_compute_cmp_1-->>nova_api: [60.020] ✗ quiesce_instance: no reply in 60 s (timeout)"
        in [line.strip() for line in sequence_diagram(run).splitlines()]
    )


def test_a_guest_snapshot_unquiesced_is_told_as_a_warning(image_online):
    # Nova logs it at INFO and goes on (nova/virt/libvirt/driver.py _live_snapshot): the answer
    # is 202 and the image active, so the views are where a user can see it (session 35)
    from fakecloud.views.console import facts
    from fakecloud.views.html import render_html

    run = read(image_online.trace)
    (warning,) = [m for m in run.markers if m.kind == "warning"]
    label = "web not quiesced: QEMU guest agent is not enabled"
    assert (warning.lane, warning.label, warning.failed) == ("nova-compute:cmp-1", label, False)
    told = {story_line(e, run.names) for e in image_online.trace if e["kind"] == "log"}
    assert told == {
        "nova-compute cmp-1: web not quiesced (QEMU guest agent is not enabled): the snapshot "
        "goes on unfrozen",
    }
    assert (
        f"{warning.t:.3f} s  nova-compute cmp-1: {label}; the snapshot is crash-consistent",
        "bold yellow",
    ) in list(facts(run))
    assert f'<span class="lane">nova-compute cmp-1</span> {label}: Nova logs it' in render_html(run)


def test_a_fault_is_told_by_its_rules_name_or_else_its_action():
    # an unnamed rule's label is "raise@<point>": "FAULT at P: raise@P" said the point twice
    fault = {"t": 0.0, "seq": 0, "kind": "fault", "actor": "fault_plan"}
    fault |= {"subject": "cinder.snapshot.create", "action": "raise"}
    assert story_line(fault | {"rule": "raise@cinder.snapshot.create"}) == (
        "FAULT at cinder.snapshot.create: raise"
    )
    assert story_line(fault | {"rule": "broken"}) == "FAULT at cinder.snapshot.create: broken"


def test_the_timeline_columns_are_as_wide_as_their_longest_entry():
    # a kind past 13 characters or an actor past 18 pushed the rest of its row out of line
    from fakecloud.views.timeline import timeline

    events = [
        {"t": 0.0, "seq": 0, "kind": "state", "actor": "glance", "subject": "s1"},
        {"t": 0.0, "seq": 1, "kind": "glance.store.put", "actor": "glance", "subject": "s2"},
        {"t": 0.0, "seq": 2, "kind": "rpc.cast", "actor": "cinder-volume.cinder@lvm-1"}
        | {"subject": "s3"},
    ]
    rows = timeline(events).splitlines()
    assert len({row.index(f"s{i}") for i, row in enumerate(rows, 1)}) == 1
    assert len({rows[0].rindex("glance"), rows[1].rindex("glance"), rows[2].index("cinder")}) == 1


def test_a_timeline_at_a_width_keeps_its_columns_to_a_fifth_of_it():
    # at 100 columns the widest actor (cinder-volume.cinder@lvmdriver-1, 32) took every row's
    # room: ~37 columns of details, most rows wrapped two to four times (session 45's teacher)
    from fakecloud.views.timeline import timeline

    image = {"size": 21430272, "image": "cirros-0.6.2-x86_64-disk"}
    events = [
        {"t": 0.0, "seq": 0, "kind": "glance.store.put", "actor": "glance", "subject": "s1"},
        {"t": 0.0, "seq": 1, "kind": "state", "actor": "glance", "subject": "s2", **image},
        {"t": 0.0, "seq": 2, "kind": "rpc.cast", "actor": "cinder-volume.cinder@lvmdriver-1"}
        | {"subject": "s3", **image, "volume_id": "3261d3e6-052d-4fb5-a75c-936dd95c1ae9"},
    ]
    narrow, wide = timeline(events, width=100).splitlines(), timeline(events).splitlines()
    assert max(map(len, narrow)) <= 100 < max(map(len, wide))
    # time, kind (16), actor (capped at 20): the glance rows whole, the long actor's row alone
    # pushed along, its rest wrapped under its own text
    assert [narrow[0].index("s1"), narrow[1].index("s2"), narrow[2].index("s3")] == [51, 51, 63]
    assert narrow[1].endswith("image=cirros-0.6.2-x86_64-disk")
    assert all(row.startswith(" " * 63) and row[63] != " " for row in narrow[3:])
    # without a width every row's actor column is the longest actor's (63 + 48 > 100)
    assert [row.index(f"s{n}") for n, row in enumerate(wide, 1)] == [63, 63, 63]


def test_a_guest_agents_failed_command_is_told_with_libvirts_error():
    """A hung agent's freeze fails after libvirt's 5 s wait: the story said only "guest of db:
    agent_error", and the report drew nothing on the guest's lane (session 43's teacher)."""
    from fakecloud.views.console import facts

    error = "Guest agent is not responding: Guest agent not available for now"
    event = {"t": 5.026, "seq": 7, "kind": "guest.agent_error", "actor": "libvirt:cmp-1"}
    event |= {"subject": "db", "command": "guest-fsfreeze-freeze", "code": 86, "error": error}
    assert story_line(event) == (
        f"guest of db: guest-fsfreeze-freeze failed: {error} (libvirt error 86)"
    )
    run = read([event])
    (marker,) = run.markers
    assert (marker.lane, marker.label, marker.failed) == (
        "guest:cmp-1:db",
        "guest-fsfreeze-freeze failed",
        True,
    )
    assert f"error={error}" in marker.detail.splitlines()
    assert ("5.026 s  guest db: guest-fsfreeze-freeze failed", "red") in list(facts(run))


def test_a_step_answered_later_says_when(lp_bug_on):
    """A volume-backed createImage is answered once nova-api has frozen the guest and asked
    Cinder for its snapshots: `fakecloud run` gave its start alone, "t=0.000 ... -> 403", as if
    Nova had answered at once (session 43's teacher)."""
    from fakecloud.scenario.report import steps_text

    lines = steps_text(lp_bug_on).splitlines()
    assert [line.split()[-4:] for line in lines if " snap " in line] == [
        ["/servers/db/action", "(answered", "at", "t=0.184)"]
    ]
    assert not [line for line in lines if "answered" in line and " snap " not in line]
