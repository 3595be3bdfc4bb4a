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
"""

from __future__ import annotations

from fakecloud.transport.keepalive import KeepAliveTask


class FrontTask(KeepAliveTask):
    """The WSGI task of a service's port (`KeepAliveTask`), writing the application's header
    names in their own case where Apache is in front."""

    def build_response_header(self) -> bytes:
        """waitress's head, each name the application gave spelled as it gave it when the
        port's front keeps names (Apache)."""
        limits = self.channel.head_limits()
        if not limits.apache:
            return super().build_response_header()
        given = {}
        for name, _ in self.response_headers:
            given.setdefault("-".join(x.capitalize() for x in name.split("-")), name)
        head = super().build_response_header().decode("latin-1")
        lines = head.split("\r\n")
        for i in range(1, len(lines)):
            name, colon, value = lines[i].partition(":")
            if colon and name in given:
                lines[i] = given[name] + colon + value
        return "\r\n".join(lines).encode("latin-1")
