"""Request bodies decoded as JSON with one nesting limit, whichever Python runs fakecloud.

A real service hands a request body to Python's ``json`` module, and CPython gives up on
deeply nested JSON with a ``RecursionError`` that escapes the service's JSON handling: the
client gets the service's 500. Where CPython gives up depends on the interpreter: about 1,000
levels less the caller's own stack on 3.11, about 1,500 on 3.12, 10,000 on 3.13. Left to the
host, the same body would get a 500 on one machine and a 400 or a 202 on another, and a
scenario would not replay byte for byte.

So fakecloud draws the line itself, at `MAX_DEPTH` levels: deeper is the services' 500, with
the error CPython gives. The line is below where the services' Python 3 gave up (about 900
levels in Nova's API stack), so that a body within it is also safe in what follows the decode
(an error message that shows the value recurses as deep again) from a caller hundreds of
frames deep, on every interpreter.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: The deepest nesting of arrays and objects a body may have; one level more is the services'
#: RecursionError (and their 500).
MAX_DEPTH = 512

_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_OPENERS = {ord("["): "array", ord("{"): "object"}


def loads(body: bytes | str, *, utf8_only: bool = True, object_pairs_hook: Any = None) -> Any:
    """`body` decoded as JSON (`ValueError` when it is not JSON), or CPython's RecursionError
    when it nests deeper than `MAX_DEPTH`.

    Bytes are UTF-8 and nothing else, as oslo's ``jsonutils.loads`` reads them for Nova, Cinder
    and Glance (``safe_decode(s, 'utf-8')``, then ``json.loads``): a UTF-8 byte-order mark or
    UTF-16 is a malformed body. `utf8_only=False` reads bytes as Python's ``json.loads`` does
    (UTF-8, -16 or -32, a BOM allowed), as Keystone's Flask ``request.get_json`` does.
    `object_pairs_hook` is ``json.loads``'s.
    """
    if isinstance(body, bytes):
        # (bytes that decode as UTF-8 are what their text encodes back to: counted as sent)
        raw = body
        if utf8_only:
            body = body.decode("utf-8")  # UnicodeDecodeError is a ValueError
    else:
        raw = body.encode("utf-8", "surrogatepass")
    if raw.count(b"[") + raw.count(b"{") > MAX_DEPTH:  # else it cannot nest that deep
        too_deep = _overflow(raw)
        if too_deep:
            raise RecursionError(
                f"maximum recursion depth exceeded while decoding a JSON {too_deep} "
                "from a unicode string"
            )
    return json.loads(body, object_pairs_hook=object_pairs_hook)


def _overflow(raw: bytes) -> str | None:
    """The kind of container ("array" or "object") that nests one level past `MAX_DEPTH`, or
    None. Brackets inside strings do not count."""
    depth = 0
    for token in _TOKENS.finditer(raw):
        first = raw[token.start()]
        kind = _OPENERS.get(first)
        if kind:
            depth += 1
            if depth > MAX_DEPTH:
                return kind
        elif first != 0x22:  # a closing bracket (a string token starts with '"')
            depth -= 1
    return None
