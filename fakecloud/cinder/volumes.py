"""The volume half of Cinder's ``volume/api.py`` ``API``: create, get, list, update, delete, and
the legacy attach actions (os-reserve, os-unreserve, os-begin_detaching, os-roll_detaching,
os-attach, os-detach), plus the admin actions (os-reset_status, os-force_delete).

The synchronous part of every request lives here (checks, quota, the row, the status change);
the slow part is cast to the scheduler and volume managers (`fakecloud.cinder.manager`).
Checks, their order and their messages follow the real code, e.g. ``API.delete``'s one
message for every refusal ("... have snapshots, awaiting a transfer, ...").
"""

from __future__ import annotations

from typing import Any

from fakecloud.cinder import cleanup, connection, exception, list_query, policy
from fakecloud.cinder.api_part import ApiPart
from fakecloud.cinder.config import DEFAULT_TYPE_SINCE
from fakecloud.cinder.connection import check_connector
from fakecloud.cinder.faults import GENERIC
from fakecloud.cinder.frozen import assert_not_frozen
from fakecloud.cinder.groups import GROUP_PROCEED_STATUS, check_group_type
from fakecloud.cinder.image_utils import check_virtual_size
from fakecloud.cinder.models import (
    Snapshot,
    Volume,
    VolumeAttachment,
    VolumeType,
    group_of,
    newest_first,
)
from fakecloud.cinder.paging import newest_first_key
from fakecloud.cinder.qos_specs import allows_retype
from fakecloud.cinder.quota import process_reserve_over_quota
from fakecloud.cinder.states import (
    ATTACHMENT_STATUS,
    SNAPSHOT_STATUS,
    VOLUME_ATTACH_STATUS,
    VOLUME_ATTACH_STATUS_FORCED,
    VOLUME_STATUS,
    VOLUME_STATUS_FORCED,
    born,
    born_volume,
)
from fakecloud.cinder.type_encryption import encryption_of, new_key_id
from fakecloud.cinder.validation import QUEENS, is_uuid_like
from fakecloud.sim.clock import stored_time

ACTOR = "cinder-api"
#: ``get_all`` filter name -> the column it matches exactly.
_FILTERS = {"project_id": "project_id", "status": "status", "name": "display_name"}
GiB = 1024**3
#: ``API.AVAILABLE_MIGRATION_STATUS``: migration states that do not block an operation.
AVAILABLE_MIGRATION_STATUS = (None, "deleting", "error", "success")
DELETABLE_STATUSES = ("available", "error", "error_restoring", "error_extending", "error_managing")
#: The first Cinder series (21, Zed: Nova 26.x) whose volume-delete refusal names "awaiting a
#: transfer" (2b75fa302, LP #1971603; no backport).
TRANSFER_IN_DELETE_REFUSAL_FROM_CINDER = 21
#: The admin reset-status refusal list, with the missing comma of ``admin_actions.py`` kept.
RESET_REFUSED = ("deleting", "error_deletingdetaching")
#: The first Cinder (20.0.0, Yoga) whose ``VolumeAdminController._reset_status`` refuses those
#: statuses and ``in-use`` without attachments; 12.0.10 to 19.x set any valid status.
RESET_REFUSALS_SINCE = 20


def build_or_str(elements: Any, str_format: str | None = None) -> str:
    """``cinder.utils.build_or_str``: join with " or ", optionally into a format."""
    if not elements:
        return ""
    if not isinstance(elements, str):
        elements = " or ".join(elements)
    return str_format % elements if str_format else elements


def is_migrating(volume: Volume) -> bool:
    """Whether a migration is in progress (``API._is_volume_migrating``)."""
    return volume.migration_status not in AVAILABLE_MIGRATION_STATUS


#: ``glance_core_properties``' default: volume image metadata keys an upload-to-image does not
#: copy into the image's properties.
GLANCE_CORE_PROPERTIES = frozenset(
    (
        "checksum",
        "container_format",
        "disk_format",
        "image_name",
        "image_id",
        "min_disk",
        "min_ram",
        "name",
        "size",
    )
)

#: ``image_utils.GLANCE_RESERVED_NAMESPACES``: volume image metadata an upload leaves out of the
#: image's properties while switch ``cinder_upload_keeps_reserved_namespaces`` is off (Cinder
#: 23.0.0 and its backports). Before, Glance 22.0.0 on refuses ``os_glance*``.
RESERVED_IMAGE_NAMESPACES = ("os_glance", "img_signature")
#: From Cinder 15.0.0 an upload into a ``compressed`` container is refused after Glance made the
#: image (``[DEFAULT] allow_compression_on_image_upload``, off by default: not modelled on).
COMPRESSED_UPLOAD_REFUSED_SINCE = 15
#: ``_merge_volume_image_meta`` skips the volume's image metadata keys the request already sets
#: from Cinder 15.0.0; before (12.0.10, 14.3.1) every custom key went into ``properties``, which
#: ``_translate_to_glance`` lays over the request's own (``visibility``, ``protected``).
MERGE_SKIPS_GIVEN_KEYS_SINCE = 15
#: ``volume_types.provision_filter_on_size`` (a type's ``provisioning:min_vol_size`` and
#: ``max_vol_size``) came with Cinder 16.0.0, in ``create``, ``_extend`` and ``retype``; before,
#: nothing read those specs (12.0.10 to 15.x).
TYPE_SIZE_FILTER_SINCE = 16
#: The first Cinder whose retype counts the volume's snapshots in the per-type quota it moves
#: (``snapshots_<type>`` and their ``gigabytes_<type>``) and gives the snapshots the new type
#: (b77fb72aa, LP #1877164, 18.0.0 as 460095744; not backported): before (12.0.10 to 17.x,
#: ``quota_utils.get_volume_type_reservation`` and ``API.retype``'s old reservations) only the
#: volume's ``volumes_<type>`` and ``gigabytes_<type>`` move and its snapshots keep the old
#: type, whose quota their delete gives back.
SNAPSHOTS_RETYPED_SINCE = 18


class VolumeAPI(ApiPart):
    """Volume requests, as ``cinder.volume.api.API`` handles them."""

    #: ``enable_force_upload`` (False in every release): without it, upload-to-image ignores
    #: ``force`` and an ``in-use`` volume is refused. Not a configuration key (it would change
    #: every saved file); an operator or a test sets it on the instance.
    enable_force_upload = False

    # -- reads -------------------------------------------------------------------------------

    def get(self, context: Any, volume_id: str) -> Volume:
        """A volume the caller may see; another project's volume is a 404, like a missing one."""
        volume = self.store.volumes.get(volume_id) if isinstance(volume_id, str) else None
        # (``context.is_admin`` read as its roles: no property call on every read)
        if volume is None or not (
            volume.project_id == context.project_id or "admin" in context.roles
        ):
            raise exception.VolumeNotFound(volume_id=volume_id)
        rules = self.cinder.policy_rules
        if not policy.allowed(context, "volume:get", volume.project_id, rules, volume.user_id):
            raise exception.VolumeNotFound(volume_id=volume_id)
        return volume

    def get_all(
        self, context: Any, filters: dict[str, Any] | None = None, all_tenants: bool = False
    ) -> list[Volume]:
        """The caller's volumes (every project's for an admin asking ``all_tenants``), newest
        first, filtered by exact ``status``/``name``/``project_id`` values."""
        self._authorize(context, "volume:get_all")
        filters = dict(filters or {})
        if not (context.is_admin and all_tenants):
            filters["project_id"] = context.project_id
        return newest_first(
            self.store.volumes.values(),
            filters,
            _FILTERS,
            None,
            newest_first_key(self.kernel.clock),
        )

    def list(self, context: Any, filters: Any) -> list[Volume] | None:
        """``API.get_all`` and the database's ``volume_get_all[_by_project]`` over the filters
        the controller made (`fakecloud.cinder.list_filters.volume_filters`): newest first,
        or None when the filters build no query (the list is then empty).

        ``all_tenants`` is read strictly whoever asks (a 400 otherwise); only an admin's true
        one is removed and lists every project, else the caller's project is listed and an
        ``all_tenants`` left in the filters is no column: nothing. A non-admin never sees a
        migration's target volumes (``no_migration_targets``)."""
        self._authorize(context, "volume:get_all")
        query = self._project_query(context, filters)
        if not context.is_admin:
            query["no_migration_targets"] = True
        columns = list_query.columns_of(
            list_query.VOLUME_COLUMNS, self.kernel.switches.series.cinder
        )
        rows = list_query.select(
            self.store.volumes.values(), query, columns, self._special_filters()
        )
        if rows is not None:
            rows.sort(key=newest_first_key(self.kernel.clock), reverse=True)
        return rows

    def _special_filters(self) -> dict[str, Any]:
        """The keys ``_process_volume_filters`` reads itself: (usable value?, row test)."""
        wall_time = self.kernel.clock.wall_time
        admin_metadata = self.store.volume_admin_metadata

        def times(column: str) -> Any:
            def test(row: Volume, wanted: Any) -> bool:
                if not isinstance(wanted, dict):  # before 16.0.0 an exact compare: not modelled
                    return False
                moment = getattr(row, column)
                # compared in the database: the whole second MySQL stored
                return list_query.time_matches(
                    None if moment is None else stored_time(wall_time(moment)), wanted
                )

            return (lambda _v: True, test)

        def is_dict(value: Any) -> bool:
            return isinstance(value, dict)

        return {
            "no_migration_targets": (
                lambda _v: True,
                lambda row, _v: not str(row.migration_status or "").lower().startswith("target:"),
            ),
            "host": (
                lambda _v: True,
                lambda row, v: not v or list_query.host_matches(row.host, str(v)),
            ),
            "cluster_name": (lambda _v: True, lambda _row, v: not v),
            "created_at": times("created_at"),
            "updated_at": times("updated_at"),
            "metadata": (
                is_dict,
                lambda row, v: list_query.metadata_matches(v, row.metadata, admin_metadata(row.id)),
            ),
            "glance_metadata": (
                is_dict,
                lambda row, v: list_query.metadata_matches(v, row.volume_image_metadata),
            ),
        }

    def summary(
        self, context: Any, all_tenants: bool = False
    ) -> tuple[int, int, dict[str, list[str]]]:
        """``get_volume_summary``: how many volumes, their total size, and each metadata key's
        distinct values, over the caller's project (every project for an admin asking
        ``all_tenants``); list filters are not applied."""
        self._authorize(context, "volume:get_all")
        project_only = not (all_tenants and context.is_admin)
        volumes = [
            v
            for v in self.store.volumes.values()
            if not project_only or v.project_id == context.project_id
        ]
        metadata: dict[str, list[str]] = {}
        for volume in volumes:
            for key, value in volume.metadata.items():
                values = metadata.setdefault(key, [])
                if value not in values:
                    values.append(value)
        return len(volumes), sum(v.size for v in volumes), metadata

    # -- create ------------------------------------------------------------------------------

    def create(
        self,
        context: Any,
        size: Any,
        name: str | None,
        description: str | None,
        snapshot: Snapshot | None = None,
        image_id: str | None = None,
        volume_type: VolumeType | None = None,
        metadata: dict[str, str] | None = None,
        availability_zone: str | None = None,
        source_volume: Volume | None = None,
        multiattach: bool = False,
        backup: Any = None,
        group: Any = None,
        cast: bool = True,
        image_read: Any = None,
    ) -> Volume:
        """Create a volume row (``creating``) and cast its creation to the scheduler;
        `multiattach` is the deprecated request parameter (before Cinder 22). A volume made
        in `group` must be of one of its types; one a group is made from its source with
        (`fakecloud.cinder.groups`) is not cast (`cast` False): the group's backend makes
        it. `image_read` is the controller's read of `image_id` (`GlanceImageService.shown`),
        made with nothing run since, which this create's own read may reuse."""
        k = self.kernel
        cfg = self.cinder.config
        self._authorize(context, "volume:create_from_image" if image_id else "volume:create")
        try:
            bad_size = size and (not _is_int_like(size) or int(size) <= 0)
        except OverflowError as exc:
            # ``strutils.is_int_like`` catches TypeError and ValueError only: an infinite size
            # (JSON ``Infinity``, ``1e999``) escapes to FaultWrapper, whose 500 says nothing.
            raise exception.CinderException(str(exc)) from None
        if bad_size:
            raise exception.InvalidInput(
                reason=f"Invalid volume size provided for create request: {size} (size argument "
                "must be an integer (or string representation of an integer) and greater than "
                "zero)."
            )
        if group is not None and cast:
            check_group_type(group, volume_type)
        if volume_type is not None:
            self._check_source_type(volume_type, source_volume, snapshot)
        if k.switches.series.cinder >= TYPE_SIZE_FILTER_SINCE:
            # The type asked for, else the default one (not the source's: the flow picks that)
            check_type_size(volume_type or self.cinder.default_type, size)
        check_metadata_properties(metadata)
        # ExtractVolumeRequestTask
        options = {
            "backup": backup,
            "imageRef": image_id,
            "snapshot": snapshot,
            "source_volume": source_volume,
        }
        if sum(v is not None for v in options.values()) > 1:
            names = ", ".join(sorted(key.replace("_", " ") for key in options))
            raise exception.InvalidInput(reason=f"May specify only one of {names}")
        if snapshot is not None and snapshot.status != "available":
            raise exception.InvalidSnapshot(
                reason="Originating snapshot status must be one of 'available' values"
            )
        if backup is not None and backup.status != "available":
            raise exception.InvalidBackup(
                reason="Originating backup status must be one of 'available' values"
            )
        if source_volume is not None and source_volume.status not in ("available", "in-use"):
            raise exception.InvalidVolume(
                reason="Originating source volume status must be one of 'available, in-use' values"
            )
        if not size and source_volume is not None:
            size = source_volume.size
        elif not size and snapshot is not None:
            size = snapshot.volume_size
        elif not size and backup is not None:
            size = backup.size
        size = int(size) if _is_int_like(size) else size
        if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
            raise exception.InvalidInput(
                reason=f"Volume size '{size}' must be an integer and greater than 0"
            )
        if source_volume is not None and size < source_volume.size:
            raise exception.InvalidInput(
                reason=f"Volume size '{size}'GB cannot be smaller than original volume size  "
                f"{source_volume.size}GB. They must be >= original volume size."
            )
        if snapshot is not None and size < snapshot.volume_size:
            raise exception.InvalidInput(
                reason=f"Volume size '{size}'GB cannot be smaller than the snapshot size "
                f"{snapshot.volume_size}GB. They must be >= original snapshot size."
            )
        if backup is not None and size < backup.size:
            raise exception.InvalidInput(
                reason=f"Volume size {size}GB cannot be smaller than the backup size "
                f"{backup.size}GB. It must be >= backup size."
            )
        if group is not None and group.status not in GROUP_PROCEED_STATUS:
            raise exception.InvalidGroup(
                reason="Originating group status must be one of 'available, creating' values"
            )
        image_meta = None
        if image_id is not None:
            image_meta = self.cinder.image_service.show(context, image_id, image_read)
            check_image_metadata(image_meta, size, k.switches.cinder_api_virtual_size_check)
        if volume_type is None:
            if source_volume is not None:
                volume_type = self._source_type(context, source_volume.volume_type)
            elif snapshot is not None:
                volume_type = self._source_type(context, snapshot.volume_type)
            elif image_meta and image_meta.get("properties", {}).get("cinder_img_volume_type"):
                volume_type = self.cinder.volume_type(
                    image_meta["properties"]["cinder_img_volume_type"]
                )
            else:
                volume_type = self.cinder.project_default_type(context)
        if k.switches.cinder_type_reread_as_caller and volume_type.id is not None:
            # 12.x ExtractVolumeRequestTask: get_by_name_or_id(context, volume_type_id) again,
            # by id as the caller: a private type is a member's 404 even when named.
            self.cinder.volume_type_by_id(volume_type.id, context)
        refused = k.switches.cinder_multiattach_encrypted_refused
        # ExtractVolumeRequestTask, after _get_encryption_key_id (d8d9e1cce7 in 12.0.2 read the
        # type alone; 302e46d0c2 in 12.0.5, 13.0.0 on, the parameter too).
        if (
            refused
            and (volume_type.multiattach or (multiattach and refused == "type_or_parameter"))
            and encryption_of(self.cinder, volume_type.id) is not None
        ):
            raise exception.InvalidVolume(
                reason="Multiattach cannot be used with encrypted volumes."
            )
        # ExtractVolumeRequestTask: the type's multiattach, or the deprecated parameter.
        multiattach = volume_type.multiattach or multiattach
        if multiattach:
            self._authorize(context, "volume:multiattach")
        zone = availability_zone
        if zone is None:
            if snapshot is not None:
                zone = self.store.volumes[snapshot.volume_id].availability_zone
            elif source_volume is not None:
                zone = source_volume.availability_zone
            else:
                zone = cfg.storage_availability_zone
        if zone != cfg.storage_availability_zone:
            raise exception.InvalidAvailabilityZone(az=zone)
        # QuotaReserveTask
        quotas = self.cinder.quotas
        try:
            quotas.limit_check(context.project_id, per_volume_gigabytes=size)
        except exception.OverQuota as e:
            raise exception.VolumeSizeExceedsLimit(
                size=size, limit=e.kwargs["quotas"]["per_volume_gigabytes"]
            )
        deltas = quotas.add_volume_type_opts({"volumes": 1, "gigabytes": size}, volume_type.name)
        try:
            reservation = quotas.reserve_deltas(context.project_id, deltas)
        except exception.OverQuota as e:
            process_reserve_over_quota(e, "volumes", size)
        # EntryCreateTask
        bootable = False
        if source_volume is not None:
            bootable = source_volume.bootable
        elif snapshot is not None:
            source = self.store.volumes.get(snapshot.volume_id)
            bootable = source.bootable if source is not None else False
        # (_get_encryption_key_id: a new key for an encrypted type, before the row)
        key_id = new_key_id(self.cinder, volume_type) if self.cinder.type_encryption else None
        volume = Volume(
            id=k.ids.uuid(),
            project_id=context.project_id,
            user_id=context.user_id,
            size=size,
            display_name=name,
            display_description=description,
            volume_type=volume_type,
            availability_zone=zone,
            created_at=k.now,
            bootable=bootable,
            multiattach=multiattach,
            snapshot_id=snapshot.id if snapshot is not None else None,
            source_volid=source_volume.id if source_volume is not None else None,
            metadata=dict(metadata or {}),
            encryption_key_id=key_id,
        )
        born_volume(k, volume, "creating", ACTOR)
        self.store.volumes[volume.id] = volume
        if group is not None:
            volume.group_id = group.id
        quotas.commit(reservation)
        if not cast:
            return volume
        # VolumeCastTask
        request = {
            "volume_id": volume.id,
            "snapshot_id": volume.snapshot_id,
            "source_volid": volume.source_volid,
            "image_meta": image_meta,
            "volume": volume,  # the message's object (the scheduler's, if its row is gone)
        }
        if backup is not None:  # (3.47) only then, so other casts carry what they did
            request["backup_id"] = backup.id
        if image_meta is not None:  # the caller's context, whose token the download sends
            request["context"] = context
        cleanup.create_worker(self.cinder, "Volume", volume)  # scheduler_rpcapi.create_volume
        k.rpc.cast_kwargs("cinder-scheduler", "create_volume", request)
        return volume

    # -- update and delete -------------------------------------------------------------------

    def update(self, context: Any, volume: Volume, fields: dict[str, Any]) -> None:
        """Change a volume's name, description or metadata."""
        self._authorize(context, "volume:update", volume.project_id, volume.user_id)
        if volume.status == "maintenance":
            raise exception.InvalidVolume(reason="The volume cannot be updated during maintenance.")
        check_metadata_properties(fields.get("metadata"))
        for key, value in fields.items():
            setattr(volume, key, dict(value) if key == "metadata" else value)
        volume.updated_at = self.kernel.now

    # -- metadata (``get_volume_metadata`` .. ``delete_volume_metadata``) ---------------------

    def get_metadata(self, context: Any, volume: Volume) -> dict[str, str]:
        """A volume's metadata (a copy)."""
        self._authorize(context, "volume:get_volume_metadata", volume.project_id, volume.user_id)
        return dict(volume.metadata)

    def update_metadata(
        self,
        context: Any,
        volume: Volume,
        metadata: dict[str, str],
        delete: bool = False,
        action: str = "volume:update_volume_metadata",
    ) -> dict[str, str]:
        """Merge `metadata` into the volume's (replace it all when `delete`); the answer is
        ``_volume_x_metadata_update``'s: changed keys, new keys, then the unchanged ones."""
        self._authorize(context, action, volume.project_id, volume.user_id)
        self._check_metadata_status(volume, "Updating")
        old = volume.metadata
        if delete:
            old = {k: v for k, v in old.items() if k in metadata}
        changed = {k: metadata[k] for k in old if k in metadata and metadata[k] != old[k]}
        added = {k: v for k, v in metadata.items() if k not in old}
        volume.metadata = {**old, **changed, **added}
        return {**changed, **added, **{k: v for k, v in old.items() if k not in changed}}

    def delete_metadata(self, context: Any, volume: Volume, key: str) -> None:
        """Remove one metadata key (the controller answers 404 when it is absent)."""
        self._authorize(context, "volume:delete_volume_metadata", volume.project_id, volume.user_id)
        self._check_metadata_status(volume, "Deleting")
        volume.metadata = {k: v for k, v in volume.metadata.items() if k != key}

    # -- image metadata (``volume_glance_metadata``: the os-*_image_metadata actions) ---------

    def get_image_metadata(self, context: Any, volume: Volume) -> dict[str, str]:
        """``get_volume_image_metadata``: 404 ``GlanceMetadataNotFound`` when it has none."""
        self._authorize(context, "volume:get_volume_metadata", volume.project_id, volume.user_id)
        if not volume.volume_image_metadata:
            raise exception.GlanceMetadataNotFound(id=volume.id)
        return dict(volume.volume_image_metadata)

    def authorize_image_metadata(self, context: Any, volume: Volume, change: str) -> None:
        """The image-metadata action's own policy (`change`: ``set`` or ``remove``; before
        19.0.0 one rule, ``volume_extension:volume_image_metadata``), as Queens' controller
        asks it before it reads the body (403 ``PolicyNotAuthorized``)."""
        self._authorize(
            context,
            f"volume_extension:volume_image_metadata:{change}",
            volume.project_id,
            volume.user_id,
        )

    def set_image_metadata(
        self, context: Any, volume: Volume, metadata: dict[str, str]
    ) -> dict[str, str]:
        """``os-set_image_metadata``: the set policy, then ``update_volume_metadata`` of the
        image type (its policy and status check); answers the rows it saved or skipped."""
        self._authorize(
            context, "volume_extension:volume_image_metadata:set", volume.project_id, volume.user_id
        )
        self._authorize(context, "volume:update_volume_metadata", volume.project_id, volume.user_id)
        self._check_metadata_status(volume, "Updating")
        if self.kernel.switches.series.cinder <= QUEENS:
            # Queens' action has no schema: this is its check (the 255 characters, 13.0.0 on
            # the schema's, switch ``cinder_image_metadata_value_255``); then the db reads
            # ``metadata.items()`` (an AttributeError for what is no mapping)
            check_metadata_properties(metadata)
            metadata = dict(metadata.items())
        old = volume.volume_image_metadata
        changed = {k: metadata[k] for k in old if k in metadata and metadata[k] != old[k]}
        added = {k: v for k, v in metadata.items() if k not in old}
        volume.volume_image_metadata = {**old, **changed, **added}
        return {**changed, **added, **{k: v for k, v in old.items() if k not in changed}}

    def unset_image_metadata(self, context: Any, volume: Volume, key: str) -> None:
        """``os-unset_image_metadata``: 404 ``GlanceMetadataNotFound`` for a key it lacks."""
        self._authorize(
            context,
            "volume_extension:volume_image_metadata:remove",
            volume.project_id,
            volume.user_id,
        )
        if key not in self.get_image_metadata(context, volume):
            raise exception.GlanceMetadataNotFound(id=volume.id)
        self._authorize(context, "volume:delete_volume_metadata", volume.project_id, volume.user_id)
        self._check_metadata_status(volume, "Deleting")
        volume.volume_image_metadata = {
            k: v for k, v in volume.volume_image_metadata.items() if k != key
        }

    @staticmethod
    def _check_metadata_status(volume: Volume, verb: str) -> None:
        if volume.status in ("maintenance", "uploading"):
            raise exception.InvalidVolume(
                reason=f"{verb} volume metadata is not allowed for volumes in "
                f"{volume.status} status."
            )

    def delete(
        self,
        context: Any,
        volume: Volume,
        force: bool = False,
        cascade: bool = False,
        unmanage_only: bool = False,
    ) -> None:
        """Start deleting a volume (with its snapshots when `cascade`); with `unmanage_only`,
        forgetting it (``unmanaging``: the backend keeps its data)."""
        k = self.kernel
        self._authorize(context, "volume:delete", volume.project_id, volume.user_id)
        if not volume.host:
            # Never scheduled: destroyed at once, its quota returned.
            if volume.status != "error_managing" and volume.use_quota:
                self.cinder.quotas.release(
                    volume.project_id,
                    **self.cinder.quotas.add_volume_type_opts(
                        {"volumes": 1, "gigabytes": volume.size}, volume.volume_type.name
                    ),
                )
            VOLUME_STATUS.move(k, volume, "deleting", actor=ACTOR)
            VOLUME_STATUS.move(k, volume, "deleted", actor=ACTOR)
            del self.store.volumes[volume.id]
            self.cinder.row_deleted(volume)
            self.store.admin_metadata_delete(volume.id)
            return
        if not unmanage_only and self.cinder.frozen_services:
            assert_not_frozen(self.cinder, volume.backend)
        snapshots = self.store.volume_snapshots(volume)
        ok = (
            volume.attach_status != "attached"
            and not is_migrating(volume)
            and (force or volume.status in DELETABLE_STATUSES)
            and group_of(volume) is None
        )
        if ok and not cascade:
            ok = not snapshots
        elif ok and not force:
            ok = all(
                s.status in ("available", "error")
                and s.cgsnapshot_id is None
                and s.group_snapshot_id is None
                for s in snapshots
            )
            if not context.is_admin:
                ok = ok and all(s.project_id == context.project_id for s in snapshots)
        if not ok:
            status = build_or_str(None if force else DELETABLE_STATUSES, "status must be %s and")
            transfer = (
                ", awaiting a transfer, or"
                if k.switches.series.cinder >= TRANSFER_IN_DELETE_REFUSAL_FROM_CINDER
                else " or"
            )
            raise exception.InvalidVolume(
                reason=f"Volume {status} must not be migrating, attached, belong to a group, "
                f"have snapshots{transfer} be disassociated from snapshots after volume transfer."
            )
        if volume.status == "error_managing":
            busy = "error_managing_deleting"  # an os-unmanage's too (the driver's unmanage)
        else:
            busy = "unmanaging" if unmanage_only else "deleting"
        VOLUME_STATUS.move(k, volume, busy, actor=ACTOR)
        if cascade:
            for snap in snapshots:
                if not force and snap.status not in ("available", "error", "deleting"):
                    VOLUME_STATUS.move(k, volume, "error_deleting", actor=ACTOR)
                    raise exception.InvalidVolume(reason="Failed to update snapshot.")
                SNAPSHOT_STATUS.move(k, snap, "deleting", actor=ACTOR)
        unmanage = {"unmanage_only": True} if unmanage_only else {}
        cleanup.create_worker(self.cinder, "Volume", volume)  # volume_rpcapi.delete_volume
        k.rpc.cast(
            self.cinder.volume_target(volume.backend),
            "delete_volume",
            volume_id=volume.id,
            cascade=cascade,
            **unmanage,
        )

    # -- extend ------------------------------------------------------------------------------

    def extend(self, context: Any, volume: Volume, new_size: int, attached: bool = False) -> None:
        """``API.extend`` / ``extend_attached_volume`` (``_extend``): checks, ``extending``,
        the ``gigabytes`` reservation, then the scheduler's ``extend_volume``."""
        k = self.kernel
        policy_name = "volume:extend_attached_volume" if attached else "volume:extend"
        self._authorize(context, policy_name, volume.project_id, volume.user_id)
        size_increase = int(new_size) - volume.size
        if size_increase <= 0:
            raise exception.InvalidInput(
                reason="New size for extend must be greater than current size. (current: "
                f"{volume.size}, extended: {new_size})."
            )
        if k.switches.series.cinder >= TYPE_SIZE_FILTER_SINCE:
            check_type_size(volume.volume_type, new_size)
        expected = "in-use" if attached else "available"
        if volume.status != expected:
            raise exception.InvalidVolume(
                reason=f"Volume {volume.id} status must be '{{'status': '{expected}'}}' to "
                f"extend, currently {volume.status}."
            )
        previous = volume.status
        VOLUME_STATUS.move(k, volume, "extending", actor=ACTOR)
        quotas = self.cinder.quotas
        try:
            quotas.limit_check(context.project_id, per_volume_gigabytes=new_size)
        except exception.OverQuota as e:
            VOLUME_STATUS.move(k, volume, previous, actor=ACTOR)
            raise exception.VolumeSizeExceedsLimit(
                size=new_size, limit=e.kwargs["quotas"]["per_volume_gigabytes"]
            )
        deltas = quotas.add_volume_type_opts({"gigabytes": size_increase}, volume.volume_type.name)
        try:
            reservation = quotas.reserve(volume.project_id, **deltas)
        except exception.OverQuota as e:
            VOLUME_STATUS.move(k, volume, previous, actor=ACTOR)
            used = e.kwargs["usages"]["gigabytes"]
            raise exception.VolumeSizeExceedsAvailableQuota(
                name="gigabytes",
                requested=size_increase,
                consumed=used["reserved"] + used["in_use"],
                quota=e.kwargs["quotas"]["gigabytes"],
            )
        k.rpc.cast(
            "cinder-scheduler",
            "extend_volume",
            volume_id=volume.id,
            new_size=int(new_size),
            reservation=reservation,
            previous_status=previous,
        )

    # -- read-only flag and retype -----------------------------------------------------------

    def update_readonly_flag(self, context: Any, volume: Volume, flag: bool) -> None:
        """``API.update_readonly_flag``: an ``available`` volume's admin metadata ``readonly``
        becomes ``"True"``/``"False"`` (shown in its metadata; a later attachment is
        read-only)."""
        self._authorize(context, "volume:update_readonly_flag", volume.project_id, volume.user_id)
        if volume.status != "available":
            raise exception.InvalidVolume(
                reason=f"Volume {volume.id} status must be available to update readonly flag, "
                f"but current status is: {volume.status}."
            )
        self.store.admin_metadata_update(volume.id, {"readonly": str(flag)})

    def _check_source_type(
        self, volume_type: VolumeType, source_volume: Volume | None, snapshot: Snapshot | None
    ) -> None:
        """``API.create``'s refusal of a type other than the source volume's or the
        snapshot's (12.0.10 to 29.0.0) unless `_retype_is_possible` from the source volume's
        type (the snapshot's volume's, as it is now)."""
        if source_volume is not None:
            source, what = source_volume.volume_type, "either match source volume, or omit type"
        elif snapshot is not None:
            source, what = snapshot.volume_type, "recommend omitting the type"
            source_volume = self.store.volumes[snapshot.volume_id]
        else:
            return
        if volume_type.id != source.id and not self._retype_is_possible(
            source_volume.volume_type, volume_type
        ):
            raise exception.InvalidInput(
                reason=f"Invalid volume_type provided: {volume_type.id} (requested type is not "
                f"compatible; {what} argument)."
            )

    def _retype_is_possible(self, source: VolumeType, target: VolumeType) -> bool:
        """``API._retype_is_possible``: true when exactly one cinder-volume service is
        disabled (``ServiceList.get_all_by_topic(disabled=True)`` counts the disabled ones
        only), else when both types name the same ``volume_backend_name``. (Encrypted types,
        whose change it refuses first, are not modelled.)"""
        cinder = self.cinder
        if len(cinder.drivers) - len(cinder.enabled_drivers(include_frozen=True)) == 1:
            return True
        backend = source.extra_specs.get("volume_backend_name")
        return bool(backend) and backend == target.extra_specs.get("volume_backend_name")

    def _source_type(self, context: Any, vtype: VolumeType) -> VolumeType:
        """A source volume's or snapshot's type as the create flow reads it: by id as the
        caller (``get_by_name_or_id``), so a private one is a member's 404 once 674c8e7286
        (17.0.0, 16.2.0, 15.4.0: switch ``lp1879578`` off from Cinder 15) raises (12.x: the
        re-read below); 13.0.0-14.x log and go on (not modelled: the source's type is kept),
        and while ``lp1879578`` is on the controller gave the default type."""
        if (
            vtype.id is not None
            and self.kernel.switches.series.cinder >= DEFAULT_TYPE_SINCE
            and not self.kernel.switches.lp1879578
        ):
            self.cinder.volume_type_by_id(vtype.id, context)
        return vtype

    def retype(
        self, context: Any, volume: Volume, new_type: str, migration_policy: str | None = None
    ) -> None:
        """``API.retype`` (cinder 29.0.0 ``volume/api.py``): the new type by name or id, the
        multiattach rule, the per-type quota of the new type reserved and the old one's given
        back, ``retyping``, then the scheduler's ``retype``."""
        k = self.kernel
        self._authorize(context, "volume:retype", volume.project_id, volume.user_id)
        if migration_policy and migration_policy not in ("on-demand", "never"):
            # (the schema refuses it first from Cinder 13; the message names the type)
            raise exception.InvalidInput(
                reason=f"migration_policy must be 'on-demand' or 'never', passed: {new_type}"
            )
        # get_by_name_or_id(context.elevated(), ...) (12.0.10-29.0.0): a private type's id too.
        vtype = self.cinder.volume_type(new_type)
        if k.switches.series.cinder >= TYPE_SIZE_FILTER_SINCE:
            check_type_size(vtype, volume.size)
        src_multiattach = volume.multiattach
        # Switch lp1790840: ``_is_multiattach`` getattr()s a dict's extra_specs: always False.
        tgt_multiattach = vtype.multiattach and not k.switches.lp1790840
        if src_multiattach != tgt_multiattach:
            if volume.status != "available":
                raise exception.InvalidInput(
                    reason="Invalid volume_type passed, retypes affecting multiattach are only "
                    "allowed on available volumes, the specified volume however currently has a "
                    f"status of: {volume.status}."
                )
            if tgt_multiattach:
                self._authorize(context, "volume:multiattach", volume.project_id, volume.user_id)
        if (
            tgt_multiattach
            and not k.switches.cinder_retype_encrypted_multiattach
            and encryption_of(self.cinder, vtype.id) is not None
        ):
            raise exception.InvalidInput(
                reason="Retype requested both encryption and multi-attach, which is not supported."
            )
        # quota_utils.get_volume_type_reservation(reserve_vol_type_only=True): only the
        # per-type resources, the volume's snapshots counted with it (SNAPSHOTS_RETYPED_SINCE).
        retyped = k.switches.series.cinder >= SNAPSHOTS_RETYPED_SINCE
        snapshots = self.store.volume_snapshots(volume) if retyped else ()
        quotas = self.cinder.quotas
        deltas = {"volumes": 1, "gigabytes": volume.size}
        if snapshots:
            deltas["snapshots"] = len(snapshots)
            if not self.cinder.config.no_snapshot_gb_quota:
                deltas["gigabytes"] += sum(s.volume_size for s in snapshots)
        new_deltas = {f"{r}_{vtype.name}": d for r, d in deltas.items()}
        old = volume.volume_type.name  # None: an untyped volume has no per-type usage
        old_deltas = {f"{r}_{old}": -d for r, d in deltas.items()} if old else {}
        try:
            reservation = quotas.reserve_deltas(volume.project_id, new_deltas)
        except exception.OverQuota as e:
            process_reserve_over_quota(e, "volumes", volume.size)
        old_reservation = quotas.reserve_deltas(volume.project_id, old_deltas)
        if (
            volume.status not in ("available", "in-use")
            or is_migrating(volume)
            or vtype is volume.volume_type
            or group_of(volume) is not None
            or not allows_retype(self.cinder, volume, vtype)
        ):
            quotas.rollback(reservation)
            quotas.rollback(old_reservation)
            raise exception.InvalidVolume(
                reason="Retype needs volume to be in available or in-use state, not be part of "
                "an active migration or a consistency group, requested type has to be different "
                "that the one from the volume, and for in-use volumes front-end qos specs cannot "
                "change."
            )
        previous = volume.status
        VOLUME_STATUS.move(k, volume, "retyping", actor=ACTOR)
        k.rpc.cast_kwargs(
            "cinder-scheduler",
            "retype",
            {
                "volume_id": volume.id,
                "new_type_id": vtype.id,
                "migration_policy": migration_policy,
                "reservation": reservation,
                "old_reservation": old_reservation,
                "previous_status": previous,
            },
        )
        volume.multiattach = tgt_multiattach

    # -- upload to image ---------------------------------------------------------------------

    def copy_volume_to_image(
        self, context: Any, volume: Volume, metadata: dict[str, Any], force: bool
    ) -> dict[str, Any]:
        """``API.copy_volume_to_image``: the volume goes ``uploading``, Glance gets a queued
        image (with the volume's non-core image metadata as properties) and the backend's
        manager is cast to copy the bytes; returns the 202 body's inner dict.

        ``force`` counts only with ``enable_force_upload``. A Glance refusal of the image
        puts the volume back to its previous status and is raised (the action makes it 400).
        """
        k = self.kernel
        if not self.enable_force_upload:
            force = False  # "Force upload to image is disabled, Force option will be ignored."
        expected = ("available", "in-use") if force else ("available",)
        if volume.status not in expected:
            raise exception.InvalidVolume(
                reason=f"Volume {volume.id} status must be {build_or_str(expected)}"
            )
        previous = volume.status
        VOLUME_STATUS.move(k, volume, "uploading", actor=ACTOR)
        cinder_major = k.switches.series.cinder
        try:
            # _merge_volume_image_meta: custom properties (not already given, from 15.0.0).
            given = metadata if cinder_major >= MERGE_SKIPS_GIVEN_KEYS_SINCE else ()
            custom = [
                key
                for key in volume.volume_image_metadata
                if key not in GLANCE_CORE_PROPERTIES and key not in given
            ]
            if not k.switches.cinder_upload_keeps_reserved_namespaces:
                custom = [key for key in custom if not key.startswith(RESERVED_IMAGE_NAMESPACES)]
            if custom:
                metadata["properties"] = {
                    key: volume.volume_image_metadata[key] for key in sorted(custom)
                }
            recv = self.cinder.image_service.create(context, metadata)
            if (
                recv.get("container_format") == "compressed"
                and cinder_major >= COMPRESSED_UPLOAD_REFUSED_SINCE
            ):
                raise exception.ImageCompressionNotAllowed()  # the queued image stays
        except Exception:
            VOLUME_STATUS.move(k, volume, previous, actor=ACTOR)
            raise
        k.rpc.cast(
            self.cinder.volume_target(volume.backend),
            "copy_volume_to_image",
            volume_id=volume.id,
            image_meta=recv,
            context=context,
        )
        vtype = volume.volume_type
        response: dict[str, Any] = {
            "id": volume.id,
            "updated_at": self.cinder.timestamp(volume.updated_at),
            "status": "uploading",
            "display_description": volume.display_description,
            "size": volume.size,
            "volume_type": None
            if vtype.id is None
            else {
                "id": vtype.id,
                "name": vtype.name,
                "description": vtype.description,
                "is_public": vtype.is_public,
                "extra_specs": dict(vtype.extra_specs),
            },
            "image_id": recv["id"],
            "container_format": recv["container_format"],
            "disk_format": recv["disk_format"],
            "image_name": recv.get("name"),
        }
        # Glance's answer always carries both (base properties of its image schema).
        if "protected" in recv:
            response["protected"] = recv["protected"]
        if "visibility" in recv:
            response["visibility"] = recv["visibility"]
        return response

    # -- legacy attach flow ------------------------------------------------------------------

    def reserve_volume(self, context: Any, volume: Volume) -> None:
        """os-reserve: ``available`` (or ``in-use`` when multiattach) → ``attaching``."""
        self._authorize(
            context, "volume_extension:volume_actions:reserve", volume.project_id, volume.user_id
        )
        expected = ("available", "in-use") if volume.multiattach else ("available",)
        if volume.status not in expected:
            raise exception.InvalidVolume(
                reason=f"Volume status must be {build_or_str(expected)} to reserve, but the "
                f"status is {volume.status}."
            )
        VOLUME_STATUS.move(self.kernel, volume, "attaching", actor=ACTOR)

    def unreserve_volume(self, context: Any, volume: Volume) -> None:
        """os-unreserve: ``attaching`` → ``in-use`` if attached somewhere, else ``available``;
        any other status is left alone."""
        self._authorize(
            context, "volume_extension:volume_actions:unreserve", volume.project_id, volume.user_id
        )
        if volume.status != "attaching":
            return
        new = "in-use" if volume.attachments else "available"
        VOLUME_STATUS.move(self.kernel, volume, new, actor=ACTOR)

    def terminate_connection(self, context: Any, volume: Volume, connector: Any) -> None:
        """os-terminate_connection (``API.terminate_connection``, 12.0.10 to 29.0.0): the
        policy, a user's call refused while Nova holds the volume's one attachment (from
        23.0.0), the driver's end of `connector`'s connection (`Driver.terminate_connection`:
        its ``VolumeBackendAPIException`` changes nothing), then `unreserve_volume`."""
        self._authorize(
            context, "volume_extension:volume_actions:terminate_connection", volume.project_id
        )
        self.cinder.attachment_api.deletion_allowed(context, None, volume)
        if volume.backend:
            self.cinder.drivers[volume.backend].terminate_connection(volume, connector)
        self.unreserve_volume(context, volume)

    def initialize_connection(self, context: Any, volume: Volume, connector: Any) -> dict[str, Any]:
        """os-initialize_connection (``API.initialize_connection`` and the manager's, 12.0.10 to
        29.0.0): the policy, no connection to a volume in maintenance, then the driver's
        ``validate_connector`` (the iSCSI target's ``initiator``: ``in`` on whatever the body
        gave; RBD's: nothing) and
        ``initialize_connection`` with ``_parse_connection_options``. Any status else will do,
        and nothing changes: the legacy flow reserves and attaches in actions of its own."""
        self._authorize(
            context, "volume_extension:volume_actions:initialize_connection", volume.project_id
        )
        if volume.status == "maintenance":
            raise exception.InvalidVolume(
                reason="The volume connection cannot be initialized in maintenance mode."
            )
        driver = self.cinder.drivers[volume.backend] if volume.backend else None
        needs = driver.connector_needs if driver is not None else "initiator"
        try:
            check_connector(needs, connector)
        except TypeError:  # (Queens' body has no schema) the manager's `except Exception`
            raise exception.VolumeBackendAPIException(data="validate_connector") from None
        return connection.initialize(self.cinder, volume, connector, context)

    def begin_detaching(self, context: Any, volume: Volume) -> None:
        """os-begin_detaching: ``in-use``/``attached`` → ``detaching``."""
        self._authorize(
            context, "volume_extension:volume_actions:begin_detaching", volume.project_id
        )
        if (
            volume.status == "in-use"
            and volume.attach_status == "attached"
            and not is_migrating(volume)
        ):
            VOLUME_STATUS.move(self.kernel, volume, "detaching", actor=ACTOR)
            return
        if not is_migrating(volume):
            raise exception.InvalidVolume(
                reason="Unable to detach volume. Volume status must be 'in-use' and "
                "attach_status must be 'attached' to detach."
            )

    def roll_detaching(self, context: Any, volume: Volume) -> None:
        """os-roll_detaching: ``detaching`` → ``in-use``; any other status is left alone."""
        self._authorize(
            context, "volume_extension:volume_actions:roll_detaching", volume.project_id
        )
        if volume.status == "detaching":
            VOLUME_STATUS.move(self.kernel, volume, "in-use", actor=ACTOR)

    def attach(
        self,
        context: Any,
        volume: Volume,
        instance_uuid: str | None,
        host_name: str | None,
        mountpoint: str,
        mode: str = "rw",
    ) -> VolumeAttachment:
        """os-attach (``API.attach`` and the manager's ``attach_volume``, 12.0.10 to 29.0.0):
        the API gives the volume a ``readonly`` admin metadata row of ``"False"`` unless it has
        one and refuses a read-only volume's mode other than ``ro`` (400, no user message);
        the volume becomes ``in-use``, its mode the ``attached_mode`` admin metadata."""
        k = self.kernel
        self._authorize(
            context, "volume_extension:volume_actions:attach", volume.project_id, volume.user_id
        )
        if volume.status == "maintenance":
            raise exception.InvalidVolume(
                reason="The volume cannot be attached in maintenance mode."
            )
        admin = self.store.volume_admin_metadata(volume.id)
        added_readonly = "readonly" not in admin
        if added_readonly:
            admin = self.store.admin_metadata_update(volume.id, {"readonly": "False"})
        if admin["readonly"] == "True" and mode != "ro":
            raise exception.InvalidVolumeAttachMode(mode=mode, volume_id=volume.id)
        if volume.status == "attaching" and admin.get("attached_mode") not in (None, mode):
            raise exception.InvalidVolume(reason="being attached by different mode")
        for attachment in volume.attachments:
            same = (
                attachment.instance_uuid == instance_uuid
                if instance_uuid
                else attachment.attached_host == host_name
            )
            if same:
                VOLUME_STATUS_FORCED.move(k, volume, "in-use", actor=ACTOR)
                return attachment
        if volume.status == "in-use" and not volume.multiattach and not volume.migration_status:
            raise exception.InvalidVolume(
                reason="volume is already attached and multiple attachments are not enabled"
            )
        # Volume.begin_attach: the mode is the volume's attached_mode until its detach, even
        # when the checks below refuse the attach.
        self.store.admin_metadata_update(volume.id, {"attached_mode": mode})
        if added_readonly and context.is_admin and k.switches.cinder_os_attach_drops_readonly:
            # The volume the API read for an admin carries its admin metadata, read before the
            # API added readonly through the DB; begin_attach's save writes it with delete=True.
            self.store.admin_metadata_delete(volume.id, "readonly")
        if instance_uuid and not is_uuid_like(instance_uuid):
            raise exception.InvalidUUID(uuid=instance_uuid)
        attachment = new_attachment(self.cinder, volume, instance_uuid, "attached")
        attachment.attached_host = host_name
        attachment.mountpoint = mountpoint
        attachment.attach_mode = mode
        attachment.attach_time = k.now
        VOLUME_STATUS_FORCED.move(k, volume, "in-use", actor=ACTOR)
        VOLUME_ATTACH_STATUS.move(k, volume, "attached", actor=ACTOR, field="attach_status")
        return attachment

    def detach(self, context: Any, volume: Volume, attachment_id: str | None) -> None:
        """os-detach (the manager's ``detach_volume``): finish one attachment."""
        self._authorize(
            context, "volume_extension:volume_actions:detach", volume.project_id, volume.user_id
        )
        self.cinder.attachment_api.deletion_allowed(context, attachment_id, volume)
        if volume.status == "maintenance":
            raise exception.InvalidVolume(
                reason="The volume cannot be detached in maintenance mode."
            )
        if attachment_id:
            attachment = self.store.attachments.get(attachment_id)
            if attachment is None:
                # "Volume detach called, but volume not attached.": the manager's
                # finish_detach recomputes the status (db.volume_detached takes the missing
                # row; 12.0.10 to 29.0.0); from 23.0.0 a user's call was refused above.
                finish_detach(self.cinder, volume, None)
                return
            if attachment.volume_id != volume.id:
                raise exception.VolumeAttachmentNotFound(filter=f"attachment_id = {attachment_id}")
        elif len(volume.attachments) > 1:
            raise exception.InvalidVolume(
                reason="Detach volume failed: More than one attachment, but no attachment_id "
                "provided."
            )
        elif volume.attachments:
            attachment = volume.attachments[0]
        else:
            finish_detach(self.cinder, volume, None)
            return
        finish_detach(self.cinder, volume, attachment)

    def set_bootable(self, context: Any, volume: Volume, bootable: bool) -> None:
        """os-set_bootable."""
        self._authorize(context, "volume:update", volume.project_id, volume.user_id)
        volume.bootable = bootable
        volume.updated_at = self.kernel.now

    # -- admin actions -----------------------------------------------------------------------

    def reset_status(
        self,
        context: Any,
        volume: Volume,
        status: str | None,
        attach_status: str | None,
        migration_status: str | None,
    ) -> None:
        """os-reset_status (admin): set any status, as ``VolumeAdminController`` does."""
        k = self.kernel
        self._authorize(
            context, "volume_extension:volume_admin_actions:reset_status", volume.project_id
        )
        if k.switches.series.cinder >= RESET_REFUSALS_SINCE:
            if status in RESET_REFUSED:
                raise exception.Invalid(f"Cannot reset-state to {status}")
            if status == "in-use" and not volume.attachments:
                raise exception.Invalid(
                    "Cannot reset-state to in-use because volume does not have any attachments."
                )
        if status:
            VOLUME_STATUS_FORCED.move(k, volume, status, actor=ACTOR, details={"reset": True})
        if attach_status:
            VOLUME_ATTACH_STATUS_FORCED.move(
                k,
                volume,
                attach_status,
                actor=ACTOR,
                field="attach_status",
                details={"reset": True},
            )
        if migration_status:
            volume.migration_status = None if migration_status == "none" else migration_status
        if attach_status == "detached":
            for attachment in list(volume.attachments):
                finish_detach(self.cinder, volume, attachment)


def new_attachment(
    cinder: Any, volume: Volume, instance_uuid: str | None, status: str
) -> VolumeAttachment:
    """Insert an attachment row for `volume` (``db.volume_attach``)."""
    kernel = cinder.kernel
    attachment = VolumeAttachment(
        id=kernel.ids.uuid(),
        volume_id=volume.id,
        project_id=volume.project_id,
        instance_uuid=instance_uuid,
        created_at=kernel.now,
    )
    born(kernel, ATTACHMENT_STATUS, attachment, status, actor=ACTOR, field="attach_status")
    volume.attachments.append(attachment)
    cinder.store.attachments[attachment.id] = attachment
    links = cinder.links
    links.append(attachment.id)
    links.append(volume.id)
    if instance_uuid:
        links.append(volume.id)
        links.append(instance_uuid)
    return attachment


#: ``ATTACH_STATUS_MAP`` of the DB layer; other attach statuses are used as the status as is.
ATTACH_STATUS_MAP = {"attached": "in-use", "detached": "available"}


def finish_detach(cinder: Any, volume: Volume, attachment: VolumeAttachment | None) -> None:
    """Remove an attachment and recompute the volume's status from those left
    (``db.volume_detached``): attached > attaching > detaching > reserved, none → available.
    The volume's ``attached_mode`` admin metadata goes (``Volume.finish_detach``; Queens'
    ``attachment_delete`` too)."""
    k = cinder.kernel
    cinder.store.admin_metadata_delete(volume.id, "attached_mode")
    if attachment is not None and attachment in volume.attachments:
        ATTACHMENT_STATUS.move(k, attachment, "detached", actor=ACTOR, field="attach_status")
        attachment.detach_time = k.now
        ATTACHMENT_STATUS.move(k, attachment, "deleted", actor=ACTOR, field="attach_status")
        volume.attachments.remove(attachment)
        cinder.store.attachments.pop(attachment.id, None)
    remaining = sorted(
        a.attach_status for a in volume.attachments if not a.attach_status.startswith("error_")
    )
    attach_status = remaining[0] if remaining else "detached"
    status = ATTACH_STATUS_MAP.get(attach_status, attach_status)
    VOLUME_ATTACH_STATUS_FORCED.move(k, volume, attach_status, actor=ACTOR, field="attach_status")
    # A migration or an upload sets the status itself, unless the migration is over.
    if (
        attach_status != "detached"
        or (not volume.migration_status and volume.status != "uploading")
        or volume.migration_status in ("success", "error")
    ):
        VOLUME_STATUS_FORCED.move(k, volume, status, actor=ACTOR)


def check_type_size(vtype: VolumeType, size: Any) -> None:
    """``volume_types.provision_filter_on_size``: the type's ``provisioning:min_vol_size`` and
    ``provisioning:max_vol_size`` extra specs bound the volume's size. A create with no size
    (nor a source to take it from) makes its ``int(size)`` a ``TypeError``:
    ``ResourceExceptionHandler``'s plain 400."""
    try:
        size = int(size)
    except TypeError:
        raise exception.Invalid(GENERIC[400]) from None
    specs = vtype.extra_specs
    min_size = specs.get("provisioning:min_vol_size")
    if min_size and size < int(min_size):
        raise exception.InvalidInput(
            reason=f"Specified volume size of '{size}' is less than the minimum required size "
            f"of '{min_size}' for volume type '{vtype.name}'."
        )
    max_size = specs.get("provisioning:max_vol_size")
    if max_size and size > int(max_size):
        raise exception.InvalidInput(
            reason=f"Specified volume size of '{size}' is greater than the maximum allowable "
            f"size of '{max_size}' for volume type '{vtype.name}'."
        )


def check_metadata_properties(metadata: Any) -> None:
    """``cinder.utils.check_metadata_properties`` (the same in 12.0.10 and 27.0.0): keys of
    1-255 characters, string values of at most 255; oslo's ``check_string_length`` words the
    first two, nested in ``InvalidInput``."""
    if not metadata:
        return
    if not isinstance(metadata, dict):
        raise exception.InvalidInput("Metadata should be a dict.")
    for key, value in metadata.items():
        if not key:
            _invalid_metadata(f"Metadata key: {key} has 0 characters, less than 1.")
        if not isinstance(value, str):
            _invalid_metadata(f"Value for metadata key: {key} is not a string or unicode")
        if len(key) > 255:
            raise exception.InvalidVolumeMetadataSize(
                reason=f"Metadata property key {key} greater than 255 characters."
            )
        if len(value) > 255:
            raise exception.InvalidVolumeMetadataSize(
                reason=f"Metadata property key {key} value greater than 255 characters."
            )


def _invalid_metadata(reason: str) -> None:
    raise exception.InvalidVolumeMetadata(reason=exception.InvalidInput(reason=reason).msg)


def check_image_metadata(image_meta: dict[str, Any], size: int, virtual_size_checked: bool) -> None:
    """``volume_utils.check_image_metadata``: active, fits the volume, meets min_disk, and with
    `virtual_size_checked` (switch ``cinder_api_virtual_size_check``: 21.0.0, 20.3.1) its
    virtual size fits too."""
    if image_meta["status"] != "active":
        raise exception.InvalidInput(reason=f"Image {image_meta['id']} is not active.")
    image_gb = (int(image_meta["size"]) + GiB - 1) // GiB
    if image_gb > size:
        raise exception.InvalidInput(
            reason=f"Size of specified image {image_gb}GB is larger than volume size {size}GB."
        )
    min_disk = image_meta.get("min_disk") or 0
    if size < min_disk:
        raise exception.InvalidInput(
            reason=f"Volume size {size}GB cannot be smaller than the image minDisk size "
            f"{min_disk}GB."
        )
    virtual_size = image_meta.get("virtual_size")
    if virtual_size and virtual_size_checked:
        check_virtual_size(int(virtual_size), size, image_meta["id"])


def _is_int_like(value: Any) -> bool:
    """``strutils.is_int_like``."""
    try:
        return str(int(value)) == str(value)
    except (TypeError, ValueError):
        return False
