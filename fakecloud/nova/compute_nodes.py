"""Nova's ``compute_nodes`` table: what each compute host's resource tracker reports of its
hypervisor (``nova/compute/resource_tracker.py``, the libvirt driver's
``get_available_resource``), read by ``/os-hypervisors``.

fakecloud's hosts all have one shape (`HOST_VCPUS`, `HOST_MEMORY_MB`, `HOST_LOCAL_GB`, a QEMU
host of libvirt's), which placement's inventories are made of (`fakecloud.nova.inventories`:
the scheduler asks placement for room, then picks the least-loaded host). Usage is summed over
the live servers on the host
as ``_update_usage`` does: vCPUs, memory (plus ``reserved_host_memory_mb``), root disk (none for
a volume-backed server from 18.0.0, f63fd14975, and in a move's claims from 18.1.0 and
19.0.0, switch ``lp1796737``), ephemeral disk and swap. A node's id is its
host's position (1 for the first), its uuid drawn from the cloud's seed
(`fakecloud.nova.services.compute_node_uuid`), its ``hypervisor_hostname`` the host's name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fakecloud.nova import services, states
from fakecloud.nova.compute.utils import is_volume_backed_instance

HOST_VCPUS = 32
HOST_MEMORY_MB = 131072
HOST_LOCAL_GB = 900
#: ``[DEFAULT] reserved_host_memory_mb``.
RESERVED_HOST_MEMORY_MB = 512
#: What libvirt's ``getType``/``getVersion`` answer for a KVM host (QEMU 6.2.0).
HYPERVISOR_TYPE = "QEMU"
HYPERVISOR_VERSION = 6002000
#: The libvirt driver's ``_get_cpu_info`` of the host's CPU.
CPU_INFO = json.dumps(
    {
        "arch": "x86_64",
        "model": "Cascadelake-Server",
        "vendor": "Intel",
        "topology": {"cells": 1, "sockets": 1, "cores": 16, "threads": 2},
        "features": ["avx", "avx2", "pku", "sse4.2", "vmx"],
    }
)
#: The first release whose resource tracker counts no root disk for a volume-backed server.
BFV_ROOT_FREE_SINCE = 18


@dataclass
class ComputeNode:
    """One row of ``compute_nodes``."""

    id: int
    uuid: str
    host: str
    hypervisor_hostname: str
    host_ip: str
    vcpus: int
    memory_mb: int
    local_gb: int
    vcpus_used: int
    memory_mb_used: int
    local_gb_used: int
    running_vms: int
    current_workload: int

    @property
    def free_ram_mb(self) -> int:
        """``memory_mb - memory_mb_used``."""
        return self.memory_mb - self.memory_mb_used

    @property
    def free_disk_gb(self) -> int:
        """``local_gb - local_gb_used``."""
        return self.local_gb - self.local_gb_used

    @property
    def disk_available_least(self) -> int:
        """The free disk less over-committed image disks (none here: = `free_disk_gb`)."""
        return self.free_disk_gb


def host_ip(index: int) -> str:
    """``[DEFAULT] my_ip`` of the `index`-th compute host (1 for the first): 10.1.x.y."""
    n = index + 10
    return f"10.1.{n // 256}.{n % 256}"


def _node(nova: Any, index: int, host: str) -> ComputeNode:
    db = nova.db
    rows = db.instances_on_host(host)
    root_free = nova.kernel.switches.release.major >= BFV_ROOT_FREE_SINCE
    vcpus = memory = disk = workload = 0
    for row in rows:
        flavor = row.flavor
        vcpus += flavor.vcpus
        memory += flavor.memory_mb
        if not (root_free and is_volume_backed_instance(row, db.bdms.get(row.uuid, []))):
            disk += flavor.root_gb
        disk += flavor.ephemeral_gb + flavor.swap // 1024
        if row.task_state is not None:
            workload += 1
    if db.migrations:
        moves_root_free = root_free and not nova.kernel.switches.lp1796737
        vcpus_m, memory_m, disk_m = move_claims(nova, host, moves_root_free)
        vcpus, memory, disk = vcpus + vcpus_m, memory + memory_m, disk + disk_m
    return ComputeNode(
        index,
        services.compute_node_uuid(nova, host),
        host,
        host,
        host_ip(index),
        HOST_VCPUS,
        HOST_MEMORY_MB,
        HOST_LOCAL_GB,
        vcpus,
        RESERVED_HOST_MEMORY_MB + memory,
        disk,
        len(rows),
        workload,
    )


#: Migration statuses whose claims the resource trackers no longer hold.
_CLAIMS_DROPPED = frozenset(("confirmed", "reverted", "error", "failed", "completed", "done"))


def _in_resize_state(row: Any) -> bool:
    """``_instance_in_resize_state``: ``resized``, or active/stopped with a resize task (or a
    rebuild one: an evacuation's)."""
    if row.vm_state == states.RESIZED:
        return True
    return row.vm_state in (states.ACTIVE, states.STOPPED) and (row.task_state in _MOVE_TASK_STATES)


_MOVE_TASK_STATES = frozenset(
    (
        *states.RESIZE_TASK_STATES,
        states.REBUILDING,
        states.REBUILD_BLOCK_DEVICE_MAPPING,
        states.REBUILD_SPAWNING,
    )
)


def move_claims(nova: Any, host: str, root_free: bool) -> tuple[int, int, int]:
    """What the moves in progress hold on `host` besides its servers (``_update_usage_from_
    migrations``): an incoming server's new flavor on its destination until it arrives, an
    outgoing one's old flavor on its source until the confirm (and the destination's until a
    revert ends)."""
    db = nova.db
    vcpus = memory = disk = 0
    for migration in db.migrations.values():
        if migration.status in _CLAIMS_DROPPED or migration.dest_compute is None:
            continue
        row = db.instances.get(migration.instance_uuid)
        if row is None or row.deleted or not _in_resize_state(row):
            continue
        if migration.source_compute == migration.dest_compute:
            # A resize on its own host: the flavor the server does not have now, as well.
            if host != migration.source_compute:
                continue
            same = row.flavor == migration.new_flavor
            flavor = migration.old_flavor if same else migration.new_flavor
        elif row.host == host:
            continue
        elif host == migration.dest_compute:
            flavor = migration.new_flavor or row.flavor
        elif host == migration.source_compute:
            flavor = migration.old_flavor or row.flavor
        else:
            continue
        vcpus += flavor.vcpus
        memory += flavor.memory_mb
        if not (root_free and is_volume_backed_instance(row, db.bdms.get(row.uuid, []))):
            disk += flavor.root_gb
        disk += flavor.ephemeral_gb + flavor.swap // 1024
    return vcpus, memory, disk


def registered(nova: Any) -> bool:
    """Whether the computes' resource trackers made their nodes: not with ``[libvirt]
    images_type`` rbd and an empty ``images_rbd_pool``. There the driver's
    ``get_available_resource`` fails at ``_get_local_gb_info``'s pool (nova 17.0.0
    ``rbd_utils.get_pool_info``: ``open_ioctx('')``, librados' ObjectNotFound; 33.0.0
    ``nova/storage/rbd_utils.py``: 'Pool  could not be found.'), on the start's
    ``update_available_resource`` and every period after: ``_update_available_resource_for_node``
    logs "Error updating resources for node", so no compute node row, no resource provider and
    no host mapping (``discover_hosts`` maps hosts by their nodes) ever exist: every build is
    ``NoValidHost`` (`fakecloud.nova.scheduler.select_host`) and ``imagebackend.Rbd``'s
    RuntimeError at a spawn is never reached."""
    config = nova.config
    return config.images_type != "rbd" or bool(config.rbd_pool)


def compute_node_get_all(nova: Any) -> list[ComputeNode]:
    """``ComputeNodeList.get_all``: every node whose service is not deleted, by id (none
    where the nodes are not `registered`)."""
    if not registered(nova):
        return []
    changes = (nova.db.service_changes or {}).get(services.COMPUTE, {})
    return [
        _node(nova, index, host)
        for index, host in enumerate(nova.hosts, start=1)
        if not (host in changes and changes[host].deleted)
    ]


def compute_node_get(nova: Any, ident: int | str) -> ComputeNode | None:
    """``ComputeNode.get_by_id`` (an int) / ``get_by_uuid`` (a str), or None."""
    if not registered(nova):
        return None
    changes = (nova.db.service_changes or {}).get(services.COMPUTE, {})
    for index, host in enumerate(nova.hosts, start=1):
        if host in changes and changes[host].deleted:
            continue
        if ident == index or (
            isinstance(ident, str) and ident.lower() == services.compute_node_uuid(nova, host)
        ):
            return _node(nova, index, host)
    return None


def uptime_text(nova: Any, at: float) -> str:
    """What ``env LANG=C uptime`` prints on a compute host at virtual time `at` (procps'
    ``sprint_uptime``; the host booted when the cloud started, no one logged in, idle)."""
    clock = nova.kernel.clock.strftime(at, "%H:%M:%S")
    seconds = int(at)
    days, minutes = seconds // 86400, seconds // 60
    hours, minutes = (minutes // 60) % 24, minutes % 60
    up = f"{days} day{'s' if days != 1 else ''}, " if days else ""
    up += f"{hours:2d}:{minutes:02d}, " if hours else f"{minutes} min, "
    return f" {clock} up {up} 0 users,  load average: 0.00, 0.00, 0.00\n"
