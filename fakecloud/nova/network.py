"""The one network fakecloud's servers are on, as Nova reports it: a shared provider network
labelled ``public`` (what a cloud without Neutron in its catalog gives, such as a Queens
nova-network ``FlatManager`` network, or Neutron's shared provider network that
``networks: auto`` picks when it is the only one the project may use: nova/network/neutron.py
``_get_available_networks``). No ports, subnets or floating IPs are modelled: each server
asking for networking gets one fixed IPv4 address there during its build
(``ComputeManager._build_networks_for_instance``), and keeps it until it is deleted or its
build fails (``_cleanup_allocated_networks``). ``addFixedIp``/``removeFixedIp`` change the
addresses of its (implicit) port: `added_address`, ``db.fixed_ips``.

The address is the server's autoincrement number past the gateway (the first server
``172.24.0.2``, in a /14 a 100k storm does not exhaust) and the MAC holds the same number
after Neutron's ``fa:16:3e`` base, so they need no draw from the seeded source and a saved,
loaded or forked cloud gives the same ones.
"""

from __future__ import annotations

import uuid
from typing import Any

from fakecloud.nova import exception

#: The network's label in a server's ``addresses`` (``GET /servers/{id}/ips/public``).
LABEL = "public"
#: Its id, for a create that names it (``networks: [{"uuid": ...}]``): a constant, not drawn.
NETWORK_ID = "6fc476ad-fc56-566c-8a31-4f5bd2e4075d"

_FIRST = (172 << 24) | (24 << 16) | 1  # 172.24.0.1, the gateway


def check_requested(networks: Any) -> None:
    """``_check_requested_networks`` of a create's list of networks (the network service's
    ``validate_networks``): a port is `exception.PortNotFound` (there are none), a network
    other than this one `exception.NetworkNotFound`; both a 400 on create."""
    if networks.__class__ is not list:
        return
    for net in networks:
        if net.get("port"):
            raise exception.PortNotFound(port_id=net["port"])
        if net.get("uuid") != NETWORK_ID:
            raise exception.NetworkNotFound(network_id=net.get("uuid"))


def wanted(networks: Any) -> bool:
    """Whether a create's ``networks`` asks Nova to allocate: absent or an empty list
    (before 2.37: every network available to the project), ``"auto"``, or a list naming
    this network (`check_requested` refused any other); ``"none"`` does not."""
    if networks.__class__ is list:
        return not networks or any(net.get("uuid") == NETWORK_ID for net in networks)
    return networks is None or networks == "auto"


#: 172.27.255.254, the subnet's last address: those ``addFixedIp`` adds count down from it.
_LAST = (172 << 24) | (27 << 16) | (255 << 8) | 254


def _dotted(value: int) -> str:
    return f"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}"


def address(number: int) -> str:
    """The fixed IPv4 address of the server whose autoincrement id is `number`."""
    return _dotted(_FIRST + number)


def added_address(seq: int) -> str:
    """The `seq`-th (from 1) address ``addFixedIp`` gave in this cloud: the subnet's last
    ones, downwards, so they meet no server's own address before some 262,000 of both."""
    return _dotted(_LAST + 1 - seq)


def mac(number: int) -> str:
    """The port's MAC address of the server whose autoincrement id is `number`."""
    return f"fa:16:3e:{(number >> 16) & 255:02x}:{(number >> 8) & 255:02x}:{number & 255:02x}"


def addresses(
    number: int, extend: bool, fixed: list[str] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """``{label: [ip]}`` as the addresses view builds it (views/addresses.py ``index``,
    17.0.13-34.0.0); `extend` adds ``OS-EXT-IPS:type`` and ``OS-EXT-IPS-MAC:mac_addr`` (the
    server views do, ``/ips`` does not). `number` 0: no network, ``{}``. `fixed`: the port's
    addresses once a multinic action changed them (``db.fixed_ips``), each with the port's
    MAC; none left is ``{label: []}`` (``get_networks_for_instance_from_nw_info`` keeps the
    VIF's label)."""
    if not number:
        return {}
    out = []
    for addr in (address(number),) if fixed is None else fixed:
        ip: dict[str, Any] = {"version": 4, "addr": addr}
        if extend:
            ip["OS-EXT-IPS:type"] = "fixed"
            ip["OS-EXT-IPS-MAC:mac_addr"] = mac(number)
        out.append(ip)
    return {LABEL: out}


#: The namespace of the ids fakecloud gives a project's ``default`` security group and its
#: rules (name-based: the same on every read, run and save).
GROUP_NAMESPACE = uuid.UUID("6f1c2b4e-53c5-4d0e-9a57-0b4f3c1d2e8a")


def group_id(project_id: str, name: str) -> str:
    """The id fakecloud gives the security group `name` of `project_id`."""
    return str(uuid.uuid5(GROUP_NAMESPACE, f"{project_id}/{name}"))


def is_default_group(project_id: str | None, name_or_id: str) -> bool:
    """Whether Neutron finds `project_id`'s ``default`` group, the only one it has, by
    `name_or_id` (``find_resourceid_by_name_or_id``: its name or its id)."""
    return name_or_id == "default" or name_or_id == group_id(str(project_id), "default")
