"""Microversion negotiation and the createImage gates at their edges, in both profiles."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv, unexpected_500


def _minor(version: str, delta: int) -> str:
    major, minor = version.split(".")
    return f"{major}.{int(minor) + delta}"


def test_no_header_means_2_1(env: NovaEnv):
    resp = env.request("GET", "/v2.1/flavors")
    assert resp.headers["OpenStack-API-Version"] == "compute 2.1"
    assert resp.headers["X-OpenStack-Nova-API-Version"] == "2.1"


def test_latest_is_the_profiles_top(any_env: NovaEnv):
    resp = any_env.request("GET", "/v2.1/flavors", microversion="latest")
    assert resp.headers["OpenStack-API-Version"] == f"compute {any_env.top}"


def test_standard_header_wins_over_the_legacy_one(env: NovaEnv):
    resp = env.request(
        "GET",
        "/v2.1/flavors",
        headers={"OpenStack-API-Version": "compute 2.30", "X-OpenStack-Nova-API-Version": "2.20"},
    )
    assert resp.headers["X-OpenStack-Nova-API-Version"] == "2.30"


def test_legacy_header_alone_is_read(env: NovaEnv):
    resp = env.request("GET", "/v2.1/flavors", headers={"X-OpenStack-Nova-API-Version": "2.27"})
    assert resp.headers["OpenStack-API-Version"] == "compute 2.27"


def test_rightmost_compute_entry_of_the_standard_header_wins(env: NovaEnv):
    resp = env.request(
        "GET",
        "/v2.1/flavors",
        headers={"OpenStack-API-Version": "compute 2.10, volume 3.5, compute 2.12"},
    )
    assert resp.headers["X-OpenStack-Nova-API-Version"] == "2.12"


@pytest.mark.parametrize("bad", ["2.045", "abc", "2", "2.1.1", "LATEST"])
def test_malformed_version_is_400_without_version_headers(env: NovaEnv, bad):
    resp = env.request("GET", "/v2.1/flavors", microversion=bad)
    assert resp.status == 400
    assert resp.json() == {
        "badRequest": {
            "code": 400,
            "message": f"API Version String {bad} is of invalid format. Must be of format "
            "MajorNum.MinorNum.",
        }
    }
    assert "OpenStack-API-Version" not in resp.headers


def test_top_is_served_and_top_plus_one_is_406_echoing_it(any_env: NovaEnv):
    sid = any_env.boot()
    top = any_env.top
    ok = any_env.create_image(sid, microversion=top)
    assert ok.status == 202
    assert ok.headers["OpenStack-API-Version"] == f"compute {top}"
    over = _minor(top, 1)
    resp = any_env.create_image(sid, microversion=over)
    assert resp.status == 406
    assert resp.json() == {
        "computeFault": {
            "code": 406,
            "message": f"Version {over} is not supported by the API. Minimum is 2.1 and "
            f"maximum is {top}.",
        }
    }
    assert resp.headers["OpenStack-API-Version"] == f"compute {over}"
    assert resp.headers["X-OpenStack-Nova-API-Version"] == over


def test_below_minimum_is_406(env: NovaEnv):
    resp = env.request("GET", "/v2.1/flavors", microversion="2.0")
    assert resp.status == 406


def test_profiles_top_versions():
    assert NovaEnv("seed").top == "2.60"
    assert NovaEnv("upstream").top == "2.104"


@pytest.mark.parametrize(
    ("version", "quota_applies"), [("2.1", True), ("2.38", True), ("2.39", False), ("2.45", False)]
)
def test_metadata_quota_gate_at_2_39(any_env: NovaEnv, version, quota_applies):
    sid = any_env.boot()
    metadata = {f"k{i}": "v" for i in range(129)}
    resp = any_env.create_image(sid, metadata=metadata, microversion=version)
    if quota_applies:
        assert resp.status == 403
        assert resp.json() == {
            "forbidden": {"code": 403, "message": "Image metadata limit exceeded"}
        }
    else:
        # Past 2.39 Glance's image_property_quota (128) answers: a 413 Nova does not
        # translate, hence a 500.
        assert resp.status == 500
        assert resp.json()["computeFault"]["message"] == unexpected_500(
            any_env.cloud.profile, "glanceclient.exc.HTTPOverLimit"
        )


def test_128_metadata_items_pass_the_quota():
    metadata = {f"k{i}": "v" for i in range(128)}
    config_env = NovaEnv("upstream", {"glance": {"image_property_quota": -1}})
    sid = config_env.boot()
    assert config_env.create_image(sid, metadata=metadata, microversion="2.38").status == 202


@pytest.mark.parametrize(("version", "location"), [("2.44", True), ("2.45", False)])
def test_location_or_image_id_at_2_45(any_env: NovaEnv, version, location):
    sid = any_env.boot()
    resp = any_env.create_image(sid, microversion=version)
    assert resp.status == 202
    if location:
        assert resp.json() is None
        assert "/images/" in resp.headers["Location"]
    else:
        assert "Location" not in resp.headers
        assert set(resp.json()) == {"image_id"}


def test_quota_of_minus_one_is_unlimited():
    env = NovaEnv("upstream", {"nova": {"quota_metadata_items": -1}})
    sid = env.boot()
    resp = env.create_image(sid, metadata={f"k{i}": "v" for i in range(129)}, microversion="2.1")
    assert resp.status != 403


def test_the_noop_quota_driver_skips_the_metadata_check():
    # UnifiedLimitsDriver's skip: tests/nova/test_unified_limits_driver.py
    env = NovaEnv(
        "upstream",
        {"nova": {"quota_driver": "NoopQuotaDriver"}, "glance": {"image_property_quota": -1}},
    )
    sid = env.boot()
    resp = env.create_image(sid, metadata={f"k{i}": "v" for i in range(200)}, microversion="2.1")
    assert resp.status == 202


def test_fault_bodies_carry_the_version_headers(env: NovaEnv):
    resp = env.request("GET", "/v2.1/servers/nope", microversion="2.30")
    assert resp.status == 404
    assert resp.headers["OpenStack-API-Version"] == "compute 2.30"


def test_version_documents(any_env: NovaEnv):
    root = any_env.cloud.request("compute", "GET", "/", user=None)
    assert root.status == 200
    assert "OpenStack-API-Version" not in root.headers
    assert "x-openstack-request-id" not in root.headers
    versions = {v["id"]: v for v in root.json()["versions"]}
    assert versions["v2.1"]["version"] == any_env.top
    assert versions["v2.1"]["min_version"] == "2.1"
    # Queens (nova/api/openstack/compute/versions.py) calls v2.0 SUPPORTED; 32.0.0 deprecated it.
    v20 = {
        "seed": ("SUPPORTED", "2011-01-21T11:33:21Z"),
        "upstream": ("DEPRECATED", "2025-07-04T12:00:00Z"),
    }
    assert (versions["v2.0"]["status"], versions["v2.0"]["updated"]) == v20[any_env.cloud.profile]
    # Before 21.0.0 (1e907602e3, LP #1845530) /v2 and /v2.1 are served by the API pipeline,
    # behind keystonemiddleware: no token is its 401 (17.0.13, 20.6.1 etc/nova/api-paste.ini).
    public = any_env.cloud.profile == "upstream"
    for path in ("/v2", "/v2.1", "/v2.1/"):
        anonymous = any_env.cloud.request("compute", "GET", path, user=None)
        assert anonymous.status == (200 if public else 401)
    doc = any_env.cloud.request("compute", "GET", "/v2.1/" if not public else "/v2.1", user="demo")
    assert doc.status == 200
    body = doc.json()["version"]
    assert body["id"] == "v2.1" and body["status"] == "CURRENT"
    assert body["version"] == any_env.top
    assert body["links"][0] == {"rel": "self", "href": "http://compute.fakecloud.test/v2.1/"}
    assert body["media-types"][0]["type"] == "application/vnd.openstack.compute+json;version=2.1"
    assert doc.headers["OpenStack-API-Version"] == "compute 2.1"


def test_any_other_root_path_is_300_multiple_choices(env: NovaEnv):
    """api-paste.ini's ``/: oscomputeversions`` takes every path but /v2, /v2.1 and those under
    them; ``Versions.multi`` answers 300 with no token asked for (nova 17.0.0-34.0.0
    compute/versions.py, views/versions.py build_choices)."""
    base = "http://compute.fakecloud.test"
    for user in (None, "demo"):
        resp = env.cloud.request("compute", "GET", "/v3/servers", user=user)
        assert resp.status == 300
        assert "x-openstack-request-id" not in resp.headers
        assert "OpenStack-API-Version" not in resp.headers
        choices = resp.json()["choices"]
        assert [(c["id"], c["links"]) for c in choices] == [
            ("v2.0", [{"rel": "self", "href": f"{base}/v2/v3/servers"}]),
            ("v2.1", [{"rel": "self", "href": f"{base}/v2.1/v3/servers"}]),
        ]
        assert choices[1]["media-types"][0]["base"] == "application/json"
    assert env.cloud.request("compute", "GET", "/v2.1/nothing", user=None).status == 401


@pytest.mark.parametrize("profile", ["nova-20.6.1", "nova-21.0.0"])
def test_the_version_documents_by_any_method_from_21_0_0(profile):
    """1e907602e3 (21.0.0): ``VersionsV2.get_action_args`` is ``index`` whatever the method;
    before, the API router's ``('/', {'GET': ...})`` route took GET alone."""
    env = NovaEnv(profile)
    public = profile == "nova-21.0.0"
    for method in ("POST", "HEAD", "DELETE"):
        resp = env.cloud.request("compute", method, "/v2.1/")
        assert resp.status == (200 if public else 404)
    assert env.cloud.request("compute", "POST", "/v2").status == (200 if public else 302)


@pytest.mark.parametrize("profile", ["nova-20.6.1", "nova-21.0.0"])
def test_bare_version_paths_redirect_before_21_0_0(profile):
    """Before 21.0.0 (1e907602e3) the API router's ROUTE_LIST ``('', '/')`` is routes'
    ``Mapper.redirect``: ``/v2.1`` and ``/v2`` by any method, with a token, are ``302 Found``
    to the path with a final ``/``, made absolute by webob 1.8 (``_abs_headerlist``), no body,
    no microversion read (20.6.1 compute/routes.py, nova/api/wsgi.py Router); 21.0.0's
    ``VersionsV2`` answers at once."""
    env = NovaEnv(profile)
    resp = env.cloud.request("compute", "GET", "/v2.1", microversion="2.999")
    if profile == "nova-21.0.0":
        assert resp.status == 406
        return
    assert (resp.status, resp.body) == (302, None)
    assert resp.headers["Location"] == "http://compute.fakecloud.test/v2.1/"
    assert resp.headers["Content-Type"] == "text/plain; charset=utf8"
    assert "OpenStack-API-Version" not in resp.headers
    assert env.cloud.request("compute", "DELETE", "/v2").headers["Location"].endswith("/v2/")


def test_versions_by_id_behind_the_token():
    """``GET /v2.1/versions/{id}`` (ROUTE_LIST, versionsV21.VersionsController.show, nova
    17.0.0-34.0.0): v2.0 or v2.1's document, self-linked to ``/v2.1/`` (the request's
    application URL); another id ``expected_errors``' 404; no token, keystonemiddleware's 401."""
    env = NovaEnv("seed")
    base = "http://compute.fakecloud.test/v2.1/"
    v20 = env.cloud.request("compute", "GET", "/v2.1/versions/v2.0")
    assert v20.status == 200 and v20.headers["OpenStack-API-Version"] == "compute 2.1"
    assert (v20.json()["version"]["id"], v20.json()["version"]["links"][0]["href"]) == (
        "v2.0",
        base,
    )
    project = env.cloud.keystone.token_for("demo").context.project_id
    v21 = env.cloud.request("compute", "GET", f"/v2.1/{project}/versions/v2.1")
    assert v21.json()["version"]["version"] == env.top
    missing = env.cloud.request("compute", "GET", "/v2.1/versions/v3")
    assert (missing.status, missing.json()) == (
        404,
        {"itemNotFound": {"code": 404, "message": "The resource could not be found."}},
    )
    assert env.cloud.request("compute", "GET", "/v2.1/versions/v2.1", user=None).status == 401


@pytest.mark.parametrize("profile", ["nova-20.6.1", "nova-21.0.0"])
def test_a_version_in_the_media_type_picks_the_application(profile):
    """``URLMap.__call__`` (nova 17.0.0-34.0.0 api/openstack/urlmap.py): a path under no version
    reads ``Content-Type``'s, then ``Accept``'s ``version=`` (``best_match``) and is served by
    ``/v<version>``'s application, its path unchanged: before 21.0.0 the API (a token needed,
    ``/servers`` is the list); from 21.0.0 (1e907602e3) ``VersionsV2``, the document, for any
    path and method, no token. A version no application has (``2.0``) is the root's 300."""
    env = NovaEnv(profile)
    asks = {"Accept": "application/xml, application/json;q=0.9;version=2.1"}
    listed = env.cloud.request("compute", "GET", "/servers", headers=asks)
    anonymous = env.cloud.request("compute", "DELETE", "/servers", headers=asks, user=None)
    legacy = {"Content-Type": "application/json; version=2", "Accept": "*/*;version=2.1"}
    if profile == "nova-20.6.1":
        assert (listed.status, listed.json()) == (200, {"servers": []})
        assert anonymous.status == 401
    else:
        assert listed.json()["version"]["id"] == "v2.1"
        assert (anonymous.status, anonymous.json()["version"]["id"]) == (200, "v2.1")
        doc = env.cloud.request("compute", "POST", "/x", headers=legacy, user=None)
        assert doc.json()["version"]["id"] == "v2.0"
    asks["Accept"] = "application/json;version=2.0"
    assert env.cloud.request("compute", "GET", "/servers", headers=asks).status == 300
