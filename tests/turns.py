"""Deterministic thread tests: wait until another thread is blocked taking a lock.

A test that starts a thread and then ``join(0.05)``s it "to let it reach the lock" passes when
the thread never got there in time (session 39's clock-bridge tests did). `wait_until_blocked`
waits, with no deadline, until the thread's innermost Python frame stands on a statement that
takes a lock (``with ... lock:``, ``with PATCHING:``, ``with _BINDING:``, ``....acquire()``):
the C call taking it has no frame of its own, so a thread found there is in that call
(blocked, when another thread holds the lock) or about to make it. Or until the thread has
ended, which the caller checks for itself (a thread that was never blocked did not wait its
turn).
"""

from __future__ import annotations

import linecache
import re
import sys
import threading

#: A statement that takes a lock: ``with self.kernel.lock:``, ``with PATCHING:``,
#: ``self.lock.acquire()``.
_TAKES_A_LOCK = re.compile(
    r"^\s*(with\s+\S*(lock|patching|binding)\S*\s*:|\S*lock\.acquire\()", re.I
)


def waiting_at(thread: threading.Thread) -> str | None:
    """The source line `thread` stands on when it is taking a lock, else None."""
    frame = sys._current_frames().get(thread.ident)
    if frame is None:
        return None
    line = linecache.getline(frame.f_code.co_filename, frame.f_lineno)
    return line.strip() if _TAKES_A_LOCK.match(line) else None


def wait_until_blocked(thread: threading.Thread, on: str = "") -> str | None:
    """Wait until `thread` is taking a lock, on a line holding `on` when given (returns the
    line), or has ended (returns None)."""
    pause = threading.Event()
    while thread.is_alive():
        line = waiting_at(thread)
        if line is not None and on in line:
            return line
        pause.wait(0.0005)  # a C wait: never Python's clocks, which a test may have bound
    return None


def wait_until_one_blocked(on: str) -> str:
    """Wait until some other thread (a server's worker, say) is taking a lock on a line
    holding `on`; returns the line."""
    pause = threading.Event()
    me = threading.current_thread()
    while True:
        for thread in threading.enumerate():
            if thread is not me:
                line = waiting_at(thread)
                if line is not None and on in line:
                    return line
        pause.wait(0.0005)
