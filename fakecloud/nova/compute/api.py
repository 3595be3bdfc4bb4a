"""The compute API (``nova/compute/api.py``): what nova-api does for a server, before any RPC.

Each action keeps Nova's gates, in Nova's order: `check_instance_lock`, then
`check_instance_state` (vm_state, task_state, launched_at), then the task_state
compare-and-swap that claims the server, the instance action, and the RPC to its host.

`API.snapshot` is the image-backed createImage path of the spec (section 3.3): create the queued
Glance image, CAS the task_state to ``image_snapshot_pending`` (409 when a delete got there
first, an uncaught `UnexpectedTaskStateError` — a 500 and a leaked image — when another request
did), record the ``createImage`` action, cast ``snapshot_instance``.

`API.snapshot_volume_backed` is a thin delegate to `fakecloud.nova.compute.volume_backed`
(written next, by the volume-backed engineer): its gates are the same decorator.
"""

from __future__ import annotations

import functools
import importlib
import json
import re
import sys
import uuid as uuidlib
from collections.abc import Callable, Generator
from typing import Any

from fakecloud.api.microversion import Version
from fakecloud.nova import (
    bdm_request,
    cpu_policy,
    destination,
    exception,
    flavors,
    mem_encryption,
    network,
    quota,
    server_groups,
    services,
    states,
    trusted_certs,
)
from fakecloud.nova import hostname as hostnames
from fakecloud.nova.compute import (
    disk_config,
    guest_actions,
    instance_filters,
    nonbootable,
    zero_disk,
)
from fakecloud.nova.compute import utils as compute_utils
from fakecloud.nova.limit import local as local_limit
from fakecloud.nova.limit import placement as placement_limit
from fakecloud.nova.objects import BlockDeviceMapping, Instance
from fakecloud.profiles.provenance import Change
from fakecloud.sim.clock import stored_time

#: A keyword argument not given (a rebuild's ``trusted_certs`` may be given as None).
_UNSET = object()

#: The first Nova to check an offloaded server's unshelve against unified limits (28.0.0,
#: ``_check_quota_unshelve_offloaded`` with ``delta_updates``).
UNSHELVE_LIMITS_SINCE = 28
#: The first Nova to send versioned ``instance.lock`` and ``instance.unlock`` (102cdb9315,
#: 0b9b37fe9a: 18.0.0; 17.x sends none for a lock).
LOCK_NOTIFIED_SINCE = 18

# Instance actions (``nova/compute/instance_actions.py``).
#: The volume-backed createImage path, looked up by module so a test can stand in for it.
_VOLUME_BACKED = "fakecloud.nova.compute.volume_backed"

CREATE = "create"
DELETE = "delete"
STOP = "stop"
START = "start"
PAUSE = "pause"
UNPAUSE = "unpause"
SUSPEND = "suspend"
RESUME = "resume"
LOCK = "lock"
UNLOCK = "unlock"
SHELVE = "shelve"
SHELVE_OFFLOAD = "shelveOffload"
UNSHELVE = "unshelve"
CREATE_IMAGE = "createImage"
BACKUP = "createBackup"
RESET_STATE = "resetState"
REBOOT = "reboot"
REBUILD = "rebuild"
RESCUE = "rescue"
UNRESCUE = "unrescue"
RESTORE = "restore"

# ``_delete``'s delete types (the notifications' names).
#: The task states in which no remote console is given (``get_vnc_console`` and the others'
#: ``reject_instance_state``).
CONSOLE_REJECTED_TASK_STATES = (states.DELETING, states.MIGRATING)
#: ``may_have_ports_or_volumes``: a server with no host in these states was scheduled (a
#: failed build's host is cleared, an offloaded server's too), so its delete takes the full
#: path; in any other it is still booting (`API._delete_while_booting`).
MAY_HAVE_PORTS_OR_VOLUMES = (states.SHELVED_OFFLOADED, states.ERROR)
#: A scheduled server deleted before its claim has its volumes' attachments deleted
#: (``_local_cleanup_bdm_volumes`` in ``_delete``'s first branch): f7dd550a70, LP #2088066,
#: on master after 33.0.0, no backport; before, they stay reserved.
BOOTING_DELETE_CLEANS_VOLUMES = Change(
    "34.0.0", "f7dd550a70", "fix: leftover volume_attachment on instance delete"
)
#: The API's own deletes (a server with no host, or whose compute is down) send versioned
#: ``instance.delete.start``/``end`` too (Change-Id If0693eab2ed31b5fbfe6cbafa5d67b69c2ed8442;
#: before, the legacy ones only; a force delete's stay legacy in every release).
API_DELETE_VERSIONED = Change("19.0.0", "d3097e52b3", "Transform missing delete notifications")
SOFT_DELETE = "soft_delete"
FORCE_DELETE = "force_delete"

SNAPSHOT_STATES = (states.ACTIVE, states.STOPPED, states.PAUSED, states.SUSPENDED)
"""vm_states both snapshot paths accept (``@check_instance_state`` of ``snapshot``)."""

METADATA_STATES = (states.ACTIVE, states.PAUSED, states.SUSPENDED, states.STOPPED)
"""vm_states a server's metadata may change in (``update/delete_instance_metadata``)."""

VOLUME_ATTACH_STATES = (
    states.ACTIVE,
    states.PAUSED,
    states.STOPPED,
    states.RESIZED,
    states.SOFT_DELETED,
    states.SHELVED,
    states.SHELVED_OFFLOADED,
)
"""vm_states volume attach and detach accept (their ``@check_instance_state``)."""

API_ACTOR = "nova-api"

_FILTER_NAMES = {"image": "image_ref", "name": "display_name", "tenant_id": "project_id"}
"""``get_all``'s ``filter_mapping``: the list options named otherwise in the database."""
GiB = 1024**3


def _check_root_disk(flavor: Any, image: Any) -> None:
    """The image fits the flavor's root disk (``_validate_flavor_image_nostatus``): its size,
    then its ``min_disk``. A flavor with no root disk (0 GB) takes any image."""
    if not flavor.root_gb:
        return
    root_bytes = flavor.root_gb * GiB
    image_size = int(image.get("size") or 0)
    if image_size > root_bytes:
        raise exception.FlavorDiskSmallerThanImage(flavor_size=root_bytes, image_size=image_size)
    min_disk = int(image.get("min_disk") or 0) * GiB
    if min_disk > root_bytes:
        raise exception.FlavorDiskSmallerThanMinDisk(
            flavor_size=root_bytes, image_min_disk=min_disk
        )


def check_instance_state(
    vm_state: Any = None, task_state: Any = (None,), must_have_launched: bool = True
) -> Callable:
    """Nova's decorator: `InstanceInvalidState` unless vm_state is allowed, task_state is
    allowed and the server has launched. ``None`` for a list means "any"."""
    vm_allowed = None if vm_state is None else set(vm_state)
    task_allowed = None if task_state is None else set(task_state)

    def outer(f: Callable) -> Callable:
        @functools.wraps(f)
        def inner(self: Any, context: Any, instance: Instance, *args: Any, **kw: Any) -> Any:
            method = f.__name__
            if vm_allowed is not None and instance.vm_state not in vm_allowed:
                raise exception.InstanceInvalidState(
                    attr="vm_state",
                    instance_uuid=instance.uuid,
                    state=instance.vm_state,
                    method=method,
                )
            if task_allowed is not None and instance.task_state not in task_allowed:
                raise exception.InstanceInvalidState(
                    attr="task_state",
                    instance_uuid=instance.uuid,
                    state=instance.task_state,
                    method=method,
                )
            if must_have_launched and not instance.launched_at:
                raise exception.InstanceInvalidState(
                    attr="launched_at",
                    instance_uuid=instance.uuid,
                    state=instance.launched_at,
                    method=method,
                )
            return f(self, context, instance, *args, **kw)

        return inner

    return outer


def check_instance_lock(f: Callable) -> Callable:
    """Nova's decorator: a locked server refuses changes from non-admins (409)."""

    @functools.wraps(f)
    def inner(self: Any, context: Any, instance: Instance, *args: Any, **kw: Any) -> Any:
        if instance.locked and not context.is_admin:
            raise exception.InstanceIsLocked(instance_uuid=instance.uuid)
        return f(self, context, instance, *args, **kw)

    return inner


#: Where ``ImageMeta.from_instance`` gives the image the server's ``image_ref`` as its id
#: (24.0.0: 9d037f7d19).
IMAGE_META_ID_SINCE = (24, 0, 0)
#: Where ``OperationNotSupportedForSEV`` is a ``NotSupported``, the API's 400, no longer the
#: controllers' 409 (24.0.0: 1b6a6e3916, Change-Id I410924668a73785f1bfe5c79827915d72e1d9e03,
#: LP #1938093; not backported).
SEV_NOT_SUPPORTED_SINCE = (24, 0, 0)


def reject_sev_instances(operation: str) -> Callable:
    """Nova's decorator (20.0.0 on: 84db8b3f3d, Change-Id I69b6e153324a3e5680e096cd714e5d4dd05bae34;
    ``reject_mem_enc_instances`` in 34.0.0's wheel): a server whose flavor or image asks memory
    encryption (``get_mem_encryption_constraint`` of ``instance.flavor`` and
    ``instance.image_meta``) refuses `operation` with ``OperationNotSupportedForSEV``: a 409
    at the suspend and live-migration controllers to 23.x (`exception.SEVOperationConflict`),
    from 24.0.0 a ``NotSupported`` no controller catches, ``expected_errors``' 400
    (`SEV_NOT_SUPPORTED_SINCE`); from 34.0.0 ``OperationNotSupportedForMemEncryption``, a
    ``NotSupported`` too. It
    runs before the lock and state checks. ``instance.image_meta`` is the system metadata's
    image, no name, its id the server's ``image_ref`` from 24.0.0 (9d037f7d19): an image asking
    it names its requester by name before 24.0.0, which reads as Nova's 500
    (`mem_encryption.AttributeUnset`), as ``check`` has it."""

    def outer(f: Callable) -> Callable:
        @functools.wraps(f)
        def inner(self: Any, context: Any, instance: Instance, *args: Any, **kw: Any) -> Any:
            release = self.kernel.switches.release
            version = release.version
            if version >= mem_encryption.SINCE:
                image = compute_utils.get_image_from_system_metadata(instance.system_metadata)
                props = image["properties"]
                if mem_encryption.asks_encryption(instance.flavor, props):
                    if version >= IMAGE_META_ID_SINCE and instance.image_ref:
                        image["id"] = instance.image_ref
                    mem_encryption.check(instance.flavor, image, props, version, release)
                    if version >= mem_encryption.CONFIG_SINCE:
                        refused: type = exception.OperationNotSupportedForMemEncryption
                    elif version >= SEV_NOT_SUPPORTED_SINCE:
                        refused = exception.OperationNotSupportedForSEV
                    else:
                        refused = exception.SEVOperationConflict
                    raise refused(instance_uuid=instance.uuid, operation=operation)
            return f(self, context, instance, *args, **kw)

        return inner

    return outer


def check_instance_host(f: Callable) -> Callable:
    """Nova's decorator: a server with no host is not ready (409 ``InstanceNotReady``)."""

    @functools.wraps(f)
    def inner(self: Any, context: Any, instance: Instance, *args: Any, **kw: Any) -> Any:
        if not instance.host:
            raise exception.InstanceNotReady(instance_id=instance.uuid)
        return f(self, context, instance, *args, **kw)

    return inner


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def is_uuid_like(value: Any) -> bool:
    """``oslo_utils.uuidutils.is_uuid_like`` (the canonical form checked first, quickly)."""
    if isinstance(value, str) and _UUID.fullmatch(value):
        return True
    try:
        return str(uuidlib.UUID(value)).replace("-", "") == str(value).replace("-", "").lower()
    except (TypeError, ValueError, AttributeError):
        return False


class API:
    """nova-api's compute API for one cloud."""

    def __init__(self, nova: Any):
        self.nova = nova
        self.kernel = nova.kernel
        self.db = nova.db
        self.compute_rpcapi = nova.compute_rpcapi
        self.image_api = nova.image_api
        self.volume_api = nova.volume_api
        self.config = nova.config
        self.notifier = nova.notifier

    # -- lookups -----------------------------------------------------------------------------

    def get(
        self, context: Any, instance_id: str, read_deleted: bool = False, copy: bool = True
    ) -> Instance:
        """The server, as the caller may see it: `InstanceNotFound` for a bad id, a missing or
        deleted server, and (non-admins) another project's server. A working copy, or with
        `copy` False the row itself, for a caller that only reads it (a view)."""
        if not is_uuid_like(instance_id):
            raise exception.InstanceNotFound(instance_id=instance_id)
        row = self.db.instance_row(instance_id)
        if row is None or (row.deleted and not read_deleted) or not self.db.was_built(instance_id):
            raise exception.InstanceNotFound(instance_id=instance_id)
        if not context.is_admin and row.project_id != context.project_id:
            raise exception.InstanceNotFound(instance_id=instance_id)
        return row.clone(API_ACTOR) if copy else row

    def get_all(
        self,
        context: Any,
        search_opts: dict[str, Any],
        all_tenants: bool = False,
        sort_keys: list[str] | None = None,
        sort_dirs: list[str] | None = None,
    ) -> list[Instance]:
        """Servers `search_opts` (the API's, Nova's ``search_opts``) keep, in the order asked
        (default newest first): ``get_all``'s remapping (``image`` is ``image_ref``, ``name``
        ``display_name``, ``tenant_id`` ``project_id``, ``flavor`` the flavor's row,
        `exception.FlavorNotFound` for an unknown one; ``ip``/``ip6`` as Neutron's port list
        matches them, ``_ip_filter_using_neutron``), then the
        database's filters and order (`instance_filters`; `exception.InvalidInput` for a bad
        direction)."""
        filters: dict[str, Any] = {}
        for opt, value in search_opts.items():
            if opt == "flavor":
                flavors.get_by_flavor_id(self.nova, context, value)  # FlavorNotFound
                filters["instance_type_id"] = value
            else:
                filters[_FILTER_NAMES.get(opt, opt)] = value
        ip_part = None
        if "ip" in filters or "ip6" in filters or "fixed_ip" in filters:
            # ``_ip_filter_using_neutron`` (17.0.0 on, Neutron's ``ip_address_substr``): the
            # servers with a fixed address containing the text, none for an empty one. The
            # network has no IPv6; ``fixed_ip`` joins nova-network's table (none here).
            ip_part = filters.pop("ip", None)
            filters.pop("ip6", None)
            if "fixed_ip" in filters or not ip_part:
                return []
            ip_part = str(ip_part)
        # ``InstanceSortContext`` (nova 17.0.13-34.0.0 compute/instance_list.py): ``uuid``
        # ascending after the keys asked, before the database appends its defaults, so rows
        # of one stored second fall to their uuid, not their id (the API asks ``created_at``)
        keys, dirs = list(sort_keys or ()), list(sort_dirs or ())
        if not keys:
            keys, dirs = ["created_at", "id"], ["desc", "desc"]
        if "uuid" not in keys:
            keys.append("uuid")
            dirs.append("asc")
        keys, dirs = instance_filters.sort_params(keys, dirs)
        switches = self.kernel.switches
        if not switches.instance_compute_id:
            filters.pop("compute_id", None)  # no such column: ignored
        keep = instance_filters.matcher(
            filters, self.kernel.clock.wall_time, self._sort_value, switches.instance_hidden_filter
        )
        if keep is None:
            return []
        out = [row for row in self.db.instances.values() if keep(row)]
        if self.db.never_built is not None:  # deleted as build requests: in no cell's list
            out = [row for row in out if self.db.was_built(row.uuid)]
        if ip_part is not None:
            held = self.db.fixed_addresses
            out = [row for row in out if any(ip_part in ip for ip in held(row.uuid))]
        in_a_cell = self.db.in_a_cell
        waiting = [row for row in out if not in_a_cell(row)]
        if not waiting:
            instance_filters.order(out, keys, dirs, self._sort_value)
            return out
        # the build requests first, then the cells' instances ("[sorted instances with no
        # host] + [sorted instances with host]", nova 17.0.13-34.0.0 compute/api.py get_all);
        # BuildRequestList.get_by_filters sorts them by the keys asked and the database's
        # defaults, no uuid, ``id`` the build request's own (their creation order)
        placed = [row for row in out if in_a_cell(row)]
        instance_filters.order(placed, keys, dirs, self._sort_value)
        rank = {row.uuid: n for n, row in enumerate(waiting)}

        def requested(row: Instance, key: str) -> Any:
            return rank[row.uuid] if key == "id" else self._sort_value(row, key)

        asked, asked_dirs = instance_filters.sort_params(
            list(sort_keys or ()), list(sort_dirs or ())
        )
        instance_filters.order(waiting, asked, asked_dirs, requested)
        return waiting + placed

    def _sort_value(self, row: Instance, key: str) -> Any:
        """A row's value of the instances column `key` (``id`` and ``instance_type_id`` as
        the autoincrement ids Nova's rows and flavors get: their creation order; the
        `instance_filters.DATABASE_COLUMNS` as `_database_column` reads them)."""
        if key in instance_filters.DATABASE_COLUMNS:
            return self._database_column(row, key)
        if key in instance_filters.TIME_COLUMNS:
            moment = getattr(row, key, None)
            return None if moment is None else stored_time(self.kernel.clock.wall_time(moment))
        if key == "instance_type_id":
            return flavors.row_id(self.nova, row.flavor.flavorid)
        derived = instance_filters.DERIVED_COLUMNS.get(key)
        if derived is not None:
            return derived(row)
        return getattr(row, key, None)

    def _database_column(self, row: Instance, key: str) -> Any:
        """The instances column `key` of `instance_filters.DATABASE_COLUMNS` that a row does
        not hold: ``id`` its creation order; ``compute_id`` its node's id (the host's
        position, NULL while on no host); ``key_data`` the public key of the key pair it was
        booted with (the user's pair of that name now: fakecloud copies no key); and
        ``launched_on`` the host whose claim placed it (``_set_instance_host_and_node``, at a
        build or an unshelve): a move (resize, migration, live migration, evacuation) leaves it,
        so it is the source of the first move recorded since the server was created or last
        unshelved, else its host. A server that left its host (offloaded, a build aborted) has
        no ``launched_on`` from 21.0.0 (switch ``launched_on_cleared``); before, it kept the
        host of its last claim (the last compute host that ran an event of it)."""
        if key == "id":
            return self.db.instance_number(row.uuid)
        host = row.host
        if host is None and key == "launched_on" and not self.kernel.switches.launched_on_cleared:
            host = self._last_compute_host(row.uuid)
        if host is None and key in ("compute_id", "launched_on"):
            return None
        if key == "compute_id":
            hosts = list(self.nova.hosts)
            return hosts.index(row.host) + 1 if row.host in hosts else None
        if key == "key_data":
            pair = self.db.keypair_get(row.user_id, row.key_name) if row.key_name else None
            return pair.public_key if pair is not None else None
        claimed = max(
            (a.start_time for a in self.db.actions.get(row.uuid, ()) if a.action == "unshelve"),
            default=row.created_at or 0.0,
        )
        for migration in (self.db.migrations or {}).values():
            if migration.instance_uuid == row.uuid and migration.created_at >= claimed:
                return migration.source_compute
        return host

    def _last_compute_host(self, uuid: str) -> str | None:
        """The compute host of the server's latest action event that ran on one, or None."""
        for action in reversed(self.db.actions.get(uuid, ())):
            for event in reversed(action.events):
                if event.host in self.nova.hosts:
                    return event.host
        return None

    def _key_pair(self, context: Any, name: str) -> Any:
        """``KeyPair.get_by_name(context, context.user_id, name)``: `KeypairNotFound`."""
        found = self.db.keypair_get(context.user_id, name)
        if found is None:
            raise exception.KeypairNotFound(name=name, user_id=context.user_id)
        return found

    def _record_action_start(self, context: Any, instance: Instance, action: str) -> None:
        self.db.action_start(context, instance.uuid, action)

    # -- createImage -------------------------------------------------------------------------

    @check_instance_state(vm_state=SNAPSHOT_STATES)
    def snapshot(
        self,
        context: Any,
        instance: Instance,
        name: str,
        extra_properties: dict[str, Any] | None = None,
    ) -> Generator[Any, Any, dict[str, Any]]:
        """Snapshot an image-backed server: a queued image now, the data from its host later.
        The image as the API reads it: ``{"id": image_id}`` (Nova's whole dict of the image is
        not made: nothing reads it)."""
        image_id = yield from compute_utils.create_image(
            context,
            instance,
            name,
            "snapshot",
            self.image_api,
            self.config.non_inheritable(),
            extra_properties=extra_properties,
            switches=self.kernel.switches,
            id_only=True,
        )
        image_meta = {"id": image_id}
        yield from compute_utils.claim_for_snapshot(
            context,
            instance,
            image_meta,
            states.IMAGE_SNAPSHOT_PENDING,
            self.image_api,
            self.kernel,
            API_ACTOR,
        )
        self._record_action_start(context, instance, CREATE_IMAGE)
        self.compute_rpcapi.snapshot_instance(context, instance, image_meta["id"])
        return image_meta

    @check_instance_state(vm_state=SNAPSHOT_STATES)
    def backup(
        self,
        context: Any,
        instance: Instance,
        name: str,
        backup_type: str,
        rotation: int,
        extra_properties: dict[str, Any] | None = None,
    ) -> Generator[Any, Any, dict[str, Any]]:
        """``API.backup``: a queued ``backup`` image (property ``backup_type``), task_state
        ``image_backup`` (compare-and-swap on None, no delete race handling: a lost race is a
        500), the ``createBackup`` action, and the ``backup_instance`` cast."""
        props_copy = dict(extra_properties or {}, backup_type=backup_type)
        bdms = self.db.bdms_by_instance(instance.uuid)
        if compute_utils.is_volume_backed_instance(instance, bdms):
            raise exception.InvalidRequest(
                message="Backup is not supported for volume-backed instances."
            )
        image_meta = yield from compute_utils.create_image(
            context,
            instance,
            name,
            "backup",
            self.image_api,
            self.config.non_inheritable(),
            extra_properties=props_copy,
            switches=self.kernel.switches,
        )
        instance.task_state = states.IMAGE_BACKUP
        instance.save(expected_task_state=[None])
        self._record_action_start(context, instance, BACKUP)
        self.compute_rpcapi.backup_instance(
            context, instance, image_meta["id"], backup_type, rotation
        )
        return image_meta

    def snapshot_volume_backed(
        self,
        context: Any,
        instance: Instance,
        name: str,
        extra_properties: dict[str, Any] | None = None,
    ) -> Generator[Any, Any, Generator[Any, Any, str]]:
        """Snapshot a volume-backed server (spec 3.4): `fakecloud.nova.compute.volume_backed`;
        its steps end with the image's creation, unstarted, for the caller to wait for."""
        # Imported late (it imports this module), and by name, so a test can stand in for it.
        # Its generator is handed back, not delegated to: one frame less on every resume.
        module = sys.modules.get(_VOLUME_BACKED) or importlib.import_module(_VOLUME_BACKED)
        return module.snapshot_volume_backed(self, context, instance, name, extra_properties)

    # -- server life cycle -------------------------------------------------------------------

    def _check_volume_status(self, context: Any, bdms: list[Any]) -> Generator[Any, Any, None]:
        """``_check_volume_status``: every volume of the server is ``in-use`` (`InvalidVolume`),
        each read from Cinder in the mappings' order."""
        for bdm in bdms:
            if bdm.volume_id:
                volume = yield from self.volume_api.get(context, bdm.volume_id)
                self.volume_api.check_attached(context, volume)

    def _claim(self, instance: Instance, task_state: str) -> None:
        """Set the task_state with the compare-and-swap every action does (expected None)."""
        instance.task_state = task_state
        instance.save(expected_task_state=[None])

    @check_instance_lock
    @check_instance_host
    @check_instance_state(vm_state=[states.ACTIVE, states.ERROR])
    def stop(self, context: Any, instance: Instance) -> None:
        """Power the server off (``powering-off``)."""
        instance.progress = 0
        self._claim(instance, states.POWERING_OFF)
        self._record_action_start(context, instance, STOP)
        self.compute_rpcapi.stop_instance(context, instance)

    @check_instance_lock
    @check_instance_host
    @check_instance_state(vm_state=[states.STOPPED])
    def start(self, context: Any, instance: Instance) -> None:
        """Power the server on (``powering-on``)."""
        self._claim(instance, states.POWERING_ON)
        self._record_action_start(context, instance, START)
        self.compute_rpcapi.start_instance(context, instance)

    @check_instance_lock
    def reboot(self, context: Any, instance: Instance, reboot_type: str) -> None:
        """Reboot the server: ``SOFT`` (the guest shuts down and starts again) or ``HARD``
        (its domain is destroyed and created again); the ``reboot_instance`` cast."""
        if reboot_type == "SOFT":
            self._soft_reboot(context, instance)
        else:
            self._hard_reboot(context, instance)

    @check_instance_state(vm_state=states.ALLOW_SOFT_REBOOT, task_state=[None])
    def _soft_reboot(self, context: Any, instance: Instance) -> None:
        self._claim(instance, states.REBOOTING)
        self._record_action_start(context, instance, REBOOT)
        self.compute_rpcapi.reboot_instance(context, instance, None, "SOFT")

    @check_instance_state(vm_state=states.ALLOW_HARD_REBOOT, task_state=states.ALLOW_REBOOT)
    def _hard_reboot(self, context: Any, instance: Instance) -> None:
        instance.task_state = states.REBOOTING_HARD
        instance.save(expected_task_state=states.ALLOW_REBOOT)
        self._record_action_start(context, instance, REBOOT)
        self.compute_rpcapi.reboot_instance(context, instance, None, "HARD")

    @check_instance_lock
    @check_instance_state(vm_state=[states.ACTIVE, states.STOPPED, states.ERROR])
    def rebuild(
        self,
        context: Any,
        instance: Instance,
        image_href: str,
        admin_password: str,
        files_to_inject: list[Any] | None = None,
        reimage_boot_volume: bool = False,
        **kwargs: Any,
    ) -> Generator[Any, Any, None]:
        """``API.rebuild``: the server again from `image_href` (its own snapshot, to restore
        it). The image must exist (`ImageNotFound`) and be active, the flavor big enough for
        it; before 2.93 a volume-backed server may only be rebuilt from the image its root
        volume came from (`ImageUnacceptable`); with 2.93's `reimage_boot_volume` its root
        volume is reimaged from any image (`fakecloud.nova.compute.reimage`). From 22.0.0
        (backports 19.3.2, 20.4.1, 21.1.1; switch ``lp1489304``) every volume of the server must
        be ``in-use`` (`InvalidVolume`, 400), after the image checks. From 19.0.0 the image
        checks read the flavor's CPU policies with the image's (`cpu_policy`), and from 19.1.0
        another image may not change the server's pinning (`ImageNUMATopologyRebuildConflict`);
        before 19.0.0 an image whose policy is none of the release's enum is Nova's 500 once
        the server is saved ``rebuilding``. The server's image_ref
        (image-backed) and ``image_*`` system metadata change now, then ``rebuilding``, the
        ``rebuild`` action and the ``rebuild_instance`` cast."""
        metadata = kwargs.get("metadata") or {}
        preserve_ephemeral = bool(kwargs.pop("preserve_ephemeral", False))
        # ``_retrieve_trusted_certs_object(rebuild=True)`` where the request names them (null
        # too), kept with the ``rebuilding`` save
        asked_certs = kwargs.pop("trusted_certs", _UNSET)
        if "key_name" in kwargs:
            # The caller's key pair (not the server owner's: users own keys, projects own
            # servers), before the image is read; null clears it.
            key_name = kwargs["key_name"]
            kwargs["key_name"] = self._key_pair(context, key_name).name if key_name else None
        fixed = {k: kwargs.pop(k) for k in _REBUILD_FIXED if k in kwargs}
        try:
            image = yield from self.image_api.get(context, image_href)
        except exception.ImageNotFound:
            raise exception.ImageNotFound(image_id=image_href) from None
        disk_config.check_image(image, fixed.get("auto_disk_config"))
        image_id = image.get("id", image_href)
        flavor = instance.flavor
        bdms = self.db.bdms_by_instance(instance.uuid)
        root_bdm = compute_utils.get_root_bdm(bdms)
        volume_backed = compute_utils.is_volume_backed_instance(instance, bdms)
        if volume_backed:
            if asked_certs is not _UNSET and asked_certs:
                raise exception.CertificateValidationFailed(
                    message="Image certificate validation is not supported for volume-backed "
                    "servers."
                )
            if root_bdm is None:
                raise exception.NovaException(
                    message="Unable to find root block device mapping for volume-backed instance."
                )
            volume = yield from self.volume_api.get(context, root_bdm.volume_id)
            orig_image_ref = (volume.get("volume_image_metadata") or {}).get("image_id")
            if orig_image_ref != image_href and not reimage_boot_volume:
                raise exception.ImageUnacceptable(
                    image_id=image_href,
                    reason="Unable to rebuild with a different image for a volume-backed server.",
                )
        else:
            orig_image_ref = instance.image_ref
        # ``_checks_for_create_and_rebuild``: the metadata quota, then the image against the
        # flavor (``_validate_flavor_image``: status, min_ram, and for a local root disk its
        # size and min_disk).
        self._check_metadata_properties_quota(context, metadata)
        self._check_injected_file_quota(context, files_to_inject)
        nonbootable.check(self.kernel.switches, image_id, image)
        if image.get("status") != "active":
            raise exception.ImageNotActive(image_id=image_id)
        if flavor.memory_mb < int(image.get("min_ram") or 0):
            raise exception.FlavorMemoryTooSmall()
        if not volume_backed:
            _check_root_disk(flavor, image)
            zero_disk.check(self.nova, context, flavor)
        version = self.kernel.switches.release.version
        if version >= cpu_policy.REBUILD_CHECKED_SINCE:  # ``validate_numa=True``
            cpu_policy.check(
                flavor,
                version,
                cpu_policy.image_properties(image, version),
                self.kernel.switches,
                image,
            )
        if not self.kernel.switches.lp1489304:
            yield from self._check_volume_status(context, bdms)
        if orig_image_ref != image_href and cpu_policy.REBUILD_CONFLICT.reaches(
            self.kernel.switches.release
        ):
            self._validate_numa_rebuild(instance, image, flavor, version)
        instance.task_state = states.REBUILDING
        if not volume_backed:
            instance.image_ref = image_href
        instance.progress = 0
        for key, value in kwargs.items():
            setattr(instance, key, value)
        instance.save(expected_task_state=[None])
        if asked_certs is not _UNSET:
            certs = trusted_certs.for_instance(self.config, asked_certs, version)
            self.db.set_trusted_certs(instance.uuid, certs)
        # ``_inherit_properties_from_image``: none asked, the new image's (MANUAL if unset)
        auto = disk_config.inherited(image, fixed.pop("auto_disk_config", None))
        if auto != instance.auto_disk_config:
            fixed["auto_disk_config"] = auto
        if fixed:
            self.db.instance_set_fixed(instance, **fixed)
        # ``_reset_image_metadata``: the old image's ``image_*`` keys go, the new image's come.
        orig_sys_metadata = dict(instance.system_metadata)
        sysmeta = {
            k: v
            for k, v in instance.system_metadata.items()
            if not k.startswith(compute_utils.SM_IMAGE_PROP_PREFIX)
        }
        sysmeta.update(compute_utils.get_system_metadata_from_image(image, flavor))
        sysmeta["image_base_image_ref"] = image_id
        instance.system_metadata = sysmeta
        instance.save()
        self._record_action_start(context, instance, REBUILD)
        if orig_image_ref != image_href and version < cpu_policy.REBUILD_CHECKED_SINCE:
            # ``request_spec.image = objects.ImageMeta.from_dict(image)``, nothing before it
            # having read the new image's properties: the server stays ``rebuilding``
            cpu_policy.from_dict(image.get("properties") or {}, version)
        self.compute_rpcapi.rebuild_instance(
            context,
            instance,
            new_pass=admin_password,
            injected_files=files_to_inject or [],
            image_ref=image_href,
            orig_image_ref=orig_image_ref,
            orig_sys_metadata=orig_sys_metadata,
            preserve_ephemeral=preserve_ephemeral,
            reimage_boot_volume=reimage_boot_volume,
        )

    @staticmethod
    def _validate_numa_rebuild(
        instance: Instance, image: dict[str, Any], flavor: Any, version: tuple
    ) -> None:
        """``_validate_numa_rebuild``: a new image may not give the server a NUMA topology,
        take its own away or change it (here: its pinned CPU and thread policies), as the
        rebuild's claim on the host is a no-op (`ImageNUMATopologyRebuildConflict`)."""
        old_props = compute_utils.get_image_from_system_metadata(instance.system_metadata)
        old = cpu_policy.numa_get_constraints(flavor, old_props.get("properties") or {}, version)
        new = cpu_policy.numa_get_constraints(flavor, image.get("properties") or {}, version)
        if old != new:
            raise exception.ImageNUMATopologyRebuildConflict()

    @check_instance_lock
    def add_fixed_ip(self, context: Any, instance: Instance, network_id: Any) -> None:
        """Cast ``add_fixed_ip_to_instance``, whatever the server's state (no instance
        action); a server with no host is Nova's `NovaException` (the API's 500)."""
        self.compute_rpcapi.add_fixed_ip_to_instance(context, instance, network_id)

    @check_instance_lock
    def remove_fixed_ip(self, context: Any, instance: Instance, address: str) -> None:
        """Cast ``remove_fixed_ip_from_instance`` (as `add_fixed_ip`)."""
        self.compute_rpcapi.remove_fixed_ip_from_instance(context, instance, address)

    @check_instance_lock
    def inject_network_info(self, context: Any, instance: Instance) -> None:
        """Cast ``inject_network_info`` (as `add_fixed_ip`)."""
        self.compute_rpcapi.inject_network_info(context, instance)

    @check_instance_lock
    @check_instance_state(vm_state=[states.ACTIVE])
    def pause(self, context: Any, instance: Instance) -> None:
        """Pause the server (``pausing``)."""
        self._claim(instance, states.PAUSING)
        self._record_action_start(context, instance, PAUSE)
        self.compute_rpcapi.pause_instance(context, instance)

    @check_instance_lock
    @check_instance_state(vm_state=[states.PAUSED])
    def unpause(self, context: Any, instance: Instance) -> None:
        """Unpause the server (``unpausing``)."""
        self._claim(instance, states.UNPAUSING)
        self._record_action_start(context, instance, UNPAUSE)
        self.compute_rpcapi.unpause_instance(context, instance)

    @reject_sev_instances(SUSPEND)
    @check_instance_lock
    @check_instance_state(vm_state=[states.ACTIVE])
    def suspend(self, context: Any, instance: Instance) -> None:
        """Suspend the server to disk (``suspending``)."""
        self._claim(instance, states.SUSPENDING)
        self._record_action_start(context, instance, SUSPEND)
        self.compute_rpcapi.suspend_instance(context, instance)

    @check_instance_lock
    @check_instance_state(vm_state=[states.SUSPENDED])
    def resume(self, context: Any, instance: Instance) -> None:
        """Resume a suspended server (``resuming``)."""
        self._claim(instance, states.RESUMING)
        self._record_action_start(context, instance, RESUME)
        self.compute_rpcapi.resume_instance(context, instance)

    @check_instance_lock
    @check_instance_state(vm_state=[states.ACTIVE])
    def set_admin_password(
        self, context: Any, instance: Instance, password: str
    ) -> Generator[Any, Any, None]:
        """changePassword: ``updating_password``, the action, then the RPC call to the host
        (`fakecloud.nova.compute.guest_actions`), whose errors reach the API."""
        self._claim(instance, states.UPDATING_PASSWORD)
        self._record_action_start(context, instance, guest_actions.CHANGE_PASSWORD)
        return self.compute_rpcapi.set_admin_password(context, instance, password)

    @check_instance_lock
    @check_instance_host
    @check_instance_state(vm_state=guest_actions.ALLOW_TRIGGER_CRASH_DUMP)
    def trigger_crash_dump(self, context: Any, instance: Instance) -> None:
        """trigger_crash_dump (2.17): the action, then the cast (no task state)."""
        self._record_action_start(context, instance, guest_actions.TRIGGER_CRASH_DUMP)
        self.compute_rpcapi.trigger_crash_dump(context, instance)

    @check_instance_host
    def get_console_output(
        self, context: Any, instance: Instance, tail_length: Any = None
    ) -> Generator[Any, Any, str]:
        """os-getConsoleOutput: the RPC call to the host (no state check, no action)."""
        return self.compute_rpcapi.get_console_output(context, instance, tail_length)

    @check_instance_host
    def get_console(
        self, context: Any, instance: Instance, protocol: str, console_type: str
    ) -> Generator[Any, Any, dict]:
        """``get_vnc_console`` and the like: the RPC call to the host, its ``access_url`` as
        the answer's ``url`` (`fakecloud.nova.compute.consoles`). A server being deleted or
        live-migrated is refused first (``reject_instance_state(task_state=[DELETING,
        MIGRATING])``, nova 17.0.13-34.0.0): `exception.InstanceInvalidState`."""
        if instance.task_state in CONSOLE_REJECTED_TASK_STATES:
            raise exception.InstanceInvalidState(
                attr="task_state",
                instance_uuid=instance.uuid,
                state=instance.task_state,
                method=f"get_{protocol}_console",
            )
        info = yield from self.compute_rpcapi.get_console(context, instance, protocol, console_type)
        return {"url": info["access_url"]}

    def lock(self, context: Any, instance: Instance, reason: str | None = None) -> None:
        """Lock the server (an ``api_lock`` event); the owner re-locking is a no-op."""
        is_owner = instance.project_id == context.project_id
        if instance.locked and is_owner:
            return
        self._record_action_start(context, instance, LOCK)
        event = compute_utils.EventReporter(
            self.db, context, instance.uuid, "api_lock", self.config.api_host
        )
        instance.locked = True
        instance.locked_by = "owner" if is_owner else "admin"
        if reason:
            instance.system_metadata = {**instance.system_metadata, "locked_reason": reason}
        instance.save()
        event.finish()
        if self.kernel.switches.release.major >= LOCK_NOTIFIED_SINCE:
            self.notifier.instance_action(self.config.api_host, "nova-api", instance, "lock")

    def is_expected_locked_by(self, context: Any, instance: Instance) -> bool:
        """Whether the caller is the kind of user (owner/admin) that locked the server."""
        expect = "owner" if instance.project_id == context.project_id else "admin"
        return not instance.locked_by or instance.locked_by == expect

    def unlock(self, context: Any, instance: Instance) -> None:
        """Unlock the server (an ``api_unlock`` event)."""
        self._record_action_start(context, instance, UNLOCK)
        event = compute_utils.EventReporter(
            self.db, context, instance.uuid, "api_unlock", self.config.api_host
        )
        instance.locked = False
        instance.locked_by = None
        if "locked_reason" in instance.system_metadata:
            meta = dict(instance.system_metadata)
            meta.pop("locked_reason")
            instance.system_metadata = meta
        instance.save()
        event.finish()
        if self.kernel.switches.release.major >= LOCK_NOTIFIED_SINCE:
            self.notifier.instance_action(self.config.api_host, "nova-api", instance, "unlock")

    @check_instance_lock
    @check_instance_state(vm_state=[states.ACTIVE, states.STOPPED, states.ERROR])
    def rescue(
        self,
        context: Any,
        instance: Instance,
        rescue_password: str | None = None,
        rescue_image_ref: str | None = None,
        allow_bfv_rescue: bool = False,
    ) -> Generator[Any, Any, None]:
        """Rescue the server (`fakecloud.nova.compute.rescue_api`: the rescue image's and the
        volumes' checks, ``rescuing``, the ``rescue_instance`` cast)."""
        from fakecloud.nova.compute import rescue_api

        yield from rescue_api.rescue(
            self, context, instance, rescue_password, rescue_image_ref, allow_bfv_rescue
        )

    @check_instance_lock
    @check_instance_state(vm_state=[states.RESCUED])
    def unrescue(self, context: Any, instance: Instance) -> None:
        """Bring a rescued server back on its own disks (``unrescuing``)."""
        self._claim(instance, states.UNRESCUING)
        self._record_action_start(context, instance, UNRESCUE)
        self.compute_rpcapi.unrescue_instance(context, instance)

    @check_instance_lock
    @check_instance_state(vm_state=SNAPSHOT_STATES)
    def shelve(self, context: Any, instance: Instance) -> Generator[Any, Any, None]:
        """Shelve: an image-backed server is snapshotted to ``<name>-shelved`` first."""
        instance.task_state = states.SHELVING
        instance.system_metadata = {
            **instance.system_metadata,
            "image_base_image_ref": instance.image_ref,
        }
        instance.save(expected_task_state=[None])
        self._record_action_start(context, instance, SHELVE)
        bdms = self.db.bdms_by_instance(instance.uuid)
        if not compute_utils.is_volume_backed_instance(instance, bdms):
            image_meta = yield from compute_utils.create_image(
                context,
                instance,
                f"{instance.display_name}-shelved",
                "snapshot",
                self.image_api,
                self.config.non_inheritable(),
                switches=self.kernel.switches,
            )
            self.compute_rpcapi.shelve_instance(context, instance, image_meta["id"])
        else:
            self.compute_rpcapi.shelve_offload_instance(context, instance)

    @check_instance_lock
    @check_instance_state(vm_state=[states.SHELVED])
    def shelve_offload(self, context: Any, instance: Instance) -> None:
        """Remove a shelved server from its host."""
        self._claim(instance, states.SHELVING_OFFLOADING)
        self._record_action_start(context, instance, SHELVE_OFFLOAD)
        self.compute_rpcapi.shelve_offload_instance(context, instance)

    @check_instance_lock
    @check_instance_state(vm_state=[states.SHELVED, states.SHELVED_OFFLOADED])
    def unshelve(
        self,
        context: Any,
        instance: Instance,
        new_az: Any = destination.UNSET,
        host: str | None = None,
    ) -> None:
        """Unshelve: power a shelved server on again, or spawn an offloaded one on a host
        (into `new_az`, onto `host`: `destination.unshelve_destination`)."""
        from fakecloud.nova.conductor_live_migrate import swallowing

        if (
            instance.vm_state == states.SHELVED_OFFLOADED
            and self.kernel.switches.series.nova >= UNSHELVE_LIMITS_SINCE
        ):
            self._check_quota_unshelve_offloaded(context, instance)
        where = destination.unshelve_destination(self.nova, context, instance, new_az, host)
        self._claim(instance, states.UNSHELVING)
        self._record_action_start(context, instance, UNSHELVE)
        self.kernel.spawn(
            swallowing(self.nova.conductor.unshelve_instance(context, instance, where)),
            name=f"nova-conductor unshelve {instance.uuid}",
        )

    def _check_quota_unshelve_offloaded(self, context: Any, instance: Instance) -> None:
        """``_check_quota_unshelve_offloaded`` (28.0.0 on), unified limits' part: the
        deltas of zero servers of the flavor (``servers: 0``; every class's amount times
        0), so an unshelve is refused only where the project is already over a limit."""
        bdms = self.db.bdms_by_instance(instance.uuid)
        is_bfv = compute_utils.is_volume_backed_instance(instance, bdms)
        placement_limit.enforce_num_instances_and_flavor(
            self.nova, context.project_id, instance.flavor, is_bfv, 0, 0, {"servers": 0}
        )

    # -- resize and cold migration (`fakecloud.nova.compute.resize_api`) ---------------------

    @check_instance_lock
    @check_instance_state(vm_state=[states.ACTIVE, states.STOPPED])
    def resize(
        self,
        context: Any,
        instance: Instance,
        flavor_id: str | None = None,
        host_name: str | None = None,
        auto_disk_config: bool | None = None,
    ) -> Generator[Any, Any, None] | None:
        """Resize to `flavor_id`, or (None) cold-migrate, to `host_name` if given: before
        21.0.0 a generator the API waits for (the conductor's scheduling), else None.
        `auto_disk_config`: a resize's ``OS-DCF:diskConfig`` (None when not given)."""
        from fakecloud.nova.compute import resize_api

        return resize_api.resize(self, context, instance, flavor_id, host_name, auto_disk_config)

    @check_instance_lock
    @check_instance_state(vm_state=[states.RESIZED])
    def confirm_resize(self, context: Any, instance: Instance) -> None:
        """Confirm a resize or migration: the source host lets the old guest go."""
        from fakecloud.nova.compute import resize_api

        resize_api.confirm_resize(self, context, instance)

    @check_instance_lock
    @check_instance_state(vm_state=[states.RESIZED])
    def revert_resize(self, context: Any, instance: Instance) -> None:
        """Revert a resize or migration: back to the source host and the old flavor."""
        from fakecloud.nova.compute import resize_api

        resize_api.revert_resize(self, context, instance)

    # -- live migration (`fakecloud.nova.compute.live_migrate_api`) ---------------------------

    @reject_sev_instances("live-migration")  # instance_actions.LIVE_MIGRATION
    @check_instance_lock
    @check_instance_state(vm_state=[states.ACTIVE, states.PAUSED])
    def live_migrate(
        self,
        context: Any,
        instance: Instance,
        block_migration: bool | None,
        disk_over_commit: bool | None,
        host_name: str | None,
        force: bool | None = None,
        async_: bool = False,
    ) -> Generator[Any, Any, None] | None:
        """Live-migrate, to `host_name` if given: before 2.34 (not `async_`) a generator the
        API waits for (the conductor's checks), else None."""
        from fakecloud.nova.compute import live_migrate_api

        return live_migrate_api.live_migrate(
            self, context, instance, block_migration, disk_over_commit, host_name, force, async_
        )

    @check_instance_lock
    @check_instance_state(vm_state=[states.ACTIVE], task_state=[states.MIGRATING])
    def live_migrate_force_complete(
        self, context: Any, instance: Instance, migration_id: Any
    ) -> None:
        """Ask the source to finish a running live migration now (the guest paused)."""
        from fakecloud.nova.compute import live_migrate_api

        live_migrate_api.live_migrate_force_complete(self, context, instance, migration_id)

    @check_instance_lock
    @check_instance_state(vm_state=None, task_state=[states.MIGRATING])
    def live_migrate_abort(
        self, context: Any, instance: Instance, migration_id: Any, in_queue: bool = False
    ) -> None:
        """Abort a live migration in progress."""
        from fakecloud.nova.compute import live_migrate_api

        live_migrate_api.live_migrate_abort(self, context, instance, migration_id, in_queue)

    @check_instance_state(vm_state=[states.ACTIVE, states.STOPPED, states.ERROR], task_state=None)
    def evacuate(
        self,
        context: Any,
        instance: Instance,
        host: str | None,
        on_shared_storage: bool | None,
        admin_password: str | None = None,
        force: bool | None = None,
        target_state: str | None = None,
    ) -> None:
        """Rebuild the server of a dead host on another (`fakecloud.nova.compute.evacuate_api`:
        the task_state gate by release, the source compute down, the conductor's cast)."""
        from fakecloud.nova.compute import evacuate_api

        evacuate_api.evacuate(
            self, context, instance, host, on_shared_storage, admin_password, force, target_state
        )

    def reset_state(self, context: Any, instance: Instance, state: str) -> None:
        """Admin ``os-resetState``: vm_state active or error, task_state none; its instance
        action from 22.2.1/23.0.0 (switch ``reset_state_action``)."""
        if self.kernel.switches.reset_state_action:
            self._record_action_start(context, instance, RESET_STATE)
        self.db.instance_force(
            instance.uuid,
            API_ACTOR,
            {"vm_state": states.VM_STATE_RESET},
            notify=True,
            vm_state=state,
            task_state=None,
        )

    @check_instance_lock
    @check_instance_state(vm_state=None, task_state=None, must_have_launched=False)
    def delete(self, context: Any, instance: Instance) -> Generator[Any, Any, None]:
        """Delete: task_state ``deleting`` (no compare-and-swap), then the host destroys it.

        A server with no host (offloaded, or failed before scheduling) is deleted here.
        """
        yield from self._delete(context, instance)

    @check_instance_lock
    @check_instance_state(vm_state=None, task_state=None, must_have_launched=True)
    def soft_delete(self, context: Any, instance: Instance) -> Generator[Any, Any, None]:
        """``soft_delete`` (a ``DELETE`` while ``reclaim_instance_interval`` is set): task_state
        ``soft-deleting`` and ``deleted_at`` now, then the host powers the guest off
        (`fakecloud.nova.compute.deferred_delete`). Never launched: `InstanceInvalidState`."""
        yield from self._delete(context, instance, SOFT_DELETE)

    @check_instance_lock
    @check_instance_state(vm_state=[states.SOFT_DELETED])
    def restore(self, context: Any, instance: Instance) -> None:
        """``restore``: a soft-deleted server back (`fakecloud.nova.compute.deferred_delete`)."""
        from fakecloud.nova.compute import deferred_delete

        deferred_delete.restore(self, context, instance)

    @check_instance_lock
    @check_instance_state(task_state=None, must_have_launched=False)
    def force_delete(self, context: Any, instance: Instance) -> Generator[Any, Any, None]:
        """``forceDelete``: a delete of a server in any vm_state or task_state (soft-deleted or
        not), as `delete` does it."""
        yield from self._delete(context, instance, FORCE_DELETE)

    def _delete(
        self, context: Any, instance: Instance, delete_type: str = "delete"
    ) -> Generator[Any, Any, None]:
        bdms = self.db.bdms_by_instance(instance.uuid)
        if not instance.host and instance.vm_state not in MAY_HAVE_PORTS_OR_VOLUMES:
            yield from self._delete_while_booting(context, instance, bdms)
            return
        if instance.vm_state in (states.SHELVED, states.SHELVED_OFFLOADED):
            # At these states a server has its shelved image (nova 17.0.13 and 34.0.0
            # compute/api.py _delete), which Nova deletes for the user.
            snapshot_id = instance.system_metadata.get("shelved_image_id")
            self._log(
                instance,
                "info",
                f"Working on deleting snapshot {snapshot_id} from shelved instance...",
            )
            if snapshot_id:
                yield from compute_utils.delete_shelved_image(
                    context, self.image_api, snapshot_id, instance.uuid, self.kernel, API_ACTOR
                )
        original_task_state = instance.task_state
        soft = delete_type == SOFT_DELETE
        try:
            if soft:
                instance.task_state = states.SOFT_DELETING
                instance.deleted_at = self.kernel.now
            else:
                instance.task_state = states.DELETING
            instance.progress = 0
            instance.save()
        except exception.InstanceNotFound:
            return
        if instance.vm_state == states.RESIZED:
            from fakecloud.nova.compute import resize_api

            yield from resize_api.confirm_resize_on_deleting(self, context, instance)
            if soft:
                # The confirm ended the task: soft_delete_instance expects soft-deleting.
                instance = self.db.instance_get(instance.uuid, API_ACTOR)
                instance.task_state = states.SOFT_DELETING
                instance.save()
        # ``is_local_delete = not service_is_up(service)``: a forced-down compute, or one
        # stopped past service_down_time; in the grace the delete is cast to the stopped one.
        host_up = bool(instance.host) and services.service_is_up(self.nova, instance.host)
        if host_up:
            if original_task_state in (states.DELETING, states.SOFT_DELETING):
                return
            self._record_action_start(context, instance, DELETE)
            if soft:
                self.compute_rpcapi.soft_delete_instance(context, instance)
            else:
                self.compute_rpcapi.terminate_instance(context, instance, bdms)
            self.db.update_queued_for_deletion(instance.uuid, True)
            return
        # Local delete: no host, or its compute service is down. A soft delete ends here too
        # (soft-delete, then destroyed: ``_local_delete`` calls ``_do_soft_delete(local=True)``
        # before ``instance.destroy()``), notified as a delete; all of it within
        # ``notify_about_instance_delete``, the volumes' clean-up too.
        notified = DELETE if soft else delete_type
        self._notify_delete(instance, notified, "start")
        yield from self.nova.cleanup_volumes(context, instance, bdms)
        if soft:
            instance.vm_state = states.SOFT_DELETED
            instance.task_state = None
            instance.terminated_at = self.kernel.now
            instance.save()
        # _do_delete(local=True) saves vm_state deleted (notified) before the destroy; a soft
        # delete's save above was its own
        self.db.instance_destroy(instance, API_ACTOR, notify=not soft)
        if not soft:
            # what ``_do_delete(local=True)`` saved before the row's destroy
            instance.vm_state, instance.task_state = states.DELETED, None
        self._record_action_start(context, instance, DELETE)
        self._notify_delete(instance, notified, "end")

    def _notify_delete(self, instance: Instance, delete_type: str, phase: str) -> None:
        """``notify_about_instance_delete``'s `phase` from nova-api: legacy
        ``compute.instance.<delete_type>.<phase>``, then, for a delete from 19.0.0
        (`API_DELETE_VERSIONED`; a force delete never), versioned ``instance.delete.<phase>``
        (a plain ``InstanceActionPayload``)."""
        host = self.config.api_host
        self.notifier.instance_usage(host, instance, f"{delete_type}.{phase}")
        if delete_type == DELETE and API_DELETE_VERSIONED.reaches(self.kernel.switches.release):
            self.notifier.instance_action(host, "nova-api", instance, f"delete.{phase}")

    def _delete_while_booting(
        self, context: Any, instance: Instance, bdms: list[Any]
    ) -> Generator[Any, Any, None]:
        """``_delete``'s first branch (nova 17.0.13-34.0.0 compute/api.py): a server with no
        host that ``may_have_ports_or_volumes`` says has neither (not ERROR, not offloaded) is
        still booting, its build request not yet taken by the conductor (``_delete_while_booting``)
        or scheduled and not yet claimed by its compute (the instance looked up in its cell). It
        is destroyed at once: no ``deleting`` task state, no ``delete`` instance action,
        nothing cast; its compute later finds it gone ("Instance disappeared before build.").
        Only one in its cell (`_in_its_cell`: scheduled, or in a reschedule's window) has its
        delete notified (``notify_about_instance_delete`` around ``instance.destroy()``); one
        not yet scheduled is no instance of any cell yet (the conductor creates it there after
        scheduling): ``_attempt_delete_of_buildrequest`` deletes its build request,
        ``_lookup_instance`` finds nothing and nova-api sends nothing, and the conductor, after
        scheduling it, finds the build request gone ("While scheduling instance, the build
        request was already deleted.", 8ba92778fe, 16.0.0) and drops its allocation (and,
        from 20.0.0, 1ff029c1c3, its instance mapping), creating and notifying nothing either
        (`Conductor.schedule_and_build_instances`): no list shows it, deleted or not, and its
        instance actions are a 404 (`NovaDB.forget_build`; session 46, fx1: fakecloud kept a
        soft-deleted row an admin's ``deleted=true`` or ``changes-since`` list showed). Its
        volumes' attachments are deleted (``_local_cleanup_bdm_volumes``) only for one in its
        cell from 34.0.0 (`BOOTING_DELETE_CLEANS_VOLUMES`); before, and for one not yet
        scheduled, a volume it was booted from stays ``reserved`` (LP #2088066)."""
        in_its_cell = self._in_its_cell(instance.uuid)
        if (
            bdms
            and BOOTING_DELETE_CLEANS_VOLUMES.reaches(self.kernel.switches.release)
            and in_its_cell
        ):
            yield from self.nova.cleanup_volumes(context, instance, bdms)
        if in_its_cell:
            self._notify_delete(instance, DELETE, "start")
        try:
            self.db.instance_destroy(instance, API_ACTOR)
        except exception.InstanceNotFound:
            pass
        if in_its_cell:
            self._notify_delete(instance, DELETE, "end")
        else:
            self.db.forget_build(instance.uuid)

    def _in_its_cell(self, uuid: str) -> bool:
        """Whether ``_delete`` finds the server in its cell (``_lookup_instance``), its build
        request gone: the conductor has scheduled it, so it holds an allocation (placed, not
        yet claimed), or a compute has had its build (a reschedule's window: the failed host
        dropped the allocation, the conductor has not placed it again)."""
        if self.db.allocated_host(uuid) is not None:
            return True
        actions = self.db.actions.get(uuid, ())
        return any(event.host for action in actions for event in action.events)

    def _log(self, instance: Instance, level: str, message: str) -> None:
        """A nova-api log line about `instance`."""
        self.kernel.trace.emit("log", API_ACTOR, instance.uuid, level=level, message=message)

    # -- volume attach and detach --------------------------------------------------------------

    @check_instance_lock
    @check_instance_state(vm_state=VOLUME_ATTACH_STATES)
    def attach_volume(
        self,
        context: Any,
        instance: Instance,
        volume_id: str,
        device: str | None = None,
        tag: str | None = None,
        delete_on_termination: bool = False,
        supports_multiattach: bool = False,
        needs_device_returned: bool = True,
    ) -> Generator[Any, Any, str | None]:
        """Attach volume `volume_id` (the gates first, then a generator): the device name the
        compute host reserved, if `needs_device_returned` (`fakecloud.nova.volume_attach`)."""
        from fakecloud.nova import volume_attach

        return volume_attach.attach(
            self,
            context,
            instance,
            volume_id,
            device,
            tag,
            delete_on_termination,
            supports_multiattach,
            needs_device_returned,
        )

    @check_instance_lock
    @check_instance_state(vm_state=VOLUME_ATTACH_STATES)
    def detach_volume(
        self, context: Any, instance: Instance, volume: dict[str, Any]
    ) -> Generator[Any, Any, None]:
        """Detach `volume` (Nova's summary view; the gates first, then a generator)."""
        from fakecloud.nova import volume_attach

        return volume_attach.detach(self, context, instance, volume)

    @check_instance_lock
    @check_instance_state(vm_state=(states.ACTIVE, states.PAUSED, states.RESIZED))
    def swap_volume(
        self,
        context: Any,
        instance: Instance,
        old_volume: dict[str, Any],
        new_volume: dict[str, Any],
    ) -> Generator[Any, Any, None]:
        """Swap the attached `old_volume` for `new_volume` (the gates first, then a generator;
        `fakecloud.nova.volume_attach`)."""
        from fakecloud.nova import volume_attach

        return volume_attach.swap(self, context, instance, old_volume, new_volume)

    # -- diagnostics ---------------------------------------------------------------------------

    @check_instance_host
    def get_diagnostics(self, context: Any, instance: Instance) -> Generator[Any, Any, dict]:
        """The host's legacy diagnostics of the guest (an RPC call)."""
        return self.compute_rpcapi.call(context, instance, "get_diagnostics")

    @check_instance_host
    def get_instance_diagnostics(
        self, context: Any, instance: Instance
    ) -> Generator[Any, Any, dict]:
        """The host's standard diagnostics of the guest (an RPC call)."""
        return self.compute_rpcapi.call(context, instance, "get_instance_diagnostics")

    # -- boot ----------------------------------------------------------------------------------

    def create(
        self,
        context: Any,
        flavor: Any,
        image_href: str | None,
        name: str,
        block_device_mapping: list[dict[str, Any]],
        legacy_bdm: bool = True,
        min_count: int = 1,
        max_count: int = 1,
        supports_multiattach: bool = False,
        **options: Any,
    ) -> Generator[Any, Any, list[Instance]]:
        """``_create_instance``: read the boot image (or the root mapping's), merge and check
        the block device mappings (`block_device_mapping`: ``BlockDeviceDict`` dicts of
        `fakecloud.nova.bdm_request`), check the metadata quota, the image against the
        flavor and the instances quota (how many of `min_count`..`max_count`), then per server
        ``_validate_bdm`` (which reserves existing volumes), store it (``building``/
        ``scheduling``, with the request's ``tags``, 2.52) and hand it to the conductor,
        which records ``create``; the servers."""
        image_meta: dict[str, Any] | None = None
        if image_href:
            try:
                image_meta = yield from self.image_api.get(context, image_href)
            except exception.ImageNotFound:
                raise exception.ImageNotFound(image_id=image_href) from None
            if image_meta.get("status") != "active":
                raise exception.ImageNotActive(image_id=image_href)
            boot_meta: dict[str, Any] | None = image_meta
        else:
            trusted_certs.check_boot_from_volume(
                self.config, options.get("trusted_certs"), self.kernel.switches.release.version
            )
            boot_meta = yield from self._bdm_image_metadata(
                context, block_device_mapping, legacy_bdm
            )
        disk_config.check_image(boot_meta, _asked(options))
        for group in options.get("security_groups") or ():
            # ``_check_requested_secgroups``: each named group but ``default`` is looked up
            # in Neutron by name or id in the caller's project (``find_resourceid_by_name_or_
            # id``), and a project has only its ``default`` here (its id as os-security-groups
            # shows it: the port gets that group, shown by name): neutronclient's NotFound,
            # as Nova's 400
            if not network.is_default_group(context.project_id, group):
                raise exception.SecurityGroupNotFound(
                    f"Unable to find security_group with name or id '{group}'"
                )
        key_name = options.get("key_name")
        if key_name is not None:  # ``_validate_and_build_base_options``: the caller's own
            self._key_pair(context, key_name)
        network.check_requested(options.get("networks"))  # ``_check_requested_networks``
        # ``_get_image_meta_obj`` and ``numa_get_constraints``: the flavor's CPU policies with
        # the boot image's (a root volume's image metadata too)
        cpu_policy.checked(flavor, self.kernel.switches, boot_meta)
        # Nova merges the mappings of the boot's image metadata: also those of the image a
        # root ``source=image`` mapping names (LP #1381598: a volume-backed snapshot's image
        # then boots from its Cinder snapshot). A root volume's metadata (its
        # ``volume_image_metadata``, an "id"-less dict) is not read for mappings here.
        defining = image_meta if image_href else boot_meta if "id" in (boot_meta or {}) else None
        bdms = self._check_and_transform_bdm(
            image_href or "", defining, flavor, block_device_mapping, legacy_bdm, max_count
        )
        root = next((b for b in bdms if b.get("boot_index") == 0), None)
        self._check_metadata_properties_quota(context, options.get("metadata"))
        self._check_injected_file_quota(context, options.get("injected_files"))
        nonbootable.check(self.kernel.switches, image_href or None, boot_meta)
        _check_flavor_image(flavor, boot_meta, root)
        if boot_meta and (root is None or root.get("destination_type") != "volume"):
            zero_disk.check(self.nova, context, flavor)
        group = None
        if options.get("group") is not None:  # ``_get_requested_instance_group``
            group = server_groups.get(self.nova, str(options["group"]), context)
        where = options.get("destination")
        # ``_provision_instances``' ``_validate_host_or_node`` (2.74), before the quota
        if (
            where is not None
            and not where.forced
            and not destination.compute_node_exists(self.nova, where.host, where.node)
        ):
            raise exception.ComputeHostNotFound(host=where.host or where.node)
        count = self.check_num_instances_quota(context, flavor, min_count, max_count)
        is_bfv = root is not None and root.get("destination_type") == "volume"
        count = placement_limit.enforce_num_instances_and_flavor(
            self.nova, context.project_id, flavor, is_bfv, min_count, count
        )
        if group is not None:
            self._check_group_members_quota(context, group, count)
        volumes = None
        if self.kernel.switches.bdm_volumes_read_first:
            volumes = {}
            for bdm in bdms:
                if bdm.get("volume_id"):
                    volumes[bdm["volume_id"]] = yield from self.volume_api.get(
                        context, bdm["volume_id"]
                    )
        sysmeta = compute_utils.get_system_metadata_from_image(boot_meta or {}, flavor)
        # ``_populate_instance_for_create``: "In case we couldn't find any suitable base_image".
        sysmeta.setdefault("image_base_image_ref", image_href or "")
        sysmeta["owner_user_name"] = getattr(context, "user_name", "") or context.user_id
        sysmeta["owner_project_name"] = getattr(context, "project_name", "") or str(
            context.project_id
        )
        sysmeta["boot_roles"] = sys.intern(",".join(context.roles))  # a server keeps it
        instances: list[Instance] = []
        for index in range(count):
            uuid = self.kernel.ids.uuid()
            specs = [dict(b) for b in bdms]
            yield from self._validate_bdm(
                context, uuid, image_href, flavor, specs, volumes, supports_multiattach,
                None if image_href else (boot_meta or {}).get("id"),
            )  # fmt: skip
            if context.project_id is None:
                raise compute_utils.BuildRequestProjectMissing("Field `project_id' cannot be None")
            display_name = name if count == 1 else f"{name}-{index + 1}"
            switches = self.kernel.switches
            hostname = options.get("hostname") or hostnames.for_server(
                name, uuid, count, index,
                switches.hostname_periods_dashed, switches.hostname_index_after,
            )  # fmt: skip
            if group is not None:  # ``InstanceGroup.add_members``, before the build is cast
                server_groups.add_member(self.nova, group, uuid)
            instances.append(
                self._store_and_build(
                    context, uuid, flavor, image_href, display_name, hostname, dict(sysmeta),
                    specs, boot_meta, index, options, instances,
                )
            )  # fmt: skip
        return instances

    def _check_group_members_quota(self, context: Any, group: Any, count: int) -> None:
        """``_provision_instances``' ``server_group_members`` check (each new member counted
        against the caller's live members of `group`): `OverQuota` 'Quota exceeded, too many
        servers in group' (403), before any of the request's servers is stored."""
        local_limit.enforce_group_members(self.nova, group, count)
        if not quota.legacy_checks(self.nova):
            return
        # a per-user count: the lower of the project's and the caller's own limit
        project, user = context.project_id, context.user_id
        limit = min(
            quota.project_limits(self.nova, project)["server_group_members"],
            quota.user_limits(self.nova, project, user)["server_group_members"],
        )
        used = server_groups.members_of_user(self.nova, group, context.user_id)
        if limit >= 0 and used + count > limit:
            raise exception.OverQuota("Quota exceeded, too many servers in group")

    def _store_and_build(
        self,
        context: Any,
        uuid: str,
        flavor: Any,
        image_href: str | None,
        name: str,
        hostname: str,
        sysmeta: dict[str, Any],
        bdms: list[dict[str, Any]],
        boot_meta: dict[str, Any] | None,
        index: int,
        options: dict[str, Any],
        instances: list[Instance],
    ) -> Instance:
        """The build request of one server: its row, its mappings and the conductor's
        ``schedule_and_build_instances``, which records the ``create`` action (`instances`:
        the request's servers stored so far)."""
        inst = Instance.new(
            uuid=uuid,
            display_name=name,
            display_description=options.get("description"),
            project_id=context.project_id,
            user_id=context.user_id,
            vm_state=states.BUILDING,
            task_state=states.SCHEDULING,
            # Nova keeps the request's imageRef (``base_options``), even when the image's own
            # mappings make the server volume-backed (a volume-backed snapshot image).
            image_ref=image_href or "",
            flavor=flavor,
            root_device_name="/dev/vda",
            system_metadata=sysmeta,
            metadata=dict(options.get("metadata") or {}),
            key_name=options.get("key_name"),
            availability_zone=options.get("availability_zone"),
            # ``_create_instance``: one reservation id for the whole request.
            reservation_id=(
                instances[0].reservation_id if instances else "r-" + self.kernel.ids.hex(4)
            ),
            hostname=hostname,
            config_drive=_config_drive(options.get("config_drive")),
            user_data=options.get("user_data"),
            access_ip_v4=options.get("access_ip_v4"),
            access_ip_v6=options.get("access_ip_v6"),
            auto_disk_config=disk_config.inherited(boot_meta, _asked(options)),
            launch_index=index,
            # the build request's TagList (2.52), as the request gave it: the conductor stores
            # it in the server's cell (none: the shared empty default)
            **({"tags": list(options["tags"])} if options.get("tags") else {}),
        )
        instance = self.db.instance_create(inst, API_ACTOR)
        certs = trusted_certs.for_instance(
            self.config, options.get("trusted_certs"), self.kernel.switches.release.version
        )
        if certs:
            self.db.set_trusted_certs(uuid, certs)
        if network.wanted(options.get("networks")):
            self.db.network_request(uuid)
        for spec in bdms:
            fields = _bdm_fields(spec)
            # A ``no_device`` mapping has neither (it only hides an image's device).
            fields.setdefault("source_type", None)
            fields.setdefault("destination_type", None)
            self.db.bdm_create(BlockDeviceMapping(instance_uuid=uuid, **fields))
        self.kernel.spawn(
            self.nova.conductor.schedule_and_build_instances(
                context, instance, boot_meta, options.get("destination")
            ),
            name=f"nova-conductor build {uuid}",
        )
        return instance

    def update_instance(self, context: Any, instance: Instance, updates: dict[str, Any]) -> None:
        """``update_instance``: set the fields and save (no lock or state check). Every field
        given is written, one set to the value it had too, and with them the row's
        ``updated_at``: ``instance.update`` marks each field it sets as changed (oslo.
        versionedobjects' setter), so ``Instance.save`` sends an UPDATE, whose ``onupdate``
        stamps the time; no field, no UPDATE (nova 17.0.13-34.0.0 ``objects/instance.py``)."""
        for field, value in updates.items():
            setattr(instance, field, value)
        instance.save()

    # -- server metadata ---------------------------------------------------------------------

    @check_instance_lock
    @check_instance_state(vm_state=METADATA_STATES, task_state=(None,))
    def update_instance_metadata(
        self, context: Any, instance: Instance, metadata: dict[str, str], delete: bool = False
    ) -> dict[str, str]:
        """``update_instance_metadata``: merge `metadata` into the server's (replace it with
        `delete`), check ``metadata_items`` on the result, save; the new metadata."""
        merged = dict(metadata) if delete else {**instance.metadata, **metadata}
        self._check_metadata_properties_quota(context, merged)
        instance.metadata = merged
        instance.save()
        return merged

    @check_instance_lock
    @check_instance_state(vm_state=METADATA_STATES, task_state=(None,))
    def delete_instance_metadata(self, context: Any, instance: Instance, key: str) -> None:
        """``delete_instance_metadata``: drop one key and save."""
        instance.metadata = {k: v for k, v in instance.metadata.items() if k != key}
        instance.save()

    def _check_metadata_properties_quota(self, context: Any, metadata: Any) -> None:
        """``_check_metadata_properties_quota``: the project's ``metadata_items`` limit on a
        new server's metadata (in ``_checks_for_create_and_rebuild``, after the BDMs are
        merged)."""
        if not metadata:
            return
        local_limit.enforce_api_limit(self.nova, local_limit.SERVER_METADATA_ITEMS, len(metadata))
        if not quota.legacy_checks(self.nova):
            return
        allowed = quota.limit(self.config, self.db, context.project_id, "metadata_items")
        if 0 <= allowed < len(metadata):
            raise exception.MetadataLimitExceeded(allowed=allowed)

    def _check_injected_file_quota(self, context: Any, injected_files: Any) -> None:
        """``_check_injected_file_quota`` (``_checks_for_create_and_rebuild``, after the
        metadata quota): the number of personality files against ``injected_files``
        (`OnsetFileLimitExceeded`), then the longest path and contents (the base64 text as
        sent) against ``injected_file_path_bytes`` and ``injected_file_content_bytes``, the
        path's refusal first. ``limit_check`` holds the caller to the project's limits and
        its own (`quota.user_limits`); the refusal names the project's."""
        if not injected_files:
            return
        if not quota.legacy_checks(self.nova):
            self._check_injected_file_limits(injected_files)
            return
        project, user = context.project_id, context.user_id
        limits = quota.project_limits(self.nova, project)
        own = quota.user_limits(self.nova, project, user)

        def overs(values: dict[str, int]) -> list[str]:
            return [
                key
                for key, value in values.items()
                if 0 <= limits[key] < value or 0 <= own[key] < value
            ]

        if overs({"injected_files": len(injected_files)}):
            raise exception.OnsetFileLimitExceeded()
        sizes = {
            "injected_file_path_bytes": max(len(path) for path, _ in injected_files),
            "injected_file_content_bytes": max(len(content) for _, content in injected_files),
        }
        over = overs(sizes)
        if "injected_file_path_bytes" in over:
            raise exception.OnsetFilePathLimitExceeded(allowed=limits["injected_file_path_bytes"])
        if over:
            raise exception.OnsetFileContentLimitExceeded(
                allowed=limits["injected_file_content_bytes"]
            )

    def _check_injected_file_limits(self, injected_files: Any) -> None:
        """The unified limits' part of ``_check_injected_file_quota``: the number of files,
        then the longest path, then the longest contents (`local_limit.enforce_api_limit`)."""
        nova = self.nova
        local_limit.enforce_api_limit(nova, local_limit.INJECTED_FILES, len(injected_files))
        max_path = max(len(path) for path, _ in injected_files)
        max_content = max(len(content) for _, content in injected_files)
        local_limit.enforce_api_limit(nova, local_limit.INJECTED_FILES_PATH, max_path)
        local_limit.enforce_api_limit(nova, local_limit.INJECTED_FILES_CONTENT, max_content)

    def check_num_instances_quota(
        self,
        context: Any,
        flavor: Any,
        min_count: int,
        max_count: int,
        project_id: str | None = None,
        user_id: str | None = None,
    ) -> int:
        """``compute/utils.py::check_num_instances_quota``: how many of `min_count` to
        `max_count` servers of `flavor` the project's instances, cores and ram quotas allow, all
        checked at once before any is made: `max_count` if they fit, else as many as fit if
        that is at least `min_count`, else 403 ``TooManyInstances`` (nothing is made). A user
        with limits of its own among the three is held to them too (`quota.check_counted`);
        before switch ``boot_quota_user_scoped`` a create names no user and the project's
        count meets the lower of the project's and the caller's limits.
        `project_id`, `user_id`: the ones counted (default the caller's; a restore counts the
        server's, ``quotas_obj.ids_from_instance``)."""
        if not quota.legacy_checks(self.nova):
            return max_count
        if project_id is None:
            project_id = context.project_id
        lower_of = None
        if user_id is None and not self.kernel.switches.boot_quota_user_scoped:
            lower_of = context.user_id
        else:
            if user_id is None:
                user_id = context.user_id
            own = self.db.quota_user(project_id, user_id)
            if not any(r in own for r in ("instances", "cores", "ram")):
                user_id = None
        deltas = {"instances": max_count, "cores": max_count * flavor.vcpus}
        deltas["ram"] = max_count * flavor.memory_mb
        overs, quotas, usages = quota.check_counted(
            self.nova, project_id, user_id, deltas, lower_of
        )
        if not overs:
            return max_count
        headroom = {r: quotas[r] - usages[r] for r in quotas}
        for resource in ("cores", "ram"):  # ``get_headroom``: an unlimited one follows instances
            if quotas[resource] == -1:
                headroom[resource] = headroom["instances"] * deltas[resource] / max_count
        allowed = headroom["instances"]
        if flavor.vcpus:
            allowed = min(allowed, headroom["cores"] // flavor.vcpus)
        if flavor.memory_mb:
            allowed = min(allowed, headroom["ram"] // flavor.memory_mb)
        if min_count <= allowed <= max_count:
            if allowed == max_count:
                # the retry would ask the same again (before over_quota_usage_scope: a user's
                # usage under the project's limits): Nova recurses until Python stops it
                raise compute_utils.QuotaRetryRecursion("maximum recursion depth exceeded")
            return self.check_num_instances_quota(
                context, flavor, min_count, int(allowed), project_id, user_id
            )
        number = str(min_count) if min_count == max_count else f"{min_count}-{max_count}"
        requested = {"instances": number, "cores": deltas["cores"], "ram": deltas["ram"]}
        raise exception.TooManyInstances(
            overs=", ".join(overs),
            req=", ".join(str(requested[r]) for r in overs),
            used=", ".join(str(quotas[r] - headroom[r]) for r in overs),
            allowed=", ".join(str(quotas[r]) for r in overs),
        )

    def _bdm_image_metadata(
        self, context: Any, bdms: list[dict[str, Any]], legacy_bdm: bool
    ) -> Generator[Any, Any, dict[str, Any]]:
        """``block_device.get_bdm_image_metadata`` (``API._get_bdm_image_metadata`` before
        21.0.0): a boot without an image takes the root mapping's image metadata: its image's,
        or its volume's (a snapshot's originating volume's), which must be bootable. A missing
        snapshot is Cinder's own `SnapshotNotFound`, read before any other check."""
        for bdm in bdms:
            if legacy_bdm:
                if bdm_request.device_letter(bdm.get("device_name", "")) != "a":
                    continue
            elif bdm.get("boot_index") != 0:
                continue
            volume_id = bdm.get("volume_id")
            if bdm.get("snapshot_id"):
                snapshot = yield from self.volume_api.get_snapshot(
                    context, _source_id("snapshot_id", bdm["snapshot_id"]), for_boot=True
                )
                volume_id = snapshot["volume_id"]
            if bdm.get("image_id"):
                try:
                    image_id = _source_id("image_id", bdm["image_id"])
                    return (yield from self.image_api.get(context, image_id))
                except Exception:  # noqa: BLE001 - Nova: any failure is InvalidBDMImage
                    raise exception.InvalidBDMImage(id=bdm["image_id"]) from None
            if volume_id:
                try:
                    volume = yield from self.volume_api.get(context, volume_id, for_boot=True)
                except exception.CinderConnectionFailed:
                    raise
                except Exception:  # noqa: BLE001 - Nova: any failure is InvalidBDMVolume
                    raise exception.InvalidBDMVolume(id=volume_id) from None
                return _bootable_volume_meta(volume)
        return {}

    def _check_and_transform_bdm(
        self,
        image_ref: str,
        image_meta: dict[str, Any] | None,
        flavor: Any,
        bdms: list[dict[str, Any]],
        legacy_bdm: bool,
        max_count: int,
    ) -> list[dict[str, Any]]:
        """``_check_and_transform_bdm``: a volume may not take the root's device name of an
        image boot; legacy mappings converted (the root device is ``vda``); the image's own
        mappings (a volume-backed snapshot image's) merged under the request's: when they
        have the root, the request's image root is dropped ("client will insert an image
        mapping into the v2 block_device_mapping, but if there is a bootable device in image
        mappings - we need to get rid of the inserted image", as the ``openstack`` CLI always
        sends one), then ``_merge_bdms_lists`` keeps the image's whose device name the request
        does not use; no existing volume for several servers; the flavor's ephemeral and swap
        disks added unless asked for."""
        root_name = "vda"
        if image_ref:
            for bdm in bdms:
                if (
                    bdm.get("destination_type") == "volume"
                    and bdm_request.strip_dev(bdm.get("device_name")) == root_name
                ):
                    raise exception.InvalidRequest(
                        "The volume cannot be assigned the same device name as the root "
                        f"device {root_name}"
                    )
        image_bdms = _image_defined_bdms(image_meta or {})
        root_in_image = any(b.get("boot_index") == 0 for b in image_bdms)
        if legacy_bdm:
            bdms = bdm_request.from_legacy_mapping(bdms, image_ref, root_name, root_in_image)
        elif root_in_image:
            bdms = [b for b in bdms if not _is_image_root(b)]
        taken = {b.get("device_name") for b in bdms if b.get("device_name")}
        bdms = bdms + [b for b in image_bdms if b.get("device_name") not in taken]
        if max_count > 1 and any(b.get("source_type") == "volume" for b in bdms):
            raise exception.InvalidRequest(
                "Cannot attach one or more volumes to multiple instances"
            )
        out = []
        for bdm in bdms:
            bdm = {k: v for k, v in bdm.items() if v is not None or k == "boot_index"}
            # The BlockDeviceMapping object's IntegerFields coerce what ``_validate`` left as
            # given (a ``no_device`` mapping is not validated: its ``"0"`` stays a string).
            for key in ("boot_index", "volume_size"):
                if bdm.get(key) is not None:
                    bdm[key] = int(bdm[key])
            if bdm.get("boot_index") is not None and bdm["boot_index"] < 0:
                bdm["boot_index"] = None
            for key in ("image_id", "snapshot_id"):
                if bdm.get(key) is not None:
                    bdm[key] = _source_id(key, bdm[key])
            source = bdm.get("source_type")
            if bdm.get("destination_type") is None and source is not None:
                bdm["destination_type"] = "local" if source in ("image", "blank") else "volume"
            if source == "blank" and bdm.get("destination_type") == "local":
                bdm.setdefault("guest_format", None)
            out.append(bdm)
        return out + _flavor_defined_bdms(flavor, out)

    def _validate_bdm(
        self,
        context: Any,
        instance_uuid: str,
        image_ref: str | None,
        flavor: Any,
        bdms: list[dict[str, Any]],
        volumes: dict[str, Any] | None,
        supports_multiattach: bool,
        root_image_id: str | None = None,
    ) -> Generator[Any, Any, None]:
        """``_validate_bdm`` for one server: the boot sequence, the volume types asked for
        (2.67, from 19.0.0), every image, volume (read and reserved: ``attachment_create``)
        and snapshot, the sizes of new volumes, the disk buses (`bdm_disk_bus_check`), then
        the local disks against the flavor. `volumes`: the volumes already read (21.0.0+).
        `root_image_id`: the image of a root mapping ``get_bdm_image_metadata`` has just read,
        not read again (Nova reads it twice: a known difference, one Glance call less)."""
        _check_boot_sequence(bdms)
        sw = self.kernel.switches
        volume_types = None
        for bdm in bdms:
            # The check came with 2.67's volume_type (19.0.0, 686dbc3640); before, a type an
            # image's own mappings carry (19.0.0+) goes to Cinder unchecked.
            if bdm.get("volume_type") and Version.parse(sw.max_microversion) >= "2.67":
                if volume_types is None:
                    volume_types = yield from self.volume_api.get_all_volume_types(context)
                wanted = bdm["volume_type"]
                found = next((t for t in volume_types if wanted in (t["id"], t["name"])), None)
                if found is None:
                    raise exception.VolumeTypeNotFound(id_or_name=wanted)
                bdm["volume_type"] = found["name"]
            image_id = bdm.get("image_id")
            if image_id is not None and (sw.bdm_image_size_same_ref or image_id != image_ref):
                if image_id != image_ref and image_id != root_image_id:
                    try:
                        yield from self.image_api.get(context, image_id)
                    except Exception:  # noqa: BLE001 - Nova: any failure is InvalidBDMImage
                        raise exception.InvalidBDMImage(id=image_id) from None
                if (
                    bdm.get("source_type") == "image"
                    and bdm.get("destination_type") == "volume"
                    and not bdm.get("volume_size")
                ):
                    raise exception.InvalidBDM(
                        message="Images with destination_type 'volume' need to have a non-zero "
                        "size specified"
                    )
            elif bdm.get("volume_id") is not None:
                yield from self._reserve_volume(
                    context, instance_uuid, bdm, volumes, supports_multiattach
                )
            elif bdm.get("snapshot_id") is not None:
                try:
                    snap = yield from self.volume_api.get_snapshot(
                        context, bdm["snapshot_id"], for_boot=True
                    )
                except exception.CinderConnectionFailed:
                    raise
                except Exception:  # noqa: BLE001 - Nova: any failure is InvalidBDMSnapshot
                    raise exception.InvalidBDMSnapshot(id=bdm["snapshot_id"]) from None
                if bdm.get("volume_size") is None:
                    bdm["volume_size"] = snap.get("volume_size") or snap.get("size")
            elif (
                bdm.get("source_type") == "blank"
                and bdm.get("destination_type") == "volume"
                and not bdm.get("volume_size")
            ):
                raise exception.InvalidBDM(
                    message="Blank volumes (source: 'blank', dest: 'volume') need to have "
                    "non-zero size"
                )
            disk_bus = bdm.get("disk_bus")
            if sw.bdm_disk_bus_check and disk_bus and disk_bus not in bdm_request.DISK_BUSES:
                raise exception.InvalidBDMDiskBus(disk_bus=disk_bus)
        bdm_request.check_local_devices(bdms, flavor)

    def _reserve_volume(
        self,
        context: Any,
        instance_uuid: str,
        bdm: dict[str, Any],
        volumes: dict[str, Any] | None,
        supports_multiattach: bool,
    ) -> Generator[Any, Any, None]:
        """``_validate_bdm``'s existing volume: read (or taken from `volumes`, read earlier),
        refused if multiattach before 2.60, reserved with a Cinder attachment. Cinder's 400
        is `InvalidVolume` with its text; any other failure `InvalidBDMVolume`."""
        volume_id = bdm["volume_id"]
        try:
            if volumes is not None:
                volume = volumes[volume_id]
            else:
                volume = yield from self.volume_api.get(context, volume_id)
            if volume.get("multiattach") and not supports_multiattach:
                raise exception.MultiattachNotSupportedOldMicroversion()
            attachment = yield from self.volume_api.attachment_create(
                context, volume_id, instance_uuid
            )
            bdm["attachment_id"] = attachment["id"]
            bdm["volume_size"] = volume.get("size")
        except (
            exception.CinderConnectionFailed,
            exception.InvalidVolume,
            exception.MultiattachNotSupportedOldMicroversion,
        ):
            raise
        except exception.InvalidInput as exc:
            raise exception.InvalidVolume(reason=exc.format_message()) from None
        except Exception:  # noqa: BLE001 - Nova: any other failure is InvalidBDMVolume
            raise exception.InvalidBDMVolume(id=volume_id) from None


def _image_defined_bdms(image_meta: dict[str, Any]) -> list[dict[str, Any]]:
    """``_get_image_defined_bdms``: a v2 image's own mappings (``bdm_v2`` and
    ``block_device_mapping`` properties, a volume-backed snapshot's), unset fields left out.
    Legacy image mappings and ``mappings`` are not modelled."""
    props = image_meta.get("properties") or {}
    raw = props.get("block_device_mapping")
    if not raw or str(props.get("bdm_v2", "")).lower() not in ("true", "1", "yes"):
        return []
    image_bdms = json.loads(raw) if isinstance(raw, str) else list(raw)
    return [{k: v for k, v in bdm.items() if v is not None} for bdm in image_bdms]


def _flavor_defined_bdms(flavor: Any, bdms: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``_get_flavor_defined_bdms``: the flavor's ephemeral and swap disks, unless the
    request has its own."""
    out = []
    if flavor.ephemeral_gb and not any(bdm_request.is_local_ephemeral(b) for b in bdms):
        out.append(_blank_bdm(flavor.ephemeral_gb, None))
    if flavor.swap and not any(bdm_request.is_swap(b) for b in bdms):
        out.append(_blank_bdm(flavor.swap, "swap"))
    return out


def _blank_bdm(size: int, guest_format: str | None) -> dict[str, Any]:
    """``block_device.create_blank_bdm``."""
    return {
        "source_type": "blank",
        "delete_on_termination": True,
        "device_type": "disk",
        "boot_index": None,
        "destination_type": "local",
        "guest_format": guest_format,
        "volume_size": size,
    }


def _check_flavor_image(flavor: Any, image: dict[str, Any] | None, root: Any) -> None:
    """``_validate_flavor_image`` (``_checks_for_create_and_rebuild``): the boot image must be
    active, its ``min_ram`` within the flavor; a volume root of a known size must hold the
    image's ``min_disk``, a local root must hold the image and its ``min_disk`` (a flavor
    with no root disk takes any)."""
    if not image:
        return
    if image.get("status") != "active":
        raise exception.ImageNotActive(image_id=image.get("id"))
    if flavor.memory_mb < int(image.get("min_ram") or 0):
        raise exception.FlavorMemoryTooSmall()
    if root is not None and root.get("destination_type") == "volume":
        size = root.get("volume_size")
        min_disk = int(image.get("min_disk") or 0) * GiB
        if size is not None and min_disk > int(size) * GiB:
            raise exception.VolumeSmallerThanMinDisk(
                volume_size=int(size) * GiB, image_min_disk=min_disk
            )
        return
    _check_root_disk(flavor, image)


#: What a rebuild may change that `Instance.save` does not compare.
def _asked(options: dict[str, Any]) -> bool | None:
    """A create's ``OS-DCF:diskConfig`` as ``auto_disk_config`` (None when not given)."""
    asked = options.get("disk_config")
    return None if asked is None else asked == "AUTO"


_REBUILD_FIXED = (
    "key_name",
    "hostname",
    "user_data",
    "access_ip_v4",
    "access_ip_v6",
    "auto_disk_config",
)

#: ``block_device.VIM_IMAGE_ATTRIBUTES``: Cinder's copies of the image's own fields.
VIM_IMAGE_ATTRIBUTES = (
    "image_id",
    "image_name",
    "size",
    "checksum",
    "container_format",
    "disk_format",
    "min_ram",
    "min_disk",
)


def _is_image_root(bdm: dict[str, Any]) -> bool:
    return bdm.get("boot_index") == 0 and bdm.get("source_type") == "image"


def _check_boot_sequence(bdms: list[dict[str, Any]]) -> None:
    """``_validate_bdm``: the boot indexes in use must be 0, 1, 2... with no gap and no
    repeat (two roots, the request's and an image's, are refused), or 400
    ``InvalidBDMBootSequence``."""
    indexes = sorted(
        b["boot_index"] for b in bdms if b.get("boot_index") is not None and b["boot_index"] >= 0
    )
    if not indexes or any(i != v for i, v in enumerate(indexes)):
        raise exception.InvalidBDMBootSequence()


def _bootable_volume_meta(volume: dict[str, Any]) -> dict[str, Any]:
    """The image metadata of a root volume, which must be bootable (400 otherwise)."""
    if not volume.get("bootable", True):
        raise exception.InvalidBDMVolumeNotBootable(id=volume["id"])
    return _volume_image_meta(volume)


def _volume_image_meta(volume: dict[str, Any]) -> dict[str, Any]:
    """``block_device.get_image_metadata_from_volume``: a root volume's image metadata — its
    ``volume_image_metadata`` as properties, minus the image's own fields (only ``min_ram``
    and ``min_disk`` are kept, as integers), the volume's size in bytes, status active."""
    properties = dict(volume.get("volume_image_metadata") or {})
    meta: dict[str, Any] = {"properties": properties, "size": (volume.get("size") or 0) * GiB}
    for attr in VIM_IMAGE_ATTRIBUTES:
        value = properties.pop(attr, None)
        if attr in ("min_ram", "min_disk"):
            meta[attr] = int(value or 0)
    meta["status"] = "active"
    return meta


def _bdm_fields(spec: dict[str, Any]) -> dict[str, Any]:
    allowed = BlockDeviceMapping.__dataclass_fields__
    return {k: v for k, v in spec.items() if k in allowed and k not in _DB_ONLY}


#: Mapping fields the database fills in, never taken from a request or an image.
_DB_ONLY = ("instance_uuid", "id", "uuid")


def _config_drive(value: Any) -> str:
    """``_check_config_drive`` (17.0.13-34.0.0): a true value (the schema's booleans) is
    ``True``, which the Instance object's string field keeps as ``"True"``; else ``""``."""
    if value is True or (value.__class__ is str and value.lower() in ("true", "1", "on", "yes")):
        return "True"
    return ""


def _source_id(key: str, ref: Any) -> Any:
    """A requested mapping's source id, interned when it names an image or a snapshot: many
    servers boot from one, and each request's decoded body brings its own copy of the id,
    which the mapping and the trace's events of its checks would keep for good."""
    return sys.intern(ref) if key != "volume_id" and ref.__class__ is str else ref
