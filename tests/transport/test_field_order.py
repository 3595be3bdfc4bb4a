"""An answer's fields come in the order the real service's stack writes them, served (read
off the socket, as ``curl -i`` shows them) and in process (``requests``' headers) alike.

The expected orders are the releases' own, read from their code run on WebOb 1.8.11 (nova
27.1.0 and cinder 22.1.0 ``api/openstack/wsgi.py``, glance 27.0.0 ``common/wsgi.py`` and
``api/v2/images.py``, keystone 13.0.4 ``common/wsgi.py`` ``render_response`` and 23.0.0's
Flask ``make_response``, keystonemiddleware 13.0.1's 401, oslo.middleware 8.2.0's
``request_id``) and httpd's ``ap_http_header_filter`` (``fixup_vary``). Until session 45 every
answer started with its request ids and ended with ``Content-Type`` and ``Content-Length``."""

import json
import socket

import pytest
import requests

from fakecloud.transport.server import FakecloudServer

TIMEOUT = 20
NOVA_VERSIONS = ["OpenStack-API-Version", "X-OpenStack-Nova-API-Version", "Vary", "Vary"]
NOVA_IDS = ["x-openstack-request-id", "x-compute-request-id"]
EVENTLET = ["Date", "Connection"]  # eventlet.wsgi's, after the application's


def _names(head: bytes) -> list[str]:
    """The field names of an answer's head, in the order sent, folded to lower case but
    for the ones the expectations spell (eventlet capitalizes every name)."""
    lines = head.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")[1:]
    return [line.split(":", 1)[0].lower() for line in lines]


def _ask(server, service, method, path, token=None, body=None):
    host, port = server.urls[service][len("http://") :].split(":")
    data = json.dumps(body).encode() if body is not None else b""
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n"
    if token:
        head += f"X-Auth-Token: {token}\r\n"
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as sock:
        sock.sendall(head.encode() + b"\r\n" + data)
        out = b""
        while chunk := sock.recv(65536):
            out += chunk
    return out


def _token(server):
    creds = server.cloud.credentials("demo")
    user = {"name": creds["username"], "password": creds["password"], "domain": {"id": "default"}}
    scope = {"project": {"name": creds["project_name"], "domain": {"id": "default"}}}
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": user}}}}
    body["auth"]["scope"] = scope
    answer = requests.post(server.urls["identity"] + "/v3/auth/tokens", json=body, timeout=TIMEOUT)
    return answer.headers["X-Subject-Token"], body


def _low(names):
    return [n.lower() for n in names]


@pytest.fixture(scope="module")
def seed():
    with FakecloudServer(port_base=0, speed=0, profile="seed") as srv:
        yield srv


def test_each_service_lays_out_its_answer_as_its_release_does(seed):
    """Nova's ``ResponseObject.serialize`` then ``_process_stack`` (a 200: the length first,
    the type re-set after the handler's ``Location``), its ``Fault`` (the versions first),
    keystonemiddleware's 401 (its ``WWW-Authenticate`` after the length); Cinder's
    ``ResponseObject.serialize`` (its compute id set before the type and the body) and its
    ``Fault``;
    Glance's serializer (the length, the type, ``location``, the import methods), its
    context middleware's id last; Keystone 13.x's ``render_response``: the token, ``Vary``,
    the type and WebOb's length, then ``request_id``'s id, behind Apache's ``Date`` and
    ``Server``. Served by eventlet (Nova, Cinder, Glance of Queens): ``Date`` and
    ``Connection`` after them."""
    token, login = _token(seed)
    project = seed.cloud.keystone.directory.project_by_name("demo").id
    expected = [
        (("compute", "GET", "/v2.1/servers", None), [
            "Content-Length", "Content-Type", *NOVA_VERSIONS, *NOVA_IDS, *EVENTLET]),
        (("compute", "GET", "/v2.1/servers/nope", None), [
            *NOVA_VERSIONS, "Content-Type", "Content-Length", *NOVA_IDS, *EVENTLET]),
        (("compute", "GET", "/v2.1/flavors", "no token"), [
            "Content-Type", "Content-Length", "WWW-Authenticate", *NOVA_IDS, *EVENTLET]),
        (("volume", "GET", f"/v3/{project}/volumes", None), [  # Python 2: see the next test
            "x-compute-request-id", "Content-Type", "Content-Length",
            "OpenStack-API-Version", "Vary", "x-openstack-request-id", *EVENTLET]),
        (("volume", "GET", f"/v3/{project}/volumes/nope", None), [
            "OpenStack-API-Version", "Vary", "Content-Length", "Content-Type",
            "x-compute-request-id", "x-openstack-request-id", *EVENTLET]),
        (("image", "POST", "/v2/images", {"name": "x"}), [
            "Content-Length", "Content-Type", "Location", "OpenStack-image-import-methods",
            "x-openstack-request-id", *EVENTLET]),
        (("identity", "POST", "/v3/auth/tokens", login), [
            "Date", "Server", "X-Subject-Token", "Vary", "Content-Type", "Content-Length",
            "x-openstack-request-id", "Connection"]),
    ]  # fmt: skip
    for (service, method, path, extra), names in expected:
        body = extra if isinstance(extra, dict) else None
        sent = None if extra == "no token" or service == "identity" else token
        answer = _ask(seed, service, method, path, sent, body)
        assert _names(answer) == _low(names), (service, method, path, answer[:400])
    # in process, requests' headers (what a client reads and records) have the same order
    with seed.cloud.intercept():
        answer = requests.get(
            seed.urls["compute"] + "/v2.1/servers", headers={"X-Auth-Token": token}, timeout=9
        )
    assert _low(answer.headers) == _low(["Content-Length", "Content-Type", *NOVA_VERSIONS[:3],
                                         *NOVA_IDS, "Date"])  # fmt: skip


def test_apache_merges_the_vary_fields_and_keystone_of_flask_writes_its_type_first():
    """From nova 32.0.0 Apache stands in front of Nova: ``fixup_vary`` writes Nova's two
    ``Vary`` fields as one, at the first's place (httpd ``ap_http_header_filter``). Cinder on
    Python 3 (from Nova 21.0.0's release) re-sets each field in ``_process_stack`` while
    iterating WebOb's live list, which moves them: the type, the compute id, the length
    (cinder 22.1.0 run on WebOb 1.8.11). Keystone from 15.0.0 answers through Flask, whose
    ``make_response`` starts the type and length, its handler's fields (the token) after
    them, ``after_request``'s ``Vary`` last."""
    with FakecloudServer(port_base=0, speed=0, profile="upstream") as srv:
        token, login = _token(srv)
        served = _ask(srv, "compute", "GET", "/v2.1/servers", token)
        assert _names(served) == _low([
            "Date", "Server", "Content-Length", "Content-Type", *NOVA_VERSIONS[:3], *NOVA_IDS,
            "Connection"])  # fmt: skip
        assert b"\r\nVary: OpenStack-API-Version,X-OpenStack-Nova-API-Version\r\n" in served
        project = srv.cloud.keystone.directory.project_by_name("demo").id
        served = _ask(srv, "volume", "GET", f"/v3/{project}/volumes", token)
        assert _names(served) == _low([
            "Date", "Server", "Content-Type", "x-compute-request-id", "Content-Length",
            "OpenStack-API-Version", "Vary", "x-openstack-request-id", "Connection"])  # fmt: skip
        served = _ask(srv, "identity", "POST", "/v3/auth/tokens", None, login)
        assert _names(served) == _low([
            "Date", "Server", "Content-Type", "Content-Length", "X-Subject-Token", "Vary",
            "x-openstack-request-id", "Connection"])  # fmt: skip
