"""The ``identity`` configuration section: the world a cloud starts with, and token lifetime.

The default world (every id is seeded from the cloud seed)::

    domain  Default (id "default")
    project demo    user demo         password "demo-secret"    role member
                    user demo-reader  password "reader-secret"  role reader
    project admin   user admin        password "admin-secret"   role admin (also on the system)
    project service user nova         password "nova-secret"    roles admin, service
                    user cinder       password "cinder-secret"  role service
                    user glance       password "glance-secret"  role service (from
                                                                Keystone 28 admin too)

The ``service`` project and its users are the services' own, as devstack makes them
(``create_service_user nova admin``: the role given and ``service`` on project ``service``):
Nova's ``[service_user]`` (and ``[cinder]``, and Cinder's ``[nova]``) user, whose token Nova
sends beside a user's as ``X-Service-Token`` (`fakecloud.nova.service_auth`), and Cinder's
``[service_user]`` (``create_service_user "cinder"``: ``service`` alone, devstack's e8bc2b82;
`fakecloud.cinder.service_auth`, session 43), and Glance's (``create_glance_accounts``, every
devstack; Cinder's ``[glance]`` user from 2025.2, `GLANCE_ADMIN_SINCE`). Their ids are drawn
after every other record's, in that order, so the other records keep the ids they had before
the services' users existed (and before Keystone 28, ``glance``: session 47).

Roles are what ``keystone-manage bootstrap`` of the profile's Keystone makes, with the implied
roles it makes (`bootstrap_roles`): from keystone 24.0.0 admin ⇒ manager ⇒ member ⇒ reader and
``service``; 14.0.0-23.x admin ⇒ member ⇒ reader; 13.x ``admin`` alone, and the world makes the
``member`` and ``reader`` its users hold, implying nothing (as devstack made ``member``). A token
carries the roles it was granted plus every role they imply.

Overrides merge by name: ``{"identity": {"users": {"alice": {"password": "pw", "project":
"demo", "roles": ["member"]}}}}`` adds alice and keeps the default users; ``{"demo-reader":
None}`` removes one. A user may name ``domain`` (default ``Default``) and ``system_roles`` (roles
on the whole system, which allow a system-scoped token); a project may name ``domain`` and
``description``; ``domains`` maps a domain name to ``{"id": ..., "description": ...}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fakecloud.config import config_section
from fakecloud.profiles.releases import SERIES
from fakecloud.profiles.series import (
    KEYSTONE_BOOTSTRAP_MANAGER_SINCE,
    KEYSTONE_BOOTSTRAP_READER_SINCE,
)

DEFAULT_DOMAIN_ID = "default"
DEFAULT_DOMAIN_NAME = "Default"


def _default_domains() -> dict[str, Any]:
    return {DEFAULT_DOMAIN_NAME: {"id": DEFAULT_DOMAIN_ID, "description": "The default domain"}}


def _default_projects() -> dict[str, Any]:
    return {
        "demo": {"description": "The demo project"},
        "admin": {"description": "Bootstrap project for initializing the cloud."},
    }


def _default_users() -> dict[str, Any]:
    return {
        "demo": {"password": "demo-secret", "project": "demo", "roles": ["member"]},
        "demo-reader": {"password": "reader-secret", "project": "demo", "roles": ["reader"]},
        "admin": {
            "password": "admin-secret",
            "project": "admin",
            "roles": ["admin"],
            "system_roles": ["admin"],
        },
    }


#: The newest Keystone fakecloud's profiles carry (the ``upstream`` series'): a world built
#: without a release is its.
NEWEST_KEYSTONE = SERIES[max(SERIES)].keystone
#: Every role some release's bootstrap makes, in the order their ids are drawn: each draws
#: its id whether or not the release makes it, so every other record of a world has the same
#: id in every release.
BOOTSTRAP_ROLE_NAMES = ("admin", "manager", "member", "reader", "service")


def bootstrap_roles(keystone: int) -> dict[str, list[str]]:
    """The roles ``keystone-manage bootstrap`` of Keystone `keystone` (a major) makes, each
    with the roles it implies."""
    if keystone >= KEYSTONE_BOOTSTRAP_MANAGER_SINCE:
        return {
            "admin": ["manager"],
            "manager": ["member"],
            "member": ["reader"],
            "reader": [],
            "service": [],
        }
    if keystone >= KEYSTONE_BOOTSTRAP_READER_SINCE:
        return {"admin": ["member"], "member": ["reader"], "reader": []}
    return {"admin": []}


#: The first Keystone (its series' major) whose devstack gives the ``glance`` user ``admin``
#: beside ``service`` (devstack 2df0d7ab, "Configure glance user in cinder conf", stable/2025.2
#: on: ``create_service_user "glance" "admin"`` and ``configure_keystone_authtoken_middleware
#: $CINDER_CONF glance glance``), the user Cinder 27.0.0's volume manager reads an image's
#: locations as (`fakecloud.cinder.images.LOCATIONS_API_SINCE`). Before, devstack's
#: ``create_glance_accounts`` made ``glance`` with ``service`` alone (``create_service_user
#: "glance"``, every branch from stable/queens to stable/2025.1): Glance's own user, which no
#: service here authenticates as, listed as any user.
GLANCE_ADMIN_SINCE = 28


def _default_service_users(keystone: int) -> dict[str, Any]:
    glance = ["admin", "service"] if keystone >= GLANCE_ADMIN_SINCE else ["service"]
    return {
        "nova": {"password": "nova-secret", "roles": ["admin", "service"]},
        "cinder": {"password": "cinder-secret", "roles": ["service"]},
        "glance": {"password": "glance-secret", "roles": glance},
    }


#: The project of the services' users (devstack's ``SERVICE_PROJECT_NAME``).
SERVICE_PROJECT = "service"


def _default_roles(keystone: int) -> dict[str, Any]:
    # bootstrap's roles, and the ones the default users hold that it does not make (13.x:
    # member, as devstack makes it, and reader; before 24.0.0 ``service``, which devstack's
    # ``create_keystone_accounts`` makes), implying nothing
    roles: dict[str, Any] = bootstrap_roles(keystone)
    for name in ("member", "reader", "service"):
        roles.setdefault(name, [])
    return roles


@config_section("identity")
@dataclass(frozen=True)
class IdentityConfig:
    """Token lifetime, catalog region, and the domains, projects, users and roles of a cloud."""

    token_ttl_s: float = 3600.0
    """``[token] expiration``: a token's lifetime in virtual seconds (Keystone's default 1 h)."""
    allow_expired_window_s: float = 172800.0
    """``[token] allow_expired_window``: how long after it expires a token is still good beside
    a service token with the ``service`` role (Keystone's default 2 days)."""
    infer_roles: bool = True
    """``[token] infer_roles``: a token holds the roles its granted roles imply (Keystone's
    default); off, only the roles granted (directly or through a group)."""
    max_project_tree_depth: int = 5
    """``[DEFAULT] max_project_tree_depth``: how many projects deep a hierarchy may go below
    its domain (Keystone's default 5)."""
    region: str = "RegionOne"
    """The region of every catalog endpoint (``region`` and ``region_id``)."""
    domains: dict[str, Any] = field(default_factory=dict)
    """Extra domains by name (merged over the ``Default`` domain)."""
    projects: dict[str, Any] = field(default_factory=dict)
    """Projects by name, merged over the defaults (a None value removes one)."""
    users: dict[str, Any] = field(default_factory=dict)
    """Users by name, merged over the defaults (a None value removes one)."""
    roles: dict[str, Any] = field(default_factory=dict)
    """Roles by name → the roles each implies, merged over Keystone's bootstrap roles."""
    service_users: dict[str, Any] = field(default_factory=dict)
    """The services' users in project ``service`` by name (``password``, ``roles`` there,
    ``enabled``), merged over the default (``nova``, ``cinder``, ``glance``: ``service``,
    from Keystone 28 ``admin`` too, `GLANCE_ADMIN_SINCE`; a None value removes one)."""

    def world(self, keystone: int = NEWEST_KEYSTONE) -> dict[str, dict[str, Any]]:
        """Domains, projects, users and roles of a cloud of Keystone `keystone` (a major): the
        defaults with this section's overrides."""
        return {
            "domains": _merge(_default_domains(), self.domains, "domains"),
            "projects": _merge(_default_projects(), self.projects, "projects"),
            "users": _merge(_default_users(), self.users, "users"),
            "roles": _merge(_default_roles(keystone), self.roles, "roles"),
            "service_users": _merge(
                _default_service_users(keystone), self.service_users, "service_users"
            ),
        }


def _merge(defaults: dict[str, Any], given: Any, what: str) -> dict[str, Any]:
    from fakecloud.errors import ConfigError

    if not isinstance(given, dict):
        raise ConfigError(f"config identity.{what} must be a mapping by name, got {given!r}")
    out = dict(defaults)
    for name, spec in given.items():
        if spec is None:
            out.pop(name, None)
        else:
            out[str(name)] = spec
    return out
