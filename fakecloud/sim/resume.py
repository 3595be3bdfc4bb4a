"""How a simulated process takes its next step: simpy's ``Process._resume``, a call less.

A process waiting for an event is resumed by it: its generator is sent the event's value (or
thrown a copy of its exception), and it either waits for the next event it yields or ends.
simpy's own method does this; `resume` does exactly the same (the same events, the same
queue entries, the same exceptions and tracebacks), but queues a process that ends with
``heappush`` as ``env.schedule`` would, rather than through a call of it, and reads the
environment once. The kernel gives it to every process it spawns (`Kernel.spawn`, from its
first step) and the RPC bus's deliveries are resumed by it: a flow resumes its processes
some forty times.
"""

from __future__ import annotations

from heapq import heappush
from types import FunctionType
from typing import Any

from simpy.events import NORMAL, _describe_frame

# The resumer a process waits with is read as ``proc._resumer``, the same object its owner keeps
# as ``proc._resume`` too (`Kernel.spawn`, the RPC bus's `_Delivery._run`): simpy's `Process`
# defines a method ``_resume``, and CPython 3.11 never specializes a read of an instance
# attribute that shadows a class attribute (about 150 instructions more a read). simpy's own
# uses (an interrupt taking the process off its target) still find ``proc._resume``.

#: The class of `Kernel.timeout`'s waits (``fakecloud.sim.kernel._Sleep``; that module, which
#: imports this one, sets it): a wait always succeeds, with None, and is its own list of
#: callbacks. `resume` tests for it by its exact class: a read of ``_ok``, ``_value`` or
#: ``callbacks`` at a place that meets events of many classes is a generic attribute lookup
#: (CPython 3.11 specializes a place for one class), and most events a process waits for
#: are such waits.
WAIT: type = type("NoWaitYet", (), {})  # matches nothing until then


def resume(proc: Any, event: Any) -> None:
    """Resume `proc` with `event` (see the module's docstring)."""
    env = proc.env
    env._active_proc = proc
    while True:
        try:
            if type(event) is WAIT:
                event = proc._generator.send(None)
            elif event._ok:
                event = proc._generator.send(event._value)
            else:
                # The process has no choice but to handle the failed event (or fail itself),
                # with an exception of its own (others may wait on the same event).
                event._defused = True
                exc = type(event._value)(*event._value.args)
                exc.__cause__ = event._value
                event = proc._generator.throw(exc)
        except StopIteration as e:
            event = None
            proc._ok = True
            proc._value = e.value  # its args[0], or None without args
            heappush(env._queue, (env._now, NORMAL, next(env._eid), proc))  # env.schedule
            break
        except BaseException as e:
            event = None
            proc._ok = False
            # this frame is no part of what failed (as simpy strips its own)
            e.__traceback__ = e.__traceback__.tb_next  # type: ignore[union-attr]
            proc._value = e
            heappush(env._queue, (env._now, NORMAL, next(env._eid), proc))  # env.schedule
            break
        if type(event) is WAIT:  # (its reads here meet one class)
            callbacks = event.callbacks
            if callbacks is not None:  # not fired yet: wait for it
                callbacks.append(proc._resumer)
                break
            continue
        try:
            callbacks = event.callbacks  # read once: events of many classes come here
            if callbacks is not None:  # not triggered yet: wait for it
                callbacks.append(proc._resumer)
                break
        except AttributeError:  # not an event: said as simpy says it
            if hasattr(event, "callbacks"):
                raise
            descr = _describe_frame(proc._generator.gi_frame)
            raise RuntimeError(f'\n{descr}Invalid yield value "{event}"') from None
    proc._target = event
    env._active_proc = None


def own_resume() -> FunctionType:
    """`resume` with code of its own, for one class of processes (the RPC bus's deliveries).

    CPython (3.11) specializes each attribute read and write of a code object for the class it
    meets there; a place that meets two classes by turns (a spawned process, then a delivery)
    falls back to the generic lookup, some hundred instructions more each time. `resume`
    reads and writes five attributes of the process at every step: a copy of its code serves
    one class, and its specializations hold."""
    code = resume.__code__.replace()
    return FunctionType(code, resume.__globals__, resume.__name__)
