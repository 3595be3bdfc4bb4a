"""``POST /servers/{id}/action`` ``os-migrateLive`` (``migrate_server.py`` ``_migrate_live``,
17.0.13, 20.6.0, 23.2.2, 29.2.0, 34.0.0): ``openstack server migrate --live-migration``,
novaclient ``servers.live_migrate``, openstacksdk ``live_migrate_server``.

The body by microversion (``schemas/migrate_server.py``): ``host``, ``block_migration`` and
``disk_over_commit`` (booleans, strict) from 2.1; 2.25 drops ``disk_over_commit`` and takes
``block_migration: "auto"``; 2.30 adds ``force`` ('Can't force to a non-provided destination'
without a host, 400); 2.68 drops it again (a named host is then always checked by the
scheduler). Policy ``os_compute_api:os-migrate-server:migrate_live`` (the admin's), asked before
the server is loaded before 21.0.0, after it with its project from 21.0.0, and
``...:migrate_live:host`` for a named host from 32.0.0 (06699f26a5). 202.

Errors: 400 for an unknown host ('Compute host X could not be found.'), and before 2.34, while
the API waits for the conductor, for its refusals (no valid host, a compute down, the own host
forced, the storage checks, `MigrationPreCheckError`); 409 for a locked server (non-admins) or
one not active or paused, or with a task (``Cannot 'os-migrateLive' instance X while it is in
task_state migrating``). From 2.34 the conductor's refusals are in the action's events only.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova import exception
from fakecloud.nova.api import schemas
from fakecloud.nova.api.wsgi import raise_http_conflict_for_instance_invalid_state
from fakecloud.nova.policies import MIGRATE_SERVER

#: ``os_compute_api:os-migrate-server:migrate_live:host`` (06699f26a5, 32.0.0).
HOST_POLICY_SINCE = (32, 0, 0)
ACTION = "os-migrateLive"

_BAD_REQUEST = (
    exception.ComputeHostNotFound,
    exception.NoValidHost,
    exception.ComputeServiceUnavailable,
    exception.UnableToMigrateToSelf,
    exception.InvalidLocalStorage,
    exception.InvalidSharedStorage,
    exception.MigrationPreCheckError,
)
#: ``strutils.bool_from_string(..., strict=True)`` of what the schema let through.
_TRUE = frozenset(("1", "t", "true", "on", "y", "yes"))


def _strict_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in _TRUE


def _schema(mv: Any) -> str:
    if mv >= "2.68":
        return "migrate_live_v225"
    if mv >= "2.30":
        return "migrate_live_v230"
    return "migrate_live_v225" if mv >= "2.25" else "migrate_live"


def migrate_live(controller: Any, req: Request, server_id: str, body: Any) -> Any:
    """``_migrate_live``: the checks of the body and the policy, then
    `API.live_migrate`."""
    mv = req.microversion
    schemas.validator(_schema(mv)).validate(body, req)
    ctx = req.context
    args = body[ACTION]
    host = args["host"]
    rule = MIGRATE_SERVER % "migrate_live"
    if host and controller.switches.release.version >= HOST_POLICY_SINCE:
        rule = MIGRATE_SERVER % "migrate_live:host"
    instance = controller.servers.get_authorized_server(ctx, server_id, rule)
    force = None
    async_ = mv >= "2.34"
    if mv >= "2.30":
        force = _strict_bool(args.get("force", False))
        if force and not host:
            raise HttpError(400, "Can't force to a non-provided destination")
    block = args["block_migration"]
    if mv >= "2.25":
        block_migration = None if block == "auto" else _strict_bool(block)
        disk_over_commit = None
    else:
        block_migration = _strict_bool(block)
        disk_over_commit = _strict_bool(args["disk_over_commit"])
    try:
        work = controller.compute_api.live_migrate(
            ctx, instance, block_migration, disk_over_commit, host, force, async_
        )
    except Exception as exc:  # noqa: BLE001 - mapped, or raised again
        _raise_http(exc, server_id)
    if work is None:
        return Response(202)
    return _wait(work, server_id)


def _wait(work: Generator, server_id: str) -> Generator:
    """Before 2.34 the API waits for the conductor (``migrate_server``, an RPC call)."""
    try:
        yield from work
    except Exception as exc:  # noqa: BLE001 - mapped, or raised again
        _raise_http(exc, server_id)
    return Response(202)


def _raise_http(exc: Exception, server_id: str) -> None:
    if isinstance(exc, _BAD_REQUEST):
        raise HttpError(400, exc.format_message()) from None
    # OperationNotSupportedForSEV: 20.0.0-23.x (84db8b3f3d); from 24.0.0 a NotSupported caught
    # by none (1b6a6e3916: expected_errors' 400), 34.0.0's mem encryption error likewise
    if isinstance(exc, (exception.SEVOperationConflict, exception.InstanceIsLocked)):
        raise HttpError(409, exc.format_message()) from None
    if isinstance(exc, exception.InstanceInvalidState):
        raise_http_conflict_for_instance_invalid_state(exc, ACTION, server_id)
    raise exc
