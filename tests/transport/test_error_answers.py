"""A body real services cannot parse either (JSON nested a thousand deep) is the 500 each real
service gives, with its own fault body, over HTTP as in-process; and the trace records only
what the cloud did (the error's class and message), never where fakecloud's code lives."""

import json
import socket

import pytest

from fakecloud import Cloud
from fakecloud.api.json_body import MAX_DEPTH
from fakecloud.transport.server import FakecloudServer

DEEP = b'{"x": ' + b"[" * 1000 + b"]" * 1000 + b"}"
# (service, method, path, the 500 body's first key or message start)
ROUTES = [
    ("compute", "POST", "/v2.1/servers", "computeFault"),
    ("volume", "POST", "/v3/{project_id}/volumes", "computeFault"),
    ("image", "POST", "/v2/images", "message"),
    ("identity", "POST", "/v3/auth/tokens", "error"),
]


@pytest.mark.parametrize("service, method, path, key", ROUTES)
def test_deep_json_is_the_services_own_500_in_process(service, method, path, key):
    cloud = Cloud(seed=1)
    resp = cloud.request(
        "block-storage" if service == "volume" else service,
        method,
        path,
        body=DEEP,
        headers={"Content-Type": "application/json"},
    )
    assert resp.status == 500
    assert key in resp.json()
    (error,) = cloud.trace.filter(kind="api.error")
    assert set(error) == {"t", "seq", "kind", "actor", "subject", "error"}
    assert error["error"].startswith("RecursionError: maximum recursion depth exceeded")
    assert "/" not in error["error"] and "File " not in json.dumps(error)


def _nested(depth: int) -> bytes:
    return b'{"server": ' + b"[" * (depth - 1) + b"]" * (depth - 1) + b"}"


def _deeper(frames: int, call):
    return _deeper(frames - 1, call) if frames else call()


def test_the_nesting_limit_is_fakecloud_s_own_not_the_host_python_s():
    # CPython gives up at ~1,000 levels less the caller's stack (3.11), 1,500 (3.12) or
    # 10,000 (3.13); the answer must not depend on which, nor on how deep the caller is.
    cloud = Cloud(seed=1)

    def post(body):
        return cloud.request("compute", "POST", "/v2.1/servers", body=body)

    at_limit = _deeper(300, lambda: post(_nested(MAX_DEPTH)))
    assert at_limit.status == 400  # decoded: Nova's schema refuses the list
    assert "is not of type 'object'" in at_limit.json()["badRequest"]["message"]
    assert _deeper(300, lambda: post(_nested(MAX_DEPTH + 1))).status == 500
    (error,) = cloud.trace.filter(kind="api.error")
    assert error["error"] == (
        "RecursionError: maximum recursion depth exceeded while decoding a JSON array "
        "from a unicode string"
    )
    # Brackets inside strings are text, not nesting.
    texty = post({"server": {"name": "a", "flavorRef": "1"}, "x": "[" * 3000 + "{" * 3000})
    assert texty.status == 400  # decoded: Nova's schema refuses the extra key
    assert "('x' was unexpected)" in texty.json()["badRequest"]["message"]


def test_deep_json_over_http_is_answered_and_the_connection_stays_usable():
    with FakecloudServer(port_base=0, speed=0) as server:
        token = server.cloud.keystone.token_for("demo").id
        project = server.cloud.context("demo").project_id
        for service, method, path, key in ROUTES:
            host, port = server.urls[service][len("http://") :].split(":")
            target = path.replace("{project_id}", project)
            request = (
                f"{method} {target} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: {token}\r\n"
                f"Content-Type: application/json\r\nAccept: application/json\r\n"
                f"Content-Length: {len(DEEP)}\r\n\r\n"
            ).encode() + DEEP
            version = b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            with socket.create_connection((host, int(port)), timeout=20) as sock:
                sock.sendall(request + version)
                stream = b""
                while chunk := sock.recv(65536):
                    stream += chunk
            first, _, rest = stream.partition(b"\r\n\r\n")
            assert first.startswith(b"HTTP/1.1 500 "), (service, first)
            assert b"Traceback" not in stream and key.encode() in stream
            assert stream.count(b"HTTP/1.1 ") == 2  # the next request on it was answered too


def test_an_instance_action_traceback_names_fakecloud_frames_by_package_path():
    cloud = Cloud(seed=1, profile="upstream")
    images = cloud.request("image", "GET", "/v2/images?name=cirros-0.6.2-x86_64-qga").json()
    server = {"name": "a", "flavorRef": "1", "imageRef": images["images"][0]["id"]}
    server["networks"] = "none"
    created = cloud.request(
        "compute", "POST", "/v2.1/servers", body={"server": server}, microversion="2.60"
    )
    server_id = created.json()["server"]["id"]
    cloud.run_until_idle()
    cloud.faults.add("nova.libvirt.extract", error="LibvirtError", message="disk gone")
    action = f"/v2.1/servers/{server_id}/action"
    snap = cloud.request("compute", "POST", action, body={"createImage": {"name": "s"}})
    cloud.run_until_idle()
    assert snap.status == 202
    # Nova shows an ERROR server's last fault, with its details to an admin.
    reset = {"os-resetState": {"state": "error"}}
    assert cloud.request("compute", "POST", action, body=reset, user="admin").status == 202
    shown = cloud.request("compute", "GET", f"/v2.1/servers/{server_id}", user="admin")
    text = shown.json()["server"]["fault"]["details"]
    assert text.startswith("Traceback (most recent call last):\n")
    assert '  File "fakecloud/nova/' in text
    assert "site-packages" not in text and "/work/" not in text and "/root/" not in text
    # The last line names the class as the libvirt bindings do, not fakecloud's module.
    assert text.rstrip().splitlines()[-1] == "libvirt.libvirtError: disk gone"
