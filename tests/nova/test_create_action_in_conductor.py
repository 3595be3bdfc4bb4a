"""The ``create`` instance action is the conductor's (nova 17.0.13-34.0.0 conductor/manager.py
``schedule_and_build_instances``: ``InstanceAction.action_start`` once the instance is created
in its cell, after scheduling): until then the server is a build request with no action, and a
server the scheduler finds no host for is buried in cell0 with a failed ``create`` action from
21.0.0 (f2608c9117; backports 19.3.0 7ff71e6b87, 20.2.0 6484d9ff5b:
``_create_instance_action_for_cell0``), with none before."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

ACTIONS = "/v2.1/servers/{}/os-instance-actions"
NO_HOST = "No valid host was found. There are not enough hosts available."


def test_a_build_request_has_no_action_until_the_conductor_records_it():
    env = NovaEnv("upstream")
    server = {"name": "vm", "imageRef": env.image.id, "flavorRef": "1", "networks": "none"}
    mark = len(env.cloud.trace)
    resp = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.37")
    sid, request_id = resp.json()["server"]["id"], resp.headers["x-openstack-request-id"]
    early = env.request("GET", ACTIONS.format(sid))
    assert (early.status, early.json()) == (200, {"instanceActions": []})
    missing = env.request("GET", ACTIONS.format(sid) + f"/{request_id}")
    assert missing.status == 404
    assert missing.json()["itemNotFound"]["message"] == f"Action {request_id} not found"
    env.cloud.run_until_idle()
    actions = env.request("GET", ACTIONS.format(sid)).json()["instanceActions"]
    assert [(a["action"], a["request_id"]) for a in actions] == [("create", request_id)]
    after = env.cloud.trace[mark:]
    answered = next(e["t"] for e in after if e["kind"] == "api.response")
    (recorded,) = [e for e in after if e["kind"] == "nova.action"]
    assert recorded["t"] > answered  # at the conductor, after the API's answer


def _no_host(profile: str) -> tuple[NovaEnv, str]:
    env = NovaEnv(profile)
    for host in env.nova.hosts:
        env.kernel.rpc.set_up(f"compute.{host}", False)
    env.cloud.advance(61.0)  # past service_down_time: every host down to the scheduler
    sid = env.boot(wait=False)
    env.cloud.run_until_idle()
    assert env.server(sid)["fault"]["message"] == NO_HOST
    return env, sid


@pytest.mark.parametrize("profile", ["nova-19.0.0", "nova-20.1.0", "nova-18.3.0"])
def test_a_server_buried_in_cell0_has_no_action_before_the_fix(profile):
    env, sid = _no_host(profile)
    resp = env.request("GET", ACTIONS.format(sid), user="admin")
    assert (resp.status, resp.json()) == (200, {"instanceActions": []})


@pytest.mark.parametrize("profile", ["nova-19.3.0", "nova-20.2.0", "nova-21.0.0", "upstream"])
def test_a_server_buried_in_cell0_has_a_failed_create_action(profile):
    env, sid = _no_host(profile)
    actions = env.request("GET", ACTIONS.format(sid), user="admin").json()["instanceActions"]
    assert [(a["action"], a["message"]) for a in actions] == [("create", "Error")]
    shown = env.request(
        "GET", ACTIONS.format(sid) + f"/{actions[0]['request_id']}", user="admin",
        microversion="2.62",
    ).json()["instanceAction"]  # fmt: skip
    (event,) = shown["events"]
    assert (event["event"], event["result"], event["host"]) == (
        "conductor_schedule_and_build_instances",
        "Error",
        "nova-conductor-1",
    )
    assert event["traceback"].startswith("  File ")  # format_tb: the frames only


@pytest.mark.parametrize(
    ("profile", "versioned"), [("nova-18.3.0", False), ("nova-19.0.0", True), ("upstream", True)]
)
def test_a_server_buried_in_cell0_is_notified_as_a_failed_compute_task(profile, versioned):
    """``set_vm_state_and_notify`` (nova 17.0.13-34.0.0 scheduler/utils.py): legacy
    ``compute_task.build_instances`` (ERROR) from the conductor, then from 19.0.0
    (fe4e47d989) versioned ``compute_task.build_instances.error``."""
    env = NovaEnv(profile, {"nova": {"notification_format": "both"}})
    for host in env.nova.hosts:
        env.kernel.rpc.set_up(f"compute.{host}", False)
    env.cloud.advance(61.0)
    sid = env.boot(wait=False)
    env.cloud.run_until_idle()
    sent = [
        e
        for e in env.cloud.trace.filter(kind="notification")
        if e["event_type"].startswith("compute_task.")
    ]
    legacy = sent[0]
    assert (legacy["actor"], legacy["event_type"], legacy["priority"]) == (
        "compute_task.nova-conductor-1",
        "compute_task.build_instances",
        "ERROR",
    )
    assert (legacy["instance_id"], legacy["state"], legacy["method"]) == (
        sid,
        "error",
        "build_instances",
    )
    assert legacy["reason"].startswith("NoValidHost(")
    assert len(sent) == (2 if versioned else 1)
    if versioned:
        event = sent[1]
        assert (event["actor"], event["event_type"], event["payload_version"]) == (
            "nova-conductor:nova-conductor-1",
            "compute_task.build_instances.error",
            "1.0",
        )
        assert event["reason"] == {"exception": "NoValidHost", "exception_message": NO_HOST}
