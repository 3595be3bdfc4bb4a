"""``cloud.intercept()``: requests to the cloud's hosts are answered in-process, completely
(status, every header, body bytes), on the virtual clock; other traffic is refused or let
through as the user chooses."""

import datetime
import http.server
import threading
import time

import pytest
import requests
import responses
from echo_service import ECHO_URL, EchoService
from requests.adapters import HTTPAdapter

from fakecloud.api.http import Response
from fakecloud.transport.calllog import LIVE_CALLS
from fakecloud.transport.gateway import wire_headers
from fakecloud.transport.intercept import Intercept
from tests.booted import booted
from tests.turns import polls, standing, waiting_at


@pytest.fixture
def cloud():
    return booted()


@pytest.fixture
def echo(cloud):
    with Intercept(cloud, extra={ECHO_URL: EchoService(cloud.kernel)}) as intercept:
        intercept.token = cloud.keystone.token_for("demo").id
        yield intercept


def get(echo, path, **kw):
    headers = {"X-Auth-Token": echo.token, **kw.pop("headers", {})}
    return requests.get(f"{ECHO_URL}{path}", headers=headers, **kw)


def test_every_header_arrives_including_repeated_ones(echo):
    resp = get(echo, "/v1/multi", headers={"OpenStack-API-Version": "echo 1.3"})
    assert resp.status_code == 200
    assert resp.raw.headers.getlist("Vary") == [
        "OpenStack-API-Version",
        "X-OpenStack-Echo-API-Version",
    ]
    assert resp.headers["Vary"] == "OpenStack-API-Version, X-OpenStack-Echo-API-Version"
    assert resp.headers["OpenStack-API-Version"] == "echo 1.3"
    assert resp.headers["X-OpenStack-Echo-API-Version"] == "1.3"
    assert resp.headers["X-Echo"] == "1"
    assert resp.headers["Content-Type"] == "application/json"
    assert resp.json() == {"ok": True}
    assert resp.cookies["echo"] == "1"  # requests reads a Set-Cookie as from the network


def test_raw_bytes_and_empty_bodies_arrive_exactly(echo):
    raw = get(echo, "/v1/bytes")
    assert raw.content == b"\x00\x01fakecloud\xff"
    assert raw.headers["Content-Type"] == "application/octet-stream"
    assert raw.headers["Content-Length"] == str(len(raw.content))
    sent = requests.put(
        f"{ECHO_URL}/v1/bytes",
        data=iter([b"chunk-1 ", b"chunk-2"]),
        headers={"X-Auth-Token": echo.token},
    )
    assert sent.content == b"chunk-1 chunk-2"
    gone = requests.delete(f"{ECHO_URL}/v1/thing", headers={"X-Auth-Token": echo.token})
    assert gone.status_code == 204 and gone.content == b""


def test_the_request_arrives_as_sent(echo):
    resp = requests.post(
        f"{ECHO_URL}/v1/whoami?a=1&a=2&b=x%20y",
        json={"k": "v"},
        headers={"X-Auth-Token": echo.token, "X-OpenStack-Echo-API-Version": "1.2"},
    )
    body = resp.json()
    assert body["query"] == {"a": ["1", "2"], "b": ["x y"]}
    assert body["body"] == {"k": "v"}
    assert body["microversion"] == "1.2"
    assert body["base_url"] == ECHO_URL


def test_the_request_headers_arrive_folded_in_the_order_sent(echo):
    session = requests.Session()
    session.headers["X-Late"] = "0"
    del session.headers["Accept"]  # deleted, then set again: now last
    session.headers["ACCEPT"] = "application/json"
    resp = session.get(f"{ECHO_URL}/v1/whoami", headers={"X-Auth-Token": echo.token, "X-B": "b"})
    sent = [(name.lower(), value) for name, value in resp.request.headers.items()]
    assert [tuple(pair) for pair in resp.json()["headers"]] == sent
    assert sent[-3:] == [("accept", "application/json"), ("x-auth-token", echo.token), ("x-b", "b")]


def test_a_handler_that_takes_virtual_time_runs_the_clock(echo, cloud):
    resp = requests.post(
        f"{ECHO_URL}/v1/slow", json={"seconds": 30}, headers={"X-Auth-Token": echo.token}
    )
    assert resp.status_code == 202
    assert resp.json() == {"waited": 30, "now": 30.0}
    assert cloud.now == 30.0


def test_the_clock_is_bound_inside(echo, cloud):
    epoch = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC).timestamp()
    assert time.time() == epoch
    time.sleep(90)
    assert cloud.now == 90.0
    assert datetime.datetime.now(datetime.UTC).minute == 1


def test_a_path_no_route_serves_is_a_404_naming_it(echo):
    resp = get(echo, "/v1/nothing/here")
    assert resp.status_code == 404
    assert resp.json()["itemNotFound"]["message"] == (
        "The resource could not be found. (fakecloud: the echo service has no route for "
        "GET /v1/nothing/here)"
    )
    assert resp.headers["x-openstack-request-id"].startswith("req-")


def test_a_handlers_own_404_is_left_alone(echo):
    resp = get(echo, "/v1/things/t1")
    assert resp.json() == {"itemNotFound": {"code": 404, "message": "Thing t1 could not be found."}}


def test_a_host_of_the_cloud_with_no_service_is_a_404_naming_it(cloud):
    with Intercept(cloud, extra={"http://spare.fakecloud.test": None}):
        resp = requests.get("http://spare.fakecloud.test/v9/things")
    assert resp.status_code == 404
    message = resp.json()["itemNotFound"]["message"]
    assert "nothing serves GET http://spare.fakecloud.test/v9/things" in message


@pytest.mark.parametrize(("host", "attribute"), [("compute", "nova"), ("image", "glance")])
def test_a_catalog_service_the_cloud_lacks_is_a_404_naming_it(cloud, host, attribute):
    if hasattr(cloud, attribute):
        delattr(cloud, attribute)  # a cloud built without that service
    with cloud.intercept():
        resp = requests.get(f"http://{host}.fakecloud.test/anything")
    assert resp.status_code == 404
    assert f"cloud.{attribute} does not exist" in resp.json()["itemNotFound"]["message"]


@pytest.mark.parametrize("where", ["compute.fakecloud.test.", "Compute.Fakecloud.Test.:80"])
def test_a_fully_qualified_host_with_its_trailing_dot_is_the_clouds(cloud, where):
    # the same host in DNS; urllib3 sends its Host header without the dot (nor a default
    # port), so a server's links name the host without them
    with cloud.intercept():
        resp = requests.get(f"http://{where}/")
    assert resp.status_code == 200
    hrefs = [v["links"][0]["href"] for v in resp.json()["versions"]]
    assert hrefs == ["http://compute.fakecloud.test/v2/", "http://compute.fakecloud.test/v2.1/"]


def test_other_hosts_are_refused_clearly(echo):
    with pytest.raises(requests.exceptions.ConnectionError, match="allow_other_hosts=True"):
        requests.get("http://example.invalid/x")


class _Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Length", "5")
        self.end_headers()
        self.wfile.write(b"hello")

    def log_message(self, *args):
        pass


def test_other_hosts_pass_through_when_allowed(cloud):
    server = http.server.HTTPServer(("127.0.0.1", 0), _Hello)
    # A short poll: shutdown() waits for the serving loop's next look (0.5 s by default).
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        with cloud.intercept(allow_other_hosts=True):
            resp = requests.get(f"http://127.0.0.1:{server.server_address[1]}/", timeout=5)
            assert requests.get(f"{cloud.auth_url}").status_code == 200
    finally:
        server.shutdown()
        server.server_close()
    assert resp.content == b"hello"


def test_pass_through_reaches_an_enclosing_responses_mock(cloud):
    with responses.RequestsMock() as outer:
        outer.add(responses.GET, "http://other.test/x", json={"from": "outer"})
        with cloud.intercept(allow_other_hosts=True):
            assert requests.get("http://other.test/x").json() == {"from": "outer"}
            assert requests.get(cloud.auth_url).status_code == 200


def test_leaving_restores_requests_and_the_clock(cloud):
    send, sleep = HTTPAdapter.send, time.sleep
    with cloud.intercept():
        assert HTTPAdapter.send is not send and time.sleep is not sleep
    assert HTTPAdapter.send is send and time.sleep is sleep


def test_an_intercept_entered_again_is_left_once_its_outer_block_ends(cloud):
    """Session 39: ``with ic:`` inside ``with ic:`` patched again over its own patches and
    left the process with them: time.sleep advanced the cloud for good, and its hosts were
    still answered."""
    sleep, intercept = time.sleep, cloud.intercept()
    with intercept:
        with intercept:
            assert requests.get(cloud.auth_url).status_code == 200
        assert requests.get(cloud.auth_url).status_code == 200  # the outer block still serves
    assert time.sleep is sleep
    with pytest.raises(requests.ConnectionError, match="served in-process only"):
        requests.get(cloud.auth_url, timeout=1)
    other = cloud.intercept()
    # under another started after it: refused, nothing changed
    with intercept, other, pytest.raises(RuntimeError, match="under another started after it"):
        intercept.__enter__()
    assert time.sleep is sleep


def test_recent_calls_are_logged(echo):
    get(echo, "/v1/whoami")
    assert echo.calls[-1].request.url == f"{ECHO_URL}/v1/whoami"
    assert echo.calls[-1].response.status_code == 200


def test_an_older_call_reads_back_as_the_client_got_it(echo):
    multi = get(echo, "/v1/multi", headers={"OpenStack-API-Version": "echo 1.3"})
    posted = requests.post(
        f"{ECHO_URL}/v1/whoami", json={"a": 1}, headers={"X-Auth-Token": echo.token}
    )
    newest = [get(echo, "/v1/whoami") for _ in range(LIVE_CALLS)]
    # the newest calls are the client's own objects
    assert [call.response for call in echo.calls[-LIVE_CALLS:]] == newest
    assert echo.calls[-1].response is newest[-1]
    # older ones are rebuilt: the same request and answer, not the same objects
    old_multi, old_posted = echo.calls[-LIVE_CALLS - 2 : -LIVE_CALLS]
    assert old_multi.response is not multi and old_multi.response.request is old_multi.request
    for old, sent in ((old_multi, multi), (old_posted, posted)):
        request, response = old
        assert (request.method, request.url, request.body) == (
            sent.request.method,
            sent.request.url,
            sent.request.body,
        )
        assert list(request.headers.items()) == list(sent.request.headers.items())
        assert (response.status_code, response.reason, response.url) == (
            sent.status_code,
            sent.reason,
            sent.url,
        )
        assert list(response.headers.items()) == list(sent.headers.items())
        assert list(response.raw.headers.items()) == list(sent.raw.headers.items())
        assert (response.content, response.encoding, response.elapsed, response.history) == (
            sent.content,
            sent.encoding,
            sent.elapsed,
            sent.history,
        )
        assert response.cookies.get_dict() == sent.cookies.get_dict()
    assert old_posted.response.json()["body"] == {"a": 1}
    # the raw answers are read to their end, as the network's after requests read them
    assert (old_posted.response.raw.closed, newest[-1].raw.closed) == (True, True)
    assert old_posted.response.raw.read(1) == newest[-1].raw.read(1) == b""
    assert old_multi.response.cookies["echo"] == "1"
    # read again, an older call is the same rebuilt objects
    assert echo.calls[-LIVE_CALLS - 2].response is old_multi.response
    assert [call.response for call in echo.calls][-LIVE_CALLS - 1] is old_posted.response


def test_the_call_log_stays_bounded(cloud):
    with Intercept(cloud, keep_calls=5) as intercept:
        for _ in range(40):
            requests.get(cloud.auth_url)
        assert len(intercept.calls) <= 10


def test_threads_sharing_an_intercept_log_their_calls_in_the_order_answered(cloud):
    """Session 40: a call was answered in the cloud's turn and logged after it, so a thread
    pool's log could hold a later answer before an earlier one (and two threads could run the
    log's trim, which rewrites one entry by its position, at once). The first thread is held
    just before it logs (a trace function on that call, no patch) while the second goes as
    far as it can."""
    import sys

    from fakecloud.transport import intercept as module

    paused, resume = threading.Event(), threading.Event()

    def hold_before_logging(frame, event, arg):
        if event == "call" and frame.f_code is module._read_response.__code__:
            sys.settrace(None)
            paused.set()
            resume.wait()

    def first():
        sys.settrace(hold_before_logging)
        requests.get(cloud.auth_url + "?first")

    with Intercept(cloud) as intercept:
        answering = threading.Thread(target=first)
        answering.start()
        paused.wait()
        second = threading.Thread(target=lambda: requests.get(cloud.auth_url + "?second"))
        second.start()
        for _ in polls(lambda: standing(second)):
            if not second.is_alive() or "kernel.lock" in (waiting_at(second) or ""):
                break
        resume.set()
        answering.join()
        second.join()
        logged = [call.request.url.rpartition("?")[2] for call in intercept.calls]
    assert logged == ["first", "second"]


@pytest.mark.parametrize(
    ("headers", "body", "lines"),
    [
        ({"X-Echo": "1"}, {"a": 1}, [("X-Echo", "1"), ("Content-Type", "application/json")]),
        ({"Content-type": "text/plain"}, {"a": 1}, [("Content-type", "text/plain")]),
        (
            {"Vary": ["a", "b"], "N": 3},
            b"x",
            [
                ("Vary", "a"),
                ("Vary", "b"),
                ("N", "3"),
                ("Content-Type", "application/octet-stream"),
            ],
        ),
        ({"X-Echo": "1"}, None, [("X-Echo", "1")]),
    ],
)
def test_an_answers_header_lines(headers, body, lines):
    # a service's own content type, however written, is the only one sent
    assert wire_headers(Response(200, body, headers)) == lines


def test_header_names_seen_before_still_let_a_services_own_content_type_through():
    # the names of the first answer are learnt as not being a content type; an answer with
    # them and a content type of its own (any spelling) still sends only its own
    plain = {"X-Seen-Once": "1", "X-Seen-Twice": "2"}
    json_type = ("Content-Type", "application/json")
    assert wire_headers(Response(200, {}, plain)) == [*plain.items(), json_type]
    assert wire_headers(Response(200, {}, plain)) == [*plain.items(), json_type]
    own = {**plain, "CONTENT-TYPE": "text/plain"}
    assert wire_headers(Response(200, {}, own)) == list(own.items())
    assert wire_headers(Response(200, None, plain)) == list(plain.items())


def test_a_header_http_client_cannot_write_fails_as_against_a_real_cloud(cloud):
    """requests passes a header value past latin-1 and a name past ASCII on to http.client,
    whose ``putheader`` raises UnicodeEncodeError before a byte is sent: the call fails
    against every real cloud. In process it was answered (session 43's abuse pass)."""
    url = cloud.kernel.config.endpoints.compute + "/v2.1/"
    events = len(cloud.trace)
    with cloud.intercept():
        with pytest.raises(UnicodeEncodeError, match="'latin-1' codec can't encode"):
            requests.get(url, headers={"X-Server-Name": "\u2603"})
        with pytest.raises(UnicodeEncodeError, match="'ascii' codec can't encode"):
            requests.get(url, headers={"X-\u00e9": "1"})
        assert len(cloud.trace) == events
        assert requests.get(url, headers={"X-Server-Name": "caf\u00e9"}).status_code == 401
