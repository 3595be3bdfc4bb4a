"""Cinder's configuration: the ``cinder`` section (backends, volume types, quotas, timings).

Every duration, throughput, size and limit of the fake Cinder lives here, unit in the name::

    Cloud(config={"cinder": {
        "backends": {"ceph": {"kind": "rbd", "snapshot_create_s": 0.3}},
        "volume_types": {"__DEFAULT__": {"backend": "ceph"}},
        "project_quotas": {"p1": {"snapshots": 2}},
    }})

A backend is one dict: ``kind`` (``lvm-thin``, ``lvm-thick``, ``rbd``, ``copy`` or ``nfs``)
plus any of the `BackendSpec` fields (an ``nfs`` one also the `NfsBackendSpec` fields). A
volume type names its backend and may carry ``description``, ``is_public`` and
``extra_specs`` (``{"multiattach": "<is> True"}`` makes multiattach volumes).
Cinder made the ``__DEFAULT__`` type in 15.0.0 (Train); in the series before, the entry of that
name only says which backend takes the volumes created without a type, which have none.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fakecloud.config import checked, config_section
from fakecloud.errors import ConfigError
from fakecloud.suggest import did_you_mean

BACKEND_KINDS = ("lvm-thin", "lvm-thick", "rbd", "copy", "nfs")

DEFAULT_TYPE_NAME = "__DEFAULT__"
#: Cinder 15.0.0 (Train) made the ``__DEFAULT__`` type (DB migration 132,
#: ``132_create_default_volume_type.py``) and gives it to a volume created without a type.
#: Before, ``[DEFAULT] default_volume_type`` has no default (``common/config.py``) and
#: ``volume_types.get_default_volume_type`` is ``{}``: the volume has no type (12.0.10, 14.3.1).
DEFAULT_TYPE_SINCE = 15

#: Defaults that differ by kind: a thick LVM snapshot is one ``lvcreate --snapshot``, instant.
KIND_DEFAULTS: dict[str, dict[str, Any]] = {"lvm-thick": {"snapshot_create_s": 0.0}}


def _default_backends() -> dict[str, dict[str, Any]]:
    return {"lvmdriver-1": {"kind": "lvm-thin"}}


def _default_types() -> dict[str, dict[str, Any]]:
    return {DEFAULT_TYPE_NAME: {"backend": "lvmdriver-1", "description": "Default Volume Type"}}


@config_section("cinder")
@dataclass(frozen=True)
class CinderConfig:
    """The fake Cinder's tunables (quota defaults are ``cinder/quota.py``'s options)."""

    host: str = "cinder"
    """``[DEFAULT] host``, "Name of this node": the host part of each backend's service name,
    ``cinder@lvmdriver-1`` (a volume's ``os-vol-host-attr:host``, the ``cinder-volume`` RPC
    target)."""
    storage_availability_zone: str = "nova"
    """``[DEFAULT] storage_availability_zone``, "Availability zone of this node": the zone of
    every backend and of a volume created without one."""
    public_endpoint: str = "http://127.0.0.1:8776"
    """``[DEFAULT] public_endpoint`` ("Public url to use for versions endpoint"; unset, the
    request's ``host_url``): the base of the links in Cinder's answers to a request that
    brings no URL of its own (an in-process call)."""
    default_volume_type: str = DEFAULT_TYPE_NAME
    """``[DEFAULT] default_volume_type``, "Default volume type to use": the type of a volume
    created without one (from Cinder 15.0.0; before, such a volume has no type)."""
    backends: dict = field(default_factory=_default_backends)
    """Cinder's backends by name, each a ``kind`` (``lvm-thin``, ``lvm-thick``, ``rbd``,
    ``copy``, ``nfs``) and its timings: ``snapshot_create_s`` 0.5 (0 for ``lvm-thick``),
    ``volume_create_s`` 1.0, ``throughput_mb_per_s`` 200 for copies (docs/backends.md)."""
    volume_types: dict = field(default_factory=_default_types)
    """The volume types a cloud starts with, by name: each names its ``backend`` (a key of
    ``backends``) and may carry ``description``, ``is_public`` and ``extra_specs``; the
    ``__DEFAULT__`` entry is Cinder's default type (see the module's docstring)."""
    quota_volumes: int = 10
    """``[DEFAULT] quota_volumes``: "Number of volumes allowed per project"."""
    quota_snapshots: int = 10
    """``[DEFAULT] quota_snapshots``: each project's default limit of volume snapshots (as
    ``quota_volumes``, ``quota_gigabytes`` and the others: Cinder's defaults); Nova's volume-backed
    createImage checks it first, and Cinder's 413 past it is Nova's 403."""
    quota_gigabytes: int = 1000
    """``[DEFAULT] quota_gigabytes``: "Total amount of storage, in gigabytes, allowed for
    volumes and snapshots per project"."""
    quota_backups: int = 10
    """``[DEFAULT] quota_backups``: "Number of volume backups allowed per project"."""
    quota_backup_gigabytes: int = 1000
    """``[DEFAULT] quota_backup_gigabytes``: "Total amount of storage, in gigabytes, allowed
    for backups per project"."""
    quota_groups: int = 10
    """``[DEFAULT] quota_groups``: "Number of groups allowed per project"."""
    per_volume_size_limit: int = -1
    """``[DEFAULT] per_volume_size_limit``: "Max size allowed per volume, in gigabytes" (-1: no
    limit)."""
    no_snapshot_gb_quota: bool = False
    """``[DEFAULT] no_snapshot_gb_quota``: "Whether snapshots sizes count against global and
    per volume type gigabyte quotas. By default snapshots' sizes are counted." """
    project_quotas: dict = field(default_factory=dict)
    """Limits of given projects over the ``quota_*`` defaults, ``{project_id: {resource:
    limit}}`` (``{"p1": {"snapshots": 2}}``): what ``cinder quota-update`` stores per project."""
    enforce_new_defaults: bool | None = None
    """``[oslo_policy] enforce_new_defaults``; unset: the series' default, True from Cinder
    29.0.0 (cd2a0c893, "Enable SRBAC by default"; cinder/policy.py set it False until 28.x,
    so the deprecated ``rule:admin_or_owner`` rules decide: a project reader may snapshot)."""
    policy_file: str = ""
    """A YAML or JSON policy file whose rules override the release's defaults (``[oslo_policy]
    policy_file``; read as oslo.policy reads it, over the release's own ``cinder/policies``)."""
    policy: Any = None
    """Rule overrides as a mapping {rule name: check string} (applied after the file)."""
    send_service_user_token: bool | None = None
    """``[service_user] send_service_user_token``: Cinder's requests to Nova carry its service
    user's token beside the user's (or the privileged user's); unset: what devstack configures,
    on from Cinder 25.0.0 (80c1605a, 2024.2: the series of Nova 30.0.0); Cinder's default is off."""
    image_download_mb_per_s: float = 1000.0
    """How fast cinder-volume copies an image from Glance into a new volume, MB/s."""
    scheduler_max_attempts: int = 3
    """``[DEFAULT] scheduler_max_attempts`` (Cinder's default 3, every release): how many times
    the scheduler places a volume whose create cinder-volume rescheduled (1: never
    rescheduled, the volume ``error`` at once; `fakecloud.cinder.reschedule`)."""
    #: Virtual time between inserting a snapshot row and re-reading its volume (spec PART C.1):
    #: above 0, an attach or delete landing in between makes the snapshot create a 400.
    snapshot_recheck_delay_s: float = 0.0
    #: ``service_down_time``: seconds after a service's last heartbeat (every 10 s) before the
    #: scheduler's host manager takes it for down and places nothing there (``Service.is_up``,
    #: cinder 12.0.0-29.0.0 objects/service.py, scheduler/host_manager.py); until then it still
    #: casts to it, and the work waits in the stopped service's queue. ``os-services`` shows it
    #: ``up`` and ``os-hosts`` ``available`` until then too (api/contrib/services.py and
    #: hosts.py 12.0.10, api/v3/services.py 28.0.0-29.0.0).
    service_down_time_s: float = 60.0

    def __post_init__(self) -> None:
        if self.policy is not None and not isinstance(self.policy, Mapping):
            raise ConfigError(
                "config cinder.policy: a mapping of rule names to check strings, got "
                f"{self.policy!r}"
            )
        for name in ("enforce_new_defaults", "send_service_user_token"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, bool):
                raise ConfigError(f"config cinder.{name}: expected true or false, got {value!r}")


@dataclass(frozen=True)
class BackendSpec:
    """One storage backend: what kind of driver, and how fast its operations are.

    - ``lvm-thin`` / ``rbd``: snapshot create/delete and clones are metadata operations taking
      ``snapshot_create_s`` / ``snapshot_delete_s``; RBD refuses to delete a snapshot that
      volumes were cloned from (``SnapshotIsBusy``) unless ``rbd_flatten_volume_from_snapshot``.
    - ``lvm-thick``: snapshots are created at once but reserve the volume's size of free space
      (``capacity_gb``); deleting a snapshot or a volume zeroes it at ``throughput_mb_per_s``
      (``volume_clear="none"`` skips the wipe); a volume from a snapshot is a full copy.
    - ``copy``: every snapshot and every volume made from one is a full copy of the volume at
      ``throughput_mb_per_s``.

    Copies and wipes are I/O transfers on one resource per backend (``cinder-backend:<name>``),
    so concurrent copies on a backend share its throughput.
    """

    name: str
    kind: str
    throughput_mb_per_s: float = 200.0
    capacity_gb: int = 100_000
    volume_create_s: float = 1.0
    volume_delete_s: float = 0.5
    snapshot_create_s: float = 0.5
    snapshot_delete_s: float = 0.5
    volume_clear: str = "zero"
    rbd_flatten_volume_from_snapshot: bool = False

    @property
    def resource_name(self) -> str:
        """The I/O resource every copy and wipe of this backend goes through."""
        return f"cinder-backend:{self.name}"


@dataclass(frozen=True)
class NfsBackendSpec(BackendSpec):
    """An ``nfs`` backend (``cinder/volume/drivers/nfs.py``): volumes are files on one share,
    snapshots qcow2 overlays (`fakecloud.cinder.nfs`).

    ``nfs_snapshot_support`` is the driver's option, off by default in every release (12.0.0 to
    29.0.0): its snapshots (and so a volume-backed createImage) fail until it is set.
    ``nfs_share`` is the one line of ``nfs_shares_config``. A snapshot's or a volume's
    ``qemu-img`` step takes ``snapshot_create_s`` / ``snapshot_delete_s``; copies (a volume
    from a snapshot, a clone) go at ``throughput_mb_per_s``; an assisted snapshot's wait polls
    Nova's answer as ``_create_snapshot_online`` does (600 s, 7200 s for a delete)."""

    nfs_snapshot_support: bool = False
    nfs_share: str = "127.0.0.1:/srv/nfs"


@dataclass(frozen=True)
class ReplicatedBackendSpec(BackendSpec):
    """An ``rbd`` backend with ``replication_device`` set (`fakecloud.cinder.replication`):
    each replication target's entry as its ``(key, value)`` pairs, in the order configured
    (``RBDDriver``'s ``_parse_replication_configs``, 12.0.0 on). A backend without the key
    keeps the plain `BackendSpec` (so a cloud without replication saves as before)."""

    replication_device: tuple = ()


#: The keys of one ``replication_device`` entry (``RBDDriver._parse_replication_configs``).
_REPLICATION_DEVICE_KEYS = frozenset({"backend_id", "conf", "user", "secret_uuid"})


def _replication_device(path: str, raw: Any) -> tuple[tuple[tuple[str, Any], ...], ...]:
    """A backend's ``replication_device`` list, checked: each entry as its ``(key, value)``
    pairs (hashable, as the frozen spec is)."""
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"config {path} must be a non-empty list of mappings")
    names = []
    for i, device in enumerate(raw):
        if not isinstance(device, dict):
            raise ConfigError(f"config {path}[{i}] must be a mapping, got {device!r}")
        _reject_unknown_keys(f"{path}[{i}]", device, _REPLICATION_DEVICE_KEYS)
        if not isinstance(device.get("backend_id"), str) or not device["backend_id"]:
            # the driver's own words (InvalidConfigurationValue at do_setup)
            raise ConfigError(f"config {path}[{i}]: Missing backend_id in replication_device "
                              "configuration.")  # fmt: skip
        names.append(tuple(device.items()))
    return tuple(names)


@dataclass(frozen=True)
class VolumeTypeSpec:
    """One configured volume type: its name, backend and visible attributes."""

    name: str
    backend: str
    description: str | None = None
    is_public: bool = True
    extra_specs: dict = field(default_factory=dict)


#: The keys a backend's and a volume type's spec may hold (their fields but the name).
_BACKEND_KEYS = frozenset(f.name for f in dataclasses.fields(BackendSpec)) - {"name"}
_NFS_BACKEND_KEYS = frozenset(f.name for f in dataclasses.fields(NfsBackendSpec)) - {"name"}
_RBD_KEYS = _BACKEND_KEYS | {"replication_device"}
_VOLUME_TYPE_KEYS = frozenset(f.name for f in dataclasses.fields(VolumeTypeSpec)) - {"name"}


def _reject_unknown_keys(path: str, spec: dict, known: frozenset[str]) -> None:
    """A `ConfigError` naming the first (sorted) key of `spec` at `path` that is not `known`."""
    unknown = set(spec) - known
    if unknown:
        key = sorted(unknown)[0]
        raise ConfigError(f"unknown config key {path}.{key}{did_you_mean(key, known)}")


def parse_backends(raw: dict) -> dict[str, BackendSpec]:
    """Check and build the configured backends; errors name the backend and key."""
    if not isinstance(raw, dict) or not raw:
        raise ConfigError("config cinder.backends must be a non-empty mapping of name -> spec")
    out = {}
    for name, spec in raw.items():
        if not isinstance(spec, dict):
            raise ConfigError(f"config cinder.backends.{name} must be a mapping, got {spec!r}")
        kind = spec.get("kind")
        nfs = kind == "nfs"
        replicated = kind == "rbd" and "replication_device" in spec
        _reject_unknown_keys(
            f"cinder.backends.{name}",
            spec,
            _NFS_BACKEND_KEYS if nfs else _RBD_KEYS if kind == "rbd" else _BACKEND_KEYS,
        )
        if kind not in BACKEND_KINDS:
            raise ConfigError(
                f"config cinder.backends.{name}.kind must be one of {', '.join(BACKEND_KINDS)}, "
                f"got {kind!r}"
            )
        cls = NfsBackendSpec if nfs else ReplicatedBackendSpec if replicated else BackendSpec
        # each value as a section's key is checked: a throughput of -1, NaN, "x" or None was
        # taken, and every copy on the backend then failed with fakecloud's own TypeError or
        # ValueError as the volume's error
        _check_fields(f"cinder.backends.{name}", cls, spec, ("kind", "replication_device"))
        if replicated:
            path = f"cinder.backends.{name}.replication_device"
            spec = {
                **spec,
                "replication_device": _replication_device(path, spec["replication_device"]),
            }
        out[name] = cls(name=name, **{**KIND_DEFAULTS.get(kind, {}), **spec})
    return out


def _check_fields(part: str, cls: type, spec: dict, skip: tuple[str, ...] = ()) -> None:
    """Check each value of `spec` against the field of `cls` it sets (`checked`). The values
    are kept as given (``throughput_mb_per_s: 100`` stays the int a saved world holds)."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for key, value in spec.items():
        if key not in skip:
            checked(part, fields[key], value)


def parse_volume_types(raw: dict, backends: dict[str, BackendSpec]) -> dict[str, VolumeTypeSpec]:
    """Check and build the configured volume types; each must name a configured backend."""
    if not isinstance(raw, dict) or not raw:
        raise ConfigError("config cinder.volume_types must be a non-empty mapping")
    out = {}
    for name, spec in raw.items():
        if not isinstance(spec, dict):
            raise ConfigError(f"config cinder.volume_types.{name} must be a mapping")
        _reject_unknown_keys(f"cinder.volume_types.{name}", spec, _VOLUME_TYPE_KEYS)
        backend = spec.get("backend")
        if not isinstance(backend, str) or backend not in backends:  # a list: unhashable
            raise ConfigError(
                f"config cinder.volume_types.{name}.backend {backend!r} is not a configured "
                f"backend{did_you_mean(str(backend), backends)}; backends: {', '.join(backends)}"
            )
        _check_fields(f"cinder.volume_types.{name}", VolumeTypeSpec, spec, ("backend",))
        out[name] = VolumeTypeSpec(name=name, **spec)
    return out
