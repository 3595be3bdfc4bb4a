"""Ctrl-C during ``fakecloud explore``: the first one stops the sweep, the second stops at once.

An hour's sweep interrupted used to lose every seed it had run. Within `FirstInterrupt` the first
SIGINT only notes it (`pressed`): the explorer starts no more batches nor seeds, gives up the
batches under way on its workers (local ones stopped, a Dask cluster's cancelled:
`fakecloud.explore.runner.Executor.pairs`), stops its own after the seed it is running, and
reports the seeds done, groups, replay files and ``--json`` as for a sweep the time budget
ended ("N of M seeds"), status 130. Until session 45 it waited for the batches under way, up to
50 seeds each. A second Ctrl-C is Python's usual `KeyboardInterrupt`: ``fakecloud explore:
interrupted``, nothing written.
"""

from __future__ import annotations

import signal
import sys
import threading
from typing import Any

NOTICE = (
    "fakecloud explore: Ctrl-C: starting no more seeds, and giving up the batches under way; "
    "the report of the seeds done follows (Ctrl-C again stops at once)"
)


class FirstInterrupt:
    """A context in which the first SIGINT sets `pressed` instead of raising."""

    _previous: Any

    def __init__(self) -> None:
        self.pressed = False
        self._previous = None

    def __enter__(self) -> FirstInterrupt:
        # Only the main thread may set handlers; a process started with SIGINT ignored (a
        # background job of a script) keeps ignoring it.
        if threading.current_thread() is threading.main_thread():
            previous = signal.getsignal(signal.SIGINT)
            if previous is not signal.SIG_IGN:
                # None: a handler set outside Python; Python's own then raises as usual
                self._previous = previous or signal.default_int_handler
                signal.signal(signal.SIGINT, self._first)
        return self

    def _first(self, signum: int, frame: Any) -> None:
        self.pressed = True
        signal.signal(signal.SIGINT, self._previous)
        print(NOTICE, file=sys.stderr, flush=True)

    def __exit__(self, *exc: Any) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None
