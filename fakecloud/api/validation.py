"""jsonschema pieces Nova's and Cinder's request validation share.

Both services accept a number written as a string wherever a schema sets ``minimum`` or
``maximum`` (``"size": "10"``), and word a failed check the same way: ``Invalid input for
field/attribute <last path element>. Value: <value>. <jsonschema message>`` when the error has a
path, the bare jsonschema message otherwise. This module imports no jsonschema itself, so a
service may keep loading jsonschema lazily.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _number_from_str(instance: Any) -> Any:
    """``instance`` as an int, else a float, else None (not a number at all)."""
    try:
        return int(instance)
    except (ValueError, TypeError):
        try:
            return float(instance)
        except (ValueError, TypeError):
            return None


def number_string_bounds(base: Any) -> dict[str, Callable[..., Any]]:
    """``minimum``/``maximum`` checks of validator class `base` that also read number strings.

    A value that is no number at all passes them (its ``type`` or ``pattern`` rejects it).
    Pass the result to ``jsonschema.validators.extend(base, ...)``.
    """

    def minimum(validator: Any, bound: Any, instance: Any, schema: Any) -> Any:
        value = _number_from_str(instance)
        if value is not None:
            yield from base.VALIDATORS["minimum"](validator, bound, value, schema)

    def maximum(validator: Any, bound: Any, instance: Any, schema: Any) -> Any:
        value = _number_from_str(instance)
        if value is not None:
            yield from base.VALIDATORS["maximum"](validator, bound, value, schema)

    return {"minimum": minimum, "maximum": maximum}


def error_detail(error: Any) -> str:
    """The message Nova and Cinder give for a ``jsonschema.ValidationError`` `error`."""
    if len(error.path) > 0:
        return (
            f"Invalid input for field/attribute {error.path.pop()}. "
            f"Value: {error.instance}. {error.message}"
        )
    return error.message
