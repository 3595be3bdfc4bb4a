"""Cinder's version documents, microversion negotiation and fault bodies on the wire."""

import pytest
from cinder_support import MEMBER, MISSING, OTHER, P1, P2, call, create_volume, fault

from fakecloud.api.http import Request
from tests.booted import booted


@pytest.fixture
def cloud():
    # Cinder 29.0.0 (2026.2): microversions to 3.71 (a Queens cloud's Cinder stops at 3.50).
    return booted(profile="upstream")


def _get(cloud, path, headers=None):
    return cloud.cinder.api.call(Request.build("GET", path, headers=headers or {}))


def test_root_lists_the_v3_version_with_300_multiple_choices(cloud):
    resp = _get(cloud, "/")
    assert resp.status == 300
    (version,) = resp.json()["versions"]
    assert version["id"] == "v3.0"
    assert version["status"] == "CURRENT"
    assert (version["min_version"], version["version"]) == ("3.0", "3.71")
    assert version["updated"] == "2023-08-31T00:00:00Z"
    assert {"rel": "self", "href": "http://127.0.0.1:8776/v3/"} in version["links"]
    assert version["media-types"][0]["type"] == "application/vnd.openstack.volume+json;version=3"


def test_only_the_root_answers_without_a_token(cloud):
    """``etc/cinder/api-paste.ini`` (12.0.10 to 29.0.0): ``/`` is ``apiversions``, a pipeline
    without ``authtoken``; ``/v3`` is ``openstack_volume_api_v3``, behind keystonemiddleware."""
    assert cloud.request("volumev3", "GET", "/", user=None).status == 300
    for path in ("/v3", "/v3/"):
        resp = cloud.request("volumev3", "GET", path, user=None)
        assert resp.status == 401
        assert resp.json()["error"]["title"] == "Unauthorized"
    resp = cloud.request("volumev3", "GET", "/v3/")
    assert resp.status == 200
    assert resp.json()["versions"][0]["version"] == "3.71"


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_every_other_path_is_the_root_apps_without_a_token(profile):
    """``[composite:osapi_volume]`` gives every path but ``/v3`` (and, before 19.0.0, ``/v2``:
    ``enable_v2_api`` defaults to true; 19.0.0's ``root_app_factory`` drops it) to
    ``apiversions``, no ``authtoken``: its router's ``'/'`` route has no method condition (300
    by any method), any other path its bare 404 (cinder 12.0.0-29.0.0 api/versions.py)."""
    cloud = booted(profile=profile)
    assert cloud.request("volumev3", "DELETE", "/", user=None).status == 300
    assert cloud.request("volumev3", "GET", "/v1/volumes", user=None).status == 404
    v2 = cloud.request("volumev3", "GET", "/v2/volumes", user=None).status
    assert v2 == (401 if profile == "seed" else 404)


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_v3_without_its_slash_is_redirected_to_it(profile):
    """The v3 router's ``mapper.redirect("", "/")`` (``cinder/api/v3/router.py``, 12.0.10 to
    29.0.0): Routes answers ``302 Found`` itself (no controller, so no microversion, even a
    bad one), ``text/plain`` and empty; WebOb makes the ``Location`` absolute."""
    cloud = booted(profile=profile)
    for headers in (None, {"OpenStack-API-Version": "volume 9.9"}):
        resp = cloud.request("volumev3", "GET", "/v3", headers=headers)
        assert (resp.status, resp.body) == (302, b"")
        assert resp.headers["Location"] == "http://volume.fakecloud.test/v3/"
        assert resp.headers["Content-Type"] == "text/plain; charset=utf8"
        assert "OpenStack-API-Version" not in resp.headers
        assert resp.headers["x-openstack-request-id"].startswith("req-")


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_v2_shows_its_own_version_until_cinder_19(profile):
    """Tempest's ``test_show_version`` asks ``/vN/`` of every listed version: before 19.0.0
    the v2 router's ``versions`` route answers the 2.0 ``index`` (v2.0 alone, no
    ``OpenStack-API-Version``); from 19.0.0 no ``/v2`` is routed and none is listed."""
    cloud = booted(profile=profile)
    resp = cloud.request("volumev3", "GET", "/v2/")
    listed = [v["id"] for v in cloud.request("volumev3", "GET", "/", user=None).json()["versions"]]
    if profile == "seed":
        assert (resp.status, listed) == (200, ["v2.0", "v3.0"])
        assert [v["id"] for v in resp.json()["versions"]] == ["v2.0"]
        assert "OpenStack-API-Version" not in resp.headers
    else:
        assert (resp.status, listed) == (404, ["v3.0"])


def test_keystoneauth_follows_the_redirect():
    from keystoneauth1 import session
    from keystoneauth1.identity import v3

    cloud = booted(profile="upstream")
    with cloud.intercept():
        cfg = cloud.credentials("demo")
        auth = v3.Password(**{k: cfg[k] for k in _PASSWORD_KEYS})
        resp = session.Session(auth=auth).get("http://volume.fakecloud.test/v3")
    assert [r.status_code for r in resp.history] == [302]
    assert resp.status_code == 200
    assert resp.url == "http://volume.fakecloud.test/v3/"
    assert resp.json()["versions"][0]["id"] == "v3.0"


_PASSWORD_KEYS = (
    "auth_url",
    "username",
    "password",
    "project_name",
    "user_domain_name",
    "project_domain_name",
)


def test_default_microversion_is_3_0_and_is_echoed_with_vary(cloud):
    resp = call(cloud, "GET", "volumes")
    assert resp.status == 200
    assert resp.headers["OpenStack-API-Version"] == "volume 3.0"
    assert resp.headers["Vary"] == "OpenStack-API-Version"


@pytest.mark.parametrize(
    ("header", "echo"),
    [
        ("volume 3.66", "volume 3.66"),
        ("volume latest", "volume 3.71"),
        ("volume 3.71", "volume 3.71"),
    ],
)
def test_requested_microversion_is_served_and_echoed(cloud, header, echo):
    resp = call(cloud, "GET", "volumes", headers={"OpenStack-API-Version": header})
    assert resp.status == 200
    assert resp.headers["OpenStack-API-Version"] == echo


def test_version_outside_the_range_is_406_echoing_the_refused_version(cloud):
    resp = call(cloud, "GET", "volumes", version="3.72")
    assert resp.status == 406
    assert fault(resp) == (
        "computeFault",
        406,
        "Version 3.72 is not supported by the API. Minimum is 3.0 and maximum is 3.71.",
    )
    assert resp.headers["OpenStack-API-Version"] == "volume 3.72"


def test_refused_legacy_version_is_406_without_echo(cloud):
    """``_is_legacy_endpoint`` (``'2.0' in version``) drops the echo (the cinder oracle)."""
    resp = call(cloud, "GET", "volumes", version="2.0")
    assert resp.status == 406
    assert "OpenStack-API-Version" not in resp.headers
    assert "Vary" not in resp.headers


@pytest.mark.parametrize("version", ["3.x", "3.00", "LATEST"])
def test_malformed_version_is_400_without_echo(cloud, version):
    """``APIVersionRequest``'s ``^([1-9]\\d*)\\.([1-9]\\d*|0)$`` (the cinder oracle, 16.4.2 and
    29.0.0: ``3.00`` and ``LATEST`` too)."""
    headers = {"OpenStack-API-Version": f"volume {version}"}
    resp = call(cloud, "GET", "volumes", headers=headers)
    assert resp.status == 400
    assert fault(resp) == (
        "badRequest",
        400,
        f"API Version String {version} is of invalid format. Must be of format MajorNum.MinorNum.",
    )
    assert "OpenStack-API-Version" not in resp.headers


@pytest.mark.parametrize("header", ["compute 2.1", "VOLUME 3.5", "", ","])
def test_header_without_a_volume_entry_is_faultwrappers_unworded_400(cloud, header):
    """cinder 12.0.10-29.0.0 ``Request.set_api_version_request`` raises
    VersionNotFoundForAPIMethod outside what ``Resource.__call__`` catches: ``FaultWrapper``
    answers it, an ``Invalid`` that is not ``safe``, with webob's own 400 words (fakecloud
    said "API version None is not supported on this method.")."""
    resp = call(cloud, "GET", "volumes", headers={"OpenStack-API-Version": header})
    assert fault(resp) == (
        "badRequest",
        400,
        "The server could not comply with the request since it is either malformed or "
        "otherwise incorrect.",
    )
    assert "OpenStack-API-Version" not in resp.headers


@pytest.mark.parametrize(
    "header", ["volume 3.0 x", "volume", "compute 2.1, volume", "volume 2.1 ; q=1"]
)
def test_a_volume_entry_not_of_two_words_is_a_500(cloud, header):
    """``service, volume_version = hdr.split()`` (cinder 12.0.10-29.0.0): a ValueError that
    ``FaultWrapper`` turns into its generic 500 (fakecloud said 400 "API Version String
    volume 3.0 x is of invalid format"). A q-value is no exception: Cinder reads the header
    itself, not through microversion-parse (the cinder oracle, 16.4.2 and 29.0.0)."""
    resp = call(cloud, "GET", "volumes", headers={"OpenStack-API-Version": header}, allow_500=True)
    assert fault(resp) == (
        "computeFault",
        500,
        "The server has either erred or is incapable of performing the requested operation.",
    )


@pytest.mark.parametrize(
    ("header", "echo"),
    [
        ("volumes 3.5", "volume 3.5"),
        ("compute 2.1, volume 3.6", "volume 3.6"),
        ("xvolume 3.7", "volume 3.7"),
    ],
)
def test_the_first_entry_holding_volume_anywhere_is_read(cloud, header, echo):
    """``if VOLUME_SERVICE in hdr``: a substring test, so "volumes 3.5" is read too."""
    resp = call(cloud, "GET", "volumes", headers={"OpenStack-API-Version": header})
    assert (resp.status, resp.headers["OpenStack-API-Version"]) == (200, echo)


def test_faults_carry_the_version_header_and_request_ids(cloud):
    resp = call(cloud, "GET", f"volumes/{MISSING}", version="3.50")
    assert fault(resp) == ("itemNotFound", 404, f"Volume {MISSING} could not be found.")
    assert resp.headers["OpenStack-API-Version"] == "volume 3.50"
    assert resp.headers["x-openstack-request-id"].startswith("req-")
    assert resp.headers["x-compute-request-id"] == resp.headers["x-openstack-request-id"]


def test_project_id_in_the_url_is_optional(cloud):
    vid = create_volume(cloud)
    with_project = call(cloud, "GET", f"/v3/{P1}/volumes/{vid}")
    without = call(cloud, "GET", f"/v3/volumes/{vid}")
    assert with_project.status == without.status == 200
    assert with_project.json()["volume"]["links"][0]["href"].endswith(f"/v3/{P1}/volumes/{vid}")
    assert without.json()["volume"]["links"][0]["href"].endswith(f"/v3/volumes/{vid}")


def test_another_projects_url_is_a_malformed_request_url(cloud):
    resp = call(cloud, "GET", f"/v3/{P2}/volumes", ctx=MEMBER)
    assert fault(resp) == ("badRequest", 400, "Malformed request url")
    assert call(cloud, "GET", f"/v3/{P2}/volumes", ctx=OTHER).status == 200


def test_unknown_action_and_malformed_bodies_are_400(cloud):
    vid = create_volume(cloud)
    resp = call(cloud, "POST", f"volumes/{vid}/action", {"os-frobnicate": {}})
    assert fault(resp) == (
        "badRequest",
        400,
        "There is no such action: os-frobnicate. Verify the request body and Content-Type "
        "header and try again.",
    )
    resp = call(cloud, "POST", f"volumes/{vid}/action", {"os-reserve": {}, "os-unreserve": {}})
    assert fault(resp) == ("badRequest", 400, "Malformed request body")
    resp = call(cloud, "POST", "volumes", "{not json")
    assert fault(resp) == ("badRequest", 400, "Malformed request body")


def test_unknown_path_or_method_is_webobs_bare_404(cloud):
    # oslo_service.wsgi.Router._dispatch returns webob.exc.HTTPNotFound(), never a 405.
    for method, path in (("GET", "frobnicators"), ("PATCH", "volumes"), ("PUT", "types")):
        resp = call(cloud, method, path, headers={"Accept": "application/json"})
        assert resp.status == 404
        assert resp.json() == {
            "message": "The resource could not be found.<br /><br />\n\n\n",
            "code": "404 Not Found",
            "title": "Not Found",
        }


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_a_trailing_slash_is_webobs_bare_404_but_on_v3(profile):
    """``routes.Mapper`` (``ProjectMapper``, cinder 12.0.0-29.0.0 api/openstack/__init__.py;
    routes 2.5.1 run with its ``resource('volume', 'volumes', ...)``) matches no path ending
    in ``/``: ``Router._dispatch``'s bare 404, with or without the project (was the list)."""
    cloud = booted(profile=profile)
    headers = {"Accept": "application/json"}
    for method, path in (("GET", "volumes/"), ("POST", "volumes/{id}/action/")):
        resp = call(cloud, method, path, {"os-extend": {"new_size": 2}}, headers=headers)
        assert (resp.status, resp.json()["title"]) == (404, "Not Found")
    assert cloud.request("volumev3", "GET", "/v3/volumes/", headers=headers).status == 404
    assert call(cloud, "GET", "volumes").status == 200
    assert cloud.request("volumev3", "GET", "/v3/").status == 200  # the v3 router's '/'


def test_double_slashes_are_collapsed_before_the_token_is_read(cloud):
    """``[composite:osapi_volume]`` is paste's ``URLMap`` (``root_app_factory``, cinder
    12.0.0-29.0.0), whose ``normalize_url`` makes each run of ``/`` one: ``//v3//{project}/
    volumes`` is the v3 pipeline's keystonemiddleware 401 with oslo's request id alone (was
    Cinder's own fault with both ids), and with a token the list."""
    resp = cloud.request("volumev3", "GET", "//v3//{project_id}/volumes", user=None)
    assert resp.status == 401 and "x-compute-request-id" not in resp.headers
    assert resp.json()["error"]["title"] == "Unauthorized"
    assert cloud.request("volumev3", "GET", "//v3//{project_id}/volumes").status == 200


def test_a_queens_cinder_serves_3_0_to_3_50_and_lists_its_deprecated_v2():
    """Cinder 12.0.0 (Queens): _MAX_API_VERSION 3.50, UPDATED 2017-09-19T20:18:14Z, and the v2.0
    entry (DEPRECATED) until Xena removed the v2 API."""
    queens = booted(profile="seed")
    v2, v3 = _get(queens, "/").json()["versions"]
    assert (v2["id"], v2["status"], v2["updated"]) == ("v2.0", "DEPRECATED", "2017-02-25T12:00:00Z")
    assert (v3["version"], v3["updated"]) == ("3.50", "2017-09-19T20:18:14Z")
    headers = {"OpenStack-API-Version": "volume 3.51"}
    assert call(queens, "GET", "volumes", headers=headers).status == 406
    latest = call(queens, "GET", "volumes", headers={"OpenStack-API-Version": "volume latest"})
    assert latest.headers["OpenStack-API-Version"] == "volume 3.50"


@pytest.mark.parametrize("profile", ["seed", "nova-20.6.0", "nova-23.0.0"])
def test_the_v3_document_never_lists_v2(profile):
    """``GET /v3/`` is ``VersionsController.index`` at 3.0, which pops the v2.0 entry
    (``cinder/api/versions.py``, read in 12.0.10 and 18.2.1: Queens to Wallaby); only
    ``GET /`` (``all``) lists it beside v3.0 while ``enable_v2_api`` is on (its default)."""
    cloud = booted(profile=profile)
    assert [v["id"] for v in _get(cloud, "/").json()["versions"]] == ["v2.0", "v3.0"]
    resp = _get(cloud, "/v3/")
    assert resp.status == 200
    assert [v["id"] for v in resp.json()["versions"]] == ["v3.0"]
