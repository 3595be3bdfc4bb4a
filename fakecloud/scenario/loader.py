"""Read a scenario file: YAML with line numbers, checked against the schema, as a `Scenario`.

    >>> scenario = load("scenarios/kernel/fair_sharing.yaml")
    >>> [case.id for case in scenario.cases]
    ['together', 'alone', 'latecomer']

The YAML reader records the line of every mapping, sequence, key and list item, so any later
check can say where a value came from, through merges of `cases:` and `${param}` substitution.
Booleans follow YAML 1.2: only ``true`` and ``false`` (so a key ``on:`` stays the string "on",
and ``up: no`` is the string "no"). Duplicate keys are errors, not silently last-one-wins.

Every mistake is a `Problem` (file, line, field, what was expected), gathered into one
`ScenarioError`; the reader never lets a traceback reach the user.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

from fakecloud.inputs import open_input
from fakecloud.scenario.errors import Problem, ScenarioError
from fakecloud.scenario.matrix import expand

# The YAML layer lives in `fakecloud.scenario.yamldoc`; its names stay importable from here.
from fakecloud.scenario.yamldoc import (  # noqa: F401
    NAME_HINT,
    YamlList,
    YamlMap,
    line_of,
    read_yaml,
    schema_problems,
)

MAX_FILE_BYTES = 8 * 2**20
"""The most bytes read from a scenario file (the library's largest is about 10 KB): a device
such as ``/dev/zero``, or a log given by mistake, is refused instead of read for ever."""


def load(path: str | Path, root_dir: str | Path | None = None):
    """Read, validate and expand the scenario file at `path` into a `Scenario`.

    `root_dir` only shortens the file name shown in messages (relative to it when possible).
    """
    return load_with_text(path, root_dir)[1]


def load_with_text(path: str | Path, root_dir: str | Path | None = None):
    """The text of the scenario file at `path` and its `Scenario` (as `load`), the file read
    once: a pipe (``fakecloud explore <(...)``) has nothing left for a second read."""
    path = Path(path)
    shown = _display_name(path, root_dir)
    try:
        with open_input(path) as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ScenarioError([Problem(shown, None, "", f"cannot read: {exc.strerror}")]) from None
    return from_bytes(raw, path, shown)


def from_bytes(raw: bytes, path: Path, shown: str | None = None):
    """The text and `Scenario` of a scenario file's bytes `raw` (as `load_with_text`), read
    from `path` by the caller (`shown` names it in messages: `path` unless given)."""
    shown = str(path) if shown is None else shown
    if len(raw) > MAX_FILE_BYTES:
        message = f"larger than {MAX_FILE_BYTES // 2**20} MiB: not a scenario file"
        raise ScenarioError([Problem(shown, None, "", message)])
    text = decode(raw, shown)
    key = (path.resolve(), path.stem, raw)
    kept = _LOADED.get(key)
    if kept is not None:
        return text, _as_named(pickle.loads(kept), shown, path)
    scenario = expand(read_yaml(text, shown), shown, path)
    if len(_LOADED) >= _LOADED_MAX:
        del _LOADED[next(iter(_LOADED))]
    _LOADED[key] = pickle.dumps(scenario, pickle.HIGHEST_PROTOCOL)
    return text, scenario


# The same file is loaded again in one process (the suite collects every library file, then
# tests, reports and the demo load them again): checking and expanding it is ~4 ms (up to 11),
# unpickling the kept result ~0.3 ms. Keyed by the bytes themselves, not the file's stat (a
# rewrite within one mtime tick keeps size and mtime), and by the file itself whatever path
# names it (the stem too: a file without `name:` is named by it); a fresh copy each time, so
# no caller's change to its scenario reaches another's. Errors are not kept: a bad file is
# read again.
_LOADED: dict[tuple[Path, str, bytes], bytes] = {}
_LOADED_MAX = 256


def _as_named(scenario, shown: str, path: Path):
    """`scenario` (a copy of a load by another path) as loaded by `path`, shown as `shown`."""
    for named in (scenario, *scenario.cases):
        named.file, named.path = shown, path
    return scenario


def decode(raw: bytes, filename: str, what: str = "a scenario file") -> str:
    """A scenario file's bytes as text; `ScenarioError` at the line of the first byte that is
    not UTF-8, or of the first NUL (a binary file); UTF-16 or UTF-32 text (which YAML 1.2
    allows and PyYAML reads after a byte order mark) named as such. A UTF-8 byte order mark
    is taken (YAML 1.2 5.2; Windows editors write one)."""
    other = _utf16_or_32(raw)
    if other is not None:
        message = f"{other}: {what} is UTF-8 YAML (save it as UTF-8)"
        raise ScenarioError([Problem(filename, 1, "", message)])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        byte = raw[exc.start : exc.start + 1].hex()
        message = f"not UTF-8 text (byte 0x{byte}): {what} is UTF-8 YAML"
        raise ScenarioError([Problem(filename, line, "", message)]) from None
    if "\0" in text:
        line = text.count("\n", 0, text.index("\0")) + 1
        message = "a NUL character: this looks like a binary file, not YAML"
        raise ScenarioError([Problem(filename, line, "", message)])
    return text


def _utf16_or_32(raw: bytes) -> str | None:
    """What `raw` is when it is UTF-16 or UTF-32 text (its byte order mark, or the NULs of
    ASCII in it: ``json.detect_encoding``'s reading, checked by decoding), else None."""
    if raw[:1] not in (b"\x00", b"\xfe", b"\xff") and raw[1:2] != b"\x00":
        return None  # the common case: no NUL, no mark, in the first two bytes
    encoding = json.detect_encoding(raw[:4])
    if encoding in ("utf-8", "utf-8-sig"):
        return None
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        return None  # a binary file: said at its NUL
    if "\0" in text:
        return None
    mark = ", a byte order mark first" if encoding in ("utf-16", "utf-32") else ""
    return f"{encoding.upper()} text{mark}"


def loads(text: str, filename: str = "<scenario>"):
    """Like `load`, from text."""
    return expand(read_yaml(text, filename), filename, None)


def _display_name(path: Path, root_dir: str | Path | None) -> str:
    if root_dir is not None:
        try:
            return path.resolve().relative_to(Path(root_dir).resolve()).as_posix()
        except ValueError:
            pass
    return str(path)
