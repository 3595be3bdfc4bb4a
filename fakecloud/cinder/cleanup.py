"""cinder-volume's clean-up at start: the workers table and ``do_cleanup``.

Cinder 12.0.10-29.0.0 (``cinder/objects/cleanable.py``, ``cinder/manager.py``
``CleanableManager``, ``cinder/volume/manager.py`` ``_do_cleanup``) keeps a row in the workers
table for each cleanable operation under way: ``@objects.Volume.set_workers`` on the volume
manager's ``create_volume`` and ``delete_volume``, ``@objects.Snapshot.set_workers`` on its
``create_snapshot``, each claiming the row for its service with the resource's status of the
moment (cleanable: a volume ``creating``, ``deleting``, ``uploading``, ``downloading``; a
snapshot ``creating``), and removing it when it returns with the status changed. ``init_host``
ends with ``do_cleanup`` of the rows its service holds:

- a resource gone: the row removed;
- a status no longer the row's: "Skipping cleanup for mismatching work", the row removed and the
  resource left as it is. A volume created from an image went ``downloading`` under a
  ``creating`` row, so it stays ``downloading`` (``_do_cleanup``'s ``clear_download`` is never
  reached);
- a volume ``deleting``: ``delete_volume(cascade=True)`` again, there and then: the rows
  after it wait for it, and at a start the service takes no message until it is done
  (``volume_service_inithost_offload``, off by default in every release, unset by devstack;
  on, the deletes would run in a thread pool);
- a volume or snapshot ``creating``: ``error``.

The row of a cast not yet taken is the sender's (``create_worker``, ``service_id`` NULL: no
service's): the API's ``scheduler_rpcapi.create_volume`` and ``volume_rpcapi.delete_volume``, the
scheduler's ``volume_rpcapi.create_snapshot`` (12.0.0-29.0.0 ``scheduler/rpcapi.py``,
``volume/rpcapi.py``), kept in `Cinder.workers` until the receiving manager's
``set_worker`` claims it. A service's ``do_cleanup`` reads only its own rows, so nothing cleans
an unclaimed row: the work runs when its service takes the message, which claims it even when
the resource is gone or no longer cleanable (the message's object says it is): a create
(the scheduler's, a snapshot's) then ends with another status and the row goes; a second
``delete_volume`` returns at its refresh with ``deleting`` unchanged and keeps a row of its
own (made anew) for its service's clean-up to remove (`keep_worker`). The scheduler's own row
(its ``create_volume`` returns with the volume ``creating``) is its ``do_cleanup``'s until the
backend claims it: ``error``; the create waiting in the backend's queue still runs (the
message's object says ``creating``, the row it claims too) and ends the volume ``available``.

No row is ever made for ``copy_volume_to_image`` (neither the RPC API nor the manager calls
``create_worker``/``set_workers`` for it): a volume ``uploading`` when the service stopped stays
``uploading``, as does a snapshot ``deleting`` (``delete_snapshot`` has no worker either).
Work still in the service's queue was never claimed: it runs after the clean-up, as it is.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.cinder.states import SNAPSHOT_STATUS, VOLUME_STATUS

#: The statuses ``Volume._is_cleanable`` and ``Snapshot._is_cleanable`` take.
CLEANABLE = {
    "Volume": frozenset({"creating", "deleting", "uploading", "downloading"}),
    "Snapshot": frozenset({"creating"}),
}


#: An unclaimed row's value: its resource type and status (one tuple per pair, shared).
_UNCLAIMED = {(kind, status): (kind, status) for kind in CLEANABLE for status in CLEANABLE[kind]}


def create_worker(cinder: Any, kind: str, row: Any, status: str | None = None) -> None:
    """``CinderCleanableObject.create_worker`` as an RPC API casts: a row with no service for a
    resource whose status is cleanable (an existing row goes back to no service). `status`:
    the cast object's, when it is not the database's."""
    unclaimed = _UNCLAIMED.get((kind, status or row.status))
    if unclaimed is None:
        return
    rows = cinder.workers
    if rows is None:
        rows = cinder.workers = {}
    rows[row.id] = unclaimed


def set_worker(manager: Any, kind: str, row: Any, status: str | None = None) -> str | None:
    """``set_workers``' claim as a manager method starts: the row's key (the resource's id),
    or None when the resource's status is not cleanable (no row). A row the sender made
    (`create_worker`) is this service's from now on. `status`: the message's object's, when
    it is not the database's (a create the scheduler's clean-up set ``error`` meanwhile)."""
    status = status or row.status
    if status not in CLEANABLE[kind]:
        return None
    return keep_worker(manager, row.id, status)


def keep_worker(manager: Any, resource_id: str, status: str) -> str:
    """`set_worker`'s claim of the row of `resource_id` with `status`, the row's key. Alone,
    for a resource gone before its method starts: ``set_worker`` claims the sender's row, or
    makes one for its service (``WorkerNotFound``: ``worker_create``), and a method that then
    returns with the message's status unchanged (``delete_volume``'s refresh:
    ``VolumeNotFound``) leaves it, for the service's clean-up to remove (non existent)."""
    if manager.cinder.workers is not None:
        claimed(manager.cinder, resource_id)
    workers = manager.workers
    if workers is None:
        workers = manager.workers = {}
    # keyed by the id alone (volume and snapshot ids are distinct draws): no key object per
    # operation, which 100,000 snapshots at once left as ~20 MB of the allocator's pools
    workers[resource_id] = status
    return resource_id


def claimed(cinder: Any, resource_id: str) -> None:
    """The row the sender made for `resource_id` (`create_worker`) is claimed: it leaves the
    unclaimed rows (for a service's, or for none: a manager method whose message's object
    says ``creating`` but whose resource is gone or no longer so claims the row, and
    ``set_workers`` removes it as the method returns with another status)."""
    unclaimed = cinder.workers
    if unclaimed is not None and unclaimed.pop(resource_id, None) is not None and not unclaimed:
        del cinder.workers  # back to the class's None: a quiet cloud saves as before


def unset_worker(manager: Any, key: str | None, row: Any) -> None:
    """``set_workers``' ``finally``: the row removed when the status changed (a method that
    returns with the status it began with leaves it, as Cinder does)."""
    workers = manager.workers
    if key is None or workers is None or workers.get(key) is None:
        return
    if row.status != workers[key]:
        del workers[key]
        if not workers:
            del manager.workers  # back to the class's None: a quiet manager saves as before


def taken_from_scheduler(scheduler: Any, resource_id: str) -> None:
    """A backend's manager claims the row the scheduler held for `resource_id` (``set_worker``
    updates the row's service; a volume no longer cleanable: the row dropped here too)."""
    workers = scheduler.workers
    workers.pop(resource_id, None)
    if not workers:
        del scheduler.workers  # back to the class's None: a quiet scheduler saves as before


def do_cleanup(
    manager: Any, resource_type: str | None = None, resource_id: str | None = None
) -> Generator[Any, Any, None]:
    """``CleanableManager.do_cleanup`` of this service's rows, oldest first (of one type, or
    one resource: ``POST /workers/cleanup``, `fakecloud.cinder.workers_api`); a volume's
    delete resumed in its turn, the rows after it waiting for it to end."""
    workers = manager.workers or {}
    store = manager.cinder.store
    if resource_type or resource_id:
        workers = {
            key: status
            for key, status in workers.items()
            if (not resource_id or key == resource_id)
            and (not resource_type or _kind(store, key) == resource_type)
        }
        for key in workers:
            del manager.workers[key]
        if "workers" in vars(manager) and not manager.workers:
            del manager.workers  # back to the class's None
    elif "workers" in vars(manager):
        del manager.workers
    k = manager.kernel
    for resource_id, status in workers.items():
        kind, row = "Volume", store.volumes.get(resource_id)
        if row is None:
            kind, row = "Snapshot", store.snapshots.get(resource_id)
        if row is None or row.status != status:
            continue  # non existent, or mismatching work: the row removed, nothing done
        if kind == "Volume" and status == "deleting":
            # the worker kept: the delete claims it again as it runs
            yield from manager.delete_volume(resource_id, cascade=True, cleaning=True)
        elif status == "creating":
            table = VOLUME_STATUS if kind == "Volume" else SNAPSHOT_STATUS
            table.move(k, row, "error", actor=manager.actor)
        # Volume "uploading"/"downloading": never a row's status here (see the module's doc)


def clean_rows(
    manager: Any, resource_type: str | None = None, resource_id: str | None = None
) -> None:
    """`do_cleanup` of rows that resume no delete (the scheduler's: creates only; a
    cinder-volume's without a volume still ``deleting``), at once."""
    for _ in do_cleanup(manager, resource_type, resource_id):
        raise AssertionError("a row resumed a delete")


def _kind(store: Any, resource_id: str) -> str:
    """A row's resource type (a volume's id or a snapshot's; a gone one's: neither)."""
    if resource_id in store.volumes:
        return "Volume"
    return "Snapshot" if resource_id in store.snapshots else ""
