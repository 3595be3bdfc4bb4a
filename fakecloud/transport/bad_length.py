"""A request whose ``Content-Length`` is not a length, answered as eventlet.wsgi answers it.

eventlet.wsgi (``HttpProtocol.handle_one_request``, the WSGI server of the services' own
``nova-api``, ``cinder-api`` and ``glance-api`` commands) reads the header before it calls the
application: a value that is not an integer (and, from eventlet 0.25.0, a negative one) gets
the same few bytes in eventlet 0.20.0 (Queens' upper constraint), 0.24.1, 0.25.2, 0.33.3 and
0.41.3 — ``HTTP/1.0 400 Bad Request``, ``Connection: close``, ``Content-length: 0``, no body —
and the connection closes. waitress refuses the same values (its parser takes digits only) with
its own text page naming itself; the task here writes eventlet's bytes instead. The rest of
waitress's refusals (a bad chunk, an unknown transfer coding, a body over the limit) are
answered by waitress as before.

A head refused where Apache httpd is in front (`header_size.APACHE`) is closed as Apache closes
it (``ap_lingering_close``, server/connection.c): the answer sent, the write side shut, and what
the client still sends read and dropped until it closes its end (or waitress's
``channel_timeout``), so the client reads the 400 page; closed at once, a head larger than what
was read left unread bytes and the kernel reset the connection, the page lost. eventlet.wsgi
closes at once (``greenio.shutdown_safe``, ``SHUT_RDWR``): there a client still sending may see
a reset, as it would.

Left as it was: eventlet before 0.25.0 (the Queens to Stein series) passed a negative length on
to the application, and eventlet reads ``+5`` or ``5_0`` (``int()``) and the first of two
``Content-Length`` headers as a length; waitress refuses all of these before any application
could see them, so they get the refusal here in every series.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import waitress.task
from waitress.utilities import BadRequest

from fakecloud.transport.header_case import FrontTask
from fakecloud.transport.header_size import (
    APACHE,
    EVENTLET,
    HeaderLimitParser,
    HeaderRefusal,
    HeadLimits,
)
from fakecloud.transport.keepalive import KeepAliveChannel

EVENTLET_BAD_LENGTH = b"HTTP/1.0 400 Bad Request\r\nConnection: close\r\nContent-length: 0\r\n\r\n"
"""eventlet.wsgi's whole answer to a Content-Length that is not a length."""

_WAITRESS_BAD_LENGTH = "Content-Length is invalid"
"""The parse error waitress's parser gives such a header (``HTTPRequestParser.parse_header``)."""


class EventletLengthErrorTask(waitress.task.ErrorTask):
    """waitress's error task, answering a bad Content-Length (and a head too long,
    `fakecloud.transport.header_size`) with eventlet's bytes."""

    def execute(self) -> None:
        """Write eventlet's answer for a bad length or a refused head (and close after it);
        waitress's own page for every other parse error."""
        error = self.request.error
        if isinstance(error, HeaderRefusal):
            answer = error.answer
            self.channel.linger = self.channel.head_limits() is APACHE
        elif isinstance(error, BadRequest) and error.body == _WAITRESS_BAD_LENGTH:
            answer = EVENTLET_BAD_LENGTH
        else:
            super().execute()
            return
        self.wrote_header = True  # the bytes below are the whole answer, head included
        self.close_on_finish = True
        self.channel.write_soon(answer)


class ServiceChannel(KeepAliveChannel):
    """The channel each service port serves: keep-alive after bodiless answers
    (`KeepAliveChannel`), header names in the case of the server in front (`FrontTask`),
    eventlet's answers to a bad Content-Length, and to a head too long
    the answer of the server in front of the service (`head_limits`)."""

    task_class = FrontTask
    error_task_class = EventletLengthErrorTask
    linger = False
    """Whether the next close lingers (Apache's answer to a head it refused)."""

    def handle_close(self) -> None:
        """Close; after Apache's refusal of a head, first shut the write side and read what
        the client still sends until its end (`handle_read`), as ``ap_lingering_close``."""
        if not self.linger:
            self.lingering = False
            super().handle_close()
            return
        self.linger = False
        self.lingering = True
        self.will_close = False  # until the idle sweep (channel_timeout) sets it again
        try:
            self.socket.shutdown(socket.SHUT_WR)
        except OSError:
            self.handle_close()

    lingering = False
    """Whether the answer is sent and the rest of the request is being dropped."""

    def readable(self) -> bool:
        """While lingering, always (to drop what arrives); else as waitress decides."""
        return self.lingering or super().readable()

    def writable(self) -> bool:
        """While lingering, only once the idle sweep asks it closed (its ``will_close``: the
        write then closes it); else as waitress decides."""
        return self.will_close if self.lingering else super().writable()

    def handle_read(self) -> None:
        """While lingering, drop what arrives (its end, or a socket error, closes); else
        waitress's reading."""
        if not self.lingering:
            super().handle_read()
            return
        try:
            self.recv(self.adj.recv_bytes)  # at the client's end it closes (wasyncore)
        except OSError:
            self.handle_close()

    @staticmethod
    def head_limits() -> HeadLimits:
        """What the server in front of this port's service refuses of a head (asked per
        request: a reset or a load may serve another release)."""
        return EVENTLET

    def parser_class(self, adj: Any) -> HeaderLimitParser:
        """A request's parser (waitress calls ``self.parser_class(self.adj)``)."""
        parser = HeaderLimitParser(adj)
        parser.limits = self.head_limits()
        return parser

    @classmethod
    def limited(cls, head_limits: Callable[[], HeadLimits]) -> type[ServiceChannel]:
        """The channel class of a port whose limits `head_limits` gives."""
        return type(cls.__name__, (cls,), {"head_limits": staticmethod(head_limits)})
