"""Which paths Cinder's router serves, by release (cinder 31b34e91e, 20.0.0: "Remove the need
for project_id from API endpoints"). Before 20.0.0 only ``/v3/{project_id}/...`` routes exist
(``ProjectMapper``'s ``{project_id}``, any segment; one not the caller's is 400 "Malformed
request url") and ``/v3/volumes`` is the router's bare 404. From 20.0.0 both forms are served,
and ``[DEFAULT] project_id_regex`` (``[0-9a-f\\-]+``) limits the project id: another segment
matches no route (12.0.10 and 16.4.2 vs 20.3.2 and 29.0.0 ``cinder/api/openstack/__init__.py``).
fakecloud served both forms in every release and took any segment as a project id."""

import pytest

from tests.booted import booted

NOT_FOUND = b"The resource could not be found."


def get(cloud, path):
    return cloud.request("block-storage", "GET", path)


@pytest.mark.parametrize("profile", ["seed", "nova-20.6.0", "nova-24.2.1"])
@pytest.mark.parametrize("path", ["/v3/volumes", "/v3/snapshots/detail", "/v3/types/default"])
def test_before_cinder_20_paths_need_the_project(profile, path):
    cloud = booted(seed=1, profile=profile)
    resp = get(cloud, path)
    assert resp.status == 404
    assert NOT_FOUND in resp.body
    assert "OpenStack-API-Version" not in resp.headers
    assert get(cloud, "/v3/{project_id}" + path[3:]).status == 200


@pytest.mark.parametrize("profile", ["seed", "nova-24.2.1"])
@pytest.mark.parametrize("project", ["XYZ", "0ddba11"])
def test_before_cinder_20_any_segment_is_a_project_id(profile, project):
    resp = get(booted(seed=1, profile=profile), f"/v3/{project}/volumes")
    assert (resp.status, resp.json()["badRequest"]["message"]) == (400, "Malformed request url")


@pytest.mark.parametrize("profile", ["nova-25.0.0", "upstream"])
def test_from_cinder_20_a_project_id_is_hex_and_dashes(profile):
    cloud = booted(seed=1, profile=profile)
    assert get(cloud, "/v3/volumes").status == 200
    assert get(cloud, "/v3/0ddba11-/volumes").status == 400
    unrouted = get(cloud, "/v3/XYZ/volumes")
    assert unrouted.status == 404
    assert NOT_FOUND in unrouted.body
