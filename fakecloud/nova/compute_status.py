"""The ``COMPUTE_STATUS_DISABLED`` trait on a compute node's resource provider, from 20.0.0
(nova 20.0.0 and 33.0.2: ``HostAPI.service_update``/``_update_compute_provider_status`` of
compute/api.py, ``ComputeManager.set_host_enabled``/``_update_compute_provider_status``,
``ResourceTracker._sync_compute_service_disabled_trait``, the scheduler's
``compute_status_filter``; ``set_host_enabled``'s RPC call of compute/rpcapi.py).

From 20.0.0 placement, not only the ``ComputeFilter``, keeps a disabled compute out of the
scheduler: its provider carries the trait and every request asks for providers without it.
The trait is a copy of the service row's ``disabled``, written three ways:

- nova-api, after an ``os-services`` update that set ``disabled`` (any enable or disable, the
  value changed or not: ``'disabled' in obj_what_changed()``), calls the compute's
  ``set_host_enabled``, only while the service is up (``service_is_up``), with
  ``timeout=long_rpc_timeout`` (1800 s) and ``call_monitor_timeout=rpc_response_timeout``. Any
  error is logged and the update answers 200 all the same: a nova-compute stopped within its
  minute of grace holds the answer ``rpc_response_timeout`` (60 s) and leaves the call in its
  queue for 1800 s.
- nova-compute's ``set_host_enabled`` (that call, or ``PUT /os-hosts/{host}`` ``status``) adds
  or removes the trait, and answers ``enabled`` or ``disabled``: libvirt implements no
  ``set_host_enabled`` and the manager no longer passes its ``NotImplementedError`` on.
- the resource tracker's ``update_available_resource`` sets it from the row: when
  nova-compute starts (before it takes messages) and every 60 s while it runs (at whole
  minutes of the cloud's clock, as `fakecloud.nova.compute.build_failures` counts them).

So the trait and the row disagree for a while: after ``os-hosts`` changed the trait (until the
next periodic run), and after a service was disabled or enabled while its nova-compute was down
(until it starts again). Placement then keeps out a host the row says is enabled (a boot's
bare ``No valid host was found. ``), or offers a disabled one the ``ComputeFilter`` refuses
(``There are not enough hosts available.``). Before 20.0.0 there is no trait: the row alone
decides, in the filter.

Stored: host -> [the trait, since when] for each host whose trait differs from its row
(`NovaDB.status_traits`; an instance field only from the first, so a cloud without one saves
as before).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.nova import services
from fakecloud.nova.compute.build_failures import PERIOD_S

#: The first release with the trait (``set_host_enabled`` syncs it; placement filters on it).
TRAIT_SYNC_SINCE = (20, 0, 0)
#: ``[DEFAULT] long_rpc_timeout``: the timeout of the API's ``set_host_enabled`` call (20.0.0+).
LONG_RPC_TIMEOUT_S = 1800.0
#: What nova-api logs when the compute did not answer its call (compute/api.py 20.0.0-33.0.2).
SYNC_FAILED = (
    "An error occurred while updating the COMPUTE_STATUS_DISABLED trait on compute node "
    "resource providers managed by host {host}. The trait will be synchronized automatically "
    "by the compute service when the update_available_resource periodic task runs."
)
#: ... and when it did not call, the service being down.
SERVICE_DOWN = (
    "Compute service on host {host} is down. The COMPUTE_STATUS_DISABLED trait will be "
    "synchronized when the service is restarted."
)


def tracked(nova: Any) -> bool:
    """Whether this release keeps the trait (20.0.0+)."""
    return nova.kernel.switches.release.version >= TRAIT_SYNC_SINCE


def _row_disabled(nova: Any, host: str) -> bool:
    change = ((nova.db.service_changes or {}).get(services.COMPUTE) or {}).get(host)
    return change is not None and change.disabled


def disabled(nova: Any, host: str) -> bool:
    """Whether `host`'s provider carries ``COMPUTE_STATUS_DISABLED`` now (20.0.0+)."""
    traits = nova.db.status_traits
    kept = traits.get(host) if traits else None
    if kept is None:
        return _row_disabled(nova, host)
    now = nova.kernel.now
    if now >= (kept[1] // PERIOD_S + 1) * PERIOD_S and nova.kernel.rpc.is_up(f"compute.{host}"):
        _forget(nova.db, host)  # the periodic ``update_available_resource`` ran meanwhile
        return _row_disabled(nova, host)
    return kept[0]


def _keep(nova: Any, host: str, trait: bool) -> None:
    """Record `host`'s trait, now: kept while it differs from the row."""
    db = nova.db
    if trait == _row_disabled(nova, host):
        _forget(db, host)
        return
    if db.status_traits is None:
        db.status_traits = {}
    db.status_traits[host] = [trait, nova.kernel.now]


def _forget(db: Any, host: str) -> None:
    traits = db.status_traits
    if traits and host in traits:
        del traits[host]
        if not traits:
            db.status_traits = None


def set_host_enabled_call(
    nova: Any, context: Any, host: str, enabled: bool
) -> Generator[Any, Any, Any]:
    """``ComputeAPI.set_host_enabled``: an RPC call to `host`, from 20.0.0 (a76a38fa56, with
    the trait) with ``timeout=long_rpc_timeout`` monitored at ``rpc_response_timeout``."""
    if not tracked(nova):
        return nova.compute_rpcapi.call_host(context, host, "set_host_enabled", enabled=enabled)
    return nova.compute_rpcapi.call_host(
        context,
        host,
        "set_host_enabled",
        timeout=LONG_RPC_TIMEOUT_S,
        call_monitor_timeout=nova.kernel.rpc.config.response_timeout_s,
        enabled=enabled,
    )


def set_host_enabled(manager: Any, enabled: bool) -> str:
    """``ComputeManager.set_host_enabled`` (20.0.0+): the trait removed (`enabled`) or added;
    libvirt's ``NotImplementedError`` becomes the answer the RPC API promises."""
    _keep(manager.nova, manager.host, not enabled)
    return "enabled" if enabled else "disabled"


def restarting(manager: Any, down_s: float | None) -> Generator[Any, Any, None]:
    """`manager`'s ``restart``, the trait kept in step: a periodic run made before the stop
    counts, and the start (``pre_start_hook``'s ``update_available_resource``, before the
    queue is consumed: no step between its end and this) sets the trait from the row."""
    if manager.db.status_traits:
        disabled(manager.nova, manager.host)
    yield from manager.restart(down_s)
    if manager.db.status_traits and manager.kernel.rpc.is_up(manager.target):
        _forget(manager.db, manager.host)


def service_update(
    nova: Any, context: Any, row: services.Service, disabled_set: bool
) -> Generator[Any, Any, None]:
    """``HostAPI.service_update``: save `row`, then, when the update set ``disabled``
    (`disabled_set`) in a release with the trait, ask its nova-compute to sync it."""
    if not (disabled_set and tracked(nova)):
        services.service_update(nova, row)
        return
    host = row.host
    trait = disabled(nova, host)
    services.service_update(nova, row)
    _keep(nova, host, trait)
    emit = nova.kernel.trace.emit
    if not services.service_is_up(nova, host):
        emit("log", "nova-api", host, level="info", message=SERVICE_DOWN.format(host=host))
        return
    try:
        yield from set_host_enabled_call(nova, context, host, not row.disabled)
    except Exception:  # noqa: BLE001 - Nova logs any error and answers all the same
        emit("log", "nova-api", host, level="error", message=SYNC_FAILED.format(host=host))
