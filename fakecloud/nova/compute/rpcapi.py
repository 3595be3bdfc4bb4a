"""The compute RPC API (``nova/compute/rpcapi.py``): messages from nova-api to a compute host.

Each method names the manager method it reaches on ``compute.<host>``. Casts carry a copy of
the instance, as oslo.messaging serializes the object: the compute works on its own copy and
meets any newer change at its next compare-and-swap ``save``.

The volume-backed snapshot path adds ``quiesce_instance`` (call) and ``unquiesce_instance``
(cast) here; `cast` and `call` are the building blocks.
"""

from __future__ import annotations

import sys
from collections.abc import Generator
from typing import Any

from fakecloud.nova import exception

#: ``nova.rpc.HEARTBEAT_THRESHOLD``: calls are heartbeat-monitored at this many seconds when
#: ``rpc_response_timeout`` is longer (18.0.0+, switch ``rpc_call_monitor``).
HEARTBEAT_THRESHOLD = 60


#: A host's name -> its RPC target (``compute.<host>``, interned): every message to a host
#: names it, and formatting and interning it again cost a storm's messages more than a look-up
#: in a table as small as the hosts (the interned strings' table is as large as the world).
_TARGETS: dict[str, str] = {}


class ComputeAPI:
    """Client side of the compute service's RPC endpoint."""

    def __init__(self, kernel: Any, nova: Any = None):
        self.kernel = kernel
        self.nova = nova
        """The `Nova` facade (db, image and volume clients) for code built on this client."""

    @staticmethod
    def target(instance: Any, host: str | None = None) -> str:
        """The RPC target of `instance`'s host (`NovaException` when it has none)."""
        host = host or instance.host
        found = _TARGETS.get(host)
        if found is None:
            if not host:
                raise exception.NovaException(f"Unable to find host for Instance {instance.uuid}")
            # Interned: the trace keeps the target of every message (one string per host, not
            # one per message).
            found = sys.intern(f"compute.{host}")
            if len(_TARGETS) >= 4096:
                _TARGETS.clear()
            _TARGETS[host] = found
        return found

    def cast(
        self, ctx: Any, instance: Any, method: str, host: str | None = None, **kwargs: Any
    ) -> None:
        """Fire-and-forget `method` on the instance's host, with a copy of the instance."""
        self._hand_over(ctx, instance.clone(), method, host, kwargs)

    def hand_over(
        self, ctx: Any, instance: Any, method: str, host: str | None = None, **kwargs: Any
    ) -> None:
        """`cast` with the caller's copy itself, not a clone: for a copy in step with the row
        (just loaded or just saved, nothing changed since) that the caller never touches
        again (see `_hand_over`)."""
        self._hand_over(ctx, instance, method, host, kwargs)

    def _hand_over(
        self, ctx: Any, instance: Any, method: str, host: str | None, kwargs: dict[str, Any]
    ) -> None:
        """Cast `method` with `instance` itself: a caller's copy it has just saved and never
        touches again. Such a copy holds what a clone would (the row's values, nothing
        pending, as oslo.messaging would carry it), and the receiver's first save finds it in
        step with the row, so it writes without reloading every field first."""
        target = self.target(instance, host)
        self.kernel.rpc.cast_kwargs(
            target, method, {"context": ctx, "instance": instance, **kwargs}
        )

    def call(
        self,
        ctx: Any,
        instance: Any,
        method: str,
        host: str | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> Generator[Any, Any, Any]:
        """``result = yield from rpcapi.call(...)``: wait for the host's reply (or a timeout),
        the message carrying a copy of the instance.

        From 18.0.0 (``get_client``, fe26a52024) a ``rpc_response_timeout`` above
        `HEARTBEAT_THRESHOLD` makes the call heartbeat-monitored at the threshold.
        The bus's own generator is handed back (no frame of ours on each of its steps)."""
        return self._call(ctx, instance.clone(), method, host, timeout, kwargs)

    def ask(
        self,
        ctx: Any,
        instance: Any,
        method: str,
        host: str | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> Generator[Any, Any, Any]:
        """`call` with the caller's copy itself, not a clone, for a method whose receiver
        writes nothing to the instance and reads only what no one changes on the caller's
        copy (its uuid, names, host and system metadata: `snapshot_current`,
        `quiesce_instance`). Neither side can then tell the message's copy from a clone, and
        the clone (every field and both dicts copied, some 13,000 instructions) is not made."""
        return self._call(ctx, instance, method, host, timeout, kwargs)

    def _call(
        self,
        ctx: Any,
        instance: Any,
        method: str,
        host: str | None,
        timeout: float | None,
        kwargs: dict[str, Any],
    ) -> Generator[Any, Any, Any]:
        target = self.target(instance, host)
        bus = self.kernel.rpc
        monitor = None
        monitored = self.kernel.switches.rpc_call_monitor
        if monitored and bus.config.response_timeout_s > HEARTBEAT_THRESHOLD:
            monitor = HEARTBEAT_THRESHOLD
        return bus.call(
            target,
            method,
            timeout=timeout,
            call_monitor_timeout=monitor,
            context=ctx,
            instance=instance,
            **kwargs,
        )

    def call_host(
        self,
        ctx: Any,
        server: str,
        method: str,
        timeout: float | None = None,
        call_monitor_timeout: float | None = None,
        **kwargs: Any,
    ) -> Generator[Any, Any, Any]:
        """A call to the host `server` about no instance (``HostAPI``'s): monitored as `call`
        is, unless the method's own ``prepare`` names a `call_monitor_timeout`."""
        bus = self.kernel.rpc
        monitor = call_monitor_timeout
        if (
            monitor is None
            and self.kernel.switches.rpc_call_monitor
            and bus.config.response_timeout_s > HEARTBEAT_THRESHOLD
        ):
            monitor = HEARTBEAT_THRESHOLD
        return bus.call(
            f"compute.{server}",
            method,
            timeout=timeout,
            call_monitor_timeout=monitor,
            context=ctx,
            **kwargs,
        )

    # -- the messages of the server life cycle -----------------------------------------------

    def build_and_run_instance(self, ctx: Any, instance: Any, host: str, **kwargs: Any) -> None:
        """Build the server on `host` (sent by the scheduler step, which hands its copy of
        the server over, just saved)."""
        self._hand_over(ctx, instance, "build_and_run_instance", host, kwargs)

    def snapshot_instance(self, ctx: Any, instance: Any, image_id: str) -> None:
        """Take an image-backed snapshot into the queued image `image_id` (version 5.0 cast;
        the API hands over its copy, just saved by the snapshot's task_state claim)."""
        self._hand_over(ctx, instance, "snapshot_instance", None, {"image_id": image_id})

    def backup_instance(
        self, ctx: Any, instance: Any, image_id: str, backup_type: str, rotation: int
    ) -> None:
        """Back the server up into the queued image `image_id`, then rotate (5.0 cast)."""
        self.cast(
            ctx,
            instance,
            "backup_instance",
            image_id=image_id,
            backup_type=backup_type,
            rotation=rotation,
        )

    def terminate_instance(self, ctx: Any, instance: Any, bdms: list[Any]) -> None:
        """Destroy the server and clean up its volumes (the API hands its copy of the server
        over, just saved ``deleting``)."""
        self._hand_over(ctx, instance, "terminate_instance", None, {"bdms": bdms})

    def soft_delete_instance(self, ctx: Any, instance: Any) -> None:
        """Power the server off and mark it soft-deleted (the API hands its copy of the server
        over, just saved ``soft-deleting``)."""
        self._hand_over(ctx, instance, "soft_delete_instance", None, {})

    def restore_instance(self, ctx: Any, instance: Any) -> None:
        """Power a soft-deleted server on again (the API hands its copy of the server over,
        just saved ``restoring``)."""
        self._hand_over(ctx, instance, "restore_instance", None, {})

    def stop_instance(self, ctx: Any, instance: Any, clean_shutdown: bool = True) -> None:
        """Power the server off."""
        self.cast(ctx, instance, "stop_instance", clean_shutdown=clean_shutdown)

    def start_instance(self, ctx: Any, instance: Any) -> None:
        """Power the server on."""
        self.cast(ctx, instance, "start_instance")

    def reboot_instance(
        self, ctx: Any, instance: Any, block_device_info: Any, reboot_type: str
    ) -> None:
        """Reboot the guest, ``SOFT`` or ``HARD``."""
        self.cast(
            ctx,
            instance,
            "reboot_instance",
            block_device_info=block_device_info,
            reboot_type=reboot_type,
        )

    def rebuild_instance(
        self,
        ctx: Any,
        instance: Any,
        new_pass: str,
        injected_files: list[Any],
        image_ref: str,
        orig_image_ref: str | None,
        orig_sys_metadata: dict[str, Any],
        preserve_ephemeral: bool = False,
        reimage_boot_volume: bool = False,
    ) -> None:
        """Rebuild the server on its host from `image_ref` (the conductor's
        ``rebuild_instance`` passes a rebuild on the same host straight on);
        `reimage_boot_volume` (2.93) only when set, as the manager's default is the same."""
        extra = {"reimage_boot_volume": True} if reimage_boot_volume else {}
        self.cast(
            ctx,
            instance,
            "rebuild_instance",
            new_pass=new_pass,
            injected_files=injected_files,
            image_ref=image_ref,
            orig_image_ref=orig_image_ref,
            orig_sys_metadata=orig_sys_metadata,
            preserve_ephemeral=preserve_ephemeral,
            **extra,
        )

    def pause_instance(self, ctx: Any, instance: Any) -> None:
        """Pause the guest (kept in memory)."""
        self.cast(ctx, instance, "pause_instance")

    def unpause_instance(self, ctx: Any, instance: Any) -> None:
        """Unpause the guest."""
        self.cast(ctx, instance, "unpause_instance")

    def suspend_instance(self, ctx: Any, instance: Any) -> None:
        """Suspend the guest to disk (libvirt managed save)."""
        self.cast(ctx, instance, "suspend_instance")

    def resume_instance(self, ctx: Any, instance: Any) -> None:
        """Resume a suspended guest."""
        self.cast(ctx, instance, "resume_instance")

    def rescue_instance(
        self,
        ctx: Any,
        instance: Any,
        rescue_password: str | None,
        rescue_image_ref: str | None,
        clean_shutdown: bool = True,
    ) -> None:
        """Boot the server from the rescue image, its own disk attached."""
        self.cast(
            ctx,
            instance,
            "rescue_instance",
            rescue_password=rescue_password,
            rescue_image_ref=rescue_image_ref,
            clean_shutdown=clean_shutdown,
        )

    def unrescue_instance(self, ctx: Any, instance: Any) -> None:
        """Boot the rescued server from its own disks again."""
        self.cast(ctx, instance, "unrescue_instance")

    def set_admin_password(
        self, ctx: Any, instance: Any, new_pass: str
    ) -> Generator[Any, Any, None]:
        """Call: set the guest's admin password (the API waits for the answer)."""
        return self.call(ctx, instance, "set_admin_password", new_pass=new_pass)

    def get_console_output(
        self, ctx: Any, instance: Any, tail_length: Any
    ) -> Generator[Any, Any, str]:
        """Call: the guest's console log."""
        return self.call(ctx, instance, "get_console_output", tail_length=tail_length)

    def get_console(
        self, ctx: Any, instance: Any, protocol: str, console_type: str
    ) -> Generator[Any, Any, dict]:
        """Call ``get_<protocol>_console``: a console's connection info."""
        return self.call(ctx, instance, f"get_{protocol}_console", console_type=console_type)

    def add_fixed_ip_to_instance(self, ctx: Any, instance: Any, network_id: Any) -> None:
        """Add a fixed IP on `network_id` to the server's port."""
        self.cast(ctx, instance, "add_fixed_ip_to_instance", network_id=network_id)

    def remove_fixed_ip_from_instance(self, ctx: Any, instance: Any, address: str) -> None:
        """Take the fixed IP `address` off the server's port."""
        self.cast(ctx, instance, "remove_fixed_ip_from_instance", address=address)

    def inject_network_info(self, ctx: Any, instance: Any) -> None:
        """Hand the server's network info to its driver."""
        self.cast(ctx, instance, "inject_network_info")

    def trigger_crash_dump(self, ctx: Any, instance: Any) -> None:
        """Inject an NMI into the guest."""
        self.cast(ctx, instance, "trigger_crash_dump")

    def shelve_instance(self, ctx: Any, instance: Any, image_id: str) -> None:
        """Snapshot an image-backed server into `image_id`, then shelve (and offload) it."""
        self.cast(ctx, instance, "shelve_instance", image_id=image_id)

    def shelve_offload_instance(self, ctx: Any, instance: Any) -> None:
        """Remove a shelved server from its host."""
        self.cast(ctx, instance, "shelve_offload_instance")

    def unshelve_instance(self, ctx: Any, instance: Any, host: str, image: Any) -> None:
        """Spawn a shelved-offloaded server again on `host`. The conductor's copy goes with its
        new zone unsaved: oslo.versionedobjects carries an object's changed fields over RPC,
        and the compute's first save writes them (nova 17.0.13-34.0.0; `Instance.clone`)."""
        self.cast(ctx, instance, "unshelve_instance", host=host, image=image)

    # -- the vendor's instance snapshots (`fakecloud.nova.instance_snapshots`) -------------

    def snapshot_current(self, ctx: Any, instance: Any) -> Generator[Any, Any, Any]:
        """Call: the server's current instance snapshot (a dict), or None."""
        return self.ask(ctx, instance, "snapshot_current")

    def create_instance_snapshot(self, ctx: Any, instance: Any, snapshot_id: str) -> None:
        """Take an image-backed server's disk snapshot `snapshot_id` on its host."""
        self.cast(ctx, instance, "create_instance_snapshot", snapshot_id=snapshot_id)

    def upload_instance_snapshot(
        self, ctx: Any, instance: Any, snapshot_id: str, image_id: str
    ) -> None:
        """Upload instance snapshot `snapshot_id` into the queued image `image_id`."""
        self.cast(
            ctx, instance, "upload_instance_snapshot", snapshot_id=snapshot_id, image_id=image_id
        )

    def revert_to_instance_snapshot(
        self, ctx: Any, instance: Any, snapshot_id: str
    ) -> Generator[Any, Any, None]:
        """Call: revert the stopped server to `snapshot_id` (which becomes current)."""
        return self.call(ctx, instance, "revert_to_instance_snapshot", snapshot_id=snapshot_id)

    def delete_instance_snapshot(self, ctx: Any, instance: Any, snapshot_id: str) -> None:
        """Drop the disk snapshot `snapshot_id` from the server's host."""
        self.cast(ctx, instance, "delete_instance_snapshot", snapshot_id=snapshot_id)
