"""The columns the text views wrap at on standard output, told without rich where it can be.

``fakecloud run``, ``report`` and ``demo`` wrap rows at the terminal's width as rich measures
it (as `fakecloud.views.console.make_console` does), or at `PIPED_WIDTH` when standard output is no
terminal. Importing rich costs a command some 20-30 ms, so it is asked only when it could answer
"a terminal": rich's ``Console.is_terminal`` is False whenever neither ``TTY_COMPATIBLE`` nor
``FORCE_COLOR`` is set and the stream says it is no tty (or cannot say), and that is read here.
"""

from __future__ import annotations

import os
import sys

#: The columns printed text wraps at when the output is no terminal (a pipe, a file, a test's
#: capture): fixed, so what is printed does not depend on where it goes.
PIPED_WIDTH = 100


def _no_terminal() -> bool:
    """Whether rich would call standard output no terminal, decided without rich; False where
    only rich can tell (a tty, an environment that overrides the check, rich's own proxy)."""
    if "TTY_COMPATIBLE" in os.environ or "FORCE_COLOR" in os.environ:
        return False
    stream = sys.stdout
    if hasattr(stream, "rich_proxied_file"):
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return isatty is None or not isatty()
    except ValueError:  # a closed stream: rich says no terminal too
        return True


def output_width() -> int:
    """The columns the text views' rows wrap at on standard output (`fakecloud.views.timeline`'s
    `width`): the terminal's, as rich measures it, or `PIPED_WIDTH` when it is no terminal."""
    if _no_terminal():
        return PIPED_WIDTH
    from rich.console import Console

    console = Console(highlight=False)  # as `fakecloud.views.console.make_console` asks
    return console.width if console.is_terminal else PIPED_WIDTH
