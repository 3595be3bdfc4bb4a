"""``nova/limit/utils.py``: whether the unified limits driver is in force, and (31.0.0 on,
with ``[quota] unified_limits_resource_strategy``) whether an oslo.limit refusal stands.

`should_enforce`: a refusal stands if any limit it names is above 0; not if every one is
negative (-1, unlimited, which oslo.limit before 2.12.0 counts as a number); else it stands
for the resources at 0 that have a registered limit of Nova's endpoint (set to 0 on purpose)
and, of those with none, for those ``[quota] unified_limits_resource_strategy`` ``require``
lists in ``unified_limits_resource_list`` (``servers`` by default) or ``ignore`` leaves out of
it. Before 31.0.0 every refusal stands: a resource without a registered limit is limited to 0.

The registered limits are read by Nova's own client (33.0.0 on ``_identity_client``; 31.x
``_endpoint``, an ``endpoint_id``'s): the endpoint's service and region where ``[oslo_limit]
endpoint_id`` names it. Where oslo.limit looks the endpoint up by its service instead
(`oslo_limit.looks_up_service`; 31.x-32.x never get here, their oslo.limit's ``TypeError``
first), 33.x takes ``len()`` of the SDK's generator of services, Nova's 500 ``TypeError``
(33.0.0-33.0.2), and 34.0.0 (``list(...)``, ``regions(id=...)``) reads the service's limits of
``endpoint_region_name``'s region, or with none named of every region and of none: the SDK
drops ``region_id=None`` from its query, so a limit registered for another region or without
one counts here though oslo.limit, reading its endpoint's region, found none.
"""

from __future__ import annotations

from typing import Any

from fakecloud.nova.limit.oslo_limit import (
    ProjectOverLimit,
    ServiceLookupTypeError,
    limits_reader,
    looks_up_service,
)

#: ``[quota] driver`` whose limits are Keystone's.
UNIFIED_LIMITS_DRIVER = "UnifiedLimitsDriver"
#: The first Nova with ``should_enforce`` and the resource strategy options (31.0.0).
SHOULD_ENFORCE_SINCE = 31
#: The first Nova whose ``_identity_client`` lists the services it looks up (34.0.0: 33.x takes
#: ``len()`` of the SDK's generator, as oslo.limit 2.6.1-2.8.0 did).
IDENTITY_CLIENT_LISTS_SINCE = 34


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
    registered = {reg.resource_name for reg in _registered_limits(nova)}
    if candidates & registered:
        return True
    listed = resource_list(nova)
    if nova.config.unified_limits_resource_strategy == "require":
        return bool(candidates & listed)
    return bool(candidates - listed)


def _registered_limits(nova: Any) -> list[Any]:
    """``_identity_client().registered_limits()`` (33.0.0 on; 31.x-32.x alike where reached)."""
    reader = limits_reader(nova)
    if not looks_up_service(nova):
        return reader.registered_limits()
    if nova.kernel.switches.series.nova < IDENTITY_CLIENT_LISTS_SINCE:
        raise ServiceLookupTypeError("object of type 'generator' has no len()")
    return reader.service_registered_limits(nova.config.oslo_limit_endpoint_region_name or None)
