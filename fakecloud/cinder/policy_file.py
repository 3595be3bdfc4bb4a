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
from fakecloud.nova.policies import _credentials, defaults_tables

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

    def allows(
        self, context: Any, action: str, project_id: str | None, user_id: str | None = None
    ) -> bool:
        """Whether `context` may perform `action` on a resource of `project_id` and `user_id`
        (None: the caller's own). A rule fakecloud asks under a later release's name is the
        release's own of its older name (`rule_name`); one the release does not have at all
        (``volume:reimage`` before 19.0.0) answers by the distilled rules, as without a
        policy (oslo.policy would refuse everyone)."""
        if action not in self.enforcer.rules:
            action = self.rule_name(action)
            if action not in self.enforcer.rules:
                return policy.allowed(context, action, project_id, self.new_defaults)
        caller = service_policy.caller(context)
        target = {"project_id": caller[1] if project_id is None else project_id}
        target["user_id"] = caller[0] if user_id is None else user_id
        # oslo.context's ``to_policy_values`` as Nova's checks read it (``is_admin_project``
        # True besides: Keystone sets no admin project by default), ``is_admin`` Cinder's
        return self.decide(action, target, caller, self._admin_values(caller))

    def _admin_values(self, caller: tuple) -> dict[str, bool]:
        """The credentials Cinder adds: ``is_admin_project`` (True: Keystone sets no admin
        project by default) and ``is_admin``, the context's, which ``RequestContext.__init__``
        sets by ``policy.check_is_admin``: the ``context_is_admin`` rule on the caller's
        credentials, their ``is_admin`` still unset (cinder 12.0.10-29.0.0 ``context.py``,
        ``policy.py``). ``rule:admin_api`` (``is_admin:True or ...``) and every admin check
        built on it read it: an operator's ``context_is_admin`` names Cinder's admins. Without
        one it is the admin role, as oslo.context's own."""
        if "context_is_admin" not in self.enforcer.file_rules:
            return _ADMIN_PROJECT
        key = ("context_is_admin", (), caller)
        found = self._memo.get(key)
        if found is None:
            credentials = {**_credentials(caller, False), "is_admin_project": True}
            found = bool(self.enforcer.enforce("context_is_admin", credentials, credentials))
            self._memo[key] = found
        return {"is_admin_project": True, "is_admin": found}

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
