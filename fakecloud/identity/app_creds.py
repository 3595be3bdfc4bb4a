"""Keystone's application credentials and access rules: the records, where a directory keeps
them, and the ``application_credential`` auth method (``keystone/application_credential``,
``keystone/auth/core.py`` ``_lookup_app_cred``, ``keystone/auth/plugins``).

An application credential belongs to a user and one project: it holds a subset of the roles
its creator held there (by role id), an optional expiry (a calendar time, as Keystone stores
it), whether it may manage other application credentials (``unrestricted``) and, from keystone
16.0.0, access rules. Its secret is shown once, at creation; the directory keeps only its hash.
A token it issues is scoped to its project with its roles that the user still holds there.

The tables live on a `fakecloud.identity.writes.WrittenDirectory` once it has one (`tables`):
a world that never made one saves what it saved before they existed. Deleting or disabling
the user deletes its application credentials (and access rules); deleting a role deletes those
of each user granted it on a project, on that project (`drop_for_role`).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
from dataclasses import dataclass
from typing import Any

from fakecloud.identity import exception, passwords, sql_text

#: The method name of ``POST /v3/auth/tokens``.
METHOD = "application_credential"


@dataclass(frozen=True)
class AccessRule:
    """One API call an application credential may make (service type, path, method)."""

    id: str
    user_id: str
    service: str
    path: str
    method: str


@dataclass(frozen=True)
class ApplicationCredential:
    """A user's application credential on one project (its secret hashed)."""

    id: str
    name: str
    user_id: str
    project_id: str | None
    secret_hash: str
    roles: tuple[str, ...]
    description: str | None = None
    #: The calendar time it dies (naive UTC, ISO text), or None.
    expires_at: str | None = None
    unrestricted: bool | None = None
    #: Its access rules' ids, or None (none given, or a Keystone before 16.0.0).
    access_rules: tuple[str, ...] | None = None


class AppCredError(exception.Unauthorized):
    """``ApplicationCredentialAuthError`` (an ``AuthPluginException``: its words are shown)."""

    message_format = "Error authenticating with application credential: %(detail)s"

    def __init__(self, detail: str) -> None:
        exception.Error.__init__(self, self.message_format % {"detail": detail})
        self.reason = detail


class AppCredNotFound(exception.NotFound):
    """No application credential has this id."""

    message_format = "Could not find Application Credential: %(application_credential_id)s."


class AccessRuleNotFound(exception.NotFound):
    """No access rule of the user has this id."""

    message_format = "Could not find Access Rule: %(access_rule_id)s."


class AppCredValidationError(exception.ValidationError):
    """``ApplicationCredentialValidationError`` (400)."""

    message_format = "Invalid application credential: %(detail)s"


#: What a hash kept before session 31 starts with (of the whole secret): still checked so.
_WHOLE = "sha256$"


def hash_secret(secret: str, bcrypt_max_length: int | None) -> str:
    """What the directory keeps of a secret (Keystone keeps a bcrypt hash of what it reads
    of it, `passwords.read` by the release's cut; nothing shows it)."""
    return "bcrypt72$" + hashlib.sha256(passwords.read(secret, bcrypt_max_length)).hexdigest()


def secret_matches(secret: str, secret_hash: str, bcrypt_max_length: int | None) -> bool:
    """Whether `secret` is the one `secret_hash` was made of (``check_password``)."""
    if secret_hash.startswith(_WHOLE):
        return secret_hash == _WHOLE + hashlib.sha256(secret.encode()).hexdigest()
    return secret_hash == hash_secret(secret, bcrypt_max_length)


def new_secret(ids: Any) -> str:
    """64 random bytes from the cloud's id source, URL-safe base64 without padding (as
    Keystone's ``_generate_secret``)."""
    raw = bytes.fromhex(ids.hex(64))
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def tables(d: Any) -> tuple[dict[str, ApplicationCredential], dict[str, AccessRule]]:
    """The application credentials and access rules of a written directory, by id (made on
    its first such write)."""
    if "app_creds" not in d.__dict__:
        d.app_creds, d.access_rules = {}, {}
    return d.app_creds, d.access_rules


def of_user(d: Any, user_id: str) -> list[ApplicationCredential]:
    """The user's application credentials, in creation order."""
    return [c for c in getattr(d, "app_creds", {}).values() if c.user_id == user_id]


def drop_for_user(d: Any, user_id: str, project_id: str | None = None) -> None:
    """Delete the user's application credentials (on `project_id` only, if given); a user's
    whole deletion also drops its access rules."""
    creds, rules = getattr(d, "app_creds", None), getattr(d, "access_rules", None)
    if not creds:
        return
    for cred in of_user(d, user_id):
        if project_id is None or cred.project_id == project_id:
            del creds[cred.id]
    if project_id is None:
        for rule_id in [r.id for r in rules.values() if r.user_id == user_id]:
            del rules[rule_id]


def drop_for_role(d: Any, role_id: str, members_too: bool = False) -> None:
    """Keystone's ``_send_app_cred_notification_for_role_removal``: each user granted
    `role_id` on a project loses its application credentials on that project; with
    `members_too` (13.x's ``delete_tokens_for_role_assignments``, whose token persistence
    notification the credentials' callback heard) each member of a group granted it on a
    project too."""
    if getattr(d, "app_creds", None):
        for a in [a for a in d.assignments if a.role_id == role_id and a.project_id]:
            drop_for_user(d, a.user_id, a.project_id)
        if members_too:
            for g in [g for g in d.group_grants if g.role_id == role_id and g.project_id]:
                for user_id in d.members.get(g.group_id, ()):
                    drop_for_user(d, user_id, g.project_id)


def drop_on_revoke(d: Any, grant: Any) -> None:
    """Keystone 13.x's ``delete_grant``: a project grant revoked from a user, or from a group
    (``[token] revoke_by_id``, on by default: each member), sends the user and project's token
    persistence notification, on which the user's application credentials on that project
    are deleted (``_delete_app_creds_on_assignment_removal``), whatever roles it keeps there.
    14.0.0 sends it no more (a role's deletion alone deletes them, `drop_for_role`)."""
    if not getattr(d, "app_creds", None) or grant.project_id is None:
        return
    group_id = getattr(grant, "group_id", None)
    users = d.members.get(group_id, ()) if group_id is not None else (grant.user_id,)
    for user_id in list(users):
        drop_for_user(d, user_id, grant.project_id)


def expired(cred: ApplicationCredential, now: datetime.datetime) -> bool:
    """Whether `cred` is past its expiry at calendar time `now`."""
    return cred.expires_at is not None and datetime.datetime.fromisoformat(cred.expires_at) < now


def _unbindable(value: Any) -> bool:
    """Whether the SQL driver cannot bind `value` as a column's value (sqlite's
    ``InterfaceError``, oslo.db's ``DBError``; a string UTF-8 cannot encode, oslo.db's
    ``DBInvalidUnicodeParameter``, `fakecloud.identity.sql_text`: Keystone's unexpected 500)."""
    if isinstance(value, str):
        return not sql_text.encodable(value)
    return isinstance(value, (list, dict))


def _domain(d: Any, info: Any) -> Any:
    """``AuthInfo._lookup_domain`` (keystone 13.0.0-30.0.0 auth/core.py): by name first, else
    by id; neither is a 400, an unknown or disabled domain a 401; `info` no object, Keystone's
    500 (``AttributeError``)."""
    if not isinstance(info, dict):
        raise exception.Error()
    domain_id, domain_name = info.get("id"), info.get("name")
    if not domain_id and not domain_name:
        raise exception.ValidationError(attribute="id or name", target="domain")
    if _unbindable(domain_name or domain_id):
        raise exception.Error()
    if _unbindable(domain_name or domain_id):  # the query's parameter
        raise exception.Error()
    found = d.domain_by_name(domain_name) if domain_name else d.domains.get(domain_id)
    if found is None or not found.enabled:
        raise exception.Unauthorized(f"no such or disabled domain {info!r}")
    return found


def lookup(d: Any, data: Any) -> ApplicationCredential:
    """``AuthInfo._lookup_app_cred`` (keystone 13.0.0-30.0.0 auth/core.py): the credential an
    ``application_credential`` auth names, by ``id`` (an unknown one is
    ``ApplicationCredentialNotFound``'s 404: nothing catches it), or by ``name`` and its
    ``user`` (by id, or by name and domain: an unknown name is ``UserNotFound``'s 404). What
    is no object where one is read, a missing user name, or a list or mapping where the SQL
    driver binds a value, is Keystone's unexpected 500."""
    if not isinstance(data, dict):
        raise exception.Error()
    creds = getattr(d, "app_creds", {})
    ident = data.get("id")
    if ident:
        if _unbindable(ident):
            raise exception.Error()
        cred = creds.get(ident)
        if cred is None:
            raise AppCredNotFound(application_credential_id=ident)
        return cred
    name = data.get("name")
    if not name:
        raise exception.ValidationError(attribute="name or ID", target="application credential")
    user = data.get("user")
    if not user:
        raise exception.ValidationError(attribute="user", target="application credential")
    if not isinstance(user, dict):
        raise exception.Error()
    user_id = user.get("id")
    if not user_id:
        if "domain" not in user:
            raise exception.ValidationError(attribute="domain", target="user")
        domain = _domain(d, user["domain"])
        if "name" not in user or _unbindable(user["name"]):
            raise exception.Error()
        found_user = d.user_by_name(user["name"], domain.id)
        if found_user is None:
            raise exception.UserNotFound(user_id=user["name"])
        user_id = found_user.id
    if _unbindable(user_id) or _unbindable(name):
        raise exception.Error()
    found = [c for c in of_user(d, user_id) if c.name == name]
    if len(found) != 1:
        raise exception.Unauthorized(f"Could not find application credential: {name}")
    return found[0]


def check_secret(
    cred: ApplicationCredential, data: dict[str, Any], now: Any, switches: Any
) -> None:
    """The plugin's ``authenticate``: the secret matches and the credential lives (401). A
    secret that is no string reaches ``check_password`` (no schema reads this method's body):
    none is a 401, any other Keystone's 400 "Expecting to find string in password" (unless
    switch ``keystone_secret_type_checked`` is off: before 6730c761d, keystone
    24.0.0 and its backports 21.0.1, 22.0.1, 23.0.1, a list or a mapping has a length, so its
    ``.encode`` is the unexpected 500)."""
    secret = data.get("secret")
    if secret is not None and not isinstance(secret, str):
        if not switches.keystone_secret_type_checked and isinstance(secret, (list, dict)):
            raise exception.Error()
        raise exception.ValidationError(attribute="string", target="password")
    if secret is None or not secret_matches(
        secret, cred.secret_hash, switches.keystone_bcrypt_max_length
    ):
        raise exception.Unauthorized("Invalid application credential ID or secret")
    if expired(cred, now):
        raise exception.Unauthorized("Invalid application credential ID or secret (expired)")


def token_roles(d: Any, cred: ApplicationCredential, held: tuple[str, ...]) -> tuple[str, ...]:
    """``TokenModel._get_application_credential_roles``: the credential's roles (names) that
    the user still holds (`held`) on its project."""
    names = [d.roles[r].name for r in cred.roles if r in d.roles]
    return tuple(n for n in names if n in held)


def token_body(d: Any, cred_id: str) -> dict[str, Any]:
    """A token's ``application_credential``: id, name, ``restricted`` and, if it has any, its
    access rules (``render_token_response_from_model``)."""
    cred = d.app_creds[cred_id]
    body: dict[str, Any] = {"id": cred.id, "name": cred.name, "restricted": not cred.unrestricted}
    if cred.access_rules:
        body["access_rules"] = [rule_view(d.access_rules[r]) for r in cred.access_rules]
    return body


def rule_view(rule: AccessRule) -> dict[str, Any]:
    """An access rule as Keystone shows it (``_access_rule_to_dict``: no user id)."""
    return {"id": rule.id, "service": rule.service, "path": rule.path, "method": rule.method}
