"""The compute's build-failure counter and the scheduler's ``BuildFailureWeigher``
(``ComputeManager._build_failed``/``_build_succeeded``, ``ResourceTracker.build_failed``,
``compute/stats.py``, ``scheduler/weights/compute.py``; nova 17.0.13, 20.6.0, 23.2.2, 25.2.1,
28.0.0, 29.2.0, 34.0.0).

Every build a host ends counts: a failed or rescheduled one (a server deleted while it built
too) adds one to the host's ``failed_builds`` while ``[compute]
consecutive_build_service_disable_threshold`` (config
``nova.consecutive_build_service_disable_threshold``, default 10) is not 0; a build that
ends ``active`` sets it back to 0. From 28.0.0 (56d320a203, the
change that made the late group check's failure a ``RescheduledByPolicyException``, and its
backports 25.3.0, 26.2.1, 27.2.0) a failure of the group policy counts as neither. The name is
Pike's: from 16.1.5, 17.0.6 and 18.0.0 (91e29079a0, "Change consecutive build failure limit to
a weigher") no compute disables itself any more; the count goes to the scheduler instead.

The count lives in the resource tracker and reaches the compute node's ``stats`` (what the
scheduler reads) when the tracker next saves the node: the host's next build or unshelve claim
(not a move's: ``_move_claim`` leaves the stats), or the
``update_available_resource`` periodic task (every 60 s, at whole minutes of the cloud's
clock). A restarted compute starts again from 0. The weigher (``[filter_scheduler]
build_failure_weight_multiplier``, 1000000.0) outweighs every other: the hosts with the fewest
failures win, then the least loaded as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fakecloud.nova import exception

#: ``update_available_resource``'s period (``[DEFAULT] update_resources_interval`` 0: the
#: periodic default, 60 s).
PERIOD_S = 60


def _stats(db: Any) -> dict[str, list[float]]:
    """Host -> [count saved on its compute node, the tracker's count, when it changed]."""
    if db.build_failures is None:
        db.build_failures = {}
    return db.build_failures


def build_ended(manager: Any, exc: BaseException | None) -> None:
    """``_locked_do_build_and_run_instance``'s ``finally``: `exc` None is ``ACTIVE``
    (``_build_succeeded``), else the exception that ended the build (``_build_failed``
    unless it was the group policy's, 28.0.0+)."""
    db = manager.db
    if exc is None:
        row = db.build_failures.get(manager.host) if db.build_failures else None
        if row is not None and row[1]:
            row[1], row[2] = 0, manager.kernel.now
        return
    # Only the releases with 56d320a203 raise it (`reschedule.POLICY_EXCEPTION`).
    if isinstance(exc, exception.RescheduledByPolicyException):
        return
    if not manager.config.consecutive_build_service_disable_threshold:
        return
    row = _stats(db).setdefault(manager.host, [0, 0, 0.0])
    row[1], row[2] = row[1] + 1, manager.kernel.now


def saved(manager: Any) -> None:
    """The tracker saved the host's compute node (a claim): its count is the scheduler's."""
    db = manager.db
    row = db.build_failures.get(manager.host) if db.build_failures else None
    if row is not None:
        row[0] = row[1]


def restarted(manager: Any) -> None:
    """A new resource tracker counts from 0, and ``init_host``'s first
    ``update_available_resource`` saves that."""
    db = manager.db
    row = db.build_failures.get(manager.host) if db.build_failures else None
    if row is not None:
        row[0] = row[1] = 0


def counts(nova: Any) -> dict[str, int] | None:
    """The scheduler's view: host -> the ``failed_builds`` its compute node holds now (a
    change is saved at the first periodic tick after it); None while every host has 0."""
    rows = nova.db.build_failures
    if not rows:
        return None
    now = nova.kernel.now
    found = {}
    for host, row in rows.items():
        if row[0] != row[1] and now >= (row[2] // PERIOD_S + 1) * PERIOD_S:
            row[0] = row[1]
        if row[0]:
            found[host] = int(row[0])
    return found or None


def fewest(nova: Any, usable: Callable[[str], bool]) -> Callable[[str], bool]:
    """`usable` narrowed to the hosts the weigher puts first: among the usable hosts, those
    with the fewest failed builds (`usable` itself while no host has any)."""
    found = counts(nova)
    if found is None:
        return usable
    least = min((found.get(h, 0) for h in nova.hosts if usable(h)), default=0)
    return lambda h: usable(h) and found.get(h, 0) == least


def weight_key(nova: Any) -> Callable[[str], int]:
    """A host's rank by the weigher (its failed builds), for sorting alternates."""
    found = counts(nova) or {}
    return lambda h: found.get(h, 0)
