"""The hypervisor driver of a compute host, modelled on ``nova/virt/libvirt/driver.py``.

A `Domain` is a guest as libvirt knows it: its power state and its root disk (allocated and
virtual bytes, on-disk format). `LibvirtDriver.snapshot` is the data path of an image-backed
snapshot (spec 4.8):

1. live or cold, by hypervisor, disk backend, encryption, the workaround flag and the guest's
   power state; a cold snapshot of a running guest suspends it (managed save) meanwhile;
2. ``image_pending_upload`` then ``image_uploading`` (the task-state bounce);
3. an RBD direct snapshot (snap, clone into Glance's pool, **flatten** — a full copy inside
   Ceph — then register the location: the image turns active with no upload), or its fallback
   back to ``image_pending_upload`` (every other backend raises NotImplementedError at once);
4. the extract on the host disk (live: the mirror job, polled every 0.5 s, then a
   ``qemu-img convert``; cold: the convert), then ``image_uploading`` again and the upload over
   the host's link to the Glance store.

Each copy is a `kernel.io.transfer`, so durations follow disk sizes and the throughputs shared
with everything else on that disk or link. Destroying a guest fails the copies it is part of
with libvirt's ``VIR_ERR_NO_DOMAIN``, which the snapshot turns into `InstanceNotFound`.

Fault points: ``nova.libvirt.get_guest`` (host, instance_uuid) is the domain lookup as the
snapshot starts, or an assisted volume snapshot's (`get_guest_fault`; ``DomainNotFound``: the
guest has vanished behind Nova's back, which the driver reports as InstanceNotRunning);
``nova.libvirt.direct_snapshot`` (host, instance_uuid) raises in
the direct snapshot (e.g. ``ImageUnacceptable``) to force the fallback;
``nova.libvirt.extract`` (host, instance_uuid, live) fails the extract; transfers carry
``host`` and ``instance_uuid`` for ``io.transfer`` rules.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

import simpy

from fakecloud.glance.content import ImageData
from fakecloud.nova import exception, numa_constraints, states, trusted_certs
from fakecloud.nova.virt import diagnostics, images
from fakecloud.nova.virt.guest_agent import (
    bool_from_string,
    can_quiesce,
    guest_restarted,
    image_props_for_quiesce,
    set_quiesced,
)
from fakecloud.nova.virt.guest_agent import set_admin_password as agent_set_admin_password
from fakecloud.nova.virt.libvirt import LibvirtError  # noqa: F401 - also offered from here
from fakecloud.sim.io import MB, gbit_per_s, in_start_order
from fakecloud.sim.states import StateMachine
from fakecloud.sim.trace import form, site

#: The forms of a snapshot's ``nova.snapshot`` events (`Trace.put`): its start, its end.
_SNAPSHOT_BEGIN = form("nova.snapshot", "phase", "live", "source_type", "image_id")
_SNAPSHOT_PHASE = form("nova.snapshot", "phase")
#: The site (`Trace.write_at`) of a snapshot's end, its image uploaded.
_UPLOADED = site(_SNAPSHOT_PHASE, phase="uploaded")
#: A log line's form (`_log`): ``trace.emit``'s, written without its dict of details.
_LOG = form("log", "level", "message")

GiB = 1024**3
#: libvirt's ``<memory>`` is the flavor's ``memory_mb * units.Ki`` KiB (``_get_guest_config``), so
#: a guest's memory is ``memory_mb`` MiB in bytes: what managed save writes, what migrates.
MiB = 1024**2
VIR_ERR_NO_DOMAIN = 42
VIR_ERR_OPERATION_INVALID = 55
VIR_ERR_OPERATION_FAILED = 9


def get_guest_fault(faults: Any, host: str, instance_uuid: str) -> Generator:
    """The fault point ``nova.libvirt.get_guest`` of ``Host.get_guest``: a
    ``VIR_ERR_NO_DOMAIN`` there is the driver's `InstanceNotRunning`."""
    if "nova.libvirt.get_guest" not in faults.hot:  # else consulting it does nothing
        return
    try:
        yield from faults.pause("nova.libvirt.get_guest", host=host, instance_uuid=instance_uuid)
    except LibvirtError as ex:
        if ex.get_error_code() != VIR_ERR_NO_DOMAIN:
            raise
        raise exception.InstanceNotRunning(instance_id=instance_uuid) from None


#: What libvirt reports for a guest (the same values and moves as Nova's power_state).
DOMAIN_POWER_STATE = StateMachine("libvirt.domain.power_state", states.POWER_STATE.transitions)


_NO_TRANSFERS: frozenset = frozenset()


@dataclass(slots=True)
class Domain:
    """A guest on a host: power state and root disk."""

    id: str
    """The instance uuid (the subject of the domain's trace events)."""
    name: str
    """libvirt's name for it: the instance's name when spawned (``instance-%08x``)."""
    power_state: states.PowerState
    memory_bytes: int
    disk_bytes: int
    virtual_bytes: int
    source_type: str
    """``qcow2``, ``raw``, ``lvm``, ``rbd``, ``ploop`` — or ``volume`` (no local root disk)."""
    transfers: set | frozenset = frozenset()
    """Its disk's transfers in flight, replaced (`add_transfer`, `drop_transfer`), never edited:
    a guest without any shares one empty set, so a storm's 100,000 guests hold no set each
    for the collector to walk."""
    fsfreeze_status: str = "thawed"
    """qemu-ga's ``guest-fsfreeze-status``: thawed or frozen (`guest_agent.FSFREEZE_STATUS`)."""
    frozen_intervals: tuple | list = ()
    """Every ``(start, end)`` the filesystems were frozen, virtual seconds (end None: still);
    replaced, never edited: a tuple of atoms, which the collector stops tracking (a list in a
    file saved before session 35)."""
    agent: Any = None
    """The guest's `fakecloud.nova.virt.guest_agent.GuestAgent`, made on first use."""
    boots: int = 0
    """How many times the guest's OS went down (`guest_restarted`) in this copy of the cloud:
    a command in flight across one fails, as the restarted guest's qemu-ga closed its channel.
    Not saved (`fakecloud.state.kinds.TRANSIENT`): only a command in flight compares it."""
    frozen_restarts: int = 0
    """How many times the guest restarted between Nova's sending the freeze that froze it and
    that freeze reaching the guest (a freeze queued behind the agent job another command holds
    reaches whichever boot the guest is in by then; ``no_freeze_across_restart``); 0 while
    thawed. Saved (only when not 0, `fakecloud.state.kinds.SPARSE`), so a fork or a loaded
    copy of a guest left so still shows it, where `boots` counts from the copy's start."""

    @property
    def uuid(self) -> str:
        """The instance uuid (same as `id`)."""
        return self.id

    @property
    def frozen(self) -> bool:
        """Whether the guest's filesystems are frozen (quiesced) now."""
        return self.fsfreeze_status == "frozen"

    def add_transfer(self, transfer: Any) -> None:
        """`transfer` (of the guest's disk) is in flight."""
        self.transfers = self.transfers | {transfer}

    def drop_transfer(self, transfer: Any) -> None:
        """`transfer` is no longer in flight (nothing when it was not)."""
        self.transfers = self.transfers - {transfer} or _NO_TRANSFERS


#: ``[libvirt] wait_soft_reboot_seconds`` (its default): how long a soft reboot waits for
#: the guest to shut down before rebooting it hard.
WAIT_SOFT_REBOOT_S = 120


def _source_type(images_type: str) -> str:
    return {"default": "qcow2", "flat": "raw"}.get(images_type, images_type)


class LibvirtDriver:
    """The driver of one compute host."""

    domains: dict[str, Domain]
    _rbd: Any
    _disk_ops: Any

    def __init__(self, manager: Any):
        self.manager = manager
        self.kernel = manager.kernel
        self.config = manager.config
        self.host = manager.host
        self.image_api = manager.image_api
        self.domains = {}
        self.disk = self.kernel.io.resource(
            f"disk:{self.host}", self.config.disk_throughput_mb_per_s * MB
        )
        self._rbd = None
        self._disk_ops = None
        # [DEFAULT] max_concurrent_disk_ops exists from 19.0.0 (728f20e8f4); before, ignored.
        if self.config.max_concurrent_disk_ops > 0 and self.kernel.switches.disk_ops_semaphore:
            self._disk_ops = simpy.Resource(self.kernel.env, self.config.max_concurrent_disk_ops)

    # -- guests ------------------------------------------------------------------------------

    def spawn(
        self,
        instance: Any,
        image_meta: dict[str, Any] | None,
        volume_backed: bool,
        name: str | None = None,
    ) -> Generator[Any, Any, None]:
        """Create and boot the guest (its disk from the image, or the attached root volume);
        `name`: the libvirt name a rebuilt guest keeps (otherwise the instance's name). Fault
        point ``nova.libvirt.spawn`` (host, instance_uuid) fails it before the guest exists.
        An image the download refuses (`images.check_fetched`), or whose signature it cannot
        verify where the server has trusted certificates or the configuration asks
        (`trusted_certs.verify`), fails it at once."""
        if not volume_backed and image_meta is not None:
            config = self.config
            images.check_fetched(self.kernel.switches, image_meta)
            if not (config.images_type == "rbd" and config.rbd_glance_store):  # else a clone
                certs = self.manager.db.trusted_certs_of(instance.uuid)
                trusted_certs.verify(
                    config, certs, image_meta, self.kernel.switches.release.version
                )
        yield self.kernel.env.timeout(self.config.build_delay_s)
        specs = instance.flavor.extra_specs
        if specs and "hw:cpu_realtime" in specs:
            self._realtime_guest(instance)
        faults = self.kernel.faults
        if "nova.libvirt.spawn" in faults.hot:  # else consulting it does nothing
            yield from faults.pause(
                "nova.libvirt.spawn", host=self.host, instance_uuid=instance.uuid
            )
        self.domains[instance.uuid] = self._new_domain(instance, image_meta, volume_backed, name)

    def _realtime_guest(self, instance: Any) -> None:
        """The guest XML's realtime vCPUs (``_get_guest_numa_config``): before 19.0.0 the
        first reading of the mask (`numa_constraints.spawn_realtime_mask`), its error failing
        the spawn; from 19.0.0 the API has refused whatever it would refuse."""
        flavor = instance.flavor
        if self.kernel.switches.release.version >= numa_constraints.REALTIME_TOPOLOGY_SINCE:
            return
        if numa_constraints.realtime(flavor.extra_specs):
            mask = instance.system_metadata.get("image_hw_cpu_realtime_mask")
            numa_constraints.spawn_realtime_mask(flavor, {"hw_cpu_realtime_mask": mask})

    def _new_domain(
        self,
        instance: Any,
        image_meta: dict[str, Any] | None,
        volume_backed: bool,
        name: str | None = None,
    ) -> Domain:
        """A running guest of `instance`'s flavor, its root disk from `image_meta` (its base
        plus what the guest writes) or the root volume."""
        flavor = instance.flavor
        virtual = flavor.root_gb * GiB
        if volume_backed:
            allocated, source = 0, "volume"
        else:
            base = int((image_meta or {}).get("size") or 0)
            written = int(virtual * self.config.guest_written_fraction)
            allocated = min(virtual, base + written) if virtual else base + written
            source = _source_type(self.config.images_type)
        return Domain(
            id=instance.uuid,
            # ``_get_guest_config``: ``guest.name = instance.name``, instance-%08x of the
            # server's id in its cell (nova 17.0.13 virt/libvirt/driver.py line 5184, 34.0.0
            # line 7744), the OS-EXT-SRV-ATTR:instance_name a user reads
            name=name or instance.name(),
            power_state=states.RUNNING,
            memory_bytes=_shared_size(flavor.memory_mb * MiB),
            disk_bytes=allocated,
            virtual_bytes=_shared_size(max(virtual, allocated)),
            source_type=source,
        )

    def destroy(self, instance: Any) -> None:
        """Remove the guest; copies that involve it fail with ``VIR_ERR_NO_DOMAIN``. A rescued
        server's own guest, kept for the unrescue, goes too (its instance directory does)."""
        if self.rescued is not None:
            self.rescued.pop(instance.uuid, None)
        self._destroy_domain(instance)

    def _destroy_domain(self, instance: Any) -> None:
        """``_destroy``: the running guest is gone (its copies fail)."""
        dom = self.domains.pop(instance.uuid, None)
        if dom is None:
            return
        # Nothing reaches a guest's agent through its domain once the domain is gone (every
        # lookup goes through `domains`); a command in flight keeps its agent. Dropping the
        # link frees the domain and its agent at once, not at the collector's next pass.
        dom.agent = None
        for t in in_start_order(dom.transfers):  # the set's own order is their addresses'
            self.kernel.io.fail(t, LibvirtError("Domain not found", VIR_ERR_NO_DOMAIN))

    def get_info(self, instance: Any) -> int:
        """The guest's power state (`InstanceNotFound` when there is no such guest)."""
        dom = self.domains.get(instance.uuid)
        if dom is None:
            raise exception.InstanceNotFound(instance_id=instance.uuid)
        return dom.power_state

    def get_diagnostics(self, instance: Any, bdm_devices: list[str | None]) -> dict[str, Any]:
        """The legacy diagnostics dict (before 2.48; `fakecloud.nova.virt.diagnostics`)."""
        self._domain(instance)  # _host.get_guest: InstanceNotFound without a guest
        flavor = instance.flavor
        disks = diagnostics.disk_devices(instance.root_device_name, bdm_devices)
        return diagnostics.legacy(flavor.vcpus, flavor.memory_mb * 1024, disks)

    def get_instance_diagnostics(
        self, instance: Any, bdm_devices: list[str | None]
    ) -> dict[str, Any]:
        """The standard diagnostics (2.48+; `fakecloud.nova.virt.diagnostics`)."""
        dom = self._domain(instance)
        flavor = instance.flavor
        disks = diagnostics.disk_devices(instance.root_device_name, bdm_devices)
        return diagnostics.standard(
            dom.power_state,
            self.config.virt_type,
            bool(instance.config_drive),
            self.kernel.now - (instance.launched_at or self.kernel.now),
            flavor.vcpus,
            flavor.memory_mb * 1024,
            disks,
        )

    def _domain(self, instance: Any) -> Domain:
        dom = self.domains.get(instance.uuid)
        if dom is None:
            raise exception.InstanceNotFound(instance_id=instance.uuid)
        return dom

    def _set_power(self, dom: Domain, state: int) -> None:
        DOMAIN_POWER_STATE.move(
            self.kernel, dom, state, actor=f"libvirt:{self.host}", field="power_state"
        )

    def power_off(self, instance: Any, clean_shutdown: bool = False) -> Generator[Any, Any, None]:
        """Shut the guest down. A clean shutdown (``_clean_shutdown``'s ``guest.shutdown()``)
        of a paused guest is refused by libvirt: the domain is not running."""
        dom = self._domain(instance)
        if clean_shutdown and dom.power_state == states.POWER_PAUSED:
            raise LibvirtError(
                "Requested operation is not valid: domain is not running", VIR_ERR_OPERATION_INVALID
            )
        yield self.kernel.env.timeout(self.config.power_action_delay_s)
        self._set_power(dom, states.SHUTDOWN)
        guest_restarted(self.kernel, dom, self.host)  # its OS is down: nothing stays frozen

    def power_off_now(self, instance: Any) -> Generator[Any, Any, None]:
        """``power_off(timeout=0)`` (a soft delete's ``clean_shutdown=False``): libvirt's
        ``_destroy`` of the guest, no clean shutdown; a guest already shut off (or gone) is
        left as it is at once. A live snapshot's mirror runs with the domain undefined
        (``_live_snapshot``: blockRebase needs a transient domain), so destroying it ends the
        job with ``VIR_ERR_NO_DOMAIN``, and ``abort_job`` in the snapshot's ``finally`` fails
        too, before the domain is defined again. fakecloud keeps the shut-off domain (Nova's
        next ``power_on`` is a hard reboot, which defines it again from the instance)."""
        dom = self.domains.get(instance.uuid)
        if dom is None or dom.power_state == states.SHUTDOWN:
            return
        for t in in_start_order(dom.transfers):
            if t.label == "libvirt.blockRebase":
                self.kernel.io.fail(t, LibvirtError("Domain not found", VIR_ERR_NO_DOMAIN))
        yield from self.power_off(instance)

    def power_update_event(self, instance: Any, target_power_state: str) -> None:
        """``ComputeDriver.power_update_event``: libvirt does not implement it (only ironic
        does), so the base class's ``NotImplementedError`` answers a ``power-update``."""
        raise NotImplementedError()

    def power_on(
        self, instance: Any, disconnect: Callable[[], Generator] | None = None
    ) -> Generator[Any, Any, None]:
        """Boot the guest again (libvirt's ``power_on`` is ``_hard_reboot``, whose ``destroy``
        disconnects the volumes, the caller's `disconnect`, and which defines the guest again
        from the server's own configuration: a rescued server's own guest boots, the rescue
        guest is gone; its files stay behind)."""
        guest = self._domain(instance)
        if disconnect is not None:
            yield from disconnect()
            guest = self._domain(instance)
        dom = self._own_definition(instance, guest)
        yield self.kernel.env.timeout(self.config.power_action_delay_s)
        self._set_power(dom, states.RUNNING)

    def _own_definition(self, instance: Any, dom: Domain) -> Domain:
        """``_hard_reboot``'s guest definition, made from the server's own configuration: for a
        server still holding a rescue guest (`dom`), its own guest kept for the unrescue."""
        own = self.rescued.pop(instance.uuid, None) if self.rescued else None
        if own is None:
            return dom
        self._destroy_domain(instance)
        own.name = dom.name
        self.domains[instance.uuid] = own
        return own

    def pause(self, instance: Any) -> Generator[Any, Any, None]:
        """Pause the guest's vCPUs."""
        dom = self._domain(instance)
        yield self.kernel.env.timeout(self.config.power_action_delay_s)
        self._set_power(dom, states.POWER_PAUSED)

    def unpause(self, instance: Any) -> Generator[Any, Any, None]:
        """Resume the guest's vCPUs."""
        dom = self._domain(instance)
        yield self.kernel.env.timeout(self.config.power_action_delay_s)
        self._set_power(dom, states.RUNNING)

    def suspend(self, instance: Any) -> Generator[Any, Any, None]:
        """Managed save: the guest's memory goes to the host disk; libvirt then shows it off."""
        dom = self._domain(instance)
        yield from self._copy(dom, dom.memory_bytes, "libvirt.managedSave")
        self._set_power(dom, states.SHUTDOWN)

    def resume(self, instance: Any) -> Generator[Any, Any, None]:
        """Restore a managed-saved guest."""
        dom = self._domain(instance)
        yield from self._copy(dom, dom.memory_bytes, "libvirt.restore")
        self._set_power(dom, states.RUNNING)

    def reboot(
        self,
        instance: Any,
        reboot_type: str,
        disconnect: Callable[[], Generator] | None = None,
    ) -> Generator[Any, Any, None]:
        """``LibvirtDriver.reboot``. Soft: a running guest is shut down and launched again;
        a guest that is not running never shuts down, so after ``wait_soft_reboot_seconds``
        it is rebooted hard. Hard: the domain is destroyed (its volumes disconnected: the
        caller's `disconnect`, `encryptors.disconnect_all`) and created again. Either way the
        guest's OS restarts, so its filesystems are no longer frozen (`guest_restarted`); a hard
        reboot defines the guest from the server's own configuration (`_own_definition`).

        Fault point ``nova.libvirt.hard_reboot`` (host, instance_uuid, step) fails the hard
        reboot (``_hard_reboot``) where it destroys the guest (step ``destroy``: libvirt could
        not kill it, the guest runs on) or where it creates it again (step ``create``, after
        the delay: the guest stays shut down)."""
        delay = self.config.power_action_delay_s
        dom = self._domain(instance)
        faults = self.kernel.faults
        hot = "nova.libvirt.hard_reboot" in faults.hot  # else consulting it does nothing
        if reboot_type == "SOFT":
            if dom.power_state == states.RUNNING:
                yield self.kernel.env.timeout(delay)  # guest.shutdown()
                dom = self._domain(instance)
                self._set_power(dom, states.SHUTDOWN)
                guest_restarted(self.kernel, dom, self.host)
                yield self.kernel.env.timeout(delay)  # guest.launch()
                self._set_power(self._domain(instance), states.RUNNING)
                return
            yield self.kernel.env.timeout(WAIT_SOFT_REBOOT_S)
            self._log(instance, "warning", "Failed to soft reboot instance. Trying hard reboot.")
            dom = self._domain(instance)
        if hot:
            yield from faults.pause(
                "nova.libvirt.hard_reboot", host=self.host, instance_uuid=dom.id, step="destroy"
            )
        if dom.power_state != states.SHUTDOWN:
            self._set_power(dom, states.SHUTDOWN)  # _destroy
        guest_restarted(self.kernel, dom, self.host)
        if disconnect is not None:
            yield from disconnect()
        self._own_definition(instance, dom)
        yield self.kernel.env.timeout(delay)  # _create_guest_with_network
        if hot:
            yield from faults.pause(
                "nova.libvirt.hard_reboot", host=self.host, instance_uuid=dom.id, step="create"
            )
        self._set_power(self._domain(instance), states.RUNNING)

    def _copy(
        self,
        dom: Domain,
        size: int,
        label: str,
        path: tuple | None = None,
        turn: bool = True,
        **attrs: Any,
    ) -> Generator[Any, Any, None]:
        """Move `size` bytes of `dom` (on the host disk by default), failing if it vanishes;
        then (`turn`) wait for the host's eventlet hub to notice the end."""
        t = self.kernel.io.transfer(
            size,
            path or (self.disk,),
            label=label,
            host=self.host,
            instance_uuid=dom.id,
            **attrs,
        )
        dom.add_transfer(t)
        try:
            yield t.done
        finally:
            dom.drop_transfer(t)
        if turn:
            yield from self._turn(dom.id, label)

    def _turn(self, subject: str, what: str) -> Generator[Any, Any, None]:
        """The greenthread's turn on the host's eventlet hub (LP #1874032: an upload blocks it)."""
        hub = self.manager.eventlet_hub
        if hub is not None and hub.blocked:
            yield from hub.wait(subject, what)

    # -- snapshot ----------------------------------------------------------------------------

    def snapshot(
        self,
        context: Any,
        instance: Any,
        image_id: str,
        update_task_state: Callable[..., None],
    ) -> Generator[Any, Any, None]:
        """Snapshot the guest's root disk into the Glance image `image_id` (see module doc)."""
        cfg = self.config
        switches = self.kernel.switches
        faults = self.kernel.faults
        yield from get_guest_fault(faults, self.host, instance.uuid)
        dom = self.domains.get(instance.uuid)
        if dom is None:
            raise exception.InstanceNotRunning(instance_id=instance.uuid)
        snapshot_name = yield from self.image_api.get(context, image_id, name_only=True)
        source_type = dom.source_type
        image_format = cfg.snapshot_image_format or source_type
        if image_format in ("lvm", "rbd"):
            image_format = "raw"
        metadata = self._create_snapshot_metadata(instance, image_format, snapshot_name)
        original_power_state = dom.power_state
        live = (
            cfg.virt_type in ("kvm", "qemu")
            and source_type != "lvm"
            and not cfg.ephemeral_storage_encryption
            and not cfg.disable_libvirt_livesnapshot
            and original_power_state != states.SHUTDOWN
            # Before 22.0.0 a PAUSED guest is snapshotted cold (a managedSave file).
            and not (switches.paused_snapshot_cold and original_power_state == states.POWER_PAUSED)
        )
        self.kernel.trace.write(
            _SNAPSHOT_BEGIN,
            f"nova-compute:{self.host}",
            instance.uuid,
            ("begin", live, source_type, image_id),
        )
        yield from self._suspend_guest_for_snapshot(dom, live, original_power_state)

        update_task_state(task_state=states.IMAGE_PENDING_UPLOAD)
        update_task_state(
            task_state=states.IMAGE_UPLOADING, expected_state=states.IMAGE_PENDING_UPLOAD
        )
        try:
            try:
                location = yield from self._direct_snapshot(context, dom, instance, image_id)
                yield from self._resume_guest_after_snapshot(dom, live, original_power_state)
                metadata["location"] = location
                # The clone already holds the data: what Glance's store will find there.
                metadata["location_data"] = ImageData(
                    size=dom.virtual_bytes,
                    content_id=f"nova-snapshot:{dom.id}:{image_id}",
                    disk_format="raw",
                    virtual_size=dom.virtual_bytes,
                )
                yield from self.image_api.update(
                    context, image_id, metadata, purge_props=False, id_only=True
                )
            except (NotImplementedError, exception.ImageUnacceptable, exception.Forbidden) as e:
                if type(e) is not NotImplementedError:
                    self.kernel.trace.emit(
                        "log",
                        f"nova-compute:{self.host}",
                        instance.uuid,
                        level="warning",
                        message=f"Performing standard snapshot because direct snapshot failed: {e}",
                    )
                metadata.pop("location", None)
                metadata.pop("location_data", None)
                update_task_state(
                    task_state=states.IMAGE_PENDING_UPLOAD, expected_state=states.IMAGE_UPLOADING
                )
                if source_type == "rbd" and live:
                    # qemu-img from RBD is unsafe while the guest runs: go cold.
                    live = False
                    yield from self._suspend_guest_for_snapshot(dom, live, original_power_state)
                image_bytes = yield from self._standard_snapshot(
                    dom, instance, live, original_power_state, image_format
                )
                update_task_state(
                    task_state=states.IMAGE_UPLOADING, expected_state=states.IMAGE_PENDING_UPLOAD
                )
                yield from self._upload(context, dom, image_id, metadata, image_bytes)
        except simpy.Interrupt:
            raise  # the process itself is stopped (a greenthread killed): nothing logged
        except exception.ImageNotFound:
            # From 29.0.0 (40a56ce05b) an image deleted mid-snapshot is expected: a warning.
            if switches.snapshot_image_deleted_warning:
                self._log(instance, "warning", "Failed to snapshot image because it was deleted")
            else:
                self._log(instance, "error", "Failed to snapshot image")
            raise
        except Exception:
            self._log(instance, "error", "Failed to snapshot image")
            raise
        self.kernel.trace.write_at(_UPLOADED, f"nova-compute:{self.host}", instance.uuid)

    def _create_snapshot_metadata(
        self, instance: Any, image_format: str, name: str
    ) -> dict[str, Any]:
        sysmeta = instance.system_metadata
        switches = self.kernel.switches
        if switches.snapshot_ami_disk_format and sysmeta.get("image_disk_format") == "ami":
            image_format = "ami"  # "glance forces ami disk format to be ami" (until 30.0.0)
        properties = {
            "image_location": "snapshot",
            "image_state": "available",
            "owner_id": instance.project_id,
        }
        for key in ("kernel_id", "ramdisk_id"):
            value = sysmeta.get(f"image_{key}")
            if value and str(value).lower() not in ("none", ""):
                properties[key] = value
        if sysmeta.get("image_os_type"):
            properties["os_type"] = sysmeta["image_os_type"]
        metadata = {
            "name": name,
            "disk_format": image_format,
            "container_format": sysmeta.get("image_container_format") or "bare",
            "properties": properties,
        }
        if switches.lp1675791:
            metadata["is_public"] = False  # the upload's update makes the image private again
        return metadata

    def _log(self, instance: Any, level: str, message: str) -> None:
        self.kernel.trace.write(_LOG, f"nova-compute:{self.host}", instance.uuid, (level, message))

    def _needs_suspend(self, live: bool, power_state: int) -> bool:
        if self.config.virt_type == "lxc" or live:
            return False
        return power_state in (states.RUNNING, states.POWER_PAUSED)

    def _suspend_guest_for_snapshot(
        self, dom: Domain, live: bool, power_state: int
    ) -> Generator[Any, Any, None]:
        if self._needs_suspend(live, power_state) and dom.power_state != states.SHUTDOWN:
            yield from self._copy(dom, dom.memory_bytes, "libvirt.managedSave")
            self._set_power(dom, states.SHUTDOWN)

    def _resume_guest_after_snapshot(
        self, dom: Domain, live: bool, original_power_state: int
    ) -> Generator[Any, Any, None]:
        if not self._needs_suspend(live, original_power_state):
            return
        if self.domains.get(dom.id) is not dom:
            return
        yield from self._copy(dom, dom.memory_bytes, "libvirt.restore")
        # The guest is relaunched paused if it was paused.
        self._set_power(dom, original_power_state)

    def _direct_snapshot(
        self, context: Any, dom: Domain, instance: Any, image_id: str
    ) -> Generator[Any, Any, str]:
        """RBD only: snap, clone into Glance's pool, flatten, protect; its ``rbd://`` URL."""
        if dom.source_type != "rbd":
            raise NotImplementedError("direct_snapshot() is not implemented")
        yield from self.kernel.faults.pause(
            "nova.libvirt.direct_snapshot", host=self.host, instance_uuid=instance.uuid
        )
        if not self.config.rbd_glance_store:
            # imagebackend.Rbd._get_parent_pool: no location of the base image in this Ceph
            # cluster. Nova passes the whole message (not msg_fmt's image_id/reason).
            raise exception.ImageUnacceptable(
                f"Cannot determine the parent storage pool for {instance.image_ref}; "
                "cannot determine where to store images"
            )
        if self._rbd is None:
            self._rbd = self.kernel.io.resource(
                "ceph:rbd", self.config.rbd_throughput_mb_per_s * MB
            )
        yield from self._copy(dom, dom.disk_bytes, "rbd.flatten", path=(self._rbd,))
        return f"rbd://{self.config.rbd_fsid}/images/{image_id}/snap"

    def _standard_snapshot(
        self, dom: Domain, instance: Any, live: bool, original_power_state: int, fmt: str
    ) -> Generator[Any, Any, int]:
        """Extract the disk to a file on the host disk; the bytes the image file holds."""
        faults = self.kernel.faults
        try:
            if "nova.libvirt.extract" in faults.hot:  # else consulting it does nothing
                yield from faults.pause(
                    "nova.libvirt.extract", host=self.host, instance_uuid=dom.id, live=live
                )
            if live:
                yield from self._live_copy(dom, instance)
            yield from self._convert(dom, live)
        except Exception as ex:
            yield from self._resume_guest_after_snapshot(dom, live, original_power_state)
            if (
                isinstance(ex, LibvirtError)
                and ex.get_error_code() == VIR_ERR_NO_DOMAIN
                and not self.kernel.switches.lp1722571
            ):
                raise exception.InstanceNotFound(instance_id=instance.uuid) from None
            raise
        yield from self._resume_guest_after_snapshot(dom, live, original_power_state)
        if fmt in ("raw",):
            return dom.virtual_bytes
        if fmt == "qcow2" and self.config.snapshot_compression:
            # extract_snapshot's ``compress``: qemu-img -c writes fewer bytes, read as many.
            return math.ceil(dom.disk_bytes * self.config.snapshot_compression_ratio)
        return dom.disk_bytes

    def _convert(self, dom: Domain, live: bool) -> Generator[Any, Any, None]:
        """``images.convert_image`` (the cold extract, or the live delta's flattening): a
        ``qemu-img convert`` inside the disk-ops semaphore (19.0.0+, when configured)."""
        request = None
        if self._disk_ops is not None:
            request = self._disk_ops.request()
            yield request
        try:
            yield from self._copy(dom, dom.disk_bytes, "qemu-img convert", live=live)
        finally:
            if request is not None:
                self._disk_ops.release(request)

    def _live_copy(self, dom: Domain, instance: Any) -> Generator[Any, Any, None]:
        """``_live_snapshot``'s mirror copy (``blockRebase`` until the job is seen complete at
        a poll), with the guest quiesced as the release does it:

        - before 25.0.0 (switch ``live_snapshot_freeze_whole_copy``): frozen before the rebase
          and thawed only after the whole copy; a failed freeze is skipped ("Skipping quiescing
          instance") unless the image has ``os_require_quiesce``, then it fails the snapshot
          with no line of its own (nova 24.0.0 ``_live_snapshot``: a bare ``raise``);
        - from 25.0.0 (caf5faf556): ``_can_quiesce`` is checked before the copy ("Quiescing
          instance not available", or with ``os_require_quiesce`` an error line and the
          failure); after the copy the guest is frozen briefly around ``abort_job`` — a failed
          freeze there is logged ("Skipping quiescing instance") and skipped, whatever the
          image says.
        """
        props = image_props_for_quiesce(instance.system_metadata)
        required = bool_from_string(props.get("os_require_quiesce", False))
        whole_copy = self.kernel.switches.live_snapshot_freeze_whole_copy
        quiesced = False
        try:
            if whole_copy:
                yield from set_quiesced(self, instance, props, True)
                quiesced = True
            else:
                can_quiesce(self, instance, props)
        except exception.NovaException as err:
            if whole_copy:
                if required:
                    raise
                self._log(instance, "info", f"Skipping quiescing instance: {err}.")
            elif required:
                self._log(
                    instance,
                    "error",
                    'Quiescing instance failed but image property "os_require_quiesce" is '
                    f"set: {err}.",
                )
                raise
            else:
                self._log(instance, "info", f"Quiescing instance not available: {err}.")
        failed: BaseException | None = None
        try:
            yield from self._mirror(dom)
        except Exception as ex:  # noqa: BLE001 - thaw first, then re-raise (Nova's finally)
            failed = ex
        if not whole_copy:
            try:
                yield from set_quiesced(self, instance, props, True)
                quiesced = True
            except exception.NovaException as err:
                self._log(instance, "info", f"Skipping quiescing instance: {err}.")
        # abort_job(): the mirror ends; then the guest is thawed.
        if quiesced and self.domains.get(dom.id) is dom:
            yield from set_quiesced(self, instance, props, False)
        if failed is not None:
            raise failed

    def _mirror(self, dom: Domain) -> Generator[Any, Any, None]:
        """``dev.rebase(copy=True)`` and the ``is_job_complete()`` polls."""
        env = self.kernel.env
        started = env.now
        yield from self._copy(dom, dom.disk_bytes, "libvirt.blockRebase", turn=False, live=True)
        # The job is seen complete at the next poll of is_job_complete().
        poll = self.config.live_snapshot_poll_s
        if poll > 0:
            ticks = max(1, math.ceil(round((env.now - started) / poll, 9)))
            wait = started + ticks * poll - env.now
            if wait > 0:
                yield self.kernel.timeout(wait)
        yield from self._turn(dom.id, "libvirt.blockRebase")
        if self.domains.get(dom.id) is not dom:
            raise LibvirtError("Domain not found", VIR_ERR_NO_DOMAIN)

    def _upload(
        self, context: Any, dom: Domain, image_id: str, metadata: dict[str, Any], size: int
    ) -> Generator[Any, Any, None]:
        """``image_api.update(image_id, metadata, data=file)``: the properties, then the data
        over this host's link to the Glance store (inside the disk-ops semaphore)."""
        request = None
        if self._disk_ops is not None:
            request = self._disk_ops.request()
            yield request
        try:
            data = ImageData(
                size=size,
                content_id=f"nova-snapshot:{dom.id}:{image_id}",
                link=self.manager.link.name,
                disk_format=metadata["disk_format"],
                virtual_size=dom.virtual_bytes,
            )
            hub = self._upload_hub()
            yield from self.image_api.update(
                context, image_id, metadata, data=data, hub=hub, id_only=True
            )
        finally:
            if request is not None:
                self._disk_ops.release(request)

    def _upload_hub(self) -> Any:
        """The hub an upload blocks: this host's before 22.0.0 (LP #1874032) when its file
        system is busy (``nova.busy_image_filesystem``), else none."""
        if self.kernel.switches.lp1874032 and self.config.busy_image_filesystem:
            return self.manager.eventlet_hub
        return None

    # -- quiesce (volume-backed snapshots, spec 4.7) -----------------------------------------

    def quiesce(self, context: Any, instance: Any, image_props: dict[str, Any]) -> Generator:
        """Freeze the guest's filesystems through its guest agent (``fsFreeze``).

        `image_props` are the instance's image properties (``ImageMeta.from_instance``).
        """
        return set_quiesced(self, instance, image_props, True)

    def unquiesce(self, context: Any, instance: Any, image_props: dict[str, Any]) -> Generator:
        """Thaw the guest's filesystems (``fsThaw``)."""
        return set_quiesced(self, instance, image_props, False)

    # -- changePassword, trigger_crash_dump, os-getConsoleOutput ------------------------------

    def set_admin_password(self, instance: Any, new_pass: str) -> Generator[Any, Any, None]:
        """Set the guest's admin password through its agent (`guest_agent.set_admin_password`)."""
        return agent_set_admin_password(self, instance, new_pass)

    def trigger_crash_dump(self, instance: Any) -> None:
        """``inject_nmi``: a ``guest.nmi`` trace event; a guest that is not running (shut off,
        or managed-saved) is libvirt's ``VIR_ERR_OPERATION_INVALID``: `InstanceNotRunning`."""
        dom = self._domain(instance)
        if dom.power_state not in (states.RUNNING, states.POWER_PAUSED):
            raise exception.InstanceNotRunning(instance_id=instance.uuid)
        self.kernel.trace.emit("guest.nmi", f"libvirt:{self.host}", dom.id)

    def get_console_output(self, instance: Any) -> str:
        """The guest's ``console.log``: fakecloud runs no guest, so it is the few lines every
        guest of it prints at boot (`InstanceNotFound` without a guest)."""
        dom = self._domain(instance)
        hostname = instance.hostname or dom.name
        return (
            f"[    0.000000] Linux version 6.1.0 (fakecloud guest {dom.name})\n"
            f"[    1.000000] cloud-init: instance-id {instance.uuid}\n"
            f"\n{hostname} login: "
        )

    # -- instance snapshots (the vendor branch; `fakecloud.nova.compute.instance_snapshots`) -

    def create_instance_snapshot(
        self, instance: Any, snapshot_id: str
    ) -> Generator[Any, Any, tuple[int, int, str]]:
        """``virDomainSnapshotCreateXML``: copy the guest's allocated disk into a snapshot on
        this host's disk; its (size, virtual size, disk format).

        Fault point ``nova.libvirt.instance_snapshot`` (host, instance_uuid, snapshot_id); the
        copy is an ``io.transfer`` labelled ``libvirt.snapshotCreateXML``.
        """
        dom = self._domain(instance)
        yield from self.kernel.faults.pause(
            "nova.libvirt.instance_snapshot",
            host=self.host,
            instance_uuid=dom.id,
            snapshot_id=snapshot_id,
        )
        try:
            yield from self._copy(
                dom, dom.disk_bytes, "libvirt.snapshotCreateXML", snapshot_id=snapshot_id
            )
        except LibvirtError as ex:
            if ex.get_error_code() == VIR_ERR_NO_DOMAIN:
                raise exception.InstanceNotFound(instance_id=instance.uuid) from None
            raise
        fmt = self.config.snapshot_image_format or dom.source_type
        if fmt in ("lvm", "rbd"):
            fmt = "raw"
        size = dom.virtual_bytes if fmt == "raw" else dom.disk_bytes
        return size, dom.virtual_bytes, fmt

    def upload_instance_snapshot(
        self, context: Any, instance: Any, snapshot: Any, image_id: str
    ) -> Generator[Any, Any, None]:
        """Set the image's formats, then ``image_api.upload`` the snapshot's bytes over this
        host's link to the Glance store (inside the disk-ops semaphore)."""
        image_name = yield from self.image_api.get(context, image_id, name_only=True)
        metadata = self._create_snapshot_metadata(instance, snapshot.disk_format, image_name)
        request = None
        if self._disk_ops is not None:
            request = self._disk_ops.request()
            yield request
        try:
            yield from self.image_api.update(
                context, image_id, metadata, purge_props=False, id_only=True
            )
            data = ImageData(
                size=snapshot.size,
                content_id=f"nova-instance-snapshot:{snapshot.id}",
                link=self.manager.link.name,
                disk_format=snapshot.disk_format,
                virtual_size=snapshot.virtual_size,
            )
            # Nova's own _upload_data underneath: blocking before 22.0.0 (LP #1874032).
            yield from self.image_api.upload(context, image_id, data, hub=self._upload_hub())
        finally:
            if request is not None:
                self._disk_ops.release(request)

    def revert_to_instance_snapshot(self, instance: Any, snapshot: Any) -> Generator:
        """``virDomainRevertToSnapshot`` of a stopped guest: its disk is the snapshot's again."""
        dom = self._domain(instance)
        yield self.kernel.env.timeout(self.config.instance_snapshot_revert_s)
        if snapshot.disk_format != "raw":
            dom.disk_bytes = snapshot.size

    def delete_instance_snapshot(self, snapshot: Any) -> Generator:
        """``virDomainSnapshotDelete``: drop a disk snapshot (the tree is merged, not copied)."""
        yield self.kernel.env.timeout(self.config.instance_snapshot_delete_s)

    # -- rescue ------------------------------------------------------------------------------

    #: uuid -> a rescued server's own guest, kept for the unrescue (libvirt's ``unrescue.xml``):
    #: a class default until the first rescue, so a cloud that never rescues saves as before.
    rescued: dict[str, Domain] | None = None

    def power_off_for_rescue(self, instance: Any, clean_shutdown: bool) -> Generator:
        """``_power_off_instance`` before a rescue: ``power_off``, which returns at once for a
        guest already shut off or gone (``_clean_shutdown``: 'Instance already shutdown.')."""
        dom = self.domains.get(instance.uuid)
        if dom is None or dom.power_state == states.SHUTDOWN:
            return
        yield from self.power_off(instance, clean_shutdown=clean_shutdown)

    def rescue(
        self, instance: Any, image_meta: dict[str, Any], volume_backed: bool
    ) -> Generator[Any, Any, None]:
        """``LibvirtDriver.rescue``: keep the guest's definition (``unrescue.xml``), make the
        rescue disk from the rescue image and the new definition (``build_delay_s``, as a
        spawn: fakecloud does not model the image download to the host), then destroy the
        guest and start the rescue guest under the same name, the server's own disk
        attached. Killing the guest ends any freeze of its filesystems (no thaw: the guest is
        gone). A volume-backed server needs a stable device rescue (the image's
        ``hw_rescue_device``/``hw_rescue_bus``): a legacy one finds no local root disk, and
        the guest is gone by then (LP #1926601). A delete that destroyed the guest meanwhile
        took its disk: the rescue guest cannot start. Fault point ``nova.libvirt.rescue`` (host,
        instance_uuid) fails it before the guest is destroyed."""
        yield self.kernel.env.timeout(self.config.build_delay_s)
        faults = self.kernel.faults
        if "nova.libvirt.rescue" in faults.hot:  # else consulting it does nothing
            yield from faults.pause(
                "nova.libvirt.rescue", host=self.host, instance_uuid=instance.uuid
            )
        own = self.domains.get(instance.uuid)
        if own is None:
            row = self.manager.db.instance_row(instance.uuid)
            if row is None or row.deleted or row.task_state == states.DELETING:
                # A delete's destroy took the guest and its instance directory: the rescue
                # guest's definition names a disk that is gone.
                raise _no_disk(instance)
            own = self._new_domain(instance, None, volume_backed)  # _get_existing_domain_xml
            own.power_state = states.SHUTDOWN
        else:
            guest_restarted(self.kernel, own, self.host)
        self._destroy_domain(instance)
        props = image_meta.get("properties") or {}
        stable = bool(props.get("hw_rescue_device") or props.get("hw_rescue_bus"))
        if volume_backed and not stable:
            raise _no_disk(instance)
        if self.rescued is None:
            self.rescued = {}
        self.rescued[instance.uuid] = own
        self.domains[instance.uuid] = Domain(
            id=instance.uuid,
            name=own.name,
            power_state=states.RUNNING,
            memory_bytes=own.memory_bytes,
            disk_bytes=own.disk_bytes,
            virtual_bytes=own.virtual_bytes,
            source_type=own.source_type,
        )

    def unrescue(self, instance: Any) -> Generator[Any, Any, None]:
        """``LibvirtDriver.unrescue``: destroy the rescue guest, start the server's own from
        ``unrescue.xml`` (``power_action_delay_s``), delete the rescue disk."""
        own = (self.rescued or {}).get(instance.uuid)
        if own is None:  # no unrescue.xml: libvirt_utils.load_file fails
            raise FileNotFoundError(
                f"[Errno 2] No such file or directory: "
                f"'/var/lib/nova/instances/{instance.uuid}/unrescue.xml'"
            )
        self._domain(instance)  # _host.get_guest: InstanceNotFound without a guest
        self._destroy_domain(instance)
        yield self.kernel.env.timeout(self.config.power_action_delay_s)
        if self.rescued.pop(instance.uuid, None) is None:  # a delete's destroy took its files
            raise _no_disk(instance)
        own.power_state = states.RUNNING
        self.domains[instance.uuid] = own

    # -- resize and cold migration -------------------------------------------------------------

    #: uuid -> the guest a resize moved away from this host (libvirt's ``<uuid>_resize``
    #: directory, kept for a revert until the confirm): a class default until the first move,
    #: so a cloud that never moves a server saves as before.
    resized: dict[str, Domain] | None = None
    #: uuid -> the live migration job of a guest leaving this host
    #: (`fakecloud.nova.virt.live_migration`): a class default until the first one.
    live_jobs: dict[str, Any] | None = None

    def migrate_disk_and_power_off(
        self,
        instance: Any,
        flavor: Any,
        dest: Any,
        volume_backed: bool,
        disconnect: Generator | None = None,
    ) -> Generator[Any, Any, Domain]:
        """``LibvirtDriver.migrate_disk_and_power_off``: refuse a smaller root disk (unless
        volume-backed) or ephemeral disk (`ResizeError` 'Unable to resize disk down.', which
        the manager rolls back), power the guest off, copy its root disk to `dest` (this disk,
        the link between the hosts, `dest`'s disk; nothing for a volume-backed server) and
        keep the guest aside for a revert; the guest, for `dest`."""
        dom = self._domain(instance)
        old = instance.flavor
        if (flavor.root_gb < old.root_gb and not volume_backed) or (
            flavor.ephemeral_gb < old.ephemeral_gb
        ):
            raise exception.ResizeError(reason="Unable to resize disk down.")
        if dom.power_state != states.SHUTDOWN:
            yield self.kernel.env.timeout(self.config.power_action_delay_s)
            self._set_power(dom, states.SHUTDOWN)
            guest_restarted(self.kernel, dom, self.host)  # its OS is down: nothing stays frozen
        if disconnect is not None:  # each volume's _disconnect_volume, before the copy
            yield from disconnect
        if dom.source_type != "volume" and dom.disk_bytes:
            if dest is self:
                # The same host: the disk moves aside and is copied back on this disk.
                path: tuple = (self.disk,)
            else:
                link = self.kernel.io.resource(
                    f"link:{self.host}->{dest.host}",
                    gbit_per_s(self.config.glance_link_gbit_per_s),
                )
                path = (self.disk, link, dest.disk)
            yield from self._copy(dom, dom.disk_bytes, "libvirt.copy_image", path, dest=dest.host)
        self.domains.pop(instance.uuid, None)
        if self.resized is None:
            self.resized = {}
        self.resized[instance.uuid] = dom
        return dom

    def finish_migration(
        self, instance: Any, source: Domain, flavor: Any, power_on: bool
    ) -> Generator[Any, Any, None]:
        """``finish_migration`` on the destination: the guest defined here with `flavor`'s
        sizes over the copied disk, started if it ran before (`power_on`)."""
        virtual = flavor.root_gb * GiB
        dom = Domain(
            id=instance.uuid,
            name=source.name,
            power_state=states.SHUTDOWN,
            memory_bytes=_shared_size(flavor.memory_mb * MiB),
            disk_bytes=source.disk_bytes,
            virtual_bytes=_shared_size(max(virtual, source.disk_bytes)),
            source_type=source.source_type,
        )
        self.domains[instance.uuid] = dom
        if power_on:
            yield self.kernel.env.timeout(self.config.power_action_delay_s)
            self._set_power(self._domain(instance), states.RUNNING)

    def confirm_migration(self, instance: Any) -> None:
        """``confirm_migration`` on the source: the kept guest and its disk are deleted."""
        if self.resized is not None:
            self.resized.pop(instance.uuid, None)

    def finish_revert_migration(self, instance: Any, power_on: bool) -> Generator[Any, Any, None]:
        """``finish_revert_migration`` on the source: the kept guest back, started if it ran."""
        dom = (self.resized or {}).pop(instance.uuid, None)
        if dom is not None:
            self.domains[instance.uuid] = dom
        else:
            dom = self._domain(instance)  # a crash before the disk moved aside: still here
        if power_on and dom.power_state != states.RUNNING:
            yield self.kernel.env.timeout(self.config.power_action_delay_s)
            self._set_power(self._domain(instance), states.RUNNING)


def _no_disk(instance: Any) -> LibvirtError:
    """libvirt starting a guest whose local root disk file does not exist."""
    return LibvirtError(
        f"Cannot access storage file '/var/lib/nova/instances/{instance.uuid}/disk': "
        "No such file or directory",
        VIR_ERR_OPERATION_FAILED,
    )


def _shared_size(size: int) -> int:
    """`size` as the one int object of its value: the guests of a flavor all have the same
    memory and disk sizes, and each kept an int of its own (60 bytes a guest in a storm)."""
    if len(_SIZES) >= _MOST_SIZES:
        return size
    return _SIZES.setdefault(size, size)


#: Sizes met by `_shared_size` (a few per flavor; no more than `_MOST_SIZES` are kept).
_SIZES: dict[int, int] = {}
_MOST_SIZES = 1024
