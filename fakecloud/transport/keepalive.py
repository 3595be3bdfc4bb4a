"""waitress's HTTP channel, keeping an HTTP/1.1 connection open after an answer without a body.

waitress closes the connection after any response that has no ``Content-Length`` (it cannot
tell where a body would end), and it never sends one with a 204 or 304 (RFC 9110 forbids it
there), so every 204 — a Glance image delete, a tag, a Keystone token revocation — ended with
``Connection: close`` and the client's next request opened a new connection. The servers the
real services run behind (uWSGI, Apache mod_wsgi, eventlet.wsgi) keep it open: such an answer
ends at its header, so nothing is ambiguous. This channel's task does the same, and closes as
waitress does otherwise (HTTP/1.0, ``Connection: close`` asked, any answer with a body).
"""

from __future__ import annotations

import waitress.channel
import waitress.task


class KeepAliveTask(waitress.task.WSGITask):
    """waitress's WSGI task, not closing the connection for a bodiless HTTP/1.1 answer."""

    _bodiless_keep_alive = False

    def build_response_header(self) -> bytes:
        """The response head; a 1xx/204/304 answer to an HTTP/1.1 request that did not ask to
        close leaves the connection open."""
        asked_close = self.request.headers.get("CONNECTION", "").lower() == "close"
        if self.has_body or self.version != "1.1" or asked_close:
            return super().build_response_header()
        self._bodiless_keep_alive = True
        try:
            return super().build_response_header()
        finally:
            self._bodiless_keep_alive = False

    def set_close_on_finish(self) -> None:
        """Close after this answer, unless it is the bodiless HTTP/1.1 answer being framed."""
        if not self._bodiless_keep_alive:
            super().set_close_on_finish()


class KeepAliveChannel(waitress.channel.HTTPChannel):
    """waitress's HTTP channel with `KeepAliveTask` as its task."""

    task_class = KeepAliveTask
