"""Image PATCH documents: Glance's JSON-patch dialects, read and checked as its deserializer does.

Glance takes ``application/openstack-images-v2.1-json-patch`` (draft 10: ``{"op": "add",
"path": "/name", "value": ...}``) and the older ``...-v2.0-json-patch`` (draft 4: ``{"add":
"/name", "value": ...}``). Paths are JSON pointers of depth one (``/locations`` may go one
deeper). Read-only and reserved attributes are refused (403), values are checked against the
image schema (400). The result is Glance's change list, ``[{"op", "path": [...], "value"}]``,
which `Images.update` applies.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from fakecloud.glance.errors import HTTPBadRequest, HTTPForbidden, unsupported_media_type
from fakecloud.glance.schema import ImageSchema, SchemaError
from fakecloud.profiles.provenance import Backport, Change
from fakecloud.profiles.releases import Release

PATCH_V20 = "application/openstack-images-v2.0-json-patch"
PATCH_V21 = "application/openstack-images-v2.1-json-patch"
CONTENT_TYPES = {PATCH_V20: 4, PATCH_V21: 10}
OPERATIONS = ("add", "remove", "replace")

# Sets: each is tested against the name of every property a request touches.
READONLY = frozenset(
    (
        "created_at",
        "updated_at",
        "status",
        "checksum",
        "size",
        "virtual_size",
        "direct_url",
        "self",
        "file",
        "schema",
        "id",
        "os_hash_algo",
        "os_hash_value",
    )
)
#: Read-only only from Glance 17.0.0: before, custom properties like any other.
_MULTIHASH_READONLY = frozenset(("os_hash_algo", "os_hash_value"))
RESERVED = frozenset(("location", "deleted", "deleted_at", "os_glance_import_task"))
RESERVED_NAMESPACE = "os_glance"
#: The import lock (3f6e349d0, Glance 21.0.0): the import's task id in this image property from
#: the request until the task ends (shown in the image's view meanwhile). The same commit adds
#: the name to ``_reserved_properties``: before, a custom property like any other.
IMPORT_LOCK = "os_glance_import_task"
#: Where the lock and its reserved name are, by Nova release (the profile's): Glance 21.0.0 is
#: Nova 22's series; the backport 055e5e790 (lock and name both) is in Glance 20.1.0 (tagged
#: 2021-08-02), so Nova 21.2.3 (2021-10-07) is the first of Nova 21's releases whose Glance has
#: it.
IMPORT_LOCKING = Change(
    "22.0.0",
    "3f6e349d0",
    "Implement time-limited import locking",
    backports=(Backport("21.2.3", "055e5e790"),),
)


@dataclass(frozen=True)
class Reserved:
    """The custom property names a Glance refuses (403 "Attribute 'X' is reserved."): its
    ``_reserved_properties`` `names` and, from Glance 22.0.0, every name in its reserved
    `namespaces` (``os_glance``, 0c45de3ed)."""

    names: frozenset[str] = RESERVED
    namespaces: tuple[str, ...] = (RESERVED_NAMESPACE,)

    def __contains__(self, key: object) -> bool:
        return key in self.names or (isinstance(key, str) and key.startswith(self.namespaces))


#: The newest Glance's reserved names (every release since 22.0.0).
LATEST_RESERVED = Reserved()


@functools.cache  # each cloud built asks (`Glance.derive_rules`); a change's reach is ~4 us
def reserved_at(r: Release, namespaces: tuple[str, ...]) -> Reserved:
    """What release `r`'s Glance reserves: ``os_glance_import_task`` where `IMPORT_LOCKING`
    reached it, and the series' `namespaces` (`Glance.reserved_namespaces`)."""
    names = RESERVED if IMPORT_LOCKING.reaches(r) else RESERVED - {IMPORT_LOCK}
    return Reserved(names, namespaces)


_PATH_DEPTH = {"locations": {"add": 2, "remove": 2, "replace": 1}}


def check_content_type(content_type: str | None, glance: int) -> int:
    """The JSON-schema draft of a PATCH content type, or the 415 of the series' Glance
    `glance` (its major; the allowed types in the body from 33.0.0)."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media not in CONTENT_TYPES:
        allowed = ", ".join(sorted(CONTENT_TYPES))
        raise unsupported_media_type(
            f"Image PATCH expects Content-Type one of: {allowed}",
            glance,
            headers={"Accept-Patch": allowed},
        )
    return CONTENT_TYPES[media]


def _operation(raw: dict[str, Any], draft: int) -> tuple[str, Any]:
    if draft == 10:
        op = raw.get("op")
        if op is None:
            raise HTTPBadRequest(
                explanation="Unable to find `op` in JSON Schema change. It must be one of the "
                f"following: {', '.join(OPERATIONS)}."
            )
        if op not in OPERATIONS:
            raise HTTPBadRequest(
                explanation=f"Invalid operation: `{op}`. It must be one of the following: "
                f"{', '.join(OPERATIONS)}."
            )
        if "path" not in raw:
            raise HTTPBadRequest(explanation="Unable to find 'path' in JSON Schema change")
        return op, raw["path"]
    found = [key for key in OPERATIONS if key in raw]
    if len(found) > 1:
        raise HTTPBadRequest(
            explanation='Operation objects must contain only one member named "add", '
            '"remove", or "replace".'
        )
    if not found:
        raise HTTPBadRequest(
            explanation='Operation objects must contain exactly one member named "add", '
            '"remove", or "replace".'
        )
    return found[0], raw[found[0]]


_ADJACENT_SLASHES = re.compile(r"/\s*?/")
_BAD_ESCAPE = re.compile("~[^01]")


#: Pointers already decoded (clients send the same few paths again and again), bounded.
_DECODED: dict[str, tuple[str, ...]] = {}


def _decode_pointer(pointer: Any) -> list[str]:
    found = _DECODED.get(pointer) if type(pointer) is str else None
    if found is None:
        found = tuple(_decode(pointer))
        if len(_DECODED) >= 512:
            _DECODED.clear()
        _DECODED[pointer] = found
    return list(found)


def _decode(pointer: Any) -> list[str]:
    if not isinstance(pointer, str) or not pointer.startswith("/"):
        raise HTTPBadRequest(explanation=f'Pointer `{pointer}` does not start with "/".')
    if _ADJACENT_SLASHES.search(pointer[1:]):
        raise HTTPBadRequest(explanation=f'Pointer `{pointer}` contains adjacent "/".')
    if len(pointer) > 1 and pointer.endswith("/"):
        raise HTTPBadRequest(explanation=f'Pointer `{pointer}` end with "/".')
    if pointer[1:].strip() == "/":
        raise HTTPBadRequest(explanation=f"Pointer `{pointer}` does not contains valid token.")
    if _BAD_ESCAPE.search(pointer) or pointer.endswith("~"):
        raise HTTPBadRequest(
            explanation=f'Pointer `{pointer}` contains "~" not part of a recognized escape '
            "sequence."
        )
    return [p.replace("~1", "/").replace("~0", "~").strip() for p in pointer.lstrip("/").split("/")]


def _validate_change(change: dict[str, Any], schema: ImageSchema, reserved: Reserved) -> None:
    root = change["path"][0]
    if root in READONLY and (schema.multihash or root not in _MULTIHASH_READONLY):
        raise HTTPForbidden(explanation=f"Attribute '{root}' is read-only.")
    if root in reserved:
        raise HTTPForbidden(explanation=f"Attribute '{root}' is reserved.")
    if change["op"] == "remove":
        return
    partial = None
    if len(change["path"]) == 1:
        partial = {root: change["value"]}
    elif schema.properties.get(root, {}).get("type") == "array":
        partial = {root: [change["value"]]}
    if partial is not None:
        try:
            schema.validate(partial)
        except SchemaError as e:
            raise HTTPBadRequest(explanation=str(e))


def parse_patch(
    body: Any,
    draft: int,
    schema: ImageSchema,
    reserved: Reserved = LATEST_RESERVED,
) -> list[dict[str, Any]]:
    """Glance's ``RequestDeserializer.update``: a JSON-patch body → checked change list.

    An ``add`` or ``replace`` of one writable property whose value the schema's quick check
    accepts (what Nova sends) is read by a short path that gives the change the full reading
    gives; every other operation is read in full (`_parse_one`), in order, so the first
    operation that fails is the one refused, as before."""
    if not isinstance(body, list):
        raise HTTPBadRequest(explanation="Request body must be a JSON array of operation objects.")
    writable = _writable(schema, reserved) if draft == 10 else None
    changes = []
    for raw in body:
        if writable is not None and raw.__class__ is dict:
            op = raw.get("op")
            pointer = raw.get("path")
            if (op == "add" or op == "replace") and pointer.__class__ is str and "value" in raw:
                known = writable[pointer]
                value = raw["value"]
                if known is not None and known[1](value):
                    changes.append(
                        {
                            "op": op,
                            "path": [known[0]],
                            "json_schema_version": 10,
                            "value": value,
                        }
                    )
                    continue
        changes.append(_parse_one(raw, draft, schema, reserved))
    return changes


def parse_patch_in_full(
    body: Any,
    draft: int,
    schema: ImageSchema,
    reserved: Reserved = LATEST_RESERVED,
) -> list[dict[str, Any]]:
    """`parse_patch` without its short path: every operation read in full (the reference the
    short path is held to)."""
    if not isinstance(body, list):
        raise HTTPBadRequest(explanation="Request body must be a JSON array of operation objects.")
    return [_parse_one(raw, draft, schema, reserved) for raw in body]


def _parse_one(raw: Any, draft: int, schema: ImageSchema, reserved: Reserved) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise HTTPBadRequest(explanation="Operations must be JSON objects.")
    op, pointer = _operation(raw, draft)
    path = _decode_pointer(pointer)
    if len(path) != _PATH_DEPTH.get(path[0], {}).get(op, 1):
        raise HTTPBadRequest(
            explanation=f"Invalid JSON pointer for this resource: '/{'/'.join(path)}'"
        )
    change: dict[str, Any] = {"op": op, "path": path, "json_schema_version": draft}
    if op != "remove":
        if "value" not in raw:
            raise HTTPBadRequest(explanation=f'Operation "{op}" requires a member named "value".')
        change["value"] = raw["value"]
    _validate_change(change, schema, reserved)
    return change


#: Per (schema, reserved names): pointer -> (property, the schema's quick check of its
#: value) for every pointer met that names one property a PATCH may add or replace. Bounded.
_WRITABLE: dict[tuple[ImageSchema, Reserved], _Writable] = {}


class _Writable(dict):
    """The pointers of one schema and reserved names that name one writable property, found
    on first use (`__missing__`: a pointer read in full once)."""

    def __init__(self, schema: ImageSchema, reserved: Reserved):
        super().__init__()
        self.schema = schema
        self.reserved = reserved

    def __missing__(self, pointer: Any) -> tuple[str, Any] | None:
        if type(pointer) is not str:
            return None
        try:
            path = _decode(pointer)
        except HTTPBadRequest:
            path = None
        found = None
        if path is not None and len(path) == 1 and path[0] not in _PATH_DEPTH:
            root = path[0]
            schema = self.schema
            readonly = root in READONLY and (schema.multihash or root not in _MULTIHASH_READONLY)
            if not readonly and root not in self.reserved:
                found = (root, schema.quick_check(root))
        if len(self) >= 512:
            self.clear()
        self[pointer] = found
        return found


def _writable(schema: ImageSchema, reserved: Reserved) -> _Writable:
    key = (schema, reserved)
    found = _WRITABLE.get(key)
    if found is None:
        if len(_WRITABLE) >= 64:
            _WRITABLE.clear()
        found = _WRITABLE[key] = _Writable(schema, reserved)
    return found
