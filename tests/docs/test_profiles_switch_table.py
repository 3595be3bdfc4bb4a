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
