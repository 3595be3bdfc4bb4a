"""The closest name to a mistyped one, for error messages ("did you mean X?").

A leaf module (the standard library only), so the kernel (fakecloud.sim) can word its errors
as the configuration layer does without importing it.

>>> did_you_mean("volum", ["volume", "image"]), did_you_mean("zzz", ["volume"])
(" (did you mean 'volume'?)", '')
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, choices: Iterable) -> str:
    """Return " (did you mean X?)" for the closest of `choices` to `word`, or "" if none is
    (or `word` is no string: ``config={1: {}}`` was difflib's TypeError)."""
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
