"""Block devices of a server at boot and at delete (``nova/virt/block_device.py``; the API's
``_local_cleanup_bdm_volumes``; the compute's ``_shutdown_instance`` and ``_cleanup_volumes``),
through Nova's Cinder client.

At boot each volume mapping gets its volume: an existing one (reserved by the API with an
attachment), or one Cinder creates from an
image, from a snapshot (a volume-backed snapshot image's mapping) or blank, which Nova then
polls every ``block_device_allocate_retries_interval`` until it is ``available``; then the
volume is attached (``attachment_create`` + ``attachment_complete``). Devices without a name get
libvirt's defaults first (the root on the server's ``root_device_name``, then ``/dev/vdb``...).

A failure is ``InvalidBDM`` with the original message, as ``_prep_block_device`` raises it, and
the build aborts with it: a snapshot still ``creating`` (a volume-backed snapshot image booted at
once, LP #1489581) makes Cinder refuse the volume, so the server goes to ERROR with the fault
"Build of instance <id> aborted: Invalid input received: Invalid snapshot: Originating snapshot
status must be one of 'available' values (HTTP 400) (Request-ID: req-…)".
"""

from __future__ import annotations

import sys
from collections.abc import Generator
from typing import Any

from fakecloud.nova import exception
from fakecloud.nova.volume_api import ClientException
from fakecloud.sim.polling import wait_to_poll


def prepare_block_devices(
    nova: Any, context: Any, instance: Any, bdms: list[Any]
) -> Generator[Any, Any, None]:
    """``_prep_block_device``: name the devices, then create, wait for and attach every volume
    of a booting server (in `attach_order`). Any failure but a quota one is `InvalidBDM`
    carrying the original message (which the build turns into the server's fault)."""
    default_device_names(instance, bdms)
    volume_api = nova.volume_api
    try:
        for bdm in attach_order(bdms):
            if bdm.source_type in ("snapshot", "image", "blank") and not bdm.volume_id:
                kwargs: dict[str, Any] = {
                    "volume_type": bdm.volume_type,
                    "availability_zone": instance.availability_zone,
                }
                size = bdm.volume_size
                if bdm.source_type == "snapshot":
                    snapshot = yield from volume_api.get_snapshot(
                        context, bdm.snapshot_id, for_boot=True
                    )
                    kwargs["snapshot"] = snapshot
                    size = size or snapshot.get("volume_size") or snapshot.get("size")
                elif bdm.source_type == "image":
                    kwargs["image_id"] = bdm.image_id
                bdm.volume_id = yield from volume_api.create(
                    context, size, "", "", id_only=True, **kwargs
                )
                yield from _await_volume_created(nova, context, bdm.volume_id)
            if not bdm.attachment_id:
                bdm.attachment_id = yield from volume_api.attachment_create(
                    context, bdm.volume_id, instance.uuid, id_only=True
                )
            yield from volume_api.attachment_update(
                context,
                bdm.attachment_id,
                connector(instance.host),
                mountpoint=bdm.device_name,
                view=False,
            )
            yield from volume_api.attachment_complete(context, bdm.attachment_id)
    except (exception.OverQuota, exception.InstanceNotFound):
        raise
    except Exception as ex:  # noqa: BLE001 - "Instance failed block device setup"
        raise exception.InvalidBDM(str(ex)) from ex


def connect_volume(nova: Any) -> Generator[Any, Any, None]:
    """os-brick's ``connect_volume`` of one volume on a host (libvirt ``_connect_volume``,
    before its ``_attach_encryptor``): `NovaConfig.volume_connect_s` of virtual time."""
    connect_s = nova.config.volume_connect_s
    if connect_s > 0:
        yield nova.kernel.env.timeout(connect_s)


def connect_for_spawn(nova: Any, context: Any, bdms: list[Any]) -> Generator[Any, Any, None]:
    """libvirt's spawn (``_get_guest_storage_config`` → ``_connect_volume`` →
    ``_attach_encryptor``, 17.0.0-34.0.0): each attached volume connected (`connect_volume`),
    then, if its connection info says ``encrypted``, its encryption metadata read from Cinder
    (os-brick's ``get_encryption_metadata``) before the guest starts; an error there fails the
    spawn."""
    for bdm in attach_order(bdms):
        if bdm.attachment_id:
            yield from connect_volume(nova)
            if encrypted(nova, bdm.volume_id):
                yield from nova.volume_api.get_volume_encryption_metadata(context, bdm.volume_id)


def encrypted(nova: Any, volume_id: str | None) -> bool:
    """The ``encrypted`` of the connection info Cinder gave for the volume's attachment (every
    driver's is whether the volume has a key: `fakecloud.cinder.connection`); the mapping
    keeps no connection info here, so it is read from the volume."""
    volume = nova.volume_api.cinder.store.volumes.get(volume_id)
    return volume is not None and volume.encryption_key_id is not None


#: ``convert_all_volumes``' order: existing volumes, then snapshots, images, blanks.
_SOURCE_ORDER = {"volume": 0, "snapshot": 1, "image": 2, "blank": 3}


def attach_order(bdms: list[Any]) -> list[Any]:
    """The volume mappings in the order ``driver_block_device.convert_all_volumes`` hands them
    to ``attach_block_devices`` (17.0.13-34.0.0): by source type (volume, snapshot, image,
    blank), each kind in DB order."""
    volumes = [b for b in bdms if b.is_volume and b.source_type in _SOURCE_ORDER]
    return sorted(volumes, key=lambda b: _SOURCE_ORDER[b.source_type])


def default_device_names(instance: Any, bdms: list[Any]) -> None:
    """``_default_block_device_names``, libvirt's way: the root device is the server's
    ``root_device_name``, every other unnamed device the next free ``/dev/vdX``."""
    taken = {b.device_name for b in bdms if b.device_name}
    letters = iter("bcdefghijklmnopqrstuvwxyz")
    for bdm in bdms:
        if bdm.device_name or bdm.no_device:
            continue
        root = instance.root_device_name
        if bdm.boot_index == 0 and root and root not in taken:
            bdm.device_name = root
        else:
            name = next(f"/dev/vd{c}" for c in letters if f"/dev/vd{c}" not in taken)
            bdm.device_name = name
        taken.add(bdm.device_name)


def connector(host: str) -> dict[str, Any]:
    """The os-brick connector of a compute host (what libvirt's driver reports)."""
    return {
        "platform": "x86_64",
        "os_type": "linux",
        "ip": "192.0.2.10",
        "host": host,
        "multipath": False,
        "initiator": sys.intern(f"iqn.1993-08.org.debian:01:{host}"),  # each attachment keeps it
        "do_local_attach": False,
    }


def _await_volume_created(nova: Any, context: Any, volume_id: str) -> Generator[Any, Any, None]:
    """``ComputeManager._await_block_device_map_created``: read the volume until it leaves
    ``creating``/``downloading``, sleeping ``block_device_allocate_retries_interval`` after each
    such read (the last one too); ``available`` returns, any other status at once — or still
    creating after ``retries + 1`` reads — is `VolumeNotCreated` with the seconds waited, the
    attempt it stopped at and the last status."""
    cfg = nova.config
    kernel = nova.kernel
    attempts = max(1, cfg.volume_wait_retries + 1)
    start = kernel.now
    status = "unknown"
    attempt = 0
    interval = cfg.volume_wait_interval_s
    env = kernel.env
    while attempt < attempts:
        attempt += 1
        started = env._now  # simpy's `now` property, without its call
        status = yield from nova.volume_api.get(context, volume_id, status_only=True)
        if status not in ("creating", "downloading"):
            if status == "available":
                return
            break  # "Volume id: ... finished being created but its status is ..."
        # A volume stalled for good: skip the reads that cannot find it otherwise, to the
        # last (its attempt's) or the run's end (`fakecloud.sim.polling`); the read's own
        # time is part of each round, as in Nova's loop
        attempt += yield from wait_to_poll(
            kernel,
            interval,
            interval + (env._now - started),
            "volume_api.get",
            attempts - attempt - 1,
            nova.volume_api.answered_alike_until,
            context,
        )
    raise exception.VolumeNotCreated(
        volume_id=volume_id,
        seconds=int(kernel.now - start),
        attempts=attempt,
        volume_status=status,
    )


def cleanup_volumes(
    nova: Any, context: Any, instance: Any, bdms: list[Any]
) -> Generator[Any, Any, None]:
    """Detach every volume and delete those marked ``delete_on_termination``; failures are
    logged and ignored, as Nova does."""
    volume_api = nova.volume_api
    for bdm in bdms:
        if not bdm.is_volume or not bdm.volume_id:
            continue
        try:
            if bdm.attachment_id:
                yield from volume_api.attachment_delete(context, bdm.attachment_id)
                bdm.attachment_id = None
            if bdm.delete_on_termination:
                yield from volume_api.delete(context, bdm.volume_id)
        except Exception as exc:  # noqa: BLE001 - "Ignoring volume cleanup failure"
            nova.kernel.trace.emit(
                "log",
                "nova",
                instance.uuid,
                level="warning",
                message=f"Ignoring volume cleanup failure due to {exc}",
            )


def end_attachments(
    manager: Any, context: Any, instance: Any, bdms: list[Any], forget: bool = True
) -> Generator[Any, Any, list[Any]]:
    """``_shutdown_instance``'s volume part: each volume mapping's attachment deleted (a
    failure ignored and logged by its kind); `forget`: the mapping drops its attachment id
    (a deleted server's). The volume mappings, for the caller."""
    volume_api = manager.volume_api
    vol_bdms = [bdm for bdm in bdms if bdm.is_volume and bdm.volume_id]
    for bdm in vol_bdms:
        if not bdm.attachment_id:
            continue
        try:
            yield from volume_api.attachment_delete(context, bdm.attachment_id)
            if forget:
                bdm.attachment_id = None
        except (exception.VolumeAttachmentNotFound, exception.VolumeNotFound) as exc:
            name = type(exc).__name__
            manager._log(instance.uuid, "debug", f"Ignoring {name}: {exc}")
        except Exception as exc:  # noqa: BLE001 - Nova logs it and goes on deleting
            kind = "cinder exception" if isinstance(exc, ClientException) else "exception"
            manager._log(
                instance.uuid,
                "warning",
                f"Ignoring unknown {kind} for volume {bdm.volume_id}: {exc}",
            )
    return vol_bdms


def delete_on_termination(
    manager: Any, context: Any, instance: Any, vol_bdms: list[Any]
) -> Generator[Any, Any, None]:
    """nova-compute deleting a server, after ``_shutdown_instance`` ended every volume's
    attachment (`end_attachments`, which gives `vol_bdms`): ``_cleanup_volumes(detach=False)``
    deletes the volumes marked ``delete_on_termination``, a refusal logged 'Failed to delete
    volume: %(volume_id)s due to %(exc)s' (nova 17.0.7 to 34.0.0 ``compute/manager.py``: a
    volume that still has snapshots, as after a volume-backed createImage, stays
    ``available``)."""
    volume_api = manager.volume_api
    for bdm in vol_bdms:
        if not bdm.delete_on_termination:
            continue
        try:
            yield from volume_api.delete(context, bdm.volume_id)
        except Exception as exc:  # noqa: BLE001 - raise_exc=False: logged, the delete goes on
            manager._log(
                instance.uuid, "warning", f"Failed to delete volume: {bdm.volume_id} due to {exc}"
            )


def cleanup_after_aborted_build(
    manager: Any, context: Any, instance: Any, bdms: list[Any]
) -> Generator[Any, Any, None]:
    """``ComputeManager._cleanup_volumes(raise_exc=False)`` after a build aborted
    (``_do_build_and_run_instance``, nova 17.0.13-34.0.0): each mapping with a volume is
    detached (``_detach_volume``: the volume read, its attachment deleted, the mapping destroyed
    when ``delete_on_termination``), then such a volume is deleted; each failure is logged
    ('Failed to detach volume: X due to E' / 'Failed to delete volume: X due to E') and the
    next goes on. A reserved existing volume is ``available`` again, the new ones are gone.
    Each detach is ``_detach_volume``'s: versioned ``volume_detach.start``, legacy
    ``volume.detach`` and versioned ``volume_detach.end`` once detached, before the mapping's
    destroy (a failed one sends the start alone). Not modelled: the guest-side detach (there is
    no guest)."""
    volume_api, notifier, host = manager.volume_api, manager.notifier, manager.host
    for bdm in bdms:
        if not bdm.volume_id:
            continue
        volume_id = bdm.volume_id
        try:
            notifier.instance_action(
                host, "nova-compute", instance, "volume_detach.start", volume_id=volume_id
            )
            yield from volume_api.get(context, volume_id)
            if bdm.attachment_id:
                yield from volume_api.attachment_delete(context, bdm.attachment_id)
            notifier.instance_usage(host, instance, "volume.detach", volume_id=volume_id)
            notifier.instance_action(
                host, "nova-compute", instance, "volume_detach.end", volume_id=volume_id
            )
            if bdm.delete_on_termination:
                manager.db.bdm_destroy(bdm)
        except Exception as exc:  # noqa: BLE001 - Nova logs it and goes on
            manager._log(
                instance.uuid, "warning", f"Failed to detach volume: {bdm.volume_id} due to {exc}"
            )
        if bdm.delete_on_termination:
            try:
                yield from volume_api.delete(context, bdm.volume_id)
            except Exception as exc:  # noqa: BLE001 - Nova logs it and goes on
                manager._log(
                    instance.uuid,
                    "warning",
                    f"Failed to delete volume: {bdm.volume_id} due to {exc}",
                )
