"""Generic volume groups and group snapshots, the API half: ``cinder/group/api.py``'s ``API``
(read in cinder 12.0.10, 16.4.2 and 29.0.0; the same checks and messages in each).

A group is made ``creating`` and cast to the scheduler, which puts it on a backend able to
hold all its volume types (`fakecloud.cinder.groups_manager`); a volume joins it when created
with its ``group_id`` or added by an update, and cannot be deleted alone while in it. A group
snapshot makes one Cinder snapshot of each member volume (``group_snapshot_id`` set), with
their quota, and casts their creation to the group's backend. A group is made from a group
snapshot (each volume from its snapshot) or from another group (each volume a clone).
Replication (3.38): `fakecloud.cinder.groups_replication`.
"""

from __future__ import annotations

from typing import Any

from fakecloud.cinder import exception
from fakecloud.cinder.api_part import ApiPart
from fakecloud.cinder.frozen import assert_not_frozen
from fakecloud.cinder.groups_models import (
    GROUP_SNAPSHOT_STATUS,
    GROUP_SNAPSHOT_STATUS_FORCED,
    GROUP_STATUS,
    GROUP_STATUS_FORCED,
    GROUP_STATUSES,
    Group,
    GroupSnapshot,
    GroupTables,
)
from fakecloud.cinder.list_query import like_match
from fakecloud.cinder.models import Snapshot, Volume, group_of
from fakecloud.cinder.quota import process_reserve_over_quota
from fakecloud.cinder.states import (
    SNAPSHOT_STATUS,
    SNAPSHOT_STATUS_FORCED,
    VOLUME_STATUS,
    born,
)
from fakecloud.cinder.validation import QUEENS

ACTOR = "cinder-api"
VALID_REMOVE_VOL_FROM_GROUP_STATUS = ("available", "in-use", "error", "error_deleting")
VALID_ADD_VOL_TO_GROUP_STATUS = ("available", "in-use")
# ``create_volume.py``: a volume is made only in a group in one of these.
GROUP_PROCEED_STATUS = ("available", "creating")


def check_group_type(group: Group, volume_type: Any) -> None:
    """``volume/api.py`` create's check of a volume made in `group`: a type is given and is
    one of the group's (Cinder prints the type object; here its name)."""
    if volume_type is None:
        raise exception.InvalidInput(
            reason="volume_type must be provided when creating a volume in a group."
        )
    if volume_type.id not in group.volume_type_ids:
        raise exception.InvalidInput(
            reason=f"Invalid volume_type provided: {volume_type.name} (requested type must be "
            "supported by this group)."
        )


def _visible(rows: Any, context: Any, filters: dict[str, Any]) -> list[Any]:
    """The rows of a list: every project's for an admin asking ``all_tenants`` (popped),
    else the caller's; each other filter an exact column match (a key that is no column,
    a non-admin's ``all_tenants`` too, builds no query: no row), a ``key~`` one a
    ``LIKE '%value%'`` (``apply_like_filters``)."""
    every = context.is_admin and filters.pop("all_tenants", None) is not None
    exact = {k: str(v) for k, v in filters.items() if not k.endswith("~")}
    like = {k.rstrip("~"): v for k, v in filters.items() if k.endswith("~")}
    return [
        r
        for r in rows
        if (every or r.project_id == context.project_id)
        and all(hasattr(r, k) and str(getattr(r, k)) == v for k, v in exact.items())
        and all(like_match(getattr(r, k, None), v) for k, v in like.items())
    ]


class GroupAPI(ApiPart):
    """Group and group snapshot requests, as ``cinder.group.api.API`` handles them."""

    def tables(self, create: bool = False) -> GroupTables:
        """The cloud's group tables (made and kept when `create`)."""
        return self.store.group_tables(self.kernel.seed, create)

    def members(self, group: Group) -> list[Volume]:
        """``volume_get_all_by_generic_group``: the group's volumes, oldest first."""
        return sorted(
            (v for v in self.store.volumes.values() if group_of(v) == group.id),
            key=lambda v: (v.created_at, v.id),
        )

    def group_snapshot_members(self, group_snapshot: GroupSnapshot) -> list[Snapshot]:
        """``SnapshotList.get_all_for_group_snapshot``, oldest first."""
        return sorted(
            (s for s in self.store.snapshots.values() if s.group_snapshot_id == group_snapshot.id),
            key=lambda s: (s.created_at, s.id),
        )

    def get_backend(self, group_id: str) -> str | None:
        """The backend of a group (None: gone, or not scheduled)."""
        group = self.tables().groups.get(group_id)
        return group.backend if group is not None else None

    # -- reads -------------------------------------------------------------------------------

    def get(self, context: Any, group_id: Any) -> Group:
        """``Group.get_by_id`` (another project's group is a non-admin's 404), then the
        policy."""
        row = self.tables().groups.get(group_id) if isinstance(group_id, str) else None
        if row is None or not (context.is_admin or row.project_id == context.project_id):
            raise exception.GroupNotFound(group_id=group_id)
        self._authorize(context, "group:get", row.project_id, row.user_id)
        return row

    def get_all(self, context: Any, filters: dict[str, Any]) -> list[Group]:
        """``get_all``: every project's for an admin asking ``all_tenants``, else the caller's;
        the other filters exact column matches."""
        self._authorize(context, "group:get_all")
        return _visible(self.tables().groups.values(), context, filters)

    def get_group_snapshot(self, context: Any, group_snapshot_id: Any) -> GroupSnapshot:
        """``GroupSnapshot.get_by_id`` and the policy."""
        table = self.tables().snapshots
        row = table.get(group_snapshot_id) if isinstance(group_snapshot_id, str) else None
        if row is None or not (context.is_admin or row.project_id == context.project_id):
            raise exception.GroupSnapshotNotFound(group_snapshot_id=group_snapshot_id)
        self._authorize(context, "group:get_group_snapshot", row.project_id, row.user_id)
        return row

    def get_all_group_snapshots(self, context: Any, filters: dict[str, Any]) -> list[GroupSnapshot]:
        """``get_all_group_snapshots``."""
        self._authorize(context, "group:get_all_group_snapshots")
        return _visible(self.tables().snapshots.values(), context, filters)

    # -- create ------------------------------------------------------------------------------

    def _zone(self, zone: str | None) -> str:
        """``_extract_availability_zone`` (no fallback)."""
        own = self.cinder.config.storage_availability_zone
        if zone is None:
            return own
        if zone != own:
            raise exception.InvalidInput(reason=f"Availability zone '{zone}' is invalid.")
        return zone

    def _reserve_group(self, project_id: str) -> Any:
        quotas = self.cinder.quotas
        try:
            return quotas.reserve_deltas(project_id, {"groups": 1})
        except exception.OverQuota as e:
            if "groups" in e.kwargs["overs"]:
                raise exception.GroupLimitExceeded(allowed=e.kwargs["quotas"]["groups"]) from None
            process_reserve_over_quota(e, "groups", 0)
            raise

    def _new_group(self, context: Any, **fields: Any) -> Group:
        k = self.kernel
        reservation = self._reserve_group(context.project_id)
        group = Group(
            id=k.ids.uuid(),
            project_id=context.project_id,
            user_id=context.user_id,
            created_at=k.now,
            **fields,
        )
        born(k, GROUP_STATUS, group, "creating", actor=ACTOR)
        self.tables(create=True).groups[group.id] = group
        self.cinder.quotas.commit(reservation)
        return group

    def create(
        self,
        context: Any,
        name: str | None,
        description: str | None,
        group_type: str,
        volume_types: list[str],
        availability_zone: str | None = None,
    ) -> Group:
        """``API.create``: the volume types (by name or id), the group type, the zone, the
        ``groups`` quota; the row ``creating``, cast to the scheduler."""
        self._authorize(context, "group:create")
        types = [self.cinder.type_by_name_or_id(t) for t in volume_types]
        gtype = self.cinder.group_type_api.get_by_name_or_id(context, group_type)
        zone = self._zone(availability_zone)
        group = self._new_group(
            context,
            name=name,
            description=description,
            group_type_id=gtype.id,
            volume_type_ids=[t.id for t in types],
            availability_zone=zone,
        )
        self.kernel.rpc.cast("cinder-scheduler", "create_group", group_id=group.id)
        return group

    def create_from_src(
        self,
        context: Any,
        name: str | None,
        description: str | None,
        group_snapshot_id: str | None,
        source_group_id: str | None,
    ) -> Group:
        """``API.create_from_src``: the new group on its source's backend, each volume made
        in the database from its source (a snapshot of the group snapshot, or a volume of the
        source group), then cast to that backend (``create_group_from_src``)."""
        self._authorize(context, "group:create")
        if group_snapshot_id:
            gsnap = self.get_group_snapshot(context, group_snapshot_id)
            origin = self.get(context, gsnap.group_id)
            sources: list[Any] = self.group_snapshot_members(gsnap)
        else:
            origin = self.get(context, source_group_id)
            sources = self.members(origin)
        group = self._new_group(
            context,
            name=name,
            description=description,
            group_type_id=origin.group_type_id,
            volume_type_ids=list(origin.volume_type_ids),
            availability_zone=origin.availability_zone,
            group_snapshot_id=group_snapshot_id,
            source_group_id=source_group_id,
        )
        if not origin.host:
            raise exception.InvalidGroup(reason=f"No valid host to create group {group.id}.")
        group.host, group.backend = origin.host, origin.backend
        assert_not_frozen(self.cinder, group.backend)
        if not sources:
            self._undo(group)
            what = "Group snapshot is empty." if group_snapshot_id else "Source Group is empty."
            raise exception.InvalidGroup(reason=f"{what} No group will be created.")
        made = []
        try:
            for src in sources:
                if isinstance(src, Snapshot):
                    vol = self.cinder.volume_api.create(
                        context, src.volume_size, None, None, snapshot=src,
                        volume_type=src.volume_type, availability_zone=group.availability_zone,
                        cast=False,
                    )  # fmt: skip
                else:
                    vol = self.cinder.volume_api.create(
                        context, src.size, None, None, source_volume=src,
                        volume_type=src.volume_type, availability_zone=group.availability_zone,
                        cast=False,
                    )  # fmt: skip
                vol.group_id = group.id
                vol.host, vol.backend = group.host, group.backend
                made.append(vol)
        except exception.CinderException:
            for vol in made:
                self._drop_volume(vol)
            self._undo(group)
            raise
        self.kernel.rpc.cast(
            self.cinder.volume_target(group.backend), "create_group_from_src", group_id=group.id
        )
        return group

    def _drop_volume(self, volume: Volume) -> None:
        """Undo a volume row made for a group that failed (its quota given back)."""
        quotas = self.cinder.quotas
        quotas.release(
            volume.project_id,
            **quotas.add_volume_type_opts(
                {"volumes": 1, "gigabytes": volume.size}, volume.volume_type.name
            ),
        )
        VOLUME_STATUS.move(self.kernel, volume, "deleting", actor=ACTOR)
        VOLUME_STATUS.move(self.kernel, volume, "deleted", actor=ACTOR)
        del self.store.volumes[volume.id]
        self.cinder.row_deleted(volume)

    def _undo(self, group: Group) -> None:
        """``group.destroy()`` of a group not made, its ``groups`` quota given back."""
        self.cinder.quotas.release(group.project_id, groups=1)
        GROUP_STATUS_FORCED.move(self.kernel, group, "deleted", actor=ACTOR)
        del self.tables(create=True).groups[group.id]

    # -- update ------------------------------------------------------------------------------

    def update(
        self,
        context: Any,
        group: Group,
        name: str | None,
        description: str | None,
        add_volumes: str | None,
        remove_volumes: str | None,
    ) -> None:
        """``API.update``: name and description at once; volumes to add or remove checked,
        the group ``updating`` and cast to its backend (``update_group``)."""
        self._authorize(context, "group:update", group.project_id, group.user_id)
        if name == group.name:
            name = None
        if description == group.description:
            description = None
        adds = add_volumes.strip(",").split(",") if add_volumes else []
        removes = remove_volumes.strip(",").split(",") if remove_volumes else []
        both = [u for u in adds if u in removes]
        if both:
            raise exception.InvalidVolume(
                reason=f"UUIDs {both} are in both add and remove volume list."
            )
        members = self.members(group)
        add_new = self._validate_add(context, members, adds, group) if adds else ""
        remove_new = self._validate_remove(members, removes, group) if removes else ""
        if name is None and description is None and not add_new and not remove_new:
            raise exception.InvalidGroup(
                reason=f"Cannot update group {group.id} because no valid name, description, "
                "add_volumes, or remove_volumes were provided."
            )
        if (add_new or remove_new) and group.status != "available":
            raise exception.InvalidGroup(reason="Group status must be available.")
        k = self.kernel
        group.updated_at = k.now
        if name is not None:
            group.name = name
        if description is not None:
            group.description = description
        if not add_new and not remove_new:
            GROUP_STATUS_FORCED.move(k, group, "available", actor=ACTOR)
            return
        GROUP_STATUS.move(k, group, "updating", actor=ACTOR)
        k.rpc.cast(
            self.cinder.volume_target(group.backend),
            "update_group",
            group_id=group.id,
            add_volumes=add_new,
            remove_volumes=remove_new,
        )

    def _validate_remove(self, members: list[Volume], removes: list[str], group: Group) -> str:
        out = []
        for volume in members:
            if volume.id in removes:
                if volume.status not in VALID_REMOVE_VOL_FROM_GROUP_STATUS:
                    raise exception.InvalidVolume(
                        reason=f"Cannot remove volume {volume.id} from group {group.id} because "
                        f"volume is in an invalid state: {volume.status}. Valid states are: "
                        f"{VALID_REMOVE_VOL_FROM_GROUP_STATUS}."
                    )
                out.append(volume.id)
        joined = ",".join(out)
        for wanted in removes:
            if wanted not in joined:
                raise exception.InvalidVolume(
                    reason=f"Cannot remove volume {wanted} from group {group.id} because it is "
                    "not in the group."
                )
        return joined

    def _validate_add(
        self, context: Any, members: list[Volume], adds: list[str], group: Group
    ) -> str:
        ids = {v.id for v in members}
        adds = [a for a in adds if a not in ids]
        out = []
        for wanted in adds:
            volume = self.store.volumes.get(wanted)
            if volume is None or not (context.is_admin or volume.project_id == context.project_id):
                raise exception.InvalidVolume(
                    reason=f"Cannot add volume {wanted} to group {group.id} because volume cannot "
                    "be found."
                )
            prefix = f"Cannot add volume {volume.id} to group {group.id}"
            if group_of(volume):
                raise exception.InvalidVolume(
                    reason=f"{prefix} because it is already in group {group_of(volume)}."
                )
            if volume.project_id != group.project_id:
                raise exception.InvalidVolume(
                    reason=f"{prefix} as they belong to different projects."
                )
            type_id = volume.volume_type.id
            if not type_id:
                raise exception.InvalidVolume(reason=f"{prefix} because it has no volume type.")
            if type_id not in group.volume_type_ids:
                raise exception.InvalidVolume(
                    reason=f"{prefix} because volume type {type_id} is not supported by the group."
                )
            if volume.status not in VALID_ADD_VOL_TO_GROUP_STATUS:
                raise exception.InvalidVolume(
                    reason=f"{prefix} because volume is in an invalid state: {volume.status}. "
                    f"Valid states are: {VALID_ADD_VOL_TO_GROUP_STATUS}."
                )
            if volume.backend != group.backend:
                raise exception.InvalidVolume(reason="Volume is not local to this node.")
            out.append(volume.id)
        return ",".join(out)

    # -- delete, reset -----------------------------------------------------------------------

    def delete(self, context: Any, group: Group, delete_volumes: bool = False) -> None:
        """``API.delete``: a group never scheduled goes at once; else the checks (status,
        group snapshots, volumes without the flag, attached volumes or with snapshots), its
        volumes and itself ``deleting``, cast to its backend (``delete_group``)."""
        k = self.kernel
        self._authorize(context, "group:delete", group.project_id, group.user_id)
        if not group.host:
            self._undo(group)
            return
        assert_not_frozen(self.cinder, group.backend)
        if not delete_volumes and group.status not in ("available", "error"):
            raise exception.InvalidGroup(
                reason=f"Group status must be available or error, but current status is: "
                f"{group.status}"
            )
        tables = self.tables(create=True)
        if any(s.group_id == group.id for s in tables.snapshots.values()):
            raise exception.InvalidGroup(reason="Group has existing snapshots.")
        volumes = self.members(group)
        if volumes and not delete_volumes:
            raise exception.InvalidGroup(
                reason=f"Group {group.id} still contains volumes. The delete-volumes flag is "
                "required to delete it."
            )
        for volume in volumes:
            if volume.attach_status == "attached":
                raise exception.InvalidGroup(
                    reason=f"Volume in group {group.id} is attached. Need to detach first."
                )
            if self.store.volume_snapshots(volume):
                raise exception.InvalidGroup(
                    reason="Volume in group still has dependent snapshots."
                )
        for volume in volumes:
            if volume.status != "deleting":
                VOLUME_STATUS.move(k, volume, "deleting", actor=ACTOR)
        if group.status != "deleting":
            GROUP_STATUS_FORCED.move(k, group, "deleting", actor=ACTOR)
        k.rpc.cast(self.cinder.volume_target(group.backend), "delete_group", group_id=group.id)

    def reset_status(self, context: Any, group: Group, status: str) -> None:
        """``API.reset_status`` (admins): the status written as it is (12.0.10: one of
        ``GroupStatus.ALL``; later the schema's format checks it)."""
        self._authorize(context, "group:reset_status", group.project_id, group.user_id)
        if self.kernel.switches.series.cinder <= QUEENS and status not in GROUP_STATUSES:
            raise exception.InvalidGroupStatus(
                reason=f"Group status: {status} is invalid, valid status are: {GROUP_STATUSES}."
            )
        group.updated_at = self.kernel.now
        GROUP_STATUS_FORCED.move(self.kernel, group, status, actor=ACTOR)

    # -- group snapshots ---------------------------------------------------------------------

    def create_group_snapshot(
        self, context: Any, group: Group, name: str | None, description: str | None
    ) -> GroupSnapshot:
        """``API.create_group_snapshot``: the row ``creating`` (db ``group_snapshot_create``
        refuses a group with no volume or one ``creating`` or ``updating``), one snapshot of
        each member (``create_snapshots_in_db``: each volume checked, their quota reserved at
        once), cast to the group's backend."""
        k = self.kernel
        self._authorize(context, "group:create_group_snapshot", group.project_id, group.user_id)
        assert_not_frozen(self.cinder, group.backend)
        snapshot_api = self.cinder.snapshot_api
        volumes = self.members(group)
        if not volumes or group.status in ("creating", "updating"):
            raise exception.InvalidGroup(
                reason="Source group cannot be empty or in 'creating' or 'updating' state. "
                "No group snapshot will be created."
            )
        for volume in volumes:
            snapshot_api._validate(context, volume)
        quotas = self.cinder.quotas
        deltas: dict[str, int] = {}
        for volume in volumes:
            for r, d in snapshot_api.quota_deltas(volume.size, volume.volume_type.name).items():
                deltas[r] = deltas.get(r, 0) + d
        try:
            reservation = quotas.reserve_deltas(context.project_id, deltas)
        except exception.OverQuota as e:
            process_reserve_over_quota(e, "snapshots", sum(v.size for v in volumes))
        gsnap = GroupSnapshot(
            id=k.ids.uuid(),
            group_id=group.id,
            project_id=context.project_id,
            user_id=context.user_id,
            name=name,
            description=description,
            group_type_id=group.group_type_id,
            created_at=k.now,
        )
        born(k, GROUP_SNAPSHOT_STATUS, gsnap, "creating", actor=ACTOR)
        self.tables(create=True).snapshots[gsnap.id] = gsnap
        for volume in volumes:
            snap = Snapshot(
                id=k.ids.uuid(),
                volume_id=volume.id,
                project_id=context.project_id,
                user_id=context.user_id,
                volume_size=volume.size,
                display_name=name,
                display_description=description,
                volume_type=volume.volume_type,
                created_at=k.now,
                group_snapshot_id=gsnap.id,
                encryption_key_id=volume.encryption_key_id,
            )
            born(k, SNAPSHOT_STATUS, snap, "creating", actor=ACTOR)
            self.store.snapshots[snap.id] = snap
            volume.add_snapshot(snap.id)
        quotas.commit(reservation)
        k.rpc.cast(
            self.cinder.volume_target(group.backend),
            "create_group_snapshot",
            group_snapshot_id=gsnap.id,
        )
        return gsnap

    def delete_group_snapshot(self, context: Any, gsnap: GroupSnapshot) -> None:
        """``API.delete_group_snapshot``: ``available`` or ``error`` and no group being made
        from it; it and its snapshots ``deleting``, cast to the group's backend."""
        k = self.kernel
        self._authorize(context, "group:delete_group_snapshot", gsnap.project_id, gsnap.user_id)
        tables = self.tables(create=True)
        group = tables.groups.get(gsnap.group_id)
        backend = group.backend if group is not None else None
        assert_not_frozen(self.cinder, backend)
        busy = any(
            g.group_snapshot_id == gsnap.id and g.status == "creating"
            for g in tables.groups.values()
        )
        if gsnap.status not in ("available", "error") or busy:
            raise exception.InvalidGroupSnapshot(
                reason="GroupSnapshot status must be available or error, and no Group can be "
                "currently using it as source for its creation."
            )
        GROUP_SNAPSHOT_STATUS.move(k, gsnap, "deleting", actor=ACTOR)
        for snap in self.group_snapshot_members(gsnap):
            if snap.status != "deleting":  # ``snap.status = DELETING``, whatever it was
                SNAPSHOT_STATUS_FORCED.move(k, snap, "deleting", actor=ACTOR)
        k.rpc.cast(
            self.cinder.volume_target(backend or next(iter(self.cinder.drivers))),
            "delete_group_snapshot",
            group_snapshot_id=gsnap.id,
        )

    def reset_group_snapshot_status(self, context: Any, gsnap: GroupSnapshot, status: str) -> None:
        """``API.reset_group_snapshot_status`` (admins)."""
        self._authorize(
            context, "group:reset_group_snapshot_status", gsnap.project_id, gsnap.user_id
        )
        gsnap.updated_at = self.kernel.now
        GROUP_SNAPSHOT_STATUS_FORCED.move(self.kernel, gsnap, status, actor=ACTOR)
