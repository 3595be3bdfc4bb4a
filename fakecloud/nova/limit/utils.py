"""``nova/limit/utils.py``: whether the unified limits driver is in force, and (31.0.0 on,
with ``[quota] unified_limits_resource_strategy``) whether an oslo.limit refusal stands.

`should_enforce`: a refusal stands if any limit it names is above 0; not if every one is
negative (-1, unlimited, which oslo.limit before 2.12.0 counts as a number); else it stands
for the resources at 0 that have a registered limit of Nova's endpoint (set to 0 on purpose)
and, of those with none, for those ``[quota] unified_limits_resource_strategy`` ``require``
lists in ``unified_limits_resource_list`` (``servers`` by default) or ``ignore`` leaves out of
it. Before 31.0.0 every refusal stands: a resource without a registered limit is limited to 0.
"""

from __future__ import annotations

from typing import Any

from fakecloud.nova.limit.oslo_limit import ProjectOverLimit, limits_reader

#: ``[quota] driver`` whose limits are Keystone's.
UNIFIED_LIMITS_DRIVER = "UnifiedLimitsDriver"
#: The first Nova with ``should_enforce`` and the resource strategy options (31.0.0).
SHOULD_ENFORCE_SINCE = 31


def use_unified_limits(nova: Any) -> bool:
    """``CONF.quota.driver == UNIFIED_LIMITS_DRIVER``."""
    return nova.config.quota_driver == UNIFIED_LIMITS_DRIVER


def resource_list(nova: Any) -> set[str]:
    """``[quota] unified_limits_resource_list`` (comma-separated in the config)."""
    return {n.strip() for n in nova.config.unified_limits_resource_list.split(",") if n.strip()}


def should_enforce(nova: Any, exc: ProjectOverLimit) -> bool:
    """Whether the refusal `exc` stands (always before 31.0.0)."""
    if nova.kernel.switches.series.nova < SHOULD_ENFORCE_SINCE:
        return True
    infos = exc.over_limit_info_list
    if any(info.limit > 0 for info in infos):
        return True
    if all(info.limit < 0 for info in infos):
        return False
    candidates = {info.resource_name for info in infos if info.limit == 0}
    registered = {reg.resource_name for reg in limits_reader(nova).registered_limits()}
    if candidates & registered:
        return True
    listed = resource_list(nova)
    if nova.config.unified_limits_resource_strategy == "require":
        return bool(candidates & listed)
    return bool(candidates - listed)
