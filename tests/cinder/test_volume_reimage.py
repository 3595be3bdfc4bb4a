"""``os-reimage`` (3.68, Cinder 20 on; see `fakecloud.cinder.reimage`): the gates, the checks
and their messages, the volume ``downloading`` while the image's bytes are written, its image
metadata after, and Nova told for a reserved volume."""

import json

import pytest
from cinder_support import (
    MEMBER,
    MISSING,
    READER,
    RPC,
    SERVER,
    call,
    create_snapshot,
    fault,
    glance_image,
    reset_volume,
    states,
)
from cinder_support import create_volume as make_volume

from fakecloud import Cloud
from tests.booted import booted

DOWNLOAD_MB_PER_S = 10.0
IMAGE_BYTES = 20_000_000
NO_SUCH = "There is no such action: os-reimage. Verify the request body and Content-Type header "


def _cloud(profile="upstream"):
    config = {"cinder": {"image_download_mb_per_s": DOWNLOAD_MB_PER_S}}
    return Cloud(profile=profile, config=config)


def _reimage(cloud, vid, image_id, version="3.68", ctx=MEMBER, **more):
    body = {"os-reimage": {"image_id": image_id, **more}}
    return call(cloud, "POST", f"volumes/{vid}/action", body, ctx=ctx, version=version)


@pytest.fixture(scope="module")
def world():
    """An upstream cloud with a 1 GiB volume and a public 20 MB image."""
    cloud = _cloud()
    return cloud, make_volume(cloud, 1), glance_image(cloud, IMAGE_BYTES)


def test_the_volume_is_downloading_while_the_image_is_written_into_it(world):
    cloud, vid, image = world[0].fork(), *world[1:]
    t0 = cloud.now
    assert _reimage(cloud, vid, image).status == 202
    assert states(cloud, vid)[-1] == "downloading"
    cloud.run_until_idle()
    assert states(cloud, vid)[-2:] == ["downloading", "available"]
    done = cloud.trace.first(kind="state", subject=vid, old="downloading")["t"]
    assert done - t0 == pytest.approx(RPC + IMAGE_BYTES / (DOWNLOAD_MB_PER_S * 1e6))
    shown = call(cloud, "GET", f"volumes/{vid}").json()["volume"]
    assert shown["bootable"] == "true"
    assert shown["volume_image_metadata"]["image_id"] == image


def test_gates_series_microversion_and_body(world):
    cloud, vid, image = world
    assert fault(_reimage(cloud, vid, image, version="3.67")) == (
        "itemNotFound",
        404,
        "The resource could not be found.",
    )
    bad = fault(_reimage(cloud, vid, image, reimage_reserved="maybe"))
    assert bad[:2] == ("badRequest", 400)
    assert bad[2].startswith("Invalid input for field/attribute reimage_reserved.")
    xena = booted(profile="nova-24.2.1")  # Cinder 19
    assert fault(_reimage(xena, MISSING, image, version="3.66"))[2].startswith(NO_SUCH)


def test_policy_status_and_image_refusals(world):
    cloud, vid, image = world[0].fork(), *world[1:]
    assert fault(_reimage(cloud, vid, image, ctx=READER)) == (
        "forbidden",
        403,
        "Policy doesn't allow volume:reimage to be performed.",
    )
    assert fault(_reimage(cloud, vid, MISSING)) == (
        "itemNotFound",
        404,
        f"Image {MISSING} could not be found.",
    )
    big = glance_image(cloud, 2 * 1024**3)
    assert fault(_reimage(cloud, vid, big)) == (
        "badRequest",
        400,
        "Invalid input received: Size of specified image 2GB is larger than volume size 1GB.",
    )
    assert states(cloud, vid)[-2:] == ["downloading", "available"]  # rolled back (26.0.0 on)
    reset_volume(cloud, vid, "reserved")
    assert fault(_reimage(cloud, vid, image)) == (
        "badRequest",
        400,
        f"Invalid volume: Volume {vid} status must be available or error, but current status "
        "is reserved.",
    )


def test_before_cinder_26_a_refused_image_leaves_the_volume_downloading():
    cloud = _cloud("nova-30.3.0")  # Cinder 25
    vid = make_volume(cloud, 1)
    min_disk = glance_image(cloud, 1024, min_disk=5)
    assert fault(_reimage(cloud, vid, min_disk)) == (
        "badRequest",
        400,
        "Invalid input received: Volume size 1GB cannot be smaller than the image minDisk size "
        "5GB.",
    )
    assert states(cloud, vid)[-1] == "downloading"


def test_a_reserved_volume_has_nova_told_and_stays_reserved(world):
    cloud, vid, image = world[0].fork(), *world[1:]
    resp = call(
        cloud,
        "POST",
        "attachments",
        {"attachment": {"volume_uuid": vid, "instance_uuid": SERVER}},
        version="3.27",
    )
    assert resp.status == 200, resp.json()
    assert _reimage(cloud, vid, image, reimage_reserved=True).status == 202
    cloud.run_until_idle()
    assert states(cloud, vid)[-2:] == ["downloading", "reserved"]
    # Cinder's [nova] user (devstack: nova) tells Nova; no such server there: a 207 whose
    # event is a 404, which Cinder only logs (no user message, no error).
    sent = cloud.trace.first(kind="api.request", subject="POST /v2.1/os-server-external-events")
    answered = cloud.trace.first(kind="api.response", seq=sent["seq"] + 1)
    assert (sent["user"], answered["status"]) == ("nova", 207)
    assert call(cloud, "GET", "messages", version="3.3").json()["messages"] == []


def test_a_nova_snapshot_image_is_its_cinder_snapshot_reverted_onto_the_volume(world):
    cloud, vid = world[0].fork(), world[1]
    sid = create_snapshot(cloud, make_volume(cloud, 1))

    def image(size):
        boot = {"source_type": "snapshot", "boot_index": 0, "snapshot_id": sid, "volume_size": size}
        return glance_image(cloud, 0, block_device_mapping=json.dumps([boot]))

    assert fault(_reimage(cloud, vid, image(2))) == (
        "badRequest",
        400,
        "Volume size must be greater than the image size. (Image: 2, Volume: 1).",
    )
    assert _reimage(cloud, vid, image(1)).status == 202
    cloud.run_until_idle()
    assert states(cloud, vid)[-2:] == ["downloading", "available"]
    (copy,) = cloud.trace.filter(kind="io.start", label="cinder.revert_copy")
    assert copy["volume_id"] == vid


@pytest.mark.parametrize(
    ("profile", "status"), [("nova-31.0.0", "available"), ("nova-30.3.0", "downloading")]
)
def test_an_image_whose_mapping_is_a_repr_is_faultwrappers_500(profile, status):
    """Cinder's image service cannot decode a ``block_device_mapping`` that is no JSON: its
    ``ValueError`` reaches FaultWrapper (26.0.0 reads the image in the controller first;
    before, ``API.reimage`` reads it with the volume already ``downloading``)."""
    cloud = booted(profile=profile)
    vid = make_volume(cloud, 1)
    image = glance_image(cloud, 1024, block_device_mapping="[{'boot_index': 0}]")
    r = call(
        cloud,
        "POST",
        f"volumes/{vid}/action",
        {"os-reimage": {"image_id": image}},
        version="3.68",
        allow_500=True,
    )
    generic = "The server has either erred or is incapable of performing the requested operation."
    assert fault(r) == ("computeFault", 500, generic)
    assert states(cloud, vid)[-1] == status
    assert cloud.trace.first(kind="api.error") is None  # a reply of real Cinder's, no crash


@pytest.mark.parametrize(
    ("profile", "reads"),
    [
        # Cinder 25: get_location is glanceclient's get, as the caller
        ("nova-30.3.0", [("GET /v2/images/{}", "get_location", 404)]),
        # Cinder 27+, Glance 29+: the location API first, as the [glance] user
        (
            "upstream",
            [
                ("GET /versions", "get_image_locations", 200),
                ("GET /v2/images/{}/locations", "get_image_locations", 404),
            ],
        ),
    ],
)
def test_an_image_deleted_before_the_manager_reads_its_location_fails_the_reimage(profile, reads):
    """``VolumeManager.reimage`` reads the image's location (``image_service.get_location``,
    cinder 20.0.0-29.0.0) before its download: an image deleted after cinder-api's check is
    ``ImageNotFound`` there, nothing downloaded, and the volume goes to ``error``."""
    cloud = _cloud(profile)
    vid = make_volume(cloud, 1)
    image = glance_image(cloud, IMAGE_BYTES)
    cloud.faults.add("rpc.cast", action="delay", delay_s=60, match={"method": "reimage"})
    assert _reimage(cloud, vid, image).status == 202
    resp = cloud.request("image", "DELETE", f"/v2/images/{image}", user="admin")
    assert resp.status == 204
    cloud.run_until_idle()
    assert states(cloud, vid)[-2:] == ["downloading", "error"]
    answers = [
        (e["subject"], e["call"], e["status"])
        for e in cloud.trace.filter(kind="http.response", callee="glance-api")
        if e["actor"].startswith("cinder-volume")
    ]
    assert answers == [(subject.format(image), call, code) for subject, call, code in reads]
    assert cloud.trace.filter(kind="io.start", label="cinder.image_download") == []
