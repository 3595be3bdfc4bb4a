"""Tempest's pre-provisioned accounts, and the users a served cloud adds for them.

Tempest locks one account per test class and worker; the compute tests ask for a project's
member, reader and manager together, an admin, and a ``service`` user. So each of `PROJECTS`
projects gets three users, and `ADMINS` admins and `SERVICE_USERS` service users share the
``admin`` project: enough for ``tempest run --concurrency 4``. Tempest's ``alt`` credentials
take the first free account that is no admin, whatever its role, and a reader there refuses a
volume transfer's accept (403, as Cinder): the members come first in ``accounts.yaml``. The
identity admin tests also ask for a ``system_reader`` (a reader on the system, no project):
`SYSTEM_READERS` of them, system-scoped in ``accounts.yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PROJECTS = 8
ADMINS = 8
SERVICE_USERS = 3
SYSTEM_READERS = 4
PASSWORD = "tempest-secret"
#: A year: Tempest's run keeps its tokens, and judges them by the machine's clock.
TOKEN_TTL_S = 31536000.0


def _project_users() -> list[dict[str, Any]]:
    users = []
    for i in range(1, PROJECTS + 1):
        project = f"tempest-{i}"
        users.append({"name": project, "project": project, "roles": ["member"]})
        users.append({"name": f"{project}-reader", "project": project, "roles": ["reader"]})
        users.append({"name": f"{project}-manager", "project": project, "roles": ["manager"]})
    return users


def users() -> list[dict[str, Any]]:
    """Every Tempest user (name, project, roles, and ``system_roles`` and ``types`` where
    Tempest's admin, service and system reader accounts need them), members first; a system
    reader has no project."""
    found = sorted(_project_users(), key=lambda u: u["roles"] != ["member"])  # stable
    for i in range(1, ADMINS + 1):
        found.append(
            {"name": f"tempest-admin-{i}", "project": "admin", "roles": ["admin"],
             "system_roles": ["admin"], "types": ["admin"]}
        )  # fmt: skip
    for i in range(1, SERVICE_USERS + 1):
        found.append(
            {"name": f"tempest-service-{i}", "project": "admin", "roles": ["admin", "service"],
             "system_roles": ["admin"]}
        )  # fmt: skip
    for i in range(1, SYSTEM_READERS + 1):
        found.append(
            {"name": f"tempest-system-reader-{i}", "project": None, "roles": [],
             "system_roles": ["reader"]}
        )  # fmt: skip
    return found


#: The roles Tempest's accounts hold that ``keystone-manage bootstrap`` makes only from
#: keystone 24.0.0 (`fakecloud.identity.config.bootstrap_roles`), as that bootstrap makes them:
#: ``service``, which devstack makes itself on every series (``lib/keystone``
#: ``create_keystone_accounts``, Queens to 2026.1), and ``manager`` (⇒ member), which no
#: devstack before it makes; the same roles as the newest release's on every profile.
ROLES = {"manager": ["member"], "service": []}


def identity_overrides() -> dict[str, Any]:
    """The ``identity`` config section that gives a cloud the Tempest projects and users."""
    projects = {f"tempest-{i}": {"description": "tempest"} for i in range(1, PROJECTS + 1)}
    records = {}
    for user in users():
        record = {"password": PASSWORD, "project": user["project"], "roles": user["roles"]}
        if "system_roles" in user:
            record["system_roles"] = user["system_roles"]
        records[user["name"]] = record
    return {
        "token_ttl_s": TOKEN_TTL_S,
        "projects": projects,
        "users": records,
        "roles": dict(ROLES),
    }


def with_identity(config: Mapping[str, Any] | None) -> dict[str, Any]:
    """`config` (sections by name) with the Tempest projects, users and roles added and
    year-long tokens; what it sets itself (``token_ttl_s``, a user of the same name) wins."""
    return _merged_identity(config, identity_overrides())


def with_token_ttl(config: Mapping[str, Any] | None) -> dict[str, Any]:
    """`config` with year-long tokens and Tempest's roles (`ROLES`: its dynamic credentials
    grant them by name) unless it sets them itself."""
    return _merged_identity(config, {"token_ttl_s": TOKEN_TTL_S, "roles": dict(ROLES)})


def _merged_identity(config: Mapping[str, Any] | None, ours: dict[str, Any]) -> dict[str, Any]:
    merged = dict(config or {})
    given = merged.get("identity") or {}
    if not isinstance(given, Mapping):
        return merged  # left for the config check to refuse, naming it
    identity = {**ours, **given}
    for key in ("projects", "users", "roles"):
        if key in ours and isinstance(given.get(key), Mapping):
            identity[key] = {**ours[key], **given[key]}
    merged["identity"] = identity
    return merged


def accounts(world_users: Mapping[str, Any], domain: str) -> list[dict[str, Any]]:
    """The ``accounts.yaml`` entries for the Tempest users the cloud has (`world_users`, as
    `IdentityConfig.world` gives them: their passwords and projects as served)."""
    out = []
    for user in users():
        served = world_users.get(user["name"])
        if not isinstance(served, Mapping):
            continue
        if user["project"] is None:  # system-scoped: Tempest wants no project nor domain name
            entry = {
                "username": user["name"],
                "user_domain_name": domain,
                "password": served.get("password", PASSWORD),
                "system": "all",
                "roles": list(served.get("system_roles", user["system_roles"])),
            }
            out.append(entry)
            continue
        entry = {
            "username": user["name"],
            "project_name": served.get("project", user["project"]),
            "password": served.get("password", PASSWORD),
            "domain_name": domain,
            "roles": list(served.get("roles", user["roles"])),
        }
        if "types" in user:
            entry["types"] = user["types"]
        out.append(entry)
    return out
