"""The determinism guard: fingerprints of what a change must not move unless it means to.

    .venv/bin/python tools/determinism_guard.py digest OUT.txt   # every scenario's trace
    .venv/bin/python tools/determinism_guard.py saves OUT.txt    # saved worlds' bytes
    .venv/bin/python tools/determinism_guard.py saves --mask-version OUT.txt  # across a bump
    diff BEFORE.txt AFTER.txt
    .venv/bin/python tools/determinism_guard.py layouts OUT.txt  # both, in two processes

Run it from the project root on main and on a change, then diff the two outputs. ``digest``
writes one line per scenario case of ``scenarios/`` (a hash of its JSONL trace, whether it
passed, its end time in virtual seconds) and one per explore scenario (a hash of the groups
``fakecloud explore --seeds 24 --jobs 1 --json`` finds), then a ``TOTAL``. ``saves`` writes one
line per fresh cloud of ten profiles and per end world of the flows, bugs, races, quota and
examples scenarios: a hash of ``cloud.save()``'s bytes, each traceback frame's line number
masked (`world_hash`). A moved line is a changed trace or
world; a change that moves one says which and why (CONTRIBUTING.md).

A bump of the save format (`fakecloud.state.FORMAT_VERSION`) is written in every world's
header, so it moves every ``saves`` line. ``saves --mask-version`` hashes each world with that
header field masked (`VERSION_FIELD`): run it on both sides of a bump and the lines that still
move are the worlds the bump changed beyond its number. Both sides need it; its lines are not
comparable with plain ``saves`` lines.

``layouts`` checks one tree against itself: it takes both fingerprints in two Python processes
that differ in what iterates a set (`LAYOUTS`: the hash seed, which orders a set of strings,
and the allocator, which places objects, whose addresses order a set of them) and writes the
lines that differ, exit status 1 if any do. A set walked where its order reaches a trace or a
saved world moves a line there (a restart's killed tasks did, 12df1374; a cascade delete's
snapshots and a destroyed guest's copies, session 41), while the guard's own diff against
another process's reference shows it only by the chance of that process's hash seed.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import re
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

#: The profiles whose fresh clouds ``saves`` hashes: both named ones and releases of each era.
SAVE_PROFILES = (
    "seed",
    "upstream",
    "nova-17.0.7",
    "nova-20.0.0",
    "nova-24.0.0",
    "nova-27.5.1",
    "nova-29.0.0",
    "nova-30.0.0",
    "nova-34.0.0",
    "seed-17.0.3",
)

#: The scenario folders whose end worlds ``saves`` hashes.
SAVE_FOLDERS = ("flows", "bugs", "races", "quota", "examples")

#: How many seeds ``digest`` explores each explore scenario with.
EXPLORE_SEEDS = 24


def short_hash(data: str | bytes) -> str:
    """The first 16 hex digits of `data`'s SHA-256."""
    raw = data.encode() if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()[:16]


def explored(path: Path) -> str:
    """``EXPLORE rc=N HASH`` for an explore scenario: its groups over the first seeds."""
    from fakecloud.cli import main as cli_main

    with tempfile.TemporaryDirectory() as scratch:
        # The replays' folder is named in the groups' replay commands: "r" keeps the hashes
        # of the guard's earlier references.
        groups = Path(scratch, "groups.json")
        args = ["explore", str(path), "--seeds", str(EXPLORE_SEEDS), "--jobs", "1"]
        args += ["--no-progress", "--json", str(groups), "--out", str(Path(scratch, "r"))]
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                status = cli_main(args)
            except SystemExit as exit_:
                status = exit_.code
        text = groups.read_text().replace(scratch, "D") if groups.exists() else "none"
    return f"EXPLORE rc={status} {short_hash(text)}"


def digest_lines(files: Iterable[Path]) -> list[str]:
    """One line per case of each scenario file, one per explore scenario, and the ``TOTAL``."""
    from fakecloud.scenario.loader import load
    from fakecloud.scenario.runner import run_case

    lines = []
    for path in files:
        try:
            scenario = load(str(path))
        except Exception as exc:  # a broken file is a line of its own, not the end of the run
            lines.append(f"{path} LOADERR {type(exc).__name__}")
            continue
        for case in scenario.cases:
            try:
                result = run_case(case)
                trace = short_hash(result.trace.to_jsonl())
                end = f"passed={result.passed} now={result.cloud.now}"
                lines.append(f"{path}::{case.id} {trace} {end}")
            except Exception as exc:
                lines.append(f"{path}::{case.id} ERR {type(exc).__name__}: {exc}"[:200])
        if any(case.explore for case in scenario.cases):
            lines.append(f"{path} {explored(path)}")
    total = sum(int(hashlib.sha256(line.encode()).hexdigest()[:14], 16) for line in lines)
    return [*lines, f"TOTAL {total % 10**16}"]


#: A traceback frame of fakecloud's in a saved world's JSON text (an instance fault's
#: ``details``, an instance-action event's ``traceback``): ``File \"fakecloud/...py\", line
#: 123, in name``. Its number moves with any edit above it in that file.
FRAME_LINE = re.compile(rb'(File \\"fakecloud/[^"\\]*\\", line )[0-9]+(, in )')


#: The save format's version in a saved world's header (``cloud.save()`` writes it first,
#: ``{"format":"fakecloud-state","version":4,...``), which ``saves --mask-version`` masks.
VERSION_FIELD = re.compile(rb'\A(\{"format":"fakecloud-state","version":)[0-9]+,')


def world_hash(data: bytes, *, mask_version: bool = False) -> str:
    """The hash of a saved world's bytes, each traceback frame's line number masked: the
    world keeps the numbers (real Nova's fault details carry its own), but an edit elsewhere
    in a file that raised moves none of the lines; which frames, files, functions and
    messages a world holds still count. With `mask_version`, the header's format version
    (`VERSION_FIELD`) is masked too."""
    if mask_version:
        data = VERSION_FIELD.sub(rb"\1N,", data, count=1)
    return short_hash(FRAME_LINE.sub(rb"\1N\2", data))


def saved(cloud, scratch: Path, *, mask_version: bool = False) -> str:
    """The hash of `cloud`'s saved bytes (`world_hash`)."""
    target = scratch / "world.fc"
    cloud.save(str(target))
    return world_hash(target.read_bytes(), mask_version=mask_version)


def save_lines(
    profiles: Iterable[str], files: Iterable[Path], *, mask_version: bool = False
) -> list[str]:
    """One line per fresh cloud of `profiles` (seed 3, run to idle) and per case's end world;
    with `mask_version`, each hashed without its format version (`world_hash`)."""
    from fakecloud import Cloud
    from fakecloud.scenario.loader import load
    from fakecloud.scenario.runner import run_case

    lines = []
    with tempfile.TemporaryDirectory() as name:
        scratch = Path(name)
        for profile in profiles:
            try:
                cloud = Cloud(seed=3, profile=profile)
                cloud.run_until_idle()
                world = saved(cloud, scratch, mask_version=mask_version)
                lines.append(f"fresh {profile} {world}")
            except Exception as exc:
                lines.append(f"fresh {profile} ERR {type(exc).__name__}")
        for path in files:
            for case in load(str(path)).cases:
                try:
                    world = saved(run_case(case).cloud, scratch, mask_version=mask_version)
                    lines.append(f"{path}::{case.id} {world}")
                except Exception as exc:
                    lines.append(f"{path}::{case.id} ERR {type(exc).__name__}")
    return lines


#: The two processes of ``layouts``: ``PYTHONHASHSEED`` and ``PYTHONMALLOC`` (Python's own
#: allocator, then the C library's, which lay objects out at other addresses).
LAYOUTS = (
    {"PYTHONHASHSEED": "0", "PYTHONMALLOC": "pymalloc"},
    {"PYTHONHASHSEED": "1", "PYTHONMALLOC": "malloc"},
)


def differing(first: list[str], second: list[str]) -> list[str]:
    """The lines of two fingerprints of one tree (`digest_lines`, `save_lines`) whose hash
    differs, each as ``NAME: FIRST != SECOND`` (a line only one has: ``NAME: FIRST != -``)."""

    def named(lines: list[str]) -> dict[str, str]:
        return dict(line.split(" ", 1) if " " in line else (line, "") for line in lines)

    one, other = named(first), named(second)
    return [
        f"{name}: {one.get(name, '-')} != {other.get(name, '-')}"
        for name in dict.fromkeys([*one, *other])
        if one.get(name) != other.get(name)
    ]


def layout_lines(scenarios: Path) -> list[str]:
    """`differing` lines of ``digest`` then ``saves``, each taken under both `LAYOUTS`."""
    import os
    import subprocess

    out = []
    with tempfile.TemporaryDirectory() as name:
        for kind in ("digest", "saves"):
            taken = []
            for n, layout in enumerate(LAYOUTS):
                target = Path(name) / f"{kind}-{n}.txt"
                command = [
                    sys.executable,
                    __file__,
                    kind,
                    str(target),
                    "--scenarios",
                    str(scenarios),
                ]
                done = subprocess.run(
                    command, env={**os.environ, **layout}, stdout=subprocess.DEVNULL
                )
                if done.returncode != 0:
                    raise SystemExit(
                        f"{kind} under {layout} failed (exit status {done.returncode})"
                    )
                taken.append(target.read_text().splitlines())
            out += [f"{kind} {line}" for line in differing(*taken)]
    return out


def _import_from_working_directory() -> None:
    """Fingerprint the fakecloud of the tree being fingerprinted: a virtualenv borrowed from
    another worktree has an editable install of that other tree, which Python would import."""
    if Path("fakecloud", "__init__.py").is_file():
        sys.path.insert(0, str(Path.cwd().resolve()))


def main(argv: list[str] | None = None) -> int:
    """Write the chosen fingerprint of the project in the working directory to OUT."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=("digest", "saves", "layouts"))
    parser.add_argument("out", type=Path)
    parser.add_argument("--scenarios", type=Path, default=Path("scenarios"))
    parser.add_argument(
        "--mask-version",
        action="store_true",
        help="saves: hash each world without its save format version (compare across a bump)",
    )
    args = parser.parse_args(argv)
    if args.mask_version and args.kind != "saves":
        parser.error("--mask-version is an option of saves")
    _import_from_working_directory()
    if args.kind == "layouts":
        lines = layout_lines(args.scenarios)
        text = "".join(line + "\n" for line in lines)
        args.out.write_text(text)
        print(f"{len(lines)} lines differ between {len(LAYOUTS)} layouts: {args.out}")
        return 1 if lines else 0
    if args.kind == "digest":
        lines = digest_lines(sorted(args.scenarios.rglob("*.yaml")))
    else:
        files = [f for sub in SAVE_FOLDERS for f in sorted((args.scenarios / sub).rglob("*.yaml"))]
        lines = save_lines(SAVE_PROFILES, files, mask_version=args.mask_version)
    text = "\n".join(lines) + "\n"
    args.out.write_text(text)
    print(f"{len(lines)} lines, {short_hash(text)}: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
