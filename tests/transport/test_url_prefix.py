"""A cloud served under a URL prefix (``http://host/fakecloud``), as real services are behind a
proxy path: the catalog, links and ``Location`` headers carry the prefix, whether the WSGI
server is mounted at it (``SCRIPT_NAME``) or passes the whole path, and in-process clients
reach services that share one host under different paths."""

import io
import json
from wsgiref.util import setup_testing_defaults

import pytest
import requests

from fakecloud import Cloud
from fakecloud.transport.wsgi import application

HOSTS = ("identity", "compute", "image", "volume")
PREFIXED = {host: f"http://{host}.example.test/fakecloud" for host in HOSTS}


def call(app, method, script_name, path, body=None, token=None):
    raw = json.dumps(body).encode() if body is not None else b""
    environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": script_name,
        "PATH_INFO": path,
        "CONTENT_LENGTH": str(len(raw)),
        "CONTENT_TYPE": "application/json",
        "wsgi.input": io.BytesIO(raw),
    }
    if token is not None:
        environ["HTTP_X_AUTH_TOKEN"] = token
    setup_testing_defaults(environ)
    environ["HTTP_HOST"] = f"{app.host}.example.test"
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    payload = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], json.loads(payload) if payload else None


PASSWORD_AUTH = {
    "auth": {
        "identity": {
            "methods": ["password"],
            "password": {
                "user": {"name": "demo", "domain": {"id": "default"}, "password": "demo-secret"}
            },
        },
        "scope": {"project": {"name": "demo", "domain": {"id": "default"}}},
    }
}


@pytest.mark.parametrize(
    "script_name, path_prefix",
    [("/fakecloud", ""), ("", "/fakecloud")],
    ids=["mounted at the prefix", "proxy passes the whole path"],
)
def test_a_wsgi_deployment_under_a_prefix_serves_and_links_under_it(script_name, path_prefix):
    cloud = Cloud(seed=1, config={"endpoints": PREFIXED})
    identity, compute = application(cloud, "identity"), application(cloud, "compute")
    status, headers, body = call(
        identity, "POST", script_name, path_prefix + "/v3/auth/tokens", PASSWORD_AUTH
    )
    assert status == "201 Created"
    catalog = {s["type"]: s["endpoints"][0]["url"] for s in body["token"]["catalog"]}
    assert catalog["compute"] == "http://compute.example.test/fakecloud/v2.1"
    assert catalog["image"] == "http://image.example.test/fakecloud"
    token = headers["X-Subject-Token"]
    status, _, body = call(identity, "GET", script_name, path_prefix + "/v3")
    assert body["version"]["links"][0]["href"] == "http://identity.example.test/fakecloud/v3/"

    image = cloud.request("image", "GET", "/v2/images").json()["images"][0]["id"]
    server = {"name": "s1", "imageRef": image, "flavorRef": "1"}
    status, headers, body = call(
        compute, "POST", script_name, path_prefix + "/v2.1/servers", {"server": server}, token
    )
    assert status == "202 Accepted"
    server_id = body["server"]["id"]
    assert headers["Location"] == (
        f"http://compute.example.test/fakecloud/v2.1/servers/{server_id}"
    )
    flavor = path_prefix + "/v2.1/flavors/1"
    status, _, body = call(compute, "GET", script_name, flavor, None, token)
    assert status == "200 OK"
    hrefs = {link["rel"]: link["href"] for link in body["flavor"]["links"]}
    assert hrefs == {
        "self": "http://compute.example.test/fakecloud/v2.1/flavors/1",
        "bookmark": "http://compute.example.test/fakecloud/flavors/1",
    }


def test_in_process_clients_reach_services_sharing_a_host_under_paths():
    """devstack's layout: every service on one host, each under its own path."""
    shared = {host: f"http://cloud.example.test/{host}" for host in HOSTS}
    cloud = Cloud(seed=1, config={"endpoints": shared})
    with cloud.intercept():
        conn = cloud.connection()
        assert "m1.tiny" in {f.name for f in conn.compute.flavors()}
        assert any(i.name.startswith("cirros") for i in conn.image.images())
        assert list(conn.block_storage.volumes()) == []
        outside = requests.get("http://cloud.example.test/swift/v1")
    assert outside.status_code == 404
    assert outside.json()["itemNotFound"]["message"] == (
        "fakecloud: nothing serves GET http://cloud.example.test/swift/v1: this host serves "
        "identity at cloud.example.test/identity, compute at cloud.example.test/compute, "
        "volume at cloud.example.test/volume, image at cloud.example.test/image."
    )
