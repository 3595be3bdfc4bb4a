"""A build that fails on its host: the compute's late server group check and the reschedule
(``ComputeManager._validate_instance_group_policy``, ``_build_and_run_instance``,
``_do_build_and_run_instance``; nova 17.0.13, 20.6.0, 26.2.2, 27.2.0, 28.0.0, 34.0.0).

After its claim the compute checks the server's group again, under the group's lock: two
boots the scheduler placed before either reached its host can both pass the filters, and the
one checked second fails here (`server_groups.late_violation`). A failed claim (fault point
``nova.compute.instance_claim``, `claim_failed`) and a failed spawn (fault point
``nova.libvirt.spawn``, `spawn_failed`) fail the same way. The failure is a
``RescheduledException``: with retry information (every scheduled build) the server goes back
to the conductor, which tries the scheduler's next alternate (`Conductor.build_instances`);
a forced host has none (``populate_retry`` leaves it out), so the server goes to ERROR with
the reason as its fault.

    >>> late_group_check(manager, instance)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.nova import block_device, exception, server_groups, states, trusted_certs
from fakecloud.nova.compute.utils import format_traceback, nil_out_host_and_node
from fakecloud.profiles.provenance import Backport, Change

#: ``GroupAffinityViolation``, re-raised as ``RescheduledByPolicyException`` with its own text
#: (no period) as the reason (56d320a203, "Fix failed count for anti-affinity check"); before,
#: the check raised a ``RescheduledException`` that ``_build_and_run_instance``'s catch-all
#: wrapped in another, its reason "Build of instance X was re-scheduled: ... violated.".
POLICY_EXCEPTION = Change(
    "28.0.0",
    "56d320a203",
    "Fix failed count for anti-affinity check",
    backports=(
        Backport("25.3.0", "cd0403dd3b"),
        Backport("26.2.1", "2f1d65774f"),
        Backport("27.2.0", "1b56714e91"),
    ),
)
#: The no-retry branch stops detaching and deleting the server's volumes (``_cleanup_volumes``
#: dropped: 26c46a409f, LP #1899649): they stay reserved for the ERROR server.
NO_RETRY_KEEPS_VOLUMES = Change(
    "23.0.0",
    "26c46a409f",
    "Don't detach volumes when RescheduledException raised without retry",
    backports=(Backport("22.1.0", "eda458828b"),),
)


def late_group_check(manager: Any, instance: Any) -> None:
    """``_validate_instance_group_policy`` on `manager`'s host: nothing, or the
    ``RescheduledException`` ``_build_and_run_instance`` turns the violation into, after its
    ``create.error`` notification (``[workarounds] disable_group_policy_check_upcall`` is not
    modelled: the check always runs). A group deleted since the boot: skipped from 26.0.0
    and 25.1.1; before, ``Instance group X could not be found.`` fails the build the same way."""
    nova = manager.nova
    uuid = instance.uuid
    group = server_groups.group_of(nova, uuid)
    if group is None:
        hint = server_groups.lost_group(nova, uuid)
        if hint is not None:
            _failed(manager, instance, server_groups.InstanceGroupNotFound(group_uuid=hint))
        return
    policy = server_groups.late_violation(nova, group, uuid, manager.host)
    if policy is None:
        return
    if POLICY_EXCEPTION.reaches(manager.switches.release):
        raised: Exception = exception.GroupAffinityViolation(instance_uuid=uuid, policy=policy)
        outer: type[exception.RescheduledException] = exception.RescheduledByPolicyException
    else:
        raised = exception.RescheduledException(
            instance_uuid=uuid, reason=f"{policy} instance group policy was violated."
        )
        outer = exception.RescheduledException
    _failed(manager, instance, raised, outer)


def _failed(
    manager: Any,
    instance: Any,
    raised: Exception,
    outer: type[exception.RescheduledException] = exception.RescheduledException,
) -> None:
    """``_build_and_run_instance``'s handler: ``create.error`` with `raised` (``fault=e``:
    `exception_to_dict`'s keys), then the `outer` reschedule exception with its text as its
    reason."""
    manager.notifier.instance_create(manager.host, instance, "error", raised)
    raise outer(instance_uuid=instance.uuid, reason=str(raised)) from raised


#: The fault point a build's claim consults (`claim_failed`).
CLAIM = "nova.compute.instance_claim"


def claim_failed(manager: Any, context: Any, instance: Any) -> Generator[Any, Any, None]:
    """``rt.instance_claim`` at fault point ``nova.compute.instance_claim`` (host,
    instance_uuid; usually ``ComputeResourcesUnavailable``): nothing, or the claim's test
    failed before ``_set_instance_host_and_node``, so the server never shows this host;
    ``_build_and_run_instance`` sends ``create.error`` and raises the ``RescheduledException``
    with the error's text as its reason (its ``except ComputeResourcesUnavailable``, or its
    catch-all for any other error; nova 17.0.13-34.0.0), rescheduled as a failed spawn is."""
    try:
        yield from manager.kernel.faults.pause(
            CLAIM, host=manager.host, instance_uuid=instance.uuid
        )
    except Exception as exc:  # noqa: BLE001 - whatever the rule raises
        _failed(manager, instance, exc)


#: What ``_build_and_run_instance`` aborts a build on when the driver's spawn raises it (its
#: own ``except`` before the catch-all; nova 17.0.13-34.0.0).
ABORTING = (exception.ImageUnacceptable, trusted_certs.SignatureVerificationError)


def spawn_failed(
    manager: Any, context: Any, instance: Any, bdms: list[Any], exc: Exception
) -> Generator[Any, Any, None]:
    """The driver failed to spawn: ``_build_resources`` shuts the instance down
    (``_shutdown_instance``: ``shutdown.start``/``end``, legacy and versioned, the guest
    destroyed, each volume's attachment deleted, a failure logged and ignored; the mappings
    keep their attachment ids), then ``_build_and_run_instance``'s catch-all sends
    ``create.error`` and raises the ``RescheduledException`` with the error's text as its
    reason (nova 17.0.13-34.0.0); an image the driver refused (``ImageUnacceptable``,
    cursive's ``SignatureVerificationError``) is its own ``except``: the build aborted, not
    rescheduled."""
    notifier, host = manager.notifier, manager.host
    notifier.usage_and_action(host, instance, "shutdown.start")
    manager.driver.destroy(instance)
    yield from block_device.end_attachments(manager, context, instance, bdms, forget=False)
    notifier.usage_and_action(host, instance, "shutdown.end")
    if isinstance(exc, ABORTING):
        _failed(manager, instance, exc, exception.BuildAbortException)
    _failed(manager, instance, exc)


def rescheduled(
    manager: Any,
    context: Any,
    instance: Any,
    image: dict[str, Any] | None,
    exc: exception.RescheduledException,
    host_list: list[str] | None,
    retry: dict[str, Any] | None,
) -> Generator[Any, Any, None]:
    """``_do_build_and_run_instance``'s ``except RescheduledException``. No `retry` (a forced
    host): networks cleaned up, before 22.1.0 the volumes detached and deleted as after an
    aborted build, a fault with the reason as its message, host and node cleared, ERROR.
    Otherwise: networks cleaned up, host and node cleared, ``scheduling`` again, the
    allocation dropped and the server cast back to the conductor with what is left of its
    alternates."""
    db = manager.db
    reason = exc.kwargs["reason"]
    db.network_deallocate(instance.uuid)  # ``_cleanup_allocated_networks``
    if retry is None:
        if not NO_RETRY_KEEPS_VOLUMES.reaches(manager.switches.release):
            yield from block_device.cleanup_after_aborted_build(
                manager, context, instance, db.bdms_by_instance(instance.uuid)
            )
        db.fault_create(instance.uuid, exc, manager.host, format_traceback(exc), message=reason)
        nil_out_host_and_node(instance, manager.switches)
        instance.set_error_state()
        return
    retry["exc_reason"] = reason
    nil_out_host_and_node(instance, manager.switches)
    instance.task_state = states.SCHEDULING
    try:
        # Nova saves without an expected state; a server deleted meanwhile is the delete's to
        # clean up either way (its terminate waits for the build's lock, then destroys it).
        instance.save(expected_task_state=(None, states.SCHEDULING, states.SPAWNING))
    except (exception.InstanceNotFound, exception.UnexpectedTaskStateError):
        return
    # ``delete_allocation_for_instance`` (nova 17.0.13 ``_delete_allocation_for_instance``,
    # 34.0.0 ``force=True``): until the conductor places it again the server holds no host
    db.allocation_delete(instance.uuid)
    manager.kernel.spawn(
        manager.nova.conductor.build_instances(context, instance, image, host_list, retry),
        name=f"nova-conductor reschedule {instance.uuid}",
    )
