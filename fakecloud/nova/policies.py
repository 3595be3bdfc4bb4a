"""Nova's API policy through oslo.policy: the rule names and defaults of each release.

From 21.0.0 (switch ``legacy_policy_defaults`` off) Nova 34.0.0's defaults are registered
(``nova/policies/*.py``): project scope, the ``project_member_or_admin`` /
``project_reader_or_admin`` personas, admin-only rules as ``rule:context_is_admin``, with the
pre-21.0.0 defaults as deprecated rules, OR-ed in while ``enforce_new_defaults`` is off — the
release default until 27.0.0 (switch ``policy_new_defaults_enforced``). Where a 21.0.0-26.x
cloud's config enforces the new defaults or scopes, that release's own default rules are
registered instead (`real_defaults`: check strings, scope types and deprecated rules read from
its ``nova/policies``, ``data/policy_defaults_21-26.json``).
Before 21.0.0 the Queens-era legacy defaults (``rule:admin_or_owner``, ``rule:admin_api``) are
registered under Queens' rule names, without scopes.

Operators override rules with a policy file (YAML or JSON) and/or a mapping in config
(``nova.policy_file``, ``nova.policy``). Enforcers are expensive (oslo.policy imports and rule
parsing cost tens of milliseconds, and a check costs ~100 µs), so they are built on first use,
shared by every cloud with the same profile and overrides, and their decisions memoized: a rule
check depends only on the rule, the target and the caller's credentials.

    >>> engine.authorize(ctx, "os_compute_api:servers:create_image", {"project_id": "p1"})
"""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import logging
from collections.abc import Callable, Hashable, Iterator
from typing import Any

from fakecloud.errors import ConfigError
from fakecloud.identity.context import ExplicitAdminContext, RequestContext, with_is_admin
from fakecloud.nova import exception

SERVERS = "os_compute_api:servers:%s"
#: A server's ``host_status`` shown only when ``UNKNOWN`` (21.0.0, f9c6089244), checked when
#: ``show:host_status`` fails.
HOST_STATUS_UNKNOWN_ONLY = SERVERS % "show:host_status:unknown-only"
PAUSE = "os_compute_api:os-pause-server:%s"
SUSPEND = "os_compute_api:os-suspend-server:%s"
LOCK = "os_compute_api:os-lock-server:%s"
SHELVE = "os_compute_api:os-shelve:%s"
RESCUE = "os_compute_api:os-rescue"
#: From 21.0.0 (236483285d) unrescue has a rule of its own, ``os-rescue`` its deprecated one.
UNRESCUE = "os_compute_api:os-unrescue"
ADMIN_ACTIONS = "os_compute_api:os-admin-actions:%s"
DEFERRED_DELETE = "os_compute_api:os-deferred-delete:%s"
EXTENDED_SERVER_ATTRIBUTES = "os_compute_api:os-extended-server-attributes"
INSTANCE_ACTIONS = "os_compute_api:os-instance-actions:%s"
LIMITS = "os_compute_api:limits"
LIMITS_OTHER_PROJECT = "os_compute_api:limits:other_project"
FLAVOR_EXTRA_SPECS = "os_compute_api:os-flavor-extra-specs:%s"
FLAVOR_MANAGE = "os_compute_api:os-flavor-manage:%s"
#: Queens' deprecated rule for flavor create and delete (dedeff70a7 removed it in 19.0.0).
FLAVOR_MANAGE_BASE = "os_compute_api:os-flavor-manage"
FLAVOR_ACCESS = "os_compute_api:os-flavor-access"
FLAVOR_ACCESS_ACTION = "os_compute_api:os-flavor-access:%s"
VOLUMES_ATTACHMENTS = "os_compute_api:os-volumes-attachments:%s"
CREATE_BACKUP = "os_compute_api:os-create-backup"
QUOTA_SETS = "os_compute_api:os-quota-sets:%s"
QUOTA_CLASS_SETS = "os_compute_api:os-quota-class-sets:%s"
EXTENSIONS = "os_compute_api:extensions"
#: ``/os-hosts``: one rule, `HOSTS_BASE`, before 22.0.0 (4ef2ebe241).
HOSTS = "os_compute_api:os-hosts:%s"
HOSTS_BASE = "os_compute_api:os-hosts"
#: ``/os-instance_usage_audit_log``: one rule, `USAGE_AUDIT_LOG_BASE`, before 22.0.0.
USAGE_AUDIT_LOG = "os_compute_api:os-instance-usage-audit-log:%s"
USAGE_AUDIT_LOG_BASE = "os_compute_api:os-instance-usage-audit-log"
#: ``/os-agents`` (before 23.0.0): one rule, `AGENTS_BASE`, before 21.0.0.
AGENTS = "os_compute_api:os-agents:%s"
AGENTS_BASE = "os_compute_api:os-agents"
_AGENTS_RULES = ("list", "create", "update", "delete")
SIMPLE_TENANT_USAGE = "os_compute_api:os-simple-tenant-usage:%s"
SERVER_DIAGNOSTICS = "os_compute_api:os-server-diagnostics"
#: ``/servers/{id}/os-server-password``: ``show``/``clear`` from 21.0.0, `SERVER_PASSWORD_BASE`
#: before (the deprecated name from 21.0.0).
SERVER_PASSWORD = "os_compute_api:os-server-password:%s"
SERVER_PASSWORD_BASE = "os_compute_api:os-server-password"
#: ``/servers/{id}/topology`` (2.78, 20.0.0): ``index`` and ``host:index``.
SERVER_TOPOLOGY = "compute:server:topology:%s"
SERVER_EXTERNAL_EVENTS = "os_compute_api:os-server-external-events:%s"
ASSISTED_VOLUME_SNAPSHOTS = "os_compute_api:os-assisted-volume-snapshots:%s"
SERVER_METADATA = "os_compute_api:server-metadata:%s"
SERVER_TAGS = "os_compute_api:os-server-tags:%s"
KEYPAIRS = "os_compute_api:os-keypairs:%s"
IPS = "os_compute_api:ips:%s"
AVAILABILITY_ZONE = "os_compute_api:os-availability-zone:%s"
SERVICES = "os_compute_api:os-services:%s"
HYPERVISORS = "os_compute_api:os-hypervisors:%s"
AGGREGATES = "os_compute_api:os-aggregates:%s"
MIGRATE_SERVER = "os_compute_api:os-migrate-server:%s"
EVACUATE = "os_compute_api:os-evacuate"
MIGRATIONS = "os_compute_api:os-migrations:%s"
SERVER_MIGRATIONS = "os_compute_api:servers:migrations:%s"
#: ``POST /os-aggregates/{id}/images`` (2.81, 21.0.0).
AGGREGATE_IMAGES = "compute:aggregates:images"
SERVER_GROUPS = "os_compute_api:os-server-groups:%s"
#: changePassword, os-getConsoleOutput (one rule each in every release).
ADMIN_PASSWORD = "os_compute_api:os-admin-password"
CONSOLE_OUTPUT = "os_compute_api:os-console-output"
REMOTE_CONSOLES = "os_compute_api:os-remote-consoles"
#: addSecurityGroup/removeSecurityGroup: ``%s`` is add or remove from 21.0.0; before, both
#: were `SECURITY_GROUPS_BASE` (the deprecated name from 21.0.0).
SECURITY_GROUPS = "os_compute_api:os-security-groups:%s"
SECURITY_GROUPS_BASE = "os_compute_api:os-security-groups"
#: addFixedIp/removeFixedIp: ``%s`` is add or remove from 22.0.0 (checked after the lookup);
#: before, both were `MULTINIC_BASE` (checked before it), the deprecated name from 22.0.0.
MULTINIC = "os_compute_api:os-multinic:%s"
MULTINIC_BASE = "os_compute_api:os-multinic"
#: ``/os-networks`` (the nova-network proxy): ``list``/``show`` from 22.0.0, `NETWORKS_VIEW` before.
NETWORKS = "os_compute_api:os-networks:%s"
NETWORKS_VIEW = "os_compute_api:os-networks:view"
#: ``/os-tenant-networks``: ``list``/``show`` from 22.0.0, `TENANT_NETWORKS_BASE` before.
TENANT_NETWORKS = "os_compute_api:os-tenant-networks:%s"
TENANT_NETWORKS_BASE = "os_compute_api:os-tenant-networks"
#: ``/os-volumes`` and ``/os-snapshots`` (the Cinder proxies): ``list``, ``snapshots:list``, ...
#: from 22.0.0, one rule (`VOLUMES_BASE`) before.
VOLUMES = "os_compute_api:os-volumes:%s"
VOLUMES_BASE = "os_compute_api:os-volumes"
_VOLUMES_RULES = tuple(
    f"{kind}{verb}"
    for kind in ("", "snapshots:")
    for verb in ("list", "detail", "show", "create", "delete")
)
#: The vendor's instance snapshots (``/servers/{id}/snapshots``; not in upstream Nova).
INSTANCE_SNAPSHOTS = "os_compute_api:servers:snapshots:%s"

_ADMIN = "rule:context_is_admin"
_MEMBER = "rule:project_member_or_admin"
_READER = "rule:project_reader_or_admin"
_SERVICE = "rule:service_or_admin"
#: ``PROJECT_MANAGER_OR_ADMIN`` (32.0.0, 06699f26a5): the project's ``manager`` role (Keystone
#: 24.0.0's bootstrap makes it, implied by admin and implying member) or the admin; before
#: 32.0.0 these rules were the admin's (`_rule_defaults`' ``admin_service_apis``).
_MANAGER = "rule:project_manager_or_admin"
#: ``nova/policies/keypairs.py``: key pairs are a user's, not a project's.
_KEYPAIR_OWNER = "(rule:context_is_admin) or user_id:%(user_id)s"

#: Nova 34.0.0 defaults: (name, check string).
UPSTREAM_RULES = (
    (SERVERS % "index", _READER),
    (SERVERS % "detail", _READER),
    (SERVERS % "index:get_all_tenants", _ADMIN),
    (SERVERS % "detail:get_all_tenants", _ADMIN),
    (SERVERS % "allow_all_filters", _ADMIN),
    (SERVERS % "show", _READER),
    (SERVERS % "show:flavor-extra-specs", _READER),
    (SERVERS % "show:host_status", _ADMIN),
    (HOST_STATUS_UNKNOWN_ONLY, _ADMIN),
    (SERVERS % "create", _MEMBER),
    (SERVERS % "create:attach_volume", _MEMBER),
    (SERVERS % "create:attach_network", _MEMBER),
    (SERVERS % "create:forced_host", _ADMIN),
    (SERVERS % "create:zero_disk_flavor", _ADMIN),
    (SERVERS % "create:trusted_certs", _MEMBER),
    ("compute:servers:create:requested_destination", _ADMIN),
    (SERVERS % "update", _MEMBER),
    (SERVERS % "delete", _MEMBER),
    (SERVERS % "create_image", _MEMBER),
    (SERVERS % "create_image:allow_volume_backed", _MEMBER),
    (SERVERS % "start", _MEMBER),
    (SERVERS % "stop", _MEMBER),
    (SERVERS % "reboot", _MEMBER),
    (SERVERS % "rebuild", _MEMBER),
    (SERVERS % "rebuild:trusted_certs", _MEMBER),
    (SERVERS % "resize", _MEMBER),
    (SERVERS % "confirm_resize", _MEMBER),
    (SERVERS % "revert_resize", _MEMBER),
    # 32.0.0 (06699f26a5) lets a project manager migrate without a host and list migrations
    # without hosts: nova 32.0.0 policies/migrate_server.py, migrations.py,
    # servers_migrations.py (34.0.0 the same).
    (MIGRATE_SERVER % "migrate", _MANAGER),
    (MIGRATE_SERVER % "migrate:host", _ADMIN),
    (MIGRATE_SERVER % "migrate_live", _MANAGER),
    (MIGRATE_SERVER % "migrate_live:host", _ADMIN),
    (EVACUATE, _ADMIN),
    (MIGRATIONS % "index", _MANAGER),
    (MIGRATIONS % "index:all_projects", _ADMIN),
    (MIGRATIONS % "index:host", _ADMIN),
    (SERVER_MIGRATIONS % "index", _MANAGER),
    (SERVER_MIGRATIONS % "index:host", _ADMIN),
    (SERVER_MIGRATIONS % "show", _ADMIN),
    (SERVER_MIGRATIONS % "force_complete", _MANAGER),
    (SERVER_MIGRATIONS % "delete", _MANAGER),
    (PAUSE % "pause", _MEMBER),
    (PAUSE % "unpause", _MEMBER),
    (SUSPEND % "suspend", _MEMBER),
    (SUSPEND % "resume", _MEMBER),
    (LOCK % "lock", _MEMBER),
    (LOCK % "unlock", _MEMBER),
    (LOCK % "unlock:unlock_override", _ADMIN),
    (SHELVE % "shelve", _MEMBER),
    (SHELVE % "unshelve", _MEMBER),
    (SHELVE % "unshelve_to_host", _ADMIN),
    (SHELVE % "shelve_offload", _ADMIN),
    (RESCUE, _MEMBER),
    (UNRESCUE, _MEMBER),
    (ADMIN_PASSWORD, _MEMBER),
    (CONSOLE_OUTPUT, _MEMBER),
    (REMOTE_CONSOLES, _MEMBER),
    (SERVERS % "trigger_crash_dump", _MEMBER),
    (SECURITY_GROUPS % "list", _READER),
    (SECURITY_GROUPS % "add", _MEMBER),
    (SECURITY_GROUPS % "remove", _MEMBER),
    (ADMIN_ACTIONS % "reset_state", _ADMIN),
    (ADMIN_ACTIONS % "reset_network", _ADMIN),
    (ADMIN_ACTIONS % "inject_network_info", _ADMIN),
    (MULTINIC % "add", _MEMBER),
    (MULTINIC % "remove", _MEMBER),
    (SERVER_PASSWORD % "show", _READER),
    (SERVER_PASSWORD % "clear", _MEMBER),
    (DEFERRED_DELETE % "restore", _MEMBER),
    (DEFERRED_DELETE % "force", _MEMBER),
    (EXTENDED_SERVER_ATTRIBUTES, _ADMIN),
    (INSTANCE_ACTIONS % "list", _READER),
    (INSTANCE_ACTIONS % "show", _READER),
    (INSTANCE_ACTIONS % "events", _ADMIN),
    (INSTANCE_ACTIONS % "events:details", _ADMIN),
    (LIMITS, "@"),
    (LIMITS_OTHER_PROJECT, _ADMIN),
    (FLAVOR_EXTRA_SPECS % "index", _READER),
    (FLAVOR_EXTRA_SPECS % "show", _READER),
    (FLAVOR_EXTRA_SPECS % "create", _ADMIN),
    (FLAVOR_EXTRA_SPECS % "update", _ADMIN),
    (FLAVOR_EXTRA_SPECS % "delete", _ADMIN),
    (FLAVOR_MANAGE % "create", _ADMIN),
    (FLAVOR_MANAGE % "update", _ADMIN),
    (FLAVOR_MANAGE % "delete", _ADMIN),
    (FLAVOR_ACCESS, _ADMIN),
    (FLAVOR_ACCESS_ACTION % "add_tenant_access", _ADMIN),
    (FLAVOR_ACCESS_ACTION % "remove_tenant_access", _ADMIN),
    (VOLUMES_ATTACHMENTS % "index", _READER),
    (VOLUMES_ATTACHMENTS % "show", _READER),
    (VOLUMES_ATTACHMENTS % "create", _MEMBER),
    (VOLUMES_ATTACHMENTS % "update", _MEMBER),
    (VOLUMES_ATTACHMENTS % "swap", _SERVICE),
    (VOLUMES_ATTACHMENTS % "delete", _MEMBER),
    (CREATE_BACKUP, _MEMBER),
    (QUOTA_SETS % "show", _READER),
    (QUOTA_SETS % "detail", _READER),
    (QUOTA_SETS % "defaults", "@"),
    (QUOTA_SETS % "update", _ADMIN),
    (QUOTA_SETS % "delete", _ADMIN),
    (QUOTA_CLASS_SETS % "show", _ADMIN),
    (QUOTA_CLASS_SETS % "update", _ADMIN),
    (EXTENSIONS, "@"),
    *((HOSTS % r, _ADMIN) for r in ("list", "show", "update", "start", "shutdown", "reboot")),
    *((AGENTS % r, _ADMIN) for r in _AGENTS_RULES),
    (USAGE_AUDIT_LOG % "list", _ADMIN),
    (USAGE_AUDIT_LOG % "show", _ADMIN),
    (SIMPLE_TENANT_USAGE % "show", _READER),
    (SIMPLE_TENANT_USAGE % "list", _ADMIN),
    (SERVER_DIAGNOSTICS, _ADMIN),
    (SERVER_TOPOLOGY % "index", _READER),
    (SERVER_TOPOLOGY % "host:index", _ADMIN),
    (SERVER_EXTERNAL_EVENTS % "create", _SERVICE),
    (ASSISTED_VOLUME_SNAPSHOTS % "create", _SERVICE),
    (ASSISTED_VOLUME_SNAPSHOTS % "delete", _SERVICE),
    (SERVER_METADATA % "index", _READER),
    (SERVER_METADATA % "show", _READER),
    (SERVER_METADATA % "create", _MEMBER),
    (SERVER_METADATA % "update_all", _MEMBER),
    (SERVER_METADATA % "update", _MEMBER),
    (SERVER_METADATA % "delete", _MEMBER),
    (SERVER_TAGS % "index", _READER),
    (SERVER_TAGS % "show", _READER),
    (SERVER_TAGS % "update", _MEMBER),
    (SERVER_TAGS % "update_all", _MEMBER),
    (SERVER_TAGS % "delete", _MEMBER),
    (SERVER_TAGS % "delete_all", _MEMBER),
    (IPS % "index", _READER),
    (IPS % "show", _READER),
    (NETWORKS % "list", _READER),
    (NETWORKS % "show", _READER),
    (TENANT_NETWORKS % "list", _READER),
    (TENANT_NETWORKS % "show", _READER),
    *(
        (VOLUMES % r, _MEMBER if r.endswith(("create", "delete")) else _READER)
        for r in _VOLUMES_RULES
    ),
    (AVAILABILITY_ZONE % "list", "@"),
    (AVAILABILITY_ZONE % "detail", _ADMIN),
    (SERVICES % "list", _ADMIN),
    (SERVICES % "update", _ADMIN),
    (SERVICES % "delete", _ADMIN),
    (HYPERVISORS % "list", _ADMIN),
    (HYPERVISORS % "list-detail", _ADMIN),
    (HYPERVISORS % "statistics", _ADMIN),
    (HYPERVISORS % "show", _ADMIN),
    (HYPERVISORS % "uptime", _ADMIN),
    (HYPERVISORS % "search", _ADMIN),
    (HYPERVISORS % "servers", _ADMIN),
    (AGGREGATES % "index", _ADMIN),
    (AGGREGATES % "create", _ADMIN),
    (AGGREGATES % "show", _ADMIN),
    (AGGREGATES % "update", _ADMIN),
    (AGGREGATES % "delete", _ADMIN),
    (AGGREGATES % "add_host", _ADMIN),
    (AGGREGATES % "remove_host", _ADMIN),
    (AGGREGATES % "set_metadata", _ADMIN),
    (AGGREGATE_IMAGES, _ADMIN),
    (KEYPAIRS % "index", _KEYPAIR_OWNER),
    (KEYPAIRS % "create", _KEYPAIR_OWNER),
    (KEYPAIRS % "delete", _KEYPAIR_OWNER),
    (KEYPAIRS % "show", _KEYPAIR_OWNER),
    (SERVER_GROUPS % "create", _MEMBER),
    (SERVER_GROUPS % "delete", _MEMBER),
    (SERVER_GROUPS % "index", _READER),
    (SERVER_GROUPS % "index:all_projects", _ADMIN),
    (SERVER_GROUPS % "show", _READER),
)

#: The personas of ``nova/policies/base.py`` with their deprecated (pre-21.0.0) fallbacks.
_LEGACY_OWNER = "is_admin:True or project_id:%(project_id)s"
UPSTREAM_BASE_RULES = (
    ("context_is_admin", "role:admin", "is_admin:True"),
    ("admin_or_owner", _LEGACY_OWNER, None),
    ("admin_api", "is_admin:True", None),
    ("project_manager_api", "role:manager and project_id:%(project_id)s", "is_admin:True"),
    ("project_member_api", "role:member and project_id:%(project_id)s", _LEGACY_OWNER),
    ("project_reader_api", "role:reader and project_id:%(project_id)s", _LEGACY_OWNER),
    ("service_api", "role:service", "is_admin:True"),
    ("project_manager_or_admin", "rule:project_manager_api or rule:context_is_admin", None),
    ("project_member_or_admin", "rule:project_member_api or rule:context_is_admin", None),
    ("project_reader_or_admin", "rule:project_reader_api or rule:context_is_admin", None),
    ("service_or_admin", "rule:service_api or rule:context_is_admin", None),
)

#: The vendor build's instance-snapshot rules, defaulted like the server rules they sit
#: beside (``rule:admin_or_owner`` in seed).
VENDOR_RULES = (
    (INSTANCE_SNAPSHOTS % "index", _READER),
    (INSTANCE_SNAPSHOTS % "show", _READER),
    (INSTANCE_SNAPSHOTS % "create", _MEMBER),
    (INSTANCE_SNAPSHOTS % "delete", _MEMBER),
    (INSTANCE_SNAPSHOTS % "revert", _MEMBER),
)

_DEFERRED_DELETE_RULES = tuple(DEFERRED_DELETE % r for r in ("restore", "force"))
_INSTANCE_ACTIONS_RULES = (INSTANCE_ACTIONS % "list", INSTANCE_ACTIONS % "show")
_SERVICES_RULES = tuple(SERVICES % r for r in ("list", "update", "delete"))
_HYPERVISORS_RULES = tuple(
    HYPERVISORS % r
    for r in ("list", "list-detail", "statistics", "show", "uptime", "search", "servers")
)
_HOSTS_RULES = tuple(HOSTS % r for r in ("list", "show", "update", "start", "shutdown", "reboot"))
#: The admin's rules split from one (``rule:admin_api``) in 21.0.0 or 22.0.0.
_ADMIN_RENAMED_RULES = (
    *_SERVICES_RULES,
    *_HYPERVISORS_RULES,
    *_HOSTS_RULES,
    USAGE_AUDIT_LOG % "list",
    USAGE_AUDIT_LOG % "show",
    LIMITS_OTHER_PROJECT,
)

#: Queens (17.0.x) names where they differ from 34.0.0's.
SEED_NAMES = {
    **{AGENTS % r: AGENTS_BASE for r in _AGENTS_RULES},
    USAGE_AUDIT_LOG % "list": USAGE_AUDIT_LOG_BASE,
    USAGE_AUDIT_LOG % "show": USAGE_AUDIT_LOG_BASE,
    **{HOSTS % r: HOSTS_BASE for r in ("list", "show", "update", "start", "shutdown", "reboot")},
    INSTANCE_ACTIONS % "list": "os_compute_api:os-instance-actions",
    INSTANCE_ACTIONS % "show": "os_compute_api:os-instance-actions",
    LIMITS_OTHER_PROJECT: "os_compute_api:os-used-limits",
    # one rule for rescue and unrescue until 21.0.0 (nova/policies/rescue.py)
    UNRESCUE: RESCUE,
    # one rule for the network proxy's list and show until 22.0.0 (nova/policies/networks.py)
    NETWORKS % "list": NETWORKS_VIEW,
    NETWORKS % "show": NETWORKS_VIEW,
    # one rule for the tenant networks' list and show until 22.0.0 (policies/tenant_networks.py)
    TENANT_NETWORKS % "list": TENANT_NETWORKS_BASE,
    TENANT_NETWORKS % "show": TENANT_NETWORKS_BASE,
    # one rule for the volume and snapshot proxies until 22.0.0 (nova/policies/volumes.py)
    **{VOLUMES % r: VOLUMES_BASE for r in _VOLUMES_RULES},
    # one rule for the security group actions and list until 21.0.0
    # (nova/policies/security_groups.py)
    SECURITY_GROUPS % "list": SECURITY_GROUPS_BASE,
    SECURITY_GROUPS % "add": SECURITY_GROUPS_BASE,
    SECURITY_GROUPS % "remove": SECURITY_GROUPS_BASE,
    # one rule for the multinic actions until 22.0.0 (nova/policies/multinic.py)
    MULTINIC % "add": MULTINIC_BASE,
    MULTINIC % "remove": MULTINIC_BASE,
    # one rule for show and clear until 21.0.0 (nova/policies/server_password.py)
    SERVER_PASSWORD % "show": SERVER_PASSWORD_BASE,
    SERVER_PASSWORD % "clear": SERVER_PASSWORD_BASE,
    # one rule each until 21.0.0 split them (nova/policies/services.py, hypervisors.py,
    # deferred_delete.py: 83063ef468)
    **{DEFERRED_DELETE % r: "os_compute_api:os-deferred-delete" for r in ("restore", "force")},
    **{SERVICES % r: "os_compute_api:os-services" for r in ("list", "update", "delete")},
    **{
        HYPERVISORS % r: "os_compute_api:os-hypervisors"
        for r in ("list", "list-detail", "statistics", "show", "uptime", "search", "servers")
    },
}

_SEED_BASE_RULES = (
    ("context_is_admin", "role:admin"),
    ("admin_or_owner", _LEGACY_OWNER),
    ("admin_api", "is_admin:True"),
)


#: Queens defaults that are not the legacy form of 34.0.0's: a volume attachment update (a
#: swap included) was the admin's until 21.0.0 split the two (fcf5863662); ``limits`` was
#: ``rule:admin_or_owner`` until 21.0.0 (nova/policies/limits.py), checked against the
#: caller's own project, which passes every caller a project-scoped token admits.
SEED_CHECKS = {
    VOLUMES_ATTACHMENTS % "update": "rule:admin_api",
    VOLUMES_ATTACHMENTS % "swap": "rule:admin_api",
    LIMITS: "rule:admin_or_owner",
    EXTENSIONS: "rule:admin_or_owner",
    # Queens checks it against ``{"quota_class": id}``; no Nova context names a class.
    QUOTA_CLASS_SETS % "show": "is_admin:True or quota_class:%(quota_class)s",
    AVAILABILITY_ZONE % "list": "rule:admin_or_owner",
    FLAVOR_ACCESS: "rule:admin_or_owner",
    **{
        KEYPAIRS % r: "rule:admin_api or user_id:%(user_id)s"
        for r in ("index", "create", "delete", "show")
    },
}


#: 34.0.0 rules with a deprecated check of their own (OR-ed in while ``enforce_new_defaults``
#: is off): ``os-flavor-access`` was ``rule:admin_or_owner`` until 21.0.0.
UPSTREAM_DEPRECATED = {FLAVOR_ACCESS: "rule:admin_or_owner"}
#: 34.0.0 rules whose deprecated rule has another name (oslo.policy then also takes an
#: operator's rule of that old name, `_with_file_rules`): ``os-unrescue`` was ``os-rescue``
#: until 21.0.0, the security group actions' ``os-security-groups``; each rule one rule split in
#: 21.0.0 or 22.0.0 (nova 34.0.0 ``nova/policies/*.py`` ``DeprecatedRule``). Their old check is
#: the persona's deprecated one, so OR-ing it in changes no default. 32.0.0's host and
#: all-projects rules name the rule they were split from, with its old check (the admin's), so
#: an operator's rule of that name still governs them (nova 32.0.0 ``DEPRECATED_POLICY``).
UPSTREAM_DEPRECATED_RENAMED = {
    UNRESCUE: (RESCUE, "rule:admin_or_owner"),
    SECURITY_GROUPS % "list": (SECURITY_GROUPS_BASE, "rule:admin_or_owner"),
    SECURITY_GROUPS % "add": (SECURITY_GROUPS_BASE, "rule:admin_or_owner"),
    SECURITY_GROUPS % "remove": (SECURITY_GROUPS_BASE, "rule:admin_or_owner"),
    MULTINIC % "add": (MULTINIC_BASE, "rule:admin_or_owner"),
    MULTINIC % "remove": (MULTINIC_BASE, "rule:admin_or_owner"),
    SERVER_PASSWORD % "show": (SERVER_PASSWORD_BASE, "rule:admin_or_owner"),
    SERVER_PASSWORD % "clear": (SERVER_PASSWORD_BASE, "rule:admin_or_owner"),
    # 25.0.0 (servers.py DEPRECATED_POLICY): the embedded flavor's extra specs
    SERVERS % "show:flavor-extra-specs": (FLAVOR_EXTRA_SPECS % "index", "rule:admin_or_owner"),
    NETWORKS % "list": (NETWORKS_VIEW, "rule:admin_or_owner"),
    NETWORKS % "show": (NETWORKS_VIEW, "rule:admin_or_owner"),
    TENANT_NETWORKS % "list": (TENANT_NETWORKS_BASE, "rule:admin_or_owner"),
    TENANT_NETWORKS % "show": (TENANT_NETWORKS_BASE, "rule:admin_or_owner"),
    **{VOLUMES % r: (VOLUMES_BASE, "rule:admin_or_owner") for r in _VOLUMES_RULES},
    **{AGENTS % r: (AGENTS_BASE, "rule:admin_api") for r in _AGENTS_RULES},
    **{r: (SEED_NAMES[r], "rule:admin_or_owner") for r in _DEFERRED_DELETE_RULES},
    **{r: (SEED_NAMES[r], "rule:admin_or_owner") for r in _INSTANCE_ACTIONS_RULES},
    **{r: (SEED_NAMES[r], "rule:admin_api") for r in _ADMIN_RENAMED_RULES},
    MIGRATE_SERVER % "migrate_live:host": (MIGRATE_SERVER % "migrate_live", _ADMIN),
    MIGRATIONS % "index:all_projects": (MIGRATIONS % "index", _ADMIN),
    MIGRATIONS % "index:host": (MIGRATIONS % "index", _ADMIN),
    SERVER_MIGRATIONS % "index:host": (SERVER_MIGRATIONS % "index", _ADMIN),
}


def _seed_check(name: str, upstream_check: str) -> str:
    if name in SEED_CHECKS:
        return SEED_CHECKS[name]
    return {_MEMBER: "rule:admin_or_owner", _READER: "rule:admin_or_owner"}.get(
        upstream_check,
        "rule:admin_api" if upstream_check in (_ADMIN, _SERVICE, _MANAGER) else upstream_check,
    )


#: The Nova majors whose real default rules (check string, scope types, deprecated rule) are
#: loaded from ``data/policy_defaults_21-26.json`` (written by ``tools/nova_policy_defaults.py``
#: from each ``X.0.0``'s ``nova/policies``; no stable branch changed them) where the config
#: enforces the new defaults or scopes. They differ from 34.0.0's only there: 21.0.0-24.x's
#: system-scoped personas (``system_admin_api``, ``system_reader_api``,
#: ``system_admin_or_owner``...), 25.x's project-only ``project_member_api`` rules (a project
#: admin of another project refused), 26.0.0's few. Without either flag the deprecated
#: (pre-21.0.0) checks are OR-ed in and scopes are not checked: 21.0.0-24.x's table still
#: lets a system-scoped reader through (`SYSTEM_READER_UNTIL`), 25.x-26.x answer as 34.0.0's.
REAL_DEFAULTS_MAJORS = range(21, 27)
#: The last Nova major whose default rules name system-scoped personas (``system_reader_api``
#: ...), which a system-scoped reader without admin passes with the deprecated checks OR-ed in.
SYSTEM_READER_UNTIL = 24


def real_defaults_major(major: int) -> int:
    """The `REAL_DEFAULTS_MAJORS` table of Nova `major` (0: none, 34.0.0's rules)."""
    return major if major in REAL_DEFAULTS_MAJORS else 0


@functools.cache
def defaults_tables(package: str, name: str) -> dict[str, dict[str, list]]:
    """The default rules of each major in `package`'s ``data/<name>``, ``{major: {name:
    [check, scope types, deprecated name, deprecated check]}}`` (read once; shared: never
    change)."""
    from importlib import resources

    return json.loads(resources.files(package).joinpath("data", name).read_text())


def real_defaults(major: int) -> dict[str, list]:
    """Nova `major`'s default rules, ``{name: [check, scope types, deprecated name,
    deprecated check]}`` (shared: never change)."""
    return defaults_tables("fakecloud.nova", "policy_defaults_21-26.json")[str(major)]


#: The first Nova whose service APIs (``_SERVICE`` rules) let the ``service`` role through
#: (f914cb185c "Add service role in Nova policy") and whose migration APIs (``_MANAGER``
#: rules) the project's ``manager`` (06699f26a5 "Add project manager role in Nova API policy
#: rule"); 21.0.0-31.x keep both the admin's.
SERVICE_ROLE_SINCE = 32
#: The first Nova whose oslo.policy (5.0.0, 2026.1's upper constraint) compares checks by value:
#: 21.0.0-32.x pin 3.1.2 (Ussuri) to 4.6.0 (2025.2) (openstack/requirements
#: upper-constraints.txt), and none of 3.1.2, 3.5.0, 3.7.1, 3.8.3, 3.11.0, 4.0.0-4.6.0 defines
#: ``__eq__`` on its checks (each run on a policy file).
CHECKS_COMPARED_SINCE = 33


def _rule_defaults(
    legacy: bool, scoped: bool, admin_service_apis: bool = False, major: int = 0
) -> list[Any]:
    from oslo_policy import policy

    out = []
    if legacy:
        for name, check in _SEED_BASE_RULES:
            out.append(policy.RuleDefault(name, check))
        seen = set()
        for name, check in UPSTREAM_RULES + VENDOR_RULES:
            real = SEED_NAMES.get(name, name)
            if real not in seen:
                seen.add(real)
                out.append(policy.RuleDefault(real, _seed_check(name, check)))
        return out
    real = real_defaults(major) if major else {}
    for name, row in real.items():
        out.append(table_rule(name, row, scoped, "21.0.0"))
    for name, check, deprecated in UPSTREAM_BASE_RULES:
        if name in real:
            continue
        dep = None
        if deprecated is not None:
            dep = policy.DeprecatedRule(
                name=f"{name}-deprecated-default",
                check_str=deprecated,
                deprecated_reason="Nova API policies are introducing new default roles.",
                deprecated_since="21.0.0",
            )
        out.append(policy.RuleDefault(name, check, deprecated_rule=dep))
    for name, check in UPSTREAM_RULES + VENDOR_RULES:
        if name in real:
            continue
        scope = ["project"] if scoped else None
        if admin_service_apis and check in (_SERVICE, _MANAGER):
            check = _ADMIN
        dep = None
        if name in UPSTREAM_DEPRECATED or name in UPSTREAM_DEPRECATED_RENAMED:
            old_name, old_check = UPSTREAM_DEPRECATED_RENAMED.get(
                name, (name, UPSTREAM_DEPRECATED.get(name))
            )
            if old_name in real:
                # The release still has the one rule this one was split from: its default.
                check, real_scope, _name, real_old_check = real[old_name]
                scope = real_scope if scoped else None
                old_check = check if real_old_check is None else real_old_check
            dep = policy.DeprecatedRule(
                name=old_name,
                check_str=old_check,
                deprecated_reason="Nova API policies are introducing new default roles.",
                deprecated_since="21.0.0",
            )
        out.append(policy.RuleDefault(name, check, scope_types=scope, deprecated_rule=dep))
    if MULTINIC_BASE not in real:
        # 21.x still checks the multinic actions' one rule (nova 21.0.0 policies/multinic.py).
        out.append(policy.RuleDefault(MULTINIC_BASE, "rule:admin_or_owner"))
    return out


def table_rule(name: str, row: list, scoped: bool, since: str) -> Any:
    """The ``RuleDefault`` of a defaults table's `row` (`defaults_tables`: check, scope types,
    deprecated name and check), its scopes only where `scoped`, its deprecated rule's release
    `since`."""
    from oslo_policy import policy

    check, scope, old_name, old_check = row
    dep = None
    if old_name is not None:
        dep = policy.DeprecatedRule(
            name=old_name,
            check_str=old_check,
            deprecated_reason="API policies are introducing new default roles.",
            deprecated_since=since,
        )
    scope = scope if scoped else None
    return policy.RuleDefault(name, check, scope_types=scope, deprecated_rule=dep)


def load_policy_file(path: str, option: str = "nova.policy_file") -> dict[str, Any]:
    """Rules of a YAML or JSON policy file, as ``{name: rule}`` (oslo.policy's
    ``parse_file_contents``: ``yaml.safe_load``, JSON being YAML), each rule as
    ``_parser.parse_rule`` takes it (`_file_rule`: a check string, or the old list-of-lists
    syntax as tuples); a `ConfigError` naming `option` (``nova.policy_file``), the file and what
    is wrong (and its line) for a file that cannot be read (a directory, a device, a named pipe
    nothing writes to), is not UTF-8 or YAML, is not a mapping of rule names to rules, or holds
    a rule oslo.policy cannot load. Each was a bare OSError, UnicodeDecodeError or ParserError at
    the cloud's first request (a named pipe hung it), and a list rule was taken as its Python
    text."""
    import yaml

    from fakecloud.inputs import open_input

    where = f"config {option}: {path}"
    try:
        with open_input(path) as f:  # a named pipe nothing writes to: refused, not a hang
            text = f.read().decode("utf-8")
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read it: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        line = exc.object.count(b"\n", 0, exc.start) + 1
        raise ConfigError(
            f"{where}:{line}: not UTF-8 (byte 0x{exc.object[exc.start]:02x})"
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f":{mark.line + 1}" if mark else ""
        what = " ".join(x for x in (exc.context, exc.problem) if x)
        raise ConfigError(f"{where}{at}: not valid YAML or JSON: {what}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where}: not valid YAML or JSON: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: must map rule names to check strings, got {_kind(data)}")
    rules = {}
    for name, rule in data.items():
        check = _file_rule(rule)
        if check is None:
            raise ConfigError(
                f"{where}: rule {str(name)!r} must be a check string or a list of lists of"
                f" them, got {_shown(rule)}"
            )
        rules[str(name)] = check
    return rules


#: What a YAML document is, in the scenario loader's words (`fakecloud.scenario.yamldoc`):
#: oslo.policy has none for a file that is no mapping (``Rules.load``'s AttributeError).
_KINDS = {list: "a list", str: "a string", int: "a whole number", float: "a number"}


def _kind(data: Any) -> str:
    """`data`'s kind for a sentence ("a list", "true or false", "a date")."""
    if isinstance(data, bool):
        return "true or false"
    return _KINDS.get(type(data)) or f"a {type(data).__name__}"


def _shown(rule: Any) -> str:
    """A rule's value as the file gave it, cut to 80 characters."""
    shown = repr(rule)
    return shown if len(shown) <= 80 else f"{shown[:77]}..."


def _file_rule(rule: Any) -> str | tuple | None:
    """A policy file's rule as oslo.policy's ``_parser.parse_rule`` reads it, hashable: a check
    string as it is; an empty one (null, false, ``[]``: ``_parse_list_rule``'s "Empty rule
    defaults to True") ``""``; the old list-of-lists syntax (the outer list or-ed, each inner
    list and-ed, a bare string an inner list of one) as tuples, an inner entry that is no
    string ``"!"`` (``_parse_check`` fails to split it: a ``FalseCheck``). None for what
    ``parse_rule`` cannot take (a number, a list holding one: its ``TypeError``), which breaks
    real Nova's every policy check. A mapping is read as the list of its keys."""
    if isinstance(rule, str):
        return rule
    if not rule:
        return ""
    if not isinstance(rule, (list, dict)):
        return None
    out: list[Any] = []
    for inner in rule:  # a mapping's keys, as Python iterates one
        if isinstance(inner, str):
            out.append(inner)
        elif isinstance(inner, (list, dict)):
            out.append(tuple(r if isinstance(r, str) else "!" for r in inner))
        elif not inner:
            out.append(())  # skipped, as an empty inner list
        else:
            return None
    return tuple(out)


class _Enforcer:
    """One oslo.policy Enforcer with its rules frozen, and a memo of its decisions."""

    _memo: dict[tuple, bool]
    _flat: dict[tuple, bool]
    answers: dict[tuple, tuple]

    def __init__(
        self,
        legacy: bool,
        new_defaults: bool,
        scoped: bool,
        overrides: tuple,
        admin_service_apis: bool = False,
        checks_uncompared: bool = False,
        major: int = 0,
    ):
        from oslo_policy import policy

        base = _defaults_enforcer(legacy, new_defaults, scoped, admin_service_apis, major)
        self.enforcer = _with_file_rules(base, overrides, checks_uncompared) if overrides else base
        #: Whether the operator's rules set ``context_is_admin`` (`PolicyEngine.check_is_admin`).
        self.admin_rule_overridden = any(name == "context_is_admin" for name, _check in overrides)
        self._invalid_scope = policy.InvalidScope
        self._memo = {}
        #: The answers for the caller's own target, (rule, user, project, roles, system,
        #: domain), and for a project's, (rule, its id, user, project, roles, system, domain)
        self._flat = {}
        #: `PolicyEngine.answers`' tuples, by (kind, project, user, project, roles, system,
        #: domain)
        self.answers = {}

    def check(self, rule: str, target: dict[str, Any] | None, ctx: Any) -> bool:
        """Whether `rule` allows the caller `ctx` on `target` (a failed scope check is a no;
        None: the caller's own project and user, ``policy.authorize``'s default).

        Answers are remembered by rule, target items (in their order: another order is only
        a miss) and the caller's credentials."""
        # What oslo.policy reads of the caller: user, project, roles, system and domain scope
        # (a token is project-, system- or domain-scoped; oslo.policy reads the scope from
        # these), worked out in this frame: every API request makes a check or two.
        system = ctx.system_scope
        project = ctx.project_id
        domain = None if (project or system) else getattr(ctx, "domain_id", None)
        roles = ctx.roles
        user = ctx.user_id
        # a service token's identity (rare), read without a call from a token's own context
        service = ctx.extra if ctx.__class__ is RequestContext else getattr(ctx, "extra", None)
        admin = ctx.admin if ctx.__class__ is ExplicitAdminContext else None
        if roles.__class__ is tuple and not service and admin is None:
            # The usual targets, the caller's own (6 items) or a project alone (7), as one
            # flat key: no tuples of the target's items, of each pair, of the caller.
            if target is None:
                key: tuple = (rule, user, project, roles, system, domain)
            elif len(target) == 1 and "project_id" in target:
                key = (rule, target["project_id"], user, project, roles, system, domain)
            else:
                key = ()
            if key:
                found = self._flat.get(key)
                if found is None:
                    if target is None:
                        target = {"project_id": project, "user_id": user}
                    found = self._decide(rule, target, (user, project, roles, system, domain))
                    if len(self._flat) > 50_000:
                        self._flat.clear()
                    self._flat[key] = found
                return found
        if target is None:
            target = {"project_id": project, "user_id": user}
        caller: tuple = (user, project, tuple(roles), system, domain)
        if service:
            caller += (service["service_user_id"], service["service_project_id"])
            caller += (tuple(service["service_roles"]),)
        key = (rule, tuple(target.items()), caller, admin)
        found = self._memo.get(key)
        if found is None:
            found = self._decide(rule, target, caller, admin)
            if len(self._memo) > 50_000:
                self._memo.clear()
            self._memo[key] = found
        return found

    def _decide(
        self, rule: str, target: dict[str, Any], caller: tuple, admin: bool | None = None
    ) -> bool:
        """oslo.policy's answer for `rule` on `target` and the caller's (user, project, roles,
        system, domain), with `admin` as its ``is_admin`` where Nova set it."""
        credentials = _credentials(caller, admin)
        try:
            return bool(self.enforcer.enforce(rule, target, credentials, do_raise=True))
        except self._invalid_scope:
            return False
        except Exception as exc:  # noqa: BLE001 - oslo.policy's own PolicyNotAuthorized
            if type(exc).__name__ != "PolicyNotAuthorized":
                raise
            return False


_ENFORCERS: dict[tuple, _Enforcer] = {}

#: oslo.policy Enforcers with Nova's default rules loaded and frozen, by (legacy, new
#: defaults, scoped, admin service APIs, `real_defaults_major`): each `_Enforcer` with operator
#: rules starts from a copy of one (registering and parsing the ~200 defaults is ~8 ms; clouds
#: of the same release with different policy overrides are many in a test run).
_DEFAULTS_ENFORCERS: dict[tuple, Any] = {}


def _defaults_enforcer(
    legacy: bool, new_defaults: bool, scoped: bool, admin_apis: bool, major: int = 0
) -> Any:
    """The oslo.policy Enforcer of Nova's defaults alone (shared: never changed once built)."""
    key = (legacy, new_defaults, scoped, admin_apis, major)
    found = _DEFAULTS_ENFORCERS.get(key)
    if found is None:
        found = frozen_enforcer(_rule_defaults(legacy, scoped, admin_apis, major), new_defaults)
        _DEFAULTS_ENFORCERS[key] = found
    return found


def frozen_enforcer(rules: list, new_defaults: bool) -> Any:
    """A plain oslo.policy Enforcer of `rules` (``RuleDefault``s) alone, as a service builds one
    with no policy file: Nova's own config options, ``enforce_new_defaults`` as given, the
    deprecation warnings off; its rules loaded once and frozen (``use_conf`` off: no reload on
    every check)."""
    from oslo_config import cfg
    from oslo_policy import policy

    conf = cfg.ConfigOpts()
    conf([], project="nova", default_config_files=[], default_config_dirs=[])
    enforcer = policy.Enforcer(conf, use_conf=True)
    conf.set_override("enforce_new_defaults", new_defaults, group="oslo_policy")
    enforcer.suppress_deprecation_warnings = True
    enforcer.suppress_default_change_warnings = True
    enforcer.register_defaults(rules)
    # load_rules looks for policy.yaml (there is none: use_conf only to load the defaults) and
    # logs "The policy file policy.yaml could not be found." at DEBUG: the service's own log,
    # which an in-process client's ``--debug`` root handler would otherwise print as its own.
    with _kept_from_the_program("oslo_policy.policy"):
        enforcer.load_rules()
    enforcer.use_conf = False
    return enforcer


@contextlib.contextmanager
def _kept_from_the_program(name: str) -> Iterator[None]:
    """While open, logger `name`'s records reach no handler of the program (a service's log
    line is no client's)."""
    log = logging.getLogger(name)
    propagate = log.propagate
    log.propagate = False
    log.addHandler(_DROPPED)
    try:
        yield
    finally:
        log.removeHandler(_DROPPED)
        log.propagate = propagate


#: Where `_kept_from_the_program` sends a service's records.
_DROPPED = logging.NullHandler()


def _with_file_rules(
    base: Any, overrides: tuple, checks_uncompared: bool = False, service: str = "Nova"
) -> Any:
    """The defaults' enforcer `base` with the operator's rules loaded as oslo.policy loads a
    policy file, without registering and parsing the defaults again: its own copy of the loaded
    rules, the file's laid over them and recorded as its ``file_rules``, and each default the
    file leaves alone whose deprecated (old) name the file sets handled by oslo.policy's own
    ``Enforcer._handle_deprecated_rule``, as ``load_rules`` does: the old name's rule replaces
    the new default (not OR-ed with it, whatever ``enforce_new_defaults`` says) unless it is
    ``rule:<new name>`` or, from oslo.policy 5.0.0 (2026.1's pin; its checks define
    ``__eq__``), the deprecated check string itself; the new name's own override wins over it.
    `checks_uncompared`: the release pins an oslo.policy before 5.0.0 (3.1.2 Ussuri to 4.6.0
    2025.2, each run on such a file), whose ``file_rule.check != deprecated_rule.check`` compares
    two objects and always holds, so an old-name rule equal to the deprecated default replaces
    the new rule too. `service`: whose rules they are, named in the warning of a rule
    oslo.policy cannot parse."""
    from oslo_policy import policy

    enforcer = copy.copy(base)
    with _unparsed_rules_told() as told:
        told.service = service
        file_rules = {}
        for name, check in overrides:
            told.rule = name
            file_rules[name] = policy.RuleDefault(name, check)
    enforcer.file_rules = file_rules
    rules = enforcer.rules = policy.Rules(base.rules, base.rules.default_rule)
    for name, rule in file_rules.items():
        rules[name] = rule.check
    for default in base.registered_rules.values():
        deprecated = default.deprecated_rule
        if deprecated and deprecated.name in file_rules and default.name not in file_rules:
            old = file_rules[deprecated.name].check
            if checks_uncompared and str(old) != f"rule:{default.name}":
                rules[default.name] = old
            else:
                rules[default.name] = enforcer._handle_deprecated_rule(default)
    return enforcer


#: Where fakecloud says a rule of the operator's is one oslo.policy cannot parse: one line on
#: stderr (Python's last-resort handler) unless the program configures logging.
LOG = logging.getLogger("fakecloud.policy")


class _unparsed_rules_told(logging.Handler):
    """While open, oslo.policy's parser's own records ("Failed to understand rule bogus", with
    the ValueError's traceback: `_parser._parse_check` and `_parse_text_rule` log it and make
    the rule a ``FalseCheck``, refusing everyone) are kept from the program's stderr; each is
    told as one line naming the operator's rule (`rule`, set before each is parsed) instead.
    The rule still refuses everyone, as in Nova."""

    rule = ""
    service = "Nova"

    def __enter__(self) -> _unparsed_rules_told:
        self._log = logging.getLogger("oslo_policy._parser")
        self._propagate = self._log.propagate
        self._log.addHandler(self)
        self._log.propagate = False
        return self

    def __exit__(self, *exc: object) -> None:
        self._log.removeHandler(self)
        self._log.propagate = self._propagate

    def emit(self, record: logging.LogRecord) -> None:
        """Tell the rule being parsed once, in words, without the traceback."""
        if record.levelno >= logging.ERROR:
            LOG.warning(
                "policy rule %r: oslo.policy cannot parse %s: the rule refuses every caller, "
                "as in %s",
                self.rule,
                _parsed_part(record),
                self.service,
            )


def _parsed_part(record: logging.LogRecord) -> str:
    """What `record` (oslo.policy's parser's) could not parse, quoted: its argument."""
    args = record.args if isinstance(record.args, tuple) else ()
    return repr(str(args[0])) if args else "it"


def _credentials(caller: tuple, admin: bool | None = None) -> dict[str, Any]:
    """The credentials dict oslo.policy reads, from a caller's (user, project, roles, system,
    domain[, service user, service project, service roles]) as `_Enforcer.check` keys its
    memo: oslo.context's ``to_policy_values``, whose ``service_*`` come from the request's
    service token (no default rule of any release reads them: ``role:service`` is the
    caller's own role; a deployer's ``service_roles:service`` reads the token's).
    ``is_admin``: `admin` where Nova set it (`ExplicitAdminContext`), else the admin role."""
    user_id, project_id, roles, system, domain = caller[:5]
    service_user, service_project, service_roles = caller[5:] or (None, None, ())
    return {
        "user_id": user_id,
        "project_id": project_id,
        "roles": list(roles),
        "is_admin": "admin" in roles if admin is None else admin,
        "system_scope": system,
        "domain_id": domain,
        "service_user_id": service_user,
        "service_project_id": service_project,
        "service_roles": list(service_roles),
    }


class PolicyEngine:
    """One cloud's policy: ``authorize`` raises `PolicyNotAuthorized` naming the rule."""

    _enforcer: _Enforcer | None

    #: Whether the service and manager APIs are the admin's alone (21.0.0-31.x, before
    #: `SERVICE_ROLE_SINCE`).
    #: A class default, set on the instance only where True, so that the saved files of the
    #: other releases keep their bytes.
    admin_service_apis = False
    #: Whether the release's oslo.policy compares checks by identity (before 5.0.0, the pin of
    #: 21.0.0-32.x: `_with_file_rules`). A class default, set on the instance only where True
    #: and the operator has rules, so that the saved files of the other clouds keep their bytes.
    checks_uncompared = False
    #: The release's real default rules (`real_defaults_major`: 21.0.0-26.x). A class default,
    #: set on the instance only where they answer otherwise than 34.0.0's (21.0.0-24.x, or a
    #: flag on), likewise.
    real_defaults_major = 0

    def __init__(
        self,
        legacy: bool,
        config: Any,
        enforced_by_default: bool = True,
        admin_service_apis: bool = False,
        checks_uncompared: bool = False,
        real_defaults_major: int = 0,
    ):
        self.legacy = legacy
        self._config = config
        #: The release's default of ``enforce_new_defaults`` and ``enforce_scope`` (True from
        #: 27.0.0), used where the config leaves them unset.
        self.enforced_by_default = enforced_by_default
        self._enforcer = None
        if admin_service_apis and not legacy:
            self.admin_service_apis = True
        if checks_uncompared and not legacy and (config.policy_file or config.policy):
            self.checks_uncompared = True
        # The release's own rules decide otherwise with the new defaults or scopes enforced
        # (off by default in those releases) or, 21.0.0-24.x, for a system-scoped caller
        # (their system personas OR-ed with the deprecated checks).
        differs = config.enforce_new_defaults or config.enforce_scope
        differs = differs or real_defaults_major <= SYSTEM_READER_UNTIL
        if real_defaults_major and not legacy and differs:
            self.real_defaults_major = real_defaults_major

    @property
    def scope_enforced(self) -> bool:
        """``[oslo_policy] enforce_scope``: the config's, else the release's default."""
        value = self._config.enforce_scope
        return self.enforced_by_default if value is None else value

    def rule_name(self, name: str) -> str:
        """The profile's name of a rule (Queens names a few differently)."""
        return SEED_NAMES.get(name, name) if self.legacy else name

    def overrides(self) -> dict[str, Any]:
        """The operator's rules: the policy file's (`load_policy_file`), then the config
        mapping's."""
        cfg = self._config
        overrides: dict[str, Any] = {}
        if cfg.policy_file:
            overrides.update(load_policy_file(cfg.policy_file))
        if cfg.policy:
            overrides.update({str(k): str(v) for k, v in dict(cfg.policy).items()})
        return overrides

    def _get(self) -> _Enforcer:
        if self._enforcer is None:
            cfg = self._config
            overrides = self.overrides()
            default = self.enforced_by_default
            key = (
                self.legacy,
                default if cfg.enforce_new_defaults is None else cfg.enforce_new_defaults,
                default if cfg.enforce_scope is None else cfg.enforce_scope,
                tuple(sorted(overrides.items())),
                self.admin_service_apis,
                self.checks_uncompared,
                self.real_defaults_major,
            )
            found = _ENFORCERS.get(key)
            if found is None:
                found = _ENFORCERS[key] = _Enforcer(*key)
            self._enforcer = found
        return self._enforcer

    def admin_rule_overridden(self) -> bool:
        """Whether the operator's rules (the policy file's, the config mapping's) set
        ``context_is_admin``: otherwise Nova's ``is_admin`` is the admin role."""
        return (self._enforcer or self._get()).admin_rule_overridden

    def check_is_admin(self, ctx: Any) -> bool:
        """``policy.check_is_admin`` (nova 17.0.13-34.0.0 ``policy.py``): the
        ``context_is_admin`` rule on the caller's credentials, their ``is_admin`` still unset
        (``RequestContext.__init__`` asks before it has one: an ``is_admin:True`` check there
        is false)."""
        probe = with_is_admin(ctx, False)
        return (self._enforcer or self._get()).check("context_is_admin", None, probe)

    def answers(
        self,
        ctx: Any,
        project_id: str | None,
        kind: Hashable,
        decide: Callable[..., tuple],
        *args: Any,
    ) -> tuple:
        """``decide(*args)``: the answers of several checks (`authorize`, not fatal) for the
        caller `ctx` on a target of `project_id` alone, remembered with this policy's rules as
        `check` remembers one answer: by the caller's user, project, roles and scope, the
        project, and `kind` (everything else that decides which checks `decide` makes, and
        how). One look-up for the several checks of a request (a server's view makes four).
        A caller `check` does not key so (a service token's, an ``is_admin`` Nova set) is
        decided each time."""
        enforcer = self._enforcer or self._get()
        roles = ctx.roles
        if ctx.__class__ is RequestContext and roles.__class__ is tuple and not ctx.extra:
            system = ctx.system_scope
            project = ctx.project_id
            domain = None if (project or system) else ctx.domain_id
            key = (kind, project_id, ctx.user_id, project, roles, system, domain)
            found = enforcer.answers.get(key)
            if found is None:
                found = decide(*args)
                if len(enforcer.answers) > 50_000:
                    enforcer.answers.clear()
                enforcer.answers[key] = found
            return found
        return decide(*args)

    def authorize(
        self, ctx: Any, action: str, target: dict[str, Any] | None = None, fatal: bool = True
    ) -> bool:
        """``context.can``: check `action` for `ctx` on `target` (default: the caller's own
        project and user, as Nova's ``policy.authorize`` fills it in)."""
        name = SEED_NAMES.get(action, action) if self.legacy else action  # rule_name
        allowed = (self._enforcer or self._get()).check(name, target, ctx)
        if not allowed and fatal:
            raise exception.PolicyNotAuthorized(action=name)
        return allowed
