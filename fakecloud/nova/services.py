"""Nova's ``services`` table and its servicegroup: which service runs where, enabled or not,
up or down (``nova/objects/service.py``, ``nova/servicegroup``, the ``HostAPI`` of
``nova/compute/api.py``).

Every cloud has nova-conductor and nova-scheduler on the control node (config
``nova.api_host``, zone ``internal``) and one nova-compute per compute host (the cloud's zone,
``nova.availability_zone``, or its aggregates': `fakecloud.nova.aggregates.host_zone`). Ids
are the table's autoincrement: conductor 1, scheduler 2, then the compute hosts in the order they
were added; each service's uuid (microversion 2.53) is drawn from the cloud's seed, in a stream
of its own per service, so it never shifts other ids.

A service is **up** (``service_is_up``, `service_is_up`) unless it is forced down
(``forced_down``, 2.11) or, for nova-compute, its last heartbeat is more than
``service_down_time_s`` (60 s) old (its RPC server down, `Nova.restart_compute`, or back from a
longer stop and not reporting yet: its first report comes 5 s after the start, and until then
the row keeps the last one before the stop, `fakecloud.sim.heartbeats.row_heartbeat`): the DB
driver's ``is_up`` (servicegroup/drivers/db.py, nova 17.0.13-34.0.0) reads ``last_seen_up`` (or
``created_at``), MySQL's whole second, against ``service_down_time``, so a stopped nova-compute
is up for up to a minute, force-down downs it at once. ``updated_at`` is the time of its last
heartbeat (``report_state`` every ``REPORT_INTERVAL_S`` virtual seconds while its RPC server is
up, so a stopped nova-compute's stays at its last one before it stopped; null before the first)
or of its last change through the API, whichever is later; each service reports from its own start
(`fakecloud.sim.heartbeats`: devstack's order, nova-scheduler, nova-conductor, then each nova-
compute, a second apart), so no two share their heartbeats' instants. The scheduler's
``ComputeFilter`` (`compute_filter`) passes a host whose nova-compute is enabled and up (in the
grace a stopped one too: the build's cast then waits in its queue); a deleted compute service
takes its compute node with it (``service_destroy``), so its host is no longer a candidate
either.

The rows are computed from the hosts; only what an operator changed is stored
(`NovaDB.service_changes`), so a cloud where nobody did saves as before.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fakecloud.nova.aggregates import host_zone
from fakecloud.sim.heartbeats import (
    NOVA_FIRST_REPORT_S,
    first_report,
    last_report,
    row_heartbeat,
    seen_within,
)
from fakecloud.sim.ids import stream, uuid4_text

COMPUTE = "nova-compute"
#: The control services, in id order (the order a deployment starts them in).
CONTROL_BINARIES = ("nova-conductor", "nova-scheduler")
#: ``[DEFAULT] internal_service_availability_zone``.
INTERNAL_ZONE = "internal"
#: ``fields.HostStatus.UNKNOWN``: a server's host whose nova-compute is not up.
HOST_STATUS_UNKNOWN = "UNKNOWN"
#: The order devstack starts Nova's services in (``lib/nova`` ``start_nova``), the compute
#: hosts after these, in the order they were added.
START_ORDER = ("nova-scheduler", "nova-conductor")


@dataclass
class ServiceChange:
    """What an operator changed of one service row (the rest is computed)."""

    disabled: bool = False
    disabled_reason: str | None = None
    forced_down: bool = False
    #: When the API last wrote the row (virtual seconds).
    updated_at: float | None = None
    deleted: bool = False


@dataclass
class Service:
    """One row of the ``services`` table, as the API reads it."""

    id: int
    uuid: str
    host: str
    binary: str
    zone: str
    disabled: bool
    disabled_reason: str | None
    forced_down: bool
    up: bool
    updated_at: float | None


@functools.lru_cache(maxsize=8192)
def _uuid(seed: int, purpose: str) -> str:
    return uuid4_text(stream(seed, purpose).getrandbits(128))


def service_uuid(nova: Any, host: str, binary: str) -> str:
    """The service's uuid: the cloud seed's draw for this service alone."""
    return _uuid(nova.kernel.ids.seed, f"nova.service:{binary}:{host}")


def compute_node_uuid(nova: Any, host: str) -> str:
    """The uuid of `host`'s compute node (its resource provider's)."""
    return _uuid(nova.kernel.ids.seed, f"nova.compute_node:{host}")


def first_heartbeat(nova: Any, host: str, binary: str) -> float:
    """The time of the first ``report_state`` of `binary` on `host`."""
    if binary == COMPUTE:
        order = len(START_ORDER) + _host_order(nova).get(host, 0)
    else:
        order = START_ORDER.index(binary)
    return first_report(order, NOVA_FIRST_REPORT_S)


_HOST_ORDERS: weakref.WeakKeyDictionary[Any, dict[str, int]] = weakref.WeakKeyDictionary()


def _host_order(nova: Any) -> dict[str, int]:
    """Each compute host's place among them, in the order they were added (remade when one is
    added; not state: the hosts' order is)."""
    order = _HOST_ORDERS.get(nova)
    if order is None or len(order) != len(nova.hosts):
        order = _HOST_ORDERS[nova] = {name: i for i, name in enumerate(nova.hosts)}
    return order


def _heartbeat(nova: Any, host: str, binary: str, now: float) -> float | None:
    """The last heartbeat the row of `binary` on `host` holds at `now` (None before the
    first): reports from the service's latest start (`row_heartbeat`)."""
    first = first_heartbeat(nova, host, binary)
    restarts = (
        (nova.kernel.rpc.restarts or {}).get(f"compute.{host}") if binary == COMPUTE else None
    )
    if not restarts:
        return last_report(now, first)
    return row_heartbeat(first, NOVA_FIRST_REPORT_S, restarts, now)


def _alive(nova: Any, host: str) -> bool:
    """The DB driver's ``is_up`` of `host`'s nova-compute: its last heartbeat
    (``last_seen_up``, else ``created_at``: the cloud's start) at most ``service_down_time``
    old (`_seen_recently`): running and reporting, stopped within that grace, or restarted
    after a longer stop and not reporting yet (its first report is 5 s after the start: the
    row keeps the last one before the stop until then)."""
    target = f"compute.{host}"
    rpc = nova.kernel.rpc
    if rpc.is_up(target):
        if not (rpc.restarts and target in rpc.restarts):
            return True
        return _seen_recently(nova, _heartbeat(nova, host, COMPUTE, nova.kernel.now) or 0.0)
    stopped = (rpc.down_since or {}).get(target)
    if stopped is None:
        return False
    return _seen_recently(nova, _heartbeat(nova, host, COMPUTE, stopped) or 0.0)


def _seen_recently(nova: Any, last: float) -> bool:
    """``is_up``'s test of a row's last heartbeat (virtual second `last`, ``last_seen_up`` as
    MySQL stored it: `seen_within`) against ``service_down_time``."""
    return seen_within(nova.kernel, last, nova.config.service_down_time_s)


def service_is_up(nova: Any, host: str) -> bool:
    """``servicegroup_api.service_is_up`` of `host`'s nova-compute: not forced down and
    `_alive` (a disabled one is up: ``MAINTENANCE``)."""
    change = ((nova.db.service_changes or {}).get(COMPUTE) or {}).get(host)
    return not (change is not None and change.forced_down) and _alive(nova, host)


def host_status(nova: Any, host: str | None) -> str:
    """``API.get_instance_host_status`` (a server's ``host_status``, 2.16): ``DOWN`` forced
    down, ``MAINTENANCE`` disabled, else ``UP`` or ``UNKNOWN`` by `service_is_up`; ``""``
    without a host or a compute service (nova 17.0.13-34.0.0 compute/api.py)."""
    if not host or host not in nova.hosts:
        return ""
    change = ((nova.db.service_changes or {}).get(COMPUTE) or {}).get(host)
    if change is not None and change.deleted:
        return ""
    if change is not None and change.forced_down:
        return "DOWN"
    if change is not None and change.disabled:
        return "MAINTENANCE"
    return "UP" if _alive(nova, host) else HOST_STATUS_UNKNOWN


def _row(nova: Any, ident: int, host: str, binary: str, change: ServiceChange | None) -> Service:
    if binary == COMPUTE:
        running = nova.kernel.rpc.is_up(f"compute.{host}")
        alive = _alive(nova, host)
        zone = host_zone(nova, host)
    else:
        running = alive = True
        zone = INTERNAL_ZONE
    change = change or _UNCHANGED
    if running:
        updated = _heartbeat(nova, host, binary, nova.kernel.now)
    else:  # the heartbeats stopped with the service: its last one before
        stopped = (nova.kernel.rpc.down_since or {}).get(f"compute.{host}")
        updated = None if stopped is None else _heartbeat(nova, host, COMPUTE, stopped)
    if change.updated_at is not None and (updated is None or change.updated_at > updated):
        updated = change.updated_at
    return Service(
        ident,
        service_uuid(nova, host, binary),
        host,
        binary,
        zone,
        change.disabled,
        change.disabled_reason,
        change.forced_down,
        alive and not change.forced_down,
        updated,
    )


_UNCHANGED = ServiceChange()


def service_get_all(nova: Any) -> list[Service]:
    """``ServiceList.get_all``: every service not deleted, by id."""
    changes = nova.db.service_changes or {}
    rows = []
    control = nova.config.api_host
    keys = [(control, b) for b in CONTROL_BINARIES] + [(h, COMPUTE) for h in nova.hosts]
    for ident, (host, binary) in enumerate(keys, start=1):
        change = changes.get(binary, {}).get(host)
        if change is None or not change.deleted:
            rows.append(_row(nova, ident, host, binary, change))
    return rows


def available_zones(nova: Any) -> set[str]:
    """``get_availability_zones(get_only_available=True)``: the zones of the enabled
    services (``internal`` for nova-conductor and nova-scheduler, which cannot be disabled)."""
    changes = nova.db.service_changes
    if not changes and nova.db.aggregates is None:
        return {nova.config.availability_zone, INTERNAL_ZONE} if nova.hosts else {INTERNAL_ZONE}
    return {row.zone for row in service_get_all(nova) if not row.disabled}


def service_get_by_id(nova: Any, service_id: int | str) -> Service | None:
    """``Service.get_by_id`` (an int) / ``get_by_uuid`` (a str), or None."""
    if isinstance(service_id, str):
        wanted = service_id.lower()
        return next((r for r in service_get_all(nova) if r.uuid == wanted), None)
    return next((r for r in service_get_all(nova) if r.id == service_id), None)


def service_update(nova: Any, row: Service) -> None:
    """``Service.save``: store `row`'s operator fields, stamped now."""
    change = ServiceChange(row.disabled, row.disabled_reason, row.forced_down, nova.kernel.now)
    nova.db.service_change(row.binary, row.host, change)


def service_destroy(nova: Any, row: Service) -> None:
    """``service_destroy``: the row (and a compute service's compute node) soft-deleted."""
    nova.db.service_change(row.binary, row.host, ServiceChange(deleted=True))


def compute_service(nova: Any, host: str) -> Service | None:
    """``Service.get_by_compute_host``: `host`'s nova-compute row, None once deleted."""
    changes = nova.db.service_changes or {}
    change = changes.get(COMPUTE, {}).get(host)
    if host not in nova.hosts or (change is not None and change.deleted):
        return None
    ident = len(CONTROL_BINARIES) + 1 + list(nova.hosts).index(host)
    return _row(nova, ident, host, COMPUTE, change)


def compute_host_named(nova: Any, name: str) -> str | None:
    """The compute host (with a live compute service) a database look-up by `name` finds:
    MySQL's default collation compares case-insensitively (``host = %s`` in
    ``ComputeNodeList.get_all_by_host``, ``HostMapping.get_by_host``,
    ``ComputeNode.get_by_host_and_nodename``/``get_by_nodename``,
    ``AggregateList.get_by_host``), so ``CMP-1`` finds ``cmp-1``; None for none."""
    if name not in nova.hosts:
        folded = name.lower()
        name = next((host for host in nova.hosts if host.lower() == folded), None)
        if name is None:
            return None
    return name if compute_service(nova, name) is not None else None


def compute_filter(nova: Any) -> Callable[[str], bool]:
    """The scheduler's ``ComputeFilter``: whether a host's nova-compute is enabled and up (a
    deleted one has no compute node: no candidate)."""
    changes = (nova.db.service_changes or {}).get(COMPUTE)
    if not changes:
        return lambda name: _alive(nova, name)

    def passes(name: str) -> bool:
        change = changes.get(name)
        if change is not None and (change.disabled or change.forced_down or change.deleted):
            return False
        return _alive(nova, name)

    return passes
