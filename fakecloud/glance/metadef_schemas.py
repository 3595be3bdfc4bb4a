"""The metadata-definitions schemas Glance serves at ``GET /v2/schemas/metadefs/{name}``.

``glance/api/v2/schemas.py`` answers each with the ``raw()`` of ``get_schema()`` or
``get_collection_schema()`` of ``metadef_namespaces``, ``metadef_resource_types``,
``metadef_properties``, ``metadef_objects`` and ``metadef_tags``. Those functions (and
``glance/schema.py``, ``schemas.py``) build the same documents in every Glance from 16.0.0 to
33.0.0, so one file holds them: ``data/metadef_schemas_16-33.json``, written from glance 33.0.0's
own ``schemas.Controller`` (the metadefs themselves are not served: see docs/conformance.md).
The file is read on the first request for one of them, not when a cloud is built.
"""

from __future__ import annotations

import copy
from typing import Any

from fakecloud.glance.stored_documents import stored_documents

#: The names under ``/v2/schemas/metadefs/`` (``glance/api/v2/router.py``), in Glance's order.
METADEF_SCHEMA_NAMES = (
    "namespace",
    "namespaces",
    "resource_type",
    "resource_types",
    "property",
    "properties",
    "object",
    "objects",
    "tag",
    "tags",
)


def metadef_schema(name: str) -> dict[str, Any]:
    """What ``GET /v2/schemas/metadefs/<name>`` returns (a copy), `name` one of
    `METADEF_SCHEMA_NAMES`."""
    return copy.deepcopy(stored_documents("metadef_schemas_16-33.json")[name])
