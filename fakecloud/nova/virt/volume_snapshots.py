"""The compute host's half of an assisted volume snapshot (``ComputeManager.
volume_snapshot_create/delete`` and the libvirt driver's ``volume_snapshot_create``,
``_volume_snapshot_update_status`` and ``volume_snapshot_delete``).

Create: the guest must exist (else `InstanceNotRunning`, which the manager only logs: Cinder
hears nothing and times out); a quiesced disk-only snapshot onto Cinder's new file is tried
first when the image has the guest agent and the guest runs thawed (libvirt refuses the freeze
of a paused guest, 'domain is not running', and a guest the API froze for a createImage
refuses a second freeze: then, unless ``os_require_quiesce``, it goes unquiesced; the same
words and steps in nova 17.0.13 and 34.0.0); a stopped guest's domain is inactive, and libvirt
snapshots an inactive domain without asking the agent (``qemuSnapshotCreate``: only the
active external path freezes), so the first, QUIESCE-flagged, snapshot is taken: nothing
logged, ``os_require_quiesce`` or not, Cinder's snapshot ``available``;
then Cinder is told ``creating`` at ``90%`` (``os-update_snapshot_status``; any failure
tells it ``error``), and the host polls the snapshot every 0.5 s until it leaves ``creating``,
then refreshes the mapping's connection info from the attachment. Delete: a blockRebase (no
``merge_target_file``) or a blockCommit, then ``deleting`` at ``90%`` (``error_deleting`` on a
failure); a guest not running (``guest.is_active()`` false) is rebased with ``qemu-img
rebase`` instead, and its blockCommit is libvirt's 'domain is not running' (nova
17.0.13-34.0.0 ``_volume_snapshot_delete``). Fault points ``nova.volume_snapshot.create`` /
``.delete`` (host, instance_uuid, volume_id, snapshot_id) hold or fail either;
``nova.libvirt.get_guest`` (``DomainNotFound``) takes the guest away first.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from typing import Any

from fakecloud.nova import exception, states
from fakecloud.nova.virt.driver import get_guest_fault
from fakecloud.nova.virt.guest_agent import (
    FREEZE,
    VIR_ERR_INTERNAL_ERROR,
    VIR_ERR_OPERATION_INVALID,
    bool_from_string,
    can_quiesce,
    disabled_while_frozen,
    image_props_for_quiesce,
)
from fakecloud.nova.virt.libvirt import LibvirtError
from fakecloud.sim.polling import wait_to_poll

#: ``FixedIntervalLoopingCall(_wait_for_snapshot).start(interval=0.5)``.
WAIT_INTERVAL_S = 0.5
#: ``_volume_snapshot_delete``'s poll of the block job (``time.sleep(0.5)``).
BLOCK_JOB_POLL_S = 0.5


def _domain(manager: Any, instance: Any) -> Generator:
    """``self._host.get_guest(instance)``, `InstanceNotRunning` when there is no guest (or the
    fault point ``nova.libvirt.get_guest`` says libvirt has none: ``VIR_ERR_NO_DOMAIN``)."""
    yield from get_guest_fault(manager.kernel.faults, manager.host, instance.uuid)
    dom = manager.driver.domains.get(instance.uuid)
    if dom is None:
        raise exception.InstanceNotRunning(instance_id=instance.uuid)
    return dom


def _fault(manager: Any, point: str, instance: Any, volume_id: str, snapshot_id: Any) -> Any:
    faults = manager.kernel.faults
    if point not in faults.hot:
        return ()
    return faults.pause(
        point,
        host=manager.host,
        instance_uuid=instance.uuid,
        volume_id=volume_id,
        snapshot_id=snapshot_id,
    )


def _update_status(manager: Any, context: Any, snapshot_id: str, status: str) -> Generator:
    """``_volume_snapshot_update_status``: failures are only logged."""
    try:
        yield from manager.volume_api.update_snapshot_status(context, snapshot_id, status)
    except Exception as exc:  # noqa: BLE001 - Nova logs it; Cinder's wait then times out
        manager._log(
            snapshot_id, "error", f"Failed to send updated snapshot status to volume service. {exc}"
        )


def _snapshot_disk(manager: Any, instance: Any, dom: Any) -> None:
    """``_volume_snapshot_create``'s ``guest.snapshot``: quiesced when it can be."""
    props = image_props_for_quiesce(instance.system_metadata)
    required = bool_from_string(props.get("os_require_quiesce", False))
    quiesced = False
    try:
        can_quiesce(manager.driver, instance, props)
        if dom.power_state == states.RUNNING and not dom.frozen:
            quiesced = True
        elif dom.power_state == states.SHUTDOWN:
            # an inactive domain's snapshot is qemuSnapshotCreateInactiveExternal, which asks
            # no agent (only qemuSnapshotCreateActiveExternal freezes): QUIESCE and all, the
            # first snapshot is taken and nothing is logged
            pass
        else:
            # libvirt's QUIESCE asks qemu-ga for a freeze: a paused guest's is refused first
            # (qemuDomainAgentAvailable: not VIR_DOMAIN_RUNNING), a frozen guest's agent has
            # the command disabled (the API's quiesce), a suspended guest has no agent to ask
            if dom.power_state == states.POWER_PAUSED:
                error = LibvirtError(
                    "Requested operation is not valid: domain is not running",
                    VIR_ERR_OPERATION_INVALID,
                )
            elif dom.frozen:
                error = disabled_while_frozen(FREEZE)
            else:
                error = LibvirtError(
                    f"internal error: unable to execute QEMU agent command '{FREEZE}'",
                    VIR_ERR_INTERNAL_ERROR,
                )
            if required:
                raise error
            manager._log(
                instance.uuid,
                "error",
                "Unable to create quiesced VM snapshot, attempting again with quiescing disabled.",
            )
    except (exception.InstanceQuiesceNotSupported, exception.QemuGuestAgentNotEnabled) as err:
        if required:
            raise
        manager._log(instance.uuid, "info", f"Skipping quiescing instance: {err}.")
    manager.kernel.trace.emit(
        "guest.volume_snapshot", f"libvirt:{manager.host}", instance.uuid, quiesced=quiesced
    )


def _refresh_connection_info(manager: Any, context: Any, instance: Any, volume_id: str) -> Any:
    """``_volume_refresh_connection_info``: the mapping takes the attachment's info."""
    bdm = next(
        (b for b in manager.nova.db.bdms_by_instance(instance.uuid) if b.volume_id == volume_id),
        None,
    )
    if bdm is None or bdm.attachment_id is None:
        return
    view = yield from manager.volume_api.attachment_get(context, bdm.attachment_id)
    bdm.connection_info = json.dumps(view["connection_info"])


def volume_snapshot_create(
    manager: Any, context: Any, instance: Any, volume_id: str, create_info: dict[str, Any]
) -> Generator:
    """``ComputeManager.volume_snapshot_create`` with the driver's."""
    try:
        dom = yield from _domain(manager, instance)
    except exception.InstanceNotRunning:
        manager._log(instance.uuid, "debug", "Instance disappeared during volume snapshot create")
        return
    if create_info["type"] != "qcow2":
        raise exception.InternalError(err=f"Unknown type: {create_info['type']}")
    snapshot_id = create_info.get("snapshot_id")
    if snapshot_id is None:
        raise exception.InternalError(err="snapshot_id required in create_info")
    try:
        yield from _fault(manager, "nova.volume_snapshot.create", instance, volume_id, snapshot_id)
        _snapshot_disk(manager, instance, dom)
    except Exception:
        manager._log(
            instance.uuid,
            "error",
            "Error occurred during volume_snapshot_create, sending error status to Cinder.",
        )
        yield from _update_status(manager, context, snapshot_id, "error")
        raise
    yield from _update_status(manager, context, snapshot_id, "creating")
    env = manager.kernel.env
    while True:
        started = env._now
        snapshot = yield from manager.volume_api.get_snapshot(context, snapshot_id)
        if snapshot.get("status") != "creating":
            yield from _refresh_connection_info(manager, context, instance, volume_id)
            return
        # the next read WAIT_INTERVAL_S after this one, skipping those that cannot find more
        yield from wait_to_poll(
            manager.kernel,
            WAIT_INTERVAL_S,
            env._now - started + WAIT_INTERVAL_S,
            "volume_api.get_snapshot",
            until=manager.volume_api.answered_alike_until,
            about=context,
        )


def volume_snapshot_delete(
    manager: Any,
    context: Any,
    instance: Any,
    volume_id: str,
    snapshot_id: str,
    delete_info: dict[str, Any],
) -> Generator:
    """``ComputeManager.volume_snapshot_delete`` with the driver's: a block job, then Cinder
    told."""
    try:
        if delete_info.get("type") != "qcow2":
            raise exception.InternalError(err=f"Unknown delete_info type {delete_info.get('type')}")
        dom = yield from _domain(manager, instance)
        yield from _fault(manager, "nova.volume_snapshot.delete", instance, volume_id, snapshot_id)
        active = dom.power_state in (states.RUNNING, states.POWER_PAUSED)  # guest.is_active()
        if delete_info.get("merge_target_file") is not None:
            if not active:  # virDomainBlockCommit of an inactive domain
                raise LibvirtError(
                    "Requested operation is not valid: domain is not running",
                    VIR_ERR_OPERATION_INVALID,
                )
            job = "blockCommit"
        else:
            job = "blockRebase" if active else "qemu-img rebase"
        manager.kernel.trace.emit(
            "guest.volume_snapshot_delete", f"libvirt:{manager.host}", instance.uuid, job=job
        )
        if active:  # the block job's poll; qemu-img runs to its end at once
            yield manager.kernel.timeout(BLOCK_JOB_POLL_S)
    except Exception as exc:
        manager._log(
            instance.uuid,
            "error",
            "Error occurred during volume_snapshot_delete, sending error status to Cinder.",
        )
        yield from _update_status(manager, context, snapshot_id, "error_deleting")
        if isinstance(exc, exception.InstanceNotRunning):
            manager._log(
                instance.uuid, "debug", "Instance disappeared during volume snapshot delete"
            )
            return
        raise
    yield from _update_status(manager, context, snapshot_id, "deleting")
    yield from _refresh_connection_info(manager, context, instance, volume_id)
