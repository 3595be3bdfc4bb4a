"""``GET``/``DELETE /servers/{server_id}/os-server-password`` (``nova/api/openstack/compute/
server_password.py``, 17.0.0 to 34.0.0, every microversion): the encrypted password the guest
posted to the metadata service (`fakecloud.nova.metadata_password`) — ``nova get-password``,
openstacksdk's ``get_server_password``/``clear_server_password``.

Before 21.0.0 one rule, ``os_compute_api:os-server-password`` (``rule:admin_or_owner``),
checked before the server is loaded, with the caller's project as target; from 21.0.0 the
lookup, then ``:show`` (a project reader) or ``:clear`` (a project member) on the server's
project, the old rule their deprecated one. The lookup is ``common.get_instance``: a deleted
server or another project's is 404; neither method checks the lock or the state. ``index``
answers ``{"password": ""}`` for a server with no password; ``clear`` (204) sets the four
``password_*`` items empty, which does not change the guest's password. From 2.102 ``index``
refuses unknown query parameters.
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.nova.api import schemas
from fakecloud.nova.metadata_password import convert_password, extract_password
from fakecloud.nova.policies import SERVER_PASSWORD

#: ``index_query_v2102``: unknown query parameters refused from 2.102.
STRICT_QUERY = "2.102"


class ServerPasswordController:
    """One server's encrypted password."""

    def __init__(self, nova: Any, servers: Any):
        self.nova = nova
        self.servers = servers

    def index(self, req: Request) -> Response:
        """``GET /servers/{server_id}/os-server-password``."""
        schemas.query_validator(req.microversion < STRICT_QUERY).validate(req.query)
        instance = self.servers.get_authorized_server(
            req.context, req.params["server_id"], SERVER_PASSWORD % "show", copy=False
        )
        return Response(200, {"password": extract_password(instance.system_metadata) or ""})

    def clear(self, req: Request) -> Response:
        """``DELETE /servers/{server_id}/os-server-password``."""
        instance = self.servers.get_authorized_server(
            req.context, req.params["server_id"], SERVER_PASSWORD % "clear"
        )
        instance.system_metadata.update(convert_password(None))
        instance.save()
        return Response(204)
