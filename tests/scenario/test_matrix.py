"""Cases and matrix: one file, many runs, each with its parameters substituted."""

import pytest
from scenario_fakes import load_text

from fakecloud.scenario import ScenarioError

MATRIX = """\
matrix:
  microversion: ["2.44", "2.45"]
  profile: [seed, upstream]
  exclude: [{profile: upstream, microversion: "2.44"}]
vars:
  delay: 1.5
cloud:
  profile: ${profile}
  servers: {web: {body: {flavorRef: "1"}}}
steps:
  - name: snap
    at: ${delay}
    microversion: ${microversion}
    request: POST /servers/${servers.web.id}/action
    body: {createImage: {name: "snap-${microversion}-${profile}"}}
cases:
  bug-on:
    cloud: {bugs: [lp1731986]}
  bug-off: {}
"""


def test_cells_times_cases_with_readable_ids():
    scenario = load_text(MATRIX)
    assert [c.id for c in scenario.cases] == [
        "2.44-seed-bug-on",
        "2.45-seed-bug-on",
        "2.45-upstream-bug-on",
        "2.44-seed-bug-off",
        "2.45-seed-bug-off",
        "2.45-upstream-bug-off",
    ]


def test_parameters_are_substituted_keeping_their_type():
    case = load_text(MATRIX).case("2.45-upstream-bug-on")
    step = case.steps[0]
    assert case.cloud.profile == "upstream"
    assert case.cloud.bugs == ["lp1731986"]
    assert step.at == 1.5
    assert step.spec.microversion == "2.45"
    assert step.spec.body == {"createImage": {"name": "snap-2.45-upstream"}}
    # run-time references stay for the runner
    assert step.spec.path == "/servers/${servers.web.id}/action"
    assert load_text(MATRIX).case("2.45-seed-bug-off").cloud.bugs == []


def test_a_parameter_never_used_is_an_error():
    text = "matrix:\n  profile: [seed, upstream]\nsteps:\n  - wait: 1\n"
    with pytest.raises(ScenarioError) as info:
        load_text(text)
    assert str(info.value) == (
        "scenario.yaml:2: field matrix.profile: parameter 'profile' is never used: write "
        "${profile} where it applies (e.g. cloud: {profile: ${profile}})"
    )


def test_a_parameter_value_of_the_wrong_type_is_reported_at_the_use():
    text = """\
matrix:
  when: [1, soon]
steps:
  - at: ${when}
    wait: 1
"""
    with pytest.raises(ScenarioError) as info:
        load_text(text)
    assert str(info.value) == "scenario.yaml:4: field steps[0].at: expected a number, got 'soon'"


def test_a_case_changes_named_steps_and_null_removes_a_key():
    text = """\
cloud: {servers: {web: {body: {flavorRef: "1"}}}}
steps:
  - name: snap
    request: POST /servers/${servers.web.id}/action
    body: {createImage: {name: s}}
    expect: {status: 202, body: {image_id: {$present: true}}}
  - name: later
    wait: 5
cases:
  fixed: {}
  buggy:
    note: the bug answers 500
    steps:
      snap: {expect: {status: 500, body: null}}
"""
    scenario = load_text(text)
    fixed, buggy = scenario.case("fixed"), scenario.case("buggy")
    assert fixed.steps[0].expect.status == [202]
    assert fixed.steps[0].expect.body == {"image_id": {"$present": True}}
    assert buggy.steps[0].expect.status == [500]
    assert buggy.steps[0].expect.body is None
    assert buggy.note == "the bug answers 500"
    assert [s.name for s in buggy.steps] == ["snap", "later"]


def test_a_case_list_replaces_the_files_list():
    """docs/scenarios.md: mappings merge, a list replaces (session 42's new user read "merged"
    as a case's invariants added to the file's)."""
    text = """\
steps:
  - request: GET /servers
expect:
  invariants: [no_orphan_volume_snapshot, task_state_cleared]
cases:
  plain: {}
  fixed: {expect: {invariants: [no_frozen_guest]}}
"""
    scenario = load_text(text)
    assert scenario.case("plain").expect.invariants == [
        "no_orphan_volume_snapshot",
        "task_state_cleared",
    ]
    assert scenario.case("fixed").expect.invariants == ["no_frozen_guest"]


def test_a_case_changing_a_step_that_does_not_exist():
    text = """\
steps:
  - name: snap
    wait: 1
cases:
  typo:
    steps:
      snpa: {wait: 2}
"""
    with pytest.raises(ScenarioError) as info:
        load_text(text)
    assert str(info.value) == (
        "scenario.yaml:7: field cases.typo.steps.snpa: no step named 'snpa' to change; "
        "named steps: snap"
    )


def test_errors_in_a_case_point_into_the_case():
    text = """\
steps:
  - name: snap
    wait: 1
cases:
  slow:
    steps:
      snap: {at: later}
"""
    with pytest.raises(ScenarioError) as info:
        load_text(text)
    assert str(info.value).startswith("scenario.yaml:7: field cases.slow.steps")


def test_escaped_dollar_stays_literal():
    text = """\
vars: {x: 1}
steps:
  - request: POST /servers
    body: {name: "$${x} and ${x}"}
"""
    step = load_text(text).cases[0].steps[0]
    assert step.spec.body == {"name": "$${x} and 1"}  # the runner writes the literal ${x}


def test_a_file_without_cases_or_matrix_has_one_default_case():
    scenario = load_text("name: tiny\nsteps:\n  - wait: 1\n")
    assert [c.id for c in scenario.cases] == ["default"]
    assert scenario.name == "tiny"
