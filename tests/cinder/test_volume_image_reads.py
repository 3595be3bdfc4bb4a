"""A volume create from an image reads the image from Glance twice, as real Cinder does (the
controller's ``_image_uuid_from_ref``, then ``ExtractVolumeRequestTask``'s): two requests sent
and answered, whether the second builds Glance's answer again or takes the one Glance just gave
(1fa4e96e: the same caller and service token, nothing run between)."""

import pytest
from cinder_support import ADMIN, MEMBER, call, glance_image

from fakecloud import Cloud


def _reads(cloud, image_id):
    """The kinds and statuses of Cinder's show requests of `image_id` to Glance, in order."""
    out = []
    subject = f"GET /v2/images/{image_id}"
    for event in cloud.trace.filter(kind=("http.request", "http.response"), subject=subject):
        if event["callee"] == "glance-api" and event["actor"] == "cinder-api":
            out.append((event["kind"], dict(event).get("status")))
    return out


def test_a_volume_from_an_image_reads_it_twice_each_answered():
    cloud = Cloud(seed=2)
    image_id = glance_image(cloud, 1024, ctx=ADMIN)
    resp = call(cloud, "POST", "volumes", {"volume": {"size": 1, "imageRef": image_id}}, ctx=MEMBER)
    assert resp.status == 202, resp.json()
    twice = [("http.request", None), ("http.response", 200)] * 2
    assert _reads(cloud, image_id) == twice


def _volume_from_cirros(cloud):
    """POST a 1 GB volume from the cloud's cirros image as ``demo``: (image id, volume id)."""
    images = cloud.request("image", "GET", "/v2/images?name=cirros-0.6.2-x86_64-disk").json()
    image_id = images["images"][0]["id"]
    body = {"volume": {"size": 1, "imageRef": image_id}}
    r = cloud.request("block-storage", "POST", "/v3/{project_id}/volumes", body=body)
    assert r.status == 202, r.json()
    return image_id, r.json()["volume"]["id"]


def _volume_reads(cloud):
    """cinder-volume's requests to Glance: (call, status) of each answer, in order."""
    return [
        (e["call"], e["status"])
        for e in cloud.trace.filter(kind="http.response", callee="glance-api")
        if e["actor"].startswith("cinder-volume")
    ]


def _status(cloud, volume_id):
    shown = cloud.request("block-storage", "GET", f"/v3/{{project_id}}/volumes/{volume_id}")
    return shown.json()["volume"]["status"]


@pytest.mark.parametrize(
    ("profile", "reads"),
    [
        # cinder 26.x: get_location is glanceclient's get
        ("nova-31.0.0", [("get_location", 200), ("show", 200)]),
        # cinder 27.0.0 (b851d08e8): the location API first, as the [glance] user, after
        # glanceclient's has_version('v2.17') read of GET /versions
        ("nova-32.0.0", [("get_image_locations", 200)] * 2 + [("show", 200)]),
    ],
)
def test_cinder_volume_reads_the_image_before_its_download(profile, reads):
    """``ExtractVolumeSpecTask`` (cinder 12.0.10-29.0.0) asks ``get_location``, then
    ``show``, before the download; from 27.0.0 ``get_location`` asks ``GET
    /v2/images/{id}/locations`` as the ``[glance]`` user (devstack's ``glance``: a token of
    its own, issued for the request), whose answer makes the ``get`` unneeded."""
    cloud = Cloud(seed=1, profile=profile)
    image_id, volume_id = _volume_from_cirros(cloud)
    cloud.run_until_idle()
    assert _status(cloud, volume_id) == "available"
    assert _volume_reads(cloud) == [*reads, ("download", 200)]
    subjects = [str(e["subject"]) for e in cloud.trace.filter(
        kind="http.response", callee="glance-api", call="get_image_locations")]  # fmt: skip
    located = reads[0][0] == "get_image_locations"
    asked = ["GET /versions", f"GET /v2/images/{image_id}/locations"]
    assert subjects == (asked if located else [])
    issued = [(e["scope"], e["roles"]) for e in cloud.trace.filter(
        kind="identity.token_issued", subject="glance")]  # fmt: skip
    glance_user = located
    roles = ["admin", "service", "manager", "member", "reader"]  # and the ones admin implies
    assert issued == ([("project:service", roles)] if glance_user else [])


@pytest.mark.parametrize(
    ("profile", "read"), [("seed", "get_location"), ("nova-31.0.0", "get_location"),
                          ("upstream", "get_image_locations")]
)  # fmt: skip
def test_an_image_deleted_after_the_apis_reads_is_rescheduled_then_the_volume_errors(profile, read):
    """An image deleted between cinder-api's reads and cinder-volume's: its ``get_location``
    is Glance's 404, ``ImageNotFound``, which ``OnFailureRescheduleTask`` reschedules (not
    among its ``no_reschedule_types``, 12.0.10-29.0.0): the scheduler places the volume again
    on the only backend, three times (``scheduler_max_attempts``), the volume ``creating``
    meanwhile; the fourth placing is ``NoValidBackend`` ("Exceeded max scheduling attempts 3
    for resource ID"): ``error``, and the user message of the scheduler's failed allocation
    (``NoValidBackend``'s detail 003).
    Nothing downloaded. fakecloud errored the volume at the first read."""
    cloud = Cloud(seed=1, profile=profile)
    image_id, volume_id = _volume_from_cirros(cloud)
    r = cloud.request("image", "DELETE", f"/v2/images/{image_id}", user="admin")
    assert r.status == 204
    cloud.run_until_idle()
    assert _status(cloud, volume_id) == "error"
    # from 27.0.0 the location API's 404 (after has_version's GET /versions) ends the read
    assert [status for call, status in _volume_reads(cloud) if call == read].count(404) == 3
    assert cloud.trace.filter(kind="io.start", label="cinder.image_download") == []
    errors = [e["error"] for e in cloud.trace.filter(kind="cinder.error", subject=volume_id)]
    assert errors[-1] == (
        f"No valid backend was found. Exceeded max scheduling attempts 3 for resource {volume_id}"
    )
    assert len(errors) == 4
    shown = call(cloud, "GET", "messages", ctx=MEMBER, version="3.3").json()["messages"]
    assert [(m["resource_uuid"], m["event_id"], m["user_message"]) for m in shown] == [
        (volume_id, "VOLUME_VOLUME_001_003",
         "schedule allocate volume:Could not find any available weighted backend.")
    ]  # fmt: skip


def test_without_retries_an_image_deleted_errors_the_volume_at_the_first_read():
    """``scheduler_max_attempts: 1``: the request has no retry information
    (``_populate_retry``), ``do_reschedule`` is false and the flow's revert errors the
    volume; no user message (the manager records none for ``ImageNotFound``)."""
    cloud = Cloud(seed=1, profile="nova-31.0.0", config={"cinder": {"scheduler_max_attempts": 1}})
    image_id, volume_id = _volume_from_cirros(cloud)
    assert cloud.request("image", "DELETE", f"/v2/images/{image_id}", user="admin").status == 204
    cloud.run_until_idle()
    assert _status(cloud, volume_id) == "error"
    assert _volume_reads(cloud) == [("get_location", 404)]
    assert call(cloud, "GET", "messages", ctx=MEMBER, version="3.3").json()["messages"] == []


def test_without_a_glance_user_the_location_api_refuses_the_users_token_and_get_follows():
    """Cinder 27.0.0 with no ``[glance]`` user (``identity.service_users: {glance: null}``)
    sends the caller's token to the location API, which Glance 33.0.0's ``rule:service_api``
    (``role:service or role:admin``) refuses a member: ``get_location`` falls back to
    ``get`` on the 403, and the volume is made."""
    config = {"identity": {"service_users": {"glance": None}}}
    cloud = Cloud(seed=1, profile="nova-34.0.0", config=config)
    _, volume_id = _volume_from_cirros(cloud)
    cloud.run_until_idle()
    assert _status(cloud, volume_id) == "available"
    assert _volume_reads(cloud) == [
        ("get_image_locations", 200),  # has_version's GET /versions
        ("get_image_locations", 403),
        ("get_location", 200),
        ("show", 200),
        ("download", 200),
    ]


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_a_failed_download_errors_the_volume_at_once(profile):
    """``volume_utils.copy_image_to_volume`` (``_copy_image_to_volume`` before) makes any
    failure of the download ``ImageCopyFailure``, the first of ``no_reschedule_types``: the
    volume ``error`` after one download, not rescheduled, and no user message (12.0.10-29.0.0
    record none for it)."""
    cloud = Cloud(seed=1, profile=profile)
    cloud.faults.add(
        "io.transfer", error=RuntimeError("reset"), match={"label": "cinder.image_download"}
    )
    _, volume_id = _volume_from_cirros(cloud)
    cloud.run_until_idle()
    assert _status(cloud, volume_id) == "error"
    assert len(cloud.trace.filter(kind="io.start", label="cinder.image_download")) == 1
    assert [c for c, _ in _volume_reads(cloud)].count("download") == 1
    assert call(cloud, "GET", "messages", ctx=MEMBER, version="3.3").json()["messages"] == []
