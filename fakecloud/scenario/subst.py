"""``${name}`` substitution: one syntax for matrix parameters, vars and run-time references.

    >>> substitute_text("/servers/${servers.web.id}", lookup)   # doctest: +SKIP

- A value that is exactly ``${name}`` becomes the named value with its own type (a number stays
  a number, a mapping a mapping); inside longer text the value is written as text.
- Names are dotted paths: ``${microversion}`` (a parameter), ``${servers.web.id}``,
  ``${steps.snap.body.image_id}``, ``${users.demo.project_id}``.
- ``$${`` writes a literal ``${``.

Matrix parameters and vars are substituted when a file is expanded into cases (`bind`);
references to things that exist only while a scenario runs (steps, created resources) are
left in place and resolved when used (`resolve`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from fakecloud.scenario.yamldoc import YamlList, YamlMap

REF = re.compile(r"\$\$\{|\$\{([^${}]+)\}")
_MISSING = object()


class Unresolved(LookupError):
    """A ``${name}`` that has no value (yet)."""


def refs(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Every ``${name}`` inside `value` (values only, not keys), with the path it sits at."""
    for where, text in _texts(value, path):
        for m in REF.finditer(text):
            if m.group(1) is not None:
                yield where, m.group(1).strip()


def unfinished(value: Any) -> Iterator[tuple[tuple, str]]:
    """Every text inside `value` with a ``${`` that starts no reference (``"${images.a.id"``),
    with the path it sits at: it would be used as the text written."""
    for where, text in _texts(value, ()):
        rest = text
        while True:  # the inner references first: ${images.${image}.id}
            shorter = REF.sub("", rest)
            if shorter == rest:
                break
            rest = shorter
        if "${" in rest:
            yield where, text


def _texts(value: Any, path: tuple) -> Iterator[tuple[tuple, str]]:
    """Every string value inside `value` that holds a ``${``, with its path."""
    if isinstance(value, str):
        if "${" in value:
            yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, (*path, i))


def _substitute(text: str, lookup: Callable[[str], Any], keep_unknown: bool) -> Any:
    whole, pieces = _pieces(text)
    if whole is not None:
        value = lookup(whole)
        return text if value is _MISSING else value
    out = []
    for piece in pieces:
        if piece.__class__ is str:
            out.append(piece)
        elif piece is _ESCAPE:
            out.append("$${" if keep_unknown else "${")
        else:
            value = lookup(piece[0])
            if value is _MISSING:
                out.append(piece[1])
            else:
                out.append(value if isinstance(value, str) else _as_text(value))
    return "".join(out)


_ESCAPE = object()
"""A ``$${`` among a text's pieces (`_pieces`)."""


def _pieces(text: str) -> tuple[str | None, tuple[Any, ...]]:
    """`text` cut at its references, once per text (every run of a case resolves the same
    texts): ``(name, ())`` when the whole text is one ``${name}``, else ``(None, pieces)``,
    each piece literal text, `_ESCAPE`, or ``(name, the reference as written)``."""
    found = _PARSED.get(text)
    if found is not None:
        return found
    whole = REF.fullmatch(text)
    if whole and whole.group(1) is not None:
        found = (whole.group(1).strip(), ())
    else:
        pieces: list[Any] = []
        last = 0
        for m in REF.finditer(text):
            if m.start() > last:
                pieces.append(text[last : m.start()])
            pieces.append(_ESCAPE if m.group(1) is None else (m.group(1).strip(), m.group(0)))
            last = m.end()
        if last < len(text):
            pieces.append(text[last:])
        found = (None, tuple(pieces))
    if len(_PARSED) >= _LOOKED_MAX:
        _PARSED.clear()
    _PARSED[text] = found
    return found


_PARSED: dict[str, tuple[str | None, tuple[Any, ...]]] = {}


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


def _walk(value: Any, fn: Callable[[str], Any]) -> Any:
    """Apply `fn` to every string value, keeping containers (and their lines) intact."""
    if isinstance(value, str):
        return fn(value) if "${" in value else value
    if isinstance(value, dict):
        out = YamlMap(line=getattr(value, "line", None))
        out.key_lines = dict(getattr(value, "key_lines", {}))
        for key, item in value.items():
            out[key] = _walk(item, fn)
        return out
    if isinstance(value, list):
        out_list = YamlList((_walk(item, fn) for item in value), line=getattr(value, "line", None))
        out_list.item_lines = list(getattr(value, "item_lines", []))
        return out_list
    return value


def bind(value: Any, names: dict[str, Any]) -> Any:
    """Substitute the ``${name}`` whose root is in `names`; leave the others for later."""

    def lookup(ref: str) -> Any:
        root, _, rest = ref.partition(".")
        if root not in names:
            return _MISSING
        found = names[root]
        return dig(found, rest.split(".")) if rest else found

    return _walk(value, lambda text: _substitute(text, lookup, keep_unknown=True))


def has_refs(value: Any) -> bool:
    """Whether `value` holds any ``${`` (a reference, or a ``$${`` to unescape) in its strings.

    A mapping or list is looked through once and remembered (the scenario's specs are asked
    again by every run of the case): do not change a value after asking.
    """
    if value.__class__ is str:
        return "${" in value
    if not isinstance(value, (dict, list)):
        return isinstance(value, str) and "${" in value
    known = _LOOKED.get(id(value))
    if known is not None and known[0] is value:
        return known[1]
    found = any(True for _ in _strings_with_refs(value))
    if len(_LOOKED) >= _LOOKED_MAX:
        _LOOKED.clear()
    _LOOKED[id(value)] = (value, found)  # holds `value`, so its id stays its own
    return found


def _strings_with_refs(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        if "${" in value:
            yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings_with_refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings_with_refs(item)


_LOOKED: dict[int, tuple[Any, bool]] = {}
_LOOKED_MAX = 4096


def resolve(value: Any, lookup: Callable[[str], Any]) -> Any:
    """Substitute every ``${name}`` with `lookup(name)` (which raises `Unresolved`)."""
    if value.__class__ is str:  # most values resolved per run: a step's path, its label
        return _substitute(value, lookup, keep_unknown=False) if "${" in value else value
    return _walk(value, lambda text: _substitute(text, lookup, keep_unknown=False))


def dig(value: Any, parts: list[str] | tuple[str, ...]) -> Any:
    """Follow dotted `parts` into nested mappings and lists (list items by index)."""
    for part in parts:
        if isinstance(value, dict):
            if part in value:
                value = value[part]
                continue
            folded = {str(k).lower(): k for k in value}
            if part.lower() in folded:  # header names
                value = value[folded[part.lower()]]
                continue
            raise Unresolved(f"no {part!r} (has {', '.join(map(str, value)) or 'nothing'})")
        if isinstance(value, list) and part.lstrip("-").isdigit():
            try:
                value = value[int(part)]
                continue
            except IndexError:
                raise Unresolved(f"no item {part} (the list has {len(value)})") from None
        raise Unresolved(f"cannot look up {part!r} in {type(value).__name__} {value!r}")
    return value
