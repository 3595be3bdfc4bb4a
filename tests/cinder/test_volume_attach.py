"""The attach flows (spec A1.3): the legacy actions (os-reserve, os-unreserve,
os-begin_detaching, os-roll_detaching, os-attach, os-detach) and the attachments API
(create/update/complete/delete, 3.27+ and 3.44+)."""

import pytest
from cinder_support import (
    ADMIN,
    CONNECTOR,
    MEMBER,
    MISSING,
    NOVA,
    OTHER,
    SERVER,
    SERVER_2,
    SERVICE,
    attach,
    call,
    create_volume,
    fault,
    reset_volume,
    states,
)

from fakecloud import Cloud
from fakecloud.cinder import compute
from fakecloud.cinder.attachments import DELETION_CHECK
from fakecloud.identity.context import RequestContext, with_service_token
from fakecloud.nova.service_auth import SERVICE_USER, as_sent
from fakecloud.profiles.releases import release
from tests.booted import booted


@pytest.fixture
def cloud():
    # Cinder 29.0.0 (2026.2): microversions to 3.71 (a Queens cloud's Cinder stops at 3.50).
    return booted(profile="upstream")


@pytest.fixture
def vid(cloud):
    return create_volume(cloud)


def action(cloud, vid, name, args=None, ctx=MEMBER):
    return call(cloud, "POST", f"volumes/{vid}/action", {name: args}, ctx=ctx)


def status(cloud, vid):
    vol = cloud.cinder.volume(vid)
    return vol.status, vol.attach_status


# -- legacy flow ------------------------------------------------------------------------------


def test_legacy_attach_and_detach(cloud, vid):
    assert action(cloud, vid, "os-reserve").status == 202
    assert status(cloud, vid) == ("attaching", "detached")
    args = {"instance_uuid": SERVER, "mountpoint": "/dev/vdb", "mode": "rw"}
    assert action(cloud, vid, "os-attach", args).status == 202
    assert status(cloud, vid) == ("in-use", "attached")
    shown = call(cloud, "GET", f"volumes/{vid}").json()["volume"]
    (att,) = shown["attachments"]
    assert (att["server_id"], att["device"], att["volume_id"], att["host_name"]) == (
        SERVER,
        "/dev/vdb",
        vid,
        None,
    )
    assert action(cloud, vid, "os-begin_detaching").status == 202
    assert status(cloud, vid) == ("detaching", "attached")
    assert action(cloud, vid, "os-roll_detaching").status == 202
    assert status(cloud, vid) == ("in-use", "attached")
    action(cloud, vid, "os-begin_detaching")
    assert action(cloud, vid, "os-detach", {"attachment_id": att["attachment_id"]}).status == 202
    assert status(cloud, vid) == ("available", "detached")
    assert states(cloud, vid) == [
        "creating", "available", "attaching", "in-use", "detaching", "in-use", "detaching",
        "available",
    ]  # fmt: skip


@pytest.mark.parametrize("current", ["in-use", "attaching", "reserved", "error", "maintenance"])
def test_reserve_needs_available(cloud, vid, current):
    if current == "in-use":
        attach(cloud, vid)
    else:
        reset_volume(cloud, vid, current)
    assert fault(action(cloud, vid, "os-reserve")) == (
        "badRequest",
        400,
        f"Invalid volume: Volume status must be available to reserve, but the status is {current}.",
    )


def test_unreserve_goes_back_to_available_or_in_use_and_ignores_other_statuses(cloud, vid):
    action(cloud, vid, "os-reserve")
    action(cloud, vid, "os-unreserve")
    assert status(cloud, vid) == ("available", "detached")
    action(cloud, vid, "os-unreserve")
    assert status(cloud, vid) == ("available", "detached")
    attach(cloud, vid)
    reset_volume(cloud, vid, "attaching")
    action(cloud, vid, "os-unreserve")
    assert status(cloud, vid) == ("in-use", "attached")


@pytest.mark.parametrize("current", ["available", "reserved", "detaching"])
def test_begin_detaching_needs_in_use_and_attached(cloud, vid, current):
    if current != "available":
        attach(cloud, vid)
        reset_volume(cloud, vid, current)
    assert fault(action(cloud, vid, "os-begin_detaching")) == (
        "badRequest",
        400,
        "Invalid volume: Unable to detach volume. Volume status must be 'in-use' and "
        "attach_status must be 'attached' to detach.",
    )


def test_roll_detaching_only_moves_detaching(cloud, vid):
    action(cloud, vid, "os-roll_detaching")
    assert status(cloud, vid) == ("available", "detached")


def test_second_attach_of_a_non_multiattach_volume_is_refused(cloud, vid):
    attach(cloud, vid, SERVER)
    args = {"instance_uuid": SERVER_2, "mountpoint": "/dev/vdc"}
    assert fault(action(cloud, vid, "os-attach", args))[2] == (
        "Invalid volume: volume is already attached and multiple attachments are not enabled"
    )


def test_actions_on_another_projects_volume_are_404(cloud, vid):
    assert fault(action(cloud, vid, "os-reserve", ctx=OTHER)) == (
        "itemNotFound",
        404,
        f"Volume {vid} could not be found.",
    )


# -- attachments API --------------------------------------------------------------------------


def _att_create(cloud, vid, server=SERVER, connector=None, version="3.44", ctx=MEMBER):
    body = {"attachment": {"volume_uuid": vid, "instance_uuid": server}}
    if connector is not None:
        body["attachment"]["connector"] = connector
    return call(cloud, "POST", "attachments", body, version=version, ctx=ctx)


def test_reserve_update_complete_delete(cloud, vid):
    resp = _att_create(cloud, vid)
    assert resp.status == 200
    att = resp.json()["attachment"]
    assert (att["status"], att["instance"], att["volume_id"], att["connection_info"]) == (
        "reserved",
        SERVER,
        vid,
        {},
    )
    assert (att["attached_at"], att["detached_at"], att["attach_mode"]) == ("", "", "null")
    assert status(cloud, vid) == ("reserved", "detached")
    aid = att["id"]
    resp = call(
        cloud, "PUT", f"attachments/{aid}",
        {"attachment": {"connector": {**CONNECTOR, "mountpoint": "/dev/vdb"}}},
        version="3.44",
    )  # fmt: skip
    assert resp.status == 200
    att = resp.json()["attachment"]
    # The API's own object, read before the manager's update (the cinder oracle): reserved,
    # no mode, no time; the row itself is attaching.
    assert (att["status"], att["attach_mode"], att["attached_at"]) == ("reserved", "null", "")
    assert att["connection_info"]["driver_volume_type"] == "iscsi"
    assert att["connection_info"]["attachment_id"] == aid
    assert status(cloud, vid) == ("attaching", "attaching")
    resp = call(cloud, "POST", f"attachments/{aid}/action", {"os-complete": {}}, version="3.44")
    assert (resp.status, resp.body) == (204, None)
    assert status(cloud, vid) == ("in-use", "attached")
    resp = call(cloud, "DELETE", f"attachments/{aid}", version="3.44")
    assert resp.status == 200
    assert resp.json() == {"attachments": []}
    assert status(cloud, vid) == ("available", "detached")
    assert fault(call(cloud, "GET", f"attachments/{aid}", version="3.44")) == (
        "itemNotFound",
        404,
        f"Volume attachment could not be found with filter: attachment_id = {aid}.",
    )


def test_create_with_connector_connects_at_once(cloud, vid):
    """``API.attachment_create`` (12.0.10-29.0.0) answers the row it reserved, saved with the
    connection info and mode only: ``reserved``, no time; the manager's update made the row
    and the volume ``attaching`` (the cinder oracle, session 25)."""
    att = _att_create(cloud, vid, connector=CONNECTOR).json()["attachment"]
    assert (att["status"], att["attached_at"], att["attach_mode"]) == ("reserved", "", "null")
    assert att["connection_info"]["driver_volume_type"] == "iscsi"
    assert status(cloud, vid) == ("attaching", "attaching")
    shown = call(cloud, "GET", f"attachments/{att['id']}", version="3.54").json()["attachment"]
    assert (shown["status"], shown["attach_mode"]) == ("attaching", "null")
    assert shown["attached_at"]


def test_deleting_a_reserved_attachment_makes_the_volume_available(cloud, vid):
    aid = _att_create(cloud, vid).json()["attachment"]["id"]
    call(cloud, "DELETE", f"attachments/{aid}", version="3.44")
    assert status(cloud, vid) == ("available", "detached")


@pytest.mark.parametrize("current", ["error", "error_restoring", "error_extending"])
def test_volumes_in_an_error_status_cannot_be_attached(cloud, vid, current):
    reset_volume(cloud, vid, current)
    assert fault(_att_create(cloud, vid)) == (
        "badRequest",
        400,
        "Invalid volume: Volume attachments can not be created if the volume is in an error "
        f"state. The Volume {vid} currently has a status of: {current} ",
    )


@pytest.mark.parametrize("current", ["in-use", "attaching", "maintenance", "creating"])
def test_reserve_needs_available_or_downloading(cloud, vid, current):
    if current == "in-use":
        attach(cloud, vid, SERVER_2)
    else:
        reset_volume(cloud, vid, current)
    assert fault(_att_create(cloud, vid)) == (
        "badRequest",
        400,
        f"Invalid volume: Volume {vid} status must be available or downloading to reserve, but "
        f"the current status is {current}.",
    )


def test_downloading_volume_may_be_reserved(cloud, vid):
    reset_volume(cloud, vid, "downloading")
    assert _att_create(cloud, vid).status == 200
    assert status(cloud, vid)[0] == "reserved"


def test_the_same_instance_may_reserve_again(cloud, vid):
    attach(cloud, vid, SERVER)
    resp = _att_create(cloud, vid, SERVER)
    assert resp.status == 200
    assert status(cloud, vid) == ("in-use", "attached")
    assert len(cloud.cinder.volume(vid).attachments) == 2


def test_multiattach_type_allows_a_second_server():
    cloud = Cloud(
        config={
            "cinder": {
                "volume_types": {
                    "__DEFAULT__": {"backend": "lvmdriver-1"},
                    "multi": {
                        "backend": "lvmdriver-1",
                        "extra_specs": {"multiattach": "<is> True"},
                    },
                }
            }
        }
    )
    vid = create_volume(cloud, volume_type="multi")
    attach(cloud, vid, SERVER)
    assert _att_create(cloud, vid, SERVER_2).status == 200
    assert status(cloud, vid) == ("reserved", "attached")


def test_update_on_an_error_volume_is_409(cloud, vid):
    aid = _att_create(cloud, vid).json()["attachment"]["id"]
    reset_volume(cloud, vid, "error")
    resp = call(
        cloud, "PUT", f"attachments/{aid}", {"attachment": {"connector": CONNECTOR}},
        version="3.44",
    )  # fmt: skip
    assert fault(resp) == (
        "conflictingRequest",
        409,
        "Resource conflict: Volume attachments can not be updated if the volume is in an error "
        f"state. The Volume {vid} currently has a status of: error ",
    )


def test_attachments_need_3_27_and_complete_needs_3_44(cloud, vid):
    assert fault(_att_create(cloud, vid, version="3.26")) == (
        "itemNotFound",
        404,
        "The resource could not be found.",
    )
    aid = _att_create(cloud, vid, version="3.27").json()["attachment"]["id"]
    resp = call(cloud, "POST", f"attachments/{aid}/action", {"os-complete": {}}, version="3.43")
    assert resp.status == 404
    # the action is looked up before its method's microversion is asked (wsgi.py
    # Resource._process_stack: get_method, then dispatch): an unknown one is a 400 even at 3.0
    resp = call(cloud, "POST", f"attachments/{aid}/action", {"os-frob": {}}, version="3.0")
    assert fault(resp)[:2] == ("badRequest", 400)
    assert fault(resp)[2].startswith("There is no such action: os-frob.")
    assert call(cloud, "GET", "attachments", version="3.26").status == 404


def test_mode_is_accepted_from_3_54(cloud, vid):
    body = {"attachment": {"volume_uuid": vid, "instance_uuid": SERVER, "mode": "ro"}}
    assert call(cloud, "POST", "attachments", body, version="3.53").status == 400
    resp = call(cloud, "POST", "attachments", body, version="3.54")
    assert resp.json()["attachment"]["attach_mode"] == "ro"


def test_unknown_volume_and_unknown_attachment(cloud):
    assert fault(_att_create(cloud, MISSING)) == (
        "itemNotFound",
        404,
        f"Volume {MISSING} could not be found.",
    )
    assert call(cloud, "DELETE", f"attachments/{MISSING}", version="3.44").status == 404


def test_attachment_list_is_per_project(cloud, vid):
    aid = attach(cloud, vid)
    other_vid = create_volume(cloud, ctx=OTHER)
    _att_create(cloud, other_vid, ctx=OTHER)
    listed = call(cloud, "GET", "attachments", version="3.44").json()["attachments"]
    assert listed == [{"id": aid, "status": "attached", "instance": SERVER, "volume_id": vid}]
    detail = call(cloud, "GET", "attachments/detail", version="3.44").json()["attachments"]
    assert detail[0]["connection_info"]["target_lun"] == 0


def test_user_delete_of_an_attachment_nova_still_uses_is_409(cloud, vid):
    aid = attach(cloud, vid, SERVER)
    cloud.cinder.server_volume_attachment = lambda ctx, server, volume: aid
    resp = call(cloud, "DELETE", f"attachments/{aid}", version="3.44")
    assert fault(resp) == (
        "conflictingRequest",
        409,
        f"ConflictNovaUsingAttachment: Detach volume from instance {SERVER} using the Compute API",
    )
    # The caller's own service role is no service token (is_service_request reads the
    # token's roles); Nova's request, with its service token, may delete it.
    resp = call(cloud, "DELETE", f"attachments/{aid}", version="3.44", ctx=SERVICE)
    assert fault(resp)[:2] == ("conflictingRequest", 409)
    assert call(cloud, "DELETE", f"attachments/{aid}", version="3.44", ctx=NOVA).status == 200
    assert status(cloud, vid) == ("available", "detached")


def test_user_delete_is_allowed_when_nova_does_not_know_the_server(cloud, vid):
    """The cloud's Nova is asked (no test hook): its 404 lets the delete through."""
    aid = attach(cloud, vid, SERVER)
    assert call(cloud, "DELETE", f"attachments/{aid}", version="3.44").status == 200
    asked = f"GET /v2.1/servers/{SERVER}/os-volume_attachments/{vid}"
    assert [e["status"] for e in cloud.trace.filter(kind="api.response", subject=asked)] == [404]


def test_a_detached_volume_stays_exported_for_lios_terminate_connection(cloud, vid):
    """``remove_export`` leaves ``provider_location``: once connected, a volume stays
    exported after its attachment is deleted, so LIO's ``terminate_connection`` still reads
    the connector's initiator (without it the 500); a volume never connected is not exported
    (202). fakecloud counted only the attachments holding a connector."""
    aid = attach(cloud, vid, SERVER)
    assert call(cloud, "DELETE", f"attachments/{aid}", version="3.44").status == 200
    body = {"os-terminate_connection": {"connector": {"host": "cmp-1"}}}
    resp = call(cloud, "POST", f"volumes/{vid}/action", body, allow_500=True)
    assert fault(resp) == (
        "computeFault",
        500,
        "Unable to terminate volume connection from backend.",
    )
    assert action(cloud, create_volume(cloud), *body.popitem()).status == 202


def test_terminate_connection_is_refused_while_nova_holds_the_attachment(cloud, vid):
    """``os-terminate_connection`` (``API.terminate_connection``): the volume's one attachment
    is checked as a delete is, then the volume is unreserved (nothing to do when in-use)."""
    aid = attach(cloud, vid, SERVER)
    connector = {"connector": CONNECTOR}
    cloud.cinder.server_volume_attachment = lambda ctx, server, volume: aid
    assert fault(action(cloud, vid, "os-terminate_connection", connector))[:2] == (
        "conflictingRequest",
        409,
    )
    cloud.cinder.server_volume_attachment = None  # the cloud's Nova: no such server
    assert action(cloud, vid, "os-terminate_connection", connector).status == 202
    assert status(cloud, vid) == ("in-use", "attached")


@pytest.mark.parametrize(
    ("profile", "body", "message"),
    [
        (
            "upstream",
            {},
            "Invalid input for field/attribute os-terminate_connection. Value: {}. "
            "'connector' is a required property",
        ),
        ("seed", {}, "Must specify 'connector'"),
        ("seed", [], "The server could not comply with the request"),
    ],
)
def test_terminate_connection_body_per_series(profile, body, message):
    """From 13.0.0 the action's schema; Queens reads ``body[action]['connector']`` after the
    volume's lookup, its ``KeyError`` a 400 of its own, a ``TypeError`` WebOb's."""
    cloud = booted(profile=profile)
    resp = action(cloud, create_volume(cloud), "os-terminate_connection", body)
    assert fault(resp)[:2] == ("badRequest", 400)
    assert fault(resp)[2].startswith(message), fault(resp)


@pytest.mark.parametrize(("profile", "refused"), [("nova-27.0.0", False), ("nova-27.1.0", True)])
def test_the_refusal_comes_with_cinder_23_and_its_backports(profile, refused):
    """``attachment_deletion_allowed`` came with 23.0.0 (bug #2004555) and its backport to
    22.1.0, beside Nova 27.1.0: Cinder 22.0.0 lets a user delete an attachment Nova uses, by
    the attachments API or the legacy ``os-detach``."""
    cloud = booted(profile=profile)
    for how in ("attachments", "os-detach"):
        vid = create_volume(cloud)
        aid = attach(cloud, vid, SERVER)
        cloud.cinder.server_volume_attachment = lambda ctx, server, volume, aid=aid: aid
        if how == "attachments":
            resp = call(cloud, "DELETE", f"attachments/{aid}", version="3.44")
        else:
            body = {"os-detach": {"attachment_id": aid}}
            resp = call(cloud, "POST", f"volumes/{vid}/action", body)
        if refused:
            assert fault(resp)[:2] == ("conflictingRequest", 409), how
            assert status(cloud, vid) == ("in-use", "attached")
        else:
            assert resp.status in (200, 202), (how, resp.json())
            assert status(cloud, vid) == ("available", "detached")


def test_the_deletion_check_by_release():
    """6df1839bd reached Cinder 23.0.0 (Nova 28.0.0) and, backported, the May 2023 point
    releases 20.3.0, 21.3.0 and 22.1.0, beside Nova 25.2.0, 26.2.0 and 27.1.0; Xena's backport
    is in no release."""
    checked = [
        r
        for r in ("24.2.1", "25.1.1", "25.2.0", "26.1.1", "26.2.0", "27.0.0", "27.1.0", "28.0.0")
        if DELETION_CHECK.reaches(release(r))
    ]
    assert checked == ["25.2.0", "26.2.0", "27.1.0", "28.0.0"]


@pytest.mark.parametrize(("profile", "token"), [("nova-27.0.0", None), ("nova-27.1.0", "nova")])
def test_a_periodic_tasks_context_reaches_cinder_as_novas_cinder_user(profile, token):
    """``_get_auth``: an anonymous admin context (``get_admin_context()``) calls Cinder with the
    ``[cinder]`` auth (devstack: ``nova`` in ``service``), its request id kept; Nova's service
    token beside it from 41c64b94b0 (28.0.0, 27.1.0, 26.2.0, 25.2.0)."""
    periodic = RequestContext(user_id=None, project_id=None, roles=("admin",), request_id="req-p")
    cloud = booted(profile=profile)
    sent = as_sent(cloud.kernel, periodic)
    assert (sent.user_name, sent.project_name, sent.request_id) == ("nova", "service", "req-p")
    nova = cloud.keystone.token_for("nova").context  # a user of the cloud's Keystone
    assert (sent.user_id, sent.project_id) == (nova.user_id, nova.project_id)
    assert sent.extra.get("service_user_id") == (nova.user_id if token else None)


@pytest.mark.parametrize(("send", "sent_one"), [(None, True), (False, False)])
def test_cinder_asks_nova_with_its_own_service_token_not_the_one_it_was_sent(send, sent_one):
    """``novaclient(context)`` (``get_server_volume``): the user's token, and Cinder's own
    service token when ``[service_user] send_service_user_token`` is on (devstack's from
    Cinder 25.0.0: its ``cinder`` user's, a user of the cloud's Keystone); the service token
    Nova sent Cinder never goes on to Nova."""
    cloud = Cloud(profile="upstream", config={"cinder": {"send_service_user_token": send}})
    sent = compute.as_sent(cloud.kernel, NOVA)
    assert (sent.user_id, sent.roles, sent.request_id) == (MEMBER.user_id, MEMBER.roles, "")
    cinder = cloud.keystone.directory.user_by_name("cinder", "default")
    assert sent.extra.get("service_user_id") == (cinder.id if sent_one else None)


def test_an_admins_force_detach_of_an_attachment_nova_uses_needs_a_service_token(cloud, vid):
    """``os-force_detach`` is ``terminate_connection`` then ``detach``: both check the delete
    (bug #2004555), so an admin's own force detach is 409 while Nova uses the attachment; with
    a service token (what Nova sends) it goes."""
    aid = attach(cloud, vid, SERVER)
    cloud.cinder.server_volume_attachment = lambda ctx, server, volume: aid
    args = {"attachment_id": aid, "connector": CONNECTOR}
    assert fault(action(cloud, vid, "os-force_detach", args, ctx=ADMIN))[:2] == (
        "conflictingRequest",
        409,
    )
    assert status(cloud, vid) == ("in-use", "attached")
    as_service = with_service_token(ADMIN, SERVICE_USER)
    assert action(cloud, vid, "os-force_detach", args, ctx=as_service).status == 202
    assert status(cloud, vid) == ("available", "detached")


def test_os_detach_naming_no_attachment_is_refused_unless_a_service_asks(cloud, vid):
    """``attachment_deletion_allowed`` with an attachment id that names no row: nothing tells
    it Nova is not using it, so a user's ``os-detach`` is 409 with no instance in the message
    (even of a volume with no attachments); a service's goes on to the manager, which finds
    nothing attached (202)."""
    args = {"attachment_id": MISSING}
    assert fault(action(cloud, vid, "os-detach", args)) == (
        "conflictingRequest",
        409,
        "ConflictNovaUsingAttachment: Detach volume from instance  using the Compute API",
    )
    assert action(cloud, vid, "os-detach", args, ctx=NOVA).status == 202
    assert status(cloud, vid) == ("available", "detached")
