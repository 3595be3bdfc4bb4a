"""The objects a client gets for an intercepted answer are the ones urllib3's and ``requests``'
own constructors make: the intercept fills them in one pass, but every attribute, its order and
value, the header stores and the cookies are theirs."""

from io import BytesIO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from requests import PreparedRequest
from requests.adapters import HTTPAdapter
from urllib3 import HTTPHeaderDict, HTTPResponse

from fakecloud.api.reasons import REASONS
from fakecloud.transport import requests_response
from fakecloud.transport.requests_response import built_response
from fakecloud.transport.urllib3_response import raw_response, read_response, read_response_stored
from tests.robustness.fuzz_scale import SCALE

NOVA = [
    ("x-openstack-request-id", "req-1"),
    ("x-compute-request-id", "req-1"),
    ("OpenStack-API-Version", "compute 2.60"),
    ("X-OpenStack-Nova-API-Version", "2.60"),
    ("Vary", "OpenStack-API-Version, X-OpenStack-Nova-API-Version"),
    ("Content-Type", "application/json"),
]
ANSWERS = [
    (200, "GET", NOVA, b'{"server": {}}'),
    (202, "POST", [("Location", "http://x/1"), *NOVA], b"{}"),
    (204, "DELETE", NOVA[:5], b""),
    (304, "GET", [("ETag", "1")], b"x"),  # a body urllib3 would not read
    (101, "GET", [], b"x"),
    (200, "HEAD", [("Content-Type", "application/octet-stream")], b"x"),
    (404, "GET", [("Content-Type", "application/json; charset=UTF-8")], b'{"itemNotFound": 1}'),
    (200, "GET", [("Content-Type", "text/plain")], b"text"),
    (200, "GET", [("Vary", "a"), ("vary", "b"), ("Content-Length", "99")], b"ab"),
    (200, "GET", [("Set-Cookie", "a=1"), ("Set-Cookie", "b=2; Path=/")], b"{}"),
    (200, "GET", [("Transfer-Encoding", "chunked")], b"{}"),
    (599, "GET", [], b"x"),
]


def urllib3_made(status, method, lines, body):
    """The urllib3 response as its constructor makes it (the intercept's way before)."""
    headers = HTTPHeaderDict()
    for key, value in lines:
        headers.add(key, value)
    headers["Content-Length"] = str(len(body))
    original = None
    if "Set-Cookie" in headers:
        original = HTTPResponse(body=BytesIO(), msg=headers, preload_content=False)
    return HTTPResponse(
        status=status,
        reason=REASONS.get(status),
        body=BytesIO(body),
        headers=headers,
        original_response=original,
        preload_content=False,
        request_method=method,
    )


def plain(value):
    """`value` if a scalar, else its class's name (objects compared by their own fields)."""
    if value is None or isinstance(value, (bool, int, str, float)):
        return value
    return type(value).__name__


def raw_fields(raw):
    fields = [(name, plain(value)) for name, value in vars(raw).items()]
    return fields, list(raw.headers._container.items()), vars(raw._decoded_buffer).keys()


def response_fields(response):
    fields = [(name, plain(value)) for name, value in vars(response).items()]
    jar = response.cookies
    cookies = sorted((c.name, c.value, c.path) for c in jar)
    # ``_now`` is the wall-clock second http.cookiejar reads at each extract_cookies: two
    # responses built a moment apart may straddle a second, so it is compared by kind only
    jar_fields = [(n, type(v) if n == "_now" else plain(v)) for n, v in vars(jar).items()]
    policy = [(n, type(v) if n == "_now" else v) for n, v in vars(jar._policy).items()]
    return (
        fields,
        list(response.headers._store.items()),
        response.raw.__class__,
        (cookies, jar_fields, policy, response.history, response.elapsed),
    )


def prepared(method):
    request = PreparedRequest()
    request.prepare(method=method, url="http://compute.fakecloud.test/v2.1/servers/1")
    return request


@pytest.mark.parametrize(("status", "method", "lines", "body"), ANSWERS)
def test_an_answers_urllib3_response_is_the_one_urllib3_makes(status, method, lines, body):
    ours = raw_response(status, method, lines, body, BytesIO(body))
    theirs = urllib3_made(status, method, lines, body)
    assert raw_fields(ours) == raw_fields(theirs)
    assert ours.read() == theirs.read()


@pytest.mark.parametrize(("status", "method", "lines", "body"), ANSWERS)
def test_an_answers_requests_response_is_the_one_the_adapter_builds(status, method, lines, body):
    assert requests_response._SAME  # this requests is one the intercept builds for itself
    adapter, request = HTTPAdapter(), prepared(method)
    raw = raw_response(status, method, lines, body, BytesIO(body))
    ours = built_response(adapter, request, raw)
    theirs = adapter.build_response(request, raw_response(status, method, lines, body, BytesIO()))
    assert response_fields(ours) == response_fields(theirs)
    assert ours.raw is raw and ours.connection is adapter and ours.request is request
    assert list(ours.headers.items()) == list(theirs.headers.items())
    assert ours.encoding == theirs.encoding
    # nothing of the response is shared with another one
    other = built_response(adapter, request, raw_response(status, method, lines, body, BytesIO()))
    for name in ("headers", "history", "cookies"):
        assert getattr(ours, name) is not getattr(other, name)
    assert ours.cookies._policy is not other.cookies._policy
    assert ours.cookies._cookies_lock is not other.cookies._cookies_lock


def test_an_adapter_with_its_own_build_response_builds_it():
    class Own(HTTPAdapter):
        def build_response(self, req, resp):
            response = super().build_response(req, resp)
            response.own = True
            return response

    raw = raw_response(200, "GET", NOVA, b"{}", BytesIO(b"{}"))
    assert built_response(Own(), prepared("GET"), raw).own


def test_a_requests_that_builds_otherwise_is_left_to_build_its_own(monkeypatch):
    made_here = requests_response._made_here

    def with_more(adapter, request, raw):
        response = made_here(adapter, request, raw)
        response.extra = 1  # as if requests' own had an attribute the intercept does not set
        return response

    assert requests_response._same_as_requests()
    monkeypatch.setattr(requests_response, "_made_here", with_more)
    assert not requests_response._same_as_requests()


@pytest.mark.parametrize(("status", "method", "lines", "body"), ANSWERS)
def test_an_answer_read_whole_is_left_as_urllib3_leaves_the_networks(status, method, lines, body):
    if status in (204, 304) or status < 200 or method == "HEAD":
        body = b""  # none on the wire: the intercept hands none over
    adapter, request = HTTPAdapter(), prepared(method)
    theirs = adapter.build_response(request, urllib3_made(status, method, lines, body))
    assert theirs.content == body  # requests reads the whole body
    # (the intercept's way: both header stores made in one pass)
    stored = built_response(adapter, request, *read_response_stored(status, method, lines, body))
    stored._content, stored._content_consumed = body, True  # as the intercept hands it over
    assert response_fields(stored) == response_fields(theirs)
    assert list(stored.headers.items()) == list(theirs.headers.items())
    for ours in (
        built_response(adapter, request, read_response(status, method, lines, body)),
        stored,
    ):
        assert raw_fields(ours.raw) == raw_fields(theirs.raw)
        assert (
            (ours.raw.closed, ours.raw.tell())
            == (True, len(body))
            == (theirs.raw.closed, theirs.raw.tell())
        )
        assert ours.raw.read(5) == theirs.raw.read(5) == b""  # was an IncompleteRead of the body


#: Header names, in the spellings that fold alike, that answers repeat (Nova's ``Vary``, cookies)
_NAMES = st.sampled_from(["Vary", "vary", "VARY", "Set-Cookie", "set-cookie", "ETag", "Link"])
_LINES = st.lists(st.tuples(_NAMES, st.sampled_from(["a", "b, c", ""])), max_size=8)


@settings(max_examples=5 * SCALE, deadline=None)
@given(lines=_LINES)
def test_repeated_header_names_are_stored_as_urllib3_adds_them(lines):
    # each line's values in the name's one entry, as the constructor's `add` a line; the
    # same names met again (the merge remembered for them) give the same entry
    made = urllib3_made(200, "GET", lines, b"{}")
    theirs = raw_fields(made)[1]
    for _ in range(2):
        assert raw_fields(raw_response(200, "GET", lines, b"{}", BytesIO(b"{}")))[1] == theirs
    # and requests' store of them, made in the same pass (a name's values joined as urllib3
    # joins them), is the one the adapter makes from urllib3's
    raw, store = read_response_stored(200, "GET", lines, b"{}")
    assert raw_fields(raw)[1] == theirs
    adapter = HTTPAdapter()
    built = adapter.build_response(prepared("GET"), made)
    assert list(store.items()) == list(built.headers._store.items())
