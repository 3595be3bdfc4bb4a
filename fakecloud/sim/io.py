"""Timed I/O: links and disks with a throughput, shared max-min fairly by the transfers on them.

simpy has no bandwidth sharing, so this module builds it. A `Transfer` moves a number of bytes
through a path of `Resource`s (a compute disk; a compute→Glance link and the Glance store).
At every instant each running transfer gets its max-min fair rate: the scarcest resource is
split evenly among the transfers crossing it, and what they cannot use is left to the others.
The rates are recomputed exactly, at every arrival, departure and capacity change, never by
time-slicing: between two such instants every rate is constant, so each finishing time is
plain arithmetic. Two 1 GB transfers started together on a 100 MB/s link both end at t=20 s.

Transfers with the same path are grouped in a *flow class*: they always get the same rate, so
the class keeps one running count of bytes served per transfer and a heap of finishing points
(a processor-sharing queue). A recomputation costs the number of distinct paths, not the number
of transfers, which is what lets a storm of many thousand snapshots stay cheap. Recomputations
asked for at one instant are done once.

Fault point ``io.transfer`` (attributes ``label``, ``resource`` and the caller's own) can fail,
delay or stall a transfer when it starts, or, with a rule timed by ``at``, while it runs.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable
from typing import Any

MB = 1_000_000
GB = 1_000_000_000


def gbit_per_s(gbits: float) -> float:
    """Bytes per second of a link of `gbits` Gbit/s."""
    return gbits * 1e9 / 8


def mb_per_s(mbytes: float) -> float:
    """Bytes per second of a device of `mbytes` MB/s."""
    return mbytes * MB


class TransferFailed(Exception):
    """A transfer failed (a fault, or the work it belonged to was aborted)."""


class Resource:
    """A link or a disk: a name and a throughput in bytes per second."""

    __slots__ = ("name", "capacity", "nominal", "classes", "order")

    def __init__(self, name: str, capacity: float, order: int = 0):
        self.name = name
        self.capacity = capacity
        self.nominal = capacity
        self.classes: dict[tuple, _FlowClass] = {}  # the flow classes crossing it, in order
        self.order = order

    def __repr__(self) -> str:
        return f"Resource({self.name!r}, {self.capacity:g} B/s)"


class Transfer:
    """Bytes moving through a path of resources; `done` fires with the transfer when finished."""

    __slots__ = (
        "id",
        "label",
        "size",
        "path",
        "attrs",
        "done",
        "started_at",
        "finished_at",
        "state",
        "_cls",
        "_finish",
        "_left",
    )

    def __init__(self, tid: str, label: str, size: int, path: tuple, attrs: dict, done: Any):
        self.id = tid
        self.label = label
        self.size = size
        self.path = path
        self.attrs = attrs
        self.done = done
        self.started_at: float = 0.0
        self.finished_at: float | None = None
        self.state = "running"
        self._cls: _FlowClass | None = None
        self._finish = 0.0
        self._left = float(size)

    @property
    def rate(self) -> float:
        """Bytes per second it gets right now (0 when stalled or finished)."""
        return self._cls.rate if self._cls is not None else 0.0

    def remaining(self, now: float) -> float:
        """Bytes still to move at virtual time `now`."""
        if self._cls is None:
            return self._left if self.state == "stalled" else 0.0
        return max(0.0, self._finish - self._cls.served_at(now))

    def fault_attrs(self) -> dict[str, Any]:
        """What fault rules can match on."""
        return {"label": self.label, "resource": tuple(r.name for r in self.path), **self.attrs}


class _FlowClass:
    """Transfers sharing one path: one rate, one count of bytes served per transfer."""

    __slots__ = ("path", "heap", "n", "served", "rate", "last", "timer")

    def __init__(self, path: tuple):
        self.path = path
        self.heap: list = []
        self.n = 0
        self.served = 0.0
        self.rate = 0.0
        self.last = 0.0
        self.timer = 0  # generation of the one completion timer that is current

    def served_at(self, now: float) -> float:
        return self.served + self.rate * (now - self.last)

    def advance(self, now: float) -> None:
        if now != self.last:
            self.served += self.rate * (now - self.last)
            self.last = now


class IoModel:
    """All resources and running transfers of one cloud."""

    def __init__(self, kernel: Any):
        self._kernel = kernel
        self.resources: dict[str, Resource] = {}
        self._classes: dict[tuple, _FlowClass] = {}
        self._active: dict[str, Transfer] = {}
        self._stalled: dict[str, Transfer] = {}
        self._seq = 0
        self._dirty: dict[tuple, _FlowClass] = {}
        self._pending = False
        kernel.faults.watch("io.transfer", self._on_timed_fault)

    # -- resources ---------------------------------------------------------------------------

    def resource(self, name: str, bytes_per_s: float | None = None) -> Resource:
        """The resource called `name`, created with `bytes_per_s` on first use."""
        res = self.resources.get(name)
        if res is None:
            if bytes_per_s is None:
                raise KeyError(f"no I/O resource {name!r}; give its throughput to create it")
            capacity = self._check_capacity(name, self._kernel.choices.throughput(bytes_per_s))
            res = Resource(name, capacity, order=len(self.resources))
            self.resources[name] = res
        return res

    def set_capacity(self, name: str, bytes_per_s: float) -> None:
        """Change a resource's throughput now (slow a link, stall a disk with 0)."""
        res = self.resources[name]
        res.capacity = self._check_capacity(name, bytes_per_s)
        self._kernel.trace.emit("io.capacity", "io", name, bytes_per_s=bytes_per_s)
        for cls in res.classes.values():
            self._touch(cls)

    @staticmethod
    def _check_capacity(name: str, value: float) -> float:
        if not (value >= 0 and math.isfinite(value)):
            raise ValueError(f"throughput of {name!r} must be finite and >= 0, got {value!r}")
        return float(value)

    # -- transfers ---------------------------------------------------------------------------

    def transfer(
        self, size_bytes: int, path: Iterable[Resource | str], label: str, **attrs: Any
    ) -> Transfer:
        """Start moving `size_bytes` through `path`; ``yield transfer.done`` to wait for it."""
        k = self._kernel
        resources = tuple(r if isinstance(r, Resource) else self.resources[r] for r in path)
        if not resources:
            raise ValueError(f"transfer {label!r} needs at least one resource")
        if size_bytes < 0:
            raise ValueError(f"transfer {label!r}: size must be >= 0, got {size_bytes}")
        self._seq += 1
        t = Transfer(f"io-{self._seq}", label, size_bytes, resources, attrs, k.env.event())
        t.started_at = k.now
        k.trace.emit(
            "io.start",
            "io",
            t.id,
            label=label,
            size=size_bytes,
            path=[r.name for r in resources],
            **attrs,
        )
        try:
            rule = k.faults.check("io.transfer", **t.fault_attrs())
        except Exception as exc:
            self._finish_failed(t, exc)
            return t
        if rule is not None and rule.action in ("stall", "delay"):
            self._stalled[t.id] = t
            t.state = "stalled"
            k.trace.emit("io.stall", "io", t.id, label=label)
            if rule.action == "delay":
                k.after(rule.delay_s, lambda: self.resume(t))
            else:  # `faults.release("io.transfer")` lets it go on
                k.faults.stall_event("io.transfer").callbacks.append(lambda _e: self.resume(t))
            return t
        self._enter(t, float(size_bytes))
        return t

    def fail(self, transfer: Transfer, error: BaseException | None = None) -> None:
        """Abort a running or stalled transfer; its `done` event fails with `error`."""
        if transfer.state not in ("running", "stalled"):
            return
        self._leave(transfer)
        self._finish_failed(transfer, error or TransferFailed(f"transfer {transfer.label} failed"))

    def stall(self, transfer: Transfer) -> None:
        """Stop a running transfer where it is (rate 0) until `resume`."""
        if transfer.state != "running":
            return
        transfer._left = transfer.remaining(self._kernel.now)
        self._leave(transfer)
        transfer.state = "stalled"
        self._stalled[transfer.id] = transfer
        self._kernel.trace.emit("io.stall", "io", transfer.id, label=transfer.label)

    def resume(self, transfer: Transfer) -> None:
        """Let a stalled transfer go on with the bytes it had left."""
        if transfer.state != "stalled":
            return
        del self._stalled[transfer.id]
        self._kernel.trace.emit("io.resume", "io", transfer.id, label=transfer.label)
        self._enter(transfer, transfer._left)

    def active(self) -> list[Transfer]:
        """Running and stalled transfers, in the order they started."""
        return sorted(
            [*self._active.values(), *self._stalled.values()], key=lambda t: int(t.id[3:])
        )

    # -- the sharing itself ------------------------------------------------------------------

    def _enter(self, t: Transfer, nbytes: float) -> None:
        now = self._kernel.now
        cls = self._classes.get(t.path)
        if cls is None:
            cls = self._classes[t.path] = _FlowClass(t.path)
            cls.last = now
            for res in t.path:
                res.classes[t.path] = cls
        cls.advance(now)
        t._cls = cls
        t._finish = cls.served + nbytes
        t.state = "running"
        cls.n += 1
        self._seq += 1
        heapq.heappush(cls.heap, (t._finish, self._seq, t))
        self._active[t.id] = t
        self._touch(cls)

    def _leave(self, t: Transfer) -> None:
        """Take a transfer out of its class (its heap entry is skipped when it surfaces)."""
        self._stalled.pop(t.id, None)
        cls = t._cls
        if self._active.pop(t.id, None) is not None and cls is not None:
            cls.advance(self._kernel.now)
            cls.n -= 1
            t._cls = None
            self._touch(cls)

    def _touch(self, cls: _FlowClass) -> None:
        """Ask for one recomputation at this instant, however many changes happen in it."""
        self._dirty[cls.path] = cls
        if not self._pending:
            self._pending = True
            self._kernel.env.timeout(0).callbacks.append(self._on_pending)

    def _on_pending(self, _event: Any) -> None:
        self._pending = False
        self._reshare()

    def _on_timer(self, cls: _FlowClass, generation: int):
        def fire(_event: Any) -> None:
            if cls.timer == generation and self._classes.get(cls.path) is cls:
                self._dirty[cls.path] = cls
                self._reshare()

        return fire

    def _reshare(self) -> None:
        """Finish what is due, then recompute the rates of the classes the changes can reach.

        Only the connected component of the changed classes (linked through shared resources)
        can change rate; the others keep theirs, and their finishing timers stay valid.
        """
        now = self._kernel.now
        touched = self._dirty
        component = self._component(touched.values())
        self._dirty = {}
        finished = []
        for cls in component:
            if (
                cls.heap
                and cls.heap[0][2]._cls is cls
                and cls.heap[0][0] - cls.served_at(now) <= (1e-6 + cls.rate * 2e-9)
            ):
                touched[cls.path] = cls  # something finishes: its next finish changes
            cls.advance(now)
            heap = cls.heap
            tolerance = 1e-6 + cls.rate * 2e-9
            while heap:
                finish, _, t = heap[0]
                if t._cls is not cls:
                    heapq.heappop(heap)
                elif finish - cls.served <= tolerance:
                    heapq.heappop(heap)
                    cls.n -= 1
                    t._cls = None
                    finished.append(t)
                else:
                    break
        live = []
        for cls in component:
            if cls.n == 0:
                del self._classes[cls.path]
                for res in cls.path:
                    res.classes.pop(cls.path, None)
                cls.timer += 1
            else:
                live.append(cls)
        before = [cls.rate for cls in live]
        self._share(live)
        for cls, old_rate in zip(live, before, strict=True):
            # A class whose rate and transfers did not change keeps its timer: still exact.
            if cls.rate != old_rate or cls.path in touched:
                self._schedule(cls)
        for t in finished:
            del self._active[t.id]
            t.state = "done"
            t.finished_at = now
            self._kernel.trace.emit(
                "io.finish", "io", t.id, label=t.label, duration_s=round(now - t.started_at, 9)
            )
            t.done.succeed(t)

    @staticmethod
    def _component(seeds: Iterable[_FlowClass]) -> list[_FlowClass]:
        """The classes reachable from `seeds` through shared resources, in a stable order."""
        seen: dict[tuple, _FlowClass] = {}
        stack = list(seeds)
        done_res: set[str] = set()
        while stack:
            cls = stack.pop()
            if cls.path in seen:
                continue
            seen[cls.path] = cls
            for res in cls.path:
                if res.name not in done_res:
                    done_res.add(res.name)
                    stack.extend(c for c in res.classes.values() if c.path not in seen)
        return list(seen.values())

    @staticmethod
    def _share(classes: list[_FlowClass]) -> None:
        """Progressive filling: fix the flows of the scarcest resource, then repeat.

        A heap keeps resources by their current fair share; entries made stale by a fixing
        step are skipped when they surface.
        """
        left: dict[Resource, float] = {}
        count: dict[Resource, int] = {}
        for cls in classes:
            for res in cls.path:
                left[res] = res.capacity
                count[res] = count.get(res, 0) + cls.n
        heap = [(left[r] / n, r.order, r) for r, n in count.items() if n > 0]
        heapq.heapify(heap)
        unfixed = {cls.path: cls for cls in classes}
        while heap and unfixed:
            share, _, res = heapq.heappop(heap)
            n = count[res]
            if n <= 0 or share != left[res] / n:
                continue
            for path, cls in list(res.classes.items()):
                if path not in unfixed:
                    continue
                del unfixed[path]
                cls.rate = max(0.0, share)
                for other in cls.path:
                    left[other] -= share * cls.n
                    count[other] -= cls.n
                    if other is not res and count[other] > 0:
                        heapq.heappush(heap, (left[other] / count[other], other.order, other))

    def _schedule(self, cls: _FlowClass) -> None:
        """(Re)arm the class's one timer for its next finishing transfer."""
        cls.timer += 1
        if cls.rate <= 0:
            return
        heap = cls.heap
        while heap and heap[0][2]._cls is not cls:
            heapq.heappop(heap)
        if heap:
            delay = max(0.0, round((heap[0][0] - cls.served) / cls.rate, 9))
            self._kernel.env.timeout(delay).callbacks.append(self._on_timer(cls, cls.timer))

    def _finish_failed(self, t: Transfer, error: BaseException) -> None:
        t.state = "failed"
        t.finished_at = self._kernel.now
        self._kernel.trace.emit("io.fail", "io", t.id, label=t.label, error=str(error))
        t.done.fail(error)

    def _on_timed_fault(self, rule: Any) -> None:
        """A rule timed with ``at`` became active: apply it to the transfers it matches."""
        for t in self.active():
            if not self._kernel.faults.fire(rule, **t.fault_attrs()):
                continue
            if rule.action == "raise":
                self.fail(t, self._kernel.faults.make_error(rule))
            elif rule.action in ("stall", "delay"):
                self.stall(t)
                if rule.action == "delay":
                    self._kernel.after(rule.delay_s, lambda t=t: self.resume(t))
                else:
                    released = self._kernel.faults.stall_event("io.transfer")
                    released.callbacks.append(lambda _e, t=t: self.resume(t))
