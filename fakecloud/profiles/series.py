"""What Cinder and Glance of a series show Nova and its clients: versions and microversions.

A cloud's Cinder and Glance follow the series of its Nova release. Read from each series'
sources: Cinder's ``cinder/api/openstack/api_version_request.py`` (``_MAX_API_VERSION``,
``UPDATED``) and ``cinder/api/versions.py`` (the v2.0 entry until 18.0.0, Xena dropped the v2
API); Glance's ``glance/api/versions.py`` (the list depends on whether an image cache is
configured; fakecloud has no multi-store backends, so ``enabled_backends`` is unset). Queens'
Glance (16.x) lists v1.1 and v1.0 DEPRECATED only with ``enable_v1_api`` on (its default); the
devstack fakecloud's settings follow sets it off (queens-eol ``lib/glance``:
``GLANCE_V1_ENABLED`` defaults to False), so neither is listed nor served. 17.0.0 removed the
v1 API (3dde3204d5, Change-Id Ia086230cc8c92f7b7dfd5b001923110d5bc55d4d).

    >>> cinder_api(SERIES[17])["max_microversion"]
    '3.50'
    >>> glance_versions(SERIES[17], image_cache=False)[0]
    ('2.6', 'CURRENT')
"""

from __future__ import annotations

from typing import Any

from fakecloud.profiles.releases import SERIES, Series

#: Cinder major → (max microversion, the v3 entry's ``updated``, v2.0 still listed).
_CINDER = {
    12: ("3.50", "2017-09-19T20:18:14Z", True),
    13: ("3.55", "2018-07-17T00:00:00Z", True),
    14: ("3.59", "2018-07-17T00:00:00Z", True),
    15: ("3.59", "2018-07-17T00:00:00Z", True),
    16: ("3.60", "2018-07-17T00:00:00Z", True),
    17: ("3.62", "2020-10-14T00:00:00Z", True),
    18: ("3.64", "2021-02-03T00:00:00Z", True),
    19: ("3.66", "2021-09-16T00:00:00Z", False),
    20: ("3.68", "2021-11-02T00:00:00Z", False),
    21: ("3.70", "2022-08-31T00:00:00Z", False),
    22: ("3.70", "2022-08-31T00:00:00Z", False),
    23: ("3.70", "2022-08-31T00:00:00Z", False),
    24: ("3.71", "2023-08-31T00:00:00Z", False),
    25: ("3.71", "2023-08-31T00:00:00Z", False),
    26: ("3.71", "2023-08-31T00:00:00Z", False),
    27: ("3.71", "2023-08-31T00:00:00Z", False),
    28: ("3.71", "2023-08-31T00:00:00Z", False),
    29: ("3.71", "2023-08-31T00:00:00Z", False),
}
#: The deprecated v2.0 entry of Cinder's version document (12.0.0 to 18.x).
CINDER_V2_UPDATED = "2017-02-25T12:00:00Z"

#: Glance major → its version list (with an image cache, without one): ``*`` CURRENT,
#: else SUPPORTED, in the order Glance lists them.
_GLANCE = {
    16: ("2.6* 2.5 2.4 2.3 2.2 2.1 2.0",) * 2,
    17: ("2.7* 2.6 2.5 2.4 2.3 2.2 2.1 2.0",) * 2,
    18: ("2.7* 2.6 2.5 2.4 2.3 2.2 2.1 2.0",) * 2,
    19: ("2.9* 2.7 2.6 2.5 2.4 2.3 2.2 2.1 2.0",) * 2,
    20: ("2.9* 2.7 2.6 2.5 2.4 2.3 2.2 2.1 2.0",) * 2,
    21: ("2.9* 2.7 2.6 2.5 2.4 2.3 2.2 2.1 2.0",) * 2,
    22: ("2.9* 2.7 2.6 2.5 2.4 2.3 2.2 2.1 2.0",) * 2,
    23: ("2.9* 2.7 2.6 2.5 2.4 2.3 2.2 2.1 2.0",) * 2,
    24: (
        "2.15* 2.14 2.9 2.7 2.6 2.5 2.4 2.3 2.2 2.1 2.0",
        "2.15* 2.9 2.7 2.6 2.5 2.4 2.3 2.2 2.1 2.0",
    ),
    **{
        major: (
            "2.16* 2.15 2.14 2.9 2.7 2.6 2.5 2.4 2.3 2.2 2.1 2.0",
            "2.15* 2.9 2.7 2.6 2.5 2.4 2.3 2.2 2.1 2.0",
        )
        for major in (25, 26, 27, 28)
    },
    **{
        major: (
            "2.16 2.15 2.14 2.9 2.17* 2.7 2.6 2.5 2.4 2.3 2.2 2.1 2.0",
            "2.15 2.9 2.17* 2.7 2.6 2.5 2.4 2.3 2.2 2.1 2.0",
        )
        for major in (29, 30, 31, 32)
    },
    33: (
        "2.18* 2.17 2.16 2.15 2.14 2.9 2.7 2.6 2.5 2.4 2.3 2.2 2.1 2.0",
        "2.15 2.9 2.17* 2.7 2.6 2.5 2.4 2.3 2.2 2.1 2.0",
    ),
}
_STATUS = {"*": "CURRENT"}


def cinder_api(series: Series) -> dict[str, Any]:
    """The block-storage API of the series' Cinder: microversions, ``updated``, v2 listed."""
    top, updated, v2 = _CINDER[series.cinder]
    return {
        "release": f"{series.cinder}.x",
        "min_microversion": "3.0",
        "max_microversion": top,
        "updated": updated,
        "v2_listed": v2,
    }


def glance_versions(series: Series, image_cache: bool) -> list[tuple[str, str]]:
    """The series' Glance version list, as (version, status) in Glance's order."""
    text = _GLANCE[series.glance][0 if image_cache else 1]
    return [(v.rstrip("*"), _STATUS.get(v[-1], "SUPPORTED")) for v in text.split()]


#: The first Glance with ``require_image_format_match`` (7c748d385, default True).
GLANCE_FORMAT_MATCH_SINCE = 30

#: The first Keystone and Glance of a series whose upper constraints pin jsonschema 4.21.0 or
#: later (2025.1's 4.23.0, openstack/requirements 97a8cf2456; 2025.2 4.25.0, 2026.1 and
#: master 4.26.0). Before: 2024.2-eol and 2024.1 4.19.2, 2023.2 4.17.3, 2023.1 4.16.0, Zed
#: 4.14.0, Ussuri to Yoga 3.2.0, Train 3.0.2, Queens to Stein 2.6.0, every one wording a
#: minLength/minItems of 1 "'' is too short" (minProperties: "does not have enough
#: properties"; a max* of 0 "is too long", "has too many properties") and printing the schema
#: and instance of a refusal's text with their keys sorted
#: (`fakecloud.api.validation.as_before_4_21`).
KEYSTONE_JSONSCHEMA_4_21_SINCE = 27
GLANCE_JSONSCHEMA_4_21_SINCE = 30


def glance_requires_format_match(series: Series) -> bool:
    """Whether the series' Glance refuses an upload whose content is not its disk_format."""
    return series.glance >= GLANCE_FORMAT_MATCH_SINCE


def glance_reserved_namespaces(series: Series) -> tuple[str, ...]:
    """Property prefixes the series' Glance refuses: ``os_glance`` from Glance 22.0.0 (Wallaby;
    before, only the name ``os_glance_import_task`` from Glance 20.1.0, see
    `glance.patch.reserved_at`)."""
    return ("os_glance",) if series.glance >= 22 else ()


#: The first Glance whose upload and import set an image's ``virtual_size`` (b01976566, the
#: format inspector on the data stream, Victoria): before, it stays null (only the legacy
#: tasks API's introspection or the non-default conversion plugin set it).
GLANCE_VIRTUAL_SIZE_SINCE = 21


#: Keystone's writes by major (``keystone/resource/core.py``, ``keystone/common/policies``,
#: ``keystone/api/validation``): a project's duplicate name names its id too from 16.0.0
#: (Train; ``_generate_project_name_conflict_msg``, 13.0.x says ``with the same name in the
#: same domain : NAME``); the ``manager`` role and the domain manager's policies
#: (``ADMIN_OR_DOMAIN_MANAGER``) from 26.0.0 (2024.2; before, ``rule:admin_required``); a
#: refused body worded ``Invalid input for field/attribute`` from 27.0.0 (the request body's
#: schema, ``keystone/api/validation``; before, ``lazy_validate`` of the record's own object:
#: ``Invalid input for field '<path>':`` and jsonschema's whole text). System role
#: assignments (``/v3/system/users/...``) are served by every Keystone here (13.0.0 on).
KEYSTONE_PROJECT_CONFLICT_ID_SINCE = 16
#: Keystone's reads of groups let a ``reader`` scoped to the group's domain in from 16.0.0
#: (Train's ``SYSTEM_READER_OR_DOMAIN_READER``, OR'd with the deprecated ``admin_required``);
#: 13.0.x reads them as an admin only. The role assignments of a project's tree
#: (``include_subtree``) alike: a reader whose token is scoped to the project's domain from
#: 16.0.0 (``SYSTEM_READER_OR_PROJECT_DOMAIN_READER_OR_PROJECT_ADMIN``), admins before.
KEYSTONE_DOMAIN_READER_SINCE = 16
#: A ``reader`` with a domain-scoped token lists that domain's users and projects from 15.0.0
#: (Stein's ``SYSTEM_READER_OR_DOMAIN_READER`` for ``identity:list_users`` and
#: ``identity:list_projects``, the target the token's domain); 13.x-14.x: admins only.
KEYSTONE_DOMAIN_READER_LISTS_SINCE = 15
#: A user's groups (``GET /v3/users/{id}/groups``) carry ``membership_expires_at`` (null for a
#: membership that never expires) from 18.0.0 (Victoria's expiring memberships,
#: ``identity/core.py`` ``list_groups_for_user``).
KEYSTONE_MEMBERSHIP_EXPIRY_SINCE = 18
#: A string that is no Fernet token: "This is not a recognized Fernet token <id>" to 14.x,
#: "Could not recognize Fernet token" from 15.0.0 (``token_formatters.unpack``).
KEYSTONE_FERNET_WORDING_SINCE = 15
KEYSTONE_DOMAIN_MANAGER_SINCE = 26
#: Deleting a role revokes, up to 13.x, every token of each user holding it on a domain or the
#: system, directly or through a group (``assignment/core.py``
#: ``delete_tokens_for_role_assignments``: its ``elif 'domain_id' or 'system' in assignment``
#: is always true, and a project grant's user+project event only reaches UUID tokens'
#: persistence); from 14.0.0 (Rocky) nothing is revoked: the token cache is invalidated and
#: each token's roles are read again.
KEYSTONE_ROLE_DELETE_REREAD_SINCE = 14
#: A deleted project's limits go with it (keystone 14.2.0-30.0.0 ``resource/core.py``
#: ``_post_delete_cleanup_project``: ``delete_limits_for_project``; contract migration 047 drops
#: the ``limit`` table's ``project_id`` foreign key). 13.x keeps that foreign key (expand 033)
#: and deletes no limit: MySQL refuses the project's row (1451), Keystone's 500, nothing gone.
KEYSTONE_PROJECT_DELETE_DROPS_LIMITS_SINCE = 14
KEYSTONE_BODY_SCHEMA_SINCE = 27
#: A role's description is a column of its table, not ``extra`` (keystone 16.0.0
#: assignment/role_backends/sql_model.py).
KEYSTONE_ROLE_DESCRIPTION_COLUMN_SINCE = 16
#: The regions' writes keep ``lazy_validate`` through 27.x (``api/regions.py``; their request
#: body schema from 28.0.0). A region's, a service's or an endpoint's write without its object
#: is refused in every release, each in its own words: 13.x-14.x's routes miss the controller's
#: argument (wsgi's ``TypeError`` 400), Flask's resources (15.0.0 on) read it as None (a
#: role's write without its object: the same ``TypeError`` to 14.x, ``{}`` from 15.0.0).
KEYSTONE_REGION_BODY_SCHEMA_SINCE = 28
#: A user's create and update body take any string as ``default_project_id`` (keystone
#: 28.0.0 ee4aef7dd, "Separate user response and request schema"), which the model bounds to
#: its column's 64 characters.
KEYSTONE_USER_REQUEST_SCHEMA_SINCE = 28
KEYSTONE_FLASK_CATALOG_SINCE = 15
#: OS-INHERIT's grant routes (``/v3/OS-INHERIT/.../inherited_to_projects``) are Flask's from
#: 15.0.0 (``api/os_inherit.py``, 8c397fa72): their ``_build_enforcement_target_attr`` looks
#: up the role, the user or group and the domain or project for the policy and swallows every
#: not-found, and ``assignment_api.create_grant`` checks the role and the scope only, so a
#: grant to a user or group that does not exist is stored (204), then listed and checked as
#: any other. 13.x-14.x route them to ``GrantAssignmentV3``, whose ``_check_grant_protection``
#: raises the actor's 404 first (a revoke's excepted).
KEYSTONE_OS_INHERIT_FLASK_SINCE = 15
#: A grant revoked from a user or group that does not exist (``DELETE .../users|groups/{actor}/
#: roles/{role}``): the grant controller's policy target lets a missing user through in every
#: release here (13.0.0's ``_check_grant_protection(allow_no_user=True)``), a missing group
#: from 14.0.0 (1ab693ced, bug 1751045: ``allow_non_existing``) on a project or domain and from
#: 15.0.0 on the system (Flask's ``api/system.py``; 14.x's ``revoke_system_grant_for_group``
#: still looks the group up); ``assignment_api.delete_grant`` then finds no such grant: "Could
#: not find role assignment with role: ...". Before, the group's 404.
KEYSTONE_REVOKE_MISSING_GROUP_SINCE = 14
KEYSTONE_REVOKE_MISSING_SYSTEM_GROUP_SINCE = 15
#: A role's own fields (``assignment/role_backends/sql*.py`` ``RoleTable.attributes``): id,
#: name and domain_id to 14.x (a description is an extra attribute, shown only if given),
#: ``description`` from 15.0.0 (Stein), resource ``options`` from 16.0.0 (Train: the
#: ``immutable`` option, checked by a role's update and delete); ``keystone-manage
#: bootstrap`` makes its roles immutable from 17.0.0 (Ussuri's ``--immutable-roles`` default;
#: 16.x's is an opt-in).
KEYSTONE_ROLE_DESCRIPTION_SINCE = 15
KEYSTONE_ROLE_OPTIONS_SINCE = 16
#: A project's and a domain's resource options (``immutable``; keystone 16.0.0
#: resource/backends/resource_options.py): a domain's ``options`` are checked by the
#: registry's validators before 27.0.0 (`fakecloud.identity.resource_options`), by its
#: schema from then.
KEYSTONE_PROJECT_OPTIONS_SINCE = 16
#: ``POST /v3/domains``' ``explicit_domain_id`` (keystone 16.0.0 api/domains.py): the new
#: domain's id, which must be a UUID4 without dashes; before, an extra attribute.
KEYSTONE_EXPLICIT_DOMAIN_ID_SINCE = 16
KEYSTONE_IMMUTABLE_ROLES_SINCE = 17
#: ``keystone-manage bootstrap``'s roles (`fakecloud.identity.config.bootstrap_roles`): 13.x
#: makes ``admin`` alone (13.0.0 ``keystone/cmd/cli.py`` ``BootStrap``); 14.0.0
#: (``keystone/cmd/bootstrap.py``) ``reader``, ``member`` (⇒ reader) and ``admin`` (⇒ member);
#: 24.0.0 (bbbbd10e4, d0eacc472; 23.0.2 has neither) ``manager`` (⇒ member) and ``service``
#: too, admin ⇒ manager (dropping its admin ⇒ member). Unchanged to 30.0.0.
KEYSTONE_BOOTSTRAP_READER_SINCE = 14
KEYSTONE_BOOTSTRAP_MANAGER_SINCE = 24
#: A user's schema (``identity/schema.py``, ``identity/backends/resource_options.py``): the
#: ``lock_password`` option from 14.0.0, ``federated`` from 17.0.0, the
#: ``ignore_user_inactivity`` option from 18.0.0 (printed in a refusal before 27.0.0).
KEYSTONE_USER_LOCK_PASSWORD_SINCE = 14
KEYSTONE_USER_FEDERATED_SINCE = 17
KEYSTONE_USER_INACTIVITY_OPTION_SINCE = 18
#: A user's and a group's name is bounded by their schema (``_identity_name``'s ``maxLength``
#: 255) from 15.0.0 (e5def7c3a, "Remove useless "clean" file"); 13.x-14.x's schema has no
#: bound (so prints none in a refusal) and the identity manager's ``clean.user_name`` and
#: ``clean.group_name`` refuse a stripped name over 255 and 64 characters.
KEYSTONE_IDENTITY_NAME_SCHEMA_SINCE = 15
#: Application credentials' access rules (``/v3/users/{id}/access_rules``, an application
#: credential's ``access_rules``) and the owner-only create policy from 16.0.0 (Train).
KEYSTONE_ACCESS_RULES_SINCE = 16


def series_apis(series: Series) -> dict[str, Any]:
    """Both services' API versions for a series (what ``fakecloud profiles NAME`` shows)."""
    current = next(v for v, s in glance_versions(series, image_cache=False) if s == "CURRENT")
    return {
        "block-storage": cinder_api(series),
        "image": {"release": f"{series.glance}.x", "max_version": current},
    }


__all__ = [
    "SERIES",
    "cinder_api",
    "glance_requires_format_match",
    "glance_reserved_namespaces",
    "glance_versions",
    "series_apis",
]
