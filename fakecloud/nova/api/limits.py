"""``GET /limits`` (``nova/api/openstack/compute/limits.py`` and its view): the project's
absolute limits and usage, with the keys each microversion shows (2.36 drops the network
proxies, 2.39 ``maxImageMeta``, 2.57 the personality limits)."""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.nova.api.schemas import query_validator
from fakecloud.nova.policies import LIMITS, LIMITS_OTHER_PROJECT
from fakecloud.nova.quota import project_quotas

_LIMIT_NAMES = {
    "ram": ["maxTotalRAMSize"],
    "instances": ["maxTotalInstances"],
    "cores": ["maxTotalCores"],
    "key_pairs": ["maxTotalKeypairs"],
    "floating_ips": ["maxTotalFloatingIps"],
    "metadata_items": ["maxServerMeta", "maxImageMeta"],
    "injected_files": ["maxPersonality"],
    "injected_file_content_bytes": ["maxPersonalitySize"],
    "security_groups": ["maxSecurityGroups"],
    "security_group_rules": ["maxSecurityGroupRules"],
    "server_groups": ["maxServerGroups"],
    "server_group_members": ["maxServerGroupMembers"],
}
_USED = {
    "totalRAMUsed": "ram",
    "totalCoresUsed": "cores",
    "totalInstancesUsed": "instances",
    "totalFloatingIpsUsed": "floating_ips",
    "totalSecurityGroupsUsed": "security_groups",
    "totalServerGroupsUsed": "server_groups",
}
_FILTERED_V236 = ("floating_ips", "security_groups", "security_group_rules")
_FILTERED_V257 = (*_FILTERED_V236, "injected_files", "injected_file_content_bytes")


_QUERY_V275 = query_validator(False, tenant_id="string")


class LimitsController:
    """The limits of the caller's project (or another's, for admins with ``tenant_id``)."""

    def __init__(self, nova: Any):
        self.nova = nova

    def index(self, req: Request) -> Response:
        """``GET /limits``."""
        if req.query and req.microversion >= "2.75":
            # ``index_query_v275`` (nova 20.0.0-34.0.0 limits.py): only ``tenant_id``, checked
            # before the policy (found by the session-21 nova oracle).
            _QUERY_V275.validate(req.query)
        ctx = req.context
        policy = self.nova.policy
        # Queens checks ``limits`` (rule:admin_or_owner) against the caller's own project, and
        # ``os-used-limits`` against the project asked for; 21.0.0 an empty target, then the
        # other project's; 25.0.0 (ab084d4d1d) the caller's own for the other-project rule.
        legacy = policy.legacy
        policy.authorize(ctx, LIMITS, None if legacy else {})
        project_id = ctx.project_id
        if req.arg("tenant_id") is not None:
            project_id = req.arg("tenant_id")
            target = None
            if legacy:
                target = {"project_id": project_id, "user_id": ctx.user_id}
            elif self.nova.kernel.switches.release.major < 25:
                target = {"project_id": project_id}
            policy.authorize(ctx, LIMITS_OTHER_PROJECT, target)
        version = req.microversion
        filtered: tuple[str, ...] = ()
        if version >= "2.57":
            filtered = _FILTERED_V257
        elif version >= "2.36":
            filtered = _FILTERED_V236
        quotas = self._quotas(project_id)
        absolute: dict[str, Any] = {}
        for name, (limit, _used) in quotas.items():
            if name in filtered:
                continue
            for key in _LIMIT_NAMES[name]:
                if key == "maxImageMeta" and version >= "2.39":
                    continue
                absolute[key] = limit
        for key, name in _USED.items():
            if name in quotas and name not in filtered:
                absolute[key] = quotas[name][1]
        return Response(200, {"limits": {"rate": [], "absolute": absolute}})

    def _quotas(self, project_id: str) -> dict[str, tuple[int, int]]:
        """`project_quotas` of the resources ``/limits`` shows."""
        quotas = project_quotas(self.nova, project_id)
        return {name: quotas[name] for name in quotas if name in _LIMIT_NAMES}
