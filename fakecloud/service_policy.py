"""An operator's policy file for Cinder or Glance: the release's defaults and the operator's
rules in one oslo.policy Enforcer, as the service builds it.

Each service's ``<service>.policy_file`` (a YAML or JSON policy file, read as
`fakecloud.nova.policies.load_policy_file` reads Nova's) and ``<service>.policy`` (a mapping,
applied after the file) are laid over the release's own defaults (``data/policy_defaults_*.json``
of the service's package, written by ``tools/service_policy_defaults.py``) as oslo.policy loads
a policy file (`fakecloud.nova.policies._with_file_rules`: a rule of a deprecated name still
governs its new rule), ``enforce_new_defaults`` as the cloud has it. With `scoped`
(``[oslo_policy] enforce_scope``: Glance's) each default keeps its release's ``scope_types``,
so oslo.policy itself refuses a token of another scope (``_enforce_scope``: system, domain or
project) whatever the check string says, as it does in the service; without it scopes are not
checked (Cinder's: fakecloud's Cinder takes no ``enforce_scope``).

The credentials are oslo.context's ``to_policy_values`` as Nova's checks read them, a
request's service token included (``service_roles``); the target is the service's (Cinder's
``target_obj``, Glance's ``ImageTarget``). Decisions are memoized: one depends only on the
rule, the target and the caller.
"""

from __future__ import annotations

from typing import Any

from fakecloud.nova.policies import (
    LOG,
    _credentials,
    _with_file_rules,
    frozen_enforcer,
    load_policy_file,
    table_rule,
)
from fakecloud.suggest import did_you_mean


def overrides(config: Any, option: str) -> tuple[tuple[str, Any], ...]:
    """The operator's rules in `config` (a service's section, named `option`: ``cinder``), sorted:
    the policy file's, then the config mapping's; () for none (a `ConfigError` naming
    ``<option>.policy_file`` for a file that is no policy)."""
    rules: dict[str, Any] = {}
    if config.policy_file:
        rules.update(load_policy_file(config.policy_file, f"{option}.policy_file"))
    if config.policy:
        rules.update({str(k): str(v) for k, v in dict(config.policy).items()})
    return tuple(sorted(rules.items()))


def caller(context: Any) -> tuple:
    """What oslo.policy reads of `context`, as Nova's checks key it (`fakecloud.nova.policies`
    ``_credentials``): user, project, roles, system scope, domain scope (a domain-scoped
    token's only) and, for a request with a service token, its user, project and roles (a
    rule such as ``service_roles:service`` reads them)."""
    system = getattr(context, "system_scope", None)
    project = context.project_id
    domain = None if (project or system) else getattr(context, "domain_id", None)
    found: tuple = (context.user_id, project, tuple(context.roles), system, domain)
    service = getattr(context, "extra", None)
    if service:
        found += (service["service_user_id"], service["service_project_id"])
        found += (tuple(service["service_roles"]),)
    return found


class ServiceRules:
    """A release's defaults (`table`: ``{name: [check, scope types, deprecated name,
    deprecated check]}``) and the operator's rules in one oslo.policy Enforcer, its decisions
    memoized. `service` names the service in the warnings, `deprecated_since` the release the
    table's deprecated rules give, `checks_uncompared` whether the release's oslo.policy
    compares checks by identity (`_with_file_rules`), `scoped` whether each rule keeps its
    ``scope_types`` (``enforce_scope``)."""

    __slots__ = ("enforcer", "new_defaults", "service", "_memo")

    _memo: dict[tuple, bool]

    def __init__(
        self,
        service: str,
        major: int,
        table: dict[str, list],
        new_defaults: bool,
        rules: tuple[tuple[str, Any], ...],
        deprecated_since: str,
        checks_uncompared: bool,
        scoped: bool = False,
    ):
        for name, _check in rules:
            if name not in table:
                LOG.warning(
                    "policy rule %r: Unknown rule found in policy file (oslopolicy-validator's"
                    " words): %s %d checks no rule of that name%s",
                    name,
                    service,
                    major,
                    did_you_mean(name, table),
                )
        defaults = [table_rule(name, row, scoped, deprecated_since) for name, row in table.items()]
        base = frozen_enforcer(defaults, new_defaults)
        self.enforcer = _with_file_rules(base, rules, checks_uncompared, service)
        self.new_defaults = new_defaults
        self.service = service
        self._memo = {}

    def decide(
        self, action: str, target: dict[str, Any], who: tuple, extra: dict | None = None
    ) -> bool:
        """oslo.policy's answer for the registered rule `action` on `target` for the caller
        `who` (`caller`), `extra` credentials added (a release's own, such as Glance 16-17's
        ``tenant``)."""
        key = (action, tuple(target.items()), who)
        found = self._memo.get(key)
        if found is None:
            credentials = {**_credentials(who), **(extra or {})}
            found = bool(self.enforcer.enforce(action, target, credentials))
            if len(self._memo) > 50_000:
                self._memo.clear()
            self._memo[key] = found
        return found


_BUILT: dict[tuple, Any] = {}


def built(key: tuple, make: Any) -> Any:
    """The rules of `key` (service, release, defaults, operator's rules), made once by `make()`
    and shared by every cloud of that key (registering and parsing the defaults costs
    milliseconds; a test run makes many clouds of one policy)."""
    found = _BUILT.get(key)
    if found is None:
        found = _BUILT[key] = make()
    return found
