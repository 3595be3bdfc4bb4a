"""``utils.synchronized(instance.uuid)`` on one nova-compute host: the server's lock.

Nova's compute manager serialises a server's build, terminate, stop, shelve, shelve offload,
unshelve, resize confirm, device reservation and volume attach (17.0.0-34.0.0), and its volume
detach, reboot and swap from the releases `detach_volume_locked`, `reboot_locked` and
`swap_volume_locked` name, on an in-process lock named after the server (oslo.concurrency's
``lockutils.synchronized``); the snapshot, pause, suspend, start, rescue and rebuild paths take
none. A second of these for the same server waits for the first to end, whatever it does
meanwhile: a delete waits for the build, a stop for a detach.

fakecloud keeps the lock on the host's manager, in ``_instance_locks`` only while one is held
(a host with no lock held saves as one that never took any): `acquire` takes a free lock at
once, with no step of the clock; a waiter waits for an event the holder's `release` fires,
then tries again (oslo's lock is not fair either: whoever runs first takes it).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any


def acquire(manager: Any, uuid: str) -> Generator[Any, Any, None]:
    """Take server `uuid`'s lock on `manager`'s host, waiting while another task holds it
    (``yield from acquire(...)``, then `release` in a ``finally``)."""
    while True:
        locks = getattr(manager, "_instance_locks", None)
        if locks is None:
            manager._instance_locks = {uuid: None}
            return
        if uuid not in locks:
            locks[uuid] = None
            return
        freed = locks[uuid]
        if freed is None:  # the first waiter makes the event the holder fires
            freed = locks[uuid] = manager.kernel.env.event()
        yield freed


def release(manager: Any, uuid: str) -> None:
    """Let server `uuid`'s lock go: its waiters try again."""
    locks = manager._instance_locks
    freed = locks.pop(uuid)
    if not locks:
        del manager._instance_locks
    if freed is not None:
        freed.succeed()


def held(manager: Any, uuid: str) -> bool:
    """Whether a task on `manager`'s host holds server `uuid`'s lock."""
    locks = getattr(manager, "_instance_locks", None)
    return locks is not None and uuid in locks
