"""A volume create from an image reads the image from Glance twice, as real Cinder does (the
controller's ``_image_uuid_from_ref``, then ``ExtractVolumeRequestTask``'s): two requests sent
and answered, whether the second builds Glance's answer again or takes the one Glance just gave
(1fa4e96e: the same caller and service token, nothing run between)."""

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
