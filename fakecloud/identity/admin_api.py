"""Keystone's writes of projects, users and role assignments (what Tempest's dynamic
credentials and ``openstack project|user create`` use), as the profile's Keystone serves them
(its series', `fakecloud.profiles.series`: keystone 13.0.x for ``seed``).

``POST /v3/projects``, ``PATCH|DELETE /v3/projects/{id}``, ``POST /v3/users``,
``PATCH|DELETE /v3/users/{id}``, ``GET /v3/{projects,domains}/{id}/users/{user}/roles`` and
``PUT|GET|HEAD|DELETE`` of one role there, and ``PUT|GET|HEAD|DELETE
/v3/system/users/{user}/roles/{role}`` (``keystone/api/{projects,users,domains,system}.py``).
Policy is Keystone's defaults: an admin, or from keystone 26.0.0 a ``manager`` with a token
scoped to the record's domain (``ADMIN_OR_DOMAIN_MANAGER``; a grant's role then one of manager,
member, reader).
Statuses and words are Keystone's: 201 with the record, 204, 404 ``Could not find project:
X.``, 409 for a name its domain holds, 400 for a body its JSON Schema refuses
(`fakecloud.identity.admin_schema`), each in its release's words. Deleting a project or a
user deletes its role assignments and revokes its tokens; what the project owned in Nova,
Cinder and Glance stays. A project made under another keeps the hierarchy's rules
(`fakecloud.identity.hierarchy`); groups, implied roles and project tags are served beside these
(`fakecloud.identity.v3`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.identity import (
    admin_schema,
    app_creds,
    endpoint_filter,
    exception,
    hierarchy,
    limits_store,
    passwords,
    resource_options,
    role_records,
    sql_text,
)
from fakecloud.identity.api import MANAGED_ROLES, KeystoneApi, _json, _links, _mapped
from fakecloud.identity.config import DEFAULT_DOMAIN_ID
from fakecloud.identity.models import Assignment, Domain, GroupAssignment, Project, User
from fakecloud.profiles.series import (
    KEYSTONE_BODY_SCHEMA_SINCE,
    KEYSTONE_EXPLICIT_DOMAIN_ID_SINCE,
    KEYSTONE_FLASK_CATALOG_SINCE,
    KEYSTONE_OS_INHERIT_FLASK_SINCE,
    KEYSTONE_PROJECT_CONFLICT_ID_SINCE,
    KEYSTONE_PROJECT_DELETE_DROPS_LIMITS_SINCE,
    KEYSTONE_PROJECT_OPTIONS_SINCE,
    KEYSTONE_REVOKE_MISSING_GROUP_SINCE,
    KEYSTONE_REVOKE_MISSING_SYSTEM_GROUP_SINCE,
    KEYSTONE_ROLE_DELETE_REREAD_SINCE,
    KEYSTONE_USER_REQUEST_SCHEMA_SINCE,
)

#: The grant policies' names for the system scope.
_SYSTEM_ACTIONS = {
    "identity:list_grants": "identity:list_system_grants_for_user",
    "identity:check_grant": "identity:check_system_grant_for_user",
    "identity:create_grant": "identity:create_system_grant_for_user",
    "identity:revoke_grant": "identity:revoke_system_grant_for_user",
}
#: 13.x-14.x's routed methods with a body's object as an argument that are no
#: ``protected()`` method but call one (keystone 13.0.4 and 14.2.0 assignment/controllers.py
#: ``RoleV3``, catalog/controllers.py ``RegionV3``): a body without the object is refused
#: before any policy.
_UNPROTECTED = frozenset({"create_role_wrapper", "update_role_wrapper", "create_region_with_id"})
#: What a project or user record holds in its own fields; any other attribute is its extra.
_PROJECT_FIELDS = ("id", "name", "domain_id", "description", "enabled", "parent_id", "is_domain")
_DOMAIN_FIELDS = ("id", "name", "description", "enabled")
_USER_FIELDS = ("id", "name", "domain_id", "password", "default_project_id", "enabled")


class KeystoneWritesApi(KeystoneApi):
    """Keystone's v3 API: the reads of `KeystoneApi` and the admin writes."""

    @classmethod
    def declare_routes(cls, router: Any, variant: Any) -> None:
        """The reads' routes, then the writes'."""
        super().declare_routes(router, variant)
        for method, template, handler in (
            ("POST", "/v3/projects", cls.create_project),
            ("PATCH", "/v3/projects/{project_id}", cls.update_project),
            ("DELETE", "/v3/projects/{project_id}", cls.delete_project),
            ("POST", "/v3/domains", cls.create_domain),
            ("PATCH", "/v3/domains/{domain_id}", cls.update_domain),
            ("DELETE", "/v3/domains/{domain_id}", cls.delete_domain),
            ("POST", "/v3/users", cls.create_user),
            ("PATCH", "/v3/users/{user_id}", cls.update_user),
            ("DELETE", "/v3/users/{user_id}", cls.delete_user),
            ("POST", "/v3/users/{user_id}/password", cls.change_password),
        ):
            router.add(method, template, _mapped(handler))
        for scope in ("/v3/projects/{project_id}", "/v3/domains/{domain_id}", "/v3/system"):
            router.add("GET", f"{scope}/users/{{user_id}}/roles", _mapped(cls.list_grants))
            one = f"{scope}/users/{{user_id}}/roles/{{role_id}}"
            router.add("GET", one, _mapped(cls.check_grant))
            router.add("PUT", one, _mapped(cls.create_grant))
            router.add("DELETE", one, _mapped(cls.revoke_grant))
        for target in ("domains/{domain_id}", "projects/{project_id}"):
            for actor in ("users/{user_id}", "groups/{group_id}"):
                roles = f"/v3/OS-INHERIT/{target}/{actor}/roles"
                if target.startswith("domains"):
                    router.add("GET", f"{roles}/inherited_to_projects", _mapped(cls.list_grants))
                one = f"{roles}/{{role_id}}/inherited_to_projects"
                router.add("GET", one, _mapped(cls.check_grant))
                router.add("PUT", one, _mapped(cls.create_grant))
                router.add("DELETE", one, _mapped(cls.revoke_grant))

    @property
    def _release(self) -> int:
        """The Keystone major of the cloud's series."""
        return self.kernel.switches.series.keystone

    def _old(self, body_schema: dict[str, Any]) -> dict[str, Any]:
        """`body_schema` (27.0.0's project, user or domain create or update body) from 27.0.0 (a
        user's as 28.0.0 has it from 28.0.0: `admin_schema.user_28`);
        before, the release's own object schema, which ``lazy_validate`` prints in a
        refusal (`admin_schema.old_project`, `admin_schema.old_user`,
        `admin_schema.old_domain`)."""
        release = self._release
        if release >= KEYSTONE_USER_REQUEST_SCHEMA_SINCE:
            if body_schema is admin_schema.USER_CREATE:
                return admin_schema.USER_CREATE_28
            if body_schema is admin_schema.USER_UPDATE:
                return admin_schema.USER_UPDATE_28
        if release >= KEYSTONE_BODY_SCHEMA_SINCE:
            return body_schema
        if "project" in body_schema["properties"]:
            return admin_schema.old_project(release, body_schema is admin_schema.PROJECT_UPDATE)
        if "domain" in body_schema["properties"]:
            return admin_schema.old_domain(body_schema is admin_schema.DOMAIN_UPDATE)
        return admin_schema.old_user(release, body_schema is admin_schema.USER_UPDATE)

    def _options_of(self, record_id: str, ref: dict[str, Any], kind: str) -> Any:
        """From 16.0.0, an update `ref` of project or domain `record_id` (`kind`) refused
        while the record is immutable (``_update_project``'s first check), then the options
        it leaves (`resource_options.merged`), None if `ref` names none."""
        if self._release < KEYSTONE_PROJECT_OPTIONS_SINCE:
            return None
        kept = self.directory.extra_of(record_id).get("options", {})
        resource_options.check_immutable_update(kept, ref, kind, record_id)
        return resource_options.merged(ref["options"], kept) if "options" in ref else None

    def _default_project_not_a_domain(self, ref: dict[str, Any]) -> None:
        """``_assert_default_project_id_is_not_domain`` (keystone 13.0.0-30.0.0
        identity/core.py ``create_user``/``update_user``): a ``default_project_id`` naming a
        domain (a project acting as one) is 400; one naming nothing is taken. Its lookup is a
        query: one UTF-8 cannot encode is Keystone's 500 (`sql_text`)."""
        value = ref.get("default_project_id")
        if value and sql_text.text_of(value) in self.directory.domains:
            raise exception.ValidationError(
                f"User's default project ID cannot be a domain ID: {value}"
            )

    def _default_project_length(self, ref: dict[str, Any]) -> None:
        """From 28.0.0 no schema bounds ``default_project_id``: the model refuses one past its
        column (``StringLengthExceeded``, keystone common/sql/core.py, after the password's
        hash), 400."""
        value = ref.get("default_project_id")
        if isinstance(value, str) and len(value) > admin_schema.DEFAULT_PROJECT_ID_LENGTH:
            raise exception.ValidationError(
                f"String length exceeded. The length of string '{value}' exceeds the limit of "
                f"column default_project_id(CHAR({admin_schema.DEFAULT_PROJECT_ID_LENGTH}))."
            )

    def _body(
        self, req: Request, body_schema: dict[str, Any], key: str, controller: str = ""
    ) -> dict[str, Any]:
        """The request's object under `key`, once it passes `body_schema` (the policy
        checked before; `controller` as `_checked`'s)."""
        return self._checked(req, body_schema, key, lambda ref: None, controller=controller)[0]

    def _checked(
        self,
        req: Request,
        body_schema: dict[str, Any],
        key: str,
        policy: Callable[[dict[str, Any]], Any],
        since: int = KEYSTONE_BODY_SCHEMA_SINCE,
        absent: Callable[[], None] | None = None,
        controller: str = "",
    ) -> tuple[dict[str, Any], Any]:
        """The request's object under `key` and what `policy` (given the object, raising if
        the caller may not) returned. From 27.0.0 (`since`) the whole body passes
        `body_schema` first (the schema decorator); before, the policy runs first
        (``enforce_call``), then `absent` if the body has no such object (its release's
        refusal), then the object alone is checked, in ``lazy_validate``'s words. In
        13.x-14.x a route calls its `controller` with the object as an argument: a body
        without it is wsgi's ``TypeError`` 400 (Python 3's words), after the policy where
        the method is ``protected()`` (its wrapper takes ``*args, **kwargs`` and enforces
        before it calls the method: keystone 13.0.4 and 14.2.0 common/controller.py) and
        before any where the route's method is an unprotected wrapper (`_UNPROTECTED`)."""
        body = _json(req)
        if controller and self._release < KEYSTONE_FLASK_CATALOG_SINCE and key not in body:
            if controller not in _UNPROTECTED:
                policy({})
            raise exception.MissingArgument(method=controller, name=key)
        if self._release >= since:
            admin_schema.validate(body_schema, body)
            ref = dict(body.get(key, {}))
            return ref, policy(ref)
        ref = body.get(key, {}) if isinstance(body, dict) else body
        allowed = policy(ref if isinstance(ref, dict) else {})
        if absent is not None and isinstance(body, dict) and key not in body:
            absent()
        flag = ref.get("enabled") if isinstance(ref, dict) else None
        if isinstance(flag, str):
            # the record's own schema before 27.0.0: common parameter_types.boolean ('type'
            # before 'enum', so the type error is the one told), whose enum an import-time
            # nullable() extends with None, in jsonschema's sorted pformat (the keystone
            # oracle, 25.0.0; 13.0.4's schema is the same, its error order assumed so)
            raise exception.SchemaValidationError(
                detail=f"Invalid input for field 'enabled': {flag!r} is not of type 'boolean'\n\n"
                "Failed validating 'type' in schema['properties']['enabled']:\n"
                "    {'enum': [True, False, None], 'type': 'boolean'}\n\n"
                f"On instance['enabled']:\n    {flag!r}"
            )
        admin_schema.lazy_validate(body_schema["properties"][key], ref, self._release)
        return dict(ref), allowed

    def _in_domain(self, req: Request, action: str) -> Callable[[dict[str, Any]], None]:
        """The policy of a create: `action` in the domain the object names."""
        return lambda ref: _require_manager(req, ref.get("domain_id"), action, self._managers)

    def _project_conflict(self, name: str, project_id: str) -> exception.Error:
        if self._release < KEYSTONE_PROJECT_CONFLICT_ID_SINCE:
            details = (
                f"it is not permitted to have two projects with the same name in the same "
                f"domain : {name}"
            )
        else:
            details = (
                "it is not permitted to have two projects with either the same name or same "
                f"id in the same domain: name is {name}, project id {project_id}"
            )
        return exception.Conflict(type="project", details=details)

    def _traced(self, what: str, name: str, record_id: str) -> None:
        """The trace's ``identity.<what>`` event (``project_created``, ...) for a record."""
        self.kernel.trace.emit(f"identity.{what}", self.keystone.name, name, id=record_id)

    def _named(self, req: Request, kind: str, action: str) -> Any:
        """The project or user (`kind`) the path names, None if none, once the policy on it
        lets the caller on (a missing record's 404 comes after the policy, as Keystone's
        target is built)."""
        table = self.directory.projects if kind == "project" else self.directory.users
        old = table.get(req.params[f"{kind}_id"])
        _require_manager(req, old.domain_id if old else None, action, self._managers)
        return old

    # -- projects ----------------------------------------------------------------------------

    def create_project(self, req: Request) -> Response:
        """``POST /v3/projects``: 201 and the project."""
        action = self._in_domain(req, "identity:create_project")
        ref, _ = self._checked(
            req,
            self._old(admin_schema.PROJECT_CREATE),
            "project",
            action,
            controller="create_project",
        )
        if "name" not in ref:
            # From 27.0.0 the schema requires no "project" object, and keystone's
            # create_project reads project['name']: its KeyError is the unexpected 500.
            raise exception.Error()
        if admin_schema.as_bool(ref.get("is_domain")):
            return self._create_domain_project(req, ref)
        d = self.keystone.writable()
        domain_id = ref.get("domain_id") or req.context.domain_id or DEFAULT_DOMAIN_ID
        if domain_id not in d.domains:
            raise exception.ValidationError(f"Could not find domain: {domain_id}.")
        parent_id = ref.get("parent_id")
        if parent_id and parent_id != domain_id:
            depth = self.kernel.config.identity.max_project_tree_depth
            hierarchy.check_parent(d, parent_id, domain_id, depth)
        sql_text.check(ref, "name", "description", "tags")
        if "options" in ref and self._release >= KEYSTONE_PROJECT_OPTIONS_SINCE:
            ref["options"] = resource_options.merged(ref["options"], {})
        name = ref["name"].strip()
        project_id = self.kernel.ids.hex()
        if d.project_by_name(name, domain_id) is not None:
            raise self._project_conflict(name, project_id)
        project = Project(
            project_id,
            name,
            domain_id,
            ref.get("description", ""),
            _enabled(ref.get("enabled", True)),
        )
        d.put_project(project, _extra(ref, _PROJECT_FIELDS))
        if parent_id and parent_id != domain_id:
            d.set_parent(project_id, parent_id)
        self._traced("project_created", name, project_id)
        return Response(201, {"project": self._project(req, project)})

    def _create_domain_project(self, req: Request, ref: dict[str, Any]) -> Response:
        """A project acting as a domain (``is_domain``): a root (no parent, no domain) that is
        the new domain, shown as a project (``resource/core.py`` ``create_project``)."""
        if ref.get("domain_id") or ref.get("parent_id"):
            raise exception.Forbidden(
                "Projects acting as domains are served by fakecloud only as roots."
            )
        sql_text.check(ref, "name", "description")
        name = ref["name"].strip()
        if self.directory.domain_by_name(name) is not None:
            raise _domain_conflict(name)
        domain = Domain(
            self.kernel.ids.hex(),
            name,
            ref.get("description", ""),
            _enabled(ref.get("enabled", True)),
        )
        self.keystone.writable().put_domain(domain, {})
        self._traced("domain_created", name, domain.id)
        return Response(201, {"project": self._domain_project(req, domain)})

    def update_project(self, req: Request) -> Response:
        """``PATCH /v3/projects/{id}``: the project as changed."""
        project_id = req.params["project_id"]
        ref, old = self._checked(
            req,
            self._old(admin_schema.PROJECT_UPDATE),
            "project",
            lambda _: self._named(req, "project", "identity:update_project"),
            controller="update_project",
        )
        if ref.get("id") is not None and ref["id"] != project_id:
            raise exception.ValidationError("Cannot change ID")
        if old is None and project_id in self.directory.domains:
            domain = self._update_domain(project_id, ref)
            return Response(200, {"project": self._domain_project(req, domain)})
        if old is None:
            raise exception.ProjectNotFound(project_id=project_id)
        if "domain_id" in ref and ref["domain_id"] != old.domain_id:
            raise exception.ValidationError("Cannot change Domain ID")
        options = self._options_of(project_id, ref, "project")
        if "is_domain" in ref and admin_schema.as_bool(ref["is_domain"]):
            raise exception.ValidationError("Cannot change is_domain attribute of a project")
        if "parent_id" in ref and ref["parent_id"] != self.directory.parent_of(old):
            raise exception.Forbidden("Update of `parent_id` is not allowed.")
        sql_text.check(ref, "name", "description", "tags")
        if options is not None:
            ref = {**ref, "options": options}
        name = ref["name"].strip() if "name" in ref else old.name
        d = self.keystone.writable()
        clash = d.project_by_name(name, old.domain_id)
        if clash is not None and clash.id != project_id:
            raise self._project_conflict(name, project_id)
        enabled = _enabled(ref["enabled"]) if "enabled" in ref else old.enabled
        hierarchy.check_enabled_change(d, old, enabled)
        project = Project(
            project_id,
            name,
            old.domain_id,
            ref.get("description", old.description),
            enabled,
        )
        d.put_project(project, _extra(ref, _PROJECT_FIELDS))
        if old.enabled and not enabled:  # a disabled project's tokens are revoked
            self.keystone.revoke_tokens(project_id=project_id)
        self._traced("project_updated", name, project_id)
        # a project's tags are a column of its own in every release (``Project.attributes``),
        # its options from 16.0.0: neither is its ``extra``
        own = ("options", "tags") if self._release >= KEYSTONE_PROJECT_OPTIONS_SINCE else ("tags",)
        extra = {k: v for k, v in d.extra_of(project_id).items() if k not in own}
        return Response(200, {"project": _with_extra(self._project(req, project), extra)})

    def delete_project(self, req: Request) -> Response:
        """``DELETE /v3/projects/{id}``: 204; its assignments, tokens and limits go, its
        servers, volumes and images stay (Keystone tells no other service); 13.x refuses one
        with limits (`_check_no_limits`)."""
        project_id = req.params["project_id"]
        old = self._named(req, "project", "identity:delete_project")
        domain = self.directory.domains.get(project_id)
        if old is None and domain is not None:  # a project acting as a domain
            return self._delete_domain(domain)
        if old is None:
            raise exception.ProjectNotFound(project_id=project_id)
        if self._release >= KEYSTONE_PROJECT_OPTIONS_SINCE:
            kept = self.directory.extra_of(project_id).get("options", {})
            resource_options.check_immutable_delete(kept, "project", project_id)
        hierarchy.check_leaf(self.directory, project_id)
        self._check_no_limits({project_id})
        self.keystone.writable().remove_project(project_id)
        endpoint_filter.forget(self.keystone.catalog, 1, project_id)
        self.keystone.revoke_tokens(project_id=project_id)
        self._traced("project_deleted", old.name, project_id)
        return Response(204)

    def _check_no_limits(self, project_ids: set[str]) -> None:
        """13.x: Keystone's 500 if a limit is a project's of `project_ids`, nothing deleted.
        Its ``limit.project_id`` is a foreign key of ``project.id`` (keystone 13.0.4 expand
        migration 033, ``limit/backends/sql.py`` ``LimitModel``) and ``_delete_project``
        deletes no limit, so MySQL refuses the project's row (1451, an ``IntegrityError``):
        ``handle_conflicts``' ``UnexpectedError``, the transaction rolled back."""
        if self._release < KEYSTONE_PROJECT_DELETE_DROPS_LIMITS_SINCE and (
            limits_store.any_for_projects(self.directory, project_ids)
        ):
            raise exception.Error()

    # -- domains -----------------------------------------------------------------------------

    def create_domain(self, req: Request) -> Response:
        """``POST /v3/domains`` (admin): 201 and the domain. From 16.0.0 an
        ``explicit_domain_id`` not None is its id once `_validate_id_format` takes it, and
        stays in the domain as an extra attribute until 27.0.0 pops it (keystone 16.0.0-30.0.0
        ``api/domains.py``; before 16.0.0 it is only an extra attribute); its ``options``
        are `resource_options.merged`'s."""
        _require_admin(req, "identity:create_domain")
        release = self._release
        ref = self._body(req, self._old(admin_schema.DOMAIN_CREATE), "domain", "create_domain")
        explicit = None
        if release >= KEYSTONE_EXPLICIT_DOMAIN_ID_SINCE:
            explicit = ref.get("explicit_domain_id")
            if explicit is not None:
                _validate_id_format(explicit)
        if release >= KEYSTONE_BODY_SCHEMA_SINCE:
            ref.pop("explicit_domain_id", None)
        sql_text.check(ref, "name", "description", "explicit_domain_id")
        domain_id = explicit or self.kernel.ids.hex()
        if "options" in ref and release >= KEYSTONE_PROJECT_OPTIONS_SINCE:
            ref["options"] = resource_options.merged(ref["options"], {})
        d = self.keystone.writable()
        name = ref["name"].strip()
        if d.domain_by_name(name) is not None or domain_id in d.domains:
            raise _domain_conflict(name)
        domain = Domain(
            domain_id,
            name,
            ref.get("description", ""),
            _enabled(ref.get("enabled", True)),
        )
        d.put_domain(domain, _extra(ref, _DOMAIN_FIELDS))
        self._traced("domain_created", name, domain_id)
        return Response(201, {"domain": self._domain(req, domain)})

    def update_domain(self, req: Request) -> Response:
        """``PATCH /v3/domains/{id}`` (admin): the domain as changed; disabling it revokes the
        tokens of its users and projects and those scoped to it."""
        _require_admin(req, "identity:update_domain")
        domain_id = req.params["domain_id"]
        old = self.directory.domains.get(domain_id)
        if old is None:
            raise exception.DomainNotFound(domain_id=domain_id)
        ref = self._body(req, self._old(admin_schema.DOMAIN_UPDATE), "domain", "update_domain")
        return Response(200, {"domain": self._domain(req, self._update_domain(domain_id, ref))})

    def _update_domain(self, domain_id: str, ref: dict[str, Any]) -> Domain:
        """Domain `domain_id` as `ref` changes it (a domain's update, or its project's)."""
        old = self.directory.domains[domain_id]
        options = self._options_of(domain_id, ref, "domain")
        sql_text.check(ref, "name", "description")
        if options is not None:
            ref = {**ref, "options": options}
        name = ref["name"].strip() if "name" in ref else old.name
        d = self.keystone.writable()
        clash = d.domain_by_name(name)
        if clash is not None and clash.id != domain_id:
            raise _domain_conflict(name)
        enabled = _enabled(ref["enabled"]) if "enabled" in ref else old.enabled
        domain = Domain(domain_id, name, ref.get("description", old.description), enabled)
        d.put_domain(domain, _extra(ref, _DOMAIN_FIELDS))
        if old.enabled and not enabled:
            self.keystone.revoke_tokens(domain_id=domain_id)
        self._traced("domain_updated", name, domain_id)
        return domain

    def delete_domain(self, req: Request) -> Response:
        """``DELETE /v3/domains/{id}`` (admin, a disabled domain): 204; its projects, users
        and role assignments go with it."""
        _require_admin(req, "identity:delete_domain")
        domain_id = req.params["domain_id"]
        old = self.directory.domains.get(domain_id)
        if old is None:
            raise exception.DomainNotFound(domain_id=domain_id)
        return self._delete_domain(old)

    def _delete_domain(self, old: Domain) -> Response:
        """204 once domain `old` is gone with its projects, users and grants; 403 while it is
        enabled (``resource/core.py`` ``_delete_domain``, a domain's or its project's), and
        from 16.0.0 while it is immutable (first)."""
        if self._release >= KEYSTONE_PROJECT_OPTIONS_SINCE:
            kept = self.directory.extra_of(old.id).get("options", {})
            resource_options.check_immutable_delete(kept, "domain", old.id)
        if old.enabled:
            raise exception.Forbidden(
                "Cannot delete a domain that is enabled, please disable it first."
            )
        d = self.directory
        if self._release < KEYSTONE_PROJECT_DELETE_DROPS_LIMITS_SINCE and (
            limits_store.any_for_projects(
                d, {old.id, *(p.id for p in d.projects.values() if p.domain_id == old.id)}
            )
        ):
            self._half_delete_domain(old)
        self.keystone.writable().remove_domain(old.id)
        self.keystone.revoke_tokens(domain_id=old.id)
        self._traced("domain_deleted", old.name, old.id)
        return Response(204)

    def _half_delete_domain(self, domain: Domain) -> None:
        """13.x's delete of a disabled domain where a limit names it or one of its projects:
        each step its own transaction (keystone 13.0.4 ``resource/core.py`` ``delete_domain``),
        so what came before the refused row stays deleted. ``_delete_domain_contents`` walks
        the domain's projects (``list_projects_in_domain``, read here by the ``(domain_id,
        name)`` unique key, in name order), each root's children before it, deleting each as
        ``DELETE /v3/projects`` does; a project with limits is MySQL's refusal of its row
        (`_check_no_limits`: Keystone's 500), the walk ends there. All deleted, the
        ``DOMAIN_DELETED`` callback (``identity/core.py`` ``_domain_deleted``) deletes its
        groups and users, and then the domain's own row, held by its own limits, is the 500."""
        d = self.directory
        mine = sorted(
            (p for p in d.projects.values() if p.domain_id == domain.id),
            key=lambda p: p.name,
        )
        examined: set[str] = set()
        for root in [p for p in mine if d.parent_of(p) == domain.id]:
            self._delete_subtree(root, mine, examined)
        writable = self.keystone.writable()
        for group in [g for g in d.groups.values() if g.domain_id == domain.id]:
            writable.remove_group(group.id)
        for user in [u for u in d.users.values() if u.domain_id == domain.id]:
            writable.remove_user(user.id)
            self.keystone.revoke_tokens(user_id=user.id)
        left = {p.id for p in d.projects.values() if p.domain_id == domain.id}
        self._check_no_limits({domain.id, *left})

    def _delete_subtree(self, project: Any, mine: list[Any], examined: set[str]) -> None:
        """``_delete_projects``: `project`'s children (of `mine`) first, then `project`."""
        if project.id in examined:
            return
        examined.add(project.id)
        for child in [p for p in mine if self.directory.parent_of(p) == project.id]:
            self._delete_subtree(child, mine, examined)
        self._check_no_limits({project.id})
        self.keystone.writable().remove_project(project.id)
        endpoint_filter.forget(self.keystone.catalog, 1, project.id)
        self.keystone.revoke_tokens(project_id=project.id)
        self._traced("project_deleted", project.name, project.id)

    # -- users -------------------------------------------------------------------------------

    def create_user(self, req: Request) -> Response:
        """``POST /v3/users``: 201 and the user (never its password)."""
        action = self._in_domain(req, "identity:create_user")
        ref, _ = self._checked(
            req, self._old(admin_schema.USER_CREATE), "user", action, controller="create_user"
        )
        admin_schema.check_name_length("User", ref["name"], self._release)
        d = self.keystone.writable()
        domain_id = ref.get("domain_id") or req.context.domain_id or DEFAULT_DOMAIN_ID
        if domain_id not in d.domains:
            raise exception.DomainNotFound(domain_id=domain_id)
        self._default_project_not_a_domain(ref)
        name = ref["name"].strip()  # the manager's create_user, every release
        if ref.get("password") is not None:  # hashed by the model, before the row's conflict
            self.keystone.read_password(ref["password"], name)
        self._default_project_length(ref)
        sql_text.check(ref, "name")
        if d.user_by_name(name, domain_id) is not None:
            raise _user_conflict(name, domain_id)
        user = User(
            self.kernel.ids.hex(),
            name,
            domain_id,
            ref.get("password"),
            ref.get("default_project_id"),
            _enabled(ref.get("enabled", True)),
        )
        if "options" in ref:
            ref["options"] = resource_options.updated(ref["options"], {})
        d.put_user(user, _extra(ref, _USER_FIELDS))
        self._traced("user_created", name, user.id)
        return Response(201, {"user": self._user(req, user)})

    def update_user(self, req: Request) -> Response:
        """``PATCH /v3/users/{id}``: the user as changed; a new password or a disabled user
        revokes its tokens."""
        user_id = req.params["user_id"]
        old = self._named(req, "user", "identity:update_user")
        if old is None:
            raise exception.UserNotFound(user_id=user_id)
        ref = self._body(req, self._old(admin_schema.USER_UPDATE), "user", "update_user")
        if ref.get("id") is not None and ref["id"] != user_id:
            raise exception.ValidationError("Cannot change ID")
        if "domain_id" in ref and ref["domain_id"] != old.domain_id:
            raise exception.ValidationError("Cannot change Domain ID")
        if "name" in ref:
            admin_schema.check_name_length("User", ref["name"], self._release)
        self._default_project_not_a_domain(ref)
        name = ref["name"].strip() if "name" in ref else old.name
        if ref.get("password") is not None:  # hashed by the model, before the row's conflict
            self.keystone.read_password(ref["password"], name)
        self._default_project_length(ref)
        sql_text.check(ref, "name")
        d = self.keystone.writable()
        clash = d.user_by_name(name, old.domain_id)
        if clash is not None and clash.id != user_id:
            raise _user_conflict(name, old.domain_id)
        enabled = _enabled(ref["enabled"]) if "enabled" in ref else old.enabled
        user = User(
            user_id,
            name,
            old.domain_id,
            ref.get("password", old.password),
            ref.get("default_project_id", old.default_project_id),
            enabled,
        )
        if "options" in ref:
            kept = d.extra_of(user_id).get("options", {})
            ref = {**ref, "options": resource_options.updated(ref["options"], kept)}
        d.put_user(user, _extra(ref, _USER_FIELDS))
        if "enabled" in ref and not enabled and old.enabled:
            app_creds.drop_for_user(d, user_id)  # keystone's user-disabled callback
        if ("enabled" in ref and not enabled and old.enabled) or ref.get("password") is not None:
            self.keystone.revoke_tokens(user_id=user_id)
        self._traced("user_updated", name, user_id)
        extra = {k: v for k, v in d.extra_of(user_id).items() if k != "options"}
        return Response(200, {"user": _with_extra(self._user(req, user), extra)})

    def delete_user(self, req: Request) -> Response:
        """``DELETE /v3/users/{id}``: 204; its assignments go and its tokens are revoked."""
        user_id = req.params["user_id"]
        old = self._named(req, "user", "identity:delete_user")
        if old is None:
            raise exception.UserNotFound(user_id=user_id)
        self.keystone.writable().remove_user(user_id)
        self.keystone.revoke_tokens(user_id=user_id)
        self._traced("user_deleted", old.name, user_id)
        return Response(204)

    def needs_token(self, method: str, path: str) -> bool:
        """A user changes its own password without a token (keystone's ``unenforced_api``:
        one whose password expired can get none)."""
        if method == "POST" and path.startswith("/v3/users/") and path.endswith("/password"):
            return False
        return super().needs_token(method, path)

    def change_password(self, req: Request) -> Response:
        """``POST /v3/users/{id}/password`` ``{"user": {"original_password", "password"}}``:
        204 and the user's tokens revoked; an unknown user or a wrong original password is a
        401 (keystone's ``Invalid user / password``, hidden as every authentication failure)."""
        user_id = req.params["user_id"]
        body = _json(req)
        if self._release < KEYSTONE_FLASK_CATALOG_SINCE:
            # 13.x-14.x: no schema (keystone 13.0.4 and 14.0.0 identity/controllers.py
            # change_password, not protected): the call's TypeError without the object, then
            # each password's None refused in Keystone's ValidationError words
            if "user" not in body:
                raise exception.MissingArgument(method="change_password", name="user")
            if not isinstance(body["user"], dict):  # user.get(...)'s AttributeError
                raise exception.Error()
            for attribute in ("original_password", "password"):
                if body["user"].get(attribute) is None:
                    raise exception.ValidationError(attribute=attribute, target="user")
        body = body.get("user", {})
        admin_schema.lazy_validate(admin_schema.PASSWORD_CHANGE, body, self._release)
        old = self.directory.users.get(user_id)
        cut = self.kernel.switches.keystone_bcrypt_max_length
        if old is None or not passwords.matches(body["original_password"], old.password, cut):
            raise exception.Unauthorized(f"password change for user {user_id}: invalid password")
        self.keystone.read_password(body["password"], user_id)
        d = self.keystone.writable()
        d.put_user(
            User(user_id, old.name, old.domain_id, body["password"], old.default_project_id,
                 old.enabled),
            {},
        )  # fmt: skip
        self.keystone.revoke_tokens(user_id=user_id)
        self._traced("user_updated", old.name, user_id)
        return Response(204)

    # -- role assignments --------------------------------------------------------------------

    def _grant_target(self, req: Request, action: str, with_role: bool = True) -> Any:
        """The assignment a grant route names (a user's `Assignment`, or a group's
        `GroupAssignment` for ``.../groups/{group}/roles``), each record looked up as
        Keystone's ``_build_enforcement_target_attr`` does (role, user or group, then the
        scope: 404 for the first missing), then its policy. OS-INHERIT's routes from 15.0.0
        (`KEYSTONE_OS_INHERIT_FLASK_SINCE`) raise none of these before the policy; the
        manager's calls then refuse a missing role, then a missing scope (a revoke: a grant
        that is not held), and never a missing user or group. A revoke lets a missing user or
        group through (`KEYSTONE_REVOKE_MISSING_GROUP_SINCE`): not held, so "Could not find
        role assignment"."""
        d = self.directory
        params = req.params
        release = self._release
        tolerant = _inherited(req) and release >= KEYSTONE_OS_INHERIT_FLASK_SINCE
        revoking = action == "identity:revoke_grant"
        project_id = params.get("project_id")
        domain_id = params.get("domain_id")
        role = d.roles.get(params["role_id"]) if with_role else None
        if with_role and role is None and not tolerant:
            raise exception.RoleNotFound(role_id=params["role_id"])
        if "group_id" in params:
            actor_id = params["group_id"]
            actor = d.groups.get(actor_id)
            since = (
                KEYSTONE_REVOKE_MISSING_SYSTEM_GROUP_SINCE
                if project_id is None and domain_id is None
                else KEYSTONE_REVOKE_MISSING_GROUP_SINCE
            )
            if actor is None and not tolerant and not (revoking and release >= since):
                raise exception.GroupNotFound(group_id=actor_id)
        else:
            actor_id = params["user_id"]
            actor = d.users.get(actor_id)
            if actor is None and not tolerant and not revoking:
                raise exception.UserNotFound(user_id=actor_id)
        scope_domain: str | None = None
        missing: exception.Error | None = None
        if project_id is not None:
            project = d.projects.get(project_id)
            if project is None:
                missing = exception.ProjectNotFound(project_id=project_id)
            else:
                scope_domain = project.domain_id
        elif domain_id is not None:
            if domain_id not in d.domains:
                missing = exception.DomainNotFound(domain_id=domain_id)
            else:
                scope_domain = domain_id
        if missing is not None and not tolerant:
            raise missing
        ctx = req.context
        if project_id is None and domain_id is None:  # keystone 27.0.0 policies/grant.py
            action = _SYSTEM_ACTIONS[action]  # the system's forms: admins only
            if "group_id" in params:
                action = action.replace("_for_user", "_for_group")
        if "admin" not in ctx.roles and not (
            self._managers
            and "manager" in ctx.roles
            and actor is not None
            and scope_domain is not None
            and ctx.domain_id == actor.domain_id == scope_domain
            and (not with_role or (role is not None and role.name in MANAGED_ROLES))
        ):
            raise exception.ForbiddenAction(action=action)
        if with_role and role is None:
            raise exception.RoleNotFound(role_id=params["role_id"])
        if missing is not None and not revoking:
            raise missing
        role_id = role.id if role is not None else ""
        if "group_id" in params:
            return GroupAssignment(actor_id, role_id, project_id, domain_id)
        return Assignment(
            actor_id,
            role_id,
            project_id=project_id,
            domain_id=domain_id,
            system=project_id is None and domain_id is None,
        )

    def _held(self, want: Any, req: Request) -> list[Any]:
        """The grants of `want`'s kind: the users' or the groups', or for an OS-INHERIT route
        those the projects below its target inherit (of either kind)."""
        d = self.directory
        if _inherited(req):
            return [a for a in getattr(d, "inherited_grants", ()) if a.__class__ is want.__class__]
        return d.group_grants if isinstance(want, GroupAssignment) else d.assignments

    def list_grants(self, req: Request) -> Response:
        """``GET .../{users,groups}/{actor}/roles``: the roles granted to the actor there."""
        want = self._grant_target(req, "identity:list_grants", with_role=False)
        d = self.directory
        roles = [
            self._role(req, d.roles[a.role_id])
            for a in self._held(want, req)
            if replace(a, role_id="") == want
        ]
        return Response(200, {"roles": roles, "links": _links(req)})

    def check_grant(self, req: Request) -> Response:
        """``GET|HEAD .../{users,groups}/{actor}/roles/{role}``: 204 if granted."""
        want = self._grant_target(req, "identity:check_grant")
        if want not in self._held(want, req):
            raise _no_assignment(want)
        return Response(204)

    def create_grant(self, req: Request) -> Response:
        """``PUT .../{users,groups}/{actor}/roles/{role}``: 204, granted again or not (a
        group's members' next tokens hold it)."""
        want = self._grant_target(req, "identity:create_grant")
        role_records.check_grant(self.directory, want)
        if self.keystone.writable().grant(want, _inherited(req)):
            self._trace_grant("identity.role_granted", want, req)
        return Response(204)

    def revoke_grant(self, req: Request) -> Response:
        """``DELETE .../{users,groups}/{actor}/roles/{role}``: 204. No token is revoked
        (Keystone 13.0.x only drops persisted tokens, which Fernet's are not; later ones
        invalidate a cache): the user's (a group's members') tokens lose the role at their
        next validation, and one whose scope has no role left is refused (`TokenStore`).
        13.x deletes the holders' application credentials on a revoked project grant
        (`app_creds.drop_on_revoke`)."""
        want = self._grant_target(req, "identity:revoke_grant")
        if want not in self._held(want, req):
            raise _no_assignment(want)
        d = self.keystone.writable()
        if self._release < KEYSTONE_ROLE_DELETE_REREAD_SINCE:
            app_creds.drop_on_revoke(d, want)
        d.revoke(want, _inherited(req))
        self._trace_grant("identity.role_revoked", want, req)
        return Response(204)

    def _trace_grant(self, kind: str, a: Any, req: Request) -> None:
        d = self.directory
        if a.project_id is not None:
            scope = f"project:{d.projects[a.project_id].name}"
        elif a.domain_id is not None:
            scope = f"domain:{d.domains[a.domain_id].name}"
        else:
            scope = "system"
        # an OS-INHERIT grant may name a user or group that does not exist: its id
        if isinstance(a, GroupAssignment):
            group = d.groups.get(a.group_id)
            who = f"group:{group.name if group is not None else a.group_id}"
        else:
            user = d.users.get(a.user_id)
            who = user.name if user is not None else a.user_id
        if _inherited(req):
            scope += " inherited_to_projects"
        self.kernel.trace.emit(kind, self.keystone.name, who, role=d.roles[a.role_id].name,
                               scope=scope)  # fmt: skip


def _require_admin(req: Request, action: str) -> None:
    """``rule:admin_required``: the ``admin`` role (a system reader may not write)."""
    if "admin" not in req.context.roles:
        raise exception.ForbiddenAction(action=action)


def _require_manager(
    req: Request, domain_id: str | None, action: str, managers: bool, role: str = "manager"
) -> None:
    """keystone 26.0.0's ``ADMIN_OR_DOMAIN_MANAGER`` (the projects' and the users' forms): an
    admin, or a manager whose token is scoped to the record's domain `domain_id`; an admin
    only where the Keystone has no `managers` (a domain reader's rule with `role` ``reader``)."""
    ctx = req.context
    if managers and role in ctx.roles and domain_id is not None and ctx.domain_id == domain_id:
        return
    _require_admin(req, action)


def _inherited(req: Request) -> bool:
    """Whether `req` names an OS-INHERIT grant (``.../inherited_to_projects``)."""
    return req.path.endswith("/inherited_to_projects")


def _extra(ref: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """A body's attributes beside the record's own fields (Keystone's ``extra``)."""
    return {k: v for k, v in ref.items() if k not in fields}


def _validate_id_format(value: Any) -> None:
    """``ResourceBase._validate_id_format`` (keystone 16.0.0-30.0.0 server/flask/common.py):
    ``uuid.UUID(value).hex`` must be `value`, so only 32 lowercase hex digits pass; any other
    string is ``DomainIdInvalid``'s 400. A value that is no string fails inside ``uuid.UUID``
    (``AttributeError``, which nothing catches): Keystone's 500 (the keystone oracle, 23.0.0
    and 25.0.0; from 27.0.0 the schema refuses it first)."""
    if not isinstance(value, str):
        raise exception.Error()
    if len(value) != 32 or value.strip("0123456789abcdef"):
        raise exception.ValidationError("Domain ID does not conform to required UUID format.")


def _domain_conflict(name: str) -> exception.Error:
    return exception.Conflict(
        type="project",
        details=f"it is not permitted to have two projects acting as domains with the same name: "
        f"{name}",
    )


def _user_conflict(name: str, domain_id: str) -> exception.Error:
    return exception.Conflict(
        type="user", details=f"Duplicate entry found with name {name} at domain ID {domain_id}"
    )


def _no_assignment(a: Any) -> exception.Error:
    target = a.project_id or a.domain_id or "system"
    actor = a.group_id if isinstance(a, GroupAssignment) else a.user_id
    return exception.RoleAssignmentNotFound(role_id=a.role_id, actor_id=actor, target_id=target)


def _with_extra(view: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """A PATCH's answer: the record's view and its whole ``extra`` (the SQL drivers'
    ``update_project``/``update_user`` return ``to_dict(include_extra_dict=True)``,
    13.0.0-30.0.0; a read shows the extra attributes alone)."""
    return {**view, "extra": dict(extra)}


def _enabled(value: Any) -> bool:
    """A body's ``enabled`` as the SQL driver stores it. From 27.0.0 the body's schema lets a
    string through ("yes", "false", ...) and SQLAlchemy's ``Boolean`` refuses it at the write
    (``StatementError``, oslo.db's ``DBError``): Keystone's unexpected 500 (keystone 30.0.0,
    the keystone oracle: a project update and a user create); before, ``lazy_validate``
    allowed only true and false."""
    if isinstance(value, str):
        raise exception.Error()
    return admin_schema.as_bool(value)
