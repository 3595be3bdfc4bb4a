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
"""

from __future__ import annotations

from typing import Any

from fakecloud.identity.models import Assignment, Directory, Domain, Project, Role, User


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

    def extra_of(self, record_id: str) -> dict[str, Any]:
        """The attributes stored beside record `record_id`'s fields."""
        return self.extra.get(record_id, {})

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
        what it stored beside its fields."""
        self._put(self.projects, self._project_by_name, project, extra)

    def remove_project(self, project_id: str) -> Project:
        """Delete a project and every role assignment on it."""
        return self._remove(self.projects, self._project_by_name, project_id, "project_id")

    def put_user(self, user: User, extra: dict[str, Any]) -> None:
        """Add `user`, or replace the user of its id (its place kept); `extra` as a project's."""
        self._put(self.users, self._user_by_name, user, extra)

    def remove_user(self, user_id: str) -> User:
        """Delete a user and its role assignments."""
        return self._remove(self.users, self._user_by_name, user_id, "user_id")

    def put_domain(self, domain: Domain, extra: dict[str, Any]) -> None:
        """Add `domain`, or replace the domain of its id (its place kept)."""
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
        domain = self.domains.pop(domain_id)
        del self._domain_by_name[domain.name]
        self.extra.pop(domain_id, None)
        self._drop_assignments("domain_id", domain_id)
        return domain

    def add_role(self, role: Role, extra: dict[str, Any]) -> None:
        """Add a role (implying none)."""
        self.roles[role.id] = role
        self._role_by_name[role.name] = role
        self.extra[role.id] = extra

    def remove_role(self, role_id: str) -> Role:
        """Delete a role no role implies, and every assignment of it."""
        role = self.roles.pop(role_id)
        del self._role_by_name[role.name]
        self.extra.pop(role_id, None)
        self._drop_assignments("role_id", role_id)
        return role

    # -- role assignments --------------------------------------------------------------------

    def grant(self, assignment: Assignment) -> bool:
        """Add `assignment`; False if it was held already (Keystone's grant is idempotent)."""
        if assignment in self.assignments:
            return False
        self.assignments.append(assignment)
        self._effective.clear()
        return True

    def revoke(self, assignment: Assignment) -> None:
        """Remove `assignment` (it is held)."""
        self.assignments.remove(assignment)
        self._effective.clear()

    def _drop_assignments(self, field: str, record_id: str) -> None:
        kept = [a for a in self.assignments if getattr(a, field) != record_id]
        if len(kept) != len(self.assignments):
            self.assignments = kept
            self._effective.clear()
