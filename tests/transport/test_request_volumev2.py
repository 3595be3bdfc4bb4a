"""``volumev2`` in ``cloud.request`` and a scenario step is Cinder's v2 API, on the releases
that serve it (Cinder before 19.0.0), and is refused, saying why, on the others."""

import pytest

from fakecloud.scenario import loads, run_case
from tests.booted import booted


def test_cloud_request_volumev2_is_the_v2_api_where_cinder_has_one():
    cloud = booted(profile="nova-17.0.7")  # Cinder 12
    answer = cloud.request("volumev2", "GET", "/v2/{project_id}/volumes", microversion="3.27")
    # The v2 API names no microversion in its answer (the header asked is ignored there).
    assert (answer.status, answer.json()) == (200, {"volumes": []})
    assert "OpenStack-API-Version" not in answer.headers
    with pytest.raises(ValueError, match="is a path of its v3 API"):
        cloud.request("volumev2", "GET", "/v3/{project_id}/volumes")
    with pytest.raises(KeyError, match=r"no volumev2 service: its Cinder \(19\.x\) serves no v2"):
        booted(profile="nova-24.2.1").request("volumev2", "GET", "/v2/{project_id}/volumes")


def test_a_steps_volumev2_paths_are_under_v2():
    text = """\
cloud: {profile: %s}
steps:
  - request: POST /volumes
    service: volumev2
    body: {volume: {size: 1, name: old}}
    expect: {status: 202, body: {volume: {links: [{href: {$regex: '/v2/'}}, {rel: bookmark}]}}}
"""
    result = run_case(loads(text % "nova-17.0.7").cases[0])
    assert result.passed, [c.details for c in result.failures]
    result = run_case(loads(text % "nova-24.2.1").cases[0])
    assert not result.passed
    assert "no volumev2 service: its Cinder (19.x)" in result.failures[0].what
