"""Small helpers the command-line tools share when they read their arguments."""

from __future__ import annotations

import argparse
from pathlib import Path


def path_argument(text: str) -> str:
    """argparse type of the file and folder options: an empty path (an unset shell variable,
    ``--trace "$OUT"``) is refused rather than read as no option at all (no trace, no report,
    no JSON written, while the command said nothing), or as the current folder."""
    if not text:
        raise argparse.ArgumentTypeError("expected a path, got an empty one")
    return text


def case_argument(text: str) -> str:
    """argparse type of ``--case``: a value naming no case (``--case ""``, ``--case ,``) is
    refused; it ran every case, as if no ``--case`` had been given."""
    if not any(item.strip() for item in text.split(",")):
        raise argparse.ArgumentTypeError(f"expected a case id (or ids a,b), got {text!r}")
    return text


def word_argument(text: str) -> str:
    """argparse type of ``fakecloud list``'s WORD: an empty one (an unset shell variable,
    ``list points "$WORD"``) is refused; it listed everything, as if no WORD had been given,
    where ``--case ""`` and an empty path are refused. A word of spaces alone too: no name
    holds a space, so it matched nothing, and said so as if the registry had no such name."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            f"expected a word to look for, got {text!r} (leave it out to list everything)"
        )
    return text


def address_argument(text: str) -> str:
    """argparse type of ``--scheduler``: an empty address is refused; it ran the seeds on
    this host's processes, as if no scheduler had been given."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "expected an address such as tcp://HOST:8786, got an empty one"
        )
    return text


def comma_list(values: list[str] | None) -> list[str] | None:
    """An option given several times and/or as ``a,b``: its items, in order (None if never
    given)."""
    if values is None:
        return None
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def file_and_case(name: str) -> tuple[str, str | None]:
    """``FILE::CASE``, as ``run --list``, ``run -q`` and pytest name a case, as the file (or
    library name) and the case; a name without ``::`` (or a file whose name holds it) and no
    case. ``::CASE`` names no file: it stays whole (its file was read as ``.``, "cannot read:
    Is a directory")."""
    if "::" not in name or name.startswith("::") or Path(name).exists():
        return name, None
    file, _, case = name.partition("::")
    return file, case or None
