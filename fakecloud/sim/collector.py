"""Python's collector while a cloud has many simulated processes alive.

Python collects its oldest generation each time the objects promoted since its last
collection reach a quarter of it, and each of those collections walks the whole heap. Flows in
flight keep nearly everything they make across their waits, and each takes its step before any
takes its next, so while thousands are alive most of what they allocate outlives the young
generations: their objects are walked again in each middle collection and promoted, and the
oldest generation is walked again and again for garbage it almost never holds (the flows'
objects die by reference counting as the flows move on; the kernel breaks the cycles a process
makes when it ends). A cloud with many processes alive therefore asks the collector to wait
longer: a middle collection at most once per ``live / LIVE_PER_MIDDLE_COLLECTION`` young ones
(so that a flow's objects mostly die before the middle generation is walked, as they die
before the next step of the flow: a storm's round), and a collection of the oldest generation
at most once per ``live / LIVE_PER_OLD_COLLECTION`` middle ones (see `ask`).

Whoever asks (a kernel while many of its processes are alive, a run until idle) holds its ask
until it releases it; the widest ask holds until the last is released, which restores the
thresholds found by the first. With collection switched off (threshold 0) nothing changes.
Cyclic garbage waits longer for its collection meanwhile.
"""

from __future__ import annotations

import gc
import threading
import weakref
from typing import Any

#: Live simulated processes per middle-generation collection between two collections of the
#: oldest generation (Python's own spacing, 10, is kept below 1,100 processes alive).
LIVE_PER_OLD_COLLECTION = 100

#: Live simulated processes per young collection between two middle-generation collections.
LIVE_PER_MIDDLE_COLLECTION = 10

#: Live processes above which a kernel asks for a wider spacing than Python's own.
SPACED_ABOVE = 11 * LIVE_PER_OLD_COLLECTION

# Reentrant: a kernel's ask ends from a weakref callback, which a collection may run while
# this thread holds the lock.
_LOCK = threading.RLock()
_ASKS: dict[int, int] = {}  # who asked (an id) -> the live processes it asked for

#: Who asks now, by id (empty when no one does): not empty while a cloud has many simulated
#: processes alive (or runs until idle with many), which the kernel reads as its queue being
#: long (`fakecloud.sim.instants`). Only to be read.
ASKING: dict[int, int] = _ASKS
_REFS: dict[int, weakref.ref] = {}  # the kernels among them, whose collection releases them
_SAVED: tuple[int, ...] = ()  # the thresholds when the first ask came


def spaced(live: int) -> bool:
    """Whether `live` processes in flight ask for more than Python's own spacing."""
    return live // LIVE_PER_OLD_COLLECTION > 10


def ask(who: int, live: int) -> None:
    """Space the middle and oldest generations' collections out for `live` processes in
    flight until `release(who)`; a later ask of `who` replaces its earlier one."""
    global _SAVED
    with _LOCK:
        if not _ASKS:
            _SAVED = gc.get_threshold()
        _ASKS[who] = live
        young, middle, old = gc.get_threshold()
        if young:
            gc.set_threshold(
                young,
                max(middle, live // LIVE_PER_MIDDLE_COLLECTION),
                max(old, live // LIVE_PER_OLD_COLLECTION),
            )


def ask_while_alive(owner: Any, live: int) -> None:
    """`ask` for `owner` (by its id), released when `owner` is collected if not before."""
    who = id(owner)
    with _LOCK:
        if who not in _REFS:
            _REFS[who] = weakref.ref(owner, lambda _ref, who=who: release(who))
        ask(who, live)


def release(who: int) -> None:
    """End `who`'s ask (nothing when it has none); the last restores the saved thresholds."""
    with _LOCK:
        _REFS.pop(who, None)
        if _ASKS.pop(who, None) is not None and not _ASKS:
            gc.set_threshold(*_SAVED)
