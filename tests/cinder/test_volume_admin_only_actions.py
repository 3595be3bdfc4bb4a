"""``os-force_detach``, ``os-unmanage`` and ``os-extend_volume_completion`` (see
`fakecloud.cinder.admin_volume_actions`): bodies, policies, the states a user sees."""

import pytest
from cinder_support import (
    ADMIN,
    CONNECTOR,
    MEMBER,
    MISSING,
    SERVER,
    absolute,
    attach,
    call,
    create_snapshot,
    fault,
    states,
)
from cinder_support import create_volume as make_volume

from tests.booted import booted

NO_SUCH = (
    "There is no such action: {}. Verify the request body and Content-Type header and try again."
)


def _act(cloud, vid, body, ctx=ADMIN, version=None):
    return call(cloud, "POST", f"volumes/{vid}/action", body, ctx=ctx, version=version)


@pytest.fixture(scope="module")
def world():
    """An upstream cloud with one volume attached through the attachments API."""
    cloud = booted(profile="upstream")
    vid = make_volume(cloud, 1)
    return cloud, vid, attach(cloud, vid)


def test_force_detach_finishes_the_attachment_for_an_admin_only(world):
    """On the LIO target (devstack's from Xena) a connected volume's force detach needs the
    connector's initiator: without it the controller's 500, nothing changed."""
    cloud, vid, attachment = (world[0].fork(), *world[1:])
    body = {"os-force_detach": {"attachment_id": attachment, "connector": None}}
    assert fault(_act(cloud, vid, body, ctx=MEMBER)) == (
        "forbidden",
        403,
        "Policy doesn't allow volume_extension:volume_admin_actions:force_detach to be performed.",
    )
    failed = call(cloud, "POST", f"volumes/{vid}/action", body, ctx=ADMIN, allow_500=True)
    assert fault(failed) == (
        "computeFault",
        500,
        "Unable to terminate volume connection from backend.",
    )
    assert states(cloud, vid)[-1] == "in-use"
    body["os-force_detach"]["connector"] = CONNECTOR
    assert _act(cloud, vid, body).status == 202
    assert states(cloud, vid)[-2:] == ["in-use", "available"]
    assert states(cloud, attachment, "attach_status")[-2:] == ["detached", "deleted"]


def test_force_detach_body_schema_and_queens_reading():
    cloud = booted(profile="upstream")
    extra = {"os-force_detach": {"attachment_id": None, "host": "h"}}
    assert fault(_act(cloud, MISSING, extra))[2].endswith(
        "Additional properties are not allowed ('host' was unexpected)"
    )
    queens = booted(profile="nova-17.0.7")  # no schema: the lookup, the policy, then `.get`
    vid = make_volume(queens, 1)
    assert fault(_act(queens, vid, {"os-force_detach": "now"})) == (
        "badRequest",
        400,
        "Invalid value 'now' for os-force_detach.",
    )


def test_unmanage_forgets_the_volume_and_gives_its_quota_back(world):
    cloud = world[0].fork()
    vid = make_volume(cloud, 2)
    assert absolute(cloud)["totalGigabytesUsed"] == 3
    assert fault(_act(cloud, vid, {"os-unmanage": {}}, ctx=MEMBER))[:2] == ("forbidden", 403)
    assert _act(cloud, vid, {"os-unmanage": None}).status == 202
    assert states(cloud, vid)[-1] == "unmanaging"
    cloud.run_until_idle()
    assert states(cloud, vid)[-2:] == ["unmanaging", "deleted"]
    assert call(cloud, "GET", f"volumes/{vid}").status == 404
    assert absolute(cloud)["totalGigabytesUsed"] == 1


def test_unmanage_refuses_what_a_delete_refuses(world):
    cloud, vid = world[0].fork(), world[1]
    message = fault(_act(cloud, vid, {"os-unmanage": {}}))
    assert message[:2] == ("badRequest", 400)
    assert message[2].startswith(
        "Invalid volume: Volume status must be available or error or error_restoring or "
        "error_extending or error_managing and must not be migrating, attached"
    )
    other = make_volume(cloud, 1)
    snapshot = create_snapshot(cloud, other)
    assert fault(_act(cloud, other, {"os-unmanage": {}}))[2] == message[2]
    assert states(cloud, other)[-1] == "available"
    # the snapshot's own os-unmanage (snapshot_unmanage.py; was "no such action": the oracle)
    path, body = f"snapshots/{snapshot}/action", {"os-unmanage": {}}
    assert fault(call(cloud, "POST", path, body, ctx=MEMBER)) == (
        "forbidden",
        403,
        "Policy doesn't allow snapshot_extension:snapshot_unmanage to be performed.",
    )
    assert call(cloud, "POST", path, body, ctx=ADMIN).status == 202
    cloud.run_until_idle()
    assert states(cloud, snapshot)[-2:] == ["unmanaging", "deleted"]
    assert _act(cloud, other, {"os-unmanage": {}}).status == 202


def test_extend_volume_completion_from_cinder_24_at_any_microversion(world):
    cloud, vid = world[0].fork(), world[1]
    body = {"os-extend_volume_completion": {"error": False}}
    assert fault(_act(cloud, vid, body, ctx=MEMBER))[:2] == ("forbidden", 403)
    assert fault(_act(cloud, vid, body, version="3.0")) == (
        "badRequest",
        400,
        "Invalid volume: Volume is not being extended.",
    )
    bad = fault(_act(cloud, vid, {"os-extend_volume_completion": {"error": 1}}))
    assert bad[2].startswith("Invalid input for field/attribute error.")
    # Cinder 23 (2023.2) has no such action
    older = booted(profile="nova-28.3.1")
    assert fault(_act(older, MISSING, body))[2] == NO_SUCH.format("os-extend_volume_completion")


def test_extend_volume_completion_of_an_extending_volume_wants_admin_metadata(world):
    cloud = world[0].fork()
    vid = make_volume(cloud, 1)
    assert _act(cloud, vid, {"os-extend": {"new_size": 2}}, ctx=MEMBER).status == 202
    assert states(cloud, vid)[-1] == "extending"
    body = {"os-extend_volume_completion": {"error": "true"}}
    assert fault(_act(cloud, vid, body))[2] == (
        "Invalid volume: Required volume admin metadata is malformed or missing."
    )
    cloud.run_until_idle()  # the extend itself goes on
    assert states(cloud, vid)[-1] == "available"


def test_force_detach_of_a_volume_never_exported_needs_no_connector(world):
    """Tempest's ``test_force_detach_volume``: ``os-attach`` alone (no connection ever
    initialized) leaves no ``provider_location``, so the LIO target has nothing to remove and
    the force detach without a connector goes through (LP #2004555)."""
    cloud = world[0].fork()
    vid = make_volume(cloud, 1)
    assert _act(cloud, vid, {"os-reserve": None}, ctx=MEMBER).status == 202
    attach = {"os-attach": {"instance_uuid": SERVER, "mountpoint": "/dev/vdb"}}
    assert _act(cloud, vid, attach, ctx=MEMBER).status == 202
    shown = call(cloud, "GET", f"volumes/{vid}").json()["volume"]
    assert _act(cloud, vid, {"os-reset_status": {"status": "error"}}).status == 202
    detach = {"attachment_id": shown["attachments"][0]["attachment_id"], "connector": None}
    assert _act(cloud, vid, {"os-force_detach": detach}).status == 202
    cloud.run_until_idle()
    shown = call(cloud, "GET", f"volumes/{vid}").json()["volume"]
    assert (shown["status"], shown["attachments"]) == ("available", [])
