"""The command's output readable on any terminal, pipe or log, whatever its encoding.

fakecloud's reports use a few typographic characters (``→``, ``±``, ``—``, ``…``, ``─``). A
stream that cannot encode them (``LC_ALL=C`` with ``python -X utf8=0``, ``PYTHONIOENCODING=
latin-1``, a legacy Windows console's cp1252 or cp437) made ``print`` raise
`UnicodeEncodeError`: the command died with a traceback, before ``explore`` wrote its
``--json`` and ``--junit``. And a file name that is not UTF-8 (read by Python as lone
surrogates) raised the same on a UTF-8 terminal whose locale is not ``C.UTF-8`` (its errors
handler is ``strict``).

The ``fakecloud.plain`` codec error handler, which `readable` puts on the command's streams,
spells such a character in ASCII instead (``->``, ``+/-``, ``--``, ``...``, ``-``; a letter
without its accent, ``é`` as ``e``; anything else as a ``\\u2603`` escape, as Python's own
``backslashreplace``), and writes a file name's undecodable bytes back as they were (as
``surrogateescape``, so a name prints as ``ls`` prints it). A stream that encodes everything
is untouched in effect: the handler is only asked about what it cannot encode.
"""

from __future__ import annotations

import codecs
import unicodedata
from typing import Any

#: The name `readable` and `encodable` give Python's codecs (``errors=``).
ERRORS = "fakecloud.plain"

#: ASCII spellings of the characters fakecloud's own texts use (and their near relations).
SPELLINGS = {
    "→": "->",
    "←": "<-",
    "⇒": "=>",
    "⇢": "->",
    "↔": "<->",
    "—": "--",
    "–": "-",
    "…": "...",
    "─": "-",
    "━": "-",
    "│": "|",
    "·": ".",
    "•": "*",
    "×": "x",
    "±": "+/-",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
    "▶": ">",
    "▸": ">",
    "◀": "<",
    "✓": "v",
    "✗": "x",
    "µ": "u",
    "§": "S",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "\u00a0": " ",
}

_SURROGATE_ESCAPE = codecs.lookup_error("surrogateescape")


def _spelled(char: str) -> str:
    """`char` in ASCII: its spelling, else its letters without their accents, else an escape."""
    spelled = SPELLINGS.get(char)
    if spelled is None:
        spelled = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
    if not spelled:
        spelled = char.encode("ascii", "backslashreplace").decode("ascii")
    return spelled


def plain(error: UnicodeError) -> tuple[str | bytes, int]:
    """The ``fakecloud.plain`` error handler (see the module docstring)."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    bad = error.object[error.start : error.end]
    if all("\udc80" <= c <= "\udcff" for c in bad):  # bytes a file name's decoding kept
        return _SURROGATE_ESCAPE(error)
    return "".join(_spelled(c) for c in bad), error.end


codecs.register_error(ERRORS, plain)


def readable(stream: Any) -> str | None:
    """Make `stream` (``sys.stdout``, ``sys.stderr``) write what its encoding cannot encode in
    ASCII rather than raise; a stream that is no text wrapper (a test's capture) is left.
    Returns the errors handler it had (for `restore`), or None where it was left."""
    return _set_errors(stream, ERRORS)


def restore(stream: Any, errors: str | None) -> None:
    """Give `stream` back the errors handler `readable` returned (None: leave it)."""
    if errors is not None:
        _set_errors(stream, errors)


def _set_errors(stream: Any, errors: str) -> str | None:
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is None:
        return None
    before = getattr(stream, "errors", None)
    try:
        reconfigure(errors=errors)
    except (ValueError, OSError):  # closed, or not a reconfigurable stream after all
        return None
    return before


def encodable(text: str, encoding: str | None) -> str:
    """`text` as `readable`'s streams would write it to a stream of `encoding` (for a writer
    fakecloud does not own, such as pytest's terminal, which escapes a whole report on one
    line when a character of it cannot be encoded)."""
    if not encoding:
        return text
    try:
        return text.encode(encoding, ERRORS).decode(encoding, "surrogateescape")
    except LookupError:  # an encoding Python does not know: leave the text to its writer
        return text


#: The control characters a report shows escaped (``\\x1b``): all but newline and tab. A
#: scenario's or trace's own text (a request path, a step's note) holding an escape sequence
#: wrote to the terminal that showed the report (its title, colours, a cleared screen).
_CONTROLS = {
    code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0)) if code not in (9, 10)
}


def printable(text: str) -> str:
    """`text` with its control characters escaped, for a terminal or log."""
    return text.translate(_CONTROLS)
