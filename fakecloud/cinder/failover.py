"""``PUT /os-services/failover_host`` (and ``failover``, 3.26 to 27.x): a replicating backend
(`fakecloud.cinder.replication`) failed over to one of its targets, or back with
``backend_id: default`` (``api/contrib/services.py`` ``_failover`` 12.0.10-27.x,
``api/v3/services.py`` ``failover_host`` from 28.0.0, which routes no ``failover``: a 404
there; ``volume/api.py`` ``failover``, ``_replication_db_change``; ``volume/manager.py``
``failover``; ``RBDDriver.failover_host``). The manager's part: `fakecloud.cinder.failover_manager`.

The API checks as freeze does (`fakecloud.cinder.freeze`: the schema, admin only, one host),
but ``failover_host`` always wants a ``host`` ("Host field is missing."), and the service must
be up with ``replication_status`` ``enabled`` or ``failed-over``, else 400 "No service could
be changed: replication_status in [...] must be ['enabled', 'failed-over'] and must be up to
failover.". The row becomes ``failing-over`` and the backend's volume manager gets a cast; the
answer is 202 with no body.

The manager, at once: every volume of the backend whose ``replication_status`` is not
``disabled`` nor ``not-capable`` is the driver's to fail over (a null one too, as in Cinder);
unless failing back, every other volume goes to ``error`` with ``not-capable`` and its
snapshots to ``error``. The driver picks the target (``backend_id``, or with none the first
configured target that is not the active one: RBD pops one of a set) and fails each replicated
volume over (``failed-over``; ``enabled`` when failing back). The service is then
``failed-over``, ``active_backend_id`` the target, disabled with the reason ``failed-over``
(failing back: ``enabled``, ``active_backend_id`` ``""``, disabled only if frozen, reason
``frozen`` or ``""``). A target the driver does not know ("RBD: Unknown failover target host
X.", or none left: "RBD: No available failover target host.") changes no volume the driver
would have, and puts the service back to ``failed-over`` if it has an active target, else
``enabled`` (the other volumes stay in ``error``).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.api.router import NoRoute
from fakecloud.api.webob import WebObResponse, plain_webob_headers
from fakecloud.cinder import exception, policy, replication
from fakecloud.cinder.replication_hosts import cluster_host, named_services
from fakecloud.cinder.services_api import HOST_FIELD
from fakecloud.cinder.validation import validate

#: ``mv.REPLICATION_CLUSTER``: ``failover`` (with a ``cluster``) from it, until 27.x.
REPLICATION_CLUSTER = "3.26"
SCHEMA_FROM = 13
SCHEMA_BEFORE_POLICY_FROM = 28
_NULLABLE = {"type": ["string", "null"], "minLength": 0, "maxLength": 255}
#: ``schemas/services.py`` ``failover_host`` (13.0.0 on).
FAILOVER_HOST = {
    "type": "object",
    "properties": {"host": HOST_FIELD, "backend_id": _NULLABLE, "cluster": _NULLABLE},
    "additionalProperties": False,
}
_EXPECTED = ("enabled", "failed-over")


def failover(service: Any, req: Request, action: str, body: Any) -> Generator | Response:
    """``failover_host`` or ``failover`` (`action`) of the ``os-services`` update."""
    major = service.cinder_major
    clustered = action == "failover"
    if clustered and major >= SCHEMA_BEFORE_POLICY_FROM:
        raise NoRoute([])  # 28.0.0 routes no failover
    if major >= SCHEMA_BEFORE_POLICY_FROM:
        validate(FAILOVER_HOST, body)
    rules = service.cinder.policy_rules
    policy.authorize_admin(req.context, "volume_extension:services:update", rules)
    if clustered and req.microversion < REPLICATION_CLUSTER:
        raise exception.InvalidInput(reason="Unknown action")
    if SCHEMA_FROM <= major < SCHEMA_BEFORE_POLICY_FROM:
        validate(FAILOVER_HOST, body)
    body = body if isinstance(body, dict) else {}
    cluster, host = cluster_host(body, clustered)
    # volume/api.py ``API.failover``'s own check, behind the controller's
    policy.authorize_admin(req.context, "volume:failover_host", rules)
    cinder = service.cinder
    name, target = named_services(cinder, host, cluster)[0]
    up = cinder.kernel.rpc.is_up(target)
    if not up or replication.status_of(cinder, name)[0] not in _EXPECTED:
        raise exception.InvalidInput(
            reason=f"No service could be changed: replication_status in {[name]!r} must be "
            f"{list(_EXPECTED)!r} and must be up to failover."
        )
    replication.set_status(cinder, name, "failing-over", replication.status_of(cinder, name)[1])
    cinder.kernel.rpc.cast(target, "failover_host", secondary_backend_id=body.get("backend_id"))
    # the controller's own webob.Response (12.0.10 contrib/services.py ``_failover``, 29.0.0
    # v3/services.py ``failover_host``): WebOb's headers, no x-compute-request-id
    return WebObResponse(202, None, plain_webob_headers())
