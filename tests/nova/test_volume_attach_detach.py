"""``POST``/``DELETE /servers/{id}/os-volume_attachments``: attach and detach a volume as
Nova's ``VolumeAttachmentController.create``/``delete`` and the compute host do, with the
volume's Cinder states, the instance actions and the errors' bodies."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv, unexpected_500

MISSING = "00000000-0000-0000-0000-000000000000"


def _volume(env: NovaEnv, name: str = "data") -> str:
    r = env.cloud.request(
        "volumev3", "POST", "/v3/{project_id}/volumes", body={"volume": {"size": 1, "name": name}}
    )
    assert r.status == 202, r.json()
    env.cloud.run_until_idle()
    return r.json()["volume"]["id"]


def _cinder(env: NovaEnv, vid: str) -> dict:
    return env.cloud.request("volumev3", "GET", f"/v3/{{project_id}}/volumes/{vid}").json()[
        "volume"
    ]


def _attach(env: NovaEnv, sid: str, body: dict, mv: str | None = None, user: str = "demo"):
    path = f"/v2.1/servers/{sid}/os-volume_attachments"
    return env.request("POST", path, {"volumeAttachment": body}, microversion=mv, user=user)


def _detach(env: NovaEnv, sid: str, vid: str, mv: str | None = None, user: str = "demo"):
    path = f"/v2.1/servers/{sid}/os-volume_attachments/{vid}"
    return env.request("DELETE", path, microversion=mv, user=user)


@pytest.fixture
def up() -> NovaEnv:
    return NovaEnv("upstream")


def test_attach_then_detach_moves_the_volume_through_cinder_states(up):
    sid = up.boot("vm")
    vid = _volume(up)
    r = _attach(up, sid, {"volumeId": vid, "device": "/dev/sdz", "tag": "db"}, mv="2.79")
    # libvirt ignores the requested device name; 2.79's view echoes tag and the flag.
    assert (r.status, r.json()) == (
        200,
        {
            "volumeAttachment": {
                "id": vid,
                "serverId": sid,
                "volumeId": vid,
                "device": "/dev/vdb",
                "tag": "db",
                "delete_on_termination": False,
            }
        },
    )
    assert _cinder(up, vid)["status"] == "reserved"  # the API answered; the cast is pending
    up.cloud.run_until_idle()
    assert _cinder(up, vid)["status"] == "in-use"
    listed = up.request(
        "GET", f"/v2.1/servers/{sid}/os-volume_attachments", microversion="2.89"
    ).json()["volumeAttachments"]
    assert [(a["volumeId"], a["device"], a["tag"]) for a in listed] == [(vid, "/dev/vdb", "db")]
    r = _detach(up, sid, vid)
    assert r.status == 202
    assert _cinder(up, vid)["status"] == "detaching"
    up.cloud.run_until_idle()
    assert _cinder(up, vid)["status"] == "available"
    assert _cinder(up, vid)["attachments"] == []
    moves = [
        e["new"]
        for e in up.cloud.trace.filter(kind="state", subject=vid)
        if e.get("field") == "status"
    ]
    assert moves == [
        "creating",
        "available",
        "reserved",
        "attaching",
        "in-use",
        "detaching",
        "available",
    ]
    actions = up.request("GET", f"/v2.1/servers/{sid}/os-instance-actions").json()
    assert [a["action"] for a in actions["instanceActions"]] == [
        "detach_volume",
        "attach_volume",
        "create",
    ]
    for action in actions["instanceActions"][:2]:
        detail = up.request(
            "GET",
            f"/v2.1/servers/{sid}/os-instance-actions/{action['request_id']}",
            user="admin",
            microversion="2.51",
        ).json()["instanceAction"]
        assert [(e["event"], e["result"]) for e in detail["events"]] == [
            (f"compute_{action['action']}", "Success")
        ]


def test_attach_from_2_101_answers_202_at_once_and_nova_conductor_does_the_rest(up):
    sid = up.boot("vm")
    other = up.boot("other")
    vid = _volume(up)
    path = "/v2.1/servers/{}/os-volume_attachments"
    body = {"volumeAttachment": {"volumeId": vid}}
    headers = {"OpenStack-API-Version": "compute 2.101"}
    at = up.kernel.now + 1
    # Two attaches of one volume at once: both pass nova-api's checks (no mapping yet) ...
    first = up.spawn_request(at, "POST", path.format(sid), body, headers=headers)
    second = up.spawn_request(at, "POST", path.format(other), body, headers=headers)
    up.kernel.env.run(until=at + 0.05)
    assert (first["response"].status, first["response"].body) == (202, None)
    assert second["response"].status == 202
    up.cloud.run_until_idle()
    # ... and fails in nova-conductor, where only a log says so.
    assert [a["server_id"] for a in _cinder(up, vid)["attachments"]] == [sid]
    assert up.request("GET", f"/v2.1/servers/{other}/os-volume_attachments").json() == {
        "volumeAttachments": []
    }
    logs = [e for e in up.cloud.trace.filter(kind="log") if e.get("actor") == "nova-conductor"]
    assert [e["subject"] for e in logs] == [other]
    assert logs[0]["message"].startswith(f"Failed to attach volume {vid}: Invalid input received")


def test_attach_errors_and_their_bodies(up):
    sid = up.boot("vm")
    other = up.boot("other")
    vid = _volume(up)
    r = _attach(up, sid, {"volumeId": MISSING})
    assert (r.status, r.json()["itemNotFound"]["message"]) == (
        404,
        f"Volume {MISSING} could not be found.",
    )
    r = _attach(up, sid, {"volumeId": vid, "tag": "x"}, mv="2.48")
    assert r.status == 400
    assert (
        "Additional properties are not allowed ('tag' was unexpected)"
        in (r.json()["badRequest"]["message"])
    )
    r = _attach(up, sid, {"volumeId": vid, "delete_on_termination": True}, mv="2.78")
    assert r.status == 400
    assert _attach(up, sid, {"volumeId": vid}).status == 200
    up.cloud.run_until_idle()
    r = _attach(up, other, {"volumeId": vid})
    assert r.json()["badRequest"]["message"] == (
        f"Invalid volume: volume {vid} is already attached to instances: {sid}"
    )
    up.action(sid, {"lock": None})
    r = _attach(up, sid, {"volumeId": _volume(up, "two")})
    assert (r.status, r.json()["conflictingRequest"]["message"]) == (
        409,
        f"Instance {sid} is locked",
    )
    r = _attach(up, sid, {"volumeId": vid}, user="demo-reader")
    assert r.status == 403


def test_seed_attach_refuses_only_this_servers_volume_before_reading_it():
    env = NovaEnv("seed")
    sid = env.boot("vm")
    vid = _volume(env)
    r = _attach(env, sid, {"volumeId": vid}, mv="2.49")
    assert set(r.json()["volumeAttachment"]) == {"id", "serverId", "volumeId", "device"}
    env.cloud.run_until_idle()
    r = _attach(env, sid, {"volumeId": vid})
    assert r.json()["badRequest"]["message"] == f"Invalid volume: volume {vid} already attached"
    other = env.boot("other")
    # Cinder refuses the second attachment of a volume that is not multiattach.
    r = _attach(env, other, {"volumeId": vid})
    assert r.status == 400
    assert _cinder(env, vid)["status"] == "in-use"
    assert [a["server_id"] for a in _cinder(env, vid)["attachments"]] == [sid]


def test_detach_errors_and_their_bodies(up):
    bfv = up.boot("bfv", bfv=True)
    sid = up.boot("vm")
    vid = _volume(up)
    root = up.request("GET", f"/v2.1/servers/{bfv}/os-volume_attachments").json()[
        "volumeAttachments"
    ][0]["volumeId"]
    r = _detach(up, bfv, root)
    assert (r.status, r.json()) == (
        400,
        {"badRequest": {"code": 400, "message": "Cannot detach a root device volume"}},
    )
    r = _detach(up, sid, MISSING)
    assert r.json()["itemNotFound"]["message"] == f"Volume {MISSING} could not be found."
    r = _detach(up, sid, vid)
    assert r.json()["itemNotFound"]["message"] == (
        f"Instance {sid} is not attached to volume {vid}"
    )
    assert _attach(up, sid, {"volumeId": vid}).status == 200
    # Detached before the host completed the attachment: Cinder's begin_detaching refuses.
    r = _detach(up, sid, vid)
    assert (r.status, r.json()["badRequest"]["message"]) == (
        400,
        "Invalid volume: Invalid input received: Invalid volume: Unable to detach volume. "
        "Volume status must be 'in-use' and attach_status must be 'attached' to detach. "
        f"(HTTP 400) (Request-ID: {r.json()['badRequest']['message'].split('Request-ID: ')[1]}",
    )
    up.cloud.run_until_idle()
    up.action(sid, {"pause": None})
    up.cloud.run_until_idle()
    up.action(sid, {"unpause": None})
    up.cloud.run_until_idle()
    assert up.action(sid, {"os-stop": None}).status == 202
    r = _detach(up, sid, vid)
    assert (r.status, r.json()["conflictingRequest"]["message"]) == (
        409,
        f"Cannot 'detach_volume' instance {sid} while it is in task_state powering-off",
    )
    up.cloud.run_until_idle()
    assert _detach(up, sid, vid).status == 202  # a stopped server's volume detaches
    up.cloud.run_until_idle()
    assert _cinder(up, vid)["status"] == "available"


def test_seed_refuses_a_root_detach_with_403():
    env = NovaEnv("seed")
    bfv = env.boot("bfv", bfv=True)
    root = env.request("GET", f"/v2.1/servers/{bfv}/os-volume_attachments").json()[
        "volumeAttachments"
    ][0]["volumeId"]
    r = _detach(env, bfv, root)
    assert (r.status, r.json()["forbidden"]["message"]) == (
        403,
        "Cannot detach a root device volume",
    )


def test_a_deleted_server_releases_an_attached_volume(up):
    sid = up.boot("vm")
    vid = _volume(up)
    assert _attach(up, sid, {"volumeId": vid}).status == 200
    up.cloud.run_until_idle()
    assert up.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    up.cloud.run_until_idle()
    assert _cinder(up, vid)["status"] == "available"


def test_a_shelved_offloaded_server_is_attached_and_detached_by_nova_api(up):
    sid = up.boot("vm")
    vid = _volume(up)
    assert up.action(sid, {"shelve": None}).status == 202
    up.cloud.run_until_idle()
    assert up.server(sid)["status"] == "SHELVED_OFFLOADED"
    r = _attach(up, sid, {"volumeId": vid}, mv="2.19")
    assert r.json()["conflictingRequest"]["message"] == (
        f"Cannot 'attach_volume' instance {sid} while it is in vm_state shelved_offloaded"
    )
    r = _attach(up, sid, {"volumeId": vid, "tag": "t"}, mv="2.49")
    assert r.json()["badRequest"]["message"] == (
        "Tagged volume attachment is not supported for shelved-offloaded instances."
    )
    r = _attach(up, sid, {"volumeId": vid}, mv="2.20")
    assert (r.status, r.json()["volumeAttachment"]["device"]) == (200, None)
    assert _cinder(up, vid)["status"] == "in-use"  # completed at once, with no host
    r = _detach(up, sid, vid, mv="2.19")
    assert r.status == 409
    assert _detach(up, sid, vid, mv="2.20").status == 202
    assert _cinder(up, vid)["status"] == "available"
    actions = up.request("GET", f"/v2.1/servers/{sid}/os-instance-actions").json()
    last = actions["instanceActions"][0]
    assert last["action"] == "detach_volume"
    detail = up.request(
        "GET",
        f"/v2.1/servers/{sid}/os-instance-actions/{last['request_id']}",
        user="admin",
        microversion="2.51",
    ).json()["instanceAction"]
    assert [e["event"] for e in detail["events"]] == ["api_detach_volume"]


def test_a_volume_attached_while_offloaded_gets_its_device_at_unshelve(up):
    sid = up.boot("vm")
    vid = _volume(up)
    up.action(sid, {"shelve": None})
    up.cloud.run_until_idle()
    assert _attach(up, sid, {"volumeId": vid}, mv="2.20").status == 200
    assert up.action(sid, {"unshelve": None}).status == 202
    up.cloud.run_until_idle()
    listed = up.request("GET", f"/v2.1/servers/{sid}/os-volume_attachments").json()
    assert [(a["volumeId"], a["device"]) for a in listed["volumeAttachments"]] == [
        (vid, "/dev/vdb")
    ]


def test_shelve_offload_leaves_a_volume_reserved_and_unshelve_attaches_it_again(up):
    """``_shelve_offload_instance`` → ``_terminate_volume_connections``: the attachment is
    swapped for a new one with no connector (Cinder: ``reserved``, no attachment shown);
    ``unshelve_instance`` → ``_prep_block_device`` updates and completes it (``in-use``)."""
    sid = up.boot("vm")
    vid = _volume(up)
    assert _attach(up, sid, {"volumeId": vid}).status == 200
    up.action(sid, {"shelve": None})
    up.cloud.run_until_idle()
    (before,) = up.cloud.request(
        "volumev3", "GET", "/v3/{project_id}/attachments", microversion="3.27"
    ).json()["attachments"]
    volume = _cinder(up, vid)
    assert (volume["status"], volume["attachments"], before["status"]) == (
        "reserved",
        [],
        "reserved",
    )
    up.action(sid, {"unshelve": None})
    up.cloud.run_until_idle()
    volume = _cinder(up, vid)
    assert volume["status"] == "in-use"
    assert [a["attachment_id"] for a in volume["attachments"]] == [before["id"]]


def test_a_users_attachment_delete_is_refused_while_nova_holds_it(up):
    """Cinder's ``attachment_deletion_allowed`` (23.0.0+, bug #2004555) asks Nova, as the user at
    2.89, which attachment the server's mapping holds: the one asked, so a user's delete (the
    attachments API or ``os-detach``) is 409 and the volume stays; Nova's own detach goes."""
    sid = up.boot("vm")
    vid = _volume(up)
    assert _attach(up, sid, {"volumeId": vid}).status == 200
    up.cloud.run_until_idle()
    (aid,) = [a["attachment_id"] for a in _cinder(up, vid)["attachments"]]
    message = (
        f"ConflictNovaUsingAttachment: Detach volume from instance {sid} using the Compute API"
    )
    refused = {"conflictingRequest": {"code": 409, "message": message}}
    r = up.cloud.request(
        "volumev3", "DELETE", f"/v3/{{project_id}}/attachments/{aid}", microversion="3.44"
    )
    assert (r.status, r.json()) == (409, refused)
    asked = f"GET /v2.1/servers/{sid}/os-volume_attachments/{vid}"
    assert [e["status"] for e in up.cloud.trace.filter(kind="api.response", subject=asked)] == [200]
    body = {"os-detach": {"attachment_id": aid}}
    r = up.cloud.request("volumev3", "POST", f"/v3/{{project_id}}/volumes/{vid}/action", body=body)
    assert (r.status, r.json()) == (409, refused)
    assert _cinder(up, vid)["status"] == "in-use"
    assert _detach(up, sid, vid).status == 202
    up.cloud.run_until_idle()
    assert _cinder(up, vid)["status"] == "available"


@pytest.mark.parametrize("profile", ["nova-22.4.0", "nova-23.2.2"])
def test_a_hostless_or_down_servers_detach_is_refused_from_23_0_0(profile):
    """db8213af83 (23.0.0): ``@check_instance_host(check_is_up=True)`` on ``_detach_volume``.
    A server reset to active after its shelve offload has no host and its volume is
    ``reserved`` (the offload left it no connector): before 23.0.0 Cinder's
    ``begin_detaching`` refuses it (400); from it ``InstanceNotReady``, which the controller
    does not expect (a 500 naming it), before anything changed. A host that is down: the cast
    waited; from 23.0.0 a 409."""
    env = NovaEnv(profile)
    sid, down = env.boot("vm"), env.boot("down")
    vid, other = _volume(env), _volume(env, "other")
    for server, volume in ((sid, vid), (down, other)):
        assert _attach(env, server, {"volumeId": volume}).status == 200
    env.cloud.run_until_idle()
    for action in (
        {"shelve": None},
        {"shelveOffload": None},
        {"os-resetState": {"state": "active"}},
    ):
        env.action(sid, action, user="admin")
        env.cloud.run_until_idle()
    r = _detach(env, sid, vid)
    new = profile == "nova-23.2.2"
    if new:
        assert (r.status, r.json()["computeFault"]["message"]) == (
            500,
            unexpected_500(profile, "nova.exception.InstanceNotReady"),
        )
    else:
        assert r.status == 400
        assert (
            "Unable to detach volume. Volume status must be 'in-use'"
            in (r.json()["badRequest"]["message"])
        )
    assert _cinder(env, vid)["status"] == "reserved"
    env.kernel.rpc.set_up(f"compute.{env.server(down)['OS-EXT-SRV-ATTR:host']}", False)
    env.cloud.advance(61.0)  # past service_down_time: down to the servicegroup
    r = _detach(env, down, other)
    assert r.status == (409 if new else 202), r.json()
    if new:
        assert r.json()["conflictingRequest"]["message"] == "Service is unavailable at this time."


def test_a_users_attachment_delete_gets_novas_refusal_other_than_404():
    """``attachment_deletion_allowed`` catches only novaclient's ``NotFound``: Nova's 403 (its
    policy refuses the user the attachment's show) reaches Cinder's FaultWrapper, which answers
    with that status and WebOb's text; the attachment stays."""
    show = "os_compute_api:os-volumes-attachments:show"
    env = NovaEnv("upstream", config={"nova": {"policy": {show: "!"}}})
    sid = env.boot("vm")
    vid = _volume(env)
    assert _attach(env, sid, {"volumeId": vid}).status == 200
    env.cloud.run_until_idle()
    (aid,) = [a["attachment_id"] for a in _cinder(env, vid)["attachments"]]
    r = env.cloud.request(
        "volumev3", "DELETE", f"/v3/{{project_id}}/attachments/{aid}", microversion="3.44"
    )
    forbidden = {"code": 403, "message": "Access was denied to this resource."}
    assert (r.status, r.json()) == (403, {"forbidden": forbidden})
    asked = f"GET /v2.1/servers/{sid}/os-volume_attachments/{vid}"
    assert [e["status"] for e in env.cloud.trace.filter(kind="api.response", subject=asked)] == [
        403
    ]
    assert _cinder(env, vid)["status"] == "in-use"


def test_an_encrypted_volumes_attach_reads_its_encryption_and_fails_without_it(up):
    """``_volume_attach`` asks Cinder ``GET /volumes/{id}/encryption`` (os-brick's
    ``get_encryption_metadata``) when the connection info says ``encrypted``, before the
    driver attaches: Cinder unreachable there fails the attach (its attachment deleted, the
    volume ``available`` again, the server's fault Nova's)."""
    sid = up.boot("vm")
    types = "/v3/{project_id}/types"
    made = up.cloud.request("volumev3", "POST", types, body={"volume_type": {"name": "luks"}},
                            user="admin").json()["volume_type"]["id"]  # fmt: skip
    body = {"encryption": {"provider": "luks", "control_location": "front-end"}}
    up.cloud.request("volumev3", "POST", f"{types}/{made}/encryption", body=body, user="admin")
    r = up.cloud.request(
        "volumev3",
        "POST",
        "/v3/{project_id}/volumes",
        body={"volume": {"size": 1, "volume_type": made}},
    )
    up.cloud.run_until_idle()
    vid = r.json()["volume"]["id"]
    up.cloud.faults.add(
        "volume_api.get_volume_encryption_metadata", error="CinderConnectionFailed", times=1
    )
    assert _attach(up, sid, {"volumeId": vid}).status == 200
    up.cloud.run_until_idle()
    assert _cinder(up, vid)["status"] == "available"
    assert up.nova.db.fault_latest(sid).message.startswith("Connection to cinder host failed")
    # A boot with it reads it too (libvirt's spawn, ``_attach_encryptor``), before the guest.
    bdm = {"uuid": vid, "source_type": "volume", "destination_type": "volume", "boot_index": -1}
    server = {"name": "b", "flavorRef": "1", "imageRef": up.image.id, "networks": "none"}
    image = {"uuid": up.image.id, "source_type": "image", "destination_type": "local"}
    server["block_device_mapping_v2"] = [{**image, "boot_index": 0}, bdm]
    assert (
        up.request("POST", "/v2.1/servers", {"server": server}, microversion="2.45").status == 202
    )
    up.cloud.run_until_idle()
    assert _cinder(up, vid)["status"] == "in-use"
    reads = up.cloud.trace.filter(kind="http.response")
    calls = [e.get("status") for e in reads if e.get("call") == "get_volume_encryption_metadata"]
    assert calls == [None, 200]


@pytest.mark.parametrize(
    ("profile", "created", "completed"),
    [("nova-17.0.10", 202, 202), ("nova-17.0.11", 200, 204)],
)
def test_the_trace_shows_what_the_release_of_cinder_answered_nova(profile, created, completed):
    """Nova's ``attachment_create`` and ``attachment_complete`` (cinderclient takes any 2xx):
    Cinder 12.0.0-12.0.6 answer both 202, 12.0.7 on (2627b2f63f, after Nova 17.0.10) 200 and
    204; the attach ends ``in-use`` either way."""
    env = NovaEnv(profile)
    sid = env.boot()
    vid = _volume(env)
    assert _attach(env, sid, {"volumeId": vid}).status == 200
    env.cloud.run_until_idle()
    answers = [
        (e["call"], e["status"])
        for e in env.cloud.trace.filter(kind="http.response", callee="cinder-api")
        if e["call"].startswith("attachment_")
    ]
    assert answers == [
        ("attachment_create", created),
        ("attachment_update", 200),
        ("attachment_complete", completed),
    ]
    assert _cinder(env, vid)["status"] == "in-use"
