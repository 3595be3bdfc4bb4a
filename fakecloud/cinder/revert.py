"""A volume's revert to its latest snapshot (``POST /volumes/{id}/action`` ``{"revert":
{"snapshot_id": ...}}``, microversion 3.40): ``VolumeController.revert``
(``cinder/api/v3/volumes.py``), ``API.revert_to_snapshot`` (``cinder/volume/api.py``) and
``VolumeManager.revert_to_snapshot`` (``cinder/volume/manager.py``), read in 12.0.0 to 29.0.0.

- Below 3.40 the action is no method: the bare 404. The body: from 28.0.0 the schema
  (``revert`` an object, its ``snapshot_id`` a string or null); before, ``assert_valid_body``
  ("Missing required element 'revert' in request body." when it is no object).
- The volume (404), then its latest live snapshot (``created_at``, then ``id``, newest): none is
  "Volume X doesn't have any snapshots."; another id (or none given) "Specified snapshot S is
  None or not the latest one of volume X."; from 14.0.0 and 13.0.2 (switch
  ``cinder_revert_any_size``) a snapshot of another size is refused ("The volume size must be
  equal to the snapshot size."), all 400.
- The policy ``volume:revert_to_snapshot`` (admin or owner; from 19.0.0 with the new defaults
  the project's members), then the conditional updates: the volume ``available`` → ``reverting``,
  else a 409; the snapshot ``available`` → ``restoring``, else a 409 that leaves the volume
  ``reverting`` (real Cinder does not undo the first update: an admin's reset-state frees it).
  Until 14.0.0 both refusals name one id (the volume's, or the snapshot's).
- The manager: a backup snapshot first when the driver wants one
  (``snapshot_revert_use_temp_snapshot``: every driver but RBD from 16.0.0; a real snapshot row
  named ``[revert] volume X backup snapshot``, counted by no quota), the driver's revert (see
  `fakecloud.cinder.backends`), then both back to ``available`` and the backup snapshot
  deleted. A failure is the volume ``error``, the snapshot ``available`` and the backup kept.

Not modelled: the generic revert's temporary volume is no row (its create, copy and delete take
their time on the backend, but no listing shows it); usage notifications (``revert.start``,
``revert.end``) are not emitted, as no Cinder usage notification is here.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.api.microversion import Version
from fakecloud.cinder import exception, policy, validation
from fakecloud.cinder.controllers import bad_request, not_found
from fakecloud.cinder.models import Snapshot
from fakecloud.cinder.states import SNAPSHOT_STATUS, VOLUME_STATUS, born

#: ``mv.VOLUME_REVERT``.
VOLUME_REVERT = Version.parse("3.40")
ACTION = "revert"
POLICY = "volume:revert_to_snapshot"
#: ``@validation.schema(schema.revert)`` from 28.0.0; before, ``assert_valid_body``.
SCHEMA_SINCE = 28
#: The conditional updates' refusals name both ids from 14.0.0 (the size check, bfc27c9ab, is
#: switch ``cinder_revert_any_size``: its backport 8ef380c8a reached 13.0.2, not this).
BOTH_IDS_SINCE = 14
#: ``cinder/api/schemas/volumes.py`` ``revert``.
REVERT = validation._obj(
    {ACTION: validation._obj({"snapshot_id": {"type": ["string", "null"]}}, extra=True)},
    [ACTION],
)
ACTOR = "cinder-api"
_CANT = "Can't revert volume {} to its latest snapshot{}."


def revert_action(
    cinder: Any, context: Any, volume_id: str, body: Any, version: Version | None
) -> None:
    """``VolumeController.revert`` (answered 202)."""
    if version is None or not version >= VOLUME_REVERT:
        raise not_found()
    major = cinder.kernel.switches.series.cinder
    if major >= SCHEMA_SINCE:
        validation.validate(REVERT, body)
    elif not isinstance(body[ACTION], dict):
        raise bad_request(f"Missing required element '{ACTION}' in request body.")
    snapshot_id = body[ACTION].get("snapshot_id")
    volume = cinder.volume_api.get(context, volume_id)
    store = cinder.store
    snaps = [store.snapshots[s] for s in volume.snapshot_ids if s in store.snapshots]
    if not snaps:
        raise bad_request(f"Volume {volume.id} doesn't have any snapshots.")
    latest = max(snaps, key=lambda s: (s.created_at, s.id))  # snapshot_get_latest_for_volume
    if snapshot_id is None or snapshot_id != latest.id:
        raise bad_request(
            f"Specified snapshot {snapshot_id} is None or not the latest one of volume {volume.id}."
        )
    any_size = cinder.kernel.switches.cinder_revert_any_size
    if not any_size and volume.size != latest.volume_size:
        raise bad_request(
            f"{_CANT.format(volume.id, ' ' + latest.id)} The volume size must be equal to the "
            "snapshot size."
        )
    try:
        revert_to_snapshot(cinder, context, volume, latest)
    except (exception.InvalidVolume, exception.InvalidSnapshot) as error:
        raise exception.Explained(error.msg, code=409) from None


def revert_to_snapshot(cinder: Any, context: Any, volume: Any, snapshot: Snapshot) -> None:
    """``API.revert_to_snapshot``: the policy, both conditional updates, the cast."""
    k = cinder.kernel
    policy.authorize(context, POLICY, volume.project_id, cinder.policy_rules, volume.user_id)
    # Until 14.0.0 the message names one id: the volume's, then (a slip) the snapshot's.
    named = k.switches.series.cinder >= BOTH_IDS_SINCE
    if volume.status != "available":
        cant = _CANT.format(volume.id, f" {snapshot.id}" if named else "")
        raise exception.InvalidVolume(reason=f"{cant} Volume's status must be 'available'.")
    VOLUME_STATUS.move(k, volume, "reverting", actor=ACTOR)
    if snapshot.status != "available":
        cant = (
            _CANT.format(volume.id, f" {snapshot.id}") if named else _CANT.format(snapshot.id, "")
        )
        raise exception.InvalidSnapshot(reason=f"{cant} Snapshot's status must be 'available'.")
    SNAPSHOT_STATUS.move(k, snapshot, "restoring", actor=ACTOR)
    k.rpc.cast(
        cinder.volume_target(volume.backend),
        "revert_to_snapshot",
        volume_id=volume.id,
        snapshot_id=snapshot.id,
        project_id=context.project_id,
        user_id=context.user_id,
    )


def revert(
    manager: Any, volume_id: str, snapshot_id: str, project_id: str, user_id: str
) -> Generator:
    """``VolumeManager.revert_to_snapshot`` on `manager`'s backend."""
    k = manager.kernel
    store = manager.cinder.store
    volume = store.volumes.get(volume_id)
    snap = store.snapshots.get(snapshot_id)
    if volume is None or snap is None or volume.status != "reverting":
        return
    driver = manager.driver
    backup = None
    try:
        if driver.revert_uses_temp_snapshot():
            backup = _backup_snapshot(manager, volume, project_id, user_id)
            yield from manager.create_snapshot(backup.id)
            if backup.status != "available":  # create_snapshot re-raises its failure
                raise exception.VolumeBackendAPIException(
                    data=f"backup snapshot {backup.id} of volume {volume_id} failed"
                )
        yield from driver.revert_to_snapshot(volume, snap)
    except Exception as exc:  # noqa: BLE001 - logged; both rows' statuses say how it went
        manager._fail(volume_id, "revert_to_snapshot", exc)
        if volume.status == "reverting":
            VOLUME_STATUS.move(k, volume, "error", actor=manager.actor)
        if snap.status == "restoring":
            SNAPSHOT_STATUS.move(k, snap, "available", actor=manager.actor)
        return
    for kind, row, table, busy in (
        ("volume", volume, VOLUME_STATUS, "reverting"),
        ("snapshot", snap, SNAPSHOT_STATUS, "restoring"),
    ):
        if row.status == busy:
            table.move(k, row, "available", actor=manager.actor)
        else:  # BadResetResourceStatus: "Revert finished, but failed to reset ..."
            manager._fail(
                row.id,
                "revert_to_snapshot",
                exception.CinderException(
                    f"Revert finished, but failed to reset {kind} {row.id} status to available, "
                    "please manually reset it."
                ),
            )
            return
    if backup is not None:
        yield from manager.delete_snapshot(backup.id)


def _backup_snapshot(manager: Any, volume: Any, project_id: str, user_id: str) -> Snapshot:
    """``_create_backup_snapshot``: the row (``creating``, no quota) the manager then takes."""
    k = manager.kernel
    store = manager.cinder.store
    snap = Snapshot(
        k.ids.uuid(),
        volume.id,
        project_id,
        user_id,
        volume.size,
        f"[revert] volume {volume.id} backup snapshot",
        "This is only used for backup when reverting. If the reverting process failed, you can "
        "restore you data by creating new volume with this snapshot.",
        volume.volume_type,
        k.now,
        encryption_key_id=volume.encryption_key_id,
        use_quota=False,
    )
    born(k, SNAPSHOT_STATUS, snap, "creating", actor=manager.actor)
    store.snapshots[snap.id] = snap
    volume.add_snapshot(snap.id)
    return snap
