"""Mistakes in scenario files are reported as FILE:LINE: field X: what was expected."""

import pytest
from scenario_fakes import load_text

from fakecloud.scenario import ScenarioError


def problems(text, tmp_path):
    with pytest.raises(ScenarioError) as info:
        load_text(text, tmp_path)
    return str(info.value)


def test_wrong_type_names_file_line_field_and_value(tmp_path):
    text = """\
steps:
  - wait: 1
  - wait: 2
  - at: soon
    wait: 3
"""
    assert problems(text, tmp_path) == (
        "scenario.yaml:4: field steps[2].at: expected a number, got 'soon'"
    )


def test_unknown_key_suggests_the_closest(tmp_path):
    text = """\
cloud:
  profle: upstream
"""
    msg = problems(text, tmp_path)
    assert msg.startswith(
        "scenario.yaml:2: field cloud.profle: unknown key 'profle' (did you mean 'profile'?)"
    )


def test_every_unknown_key_of_a_mapping_is_reported_with_its_suggestion(tmp_path):
    text = """\
steps:
  - reqest: GET /servers
    expct: {status: 200}
    mikroversion: "2.1"
"""
    lines = [line.split("; known:")[0] for line in problems(text, tmp_path).splitlines()]
    assert lines == [
        "scenario.yaml:2: field steps[0].reqest: unknown key 'reqest' (did you mean 'request'?)",
        "scenario.yaml:3: field steps[0].expct: unknown key 'expct' (did you mean 'expect'?)",
        "scenario.yaml:4: field steps[0].mikroversion: unknown key 'mikroversion' "
        "(did you mean 'microversion'?)",
    ]


def test_a_setup_request_takes_a_note_as_a_step_does(tmp_path):
    text = """\
cloud:
  setup:
    - note: what the list holds
      request: GET /servers
      expect: {status: 200}
      nte: misspelt
"""
    assert problems(text, tmp_path).startswith(
        "scenario.yaml:6: field cloud.setup[0].nte: unknown key 'nte' (did you mean 'note'?)"
    )


def test_unknown_profile_and_bug_switch(tmp_path):
    text = """\
cloud:
  profile: upstrem
  bugs: [lp1731986, lp999]
"""
    msg = problems(text, tmp_path).splitlines()
    assert msg[0].startswith(
        "scenario.yaml:2: field cloud.profile: expected a profile: seed, upstream, seed-17.0.N or "
        "nova-X.Y.Z[+vendor], got 'upstrem'"
    )
    assert "did you mean 'upstream'" in msg[0]
    typo = problems("cloud:\n  profile: nova_17.0.1\n", tmp_path)  # was 'nova-34.0.0'
    assert typo.startswith("scenario.yaml:2: field cloud.profile: expected a profile") and (
        "got 'nova_17.0.1' (did you mean 'nova-17.0.1'?)" in typo
    )
    assert msg[1].startswith("scenario.yaml:3: field cloud.bugs[1]: expected one of lp")


def test_a_bare_microversion_number_is_explained(tmp_path):
    text = """\
steps:
  - request: GET /servers
    microversion: 2.10
"""
    assert problems(text, tmp_path) == (
        "scenario.yaml:3: field steps[0].microversion: expected a string, got 2.1 "
        '(a quoted version like "2.10": a bare 2.10 is the number 2.1)'
    )


SETUP_KNOWN = "known: name, note, request, service, as, microversion, body, headers, expect, save"


@pytest.mark.parametrize(
    "setup, message",
    [
        (
            "{request: GET /servers}",
            "field cloud.setup: expected a list, got a mapping (a list of requests, each "
            "'- request: METHOD /path' with its body:, expect:, save:)",
        ),
        (
            "[GET /servers]",
            "field cloud.setup[0]: expected a mapping, got 'GET /servers' (a setup request: "
            "{request: 'POST /servers/...', body: ..., expect: ..., save: ...})",
        ),
        (
            "[{name: boot}]",
            "field cloud.setup[0]: missing required key 'request' (a setup request: "
            "{request: 'POST /servers/...', body: ..., expect: ..., save: ...})",
        ),
        (  # one mistake, one line: not also "missing required key 'request'"
            "[{requets: GET /servers}]",
            "field cloud.setup[0].requets: unknown key 'requets' (did you mean 'request'?); "
            + SETUP_KNOWN,
        ),
        (
            "[{request: GET /servers, at: 3}]",
            "field cloud.setup[0].at: 'at' is not a key here (a setup request has no timing: it "
            "is sent before time 0, once the one before it has answered and the named "
            "resources it refers to are ready; a step is placed with at:, after: or on:); "
            + SETUP_KNOWN,
        ),
        (  # was accepted and never checked
            "[{request: GET /servers, expect: {took: 1}}]",
            "field cloud.setup[0].expect.took: 'took' is not a key here (this answer is checked "
            "for its status, body and headers; only a step's outcome has a timing or an error "
            "to check); known: status, body, headers",
        ),
        (
            "[{request: GET /servers, name: a b}]",
            "field cloud.setup[0].name: 'a b' is not a usable name: names use letters, digits, "
            "'-' and '_', and start with a letter or '_'",
        ),
        ("[{request: 5}]", "field cloud.setup[0].request: expected a string, got 5 (a request"),
    ],
)
def test_a_malformed_setup_entry_names_file_line_field_and_the_fix(tmp_path, setup, message):
    assert problems(f"cloud:\n  setup: {setup}\n", tmp_path).startswith(
        f"scenario.yaml:2: {message}"
    )


def test_a_misspelt_action_is_one_problem_not_also_a_step_that_does_nothing(tmp_path):
    assert problems("steps:\n  - requets: GET /servers\n", tmp_path).splitlines() == [
        "scenario.yaml:2: field steps[0].requets: unknown key 'requets' (did you mean "
        "'request'?); known: name, note, at, after, on, delay, request, service, as, "
        "microversion, body, headers, fault, release, capacity, transfer, rpc, guest, restart, "
        "wait, expect, save"
    ]


def test_a_step_does_exactly_one_thing(tmp_path):
    text = """\
steps:
  - name: both
    wait: 1
    release: glance.upload
  - name: none
    at: 3
"""
    msg = problems(text, tmp_path).splitlines()
    assert msg == [
        "scenario.yaml:2: field steps[0]: does wait and release at once: give only one of them "
        "(a step does exactly one thing)",
        "scenario.yaml:5: field steps[1]: does nothing: give one of request, fault, release, "
        "capacity, transfer, rpc, restart, guest, wait (a step does exactly one thing)",
    ]


def test_request_line_shape(tmp_path):
    text = """\
steps:
  - request: FETCH servers
"""
    assert problems(text, tmp_path) == (
        "scenario.yaml:2: field steps[0].request: expected a request like "
        "'GET /servers/${servers.web.id}', got 'FETCH servers'"
    )


def test_a_steps_service_goes_by_the_names_cloud_request_takes(tmp_path):
    from fakecloud.scenario import run_case

    text = """\
steps:
  - request: GET /limits
    service: volume
    expect: {body: {limits: {absolute: {maxTotalVolumes: 10}}}}
  - request: GET /limits
    service: nova
    expect: {body: {limits: {absolute: {maxTotalCores: 20}}}}
"""
    result = run_case(load_text(text, tmp_path).cases[0])  # 'volume' was refused: not a type
    assert result.passed, [c.details for c in result.failures]
    assert "expected one of compute, image, block-storage, identity, volume, " in problems(
        "steps: [{request: GET /limits, service: storage}]\n", tmp_path
    )


def test_yaml_syntax_error_has_a_line(tmp_path):
    text = "steps:\n  - wait: 1\n   bad: [\n"
    msg = problems(text, tmp_path)
    assert msg.startswith("scenario.yaml:3: not valid YAML")
    # an unclosed {: PyYAML's line is past the file's end, so the message names where it opened
    text = "steps:\n  - request: GET /servers\n    expect: {status: 200\n"
    assert problems(text, tmp_path) == (
        "scenario.yaml:4: not valid YAML: did not find expected ',' or '}' "
        "(while parsing a flow mapping at line 3)"
    )


def test_duplicate_keys_are_errors(tmp_path):
    text = "steps:\n  - wait: 1\n    wait: 2\n"
    assert problems(text, tmp_path) == (
        "scenario.yaml:3: duplicate key 'wait' (first given on line 2)"
    )


def test_yaml_12_booleans_keep_on_as_a_key(tmp_path):
    text = """\
steps:
  - name: first
    wait: 1
  - on: {trace: {kind: scenario.step, subject: first}}
    wait: 1
"""
    scenario = load_text(text, tmp_path)
    assert scenario.cases[0].steps[1].on == {"kind": "scenario.step", "subject": "first"}


def test_unknown_reference_names_the_known_ones(tmp_path):
    text = """\
steps:
  - request: GET /servers/${server.web.id}
"""
    msg = problems(text, tmp_path)
    assert msg.startswith(
        "scenario.yaml:2: field steps[0].request: unknown name ${server.web.id}; known: "
    )
    assert "servers" in msg


def test_a_trigger_naming_what_can_never_resolve_is_refused_at_its_line(tmp_path):
    # session 35: such a trigger never fired, and the run printed its ${...} as written
    text = """\
steps:
  - name: snap
    request: GET /servers
    save: {images.snap.id: body.image_id}
  - on: {trace: {kind: state, subject: "${steps.snp.body.image_id}"}}
    wait: 1
  - on: {trace: {kind: state, subject: "${steps.snap.bdy.image_id}"}}
    wait: 1
  - on: {trace: {kind: state, subject: "${images.snap.name}"}}
    wait: 1
  - on: {trace: {kind: state, subject: "${images.snap.id", new: saving}}
    wait: 1
  - on: {trace: {subject: "${images.snap.id}", new: "$${x} ${steps.step2.status}"}}
    wait: 1
"""
    assert problems(text, tmp_path).splitlines() == [
        "scenario.yaml:5: field steps[1].on.trace.subject: ${steps.snp.body.image_id}: no step "
        "'snp' (did you mean 'snap'?); the steps are snap, step2, step3, step4, step5, step6 "
        "(and named setup: requests)",
        "scenario.yaml:7: field steps[2].on.trace.subject: ${steps.snap.bdy.image_id}: a step "
        "has no 'bdy' (did you mean 'body'?); it has status, body, headers, error, started, "
        "finished, took",
        "scenario.yaml:9: field steps[3].on.trace.subject: ${images.snap.name}: images.snap has "
        "no 'name': its save: made images.snap.id",
        "scenario.yaml:11: field steps[4].on.trace.subject: '${images.snap.id' has a ${ that "
        "ends no ${name} (a missing }?); write $${ for the text ${",
    ]


def test_after_must_name_a_step_and_cycles_are_caught(tmp_path):
    text = """\
steps:
  - name: a
    after: b
    wait: 1
  - name: b
    after: a
    wait: 1
  - name: c
    after: nope
    wait: 1
"""
    msg = problems(text, tmp_path).splitlines()
    assert (
        "scenario.yaml:3: field steps[0].after: steps wait on each other in a circle: a -> b -> a"
        in msg
    )
    assert any(
        m.startswith("scenario.yaml:9: field steps[2].after: no step named 'nope'") for m in msg
    )


def test_two_triggers_and_a_stray_delay(tmp_path):
    text = """\
steps:
  - name: a
    at: 1
    after: b
    wait: 1
  - name: b
    at: 2
    delay: 1
    wait: 1
"""
    msg = problems(text, tmp_path).splitlines()
    assert msg[0] == "scenario.yaml:2: field steps[0]: give one of at, after, on (got at and after)"
    assert msg[1].startswith("scenario.yaml:8: field steps[1].delay: delay counts from an after:")


def test_unknown_matcher_operator(tmp_path):
    text = """\
steps:
  - request: GET /servers
    expect: {status: 200, body: {servers: {$lenght: 0}}}
"""
    assert problems(text, tmp_path).startswith(
        "scenario.yaml:3: field steps[0].expect.body.servers: unknown operator $lenght "
        "(did you mean '$len'?); operators: $regex,"
    )


def test_request_fields_on_other_steps(tmp_path):
    text = """\
steps:
  - wait: 1
    as: admin
"""
    assert problems(text, tmp_path) == (
        "scenario.yaml:3: field steps[0].as: as belongs to a request step, this step is a wait"
    )


def test_unknown_invariant(tmp_path):
    text = "expect:\n  invariants: [no_unexpected_50]\n"
    msg = problems(text, tmp_path)
    assert msg.startswith("scenario.yaml:2: field expect.invariants[0]: expected one of ")


def test_unknown_config_key_is_reported_at_its_line(tmp_path):
    from scenario_fakes import FakeTransport

    from fakecloud.scenario import run_case

    text = """\
cloud:
  config:
    rpc:
      delay_s: 0.01
      dealy_s: 0.02
steps:
  - wait: 1
"""
    scenario = load_text(text, tmp_path)
    with pytest.raises(ScenarioError) as info:
        run_case(scenario.cases[0], transport=FakeTransport)
    assert str(info.value).startswith(
        "scenario.yaml:5: field cloud.config.rpc.dealy_s: unknown config key rpc.dealy_s "
        "(did you mean 'delay_s'?)"
    )


def test_every_problem_of_a_file_is_reported_at_once(tmp_path):
    text = """\
cloud:
  seed: 1.5
steps:
  - at: -2
    wait: 1
expect:
  finished_by: soon
"""
    msg = problems(text, tmp_path).splitlines()
    assert [m.split(":")[1] for m in msg] == ["2", "4", "7"]


def test_a_world_user_in_an_unknown_project_is_reported_at_its_line(tmp_path):
    from fakecloud.scenario import run_case

    text = """\
cloud:
  users:
    alice: {project: demo}
    bob: {project: nowhere}
steps:
  - wait: 1
"""
    scenario = load_text(text, tmp_path)
    with pytest.raises(ScenarioError) as info:
        run_case(scenario.cases[0])
    assert str(info.value).startswith(
        "scenario.yaml:4: field cloud.users.bob: config identity.users.bob: unknown project "
        "'nowhere'"
    )


def test_a_setup_request_the_cloud_refuses_fails_the_run_clearly(tmp_path):
    from fakecloud.scenario import run_case

    text = """\
cloud:
  servers:
    web: {body: {imageRef: "", flavorRef: "1", flavour: "1"}}
steps:
  - wait: 1
"""
    result = run_case(load_text(text, tmp_path).cases[0])
    assert [c.what for c in result.failures] == ["setup"]
    detail = result.failures[0].details[0]
    assert detail.startswith(
        "scenario.yaml:3: setup servers.web: POST /v2.1/servers answered 400: "
    )
    # the long fault body is cut in the middle: the reason at the end of Nova's message shows
    assert "('flavour' was unexpected)" in detail
    assert result.steps[0].waiting_for == "setup, which failed"


def test_a_refused_set_up_names_the_ids_of_what_it_made_before_the_body_is_cut(tmp_path):
    """From 21.0.0 Nova refuses to boot an encrypted volume's image (LP #1863611): the message
    was cut through the image's raw id ('Image e62764a8-…-11dda8a … irect booting of an ...')."""
    from fakecloud.scenario import run_case

    text = """\
cloud:
  profile: upstream
  images:
    uploaded: {size_mb: 1, body: {name: up, disk_format: raw, container_format: bare,
                                  cinder_encryption_key_id: k}}
  servers: {web: {body: {imageRef: "${images.uploaded.id}", flavorRef: "1"}}}
steps:
  - wait: 1
"""
    result = run_case(load_text(text, tmp_path).cases[0])
    said = "Image <uploaded> is unacceptable: Direct booting of an image uploaded from an "
    said += "encrypted volume is unsupported."
    assert result.failures[0].details[0].endswith(f"'message': '{said}'}}}}")


@pytest.mark.parametrize(
    "doc, message",
    [
        (
            "steps: [{wait: 1, expect: {took: {mni: 3}}}]",
            "field steps[0].expect.took.mni: unknown key 'mni' (did you mean 'min'?)",
        ),
        (
            "steps: [{wait: {trace: {kind: x}, timout: 3}}]",
            "field steps[0].wait.timout: unknown key 'timout' (did you mean 'timeout'?)",
        ),
        ("steps: [{wait: {poll: GET /x}}]", "field steps[0].wait: missing required key 'until'"),
        (  # a poll, its until: misspelt: not a trace wait with an unknown key 'poll'
            "steps: [{wait: {poll: GET /x, untl: {status: 200}}}]",
            "field steps[0].wait.untl: unknown key 'untl' (did you mean 'until'?)",
        ),
        ('cases: {"bug on": {}}', "field cases.bug on: 'bug on' is not a usable name"),
        # Python's $ matched before a final newline: the case id held it (t-bug\n.jsonl)
        ('cases: {"bug\\n": {}}', "field cases.bug\\n: 'bug\\n' is not a usable name"),
        ("matrix: {profile: seed}", "field matrix.profile: expected a list, got 'seed'"),
    ],
)
def test_the_closest_shape_explains_a_value_that_fits_none(tmp_path, doc, message):
    assert problems(doc + "\n", tmp_path).startswith(f"scenario.yaml:1: {message}")


def test_an_unknown_release_names_the_nearest(tmp_path):
    msg = problems("cloud:\n  profile: nova-20.7.0\n", tmp_path)
    assert msg == (
        "scenario.yaml:2: field cloud.profile: unknown profile 'nova-20.7.0': unknown Nova "
        "release 20.7.0; the nearest are 20.6.1 and 21.0.0"
    )


def test_a_trace_pattern_of_a_kind_no_event_has_is_named(tmp_path):
    """`absent: {kind: api.respnse}` passed whatever the cloud did; an `on:` or `present:` of a
    typo failed as if the cloud had not done it."""
    text = """\
steps:
  - wait: {trace: {kind: guest.frezee}}
expect:
  trace:
    - absent: {kind: api.respnse}
    - order: [{kind: rpc.*}, {kind: zork.*}]
"""
    assert problems(text, tmp_path).splitlines() == [
        "scenario.yaml:2: field steps[0].wait.trace.kind: unknown event kind 'guest.frezee' "
        "(did you mean 'guest.freeze'?); `fakecloud list events` lists them",
        "scenario.yaml:5: field expect.trace[0].absent.kind: unknown event kind 'api.respnse' "
        "(did you mean 'api.response'?); `fakecloud list events` lists them",
        "scenario.yaml:6: field expect.trace[1].order[1].kind: unknown event kind 'zork.*'; "
        "`fakecloud list events` lists them",
    ]


def test_a_bad_regex_in_a_steps_expected_error_is_named_when_the_file_loads(tmp_path):
    """The error's matchers were not checked with the body's and headers': a `$regex` that
    does not compile was re.error's traceback once the step ran."""
    text = """\
steps:
  - fault: {point: glance.upload, error: 503}
    expect: {error: {$regex: "[store"}}
"""
    assert problems(text, tmp_path) == (
        "scenario.yaml:3: field steps[0].expect.error: $regex '[store' is not a valid regular "
        "expression: unterminated character set at position 0"
    )


def test_a_header_given_a_bare_decimal_is_refused_as_the_microversion_field_refuses_it(tmp_path):
    """``X-OpenStack-Nova-API-Version: 2.10`` was sent as "2.1": another version, silently."""
    text = """\
steps:
  - request: GET /servers/detail
    headers: {X-OpenStack-Nova-API-Version: 2.10, Content-Length: 0}
"""
    assert problems(text, tmp_path).startswith(
        "scenario.yaml:3: field steps[0].headers.X-OpenStack-Nova-API-Version: expected a "
        "string or a whole number, got 2.1 ("
    )


def test_a_save_name_with_a_template_is_refused_at_its_line(tmp_path):
    # it was saved under the literal text and never found as ${images.second.id}
    text = """\
steps:
  - name: snap
    request: GET /v2.1/servers
    save: {"images.${which}.id": body.image_id}
"""
    msg = problems(text, tmp_path)
    assert msg.startswith("scenario.yaml:4: field steps[0].save.images.${which}.id: ")
    assert "not a ${...} template" in msg


def test_thousands_of_mistakes_list_the_first_twenty_and_count_the_rest(tmp_path, capsys):
    """A file of 15,000 mistakes printed 15,000 lines (session 41): the first are exact, the
    rest one line, the status still 2; the exception keeps every problem."""
    from fakecloud.scenario.cli_commands import run_main

    path = tmp_path / "many.yaml"
    path.write_text("steps:\n" + "  - reqest: GET /servers\n" * 25)
    with pytest.raises(ScenarioError) as info:
        load_text(path.read_text(), tmp_path)
    assert len(info.value.problems) == 25
    assert run_main([str(path)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 21
    assert lines[0].startswith(f"{path}:2: field steps[0].reqest: unknown key 'reqest'")
    assert lines[19].startswith(f"{path}:21: field steps[19].reqest: ")
    assert lines[20] == f"{path}: and 5 more problems (25 in all)"
