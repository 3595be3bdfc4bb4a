"""Snapshots a backend holds that no row knows, listed and adopted: ``GET
/manageable_snapshots[/detail]`` (3.8) and ``POST /manageable_snapshots`` (3.8), the
``os-snapshot-manage`` extension's ``GET [/detail]`` and ``POST`` (any microversion);
cinderclient ``cinder snapshot-manageable-list``, ``cinder snapshot-manage``, as cinder
12.0.10, 16.4.2 and 29.0.0's ``api/contrib/snapshot_manage.py``, ``api/v3/snapshot_manage.py``,
``api/schemas/snapshot_manage.py``, ``api/views/manageable_snapshots.py``, ``volume/api.py``
``manage_existing_snapshot``, ``scheduler/manager.py`` ``manage_existing_snapshot`` and
``volume/flows/manager/manage_existing_snapshot.py`` give them.

- The list: as the volumes' (`fakecloud.cinder.volume_manage.listed`), each entry with the
  ``source_reference`` of the volume it is a snapshot of. LVM lists its snapshot LVs
  (``_snapshot-<id>``, ``_escape_snapshot``), RBD its images' snapshots (``snapshot-<id>``).
- The create: the body's schema (every release), then on the v3 path before 3.8 the bare 404,
  the volume (404), the policy ``snapshot_extension:snapshot_manage`` (admin), the volume's
  cinder-volume (404 when none, 400 disabled or down), ``create_snapshot_in_db`` as a forced
  snapshot's (the volume ``available`` or ``in-use``; ``snapshots`` 1 and ``gigabytes`` the
  volume's size, committed), the row ``creating``; from 13.0.0 the scheduler checks the
  backend (else ``error``), 12.x casts to the volume service itself. The 202 answers the
  base snapshot view (no microversion's keys).
- The volume manager: the driver's ``manage_existing_snapshot_get_size`` (a text reference
  is the name; RBD's must be a snapshot of the volume's image; LVM's any LV of its group, a
  leftover ``volume-<id>`` or a managed snapshot's ``_snapshot-<id>`` too, whatever volume
  the body names), the quota's ``gigabytes`` moved by that size less the volume's, the
  driver's ``manage_existing_snapshot`` (the LV or RBD snapshot renamed; LVM refuses a volume's
  LV a row has, ``ManageExistingAlreadyManaged``, so ``error``), the size saved,
  ``available`` (its progress as the row had it). A failure is ``error``, the reservation
  rolled back.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.api.microversion import Version
from fakecloud.cinder import controllers, exception, policy, validation, views
from fakecloud.cinder.backends import MANAGEABLE_KINDS
from fakecloud.cinder.quota import process_reserve_over_quota
from fakecloud.cinder.states import SNAPSHOT_STATUS, SNAPSHOT_STATUS_FORCED
from fakecloud.cinder.volume_manage import (
    MANAGE_EXISTING_LIST,
    listed,
    manageable_entry,
    paginate_entries_list,
    service_backend,
)

#: The first Cinder whose API casts a snapshot's manage to the scheduler (12.x: to the volume
#: service, ``volume_rpcapi.manage_existing_snapshot``).
SCHEDULED_SINCE = 13
#: The snapshot-manage body (``api/schemas/snapshot_manage.py`` ``create``, every release).
SNAPSHOT_MANAGE_CREATE = validation.snapshot_manage_schema()


def index(service: Any, req: Request) -> Generator:
    """``SnapshotManageController.index`` (v3): the summary list."""
    return listed(service, req, MANAGE_EXISTING_LIST, *_listing(detail=False))


def detail(service: Any, req: Request) -> Generator:
    """``SnapshotManageController.detail`` (v3): the detailed list."""
    return listed(service, req, MANAGE_EXISTING_LIST, *_listing(detail=True))


def contrib_index(service: Any, req: Request) -> Generator:
    """``os-snapshot-manage``'s ``index`` (any microversion)."""
    return listed(service, req, None, *_listing(detail=False))


def contrib_detail(service: Any, req: Request) -> Generator:
    """``os-snapshot-manage``'s ``detail`` (any microversion)."""
    return listed(service, req, None, *_listing(detail=True))


def _listing(detail: bool) -> tuple[str, str, Any]:
    if detail:
        keys = ("reference", "size", "safe_to_manage", "reason_not_safe", "extra_info",
                "cinder_id", "source_reference")  # fmt: skip
    else:
        keys = ("reference", "size", "safe_to_manage", "source_reference")
    return "get_manageable_snapshots", "manageable-snapshots", lambda e: {k: e[k] for k in keys}


def manageable_snapshots(
    cinder: Any, driver: Any, marker: Any, limit: int, offset: int, keys: list, dirs: list
) -> list[dict[str, Any]]:
    """The driver's ``get_manageable_snapshots`` (LVM's ``_get_manageable_resource_info``,
    RBD's): its snapshots, each already managed (its row's id) or safe, paged as
    ``paginate_entries_list``."""
    if driver.spec.kind not in MANAGEABLE_KINDS:
        return []
    escape = "" if driver.spec.kind == "rbd" else "_"
    store = cinder.store
    entries = []
    for snap in store.snapshots.values():
        volume = store.volumes.get(snap.volume_id)
        if volume is not None and volume.backend == driver.name and driver.holds(snap.id):
            entries.append(
                _entry(
                    f"{escape}snapshot-{snap.id}",
                    snap.volume_size,
                    snap.id,
                    f"volume-{snap.volume_id}",
                )  # fmt: skip
            )
    origins = driver.origins or {}
    for name, size in (driver.leftovers or {}).items():
        if name.startswith("snapshot-"):
            entries.append(_entry(f"{escape}{name}", size, None, origins.get(name)))
    return paginate_entries_list(entries, marker, limit, offset, keys, dirs)


def _entry(name: str, size: int, cinder_id: str | None, origin: str | None) -> dict[str, Any]:
    return {**manageable_entry(name, size, cinder_id), "source_reference": {"source-name": origin}}


def create(service: Any, req: Request) -> Response:
    """``SnapshotManageController.create`` (v3): the body's check, then from 3.8."""
    return _create(service, req, MANAGE_EXISTING_LIST)


def contrib_create(service: Any, req: Request) -> Response:
    """``os-snapshot-manage``'s ``create`` (any microversion)."""
    return _create(service, req, None)


def _create(service: Any, req: Request, since: Version | None) -> Response:
    cinder = service.cinder
    context = req.context
    body = service._body(req)
    validation.validate(
        validation.for_release(SNAPSHOT_MANAGE_CREATE, cinder.kernel.switches), body
    )
    if since is not None and req.microversion < since:
        raise controllers.not_found()  # _ensure_min_version
    wanted = body["snapshot"]
    volume = cinder.volume_api.get(context, wanted["volume_id"])
    policy.authorize(
        context, "snapshot_extension:snapshot_manage", volume.project_id,
        cinder.policy_rules,
    )  # fmt: skip
    snap = manage_existing_snapshot(
        cinder,
        context,
        wanted["ref"],
        volume,
        name=wanted.get("name"),
        description=wanted.get("description"),
        metadata=wanted.get("metadata"),
    )
    vc = service._vc(req, written=True)
    return Response(202, {"snapshot": views.snapshot_summary(vc, snap)})


def manage_existing_snapshot(
    cinder: Any,
    context: Any,
    ref: Any,
    volume: Any,
    name: str | None = None,
    description: str | None = None,
    metadata: dict[str, str] | None = None,
) -> Any:
    """``API.manage_existing_snapshot``: the volume's service, the row as a forced
    snapshot's (quota committed), the cast."""
    if volume.host is not None:
        service_backend(cinder, volume.host, None)  # ServiceNotFound: 404
    snap = cinder.snapshot_api.create(
        context, volume, name, description, force=True, metadata=metadata, cast=False
    )
    k = cinder.kernel
    cinder.drivers[volume.backend].building(snap.id)  # held as this id once adopted
    if k.switches.series.cinder >= SCHEDULED_SINCE:
        k.rpc.cast("cinder-scheduler", "manage_existing_snapshot", snapshot_id=snap.id, ref=ref)
    else:
        k.rpc.cast(
            cinder.volume_target(volume.backend),
            "manage_existing_snapshot",
            snapshot_id=snap.id,
            ref=ref,
        )
    return snap


def schedule(scheduler: Any, snapshot_id: str, ref: Any) -> None:
    """``SchedulerManager.manage_existing_snapshot``: the volume's backend must pass the
    filters (enabled, up, room for the volume's size); else ``error``
    (``_set_snapshot_state_and_notify``); then the cast to its manager."""
    cinder = scheduler.cinder
    k = scheduler.kernel
    snap = cinder.store.snapshots.get(snapshot_id)
    if snap is None:
        return
    volume = cinder.store.volumes[snap.volume_id]
    driver = cinder.enabled_drivers().get(volume.backend)
    if driver is None or driver.free_gb < volume.size:
        error = f"Cannot place snapshot {snapshot_id} on {cinder.config.host}@{volume.backend}."
        k.trace.emit(
            "cinder.error", scheduler.actor, snapshot_id, op="manage_existing_snapshot",
            error=error,
        )  # fmt: skip
        _save(k, snap, "error", scheduler.actor)
        return
    k.rpc.cast(
        cinder.volume_target(volume.backend),
        "manage_existing_snapshot",
        snapshot_id=snapshot_id,
        ref=ref,
    )


def run(manager: Any, snapshot_id: str, ref: Any) -> Generator:
    """``VolumeManager.manage_existing_snapshot``'s flow: the size, its quota, the driver's
    adoption, ``available``; any failure ``error``."""
    cinder = manager.cinder
    k = manager.kernel
    driver = manager.driver
    snap = cinder.store.snapshots.get(snapshot_id)
    if snap is None:  # ExtractSnapshotRefTask: SnapshotNotFound
        driver.forget(snapshot_id)
        return
    generation = manager.generation
    quotas = cinder.quotas
    reservation = None
    try:
        size = driver.manage_existing_get_size(ref, snapshot=snap, store=cinder.store)
        # QuotaReserveTask (update_size: the snapshot was counted at the API)
        deltas = (
            {} if cinder.config.no_snapshot_gb_quota else {"gigabytes": size - snap.volume_size}
        )
        volume = cinder.store.volumes.get(snap.volume_id)
        type_name = volume.volume_type.name if volume is not None else None
        try:
            reservation = quotas.reserve_deltas(
                snap.project_id, quotas.add_volume_type_opts(deltas, type_name)
            )
        except exception.OverQuota as e:
            process_reserve_over_quota(e, "snapshots", size)
        yield from driver.manage_existing(snap, ref, snapshot=True, store=cinder.store)
    except Exception as exc:  # noqa: BLE001 - the flow's revert: error
        if reservation is not None:
            quotas.rollback(reservation)
        if cinder.store.snapshots.get(snapshot_id) is not snap:
            driver.forget(snapshot_id)
        if manager._dead(generation):
            return
        manager._fail(snapshot_id, "manage_existing_snapshot", exc)
        if cinder.store.snapshots.get(snapshot_id) is snap:
            _save(k, snap, "error", manager.actor)
        return
    if cinder.store.snapshots.get(snapshot_id) is not snap:  # deleted meanwhile
        quotas.rollback(reservation)
        driver.left(f"snapshot-{snapshot_id}", size, snap.volume_id)
        return
    snap.volume_size = size
    quotas.commit(reservation)
    _save(k, snap, "available", manager.actor)  # CreateSnapshotOnFinishTask


def _save(kernel: Any, snap: Any, new: str, actor: str) -> None:
    # the flow's save, over whatever an admin reset the row to meanwhile
    if snap.status == new:
        return
    table = SNAPSHOT_STATUS if SNAPSHOT_STATUS.legal(snap.status, new) else SNAPSHOT_STATUS_FORCED
    table.move(kernel, snap, new, actor=actor)


#: The routes (``api/v3/router.py`` ``manageable_snapshots``; the extension's resource).
ROUTES = (
    ("GET", "manageable_snapshots/detail", detail),
    ("GET", "manageable_snapshots", index),
    ("POST", "manageable_snapshots", create),
    ("GET", "os-snapshot-manage/detail", contrib_detail),
    ("GET", "os-snapshot-manage", contrib_index),
    ("POST", "os-snapshot-manage", contrib_create),
)
