"""`Cinder`: one fake Block Storage service built on a kernel, and the state it shares.

It owns the configuration, the volume types, the drivers (one per backend), the store of rows,
the quota engine and the image service, and builds on them the volume, snapshot and attachment
APIs (Cinder's ``volume/api.py``), the scheduler and volume managers (RPC endpoints on the bus),
and the REST surface ``cinder.api``. Construction is cheap: no I/O resource, validator or
policy is built until first used.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Generator
from typing import Any

from fakecloud.cinder import exception
from fakecloud.cinder.attachments import AttachmentAPI
from fakecloud.cinder.backends import Driver
from fakecloud.cinder.backups import BackupAPI
from fakecloud.cinder.config import (
    DEFAULT_TYPE_NAME,
    DEFAULT_TYPE_SINCE,
    CinderConfig,
    parse_backends,
    parse_volume_types,
)
from fakecloud.cinder.drivers import make_driver
from fakecloud.cinder.frozen import VOLUME_BINARY
from fakecloud.cinder.groups import GroupAPI
from fakecloud.cinder.groups_types import GroupTypeAPI
from fakecloud.cinder.images import ImageCatalog
from fakecloud.cinder.manager import SchedulerManager, VolumeManager
from fakecloud.cinder.models import Snapshot, Store, Volume, VolumeType
from fakecloud.cinder.policy import NEW_DEFAULTS_SINCE
from fakecloud.cinder.policy_file import FileRules, file_rules
from fakecloud.cinder.quota import QuotaEngine
from fakecloud.cinder.snapshots import SnapshotAPI
from fakecloud.cinder.transfers import TransferAPI
from fakecloud.cinder.validation import is_uuid_like
from fakecloud.cinder.volumes import VolumeAPI
from fakecloud.errors import ConfigError
from fakecloud.sim.heartbeats import seen_within
from fakecloud.sim.ids import stream, uuid4_text

#: Statuses of a volume cinder-volume has not finished creating (its create flow still runs).
_NOT_CREATED = frozenset(("creating", "downloading"))


@functools.lru_cache(maxsize=256)
def created_targets(seed: int, host: str) -> tuple[bool, str]:
    """``(shared_targets, service_uuid)`` of a volume cinder-volume created on `host`
    (``cinder@backend#pool``) in a cloud of `seed`: False (see `Cinder.volume_targets`) and the
    uuid of the service ``cinder@backend``. Cinder draws one per service row
    (``objects.Service.create``, 12.0.0 on); here its own seeded stream, so that no other id
    moves with it."""
    service = host.partition("#")[0]
    return False, uuid4_text(stream(seed, f"cinder.service.{service}").getrandbits(128))


#: Error names fault rules may use (``error: CinderBackendError``).
FAULT_ERRORS = {
    "CinderBackendError": lambda msg=None: exception.VolumeBackendAPIException(
        data=msg or "injected fault"
    ),
    "SnapshotIsBusy": lambda msg=None: exception.SnapshotIsBusy(snapshot_name=msg or "snapshot"),
    "NoValidBackend": lambda msg=None: exception.NoValidBackend(reason=msg or "injected fault"),
}


class Cinder:
    """The fake Cinder of one cloud (``cloud.cinder``)."""

    config: CinderConfig
    drivers: dict[str, Driver]
    volume_types: dict[str, VolumeType]
    image_service: Any
    server_volume_attachment: Any
    managers: dict[str, VolumeManager]
    _api: Any
    links: list[str]
    gone_backends: list[str]
    policy_new_defaults: bool
    policy_rules: bool | FileRules

    #: Before Cinder 15.0.0: the type of the volumes created without one (see `default_type`).
    #: A class default, so that clouds of later series (and files saved before) do not carry it.
    _untyped: VolumeType | None = None
    #: The projects each private type is shared with (``volume_type_projects``), by type id:
    #: made at the first share (`fakecloud.cinder.type_manage`), so a cloud that never shared
    #: a type saves as before.
    type_access: dict[str, list[str]] | None = None
    #: What an operator set of a service (``os-services``): ``(binary, host) -> (disabled,
    #: disabled_reason, when)``; made at the first change, so a cloud nobody changed saves as
    #: before (`fakecloud.cinder.services_api`).
    service_changes: dict[tuple[str, str], tuple[bool, str | None, float]] | None = None
    #: The log levels ``os-services/set-log`` set, by process ``(binary, host)`` then logger:
    #: made at the first, so a cloud where nobody set one saves as before
    #: (`fakecloud.cinder.log_levels`).
    log_levels: dict[tuple[str, str], dict[str, str]] | None = None
    #: The frozen cinder-volume services (``os-services/freeze``), by host: made at the first
    #: freeze, None again after the last thaw (`fakecloud.cinder.freeze`).
    frozen_services: list[str] | None = None
    #: The workers rows no service has claimed yet (``create_worker`` as a cast is sent:
    #: ``service_id`` NULL), resource id -> ``(resource_type, status)``; None when there are none
    #: (`fakecloud.cinder.cleanup`).
    workers: dict[str, tuple[str, str]] | None = None
    #: cinder-volume host -> ``(replication_status, active_backend_id)`` once a failover
    #: changed them (`fakecloud.cinder.replication`): made at the first, so a cloud that
    #: never failed over saves as before.
    replication_states: dict[str, tuple[str, str | None]] | None = None
    #: The QoS specs by id, and each volume type's (type id -> spec id): made at the first
    #: (`fakecloud.cinder.qos_specs`).
    qos_specs: dict[str, Any] | None = None
    type_qos: dict[str, str] | None = None
    #: Each encrypted volume type's encryption row, by type id: made at the first
    #: (`fakecloud.cinder.type_encryption`).
    type_encryption: dict[str, dict[str, Any]] | None = None
    #: When each type made through the API was created (virtual seconds), by id: the list's
    #: order (`fakecloud.cinder.type_manage`); None until the first.
    type_created: dict[str, float] | None = None
    #: Each project's own default type id (``default_volume_types``, ``/default-types``), by
    #: project id; made at the first, dropped with the last (`fakecloud.cinder.
    #: default_types_api`). A class default: every untyped volume create reads it, and an
    #: unset slot's ``getattr`` default would cost a caught AttributeError each time.
    project_default_types: dict[str, str] | None = None

    def __init__(self, kernel: Any):
        self.kernel = kernel
        self.config = kernel.config.cinder
        cfg = self.config
        backends = parse_backends(cfg.backends)
        types = parse_volume_types(cfg.volume_types, backends)
        if cfg.default_volume_type not in types:
            raise ConfigError(
                f"config cinder.default_volume_type {cfg.default_volume_type!r} is not one of "
                f"the configured volume_types ({', '.join(types)})"
            )
        self.derive_rules()  # a policy file that is no policy refused here, not at a request
        self.drivers = {n: make_driver(kernel, s) for n, s in backends.items()}
        self.volume_types = {
            name: VolumeType(
                id=kernel.ids.uuid(),  # drawn in every series: later ids do not move with it
                name=name,
                backend=spec.backend,
                description=spec.description,
                is_public=spec.is_public,
                extra_specs=dict(spec.extra_specs),
            )
            for name, spec in types.items()
        }
        if kernel.switches.release.series.cinder < DEFAULT_TYPE_SINCE:
            # No ``__DEFAULT__`` row yet: the configured entry only says where the scheduler
            # puts the volumes that have no type.
            stand_in = self.volume_types.pop(DEFAULT_TYPE_NAME, None)
            if stand_in is not None:
                self._untyped = VolumeType(id=None, name=None, backend=stand_in.backend)
        self._types_by_id = {t.id: t for t in self.volume_types.values()}
        self.store = Store()
        self.quotas = QuotaEngine(cfg, list(self.volume_types))
        #: Where create-from-image reads image metadata (see `fakecloud.cinder.images`).
        self.image_service = ImageCatalog(kernel)
        #: A test's own answer to "which attachment does this server use for this volume?"
        #: (``(context, server_id, volume_id) -> attachment id or None``); None: the cloud's
        #: Nova is asked (`fakecloud.cinder.compute.get_server_volume`).
        self.server_volume_attachment = None
        self.volume_api = VolumeAPI(self)
        self.snapshot_api = SnapshotAPI(self)
        self.attachment_api = AttachmentAPI(self)
        self.scheduler = SchedulerManager(self)
        # cinder.rpc.ALLOWED_EXMODS: Cinder's own exceptions come back over RPC as *_Remote.
        kernel.rpc.allow_exception_module("fakecloud.cinder.exception", "cinder.exception")
        kernel.rpc.register(SchedulerManager.target, self.scheduler)
        self.managers = {}
        for name, driver in self.drivers.items():
            manager = VolumeManager(self, driver)
            self.managers[name] = manager
            kernel.rpc.register(manager.target, manager)
        for name, factory in FAULT_ERRORS.items():
            kernel.faults.register_error(name, factory)
        self._api = None
        #: The links this copy's rows made as it ran (an attachment and its volume, that volume
        #: and its server; a migration's temporary volume and its source), which the rows may
        #: no longer hold at the end: a detach deletes the attachment, a migration its
        #: temporary volume. Only the explorer's paths read them; not saved, a fork starts with
        #: none (`fakecloud.state.kinds.TRANSIENT`). Laid flat, two ids a link (``a, b, a,
        #: b...``; `fakecloud.explore.paths.recorded_links` pairs them): a tuple a link cost
        #: a storm of 100,000 servers 13 MB, the flat ids about 3.
        self.links = []
        #: The backend each volume deleted in the run was on (its row gone), laid flat as
        #: ``links`` (``id, backend, ...``): a restart of that backend's cinder-volume is still
        #: tied to the volume on an explorer's path (`fakecloud.explore.paths.volume_hosts`).
        #: Not saved; a fork starts with none (the world it forked still has the rows).
        self.gone_backends = []

    @property
    def api(self) -> Any:
        """The REST surface (an `ApiService`): ``cloud.cinder.api.call(Request.build(...))``."""
        if self._api is None:
            from fakecloud.cinder.api import CinderApi

            self._api = CinderApi(self)
        return self._api

    @property
    def backup_api(self) -> BackupAPI:
        """Backup requests (``cinder/backup/api.py``; holds no state of its own)."""
        return BackupAPI(self)

    @property
    def group_api(self) -> GroupAPI:
        """Group and group snapshot requests (``cinder/group/api.py``; no state of its own)."""
        return GroupAPI(self)

    @property
    def group_type_api(self) -> GroupTypeAPI:
        """Group type requests (``cinder/volume/group_types.py``; no state of its own)."""
        return GroupTypeAPI(self)

    @property
    def transfer_api(self) -> TransferAPI:
        """Volume transfer requests (``cinder/transfer/api.py``; holds no state of its own)."""
        return TransferAPI(self)

    # -- shared lookups ----------------------------------------------------------------------

    def derive_rules(self) -> None:
        """Derive the release rules most requests read, from the configuration and the
        switches alone: plain attributes, not `functools.cached_property` memos (Python 3.11
        specialises an instance attribute's read, never a read that meets a descriptor on the
        class). A save leaves them out (`fakecloud.state.kinds.MEMOS`), a fork copies them,
        and a loaded cloud derives them again (`kinds.REDERIVED`).

        ``policy_new_defaults``: whether the new RBAC defaults are enforced,
        ``enforce_new_defaults`` if set, else the series' default (from Cinder 29.0.0, the
        series of Nova 34). ``policy_rules``: what `fakecloud.cinder.policy.allowed` decides
        by, the operator's rules in oslo.policy (`fakecloud.cinder.policy_file`:
        ``cinder.policy_file`` or ``cinder.policy`` given), else ``policy_new_defaults`` (the
        distilled rules)."""
        series = self.kernel.switches.series.cinder
        value = self.config.enforce_new_defaults
        new_defaults = series >= NEW_DEFAULTS_SINCE if value is None else value
        self.policy_new_defaults = new_defaults
        rules = file_rules(series, new_defaults, self.config)
        self.policy_rules = new_defaults if rules is None else rules

    @property
    def default_type(self) -> VolumeType:
        """The default volume type (``[DEFAULT] default_volume_type``); before Cinder 15.0.0,
        where ``__DEFAULT__`` is the default, no type: a stand-in without id or name, on the
        backend configured for ``__DEFAULT__``."""
        vtype = self.volume_types.get(self.config.default_volume_type) or self._untyped
        if vtype is None:  # the configured default renamed or deleted through the API
            name = self.config.default_volume_type
            # e5d842eb1b (17.0.0, 16.2.0, 15.4.0): its own error
            if not self.kernel.switches.cinder_default_type_guard_by_name:
                raise exception.VolumeTypeDefaultMisconfiguredError(volume_type_name=name)
            # 15.0.0 until then: get_default_volume_type raises the lookup's error
            if self.kernel.switches.series.cinder >= DEFAULT_TYPE_SINCE:
                raise exception.VolumeTypeNotFoundByName(volume_type_name=name)
            # 12.x-14.x: it logs and answers {}: no type, and the scheduler weighs the backends.
            return VolumeType(id=None, name=None, backend=None)
        return vtype

    def project_default_type(self, context: Any) -> VolumeType:
        """``get_default_volume_type(context)``: the caller's project's own default type
        (``/default-types``, 17.0.0 on; looked up by id as the caller, so a private type not
        shared with the project is a 404), else the configured `default_type`."""
        table = self.project_default_types
        type_id = table.get(context.project_id) if table else None
        if type_id is None:
            return self.default_type
        return self.volume_type_by_id(type_id, context)

    def type_by_name_or_id(self, wanted: str, context: Any = None) -> VolumeType:
        """``volume_types.get_by_name_or_id``: a UUID-like text by id, then as a name (a type
        may be named like a UUID); another text by name; else ``VolumeTypeNotFound``."""
        if is_uuid_like(wanted):
            try:
                return self.volume_type_by_id(wanted, context)
            except exception.VolumeTypeNotFound:
                vtype = self.volume_types.get(wanted)
                if vtype is None:
                    raise exception.VolumeTypeNotFound(volume_type_id=wanted) from None
                return vtype
        return self.volume_type(wanted, context)

    def volume_type(self, name_or_id: str, context: Any = None) -> VolumeType:
        """A volume type by name, or by id when the text is UUID-like (404 otherwise). By id,
        a private type is hidden from a non-admin `context` (``_volume_type_get_query``: public
        or shared with the project, 12.0.10-29.0.0); by name it is not
        (``_volume_type_get_by_name`` reads no access)."""
        if is_uuid_like(name_or_id):
            return self.volume_type_by_id(name_or_id, context)
        vtype = self.volume_types.get(name_or_id)
        if vtype is None:
            raise exception.VolumeTypeNotFoundByName(volume_type_name=name_or_id)
        return vtype

    def volume_type_by_id(self, type_id: str, context: Any = None) -> VolumeType:
        """``volume_types.get_volume_type``: the type of that id, a private one hidden from a
        non-admin `context` it is not shared with."""
        vtype = self._types_by_id.get(type_id)
        if vtype is None or (
            context is not None
            and not vtype.is_public
            and not context.is_admin
            and not self.type_shared(vtype, context.project_id)
        ):
            raise exception.VolumeTypeNotFound(volume_type_id=type_id)
        return vtype

    def enabled_drivers(self, include_frozen: bool = False) -> dict[str, Driver]:
        """The backends whose cinder-volume is enabled and not frozen: the scheduler's
        ``backend_state_map`` holds those services only (``_update_backend_state_map`` lists
        them ``disabled: False, frozen: False``, 12.0.0-29.0.0), so a frozen service an admin
        enabled again before 28.0.0 still takes nothing, and it skips a service not
        ``is_up`` (stopped, its last heartbeat more than ``service_down_time_s`` ago).
        `include_frozen`: the API's own lookups, which ask for ``disabled=False`` only."""
        changes = self.service_changes
        frozen = None if include_frozen else self.frozen_services
        stopped = None if include_frozen else self.kernel.rpc.down_since
        if not changes and not frozen and not stopped:
            return self.drivers
        host = self.config.host
        return {
            name: driver
            for name, driver in self.drivers.items()
            if not (changes or {}).get(("cinder-volume", f"{host}@{name}"), (False,))[0]
            and not (frozen and f"{host}@{name}" in frozen)
            and not (stopped and self._volume_seen_down(stopped, name))
        }

    def restart_volume(self, backend: str, down_s: float = 0.0) -> Any:
        """Stop one backend's cinder-volume and start it again `down_s` later (fakecloud's
        handle on an operator's ``systemctl restart cinder-volume``, or a crash and its
        restart); returns the process. The old process's tasks die at the stop where they
        stand (`VolumeManager.stopped`: a volume stays `creating`); casts sent meanwhile wait
        in its queue; the start runs ``init_host``'s clean-up of the workers table before the
        queue is consumed (`VolumeManager.started`)."""
        target = self.volume_target(backend)
        rpc = self.kernel.rpc

        def restart() -> Generator[Any, Any, None]:
            rpc.set_up(target, False)
            if down_s > 0:
                yield self.kernel.env.timeout(down_s)
            rpc.set_up(target, True)

        return self.kernel.spawn(restart(), name=f"cinder-volume:{backend} restart")

    def seen_down(self, stopped: float | None, binary: str, target: str) -> bool:
        """Whether a `binary` service (RPC `target`) stopped at `stopped` is down to the host
        manager (``is_up`` false): its last heartbeat (else its start: ``created_at``), as
        MySQL stored it, more than ``service_down_time`` before now (`seen_within`)."""
        if stopped is None:
            return False
        from fakecloud.cinder.services_api import last_heartbeat

        restarts = (self.kernel.rpc.restarts or {}).get(target)
        last = last_heartbeat(binary, stopped, restarts) or 0.0
        return not seen_within(self.kernel, last, self.config.service_down_time_s)

    def _volume_seen_down(self, stopped: dict[str, float], backend: str) -> bool:
        target = self.volume_target(backend)
        return self.seen_down(stopped.get(target), VOLUME_BINARY, target)

    def row_deleted(self, volume: Volume) -> None:
        """`volume`'s row is deleted now: remember its backend for the explorer's paths
        (`gone_backends`)."""
        if volume.backend:
            self.gone_backends += (volume.id, volume.backend)

    def type_shared(self, vtype: VolumeType, project_id: str | None) -> bool:
        """Whether a (private) type is shared with `project_id` (``VolumeType.projects``)."""
        access = self.type_access
        return access is not None and project_id in access.get(vtype.id, ())

    def index_types(self, types: list[VolumeType]) -> None:
        """Take `types` (in listing order) as the cloud's volume types, by name and by id."""
        self.volume_types.clear()
        self.volume_types.update((t.name, t) for t in types)
        self._types_by_id.clear()
        self._types_by_id.update((t.id, t) for t in types)

    def volume_targets(self, volume: Volume) -> tuple[bool, str | None]:
        """A volume's ``shared_targets`` and ``service_uuid`` (what the views show from 3.48).

        The API makes the row with the columns' defaults, True and NULL (what a ``POST``
        answers); ``VolumeManager.create_volume`` sets them once its create flow has run: the
        driver's answer (False for every backend here: LVM reports ``shared_targets`` False,
        ``lvm_share_target`` off from 24.0.0, and the RBD and copy drivers are not iSCSI) and
        its service's uuid (12.0.10 to 29.0.0). A volume whose creation failed on the backend
        shows the later pair here (Cinder: the defaults)."""
        host = volume.host
        if host is None or volume.status in _NOT_CREATED:
            return True, None
        return created_targets(self.kernel.seed, host)

    def volume_target(self, backend: str) -> str:
        """The RPC target of one backend's volume manager (interned: each cast's message and
        trace event keeps it, one string for all)."""
        return sys.intern(f"cinder-volume.{self.config.host}@{backend}")

    def timestamp(self, t: float | None) -> str | None:
        """A time Cinder shows from a row it read from its database, as its JSON writes a
        datetime (``2026-01-01T00:00:04.000000``): the whole second MySQL's ``DATETIME``
        stored, a half rounded up (Cinder's ``DateTime`` columns have no fraction: 12.0.10
        db/sqlalchemy/models.py to 29.0.0 db/models.py; only the workers table's
        ``updated_at`` is ``DATETIME(fsp=6)``; `fakecloud.sim.clock.stored_time`)."""
        if t is None:
            return None
        return self.kernel.clock.stored_strftime(t, "%Y-%m-%dT%H:%M:%S.%f")

    def written_timestamp(self, t: float | None) -> str | None:
        """A time Cinder shows from an object it holds in memory, not read back: a row just
        written (``db.volume_create``'s ``_volume_get`` in the same session returns the
        object SQLAlchemy gave the Python default's value, fraction and all), or the
        scheduler's capability reports (``2026-01-01T00:00:04.609000``)."""
        if t is None:
            return None
        return self.kernel.clock.strftime(t, "%Y-%m-%dT%H:%M:%S.%f")

    # -- for tests, scenarios and operators --------------------------------------------------

    def set_quota(self, project_id: str, **limits: int) -> None:
        """Set a project's quota limits (``volumes``, ``snapshots``, ``gigabytes``,
        ``snapshots_<type>`` …; -1 = unlimited), as an admin's ``os-quota-sets`` PUT would."""
        self.quotas.set_limits(project_id, **limits)

    def volume(self, volume_id: str) -> Volume:
        """A live volume row by id (KeyError if there is none)."""
        return self.store.volumes[volume_id]

    def snapshot(self, snapshot_id: str) -> Snapshot:
        """A live snapshot row by id (KeyError if there is none)."""
        return self.store.snapshots[snapshot_id]
