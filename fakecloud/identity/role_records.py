"""A Keystone role record as the profile's release stores and shows it.

A role's own fields grew over the releases (`fakecloud.profiles.series`): 13.0.x and 14.x show
``id``, ``name``, ``domain_id`` and its extra attributes (a ``description`` given at creation is
one); 15.0.0 adds ``description`` (null when none was given), 16.0.0 the resource ``options``
(``{"immutable": true}`` refuses the role's update and delete, keystone's
``ResourceUpdateForbidden`` / ``ResourceDeleteForbidden``). The roles the cloud was built with
that are ``keystone-manage bootstrap``'s in its release (`fakecloud.identity.config.
bootstrap_roles`) are immutable from 17.0.0, ``options`` ``{}`` in 16.x; the others it was built
with (13.x's member and reader, a configured role, Tempest's manager and service before 24.0.0)
are as an operator's ``openstack role create`` made them, ``{}``. A role the API made stores its
description and options among its extra attributes (`stored`), and a domain-specific role its
``domain_id``.
"""

from __future__ import annotations

from typing import Any

from fakecloud.identity import admin_schema, exception
from fakecloud.identity.config import bootstrap_roles
from fakecloud.profiles.series import (
    KEYSTONE_IMMUTABLE_ROLES_SINCE,
    KEYSTONE_ROLE_DESCRIPTION_SINCE,
    KEYSTONE_ROLE_OPTIONS_SINCE,
)

#: A role body's keys that are the record's own, never an extra attribute.
_FIELDS = ("id", "name", "domain_id")


def view(release: int, role: Any, extra: dict[str, Any], base_url: str) -> dict[str, Any]:
    """The role as Keystone `release` answers it (``GET /v3/roles/{id}``)."""
    out: dict[str, Any] = {"id": role.id, "name": role.name, "domain_id": None}
    if release >= KEYSTONE_ROLE_DESCRIPTION_SINCE:
        out["description"] = None
    if release >= KEYSTONE_ROLE_OPTIONS_SINCE:
        out["options"] = {"immutable": True} if _built_immutable(release, role.name, extra) else {}
    out["links"] = {"self": f"{base_url}/v3/roles/{role.id}"}
    return {**out, **extra}


def _built_immutable(release: int, name: str, extra: dict[str, Any]) -> bool:
    # a role the API made stores its options; bootstrap's show theirs by release
    return (
        "options" not in extra
        and release >= KEYSTONE_IMMUTABLE_ROLES_SINCE
        and name in bootstrap_roles(release)
    )


def immutable(release: int, name: str, extra: dict[str, Any]) -> bool:
    """Whether the role `name` of `extra` is immutable in Keystone `release` (none before
    16.0.0)."""
    if release < KEYSTONE_ROLE_OPTIONS_SINCE:
        return False
    if _built_immutable(release, name, extra):
        return True
    return bool(extra.get("options", {}).get("immutable"))


def _options(old: dict[str, Any], given: Any) -> dict[str, Any]:
    """Resource options after `given`: each set, a null one removed (``options`` are
    ``resource_options_ref_to_mapper``'s)."""
    out = dict(old)
    for name, value in (given or {}).items():
        if value is None:
            out.pop(name, None)
        else:
            out[name] = admin_schema.as_bool(value)
    return out


def stored(
    release: int, ref: dict[str, Any], old: dict[str, Any] | None = None, name: str = ""
) -> dict[str, Any]:
    """The extra attributes of a role created from body `ref` (`old` None), or of the role
    `name` whose extra is `old` updated by `ref`."""
    extra = dict(old) if old is not None else {}
    if old is None:
        if release >= KEYSTONE_ROLE_DESCRIPTION_SINCE:
            extra["description"] = None
        if release >= KEYSTONE_ROLE_OPTIONS_SINCE:
            extra["options"] = {}
        if ref.get("domain_id"):
            extra["domain_id"] = ref["domain_id"]
    elif release >= KEYSTONE_ROLE_OPTIONS_SINCE and "options" not in extra:
        extra["options"] = {"immutable": True} if _built_immutable(release, name, {}) else {}
    for key, value in ref.items():
        if key in _FIELDS:
            continue
        if key == "options" and release >= KEYSTONE_ROLE_OPTIONS_SINCE:
            extra["options"] = _options(extra.get("options", {}), value)
        else:
            extra[key] = value
    return extra


def check_update(
    release: int, role_id: str, name: str, extra: dict[str, Any], ref: dict[str, Any]
) -> None:
    """``check_immutable_update``: an immutable role (`name`) changes only by an update that
    sets ``options.immutable`` to false or null and nothing else (403)."""
    if not immutable(release, name, extra):
        return
    options = ref.get("options")
    if (
        len(ref) > 1
        or not isinstance(options, dict)
        or "immutable" not in options
        or options["immutable"] not in (False, None)
    ):
        raise exception.ResourceUpdateForbidden(type="role", resource_id=role_id)


def check_grant(d: Any, grant: Any) -> None:
    """A domain-specific role is granted on its domain's projects (403
    ``DomainSpecificRoleMismatch``), or on a domain, never on the system (400)."""
    domain_id = d.extra_of(grant.role_id).get("domain_id")
    if not domain_id:
        return
    if grant.project_id is not None:
        if d.projects[grant.project_id].domain_id != domain_id:
            raise exception.DomainSpecificRoleMismatch(
                role_id=grant.role_id, project_id=grant.project_id
            )
    elif grant.domain_id is None:
        raise exception.ValidationError(
            f"Role {grant.role_id} is a domain-specific role. Unable to use a domain-specific "
            "role in a system assignment."
        )
