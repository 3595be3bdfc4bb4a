"""``GET /os-networks[/{id}]`` (``nova/api/openstack/compute/networks.py``, 17.0.13-34.0.0): the
nova-network proxy, which with Neutron lists the networks the project may use. The ``openstack``
CLI asks it when the catalog has no network service: ``server create --network public`` finds
the network through ``/os-networks/public`` (404) and then the list, by ``label``.

Each network is ``network_dict`` of Neutron's network: its ``id`` and ``label`` (the name) and
every other field ``null`` (``cidr`` ... ``netmask_v6``; an admin also sees the admin fields, all
``null``), the same from 17.0.13's objects to 34.0.0's literal Nones. A network other than
fakecloud's one (`fakecloud.nova.network`) is 404 "Network not found". Policies
``os_compute_api:os-networks:view`` (``rule:admin_or_owner``) until 21.x, ``:list``/``:show``
(the project's readers, ``view`` their deprecated rule) from 22.0.0 — modelled from 21.0.0, as
every rule of that release is; the caller's own project is the target in each. From 2.36 on both
paths answer 404 as if they did not exist (``MAX_PROXY_API_SUPPORT_VERSION``).

``GET /os-tenant-networks[/{id}]`` (``tenant_networks.py``, 17.0.13-34.0.0, also to 2.35) lists
the same networks as ``{"id", "cidr": "None", "label"}`` (``network_dict`` of Neutron's network:
``str(None)``), none added from ``[api] use_neutron_default_nets`` (off); policies
``os_compute_api:os-tenant-networks`` (``rule:admin_or_owner``) until 21.x, ``:list``/``:show``
from 22.0.0 (modelled from 21.0.0). Their create and delete are 410 from 21.0.0 (`removed`).
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova import network
from fakecloud.nova.api.images import MAX_PROXY_API_SUPPORT_VERSION
from fakecloud.nova.policies import NETWORKS, TENANT_NETWORKS

_FIELDS = (
    "id", "cidr", "netmask", "gateway", "broadcast", "dns1", "dns2", "cidr_v6", "gateway_v6",
    "label", "netmask_v6",
)  # fmt: skip
_ADMIN_FIELDS = (
    "created_at", "updated_at", "deleted_at", "deleted", "injected", "bridge", "vlan",
    "vpn_public_address", "vpn_public_port", "vpn_private_address", "dhcp_start", "project_id",
    "host", "bridge_interface", "multi_host", "priority", "rxtx_base", "mtu", "dhcp_server",
    "enable_dhcp", "share_address",
)  # fmt: skip


def network_dict(context: Any) -> dict[str, Any]:
    """``network_dict`` of fakecloud's one network as `context` sees it."""
    fields = _FIELDS + _ADMIN_FIELDS if context.is_admin else _FIELDS
    body: dict[str, Any] = dict.fromkeys(fields)
    body["id"] = network.NETWORK_ID
    body["label"] = network.LABEL
    return body


class NetworksController:
    """The networks a project may use, for microversions up to 2.35."""

    def __init__(self, nova: Any):
        self.nova = nova

    def _authorize(self, req: Request, rule: str) -> None:
        if req.microversion > MAX_PROXY_API_SUPPORT_VERSION:
            raise HttpError(404, "The resource could not be found.")
        self.nova.policy.authorize(req.context, NETWORKS % rule)

    def index(self, req: Request) -> Response:
        """``GET /os-networks``: ``{"networks": [...]}``, the one shared network."""
        self._authorize(req, "list")
        return Response(200, {"networks": [network_dict(req.context)]})

    def show(self, req: Request) -> Response:
        """``GET /os-networks/{id}``: ``{"network": {...}}``, or 404 "Network not found"."""
        self._authorize(req, "show")
        if req.params["network_id"] != network.NETWORK_ID:
            raise HttpError(404, "Network not found")
        return Response(200, {"network": network_dict(req.context)})


def tenant_network_dict() -> dict[str, Any]:
    """``tenant_networks.network_dict`` of fakecloud's one network."""
    return {"id": network.NETWORK_ID, "cidr": "None", "label": network.LABEL}


class TenantNetworksController:
    """The project's networks in the tenant networks' shape, for microversions up to 2.35."""

    def __init__(self, nova: Any):
        self.nova = nova

    def _authorize(self, req: Request, rule: str) -> None:
        if req.microversion > MAX_PROXY_API_SUPPORT_VERSION:
            raise HttpError(404, "The resource could not be found.")
        self.nova.policy.authorize(req.context, TENANT_NETWORKS % rule)

    def index(self, req: Request) -> Response:
        """``GET /os-tenant-networks``: ``{"networks": [...]}``, the one shared network."""
        self._authorize(req, "list")
        return Response(200, {"networks": [tenant_network_dict()]})

    def show(self, req: Request) -> Response:
        """``GET /os-tenant-networks/{id}``: the network, or 404 "Network not found"."""
        self._authorize(req, "show")
        if req.params["id"] != network.NETWORK_ID:
            raise HttpError(404, "Network not found")
        return Response(200, {"network": tenant_network_dict()})
