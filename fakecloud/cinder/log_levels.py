"""``PUT /os-services/set-log`` and ``/os-services/get-log`` (microversion 3.32,
``mv.LOG_LEVEL``): the log levels of Cinder's services, set and read at run time
(``api/contrib/services.py`` ``_set_log``, ``_get_log``, ``_log_params_binaries_services``
12.0.10-27.x, ``api/v3/services.py`` ``set_log``, ``get_log`` from 28.0.0; ``utils.py``
``get_log_method``, ``set_log_levels``, ``get_log_levels``; each manager's
``set_log_levels`` and ``get_log_levels``).

Admin only (``volume_extension:services:update``). Until 27.x the actions are branches of the
update (its policy first; below 3.32 they are its 400 "Unknown action"), from 28.0.0 routes of
their own (below 3.32 the bare 404 of a method the microversion lacks; the body's schema before
the policy). The body's ``binary`` is one of cinder-scheduler, cinder-volume, cinder-backup,
cinder-api (``*``, ``""`` or none: all), ``server`` a host (``_filter_host``: a host names its
backends too), ``prefix`` the start of a logger's name, and set-log's ``level`` one of INFO,
WARNING, ERROR, DEBUG in any case. cinder-api's own levels change in the request, the
services' (those up) by a cast; get-log lists cinder-api first (unless ``server`` names
another host: `SERVER_FILTERS_API`), then each service up: ``{"log_levels": [{"host",
"binary", "levels": {logger: level}}]}``.

There is no logging here: each process's loggers are a few of the real module loggers of its
binary (`LOGGERS`), at devstack's level (``[DEFAULT] debug = True``: DEBUG), where a real
process lists every logger it made (hundreds). What set-log set is kept per process
(`Cinder.log_levels`; a cloud where nobody set one saves as before).
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.cinder import controllers, exception, policy
from fakecloud.cinder.services_api import host_matches, service_rows
from fakecloud.cinder.validation import log_method, validate
from fakecloud.profiles.provenance import Backport, Change

#: ``mv.LOG_LEVEL``.
LOG_LEVEL = "3.32"
API_BINARY = "cinder-api"
#: ``constants.LOG_BINARIES``, in its order.
LOG_BINARIES = ("cinder-scheduler", "cinder-volume", "cinder-backup", API_BINARY)
#: The loggers each process has here: module loggers of every release 12.0.10-29.0.0 that the
#: binary imports (``LOG = logging.getLogger(__name__)``), a few of the hundreds it has.
LOGGERS = {
    API_BINARY: ("cinder.api.openstack.wsgi", "cinder.api.v3.volumes", "cinder.volume.api"),
    "cinder-scheduler": (
        "cinder.scheduler.filter_scheduler",
        "cinder.scheduler.host_manager",
        "cinder.scheduler.manager",
    ),
    "cinder-volume": (
        "cinder.volume.drivers.lvm",
        "cinder.volume.flows.manager.create_volume",
        "cinder.volume.manager",
    ),
    "cinder-backup": ("cinder.backup.chunkeddriver", "cinder.backup.manager"),
}
#: devstack's ``[DEFAULT] debug = True`` (``ENABLE_DEBUG_LOG_LEVEL``): every logger's
#: effective level.
DEVSTACK_LEVEL = "DEBUG"
#: get-log leaves cinder-api out when ``server`` names another host (e793c5e249, "Fix
#: service-get-log to respect server filters", Cinder 17.0.0; backports 0f6b4cdcd4 in 16.2.0,
#: tagged 2020-09-30, so Nova 21.1.1 on, and 915aab4dbb in 15.4.1, 2020-12-09, Nova 20.6.0 on).
#: Before, cinder-api's levels come first whatever the server.
SERVER_FILTERS_API = Change(
    "22.0.0",
    "e793c5e249",
    "Fix service-get-log to respect server filters",
    backports=(Backport("21.1.1", "0f6b4cdcd4"), Backport("20.6.0", "915aab4dbb")),
)
#: The first series whose actions check their body with a JSON schema (12.x by hand).
SCHEMA_FROM = 13
#: The first series with routes of their own (0fcc22942, the schema before the policy).
OWN_ROUTES_FROM = 28

_NULLABLE = {"type": ["string", "null"], "minLength": 0, "maxLength": 255}
_BINARY = {"type": "string", "enum": [*LOG_BINARIES, "", "*"]}
GET_LOG = {
    "type": "object",
    "properties": {"binary": _BINARY, "server": _NULLABLE, "prefix": _NULLABLE},
    "additionalProperties": False,
}
SET_LOG = {
    "type": "object",
    "properties": {
        "binary": _BINARY,
        "server": _NULLABLE,
        "prefix": _NULLABLE,
        "level": {"type": ["string", "null"], "format": "level"},
    },
    "additionalProperties": False,
}


def log_action(service: Any, req: Request, action: str, body: Any) -> Response:
    """``set-log`` or ``get-log`` (`action`) of ``PUT /os-services/{action}``."""
    major = service.cinder_major
    rules = service.cinder.policy_rules
    schema = SET_LOG if action == "set-log" else GET_LOG
    if major >= OWN_ROUTES_FROM:
        if req.microversion < LOG_LEVEL:
            raise controllers.not_found()
        validate(schema, body)
    policy.authorize_admin(req.context, "volume_extension:services:update", rules)
    if major < OWN_ROUTES_FROM:
        if req.microversion < LOG_LEVEL:
            raise exception.InvalidInput(reason="Unknown action")
        if major >= SCHEMA_FROM:
            validate(schema, body)
    body = body if isinstance(body, dict) else {}
    if action == "set-log":
        return _set_log(service.cinder, body, major)
    return Response(200, {"log_levels": _get_log(service.cinder, body)})


def _targets(cinder: Any, body: dict) -> tuple[tuple[str, ...], list[tuple[str, str]]]:
    """``_log_params_binaries_services``: the binaries named and the ``(binary, host)`` of
    each service up that the body's ``binary`` and ``server`` match, in the rows' order."""
    binary = body.get("binary")
    if binary in ("*", None, ""):
        binaries = LOG_BINARIES
    elif binary == API_BINARY:
        return (API_BINARY,), []
    elif binary in LOG_BINARIES:
        binaries = (binary,)
    else:  # 12.x (a schema's enum from 13.0.0)
        raise exception.InvalidInput(reason=f"{binary} is not a valid binary.")
    server = body.get("server")
    rows = [
        (kind, host)
        for kind, host, up, *_ in service_rows(cinder)
        if up and kind in binaries and (not server or host_matches(host, server))
    ]
    return binaries, rows


def _levels(cinder: Any, key: tuple[str, str], prefix: Any) -> dict[str, str]:
    """``utils.get_log_levels(prefix)`` of one process: its loggers whose names start so."""
    held = (cinder.log_levels or {}).get(key, {})
    start = prefix or ""
    return {
        name: held.get(name, DEVSTACK_LEVEL) for name in LOGGERS[key[0]] if name.startswith(start)
    }


def _set_log(cinder: Any, body: dict, major: int) -> Response:
    prefix, level = body.get("prefix"), body.get("level")
    if major < SCHEMA_FROM:
        log_method(level)  # 12.x checks the level first, by hand
    binaries, rows = _targets(cinder, body)
    targets = list(rows)
    if API_BINARY in binaries:
        log_method(level)  # cinder-api's own set_log_levels, in the request
        targets.insert(0, (API_BINARY, cinder.config.host))
    for key in targets:
        try:
            name = log_method(level)
        except exception.InvalidInput:
            continue  # a service's cast fails there, after the 202
        changed = {logger: name for logger in _levels(cinder, key, prefix)}
        if changed:
            if cinder.log_levels is None:
                cinder.log_levels = {}
            cinder.log_levels.setdefault(key, {}).update(changed)
    return Response(202)


def _get_log(cinder: Any, body: dict) -> list[dict[str, Any]]:
    prefix = body.get("prefix")
    binaries, rows = _targets(cinder, body)
    out = []
    server = body.get("server")
    host = cinder.config.host
    filtered = SERVER_FILTERS_API.reaches(cinder.kernel.switches.release)
    if API_BINARY in binaries and (not server or server == host or not filtered):
        levels = _levels(cinder, (API_BINARY, host), prefix)
        out.append({"host": host, "binary": API_BINARY, "levels": levels})
    for kind, name in rows:
        levels = _levels(cinder, (kind, name), prefix)
        out.append({"host": name, "binary": kind, "levels": levels})
    return out
