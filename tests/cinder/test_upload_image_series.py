"""What an upload-to-image sends Glance, series by series (``API.copy_volume_to_image``, read
in cinder 12.0.10, 14.3.1, 15.0.0, 19.0.0, 21.0.0, 22.0.0, 23.0.0, 24.0.0 and 29.0.0)."""

import pytest
from cinder_support import GLANCE_JSON, MEMBER, call, create_volume, fault

from fakecloud.api.http import Request
from tests.booted import booted

#: Reserved image metadata a volume may carry (Glance's ``os_glance*``, image signatures).
RESERVED = {"os_glance_importing_to_stores": "", "img_signature": "c2ln"}


def _upload(cloud, vid, **params):
    body = {"os-volume_upload_image": {"image_name": "up", **params}}
    return call(cloud, "POST", f"volumes/{vid}/action", body)


def _image(cloud, image_id):
    req = Request.build("GET", f"/v2/images/{image_id}", context=MEMBER, headers=GLANCE_JSON)
    return cloud.glance.api.call(req).json()


def _images_named(cloud, name):
    req = Request.build(
        "GET", "/v2/images", query={"name": name}, context=MEMBER, headers=GLANCE_JSON
    )
    return cloud.glance.api.call(req).json()["images"]


def _volume_with_reserved_metadata(cloud):
    vid = create_volume(cloud)
    body = {"os-set_image_metadata": {"metadata": {**RESERVED, "flavor": "small"}}}
    assert call(cloud, "POST", f"volumes/{vid}/action", body).status == 200
    return vid


@pytest.mark.parametrize("profile", ["nova-25.3.0", "nova-26.2.1", "nova-27.2.0", "upstream"])
def test_reserved_namespaces_are_left_out_from_cinder_23(profile):
    """``image_utils.filter_out_reserved_namespaces_metadata`` on the properties
    (``os_glance``, ``img_signature``; LP #1945500, b3d3f31fa, 23.0.0; backports 20.3.1,
    21.3.1, 22.1.1 tagged 2023-09-14, beside Nova 25.3.0, 26.2.1, 27.2.0: switch
    ``cinder_upload_keeps_reserved_namespaces``)."""
    cloud = booted(profile=profile)
    vid = _volume_with_reserved_metadata(cloud)
    resp = _upload(cloud, vid)
    assert resp.status == 202, resp.json()
    cloud.run_until_idle()
    image = _image(cloud, resp.json()["os-volume_upload_image"]["image_id"])
    assert (image["status"], image["flavor"]) == ("active", "small")
    assert not set(RESERVED) & set(image)


def test_before_cinder_23_they_go_to_glance_which_refuses_os_glance_from_22():
    # Cinder 18-22 (Nova 23-27) send them until the backports; Glance 22.0.0 on refuses
    # os_glance* (22.0.0's first fix filtered only the top-level keys: the properties went as
    # before).
    for profile in ("nova-23.0.0", "nova-25.2.1", "nova-26.2.0", "nova-27.1.0"):
        cloud = booted(profile=profile)
        vid = _volume_with_reserved_metadata(cloud)
        assert fault(_upload(cloud, vid))[:2] == ("badRequest", 400)
        cloud.run_until_idle()
        assert call(cloud, "GET", f"volumes/{vid}").json()["volume"]["status"] == "available"
    # Queens' Glance takes them as properties.
    cloud = booted(profile="seed")
    vid = _volume_with_reserved_metadata(cloud)
    resp = _upload(cloud, vid)
    assert resp.status == 202, resp.json()
    image = _image(cloud, resp.json()["os-volume_upload_image"]["image_id"])
    assert {k: image[k] for k in RESERVED} == RESERVED


@pytest.mark.parametrize(("profile", "refused"), [("nova-19.3.2", False), ("nova-20.0.0", True)])
def test_a_compressed_container_is_refused_from_cinder_15(profile, refused):
    """``ImageCompressionNotAllowed`` (15.0.0; ``allow_compression_on_image_upload`` off by
    default), raised after Glance made the image: the volume goes back, the queued image
    stays; the controller's catch-all makes it a 400."""
    cloud = booted(profile=profile)
    vid = create_volume(cloud)
    resp = _upload(cloud, vid, container_format="compressed")
    cloud.run_until_idle()
    (image,) = _images_named(cloud, "up")
    if refused:
        assert fault(resp) == (
            "badRequest",
            400,
            "Image compression upload disallowed, but container_format is compressed",
        )
        assert image["status"] == "queued"
    else:
        assert resp.status == 202, resp.json()
        assert image["status"] == "active"
    assert call(cloud, "GET", f"volumes/{vid}").json()["volume"]["status"] == "available"


@pytest.mark.parametrize(("profile", "merged_over"), [("seed", True), ("nova-20.0.0", False)])
def test_image_metadata_the_request_sets_is_skipped_from_cinder_15(profile, merged_over):
    """``_merge_volume_image_meta`` leaves out the keys the request sets from 15.0.0; before
    (12.0.10, 14.3.1) every custom key went into ``properties``, and ``_translate_to_glance``
    laid them over the request's: a volume's ``protected: "True"`` is then no boolean for
    Glance, its ``visibility: public`` a member may not publish."""
    for metadata in ({"protected": "True"}, {"visibility": "public"}):
        cloud = booted(profile=profile)
        vid = create_volume(cloud)
        body = {"os-set_image_metadata": {"metadata": metadata}}
        assert call(cloud, "POST", f"volumes/{vid}/action", body).status == 200
        params = {"image_name": "up", "visibility": "private", "protected": False}
        body = {"os-volume_upload_image": params}
        resp = call(cloud, "POST", f"volumes/{vid}/action", body, version="3.1")
        if merged_over:
            assert fault(resp)[:2] == ("badRequest", 400), metadata
        else:
            assert resp.status == 202, resp.json()
            answer = resp.json()["os-volume_upload_image"]
            assert (answer["visibility"], answer["protected"]) == ("private", False)
