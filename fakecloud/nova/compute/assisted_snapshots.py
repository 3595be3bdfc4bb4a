"""Assisted volume snapshots in the compute API (``API.volume_snapshot_create/delete`` of
``nova/compute/api.py``): Cinder's NFS driver asks Nova to move an attached volume's guest
onto a new qcow2 file, or to merge one out of its chain.

The volume's one mapping (`VolumeBDMNotFound` without one, `VolumeBDMIsMultiAttach` with more)
names the server, which must have a host (`InstanceNotReady`) and no task (any vm_state:
``check_instance_state(vm_state=None)``); the work is a cast to its host (the API answers at
once). A delete that commits into a file other than the active one (``merge_target_file``)
is refused for a server that is not ACTIVE (bug #1919487: 24.0.0, backported to 23.0.1).
"""

from __future__ import annotations

from typing import Any

from fakecloud.nova import exception, states
from fakecloud.nova.compute.api import API_ACTOR, check_instance_host, check_instance_state

#: The first Nova refusing an offline intermediate delete (99409375a0, bug #1919487).
OFFLINE_COMMIT_REFUSED_SINCE = (23, 0, 1)


class VolumeBDMIsMultiAttach(exception.Invalid):
    """Nova's ``VolumeBDMIsMultiAttach``."""

    real_class_path = "nova.exception.VolumeBDMIsMultiAttach"

    msg_fmt = (
        "Block Device Mapping %(volume_id)s is a multi-attach volume and is not valid for this "
        "operation."
    )


def _instance_of(nova: Any, volume_id: str) -> Any:
    """``_get_bdm_by_volume_id(..., expected_attrs=['instance'])``: the mapping's server."""
    bdms = nova.db.bdms_by_volume(volume_id)
    if not bdms:
        raise exception.VolumeBDMNotFound(volume_id=volume_id)
    if len(bdms) > 1:
        raise VolumeBDMIsMultiAttach(volume_id=volume_id)
    return nova.db.instance_get(bdms[0].instance_uuid, API_ACTOR)


@check_instance_host
@check_instance_state(vm_state=None)
def do_volume_snapshot_create(
    compute_api: Any, context: Any, instance: Any, volume_id: str, create_info: dict
) -> dict[str, Any]:
    compute_api.compute_rpcapi.cast(
        context, instance, "volume_snapshot_create", volume_id=volume_id, create_info=create_info
    )
    return {"snapshot": {"id": create_info.get("id"), "volumeId": volume_id}}


def volume_snapshot_create(
    nova: Any, context: Any, volume_id: str, create_info: dict[str, Any]
) -> dict[str, Any]:
    """``API.volume_snapshot_create``: cast to the server's host; the answer's body."""
    instance = _instance_of(nova, volume_id)
    return do_volume_snapshot_create(nova.compute_api, context, instance, volume_id, create_info)


@check_instance_host
@check_instance_state(vm_state=None)
def do_volume_snapshot_delete(
    compute_api: Any,
    context: Any,
    instance: Any,
    volume_id: str,
    snapshot_id: str,
    delete_info: dict,
) -> None:
    kernel = compute_api.nova.kernel
    if (
        delete_info.get("merge_target_file") is not None
        and instance.vm_state != states.ACTIVE
        and kernel.switches.release.version >= OFFLINE_COMMIT_REFUSED_SINCE
    ):
        raise exception.InstanceInvalidState(
            attr="vm_state",
            instance_uuid=instance.uuid,
            state=instance.vm_state,
            method="volume_snapshot_delete",
        )
    compute_api.compute_rpcapi.cast(
        context,
        instance,
        "volume_snapshot_delete",
        volume_id=volume_id,
        snapshot_id=snapshot_id,
        delete_info=delete_info,
    )


def volume_snapshot_delete(
    nova: Any, context: Any, volume_id: str, snapshot_id: str, delete_info: dict[str, Any]
) -> None:
    """``API.volume_snapshot_delete``: cast to the server's host."""
    instance = _instance_of(nova, volume_id)
    do_volume_snapshot_delete(
        nova.compute_api, context, instance, volume_id, snapshot_id, delete_info
    )
