"""When a service reports to its servicegroup: ``report_state`` every ``report_interval`` from
its own start.

A service's timer starts with the service: Nova's first report comes
``INITIAL_REPORTING_DELAY`` (5 s) after its start (nova 17.0.13-34.0.0
``servicegroup/drivers/db.py`` ``join``: ``add_timer(report_interval, _report_state,
api.INITIAL_REPORTING_DELAY)``), Cinder's one ``report_interval`` after it (cinder
12.0.10-29.0.0 ``service.py`` ``start``: ``initial_delay=self.report_interval``), then every
``report_interval`` (10 s). Neither adds a random fuzz (``periodic_fuzzy_delay`` delays the
periodic tasks, not ``report_state``), so a service's phase is set by when it started: the
services of a deployment start one after another, in its fixed order, and a restarted one
starts again at its restart. fakecloud starts each project's services in devstack's order
(``lib/nova`` ``start_nova``: nova-scheduler, nova-conductor, then nova-compute; ``lib/cinder``
``start_cinder``: cinder-scheduler, cinder-backup, cinder-volume, whose one process serves
every backend), `START_SPACING_S` apart from the cloud's start: seed-independent, so a
scenario's ``os-services`` answers and a stopped service's grace are the same whatever its
cloud's seed, and no two services' heartbeats need fall at one instant. A restarted service
reports from its restart (`row_heartbeat`): the timer starts again with the service.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fakecloud.sim.clock import stored_time

#: ``[DEFAULT] report_interval``: seconds between a service's heartbeats.
REPORT_INTERVAL_S = 10
#: Nova's ``servicegroup.api.INITIAL_REPORTING_DELAY``: its first report after the start.
NOVA_FIRST_REPORT_S = 5
#: Cinder's first report after the start (``initial_delay=self.report_interval``).
CINDER_FIRST_REPORT_S = REPORT_INTERVAL_S
#: Seconds between the starts of two services of one project at the cloud's start (a
#: deployment tool starting them one by one, each taking about a second to be up).
START_SPACING_S = 1


def first_report(order: int, initial_delay_s: float) -> float:
    """The first report of the service `order`-th in its project's start order:
    `initial_delay_s` after its start, `order` times `START_SPACING_S` after the cloud's."""
    return order * START_SPACING_S + initial_delay_s


def last_report(now: float, first: float) -> float | None:
    """The time of the last report at `now` of a service whose first report is at `first`
    (None before it)."""
    if now < first:
        return None
    return first + ((now - first) // REPORT_INTERVAL_S) * REPORT_INTERVAL_S


def reports(first: float, start: float, end: float) -> list[float]:
    """The reports of a service whose first is at `first`, from `start` to `end` (both
    included)."""
    at = first if first >= start else last_report(start, first) or first
    if at < start:
        at += REPORT_INTERVAL_S
    out = []
    while at <= end:
        out.append(at)
        at += REPORT_INTERVAL_S
    return out


def row_heartbeat(
    first: float,
    initial_delay_s: float,
    restarts: Sequence[float],
    now: float,
    saved_at_start: bool = False,
) -> float | None:
    """The heartbeat a service's row holds at `now` (its ``updated_at`` from reports; None
    before any): the last report of the run of the service at `now`, whose first report was
    at `first` and which stopped and came up again at each (stop, up) pair of `restarts`
    (`RpcBus.restarts`); each start's first report comes `initial_delay_s` after it. Until
    a run's first report the row keeps what it had: the last report before the stop (Nova:
    ``Service.start`` saves the row only when its version changed, nova 17.0.13-34.0.0
    ``service.py`` ``_update_service_ref``), or, with `saved_at_start`, the start itself
    (Cinder: ``Service.__init__`` saves the row, whose ``updated_at`` moves with any update,
    cinder 12.0.10-28.0.0 ``service.py``, ``db/sqlalchemy/api.py`` ``service_update``)."""
    kept = None
    for i in range(0, len(restarts), 2):
        stopped, up = restarts[i], restarts[i + 1]
        if up > now:
            break
        beat = last_report(stopped, first)
        kept = up if saved_at_start else beat if beat is not None else kept
        first = up + initial_delay_s
    beat = last_report(now, first)
    return kept if beat is None else beat


def seen_within(kernel: Any, last: float, grace_s: float) -> bool:
    """Whether a heartbeat at virtual second `last`, as the row holds it, is at most `grace_s`
    old: the ``DATETIME`` column's whole second (`stored_time`: the report writes ``utcnow()``,
    MySQL rounds it), against now to the microsecond. Nova's DB servicegroup driver's
    ``is_up`` (``abs(elapsed) <= service_down_time``, nova 17.0.7-34.0.0
    ``servicegroup/drivers/db.py``), Cinder's ``Service.is_up`` (``updated_at >= utcnow() -
    service_down_time``) and its API's ``alive`` (``abs(delta) <= service_down_time``, cinder
    12.0.10-29.0.0 ``objects/service.py``, ``api/contrib/services.py`` or ``api/v3/
    services.py``, ``api/contrib/hosts.py``): a report at ``:45.6`` counts from ``:46``."""
    wall = kernel.clock.wall_time
    return abs((wall() - stored_time(wall(last))).total_seconds()) <= grace_s
