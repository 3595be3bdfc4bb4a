"""Matching what happened against what a scenario expects: partial, with a few operators.

    >>> mismatches({"badRequest": {"code": 400, "message": "Invalid"}},
    ...            {"badRequest": {"message": {"$regex": "^Inv"}}})
    []

- A mapping matches when every key it gives matches (other keys are ignored).
- A list matches a list of the same length, item by item.
- A plain value matches an equal value (1 and 1.0 are equal).
- Operators, as a mapping with one ``$`` key: ``{$regex: p}`` (searched in the text),
  ``{$absent: true}``, ``{$present: true}``, ``{$in: [..]}``, ``{$len: n}``,
  ``{$contains: x}`` (list has an item matching x, or text has x), ``{$gt|$ge|$lt|$le: n}``,
  ``{$not: x}``, ``{$any: true}`` (anything, even missing).

`mismatches` returns readable reasons (``body.badRequest.message: expected /^Inv/, got 'x'``),
empty when everything matches; trace patterns use the same rules through `event_matches`,
where a ``kind`` ending in ``.*`` matches a prefix, as `Trace.filter` does.
"""

from __future__ import annotations

import re
from typing import Any

from fakecloud.humanize import clipped

OPERATORS = ("$regex", "$absent", "$present", "$in", "$len", "$contains", "$gt", "$ge", "$lt")
OPERATORS += ("$le", "$not", "$any")
_ABSENT = object()

#: Integers below this size are equal in `_equal` only when they are the same number.
_EXACT = 10**9


def is_operator(value: Any) -> bool:
    """Whether `value` is an operator mapping such as ``{$regex: ...}``."""
    return isinstance(value, dict) and len(value) == 1 and str(next(iter(value))).startswith("$")


def operator_problems(expected: Any, path: str = "") -> list[tuple[str, str]]:
    """Unknown operators or operator arguments of the wrong shape, as (path, message)."""
    out: list[tuple[str, str]] = []
    if is_operator(expected):
        op, arg = next(iter(expected.items()))
        if op not in OPERATORS:
            from fakecloud.suggest import did_you_mean

            out.append(
                (
                    path,
                    f"unknown operator {op}{did_you_mean(str(op), OPERATORS)}; operators: "
                    + ", ".join(OPERATORS),
                )
            )
        elif op == "$regex":
            try:
                re.compile(str(arg))
            except re.error as exc:
                out.append((path, f"$regex {arg!r} is not a valid regular expression: {exc}"))
        elif op == "$in" and not isinstance(arg, list):
            out.append((path, f"$in takes a list, got {arg!r}"))
        elif op in ("$len", "$gt", "$ge", "$lt", "$le") and not _is_number(arg):
            out.append((path, f"{op} takes a number, got {arg!r}"))
        elif op == "$not":
            out += operator_problems(arg, path)
    elif isinstance(expected, dict):
        for key, value in expected.items():
            out += operator_problems(value, _join(path, key))
    elif isinstance(expected, list):
        for i, value in enumerate(expected):
            out += operator_problems(value, f"{path}[{i}]")
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


def _show(value: Any, width: int = 120) -> str:
    if value is _ABSENT:
        return "nothing (missing)"
    return clipped(repr(value), width)


def mismatches(actual: Any, expected: Any, path: str = "", fold_case: bool = False) -> list[str]:
    """Why `actual` does not match `expected` (empty list: it matches).

    `fold_case` makes mapping keys case-insensitive (for HTTP headers).
    """
    where = path or "value"
    if is_operator(expected):
        op, arg = next(iter(expected.items()))
        return _operator(op, arg, actual, where)
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected a mapping, got {_show(actual)}"]
        out = []
        for key, want in expected.items():
            have = _get(actual, key, fold_case)
            if have is _ABSENT and not (is_operator(want) and next(iter(want)) in _ABSENT_OK):
                out.append(f"{_join(path, key)}: missing (expected {_show(want)})")
                continue
            out += mismatches(have, want, _join(path, key), fold_case)
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{where}: expected a list, got {_show(actual)}"]
        if len(actual) != len(expected):
            return [
                f"{where}: expected {len(expected)} item(s), got {len(actual)}: {_show(actual)}"
            ]
        out = []
        for i, (have, want) in enumerate(zip(actual, expected, strict=True)):
            out += mismatches(have, want, f"{path}[{i}]")
        return out
    if _equal(actual, expected):
        return []
    return [f"{where}: expected {_show(expected)}, got {_show(actual)}"]


_ABSENT_OK = ("$absent", "$any", "$not")


def _get(actual: dict, key: Any, fold_case: bool) -> Any:
    if key in actual:
        return actual[key]
    if fold_case and isinstance(key, str):
        for k in actual:
            if isinstance(k, str) and k.lower() == key.lower():
                return actual[k]
    return _ABSENT


def _equal(actual: Any, expected: Any) -> bool:
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected or (type(actual) is type(expected) and actual == expected)
    if _is_number(actual) and _is_number(expected):
        return abs(actual - expected) <= 1e-9 * max(1.0, abs(expected))
    return actual == expected


def _operator(op: str, arg: Any, actual: Any, where: str) -> list[str]:
    # The failure's text is written only on a failure: it shows `actual`, which may be a
    # whole response body (``images: {$len: 1}``), and most checks pass.
    if op == "$any":
        return []
    if op == "$absent":
        ok = (actual is _ABSENT) == bool(arg)
    elif op == "$present":
        ok = (actual is not _ABSENT) == bool(arg)
    elif actual is _ABSENT:
        ok = op == "$not" and bool(mismatches(actual, arg))
    elif op == "$regex":
        if not isinstance(actual, (str, int, float)):
            ok = False
        elif re.search(str(arg), str(actual)):
            return []
        else:
            return [f"{where}: expected text matching /{arg}/, got {_show(actual)}"]
    elif op == "$in":
        ok = any(not mismatches(actual, a) for a in arg)
    elif op == "$len":
        try:
            size = len(actual)
        except TypeError:
            ok = False
        else:  # the length first: the list itself is cut at 160 characters
            if size == arg:
                return []
            return [f"{where}: expected $len {_show(arg)}, got {size}: {_show(actual)}"]
    elif op == "$contains":
        if isinstance(actual, str):
            ok = str(arg) in actual
        elif isinstance(actual, list):
            wanted = arg if isinstance(arg, list) else [arg]
            ok = not [w for w in wanted if not any(not mismatches(a, w) for a in actual)]
        elif isinstance(actual, dict):
            ok = arg in actual
        else:
            ok = False
    elif op in ("$gt", "$ge", "$lt", "$le"):
        if not _is_number(actual):
            ok = False
        else:
            ok = {
                "$gt": actual > arg,
                "$ge": actual >= arg - 1e-9,
                "$lt": actual < arg,
                "$le": actual <= arg + 1e-9,
            }[op]
    elif op == "$not":
        ok = bool(mismatches(actual, arg))
    else:
        return [f"{where}: unknown operator {op}"]
    return [] if ok else [f"{where}: expected {op} {_show(arg)}, got {_show(actual)}"]


def event_matches(event: dict, pattern: dict) -> bool:
    """Whether a trace event has every field of `pattern` (values are matchers)."""
    for key, want in pattern.items():
        have = event.get(key, _ABSENT)
        if want.__class__ is str:  # most fields: text, equal (or a kind's prefix, ``rpc.*``)
            if have == want:
                continue
            if (
                key == "kind"
                and want.endswith(".*")
                and isinstance(have, str)
                and have.startswith(want[:-1])
            ):
                continue
            return False
        if want.__class__ is int and have.__class__ is int and -_EXACT < want < _EXACT:
            if have == want:  # a status code: `_equal`'s tolerance is below 1 here
                continue
            return False
        if key == "kind" and isinstance(want, str) and want.endswith(".*"):
            if not (isinstance(have, str) and have.startswith(want[:-1])):
                return False
            continue
        if have is _ABSENT and not is_operator(want):
            return False
        if is_operator(want) or isinstance(want, (dict, list)):
            if mismatches(have, want):
                return False
        elif not _equal(have, want):
            return False
    return True
