"""``/os-quota-sets`` (``nova/api/openstack/compute/quota_sets.py``): a project's quotas, read.

``GET /os-quota-sets/{tenant_id}`` (``openstack quota show --compute``), ``.../detail`` (each
quota's ``limit``, ``in_use`` and ``reserved``, always 0 since Nova counts rather than reserves)
and ``.../defaults``. Every resource Nova's ``QUOTAS`` engine knows is listed, sorted, less the
ones a microversion filters (2.36 the nova-network proxies, 2.57 the personality files). The
limits are the ones ``GET /limits`` reports; ``in_use`` counts the project's servers, cores and
RAM (the other resources are not modelled and count 0). Setting and deleting quotas is not
served.
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.nova.api.limits import fixed_limits
from fakecloud.nova.policies import QUOTA_SETS

#: ``quota.QUOTAS.resources``: the engine's resources, sorted.
RESOURCES = (
    "cores",
    "fixed_ips",
    "floating_ips",
    "injected_file_content_bytes",
    "injected_file_path_bytes",
    "injected_files",
    "instances",
    "key_pairs",
    "metadata_items",
    "ram",
    "security_group_rules",
    "security_groups",
    "server_group_members",
    "server_groups",
)
#: ``FILTERED_QUOTAS_v236`` and ``FILTERED_QUOTAS_v257``.
FILTERED_V236 = frozenset({"fixed_ips", "floating_ips", "security_group_rules", "security_groups"})
FILTERED_V257 = FILTERED_V236 | {
    "injected_files",
    "injected_file_content_bytes",
    "injected_file_path_bytes",
}
#: ``[quota]`` defaults of quotas fakecloud neither counts nor configures, beyond `/limits`'.
_MORE_FIXED = {"fixed_ips": -1, "injected_file_path_bytes": 255}


class QuotaSetsController:
    """A project's compute quotas: show, detail and defaults."""

    def __init__(self, nova: Any):
        self.nova = nova

    def show(self, req: Request) -> Response:
        """``GET /os-quota-sets/{tenant_id}``: each quota's limit, and the project id."""
        project_id = self._authorize(req, "show")
        limits = {name: limit for name, (limit, _used) in self._quotas(project_id).items()}
        return Response(200, self._format(req, project_id, limits))

    def detail(self, req: Request) -> Response:
        """``GET /os-quota-sets/{tenant_id}/detail``: limit, in_use and reserved of each."""
        project_id = self._authorize(req, "detail")
        quotas = {
            name: {"in_use": used, "limit": limit, "reserved": 0}
            for name, (limit, used) in self._quotas(project_id).items()
        }
        return Response(200, self._format(req, project_id, quotas))

    def defaults(self, req: Request) -> Response:
        """``GET /os-quota-sets/{tenant_id}/defaults``: the configured defaults."""
        project_id = self._authorize(req, "defaults")
        limits = {name: limit for name, (limit, _used) in self._quotas(None).items()}
        return Response(200, self._format(req, project_id, limits))

    def _authorize(self, req: Request, action: str) -> str:
        project_id = req.params["tenant_id"]
        self.nova.policy.authorize(req.context, QUOTA_SETS % action, {"project_id": project_id})
        return project_id

    def _quotas(self, project_id: str | None) -> dict[str, tuple[int, int]]:
        """(limit, in use) per resource: the configured quotas of servers, cores, RAM and
        metadata items, and the defaults of the rest."""
        cfg = self.nova.config
        instances, cores, ram = (
            self.nova.db.project_usage(project_id) if project_id is not None else (0, 0, 0)
        )
        out = {
            "instances": (cfg.quota_instances, instances),
            "cores": (cfg.quota_cores, cores),
            "ram": (cfg.quota_ram, ram),
            "metadata_items": (cfg.quota_metadata_items, 0),
        }
        for name, limit in {**fixed_limits(self.nova.kernel.switches), **_MORE_FIXED}.items():
            out[name] = (limit, 0)
        return out

    @staticmethod
    def _format(req: Request, project_id: str, values: dict[str, Any]) -> dict[str, Any]:
        """``_format_quota_set``: the id, then the resources in the engine's order."""
        filtered: frozenset[str] = frozenset()
        if req.microversion >= "2.57":
            filtered = FILTERED_V257
        elif req.microversion >= "2.36":
            filtered = FILTERED_V236
        result: dict[str, Any] = {"id": project_id}
        for name in RESOURCES:
            if name not in filtered:
                result[name] = values[name]
        return {"quota_set": result}
