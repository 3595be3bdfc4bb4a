"""``GET /servers/{id}/os-security-groups`` (``security_groups.py``'s
``ServerSecurityGroupController.index``; nova 17.0.13, 21.2.4, 34.0.0): the security groups on
the server's port, as Neutron's default group is and Nova formats it.

The order of the checks is the release's: from 2.102 any query parameter is 400; before
21.0.0 (``policy_before_lookup``) the one rule ``os_compute_api:os-security-groups`` with the
caller's own project, then the lookup; from 21.0.0 the lookup, then
``os_compute_api:os-security-groups:list`` on the server's project. A server without a port
(booted with ``networks: none``) has no groups: ``{"security_groups": []}``.

Each group is Neutron's ``default`` of the server's project: its description, and its two
ingress rules (IPv4 and IPv6 from members of the group itself; Nova drops the egress ones),
each as Nova shows a rule with a remote group (no protocol, no ports, the group's name and
project, no ``ip_range``). fakecloud keeps no Neutron, so the group's and its rules' ids are
name-based UUIDs of the project: the same on every read, every run and every save.
"""

from __future__ import annotations

import uuid
from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.nova.api import schemas
from fakecloud.nova.network import GROUP_NAMESPACE, group_id
from fakecloud.nova.policies import SECURITY_GROUPS

#: Neutron's words for the group it makes in every project.
DEFAULT_DESCRIPTION = "Default security group"


def security_group(project_id: str, name: str) -> dict[str, Any]:
    """``_format_security_group`` of Neutron's group `name` in `project_id` (the ``default``
    group's ingress rules, each from the group itself)."""
    sg_id = group_id(project_id, name)
    rules = [
        {
            "from_port": None,
            "group": {"name": name, "tenant_id": project_id},
            "ip_protocol": None,
            "to_port": None,
            "parent_group_id": sg_id,
            "ip_range": {},
            "id": str(uuid.uuid5(GROUP_NAMESPACE, f"{sg_id}/ingress/{ethertype}")),
        }
        for ethertype in ("IPv4", "IPv6")
    ]
    return {
        "id": sg_id,
        "description": DEFAULT_DESCRIPTION,
        "name": name,
        "tenant_id": project_id,
        "rules": rules,
    }


class ServerSecurityGroupController:
    """The server's groups (``index``)."""

    def __init__(self, nova: Any, servers: Any):
        self.nova = nova
        self.servers = servers

    def index(self, req: Request) -> Response:
        """``GET /servers/{server_id}/os-security-groups``: 200 ``{"security_groups": [...]}``
        sorted by project and name."""
        schemas.refuse_any_query(req)
        ctx = req.context
        policy = self.nova.policy
        rule = SECURITY_GROUPS % "list"
        server_id = req.params["server_id"]
        if self.nova.kernel.switches.policy_before_lookup:
            policy.authorize(ctx, rule)
            instance = self.servers.get_server(ctx, server_id, copy=False)
        else:
            instance = self.servers.get_server(ctx, server_id, copy=False)
            policy.authorize(ctx, rule, {"project_id": instance.project_id})
        db = self.nova.db
        names = db.security_groups_of(instance.uuid) if db.network_number(instance.uuid) else []
        groups = [security_group(instance.project_id, name) for name in names]
        groups.sort(key=lambda g: (g["tenant_id"], g["name"]))
        return Response(200, {"security_groups": groups})
