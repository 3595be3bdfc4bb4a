"""A JSON Schema with each repeated subschema written once, under ``$defs``.

The scenario schema is built inline: the step appears under the file's steps and again under
each case's, a step's expectation under every kind of step, the ``${name}`` alternative beside
every typed value (336 times). `with_defs` writes each subschema that occurs more than once
(and is longer than a reference to it) once under ``$defs`` and puts ``{"$ref":
"#/$defs/NAME"}`` where it stood. In Draft 2020-12 a ``$ref`` to a local definition applies
that schema where it stands, and the definitions hold no ``$id`` or references of their own, so
every document gets the same verdict from both; the file is a third of the size, and a tool
that reads it (an editor, ``check_schema``) reads each shared part once.

Only schema positions are replaced: the values of ``properties``, ``patternProperties``,
``items``, ``anyOf`` and the like, never data such as ``enum``, ``const`` or ``examples``.
Larger parts are chosen first; a smaller part that then occurs only once outside them is left
inline. Names come from `names` when given (a name for a subschema equal to the one passed),
else from the property under which the part first appears.
"""

from __future__ import annotations

import json
from typing import Any

#: Keywords whose value is a schema, a mapping of names to schemas, or a list of schemas.
SCHEMA_VALUES = frozenset(
    ("items", "additionalProperties", "propertyNames", "not", "if", "then", "else", "contains")
    + ("unevaluatedItems", "unevaluatedProperties", "contentSchema")
)
SCHEMA_MAPS = frozenset(("properties", "patternProperties", "dependentSchemas", "$defs"))
SCHEMA_LISTS = frozenset(("anyOf", "oneOf", "allOf", "prefixItems"))


def _key(schema: dict) -> str:
    return json.dumps(schema, sort_keys=True, separators=(",", ":"))


def _children(schema: dict):
    """(keyword, name or index, subschema) of each subschema directly under `schema`."""
    for keyword, value in schema.items():
        if keyword in SCHEMA_VALUES and isinstance(value, dict):
            yield keyword, None, value
        elif keyword in SCHEMA_MAPS and isinstance(value, dict):
            for name, sub in value.items():
                if isinstance(sub, dict):
                    yield keyword, name, sub
        elif keyword in SCHEMA_LISTS and isinstance(value, list):
            for index, sub in enumerate(value):
                if isinstance(sub, dict):
                    yield keyword, index, sub


class _Parts:
    """Every subschema of a schema by its canonical text: how often, where first, what inside."""

    count: dict[str, int]
    node: dict[str, dict]
    name: dict[str, str]
    inside: dict[str, list[str]]

    def __init__(self, root: dict):
        self.count = {}
        self.node = {}
        self.name = {}
        self.inside = {}
        self.root = self.visit(root, "schema")

    def visit(self, schema: dict, name: str) -> str:
        key = _key(schema)
        self.count[key] = self.count.get(key, 0) + 1
        if key in self.node:
            return key
        self.node[key], self.name[key] = schema, name
        inside = []
        for keyword, at, sub in _children(schema):
            if keyword in SCHEMA_MAPS:
                part = at
            elif keyword in SCHEMA_LISTS:
                part = f"{name}_{at}"
            else:
                part = name
            inside.append(self.visit(sub, part))
        self.inside[key] = inside
        return key

    def uses(self, target: str, shared: dict[str, str]) -> int:
        """How often `target` is written once the `shared` parts are written once each."""
        memo: dict[str, int] = {}

        def within(key: str) -> int:
            if key not in memo:
                memo[key] = sum(
                    1 if sub == target else 0 if sub in shared else within(sub)
                    for sub in self.inside[key]
                )
            return memo[key]

        return within(self.root) + sum(within(key) for key in shared)


def with_defs(schema: dict, names: dict[str, dict] | None = None) -> dict:
    """`schema` with each subschema written more than once moved to ``$defs`` (a new dict)."""
    parts = _Parts(schema)
    named = {_key(sub): name for name, sub in (names or {}).items()}
    shared: dict[str, str] = {}
    taken: set[str] = set()
    repeated = [key for key, count in parts.count.items() if count > 1 and key != parts.root]
    for key in sorted(repeated, key=len, reverse=True):
        uses = parts.uses(key, shared)
        name = named.get(key) or parts.name[key]
        ref = len(json.dumps({"$ref": f"#/$defs/{name}"}))
        if uses < 2 or uses * len(key) <= len(key) + uses * ref:
            continue
        unique, n = name, 1
        while unique in taken:
            n += 1
            unique = f"{name}_{n}"
        taken.add(unique)
        shared[key] = unique

    def write(node: dict, top: bool = False) -> dict:
        key = _key(node)
        if not top and key in shared:
            return {"$ref": f"#/$defs/{shared[key]}"}
        out: dict[str, Any] = {}
        for keyword, value in node.items():
            if keyword in SCHEMA_VALUES and isinstance(value, dict):
                out[keyword] = write(value)
            elif keyword in SCHEMA_MAPS and isinstance(value, dict):
                out[keyword] = {k: write(v) if isinstance(v, dict) else v for k, v in value.items()}
            elif keyword in SCHEMA_LISTS and isinstance(value, list):
                out[keyword] = [write(v) if isinstance(v, dict) else v for v in value]
            else:
                out[keyword] = value
        return out

    result = write(schema, top=True)
    if shared:
        in_order = sorted(shared, key=lambda key: shared[key])
        result["$defs"] = {shared[key]: write(parts.node[key], top=True) for key in in_order}
    return result
