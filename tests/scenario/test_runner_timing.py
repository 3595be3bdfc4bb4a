"""Steps run on the virtual clock exactly where the scenario places them."""

import pytest
from scenario_fakes import failures, load_text, run_text

from fakecloud.scenario import ScenarioError

SERVER = """\
cloud:
  servers:
    web: {}
"""


def started(result):
    return {r.name: r.started for r in result.steps}


def finished(result):
    return {r.name: r.finished for r in result.steps}


def test_setup_creates_named_resources_and_t0_is_when_it_is_done():
    result = run_text(SERVER + "steps:\n  - request: GET /servers/${servers.web.id}\n")
    assert result.t0 == 2.0  # the fake server boots in 2 s
    assert result.steps[0].body["server"]["status"] == "ACTIVE"
    assert result.steps[0].what == f"GET /servers/{result.steps[0].body['server']['id']}"


def test_t0_is_when_what_the_setup_requests_asked_for_is_done():
    text = """\
cloud:
  setup:
    - {name: boot, request: POST /servers, body: {server: {name: web}}, save: {web: body.server.id}}
steps:
  - request: GET /servers/${web}
"""
    result = run_text(text)
    assert result.t0 == 2.0  # the boot a setup request asked for, done
    assert result.steps[0].body["server"]["status"] == "ACTIVE"


def test_steps_at_absolute_times_after_others_and_in_sequence():
    text = """\
steps:
  - name: a
    at: 3.5
    wait: 1
  - name: b
    after: a
    delay: 0.25
    wait: 2
  - name: c
    wait: 1
  - name: d
    at: 0
    wait: 0.5
"""
    result = run_text(text)
    assert started(result) == {"a": 3.5, "b": 4.75, "c": 6.75, "d": 0.0}
    assert finished(result) == {"a": 4.5, "b": 6.75, "c": 7.75, "d": 0.5}
    steps = result.trace.filter(kind="scenario.step")
    assert [(e["t"], e["subject"]) for e in steps] == [
        (0.0, "d"),
        (3.5, "a"),
        (4.75, "b"),
        (6.75, "c"),
    ]


def test_concurrent_requests_overlap_and_race():
    text = (
        SERVER
        + """\
steps:
  - name: first
    at: 0
    request: POST /servers/${servers.web.id}/action
    body: {createImage: {name: one}}
  - name: second
    at: 0
    request: POST /servers/${servers.web.id}/action
    body: {createImage: {name: two}}
"""
    )
    result = run_text(text)
    # both in flight together: both answered after the API's 0.5 s, one wins, one conflicts
    assert finished(result) == {"first": 0.5, "second": 0.5}
    assert [r.status for r in result.steps] == [202, 409]


RACE = (
    SERVER
    + """\
steps:
  - name: snap
    microversion: "2.45"
    request: POST /servers/${servers.web.id}/action
    body: {createImage: {name: one}}
    save: {images.snap.id: body.image_id}
  - name: again
    on: {trace: {kind: state, subject: "${images.snap.id}", new: saving}}
    request: POST /servers/${servers.web.id}/action
    body: {createImage: {name: two}}
"""
)


def test_a_step_on_a_trace_event_runs_at_that_instant():
    result = run_text(RACE)
    saving = result.trace.first(kind="state", new="saving")
    assert saving["t"] - result.t0 == 0.5
    assert started(result)["again"] == 0.5
    assert result.steps[1].status == 409
    # it runs right after the event, before any other work due at that instant: only what
    # the emitting process did in the same breath (start its upload) comes in between
    step_event = result.trace.first(kind="scenario.step", subject="again")
    between = [e["kind"] for e in result.trace if saving["seq"] < e["seq"] < step_event["seq"]]
    assert between == ["io.start"]
    assert step_event["t"] == saving["t"]


def test_delay_after_a_trace_event_and_nth_match():
    text = RACE.replace(
        'on: {trace: {kind: state, subject: "${images.snap.id}", new: saving}}',
        "on: {trace: {kind: state, machine: fake.task}, nth: 2}\n    delay: 1",
    )
    result = run_text(text)
    # 2nd task change: back to None when the 4 s upload ends at 4.5; plus 1 s
    assert started(result)["again"] == 5.5
    assert result.steps[1].status == 202


def test_a_step_whose_trigger_never_happens_fails_clearly():
    text = """\
steps:
  - name: lonely
    on: {trace: {kind: state, new: error}}
    wait: 1
  - name: next
    wait: 1
"""
    result = run_text(text)
    assert failures(result).splitlines() == [
        "scenario.yaml:2: step lonely never ran: it waited for a trace event like "
        "{'kind': 'state', 'new': 'error'}",
        "scenario.yaml:5: step next never ran: it waited for step lonely to finish",
    ]


def test_wait_for_a_trace_event_with_a_timeout():
    text = (
        SERVER
        + """\
steps:
  - request: POST /servers/${servers.web.id}/action
    body: {createImage: {name: one}}
  - name: until-active
    wait: {trace: {kind: state, new: active}, timeout: 10}
  - name: never
    wait: {trace: {kind: state, new: killed}, timeout: 3}
"""
    )
    result = run_text(text)
    assert finished(result)["until-active"] == 4.5
    assert finished(result)["never"] == 7.5
    assert failures(result) == (
        "scenario.yaml:9: step never: no trace event like {'kind': 'state', 'new': 'killed'} "
        "within 3 s"
    )


def test_poll_until_a_response_matches():
    text = (
        SERVER
        + """\
steps:
  - microversion: "2.45"
    request: POST /servers/${servers.web.id}/action
    body: {createImage: {name: one}}
    save: {images.snap.id: body.image_id}
  - name: poll
    wait:
      poll: GET /images/${images.snap.id}
      until: {status: 200, body: {image: {status: active}}}
      every: 1.5
"""
    )
    result = run_text(text)
    assert result.passed, failures(result)
    # answered at 0.5; polls at 0.5, 2, 3.5 (saving), 5 (active: the upload ended at 4.5)
    assert finished(result)["poll"] == 5.0


def test_faults_are_placed_in_scenario_time_and_named_errors_fire():
    text = (
        SERVER
        + """\
steps:
  - fault: {point: fake.upload, error: UploadFailed, message: store full, at: 3}
  - name: early
    request: POST /servers/${servers.web.id}/action
    body: {createImage: {name: early}}
  - name: late
    at: 5
    request: POST /servers/${servers.web.id}/action
    body: {createImage: {name: late}}
expect:
  trace:
    - count: {kind: state, new: killed}
      equals: 1
    - present: {kind: fault, subject: fake.upload}
      by: 5.5
"""
    )
    result = run_text(text)
    assert result.passed, failures(result)
    rule = result.cloud.faults.rules("fake.upload")[0]
    assert rule.at == result.t0 + 3


def test_a_fault_naming_an_unknown_error_fails_its_step():
    text = "steps:\n  - fault: {point: fake.upload, error: NoSuchError}\n"
    result = run_text(text)
    message = failures(result)
    assert message.startswith(
        "scenario.yaml:2: step step1: fault at 'fake.upload': unknown error 'NoSuchError'; "
        "name one of "
    )
    assert message.endswith("UploadFailed (`fakecloud list errors`)")


def test_a_reference_that_never_gets_a_value_fails_its_step():
    text = "steps:\n  - request: GET /images/${images.late.id}\n    expect: {status: 200}\n"
    result = run_text(text + "  - request: GET /images\n    save: {images.late.id: body.no}\n")
    assert failures(result).splitlines()[:3] == [
        "scenario.yaml:2: step step1: ${images.late.id} is not known yet",
        "scenario.yaml:3: step step1: status 200",
        "    status: expected 200, got no answer",  # was "got None None"
    ]


def test_a_reference_to_a_name_nothing_makes_is_refused_at_load():
    """``${servers.wbe.id}`` (a typo of web) ran the whole set-up, then failed its step with
    'got None None' for its status; no server or save makes that name: the file's error."""
    text = "cloud: {servers: {web: {body: {flavorRef: '1'}}}}\nsteps:\n  - request: GET "
    with pytest.raises(ScenarioError) as info:
        load_text(text + "/servers/${servers.wbe.id}\n    expect: {body: {a: '${images.x.id}'}}\n")
    assert str(info.value).splitlines() == [
        "scenario.yaml:3: field steps[0].request: ${servers.wbe.id}: no server 'wbe' (did you "
        "mean 'web'?); named servers: web (cloud.servers, or a save: servers.NAME... of a step)",
        "scenario.yaml:4: field steps[0].expect.body.a: ${images.x.id}: no image 'x'; there are "
        "no named images (cloud.images, or a save: images.NAME... of a step)",
    ]


def test_a_stuck_cloud_is_reported_not_hung():
    text = """\
steps:
  - fault: {point: io.transfer, action: stall}
  - transfer: {label: stuck, size_mb: 1, path: [{name: disk, mb_per_s: 1}]}
"""
    result = run_text(text)
    assert not result.idle
    assert failures(result).splitlines() == [
        "scenario.yaml: the cloud never became idle: at t=604800 it has waited from t=0 on "
        "events nothing will trigger",
        "    still running: scenario step step2",
    ]
    # it waits so to the run's cap, where the run ends, as work polling a stall does (nothing
    # ran meanwhile: the stall is the last thing the transfer wrote)
    assert result.end == 604800
    (stalled,) = result.trace.filter(kind="io.stall")
    assert stalled["t"] == result.trace.filter(kind="io.start")[0]["t"]


def test_a_wait_past_the_cap_says_when_the_next_thing_is_due():
    """``wait: 1e9`` said "at t=0 it is still busy after 604800 virtual seconds": nothing ran,
    the next event lay past the cap."""
    result = run_text("steps:\n  - wait: 1e9\n")
    assert failures(result).splitlines()[0] == (
        "scenario.yaml: the cloud never became idle: at t=0 it is still busy: the next thing it "
        "waits for is at t=1000000000, past the 604800 virtual seconds a run may take "
        "(`run: {idle_cap_s: ...}` gives it longer)"
    )


def test_run_until_stops_a_run_that_stays_busy():
    text = """\
run: {until: 30}
steps:
  - transfer: {label: long, size_gb: 10, path: [{name: disk, mb_per_s: 100}]}
  - name: halfway
    at: 20
    capacity: {resource: disk, mb_per_s: 50}
expect:
  finished_by: 30
"""
    result = run_text(text)
    assert result.end == 30 and not result.idle
    assert failures(result) == "scenario.yaml:8: finished by t=30\n    still busy at t=30"
    assert [e["t"] for e in result.trace.filter(kind="io.capacity")] == [20.0]


def test_rpc_targets_can_be_taken_down_and_brought_back():
    text = """\
steps:
  - rpc: {target: compute.cmp-1, up: false}
  - at: 2
    rpc: {target: compute.cmp-1, up: true}
"""
    result = run_text(text)
    assert [(e["t"], e["up"]) for e in result.trace.filter(kind="rpc.service")] == [
        (0.0, False),
        (2.0, True),
    ]


def test_a_crash_inside_the_simulation_is_a_failure_with_its_traceback():
    result = run_text("steps:\n  - request: GET /explode\n  - wait: 5\n")
    crash = result.failures[0]
    assert crash.what == "the simulation crashed at t=1"
    assert "RuntimeError: a bug in simulated work" in crash.details[-1]


def test_a_trigger_naming_what_a_later_answer_saves_says_from_when_it_watched():
    # The real cloud: a volume-backed createImage's image is `saving` (t=0.083) before the
    # answer that gives its id (t=0.088), so the trigger cannot see it; the failure says so.
    from fakecloud.scenario import loads, run_case

    text = """\
cloud:
  images: {cirros: {existing: cirros-0.6.2-x86_64-disk}}
  volumes: {boot: {body: {size: 1, imageRef: "${images.cirros.id}"}}}
  servers:
    db:
      body:
        flavorRef: "1"
        block_device_mapping_v2:
          - {boot_index: 0, uuid: "${volumes.boot.id}", source_type: volume,
             destination_type: volume}
steps:
  - name: snap
    microversion: "2.45"
    request: POST /servers/${servers.db.id}/action
    body: {createImage: {name: snap}}
    save: {images.snap.id: body.image_id}
  - name: late
    on: {trace: {kind: state, subject: "${images.snap.id}", new: saving}}
    wait: 1
"""
    result = run_case(loads(text, "scenario.yaml").cases[0])
    assert failures(result) == (
        "scenario.yaml:17: step late never ran: it waited for a trace event like {'kind': "
        "'state', 'subject': '${images.snap.id}', 'new': 'saving'}, watched from t=0.088 when "
        "the names in it were known (an event before that is not seen)"
    )


def test_a_trigger_naming_what_the_run_never_saved_says_why_it_never_resolved():
    steps = """\
steps:
  - name: snap
    request: GET /servers/${servers.web.id}
    save: {images.snap.id: body.server.image_id}
  - name: late
    on: {trace: {kind: state, subject: "${images.snap.id}"}}
    wait: 1
"""
    assert failures(run_text(SERVER + steps)).splitlines()[-1] == (
        "scenario.yaml:8: step late never ran: it waited for a trace event like {'kind': "
        "'state', 'subject': '${images.snap.id}'}, which never resolved: ${images.snap.id} is "
        "not known yet"
    )
