"""The compute side of ``addFixedIp``, ``removeFixedIp`` and ``injectNetworkInfo``: RPC casts
the API does not wait for (nova 17.0.13, 21.0.0, 22.0.0, 30.0.0 and 33.0.0
``compute/manager.py`` and Neutron's ``network/neutron.py``, ``neutronv2/api.py`` before 21.0.0).

``add_fixed_ip_to_instance``: legacy ``compute.instance.create_ip.start``, then Neutron's
``add_fixed_ip_to_instance`` — the network's subnets, then the server's ports on it; the first
port takes a fixed IP from the first subnet (``update_port`` appending ``{"subnet_id"}`` to its
``fixed_ips``). A network other than fakecloud's one, or a server with no port on it, is
`NetworkNotFoundForInstance`. Then ``_inject_network_info`` (the libvirt driver's no-op),
``updated_at`` bumped (LP #1143466) and ``compute.instance.create_ip.end``.

``remove_fixed_ip_from_instance``: ``delete_ip.start``, Neutron's port holding the address
updated without it (the server's last one included: a port with no fixed IP), ``updated_at``,
``delete_ip.end``. A server whose port does not hold it is `FixedIpNotFoundForInstance`
(`FixedIpNotFoundForSpecificInstance` before 21.0.0, f5f73b4c4e).

Both are ``wrap_exception`` and ``wrap_instance_fault``: a failure is a fault row of the server
(shown by ``GET`` only in ``ERROR``) and the error notifications (legacy
``<function name>``, versioned ``compute.exception``); no instance action, no task state, no
versioned notification else. ``inject_network_info`` reads the server's network info and hands
it to the driver (libvirt's base no-op): nothing a user sees.
"""

from __future__ import annotations

from typing import Any

from fakecloud.nova import exception, network
from fakecloud.nova.compute import utils as compute_utils

#: The release whose Neutron API raises `FixedIpNotFoundForInstance` (nova-network's removal).
FIXED_IP_NOT_FOUND_FOR_INSTANCE_SINCE = 21


def add_fixed_ip_to_instance(manager: Any, context: Any, instance: Any, network_id: Any) -> None:
    """``ComputeManager.add_fixed_ip_to_instance`` (see the module doc)."""
    instance = manager._receive(instance)
    notifier, host = manager.notifier, manager.host
    try:
        notifier.instance_usage(host, instance, "create_ip.start")
        if network_id != network.NETWORK_ID or not manager.db.network_number(instance.uuid):
            raise exception.NetworkNotFoundForInstance(instance_id=instance.uuid)
        manager.db.fixed_ip_add(instance.uuid)
        _touch(manager, instance)
        notifier.instance_usage(host, instance, "create_ip.end")
    except Exception as exc:  # noqa: BLE001 - wrap_instance_fault, wrap_exception
        _failed(manager, "add_fixed_ip_to_instance", instance, exc, network_id=network_id)


def remove_fixed_ip_from_instance(manager: Any, context: Any, instance: Any, address: str) -> None:
    """``ComputeManager.remove_fixed_ip_from_instance`` (see the module doc)."""
    instance = manager._receive(instance)
    notifier, host = manager.notifier, manager.host
    try:
        notifier.instance_usage(host, instance, "delete_ip.start")
        if not manager.db.fixed_ip_remove(instance.uuid, address):
            if manager.kernel.switches.release.major >= FIXED_IP_NOT_FOUND_FOR_INSTANCE_SINCE:
                raise exception.FixedIpNotFoundForInstance(instance_uuid=instance.uuid, ip=address)
            raise exception.FixedIpNotFoundForSpecificInstance(
                instance_uuid=instance.uuid, ip=address
            )
        _touch(manager, instance)
        notifier.instance_usage(host, instance, "delete_ip.end")
    except Exception as exc:  # noqa: BLE001 - wrap_instance_fault, wrap_exception
        _failed(manager, "remove_fixed_ip_from_instance", instance, exc, address=address)


def _touch(manager: Any, instance: Any) -> None:
    """``instance.updated_at = utcnow(); instance.save()``."""
    instance.updated_at = manager.kernel.now
    instance.save()


def _failed(manager: Any, name: str, instance: Any, exc: Exception, **args: Any) -> None:
    if not isinstance(exc, exception.InstanceNotFound):
        manager.db.fault_create(
            instance.uuid, exc, manager.host, compute_utils.format_traceback(exc)
        )
    manager.notifier.exception(manager.host, name, exc, instance=instance.uuid, **args)
