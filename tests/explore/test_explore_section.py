"""The scenario `explore:` section: defaults, and mistakes named by file, line and field."""

import pytest

from fakecloud.explore.spec import read
from fakecloud.scenario.errors import ScenarioError
from fakecloud.scenario.loader import loads

BASE = """\
cloud:
  images: {cirros: {existing: cirros-0.6.2-x86_64-disk}}
  servers: {web: {body: {imageRef: "${images.cirros.id}", flavorRef: "1"}}}
steps:
  - request: POST /servers/${servers.web.id}/action
    body: {createImage: {name: s}}
"""


def _spec(explore, known_errors=None):
    case = loads(BASE + explore, "x.yaml").cases[0]
    return read(case, known_errors=known_errors)


def test_explore_seeds_alone_leaves_delays_orders_and_throughputs_to_chance():
    spec = _spec("explore: {seeds: 7}\n")
    assert spec.seeds == 7
    assert (spec.chance.tie_order, spec.chance.rpc_delay_max_s) == (True, 0.02)
    assert spec.chance.throughput_jitter == 0.2
    assert spec.faults == () and spec.inserts == ()


def test_every_adversary_shorthand_is_the_request_a_user_would_make():
    spec = _spec(
        "  - {name: vol, request: 'POST /v3/${project_id}/volumes', body: {volume: {size: 1}}}\n"
        "explore:\n  adversary:\n"
        "    - {detach_volume: {server: web, volume: '${steps.vol.body.volume.id}'}}\n"
        "    - {delete_image: cirros}\n    - {create_image: web}\n"
        "    - migrate_volume: {volume: '${steps.vol.body.volume.id}', host: cinder@lvmdriver-1}\n"
        "    - {retype: {volume: '${steps.vol.body.volume.id}', type: fast}}\n"
    )
    requests = [i.step["request"] for i in spec.inserts]
    action = "POST /v3/${project_id}/volumes/${steps.vol.body.volume.id}/action"
    assert requests == [
        "DELETE /servers/${servers.web.id}/os-volume_attachments/${steps.vol.body.volume.id}",
        "DELETE /v2/images/${images.cirros.id}",
        "POST /servers/${servers.web.id}/action",
        action,
        action,
    ]
    assert spec.inserts[2].step["body"] == {"createImage": {"name": "adversary-snapshot"}}
    migrate, retype = (i.step for i in spec.inserts[3:])
    assert (migrate["as"], migrate["body"]) == (
        "admin",
        {"os-migrate_volume": {"host": "cinder@lvmdriver-1"}},
    )
    assert "as" not in retype  # the owner's
    assert retype["body"] == {"os-retype": {"new_type": "fast", "migration_policy": "on-demand"}}


def test_faults_and_adversaries_get_their_usual_outcomes_and_requests():
    spec = _spec(
        "explore:\n  faults:\n    - volume_api.create_snapshot_force\n    - {restart: cmp-1}\n"
        "    - {restart: cinder@lvmdriver-1, down_s: 5}\n"
        "  adversary: [{delete_server: web}, {stop_server: web, likelihood: 0.5}]\n"
    )
    (fault,) = spec.faults
    assert fault.outcomes == ("CinderServerError", "CinderConnectionFailed")
    assert [i.name for i in spec.inserts] == [
        "restart-cmp-1",
        "restart-cinder-volume-lvmdriver-1",
        "adversary-1",
        "adversary-2",
    ]
    assert spec.inserts[1].step == {"restart": {"host": "cinder@lvmdriver-1", "down_s": 5}}
    assert spec.inserts[2].step == {"request": "DELETE /servers/${servers.web.id}"}
    assert spec.inserts[3].step["body"] == {"os-stop": None}


@pytest.mark.parametrize(
    ("explore", "where"),
    [
        ("explore: {seeds: 0}\n", "x.yaml:7: field explore.seeds"),
        ("explore:\n  chance: {tie_order: maybe}\n", "x.yaml:8: field explore.chance.tie_order"),
        ("explore:\n  faults: [no.such.point]\n", "x.yaml:8: field explore.faults[0]"),
        ("explore:\n  adversary: [{delete_server: db}]\n", "x.yaml:8: field explore.adversary[0]"),
        (
            "explore:\n  adversary: [{retype: {volume: data, type: fast}}]\n",
            "x.yaml:8: field explore.adversary[0].retype: no volume named 'data'",
        ),
        (
            "explore:\n  adversary: [{migrate_volume: {volume: data}}]\n",
            "x.yaml:8: field explore.adversary[0].migrate_volume",
        ),
        (
            "explore:\n  adversary:\n"
            "    - {migrate_volume: {volume: '${images.cirros.id}', host: cinder@ceph#ceph}}\n",
            "x.yaml:9: field explore.adversary[0].migrate_volume.host: no Cinder backend "
            "'cinder@ceph#ceph'; backends: cinder@lvmdriver-1#lvmdriver-1",
        ),
        (
            "explore:\n  faults: [{point: rpc.cast, errors: [partway]}]\n",
            "x.yaml:8: field explore.faults[0].errors[0]: partway applies to io.transfer only",
        ),
        (  # each seed's restart failed, ignored: nothing was explored
            "explore:\n  faults: [{restart: cmp-9}]\n",
            "x.yaml:8: field explore.faults[0].restart: no compute host 'cmp-9'",
        ),
        (
            "explore:\n  faults: [{restart: cinder@lvmdriver1}]\n",
            "x.yaml:8: field explore.faults[0].restart: no cinder-volume host 'cinder@lvmdriver1' "
            "(did you mean 'cinder@lvmdriver-1'?); hosts: cinder@lvmdriver-1",
        ),
        (  # a match: as a fault step's, and what would never match refused as there
            "explore:\n  faults: [{point: rpc.call, match: {method: quiesce_instanse}}]\n",
            "x.yaml:8: field explore.faults[0].match.method: fault point 'rpc.call': method "
            "'quiesce_instanse' is none of its values (did you mean 'quiesce_instance'?)",
        ),
        (  # a public method of cinder-volume's manager that no message names: never fired
            "explore:\n  faults: [{point: rpc.cast, match: {method: driver_create_snapshot}}]\n",
            "x.yaml:8: field explore.faults[0].match.method: fault point 'rpc.cast': method "
            "'driver_create_snapshot' is none of its values (did you mean 'create_snapshot'?)",
        ),
        (
            "explore:\n  faults: [{point: volume_api.get, match: {volum_id: x}}]\n",
            "x.yaml:8: field explore.faults[0].match.volum_id: fault point 'volume_api.get' has "
            "no attribute 'volum_id' (did you mean 'volume_id'?)",
        ),
        (  # an infinite wait, explored as a cloud that never became idle
            "explore:\n  faults: [{point: io.transfer, errors: ['delay:1e400']}]\n",
            "x.yaml:8: field explore.faults[0].errors[0]: a delay is written delay:S, S seconds "
            "from 0 to 1e+09",
        ),
    ],
)
def test_mistakes_name_file_line_and_field(explore, where):
    with pytest.raises(ScenarioError) as caught:
        _spec(explore)
    assert where in str(caught.value)


def test_an_unknown_error_is_named_with_a_suggestion():
    with pytest.raises(ScenarioError) as caught:
        _spec(
            "explore:\n  faults: [{point: cinder.snapshot.create, errors: [CinderBackendEror]}]\n",
            known_errors={"CinderBackendError"},
        )
    assert "did you mean 'CinderBackendError'?" in str(caught.value)
