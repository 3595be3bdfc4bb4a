"""The scheduler, distilled (``select_destinations``: nova 17.0.13 filter_scheduler.py and
host_manager.py, 20.6.0-34.0.0 scheduler/manager.py, utils.py, request_filter.py): placement's
allocation candidates, then the host filters, then the least loaded host passing them (ties by
name), so runs are deterministic.

Why a boot finds no host decides its fault: placement returning no candidate at all is
``No valid host was found. `` (an empty reason), filters leaving none is ``No valid host was
found. There are not enough hosts available.`` (``_ensure_sufficient_hosts``). A disabled
compute is a filter's before 20.0.0 (``ComputeFilter``) and placement's too from it (the
``COMPUTE_STATUS_DISABLED`` trait, which can lag the row: `compute_status`); a compute that
is down (forced down, or its RPC server down) is always the filter's; a zone is a filter's
before 24.0.0 and placement's from it. No compute here reports ``PCPU`` inventory: a flavor
whose request asks it (20.0.0 on, `_asks_pcpu_alone`) has no candidate but where the fallback
query for ``hw:cpu_policy=dedicated`` asks ``VCPU`` instead; nor memory encryption
(`mem_encryption`) nor vPMEM namespaces (`vpmem`): a boot or a resize asking them has none.
Nor is a host a candidate for a server its inventories have no room left for
(`inventories.room`: ``VCPU``, ``MEMORY_MB``, ``DISK_GB``; a boot, a resize, a scheduled live
migration, evacuation or unshelve).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fakecloud.nova import (
    affinity_filter,
    aggregates,
    compute_nodes,
    compute_status,
    exception,
    inventories,
    mem_encryption,
    server_groups,
    services,
    vpmem,
)
from fakecloud.nova.compute import build_failures
from fakecloud.nova.destination import IN_TREE_SINCE, Destination
from fakecloud.nova.services import compute_filter

#: Placement excludes a disabled compute's provider (``compute_status_filter``, trait
#: ``COMPUTE_STATUS_DISABLED``, 20.0.0: `fakecloud.nova.compute_status`).
_DISABLED_TRAIT_SINCE = compute_status.TRAIT_SYNC_SINCE
_PLACEMENT_ZONES = (aggregates.PLACEMENT_ZONES_SINCE, 0, 0)


def _any(name: str) -> bool:
    return True


_ANY = _any


def _placement(
    nova: Any, zone: str | None, destination: Destination | None, version: tuple
) -> Callable[[str], bool]:
    """Whether a host is one of placement's allocation candidates (`_ANY`: every host)."""
    changes = nova.db.service_changes
    traits = nova.db.status_traits if version >= _DISABLED_TRAIT_SINCE else None
    if (
        changes is None
        and traits is None
        and destination is None
        and (zone is None or version < _PLACEMENT_ZONES)
    ):
        return _ANY
    changes = (changes or {}).get(services.COMPUTE)
    in_zone = aggregates.zone_filter(nova, zone) if version >= _PLACEMENT_ZONES else None
    tree = None
    if destination is not None and version >= IN_TREE_SINCE:
        tree = destination
        if not any(_node_match(destination, name, changes) for name in nova.hosts):
            raise exception.NoValidHost(reason=destination.no_such_host())
    if not changes and traits is None and in_zone is None and tree is None:
        return _ANY
    disabled_out = version >= _DISABLED_TRAIT_SINCE

    def candidate(name: str) -> bool:
        change = changes.get(name) if changes else None
        if change is not None and change.deleted:
            return False
        if disabled_out and compute_status.disabled(nova, name):
            return False
        if in_zone is not None and not in_zone(name):
            return False
        return tree is None or _node_match(tree, name, None)

    return candidate


def _with_room(
    nova: Any, candidate: Callable[[str], bool], flavor: Any, instance_uuid: str | None
) -> Callable[[str], bool]:
    """`candidate` and placement's room on the host for scheduling `instance_uuid` with
    `flavor` (`inventories.room`)."""
    fits = inventories.room(nova, flavor, instance_uuid)
    if candidate is _ANY:
        return fits
    return lambda name: candidate(name) and fits(name)


def _node_match(destination: Destination, name: str, changes: Any) -> bool:
    """``get_compute_nodes_by_host_or_node``: `name`'s compute node is the destination's (a
    database look-up: case-insensitive under MySQL's default collation)."""
    host, node = destination.host, destination.node
    if (host and host != name and host.lower() != name.lower()) or (
        node and node != name and node.lower() != name.lower()
    ):
        return False
    change = changes.get(name) if changes else None
    return change is None or not change.deleted


def select_host(
    nova: Any,
    zone: str | None = None,
    instance_uuid: str | None = None,
    destination: Destination | None = None,
    ignore_hosts: tuple[str, ...] = (),
    flavor: Any = None,
    room: Any = None,
) -> str:
    """The host for a server (`NoValidHost` if none), as ``select_destinations`` picks it.

    Placement's allocation candidates first: the hosts with a compute node, from 20.0.0
    not disabled (``COMPUTE_STATUS_DISABLED``), from 24.0.0 in `zone`'s aggregates
    (`aggregates.zone_filter`) and only `destination`'s node (``in_tree``; none: 'No such
    host - ...'); no candidate at all is the empty reason. Then a forced `destination`
    skips the filters; otherwise ``ComputeFilter`` (enabled and up), before 24.0.0 the
    ``AvailabilityZoneFilter``, a requested `destination`'s host, the enabled hint filters
    (`affinity_filter`), and for a member of a server group its policy
    (`server_groups.pick_host`); the least loaded host passing them, else 'There are not
    enough hosts available.' (``_ensure_sufficient_hosts``).
    `ignore_hosts`: the request spec's (a move's source host, ``IgnoreAttemptedHostsFilter``'s
    and ``allow_resize_to_same_host``'s), left out by the filters. `flavor` (a boot's or a
    resize's) asking ``PCPU`` with no fallback (`_asks_pcpu_alone`), memory encryption or a
    vPMEM namespace: no candidate. Placement's room is asked for `flavor`, or for `room` (a
    live migration's, an evacuation's or an unshelve's flavor, which ask nothing else here)."""
    version = nova.kernel.switches.release.version
    if not compute_nodes.registered(nova):
        # No compute node, so no provider: a requested node is 'No such host' from 20.0.0
        # (``in_tree``), and otherwise placement has no allocation candidate.
        if destination is not None and version >= IN_TREE_SINCE:
            raise exception.NoValidHost(reason=destination.no_such_host())
        raise exception.NoValidHost(reason="")
    if destination is not None and not destination.forced and version >= IN_TREE_SINCE:
        destination = _as_found(nova, destination)
    candidate = _placement(nova, zone, destination, version)
    if flavor is not None:
        if (
            _asks_pcpu_alone(flavor, version)
            or _asks_encryption(nova, flavor, instance_uuid, version)
            or vpmem.labels(flavor, version)
        ):
            raise exception.NoValidHost(reason="")
        room = flavor
    if room is not None:
        candidate = _with_room(nova, candidate, room, instance_uuid)
    if destination is not None and destination.forced:
        host = nova.db.least_loaded(
            nova.hosts, lambda name: destination.matches(name) and candidate(name)
        )
    else:
        usable = _filtered(nova, zone, destination, version, candidate)
        usable = _with_hints(nova, instance_uuid, usable)
        if ignore_hosts:
            kept = usable
            usable = lambda name: name not in ignore_hosts and kept(name)  # noqa: E731
        group = None
        if instance_uuid is not None and nova.server_groups is not None:
            group = server_groups.group_of(nova, instance_uuid)
        if group is None:
            host = nova.db.least_loaded(nova.hosts, build_failures.fewest(nova, usable))
        else:
            host = server_groups.pick_host(nova, group, instance_uuid, usable)
    if host is None:
        found = any(candidate(name) for name in nova.hosts)
        raise exception.NoValidHost(reason=server_groups.NOT_ENOUGH_HOSTS if found else "")
    return host


def _asks_encryption(nova: Any, flavor: Any, instance_uuid: str | None, version: tuple) -> bool:
    """Whether the request asks ``MEM_ENCRYPTION_CONTEXT`` (20.0.0 on: the flavor's or the
    server's image's memory encryption), which no compute here offers."""
    if version < mem_encryption.SINCE:
        return False
    row = nova.db.instances.get(instance_uuid) if instance_uuid else None
    image_asks = row.system_metadata.get("image_hw_mem_encryption") if row is not None else None
    return mem_encryption.asks_encryption(flavor, {"hw_mem_encryption": image_asks})


#: The first Nova asking Placement for ``PCPU`` (``_translate_pinning_policies``, with the
#: fallback query for ``dedicated``: 20.0.0) and the first with ``hw:cpu_policy=mixed`` (22.0.0;
#: before, the create's and a resize's 400, `fakecloud.nova.cpu_policy`).
PCPU_SINCE = (20, 0, 0)
MIXED_SINCE = (22, 0, 0)


def _asks_pcpu_alone(flavor: Any, version: tuple) -> bool:
    """Whether every allocation candidates query for `flavor` asks ``PCPU``, which no compute
    here reports (nova 20.0.0-34.0.0 scheduler/manager.py ``_schedule``: the query of
    ``resources_from_request_spec``, and only where ``cpu_pinning_requested``, a
    ``dedicated`` policy's, a second one with ``enable_pinning_translate=False``): a ``mixed``
    flavor's dedicated vCPUs (22.0.0 on), a ``resources:PCPU`` extra spec. So ``NoValidHost``
    with its empty reason."""
    specs = flavor.extra_specs
    if not specs or version < PCPU_SINCE:
        return False
    policy = specs.get("hw:cpu_policy")
    if policy not in ("dedicated", "mixed") and not any("PCPU" in key for key in specs):
        return False
    if policy == "mixed" and version < MIXED_SINCE:
        return False
    from fakecloud.nova.limit.placement import resources_for_limits

    if "PCPU" not in resources_for_limits(flavor, False):
        return False
    return policy != "dedicated" or "PCPU" in resources_for_limits(flavor, False, pinning=False)


def _as_found(nova: Any, destination: Destination) -> Destination:
    """``resources_from_request_spec`` (20.0.0+): a requested destination's one compute node
    found names it (host and node as the database has them), so the host filter's exact
    compare (``_get_hosts_matching_request``) meets the names a case-insensitive look-up
    found; unchanged when none is found (placement's 'No such host')."""
    changes = (nova.db.service_changes or {}).get(services.COMPUTE)
    found = next((n for n in nova.hosts if _node_match(destination, n, changes)), None)
    return destination if found is None else Destination(host=found, node=found)


def _filtered(
    nova: Any,
    zone: str | None,
    destination: Destination | None,
    version: tuple,
    candidate: Callable[[str], bool],
) -> Callable[[str], bool]:
    """Whether a host passes the filters other than the server group's: ``ComputeFilter``,
    before 24.0.0 the ``AvailabilityZoneFilter``, a requested `destination`, placement's
    `candidate`."""
    usable = compute_filter(nova)
    in_zone = None if version >= _PLACEMENT_ZONES else aggregates.zone_filter(nova, zone)
    if in_zone is not None or destination is not None:
        up = usable
        usable = lambda name: (  # noqa: E731
            up(name)
            and (in_zone is None or in_zone(name))
            and (destination is None or destination.matches(name))
            and candidate(name)
        )
    elif candidate is not _ANY:
        up = usable
        usable = lambda name: up(name) and candidate(name)  # noqa: E731
    return usable


def _with_hints(
    nova: Any, instance_uuid: str | None, usable: Callable[[str], bool]
) -> Callable[[str], bool]:
    """`usable` and, where ``enabled_filters`` names them, ``SameHostFilter`` and
    ``DifferentHostFilter`` for `instance_uuid`'s hints (`affinity_filter`)."""
    hinted = affinity_filter.hint_filter(nova, instance_uuid)
    if hinted is None:
        return usable
    return lambda name: usable(name) and hinted(name)


def alternates(
    nova: Any,
    zone: str | None,
    instance_uuid: str,
    destination: Destination | None,
    chosen: str,
    group: Any,
    ignore_hosts: tuple[str, ...] = (),
    flavor: Any = None,
) -> list[str]:
    """``_get_alternate_hosts``: the hosts a build of `group`'s member `instance_uuid` placed
    on `chosen` may be retried on, best first, at most ``[scheduler] max_attempts`` - 1
    (`NovaConfig.scheduler_max_attempts`; nova 17.0.13
    filter_scheduler.py, 34.0.0 scheduler/manager.py): those passing the same filters at
    the same moment, `chosen` and a move's `ignore_hosts` left out: placement's candidates,
    so those with room for `flavor` (a boot's or a move's) as well."""
    version = nova.kernel.switches.release.version
    if not compute_nodes.registered(nova):
        # No compute node, so no provider: a requested node is 'No such host' from 20.0.0
        # (``in_tree``), and otherwise placement has no allocation candidate.
        if destination is not None and version >= IN_TREE_SINCE:
            raise exception.NoValidHost(reason=destination.no_such_host())
        raise exception.NoValidHost(reason="")
    if destination is not None and not destination.forced and version >= IN_TREE_SINCE:
        destination = _as_found(nova, destination)
    candidate = _placement(nova, zone, destination, version)
    if flavor is not None:
        candidate = _with_room(nova, candidate, flavor, instance_uuid)
    usable = _filtered(nova, zone, destination, version, candidate)
    usable = _with_hints(nova, instance_uuid, usable)
    passes = server_groups.policy_filter(nova, group, instance_uuid)
    db = nova.db
    hosts = [
        h for h in nova.hosts if h != chosen and h not in ignore_hosts and usable(h) and passes(h)
    ]
    if db.build_failures:
        failed = build_failures.weight_key(nova)
        hosts.sort(key=lambda h: (failed(h), db.host_load(h), h))
    else:
        hosts.sort(key=lambda h: (db.host_load(h), h))
    return hosts[: nova.config.scheduler_max_attempts - 1]
