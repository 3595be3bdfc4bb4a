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


#: A release as the constants' table names one: ``20.0.1``, or every release of a series
#: (``18.x``) or of a minor line (``18.2.x``).
_NAMED = re.compile(r"\b(\d+)\.(?:(\d+)\.)?(\d+|x)\b")


def _named_releases(text: str) -> list:
    """The releases a cell of the constants' table names, before its ``:`` or ``(``."""
    from fakecloud.profiles.releases import RELEASES, release

    found = []
    for major, minor, last in _NAMED.findall(text):
        if last != "x":
            found.append(release(f"{major}.{minor}.{last}"))
            continue
        prefix = (int(major),) if not minor else (int(major), int(minor))
        line = [r for r in RELEASES if r.version[: len(prefix)] == prefix]
        assert line, f"{text!r}: no release of {'.'.join(map(str, prefix))}.x"
        found.extend(line)
    return found


def test_every_release_constant_reaches_the_releases_its_row_names_and_no_earlier_one():
    """Each row of 'Release constants in the code' pins its constant: every release its 'Until'
    cell names (``18.2.x``: each release of 18.2) is one the constant does not reach, and its
    'Then' cell names exactly the releases where the change lands, master's and each
    backport's (`Change.points`), each reached. A constant whose release or backport is
    changed without its row (or the row without the constant) fails here."""
    import importlib

    text = PAGE.read_text()
    table = text.split("## Release constants in the code", 1)[1].split("\n## ", 1)[0]
    checked = []
    for line in table.splitlines():
        if not line.startswith("| `"):
            continue
        name, module = re.match(r"\| `([A-Z0-9_]+)` \(`([a-z0-9_/]+)\.py`\)", line).groups()
        change = getattr(importlib.import_module("fakecloud." + module.replace("/", ".")), name)
        until, then = line.split(" | ")[1:3]
        before = _named_releases(until.split(":", 1)[0])
        after = _named_releases(then.split(" (", 1)[0])
        assert before and not [r.name for r in before if change.reaches(r)], (name, until)
        assert sorted(r.name for r in after) == sorted(p for p, _ in change.points()), name
        assert all(change.reaches(r) for r in after), name
        checked.append(name)
    assert len(checked) == len(set(checked)) >= 29
