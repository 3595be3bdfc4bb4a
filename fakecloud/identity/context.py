"""The caller of an API request, as every service's policy checks and ownership rules see it.

Built from a validated token by the identity layer; tests may build one directly::

    >>> ctx = RequestContext(user_id="u1", project_id="p1", roles=("member", "reader"))
    >>> ctx.is_admin
    False
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RequestContext:
    """User, project, roles and scope of one request (oslo.context's fields, distilled)."""

    user_id: str
    project_id: str | None
    roles: tuple[str, ...] = ()
    user_name: str = ""
    project_name: str = ""
    domain_id: str | None = "default"
    system_scope: str | None = None
    auth_token: str | None = None
    request_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    user_domain_id: str = "default"
    project_domain_id: str | None = "default"

    @property
    def is_admin(self) -> bool:
        """Whether the caller holds the admin role (Nova's and Cinder's ``context.is_admin``)."""
        return "admin" in self.roles

    def to_policy_values(self) -> dict[str, Any]:
        """The credentials dict oslo.policy rules read (``role:``, ``project_id:``, ...)."""
        return {
            "user_id": self.user_id,
            "project_id": self.project_id,
            "roles": list(self.roles),
            "domain_id": self.domain_id,
            "system_scope": self.system_scope,
            "is_admin": self.is_admin,
            "is_admin_project": True,
            "user_domain_id": self.user_domain_id,
            "project_domain_id": self.project_domain_id,
        }
