"""``GET /servers/{server_id}/diagnostics`` (``nova/api/openstack/compute/
server_diagnostics.py``): what the server's hypervisor reports of its guest — ``openstack
server show --diagnostics``, novaclient's ``servers.diagnostics``, openstacksdk's
``get_server_diagnostics``.

Admin only (``os_compute_api:os-server-diagnostics``; before 21.0.0 checked before the server
is loaded, with the caller's project as target, 10c0a44cff). The compute API's
``check_instance_host`` (409 "Instance X is not ready" without a host), then an RPC call to the
host: a guest not running is 409 "Cannot 'get_diagnostics' instance X while it is in power
state shutdown" (and an instance fault on the host). Before 2.48 the answer is libvirt's dict
of counters, from 2.48 the standard format (`fakecloud.nova.virt.diagnostics`). From 2.102
unknown query parameters are refused.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova import exception
from fakecloud.nova.api import schemas
from fakecloud.nova.api.wsgi import raise_http_conflict_for_instance_invalid_state
from fakecloud.nova.policies import SERVER_DIAGNOSTICS

#: The standard diagnostics format (``get_instance_diagnostics``) from 2.48.
STANDARD_FORMAT = "2.48"
#: ``index_query_v2102``: unknown query parameters refused from 2.102.
STRICT_QUERY = "2.102"


class ServerDiagnosticsController:
    """One server's diagnostics, for admins."""

    def __init__(self, nova: Any, servers: Any):
        self.nova = nova
        self.servers = servers

    def index(self, req: Request) -> Generator[Any, Any, Response]:
        """``GET /servers/{server_id}/diagnostics``."""
        schemas.query_validator(req.microversion < STRICT_QUERY).validate(req.query)
        ctx = req.context
        server_id = req.params["server_id"]
        instance = self.servers.get_authorized_server(ctx, server_id, SERVER_DIAGNOSTICS)
        compute_api = self.nova.compute_api
        try:
            if req.microversion >= STANDARD_FORMAT:
                work = compute_api.get_instance_diagnostics(ctx, instance)
            else:
                work = compute_api.get_diagnostics(ctx, instance)
            found = yield from work
        except exception.InstanceInvalidState as exc:
            raise_http_conflict_for_instance_invalid_state(exc, "get_diagnostics", server_id)
        except exception.InstanceNotReady as exc:
            raise HttpError(409, exc.format_message()) from None
        return Response(200, found)
