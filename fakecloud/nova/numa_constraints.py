"""The guest NUMA topology part of ``hardware.numa_get_constraints`` (its node count, the
flavor's per-node CPU and memory lists, the memory page size), its realtime and emulator
threads policies, as a server create, a rebuild and a resize run it in Nova's API (`cpu_policy` has
the CPU policy part and calls this).

`check_topology` (``_get_numa_node_count_constraint``, ``_get_numa_pagesize_constraint``, the
``hw:numa_cpus.N``/``hw:numa_mem.N`` lists, ``_get_numa_topology_auto``): a node count in both
the flavor (``hw:numa_nodes``) and the image (``hw_numa_nodes``) is
``ImageNUMATopologyForbidden``, one that is no integer of at least 1
``InvalidNUMANodesNumber``; a page size the image asks (``hw_mem_page_size``) where the
flavor asks none, or asks ``small`` or a size, ``MemoryPageSizeForbidden``, one no alias,
number or size string ``MemoryPageSizeInvalid`` (switch ``lp1879964``: before 20.4.0, 21.1.0
and 22.0.0 an unreadable size is named ``'0'`` and a number below 1 refused, after it the
text as given and a number as it is); then, where the server gets a topology (nodes, a page
size, or pinning from 22.0.0), one list without the other or of another length than the
nodes is ``ImageNUMATopologyIncomplete``, and vCPUs or memory the nodes do not divide
``ImageNUMATopologyAsymmetric`` (with no lists). Up to 21.x these come before the CPU
policies' checks (any topology asked: nodes or a page size), from 22.0.0 after them.

From 26.0.0 (572c2b18e2), after the page size whether or not a topology is asked,
``hw:locked_memory`` and the image's ``hw_locked_memory`` must agree
(``FlavorImageLockedMemoryConflict``) and locked memory needs a page size
(``LockMemoryForbidden``): until 34.0.0 (ca384766a7, LP #2158972, switch ``lp2158972``) the
first a bare ``NovaException``, Nova's 500, the second a ``Forbidden``, a 403; then 400s.

Realtime (``hw:cpu_realtime``): the mask (the image's ``hw_cpu_realtime_mask`` before the
flavor's ``hw:cpu_realtime_mask``) is checked ahead of ``numa_get_constraints`` from 19.0.0
(`realtime_mask`: ``vcpus_realtime_topology``, none given or none left realtime; from 22.0.0
``get_realtime_cpu_constraint``, with another message, where no mask makes every vCPU
realtime, refused unless an emulator threads policy is set, as is a mask naming every vCPU,
and a vCPU beyond the flavor's has its own message); 17.x-18.x ask only that one is given,
after the CPU policy. Without a dedicated policy (or mixed, from 22.0.0) it is
``RealtimeConfigurationInvalid`` (17.x-18.x before the mask's check; from 19.0.0 a sanity
check after the thread and emulator threads policies' and the dedicated mask's).

`emulator_threads_policy` (``get_emulator_thread_policy_constraint``;
``get_emulator_threads_constraint`` before 19.0.0): ``hw:emulator_threads_policy`` other than
``share`` or ``isolate`` is ``InvalidEmulatorThreadsPolicy``, ``isolate`` without a dedicated
policy ``BadRequirementEmulatorThreadsPolicy`` (from 19.0.0 a sanity check after the thread
policy's). Before 19.0.0 neither is in the API's list of 400s: Nova's 500.

Each a 400 with its message from 19.0.0 (the API's ``INVALID_FLAVOR_IMAGE_EXCEPTIONS``),
at a create in every release (17.0.13's create lists them; nova 17.0.13, 19.3.2, 20.6.1,
22.4.0, 26.3.0, 34.0.0 ``virt/hardware.py``).

The per-node lists are the flavor's ``hw:numa_cpus.N``/``hw:numa_mem.N`` or the image's own
``hw_numa_cpus.N``/``hw_numa_mem.N`` (`image_numa_lists`, read as ``ImageMetaProps.from_dict``
reads them), never both (``ImageNUMATopologyForbidden``, named ``hw_numa_cpus`` or
``hw_numa_mem``). A CPU list or mask ``parse_cpu_spec`` refuses (an image's list as its
metadata is read, the flavor's lists where a topology is asked, a realtime mask from 19.0.0, a
dedicated mask from 22.0.0) is `CpuSpecInvalid`, a flavor's memory list ``int`` refuses
`NumaMemValueError` (Nova's 500), an image's ``InvalidRequest``. A flavor asking vPMEM
(`fakecloud.nova.vpmem`, 20.0.0 on) asks a topology as a node count does (one node). Not
modelled: an image property of the wrong type other than these (``ImageMeta.from_dict``).
17.x-18.x's realtime mask is read first by the host's libvirt driver at the spawn
(`spawn_realtime_mask`): a bad one fails the build there, which is rescheduled.
"""

from __future__ import annotations

from typing import Any

from fakecloud import late
from fakecloud.nova import cpu_masks, exception, vpmem

#: The first Nova whose ``numa_get_constraints`` reads the CPU policies before the topology.
CPU_FIRST_SINCE = (22, 0, 0)
#: The first Nova whose API answers the emulator threads errors with a 400, and checks
#: ``isolate`` among the sanity checks (``INVALID_FLAVOR_IMAGE_EXCEPTIONS``).
EMULATOR_400_SINCE = (19, 0, 0)
#: ``CPUEmulatorThreadsPolicy.ALL``, the same in every release.
EMULATOR_POLICIES = ("share", "isolate")
ISOLATE = "isolate"


class EmulatorThreadsUncaught(exception.NovasOwn500, Exception):
    """An emulator threads error before 19.0.0: not in the create's list of 400s, so Nova's
    500 naming it (17.0.13, 18.3.0 ``servers.py`` ``create``)."""


class InvalidEmulatorThreadsUncaught(EmulatorThreadsUncaught):
    """`EmulatorThreadsUncaught` of ``InvalidEmulatorThreadsPolicy``."""

    real_class_path = "nova.exception.InvalidEmulatorThreadsPolicy"


class BadRequirementUncaught(EmulatorThreadsUncaught):
    """`EmulatorThreadsUncaught` of ``BadRequirementEmulatorThreadsPolicy``."""

    real_class_path = "nova.exception.BadRequirementEmulatorThreadsPolicy"


def emulator_threads_policy(specs: dict[str, Any], version: tuple) -> str | None:
    """The flavor's ``hw:emulator_threads_policy``, refused when it is none of the enum's."""
    policy = specs.get("hw:emulator_threads_policy")
    if not policy:
        return None
    if policy not in EMULATOR_POLICIES:
        _raise(
            exception.InvalidEmulatorThreadsPolicy(
                requested=policy, available=str(EMULATOR_POLICIES)
            ),
            version,
        )
    return policy


def refuse_isolate(policy: str | None, version: tuple) -> None:
    """``BadRequirementEmulatorThreadsPolicy`` for ``isolate`` under a policy that pins
    nothing."""
    if policy == ISOLATE:
        _raise(exception.BadRequirementEmulatorThreadsPolicy(), version)


def _raise(error: exception.NovaException, version: tuple) -> None:
    if version < EMULATOR_400_SINCE:
        isolate = isinstance(error, exception.BadRequirementEmulatorThreadsPolicy)
        uncaught = BadRequirementUncaught if isolate else InvalidEmulatorThreadsUncaught
        raise uncaught(error.format_message())
    raise error


#: The first Nova reading the realtime mask in ``get_realtime_cpu_constraint`` (before any
#: other realtime check, with another message); before, ``vcpus_realtime_topology`` (from
#: 19.0.0, ahead of ``numa_get_constraints``) and the sanity checks.
REALTIME_CONSTRAINT_SINCE = (22, 0, 0)
#: The first Nova checking the realtime mask ahead of ``numa_get_constraints``
#: (``_validate_flavor_image_numa_pci``'s ``vcpus_realtime_topology``).
REALTIME_TOPOLOGY_SINCE = (19, 0, 0)
_SUBSET = (
    "Realtime policy vCPU(s) mask is configured with RT vCPUs that are not a subset of the "
    "vCPUs in the flavor. See hw:cpu_realtime_mask or hw_cpu_realtime_mask"
)


def realtime(specs: dict[str, Any]) -> bool:
    """``is_realtime_enabled``: the flavor's ``hw:cpu_realtime``."""
    strutils = late.module("oslo_utils.strutils")  # on use: ~400 regexes compiled
    return strutils.bool_from_string(specs.get("hw:cpu_realtime"))


def realtime_mask(flavor: Any, image_props: dict[str, Any], version: tuple) -> None:
    """The realtime mask's check of a realtime flavor (the image's ``hw_cpu_realtime_mask``
    before the flavor's): ``get_realtime_cpu_constraint`` from 22.0.0 (no mask: every vCPU
    realtime; none realtime `RealtimeMaskNotFoundOrInvalid`; then the emulator threads policy
    read, one outside its enum refused here, ahead of the CPU policies; every vCPU without
    one, or vCPUs beyond the flavor's, `RealtimeMaskNotFoundOrInvalid`), else
    ``vcpus_realtime_topology`` (no mask, or one leaving no vCPU realtime)."""
    specs = flavor.extra_specs or {}
    mask = image_props.get("hw_cpu_realtime_mask") or specs.get("hw:cpu_realtime_mask")
    legacy = version < REALTIME_CONSTRAINT_SINCE
    if mask:
        try:
            count, every, within = cpu_masks.realtime_mask_shape(str(mask), flavor.vcpus, legacy)
        except ValueError:
            raise CpuSpecInvalid() from None
    elif legacy:
        count = 0
    else:
        count, every, within = flavor.vcpus, True, True
    if count < 1:
        raise exception.RealtimeMaskNotFoundOrInvalid(_realtime_message(version))
    if legacy:
        return
    emulator = emulator_threads_policy(specs, version)
    if every and not emulator:
        raise exception.RealtimeMaskNotFoundOrInvalid(_realtime_message(version))
    if not within:
        raise exception.RealtimeMaskNotFoundOrInvalid(_SUBSET)


def realtime_mask_given(flavor: Any, image_props: dict[str, Any]) -> None:
    """17.x-18.x's only realtime mask check (``numa_get_constraints``' sanity checks): one is
    given."""
    specs = flavor.extra_specs or {}
    if not (image_props.get("hw_cpu_realtime_mask") or specs.get("hw:cpu_realtime_mask")):
        raise exception.RealtimeMaskNotFoundOrInvalid(_realtime_message((17, 0, 0)))


def spawn_realtime_mask(flavor: Any, image_props: dict[str, Any]) -> None:
    """17.x-18.x's libvirt driver building a realtime guest (``_get_guest_numa_config``'s
    ``vcpus_realtime_topology``; nova 17.0.13, 18.3.0 ``virt/libvirt/driver.py``,
    ``virt/hardware.py``), where the API asked only that a mask be given: one
    ``parse_cpu_spec`` refuses is its ``exception.Invalid`` ("Invalid exclusion expression
    '^x'"), one leaving no vCPU realtime (``^0-1`` of 2) `RealtimeMaskNotFoundOrInvalid`; a
    mask naming every vCPU passes, as there. From 19.0.0 the API refuses these first."""
    specs = flavor.extra_specs or {}
    mask = image_props.get("hw_cpu_realtime_mask") or specs.get("hw:cpu_realtime_mask")
    count = 0
    if mask:
        try:
            count = cpu_masks.realtime_mask_shape(str(mask), flavor.vcpus, legacy=True)[0]
        except ValueError as exc:
            raise exception.Invalid(str(exc)) from None
    if count < 1:
        raise exception.RealtimeMaskNotFoundOrInvalid(_realtime_message((17, 0, 0)))


def _realtime_message(version: tuple) -> str:
    if version >= REALTIME_CONSTRAINT_SINCE:
        return (
            "Use of realtime CPUs requires either one or more non-realtime CPU(s) or offloaded "
            "emulator threads."
        )
    return (
        "Realtime policy needs vCPU(s) mask configured with at least 1 RT vCPU and 1 ordinary "
        "vCPU. See hw:cpu_realtime_mask or hw_cpu_realtime_mask"
    )


def check_topology(
    flavor: Any, image_props: dict[str, Any], version: tuple, switches: Any, pinned: bool
) -> None:
    """The node count, page size and lists checks, and the automatic split's; `pinned`:
    the CPU policy asks a topology (22.0.0 on: dedicated or mixed)."""
    specs = flavor.extra_specs or {}
    nodes = _node_count(specs.get("hw:numa_nodes"), image_props.get("hw_numa_nodes"))
    pagesize = _page_size(
        specs.get("hw:mem_page_size"), image_props.get("hw_mem_page_size"), switches
    )
    if version >= LOCKED_MEMORY_SINCE:
        _locked_memory(specs, image_props, switches)
    if not (
        nodes
        or pagesize
        or vpmem.labels(flavor, version)  # vPMEM asks a (first) NUMA node, 20.0.0 on
        or (pinned and version >= CPU_FIRST_SINCE)
    ):
        return
    nodes = nodes or 1
    image_cpus, image_mems = image_numa_lists(image_props)
    cpu_list = _one_list(_flavor_cpu_lists(specs), image_cpus, "hw_numa_cpus")
    mem_list = _one_list(_flavor_mem_lists(specs), image_mems, "hw_numa_mem")
    if (cpu_list is None) != (mem_list is None):
        raise exception.ImageNUMATopologyIncomplete()
    if cpu_list is not None and (len(cpu_list) != nodes or len(mem_list) != nodes):
        raise exception.ImageNUMATopologyIncomplete()
    if cpu_list is None and (flavor.vcpus % nodes or flavor.memory_mb % nodes):
        raise exception.ImageNUMATopologyAsymmetric()
    if cpu_list is not None:
        _manual_topology(flavor, cpu_list, mem_list)


#: ``ImageMetaProps.NUMA_NODES_MAX``: the lists' nodes read (``.0`` to ``.127``).
NUMA_NODES_MAX = 128


class CpuSpecInvalid(exception.NovasOwn500, Exception):
    """``parse_cpu_spec``'s ``exception.Invalid`` (a CPU list or mask that is no numbers,
    ranges and exclusions). Raised in Nova's API where no handler names it: the create's and
    the rebuild's 500 (``Invalid`` is in neither list), the resize's 400 "Invalid instance
    image." (its ``except exception.Invalid``; `fakecloud.nova.api.server_resize`)."""

    real_class_path = "nova.exception.Invalid"


class NumaMemValueError(exception.NovasOwn500, ValueError):
    """``int()`` of a flavor's ``hw:numa_mem.N`` that is no integer
    (``_get_constraint_mappings_from_flavor``): a ValueError no API catches, Nova's 500."""

    real_class_path = "ValueError"


def image_numa_lists(props: dict[str, Any]) -> tuple[list[cpu_masks.Runs] | None, list[int] | None]:
    """``ImageMetaProps``' ``_set_numa_cpus`` and ``_set_numa_mem`` (``from_dict``): the
    image's ``hw_numa_cpus.N`` (``parse_cpu_spec``: `CpuSpecInvalid`) and ``hw_numa_mem.N``
    (``int``: its ValueError, which ``_get_image_meta_obj`` answers as ``InvalidRequest``) from
    ``.0`` until one is missing, each None where there is none."""
    cpus = _numbered(props, "hw_numa_cpus")
    try:
        cpu_list = [cpu_masks.parse_cpu_spec(str(value)) for value in cpus]
    except ValueError:
        raise CpuSpecInvalid() from None
    mem_list = []
    for value in _numbered(props, "hw_numa_mem"):
        try:
            mem_list.append(int(value))
        except (TypeError, ValueError):
            raise exception.InvalidRequest(
                f"Invalid image metadata. Error: invalid literal for int() with base 10: "
                f"{str(value)!r}"
            ) from None
    return cpu_list or None, mem_list or None


def _numbered(mapping: dict[str, Any], prefix: str) -> list[Any]:
    """The values of ``prefix.0``, ``prefix.1``... until one is missing (at most
    `NUMA_NODES_MAX`)."""
    values = []
    for cell in range(NUMA_NODES_MAX):
        key = f"{prefix}.{cell}"
        if key not in mapping:
            break
        values.append(mapping[key])
    return values


def _flavor_cpu_lists(specs: dict[str, Any]) -> list[cpu_masks.Runs] | None:
    """``_get_constraint_mappings_from_flavor(flavor, 'hw:numa_cpus', parse_cpu_spec)``."""
    try:
        lists = [cpu_masks.parse_cpu_spec(str(v)) for v in _numbered(specs, "hw:numa_cpus")]
    except ValueError:
        raise CpuSpecInvalid() from None
    return lists or None


def _flavor_mem_lists(specs: dict[str, Any]) -> list[int] | None:
    """``_get_constraint_mappings_from_flavor(flavor, 'hw:numa_mem', int)``."""
    try:
        lists = [int(v) for v in _numbered(specs, "hw:numa_mem")]
    except ValueError as error:
        raise NumaMemValueError(str(error)) from None
    return lists or None


def _one_list(flavor_list: list | None, image_list: list | None, name: str) -> list | None:
    """``_get_numa_cpu_constraint``/``_get_numa_mem_constraint``: the flavor's list, else the
    image's; both `ImageNUMATopologyForbidden`."""
    if flavor_list is None:
        return image_list
    if image_list is not None:
        raise exception.ImageNUMATopologyForbidden(name=name)
    return flavor_list


#: Beyond so many vCPUs left to no node Nova's own ``set(range(flavor.vcpus))`` is the
#: trouble, not the message: not modelled.
_UNASSIGNED_SHOWN = 1 << 16


def _manual_topology(flavor: Any, cpu_list: list[cpu_masks.Runs], mem_list: list[int]) -> None:
    """``_get_numa_topology_manual`` (the same in every release): node by node, its CPUs in
    ascending order (Python's order of a set of small numbers; a node naming both a number at
    or above its set's table size and an earlier node's CPU may be read the other way round
    there), one beyond the flavor's ``ImageNUMATopologyCPUOutOfRange`` and one an
    earlier node took ``ImageNUMATopologyCPUDuplicates``; then vCPUs no node took
    ``ImageNUMATopologyCPUsUnassigned`` (Python's set text), memory other than the flavor's
    ``ImageNUMATopologyMemoryOutOfRange``. The lists are the flavor's or the image's, read
    already."""
    top = flavor.vcpus - 1
    taken: cpu_masks.Runs = []
    for cpus in cpu_list:
        again = cpu_masks.intersection(cpus, taken)
        if again and again[0][0] <= top:
            raise exception.ImageNUMATopologyCPUDuplicates(cpunum=again[0][0])
        beyond = [run for run in cpus if run[1] > top]
        if beyond:
            raise exception.ImageNUMATopologyCPUOutOfRange(
                cpunum=max(beyond[0][0], top + 1), cpumax=top
            )
        taken = cpu_masks.union(taken, cpus)
    total = sum(mem_list)
    left = cpu_masks.without([(0, top)], taken) if top >= 0 else []
    count = sum(last - first + 1 for first, last in left)
    if left and count <= _UNASSIGNED_SHOWN:
        shown = ", ".join(str(cpu) for first, last in left for cpu in range(first, last + 1))
        raise exception.ImageNUMATopologyCPUsUnassigned(cpuset="{" + shown + "}")
    if total != flavor.memory_mb:
        raise exception.ImageNUMATopologyMemoryOutOfRange(memsize=total, memtotal=flavor.memory_mb)


#: The first Nova reading ``hw:locked_memory``/``hw_locked_memory`` (572c2b18e2).
LOCKED_MEMORY_SINCE = (26, 0, 0)


class LockedMemoryConflictUncaught(exception.NovasOwn500, Exception):
    """``FlavorImageLockedMemoryConflict`` before 34.0.0: a bare ``NovaException`` no API
    expects, Nova's 500 naming it."""

    real_class_path = "nova.exception.FlavorImageLockedMemoryConflict"


def _locked_memory(specs: dict[str, Any], image_props: dict[str, Any], switches: Any) -> None:
    """``get_locked_memory_constraint`` (26.0.0 on): the flavor's and the image's values (both
    read by ``bool_from_string``, the image's a ``FlexibleBooleanField``) must agree, and
    locked memory needs a page size (flavor's or image's). Until 34.0.0 (switch ``lp2158972``)
    the first is Nova's 500 and the second a 403."""
    strutils = late.module("oslo_utils.strutils")  # on use: ~400 regexes compiled
    flavor_value, image_value = specs.get("hw:locked_memory"), image_props.get("hw_locked_memory")
    if image_value is not None:
        image_value = strutils.bool_from_string(image_value)
    locked = image_value
    if flavor_value is not None:
        flavor_value = strutils.bool_from_string(flavor_value)
        if image_value is not None and flavor_value != image_value:
            error = exception.FlavorImageLockedMemoryConflict(
                image=image_value, flavor=flavor_value
            )
            if switches.lp2158972:
                raise LockedMemoryConflictUncaught(error.format_message())
            raise error
        locked = flavor_value
    if locked and not (specs.get("hw:mem_page_size") or image_props.get("hw_mem_page_size")):
        if switches.lp2158972:
            raise exception.LockMemoryForbidden403()
        raise exception.LockMemoryForbidden()


def _node_count(flavor_nodes: Any, image_nodes: Any) -> int | None:
    """``_get_numa_node_count_constraint``."""
    if flavor_nodes and image_nodes:
        raise exception.ImageNUMATopologyForbidden(name="hw_numa_nodes")
    nodes = flavor_nodes or image_nodes
    if nodes is None:
        return None
    strutils = late.module("oslo_utils.strutils")  # on use: ~400 regexes compiled
    if not strutils.is_int_like(nodes) or int(nodes) < 1:
        raise exception.InvalidNUMANodesNumber(nodes=nodes)
    return int(nodes)


#: ``MEMPAGES_SMALL``, ``MEMPAGES_LARGE``, ``MEMPAGES_ANY``.
_ALIASES = {"small": -1, "large": -2, "any": -3}


def _page_size(flavor_request: Any, image_request: Any, switches: Any) -> Any:
    """``_get_numa_pagesize_constraint``: the page size asked, or None."""
    if not flavor_request and image_request:
        raise exception.MemoryPageSizeForbidden(pagesize=image_request, against="<empty>")
    if not flavor_request:
        return None
    pagesize = _read_page_size(str(flavor_request), switches)
    if image_request and pagesize in (_ALIASES["any"], _ALIASES["large"]):
        return _read_page_size(str(image_request), switches)
    if image_request:
        raise exception.MemoryPageSizeForbidden(pagesize=image_request, against=flavor_request)
    return pagesize


def _read_page_size(request: str, switches: Any) -> Any:
    """``check_and_return_pages_size``: an alias, a number of KiB, or a size string
    (``strutils.string_to_bytes``, in KiB)."""
    strutils = late.module("oslo_utils.strutils")  # on use: ~400 regexes compiled
    if request in _ALIASES:
        return _ALIASES[request]
    if not switches.lp1879964:
        if request.isdigit():
            return int(request)
        try:
            return strutils.string_to_bytes(request, return_int=True) / 1024
        except ValueError:
            raise exception.MemoryPageSizeInvalid(pagesize=request) from None
    try:
        size: Any = int(request)
    except ValueError:
        try:
            size = strutils.string_to_bytes(request, return_int=True) / 1024
        except ValueError:
            size = 0
    if size <= 0:
        raise exception.MemoryPageSizeInvalid(pagesize=size)
    return size
