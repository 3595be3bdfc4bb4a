"""The snapshot half of Cinder's ``volume/api.py`` ``API``: create (``_create_snapshot``,
``create_snapshot_in_db``), get, list, update, delete, metadata, and the snapshot actions
(os-reset_status, os-force_delete, os-update_snapshot_status).

Create follows A2.2 of the spec step by step: policy, volume checks (host, maintenance,
migration, error from Cinder 14, replica), metadata, the allowed-status check (``available``,
plus ``in-use`` with force or from 3.66), quota reservation, the row (``creating``,
``"0%"``), a re-read of the volume (a status that changed meanwhile destroys the row and rolls
the quota back), commit, then the cast to the scheduler. ``cinder.snapshot_recheck_delay_s``
> 0 puts virtual time between the insert and the re-read, so a concurrent attach or delete can
win the race.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.cinder import exception, list_query
from fakecloud.cinder.api_part import ApiPart
from fakecloud.cinder.frozen import assert_not_frozen
from fakecloud.cinder.models import Snapshot, Volume, newest_first
from fakecloud.cinder.paging import newest_first_key
from fakecloud.cinder.quota import process_reserve_over_quota
from fakecloud.cinder.states import SNAPSHOT_STATUS, SNAPSHOT_STATUS_FORCED, born
from fakecloud.cinder.volumes import build_or_str, check_metadata_properties, is_migrating

ACTOR = "cinder-api"
#: The first Cinder series (14, Stein: Nova 19.x) whose ``create_snapshot_in_db`` runs
#: ``_create_snapshot_in_db_validate`` and so refuses an ``error`` volume with its own message
#: (12fab51ef, "Adds more validations in create_snapshot"); Cinder 12 and 13 checked host,
#: maintenance, migration and replica inline, and an ``error`` volume met the status check.
ERROR_CHECK_FROM_CINDER = 14
#: ``get_all`` filter name -> the column it matches exactly.
_FILTERS = {"status": "status", "volume_id": "volume_id", "name": "display_name"}
#: What ``getattr(models.Snapshot, key)`` finds beside the columns: relationships and
#: properties (a ``key~`` on anything else is no query, ``is_valid_model_filters``).
_SNAPSHOT_ATTRIBUTES = (
    list_query.SNAPSHOT_COLUMNS
    | {"volume", "snapshot_metadata", "cgsnapshot", "group_snapshot"}
    | {"name", "volume_name"}
)

#: ``os-update_snapshot_status``: the statuses a snapshot may be moved to from its current one.
UPDATE_STATUS_MAP = {
    "creating": ("creating", "available", "error"),
    "deleting": ("deleting", "error_deleting"),
}


#: A volume type's name -> its per-type snapshot quota resources (`SnapshotAPI.quota_deltas`).
_TYPED_DELTAS: dict[str, tuple[str, str]] = {}


class SnapshotAPI(ApiPart):
    """Snapshot requests, as ``cinder.volume.api.API`` handles them."""

    def quota_deltas(self, volume_size: int, type_name: str) -> dict[str, int]:
        """What one snapshot of a `volume_size` GiB volume counts against (A3.1)."""
        if self.cinder.config.no_snapshot_gb_quota or not type_name:
            deltas = {"snapshots": 1}
            if not self.cinder.config.no_snapshot_gb_quota:
                deltas["gigabytes"] = volume_size
            return self.cinder.quotas.add_volume_type_opts(deltas, type_name)
        # `add_volume_type_opts` of the two, the per-type names made once per type (in its
        # order: the two, then their per-type copies)
        typed = _TYPED_DELTAS.get(type_name)
        if typed is None:
            if len(_TYPED_DELTAS) >= 1024:
                _TYPED_DELTAS.clear()
            typed = _TYPED_DELTAS[type_name] = (f"snapshots_{type_name}", f"gigabytes_{type_name}")
        return {"snapshots": 1, "gigabytes": volume_size, typed[0]: 1, typed[1]: volume_size}

    # -- reads -------------------------------------------------------------------------------

    def get(self, context: Any, snapshot_id: str) -> Snapshot:
        """A snapshot the caller may see; another project's is a 404, like a missing one."""
        snap = self.store.snapshots.get(snapshot_id) if isinstance(snapshot_id, str) else None
        # (``context.is_admin`` read as its roles: no property call on every read)
        if snap is None or not (snap.project_id == context.project_id or "admin" in context.roles):
            raise exception.SnapshotNotFound(snapshot_id=snapshot_id)
        self._authorize(context, "volume:get_snapshot", snap.project_id, snap.user_id)
        return snap

    def get_all(
        self, context: Any, filters: dict[str, Any] | None = None, all_tenants: bool = False
    ) -> list[Snapshot]:
        """The caller's snapshots (every project's for an admin asking ``all_tenants``), newest
        first, filtered by exact ``status``/``volume_id``/``name`` values."""
        self._authorize(context, "volume:get_all_snapshots", None)
        filters = filters or {}
        every = context.is_admin and all_tenants
        project_id = None if every else context.project_id
        return newest_first(
            self.store.snapshots.values(),
            filters,
            _FILTERS,
            project_id,
            newest_first_key(self.kernel.clock),
        )

    def list(self, context: Any, filters: Any) -> list[Snapshot] | None:
        """``API.get_all_snapshots`` and the database's ``snapshot_get_all[_by_project]`` over
        the filters the controller made (`fakecloud.cinder.list_filters.snapshot_filters`):
        newest first, or None when they build no query (the list is then empty).

        From 17.0.0 and its backports (switch ``cinder_snapshot_all_tenants_kept`` off)
        ``all_tenants`` is popped for everyone and read loosely (``bool_from_string``);
        before, an admin's of any value lists every project and a non-admin's stays a filter.
        ``is_valid_model_filters`` wants each key (``~`` aside) an attribute of the model and
        ``metadata`` a dict; ``_process_snaps_filters`` then wants a column: either way, else
        no query. ``availability_zone``, ``host`` and
        ``cluster_name`` are the volume's (a join)."""
        self._authorize(context, "volume:get_all_snapshots", None)
        if not self.kernel.switches.cinder_snapshot_all_tenants_kept:
            from oslo_utils import strutils  # on use: its import compiles ~400 regexes

            every = strutils.bool_from_string(filters.pop("all_tenants", "false"))
        else:
            every = "all_tenants" in filters
            if context.is_admin and every:
                del filters["all_tenants"]
        query = dict(filters.items())
        if not (context.is_admin and every):
            query["project_id"] = context.project_id
        for key in query:
            if key.endswith("~") and key.rstrip("~") not in _SNAPSHOT_ATTRIBUTES:
                return None
        rows = list_query.select(
            self.store.snapshots.values(),
            query,
            list_query.columns_of(list_query.SNAPSHOT_COLUMNS, self.kernel.switches.series.cinder),
            self._special_filters(),
        )
        if rows is not None:
            rows.sort(key=newest_first_key(self.kernel.clock), reverse=True)
        return rows

    def count(self, context: Any, filters: Any) -> int:
        """``API.calculate_resource_count(context, 'snapshot', search_opts)`` (3.45
        ``with_count``) over the controller's filters, not the list's copy: ``all_tenants``
        read strictly (a 400), removed only when an admin's is true, else the caller's project
        and an ``all_tenants`` left for ``_process_snaps_filters``: no column, 0 (an admin's
        ``all_tenants=0`` counts 0 beside its listed snapshots). No ``is_valid_model_filters``
        here: a ``key~`` on no attribute is the LIKE's AttributeError, a 500."""
        query = self._project_query(context, filters)
        rows = list_query.select(
            self.store.snapshots.values(),
            query,
            list_query.columns_of(list_query.SNAPSHOT_COLUMNS, self.kernel.switches.series.cinder),
            self._special_filters(),
        )
        return len(rows or ())

    def _special_filters(self) -> dict[str, Any]:
        """The keys ``_process_snaps_filters`` reads itself: (usable value?, row test)."""
        volumes = self.store.volumes

        def volume_of(snap: Snapshot) -> Any:
            return volumes.get(snap.volume_id)

        special = {
            "availability_zone": (
                lambda _v: True,
                lambda snap, v: (
                    not v
                    or list_query.sql_equal(getattr(volume_of(snap), "availability_zone", None), v)
                ),
            ),
            "host": (
                lambda _v: True,
                lambda snap, v: (
                    not v or list_query.host_matches(getattr(volume_of(snap), "host", None), str(v))
                ),
            ),
            "cluster_name": (lambda _v: True, lambda _snap, v: not v),
            "metadata": (
                lambda v: isinstance(v, dict),
                lambda snap, v: list_query.metadata_matches(v, snap.metadata),
            ),
        }
        return special

    # -- create ------------------------------------------------------------------------------

    def create(
        self,
        context: Any,
        volume: Volume,
        name: str | None,
        description: str | None,
        force: bool = False,
        metadata: dict[str, str] | None = None,
        allow_in_use: bool = False,
        cast: bool = True,
    ) -> Snapshot | Generator[Any, Any, Snapshot]:
        """Create a snapshot row and cast its creation (``API._create_snapshot``): the
        snapshot, or, when ``snapshot_recheck_delay_s`` > 0, a generator giving it after the
        wait (`_recheck`). Without the wait no generator is made (Nova's every forced
        snapshot: two a volume-backed createImage). Not `cast`: ``create_snapshot_in_db`` with
        ``commit_quota`` alone, as ``manage_existing_snapshot`` makes its row (its caller
        casts: `fakecloud.cinder.snapshot_manage`)."""
        k = self.kernel
        quotas = self.cinder.quotas
        # ``_create_snapshot`` asks before ``create_snapshot_in_db`` (its policy and checks);
        # ``manage_existing_snapshot`` makes its row without asking
        if cast and self.cinder.frozen_services:
            assert_not_frozen(self.cinder, volume.backend)
        self._validate(context, volume)
        check_metadata_properties(metadata)
        valid = ("available", "in-use") if (force or allow_in_use) else ("available",)
        if volume.status not in valid:
            raise exception.InvalidVolume(
                reason=f"Volume {volume.id} status must be {', '.join(valid)}, but current "
                f"status is: {volume.status}."
            )
        try:
            reservation = quotas.reserve_deltas(
                context.project_id, self.quota_deltas(volume.size, volume.volume_type.name)
            )
        except exception.OverQuota as e:
            process_reserve_over_quota(e, "snapshots", volume.size)
        # The row's fields by position (`Snapshot`'s order, up to the encryption key): a
        # keyword call matches each name against the dataclass's parameters.
        snap = Snapshot(
            k.ids.uuid(),
            volume.id,
            context.project_id,
            context.user_id,
            volume.size,
            name,  # display_name
            description,  # display_description
            volume.volume_type,
            k.env._now,  # created_at (kernel.now, without the property's call)
            None,  # status (`born` sets it)
            "0%",  # progress
            None,  # updated_at
            dict(metadata or {}),
            None,  # group_snapshot_id
            None,  # cgsnapshot_id
            volume.encryption_key_id,
        )
        born(k, SNAPSHOT_STATUS, snap, "creating", actor=ACTOR)
        self.store.snapshots[snap.id] = snap
        volume.add_snapshot(snap.id)
        delay = self.cinder.config.snapshot_recheck_delay_s
        if not cast:
            quotas.commit(reservation)
            return snap
        if delay > 0:
            return self._recheck(delay, volume, snap, valid, reservation)
        self._commit(volume, snap, valid, reservation)
        return snap

    def _recheck(
        self, delay: float, volume: Volume, snap: Snapshot, valid: tuple, reservation: Any
    ) -> Generator[Any, Any, Snapshot]:
        """`create`'s end after ``snapshot_recheck_delay_s`` of virtual time."""
        yield self.kernel.env.timeout(delay)
        self._commit(volume, snap, valid, reservation)
        return snap

    def _commit(self, volume: Volume, snap: Snapshot, valid: tuple, reservation: Any) -> None:
        """Re-read the volume (a status that changed meanwhile destroys the row and rolls the
        quota back: `InvalidVolume`), commit the quota, cast to the scheduler."""
        quotas = self.cinder.quotas
        current = self.store.volumes.get(volume.id)
        status = current.status if current is not None else "deleted"
        if status not in valid:
            self._destroy(snap)
            quotas.rollback(reservation)
            raise exception.InvalidVolume(
                reason=f"Volume {volume.id} status must be {', '.join(valid)} , but current "
                f"status is: {status}."
            )
        quotas.commit(reservation)
        self.kernel.rpc.cast_kwargs("cinder-scheduler", "create_snapshot", {"snapshot_id": snap.id})

    def _validate(self, context: Any, volume: Volume) -> None:
        """``API._create_snapshot_in_db_validate`` (from Cinder 14; the same checks inline, less the
        ``error`` one, before)."""
        self._authorize(context, "volume:create_snapshot", volume.project_id, volume.user_id)
        if not volume.host:
            raise exception.InvalidVolume(
                reason="The snapshot cannot be created because volume has not been scheduled "
                "to any host."
            )
        if volume.status == "maintenance":
            raise exception.InvalidVolume(
                reason="The snapshot cannot be created when the volume is in maintenance mode."
            )
        if is_migrating(volume):
            raise exception.InvalidVolume(
                reason="Snapshot cannot be created while volume is migrating."
            )
        if volume.status == "error" and self.kernel.switches.series.cinder >= (
            ERROR_CHECK_FROM_CINDER
        ):
            raise exception.InvalidVolume(
                reason="The snapshot cannot be created when the volume is in error status."
            )
        if volume.status.startswith("replica_"):
            raise exception.InvalidVolume(reason="Snapshot of secondary replica is not allowed.")

    def _destroy(self, snap: Snapshot) -> None:
        SNAPSHOT_STATUS.move(self.kernel, snap, "deleted", actor=ACTOR)
        del self.store.snapshots[snap.id]
        volume = self.store.volumes.get(snap.volume_id)
        if volume is not None:
            volume.drop_snapshot(snap.id)

    # -- update, delete, metadata ------------------------------------------------------------

    def update(self, context: Any, snapshot: Snapshot, fields: dict[str, Any]) -> None:
        """Change a snapshot's name or description."""
        self._authorize(context, "volume:update_snapshot", snapshot.project_id, snapshot.user_id)
        for key, value in fields.items():
            setattr(snapshot, key, value)
        snapshot.updated_at = self.kernel.now

    def delete(
        self, context: Any, snapshot: Snapshot, force: bool = False, unmanage_only: bool = False
    ) -> None:
        """Start deleting a snapshot: ``available``/``error`` → ``deleting`` (any with force),
        or with `unmanage_only` (``os-unmanage``) → ``unmanaging``, the driver's unmanage."""
        self._authorize(context, "volume:delete_snapshot", snapshot.project_id, snapshot.user_id)
        if not unmanage_only and self.cinder.frozen_services:
            assert_not_frozen(self.cinder, self.store.volumes[snapshot.volume_id].backend)
        expected = None if force else ("available", "error")
        if (
            snapshot.cgsnapshot_id is not None
            or snapshot.group_snapshot_id is not None
            or (expected is not None and snapshot.status not in expected)
        ):
            status = build_or_str(expected, "status must be %s and")
            raise exception.InvalidSnapshot(
                reason=f"Snapshot {status} must not be part of a group."
            )
        status = "unmanaging" if unmanage_only else "deleting"
        SNAPSHOT_STATUS.move(self.kernel, snapshot, status, actor=ACTOR)
        volume = self.store.volumes[snapshot.volume_id]
        target = self.cinder.volume_target(volume.backend)
        if unmanage_only:
            self.kernel.rpc.cast(
                target, "delete_snapshot", snapshot_id=snapshot.id, unmanage_only=True
            )
        else:
            self.kernel.rpc.cast(target, "delete_snapshot", snapshot_id=snapshot.id)

    def force_delete(self, context: Any, snapshot: Snapshot) -> None:
        """os-force_delete (admin): delete whatever the status."""
        self._authorize(
            context,
            "volume_extension:snapshot_admin_actions:force_delete",
            snapshot.project_id,
            snapshot.user_id,
        )
        self.delete(context, snapshot, force=True)

    def unmanage(self, context: Any, snapshot: Snapshot) -> None:
        """``SnapshotUnmanageController.unmanage`` after its lookup: the admin's policy, then
        the delete that keeps the backend's snapshot."""
        self._authorize(
            context, "snapshot_extension:snapshot_unmanage", snapshot.project_id, snapshot.user_id
        )
        self.delete(context, snapshot, unmanage_only=True)

    def get_metadata(self, context: Any, snapshot: Snapshot) -> dict[str, str]:
        """A snapshot's metadata."""
        self._authorize(
            context, "volume:get_snapshot_metadata", snapshot.project_id, snapshot.user_id
        )
        return snapshot.metadata

    def update_metadata(
        self, context: Any, snapshot: Snapshot, metadata: dict[str, str], delete: bool = False
    ) -> dict[str, str]:
        """Merge `metadata` into the snapshot's (replace it all when `delete`)."""
        self._authorize(
            context, "volume:update_snapshot_metadata", snapshot.project_id, snapshot.user_id
        )
        new = dict(metadata) if delete else {**snapshot.metadata, **metadata}
        check_metadata_properties(new)
        snapshot.metadata = new
        snapshot.updated_at = self.kernel.now
        return snapshot.metadata

    def delete_metadata(self, context: Any, snapshot: Snapshot, key: str) -> None:
        """Remove one metadata key (404 when absent)."""
        self._authorize(
            context, "volume:delete_snapshot_metadata", snapshot.project_id, snapshot.user_id
        )
        if key not in snapshot.metadata:
            raise exception.SnapshotMetadataNotFound(snapshot_id=snapshot.id, metadata_key=key)
        del snapshot.metadata[key]
        snapshot.updated_at = self.kernel.now

    # -- actions -----------------------------------------------------------------------------

    def reset_status(self, context: Any, snapshot: Snapshot, status: str) -> None:
        """os-reset_status (admin): set any snapshot status."""
        self._authorize(
            context,
            "volume_extension:snapshot_admin_actions:reset_status",
            snapshot.project_id,
            snapshot.user_id,
        )
        SNAPSHOT_STATUS_FORCED.move(
            self.kernel, snapshot, status, actor=ACTOR, details={"reset": True}
        )

    def update_status(
        self,
        context: Any,
        snapshot: Snapshot,
        status: str,
        progress: str | None,
        progress_check: Any = None,
    ) -> None:
        """os-update_snapshot_status (Nova-assisted snapshots): creating → creating/available/
        error, deleting → deleting/error_deleting, with an optional progress string."""
        self._authorize(
            context,
            "snapshot_extension:snapshot_actions:update_snapshot_status",
            snapshot.project_id,
        )
        allowed = UPDATE_STATUS_MAP.get(snapshot.status)
        if allowed is None:
            raise exception.Invalid(
                f"Snapshot status {snapshot.status} not allowed for update_snapshot_status"
            )
        if status not in allowed:
            raise exception.Invalid(
                f"Provided snapshot status {status} not allowed for snapshot with status "
                f"{snapshot.status}."
            )
        if progress and progress_check is not None:
            progress_check(progress)  # Queens checked it here, after the status map
        SNAPSHOT_STATUS_FORCED.move(self.kernel, snapshot, status, actor=ACTOR)
        if progress:
            snapshot.progress = progress
