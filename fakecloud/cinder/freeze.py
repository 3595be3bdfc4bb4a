"""``PUT /os-services/freeze`` and ``/os-services/thaw``: a cinder-volume backend's management
plane made read-only and back (``api/contrib/services.py`` 12.0.10-27.x, ``api/v3/services.py``
from 28.0.0; ``volume/api.py`` ``freeze_host``, ``thaw_host``, ``_replication_db_change``;
``volume/manager.py`` ``freeze_host``, ``thaw_host``; ``objects/base.py``
``assert_not_frozen``).

The body names a ``host`` (from 3.26 a ``cluster`` instead: fakecloud has none, so a cluster
finds no service); the cinder-volume services it matches (`fakecloud.cinder.services_api`'s
host matching) must be one host, else "Services from different clusters found.", and none is
"No service found with host=X" (400: the controller turns ``ServiceNotFound`` into
``InvalidInput`` with that text alone). Freezing a frozen backend (thawing a thawed one) is
"No service could be changed: ..." (400). The answer is 200 with no body.

A frozen backend: its row's ``frozen`` is true and the manager disables its service with the
reason ``frozen`` (so the scheduler sends it no new volume: ``Cinder.enabled_drivers``), and
``assert_not_frozen`` refuses to delete its volumes and to create or delete their snapshots
("Invalid input received: Modification operations are not allowed on frozen storage
backends."). Thaw clears ``frozen`` and enables the service again (reason ``""``).

The API writes ``frozen`` first (``_replication_db_change``, ``check_up=False``: a service
that is down is found too), then asks the backend's volume manager with an RPC ``call``,
which disables (enables) its service and answers True. A volume service that is down leaves
the call in its queue: after ``rpc_response_timeout`` nothing catches the ``MessagingTimeout``
(a 500, the generic words), and the row stays ``frozen`` (thawed) with the service enabled
(disabled). RabbitMQ then drops the request (oslo.messaging publishes a call with
``expiration=timeout``; `fakecloud.sim.rpc`'s ``rpc.expired``), so a service back later
never changes.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.cinder import exception, failover, faults, policy
from fakecloud.cinder.log_levels import log_action
from fakecloud.cinder.replication_hosts import cluster_host, named_services
from fakecloud.cinder.services_api import HOST_FIELD, services_update
from fakecloud.cinder.validation import validate
from fakecloud.sim.rpc import MessagingTimeout

#: ``mv.REPLICATION_CLUSTER``: from it the body may name a ``cluster`` instead of a ``host``.
REPLICATION_CLUSTER = "3.26"
#: The first series whose freeze and thaw check their body with a JSON schema (after the
#: policy until 27.x, before it from `SCHEMA_BEFORE_POLICY_FROM`).
SCHEMA_FROM = 13
SCHEMA_BEFORE_POLICY_FROM = 28

FREEZE_AND_THAW = {
    "type": "object",
    "properties": {
        "cluster": {"type": ["string", "null"], "minLength": 0, "maxLength": 255},
        "host": HOST_FIELD,
    },
    "additionalProperties": False,
}  # fmt: skip


def update(service: Any, req: Request) -> Response | Generator:
    """``PUT /os-services/{action}``: ``freeze`` and ``thaw`` here, ``set-log`` and
    ``get-log`` `log_levels.log_action`'s, the others `services_api.services_update`'s."""
    action = req.params["action"]
    if action in ("failover_host", "failover"):
        return failover.failover(service, req, action, service._body(req))
    if action in ("set-log", "get-log"):
        return log_action(service, req, action, service._body(req))
    if action not in ("freeze", "thaw"):
        return services_update(service, req)
    return freeze_or_thaw(service, req, action, service._body(req))


def freeze_or_thaw(service: Any, req: Request, action: str, body: Any) -> Generator:
    """``freeze`` or ``thaw`` (`action`) of the ``os-services`` update: the checks, the rows,
    the RPC call."""
    major = service.cinder_major
    if major >= SCHEMA_BEFORE_POLICY_FROM:
        validate(FREEZE_AND_THAW, body)
    rules = service.cinder.policy_rules
    policy.authorize_admin(req.context, "volume_extension:services:update", rules)
    if SCHEMA_FROM <= major < SCHEMA_BEFORE_POLICY_FROM:
        validate(FREEZE_AND_THAW, body)
    body = body if isinstance(body, dict) else {}
    cluster, host = cluster_host(body, req.microversion >= REPLICATION_CLUSTER)
    # volume/api.py ``API.freeze_host``'s or ``thaw_host``'s own check, behind the controller's
    policy.authorize_admin(req.context, f"volume:{action}_host", rules)
    cinder = service.cinder
    named = named_services(cinder, host, cluster)
    found = [name for name, _target in named]
    freeze = action == "freeze"
    frozen = cinder.frozen_services or []
    if all((name in frozen) == freeze for name in found):
        raise exception.InvalidInput(
            reason=f"No service could be changed: frozen in {found!r} must be {not freeze} "
            "to failover."
        )
    for name in found:
        if (name in frozen) == freeze:
            continue  # (Cinder logs the services it could not change)
        if freeze:
            frozen.append(name)
        else:
            frozen.remove(name)
    cinder.frozen_services = frozen or None
    target = named[0][1]
    try:
        yield from cinder.kernel.rpc.call(target, f"{action}_host")
    except MessagingTimeout:
        raise HttpError(500, faults.GENERIC[500]) from None
    return Response(200)


#: ``(method, path, handler)`` under ``/v3[/{project_id}]/``.
ROUTES = (("PUT", "os-services/{action}", update),)
