"""The volume-backed createImage path (``API.snapshot_volume_backed`` of ``nova/compute/api.py``).

This is the seed document's own subject: a server booted from a volume is snapshotted by
snapshotting its volumes in Cinder, **synchronously inside the API request**, and the image is
a zero-byte Glance record whose ``block_device_mapping`` points at those snapshots. Offline
(SHUTOFF, PAUSED, SUSPENDED) the volumes are snapshotted as they are; online (ACTIVE) the guest
is quiesced first — an RPC call to its host, which freezes the filesystems through the guest
agent — and thawed by an RPC cast once the snapshots have left ``creating``. Spec 3.4, step by
step:

1. image metadata from the server's system metadata (`initialize_instance_snapshot_metadata`):
   size 0, no formats, no stale ``block_device_mapping``/``bdm_v2``/``root_device_name``, then
   the server's ``root_device_name``; no ``instance_uuid``/``user_id``/``image_type``;
2. the block device mappings: no-device ones skipped, local ones (swap, ephemeral) mapped at
   once and first, volumes kept for step 6 — with switch ``cinder_limits_precheck`` (17.0.1,
   18.0.0); in 17.0.0 one loop in step 6 maps them all in DB order;
3. Cinder's limits: ``len(volumes) + totalSnapshotsUsed > maxTotalSnapshots`` (unless -1) is
   `OverQuota` (403) before anything else happens — switch ``cinder_limits_precheck``;
4. only when ACTIVE: ``quiesce_instance`` (RPC call). A `NovaException` or
   `NotImplementedError` is tolerated (the snapshot goes on unquiesced) unless the image sets
   ``os_require_quiesce``; anything else (a `MessagingTimeout`) casts an unquiesce first —
   unless the bug switch ``lp1754360`` is on — and fails (500);
5. the ``createImage`` action;
6. inside the ``api_snapshot_instance`` event, per volume in DB order: ``volume_api.get`` and
   ``create_snapshot_force`` (named ``snapshot for <image name>``), then the mapping of
   ``snapshot_from_bdm`` (its six copied fields). On any error the guest, if quiesced, is sent
   an unquiesce with the partial mapping (not with the bug switch ``lp1731986`` on), the
   snapshots already made stay behind, and the error goes up;
7. the unquiesce cast with the whole mapping (the host thaws once every snapshot has left
   ``creating``, polling every ``nova.snapshot_completion_poll_s``);
8. the image: ``block_device_mapping`` (stored as a JSON string), ``bdm_v2`` True, created
   with size 0 and no data, so Nova's Glance client force-activates it: ``active`` at once,
   possibly before its snapshots are (LP #1489581).

The state gate is `check_instance_state` of ``compute/api.py``: active, stopped, paused,
suspended — but with the bug switch ``lp1878583`` on (Queens; fixed in 22.0.0, 21.1.0,
20.4.0 and 19.3.0) a PAUSED server is refused with 409. No task_state is ever set, so nothing
stops a second createImage, a delete or a detach running alongside (spec section 7).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Generator
from typing import Any

from fakecloud.nova import exception, json_props, states
from fakecloud.nova.compute import utils as compute_utils
from fakecloud.nova.compute.api import (
    API_ACTOR,
    CREATE_IMAGE,
    SNAPSHOT_STATES,
    check_instance_state,
)
from fakecloud.nova.objects import (
    image_mapping_fields,
    snapshot_image_mapping,
    snapshot_mapping_text,
)
from fakecloud.nova.virt.guest_agent import bool_from_string
from fakecloud.sim.trace import form, site

#: vm_states of the volume-backed path before 22.0.0 (LP #1878583): no PAUSED.
PRE_VICTORIA_STATES = (states.ACTIVE, states.STOPPED, states.SUSPENDED)

#: The quiesce failures the API tolerates unless ``os_require_quiesce`` is set.
TOLERATED_QUIESCE_ERRORS = (
    exception.InstanceQuiesceNotSupported,
    exception.QemuGuestAgentNotEnabled,
    exception.NovaException,
    NotImplementedError,
)


def _check_snapshot_state(f: Callable) -> Callable:
    """``@check_instance_state`` with the vm_states of the profile's release."""
    current = check_instance_state(vm_state=SNAPSHOT_STATES)(f)
    before_victoria = check_instance_state(vm_state=PRE_VICTORIA_STATES)(f)

    @functools.wraps(f)
    def inner(compute_api: Any, context: Any, instance: Any, *args: Any, **kw: Any) -> Any:
        gated = before_victoria if compute_api.kernel.switches.lp1878583 else current
        return gated(compute_api, context, instance, *args, **kw)

    return inner


# The steps of `snapshot_volume_backed` up to the image's creation, which is returned unstarted
def _steps_to_image(
    compute_api: Any,
    context: Any,
    instance: Any,
    name: str,
    extra_properties: dict[str, Any] | None = None,
) -> Generator[Any, Any, Generator[Any, Any, str]]:
    """Quiesce, snapshot the volumes, thaw; the new image's creation (a generator giving its
    id) for the caller to wait for in a smaller frame than this one."""
    kernel = compute_api.kernel
    switches = kernel.switches
    volume_api = compute_api.volume_api
    rpcapi = compute_api.compute_rpcapi

    image_meta = compute_utils.initialize_instance_snapshot_metadata(
        context, instance, name, extra_properties, compute_api.config.non_inheritable(), switches
    )
    # A bucket of properties (the block device mapping above all) with no data: size 0.
    image_meta["size"] = 0
    image_meta.pop("container_format", None)
    image_meta.pop("disk_format", None)
    properties = image_meta["properties"]
    for key in ("block_device_mapping", "bdm_v2", "root_device_name"):
        properties.pop(key, None)
    if instance.root_device_name:
        properties["root_device_name"] = instance.root_device_name

    mapping: list[dict[str, Any]] = []
    # The JSON text of each entry (step 8), written when the entry is made
    texts: list[str] = []
    fields = image_mapping_fields(switches.release)
    bdms = [bdm for bdm in compute_api.db.bdms_by_instance(instance.uuid) if not bdm.no_device]
    # (`bdm.is_volume`, without the property's call per mapping)
    volume_bdms = [bdm for bdm in bdms if bdm.destination_type == "volume"]
    if switches.cinder_limits_precheck:
        # From 17.0.1/18.0.0 the local mappings come first, the volumes after them.
        mapping += [
            bdm.get_image_mapping(fields) for bdm in bdms if bdm.destination_type != "volume"
        ]
        texts += map(json_props.item_text, mapping)
        bdms = volume_bdms

    if volume_bdms and switches.cinder_limits_precheck:
        most, used = yield from volume_api.get_absolute_limits(context, snapshots_only=True)
        if most > -1 and len(volume_bdms) + used > most:
            _log(
                kernel,
                instance,
                "debug",
                "Unable to create volume snapshots for instance. Currently has "
                f"{used} snapshots, requesting {len(volume_bdms)} new snapshots, with a limit "
                f"of {most}.",
            )
            raise exception.OverQuota(overs="snapshots")

    quiesced = False
    if instance.vm_state == states.ACTIVE:
        try:
            if switches.cinder_limits_precheck:  # the same commit added this log
                kernel.trace.write_at(_QUIESCING, API_ACTOR, instance.uuid)
            yield from rpcapi.ask(context, instance, "quiesce_instance")
            quiesced = True
        except TOLERATED_QUIESCE_ERRORS as err:
            if bool_from_string(instance.system_metadata.get("image_os_require_quiesce")):
                raise
            if isinstance(err, exception.NovaException):
                reason = f"Skipping quiescing instance: {err.format_message()}."
            else:
                reason = (
                    "Skipping quiescing instance because the operation is not supported by "
                    "the underlying compute driver."
                )
            _log(kernel, instance, "info", reason)
        except Exception as ex:
            # An error after the guest may have frozen (an RPC timeout): thaw to be sure. With
            # LP #1754360 (before 1e77faaa41) this except clause, its line included, is absent.
            if not switches.lp1754360:
                _log(
                    kernel,
                    instance,
                    "error",
                    "An error occurred during quiesce of instance. Unquiescing to ensure "
                    f"instance is thawed. Error: {ex}",
                )
                rpcapi.cast(context, instance, "unquiesce_instance", mapping=None)
            raise

    compute_api._record_action_start(context, instance, CREATE_IMAGE)
    event = compute_utils.EventReporter(
        compute_api.db, context, instance.uuid, "api_snapshot_instance", compute_api.config.api_host
    )
    try:
        snapshot_name = f"snapshot for {image_meta['name']}"
        for bdm in bdms:
            if bdm.destination_type != "volume":  # not bdm.is_volume
                mapping.append(bdm.get_image_mapping(fields))
                texts.append(json_props.item_text(mapping[-1]))
                continue
            # Nova reads the volume's id and description and the snapshot's id, not the rest
            # of its views of them.
            volume_id, description = yield from volume_api.get(
                context, bdm.volume_id, id_and_description=True
            )
            snapshot_id = yield from volume_api.create_snapshot_force(
                context, volume_id, snapshot_name, description, id_only=True
            )
            mapping.append(snapshot_image_mapping(snapshot_id, bdm, fields))
            # (from the template now: it could change while the next volume's requests wait)
            texts.append(snapshot_mapping_text(snapshot_id, bdm, fields))
    except Exception as exc:
        if quiesced and not switches.lp1731986:
            _log(kernel, instance, "info", "Unquiescing instance after volume snapshot failure.")
            rpcapi.cast(context, instance, "unquiesce_instance", mapping=list(mapping))
        event.finish(exc)
        raise
    event.finish()

    if quiesced:
        # The API's copy, loaded and never changed, goes with the cast: nothing here reads it
        # after this (the frame ends soon after, handing back the image's creation).
        rpcapi.hand_over(context, instance, "unquiesce_instance", mapping=list(mapping))

    if mapping:
        # The JSON text Nova's Glance client sends (`_translate_to_glance` encodes a list),
        # a volume's entry written from its template (`snapshot_mapping_text`), not encoded
        properties["block_device_mapping"] = json_props.list_text(texts)
        properties["bdm_v2"] = True

    return compute_api.image_api.create(context, image_meta, id_only=True)


@_check_snapshot_state
def snapshot_volume_backed(
    compute_api: Any,
    context: Any,
    instance: Any,
    name: str,
    extra_properties: dict[str, Any] | None = None,
) -> Generator[Any, Any, Generator[Any, Any, str]]:
    """Snapshot a volume-backed server: the steps (`_steps_to_image`), which end by handing
    back the new (active, zero-byte) image's creation, unstarted: a generator giving its id
    (Nova's whole dict of the image is not made: nothing reads it).

    The creation is the flow's longest wait (a storm holds every flow there at once): the
    caller waits for it in a frame of its own, once the steps' (42 names) has ended."""
    return _steps_to_image(compute_api, context, instance, name, extra_properties)


def _log(kernel: Any, instance: Any, level: str, message: str) -> None:
    kernel.trace.write(_LOG, API_ACTOR, instance.uuid, (level, message))


#: A log line's form (`Trace.put`).
_LOG = form("log", "level", "message")
#: The site (`Trace.write_at`) of the line every quiesce of a volume-backed snapshot writes.
_QUIESCING = site(
    _LOG, level="info", message="Attempting to quiesce instance before volume snapshot."
)
