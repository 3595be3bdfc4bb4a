"""Cinder reads a request body only as JSON from 14.0.0: a body of another Content-Type is
415 badMediaType "Unsupported Content-Type" (cinder afae1e4b4, LP #1715094; 14.0.0 to 29.0.0
``cinder/api/openstack/wsgi.py``: ``Request.get_content_type`` against
``SUPPORTED_CONTENT_TYPES``, ``Resource.__call__``). Queens and Rocky (12.x, 13.x) dropped such
a body instead; fakecloud reads it there."""

import pytest

from tests.booted import booted

BODY = b'{"volume": {"size": 1}}'
PATH = "/v3/{project_id}/volumes"


@pytest.mark.parametrize("profile", ["nova-19.0.0", "nova-29.4.0", "upstream"])
@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/xml", "Application/JSON", "application/json ; charset=UTF-8"],
)
def test_a_body_of_another_type_is_415_from_cinder_14(profile, content_type):
    cloud = booted(seed=1, profile=profile)
    resp = cloud.request(
        "block-storage", "POST", PATH, body=BODY, headers={"Content-Type": content_type}
    )
    assert (resp.status, resp.json()) == (
        415,
        {"badMediaType": {"code": 415, "message": "Unsupported Content-Type"}},
    )
    assert cloud.cinder.store.volumes == {}


@pytest.mark.parametrize("profile", ["nova-19.0.0", "upstream"])
@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=UTF-8",
        "application/vnd.openstack.volume+json",
    ],
)
def test_json_types_are_read(profile, content_type):
    cloud = booted(seed=1, profile=profile)
    resp = cloud.request(
        "block-storage", "POST", PATH, body=BODY, headers={"Content-Type": content_type}
    )
    assert resp.status == 202


def test_an_empty_body_is_never_415():
    """``get_body`` returns before it looks at the type when the body is empty."""
    cloud = booted(seed=1, profile="upstream")
    vid = cloud.request("block-storage", "POST", PATH, body={"volume": {"size": 1}}).json()
    resp = cloud.request(
        "block-storage",
        "DELETE",
        f"/v3/{{project_id}}/volumes/{vid['volume']['id']}",
        headers={"Content-Type": "text/plain"},
    )
    assert resp.status == 202


@pytest.mark.parametrize("profile", ["seed", "nova-18.3.0"])
def test_queens_and_rocky_take_the_body_whatever_its_type(profile):
    cloud = booted(seed=1, profile=profile)
    resp = cloud.request(
        "block-storage", "POST", PATH, body=BODY, headers={"Content-Type": "text/plain"}
    )
    assert resp.status == 202
