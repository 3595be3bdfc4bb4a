"""Replication of generic volume groups ("Tiramisu", 3.38): ``enable_replication``,
``disable_replication``, ``failover_replication`` and ``list_replication_targets`` of
``POST /groups/{id}/action`` (``api/v3/groups.py``, ``group/api.py`` ``_check_type`` and the
four actions, ``volume/manager.py``'s, ``volume/driver.py`` ``BaseVD``'s; 12.0.10-29.0.0
alike).

The API checks, in order: the policy (``group:enable_replication``, ...); the group's type is
a replication one (its spec ``group_replication_enabled`` or
``consistent_group_replication_enabled`` exactly ``<is> True``, else ``InvalidGroupType``);
each volume type's ``replication_enabled`` is ``<is> True`` (else ``InvalidVolumeType``); the
group's status and replication status, and each member's. Then the group and its volumes are
marked ``enabling`` (``disabling``, ``failing-over``) and the action is cast to the group's
backend. The targets are an RPC call to the volume service, answered from its
``replication_device`` configuration (an ``rbd`` backend's, `fakecloud.cinder.replication`:
each entry whole for an admin, its ``backend_id`` for others; else an empty list).

No backend kind here has a driver that replicates groups (LVM, RBD and the copy driver keep
``BaseVD``'s ``NotImplementedError``: RBD replicates volumes, not groups), and only an ``rbd``
backend with ``replication_device`` reports ``replication_enabled``: elsewhere a replicated
volume type leaves no backend for the group (it is ``error``). What the manager
then does is Cinder's: its own checks pass, the driver raises ``NotImplementedError``, which
is no ``CinderException``, so nothing catches it: the group and its volumes stay
``enabling`` (``disabling``, ``failing-over``) and the error is only logged (a
``cinder.error`` trace event here).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.api.http import HttpError
from fakecloud.cinder import exception, faults, replication
from fakecloud.cinder.groups_models import Group
from fakecloud.sim.rpc import MessagingTimeout
from fakecloud.sim.states import StateMachine

#: The group specs that make a group type a replication one (``Group.is_replicated``).
REPLICATED_GROUP_SPECS = ("group_replication_enabled", "consistent_group_replication_enabled")

_MOVES: dict[str | None, set[str]] = {
    "disabled": {"enabling"},
    "enabled": {"enabling", "disabling", "failing-over"},
    "enabling": {"enabled", "error"},
    "error": {"disabling"},
    "disabling": {"disabled", "error"},
    "failed-over": {"failing-over"},
    "failing-over": {"failed-over", "enabled", "error"},
}
#: ``fields.ReplicationStatus`` of a group, as the replication actions move it.
GROUP_REPLICATION_STATUS = StateMachine("group.replication_status", _MOVES)
#: The same of a volume in a replicated group.
VOLUME_REPLICATION_STATUS = StateMachine("volume.replication_status", _MOVES)

ACTOR = "cinder-api"
#: Each action: (the group statuses it accepts, the replication statuses it accepts, the
#: statuses a member volume may have (None: not checked), the replication status it sets,
#: the verb of its messages).
ACTIONS = {
    "enable_replication": (
        ["available"], ["disabled", "enabled"], ["available", "in-use"], "enabling", "enable"
    ),
    "disable_replication": (["available", "error"], ["enabled", "error"], None, "disabling",
                            "disable"),
    "failover_replication": (
        ["available"], ["enabled", "failed-over"], ["available", "in-use"], "failing-over",
        "failover",
    ),
}  # fmt: skip


#: ``strutils.TRUE_STRINGS``.
_TRUE_WORDS = ("1", "t", "true", "on", "y", "yes")


def _is_true(spec: Any) -> bool:
    """``volume_utils.is_boolean_str``: ``<is>`` and a true word."""
    words = spec.split() if isinstance(spec, str) else []
    return len(words) == 2 and words[0] == "<is>" and words[1].lower() in _TRUE_WORDS


def check_type(cinder: Any, group: Group) -> None:
    """``API._check_type``."""
    gtype = cinder.group_api.tables().types.get(group.group_type_id)
    specs = gtype.group_specs if gtype is not None else {}
    if not any(specs.get(key) == "<is> True" for key in REPLICATED_GROUP_SPECS):
        raise exception.InvalidGroupType(
            reason=f"Group {group.id} is not a replication group type."
        )
    for type_id in group.volume_type_ids:
        vtype = cinder._types_by_id.get(type_id)
        if vtype is None or not _is_true(vtype.extra_specs.get("replication_enabled")):
            raise exception.InvalidVolumeType(
                reason=f"Volume type {type_id} does not have 'replication_enabled' spec key set "
                "to '<is> True'."
            )


def act(cinder: Any, context: Any, group: Group, action: str, allow_attached: bool) -> None:
    """``API.enable_replication`` / ``disable_replication`` / ``failover_replication``: the
    checks, the rows marked, the cast to the group's backend."""
    cinder.group_api._authorize(context, f"group:{action}", group.project_id, group.user_id)
    check_type(cinder, group)
    valid, valid_rep, valid_vol, marking, verb = ACTIONS[action]
    tail = f"Cannot {verb} replication."
    if group.status not in valid:
        raise exception.InvalidGroup(
            reason=f"Group {group.id} status must be {valid}, but current status is: "
            f"{group.status}. {tail}"
        )
    if group.replication_status not in valid_rep:
        raise exception.InvalidGroup(
            reason=f"Group {group.id} replication status must be {valid_rep}, but current "
            f"status is: {group.replication_status}. {tail}"
        )
    k = cinder.kernel
    volumes = cinder.group_api.members(group)
    for vol in volumes:
        if valid_vol is not None and vol.status not in valid_vol:
            raise exception.InvalidVolume(
                reason=f"Volume {vol.id} status must be {valid_vol}, but current status is: "
                f"{vol.status}. {tail}"
            )
        if action == "failover_replication" and vol.status == "in-use" and not allow_attached:
            raise exception.InvalidVolume(
                reason=f"Volume {vol.id} is attached but allow_attached_volume flag is False. "
                f"{tail}"
            )
        # A volume no replicating driver made has none (null: `fakecloud.cinder.models`),
        # which no action takes.
        if vol.replication_status not in valid_rep:
            raise exception.InvalidVolume(
                reason=f"Volume {vol.id} replication status must be {valid_rep}, but current "
                f"status is: {vol.replication_status}. {tail}"
            )
        # Cinder saves each volume as it goes: those before a refused one stay marked
        VOLUME_REPLICATION_STATUS.move(k, vol, marking, actor=ACTOR, field="replication_status")
    GROUP_REPLICATION_STATUS.move(k, group, marking, actor=ACTOR, field="replication_status")
    backend = group.backend or next(iter(cinder.drivers))
    k.rpc.cast(cinder.volume_target(backend), action, group_id=group.id)


def list_targets(cinder: Any, context: Any, group: Group) -> Generator:
    """``API.list_replication_targets``: the policy, `check_type`, then an RPC call to the
    group's volume service (any one when the group has no host); one that is down times the
    call out, which nothing catches: a 500."""
    cinder.group_api._authorize(
        context, "group:list_replication_targets", group.project_id, group.user_id
    )
    check_type(cinder, group)
    backend = group.backend or next(iter(cinder.drivers))
    try:
        targets = yield from cinder.kernel.rpc.call(
            cinder.volume_target(backend),
            "list_replication_targets",
            group_id=group.id,
            is_admin=context.is_admin,
        )
    except MessagingTimeout:
        raise HttpError(500, faults.GENERIC[500]) from None
    return targets


def manager_act(manager: Any, group_id: str, action: str) -> None:
    """``VolumeManager.enable_replication`` (and the other two) on a driver without group
    replication: the manager's checks pass (the API marked the rows), then the driver's
    ``NotImplementedError`` escapes the manager, only logged: every row stays as marked."""
    group = manager.cinder.group_api.tables().groups.get(group_id)
    if group is None or group.replication_status != ACTIONS[action][3]:
        return  # (Cinder: InvalidGroup, logged)
    manager.kernel.trace.emit(
        "cinder.error", manager.actor, group_id, op=action, error="NotImplementedError"
    )


def manager_targets(manager: Any, is_admin: bool) -> dict[str, list]:
    """``VolumeManager.list_replication_targets``: the backend's ``replication_device``
    entries (`fakecloud.cinder.replication`), each whole for an admin, else its
    ``backend_id`` alone; none on a backend without."""
    devices = replication.devices(manager.driver.spec)
    if is_admin:
        return {"replication_targets": [dict(d) for d in devices]}
    return {"replication_targets": [{"backend_id": dict(d)["backend_id"]} for d in devices]}
