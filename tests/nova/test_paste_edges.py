"""What Nova's paste pipeline does with a request before any controller reads it: paste's
``URLMap`` collapses runs of ``/``, Nova's ``urlmap`` reads the ``Accept`` header of every
request (a value it cannot read is the WSGI server's 500), and the API router serves the v2.1
document under the URL's project (``nova/api/openstack/urlmap.py``, ``compute/routes.py``,
``etc/nova/api-paste.ini``, 17.0.0-34.0.0)."""

from __future__ import annotations

import pytest

from fakecloud import Cloud

REQUEST_IDS = ("x-openstack-request-id", "x-compute-request-id")


@pytest.fixture(scope="module")
def cloud() -> Cloud:
    """One cloud for this module's read-only requests."""
    return Cloud(seed=0, profile="upstream")


def test_double_slashes_are_collapsed_before_the_token_is_read(cloud):
    """``URLMap.normalize_url``: ``//v2.1/servers`` is ``/v2.1/servers``, keystonemiddleware's
    401 behind ``compute_req_id`` without a token (was served as a root path: a 500)."""
    resp = cloud.request("compute", "GET", "//v2.1//servers", user=None)
    assert resp.status == 401
    assert all(name in resp.headers for name in REQUEST_IDS)
    resp = cloud.request("compute", "GET", "//v2.1/servers")
    assert resp.status == 200 and resp.json() == {"servers": []}
    assert all(name in resp.headers for name in REQUEST_IDS)  # was none
    assert cloud.request("compute", "GET", "/v2.1/flavors//").status == 404  # '/flavors/'
    assert cloud.request("compute", "GET", "//", user=None).status == 200  # '/': the list


def test_a_whole_url_given_as_the_path_is_routed_by_its_path(cloud):
    """``URLMap.normalize_url`` drops ``http(s)://host`` first (the ``PATH_INFO`` eventlet.wsgi
    passes for an absolute-form request-target): Nova's and Cinder's answer for the path, was
    Nova's 300 version list and Cinder's 404; Glance's version negotiation reads the path
    first (``http:`` is no version) and answers its version list."""
    resp = cloud.request("compute", "GET", "http://compute.fakecloud.test/v2.1/servers")
    assert resp.status == 200 and resp.json() == {"servers": []}
    assert cloud.request("compute", "GET", "HTTPS://elsewhere").status == 200  # '': the list
    volumes = cloud.request("volume", "GET", "http://x/v3/{project_id}/volumes")
    assert volumes.status == 200 and volumes.json() == {"volumes": []}
    assert cloud.request("image", "GET", "http://x/v2/images").status == 300


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/v2.1/servers", "application/json;q"),  # float(None), for every entry
        ("/v2.1/servers", "text/html;q=, application/json"),
        ("/v2.1/servers", "application/json;version"),  # '/v' + None
        ("/servers", "application/json; version"),
        ("/", "="),  # parse_options_header: next() of nothing, StopIteration
    ],
)
def test_an_accept_urlmap_cannot_read_is_the_wsgi_servers_500(cloud, path, accept):
    """Nothing stands above ``URLMap.__call__``: eventlet.wsgi's bodiless ``text/plain`` 500,
    no request id, before the token (none is sent here)."""
    resp = cloud.request("compute", "GET", path, user=None, headers={"Accept": accept})
    assert (resp.status, resp.body) == (500, b"")
    assert resp.headers == {"Content-Type": "text/plain"}


def test_an_accept_urlmap_can_read_is_served(cloud):
    """A ``q`` that is not a number is skipped (``ValueError``), and a ``.json`` path never
    reads ``Accept`` at all."""
    assert cloud.request("compute", "GET", "/", headers={"Accept": "a/b;q=x"}).status == 200
    headers = {"Accept": "application/json;q"}
    assert cloud.request("compute", "GET", "/v2.1/flavors.json", headers=headers).status != 500


def test_the_v21_document_under_the_urls_project(cloud):
    """``ROUTE_LIST``'s ``('/', GET)`` has a ``/{project_id}/`` form, the ``('', '/')``
    redirect none: ``/v2.1/{project}/`` is the document behind the token (self link
    ``/v2.1/``), without its slash the router's 404, another project's Resource's 400."""
    resp = cloud.request("compute", "GET", "/v2.1/{project_id}/")
    assert resp.status == 200  # was 404
    assert resp.json()["version"]["links"][0] == {
        "rel": "self",
        "href": "http://compute.fakecloud.test/v2.1/",
    }
    assert resp.headers["OpenStack-API-Version"] == "compute 2.1"
    assert cloud.request("compute", "GET", "/v2.1/{project_id}").status == 404
    assert cloud.request("compute", "POST", "/v2.1/{project_id}/").status == 404
    assert cloud.request("compute", "GET", "/v2.1/{project_id}/", user=None).status == 401
    resp = cloud.request("compute", "GET", "/v2.1/0123abcd/")
    assert resp.json()["badRequest"]["message"].startswith(
        "Malformed request URL: URL's project_id '0123abcd' doesn't match Context's project_id"
    )


def test_the_legacy_v2_pipeline_serves_the_v21_routes_without_microversions(cloud):
    """api-paste.ini ``/v2/+`` (``/v2`` before 21.0.0): ``LegacyV2CompatibleWrapper`` in front
    of the same ``APIRouterV21`` drops the microversion headers of the request (2.1, never a
    406) and of the answer (``Vary`` too); links are the ``/v2`` application's; the version
    documents under it are v2.0's (``is_legacy_v2``). Was a 404 for every path."""
    resp = cloud.request("compute", "GET", "/v2/{project_id}/flavors/1", microversion="3.0")
    assert resp.status == 200
    assert not {"OpenStack-API-Version", "X-OpenStack-Nova-API-Version", "Vary"} & set(resp.headers)
    assert all(name in resp.headers for name in REQUEST_IDS)
    project = cloud.keystone.token_for("demo").project.id
    self_link = resp.json()["flavor"]["links"][0]["href"]
    assert self_link == f"http://compute.fakecloud.test/v2/{project}/flavors/1"
    assert cloud.request("compute", "GET", "/v2/flavors", microversion="2.90").status == 200
    for path in ("/v2/{project_id}/", "/v2/versions/anything"):
        version = cloud.request("compute", "GET", path).json()["version"]
        assert version["id"] == "v2.0"
        assert version["links"][0]["href"] == "http://compute.fakecloud.test/v2/"
    assert cloud.request("compute", "GET", "/v2/0123abcd/flavors").status == 400
    assert cloud.request("compute", "GET", "/v2/flavors", user=None).status == 401
