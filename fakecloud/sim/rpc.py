"""The RPC bus: oslo.messaging's `cast` and `call` over RabbitMQ, on virtual time.

Services register an endpoint object under a target name (``compute.cmp-1``); the target is a
queue of the broker. A **cast** reaches the queue after the configured delay and runs the
endpoint method as its own simulated process; the caller does not wait. A **call** is a
generator the caller ``yield from``s: the request reaches the queue, the method runs, and its
return value (or its exception) comes back after the delay again, unless
``rpc_response_timeout`` passes first (`MessagingTimeout`).

**A queue outlives its consumer.** When a service is down (`set_up(target, False)`: a stopped
nova-compute) its queue stays (``[oslo_messaging_rabbit] amqp_auto_delete = False``, and casts
carry no TTL): messages wait there (``rpc.queued``) and are delivered, in order, when the
service is back (``rpc.deliver``) — nova-compute starts consuming only after ``init_host``.
A call's caller still gives up after its timeout, and a call waits no longer than that:
oslo.messaging publishes it with ``expiration=timeout`` (impl_rabbit ``Connection._publish``;
casts, fanout and notifications carry none), so RabbitMQ discards it undelivered once it has
waited its timeout in the queue (``rpc.expired``, when the service is back: no service sees
it). A call served before that but after its caller gave up (a slow server, or one back
before a monitored call's expiration) replies to nobody: the reply is dropped
(``rpc.dropped``). A lost queue is a fault: rule point
``rpc.queue`` (attributes ``target``, ``method``) with ``action: drop`` loses a message that
would have waited, as does ``amqp_auto_delete: true`` (a queue deleted with its last consumer).

**Errors come back rebuilt** (``_drivers/common.py deserialize_remote_exception``): an
exception of a module the caller allows (the service's own exception module, registered with
`allow_exception_module`, and builtins) becomes a subclass named ``<Name>_Remote`` in module
``<module>_Remote`` — so Nova's 500 reads ``<class 'nova.exception_Remote.InternalError_Remote'>``
— and any other becomes `RemoteError`. The remote traceback is not appended to the message
(fakecloud's traces hold no tracebacks).

Endpoint methods may be plain functions or generator functions (which take virtual time).
Fault points ``rpc.cast`` and ``rpc.call`` (attributes ``target``, ``method``) can raise, delay,
or ``drop`` the message, so a lost reply is a timeout exactly as in a real cloud.
"""

from __future__ import annotations

import copy
import inspect
import sys
from collections import deque
from collections.abc import Generator
from dataclasses import dataclass
from heapq import heappush
from typing import Any

import simpy
from simpy.events import NORMAL, PENDING, URGENT

from fakecloud.config import config_section
from fakecloud.sim.collector import ASKING
from fakecloud.sim.instants import share as share_time
from fakecloud.sim.resume import own_resume
from fakecloud.sim.trace import Site, form, site

REMOTE_POSTFIX = "_Remote"

# The forms of the events every message writes (`Trace.put`).
_CAST = form("rpc.cast", "method")
_CALL = form("rpc.call", "method", "timeout_s")
_DELIVER = form("rpc.deliver", "method")
_REPLY = form("rpc.reply", "method", "ok")

#: Method -> the sites (`Trace.write_at`) of its cast, call, delivery and reply events.
_METHOD_SITES: dict[str, tuple[Site, Site, Site, Site]] = {}


def _sites_of(method: str) -> tuple[Site, Site, Site, Site]:
    """The sites of `method`'s events (made at its first message in the process)."""
    found = _METHOD_SITES.get(method)
    if found is None:
        found = _METHOD_SITES[method] = (
            site(_CAST, method=method),
            site(_CALL, method=method),
            site(_DELIVER, method=method),
            site(_REPLY, method=method),
        )
    return found


#: What the bus itself calls on an endpoint, no message's method (`RpcBus.set_up`).
HOOKS = frozenset({"starting", "started", "stopped"})


def methods_of(endpoint: type) -> set[str]:
    """The methods a message to an endpoint of class `endpoint` may name: those its RPC API
    sends, when the class lists them (``RPC_API``: a service's manager, whose other public
    methods are called in its process, never by a message), else its public functions but the
    bus's own hooks (`HOOKS`): an endpoint of a cloud built in Python."""
    declared = getattr(endpoint, "RPC_API", None)
    if declared is not None:
        return set(declared)
    found = set()
    for name in dir(endpoint):
        if name.startswith("_") or name in HOOKS:
            continue
        member = getattr(endpoint, name)
        if inspect.isfunction(member) or inspect.ismethod(member):
            found.add(name)
    return found


@config_section("rpc")
@dataclass(frozen=True)
class RpcConfig:
    """Message delivery delay, the call timeout (oslo.messaging's ``rpc_response_timeout``)
    and whether a queue dies with its last consumer (``amqp_auto_delete``)."""

    delay_s: float = 0.002
    """How long a message takes from sender to consumer, virtual seconds: a cast's delivery,
    a call's request and its reply each (a call's round trip is twice this)."""
    response_timeout_s: float = 60.0
    """oslo.messaging's ``rpc_response_timeout``: how long a call waits for its reply before
    ``MessagingTimeout``."""
    amqp_auto_delete: bool = False
    """``[oslo_messaging_rabbit] amqp_auto_delete``: a queue dies with its last consumer, so a
    cast to a stopped service is lost rather than kept until it is back."""


class MessagingTimeout(Exception):
    """No reply to an RPC call within the timeout (oslo_messaging.MessagingTimeout)."""


class RemoteError(Exception):
    """``oslo_messaging.RemoteError``: a remote exception of a module the caller does not
    allow, carried as its class name and message."""

    real_class_path = "oslo_messaging.rpc.client.RemoteError"

    def __init__(self, exc_type: str | None = None, value: str | None = None):
        self.exc_type = exc_type
        self.value = value
        super().__init__(exc_type, value)

    def __str__(self) -> str:
        return f"Remote error: {self.exc_type} {self.value}\n[]."


@dataclass(slots=True)
class _Message:
    """One message in a queue: the method, its arguments, and (for a call) its caller."""

    method: str
    kwargs: dict[str, Any]
    delay: float
    call: _Reply | None = None


def _about(kwargs: dict[str, Any]) -> dict[str, str]:
    """The ``instance`` detail of a message lost, dropped, timed out or expired (its
    `rpc.lost`, `rpc.timeout`, `rpc.expired` and ``rpc.*`` fault events): the server its
    arguments name (an ``instance``'s uuid, or an ``instance_uuid``), so that what went wrong
    can be told by the server it was for (a ``prep_resize`` lost on the way to a destination
    no record names yet); else the ``volume_id`` and ``snapshot_id`` a Cinder message names (a
    ``reimage`` lost on the way to cinder-volume); {} when they name none."""
    instance = kwargs.get("instance")
    uuid = kwargs.get("instance_uuid") if instance is None else getattr(instance, "uuid", None)
    if uuid.__class__ is str:
        return {"instance": uuid}
    return {k: kwargs[k] for k in _CINDER_IDS if kwargs.get(k).__class__ is str}


#: The ids a Cinder message's arguments name (`_about`).
_CINDER_IDS = ("volume_id", "snapshot_id")


class _Reply(simpy.Event):
    """A call's reply, and the record of its caller: `gone` once the caller stopped waiting
    (timeout); `served`, with a call monitor, fires when the server starts on the call (its
    heartbeats begin). One object per call in flight, not an event and a waiter record."""

    callbacks: Any

    #: When the request expires in a queue (its enqueueing plus its timeout: the message's
    #: ``expiration``), set as its caller gives up: before, it is not due; a reply saved by
    #: an earlier fakecloud has none (its request never expires, as then).
    expires: float | None = None

    def __init__(self, env: simpy.Environment, served: simpy.Event | None = None):
        self.env = env
        self.callbacks = []
        self._value = PENDING
        self.gone = False
        self.served = served


class _FirstOf(list):
    """``reply | deadline`` for a waiting caller, without `simpy.Condition`'s value building:
    triggered by the first of the two (so processed one step after it, exactly as the
    Condition was), and unhooked from both once processed. Both events always succeed.

    It is its own list of callbacks (first `_unhook`, a plain function, then the caller's
    resume), keeps what a step and a waiting process read of an event in slots, and is
    itself the callback it hooks on both events: a call in flight holds no method objects,
    no pair and no separate list for the collector. It equals only itself."""

    callbacks: Any

    __slots__ = ("env", "callbacks", "_value", "_ok", "_first", "_second", "_kernel")
    __hash__ = object.__hash__
    __eq__ = object.__eq__
    __ne__ = object.__ne__

    def __init__(self, kernel: Any, first: simpy.Event, second: Any):
        self.append(_unhook)
        self._kernel = kernel
        self.env = kernel.env
        self.callbacks = self
        self._value = PENDING
        self._first = first
        self._second = second
        first.callbacks.append(self)
        second.callbacks.append(self)

    def __call__(self, _event: Any) -> None:
        """The first of the two happened: triggered (processed at the next step)."""
        if self._value is PENDING:
            self._ok = True
            self._value = None
            env = self.env
            heappush(env._queue, (env._now, NORMAL, next(env._eid), self))  # env.schedule(self)


def _unhook(first_of: _FirstOf) -> None:
    """`first_of` processed: off the callbacks of whichever of its two events is pending. A
    deadline still queued (the reply came first) is cancelled: the caller's timer stops."""
    deadline = first_of._second
    if deadline.callbacks:  # queued, and waited for by `first_of` alone
        first_of._kernel.cancel(deadline)
        return
    callbacks = first_of._first.callbacks
    if callbacks and first_of in callbacks:  # the deadline came first: the reply is pending
        callbacks.remove(first_of)
        if not callbacks:
            first_of._first.callbacks = _NO_CALLBACKS


def _ended(delivery: _Delivery) -> None:
    """A delivery's one callback when it ends: the kernel forgets it (what
    ``Kernel._forget`` does, without a second call)."""
    delivery._bus._kernel._live.pop(delivery, None)
    if delivery._generator is not None:
        try:
            del delivery._resume  # `_run`'s cycle, broken as the delivery ends
            del delivery._resumer
        except AttributeError:
            pass


class _Delivery(simpy.Process):
    """One message on its way to its consumer and then served there: a simulated process
    (``rpc.cast <target>.<method>``, ``rpc.call …``, ``rpc.deliver …``) that runs no generator
    of its own.

    It takes exactly the places in simpy's queue that a generator process waiting the delay
    and then serving took: its start (urgent, at once), the delay, a call's reply delay, and
    its own end (its callbacks, the kernel's bookkeeping among them); so the order of the
    events at each instant, and what the explorer's tie order can permute, are unchanged.
    The delivery itself is the event of each of those entries: its ``callbacks`` name the
    step it is at (`_START`, `_ARRIVE`, `_REPLIED`, then `_ENDED`), so a message in flight
    is one object for the collector, not one per step. An endpoint method that is a plain
    function runs in the step; a generator method becomes the process's own generator (a
    call's inside `RpcBus._answer`, which replies), and from then on this is an ordinary
    simpy process that a restart can kill, and it is itself the callback that resumes it
    (no bound method). Nothing waits on a delivery but the kernel (`_ended`)."""

    callbacks: Any
    _message: _Message | None

    #: What a step reads of it: it succeeded (until it fails: ``_ok`` set on the instance).
    _ok = True

    # (made by `_send`, not by a constructor)

    #: Called by the events it waits for once it runs a generator: simpy's resume (its own
    #: copy: see `own_resume`).
    __call__ = own_resume()

    @property
    def name(self) -> str:
        """``<target>.<method>``."""
        return f"{self._to}.{self._method}"

    def _start(self) -> None:
        """The message leaves: it arrives after its delay."""
        env = self.env
        self.callbacks = _ARRIVE
        when = env._now + self._message.delay
        if ASKING and type(when) is float:  # many processes alive (`fakecloud.sim.instants`)
            when = share_time(when, when)
        heappush(env._queue, (when, NORMAL, next(env._eid), self))

    def _arrive(self) -> None:
        """The message reaches the broker: to its consumer, or into the queue to wait (a
        service down; also a queued message's delivery whose consumer is down again)."""
        env = self.env
        bus, target, message = self._bus, self._to, self._message
        env._active_proc = self
        try:
            endpoint = bus._endpoints.get(target)
            if endpoint is None or target in bus._down:
                bus._enqueue(target, message)
                self._end(None)
                return
            hub = getattr(endpoint, "eventlet_hub", None)
            # the consumer greenthread needs the hub (`EventletHub.blocked`, without its call)
            if hub is not None and hub._free is not None:
                self._run(bus._serve(target, message, hub))
                return
            # what `_deliver` does, without its call
            method = self._method
            at = _METHOD_SITES.get(method) or _sites_of(method)
            bus._kernel.trace.write_at(at[2], "rpc", target)
            reply = message.call
            if reply is not None and reply.served is not None and not reply.served.triggered:
                reply.served.succeed()
            func = getattr(endpoint, method)
            # (`_is_generator`'s table read in this frame, its call for a method not met yet)
            generator = _IS_GENERATOR.get(getattr(func, "__func__", func))
            if generator is None:
                generator = _is_generator(func)
            if reply is not None:
                if generator:
                    self._run(bus._answer(target, message, func))
                    return
                try:
                    outcome: tuple[bool, Any] = (True, func(**message.kwargs))
                except Exception as exc:  # noqa: BLE001 - the caller gets the remote error
                    outcome = (False, bus.remote_exception(exc))
                self._outcome = outcome
                self.callbacks = _REPLIED
                when = env._now + message.delay
                if ASKING and type(when) is float:
                    when = share_time(when, when)
                heappush(env._queue, (when, NORMAL, next(env._eid), self))
            elif generator:
                work = func(**message.kwargs)
                # The handler's frame holds its arguments now; what it no longer reads (the
                # sender's context, once it made its own) need not live as long as it runs.
                message.kwargs = _DELIVERED
                self._run(work)
                return
            else:
                func(**message.kwargs)
                self._end(None)
        except BaseException as exc:  # noqa: BLE001 - as a generator process fails
            self._ok = False
            self._value = exc
            self._target = None  # type: ignore[assignment]
            self.callbacks = _ENDED
            heappush(env._queue, (env._now, NORMAL, next(env._eid), self))  # env.schedule(self)
        finally:
            env._active_proc = None

    def _replied(self) -> None:
        """A plain-function call's reply delay is over: the reply reaches the caller."""
        env = self.env
        env._active_proc = self
        self._bus._reply(self._to, self._message, self._outcome)
        self._end(None)
        env._active_proc = None

    def _run(self, generator: Generator) -> None:
        """Carry on as a generator process, started now (its delay is over). The message is
        the generator's now (a call's `RpcBus._answer` replies with it): the delivery lets go
        of it, as a cast handler's arguments are let go of."""
        self._generator = generator
        self._message = None
        self.callbacks = _ENDED  # its end: what simpy's resume schedules when the work ends
        # The delivery is the callback of each event it waits for (`__call__`), as
        # `Kernel.spawn` gives a spawned process one bound method for all its waits (the
        # cycle is broken when it ends: it is tracked by the kernel).
        self._resume = self._resumer = self  # type: ignore[method-assign]
        self._resume(_STARTED)

    def _end(self, value: Any) -> None:
        self._ok = True
        self._value = value
        self._target = None  # type: ignore[assignment]
        self.callbacks = _ENDED
        env = self.env
        heappush(env._queue, (env._now, NORMAL, next(env._eid), self))  # env.schedule(self)


#: A delivery's callbacks at each of its steps: its start, arrival, a call's reply, its end.
_START = (_Delivery._start,)
_new = object.__new__


def _send(bus: RpcBus, target: str, message: _Message, name: str) -> None:
    """Start a delivery of `message` to `target`, counted among the kernel's live processes as
    `name` (as `Kernel.spawn` counts a process, here). Made without a constructor: a class's call
    reaches a Python ``__init__`` through ``type.__call__``, which CPython 3.11 does not
    specialize (every message of every flow comes here)."""
    kernel = bus._kernel
    env = kernel.env
    delivery = _new(_Delivery)
    delivery.env = env
    delivery.callbacks = _START
    delivery._value = PENDING
    delivery._generator = None
    delivery._bus = bus
    delivery._to = target
    delivery._method = message.method
    delivery._message = message
    # simpy's Initialize, without its calls: queued as env.schedule(start, URGENT) would
    heappush(env._queue, (env._now, URGENT, next(env._eid), delivery))
    delivery._target = delivery
    live = kernel._live
    live[delivery] = name
    if len(live) > kernel._spaced_above:
        kernel._space_out()


_ARRIVE = (_Delivery._arrive,)
_REPLIED = (_Delivery._replied,)
_ENDED = (_ended,)


class _Started:
    """What a delivery's generator is started with: a succeeded event's value, None."""

    __slots__ = ()
    _ok = True
    _value = None


_STARTED = _Started()


class _Deadline:
    """A waiting call's reply deadline: queued as ``env.timeout(timeout)`` is (the same time
    and place in simpy's queue), holding only what a step reads of a queued event: its
    callbacks (the caller's `_FirstOf` check) and that it succeeded. When the reply comes
    first the deadline is cancelled (`fakecloud.sim.kernel.Kernel.cancel`), as the caller's
    timer is: it no longer moves the clock, counts among the events of an instant for the
    explorer, or stays in a saved cloud. (A cloud saved by an earlier fakecloud may hold
    answered deadlines with no callbacks: they run as the empty events they were.)"""

    callbacks: Any

    __slots__ = ("callbacks",)
    _ok = True

    def __init__(self, env: simpy.Environment, delay: float):
        if delay < 0.0:  # as `Kernel.timeout`
            raise ValueError(f"Negative delay {delay}")
        self.callbacks = []
        when = env._now + delay
        if ASKING and type(when) is float:
            when = share_time(when, when)
        heappush(env._queue, (when, NORMAL, next(env._eid), self))


#: The arguments of a cast message whose handler has them (nothing reads them again).
_DELIVERED: dict[str, Any] = {}

#: The callbacks of a queued event no one waits for any more (simpy only iterates them).
_NO_CALLBACKS: tuple = ()


class RpcBus:
    """Endpoints by target name, their queues, and the cast/call primitives between them."""

    _endpoints: dict[str, Any]
    _down: set[str]
    _queues: dict[str, deque[_Message]]
    _exception_modules: dict[str, str]

    #: target -> the virtual time it was stopped, for the targets down now (a service's
    #: heartbeats stop there). An instance field only from the first stop, so a cloud where
    #: nothing stopped saves as before.
    down_since: dict[str, float] | None = None
    #: target -> when it stopped and came up again, each time (flat: stop, up, stop, up...):
    #: its service reports from each start (`fakecloud.sim.heartbeats.row_heartbeat`). An
    #: instance field only from the first such start, so a cloud where none restarted saves
    #: as before.
    restarts: dict[str, tuple[float, ...]] | None = None
    #: target -> the process of its ``init_host`` under way (``starting``, `set_up`); None
    #: while no service is starting, so a cloud where none started saves as before.
    starts: dict[str, Any] | None = None

    def __init__(self, kernel: Any, config: RpcConfig):
        self._kernel = kernel
        self.config = config
        self._endpoints = {}
        self._down = set()
        self._queues = {}
        #: fakecloud module -> the real module its exceptions stand for (``nova.exception``).
        self._exception_modules = {"builtins": "builtins"}

    def register(self, target: str, endpoint: Any, *, start: bool = True) -> None:
        """Serve `endpoint`'s methods under `target` (e.g. ``compute.cmp-1``); up, unless
        `start` is False and the target was set down before it was registered."""
        self._endpoints[target] = endpoint
        if start:
            self._down.discard(target)

    def endpoint(self, target: str) -> Any:
        """The endpoint serving `target` (KeyError if none)."""
        return self._endpoints[target]

    def targets(self) -> list[str]:
        """Every registered target, sorted (``compute.cmp-1``, ``conductor``, ...)."""
        return sorted(self._endpoints)

    def methods(self, targets: list[str] | None = None) -> list[str]:
        """The methods a message to `targets` (default: every registered one) may name, sorted:
        their endpoints' (`methods_of`)."""
        found: set[str] = set()
        for target in self._endpoints if targets is None else targets:
            endpoint = self._endpoints.get(target)
            if endpoint is not None:
                found.update(methods_of(type(endpoint)))
        return sorted(found)

    def allow_exception_module(self, module: str, real_module: str) -> None:
        """Let exceptions of `module` (``fakecloud.nova.exception``) come back over RPC rebuilt
        as ``<real_module>_Remote`` classes (oslo.messaging's ``allowed_remote_exmods``)."""
        self._exception_modules[module] = real_module

    def set_up(self, target: str, up: bool, *, init: bool = True) -> None:
        """Stop a target's service (its messages wait in its queue) or start it again (the
        queue is consumed, oldest first). An endpoint with a ``started`` method has it called
        as a stopped service starts, before its queue is consumed (``Service.start`` runs the
        manager's ``init_host`` before the RPC server: cinder-backup's clean-up); one with a
        ``stopped`` method has it called as a running service stops (its process is gone: its
        tasks die there, `fakecloud.sim.stopping`).
        An endpoint with a ``starting`` generator method has an ``init_host`` that takes
        virtual time (nova-compute's): a start runs it in its own process, the service still
        down (its messages wait), and it brings the service up itself when it is done
        (``set_up(target, True, init=False)``), or leaves it down (the process exited). A stop
        meanwhile kills that process where it stands."""
        was_down = target in self._down
        if up and was_down and init:
            starting = getattr(self._endpoints.get(target), "starting", None)
            if starting is not None:
                if self.starts is None:
                    self.starts = {}
                if target not in self.starts:  # a second start while starting: the same one
                    work = self._start(target, starting())
                    self.starts[target] = self._kernel.spawn(work, name=f"{target} start")
                return
        start = self._started(target)
        if start is not None and not up:
            self._kernel.kill(start)  # init_host dies with its process
            was_down = False  # its process stops: `stopped` again
        if up:
            self._down.discard(target)
            if self.down_since is not None:
                stopped = self.down_since.pop(target, None)
                if stopped is not None:
                    if self.restarts is None:
                        self.restarts = {}
                    self.restarts[target] = (
                        *self.restarts.get(target, ()),
                        stopped,
                        self._kernel.now,
                    )
                if not self.down_since:
                    del self.down_since  # back to the class's None: saved as before
        else:
            if target not in self._down:
                if self.down_since is None:
                    self.down_since = {}
                self.down_since[target] = self._kernel.now
            self._down.add(target)
        self._kernel.trace.emit("rpc.service", "rpc", target, up=up)
        if not up:
            stopped = getattr(self._endpoints.get(target), "stopped", None)
            if not was_down and stopped is not None:
                stopped()
            return
        started = getattr(self._endpoints.get(target), "started", None)
        if was_down and started is not None:
            started()
        queue = self._queues.pop(target, None)
        now = self._kernel.now
        while queue:
            message = queue.popleft()
            reply = message.call
            if reply is not None and reply.expires is not None and now >= reply.expires:
                # RabbitMQ discards an expired message at the queue's head, unseen.
                self._kernel.trace.emit(
                    "rpc.expired",
                    "rpc",
                    target,
                    method=message.method,
                    **_about(message.kwargs),
                )
                continue
            _send(self, target, message, sys.intern(f"rpc.deliver {target}.{message.method}"))

    def _start(self, target: str, work: Generator) -> Generator[Any, Any, None]:
        """A service's ``starting`` process; one that exits without coming up is done too."""
        try:
            yield from work
        finally:
            self._started(target)

    def _started(self, target: str) -> Any:
        """Forget `target`'s start under way (its process, returned; None if none)."""
        if self.starts is None or target not in self.starts:
            return None
        start = self.starts.pop(target)
        if not self.starts:
            del self.starts  # back to the class's None: saved as before
        return start

    def is_up(self, target: str) -> bool:
        """Whether `target` is registered and up."""
        return target in self._endpoints and target not in self._down

    def waiting(self) -> list[str]:
        """The targets with a message waiting in their queue, sorted: a stopped service's work
        still to do (a cast, or a call that has not expired), which it does once it is back."""
        return [target for target in sorted(self._queues) if self.queued(target)]

    def queued(self, target: str) -> list[str]:
        """The methods of the messages waiting in `target`'s queue, oldest first: a call that
        has expired there is not waiting (no consumer will ever see it; `set_up` discards it,
        as ``rpc.expired``, when the service is back)."""
        now = self._kernel.now
        return [
            m.method
            for m in self._queues.get(target, ())
            if m.call is None or m.call.expires is None or now < m.call.expires
        ]

    # -- sending -----------------------------------------------------------------------------

    def cast(self, target: str, method: str, **kwargs: Any) -> None:
        """Send a one-way message; the method runs later, in its own process."""
        self.cast_kwargs(target, method, kwargs)

    def cast_kwargs(self, target: str, method: str, kwargs: dict[str, Any]) -> None:
        """`cast` with the method's arguments as a dict the message keeps (no copy): for
        callers that already hold them, so no name passes through a ``**`` parameter."""
        k = self._kernel
        k.trace.write_at((_METHOD_SITES.get(method) or _sites_of(method))[0], "rpc", target)
        faults = k.faults
        rule = (
            faults.check("rpc.cast", target=target, method=method, **_about(kwargs))
            if "rpc.cast" in faults.hot
            else None
        )
        choices = k.choices
        delay = (
            self.config.delay_s
            if choices.source is None  # chance is off: the nominal delay (`rpc_delay`)
            else choices.rpc_delay(self.config.delay_s, target, method)
        )
        if rule is not None and rule.action == "delay":
            delay += rule.delay_s
        if (rule is not None and rule.action in ("drop", "stall")) or target not in self._endpoints:
            k.trace.emit("rpc.lost", "rpc", target, method=method, **_about(kwargs))
            return
        # (`_Message(method, kwargs, delay)`, its fields set here in its order: a
        # dataclass's class call reaches its generated ``__init__`` through ``type.__call__``)
        message = _new(_Message)
        message.method = method
        message.kwargs = kwargs
        message.delay = delay
        message.call = None
        # A delivery's name (what `Kernel.running` lists) is one string per target and method
        # (`_name`): a storm has a few deliveries in flight per server, of a few names per host.
        name = _CAST_NAMES.get((target, method)) or _name(_CAST_NAMES, target, method)
        _send(self, target, message, name)

    def _enqueue(self, target: str, message: _Message) -> None:
        k = self._kernel
        try:
            rule = k.faults.check(
                "rpc.queue", target=target, method=message.method, **_about(message.kwargs)
            )
            dropped = rule is not None and rule.action == "drop"
        except Exception:  # noqa: BLE001 - any error there is a queue that is gone
            dropped = True
        lost = self.config.amqp_auto_delete or dropped
        if lost:
            k.trace.emit(
                "rpc.lost",
                "rpc",
                target,
                method=message.method,
                reason="no queue",
                **_about(message.kwargs),
            )
            return
        k.trace.emit("rpc.queued", "rpc", target, method=message.method)
        self._queues.setdefault(target, deque()).append(message)

    def _serve(self, target: str, message: _Message, hub: Any) -> Generator:
        """Serve a message whose consumer greenthread must first wait for the eventlet hub."""
        yield from hub.wait(target, message.method)
        func = self._deliver(target, message)
        if message.call is not None:
            yield from self._answer(target, message, func)
        elif _is_generator(func):
            yield from func(**message.kwargs)
        else:
            func(**message.kwargs)

    def _deliver(self, target: str, message: _Message) -> Any:
        """The message is taken by its consumer: trace it, start a monitored call's
        heartbeats; the endpoint method to run."""
        method = message.method
        at = _METHOD_SITES.get(method) or _sites_of(method)
        self._kernel.trace.write_at(at[2], "rpc", target)
        reply = message.call
        if reply is not None and reply.served is not None and not reply.served.triggered:
            reply.served.succeed()
        return getattr(self._endpoints[target], message.method)

    def _answer(self, target: str, message: _Message, func: Any) -> Generator:
        """Run a call's endpoint method, then send its reply back (or drop it)."""
        k = self._kernel
        try:
            try:
                if _is_generator(func):
                    result = yield from func(**message.kwargs)
                else:
                    result = func(**message.kwargs)
            except simpy.Interrupt:
                raise
            except Exception as exc:  # noqa: BLE001 - the caller gets the remote error
                outcome: tuple[bool, Any] = (False, self.remote_exception(exc))
            else:
                outcome = (True, result)
            yield k.timeout(message.delay)
        except (GeneratorExit, simpy.Interrupt) as death:
            # The server died before replying (a service restart): no reply is ever sent,
            # and the caller learns it only when its timeout runs out.
            k.trace.emit("rpc.lost", "rpc", target, method=message.method, **_about(message.kwargs))
            if isinstance(death, GeneratorExit):
                raise
            return
        self._reply(target, message, outcome)

    def _reply(self, target: str, message: _Message, outcome: tuple[bool, Any]) -> None:
        """The reply reaches the caller, or is dropped when the caller stopped waiting."""
        reply = message.call
        if reply.gone:  # type: ignore[union-attr]
            # oslo.messaging: a reply whose caller stopped waiting is dropped.
            self._kernel.trace.emit(
                "rpc.dropped", "rpc", target, method=message.method, ok=outcome[0]
            )
            return
        # reply.succeed(outcome), without its call and schedule's (the reply is pending: only
        # this delivery answers it, once)
        reply._ok = True  # type: ignore[union-attr]
        reply._value = outcome  # type: ignore[union-attr]
        env = self._kernel.env
        heappush(env._queue, (env._now, NORMAL, next(env._eid), reply))  # env.schedule(reply)

    def call(
        self,
        target: str,
        method: str,
        timeout: float | None = None,
        call_monitor_timeout: float | None = None,
        **kwargs: Any,
    ) -> Generator[Any, Any, Any]:
        """Send a request and wait for the reply: ``result = yield from bus.call(...)``.

        `call_monitor_timeout` (oslo.messaging's per-call monitoring): a server working on the
        call heartbeats, so the call fails after that long only while no server has taken it
        (a service down, a lost message); once taken, `timeout` applies."""
        k = self._kernel
        env = k.env
        timeout = self.config.response_timeout_s if timeout is None else timeout
        monitor = call_monitor_timeout
        if monitor is not None and monitor >= timeout:
            monitor = None
        # (no local holds a site: this generator waits, and a fork copies its frame)
        k.trace.write_at(
            (_METHOD_SITES.get(method) or _sites_of(method))[1], "rpc", target, (timeout,)
        )
        faults = k.faults
        rule = (
            faults.check("rpc.call", target=target, method=method, **_about(kwargs))
            if "rpc.call" in faults.hot
            else None
        )
        choices = k.choices
        delay = (
            self.config.delay_s
            if choices.source is None  # chance is off: the nominal delay (`rpc_delay`)
            else choices.rpc_delay(self.config.delay_s, target, method)
        )
        if rule is not None and rule.action == "delay":
            delay += rule.delay_s
        lost = (rule is not None and rule.action in ("drop", "stall")) or (
            target not in self._endpoints
        )
        if lost:
            deadline = env.timeout(timeout)
            k.trace.emit("rpc.lost", "rpc", target, method=method, **_about(kwargs))
            if monitor is not None:  # no server ever heartbeats
                yield env.timeout(monitor)
                k.cancel(deadline)
                return self._timed_out(target, method, monitor, kwargs)
            yield deadline
            return self._timed_out(target, method, timeout, kwargs)
        deadline = _Deadline(env, timeout)
        reply = _Reply(env, served=None if monitor is None else env.event())
        name = _CALL_NAMES.get((target, method)) or _name(_CALL_NAMES, target, method)
        message = _new(_Message)  # `_Message(method, kwargs, delay, reply)`: see `cast_kwargs`
        message.method = method
        message.kwargs = kwargs
        message.delay = delay
        message.call = reply
        _send(self, target, message, name)
        if reply.served is not None:
            silence = env.timeout(monitor)
            yield reply | reply.served | silence
            if not reply.served.triggered:  # no server took it: no heartbeat came
                reply.gone = True
                # queued one delay after it was sent, it expires `timeout` after that
                reply.expires = env._now - monitor + timeout + delay
                k.cancel(deadline)
                return self._timed_out(target, method, monitor, kwargs)
            if silence.callbacks is not None:  # taken before the monitor's time: it stops
                k.cancel(silence)
        yield _FirstOf(k, reply, deadline)
        if reply._value is PENDING:  # not triggered: the deadline came first
            # The server may still answer later (it was slow, or is back before the request
            # expires: see `set_up`); the reply is dropped.
            reply.gone = True
            reply.expires = env._now + delay
            return self._timed_out(target, method, timeout, kwargs)
        ok, value = reply._value
        k.trace.write_at((_METHOD_SITES.get(method) or _sites_of(method))[3], "rpc", target, (ok,))
        if not ok:
            raise value
        return value

    def _timed_out(self, target: str, method: str, timeout: float, kwargs: dict[str, Any]) -> Any:
        self._kernel.trace.emit(
            "rpc.timeout", "rpc", target, method=method, timeout_s=timeout, **_about(kwargs)
        )
        raise MessagingTimeout(
            f"Timed out waiting for a reply to message ID for {target}.{method} after {timeout:g}s"
        )

    # -- errors over the wire ----------------------------------------------------------------

    def remote_exception(self, exc: BaseException) -> BaseException:
        """``deserialize_remote_exception``: `exc` as the caller receives it."""
        cls = type(exc)
        name = cls.__name__
        module = cls.__module__
        if name.endswith(REMOTE_POSTFIX) and module.endswith(REMOTE_POSTFIX):
            # serialize_remote_exception: a remote remote exception goes back to its own type.
            base = cls.__mro__[1]
            name, module = base.__name__, base.__module__
            cls = base
        real = self._exception_modules.get(module)
        if real is None:
            return RemoteError(name, str(exc))
        if real == "builtins":
            rebuilt = copy.copy(exc)
            rebuilt.__traceback__ = None
            return rebuilt
        remote_cls = _remote_class(cls, real)
        rebuilt = copy.copy(exc)
        rebuilt.__class__ = remote_cls
        rebuilt.__traceback__ = None
        return rebuilt


_REMOTE_CLASSES: dict[tuple[type, str], type] = {}


def _remote_class(cls: type, real_module: str) -> type:
    """The ``<Name>_Remote`` subclass of `cls`, in module ``<real_module>_Remote``."""
    key = (cls, real_module)
    found = _REMOTE_CLASSES.get(key)
    if found is None:
        module = f"{real_module}{REMOTE_POSTFIX}"
        name = f"{cls.__name__}{REMOTE_POSTFIX}"
        found = type(
            name,
            (cls,),
            {
                "__module__": module,
                "real_class_path": f"{module}.{name}",
                "__doc__": f"``{module}.{name}``: {cls.__name__} rebuilt by oslo.messaging.",
            },
        )
        _REMOTE_CLASSES[key] = found
    return found


#: (target, method) -> a delivery's name (``rpc.cast <target>.<method>``; ``rpc.call …``).
_CAST_NAMES: dict[tuple[str, str], str] = {}
_CALL_NAMES: dict[tuple[str, str], str] = {}


def _name(names: dict[tuple[str, str], str], target: str, method: str) -> str:
    """The interned name of a delivery of `method` to `target`, made and kept in `names`
    (`_CAST_NAMES` or `_CALL_NAMES`): callers look it up first, which costs half of
    formatting and interning it."""
    if len(names) >= 4096:
        names.clear()
    kind = "rpc.cast" if names is _CAST_NAMES else "rpc.call"
    name = names[(target, method)] = sys.intern(f"{kind} {target}.{method}")
    return name


_IS_GENERATOR: dict[Any, bool] = {}  # endpoint function -> is a generator function


def _is_generator(func: Any) -> bool:
    """Whether an endpoint method is a generator function (it takes virtual time)."""
    plain = getattr(func, "__func__", func)
    generator = _IS_GENERATOR.get(plain)
    if generator is None:
        if len(_IS_GENERATOR) > 4096:
            _IS_GENERATOR.clear()
        generator = _IS_GENERATOR[plain] = inspect.isgeneratorfunction(func)
    return generator
