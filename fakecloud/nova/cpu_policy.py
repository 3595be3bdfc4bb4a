"""The CPU policy checks of ``hardware.numa_get_constraints`` a server create runs in Nova's
API (``_validate_and_build_base_options``, after the key pair and the networks): a flavor's
``hw:cpu_policy`` that is no policy of its release is ``InvalidCPUAllocationPolicy`` (19.0.0
on, ``get_cpu_policy_constraint``; 17.x-18.x read it as ``shared``), ``mixed`` a policy from
22.0.0, whose flavor must name its dedicated vCPUs by exactly one of ``hw:cpu_dedicated_mask``
and a realtime mask (``hw:cpu_realtime`` on): else ``RequiredMixedOrRealtimeCPUMask``. Each a
400 with its message (nova 19.0.0, 21.2.4, 22.0.0, 33.0.0 ``virt/hardware.py``, the create's
``INVALID_FLAVOR_IMAGE_EXCEPTIONS``). Not modelled: the rest of ``numa_get_constraints``' checks
(thread and emulator policies, a mask that is no subset of the vCPUs, NUMA nodes, page sizes).
"""

from __future__ import annotations

from typing import Any

from fakecloud.nova import exception

#: The first Nova refusing a policy that is none of ``CPUAllocationPolicy.ALL``.
CHECKED_SINCE = (19, 0, 0)
#: The first Nova with the ``mixed`` policy.
MIXED_SINCE = (22, 0, 0)


def check(flavor: Any, version: tuple) -> None:
    """The 400 `flavor`'s CPU policy is in release `version`, if any."""
    specs = flavor.extra_specs
    policy = specs.get("hw:cpu_policy") if specs else None
    if not policy or version < CHECKED_SINCE:
        return
    known = ("dedicated", "shared", "mixed") if version >= MIXED_SINCE else ("dedicated", "shared")
    if policy not in known:
        raise exception.InvalidCPUAllocationPolicy(
            source="flavor extra specs", requested=policy, available=str(known)
        )
    if policy == "mixed":
        from oslo_utils import strutils  # here: its import compiles ~400 regexes

        realtime = strutils.bool_from_string(specs.get("hw:cpu_realtime", False))
        if realtime == bool(specs.get("hw:cpu_dedicated_mask")):
            raise exception.RequiredMixedOrRealtimeCPUMask()
