"""The urllib3 response the network would give: what ``requests`` reads for an answer's status,
header lines and body. The intercept builds one for every answer, and its call log one for each
older call read back.

Every answer is built the same way, so the response is made as urllib3's constructor would make
it for these arguments without running it: its attributes are learnt once, from a response made
the ordinary way (`_learn_layout`), and each answer's own (headers, status, reason, body stream,
length to read, a fresh read buffer) set on a copy. A layout this module does not know (another
urllib3 release) or an answer it does not cover (a ``Transfer-Encoding`` header) goes through
the constructor. One is made for every intercepted request: a server's answer's response cost
73,000 instructions with ``HTTPHeaderDict.add`` a line and the constructor, 28,000 so.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from io import BytesIO
from typing import Any

from urllib3 import HTTPHeaderDict, HTTPResponse

from fakecloud.api.reasons import REASONS

_new = object.__new__

#: The attributes an answer sets itself; every other attribute of urllib3's response is the
#: same for every answer built here (learnt once, see `_learn_layout`).
_OWN = ("headers", "status", "reason", "_fp", "_original_response", "length_remaining")
#: urllib3 2's response attributes (a response of another layout is built by its constructor).
_KNOWN = frozenset(
    {
        *_OWN,
        "version",
        "version_string",
        "decode_content",
        "_has_decoded_content",
        "_request_url",
        "_retries",
        "chunked",
        "_decoder",
        "_decoder_initialized",
        "enforce_content_length",
        "auto_close",
        "_body",
        "_uncached_read_occurred",
        "_fp_bytes_read",
        "msg",
        "_pool",
        "_connection",
        "_sock_shutdown",
        "chunk_left",
        "_decoded_buffer",
    }
)
#: Statuses whose answers urllib3 reads no body of (with any answer to HEAD).
_NO_BODY = frozenset({204, 304, *range(100, 200)})


def _learn_layout() -> tuple[dict[str, Any], type] | None:
    """urllib3's response attributes for an answer of ours (in the constructor's order, each
    answer's own as placeholders) and the class of its read buffer; None if urllib3's layout
    is not the one this module fills, or an attribute every answer would share is mutable."""
    if vars(HTTPHeaderDict()).keys() != {"_container"} or (
        HTTPHeaderDict()._container.__class__ is not dict
    ):
        return None
    made = HTTPResponse(
        body=BytesIO(),
        headers=HTTPHeaderDict(),
        status=200,
        reason="OK",
        preload_content=False,
        request_method="GET",
    )
    layout = dict(vars(made))
    if layout.keys() != _KNOWN:
        return None
    buffer = layout["_decoded_buffer"].__class__
    for name in (*_OWN, "_decoded_buffer"):
        layout[name] = None  # each answer's own, set in place (the constructor's order kept)
    if not all(value is None or value.__class__ in (bool, int, str) for value in layout.values()):
        return None
    return layout, buffer


_LAYOUT = _learn_layout()


def raw_response(
    status: int, method: str, lines: Iterable[tuple[str, str]], body: bytes, fp: BytesIO
) -> HTTPResponse:
    """The urllib3 response of `status` with the wire header `lines` (and a ``Content-Length``
    of `body`), reading its body from `fp`: equal in every attribute to the one urllib3's
    constructor makes from them."""
    # HTTPHeaderDict's store: lower-case name -> [name as sent, value, value...], made as
    # ``add`` makes it a line at a time (a repeated name's entry keeps the name its first line
    # sends, then every value in order), in one pass: building it from the lines by name and
    # then merging the repeated ones (Nova's two ``Vary`` lines) took 20,000 instructions for
    # a Nova answer's seven lines, the pass 8,200.
    container: dict[str, list[str]] = {}
    for name, value in lines:
        key = name.lower()
        entry = container.get(key)
        if entry is None:
            container[key] = [name, value]
        else:
            entry.append(value)
    size = len(body)
    container["content-length"] = ["Content-Length", str(size)]
    return _made(status, method, container, size, fp)


def _made(
    status: int, method: str, container: dict[str, list[str]], size: int, fp: BytesIO
) -> HTTPResponse:
    """`raw_response` of the header store `container` (its ``Content-Length`` in it) and a
    body of `size` bytes."""
    headers = _new(HTTPHeaderDict)
    headers._container = container
    # requests reads cookies from the "original" response's msg, as from http.client; with no
    # Set-Cookie header there is nothing to read, and requests skips two cookie-jar passes.
    original = None
    if "set-cookie" in container:
        original = HTTPResponse(body=BytesIO(), msg=headers, preload_content=False)
    reason = REASONS.get(status)
    if _LAYOUT is None or "transfer-encoding" in container:
        return HTTPResponse(
            status=status,
            reason=reason,
            body=fp,
            headers=headers,
            original_response=original,
            preload_content=False,
            request_method=method,
        )
    layout, buffer = _LAYOUT
    response = HTTPResponse.__new__(HTTPResponse)
    attributes = response.__dict__
    attributes.update(layout)
    attributes["headers"] = headers
    attributes["status"] = status
    attributes["reason"] = reason
    attributes["_fp"] = fp
    attributes["_original_response"] = original
    attributes["length_remaining"] = 0 if status in _NO_BODY or method == "HEAD" else size
    attributes["_decoded_buffer"] = buffer()
    return response


def read_response(
    status: int, method: str, lines: Iterable[tuple[str, str]], body: bytes
) -> HTTPResponse:
    """`raw_response` of an answer whose whole body ``requests`` has read (a request not
    streamed), left as urllib3 leaves the network's then: every byte counted read, none left,
    its stream closed (urllib3 closes it on the read that finds no more). So ``raw.closed`` is
    true, ``raw.tell()`` the body's length and ``raw.read()`` answers ``b""``, as they do for
    the network's answer (a stream left open at its end answered ``raw.read(n)`` with an
    ``IncompleteRead`` of the whole body, and the collector called ``close`` on it)."""
    fp = BytesIO()
    fp.close()
    return _read(raw_response(status, method, lines, body, fp), len(body))


def read_response_stored(
    status: int, method: str, lines: Iterable[tuple[str, str]], body: bytes
) -> tuple[HTTPResponse, OrderedDict[str, tuple[str, str]]]:
    """`read_response`, and the store of the case-insensitive dict ``requests`` makes of its
    headers (lower-case name -> (the name as sent, its values joined as urllib3 joins them)),
    both made in one pass over the `lines` (`stores_of`)."""
    size = len(body)
    container, store = stores_of(lines, size)
    return read_response_laid(status, method, container, size), store


def read_response_laid(
    status: int, method: str, container: dict[str, list[str]], size: int
) -> HTTPResponse:
    """`read_response` of a body of `size` bytes whose header store `container` is made
    already, its ``Content-Length`` in it (`stores_of`)."""
    fp = BytesIO()
    fp.close()
    return _read(_made(status, method, container, size, fp), size)


def stores_of(
    lines: Iterable[tuple[str, str]], size: int
) -> tuple[dict[str, list[str]], OrderedDict[str, tuple[str, str]]]:
    """The header stores of an answer of `lines` and a body of `size` bytes: urllib3's
    ``HTTPHeaderDict`` container (as `raw_response` makes it) and the store of the
    case-insensitive dict ``requests`` makes of it, in one pass over the `lines` (a second
    pass over urllib3's store cost an answer of seven lines some 3,400 instructions); the
    ``Content-Length`` set last in both."""
    container: dict[str, list[str]] = {}
    store: OrderedDict[str, tuple[str, str]] = OrderedDict()
    for name, value in lines:
        key = name.lower()
        entry = container.get(key)
        if entry is None:
            container[key] = [name, value]
            store[key] = (name, value)
        else:
            entry.append(value)
            store[key] = (entry[0], ", ".join(entry[1:]))
    length = str(size)
    container["content-length"] = ["Content-Length", length]
    store["content-length"] = ("Content-Length", length)
    return container, store


def _read(raw: HTTPResponse, size: int) -> HTTPResponse:
    """`raw` (of a body of `size` bytes) left as `read_response` leaves it."""
    state = raw.__dict__
    if state["length_remaining"] is not None:  # (None: no length to count down, chunked)
        state["length_remaining"] = 0
    state["_fp_bytes_read"] = size
    state["_decoder_initialized"] = True  # (no decoder: the answers carry no Content-Encoding)
    state["_uncached_read_occurred"] = True
    return raw
