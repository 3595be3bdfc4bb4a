"""``nova/limit/placement.py`` (25.0.0-34.0.0): the limits of what Placement counts,
``servers`` and the flavor's resource classes (``class:VCPU``, ``class:MEMORY_MB``,
``class:DISK_GB``), checked for the project against its own limits or the registered ones.

Usage as Nova reads it: ``servers`` from the instance mappings (every server of the project
not queued for deletion, `NovaDB.queued_for_delete`: one being deleted or soft-deleted is not
counted, nor one whose delete failed on its host, until a restore; a building one is), the
classes from the project's Placement allocations (every server placed on a host and
not offloaded, one being deleted until its host lets it go, a soft-deleted one too, and during
a resize or a cold migration the migration's hold of the old flavor beside the server's of the
new; a pinned server's ``VCPU``, the scheduler's fallback allocation; not a server whose failed
rebuild removed its allocation, switch ``failed_rebuild_drops_allocation``). A boot asks
``servers: count`` and each class's amount times the count (``resources_for_limits``: the root
disk left out for a volume-backed server, swap rounded up to whole GiB); over, it asks one
server fewer until ``min_count``, where it is `TooManyInstances` with oslo.limit's text of the
last try ("Project P is over a limit for [Resource servers is over limit of 10 due to current
usage 10 and delta 1]").
"""

from __future__ import annotations

import re
from typing import Any

import os_resource_classes

from fakecloud.nova import cpu_masks, exception, states
from fakecloud.nova.compute.utils import is_volume_backed_instance
from fakecloud.nova.limit import utils
from fakecloud.nova.limit.oslo_limit import Enforcer, ProjectOverLimit, limits_reader

#: Each limit's legacy quota name (``LEGACY_LIMITS``), in its order.
LEGACY_LIMITS = {"servers": "instances", "class:VCPU": "cores", "class:MEMORY_MB": "ram"}

#: ``ResourceRequest.XS_KEYPAT``'s resource keys: ``resources[$S]:<resource class>``.
_XS_RESOURCE = re.compile(r"^resources([a-zA-Z0-9_-]{1,64})?:(.*)$")

#: Migration statuses whose Placement allocations are gone (confirmed, reverted or failed).
_MOVE_ENDED = frozenset(("confirmed", "reverted", "error", "failed", "completed", "done"))


def resources_for_limits(flavor: Any, is_bfv: bool, pinning: bool = True) -> dict[str, int]:
    """``scheduler_utils.resources_for_limits`` (``ResourceRequest.from_request_spec``'s
    ``merged_resources`` of a request of the flavor alone: no image, ports or devices): the
    flavor's ``resources[$S]:<class>`` extra specs summed over their groups, the CPU policy's
    (`_translate_pinning_policies`, unless `pinning` is off as in the scheduler's fallback
    query), then the flavor's own sizes for ``VCPU`` (unless ``PCPU`` is asked),
    ``MEMORY_MB`` and ``DISK_GB`` none of those named; zeros dropped."""
    specs = flavor.extra_specs
    merged: dict[str, int] = {}
    unsuffixed: dict[str, int] = {}
    for key, value in specs.items():
        match = _XS_RESOURCE.match(key)
        amount = None if match is None else _amount(match[2], value)
        if amount is not None:
            group = unsuffixed if match[1] is None else merged
            group[match[2]] = group.get(match[2], 0) + amount
    if pinning:
        _translate_pinning_policies(flavor, unsuffixed)
    for rc, amount in unsuffixed.items():
        merged[rc] = merged.get(rc, 0) + amount
    if "VCPU" not in merged and "PCPU" not in merged:
        merged["VCPU"] = flavor.vcpus
    merged.setdefault("MEMORY_MB", flavor.memory_mb)
    if "DISK_GB" not in merged:
        disk = flavor.ephemeral_gb + -(-flavor.swap // 1024)
        if not is_bfv:
            disk += flavor.root_gb
        merged["DISK_GB"] = disk
    return {rc: amount for rc, amount in merged.items() if amount}


def _translate_pinning_policies(flavor: Any, unsuffixed: dict[str, int]) -> None:
    """``ResourceRequest._translate_pinning_policies`` on the unsuffixed group (each
    ``add_resource`` sets its class): ``hw:cpu_policy=dedicated`` asks ``PCPU`` for every
    vCPU; ``mixed`` ``PCPU`` for its dedicated vCPUs
    (`cpu_masks.mixed_dedicated_count`) and ``VCPU`` for the rest; either one ``PCPU`` more
    with ``hw:emulator_threads_policy=isolate``. The policy is the flavor's alone: the
    limits' request has no image, so an image's ``hw_cpu_policy`` asks nothing here."""
    policy = flavor.extra_specs.get("hw:cpu_policy")
    if policy == "dedicated":
        pcpus = flavor.vcpus
    elif policy == "mixed":
        pcpus = cpu_masks.mixed_dedicated_count(flavor)
        unsuffixed["VCPU"] = flavor.vcpus - pcpus
    else:
        return
    if flavor.extra_specs.get("hw:emulator_threads_policy") == "isolate":
        pcpus += 1
    unsuffixed["PCPU"] = pcpus


def _amount(rc: str, value: Any) -> int | None:
    """``RequestGroup.add_resource``'s check of one ``resources[$S]:<class>`` extra spec: a
    standard or ``CUSTOM_`` class and a nonnegative integer, else None (Nova logs a warning
    and leaves it out; an API before 2.86 stores any value: nova 25.0.0-34.0.0
    ``objects/request_spec.py``)."""
    if not (rc.startswith("CUSTOM_") or rc in os_resource_classes.STANDARDS):
        return None
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return None
    return amount if amount >= 0 else None


def _get_deltas_by_flavor(flavor: Any, is_bfv: bool, count: int) -> dict[str, int]:
    deltas = {"servers": count}
    for resource, amount in resources_for_limits(flavor, is_bfv).items():
        if amount != 0:
            deltas["class:" + resource] = amount * count
    return deltas


def _placement_usages(nova: Any, project_id: str | None) -> dict[str, int]:
    """``get_usages_counts_for_limits``: the project's allocations by resource class."""
    db = nova.db
    usages: dict[str, int] = {}

    def add(row: Any, flavor: Any) -> None:
        bfv = is_volume_backed_instance(row, db.bdms.get(row.uuid, []))
        # fakecloud's computes report no PCPU (no cpu_dedicated_set): a pinned request's
        # PCPU query finds none and the scheduler's fallback (enable_pinning_translate=False)
        # allocates VCPU (nova 25.0.0-34.0.0 scheduler/manager.py _schedule)
        for rc, amount in resources_for_limits(flavor, bfv, pinning=False).items():
            usages[rc] = usages.get(rc, 0) + amount

    for row in db.instances.values():
        if row.project_id != project_id or row.deleted:
            continue
        if row.vm_state == states.SHELVED_OFFLOADED:
            continue
        if (row.host or db.allocated_host(row.uuid)) and not db.allocation_was_dropped(row.uuid):
            add(row, row.flavor)
    for migration in (db.migrations or {}).values():
        row = db.instances.get(migration.instance_uuid)
        if row is None or row.deleted or row.project_id != project_id:
            continue
        if migration.status in _MOVE_ENDED or migration.dest_compute is None:
            continue
        if migration.old_flavor is None or migration.new_flavor is None:
            continue
        # the migration holds the old flavor, the server the new (either may be row.flavor)
        held = migration.old_flavor if row.flavor == migration.new_flavor else migration.new_flavor
        add(row, held)
    return usages


def _get_usage(nova: Any, project_id: str | None, resource_names: list[str]) -> dict[str, int]:
    """``_get_usage``: each resource's usage (a class Placement does not list is 0)."""
    counts: dict[str, int] = {}
    if "servers" in resource_names:
        db = nova.db
        counts["servers"] = sum(
            1
            for row in db.instances.values()
            if row.project_id == project_id
            and not row.deleted
            and not db.is_queued_for_delete(row.uuid)
        )
    usages = _placement_usages(nova, project_id)
    for name in resource_names:
        if name.startswith("class:"):
            counts[name] = usages.get(name[len("class:") :], 0)
    return counts


def enforce_num_instances_and_flavor(
    nova: Any,
    project_id: str,
    flavor: Any,
    is_bfv: bool,
    min_count: int,
    max_count: int,
    delta_updates: dict[str, int] | None = None,
) -> int:
    """How many servers of `flavor`, from `max_count` down to `min_count`, the project's
    limits allow (``enforce_num_instances_and_flavor``; ``..._and_resources`` from 34.0.0),
    else `TooManyInstances`; `delta_updates` replace deltas (28.0.0 on: an unshelve's)."""
    if not utils.use_unified_limits(nova):
        return max_count
    enforcer = Enforcer(nova, lambda project, names: _get_usage(nova, project, names))
    count = max_count
    while True:
        deltas = _get_deltas_by_flavor(flavor, is_bfv, count)
        if delta_updates:
            deltas.update(delta_updates)
        try:
            enforcer.enforce(project_id, deltas)
        except ProjectOverLimit as e:
            if not utils.should_enforce(nova, e):
                return count
            if count - 1 < min_count:
                raise exception.TooManyInstances(str(e)) from None
            count -= 1
            continue
        return count


def get_legacy_default_limits(nova: Any) -> dict[str, int]:
    """The registered limits of ``servers``, ``class:VCPU`` and ``class:MEMORY_MB`` by
    legacy name (0 for none)."""
    found = dict(limits_reader(nova).get_registered_limits(LEGACY_LIMITS))
    return {old: found.get(new) or 0 for new, old in LEGACY_LIMITS.items()}


def get_legacy_project_limits(nova: Any, project_id: str) -> dict[str, int]:
    """The project's limits of the three by legacy name (its own, else registered, else 0)."""
    found = dict(limits_reader(nova).get_project_limits(project_id, LEGACY_LIMITS))
    return {old: found.get(new) or 0 for new, old in LEGACY_LIMITS.items()}


def get_legacy_counts(nova: Any, project_id: str) -> dict[str, int]:
    """The project's usage of the three by legacy name."""
    found = _get_usage(nova, project_id, sorted(LEGACY_LIMITS))
    return {old: found.get(new) or 0 for new, old in LEGACY_LIMITS.items()}
