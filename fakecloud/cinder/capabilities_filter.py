"""The scheduler's ``CapabilitiesFilter``: a backend passes when the capabilities it reports
satisfy every unscoped (or ``capabilities:``-scoped) extra spec of the volume type
(``cinder/scheduler/filters/capabilities_filter.py`` ``_satisfies_extra_specs`` and
``extra_specs_ops.py`` ``match``, the same in cinder 12.0.10 and 2026.1).

A spec naming a capability the backend does not report fails it (Tempest's user-message test
makes a volume of a type with a made-up ``storage_protocol`` and ``vendor_name``: no backend
passes, the volume goes to ``error`` with a ``SCHEDULE_ALLOCATE_VOLUME`` message). Other
scopes (``RESKEY:``, ``provisioning:``, a vendor's) are the drivers' business and ignored.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from fakecloud import late


def _is(x: Any, y: Any) -> bool:
    as_bool = late.module("oslo_utils.strutils").bool_from_string
    return as_bool(x) is as_bool(y)


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda x, y: float(x) >= float(y),
    "<in>": lambda x, y: y in x,
    "<is>": _is,
    "==": lambda x, y: float(x) == float(y),
    "!=": lambda x, y: float(x) != float(y),
    ">=": lambda x, y: float(x) >= float(y),
    "<=": lambda x, y: float(x) <= float(y),
    "s==": operator.eq,
    "s!=": operator.ne,
    "s<": operator.lt,
    "s<=": operator.le,
    "s>": operator.gt,
    "s>=": operator.ge,
}


def is_operator(req: str) -> bool:
    """Whether spec value `req` is an operator expression (``<or> a <or> b``, ``<is> True``,
    ``s== x``...) rather than a value the capability must equal."""
    words = req.split()
    return bool(words) and (words[0] == "<or>" or words[0] in _OPS)


def match(value: Any, req: str | None) -> bool:
    """``extra_specs_ops.match``: whether capability `value` satisfies spec value `req`."""
    if req is None:
        return value is None
    words = req.split()
    op = words.pop(0) if words else None
    method = _OPS.get(op) if op is not None else None
    if op != "<or>" and method is None:
        return value == req
    if value is None:
        return False
    if op == "<or>":  # <or> v1 <or> v2 ...: the words at even places are the choices
        if not words:  # a bare "<or>": words.pop(0) of nothing, which fails the scheduling
            raise IndexError("pop from empty list")
        return value in words[::2]
    try:
        return bool(words) and bool(method(value, words[0]))  # type: ignore[misc]
    except ValueError:
        return False


def scheduled_specs(specs: dict[str, str]) -> dict[tuple[str, ...], str]:
    """The specs the filter checks, by capability path (``capabilities:`` stripped)."""
    out: dict[tuple[str, ...], str] = {}
    for key, req in specs.items():
        scope = key.split(":")
        if len(scope) > 1 and scope[0] != "capabilities":
            continue
        out[tuple(scope[1:] if scope[0] == "capabilities" else scope)] = req
    return out


def satisfies(capabilities: dict[str, Any], specs: dict[tuple[str, ...], str]) -> bool:
    """``_satisfies_extra_specs`` of one backend's capabilities."""
    for path, req in specs.items():
        cap: Any = capabilities
        for part in path:
            try:
                cap = cap[part]
            except (TypeError, KeyError):
                return False
        if not any(match(v, req) for v in (cap if isinstance(cap, list) else [cap])):
            return False
    return True
