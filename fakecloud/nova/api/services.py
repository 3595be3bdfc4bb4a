"""``/os-services[/{id}]``: Nova's services, and an operator disabling, forcing down or deleting
one (``nova/api/openstack/compute/services.py`` with ``HostAPI`` of ``nova/compute/api.py``,
17.0.13/20.6.0/25.2.1/29.2.0/34.0.0): ``openstack compute service list/set/delete``,
novaclient's ``services.*``, openstacksdk's ``compute.services()``/``disable_service``.

The list shows nova-conductor and nova-scheduler (zone ``internal``) and every compute host's
nova-compute (`fakecloud.nova.services`), filtered by ``host``/``binary``; ``forced_down`` from
2.11, uuids as ids from 2.53, unknown query parameters refused from 2.75. Before 2.53 an update
names its action in the path (``PUT /os-services/enable``, ``disable``, ``disable-log-reason``,
``force-down`` from 2.11) and the service by ``host``/``binary`` in the body; from 2.53 it names
the service by uuid and sends ``status``/``disabled_reason``/``forced_down``. Only nova-compute
services can be updated (400). A disabled or forced-down compute service gets no new builds:
the scheduler finds no valid host there. Deleting a nova-compute that still hosts servers is a
409. Policies ``os_compute_api:os-services:list/update/delete`` (admin; one rule
``os_compute_api:os-services``, ``rule:admin_api``, before 21.0.0).

From 20.0.0 an update that sets ``disabled`` then asks the host's nova-compute to sync its
provider's ``COMPUTE_STATUS_DISABLED`` trait (`fakecloud.nova.compute_status`): a nova-compute
stopped within its minute of grace holds the answer ``rpc_response_timeout``.

Not modelled: evacuation records (``force_down`` back up
never finds one), cells that do not answer (2.69).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova import aggregates, compute_status, services
from fakecloud.nova.api import schemas, views
from fakecloud.nova.compute.api import is_uuid_like
from fakecloud.nova.policies import SERVICES

#: ``forced_down`` shown, and the ``force-down`` action.
FORCED_DOWN = "2.11"
#: Services named by uuid (path and ``id``), the 2.53 update body.
UUID_IDS = "2.53"
#: ``index_query_v275``: unknown query parameters refused.
STRICT_QUERY = "2.75"

#: ``parameter_types.hostname`` (17.0.13, 20.6.0) = ``parameter_types.fqdn`` (25.2.1+).
HOST = {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[a-zA-Z0-9-._]*$"}
_TEXT = {"type": "string", "minLength": 1, "maxLength": 255}


def _update_schema(bucket: str) -> dict[str, Any]:
    """``schemas/services.py``: ``service_update`` (2.1), ``_v211``, ``_v2_53``."""
    if bucket == UUID_IDS:
        props = {
            "status": {"type": "string", "enum": ["enabled", "disabled"]},
            "disabled_reason": _TEXT,
            "forced_down": schemas.boolean,
        }
        return {"type": "object", "properties": props, "additionalProperties": False}
    props = {"host": HOST, "binary": _TEXT, "disabled_reason": _TEXT}
    if bucket == FORCED_DOWN:
        props["forced_down"] = schemas.boolean
    return {
        "type": "object",
        "properties": props,
        "required": ["host", "binary"],
        "additionalProperties": False,
    }


_UPDATE = {b: schemas.SchemaValidator(_update_schema(b)) for b in ("2.1", FORCED_DOWN, UUID_IDS)}

_TRUE = ("1", "t", "true", "on", "y", "yes")


def bool_from_string(value: Any) -> bool:
    """``strutils.bool_from_string`` of a value the schema's ``boolean`` passed."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in _TRUE


def validate_id(value: str) -> int:
    """``utils.validate_integer(id, 'id')``: 400 ``Invalid input received`` otherwise."""
    try:
        return int(str(value))
    except ValueError:
        raise HttpError(400, "Invalid input received: id must be an integer") from None


class ServicesController:
    """Nova's services, for admins."""

    def __init__(self, nova: Any, service: Any):
        self.nova = nova
        self.service = service
        self.fmt = views.Formatter(nova.kernel)

    def _authorize(self, req: Request, rule: str) -> None:
        policy = self.nova.policy
        # 21.0.0 passes an empty target; before, the caller's own project (the default).
        policy.authorize(req.context, SERVICES % rule, None if policy.legacy else {})

    def detail(
        self, row: services.Service, version: Any, forced_down: bool, *, saved: bool = False
    ) -> dict[str, Any]:
        """``_get_service_detail``: one service as the API shows it. Its ``updated_at`` is the
        whole second MySQL stored (`views.Formatter.stored_perfect`) as a list reads it back, but
        a PUT's (`saved`) is the one ``Service.save`` just set: SQLAlchemy keeps the Python
        ``onupdate`` value, fraction and all, on the row it returns (``db.service_update``)."""
        when = self.fmt.perfect if saved else self.fmt.stored_perfect
        found = {
            "binary": row.binary,
            "host": row.host,
            "id": row.uuid if version >= UUID_IDS else row.id,
            "zone": row.zone,
            "status": "disabled" if row.disabled else "enabled",
            "state": "up" if row.up else "down",
            "updated_at": when(row.updated_at),
            "disabled_reason": row.disabled_reason,
        }
        if forced_down:
            found["forced_down"] = row.forced_down
        return found

    def index(self, req: Request) -> Response:
        """``GET /os-services``: ``{"services": [...]}``, filtered by ``host``/``binary``."""
        version = req.microversion
        strict = version >= STRICT_QUERY
        schemas.query_validator(not strict, host="string", binary="string").validate(req.query)
        self._authorize(req, "list")
        rows = services.service_get_all(self.nova)
        host = req.arg("host")
        binary = req.arg("binary")
        if host:
            rows = [r for r in rows if r.host == host]
        if binary:
            rows = [r for r in rows if r.binary == binary]
        forced = version >= FORCED_DOWN
        return Response(200, {"services": [self.detail(r, version, forced) for r in rows]})

    def update(self, req: Request) -> Response | Generator[Any, Any, Response]:
        """``PUT /os-services/{id}``: an action by name before 2.53, a uuid's fields after."""
        version = req.microversion
        body = self.service.body(req)
        if version >= UUID_IDS:
            _UPDATE[UUID_IDS].validate(body, req)
            return self._update_v253(req, req.params["id"], body)
        _UPDATE[FORCED_DOWN if version >= FORCED_DOWN else "2.1"].validate(body, req)
        self._authorize(req, "update")
        action = req.params["id"]
        if action == "enable":
            return self._enable_disable(req, body, "enabled", False, None)
        if action == "disable":
            return self._enable_disable(req, body, "disabled", True, None)
        if action == "disable-log-reason":
            if "disabled_reason" not in body:
                raise HttpError(400, "Missing disabled reason field")
            return self._enable_disable(req, body, "disabled", True, body["disabled_reason"])
        if action == "force-down" and version >= FORCED_DOWN:
            if "forced_down" not in body:
                raise HttpError(400, "Missing forced_down field")
            forced_down = bool_from_string(body["forced_down"])
            row = self._by_host_and_binary(body["host"], body["binary"])
            row.forced_down = forced_down
            services.service_update(self.nova, row)
            answer = {"host": body["host"], "binary": body["binary"], "forced_down": forced_down}
            return Response(200, {"service": answer})
        raise HttpError(404, "Unknown action")

    def _by_host_and_binary(self, host: str, binary: str) -> services.Service:
        """``_update``'s checks, then ``service_update_by_host_and_binary``'s look-up."""
        if binary != services.COMPUTE:
            raise HttpError(
                400,
                f"Updating a {binary} service is not supported. Only nova-compute services "
                "can be updated.",
            )
        # @target_host_cell: only a compute host (not deleted) has a host mapping. It and
        # ``Service.get_by_args`` are SQL '=': case-insensitive under MySQL's collation.
        found = services.compute_host_named(self.nova, host)
        row = services.compute_service(self.nova, found) if found is not None else None
        if row is None:
            raise HttpError(404, f"Host '{host}' is not mapped to any cell")
        return row

    def _enable_disable(
        self, req: Request, body: dict[str, Any], status: str, disabled: bool, reason: str | None
    ) -> Generator[Any, Any, Response]:
        answer = {"host": body["host"], "binary": body["binary"], "status": status}
        if reason:
            answer["disabled_reason"] = reason
        row = self._by_host_and_binary(body["host"], body["binary"])
        row.disabled = disabled
        row.disabled_reason = reason
        yield from compute_status.service_update(self.nova, req.context, row, True)
        return Response(200, {"service": answer})

    def _update_v253(
        self, req: Request, service_id: str, body: dict[str, Any]
    ) -> Generator[Any, Any, Response]:
        if not is_uuid_like(service_id):
            raise HttpError(400, f"Invalid uuid {service_id}")
        self._authorize(req, "update")
        row = services.service_get_by_id(self.nova, service_id)
        if row is None:
            raise HttpError(404, f"Service {service_id} could not be found.")
        if row.binary != services.COMPUTE:
            raise HttpError(
                400,
                f"Updating a {row.binary} service is not supported. Only nova-compute "
                "services can be updated.",
            )
        changed = False
        if "status" in body:
            changed = True
            if body["status"] == "enabled":
                if body.get("disabled_reason"):
                    raise HttpError(
                        400, "Specifying 'disabled_reason' with status 'enabled' is invalid."
                    )
                row.disabled = False
                row.disabled_reason = None
            else:
                row.disabled = True
                row.disabled_reason = body.get("disabled_reason")
        if "forced_down" in body:
            changed = True
            row.forced_down = bool_from_string(body["forced_down"])
        if not changed:
            raise HttpError(
                400,
                "No updates were requested. Fields 'status' or 'forced_down' should be specified.",
            )
        yield from compute_status.service_update(self.nova, req.context, row, "status" in body)
        row = services.compute_service(self.nova, row.host)
        return Response(200, {"service": self.detail(row, req.microversion, True, saved=True)})

    def delete(self, req: Request) -> Response:
        """``DELETE /os-services/{id}``: 204; 409 for a nova-compute hosting servers."""
        self._authorize(req, "delete")
        service_id: int | str = req.params["id"]
        if req.microversion >= UUID_IDS:
            if not is_uuid_like(service_id):
                raise HttpError(400, f"Invalid uuid {service_id}")
        else:
            service_id = validate_id(service_id)
        row = services.service_get_by_id(self.nova, service_id)
        if row is None:
            raise HttpError(404, f"Service {req.params['id']} not found.")
        if row.binary == services.COMPUTE and self.nova.db.host_load(row.host):
            raise HttpError(
                409,
                "Unable to delete compute service that is hosting instances. Migrate or "
                "delete the instances first.",
            )
        if row.binary == services.COMPUTE:
            aggregates.remove_host_everywhere(self.nova, row.host)
        services.service_destroy(self.nova, row)
        return Response(204)
