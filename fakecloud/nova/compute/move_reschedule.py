"""A resize or cold migration that fails on its destination: ``prep_resize``'s late server
group check and the move's reschedule (``ComputeManager.prep_resize``/``_do_prep_resize``,
``_validate_instance_group_policy``, ``_reschedule_resize_or_reraise``,
``_error_out_instance_on_exception``; nova 23.2.2, 26.2.2, 27.2.0, 28.0.0, 34.0.0).

The check came with the migrations it counts (33c8af1f8c, LP #1821755: 24.0.0, backports
21.2.2, 22.2.2, 23.0.2; `server_groups.MIGRATIONS_COUNTED`); before, ``prep_resize`` claimed
whatever the scheduler chose. The scheduler's group filter reads the members' hosts, and a
moving member's host is its source until ``resize_instance`` has copied its disk, so two moves
of one anti-affinity group can both be sent to one host; the destination whose check comes
second (the other's migration already names it) fails:

* until 27.2.0 (and 25.3.0, 26.2.1) the check raises ``RescheduledException`` ('Build of
  instance X was re-scheduled: Anti-affinity instance group policy was violated.'), which
  ``_do_prep_resize`` wraps in ``InstanceFaultRollback``;
* from 28.0.0 and those backports (56d320a203, `reschedule.POLICY_EXCEPTION`) it raises
  ``GroupAffinityViolation`` ('Anti-affinity instance group policy was violated'), which that
  ``except RescheduledException`` no longer catches.

With ``retry`` (a scheduled move of a hard-policy member, `conductor_migrate._retry_info`) the
compute calls the conductor back (`conductor_migrate.reschedule`): the next alternate gets the
same migration, the failed host records a fault with the exception it caught and
``resize.error``, and its ``compute_prep_resize`` event succeeds. Without one (a 2.56 host, no
alternate left: the conductor's 'No valid host found for resize' fault first) the exception
goes on: ``InstanceFaultRollback`` puts the server back in its vm_state and its inner exception
is the fault; ``GroupAffinityViolation`` sets ERROR; the migration is ``error``, the event
Error, task_state none.

A failed claim (fault point ``nova.compute.resize_claim``, `claim_failure`) is rescheduled
the same way in every release (17.0.13 and 20.6.0 too); not retried it sets ERROR.

    >>> violated = late_move_check(manager, instance)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.nova import conductor_migrate, exception, server_groups
from fakecloud.nova.compute.reschedule import POLICY_EXCEPTION
from fakecloud.nova.compute.utils import format_traceback

#: The fault point a move's claim consults (`claim_failure`).
CLAIM = "nova.compute.resize_claim"


def claim_failure(manager: Any, instance: Any) -> Generator[Any, Any, Exception | None]:
    """``_prep_resize``'s ``rt.resize_claim`` at fault point ``nova.compute.resize_claim``
    (host, instance_uuid; usually ``ComputeResourcesUnavailable``): None, or the error, which
    ``_do_prep_resize`` reschedules as any other (nova 17.0.13-34.0.0); not retried, it sets
    ERROR."""
    try:
        yield from manager.kernel.faults.pause(
            CLAIM, host=manager.host, instance_uuid=instance.uuid
        )
    except Exception as exc:  # noqa: BLE001 - whatever the rule raises
        return exc
    return None


def late_move_check(manager: Any, instance: Any) -> Exception | None:
    """``_validate_instance_group_policy`` in ``prep_resize`` on `manager`'s host, where the
    release runs it: None, or what ``_do_prep_resize``'s ``except Exception`` catches. A group
    deleted since the boot: 26.0.0 and 25.1.1 skip the check; before, the look-up's
    ``InstanceGroupNotFound`` is caught as any failure."""
    nova = manager.nova
    if nova.server_groups is None:
        return None
    release = manager.switches.release
    if not server_groups.MIGRATIONS_COUNTED.reaches(release):
        return None
    uuid = instance.uuid
    group = server_groups.group_of(nova, uuid)
    if group is None:
        hint = server_groups.lost_group(nova, uuid)
        if hint is None:
            return None
        return server_groups.InstanceGroupNotFound(group_uuid=hint)
    policy = server_groups.late_violation(nova, group, uuid, manager.host)
    if policy is None:
        return None
    if POLICY_EXCEPTION.reaches(release):
        return exception.GroupAffinityViolation(instance_uuid=uuid, policy=policy)
    return exception.InstanceFaultRollback(
        exception.RescheduledException(
            instance_uuid=uuid, reason=f"{policy} instance group policy was violated."
        )
    )


def prep_failed(
    manager: Any,
    context: Any,
    instance: Any,
    migration: Any,
    event: Any,
    failure: Exception,
    host_list: list[str] | None,
    retry: dict[str, Any] | None,
) -> Generator[Any, Any, None]:
    """``_do_prep_resize`` after `failure`: ``resize.prep.start`` was sent; reschedule or
    re-raise (`_reschedule_resize_or_reraise`), ``resize.prep.end`` either way (its
    ``finally``), then the decorators' work for a failure that goes on."""
    host = manager.host
    notifier = manager.notifier
    old_state = instance.vm_state
    try:
        raise failure  # the fault's details: the traceback Nova's exc_info holds
    except Exception as caught:  # noqa: BLE001
        failure = caught
    rescheduled = False
    if retry is not None:
        try:
            yield from conductor_migrate.reschedule(
                manager.nova, context, instance, migration, host_list or [], retry
            )
            rescheduled = True
        except exception.NoValidHost as error:
            _fault_and_error(manager, instance, error)
    if rescheduled:
        _fault_and_error(manager, instance, failure)
    notifier.instance_usage(host, instance, "resize.prep.end")
    notifier.instance_action(host, "nova-compute", instance, "resize_prep.end")
    if rescheduled:
        event.finish()
        return
    raised = failure
    try:
        if isinstance(failure, exception.InstanceFaultRollback):
            raised = failure.inner_exception
            instance.vm_state = old_state
            instance.task_state = None
            instance.save()
        else:
            instance.set_error_state()
    except exception.InstanceNotFound:
        pass
    manager.db.migration_save(migration, "error", manager.actor)
    manager.db.fault_create(instance.uuid, raised, host, format_traceback(raised))
    event.finish(raised)
    if instance.task_state is not None:  # ``reverts_task_state``
        instance.task_state = None
        try:
            instance.save()
        except exception.InstanceNotFound:
            pass
    # ``wrap_exception``: legacy ``prep_resize`` (ERROR) and versioned ``compute.exception``
    notifier.exception(host, "prep_resize", raised, instance=instance.uuid)


def _fault_and_error(manager: Any, instance: Any, exc: Exception) -> None:
    """A fault from `exc`, then legacy ``resize.error`` and versioned ``instance.resize.error``
    (``_reschedule_resize_or_reraise``)."""
    host = manager.host
    manager.db.fault_create(instance.uuid, exc, host, format_traceback(exc))
    manager.notifier.usage_error(host, instance, "resize.error", exc)
    manager.notifier.instance_action(
        host, "nova-compute", instance, "resize.error", priority="ERROR", error=exc
    )
