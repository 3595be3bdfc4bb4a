"""Keystone's role writes: ``POST /v3/roles``, ``PATCH|DELETE /v3/roles/{id}``, global or
domain-specific (``keystone/api/roles.py``, ``assignment/core.py`` ``RoleManager``), and the
system role assignments of groups (``PUT|GET|HEAD|DELETE /v3/system/groups/{group}/roles/{role}``,
``GET /v3/system/groups/{group}/roles``).

Policy is Keystone's default for each: an admin (``identity:create_role``, ...; a
domain-specific role's ``identity:create_domain_role``, ... say the same). A role's name is
unique among the global roles, or among its domain's (409). A domain-specific role
(``domain_id``) is granted on its domain's projects only (403), never on the system (400);
it implies roles of any domain or global ones, no global role implies it (403), and it never
shows in a token or an effective role assignment: only the roles it implies do
(`fakecloud.identity.writes.WrittenDirectory`). An update renames the role everywhere (rules
and the tokens' next validation); ``domain_id`` never changes (400). The immutable option and
what each release shows are `fakecloud.identity.role_records`'.
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.identity import admin_schema, exception, role_records, sql_text
from fakecloud.identity.admin_api import _require_admin
from fakecloud.identity.api import _mapped
from fakecloud.identity.inference_api import KeystoneInferenceApi
from fakecloud.identity.models import Role
from fakecloud.profiles.series import (
    KEYSTONE_BODY_SCHEMA_SINCE,
    KEYSTONE_ROLE_DELETE_REREAD_SINCE,
    KEYSTONE_ROLE_DESCRIPTION_COLUMN_SINCE,
)


class KeystoneRolesApi(KeystoneInferenceApi):
    """Keystone's v3 API with the role writes and the system grants of groups."""

    @classmethod
    def declare_routes(cls, router: Any, variant: Any) -> None:
        """The routes before, then the role writes' and the system group grants'."""
        super().declare_routes(router, variant)
        for method, template, handler in (
            ("POST", "/v3/roles", cls.create_role),
            ("PATCH", "/v3/roles/{role_id}", cls.update_role),
            ("DELETE", "/v3/roles/{role_id}", cls.delete_role),
            ("GET", "/v3/system/groups/{group_id}/roles", cls.list_grants),
            ("GET", "/v3/system/groups/{group_id}/roles/{role_id}", cls.check_grant),
            ("PUT", "/v3/system/groups/{group_id}/roles/{role_id}", cls.create_grant),
            ("DELETE", "/v3/system/groups/{group_id}/roles/{role_id}", cls.revoke_grant),
        ):
            router.add(method, template, _mapped(handler))

    def _role_clash(self, name: str, domain_id: str | None, role_id: str = "") -> None:
        """409 if another role of the same domain (or another global role) is `name`."""
        d = self.directory
        for other in d.roles.values():
            if (
                other.name == name
                and other.id != role_id
                and d.extra_of(other.id).get("domain_id") == domain_id
            ):
                at = f" at domain ID {domain_id}" if domain_id else ""
                raise exception.Conflict(
                    type="role", details=f"Duplicate entry found with name {name}{at}"
                )

    def create_role(self, req: Request) -> Response:
        """``POST /v3/roles`` (admin): 201 and the role (implying none)."""
        ref, _ = self._checked(
            req,
            self._role_schema(admin_schema.ROLE_CREATE),
            "role",
            lambda ref: _require_admin(
                req, f"identity:create_{'domain_' if ref.get('domain_id') else ''}role"
            ),
            controller="create_role_wrapper",
        )
        sql_text.check(ref, *self._role_columns())
        self._role_clash(ref["name"], ref.get("domain_id") or None)
        d = self.keystone.writable()
        role = Role(self.kernel.ids.hex(), ref["name"])
        d.add_role(role, role_records.stored(self._release, ref))
        self._traced("role_created", role.name, role.id)
        return Response(201, {"role": self._role(req, role)})

    def _role_columns(self) -> tuple[str, ...]:
        """The role's strings its table holds (a description in ``extra`` before 16.0.0:
        keystone 16.0.0 assignment/role_backends/sql_model.py)."""
        if self._release >= KEYSTONE_ROLE_DESCRIPTION_COLUMN_SINCE:
            return ("name", "domain_id", "description")
        return ("name", "domain_id")

    def _role_schema(self, body_schema: dict[str, Any]) -> dict[str, Any]:
        """`body_schema` (27.0.0's create or update body) from 27.0.0; before, the release's
        own object schema, which ``lazy_validate`` prints in a refusal."""
        if self._release >= KEYSTONE_BODY_SCHEMA_SINCE:
            return body_schema
        return admin_schema.old_role(self._release, body_schema is admin_schema.ROLE_UPDATE)

    def _named_role(self, req: Request, action: str) -> Any:
        """The role the path names once the policy (its domain form's `action` for a
        domain-specific one) lets the caller on; a missing role is a 404 for anyone, as
        the policy's target is the role, looked up first (the keystone oracle, 30.0.0;
        13.x-14.x ``protected()``'s ``get_member_from_driver`` alike)."""
        role = self.directory.roles.get(req.params["role_id"])
        if role is None:
            raise exception.RoleNotFound(role_id=req.params["role_id"])
        if self.directory.extra_of(role.id).get("domain_id"):
            action = action.replace("_role", "_domain_role")
        _require_admin(req, action)
        return role

    def update_role(self, req: Request) -> Response:
        """``PATCH /v3/roles/{id}`` (admin): the role as changed (its name, description,
        options or extra attributes)."""
        role_id = req.params["role_id"]
        ref, old = self._checked(
            req,
            self._role_schema(admin_schema.ROLE_UPDATE),
            "role",
            lambda _: self._named_role(req, "identity:update_role"),
            controller="update_role_wrapper",
        )
        if ref.get("id") is not None and ref["id"] != role_id:
            raise exception.ValidationError("Cannot change ID")
        sql_text.check(ref, *self._role_columns())
        d = self.directory
        extra = d.extra_of(role_id)
        role_records.check_update(self._release, role_id, old.name, extra, ref)
        domain_id = extra.get("domain_id")
        if "domain_id" in ref and ref["domain_id"] != domain_id:
            raise exception.ValidationError("Update of `domain_id` is not allowed.")
        name = ref.get("name", old.name)
        self._role_clash(name, domain_id, role_id)
        role = Role(role_id, name, old.implies)
        stored = role_records.stored(self._release, ref, extra, old.name)
        self.keystone.writable().put_role(role, stored)
        self._traced("role_updated", name, role_id)
        return Response(200, {"role": self._role(req, role)})

    def delete_role(self, req: Request) -> Response:
        """``DELETE /v3/roles/{id}`` (admin): 204 and its assignments and rules gone (a token
        holding it loses it at its next validation; before 14.0.0 the tokens of its domain and
        system holders are revoked); an immutable role is a 403."""
        role = self._named_role(req, "identity:delete_role")
        if role_records.immutable(self._release, role.name, self.directory.extra_of(role.id)):
            raise exception.ResourceDeleteForbidden(type="role", resource_id=role.id)
        d = self.keystone.writable()
        doomed = (
            _domain_holders(d, role.id) if self._release < KEYSTONE_ROLE_DELETE_REREAD_SINCE else ()
        )
        d.remove_role(role.id, members_too=self._release < KEYSTONE_ROLE_DELETE_REREAD_SINCE)
        for user_id in doomed:
            self.keystone.revoke_tokens(user_id=user_id)
        self._traced("role_deleted", role.name, role.id)
        return Response(204)


def _domain_holders(d: Any, role_id: str) -> list[str]:
    """The users granted `role_id` on a domain or the system, directly or through a group
    (whose tokens Keystone 13 revokes when the role is deleted), in grant order."""
    users = [a.user_id for a in d.assignments if a.role_id == role_id and a.project_id is None]
    for g in d.group_grants:
        if g.role_id == role_id and g.project_id is None:
            users.extend(d.members[g.group_id])
    return list(dict.fromkeys(users))
