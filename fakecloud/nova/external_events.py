"""External instance events past the API: the compute API's ``external_instance_event`` and the
host's handling of them (``nova/compute/api.py``, ``nova/compute/manager.py``, Nova 34.0.0;
the same in 17.0.13).

- The compute API records an ``extend_volume`` instance action for each ``volume-extended``
  event (Cinder's extend is a user operation the user can follow on the server), under the
  events request's id, then casts ``external_instance_event`` to each server's host.
- The host (``ComputeManager.external_instance_event``) handles ``volume-extended`` with
  ``extend_volume`` (event ``compute_extend_volume``): the volume's mapping takes the size
  Cinder now reports and libvirt resizes the guest's block device (``virDomainBlockResize``,
  a ``log`` trace event; before 21.0.0 an encrypted volume's under a running or paused guest
  fails: QEMU refuses its raw size, `CANNOT_GROW`); a volume not attached to the server is only
  logged. Any other event wakes its waiter (``_process_instance_event``: a 2.93 rebuild's
  ``volume-reimaged``, `fakecloud.nova.compute.reimage`), or is logged as unexpected
  (fakecloud has no Neutron to wait for).
- ``power-update`` (2.76): `fakecloud.nova.compute.power_update`.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.nova import states
from fakecloud.nova.block_device import encrypted
from fakecloud.nova.compute import power_update, reimage
from fakecloud.nova.virt import encryptors
from fakecloud.nova.virt.guest_agent import VIR_ERR_INTERNAL_ERROR
from fakecloud.nova.virt.libvirt import LibvirtError

#: QEMU's answer to a ``block_resize`` past what the device holds (``raw_co_truncate`` of a
#: host device), as libvirt reports it.
CANNOT_GROW = (
    "internal error: unable to execute QEMU command 'block_resize': Cannot grow device files"
)

#: ``instance_actions.EXTEND_VOLUME``.
EXTEND_VOLUME = "extend_volume"


def external_instance_event(nova: Any, context: Any, events: list[dict[str, Any]]) -> None:
    """``API.external_instance_event``: actions, then one cast per host with its events."""
    db = nova.db
    by_host: dict[str, list[dict[str, Any]]] = {}
    instances: dict[str, Any] = {}
    for event in events:
        uuid = event["instance_uuid"]
        if uuid not in instances:
            instances[uuid] = db.instance_get(uuid, "nova-api")
        host_events = by_host.setdefault(instances[uuid].host, [])
        if event["name"] == "volume-extended":
            db.action_start(context, uuid, EXTEND_VOLUME)
        elif event["name"] == "power-update" and not power_update.action(nova, context, event):
            continue  # the host's cast still goes, without it
        host_events.append(event)
    rpcapi = nova.compute_rpcapi
    for host, host_events in by_host.items():
        nova.kernel.rpc.cast_kwargs(
            rpcapi.target(None, host),
            "external_instance_event",
            {
                "context": context,
                "instances": [i.clone() for i in instances.values() if i.host == host],
                "events": host_events,
            },
        )


def handle_on_host(
    manager: Any, context: Any, instances: list[Any], events: list[dict[str, Any]]
) -> Generator[Any, Any, None]:
    """``ComputeManager.external_instance_event``: each event for its instance."""
    for event in events:
        instance = next(i for i in instances if i.uuid == event["instance_uuid"])
        if event["name"] == "volume-extended":
            yield from extend_volume(manager, context, manager._receive(instance), event["tag"])
        elif event["name"] == "power-update":
            try:
                yield from power_update.power_update(manager, context, instance, event["tag"])
            except Exception as exc:  # noqa: BLE001 - wrap_exception: the cast's loop ends
                manager.notifier.exception(
                    manager.host, "external_instance_event", exc, instance=instance.uuid
                )
                return
        else:
            reimage.process_event(manager, instance, event)


def extend_volume(
    manager: Any, context: Any, instance: Any, volume_id: str
) -> Generator[Any, Any, None]:
    """``ComputeManager.extend_volume`` (``wrap_instance_event``: ``compute_extend_volume``)."""
    event = manager._event(context, instance, "compute_extend_volume")
    driver_log = manager.driver._log
    bdm = next(
        (b for b in manager.db.bdms_by_instance(instance.uuid) if b.volume_id == volume_id), None
    )
    if bdm is None:
        driver_log(
            instance,
            "WARNING",
            f"Extend volume failed, volume {volume_id} is not attached to instance.",
        )
        event.finish()
        return
    try:
        volume = yield from manager.volume_api.get(context, volume_id)
    except Exception as exc:  # noqa: BLE001 - wrap_instance_fault + wrap_instance_event
        manager.db.fault_create(instance.uuid, exc, manager.host, "")
        event.finish(exc)
        return
    bdm.volume_size = volume["size"]
    driver_log(
        instance,
        "INFO",
        f"Cinder extended volume {volume_id}; extending it to detect new size",
    )
    guest = manager.driver.domains.get(instance.uuid)
    running = guest is not None and guest.power_state in (states.RUNNING, states.POWER_PAUSED)
    if running and manager.switches.extend_reads_encryption:
        try:
            yield from encryptors.read(manager.nova, context, volume_id)
        except Exception as exc:  # noqa: BLE001 - 'Extend volume failed', then raised
            manager._log(
                instance.uuid,
                "warning",
                f"Extend volume failed, volume_id={volume_id}, reason: {exc}",
            )
            manager.db.fault_create(instance.uuid, exc, manager.host, "")
            event.finish(exc)
            return
    elif running and encrypted(manager.nova, volume_id):
        # Before 961df12393 libvirt resizes the guest's disk to the volume's raw size, more
        # than an encrypted one's device has for its data (LUKS v1's header in QEMU, os-brick's
        # dm-crypt mapping of the old size): QEMU's block_resize refuses (file-posix), and the
        # driver's libvirtError fails the extend (nova 17.0.13 LibvirtDriver.extend_volume)
        exc = LibvirtError(CANNOT_GROW, VIR_ERR_INTERNAL_ERROR)
        manager._log(
            instance.uuid, "warning", f"Extend volume failed, volume_id={volume_id}, reason: {exc}"
        )
        manager.db.fault_create(instance.uuid, exc, manager.host, "")
        event.finish(exc)
        return
    driver_log(
        instance,
        "DEBUG",
        f"Resizing target device {bdm.device_name} to {volume['size'] * 1024**3}",
    )
    event.finish()
