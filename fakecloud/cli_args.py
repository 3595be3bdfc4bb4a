"""Small helpers the command-line tools share when they read their arguments."""

from __future__ import annotations

from pathlib import Path


def comma_list(values: list[str] | None) -> list[str] | None:
    """An option given several times and/or as ``a,b``: its items, in order (None if never
    given)."""
    if values is None:
        return None
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def file_and_case(name: str) -> tuple[str, str | None]:
    """``FILE::CASE``, as ``run --list``, ``run -q`` and pytest name a case, as the file (or
    library name) and the case; a name without ``::`` (or a file whose name holds it) and no
    case."""
    if "::" not in name or Path(name).exists():
        return name, None
    file, _, case = name.partition("::")
    return file, case or None
