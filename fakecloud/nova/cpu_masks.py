"""A flavor's CPU masks as ``nova/virt/hardware.py`` reads them (nova 25.0.0-34.0.0):
``parse_cpu_spec`` and the dedicated CPUs of a ``hw:cpu_policy=mixed`` flavor, which
``ResourceRequest._translate_pinning_policies`` asks as ``PCPU`` (`fakecloud.nova.limit`)."""

from __future__ import annotations

from typing import Any


def parse_cpu_spec(spec: str) -> set[int]:
    """``parse_cpu_spec``: CPU numbers, ranges ``a-b`` and exclusions ``^n``/``^a-b`` joined
    by commas (empty items skipped); `ValueError` for a rule that is none of these
    (Nova's ``exception.Invalid``)."""
    taken: set[int] = set()
    rejected: set[int] = set()
    for rule in spec.split(","):
        rule = rule.strip()
        if not rule:
            continue
        parts = rule.split("-", 1)
        if len(parts) > 1:
            reject = parts[0][:1] == "^"
            if reject:
                parts[0] = parts[0][1:]
            start, end = (int(p.strip()) for p in parts)
            if start > end:
                raise ValueError(f"Invalid range expression {rule!r}")
            (rejected if reject else taken).update(range(start, end + 1))
        elif rule[0] == "^":
            rejected.add(int(rule[1:].strip()))
        else:
            taken.add(int(rule))
    return taken - rejected


def _mask(mask: str, vcpus: int) -> set[int]:
    """A mask's CPUs: one starting ``^`` excludes from all the flavor's vCPUs."""
    if mask.strip().startswith("^"):
        return parse_cpu_spec(f"0-{vcpus - 1},{mask}")
    return parse_cpu_spec(mask)


def mixed_dedicated_cpus(flavor: Any) -> set[int]:
    """The vCPUs a ``mixed`` flavor pins: ``get_dedicated_cpu_constraint``'s
    ``hw:cpu_dedicated_mask``, else ``get_realtime_cpu_constraint``'s (``hw:cpu_realtime``
    on: ``hw:cpu_realtime_mask``, none meaning every vCPU; the limits' request has no image,
    so no ``hw_cpu_realtime_mask``). A mask Nova's boot refuses (``numa_get_constraints``, not
    modelled here) pins nothing."""
    specs = flavor.extra_specs
    try:
        mask = specs.get("hw:cpu_dedicated_mask")
        if mask:
            pcpus = _mask(mask, flavor.vcpus)
            if pcpus and pcpus < set(range(flavor.vcpus)):
                return pcpus
            return set()
        from oslo_utils import strutils  # here: its import compiles ~400 regexes

        if strutils.bool_from_string(specs.get("hw:cpu_realtime")):
            mask = specs.get("hw:cpu_realtime_mask")
            rt = _mask(mask, flavor.vcpus) if mask else set(range(flavor.vcpus))
            return rt if rt <= set(range(flavor.vcpus)) else set()
    except ValueError:
        pass
    return set()
