"""Each service is a WSGI application a user can mount in any server, and the control endpoints
are a table of handlers that refuse impossible times with a 400 and leave the clock alone."""

import io
import json
from wsgiref.util import setup_testing_defaults

import pytest

from fakecloud import Cloud
from fakecloud.transport.control import ENDPOINTS, ControlApplication, ControlContext
from fakecloud.transport.wsgi import application


def call(app, method, path, body=b"", headers=None, query=""):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    for key, value in (headers or {}).items():
        environ["HTTP_" + key.upper().replace("-", "_")] = value
    setup_testing_defaults(environ)
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(response_headers)

    payload = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], payload


def test_each_service_is_a_wsgi_application_a_user_can_mount():
    cloud = Cloud(seed=1)
    token = cloud.keystone.token_for("demo").id
    auth = {"X-Auth-Token": token}
    status, headers, body = call(application(cloud, "compute"), "GET", "/v2.1/flavors", b"", auth)
    assert status == "200 OK"
    assert headers["Date"] == "Thu, 01 Jan 2026 00:00:00 GMT"
    assert int(headers["Content-Length"]) == len(body)
    assert "m1.tiny" in {f["name"] for f in json.loads(body)["flavors"]}
    project = cloud.context("demo").project_id
    status, _, body = call(
        application(cloud, "block-storage"), "GET", f"/v3/{project}/volumes", b"", auth
    )
    assert (status, json.loads(body)) == ("200 OK", {"volumes": []})
    status, _, body = call(application(cloud, "image"), "GET", "/v2/images/nope", b"", auth)
    assert status == "404 Not Found"
    status, _, body = call(application(cloud, "identity"), "GET", "/v3")
    assert json.loads(body)["version"]["id"] == "v3.10"  # Queens: keystone 13.0.4's
    with pytest.raises(ValueError, match="unknown service type 'dns'"):
        application(cloud, "dns")


def test_a_percent_encoded_path_is_decoded_once():
    cloud = Cloud(seed=1)
    token = cloud.keystone.token_for("demo").id
    # PATH_INFO arrives decoded (PEP 3333): "%2541" is the id "%41", not "A".
    status, _, body = call(
        application(cloud, "compute"), "GET", "/v2.1/servers/%41", b"", {"X-Auth-Token": token}
    )
    assert status == "404 Not Found"
    assert "%41" in json.loads(body)["itemNotFound"]["message"]


def control(cloud):
    return ControlApplication(ControlContext(cloud))


@pytest.mark.parametrize("seconds", ["NaN", "Infinity", "-Infinity", "1e308", "-1", '"10"', "true"])
def test_advance_refuses_a_time_that_is_not_a_finite_duration(seconds):
    cloud = Cloud(seed=1)
    body = f'{{"seconds": {seconds}}}'.encode()
    status, headers, payload = call(control(cloud), "POST", "/fakecloud/advance", body)
    assert status == "400 Bad Request"
    message = json.loads(payload)["error"]["message"]
    assert message.startswith("advance: expected a number of seconds from 0 to 1e+09, got ")
    assert cloud.now == 0.0
    # The clock still works, and so does every later request (the Date header included).
    status, headers, payload = call(control(cloud), "POST", "/fakecloud/advance", b'{"seconds": 5}')
    assert (status, json.loads(payload)["now"], headers["Date"]) == (
        "200 OK",
        5.0,
        "Thu, 01 Jan 2026 00:00:05 GMT",
    )


def test_control_mistakes_are_400s_that_say_what_to_send():
    cloud = Cloud(seed=1)
    app = control(cloud)
    assert call(app, "POST", "/fakecloud/advance", b"{nope")[2] == (
        b'{"error": {"code": 400, "message": "the body is not JSON: Expecting property name '
        b'enclosed in double quotes: line 1 column 2 (char 1)"}}'
    )
    deep = b"[" * 100000 + b"]" * 100000
    status, _, payload = call(app, "POST", "/fakecloud/advance", deep)
    assert status == "400 Bad Request" and b"nests deeper than 512" in payload
    # was "the body is not JSON" for JSON Python will not read, or not as UTF-8
    huge = call(app, "POST", "/fakecloud/advance", b'{"seconds": 1' + b"0" * 5000 + b"}")[2]
    assert b"Exceeds the limit (4300 digits) for integer string conversion" in huge
    latin = call(app, "POST", "/fakecloud/advance", b'{"seconds": "\xe9"}')[2]
    assert b"byte 0xe9 at 13 is not UTF-8" in latin
    status, _, payload = call(app, "GET", "/fakecloud/trace", query="since=abc")
    assert status == "400 Bad Request" and "since" in json.loads(payload)["error"]["message"]
    status, _, payload = call(app, "GET", "/fakecloud/trace", query="since=-3")
    assert status == "400 Bad Request"
    status, _, payload = call(app, "GET", "/fakecloud/trace", query="kind=api.respnse")
    assert "(did you mean 'api.response'?)" in json.loads(payload)["error"]["message"]
    status, _, payload = call(app, "PUT", "/fakecloud/clock")
    assert status == "404 Not Found"
    assert "GET /fakecloud/clock" in json.loads(payload)["error"]["message"]


def test_a_control_request_with_a_key_it_does_not_take_is_refused_not_ignored():
    """``{"cap": 5}`` for ``{"cap_s": 5}`` ran the cloud to idle with no cap at all, and
    ``?sinc=5`` answered every event: each key is now checked, as Nova's schemas refuse an
    unexpected property."""
    cloud = Cloud(seed=1)
    app = control(cloud)
    status, _, payload = call(app, "POST", "/fakecloud/idle", b'{"cap": 5}')
    assert (status, json.loads(payload)["error"]["message"]) == (
        "400 Bad Request",
        "unknown key 'cap' in the body of POST /fakecloud/idle (did you mean 'cap_s'?); "
        "known: cap_s",
    )
    status, _, payload = call(app, "GET", "/fakecloud/trace", query="sinc=5")
    assert (
        "unknown query parameter 'sinc' of GET /fakecloud/trace (did you mean 'since'"
        in (json.loads(payload)["error"]["message"])
    )
    assert call(app, "POST", "/fakecloud/idle", b"[5]")[0] == "400 Bad Request"
    # a key given twice: json kept the last silently (session 42), an advance of 1 s here
    twice = call(app, "POST", "/fakecloud/advance", b'{"seconds": 50, "seconds": 1}')
    assert (twice[0], json.loads(twice[2])["error"]["message"]) == (
        "400 Bad Request",
        "the body gives the key 'seconds' twice: which value is meant?",
    )
    assert cloud.now == 0
    assert call(app, "POST", "/fakecloud/idle", b'{"cap_s": 5}')[0] == "200 OK"


def test_control_endpoints_are_one_table():
    assert set(ENDPOINTS) >= {
        ("DELETE", "/fakecloud/faults"),
        ("GET", "/fakecloud/clock"),
        ("GET", "/fakecloud/faults"),
        ("GET", "/fakecloud/trace"),
        ("POST", "/fakecloud/advance"),
        ("POST", "/fakecloud/faults"),
        ("POST", "/fakecloud/faults/release"),
    }


def test_a_fault_request_with_one_bad_rule_adds_none_of_them():
    cloud = Cloud(seed=1)
    rules = {
        "rules": [
            {"point": "nova.libvirt.extract", "action": "stall"},
            {"point": "cinder.snapshot.create", "error": "Nope"},
        ]
    }
    status, _, payload = call(
        control(cloud), "POST", "/fakecloud/faults", json.dumps(rules).encode()
    )
    assert status == "400 Bad Request"
    assert "unknown error 'Nope'" in json.loads(payload)["error"]["message"]
    assert cloud.faults.rules() == []


def test_a_crash_of_the_work_a_settled_request_started_is_the_services_500():
    """With ``settle`` the request runs the cloud until idle; a simulated process that fails
    there (a fakecloud defect) is answered as a crash in the handler is, Nova's 500 naming
    its class, not an exception out of the application (waitress's bare page, logged nowhere)."""
    from fakecloud.transport.wsgi import ServiceApplication

    cloud = Cloud(seed=1)
    auth = {"X-Auth-Token": cloud.keystone.token_for("demo").id}

    def broken():
        yield cloud.kernel.env.timeout(1)
        raise RuntimeError("a simulated process failed")

    cloud.kernel.spawn(broken(), "broken")
    app = ServiceApplication(cloud, "compute", settle=True)
    status, _, body = call(app, "GET", "/v2.1/flavors", b"", auth)
    assert status == "500 Internal Server Error"
    assert json.loads(body)["computeFault"]["message"].endswith("<class 'RuntimeError'>")
    assert call(app, "GET", "/v2.1/flavors", b"", auth)[0] == "200 OK"  # the cloud goes on
