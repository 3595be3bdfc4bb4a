"""Glance requests the hostile-input probe found answered 500 by a fakecloud crash: each now
ends as real Glance 33 ends (``ImageMembersController`` and its deserializer read)."""

import pytest
from glance_support import P1, World


@pytest.fixture
def world():
    return World()


def shared_image(world):
    return world.create(P1, name="shared", visibility="shared")["id"]


def test_a_numeric_member_is_stored_as_text(world):
    image_id = shared_image(world)
    created = world.call("POST", f"/v2/images/{image_id}/members", P1, body={"member": 5})
    assert created.status == 200
    assert created.json()["member_id"] == 5  # the create answer shows the value as sent
    listed = world.call("GET", f"/v2/images/{image_id}/members", P1).json()["members"]
    assert [m["member_id"] for m in listed] == ["5"]


@pytest.mark.parametrize(
    "body, status, message",
    [
        ([1], 400, 'Expected a member in the form: {"member": "image_id"}'),
        ({"member": ""}, 400, "Member can't be empty"),
        ({"nobody": "x"}, 400, "Member to be added not specified"),
        ({"member": {"a": 1}}, 500, "The server has either erred or is incapable"),
        ({"member": [1, 2]}, 500, "The server has either erred or is incapable"),
    ],
)
def test_a_member_of_the_wrong_shape_gets_glances_answer(world, body, status, message):
    image_id = shared_image(world)
    resp = world.call("POST", f"/v2/images/{image_id}/members", P1, body=body)
    assert resp.status == status
    assert resp.json()["message"].startswith(message)
    assert world.call("GET", f"/v2/images/{image_id}/members", P1).json()["members"] == []
    assert world.cloud.trace.filter(kind="api.error") == []


@pytest.mark.parametrize("value", ["abc", "-1", "1e3"])
def test_a_bad_fakecloud_virtual_size_header_is_a_400_naming_it(world, value):
    image_id = world.create(P1, name="raw", disk_format="raw")["id"]
    resp = world.upload(image_id, 1000, x_fakecloud_virtual_size=value)
    assert resp.status == 400
    assert resp.json()["message"].startswith(
        f"fakecloud: x-fakecloud-virtual-size must be a whole number of bytes from 0, got '{value}'"
    )
    assert world.show(image_id)["status"] == "queued"
