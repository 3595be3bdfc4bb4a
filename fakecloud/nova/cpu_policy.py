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

`numa_get_constraints` also answers what a rebuild compares (``_validate_numa_rebuild``): the
pinned policies, or None for a server Nova gives no NUMA topology. Not modelled: the rest of
``numa_get_constraints``' checks (emulator threads and realtime, a mask that is no subset of the
vCPUs, NUMA nodes, page sizes, 34.0.0's ``resources:PCPU`` and hyperthreading trait) and every
other enum image property's ValueError.
"""

from __future__ import annotations

from typing import Any

from fakecloud.nova import exception

#: The first Nova refusing a policy that is none of ``CPUAllocationPolicy.ALL`` (or
#: ``CPUThreadAllocationPolicy.ALL``) in a flavor.
CHECKED_SINCE = (19, 0, 0)
#: The first Nova with the ``mixed`` policy (a flavor's and, ``ImageMetaProps`` 1.26, an
#: image's).
MIXED_SINCE = (22, 0, 0)
#: The first Nova whose rebuild runs ``numa_get_constraints`` on the flavor and the new image
#: (``_checks_for_create_and_rebuild(validate_numa=True)``: 19.0.0, not 18.3.0).
REBUILD_CHECKED_SINCE = (19, 0, 0)
#: The first Nova whose rebuild with another image refuses a NUMA topology the image changes
#: (``API._validate_numa_rebuild``: 19.1.0 and 20.0.0 on, not 19.0.0).
REBUILD_CONFLICT_SINCE = (19, 1, 0)
#: ``CPUThreadAllocationPolicy.ALL``, the same in every release.
THREAD_POLICIES = ("prefer", "isolate", "require")

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
    """``ImageMeta.from_dict`` refusing an image property where nothing turns its ValueError
    into a 400: a Queens or Rocky rebuild's ``request_spec.image`` (17.0.13, 18.3.0
    ``API.rebuild``), after the server was saved ``rebuilding``."""

    real_class_path = "ValueError"


def policies(version: tuple) -> tuple[str, ...]:
    """``CPUAllocationPolicy.ALL`` of release `version`."""
    return (DEDICATED, SHARED, MIXED) if version >= MIXED_SINCE else (DEDICATED, SHARED)


def image_properties(image_meta: dict[str, Any] | None, version: tuple) -> dict[str, Any]:
    """``_get_image_meta_obj``: `image_meta`'s properties, refused as ``InvalidRequest`` where
    the CPU policy or thread policy field is none of its enum's (``ImageMetaProps`` sets its
    fields in their order, ``hw_cpu_policy`` before ``hw_cpu_thread_policy``)."""
    props = (image_meta or {}).get("properties") or {}
    bad = invalid_property(props, version)
    if bad is not None:
        raise exception.InvalidRequest(f"Invalid image metadata. Error: {bad}")
    return props


def invalid_property(props: dict[str, Any], version: tuple) -> str | None:
    """oslo.versionedobjects' ``Enum.coerce`` message for the first of `props`' CPU policy
    fields its release's enum lacks, or None."""
    for key, allowed in (
        ("hw_cpu_policy", policies(version)),
        ("hw_cpu_thread_policy", THREAD_POLICIES),
    ):
        value = props.get(key)
        if value is not None and value not in allowed:
            return f"Field value {value} is invalid"
    return None


def check(flavor: Any, version: tuple, image_props: dict[str, Any] | None = None) -> None:
    """The 400 (or 500) `flavor`'s CPU policies with `image_props` are in release `version`,
    if any."""
    numa_get_constraints(flavor, image_props or {}, version)


def numa_get_constraints(
    flavor: Any, image_props: dict[str, Any], version: tuple
) -> tuple[str, str | None] | None:
    """The CPU policy checks of ``numa_get_constraints`` in their order, then the pinned
    policies (CPU policy, thread policy) Nova's NUMA topology holds, or None where it makes
    none (`flavor` neither dedicated nor mixed, nothing else of it modelled)."""
    specs = flavor.extra_specs or {}
    cpu_policy = _cpu_policy(specs.get("hw:cpu_policy"), image_props.get("hw_cpu_policy"), version)
    thread = _thread_policy(
        specs.get("hw:cpu_thread_policy"), image_props.get("hw_cpu_thread_policy"), version
    )
    if cpu_policy in (SHARED, None):
        if thread:
            raise exception.CPUThreadPolicyConfigurationInvalid()
        return None
    if cpu_policy == MIXED:
        from oslo_utils import strutils  # here: its import compiles ~400 regexes

        realtime = strutils.bool_from_string(specs.get("hw:cpu_realtime", False))
        if realtime == bool(specs.get("hw:cpu_dedicated_mask")):
            raise exception.RequiredMixedOrRealtimeCPUMask()
    if thread is not None and thread not in THREAD_POLICIES:
        raise ThreadPolicyFieldInvalid(f"Field value {thread} is invalid")
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
