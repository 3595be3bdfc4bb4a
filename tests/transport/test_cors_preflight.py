"""OPTIONS on Nova, Cinder and Glance as oslo.middleware's CORS filter, at the head of their
paste pipelines, answers it (no ``[cors] allowed_origin``): the application's 2xx as it is (the
version documents answer any method), anything else the filter's own empty 200, with no CORS
header whatever the preflight's ``Origin``, and no request id but Cinder's from 20.0.0 (its
``request_id`` filter heads the pipelines, 18b8033b6)."""

import pytest

from fakecloud import Cloud
from fakecloud.scenario.transport import Transport
from fakecloud.transport.gateway import wire_headers

PREFLIGHT = {"Origin": "https://horizon.example.com", "Access-Control-Request-Method": "GET"}


@pytest.fixture(scope="module")
def clouds():
    made: dict[str, Cloud] = {}

    def get(profile: str) -> Cloud:
        if profile not in made:
            made[profile] = Cloud(profile=profile)
        return made[profile]

    return get


def _options(cloud, service, path, user="demo"):
    return cloud.request(service, "OPTIONS", path, user=user, headers=PREFLIGHT)


def _no_cors_headers(answer):
    return not [h for h in answer.headers if h.lower().startswith("access-control")]


@pytest.mark.parametrize(
    ("service", "path", "user"),
    [
        ("compute", "/v2.1/servers", "demo"),  # the router's 404
        ("compute", "/v2.1/servers", None),  # keystonemiddleware's 401
        ("compute", "/nothing-here", "demo"),  # the root's 300
        ("image", "/v2/images", "demo"),  # the reject route's 405
        ("image", "/v2/nothing", "demo"),  # WebOb's 501
        ("image", "/", None),  # version negotiation's 300
    ],
)
def test_an_options_nova_or_glance_refuses_is_the_bare_200(clouds, service, path, user):
    answer = _options(clouds("upstream"), service, path, user)
    assert (answer.status, answer.body or b"") == (200, b"")
    assert wire_headers(answer) == [("Content-Length", "0")]


@pytest.mark.parametrize(("profile", "ids"), [("upstream", True), ("seed", False)])
@pytest.mark.parametrize("path", ["/v3/{project_id}/volumes", "/", "/v3"])
def test_cinders_bare_200_has_request_ids_own_id_from_20(clouds, profile, ids, path):
    answer = _options(clouds(profile), "volume", path)
    assert (answer.status, answer.body or b"") == (200, b"")
    expected = [("Content-Length", "0")]
    names = [name for name, _ in wire_headers(answer)]
    assert names == (["Content-Length", "x-openstack-request-id"] if ids else ["Content-Length"])
    assert _no_cors_headers(answer) and wire_headers(answer)[:1] == expected


@pytest.mark.parametrize(
    ("service", "path", "key"),
    [
        ("compute", "/", "versions"),  # Versions.index answers any method
        ("compute", "/v2.1", "version"),  # VersionsV2 (21.0.0 on)
        ("compute", "/v2/", "version"),
        ("volume", "/v3/", "versions"),  # the v3 router's '/' has no method condition
        ("image", "/versions", "versions"),
    ],
)
def test_a_version_document_answered_to_options_goes_through(clouds, service, path, key):
    answer = _options(clouds("upstream"), service, path)
    assert answer.status == 200 and key in answer.json()
    assert _no_cors_headers(answer)


def test_before_21_novas_bare_version_path_is_the_redirect_cors_replaces(clouds):
    # nova 17.0.0-20.x: /v2.1 is the API router's ('', '/') redirect, behind the token
    cloud = clouds("seed")
    answer = _options(cloud, "compute", "/v2.1")
    assert (answer.status, answer.body or b"") == (200, b"")
    assert wire_headers(answer) == [("Content-Length", "0")]
    assert cloud.request("compute", "POST", "/v2.1").status == 302


@pytest.mark.parametrize(
    ("service", "path"),
    [("identity", "/v3/nothing"), ("compute", "/v2.1/servers"), ("image", "/v2/images")],
)
def test_a_scenarios_options_meets_the_same_filter(clouds, service, path):
    # the scenarios' transport hands the request to the service itself: the filter is
    # applied there as on the wire, after the request id (which it drops)
    cloud = clouds("upstream")
    answer = Transport(cloud).send(service, "OPTIONS", path, user="demo", headers=PREFLIGHT)
    wire = cloud.request(service, "OPTIONS", path, user="demo", headers=PREFLIGHT)
    assert (answer.status, answer.body or b"") == (200, b"")
    assert wire_headers(answer) == wire_headers(wire) == [("Content-Length", "0")]
