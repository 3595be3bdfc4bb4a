"""The JSON-valued image properties Nova writes (``block_device_mapping``, ``mappings``),
encoded and decoded with the values it has just encoded remembered.

Nova's Glance client stores a snapshot's block device mapping as JSON text and decodes the
text of every image Glance answers with; the image it returns for a volume-backed snapshot
carries the very text it sent a moment before. `dumps` remembers, for a value whose round trip
through JSON is a plain copy (a list of dicts with string keys and string, integer, boolean or
null values: what ``get_image_mapping`` gives), a copy of the value under its text; the first
`loads` of that text takes the copy instead of decoding it. Any other text is decoded by
`json.loads`. The memo holds a few values (a flow reads its text back at once) whatever the
number of flows in flight, and depends on nothing but the text: it is not part of any cloud.

    >>> text = dumps([{"boot_index": 0, "source_type": "snapshot", "tag": None}])
    >>> loads(text)
    [{'boot_index': 0, 'source_type': 'snapshot', 'tag': None}]
"""

from __future__ import annotations

import json
from json.encoder import c_make_encoder, encode_basestring_ascii
from typing import Any

#: How many values `dumps` remembers (then it starts over).
REMEMBERED_VALUES = 16

#: Value types a JSON round trip gives back as they are (``bool`` and ``int`` exactly: an
#: int subclass such as an enum comes back as a plain int).
_SCALARS = frozenset((str, int, bool, type(None)))
_STRINGS = frozenset((str,))

_remembered: dict[str, list[dict[str, Any]]] = {}


def _plain_records(value: Any) -> bool:
    """Whether `value` is a list of dicts of string keys and `_SCALARS` values."""
    if type(value) is not list:
        return False
    for record in value:
        if not (
            type(record) is dict
            and _STRINGS.issuperset(map(type, record))
            and _SCALARS.issuperset(map(type, record.values()))
        ):
            return False
    return True


#: What ``json.dumps`` hands its C encoder with every argument at its default.
_DEFAULT = json.JSONEncoder().default


def _text(value: Any) -> str:
    """``json.dumps(value)`` with its default arguments: the C encoder it makes (a fresh
    circular-reference memo, its default, ASCII escaping, its separators, NaN allowed),
    made and called here without the three Python frames and the float closure
    ``dumps``, ``encode`` and ``iterencode`` add (a sixth of encoding a snapshot's mapping)."""
    if c_make_encoder is None:  # a Python without the C accelerator
        return json.dumps(value)
    encode = c_make_encoder(
        {}, _DEFAULT, encode_basestring_ascii, None, ": ", ", ", False, False, True
    )
    return "".join(encode(value, 0))


def dumps(value: Any, remember: bool = True) -> str:
    """``json.dumps(value)``, remembering `value` (a copy) under the text when `loads` of the
    text would be a copy of it (unless `remember` is false: nothing will read the text back)."""
    text = _text(value)
    if remember and _plain_records(value):
        if len(_remembered) >= REMEMBERED_VALUES:
            _remembered.clear()
        _remembered[text] = [dict(record) for record in value]
    return text


def loads(text: str) -> Any:
    """``json.loads(text)``: the value `dumps` remembered under `text` (handed over: the next
    read decodes), else the text decoded."""
    value = _remembered.pop(text, None)
    return json.loads(text) if value is None else value


def item_text(value: Any) -> str:
    """The text ``json.dumps`` writes for `value` as an item of a list or dict (as for `value`
    alone): a string, None or a plain int written here, anything else by the encoder
    (`_text`)."""
    cls = value.__class__
    if cls is str:
        return encode_basestring_ascii(value)
    if value is None:
        return "null"
    if cls is int:
        return int.__repr__(value)
    return _text(value)


def list_text(items: list[str]) -> str:
    """``json.dumps`` of a list whose items' texts are `items` (its separator, no newlines)."""
    return "[" + ", ".join(items) + "]"
