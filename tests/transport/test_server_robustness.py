"""Server mode holds under hostile traffic: many simultaneous connections, broken HTTP framing,
oversized bodies and clients that vanish mid-request; and it stops cleanly."""

import contextlib
import itertools
import json
import re
import select
import socket
import struct
import time

import pytest
import requests

from fakecloud.profiles.releases import release
from fakecloud.transport.bad_length import EVENTLET_BAD_LENGTH
from fakecloud.transport.header_size import (
    APACHE,
    EVENTLET,
    EVENTLET_036,
    EVENTLET_039,
    EVENTLET_PY3,
    HEADER_LINE_TOO_LONG,
    HEADERS_TOO_LARGE,
    LENGTH_AND_CHUNKED,
    MAX_HEADER_LINE,
    MAX_REQUEST_LINE,
    REQUEST_URI_TOO_LONG,
    head_limits,
    refusal,
)
from fakecloud.transport.server import FakecloudServer
from tests.turns import wait_until_one_blocked

TIMEOUT = 20


@pytest.fixture(scope="module")
def server():
    with FakecloudServer(port_base=0, speed=0) as srv:
        yield srv


def address(srv, service):
    host, port = srv.urls[service][len("http://") :].split(":")
    return host, int(port)


def read_all(sock):
    """Everything the server sends until it closes the connection."""
    out = bytearray()
    while True:
        chunk = sock.recv(1 << 20)
        if not chunk:
            return bytes(out)
        out += chunk


def exchange(srv, service, data):
    with socket.create_connection(address(srv, service), timeout=TIMEOUT) as sock:
        sock.sendall(data)
        return read_all(sock)


def login_request(srv, close=True):
    creds = srv.cloud.credentials("demo")
    body = json.dumps(
        {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {
                        "user": {
                            "name": creds["username"],
                            "password": creds["password"],
                            "domain": {"name": "Default"},
                        }
                    },
                }
            }
        }
    ).encode()
    head = (
        f"POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n{'Connection: close' if close else ''}\r\n\r\n"
    )
    return head.replace("\r\n\r\n\r\n", "\r\n\r\n").encode() + body


def test_two_hundred_simultaneous_connections_are_all_answered(server):
    request = b"GET /v3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    sockets = [socket.create_connection(address(server, "identity"), timeout=TIMEOUT)]
    try:
        for _ in range(199):
            sockets.append(socket.create_connection(address(server, "identity"), timeout=TIMEOUT))
        for sock in sockets:
            sock.sendall(request)
        answers = [read_all(sock) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()
    assert [a.split(b"\r\n", 1)[0] for a in answers] == [b"HTTP/1.1 200 OK"] * 200


@pytest.mark.parametrize(
    "framing, why",
    [
        (b"Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", b"Invalid chunk size"),
        (b"Transfer-Encoding: gzip, chunked\r\n\r\n", b"Transfer-Encoding requested"),
    ],
    ids=["bad-chunk-size", "unknown-coding"],
)
def test_broken_framing_gets_400_and_a_closed_connection(server, framing, why):
    smuggled = b"GET /v3 HTTP/1.1\r\nHost: x\r\n\r\n"
    answer = exchange(server, "identity", b"POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\n" + framing)
    # RFC 9112 6.1: a transfer coding the server does not know is 501, the rest 400.
    status = b"501 Not Implemented" if b"gzip" in framing else b"400 Bad Request"
    assert answer.startswith(b"HTTP/1.1 " + status + b"\r\n")
    assert why in answer
    assert b"Traceback" not in answer and b"Error(" not in answer
    # The connection is closed after the 400: bytes sent after it are never read as a request.
    with socket.create_connection(address(server, "identity"), timeout=TIMEOUT) as sock:
        sock.sendall(b"POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\n" + framing + smuggled)
        stream = read_all(sock)
    assert stream.count(b"HTTP/1.1 ") == 1


@pytest.mark.parametrize(
    "framing",
    [
        b"Content-Length: abc\r\n\r\n",
        b"Content-Length: -1\r\n\r\n",
        b"Content-Length: 5\r\nContent-Length: 7\r\n\r\n",  # waitress reads "5, 7"
    ],
    ids=["non-numeric", "negative", "two-lengths"],
)
def test_a_length_that_is_no_length_gets_eventlets_empty_400(server, framing):
    # eventlet.wsgi's handle_one_request (0.20.0 to 0.41.3; negative from 0.25.0): these bytes
    # and nothing more, before the application; was waitress's text page naming itself.
    answer = exchange(server, "image", b"PUT /v2/images/x/file HTTP/1.1\r\nHost: x\r\n" + framing)
    assert answer == EVENTLET_BAD_LENGTH
    assert answer == b"HTTP/1.0 400 Bad Request\r\nConnection: close\r\nContent-length: 0\r\n\r\n"
    smuggled = b"GET /v3 HTTP/1.1\r\nHost: x\r\n\r\n"
    with socket.create_connection(address(server, "identity"), timeout=TIMEOUT) as sock:
        sock.sendall(b"POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\n" + framing + smuggled)
        assert read_all(sock) == EVENTLET_BAD_LENGTH  # closed: the rest is never read


@pytest.mark.parametrize(
    ("service", "head", "status", "has"),
    [
        # paste's URLMap collapses '//' before keystonemiddleware: the v2.1 pipeline's 401
        ("compute", b"GET //v2.1//servers", b"401 Unauthorized", b"x-compute-request-id: req-"),
        ("volume", b"GET //v3//p/volumes", b"401 Unauthorized", b"x-openstack-request-id: req-"),
        ("image", b"OPTIONS //versions", b"200 OK", b"Content-Type: application/json"),
        # Nova's urlmap cannot read the Accept: eventlet.wsgi's bodiless text/plain 500
        (
            "compute",
            b"GET /v2.1/servers HTTP/1.1\r\nAccept: application/json;q",
            b"500 Internal Server Error",
            b"content-type: text/plain\r\n",
        ),
    ],
    ids=["nova-slashes", "cinder-slashes", "glance-any-method", "nova-accept"],
)
def test_what_the_paste_pipelines_read_before_the_service_over_http(
    server, service, head, status, has
):
    if b" HTTP/1.1" not in head:
        head += b" HTTP/1.1"
    answer = exchange(server, service, head + b"\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 " + status + b"\r\n")
    assert has.lower() in answer.lower()
    assert answer.endswith(b"\r\n\r\n") is (status[:1] == b"5")  # the 500 has no body


def test_the_legacy_v2_pipeline_over_http(server):
    """``/v2/{project}/...`` with a token: the v2.1 route's answer without the microversion
    headers (a ``compute 3.0`` request is no 406), the links under ``/v2``."""
    answer = exchange(server, "identity", login_request(server))
    token = answer.split(b"X-Subject-Token: ", 1)[1].split(b"\r\n", 1)[0]
    project = json.loads(answer.split(b"\r\n\r\n", 1)[1])["token"]["project"]["id"]
    head = (
        f"GET /v2/{project}/flavors/1 HTTP/1.1\r\nHost: x\r\nX-Auth-Token: {token.decode()}\r\n"
        "OpenStack-API-Version: compute 3.0\r\nConnection: close\r\n\r\n"
    )
    answer = exchange(server, "compute", head.encode())
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"openstack-api-version" not in answer.lower() and b"\r\nvary" not in answer.lower()
    assert f"/v2/{project}/flavors/1".encode() in answer


def _head(extra):
    return b"GET /v2.1/servers HTTP/1.1\r\nHost: x\r\n" + extra + b"Connection: close\r\n\r\n"


@pytest.mark.parametrize(
    "extra, answer",
    [
        # a line of 16,384 bytes with its CRLF: nova's [wsgi] max_header_line is eventlet's limit
        (b"X-Big: " + b"a" * (MAX_HEADER_LINE - 9) + b"\r\n", HEADER_LINE_TOO_LONG),
        (b"X-Big: " + b"a" * 300_000 + b"\r\n", HEADER_LINE_TOO_LONG),  # was waitress's 431
        # 70 lines of 1,000 bytes: over eventlet's 65,536 bytes of header lines
        (b"".join(b"X-%02d: " % i + b"a" * 992 + b"\r\n" for i in range(70)), HEADERS_TOO_LARGE),
    ],
    ids=["line-at-the-limit", "line-of-300k", "70k-of-lines"],
)
def test_a_head_too_long_gets_eventlets_empty_400(server, extra, answer):
    # eventlet.wsgi's FileObjectForHeaders (0.20.0 to 0.41.x): these bytes and nothing more
    assert answer.startswith(b"HTTP/1.0 400 Header")
    assert refused(server, _head(extra)) == answer


def test_a_request_line_of_8192_bytes_gets_eventlets_empty_414(server):
    # eventlet's readline(url_length_limit) returns the whole 8,192-byte line: RESPONSE_414
    path = b"/v2.1/servers?x=" + b"a" * (
        MAX_REQUEST_LINE - len(b"GET /v2.1/servers?x= HTTP/1.1\r\n")
    )
    head = b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    assert head.index(b"\n") + 1 == MAX_REQUEST_LINE
    assert refused(server, head) == REQUEST_URI_TOO_LONG
    one_less = head.replace(b"=a", b"=", 1)  # 8,191 bytes: served
    assert exchange(server, "compute", one_less).startswith(b"HTTP/1.1 401 ")


@pytest.mark.parametrize(
    ("host", "nova", "server"),
    [
        ("compute", "20.0.0", EVENTLET),  # Python 2.7 still run: no count of fields
        ("compute", "21.0.0", EVENTLET_PY3),  # Ussuri: Python 3 alone
        ("compute", "29.0.0", EVENTLET_PY3),  # 2024.1 pins eventlet 0.35.1
        ("compute", "30.0.0", EVENTLET_036),  # 2024.2 pins eventlet 0.36.1
        ("compute", "31.0.0", EVENTLET_039),  # nova-api, the eventlet command, still shipped
        ("compute", "32.0.0", APACHE),  # "Remove eventlet based WSGI server entry points"
        ("volume", "32.0.0", EVENTLET_039),  # cinder-api until Cinder 28.0.0 (2026.1)
        ("image", "33.0.0", APACHE),  # glance-api gone in Glance 32.0.0 (2026.1)
        ("identity", "17.0.0", APACHE),  # Keystone under Apache since Newton
    ],
)
def test_the_server_in_front_of_each_service_follows_the_release(host, nova, server):
    assert head_limits(host, release(nova)) is server


def test_apache_refuses_a_field_over_8190_bytes_and_the_101st_field():
    """Apache's LimitRequestFieldSize and LimitRequestFields (defaults), its end of line not
    counted; eventlet takes both heads."""
    field = b"X-Big: " + b"a" * (8190 - 7) + b"\r\n"
    assert refusal(_head(field), APACHE) is None
    assert refusal(_head(field.replace(b"a", b"aa", 1)), APACHE) == APACHE.header_line_answer
    many = b"".join(b"X-%03d: 1\r\n" % i for i in range(99))  # Host, these, Connection: 101
    assert refusal(_head(many), APACHE) == APACHE.fields_answer
    assert refusal(_head(many[: many.index(b"X-098")]), APACHE) is None
    assert refusal(_head(many), EVENTLET) is None
    assert APACHE.header_line_answer.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert b"Size of a request header field exceeds server limit." in APACHE.header_line_answer


@pytest.fixture(scope="module")
def upstream():
    with FakecloudServer(port_base=0, speed=0, profile="upstream") as srv:
        yield srv


def test_nova_32_and_later_answer_a_long_header_as_apache_over_http(upstream):
    """From nova 32.0.0 no eventlet server runs nova-api: the compute port answers a header
    field of 8,191 bytes as Apache in front of uWSGI does (eventlet took up to 16,383)."""
    field = b"X-Big: " + b"a" * (8191 - 7) + b"\r\n"
    assert refused(upstream, _head(field)) == APACHE.header_line_answer


def refused(srv, data):
    """The whole answer to `data`, which the server refuses before reading it all."""
    out = bytearray()
    with socket.create_connection(address(srv, "compute"), timeout=TIMEOUT) as sock:
        try:  # the server answers and closes before it has read all: the rest may be reset
            sock.sendall(data)
            while chunk := sock.recv(1 << 16):
                out += chunk
        except (BrokenPipeError, ConnectionResetError):
            out += sock.recv(1 << 16) if not out else b""
    return bytes(out)


def test_apache_lingers_after_a_refused_head_so_its_page_is_read(server):
    """Apache closes a connection whose head it refused with ``ap_lingering_close`` (server/
    connection.c): the write side shut, what the client still sends read and dropped, so a
    client that sent a 300,000-byte header line reads the whole 400 page. fakecloud closed at
    once with the rest unread, and the kernel's reset lost the page (``ECONNRESET``: found by
    session 33's HTTP fuzzing of Keystone's port, Apache's since Newton)."""
    field = b"X-Big: " + b"a" * 300_000 + b"\r\n"
    with socket.create_connection(address(server, "identity"), timeout=TIMEOUT) as sock:
        sock.sendall(_head(field))
        sock.shutdown(socket.SHUT_WR)
        assert read_all(sock) == APACHE.header_line_answer


def test_a_head_ended_by_bare_lfs_is_read_under_eventlet_and_refused_by_apache_at_once(server):
    """``GET / HTTP/1.1\\n\\n`` was waited for until ``--client-socket-timeout`` (900 s) and
    answered 408. eventlet.wsgi (nova-api here) reads bare-LF lines as any others, also a body
    after them and a second request on the connection; Apache (Keystone's front) refuses them
    at once with its 400 page (``HttpProtocolOptions Strict``, its default since 2.4.25)."""
    login = login_request(server, close=False).replace(b"\r\n", b"\n")
    head, _, body = login.partition(b"\n\n")
    with socket.create_connection(address(server, "identity"), timeout=TIMEOUT) as sock:
        sock.sendall(head[:20])
        sock.sendall(head[20:] + b"\n\n" + body)
        assert read_all(sock) == APACHE.bare_lf_answer
    assert APACHE.bare_lf_answer.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    with socket.create_connection(address(server, "compute"), timeout=TIMEOUT) as sock:
        sock.sendall(b"GET /v2.1/servers HTTP/1.1\nHost: x\r\nX-Auth")
        sock.sendall(b"-Token: bad\n\nGET /v2.1/servers HTTP/1.1\nConnection: close\n\n")
        answers = read_all(sock)
    assert answers.count(b"HTTP/1.1 401 Unauthorized\r\n") == 2, answers[:300]


def test_a_head_just_within_the_limits_is_served(server):
    line = b"X-Big: " + b"a" * (MAX_HEADER_LINE - 10) + b"\r\n"  # 16,383 bytes
    assert exchange(server, "compute", _head(line)).startswith(b"HTTP/1.1 401 ")


@pytest.mark.parametrize(
    "target", ["http://HOST/v2.1/servers", "http://elsewhere.example/v2.1/servers"]
)
def test_an_absolute_form_target_is_served_as_its_path(server, target):
    # RFC 9112 3.2.2: a server must accept it; Apache (devstack's front) and paste's URLMap
    # (under eventlet) both route it by its path: Nova's 401 for /v2.1/servers, not its versions
    host = server.urls["compute"][len("http://") :]
    data = (
        f"GET {target.replace('HOST', host)} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    answer = exchange(server, "compute", data.encode())
    assert answer.startswith(b"HTTP/1.1 401 Unauthorized"), answer[:200]


@pytest.mark.parametrize("service, path", [("identity", "/v3"), ("image", "/v2")])
def test_clock_given_a_service_url_says_the_control_endpoints_are_at_the_root(
    server, capsys, service, path
):
    """``fakecloud clock --url http://host:port/v3`` (a catalog's URL) printed Keystone's 401
    text as if the clock had refused."""
    from fakecloud import clock_cli

    root = server.urls[service]
    assert clock_cli.main(["show", "--url", root + path]) == 2
    assert capsys.readouterr().err.endswith(
        f"(the control endpoints are at the root of a port: --url {root})\n"
    )
    assert clock_cli.main(["show", "--url", root]) == 0


@pytest.mark.parametrize(
    "url, why",
    [
        ("http://[::1", " (Invalid IPv6 URL)"),  # was a ValueError traceback
        ("127.0.0.1:8770", ""),  # was "nothing answers ... (InvalidSchema)"
        ("http://127.0.0.1:8770/?x=1", " (no query or fragment)"),  # was Keystone's 300
    ],
)
def test_clock_given_no_servers_url_is_a_usage_error(capsys, url, why):
    """Session 40: a ``--url`` that is no server's URL was a traceback, "nothing answers" or
    the answer of a service to a path with the control endpoint's glued after the query."""
    from fakecloud import clock_cli

    with pytest.raises(SystemExit) as stopped:
        clock_cli.main(["show", "--url", url])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.endswith(
        "error: argument --url: expected a served port's URL such as http://127.0.0.1:8770 "
        "(--url, $FAKECLOUD_URL), "
        f"got {url!r}{why}\n"
    )


OVER = 114688 + 1


@pytest.mark.parametrize(
    "service, path, rid",
    [
        ("compute", "/v2.1/servers", True),
        ("volume", "/v3/p/volumes", True),
        ("identity", "/v3/auth/tokens", False),
    ],
)
def test_a_body_over_max_request_body_size_gets_oslo_middlewares_413(server, service, path, rid):
    body = b"{" + b" " * (OVER - 2) + b"}"
    answer = exchange(
        server,
        service,
        f"POST {path} HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        + body,
    )
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413 Request Entity Too Large")
    assert json.loads(payload) == {
        # oslo.middleware passes its format string unformatted; webob appends its own markup.
        "message": "Request is too large. Larger than max_request_body_size (%s)."
        "<br /><br />\n\n\n",
        "code": "413 Request Entity Too Large",
        "title": "Request Entity Too Large",
    }
    assert (b"x-openstack-request-id: req-" in head.lower()) is rid


def test_a_chunked_body_over_the_limit_gets_413_too(server):
    chunk = b"x" * 60000
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(2)) + b"0\r\n\r\n"
    answer = exchange(
        server,
        "compute",
        b"POST /v2.1/servers HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n" + body,
    )
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"413 Request Entity Too Large\n\nRequest is too large." in answer


def test_a_chunk_larger_than_any_body_taken_gets_413_at_once(server):
    """A chunk size of 2**80 was waited for, byte by byte (Apache: 413 for a size past its
    63 bits, `fakecloud.transport.unfinished`)."""
    answer = exchange(
        server,
        "compute",
        b"POST /v2.1/servers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"%x\r\nab" % 2**80,
    )
    assert answer.startswith(b"HTTP/1.1 413 Request Entity Too Large\r\nConnection: close\r\n")
    assert b"a chunk size takes the body past max_body of 1073741824 bytes" in answer


def test_requests_that_stop_arriving_get_408_and_idle_connections_close_after_the_timeout():
    """A length larger than the body sent, a chunked body that never ends and half a head were
    waited for until the idle sweep closed them without a word (a minute); a connection idle
    after its answer closes without another. One server, read timeout 0.1 s (nova-api's is
    900 s); every client sends at once, so the test waits one timeout."""
    stalled = [
        b"POST /v2.1/servers HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{",
        b"POST /v2.1/servers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n",
        b"GET /v2.1/servers HTTP/1.1\r\nHost: x\r\nX-Auth-",  # on identity's port (Apache)
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",  # answered, then idle
        b"GET /v2.1/servers HTTP/1.1\r\nHost: x\r\nX-Auth-",  # eventlet: closed unanswered
    ]
    with FakecloudServer(port_base=0, speed=0, client_socket_timeout_s=0.1) as srv:
        sockets = []
        try:
            # each sends as it connects: on a loaded host, connecting all first let the last
            # one's request (the answered GET) arrive after its timeout had run
            for i, data in enumerate(stalled):
                port = address(srv, "identity" if i == 2 else "compute")
                sockets.append(socket.create_connection(port, timeout=TIMEOUT))
                sockets[-1].sendall(data)
            answers = [read_all(sock) for sock in sockets]
            # session 33: Apache's refusal lingers (`bad_length`), but not past the timeout
            with socket.create_connection(address(srv, "identity"), timeout=TIMEOUT) as sock:
                sock.sendall(_head(b"X-Big: " + b"a" * 9000 + b"\r\n"))
                assert read_all(sock) == APACHE.header_line_answer
                with pytest.raises(OSError):  # reset once the sweep closed it
                    for _ in range(1000):
                        sock.sendall(b"x" * 1000)
                        time.sleep(0.01)
        finally:
            for sock in sockets:
                sock.close()
    for answer in answers[:3]:
        assert answer.startswith(b"HTTP/1.") and b" 408 Request Timeout\r\n" in answer
        assert b"Connection: close\r\n" in answer
        assert b"no more of the request arrived for " in answer
    assert answers[3].startswith(b"HTTP/1.1 200 OK\r\n") and answers[3].count(b"HTTP/1.") == 1
    assert answers[4] == b""  # eventlet.wsgi's readline timed out (0.41.3 tried)


def test_glance_takes_image_data_over_the_api_body_limit(server):
    token = server.cloud.keystone.token_for("demo").id
    create = json.dumps({"name": "big", "disk_format": "raw", "container_format": "bare"})
    head = (
        f"POST /v2/images HTTP/1.1\r\nHost: x\r\nX-Auth-Token: {token}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(create)}\r\n\r\n{create}"
    )
    created = exchange(server, "image", head.encode())
    image_id = json.loads(created.partition(b"\r\n\r\n")[2])["id"]
    data = b"\0" * (OVER * 2)
    upload = (
        f"PUT /v2/images/{image_id}/file HTTP/1.1\r\nHost: x\r\nX-Auth-Token: {token}\r\n"
        f"Connection: close\r\nContent-Type: application/octet-stream\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    ).encode()
    assert exchange(server, "image", upload + data).startswith(b"HTTP/1.1 204 ")
    shown = exchange(
        server,
        "image",
        f"GET /v2/images/{image_id} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: {token}\r\n"
        f"Connection: close\r\n\r\n".encode(),
    )
    assert json.loads(shown.partition(b"\r\n\r\n")[2])["size"] == len(data)


def test_clients_that_vanish_mid_request_do_not_disturb_others(server, capfd):
    for partial in (b"POST /v3/auth/tokens HTTP/1.1\r\nContent-Length: 500\r\n\r\n{", b"GE"):
        with socket.create_connection(address(server, "identity"), timeout=TIMEOUT) as sock:
            sock.sendall(partial)
    # A client that sends a request and closes before reading the answer.
    for _ in range(5):
        with socket.create_connection(address(server, "identity"), timeout=TIMEOUT) as sock:
            sock.sendall(login_request(server))
    # Clients that reset the connection (no FIN) while pipelined answers are being written:
    # the server's writes meet a closed pipe.
    for _ in range(5):
        sock = socket.create_connection(address(server, "identity"), timeout=TIMEOUT)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.sendall(login_request(server, close=False) * 4)
        sock.close()
    assert exchange(server, "identity", login_request(server)).startswith(b"HTTP/1.1 201 ")
    # ... and nobody hears about it: no BrokenPipe or reset traceback on the server's stderr.
    printed = capfd.readouterr()
    assert "Traceback" not in printed.err and "BrokenPipe" not in printed.err + printed.out


def test_stopping_sends_every_answer_already_made_whole():
    """Answers made before a stop but still in the server's output buffer (a client reading
    slowly) are sent whole before their connections close, never cut short."""
    import threading
    import time

    srv = FakecloudServer(port_base=0, speed=0).start()
    try:
        token = srv.cloud.keystone.token_for("demo").id
        auth = f"Host: x\r\nX-Auth-Token: {token}\r\n"
        create = json.dumps({"name": "mib", "disk_format": "raw", "container_format": "bare"})
        created = exchange(
            srv,
            "image",
            f"POST /v2/images HTTP/1.1\r\n{auth}Connection: close\r\nContent-Type: "
            f"application/json\r\nContent-Length: {len(create)}\r\n\r\n{create}".encode(),
        )
        image_id = json.loads(created.partition(b"\r\n\r\n")[2])["id"]
        mib = b"\0" * (1 << 20)
        upload = (
            f"PUT /v2/images/{image_id}/file HTTP/1.1\r\n{auth}Connection: close\r\n"
            f"Content-Type: application/octet-stream\r\nContent-Length: {len(mib)}\r\n\r\n"
        )
        assert exchange(srv, "image", upload.encode() + mib).startswith(b"HTTP/1.1 204 ")
        # Eight pipelined downloads (8 MiB of answers, more than the sockets' buffers hold),
        # not read until every one of them has been served.
        sock = socket.create_connection(address(srv, "image"), timeout=TIMEOUT)
        sock.sendall(f"GET /v2/images/{image_id}/file HTTP/1.1\r\n{auth}\r\n".encode() * 8)
        path = f"GET /v2/images/{image_id}/file"

        def served() -> int:
            with srv.cloud.kernel.lock:
                return len(srv.cloud.trace.filter(kind="api.response", subject=path))

        while served() < 8:
            time.sleep(0.005)
        stopping = threading.Thread(target=srv.stop)
        stopping.start()
        time.sleep(0.05)
        with sock:
            received = read_all(sock)
        stopping.join(TIMEOUT)
    finally:
        srv.stop()
    answers = received.split(b"HTTP/1.1 200 ")[1:]
    assert len(answers) == 8
    assert all(len(a.partition(b"\r\n\r\n")[2]) == len(mib) for a in answers)


def test_a_server_starts_once():
    """Session 39: a second start() ran a second event loop and eight more workers on the same
    sockets, which stop() never ended (it waited 5 s for them); start() after stop() was
    "OSError: [Errno 9] Bad file descriptor"."""
    srv = FakecloudServer(port_base=0, speed=0).start()
    try:
        with pytest.raises(RuntimeError, match="already serving; a server starts once"):
            srv.start()
    finally:
        srv.stop()
    with pytest.raises(RuntimeError, match="was stopped and its ports closed; build a new"):
        srv.start()


def test_a_target_holding_raw_utf8_is_served_as_its_escaped_form(server):
    """waitress refused a byte past ASCII in the request-target ("400 Bad URI", its own page);
    eventlet.wsgi serves it as the escaped form: Nova's 404 for that server id."""
    token = server.cloud.keystone.token_for("demo").id
    head = "GET /v2.1/servers/\u2603 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    answer = exchange(server, "compute", f"{head}X-Auth-Token: {token}\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 404 ")
    assert answer.endswith(b'"message": "Instance \\u2603 could not be found."}}')


def test_pipelined_requests_are_answered_in_order_and_100_continue_first(server):
    """Three requests written at once on one connection get three answers in their order (no
    bytes of one read as another's); ``Expect: 100-continue`` gets ``100 Continue`` before
    the answer, as eventlet.wsgi and Apache send it (session 37's probes of malformed HTTP:
    also bad request lines, obs-fold, NUL and Latin-1 bytes, ``TE: gzip, chunked``; each the
    server's 400/501 or the service's answer)."""
    get = b"GET /v3 HTTP/1.1\r\nHost: x\r\n\r\n"
    last = b"GET /v3/auth/tokens HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    answers = exchange(server, "identity", get + login_request(server, close=False) + last)
    assert re.findall(rb"HTTP/1\.1 (\d{3}) ", answers) == [b"200", b"201", b"401"]
    body = b"{}"
    head = (
        b"POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Type: "
        b"application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n"
    )
    answer = exchange(server, "identity", head + body)
    assert answer.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 400 ")


def test_a_thread_holding_the_served_clouds_turn_saves_while_a_request_waits():
    """Session 40: the WSGI applications took a lock of their own (`wsgi.lock_for`) before
    the cloud's (`Kernel.lock`, which in-process requests and runs of the clock take, and which
    CONTRIBUTING tells every entry point to take). A request held the first while it waited
    for the second, so a thread holding the cloud's turn that then saved (or reset, or loaded)
    through the server waited for a request that waited for it: both hung for good. One lock
    now: the request waits whole, the save is the turn's own."""
    import threading

    srv = FakecloudServer(port_base=0, speed=0).start()
    try:
        get = b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        answers = []
        client = threading.Thread(target=lambda: answers.append(exchange(srv, "compute", get)))
        with srv.cloud.kernel.lock:
            client.start()
            assert wait_until_one_blocked(on="lock")  # a worker waits for this turn
            saved = srv.save_state()
        client.join()
    finally:
        srv.stop()
    assert saved["cloud"]["seed"] == 0
    assert answers[0].startswith(b"HTTP/1.1 200 ")


# eventlet 0.41.3 on Python 3.11, tried: parse_request's send_error before the version is
# known writes an HTTP/0.9 answer, the page alone
EVENTLET_505 = (
    b'<!DOCTYPE HTML>\n<html lang="en">\n    <head>\n        <meta charset="utf-8">\n'
    b"        <title>Error response</title>\n    </head>\n    <body>\n"
    b"        <h1>Error response</h1>\n        <p>Error code: 505</p>\n"
    b"        <p>Message: Invalid HTTP version (2.0).</p>\n"
    b"        <p>Error code explanation: 505 - Cannot fulfill request.</p>\n"
    b"    </body>\n</html>\n"
)


def test_an_http_version_is_read_as_the_server_in_front_reads_it(server):
    """waitress served ``HTTP/2.0`` and ``HTTP/9.9`` as HTTP/1.0 and refused ``HTTP/1.10``
    with its own page (session 41). eventlet.wsgi (nova-api on the seed) answers 2.0 and over
    505 and a version that is no ``HTTP/d.d`` 400, as bare pages, and serves the rest closing;
    Apache (Keystone's front) serves ``HTTP/[1-9].[0-9]`` as 1.1 and refuses the rest."""
    head = b" / %s\r\nHost: x\r\n\r\n"
    assert exchange(server, "compute", b"GET" + head % b"HTTP/2.0") == EVENTLET_505
    bad = exchange(server, "compute", b"GET" + head % b"HTTP/1.1x")
    assert bad.startswith(b"<!DOCTYPE HTML>") and b"Bad request version ('HTTP/1.1x')" in bad
    # served as HTTP/1.0 (closing), in eventlet's own HTTP/1.1 status line
    served = exchange(server, "compute", b"GET" + head % b"HTTP/1.10")
    assert served.startswith(b"HTTP/1.1 200 OK\r\n") and b"\r\nConnection: close\r\n\r\n" in served
    for version in (b"HTTP/0.9", b"HTTP/01.1", b"http/1.1"):
        assert exchange(server, "identity", b"GET" + head % version) == APACHE.bare_lf_answer
    # two requests on one connection: HTTP/2.0 and 9.9 are HTTP/1.1 to Apache, kept alive
    both = b"GET" + head % b"HTTP/2.0" + b"GET / HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n"
    answers = exchange(server, "identity", both)
    assert answers.count(b"HTTP/1.1 300 Multiple Choices\r\n") == 2, answers[:200]


def test_an_http_1_0_request_is_answered_in_the_fronts_http_1_1_status_line(server):
    """eventlet.wsgi's status line is its ``protocol_version`` and Apache's
    ``AP_SERVER_PROTOCOL``, both ``HTTP/1.1`` whatever the request's version (waitress echoed
    ``HTTP/1.0``); the connection still closes after an HTTP/1.0 request's answer."""
    for port in ("compute", "identity"):
        answer = exchange(server, port, b"GET / HTTP/1.0\r\nHost: x\r\n\r\n")
        status, _, rest = answer.partition(b"\r\n")
        assert status in (b"HTTP/1.1 200 OK", b"HTTP/1.1 300 Multiple Choices"), answer[:80]
        assert b"Connection: close\r\n" in rest.split(b"\r\n\r\n")[0] + b"\r\n"


def test_header_names_are_written_as_the_server_in_front_writes_them(server):
    """Apache passes the application's names on as written (Keystone's port here), where
    waitress capitalized them (``X-Openstack-Request-Id``); eventlet.wsgi capitalizes them
    (nova-api on the seed), as waitress does."""
    apache = exchange(server, "identity", b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert b"\r\nx-openstack-request-id: req-" in apache
    assert b"\r\nContent-Type: application/json\r\n" in apache
    eventlet = exchange(server, "compute", _head(b""))
    assert b"\r\nX-Openstack-Request-Id: req-" in eventlet
    assert b"\r\nX-Compute-Request-Id: req-" in eventlet


def test_eventlet_on_python_3_refuses_100_fields_and_from_0_36_a_length_beside_chunked(server):
    """eventlet.wsgi 0.36.0 ("Fix security issue related to RFC 9112", in the 2024.2 series'
    upper-constraints) refuses a request with both ``Content-Length`` and ``Transfer-Encoding``
    before reading its body, with its own 400; earlier eventlet and Apache read the chunked
    body and ignore the length (RFC 9112 6.3), as waitress did everywhere. The next request on
    the connection is never read. On Python 3 (Nova 21.0.0 on) Python's ``parse_headers``
    reads 100 lines at most, the blank one among them: 100 fields are 431 (both as eventlet
    0.41.3 answers on Python 3.11, tried; fakecloud took them)."""
    body = b'{"auth": {}}'
    both = (
        b"POST /v2.1/os-keypairs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n"
        % (len(body), len(body), body)
    ) + b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    fields = b"".join(b"X-%03d: 1\r\n" % i for i in range(98))  # Host, these, Connection
    with FakecloudServer(port_base=0, speed=0, profile="nova-30.0.0") as dalmatian:
        assert exchange(dalmatian, "compute", both) == LENGTH_AND_CHUNKED
        too_many = exchange(dalmatian, "compute", _head(fields))
        assert too_many.startswith(b"HTTP/1.1 431 Too many headers\r\nServer: BaseHTTP/0.6 ")
        assert b"<p>Error code explanation: 431 - got more than 100 headers.</p>" in too_many
        assert exchange(dalmatian, "compute", _head(fields[10:])).startswith(b"HTTP/1.1 401 ")
    assert LENGTH_AND_CHUNKED.startswith(b"HTTP/1.0 400 Bad Request\r\nConnection: close\r\n")
    assert exchange(server, "compute", _head(fields)).startswith(b"HTTP/1.1 401 ")  # 2.7
    answers = exchange(server, "compute", both)  # the seed: eventlet 0.20.0
    assert answers.startswith(b"HTTP/1.1 401 ") and answers.count(b"HTTP/1.1 ") == 2


def test_answers_lay_out_their_fields_as_the_front_does_and_as_in_process(server):
    """waitress sorted the fields by name and sent ``Server: fakecloud`` (session 42's known
    limit): a recorded answer diffed against the same answer in process. eventlet.wsgi
    writes the application's fields in its order, then ``Date`` and its ``Connection`` (a
    client's ``keep-alive`` answered in kind), and no ``Server``; Apache writes ``Date`` and
    ``Server`` first (eventlet 0.41.3 tried; httpd's ``basic_http_header``)."""
    front = {"date", "server", "connection", "content-length", "keep-alive"}
    for service, path in (("compute", "/v2.1/"), ("volume", "/"), ("identity", "/v3")):
        url = server.urls[service] + path
        served = requests.get(url, timeout=TIMEOUT)
        with server.cloud.intercept():
            in_process = requests.get(url, timeout=TIMEOUT)
        assert served.status_code == in_process.status_code
        names = list(served.headers)
        assert [n.lower() for n in names if n.lower() not in front] == [
            n.lower() for n in in_process.headers if n.lower() not in front
        ], service
        # in process: the same fields but the server's and the connection's, its Date where
        # the front writes it, the virtual calendar's (session 44: no Date in process)
        gone = {"server", "connection", "keep-alive"}
        assert [n.lower() for n in names if n.lower() not in gone] == [
            n.lower() for n in in_process.headers
        ], service
        assert re.fullmatch(
            r"\w{3}, \d\d \w{3} 2026 \d\d:\d\d:\d\d GMT", in_process.headers["Date"]
        )
        if service == "identity":  # Apache
            assert names[:2] == ["Date", "Server"] and served.headers["Server"] == "Apache"
            assert names[-2:] == ["Keep-Alive", "Connection"], names
        else:
            assert names[-2:] == ["Date", "Connection"], names  # (the length: the service's)
            assert served.headers["Connection"] == "keep-alive" and "Server" not in names


def test_a_head_trickled_a_byte_at_a_time_is_served_and_holds_no_one_up():
    """The read timeout is per read, as eventlet.wsgi's socket timeout is: a head whose bytes
    come 0.03 s apart takes longer than the 0.6 s timeout in all and is served, and a client
    asking meanwhile is answered before the head ends (waitress reads every connection on one
    loop; no worker waits for the trickle).

    Nothing here waits on the host's speed: the trickle goes on, a padding header's byte each
    0.03 s, until the other client has its answer *and* the timeout has passed since the first
    byte (the test's clock decides when to stop, it asserts no time); the other exchange ran
    in one gap, and a loaded host took longer than the timeout over it (a BrokenPipeError)."""
    timeout_s = 0.6
    with (
        FakecloudServer(port_base=0, speed=0, client_socket_timeout_s=timeout_s) as srv,
        socket.create_connection(address(srv, "compute"), timeout=TIMEOUT) as slow,
    ):
        began = time.monotonic()
        slow.sendall(b"G")
        other = socket.create_connection(address(srv, "volume"), timeout=TIMEOUT)
        other.sendall(b"GET / HTTP/1.0\r\n\r\n")
        # the head's next bytes, then a padding header's, until answered and the timeout passed
        head = b"ET / HTTP/1.0\r\nX: "
        trickle = itertools.chain(head, itertools.repeat(ord("a")))
        answer = bytearray()
        answered = False
        for sent, byte in enumerate(itertools.islice(trickle, int(TIMEOUT / 0.03)), 1):
            slow.sendall(bytes([byte]))  # (bounded: a server holding the other up fails)
            if answered:
                if sent >= len(head) and time.monotonic() - began > timeout_s:
                    break
                time.sleep(0.03)
            elif select.select([other], [], [], 0.03)[0]:
                chunk = other.recv(1 << 16)
                answer += chunk
                answered = not chunk  # HTTP/1.0: the answer ends where the server closes
        other.close()
        assert answered, "the other client was not answered while the head trickled"
        assert answer.startswith(b"HTTP/1.1 300 Multiple Choices\r\n")
        slow.sendall(b"\r\n\r\n")
        assert read_all(slow).startswith(b"HTTP/1.1 200 OK\r\n")


def _token(server) -> str:
    """A token of the served cloud's demo user, as a client asks Keystone for one."""
    return requests.post(
        server.urls["identity"] + "/v3/auth/tokens",
        data=login_request(server).split(b"\r\n\r\n")[1],
        headers={"Content-Type": "application/json"},
        timeout=TIMEOUT,
    ).headers["X-Subject-Token"]


def test_a_field_named_with_underscores_reaches_the_service_where_old_eventlet_serves(server):
    """eventlet.wsgi before 0.37.0 (every eventlet port up to the 2024.2 series) makes
    ``X_Auth_Token`` the environ key ``X-Auth-Token`` makes, so the token is taken (0.36.1's
    ``get_environ``); waitress dropped the field, a 401. Apache (Keystone's port here) and
    eventlet from 0.37.0 drop it (0.41.3 tried), as before."""
    token = _token(server)
    head = b"GET %s HTTP/1.1\r\nHost: x\r\nX_Auth_Token: %s\r\nConnection: close\r\n\r\n"
    served = exchange(server, "compute", head % (b"/v2.1/servers", token.encode()))
    assert served.startswith(b"HTTP/1.1 200 OK\r\n"), served[:200]
    apache = exchange(server, "identity", head % (b"/v3/projects", token.encode()))
    assert apache.startswith(b"HTTP/1.1 401 Unauthorized\r\n"), apache[:200]
    assert head_limits("compute", release("31.0.0")).underscores_kept is False


PUBLIC_KEY = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAT1gK83ruUidhGETF5lkrWWgfbW7DHFfcuJm1iJGvO+ t6@fakecloud"
)


def test_a_bodiless_answer_keeps_its_length_where_the_application_put_it(server):
    """eventlet.wsgi writes the application's ``Content-Length: 0`` of a 204 where webob put
    it, as the answer in process has it; waitress dropped it, and the served length of
    every answer came last (after ``Date``)."""
    token = _token(server)
    headers = {"X-Auth-Token": token, "OpenStack-API-Version": "compute 2.10"}
    url = server.urls["compute"] + "/v2.1/os-keypairs"
    answers = []
    for in_process in (False, True):
        with server.cloud.intercept() if in_process else contextlib.nullcontext():
            made = {"keypair": {"name": "k", "public_key": PUBLIC_KEY}}  # (generating one: 0.5 s)
            requests.post(url, json=made, headers=headers, timeout=TIMEOUT)
            answers.append(requests.delete(url + "/k", headers=headers, timeout=TIMEOUT))
    served, in_process = ([n.lower() for n in a.headers] for a in answers)
    assert answers[0].status_code == 204 and answers[0].headers["Content-Length"] == "0"
    assert served == [*in_process, "connection"]  # in process: its Date too (session 44)


def test_apache_counts_the_answers_a_connection_carries_and_says_so(server):
    """Apache (``ap_set_keepalive``, ``MaxKeepAliveRequests 100``) tells a client that sent
    ``Connection: keep-alive`` how many answers the connection has left, and closes it after
    the 101st; waitress said nothing and kept it open for good (Keystone's port here)."""
    keep = b"GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n"
    answers = exchange(server, "identity", keep * 102)
    assert answers.count(b"HTTP/1.1 300 Multiple Choices\r\n") == 101  # the 102nd unread
    assert re.findall(rb"\r\nKeep-Alive: timeout=5, max=(\d+)\r\n", answers) == [
        b"%d" % left for left in range(100, 0, -1)
    ]
    assert answers.count(b"\r\nConnection: Keep-Alive\r\n") == 100
    assert answers.count(b"\r\nConnection: close\r\n\r\n") == 1


def test_a_lower_case_method_reaches_the_service_and_is_routed_as_it_routes_it(server):
    """``curl -X get``: waitress answered its own 400 "Malformed HTTP method"; eventlet.wsgi
    and Apache pass ``get`` on, and the services' routers read it (`method_case`): routes
    compares it as sent, so Nova's and Cinder's ``HTTPNotFound`` and Glance's 405 naming
    ``get`` (as for any method no route serves); Keystone's Flask (14.0.0 on) reads it as
    ``GET``, its legacy router (13.x, the seed's) not."""
    token = _token(server)
    pid = server.cloud.keystone.token_for("demo").project.id

    def sent(service, method, path):
        head = f"{method} {path} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: {token}\r\n"
        answer = exchange(server, service, (head + "Connection: close\r\n\r\n").encode())
        return answer.split(b"\r\n", 1)[0], answer.partition(b"\r\n\r\n")[2]

    for method in ("GET", "get"):
        assert sent("compute", method, "/")[0] == b"HTTP/1.1 200 OK"  # any method: versions
    status, body = sent("compute", "get", "/v2.1/servers")
    assert (status, body.replace(b" get ", b" FOO ")) == sent("compute", "FOO", "/v2.1/servers")
    assert status == b"HTTP/1.1 404 Not Found" and body.startswith(b"404 Not Found\n\nThe resour")
    assert sent("volume", "get", f"/v3/{pid}/volumes")[0] == b"HTTP/1.1 404 Not Found"
    status, body = sent("image", "get", "/v2/images")
    assert status == b"HTTP/1.1 405 Method Not Allowed"
    assert b"The method get is not allowed for this resource." in body
    assert sent("identity", "get", "/v3/projects")[0] == b"HTTP/1.1 404 Not Found"  # 13.x


def test_keystones_flask_reads_a_lower_case_method_as_upper_case(upstream):
    """Werkzeug reads ``REQUEST_METHOD`` in upper case: on Keystone 14.0.0 on, ``get`` is
    ``GET`` (where Nova, behind Apache too from 32.0.0, still routes it as sent)."""
    token = _token(upstream)
    head = "%s %s HTTP/1.1\r\nHost: x\r\nX-Auth-Token: {t}\r\nX-Subject-Token: {t}"
    head = (head + "\r\nConnection: close\r\n\r\n").format(t=token)
    for method in ("GET", "get"):
        answer = exchange(upstream, "identity", (head % (method, "/v3/auth/tokens")).encode())
        assert answer.startswith(b"HTTP/1.1 200 OK\r\n"), answer[:300]
    answer = exchange(upstream, "compute", (head % ("get", "/v2.1/servers")).encode())
    assert answer.startswith(b"HTTP/1.1 404 Not Found\r\n"), answer[:300]


def _answer_of(sock):
    """One answer read off a kept-alive connection (its head, and its body by its length)."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(1 << 16)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"\r\nContent-Length: (\d+)", head, re.I)[1])
    while len(body) < length:
        body += sock.recv(1 << 16)
    return head


def test_apache_closes_a_connection_idle_keep_alive_timeout_after_its_answer():
    """Apache's ``KeepAliveTimeout`` (5 s; 0.1 s here) was advertised, not enforced: an idle
    kept-alive connection stayed open until ``--client-socket-timeout`` (900 s). Now Apache's
    port closes it unasked once no next request began within it; eventlet.wsgi's keeps it."""
    keep = b"GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n"
    with (
        FakecloudServer(port_base=0, speed=0, keep_alive_timeout_s=0.1) as srv,
        socket.create_connection(address(srv, "identity"), timeout=TIMEOUT) as apache,
        socket.create_connection(address(srv, "compute"), timeout=TIMEOUT) as eventlet,
    ):
        for sock in (apache, eventlet):
            sock.sendall(keep)
            assert b"\r\nConnection: " in _answer_of(sock)  # kept alive, as asked
        assert read_all(apache) == b""  # closed by the server, nothing more said
        eventlet.sendall(keep)  # still open, well after Apache's closed
        assert _answer_of(eventlet).startswith(b"HTTP/1.1 200 OK\r\n")
