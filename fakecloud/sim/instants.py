"""One float object for each time queued while the queue is long.

simpy's queue is a heap of ``(time, priority, id, event)`` entries, and each step pops its head:
the pop compares entries down the heap's whole depth, and entries due at one time compare their
times first, then their priorities and ids. Flows in lockstep (thousands of requests made at
one instant, a storm) queue their next events at the same few times, each computing
``now + delay`` apart, so the heap holds many equal times in distinct float objects, and each
comparison of two of them calls the float comparison and reads both objects (cold in memory
when the heap is large). Times that are one object compare equal by identity, without a call
or a read.

While many simulated processes are alive (a cloud asked Python's collector for a wider
spacing, `fakecloud.sim.collector.ASKING`), the places that queue ``now + delay``
(`fakecloud.sim.kernel.Kernel.timeout`, the RPC bus's deliveries and reply deadlines) queue a
float time as the object first queued at its value (`share`, in line: a call would cost more
than it saves), and the kernel forgets them each time its clock moves (`TIMES`, `forget`), so
only times queued at one instant are kept. With few alive the queue is short, shallow and warm
in memory, and nothing is shared. Only floats are shared (an equal int would become a float).
Nothing observable changes: the times keep their values and classes, and the queue its order.
"""

from __future__ import annotations

#: The float times shared since the clock last moved, by value (empty while none are).
TIMES: dict[float, float] = {}

#: ``share(t, t)``: the float first shared at ``t``'s value (``t`` itself if none); only for a
#: float ``t``.
share = TIMES.setdefault

#: Forget the shared times (the clock moved; also when a cloud's many processes end).
forget = TIMES.clear
