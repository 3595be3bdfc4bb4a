"""An admin's volume migration (``os-migrate_volume``): the admin action's checks, per series and
microversion (``VolumeAdminController._migrate_volume``), ``API.migrate_volume``'s service
lookup and conditional update, the scheduler's ``migrate_volume`` (``backend_passes_filters``)
and the source backend's ``VolumeManager.migrate_volume``.

- From Cinder 13.0.0 the body schema comes first (``host`` required before 3.16; from 3.16
  ``host`` may be null and ``cluster`` is allowed), then the volume (404), then the policy
  ``volume_extension:volume_admin_actions:migrate_volume`` (``rule:admin_api``: a member's 403).
  Queens (12.0.10) checks the policy first, without the volume, and reads the body by hand
  (``.get`` on what is no object: ``FaultWrapper``'s 500; ``get_bool_param``'s 400).
- ``get_cluster_host``: "Host field is missing." before 3.16, "One and only one of cluster and
  host must be set." from it (an ``InvalidInput``).
- A service named by the host's backend (``host@backend``; a ``#pool`` is dropped) that is up and
  enabled, else "No available service named 'X'" (``InvalidHost``; fakecloud has no clusters,
  so a cluster never names one).
- The volume ``available`` or ``in-use``, not migrating, not replicated, in no group, without
  snapshots, and the destination a host string other than its own, else the one
  ``InvalidVolume`` message for all of them. It becomes ``migration_status`` ``starting``; with
  ``lock_volume`` an ``available`` one is ``maintenance`` (refused by every action that checks
  the status: attach, snapshot, delete...).
- The scheduler places it only on a backend that passes the filters (enabled, room for it, its
  type's backend if the type names one; the pool compared only when the host names one): else
  ``NoValidBackend`` ("Cannot place volume X on H."), ``migration_status`` ``error`` and a
  locked volume back to its status.
- The source manager: ``migrating``; the LVM driver refuses an available, detached volume whose
  destination is its own volume group (a ``VolumeBackendAPIException``); otherwise the
  host-assisted migration of `fakecloud.cinder.migration_generic` (a temporary volume on the
  destination; a detached volume copied and completed at once, an attached one swapped by Nova,
  which calls the completion), then ``migration_status`` ``success``, the volume on the
  destination backend (same id), its status back, the source's data deleted. A failure is
  ``error``.

Not modelled: driver-assisted moves (LVM's local copy between volume groups takes the generic
copy's time), ``force_host_copy``'s effect (every copy is host-assisted).
``os-migrate_volume_completion`` (what Nova's swap calls) is checked as Cinder checks it
(schema, the volume, the admin policy, the new volume, "Source volume not mid-migration." and
its kin, the destination ``target:<id>``), then the source's manager completes the migration
(`migration_generic.complete`); for two volumes of which neither is migrating (a swap Nova
started on its own, before the attachments API) the attachments move (detach, attach the new
one) and the answer is ``{"save_volume_id": new}``.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.api.microversion import Version
from fakecloud.cinder import exception, policy, validation
from fakecloud.cinder.controllers import bad_request, get_bool_param
from fakecloud.cinder.faults import GENERIC
from fakecloud.cinder.models import group_of
from fakecloud.cinder.states import VOLUME_STATUS
from fakecloud.cinder.volumes import is_migrating

#: ``mv.VOLUME_MIGRATE_CLUSTER``: ``cluster`` in the body, ``host`` no longer required.
VOLUME_MIGRATE_CLUSTER = Version.parse("3.16")
POLICY = "volume_extension:volume_admin_actions:migrate_volume"
ACTION = "os-migrate_volume"
#: ``cinder/api/schemas/admin_actions.py`` ``migrate_volume`` and ``migrate_volume_v316``.
_HOST = {"type": "string", "maxLength": 255}
MIGRATE_VOLUME = validation._action(
    ACTION,
    validation._obj(
        {
            "host": _HOST,
            "force_host_copy": validation.boolean,
            "lock_volume": validation.boolean,
        },
        ["host"],
    ),
)
MIGRATE_VOLUME_V316 = validation._action(
    ACTION,
    validation._obj(
        {
            "host": {**_HOST, "type": ["string", "null"]},
            "force_host_copy": validation.boolean,
            "lock_volume": validation.boolean,
            "cluster": validation.name_allow_zero_min_length,
        }
    ),
)
COMPLETION = "os-migrate_volume_completion"
COMPLETE_POLICY = "volume_extension:volume_admin_actions:migrate_volume_completion"
MIGRATE_VOLUME_COMPLETION = validation._action(
    COMPLETION,
    validation._obj(
        {"new_volume": validation.uuid_type, "error": {"type": ["string", "null", "boolean"]}},
        ["new_volume"],
    ),
)
#: The LVM driver's ``[backend] volume_group`` default (fakecloud configures none).
LVM_VOLUME_GROUP = "cinder-volumes"
#: ``API.migrate_volume``'s one refusal of the conditional update.
REFUSED = (
    "Volume {} status must be available or in-use, must not be migrating, have snapshots, be "
    "replicated, be part of a group and destination host/cluster must be different than the "
    "current one"
)


def migrate_volume_action(
    cinder: Any, context: Any, volume_id: str, body: Any, version: Version | None
) -> None:
    """``VolumeAdminController._migrate_volume`` (answered 202)."""
    rules = cinder.policy_rules
    cluster_version = version is not None and version >= VOLUME_MIGRATE_CLUSTER
    api = cinder.volume_api
    if cinder.kernel.switches.series.cinder <= validation.QUEENS:
        policy.authorize(context, POLICY, None, rules)
        volume = api.get(context, volume_id)
        params = body[ACTION]
        if not isinstance(params, dict):  # params.get: an AttributeError
            raise exception.CinderException()
        cluster, host = _cluster_host(params, cluster_version)
        force_copy = get_bool_param("force_host_copy", params)
        lock = get_bool_param("lock_volume", params)
        if not isinstance(host or "", str) or not isinstance(cluster or "", str):
            raise exception.CinderException()  # extract_host: .split on no string
    else:
        validation.validate(MIGRATE_VOLUME_V316 if cluster_version else MIGRATE_VOLUME, body)
        volume = api.get(context, volume_id)
        policy.authorize(context, POLICY, volume.project_id, rules, volume.user_id)
        params = body[ACTION]
        cluster, host = _cluster_host(params, cluster_version)
        force_copy = validation.bool_from_string(params.get("force_host_copy", False))
        lock = validation.bool_from_string(params.get("lock_volume", False))
    migrate_volume(cinder, volume, host, cluster, force_copy, lock)


def migrate_volume_completion_action(cinder: Any, context: Any, volume_id: str, body: Any) -> str:
    """``VolumeAdminController._migrate_volume_completion`` and ``API.migrate_volume_completion``
    (answered 200 ``{"save_volume_id": ...}``); Queens reads ``new_volume`` by hand, after the
    policy."""
    api = cinder.volume_api
    rules = cinder.policy_rules
    if cinder.kernel.switches.series.cinder <= validation.QUEENS:
        policy.authorize(context, COMPLETE_POLICY, None, rules)
        volume = api.get(context, volume_id)
        params = body[COMPLETION]
        if not isinstance(params, dict):  # params['new_volume']: a TypeError (WebOb's 400)
            raise bad_request(GENERIC[400])
        if "new_volume" not in params:
            raise bad_request("Must specify 'new_volume'")
    else:
        validation.validate(MIGRATE_VOLUME_COMPLETION, body)
        volume = api.get(context, volume_id)
        policy.authorize(context, COMPLETE_POLICY, volume.project_id, rules, volume.user_id)
        params = body[COMPLETION]
    new_volume = api.get(context, params["new_volume"])
    error = bool(params.get("error", False))
    if not (volume.migration_status or new_volume.migration_status):
        if not error:
            for attachment in list(volume.attachments):
                api.detach(context, volume, attachment.id)
                api.attach(
                    context,
                    new_volume,
                    attachment.instance_uuid,
                    attachment.attached_host,
                    attachment.mountpoint,
                    "rw",
                )
        return new_volume.id
    if not volume.migration_status:
        raise exception.InvalidVolume(reason="Source volume not mid-migration.")
    if not new_volume.migration_status:
        raise exception.InvalidVolume(reason="Destination volume not mid-migration.")
    expected = f"target:{volume.id}"
    if new_volume.migration_status != expected:
        raise exception.InvalidVolume(
            reason=f"Destination has migration_status {new_volume.migration_status}, expected "
            f"{expected}."
        )
    # volume_rpcapi.migrate_volume_completion: an RPC call to the source's manager, answered
    # here at once.
    return cinder.managers[volume.backend].migrate_volume_completion(volume, new_volume, error)


def _cluster_host(params: dict, cluster_version: bool) -> tuple[Any, Any]:
    """``common.get_cluster_host``: exactly one of ``cluster`` (from 3.16) and ``host``."""
    if cluster_version:
        cluster = params.get("cluster")
        message = "One and only one of cluster and host must be set."
    else:
        cluster = None
        message = "Host field is missing."
    host = params.get("host")
    if bool(cluster) == bool(host):
        raise exception.InvalidInput(reason=message)
    return cluster, host


def migrate_volume(
    cinder: Any, volume: Any, host: str | None, cluster: str | None, force_copy: bool, lock: bool
) -> None:
    """``API.migrate_volume``: the destination's service, the conditional update, the cast."""
    kernel = cinder.kernel
    service_host = host and host.split("#")[0]
    backend = None
    if not cluster:  # no service is in a cluster here
        backend = _service_backend(cinder, service_host)
    if backend is None:
        raise exception.InvalidHost(reason=f"No available service named '{cluster or host}'")
    if (
        volume.status not in ("available", "in-use")
        or is_migrating(volume)
        or volume.replication_status not in (None, "disabled", "not-capable")
        or volume.host == host
        or cinder.store.volume_snapshots(volume)
        or group_of(volume) is not None
    ):
        raise exception.InvalidVolume(reason=REFUSED.format(volume.id))
    previous = volume.status
    volume.migration_status = "starting"
    if lock and previous == "available":
        VOLUME_STATUS.move(kernel, volume, "maintenance", actor="cinder-api")
    kernel.rpc.cast_kwargs(
        "cinder-scheduler",
        "migrate_volume",
        {
            "volume_id": volume.id,
            "backend": host,
            "force_copy": force_copy,
            "previous_status": previous,
        },
    )


def _service_backend(cinder: Any, service_host: str | None) -> str | None:
    """The backend whose cinder-volume is ``service_host`` (matched exactly: the pool level),
    up and enabled (``Service.get_by_id(is_up=True, disabled=False)``)."""
    if not service_host:
        return None
    host = cinder.config.host
    for name in cinder.enabled_drivers(include_frozen=True):
        if f"{host}@{name}" == service_host and cinder.kernel.rpc.is_up(cinder.volume_target(name)):
            return name
    return None


def schedule(
    scheduler: Any, volume_id: str, backend: str, force_copy: bool, previous_status: str
) -> Generator:
    """``SchedulerManager.migrate_volume``: `backend` must be one the filters pass
    (``backend_passes_filters``), else the migration is an ``error``."""
    cinder = scheduler.cinder
    kernel = cinder.kernel
    volume = cinder.store.volumes.get(volume_id)
    if volume is None or volume.migration_status != "starting":
        return
    if "cinder.scheduler" in kernel.faults.hot:
        yield from kernel.faults.pause(
            "cinder.scheduler", op="migrate_volume", volume_id=volume_id, size=volume.size
        )
    target = _passing_backend(cinder, volume, backend)
    if target is None:
        exc = exception.NoValidBackend(f"Cannot place volume {volume_id} on {backend}.")
        kernel.trace.emit(
            "cinder.error", scheduler.actor, volume_id, op="migrate_volume", error=str(exc)
        )
        _set_error(kernel, volume, previous_status, scheduler.actor)
        return
    kernel.rpc.cast_kwargs(
        cinder.volume_target(volume.backend),
        "migrate_volume",
        {
            "volume_id": volume_id,
            "target_backend": target,
            "force_copy": force_copy,
            "previous_status": previous_status,
        },
    )


def _passing_backend(cinder: Any, volume: Any, backend: str) -> str | None:
    """The backend named by `backend` among the weighed candidates (enabled, room for the
    volume, its type's backend if the type names one); the pool compared when `backend`
    names one (``extract_host(backend, 'pool')``)."""
    host = cinder.config.host
    ignore_pool = not (backend.split("#", 1)[1:] or [""])[0]
    wanted = volume.volume_type.backend
    for name, driver in cinder.enabled_drivers().items():
        if wanted not in (None, name) or driver.free_gb < volume.size:
            continue
        backend_id = f"{host}@{name}" if ignore_pool else f"{host}@{name}#{name}"
        if backend_id == backend:
            return name
    return None


def _set_error(kernel: Any, volume: Any, previous_status: str, actor: str) -> None:
    """``migration_status`` ``error``; a locked (``maintenance``) volume back to its status."""
    volume.migration_status = "error"
    if volume.status == "maintenance":
        VOLUME_STATUS.move(kernel, volume, previous_status, actor=actor)


def migrate(
    manager: Any, volume_id: str, target_backend: str, force_copy: bool, previous_status: str
) -> Generator:
    """``VolumeManager.migrate_volume`` on the source backend (see the module's docstring)."""
    kernel = manager.kernel
    volume = manager.cinder.store.volumes.get(volume_id)
    if volume is None or volume.migration_status != "starting":
        return
    driver = manager.driver
    try:
        if (
            target_backend == driver.name
            and driver.spec.kind.startswith("lvm")
            and volume.status == "available"
            and not volume.attachments
            and not force_copy
        ):
            volume.migration_status = "migrating"
            raise exception.VolumeBackendAPIException(
                data=f"Refusing to migrate volume ID: {volume_id}. Please check your "
                "configuration because source and destination are the same Volume Group: "
                f"{LVM_VOLUME_GROUP}."
            )
        yield from manager._migrate_volume_generic(volume, target_backend, previous_status)
    except Exception as exc:  # noqa: BLE001 - migrate_volume's save_and_reraise
        manager._fail(volume_id, "migrate_volume", exc)
        _set_error(kernel, volume, previous_status, manager.actor)
