"""Small helpers the command-line tools share when they read their arguments."""

from __future__ import annotations


def comma_list(values: list[str] | None) -> list[str] | None:
    """An option given several times and/or as ``a,b``: its items, in order (None if never
    given)."""
    if values is None:
        return None
    return [item.strip() for value in values for item in value.split(",") if item.strip()]
