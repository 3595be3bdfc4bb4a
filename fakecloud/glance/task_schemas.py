"""The task schemas Glance serves at ``GET /v2/schemas/task`` and ``GET /v2/schemas/tasks``.

``glance/api/v2/schemas.py`` answers them with the ``minimal()`` of ``tasks.get_task_schema()``
and ``tasks.get_collection_schema()`` (its items drop ``input``, ``result`` and ``message``).
Both are built from ``tasks._TASK_SCHEMA``, which changed twice between 16.0.0 and 33.0.0:
22.0.0 added ``image_id``, ``request_id`` and ``user_id`` (d54449af4) and 29.0.0 the
``location_import`` type (a0b7650c4). ``data/task_schemas_16-33.json`` holds the documents of
each family, keyed by its first Glance major, written by glance 33.0.0's own
``schemas.Controller`` with that first tag's ``_TASK_SCHEMA``. The file is read on the first
request for one of them, not when a cloud is built.
"""

from __future__ import annotations

import copy
from typing import Any

from fakecloud.glance.stored_documents import stored_documents

#: The names under ``/v2/schemas/`` (``glance/api/v2/router.py``).
TASK_SCHEMA_NAMES = ("task", "tasks")

#: The first Glance major of each family of task schemas.
_FAMILIES = (29, 22, 16)


def task_schema(name: str, glance: int) -> dict[str, Any]:
    """What ``GET /v2/schemas/<name>`` returns (a copy) from the Glance of major `glance`,
    `name` one of `TASK_SCHEMA_NAMES`."""
    family = next((first for first in _FAMILIES if glance >= first), _FAMILIES[-1])
    return copy.deepcopy(stored_documents("task_schemas_16-33.json")[str(family)][name])
