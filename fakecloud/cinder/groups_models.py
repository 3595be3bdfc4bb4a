"""Generic volume groups' rows: group types (``group_types``, ``group_type_specs``), groups
(``groups``, ``group_volume_type_mapping``) and group snapshots (``group_snapshots``), as
``cinder/objects/group*.py`` name their fields, and their status tables
(``fields.GroupStatus``, ``fields.GroupSnapshotStatus``).

The tables live in one `GroupTables`, the store's ``groups`` slot, made at the first write
(`fakecloud.cinder.models.Store.group_tables`), so a cloud that never touched a group saves
as before. Every series here has the ``default_cgsnapshot_type`` group type (migration 086,
Pike; the initial migrations after): until the tables exist it is the only one, with an id
drawn from its own seeded stream (no other id moves with it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fakecloud.sim.ids import stream, uuid4_text
from fakecloud.sim.states import StateMachine

#: ``group_types.DEFAULT_CGSNAPSHOT_TYPE``: reserved for consistency groups migrated to groups.
DEFAULT_CGSNAPSHOT_TYPE = "default_cgsnapshot_type"

#: ``fields.GroupStatus.ALL``.
GROUP_STATUSES = (
    "error", "available", "creating", "deleting", "deleted", "updating", "in-use",
    "error_deleting",
)  # fmt: skip
#: ``fields.GroupSnapshotStatus.ALL``.
GROUP_SNAPSHOT_STATUSES = (
    "error", "available", "creating", "deleting", "deleted", "updating", "error_deleting",
)  # fmt: skip


@dataclass(eq=False, slots=True)
class GroupType:
    """One group type and its specs."""

    id: str
    name: str
    description: str | None
    is_public: bool
    created_at: float
    group_specs: dict[str, str | None] = field(default_factory=dict)


@dataclass(eq=False, slots=True)
class Group:
    """One generic volume group. `backend` is where the scheduler put it (its ``host`` is
    ``<host>@<backend>#<backend>``); its volumes are those whose ``group_id`` names it."""

    id: str
    project_id: str
    user_id: str
    name: str | None
    description: str | None
    group_type_id: str
    volume_type_ids: list[str]
    availability_zone: str | None
    created_at: float
    status: str | None = None
    updated_at: float | None = None
    host: str | None = None
    backend: str | None = None
    group_snapshot_id: str | None = None
    source_group_id: str | None = None
    replication_status: str = "disabled"


@dataclass(eq=False, slots=True)
class GroupSnapshot:
    """One group snapshot; its member snapshots carry its id (``group_snapshot_id``)."""

    id: str
    group_id: str
    project_id: str
    user_id: str
    name: str | None
    description: str | None
    group_type_id: str
    created_at: float
    status: str | None = None
    updated_at: float | None = None


class GroupTables:
    """The group tables of one Cinder, by id (types in creation order)."""

    __slots__ = ("types", "groups", "snapshots")
    types: dict[str, GroupType]
    groups: dict[str, Group]
    snapshots: dict[str, GroupSnapshot]

    def __init__(self, seed: int) -> None:
        default = GroupType(
            id=default_type_id(seed),
            name=DEFAULT_CGSNAPSHOT_TYPE,
            description="Default group type for migrating cgsnapshot",
            is_public=True,
            created_at=0.0,
            group_specs={"consistent_group_snapshot_enabled": "<is> True"},
        )
        self.types = {default.id: default}
        self.groups = {}
        self.snapshots = {}


def default_type_id(seed: int) -> str:
    """The id of ``default_cgsnapshot_type`` in a cloud of `seed`."""
    return uuid4_text(stream(seed, "cinder.group_type.default").getrandbits(128))


_GROUP_MOVES: dict[str | None, set[str]] = {
    None: {"creating"},
    "creating": {"available", "error", "deleting"},
    "available": {"updating", "deleting", "available"},
    "updating": {"available", "error"},
    "error": {"deleting", "available"},
    "deleting": {"deleted", "error_deleting", "error"},
    "error_deleting": {"deleting"},
}
#: A group's status as the API and managers change it.
GROUP_STATUS = StateMachine("group.status", _GROUP_MOVES)
#: Admin ``reset_status`` and ``delete-volumes`` (any status).
GROUP_STATUS_FORCED = StateMachine(
    "group.status", {s: {*GROUP_STATUSES} for s in (None, *GROUP_STATUSES)}
)
#: A group snapshot's status.
GROUP_SNAPSHOT_STATUS = StateMachine(
    "group_snapshot.status",
    {
        None: {"creating"},
        "creating": {"available", "error", "deleted"},
        "available": {"deleting"},
        "error": {"deleting"},
        "deleting": {"deleted", "error_deleting", "error"},
        "error_deleting": {"deleting"},
    },
)
#: Admin ``reset_status`` (any status).
GROUP_SNAPSHOT_STATUS_FORCED = StateMachine(
    "group_snapshot.status",
    {s: {*GROUP_SNAPSHOT_STATUSES} for s in (None, *GROUP_SNAPSHOT_STATUSES)},
)
