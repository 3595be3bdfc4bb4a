"""Write ``fakecloud/<service>/data/policy_defaults_<first>-<last>.json``: the default API
policy rules of each Cinder (12-29) or Glance (16-33) major, as the release registers them in
oslo.policy. For each major the newest point release's ``<service>/policies`` is read out of
the mirror (``git archive``; the package imports only oslo.policy, oslo.log and itself), or of an
extracted sdist in `--sdists` for a major the mirror has no tag of (``pip download --no-deps
cinder==29.0.0``), and its ``list_rules()`` taken: per rule its check string, scope types and
deprecated rule (name and check string). A stable branch's fixes are in: the newest point
release's table is its major's (cinder f6d256cf1 "Correct group:reset_group_snapshot_status
policy" in 15.x-17.x, c0892af62 in 19.x; glance 22.x and 30.x changed one rule each).

Glance 16-19 (Queens to Train) have no ``glance/policies``: their defaults are the
``etc/policy.json`` the release ships (what a deployment installs as its policy file;
5c17e4c7e "Move policy defaults into code", glance 20.0.0, moved them), read as rules without
scope types or deprecated rules.

    python tools/service_policy_defaults.py cinder /work/.mirror/openstack+cinder/repo \
        --sdists /tmp/pl1-src
    python tools/service_policy_defaults.py glance /work/.mirror/openstack+glance/repo \
        --sdists /tmp/pl3-src
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nova_policy_defaults import rule_row  # noqa: E402 - a sibling script

ROOT = Path(__file__).resolve().parent.parent
#: The majors of each service fakecloud's profiles run (Nova 17-34's series).
MAJORS = {"cinder": range(12, 30), "glance": range(16, 34)}


def _newest_tag(git_dir: str, major: int) -> str | None:
    tags = subprocess.run(
        ["git", f"--git-dir={git_dir}", "tag", "--list", f"{major}.*"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    tags = [t for t in tags if t.count(".") == 2 and all(p.isdigit() for p in t.split("."))]
    return max(tags, key=lambda t: tuple(int(p) for p in t.split("."))) if tags else None


def _rule_objects(service: str, root: Path) -> list:
    """``<service>.policies.list_rules()`` of the tree at `root`."""
    (root / service / "__init__.py").write_text("")
    for name in [m for m in sys.modules if m == service or m.startswith(f"{service}.")]:
        del sys.modules[name]
    sys.path.insert(0, str(root))
    try:
        return list(importlib.import_module(f"{service}.policies").list_rules())
    finally:
        sys.path.remove(str(root))


def _shipped_policy(git_dir: str, tag: str, service: str) -> dict | None:
    """The rules of the ``etc/policy.json`` release `tag` ships, as `_table` gives them, or None
    when its defaults are in code (``<service>/policies``)."""
    listed = subprocess.run(
        ["git", f"--git-dir={git_dir}", "ls-tree", "--name-only", tag, f"{service}/policies/"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    if listed.strip():
        return None
    text = subprocess.run(
        ["git", f"--git-dir={git_dir}", "show", f"{tag}:etc/policy.json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {name: [check, None, None, None] for name, check in json.loads(text).items()}


def _table(service: str, git_dir: str, sdists: Path | None, major: int) -> tuple[str, dict]:
    """(the release read, ``{name: [check, scope types or None, deprecated name, deprecated
    check]}``) of `service` `major`."""
    tag = _newest_tag(git_dir, major)
    shipped = _shipped_policy(git_dir, tag, service) if tag is not None else None
    if shipped is not None:
        return tag, shipped
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if tag is not None:
            archive = subprocess.run(
                ["git", f"--git-dir={git_dir}", "archive", tag, f"{service}/policies"],
                check=True,
                capture_output=True,
            ).stdout
            with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                tar.extractall(root)  # noqa: S202 - our own mirror
        else:
            found = sorted((sdists or Path("/nonexistent")).glob(f"{service}-{major}.*"))
            found = [p for p in found if p.is_dir()]
            if not found:
                raise SystemExit(f"{service} {major}: no tag in the mirror and no sdist")
            tag = found[-1].name.split("-", 1)[1]
            (root / service).mkdir()
            src = found[-1] / service / "policies"
            dst = root / service / "policies"
            dst.mkdir()
            for f in src.glob("*.py"):
                (dst / f.name).write_text(f.read_text())
        return tag, {rule.name: rule_row(rule) for rule in _rule_objects(service, root)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("service", choices=sorted(MAJORS))
    parser.add_argument("git_dir")
    parser.add_argument("--sdists", type=Path)
    args = parser.parse_args()
    majors = MAJORS[args.service]
    out = ROOT / f"fakecloud/{args.service}/data/policy_defaults_{majors[0]}-{majors[-1]}.json"
    out.parent.mkdir(exist_ok=True)
    chunks = []
    for major in majors:
        tag, rules = _table(args.service, args.git_dir, args.sdists, major)
        print(f"{args.service} {major}: {tag}, {len(rules)} rules", file=sys.stderr)
        lines = ",\n".join(f"{json.dumps(n)}: {json.dumps(rules[n])}" for n in sorted(rules))
        chunks.append(f'"{major}": {{\n{lines}\n}}')
    out.write_text("{\n" + ",\n".join(chunks) + "\n}\n")


if __name__ == "__main__":
    main()
