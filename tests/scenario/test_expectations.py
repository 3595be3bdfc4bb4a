"""Expectations: answers, final state, trace facts, invariants and timing, each pass or fail."""

from scenario_fakes import FakeTransport, failures, load_text, run_text

from fakecloud.invariants import REGISTRY
from fakecloud.scenario import run_case
from fakecloud.scenario.match import mismatches
from fakecloud.scenario.report import checks_text, render
from fakecloud.scenario.results import Check

SERVER = """\
cloud:
  servers:
    web: {}
"""

SNAP = (
    SERVER
    + """\
steps:
  - name: old
    microversion: "2.44"
    request: POST /servers/${servers.web.id}/action
    body: {createImage: {name: one}}
    expect:
      status: 202
      headers: {location: {$regex: "/v2/images/"}}
    save: {images.one.id: {path: headers.Location, regex: "images/(.+)$"}}
  - name: busy
    request: POST /servers/${servers.web.id}/action
    body: {createImage: {name: two}}
    expect:
      status: [409]
      body: {conflictingRequest: {code: 409, message: {$regex: "task_state image_uploading$"}}}
"""
)


def checks(result):
    return [(c.ok, c.what) for c in result.checks]


def test_status_headers_and_partial_bodies_with_regex():
    result = run_text(SNAP)
    assert result.passed, failures(result)
    assert checks(result)[:2] == [
        (True, "step old: status 202, headers"),
        (True, "step busy: status 409, body"),
    ]


def test_a_wrong_answer_says_what_differed_and_where():
    text = SNAP.replace("status: [409]", "status: [202, 200]").replace(
        'image_uploading$"', 'image_pending$"'
    )
    result = run_text(text)
    lines = failures(result).splitlines()
    assert lines[0] == "scenario.yaml:16: step busy: status [202, 200], body"
    assert lines[1].startswith("    status: expected [202, 200], got 409 {'conflictingRequest'")
    assert lines[2].startswith(
        "    body.conflictingRequest.message: expected text matching /task_state image_pending$/"
    )


def test_a_failed_answer_marks_the_names_it_shows_for_ids():
    # session 38's new user read "'id': 'data'" as the volume's real id
    result = run_text(SNAP.replace("status: [409]", "status: [202]"))
    body = "{'conflictingRequest': {'code': 409, 'message': \"Cannot 'createImage' instance <web>"
    assert f"        status: expected 202, got 409 {body} while it is" in checks_text(result)
    # the step's line names it as the steps' lines do
    assert "  FAIL  scenario.yaml:16: step busy: status 202, body\n" in checks_text(result)


def test_a_wrong_length_says_the_length_before_the_value_it_cuts():
    # session 36: "expected $len 5, got [{'id': '1', 'links': [...]…" cut before any count
    flavors = [{"id": str(i), "links": [{"href": "x" * 80}]} for i in range(7)]
    (why,) = mismatches(flavors, {"$len": 5}, "body.flavors")
    assert why.startswith("body.flavors: expected $len 5, got 7: [{'id': '0', ")


def test_saved_values_feed_later_steps_and_final_state_checks():
    text = (
        SNAP
        + """\
expect:
  state:
    - request: GET /images/${images.one.id}
      expect: {status: 200, body: {image: {status: active, id: "${images.one.id}"}}}
    - request: GET /servers/${servers.web.id}
      expect: {body: {server: {task: null, status: {$in: [ACTIVE, SHUTOFF]}}}}
"""
    )
    result = run_text(text)
    assert result.passed, failures(result)
    # The image the fake compute made (the cloud's own Glance starts with base images).
    image_id = result.cloud.trace.first(kind="state", actor="fake-glance", new="queued")["subject"]
    assert checks(result)[2] == (True, f"state: GET /images/{image_id}")
    # the report names it as the steps' lines do (session 36: it printed the id)
    assert "\n  ok    state: GET /images/one\n" in checks_text(result)
    # and a failure's details, the value it quotes marked as a name (session 38)
    detail = f"body.image.id: expected 'x', got '{image_id}'"
    result.checks.append(Check(False, f"state: GET /images/{image_id}", "s.yaml:9", [detail]))
    assert checks_text(result).endswith(
        "FAIL  s.yaml:9: state: GET /images/one\n        body.image.id: expected 'x', got '<one>'"
    )


def test_trace_facts_count_present_absent_order_and_duration():
    text = (
        SNAP
        + """\
expect:
  trace:
    - count: {kind: state, machine: fake.image}
      equals: 2
    - present: {kind: state, new: active}
      by: 4.5
    - absent: {kind: state, new: killed}
    - order:
        - {kind: state, new: queued}
        - {kind: state, new: saving}
        - {kind: state, new: active}
    - note: the server is busy with the image exactly as long as the upload takes
      duration:
        from: {kind: state, new: image_uploading}
        to: {kind: state, old: image_uploading}
        same: [subject]
        min: 4
        max: 4
        count: 1
"""
    )
    result = run_text(text)
    assert result.passed, failures(result)
    assert len(result.checks) == 2 + 5


def test_failing_trace_facts_explain_themselves():
    text = (
        SNAP
        + """\
expect:
  trace:
    - count: {kind: state, machine: fake.image}
      min: 3
    - present: {kind: state, new: active}
      by: 4
    - absent: {kind: state, new: active}
    - order: [{kind: state, new: active}, {kind: state, new: queued}]
    - duration:
        from: {kind: state, new: image_uploading}
        to: {kind: state, old: image_uploading}
        max: 3.5
    - present: {kind: state, machine: fake.image, new: killed}
    - present: {kind: state, machine: fake.volume}
"""
    )
    result = run_text(text)
    details = [(c.what, c.details) for c in result.failures]
    assert details[0] == ("trace count {kind: state, machine: fake.image}: min 3", ["counted 2"])
    assert details[1][1] == ["first at t=4.5"]
    assert details[2][1][0].startswith("t=4.5: state fake-glance ")
    assert details[3][1] == ["after 1 in order, no later event like {kind: state, new: queued}"]
    assert details[4][1] == ["from t=0.5 lasted 4 s, more than 3.5 s"]
    # an event missing only what the run changed is named with what it has (session 39)
    nearest = [(d[:32], d.rsplit(" with ", 1)[1]) for d in details[5][1][1:]]
    assert details[5][1][0] == "no such event"
    assert nearest == [
        ("nearest: t=0.5: state fake-glanc", "new: saving"),
        ("nearest: t=4.5: state fake-glanc", "new: active"),
    ]
    assert details[6][1] == ["no such event"]  # nothing alike past the kind


def test_an_interval_that_never_ends_lasts_until_the_end_of_the_run():
    text = (
        SERVER
        + """\
run: {until: 20}
steps:
  - fault: {point: io.transfer, action: stall}
  - request: POST /servers/${servers.web.id}/action
    body: {createImage: {name: stuck}}
expect:
  trace:
    - note: the server stays busy
      duration:
        from: {kind: state, new: image_uploading}
        to: {kind: state, old: image_uploading}
        max: 10
"""
    )
    result = run_text(text)
    assert [c.details for c in result.failures] == [
        ["from t=0.5 lasted 19.5 s (never ended), more than 10 s"]
    ]


def test_finished_by_and_step_timing_bounds():
    text = (
        SNAP.replace(
            "      status: [409]",
            "      status: [409]\n      took: 0.5\n      finished_at: {max: 1}",
        )
        + "expect: {finished_by: 4}\n"
    )
    result = run_text(text)
    assert [(c.ok, c.what) for c in result.checks if "finished" in c.what or "took" in c.what] == [
        (True, "step busy: status 409, body, finished at <= 1 s, took 0.5 s"),
        (False, "finished by t=4"),
    ]
    # what was seen is a detail, as a step's `took`: explore groups seeds by the text alone
    assert [c.details for c in result.failures] == [["idle at t=4.5"]]


def test_invariants_all_checks_every_one_and_reports_a_crash():
    text = SERVER + "steps:\n  - request: GET /crash\nexpect:\n  invariants: all\n"
    result = run_text(text)
    by_name = {c.what.split(":")[0]: c for c in result.checks if c.what.startswith("invariant")}
    assert set(by_name) == {f"invariant {name}" for name in REGISTRY}
    crash = by_name["invariant no_unexpected_500"]
    assert crash.ok is False
    # the request ran at t0 (setup's end, 2 s into the cloud's clock): t=0, as the report shows
    assert crash.details[0].startswith(
        "no_unexpected_500: GET /v2.1/crash: fake-compute answered 500 at t=0: RuntimeError: boom"
    )


BUSY = """\
run: {until: 5}
steps:
  - fault: {point: io.transfer, action: stall}
  - transfer: {label: stuck, size_mb: 1, path: [{name: disk, mb_per_s: 1}]}
"""


def test_invariants_that_cannot_be_checked_are_shown_not_passed():
    result = run_text(BUSY + "expect:\n  invariants: all\n")
    skipped = {c.what for c in result.checks if c.ok is None}
    assert (
        "invariant task_state_cleared: not applicable (the cloud is still busy (checked "
        "once idle))" in skipped
    )
    assert result.passed


def test_an_invariant_named_explicitly_must_be_checkable():
    result = run_text(BUSY + "expect:\n  invariants: [quota_usage_matches]\n")
    assert [c.what for c in result.failures] == [
        "invariant quota_usage_matches: not applicable (the cloud is still busy (checked once "
        "idle))"
    ]


def test_a_bug_replay_expects_its_invariant_violated():
    text = (
        SERVER
        + """\
steps:
  - request: GET /crash
    expect: {status: 500}
cases:
  bug-on:
    expect: {violated: [no_unexpected_500]}
  bug-off:
    steps:
      step1: {request: "GET /servers/${servers.web.id}", expect: {status: 200}}
    expect: {violated: [no_unexpected_500]}
"""
    )
    on = run_text(text, case="bug-on")
    assert on.passed, failures(on)
    # the report shows the bad end state it found, not just 'ok' (u8, session 39: LP #1717547's
    # orphaned snapshot was nowhere in fakecloud run's report of its replay)
    shown = checks_text(on).split("  ok    violated no_unexpected_500 (expected)\n", 1)[1]
    said = "no_unexpected_500: GET /v2.1/crash: fake-compute answered 500 at t=0: RuntimeError"
    assert shown == f"        {said}: boom"
    off = run_text(text, case="bug-off")
    assert [(c.what, c.details) for c in off.failures] == [
        (
            "violated no_unexpected_500 (expected)",
            ["it held: the bad end state this run should show did not happen"],
        )
    ]


def test_a_case_run_again_checks_the_same_and_a_changed_expectation_is_seen():
    # The checks a case's expectations derive (invariant lists, trace kinds, texts) are made
    # once per `Expectations` object and reused by the next run of the case (each explored
    # seed): a field given a new value must be seen, not the plan of the old one.
    text = SERVER + "steps:\n  - request: GET /crash\nexpect:\n  invariants: all\n"
    case = load_text(text).cases[0]
    first = run_case(case, transport=FakeTransport)
    again = run_case(case, transport=FakeTransport)
    assert [(c.ok, c.what, c.details) for c in again.checks] == [
        (c.ok, c.what, c.details) for c in first.checks
    ]
    case.expect.invariants = ["task_state_cleared"]
    case.expect.violated = ["no_unexpected_500"]
    named = run_case(case, transport=FakeTransport)
    whats = [c.what for c in named.checks if "invariant" in c.what or "violated" in c.what]
    assert whats == ["invariant task_state_cleared", "violated no_unexpected_500 (expected)"]


SLOW_COPY = """\
name: slow-copy
steps:
  - name: copy
    transfer: {label: copy, size_mb: 100, path: [{name: disk, mb_per_s: 50}]}
    expect: {finished_at: 3}
"""


def test_a_failure_report_shows_the_runs_last_events_not_the_worlds_set_up():
    result = run_text(SLOW_COPY)
    assert not result.passed
    few = render(result, trace_tail=20).split("trace events from time zero\n")[1].splitlines()
    kinds = [line.split()[1] for line in few[:-2]]  # then FAILED: ... and replay: ...
    assert kinds == ["scenario.start", "io.resource", "scenario.step", "io.start", "io.finish"]
    last = render(result, trace_tail=2).split("last 2 trace events\n")[1].splitlines()
    assert [line.split()[1] for line in last[:2]] == ["io.start", "io.finish"]


def test_a_step_finds_a_link_another_step_declares_whichever_runs_first():
    """The links a file's transfers declare exist from time zero (session 39): a step naming
    one ran before the step declaring it (chance's tie order, or the file's own order) failed
    with "no I/O resource 'link:demo'", which `fakecloud explore` grouped as what broke."""
    result = run_text(
        "name: shared-link\nsteps:\n"
        "  - {name: b, at: 0, transfer: {label: b, size_mb: 100, path: [link:demo]},"
        " expect: {finished_at: 2}}\n"
        "  - {name: a, at: 0, transfer: {label: a, size_mb: 100,"
        " path: [{name: link:demo, mb_per_s: 100}]}, expect: {finished_at: 2}}\n"
    )
    assert result.passed, render(result)
    assert [
        (e["subject"], e["bytes_per_s"])
        for e in result.trace
        if e["kind"] == "io.resource"
        if e["subject"] == "link:demo"
    ] == [("link:demo", 100_000_000.0)]


def test_a_link_declared_without_a_throughput_is_its_steps_error():
    """Making the declared links at time zero (5a9d2066) left a ``{name}`` without a throughput
    (the schema allows it) to `_rate` outside any step: ``fakecloud run`` ended in a traceback
    (StepFailed). It is the step's error again, as before."""
    result = run_text(
        "name: no-rate\nsteps:\n"
        "  - {name: a, at: 0, transfer: {label: a, size_mb: 1, path: [{name: link:demo}]}}\n"
    )
    assert not result.passed
    assert "step a: give a throughput: bytes_per_s, mb_per_s or gbit_per_s" in failures(result)
