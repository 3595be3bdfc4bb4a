"""Nova's registered limits as devstack makes them for a Nova under unified limits.

devstack's ``lib/nova`` ``configure_nova_unified_limits`` (``NOVA_USE_UNIFIED_LIMITS=True``,
the same on every branch from stable/yoga to stable/2026.1) registers Nova's defaults in
Keystone, for service ``nova`` in ``$REGION_NAME``, before it sets ``[quota] driver =
nova.quota.UnifiedLimitsDriver``: without them every resource is limited to 0 and Keystone
refuses a project's limit (403 "Unable to create a limit that has no corresponding registered
limit.", which Tempest's ``ServersQuotaTest`` skips on). `register_nova_limits` makes the same
through Keystone's API, as a system admin, on a cloud whose Nova uses that driver.
"""

from __future__ import annotations

from typing import Any

from fakecloud.errors import FakecloudError

#: ``configure_nova_unified_limits``'s ``registered limit create`` calls: resource, default
#: ("Default limits here mirror the legacy config-based default values").
DEVSTACK_NOVA_LIMITS = {
    "servers": 10,
    "class:VCPU": 20,
    "class:MEMORY_MB": 50 * 1024,
    "class:DISK_GB": 20,
    "server_metadata_items": 128,
    "server_injected_files": 5,
    "server_injected_file_content_bytes": 10240,
    "server_injected_file_path_bytes": 255,
    "server_key_pairs": 100,
    "server_groups": 10,
    "server_group_members": 10,
}


def register_nova_limits(cloud: Any) -> list[str]:
    """Register `DEVSTACK_NOVA_LIMITS` for the catalog's ``nova`` service in its region, those
    the cloud does not hold yet (a world loaded from a file may have them), if its Nova uses
    the unified limits driver; the resources registered. `FakecloudError` if Keystone
    refuses."""
    from fakecloud.nova.limit.utils import use_unified_limits

    if not use_unified_limits(cloud.nova):
        return []
    token = cloud.keystone.token_for("admin", scope="system").id
    services = _keystone(cloud, token, "GET", "/v3/services?name=nova")["services"]
    if not services:
        raise FakecloudError("Nova's registered limits: the catalog has no service nova")
    service_id, region = services[0]["id"], cloud.keystone.catalog.region
    query = f"/v3/registered_limits?service_id={service_id}&region_id={region}"
    held = {r["resource_name"] for r in _keystone(cloud, token, "GET", query)["registered_limits"]}
    missing = [
        {"service_id": service_id, "region_id": region, "resource_name": name,
         "default_limit": value}
        for name, value in DEVSTACK_NOVA_LIMITS.items()
        if name not in held
    ]  # fmt: skip
    if missing:
        _keystone(cloud, token, "POST", "/v3/registered_limits", {"registered_limits": missing})
    return [r["resource_name"] for r in missing]


def _keystone(cloud: Any, token: str, method: str, path: str, body: Any = None) -> Any:
    """Keystone's answer's body; `FakecloudError` with its message for an error status."""
    resp = cloud.request("identity", method, path, body, user=None, headers={"X-Auth-Token": token})
    if resp.status >= 400:
        why = resp.json().get("error", {}).get("message", resp.status)
        raise FakecloudError(f"Nova's registered limits: {method} {path}: {why}")
    return resp.json()
