"""The vendor's instance snapshots: per-server chains of point-in-time disk states with a
"current" pointer, and the createImage branch that makes an image from one (seed profile,
switch ``instance_snapshot_branch``).

    >>> cloud.request("compute", "POST", f"/v2.1/servers/{sid}/snapshots",
    ...               {"snapshot": {"name": "before-upgrade"}})          # 202, status creating
    >>> cloud.request("compute", "POST", f"/v2.1/servers/{sid}/action",
    ...               {"createImage": {"name": "golden"}})               # made from that snapshot

The seed shows only the two calls the createImage handler makes, ``snapshot_current(context,
instance, compute_rpcapi)`` and ``snapshot_create_image(context, snapshot_id, instance,
compute_rpcapi, entity)``; the rest is fakecloud's definition (``shared/DESIGN.md``):

* An **instance snapshot** (`InstanceSnapshot`) has a status (`INSTANCE_SNAPSHOT_STATUS`):
  ``creating`` → ``available`` | ``error``; ``available``/``error`` → ``deleting`` →
  ``deleted`` (or ``error_deleting``, which a new DELETE retries).
* Each server has a chain (a tree: each snapshot names its parent, the current one when it was
  taken) and a **current** pointer. A new snapshot becomes current at once; one that fails
  hands the pointer back to its parent; a revert moves it; deleting the current one moves it to
  the parent. The chain lives in `InstanceSnapshotStore` (``nova.instance_snapshot_store``).
* An image-backed server's snapshot is taken on its compute host, a copy of its allocated disk
  on the host disk (`fakecloud.nova.compute.instance_snapshots`). A volume-backed server's is
  one Cinder snapshot per volume (``volume_api.create_snapshot_force``, named ``snapshot for
  <name>`` as Nova names its own), polled every ``instance_snapshot_poll_s`` until all are
  available: the group, with the block device mapping an image of it will carry.
* ``snapshot_current`` is an RPC call to the server's host (a server without a host has no
  current snapshot). ``snapshot_create_image`` answers 404 for a snapshot not of this server and
  409 for one not ``available``; then, image-backed: a queued image, task_state
  ``image_pending_upload`` (compare-and-swap from none), the ``createImage`` action, and a cast
  to the host, which uploads the snapshot's data (``image_uploading`` → none); volume-backed: an
  image whose ``block_device_mapping`` points at the grouped Cinder snapshots, active at once.
* Kept from the seed exactly: this branch never checks the ``allow_volume_backed`` policy, and
  a ``snapshot_id`` sent for a server with no current snapshot is ignored (servers.py).

`API` is the compute-API layer of these operations; the REST controller is
`fakecloud.nova.api.instance_snapshots`.
"""

from __future__ import annotations

import copy
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

from fakecloud.api.http import HttpError
from fakecloud.nova import exception, states
from fakecloud.nova.compute import utils as compute_utils
from fakecloud.nova.compute.api import (
    API_ACTOR,
    CREATE_IMAGE,
    SNAPSHOT_STATES,
    check_instance_lock,
    check_instance_state,
)
from fakecloud.nova.objects import image_mapping_fields, snapshot_image_mapping
from fakecloud.sim.states import StateMachine

CREATING = "creating"
AVAILABLE = "available"
ERROR = "error"
DELETING = "deleting"
ERROR_DELETING = "error_deleting"
DELETED = "deleted"

INSTANCE_SNAPSHOT_STATUS = StateMachine(
    "nova.instance_snapshot.status",
    {
        None: {CREATING},
        CREATING: {AVAILABLE, ERROR},
        AVAILABLE: {DELETING},
        ERROR: {DELETING},
        DELETING: {DELETED, ERROR_DELETING},
        ERROR_DELETING: {DELETING},
        DELETED: set(),
    },
)
"""Legal status changes of an instance snapshot."""

DELETABLE = (AVAILABLE, ERROR, ERROR_DELETING)
#: Cinder snapshot names Nova gives its own (the invariants recognise them by it).
VOLUME_SNAPSHOT_PREFIX = "snapshot for "
_UPLOAD_TASK_STATES = (states.IMAGE_PENDING_UPLOAD, states.IMAGE_UPLOADING)


class InstanceSnapshotNotFound(exception.NotFound):
    """No live instance snapshot of that id on that server (404, Nova's wording)."""

    msg_fmt = "Snapshot %(snapshot_id)s could not be found."


class InstanceSnapshotInvalidState(exception.NovaException):
    """The snapshot's status does not allow the action (409 conflictingRequest)."""

    msg_fmt = "Cannot '%(action)s' snapshot %(snapshot_id)s while it is in status %(status)s"
    code = 409


class InstanceSnapshotFailed(exception.NovaException):
    """Taking an instance snapshot failed (its status becomes ``error``)."""

    msg_fmt = "Instance snapshot %(snapshot_id)s failed: %(reason)s"


@dataclass
class InstanceSnapshot:
    """One point-in-time state of a server's disks."""

    id: str
    instance_uuid: str
    project_id: str
    user_id: str
    name: str
    description: str | None
    volume_backed: bool
    parent_id: str | None
    created_at: float
    status: str | None = None
    updated_at: float | None = None
    host: str | None = None
    """Where an image-backed snapshot's data lives."""
    size: int = 0
    """Bytes of an image-backed snapshot's data (in `disk_format`)."""
    virtual_size: int = 0
    disk_format: str | None = None
    volume_snapshot_ids: list[str] = field(default_factory=list)
    """The grouped Cinder snapshots of a volume-backed server, in block-device order."""
    block_device_mapping: list[dict[str, Any]] = field(default_factory=list)
    """The image mappings an image of this snapshot carries (volume-backed)."""
    image_ids: list[str] = field(default_factory=list)
    """Images made from this snapshot."""
    uploading_image_id: str | None = None
    """The image its host is uploading this snapshot into, if any."""
    deleted: bool = False

    def to_dict(self) -> dict[str, Any]:
        """A copy as the RPC layer serializes it (what ``snapshot_current`` returns)."""
        out = dict(self.__dict__)
        for key in ("volume_snapshot_ids", "image_ids"):
            out[key] = list(out[key])
        out["block_device_mapping"] = copy.deepcopy(self.block_device_mapping)
        return out


class InstanceSnapshotStore:
    """The instance snapshots of one cloud and each server's current pointer."""

    snapshots: dict[str, InstanceSnapshot]
    current: dict[str, str | None]

    def __init__(self, kernel: Any):
        self.kernel = kernel
        self.snapshots = {}
        self.current = {}

    def create(
        self,
        context: Any,
        instance: Any,
        name: str,
        description: str | None,
        volume_backed: bool,
        actor: str,
    ) -> InstanceSnapshot:
        """A new ``creating`` snapshot of `instance`, child of its current one, made current."""
        parent = self.current.get(instance.uuid)
        snap = InstanceSnapshot(
            id=self.kernel.ids.uuid(),
            instance_uuid=instance.uuid,
            project_id=instance.project_id,
            user_id=context.user_id,
            name=name,
            description=description,
            volume_backed=volume_backed,
            parent_id=parent,
            created_at=self.kernel.now,
        )
        self.snapshots[snap.id] = snap
        self.move(snap, CREATING, actor)
        self.set_current(instance.uuid, snap.id, actor)
        return snap

    def get(self, snapshot_id: str | None) -> InstanceSnapshot | None:
        """The live snapshot `snapshot_id` (None when unknown or deleted)."""
        snap = self.snapshots.get(snapshot_id) if snapshot_id else None
        return None if snap is None or snap.deleted else snap

    def of_instance(self, instance_uuid: str) -> list[InstanceSnapshot]:
        """The live snapshots of a server, oldest first."""
        return [
            s for s in self.snapshots.values() if s.instance_uuid == instance_uuid and not s.deleted
        ]

    def current_of(self, instance_uuid: str) -> InstanceSnapshot | None:
        """The server's current snapshot, if any."""
        return self.get(self.current.get(instance_uuid))

    def all(self) -> list[InstanceSnapshot]:
        """Every live snapshot of every server."""
        return [s for s in self.snapshots.values() if not s.deleted]

    def move(self, snap: InstanceSnapshot, status: str, actor: str) -> None:
        """Change `snap`'s status through `INSTANCE_SNAPSHOT_STATUS` (traced)."""
        INSTANCE_SNAPSHOT_STATUS.move(
            self.kernel, snap, status, actor=actor, details={"instance_uuid": snap.instance_uuid}
        )

    def set_current(self, instance_uuid: str, snapshot_id: str | None, actor: str) -> None:
        """Point the server's current snapshot at `snapshot_id` (traced)."""
        old = self.current.get(instance_uuid)
        self.current[instance_uuid] = snapshot_id
        self.kernel.trace.emit(
            "nova.instance_snapshot",
            actor,
            instance_uuid,
            phase="current",
            old=old,
            new=snapshot_id,
        )

    def fail(self, snap: InstanceSnapshot, actor: str) -> None:
        """``creating`` → ``error``; the current pointer goes back to the parent."""
        self.move(snap, ERROR, actor)
        if self.current.get(snap.instance_uuid) == snap.id:
            parent = self.get(snap.parent_id)
            self.set_current(snap.instance_uuid, parent.id if parent else None, actor)

    def destroy(self, snap: InstanceSnapshot, actor: str) -> None:
        """``deleting`` → ``deleted``: its children hang from its parent, and so does the
        current pointer if it pointed here."""
        self.move(snap, DELETED, actor)
        snap.deleted = True
        for other in self.of_instance(snap.instance_uuid):
            if other.parent_id == snap.id:
                other.parent_id = snap.parent_id
        if self.current.get(snap.instance_uuid) == snap.id:
            parent = self.get(snap.parent_id)
            self.set_current(snap.instance_uuid, parent.id if parent else None, actor)


class API:
    """What nova-api does with instance snapshots before (or instead of) an RPC."""

    store: InstanceSnapshotStore

    def __init__(self, nova: Any):
        self.nova = nova
        self.kernel = nova.kernel
        self.config = nova.config
        self.db = nova.db
        self.store = nova.instance_snapshot_store
        self.compute_rpcapi = nova.compute_rpcapi
        self.image_api = nova.image_api
        self.volume_api = nova.volume_api

    # -- lookups -----------------------------------------------------------------------------

    def get(self, instance: Any, snapshot_id: str | None) -> InstanceSnapshot:
        """The live snapshot `snapshot_id` of `instance`, or `InstanceSnapshotNotFound`."""
        snap = self.store.get(snapshot_id)
        if snap is None or snap.instance_uuid != instance.uuid:
            raise InstanceSnapshotNotFound(snapshot_id=snapshot_id)
        return snap

    @staticmethod
    def check_status(snap: InstanceSnapshot, action: str, allowed: tuple[str, ...]) -> None:
        """`InstanceSnapshotInvalidState` unless `snap`'s status is in `allowed`."""
        if snap.status not in allowed:
            raise InstanceSnapshotInvalidState(
                action=action, snapshot_id=snap.id, status=snap.status
            )

    # -- create ------------------------------------------------------------------------------

    @check_instance_lock
    @check_instance_state(vm_state=SNAPSHOT_STATES)
    def create(
        self, context: Any, instance: Any, name: str, description: str | None
    ) -> InstanceSnapshot:
        """A new snapshot, ``creating``: on the host (image-backed) or in Cinder."""
        bdms = self.db.bdms_by_instance(instance.uuid)
        volume_backed = compute_utils.is_volume_backed_instance(instance, bdms)
        if not volume_backed:
            self.compute_rpcapi.target(instance)  # no host: NovaException before any change
        snap = self.store.create(context, instance, name, description, volume_backed, API_ACTOR)
        if volume_backed:
            self.kernel.spawn(
                self._snapshot_volumes(context, snap, bdms),
                name=f"nova-api instance snapshot {snap.id}",
            )
        else:
            self.compute_rpcapi.create_instance_snapshot(context, instance, snap.id)
        return snap

    def _snapshot_volumes(
        self, context: Any, snap: InstanceSnapshot, bdms: list[Any]
    ) -> Generator[Any, Any, None]:
        """One forced Cinder snapshot per volume, in block-device order, then wait for all."""
        fields = image_mapping_fields(self.kernel.switches.release)
        try:
            mapping = []
            for bdm in bdms:
                if bdm.no_device:
                    continue
                if not bdm.is_volume:
                    mapping.append(bdm.get_image_mapping(fields))
                    continue
                volume = yield from self.volume_api.get(context, bdm.volume_id)
                made = yield from self.volume_api.create_snapshot_force(
                    context,
                    volume["id"],
                    VOLUME_SNAPSHOT_PREFIX + snap.name,
                    volume["display_description"],
                )
                snap.volume_snapshot_ids.append(made["id"])
                mapping.append(snapshot_image_mapping(made["id"], bdm, fields))
            snap.block_device_mapping = mapping
            yield from self._wait_for_volume_snapshots(context, snap)
        except Exception as exc:  # noqa: BLE001 - any failure is the snapshot's error
            self._log(snap, "error", f"Instance snapshot {snap.id} failed: {exc}")
            self.store.fail(snap, API_ACTOR)
            return
        self.store.move(snap, AVAILABLE, API_ACTOR)

    def _wait_for_volume_snapshots(
        self, context: Any, snap: InstanceSnapshot
    ) -> Generator[Any, Any, None]:
        cfg = self.config
        deadline = self.kernel.now + cfg.instance_snapshot_wait_s
        pending = list(snap.volume_snapshot_ids)
        while True:
            waiting = []
            for snapshot_id in pending:
                found = yield from self.volume_api.get_snapshot(context, snapshot_id)
                if found["status"] == "error":
                    raise InstanceSnapshotFailed(
                        snapshot_id=snap.id, reason=f"volume snapshot {snapshot_id} is in error"
                    )
                if found["status"] != "available":
                    waiting.append(snapshot_id)
            pending = waiting
            if not pending:
                return
            if self.kernel.now >= deadline:
                raise InstanceSnapshotFailed(
                    snapshot_id=snap.id,
                    reason=f"volume snapshots {', '.join(pending)} still not available after "
                    f"{cfg.instance_snapshot_wait_s:g} s",
                )
            yield self.kernel.env.timeout(cfg.instance_snapshot_poll_s)

    # -- delete ------------------------------------------------------------------------------

    def delete(self, context: Any, instance: Any, snap: InstanceSnapshot) -> None:
        """Start deleting `snap` (``deleting``): on its host, or its Cinder snapshots."""
        self.check_status(snap, "deleteSnapshot", DELETABLE)
        row = self.db.instance_row(instance.uuid)
        if snap.uploading_image_id and row is not None and row.task_state in _UPLOAD_TASK_STATES:
            raise InstanceSnapshotInvalidState(
                message=(
                    f"Cannot 'deleteSnapshot' snapshot {snap.id} while image "
                    f"{snap.uploading_image_id} is being uploaded from it"
                )
            )
        self.store.move(snap, DELETING, API_ACTOR)
        if snap.volume_backed:
            self.kernel.spawn(
                self._delete_volume_snapshots(context, snap),
                name=f"nova-api delete instance snapshot {snap.id}",
            )
        elif instance.host:
            self.compute_rpcapi.delete_instance_snapshot(context, instance, snap.id)
        else:
            self.store.destroy(snap, API_ACTOR)

    def _delete_volume_snapshots(
        self, context: Any, snap: InstanceSnapshot
    ) -> Generator[Any, Any, None]:
        """Delete the grouped Cinder snapshots, unless a live image made from this snapshot
        still maps them (they are the image's then)."""
        try:
            if not (yield from self._made_a_live_image(context, snap)):
                for snapshot_id in snap.volume_snapshot_ids:
                    try:
                        yield from self.volume_api.delete_snapshot(context, snapshot_id)
                    except exception.SnapshotNotFound:
                        pass
        except Exception as exc:  # noqa: BLE001 - the user may retry the delete
            self._log(snap, "error", f"Deleting instance snapshot {snap.id} failed: {exc}")
            self.store.move(snap, ERROR_DELETING, API_ACTOR)
            return
        self.store.destroy(snap, API_ACTOR)

    def delete_with_server(self, context: Any, instance: Any) -> Generator[Any, Any, None]:
        """The server is being deleted: its instance snapshots go with it.

        An image-backed server's snapshots live in its domain, which is destroyed. A
        volume-backed server's grouped Cinder snapshots are deleted (unless a live image made
        from the snapshot maps them) and waited for, since Cinder refuses to delete a volume
        that still has snapshots.
        """
        for snap in list(self.store.of_instance(instance.uuid)):
            if snap.status not in DELETABLE:
                continue  # still creating, or already being deleted: that work finishes it
            self.store.move(snap, DELETING, API_ACTOR)
            if snap.volume_backed:
                yield from self._delete_volume_snapshots(context, snap)
                yield from self._wait_until_gone(context, snap)
            else:
                self.store.destroy(snap, API_ACTOR)

    def _wait_until_gone(self, context: Any, snap: InstanceSnapshot) -> Generator:
        for snapshot_id in snap.volume_snapshot_ids:
            waited = 0.0
            while waited < self.config.instance_snapshot_wait_s:
                try:
                    found = yield from self.volume_api.get_snapshot(context, snapshot_id)
                except exception.SnapshotNotFound:
                    break
                if found.get("status") not in ("deleting", "available", "creating"):
                    break  # error / error_deleting: nothing more will happen by waiting
                yield self.kernel.env.timeout(self.config.instance_snapshot_poll_s)
                waited += self.config.instance_snapshot_poll_s

    def _made_a_live_image(self, context: Any, snap: InstanceSnapshot) -> Generator[Any, Any, bool]:
        for image_id in snap.image_ids:
            try:
                image = yield from self.image_api.get(context, image_id, show_deleted=False)
            except exception.ImageNotFound:
                continue
            except exception.ImageNotAuthorized:
                return True  # it exists; someone else's now
            if image["status"] not in ("deleted", "killed", "pending_delete"):
                return True
        return False

    # -- revert ------------------------------------------------------------------------------

    @check_instance_lock
    @check_instance_state(vm_state=[states.STOPPED])
    def revert(self, context: Any, instance: Any, snap: InstanceSnapshot) -> Generator:
        """Revert a stopped server to `snap` on its host (an RPC call); `snap` becomes current."""
        self.check_status(snap, "revertSnapshot", (AVAILABLE,))
        yield from self.compute_rpcapi.revert_to_instance_snapshot(context, instance, snap.id)

    # -- createImage -------------------------------------------------------------------------

    def create_image(
        self,
        context: Any,
        instance: Any,
        snap: InstanceSnapshot,
        name: str,
        metadata: dict[str, Any],
    ) -> Generator[Any, Any, dict[str, Any]]:
        """The Glance image of an ``available`` snapshot (see the module doc)."""
        self.check_status(snap, "createImage", (AVAILABLE,))
        make = self._create_volume_backed_image if snap.volume_backed else self._upload_from_host
        return (yield from make(context, instance, snap, name, metadata))

    @check_instance_state(vm_state=SNAPSHOT_STATES)
    def _upload_from_host(
        self,
        context: Any,
        instance: Any,
        snap: InstanceSnapshot,
        name: str,
        metadata: dict[str, Any],
    ) -> Generator[Any, Any, dict[str, Any]]:
        image_meta = yield from compute_utils.create_image(
            context,
            instance,
            name,
            "snapshot",
            self.image_api,
            self.config.non_inheritable(),
            extra_properties=metadata,
            switches=self.kernel.switches,
        )
        yield from compute_utils.claim_for_snapshot(
            context,
            instance,
            image_meta,
            states.IMAGE_PENDING_UPLOAD,
            self.image_api,
            self.kernel,
            API_ACTOR,
        )
        snap.uploading_image_id = image_meta["id"]
        self.db.action_start(context, instance.uuid, CREATE_IMAGE)
        self.compute_rpcapi.upload_instance_snapshot(context, instance, snap.id, image_meta["id"])
        return image_meta

    def _create_volume_backed_image(
        self,
        context: Any,
        instance: Any,
        snap: InstanceSnapshot,
        name: str,
        metadata: dict[str, Any],
    ) -> Generator[Any, Any, dict[str, Any]]:
        """Like ``snapshot_volume_backed``'s image: size 0, the mapping of the grouped Cinder
        snapshots, ``bdm_v2``, ``root_device_name``; force-activated by the image client."""
        image_meta = compute_utils.initialize_instance_snapshot_metadata(
            context,
            instance,
            name,
            dict(metadata),
            self.config.non_inheritable(),
            self.kernel.switches,
        )
        image_meta["size"] = 0
        for attr in ("container_format", "disk_format"):
            image_meta.pop(attr, None)
        properties = image_meta["properties"]
        for key in ("block_device_mapping", "bdm_v2", "root_device_name"):
            properties.pop(key, None)
        if instance.root_device_name:
            properties["root_device_name"] = instance.root_device_name
        properties["block_device_mapping"] = copy.deepcopy(snap.block_device_mapping)
        properties["bdm_v2"] = True
        self.db.action_start(context, instance.uuid, CREATE_IMAGE)
        image = yield from self.image_api.create(context, image_meta)
        snap.image_ids.append(image["id"])
        return image

    def _log(self, snap: InstanceSnapshot, level: str, message: str) -> None:
        self.kernel.trace.emit("log", API_ACTOR, snap.instance_uuid, level=level, message=message)


# -- the two calls the seed's createImage handler makes -----------------------------------------


def snapshot_current(
    context: Any, instance: Any, compute_rpcapi: Any
) -> Generator[Any, Any, dict[str, Any] | None]:
    """The server's current instance snapshot (a dict with ``id``), asked of its host by an
    RPC call; None when it has none, or no host to ask."""
    if not instance.host:
        return None
    return (yield from compute_rpcapi.snapshot_current(context, instance))


def snapshot_create_image(
    context: Any, snapshot_id: str, instance: Any, compute_rpcapi: Any, entity: dict[str, Any]
) -> Generator[Any, Any, dict[str, Any]]:
    """The image (Nova's image dict) of instance snapshot `snapshot_id` of `instance`, named
    and with the properties of the createImage `entity`: 404 when the snapshot is not this
    server's, 409 when it is not ``available``."""
    api = API(compute_rpcapi.nova)
    try:
        snap = api.get(instance, snapshot_id)
        return (
            yield from api.create_image(
                context, instance, snap, entity["name"].strip(), entity.get("metadata", {})
            )
        )
    except InstanceSnapshotNotFound as exc:
        raise HttpError(404, exc.format_message()) from None
    except InstanceSnapshotInvalidState as exc:
        raise HttpError(409, exc.format_message()) from None
