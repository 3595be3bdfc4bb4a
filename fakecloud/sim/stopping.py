"""A service's process ends: its tasks die at the stop's instant.

A stopped service (``systemctl stop``, a crash; `fakecloud.sim.rpc.RpcBus.set_up` with
``up=False``) is a process that is gone. The messages it was serving die with it, as do the
threads it started, and the children of its control group (a ``dd``, a ``qemu-img``, a Swift
upload: systemd's ``KillMode=control-group``) with them. The messages delivered to it but not
yet acknowledged are not re-delivered either: oslo.messaging's RabbitMQ driver acknowledges a
message as it hands it to the endpoint. What the service recorded of that work (its
``workers`` rows, a resource's transitional status) stays for its restart's clean-up to find.
A service's ``stopped`` hook, which the bus calls at the stop, uses `kill_tasks` to do so.
"""

from __future__ import annotations

from typing import Any


def service_tasks(kernel: Any, target: str, actor: str) -> list[Any]:
    """The live processes of `target`'s service, oldest first: the messages it is serving
    with a method that takes virtual time, and the processes it started (named
    ``<actor> ...``)."""
    prefix = f"{actor} "
    found = []
    for proc, name in kernel._live.items():
        if getattr(proc, "_to", None) == target:
            if proc._generator is not None and proc.is_alive:  # served, not still on its way
                found.append(proc)
        elif name.startswith(prefix) and proc.is_alive:
            found.append(proc)
    return found


def kill_tasks(kernel: Any, target: str, actor: str) -> int:
    """Kill the live processes of `target`'s service (`service_tasks`) where they stand, and
    abort the I/O transfers they were waiting for: no one will read the bytes. How many
    died."""
    tasks = service_tasks(kernel, target, actor)
    if not tasks:
        return 0
    io = kernel.io
    moving = {id(t.done): t for t in io.active()}
    for proc in tasks:
        if not proc.is_alive:  # ended by an earlier kill's finally (a lock given back)
            continue
        waited = moving.get(id(proc._target))
        kernel.kill(proc)
        if waited is not None and not waited.done.callbacks:
            waited.done.defused = True
            io.fail(waited, RuntimeError(f"{actor} stopped"))
    return len(tasks)
