"""Nova's quota limits (``nova/quota.py``'s ``QUOTAS`` with the ``DbQuotaDriver``): the
configured defaults, and a project's own limits set through ``PUT /os-quota-sets/{id}``.

A project's limit of a resource is its own one (Nova's ``quotas`` table, kept in
`NovaDB.quota_overrides`) or else the default: ``[quota] instances``, ``cores``, ``ram`` and
``metadata_items`` from config (``nova.quota_*``), the rest at their ``[quota]`` defaults
(`FIXED_LIMITS`; the nova-network ones -1 from 21.0.0), unless the ``default`` quota class
(``PUT /os-quota-class-sets/default``) sets them. Every place Nova checks a quota reads
the limits here: server create (`check_num_instances_quota`, the metadata check), createImage's
and createBackup's image metadata, ``/limits`` and ``/os-quota-sets``.

A user's limits in a project (``PUT /os-quota-sets/{id}?user_id=``, Nova's
``project_user_quotas``) lie over the project's (`user_limits`); the checks that count by user
(servers' instances, cores and RAM, key pairs, server groups) hold a user to both.

    >>> project_limits(nova, "p1")["instances"]
    10
"""

from __future__ import annotations

from typing import Any

from fakecloud.nova import server_groups
from fakecloud.nova.limit import local as local_limit
from fakecloud.nova.limit import placement as placement_limit

#: ``[quota] driver`` whose every limit (and usage) is -1: ``nova.quota.NoopQuotaDriver``.
NOOP_DRIVER = "NoopQuotaDriver"
#: ``[quota] driver`` whose limits are Keystone's (``nova.quota.UnifiedLimitsDriver``).
UNIFIED_DRIVER = "UnifiedLimitsDriver"

#: ``[quota]`` defaults of the quotas fakecloud does not count.
FIXED_LIMITS = {
    "key_pairs": 100,
    "floating_ips": 10,
    "injected_files": 5,
    "injected_file_content_bytes": 10240,
    "security_groups": 10,
    "security_group_rules": 20,
    "server_groups": 10,
    "server_group_members": 10,
}
#: ``[quota]`` defaults of quotas ``/limits`` does not show.
MORE_FIXED_LIMITS = {"fixed_ips": -1, "injected_file_path_bytes": 255}
#: The nova-network proxies' quotas lost their ``[quota]`` options in 21.0.0 (Ussuri, with
#: nova-network): ``QUOTAS`` keeps them as flagless ``AbsoluteResource`` s, whose default is -1.
NOVA_NETWORK_QUOTAS = ("floating_ips", "security_groups", "security_group_rules")
NOVA_NETWORK_QUOTAS_UNLIMITED_FROM = 21
#: The resources counted from the instances (``_instances_cores_ram_count``), in its order.
COUNTED = ("instances", "cores", "ram")


def fixed_limits(switches: Any) -> dict[str, int]:
    """`FIXED_LIMITS` as the profile's release has them: the nova-network quotas are -1
    (unlimited) from 21.0.0 on."""
    if switches.series.nova < NOVA_NETWORK_QUOTAS_UNLIMITED_FROM:
        return FIXED_LIMITS
    return {**FIXED_LIMITS, **dict.fromkeys(NOVA_NETWORK_QUOTAS, -1)}


def config_limits(nova: Any) -> dict[str, int]:
    """Every resource's ``[quota]`` default (the resources' own ``default``), the counted ones
    first, then `fixed_limits` and `MORE_FIXED_LIMITS` (the order ``/limits`` shows them in)."""
    cfg = nova.config
    return {
        "instances": cfg.quota_instances,
        "cores": cfg.quota_cores,
        "ram": cfg.quota_ram,
        "metadata_items": cfg.quota_metadata_items,
        **fixed_limits(nova.kernel.switches),
        **MORE_FIXED_LIMITS,
    }


def unified_limits(nova: Any, project_id: str | None) -> dict[str, int]:
    """``UnifiedLimitsDriver.get_project_quotas``' limits (``get_defaults``' for None):
    instances, cores and RAM the project's limits of ``servers``, ``class:VCPU`` and
    ``class:MEMORY_MB`` (the registered ones for None), the local limits (metadata items,
    personality files, key pairs, server groups and members) the registered ones, each 0
    without one; -1 the rest (the nova-network quotas, ``fixed_ips``)."""
    local = local_limit.get_legacy_default_limits(nova)
    if project_id is None:
        placement = placement_limit.get_legacy_default_limits(nova)
    else:
        placement = placement_limit.get_legacy_project_limits(nova, project_id)
    return {
        name: placement[name] if name in placement else local.get(name, -1)
        for name in config_limits(nova)
    }


def legacy_checks(nova: Any) -> bool:
    """Whether the driver checks Nova's own quotas (``DbQuotaDriver``): the Noop driver's and
    the unified limits driver's ``limit_check`` and ``check_deltas`` check nothing."""
    return nova.config.quota_driver not in (NOOP_DRIVER, UNIFIED_DRIVER)


def class_limits(nova: Any, quota_class: str) -> dict[str, int]:
    """``DbQuotaDriver.get_class_quotas``: what was set for `quota_class`, the `config_limits`
    for the rest (``UnifiedLimitsDriver``: its defaults, whatever the class)."""
    if nova.config.quota_driver == UNIFIED_DRIVER:
        return unified_limits(nova, None)
    limits = config_limits(nova)
    limits.update(nova.db.quota_class(quota_class))
    return limits


def default_limits(nova: Any) -> dict[str, int]:
    """``QUOTAS.get_defaults``: the ``default`` quota class's limits (`class_limits`)."""
    return class_limits(nova, "default")


def project_limits(nova: Any, project_id: str | None) -> dict[str, int]:
    """Every resource's limit for `project_id` (its own ones over the defaults); the defaults
    for None. Under `NOOP_DRIVER` every one is -1 (``NoopQuotaDriver.get_project_quotas`` and
    ``get_defaults``), so no check refuses."""
    if nova.config.quota_driver == NOOP_DRIVER:
        return dict.fromkeys(config_limits(nova), -1)
    if nova.config.quota_driver == UNIFIED_DRIVER:
        return unified_limits(nova, project_id)
    if project_id is None:
        return default_limits(nova)
    limits = config_limits(nova)
    # `quota_overrides` already lays the project's own limits over the default class's
    limits.update(nova.db.quota_overrides(project_id))
    return limits


def counted_limits(nova: Any, project_id: str, resources: tuple[str, ...]) -> dict[str, int]:
    """The `project_limits` of `resources` (of ``instances``, ``cores``, ``ram``), in that
    order: what ``check_num_instances_quota`` and ``_check_quota_for_upsize`` check against."""
    limits = project_limits(nova, project_id)
    return {r: limits[r] for r in resources}


def project_quotas(nova: Any, project_id: str | None) -> dict[str, tuple[int, int]]:
    """(limit, in use) per resource, as ``get_project_quotas(usages=True)``: servers, cores,
    RAM and server groups counted, the rest 0; no usage for None (the defaults). Under
    `NOOP_DRIVER` both are -1 (``_get_noop_quotas``)."""
    limits = project_limits(nova, project_id)
    if nova.config.quota_driver == NOOP_DRIVER:
        return dict.fromkeys(limits, (-1, -1))
    used: dict[str, int] = {}
    if project_id is not None and nova.config.quota_driver == UNIFIED_DRIVER:
        # ``get_in_use`` and ``get_legacy_counts``: Placement's counts over the local ones
        used = {**local_limit.get_in_use(nova, project_id)}
        used.update(placement_limit.get_legacy_counts(nova, project_id))
    elif project_id is not None:
        used["instances"], used["cores"], used["ram"] = nova.db.project_usage(project_id)
        if nova.server_groups is not None:
            used["server_groups"] = server_groups.count(nova, project_id)
    return {name: (limit, used.get(name, 0)) for name, limit in limits.items()}


def limit(config: Any, db: Any, project_id: str | None, resource: str) -> int:
    """One counted resource's limit (``instances``, ``cores``, ``ram`` or ``metadata_items``)
    for `project_id`: its own one, else the ``default`` class's, else the config default."""
    own = db.quota_overrides(project_id) if project_id is not None else db.quota_class("default")
    if own and resource in own:
        return own[resource]
    return getattr(config, "quota_" + resource)


def user_limits(nova: Any, project_id: str, user_id: str) -> dict[str, int]:
    """``get_user_quotas``' limits: the user's own over `project_limits`. Under
    `NOOP_DRIVER` every one is -1; ``UnifiedLimitsDriver.get_user_quotas`` answers the
    project's."""
    limits = project_limits(nova, project_id)
    if nova.config.quota_driver not in (NOOP_DRIVER, UNIFIED_DRIVER):
        limits.update(nova.db.quota_user(project_id, user_id))
    return limits


def user_quotas(nova: Any, project_id: str, user_id: str) -> dict[str, tuple[int, int]]:
    """(limit, in use) per resource for the user (``get_user_quotas(usages=True)``): the
    user's servers, cores, RAM and server groups counted (``_get_usages`` with a user; key
    pairs and group members count 0 there); `project_quotas` under the unified-limits
    driver, -1 both under `NOOP_DRIVER`."""
    driver = nova.config.quota_driver
    if driver == UNIFIED_DRIVER:
        return project_quotas(nova, project_id)
    limits = user_limits(nova, project_id, user_id)
    if driver == NOOP_DRIVER:
        return dict.fromkeys(limits, (-1, -1))
    used: dict[str, int] = {}
    used["instances"], used["cores"], used["ram"] = nova.db.user_usage(project_id, user_id)
    if nova.server_groups is not None:
        used["server_groups"] = server_groups.count(nova, project_id, user_id)
    return {name: (limit, used.get(name, 0)) for name, limit in limits.items()}


def _unlimited_sum(a: int, b: int) -> int:
    """``DbQuotaDriver._sum_quota_values``: -1 (or below) on either side is unlimited."""
    return -1 if a <= -1 or b <= -1 else a + b


def settable_quotas(nova: Any, project_id: str, user_id: str | None) -> dict[str, tuple[int, int]]:
    """``get_settable_quotas``: (minimum, maximum) per resource a ``PUT /os-quota-sets``
    may set (-1 no maximum). A project's minimum is what it uses, or the sum of its users' own
    limits if more (``remains``); a user's is what the user uses, its maximum what the project
    has not given its other users. (0, -1) for all under the Noop and unified drivers."""
    if nova.config.quota_driver in (NOOP_DRIVER, UNIFIED_DRIVER):
        return dict.fromkeys(config_limits(nova), (0, -1))
    project = project_quotas(nova, project_id)
    # ``_process_quotas(remains=True)``: a plain subtraction, unlimited or not
    remains = {name: limit for name, (limit, _used) in project.items()}
    for own in nova.db.quota_users(project_id):
        for name, limit in own.items():
            remains[name] -= limit
    if user_id:
        setted = nova.db.quota_user(project_id, user_id)
        return {
            name: (used, _unlimited_sum(remains[name], setted.get(name, 0)))
            for name, (_limit, used) in user_quotas(nova, project_id, user_id).items()
        }
    settable = {}
    for name, (limit, used) in project.items():
        given = -1 if limit <= -1 or remains[name] <= -1 else limit - remains[name]
        settable[name] = (max(given, used), -1)
    return settable


def check_counted(
    nova: Any,
    project_id: str,
    user_id: str | None,
    deltas: dict[str, int],
    lower_of: str | None = None,
) -> tuple[list[str], dict[str, int], dict[str, int]]:
    """``Quotas.check_deltas`` of `deltas` (of ``instances``, ``cores``, ``ram``): the
    project's usage plus each delta against the project's limit, and with `user_id` the user's
    usage plus it against the user's limit (`user_limits`). Returns the sorted overs, the
    limits they broke (the user's if any user limit did) and the usages (the user's when a
    user is counted; from switch ``over_quota_usage_scope`` only when a user's limit was
    broken), as ``OverQuota``'s kwargs; no overs if all fit. `lower_of`: a user whose
    limits are not counted but merged (``limit_check_project_and_user``'s ``merged_quotas``
    for values given for the project only): the lower of its and the project's, -1 the
    lower."""
    project_used = dict(zip(COUNTED, nova.db.project_usage(project_id), strict=True))
    quotas = counted_limits(nova, project_id, tuple(deltas))
    if lower_of is not None and nova.db.quota_user(project_id, lower_of):
        theirs = user_limits(nova, project_id, lower_of)
        quotas = {r: min(limit, theirs[r]) for r, limit in quotas.items()}
    overs = [r for r in deltas if 0 <= quotas[r] < project_used[r] + deltas[r]]
    if user_id is None:
        return sorted(overs), quotas, project_used
    own = nova.db.quota_user(project_id, user_id)
    if not overs and not any(r in own for r in deltas):
        # the user's limits are the project's and its usage part of the project's: it fits
        return [], quotas, project_used
    user_used = dict(zip(COUNTED, nova.db.user_usage(project_id, user_id), strict=True))
    mine = user_limits(nova, project_id, user_id)
    over_user = False
    for r in deltas:
        if r not in overs and 0 <= mine[r] < user_used[r] + deltas[r]:
            overs.append(r)
            over_user = True
    if over_user:
        quotas = {r: mine[r] for r in deltas}
    elif nova.kernel.switches.over_quota_usage_scope:
        return sorted(overs), quotas, project_used
    return sorted(overs), quotas, user_used


def ids_from_instance(context: Any, instance: Any) -> tuple[str, str]:
    """``quotas_obj.ids_from_instance``: the server's project and user for an admin calling on
    another's, else the caller's own."""
    project_id = context.project_id
    if context.is_admin and project_id != instance.project_id:
        project_id = instance.project_id
    user_id = context.user_id
    if context.is_admin and user_id != instance.user_id:
        user_id = instance.user_id
    return project_id, user_id
