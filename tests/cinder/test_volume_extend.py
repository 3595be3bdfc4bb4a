"""``os-extend``: Cinder's ``API._extend`` (checks, ``extending``, the ``gigabytes``
reservation), the scheduler's room check and the manager's ``extend_volume`` (quota committed,
size set, back to ``available``/``in-use``; a driver failure is ``error_extending``). An
``in-use`` volume is extended only from 3.42 (``extend_attached_volume``)."""

import pytest
from cinder_support import (
    ADMIN,
    RPC,
    absolute,
    attach,
    call,
    create_volume,
    fault,
    reset_volume,
    states,
)

from fakecloud import Cloud

CREATE_S = 0.5


@pytest.fixture
def cloud():
    # Cinder 29.0.0's series: Queens' os-extend read its body by hand
    # (tests/cinder/test_series_validation.py).
    return Cloud(
        profile="upstream",
        config={
            "cinder": {
                "backends": {
                    "b1": {"kind": "lvm-thin", "volume_create_s": CREATE_S, "capacity_gb": 10}
                },
                "volume_types": {"__DEFAULT__": {"backend": "b1"}},
            },
            # No compute host: Cinder finds no Nova to tell of an extended volume.
            "nova": {"compute_hosts": 0},
        },
    )


def _extend(cloud, vid, new_size, version=None):
    body = {"os-extend": {"new_size": new_size}}
    return call(cloud, "POST", f"volumes/{vid}/action", body, version=version)


def _size(cloud, vid):
    return call(cloud, "GET", f"volumes/{vid}").json()["volume"]["size"]


def test_an_available_volume_grows_and_its_gigabytes_are_counted(cloud):
    vid = create_volume(cloud, 1)
    t0 = cloud.now
    resp = _extend(cloud, vid, "3")
    assert (resp.status, resp.body) == (202, None)
    assert call(cloud, "GET", f"volumes/{vid}").json()["volume"]["status"] == "extending"
    cloud.run_until_idle()
    assert states(cloud, vid) == ["creating", "available", "extending", "available"]
    done = cloud.trace.first(kind="state", subject=vid, old="extending")["t"]
    assert done - t0 == pytest.approx(2 * RPC + CREATE_S)
    assert _size(cloud, vid) == 3
    assert absolute(cloud)["totalGigabytesUsed"] == 3


def test_the_checks_and_their_messages(cloud):
    vid = create_volume(cloud, 2)
    assert fault(_extend(cloud, vid, 2)) == (
        "badRequest",
        400,
        "Invalid input received: New size for extend must be greater than current size. "
        "(current: 2, extended: 2).",
    )
    name, code, message = fault(_extend(cloud, vid, "x"))
    assert (name, code) == ("badRequest", 400)
    assert message.startswith("Invalid input for field/attribute new_size. Value: x.")
    assert fault(_extend(cloud, vid, 2000)) == (
        "overLimit",
        413,
        "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed "
        "gigabytes quota. Requested 1998G, quota is 1000G and 2G has been consumed.",
    )
    assert states(cloud, vid) == ["creating", "available", "extending", "available"]
    attach(cloud, vid)
    assert fault(_extend(cloud, vid, 3)) == (
        "badRequest",
        400,
        f"Invalid volume: Volume {vid} status must be '{{'status': 'available'}}' to extend, "
        "currently in-use.",
    )
    # From 3.42 an attached volume is extended; Nova not told of it (here: none deployed) is
    # a user message.
    assert _extend(cloud, vid, 3, version="3.42").status == 202
    cloud.run_until_idle()
    assert states(cloud, vid)[-2:] == ["extending", "in-use"]
    assert _size(cloud, vid) == 3
    (message,) = call(cloud, "GET", "messages", version="3.3").json()["messages"]
    assert (message["resource_uuid"], message["user_message"]) == (
        vid,
        "extend volume:Compute service failed to extend volume.",
    )


def test_no_room_on_the_backend_or_a_driver_failure(cloud):
    vid = create_volume(cloud, 2)
    # capacity_gb 10: 2 used, 9 more does not fit; the scheduler puts the volume back.
    assert _extend(cloud, vid, 11).status == 202
    cloud.run_until_idle()
    assert states(cloud, vid)[-2:] == ["extending", "available"]
    assert (_size(cloud, vid), absolute(cloud)["totalGigabytesUsed"]) == (2, 2)
    (error,) = cloud.trace.filter(kind="cinder.error", subject=vid)
    assert (error["op"], error["error"]) == (
        "extend_volume",
        f"Cannot place volume {vid} on cinder@b1#b1.",
    )
    cloud.faults.add("cinder.driver", error="CinderBackendError", match={"op": "extend_volume"})
    assert _extend(cloud, vid, 4).status == 202
    cloud.run_until_idle()
    assert states(cloud, vid)[-2:] == ["extending", "error_extending"]
    assert (_size(cloud, vid), absolute(cloud)["totalGigabytesUsed"]) == (2, 2)


def test_a_frozen_down_or_disabled_backend_takes_no_extend(cloud):
    """``backend_passes_filters``: the host manager keeps no frozen, down or disabled
    cinder-volume, so no weighed backend is the volume's: "Cannot place volume <id> on
    <service_topic_queue>.", the volume back to its status, the ``EXTEND_VOLUME`` message
    (cinder 12.0.0-29.0.0 scheduler/manager.py extend_volume, filter_scheduler.py)."""
    vid = create_volume(cloud, 1)

    def extended_to(size, version=None, volume=vid):
        assert _extend(cloud, volume, size, version=version).status == 202
        cloud.run_until_idle()
        return _size(cloud, volume), states(cloud, volume)[-2:]

    back = (1, ["extending", "available"])
    assert call(cloud, "PUT", "os-services/freeze", {"host": "cinder"}, ctx=ADMIN).status == 200
    assert extended_to(2) == back  # the API asks no frozen check of an extend
    assert call(cloud, "PUT", "os-services/thaw", {"host": "cinder"}, ctx=ADMIN).status == 200
    assert extended_to(2) == (2, ["extending", "available"])
    target = cloud.cinder.volume_target("b1")
    cloud.kernel.rpc.set_up(target, False)
    cloud.advance(70)  # its last heartbeat more than service_down_time (60 s) old
    assert extended_to(3) == (2, ["extending", "available"])
    cloud.kernel.rpc.set_up(target, True)
    cloud.advance(10)  # a heartbeat
    attached = create_volume(cloud, 1)
    attach(cloud, attached)
    body = {"host": "cinder@b1", "binary": "cinder-volume", "disabled_reason": "m"}
    assert call(cloud, "PUT", "os-services/disable-log-reason", body, ctx=ADMIN).status == 200
    assert extended_to(2, "3.42", attached) == (1, ["extending", "in-use"])
    errors = [e["error"] for e in cloud.trace.filter(kind="cinder.error", op="extend_volume")]
    assert errors == [f"Cannot place volume {v} on cinder@b1#b1." for v in (vid, vid, attached)]
    said = call(cloud, "GET", "messages", version="3.3").json()["messages"]
    assert [m["user_message"] for m in said] == [
        "extend volume:Could not find any available weighted backend."
    ] * 3
    assert absolute(cloud)["totalGigabytesUsed"] == 3


def test_an_admin_reset_while_extending_does_not_stop_the_extend(cloud):
    """Session 27: the scheduler and the manager never read the status (an admin's
    ``os-reset_status`` or ``os-force_detach`` meanwhile); fakecloud's dropped the extend and
    kept its gigabytes reserved for ever (``quota_usage_matches``)."""
    vid = create_volume(cloud, 1)
    assert _extend(cloud, vid, "3").status == 202
    reset_volume(cloud, vid, "error")
    cloud.run_until_idle()
    assert (_size(cloud, vid), states(cloud, vid)[-1]) == (3, "available")
    assert absolute(cloud)["totalGigabytesUsed"] == 3
    assert not cloud.check_invariants()
