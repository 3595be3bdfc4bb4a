"""Keystone's application credentials and access rules over REST: ``GET|POST
/v3/users/{user}/application_credentials``, ``GET|HEAD|DELETE .../application_credentials/{id}``,
and from keystone 16.0.0 ``GET /v3/users/{user}/access_rules`` and ``GET|HEAD|DELETE
.../access_rules/{id}`` (``keystone/api/users.py``; the records: `fakecloud.identity.app_creds`).

Policy is Keystone's defaults per release: listing and reading, an admin or the owner (from
16.0.0 a system reader too); creating, the owner alone from 16.0.0 (before, an admin passes
the policy and is then refused "for another user"); deleting, an admin or the owner; from
19.0.0 reading or deleting one looks the owner up from the credential, not from the path. An
application credential token that is not ``unrestricted`` may not create or delete one (403).
The body is checked by keystone 27.0.0's schema first from 27.0.0, by the record's own schema
after the policy before (`fakecloud.identity.admin_api.KeystoneWritesApi._checked`'s split).
Before 15.0.0 the legacy controller's schema lets any key through (keystone 13.0.4 and 14.0.0
``application_credential/schema.py`` misspells ``additionanlProperties``) and the driver builds
``ApplicationCredentialModel(**ref)``: a key it has no column for (``access_rules`` before
16.0.0 too) is SQLAlchemy's ``TypeError``, which ``wsgi.Application.__call__`` answers as a
``ValidationError`` of its text (400); nothing is stored.
"""

from __future__ import annotations

import datetime
from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.api.router import NoRoute
from fakecloud.identity import admin_schema, app_creds, exception, sql_text
from fakecloud.identity.admin_api import KeystoneWritesApi
from fakecloud.identity.api import _is_admin, _json, _links, _mapped
from fakecloud.identity.app_creds import AccessRule, ApplicationCredential
from fakecloud.profiles.series import KEYSTONE_ACCESS_RULES_SINCE as ACCESS_RULES_SINCE
from fakecloud.profiles.series import KEYSTONE_BODY_SCHEMA_SINCE, KEYSTONE_FLASK_CATALOG_SINCE

#: "... for another user." ends with a full stop, and a credential shows its ``user_id`` and
#: ``system`` (Stein: the Flask resource's ``wrap_member`` never calls ``filter_params``).
FULL_STOP_SINCE = 15
#: The legacy controller's ``TypeError`` 400 for a key the model lacks, before Stein's Flask.
MODEL_KEYS_BEFORE = 15
#: ``ApplicationCredentialModel``'s columns and relationship (keystone 13.0.4 and 14.0.0
#: ``application_credential/backends/sql.py``), which ``from_dict`` takes as keyword
#: arguments; the driver has made ``secret`` the ``secret_hash`` first.
MODEL_KEYS = frozenset({
    "internal_id", "id", "name", "secret", "secret_hash", "description", "user_id",
    "project_id", "system", "expires_at", "unrestricted", "roles",
})  # fmt: skip
#: A role asked for must be in the creator's token (Ussuri).
TOKEN_ROLES_SINCE = 17
#: Reading or deleting one checks the credential's owner, not the path's (Wallaby).
OWNER_FROM_CRED_SINCE = 19
#: The roles asked for gain the roles they imply (2024.2).
IMPLIED_SINCE = 26

#: An ``expires_at`` of ``""``: not parsed, and stored as given, which the column's
#: ``DateTimeInt.process_bind_param`` refuses ("Programming Error: value to be stored must be
#: a datetime object.", a ValueError oslo.db raises as DBError): Keystone's unexpected 500 and
#: nothing stored (keystone 14.0.0-30.0.0 common/sql/core.py; 25.0.0 and 30.0.0 by the
#: oracle's harness).
EMPTY_EXPIRY = ""


def parse_isotime(text: str) -> datetime.datetime | None:
    """``timeutils.parse_isotime`` (the iso8601 library), or None for a time it refuses."""
    from oslo_utils import timeutils  # on use: its import compiles ~400 regexes

    try:
        return timeutils.parse_isotime(text)
    except ValueError:
        return None


_NAME = {"type": "string", "minLength": 1, "maxLength": 255, "pattern": r"[\S]+"}
_ID_STRING = {"type": "string", "minLength": 1, "maxLength": 64, "pattern": r"^[a-zA-Z0-9-]+$"}
_RULE = {
    "path": {"type": "string", "minLength": 0, "maxLength": 225, "pattern": r"^/\.*"},
    "service": _ID_STRING,
    "method": {"type": "string", "enum": ["DELETE", "GET", "HEAD", "PATCH", "POST", "PUT"]},
}
_ROLES = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"id": _ID_STRING, "name": _NAME},
        "minProperties": 1,
        "maxProperties": 1,
        "additionalProperties": False,
    },
}
_ACCESS_RULES = {
    "type": "array",
    "items": {"type": "object", "properties": {"id": _ID_STRING, **_RULE}},
}
#: keystone 13.0.0-26.x ``application_credential_create`` (its ``additionalProperties`` is
#: misspelt: any other key passes); access rules from 16.0.0.
OLD_CREATE = {
    "type": "object",
    "properties": {
        "name": _NAME,
        "description": {"type": ["string", "null"]},
        "secret": {"type": ["null", "string"]},
        "expires_at": {"type": ["null", "string"]},
        "roles": _ROLES,
        "unrestricted": {"type": "boolean"},
        "access_rules": _ACCESS_RULES,
    },
    "required": ["name"],
}
#: keystone 27.0.0 ``application_credential_create_request_body``.
CREATE_BODY = {
    "type": "object",
    "properties": {
        "application_credential": {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "secret": {"type": ["string", "null"]},
                "name": _NAME,
                "description": {"type": ["string", "null"]},
                "expires_at": {"type": ["string", "null"]},
                "project_id": {"type": "string"},
                "access_rules": _ACCESS_RULES,
                "unrestricted": {"type": ["boolean", "null"]},
                "system": {"type": ["string", "null"]},
                "roles": _ROLES,
            },
            "additionalProperties": False,
            "required": ["name"],
        }
    },
    "required": ["application_credential"],
    "additionalProperties": False,
}
#: How Keystone shows a stored time (oslo's ``strtime``).
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"


class KeystoneAppCredsApi(KeystoneWritesApi):
    """Keystone's v3 API with application credentials and access rules."""

    @classmethod
    def declare_routes(cls, router: Any, variant: Any) -> None:
        """The routes before, then those of application credentials and access rules."""
        super().declare_routes(router, variant)
        creds = "/v3/users/{user_id}/application_credentials"
        rules = "/v3/users/{user_id}/access_rules"
        for method, template, handler in (
            ("GET", creds, cls.list_app_creds),
            ("POST", creds, cls.create_app_cred),
            ("GET", creds + "/{cred_id}", cls.get_app_cred),
            ("DELETE", creds + "/{cred_id}", cls.delete_app_cred),
            ("GET", rules, cls.list_access_rules),
            ("GET", rules + "/{rule_id}", cls.get_access_rule),
            ("DELETE", rules + "/{rule_id}", cls.delete_access_rule),
        ):
            router.add(method, template, _mapped(handler))

    # -- policy ------------------------------------------------------------------------------

    def _app_cred_policy(self, req: Request, owner: str | None, action: str, read: bool) -> None:
        """``admin_or_owner`` (a read from 16.0.0 lets a system reader on too)."""
        ctx = req.context
        admin = _is_admin(ctx) if read and self._release >= ACCESS_RULES_SINCE else (
            "admin" in ctx.roles
        )  # fmt: skip
        if not admin and ctx.user_id != owner:
            raise exception.ForbiddenAction(action=action)

    def _app_cred_unrestricted(self, req: Request) -> None:
        """``_check_unrestricted_application_credential``: a restricted credential's token
        may not manage application credentials."""
        token = self.keystone.validate(req.context.auth_token)
        cred = getattr(self.directory, "app_creds", {}).get(token.app_cred_id or "")
        if token.app_cred_id is not None and (cred is None or not cred.unrestricted):
            raise exception.ForbiddenAction(
                action="Using method 'application_credential' is not allowed for managing "
                "additional application credentials."
            )

    def _app_cred(self, req: Request, action: str, read: bool) -> ApplicationCredential:
        """The credential the path names, once the policy lets the caller on."""
        cred = getattr(self.directory, "app_creds", {}).get(req.params["cred_id"])
        owner = req.params["user_id"]
        if cred is not None and self._release >= OWNER_FROM_CRED_SINCE:
            owner = cred.user_id
        self._app_cred_policy(req, owner, action, read)
        if cred is None:
            raise app_creds.AppCredNotFound(application_credential_id=req.params["cred_id"])
        return cred

    # -- views -------------------------------------------------------------------------------

    def _app_cred_view(self, req: Request, cred: ApplicationCredential) -> dict[str, Any]:
        d = self.directory
        roles = []
        for role_id in cred.roles:
            role = d.roles.get(role_id)
            if role is not None:
                shown = self._role(req, role)
                shown.pop("links", None)
                roles.append(shown)
        expires = cred.expires_at
        view: dict[str, Any] = {
            "id": cred.id,
            "name": cred.name,
            "description": cred.description,
            "expires_at": (
                datetime.datetime.fromisoformat(expires).strftime(TIME_FORMAT) if expires else None
            ),
            "project_id": cred.project_id,
            "roles": roles,
            "unrestricted": cred.unrestricted,
            "links": {
                "self": f"{req.base_url}/v3/users/{cred.user_id}/application_credentials/{cred.id}"
            },
        }
        if self._release >= FULL_STOP_SINCE:
            view["user_id"], view["system"] = cred.user_id, None
        if cred.access_rules:
            rules = [d.access_rules[r] for r in cred.access_rules]
            view["access_rules"] = [app_creds.rule_view(r) for r in rules]
        return view

    # -- application credentials -------------------------------------------------------------

    def list_app_creds(self, req: Request) -> Response:
        """``GET /v3/users/{user}/application_credentials``, filter ``name``."""
        user_id = req.params["user_id"]
        self._app_cred_policy(req, user_id, "identity:list_application_credentials", read=True)
        creds = app_creds.of_user(self.directory, user_id)
        for name in req.query.get("name") or ():
            creds = [c for c in creds if c.name == name]
        shown = [self._app_cred_view(req, c) for c in creds]
        return Response(200, {"application_credentials": shown, "links": _links(req)})

    def get_app_cred(self, req: Request) -> Response:
        """``GET|HEAD .../application_credentials/{id}``: 200, without its secret."""
        cred = self._app_cred(req, "identity:get_application_credential", read=True)
        return Response(200, {"application_credential": self._app_cred_view(req, cred)})

    def delete_app_cred(self, req: Request) -> Response:
        """``DELETE .../application_credentials/{id}``: 204; the tokens it issued fail from
        now on."""
        cred = self._app_cred(req, "identity:delete_application_credential", read=False)
        self._app_cred_unrestricted(req)
        creds, _ = app_creds.tables(self.keystone.writable())
        del creds[cred.id]
        self._traced("application_credential_deleted", cred.name, cred.id)
        return Response(204)

    def create_app_cred(self, req: Request) -> Response:
        """``POST /v3/users/{user}/application_credentials``: 201 and the credential with its
        secret (shown this once)."""
        body = _json(req)
        release = self._release
        if release >= KEYSTONE_BODY_SCHEMA_SINCE:
            admin_schema.validate(CREATE_BODY, body)
        ctx, user_id = req.context, req.params["user_id"]
        if release >= ACCESS_RULES_SINCE:
            if ctx.user_id != user_id:
                raise exception.ForbiddenAction(action="identity:create_application_credential")
        else:
            self._app_cred_policy(req, user_id, "identity:create_application_credential", False)
        if release < KEYSTONE_FLASK_CATALOG_SINCE and "application_credential" not in body:
            # 13.x-14.x: protected()'s policy, then the controller's call without the object
            # (keystone 14.2.0 application_credential/controllers.py): wsgi's TypeError 400
            raise exception.MissingArgument(
                method="create_application_credential", name="application_credential"
            )
        ref = body.get("application_credential", {})
        if release < KEYSTONE_BODY_SCHEMA_SINCE:
            admin_schema.lazy_validate(OLD_CREATE, ref, release)
        self._app_cred_unrestricted(req)
        if ctx.user_id != user_id:
            stop = "." if release >= FULL_STOP_SINCE else ""
            raise exception.ForbiddenAction(
                action=f"Cannot create an application credential for another user{stop}"
            )
        d = self.directory
        roles = self._app_cred_roles(ref.get("roles"), ctx.roles)
        expires_at = self._app_cred_expiry(ref.get("expires_at"))
        held = {d.role_by_name(n).id for n in d.effective_roles(user_id, project_id=ctx.project_id)}
        for role_id in roles:
            if role_id not in held:
                missing = exception.RoleAssignmentNotFound(
                    role_id=role_id, actor_id=user_id, target_id=ctx.project_id
                )
                raise app_creds.AppCredValidationError(detail=str(missing))
        w = self.keystone.writable()
        creds, rules = app_creds.tables(w)
        rule_ids = self._access_rules_asked(ref.get("access_rules"), user_id, rules)
        name = ref["name"]
        if ref.get("secret"):  # the driver hashes it before the row's conflict (Keystone's 500)
            self.keystone.read_password(ref["secret"], name)
        if release < MODEL_KEYS_BEFORE:
            for key in ref:
                if key not in MODEL_KEYS:
                    raise exception.ValidationError(
                        f"{key!r} is an invalid keyword argument for ApplicationCredentialModel"
                    )
        sql_text.check(ref, "name", "description")
        if expires_at == EMPTY_EXPIRY:  # the INSERT's parameters, before the name's conflict
            raise exception.Error()
        if any(c.name == name for c in app_creds.of_user(w, user_id)):
            raise exception.Conflict(
                type="application_credential", details=f"Duplicate entry found with name {name}"
            )
        secret = ref.get("secret") or app_creds.new_secret(self.kernel.ids)
        unrestricted = ref.get("unrestricted")
        cred = ApplicationCredential(
            id=self.kernel.ids.hex(),
            name=name,
            user_id=user_id,
            project_id=ctx.project_id,
            secret_hash=app_creds.hash_secret(
                secret, self.kernel.switches.keystone_bcrypt_max_length
            ),
            roles=tuple(roles),
            description=ref.get("description"),
            expires_at=expires_at,
            unrestricted=None if unrestricted is None else bool(unrestricted),
            access_rules=rule_ids,
        )
        creds[cred.id] = cred
        self._traced("application_credential_created", name, cred.id)
        view = self._app_cred_view(req, cred)
        view["secret"] = secret
        return Response(201, {"application_credential": view})

    def _app_cred_roles(self, asked: Any, token_roles: tuple[str, ...]) -> list[str]:
        """The role ids a create asks for (by id or by name), or the token's; implied roles
        added from 26.0.0; from 17.0.0 each must be in the token."""
        d = self.directory
        if not asked:
            return [d.role_by_name(n).id for n in token_roles]
        roles: list[str] = []
        for ref in asked:
            if ref.get("id"):
                roles.append(ref["id"])
            else:
                role = d.role_by_name(sql_text.text_of(ref["name"]))  # the query's name
                if role is None:
                    raise exception.RoleNotFound(role_id=ref["name"])
                roles.append(role.id)
        if self._release >= IMPLIED_SINCE:
            for role_id in roles:
                role = d.roles.get(role_id)
                for implied in role.implies if role is not None else ():
                    if d.role_by_name(implied).id not in roles:
                        roles.append(d.role_by_name(implied).id)
        if self._release >= TOKEN_ROLES_SINCE:
            mine = {d.role_by_name(n).id for n in token_roles}
            if any(r not in mine for r in roles):
                raise app_creds.AppCredValidationError(
                    detail="Cannot create an application credential with unassigned role"
                )
        return roles

    def _app_cred_expiry(self, value: Any) -> str | None:
        """``utils.parse_expiration_date``: a time ``timeutils.parse_isotime`` reads (the
        iso8601 library's forms, ``Z`` appended unless it ends so), not past. An empty one is
        not parsed (``if app_cred_data.get('expires_at')``): `EMPTY_EXPIRY`."""
        if value == "":
            return EMPTY_EXPIRY
        if not value:
            return None
        text = value if value.endswith("Z") else value + "Z"
        when = parse_isotime(text)
        if when is None:
            raise exception.ValidationError(
                "Timestamp not in expected format. The server could not comply with the "
                "request since it is either malformed or otherwise incorrect. The client is "
                "assumed to be in error."
            ) from None
        when = when.astimezone(datetime.UTC).replace(tzinfo=None)
        if when < self.kernel.clock.wall_time():
            raise exception.ValidationError(
                "The 'expires_at' must not be before now. The server could not comply with "
                "the request since it is either malformed or otherwise incorrect. The client "
                "is assumed to be in error."
            )
        return when.isoformat()

    def _access_rules_asked(
        self, asked: Any, user_id: str, rules: dict[str, AccessRule]
    ) -> tuple[str, ...] | None:
        """The access rules' ids (from 16.0.0): one named by id must be the user's, one equal
        to a rule the user has is that rule, any other is made."""
        if not asked or self._release < ACCESS_RULES_SINCE:
            return None
        ids: list[str] = []
        for ref in asked:
            sql_text.check(ref, "service", "path", "method")  # the rule's lookup and row
            found = rules.get(ref["id"]) if "id" in ref else None
            if found is not None and found.user_id != user_id:
                raise app_creds.AccessRuleNotFound(access_rule_id=ref["id"])
            if found is None:
                found = next(
                    (
                        r
                        for r in rules.values()
                        if (r.user_id, r.service, r.path, r.method)
                        == (user_id, ref.get("service"), ref.get("path"), ref.get("method"))
                    ),
                    None,
                )
            if found is None:
                rule_id = ref.get("id") or self.kernel.ids.hex()
                found = rules[rule_id] = AccessRule(
                    rule_id, user_id, ref.get("service"), ref.get("path"), ref.get("method")
                )
            ids.append(found.id)
        return tuple(ids)

    # -- access rules ------------------------------------------------------------------------

    def _access_rule_policy(self, req: Request, action: str, system_role: str) -> str:
        """Keystone 16.0.0's access-rule rules: a system reader (deleting: admin) or the
        user the path names (an unknown user is nobody's); before 16.0.0, no such route."""
        if self._release < ACCESS_RULES_SINCE:
            raise NoRoute([])
        ctx, user_id = req.context, req.params["user_id"]
        system = ctx.system_scope == "all" and system_role in ctx.roles
        if not system and (user_id not in self.directory.users or ctx.user_id != user_id):
            raise exception.ForbiddenAction(action=action)
        return user_id

    def list_access_rules(self, req: Request) -> Response:
        """``GET /v3/users/{user}/access_rules``, filters ``service``, ``path``, ``method``."""
        user_id = self._access_rule_policy(req, "identity:list_access_rules", "reader")
        held = [r for r in getattr(self.directory, "access_rules", {}).values()]
        held = [r for r in held if r.user_id == user_id]
        for field in ("service", "path", "method"):
            for value in req.query.get(field) or ():
                held = [r for r in held if getattr(r, field) == value]
        shown = [self._access_rule_view(req, r) for r in held]
        return Response(200, {"access_rules": shown, "links": _links(req)})

    def _access_rule(self, req: Request, action: str, system_role: str) -> AccessRule:
        user_id = self._access_rule_policy(req, action, system_role)
        rule = getattr(self.directory, "access_rules", {}).get(req.params["rule_id"])
        if rule is None or rule.user_id != user_id:
            raise app_creds.AccessRuleNotFound(access_rule_id=req.params["rule_id"])
        return rule

    def _access_rule_view(self, req: Request, rule: AccessRule) -> dict[str, Any]:
        link = f"{req.base_url}/v3/users/{rule.user_id}/access_rules/{rule.id}"
        return {**app_creds.rule_view(rule), "links": {"self": link}}

    def get_access_rule(self, req: Request) -> Response:
        """``GET|HEAD /v3/users/{user}/access_rules/{id}``."""
        rule = self._access_rule(req, "identity:get_access_rule", "reader")
        return Response(200, {"access_rule": self._access_rule_view(req, rule)})

    def delete_access_rule(self, req: Request) -> Response:
        """``DELETE /v3/users/{user}/access_rules/{id}``: 204; 403 while a credential uses it."""
        rule = self._access_rule(req, "identity:delete_access_rule", "admin")
        w = self.keystone.writable()
        creds, rules = app_creds.tables(w)
        if any(rule.id in (c.access_rules or ()) for c in creds.values()):
            raise exception.Forbidden("May not delete access rule in use")
        del rules[rule.id]
        return Response(204)
