"""``/os-hosts``: Cinder's (deprecated) host administration, as ``api/contrib/hosts.py`` reads it
(12.0.10 to 29.0.0; policy ``volume_extension:hosts``, admin).

``GET /os-hosts[?zone=]`` lists the enabled services (``_list_hosts``: a disabled one is left
out, so ``service-state`` is always ``enabled``): ``host_name``, ``service`` (the topic:
cinder-scheduler, cinder-volume, cinder-backup), ``zone``, ``service-status`` (``available``
until its last heartbeat is more than ``service_down_time`` old, ``alive`` in ``_list_hosts``:
`services_api.service_rows`) and
``last-update``. ``GET /os-hosts/{host}`` shows the volume usage of the cinder-volume service
on that host (``Service.get_by_host_and_topic``: ``cinder`` finds the first backend's,
``cinder@lvm`` that one; another is 404 "Service cinder-volume could not be found on host X."):
a ``(total)`` row, then one per project with volumes there, the counts and sizes as strings.

Left out: ``PUT /os-hosts/{host}`` (``set_host_enabled``, which Cinder never implemented).
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.cinder import exception, policy
from fakecloud.cinder.services_api import VOLUME_BINARY, host_matches, service_rows


def _authorize(service: Any, req: Request) -> None:
    policy.authorize_admin(req.context, "volume_extension:hosts", service.cinder.policy_rules)


def index(service: Any, req: Request) -> Response:
    """``GET /os-hosts``."""
    _authorize(service, req)
    cinder = service.cinder
    zone = (req.query.get("zone") or [""])[-1]
    own_zone = cinder.config.storage_availability_zone
    hosts = [
        {
            "host_name": name,
            "service": kind,
            "zone": own_zone,
            "service-status": "available" if up else "unavailable",
            "service-state": "enabled",
            "last-update": cinder.timestamp(updated),
        }
        for kind, name, up, disabled, _, updated in service_rows(cinder)
        if not disabled and (not zone or zone == own_zone)
    ]
    return Response(200, {"hosts": hosts})


def _usage(host: str, project: str, volumes: list, snapshots: list) -> dict[str, Any]:
    return {
        "resource": {
            "host": host,
            "project": project,
            "volume_count": str(len(volumes)),
            "total_volume_gb": str(sum(v.size for v in volumes)),
            "snapshot_count": str(len(snapshots)),
            "total_snapshot_gb": str(sum(s.volume_size for s in snapshots)),
        }
    }


def show(service: Any, req: Request) -> Response:
    """``GET /os-hosts/{host}``."""
    _authorize(service, req)
    host = req.params["id"]
    cinder = service.cinder
    found = next(
        (name for kind, name, *_ in service_rows(cinder)
         if kind == VOLUME_BINARY and host_matches(name, host)),
        None,
    )  # fmt: skip
    if found is None:
        raise exception.ServiceNotFound(
            message=f"Service {VOLUME_BINARY} could not be found on host {host}."
        )
    store = cinder.store
    volumes = [v for v in store.volumes.values() if v.host and host_matches(v.host, found)]
    on_host = {v.id for v in volumes}
    snapshots = [s for s in store.snapshots.values() if s.volume_id in on_host]
    rows = [_usage(host, "(total)", volumes, snapshots)]
    for project in dict.fromkeys(v.project_id for v in volumes):
        rows.append(
            _usage(
                host,
                project,
                [v for v in volumes if v.project_id == project],
                [s for s in snapshots if s.project_id == project],
            )
        )
    return Response(200, {"host": rows})


#: ``(method, path, handler)`` under ``/v3[/{project_id}]/``.
ROUTES = (
    ("GET", "os-hosts", index),
    ("GET", "os-hosts/{id}", show),
)
