"""Cinder's API policy through oslo.policy, for a cloud whose operator gives rules.

With ``cinder.policy_file`` (a YAML or JSON policy file, read as `load_policy_file` reads
Nova's) and/or ``cinder.policy`` (a mapping, applied after the file), every Cinder rule is
decided by oslo.policy: the release's own defaults registered (each Cinder major's
``cinder/policies`` ``list_rules()``: check strings and deprecated rules, read from
``data/policy_defaults_12-29.json`` by ``tools/service_policy_defaults.py``), the operator's
rules laid over them as oslo.policy loads a policy file (`_with_file_rules`: a rule of a
deprecated name still governs its new rule), ``enforce_new_defaults`` as the cloud has it.
Scopes are not checked (fakecloud's Cinder takes no ``enforce_scope``). Without either key the
distilled rules of `fakecloud.cinder.policy` answer (one identity test more per check).

The target is Cinder's ``context.authorize``'s: the caller's project and user, the resource's
project over them (``target_obj``, whose other fields, the resource's ``user_id`` among them,
are left out). The credentials are oslo.context's ``to_policy_values`` as Nova's checks read
them, a request's service token included (``service_roles``). A rule the file tightens
refuses with Cinder's own ``PolicyNotAuthorized`` (403 ``forbidden``, "Policy doesn't allow
volume:create to be performed.").
"""

from __future__ import annotations

from typing import Any

from fakecloud import service_policy
from fakecloud.cinder import policy
from fakecloud.nova.policies import defaults_tables

#: The Cinder majors `real_defaults` has tables of (Nova 17-34's series).
MAJORS = range(12, 30)
#: The first Cinder whose oslo.policy (5.0.0) compares checks by value (the series of Nova
#: `fakecloud.nova.policies.CHECKS_COMPARED_SINCE`, 33: the same upper constraints).
CHECKS_COMPARED_SINCE = 28


def real_defaults(major: int) -> dict[str, list]:
    """Cinder `major`'s default rules, ``{name: [check, scope types, deprecated name,
    deprecated check]}`` (shared: never change)."""
    tables = defaults_tables("fakecloud.cinder", "policy_defaults_12-29.json")
    return tables[str(min(max(major, MAJORS[0]), MAJORS[-1]))]


def overrides(config: Any) -> tuple[tuple[str, Any], ...]:
    """The operator's rules, sorted: the policy file's, then the config mapping's; () for
    none (a `ConfigError` naming ``cinder.policy_file`` for a file that is no policy)."""
    return service_policy.overrides(config, "cinder")


class FileRules(service_policy.ServiceRules):
    """Cinder's defaults of one release and the operator's rules in one oslo.policy Enforcer
    (`fakecloud.service_policy.ServiceRules`)."""

    __slots__ = ()

    def __init__(self, major: int, new_defaults: bool, rules: tuple[tuple[str, Any], ...]):
        uncompared = major < CHECKS_COMPARED_SINCE
        table = real_defaults(major)
        super().__init__("Cinder", major, table, new_defaults, rules, "19.0.0", uncompared)

    def allows(self, context: Any, action: str, project_id: str | None) -> bool:
        """Whether `context` may perform `action` on a resource of `project_id` (None: the
        caller's own project). A rule fakecloud asks under a later release's name is the
        release's own of its older name (`rule_name`); one the release does not have at all
        (``volume:reimage`` before 19.0.0) answers by the distilled rules, as without a
        policy (oslo.policy would refuse everyone)."""
        if action not in self.enforcer.rules:
            action = self.rule_name(action)
            if action not in self.enforcer.rules:
                return policy.allowed(context, action, project_id, self.new_defaults)
        caller = service_policy.caller(context)
        target = {"project_id": caller[1] if project_id is None else project_id}
        target["user_id"] = caller[0]
        # oslo.context's ``to_policy_values`` as Nova's checks read it (``is_admin_project``
        # True besides: Keystone sets no admin project by default)
        return self.decide(action, target, caller, _ADMIN_PROJECT)

    def rule_name(self, action: str) -> str:
        """The rule this release checks for `action`, the name fakecloud asks: before Cinder
        19.0.0 split them, one rule of another name (``volume_extension:volume_image_metadata``
        for ``...:set`` and ``...:remove``, ``volume_extension:types_manage``, ``..:quota_classes``,
        ``group:group_types_manage``, ``group:group_types_specs``), as the later releases'
        tables name it deprecated (`renamed_from`); else `action` itself."""
        if action in self.enforcer.rules:
            return action
        old = renamed_from(action)
        return old if old is not None and old in self.enforcer.rules else action


_ADMIN_PROJECT = {"is_admin_project": True}


_RENAMED: dict[str, str] = {}


def renamed_from(action: str) -> str | None:
    """The name `action`'s rule had before a release split or renamed it (its deprecated rule
    of another name in the releases that have it), or None."""
    if not _RENAMED:
        for major in MAJORS:
            for name, row in real_defaults(major).items():
                if row[2] and row[2] != name:
                    _RENAMED.setdefault(name, row[2])
    return _RENAMED.get(action)


def file_rules(major: int, new_defaults: bool, config: Any) -> FileRules | None:
    """The cloud's `FileRules` (shared by every cloud of the same release, defaults and
    rules), or None when the operator gives no rules."""
    rules = overrides(config)
    if not rules:
        return None
    key = ("cinder", major, new_defaults, rules)
    return service_policy.built(key, lambda: FileRules(major, new_defaults, rules))
