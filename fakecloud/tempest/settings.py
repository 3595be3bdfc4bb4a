"""What Tempest is told about one cloud: each value read from the cloud's profile and world.

`settings` gives the values `fakecloud.tempest.templates.TEMPEST_CONF` lays out: the
served Keystone, the region, the images and flavors the world has, the compute and volume
microversions of the profile's Nova and Cinder, the Glance features of its release, how
many compute hosts the migration tests may count on, and whether Cinder enforces its new RBAC
defaults.
"""

from __future__ import annotations

from typing import Any

from fakecloud.cinder import pools
from fakecloud.profiles.series import KEYSTONE_ACCESS_RULES_SINCE, cinder_api

#: The image Tempest's image import tests fetch by web-download (Tempest's ``[image]
#: http_image``); a served cloud can fetch it (`web_download_config`).
HTTP_IMAGE = "http://download.cirros-cloud.net/0.6.2/cirros-0.6.2-x86_64-disk.img"
#: The world's image whose bytes the web-download of `HTTP_IMAGE` brings.
HTTP_IMAGE_CONTENT = "cirros-0.6.2-x86_64-disk.img"


def _public_images(cloud: Any) -> list[Any]:
    images = cloud.glance.db.images.values()
    return [i for i in images if i.visibility == "public" and i.status == "active"]


def image_refs(cloud: Any) -> tuple[str, str]:
    """``image_ref`` and ``image_ref_alt``: the smallest public active images, the first one
    with ``hw_qemu_guest_agent`` (Nova's libvirt driver answers ``changePassword`` of a server
    without it with 409 "QEMU guest agent is not enabled")."""
    images = sorted(_public_images(cloud), key=lambda i: (i.size or 0, i.name or "", i.id))
    agent = [i for i in images if i.extra_properties.get("hw_qemu_guest_agent") == "yes"]
    if not agent or len(images) < 2:
        from fakecloud.errors import ConfigError

        raise ConfigError(
            "Tempest needs two public images, one with hw_qemu_guest_agent=yes: "
            f"the cloud has {len(images)} ({len(agent)} with the agent)"
        )
    first = agent[0]
    return first.id, next(i.id for i in images if i is not first)


def flavor_refs(cloud: Any) -> tuple[str, str]:
    """``flavor_ref`` and ``flavor_ref_alt`` (a resize's target): the two smallest public
    flavors by disk and RAM, as devstack gives Tempest (``m1.nano``, ``m1.micro``)."""
    flavors = [f for f in cloud.nova.flavors.values() if f.is_public and not f.disabled]
    small = sorted(flavors, key=lambda f: (f.root_gb, f.memory_mb, f.flavorid))[:2]
    if len(small) < 2:
        from fakecloud.errors import ConfigError

        raise ConfigError(f"Tempest needs two public flavors: the cloud has {len(small)}")
    return small[0].flavorid, small[1].flavorid


def glance_has_image_tasks(cloud: Any) -> bool:
    """Whether the cloud's Glance serves ``GET /v2/images/{id}/tasks`` (Image API 2.12, Glance
    22.0.0 on), which Tempest waits on after a server backup."""
    from fakecloud.glance.api import IMAGE_TASKS_SINCE

    return cloud.switches.release.series.glance >= IMAGE_TASKS_SINCE


def image_caching(cloud: Any) -> bool:
    """Tempest's ``[image] image_caching_enabled``: the cloud's Glance has an image cache
    (``glance: image_cache``) and its ``/v2/cache`` API answers as Tempest's cache client
    expects (a queue's 202 and the deletes' 204: 25.0.0 on, and Glance 24.2.0 beside Nova
    25.1.1, switches ``glance_cache_queue_200`` and ``glance_cache_delete_200`` off; 24.0.0's
    200s fail ``ImageCachingTest`` against the real Glance 24 too, and before it only the
    middleware's ``/v2/cached_images`` exists)."""
    switches = cloud.switches
    answers_as_expected = not (switches.glance_cache_queue_200 or switches.glance_cache_delete_200)
    return cloud.glance.config.image_cache and answers_as_expected


def nova_policy_roles(cloud: Any) -> tuple[str, ...]:
    """Tempest's ``[compute-feature-enabled] nova_policy_roles``: the roles the cloud's Nova
    names in its default rules. ``manager`` and ``service`` from 32.0.0 (06699f26a5,
    f914cb185c; devstack lib/tempest sets them from stable/2025.2), before it Tempest's
    default."""
    from fakecloud.nova.policies import SERVICE_ROLE_SINCE

    if cloud.switches.release.major >= SERVICE_ROLE_SINCE:
        return ("admin", "manager", "member", "reader", "service")
    return ("admin", "member", "reader")


#: Nova's default ``[filter_scheduler] enabled_filters`` from 20.0.0 (nova 34.0.0
#: ``nova/conf/scheduler.py``), and Tempest's default ``scheduler_enabled_filters``.
NOVA_DEFAULT_FILTERS = (
    "ComputeFilter",
    "ComputeCapabilitiesFilter",
    "ImagePropertiesFilter",
    "ServerGroupAntiAffinityFilter",
    "ServerGroupAffinityFilter",
)
#: devstack's ``lib/nova`` ``FILTERS``: Nova's defaults and the two hint filters Tempest's
#: ``ServersOnMultiNodesTest`` asks for (`fakecloud.nova.affinity_filter`).
DEVSTACK_FILTERS = (*NOVA_DEFAULT_FILTERS, "SameHostFilter", "DifferentHostFilter")


def scheduler_filters(cloud: Any) -> tuple[str, ...]:
    """Tempest's ``[compute-feature-enabled] scheduler_enabled_filters``: the filters of
    Nova's default list fakecloud always applies, and the hint filters the cloud's
    ``enabled_filters`` turns on."""
    from fakecloud.nova.affinity_filter import HINTS

    enabled = cloud.nova.config.enabled_filters or ()
    return (*NOVA_DEFAULT_FILTERS, *(name for name in HINTS if name in enabled))


def unified_limits(cloud: Any) -> bool:
    """Tempest's ``[compute-feature-enabled] unified_limits``: the served Nova counts quota
    against Keystone's limits (``[quota] driver = nova.quota.UnifiedLimitsDriver``, 25.0.0 on,
    ``nova: quota_driver`` in --config; Nova's default stays ``DbQuotaDriver`` through 34.0.0).
    With it Tempest skips the legacy quota updates and runs ``ComputeProjectQuotaTest``."""
    from fakecloud.nova.limit.utils import use_unified_limits

    return use_unified_limits(cloud.nova)


#: devstack's multiattach volume type (lib/cinder ``VOLUME_TYPE_MULTIATTACH``, made with the
#: extra spec ``multiattach="<is> True"`` where ``ENABLE_VOLUME_MULTIATTACH``; lib/tempest then
#: names it as ``[volume] volume_type_multiattach``).
MULTIATTACH_TYPE = "multiattach"


def multiattach_type(cloud: Any) -> str:
    """Tempest's ``[volume] volume_type_multiattach``: devstack's `MULTIATTACH_TYPE` where the
    cloud has it and its volumes are multiattach (`multiattach_config`), else ''."""
    vtype = cloud.cinder.volume_types.get(MULTIATTACH_TYPE)
    return MULTIATTACH_TYPE if vtype is not None and vtype.multiattach else ""


def backend_names(cloud: Any) -> str:
    """Tempest's ``[volume] backend_names`` where the served Cinder has two backends or more
    (each its own ``volume_backend_name``), else '' (one backend: Tempest's multi-backend and
    replication classes skip, as on devstack's single LVM). devstack's ``lib/tempest`` sets
    them, and ``[volume-feature-enabled] multi_backend``, where ``CINDER_ENABLED_BACKENDS``
    names more than one."""
    names = list(cloud.cinder.drivers)
    return ",".join(names) if len(names) > 1 else ""


def default_backend_report(cloud: Any) -> dict[str, Any]:
    """The capabilities the served Cinder's default type's backend reports (its first backend
    when the type names none): Tempest's ``[volume] storage_protocol`` and ``vendor_name``, which
    its volume type tests put in a type's extra specs, are its ``storage_protocol`` and
    ``vendor_name`` (``iSCSI`` and ``Open Source`` on LVM, Tempest's defaults; ``ceph`` on RBD,
    devstack-plugin-ceph's ``TEMPEST_STORAGE_PROTOCOL``)."""
    cinder = cloud.cinder
    name = cinder.default_type.backend or next(iter(cinder.drivers))
    return pools.capabilities(cinder, name, cinder.drivers[name])


def replication_enabled(cloud: Any) -> bool:
    """cinder-tempest-plugin's ``[volume-feature-enabled] replication``: a backend replicates
    (an ``rbd`` one with ``replication_device``, `fakecloud.cinder.replication`) and every
    backend's pool reports ``replication_enabled``, which the plugin's classes read of each
    pool (``get_pools``: an LVM pool has no such key, and they fail with a KeyError against a
    real Cinder too). They also want two backends (`backend_names`), and the negative ones
    one that does not replicate."""
    cinder = cloud.cinder
    reported = [
        pools.capabilities(cinder, n, d).get("replication_enabled")
        for n, d in cinder.drivers.items()
    ]
    return None not in reported and any(reported)


def extend_attached_encrypted(cloud: Any) -> bool:
    """Tempest's ``[volume-feature-enabled] extend_attached_encrypted_volume``: libvirt resizes
    an attached encrypted volume by its decrypted size (LUKS v1 in QEMU, v2 through os-brick's
    encryptor) from 961df12393 "libvirt: Correctly resize encrypted LUKSv1 volumes" (21.0.0, the
    change of ``switches.extend_reads_encryption``); before it QEMU refuses the raw size ("Cannot
    grow device files") and the ``compute_extend_volume`` event is an error."""
    return bool(cloud.switches.extend_reads_encryption)


#: libvirt's stable device rescue (the rescue image's ``hw_rescue_bus`` and
#: ``hw_rescue_device``), 035315b05b "libvirt: Add support for stable device rescue", 21.0.0.
STABLE_RESCUE_SINCE = 21


def settings(cloud: Any, dynamic_credentials: bool = False) -> dict[str, Any]:
    """The values of ``tempest.conf`` for `cloud` (its served URLs when served)."""
    series = cloud.switches.release.series
    identity = cloud.config.identity
    image_ref, image_ref_alt = image_refs(cloud)
    flavor_ref, flavor_ref_alt = flavor_refs(cloud)
    volume = cinder_api(series)
    admin = identity.world()["users"].get("admin") or {}
    report = default_backend_report(cloud)
    return {
        "profile": cloud.profile,
        "release": str(cloud.switches.release),
        "identity_uri_v3": cloud.auth_url.rstrip("/"),
        "region": identity.region,
        "domain": "Default",
        "dynamic_credentials": dynamic_credentials,
        "admin_project": admin.get("project", "admin"),
        "admin_password": admin.get("password", ""),
        "image_ref": image_ref,
        "image_ref_alt": image_ref_alt,
        "flavor_ref": flavor_ref,
        "flavor_ref_alt": flavor_ref_alt,
        "compute_min_microversion": "2.1",
        "compute_max_microversion": cloud.switches.max_microversion,
        "volume_min_microversion": volume["min_microversion"],
        "volume_max_microversion": volume["max_microversion"],
        "cinder_release": volume["release"],
        "glance_release": f"{series.glance}.x",
        "os_glance_reserved": bool(cloud.glance.reserved_namespaces),
        "image_caching_enabled": image_caching(cloud),
        "image_format_enforcement": cloud.glance.require_image_format_match,
        "access_rules": series.keystone >= KEYSTONE_ACCESS_RULES_SINCE,
        "compute_nodes": len(cloud.nova.hosts),
        "nova_scope_enforced": cloud.nova.policy.scope_enforced,
        "vnc_console": cloud.nova.config.vnc_enabled,
        "stable_rescue": cloud.switches.release.major >= STABLE_RESCUE_SINCE,
        "hostname_fqdn_sanitization": cloud.switches.hostname_periods_dashed,
        "unified_limits": unified_limits(cloud),
        "volume_type_multiattach": multiattach_type(cloud),
        "backend_names": backend_names(cloud),
        "storage_protocol": report["storage_protocol"],
        "vendor_name": report["vendor_name"],
        "replication": replication_enabled(cloud),
        "extend_attached_encrypted_volume": extend_attached_encrypted(cloud),
        "nova_policy_roles": ",".join(nova_policy_roles(cloud)),
        "scheduler_enabled_filters": ",".join(scheduler_filters(cloud)),
        "cinder_new_defaults": cloud.cinder.policy_new_defaults,
        "glance_scope_enforced": cloud.glance.scope_enforced,
        "http_image": HTTP_IMAGE,
    }


#: Simulated image content a served Tempest cloud downloads (its ``glance``
#: ``downloadable_content_bytes``): the world's images Tempest names (``image_ref``: the 20.4 MiB
#: cirros) fit, so ``AttachSCSIVolumeTestJSON.test_attach_scsi_disk_with_config_drive`` can
#: download it and upload it again. Real Glance and Nova set no such limit; fakecloud's default
#: (1 MiB) keeps every other cloud from hashing 20 MiB images as they go active. A server
#: snapshot (128 MB of cirros) stays described.
TEMPEST_DOWNLOADABLE_BYTES = 32 << 20


def download_config(config: dict[str, Any]) -> dict[str, Any]:
    """`config` with `TEMPEST_DOWNLOADABLE_BYTES` of simulated content downloadable, unless
    it names its own ``downloadable_content_bytes``."""
    glance = config.get("glance") or {}
    if not isinstance(glance, dict):
        return config  # left for the config check to refuse, naming it
    limit = glance.get("downloadable_content_bytes", TEMPEST_DOWNLOADABLE_BYTES)
    return {**config, "glance": {**glance, "downloadable_content_bytes": limit}}


def multiattach_config(config: dict[str, Any]) -> dict[str, Any]:
    """`config` with devstack's `MULTIATTACH_TYPE` among Cinder's volume types (on the default
    type's backend), unless it names a type of that name itself."""
    from fakecloud.cinder.config import DEFAULT_TYPE_NAME, CinderConfig

    cinder = config.get("cinder") or {}
    if not isinstance(cinder, dict):
        return config  # left for the config check to refuse, naming it
    types = cinder.get("volume_types", CinderConfig().volume_types)
    if not isinstance(types, dict) or MULTIATTACH_TYPE in types:
        return config
    default = types.get(DEFAULT_TYPE_NAME)
    backend = default.get("backend") if isinstance(default, dict) else None
    if backend is None:
        backends = cinder.get("backends", CinderConfig().backends)
        backend = next(iter(backends), None) if isinstance(backends, dict) else None
    if backend is None:
        return config  # no backend to name: left for the config check
    spec = {"backend": backend, "extra_specs": {"multiattach": "<is> True"}}
    return {**config, "cinder": {**cinder, "volume_types": {**types, MULTIATTACH_TYPE: spec}}}


def filters_config(config: dict[str, Any]) -> dict[str, Any]:
    """`config` with devstack's `DEVSTACK_FILTERS` as Nova's ``enabled_filters``, unless it
    names its own."""
    nova = config.get("nova") or {}
    if not isinstance(nova, dict):
        return config  # left for the config check to refuse, naming it
    return {**config, "nova": {"enabled_filters": list(DEVSTACK_FILTERS), **nova}}


def web_download_config(config: dict[str, Any]) -> dict[str, Any]:
    """`config` with `HTTP_IMAGE` fetchable by Glance's web-download (the bytes of the
    world's cirros image); a URL the config names itself is left as it is."""
    from fakecloud.glance.config import BASE_IMAGES

    image = next(i for i in BASE_IMAGES if i["content_id"] == HTTP_IMAGE_CONTENT)
    glance = config.get("glance") or {}
    if not isinstance(glance, dict):
        return config  # left for the config check to refuse, naming it
    urls = dict(glance.get("web_download_urls") or {})
    urls.setdefault(
        HTTP_IMAGE,
        {
            "size": image["size"],
            "disk_format": image["disk_format"],
            "virtual_size": image["virtual_size"],
            "content_id": image["content_id"],
        },
    )
    return {**config, "glance": {**glance, "web_download_urls": urls}}
