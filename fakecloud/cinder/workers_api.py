"""``POST /v3/{project_id}/workers/cleanup`` (3.24, ``mv.WORKERS_CLEANUP``; cinderclient
``workers.clean``, ``cinder work-cleanup``): ask services to clean up what a dead service left,
as ``api/v3/workers.py``, ``api/schemas/workers.py`` (13.0.0 on; 12.x checks the keys by hand,
``_prepare_params``), ``policies/workers.py``, ``scheduler/manager.py`` ``work_cleanup`` and
``_cleanup_destination`` and ``db`` ``_service_query`` / ``worker_get_all`` do (read in
12.0.0, 16.0.0 and 29.0.0: the same logic).

Policy ``workers:cleanup`` (``rule:admin_api``, every series); from 13.0.0 the body's schema is
checked before it. ``resource_type`` is title-cased and must be ``Volume`` or ``Snapshot``
(``cleanable_resource_types``, a set: Cinder's order follows its process's string hashing).
A ``resource_id`` with none of ``service_id``, ``cluster_name`` and ``host`` is looked up in the
workers table (no row: 400, the message a tuple Cinder formats as it is; one: its service's
id set, which matches no service; a row no service has claimed yet, `Cinder.workers`: a null
id, so the services are matched as without a ``resource_id``, and no service's ``do_cleanup``
reads that row). The API then *calls* the scheduler (a stopped one: ``MessagingTimeout``, the 500),
which matches the services table: ``host`` as ``_filter_host``, ``binary``, ``disabled``, and
``is_up`` (absent: ``False``, ``CleanupRequest``'s default, so only the services that are down;
``null``: no filter); a ``service_id`` or ``cluster_name`` matches no row (``service_id`` is no
column of ``services``: ``is_valid_model_filters`` fails; no service is clustered here). The
scheduler is always sent the cleanup; another service only when it is up (a non-clustered
service is its own destination), else it is listed ``unavailable``. The 202's lists hold
``id``, ``host``, ``binary`` and ``cluster_name`` (fakecloud's service ids: the services'
order, `services_api.services`). Each cinder-volume sent it runs ``do_cleanup`` of its own
rows (`fakecloud.cinder.cleanup`), as its start does: a create still under way there is set
``error``, and ends ``available`` all the same (the flow's end writes it). The cast for
cinder-backup goes to ``cinder-volume.<its host>``, a queue nobody reads (lost). The
scheduler's ``do_cleanup`` sets ``error`` the volumes it placed that no backend has claimed yet
(their create waiting in a stopped cinder-volume's queue), as its own start does
(``SchedulerManager._do_cleanup``); the waiting create runs all the same when the service
takes it, and ends the volume ``available`` (`fakecloud.cinder.manager`).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.microversion import Version
from fakecloud.cinder import controllers, exception, faults, policy
from fakecloud.cinder.fast_paths import is_uuid_like
from fakecloud.cinder.services_api import SCHEDULER_BINARY, host_matches, service_rows, services
from fakecloud.cinder.validation import BOOLEAN_VALUES, bool_from_string, optional_uuid, validate
from fakecloud.sim.rpc import MessagingTimeout

WORKERS_CLEANUP = Version.parse("3.24")
#: The first Cinder whose body has a JSON schema (9ae581162 "V3 json schema validation:
#: workers"); 12.x checks it in ``_prepare_params``, after the policy.
SCHEMA_FROM = 13
#: ``CinderCleanableObject.cleanable_resource_types``.
CLEANABLE_TYPES = ("Volume", "Snapshot")
_ALLOWED = frozenset(("service_id", "cluster_name", "host", "binary", "is_up", "disabled",
                      "resource_id", "resource_type"))  # fmt: skip
_LOCATION = frozenset(("service_id", "cluster_name", "host"))
_BINARIES = ("cinder-volume", SCHEDULER_BINARY)

_HOSTNAME = {"type": ["string", "null"], "minLength": 1, "maxLength": 255,
             "pattern": "^[a-zA-Z0-9-._#@:/+]*$"}  # fmt: skip
_BOOLEAN = {"type": ["boolean", "string"], "enum": BOOLEAN_VALUES}
#: ``schemas/workers.py`` ``cleanup``.
CLEANUP = {
    "type": "object",
    "properties": {
        "cluster_name": _HOSTNAME,
        "disabled": _BOOLEAN,
        "host": _HOSTNAME,
        "is_up": _BOOLEAN,
        "binary": {"enum": list(_BINARIES)},
        "resource_id": optional_uuid,
        "resource_type": {"type": ["string", "null"], "minLength": 0, "maxLength": 40},
        "service_id": {
            "type": ["integer", "string", "null"],
            "pattern": "^[0-9]*$",
            "maxLength": 11,
        },  # fmt: skip
    },
    "additionalProperties": False,
}


def cleanup(service: Any, req: Request) -> Generator:
    """``WorkerController.cleanup``."""
    if not req.microversion >= WORKERS_CLEANUP:
        raise controllers.not_found()
    cinder = service.cinder
    major = service.cinder_major
    body = service._body(req) if req.body else None
    if major >= SCHEMA_FROM:
        if not req.body:  # no ``body`` argument: the schema's wrapper's KeyError, a 500
            raise HttpError(500, faults.GENERIC[500])
        validate(CLEANUP, body)
    policy.authorize(req.context, "workers:cleanup", None, cinder.policy_rules)
    params = dict(body or {})
    if major < SCHEMA_FROM:
        _prepare_params_queens(params)
    for name in ("disabled", "is_up"):
        if params.get(name) is not None:
            params[name] = bool_from_string(params[name])
    resource_type = params.get("resource_type")
    if resource_type:
        resource_type = _title(resource_type)
        if resource_type not in CLEANABLE_TYPES:
            valid = " or ".join(CLEANABLE_TYPES)
            raise exception.InvalidInput(
                reason=f"Resource type {resource_type} not valid, must be {valid}"
            )
        params["resource_type"] = resource_type
    resource_id = params.get("resource_id")
    if resource_id:
        if major < SCHEMA_FROM and not is_uuid_like(resource_id):
            raise exception.InvalidInput(
                reason=f"Resource ID must be a UUID, and {resource_id} is not."
            )
        if not _LOCATION.intersection(params):
            _locate(cinder, params, resource_id, resource_type)
    return _asked(cinder, params)


def _title(value: Any) -> str:
    """``str.title`` (a number given as the type: its ``AttributeError``, Cinder's 500)."""
    if not isinstance(value, str):
        raise HttpError(500, faults.GENERIC[500])
    return value.title()


def _prepare_params_queens(params: dict[str, Any]) -> None:
    """12.x ``_prepare_params``' checks of the keys and ``binary`` (the booleans as
    ``utils.get_bool_param``)."""
    if not _ALLOWED.issuperset(params):
        invalid = ", ".join(sorted(set(params) - _ALLOWED))
        raise exception.InvalidInput(reason=f"Invalid filter keys: {invalid}")
    if params.get("binary") not in (None, *_BINARIES):
        raise exception.InvalidInput(
            reason="binary must be empty or set to cinder-volume or cinder-scheduler"
        )
    for name in ("disabled", "is_up"):
        if params.get(name) is not None:
            controllers.get_bool_param(name, params)


def _locate(cinder: Any, params: dict[str, Any], resource_id: str, kind: str | None) -> None:
    """``db.worker_get_all(resource_id=, binary=, resource_type=)``: the row's service id and
    type, or 400. ``binary`` is no column of ``workers``: given, no row matches. A row no
    service has claimed has no service id: the request then names no service, and the
    scheduler matches the services on the other keys."""
    rows: list[tuple[int | None, str]] = []
    if params.get("binary") is None:
        unclaimed = (cinder.workers or {}).get(resource_id)
        if unclaimed is not None and kind in (None, unclaimed[0]):
            rows.append((None, unclaimed[0]))  # the sender's row: no service's
        for number, (_binary, _host, target) in enumerate(services(cinder), 1):
            manager = _volume_manager(cinder, target)
            status = (manager.workers or {}).get(resource_id) if manager else None
            if status is None:
                continue
            row_kind = "Volume" if resource_id in cinder.store.volumes else "Snapshot"
            if kind is None or kind == row_kind:
                rows.append((number, row_kind))
    if not rows:
        raise exception.InvalidInput(reason=_tuple_reason(
            "There is no resource with UUID %s pending cleanup.", resource_id
        ))  # fmt: skip
    if len(rows) > 1:  # (a resource's row is claimed by one service at a time)
        raise exception.InvalidInput(reason=_tuple_reason(
            "There are multiple resources with UUID %s pending cleanup.  Please be more "
            "specific.", resource_id,
        ))  # fmt: skip
    params["service_id"], params["resource_type"] = rows[0]


def _tuple_reason(text: str, resource_id: str) -> str:
    """The reason Cinder passes: ``(_('... %s ...'), resource_id)``, a tuple never formatted
    with its id, shown as Python shows a tuple."""
    return repr((text, resource_id))


def _volume_manager(cinder: Any, target: str) -> Any:
    """The manager holding the rows of the service at `target` (the scheduler's or a
    backend's; cinder-backup keeps none)."""
    if target == cinder.scheduler.target:
        return cinder.scheduler
    return next((m for m in cinder.managers.values() if m.target == target), None)


def _asked(cinder: Any, params: dict[str, Any]) -> Generator:
    """The scheduler's ``work_cleanup`` over RPC (a call), then the 202."""
    request = {key: params.get(key) for key in _ALLOWED}
    if "is_up" not in params:
        request["is_up"] = False  # CleanupRequest's default
    try:
        cleaning, unavailable = yield from cinder.kernel.rpc.call(
            cinder.scheduler.target, "work_cleanup", cleanup_request=request
        )
    except MessagingTimeout:
        raise HttpError(500, faults.GENERIC[500]) from None
    return Response(202, {"cleaning": cleaning, "unavailable": unavailable})


def work_cleanup(scheduler: Any, cleanup_request: dict[str, Any]) -> tuple[list, list]:
    """``SchedulerManager.work_cleanup``: the matching services, the cleanup cast to each
    that can take it (``do_cleanup``), and the lists of those sent it and those not."""
    cinder = scheduler.cinder
    rpc = scheduler.kernel.rpc
    cleaning: list[dict[str, Any]] = []
    unavailable: list[dict[str, Any]] = []
    if cleanup_request.get("service_id") is not None or cleanup_request.get("cluster_name"):
        return cleaning, unavailable  # no such column; no clustered service
    wanted_host = cleanup_request.get("host")
    binary = cleanup_request.get("binary")
    disabled = cleanup_request.get("disabled")
    is_up = cleanup_request.get("is_up")
    for number, row in enumerate(service_rows(cinder), 1):
        kind, host, up, off = row[0], row[1], row[2], row[3]
        if (wanted_host and not host_matches(host, wanted_host)) or (binary and kind != binary):
            continue
        if (disabled is not None and off != disabled) or (is_up is not None and up != is_up):
            continue
        view = {"id": number, "host": host, "binary": kind, "cluster_name": None}
        if kind == SCHEDULER_BINARY:
            rpc.cast(scheduler.target, "do_cleanup", **_for(cleanup_request))
        elif up:
            # volume_rpcapi.do_cleanup: topic cinder-volume.<host> (cinder-backup's host has
            # no such queue)
            rpc.cast(f"cinder-volume.{host}", "do_cleanup", **_for(cleanup_request))
        else:
            unavailable.append(view)
            continue
        cleaning.append(view)
    return cleaning, unavailable


def _for(cleanup_request: dict[str, Any]) -> dict[str, Any]:
    """What a service's ``do_cleanup`` reads of the request."""
    return {
        "resource_type": cleanup_request.get("resource_type"),
        "resource_id": cleanup_request.get("resource_id"),
    }


#: ``(method, path, handler)`` under ``/v3[/{project_id}]/``.
ROUTES = (("POST", "workers/cleanup", cleanup),)
