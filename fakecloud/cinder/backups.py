"""Volume backups, the API half: ``cinder/backup/api.py``'s ``API`` (create, get, list,
update, delete, restore, reset_status), checked against cinder 12.0.10, 16.4.2, 20.3.2,
24.0.0 and 29.0.0. The service that moves the bytes: `fakecloud.cinder.backup_manager`.

Create: the volume (and the snapshot, when one is named) looked up and checked (a snapshot
``available`` and of that volume; else the volume ``available``, or ``in-use`` with
``force``), quota (``backups`` 1, ``backup_gigabytes`` the volume's size; 413s), an incremental
backup's parent (the backup of the volume with the latest ``data_timestamp``, MySQL's whole
second, a tie the newest created: from 22.0.0 only an ``available`` one counts; one of the
caller's project since 8ebeafcbb, switch ``cinder_backup_parent_any_project``), the volume
``backing-up`` (or the snapshot), the row ``creating``, the cast. Before 16.0.0 the API itself
needs a cinder-backup service up (a 503); from 16.0.0 the scheduler does (the backup
``error``). Before 14.0.0 an incremental backup refused for want of a parent keeps its quota
reserved (no rollback, 12.0.10).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Generator
from typing import Any

from fakecloud.api.http import HttpError
from fakecloud.cinder import exception, list_query
from fakecloud.cinder.api_part import ApiPart
from fakecloud.cinder.backup_manager import backup_service_up, backup_target
from fakecloud.cinder.faults import GENERIC
from fakecloud.cinder.models import Backup, Volume
from fakecloud.cinder.paging import newest_first_key, stored_key
from fakecloud.cinder.quota import process_reserve_over_quota
from fakecloud.cinder.states import (
    BACKUP_STATUS,
    BACKUP_STATUS_FORCED,
    SNAPSHOT_STATUS,
    VOLUME_STATUS,
    VOLUME_STATUS_FORCED,
    born,
)
from fakecloud.sim.rpc import MessagingTimeout

ACTOR = "cinder-api"
#: 16.0.0: ``scheduler_rpcapi.create_backup`` (before, the API picks the backup host).
SCHEDULER_CREATE_FROM = 16
#: 22.0.0: only ``available`` backups may be an incremental backup's parent, and a missing
#: one is "No backups available ..." (before: "The parent backup must be available ...").
AVAILABLE_PARENT_FROM = 22
NO_PARENT = "No backups available to do an incremental backup."
PARENT_NOT_AVAILABLE = "The parent backup must be available for incremental backup."
#: The columns of the ``backups`` table (``cinder/db/sqlalchemy/models.py``).
BACKUP_COLUMNS = frozenset(
    (
        *list_query.BASE_COLUMNS,
        "id", "user_id", "project_id", "volume_id", "host", "availability_zone",
        "display_name", "display_description", "container", "parent_id", "status",
        "fail_reason", "service_metadata", "service", "size", "object_count",
        "temp_volume_id", "temp_snapshot_id", "num_dependent_backups", "snapshot_id",
        "data_timestamp", "restore_volume_id", "encryption_key_id",
    )
)  # fmt: skip
#: ``datetime(1, 1, 1, 1, 1, 1)``: the key of a backup that cannot be the parent.
_EPOCH = (0,)
#: ``IMPORT_VOLUME_ID``: the volume an imported backup names until its record is read.
IMPORT_VOLUME_ID = "00000000-0000-0000-0000-000000000000"
#: The row's fields an exported record carries (``Backup.encode_record``, fakecloud's own
#: JSON: a record is read back only by a fakecloud import).
RECORD_FIELDS = (
    "id", "user_id", "project_id", "volume_id", "host", "availability_zone", "container",
    "parent_id", "status", "fail_reason", "size", "display_name", "display_description",
    "service", "object_count", "num_dependent_backups", "snapshot_id", "data_timestamp",
    "restore_volume_id", "encryption_key_id", "metadata", "created_at", "updated_at",
)  # fmt: skip
#: The keys ``_process_backups_filters`` reads itself: ``metadata`` (a dict, else no query).
_SPECIAL = {
    "metadata": (
        lambda v: isinstance(v, dict),
        lambda row, v: list_query.metadata_matches(v, row.metadata),
    )
}


class BackupAPI(ApiPart):
    """Backup requests, as ``cinder.backup.api.API`` handles them."""

    # -- reads ---------------------------------------------------------------------------

    def get(self, context: Any, backup_id: str) -> Backup:
        """``Backup.get_by_id`` (another project's is a 404) and ``backup:get``."""
        row = self.store.backup_rows().get(backup_id) if isinstance(backup_id, str) else None
        if row is None or not (context.is_admin or row.project_id == context.project_id):
            raise exception.BackupNotFound(backup_id=backup_id)
        self._authorize(context, "backup:get", row.project_id, row.user_id)
        return row

    def get_all(self, context: Any, filters: dict[str, Any]) -> list[Backup] | None:
        """``API.get_all``: ``all_tenants`` popped (a 400 unless a boolean string; every
        project's only for an admin), then ``backup_get_all[_by_project]``: newest first, or
        None when the filters build no query (a key that is no column, a metadata that is no
        dict)."""
        self._authorize(context, "backup:get_all", None)
        raw = filters.pop("all_tenants", "0")
        from oslo_utils import strutils  # on use: its import compiles ~400 regexes

        if not strutils.is_valid_boolstr(raw):
            raise exception.InvalidParameterValue(
                err=f"all_tenants must be a boolean, got '{raw}'."
            )
        query = dict(filters.items())
        if not (context.is_admin and strutils.bool_from_string(raw)):
            query["project_id"] = context.project_id
        rows = list_query.select(self.store.backup_rows().values(), query, BACKUP_COLUMNS, _SPECIAL)
        if rows is not None:
            rows.sort(key=newest_first_key(self.kernel.clock), reverse=True)
        return rows

    def count(self, context: Any, filters: dict[str, Any]) -> int:
        """``calculate_resource_count(context, 'backup', filters)`` (3.45 ``with_count``) over
        the controller's filters, not the list's copy: ``all_tenants`` read strictly (a 400),
        removed only when an admin's is true, else the caller's project (and an
        ``all_tenants`` left in is no column: 0)."""
        query = self._project_query(context, filters)
        rows = list_query.select(self.store.backup_rows().values(), query, BACKUP_COLUMNS, _SPECIAL)
        return len(rows or ())

    # -- create --------------------------------------------------------------------------

    def create(
        self,
        context: Any,
        name: str | None,
        description: str | None,
        volume_id: str,
        container: str | None,
        incremental: bool = False,
        availability_zone: str | None = None,
        force: bool = False,
        snapshot_id: str | None = None,
        metadata: dict[str, str] | None = None,
    ) -> Backup:
        """``API.create``: checks, quota, parent, statuses, the row, the cast."""
        k = self.kernel
        cinder = self.cinder
        major = k.switches.series.cinder
        volume = cinder.volume_api.get(context, volume_id)
        self._authorize(context, "backup:create", volume.project_id, volume.user_id)
        snapshot = None
        if snapshot_id:
            snapshot = cinder.snapshot_api.get(context, snapshot_id)
            if volume_id != snapshot.volume_id:
                raise exception.InvalidVolume(
                    reason=f"Volume {volume_id} does not match with snapshot.volume_id "
                    f"{snapshot.volume_id}."
                )
            if snapshot.status != "available":
                raise exception.InvalidSnapshot(
                    reason="Snapshot to be backed up must be available, but the current status "
                    f'is "{snapshot.status}".'
                )
        elif volume.status not in ("available", "in-use"):
            raise exception.InvalidVolume(
                reason="Volume to be backed up must be available or in-use, but the current "
                f'status is "{volume.status}".'
            )
        elif volume.status == "in-use" and not force:
            raise exception.InvalidVolume(
                reason="Backing up an in-use volume must use the force flag."
            )
        previous_status = volume.status
        if major < SCHEDULER_CREATE_FROM and not backup_service_up(
            cinder, volume.availability_zone
        ):
            raise exception.ServiceNotFound(service_id="cinder-backup")
        quotas = cinder.quotas
        try:
            reservation = quotas.reserve_deltas(
                context.project_id, {"backups": 1, "backup_gigabytes": volume.size}
            )
        except exception.OverQuota as e:
            process_reserve_over_quota(e, "backups", volume.size)
        parent = None
        if incremental:
            parent = self._parent(context, volume, snapshot, reservation)
        backup = Backup(
            id=k.ids.uuid(),
            project_id=context.project_id,
            user_id=context.user_id,
            volume_id=volume_id,
            size=volume.size,
            display_name=name,
            display_description=description,
            created_at=k.now,
            container=container,
            parent_id=parent.id if parent is not None else None,
            snapshot_id=snapshot_id or None,
            metadata=dict(metadata or {}),
            availability_zone=availability_zone,
            volume_previous_status=previous_status,
        )
        if major < SCHEDULER_CREATE_FROM:
            backup.host = cinder.config.host
        if snapshot is not None:
            backup.data_timestamp = snapshot.created_at
            SNAPSHOT_STATUS.move(k, snapshot, "backing-up", actor=ACTOR)
        else:
            VOLUME_STATUS.move(k, volume, "backing-up", actor=ACTOR)
            backup.data_timestamp = backup.created_at
        born(k, BACKUP_STATUS, backup, "creating", actor=ACTOR)
        self.store.backup_rows(create=True)[backup.id] = backup
        quotas.commit(reservation)
        if major >= SCHEDULER_CREATE_FROM:
            k.rpc.cast("cinder-scheduler", "create_backup", backup_id=backup.id)
        else:
            k.rpc.cast(backup_target(cinder), "create_backup", backup_id=backup.id)
        return backup

    def _parent(self, context: Any, volume: Volume, snapshot: Any, reservation: Any) -> Backup:
        """The backup an incremental one builds on: ``max`` by ``data_timestamp`` as MySQL
        stores it (the whole second: `stored_key`), the first of a tie as the database lists
        them (``process_sort_params``' ``created_at`` then ``id``, newest first); a backup of
        a snapshot counts one whose ``data_timestamp`` is before the snapshot's stored
        ``created_at``, so one of that very second does not."""
        major = self.kernel.switches.series.cinder
        clock = self.kernel.clock
        # switch cinder_backup_parent_any_project: 8ebeafcbb (Cinder 17.0.0; 14.3.0, 15.4.0,
        # 16.2.0) takes the parent among the caller's project's backups only
        any_project = self.kernel.switches.cinder_backup_parent_any_project
        quotas = self.cinder.quotas
        rows = [
            b
            for b in self.store.backup_rows().values()
            if b.volume_id == volume.id and (any_project or b.project_id == context.project_id)
        ]
        rows.sort(key=newest_first_key(clock), reverse=True)
        # Switch lp1809323: no QUOTAS.rollback before a62fabfa65 (15.0.0; ef07bc9547 in 14.3.0).
        rolls_back = not self.kernel.switches.lp1809323
        if not rows:
            if rolls_back:
                quotas.rollback(reservation)
            raise exception.InvalidBackup(reason=NO_PARENT)
        taken = stored_key(clock, snapshot.created_at) if snapshot is not None else None

        def stamp(b: Backup) -> tuple:
            usable = major < AVAILABLE_PARENT_FROM or b.status == "available"
            if not usable or b.data_timestamp is None:
                return _EPOCH
            data = stored_key(clock, b.data_timestamp)
            return (1, data) if taken is None or data < taken else _EPOCH

        parent = max(rows, key=stamp)
        if parent.status != "available":
            if rolls_back:
                quotas.rollback(reservation)
            raise exception.InvalidBackup(
                reason=NO_PARENT if major >= AVAILABLE_PARENT_FROM else PARENT_NOT_AVAILABLE
            )
        return parent

    # -- update, delete ------------------------------------------------------------------

    def update(self, context: Any, backup_id: str, fields: dict[str, Any]) -> Backup:
        """``API.update``: name, description, metadata (replaced)."""
        backup = self.get(context, backup_id)
        self._authorize(context, "backup:update", backup.project_id, backup.user_id)
        for key, value in fields.items():
            setattr(backup, key, dict(value) if key == "metadata" else value)
        backup.updated_at = self.kernel.now
        return backup

    def delete(self, context: Any, backup: Backup, force: bool = False) -> None:
        """``API.delete``: ``available``/``error`` (any with force, `force_delete` having
        asked the backup host), no incremental backup built on it (among the caller's own), a
        backup service up; then ``deleting``."""
        if not force:
            self._authorize(context, "backup:delete", backup.project_id, backup.user_id)
            if backup.status not in ("available", "error"):
                raise exception.InvalidBackup(reason="Backup status must be available or error")
        if self.get_all(context, {"parent_id": backup.id}):
            raise exception.InvalidBackup(reason="Incremental backups exist for this backup.")
        self._host(backup)
        legal = BACKUP_STATUS.legal(backup.status, "deleting")
        (BACKUP_STATUS if legal else BACKUP_STATUS_FORCED).move(
            self.kernel, backup, "deleting", actor=ACTOR
        )
        backup.updated_at = self.kernel.now
        self.kernel.rpc.cast(backup_target(self.cinder), "delete_backup", backup_id=backup.id)

    def _host(self, backup: Backup) -> None:
        """``_get_available_backup_service_host``: ``ServiceNotFound`` (a 404 where the
        controller does not catch it) when no cinder-backup service is up."""
        if not backup_service_up(self.cinder, backup.availability_zone):
            raise exception.ServiceNotFound(service_id="cinder-backup")
        backup.host = self.cinder.config.host

    # -- restore -------------------------------------------------------------------------

    def restore(
        self, context: Any, backup_id: str, volume_id: str | None = None, name: str | None = None
    ) -> Generator[Any, Any, dict[str, Any]]:
        """``API.restore``: to the volume named, or to a new one of the backup's size (waited
        for a second at a time while it is ``creating``); it must be ``available`` and large
        enough. A generator: it takes virtual time only to wait for a new volume."""
        k = self.kernel
        cinder = self.cinder
        backup = self.get(context, backup_id)
        self._authorize(context, "backup:restore", backup.project_id, backup.user_id)
        if backup.status != "available":
            raise exception.InvalidBackup(reason="Backup status must be available")
        size = backup.size
        if size is None:
            raise exception.InvalidBackup(reason="Backup to be restored has invalid size")
        volume_is_new = volume_id is None
        if volume_is_new:
            if name is None:
                name = f"restore_backup_{backup_id}"
            description = "auto-created_from_restore_from_backup"
            volume = cinder.volume_api.create(context, size, name, description)
            volume_id = volume.id
            while volume.status == "creating":
                yield k.timeout(1)
                volume = cinder.volume_api.get(context, volume_id)
            if volume.status == "error":
                raise exception.InvalidVolume(
                    reason=f"Error while creating volume {volume_id} for restoring backup "
                    f"{backup_id}."
                )
        else:
            volume = cinder.volume_api.get(context, volume_id)
        if volume.status != "available":
            raise exception.InvalidVolume(reason="Volume to be restored to must be available")
        if size > volume.size:
            raise exception.InvalidVolume(
                reason=f"volume size {volume.size} is too small to restore backup of size {size}."
            )
        self._host(backup)
        # ``backup.status = RESTORING; backup.save()``: no conditional update, so a status the
        # backup took while a new volume was awaited (an admin's reset, cast to the manager)
        # is written over (12.0.10-29.0.0 backup/api.py ``restore``).
        legal = BACKUP_STATUS.legal(backup.status, "restoring")
        (BACKUP_STATUS if legal else BACKUP_STATUS_FORCED).move(k, backup, "restoring", actor=ACTOR)
        backup.restore_volume_id = volume.id
        backup.updated_at = k.now
        legal = VOLUME_STATUS.legal(volume.status, "restoring-backup")
        (VOLUME_STATUS if legal else VOLUME_STATUS_FORCED).move(
            k, volume, "restoring-backup", actor=ACTOR
        )
        k.rpc.cast(
            backup_target(cinder),
            "restore_backup",
            backup_id=backup_id,
            volume_id=volume.id,
            volume_is_new=volume_is_new,
        )
        return {"backup_id": backup_id, "volume_id": volume.id, "volume_name": volume.display_name}

    # -- export and import (admin) -------------------------------------------------------

    def export_record(self, context: Any, backup_id: str) -> dict[str, str]:
        """``API.export_record``: an ``available`` backup's record for another cloud to
        import (the manager's ``export_record``: the driver's service and the encoded row)."""
        backup = self.get(context, backup_id)
        self._authorize(context, "backup:export-import", backup.project_id, backup.user_id)
        if backup.status != "available":
            raise exception.InvalidBackup(
                reason=f"Backup status must be available and not {backup.status}."
            )
        self._host(backup)
        record = {key: getattr(backup, key) for key in RECORD_FIELDS}
        for key in ("created_at", "updated_at", "data_timestamp"):
            record[key] = self.cinder.timestamp(record[key])
        record["driver_info"] = {}
        text = json.dumps(record, sort_keys=True).encode()
        return {"backup_service": backup.service, "backup_url": base64.b64encode(text).decode()}

    def import_record(self, context: Any, backup_service: str, backup_url: str) -> Backup:
        """``API.import_record``: a backup service up (else ``ServiceNotFound``), the record
        decoded (an ``id`` and a ``size``), no live backup of that id, quota, a row of that id
        ``creating`` on the import volume id; cinder-backup then fills it in. Where switch
        ``lp1783525`` is on (Cinder 12.0.0-12.0.4) no ``size`` is asked for and no quota
        reserved: the row counts nowhere until its delete gives back what it never took."""
        self._authorize(context, "backup:backup-import", None)
        if not backup_service_up(self.cinder):
            raise exception.ServiceNotFound(service_id=backup_service)
        try:
            record = json.loads(base64.b64decode(backup_url).decode())
        except (ValueError, UnicodeDecodeError):
            raise exception.InvalidInput(reason="Can't parse backup record.") from None
        if not isinstance(record, dict) or "id" not in record:
            raise exception.InvalidInput(reason="Provided backup record is missing an id")
        k = self.kernel
        unreserved = k.switches.lp1783525
        if "size" not in record and not unreserved:
            raise exception.InvalidInput(reason="Provided backup record is missing size attribute")
        rows = self.store.backup_rows()
        existing = rows.get(record["id"])
        destroys = k.switches.lp1965847
        if existing is not None and not destroys:
            raise exception.InvalidBackup(reason="Backup already exists in database.")
        quotas = self.cinder.quotas
        reservation = None
        if not unreserved:
            try:
                reservation = quotas.reserve_deltas(
                    context.project_id, {"backups": 1, "backup_gigabytes": record["size"]}
                )
            except exception.OverQuota as e:
                process_reserve_over_quota(e, "backups", record["size"])
        if existing is not None:
            # lp1965847: the refusal is raised inside the try whose except destroys "the
            # import's" row, the live backup it found, and rolls back the import's own
            # reservation: the backup is gone, its usage stays counted.
            BACKUP_STATUS_FORCED.move(k, existing, "deleted", actor=ACTOR)
            rows.pop(existing.id, None)
            if reservation is not None:
                quotas.rollback(reservation)
            raise exception.InvalidBackup(reason="Backup already exists in database.")
        backup = Backup(
            id=str(record["id"]),
            project_id=context.project_id,
            user_id=context.user_id,
            volume_id=IMPORT_VOLUME_ID,
            size=record.get("size"),  # (none: a 12.0.0-12.0.4 record without one)
            display_name=None,
            display_description=None,
            created_at=k.now,
        )
        born(k, BACKUP_STATUS, backup, "creating", actor=ACTOR)
        self.store.backup_rows(create=True)[backup.id] = backup
        if reservation is not None:
            quotas.commit(reservation)
        k.rpc.cast(
            backup_target(self.cinder),
            "import_record",
            backup_id=backup.id,
            backup_service=backup_service,
            backup_url=backup_url,
        )
        return backup

    # -- admin actions -------------------------------------------------------------------

    def reset_status(self, context: Any, backup_id: str, status: str) -> None:
        """``API.reset_status`` (admin): the backup host, then the manager sets it."""
        backup = self.get(context, backup_id)
        self._authorize(
            context,
            "volume_extension:backup_admin_actions:reset_status",
            backup.project_id,
            backup.user_id,
        )
        self._host(backup)
        self.kernel.rpc.cast(
            backup_target(self.cinder), "reset_status", backup_id=backup_id, status=status
        )

    def force_delete(self, context: Any, backup_id: str) -> Generator[Any, Any, None]:
        """os-force_delete (admin): delete whatever the status, once the backup host said its
        driver can (``_check_support_to_force_delete``: an RPC call, the Swift driver's
        ``support_force_delete`` true). A cinder-backup that is not running leaves the call
        in its queue: after ``rpc_response_timeout`` the ``MessagingTimeout`` is Cinder's 500
        (cinder 12.0.10-29.0.0 backup/api.py ``delete``)."""
        backup = self.get(context, backup_id)
        self._authorize(
            context,
            "volume_extension:backup_admin_actions:force_delete",
            backup.project_id,
            backup.user_id,
        )
        self._authorize(context, "backup:delete", backup.project_id, backup.user_id)
        try:
            yield from self.kernel.rpc.call(
                backup_target(self.cinder), "check_support_to_force_delete"
            )  # always true here: no "force delete" NotSupportedOperation
        except MessagingTimeout:
            raise HttpError(500, GENERIC[500]) from None
        self.delete(context, backup, force=True)
