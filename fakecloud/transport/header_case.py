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
``Content-Length``, ``Connection``, ``Server``) are Apache's own spelling already. Not
modelled: Apache's order of the fields (waitress sorts them by name), its ``Server`` and
``Keep-Alive`` fields.

The status line's version is the server's own, not the request's: eventlet.wsgi writes its
``protocol_version`` (``HTTP/1.1``, ``max_http_version`` left at its default by nova/wsgi.py;
eventlet 0.20.0 to 0.41.x ``handle_one_response``) and Apache ``AP_SERVER_PROTOCOL``
(``HTTP/1.1``, but with ``force-response-1.0``, which devstack does not set), so an HTTP/1.0
request (or one eventlet serves as such, ``HTTP/1.10``) is answered ``HTTP/1.1 200 OK`` with
``Connection: close``, where waitress echoes ``HTTP/1.0``.
"""

from __future__ import annotations

from fakecloud.transport.keepalive import KeepAliveTask


class FrontTask(KeepAliveTask):
    """The WSGI task of a service's port (`KeepAliveTask`), writing the application's header
    names in their own case where Apache is in front."""

    def build_response_header(self) -> bytes:
        """waitress's head with the front's ``HTTP/1.1`` status line, each name the application
        gave spelled as it gave it when the port's front keeps names (Apache)."""
        given = {}  # read before waitress rewrites the list with its capitalized names
        for name, _ in self.response_headers:
            given.setdefault("-".join(x.capitalize() for x in name.split("-")), name)
        head = super().build_response_header()
        if head.startswith(b"HTTP/1.0 "):  # the server's protocol, not the request's
            head = b"HTTP/1.1 " + head[9:]
        if not self.channel.head_limits().apache:
            return head
        lines = head.decode("latin-1").split("\r\n")
        for i in range(1, len(lines)):
            name, colon, value = lines[i].partition(":")
            if colon and name in given:
                lines[i] = given[name] + colon + value
        return "\r\n".join(lines).encode("latin-1")
