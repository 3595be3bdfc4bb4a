"""The scenario library that ships with fakecloud, and finding a scenario in it by name.

    fakecloud run lp1731986            # the library's scenarios/bugs/lp1731986_....yaml
    fakecloud run flows/volume_backed_online
    fakecloud list scenarios           # every one, with what it teaches

In a source checkout the library is the repository's ``scenarios/`` folder; an installed
fakecloud carries a copy as ``fakecloud/library/`` (``setup.py`` puts it in the wheel; MANIFEST.in
in the sdist the wheel is built from). A name matches a file by its path under the library
without ``.yaml`` (``bugs/lp1731986_thaw_on_...``), by its file name, or by the start of its file
name (``lp1731986``), when exactly one file does (a file under ``explore/``, an exploration input,
only when no other one does). A checkout's path (``scenarios/explore/quota_race.yaml``, as the
docs write it) names the same file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fakecloud.suggest import close_match

_PACKAGE = Path(__file__).resolve().parents[1]


_TYPO_CUTOFF = 0.7  # 'image_onlin' still finds flows/image_backed_online (0.73)


class NotInLibrary(LookupError):
    """No scenario, or several, answer to a name (the message says which there are)."""


def root() -> Path | None:
    """The library's folder: the installed copy, else the checkout's ``scenarios/``."""
    for candidate in (_PACKAGE / "library", _PACKAGE.parent / "scenarios"):
        if candidate.is_dir():
            return candidate
    return None


@dataclass(frozen=True)
class Entry:
    """One scenario of the library: its name (path without ``.yaml``), file and first line."""

    name: str
    path: Path
    teaches: str


def entries() -> list[Entry]:
    """Every scenario file of the library, sorted by name."""
    base = root()
    if base is None:
        return []
    found = []
    for path in sorted(base.rglob("*.yaml")):
        name = path.relative_to(base).with_suffix("").as_posix()
        found.append(Entry(name, path, _teaches(path)))
    return found


def header(path: Path) -> str:
    """A scenario file's opening comment as one paragraph, its ``Teaches:`` left out."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    return " ".join(lines).removeprefix("Teaches:").strip()


def _teaches(path: Path) -> str:
    """What the file says it teaches (its ``# Teaches:`` comment, first sentence)."""
    text = header(path)
    end = text.find(". ")
    return text[: end + 1] if end >= 0 else text


def find(name: str) -> Path:
    """The library file `name` stands for; `NotInLibrary` naming the candidates otherwise."""
    known = entries()
    if not known:
        raise NotInLibrary(f"{name!r} is not a file, and this fakecloud has no scenario library")
    # scenarios/explore/quota_race.yaml, as a checkout and its docs name it, is explore/quota_race
    key = name.removesuffix(".yaml").strip("/").removeprefix("scenarios/")
    exact = [e for e in known if e.name == key or e.path.stem == key]
    if len(exact) == 1:
        return exact[0].path
    starts = [e for e in known if e.path.stem.startswith(key) or e.name.startswith(key)]
    if len(starts) > 1:  # a bug's replay rather than its exploration (explore/ is for explore)
        replays = [e for e in starts if not e.name.startswith("explore/")]
        starts = replays or starts
    if len(starts) == 1:
        return starts[0].path
    if starts:
        raise NotInLibrary(
            f"{name!r} names several library scenarios: " + ", ".join(e.name for e in starts)
        )
    aliases: dict[str, str] = {}
    for e in known:  # the full name, the file name, and a bug's id (lp1731986)
        bug_id = e.path.stem.split("_")[0]
        for alias in (e.name, e.path.stem) + ((bug_id,) if any(map(str.isdigit, bug_id)) else ()):
            aliases.setdefault(alias, e.name)
    # A typo of a name, not a word it shares: difflib's default 0.6 took 'nothere' for 'other'.
    close = close_match(key, aliases, cutoff=_TYPO_CUTOFF)
    hint = f" (did you mean {aliases[close]!r}?)" if close is not None else ""
    raise NotInLibrary(
        f"{name!r} is neither a file nor a library scenario{hint}; "
        "`fakecloud list scenarios` lists them"
    )
