"""Nova's quota limits (``nova/quota.py``'s ``QUOTAS`` with the ``DbQuotaDriver``): the
configured defaults, and a project's own limits set through ``PUT /os-quota-sets/{id}``.

A project's limit of a resource is its own one (Nova's ``quotas`` table, kept in
`NovaDB.quota_overrides`) or else the default: ``[quota] instances``, ``cores``, ``ram`` and
``metadata_items`` from config (``nova.quota_*``), the rest at their ``[quota]`` defaults
(`FIXED_LIMITS`; the nova-network ones -1 from 21.0.0), unless the ``default`` quota class
(``PUT /os-quota-class-sets/default``) sets them. Every place Nova checks a quota reads
the limits here: server create (`check_num_instances_quota`, the metadata check), createImage's
and createBackup's image metadata, ``/limits`` and ``/os-quota-sets``.

    >>> project_limits(nova, "p1")["instances"]
    10
"""

from __future__ import annotations

from typing import Any

from fakecloud.nova import server_groups

#: ``[quota] driver`` whose every limit (and usage) is -1: ``nova.quota.NoopQuotaDriver``.
NOOP_DRIVER = "NoopQuotaDriver"

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


def class_limits(nova: Any, quota_class: str) -> dict[str, int]:
    """``DbQuotaDriver.get_class_quotas``: what was set for `quota_class`, the `config_limits`
    for the rest."""
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
    if project_id is not None:
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
