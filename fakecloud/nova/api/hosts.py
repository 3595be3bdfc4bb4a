"""``/os-hosts`` (``nova/api/openstack/compute/hosts.py``, the same 17.0.13-34.0.0; deprecated
at 2.43: from 2.43 every path answers 404 as if it did not exist).

``GET /os-hosts`` lists the enabled services but the API ones (``host_name``, ``service`` (the
topic), ``zone``), filtered by ``zone``; ``GET /os-hosts/{host}`` a compute host's resources:
the compute node's totals (``(total)``), its used counts (``(used_now)``), the sum of its
servers' flavors (``(used_max)``) and one row per project. A host that is no compute host is
404 "Host 'X' is not mapped to any cell" (``HostMapping.get_by_host``, as the other paths).
``PUT /os-hosts/{host}`` (``status``/``maintenance_mode``, the schema first) and the
``startup``/``shutdown``/``reboot`` actions are RPC calls to the host's nova-compute
(``HostAPI.set_host_enabled``/``set_host_maintenance``/``host_power_action``, compute/api.py
17.0.13-33.0.2), ``status`` first: the libvirt driver implements none of them
(``NotImplementedError``, back over RPC): 501 "The requested functionality is not
supported.", but from 20.0.0 (099b490c2f) the manager's ``set_host_enabled`` sets or clears
the ``COMPUTE_STATUS_DISABLED`` trait and answers ``enabled``/``disabled`` itself
(`fakecloud.nova.compute_status`): ``{"host": id, "status": "disabled"}``, the service row
unchanged. The calls wait for the host whether its service is up or not (no
``must_be_up``): a nova-compute that is stopped leaves them in its queue, and after
``rpc_response_timeout`` the ``MessagingTimeout`` nobody catches is the 500 ``Unexpected API
Error``. Policies ``os_compute_api:os-hosts:list/show/update/start/shutdown/reboot`` (admin;
one rule ``os_compute_api:os-hosts``, ``rule:admin_api``, before 22.0.0, modelled from 21.0.0
as the other split rules are). Not modelled: the ``HostAPI.set_enabled``/``set_maintenance``/
``power_action`` legacy notifications around the calls.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova import compute_nodes, compute_status, services
from fakecloud.nova.api import schemas
from fakecloud.nova.api.wsgi import NovaApiService
from fakecloud.nova.policies import HOSTS

#: ``@wsgi.api_version("2.1", "2.42")`` on every method.
MAX_VERSION = "2.42"
#: ``HostController.index``: services the list leaves out.
_API_SERVICES = ("nova-osapi_compute", "nova-metadata")
_MODE = {"type": "string", "enum": ["enable", "disable", "Enable", "Disable", "ENABLE", "DISABLE"]}
_ANY_OF = [{"required": ["status"]}, {"required": ["maintenance_mode"]}]
#: The update's schema from 30.0.0 (switch ``hosts_update_any_of``; the anyOf's error comes
#: first, as its keys' order has it), and before: without the anyOf, which sat among the
#: properties (the schema of a key named ``anyOf``, no check).
_UPDATE = schemas.SchemaValidator(
    {
        "type": "object",
        "properties": {"status": _MODE, "maintenance_mode": _MODE},
        "anyOf": _ANY_OF,
        "additionalProperties": False,
    }
)
_UPDATE_BEFORE_30 = schemas.SchemaValidator(
    {
        "type": "object",
        "properties": {"status": _MODE, "maintenance_mode": _MODE},
        "additionalProperties": False,
    }
)
NOT_SUPPORTED = "The requested functionality is not supported."


class HostController:
    """The deprecated hosts API: list, show, update and the power actions."""

    def __init__(self, nova: Any):
        self.nova = nova

    def _authorize(self, req: Request, rule: str) -> None:
        if req.microversion > MAX_VERSION:
            raise HttpError(404, "The resource could not be found.")
        policy = self.nova.policy
        policy.authorize(req.context, HOSTS % rule, None if policy.legacy else {})

    def _mapped(self, name: str) -> str:
        """``HostMapping.get_by_host``: the compute host of that name, else 404 (none where no
        node was made to map: `compute_nodes.registered`)."""
        host = services.compute_host_named(self.nova, name)
        if host is None or not compute_nodes.registered(self.nova):
            raise HttpError(404, f"Host '{name}' is not mapped to any cell")
        return host

    def index(self, req: Request) -> Response:
        """``GET /os-hosts``: the enabled services' hosts, topics and zones."""
        self._authorize(req, "list")
        zone = req.arg("zone")
        hosts = [
            {"host_name": row.host, "service": row.binary.removeprefix("nova-"), "zone": row.zone}
            for row in services.service_get_all(self.nova)
            if not row.disabled
            and row.binary not in _API_SERVICES
            and (not zone or row.zone == zone)
        ]
        return Response(200, {"hosts": hosts})

    def show(self, req: Request) -> Response:
        """``GET /os-hosts/{host}``: the host's resources, totals first, then per project."""
        self._authorize(req, "show")
        name = req.params["host"]
        host = self._mapped(name)
        node = next(n for n in compute_nodes.compute_node_get_all(self.nova) if n.host == host)

        def row(project: str, cpu: int, memory_mb: int, disk_gb: int) -> dict[str, Any]:
            resource = {"host": name, "project": project, "cpu": cpu, "memory_mb": memory_mb}
            return {"resource": {**resource, "disk_gb": disk_gb}}

        instances = self.nova.db.instances_on_host(host)
        per_project: dict[str, list[int]] = {}
        for inst in instances:
            sums = per_project.setdefault(inst.project_id, [0, 0, 0])
            flavor = inst.flavor  # the instance's vcpus/memory_mb/root_gb/ephemeral_gb
            sums[0] += flavor.vcpus
            sums[1] += flavor.memory_mb
            sums[2] += flavor.root_gb + flavor.ephemeral_gb
        used_max = [sum(s[i] for s in per_project.values()) for i in range(3)]
        resources = [
            row("(total)", node.vcpus, node.memory_mb, node.local_gb),
            row("(used_now)", node.vcpus_used, node.memory_mb_used, node.local_gb_used),
            row("(used_max)", *used_max),
            *(row(project, *sums) for project, sums in per_project.items()),
        ]
        return Response(200, {"host": resources})

    def update(self, req: Request) -> Response | Generator[Any, Any, Response]:
        """``PUT /os-hosts/{host}``: the schema, the policy, then ``status`` and
        ``maintenance_mode`` asked of the host in that order (before 30.0.0 a body asking for
        neither change is ``{"host": id}``, nothing called)."""
        any_of, body = self.nova.kernel.switches.hosts_update_any_of, {}
        if req.microversion <= MAX_VERSION:
            body = NovaApiService.body(req)
            (_UPDATE if any_of else _UPDATE_BEFORE_30).validate(body, req)
        self._authorize(req, "update")
        if not any_of and not {"status", "maintenance_mode"} & set(body):
            return Response(200, {"host": req.params["host"]})
        return self._update(req, body)

    def _update(self, req: Request, body: dict[str, Any]) -> Generator[Any, Any, Response]:
        name = req.params["host"]
        result: dict[str, Any] = {"host": name}
        if "status" in body:
            host = self._mapped(name)
            enabled = body["status"].strip().lower() == "enable"
            result["status"] = yield from self._host_call(
                compute_status.set_host_enabled_call(self.nova, req.context, host, enabled)
            )
        if "maintenance_mode" in body:
            host = self._mapped(name)
            mode = body["maintenance_mode"].strip().lower() == "enable"
            call = self.nova.compute_rpcapi.call_host(
                req.context, host, "host_maintenance_mode", host=host, mode=mode
            )
            result["maintenance_mode"] = yield from self._host_call(call)
        return Response(200, result)

    @staticmethod
    def _host_call(call: Generator[Any, Any, Any]) -> Generator[Any, Any, Any]:
        """The host's answer; its ``NotImplementedError`` is the 501
        (``common.raise_feature_not_supported``)."""
        try:
            return (yield from call)
        except NotImplementedError:
            raise HttpError(501, NOT_SUPPORTED) from None

    def _power(self, req: Request, rule: str, action: str) -> Generator[Any, Any, Response]:
        schemas.query_validator(True).validate(req.query)
        self._authorize(req, rule)
        name = req.params["host"]
        host = self._mapped(name)
        call = self.nova.compute_rpcapi.call_host(
            req.context, host, "host_power_action", action=action
        )
        result = yield from self._host_call(call)
        return Response(200, {"host": name, "power_action": result})

    def startup(self, req: Request) -> Generator[Any, Any, Response]:
        """``GET /os-hosts/{host}/startup``: 501 (libvirt)."""
        return self._power(req, "start", "startup")

    def shutdown(self, req: Request) -> Generator[Any, Any, Response]:
        """``GET /os-hosts/{host}/shutdown``: 501 (libvirt)."""
        return self._power(req, "shutdown", "shutdown")

    def reboot(self, req: Request) -> Generator[Any, Any, Response]:
        """``GET /os-hosts/{host}/reboot``: 501 (libvirt)."""
        return self._power(req, "reboot", "reboot")


def declare(add: Any) -> None:
    """Add the routes (`add`: the compute API's ``NovaRoutes.add``)."""
    c = HostController
    add("GET", "/os-hosts", "hosts", c.index)
    add("GET", "/os-hosts/{host}", "hosts", c.show)
    add("PUT", "/os-hosts/{host}", "hosts", c.update)
    add("GET", "/os-hosts/{host}/startup", "hosts", c.startup)
    add("GET", "/os-hosts/{host}/shutdown", "hosts", c.shutdown)
    add("GET", "/os-hosts/{host}/reboot", "hosts", c.reboot)
