"""Nova's database, in memory: servers, block device mappings, actions and faults.

`NovaDB.instance_save` is Nova's ``instance_update_and_get_original`` with its
compare-and-swap: the expected task_state (and vm_state) is checked against the **row**, not
against the caller's copy, and only the fields the caller set (or changed in place) are
written. That is what makes the snapshot races of the spec real: two requests that both passed
the API's state check meet here, and the second gets `UnexpectedTaskStateError`.

Every change of vm_state, task_state or power_state goes through its `StateMachine`, traced
with the actor that made it (``nova-api``, ``nova-compute:cmp-1``).

Live rows are also indexed by host and counted per project (instances, cores, ram), updated
here where rows are created, moved and destroyed, so quota checks and scheduling do not scan
every server of the cloud.
"""

from __future__ import annotations

import heapq
import sys
from collections.abc import Callable, Collection, Mapping
from types import MappingProxyType
from typing import Any

from fakecloud.nova import exception, inventories, network, states
from fakecloud.nova.compute.utils import TRACEBACK_HEADER, format_tb
from fakecloud.nova.objects import (
    BlockDeviceMapping,
    Instance,
    InstanceAction,
    InstanceActionEvent,
    InstanceFault,
    KeyPair,
    Migration,
    snapshot_saved,
)
from fakecloud.sim.ids import uuid4_text
from fakecloud.sim.states import MOVED
from fakecloud.sim.trace import Site, form, site

# The forms of the instance actions' events (`Trace.put`).
_ACTION = form("nova.action", "action", "request_id")
_EVENT_START = form("nova.event", "event", "phase")
_EVENT_FINISH = form("nova.event", "event", "phase", "result")
#: Event -> the sites (`Trace.write_at`) of its start and of its successful finish. (An
#: action's start stays a general write: its request id is a new text value each time, which
#: a family holds as a constant for its first 16, and a site meeting such a plan costs more.)
_EVENT_SITES: dict[str, tuple[Site, Site]] = {}


def _event_sites(event: str) -> tuple[Site, Site]:
    found = _EVENT_SITES[event] = (
        site(_EVENT_START, event=event, phase="start"),
        site(_EVENT_FINISH, event=event, phase="finish", result="Success"),
    )
    return found


#: A row's and a copy's writes that no save reads as assignments: a row keeps no marks, and
#: ``_synced`` is no column (`Instance.__setattr__` would set the slot and return), so they
#: are plain slot writes, without that Python setter's call (some 37 a boot, snapshot and
#: delete).
_write = object.__setattr__

#: What `NovaDB.quota_overrides` answers for a project without limits of its own.
_NO_QUOTAS: Mapping[str, int] = MappingProxyType({})
#: What a host no allocation was ever counted against uses (`NovaDB.placement_use`).
_NO_USE = (0, 0, 0)

_MACHINES = {
    "vm_state": states.VM_STATE,
    "task_state": states.TASK_STATE,
    "power_state": states.POWER_STATE,
}


class NovaDB:
    """The rows of one cloud's Nova (one cell)."""

    instances: dict[str, Instance]
    bdms: dict[str, list[BlockDeviceMapping]]
    actions: dict[str, list[InstanceAction]]
    faults: dict[str, list[InstanceFault]]
    _by_host: dict[str, dict[str, Instance]]
    _load_heap: list[tuple[int, str]]
    _heap_hosts: set[str]
    _order: dict[str, int]
    _usage: dict[str, list[int]]
    #: Placement's usage by host, a memo (`placement_use`): None until the scheduler first
    #: asks; then host -> (VCPU, MEMORY_MB, DISK_GB), uuid -> (its host, what its allocation
    #: holds), kept up as rows are placed, and `inventories.root_free`. Not saved
    #: (`fakecloud.state.kinds.TRANSIENT`): a fork or a loaded cloud derives it again from its
    #: rows.
    _placement: tuple[dict[str, tuple], dict[str, tuple[str, tuple]], bool] | None = None
    #: ``notifications.send_update`` of every saved change, set by `Nova` when
    #: ``notify_on_state_change`` asks for it: ``(actor, row, old vm_state, old task_state,
    #: old display_name)``.
    notify_update: Callable[..., None] | None = None

    def __init__(self, kernel: Any):
        self.kernel = kernel
        self.instances = {}
        self.bdms = {}
        self.actions = {}
        self.faults = {}
        self._bdm_seq = 0
        self._action_seq = 0
        #: host -> {uuid: row} of the live rows on it (claimed or only scheduled there).
        self._by_host = {}
        #: (load, host) entries, pushed at every change of a host's load; an entry whose load
        #: is no longer the host's is stale and dropped when it surfaces (see `least_loaded`).
        self._load_heap = []
        self._heap_hosts = set()
        #: uuid -> creation rank (the DB's id order).
        self._order = {}
        #: project id -> [instances, cores, ram] of its live rows.
        self._usage = {}

    # -- instances ---------------------------------------------------------------------------

    def instance_create(self, inst: Instance, actor: str) -> Instance:
        """Store a new row and return a working copy of it."""
        _write(inst, "_db", self)  # (a new row: no snapshot, so no marks, see `_write`)
        _write(inst, "_synced", 1)
        # ``TimestampMixin``: created_at's default; updated_at is stamped by an UPDATE only
        _write(inst, "created_at", self.kernel.now)
        _write(inst, "updated_at", None)
        self._order[inst.uuid] = len(self.instances)
        self.instances[inst.uuid] = inst
        self._count(inst, 1)
        self._place(inst, inst.host)
        self.kernel.trace.write(
            MOVED, actor, inst.uuid, (states.VM_STATE.name, "vm_state", None, inst.vm_state)
        )
        return inst.clone(actor)

    def instance_get(self, uuid: str, actor: str, read_deleted: bool = False) -> Instance:
        """A working copy of the row; `InstanceNotFound` if it is missing or deleted."""
        row = self.instances.get(uuid)
        if row is None or (row.deleted and not read_deleted):
            raise exception.InstanceNotFound(instance_id=uuid)
        return row.clone(actor)

    def instance_number(self, uuid: str) -> int:
        """The row's autoincrement ``id`` in its cell's instances table (1 for the first
        server created there): the conductor creates a scheduled server in the cell and one
        the scheduler found no host for in cell0 (`in_cell0`), each database numbering its
        own, and none for a server deleted as a build request (`never_built`: 0, a row no
        query shows). nova 17.0.13-34.0.0 conductor/manager.py ``schedule_and_build_instances``,
        ``_bury_in_cell0``: ``instance.create()`` in the cell targeted."""
        rank = self._order[uuid]
        never, cell0 = self.never_built, self.in_cell0
        if never is None and cell0 is None:
            return rank + 1
        if never is not None and uuid in never:
            return 0
        order = self._order
        if cell0 is not None and uuid in cell0:
            return 1 + sum(order[other] < rank for other in cell0)
        elsewhere = (*(never or ()), *(cell0 or ()))
        return rank + 1 - sum(order[other] < rank for other in elsewhere)

    def instance_name(self, row: Instance) -> str:
        """``Instance.name``: ``instance-%08x`` of the row's database id in its cell
        (`instance_number`; ``[DEFAULT] instance_name_template``'s default), "" while it is a
        build request the conductor has not created in a cell yet (no id: building,
        scheduling, no action recorded; nova 17.0.13-34.0.0 objects/instance.py ``name``)."""
        if not self.in_a_cell(row):
            return ""
        return f"instance-{self.instance_number(row.uuid):08x}"

    def in_a_cell(self, row: Instance) -> bool:
        """Whether the conductor has created the server in a cell (its instance mapping names
        one): false while it is building, scheduling and without an action (the conductor
        starts ``create`` right after ``instance.create()``, nova 17.0.13-34.0.0
        conductor/manager.py ``schedule_and_build_instances``)."""
        return not (
            row.vm_state == states.BUILDING
            and row.task_state == states.SCHEDULING
            and row.uuid not in self.actions
        )

    def instance_row(self, uuid: str) -> Instance | None:
        """The row itself, for views and checks that only read (None if never created)."""
        return self.instances.get(uuid)

    def instance_save(
        self,
        inst: Instance,
        expected_task_state: Any = (),
        notify: bool = True,
    ) -> None:
        """Compare-and-swap, then write the fields `inst` set or changed and refresh `inst`
        from the row; nothing at all when it set and changed none (nova 17.0.13-34.0.0
        ``Instance.save``: ``if not updates: return``, before the database: no compare, no
        `InstanceNotFound`, no refresh).

        ``()`` means "no expectation"; a single value or a list gives the accepted states.
        The refresh copies every field only when someone else wrote the row since `inst` last
        synced with it (the row's version, counted at every write, tells); otherwise `inst`
        already holds what the row holds. The save is notified (`notify_update`) unless
        `notify` is false.
        """
        changes = inst.changes()
        if not changes:
            return
        row = self.instances.get(inst.uuid)
        if row is None or row.deleted:
            raise exception.InstanceNotFound(instance_id=inst.uuid)
        # (the state expected, the very object the row holds: met, without the list)
        if expected_task_state != () and row.task_state is not expected_task_state:
            accepted = _as_list(expected_task_state)
            if row.task_state not in accepted:
                props = {
                    "instance_uuid": inst.uuid,
                    "expected": {"task_state": accepted},
                    "actual": {"task_state": row.task_state},
                }
                if row.task_state == states.DELETING:
                    raise exception.UnexpectedDeletingTaskStateError(**props)
                raise exception.UnexpectedTaskStateError(**props)
        version = row._synced
        # The object is refreshed from the row its transaction read before the UPDATE, with
        # only the values sent merged in (oslo.db ``update_on_match``: ``manufacture_
        # persistent_object``, ``session.merge(load=False)``): its ``updated_at`` is the
        # row's before this save, unless the caller set one.
        read = row.updated_at
        hook = self.notify_update if notify else None
        if hook is not None:
            old = (row.vm_state, row.task_state, row.display_name)
        self._apply(row, changes, inst.actor)
        _write(row, "_synced", version + 1)
        if version and inst._synced == version:
            snapshot_saved(inst, row.system_metadata, row.metadata)  # inst.saved_to(row)
        else:
            inst.refresh_from(row)
        _write(inst, "updated_at", changes.get("updated_at", read))  # saved: no mark
        _write(inst, "_synced", version + 1)
        if hook is not None:
            hook(inst.actor, row, *old)

    def _apply(self, row: Instance, changes: dict[str, Any], actor: str) -> None:
        """Write `changes` to `row`, and the row's ``updated_at``: the UPDATE's ``onupdate``
        stamp (the Instance model's ``TimestampMixin``), or the time the caller set. A field
        holding its value already is written as it stands (no state move, no re-placing)."""
        kernel = self.kernel
        now = kernel.now
        for name, value in changes.items():
            if name == "updated_at":  # ``instance.updated_at = ...``: SQLAlchemy's onupdate
                now = value  # stamps only a column the UPDATE does not name
                continue
            held = getattr(row, name)
            if value == held:
                continue
            machine = _MACHINES.get(name)
            if machine is not None:
                if name == "vm_state" and states.SOFT_DELETED in (value, held):
                    self._soft_deleted_moved(row, value)
                    held = row.vm_state
                # a row keeps no marks: its writes are plain (`StateMachine.move_plain`)
                machine.move_plain(kernel, row, held, value, actor, name, row.uuid)
            elif name in ("system_metadata", "metadata"):
                _write(row, name, dict(value))
            else:
                self._set(row, name, value)
        _write(row, "updated_at", now)

    def _set(self, row: Instance, name: str, value: Any) -> None:
        if name == "host" and not row.deleted:
            self._unplace(row)
            self._place(row, value)
        elif name in ("system_metadata", "metadata"):
            value = dict(value)  # a row's dicts are never edited: copies share them
        _write(row, name, value)

    def instance_set_fixed(self, inst: Instance, **values: Any) -> None:
        """Write fields `Instance.save` does not compare (key_name, hostname, user_data, access
        IPs, auto_disk_config: set at create, changed only by a rebuild, and auto_disk_config by a
        resize or migration) to the row and `inst`."""
        row = self.instances.get(inst.uuid)
        if row is None or row.deleted:
            raise exception.InstanceNotFound(instance_id=inst.uuid)
        version = row._synced
        for name, value in values.items():
            setattr(row, name, value)
            object.__setattr__(inst, name, value)  # written: no mark for the next save
        row._synced = version + 1
        if version and inst._synced == version:
            inst._synced = version + 1

    def instance_force(
        self, uuid: str, actor: str, machines: dict[str, Any], notify: bool = False, **values: Any
    ) -> None:
        """Set fields through special tables (``os-resetState``, test set-up), with no CAS;
        notified (`notify_update`) with `notify`, as ``os-resetState``'s save is."""
        row = self.instances[uuid]
        hook = self.notify_update if notify else None
        if hook is not None:
            old = (row.vm_state, row.task_state, row.display_name)
        for name, value in values.items():
            table = machines.get(name) or _MACHINES.get(name)
            if name == "vm_state" and states.SOFT_DELETED in (value, row.vm_state):
                self._soft_deleted_moved(row, value)
            if table is not None:
                table.move(self.kernel, row, value, actor=actor, field=name, subject=uuid)
            else:
                self._set(row, name, value)
        row.updated_at = self.kernel.now
        row._synced += 1
        if hook is not None:
            hook(actor, row, *old)

    def instance_destroy(self, inst: Instance, actor: str, notify: bool = False) -> None:
        """Soft-delete the row: vm_state deleted, task_state none, then invisible to lookups.
        `notify`: the save of vm_state deleted and no task that precedes the destroy
        (``_delete_instance``, ``_do_delete(local=True)``) is notified (`notify_update`)."""
        row = self.instances.get(inst.uuid)
        if row is None or row.deleted:
            raise exception.InstanceNotFound(instance_id=inst.uuid)
        hook = self.notify_update if notify else None
        if hook is not None:
            old = (row.vm_state, row.task_state, row.display_name)
        now = self.kernel.now
        if row.task_state is not None:
            states.TASK_STATE.move(
                self.kernel, row, None, actor=actor, field="task_state", subject=row.uuid
            )
        if row.vm_state != states.SOFT_DELETED:  # a soft-deleted row no longer counts
            self._count(row, -1)
        states.VM_STATE.move(
            self.kernel, row, states.DELETED, actor=actor, field="vm_state", subject=row.uuid
        )
        if hook is not None:
            hook(actor, row, *old)
        self._unplace(row)
        _write(row, "deleted", True)
        _write(row, "deleted_at", now)
        _write(row, "terminated_at", now)
        _write(row, "updated_at", now)
        _write(row, "_synced", row._synced + 1)
        for bdm in self.bdms.pop(row.uuid, []):
            bdm.attachment_id = None
        if self._networks is not None:
            self._networks.pop(row.uuid, None)
            if not self._networks:
                del self._networks
        self._fixed_ips_drop(row.uuid)
        if self.queued_for_delete is not None:
            self.update_queued_for_deletion(row.uuid, False)
        if self.port_security_groups is not None:  # its port is gone with it
            self.port_security_groups.pop(row.uuid, None)
            if not self.port_security_groups:
                del self.port_security_groups

    def instances_on_host(self, host: str) -> list[Instance]:
        """Live rows whose host is `host` (``InstanceList.get_by_host``: claimed there), in
        creation order, as the DB returns them."""
        rows = [row for row in self._by_host.get(host, {}).values() if row.host == host]
        return sorted(rows, key=lambda row: self._order[row.uuid])

    def instances_allocated_on(self, host: str) -> list[Instance]:
        """Live rows holding resources on `host` (placement's allocations against its node):
        those claimed there and the builds scheduled to it that no claim has written yet, in
        creation order."""
        rows = self._by_host.get(host, {}).values()
        return sorted(rows, key=lambda row: self._order[row.uuid])

    def host_load(self, host: str) -> int:
        """How many live rows hold resources on `host` (claimed there, or scheduled to it)."""
        return len(self._by_host.get(host, ()))

    #: uuid -> the host the scheduler placed a build on, until that host's compute claims it
    #: (``instance_claim`` writes the row's host) or it leaves: placement's allocation, made by
    #: the scheduler (``claim_resources``), which the host's load counts (nova 17.0.13-34.0.0
    #: conductor/manager.py ``schedule_and_build_instances`` writes no host). An instance field
    #: only while one exists, so a cloud with no build in flight saves as before.
    allocations: dict[str, str] | None = None

    def allocation_create(self, uuid: str, host: str) -> None:
        """The scheduler's claim for the live row `uuid` on `host`, before any compute's."""
        row = self.instances.get(uuid)
        if row is None or row.deleted:
            return
        self._unplace(row)
        if self.allocations is None:
            self.allocations = {}
        self.allocations[uuid] = host
        self._place(row, host)

    def allocation_delete(self, uuid: str) -> None:
        """``delete_allocation_for_instance``: a claim not made after all (the row's host, if
        any, stays where it is)."""
        row = self.instances.get(uuid)
        if row is not None and self.allocated_host(uuid) is not None:
            self._unplace(row)
            self._place(row, row.host)

    #: uuid -> the host whose placement allocation of the live row a failed rebuild removed
    #: (switch ``failed_rebuild_drops_allocation``): placement holds nothing of it, while the
    #: row stays on its host (the resource tracker, os-hypervisors and the scheduler's
    #: weighing count it). Until it is deleted or placed again (`_unplace`: a new host, a
    #: new allocation). An instance field only while one exists, so a cloud without one saves
    #: as before.
    allocation_dropped: dict[str, str] | None = None

    def drop_allocation(self, uuid: str, host: str) -> None:
        """``remove_provider_tree_from_instance_allocation`` of `host`'s node emptied the live
        row `uuid`'s allocation."""
        if self.allocation_dropped is None:
            self.allocation_dropped = {}
        self.allocation_dropped[uuid] = host
        if self._placement is not None:
            self._unuse(self._placement, uuid)

    def placement_use(self, host: str) -> tuple[int, int, int]:
        """What the allocations of the live rows on `host` (claimed there or scheduled to it;
        an allocation `drop_allocation` removed left out) use of its ``VCPU``, ``MEMORY_MB``
        and ``DISK_GB`` (`fakecloud.nova.inventories`)."""
        return self.placement_usage()[0].get(host, _NO_USE)

    def placement_usage(self) -> tuple[dict[str, tuple[int, int, int]], bool]:
        """`placement_use` of every host that has held an allocation, as a dict by host (the
        memo itself, kept up as rows are placed: read it, never write it), and whether the
        release leaves a volume-backed root out of ``DISK_GB``
        (`fakecloud.nova.inventories.root_free`, read once: a cloud's switches are fixed)."""
        memo = self._placement
        if memo is None:
            memo = self._placement = ({}, {}, inventories.root_free(self.kernel))
            dropped = self.allocation_dropped or {}
            for name, rows in self._by_host.items():
                for row in rows.values():
                    if row.uuid not in dropped:
                        self._use(memo, row, name)
        return memo[0], memo[2]

    def _use(self, memo: tuple, row: Instance, host: str) -> None:
        """Count `row`'s allocation against `host` in the `memo` of `placement_use` (`_place`
        does the same in line)."""
        held = inventories.held(self, row, memo[2])
        memo[1][row.uuid] = (host, held)
        usage = memo[0]
        vcpus, memory, disk = usage.get(host, _NO_USE)
        usage[host] = (vcpus + held[0], memory + held[1], disk + held[2])

    def _unuse(self, memo: tuple, uuid: str) -> None:
        """Take `uuid`'s allocation, if counted, out of the `memo` of `placement_use`
        (`_unplace` does the same in line)."""
        found = memo[1].pop(uuid, None)
        if found is not None:
            host, held = found
            usage = memo[0]
            vcpus, memory, disk = usage[host]
            usage[host] = (vcpus - held[0], memory - held[1], disk - held[2])

    def allocation_was_dropped(self, uuid: str) -> bool:
        """Whether placement holds no allocation of the live row `uuid` on its host."""
        return self.allocation_dropped is not None and uuid in self.allocation_dropped

    def allocated_host(self, uuid: str) -> str | None:
        """The host the scheduler placed `uuid` on that its compute has not claimed yet."""
        return None if self.allocations is None else self.allocations.get(uuid)

    def least_loaded(self, hosts: Collection[str], usable: Callable[[str], bool]) -> str | None:
        """The usable host of `hosts` with the fewest live rows, ties by name (None if none)."""
        heap = self._load_heap
        if len(self._heap_hosts) < len(hosts):
            for name in hosts:
                if name not in self._heap_hosts:
                    self._heap_hosts.add(name)
                    heapq.heappush(heap, (self.host_load(name), name))
        skipped = []
        found = None
        while heap:
            load, name = heap[0]
            if name not in hosts or load != self.host_load(name):
                heapq.heappop(heap)
            elif not usable(name):
                skipped.append(heapq.heappop(heap))
            else:
                found = name
                break
        for entry in skipped:
            heapq.heappush(heap, entry)
        return found

    def project_usage(self, project_id: str | None) -> tuple[int, int, int]:
        """``(instances, cores, ram)`` used by the live rows of a project (not soft-deleted)."""
        return tuple(self._usage.get(project_id, (0, 0, 0)))  # type: ignore[return-value]

    # -- quotas (Nova's ``quotas`` table) -----------------------------------------------------

    #: project id -> {resource: limit} set through ``PUT /os-quota-sets``. An instance field
    #: only while some project has a limit of its own (made by the first `quota_set`, dropped
    #: by the last `quota_destroy_all_by_project`), so a cloud without any saves as before.
    _quotas: dict[str, dict[str, int]] | None = None

    #: class name -> {resource: limit} set through ``PUT /os-quota-class-sets`` (Nova's
    #: ``quota_classes`` table); an instance field only once some class is set, as `_quotas`.
    _quota_classes: dict[str, dict[str, int]] | None = None
    #: ``agent_builds`` rows (os-agents before 23.0.0), None until the first is created.
    _agent_builds: list[dict[str, Any]] | None = None

    def quota_overrides(self, project_id: str) -> Mapping[str, int]:
        """The limits that stand in for the config defaults for `project_id`, read-only: the
        ``default`` quota class's (``DbQuotaDriver.get_defaults``), then the project's own
        (``quota_get_all_by_project``) over them."""
        quotas = self._quotas
        own = _NO_QUOTAS if quotas is None else quotas.get(project_id, _NO_QUOTAS)
        classes = self._quota_classes
        if classes is None or "default" not in classes:
            return own
        return {**classes["default"], **own}

    def quota_class(self, name: str) -> Mapping[str, int]:
        """The limits set for quota class `name` (``quota_class_get_all_by_name``), read-only."""
        classes = self._quota_classes
        if classes is None:
            return _NO_QUOTAS
        return classes.get(name, _NO_QUOTAS)

    def quota_class_set(self, name: str, limits: dict[str, int]) -> None:
        """``Quotas.create_class`` / ``update_class`` of each of `limits` for class `name`."""
        if self._quota_classes is None:
            self._quota_classes = {}
        self._quota_classes.setdefault(name, {}).update(limits)

    def agent_build_get_all(self, hypervisor: str | None = None) -> list[dict[str, Any]]:
        """``agent_build_get_all``: the live ``agent_builds`` rows (of `hypervisor` if given)."""
        rows = self._agent_builds or []
        live = [r for r in rows if not r["deleted"]]
        return [r for r in live if not hypervisor or r["hypervisor"] == hypervisor]

    def agent_build_create(self, values: dict[str, str]) -> int | None:
        """``agent_build_create``: the new row's id, None for ``DBDuplicateEntry`` (a live row
        of the same hypervisor, os and architecture)."""
        if self._agent_builds is None:
            self._agent_builds = []
        triple = ("hypervisor", "os", "architecture")
        for row in self.agent_build_get_all():
            if all(row[k] == values[k] for k in triple):
                return None
        ident = len(self._agent_builds) + 1
        self._agent_builds.append({"id": ident, **values, "deleted": False})
        return ident

    def agent_build_update(self, ident: int, values: dict[str, str]) -> bool:
        """``agent_build_update`` of the live row `ident`; False when there is none."""
        for row in self.agent_build_get_all():
            if row["id"] == ident:
                row.update(values)
                return True
        return False

    def agent_build_destroy(self, ident: int) -> bool:
        """``agent_build_destroy``: soft-delete the live row `ident`; False when there is none."""
        for row in self.agent_build_get_all():
            if row["id"] == ident:
                row["deleted"] = True
                return True
        return False

    def quota_set(self, project_id: str, limits: dict[str, int]) -> None:
        """``Quotas.create_limit`` / ``update_limit`` of each of `limits` for `project_id`."""
        if self._quotas is None:
            self._quotas = {}
        self._quotas.setdefault(project_id, {}).update(limits)

    def quota_destroy_all_by_project(self, project_id: str) -> None:
        """``Quotas.destroy_all_by_project``: `project_id` and its users are back at the
        defaults."""
        if self._quotas is not None:
            self._quotas.pop(project_id, None)
            if not self._quotas:
                del self._quotas
        if self._user_quotas is not None:
            self._user_quotas.pop(project_id, None)
            if not self._user_quotas:
                del self._user_quotas

    #: project id -> user id -> {resource: limit} set through ``PUT /os-quota-sets/{p}
    #: ?user_id=`` (Nova's ``project_user_quotas`` table); an instance field only once some
    #: user has a limit of its own, as `_quotas`.
    _user_quotas: dict[str, dict[str, dict[str, int]]] | None = None

    def quota_user(self, project_id: str, user_id: str) -> Mapping[str, int]:
        """The user's own limits in `project_id` (``ProjectUserQuota`` rows), read-only."""
        users = self._user_quotas
        if users is None:
            return _NO_QUOTAS
        return users.get(project_id, {}).get(user_id, _NO_QUOTAS)

    def quota_users(self, project_id: str) -> list[Mapping[str, int]]:
        """Every user's own limits in `project_id` (``Quotas.get_all``)."""
        users = self._user_quotas
        return [] if users is None else list(users.get(project_id, {}).values())

    def quota_user_set(self, project_id: str, user_id: str, limits: dict[str, int]) -> None:
        """``Quotas.create_limit`` / ``update_limit`` with a user: each of `limits` for the
        user in `project_id`."""
        if self._user_quotas is None:
            self._user_quotas = {}
        self._user_quotas.setdefault(project_id, {}).setdefault(user_id, {}).update(limits)

    def quota_destroy_all_by_project_and_user(self, project_id: str, user_id: str) -> None:
        """``Quotas.destroy_all_by_project_and_user``: the user's own limits dropped."""
        users = self._user_quotas
        if users is not None and users.get(project_id, {}).pop(user_id, None) is not None:
            if not users[project_id]:
                del users[project_id]
            if not users:
                del self._user_quotas

    def user_usage(self, project_id: str, user_id: str) -> tuple[int, int, int]:
        """``(instances, cores, ram)`` of the user's live rows in `project_id` (not
        soft-deleted): ``InstanceList.get_counts``'s user count, read only where a per-user
        limit is checked."""
        usage = [0, 0, 0]
        for row in self.instances.values():
            if (
                row.project_id == project_id
                and row.user_id == user_id
                and not row.deleted
                and row.vm_state != states.SOFT_DELETED
            ):
                usage[0] += 1
                usage[1] += row.flavor.vcpus
                usage[2] += row.flavor.memory_mb
        return usage[0], usage[1], usage[2]

    # -- the network (`fakecloud.nova.network`) ---------------------------------------------

    #: uuid -> the server's address number on the network (0 while its build has not
    #: allocated it yet) of the servers that asked for networking. An instance field only once
    #: one did, so a cloud whose servers all boot with ``networks: none`` saves as before.
    _networks: dict[str, int] | None = None

    def network_request(self, uuid: str) -> None:
        """The create asked for networking: the build allocates it."""
        if self._networks is None:
            self._networks = {}
        self._networks[uuid] = 0

    def network_allocate(self, uuid: str) -> None:
        """``allocate_for_instance``, if the server asked for it: its address from now on."""
        networks = self._networks
        if networks is not None and uuid in networks:
            networks[uuid] = self._order[uuid] + 1

    def network_deallocate(self, uuid: str) -> None:
        """``deallocate_for_instance``: the server has no address any more."""
        networks = self._networks
        if networks is not None and networks.get(uuid):
            networks[uuid] = 0
        self._fixed_ips_drop(uuid)

    def network_number(self, uuid: str) -> int:
        """The server's address number (`fakecloud.nova.network.address`), 0 if none."""
        networks = self._networks
        return networks.get(uuid, 0) if networks is not None else 0

    #: uuid -> the fixed addresses of a server's port once ``addFixedIp``/``removeFixedIp``
    #: changed them (in the port's ``fixed_ips`` order), and the count of addresses
    #: ``addFixedIp`` handed out (`fakecloud.nova.network.added_address`). Instance fields
    #: only once one did, so a cloud without them saves as before.
    _fixed_ips: dict[str, list[str]] | None = None
    _fixed_ip_seq = 0

    def fixed_ips(self, uuid: str) -> list[str] | None:
        """The server's fixed addresses if a multinic action changed them, else None (the one
        of its `network_number`)."""
        fixed = self._fixed_ips
        return fixed.get(uuid) if fixed is not None else None

    def fixed_addresses(self, uuid: str) -> list[str]:
        """Every fixed address the server's port holds now ([] without a port)."""
        number = self.network_number(uuid)
        if not number:
            return []
        fixed = self.fixed_ips(uuid)
        return [network.address(number)] if fixed is None else fixed

    def fixed_ip_add(self, uuid: str) -> str:
        """Neutron's ``update_port`` appending a fixed IP from the network's subnet."""
        held = self.fixed_addresses(uuid)
        self._fixed_ip_seq += 1
        added = network.added_address(self._fixed_ip_seq)
        if self._fixed_ips is None:
            self._fixed_ips = {}
        self._fixed_ips[uuid] = [*held, added]
        return added

    def fixed_ip_remove(self, uuid: str, address: str) -> bool:
        """Neutron's ``update_port`` without `address`; False if the port does not hold it."""
        held = self.fixed_addresses(uuid)
        if address not in held:
            return False
        if self._fixed_ips is None:
            self._fixed_ips = {}
        self._fixed_ips[uuid] = [ip for ip in held if ip != address]
        return True

    def _fixed_ips_drop(self, uuid: str) -> None:
        fixed = self._fixed_ips
        if fixed is not None:
            fixed.pop(uuid, None)
            if not fixed:
                del self._fixed_ips

    # -- key pairs ---------------------------------------------------------------------------

    #: user id -> {name: row} of the ``key_pairs`` table, and its last id. Instance fields only
    #: once a key pair was made, so a cloud without any saves as before.
    _keypairs: dict[str, dict[str, KeyPair]] | None = None
    _keypair_seq = 0

    def keypair_create(
        self, user_id: str, name: str, key_type: str, public_key: str, fingerprint: str, now: float
    ) -> KeyPair:
        """``KeyPair.create``: a new row (the caller checked the name is free)."""
        if self._keypairs is None:
            self._keypairs = {}
        self._keypair_seq += 1
        row = KeyPair(self._keypair_seq, user_id, name, key_type, public_key, fingerprint, now)
        self._keypairs.setdefault(user_id, {})[name] = row
        return row

    def keypair_get(self, user_id: str, name: str) -> KeyPair | None:
        """``KeyPair.get_by_name``, or None."""
        return (self._keypairs or {}).get(user_id, {}).get(name)

    def keypairs_of(self, user_id: str) -> list[KeyPair]:
        """``KeyPairList.get_by_user``: ordered by name, as the API database sorts them."""
        rows = (self._keypairs or {}).get(user_id, {})
        return [rows[name] for name in sorted(rows)]

    def keypair_count(self, user_id: str) -> int:
        """``KeyPairList.get_count_by_user``."""
        return len((self._keypairs or {}).get(user_id, {}))

    def keypair_destroy(self, row: KeyPair) -> None:
        """``KeyPair.destroy_by_name``."""
        rows = self._keypairs[row.user_id]
        del rows[row.name]
        if not rows:
            del self._keypairs[row.user_id]

    # -- services (Nova's ``services`` table: what an operator changed) ----------------------

    #: binary -> {host: `ServiceChange`} of the services an operator disabled, forced down or
    #: deleted (`fakecloud.nova.services`). An instance field only once one was changed, so a
    #: cloud without any saves as before.
    service_changes: dict[str, dict[str, Any]] | None = None

    #: host -> [``failed_builds`` on its compute node, the tracker's count, when that changed]
    #: (`fakecloud.nova.compute.build_failures`): an instance field only from a host's first
    #: failed build, so a cloud without any saves as before.
    build_failures: dict[str, list[float]] | None = None

    #: host -> [its provider's ``COMPUTE_STATUS_DISABLED`` trait, since when] while the trait
    #: differs from the service row (`fakecloud.nova.compute_status`, 20.0.0+): an instance
    #: field only from the first such host, so a cloud without one saves as before.
    status_traits: dict[str, list[Any]] | None = None

    #: The host aggregates an operator made (`fakecloud.nova.aggregates.AggregateTable`): an
    #: instance field only from the first one, so a cloud without any saves as before.
    aggregates: Any = None

    #: server uuid -> the zone its create asked for (``RequestSpec.availability_zone``: the
    #: 2.96 ``pinned_availability_zone``, where an unshelve is scheduled again): an instance
    #: field only from the first server asked into a zone.
    pinned_zones: dict[str, str] | None = None

    #: server uuid -> the security groups of its port, once an addSecurityGroup or
    #: removeSecurityGroup changed them (`fakecloud.nova.api.security_group_actions`; a server
    #: not here has ``default``): an instance field only from the first change to the last
    #: such server's deletion.
    port_security_groups: dict[str, list[str]] | None = None

    #: server uuid -> its trusted image certificate ids (``instance_extra.trusted_certs``,
    #: `fakecloud.nova.trusted_certs`): an instance field only from the first server given
    #: some.
    trusted_certs: dict[str, list[str]] | None = None

    def set_trusted_certs(self, uuid: str, certs: list[str] | None) -> None:
        """Store (or, with None, clear) the server's trusted image certificates."""
        if certs:
            if self.trusted_certs is None:
                self.trusted_certs = {}
            self.trusted_certs[uuid] = list(certs)
        elif self.trusted_certs is not None:
            self.trusted_certs.pop(uuid, None)

    def trusted_certs_of(self, uuid: str) -> list[str] | None:
        """The server's trusted image certificate ids, or None."""
        if self.trusted_certs is None:
            return None
        return self.trusted_certs.get(uuid)

    #: The servers whose instance mapping is queued for deletion (``queued_for_delete``): a
    #: delete or soft delete cast to the host sets it, a restore clears it, nothing else does
    #: (nova 25.0.0-34.0.0 compute/api.py ``_update_queued_for_deletion``), so a server whose
    #: delete failed on its host stays queued; an instance field only while some live server
    #: is queued (a deleted one's mapping is never counted again).
    queued_for_delete: set[str] | None = None

    def update_queued_for_deletion(self, uuid: str, qfd: bool) -> None:
        """``_update_queued_for_deletion``: the server's mapping queued (or no longer)."""
        if qfd:
            if self.queued_for_delete is None:
                self.queued_for_delete = set()
            self.queued_for_delete.add(uuid)
        elif self.queued_for_delete is not None:
            self.queued_for_delete.discard(uuid)
            if not self.queued_for_delete:
                del self.queued_for_delete

    def is_queued_for_delete(self, uuid: str) -> bool:
        """Whether the server's mapping is queued for deletion."""
        return self.queued_for_delete is not None and uuid in self.queued_for_delete

    #: The servers deleted while only a build request (``_attempt_delete_of_buildrequest``):
    #: real Nova's conductor never creates them in a cell (nova 17.0.13-34.0.0
    #: conductor/manager.py ``schedule_and_build_instances``, 8ba92778fe), so no lookup, list
    #: or instance-action query finds them, deleted or not. fakecloud keeps their rows (a
    #: server's ``id`` is its creation rank, `instance_number`) and hides them.
    never_built: set[str] | None = None

    def forget_build(self, uuid: str) -> None:
        """The server, deleted before the conductor created it in a cell, was never built."""
        if self.never_built is None:
            self.never_built = set()
        self.never_built.add(uuid)

    #: The servers deleted as build requests whose instance mapping the conductor then
    #: destroyed (from 20.0.0, `fakecloud.nova.conductor.MAPPING_DROPPED`); before, and until
    #: the conductor runs, the mapping stays, naming no cell.
    unmapped: set[str] | None = None

    def drop_mapping(self, uuid: str) -> None:
        """The conductor destroyed the instance mapping of a build deleted before it."""
        if self.unmapped is None:
            self.unmapped = set()
        self.unmapped.add(uuid)

    def is_mapped(self, uuid: str) -> bool:
        """Whether the server has an instance mapping (every stored one but `unmapped`'s)."""
        return uuid in self.instances and (self.unmapped is None or uuid not in self.unmapped)

    #: The servers the scheduler found no host for, which the conductor created in cell0
    #: (``_bury_in_cell0``): cell0's database numbers them (`instance_number`).
    in_cell0: set[str] | None = None

    def bury_in_cell0(self, uuid: str) -> None:
        """The server, no host found for it, is created in cell0."""
        if self.in_cell0 is None:
            self.in_cell0 = set()
        self.in_cell0.add(uuid)

    def was_built(self, uuid: str) -> bool:
        """Whether the server reached its cell (False for one `forget_build` names)."""
        return self.never_built is None or uuid not in self.never_built

    def security_groups_of(self, uuid: str) -> list[str]:
        """The names of the security groups on the server's port."""
        changed = self.port_security_groups
        if changed is None or uuid not in changed:
            return ["default"]
        return changed[uuid]

    def set_security_groups(self, uuid: str, names: list[str]) -> None:
        """Store the groups of the server's port (Neutron's ``update_port``)."""
        if self.port_security_groups is None:
            self.port_security_groups = {}
        self.port_security_groups[uuid] = names

    def pin_zone(self, uuid: str, zone: str | None) -> None:
        """Set (or, with None, clear) the zone of a server's request spec."""
        if zone is not None:
            if self.pinned_zones is None:
                self.pinned_zones = {}
            self.pinned_zones[uuid] = zone
        elif self.pinned_zones is not None:
            self.pinned_zones.pop(uuid, None)

    def service_change(self, binary: str, host: str, change: Any) -> None:
        """Store the operator's fields of the service `binary` on `host`."""
        if self.service_changes is None:
            self.service_changes = {}
        self.service_changes.setdefault(binary, {})[host] = change

    def _soft_deleted_moved(self, row: Instance, vm_state: str) -> None:
        """`row` enters or leaves ``soft-delete``: a soft-deleted server is not counted
        (``InstanceList._get_counts_in_db``'s ``vm_state != SOFT_DELETED``, nova 17.0.13 to
        34.0.0 ``objects/instance.py``), a restored one counts again."""
        if (row.vm_state == states.SOFT_DELETED) != (vm_state == states.SOFT_DELETED):
            self._count(row, -1 if vm_state == states.SOFT_DELETED else 1)

    def derived_indexes(self) -> list[tuple[str, Any, Any]]:
        """The lookups kept beside the rows (creation ranks, live rows by host, each project's
        counted usage), as held and as the rows make them (a loaded database's must agree:
        `fakecloud.state.kinds.DERIVED`); a host left empty or a project counting nothing is
        the same as none."""
        by_host: dict[str, dict[str, Instance]] = {}
        usage: dict[str | None, list[int]] = {}
        for row in self.instances.values():
            if row.deleted:
                continue
            host = row.host if row.host is not None else self.allocated_host(row.uuid)
            if host is not None:
                by_host.setdefault(host, {})[row.uuid] = row
            if row.vm_state != states.SOFT_DELETED:
                counted = usage.setdefault(row.project_id, [0, 0, 0])
                counted[0] += 1
                counted[1] += row.flavor.vcpus
                counted[2] += row.flavor.memory_mb
        return [
            ("_order", self._order, {uuid: i for i, uuid in enumerate(self.instances)}),
            ("_by_host", {h: rows for h, rows in self._by_host.items() if rows}, by_host),
            ("_usage", {p: u for p, u in self._usage.items() if u != [0, 0, 0]}, usage),
        ]

    def _count(self, row: Instance, sign: int) -> None:
        usage = self._usage.setdefault(row.project_id, [0, 0, 0])
        usage[0] += sign
        usage[1] += sign * row.flavor.vcpus
        usage[2] += sign * row.flavor.memory_mb

    def _place(self, row: Instance, host: str | None) -> None:
        if host is not None:
            rows = self._by_host.setdefault(host, {})
            rows[row.uuid] = row
            heapq.heappush(self._load_heap, (len(rows), host))
            memo = self._placement
            if memo is not None:  # `_use`, in line: every build and move places its row twice
                held = inventories.held(self, row, memo[2])
                memo[1][row.uuid] = (host, held)
                usage = memo[0]
                vcpus, memory, disk = usage.get(host, _NO_USE)
                usage[host] = (vcpus + held[0], memory + held[1], disk + held[2])

    def _unplace(self, row: Instance) -> None:
        host = row.host
        if self.allocation_dropped is not None:
            self.allocation_dropped.pop(row.uuid, None)
            if not self.allocation_dropped:
                del self.allocation_dropped
        if self.allocations is not None:
            allocated = self.allocations.pop(row.uuid, None)
            if not self.allocations:
                del self.allocations
            if host is None:
                host = allocated
        rows = self._by_host.get(host) if host is not None else None
        if rows is not None and rows.pop(row.uuid, None) is not None:
            heapq.heappush(self._load_heap, (len(rows), host))
        memo = self._placement
        if memo is not None:  # `_unuse`, in line
            found = memo[1].pop(row.uuid, None)
            if found is not None:
                counted, held = found
                usage = memo[0]
                vcpus, memory, disk = usage[counted]
                usage[counted] = (vcpus - held[0], memory - held[1], disk - held[2])

    # -- migrations (Nova's ``migrations`` table) --------------------------------------------

    #: id -> the resizes' and cold migrations' records: an instance field only from the
    #: first one (`migration_create`), so a cloud that never moves a server saves as before.
    migrations: dict[int, Migration] | None = None

    def migration_create(self, migration: Migration, actor: str) -> Migration:
        """``Migration.create``: store `migration` with the next id (1 for the first)."""
        if self.migrations is None:
            self.migrations = {}
        migration.id = len(self.migrations) + 1
        migration.created_at = self.kernel.now
        self.migrations[migration.id] = migration
        self.kernel.trace.emit(
            "nova.migration",
            actor,
            migration.instance_uuid,
            migration_id=migration.id,
            status=migration.status,
        )
        return migration

    def migration_save(self, migration: Migration, status: str, actor: str, **fields: Any) -> None:
        """``Migration.save`` of a new `status` (and `fields`), traced."""
        for name, value in fields.items():
            setattr(migration, name, value)
        migration.status = status
        migration.updated_at = self.kernel.now
        self.kernel.trace.emit(
            "nova.migration",
            actor,
            migration.instance_uuid,
            migration_id=migration.id,
            status=status,
        )

    def migration_by_instance_and_status(self, uuid: str, status: str) -> Migration:
        """``Migration.get_by_instance_and_status``: the newest of `uuid`'s migrations in
        `status`, else `MigrationNotFoundByStatus`."""
        for migration in reversed(list((self.migrations or {}).values())):
            if migration.instance_uuid == uuid and migration.status == status:
                return migration
        raise exception.MigrationNotFoundByStatus(instance_id=uuid, status=status)

    def instance_set_flavor(self, inst: Instance, flavor: Any) -> None:
        """A resize's ``instance.flavor = new_flavor`` (and a revert's back): the row's flavor,
        and the project's counted cores and ram, now `flavor`'s; `inst` follows."""
        row = self.instances.get(inst.uuid)
        if row is None or row.deleted:
            raise exception.InstanceNotFound(instance_id=inst.uuid)
        self._count(row, -1)
        row.flavor = flavor
        self._count(row, 1)
        memo = self._placement
        found = memo[1].get(row.uuid) if memo is not None else None
        if found is not None:  # its allocation holds the new flavor where it is
            self._unuse(memo, row.uuid)
            self._use(memo, row, found[0])
        version = row._synced
        row._synced = version + 1
        inst.flavor = flavor
        if version and inst._synced == version:
            inst._synced = version + 1

    # -- block device mappings ---------------------------------------------------------------

    def bdm_create(self, bdm: BlockDeviceMapping) -> BlockDeviceMapping:
        """Store a mapping of a server.

        Its kinds, device names and source ids are interned: servers booted alike (a storm's
        100,000 from one golden snapshot) hold each such string once, not once per request.
        """
        for name in _SHARED_BDM_FIELDS:
            value = getattr(bdm, name)
            if value.__class__ is str:
                setattr(bdm, name, sys.intern(value))
        self._bdm_seq += 1
        bdm.id = self._bdm_seq
        if not bdm.uuid:
            # Its own stream per mapping, so the cloud's id sequence is not shifted.
            bits = self.kernel.streams(f"nova.bdm.{bdm.id}").getrandbits(128)
            bdm.uuid = uuid4_text(bits)  # str(uuid.UUID(int=bits, version=4))
        self.bdms.setdefault(bdm.instance_uuid, []).append(bdm)
        return bdm

    def bdms_by_instance(self, uuid: str) -> list[BlockDeviceMapping]:
        """``BlockDeviceMappingList.get_by_instance_uuid`` (DB order)."""
        return list(self.bdms.get(uuid, ()))

    def bdms_by_volume(self, volume_id: str) -> list[BlockDeviceMapping]:
        """``BlockDeviceMappingList.get_by_volume``: the live servers' mappings of a volume
        (by id, as the table's order)."""
        found = [b for rows in self.bdms.values() for b in rows if b.volume_id == volume_id]
        found.sort(key=lambda b: b.id)
        return found

    def bdm_destroy(self, bdm: BlockDeviceMapping) -> None:
        """``BlockDeviceMapping.destroy`` (a mapping already gone is left alone)."""
        rows = self.bdms.get(bdm.instance_uuid)
        if rows is not None and bdm in rows:
            rows.remove(bdm)

    # -- instance actions and faults ---------------------------------------------------------

    def action_start(self, ctx: Any, uuid: str, action: str) -> InstanceAction:
        """``InstanceAction.action_start``: record an action with the context's request id."""
        self._action_seq += 1
        now = self.kernel.env._now  # kernel.now, without the property's call
        row = InstanceAction(
            id=self._action_seq,
            action=action,
            instance_uuid=uuid,
            request_id=ctx.request_id,
            user_id=ctx.user_id,
            project_id=ctx.project_id,
            start_time=now,
            updated_at=now,
        )
        self.actions.setdefault(uuid, []).append(row)
        self.kernel.trace.write(_ACTION, "nova", uuid, (action, ctx.request_id))
        return row

    def action_get_by_request_id(self, uuid: str, request_id: str) -> InstanceAction | None:
        """The latest action of `uuid` started by `request_id`."""
        for row in reversed(self.actions.get(uuid, ())):
            if row.request_id == request_id:
                return row
        return None

    def actions_of(self, uuid: str) -> list[InstanceAction]:
        """Actions of a server, newest first (as the API lists them)."""
        return sorted(self.actions.get(uuid, ()), key=lambda a: (-a.start_time, -a.id))

    def _fallback_action(self, ctx: Any, uuid: str) -> InstanceAction | None:
        """``action_event_start``/``_finish``'s action when the context's request started none
        (nova 17.0.0-34.0.0 db api): for a context with no project (a periodic task's, or
        ``init_host``'s ``get_admin_context()``) the server's last action, whose ``updated_at``
        is then left alone ("likely an inactive action", 1a4ae60e1b); else none."""
        if ctx.project_id:
            return None
        actions = self.actions.get(uuid)
        return actions[-1] if actions else None

    def event_start(self, ctx: Any, uuid: str, event: str, host: str) -> InstanceActionEvent | None:
        """``InstanceActionEvent.event_start`` on the action of the context's request (or
        `_fallback_action`'s)."""
        action = self.action_get_by_request_id(uuid, ctx.request_id)
        now = self.kernel.env._now  # kernel.now, without the property's call
        row = InstanceActionEvent(event=event, start_time=now, host=host)
        if action is not None:
            action.updated_at = now
        else:
            action = self._fallback_action(ctx, uuid)
            if action is None:
                return None
        action.events.append(row)
        self.kernel.trace.write_at((_EVENT_SITES.get(event) or _event_sites(event))[0], host, uuid)
        return row

    def event_finish(
        self,
        ctx: Any,
        uuid: str,
        row: InstanceActionEvent | None,
        exc: BaseException | None = None,
        traceback: str | None = None,
    ) -> None:
        """Finish an event: Success, or Error with details (and the action's message Error).
        The row finished is the action's first event of that name (``action_event_finish``'s
        unordered ``first()``, nova 17.0.0-34.0.0; the oracle's sqlite too): when one request's
        action has two (two ``power-update`` events for a server, a rescheduled build), the
        second finish lands on the first row again and the second stays unfinished."""
        if row is None:
            return
        now = self.kernel.env._now  # kernel.now, without the property's call
        action = self.action_get_by_request_id(uuid, ctx.request_id)
        update = action is not None
        if not update:
            action = self._fallback_action(ctx, uuid)
        host = row.host  # the trace's: the service that finished it
        if action is not None:
            name = row.event
            for first in action.events:  # a loop, not next() of a generator: every finish
                if first.event == name:
                    row = first
                    break
        row.finish_time = now
        if exc is None:
            row.result = "Success"
        else:
            row.result = "Error"
            row.traceback = traceback
            # serialize_args (a9346e6033, 21.0.0, the release whose 2.84 shows details): a
            # Nova exception's message, any other exception's bare class name.
            message = exc.format_message() if isinstance(exc, exception.NovaException) else ""
            row.details = (message or exception.real_class_name(exc))[:255]
            if action is not None:
                action.message = "Error"
        if action is not None and update:
            action.updated_at = now
        if exc is None:
            at = _EVENT_SITES.get(row.event) or _event_sites(row.event)
            self.kernel.trace.write_at(at[1], host, uuid)
        else:
            self.kernel.trace.write(_EVENT_FINISH, host, uuid, (row.event, "finish", "Error"))

    def fault_create(
        self, uuid: str, exc: BaseException, host: str, details: str, message: str | None = None
    ) -> None:
        """``add_instance_fault_from_exc``: code from the exception, message (the caller's
        ``fault_message``, if any) cut at 255; `details` the traceback (``_get_fault_details``,
        kept for a 500 only)."""
        old = self.kernel.switches.lp1837877
        if isinstance(exc, exception.NovaException):
            code = exc.kwargs.get("code", 500)
            message = message or exc.format_message()
        else:
            # Nova cannot format a foreign exception's message, so it shows the class name;
            # before the fix of LP #1837877 (CVE-2019-14433) its text, which may leak details.
            text = str(exc) if old else ""
            code, message = 500, text or exception.real_class_name(exc)
        if old and details.startswith(TRACEBACK_HEADER):
            # The same fix made the details ``traceback.format_exception``; before it they were
            # ``format_tb``: the frames only, no header and no exception line (17.0.11,
            # 18.2.1, 19.0.1 compute/utils.py _get_fault_details).
            details = format_tb(exc)
        fault = InstanceFault(
            instance_uuid=uuid,
            code=code,
            message=message[:255],
            details=details if code == 500 else "",
            host=host,
            created_at=self.kernel.now,
        )
        self.faults.setdefault(uuid, []).append(fault)
        self.kernel.trace.emit("nova.fault", host, uuid, code=code, message=fault.message)

    def fault_latest(self, uuid: str) -> InstanceFault | None:
        """The newest fault of a server, as the server view shows it."""
        faults = self.faults.get(uuid)
        return faults[-1] if faults else None


#: Mapping fields whose strings many servers share.
_SHARED_BDM_FIELDS = (
    "source_type",
    "destination_type",
    "snapshot_id",
    "image_id",
    "device_name",
    "device_type",
    "disk_bus",
    "guest_format",
    "volume_type",
)


def _as_list(value: Any) -> list:
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    return [value]
