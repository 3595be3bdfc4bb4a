"""A directory Keystone's admin API has written to: projects, users and role assignments
created, changed and deleted after the cloud was built.

A built `Directory` is shared: forks share it, and the default world's template shares its
shape with every cloud of the process. So the first write of a cloud copies it into a
`WrittenDirectory` (`copy_of`), which is the cloud's own (forked and saved like any other
record) and keeps the directory as built (`origin`: what a saved file's header must build,
`fakecloud.state.agree`). A world Keystone never writes to keeps its built directory, so its
saved bytes and trace are what they were.

Each write keeps the lookups by name and the memo of effective roles in step with the
tables, and deleting a project or a user deletes its role assignments as Keystone does
(its servers, volumes and images stay, orphaned).

Groups, their members and their grants, and the projects made under another project (the
hierarchy), are tables a directory gets on its first such write (`_grow`): one written to
without them saves what it saved before they existed, and a directory saved then loads.
"""

from __future__ import annotations

from typing import Any

from fakecloud.identity import app_creds, credentials_store, limits_store, sql_text
from fakecloud.identity.models import (
    Assignment,
    Directory,
    Domain,
    Group,
    GroupAssignment,
    Project,
    Role,
    User,
)

_NO_EXTRA: dict[str, Any] = {}


class WrittenDirectory(Directory):
    """A cloud's own directory after a write, and the directory it was built with."""

    origin: Directory
    #: Attributes Keystone stores beside a record's own fields (a project's tags, a user's
    #: email or description, any extra attribute of a create or update), by record id.
    extra: dict[str, dict[str, Any]]

    @classmethod
    def copy_of(cls, built: Directory) -> WrittenDirectory:
        """A writable copy of `built` (its records shared: they are frozen)."""
        d = cls()
        d.domains = dict(built.domains)
        d.projects = dict(built.projects)
        d.users = dict(built.users)
        d.roles = dict(built.roles)
        d.assignments = list(built.assignments)
        d._domain_by_name = dict(built._domain_by_name)
        d._project_by_name = dict(built._project_by_name)
        d._user_by_name = dict(built._user_by_name)
        d._role_by_name = dict(built._role_by_name)
        d.origin = built
        d.extra = {}
        return d

    #: OS-INHERIT's grants (users' `Assignment` and groups' `GroupAssignment`, on a domain or
    #: a project, inherited by the projects under it, not held on it); a list from the first.
    inherited_grants: Any = ()

    def extra_of(self, record_id: str) -> dict[str, Any]:
        """The attributes stored beside record `record_id`'s fields."""
        return self.extra.get(record_id, {})

    def _grow(self) -> None:
        """The group and hierarchy tables of this directory, made on its first such write."""
        if "groups" not in self.__dict__:
            self.groups, self._group_by_name, self.members = {}, {}, {}
            self.group_grants, self.parents = [], {}

    def derived_indexes(self) -> list[tuple[str, Any, Any]]:
        """`Directory.derived_indexes`, and the groups by id and by name once it has them."""
        found = super().derived_indexes()
        by_name = {r.name: r for r in self.roles.values() if not self.role_domain(r.id)}
        found = [
            (n, held, by_name) if n == "_role_by_name" else (n, held, made)
            for n, held, made in found
        ]
        if "groups" in self.__dict__:
            found.append(("groups", self.groups, {g.id: g for g in self.groups.values()}))
            by_name = {(g.domain_id, g.name): g for g in self.groups.values()}
            found.append(("_group_by_name", self._group_by_name, by_name))
        return found

    def dangling_references(self) -> list[tuple[str, str]]:
        """`Directory.dangling_references`, and a member, a group's or an inherited grant or
        a parent naming a record the directory lacks (an inherited grant's user or group
        excepted: Keystone stores OS-INHERIT's grant to one that does not exist, 15.0.0 on)."""
        found = super().dangling_references()
        for group_id, held in self.members.items():
            for user_id in held:
                if group_id not in self.groups or user_id not in self.users:
                    found.append(("members", f"[{group_id!r}] holds the user {user_id!r}"))
        for field in ("group_grants", "inherited_grants"):
            for i, g in enumerate(getattr(self, field)):
                actors = field == "group_grants"
                for what, value, table in (
                    ("group", getattr(g, "group_id", None) if actors else None, self.groups),
                    ("user", getattr(g, "user_id", None) if actors else None, self.users),
                    ("role", g.role_id, self.roles),
                    ("project", g.project_id, self.projects),
                    ("domain", g.domain_id, self.domains),
                ):
                    if value is not None and value not in table:
                        found.append(
                            (field, f"[{i}] names the {what} {value!r}, which no {what} is")
                        )
        for child, parent in self.parents.items():
            if child not in self.projects or parent not in self.projects:
                found.append(("parents", f"[{child!r}] names the parent {parent!r}"))
        return found

    # -- the hierarchy -----------------------------------------------------------------------

    def parent_of(self, project: Project) -> str:
        """The id of `project`'s parent project, or of its domain for a root project."""
        return self.parents.get(project.id, project.domain_id)

    def children_of(self, project_id: str) -> list[Project]:
        """The projects whose parent is project `project_id`, in creation order."""
        if not self.parents:
            return []
        return [p for p in self.projects.values() if self.parents.get(p.id) == project_id]

    def set_parent(self, project_id: str, parent_id: str) -> None:
        """Make project `parent_id` the parent of project `project_id` (made under it)."""
        self._grow()
        self.parents[project_id] = parent_id

    def tags_of(self, project_id: str) -> list[str]:
        """The project's tags (stored beside its fields, as Keystone's API returns them)."""
        return list(self.extra_of(project_id).get("tags", ()))

    def _put(self, table: dict, by_name: dict, record: Any, extra: dict[str, Any]) -> None:
        old = table.get(record.id)
        if old is not None:
            del by_name[(old.domain_id, old.name)]
        table[record.id] = record
        by_name[(record.domain_id, record.name)] = record
        if extra:
            self.extra[record.id] = {**self.extra_of(record.id), **extra}

    def _remove(self, table: dict, by_name: dict, record_id: str, field: str) -> Any:
        record = table.pop(record_id)
        del by_name[(record.domain_id, record.name)]
        self.extra.pop(record_id, None)
        self._drop_assignments(field, record_id)
        return record

    def put_project(self, project: Project, extra: dict[str, Any]) -> None:
        """Add `project`, or replace the project of its id (its place kept); `extra` joins
        what it stored beside its fields. A name or description MySQL's ``utf8`` cannot
        store: Keystone's 500, nothing stored (`sql_text.columns`)."""
        sql_text.record_columns(project, "name", "description")
        self._put(self.projects, self._project_by_name, project, extra)

    def remove_project(self, project_id: str) -> Project:
        """Delete a project, every role assignment on it, its credentials and its limits (a
        leaf: its children first)."""
        credentials_store.drop(self, project_id=project_id)
        limits_store.drop_for_project(self, project_id)
        if self.parents:
            self.parents.pop(project_id, None)
        if self.group_grants:
            self._drop_group_grants("project_id", project_id)
        return self._remove(self.projects, self._project_by_name, project_id, "project_id")

    def put_user(self, user: User, extra: dict[str, Any]) -> None:
        """Add `user`, or replace the user of its id (its place kept); `extra` as a project's
        (the name a column: `sql_text.columns`)."""
        sql_text.record_columns(user, "name")
        self._put(self.users, self._user_by_name, user, extra)

    def remove_user(self, user_id: str) -> User:
        """Delete a user, its role assignments, its group memberships, its credentials and
        its application credentials and access rules."""
        for held in self.members.values():
            if user_id in held:
                held.remove(user_id)
        app_creds.drop_for_user(self, user_id)
        credentials_store.drop(self, user_id=user_id)
        return self._remove(self.users, self._user_by_name, user_id, "user_id")

    def put_domain(self, domain: Domain, extra: dict[str, Any]) -> None:
        """Add `domain`, or replace the domain of its id (its place kept; name and description
        columns: `sql_text.columns`)."""
        sql_text.record_columns(domain, "name", "description")
        old = self.domains.get(domain.id)
        if old is not None:
            del self._domain_by_name[old.name]
        self.domains[domain.id] = domain
        self._domain_by_name[domain.name] = domain
        if extra:
            self.extra[domain.id] = {**self.extra_of(domain.id), **extra}

    def remove_domain(self, domain_id: str) -> Domain:
        """Delete a domain with its projects and users, and every role assignment on them
        and on it (Keystone's ``_delete_domain_contents`` and its identity and assignment
        callbacks)."""
        for project in [p for p in self.projects.values() if p.domain_id == domain_id]:
            self.remove_project(project.id)
        for user in [u for u in self.users.values() if u.domain_id == domain_id]:
            self.remove_user(user.id)
        for group in [g for g in self.groups.values() if g.domain_id == domain_id]:
            self.remove_group(group.id)
        domain = self.domains.pop(domain_id)
        del self._domain_by_name[domain.name]
        self.extra.pop(domain_id, None)
        self._drop_assignments("domain_id", domain_id)
        if self.group_grants:
            self._drop_group_grants("domain_id", domain_id)
        return domain

    # -- roles: a domain-specific role (its ``domain_id`` among its extra attributes) is named
    # by its id in rules, and only brings the global roles it implies (Keystone strips domain
    # roles from effective assignments and tokens)

    def role_domain(self, role_id: str) -> str | None:
        """The domain of a domain-specific role, None for a global one."""
        return self.extra.get(role_id, _NO_EXTRA).get("domain_id")

    def role_key(self, role: Role) -> str:
        """A global role's name, a domain-specific role's id."""
        return role.id if self.role_domain(role.id) else role.name

    def role_of(self, key: str) -> Role | None:
        """The global role named `key`, or the domain-specific role of id `key`, or None."""
        role = self._role_by_name.get(key)
        if role is None and self.role_domain(key):
            role = self.roles[key]
        return role

    def implied(self, names: list[str] | tuple[str, ...]) -> tuple[str, ...]:
        """`Directory.implied` of role keys, the domain-specific roles left out once they
        brought what they imply."""
        return tuple(key for key in super().implied(names) if key in self._role_by_name)

    def add_role(self, role: Role, extra: dict[str, Any]) -> None:
        """Add a role (implying none); a domain-specific one has ``domain_id`` in `extra`
        (the name a column: `sql_text.columns`)."""
        sql_text.record_columns(role, "name")
        self.roles[role.id] = role
        self.extra[role.id] = extra
        if not self.role_domain(role.id):
            self._role_by_name[role.name] = role

    def put_role(self, role: Role, extra: dict[str, Any]) -> None:
        """Replace the role of `role`'s id (renamed: the rules naming it follow); `extra` is
        its whole extra."""
        sql_text.record_columns(role, "name")
        old = self.roles[role.id]
        key = self.role_key(old)
        self.roles[role.id] = role
        self.extra[role.id] = extra
        if key == old.name:
            del self._role_by_name[old.name]
            self._role_by_name[role.name] = role
            for prior in [r for r in self.roles.values() if key in r.implies]:
                self.set_implies(prior, tuple(role.name if n == key else n for n in prior.implies))
        self._effective.clear()

    def remove_role(self, role_id: str, members_too: bool = False) -> Role:
        """Delete a role, every assignment of it and every rule implying it, and the
        application credentials of its holders on their projects (`members_too`: its groups'
        members' too, `app_creds.drop_for_role`)."""
        role = self.roles[role_id]
        key = self.role_key(role)
        del self.roles[role_id]
        if key == role.name:
            del self._role_by_name[role.name]
        self.extra.pop(role_id, None)
        app_creds.drop_for_role(self, role_id, members_too)
        for prior in [r for r in self.roles.values() if key in r.implies]:
            self.set_implies(prior, tuple(n for n in prior.implies if n != key))
        self._drop_assignments("role_id", role_id)
        if self.group_grants:
            self._drop_group_grants("role_id", role_id)
        return role

    def set_implies(self, role: Role, implies: tuple[str, ...]) -> None:
        """Make `role` imply the roles `implies` names (`role_key`: Keystone's implied-role
        rules)."""
        changed = Role(role.id, role.name, implies)
        self.roles[role.id] = changed
        if not self.role_domain(role.id):
            self._role_by_name[role.name] = changed
        self._effective.clear()

    # -- groups ------------------------------------------------------------------------------

    def put_group(self, group: Group, extra: dict[str, Any]) -> None:
        """Add `group`, or replace the group of its id (its place kept; name and description
        columns: `sql_text.columns`)."""
        sql_text.record_columns(group, "name", "description")
        self._grow()
        self._put(self.groups, self._group_by_name, group, extra)
        self.members.setdefault(group.id, [])

    def group_by_name(self, name: str, domain_id: str) -> Group | None:
        """The group called `name` in domain `domain_id`, or None."""
        return self._group_by_name.get((domain_id, name))

    def remove_group(self, group_id: str) -> Group:
        """Delete a group, its memberships and its role grants."""
        group = self.groups.pop(group_id)
        del self._group_by_name[(group.domain_id, group.name)]
        self.extra.pop(group_id, None)
        del self.members[group_id]
        self._drop_group_grants("group_id", group_id)
        return group

    def add_member(self, group_id: str, user_id: str) -> None:
        """Put user `user_id` in group `group_id` (once)."""
        held = self.members[group_id]
        if user_id not in held:
            held.append(user_id)
            self._effective.clear()

    def remove_member(self, group_id: str, user_id: str) -> None:
        """Take user `user_id` (a member) out of group `group_id`."""
        self.members[group_id].remove(user_id)
        self._effective.clear()

    def _drop_group_grants(self, field: str, record_id: str) -> None:
        self.group_grants = [g for g in self.group_grants if getattr(g, field) != record_id]
        self._drop_inherited(field, record_id)
        self._effective.clear()

    def _drop_inherited(self, field: str, record_id: str) -> None:
        if self.inherited_grants:
            self.inherited_grants = [
                g for g in self.inherited_grants if getattr(g, field, None) != record_id
            ]
            self._effective.clear()

    def _direct(
        self, user_id: str, project_id: str | None, domain_id: str | None, system: bool
    ) -> list[str]:
        """A user's roles granted on a scope: its own grants', then its groups' (Keystone's
        ``get_roles_for_user_and_project``)."""
        roles = super()._direct(user_id, project_id, domain_id, system)
        if self.inherited_grants and project_id is not None:
            roles += self._inherited_roles(user_id, self.projects[project_id])
        if not self.group_grants:
            return roles
        mine = {g.id for g in self.groups_of(user_id)}
        # a group's system grant names neither a project nor a domain
        system_grant = project_id is None and domain_id is None
        if system_grant and not system:
            return roles
        return roles + [
            self.role_key(self.roles[g.role_id])
            for g in self.group_grants
            if g.group_id in mine and g.project_id == project_id and g.domain_id == domain_id
        ]

    def _inherited_roles(self, user_id: str, project: Project) -> list[str]:
        """The roles `user_id` (or a group of its) inherits on `project` from a grant on its
        domain or on a project above it (Keystone's ``inherited_to_projects``)."""
        above = {project.domain_id}
        parent_id = self.parent_of(project)
        while parent_id in self.projects:
            above.add(parent_id)
            parent_id = self.parent_of(self.projects[parent_id])
        mine = {g.id for g in self.groups_of(user_id)} if "groups" in self.__dict__ else set()
        return [
            self.role_key(self.roles[g.role_id])
            for g in self.inherited_grants
            if (g.group_id in mine if g.__class__ is GroupAssignment else g.user_id == user_id)
            and (g.project_id or g.domain_id) in above
        ]

    def projects_of(self, user_id: str) -> list[Project]:
        """The projects on which `user_id` holds any role, its groups' included."""
        ids = {a.project_id for a in self.assignments if a.user_id == user_id and a.project_id}
        if self.group_grants:
            mine = {g.id for g in self.groups_of(user_id)}
            ids |= {g.project_id for g in self.group_grants if g.group_id in mine}
        return [p for p in self.projects.values() if p.id in ids]

    # -- role assignments --------------------------------------------------------------------

    def grant(self, assignment: Assignment | GroupAssignment, inherited: bool = False) -> bool:
        """Add a user's or a group's grant (`inherited`: OS-INHERIT's); False if it was held
        already (Keystone's grant is idempotent)."""
        if assignment.__class__ is GroupAssignment:
            self._grow()
        held = self.held(assignment, inherited)
        if assignment in held:
            return False
        if inherited and not self.inherited_grants:
            held = self.inherited_grants = []
        held.append(assignment)
        self._effective.clear()
        return True

    def revoke(self, assignment: Assignment | GroupAssignment, inherited: bool = False) -> None:
        """Remove a user's or a group's grant (it is held)."""
        self.held(assignment, inherited).remove(assignment)
        self._effective.clear()

    def held(self, assignment: Any, inherited: bool) -> Any:
        """The grants of `assignment`'s kind: OS-INHERIT's, or the users' or the groups'."""
        if inherited:
            return self.inherited_grants
        return self.group_grants if assignment.__class__ is GroupAssignment else self.assignments

    def _drop_assignments(self, field: str, record_id: str) -> None:
        self._drop_inherited(field, record_id)
        kept = [a for a in self.assignments if getattr(a, field) != record_id]
        if len(kept) != len(self.assignments):
            self.assignments = kept
            self._effective.clear()
