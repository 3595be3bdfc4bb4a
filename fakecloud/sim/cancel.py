"""Events taken back out of simpy's queue before their time: a timer cancelled.

simpy cannot unschedule an event: its queue is a heap of ``(time, priority, id, event)``
entries, and finding one entry in it is a walk of the heap. The timers fakecloud cancels are
an RPC call's reply deadline once the reply came (oslo.messaging's caller stops waiting; its
timer goes with it), so in a cloud busy with calls most deadlines are cancelled. A cancelled
event is marked where it stands (its callbacks become `CANCELLED`) and every reader of the
queue treats a marked entry as absent: the run loops pop it without moving the clock to its
time, and the explorer leaves it out of the events of an instant (`uncancelled`). The marked
entries are taken out all at once (`drop`) when they are a large part of the queue
(`fakecloud.sim.kernel.Kernel.cancel`), and before a cloud is saved or forked, so a saved
queue holds only what will happen.

Taking entries out keeps the order of the rest: entries are ordered by their keys alone,
which are unique (a time, a priority and an id each), whatever the shape of the heap.
"""

from __future__ import annotations

from heapq import heapify, heappop
from typing import Any


class _Cancelled(tuple):
    """The empty callbacks of a cancelled event: a tuple of its own, told apart by identity."""

    __slots__ = ()


#: What a cancelled event's ``callbacks`` are: nothing to run (a step that pops it at the
#: current instant runs nothing), and a mark the readers of the queue test with ``is``.
CANCELLED: tuple = _Cancelled()


def drop(queue: list) -> None:
    """Take every cancelled entry out of simpy's `queue` (a heap again after)."""
    queue[:] = [entry for entry in queue if entry[3].callbacks is not CANCELLED]
    heapify(queue)


def pop_head(queue: list) -> bool:
    """Pop the cancelled entries at the head of `queue`; whether there were any."""
    popped = False
    while queue and queue[0][3].callbacks is CANCELLED:
        heappop(queue)
        popped = True
    return popped


def uncancelled(entries: list[Any]) -> list[Any]:
    """The entries of `entries` whose events were not cancelled."""
    return [entry for entry in entries if entry[3].callbacks is not CANCELLED]
