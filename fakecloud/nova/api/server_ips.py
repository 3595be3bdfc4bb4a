"""``/servers/{server_id}/ips[/{network}]`` (``nova/api/openstack/compute/ips.py``, 17.0.13-34.0.0):
openstacksdk's ``server_ips``, novaclient's ``servers.ips``.

A server's addresses by network label, as its view's ``addresses`` without the ``OS-EXT-IPS``
keys and shown while it builds too: ``public`` once its build allocated it, ``{}`` for a server
booted with ``networks: none`` (`fakecloud.nova.network`); another network is 404 "Instance is
not a member of specified network". Policies ``os_compute_api:ips:index``/``show``
(``rule:admin_or_owner`` before 21.0.0, the project's readers after); before 21.0.0 (switch
``policy_before_lookup``; for these routes 58701be615, the same release) checked before the
server is loaded with the caller's own project as target, after it with the server's. Unknown
query parameters are refused from 2.102.
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova import network
from fakecloud.nova.api import schemas
from fakecloud.nova.policies import IPS

#: ``index_query_v2102``/``show_query_v2102``.
STRICT_QUERY = "2.102"


class ServerIpsController:
    """One server's addresses."""

    def __init__(self, nova: Any, servers: Any):
        self.nova = nova
        self.servers = servers

    def _networks(self, req: Request, rule: str) -> dict[str, Any]:
        """``common.get_instance`` and the policy in the release's order, then
        ``common.get_networks_for_instance``."""
        schemas.query_validator(req.microversion < STRICT_QUERY).validate(req.query)
        server = self.servers.get_authorized_server(
            req.context, req.params["server_id"], IPS % rule, copy=False
        )
        db = self.nova.db
        return network.addresses(db.network_number(server.uuid), False, db.fixed_ips(server.uuid))

    def index(self, req: Request) -> Response:
        """``GET /servers/{server_id}/ips``: ``{"addresses": {label: [...]}}``."""
        return Response(200, {"addresses": self._networks(req, "index")})

    def show(self, req: Request) -> Response:
        """``GET /servers/{server_id}/ips/{network}``: ``{label: [...]}``, or 404."""
        networks = self._networks(req, "show")
        label = req.params["network"]
        if label not in networks:
            raise HttpError(404, "Instance is not a member of specified network")
        return Response(200, {label: networks[label]})
