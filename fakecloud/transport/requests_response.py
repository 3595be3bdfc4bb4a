"""The ``requests`` response an adapter builds from an intercepted answer's urllib3 response.

``HTTPAdapter.build_response`` copies the urllib3 response's headers into a case-insensitive
dict through urllib3's and the abstract mapping's Python methods (three calls a header line,
about 40,000 instructions an answer of seven headers) and reads the charset of the content type
anew. `built_response` makes the same object from the header store `raw_response` has just
filled (one pass, no call a header) and knows each content type's charset after its first
answer: every attribute equal to what the adapter's own method gives, in the same order. An
adapter whose class has a ``build_response`` of its own is asked to build it, as is every
adapter where ``requests``' layout is not the one this module fills (checked once, on a sample
answer, at import).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from http.cookiejar import DefaultCookiePolicy
from io import BytesIO
from typing import Any

from requests import PreparedRequest, Response
from requests.adapters import HTTPAdapter
from requests.cookies import RequestsCookieJar, extract_cookies_to_jar
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

from fakecloud.transport.urllib3_response import raw_response

_new = object.__new__
_BUILD = HTTPAdapter.build_response

_CHARSETS: dict[str, str | None] = {}
"""A content type's charset as ``requests`` reads it (`get_encoding_from_headers`), by the
header's value: a function of that string alone. Answers have a handful of content types;
learning stops at 100."""


def built_response(adapter: Any, request: Any, raw: Any, store: Any = None) -> Response:
    """``adapter.build_response(request, raw)`` for a `raw_response` urllib3 response;
    `store`: the store of its headers' case-insensitive dict, when made already
    (`fakecloud.transport.urllib3_response.read_response_stored`)."""
    if _SAME and type(adapter).build_response is _BUILD:
        return _made_here(adapter, request, raw, store)
    return adapter.build_response(request, raw)


def _learn_layout() -> tuple[dict[str, Any], dict[str, Any]] | None:
    """What ``Response()`` gives every response (its attributes in order, the new ones as
    placeholders) and its cookie jar's policy's attributes; None if ``requests``' layout is not
    the one `_new_response` fills, or a value it would share is not a plain one."""
    made = Response()
    layout = dict(vars(made))
    jar = made.cookies
    if (
        layout.keys() != _RESPONSE_FIELDS
        or jar.__class__ is not RequestsCookieJar
        or vars(jar).keys() != {"_policy", "_cookies_lock", "_cookies"}
        or jar._policy.__class__ is not DefaultCookiePolicy
        or made.history != []
    ):
        return None
    for name in ("headers", "history", "cookies"):
        layout[name] = None  # each response's own
    policy = dict(vars(jar._policy))
    for value in (*layout.values(), *policy.values()):
        if value.__class__ is tuple:
            if not all(item.__class__ is str for item in value):
                return None
        elif value is not None and value.__class__ not in (bool, int, str, _ELAPSED):
            return None
    return layout, policy


_RESPONSE_FIELDS = frozenset(
    {
        "_content",
        "_content_consumed",
        "_next",
        "status_code",
        "headers",
        "raw",
        "url",
        "encoding",
        "history",
        "reason",
        "cookies",
        "elapsed",
        "request",
    }
)
#: The class ``threading.RLock()`` makes a lock of (the C one where the interpreter has it),
#: called without that function's frame: what the cookie jar's own constructor holds.
_RLOCK = type(threading.RLock())
_ELAPSED = type(Response().elapsed)  # a timedelta: immutable, one shared by all is the same
_LAYOUT = _learn_layout()


def _new_response() -> Response:
    """``Response()`` but for its empty headers, which the caller sets: the same attributes, a
    cookie jar of its own with a policy of its own, without running ``requests``' and
    ``http.cookiejar``'s constructors (the policy's takes sixteen arguments); ``Response()``
    itself where the layout is another."""
    if _LAYOUT is None:
        return Response()
    layout, policy_layout = _LAYOUT
    # Each object given a copy of its whole attribute dict, not an empty one filled key by
    # key (a dict's copy is one block; the fill inserts and grows): 8,600 -> 7,600
    # instructions a response.
    policy = _new(DefaultCookiePolicy)
    policy.__dict__ = policy_layout.copy()
    jar = _new(RequestsCookieJar)
    jar.__dict__ = {"_policy": policy, "_cookies_lock": _RLOCK(), "_cookies": {}}
    response = _new(Response)
    attributes = layout.copy()
    attributes["history"] = []
    attributes["cookies"] = jar
    response.__dict__ = attributes
    return response


def _made_here(adapter: Any, request: Any, raw: Any, store: Any = None) -> Response:
    response = _new_response()
    response.status_code = raw.status
    # requests' store: lower-case name -> (name as sent, the values joined as urllib3 joins
    # them); urllib3's: lower-case name -> [name as sent, value, value...]
    headers = _new(CaseInsensitiveDict)
    if store is None:
        # set entry by entry: an OrderedDict made from a list of pairs takes them through the
        # generic mapping update, 16,600 instructions for a Nova answer's six names, this 11,100
        store = OrderedDict()
        for key, values in raw.headers._container.items():
            store[key] = (values[0], values[1] if len(values) == 2 else ", ".join(values[1:]))
    headers._store = store
    response.headers = headers
    found = store.get("content-type")
    if found is None:
        response.encoding = None
    else:
        value = found[1]
        try:
            response.encoding = _CHARSETS[value]
        except KeyError:
            response.encoding = get_encoding_from_headers(headers)
            if len(_CHARSETS) < 100:
                _CHARSETS[value] = response.encoding
    response.raw = raw
    response.reason = raw.reason
    url = request.url
    response.url = url.decode("utf-8") if isinstance(url, bytes) else url
    if raw._original_response is not None:  # a Set-Cookie: requests reads it into the jar
        extract_cookies_to_jar(response.cookies, request, raw)
    response.request = request
    response.connection = adapter
    return response


def _same_as_requests() -> bool:
    """Whether `_made_here` gives what ``HTTPAdapter.build_response`` gives on a sample answer
    (attributes, their order and values): if not, this ``requests`` builds its own way."""
    request = PreparedRequest()
    request.prepare(method="GET", url="http://compute.fakecloud.test/v2.1/servers")
    lines = [
        ("Vary", "a"),
        ("vary", "b"),
        ("Content-Type", "application/json; charset=UTF-8"),
        ("x-openstack-request-id", "req-1"),
    ]
    adapter = _new(HTTPAdapter)  # only held by the response, as its connection
    ours, theirs = (
        _plain(build(adapter, request, raw_response(200, "GET", lines, b"{}", BytesIO(b"{}"))))
        for build in (_made_here, _BUILD)
    )
    return ours == theirs


def _plain(response: Response) -> list:
    """`response`'s attributes in order, its headers, raw response and cookie jar by content."""
    values = dict(vars(response))
    values["headers"] = (type(response.headers), list(vars(response.headers)))
    values["header_items"] = list(response.headers._store.items())
    values["raw"] = type(response.raw)
    jar = response.cookies
    values["cookies"] = (
        type(jar),
        [(name, type(value)) for name, value in vars(jar).items()],
        list(vars(jar._policy).items()),
        len(jar),
    )
    return list(values.items())


_SAME = _same_as_requests()
