"""``GET /capabilities/{host}`` (``openstack volume backend capability show``, cinderclient
``capabilities.get``): what a backend's driver can be asked for through extra specs, as
``api/contrib/capabilities.py``, ``api/views/capabilities.py``, ``volume/manager.py``
``get_capabilities`` and ``volume/driver.py`` ``init_capabilities`` /
``_init_standard_capabilities`` give it (12.0.10 to 29.0.0 alike).

Admin only (``volume_extension:capabilities``). The first cinder-volume service whose host
matches (``_filter_host``: ``cinder`` matches ``cinder@lvm``) is asked over RPC (a call: a
service that is down times out, ``RPCTimeout``, a 502); none: 404 "Can't find service: X".
The answer is the driver's stats of its start (fakecloud's drivers: `fakecloud.cinder.pools`)
and the four standard properties; no fakecloud driver adds vendor properties.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.cinder import exception, policy
from fakecloud.cinder.list_query import host_matches
from fakecloud.cinder.pools import capabilities
from fakecloud.sim.rpc import MessagingTimeout

#: ``BaseVD._init_standard_capabilities``: (key, title, description), all booleans.
STANDARD = (
    ("thin_provisioning", "Thin Provisioning", "Sets thin provisioning."),
    ("compression", "Compression", "Enables compression."),
    ("qos", "QoS", "Enables QoS."),
    ("replication_enabled", "Replication", "Enables replication."),
)


def driver_capabilities(cinder: Any, backend: str) -> dict[str, Any]:
    """``VolumeManager.get_capabilities(discover=False)``: the driver's backend-level stats
    (no pool's own keys: ``pool_name`` is not among them) and its properties."""
    caps = capabilities(cinder, backend, cinder.drivers[backend])
    out = {
        key: caps.get(key)
        for key in ("vendor_name", "volume_backend_name", "driver_version", "storage_protocol")
    }
    if "replication_targets" in caps:  # a replicating backend's (`fakecloud.cinder.replication`)
        out["replication_targets"] = caps["replication_targets"]
    out["properties"] = {
        key: {"title": title, "description": text, "type": "boolean"}
        for key, title, text in STANDARD
    }
    return out


def show(service: Any, req: Request) -> Generator:
    """``CapabilitiesController.show``."""
    cinder = service.cinder
    policy.authorize(req.context, "volume_extension:capabilities", None, cinder.policy_rules)
    wanted = req.params["host"]
    host = cinder.config.host
    backends = [b for b in cinder.drivers if host_matches(f"{host}@{b}", wanted)]
    if not backends:
        raise exception.NotFound(f"Can't find service: {wanted}")
    backend = backends[0]
    return _asked(service, backend, f"{host}@{backend}")


def _asked(service: Any, backend: str, topic: str) -> Generator:
    cinder = service.cinder
    try:
        caps = yield from cinder.kernel.rpc.call(
            cinder.volume_target(backend), "get_capabilities", discover=False
        )
    except MessagingTimeout:
        # RPCTimeout (code 502), not "safe": FaultWrapper's text for the status
        raise HttpError(502, "Bad gateway.") from None
    return Response(
        200,
        {
            "namespace": f"OS::Storage::Capabilities::{topic}",
            "vendor_name": caps.get("vendor_name"),
            "volume_backend_name": caps.get("volume_backend_name"),
            "pool_name": caps.get("pool_name"),
            "driver_version": caps.get("driver_version"),
            "storage_protocol": caps.get("storage_protocol"),
            "display_name": caps.get("display_name"),
            "description": caps.get("description"),
            "visibility": caps.get("visibility"),
            "replication_targets": caps.get("replication_targets", []),
            "properties": caps.get("properties"),
        },
    )


#: The routes (method, path under ``/v3[/{project_id}]/``, handler).
ROUTES = (("GET", "capabilities/{host}", show),)
