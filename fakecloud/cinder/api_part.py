"""What Cinder's request handlers (``cinder.volume.api.API`` and its kin) start from: the
service, its kernel and store, and the policy check under the series' defaults."""

from __future__ import annotations

from typing import Any

from fakecloud.cinder import policy
from fakecloud.cinder.controllers import get_bool_param


class ApiPart:
    """One part of Cinder's API (volumes, snapshots, attachments, backups), bound to `cinder`."""

    def __init__(self, cinder: Any):
        self.cinder = cinder
        self.kernel = cinder.kernel
        self.store = cinder.store

    def _authorize(
        self, context: Any, action: str, project_id: str | None = None, user_id: str | None = None
    ) -> None:
        # `policy.authorize` in this frame (most requests pass here: one call fewer)
        rules = self.cinder.policy_rules
        if not policy.allowed(context, action, project_id, rules, user_id):
            raise policy.PolicyNotAuthorized(action=policy.checked_name(action, rules))

    @staticmethod
    def _project_query(context: Any, filters: Any) -> dict[str, Any]:
        """The filters as Cinder's volume list and ``calculate_resource_count`` query them:
        ``all_tenants`` read strictly (a 400 unless a boolean string), removed only when an
        admin's is true (every project), else the caller's project added and an ``all_tenants``
        left in (no column: nothing matches)."""
        every = get_bool_param("all_tenants", filters)
        query = dict(filters.items())
        if context.is_admin and every:
            del query["all_tenants"]
        else:
            query["project_id"] = context.project_id
        return query
