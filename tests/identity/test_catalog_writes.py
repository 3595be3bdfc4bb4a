"""Keystone's catalog writes: regions, services and endpoints, and the tokens' catalogs after.

Each test writes to its own fork of one booted world (``upstream``), so a write shows nowhere
else.
"""

import pytest

from fakecloud import Cloud
from fakecloud.identity.exception import Error
from fakecloud.transport.gateway import wire_headers


def admin(cloud, method, path, body=None):
    return cloud.request("identity", method, path, body, user="admin")


def catalog(cloud):
    """The demo user's catalog, by service type: the URLs of its endpoints."""
    resp = cloud.request("identity", "GET", "/v3/auth/catalog", user="demo")
    return {e["type"]: [ep["url"] for ep in e["endpoints"]] for e in resp.json()["catalog"]}


def test_a_new_service_and_endpoint_join_new_catalogs_with_the_project_filled_in(cloud):
    service = admin(cloud, "POST", "/v3/services", {"service": {"type": "object-store"}})
    assert service.status == 201
    assert service.json()["service"]["name"] == ""  # Keystone names it "" unless told
    url = "http://swift.test/v1/AUTH_$(project_id)s"
    body = {"service_id": service.json()["service"]["id"], "interface": "public", "url": url,
            "region": "RegionTwo"}  # fmt: skip
    endpoint = admin(cloud, "POST", "/v3/endpoints", {"endpoint": body})
    assert endpoint.status == 201
    assert endpoint.json()["endpoint"]["region_id"] == "RegionTwo"  # made, as v2 clients expect
    assert admin(cloud, "GET", "/v3/regions/RegionTwo").status == 200
    project = cloud.context("demo").project_id
    assert catalog(cloud)["object-store"] == [f"http://swift.test/v1/AUTH_{project}"]


def test_a_moved_endpoint_is_what_clients_read_while_the_service_keeps_its_host(cloud):
    compute = admin(cloud, "GET", "/v3/services?type=compute").json()["services"][0]
    ep = admin(cloud, "GET", f"/v3/endpoints?service_id={compute['id']}").json()["endpoints"][0]
    moved = {"endpoint": {"url": "http://elsewhere.test/v2.1"}}
    assert admin(cloud, "PATCH", f"/v3/endpoints/{ep['id']}", moved).status == 200
    assert catalog(cloud)["compute"] == ["http://elsewhere.test/v2.1"]
    assert cloud.request("compute", "GET", "/v2.1/servers", user="demo").status == 200
    assert admin(cloud, "DELETE", f"/v3/services/{compute['id']}").status == 204
    assert "compute" not in catalog(cloud)
    assert admin(cloud, "GET", f"/v3/endpoints/{ep['id']}").status == 404  # went with it


def test_the_region_trees_refusals(cloud):
    r = "/v3/regions"
    assert admin(cloud, "POST", r, {"region": {"id": "R2"}}).status == 201
    assert admin(cloud, "PUT", f"{r}/R3", {"region": {"parent_region_id": "R2"}}).status == 201
    refusals = [
        (admin(cloud, "POST", r, {"region": {"id": "R2"}}), 409,
         "Conflict occurred attempting to store region - Duplicate ID, R2.."),
        (admin(cloud, "PATCH", f"{r}/R2", {"region": {"parent_region_id": "R3"}}), 400,
         "The specified parent region R2 would create a circular region hierarchy."),
        (admin(cloud, "POST", r, {"region": {"parent_region_id": "nope"}}), 404,
         "Could not find region: nope."),
        (admin(cloud, "DELETE", f"{r}/RegionOne"), 403,
         "Unable to delete region RegionOne because it or its child regions have associated "
         "endpoints."),
        (admin(cloud, "POST", "/v3/services", {"service": {"type": "t", "enabled": "yes"}}), 400,
         "Invalid input for field/attribute enabled. Value: yes. 'yes' is not of type 'boolean'"),
    ]  # fmt: skip
    for resp, status, message in refusals:
        assert (resp.status, resp.json()["error"]["message"]) == (status, message)
    assert admin(cloud, "DELETE", f"{r}/R2").status == 204
    assert admin(cloud, "GET", f"{r}/R3").status == 404  # a region's children go with it


def test_a_member_may_not_write_and_an_unwritten_world_keeps_its_built_catalog(cloud):
    resp = cloud.request("identity", "POST", "/v3/regions", {"region": {}}, user="demo")
    assert resp.status == 403
    assert type(cloud.keystone.catalog).__name__ == "Catalog"


def test_an_endpoint_group_of_a_project_filters_its_catalog(cloud):
    compute = admin(cloud, "GET", "/v3/services?type=compute").json()["services"][0]["id"]
    body = {"endpoint_group": {"name": "g", "filters": {"service_id": compute}}}
    group = admin(cloud, "POST", "/v3/OS-EP-FILTER/endpoint_groups", body).json()
    project = cloud.context("demo").project_id
    one = f"/v3/OS-EP-FILTER/endpoint_groups/{group['endpoint_group']['id']}/projects/{project}"
    assert [admin(cloud, "PUT", one).status for _ in range(2)] == [204, 409]
    assert catalog(cloud) == {"compute": ["http://compute.fakecloud.test/v2.1"]}
    assert admin(cloud, "DELETE", one).status == 204
    assert len(catalog(cloud)) == 6  # the whole catalog again (compute_legacy among them)


def test_an_endpoint_url_naming_the_user_is_filled_in_per_token(cloud):
    service = admin(cloud, "POST", "/v3/services", {"service": {"type": "object-store"}})
    body = {"service_id": service.json()["service"]["id"], "interface": "public",
            "url": "http://swift.test/$(user_id)s"}  # fmt: skip
    assert admin(cloud, "POST", "/v3/endpoints", {"endpoint": body}).status == 201
    assert catalog(cloud)["object-store"] == [f"http://swift.test/{cloud.context('demo').user_id}"]


@pytest.mark.parametrize(("profile", "flask_auth"), [("upstream", True), ("nova-18.0.0", False)])
def test_a_service_named_with_a_lone_surrogate_breaks_every_scoped_tokens_catalog(
    profile, flask_auth
):
    # its name lives in the row's extra JSON (201); then get_v3_catalog's request cache packs
    # the catalog with msgpack: UnicodeEncodeError wherever a scoped token is rendered (the
    # keystone oracle, 22.0.0-30.0.0): Keystone's middleware's 500 for every request with one,
    # its issue the WSGI server's 500 (Flask, 15.0.0 on; before, the legacy wsgi's 500), and
    # ?nocatalog still works
    cloud = Cloud(profile=profile)
    made = admin(cloud, "POST", "/v3/services", {"service": {"type": "sur", "name": "x\ud800"}})
    assert made.status == 201
    read = cloud.request("identity", "GET", "/v3/users", user="demo")
    assert (read.status, read.json()["error"]["message"]) == (500, Error.message_format)
    assert read.headers["Vary"] == "X-Auth-Token"
    auth = {"identity": {"methods": ["password"], "password": {"user": {
        "name": "demo", "domain": {"id": "default"}, "password": "demo-secret"}}}}  # fmt: skip
    issued = cloud.request("identity", "POST", "/v3/auth/tokens", body={"auth": auth}, user=None)
    if flask_auth:
        assert (issued.status, wire_headers(issued)) == (500, [("Content-Type", "text/plain")])
    else:
        assert issued.json()["error"]["message"] == Error.message_format
    path = "/v3/auth/tokens?nocatalog"
    quiet = cloud.request("identity", "POST", path, body={"auth": auth}, user=None)
    assert quiet.status == 201 and "catalog" not in quiet.json()["token"]
