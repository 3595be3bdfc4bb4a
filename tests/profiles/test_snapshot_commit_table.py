"""docs/conformance.md's "Nova's snapshot paths, commit by commit" table says where each switch
flips: every row naming a switch must be a change of that switch with exactly those releases
(master, then each backport's first release), and every change of the snapshot-path switches
must have its row, so the page and the profiles cannot drift apart."""

from __future__ import annotations

import re
from pathlib import Path

from fakecloud.nova.image_api import OVERLIMIT_TRANSLATED_SINCE
from fakecloud.profiles import SWITCHES, switches_compute, switches_driver

DOC = Path(__file__).resolve().parents[2] / "docs" / "conformance.md"
HEADING = "## Nova's snapshot paths, commit by commit"
#: createImage's own API-layer switches (the rest of switches_api is not the snapshot path).
API_SWITCHES = {
    "allow_instance_snapshots_option",
    "policy_before_lookup",
    "metadata_quota_before_lookup",
    "legacy_policy_defaults",
    "policy_new_defaults_enforced",
}


def _rows() -> list[dict[str, object]]:
    text = DOC.read_text()
    section = text[text.index(HEADING) :]
    section = section[: section.index("\n## ", 1)]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not re.fullmatch(r"[0-9a-f]{10}", cells[0]):
            continue
        master, _, backports = cells[2].partition(";")
        points = [(master.strip(), cells[0])]
        points += re.findall(r"(\d+\.\d+\.\d+) ([0-9a-f]{10})", backports)
        rows.append(
            {
                "commit": cells[0],
                "points": points,
                "switches": re.findall(r"`([a-z0-9_]+)`", cells[3]),
                "tests": cells[4],
            }
        )
    return rows


def _changes(name: str) -> dict[str, list[tuple[str, str]]]:
    return {c.commit: c.points() for c in SWITCHES[name].changes}


def test_each_row_is_its_switchs_change_at_those_releases():
    rows = _rows()
    assert len(rows) > 30
    for row in rows:
        for name in row["switches"]:
            if name not in SWITCHES:
                continue  # a constant named in the cell, not a switch
            changes = _changes(name)
            assert row["commit"] in changes, (name, row["commit"])
            assert changes[row["commit"]] == row["points"], (name, row["commit"])


def test_every_change_of_the_snapshot_path_switches_has_its_row():
    names = {s.name for s in switches_compute.SWITCHES + switches_driver.SWITCHES}
    names = (names | API_SWITCHES) - {"instance_snapshot_branch"}  # vendor: no upstream commit
    listed = {(name, row["commit"]) for row in _rows() for name in row["switches"]}
    missing = [
        (name, commit) for name in sorted(names) for commit in _changes(name) if
        (name, commit) not in listed
    ]  # fmt: skip
    assert missing == []


def test_every_row_names_a_test_that_exists():
    root = DOC.parents[1]
    for row in _rows():
        paths = re.findall(r"`(tests/[^`]+\.py)`", row["tests"])
        scenarios = re.findall(r"scenario `([^`]+)`", row["tests"])
        assert paths or scenarios, row["commit"]
        for path in paths:
            assert (root / path).is_file(), (row["commit"], path)
        for name in scenarios:
            assert (root / "scenarios" / f"{name}.yaml").is_file(), (row["commit"], name)


def test_the_glance_413_row_is_the_constant_nova_reads():
    """024bf10d8a is read from the release, not a switch: its one backport is the constant."""
    (row,) = [r for r in _rows() if r["commit"] == "024bf10d8a"]
    backports = [tuple(map(int, rel.split("."))) for rel, _ in row["points"][1:]]
    assert backports == [OVERLIMIT_TRANSLATED_SINCE]
