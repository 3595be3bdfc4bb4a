"""Cinder's ``volume-extended`` external event and Nova's ``POST /os-server-external-events``.

Cinder 29.0.0 ``VolumeManager.extend_volume`` ends, for a volume attached to servers, with
``compute.API.extend_volume`` (``cinder/compute/nova.py``: events at 2.51, as its service user);
Nova 34.0.0's ``ServerExternalEventsController.create`` answers each event and
``compute.API.external_instance_event`` records an ``extend_volume`` instance action, then the
host's ``extend_volume`` (event ``compute_extend_volume``) resizes the guest's disk.
"""

from __future__ import annotations

import pytest

from fakecloud.cinder import compute
from tests.nova.conftest import NovaEnv

EVENTS = "/v2.1/os-server-external-events"


def _attached_volume(env: NovaEnv, sid: str, size: int = 1) -> str:
    r = env.cloud.request(
        "volumev3", "POST", "/v3/{project_id}/volumes", body={"volume": {"size": size}}
    )
    vid = r.json()["volume"]["id"]
    env.cloud.run_until_idle()
    path = f"/v2.1/servers/{sid}/os-volume_attachments"
    assert env.request("POST", path, {"volumeAttachment": {"volumeId": vid}}).status == 200
    env.cloud.run_until_idle()
    return vid


@pytest.mark.parametrize("profile", ["upstream", "seed"])
def test_extending_an_attached_volume_tells_nova(profile):
    env = NovaEnv(profile)
    sid = env.boot("vm")
    vid = _attached_volume(env, sid)
    r = env.cloud.request(
        "volumev3",
        "POST",
        f"/v3/{{project_id}}/volumes/{vid}/action",
        body={"os-extend": {"new_size": 3}},
        microversion="3.42",
    )
    assert r.status == 202
    env.cloud.run_until_idle()
    (sent,) = env.cloud.trace.filter(kind="api.request", subject=f"POST {EVENTS}")
    # Cinder's [nova] user: devstack gives it Nova's own service user, a user of the
    # cloud's Keystone (session 43: its token, checked by nova-api's middleware)
    assert (sent["actor"], sent["user"]) == ("nova", "nova")
    directory = env.cloud.keystone.directory
    nova = directory.user_by_name("nova", "default")
    actions = env.request("GET", f"/v2.1/servers/{sid}/os-instance-actions").json()
    latest = actions["instanceActions"][0]
    assert (latest["action"], latest["user_id"], latest["project_id"]) == (
        "extend_volume",
        nova.id,
        directory.project_by_name("service").id,
    )
    shown = env.request(
        "GET", f"/v2.1/servers/{sid}/os-instance-actions/{latest['request_id']}", user="admin"
    ).json()["instanceAction"]
    assert [(e["event"], e["result"]) for e in shown["events"]] == [
        ("compute_extend_volume", "Success")
    ]
    (bdm,) = env.cloud.nova.db.bdms_by_volume(vid)
    assert bdm.volume_size == 3
    logs = [e["message"] for e in env.cloud.trace.filter(kind="log", subject=sid)]
    assert f"Resizing target device /dev/vdb to {3 * 1024**3}" in logs
    assert env.cloud.trace.filter(kind="cinder.error") == []


def test_an_available_volume_sends_no_event():
    env = NovaEnv("upstream")
    r = env.cloud.request(
        "volumev3", "POST", "/v3/{project_id}/volumes", body={"volume": {"size": 1}}
    )
    vid = r.json()["volume"]["id"]
    env.cloud.run_until_idle()
    body = {"os-extend": {"new_size": 2}}
    env.cloud.request("volumev3", "POST", f"/v3/{{project_id}}/volumes/{vid}/action", body=body)
    env.cloud.run_until_idle()
    assert env.cloud.trace.filter(kind="api.request", subject=f"POST {EVENTS}") == []


def test_each_event_is_answered_and_a_failure_makes_a_207():
    env = NovaEnv("upstream")
    sid = env.boot("vm")
    vid = _attached_volume(env, sid)
    missing = "00000000-0000-4000-8000-000000000000"
    events = [
        {"name": "volume-extended", "server_uuid": sid, "tag": vid},
        {"name": "volume-extended", "server_uuid": sid},
        {"name": "network-changed", "server_uuid": missing},
    ]
    r = env.request("POST", EVENTS, {"events": events}, microversion="2.51", user="admin")
    assert (r.status, r.json()) == (
        207,
        {
            "events": [
                {**events[0], "status": "completed", "code": 200},
                {**events[1], "status": "failed", "code": 400},
                {**events[2], "status": "failed", "code": 404},
            ]
        },
    )
    env.cloud.run_until_idle()
    r = env.request("POST", EVENTS, {"events": events[:1]}, microversion="2.51", user="admin")
    assert (r.status, r.json()["events"][0]["code"]) == (200, 200)


def test_the_schema_of_the_microversion_and_the_policy():
    env = NovaEnv("upstream")
    sid = env.boot("vm")
    event = {"name": "volume-extended", "server_uuid": sid, "tag": "v"}
    r = env.request("POST", EVENTS, {"events": [event]}, microversion="2.50", user="admin")
    assert r.status == 400
    assert r.json()["badRequest"]["message"].startswith(
        "Invalid input for field/attribute name. Value: volume-extended."
    )
    r = env.request("POST", EVENTS, {"events": []}, microversion="2.51", user="admin")
    assert r.status == 400
    r = env.request("POST", EVENTS, {"events": [event]}, microversion="2.51")
    assert (r.status, r.json()) == (
        403,
        {
            "forbidden": {
                "code": 403,
                "message": "Policy doesn't allow os_compute_api:os-server-external-events:"
                "create to be performed.",
            }
        },
    )


def test_cinder_counts_a_207_with_an_unknown_servers_404_as_told():
    """``_send_events`` (cinder 29.0.0): an event answered with a code, 404 included, is only
    logged (``Nova event: ... returned with failed status``): no ``cinder.error`` and so no
    user message; a missing code or a refusal of the whole request is not told."""
    env = NovaEnv("upstream")
    missing = "0c5b6a4e-7c1b-4b7e-9f5e-8f1d2a3b4c5d"
    told = env.kernel.spawn(
        compute.extend_volume(env.kernel, "cinder-volume", [missing], "vol"), name="told"
    )
    env.cloud.run_until_idle()
    assert told.value is True
    assert [e["status"] for e in env.cloud.trace.filter(kind="api.response")] == [207]
    assert not list(env.cloud.trace.filter(kind="cinder.error"))


def test_power_update_on_libvirt_records_a_fault_and_reverts_the_task():
    """2.76's ``power-update`` (Nova 20.0.0+): the API records ``start``/``stop`` and skips an
    invalid tag (logged); the host acts only on a server in the target's opposite state (else a
    no-op, logged), and libvirt's ``NotImplementedError`` is a fault, the event's error, the
    task state reverted and ``wrap_exception``'s notifications, ending the cast's loop."""
    env = NovaEnv("upstream")
    sid = env.boot("vm")
    events = [
        {"name": "power-update", "server_uuid": sid, "tag": t}
        for t in ("POWER_ON", "FOO", "POWER_OFF", "POWER_OFF")
    ]
    r = env.request("POST", EVENTS, {"events": events}, microversion="2.75", user="admin")
    assert r.status == 400
    r = env.request("POST", EVENTS, {"events": events}, microversion="2.76", user="admin")
    assert (r.status, {e["code"] for e in r.json()["events"]}) == (200, {200})
    env.cloud.run_until_idle()
    assert [e["action"] for e in env.cloud.trace.filter(kind="nova.action", subject=sid)] == [
        "create",
        "start",
        "stop",
        "stop",
    ]
    logs = [e["message"] for e in env.cloud.trace.filter(kind="log", subject=sid)]
    assert "Invalid power state FOO. Cannot process the event InstanceExternalEvent(data=<?>," in (
        "".join(logs)
    )
    assert (
        f"The power-update POWER_ON event for instance {sid} is a no-op since the instance is "
        "in vm_state active, task_state None and power_state running." in logs
    )
    assert [
        (e["event"], e["result"])
        for e in env.cloud.trace.filter(kind="nova.event", subject=sid, phase="finish")
    ][1:] == [("compute_power_update", "Success"), ("compute_power_update", "Error")]
    assert [(f["code"], f["message"]) for f in env.cloud.trace.filter(kind="nova.fault")] == [
        (500, "NotImplementedError")
    ]
    assert env.states(sid)[-2:] == ["powering-off", None]
    assert [
        e["event_type"] for e in env.cloud.trace.filter(kind="notification", priority="ERROR")
    ] == ["power_update", "external_instance_event"]
    assert env.server(sid)["status"] == "ACTIVE"
    # one request, three actions: the host's events go to the last (the latest by request id),
    # and both finishes to its first row (action_event_finish's first()): the Error on it,
    # the second event unfinished (listed newest first)
    (req,) = {e["request_id"] for e in env.cloud.trace.filter(kind="nova.action", action="stop")}
    shown = env.request(
        "GET", f"/v2.1/servers/{sid}/os-instance-actions/{req}", user="admin", microversion="2.76"
    ).json()["instanceAction"]
    assert [(e["event"], e["result"], e["finish_time"] is None) for e in shown["events"]] == [
        ("compute_power_update", None, True),
        ("compute_power_update", "Error", False),
    ]
