"""Keystone's groups: their records, their members, and the roles granted to them.

``GET|POST /v3/groups``, ``GET|HEAD|PATCH|DELETE /v3/groups/{group}``, ``GET
/v3/groups/{group}/users``, ``PUT|GET|HEAD|DELETE /v3/groups/{group}/users/{user}``, ``GET
/v3/users/{user}/groups``, and a group's grants ``/v3/{projects,domains}/{id}/groups/{group}/
roles[/{role}]`` (``keystone/api/groups.py``, ``users.py``, ``projects.py``, ``domains.py``;
``keystone/identity/core.py`` and its SQL driver for the words). A member's tokens carry the
roles granted to its groups (`fakecloud.identity.writes.WrittenDirectory`). Deleting a group
drops its memberships and grants and, if it had any grant, revokes its members' tokens;
taking a user out of a group revokes the user's tokens (``_persist_revocation_event_for_user``),
as does revoking a group's grant for the members' tokens on that scope.

Policy is Keystone's defaults as `fakecloud.identity.admin_api` distils them: an admin, or from
keystone 26.0.0 a ``manager`` scoped to the group's domain (and the user's, for a membership);
reads also a system reader, and from 16.0.0 a ``reader`` scoped to the group's domain.
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.identity import admin_schema, exception, sql_text
from fakecloud.identity.admin_api import (
    KeystoneWritesApi,
    _extra,
    _require_manager,
)
from fakecloud.identity.api import _filtered, _is_admin, _links, _mapped
from fakecloud.identity.config import DEFAULT_DOMAIN_ID
from fakecloud.identity.models import Group
from fakecloud.profiles.series import (
    KEYSTONE_DOMAIN_READER_SINCE,
    KEYSTONE_MEMBERSHIP_EXPIRY_SINCE,
)

_GROUP_FIELDS = ("id", "name", "domain_id", "description")


class KeystoneGroupsApi(KeystoneWritesApi):
    """Keystone's v3 API with groups: `KeystoneWritesApi` and the routes of groups."""

    @classmethod
    def declare_routes(cls, router: Any, variant: Any) -> None:
        """The writes' routes, then the groups'."""
        super().declare_routes(router, variant)
        for method, template, handler in (
            ("GET", "/v3/groups", cls.list_groups),
            ("POST", "/v3/groups", cls.create_group),
            ("GET", "/v3/groups/{group_id}", cls.get_group),
            ("PATCH", "/v3/groups/{group_id}", cls.update_group),
            ("DELETE", "/v3/groups/{group_id}", cls.delete_group),
            ("GET", "/v3/groups/{group_id}/users", cls.list_users_in_group),
            ("GET", "/v3/groups/{group_id}/users/{user_id}", cls.check_user_in_group),
            ("PUT", "/v3/groups/{group_id}/users/{user_id}", cls.add_user_to_group),
            ("DELETE", "/v3/groups/{group_id}/users/{user_id}", cls.remove_user_from_group),
            ("GET", "/v3/users/{user_id}/groups", cls.list_groups_for_user),
        ):
            router.add(method, template, _mapped(handler))
        for scope in ("/v3/projects/{project_id}", "/v3/domains/{domain_id}"):
            # a group's grants: the users' handlers (`KeystoneWritesApi._grant_target`)
            router.add("GET", f"{scope}/groups/{{group_id}}/roles", _mapped(cls.list_grants))
            one = f"{scope}/groups/{{group_id}}/roles/{{role_id}}"
            router.add("GET", one, _mapped(cls.check_grant))
            router.add("PUT", one, _mapped(cls.create_grant))
            router.add("DELETE", one, _mapped(cls.revoke_grant))

    # -- policy ------------------------------------------------------------------------------

    def _may_read(self, req: Request, domain_id: str | None, action: str) -> None:
        """An admin or a system reader, or (from 16.0.0) a reader scoped to the domain."""
        ctx = req.context
        if _is_admin(ctx):
            return
        readers = self._release >= KEYSTONE_DOMAIN_READER_SINCE
        _require_manager(req, domain_id, action, readers, role="reader")

    def _group(self, req: Request, action: str, read: bool = False) -> Group:
        """The group the path names once the policy on it lets the caller on (a missing
        group's 404 after the policy: Keystone's target is then empty)."""
        group = self.directory.groups.get(req.params["group_id"])
        domain_id = group.domain_id if group is not None else None
        if read:
            self._may_read(req, domain_id, action)
        else:
            _require_manager(req, domain_id, action, self._managers)
        if group is None:
            raise exception.GroupNotFound(group_id=req.params["group_id"])
        return group

    def _render(self, req: Request, group: Group) -> dict[str, Any]:
        return {
            "id": group.id,
            "name": group.name,
            "domain_id": group.domain_id,
            "description": group.description,
            "links": {"self": f"{req.base_url}/v3/groups/{group.id}"},
            **self.directory.extra_of(group.id),
        }

    # -- groups ------------------------------------------------------------------------------

    def list_groups(self, req: Request) -> Response:
        """``GET /v3/groups``, filters ``name`` and ``domain_id`` (a domain-scoped caller sees
        its domain's)."""
        ctx = req.context
        self._may_read(req, ctx.domain_id, "identity:list_groups")
        groups = _filtered(self.directory.groups.values(), req, ("domain_id", "name"))
        if ctx.domain_id:
            groups = [g for g in groups if g.domain_id == ctx.domain_id]
        return Response(
            200, {"groups": [self._render(req, g) for g in groups], "links": _links(req)}
        )

    def create_group(self, req: Request) -> Response:
        """``POST /v3/groups``: 201 and the group; 409 for a name its domain holds."""
        action = self._in_domain(req, "identity:create_group")
        body = admin_schema.group_body(self._release, update=False)
        ref, _ = self._checked(req, body, "group", action, controller="create_group")
        domain_id = ref.get("domain_id") or req.context.domain_id or DEFAULT_DOMAIN_ID
        d = self.keystone.writable()
        if domain_id not in d.domains:
            raise exception.DomainNotFound(domain_id=domain_id)
        admin_schema.check_name_length("Group", ref["name"], self._release)
        sql_text.check(ref, "name", "description")
        name = ref["name"].strip()
        if d.group_by_name(name, domain_id) is not None:
            raise _group_conflict(name, domain_id)
        group = Group(self.kernel.ids.hex(), name, domain_id, ref.get("description") or "")
        d.put_group(group, _extra(ref, _GROUP_FIELDS))
        self._traced("group_created", name, group.id)
        return Response(201, {"group": self._render(req, group)})

    def get_group(self, req: Request) -> Response:
        """``GET /v3/groups/{id}``."""
        return Response(
            200, {"group": self._render(req, self._group(req, "identity:get_group", True))}
        )

    def update_group(self, req: Request) -> Response:
        """``PATCH /v3/groups/{id}``: the group as changed (its domain stays)."""
        old = self._group(req, "identity:update_group")
        ref = self._body(
            req, admin_schema.group_body(self._release, update=True), "group", "update_group"
        )
        if ref.get("id") is not None and ref["id"] != old.id:
            raise exception.ValidationError("Cannot change ID")
        if "domain_id" in ref and ref["domain_id"] != old.domain_id:
            raise exception.ValidationError("Cannot change Domain ID")
        if "name" in ref:
            admin_schema.check_name_length("Group", ref["name"], self._release)
        sql_text.check(ref, "name", "description")
        name = ref["name"].strip() if "name" in ref else old.name
        d = self.keystone.writable()
        clash = d.group_by_name(name, old.domain_id)
        if clash is not None and clash.id != old.id:
            raise _group_conflict(name, old.domain_id)
        description = ref.get("description", old.description)
        group = Group(old.id, name, old.domain_id, description or "")
        d.put_group(group, _extra(ref, _GROUP_FIELDS))
        self._traced("group_updated", name, group.id)
        return Response(200, {"group": self._render(req, group)})

    def delete_group(self, req: Request) -> Response:
        """``DELETE /v3/groups/{id}``: 204; its memberships and grants go, and its members'
        tokens are revoked if it had a grant."""
        group = self._group(req, "identity:delete_group")
        d = self.keystone.writable()
        had_roles = any(g.group_id == group.id for g in d.group_grants)
        members = list(d.members[group.id])
        d.remove_group(group.id)
        if had_roles:
            for user_id in members:
                self.keystone.revoke_tokens(user_id=user_id)
        self._traced("group_deleted", group.name, group.id)
        return Response(204)

    # -- membership --------------------------------------------------------------------------

    def _membership(self, req: Request, action: str, read: bool = False) -> tuple[Group, Any]:
        """The group and the user the path names: the policy first (its target holds what
        exists), then the group's 404, then the user's."""
        d = self.directory
        group = d.groups.get(req.params["group_id"])
        user = d.users.get(req.params["user_id"])
        # both in the caller's domain: a manager's (from 26.0.0), a reader's for a check
        # (from 16.0.0)
        same = group is not None and req.context.domain_id == group.domain_id == (
            user.domain_id if user is not None else None
        )
        if read:
            self._may_read(req, group.domain_id if same else None, action)
        else:
            _require_manager(req, group.domain_id if same else None, action, self._managers)
        if group is None:
            raise exception.GroupNotFound(group_id=req.params["group_id"])
        if user is None:
            raise exception.UserNotFound(user_id=req.params["user_id"])
        return group, user

    def list_users_in_group(self, req: Request) -> Response:
        """``GET /v3/groups/{id}/users``, filters ``domain_id``, ``enabled``, ``name``."""
        group = self._group(req, "identity:list_users_in_group", True)
        d = self.directory
        users = _filtered(
            [d.users[u] for u in d.members[group.id]], req, ("domain_id", "enabled", "name")
        )
        return Response(200, {"users": [self._user(req, u) for u in users], "links": _links(req)})

    def check_user_in_group(self, req: Request) -> Response:
        """``GET|HEAD /v3/groups/{g}/users/{u}``: 204 if a member, else a 404."""
        group, user = self._membership(req, "identity:check_user_in_group", read=True)
        if user.id not in self.directory.members[group.id]:
            raise _not_member(user.id, group.id)
        return Response(204)

    def add_user_to_group(self, req: Request) -> Response:
        """``PUT /v3/groups/{g}/users/{u}``: 204, a member already or not."""
        group, user = self._membership(req, "identity:add_user_to_group")
        d = self.keystone.writable()
        if user.id not in d.members[group.id]:
            d.add_member(group.id, user.id)
            self.kernel.trace.emit("identity.group_member_added", self.keystone.name,
                                   group.name, user=user.name)  # fmt: skip
        return Response(204)

    def remove_user_from_group(self, req: Request) -> Response:
        """``DELETE /v3/groups/{g}/users/{u}``: 204 and the user's tokens revoked."""
        group, user = self._membership(req, "identity:remove_user_from_group")
        d = self.keystone.writable()
        if user.id not in d.members[group.id]:
            raise _not_member(user.id, group.id)
        d.remove_member(group.id, user.id)
        self.keystone.revoke_tokens(user_id=user.id)
        self.kernel.trace.emit("identity.group_member_removed", self.keystone.name,
                               group.name, user=user.name)  # fmt: skip
        return Response(204)

    def list_groups_for_user(self, req: Request) -> Response:
        """``GET /v3/users/{id}/groups``: oneself's, or any user's for an admin."""
        user_id = req.params["user_id"]
        user = self.directory.users.get(user_id)
        if user_id != req.context.user_id:
            self._may_read(req, user.domain_id if user else None, "identity:list_groups_for_user")
        if user is None:
            raise exception.UserNotFound(user_id=user_id)
        groups = [
            self._render(req, g)
            for g in _filtered(self.directory.groups_of(user_id), req, ("name",))
        ]
        if self._release >= KEYSTONE_MEMBERSHIP_EXPIRY_SINCE:
            groups = [{**g, "membership_expires_at": None} for g in groups]
        return Response(200, {"groups": groups, "links": _links(req)})


def _group_conflict(name: str, domain_id: str) -> exception.Error:
    return exception.Conflict(
        type="group", details=f"Duplicate entry found with name {name} at domain ID {domain_id}"
    )


def _not_member(user_id: str, group_id: str) -> exception.Error:
    return exception.NotFound(f"User '{user_id}' not found in group '{group_id}'")
