"""``POST /v3/auth/tokens``: who is authenticating, for which scope (``keystone/auth/core.py``).

`AuthInfo` reads an ``auth`` body the way Keystone does: the identity methods (``password``:
user by id, or by name and domain; ``token``: an existing token), then the scope (a project by id
or by name and domain, a domain, the system, ``"unscoped"``, or nothing, which falls back to the
user's default project when the user has a role there). `authenticate` checks it against the
directory and issues the token. Failures keep Keystone's statuses: 400 for a malformed body, 401
for anything about credentials or scope (the trace says which), 404 for an unknown token.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fakecloud.identity import app_creds, exception, passwords
from fakecloud.identity.models import Directory, Domain, Project, User
from fakecloud.identity.sql_text import text_of
from fakecloud.identity.tokens import Token, TokenExpired, TokenStore

SUPPORTED_METHODS = ("password", "token", app_creds.METHOD)


@dataclass
class Scope:
    """What a token is asked for: one project, one domain, the system, or nothing."""

    project: Project | None = None
    domain: Domain | None = None
    system: bool = False
    explicit_unscoped: bool = False


def _object(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise exception.SchemaValidationError(
            detail=f"Invalid input for field '{field}': {value!r} is not of type 'object'"
        )
    return value


def _string(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise exception.SchemaValidationError(
            detail=f"Invalid input for field '{field}': {value!r} is not of type 'string'"
        )
    return value


class AuthInfo:
    """One parsed ``auth`` body: the methods, each method's data, and the requested scope."""

    methods: tuple[str, ...]

    def __init__(self, auth: Any):
        if not isinstance(auth, dict):
            raise exception.SchemaValidationError(detail=f"{auth!r} is not of type 'object'")
        if "identity" not in auth:
            raise exception.SchemaValidationError(detail="'identity' is a required property")
        self.identity = _object(auth["identity"], "identity")
        methods = self.identity.get("methods")
        if methods is None:
            raise exception.SchemaValidationError(
                detail="Invalid input for field 'identity': 'methods' is a required property"
            )
        if not isinstance(methods, list) or not all(isinstance(m, str) for m in methods):
            raise exception.SchemaValidationError(
                detail=f"Invalid input for field 'identity/methods': {methods!r} is not of "
                "type 'array' of 'string'"
            )
        # AuthInfo._validate_auth_methods: every method's data first, then each supported
        # (13.0.0-30.0.0); no method at all authenticates nobody (a 401, after the scope).
        for method in methods:
            if method not in self.identity:
                raise exception.ValidationError(attribute=method, target="identity")
        for method in methods:
            if method not in SUPPORTED_METHODS:
                raise exception.AuthMethodNotSupported(f"unsupported auth method {method!r}")
        self.methods = tuple(dict.fromkeys(methods))
        self.scope_data = auth.get("scope")


def _lookup_domain(directory: Directory, data: Any, field: str) -> Domain:
    data = _object(data, field)
    if "id" in data:
        dom = directory.domains.get(text_of(_string(data["id"], f"{field}/id")))
    elif "name" in data:
        dom = directory.domain_by_name(text_of(_string(data["name"], f"{field}/name")))
    else:
        raise exception.ValidationError(attribute="id or name", target=field.rsplit("/", 1)[-1])
    if dom is None or not dom.enabled:
        raise exception.Unauthorized(f"no such or disabled domain {data!r}")
    return dom


def _lookup_user(directory: Directory, data: Any) -> User:
    data = _object(data, "identity/password/user")
    if "id" in data:
        user = directory.users.get(text_of(_string(data["id"], "identity/password/user/id")))
    elif "name" in data:
        name = _string(data["name"], "identity/password/user/name")
        if "domain" not in data:
            raise exception.ValidationError(attribute="domain", target="user")
        dom = _lookup_domain(directory, data["domain"], "identity/password/user/domain")
        user = directory.user_by_name(text_of(name), dom.id)
    else:
        raise exception.ValidationError(attribute="id or name", target="user")
    if user is None:
        raise exception.Unauthorized(f"no such user {data.get('id') or data.get('name')!r}")
    return user


def _lookup_scope(directory: Directory, data: Any) -> Scope:
    if data is None:
        return Scope()
    if data == "unscoped":
        return Scope(explicit_unscoped=True)
    data = _object(data, "scope")
    given = [k for k in ("project", "domain", "system", "OS-TRUST:trust") if k in data]
    if len(given) > 1:
        raise exception.ValidationError(
            attribute="only one of project, domain, OS-TRUST:trust or system", target="scope"
        )
    if not given:
        return Scope()
    kind = given[0]
    if kind == "OS-TRUST:trust":
        raise exception.Forbidden("Trusts are not supported by fakecloud's identity service.")
    if kind == "system":
        system = _object(data["system"], "scope/system")
        if system.get("all") is not True:
            raise exception.ValidationError(attribute="all", target="system")
        return Scope(system=True)
    if kind == "domain":
        return Scope(domain=_lookup_domain(directory, data["domain"], "scope/domain"))
    project_data = _object(data["project"], "scope/project")
    if "id" in project_data:
        project = directory.projects.get(text_of(_string(project_data["id"], "scope/project/id")))
    elif "name" in project_data:
        name = _string(project_data["name"], "scope/project/name")
        if "domain" not in project_data:
            raise exception.ValidationError(attribute="domain", target="project")
        dom = _lookup_domain(directory, project_data["domain"], "scope/project/domain")
        project = directory.project_by_name(text_of(name), dom.id)
    else:
        raise exception.ValidationError(attribute="id or name", target="project")
    if project is None or not project.enabled or not directory.domains[project.domain_id].enabled:
        raise exception.Unauthorized(f"no such or disabled project {project_data!r}")
    return Scope(project=project)


def authenticate(
    directory: Directory,
    tokens: TokenStore,
    auth: Any,
    infer_roles: bool,
    switches: Any,
    warn: Callable[[str, str], None] = lambda about, message: None,
) -> Token:
    """Check an ``auth`` body and issue its token (raises Keystone's errors) as the Keystone
    of the profile's `switches` does; its roles hold the roles they imply unless
    `infer_roles` is off (``[token] infer_roles``). `warn` (about, message) hears the warning
    a password or secret that is cut logs (`passwords.cut_warning`)."""
    roles_on = directory.effective_roles if infer_roles else directory.granted_roles
    info = AuthInfo(auth)
    if app_creds.METHOD in info.methods:
        return _by_app_cred(directory, tokens, info, roles_on, switches, warn)
    user: User | None = None
    methods: list[str] = []
    expires_at = None
    parent_audit: tuple[str, ...] = ()
    if "token" in info.methods:
        data = _object(info.identity["token"], "identity/token")
        if "id" not in data:
            raise exception.SchemaValidationError(
                detail="Invalid input for field 'identity/token': 'id' is a required property"
            )
        try:
            original = tokens.validate(_string(data["id"], "identity/token/id"))
        except (TokenExpired, exception.TokenNotFound) as dead:
            raise tokens.refusal(data["id"], dead) from None
        user = original.user
        methods.extend(("token", *original.methods))
        expires_at = original.expires_at
        parent_audit = original.audit_ids
    if "password" in info.methods:
        pw = _object(info.identity["password"], "identity/password")
        if "user" not in pw:
            raise exception.ValidationError(attribute="user", target="password")
        candidate = _lookup_user(directory, pw["user"])
        password = pw["user"].get("password")
        if password is None:
            raise exception.ValidationError(attribute="password", target="user")
        if candidate.password is not None:  # check_password hashes nothing without one
            _warn_cut(password, candidate.id, switches, warn)
        if not passwords.matches(password, candidate.password, switches.keystone_bcrypt_max_length):
            raise exception.Unauthorized(f"wrong password for user {candidate.name!r}")
        if user is not None and user.id != candidate.id:
            raise exception.Unauthorized("the auth methods name different users")
        user = candidate
        methods.append("password")
    if user is None:  # no method: "User not found by auth plugin; authentication failed"
        _lookup_scope(directory, info.scope_data)
        raise exception.Unauthorized("no auth method named a user")
    if not user.enabled:
        raise exception.Unauthorized(f"user {user.name!r} is disabled")
    if not directory.domains[user.domain_id].enabled:  # keystone's assert_user_enabled
        raise exception.Unauthorized(f"user {user.name!r} is in a disabled domain")
    scope = _lookup_scope(directory, info.scope_data)
    roles: tuple[str, ...] = ()
    if scope.project is not None:
        roles = roles_on(user.id, project_id=scope.project.id)
        if not roles:
            raise exception.Unauthorized(
                f"user {user.name!r} has no role on project {scope.project.name!r}"
            )
    elif scope.domain is not None:
        roles = roles_on(user.id, domain_id=scope.domain.id)
        if not roles:
            raise exception.Unauthorized(
                f"user {user.name!r} has no role on domain {scope.domain.name!r}"
            )
    elif scope.system:
        roles = roles_on(user.id, system=True)
        if not roles:
            raise exception.Unauthorized(f"user {user.name!r} has no role on the system")
    elif not scope.explicit_unscoped and user.default_project_id:
        # Keystone scopes to the default project when the user holds a role there.
        project = directory.projects.get(user.default_project_id)
        granted = roles_on(user.id, project_id=user.default_project_id)
        if project is not None and project.enabled and granted:
            scope.project, roles = project, granted
    return tokens.issue(
        user,
        methods=tuple(dict.fromkeys(methods)),
        roles=roles,
        project=scope.project,
        domain=scope.domain,
        system=scope.system,
        expires_at=expires_at,
        parent_audit_ids=parent_audit,
    )


def _warn_cut(secret: Any, about: str, switches: Any, warn: Callable[[str, str], None]) -> None:
    """`warn` of the cut ``check_password`` makes of `secret` (a string), if any."""
    if isinstance(secret, str):
        note = passwords.cut_warning(secret, switches.keystone_bcrypt_max_length)
        if note is not None:
            warn(about, note)


def _by_app_cred(
    directory: Directory,
    tokens: TokenStore,
    info: AuthInfo,
    roles_on: Any,
    switches: Any,
    warn: Callable[[str, str], None],
) -> Token:
    """An ``application_credential`` auth: no scope may be asked (the credential's project is
    the token's), the credential found by id or by name and user, its user enabled, its
    secret right and the credential alive; the token holds its roles the user still holds
    there, and dies no later than the credential (keystone's CVE-2022-2447 fix: switch
    ``keystone_app_cred_token_capped``)."""
    if info.scope_data is not None:
        raise app_creds.AppCredError("Application credentials cannot request a scope.")
    data = info.identity[app_creds.METHOD]
    cred = app_creds.lookup(directory, data)
    user = directory.users.get(cred.user_id)
    if user is None:
        raise exception.UserNotFound(user_id=cred.user_id)
    if not user.enabled or not directory.domains[user.domain_id].enabled:
        raise exception.Unauthorized(f"user {user.name!r} is disabled")
    clock = tokens.clock
    now = clock.wall_time()
    _warn_cut(data.get("secret"), cred.id, switches, warn)
    app_creds.check_secret(cred, data, now, switches)
    project = directory.projects.get(cred.project_id or "")
    if project is None or not project.enabled:
        raise exception.Unauthorized(f"no such or disabled project {cred.project_id!r}")
    roles = app_creds.token_roles(directory, cred, roles_on(user.id, project_id=project.id))
    if not roles:
        raise exception.Unauthorized(f"user {user.name!r} has no role on project {project.name!r}")
    expires_at = None
    if cred.expires_at is not None and switches.keystone_app_cred_token_capped:
        end = clock.virtual_time(datetime.datetime.fromisoformat(cred.expires_at))
        expires_at = min(end, tokens.now + tokens.ttl_s)
    return tokens.issue(user, methods=(app_creds.METHOD,), roles=roles, project=project,
                        expires_at=expires_at, app_cred_id=cred.id)  # fmt: skip
