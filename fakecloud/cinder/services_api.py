"""``/os-services``: Cinder's services (``openstack volume service list``, cinderclient
``services.list``, openstacksdk ``block_storage.services()``), as ``ServiceController.index``
answers it (``api/contrib/services.py`` 12.0.10-27.x, ``api/v3/services.py`` from 28.0.0; the
rows: ``db`` ``_service_query`` and ``_filter_host``).

The rows: cinder-scheduler on ``cinder.host``, one cinder-volume per backend on
``<host>@<backend>`` and cinder-backup on ``cinder.host`` (`fakecloud.cinder.backup_manager`),
all in ``storage_availability_zone``. ``updated_at`` is the last ``report_state`` (every
``report_interval``, 10 virtual seconds, from the service's own start: `last_heartbeat`; null
before the first) or the last change, whichever is later; a service whose RPC server is down
keeps its last heartbeat before it stopped and is
``up`` until that heartbeat (or, before the first, its ``created_at``: the cloud's start) is
more than ``service_down_time`` old (``CinderConfig.service_down_time_s``, 60 s: ``alive =
abs(delta_sec) <= CONF.service_down_time``, cinder 12.0.10 api/contrib/services.py to 29.0.0
api/v3/services.py; ``/os-hosts`` likewise), then ``down``. ``host`` matches as ``_filter_host``
does (``cinder`` also matches ``cinder@lvm``; one with ``@`` matches that backend and its
pools), ``binary`` exactly; other parameters are ignored. From 3.7 each row has ``cluster``
(null: no clusters here), from 3.49 a cinder-volume row its ``backend_state`` (``up``: the
scheduler's pools report no other). ``os-extended-services`` is a standard extension:
``disabled_reason``, and on cinder-volume rows ``replication_status``
(``_post_rpc_initialization`` sets it from the driver: ``enabled`` on a backend with
``replication_device``, `fakecloud.cinder.replication`, else ``disabled``),
``active_backend_id`` and ``frozen``. Policy ``volume_extension:services:index`` (admin).

``PUT /os-services/{enable,disable,disable-log-reason}`` (`services_update`) sets a service
enabled or disabled as each series does (docs/history/conformance-log.md, "Cinder volume type
writes"); a disabled cinder-volume gets no new volumes (`Cinder.enabled_drivers`).
``set-log`` and ``get-log`` (3.32) are `fakecloud.cinder.log_levels`' (`freeze.update`).
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.router import NoRoute
from fakecloud.cinder import exception, faults, policy, replication
from fakecloud.cinder.backup_manager import backup_running, backup_target
from fakecloud.cinder.frozen import VOLUME_BINARY, save_change
from fakecloud.cinder.validation import validate
from fakecloud.sim.heartbeats import (
    CINDER_FIRST_REPORT_S,
    first_report,
    last_report,
    row_heartbeat,
)

#: ``mv.CLUSTER_SUPPORT``.
CLUSTER_SUPPORT = "3.7"
#: ``mv.BACKEND_STATE_REPORT``.
BACKEND_STATE_REPORT = "3.49"
SCHEDULER_BINARY = "cinder-scheduler"
BACKUP_BINARY = "cinder-backup"
#: The order devstack starts Cinder's services in (``lib/cinder`` ``start_cinder``; one
#: cinder-volume process serves every backend).
START_ORDER = (SCHEDULER_BINARY, BACKUP_BINARY, VOLUME_BINARY)


def first_heartbeat(binary: str) -> float:
    """The time of the first ``report_state`` of a `binary` service
    (`fakecloud.sim.heartbeats`)."""
    return first_report(START_ORDER.index(binary), CINDER_FIRST_REPORT_S)


def last_heartbeat(
    binary: str, now: float, restarts: tuple[float, ...] | None = None
) -> float | None:
    """The heartbeat the row of a `binary` service holds at `now` (None before the first):
    its last ``report_state``, from its latest start when it restarted (`restarts`:
    `RpcBus.restarts` of its target; the start saves the row, `row_heartbeat`)."""
    if not restarts:
        return last_report(now, first_heartbeat(binary))
    return row_heartbeat(first_heartbeat(binary), CINDER_FIRST_REPORT_S, restarts, now, True)


def host_matches(host: str, wanted: str) -> bool:
    """``_filter_host``: exact, or ``wanted#...``, or (no ``@`` nor ``#``) ``wanted@...``."""
    if host == wanted:
        return True
    if "#" in wanted:
        return False
    return host.startswith(wanted + "#") or ("@" not in wanted and host.startswith(wanted + "@"))


def services(cinder: Any) -> list[tuple[str, str, str]]:
    """``(binary, host, rpc target)`` of every service, in the order they start."""
    host = cinder.config.host
    rows = [(SCHEDULER_BINARY, host, cinder.scheduler.target)]
    for backend in cinder.drivers:
        rows.append((VOLUME_BINARY, f"{host}@{backend}", cinder.volume_target(backend)))
    rows.append((BACKUP_BINARY, host, backup_target(cinder)))
    return rows


def service_rows(cinder: Any) -> list[tuple[str, str, bool, bool, str | None, float | None]]:
    """``(binary, host, up, disabled, disabled_reason, updated_at)`` of every service."""
    kernel = cinder.kernel
    changes = cinder.service_changes or {}
    rows = []
    for kind, name, target in services(cinder):
        up = backup_running(cinder) if kind == BACKUP_BINARY else kernel.rpc.is_up(target)
        disabled, reason, changed = changes.get((kind, name), _UNCHANGED)
        restarts = (kernel.rpc.restarts or {}).get(target)
        if up:
            updated = last_heartbeat(kind, kernel.now, restarts)
        else:  # its heartbeats stopped with it: the last one before
            stopped = (kernel.rpc.down_since or {}).get(target)
            updated = None if stopped is None else last_heartbeat(kind, stopped, restarts)
            up = stopped is not None and not cinder.seen_down(stopped, kind, target)
        if changed is not None and (updated is None or changed > updated):
            updated = changed  # modified_at, when later than the last report
        rows.append((kind, name, up, disabled, reason, updated))
    return rows


def services_index(service: Any, req: Request) -> Response:
    """``GET /os-services[?host=&binary=]``."""
    ctx = req.context
    policy.authorize_admin(ctx, "volume_extension:services:index", service.cinder.policy_rules)
    cinder = service.cinder
    query = req.query
    host = (query.get("host") or [None])[-1]
    binary = (query.get("binary") or [None])[-1]
    version = req.microversion
    out = []
    for kind, name, up, disabled, reason, updated in service_rows(cinder):
        if (host and not host_matches(name, host)) or (binary and kind != binary):
            continue
        row: dict[str, Any] = {
            "binary": kind,
            "host": name,
            "zone": cinder.config.storage_availability_zone,
            "status": "disabled" if disabled else "enabled",
            "state": "up" if up else "down",
            "updated_at": cinder.timestamp(updated),
        }
        if version >= BACKEND_STATE_REPORT and kind == VOLUME_BINARY:
            row["backend_state"] = "up"
        if version >= CLUSTER_SUPPORT:
            row["cluster"] = None
        row["disabled_reason"] = reason
        if kind == VOLUME_BINARY:
            frozen = cinder.frozen_services
            status, active = replication.status_of(cinder, name)
            row.update(replication_status=status, active_backend_id=active,
                       frozen=bool(frozen) and name in frozen)  # fmt: skip
        out.append(row)
    return Response(200, {"services": out})


_UNCHANGED = (False, None, None)
#: 28.0.0 (0fcc22942 "api: Merge os-services extension") routes each action on its own, and its
#: ``enable`` and ``disable`` save the row unchanged (still so on master).
OWN_ROUTES_FROM = 28
#: The first series whose update body has a JSON schema.
SCHEMA_FROM = 13
_ACTIONS = ("enable", "disable", "disable-log-reason")

#: ``parameter_types.cinder_host``: a body's ``host``.
HOST_FIELD = {"type": ["string", "null"], "minLength": 1, "maxLength": 255,
         "pattern": r"^[a-zA-Z0-9-._#@:/+\[\]]*$"}  # fmt: skip
_NAME = {"type": "string", "minLength": 1, "maxLength": 255}
_ENABLE_PROPS = {
    "binary": _NAME,
    "host": HOST_FIELD,
    "cluster": {"type": ["string", "null"], "minLength": 0, "maxLength": 255},
    "service": _NAME,
}
_ANY_OF = [{"required": ["binary"]}, {"required": ["service"]}]


def _schema(properties: dict) -> dict:
    # schemas/services.py: "anyOf" before "additionalProperties" (jsonschema reports the
    # first failing keyword in the schema's order).
    return {"type": "object", "properties": properties, "anyOf": _ANY_OF,
            "additionalProperties": False}  # fmt: skip


ENABLE_AND_DISABLE = _schema(_ENABLE_PROPS)
_REASON = {**_NAME, "format": "disabled_reason"}
DISABLE_LOG_REASON = _schema({**_ENABLE_PROPS, "disabled_reason": _REASON})


def _queens_reason_ok(reason: Any) -> bool:
    """12.x ``_is_valid_as_reason``: 1 to 255 characters, not all spaces."""
    return isinstance(reason, str) and 0 < len(reason) <= 255 and not reason.isspace()


def services_update(service: Any, req: Request) -> Response:
    """``PUT /os-services/{enable,disable,disable-log-reason}``: set a service enabled or
    disabled (with a reason); a disabled cinder-volume gets no new volumes."""
    action = req.params["action"]
    major = service.cinder_major
    own_routes = major >= OWN_ROUTES_FROM
    if own_routes and action not in _ACTIONS:
        raise NoRoute([])
    body = service._body(req)
    ctx = req.context
    schema = DISABLE_LOG_REASON if action == "disable-log-reason" else ENABLE_AND_DISABLE
    if own_routes and action in _ACTIONS:
        validate(schema, body)  # the method's decorator: before its policy
    policy.authorize_admin(ctx, "volume_extension:services:update", service.cinder.policy_rules)
    if action not in _ACTIONS:
        raise exception.InvalidInput(reason="Unknown action")
    if SCHEMA_FROM <= major < OWN_ROUTES_FROM:
        validate(schema, body)  # the helper's decorator, after update's policy
    if not isinstance(body, dict):
        raise HttpError(400, faults.GENERIC[400])
    host = body.get("host")
    if not host:
        raise exception.InvalidInput(reason="Host field is missing.")
    reason = body.get("disabled_reason")
    if major < SCHEMA_FROM and action == "disable-log-reason" and not _queens_reason_ok(reason):
        raise HttpError(400, "Disabled reason contains invalid characters or is too long")
    name, binary = body.get("service", ""), body.get("binary", "")
    wanted = binary or name
    if not wanted:
        raise HttpError(400, faults.GENERIC[400])
    cinder = service.cinder
    found = next(
        (key for key in ((k, h) for k, h, _ in services(cinder))
         if key[0] == wanted and host_matches(key[1], host)),
        None,
    )  # fmt: skip
    if found is None:
        raise exception.ServiceNotFound(
            message=f"Service {wanted} could not be found on host {host}."
        )
    out: dict[str, Any] = {"host": host, "service": name, "binary": binary}
    disabled, old_reason, _ = (cinder.service_changes or {}).get(found, _UNCHANGED)
    if action == "enable":
        out.update(status="enabled", disabled=False)
        if major < SCHEMA_FROM:
            out["disabled_reason"] = None
        if not own_routes:
            save_change(cinder, found, False, None if major < SCHEMA_FROM else old_reason)
    elif action == "disable":
        out.update(status="disabled", disabled=True)
        if not own_routes:
            save_change(cinder, found, True, old_reason)
    else:
        out.update(status="disabled", disabled=True, disabled_reason=reason)
        kept = reason if reason or major < OWN_ROUTES_FROM else old_reason
        save_change(cinder, found, True, kept)
    return Response(200, out)


#: ``(method, path, handler)`` under ``/v3[/{project_id}]/``.
ROUTES = (("GET", "os-services", services_index),)
