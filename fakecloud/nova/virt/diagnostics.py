"""A guest's diagnostics as libvirt's driver reports them (``LibvirtDriver.get_diagnostics``
and ``get_instance_diagnostics``, ``nova/virt/libvirt/driver.py``; ``nova/objects/
diagnostics.py``): the legacy dict of counters before microversion 2.48, the standard
``Diagnostics`` object from 2.48.

What fakecloud models is reported as libvirt would: one vCPU per flavor vCPU, the flavor's
memory (libvirt's KiB; the standard format's ``memory_details`` divide the KiB by
``units.Mi`` as Nova does, so a 512 MiB guest shows 0), one disk per target device the guest's
XML holds (the root disk, then the volumes in attach order), the guest's uptime from its
launch. What it does not model is 0: CPU time, block I/O counters. fakecloud's guests have no
network interfaces (``networks: none``), so no NIC is listed.
"""

from __future__ import annotations

from typing import Any

#: ``power_state.STATE_MAP``: the names of the power states.
STATE_MAP = {
    0: "pending",
    1: "running",
    3: "paused",
    4: "shutdown",
    6: "crashed",
    7: "suspended",
}
#: ``oslo_utils.units.Mi``.
MI = 1024 * 1024

_CPU_FIELDS = ("id", "time", "utilisation")
_DISK_FIELDS = ("read_bytes", "read_requests", "write_bytes", "write_requests", "errors_count")


def disk_devices(root_device_name: str | None, bdm_devices: list[str | None]) -> list[str]:
    """``_get_io_devices(xml)["volumes"]``: the target device of each disk (``vda``...), the
    root disk first, each once."""
    out: list[str] = []
    for device in (root_device_name, *bdm_devices):
        if device:
            name = device.rsplit("/", 1)[-1]
            if name not in out:
                out.append(name)
    return out


def legacy(vcpus: int, memory_kib: int, disks: list[str]) -> dict[str, Any]:
    """``get_diagnostics``: ``cpuN_time``, each disk's ``_read_req``, ``_read``,
    ``_write_req``, ``_write``, ``_errors``, ``memory`` and ``memory-actual``
    (``memoryStats``' ``actual``)."""
    output: dict[str, Any] = {}
    for vcpu in range(vcpus):
        output[f"cpu{vcpu}_time"] = 0
    for disk in disks:
        output[disk + "_read_req"] = 0
        output[disk + "_read"] = 0
        output[disk + "_write_req"] = 0
        output[disk + "_write"] = 0
        output[disk + "_errors"] = 0
    output["memory"] = memory_kib
    output["memory-actual"] = memory_kib
    return output


def standard(
    state: int,
    hypervisor: str,
    config_drive: bool,
    uptime_s: float,
    vcpus: int,
    memory_kib: int,
    disks: list[str],
) -> dict[str, Any]:
    """``get_instance_diagnostics`` through ``views/server_diagnostics.py``'s
    ``instance_diagnostics``: the fields in the view's order, ``num_*`` counted."""
    cpu_details = [dict.fromkeys(_CPU_FIELDS) | {"id": i, "time": 0} for i in range(vcpus)]
    disk_details = [dict.fromkeys(_DISK_FIELDS, 0) for _ in disks]
    return {
        "state": STATE_MAP[state],
        "driver": "libvirt",
        "hypervisor": hypervisor,
        "hypervisor_os": "linux",
        "uptime": int(uptime_s),
        "config_drive": config_drive,
        "num_cpus": len(cpu_details),
        "num_nics": 0,
        "num_disks": len(disk_details),
        "disk_details": disk_details,
        "cpu_details": cpu_details,
        "nic_details": [],
        # IntegerField coerces max_mem / units.Mi (a float) with int().
        "memory_details": {"maximum": int(memory_kib / MI), "used": int(memory_kib / MI)},
    }
