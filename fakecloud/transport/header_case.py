"""Response header names written in the case the server in front of the service writes them.

waitress writes every name with each word capitalized (``x-openstack-request-id`` as
``X-Openstack-Request-Id``, ``OpenStack-API-Version`` as ``Openstack-Api-Version``). So does
eventlet.wsgi (``capitalize_response_headers``, on by default, and the services' ``wsgi.server``
calls keep it: nova/wsgi.py ``Server.start``), so on a port eventlet serves the names are
right. Apache httpd in front of uWSGI or mod_wsgi passes the application's names on as the
application wrote them (``apr_table`` keeps a name's case), so there Nova, Cinder and Glance
answer ``x-openstack-request-id``, ``x-compute-request-id`` and ``OpenStack-API-Version``, and
Keystone ``x-openstack-request-id``, as a client that records answers byte for byte (a replay
cassette) sees them. On such a port (`fakecloud.transport.header_size.head_limits`) the names
the application gave are written as given; the ones the server adds (``Date``,
``Content-Length``, ``Connection``, ``Server``) are Apache's own spelling already.

The fields are laid out as the front lays them out, not sorted by name as waitress sorts them
(a recorded answer diffed against the same answer in process, which keeps the application's
order): eventlet.wsgi writes the application's fields in the application's order, then its
``Date``, ``Transfer-Encoding`` and ``Connection`` (``close``, or ``keep-alive`` to a client
that sent ``Connection: keep-alive``, as requests does), and no ``Server`` field
(``handle_one_response``, eventlet 0.20.0 to 0.41.3; 0.41.3 tried), a 204's or 304's
``Content-Length: 0`` included where waitress drops it; Apache writes its ``Date``
and ``Server`` first (``basic_http_header``), then the application's fields. Apache's
``Server`` is its ``ServerTokens Prod`` banner, ``Apache`` (Debian's default adds the version
and OS). Apache also counts the answers a connection carries (`FrontTask._apache_keep_alive`), and
closes one idle ``KeepAliveTimeout`` after its last answer
(`fakecloud.transport.unfinished.close_idle_keep_alive`). Not modelled: where it moves a
proxied ``Content-Type``.

The status line's version is the server's own, not the request's: eventlet.wsgi writes its
``protocol_version`` (``HTTP/1.1``, ``max_http_version`` left at its default by nova/wsgi.py;
eventlet 0.20.0 to 0.41.x ``handle_one_response``) and Apache ``AP_SERVER_PROTOCOL``
(``HTTP/1.1``, but with ``force-response-1.0``, which devstack does not set), so an HTTP/1.0
request (or one eventlet serves as such, ``HTTP/1.10``) is answered ``HTTP/1.1 200 OK`` with
``Connection: close``, where waitress echoes ``HTTP/1.0``.
"""

from __future__ import annotations

from fakecloud.transport.keepalive import KeepAliveTask

#: The fields the server in front writes itself, where it writes them (not the application's).
_FRONT_FIELDS = frozenset({"Date", "Server", "Via", "Transfer-Encoding", "Connection"})

#: Apache's ``MaxKeepAliveRequests`` and ``KeepAliveTimeout`` (its defaults, Debian's and
#: devstack's): the answers one connection carries after its first, and the seconds a
#: connection kept alive waits for its next request before Apache closes it.
APACHE_KEEP_ALIVE_MAX = 100
APACHE_KEEP_ALIVE_TIMEOUT_S = 5

#: Apache's ``Server`` field at ``ServerTokens Prod``: the product alone, no version or OS
#: (Debian's default ``OS`` adds ``/2.4.x (Ubuntu)``, which a simulation cannot know).
APACHE_SERVER = "Apache"


class FrontTask(KeepAliveTask):
    """The WSGI task of a service's port (`KeepAliveTask`), writing the response head as the
    server in front of the service writes it: its status line, its fields, their order and,
    where Apache is in front, the application's names in their own case."""

    def get_environment(self) -> dict:
        """waitress's environ, its ``REQUEST_METHOD`` the method as sent (waitress writes it in
        upper case; the servers in front pass ``get`` on as it is: `fakecloud.transport.
        method_case`)."""
        environ = super().get_environment()
        command = self.request.command
        if environ["REQUEST_METHOD"] != command:
            environ["REQUEST_METHOD"] = command
        return environ

    def build_response_header(self) -> bytes:
        """The head waitress would write (its framing decisions: close, chunked), laid out as
        the front lays it out: the application's fields in the application's order (waitress
        sorted them by name), then eventlet.wsgi's ``Date``, ``Transfer-Encoding`` and
        ``Connection`` after them and no ``Server`` (``handle_one_response``); or Apache's
        ``Date`` and ``Server`` first (``basic_http_header``), the application's names as
        given."""
        given = {}  # read before waitress rewrites the list with its capitalized names
        length_at = None
        for i, (name, value) in enumerate(self.response_headers):
            given.setdefault("-".join(x.capitalize() for x in name.split("-")), name)
            if name.lower() == "content-length":
                length_at = (i, value)
        super().build_response_header()
        apache = self.channel.head_limits().apache
        front = {}
        fields = []
        if length_at is not None and not apache and not self.has_body:
            # waitress drops a 204's or 304's length; eventlet.wsgi writes the application's
            # (webob's ``Content-Length: 0``), as the answer in process has it
            self.response_headers.insert(length_at[0], ("Content-Length", length_at[1]))
        for name, value in self.response_headers:
            if name in _FRONT_FIELDS and not (name == "Server" and "Server" in given):
                front.setdefault(name, value)
            else:
                fields.append((given.get(name, name) if apache else name, value))
        lines = ["HTTP/1.1 " + self.status]  # the server's protocol, not the request's
        if apache:
            lines.append("Date: " + front["Date"])
            if "Server" not in given:
                lines.append("Server: " + APACHE_SERVER)
        lines += [f"{name}: {value}" for name, value in fields]
        if not apache:
            lines.append("Date: " + front["Date"])
        if "Transfer-Encoding" in front:
            lines.append("Transfer-Encoding: " + front["Transfer-Encoding"])
        connection = front.get("Connection")
        if apache and not self.close_on_finish:
            connection = self._apache_keep_alive(lines)
        elif not apache and connection is None and not self.close_on_finish:
            # eventlet.wsgi answers a client's own ``Connection: keep-alive`` in kind
            asked = self.request.headers.get("CONNECTION", "").lower()
            connection = "keep-alive" if asked == "keep-alive" else None
        elif not apache and connection is not None:
            connection = connection.lower()  # eventlet's ``close`` and ``keep-alive``
        if connection is not None:
            lines.append("Connection: " + connection)
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _apache_keep_alive(self, lines: list[str]) -> str | None:
        """Apache's ``ap_set_keepalive`` for an answer after which the connection may stay
        open: the ``MaxKeepAliveRequests`` (100) answers after the first are its last, the
        next one closes (``Connection: close``); a client that sent ``Connection:
        keep-alive`` (requests does) is told ``Keep-Alive: timeout=5, max=<left>``, and
        ``Connection: Keep-Alive``. Returns the ``Connection`` value, or None."""
        channel = self.channel
        left = APACHE_KEEP_ALIVE_MAX - getattr(channel, "apache_keepalives", 0)
        if left <= 0:
            self.close_on_finish = True
            return "close"
        channel.apache_keepalives = APACHE_KEEP_ALIVE_MAX - left + 1
        asked = self.request.headers.get("CONNECTION", "").lower()
        if "keep-alive" not in (token.strip() for token in asked.split(",")):
            return None
        timeout = getattr(channel.adj, "keep_alive_timeout", APACHE_KEEP_ALIVE_TIMEOUT_S)
        lines.append(f"Keep-Alive: timeout={int(timeout)}, max={left}")  # apr_time_sec
        return "Keep-Alive"
