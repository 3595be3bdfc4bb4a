"""Setup waits for what it names: a named resource is ready before anything refers to it.

    cloud:
      volumes: {boot: {body: {size: 1, imageRef: "${images.cirros.id}"}}}
      servers:
        web:
          body:
            flavorRef: "1"
            block_device_mapping_v2:
              - {boot_index: 0, uuid: "${volumes.boot.id}", source_type: volume,
                 destination_type: volume}

A user's script waits for what its next call needs (openstacksdk's ``wait_for_status``); the
world's setup does the same, in virtual time: before a named resource or a ``setup:`` request
is sent, every named image, volume or server it refers to (``${volumes.boot.id}``) that is not
yet at its `wait` status (``available``, ``active``, ``ACTIVE`` by default) is awaited, the
clock running event by event until that status is written to the trace. Nothing waits that
nothing refers to, and a resource already ready is not awaited: the clock does not move.

A resource that reaches an error status instead (``error``, ``ERROR``, ``killed``), or that
nothing will ever move again, fails the setup with the file, line and field of the reference.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from fakecloud.humanize import secs
from fakecloud.nova.states import status_from_state
from fakecloud.scenario.subst import refs
from fakecloud.sim import cancel

#: ``KIND.NAME`` at the start of a reference's name: a named resource that can be awaited.
_REF = re.compile(r"(images|volumes|servers)\.([^.\[\s]+)")

#: The state machines whose ``state`` events make each kind's API status.
_MACHINES = {
    "images": ("glance.image.status",),
    "volumes": ("volume.status",),
    "servers": ("nova.instance.vm_state", "nova.instance.task_state"),
}

#: Statuses no wait comes back from (besides the one waited for).
_FAILED = {
    "images": frozenset({"killed", "deleted", "pending_delete", "deactivated"}),
    "volumes": frozenset({"deleting", "deleted"}),
    "servers": frozenset({"ERROR", "DELETED", "SOFT_DELETED"}),
}

_NEVER = float("inf")


@dataclass
class Pending:
    """A named resource created in setup and not yet seen at its `target` status."""

    kind: str
    name: str
    id: str
    target: str
    start: int  # the trace's length before its create request: its events come after
    states: dict[str, Any] = field(default_factory=dict)

    def status(self, trace: Any) -> str | None:
        """Its API status now, read from the ``state`` events since it was created (each
        event read once: `start` moves past the events read)."""
        machines = _MACHINES[self.kind]
        for i in range(self.start, len(trace)):
            event = trace[i]
            if (
                event["kind"] == "state"
                and event.get("machine") in machines
                and str(event["subject"]) == self.id
            ):
                self.states[event["machine"]] = event.get("new")
        self.start = len(trace)
        if self.kind != "servers":
            return self.states.get(machines[0])
        if "nova.instance.vm_state" not in self.states:
            return None
        return status_from_state(
            self.states["nova.instance.vm_state"], self.states.get("nova.instance.task_state")
        )

    def failed(self, status: str | None) -> bool:
        """Whether `status` is one the wait will not come back from."""
        if status is None or status == self.target:
            return False
        return status in _FAILED[self.kind] or (
            self.kind == "volumes" and status.startswith("error")
        )


def references(value: Any, path: tuple = ()) -> Iterator[tuple[str, str, tuple]]:
    """Each ``${KIND.NAME...}`` of an image, volume or server in `value`: (kind, name, path
    of the text that holds it), in the order the file writes them (`subst.refs`' references,
    so a ``$${`` literal is none)."""
    for where, ref in refs(value, path):
        found = _REF.match(ref)
        if found:
            yield found.group(1), found.group(2), where


def await_status(kernel: Any, pending: Pending, cap_s: float) -> str | None:
    """Run the clock event by event until `pending` shows its target status: None once it
    does, else why it never will (an error status, nothing left to run, `cap_s` passed)."""
    trace, env = kernel.trace, kernel.env
    queue = env._queue
    limit = env._now + cap_s
    status = pending.status(trace)
    seen = len(trace)
    with kernel.driving():
        while status != pending.target:
            if pending.failed(status):
                return f"became {status!r} at t={secs(env._now)}"
            when = queue[0][0] if queue else _NEVER
            if when == _NEVER:
                return f"is {status!r} and nothing left to run will change it"
            if when > limit:
                if cancel.pop_head(queue):
                    continue
                return f"is still {status!r} after {cap_s:g} virtual seconds"
            kernel.step()
            if len(trace) != seen:
                seen = len(trace)
                status = pending.status(trace)
    return None
