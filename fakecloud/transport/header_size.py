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
``[wsgi] max_header_line``, 17.0.0 to 31.x; oslo.service's for Cinder; Glance's own). Where a
release ships no such command the port answers as Apache in front of uWSGI (`APACHE`,
`head_limits`).

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
import sys
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING

from waitress.parser import HTTPRequestParser
from waitress.utilities import BadRequest

from fakecloud.profiles.releases import PYTHON3_SINCE
from fakecloud.transport.request_line import python_error_page, read_version
from fakecloud.transport.unfinished import bound_chunks

if TYPE_CHECKING:
    from fakecloud.profiles.releases import Release

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
        super().__init__(answer.split(b"\r\n", 1)[0].decode("latin-1"))  # a page may echo bytes
        self.answer = answer


@dataclass(frozen=True)
class HeadLimits:
    """What the server in front of a service refuses of a request's head, and its answers.
    A line's bytes are counted with its end of line (`counts_end`, eventlet) or without
    (Apache); a limit of None is no limit. A line ended by a bare LF gets `bare_lf_answer`,
    or when None is read as if ended by CRLF (eventlet)."""

    request_line: int
    header_line: int
    total: int | None
    fields: int | None
    counts_end: bool
    request_line_answer: bytes
    header_line_answer: bytes
    total_answer: bytes = b""
    fields_answer: bytes = b""
    bare_lf_answer: bytes | None = None
    apache: bool = False
    """Whether the request line's version is read as Apache reads it, else as eventlet.wsgi
    (`fakecloud.transport.request_line`)."""
    underscores_kept: bool = False
    """Whether a field whose name holds ``_`` reaches the application (eventlet.wsgi before
    0.37.0 makes ``X_Auth_Token`` the ``HTTP_X_AUTH_TOKEN`` ``X-Auth-Token`` makes); else it
    is dropped, as eventlet from 0.37.0, Apache (``ap_add_common_vars``) and waitress drop it."""
    length_and_chunked_answer: bytes | None = None
    """The answer to a request with both ``Content-Length`` and ``Transfer-Encoding``; None:
    the chunked body is read and the length ignored (RFC 9112 6.3, Apache's and eventlet's
    before 0.36.0 reading)."""


EVENTLET = HeadLimits(
    MAX_REQUEST_LINE - 1,
    MAX_HEADER_LINE - 1,
    MAX_TOTAL_HEADER_SIZE,
    None,
    True,
    REQUEST_URI_TOO_LONG,
    HEADER_LINE_TOO_LONG,
    HEADERS_TOO_LARGE,
    underscores_kept=True,
)
"""eventlet.wsgi with the services' ``max_header_line``: a line of 8,192 (request) or 16,384
(header) bytes or more, header lines over 65,536 bytes."""

_BOTH = b"Content-Length and Transfer-Encoding are not allowed together\n"

LENGTH_AND_CHUNKED = (
    b"HTTP/1.0 400 Bad Request\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s"
    % (len(_BOTH), _BOTH)
)
"""eventlet.wsgi's whole answer (0.36.0 on, ``reject_bad_requests``, "Fix security issue related
to RFC 9112", e4b034f7) to a request with both ``Content-Length`` and ``Transfer-Encoding``."""


def _python_page(status: int, message: str, explain: str) -> bytes:
    """What ``BaseHTTPRequestHandler.send_error(status, message, explain)`` sends once the
    request's version is known (eventlet's ``protocol_version`` HTTP/1.1; without its
    ``Date``, as Apache's pages here)."""
    page = python_error_page(status, message, explain)
    return (
        f"HTTP/1.1 {status} {message}\r\n"
        f"Server: {BaseHTTPRequestHandler.server_version} Python/{sys.version.split()[0]}\r\n"
        "Connection: close\r\nContent-Type: text/html;charset=utf-8\r\n"
        f"Content-Length: {len(page)}\r\n\r\n"
    ).encode() + page


EVENTLET_PY3 = replace(
    EVENTLET,
    fields=99,
    fields_answer=_python_page(431, "Too many headers", "got more than 100 headers"),
)
"""eventlet.wsgi on Python 3: as `EVENTLET`, and ``parse_request``'s ``http.client.
parse_headers`` reads at most 100 lines (``_MAXHEADERS``), the blank line that ends the head
among them, so a head of 100 fields or more gets 431 "Too many headers" (Python 2.7's
``mimetools.Message``, which Nova ran on until Ussuri dropped it, had no such limit)."""

EVENTLET_036 = replace(EVENTLET_PY3, length_and_chunked_answer=LENGTH_AND_CHUNKED)
"""eventlet.wsgi 0.36.0 on: as `EVENTLET_PY3`, refusing a length beside a transfer coding."""

EVENTLET_039 = replace(EVENTLET_036, underscores_kept=False)
"""eventlet.wsgi 0.39.0 (the 2025.1 series' upper-constraints; 0.37.0 on, its
``formalize_key_naming``): as `EVENTLET_036`, dropping a field whose name holds ``_``."""

#: The first Nova major whose series' eventlet drops a field named with ``_`` (31.0.0, 2025.1:
#: eventlet===0.39.0 in openstack/requirements' upper-constraints; 2024.2's was 0.36.1).
EVENTLET_UNDERSCORES_DROPPED_SINCE = 31

#: The first Nova major whose series pins eventlet 0.36.0 or later (openstack/requirements
#: upper-constraints: 2024.1 0.35.1, 2024.2 0.36.1).
EVENTLET_036_SINCE = 30


def _apache_page(status: str, note: str) -> bytes:
    """Apache httpd's error page for `status` (``ap_send_error_response``, its default
    ``ErrorDocument``; no ``Date``, no server signature), closing the connection."""
    reason = status.partition(" ")[2]
    body = (
        '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n'
        f"<title>{status}</title>\n</head><body>\n<h1>{reason}</h1>\n<p>{note}</p>\n"
        "</body></html>\n"
    ).encode()
    return (
        f"HTTP/1.1 {status}\r\nServer: Apache\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n"
    ).encode() + body


_NOT_UNDERSTOOD = "Your browser sent a request that this server could not understand.<br />\n"

APACHE = HeadLimits(
    8190,
    8190,
    None,
    100,
    False,
    _apache_page(
        "414 Request-URI Too Long",
        "The requested URL's length exceeds the capacity\nlimit for this server.<br />\n",
    ),
    _apache_page(
        "400 Bad Request",
        _NOT_UNDERSTOOD + "Size of a request header field exceeds server limit.<br />\n",
    ),
    fields_answer=_apache_page(
        "400 Bad Request",
        _NOT_UNDERSTOOD
        + "The number of request header fields exceeds this server's limit.<br />\n",
    ),
    bare_lf_answer=_apache_page("400 Bad Request", _NOT_UNDERSTOOD),
    apache=True,
)
"""Apache httpd in front of uWSGI or mod_wsgi (devstack's layout, its defaults): a request
line or a header field over 8,190 bytes (``LimitRequestLine``, ``LimitRequestFieldSize``, the
end of line not counted), more than 100 header fields (``LimitRequestFields``); no limit on
their sum (uWSGI's ``buffer-size`` of 65,535 behind it is not modelled). A line ended by a bare
LF is refused at once with the plain 400 page: ``HttpProtocolOptions Strict``, the default since
2.4.25 (CVE-2016-8743), reads lines with ``AP_GETLINE_CRLF`` (``server/protocol.c``
``read_request_line`` and ``ap_get_mime_headers_core``: ``APR_EINVAL``, 400, no error note)."""


def head_limits(host: str, release: Release) -> HeadLimits:
    """What stands in front of `host` (``identity``, ``compute``, ``image``, ``volume``) in a
    cloud of Nova `release`: eventlet.wsgi while the service ships a command serving its API
    on it, else Apache (Keystone's since Newton; nova-api's from 32.0.0, "Remove eventlet
    based WSGI server entry points"; cinder-api's from Cinder 28.0.0 and glance-api's from
    Glance 32.0.0, the 2026.1 series of Nova 33)."""
    if host == "identity":
        return APACHE
    if release.major >= (32 if host == "compute" else 33):
        return APACHE
    if release.major >= EVENTLET_UNDERSCORES_DROPPED_SINCE:
        return EVENTLET_039
    if release.major >= EVENTLET_036_SINCE:
        return EVENTLET_036
    return EVENTLET_PY3 if release.major >= PYTHON3_SINCE else EVENTLET


def refusal(head: bytes, limits: HeadLimits = EVENTLET) -> bytes | None:
    """The answer of the server `limits` describes to a request whose head starts with
    `head` (the request line and what has arrived of the header lines), or None while it may
    still be taken."""
    pos = head.find(b"\n") + 1
    if _line_size(head, 0, pos - 1, limits) > limits.request_line:
        return limits.request_line_answer
    if pos == 0:
        return None  # still in the request line
    if _bare_lf(head, pos - 1, limits):
        return limits.bare_lf_answer
    answer = read_version(head[: pos - 1], limits.apache, limits.bare_lf_answer or b"")[0]
    if answer is not None:  # refused on the request line alone, the header lines unread
        return answer
    total = fields = 0
    while True:
        end = head.find(b"\n", pos)
        if _line_size(head, pos, end, limits) > limits.header_line:
            return limits.header_line_answer
        if end < 0:
            return None
        if _bare_lf(head, end, limits):
            return limits.bare_lf_answer
        total += end + 1 - pos
        if limits.total is not None and total > limits.total:
            return limits.total_answer
        if head[pos:end].strip(b"\r") == b"":
            return None  # the blank line: the head is whole
        fields += 1
        if limits.fields is not None and fields > limits.fields:
            return limits.fields_answer
        pos = end + 1


def _bare_lf(head: bytes, end: int, limits: HeadLimits) -> bool:
    """Whether `limits` refuses the line ending with the LF at `end` for having no CR."""
    return limits.bare_lf_answer is not None and (end == 0 or head[end - 1] != 13)


def head_end(head: bytes) -> int:
    """Where the head at the start of `head` ends (past its blank line), read as eventlet.wsgi
    reads it, or -1 while it has not: line by line to each LF (``BaseHTTPRequestHandler``'s
    ``readline``), the first header line that is CRLF or LF alone ending it
    (``http.client.parse_headers``)."""
    pos = head.find(b"\n") + 1
    while pos:
        end = head.find(b"\n", pos)
        if end < 0:
            return -1
        if head[pos:end] in (b"", b"\r"):
            return end + 1
        pos = end + 1
    return -1


_BARE_LF = re.compile(rb"(?<!\r)\n")


def _line_size(head: bytes, start: int, end: int, limits: HeadLimits) -> int:
    """The bytes `limits` counts of the line from `start` to its ``\\n`` at `end` (-1: not
    arrived yet, all of it counts)."""
    if end < 0:
        return len(head) - start
    if limits.counts_end:
        return end + 1 - start
    return end - start - (end > start and head[end - 1] == 13)


class HeaderLimitParser(HTTPRequestParser):
    """waitress's request parser, refusing a head eventlet.wsgi would refuse (and a chunk
    larger than the body limit, `fakecloud.transport.unfinished`)."""

    limits = EVENTLET
    """What the server in front of the service refuses (set per port and release)."""

    def received(self, data: bytes) -> int:
        """Take `data`; a head past the limits completes the request as its error."""
        if self.body_rcv is None and not self.completed:
            answer = refusal(self.header_plus.lstrip() + data, self.limits)
            if answer is not None:
                self.error = HeaderRefusal(answer)
                self.completed = True
                return len(data)
            whole = self.header_plus + data
            lead = len(whole) - len(whole.lstrip())
            end = head_end(whole[lead:])
            if end >= 0 and _BARE_LF.search(whole, lead, lead + end):
                # Lines ended by bare LFs, which eventlet.wsgi reads (Apache's were refused
                # above): waitress waited for a CRLF blank line and answered 408.
                self.header_plus = b""
                self.header_bytes_received = 0
                super().received(_BARE_LF.sub(b"\r\n", whole[lead : lead + end]))
                return len(data) - (len(whole) - lead - end)
        return super().received(data)

    def parse_header(self, header_plus: bytes) -> None:
        """waitress's head parsing, of a request line whose bytes past ASCII are escaped
        (`escape_high_bytes`); a chunked body is read by the bounded reader."""
        line, end, rest = header_plus.partition(b"\n")
        line = read_version(line, self.limits.apache, b"")[1]  # a version waitress serves
        if self.limits.underscores_kept and b"_" in rest:
            rest = _UNDERSCORED_NAME.sub(_dashed, rest)  # (waitress drops such a field)
        method, space, target = line.partition(b" ")
        if space and method.upper() != method:
            # ``get``: waitress refuses it ("Malformed HTTP method"), eventlet.wsgi and Apache
            # pass it on as sent (`fakecloud.transport.method_case`); its parser is given the
            # upper-case word and the command is put back as sent
            super().parse_header(method.upper() + space + escape_high_bytes(target) + end + rest)
            if self.command:
                self.command = method.decode("latin-1")
        else:
            super().parse_header(escape_high_bytes(line) + end + rest)
        both = self.limits.length_and_chunked_answer
        if both is not None and self.chunked and "CONTENT_LENGTH" in self.headers:
            self.error = HeaderRefusal(both)  # answered before the body is read
            self.completed = True
            return
        bound_chunks(self)


_UNDERSCORED_NAME = re.compile(rb"(?m)^(?![ \t])[^:\r\n]*_[^:\r\n]*(?=:)")


#: Names whose underscored spelling stays dropped: eventlet skips ``CONTENT_TYPE`` and
#: ``CONTENT_LENGTH`` among the ``HTTP_`` keys, and a field waitress frames or routes the
#: connection by is not made one from a spelling no client sends for it.
_FRAMING = frozenset(
    {b"content-length", b"content-type", b"transfer-encoding", b"connection", b"expect", b"host"}
)


def _dashed(name: re.Match[bytes]) -> bytes:
    """A field name with its ``_`` as ``-``: the environ key eventlet.wsgi gave it before
    0.37.0 (``k.replace('-', '_').upper()``), the one waitress gives the dashed name."""
    dashed = name[0].replace(b"_", b"-")
    return name[0] if dashed.strip().lower() in _FRAMING else dashed


_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


def escape_high_bytes(line: bytes) -> bytes:
    """A request line with each byte past ASCII percent-escaped (``☃`` as ``%E2%98%83``).

    waitress refused a target holding such a byte (raw UTF-8 from a hand-made client) with its
    own "400 Bad URI" page; eventlet.wsgi takes it as it takes its escaped form (the path the
    service sees is the same), so ``GET /v2.1/servers/☃`` is Nova's 404 for that id."""
    if _HIGH_BYTE.search(line) is None:
        return line
    return _HIGH_BYTE.sub(lambda m: b"%%%02X" % m[0][0], line)
