"""A server's remote console, the compute host's half: ``ComputeManager.get_vnc_console``,
``get_spice_console``, ``get_serial_console``, ``get_rdp_console`` and ``get_mks_console``
(nova 17.0.13 and 34.0.0 ``nova/compute/manager.py``) with the libvirt driver.

A console type its option does not enable is ``ConsoleTypeUnavailable`` (``[vnc] enabled``,
on by default; ``[spice]``, ``[serial_console]``, ``[rdp]``, ``[mks] enabled``, off); a type
the protocol does not serve (``serial`` through ``vnc``; ``xvpvnc`` from 21.0.0, when the XVP
proxy went) ``ConsoleTypeInvalid``. The libvirt driver reads the guest's graphics from its
domain: no domain is ``InstanceNotFound``, ``InstanceNotReady`` while the server builds. It
has no RDP or MKS console (``NotImplementedError``). Each failure is recorded as the server's
fault and an error notification (``wrap_instance_fault``, ``wrap_exception``).

The URL is the option's base and a new token (``uuidutils.generate_uuid``, here the seeded id
source): ``<base>?token=<token>``; noVNC's is ``<base>?path=%3Ftoken%3D<token>``
(``ConsoleAuthToken.access_url``, 9606c80402 and 54125a75fb: 20.0.0, backported to 19.0.2 and
18.2.3; noVNC 1.1 reads the token from ``path``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fakecloud.nova import exception, states

#: The first release without the XVP proxy's ``xvpvnc`` (21.0.0, Ussuri).
XVPVNC_REMOVED = (21, 0, 0)


def novnc_path_query(version: tuple[int, ...]) -> bool:
    """Whether noVNC's URL carries its token in ``path`` (20.0.0; 19.0.2 and 18.2.3 on their
    branches)."""
    if version >= (20, 0, 0):
        return True
    if version[:2] == (19, 0):
        return version >= (19, 0, 2)
    return (18, 2, 3) <= version < (19, 0, 0)


def _base_url(manager: Any, protocol: str, console_type: str) -> str:
    """The option that enables `protocol`, then the base URL of `console_type` (the
    manager's checks, in its order)."""
    conf = manager.config
    version = manager.switches.release.version
    if protocol == "vnc":
        if not conf.vnc_enabled:
            raise exception.ConsoleTypeUnavailable(console_type=console_type)
        if console_type == "novnc":
            return conf.novncproxy_base_url
        if console_type == "xvpvnc" and version < XVPVNC_REMOVED:
            return conf.xvpvncproxy_base_url
        raise exception.ConsoleTypeInvalid(console_type=console_type)
    enabled, wanted, base = {
        "spice": (conf.spice_enabled, "spice-html5", conf.spice_html5proxy_base_url),
        "serial": (conf.serial_console_enabled, "serial", conf.serial_console_base_url),
        "rdp": (conf.rdp_enabled, "rdp-html5", ""),
        "mks": (conf.mks_enabled, "webmks", ""),
    }[protocol]
    if not enabled:
        raise exception.ConsoleTypeUnavailable(console_type=console_type)
    if console_type != wanted:
        raise exception.ConsoleTypeInvalid(console_type=console_type)
    if protocol in ("rdp", "mks"):
        raise NotImplementedError(f"get_{protocol}_console")
    return base


def get_console(
    manager: Any, context: Any, instance: Any, protocol: str, console_type: str
) -> dict:
    """RPC call ``get_<protocol>_console``: the connection info (``access_url``), or the
    manager's exception (recorded as the server's fault)."""
    from fakecloud.nova.compute.guest_actions import _fault

    try:
        base = _base_url(manager, protocol, console_type)
        try:
            manager.driver._domain(instance)
        except exception.InstanceNotFound:
            if instance.vm_state != states.BUILDING:
                raise
            raise exception.InstanceNotReady(instance_id=instance.uuid) from None
    except Exception as exc:
        _fault(manager, instance, exc)
        method = f"get_{protocol}_console"
        manager.notifier.exception(manager.host, method, exc, instance=instance.uuid)
        raise
    token = manager.kernel.ids.uuid()
    version = manager.switches.release.version
    if console_type == "novnc" and novnc_path_query(version):
        url = f"{base}?{urlencode({'path': f'?token={token}'})}"
    else:
        url = f"{base}?token={token}"
    return {"token": token, "access_url": url}
