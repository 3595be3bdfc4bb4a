"""Write ``fakecloud/nova/data/policy_defaults_21-26.json``: the default API policy rules of
Nova 21.0.0 to 26.0.0, as each release registers them in oslo.policy. For each ``X.0.0`` tag of
the Nova mirror, ``nova/policies`` is read out of git (``git archive``; the package imports only
oslo.policy and itself) and its ``list_rules()`` taken: per rule its check string, scope types
and deprecated rule (name and check string). No stable branch of 21-26 changed
``nova/policies`` (``git log X.0.0..X.<last> -- nova/policies`` is empty for each), so a
release's table is its major's.

    python tools/nova_policy_defaults.py /work/.mirror/openstack+nova/repo

``--check`` compares instead: for each release, every rule fakecloud asks that the release has
(a rule it has not split yet: the one rule it has), six callers (a member and a reader of the
target's project, an admin and a member of another project, a system-scoped admin and reader)
and ``enforce_new_defaults``/``enforce_scope`` on and off, fakecloud's `PolicyEngine` against
oslo.policy with the release's own ``nova/policies`` registered (scopes dropped, on copies of
the rules, where ``enforce_scope`` is off: oslo.policy 6 always checks them). It prints, per
release and flag pair, how many rules answer otherwise for some caller.

    python tools/nova_policy_defaults.py /work/.mirror/openstack+nova/repo --check
"""

from __future__ import annotations

import copy
import importlib
import io
import itertools
import json
import subprocess
import sys
import tarfile
import tempfile
import types
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "fakecloud/nova/data/policy_defaults_21-26.json"
MAJORS = (21, 22, 23, 24, 25, 26)


def _rules(git_dir: str, tag: str) -> dict[str, list]:
    """``{name: [check string, scope types or None, deprecated name, deprecated check]}`` of
    the ``nova/policies`` at `tag`."""
    return {rule.name: rule_row(rule) for rule in _rule_objects(git_dir, tag)}


def rule_row(rule) -> list:
    """A ``RuleDefault``'s row of a defaults table: [check string, scope types or None,
    deprecated name, deprecated check]."""
    dep = rule.deprecated_rule
    return [
        rule.check_str,
        list(rule.scope_types) if rule.scope_types else None,
        dep.name if dep else None,
        dep.check_str if dep else None,
    ]


def _rule_objects(git_dir: str, tag: str) -> list:
    """``nova.policies.list_rules()`` of the ``nova/policies`` at `tag`."""
    archive = subprocess.run(
        ["git", f"--git-dir={git_dir}", "archive", tag, "nova/policies"],
        check=True,
        capture_output=True,
    ).stdout
    with tempfile.TemporaryDirectory() as root:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(root)  # noqa: S202 - our own mirror
        (Path(root) / "nova/__init__.py").write_text("")
        for name in [m for m in sys.modules if m == "nova" or m.startswith("nova.")]:
            del sys.modules[name]
        sys.path.insert(0, root)
        try:
            return list(importlib.import_module("nova.policies").list_rules())
        finally:
            sys.path.remove(root)


def main(git_dir: str) -> None:
    tables = {str(major): _rules(git_dir, f"{major}.0.0") for major in MAJORS}
    # one rule a line
    majors = []
    for major, rules in tables.items():
        lines = ",\n".join(f"{json.dumps(n)}: {json.dumps(rules[n])}" for n in sorted(rules))
        majors.append(f'"{major}": {{\n{lines}\n}}')
    OUT.write_text("{\n" + ",\n".join(majors) + "\n}\n")


#: The callers compared, (user, project, roles, system scope): a member and a reader of the
#: target's project, an admin and a member of another, a system-scoped admin and reader.
CALLERS = (
    ("uA", "pA", ("member", "reader"), None),
    ("uR", "pA", ("reader",), None),
    ("uB", "pB", ("admin", "member", "reader"), None),
    ("uM", "pB", ("member", "reader"), None),
    ("uS", None, ("admin", "member", "reader"), "all"),
    ("uT", None, ("reader",), "all"),
)
#: The target every rule is asked on: a server of project pA's user uA.
TARGET = {"project_id": "pA", "user_id": "uA"}


def real_enforcer(rules: list, new_defaults: bool, scoped: bool):
    """Plain oslo.policy with `rules` (``RuleDefault``s) registered as they are, the new
    defaults enforced or not; with `scoped` off, on copies of the rules without their scopes
    (oslo.policy 6 always checks scopes: ``enforce_scope`` off means none)."""
    from fakecloud.nova.policies import frozen_enforcer

    copies = [copy.copy(rule) for rule in rules]
    if not scoped:
        for rule in copies:
            rule.scope_types = None
    return frozen_enforcer(copies, new_defaults)


def check(git_dir: str) -> None:
    """Print, per release and (enforce_new_defaults, enforce_scope), the rules fakecloud
    answers otherwise than the release's own rules for some caller."""
    sys.path.insert(0, str(OUT.parents[3]))
    from fakecloud.identity.context import RequestContext
    from fakecloud.nova import policies as ours

    for major in MAJORS:
        rules = _rule_objects(git_dir, f"{major}.0.0")
        names = {rule.name for rule in rules}
        pairs = []
        for name, _check in ours.UPSTREAM_RULES:
            old = ours.UPSTREAM_DEPRECATED_RENAMED.get(name, (None,))[0]
            if name in names or old in names:
                pairs.append((name, name if name in names else old))
        for flags in itertools.product((True, False), repeat=2):
            real = real_enforcer(rules, *flags)
            config = types.SimpleNamespace(
                policy_file=None, policy=None, enforce_new_defaults=flags[0], enforce_scope=flags[1]
            )
            engine = ours.PolicyEngine(
                False,
                config,
                False,
                admin_service_apis=True,
                checks_uncompared=True,
                real_defaults_major=ours.real_defaults_major(major),
            )
            differ = set()
            for user, project, roles, system in CALLERS:
                ctx = RequestContext(user, project, roles, domain_id=None, system_scope=system)
                for name, real_name in pairs:
                    got = engine.authorize(ctx, name, dict(TARGET), fatal=False)
                    try:
                        want = real.enforce(
                            real_name, dict(TARGET), ctx.to_policy_values(), do_raise=True
                        )
                    except Exception:  # noqa: BLE001 - PolicyNotAuthorized, InvalidScope
                        want = False
                    if bool(want) != got:
                        differ.add(name)
            print(
                major,
                "rules",
                len(pairs),
                "flags",
                flags,
                "differ",
                len(differ),
                sorted(differ)[:3],
            )


if __name__ == "__main__":
    if sys.argv[2:] == ["--check"]:
        check(sys.argv[1])
    else:
        main(*sys.argv[1:])
