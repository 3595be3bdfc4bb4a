"""The compute API's part of a resize or cold migration, and of its confirm and revert
(``nova/compute/api.py`` ``resize``, ``confirm_resize``, ``revert_resize``: 17.0.13, 20.6.0,
21.2.4, 23.2.2, 27.5.1, 29.2.0, 34.0.0), after `API`'s lock and state gates.

A resize asks for another flavor; a migrate (``flavor_id`` None) keeps it and may name a host
(2.56). The checks, in Nova's order: from 21.0.0 the server's compute is up
(`ServiceUnavailable`, 409); a named host is not the server's own
(`CannotMigrateToSameHost`) and has a compute node (`ComputeHostNotFound`); the flavor exists
(for the caller since LP #2151256's fix, for an admin before) and is enabled
(`FlavorNotFound`), an image-backed server keeps a root disk
(`CannotResizeDisk`), the flavor changes (`CannotResizeToSameFlavor`); an upsize fits the
cores and ram quotas (`TooManyInstances`, 403); from 19.0.0 (5e7b840e48) the new flavor holds
the server's image (its ``min_ram`` and ``min_disk``: `FlavorMemoryTooSmall`,
`FlavorDiskSmallerThanMinDisk`; for a volume-backed server neither from 19.0.1 to 29.x, and
``min_ram`` alone from 30.0.0: `_check_flavor_image`) and its CPU policies agree with the
image's (`fakecloud.nova.cpu_policy`: ``numa_get_constraints``, a 400). Then ``resize_prep``,
the ``resize`` or ``migrate`` action, and the conductor's ``migrate_server``: an RPC call the
API waits for before 21.0.0 (a `NoValidHost` is the API's 400), a cast from 21.0.0
(``do_cast=True``).
Unless ``[DEFAULT] allow_resize_to_same_host`` (default False) lets a resize stay, the
server's own host is ignored by the scheduler.

A confirm (the server ``resized``) finds the ``finished`` migration (`MigrationNotFoundByStatus`:
400), from 21.1.1 (5f3c33a4f1, backport of e4601c77fb) checks the source compute is up
(`ServiceUnavailable`, 409), marks it ``confirming``, records ``confirmResize`` and casts
``confirm_resize`` to the source host. A revert checks the downsize back fits the quotas, sets
the zone back to the source host's, ``resize_reverting``, the migration ``reverting``, records
``revertResize`` and casts ``revert_resize`` to the destination host.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from fakecloud.nova import (
    aggregates,
    cpu_policy,
    destination,
    exception,
    flavors,
    quota,
    services,
    states,
)
from fakecloud.nova.compute import disk_config, zero_disk
from fakecloud.nova.compute import utils as compute_utils
from fakecloud.nova.limit import placement as placement_limit
from fakecloud.nova.limit import utils as limit_utils
from fakecloud.nova.objects import Flavor, Instance

RESIZE = "resize"
MIGRATE = "migrate"
CONFIRM_RESIZE = "confirmResize"
REVERT_RESIZE = "revertResize"

#: ``_validate_flavor_image_nostatus`` in ``API.resize`` (5e7b840e48).
IMAGE_CHECK_SINCE = (19, 0, 0)
#: ``compute_task_api.resize_instance(..., do_cast=True)``: the API no longer waits.
ASYNC_SINCE = (21, 0, 0)
#: ``@check_instance_host(check_is_up=True)`` on ``resize``: the source compute must be up
#: (ea2ea492a3, "Ensure source service is up before resizing/migrating").
SOURCE_UP_SINCE = (21, 0, 0)
#: From 21.0.0 (891b8f9e98, "Use named kwargs in compute.API.resize") every resize and
#: cold migration sets ``auto_disk_config`` to the request's ``OS-DCF:diskConfig`` or False;
#: before, ``instance.update(extra_instance_updates)`` set it only when the request named one.
AUTO_DISK_CONFIG_RESET_SINCE = (21, 0, 0)
#: ``confirm_resize`` checks the source compute is up (5f3c33a4f1, backport to 21.1.1).
CONFIRM_SOURCE_UP_SINCE = (21, 1, 1)
GiB = 1024**3
API_ACTOR = "nova-api"


def resize(
    api: Any,
    context: Any,
    instance: Instance,
    flavor_id: str | None,
    host_name: str | None,
    auto_disk_config: bool | None = None,
) -> Generator[Any, Any, None] | None:
    """``API.resize`` after its gates: the checks, the claim (with `auto_disk_config`, see
    `AUTO_DISK_CONFIG_RESET_SINCE`), the action, the conductor."""
    nova = api.nova
    version = nova.kernel.switches.release.version
    if version >= SOURCE_UP_SINCE:
        require_host(nova, instance, check_is_up=True)
    where = None
    if host_name is not None:
        if host_name == instance.host:
            raise exception.CannotMigrateToSameHost()
        # The node found (case-insensitively under MySQL) names the destination.
        found = services.compute_host_named(nova, host_name)
        if found is None:
            raise exception.ComputeHostNotFound(host=host_name)
        where = destination.Destination(host=found, node=found)
    disk_config.check_instance(instance.system_metadata, auto_disk_config)
    current = instance.flavor
    bdms = None
    if not flavor_id:
        new = current
    else:
        new = _new_flavor(nova, context, flavor_id)
        if new.root_gb == 0 and current.root_gb != 0:
            bdms = nova.db.bdms_by_instance(instance.uuid)
            if not compute_utils.is_volume_backed_instance(instance, bdms):
                raise exception.CannotResizeDisk(
                    reason="Resize to zero disk flavor is not allowed."
                )
    same = current.flavorid == new.flavorid
    if not same and new.disabled:
        raise exception.FlavorNotFound(flavor_id=flavor_id)
    if same and flavor_id:
        raise exception.CannotResizeToSameFlavor()
    if flavor_id:
        check_quota_for_upsize(nova, context, instance, current, new)
    if not same and version >= IMAGE_CHECK_SINCE:
        if bdms is None:
            bdms = nova.db.bdms_by_instance(instance.uuid)
        backed = compute_utils.is_volume_backed_instance(instance, bdms)
        _check_flavor_image(nova, context, instance, new, backed, version)
    instance.task_state = states.RESIZE_PREP
    instance.progress = 0
    instance.save(expected_task_state=[None])
    if version >= AUTO_DISK_CONFIG_RESET_SINCE:
        auto_disk_config = auto_disk_config or False
    if auto_disk_config is not None and auto_disk_config != instance.auto_disk_config:
        nova.db.instance_set_fixed(instance, auto_disk_config=auto_disk_config)
    api._record_action_start(context, instance, RESIZE if flavor_id else MIGRATE)
    from fakecloud.nova import conductor_migrate

    # ``_allow_resize_to_same_host``: a resize may stay when the option says so; a cold
    # migration never does (libvirt reports no ``COMPUTE_SAME_HOST_COLD_MIGRATE``).
    stay = bool(flavor_id) and not same and nova.config.allow_resize_to_same_host
    ignore = () if stay else (instance.host,)
    if version < ASYNC_SINCE:
        return conductor_migrate.migrate_server(nova, context, instance, new, where, ignore)
    work = conductor_migrate.migrate_server_cast(nova, context, instance, new, where, ignore)
    nova.kernel.spawn(work, name=f"nova-conductor migrate_server {instance.uuid}")
    return None


def _new_flavor(nova: Any, context: Any, flavor_id: str) -> Flavor:
    """``get_flavor_by_flavor_id``: with the caller's context (fixed LP #2151256), or before
    the fix an admin context that finds any flavor, another project's private one too."""
    if nova.kernel.switches.lp2151256:
        found = nova.flavors.get(flavor_id)
        if found is None:
            raise exception.FlavorNotFound(flavor_id=flavor_id)
        return found
    return flavors.get_by_flavor_id(nova, context, flavor_id)


def require_host(nova: Any, instance: Instance, check_is_up: bool = False) -> None:
    """Nova's ``@check_instance_host(check_is_up=...)`` where a release gates it: no host at
    all (a server reset to active after its shelve offload) is ``InstanceNotReady``, then with
    `check_is_up` a compute that is down is ``ServiceUnavailable``."""
    if not instance.host:
        raise exception.InstanceNotReady(instance_id=instance.uuid)
    if check_is_up and not _service_is_up(nova, instance.host):
        raise exception.ServiceUnavailable()


def _service_is_up(nova: Any, host: str) -> bool:
    """``servicegroup_api.service_is_up`` of `host`'s nova-compute (`services.service_is_up`)."""
    return services.service_is_up(nova, host)


def _check_flavor_image(
    nova: Any, context: Any, instance: Instance, flavor: Flavor, volume_backed: bool, version: tuple
) -> None:
    """``_validate_flavor_image_nostatus`` with the image of the server's system metadata
    (``get_image_from_system_metadata``: ``min_ram`` and ``min_disk``, no size, its
    properties): ``min_ram``, then the new flavor's root disk against ``min_disk`` (a disk
    below it `FlavorDiskSmallerThanMinDisk`; no disk at all the zero-disk rule, `zero_disk`),
    then ``numa_get_constraints`` of the new flavor with them, so a flavor whose CPU policy the
    image's contradicts, or that its release does not know, is a 400 (`cpu_policy`). An
    image-backed server resized from a disk to none is `CannotResizeDisk` before this.

    A volume-backed server took the same path in 19.0.0 alone (LP #1825020, switch
    ``lp1825020``: its root read as the flavor's local disk, whose ``min_disk`` in the system
    metadata is at least the boot flavor's ``root_gb``); from 19.0.1 and 20.0.0 (8aae3e39e5,
    backport 3285210add) it is ``_validate_flavor_image_numa_pci`` alone, and from 30.0.0
    (f3eb76e57b, switch ``volume_backed_resize_min_ram``) that and then ``min_ram`` (nova
    19.0.0, 19.3.2, 27.5.1, 30.2.0 ``compute/api.py`` ``API.resize``)."""
    sysmeta = instance.system_metadata
    switches = nova.kernel.switches
    min_ram = int(sysmeta.get("image_min_ram") or 0)
    image = compute_utils.get_image_from_system_metadata(sysmeta)
    if volume_backed and not switches.lp1825020:
        cpu_policy.check(
            flavor, version, cpu_policy.image_properties(image, version), switches, image
        )
        if switches.volume_backed_resize_min_ram and flavor.memory_mb < min_ram:
            raise exception.FlavorMemoryTooSmall()
        return
    if flavor.memory_mb < min_ram:
        raise exception.FlavorMemoryTooSmall()
    if flavor.root_gb:
        root_bytes = flavor.root_gb * GiB
        min_disk = int(sysmeta.get("image_min_disk") or 0) * GiB
        if min_disk > root_bytes:
            raise exception.FlavorDiskSmallerThanMinDisk(
                flavor_size=root_bytes, image_min_disk=min_disk
            )
    else:
        zero_disk.check(nova, context, flavor)
    cpu_policy.check(flavor, version, cpu_policy.image_properties(image, version), switches, image)


class OverQuotaDetailKeyError(KeyError):
    """``get_over_quota_detail``'s ``requested[resource]`` for a resource the project (or
    user) is over although the resize adds none of it (``deltas`` holds only what grows):
    Nova's own KeyError, its unexpected-error 500 (``<class 'KeyError'>``), 17.0.0 to 34.0.0
    and master alike."""

    real_class_path = "KeyError"


def check_quota_for_upsize(
    nova: Any,
    context: Any,
    instance: Instance,
    current: Flavor,
    new: Flavor,
    is_revert: bool = False,
) -> None:
    """``_check_quota_for_upsize``: the cores and ram a larger flavor adds
    (``upsize_quota_delta``) must fit the project's quotas and the user's
    (`quota.check_counted`), else `TooManyInstances` with ``get_over_quota_detail``'s numbers
    (the user's usage: the user is always counted; 17.0.13-34.0.0 alike), or
    `OverQuotaDetailKeyError` where one of the resources over is none the resize adds.
    Under unified limits (not for a revert) one more server of the `new` flavor must fit the
    project's usage, as Placement will hold both flavors, whatever the change
    (`placement_limit.enforce_num_instances_and_flavor`), and no legacy quota is checked."""
    if not is_revert and limit_utils.use_unified_limits(nova):
        project_id, _user_id = quota.ids_from_instance(context, instance)
        bdms = nova.db.bdms_by_instance(instance.uuid)
        is_bfv = compute_utils.is_volume_backed_instance(instance, bdms)
        placement_limit.enforce_num_instances_and_flavor(nova, project_id, new, is_bfv, 1, 1)
    deltas = {}
    if new.vcpus - current.vcpus > 0:
        deltas["cores"] = new.vcpus - current.vcpus
    if new.memory_mb - current.memory_mb > 0:
        deltas["ram"] = new.memory_mb - current.memory_mb
    if not deltas or not quota.legacy_checks(nova):
        return
    _project_id, user_id = quota.ids_from_instance(context, instance)
    requested = {"cores": deltas.get("cores", 0), "ram": deltas.get("ram", 0)}
    overs, quotas, usages = quota.check_counted(nova, instance.project_id, user_id, requested)
    if not overs:
        return
    for resource in overs:
        if resource not in deltas:
            raise OverQuotaDetailKeyError(resource)
    raise exception.TooManyInstances(
        overs=", ".join(overs),
        req=", ".join(str(deltas[r]) for r in overs),
        used=", ".join(str(usages[r]) for r in overs),
        allowed=", ".join(str(quotas[r]) for r in overs),
    )


def confirm_resize(api: Any, context: Any, instance: Instance) -> None:
    """``API.confirm_resize`` after its gates."""
    nova = api.nova
    migration = nova.db.migration_by_instance_and_status(instance.uuid, "finished")
    since = nova.kernel.switches.release.version >= CONFIRM_SOURCE_UP_SINCE
    if since and not _service_is_up(nova, migration.source_compute):
        raise exception.ServiceUnavailable()
    nova.db.migration_save(migration, "confirming", API_ACTOR)
    api._record_action_start(context, instance, CONFIRM_RESIZE)
    api.compute_rpcapi.cast(
        context, instance, "confirm_resize", migration.source_compute, migration=migration
    )


def revert_resize(api: Any, context: Any, instance: Instance) -> None:
    """``API.revert_resize`` after its gates."""
    nova = api.nova
    migration = nova.db.migration_by_instance_and_status(instance.uuid, "finished")
    # "If this is a resize down, a revert might go over quota."
    check_quota_for_upsize(
        nova, context, instance, instance.flavor, migration.old_flavor, is_revert=True
    )
    if nova.db.aggregates is not None:
        instance.availability_zone = aggregates.host_zone(nova, migration.source_compute)
    instance.task_state = states.RESIZE_REVERTING
    instance.save(expected_task_state=[None])
    nova.db.migration_save(migration, "reverting", API_ACTOR)
    api._record_action_start(context, instance, REVERT_RESIZE)
    api.compute_rpcapi.cast(
        context, instance, "revert_resize", migration.dest_compute, migration=migration
    )


def confirm_resize_on_deleting(
    api: Any, context: Any, instance: Instance
) -> Generator[Any, Any, None]:
    """``_confirm_resize_on_deleting``: a server deleted while ``resized`` has its
    ``finished`` (or ``confirming``) migration confirmed first — a ``confirmResize`` action
    and an RPC *call* to the source host, which lets the old guest go — so nothing is left
    behind on the source. None found: the delete goes on ('Instance may have been confirmed
    during delete')."""
    migration = None
    for status in ("finished", "confirming"):
        try:
            migration = api.nova.db.migration_by_instance_and_status(instance.uuid, status)
            break
        except exception.MigrationNotFoundByStatus:
            pass
    if migration is None:
        return
    api._record_action_start(context, instance, CONFIRM_RESIZE)
    yield from api.compute_rpcapi.call(
        context, instance, "confirm_resize", migration.source_compute, migration=migration
    )
