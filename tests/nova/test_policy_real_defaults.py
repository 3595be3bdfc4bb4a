"""Nova 21.0.0-26.x's own default policy rules (``data/policy_defaults_21-26.json``, written by
``tools/nova_policy_defaults.py`` from each release's ``nova/policies``) with the new defaults or
scopes enforced: fakecloud's engine answers as plain oslo.policy does on the release's rules,
for a sample of callers and rules (a rule split later asked under its later name, the release's
one rule answering)."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
from oslo_policy import policy

from fakecloud.identity.context import RequestContext
from fakecloud.nova import policies as P

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

# The tool's --check sample (callers, target) and its plain oslo.policy: one oracle, not two.
from nova_policy_defaults import CALLERS, TARGET, real_enforcer  # noqa: E402

#: fakecloud's rule name, the name the release registers (its one rule before a split).
RULES = {
    21: (
        ("os_compute_api:os-hosts:list", "os_compute_api:os-hosts"),
        ("os_compute_api:os-volumes:list", "os_compute_api:os-volumes"),
        ("os_compute_api:servers:show", "os_compute_api:servers:show"),
        ("os_compute_api:servers:create_image", "os_compute_api:servers:create_image"),
        ("os_compute_api:os-services:list", "os_compute_api:os-services:list"),
        ("os_compute_api:os-lock-server:unlock:unlock_override",) * 2,
        ("os_compute_api:os-quota-sets:show",) * 2,
        (
            "os_compute_api:servers:show:flavor-extra-specs",
            "os_compute_api:os-flavor-extra-specs:index",
        ),
        ("os_compute_api:os-server-groups:index",) * 2,
        ("os_compute_api:os-simple-tenant-usage:show",) * 2,
        ("os_compute_api:os-migrations:index",) * 2,
        ("os_compute_api:os-keypairs:index",) * 2,
    ),
    25: (
        ("os_compute_api:servers:index",) * 2,
        ("os_compute_api:os-create-backup",) * 2,
        ("os_compute_api:os-hypervisors:list",) * 2,
        ("os_compute_api:os-tenant-networks:list",) * 2,
        ("os_compute_api:limits:other_project",) * 2,
    ),
}


def _plain_oslo_policy(major: int, new_defaults: bool, scoped: bool, names) -> policy.Enforcer:
    """oslo.policy with the release's rules `names` and its base rules registered as they are,
    by the tool's own `real_enforcer` (with ``enforce_scope`` off, no scopes)."""
    rules = []
    for name, (check, scope, old_name, old_check) in P.real_defaults(major).items():
        if name in names or not name.startswith(("os_compute_api", "compute:", "network:")):
            dep = old_name and policy.DeprecatedRule(
                old_name, old_check, deprecated_reason="r", deprecated_since="21.0.0"
            )
            rules.append(
                policy.RuleDefault(name, check, scope_types=scope, deprecated_rule=dep or None)
            )
    return real_enforcer(rules, new_defaults, scoped)


@pytest.mark.parametrize(("major", "new_defaults", "scoped"), [(21, True, True), (25, False, True)])
def test_real_defaults_answer_as_oslo_policy_on_the_release_rules(major, new_defaults, scoped):
    config = types.SimpleNamespace(
        policy_file=None, policy=None, enforce_new_defaults=new_defaults, enforce_scope=scoped
    )
    engine = P.PolicyEngine(
        False,
        config,
        False,
        admin_service_apis=True,
        checks_uncompared=True,
        real_defaults_major=P.real_defaults_major(major),
    )
    real = _plain_oslo_policy(major, new_defaults, scoped, {r[1] for r in RULES[major]})
    got, want = [], []
    for user, project, roles, system in CALLERS:
        ctx = RequestContext(user, project, roles, domain_id=None, system_scope=system)
        creds = ctx.to_policy_values()
        for ours, theirs in RULES[major]:
            got.append(engine.authorize(ctx, ours, dict(TARGET), fatal=False))
            try:
                want.append(real.enforce(theirs, dict(TARGET), creds, do_raise=True))
            except (policy.PolicyNotAuthorized, policy.InvalidScope):
                want.append(False)
    assert got == want
    assert True in got and False in got
