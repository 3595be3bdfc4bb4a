"""SIGINT as a terminal's foreground command has it, for the tests that send one.

A suite started in the background of a script (``make test &``, a CI step's ``cmd &``)
inherits SIGINT ignored, and Python and fakecloud keep it so (POSIX's meaning: a background
job is not the terminal's to interrupt). A test sending SIGINT then sent it to no one: the
command ran on (`tests/explore/test_interrupt.py` hung 120 s so in session 45). Each such test
first sets SIGINT as a foreground command has it, so that what it checks is what a user at a
terminal sees, whatever the suite inherited, and a SIGINT the code under test does not take
raises KeyboardInterrupt there (a clear failure), never a hang.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

#: The first line of a child Python (``python -c``) a test sends SIGINT to.
FOREGROUND_LINE = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler)\n"


@contextlib.contextmanager
def in_the_foreground() -> Iterator[None]:
    """SIGINT raising KeyboardInterrupt in this process meanwhile; then as it was."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
