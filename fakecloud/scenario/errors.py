"""Scenario file problems, each pinned to a file, a line and a field.

Every mistake in a scenario file (bad YAML, a field of the wrong type, an unknown config key, a
reference to a step that does not exist) becomes a `Problem`; a file with problems raises one
`ScenarioError` listing them all, one ``FILE:LINE: field X: what was expected`` line each.
Never a traceback: these are the user's mistakes, not fakecloud's.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One mistake: where it is (`file`, `line`, dotted `field`) and what was expected."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        what = f"field {self.field}: {self.message}" if self.field else self.message
        return f"{where}: {what}"


#: The problems a `ScenarioError`'s message lists; the rest are counted on one more line.
MAX_SHOWN_PROBLEMS = 20


class ScenarioError(Exception):
    """A scenario file that cannot be loaded or run as written; `problems` says why (all of
    them; the message lists the first `MAX_SHOWN_PROBLEMS` and counts the rest)."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.field))
        super().__init__(_listing(self.problems))


def _listing(problems: list[Problem]) -> str:
    """One line a problem, in order; past `MAX_SHOWN_PROBLEMS`, ``FILE: and N more problems``
    (a file of 15,000 mistakes printed 15,000 lines, session 41)."""
    shown = "\n".join(str(p) for p in problems[:MAX_SHOWN_PROBLEMS])
    rest = problems[MAX_SHOWN_PROBLEMS:]
    if not rest:
        return shown
    files = sorted({p.file for p in rest})
    where = f"{files[0]}: " if len(files) == 1 else ""
    return f"{shown}\n{where}and {len(rest):,} more problems ({len(problems):,} in all)"


def field_name(path: tuple) -> str:
    """The dotted, indexed name of a path: ``("steps", 2, "at")`` → ``steps[2].at``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = str(part)
            if not text.isprintable():  # a key's newline or escape, shown as written in YAML
                text = repr(text)[1:-1]
            out += f".{text}" if out else text
    return out
