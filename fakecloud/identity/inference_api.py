"""Keystone's implied roles: a rule that a prior role brings another with it.

``GET /v3/roles/{prior}/implies``, ``PUT|GET|HEAD|DELETE /v3/roles/{prior}/implies/{implied}``
(``keystone/api/roles.py``, ``keystone/assignment/core.py``; ``GET /v3/role_inferences`` is
`fakecloud.identity.api`'s). A token issued after a rule holds the implied roles of the roles
it was granted (Keystone's ``[token] infer_roles``, on by default); the release's bootstrap
rules (`fakecloud.identity.config.bootstrap_roles`) are rules like any other. The prior role
is looked up first, then the implied one (404 for the first missing), then the policy (admin;
reads: or a system reader); ``admin`` may not be implied (``[assignment]
prohibited_implied_role``), a 403, and a rule made twice is a 409.
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.identity import exception
from fakecloud.identity.admin_api import KeystoneWritesApi, _require_admin
from fakecloud.identity.api import _is_admin, _mapped, _role_ref

#: ``[assignment] prohibited_implied_role``'s default.
PROHIBITED_IMPLIED_ROLES = ("admin",)


class KeystoneInferenceApi(KeystoneWritesApi):
    """Keystone's v3 API with the routes of implied roles."""

    @classmethod
    def declare_routes(cls, router: Any, variant: Any) -> None:
        """The routes before, then those of implied roles."""
        super().declare_routes(router, variant)
        one = "/v3/roles/{prior_role_id}/implies/{implied_role_id}"
        for method, template, handler in (
            ("GET", "/v3/roles/{prior_role_id}/implies", cls.list_implied_roles),
            ("GET", one, cls.get_implied_role),
            ("HEAD", one, cls.check_implied_role),
            ("PUT", one, cls.create_implied_role),
            ("DELETE", one, cls.delete_implied_role),
        ):
            router.add(method, template, _mapped(handler))

    def _rule(self, req: Request, action: str, read: bool = False) -> tuple[Any, Any]:
        """The prior and the implied role the path names, then the policy."""
        d = self.directory
        prior = d.roles.get(req.params["prior_role_id"])
        if prior is None:
            raise exception.RoleNotFound(role_id=req.params["prior_role_id"])
        implied = None
        if "implied_role_id" in req.params:
            implied = d.roles.get(req.params["implied_role_id"])
            if implied is None:
                raise exception.RoleNotFound(role_id=req.params["implied_role_id"])
        if not (read and _is_admin(req.context)):
            _require_admin(req, action)
        return prior, implied

    def _inference(self, req: Request, prior: Any, implies: Any) -> dict[str, Any]:
        return {
            "role_inference": {"prior_role": _role_ref(req, prior), "implies": implies},
            "links": {"self": f"{req.base_url}{req.path}"},
        }

    def _require_rule(self, prior: Any, implied: Any) -> None:
        if self.directory.role_key(implied) not in prior.implies:
            raise exception.ImpliedRoleNotFound(prior_role_id=prior.id, implied_role_id=implied.id)

    def list_implied_roles(self, req: Request) -> Response:
        """``GET /v3/roles/{prior}/implies``: the roles it implies directly."""
        prior, _ = self._rule(req, "identity:list_implied_roles", read=True)
        d = self.directory
        implies = [_role_ref(req, d.role_of(n)) for n in prior.implies]
        return Response(200, self._inference(req, prior, implies))

    def get_implied_role(self, req: Request) -> Response:
        """``GET /v3/roles/{prior}/implies/{implied}``: the rule, or a 404."""
        prior, implied = self._rule(req, "identity:get_implied_role", read=True)
        self._require_rule(prior, implied)
        return Response(200, self._inference(req, prior, _role_ref(req, implied)))

    def check_implied_role(self, req: Request) -> Response:
        """``HEAD /v3/roles/{prior}/implies/{implied}``: 204 if the rule holds (Keystone's
        own NO_CONTENT, kept "for API contract reasons")."""
        prior, implied = self._rule(req, "identity:check_implied_role", read=True)
        self._require_rule(prior, implied)
        return Response(204)

    def create_implied_role(self, req: Request) -> Response:
        """``PUT /v3/roles/{prior}/implies/{implied}``: 201 and the rule."""
        prior, implied = self._rule(req, "identity:create_implied_role")
        if implied.name in PROHIBITED_IMPLIED_ROLES:
            raise exception.InvalidImpliedRole(role_id=implied.id)
        d = self.directory
        if d.extra_of(implied.id).get("domain_id") and not d.extra_of(prior.id).get("domain_id"):
            # "Global role cannot imply a domain-specific role" (a security error's words)
            raise exception.InvalidImpliedRole(role_id=implied.id)
        key = d.role_key(implied)
        if key in prior.implies:
            raise exception.Conflict(type="implied_role", details="Duplicate entry")
        self.keystone.writable().set_implies(prior, (*prior.implies, key))
        self.kernel.trace.emit("identity.role_implied", self.keystone.name, prior.name,
                               implies=implied.name)  # fmt: skip
        return Response(201, self._inference(req, prior, _role_ref(req, implied)))

    def delete_implied_role(self, req: Request) -> Response:
        """``DELETE /v3/roles/{prior}/implies/{implied}``: 204."""
        prior, implied = self._rule(req, "identity:delete_implied_role")
        self._require_rule(prior, implied)
        key = self.directory.role_key(implied)
        kept = tuple(n for n in prior.implies if n != key)
        self.keystone.writable().set_implies(prior, kept)
        self.kernel.trace.emit("identity.role_implication_deleted", self.keystone.name,
                               prior.name, implies=implied.name)  # fmt: skip
        return Response(204)
