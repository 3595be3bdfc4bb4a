"""Who may do what: Cinder's default policy rules (``cinder/policies/*.py``), distilled.

With the new defaults enforced (``cinder.enforce_new_defaults``; unset, the series' default:
from Cinder 29.0.0, `NEW_DEFAULTS_SINCE`, before which cinder/policy.py set it False) a rule is
one of three personas: ``reader`` (``role:admin or (role:reader and project_id:%(project_id)s)``),
``member`` (the same with ``role:member``) or ``admin``. A member is also a reader, as
Keystone's implied roles make it. With the legacy defaults, reader and member rules are
``rule:admin_or_owner``. A refusal is ``PolicyNotAuthorized`` (403 ``forbidden``).

The target is the resource's project (``target_obj``); without one, the caller's own project.
An operator's rules (``cinder.policy_file``, ``cinder.policy``) hand every check to oslo.policy
over the release's own defaults instead (`fakecloud.cinder.policy_file`).
"""

from __future__ import annotations

from typing import Any

from fakecloud.cinder.exception import PolicyNotAuthorized

READER, MEMBER, ADMIN = "reader", "member", "admin"

#: The first Cinder major version whose ``[oslo_policy] enforce_new_defaults`` defaults to True
#: (cd2a0c893 "Enable SRBAC by default"; 28.0.0's cinder/policy.py still sets it False).
NEW_DEFAULTS_SINCE = 29

RULES = {
    "volume:create": MEMBER,
    "volume:create_from_image": MEMBER,
    "volume:get": READER,
    "volume:get_all": READER,
    "volume:update": MEMBER,
    "volume:delete": MEMBER,
    "volume:create_snapshot": MEMBER,
    "volume:get_snapshot": READER,
    "volume:get_all_snapshots": READER,
    "volume:update_snapshot": MEMBER,
    "volume:delete_snapshot": MEMBER,
    # cinder/policies/volume_metadata.py
    "volume:get_volume_metadata": READER,
    "volume:create_volume_metadata": MEMBER,
    "volume:update_volume_metadata": MEMBER,
    "volume:delete_volume_metadata": MEMBER,
    "volume_extension:volume_image_metadata:set": MEMBER,
    "volume_extension:volume_image_metadata:remove": MEMBER,
    "volume:get_snapshot_metadata": READER,
    "volume:update_snapshot_metadata": MEMBER,
    "volume:delete_snapshot_metadata": MEMBER,
    "volume_extension:extended_snapshot_attributes": READER,
    "volume_extension:volume_actions:reserve": MEMBER,
    "volume_extension:volume_actions:unreserve": MEMBER,
    "volume_extension:volume_actions:begin_detaching": MEMBER,
    "volume_extension:volume_actions:roll_detaching": MEMBER,
    "volume_extension:volume_actions:attach": MEMBER,
    "volume_extension:volume_actions:detach": MEMBER,
    "volume_extension:volume_actions:initialize_connection": MEMBER,
    "volume_extension:volume_actions:terminate_connection": MEMBER,
    "volume_extension:volume_actions:upload_image": MEMBER,
    "volume:extend": MEMBER,
    "volume:extend_attached_volume": MEMBER,
    # cinder/policies/volume_actions.py, cinder/policies/volumes.py
    "volume:retype": MEMBER,
    "volume:revert_to_snapshot": MEMBER,
    "volume:update_readonly_flag": MEMBER,
    "volume:multiattach": MEMBER,
    "volume_extension:volume_actions:upload_public": ADMIN,
    "volume:attachment_create": MEMBER,
    "volume:attachment_update": MEMBER,
    "volume:attachment_delete": MEMBER,
    "volume:attachment_complete": MEMBER,
    "volume_extension:volume_tenant_attribute": READER,
    "volume_extension:volume_host_attribute": ADMIN,
    "volume_extension:volume_admin_actions:reset_status": ADMIN,
    "volume_extension:volume_admin_actions:force_delete": ADMIN,
    "volume_extension:volume_admin_actions:migrate_volume": ADMIN,
    "volume_extension:volume_admin_actions:migrate_volume_completion": ADMIN,
    "volume_extension:volume_admin_actions:force_detach": ADMIN,
    "volume_extension:volume_admin_actions:extend_volume_completion": ADMIN,
    "volume_extension:volume_unmanage": ADMIN,
    "volume:reimage": MEMBER,
    "volume:reimage_reserved": MEMBER,
    "volume_extension:snapshot_admin_actions:reset_status": ADMIN,
    "volume_extension:snapshot_admin_actions:force_delete": ADMIN,
    "snapshot_extension:snapshot_actions:update_snapshot_status": MEMBER,
    "snapshot_extension:snapshot_unmanage": ADMIN,
    "volume_extension:quotas:show": READER,
    "volume_extension:quotas:update": ADMIN,
    "volume_extension:quotas:delete": ADMIN,
    "volume_extension:quota_classes": ADMIN,
    "volume_extension:quota_classes:get": ADMIN,
    "volume_extension:quota_classes:update": ADMIN,
    "volume_extension:types_extra_specs:read_sensitive": ADMIN,
    # cinder/policies/type_extra_specs.py from 19.0.0 (before: rule:admin_api).
    "volume_extension:types_extra_specs:index": READER,
    "volume_extension:types_extra_specs:show": READER,
    # cinder/policies/volume_access.py: SYSTEM_ADMIN_OR_PROJECT_MEMBER.
    "volume_extension:volume_type_access": MEMBER,
    # cinder/policies/volume_type.py EXTRA_SPEC_POLICY (readers) and QOS_POLICY (admins).
    "volume_extension:access_types_extra_specs": READER,
    "volume_extension:access_types_qos_specs_id": ADMIN,
    # cinder/policies/volumes.py: SYSTEM_READER_OR_PROJECT_READER (legacy: admin_or_owner).
    "volume_extension:volume_encryption_metadata": READER,
    "limits_extension:used_limits": READER,
    "volume:force_delete": ADMIN,
    # cinder/policies/backups.py, backup_actions.py (legacy: admin_or_owner; create "")
    "backup:get_all": READER,
    "backup:get": READER,
    "backup:create": MEMBER,
    "backup:update": MEMBER,
    "backup:delete": MEMBER,
    "backup:restore": MEMBER,
    "backup:backup_project_attribute": ADMIN,
    "backup:backup-import": ADMIN,
    "backup:export-import": ADMIN,
    "volume_extension:backup_admin_actions:reset_status": ADMIN,
    "volume_extension:backup_admin_actions:force_delete": ADMIN,
    # cinder/policies/volume_transfer.py (legacy: admin_or_owner; accept "")
    "volume:get_all_transfers": READER,
    "volume:get_transfer": READER,
    "volume:create_transfer": MEMBER,
    "volume:delete_transfer": MEMBER,
    "volume:accept_transfer": MEMBER,
    # cinder/policies/groups.py, group_actions.py, group_snapshots.py,
    # group_snapshot_actions.py, group_types.py (legacy: admin_or_owner, create "";
    # the types and resets rule:admin_api)
    "group:get": READER,
    "group:get_all": READER,
    "group:create": MEMBER,
    "group:update": MEMBER,
    "group:delete": MEMBER,
    "group:reset_status": ADMIN,
    "group:enable_replication": MEMBER,
    "group:disable_replication": MEMBER,
    "group:failover_replication": MEMBER,
    "group:list_replication_targets": MEMBER,
    "group:group_project_attribute": ADMIN,
    "group:get_group_snapshot": READER,
    "group:get_all_group_snapshots": READER,
    "group:create_group_snapshot": MEMBER,
    "group:delete_group_snapshot": MEMBER,
    "group:reset_group_snapshot_status": ADMIN,
    "group:group_snapshot_project_attribute": ADMIN,
    # before 19.0.0, one rule each for a type's writes and its specs (`group_type_rule`)
    "group:group_types_manage": ADMIN,
    "group:group_types_specs": ADMIN,
    "group:group_types:create": ADMIN,
    "group:group_types:update": ADMIN,
    "group:group_types:delete": ADMIN,
    "group:access_group_types_specs": ADMIN,
    "group:group_types_specs:get": ADMIN,
    "group:group_types_specs:get_all": ADMIN,
    "group:group_types_specs:create": ADMIN,
    "group:group_types_specs:update": ADMIN,
    "group:group_types_specs:delete": ADMIN,
    # cinder/policies/capabilities.py (rule:admin_api in every series)
    "volume_extension:capabilities": ADMIN,
    # cinder/policies/manageable_volumes.py (rule:admin_api in every series)
    "volume_extension:list_manageable": ADMIN,
    "volume_extension:volume_manage": ADMIN,
    # cinder/policies/manageable_snapshots.py (rule:admin_api in every series)
    "snapshot_extension:snapshot_manage": ADMIN,
    # cinder/policies/workers.py (rule:admin_api in every series)
    "workers:cleanup": ADMIN,
    # cinder/policies/scheduler_stats.py (rule:admin_api in every series)
    "scheduler_extension:scheduler_stats:get_pools": ADMIN,
    # cinder/policies/messages.py (legacy: admin_or_owner)
    "message:get_all": READER,
    "message:get": READER,
    "message:delete": MEMBER,
}


#: Rules whose deprecated (pre-new-defaults) check is ``rule:admin_api``, not
#: ``rule:admin_or_owner``: with the legacy defaults the persona still decides (new OR admin;
#: cinder 19.0.0-28.x, e.g. a volume type's extra_specs: the project's readers, not a custom
#: role).
_DEPRECATED_ADMIN_API = frozenset({"volume_extension:access_types_extra_specs"})
#: Rules whose deprecated check is ``""`` (anyone): with the legacy defaults nothing is
#: checked, whatever the target (12.0.10 and 16.4.2 check the accept again with the donor's
#: volume as the target, ``volume/api.py`` ``accept_transfer``).
_DEPRECATED_ANYONE = frozenset({"volume:accept_transfer", "group:create"})


def allowed(
    context: Any, action: str, project_id: str | None, rules: Any, user_id: str | None = None
) -> bool:
    """Whether `context` may perform `action` on a resource of `project_id` (and `user_id`, its
    creator's, which only an operator's rule reads), by `rules` (``Cinder.policy_rules``):
    whether the new defaults are enforced (the distilled rules below), or the operator's rules
    in oslo.policy (`fakecloud.cinder.policy_file.FileRules`)."""
    if rules is not True and rules is not False:
        return rules.allows(context, action, project_id, user_id)
    new_defaults = rules
    roles = context.roles
    if "admin" in roles:  # ``context.is_admin``, without the property's call (every request)
        return True
    persona = RULES[action]
    if persona == ADMIN:
        return False
    owner = project_id is None or project_id == context.project_id
    if not new_defaults and action not in _DEPRECATED_ADMIN_API:
        return owner or action in _DEPRECATED_ANYONE
    if persona == MEMBER:
        return owner and MEMBER in roles
    return owner and (READER in roles or MEMBER in roles)


def authorize(
    context: Any, action: str, project_id: str | None, rules: Any, user_id: str | None = None
) -> None:
    """Raise ``PolicyNotAuthorized`` unless `context` may perform `action` (`allowed`)."""
    if not allowed(context, action, project_id, rules, user_id):
        raise PolicyNotAuthorized(action=checked_name(action, rules))


def authorize_admin(context: Any, action: str, rules: Any) -> None:
    """Raise ``PolicyNotAuthorized`` unless `context` passes `action`, a ``rule:admin_api`` rule
    in the release that checks it (whatever `RULES` says of a later release's rule of that
    name): without an operator's policy the admin role (``context.is_admin``), with one the
    release's rule in oslo.policy, as `authorize`."""
    if rules is True or rules is False:
        if "admin" not in context.roles:
            raise PolicyNotAuthorized(action=action)
    elif not rules.allows(context, action, None):
        raise PolicyNotAuthorized(action=rules.rule_name(action))


def checked_name(action: str, rules: Any) -> str:
    """The rule name a refusal of `action` shows: with an operator's policy the rule the
    release checks (`fakecloud.cinder.policy_file.FileRules.rule_name`: before 19.0.0 some
    actions share an older rule), else `action`."""
    return action if rules is True or rules is False else rules.rule_name(action)
