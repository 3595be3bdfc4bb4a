"""The simulation kernel: one simpy clock, one seed, one trace, timed I/O.

Every fakecloud service runs on a `Kernel`: its simpy environment (virtual seconds), the seeded
id source, the trace every state change is written to, the fault plan, the RPC bus and the I/O
model where disk copies and uploads share bandwidth. Nothing here reads the wall clock or an
unseeded random source, so one seed and one input replay byte for byte.
"""

from fakecloud.sim.kernel import Kernel

__all__ = ["Kernel"]
