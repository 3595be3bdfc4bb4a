"""The JSON documents fakecloud keeps of Glance's own making (``data/*.json``: schemas written
by Glance's code, served as they are), each read on first use, once a process."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any


@functools.cache
def stored_documents(filename: str) -> dict[str, Any]:
    """The parsed ``data/<filename>`` of this package (shared: copy before handing out)."""
    return json.loads(resources.files(__package__).joinpath("data", filename).read_text())
