"""``GET /os-services``: Cinder's services (``openstack volume service list``, cinderclient
``services.list``, openstacksdk ``block_storage.services()``), as ``ServiceController.index``
answers it (``api/contrib/services.py`` 12.0.10-27.x, ``api/v3/services.py`` from 28.0.0; the
rows: ``db`` ``_service_query`` and ``_filter_host``).

The rows: cinder-scheduler on ``cinder.host``, one cinder-volume per backend on
``<host>@<backend>`` and cinder-backup on ``cinder.host`` (`fakecloud.cinder.backup_manager`),
all in ``storage_availability_zone``, enabled. ``updated_at`` is the last ``report_state``
(every ``report_interval``, 10 virtual seconds; null before the first); a service whose RPC
server is down is ``down`` (fakecloud has no ``service_down_time`` grace). ``host`` matches as
``_filter_host`` does (``cinder`` also matches ``cinder@lvm``; one with ``@`` matches that
backend and its pools), ``binary`` exactly; other parameters are ignored. From 3.7 each row has
``cluster`` (null: no clusters here), from 3.49 a cinder-volume row its ``backend_state``
(``up``: the scheduler's pools report no other). ``os-extended-services`` is a standard
extension: ``disabled_reason``, and on cinder-volume rows ``replication_status`` (``disabled``:
``init_host`` sets it from the driver, which replicates nothing), ``active_backend_id`` and
``frozen``. Policy ``volume_extension:services:index`` (admin).
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.cinder import exception
from fakecloud.cinder.backup_manager import backup_service_up, backup_target
from fakecloud.cinder.manager import SCHEDULER

#: ``mv.CLUSTER_SUPPORT``.
CLUSTER_SUPPORT = "3.7"
#: ``mv.BACKEND_STATE_REPORT``.
BACKEND_STATE_REPORT = "3.49"
#: ``[DEFAULT] report_interval``.
REPORT_INTERVAL_S = 10
VOLUME_BINARY = "cinder-volume"
SCHEDULER_BINARY = "cinder-scheduler"
BACKUP_BINARY = "cinder-backup"


def _heartbeat(now: float) -> float | None:
    beats = int(now // REPORT_INTERVAL_S)
    return beats * REPORT_INTERVAL_S if beats else None


def _host_matches(host: str, wanted: str) -> bool:
    """``_filter_host``: exact, or ``wanted#...``, or (no ``@`` nor ``#``) ``wanted@...``."""
    if host == wanted:
        return True
    if "#" in wanted:
        return False
    return host.startswith(wanted + "#") or ("@" not in wanted and host.startswith(wanted + "@"))


def services(cinder: Any) -> list[tuple[str, str, str]]:
    """``(binary, host, rpc target)`` of every service, in the order they start."""
    host = cinder.config.host
    rows = [(SCHEDULER_BINARY, host, SCHEDULER)]
    for backend in cinder.drivers:
        rows.append((VOLUME_BINARY, f"{host}@{backend}", cinder.volume_target(backend)))
    rows.append((BACKUP_BINARY, host, backup_target(cinder)))
    return rows


def services_index(service: Any, req: Request) -> Response:
    """``GET /os-services[?host=&binary=]``."""
    ctx = req.context
    if not ctx.is_admin:
        raise exception.PolicyNotAuthorized(action="volume_extension:services:index")
    cinder = service.cinder
    query = req.query
    host = (query.get("host") or [None])[-1]
    binary = (query.get("binary") or [None])[-1]
    version = req.microversion
    kernel = cinder.kernel
    beat = cinder.timestamp(_heartbeat(kernel.now))
    out = []
    for kind, name, target in services(cinder):
        if (host and not _host_matches(name, host)) or (binary and kind != binary):
            continue
        up = backup_service_up(cinder) if kind == BACKUP_BINARY else kernel.rpc.is_up(target)
        row: dict[str, Any] = {
            "binary": kind,
            "host": name,
            "zone": cinder.config.storage_availability_zone,
            "status": "enabled",
            "state": "up" if up else "down",
            "updated_at": beat if up else None,
        }
        if version >= BACKEND_STATE_REPORT and kind == VOLUME_BINARY:
            row["backend_state"] = "up"
        if version >= CLUSTER_SUPPORT:
            row["cluster"] = None
        row["disabled_reason"] = None
        if kind == VOLUME_BINARY:
            row.update(replication_status="disabled", active_backend_id=None, frozen=False)
        out.append(row)
    return Response(200, {"services": out})


#: ``(method, path, handler)`` under ``/v3[/{project_id}]/``.
ROUTES = (("GET", "os-services", services_index),)
