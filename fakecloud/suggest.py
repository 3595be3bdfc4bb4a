"""The closest name to a mistyped one, for error messages ("did you mean X?").

A leaf module (the standard library only), so the kernel (fakecloud.sim) can word its errors
as the configuration layer does without importing it.

>>> did_you_mean("volum", ["volume", "image"]), did_you_mean("zzz", ["volume"])
(" (did you mean 'volume'?)", '')
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def close_match(word: str, choices: Iterable, cutoff: float = 0.6) -> str | None:
    """The one of `choices` closest to `word` (difflib's `get_close_matches` with `cutoff`),
    or None. A word too long to be any choice's typo is none without difflib's look at it:
    its ratio, twice the matched characters over both lengths, cannot reach `cutoff` once
    the word is ``(2 - cutoff) / cutoff`` times the longest choice, and indexing a
    7-million-character value for the comparison took two seconds of a refusal."""
    choices = [str(c) for c in choices]
    longest = max(map(len, choices), default=0)
    if cutoff > 0 and len(word) * cutoff > (2 - cutoff) * longest:
        return None
    close = difflib.get_close_matches(word, choices, n=1, cutoff=cutoff)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable) -> str:
    """Return " (did you mean X?)" for the closest of `choices` to `word`, or "" if none is
    (or `word` is no string: ``config={1: {}}`` was difflib's TypeError)."""
    if not isinstance(word, str):
        return ""
    close = close_match(word, choices)
    return f" (did you mean {close!r}?)" if close is not None else ""
