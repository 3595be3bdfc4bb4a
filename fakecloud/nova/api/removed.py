"""Nova's removed APIs: routes a release still maps to a controller whose every method raises
``webob.exc.HTTPGone`` (``@wsgi.expected_errors(410)``), so a client asking them gets 410 with
webob's explanation in a ``computeFault`` (``Fault._fault_names`` has no name for 410), after
the token and the URL's project are checked and before any policy. fakecloud models none of
them; a release before a group's removal answers its paths as a route it does not serve (404).

The groups, with the first release whose controller raises ``HTTPGone`` in every method (read
from nova 17.0.13, 18.3.0, 20.6.1, 21.0.0, 22.0.0, 23.0.0 and 34.0.0's
``nova/api/openstack/compute/*.py``; the paths are 34.0.0's ``routes.py`` ``ROUTE_LIST``).
Partly removed controllers, from 21.0.0 (Ussuri, the nova-network code gone): ``os-networks``'
create, delete, add and its ``disassociate`` action with ``os-networks-associate``'s
``associate_host``, ``disassociate_host`` and ``disassociate_project`` (another action is
the dispatcher's 400 "There is no such action: X"), and ``os-tenant-networks``' create and
delete; their list and show still work (fakecloud serves ``os-networks``' only). Before
21.0.0 those methods called Neutron's network API (not modelled: no route, 404). The
multinic server actions (``addFixedIp``, ``removeFixedIp``) have no 410 in any release
(`fakecloud.nova.api.multinic`).
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import HttpError, Request
from fakecloud.nova.api.wsgi import NovaApiService

#: ``webob.exc.HTTPGone.explanation``.
GONE = "This resource is no longer available. No forwarding address is given."

#: The actions of ``POST /os-networks/{id}/action`` that are 410 (``wsgi.action`` names of
#: ``NetworkController`` and ``NetworkAssociateActionController``).
GONE_NETWORK_ACTIONS = frozenset(
    ("disassociate", "associate_host", "disassociate_host", "disassociate_project")
)

#: Each group's name, the major release from which it is 410, and its (method, path) routes.
GROUPS: tuple[tuple[str, int, tuple[tuple[str, str], ...]], ...] = (
    # certificates.py, cloudpipe.py: removed in 16.0.0 (Pike)
    ("os-certificates", 16, (("POST", "/os-certificates"), ("GET", "/os-certificates/{id}"))),
    (
        "os-cloudpipe",
        16,
        (("GET", "/os-cloudpipe"), ("POST", "/os-cloudpipe"), ("PUT", "/os-cloudpipe/{id}")),
    ),
    # nova-network-only APIs: 410 from 18.0.0 (Rocky)
    ("os-fixed-ips", 18, (("GET", "/os-fixed-ips/{id}"), ("POST", "/os-fixed-ips/{id}/action"))),
    (
        "os-floating-ip-dns",
        18,
        (
            ("GET", "/os-floating-ip-dns"),
            ("PUT", "/os-floating-ip-dns/{id}"),
            ("DELETE", "/os-floating-ip-dns/{id}"),
            ("GET", "/os-floating-ip-dns/{domain_id}/entries/{id}"),
            ("PUT", "/os-floating-ip-dns/{domain_id}/entries/{id}"),
            ("DELETE", "/os-floating-ip-dns/{domain_id}/entries/{id}"),
        ),
    ),
    (
        "os-floating-ips-bulk",
        18,
        (
            ("GET", "/os-floating-ips-bulk"),
            ("POST", "/os-floating-ips-bulk"),
            ("GET", "/os-floating-ips-bulk/{id}"),
            ("PUT", "/os-floating-ips-bulk/{id}"),
        ),
    ),
    ("os-fping", 18, (("GET", "/os-fping"), ("GET", "/os-fping/{id}"))),
    ("os-virtual-interfaces", 18, (("GET", "/servers/{server_id}/os-virtual-interfaces"),)),
    # cells.py: cells v1, removed in 20.0.0 (Train)
    (
        "os-cells",
        20,
        (
            ("GET", "/os-cells"),
            ("POST", "/os-cells"),
            ("GET", "/os-cells/capacities"),
            ("GET", "/os-cells/detail"),
            ("GET", "/os-cells/info"),
            ("POST", "/os-cells/sync_instances"),
            ("GET", "/os-cells/{id}"),
            ("PUT", "/os-cells/{id}"),
            ("DELETE", "/os-cells/{id}"),
            ("GET", "/os-cells/{id}/capacities"),
        ),
    ),
    # consoles.py (the XVP console service), security_group_default_rules.py: 21.0.0 (Ussuri)
    (
        "consoles",
        21,
        (
            ("GET", "/servers/{server_id}/consoles"),
            ("POST", "/servers/{server_id}/consoles"),
            ("GET", "/servers/{server_id}/consoles/{id}"),
            ("DELETE", "/servers/{server_id}/consoles/{id}"),
        ),
    ),
    (
        "os-security-group-default-rules",
        21,
        (
            ("GET", "/os-security-group-default-rules"),
            ("POST", "/os-security-group-default-rules"),
            ("GET", "/os-security-group-default-rules/{id}"),
            ("DELETE", "/os-security-group-default-rules/{id}"),
        ),
    ),
    # networks.py, networks_associate.py, tenant_networks.py: the nova-network methods, 21.0.0
    (
        "os-networks",
        21,
        (
            ("POST", "/os-networks"),
            ("POST", "/os-networks/add"),
            ("DELETE", "/os-networks/{network_id}"),
            ("POST", "/os-networks/{network_id}/action"),
        ),
    ),
    (
        "os-tenant-networks",
        21,
        (("POST", "/os-tenant-networks"), ("DELETE", "/os-tenant-networks/{id}")),
    ),
    # agents.py: the XenAPI guest agents, 410 from 23.0.0 (Wallaby)
    (
        "os-agents",
        23,
        (
            ("GET", "/os-agents"),
            ("POST", "/os-agents"),
            ("PUT", "/os-agents/{id}"),
            ("DELETE", "/os-agents/{id}"),
        ),
    ),
)

_PREFIX = "removed:"


def variant(major: int) -> tuple[str, ...]:
    """The route-table variant entries of release `major`: the groups removed by then."""
    return tuple(_PREFIX + name for name, since, _ in GROUPS if major >= since)


def declare(add: Any, served: tuple[str, ...]) -> None:
    """Add the routes of the removed groups in `served` (a `variant`) with `add` (the compute
    API's ``NovaRoutes.add``)."""
    for name, _, routes in GROUPS:
        if _PREFIX + name in served:
            for method, path in routes:
                action = path.endswith("/action")
                handler = RemovedController.gone_action if action else RemovedController.gone
                add(method, path, "removed_apis", handler)


class RemovedController:
    """A removed API's controller: every method is 410."""

    def gone(self, req: Request) -> None:
        """``raise exc.HTTPGone()``."""
        raise HttpError(410, GONE)

    def gone_action(self, req: Request) -> None:
        """An action the controller still dispatches: 410 for a removed one, else Nova's 400."""
        name, _ = NovaApiService.action_peek(req)
        if name in GONE_NETWORK_ACTIONS:
            raise HttpError(410, GONE)
        raise HttpError(400, f"There is no such action: {name}")
