"""Server groups (``nova/objects/instance_group.py``, the API database's ``instance_groups``)
and what their policy does to scheduling (``nova/scheduler/filters/affinity_filter.py``'s
``ServerGroupAffinityFilter`` / ``ServerGroupAntiAffinityFilter`` and the 2.15 soft weighers
of ``nova/scheduler/weights/affinity.py``), nova 17.0.13-34.0.0.

A group has one policy (before 2.64 shown as a one-item ``policies`` list; 17.0.x's schema
also lets an empty list through, a group without a policy) and, for ``anti-affinity`` from
2.64, the rule ``max_server_per_host``. Members are the servers booted with the ``group``
scheduler hint; a deleted server stays in the list and is left out wherever Nova reads the
members through the cell database (the views, the member quota, the scheduler's group hosts).

Creating, joining and deleting a group send Nova's ``servergroup.*`` and ``server_group.*``
notifications (`Notifier.server_group`). The groups live on ``nova.server_groups`` (uuid ->
`InstanceGroup`, creation order), made by the first create: a cloud without groups saves and
schedules exactly as before.

    >>> pick_host(nova, group, "new-server-uuid", usable)  # doctest: +SKIP
    'cmp-2'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fakecloud.nova import exception, states
from fakecloud.nova.compute.build_failures import fewest
from fakecloud.profiles.provenance import Backport, Change

#: ``NoValidHost``'s reason when the filters leave fewer hosts than servers asked for (nova
#: 34.0.0 scheduler/manager.py, 17.0.13 filter_scheduler.py ``_ensure_sufficient_hosts``); no
#: host at all from placement (every compute disabled, 20.0.0 on) has none.
NOT_ENOUGH_HOSTS = "There are not enough hosts available."
POLICIES = ("anti-affinity", "affinity", "soft-anti-affinity", "soft-affinity")


class InstanceGroupNotFound(exception.NotFound):
    """Nova's ``InstanceGroupNotFound``."""

    msg_fmt = "Instance group %(group_uuid)s could not be found."


@dataclass
class InstanceGroup:
    """One server group: its row id (the DB's autoincrement), uuid, name, owner, policy,
    rules and member uuids (in the order they joined)."""

    id: int
    uuid: str
    name: str
    project_id: str
    user_id: str
    policy: str | None
    rules: dict[str, int] = field(default_factory=dict)
    members: list[str] = field(default_factory=list)


def _groups(nova: Any) -> dict[str, InstanceGroup]:
    return getattr(nova, "server_groups", None) or {}


#: The first release with ``ServerGroupPayload`` 1.1 (``policy``, ``rules``) and the versioned
#: ``server_group.add_member`` (17.0.13: 1.0, create and delete only; 18.3.0 on: 1.1).
PAYLOAD_1_1_SINCE = 18


def create(
    nova: Any,
    project_id: str,
    user_id: str,
    name: str,
    policy: str | None,
    rules: dict,
    given_rules: bool = False,
) -> InstanceGroup:
    """``InstanceGroup.create``: a new group with an id from the cloud's seeded source, and
    its notifications (the legacy payload is the fields the API set: ``_rules`` where it
    passed `rules`, from 2.64)."""
    groups = getattr(nova, "server_groups", None)
    if groups is None:
        groups = nova.server_groups = {}
    number = max((g.id for g in groups.values()), default=0) + 1
    group = InstanceGroup(
        number, nova.kernel.ids.uuid(), name, project_id, user_id, policy, dict(rules)
    )
    groups[group.uuid] = group
    if nova.kernel.switches.release.major < PAYLOAD_1_1_SINCE:
        changes: dict[str, Any] = {"policies": _policies(group)}
    else:
        changes = {"policy": policy}
        if given_rules:
            changes["_rules"] = _strings(group.rules)
    changes.update(name=name, project_id=project_id, user_id=user_id)
    _notify(nova, "create", group, {**changes, "server_group_id": group.uuid})
    return group


def _policies(group: InstanceGroup) -> list[str]:
    return [group.policy] if group.policy else []


def _strings(rules: dict[str, int]) -> dict[str, str]:
    """``DictOfStringsField``: the rules as the object and its payload hold them."""
    return {k: str(v) for k, v in rules.items()}


def _notify(nova: Any, action: str, group: InstanceGroup, legacy: dict[str, Any]) -> None:
    """``notify_about_server_group_update`` and ``_action``/``_add_member``: the versioned
    ``ServerGroupPayload`` (``hosts`` is never loaded on the orphaned copy: null)."""
    new = nova.kernel.switches.release.major >= PAYLOAD_1_1_SINCE
    versioned: dict[str, Any] | None = None
    if new or action != "add_member":
        versioned = {
            "payload_version": "1.1" if new else "1.0",
            "uuid": group.uuid,
            "name": group.name,
            "user_id": group.user_id,
            "project_id": group.project_id,
            "policies": _policies(group),
            "members": list(group.members),
            "hosts": None,
        }
        if new:
            versioned["policy"] = group.policy
            versioned["rules"] = _strings(group.rules)
    nova.notifier.server_group(nova.config.api_host, action, legacy, versioned)


def add_member(nova: Any, group: InstanceGroup, instance_uuid: str) -> None:
    """``InstanceGroup.add_members`` (one server at a time, as ``_provision_instances``
    calls it) and its notifications."""
    group.members.append(instance_uuid)
    legacy = {"server_group_id": group.uuid, "instance_uuids": [instance_uuid]}
    _notify(nova, "add_member", group, legacy)


def get(nova: Any, uuid: str, context: Any) -> InstanceGroup:
    """``InstanceGroup.get_by_uuid`` as `context` reads it: a caller who is not an admin finds
    only its own project's groups (``_instance_group_get_query`` filters on
    ``context.project_id``, nova 17.0.13-34.0.0); `InstanceGroupNotFound` otherwise."""
    group = _groups(nova).get(uuid)
    if group is None or (not context.is_admin and group.project_id != context.project_id):
        raise InstanceGroupNotFound(group_uuid=uuid)
    return group


def listed(nova: Any, project_id: str | None = None) -> list[InstanceGroup]:
    """``InstanceGroupList.get_all`` (`project_id` None) or ``get_by_project_id``, by row id."""
    return [g for g in _groups(nova).values() if project_id is None or g.project_id == project_id]


def destroy(nova: Any, group: InstanceGroup) -> None:
    """``InstanceGroup.destroy``: the group goes; its servers stay where they are."""
    groups = nova.server_groups
    del groups[group.uuid]
    if not groups:
        nova.server_groups = None
    _notify(nova, "delete", group, {"server_group_id": group.uuid})


def live_members(nova: Any, group: InstanceGroup, live: set[str] | None = None) -> list[str]:
    """The members a group's view lists (`shown_member`, or those in `live`: the list's one
    look-up for its page), in ``_get_not_deleted``'s order (nova 17.0.13-34.0.0
    api/openstack/compute/server_groups.py): first those whose instance mapping names no cell
    ("Not scheduled yet"), then each cell's, newest first (``InstanceList.get_by_filters``'s
    default sort: ``created_at``, then ``id``, descending). The mappings come from a query
    without ``ORDER BY`` (``InstanceMappingList.get_by_instance_uuids``), so the order of the
    unscheduled ones and of the cells (cell0 holds those no host was found for) is the
    database's: here the order their first member joined. From 33.0.0 the list
    (``GET /os-server-groups``) takes the members through a set instead (``list(set(
    group.members) & not_deleted_inst_uuids)``): an order real Nova leaves to the process's
    string hashes; fakecloud lists them as the show does."""
    db = nova.db
    waiting: list[str] = []
    cells: dict[bool, list[Any]] = {}
    never, cell0 = db.never_built, db.in_cell0
    for uuid in group.members:
        if not (shown_member(db, uuid) if live is None else uuid in live):
            continue
        row = db.instances[uuid]
        if (never is not None and uuid in never) or not db.in_a_cell(row):
            waiting.append(uuid)
        else:
            cells.setdefault(cell0 is not None and uuid in cell0, []).append(row)
    for rows in cells.values():
        rows.sort(key=lambda r: (r.created_at, db.instance_number(r.uuid)), reverse=True)
        waiting.extend(row.uuid for row in rows)
    return waiting


def shown_member(db: Any, uuid: str) -> bool:
    """Whether a group lists member `uuid` (``_get_not_deleted``, nova 17.0.13-34.0.0
    api/openstack/compute/server_groups.py): one whose instance mapping names no cell is
    listed unasked ("Not scheduled yet"), so a server deleted as a build request stays a
    member while its mapping stays (always before 20.0.0, until the conductor drops it
    since: `fakecloud.nova.conductor.MAPPING_DROPPED`); any other not deleted in its cell."""
    row = db.instances.get(uuid)
    if row is None:
        return False
    if db.never_built is not None and uuid in db.never_built:
        return db.is_mapped(uuid)
    return not row.deleted


def members_of_user(nova: Any, group: InstanceGroup, user_id: str) -> int:
    """``_server_group_count_members_by_user``: the group's live members `user_id` owns."""
    rows = nova.db.instances
    return sum(
        1
        for uuid in group.members
        if (row := rows.get(uuid)) is not None and not row.deleted and row.user_id == user_id
    )


def group_of(nova: Any, instance_uuid: str) -> InstanceGroup | None:
    """``InstanceGroup.get_by_instance_uuid``: the group `instance_uuid` belongs to, if any."""
    for group in _groups(nova).values():
        if instance_uuid in group.members:
            return group
    return None


def count(nova: Any, project_id: str | None, user_id: str | None = None) -> int:
    """The project's groups (the ``server_groups`` quota's usage); only `user_id`'s if given
    (``InstanceGroupList.get_counts``'s user count)."""
    return sum(
        1
        for g in _groups(nova).values()
        if g.project_id == project_id and (user_id is None or g.user_id == user_id)
    )


def _unplaced_of_request(db: Any, group: InstanceGroup, instance_uuid: str) -> int:
    """How many of the group's servers of `instance_uuid`'s boot request (its reservation id)
    still want a host: building, or failed for want of one (1 for an unshelve)."""
    rows = db.instances
    own = rows.get(instance_uuid)
    if own is None or own.vm_state != states.BUILDING:
        return 1
    return sum(
        1
        for uuid in group.members
        if (row := rows.get(uuid)) is not None
        and not row.deleted
        and not row.host
        and not db.allocated_host(uuid)
        and row.reservation_id == own.reservation_id
        and row.vm_state in (states.BUILDING, states.ERROR)
    )


def _held_host(db: Any, row: Any, reservation_id: str | None) -> str | None:
    """The host `row` counts on for its group: the one its compute's claim wrote
    (``instance_claim`` writes ``instance.host``), or, for a server of the same request
    (`reservation_id`), whose servers ``select_destinations`` places together, the one the
    scheduler placed it on before any claim; None otherwise."""
    if row.host:
        return row.host
    if reservation_id is not None and row.reservation_id == reservation_id:
        return db.allocated_host(row.uuid)
    return None


def _member_hosts(
    db: Any, group: InstanceGroup, instance_uuid: str, reservation_id: str | None
) -> Counter[str]:
    """The group's hosts as Nova reads them for `instance_uuid` (``get_hosts(exclude=...)``):
    how many of its other live members each host holds."""
    on_host: Counter[str] = Counter()
    rows = db.instances
    for uuid in group.members:
        row = rows.get(uuid)
        if uuid != instance_uuid and row is not None and not row.deleted:
            host = _held_host(db, row, reservation_id)
            if host:
                on_host[host] += 1
    return on_host


#: The check skips a group deleted since the boot (``get_by_hint``'s ``InstanceGroupNotFound``
#: caught: cd2c2f359b, LP #1890244); before, the lookup's error reached
#: ``_build_and_run_instance``'s catch-all and the build was rescheduled.
DELETED_GROUP_IGNORED = Change(
    "26.0.0",
    "cd2c2f359b",
    "ignore deleted server groups in validation",
    backports=(Backport("25.1.1", "7934b9ec57"),),
)


def lost_group(nova: Any, instance_uuid: str) -> str | None:
    """The group hint of a server booted into a group deleted since, where the release's
    late check still looks it up (before 26.0.0 and 25.1.1), else None."""
    hints = nova.scheduler_hints.get(instance_uuid)
    if not hints or not hints.get("group"):
        return None
    if DELETED_GROUP_IGNORED.reaches(nova.kernel.switches.release):
        return None
    hint = hints["group"][0]
    groups = nova.server_groups
    return hint if groups is None or hint not in groups else None


#: The anti-affinity check also counts the members with a move in progress from or to the host
#: (``MigrationList.get_in_progress_by_host_and_node``: not yet confirmed, reverted or ended
#: otherwise), so a boot racing a member's resize or migration no longer lands beside it
#: (33c8af1f8c, LP #1821755; that change also runs the check in ``prep_resize``:
#: `fakecloud.nova.compute.move_reschedule`).
MIGRATIONS_COUNTED = Change(
    "24.0.0",
    "33c8af1f8c",
    "Error anti-affinity violation on migrations",
    backports=(
        Backport("21.2.2", "bf90a1e061"),
        Backport("22.2.2", "6ede6df7f4"),
        Backport("23.0.2", "8b62a4ec9b"),
    ),
)
#: The statuses ``migration_get_in_progress_by_host_and_node`` leaves out (nova 34.0.0 db).
_MOVE_ENDED = frozenset(
    ("confirmed", "reverted", "error", "failed", "completed", "cancelled", "done")
)


def _moving_on(nova: Any, group: InstanceGroup, instance_uuid: str, host: str) -> set[str]:
    """The group's other live members with a move in progress from or to `host` and placed
    elsewhere (those on `host` count already). The query matches a side by host and node
    (each host here has one node, named as the host), so a side whose node is not written
    yet does not count: an evacuation ``accepted`` for a named host until that host's claim
    (``_claim_existing_migration``), a live migration ``accepted`` until the conductor saves
    its nodes before the cast (nova 24.0.0-34.0.0 db ``migration_get_in_progress_by_host_
    and_node``, ``LiveMigrationTask._execute``)."""
    rows = nova.db.instances
    moving = set()
    for migration in (nova.db.migrations or {}).values():
        uuid = migration.instance_uuid
        if (
            migration.status not in _MOVE_ENDED
            and (
                (migration.source_compute == host and migration.source_node == host)
                or (migration.dest_compute == host and migration.dest_node == host)
            )
            and uuid != instance_uuid
            and uuid in group.members
        ):
            row = rows.get(uuid)
            if row is not None and not row.deleted and row.host != host:
                moving.add(uuid)
    return moving


def late_violation(nova: Any, group: InstanceGroup, instance_uuid: str, host: str) -> str | None:
    """``ComputeManager._validate_instance_group_policy`` on `host` after the claim: the
    policy violated (``Anti-affinity``/``Affinity``), else None. Anti-affinity: the host
    already holds ``max_server_per_host`` (1) other members (17.x: any member there, its
    groups have no rules); affinity: the group has hosts and this is not one of them; the soft
    policies are not checked. Only claimed members count: two boots of separate requests that
    the scheduler placed before either reached its host are the race this check catches, the
    one whose compute checks second fails (the check holds the group's lock, ``synchronized``
    on its uuid: here one simulation step). From 24.0.0 (`MIGRATIONS_COUNTED`) members moving
    from or to the host count too."""
    policy = group.policy
    if policy not in HARD_POLICIES:
        return None
    on_host = _member_hosts(nova.db, group, instance_uuid, None)
    if policy == "anti-affinity":
        count = on_host[host]
        if nova.db.migrations and MIGRATIONS_COUNTED.reaches(nova.kernel.switches.release):
            count += len(_moving_on(nova, group, instance_uuid, host))
        if count >= group.rules.get("max_server_per_host", 1):
            return "Anti-affinity"
    elif on_host and host not in on_host:
        return "Affinity"
    return None


#: The policies the compute checks again after its claim (and the scheduler's filters enforce).
HARD_POLICIES = ("anti-affinity", "affinity")


def policy_filter(
    nova: Any, group: InstanceGroup | None, instance_uuid: str
) -> Callable[[str], bool]:
    """``ServerGroupAntiAffinityFilter`` / ``ServerGroupAffinityFilter`` for `instance_uuid`
    (every host passes a soft policy, or no group)."""
    if group is None:
        return lambda h: True
    own = nova.db.instances.get(instance_uuid)
    on_host = _member_hosts(nova.db, group, instance_uuid, own.reservation_id if own else None)
    if group.policy == "anti-affinity":
        most = group.rules.get("max_server_per_host", 1)
        return lambda h: on_host[h] < most
    if group.policy == "affinity" and on_host:
        return lambda h: h in on_host
    return lambda h: True


def pick_host(
    nova: Any, group: InstanceGroup, instance_uuid: str, usable: Callable[[str], bool]
) -> str | None:
    """The host for `instance_uuid`, a member of `group`, among the `usable` ones (None: no
    valid host). The group's hosts are those of its other live members once claimed
    (``_get_group_details``; `_held_host`). ``affinity``: only a group host passes once there
    is one; ``anti-affinity``: a host passes while it has fewer than ``max_server_per_host`` (1)
    members; both then take the least loaded host as any boot does. The soft policies filter
    nothing and weigh the hosts by members on them (``ServerGroupSoftAffinityWeigher``: more
    first; ``ServerGroupSoftAntiAffinityWeigher``: fewer first), ties as any boot's."""
    db = nova.db
    rows = db.instances
    own = rows.get(instance_uuid)
    on_host = _member_hosts(db, group, instance_uuid, own.reservation_id if own else None)
    policy = group.policy
    if policy == "affinity" and on_host:
        return db.least_loaded(nova.hosts, fewest(nova, lambda h: h in on_host and usable(h)))
    if policy == "anti-affinity":
        most = group.rules.get("max_server_per_host", 1)
        # ``select_destinations`` places a request's servers together: one that does not fit
        # whole fails whole (NoValidHost for each, the first placed ones' too).
        free = sum(max(0, most - on_host[h]) for h in nova.hosts if usable(h))
        if free < _unplaced_of_request(db, group, instance_uuid):
            return None
        return db.least_loaded(nova.hosts, fewest(nova, lambda h: on_host[h] < most and usable(h)))
    if policy in ("soft-affinity", "soft-anti-affinity") and on_host:
        sign = -1 if policy == "soft-affinity" else 1
        first = fewest(nova, usable)
        hosts = [h for h in nova.hosts if first(h)]
        if not hosts:
            return None
        return min(hosts, key=lambda h: (sign * on_host[h], db.host_load(h), h))
    return db.least_loaded(nova.hosts, fewest(nova, usable))
