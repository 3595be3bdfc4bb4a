"""Request lines and headers too long or too large, refused as eventlet.wsgi refuses them.

eventlet.wsgi (the server of the services' own ``nova-api``, ``cinder-api`` and ``glance-api``
commands, whose other refusal fakecloud gives is `fakecloud.transport.bad_length`'s) reads a
request's header lines through ``FileObjectForHeaders`` (``eventlet/wsgi.py``, 0.20.0 to
0.41.x): a line of `MAX_HEADER_LINE` bytes or more (its end of line included) is answered
``HTTP/1.0 400 Header Line Too Long``, header lines adding up to more than
`MAX_TOTAL_HEADER_SIZE` bytes (the blank line that ends them included, the request line not)
``HTTP/1.0 400 Headers Too Large``; either with ``Connection: close`` and
``Content-length: 0``, no body, and the connection closes. The services raise eventlet's header
line limit from its 8,192 bytes to their ``max_header_line`` option, 16,384 by default (nova
``[wsgi] max_header_line``, 17.0.0 to 29.x; oslo.service's for Cinder; Glance's own).

Before the headers eventlet reads the request line with ``readline(url_length_limit)``: a line
of `MAX_REQUEST_LINE` bytes or more (its end of line included) gets ``RESPONSE_414``,
`REQUEST_URI_TOO_LONG` (read in 0.33.3 and 0.41.3), and the connection closes. The services'
``eventlet.wsgi.server`` calls keep the default limit (nova-api's ``WSGIService`` passes no
``max_url_len``).

waitress refused only a head over 256 KiB, with its own 431 page. `HeaderLimitParser` checks
each request's head as it arrives (a few header lines, so a few finds per request) and gives
eventlet's answer before any application sees the request.
"""

from __future__ import annotations

import re

from waitress.parser import HTTPRequestParser
from waitress.utilities import BadRequest

from fakecloud.transport.unfinished import bound_chunks

MAX_REQUEST_LINE = 8192
"""eventlet.wsgi's default ``url_length_limit``: the bytes of a request line it refuses."""

MAX_HEADER_LINE = 16384
"""The services' ``max_header_line`` default, which they set as eventlet's line limit."""

MAX_TOTAL_HEADER_SIZE = 65536
"""eventlet.wsgi's limit on the bytes of all header lines of one request."""

REQUEST_URI_TOO_LONG = (
    b"HTTP/1.0 414 Request URI Too Long\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
)
"""eventlet.wsgi's whole answer to a request line of `MAX_REQUEST_LINE` bytes or more."""

HEADER_LINE_TOO_LONG = (
    b"HTTP/1.0 400 Header Line Too Long\r\nConnection: close\r\nContent-length: 0\r\n\r\n"
)
"""eventlet.wsgi's whole answer to a header line of `MAX_HEADER_LINE` bytes or more."""

HEADERS_TOO_LARGE = (
    b"HTTP/1.0 400 Headers Too Large\r\nConnection: close\r\nContent-length: 0\r\n\r\n"
)
"""eventlet.wsgi's whole answer to header lines of more than `MAX_TOTAL_HEADER_SIZE` bytes."""


class HeaderRefusal(BadRequest):
    """A head eventlet.wsgi refuses; `answer` is the bytes it sends."""

    def __init__(self, answer: bytes):
        super().__init__(answer.split(b"\r\n", 1)[0].decode("ascii"))
        self.answer = answer


def refusal(head: bytes) -> bytes | None:
    """eventlet.wsgi's answer to a request whose head starts with `head` (the request line and
    what has arrived of the header lines), or None while it may still be taken."""
    pos = head.find(b"\n") + 1
    if (pos or len(head)) >= MAX_REQUEST_LINE:
        return REQUEST_URI_TOO_LONG
    if pos == 0:
        return None  # still in the request line
    total = 0
    while True:
        end = head.find(b"\n", pos)
        size = (end + 1 if end >= 0 else len(head)) - pos
        if size >= MAX_HEADER_LINE:
            return HEADER_LINE_TOO_LONG
        if end < 0:
            return None
        total += size
        if total > MAX_TOTAL_HEADER_SIZE:
            return HEADERS_TOO_LARGE
        if head[pos:end].strip(b"\r") == b"":
            return None  # the blank line: the head is whole
        pos = end + 1


class HeaderLimitParser(HTTPRequestParser):
    """waitress's request parser, refusing a head eventlet.wsgi would refuse (and a chunk
    larger than the body limit, `fakecloud.transport.unfinished`)."""

    def received(self, data: bytes) -> int:
        """Take `data`; a head past eventlet's limits completes the request as its error."""
        if self.body_rcv is None and not self.completed:
            answer = refusal(self.header_plus.lstrip() + data)
            if answer is not None:
                self.error = HeaderRefusal(answer)
                self.completed = True
                return len(data)
        return super().received(data)

    def parse_header(self, header_plus: bytes) -> None:
        """waitress's head parsing, of a request line whose bytes past ASCII are escaped
        (`escape_high_bytes`); a chunked body is read by the bounded reader."""
        line, end, rest = header_plus.partition(b"\n")
        super().parse_header(escape_high_bytes(line) + end + rest)
        bound_chunks(self)


_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


def escape_high_bytes(line: bytes) -> bytes:
    """A request line with each byte past ASCII percent-escaped (``☃`` as ``%E2%98%83``).

    waitress refused a target holding such a byte (raw UTF-8 from a hand-made client) with its
    own "400 Bad URI" page; eventlet.wsgi takes it as it takes its escaped form (the path the
    service sees is the same), so ``GET /v2.1/servers/☃`` is Nova's 404 for that id."""
    if _HIGH_BYTE.search(line) is None:
        return line
    return _HIGH_BYTE.sub(lambda m: b"%%%02X" % m[0][0], line)
