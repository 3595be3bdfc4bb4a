"""Compare the functions a flow runs through, tag by tag, across an OpenStack project's releases.

A developer tool (never run by make test). A profile is right only if every change on the path
it models is a series constant or a switch, and a change reaches a release in two ways: on
master (the next series' X.0.0) or as a stable backport (a point release of an older series).
Comparing only the first and last tag of each series hides neither kind but names no point
release; this compares every final tag with the one before it on its own line::

    16.0.0 -> 16.0.1 -> ... -> 16.last        (a stable series: its backports)
    16.0.0 -> 17.0.0 -> 18.0.0 ...            (master's line, series to series)

For each tag it reads the flow's files (``git cat-file --batch``), cuts each named function
(``Class.method``, a module-level function or assignment; a property's getter and setter
together) out of the file with ``ast``, or takes the whole file for ``[]``, and reports what
was ADDED, GONE or CHANGED from the previous tag, with the commits ``git log -L`` finds for the
function's lines in that range (``--no-log`` to skip them, the slow part).

    python tools/release_audit.py cinder --series 12-29
    python tools/release_audit.py glance --series 16-33 --flow glance-snapshot --json out.json
    python tools/release_audit.py nova --series 17-34 --spec my_paths.json
    python tools/release_audit.py cinder --constants fakecloud/cinder/*.py

``--constants`` reads fakecloud's series constants instead (``NAME = 14`` under a ``#:``
comment), follows every commit a comment cites to the commits sharing its Change-Id (a stable
backport, which ``git tag --contains`` of the master commit misses) and prints each one's first
final tag and its date, marking ``BACKPORT`` one released in a series below the constant's
value: a point release the constant does not tell apart (a switch's work, dated by the tag).

``PROJECT`` names the git directory ``/work/.mirror/openstack+PROJECT/repo`` (``--git`` names
another); ``--spec`` is a JSON file ``{"path": ["Class.method", ...]}``. docs/profiles.md
"Glance and Cinder on the snapshot path" says how session 40 used it.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

#: What the snapshot path runs through in each project, file by file (``[]``: the whole file).
FLOWS: dict[str, dict[str, list[str]]] = {
    "glance-snapshot": {
        "glance/api/v2/images.py": [
            "ImagesController.create",
            "ImagesController.update",
            "ImagesController._do_replace",
            "ImagesController._do_add",
            "ImagesController._do_remove",
            "ImagesController.delete",
            "ImagesController._delete_encryption_key",
            "ImagesController._do_add_locations",
            "ImagesController._do_replace_locations",
            "ImagesController._do_remove_locations",
            "ImagesController.add_location",
            "ImagesController._validate_validation_data",
            "RequestDeserializer.__init__",
            "RequestDeserializer.create",
            "RequestDeserializer.update",
            "RequestDeserializer._check_allowed",
            "RequestDeserializer._validate_change",
            "RequestDeserializer._validate_path",
            "RequestDeserializer._get_change_value",
            "RequestDeserializer._parse_json_schema_change",
            "ResponseSerializer.create",
            "ResponseSerializer.update",
            "ResponseSerializer.delete",
            "ResponseSerializer.show",
            "ResponseSerializer._format_image",
            "get_base_properties",
            "_get_base_properties",
            "get_schema",
        ],
        "glance/api/v2/image_data.py": [
            "ImageDataController.upload",
            "ImageDataController._restore",
            "RequestDeserializer.upload",
            "RequestDeserializer._get_image_size",
            "ResponseSerializer.upload",
        ],
        "glance/quota/__init__.py": [
            "_calc_required_size",
            "_enforce_image_location_quota",
            "ImageRepoProxy._enforce_image_property_quota",
            "ImageRepoProxy.save",
            "ImageRepoProxy.add",
            "ImageFactoryProxy.new_image",
            "ImageProxy.set_data",
            "QuotaImageLocationsProxy._check_user_storage_quota",
            "ImageProxy.locations",
        ],
        "glance/quota/keystone.py": [
            "_enforce_some",
            "_enforce_one",
            "enforce_image_size_total",
            "enforce_image_staging_total",
            "enforce_image_count_total",
            "enforce_image_count_uploading",
            "get_usage",
        ],
        "glance/api/common.py": ["get_remaining_quota", "check_quota"],
        "glance/domain/__init__.py": [
            "ImageFactory._check_readonly",
            "ImageFactory._check_unexpected",
            "ImageFactory._check_reserved",
            "ImageFactory.new_image",
            "Image.__init__",
            "Image.status",
            "Image.delete",
            "Image.set_data",
            "ExtraProperties.__setitem__",
            "Image.container_format",
            "Image.disk_format",
            "Image.min_disk",
            "Image.min_ram",
            "Image.visibility",
        ],
        "glance/location.py": [
            "ImageProxy.delete",
            "ImageProxy._upload_to_store",
            "ImageProxy.set_data",
            "_check_location_uri",
            "_check_image_location",
            "_set_image_size",
            "ImageFactoryProxy.new_image",
            "StoreLocations.append",
            "StoreLocations.insert",
        ],
        "glance/api/policy.py": [
            "ImageRepoProxy.save",
            "ImageProxy.delete",
            "ImageFactoryProxy.new_image",
            "ImageProxy.set_data",
            "_is_image_mutable",
        ],
        "glance/api/v2/policy.py": [],
        "glance/db/__init__.py": [
            "ImageRepo.add",
            "ImageRepo.save",
            "ImageRepo.remove",
            "ImageRepo._format_image_to_db",
            "ImageRepo._format_image_from_db",
        ],
        "glance/db/sqlalchemy/api.py": ["_image_get_disk_usage_by_owner", "user_get_storage_usage"],
    },
    "cinder-snapshot": {
        "cinder/api/v2/snapshots.py": [],
        "cinder/api/v3/snapshots.py": [],
        "cinder/api/schemas/snapshots.py": [],
        "cinder/api/v2/snapshot_metadata.py": [],
        "cinder/api/v3/snapshot_metadata.py": [],
        "cinder/api/contrib/snapshot_actions.py": [],
        "cinder/api/contrib/admin_actions.py": [
            "AdminController.validate_update",
            "AdminController._reset_status",
            "AdminController._force_delete",
            "SnapshotAdminController.validate_update",
            "SnapshotAdminController._update",
            "SnapshotAdminController._get",
            "SnapshotAdminController._delete",
        ],
        "cinder/api/views/snapshots.py": [],
        "cinder/volume/api.py": [
            "API.get_volume",
            "API._create_snapshot",
            "API.create_snapshot",
            "API.create_snapshot_force",
            "API.create_snapshot_in_db",
            "API._create_snapshot_in_db_validate",
            "API.create_snapshots_in_db",
            "API._create_snapshots_in_db_reserve",
            "API._create_snapshots_in_db_validate",
            "API.delete_snapshot",
            "API.update_snapshot",
            "API.get_snapshot",
            "API.get_snapshot_metadata",
            "API.update_snapshot_metadata",
            "API.delete_snapshot_metadata",
            "API._check_metadata_properties",
            "API._validate_metadata_input",
        ],
        "cinder/volume/manager.py": [
            "VolumeManager.create_snapshot",
            "VolumeManager.delete_snapshot",
            "VolumeManager._notify_about_snapshot_usage",
        ],
        "cinder/volume/drivers/remotefs.py": [
            "RemoteFSSnapDriverBase._create_snapshot",
            "RemoteFSSnapDriverBase._create_snapshot_online",
            "RemoteFSSnapDriverBase._delete_snapshot",
            "RemoteFSSnapDriverBase._delete_snapshot_online",
        ],
        "cinder/quota_utils.py": ["process_reserve_over_quota", "get_volume_type_reservation"],
        "cinder/objects/snapshot.py": ["Snapshot.create", "Snapshot.save", "Snapshot.destroy"],
        "cinder/policies/snapshots.py": [],
        "cinder/policies/snapshot_metadata.py": [],
        "cinder/policies/snapshot_actions.py": [],
        "cinder/api/microversions.py": [],
    },
    "nova-createimage": {
        "nova/api/openstack/compute/servers.py": [
            "ServersController._action_create_image",
            "ServersController._get_server",
        ],
        "nova/api/openstack/compute/create_backup.py": [],
        "nova/compute/api.py": [
            "API.snapshot",
            "API.snapshot_volume_backed",
            "API._create_image",
            "API._initialize_instance_snapshot_metadata",
            "API.backup",
        ],
        "nova/compute/manager.py": [
            "ComputeManager.snapshot_instance",
            "ComputeManager._snapshot_instance",
            "ComputeManager.quiesce_instance",
            "ComputeManager.unquiesce_instance",
        ],
        "nova/compute/utils.py": [
            "notify_about_instance_snapshot",
            "add_instance_fault_from_exc",
            "is_volume_backed_instance",
            "delete_image",
        ],
        "nova/virt/libvirt/driver.py": [
            "LibvirtDriver.snapshot",
            "LibvirtDriver._live_snapshot",
            "LibvirtDriver._set_quiesced",
            "LibvirtDriver.quiesce",
            "LibvirtDriver.unquiesce",
            "LibvirtDriver._create_snapshot_metadata",
        ],
        "nova/virt/libvirt/imagebackend.py": [
            "Image.snapshot_extract",
            "Rbd.direct_snapshot",
        ],
        "nova/virt/libvirt/utils.py": ["extract_snapshot"],
        "nova/image/glance.py": [
            "GlanceImageServiceV2.create",
            "GlanceImageServiceV2.update",
            "GlanceImageServiceV2._create_v2",
            "GlanceImageServiceV2._update_v2",
            "GlanceImageServiceV2._upload_data",
            "GlanceImageServiceV2.delete",
        ],
        "nova/volume/cinder.py": ["API.create_snapshot_force", "API.get_snapshot"],
        "nova/compute/rpcapi.py": [
            "ComputeAPI.snapshot_instance",
            "ComputeAPI.quiesce_instance",
            "ComputeAPI.unquiesce_instance",
        ],
    },
}
#: The flow a project's audit takes unless ``--flow`` or ``--spec`` names another.
DEFAULT_FLOW = {
    "glance": "glance-snapshot",
    "cinder": "cinder-snapshot",
    "nova": "nova-createimage",
}
_FINAL = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
_COMMIT_LINE = re.compile(r"^[0-9a-f]{10} ")


@dataclass(frozen=True)
class Cut:
    """One function's (or whole file's) source at a tag, with its first and last line."""

    start: int
    end: int
    text: str


@dataclass
class Finding:
    """What changed in one function between two tags, and the commits that did it."""

    before: str
    after: str
    kind: str  # ADDED, GONE or CHANGED
    path: str
    name: str
    commits: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The finding as the report prints it: one line, then a line per commit."""
        head = f"{self.before}..{self.after} {self.kind} {self.path}:{self.name}"
        return [head] + [f"    {c}" for c in self.commits]


def _definitions(tree: ast.Module) -> dict[str, list[ast.stmt]]:
    found: dict[str, list[ast.stmt]] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.setdefault(node.name, []).append(node)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append(node)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    # A property's getter and setter share a name: both are kept, as one cut.
                    found.setdefault(f"{node.name}.{item.name}", []).append(item)
    return found


def cut(source: str, names: Iterable[str]) -> dict[str, Cut]:
    """The named functions of `source`, each with its decorators (a name not defined is left
    out; ``*`` is the whole file)."""
    lines = source.splitlines()
    wanted = list(names)
    if not wanted:
        return {"*": Cut(1, len(lines), source)}
    found = _definitions(ast.parse(source))
    cuts = {}
    for name in wanted:
        nodes = found.get(name)
        if not nodes:
            continue
        start = min(
            min([d.lineno for d in getattr(n, "decorator_list", [])] + [n.lineno]) for n in nodes
        )
        end = max(n.end_lineno or n.lineno for n in nodes)
        cuts[name] = Cut(start, end, "\n".join(lines[start - 1 : end]))
    return cuts


def lines_of_tags(tags: Iterable[str]) -> list[tuple[str, str]]:
    """The (before, after) pairs to compare: each final tag with the one before it in its
    series, and each series' X.0.0 with the previous series' X.0.0 (master's line)."""
    finals = sorted((tuple(int(p) for p in m.groups()), t) for t in tags if (m := _FINAL.match(t)))
    pairs = []
    previous_first = None
    for i, (version, tag) in enumerate(finals):
        if i and finals[i - 1][0][0] == version[0]:
            pairs.append((finals[i - 1][1], tag))
        else:
            if previous_first is not None:
                pairs.append((previous_first, tag))
            previous_first = tag
    return pairs


Reader = Callable[[str, str], "str | None"]
Logger = Callable[[str, str, str, Cut], list[str]]


def audit(
    pairs: Iterable[tuple[str, str]],
    spec: dict[str, list[str]],
    read: Reader,
    log: Logger | None = None,
) -> list[Finding]:
    """Every difference of the spec's functions between each pair of tags; `read(tag, path)`
    gives a file's text (None where the tag has no such file), `log(before, after, path, cut)`
    the commits that changed the cut's lines."""
    cache: dict[str, dict[tuple[str, str], Cut]] = {}

    def snapshot(tag: str) -> dict[tuple[str, str], Cut]:
        if tag not in cache:
            cuts = {}
            for path, names in spec.items():
                text = read(tag, path)
                if text is not None:
                    cuts.update({(path, n): c for n, c in cut(text, names).items()})
            cache[tag] = cuts
        return cache[tag]

    findings = []
    for before, after in pairs:
        old, new = snapshot(before), snapshot(after)
        for key in sorted(set(old) | set(new)):
            a, b = old.get(key), new.get(key)
            if a is not None and b is not None and a.text == b.text:
                continue
            kind = "ADDED" if a is None else "GONE" if b is None else "CHANGED"
            commits = log(before, after, key[0], b) if (log and b is not None) else []
            findings.append(Finding(before, after, kind, key[0], key[1], commits))
    return findings


_CONSTANT = re.compile(r"^([A-Z][A-Z0-9_]*) = (\d+)\s*$")
#: A commit id in a comment: 7 to 12 hex digits holding a letter and a digit.
_CITED = re.compile(r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{7,12}\b")


@dataclass(frozen=True)
class Constant:
    """A module's integer constant (a series number such as ``ERROR_CHECK_FROM = 14``) and the
    commit ids the ``#:`` comment above it cites."""

    path: str
    line: int
    name: str
    value: int
    cited: tuple[str, ...]


def constants(path: str, source: str) -> list[Constant]:
    """Every ``NAME = <integer>`` line of `source` with the commits its ``#:`` comment cites;
    a constant right below another one without a comment of its own shares that one's."""
    found: list[Constant] = []
    comment: list[str] = []
    previous: Constant | None = None
    for number, line in enumerate(source.splitlines(), 1):
        if line.startswith("#:"):
            comment.append(line)
            previous = None
            continue
        if m := _CONSTANT.match(line):
            cited = tuple(_CITED.findall(" ".join(comment)))
            if not comment and previous is not None:
                cited = previous.cited
            previous = Constant(path, number, m.group(1), int(m.group(2)), cited)
            found.append(previous)
        else:
            previous = None
        comment = []
    return found


class Git:
    """A git directory read through one ``git cat-file --batch`` process."""

    def __init__(self, git_dir: str) -> None:
        self.git_dir = git_dir
        self._batch = subprocess.Popen(
            ["git", "-C", git_dir, "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def close(self) -> None:
        """End the ``cat-file`` process."""
        if self._batch.stdin is not None:
            self._batch.stdin.close()
        self._batch.wait()
        if self._batch.stdout is not None:
            self._batch.stdout.close()

    def tags(self) -> list[str]:
        """Every tag of the repository."""
        out = subprocess.run(
            ["git", "-C", self.git_dir, "tag"], capture_output=True, text=True, check=True
        )
        return out.stdout.split()

    def read(self, tag: str, path: str) -> str | None:
        """The file's text at `tag`, None if it has none."""
        assert self._batch.stdin is not None and self._batch.stdout is not None
        self._batch.stdin.write(f"{tag}:{path}\n".encode())
        self._batch.stdin.flush()
        header = self._batch.stdout.readline().split()
        if len(header) != 3:  # "<object> missing"
            return None
        data = self._batch.stdout.read(int(header[2]) + 1)[:-1]
        return data.decode("utf-8", "replace")

    def _git(self, *args: str) -> str:
        out = subprocess.run(["git", "-C", self.git_dir, *args], capture_output=True, text=True)
        return out.stdout

    def twins(self, commit: str) -> list[str]:
        """Every commit sharing `commit`'s Change-Id (its stable backports, cherry-picked or
        not; the commit alone when it has none), as 10-digit ids."""
        full = self._git("rev-parse", "--verify", "-q", f"{commit}^{{commit}}").strip()
        if not full:
            return []
        ids = re.findall(r"Change-Id: (I[0-9a-f]{40})", self._git("log", "-1", "--format=%B", full))
        if not ids:
            return [full[:10]]
        # Only a trailer line: a body may name another change's id in its text ("added in
        # I422a9... which is not in ussuri", "the proposed backport (I8f59...) was rejected").
        trailer = f"--grep=^Change-Id: {ids[-1]}$"
        found = self._git("log", "--all", "--abbrev=10", "--format=%h", trailer)
        return found.split() or [full[:10]]

    def first_tag(self, commit: str) -> str | None:
        """The first final X.Y.Z tag that contains `commit`, with its tag date, or None."""
        tags = [t for t in self._git("tag", "--contains", commit).split() if _FINAL.match(t)]
        if not tags:
            return None
        first = min(tags, key=lambda t: tuple(int(p) for p in t.split(".")))
        when = self._git("for-each-ref", "--format=%(taggerdate:short)", f"refs/tags/{first}")
        return f"{first} ({when.strip()})"

    def log(self, before: str, after: str, path: str, where: Cut) -> list[str]:
        """The commits between the tags that touched the cut's lines (``git log -L``)."""
        out = subprocess.run(
            [
                "git",
                "-C",
                self.git_dir,
                "log",
                "--no-merges",
                "-s",
                "--abbrev=10",
                "--format=%h %s",
                f"-L{where.start},{where.end}:{path}",
                f"{before}..{after}",
            ],
            capture_output=True,
            text=True,
        )
        return [line for line in out.stdout.splitlines() if _COMMIT_LINE.match(line)]


def _series(text: str) -> range:
    first, _, last = text.partition("-")
    return range(int(first), int(last or first) + 1)


def constant_report(git: Git, paths: list[Path]) -> list[str]:
    """For each series constant of `paths`: every commit its comment cites, each commit's
    Change-Id twins and their first tags; ``BACKPORT`` marks a twin first released in a series
    below the constant's value (a ``*_SINCE``/``*_FROM`` that a point release reached first)."""
    lines = []
    for path in paths:
        for const in constants(str(path), path.read_text()):
            head = f"{const.path}:{const.line} {const.name}={const.value}"
            if not const.cited:
                lines.append(f"{head}: no commit cited")
                continue
            lines.append(head)
            for cited in const.cited:
                for twin in git.twins(cited) or ["?"]:
                    tag = git.first_tag(twin) if twin != "?" else None
                    early = tag is not None and int(tag.split(".")[0]) < const.value
                    flag = " BACKPORT" if early and "UNTIL" not in const.name else ""
                    lines.append(f"    {cited} -> {twin} {tag or 'in no final tag'}{flag}")
    return lines


def parser() -> argparse.ArgumentParser:
    """The command line's options (the docs' test parses the documented lines with it)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", help="nova, cinder, glance (the mirror's openstack+PROJECT)")
    parser.add_argument("--git", help="the git directory (default: the search tool's mirror)")
    parser.add_argument("--series", help="majors to compare, such as 12-29 (default: all)")
    parser.add_argument("--flow", choices=sorted(FLOWS), help="a built-in list of functions")
    parser.add_argument("--spec", type=Path, help='a JSON file {"path": ["Class.method"]}')
    parser.add_argument("--no-log", action="store_true", help="skip git log -L (faster)")
    parser.add_argument("--stable-only", action="store_true", help="only point-release pairs")
    parser.add_argument("--json", type=Path, help="write the findings here as JSON too")
    parser.add_argument(
        "--constants",
        type=Path,
        nargs="+",
        help="instead: the series constants of these modules, their commits' backports",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """The command line: print (or write as JSON) every finding of a project's releases."""
    args = parser().parse_args(argv)
    git = Git(args.git or f"/work/.mirror/openstack+{args.project}/repo")
    if args.constants:
        print("\n".join(constant_report(git, args.constants)))
        return 0
    if args.spec:
        spec = json.loads(args.spec.read_text())
    else:
        spec = FLOWS[args.flow or DEFAULT_FLOW[args.project]]
    tags = git.tags()
    if args.series:
        majors = _series(args.series)
        tags = [t for t in tags if (m := _FINAL.match(t)) and int(m.group(1)) in majors]
    pairs = lines_of_tags(tags)
    if args.stable_only:
        pairs = [(a, b) for a, b in pairs if a.split(".")[0] == b.split(".")[0]]
    findings = audit(pairs, spec, git.read, None if args.no_log else git.log)
    for finding in findings:
        print("\n".join(finding.lines()))
    print(f"{len(pairs)} pairs of tags compared, {len(findings)} differences", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps([asdict(f) for f in findings], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
