"""jsonschema pieces Nova's, Cinder's, Keystone's and Glance's request validation share.

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


#: jsonschema < 4.21.0's words for the bounds 4.21.0 rewords at 1 (min*) and 0 (max*).
_BEFORE_4_21 = {
    "minLength": (1, "is too short"),
    "minItems": (1, "is too short"),
    "minProperties": (1, "does not have enough properties"),
    "maxLength": (0, "is too long"),
    "maxItems": (0, "is too long"),
    "maxProperties": (0, "has too many properties"),
}


def before_4_21(error: Any, detail: str, message: str) -> str | None:
    """`detail` as jsonschema 2.6.0-4.19.2 (the upper constraints of OpenStack releases before
    2025.1: Nova before 31.0.0, Cinder before 26.0.0) words it — ``'' is too short``, not
    4.21.0's ``'' should be non-empty`` — or None if the same."""
    bound = _BEFORE_4_21.get(error.validator)
    if bound is None or error.validator_value != bound[0] or not detail.endswith(message):
        return None
    return f"{detail[: len(detail) - len(message)]}{error.instance!r} {bound[1]}"


def _sorted_keys(value: Any) -> Any:
    """`value` with every dict's keys sorted, in lists too: ``pprint.pformat``'s order."""
    if isinstance(value, dict):
        return {k: _sorted_keys(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted_keys(item) for item in value]
    return value


def as_before_4_21(error: Any) -> Any:
    """`error` (a ``jsonschema.ValidationError``) made to read as jsonschema 2.6.0-4.19.2 (the
    upper constraints of every series before 2025.1) words it: a min* of 1 or a max* of 0 in
    the old words (``'' is too short``, not ``'' should be non-empty``), and its ``str()``
    printing the failing schema and the instance with their keys sorted (``pformat``'s default
    through 4.19.2; 4.23.0 prints them as written). Changed in place; returned."""
    old = before_4_21(error, error.message, error.message)
    if old is not None:
        error.message = old
    error.schema = _sorted_keys(error.schema)
    error.instance = _sorted_keys(error.instance)
    return error
