"""docs/profiles.md's switch table names every switch `fakecloud list switches` shows."""

from __future__ import annotations

import re
from pathlib import Path

from fakecloud.profiles import SWITCHES

PAGE = Path(__file__).resolve().parents[2] / "docs" / "profiles.md"


def test_every_switch_has_a_row_in_the_profiles_page_table():
    section = PAGE.read_text().split("## What a profile switches", 1)[1].split("\n## ", 1)[0]
    named = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            named.update(re.findall(r"`([a-z0-9_]+)`", line.split(" | ", 1)[0]))
    assert sorted(set(SWITCHES) - named) == []
    assert sorted(named - set(SWITCHES)) == []


#: A module-level release constant: `NAME = Change("release", "commit", ...`.
_CONSTANT = re.compile(r'^([A-Z][A-Z0-9_]*) = Change\(\s*"([0-9.]+)",\s*"([0-9a-f]+)"', re.M)


def test_every_release_constant_in_the_code_names_its_commit_in_the_profiles_page():
    """A `Change(...)` constant outside the switch registry (`fakecloud/profiles/`) is named on
    the page with its master commit: in the 'Release constants in the code' table, or in one of
    the page's other tables that cites it (`module.NAME`)."""
    text = PAGE.read_text()
    table = text.split("## Release constants in the code", 1)[1].split("\n## ", 1)[0]
    rows = {line.split("`")[1]: line for line in table.splitlines() if line.startswith("| `")}
    src = PAGE.parents[1] / "fakecloud"
    missing, found = [], 0
    for path in sorted(src.rglob("*.py")):
        if path.parent.name == "profiles":
            continue
        for name, _release, commit in _CONSTANT.findall(path.read_text()):
            found += 1
            row = rows.get(name, "")
            cited = f"{path.stem}.{name}" in text and commit in text
            if commit not in row and not cited:
                missing.append(f"{path.relative_to(src.parent)}: {name} ({commit})")
    assert found > 20
    assert missing == []
