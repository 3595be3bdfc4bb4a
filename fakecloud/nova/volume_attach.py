"""Attaching a volume to a server and detaching it (``POST``/``DELETE
/servers/{id}/os-volume_attachments``): nova-api's part (``nova/compute/api.py``
``attach_volume``/``detach_volume``) and the compute host's (``nova/compute/manager.py``
``reserve_block_device_name``, ``attach_volume``, ``detach_volume``), with Cinder's
attachments API (3.44) as current Nova uses it.

Attach: nova-api reads the volume, refuses one already mapped (to this server; from 23.0.0,
1252588d4e/81b689e5bb, to any server unless multiattach — switch
``attach_rejects_mapped_volume``), asks the host for a device name (RPC call
``reserve_block_device_name``: it creates the mapping, libvirt picking the next free
``/dev/vdX`` whatever name was asked), creates the Cinder attachment (the volume goes
``reserved``), records the ``attach_volume`` action and casts ``attach_volume``; any failure
destroys the mapping. The host (event ``compute_attach_volume``) gives the attachment its
connector (``attaching``) and completes it (``in-use``); a failure deletes the attachment and the
mapping and leaves a fault (the server keeps its state). 33.0.0 moved the API's half into
nova-conductor (2a51df2760): a 2.101 request answers 202 at once and nova-conductor (one RPC
hop later) does the rest, a failure only logged; older microversions wait for it (fakecloud
keeps that half in nova-api, with no hop).

Detach: nova-api ``begin_detaching`` (``in-use`` → ``detaching``; Cinder's 400 becomes
``InvalidVolume``), records ``detach_volume``, casts ``detach_volume`` with the attachment of this
server; the host (event ``compute_detach_volume``) deletes the attachment (the volume becomes
``available``) and destroys the mapping. A shelved-offloaded server (no host) is detached by
nova-api itself (event ``api_detach_volume``), as ``_local_cleanup_bdm_volumes`` does.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.nova import block_device, exception, states
from fakecloud.nova.compute import instance_lock
from fakecloud.nova.compute import utils as compute_utils
from fakecloud.nova.compute.resize_api import require_host
from fakecloud.nova.objects import BlockDeviceMapping
from fakecloud.nova.virt import encryptors
from fakecloud.profiles.provenance import Backport, Change

CONDUCTOR = "nova-conductor"
ATTACH_VOLUME = "attach_volume"
DETACH_VOLUME = "detach_volume"
SWAP_VOLUME = "swap_volume"
#: ``@check_instance_host(check_is_up=True)`` on ``API._detach_volume`` (db8213af83, 23.0.0):
#: a server with no host is not ready (the controller does not expect it: a 500), one whose
#: compute is down is refused (409) before the volume is touched. Before it the cast to no host
#: raised (a 500 with the volume left ``detaching``); one to a down host waited in its queue.
DETACH_CHECKS_HOST_SINCE = (23, 0, 0)
#: ``MultiattachSwapVolumeNotSupported``: a swap refuses a volume with more than one read/write
#: attachment (5a1d159d14, LP #1775418).
MULTIATTACH_SWAP = Change(
    "20.0.0",
    "5a1d159d14",
    "Block swap volume on volumes with >1 rw attachment",
    backports=(
        Backport("17.0.11", "58a140487c"),
        Backport("18.2.1", "c19d602f9b"),
        Backport("19.0.1", "9b21d1067a"),
    ),
)
GiB = 1024**3
_LETTERS = "bcdefghijklmnopqrstuvwxyz"


# -- nova-api ------------------------------------------------------------------------------------


def attach(
    api: Any,
    context: Any,
    instance: Any,
    volume_id: str,
    device: str | None,
    tag: str | None,
    delete_on_termination: bool,
    supports_multiattach: bool = False,
    returns_device: bool = True,
) -> Generator[Any, Any, str | None]:
    """``API.attach_volume`` after its gates: the device name the host reserved (None
    at once when the request does not want it: 2.101)."""
    db = api.db
    rejects_mapped = api.kernel.switches.attach_rejects_mapped_volume
    if not rejects_mapped and any(
        b.volume_id == volume_id for b in db.bdms_by_instance(instance.uuid)
    ):
        # _check_volume_already_attached_to_instance (before the volume is read).
        raise exception.InvalidVolume(reason=f"volume {volume_id} already attached")
    volume = yield from api.volume_api.get(context, volume_id)
    if rejects_mapped:
        _check_volume_already_attached(db, instance, volume)
    if instance.vm_state == states.SHELVED_OFFLOADED:
        if tag:
            raise exception.VolumeTaggedAttachToShelvedNotSupported()
        if volume.get("multiattach"):
            raise exception.MultiattachToShelvedNotSupported()
        return (
            yield from _attach_shelved_offloaded(
                api, context, instance, volume, device, delete_on_termination
            )
        )
    args = (api, context, instance, volume, device, tag, delete_on_termination)
    if not returns_device:
        # 2.101 (33.0.0, 2a51df2760): nova-api casts to nova-conductor, which reserves the
        # device, creates the attachment and casts to the host; the user has a 202 at once.
        name = f"{CONDUCTOR} attach_volume {instance.uuid}"
        api.kernel.spawn(_conductor_attach(*args, supports_multiattach), name=name)
        return None
    return (yield from _reserve_and_cast(*args, supports_multiattach))


def _conductor_attach(*args: Any) -> Generator[Any, Any, None]:
    """nova-conductor's ``attach_volume`` after the cast: a failure is only logged (the
    reserved mapping is destroyed; no instance action was recorded)."""
    api, _context, instance = args[0], args[1], args[2]
    kernel = api.kernel
    yield kernel.env.timeout(kernel.config.rpc.delay_s)
    try:
        yield from _reserve_and_cast(*args)
    except Exception as exc:  # noqa: BLE001 - the cast has no caller to answer
        kernel.trace.emit(
            "log",
            CONDUCTOR,
            instance.uuid,
            level="error",
            message=f"Failed to attach volume {args[3]['id']}: {exc}",
        )


def _reserve_and_cast(
    api: Any,
    context: Any,
    instance: Any,
    volume: dict[str, Any],
    device: str | None,
    tag: str | None,
    delete_on_termination: bool,
    supports_multiattach: bool,
) -> Generator[Any, Any, str | None]:
    """``_attach_volume``: the host reserves the device (RPC call), Cinder's attachment is
    created, the action recorded and the host's ``attach_volume`` cast; any failure destroys
    the mapping."""
    volume_id = volume["id"]
    db = api.db
    bdm = yield from api.compute_rpcapi.call(
        context,
        instance,
        "reserve_block_device_name",
        device=device,
        volume_id=volume_id,
        tag=tag,
        multiattach=bool(volume.get("multiattach")),
        delete_on_termination=delete_on_termination,
    )
    try:
        if volume.get("multiattach") and not supports_multiattach:
            raise exception.MultiattachNotSupportedOldMicroversion()
        attachment = yield from api.volume_api.attachment_create(context, volume_id, instance.uuid)
        bdm.attachment_id = attachment["id"]
        api._record_action_start(context, instance, ATTACH_VOLUME)
        api.compute_rpcapi.cast(context, instance, "attach_volume", bdm=bdm)
    except BaseException:
        db.bdm_destroy(bdm)
        raise
    return bdm.device_name


def _check_volume_already_attached(db: Any, instance: Any, volume: dict[str, Any]) -> None:
    """From 23.0.0: a volume mapped to any server is refused unless multiattach (and then
    if mapped to this one)."""
    volume_id = volume["id"]
    mapped = db.bdms_by_volume(volume_id)
    if not mapped:
        return
    if not volume.get("multiattach"):
        uuids = " ".join(b.instance_uuid for b in mapped)
        raise exception.InvalidVolume(
            reason=f"volume {volume_id} is already attached to instances: {uuids}"
        )
    if any(b.instance_uuid == instance.uuid for b in mapped):
        raise exception.InvalidVolume(reason=f"volume {volume_id} already attached")


def _attach_shelved_offloaded(
    api: Any,
    context: Any,
    instance: Any,
    volume: dict[str, Any],
    device: str | None,
    delete_on_termination: bool,
) -> Generator[Any, Any, str | None]:
    """``_attach_volume_shelved_offloaded``: the mapping is made here with no device name,
    the attachment is created and completed at once (``in-use``); unshelving connects it."""
    bdm = api.db.bdm_create(
        BlockDeviceMapping(
            instance_uuid=instance.uuid,
            source_type="volume",
            destination_type="volume",
            volume_id=volume["id"],
            delete_on_termination=delete_on_termination,
        )
    )
    try:
        attachment = yield from api.volume_api.attachment_create(
            context, volume["id"], instance.uuid
        )
        bdm.attachment_id = attachment["id"]
        api._record_action_start(context, instance, ATTACH_VOLUME)
        event = compute_utils.EventReporter(
            api.db, context, instance.uuid, "api_attach_volume", api.config.api_host
        )
        try:
            yield from api.volume_api.attachment_complete(context, bdm.attachment_id)
        except Exception as exc:
            event.finish(exc)
            raise
        event.finish()
    except BaseException:
        api.db.bdm_destroy(bdm)
        raise
    return bdm.device_name


def detach(
    api: Any, context: Any, instance: Any, volume: dict[str, Any]
) -> Generator[Any, Any, None]:
    """``API.detach_volume`` after its gates."""
    volume_id = volume["id"]
    if instance.vm_state == states.SHELVED_OFFLOADED:
        yield from _detach_shelved_offloaded(api, context, instance, volume_id)
        return
    if api.nova.kernel.switches.release.version >= DETACH_CHECKS_HOST_SINCE:
        require_host(api.nova, instance, check_is_up=True)
    try:
        yield from api.volume_api.begin_detaching(context, volume_id)
    except exception.InvalidInput as exc:
        raise exception.InvalidVolume(reason=exc.format_message()) from None
    attachments = volume.get("attachments") or {}
    attachment_id = None
    if instance.uuid in attachments:
        attachment_id = attachments[instance.uuid]["attachment_id"]
    api._record_action_start(context, instance, DETACH_VOLUME)
    api.compute_rpcapi.cast(
        context, instance, "detach_volume", volume_id=volume_id, attachment_id=attachment_id
    )


def _detach_shelved_offloaded(
    api: Any, context: Any, instance: Any, volume_id: str
) -> Generator[Any, Any, None]:
    """``_detach_volume_shelved_offloaded``: no host, so nova-api deletes the attachment (or,
    for an old-style one, begins detaching and detaches) and the mapping itself."""
    bdm = _bdm_of(api.db, instance.uuid, volume_id)
    if not bdm.attachment_id:
        try:
            yield from api.volume_api.begin_detaching(context, volume_id)
        except exception.InvalidInput as exc:
            raise exception.InvalidVolume(reason=exc.format_message()) from None
    api._record_action_start(context, instance, DETACH_VOLUME)
    event = compute_utils.EventReporter(
        api.db, context, instance.uuid, "api_detach_volume", api.config.api_host
    )
    yield from block_device.cleanup_volumes(api.nova, context, instance, [bdm])
    api.db.bdm_destroy(bdm)
    event.finish()


def swap(
    api: Any, context: Any, instance: Any, old_volume: dict[str, Any], new_volume: dict[str, Any]
) -> Generator[Any, Any, None]:
    """``API.swap_volume`` after its gates: the old volume must be attached to this server, the
    new one detached and as large; the old volume ``detaching`` (rolled back after
    `MULTIATTACH_SWAP`'s refusal or a new volume already mapped, not after a later failure),
    the new one given an attachment,
    the ``swap_volume`` action recorded and the host's ``swap_volume`` cast."""
    if instance.uuid not in (old_volume.get("attachments") or {}):
        raise exception.InvalidVolume(reason="Old volume is attached to a different instance.")
    if new_volume["attach_status"] == "attached":
        raise exception.InvalidVolume(reason="New volume must be detached in order to swap.")
    if int(new_volume["size"]) < int(old_volume["size"]):
        raise exception.InvalidVolume(reason="New volume must be the same size or larger.")
    volume_api = api.volume_api
    try:
        yield from volume_api.begin_detaching(context, old_volume["id"])
    except exception.InvalidInput as exc:
        raise exception.InvalidVolume(reason=exc.format_message()) from None
    if MULTIATTACH_SWAP.reaches(api.kernel.switches.release):
        try:
            count = yield from _count_attachments_for_swap(volume_api, context, old_volume)
            if count > 1:
                raise exception.MultiattachSwapVolumeNotSupported()
        except BaseException:
            yield from volume_api.roll_detaching(context, old_volume["id"])
            raise
    # Nova rolls back neither a missing mapping (404) nor Cinder's refusal of the new
    # attachment (its 400 is Nova's InvalidInput, the API's 500): the old volume stays
    # detaching (17.0.13 to 2026.1 alike).
    _bdm_of(api.db, instance.uuid, old_volume["id"])
    if api.kernel.switches.attach_rejects_mapped_volume:
        try:
            _check_volume_already_attached(api.db, instance, new_volume)
        except exception.InvalidVolume:
            yield from volume_api.roll_detaching(context, old_volume["id"])
            raise
    attachment = yield from volume_api.attachment_create(context, new_volume["id"], instance.uuid)
    api._record_action_start(context, instance, SWAP_VOLUME)
    api.compute_rpcapi.cast(
        context,
        instance,
        "swap_volume",
        old_volume_id=old_volume["id"],
        new_volume_id=new_volume["id"],
        new_attachment_id=attachment["id"],
    )


def _count_attachments_for_swap(
    volume_api: Any, context: Any, volume: dict[str, Any]
) -> Generator[Any, Any, int]:
    """``API._count_attachments_for_swap``: a volume attached to more than one server counts
    its read/write attachments (each read from Cinder; one Cinder no longer has counts)."""
    attachments = volume.get("attachments") or {}
    if len(attachments) <= 1:
        return len(attachments)
    count = 0
    for attachment in attachments.values():
        try:
            record = yield from volume_api.attachment_get(context, attachment["attachment_id"])
        except exception.VolumeAttachmentNotFound:
            count += 1
            continue
        count += record["attach_mode"] == "rw"
    return count


def _bdm_of(db: Any, instance_uuid: str, volume_id: str) -> BlockDeviceMapping:
    """``BlockDeviceMapping.get_by_volume_and_instance``."""
    for bdm in db.bdms_by_instance(instance_uuid):
        if bdm.volume_id == volume_id:
            return bdm
    raise exception.VolumeBDMNotFound(volume_id=volume_id)


# -- nova-compute --------------------------------------------------------------------------------


def reserve_block_device_name(
    manager: Any,
    instance: Any,
    device: str | None,
    volume_id: str,
    tag: str | None,
    delete_on_termination: bool,
) -> BlockDeviceMapping:
    """The host's ``reserve_block_device_name``: the new mapping, with libvirt's next free
    device name (a requested name is ignored, as libvirt's driver does)."""
    db = manager.db
    bdms = db.bdms_by_instance(instance.uuid)
    if any(b.volume_id == volume_id for b in bdms):
        raise exception.InvalidVolume(reason=f"volume {volume_id} already attached")
    taken = {b.device_name for b in bdms if b.device_name}
    if instance.root_device_name:
        taken.add(instance.root_device_name)
    if not any(name.startswith("/dev/vda") for name in taken):
        taken.add("/dev/vda")  # an image-backed server's root disk
    name = next((f"/dev/vd{c}" for c in _LETTERS if f"/dev/vd{c}" not in taken), None)
    if name is None:  # libvirt's blockinfo.find_disk_dev_for_disk_bus
        raise exception.NovaException("No free disk device names for prefix 'vd'")
    bdm = BlockDeviceMapping(
        instance_uuid=instance.uuid,
        source_type="volume",
        destination_type="volume",
        volume_id=volume_id,
        device_name=name,
        tag=tag,
        delete_on_termination=delete_on_termination,
    )
    return db.bdm_create(bdm)


def attach_on_host(manager: Any, context: Any, instance: Any, bdm: Any) -> Generator:
    """The host's ``attach_volume`` (event ``compute_attach_volume``)."""
    instance = manager._receive(instance)
    event = manager._event(context, instance, "compute_attach_volume")
    volume_api = manager.volume_api
    uuid = instance.uuid
    notify = manager.notifier.instance_action
    yield from instance_lock.acquire(manager, uuid)  # do_attach_volume
    try:
        # _attach_volume: versioned volume_attach.start, legacy volume.attach and versioned
        # volume_attach.end after it, or volume_attach.error after the attachment's delete
        # (nova 17.0.0-34.0.0 compute/manager.py; InstanceActionVolumePayload)
        notify(
            manager.host, "nova-compute", instance, "volume_attach.start", volume_id=bdm.volume_id
        )
        yield from volume_api.attachment_update(
            context,
            bdm.attachment_id,
            block_device.connector(manager.host),
            mountpoint=bdm.device_name,
            view=False,  # the host reads only `encrypted` of the answer
        )
        if block_device.encrypted(manager.nova, bdm.volume_id):
            # ``_volume_attach`` (do_driver_attach): os-brick's ``get_encryption_metadata``
            # before the driver attaches (an error of Cinder's fails the attach, as below)
            yield from volume_api.get_volume_encryption_metadata(context, bdm.volume_id)
        # ``driver.attach_volume``'s ``_connect_volume`` (its encryptor given the metadata)
        yield from block_device.connect_volume(manager.nova)
        yield from volume_api.attachment_complete(context, bdm.attachment_id)
    except Exception as exc:  # noqa: BLE001 - wrap_instance_fault + wrap_instance_event
        try:
            yield from volume_api.attachment_delete(context, bdm.attachment_id)
        except exception.VolumeAttachmentNotFound:
            pass
        except Exception:  # noqa: BLE001, S110 - the original error is what is recorded
            pass
        notify(
            manager.host, "nova-compute", instance, "volume_attach.error", "ERROR", exc,
            volume_id=bdm.volume_id,
        )  # fmt: skip
        manager.db.bdm_destroy(bdm)
        _failed(manager, instance, event, exc, "attach_volume", {})
        return
    finally:
        instance_lock.release(manager, uuid)
    manager.notifier.instance_usage(
        manager.host, instance, "volume.attach", volume_id=bdm.volume_id
    )
    notify(manager.host, "nova-compute", instance, "volume_attach.end", volume_id=bdm.volume_id)
    event.finish()


def detach_on_host(
    manager: Any, context: Any, instance: Any, volume_id: str, attachment_id: str | None
) -> Generator:
    """The host's ``detach_volume`` (event ``compute_detach_volume``)."""
    instance = manager._receive(instance)
    event = manager._event(context, instance, "compute_detach_volume")
    volume_api = manager.volume_api
    uuid = instance.uuid
    locked = manager.switches.detach_volume_locked  # do_detach_volume
    if locked:
        yield from instance_lock.acquire(manager, uuid)
    notify = manager.notifier.instance_action
    try:
        bdm = _bdm_of(manager.db, instance.uuid, volume_id)
        # _detach_volume: versioned volume_detach.start, legacy volume.detach and versioned
        # volume_detach.end after the detach, before the mapping's destroy; no error one
        # (nova 17.0.0-34.0.0 compute/manager.py; InstanceActionVolumePayload)
        notify(manager.host, "nova-compute", instance, "volume_detach.start", volume_id=volume_id)
        # driver_detach: the encryption read once and handed to the driver (`encryptors`)
        yield from encryptors.read(manager.nova, context, volume_id)
        if bdm.attachment_id:
            yield from volume_api.attachment_delete(context, bdm.attachment_id)
        else:
            # The old flow: terminate the connection, then os-detach.
            yield from volume_api.terminate_connection(
                context, volume_id, block_device.connector(manager.host)
            )
            yield from volume_api.detach(
                context, volume_id, instance.uuid, attachment_id=attachment_id
            )
        manager.notifier.instance_usage(
            manager.host, instance, "volume.detach", volume_id=volume_id
        )
        notify(manager.host, "nova-compute", instance, "volume_detach.end", volume_id=volume_id)
        manager.db.bdm_destroy(bdm)
    except Exception as exc:  # noqa: BLE001 - wrap_instance_fault + wrap_instance_event
        args = {"volume_id": volume_id, "attachment_id": attachment_id}
        _failed(manager, instance, event, exc, "detach_volume", args)
        return
    finally:
        if locked:
            instance_lock.release(manager, uuid)
    event.finish()


def swap_on_host(
    manager: Any,
    context: Any,
    instance: Any,
    old_volume_id: str,
    new_volume_id: str,
    new_attachment_id: str,
) -> Generator:
    """The host's ``swap_volume``/``_swap_volume`` (event ``compute_swap_volume``): the new
    attachment given the host's connector (``_init_volume_connection``: the new volume
    ``attaching``), libvirt's ``blockRebase`` copying the old volume's data into the new one
    (the old volume's size through the host's disk), the new attachment completed (``in-use``)
    and the old one deleted. A swap Cinder asked for (the old volume ``migrating``) then calls
    ``os-migrate_volume_completion``, whose ``save_volume_id`` (the old id: Cinder swaps the
    rows) the mapping keeps; a swap of two volumes an admin asked for makes no call, and the
    mapping names the new volume. A failure of the swap rolls the old volume back to
    ``in-use``, deletes the new attachment (and tells Cinder's migration, ``error``), and leaves
    a fault; one of the reads before it (the mapping, the volumes) only leaves the fault.
    Versioned notifications ``instance.volume_swap.start``/``.end``/``.error``. From 23.0.0
    (``switches.swap_volume_locked``) under the server's lock."""
    instance = manager._receive(instance)
    event = manager._event(context, instance, "compute_swap_volume")
    args = (manager, context, instance, event, old_volume_id, new_volume_id, new_attachment_id)
    if not manager.switches.swap_volume_locked:
        return (yield from _do_swap_volume(*args))
    uuid = instance.uuid
    yield from instance_lock.acquire(manager, uuid)  # _do_locked_swap_volume
    try:
        yield from _do_swap_volume(*args)
    finally:
        instance_lock.release(manager, uuid)


def _do_swap_volume(
    manager: Any,
    context: Any,
    instance: Any,
    event: Any,
    old_volume_id: str,
    new_volume_id: str,
    new_attachment_id: str,
) -> Generator:
    volume_api = manager.volume_api
    is_cinder_migration = swapping = False
    volumes = {"old_volume_id": old_volume_id, "new_volume_id": new_volume_id}
    swap_args = {**volumes, "new_attachment_id": new_attachment_id}
    notify = manager.notifier.instance_action
    notify(manager.host, "nova-compute", instance, "volume_swap.start", **volumes)
    try:
        bdm = _bdm_of(manager.db, instance.uuid, old_volume_id)
        old = yield from volume_api.get(context, old_volume_id)
        is_cinder_migration = old.get("migration_status") == "migrating"
        new = yield from volume_api.get(context, new_volume_id)
        swapping = True
        yield from volume_api.attachment_update(
            context,
            new_attachment_id,
            block_device.connector(manager.host),
            mountpoint=bdm.device_name,
            view=False,
        )
        # LibvirtDriver.swap_volume's encryption reads (`encryptors`)
        nova = manager.nova
        old_encryption = yield from encryptors.read(nova, context, old_volume_id)
        new_encryption = yield from encryptors.read(nova, context, new_volume_id)
        if encryptors.native_luks(old_encryption) or encryptors.native_luks(new_encryption):
            raise NotImplementedError(encryptors.SWAP_NATIVE_LUKS)
        yield from block_device.connect_volume(nova)  # _connect_volume, then its encryptor
        yield from encryptors.read(nova, context, new_volume_id)
        copy = manager.kernel.io.transfer(
            int(old["size"]) * GiB,
            (manager.driver.disk,),
            label="nova.swap_volume",
            host=manager.host,
            instance_uuid=instance.uuid,
        )
        yield copy.done
        yield from encryptors.read(nova, context, old_volume_id)  # _disconnect_volume
        yield from volume_api.attachment_complete(context, new_attachment_id)
        if bdm.attachment_id:
            yield from volume_api.attachment_delete(context, bdm.attachment_id)
    except Exception as exc:  # noqa: BLE001 - _swap_volume's rollback + wrap_instance_fault
        if swapping:  # _swap_volume's own handler: a failed read before it rolls back nothing
            # notify_about_volume_swap(..., exception=ex): the payload's fault
            host = manager.host
            notify(host, "nova-compute", instance, "volume_swap.error", "ERROR", exc, **volumes)
            yield from _roll_back_swap(
                volume_api, context, old_volume_id, new_volume_id, new_attachment_id,
                is_cinder_migration,
            )  # fmt: skip
        _failed(manager, instance, event, exc, "swap_volume", swap_args)
        return
    saved = new_volume_id
    if is_cinder_migration:
        try:
            done = yield from volume_api.migrate_volume_completion(
                context, old_volume_id, new_volume_id
            )
        except Exception as exc:  # noqa: BLE001 - wrap_instance_fault
            _failed(manager, instance, event, exc, "swap_volume", swap_args)
            return
        saved = done["save_volume_id"]
    bdm.volume_id = saved
    bdm.attachment_id = new_attachment_id
    if int(new["size"]) > int(old["size"]):
        bdm.volume_size = int(new["size"])  # resize_to
    notify(manager.host, "nova-compute", instance, "volume_swap.end", **volumes)
    event.finish()


def _roll_back_swap(
    volume_api: Any,
    context: Any,
    old_volume_id: str,
    new_volume_id: str,
    new_attachment_id: str,
    is_cinder_migration: bool,
) -> Generator:
    """``_swap_volume``'s rollback: the old volume back to ``in-use``, the new attachment
    deleted, and a Cinder migration told (``error``); a failure here is only logged."""
    try:
        yield from volume_api.roll_detaching(context, old_volume_id)
        yield from volume_api.attachment_delete(context, new_attachment_id)
        if is_cinder_migration:
            yield from volume_api.migrate_volume_completion(
                context, old_volume_id, new_volume_id, error=True
            )
    except Exception:  # noqa: BLE001, S110 - the original error is what is recorded
        pass


def _failed(
    manager: Any, instance: Any, event: Any, exc: BaseException, name: str, args: dict[str, Any]
) -> None:
    """An RPC entry point's failure through its decorators, innermost first (nova
    17.0.0-34.0.0 compute/manager.py ``attach_volume``, ``detach_volume``, ``swap_volume``):
    ``wrap_instance_fault``'s fault, ``wrap_instance_event``'s Error, then ``wrap_exception``'s
    legacy `name` error and versioned ``compute.exception``. `args`: the call's arguments after
    ``instance``, in the RPC cast's order (``getcallargs`` less self and context; the mapping
    object an attach is given is left out, as objects are in every such notification here)."""
    _fault(manager, instance, exc)
    event.finish(exc)
    manager.notifier.exception(manager.host, name, exc, instance=instance.uuid, **args)


def _fault(manager: Any, instance: Any, exc: BaseException) -> None:
    if not isinstance(exc, exception.InstanceNotFound):
        manager.db.fault_create(
            instance.uuid, exc, manager.host, compute_utils.format_traceback(exc)
        )
