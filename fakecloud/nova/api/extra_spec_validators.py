"""Nova's validation of flavor extra specs from microversion 2.86
(``nova/api/validation/extra_specs/``: ``validators.validate`` and ``base.ExtraSpecValidator``).

Each known extra spec has a validator: a name (with ``{parameter}`` parts, such as
``hw:numa_cpus.{num}``), and a value type — ``int`` (with ``min``/``max``), ``bool`` (oslo's
strict ``bool_from_string``) or ``str`` (an ``enum`` or a ``pattern``). ``validate(name, value)``
looks the name up, then tries every validator's name pattern in registration order; a name no
validator knows passes when it has no namespace or a namespace Nova does not know (``foo:bar``),
and is refused when its namespace is one of Nova's (``hw:foo``). Failures are the
``ValidationError`` texts Nova answers with in a 400.

The table is Nova 34.0.0's registry, in the order its ``nova.api.extra_spec_validators`` entry
points load (alphabetical). The ``resources{group}:`` and ``trait{group}:`` names come from
os-resource-classes and os-traits, as in Nova. Older releases with 2.86 (23.0.0 and later)
knew a few names fewer; fakecloud validates with the newest table on every release.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import Any

#: Parameters of names (``{group}`` of granular requests, ``{filter}`` of capabilities).
_GROUP = ("group", r"([a-zA-Z0-9_-]{1,64})?")
_FILTER = ("filter", r"(:\w+)*")
_CPU_MASK = r"\^?\d+((-\d+)?(,\^?\d+(-\d+)?)?)*"
_SHARES_LEVELS = ("custom", "high", "normal", "low")


_SPECIAL = re.compile(r"[.^$*+?{}\[\]\\|()]")


@functools.cache
def _compiled(regex: str) -> re.Pattern[str]:
    return re.compile(regex)


class ValidationError(Exception):
    """``nova.exception.ValidationError``: a 400 whose message is the text given."""


@dataclasses.dataclass(frozen=True)
class Validator:
    """``base.ExtraSpecValidator``: one known extra spec and what its value may be."""

    name: str
    type: type
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    min: int | None = None
    max: int | None = None
    parameters: tuple[tuple[str, str], ...] = ()

    @functools.cached_property
    def name_regex(self) -> str:
        """The name with each ``{parameter}`` replaced by its named group."""
        regex = self.name
        for param, pattern in self.parameters:
            regex = regex.replace(f"{{{param}}}", f"(?P<{param}>{pattern})")
        return regex

    @functools.cached_property
    def literal_prefix(self) -> str:
        """The start of `name_regex` before its first special character: a name that does
        not start with it cannot match (so most patterns are never compiled)."""
        return _SPECIAL.split(self.name_regex, 1)[0]

    def matches(self, name: str) -> bool:
        """``re.fullmatch(name_regex, name)``."""
        return (
            name.startswith(self.literal_prefix)
            and _compiled(self.name_regex).fullmatch(name) is not None
        )

    def validate(self, value: Any) -> None:
        """``ExtraSpecValidator.validate`` of a value (the name has matched)."""
        if self.type is int:
            _validate_int(self, value)
        elif self.type is bool:
            _validate_bool(value)
        elif self.pattern is not None:
            if not re.fullmatch(self.pattern, value):
                raise ValidationError(
                    f"Validation failed; '{value}' is not of the format '{self.pattern}'."
                )
        elif self.enum is not None and value not in self.enum:
            values = ", ".join(self.enum)
            raise ValidationError(f"Validation failed; '{value}' is not one of: {values}.")


def _validate_int(rule: Validator, value: Any) -> None:
    try:
        number = int(value)
    except ValueError:
        raise ValidationError(
            f"Validation failed; '{value}' is not a valid integer value."
        ) from None
    if rule.max is not None and rule.max < number:
        raise ValidationError(
            f"Validation failed; '{number}' is greater than the max value of '{rule.max}'."
        )
    if rule.min is not None and rule.min > number:
        raise ValidationError(
            f"Validation failed; '{number}' is less than the min value of '{rule.min}'."
        )


def _validate_bool(value: Any) -> None:
    from oslo_utils import strutils

    try:
        strutils.bool_from_string(value, strict=True)
    except ValueError:
        raise ValidationError(
            f"Validation failed; '{value}' is not a valid boolean-like value."
        ) from None


def _s(name: str, *enum: str, pattern: str | None = None, params=()) -> Validator:
    return Validator(name, str, enum or None, pattern, parameters=tuple(params))


def _i(name: str, min: int | None = None, max: int | None = None, params=()) -> Validator:
    return Validator(name, int, min=min, max=max, parameters=tuple(params))


def _b(name: str) -> Validator:
    return Validator(name, bool)


_CAPABILITIES = [
    "id",
    "uuid",
    "service_id",
    "host",
    "vcpus",
    "memory_mb",
    "local_gb",
    "vcpus_used",
    "memory_mb_used",
    "local_gb_used",
    "hypervisor_type",
    "hypervisor_version",
    "hypervisor_hostname",
    "free_ram_mb",
    "free_disk_gb",
    "current_workload",
    "running_vms",
    "disk_available_least",
    "host_ip",
    "mapped",
    "cpu_allocation_ratio",
    "ram_allocation_ratio",
    "disk_allocation_ratio",
    "total_usable_ram_mb",
    "total_usable_disk_gb",
    "disk_mb_used",
    "free_disk_mb",
    "vcpus_total",
    "vcpus_used",
    "num_instances",
    "num_io_ops",
    "failed_builds",
    "aggregates",
    "cell_uuid",
    "updated",
]
_CAPABILITY_TREES = [
    "cpu_info",
    "metrics",
    "stats",
    "numa_topology",
    "supported_hv_specs",
    "pci_device_pools",
    "nodename",
    "pci_stats",
    "supported_instances",
    "limits",
    "instances",
]

_HW = [
    _b("hw:cpu_realtime"),
    _s("hw:cpu_realtime_mask", pattern=r"(\^)?\d+((-\d+)?(,\^?\d+(-\d+)?)?)*"),
    _b("hw:hide_hypervisor_id"),
    _s("hw:cpu_policy", "dedicated", "shared", "mixed"),
    _s("hw:cpu_thread_policy", "prefer", "isolate", "require"),
    _s("hw:emulator_threads_policy", "isolate", "share"),
    _s("hw:cpu_dedicated_mask", pattern=_CPU_MASK),
    _s("hw:mem_page_size", pattern=r"(large|small|any|\d+([kKMGT]i?)?(b|bit|B)?)"),
    _b("hw:locked_memory"),
    _i("hw:numa_nodes", min=1),
    _s("hw:numa_cpus.{num}", pattern=_CPU_MASK, params=[("num", r"\d+")]),
    _i("hw:numa_mem.{num}", min=1, params=[("num", r"\d+")]),
    _s("hw:pci_numa_affinity_policy", "required", "preferred", "legacy", "socket"),
    *(_i(f"hw:cpu_{part}", min=1) for part in ("sockets", "cores", "threads")),
    *(_i(f"hw:cpu_max_{part}", min=1) for part in ("sockets", "cores", "threads")),
    _b("hw:boot_menu"),
    _b("hw:vif_multiqueue_enabled"),
    _b("hw:mem_encryption"),
    _s("hw:mem_encryption_model", "amd-sev", "amd-sev-es", "amd-sev-snp", "intel-tdx"),
    _s("hw:pmem", pattern=r"([a-zA-Z0-9_]+(,)?)+"),
    _b("hw:pmu"),
    _i("hw:serial_port_count", min=0),
    _s("hw:tpm_model", "tpm-tis", "tpm-crb"),
    _s("hw:tpm_version", "1.2", "2.0"),
    _s("hw:tpm_secret_security", "user", "host", "deployment"),
    _s("hw:watchdog_action", "none", "pause", "poweroff", "reset", "disabled"),
    _s("hw:viommu_model", "intel", "smmuv3", "virtio", "auto"),
    _b("hw:virtio_packed_ring"),
    _s("hw:sound_model", "sb16", "es1370", "pcspk", "ac97", "ich6", "ich9", "usb", "virtio"),
    _s("hw:usb_model", "none", "nec-xhci", "qemu-xhci"),
    _i("hw:redirected_usb_ports", min=0, max=15),
    _b("hw:ephemeral_encryption"),
    _s("hw:ephemeral_encryption_format", "plain", "luks", "luksv2"),
]

_QUOTA = [
    *(
        rule
        for resource in ("cpu", "memory", "disk_io", "vif")
        for rule in (
            _i(f"quota:{resource}_limit", min=0),
            _i(f"quota:{resource}_reservation"),
            _s(f"quota:{resource}_shares_level", *_SHARES_LEVELS),
            _i(f"quota:{resource}_shares_share", min=0),
        )
    ),
    _i("quota:cpu_shares", min=0),
    _i("quota:cpu_period", min=0),
    _i("quota:cpu_quota"),
    *(
        _i(f"quota:disk_{op}_{unit}_sec", min=0)
        for op in ("read", "write", "total")
        for unit in ("bytes", "iops")
    ),
    *(
        _i(f"quota:vif_{way}_{what}", min=0)
        for way in ("inbound", "outbound")
        for what in ("average", "peak", "burst")
    ),
]


def _resources() -> list[Validator]:
    import os_resource_classes

    custom = [_GROUP, ("resource", r"[A-Z0-9_]+")]
    return [
        *(_i(f"resources{{group}}:{rc}", params=[_GROUP]) for rc in os_resource_classes.STANDARDS),
        _i("resources{group}:CUSTOM_{resource}", params=custom),
    ]


def _traits() -> list[Validator]:
    import os_traits

    wanted = ("required", "forbidden")
    custom = [_GROUP, ("trait", r"[A-Z0-9_]+")]
    return [
        *(_s(f"trait{{group}}:{t}", *wanted, params=[_GROUP]) for t in os_traits.get_traits()),
        _s("trait{group}:CUSTOM_{trait}", *wanted, params=custom),
    ]


@functools.cache
def registry() -> tuple[dict[str, Validator], tuple[re.Pattern[str], ...]]:
    """``VALIDATORS`` (by name, in load order) and ``NAMESPACES``, built on first use."""
    rules = [
        _s("accel:device_profile"),
        _s("aggregate_instance_extra_specs:{key}", params=[("key", ".+")]),
        *(_s(f"capabilities:{name}") for name in _CAPABILITIES),
        *(_s(f"capabilities:{name}{{filter}}", params=[_FILTER]) for name in _CAPABILITY_TREES),
        *_HW,
        _b("hw_rng:allowed"),
        _i("hw_rng:rate_bytes", min=0),
        _i("hw_rng:rate_period", min=0),
        _i("hw_video:ram_max_mb", min=0),
        _b("hide_hypervisor_id"),
        _s("group_policy", "isolate", "none"),
        _s("os:secure_boot", "disabled", "required"),
        _s("pci_passthrough:alias", pattern=r"[^:]+:\d+(?:\s*,\s*[^:]+:\d+)*"),
        *_QUOTA,
        *_resources(),
        *_traits(),
        _s("vmware:hw_version"),
        _s("vmware:storage_policy"),
    ]
    validators: dict[str, Validator] = {}
    namespaces: dict[str, re.Pattern[str]] = {}
    for rule in rules:
        validators[rule.name] = rule
        if ":" in rule.name_regex:
            space = rule.name_regex.split(":", 1)[0]
            namespaces.setdefault(space, re.compile(space))
    return validators, tuple(namespaces.values())


def validate(name: str, value: Any) -> None:
    """``validators.validate``: raise `ValidationError` when Nova would refuse the spec."""
    validators, namespaces = registry()
    rule = validators.get(name)
    if rule is None:
        rule = next((v for v in validators.values() if v.matches(name)), None)
    if rule is not None:
        rule.validate(value)
        return
    if ":" not in name:
        return
    space = name.split(":", 1)[0]
    if any(pattern.fullmatch(space) for pattern in namespaces):
        raise ValidationError(
            f"Validation failed; extra spec '{name}' does not appear to be a valid extra spec."
        )
