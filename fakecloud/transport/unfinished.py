"""Requests that never finish arriving: a read timeout, and a chunk larger than any body taken.

A client that stops sending in the middle of a request (a ``Content-Length`` larger than the
body it sends, a chunked body that never ends) held its connection until waitress's idle sweep
closed it without a word, and a chunk size line of ``2**80`` was waited for byte by byte. The
servers the real services run behind bound both:

- eventlet.wsgi (the ``nova-api``, ``cinder-api`` and ``glance-api`` commands) sets
  ``socket_timeout`` on every client socket: Nova's ``[wsgi] client_socket_timeout``, 900 s by
  default (17.0.0 to 29.x, ``nova/conf/wsgi.py``; 0: wait forever), Cinder's and Glance's the
  same option of oslo.service and glance; a read that waits longer fails, and the connection
  closes. Apache (Keystone, and Nova from 30.0.0 under mod_wsgi) answers a request whose body
  stops arriving ``408 Request Timeout`` (``APR_TIMEUP``, mod_reqtimeout).
- Apache's ``HTTP_IN`` filter (``parse_chunk_size``, httpd 2.4) refuses a chunk size that does
  not fit its 63 bits with ``413`` at once, an unreadable chunk size line with ``400``, and a
  body past ``LimitRequestBody`` (1 GiB by default since 2.4.53) with ``413``.

So here: a request that has begun and receives nothing for `client_socket_timeout_s` gets
``408 Request Timeout`` (waitress's plain-text error page) and its connection closes, but on a
port eventlet.wsgi serves a head that stops arriving is closed unanswered, as eventlet's
``readline`` of the head timing out closes it (a byte within each timeout keeps it coming,
there as here: the timeout is per read, and waitress reads every connection on one loop, so a
trickling client holds no worker and others are served meanwhile); an idle
connection (no request begun) closes without an answer, as every server closes one; a chunk
size announcing more than the body limit (`waitress`'s ``max_request_body_size``) left gets
``413 Request Entity Too Large`` when its line arrives, as a ``Content-Length`` over the limit
does (waitress's own check). waitress already answers an unreadable chunk size line ``400``.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

from waitress.parser import HTTPRequestParser
from waitress.receiver import ChunkedReceiver
from waitress.utilities import Error, RequestEntityTooLarge

#: Nova's ``[wsgi] client_socket_timeout`` default (seconds), the read timeout of nova-api.
CLIENT_SOCKET_TIMEOUT_S = 900.0


class RequestTimeout(Error):
    """The answer to a request that stopped arriving (Apache's status for it)."""

    code = 408
    reason = "Request Timeout"


class BoundedChunkedReceiver(ChunkedReceiver):
    """waitress's chunked body reader, refusing a chunk larger than the body limit left."""

    def __init__(self, buf: Any, limit: int):
        super().__init__(buf)
        self.limit = limit

    def received(self, s: bytes) -> int:
        """Take `s`; a chunk size line announcing more than the limit left is the error."""
        consumed = super().received(s)
        left = self.limit - len(self.buf)
        if self.error is None and self.chunk_remainder > left:
            self.error = RequestEntityTooLarge(
                f"a chunk size takes the body past max_body of {self.limit} bytes"
            )
            self.all_chunks_received = True
        return consumed


def bound_chunks(parser: HTTPRequestParser) -> None:
    """Give `parser` (its head just parsed) the bounded reader for a chunked body."""
    if type(parser.body_rcv) is ChunkedReceiver:
        body = parser.body_rcv
        parser.body_rcv = BoundedChunkedReceiver(body.buf, parser.adj.max_request_body_size)


def time_out_unfinished(listener: Any, timeout_s: float, keep_alive_s: float = math.inf) -> None:
    """Make waitress's `listener` answer a request that stops arriving for `timeout_s` seconds
    (0: never) with 408, and close an idle connection after as long; where Apache is in front,
    a connection idle `keep_alive_s` after its last answer (`close_idle_keep_alive`)."""
    timeout_s = math.inf if timeout_s == 0 else timeout_s
    adj = listener.adj
    adj.channel_timeout = timeout_s
    adj.keep_alive_timeout = keep_alive_s
    # the sweep runs at most every `cleanup_interval`, the loop wakes every loop timeout: a
    # fifth of Apache's keep-alive timeout, so an idle connection closes within 1.2 times it
    step = min(timeout_s / 2, keep_alive_s / 5)
    adj.cleanup_interval = min(adj.cleanup_interval, step)
    adj.asyncore_loop_timeout = min(adj.asyncore_loop_timeout, step)
    listener.maintenance = partial(_sweep, listener)


def close_idle_keep_alive(channel: Any, now: float) -> bool:
    """Whether `channel` is a connection Apache closes now: kept alive after an answer
    (`fakecloud.transport.header_case.FrontTask` counts them), its answers all sent, and no
    byte of a next request for ``KeepAliveTimeout`` (5 s by default: ``ap_process_http_
    connection`` waits that long for the next request, then closes; Apache httpd 2.4,
    ``server/core.c`` ``keep_alive_timeout``). The first request of a connection, and one
    begun, wait ``client_socket_timeout`` as before; eventlet.wsgi keeps an idle connection
    until its socket timeout (``client_socket_timeout``)."""
    return (
        getattr(channel, "apache_keepalives", 0) > 0
        and channel.request is None
        and not channel.total_outbufs_len
        and channel.last_activity < now - channel.adj.keep_alive_timeout
        and _apache(channel)
    )


def _sweep(listener: Any, now: float) -> None:
    """waitress's idle sweep (``BaseWSGIServer.maintenance``), answering a request begun."""
    cutoff = now - listener.adj.channel_timeout
    for channel in list(listener.active_channels.values()):
        if channel.requests:
            continue  # answering
        if channel.last_activity >= cutoff:  # heard from lately
            if close_idle_keep_alive(channel, now):
                channel.will_close = True
            continue
        with channel.requests_lock:
            request = channel.request
            if request is None or request.completed or channel.will_close:
                channel.will_close = True
                continue
            if not request.headers_finished and not _apache(channel):
                # eventlet.wsgi's ``readline`` of the head times out: the connection closes
                # unanswered (``handle_one_request``; 0.41.3 tried), where Apache answers 408
                channel.will_close = True
                continue
            waited = now - channel.last_activity
            request.error = RequestTimeout(
                f"no more of the request arrived for {waited:.3g} s (client_socket_timeout)"
            )
            request.completed = True
            channel.request = None
            channel.requests.append(request)
            channel.last_activity = now
        channel.server.add_task(channel)


def _apache(channel: Any) -> bool:
    """Whether Apache fronts `channel`'s port (a channel of another kind: as eventlet)."""
    limits = getattr(channel, "head_limits", None)
    return limits is not None and limits().apache
