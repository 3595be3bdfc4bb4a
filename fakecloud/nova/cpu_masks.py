"""A flavor's CPU masks as ``nova/virt/hardware.py`` reads them (nova 25.0.0-34.0.0):
``parse_cpu_spec`` and the dedicated CPUs of a ``hw:cpu_policy=mixed`` flavor, which
``ResourceRequest._translate_pinning_policies`` asks as ``PCPU`` (`fakecloud.nova.limit`).

Nova builds Python sets of CPU numbers; here they are runs of numbers (``(first, last)``,
sorted and apart), so a flavor of 2**31-1 vCPUs or a mask ``0-2000000000`` is counted in a few
steps where a set would take every byte of memory: the counts are the sets' sizes."""

from __future__ import annotations

from typing import Any

#: CPU numbers as sorted, disjoint, non-adjacent runs ``(first, last)``.
Runs = list[tuple[int, int]]


def _merged(runs: Runs) -> Runs:
    """The runs' union, sorted and merged."""
    out: Runs = []
    for first, last in sorted(runs):
        if out and first <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], last))
        else:
            out.append((first, last))
    return out


def _without(taken: Runs, rejected: Runs) -> Runs:
    """``taken - rejected`` for merged runs."""
    out: Runs = []
    for first, last in taken:
        for r_first, r_last in rejected:
            if r_last < first or r_first > last:
                continue
            if r_first > first:
                out.append((first, r_first - 1))
            first = r_last + 1
            if first > last:
                break
        if first <= last:
            out.append((first, last))
    return out


def union(a: Runs, b: Runs) -> Runs:
    """The CPUs of either."""
    return _merged(a + b)


def without(a: Runs, b: Runs) -> Runs:
    """The CPUs of `a` not in `b` (both merged runs)."""
    return _without(a, b)


def intersection(a: Runs, b: Runs) -> Runs:
    """The CPUs in both (merged runs), in order."""
    return _without(a, _without(a, b))


def parse_cpu_spec(spec: str) -> Runs:
    """``parse_cpu_spec``: CPU numbers, ranges ``a-b`` and exclusions ``^n``/``^a-b`` joined
    by commas (empty items skipped), as runs; `ValueError` for a rule that is none of these,
    in the words of Nova's ``exception.Invalid`` ("Invalid exclusion expression '^x'")."""
    taken: Runs = []
    rejected: Runs = []
    for rule in spec.split(","):
        rule = rule.strip()
        if not rule:
            continue
        parts = rule.split("-", 1)
        if len(parts) > 1:
            reject = parts[0][:1] == "^"
            if reject:
                parts[0] = parts[0][1:]
            try:
                start, end = (int(p.strip()) for p in parts)
            except ValueError:
                raise ValueError(f"Invalid range expression {rule!r}") from None
            if start > end:
                raise ValueError(f"Invalid range expression {rule!r}")
            (rejected if reject else taken).append((start, end))
        elif rule[0] == "^":
            try:
                cpu = int(rule[1:].strip())
            except ValueError:
                raise ValueError(f"Invalid exclusion expression {rule!r}") from None
            rejected.append((cpu, cpu))
        else:
            try:
                cpu = int(rule)
            except ValueError:
                raise ValueError(f"Invalid inclusion expression {rule!r}") from None
            taken.append((cpu, cpu))
    return _without(_merged(taken), _merged(rejected))


def _count(runs: Runs) -> int:
    """How many CPUs the runs hold."""
    return sum(last - first + 1 for first, last in runs)


def _within(runs: Runs, vcpus: int) -> bool:
    """Whether every CPU of the runs is one of the flavor's ``0 .. vcpus-1``."""
    return all(first >= 0 and last < vcpus for first, last in runs)


def _mask(mask: str, vcpus: int) -> Runs:
    """A mask's CPUs: one starting ``^`` excludes from all the flavor's vCPUs."""
    if mask.strip().startswith("^"):
        return parse_cpu_spec(f"0-{vcpus - 1},{mask}")
    return parse_cpu_spec(mask)


def dedicated_mask_shape(mask: str, vcpus: int) -> tuple[bool, bool]:
    """``get_dedicated_cpu_constraint``'s two questions of a ``hw:cpu_dedicated_mask``: does
    it pin some of the flavor's `vcpus` and leave some unpinned, and are all its CPUs the
    flavor's. `ValueError` for a mask `parse_cpu_spec` refuses."""
    pcpus = _mask(mask, vcpus)
    unpinned = _without([(0, vcpus - 1)], pcpus) if vcpus > 0 else []
    return bool(pcpus) and bool(unpinned), _within(pcpus, vcpus)


def realtime_mask_shape(mask: str, vcpus: int, legacy: bool) -> tuple[int, bool, bool]:
    """A ``hw:cpu_realtime_mask``'s realtime vCPUs: how many, whether they are every one of
    the flavor's `vcpus`, and whether all are the flavor's. `legacy` (``vcpus_realtime_topology``,
    to 21.x): the mask always applied to all the vCPUs (``0-N,mask``); else
    ``get_realtime_cpu_constraint``'s `_mask`. `ValueError` for a mask `parse_cpu_spec`
    refuses."""
    rt = parse_cpu_spec(f"0-{vcpus - 1},{mask}") if legacy else _mask(mask, vcpus)
    return _count(rt), rt == [(0, vcpus - 1)], _within(rt, vcpus)


def mixed_dedicated_count(flavor: Any) -> int:
    """How many vCPUs a ``mixed`` flavor pins: ``get_dedicated_cpu_constraint``'s
    ``hw:cpu_dedicated_mask``, else ``get_realtime_cpu_constraint``'s (``hw:cpu_realtime``
    on: ``hw:cpu_realtime_mask``, none meaning every vCPU; the limits' request has no image,
    so no ``hw_cpu_realtime_mask``). A mask Nova's boot refuses (``numa_get_constraints``, not
    modelled here) pins nothing."""
    specs = flavor.extra_specs
    vcpus = flavor.vcpus
    try:
        mask = specs.get("hw:cpu_dedicated_mask")
        if mask:
            pcpus = _mask(mask, vcpus)
            # Nova's pcpus < set(range(vcpus)): some, all of them the flavor's, not every one
            if pcpus and _within(pcpus, vcpus) and _count(pcpus) < vcpus:
                return _count(pcpus)
            return 0
        from oslo_utils import strutils  # here: its import compiles ~400 regexes

        if strutils.bool_from_string(specs.get("hw:cpu_realtime")):
            mask = specs.get("hw:cpu_realtime_mask")
            if not mask:
                return max(vcpus, 0)
            rt = _mask(mask, vcpus)
            return _count(rt) if _within(rt, vcpus) else 0
    except ValueError:
        pass
    return 0
