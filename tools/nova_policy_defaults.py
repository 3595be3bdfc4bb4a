"""Write ``fakecloud/nova/data/policy_defaults_21-26.json``: the default API policy rules of
Nova 21.0.0 to 26.0.0, as each release registers them in oslo.policy. For each ``X.0.0`` tag of
the Nova mirror, ``nova/policies`` is read out of git (``git archive``; the package imports only
oslo.policy and itself) and its ``list_rules()`` taken: per rule its check string, scope types
and deprecated rule (name and check string). No stable branch of 21-26 changed
``nova/policies`` (``git log X.0.0..X.<last> -- nova/policies`` is empty for each), so a
release's table is its major's.

    python tools/nova_policy_defaults.py /work/.mirror/openstack+nova/repo
"""

from __future__ import annotations

import importlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "fakecloud/nova/data/policy_defaults_21-26.json"
MAJORS = (21, 22, 23, 24, 25, 26)


def _rules(git_dir: str, tag: str) -> dict[str, list]:
    """``{name: [check string, scope types or None, deprecated name, deprecated check]}`` of
    the ``nova/policies`` at `tag`."""
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
            policies = importlib.import_module("nova.policies")
            out = {}
            for rule in policies.list_rules():
                dep = rule.deprecated_rule
                out[rule.name] = [
                    rule.check_str,
                    list(rule.scope_types) if rule.scope_types else None,
                    dep.name if dep else None,
                    dep.check_str if dep else None,
                ]
            return out
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


if __name__ == "__main__":
    main(*sys.argv[1:])
