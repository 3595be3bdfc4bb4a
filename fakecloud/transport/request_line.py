"""A request line's HTTP version, read as the server in front of the service reads it.

waitress took any ``HTTP/d.d`` and answered versions it does not speak as HTTP/1.0 (so
``GET / HTTP/2.0`` or ``HTTP/9.9`` was served, the connection closed), and refused others
(``HTTP/1.10``) with its own page. The servers in front of the real services read it
otherwise (`fakecloud.transport.header_size.head_limits` says which one a port has):

- eventlet.wsgi parses the line with the standard library's
  ``BaseHTTPRequestHandler.parse_request`` (``HttpProtocol.handle_one_request``, eventlet
  0.20.0 to 0.41.x): a version that is no ``HTTP/<digits>.<digits>`` gets 400 "Bad request
  version", one of 2.0 or more 505 "Invalid HTTP version", both sent by ``send_error`` before
  the request's version is known, so as HTTP/0.9 answers: the HTML page alone, no status line
  and no header, and the connection closes (eventlet 0.41.3 on Python 3.11, tried). Other
  versions (0.9, 1.2, ``01.1``, ``1.10``) are served and the connection closed after the
  answer, as for HTTP/1.0.
- Apache httpd (``read_request_line``, server/protocol.c, 2.4.25 on, ``HttpProtocolOptions
  Strict``) takes ``HTTP/<1-9>.<0-9>`` exactly, upper case, and answers anything else its
  plain ``400 Bad Request`` page; it answers no version 505 (its HTTP/1 parser never does),
  so ``HTTP/2.0`` and ``HTTP/9.9`` are served as HTTP/1.1 (``AP_SERVER_PROTOCOL``
  in the status line, the connection kept alive as for 1.1; mod_http2's own ``PRI *
  HTTP/2.0`` preface aside, which devstack's Apache does not load).
"""

from __future__ import annotations

import html
import re
from http.server import BaseHTTPRequestHandler

_APACHE_VERSION = re.compile(rb"HTTP/[1-9]\.[0-9]")


def python_error_page(code: int, message: str, explain: str | None = None) -> bytes:
    """The page ``BaseHTTPRequestHandler.send_error(code, message, explain)`` writes on this
    Python (its ``error_message_format``; `explain` by default the reason's text), as
    eventlet.wsgi sends it."""
    if explain is None:
        explain = BaseHTTPRequestHandler.responses[code][1]
    page = BaseHTTPRequestHandler.error_message_format % {
        "code": code,
        "message": html.escape(message, quote=False),
        "explain": html.escape(explain, quote=False),
    }
    return page.encode("UTF-8", "replace")


def _eventlet_version(version: str) -> tuple[int, int] | None:
    """``parse_request``'s reading of a version (Python 3.11), None where it answers 400."""
    if not version.startswith("HTTP/"):
        return None
    parts = version.split("/", 1)[1].split(".")
    if len(parts) != 2 or any(not p.isdigit() or len(p) > 10 for p in parts):
        return None
    try:
        return int(parts[0]), int(parts[1])
    except ValueError:  # a digit int() does not read ('²' is a digit to isdigit)
        return None


def read_version(line: bytes, apache: bool, refused: bytes) -> tuple[bytes | None, bytes]:
    """What the server in front answers to request line `line` (its end of line removed):
    ``(answer, None)`` for a version it refuses (`refused` is Apache's 400 page), else
    ``(None, line)`` with the version written as waitress should serve it (HTTP/1.0: the
    connection closed after the answer; HTTP/1.1: kept alive). A line of other than three
    words is left to waitress as it is."""
    words = line.split()
    if len(words) != 3 or words[2] in (b"HTTP/1.1", b"HTTP/1.0"):
        return None, line
    version = words[2]
    if apache:
        if _APACHE_VERSION.fullmatch(version) is None:
            return refused, line
        served = b"HTTP/1.1"
    else:
        text = version.decode("iso-8859-1")  # as parse_request decodes the line
        number = _eventlet_version(text)
        if number is None:
            return python_error_page(400, f"Bad request version ({text!r})"), line
        if number >= (2, 0):
            base = text.split("/", 1)[1]
            return python_error_page(505, f"Invalid HTTP version ({base})"), line
        served = b"HTTP/1.0"
    return None, b" ".join(words[:2]) + b" " + served + (b"\r" if line.endswith(b"\r") else b"")
