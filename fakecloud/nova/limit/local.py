"""``nova/limit/local.py`` (25.0.0-34.0.0): the limits Nova checks itself, against Keystone's
registered limits alone (``enforce(None, ...)``: no project's own limit counts).

API limits (a request's own size, usage 0): ``server_metadata_items``,
``server_injected_files``, ``server_injected_file_content_bytes``,
``server_injected_file_path_bytes``. Database limits (a count plus the delta):
``server_key_pairs`` (the user's key pairs), ``server_groups`` (the project's groups) and
``server_group_members`` (the group's members, every one it lists). A refusal is the limit's
own ``OverQuota`` subclass carrying oslo.limit's text ("Project None is over a limit for
[Resource server_key_pairs is over limit of 0 due to current usage 0 and delta 1]"), unless
`utils.should_enforce` lets it through (31.0.0 on). oslo.limit's session not made
(`SessionInitError`) is ``KeystoneConnectionFailed``, Nova's 500.
"""

from __future__ import annotations

from typing import Any

from fakecloud.nova import exception, server_groups
from fakecloud.nova.limit import utils
from fakecloud.nova.limit.oslo_limit import (
    Enforcer,
    LocalKeystoneFailure,
    ProjectOverLimit,
    SessionInitError,
    limits_reader,
)

SERVER_METADATA_ITEMS = "server_metadata_items"
INJECTED_FILES = "server_injected_files"
INJECTED_FILES_CONTENT = "server_injected_file_content_bytes"
INJECTED_FILES_PATH = "server_injected_file_path_bytes"
API_LIMITS = (SERVER_METADATA_ITEMS, INJECTED_FILES, INJECTED_FILES_CONTENT, INJECTED_FILES_PATH)
KEY_PAIRS = "server_key_pairs"
SERVER_GROUPS = "server_groups"
SERVER_GROUP_MEMBERS = "server_group_members"

#: The ``OverQuota`` each limit's refusal is (``EXCEPTIONS``).
EXCEPTIONS = {
    KEY_PAIRS: exception.KeypairLimitExceeded,
    INJECTED_FILES_CONTENT: exception.OnsetFileContentLimitExceeded,
    INJECTED_FILES_PATH: exception.OnsetFilePathLimitExceeded,
    INJECTED_FILES: exception.OnsetFileLimitExceeded,
    SERVER_METADATA_ITEMS: exception.MetadataLimitExceeded,
    SERVER_GROUPS: exception.ServerGroupLimitExceeded,
    SERVER_GROUP_MEMBERS: exception.GroupMemberLimitExceeded,
}

#: Each limit's legacy quota name (``LEGACY_LIMITS``), in its order.
LEGACY_LIMITS = {
    SERVER_METADATA_ITEMS: "metadata_items",
    INJECTED_FILES: "injected_files",
    INJECTED_FILES_CONTENT: "injected_file_content_bytes",
    INJECTED_FILES_PATH: "injected_file_path_bytes",
    KEY_PAIRS: "key_pairs",
    SERVER_GROUPS: SERVER_GROUPS,
    SERVER_GROUP_MEMBERS: SERVER_GROUP_MEMBERS,
}


def _enforce(nova: Any, entity_type: str, delta: int, usage: int) -> None:
    try:
        enforcer = Enforcer(nova, lambda _project, names: dict.fromkeys(names, usage))
    except SessionInitError:
        raise LocalKeystoneFailure(
            f"Failed to connect to keystone while enforcing {entity_type} quota limit."
        ) from None
    try:
        enforcer.enforce(None, {entity_type: delta})
    except ProjectOverLimit as e:
        if utils.should_enforce(nova, e):
            raise EXCEPTIONS[entity_type](str(e)) from None


def enforce_api_limit(nova: Any, entity_type: str, count: int) -> None:
    """``enforce_api_limit``: `count` (the request's size) against the registered limit."""
    if utils.use_unified_limits(nova):
        _enforce(nova, entity_type, count, 0)


def enforce_db_limit(nova: Any, entity_type: str, entity_scope: Any, delta: int) -> None:
    """``enforce_db_limit``: the count of `entity_scope` (a user id for key pairs, a project id
    for server groups, a group for its members) plus `delta` against the registered limit."""
    if utils.use_unified_limits(nova):
        _enforce(nova, entity_type, delta, _count(nova, entity_type, entity_scope))


def enforce_group_members(nova: Any, group: Any, count: int) -> None:
    """``_provision_instances``' member check of each of `count` new servers of `group`
    (delta 1 on the members so far; the servers before a refused one are undone with it)."""
    if utils.use_unified_limits(nova):
        for added in range(count):
            _enforce(nova, SERVER_GROUP_MEMBERS, 1, len(group.members) + added)


def _count(nova: Any, entity_type: str, scope: Any) -> int:
    """``DB_COUNT_FUNCTION``."""
    if entity_type == KEY_PAIRS:
        return nova.db.keypair_count(scope)
    if entity_type == SERVER_GROUPS:
        return server_groups.count(nova, scope)
    return len(scope.members)


def get_in_use(nova: Any, project_id: str) -> dict[str, int]:
    """``get_in_use``: the project's server groups; 0 for the rest (counted per user, per
    group or per request)."""
    usages = dict.fromkeys(LEGACY_LIMITS.values(), 0)
    usages["server_groups"] = server_groups.count(nova, project_id)
    return usages


def get_legacy_default_limits(nova: Any) -> dict[str, int]:
    """``get_legacy_default_limits``: the registered limits by legacy name (0 for none)."""
    found = dict(limits_reader(nova).get_registered_limits(LEGACY_LIMITS))
    return {old: found.get(new) or 0 for new, old in LEGACY_LIMITS.items()}
