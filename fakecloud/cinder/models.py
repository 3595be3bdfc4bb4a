"""Cinder's records (the rows of its database) and the in-memory store that holds them.

Field names are Cinder's object fields (``display_name``, ``volume_size``, ``instance_uuid`` …),
so a reader can put them next to ``cinder/objects/*.py``. Times are virtual seconds; views turn
them into Cinder's timestamps. A soft-deleted row leaves the store (status ``deleted``), so a
later lookup is a 404 exactly as Cinder's ``deleted=False`` filter makes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fakecloud.cinder.groups_models import GroupTables


@dataclass(eq=False, slots=True)
class VolumeType:
    """A volume type: id, name, the backend it schedules to, and its extra specs. id and name
    are None for a volume that has no type (Cinder before 15.0.0): only its backend counts.
    `backend` stands for the ``volume_backend_name`` spec: a configured type's backend, a
    created type's spec (None without one: the scheduler weighs the backends)."""

    id: str | None
    name: str | None
    backend: str | None
    description: str | None = None
    is_public: bool = True
    extra_specs: dict[str, str] = field(default_factory=dict)

    def specs(self) -> dict[str, str]:
        """The type's extra specs as Cinder stores them: a configured type's backend is its
        ``volume_backend_name``."""
        specs = dict(self.extra_specs)
        if self.backend is not None:
            specs.setdefault("volume_backend_name", self.backend)
        return specs

    @property
    def multiattach(self) -> bool:
        """Whether volumes of this type may be attached more than once (``<is> True``)."""
        return self.extra_specs.get("multiattach", "") == "<is> True"


@dataclass(eq=False, slots=True)
class VolumeAttachment:
    """One attachment row (``volume_attachment``): a volume reserved for or attached to a server."""

    id: str
    volume_id: str
    project_id: str
    instance_uuid: str | None
    attach_status: str | None = None
    attached_host: str | None = None
    mountpoint: str | None = None
    attach_mode: str | None = "null"
    connector: dict[str, Any] | None = None
    connection_info: dict[str, Any] | None = None
    attach_time: float | None = None
    detach_time: float | None = None
    created_at: float = 0.0
    updated_at: float | None = None


_NO_IDS: frozenset[str] = frozenset()


class _Export:
    """A volume's ``provider_location`` (`backends.Driver.create_export`), what a migration
    leaves (`fakecloud.cinder.migration_generic`): ``name_id`` (the id its data is named by,
    when not its own) and ``previous_status``, and ``group_id`` (its generic volume group,
    `fakecloud.cinder.groups`): slots left unset until they are written, so a volume never
    exported, migrated nor grouped (and a cloud saved before the slots existed) holds none;
    read them with ``getattr(volume, "provider_location", None)`` and `group_of`."""

    __slots__ = ("provider_location", "name_id", "previous_status", "group_id")


def group_of(volume: Any) -> str | None:
    """The id of the group `volume` is in (None: none)."""
    return getattr(volume, "group_id", None)


@dataclass(eq=False, slots=True)
class Volume(_Export):
    """One volume row."""

    id: str
    project_id: str
    user_id: str
    size: int
    display_name: str | None
    display_description: str | None
    volume_type: VolumeType
    availability_zone: str
    created_at: float
    status: str | None = None
    attach_status: str | None = None
    updated_at: float | None = None
    host: str | None = None
    backend: str | None = None
    bootable: bool = False
    multiattach: bool = False
    snapshot_id: str | None = None
    source_volid: str | None = None
    image_id: str | None = None
    migration_status: str | None = None
    encryption_key_id: str | None = None
    # Null unless a replicating driver sets it: the create flow works out "disabled" but
    # ``EntryCreateTask`` never stores it (12.0.10 to 29.0.0; the cinder oracle).
    replication_status: str | None = None
    use_quota: bool = True
    metadata: dict[str, str] = field(default_factory=dict)
    volume_image_metadata: dict[str, str] = field(default_factory=dict)
    attachments: list[VolumeAttachment] = field(default_factory=list)
    snapshot_ids: set[str] | frozenset[str] = frozenset()
    """The ids of its snapshots, replaced (`add_snapshot`, `drop_snapshot`), never edited: a
    volume without snapshots shares one empty set, so a storm's 100,000 volumes hold no
    set each for the collector to walk."""
    #: ids of volumes cloned (copy-on-write) from this volume's snapshots, per snapshot id.
    clone_children: dict[str, set[str]] = field(default_factory=dict)

    def add_snapshot(self, snapshot_id: str) -> None:
        """Count `snapshot_id` among the volume's snapshots."""
        self.snapshot_ids = self.snapshot_ids | {snapshot_id}

    def drop_snapshot(self, snapshot_id: str) -> None:
        """`snapshot_id` is no longer one of the volume's snapshots."""
        self.snapshot_ids = self.snapshot_ids - {snapshot_id} or _NO_IDS


@dataclass(eq=False, slots=True)
class Snapshot:
    """One snapshot row."""

    id: str
    volume_id: str
    project_id: str
    user_id: str
    volume_size: int
    display_name: str | None
    display_description: str | None
    volume_type: VolumeType
    created_at: float
    status: str | None = None
    progress: str = "0%"
    updated_at: float | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    group_snapshot_id: str | None = None
    cgsnapshot_id: str | None = None
    encryption_key_id: str | None = None
    use_quota: bool = True
    #: ``volume_glance_metadata`` rows of the snapshot, copied from its bootable volume.
    glance_metadata: dict[str, str] = field(default_factory=dict)


@dataclass(eq=False, slots=True)
class Backup:
    """One backup row (``cinder/objects/backup.py``). ``volume_previous_status`` is the
    volume's ``previous_status`` column, which fakecloud's `Volume` has no field for: what the
    volume goes back to when the backup is done."""

    id: str
    project_id: str
    user_id: str
    volume_id: str
    size: int
    display_name: str | None
    display_description: str | None
    created_at: float
    status: str | None = None
    updated_at: float | None = None
    container: str | None = None
    availability_zone: str | None = None
    host: str | None = None
    service: str | None = None
    fail_reason: str | None = None
    object_count: int | None = None
    parent_id: str | None = None
    num_dependent_backups: int = 0
    snapshot_id: str | None = None
    data_timestamp: float | None = None
    restore_volume_id: str | None = None
    temp_volume_id: str | None = None
    encryption_key_id: str | None = None
    volume_previous_status: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    #: What the backup driver stored of the volume beside its data (``BackupMetadataAPI.get``):
    #: ``display_name``, ``display_description``, ``metadata`` and ``glance`` (its image
    #: metadata); None until the data is in the store.
    volume_meta: dict[str, Any] | None = None


@dataclass(eq=False, slots=True)
class Transfer:
    """One live row of the ``transfers`` table (``cinder/db/sqlalchemy/models.py``): a volume
    offered to another project. An accepted or deleted transfer is soft-deleted, so it leaves
    the store (``accepted`` and ``destination_project_id`` are only ever seen on deleted rows,
    which no API reads)."""

    id: str
    volume_id: str
    display_name: str | None
    salt: str
    crypt_hash: str
    created_at: float
    source_project_id: str | None = None
    no_snapshots: bool = False
    destination_project_id: str | None = None
    accepted: bool = False
    expires_at: float | None = None
    updated_at: float | None = None


#: The admin metadata keys a volume's views show among its metadata
#: (``api_utils._visible_admin_metadata_keys``).
VISIBLE_ADMIN_METADATA = ("readonly", "attached_mode")


class Store:
    """Cinder's database, distilled: the live rows by id.

        ``admin_metadata`` (the ``volume_admin_metadata`` table: volume id -> {key: value}) exists
        only once some volume has a row in it, so a cloud that never wrote one saves as before;
        ``backups`` (id -> `Backup`) likewise exists once a backup was made (`backup_rows`),
        ``messages`` once a user message was recorded (`message_rows`), and ``transfers``
        (id -> `Transfer`) once a volume was offered for transfer (`transfer_rows`), ``groups``
    once a group type, group or group snapshot was written (`group_tables`).
    """

    volumes: dict[str, Volume]
    snapshots: dict[str, Snapshot]
    attachments: dict[str, VolumeAttachment]

    __slots__ = (
        "volumes",
        "snapshots",
        "attachments",
        "admin_metadata",
        "backups",
        "messages",
        "transfers",
        "groups",
    )
    # The tables made on first use (declared for `fakecloud.state.shapes`, which checks a
    # loaded file's rows against them).
    admin_metadata: dict[str, dict[str, str]]
    backups: dict[str, Backup]
    messages: dict[str, Any]
    transfers: dict[str, Transfer]
    groups: GroupTables

    def __init__(self) -> None:
        self.volumes = {}
        self.snapshots = {}
        self.attachments = {}

    def backup_rows(self, create: bool = False) -> dict[str, Backup]:
        """The backups table (empty, and not made unless `create`, in a cloud without any)."""
        table = getattr(self, "backups", None)
        if table is None:
            if not create:
                return {}
            table = self.backups = {}
        return table

    def message_rows(self, create: bool = False) -> dict[str, Any]:
        """The user messages (id -> `fakecloud.cinder.messages.Message`; empty, and not made
        unless `create`, in a cloud that recorded none)."""
        table = getattr(self, "messages", None)
        if table is None:
            if not create:
                return {}
            table = self.messages = {}
        return table

    def transfer_rows(self, create: bool = False) -> dict[str, Transfer]:
        """The live volume transfers (empty, and not made unless `create`, in a cloud that
        never offered a volume)."""
        table = getattr(self, "transfers", None)
        if table is None:
            if not create:
                return {}
            table = self.transfers = {}
        return table

    def group_tables(self, seed: int, create: bool = False) -> GroupTables:
        """The generic volume groups' tables (`fakecloud.cinder.groups_models.GroupTables`):
        made and kept only when `create`; else, in a cloud without them, a fresh one holding
        the default group type alone, not kept."""
        tables = getattr(self, "groups", None)
        if tables is None:
            tables = GroupTables(seed)
            if create:
                self.groups = tables
        return tables

    def volume_admin_metadata(self, volume_id: str) -> dict[str, str]:
        """A volume's admin metadata (``volume_admin_metadata_get``; empty when none)."""
        table = getattr(self, "admin_metadata", None)
        return table.get(volume_id, {}) if table else {}

    def admin_metadata_update(self, volume_id: str, metadata: dict[str, str]) -> dict[str, str]:
        """Add or update admin metadata keys of a volume; returns its admin metadata."""
        table = getattr(self, "admin_metadata", None)
        if table is None:
            table = self.admin_metadata = {}
        row = table.setdefault(volume_id, {})
        row.update(metadata)
        return row

    def admin_metadata_delete(self, volume_id: str, key: str | None = None) -> None:
        """Drop `key` of a volume's admin metadata (``volume_admin_metadata_delete``), or with
        no `key` all of it (a destroyed volume's rows go with it); an emptied table goes."""
        table = getattr(self, "admin_metadata", None)
        if table is None:
            return
        if key is not None:
            row = table.get(volume_id)
            if row is None or row.pop(key, None) is None or row:
                return
        table.pop(volume_id, None)
        if not table:
            del self.admin_metadata

    def volume_snapshots(self, volume: Volume) -> list[Snapshot]:
        """The live snapshots of `volume`, oldest first; those made at one instant by id (as
        `fakecloud.cinder.revert` picks the latest), not in the order of the set of their
        ids, which changes with Python's hash seed (a cascade delete traced it)."""
        snaps = self.snapshots
        return sorted(
            (snaps[s] for s in volume.snapshot_ids if s in snaps),
            key=lambda s: (s.created_at, s.id),
        )


def newest_first(
    rows: Any,
    filters: dict[str, Any],
    columns: dict[str, str],
    project_id: str | None = None,
    key: Any = None,
) -> list[Any]:
    """The `rows` that match, newest first (``created_at``, then ``id``, as Cinder's DB sorts;
    `key`: the order's key, `fakecloud.cinder.paging.newest_first_key`, the time as stored).

    A row matches when, for every filter key named in `columns`, its column of that name equals
    the filter's value, and it belongs to `project_id` unless that is None.
    """
    wanted = [(column, filters[key]) for key, column in columns.items() if key in filters]
    out = [
        row
        for row in rows
        if (project_id is None or row.project_id == project_id)
        and all(getattr(row, column) == value for column, value in wanted)
    ]
    out.sort(key=key or (lambda row: (row.created_at, row.id)), reverse=True)
    return out
