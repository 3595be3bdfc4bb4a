"""Deterministic thread tests: wait until another thread is blocked taking a lock.

A test that starts a thread and then ``join(0.05)``s it "to let it reach the lock" passes when
the thread never got there in time (session 39's clock-bridge tests did). `wait_until_blocked`
waits, with no deadline a busy machine could miss, until the thread's innermost Python frame
stands on a statement that takes a lock (``with ... lock:``, ``with PATCHING:``,
``with _BINDING:``, ``....acquire()``): the C call taking it has no frame of its own, so a
thread found there is in that call (blocked, when another thread holds the lock) or about to
make it. Or until the thread has ended, which the caller checks for itself (a thread that was
never blocked did not wait its turn).

A wait that can never end (the lock's line renamed or moved, so no line the test names is ever
reached) gives up after `POLLS` pauses, at least two minutes, with an AssertionError naming the
line the thread stands on: a failure, where it was a hang of the whole suite. No test asserts
that bound; it only ends what would never end.
"""

from __future__ import annotations

import linecache
import re
import sys
import threading
from collections.abc import Callable, Iterator

#: A statement that takes a lock: ``with self.kernel.lock:``, ``with PATCHING:``,
#: ``self.lock.acquire()``.
_TAKES_A_LOCK = re.compile(
    r"^\s*(with\s+\S*(lock|patching|binding)\S*\s*:|\S*lock\.acquire\()", re.I
)


#: How many half-millisecond pauses a wait takes before it gives up (`polls`).
POLLS = 240_000


def polls(where: Callable[[], str], patience: int = POLLS) -> Iterator[None]:
    """Yield `patience` times with a pause of half a millisecond between (a C wait: never
    Python's clocks, which a test may have bound), then raise an AssertionError saying
    `where()`: the loop of a wait for another thread to reach a lock."""
    pause = threading.Event()
    for _ in range(patience):
        yield
        pause.wait(0.0005)
    raise AssertionError(f"gave up waiting after {patience} polls: {where()}")


def standing(*threads: threading.Thread) -> str:
    """Where each of `threads` stands: its innermost Python frame's function and line, or its
    end."""
    places = []
    for thread in threads:
        frame = sys._current_frames().get(thread.ident)
        if frame is None:
            places.append(f"{thread.name} ended")
        else:
            line = linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
            places.append(f"{thread.name} in {frame.f_code.co_name} at {line!r}")
    return "; ".join(places)


def waiting_at(thread: threading.Thread) -> str | None:
    """The source line `thread` stands on when it is taking a lock, else None."""
    frame = sys._current_frames().get(thread.ident)
    if frame is None:
        return None
    line = linecache.getline(frame.f_code.co_filename, frame.f_lineno)
    return line.strip() if _TAKES_A_LOCK.match(line) else None


def wait_until_blocked(thread: threading.Thread, on: str = "", patience: int = POLLS) -> str | None:
    """Wait until `thread` is taking a lock, on a line holding `on` when given (returns the
    line), or has ended (returns None)."""
    for _ in polls(lambda: standing(thread), patience):
        if not thread.is_alive():
            return None
        line = waiting_at(thread)
        if line is not None and on in line:
            return line
    return None  # (never: polls raises when it runs out)


def wait_until_one_blocked(on: str) -> str:
    """Wait until some other thread (a server's worker, say) is taking a lock on a line
    holding `on`; returns the line."""
    me = threading.current_thread()

    def others() -> list[threading.Thread]:
        return [thread for thread in threading.enumerate() if thread is not me]

    for _ in polls(lambda: standing(*others())):
        for thread in others():
            line = waiting_at(thread)
            if line is not None and on in line:
                return line
    return ""  # (never: polls raises when it runs out)
