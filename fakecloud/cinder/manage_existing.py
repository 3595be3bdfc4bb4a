"""Bringing what a backend holds under Cinder's management: ``POST /os-volume-manage`` (any
microversion) and ``POST /manageable_volumes`` (3.8; cinderclient ``cinder manage``, OSC
``openstack volume create --remote-source``), as cinder 12.0.10, 16.4.2 and 29.0.0's
``api/contrib/volume_manage.py`` and ``api/v3/volume_manage.py`` ``create``,
``volume/api.py`` ``manage_existing``,
``volume/flows/api/manage_existing.py``, ``scheduler/manager.py`` ``manage_existing`` and
``volume/flows/manager/manage_existing.py`` do it.

- The controller: the body (from 13.0.0 ``api/schemas/volume_manage.py``, ``cluster`` from
  3.16; Queens: ``assert_valid_body``, names stripped, "Missing required element 'ref' in
  request body."), then on the v3 path before 3.8 the bare 404, the policy
  ``volume_extension:volume_manage`` (admin), ``host`` (from 3.16 exactly one of ``host`` and
  ``cluster``), the type by name or id (400 "Invalid volume type: Cannot find requested 'X'
  volume type"). The 202 answers the row with the legacy detail view (no microversion's
  keys, in every release: ``legacy_detail`` from 21.0.0, the v2 view's ``detail`` before).
- The API: a ``source-name`` of the backend's form (``volume-<uuid>``) that a live row has is
  refused ("already managed"); no type: the default (from 20.0.0 the project's; before, the
  row's ``get_default_volume_type``, which is no type before 15.0.0); from 20.0.0 an encrypted
  type is refused; the host's cinder-volume must exist (400 "Host 'X' not found"), be
  enabled and up. ``QuotaReserveTask`` with size 0 (``volumes`` 1 and ``gigabytes`` 0, and
  their per-type copies), the row ``managing`` (shown ``creating``) of size 0 on the host
  asked (with its pool if it names one, else the service's), committed, cast to the scheduler.
- The scheduler: the volume's backend must pass the filters (its service enabled and up, the
  type's backend name); else ``error_managing`` (shown ``error``).
- The volume manager: the driver's ``manage_existing_get_size`` (a reference with a
  ``source-name``: RBD's an image no row knows, `fakecloud.cinder.backends.Driver.leftovers`;
  LVM's any LV of its group, `fakecloud.cinder.backends.Driver.lv`, a snapshot's
  ``_snapshot-<id>`` too; else ``ManageExistingInvalidReference``), ``QuotaReserveTask`` for
  that size (``update_size``: ``gigabytes`` only), the driver's ``manage_existing`` (the LV or
  image renamed ``volume-<new id>``; a managed snapshot's LV taken over, that snapshot then
  naming nothing on the backend), the size saved, the quota committed, ``available``. A failure
  at any step is ``error_managing``, the reservation rolled back; the ``volumes`` 1 the API
  committed stays, and stays after the volume's delete (``error_managing_deleting``, whose
  quota ``delete_volume`` skips: the known bug ``cinder_error_managing_delete_keeps_quota``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Generator
from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.api.microversion import Version
from fakecloud.cinder import controllers, exception, policy, validation, views
from fakecloud.cinder.capabilities_filter import is_operator
from fakecloud.cinder.models import Volume
from fakecloud.cinder.quota import process_reserve_over_quota
from fakecloud.cinder.states import born_volume, save_volume_status
from fakecloud.cinder.type_encryption import encryption_of
from fakecloud.cinder.volume_manage import MANAGE_EXISTING_LIST, get_cluster_host, service_backend
from fakecloud.cinder.volumes import check_metadata_properties

ACTOR = "cinder-api"
#: ``mv.VOLUME_MIGRATE_CLUSTER``: ``cluster`` in the body, one of it and ``host``.
VOLUME_MIGRATE_CLUSTER = Version.parse("3.16")
#: The view's microversion: the legacy keys only.
_LEGACY = Version.parse("3.0")
#: ``volume_utils.extract_id_from_volume_name`` with ``volume_name_template``.
_VOLUME_NAME = re.compile(r"volume-(?P<uuid>.+)", re.DOTALL)


def extract_id_from_volume_name(name: Any) -> str | None:
    """``volume_utils.extract_id_from_volume_name``: the id in ``volume-<id>``, or None."""
    match = _VOLUME_NAME.match(name)
    return match.group("uuid") if match else None


def check_already_managed_volume(cinder: Any, volume_id: str | None) -> bool:
    """``volume_utils.check_already_managed_volume``: a UUID a live row has."""
    try:
        return bool(
            volume_id
            and isinstance(volume_id, str)
            and uuid.UUID(volume_id, version=4)
            and str(uuid.UUID(volume_id)) in cinder.store.volumes
        )
    except ValueError:
        return False


def create(service: Any, req: Request) -> Response:
    """``VolumeManageController.create`` (v3): the body's check, then from 3.8."""
    return _create(service, req, MANAGE_EXISTING_LIST)


def contrib_create(service: Any, req: Request) -> Response:
    """``os-volume-manage``'s ``create`` (any microversion)."""
    return _create(service, req, None)


def _create(service: Any, req: Request, since: Version | None) -> Response:
    cinder = service.cinder
    context = req.context
    queens = service.cinder_major <= validation.QUEENS
    body = service._body(req)
    if not queens:
        cluster_ok = req.microversion >= VOLUME_MIGRATE_CLUSTER
        schema = (
            validation.VOLUME_MANAGE_CREATE_V316 if cluster_ok else validation.VOLUME_MANAGE_CREATE
        )
        validation.validate(validation.for_release(schema, cinder.kernel.switches), body)
    if since is not None and req.microversion < since:
        raise controllers.not_found()  # _ensure_min_version
    policy.authorize(context, "volume_extension:volume_manage", None, cinder.policy_rules)
    if queens:
        validation.assert_valid_body(body, "volume")
        volume = dict(body["volume"])
        controllers.queens_name_and_description(volume)
        if "ref" not in volume:
            raise exception.Invalid("Missing required element 'ref' in request body.")
    else:
        volume = body["volume"]
    cluster, host = get_cluster_host(req, volume, VOLUME_MIGRATE_CLUSTER)
    kwargs: dict[str, Any] = {}
    wanted = volume.get("volume_type")
    if wanted:
        try:
            if not isinstance(wanted, str):
                raise exception.VolumeTypeNotFound(volume_type_id=wanted)
            kwargs["volume_type"] = cinder.type_by_name_or_id(wanted, context)
        except exception.VolumeTypeNotFound:
            raise exception.InvalidVolumeType(
                reason=f"Cannot find requested '{wanted}' volume type"
            ) from None
    for key in ("name", "description"):
        value = volume.get(key)
        kwargs[key] = (value.strip() if value else None) if not queens else value
    kwargs["metadata"] = volume.get("metadata")
    kwargs["availability_zone"] = volume.get("availability_zone")
    if queens:
        kwargs["bootable"] = controllers.get_bool_param("bootable", volume)
        check_metadata_properties(kwargs["metadata"])
    else:
        kwargs["bootable"] = validation.bool_from_string(volume.get("bootable", False))
    new = manage_existing(cinder, context, host, cluster, volume["ref"], **kwargs)
    vc = service._vc(req, written=True)
    vc.version = _LEGACY
    return Response(202, {"volume": views.volume_detail(vc, new, False)})


def manage_existing(
    cinder: Any,
    context: Any,
    host: str | None,
    cluster: str | None,
    ref: Any,
    name: str | None = None,
    description: str | None = None,
    volume_type: Any = None,
    metadata: dict[str, str] | None = None,
    availability_zone: str | None = None,
    bootable: bool = False,
) -> Volume:
    """``API.manage_existing``: the checks, the service `host` (or `cluster`) names, the
    quota, the ``managing`` row, the cast to the scheduler."""
    k = cinder.kernel
    try:
        named = "source-name" in ref  # ref is an object or (the schema allows it) a string
        volume_id = extract_id_from_volume_name(ref["source-name"]) if named else None
    except TypeError as exc:  # a string's ``ref['source-name']``: FaultWrapper's 500
        raise exception.CinderException(str(exc)) from None
    if check_already_managed_volume(cinder, volume_id):
        raise exception.InvalidVolume(
            "Unable to manage existing volume. The volume is already managed"
        )
    # Switch lp1944577: until ba947e6d7d (18.2.1), dd12492f32 (19.1.1) and 9c1aa92b95 (20.0.0)
    # the API keeps no type (the row's create gives it the configured default, none before
    # 15.0.0) and takes an encrypted one; after, ``get_default_volume_type(context)``.
    checked = not k.switches.lp1944577
    if volume_type is None:
        volume_type = cinder.project_default_type(context) if checked else cinder.default_type
    if checked and encryption_of(cinder, volume_type.id) is not None:
        raise exception.InvalidVolumeType("Managing to an encrypted volume type is not supported.")
    if not isinstance(host or cluster, str):
        # Queens has no schema: ``extract_host`` splits what it was given (AttributeError)
        raise exception.CinderException(f"'{type(host or cluster).__name__}' has no 'split'")
    try:
        backend = service_backend(cinder, host, cluster)
    except exception.NotFound:  # the controller's ServiceNotFound
        what, value = ("Host", host) if host else ("Cluster", cluster)
        raise exception.ServiceUnavailable(f"{what} '{value}' not found") from None
    if availability_zone is None:
        availability_zone = cinder.config.storage_availability_zone
    elif isinstance(availability_zone, (int, float)):
        # Queens (no schema): ``objects.Volume``'s StringField coerces a number to its text
        availability_zone = str(availability_zone)
    elif not isinstance(availability_zone, str):  # Queens: the same coerce's ValueError
        raise exception.CinderException("availability_zone: not a string")
    manage_host = host if host and "#" in host else f"{cinder.config.host}@{backend}"
    # QuotaReserveTask (size 0), EntryCreateTask, QuotaCommitTask
    quotas = cinder.quotas
    deltas = quotas.add_volume_type_opts({"volumes": 1, "gigabytes": 0}, volume_type.name)
    try:
        reservation = quotas.reserve_deltas(context.project_id, deltas)
    except exception.OverQuota as e:
        process_reserve_over_quota(e, "volumes", 0)
    volume = Volume(
        id=k.ids.uuid(),
        project_id=context.project_id,
        user_id=context.user_id,
        size=0,
        display_name=name,
        display_description=description,
        volume_type=volume_type,
        availability_zone=availability_zone,
        created_at=k.now,
        bootable=bootable,
        # Switch lp1783790: EntryCreateTask set no multiattach before 22db1a6f22 (12.0.7).
        multiattach=volume_type.multiattach and not k.switches.lp1783790,
        metadata=dict(metadata or {}),
    )
    born_volume(k, volume, "managing", ACTOR)
    volume.host = manage_host
    volume.backend = backend
    cinder.store.volumes[volume.id] = volume
    cinder.drivers[backend].building(volume.id)  # the backend holds it as this id once adopted
    quotas.commit(reservation)
    # ManageCastTask
    k.rpc.cast("cinder-scheduler", "manage_existing", volume_id=volume.id, ref=ref)
    return volume


def schedule(scheduler: Any, volume_id: str, ref: Any) -> None:
    """``SchedulerManager.manage_existing``: the volume's backend must pass the filters
    (``backend_passes_filters``: its service enabled, up and not frozen, the type's
    ``volume_backend_name``, and ``AvailabilityZoneFilter``: a zone the body named must be
    the service's, as ``ManageCastTask``'s request spec carries the row's
    ``volume_properties``); the row takes the pool's host, then the cast to its manager.
    Else ``error_managing`` (``_set_volume_state_and_notify``: no user message)."""
    cinder = scheduler.cinder
    k = scheduler.kernel
    volume = cinder.store.volumes.get(volume_id)
    if volume is None:
        return
    backend = volume.backend
    wanted = volume.volume_type.backend if volume.volume_type.id is not None else None
    zone = volume.availability_zone
    if (
        backend not in scheduler.capable(volume.volume_type)
        or (wanted is not None and not is_operator(wanted) and wanted != backend)
        or (zone and zone != cinder.config.storage_availability_zone)
    ):
        error = f"Cannot place volume {volume_id} on {cinder.config.host}@{backend}."
        k.trace.emit("cinder.error", scheduler.actor, volume_id, op="manage_existing", error=error)
        save_volume_status(k, volume, "error_managing", scheduler.actor)  # no user message
        return
    volume.host = f"{cinder.config.host}@{backend}#{backend}"
    k.rpc.cast(cinder.volume_target(backend), "manage_existing", volume_id=volume_id, ref=ref)


def run(manager: Any, volume_id: str, ref: Any) -> Generator:
    """``VolumeManager.manage_existing``'s flow: the size, its quota, the driver's adoption,
    ``available``; any failure ``error_managing``."""
    cinder = manager.cinder
    k = manager.kernel
    driver = manager.driver
    volume = cinder.store.volumes.get(volume_id)
    if volume is None:
        driver.forget(volume_id)
        return
    generation = manager.generation
    quotas = cinder.quotas
    reservation = None
    try:
        # PrepareForQuotaReservationTask
        size = driver.manage_existing_get_size(ref, store=cinder.store)
        # QuotaReserveTask (update_size: the volume was counted at the API)
        try:
            quotas.limit_check(volume.project_id, per_volume_gigabytes=size)
        except exception.OverQuota as e:
            raise exception.VolumeSizeExceedsLimit(
                size=size, limit=e.kwargs["quotas"]["per_volume_gigabytes"]
            ) from None
        deltas = quotas.add_volume_type_opts({"gigabytes": size}, volume.volume_type.name)
        try:
            reservation = quotas.reserve_deltas(volume.project_id, deltas)
        except exception.OverQuota as e:
            process_reserve_over_quota(e, "volumes", size)
        # ManageExistingTask
        yield from driver.manage_existing(volume, ref, store=cinder.store)
    except Exception as exc:  # noqa: BLE001 - the flow's revert: error_managing
        if reservation is not None:
            quotas.rollback(reservation)
        if cinder.store.volumes.get(volume_id) is not volume:
            driver.forget(volume_id)  # no row left to place it
        if manager._dead(generation):
            return
        manager._fail(volume_id, "manage_existing", exc)
        if cinder.store.volumes.get(volume_id) is volume:
            # the backend holds nothing of this id: its delete finds nothing to remove
            save_volume_status(k, volume, "error_managing", manager.actor)
        return
    if cinder.store.volumes.get(volume_id) is not volume:  # deleted meanwhile: the data stays
        quotas.rollback(reservation)
        driver.left(f"volume-{volume_id}", size)
        return
    volume.size = size
    quotas.commit(reservation)
    save_volume_status(k, volume, "available", manager.actor)  # CreateVolumeOnFinishTask


#: The routes (``api/v3/router.py`` ``manageable_volumes``; the extension's resource).
ROUTES = (
    ("POST", "manageable_volumes", create),
    ("POST", "os-volume-manage", contrib_create),
)
