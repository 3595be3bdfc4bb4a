"""Timed I/O: links and disks with a throughput, shared max-min fairly by the transfers on them.

simpy has no bandwidth sharing, so this module builds it. A `Transfer` moves a number of bytes
through a path of `Resource`s (a compute disk; a compute→Glance link and the Glance store).
At every instant each running transfer gets its max-min fair rate: the scarcest resource is
split evenly among the transfers crossing it, and what they cannot use is left to the others.
The rates are recomputed exactly, at every arrival, departure and capacity change, never by
time-slicing: between two such instants every rate is constant, so each finishing time is
plain arithmetic. Two 1 GB transfers started together on a 100 MB/s link both end at t=20 s.

**Flow classes.** Transfers with the same path always get the same rate, so they form a *flow
class*: a processor-sharing queue holding a heap of its transfers' finishing points, counted
in bytes served per transfer.

**Rate groups.** Max-min fair rates are what *progressive filling* gives: take the resource
with the smallest fair share (capacity left / flows not yet fixed on it), fix every flow that
crosses it at that share, take their use off the other resources on their paths, repeat. The
classes fixed together at one resource all get one per-flow rate, so they form a *rate group*
pinned at that resource, its *bottleneck*. The group keeps the count of bytes served per flow
and a heap of its classes keyed by their next finishing point; a class keeps only its offset
from the group's count. When a thousand host links upload into one saturated Glance store, the
thousand classes are one group: a departure changes one rate, one count and one timer, however
many classes share the store.

**Keeping the groups.** A group's rate is (capacity of its bottleneck - what the other groups
crossing it use there) / its flows there. At a change (arrivals, departures, a class appearing
or emptying) the groups are kept and only the rates the change reaches are recomputed: its own
group's, then, in the order the groups were formed, those of the groups pinned at a resource
whose use changed. Two conditions then say whether the groups still hold (Bertsekas &
Gallager, *Data Networks*, 6.5.2): no resource is over its capacity, and on each bottleneck no
other group is faster than the group pinned there. Together they say that every flow is held
by a saturated resource on which nobody goes faster, which is what max-min fair means; that
allocation is unique, so when both hold the rates are exactly those progressive filling would
give. The checks are cheap: a resource that one group crosses alone (a host's own link) sits in
that group's heap of the rates at which its resources would be full (capacity / flows); a
resource that several groups cross keeps its load; a bottleneck keeps a heap of the rates of
the other groups crossing it. A new class joins the group pinned at one of its resources (the
first formed), or, when none of its resources is a bottleneck, founds a group at the one where
it gets least; a group left without flows is dissolved.

**Forming the groups anew.** When a check fails (the bottlenecks really moved: a host's link
became scarcer than the store, or the store's share fell below a link's) or a capacity changes,
progressive filling recomputes the connected component of the change (the classes linked to it
through shared resources) and forms its groups anew; each class keeps the bytes it has been
served. So a change that keeps the bottlenecks costs O(log n) per group whose rate it moves,
whatever the number of classes; only a change of bottlenecks costs the size of its component
(in a snapshot storm: when the store first saturates, and as the last uploads drain). Changes
at one instant are handled together; transfers finishing together are reported in the order
they started.

**A transfer alone.** A transfer arriving on a path no class or group touches, when nothing else
in the model waits to be settled, goes a short way (`IoModel._enter`): the same queue
entries at the same times (its settling, its timer, its ``done``), the same counters drawn when
the general way draws them, the same events; but its class, its group and the resources' roles
are only written (`IoModel.write_books`) if anything else touches the model before it ends, or
the cloud is saved or forked meanwhile. Then it goes on the general way from the books the
general way would have at that point.

Rates are floats. The checks allow a relative 1e-12 (a tie is not a change of structure), and a
transfer is done when it is within 1e-6 bytes plus 2 ns of service of its end, as timers are
rounded to the nanosecond, or when a timer for the rest would not move the clock (far from its
start a float's step is longer than a nanosecond).

Fault point ``io.transfer`` (attributes ``label``, ``resource`` and the caller's own) can fail,
delay or stall a transfer when it starts, or, with a rule timed by ``at``, while it runs.
"""

from __future__ import annotations

import heapq
import itertools
import operator
from collections.abc import Iterable
from typing import Any

import simpy
from simpy.events import NORMAL, PENDING

from fakecloud.bounds import MAX_COUNT, THROUGHPUT, OutOfRange
from fakecloud.sim.trace import Site, form, site
from fakecloud.suggest import did_you_mean

MB = 1_000_000
GB = 1_000_000_000

_SLACK = 1e-12  # relative tolerance of the fairness checks

#: The forms of a transfer's last event and of a resource's throughput (`Trace.put`): a
#: duration and a throughput are never text (an explored seed's differ in every seed).
_FINISH = form("io.finish", "label", "duration_s", variable=("duration_s",))
_RESOURCE = form("io.resource", "bytes_per_s", variable=("bytes_per_s",))
_CAPACITY = form("io.capacity", "bytes_per_s", variable=("bytes_per_s",))
#: Their sites (`Trace.write_at`): a throughput is the tail, so each event takes the kept path.
_RESOURCE_AT = site(_RESOURCE)
_CAPACITY_AT = site(_CAPACITY)
#: Label -> the site of its transfers' last events (`Trace.write_at`).
_FINISHES: dict[str, Site] = {}
#: The forms of a transfer's first event, by the keys of its caller's attributes: its size
#: and its path's names are never text.
_STARTS: dict[tuple[str, ...], Any] = {}
#: A resource's name (`IoModel.transfer`'s path of names, made in C).
_NAME = operator.attrgetter("name")


def _start_form(attrs: tuple[str, ...]) -> Any:
    found = _STARTS[attrs] = form("io.start", "label", "size", "path", *attrs,
                                  variable=("size", "path"))  # fmt: skip
    return found


def gbit_per_s(gbits: float) -> float:
    """Bytes per second of a link of `gbits` Gbit/s."""
    return gbits * 1e9 / 8


def mb_per_s(mbytes: float) -> float:
    """Bytes per second of a device of `mbytes` MB/s."""
    return mbytes * MB


def _at_most(value: float, limit: float) -> bool:
    return value <= limit + abs(limit) * _SLACK + 1e-9


def in_start_order(transfers: Iterable[Transfer]) -> list[Transfer]:
    """`transfers` in the order they started (their ids count up): a set of them iterates in
    the order of their addresses, which differ from one Python process to the next."""
    return sorted(transfers, key=lambda t: int(t.id[3:]))


class TransferFailed(Exception):
    """A transfer failed (a fault, or the work it belonged to was aborted)."""


class Resource:
    """A link or a disk: a name and a throughput in bytes per second.

    The other attributes are the sharing's bookkeeping: the flow classes crossing it, its
    running flows, and its role among the rate groups (bottleneck of `owner`, crossed only by
    `solo`, or `shared` by several, with the `load` they put on it).
    """

    classes: dict[tuple, _FlowClass]
    users: dict[_RateGroup, int]
    owner: _RateGroup | None
    solo: _RateGroup | None
    feeders: Any

    __slots__ = (
        "name",
        "capacity",
        "nominal",
        "classes",
        "order",
        "flows",
        "users",
        "owner",
        "solo",
        "shared",
        "load",
        "updates",
        "feeders",
    )

    def __init__(self, name: str, capacity: float, order: int = 0):
        self.name = name
        self.capacity = capacity
        self.nominal = capacity
        self.classes = {}  # the flow classes crossing it, in order
        self.order = order
        self._reset()

    def _reset(self) -> None:
        self.flows = sum(cls.n for cls in self.classes.values() for r in cls.path if r is self)
        self.users = {}  # flows per rate group crossing it
        self.owner = None  # the group pinned here
        self.solo = None  # the one group crossing it, when not pinned here
        self.shared = False  # crossed by several groups, pinned by none
        self.load = 0.0  # what the groups other than the owner use (owned or shared)
        self.updates = 0  # incremental changes of `load` since it was last summed afresh
        self.feeders = ()  # heap of (-rate, tie, group) of the others, when owned

    def __repr__(self) -> str:
        return f"Resource({self.name!r}, {self.capacity:g} B/s)"


class Transfer:
    """Bytes moving through a path of resources; `done` fires (with None) when it is finished.

    Not with the transfer itself: its waiters hold the transfer already, and an event whose
    value is the transfer holding it is a reference cycle, garbage only the collector frees
    (in a storm one per flow: its Glance upload)."""

    started_at: float
    finished_at: float | None
    _cls: _FlowClass | None

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
        "_entry",
    )

    def __init__(self, tid: str, label: str, size: int, path: tuple, attrs: dict, done: Any):
        self.id = tid
        self.label = label
        self.size = size
        self.path = path
        self.attrs = attrs
        self.done = done
        self.started_at = 0.0
        self.finished_at = None
        self.state = "running"
        self._cls = None
        self._finish = 0.0
        self._left = float(size)
        self._entry = 0  # the seq of its current entry in its class's heap

    @property
    def rate(self) -> float:
        """Bytes per second it gets right now (0 when stalled or finished)."""
        cls = self._cls
        if cls.__class__ is _Lone:
            cls.model.write_books()
            cls = self._cls
        return cls.group.rate if cls is not None and cls.group is not None else 0.0

    def remaining(self, now: float) -> float:
        """Bytes still to move at virtual time `now`."""
        cls = self._cls
        if cls is None:
            return self._left if self.state == "stalled" else 0.0
        if cls.__class__ is _Lone:
            cls.model.write_books()
            cls = self._cls
        return max(0.0, self._finish - cls.served_at(now))

    def fault_attrs(self) -> dict[str, Any]:
        """What fault rules can match on."""
        return {"label": self.label, "resource": tuple(r.name for r in self.path), **self.attrs}


class _FlowClass:
    """Transfers sharing one path: a heap of finishing points, in bytes served per transfer."""

    heap: list
    group: _RateGroup | None

    __slots__ = ("path", "heap", "n", "group", "offset", "gen")

    def __init__(self, path: tuple):
        self.path = path
        self.heap = []  # (finish point, seq, transfer); left transfers are skipped
        self.n = 0
        self.group = None
        self.offset = 0.0  # bytes served per transfer = the group's count + offset
        self.gen = 0  # which of its entries in the group's heap is current

    def first(self) -> Transfer | None:
        """Its transfer that finishes first, dropping the entries of those that left."""
        heap = self.heap
        while heap:
            _, entry, t = heap[0]
            if t._cls is self and t._entry == entry:
                return t
            heapq.heappop(heap)
        return None

    def served_at(self, now: float) -> float:
        g = self.group
        if g is None:
            return self.offset
        return g.served + g.rate * (now - g.last) + self.offset


class _RateGroup:
    """Classes fixed at one bottleneck: one rate and one count of bytes served per flow."""

    heap: list
    watch: dict[Resource, None]
    solos: dict[Resource, None]
    limits: Any

    __slots__ = (
        "bottleneck",
        "step",
        "rate",
        "served",
        "last",
        "n",
        "heap",
        "timer",
        "alive",
        "watch",
        "solos",
        "limits",
    )

    def __init__(self, bottleneck: Resource, step: int, rate: float, now: float):
        self.bottleneck = bottleneck
        self.step = step  # formed after every group with a smaller step it depends on
        self.rate = rate
        self.served = 0.0
        self.last = now
        self.n = 0
        self.heap = []  # (next finish point in its count, tie, class, class gen)
        self.timer = 0  # generation of the one completion timer that is current
        self.alive = True
        self.watch = {}  # resources it crosses that keep a load
        self.solos = {}  # resources only it crosses (but not pins)
        self.limits = ()  # heap of (capacity / flows, tie, resource) of its solos

    def advance(self, now: float) -> None:
        if now != self.last:
            self.served += self.rate * (now - self.last)
            self.last = now


class _Lone:
    """A transfer going the short way (`IoModel._enter`): alone on its path since it
    arrived, with nothing else changing in the I/O model, so its class, its rate group and the
    resources' roles are not written, only what the general way would decide: the group's
    bottleneck `best` (None before its settling), `rate`, `step`, first `tie`, the instant `now`
    it was settled at, and its completion timer's queued `event` (None without one)."""

    best: Resource | None
    event: Any

    __slots__ = ("model", "t", "best", "rate", "step", "tie", "now", "event")


class IoModel:
    """All resources and running transfers of one cloud."""

    resources: dict[str, Resource]
    _classes: dict[tuple, _FlowClass]
    _active: dict[str, Transfer]
    _stalled: dict[str, Transfer]
    _touched: dict[tuple, _FlowClass]
    _changed: dict[_RateGroup, None]
    _retime: dict[_RateGroup, None]
    _check_limits: dict[_RateGroup, None]
    _check_load: dict[Resource, None]
    _recapped: dict[Resource, None]
    _finished: list[Transfer]
    _lone: _Lone | None

    def __init__(self, kernel: Any):
        self._kernel = kernel
        self.resources = {}
        self._classes = {}
        self._active = {}
        self._stalled = {}
        self._seq = 0
        self._tie = itertools.count()
        self._steps = itertools.count(1)
        self._pending = False
        # What changed since the rates were last settled:
        self._touched = {}  # classes whose flows changed
        self._changed = {}  # groups whose rate must be recomputed
        self._retime = {}  # groups whose timer must be rearmed
        self._check_limits = {}
        self._check_load = {}
        self._recapped = {}  # resources whose capacity changed
        self._reform = False  # the groups must be formed anew
        self._finished = []
        # The transfer going the short way, if one is (not saved: `write_books` first).
        self._lone = None
        kernel.faults.watch("io.transfer", self._on_timed_fault)
        kernel.choices.on_start.append(self._jitter)

    # -- resources ---------------------------------------------------------------------------

    def resource(self, name: str, bytes_per_s: float | None = None) -> Resource:
        """The resource called `name`, created with `bytes_per_s` on first use."""
        res = self.resources.get(name)
        if res is None:
            if bytes_per_s is None:
                raise KeyError(f"no I/O resource {name!r}; give its throughput to create it")
            capacity = self._check_capacity(
                name, self._kernel.choices.throughput(bytes_per_s, name)
            )
            res = Resource(name, capacity, order=len(self.resources))
            self.resources[name] = res
            self._kernel.trace.write_at(_RESOURCE_AT, "io", name, (capacity,))
        return res

    def _jitter(self) -> None:
        """Chance was switched on: the links and disks that exist run off their throughput."""
        if not self._kernel.choices.chance.throughput_jitter:
            return
        for res in list(self.resources.values()):
            jittered = self._kernel.choices.throughput(res.capacity, res.name)
            if jittered != res.capacity:
                self.set_capacity(res.name, jittered)

    def set_capacity(self, name: str, bytes_per_s: float) -> None:
        """Change a resource's throughput now (slow a link, stall a disk with 0)."""
        res = self.resources.get(name)
        if res is None:  # was a bare KeyError of the name
            raise KeyError(
                f"no I/O resource {name!r}{did_you_mean(name, self.resources)}; resources: "
                f"{', '.join(map(str, self.resources)) or 'none yet'} (io.resource(name, "
                "bytes_per_s) makes one)"
            )
        if self._lone is not None:
            self.write_books()
        res.capacity = self._check_capacity(name, bytes_per_s)
        self._kernel.trace.write_at(_CAPACITY_AT, "io", name, (bytes_per_s,))
        if res.classes:
            self._recapped[res] = None
            self._reform = True
            self._request()

    @staticmethod
    def _check_capacity(name: str, value: float) -> float:
        """`value` as a throughput (`fakecloud.bounds.THROUGHPUT`: `OutOfRange`, a ValueError,
        naming the resource): a string or None was a TypeError of ``>=``, a whole number past
        a float's range an OverflowError, True a throughput of 1 B/s."""
        return float(THROUGHPUT.check(value, f"throughput of {name!r}"))

    # -- transfers ---------------------------------------------------------------------------

    def transfer(
        self, size_bytes: int, path: Iterable[Resource | str], label: str, **attrs: Any
    ) -> Transfer:
        """Start moving `size_bytes` through `path`; ``yield transfer.done`` to wait for it."""
        k = self._kernel
        resources = tuple(path)
        for r in resources:  # (names among them: looked up; most callers give resources)
            if r.__class__ is not Resource:
                resources = tuple(
                    r if isinstance(r, Resource) else self.resources[r] for r in resources
                )
                break
        if not resources:
            raise ValueError(f"transfer {label!r} needs at least one resource")
        if not 0 <= size_bytes <= MAX_COUNT:  # a NaN compares false: it never finished
            raise OutOfRange(
                f"transfer {label!r}: expected a size in bytes from 0 to {MAX_COUNT}, "
                f"got {size_bytes!r}"
            )
        self._seq += 1
        done = _new_event(simpy.Event)  # env.event(), without its two calls
        done.env = k.env  # the fields in simpy's order, as Event.__init__ sets them
        done.callbacks = []
        done._value = PENDING
        t = Transfer(f"io-{self._seq}", label, size_bytes, resources, attrs, done)
        t.started_at = k.env._now  # kernel.now, without the property's call
        names = list(map(_NAME, resources))
        k.trace.write(
            _STARTS.get(tuple(attrs)) or _start_form(tuple(attrs)),
            "io",
            t.id,
            (label, size_bytes, names, *attrs.values()),
        )
        rule = None
        if "io.transfer" in k.faults.hot:  # else consulting it does nothing
            consulted = {"label": label, "resource": tuple(names), **attrs}
            if "io.transfer" in k.choices.fault_points:  # the explorer's `partway` needs it
                consulted["size"] = size_bytes
            try:  # the point's attributes are `fault_attrs()`, the names made once
                rule = k.faults.check("io.transfer", **consulted)
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
        return in_start_order([*self._active.values(), *self._stalled.values()])

    # -- transfers coming and going ------------------------------------------------------------

    def _enter(self, t: Transfer, nbytes: float) -> None:
        if self._lone is not None:
            self.write_books()
        cls = self._classes.get(t.path)
        if cls is None:
            if not (
                self._pending
                or self._touched
                or self._reform
                or self._changed
                or self._retime
                or self._check_limits
                or self._check_load
            ) and _idle(t.path):
                # The short way: the general way's arrival, its settling asked for, as long as
                # nothing else touches the model (anything that does writes the books first,
                # `write_books`); the queue entries, the counters drawn and the books left are
                # the general way's. Its `_Lone` and the settling's `_timeout` are made here
                # without a call of either (as are the timer and the end, `_on_pending` and
                # `_on_timer`: some 3,000 instructions a transfer less in all).
                t._finish = 0.0 + nbytes  # its class's bytes served so far (0.0) + nbytes
                t.state = "running"
                self._seq += 1
                t._entry = self._seq
                lone = _new_event(_Lone)  # `_Lone(self, t)`, without its __init__'s call
                lone.model = self
                lone.t = t
                lone.best = None
                lone.event = None
                t._cls = self._lone = lone
                self._active[t.id] = t
                self._pending = True  # `_request`, and `_timeout` without its call
                env = self._kernel.env
                event = _new_event(simpy.Timeout)
                event.env = env
                event.callbacks = [self._on_pending]
                event._value = None
                event._delay = 0
                event._ok = True
                heapq.heappush(env._queue, (env._now + 0, NORMAL, next(env._eid), event))
                return
            cls = self._classes[t.path] = _FlowClass(t.path)
            for res in t.path:
                res.classes[t.path] = cls
        t._cls = cls
        t._finish = cls.served_at(self._kernel.now) + nbytes
        t.state = "running"
        self._seq += 1
        t._entry = self._seq
        heapq.heappush(cls.heap, (t._finish, self._seq, t))
        if cls.first() is t and cls.group is not None:  # the class's next finish moved earlier
            self._push_class(cls)
            self._retime[cls.group] = None
        self._active[t.id] = t
        self._count(cls, 1)
        self._request()

    def _leave(self, t: Transfer) -> None:
        """Take a transfer out of its class (its heap entry is skipped when it surfaces)."""
        if self._lone is not None:
            self.write_books()
        self._stalled.pop(t.id, None)
        cls = t._cls
        if self._active.pop(t.id, None) is not None and cls is not None:
            t._cls = None
            self._count(cls, -1)
            self._request()

    def write_books(self) -> None:
        """Write the books of the transfer going the short way, if one is, as the general way
        keeps them at this point (its class, rate group and the resources' roles), before
        anything else reads or changes the model and before a save or a fork; from here on it
        goes the general way."""
        lone = self._lone
        if lone is None:
            return
        self._lone = None
        t = lone.t
        path = t.path
        cls = self._classes[path] = _FlowClass(path)
        for r in path:
            r.classes[path] = cls
        t._cls = cls
        cls.heap.append((t._finish, t._entry, t))
        cls.n = 1
        for r in path:
            r.flows += 1
        best = lone.best
        if best is None:  # its settling is queued
            self._touched[path] = cls
            return
        now = lone.now
        g = _RateGroup(best, lone.step, lone.rate, now)
        best.load = 0.0
        best.owner = g
        best.updates = 0
        best.feeders = ()
        cls.group = g  # its offset stays 0.0: nothing served, at the group's own instant
        g.n = 1
        tie = lone.tie
        for r in path:
            r.users[g] = 1
            if r is not best:
                r.solo = g
                g.solos[r] = None
                if not g.limits:
                    g.limits = []
                heapq.heappush(g.limits, (r.capacity / r.flows, tie, r))
                tie += 1
        cls.gen = 1
        g.heap.append((t._finish - cls.offset, tie, cls, cls.gen))
        g.timer = 1
        if lone.event is not None:
            lone.event._value = (g, g.timer)

    def _count(self, cls: _FlowClass, delta: int) -> None:
        """Add `delta` flows to a class, keeping its group's and resources' books."""
        self._touched[cls.path] = cls
        cls.n += delta
        for r in cls.path:
            r.flows += delta
        g = cls.group
        if g is None:  # a class born at this instant: placed when the instant is settled
            return
        g.n += delta
        self._changed[g] = None
        for r in cls.path:
            a = r.users.get(g, 0) + delta
            if a:
                r.users[g] = a
            else:
                del r.users[g]
            if r is not g.bottleneck:
                self._note_use(r, g, delta)

    def _note_use(self, r: Resource, g: _RateGroup, delta: int) -> None:
        """`delta` flows of `g` were added on `r`, which is not its bottleneck."""
        if r.owner is not None:
            self._add_load(r, g.rate * delta)
            self._changed[r.owner] = None
            if delta > 0:
                self._push_feeder(r, g)
        elif r.solo is g:
            if r.flows:
                self._push_limit(g, r)
            self._check_limits[g] = None
        elif r.shared:
            self._add_load(r, g.rate * delta)
            self._check_load[r] = None
        else:  # not expected: the books of `r` lost `g`; filling afresh puts them right
            self._reform = True

    def _add_load(self, r: Resource, amount: float) -> None:
        """Change a kept load; summed afresh now and then so that rounding cannot pile up."""
        r.load += amount
        r.updates += 1
        if r.updates > 2 * len(r.users) + 8:
            r.updates = 0
            owner = r.owner
            r.load = sum(k.rate * a for k, a in r.users.items() if k is not owner)

    def _push_feeder(self, r: Resource, g: _RateGroup) -> None:
        """Note `g`'s rate among those of the groups crossing `r`, a bottleneck not its own."""
        if not r.feeders:
            r.feeders = []
        heapq.heappush(r.feeders, (-g.rate, next(self._tie), g))

    def _push_limit(self, g: _RateGroup, r: Resource) -> None:
        """Note the rate at which `r`, which only `g` crosses, would be full."""
        if not g.limits:
            g.limits = []
        heapq.heappush(g.limits, (r.capacity / r.flows, next(self._tie), r))

    def _push_class(self, cls: _FlowClass) -> None:
        """Enter the class's next finishing point in its group's heap (older entries lapse)."""
        cls.gen += 1
        key = cls.heap[0][0] - cls.offset
        heapq.heappush(cls.group.heap, (key, next(self._tie), cls, cls.gen))

    # -- settling the rates --------------------------------------------------------------------

    def _request(self) -> None:
        """Ask for one settling at this instant, however many changes happen in it."""
        if not self._pending:
            self._pending = True
            _timeout(self._kernel.env, 0, None, self._on_pending)

    def _on_pending(self, _event: Any) -> None:
        self._pending = False
        lone = self._lone
        if lone is None:
            self._reshare()
            return
        # The settling of the transfer going the short way (`_settle_alone`, `_place_alone`;
        # anything else would have written its books): its group's bottleneck, rate, step and
        # ties drawn, its timer armed (`_schedule`).
        t = lone.t
        path = t.path
        best, best_share = None, 0.0
        for r in path:
            share = (r.capacity - 0.0) / 1
            if best is None or share < best_share:
                best, best_share = r, share
        lone.best = best
        lone.rate = rate = max(0.0, best_share)
        env = self._kernel.env
        lone.now = env._now
        lone.step = next(self._steps)
        lone.tie = next(self._tie)  # the limits of the resources but `best`, then the class
        if len(path) > 1:
            for _ in range(len(path) - 1):
                next(self._tie)
        key = t._finish  # its first point less its class's offset (0.0); nothing served yet
        if rate > 0:
            delay = max(0.0, round(key / rate, 9))
        elif key <= 1e-6:  # nothing left to move: done even at rate 0
            delay = 0.0
        else:  # no timer: it waits for a capacity change
            self.write_books()
            return
        # `_timeout(env, delay, lone, self._on_timer)`, without its call
        event = _new_event(simpy.Timeout)
        event.env = env
        event.callbacks = [self._on_timer]
        event._value = lone
        event._delay = delay
        event._ok = True
        heapq.heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), event))
        lone.event = event

    def _on_timer(self, event: Any) -> None:
        value = event._value
        if value.__class__ is _Lone:
            # The timer of the transfer going the short way: done (`_finish_due`, then
            # `_settle_alone` dissolving its group), or, short of its end by the timer's
            # rounding, its books written and the general way goes on.
            lone = value
            t = lone.t
            now = self._kernel.env._now
            rate = lone.rate
            served = 0.0 + rate * (now - lone.now) if now != lone.now else 0.0
            if t._finish - served > 1e-6 + rate * 2e-9:
                self.write_books()
                self._on_timer(event)
                return
            self._lone = None
            t._cls = lone.event = None  # no cycles left for the collector (lone <-> t, event)
            best = lone.best
            best.load = 0.0  # as `_place_alone` and `_dissolve` leave its bottleneck
            best.updates = 0
            best.feeders = ()
            self._report(t, now)
            return
        g, generation = value
        if g.timer == generation and g.alive:
            if self._lone is not None:
                self.write_books()
            self._finish_due(g)
            self._retime[g] = None
            self._reshare()

    def _finish_due(self, g: _RateGroup) -> None:
        """Take out of `g` the transfers that have reached their end: within the tolerance,
        or so close to it that a timer for the rest would come at this same instant (far
        from the clock's start, a float's step is more than a nanosecond: such a timer would
        be armed again and again, the clock never moving)."""
        now = self._kernel.now
        g.advance(now)
        tolerance = 1e-6 + g.rate * 2e-9
        while True:
            key = self._next_point(g)
            if key is None:
                return
            left = key - g.served
            if left > tolerance and not (g.rate > 0 and now + round(left / g.rate, 9) == now):
                return
            cls = g.heap[0][2]
            _, _, t = heapq.heappop(cls.heap)
            t._cls = None
            self._finished.append(t)
            self._count(cls, -1)

    def _next_point(self, g: _RateGroup) -> float | None:
        """The group's next finishing point, mending the lapsed heap entries on the way."""
        heap = g.heap
        while heap:
            key, _, cls, gen = heap[0]
            if cls.group is not g or cls.gen != gen:
                heapq.heappop(heap)
                continue
            if cls.first() is None:
                heapq.heappop(heap)
                continue
            true_key = cls.heap[0][0] - cls.offset
            if true_key != key:  # its first transfer left: the entry was a lower bound
                heapq.heapreplace(heap, (true_key, next(self._tie), cls, gen))
                continue
            return key
        return None

    def _reshare(self) -> None:
        """Settle the rates after the changes of this instant, then report what finished."""
        now = self._kernel.now
        touched, self._touched = self._touched, {}
        if not (len(touched) == 1 and self._settle_alone(touched, now)):
            self._settle(touched, now)
        finished, self._finished = self._finished, []
        if len(finished) > 1:
            finished.sort(key=lambda t: int(t.id[3:]))
        for t in finished:
            self._report(t, now)

    def _report(self, t: Transfer, now: float) -> None:
        """A transfer is done: traced, and its `done` event succeeds."""
        del self._active[t.id]
        t.state = "done"
        t.finished_at = now
        at = _FINISHES.get(t.label)
        if at is None:
            at = _FINISHES[t.label] = site(_FINISH, label=t.label)
        self._kernel.trace.write_at(at, "io", t.id, (round(now - t.started_at, 9),))
        done = t.done
        if done._value is not PENDING:
            done.succeed()  # raises as simpy does
            return
        # done.succeed(), without its two calls: queued as env.schedule(done) would
        done._ok = True
        done._value = None
        env = done.env
        heapq.heappush(env._queue, (env._now, NORMAL, next(env._eid), done))

    def _settle(self, touched: dict[tuple, _FlowClass], now: float) -> None:
        """Place the new classes, drop the empty ones, and keep or form the groups anew."""
        for cls in touched.values():
            if cls.group is None and cls.n > 0:
                self._place(cls, now)
        for cls in touched.values():
            if cls.n == 0 and self._classes.get(cls.path) is cls:
                self._drop(cls)
        if self._reform or not self._keep_groups(now):
            self._form_groups(touched.values(), now)
            self._recapped.clear()
            self._reform = False
        for g in self._retime:
            self._schedule(g, now)
        for books in (self._changed, self._retime, self._check_limits, self._check_load):
            if books:
                books.clear()

    def _drop(self, cls: _FlowClass) -> None:
        """Forget a class left without flows."""
        del self._classes[cls.path]
        for res in cls.path:
            res.classes.pop(cls.path, None)
        cls.group = None

    def _settle_alone(self, touched: dict[tuple, _FlowClass], now: float) -> bool:
        """`_settle` of the one change of a class alone on its path, if that is the change:
        its first transfer arrived, or its last one left. Whether it was."""
        if self._reform or self._check_load:
            return False
        (cls,) = touched.values()
        g = cls.group
        if g is None:  # arrived: nothing else pending, nobody else on its path
            if self._changed or self._retime or self._check_limits or not cls.n:
                return False
            if not self._alone(cls):
                return False
            self._place_alone(cls, now)
            return True
        # left: its group had no other class, and no other group feeds its bottleneck
        if cls.n or g.n or not g.alive or g.bottleneck.users:
            return False
        if (
            len(self._changed) != 1
            or g not in self._changed
            or self._classes.get(cls.path) is not cls
        ):
            return False
        for books in (self._retime, self._check_limits):
            if books and (len(books) != 1 or g not in books):
                return False
        self._drop(cls)
        self._dissolve(g)  # what `_keep_groups` does with a group left without flows
        if self._retime:
            g.timer += 1  # `_schedule` of a dissolved group
            self._retime.clear()
        self._changed.clear()
        if self._check_limits:
            self._check_limits.clear()
        return True

    # -- the fast way: keep the groups, recompute the rates the change reaches, check -------

    def _keep_groups(self, now: float) -> bool:
        """Recompute the changed groups' rates; whether the groups are still max-min fair."""
        queued = self._changed
        queue = [(g.step, g) for g in queued]
        heapq.heapify(queue)
        fair: list[_RateGroup] = []
        while queue:  # in the order the groups were formed: a group after those feeding it
            _, g = heapq.heappop(queue)
            if not g.alive:
                continue
            if g.n == 0:
                self._dissolve(g)
                continue
            b = g.bottleneck
            rate = (b.capacity - b.load) / b.users[g]
            if rate < 0:
                if not _at_most(b.load, b.capacity):
                    return False  # the groups feeding it already use more than it has
                rate = 0.0
            if rate != g.rate:
                g.advance(now)
                delta = rate - g.rate
                g.rate = rate
                self._retime[g] = None
                for r in g.watch:
                    a = r.users.get(g)
                    if not a:
                        continue
                    self._add_load(r, delta * a)
                    owner = r.owner
                    if owner is not None:
                        self._push_feeder(r, g)
                        if owner not in queued:
                            queued[owner] = None
                            heapq.heappush(queue, (owner.step, owner))
                    else:
                        self._check_load[r] = None
            fair.append(g)
            if g.solos:
                self._check_limits[g] = None
        for g in fair:
            if g.bottleneck.feeders and not self._fastest_at_bottleneck(g):
                return False
        for g in self._check_limits:
            if g.alive and not self._within_limits(g):
                return False
        for r in self._check_load:
            if r.owner is None and not _at_most(r.load, r.capacity):
                return False
        return True

    def _fastest_at_bottleneck(self, g: _RateGroup) -> bool:
        """No other group crossing `g`'s bottleneck is faster than `g`."""
        b = g.bottleneck
        heap = b.feeders
        if len(heap) > 2 * len(b.users) + 32:
            heap = b.feeders = [(-k.rate, next(self._tie), k) for k in b.users if k is not g]
            heapq.heapify(heap)
        while heap:
            neg, _, k = heap[0]
            if k.alive and k is not g and -neg == k.rate and b.users.get(k):
                return _at_most(k.rate, g.rate)
            heapq.heappop(heap)
        return True

    def _within_limits(self, g: _RateGroup) -> bool:
        """No resource that only `g` crosses is over its capacity at `g`'s rate."""
        heap = g.limits
        if len(heap) > 2 * len(g.solos) + 64:
            g.solos = {r: None for r in g.solos if r.solo is g}
            heap = g.limits = [
                (r.capacity / r.flows, next(self._tie), r) for r in g.solos if r.flows
            ]
            heapq.heapify(heap)
        while heap:
            limit, _, r = heap[0]
            if r.solo is g and r.flows and r.capacity / r.flows == limit:
                return _at_most(g.rate, limit)
            heapq.heappop(heap)
        return True

    def _place(self, cls: _FlowClass, now: float) -> None:
        """Put a new class in the group pinned at one of its resources, or found one."""
        owners = [r.owner for r in cls.path if r.owner is not None]
        g = min(owners, key=lambda k: k.step) if owners else self._found(cls, now)
        served = cls.served_at(now)
        cls.group = g
        cls.offset = served - (g.served + g.rate * (now - g.last))
        g.n += cls.n
        self._changed[g] = None
        self._retime[g] = None
        for r in cls.path:
            r.users[g] = r.users.get(g, 0) + cls.n
            if r is g.bottleneck:
                continue
            if r.solo is not None and r.solo not in r.users:  # its group has left it
                r.solo = None
            if r.owner is not None:
                g.watch[r] = None
                if r.owner.step < g.step:  # cannot happen: `g` is the first formed
                    self._reform = True
            elif r.solo is g:
                pass
            elif r.solo is not None:  # a second group crosses it: now shared
                other = r.solo
                r.solo = None
                r.shared = True
                r.load = other.rate * r.users[other]
                r.updates = 0
                other.watch[r] = None
                g.watch[r] = None
            elif r.shared:
                g.watch[r] = None
            else:  # crossed by no group yet: by this one alone
                r.solo = g
                g.solos[r] = None
            self._note_use(r, g, cls.n)
        cls.first()
        self._push_class(cls)

    def _alone(self, cls: _FlowClass) -> bool:
        """Whether a new class is the only one on every resource of its path, and no group
        crosses any of them (a transfer on an idle path: the common case)."""
        path = cls.path
        for r in path:
            if len(r.classes) != 1 or r.users or r.owner or r.solo or r.shared:
                return False
        return len(path) == 1 or len(set(path)) == len(path)

    def _place_alone(self, cls: _FlowClass, now: float) -> None:
        """`_place` (by `_found`) of a class alone on its path, and the rest of `_reshare`.

        The group is pinned at the scarcest resource of the path (the first of equals), at
        that resource's capacity per flow; the others are its solos. Those rates are max-min
        fair by construction, so `_keep_groups` has nothing to recompute or refute: only the
        timer is armed. The books end exactly as the general way leaves them.
        """
        n = cls.n
        best, best_share = None, 0.0
        for r in cls.path:
            share = (r.capacity - 0.0) / n
            if best is None or share < best_share:
                best, best_share = r, share
        assert best is not None
        g = _RateGroup(best, next(self._steps), max(0.0, best_share), now)
        best.load = 0.0
        best.owner = g
        best.updates = 0
        best.feeders = ()
        served = cls.served_at(now)
        cls.group = g
        cls.offset = served - (g.served + g.rate * (now - g.last))
        g.n = n
        for r in cls.path:
            r.users[g] = n
            if r is not best:
                r.solo = g
                g.solos[r] = None
                self._push_limit(g, r)
        cls.first()
        self._push_class(cls)
        self._schedule(g, now)

    def _found(self, cls: _FlowClass, now: float) -> _RateGroup:
        """A new group for `cls`, pinned at the resource of its path where it gets least."""
        best, best_share = None, 0.0
        for r in cls.path:
            if r.shared:
                load = r.load
            elif r.solo is not None:
                load = r.solo.rate * r.users.get(r.solo, 0)
            else:
                load = 0.0
            share = (r.capacity - load) / cls.n
            if best is None or share < best_share:
                best, best_share = r, share
        assert best is not None
        g = _RateGroup(best, next(self._steps), max(0.0, best_share), now)
        other = best.solo
        if other is not None:  # the group crossing it alone now feeds the new bottleneck
            best.solo = None
            other.watch[best] = None
            best.load = other.rate * best.users.get(other, 0)
        elif not best.shared:
            best.load = 0.0
        best.shared = False
        best.owner = g
        best.updates = 0
        best.feeders = ()
        for k in best.users:
            self._push_feeder(best, k)
        return g

    def _dissolve(self, g: _RateGroup) -> None:
        """Drop a group left without flows; its bottleneck is left to the groups crossing it."""
        g.alive = False
        g.timer += 1
        b = g.bottleneck
        b.owner = None
        b.feeders = ()
        others = list(b.users)
        if len(others) == 1:
            k = others[0]
            b.solo = k
            k.solos[b] = None
            k.watch.pop(b, None)
            b.load = 0.0
            self._push_limit(k, b)
            self._check_limits[k] = None
        elif others:
            b.shared = True
            self._check_load[b] = None
        else:
            b.load = 0.0
        for r in g.solos:
            if r.solo is g:
                r.solo = None

    # -- the sure way: progressive filling of the component, groups formed anew --------------

    def _form_groups(self, touched: Iterable[_FlowClass], now: float) -> None:
        """Progressive filling: fix the flows of the scarcest resource, then repeat.

        A heap keeps resources by their current fair share; entries made stale by a fixing
        step are skipped when they surface. The flows fixed in one step form one rate group.
        """
        seeds = [r for cls in touched for r in cls.path]
        classes, resources = self._component([*seeds, *self._recapped])
        old_groups = [cls.group for cls in classes] + [r.owner for r in resources]
        for cls in classes:
            cls.offset = cls.served_at(now)
            cls.group = None
        for g in old_groups:
            if g is not None:
                g.alive = False
                g.timer += 1
        for r in resources:
            r._reset()
        left = {r: r.capacity for r in resources}
        count = {r: r.flows for r in resources}
        heap = [(left[r] / n, r.order, next(self._tie), r) for r, n in count.items() if n > 0]
        heapq.heapify(heap)
        groups = []
        while heap:
            share, _, _, res = heapq.heappop(heap)
            n = count[res]
            if n <= 0 or share != left[res] / n:
                continue
            g = _RateGroup(res, next(self._steps), max(0.0, share), now)
            res.owner = g
            groups.append(g)
            for cls in res.classes.values():
                if cls.group is not None:
                    continue
                cls.group = g
                g.n += cls.n
                for other in cls.path:
                    left[other] -= share * cls.n
                    count[other] -= cls.n
                    if other is not res and count[other] > 0:
                        share_left = left[other] / count[other]
                        heapq.heappush(heap, (share_left, other.order, next(self._tie), other))
        for cls in classes:
            g = cls.group
            for r in cls.path:
                r.users[g] = r.users.get(g, 0) + cls.n
            cls.first()
            cls.gen += 1
            g.heap.append((cls.heap[0][0] - cls.offset, next(self._tie), cls, cls.gen))
        for r in resources:
            owner = r.owner
            if owner is None and len(r.users) == 1:
                (g,) = r.users
                r.solo = g
                g.solos[r] = None
                self._push_limit(g, r)
                continue
            r.shared = owner is None and bool(r.users)
            for g, a in r.users.items():
                if g is not owner:
                    r.load += g.rate * a
                    g.watch[r] = None
                    if owner is not None:
                        self._push_feeder(r, g)
        for g in groups:
            heapq.heapify(g.heap)
            self._retime[g] = None

    def _component(self, seeds: Iterable[Resource]) -> tuple[list[_FlowClass], list[Resource]]:
        """The classes and resources linked to `seeds` through shared resources, in order."""
        classes: dict[tuple, _FlowClass] = {}
        resources: dict[Resource, None] = {}
        stack = list(seeds)
        while stack:
            res = stack.pop()
            if res in resources:
                continue
            resources[res] = None
            for path, cls in res.classes.items():
                if path not in classes:
                    classes[path] = cls
                    stack.extend(path)
        return list(classes.values()), list(resources)

    def _schedule(self, g: _RateGroup, now: float) -> None:
        """(Re)arm the group's one timer for its next finishing transfer."""
        g.timer += 1
        if not g.alive:
            return
        key = self._next_point(g)
        if key is None:
            return
        g.advance(now)
        if g.rate > 0:
            delay = max(0.0, round((key - g.served) / g.rate, 9))
        elif key - g.served <= 1e-6:  # nothing left to move: done even at rate 0
            delay = 0.0
        else:
            return
        _timeout(self._kernel.env, delay, (g, g.timer), self._on_timer)

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


_new_event = object.__new__


def _idle(path: tuple) -> bool:
    """Whether no flow class and no rate group is on any resource of `path`, and none is in
    it twice (what `IoModel._alone` asks of a new class, before it is there)."""
    for r in path:
        if r.classes or r.users or r.owner is not None or r.solo is not None or r.shared:
            return False
    return len(path) == 1 or len(set(path)) == len(path)


def _timeout(env: simpy.Environment, delay: float, value: Any, callback: Any) -> Any:
    """``env.timeout(delay, value).callbacks.append(callback)`` without simpy's two calls
    (its constructor and ``schedule``): the same `simpy.Timeout`, its fields in simpy's order,
    queued at the same place; returned."""
    event = _new_event(simpy.Timeout)
    event.env = env
    event.callbacks = [callback]
    event._value = value
    event._delay = delay
    event._ok = True
    heapq.heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), event))
    return event
