"""Placement's inventory of each compute host and what its allocations use of it, as far as a
user sees it: a scheduling request placement has no room for anywhere is no allocation
candidate (a boot's bare "No valid host was found. ").

Each compute node's provider has ``VCPU``, ``MEMORY_MB`` and ``DISK_GB`` inventories, as the
libvirt driver's ``update_provider_tree`` reports them (nova 17.0.13-34.0.0): ``total`` the
hypervisor's (`compute_nodes.HOST_VCPUS`, ``HOST_MEMORY_MB``, ``HOST_LOCAL_GB``), ``reserved``
``[DEFAULT] reserved_host_cpus`` (0), ``reserved_host_memory_mb`` (512) and
``reserved_host_disk_mb`` (0, in whole GB rounded up), ``allocation_ratio`` 16.0, 1.5 and 1.0
(``cpu_allocation_ratio``/``ram_allocation_ratio``/``disk_allocation_ratio``; from 19.0.0 the
``initial_*_allocation_ratio`` defaults, the same numbers), ``max_unit`` the total. Placement
refuses a request where ``used + amount > (total - reserved) * allocation_ratio`` or ``amount >
max_unit`` (``_check_capacity_exceeded``, ``allocation_candidates``' usage filter).

A scheduling request asks the flavor: ``VCPU`` its vCPUs, ``MEMORY_MB`` its memory, ``DISK_GB``
its root, ephemeral and swap disk (swap in GB rounded up), without the root of a
volume-backed server from 18.0.0 (03c596a9f4, ``resources_from_request_spec``'s ``is_bfv``;
17.x asks it). What a host's allocations use is kept by `fakecloud.nova.db.NovaDB.placement_usage`
(the servers it holds, an allocation a failed rebuild dropped left out) plus the moves in
progress (`compute_nodes.move_claims`: the new flavor on a destination until the server
arrives, the old one on its source until the confirm).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fakecloud.nova import compute_nodes, exception
from fakecloud.nova.compute.utils import is_volume_backed_instance

#: ``[DEFAULT] cpu_allocation_ratio``, ``ram_allocation_ratio``, ``disk_allocation_ratio``.
CPU_ALLOCATION_RATIO = 16.0
RAM_ALLOCATION_RATIO = 1.5
DISK_ALLOCATION_RATIO = 1.0
#: The first release whose scheduling request leaves a volume-backed root out of ``DISK_GB``
#: (03c596a9f4, LP #1469179): the release whose resource tracker stopped counting it too.
BFV_ROOT_FREE_SINCE = compute_nodes.BFV_ROOT_FREE_SINCE
#: The resource classes, in the order `capacity` and `request` give them.
RESOURCE_CLASSES = ("VCPU", "MEMORY_MB", "DISK_GB")


def capacity() -> tuple[int, int, int]:
    """What placement lets a host's allocations use of each class: ``(total - reserved) *
    allocation_ratio`` (every host here has the same)."""
    return _CAPACITY


_CAPACITY = (
    int(compute_nodes.HOST_VCPUS * CPU_ALLOCATION_RATIO),
    int(
        (compute_nodes.HOST_MEMORY_MB - compute_nodes.RESERVED_HOST_MEMORY_MB)
        * RAM_ALLOCATION_RATIO
    ),
    int(compute_nodes.HOST_LOCAL_GB * DISK_ALLOCATION_RATIO),
)
#: ``max_unit`` of each class: the total.
_MAX_VCPUS, _MAX_MEMORY_MB, _MAX_DISK_GB = (
    compute_nodes.HOST_VCPUS,
    compute_nodes.HOST_MEMORY_MB,
    compute_nodes.HOST_LOCAL_GB,
)


def request(flavor: Any, volume_backed: bool) -> tuple[int, int, int]:
    """What a scheduling request for `flavor` asks of each class: its root disk left out
    where `volume_backed` (a volume-backed server's from 18.0.0, `root_free`)."""
    root = 0 if volume_backed else flavor.root_gb
    swap_gb = -(-flavor.swap // 1024)  # ``convert_mb_to_ceil_gb``
    return (flavor.vcpus, flavor.memory_mb, root + flavor.ephemeral_gb + swap_gb)


def root_free(kernel: Any) -> bool:
    """Whether the cloud's Nova leaves a volume-backed root out of ``DISK_GB`` (18.0.0 on)."""
    return kernel.switches.release.major >= BFV_ROOT_FREE_SINCE


def held(db: Any, row: Any, root_free: bool) -> tuple[int, int, int]:
    """What the allocation of the live row `row` asks: `request` of its flavor, its root
    volume's disk left out where `root_free` (the cloud's `root_free`)."""
    bfv = root_free and is_volume_backed_instance(row, db.bdms.get(row.uuid, ()))
    return request(row.flavor, bfv)


def room(nova: Any, flavor: Any, instance_uuid: str | None) -> Callable[[str], bool]:
    """Whether placement has room on a host for scheduling server `instance_uuid` (None: an
    image-backed one) with `flavor` (`room_for` what it asks, `request`)."""
    db = nova.db
    usage, free = db.placement_usage()
    bfv = (
        free
        and instance_uuid is not None
        and (row := db.instances.get(instance_uuid)) is not None
        and is_volume_backed_instance(row, db.bdms.get(row.uuid, ()))
    )
    return room_for(nova, usage, free, request(flavor, bfv))


def room_for(
    nova: Any, usage: dict[str, tuple[int, int, int]], free: bool, wanted: tuple[int, int, int]
) -> Callable[[str], bool]:
    """Whether placement has room on a host for `wanted`: each class within its ``max_unit``
    and, with what the host's allocations use (`usage`, `free`: what
    `fakecloud.nova.db.NovaDB.placement_usage` answers) and the moves in progress hold
    (`compute_nodes.move_claims`), within its capacity.

    The scheduler asks it of each host it weighs, so the sums are compared with what is left
    for them (``capacity - wanted``, the same integers) and the usage read where it is kept."""
    vcpus, memory, disk = wanted
    if vcpus > _MAX_VCPUS or memory > _MAX_MEMORY_MB or disk > _MAX_DISK_GB:
        return _no_room
    left_vcpus, left_memory, left_disk = (
        _CAPACITY[0] - vcpus,
        _CAPACITY[1] - memory,
        _CAPACITY[2] - disk,
    )
    db = nova.db

    def fits(host: str) -> bool:
        use = usage.get(host, _NOTHING)
        if db.migrations:
            more = compute_nodes.move_claims(nova, host, free)
            use = (use[0] + more[0], use[1] + more[1], use[2] + more[2])
        return use[0] <= left_vcpus and use[1] <= left_memory and use[2] <= left_disk

    return fits


def _no_room(host: str) -> bool:
    return False


_NOTHING = (0, 0, 0)


def claim_on_destination(nova: Any, instance: Any, host: str) -> None:
    """``scheduler_utils.claim_resources_on_destination`` of a forced live migration or
    evacuation (no scheduler asked; nova 17.0.0-34.0.0): the server's allocation copied to
    `host`'s provider, placement refusing it where `host` has no room (the forced host is
    still claimed in placement, only the filters are skipped)."""
    usage, free = nova.db.placement_usage()
    if not room_for(nova, usage, free, held(nova.db, instance, free))(host):
        raise exception.NoValidHost(
            reason=f"Unable to move instance {instance.uuid} to host {host}. There is not "
            "enough capacity on the host for the instance."
        )


def over_capacity(nova: Any, host: str) -> list[str]:
    """The classes whose use on `host` (by the servers on it, each counted whether or not
    placement still holds its allocation, and the moves in progress) is above placement's
    capacity, each as ``CLASS used/capacity``."""
    totals = [0, 0, 0]
    db = nova.db
    free = root_free(nova.kernel)
    for row in db.instances_allocated_on(host):
        for i, amount in enumerate(held(db, row, free)):
            totals[i] += amount
    if db.migrations:
        for i, amount in enumerate(compute_nodes.move_claims(nova, host, free)):
            totals[i] += amount
    return [
        f"{name} {use}/{cap}"
        for name, use, cap in zip(RESOURCE_CLASSES, totals, _CAPACITY, strict=True)
        if use > cap
    ]
