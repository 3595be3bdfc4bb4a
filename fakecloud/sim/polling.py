"""Polls that can no longer change anything: a poller's wait that skips them.

Nova polls some things with no limit: the thaw of a volume-backed createImage reads each
Cinder snapshot every 0.5 s until it leaves ``creating`` (``_wait_for_snapshots_completion``,
a ``FixedIntervalLoopingCall`` with no timeout, nova 17.0.13, 27.5.1 and 34.0.0
``compute/manager.py``), as libvirt's assisted snapshot does (``volume_snapshot_create``'s
``_wait_for_snapshot``, ``virt/libvirt/driver.py``). A snapshot stalled by a fault that
nothing releases keeps that poll going for as long as the run may last (a virtual week
unless it says less): 1.2 million reads that find ``creating`` each time.

Such a poll changes nothing while nothing else is due: the status it reads moves only when
something else runs. A poller ends a read that found nothing new with `wait_to_poll`: it waits
until its next read, as the real loop does, unless every event on the clock is another such
poller's wait and the driver of the run says where the run ends (`Kernel.horizon`, set by a
scenario run once no step and no inserted action is still to come). Then the reads up to that
end would all find what this one found, and the poller sleeps to its last poll at or before
the end, which it makes as before: the run ends where it would have ended, at the same time,
the guest frozen as long and the same work still running; only the reads in between are not
made (nor traced). A run driven from Python (`Cloud.advance`, `run_until_idle`), which may
release the stall at any moment, has no horizon and polls every read. Nor is a read skipped
while a fault rule or the explorer waits at the point it consults (its `read` point): a rule
firing on the nth read or by chance, or the explorer's draw on each read, may fail any one
of them, which ends the real loop there. Nor past the time its read would be answered
otherwise (`until`, from ``until(about)``): a read carries the user's token, which Cinder's
``auth_token`` middleware refuses once it has expired (unless Nova's service token goes with
it and its cached roles hold ``service``) and asks Keystone about again once its cache entry
ages out, and Nova's service token, which Nova renews 120 s before its end and the middleware
asks about when its entry ages out (`fakecloud.transport.token_cache.answered_alike_until`),
so the skip ends at the last read before then and the reads go on from there.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from typing import Any

from fakecloud.sim.cancel import CANCELLED

#: The longest clock queue looked through for other work (a run whose only work left is polls
#: holds one wait per poller; a longer queue holds other work, and the poll waits as usual).
_QUEUE_LOOKED_AT = 8


def wait_to_poll(
    kernel: Any,
    delay: float,
    period: float,
    read: str,
    most: int | None = None,
    until: Callable[[Any], float | None] | None = None,
    about: Any = None,
) -> Generator[Any, Any, int]:
    """Wait `delay` seconds, until a poller whose read found nothing new reads again (its
    reads begin `period` seconds apart while nothing changes), or, when only polls are left
    before the run's end and no fault waits at `read` (the fault point its read consults),
    until its last read at or before that end (see the module doc); a bounded poller (`most`:
    the reads it has left after the next) reads no later than its own last, and none later
    than ``until(about)`` (the time its read's answer may change otherwise, None: never).
    The number of reads skipped."""
    later = 0
    horizon = kernel.horizon
    if horizon is not None and read not in kernel.faults.hot and (most is None or most > 0):
        end = horizon()
        if end is not None and until is not None:
            changes = until(about)
            if changes is not None and changes < end:
                end = changes
        if end is not None and period > 0:
            # reads left before the end, after the next (one due at the end itself is made)
            later = math.floor(round((end - kernel.env._now - delay) / period, 9))
            if most is not None and later > most:
                later = most
            if later > 0 and _only_polls_queued(kernel):
                delay += later * period
            else:
                later = 0
    kernel.polls_asleep += 1
    try:
        yield kernel.timeout(delay)
    finally:
        kernel.polls_asleep -= 1
    return later


def _only_polls_queued(kernel: Any) -> bool:
    """Whether every event on the clock is a sleeping poller's wait (or a cancelled one)."""
    queue = kernel.env._queue
    if len(queue) > _QUEUE_LOOKED_AT:
        return False
    live = sum(1 for entry in queue if entry[3].callbacks is not CANCELLED)
    return live == kernel.polls_asleep
