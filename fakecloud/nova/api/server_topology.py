"""``GET /servers/{server_id}/topology`` (2.78; ``nova/api/openstack/compute/
server_topology.py``, 20.0.0 to 34.0.0): the guest's NUMA topology — ``openstack server show
--topology``, openstacksdk's ``fetch_server_topology``.

Policy ``compute:server:topology:index`` (a project reader; ``rule:admin_or_owner`` before
21.0.0, checked before the server is loaded) and, not fatal,
``compute:server:topology:host:index`` (the admin's: host NUMA nodes and CPU pinning). An
instance without a NUMA topology answers ``{"nodes": [], "pagesize_kb": null}``: fakecloud's
guests have none (flavors and images asking for NUMA nodes, pinned CPUs or huge pages are
placed without one), so every server answers so. From 2.102 unknown query parameters are
refused.
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova.api import schemas
from fakecloud.nova.policies import SERVER_TOPOLOGY

#: ``index``'s first microversion.
TOPOLOGY = "2.78"
#: ``index_query_v2102``: unknown query parameters refused from 2.102.
STRICT_QUERY = "2.102"


class ServerTopologyController:
    """One server's NUMA topology."""

    def __init__(self, nova: Any, servers: Any):
        self.nova = nova
        self.servers = servers

    def index(self, req: Request) -> Response:
        """``GET /servers/{server_id}/topology``."""
        if req.microversion < TOPOLOGY:
            raise HttpError(404, "The resource could not be found.")
        schemas.query_validator(req.microversion < STRICT_QUERY).validate(req.query)
        self.servers.get_authorized_server(
            req.context, req.params["server_id"], SERVER_TOPOLOGY % "index"
        )
        return Response(200, {"nodes": [], "pagesize_kb": None})
