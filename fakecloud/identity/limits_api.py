"""Keystone's unified limits (``keystone/api/registered_limits.py``, ``keystone/api/limits.py``,
``keystone/limit``), served from keystone 14.0.0 (Rocky, the Nova 18 series): ``GET|POST
/v3/registered_limits``, ``GET|HEAD|PATCH|DELETE /v3/registered_limits/{id}``, ``GET|POST
/v3/limits``, ``GET|HEAD|PATCH|DELETE /v3/limits/{id}`` and ``GET /v3/limits/model`` (the
``flat`` enforcement model, keystone's default). 13.x (Queens) serves keystone 13.0.4's
experimental legacy API (``keystone/limit/routers.py``): no ``PATCH`` and no model, but ``PUT
/v3/registered_limits`` and ``PUT /v3/limits``, batch updates by id; no description; a create
or an update answers every record (``QUEENS``).

A registered limit is a service's default of a resource (optionally in a region): 201 with the
list made, 409 ``Conflict occurred attempting to store registered_limit - Duplicate entry.``
for one the service, resource and region hold, 400 ``Expecting to find service_id in
registered_limit. ...`` for a service (a region: ``region_id``) the catalog does not hold; a
registered limit a limit overrides is not changed or deleted (403 ``Unable to update or delete
registered limit X because there are project limits associated with it.``). A limit is a
project's or a domain's override (a project acting as a domain: the domain's): 403 ``Unable to
create a limit that has no corresponding registered limit.``, 409 ``... store limit - Duplicate
entry.``; 14.x has project limits alone (a project acting as a domain is 400 ``project_id``, no
``domain_id`` shown), anyone reads a limit but a project's token another project's (403 ``You
are not authorized to perform the requested action.``), its writes are ``admin_required`` and
its bodies 14.x's schema (no bounds); from keystone 16.0.0 an update's ``resource_limit`` of 0
and an empty or null ``description`` are ignored (f43954be9, ``update_limit``'s ``if
limit.get(...)``). A limit's ``PATCH`` or ``DELETE`` (and in 15.0.0 its ``GET``) loads it for
the policy's target first (15.0.0 on): a missing one is 404 before the policy. Deleting a
project deletes its limits (13.x: Keystone's 500 instead, the project kept:
`fakecloud.identity.admin_api`). A value longer than its column (the gate's MySQL's sizes) is
Keystone's 500, nothing stored (`_fit_columns`).

Policy: anyone reads registered limits and the model. A limit is read by a system reader, its
project's or its domain's token (15.0.0: the domain the limit names), an admin too where switch
``keystone_limits_admin_required`` is on, which also lets an admin of any scope write both
(off: the admin role on a system-scoped token alone). ``GET /v3/limits`` lists every limit for
a system-scoped token, its own project's for a project-scoped one and its domain's and its
projects' for a domain-scoped one (15.0.0: a ``project_id`` or ``domain_id`` filter yields
nothing but to the system, and a domain-scoped token sees its domain's alone); from 29.0.0
(8a42793e7) a token with the ``admin`` or ``service`` role sees every limit too. Bodies: from
27.0.0 the body's schema first, before it the policy first (`fakecloud.identity.limits_schema`).
"""

from __future__ import annotations

import operator
from dataclasses import asdict, replace
from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.api.router import served_from
from fakecloud.identity import exception, limits_schema, sql_text
from fakecloud.identity.admin_api import KeystoneWritesApi
from fakecloud.identity.api import _json, _linked, _links, _mapped
from fakecloud.identity.limits_store import Limit, RegisteredLimit, Tables, held, tables
from fakecloud.profiles.series import KEYSTONE_BODY_SCHEMA_SINCE

#: Keystone 13.x's experimental legacy limits API (``keystone/limit/routers.py``, 13.0.0).
QUEENS = 13
#: The limits API's Flask form (Rocky: ``PATCH`` of one, ``/v3/limits/model``; no ``PUT``).
LIMITS_SINCE = 14
#: The Keystone release a service answers as: what `served_from` compares with LIMITS_SINCE.
_RELEASE = operator.attrgetter("_release")
#: Domain limits, ``SYSTEM_ADMIN`` writes, ``get_limit``'s target (Stein).
DOMAIN_LIMITS_SINCE = 15
#: ``GET /v3/limits`` by the token's scope, and ``get_limit``'s domain target (Train).
LIST_BY_SCOPE_SINCE = 16
#: ``update_limit`` ignores a falsy ``resource_limit`` or ``description`` (f43954be9).
FALSY_UPDATE_IGNORED_SINCE = 16
#: ``GET /v3/limits``: an admin or a service sees every limit (8a42793e7).
SUPERUSER_LIST_SINCE = 29

#: ``keystone/limit/models/flat.py``.
FLAT_MODEL = {
    "name": "flat",
    "description": "Limit enforcement and validation does not take project hierarchy into "
    "consideration.",
}


class RegisteredLimitNotFound(exception.NotFound):
    """No registered limit has this id."""

    message_format = "Could not find registered limit for %(id)s."


class LimitNotFound(exception.NotFound):
    """No limit has this id."""

    message_format = "Could not find limit for %(id)s."


class NoLimitReference(exception.Forbidden):
    """A limit whose service, resource and region no registered limit has."""

    message_format = "Unable to create a limit that has no corresponding registered limit."


class RegisteredLimitError(exception.Forbidden):
    """A registered limit a limit overrides, changed or deleted (``ForbiddenNotSecurity``)."""

    message_format = (
        "Unable to update or delete registered limit %(id)s because there are project limits "
        "associated with it."
    )


class KeystoneLimitsApi(KeystoneWritesApi):
    """Keystone's v3 API with unified limits (from keystone 14.0.0)."""

    @classmethod
    def declare_routes(cls, router: Any, variant: Any) -> None:
        """The routes before, then the limits' (`served_from` 13.0.0; ``PATCH`` 14.0.0)."""
        super().declare_routes(router, variant)
        for method, template, handler, since in (
            ("GET", "/v3/registered_limits", cls.list_registered_limits, QUEENS),
            ("POST", "/v3/registered_limits", cls.create_registered_limits, QUEENS),
            ("GET", "/v3/registered_limits/{registered_limit_id}", cls.get_registered_limit,
             QUEENS),
            ("PATCH", "/v3/registered_limits/{registered_limit_id}",
             cls.update_registered_limit, LIMITS_SINCE),
            ("DELETE", "/v3/registered_limits/{registered_limit_id}",
             cls.delete_registered_limit, QUEENS),
            ("GET", "/v3/limits/model", cls.get_limit_model, QUEENS),
            ("GET", "/v3/limits", cls.list_limits, QUEENS),
            ("POST", "/v3/limits", cls.create_limits, QUEENS),
            ("GET", "/v3/limits/{limit_id}", cls.get_limit, QUEENS),
            ("PATCH", "/v3/limits/{limit_id}", cls.update_limit, LIMITS_SINCE),
            ("DELETE", "/v3/limits/{limit_id}", cls.delete_limit, QUEENS),
        ):  # fmt: skip
            router.add(method, template, _mapped(served_from(since, _RELEASE, handler)))
        if variant == QUEENS:  # 13.x's PUT batch updates (a route no later release has)
            router.add("PUT", "/v3/registered_limits", _mapped(cls.update_registered_limits))
            router.add("PUT", "/v3/limits", _mapped(cls.update_limits))

    def route_variant(self) -> int | None:
        """13.x's routes (`QUEENS`: its ``PUT`` lists) or every later release's (None)."""
        return QUEENS if self._release < LIMITS_SINCE else None

    # -- what every call shares ---------------------------------------------------------------

    def _limit_tables(self) -> Tables:
        """The directory's limit tables, empty if it has none (a read writes nothing)."""
        return held(self.directory) or Tables()

    def _rows(self, table: dict[str, Any]) -> list[Any]:
        """`table`'s records as a list reads them: 13.x's in their id's order, as MySQL's
        InnoDB scans its clustered primary key (``list_registered_limits``/``list_limits``,
        keystone 13.0.4 limit/backends/sql.py, order by nothing; a filter on an index's
        leading column may read that index's order instead: not modelled); from 14.0.0 in
        creation order: both tables' primary key is then ``internal_id``, an auto-increment
        integer (keystone 14.2.0 and 30.0.0 ``limit/backends/sql.py``, the queries ordering by
        nothing still), so InnoDB's scan is the rows' creation order, as the keystone oracle's
        sqlite reads them (its rowid)."""
        if self._release < LIMITS_SINCE:
            return sorted(table.values(), key=operator.attrgetter("id"))
        return list(table.values())

    def _may_write_limits(self, req: Request, action: str) -> None:
        """``admin_required`` where switch ``keystone_limits_admin_required`` is on, else
        ``SYSTEM_ADMIN`` (``role:admin and system_scope:all``)."""
        ctx = req.context
        system = ctx.system_scope == "all" or self.kernel.switches.keystone_limits_admin_required
        if self._release < DOMAIN_LIMITS_SINCE:
            system = True  # 14.x: ``admin_required``
        if not ("admin" in ctx.roles and system):
            raise exception.ForbiddenAction(action=action)

    def _limits_body(
        self, req: Request, body_schema: dict[str, Any], key: str, action: str, member: bool
    ) -> Any:
        """The body's value under `key` once the schema and the policy let it through: from
        27.0.0 the body's schema, then the policy; before, the policy, then the value's own
        schema (``lazy_validate``; a missing key is ``{}``). A limit's `member` path: its 404
        before the policy (`_limit_first`)."""
        body = _json(req)
        if self._release >= KEYSTONE_BODY_SCHEMA_SINCE:
            limits_schema.validate(body_schema, body)
            self._limit_first(req, member)
            self._may_write_limits(req, action)
            return body[key]
        self._limit_first(req, member)
        self._may_write_limits(req, action)
        if self._release < LIMITS_SINCE and key not in body:
            # 13.x's route calls the controller with the body's keys: ``protected()``'s
            # policy, then Python's TypeError, which wsgi renders as a 400
            raise exception.MissingArgument(method=action.split(":", 1)[1], name=key)
        value = body.get(key, {})
        limits_schema.old_validate(body_schema, value, self._release)
        return value

    def _limit_first(self, req: Request, member: bool) -> None:
        """A limit's member path (``LimitResource.get_member_from_driver``, 15.0.0-30.0.0):
        ``enforce_call`` loads the limit for the policy's target, so a missing one is its 404
        before the policy (the keystone oracle, 23.0.0); 14.x's policy has no target."""
        if member and self._release >= DOMAIN_LIMITS_SINCE:
            self._limit(req)

    def _limit_refs(self, ref: dict[str, Any], target: str) -> dict[str, Any]:
        """``_assert_resource_exist``: the service, region, project and domain `ref` names
        exist (else 400 ``Expecting to find <field> in <target>. ...``); a project acting as
        a domain names the domain. The checked `ref`."""
        catalog = self.keystone.catalog
        d = self.directory
        checks = (
            ("service_id", {s["id"] for s in catalog.service_records()}),
            ("region_id", {r["id"] for r in catalog.region_records()}),
        )
        for field, known in checks:
            if ref.get(field) is not None and ref[field] not in known:
                raise exception.ValidationError(attribute=field, target=target)
        project_id = ref.get("project_id")
        if project_id is not None and self._release < LIMITS_SINCE:
            # 13.x ``get_project`` finds a domain too (its project row, ``is_domain``)
            if project_id not in d.projects and project_id not in d.domains:
                raise exception.ValidationError(attribute="project_id", target=target)
        elif project_id is not None:
            if project_id in d.domains and self._release < DOMAIN_LIMITS_SINCE:
                # 14.x ``_assert_resource_exist``: "domain-level limits" not supported
                raise exception.ValidationError(attribute="project_id", target=target)
            if project_id in d.domains:
                ref = {k: v for k, v in ref.items() if k != "project_id"}
                ref["domain_id"] = project_id
            elif project_id not in d.projects:
                raise exception.ValidationError(attribute="project_id", target=target)
        if ref.get("domain_id") is not None and ref["domain_id"] not in d.domains:
            raise exception.ValidationError(attribute="domain_id", target=target)
        return ref

    # -- registered limits --------------------------------------------------------------------

    def _registered_view(self, req: Request, reg: RegisteredLimit) -> dict[str, Any]:
        record = asdict(reg)
        if self._release < LIMITS_SINCE:
            del record["description"]  # 13.x's RegisteredLimitModel has no such column
        return _linked(req, "registered_limits", record)

    def _record(self, req: Request, param: str) -> Any:
        """The registered limit or limit the path's `param` names, else its 404."""
        record_id = req.params[param]
        t = self._limit_tables()
        if param == "limit_id":
            found, missing = t.limits.get(record_id), LimitNotFound
        else:
            found, missing = t.registered.get(record_id), RegisteredLimitNotFound
        if found is None:
            raise missing(id=record_id)
        return found

    def _registered(self, req: Request) -> RegisteredLimit:
        return self._record(req, "registered_limit_id")

    def list_registered_limits(self, req: Request) -> Response:
        """``GET /v3/registered_limits`` (anyone), filters ``service_id``, ``region_id`` and
        ``resource_name``."""
        found = _filtered(req, self._rows(self._limit_tables().registered), lambda reg: reg, ())
        shown = [self._registered_view(req, reg) for reg in found]
        return Response(200, {"registered_limits": shown, "links": _links(req)})

    def get_registered_limit(self, req: Request) -> Response:
        """``GET|HEAD /v3/registered_limits/{id}`` (anyone)."""
        reg = self._registered(req)
        return Response(200, {"registered_limit": self._registered_view(req, reg)})

    def _registered_refs(self, req: Request, body_schema: dict[str, Any], action: str) -> Any:
        """The body's ``registered_limits`` list (`_limits_body`), each one's service and
        region checked (`_limit_refs`)."""
        refs = self._limits_body(req, body_schema, "registered_limits", action, member=False)
        for ref in refs:
            self._limit_refs(ref, "registered_limit")
        return refs

    def create_registered_limits(self, req: Request) -> Response:
        """``POST /v3/registered_limits``: 201 and the registered limits made (all or none)."""
        refs = self._registered_refs(
            req, limits_schema.REGISTERED_CREATE, "identity:create_registered_limits"
        )
        made: list[RegisteredLimit] = []
        existing = self._limit_tables()
        for ref in refs:
            key = (ref["service_id"], ref["resource_name"], ref.get("region_id"))
            taken = [(r.service_id, r.resource_name, r.region_id) for r in made]
            if existing.registered_for(*key) is not None or key in taken:
                raise exception.Conflict(type="registered_limit", details="Duplicate entry")
            made.append(
                RegisteredLimit(
                    self.kernel.ids.hex(),
                    ref["service_id"],
                    ref.get("region_id"),
                    ref["resource_name"],
                    ref["default_limit"],
                    ref.get("description"),
                )
            )
        _fit_columns(made)
        held_tables = tables(self.keystone.writable())
        for reg in made:
            held_tables.registered[reg.id] = reg
        if self._release < LIMITS_SINCE:  # 13.x: ``list_registered_limits()``
            made = self._rows(held_tables.registered)
        shown = [self._registered_view(req, reg) for reg in made]
        return Response(201, {"registered_limits": shown})

    def update_registered_limit(self, req: Request) -> Response:
        """``PATCH /v3/registered_limits/{id}``: the registered limit as changed."""
        ref = self._limits_body(
            req,
            limits_schema.REGISTERED_UPDATE,
            "registered_limit",
            "identity:update_registered_limit",
            member=False,
        )
        reg_id = req.params["registered_limit_id"]
        if ref.get("id") is not None and ref["id"] != reg_id:
            raise exception.ValidationError("Cannot change ID")
        self._limit_refs(ref, "registered_limit")
        reg = self._registered(req)
        t = self._limit_tables()
        if t.referenced(reg.id):
            raise RegisteredLimitError(id=reg.id)
        new = replace(reg, **{k: v for k, v in ref.items() if k != "id"})
        # the driver's uniqueness query finds the record itself too (its key given unchanged)
        region_keyed = "region_id" in ref
        if self._release < DOMAIN_LIMITS_SINCE:
            region_keyed = bool(ref.get("region_id"))  # 14.x: ``registered_limit.get``
        keyed = ref.get("service_id") or region_keyed or ref.get("resource_name")
        if keyed and t.registered_for(new.service_id, new.resource_name, new.region_id):
            raise exception.Conflict(type="registered_limit", details="Duplicate entry")
        _fit_columns([new])
        tables(self.keystone.writable()).registered[reg.id] = new
        return Response(200, {"registered_limit": self._registered_view(req, new)})

    def update_registered_limits(self, req: Request) -> Response:
        """13.x ``PUT /v3/registered_limits``: each listed registered limit (by ``id``)
        changed in one transaction, 200 and every registered limit (``update_registered_
        limits``: the services and regions named exist, else 400; an unknown id 404; one
        without a region that a limit overrides 403; one with a region only where its service,
        region or resource stays (the limits' foreign key, else 403); a service, region and
        resource another one with a region holds 409 (the unique key: none without a
        region)."""
        refs = self._registered_refs(
            req, limits_schema.REGISTERED_UPDATE, "identity:update_registered_limits"
        )
        t = self._limit_tables()
        changed: dict[str, RegisteredLimit] = {}
        for ref in refs:
            reg = changed.get(ref["id"]) or t.registered.get(ref["id"])
            if reg is None:
                raise RegisteredLimitNotFound(id=ref["id"])
            new = replace(reg, **{k: v for k, v in ref.items() if k != "id"})
            key = (new.service_id, new.resource_name, new.region_id)
            referenced = t.referenced(reg.id)
            if referenced and (not reg.region_id or key != _key(reg)):
                raise RegisteredLimitError(id=reg.id)
            others = [r for i, r in {**t.registered, **changed}.items() if i != reg.id]
            if new.region_id is not None and key in {_key(r) for r in others}:
                raise exception.Conflict(type="registered_limit", details="Duplicate entry")
            changed[reg.id] = new
        _fit_columns(list(changed.values()))
        held_tables = tables(self.keystone.writable())
        held_tables.registered.update(changed)
        shown = [self._registered_view(req, reg) for reg in self._rows(held_tables.registered)]
        return Response(200, {"registered_limits": shown})

    def delete_registered_limit(self, req: Request) -> Response:
        """``DELETE /v3/registered_limits/{id}``: 204, unless a limit overrides it (13.x:
        ``protected()`` loads it for the policy's target first, a missing one 404 to all)."""
        if self._release < LIMITS_SINCE:
            self._registered(req)
        self._may_write_limits(req, "identity:delete_registered_limit")
        reg = self._registered(req)
        if self._limit_tables().referenced(reg.id):
            raise RegisteredLimitError(id=reg.id)
        del tables(self.keystone.writable()).registered[reg.id]
        return Response(204)

    # -- limits -------------------------------------------------------------------------------

    def _limit_view(self, req: Request, lim: Limit) -> dict[str, Any]:
        reg = self._limit_tables().registered[lim.registered_limit_id]
        record = {
            "id": lim.id,
            "project_id": lim.project_id,
            "domain_id": lim.domain_id,
            "service_id": reg.service_id,
            "region_id": reg.region_id,
            "resource_name": reg.resource_name,
            "resource_limit": lim.resource_limit,
            "description": lim.description,
        }
        if self._release < DOMAIN_LIMITS_SINCE:
            del record["domain_id"]  # 14.x's LimitModel has no such column
        if self._release < LIMITS_SINCE:
            del record["description"]  # nor 13.x's this one
        return _linked(req, "limits", record)

    def _limit(self, req: Request) -> Limit:
        return self._record(req, "limit_id")

    def get_limit_model(self, req: Request) -> Response:
        """``GET|HEAD /v3/limits/model`` (anyone): the enforcement model; 13.x has none, its
        path is ``get_limit`` of a limit named ``model``."""
        if self._release < LIMITS_SINCE:
            raise LimitNotFound(id="model")
        return Response(200, {"model": dict(FLAT_MODEL)})

    def _visible(self, req: Request) -> list[Limit]:
        """The limits ``GET /v3/limits`` shows the caller, before its filters."""
        ctx = req.context
        every = self._rows(self._limit_tables().limits)
        superuser = self._release >= SUPERUSER_LIST_SINCE and (
            "admin" in ctx.roles or "service" in ctx.roles
        )
        if self._release < LIMITS_SINCE:
            # 13.x ``LimitV3.list_limits``: a non-admin project token its own, any other all
            if "admin" not in ctx.roles and ctx.project_id:
                return [lim for lim in every if lim.project_id == ctx.project_id]
            return every
        if self._release < DOMAIN_LIMITS_SINCE:
            # 14.x: a project_id filter finds nothing but to the system; else a project's
            # token its own, any other all
            if req.query.get("project_id"):
                return every if ctx.system_scope else []
            if ctx.project_id:
                return [lim for lim in every if lim.project_id == ctx.project_id]
            return every
        if ctx.system_scope or superuser:
            return every
        if self._release < LIST_BY_SCOPE_SINCE:
            if req.query.get("project_id") or req.query.get("domain_id"):
                return []
            if ctx.project_id:
                return [lim for lim in every if lim.project_id == ctx.project_id]
            return [lim for lim in every if ctx.domain_id and lim.domain_id == ctx.domain_id]
        if ctx.domain_id:
            domain = ctx.domain_id
            projects = {p.id for p in self.directory.projects.values() if p.domain_id == domain}
            return [lim for lim in every if _owner(lim) in ((None, domain), *_as_owners(projects))]
        if ctx.project_id:
            return [lim for lim in every if lim.project_id == ctx.project_id]
        return []

    def list_limits(self, req: Request) -> Response:
        """``GET /v3/limits``, filters ``service_id``, ``region_id``, ``resource_name``,
        ``project_id`` and ``domain_id``: the limits the caller's scope shows."""
        regs = self._limit_tables().registered
        own = _OWN_FIELDS if self._release >= DOMAIN_LIMITS_SINCE else ("project_id",)
        if self._release < LIMITS_SINCE:
            own = ()  # 13.x filters by service_id, region_id and resource_name alone
        found = _filtered(req, self._visible(req), lambda lim: regs[lim.registered_limit_id], own)
        shown = [self._limit_view(req, lim) for lim in found]
        return Response(200, {"limits": shown, "links": _links(req)})

    def _may_read_limit(self, req: Request, lim: Limit | None) -> None:
        """``identity:get_limit``: a system reader, the limit's project's or domain's token
        (from 16.0.0 the domain of the limit's project too), an admin where switch
        ``keystone_limits_admin_required`` is on. A limit that does not exist is the target
        of none of them (their 403; its 404 to those the rule lets on)."""
        ctx = req.context
        if self.kernel.switches.keystone_limits_admin_required and "admin" in ctx.roles:
            return
        if ctx.system_scope == "all" and "reader" in ctx.roles:
            return
        if lim is None:  # an empty target: no project or domain matches (then its 404)
            lim = Limit("", "", 0)
        domains = {lim.domain_id}
        if self._release >= LIST_BY_SCOPE_SINCE and lim.project_id in self.directory.projects:
            domains.add(self.directory.projects[lim.project_id].domain_id)
        if ctx.domain_id is not None and ctx.domain_id in domains:
            return
        if lim.project_id is not None and ctx.project_id == lim.project_id:
            return
        raise exception.ForbiddenAction(action="identity:get_limit")

    def get_limit(self, req: Request) -> Response:
        """``GET|HEAD /v3/limits/{id}``: 15.0.0 loads the limit first (`_limit_first`); from
        16.0.0 ``_build_limit_enforcement_target`` swallows its 404 for the policy. 14.x:
        anyone, then its 404, then a project's token other than the limit's project (and not
        an admin's) is refused."""
        if self._release < DOMAIN_LIMITS_SINCE:
            lim = self._limit(req)
            ctx = req.context
            if "admin" not in ctx.roles and ctx.project_id and ctx.project_id != lim.project_id:
                raise exception.Forbidden()
            return Response(200, {"limit": self._limit_view(req, lim)})
        if self._release < LIST_BY_SCOPE_SINCE:
            self._limit(req)
        lim = self._limit_tables().limits.get(req.params["limit_id"])
        self._may_read_limit(req, lim)
        return Response(200, {"limit": self._limit_view(req, self._limit(req))})

    def create_limits(self, req: Request) -> Response:
        """``POST /v3/limits``: 201 and the limits made (all or none)."""
        refs = self._limits_body(
            req, limits_schema.LIMITS_CREATE, "limits", "identity:create_limits", member=False
        )
        refs = [self._limit_refs(ref, "limit") for ref in refs]
        t = self._limit_tables()
        made: list[Limit] = []
        for ref in refs:
            reg = t.registered_for(ref["service_id"], ref["resource_name"], ref.get("region_id"))
            if reg is None:
                raise NoLimitReference()
            owner = (ref.get("project_id"), None if ref.get("project_id") else ref.get("domain_id"))
            if owner == (None, None):
                # 27.0.0 on a null project_id alone passes the schema's oneOf, and the
                # driver's uniqueness check reads limit['domain_id']: its KeyError, a 500
                raise exception.Error()
            for other in [*t.limits.values(), *made]:
                if other.registered_limit_id == reg.id and owner == _owner(other):
                    raise exception.Conflict(type="limit", details="Duplicate entry")
            made.append(
                Limit(
                    self.kernel.ids.hex(),
                    reg.id,
                    ref["resource_limit"],
                    owner[0],
                    ref.get("domain_id") if owner[0] is None else None,
                    ref.get("description"),
                )
            )
        _fit_columns(made)
        held_tables = tables(self.keystone.writable())
        for lim in made:
            held_tables.limits[lim.id] = lim
        if self._release < LIMITS_SINCE:  # 13.x: ``list_limits()``, every project's
            made = self._rows(held_tables.limits)
        return Response(201, {"limits": [self._limit_view(req, lim) for lim in made]})

    def update_limit(self, req: Request) -> Response:
        """``PATCH /v3/limits/{id}``: the limit as changed (its resource limit and
        description alone)."""
        ref = self._limits_body(
            req, limits_schema.LIMIT_UPDATE, "limit", "identity:update_limit", member=True
        )
        if ref.get("id") is not None and ref["id"] != req.params["limit_id"]:
            raise exception.ValidationError("Cannot change ID")
        lim = self._limit(req)
        changed = {k: ref[k] for k in ("resource_limit", "description") if k in ref}
        if self._release >= FALSY_UPDATE_IGNORED_SINCE:
            changed = {k: v for k, v in changed.items() if v}
        new = replace(lim, **changed)
        _fit_columns([new])
        tables(self.keystone.writable()).limits[lim.id] = new
        return Response(200, {"limit": self._limit_view(req, new)})

    def update_limits(self, req: Request) -> Response:
        """13.x ``PUT /v3/limits``: each listed limit's (by ``id``) ``resource_limit``, 200
        and every limit (``update_limits``: an unknown id 404, all or none)."""
        refs = self._limits_body(
            req, limits_schema.LIMIT_UPDATE, "limits", "identity:update_limits", member=False
        )
        t = self._limit_tables()
        changed: dict[str, Limit] = {}
        for ref in refs:
            lim = changed.get(ref["id"]) or t.limits.get(ref["id"])
            if lim is None:
                raise LimitNotFound(id=ref["id"])
            changed[lim.id] = replace(lim, resource_limit=ref["resource_limit"])
        _fit_columns(list(changed.values()))
        held_tables = tables(self.keystone.writable())
        held_tables.limits.update(changed)
        shown = [self._limit_view(req, lim) for lim in self._rows(held_tables.limits)]
        return Response(200, {"limits": shown})

    def delete_limit(self, req: Request) -> Response:
        """``DELETE /v3/limits/{id}``: 204."""
        if LIMITS_SINCE <= self._release < DOMAIN_LIMITS_SINCE:  # 14.x: the policy first
            self._may_write_limits(req, "identity:delete_limit")
            lim = self._limit(req)
        else:
            lim = self._limit(req)  # `_limit_first`
            self._may_write_limits(req, "identity:delete_limit")
        del tables(self.keystone.writable()).limits[lim.id]
        return Response(204)


#: The ``registered_limit`` and ``limit`` columns' sizes (keystone 13.0.4-30.0.0
#: ``limit/backends/sql.py``): ``resource_name`` VARCHAR(255) and a registered limit's
#: ``region_id`` VARCHAR(64), in characters; ``description`` TEXT, 65,535 bytes;
#: ``default_limit`` and ``resource_limit`` a signed INT.
_RESOURCE_NAME_CHARS = 255
_REGION_ID_CHARS = 64
_TEXT_BYTES = 65535
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


def _fit_columns(records: list[Any]) -> None:
    """Keystone's 500 if a value of `records` (registered limits or limits, written in one
    transaction) is longer than its column: the gate's MySQL refuses it in strict mode ("Data
    too long for column", oslo.db's ``DBDataError``, which ``handle_conflicts`` raises on and
    no handler maps), nothing stored. The body schemas leave it through for a resource name
    in 13.x and 14.x (no ``maxLength``), a description before 27.0.0 (15.0.0-26.x: none
    either), and a region of 65 to 255 characters in every release (a region's own id is
    VARCHAR(255)); and a limit out of the INT's range ("Out of range value for column",
    1264: ``DBDataError`` too, oslo.db's ``_raise_data_error``), which 13.x's and 14.x's
    schemas (``integer``, no bounds) let through; a name or description with a character
    beyond the BMP (``Incorrect string value``, 1366: `sql_text.columns`)."""
    for rec in records:
        name = getattr(rec, "resource_name", "")
        region = getattr(rec, "region_id", None) or ""
        description = rec.description or ""
        number = getattr(rec, "default_limit", None)
        if number is None:
            number = rec.resource_limit
        if (
            not _INT_MIN <= number <= _INT_MAX
            or len(name) > _RESOURCE_NAME_CHARS
            or len(region) > _REGION_ID_CHARS
            or len(description.encode("utf-8", "surrogatepass")) > _TEXT_BYTES
        ):
            raise exception.Error()
        # a character beyond the BMP: MySQL's utf8 columns' 1366 (`sql_text.columns`)
        sql_text.columns({"n": name, "d": description}, "n", "d")


def _key(reg: RegisteredLimit) -> tuple[str, str, str | None]:
    """A registered limit's unique key: its service, resource and region."""
    return (reg.service_id, reg.resource_name, reg.region_id)


def _owner(lim: Limit) -> tuple[str | None, str | None]:
    """Whose limit `lim` is: ``(project_id, None)`` or ``(None, domain_id)``."""
    return (lim.project_id, None if lim.project_id else lim.domain_id)


def _as_owners(project_ids: set[str]) -> list[tuple[str | None, str | None]]:
    return [(p, None) for p in project_ids]


#: A listing's exact filters (``build_driver_hints``): the limit's own or its registered
#: limit's field.
_OWN_FIELDS = ("project_id", "domain_id")
_REGISTERED_FIELDS = ("service_id", "region_id", "resource_name")


def _filtered(req: Request, records: Any, registered: Any, own: tuple[str, ...]) -> list[Any]:
    """`records` whose fields equal every value given of each filter, the registered limit's
    fields and the record's `own` (a limit's service, region and resource name are its
    registered limit's: `registered`)."""
    out = []
    for rec in records:
        keep = True
        for name in (*_REGISTERED_FIELDS, *own):
            source = registered(rec) if name in _REGISTERED_FIELDS else rec
            for value in req.query.get(name) or ():
                if getattr(source, name, None) != value:  # a NULL column is no text
                    keep = False
        if keep:
            out.append(rec)
    return out
