"""The world's setup waits, in virtual time, for the named resources a later one refers to."""

from scenario_fakes import failures, load_text

from fakecloud.scenario import run_case

BOOT_FROM_VOLUME = """\
cloud:
  images: {cirros: {existing: cirros-0.6.2-x86_64-disk}}
  volumes:
    boot: {body: {size: 1, imageRef: "${images.cirros.id}"}}
    data: {body: {size: 1}}
  servers:
    web:
      body:
        flavorRef: "1"
        block_device_mapping_v2:
          - {boot_index: 0, uuid: "${volumes.boot.id}", source_type: volume,
             destination_type: volume}
    other: {body: {imageRef: "${images.cirros.id}", flavorRef: "1"}}
  setup:
    - request: POST /servers/${servers.web.id}/os-volume_attachments
      body: {volumeAttachment: {volumeId: "${volumes.data.id}"}}
      expect: {status: 200}
steps:
  - request: GET /servers/${servers.web.id}
    expect: {body: {server: {status: ACTIVE}}}
"""


def _run(text, tmp_path):
    return run_case(load_text(text, tmp_path).cases[0])


def _at(result, kind, subject, **fields):
    """The times of the events of `kind` whose subject starts with `subject`."""
    return [
        e["t"]
        for e in result.trace
        if e["kind"] == kind
        and str(e["subject"]).startswith(subject)
        and all(e.get(k) == v for k, v in fields.items())
    ]


def test_what_a_resource_names_is_ready_the_instant_it_is_made(tmp_path):
    result = _run(BOOT_FROM_VOLUME, tmp_path)
    assert result.passed, failures(result)
    boot, data = (result.names["volumes"][n]["id"] for n in ("boot", "data"))
    web = result.names["servers"]["web"]["id"]
    servers = _at(result, "api.request", "POST /v2.1/servers", user="demo")
    attach = _at(result, "api.request", f"POST /v2.1/servers/{web}/os-volume_attachments")
    # web is asked for the instant boot is available (its image copied in), not before
    assert servers[0] == _at(result, "state", boot, new="available")[0] > 0
    # other names nothing awaited: it is asked for once web's create has answered
    answered = _at(result, "api.response", "POST /v2.1/servers", user="demo")
    assert servers[1] == answered[0] < _at(result, "state", web, new="active")[0]
    # the attach is sent the instant web is ACTIVE; data, named by nothing, was made at 0
    assert attach == _at(result, "state", web, new="active")
    assert _at(result, "state", data, new="creating") == [0]
    # boot and data were awaited, so their in-use at time 0 is no failed setup
    assert [result.names["volumes"][n]["status"] for n in ("boot", "data")] == ["in-use"] * 2


def test_a_resource_that_errors_while_awaited_names_the_reference(tmp_path):
    text = """\
cloud:
  config: {cinder: {backends: {lvmdriver-1: {kind: lvm-thin, capacity_gb: 1}}}}
  volumes: {boot: {body: {size: 2}}}
  servers:
    web:
      body:
        flavorRef: "1"
        block_device_mapping_v2:
          - boot_index: 0
            uuid: "${volumes.boot.id}"
            source_type: volume
            destination_type: volume
steps:
  - wait: 1
"""
    result = _run(text, tmp_path)
    assert [c.what for c in result.failures] == ["setup"]
    assert result.failures[0].details == [
        "scenario.yaml:10: field cloud.servers.web.body.block_device_mapping_v2[0].uuid: "
        "volumes.boot became 'error' at t=0.002: setup waits for it to be 'available' before "
        "making servers.web, which names it"
    ]
    assert _at(result, "api.request", "POST /v2.1/servers") == []  # never asked for


def test_a_server_in_error_fails_the_setup_request_that_needs_it(tmp_path):
    text = """\
cloud:
  config: {nova: {compute_hosts: 0}}
  images: {cirros: {existing: cirros-0.6.2-x86_64-disk}}
  servers: {web: {body: {imageRef: "${images.cirros.id}", flavorRef: "1"}}}
  setup:
    - request: POST /servers/${servers.web.id}/action
      body: {os-stop: null}
steps:
  - wait: 1
"""
    detail = _run(text, tmp_path).failures[0].details[0]
    assert detail.startswith(
        "scenario.yaml:6: field cloud.setup[0].request: servers.web became 'ERROR' at t="
    )
    assert detail.endswith("setup waits for it to be 'ACTIVE' before this request, which names it")


def test_a_resource_nothing_will_make_ready_is_no_hang(tmp_path):
    text = """\
cloud:
  images: {empty: {wait: active}}
  volumes: {v: {body: {imageRef: "${images.empty.id}"}}}
steps:
  - wait: 1
"""
    assert _run(text, tmp_path).failures[0].details == [
        "scenario.yaml:3: field cloud.volumes.v.body.imageRef: images.empty is 'queued' and "
        "nothing left to run will change it: setup waits for it to be 'active' before making "
        "volumes.v, which names it"
    ]


def test_wait_false_is_not_awaited(tmp_path):
    text = """\
cloud:
  images: {cirros: {existing: cirros-0.6.2-x86_64-disk}}
  servers: {web: {body: {imageRef: "${images.cirros.id}", flavorRef: "1"}, wait: false}}
  setup:
    - request: POST /servers/${servers.web.id}/os-volume_attachments
      body: {volumeAttachment: {volumeId: "${servers.web.id}"}}
      expect: {status: 409}
steps:
  - wait: 1
"""
    result = _run(text, tmp_path)
    assert result.passed, failures(result)  # Nova's 409 for a server still building


def test_only_a_reference_is_waited_for_not_a_literal_dollar_brace():
    from fakecloud.scenario.readiness import references

    value = {"note": "$${volumes.boot.id}", "bdm": [{"uuid": "${volumes.boot.id}"}]}
    assert list(references(value)) == [("volumes", "boot", ("bdm", 0, "uuid"))]
