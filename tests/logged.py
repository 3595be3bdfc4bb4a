"""`logged`: the log records a block emits, for tests of what a user's log shows."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator


@contextlib.contextmanager
def logged() -> Iterator[list[logging.LogRecord]]:
    """Every record any logger emits while open (every level), in order, as the root
    logger's handlers see them."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = records.append  # type: ignore[method-assign]
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield records
    finally:
        root.removeHandler(handler)
