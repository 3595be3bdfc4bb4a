"""A volume made from an image named rather than given by id (``VolumeController.
_image_uuid_from_ref``, the same in cinder 12.0.10 and 29.0.0): not a UUID of an image the
caller sees, so Cinder lists the caller's images with that name (the whole ``imageRef``) and
takes the only one; several are a 409, none a 400. ``cinder create --image NAME`` sends the
name as it is; fakecloud refused it with the 400 (session 14)."""

import pytest

from tests.booted import booted

IMAGE = "cirros-0.6.2-x86_64-qga"


@pytest.fixture(params=["seed", "upstream"])
def cloud(request):
    return booted(seed=19, profile=request.param)


def create(cloud, ref, user="demo"):
    body = {"volume": {"size": 1, "imageRef": ref}}
    return cloud.request("volumev3", "POST", "/v3/{project_id}/volumes", body, user=user)


def test_an_image_name_makes_the_volume_from_that_image(cloud):
    image = cloud.request("image", "GET", f"/v2/images?name={IMAGE}").json()["images"][0]
    resp = create(cloud, IMAGE)
    assert resp.status == 202, resp.body
    cloud.run_until_idle()
    volume = cloud.request(
        "volumev3", "GET", f"/v3/{{project_id}}/volumes/{resp.json()['volume']['id']}"
    ).json()["volume"]
    assert volume["volume_image_metadata"]["image_id"] == image["id"]


def test_several_or_no_images_of_that_name(cloud):
    body = {"name": "twin", "disk_format": "raw", "container_format": "bare"}
    for _ in range(2):
        cloud.request("image", "POST", "/v2/images", body)
    resp = create(cloud, "twin")
    assert (resp.status, resp.json()["conflictingRequest"]["message"]) == (
        409,
        "Multiple matches found for 'twin', use an ID to be more specific.",
    )
    assert create(cloud, "twin", user="admin").status == 409  # Glance lists all to an admin
    for ref in ("nosuch", f"http://glance.test/v2/images/{IMAGE}"):
        resp = create(cloud, ref)
        assert resp.json()["badRequest"]["message"] == (
            "Invalid image identifier or unable to access requested image."
        )
