"""nova-compute's eventlet hub on one host: one OS thread runs every greenthread of the service.

Under eventlet a greenthread gives the others a turn only where it waits on something eventlet
patched (sockets, sleeps, green locks). Blocking file I/O is not patched: while a greenthread
reads a file on a busy disk, no other greenthread of the host runs. Before Nova 22.0.0 the
snapshot upload read the image file that way (LP #1874032, fixed by be9b735847: the upload
moved to a native thread with ``tpool.execute``), so for the whole upload the host stopped
consuming RPC messages and its other snapshots stood still. The commit says it happens "on busy
file system", so fakecloud models it when the cloud has one (``nova.busy_image_filesystem``, off
by default), as the worst case where the reads dominate: the upload holds the hub from start to
end.

Only the points where a greenthread needs the hub wait for it: the delivery of an RPC message to
the host (`fakecloud.sim.rpc`), the end of one of the driver's copies (managed save, mirror job
poll, qemu-img convert, RBD flatten), and another upload starting. The copies themselves go on
(qemu-img and libvirt are other processes); only Nova's noticing waits. Everything is traced as
``nova.hub`` events (``blocked``, ``free`` with ``blocked_s``, ``waited`` with ``waited_s``).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy


class EventletHub:
    """The hub of one nova-compute: `blocking` work holds it, `wait` is a greenthread's turn."""

    _free: simpy.Event | None  # (typed: a loaded world's is checked, `fakecloud.state.shapes`)

    def __init__(self, kernel: Any, host: str):
        self.kernel = kernel
        self.host = host
        self.actor = f"nova-compute:{host}"
        self._free = None  # while blocked: the event that fires when the hub is free
        self._since = 0.0

    @property
    def blocked(self) -> bool:
        """Whether a greenthread's blocking I/O holds the hub now."""
        return self._free is not None

    def blocking(self, work: Generator, subject: str, what: str) -> Generator[Any, Any, Any]:
        """Run `work` as blocking I/O: no other greenthread of the host runs until it ends
        (a kill or an error frees the hub too)."""
        if self._free is not None:
            yield from self.wait(subject, what)
        env = self.kernel.env
        self._free, self._since = env.event(), env.now
        self.kernel.trace.emit("nova.hub", self.actor, self.host, phase="blocked", by=subject)
        try:
            return (yield from work)
        finally:
            free, self._free = self._free, None
            blocked_s = round(env.now - self._since, 9)
            self.kernel.trace.emit(
                "nova.hub", self.actor, self.host, phase="free", by=subject, blocked_s=blocked_s
            )
            free.succeed()

    def wait(self, subject: str, what: str) -> Generator[Any, Any, None]:
        """A greenthread's turn: wait while the hub is blocked (callers check `blocked` first,
        so a free hub costs no simulated step)."""
        env = self.kernel.env
        start = env.now
        while self._free is not None:
            yield self._free
        self.kernel.trace.emit(
            "nova.hub",
            self.actor,
            subject,
            phase="waited",
            what=what,
            waited_s=round(env.now - start, 9),
        )
