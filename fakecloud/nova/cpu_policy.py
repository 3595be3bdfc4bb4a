"""The CPU policy part of ``hardware.numa_get_constraints``, the flavor's extra specs read with
the image's properties, as a server create, a rebuild and a resize run it in Nova's API.

A flavor's ``hw:cpu_policy`` that is no policy of its release is ``InvalidCPUAllocationPolicy``
(19.0.0 on, ``get_cpu_policy_constraint``; 17.x-18.x read it as ``shared``), ``mixed`` a
policy from 22.0.0, whose flavor must name its dedicated vCPUs by exactly one of
``hw:cpu_dedicated_mask`` and a realtime mask (``hw:cpu_realtime`` on): else
``RequiredMixedOrRealtimeCPUMask``. The image's ``hw_cpu_policy`` and ``hw_cpu_thread_policy``
are enum fields of ``ImageMetaProps``: a value none of the release's is refused as the image
metadata is read (`image_properties`: ``ImageMeta.from_dict``'s ValueError, the API's
``InvalidRequest`` 400 "Invalid image metadata. Error: Field value X is invalid"). An image
asking pinning where the flavor says ``shared`` (or, from 22.0.0, ``dedicated`` where it says
``mixed`` and ``mixed`` or ``dedicated`` where it says ``shared``) is
``ImageCPUPinningForbidden``; a thread policy of the image's other than the flavor's, where the
flavor names one but ``prefer``, ``ImageCPUThreadPolicyForbidden``; a thread policy without a
dedicated or mixed CPU policy ``CPUThreadPolicyConfigurationInvalid``. Each a 400 with its
message (nova 17.0.13, 19.3.2, 20.6.1, 22.4.0, 34.0.0 ``virt/hardware.py``
``get_cpu_policy_constraint``, ``get_cpu_thread_policy_constraint``, ``numa_get_constraints``;
the API's ``INVALID_FLAVOR_IMAGE_EXCEPTIONS``, which catches the two ``Forbidden`` ones too).
Before 19.0.0 an unknown flavor thread policy on a pinned server is
`ThreadPolicyFieldInvalid`, a 500.

From 20.0.0 an explicit ``resources[N]:PCPU`` reads as ``dedicated`` and ``resources[N]:VCPU``
as ``shared`` (refused beside a CPU policy, together, or with a ``PCPU`` count other than the
vCPUs', one more with isolated emulator threads: ``InvalidRequest``), the
``HW_CPU_HYPERTHREADING`` trait (the flavor's, or an image's ``trait:...=required``) as a
thread policy (refused beside one); from 22.0.0 a ``hw:cpu_dedicated_mask`` must pin some but
not all of the flavor's vCPUs and none beyond (``InvalidMixedInstanceDedicatedMask``) and
belongs to a ``mixed`` policy alone (``RequiredMixedInstancePolicy``).

The NUMA topology's checks (node count, lists, page size), the realtime and the emulator
threads policies' are `fakecloud.nova.numa_constraints`', called here in their release's
order.

`numa_get_constraints` also answers what a rebuild compares (``_validate_numa_rebuild``): the
pinned policies, or None for a server Nova gives no NUMA topology. Not modelled: a mask
``parse_cpu_spec`` refuses and every other enum image property's ValueError.
"""

from __future__ import annotations

import re
from typing import Any

from fakecloud.nova import cpu_masks, exception, mem_encryption, numa_constraints, pmu
from fakecloud.profiles.provenance import Backport, Change

#: The first Nova refusing a policy that is none of ``CPUAllocationPolicy.ALL`` (or
#: ``CPUThreadAllocationPolicy.ALL``) in a flavor.
CHECKED_SINCE = (19, 0, 0)
#: The first Nova with the ``mixed`` policy (a flavor's and, ``ImageMetaProps`` 1.26, an
#: image's).
MIXED_SINCE = (22, 0, 0)
#: The first Nova whose rebuild runs ``numa_get_constraints`` on the flavor and the new image
#: (``_checks_for_create_and_rebuild(validate_numa=True)``: 19.0.0, not 18.3.0).
REBUILD_CHECKED_SINCE = (19, 0, 0)
#: Where a rebuild with another image refuses a NUMA topology the image changes
#: (``API._validate_numa_rebuild``): master's 6f5358ac19 is 21.0.0's, its Stein and Train picks
#: 19.1.0's and 20.1.0's (``git tag --contains``), so 19.0.x and 20.0.x have none.
REBUILD_CONFLICT = Change(
    "21.0.0",
    "6f5358ac19",
    "Block rebuild when NUMA topology changed",
    backports=(Backport("19.1.0", "9f57d16f38"), Backport("20.1.0", "745de99063")),
)
#: The first Nova reading explicit ``resources:VCPU``/``PCPU`` and the hyperthreading trait
#: in ``numa_get_constraints`` (``_get_vcpu_pcpu_resources``, ``_get_hyperthreading_trait``:
#: 20.0.0's PCPU work, not 19.3.2).
RESOURCES_SINCE = (20, 0, 0)
_VCPU_KEY = re.compile("resources([1-9][0-9]*)?:VCPU")
_PCPU_KEY = re.compile("resources([1-9][0-9]*)?:PCPU")
_TRAIT_KEY = re.compile("trait([1-9][0-9]*)?:HW_CPU_HYPERTHREADING")
#: ``CPUThreadAllocationPolicy.ALL``, the same in every release.
THREAD_POLICIES = ("prefer", "isolate", "require")
#: ``FirmwareType.ALL`` (``hw_firmware_type``), the same in every release.
FIRMWARE_TYPES = ("uefi", "bios")

DEDICATED = "dedicated"
MIXED = "mixed"
SHARED = "shared"


class ThreadPolicyFieldInvalid(exception.NovasOwn500, ValueError):
    """A pinned server's flavor thread policy that is none of ``CPUThreadAllocationPolicy``
    before 19.0.0 (nothing checks it): ``InstanceNUMACell(cpu_thread_policy=...)`` refuses it,
    oslo.versionedobjects' ``Field value X is invalid``, Nova's 500 ``<class 'ValueError'>``
    (nova 17.0.13, 18.3.0 ``numa_get_constraints``)."""

    real_class_path = "ValueError"


class ImagePropertyFieldInvalid(exception.NovasOwn500, ValueError):
    """``ImageMeta.from_dict`` refusing an image property with a ValueError (`from_dict`):
    ``_get_image_meta_obj``'s 400 where it is asked, Nova's 500 where nothing turns it into a
    400, a Queens or Rocky rebuild's ``request_spec.image`` (17.0.13, 18.3.0 ``API.rebuild``),
    after the server was saved ``rebuilding``."""

    real_class_path = "ValueError"


def policies(version: tuple) -> tuple[str, ...]:
    """``CPUAllocationPolicy.ALL`` of release `version`."""
    return (DEDICATED, SHARED, MIXED) if version >= MIXED_SINCE else (DEDICATED, SHARED)


def image_properties(image_meta: dict[str, Any] | None, version: tuple) -> dict[str, Any]:
    """``_get_image_meta_obj``: `image_meta`'s properties, read as ``ImageMeta.from_dict``
    reads them (`from_dict`), its ValueError answered as ``InvalidRequest`` ("Invalid image
    metadata. Error: ..."); ``parse_cpu_spec``'s Invalid passes through."""
    props = (image_meta or {}).get("properties") or {}
    try:
        from_dict(props, version)
    except ImagePropertyFieldInvalid as error:
        raise exception.InvalidRequest(f"Invalid image metadata. Error: {error}") from None
    return props


def from_dict(props: dict[str, Any], version: tuple) -> None:
    """The refusals of ``ImageMetaProps.from_dict`` modelled, in its fields' order: the CPU
    policy, thread policy, firmware type and memory encryption model fields none of their
    release's enum (`ImagePropertyFieldInvalid`,
    oslo.versionedobjects' ``Field value X is invalid``), then the NUMA lists
    ``hw_numa_cpus.N`` (``parse_cpu_spec``'s Invalid, `numa_constraints.CpuSpecInvalid`) and
    ``hw_numa_mem.N`` (``int``'s ValueError, `ImagePropertyFieldInvalid`)."""
    bad = _invalid_property(props, version)
    if bad is not None:
        raise ImagePropertyFieldInvalid(bad)
    try:
        numa_constraints.image_numa_lists(props)
    except exception.InvalidRequest as error:
        raise ImagePropertyFieldInvalid(
            error.format_message().removeprefix("Invalid image metadata. Error: ")
        ) from None


def _invalid_property(props: dict[str, Any], version: tuple) -> str | None:
    """oslo.versionedobjects' ``Enum.coerce`` message for the first of `props`' enum fields
    modelled (the CPU policies, the firmware type, from 32.0.0 the memory encryption model)
    its release's enum lacks, or None."""
    for key, allowed in (
        ("hw_cpu_policy", policies(version)),
        ("hw_cpu_thread_policy", THREAD_POLICIES),
        ("hw_firmware_type", FIRMWARE_TYPES),
        ("hw_mem_encryption_model", mem_encryption.models(version) or None),
    ):
        value = props.get(key)
        if value is not None and allowed is not None and value not in allowed:
            return f"Field value {value} is invalid"
    return None


def check(
    flavor: Any,
    version: tuple,
    image_props: dict[str, Any] | None = None,
    switches: Any = None,
    image_meta: dict[str, Any] | None = None,
) -> None:
    """The 400 (or 500) `flavor`'s CPU policies and NUMA topology with `image_props` are in
    release `version`, if any (`switches`: the release's, for `numa_constraints`), after
    ``_validate_flavor_image_numa_pci``'s memory encryption and PMU checks (`mem_encryption`,
    `pmu`; the image's name and id from `image_meta`)."""
    if switches is not None:
        mem_encryption.check(flavor, image_meta, image_props or {}, version, switches.release)
        pmu.check(flavor, image_meta, image_props or {}, version)
    numa_get_constraints(flavor, image_props or {}, version, switches)


def checked(flavor: Any, switches: Any, image_meta: dict[str, Any] | None) -> None:
    """`check` of `flavor` with `image_meta`'s properties read by `image_properties`, in the
    release of `switches`, as a server create runs them: the error of the first that fails.

    Checks that passed are remembered (`_PASSED`) by everything they read: the release's version
    (`fakecloud.profiles.releases.Release` holds nothing else), the two switches
    `numa_constraints` reads, the flavor's ``vcpus``, ``memory_mb`` (with their types),
    ``name`` and extra specs, the image's properties (each key's and value's type too: ``1``,
    ``1.0`` and ``True`` are equal keys that `numa_constraints` reads differently), and
    whether the image metadata has a ``name`` and an ``id`` (`mem_encryption` reads them
    where the image asks encryption; else only into an error's message). The checks read
    nothing else and write nothing (no trace, log, clock or stream), so a remembered pass is
    the pass they would give again. A value that cannot be hashed (a list) is checked every
    time."""
    meta = image_meta or {}
    props = meta.get("properties") or {}
    specs = flavor.extra_specs or {}
    vcpus, memory_mb = flavor.vcpus, flavor.memory_mb
    version = switches.release.version
    try:
        key = (
            version,
            switches.lp2158972,
            switches.lp1879964,
            vcpus,
            vcpus.__class__,
            memory_mb,
            memory_mb.__class__,
            flavor.name,
            "name" in meta,
            "id" in meta,
            tuple(specs.items()),
            tuple(map(type, specs)),
            tuple(map(type, specs.values())),
            tuple(props.items()),
            tuple(map(type, props)),
            tuple(map(type, props.values())),
        )
        if key in _PASSED:
            return
    except TypeError:  # an unhashable value
        key = None
    check(flavor, version, image_properties(image_meta, version), switches, image_meta)
    if key is not None:
        if len(_PASSED) >= _PASSED_KEPT:
            _PASSED.clear()
        _PASSED[key] = None


#: The inputs of `checked` calls that passed (a process's, shared by its clouds: the checks
#: read nothing of a cloud but the key), at most `_PASSED_KEPT`.
_PASSED: dict[tuple, None] = {}
_PASSED_KEPT = 512


def numa_get_constraints(
    flavor: Any, image_props: dict[str, Any], version: tuple, switches: Any = None
) -> tuple[str, str | None] | None:
    """The checks of ``numa_get_constraints`` in their order (the topology's, `numa_
    constraints`, before the CPU policies' up to 21.x, after them from 22.0.0; only with
    `switches`), then the pinned policies (CPU policy, thread policy) Nova's NUMA topology
    holds, or None where it pins nothing."""
    specs = flavor.extra_specs or {}
    checking = switches is not None
    cpu_first = version >= numa_constraints.CPU_FIRST_SINCE
    realtime = checking and numa_constraints.realtime(specs)
    if realtime and version >= numa_constraints.REALTIME_TOPOLOGY_SINCE:
        # ``_validate_flavor_image_numa_pci``'s ``vcpus_realtime_topology`` (22.0.0 on
        # ``get_realtime_cpu_constraint``), just before ``numa_get_constraints``
        numa_constraints.realtime_mask(flavor, image_props, version)
    if checking and not cpu_first:
        numa_constraints.check_topology(flavor, image_props, version, switches, False)
    cpu_policy = _cpu_policy(specs.get("hw:cpu_policy"), image_props.get("hw_cpu_policy"), version)
    thread = _thread_policy(
        specs.get("hw:cpu_thread_policy"), image_props.get("hw_cpu_thread_policy"), version
    )
    dedicated = _dedicated_mask(flavor, version)
    emulator = numa_constraints.emulator_threads_policy(specs, version)
    if version < numa_constraints.EMULATOR_400_SINCE:
        if cpu_policy != DEDICATED:
            numa_constraints.refuse_isolate(emulator, version)  # get_emulator_threads_constraint
        if realtime and cpu_policy != DEDICATED:
            raise exception.RealtimeConfigurationInvalid()
        if realtime:
            numa_constraints.realtime_mask_given(flavor, image_props)
    if version >= RESOURCES_SINCE:
        cpu_policy, thread = _explicit_requests(flavor, image_props, cpu_policy, thread)
    if cpu_policy in (SHARED, None):
        if thread:
            raise exception.CPUThreadPolicyConfigurationInvalid()
        numa_constraints.refuse_isolate(emulator, version)
        if dedicated:
            raise exception.RequiredMixedInstancePolicy()
        if realtime:
            raise exception.RealtimeConfigurationInvalid()
        if checking and cpu_first:
            numa_constraints.check_topology(flavor, image_props, version, switches, False)
        return None
    if cpu_policy == DEDICATED and dedicated:
        raise exception.RequiredMixedInstancePolicy()
    if cpu_policy == MIXED:
        from oslo_utils import strutils  # here: its import compiles ~400 regexes

        realtime = strutils.bool_from_string(specs.get("hw:cpu_realtime", False))
        if realtime == bool(specs.get("hw:cpu_dedicated_mask")):
            raise exception.RequiredMixedOrRealtimeCPUMask()
    if checking and cpu_first:
        numa_constraints.check_topology(flavor, image_props, version, switches, True)
    if thread is not None and thread not in THREAD_POLICIES:
        raise ThreadPolicyFieldInvalid(f"Field value {thread} is invalid")
    return cpu_policy, thread


def _dedicated_mask(flavor: Any, version: tuple) -> bool:
    """``get_dedicated_cpu_constraint`` (22.0.0 on): whether the flavor names a
    ``hw:cpu_dedicated_mask``, refused as `InvalidMixedInstanceDedicatedMask` where it pins
    none or all of the flavor's vCPUs, or CPUs the flavor has not (one ``parse_cpu_spec``
    refuses: `numa_constraints.CpuSpecInvalid`)."""
    mask = (flavor.extra_specs or {}).get("hw:cpu_dedicated_mask")
    if not mask or version < MIXED_SINCE:
        return False
    try:
        some, within = cpu_masks.dedicated_mask_shape(str(mask), flavor.vcpus)
    except ValueError:
        raise numa_constraints.CpuSpecInvalid() from None
    if not some:
        raise exception.InvalidMixedInstanceDedicatedMask()
    if not within:
        raise exception.InvalidMixedInstanceDedicatedMask(
            "Mixed instance dedicated vCPU(s) mask is not a subset of vCPUs in the flavor. "
            'See "hw:cpu_dedicated_mask"'
        )
    return True


def _explicit_requests(
    flavor: Any, image_props: dict[str, Any], cpu_policy: str | None, thread: str | None
) -> tuple[str | None, str | None]:
    """``numa_get_constraints``' explicit ``resources[N]:VCPU``/``PCPU`` requests and the
    ``HW_CPU_HYPERTHREADING`` trait (20.0.0 on): each refused beside a CPU (or thread) policy,
    else read as one (``PCPU`` dedicated, ``VCPU`` shared; the trait forbidden isolate,
    required require)."""
    specs = flavor.extra_specs or {}
    vcpus = pcpus = 0
    for key, value in specs.items():
        try:
            if _VCPU_KEY.match(key):
                vcpus += int(value)
            if _PCPU_KEY.match(key):
                pcpus += int(value)
        except ValueError:
            pass  # Nova: "this is handled elsewhere"
    if cpu_policy and (vcpus or pcpus):
        raise exception.InvalidRequest(
            "It is not possible to use the 'resources:VCPU' or 'resources:PCPU' extra specs in "
            "combination with the 'hw:cpu_policy' extra spec or 'hw_cpu_policy' image metadata "
            "property; use one or the other"
        )
    if vcpus and pcpus:
        raise exception.InvalidRequest(
            "It is not possible to specify both 'resources:VCPU' and 'resources:PCPU' extra "
            "specs; use one or the other"
        )
    if pcpus:
        isolate = specs.get("hw:emulator_threads_policy") == "isolate"
        if isolate and flavor.vcpus + 1 != pcpus:
            raise exception.InvalidRequest(
                "You have requested 'hw:emulator_threads_policy=isolate' but have not "
                "requested sufficient PCPUs to handle this policy; you must allocate exactly "
                "flavor.vcpus + 1 PCPUs."
            )
        if not isolate and flavor.vcpus != pcpus:
            raise exception.InvalidRequest(
                "There is a mismatch between the number of PCPUs requested via "
                "'resourcesNN:PCPU' and the flavor); you must allocate exactly flavor.vcpus PCPUs"
            )
        cpu_policy = DEDICATED
    if vcpus:
        cpu_policy = SHARED
    trait = next((v for k, v in specs.items() if _TRAIT_KEY.match(k)), None)
    if trait is None and str(image_props.get("trait:HW_CPU_HYPERTHREADING")) == "required":
        trait = "required"
    if thread and trait:
        raise exception.InvalidRequest(
            "It is not possible to use the 'trait:HW_CPU_HYPERTHREADING' extra spec in "
            "combination with the 'hw:cpu_thread_policy' extra spec or 'hw_cpu_thread_policy' "
            "image metadata property; use one or the other"
        )
    if trait == "forbidden":
        thread = "isolate"
    elif trait == "required":
        thread = "require"
    return cpu_policy, thread


def _cpu_policy(flavor_policy: Any, image_policy: Any, version: tuple) -> str | None:
    """``get_cpu_policy_constraint`` (``_get_cpu_policy_constraint(s)`` before 20.0.0)."""
    known = policies(version)
    if flavor_policy and version >= CHECKED_SINCE and flavor_policy not in known:
        raise exception.InvalidCPUAllocationPolicy(
            source="flavor extra specs", requested=flavor_policy, available=str(known)
        )
    pinned = (DEDICATED, MIXED) if version >= MIXED_SINCE else (DEDICATED,)
    if flavor_policy == DEDICATED:
        return flavor_policy
    if flavor_policy == MIXED and version >= MIXED_SINCE:
        if image_policy == DEDICATED:
            raise exception.ImageCPUPinningForbidden()
        return flavor_policy
    if flavor_policy == SHARED:
        if image_policy in pinned:
            raise exception.ImageCPUPinningForbidden()
        return flavor_policy
    if image_policy in pinned:
        return image_policy
    # 17.x-19.x answer shared, 20.0.0 on the image's shared or None: read alike after
    return SHARED if image_policy == SHARED else None


def _thread_policy(flavor_policy: Any, image_policy: Any, version: tuple) -> str | None:
    """``get_cpu_thread_policy_constraint`` (``_get_cpu_thread_policy_constraint(s)`` before
    20.0.0): a flavor's ``prefer`` or none lets the image's stand."""
    if flavor_policy and version >= CHECKED_SINCE and flavor_policy not in THREAD_POLICIES:
        raise exception.InvalidCPUThreadAllocationPolicy(
            source="flavor extra specs", requested=flavor_policy, available=str(THREAD_POLICIES)
        )
    if flavor_policy in (None, "prefer"):
        return flavor_policy or image_policy
    if image_policy and image_policy != flavor_policy:
        raise exception.ImageCPUThreadPolicyForbidden()
    return flavor_policy
