"""The explore report names what the scenario and its world name: a consistency group and
its snapshots as well as servers, volumes and images."""

from fakecloud.explore.cli import render
from fakecloud.explore.session import explore_file
from fakecloud.scenario.loader import load
from fakecloud.scenario.runner import run_case

# A consistency group of one volume made at setup; its cgsnapshot at 1 s, a force delete of the
# group landing anywhere: before the cgsnapshot, the member is in error and Cinder says 400.
CG = """
name: cg
cloud:
  profile: upstream
  setup:
    - {name: type, as: admin, request: "POST /v3/${project_id}/types",
       body: {volume_type: {name: cg-type}}}
    - {name: cg, request: "POST /v3/${project_id}/consistencygroups",
       body: {consistencygroup: {name: cg, volume_types: "${steps.type.body.volume_type.id}"}}}
    - {name: member, request: "POST /v3/${project_id}/volumes",
       body: {volume: {size: 1, name: member, volume_type: cg-type,
                       consistencygroup_id: "${steps.cg.body.consistencygroup.id}"}}}
steps:
  - name: look
    request: GET /v3/${project_id}/consistencygroups/${steps.cg.body.consistencygroup.id}
  - name: cgsnap
    at: 1
    request: POST /v3/${project_id}/cgsnapshots
    body: {cgsnapshot: {consistencygroup_id: "${steps.cg.body.consistencygroup.id}", name: nightly}}
    expect: {status: 202}
explore:
  adversary:
    - request: POST /v3/${project_id}/consistencygroups/${steps.cg.body.consistencygroup.id}/delete
      body: {consistencygroup: {force: true}}
      likelihood: 1
"""


def test_a_consistency_group_and_its_snapshots_have_readable_names(tmp_path):
    path = tmp_path / "cg.yaml"
    path.write_text(CG)
    scenario = load(path)
    result = run_case(scenario.cases[0])
    (names,) = result.trace.filter(kind="scenario.names")
    cg = result.names["steps"]["cg"]["body"]["consistencygroup"]["id"]
    cgsnap = result.names["steps"]["cgsnap"]["body"]["cgsnapshot"]["id"]
    shown = names["names"]
    assert (shown[cg], shown[cgsnap]) == ("cg", "cg@nightly")
    assert "member@nightly" in shown.values()  # the member volume's snapshot
    # seed 4's delete lands before the cgsnapshot: the report's path names the group
    report = explore_file(CG, str(path), scenario.cases, lambda case: [4])
    text = render(report)
    assert "POST /v3/demo/consistencygroups/cg/delete; step cgsnap answered 400" in text
    assert cg not in text


def test_an_inserted_request_is_shown_with_its_action_and_the_resource_it_names():
    from fakecloud.explore.session import _action

    assert _action({"reboot": {"type": "HARD"}}) == "reboot HARD"
    assert _action({"rescue": {"rescue_image_ref": "${images.rescuer.id}"}}) == "rescue rescuer"
    assert _action({"os-stop": None}) == "os-stop"
